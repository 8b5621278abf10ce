/* tests/store/test_ops.c: what ops use in psql (sql/020, 021, 040) against a real PostgreSQL: the queue
 * and its missed flags, status transitions and their audit, SLA pauses, roles, comments, and
 * migrations applied once. */
#include "harness.h"

#include <criterion/criterion.h>
#include <string.h>

#define NONE G_MININT

static StoreTest *T;

static void
setup(void)
{
  T = st_setup();
}

static void
teardown(void)
{
  st_teardown(T);
  T = NULL;
}

TestSuite(ops, .init = setup, .fini = teardown, .timeout = 120);

static void
expect_value(const char *sql, const char *want)
{
  g_autofree char *got = st_value(T, sql);
  cr_expect(g_strcmp0(got, want) == 0, "%s\n  expected: %s\n  actual:   %s", sql, want ? want : "NULL",
            got ? got : "NULL");
}

/* ---- migrations ---- */

static const char *fingerprint_sql =
  "SELECT md5(string_agg(x, ',' ORDER BY x)) FROM ("
  " SELECT c.relname || ':' || c.relkind::text || ':' || coalesce(array_to_string(c.relacl, ';'), '') AS x"
  "   FROM pg_class c WHERE c.relnamespace = 'intake'::regnamespace"
  " UNION ALL SELECT p.oid::regprocedure::text || coalesce(array_to_string(p.proacl, ';'), '')"
  "   FROM pg_proc p WHERE p.pronamespace = 'intake'::regnamespace"
  " UNION ALL SELECT 'rows:' || (SELECT count(*) FROM intake.pause_reasons)"
  "   || ':' || (SELECT count(*) FROM intake.status_transitions)"
  "   || ':' || (SELECT count(*) FROM intake.holidays)) s";

Test(ops, migrating_twice_is_a_noop)
{
  g_autofree char *before = st_value(T, fingerprint_sql);
  g_autofree char *n_before = st_value(T, "SELECT count(*) FROM intake.schema_migrations");
  g_autofree char *out = st_migrate(T);
  cr_expect(strstr(out, "migrations applied: 0") != NULL, "second migrate said: %s", out);
  g_autofree char *after = st_value(T, fingerprint_sql);
  g_autofree char *n_after = st_value(T, "SELECT count(*) FROM intake.schema_migrations");
  cr_expect_str_eq(after, before, "schema changed by a second migrate");
  cr_expect_str_eq(n_after, n_before);
  expect_value(
    "SELECT count(*) FROM intake.schema_migrations WHERE name IN ('020_ops_views.sql', '040_roles.sql')",
    "2");
}

/* ---- comments ---- */

Test(ops, every_table_view_column_and_function_has_a_comment)
{
  g_autofree char *missing = st_value(
    T, "SELECT string_agg(what, ', ' ORDER BY what) FROM ("
       " SELECT c.relname AS what FROM pg_class c"
       "  WHERE c.relnamespace = 'intake'::regnamespace AND c.relkind IN ('r','v','m','p','f')"
       "    AND obj_description(c.oid, 'pg_class') IS NULL"
       " UNION ALL"
       " SELECT c.relname || '.' || a.attname FROM pg_class c"
       "   JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
       "  WHERE c.relnamespace = 'intake'::regnamespace AND c.relkind IN ('r','v','m','p','f')"
       "    AND col_description(c.oid, a.attnum) IS NULL"
       " UNION ALL"
       " SELECT p.oid::regprocedure::text FROM pg_proc p"
       "  WHERE p.pronamespace = 'intake'::regnamespace AND obj_description(p.oid, 'pg_proc') IS NULL) s");
  cr_expect(missing == NULL, "without a COMMENT: %s", missing);
}

/* ---- views ---- */

Test(ops, queue_order_and_missed_flags)
{
  /* priority first; within it the earliest deadline (a missed one is earliest); then received_at,
   * then order_no; no priority last. Closed and resolved orders are not in the queue. */
  st_order(T, "RC20261125-0001", "queued", "P2", -120, -60, 120, 1200); /* response missed */
  st_order(T, "RC20261125-0002", "queued", "P1", -60, 60, 180, NONE);
  st_order(T, "RC20261125-0003", "needs_review", NULL, -180, NONE, NONE, NONE);
  st_order(T, "RC20261125-0004", "queued", "P2", -30, 30, 120, NONE);
  st_order(T, "RC20261125-0005", "in_progress", "P2", -300, -200, -100, 600); /* paused below */
  st_order(T, "RC20261125-0006", "closed", "P1", -300, -200, -100, NONE);
  st_order(T, "RC20261125-0007", "resolved", "P1", -300, -200, -100, NONE);
  st_order(T, "RC20261125-0009", "assigned", "P2", -30, 30, 120, NONE); /* ties with 0004 but later */
  st_exec(T, "UPDATE intake.orders SET received_at = (SELECT received_at FROM intake.orders"
             " WHERE order_no = 'RC20261125-0004'), response_due = (SELECT response_due FROM"
             " intake.orders WHERE order_no = 'RC20261125-0004') WHERE order_no = 'RC20261125-0009'");
  st_order(T, "RC20261125-0008", "waiting_customer", "P3", -500, -400, -300, -10);
  st_exec(T, "INSERT INTO intake.sla_pauses (order_id, reason) SELECT id, 'site_access' FROM intake.orders"
             " WHERE order_no = 'RC20261125-0005'");

  expect_value("SELECT string_agg(order_no, ' ') FROM intake.queue",
               "RC20261125-0002 RC20261125-0005 RC20261125-0001 RC20261125-0004 RC20261125-0009"
               " RC20261125-0008 RC20261125-0003");
  expect_value("SELECT string_agg(order_no || '=' || overdue || '/' || paused || '/' || missed::text, ' '"
               " ORDER BY order_no) FROM intake.queue",
               "RC20261125-0001=true/false/{response_due} RC20261125-0002=false/false/{}"
               " RC20261125-0003=false/false/{} RC20261125-0004=false/false/{}"
               " RC20261125-0005=true/true/{response_due,plan_due}"
               " RC20261125-0008=true/false/{response_due,plan_due,onsite_due}"
               " RC20261125-0009=false/false/{}");
  /* next_due: the nearest deadline still ahead */
  expect_value("SELECT next_deadline || ' ' || (next_due = plan_due) FROM intake.queue"
               " WHERE order_no = 'RC20261125-0001'",
               "plan_due true");
  expect_value("SELECT coalesce(next_deadline, 'none') FROM intake.queue WHERE order_no = 'RC20261125-0008'",
               "none");

  /* the queue keeps contract.md's columns */
  expect_value("SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute"
               " WHERE attrelid = 'intake.queue'::regclass AND attnum <= 13",
               "order_no,status,priority,coverage,sn,model,customer,city,received_at,response_due,"
               "plan_due,onsite_due,overdue");

  /* breaches: open, in the past (a pause started since keeps them: 0005); one row per deadline,
   * longest overdue first */
  expect_value("SELECT string_agg(order_no || ':' || deadline || ':' || (overdue_by > interval '0'), ' ')"
               " FROM intake.sla_breaches",
               "RC20261125-0008:response_due:true RC20261125-0008:plan_due:true"
               " RC20261125-0005:response_due:true RC20261125-0005:plan_due:true"
               " RC20261125-0001:response_due:true RC20261125-0008:onsite_due:true");
}

Test(ops, needs_review_lists_status_or_coverage_with_reasons)
{
  st_order(T, "RC20261125-0001", "needs_review", NULL, -10, NONE, NONE, NONE);
  st_order(T, "RC20261125-0002", "queued", "P3", -10, 10, 20, NONE);
  st_order(T, "RC20261125-0003", "queued", "P3", -10, 10, 20, NONE);
  st_order(T, "RC20261125-0004", "closed", "P3", -10, 10, 20, NONE);
  st_exec(T, "UPDATE intake.orders SET review_reason = 'unprocessable' WHERE order_no = 'RC20261125-0001';"
             "UPDATE intake.messages SET parse_error = 'not a mail: no header' WHERE id ="
             " (SELECT message_id FROM intake.orders WHERE order_no = 'RC20261125-0001');"
             "UPDATE intake.orders SET coverage = 'needs_review',"
             " reasons = '[{\"code\": \"physical_damage\", \"evidence\": \"进水\"}]'"
             " WHERE order_no IN ('RC20261125-0002', 'RC20261125-0004')");
  expect_value(
    "SELECT string_agg(order_no || ':' || coalesce(review_reason, '-') || ':' || reason_codes::text"
    " || ':' || coalesce(parse_error, '-'), ' ' ORDER BY order_no) FROM intake.needs_review",
    "RC20261125-0001:unprocessable:{}:not a mail: no header"
    " RC20261125-0002:-:{physical_damage}:-");
}

Test(ops, mailbox_health)
{
  st_exec(T, "INSERT INTO intake.mailboxes (name, last_success, last_error, last_error_at) VALUES"
             " ('ok', now() - interval '1 minute', 'old', now() - interval '1 hour'),"
             " ('stale', now() - interval '10 minutes', NULL, NULL),"
             " ('failing', now() - interval '2 minutes', 'login failed', now() - interval '1 minute'),"
             " ('never', NULL, NULL, NULL)");
  st_order(T, "RC20261125-0001", "queued", "P3", -10, 10, 20, NONE);
  st_exec(T, "INSERT INTO intake.mailbox_uids (mailbox_id, uidvalidity, uid, message_id, marked_at)"
             " SELECT b.id, 1, 7, (SELECT min(id) FROM intake.messages), NULL FROM intake.mailboxes b"
             " WHERE b.name = 'ok'");
  expect_value("SELECT string_agg(name || ':' || healthy || ':' || unmarked || ':' ||"
               " coalesce((lag >= interval '1 minute')::text, 'nolag'), ' ' ORDER BY name)"
               " FROM intake.mailbox_health",
               "failing:false:0:true never:false:0:nolag ok:true:1:true stale:false:0:true");
}

/* A mailbox row left by a mistyped url is forgotten; one that holds mail is refused (blind round 18). */
Test(ops, forget_a_mistyped_mailbox)
{
  st_exec(T, "INSERT INTO intake.mailboxes (name, last_error, last_error_at) VALUES"
             " ('typo', 'server unreachable', now()), ('real', NULL, NULL)");
  st_order(T, "RC20261125-0001", "queued", "P3", -10, 10, 20, NONE);
  st_exec(T, "INSERT INTO intake.mailbox_uids (mailbox_id, uidvalidity, uid, message_id)"
             " SELECT b.id, 1, 7, (SELECT min(id) FROM intake.messages) FROM intake.mailboxes b"
             " WHERE b.name = 'real'");
  g_autofree char *said = st_value(T, "SELECT intake.forget_mailbox('typo')");
  cr_expect(strstr(said, "typo forgotten"), "%s", said);
  expect_value("SELECT string_agg(name, ' ') FROM intake.mailbox_health", "real");
  g_autofree char *refused = st_fail(T, "SELECT intake.forget_mailbox('real')", "55000", "no typo");
  g_autofree char *unknown = st_fail(T, "SELECT intake.forget_mailbox('nope')", "P0002", "no mailbox named");
}

/* An escalation is cleared after the call, with what was said; the audit keeps both; a later
 * complaint may mark the order again (blind round 18: escalated_at stayed for ever). */
Test(ops, clear_an_escalation_after_the_call)
{
  st_order(T, "RC20261125-0001", "queued", "P2", -10, 10, 20, NONE);
  g_autofree char *none =
    st_fail(T, "SELECT intake.clear_escalation('RC20261125-0001', '已回电')", "55000", "is not escalated");
  st_exec(T, "UPDATE intake.orders SET escalated_at = now() - interval '5 minutes'");
  g_autofree char *bare =
    st_fail(T, "SELECT intake.clear_escalation('RC20261125-0001', ' ')", "22023", "say what the customer");
  g_autofree char *said =
    st_value(T, "SELECT intake.clear_escalation('RC20261125-0001', '已回电，明早上门')");
  cr_expect(strstr(said, "RC20261125-0001: escalation of 20") && strstr(said, "cleared"), "%s", said);
  expect_value("SELECT count(*) FROM intake.queue WHERE escalated_at IS NOT NULL", "0");
  expect_value("SELECT note || ' ' || (before ? 'escalated_at')::text FROM intake.audit"
               " WHERE action = 'escalation_cleared'",
               "已回电，明早上门 true");
}

/* intake.correct refuses what cannot be the field's value and says what the policy will not know
 * (blind round 18: phone 'abc', SN 'hello world', an order number as SN, a district of another city). */
Test(ops, correct_refuses_what_cannot_be_the_field)
{
  st_order(T, "RC20261125-0001", "queued", "P3", -10, 10, 20, NONE);
  st_exec(T, "UPDATE intake.orders SET city = '天津市', district = '河西区'");
  g_autofree char *e1 = st_fail(T, "SELECT intake.correct('RC20261125-0001', 'phone', 'abc', '客户说的')",
                                "22023", "not a phone");
  g_autofree char *e2 = st_fail(
    T, "SELECT intake.correct('RC20261125-0001', 'sn', 'hello world', '客户说的')", "22023", "not an SN");
  g_autofree char *e3 =
    st_fail(T, "SELECT intake.correct('RC20261125-0001', 'sn', 'rc20261125-0002', '客户说的')", "22023",
            "order number");
  g_autofree char *e4 =
    st_fail(T, "SELECT intake.correct('RC20261125-0001', 'district', '海淀区', '客户说的')", "22023",
            "not a district of 天津市");
  g_autofree char *ok1 =
    st_value(T, "SELECT intake.correct('RC20261125-0001', 'phone', '022-5867 1234 转 8012', '客户说的')");
  cr_expect(strstr(ok1, "-> 022-5867 1234 转 8012") && !strstr(ok1, "deadlines"), "%s", ok1);
  /* the queue shows who to call (sql/114) */
  expect_value("SELECT phone FROM intake.queue WHERE order_no = 'RC20261125-0001'", "022-5867 1234 转 8012");
  g_autofree char *ok2 =
    st_value(T, "SELECT intake.correct('RC20261125-0001', 'sn', 'rcs25a 0012345', '标签')");
  cr_expect(strstr(ok2, "-> RCS25A0012345") && strstr(ok2, "deadlines follow"), "%s", ok2);
  g_autofree char *ok3 =
    st_value(T, "SELECT intake.correct('RC20261125-0001', 'city', '火星市', '客户说的')");
  cr_expect(strstr(ok3, "火星市 is in no service area"), "%s", ok3);
}

/* ---- transitions ---- */

static const char *statuses[] = { "queued",           "needs_review", "assigned", "in_progress",
                                  "waiting_customer", "resolved",     "closed" };

/* The allowed moves, written out here independently of intake.status_transitions. */
static const char *allowed[][3] = {
  { "needs_review", "queued", "status" },
  { "needs_review", "assigned", "status" },
  { "queued", "assigned", "status" },
  { "assigned", "in_progress", "status" },
  { "in_progress", "waiting_customer", "status" },
  { "waiting_customer", "in_progress", "status" },
  { "in_progress", "resolved", "status" },
  { "waiting_customer", "resolved", "status" },
  { "resolved", "closed", "status" },
  { "resolved", "in_progress", "reopen" },
  { "closed", "queued", "reopen" },
};

static const char *
allowed_action(const char *from, const char *to)
{
  for (guint i = 0; i < G_N_ELEMENTS(allowed); i++)
    if (g_str_equal(allowed[i][0], from) && g_str_equal(allowed[i][1], to))
      return allowed[i][2];
  return NULL;
}

static void
force_status(const char *order_no, const char *status)
{
  const char *p[] = { order_no, status };
  st_execp(T, "UPDATE intake.orders SET status = $2, assignee = 'wang' WHERE order_no = $1", 2, p);
}

Test(ops, every_allowed_transition_works_and_is_audited)
{
  st_order(T, "RC20261125-0001", "queued", "P2", -10, 20, 60, NONE);
  for (guint i = 0; i < G_N_ELEMENTS(allowed); i++) {
    force_status("RC20261125-0001", allowed[i][0]);
    st_exec(T, "DELETE FROM intake.audit");
    const char *p[] = { "RC20261125-0001", allowed[i][1] };
    g_autofree char *ret = st_valuep(T, "SELECT intake.set_status($1, $2, 'by test')", 2, p);
    g_autofree char *want_ret = g_strdup_printf("RC20261125-0001: %s -> %s", allowed[i][0], allowed[i][1]);
    cr_expect_str_eq(ret, want_ret);
    expect_value("SELECT status FROM intake.orders WHERE order_no = 'RC20261125-0001'", allowed[i][1]);
    g_autofree char *audit =
      st_value(T, "SELECT string_agg(action || ' ' || (before->>'status') || ' '"
                  " || (after->>'status') || ' ' || note || ' ' || (actor = session_user),"
                  " '; ') FROM intake.audit");
    g_autofree char *want =
      g_strdup_printf("%s %s %s by test true", allowed[i][2], allowed[i][0], allowed[i][1]);
    cr_expect_str_eq(audit, want, "%s -> %s", allowed[i][0], allowed[i][1]);
  }
}

Test(ops, the_short_forms_walk_the_life_of_an_order)
{
  st_order(T, "RC20261125-0007", "needs_review", "P2", -10, 20, 60, NONE);
  st_exec(T, "SELECT intake.set_status('RC20261125-0007', 'queued', 'SN checked by phone')");
  st_exec(T, "SELECT intake.assign('rc20261125-0007', 'zhang')"); /* case and blanks forgiven */
  st_exec(T, "SELECT intake.assign('RC20261125-0007', 'li', 'zhang is on leave')");
  st_exec(T, "SELECT intake.start('RC20261125-0007')");
  st_exec(T, "SELECT intake.wait_customer('RC20261125-0007', 'asked for the BMC log')");
  st_exec(T, "SELECT intake.start('RC20261125-0007', 'log received')");
  st_exec(T, "SELECT intake.resolve('RC20261125-0007', 'replaced the PSU')");
  st_exec(T, "SELECT intake.reopen('RC20261125-0007', 'fails again')");
  st_exec(T, "SELECT intake.wait_customer('RC20261125-0007')");
  st_exec(T, "SELECT intake.resolve('RC20261125-0007')");
  st_exec(T, "SELECT intake.close('RC20261125-0007')");
  st_exec(T, "SELECT intake.reopen('RC20261125-0007', 'customer wrote again')");
  st_exec(T, "SELECT intake.add_note('RC20261125-0007', 'called the customer')");
  expect_value("SELECT status || ' ' || assignee FROM intake.orders", "queued li");
  expect_value(
    "SELECT string_agg(action || ':' || coalesce(after->>'status', after->>'assignee', '-'), ' ' ORDER BY id)"
    " FROM intake.audit",
    "status:queued status:assigned assign:li status:in_progress status:waiting_customer"
    " status:in_progress status:resolved reopen:in_progress status:waiting_customer"
    " status:resolved close:closed reopen:queued note:-");
  st_fail(T, "SELECT intake.assign('RC20261125-0007', '  ')", "22023", "engineer");
  st_exec(T, "SELECT intake.assign('RC20261125-0007', 'li')");
  st_fail(T, "SELECT intake.assign('RC20261125-0007', 'li')", "55000", "already assigned to li");
}

Test(ops, every_other_transition_is_refused_without_a_trace)
{
  st_order(T, "RC20261125-0007", "queued", "P2", -10, 20, 60, NONE);
  for (guint f = 0; f < G_N_ELEMENTS(statuses); f++) {
    for (guint to = 0; to < G_N_ELEMENTS(statuses); to++) {
      if (allowed_action(statuses[f], statuses[to]))
        continue;
      force_status("RC20261125-0007", statuses[f]);
      st_exec(T, "DELETE FROM intake.audit");
      g_autofree char *sql =
        g_strdup_printf("SELECT intake.set_status('RC20261125-0007', '%s')", statuses[to]);
      g_autofree char *want = f == to ? g_strdup_printf("order RC20261125-0007 is already %s", statuses[f])
                                      : g_strdup_printf("order RC20261125-0007 is %s: cannot move it to %s",
                                                        statuses[f], statuses[to]);
      g_free(st_fail(T, sql, "55000", want));
      const char *p[] = { statuses[f] };
      g_autofree char *same = st_valuep(T,
                                        "SELECT (status = $1)::text || (SELECT count(*) FROM intake.audit)"
                                        " FROM intake.orders",
                                        1, p);
      cr_expect_str_eq(same, "true0", "%s -> %s changed something", statuses[f], statuses[to]);
    }
  }
  /* the short forms say what was attempted and what to do */
  force_status("RC20261125-0007", "closed");
  st_fail(T, "SELECT intake.start('RC20261125-0007')", "55000",
          "order RC20261125-0007 is closed: cannot start; reopen it first");
  force_status("RC20261125-0007", "queued");
  st_fail(T, "SELECT intake.resolve('RC20261125-0007')", "55000",
          "order RC20261125-0007 is queued: cannot resolve; assign it first");
  st_fail(T, "SELECT intake.reopen('RC20261125-0007')", "55000", "cannot reopen");
  force_status("RC20261125-0007", "in_progress");
  /* closing an order that was not resolved needs a reason (intake.close(order_no, reason)) */
  st_fail(T, "SELECT intake.close('RC20261125-0007')", "22023", "close: (none) is not a reason");
  st_fail(T, "SELECT intake.set_status('RC20261125-0007', 'done')", "22023", "unknown status done");
  /* unknown orders */
  st_fail(T, "SELECT intake.start('RC20991231-0001')", "P0002", "unknown order RC20991231-0001");
  st_fail(T, "SELECT intake.pause_sla('RC20991231-0001', 'site_access')", "P0002", "unknown order");
  st_fail(T, "SELECT * FROM intake.order_detail('RC20991231-0001')", "P0002", "unknown order");
}

/* ---- SLA pauses ---- */

Test(ops, pause_and_resume)
{
  st_order(T, "RC20261125-0001", "in_progress", "P2", -60, -30, 60, NONE);
  expect_value("SELECT overdue::text FROM intake.queue", "true");

  for (int round = 0; round < 2; round++) {
    st_exec(T, "UPDATE intake.orders SET sla_dirty = false");
    expect_value("SELECT intake.pause_sla('RC20261125-0001', 'customer_schedule', 'maintenance window Sat')",
                 "RC20261125-0001: SLA clock paused (customer_schedule)");
    expect_value("SELECT sla_dirty::text FROM intake.orders", "true");
    /* the response was missed before the pause: it stays missed; the plan, still ahead, waits */
    expect_value("SELECT paused::text || overdue::text || missed::text FROM intake.queue",
                 "truetrue{response_due}");
    expect_value("SELECT count(*) FROM intake.sla_breaches", "1");
    expect_value("SELECT string_agg(deadline || '=' || outcome, ',' ORDER BY deadline) FROM intake.order_sla",
                 "plan_due=paused,response_due=missed");
    g_free(st_fail(T, "SELECT intake.pause_sla('RC20261125-0001', 'site_access')", "55000",
                   "order RC20261125-0001 is already paused"));
    st_exec(T, "UPDATE intake.orders SET sla_dirty = false");
    expect_value("SELECT intake.resume_sla('RC20261125-0001')", "RC20261125-0001: SLA clock running again");
    expect_value("SELECT sla_dirty::text FROM intake.orders", "true");
    expect_value("SELECT paused::text FROM intake.queue", "false");
    g_free(st_fail(T, "SELECT intake.resume_sla('RC20261125-0001')", "55000",
                   "order RC20261125-0001 is not paused"));
  }
  expect_value("SELECT count(*) || ' ' || count(ended_at) || ' ' || string_agg(DISTINCT reason, ',')"
               " || ' ' || bool_and(started_by = session_user AND ended_by = session_user)"
               " || ' ' || string_agg(DISTINCT note, ',') FROM intake.sla_pauses",
               "2 2 customer_schedule true maintenance window Sat");
  expect_value("SELECT string_agg(action || ':' || (after->>'paused'), ' ' ORDER BY id) FROM intake.audit",
               "pause:true resume:false pause:true resume:false");

  g_free(
    st_fail(T, "SELECT intake.pause_sla('RC20261125-0001', 'bored')", "22023", "unknown pause reason bored"));
  /* every policy case is a reason */
  expect_value("SELECT string_agg(code, ',' ORDER BY code) FROM intake.pause_reasons",
               "agreed_with_customer,customer_schedule,force_majeure,production_cannot_stop,site_access,"
               "social_unrest,utility_outage");

  /* resolving ends a pause; closed orders cannot be paused or resumed */
  st_exec(T, "SELECT intake.pause_sla('RC20261125-0001', 'utility_outage')");
  st_exec(T, "SELECT intake.resolve('RC20261125-0001')");
  expect_value("SELECT count(*) FROM intake.sla_pauses WHERE ended_at IS NULL", "0");
  st_exec(T, "SELECT intake.close('RC20261125-0001')");
  st_fail(T, "SELECT intake.pause_sla('RC20261125-0001', 'site_access')", "55000",
          "order RC20261125-0001 is closed: cannot pause");
  st_fail(T, "SELECT intake.resume_sla('RC20261125-0001')", "55000", "order RC20261125-0001 is closed");
}

/* ---- order detail ---- */

Test(ops, order_detail_has_fields_mails_pauses_and_audit)
{
  st_order(T, "RC20261125-0001", "queued", "P2", -60, 30, 60, NONE);
  st_exec(T, "UPDATE intake.messages SET parse_error = 'broken MIME', from_display = '王工'");
  st_exec(T, "SELECT intake.assign('RC20261125-0001', 'zhang')");
  st_exec(T, "SELECT intake.pause_sla('RC20261125-0001', 'site_access', 'badge tomorrow')");
  expect_value("SELECT string_agg(DISTINCT section, ',') FROM intake.order_detail('RC20261125-0001')",
               "audit,mail,order,pause");
  expect_value("SELECT value FROM intake.order_detail('RC20261125-0001') WHERE item = 'status'", "assigned");
  expect_value("SELECT value FROM intake.order_detail('RC20261125-0001') WHERE item = 'paused'", "true");
  expect_value(
    "SELECT value FROM intake.order_detail('RC20261125-0001') WHERE section = 'mail'",
    "from 王工 <c@example.com> | subject subject RC20261125-0001 | 3 bytes | PARSE ERROR broken MIME");
  expect_value("SELECT count(*) FROM intake.order_detail('RC20261125-0001') WHERE section = 'audit'", "2");
  expect_value("SELECT (value LIKE 'still paused | by % | badge tomorrow')::text FROM "
               "intake.order_detail('RC20261125-0001')"
               " WHERE section = 'pause'",
               "true");
}

/* ---- roles ---- */

Test(ops, intake_ops_reads_everything_and_writes_through_functions)
{
  st_order(T, "RC20261125-0001", "queued", "P2", -60, 30, 60, NONE);
  expect_value("SELECT string_agg(rolname || ':' || rolcanlogin, ',' ORDER BY rolname) FROM pg_roles"
               " WHERE rolname IN ('intake_app', 'intake_ops')",
               "intake_app:false,intake_ops:false");
  st_exec(T, "SET ROLE intake_ops");
  expect_value("SELECT count(*) FROM intake.queue", "1");
  expect_value("SELECT count(*) FROM intake.orders", "1");
  expect_value("SELECT count(*) FROM intake.messages", "1");
  expect_value("SELECT count(*) FROM intake.needs_review", "0");
  expect_value("SELECT count(*) FROM intake.mailbox_health", "0");
  st_fail(T, "UPDATE intake.orders SET status = 'closed'", "42501", "permission denied");
  st_fail(T, "DELETE FROM intake.orders", "42501", "permission denied");
  st_fail(T, "INSERT INTO intake.audit (order_id, action) SELECT id, 'x' FROM intake.orders", "42501", NULL);
  st_fail(T, "INSERT INTO intake.sla_pauses (order_id, reason) SELECT id, 'site_access' FROM intake.orders",
          "42501", NULL);
  st_fail(T, "CREATE TABLE intake.mine (a int)", "42501", NULL);
  st_fail(T, "SELECT intake.apply_grants()", "42501", NULL);
  st_exec(T, "SELECT intake.assign('RC20261125-0001', 'zhang')");
  st_exec(T, "SELECT intake.start('RC20261125-0001')");
  st_exec(T, "SELECT intake.pause_sla('RC20261125-0001', 'force_majeure', '台风')");
  st_exec(T, "SELECT intake.resume_sla('RC20261125-0001')");
  st_exec(T, "SELECT * FROM intake.order_detail('RC20261125-0001')");
  /* policy data: next year's holidays, a keyword, an area */
  st_exec(T, "INSERT INTO intake.holidays (day, kind, name) VALUES ('2027-01-01', 'holiday', '元旦')");
  st_exec(T, "UPDATE intake.holidays SET name = '元旦节' WHERE day = '2027-01-01'");
  st_exec(T, "DELETE FROM intake.holidays WHERE day = '2027-01-01'");
  st_exec(T, "INSERT INTO intake.keywords (category, code, keyword) VALUES ('severity', 'S1', '冒烟')");
  st_exec(T, "INSERT INTO intake.service_areas (city, onsite_class) VALUES ('拉萨test市', 'negotiated')");
  st_exec(T, "RESET ROLE");
  expect_value("SELECT status || ' ' || (SELECT count(*) FROM intake.audit) FROM intake.orders",
               "in_progress 4");
  /* the actor is the login role, not the function's owner */
  expect_value("SELECT bool_and(actor = session_user)::text FROM intake.audit", "true");
}

Test(ops, intake_app_writes_pipeline_tables_but_no_ddl)
{
  st_order(T, "RC20261125-0001", "queued", "P2", -60, 30, 60, NONE);
  st_exec(T, "SET ROLE intake_app");
  st_fail(T, "CREATE TABLE intake.mine (a int)", "42501", "permission denied for schema intake");
  st_fail(T, "CREATE VIEW intake.mine AS SELECT 1", "42501", NULL);
  st_fail(T, "ALTER TABLE intake.orders ADD COLUMN x int", "42501", NULL);
  st_fail(T, "DROP TABLE intake.audit", "42501", NULL);
  st_exec(T, "INSERT INTO intake.messages (dedupe_key, sha256, headers, raw, size)"
             " VALUES ('app-1', 'sha', 'h', 'r', 1)");
  st_exec(T, "INSERT INTO intake.mailboxes (name) VALUES ('svc') ON CONFLICT (name) DO NOTHING");
  st_exec(T, "INSERT INTO intake.order_counters (day, last_seq) VALUES ('2026-11-25', 1)"
             " ON CONFLICT (day) DO UPDATE SET last_seq = intake.order_counters.last_seq + 1");
  st_exec(T, "UPDATE intake.orders SET kind = 'fault', sla_dirty = false");
  st_exec(T, "INSERT INTO intake.audit (order_id, action) SELECT id, 'reclassify' FROM intake.orders");
  /* the registry is the owner's (assets import uses [db] migrate_conninfo); the app only reads it */
  st_exec(T, "SELECT count(*) FROM intake.assets");
  st_fail(T, "INSERT INTO intake.assets (sn, tier, ship_date) VALUES ('APPSN1', 'gold', '2025-06-01')",
          "42501", NULL);
  st_exec(T, "SELECT count(*) FROM intake.holidays");
  st_exec(T, "SELECT count(*) FROM intake.sla_terms");
  st_fail(T, "DELETE FROM intake.orders", "42501", NULL);
  st_fail(T, "INSERT INTO intake.holidays (day, kind) VALUES ('2027-01-01', 'holiday')", "42501", NULL);
  st_fail(T, "SELECT intake.start('RC20261125-0001')", "42501", NULL);
  st_exec(T, "RESET ROLE");
}

Test(ops, no_function_is_callable_by_public)
{
  expect_value("SELECT coalesce(string_agg(p.oid::regprocedure::text, ', '), 'none') FROM pg_proc p"
               " WHERE p.pronamespace = 'intake'::regnamespace"
               "   AND has_function_privilege('public', p.oid, 'EXECUTE')",
               "none");
  /* ops' writers run as their owner: all there, each with a fixed search_path */
  expect_value("SELECT count(*) FROM pg_proc WHERE pronamespace = 'intake'::regnamespace AND prosecdef"
               " AND proname IN ('add_note','assign','close','pause_sla','reopen','resolve','resume_sla',"
               "'set_status','start','wait_customer')",
               "10");
  expect_value("SELECT coalesce(string_agg(proname, ','), 'none') FROM pg_proc"
               " WHERE pronamespace = 'intake'::regnamespace AND prosecdef"
               "   AND NOT coalesce(proconfig::text LIKE '%search_path%', false)",
               "none");
  /* the pipeline's follow-up look-up stays callable by intake_app */
  expect_value("SELECT has_function_privilege('intake_app', 'intake.outbox_lookup(text[])', 'EXECUTE')::text",
               "true");
  expect_value("SELECT has_function_privilege('intake_ops', 'intake.apply_grants()', 'EXECUTE')::text"
               " || has_function_privilege('intake_ops', 'intake._transition(text,text,text,text,text)', "
               "'EXECUTE')::text",
               "falsefalse");
}

/* The desk's role may call exactly the functions docs/ops.md lists, nothing else (the internal
 * helpers, the admin's apply_grants, the pipeline's look-up are refused). */
Test(ops, intake_ops_may_execute_exactly_the_desk_functions)
{
  expect_value("SELECT string_agg(p.proname, ',' ORDER BY p.proname) FROM pg_proc p"
               " WHERE p.pronamespace = 'intake'::regnamespace"
               "   AND has_function_privilege('intake_ops', p.oid, 'EXECUTE')",
               "add_note,assign,clear_escalation,clear_review,close,correct,decide,forget_mailbox,merge,"
               "order_detail,pause_"
               "sla,record_onsite,"
               "record_plan,"
               "record_response,reopen,resend_ack,resolve,resume_sla,search,set_status,start,wait_customer");
  /* and the pipeline none of the desk's */
  expect_value("SELECT string_agg(p.proname, ',' ORDER BY p.proname) FROM pg_proc p"
               " WHERE p.pronamespace = 'intake'::regnamespace"
               "   AND has_function_privilege('intake_app', p.oid, 'EXECUTE')",
               "outbox_lookup,reopen");
}

/* An acknowledgement's mail is its order's mail (076): given, it must be that one; missing, it is set
 * from the order; when the row moves to another order, it follows. */
Test(ops, an_acknowledgements_mail_is_its_orders)
{
  gint64 a = st_order(T, "RC20261125-0101", "queued", "P3", -10, 60, 240, G_MININT);
  gint64 b = st_order(T, "RC20261125-0102", "queued", "P3", -10, 60, 240, G_MININT);
  g_autofree char *ids = g_strdup_printf("%" G_GINT64_FORMAT, a),
                  *idb = g_strdup_printf("%" G_GINT64_FORMAT, b);
  g_autofree char *mail_a =
    st_valuep(T, "SELECT message_id FROM intake.orders WHERE id = $1", 1, (const char *[]){ ids });
  g_autofree char *mail_b =
    st_valuep(T, "SELECT message_id FROM intake.orders WHERE id = $1", 1, (const char *[]){ idb });
  g_autofree char *wrong =
    g_strdup_printf("INSERT INTO intake.outbox (order_id, message_id, status, suppressed_reason,"
                    " mail_id) VALUES (%s, 'ack-wrong@x', 'suppressed', 'bulk', %s)",
                    ids, mail_b);
  g_free(st_fail(T, wrong, "23503", "outbox_order_mail_fkey"));
  st_execp(T,
           "INSERT INTO intake.outbox (order_id, message_id, status, suppressed_reason)"
           " VALUES ($1::bigint, 'ack-a@x', 'suppressed', 'bulk')",
           1, (const char *[]){ ids });
  g_autofree char *set = st_value(T, "SELECT mail_id FROM intake.outbox WHERE message_id = 'ack-a@x'");
  cr_assert_str_eq(set, mail_a);
  st_execp(T, "UPDATE intake.outbox SET order_id = $1::bigint WHERE message_id = 'ack-a@x'", 1,
           (const char *[]){ idb });
  g_autofree char *moved = st_value(T, "SELECT mail_id FROM intake.outbox WHERE message_id = 'ack-a@x'");
  cr_assert_str_eq(moved, mail_b);
}

/* ---- data an older release left ---- */

TestSuite(upgrade, .fini = teardown, .timeout = 120);

/* sql/115: registry SNs imported with an ERP's separators take the form imports now store, unless
 * that form is another row's too (then nothing is merged behind the admin's back). */
Test(upgrade, registry_sns_lose_their_separators)
{
  T = st_setup_empty();
  g_autofree char *dir = st_sql_before("115");
  g_free(st_migrate_dir(T, dir, NULL));
  st_remove_dir(dir);
  st_connect(T);
  st_exec(T, "INSERT INTO intake.assets (sn, tier, ship_date) VALUES"
             " ('RCS-24B9118133', 'gold', '2025-06-01'), ('RCS/25A/011', 'silver', '2025-06-01'),"
             " ('A-B12', 'gold', '2025-06-01'), ('AB-12', 'gold', '2025-06-01'),"
             " ('RCS-26C7', 'gold', '2025-06-01'), ('RCS26C7', 'silver', '2025-06-01'),"
             " ('A-B', 'gold', '2025-06-01'), ('PLAIN1', 'gold', '2025-06-01')");
  g_free(st_migrate(T));
  expect_value("SELECT string_agg(sn || ':' || tier, ' ' ORDER BY sn) FROM intake.assets",
               "A-B:gold A-B12:gold AB-12:gold PLAIN1:gold RCS-26C7:gold RCS24B9118133:gold RCS25A011:silver "
               "RCS26C7:silver");
}
