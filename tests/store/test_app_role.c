/* tests/store/test_app_role.c: the pipeline needs nothing more than intake_app: `intake poll` and
 * `intake assets import` run with role intake_app (options -c role=...) against real servers, via
 * the end-to-end harness (tests/e2e/harness.c). */
#include "../e2e/harness.h"

#include <criterion/criterion.h>
#include <string.h>

static E2e *E;

static void
as_intake_app(void)
{
  char *ci = g_strdup_printf("%s options='-c role=intake_app'", E->conninfo);
  g_free(E->conninfo);
  E->conninfo = ci;
  g_autofree char *url = e2e_url(E, FALSE, "INBOX");
  e2e_write_config(E, url, "");
}

static void
setup(void)
{
  E = e2e_setup("store_app");
}

static void
teardown(void)
{
  e2e_teardown(E);
  E = NULL;
}

TestSuite(app_role, .init = setup, .fini = teardown, .timeout = 300);

/* An SQL statement that must be refused for lack of privilege (SQLSTATE 42501). */
static void
refused(const char *sql)
{
  PGresult *r = PQexec(E->pg, sql);
  const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
  cr_expect(PQresultStatus(r) == PGRES_FATAL_ERROR && g_strcmp0(state, "42501") == 0,
            "%s: expected permission denied, got %s: %s", sql, state ? state : "success",
            PQresultErrorMessage(r));
  PQclear(r);
}

static void
allowed(const char *sql)
{
  PGresult *r = PQexec(E->pg, sql);
  cr_expect(PQresultStatus(r) == PGRES_TUPLES_OK || PQresultStatus(r) == PGRES_COMMAND_OK, "%s: %s", sql,
            PQresultErrorMessage(r));
  PQclear(r);
}

Test(app_role, poll_runs_as_intake_app_and_the_registry_is_the_owners)
{
  g_autofree char *owner = g_strdup(E->conninfo);
  as_intake_app();
  /* the registry is not the pipeline's to write: a clear answer naming the fix */
  g_autofree char *out = NULL, *err = NULL;
  int rc = e2e_run(E, &out, &err, "assets", "import", INTAKE_SOURCE "/samples/assets.csv", NULL);
  cr_assert_eq(rc, 1, "assets import as intake_app: %s%s", out, err);
  cr_expect(strstr(err, "migrate_conninfo"), "no hint: %s", err);
  /* with the owner's connection it works */
  g_autofree char *conf = NULL;
  cr_assert(g_file_get_contents(E->config_path, &conf, NULL, NULL));
  g_autofree char *conf2 = g_strdup_printf("%smigrate_conninfo = %s\n", conf, owner);
  cr_assert(g_file_set_contents(E->config_path, conf2, -1, NULL));
  g_autofree char *out1 = NULL, *err1 = NULL;
  rc = e2e_run(E, &out1, &err1, "assets", "import", INTAKE_SOURCE "/samples/assets.csv", NULL);
  cr_assert_eq(rc, 0, "assets import as the owner: %s%s", out1, err1);
  for (guint i = 0; i < 3; i++) {
    g_autofree char *mid = g_strdup_printf("app-role-%u@example.com", i);
    gsize len = 0;
    g_autofree char *mail = e2e_make_mail(mid, i, 200, &len);
    e2e_append(E, "INBOX", mail, len);
  }
  g_autofree char *out2 = NULL, *err2 = NULL;
  rc = e2e_run(E, &out2, &err2, "poll", NULL);
  cr_assert_eq(rc, 0, "poll as intake_app: %s%s", out2, err2);
  cr_expect_eq(e2e_scalar(E, "SELECT count(*) FROM intake.orders"), 3);
  cr_expect_eq(e2e_scalar(E, "SELECT count(*) FROM intake.mailbox_uids WHERE marked_at IS NULL"), 0);
  /* a second poll finds nothing new and still needs no more rights */
  g_autofree char *out3 = NULL, *err3 = NULL;
  rc = e2e_run(E, &out3, &err3, "poll", NULL);
  cr_assert_eq(rc, 0, "second poll as intake_app: %s%s", out3, err3);
  cr_expect_eq(e2e_scalar(E, "SELECT count(*) FROM intake.messages"), 3);

  /* alerts, the metrics textfile and status read views: as intake_app too (blind round 13: "permission
   * denied for view order_deadlines" — no alert, no status, no metrics) */
  PQclear(PQexec(E->pg,
                 "UPDATE intake.orders SET priority = 'P1', response_due = now() + interval '5 minutes'"
                 " WHERE id = (SELECT min(id) FROM intake.orders)"));
  g_autofree char *prom = g_build_filename(E->dir, "intake.prom", NULL);
  g_autofree char *conf3 = NULL;
  cr_assert(g_file_get_contents(E->config_path, &conf3, NULL, NULL));
  /* state_dir: the test's own (the grant test below is a database outage to the alerts) */
  g_autofree char *conf4 = g_strdup_printf("%s[alerts]\nwebhook_url = http://127.0.0.1:1/hook\ntimeout = 1s\n"
                                           "state_dir = %s\n[metrics]\ntextfile = %s\n",
                                           conf3, E->dir, prom);
  cr_assert(g_file_set_contents(E->config_path, conf4, -1, NULL));
  g_autofree char *out4 = NULL, *err4 = NULL;
  rc = e2e_run(E, &out4, &err4, "poll", NULL);
  cr_assert_eq(rc, 0, "poll with alerts and metrics as intake_app: %s%s", out4, err4);
  cr_expect(!strstr(err4, "permission denied"), "%s", err4);
  cr_expect_geq(e2e_scalar(E, "SELECT count(*) FROM intake.alerts WHERE kind IN ('p1', 'deadline')"), 2);
  cr_expect(g_file_test(prom, G_FILE_TEST_EXISTS), "no metrics textfile: %s", err4);
  g_autofree char *out5 = NULL, *err5 = NULL;
  e2e_run(E, &out5, &err5, "status", NULL);
  cr_expect(!strstr(out5, "permission denied") && !strstr(err5, "permission denied"), "%s%s", out5, err5);
  cr_expect(strstr(out5, "outbox:"), "status as intake_app: %s%s", out5, err5);

  /* a grant missing (a future migration forgetting one): the poll stops, nothing quarantined or
   * flagged, and the mail is taken in once the grants are applied (blind round 13b: lost) */
  PQclear(PQexec(E->pg, "REVOKE INSERT ON intake.orders FROM intake_app"));
  {
    gsize len = 0;
    g_autofree char *mail = e2e_make_mail("app-role-grant@example.com", 7, 200, &len);
    e2e_append(E, "INBOX", mail, len);
  }
  g_autofree char *out6 = NULL, *err6 = NULL;
  rc = e2e_run(E, &out6, &err6, "poll", NULL);
  cr_expect_eq(rc, 1, "%s%s", out6, err6);
  cr_expect(strstr(err6, "lacks a grant"), "%s", err6);
  cr_expect_eq(e2e_scalar(E, "SELECT count(*) FROM intake.quarantine"), 0);
  cr_expect_eq(e2e_scalar(E, "SELECT count(*) FROM intake.messages"), 3);
  PQclear(PQexec(E->pg, "SELECT intake.apply_grants()"));
  g_autofree char *out7 = NULL, *err7 = NULL;
  rc = e2e_run(E, &out7, &err7, "poll", NULL);
  cr_expect_eq(rc, 0, "%s%s", out7, err7);
  cr_expect_eq(e2e_scalar(E, "SELECT count(*) FROM intake.orders"), 4);

  /* what the pipeline may never do: rewrite stored mail or history, migrate, touch the registry */
  PQclear(PQexec(E->pg, "SET ROLE intake_app"));
  refused("UPDATE intake.messages SET raw = '\\x00'");
  refused("UPDATE intake.audit SET note = 'x'");
  refused("DELETE FROM intake.audit");
  refused("DELETE FROM intake.orders");
  refused("INSERT INTO intake.schema_migrations (name) VALUES ('999_evil.sql')");
  refused("UPDATE intake.assets SET tier = 'gold'");
  refused("CREATE TABLE intake.evil (a int)");
  PQclear(PQexec(E->pg, "RESET ROLE"));

  /* reporting reads the queue and the reports, nothing else */
  PQclear(PQexec(E->pg, "SET ROLE intake_report"));
  allowed("SELECT * FROM intake.queue");
  allowed("SELECT * FROM intake.sla_report");
  allowed("SELECT * FROM intake.volume_report");
  refused("SELECT * FROM intake.messages");
  refused("SELECT * FROM intake.order_thread");
  refused("SELECT * FROM intake.orders");
  refused("SELECT intake.search('example')");
  refused("SELECT intake.record_response('RC20261125-0001')");
  PQclear(PQexec(E->pg, "RESET ROLE"));
}

/* `intake assets import` streams the valid rows into its transaction: what it reports and writes —
 * added, updated, unchanged, rejected (a duplicate SN, a bad date) — on a first and a second import,
 * and a dry run writes nothing. */
Test(app_role, assets_import_counts_what_it_wrote)
{
  const char *header =
    "sn,kind,brand,model,customer,tier,ship_date,invoice_date,warranty_basis,contract_start,"
    "contract_years,software,city,district\n";
  g_autofree char *path = g_build_filename(E->dir, "registry.csv", NULL);
  g_autofree char *v1 =
    g_strconcat(header,
                "RCS25A0077001,server,,RC-R2290 G5,客户甲,gold,2025-03-10,,ship,,,,天津市,河西区\n"
                "rcs-25a0077002,server,,RC-R2290 G5,客户乙,silver,2025-03-11,,ship,,,,天津市,南开区\n"
                "RCS25A0077001,server,,RC-R2290 G5,客户丙,gold,2025-03-12,,ship,,,,天津市,河西区\n"
                "RCS25A0077003,server,,RC-R2290 G5,客户丁,gold,2025-13-45,,ship,,,,天津市,河西区\n"
                "RCS25A0077004,server,,RC-R2290 G5,客户戊,silver,2025-03-14,,invoice,,,,北京市,海淀区\n",
                NULL);
  cr_assert(g_file_set_contents(path, v1, -1, NULL));
  g_autofree char *out = NULL, *err = NULL;
  /* rows rejected: exit 1, so that a nightly import job notices (blind round 18) */
  cr_assert_eq(e2e_run(E, &out, &err, "assets", "import", path, "--dry-run", NULL), 1, "%s%s", out, err);
  cr_assert(strstr(out, "3 valid, 2 rejected (dry run"), "%s", out);
  /* valid, but its orders would wait for review: said at the import (blind round 18) */
  cr_assert(strstr(out, "warning line 6 RCS25A0077004: basis invoice without invoice_date"), "%s", out);
  cr_assert_eq(e2e_scalar(E, "SELECT count(*) FROM intake.assets WHERE sn LIKE 'RCS25A00770%'"), 0);
  g_free(out);
  g_free(err);
  cr_assert_eq(e2e_run(E, &out, &err, "assets", "import", path, NULL), 1, "%s%s", out, err);
  cr_assert(strstr(out, "3 added, 0 updated, 0 unchanged, 2 rejected"), "%s", out);
  cr_assert(strstr(err, "2 row(s)") && strstr(err, "rejected"), "%s", err);
  cr_assert(strstr(out, "duplicate SN RCS25A0077001"), "%s", out);
  /* an ERP's "rcs-25a0077002" is stored as customers write it (blind round 18) */
  cr_assert_eq(e2e_scalar(E, "SELECT count(*) FROM intake.assets WHERE sn LIKE 'RCS25A00770%'"), 3);
  /* the first of the duplicates stands */
  cr_assert_eq(
    e2e_scalar(E, "SELECT count(*) FROM intake.assets WHERE sn = 'RCS25A0077001' AND customer = '客户甲'"),
    1);

  /* again, one customer changed: one updated, the others unchanged */
  g_autofree char *v2 =
    g_strconcat(header,
                "RCS25A0077001,server,,RC-R2290 G5,客户甲,gold,2025-03-10,,ship,,,,天津市,河西区\n"
                "RCS25A0077002,server,,RC-R2290 G5,客户己,silver,2025-03-11,,ship,,,,天津市,南开区\n"
                "RCS25A0077004,server,,RC-R2290 G5,客户戊,silver,2025-03-14,,invoice,,,,北京市,海淀区\n",
                NULL);
  cr_assert(g_file_set_contents(path, v2, -1, NULL));
  g_free(out);
  g_free(err);
  /* an open order on the machine whose row changes: the import says it keeps its classification */
  PGresult *r =
    PQexec(E->pg, "WITH m AS (INSERT INTO intake.messages (dedupe_key, sha256, headers, raw, size) VALUES "
                  "('reg-1', 'h', '',"
                  " 'x', 1) RETURNING id) INSERT INTO intake.orders (order_no, message_id, received_at,"
                  " sn) SELECT 'RC20261204-0001', id, '2026-12-04 09:00+08', 'RCS25A0077002' FROM m");
  cr_assert_eq(PQresultStatus(r), PGRES_COMMAND_OK, "%s", PQerrorMessage(E->pg));
  PQclear(r);
  cr_assert_eq(e2e_run(E, &out, &err, "assets", "import", path, NULL), 0, "%s%s", out, err);
  cr_assert(strstr(out, "0 added, 1 updated, 2 unchanged, 0 rejected"), "%s", out);
  cr_assert(strstr(out, "1 open order(s)") && strstr(out, "reprocess --since 2026-12-04"), "%s", out);
  cr_assert_eq(
    e2e_scalar(E, "SELECT count(*) FROM intake.assets WHERE sn = 'RCS25A0077002' AND customer = '客户己'"),
    1);

  /* a later export without the contract columns (blind round 11a): what the file lacks keeps its
   * stored value, it is not reset to the defaults (ship basis, no contract, no software) */
  g_autofree char *v3 =
    g_strconcat(header,
                "RCS25A0077005,server,,RC-R4290G "
                "G5,客户庚,gold,2025-08-20,2025-08-28,contract,2025-09-01,5,SuperAI,成都市,\n",
                NULL);
  cr_assert(g_file_set_contents(path, v3, -1, NULL));
  g_free(out);
  g_free(err);
  cr_assert_eq(e2e_run(E, &out, &err, "assets", "import", path, NULL), 0, "%s%s", out, err);
  g_autofree char *subset = g_strdup("sn,model,customer,tier,ship_date\n"
                                     "RCS25A0077005,RC-R4290G G5,客户庚二,gold,2025-08-20\n"
                                     "RCS25A0077006,RC-R2290 G5,客户辛,silver,2025-09-01\n");
  cr_assert(g_file_set_contents(path, subset, -1, NULL));
  g_free(out);
  g_free(err);
  cr_assert_eq(e2e_run(E, &out, &err, "assets", "import", path, NULL), 0, "%s%s", out, err);
  cr_assert(strstr(out, "1 added, 1 updated, 0 unchanged"), "%s", out);
  cr_assert(strstr(out, "kept as stored") && strstr(out, "warranty_basis"), "%s", out);
  /* the three machines of the earlier files this one does not list: kept, and said (blind round 20) */
  cr_assert(strstr(out, "3 machine(s) stored before are not in this file"), "%s", out);
  cr_assert_eq(
    e2e_scalar(E, "SELECT count(*) FROM intake.assets WHERE sn = 'RCS25A0077005' AND customer = '客户庚二'"
                  " AND warranty_basis = 'contract' AND contract_years = 5 AND software = 'SuperAI'"
                  " AND invoice_date = '2025-08-28' AND city = '成都市'"),
    1);
  cr_assert_eq(e2e_scalar(E,
                          "SELECT count(*) FROM intake.assets WHERE sn = 'RCS25A0077006' AND kind = 'server'"
                          " AND warranty_basis = 'ship' AND contract_years IS NULL"),
               1);
}

/* The poll's lock held by a session of another role (an admin's psql): pg_stat_activity hides its
 * start from intake_app, yet status says the lock is held and the poll names the holder's role
 * (blind round 18: "lock free", and "connected ?, -1 s ago"). */
Test(app_role, a_lock_held_by_another_role_is_seen_as_held)
{
  as_intake_app();
  g_autofree char *out = NULL, *err = NULL;
  cr_assert_eq(e2e_run(E, &out, &err, "poll", NULL), 0, "%s%s", out, err); /* the mailbox is known */
  g_autofree char *url = e2e_url(E, FALSE, "INBOX");
  g_autofree char *key = g_strdup_printf("%s %s", E->user, url);
  const char *params[] = { key };
  PGresult *r =
    PQexecParams(E->pg, "SELECT pg_advisory_lock(hashtextextended($1, 0))", 1, NULL, params, NULL, NULL, 0);
  cr_assert_eq(PQresultStatus(r), PGRES_TUPLES_OK, "%s", PQresultErrorMessage(r));
  PQclear(r);
  g_autofree char *role = harness_text(E, "SELECT session_user");

  g_free(out);
  g_free(err);
  e2e_run(E, &out, &err, "status", NULL);
  cr_assert(strstr(out, "lock held by a session of another database role"), "%s%s", out, err);
  g_free(out);
  g_free(err);
  e2e_run(E, &out, &err, "status", "--json", NULL);
  cr_assert(strstr(out, "\"lock_held\" : true"), "%s%s", out, err);

  g_free(out);
  g_free(err);
  cr_assert_eq(e2e_run(E, &out, &err, "poll", NULL), 75, "%s%s", out, err);
  g_autofree char *named = g_strdup_printf("role %s); its start is hidden", role);
  cr_assert(strstr(err, "another session holds the lock") && strstr(err, named), "%s", err);
  cr_assert_null(strstr(err, "-1 s ago"), "%s", err);
}
