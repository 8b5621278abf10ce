/* store/status.c: what `intake status`, the metrics textfile and a first poll read or write about
 * the mailboxes and the whole pipeline: poll counters, the UID floor of first_poll, health figures. */
#include "store-private.h"

/* What intake.needs_review lists (sql/122): status or coverage needs_review, a mail read only in part, or a
 * follow-up held — the count status reports is that view's, not only the orders whose status says so. */
#define NEEDS_REVIEW                                                                                         \
  "(o.status = 'needs_review' OR o.coverage = 'needs_review'"                                                \
  " OR o.review_reason IN ('unverified_followup', 'late_followup', 'closed_followup', 'said_fixed',"         \
  " 'oversize'))"                                                                                            \
  " AND (o.status NOT IN ('resolved', 'closed') OR o.review_reason IN ('late_followup', 'closed_followup',"  \
  " 'unverified_followup'))"

gboolean
store_mailbox_advance(StoreConn *conn, StoreMailbox *mailbox, gint64 last_uid, GError **error)
{
  g_autofree char *id = store_int_text(mailbox->id);
  g_autofree char *uv = store_int_text(mailbox->uidvalidity);
  g_autofree char *uid = store_int_text(last_uid);
  const char *p[] = { id, uv, uid };
  if (!store_exec(conn,
                  "UPDATE intake.mailboxes SET last_uid = GREATEST(last_uid, $3), updated_at = now()"
                  " WHERE id = $1 AND uidvalidity = $2",
                  3, p, error))
    return FALSE;
  mailbox->last_uid = MAX(mailbox->last_uid, last_uid);
  return TRUE;
}

gboolean
store_mailbox_count_poll(StoreConn *conn, gint mailbox_id, gboolean ok, GError **error)
{
  g_autofree char *id = store_int_text(mailbox_id);
  const char *p[] = { id, ok ? "t" : "f" };
  store_rollback(conn); /* a failed poll may have left a transaction open */
  return store_exec(conn,
                    "UPDATE intake.mailboxes SET polls = polls + 1, last_poll_at = now(),"
                    " failed_polls = CASE WHEN $2::boolean THEN 0 ELSE failed_polls + 1 END,"
                    " last_success = CASE WHEN $2::boolean THEN now() ELSE last_success END,"
                    " updated_at = CASE WHEN $2::boolean THEN now() ELSE updated_at END WHERE id = $1",
                    2, p, error);
}

StoreRows *
store_status_mailboxes(StoreConn *conn, GError **error)
{
  /* The poll's advisory lock is keyed by the mailbox name (cli/cmd_poll.c); its age is the holder's
   * session age (a poll connects once, then locks), NULL when hidden from this role. */
  return store_select(
    conn,
    "SELECT b.name, b.last_poll_at, b.last_success, b.last_error, b.last_error_at, b.failed_polls, b.polls,"
    " b.last_uid, b.uidvalidity,"
    " (SELECT count(*) FROM intake.orders o JOIN intake.mailbox_uids u ON u.message_id = o.message_id"
    "   WHERE u.mailbox_id = b.id AND " NEEDS_REVIEW ") AS needs_review,"
    " (SELECT floor(extract(epoch FROM now() - a.backend_start))::bigint FROM pg_locks l"
    "   JOIN pg_stat_activity a ON a.pid = l.pid"
    "   WHERE " STORE_MAILBOX_LOCK(
      "b.name") " LIMIT 1) AS lock_age_s,"
                " floor(extract(epoch FROM b.last_success))::bigint AS last_success_epoch,"
                " (SELECT count(*) FROM intake.quarantine q WHERE q.mailbox_id = b.id AND q.resolved_at IS "
                "NULL)"
                "   AS not_stored,"
                /* held, whoever holds it: pg_locks shows every session, pg_stat_activity hides another role's
     * backend_start (blind round 18: "lock free" while a session of another role held it) */
                " EXISTS (SELECT 1 FROM pg_locks l WHERE " STORE_MAILBOX_LOCK(
                  "b.name") ") AS lock_held"
                            " FROM intake.mailboxes b ORDER BY b.name",
    0, NULL, error);
}

/* A year is in intake.holidays when its whole notice is: holidays in 4 months or more (元旦, 春节,
 * 清明, 劳动节, 端午, 中秋, 国庆 fall in 6 or 7) — one row of 元旦 is not the year (blind round 11a:
 * the warning went quiet on it while 春节 counted as working days). */
#define HOLIDAY_MONTHS                                                                                       \
  "SELECT count(DISTINCT extract(month FROM h.day)) FROM intake.holidays h WHERE h.kind = 'holiday'"         \
  " AND extract(year FROM h.day) = y"

StoreRows *
store_status_summary(StoreConn *conn, GError **error)
{
  return store_select(
    conn,
    "SELECT (SELECT count(*) FROM intake.outbox WHERE status = 'pending') AS outbox_pending,"
    " (SELECT floor(extract(epoch FROM now() - min(queued_at)))::bigint FROM intake.outbox"
    "   WHERE status = 'pending') AS outbox_oldest_pending_s,"
    " (SELECT count(*) FROM intake.outbox WHERE status = 'failed') AS outbox_failed,"
    " (SELECT count(*) FROM intake.outbox WHERE status = 'failed'"
    "   AND coalesce(sent_at, claimed_at, queued_at) > now() - interval '24 hours') AS outbox_failed_24h,"
    " (SELECT count(DISTINCT order_id) FROM intake.order_deadlines"
    "   WHERE due_at >= now() AND due_at < now() + interval '1 hour') AS orders_at_risk,"
    " (SELECT count(DISTINCT order_id) FROM intake.order_deadlines WHERE missed) AS orders_missed,"
    " (SELECT count(*) FROM intake.queue) AS queue_size,"
    " (SELECT count(*) FROM intake.orders o WHERE " NEEDS_REVIEW ") AS needs_review,"
    " (SELECT max(day)::text FROM intake.holidays) AS holidays_until,"
    " NOT EXISTS (SELECT 1 FROM generate_series(extract(year FROM current_date)::int,"
    "   extract(year FROM current_date + 90)::int) y"
    "   WHERE (" HOLIDAY_MONTHS ") < 4)"
    "   AS holidays_cover_90d,"
    " (SELECT floor(extract(epoch FROM now() - max(updated_at)))::bigint FROM intake.assets) AS "
    "registry_age_s,"
    " (SELECT count(*) FROM intake.assets) AS registry_rows,"
    " (SELECT count(*) FROM intake.messages) AS messages,"
    " (SELECT count(*) FROM intake.orders) AS orders,"
    " (SELECT count(*) FROM intake.outbox WHERE status = 'sent') AS acks_sent,"
    " (SELECT coalesce(sum(polls), 0) FROM intake.mailboxes) AS polls,"
    " (SELECT coalesce(sum(failed_polls), 0) FROM intake.mailboxes) AS failed_polls_in_a_row,"
    " (SELECT floor(extract(epoch FROM max(last_success)))::bigint FROM intake.mailboxes) AS "
    "last_success_epoch,"
    /* the next two weeks: deadlines computed today fall within them */
    " NOT EXISTS (SELECT 1 FROM generate_series(extract(year FROM current_date)::int,"
    "   extract(year FROM current_date + 14)::int) y"
    "   WHERE (" HOLIDAY_MONTHS ") < 4)"
    "   AS holidays_cover_14d,"
    /* what the mail itself left unread: unreadable, unfetchable, over a limit, or not stored at all */
    " (SELECT count(*) FROM intake.orders o WHERE " NEEDS_REVIEW
    "   AND o.review_reason IN ('unprocessable', 'unfetchable', 'oversize', 'quarantined', "
    "'too_many_machines'))"
    "  + (SELECT count(*) FROM intake.quarantine q WHERE q.resolved_at IS NULL) AS unreadable,"
    /* alerts the channels refused three times or more, still being retried (two days) */
    " (SELECT count(*) FROM intake.alerts WHERE sent_at IS NULL AND attempts >= 3"
    "   AND created_at > now() - interval '2 days') AS alerts_undelivered,"
    " (SELECT last_error FROM intake.alerts WHERE sent_at IS NULL AND attempts >= 3"
    "   AND created_at > now() - interval '2 days' ORDER BY created_at DESC LIMIT 1) AS alerts_last_error,"
    /* claimed by a sender: going out now, or left by one that stopped until its lease runs out (blind
     * round 20: invisible for minutes) */
    " (SELECT count(*) FROM intake.outbox WHERE status = 'sending') AS outbox_sending",
    0, NULL, error);
}

gboolean
store_read_only(StoreConn *conn, gboolean *read_only, GError **error)
{
  g_autoptr(StoreRows) r = store_select(
    conn, "SELECT current_setting('transaction_read_only') = 'on' OR pg_is_in_recovery()", 0, NULL, error);
  if (!r)
    return FALSE;
  *read_only = r->rows->len == 1 && g_strcmp0(((char **)g_ptr_array_index(r->rows, 0))[0], "t") == 0;
  return TRUE;
}
