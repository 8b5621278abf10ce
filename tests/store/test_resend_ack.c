/* tests/store/test_resend_ack.c: intake.resend_ack (sql/053_acks.sql) — what ops may send again,
 * once, audited, callable by intake_ops only. */
#include "harness.h"

#include <criterion/criterion.h>
#include <string.h>

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
}

TestSuite(resend_ack, .init = setup, .fini = teardown, .timeout = 120);

#define NONE G_MININT

/* An order with an outbox row in the given state; reason for suppressed, message kept or not. */
static void
order_with_ack(const char *order_no, const char *status, const char *reason, gboolean message)
{
  gint64 id = st_order(T, order_no, "queued", "P3", -10, 60, 240, NONE);
  g_autofree char *ids = g_strdup_printf("%" G_GINT64_FORMAT, id);
  g_autofree char *mid = g_strdup_printf("ack.%s.x@roycom.com.cn", order_no);
  const char *p[] = { ids, mid, status, reason, message ? "x" : NULL };
  st_execp(T,
           "INSERT INTO intake.outbox (order_id, message_id, recipient, message, status, suppressed_reason,"
           " attempts, deferrals, last_error, sent_at)"
           " VALUES ($1::bigint, $2, 'a@example.com', convert_to($5, 'UTF8'), $3, $4, 5, 7, 'gave up',"
           " CASE WHEN $3 = 'sent' THEN now() END)",
           5, p);
}

static char *
resend(const char *order_no, const char *state, const char *want)
{
  g_autofree char *sql = g_strdup_printf("SELECT intake.resend_ack('%s')", order_no);
  if (state)
    return st_fail(T, sql, state, want);
  return st_value(T, sql);
}

Test(resend_ack, failed_goes_back_to_pending_once)
{
  order_with_ack("RC20261125-0001", "failed", NULL, TRUE);
  st_exec(T, "SET ROLE intake_ops");
  g_autofree char *ret = resend("RC20261125-0001", NULL, NULL);
  st_exec(T, "RESET ROLE");
  cr_expect_str_eq(ret, "RC20261125-0001: acknowledgement failed -> pending");
  g_autofree char *row = st_value(T, "SELECT status || ' ' || attempts || ' ' || deferrals || ' ' ||"
                                     " (next_attempt_at <= now()) || ' ' || (resent_at IS NOT NULL)"
                                     " FROM intake.outbox");
  cr_expect_str_eq(row, "pending 0 0 true true");
  g_autofree char *audit =
    st_value(T, "SELECT action || ' ' || (before->>'ack_status') || ' ' ||"
                " (after->>'ack_status') || ' ' || (actor = session_user) FROM intake.audit");
  cr_expect_str_eq(audit, "resend_ack failed pending true");
  /* once: while it is pending, a second call is refused */
  g_autofree char *again = resend("RC20261125-0001", "55000", "already pending");
  cr_expect_not_null(again);
}

Test(resend_ack, sent_only_with_force)
{
  order_with_ack("RC20261125-0002", "sent", NULL, TRUE);
  g_autofree char *msg = resend("RC20261125-0002", "55000", "was sent at");
  cr_expect_not_null(msg);
  g_autofree char *st = st_value(T, "SELECT status FROM intake.outbox");
  cr_expect_str_eq(st, "sent");
  g_autofree char *ret = st_value(T, "SELECT intake.resend_ack('RC20261125-0002', force => true)");
  cr_expect_str_eq(ret, "RC20261125-0002: acknowledgement sent -> pending");
  g_autofree char *note = st_value(T, "SELECT note FROM intake.audit WHERE action = 'resend_ack'");
  cr_expect(note && g_str_has_prefix(note, "forced"), "%s", note);
}

Test(resend_ack, suppressed_only_for_reasons_ops_may_override)
{
  order_with_ack("RC20261125-0003", "suppressed", "auth_fail", TRUE);
  order_with_ack("RC20261125-0004", "suppressed", "global_cap", TRUE);
  order_with_ack("RC20261125-0005", "suppressed", "bounce", FALSE);
  order_with_ack("RC20261125-0006", "suppressed", "sender_cap", FALSE);
  g_autofree char *a = resend("RC20261125-0003", NULL, NULL);
  cr_expect_str_eq(a, "RC20261125-0003: acknowledgement suppressed (auth_fail) -> pending");
  g_autofree char *b = resend("RC20261125-0004", NULL, NULL);
  cr_expect_str_eq(b, "RC20261125-0004: acknowledgement suppressed (global_cap) -> pending");
  g_autofree char *c = resend("RC20261125-0005", "55000", "cannot be sent");
  g_autofree char *d = resend("RC20261125-0006", "55000", "cannot be sent");
  g_autofree char *n = st_value(T, "SELECT count(*) FROM intake.outbox WHERE status = 'pending'"
                                   " AND suppressed_reason IS NULL");
  cr_expect_str_eq(n, "2");
}

Test(resend_ack, unknown_order_or_no_ack_and_grants)
{
  g_autofree char *a = resend("RC20261125-0099", "P0002", "unknown order");
  st_order(T, "RC20261125-0007", "queued", "P3", -10, 60, 240, NONE);
  g_autofree char *b = resend("RC20261125-0007", "P0002", "has no acknowledgement");
  g_autofree char *ops = st_value(T, "SELECT has_function_privilege('intake_ops',"
                                     " 'intake.resend_ack(text, boolean)', 'EXECUTE')::text");
  cr_expect_str_eq(ops, "true");
  g_autofree char *app = st_value(T, "SELECT has_function_privilege('intake_app',"
                                     " 'intake.resend_ack(text, boolean)', 'EXECUTE')::text");
  cr_expect_str_eq(app, "false");
  g_autofree char *reasons = st_value(
    T,
    "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'outbox_suppressed_reason_check'");
  cr_expect(strstr(reasons, "'too_old'") && strstr(reasons, "'global_cap'") && strstr(reasons, "'auth_fail'"),
            "%s", reasons);
}
