/* store/alerts.c: the alerts of [alerts] — events found in the orders, mailboxes and outbox,
 * remembered once each in intake.alerts, and their delivery state (retried until sent). */
#include "store-private.h"

/* Every new event becomes a row (ON CONFLICT: an event is seen once); the texts are built here so
 * that what was sent stays readable in psql. */
gboolean
store_alerts_collect(StoreConn *conn, guint due_within_min, guint failing_polls, GError **error)
{
  g_autofree char *within = store_int_text(due_within_min);
  g_autofree char *failing = store_int_text(failing_polls);
  const char *p[] = { within, failing };
  return store_exec(
    conn,
    "INSERT INTO intake.alerts (event_key, kind, subject, body)"
    " SELECT 'p1:' || o.order_no, 'p1', 'P1 order ' || o.order_no,"
    "   concat_ws(E'\\n', 'New P1 order ' || o.order_no, 'customer: ' || o.customer, 'sn: ' || o.sn,"
    "     'model: ' || o.model, 'city: ' || o.city, 'subject: ' || o.subject,"
    "     'response due: ' || to_char(o.response_due, 'YYYY-MM-DD HH24:MI'))"
    "   FROM intake.orders o WHERE o.priority = 'P1' AND o.status NOT IN ('resolved', 'closed')"
    "    AND o.created_at > now() - interval '1 day' AND o.received_at > now() - interval '1 day'"
    " UNION ALL"
    " SELECT 'deadline:' || d.order_no || ':' || d.deadline, 'deadline',"
    "   d.order_no || ' ' || d.deadline || ' at ' || to_char(d.due_at, 'HH24:MI'),"
    "   concat_ws(E'\\n', 'Order ' || d.order_no || ': ' || d.deadline || ' due at '"
    "     || to_char(d.due_at, 'YYYY-MM-DD HH24:MI') || ' with nothing recorded',"
    "     'priority: ' || o.priority, 'customer: ' || o.customer, 'subject: ' || o.subject)"
    "   FROM intake.order_deadlines d JOIN intake.orders o ON o.id = d.order_id"
    "  WHERE $1::int > 0 AND d.due_at >= now() AND d.due_at < now() + make_interval(mins => $1::int)"
    " UNION ALL"
    " SELECT 'mailbox_failing:' || b.name || ':' || coalesce(b.last_success::text, 'never'), "
    "'mailbox_failing',"
    "   'mailbox failing: ' || b.name,"
    "   concat_ws(E'\\n', 'Mailbox ' || b.name || ': ' || b.failed_polls || ' polls failed in a row',"
    "     'last error: ' || b.last_error,"
    "     'last success: ' || coalesce(to_char(b.last_success, 'YYYY-MM-DD HH24:MI OF'), 'never'))"
    "   FROM intake.mailboxes b WHERE $2::int > 0 AND b.failed_polls >= $2::int"
    " UNION ALL"
    " SELECT 'ack_failed:' || x.id, 'ack_failed', 'acknowledgement failed: ' || o.order_no,"
    "   concat_ws(E'\\n', 'The acknowledgement of ' || o.order_no || ' to ' || x.recipient || ' failed',"
    "     'error: ' || x.last_error, 'reply: ' || x.smtp_reply)"
    "   FROM intake.outbox x JOIN intake.orders o ON o.id = x.order_id"
    "  WHERE x.status = 'failed' AND coalesce(x.sent_at, x.claimed_at, x.queued_at) > now() - interval '1 "
    "day'"
    /* a customer complaining or saying nobody answered (a follow-up): each such mail once */
    " UNION ALL"
    " SELECT 'escalation:' || o.order_no || ':' || floor(extract(epoch FROM o.escalated_at))::bigint, "
    "'escalation',"
    "   'escalation: ' || o.order_no || coalesce(' (' || o.priority || ')', ''),"
    "   concat_ws(E'\\n', 'The customer of ' || o.order_no || ' complains or says nobody has answered',"
    "     'status: ' || o.status, 'priority: ' || o.priority, 'customer: ' || o.customer,"
    "     'assignee: ' || coalesce(o.assignee, 'nobody'), 'subject: ' || o.subject,"
    "     'read it: SELECT * FROM intake.order_thread WHERE order_no = ''' || o.order_no || '''')"
    "   FROM intake.orders o WHERE o.escalated_at > now() - interval '1 day'"
    /* the mailbox of a failing episode announced in the last week polls again */
    " UNION ALL"
    " SELECT 'mailbox_recovered:' || substr(a.event_key, 17), 'mailbox_recovered',"
    "   'mailbox recovered: ' || b.name,"
    "   concat_ws(E'\\n', 'Mailbox ' || b.name || ' polled again at '"
    "     || to_char(b.last_success, 'YYYY-MM-DD HH24:MI OF'),"
    "     'failing announced at ' || to_char(a.created_at, 'YYYY-MM-DD HH24:MI OF'))"
    "   FROM intake.alerts a JOIN intake.mailboxes b ON a.event_key LIKE 'mailbox_failing:' || b.name || ':%'"
    "  WHERE a.kind = 'mailbox_failing' AND a.created_at > now() - interval '7 days' AND b.failed_polls = 0"
    "    AND b.last_success > a.created_at"
    /* acknowledgements failing to go out (relay down, password changed): failing_polls tries each,
     * one alert per episode (after the last recovery), and one when none is stuck any more */
    " UNION ALL"
    " SELECT 'acks_stuck:' || coalesce(r.since::text, 'never'), 'acks_stuck',"
    "   'acknowledgements not going out: ' || s.waiting || ' waiting',"
    "   concat_ws(E'\\n', s.waiting || ' acknowledgement(s) waiting, ' || s.n || ' of them failed ' || "
    "$2::int"
    "     || '+ tries or waited over an hour',"
    "     'oldest queued at ' || to_char(s.oldest, 'YYYY-MM-DD HH24:MI OF'), 'last error: ' || s.last_error,"
    "     'customers get no acknowledgement until the SMTP server takes them ([smtp] url, user, "
    "password_file)')"
    /* every waiting row in the count: a poll tries the first only while the relay is down (blind
     * round 13: "1 waiting" of 3) */
    "   FROM (SELECT count(*) FILTER (WHERE x.attempts + x.deferrals >= $2::int"
    "                                  OR x.queued_at < now() - interval '1 hour') AS n,"
    "                count(*) AS waiting, min(x.queued_at) AS oldest,"
    "                (array_agg(x.last_error ORDER BY x.last_error IS NULL, x.next_attempt_at DESC))[1] AS "
    "last_error"
    "           FROM intake.outbox x WHERE x.status = 'pending' AND $2::int > 0) s"
    "  CROSS JOIN (SELECT max(created_at) AS since FROM intake.alerts WHERE kind = 'acks_recovered') r"
    "  WHERE s.n > 0"
    " UNION ALL"
    " SELECT 'acks_recovered:' || a.event_key, 'acks_recovered', 'acknowledgements going out again',"
    "   'No acknowledgement is stuck any more (announced stuck at ' || to_char(a.created_at, 'YYYY-MM-DD "
    "HH24:MI') || ')'"
    "   FROM (SELECT event_key, created_at FROM intake.alerts WHERE kind = 'acks_stuck'"
    "          ORDER BY created_at DESC LIMIT 1) a"
    "  WHERE NOT EXISTS (SELECT 1 FROM intake.outbox x WHERE x.status = 'pending' AND $2::int > 0"
    "                     AND (x.attempts + x.deferrals >= $2::int OR x.queued_at < now() - interval '1 "
    "hour'))"
    " ON CONFLICT (event_key) DO NOTHING",
    2, p, error);
}

StoreRows *
store_alerts_unsent(StoreConn *conn, GError **error)
{
  return store_select(
    conn,
    "SELECT event_key, kind, subject, body, channels_done FROM intake.alerts WHERE sent_at IS NULL"
    " AND created_at > now() - interval '2 days' ORDER BY created_at, event_key",
    0, NULL, error);
}

gboolean
store_alert_mark(StoreConn *conn, const char *event_key, const char *failure, const char *channels_done,
                 GError **error)
{
  const char *p[] = { event_key, failure, channels_done ? channels_done : "" };
  return store_exec(
    conn,
    "UPDATE intake.alerts SET attempts = attempts + 1, last_error = $2::text, channels_done = $3,"
    " sent_at = CASE WHEN $2::text IS NULL THEN now() END WHERE event_key = $1",
    3, p, error);
}

gboolean
store_alert_add(StoreConn *conn, const char *event_key, const char *kind, const char *subject,
                const char *body, GError **error)
{
  const char *p[] = { event_key, kind, subject, body };
  return store_exec(conn,
                    "INSERT INTO intake.alerts (event_key, kind, subject, body) VALUES ($1, $2, $3, $4)"
                    " ON CONFLICT (event_key) DO NOTHING",
                    4, p, error);
}
