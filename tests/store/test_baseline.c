/* tests/store/test_baseline.c: the migration baseline of sql/ against a real PostgreSQL. A database
 * migrated by the pre-release files and then by sql/ must end exactly like one migrated by sql/
 * alone: same pg_dump of schema intake, same rows in every table, same database settings;
 * migrating either again changes nothing.
 * The pre-release files are tests/data/sql-legacy.tar.gz, sql/ as it was before the baseline
 * (kept packed, so that no scan takes them for copies of sql/), made with
 *   git archive --format=tar --prefix=sql-legacy/ 28f61c0:sql | gzip -n -9 */
#include "harness.h"

#include <criterion/criterion.h>
#include <string.h>

#define TARBALL INTAKE_SOURCE "/tests/data/sql-legacy.tar.gz"

static StoreTest *A; /* legacy files, then sql/ */
static StoreTest *B; /* sql/ only */

static char *unpacked; /* the temporary folder holding sql-legacy/ */
static char *legacy;   /* unpacked/sql-legacy */

static void
run(const char *const *argv)
{
  g_autoptr(GError) error = NULL;
  int status = 0;
  g_autofree char *err = NULL;
  cr_assert(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL,
                         NULL, NULL, &err, &status, &error),
            "%s: %s", argv[0], error ? error->message : "?");
  cr_assert(g_spawn_check_wait_status(status, NULL), "%s failed: %s", argv[0], err);
}

static void
setup(void)
{
  g_autoptr(GError) error = NULL;
  unpacked = g_dir_make_tmp("intake-legacy-XXXXXX", &error);
  cr_assert(unpacked, "mkdtemp: %s", error ? error->message : "?");
  const char *argv[] = { "tar", "-xzf", TARBALL, "-C", unpacked, NULL };
  run(argv);
  legacy = g_build_filename(unpacked, "sql-legacy", NULL);
}

static void
teardown(void)
{
  st_teardown(A);
  st_teardown(B);
  A = B = NULL;
  const char *argv[] = { "rm", "-rf", "--", unpacked, NULL };
  run(argv);
  g_clear_pointer(&unpacked, g_free);
  g_clear_pointer(&legacy, g_free);
}

TestSuite(baseline, .init = setup, .fini = teardown, .timeout = 300);

/* Fails with the first line where the two texts differ. */
static void
expect_same_text(const char *a, const char *b, const char *what)
{
  if (strcmp(a, b) == 0)
    return;
  g_auto(GStrv) la = g_strsplit(a, "\n", -1);
  g_auto(GStrv) lb = g_strsplit(b, "\n", -1);
  guint i = 0;
  while (la[i] && lb[i] && strcmp(la[i], lb[i]) == 0)
    i++;
  cr_expect_fail("%s differ at line %u:\n  upgraded: %s\n  new:      %s", what, i + 1,
                 la[i] ? la[i] : "(end)", lb[i] ? lb[i] : "(end)");
}

/* Every table's row count and a digest of its rows, one line per table (schema_migrations aside:
 * it holds the history, which differs by design). */
static char *
table_digests(StoreTest *t)
{
  g_autofree char *names = st_value(t, "SELECT string_agg(relname, ' ' ORDER BY relname) FROM pg_class"
                                       " WHERE relnamespace = 'intake'::regnamespace AND relkind = 'r'"
                                       "   AND relname <> 'schema_migrations'");
  g_auto(GStrv) tables = g_strsplit(names, " ", -1);
  g_autoptr(GString) out = g_string_new(NULL);
  for (guint i = 0; tables[i]; i++) {
    g_autofree char *sql = g_strdup_printf("SELECT count(*) || ' ' || coalesce(md5(string_agg(x::text, E'\\n'"
                                           " ORDER BY x::text)), '') FROM intake.%s x",
                                           tables[i]);
    g_autofree char *d = st_value(t, sql);
    g_string_append_printf(out, "%s %s\n", tables[i], d);
  }
  return g_string_free(g_steal_pointer(&out), FALSE);
}

static const char *settings_sql =
  "SELECT coalesce(array_to_string(setconfig, ','), '') FROM pg_db_role_setting"
  " WHERE setrole = 0 AND setdatabase ="
  " (SELECT oid FROM pg_database WHERE datname = current_database())";

static gint
by_name(gconstpointer a, gconstpointer b)
{
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The NNN_*.sql names of one or two folders (dir2 may be NULL), sorted, space-separated. */
static char *
migration_files(const char *dir1, const char *dir2)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
  const char *dirs[] = { dir1, dir2 };
  for (guint i = 0; i < G_N_ELEMENTS(dirs) && dirs[i]; i++) {
    g_autoptr(GDir) d = g_dir_open(dirs[i], 0, NULL);
    cr_assert(d, "cannot open %s", dirs[i]);
    const char *n;
    while ((n = g_dir_read_name(d)))
      if (g_ascii_isdigit(n[0]) && g_str_has_suffix(n, ".sql"))
        g_ptr_array_add(names, g_strdup(n));
  }
  g_ptr_array_sort(names, by_name);
  g_ptr_array_add(names, NULL);
  return g_strjoinv(" ", (char **)names->pdata);
}

static char *
recorded(StoreTest *t)
{
  return st_value(t, "SELECT string_agg(name, ' ' ORDER BY name) FROM intake.schema_migrations");
}

static StoreTest *
legacy_database(void)
{
  StoreTest *t = st_setup_empty();
  g_autofree char *out = st_migrate_dir(t, legacy, NULL);
  cr_assert(strstr(out, "migrations applied: 19"), "legacy migrate said: %s", out);
  st_connect(t);
  return t;
}

Test(baseline, legacy_database_upgrades_to_the_new_schema)
{
  A = legacy_database();
  g_autofree char *up = st_migrate(A);
  /* every file of sql/ but the six baseline files 000_legacy_upgrade.sql records as done (001…031):
   * 000 itself, 040_roles.sql and every later migration */
  guint files_n = 0;
  g_autoptr(GDir) dir = g_dir_open(INTAKE_SOURCE "/sql", 0, NULL);
  for (const char *n; dir && (n = g_dir_read_name(dir));)
    if (g_ascii_isdigit(n[0]) && g_str_has_suffix(n, ".sql"))
      files_n++;
  g_autofree char *want = g_strdup_printf("migrations applied: %u", files_n - 6);
  cr_expect(strstr(up, want), "upgrade said: %s (expected %s)", up, want);
  st_connect(A);
  B = st_setup();

  g_autofree char *dump_a = st_dump_schema(A), *dump_b = st_dump_schema(B);
  expect_same_text(dump_a, dump_b, "pg_dump --schema-only --schema=intake");
  g_autofree char *rows_a = table_digests(A), *rows_b = table_digests(B);
  expect_same_text(rows_a, rows_b, "the tables' rows");
  cr_expect(strstr(rows_b, "\nkeywords 1206 "), "seed rows: %s", rows_b);
  g_autofree char *set_a = st_value(A, settings_sql), *set_b = st_value(B, settings_sql);
  cr_expect_str_eq(set_a, set_b, "database settings");
  cr_expect_str_eq(set_b, "TimeZone=Asia/Shanghai");

  g_autofree char *files = migration_files(INTAKE_SOURCE "/sql", NULL);
  g_autofree char *both = migration_files(INTAKE_SOURCE "/sql", legacy);
  g_autofree char *rec_b = recorded(B), *rec_a = recorded(A);
  cr_expect_str_eq(rec_b, files, "a new database records every file of sql/");
  cr_expect_str_eq(rec_a, both, "an upgraded database records the old files and every file of sql/");

  /* again: nothing to do, nothing changes */
  g_autofree char *again_a = st_migrate(A), *again_b = st_migrate(B);
  cr_expect(strstr(again_a, "migrations applied: 0"), "second migrate of the upgraded database: %s", again_a);
  cr_expect(strstr(again_b, "migrations applied: 0"), "second migrate of the new database: %s", again_b);
  g_autofree char *dump_a2 = st_dump_schema(A), *dump_b2 = st_dump_schema(B);
  expect_same_text(dump_a2, dump_a, "the upgraded schema before and after a second migrate");
  expect_same_text(dump_b2, dump_b, "the new schema before and after a second migrate");
}

/* Mail, orders and a pause older than the reason codes (free text) survive the upgrade; the
 * reason-code key stays NOT VALID then, and the privileges are the baseline's. */
Test(baseline, legacy_rows_survive_the_upgrade)
{
  A = legacy_database();
  gint64 id = st_order(A, "RC20261125-0001", "queued", "P2", -60, 30, 60, 120);
  g_autofree char *ids = g_strdup_printf("%" G_GINT64_FORMAT, id);
  const char *p[] = { ids };
  st_exec(A, "SET session_replication_role = replica"); /* as if written before 020 */
  st_execp(A, "INSERT INTO intake.sla_pauses (order_id, reason) VALUES ($1, 'customer on leave')", 1, p);
  st_exec(A, "RESET session_replication_role");
  g_free(st_migrate(A));
  st_connect(A);
  g_autofree char *rows =
    st_value(A, "SELECT count(*) || ' ' || (SELECT reason FROM intake.sla_pauses)"
                " FROM intake.orders o JOIN intake.order_messages m ON m.order_id = o.id");
  cr_expect_str_eq(rows, "1 customer on leave");
  g_autofree char *valid = st_value(A, "SELECT convalidated::text FROM pg_constraint"
                                       " WHERE conname = 'sla_pauses_reason_code'");
  cr_expect_str_eq(valid, "false");
  g_autofree char *grants =
    st_value(A, "SELECT has_function_privilege('intake_ops', 'intake.outbox_lookup(text[])', 'EXECUTE')"
                " || ' ' || has_function_privilege('intake_app', 'intake.outbox_lookup(text[])', 'EXECUTE')"
                " || ' ' || has_table_privilege('intake_ops', 'intake.ack_texts', 'UPDATE')"
                " || ' ' || (SELECT count(*) FROM pg_default_acl"
                "             WHERE defaclnamespace = 'intake'::regnamespace"
                "               AND array_to_string(defaclacl, ',') LIKE '%intake_app%')");
  cr_expect_str_eq(grants, "false true true 0");
}

Test(baseline, a_partly_migrated_legacy_database_is_refused)
{
  A = legacy_database();
  st_exec(A, "DELETE FROM intake.schema_migrations WHERE name = '040_grants_after_outbox.sql'");
  int status = 0;
  g_autofree char *out = st_migrate_dir(A, NULL, &status);
  cr_expect_eq(status, 1, "migrate succeeded: %s", out);
  cr_expect(strstr(out, "only part of the pre-release migrations (missing: 040_grants_after_outbox.sql)"),
            "migrate said: %s", out);
  g_autofree char *n =
    st_value(A, "SELECT count(*) FROM intake.schema_migrations"
                " WHERE name IN ('000_legacy_upgrade.sql', '001_schema.sql', '040_roles.sql')");
  cr_expect_str_eq(n, "0", "nothing of the baseline is recorded");
}
