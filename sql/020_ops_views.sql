-- Baseline, part 3: what the service desk reads in psql (docs/ops.md): the database's time zone
-- and the views queue, needs_review, sla_breaches, mailbox_health. The rule for "missed",
-- everywhere: a deadline is missed when it is in the past, the order is still open (not resolved
-- or closed) and its SLA clock is not paused.

-- Ops read times in the policy's time zone (policy_settings.timezone, seeded by 010): make it the
-- database default for every session.
DO $$
DECLARE
  tz text := (SELECT value FROM intake.policy_settings WHERE key = 'timezone');
BEGIN
  IF tz IS NULL THEN
    RAISE EXCEPTION 'intake.policy_settings has no timezone (sql/seed/policy_settings.tsv)';
  END IF;
  EXECUTE format('ALTER DATABASE %I SET timezone = %L', current_database(), tz);
END
$$;

-- One row per order and deadline that still counts: open orders whose clock runs.
CREATE VIEW intake.order_deadlines AS
SELECT o.id AS order_id, o.order_no, d.deadline, d.due_at,
       (d.due_at < now()) AS missed,
       CASE WHEN d.due_at < now() THEN now() - d.due_at END AS overdue_by
  FROM intake.orders o
 CROSS JOIN LATERAL (VALUES (1, 'response_due', o.response_due),
                            (2, 'plan_due', o.plan_due),
                            (3, 'onsite_due', o.onsite_due)) AS d (rank, deadline, due_at)
 WHERE o.status NOT IN ('resolved', 'closed')
   AND d.due_at IS NOT NULL
   AND NOT EXISTS (SELECT 1 FROM intake.sla_pauses p WHERE p.order_id = o.id AND p.ended_at IS NULL);
COMMENT ON VIEW intake.order_deadlines IS 'Deadlines of open, unpaused orders, one row per order and deadline (the basis of the missed flags)';
COMMENT ON COLUMN intake.order_deadlines.order_id IS 'intake.orders.id';
COMMENT ON COLUMN intake.order_deadlines.order_no IS 'Order number';
COMMENT ON COLUMN intake.order_deadlines.deadline IS 'response_due (远程响应), plan_due (处理方案) or onsite_due (人员现场服务)';
COMMENT ON COLUMN intake.order_deadlines.due_at IS 'When it is due';
COMMENT ON COLUMN intake.order_deadlines.missed IS 'true: due_at is in the past';
COMMENT ON COLUMN intake.order_deadlines.overdue_by IS 'How long ago it passed (NULL when not missed)';

-- Columns are only ever appended (CREATE OR REPLACE VIEW keeps the existing ones in place).
CREATE VIEW intake.queue AS
SELECT o.order_no, o.status, o.priority, o.coverage, o.sn, o.model, o.customer, o.city,
       o.received_at, o.response_due, o.plan_due, o.onsite_due,
       coalesce(NOT paused.yes AND LEAST(o.response_due, o.plan_due, o.onsite_due) < now(), false) AS overdue,
       o.kind, o.missing, o.from_addr, o.subject,
       paused.yes AS paused,
       nxt.due_at AS next_due,
       nxt.deadline AS next_deadline,
       ARRAY(SELECT d.deadline FROM intake.order_deadlines d
              WHERE d.order_id = o.id AND d.missed ORDER BY d.due_at) AS missed,
       o.assignee, o.severity, o.tier, o.onsite_class, o.district, o.review_reason
  FROM intake.orders o
 CROSS JOIN LATERAL (SELECT EXISTS (SELECT 1 FROM intake.sla_pauses p
                                     WHERE p.order_id = o.id AND p.ended_at IS NULL)) AS paused (yes)
  LEFT JOIN LATERAL (SELECT d.deadline, d.due_at
                       FROM (VALUES (1, 'response_due', o.response_due), (2, 'plan_due', o.plan_due),
                                    (3, 'onsite_due', o.onsite_due)) AS d (rank, deadline, due_at)
                      WHERE d.due_at >= now()
                      ORDER BY d.due_at, d.rank LIMIT 1) AS nxt ON true
 WHERE o.status NOT IN ('resolved', 'closed')
 ORDER BY o.priority NULLS LAST, LEAST(o.response_due, o.plan_due, o.onsite_due) NULLS LAST,
          o.received_at, o.order_no;
COMMENT ON VIEW intake.queue IS 'Open orders (not resolved or closed), most urgent first: priority, then the earliest deadline (missed ones are the earliest), then received_at, then order_no';
COMMENT ON COLUMN intake.queue.order_no IS 'Order number (工单号), e.g. RC20261125-0007';
COMMENT ON COLUMN intake.queue.status IS 'queued, needs_review, assigned, in_progress, waiting_customer';
COMMENT ON COLUMN intake.queue.priority IS 'P1 (most urgent) … P4; NULL last';
COMMENT ON COLUMN intake.queue.coverage IS 'covered, chargeable, expired, not_covered, needs_review';
COMMENT ON COLUMN intake.queue.sn IS 'Device serial number';
COMMENT ON COLUMN intake.queue.model IS 'Device model';
COMMENT ON COLUMN intake.queue.customer IS 'Customer name from the asset registry';
COMMENT ON COLUMN intake.queue.city IS 'City of the device';
COMMENT ON COLUMN intake.queue.received_at IS 'When the mail reached the mailbox';
COMMENT ON COLUMN intake.queue.response_due IS 'Remote response deadline (远程响应)';
COMMENT ON COLUMN intake.queue.plan_due IS 'Handling plan deadline (处理方案)';
COMMENT ON COLUMN intake.queue.onsite_due IS 'Engineer on site deadline (人员现场服务); NULL when none applies';
COMMENT ON COLUMN intake.queue.overdue IS 'A deadline is missed: in the past while the order is open and its clock is not paused (see missed for which)';
COMMENT ON COLUMN intake.queue.kind IS 'fault, software, consultation, value_added';
COMMENT ON COLUMN intake.queue.missing IS 'Fields the customer still has to send';
COMMENT ON COLUMN intake.queue.from_addr IS 'Customer''s address';
COMMENT ON COLUMN intake.queue.subject IS 'Subject of the first mail';
COMMENT ON COLUMN intake.queue.paused IS 'The SLA clock is paused (intake.pause_sla); deadlines are not missed while paused';
COMMENT ON COLUMN intake.queue.next_due IS 'The nearest deadline still ahead; NULL when none is left';
COMMENT ON COLUMN intake.queue.next_deadline IS 'Which deadline next_due is: response_due, plan_due or onsite_due';
COMMENT ON COLUMN intake.queue.missed IS 'The missed deadlines, earliest first (empty while paused)';
COMMENT ON COLUMN intake.queue.assignee IS 'Engineer the order is assigned to';
COMMENT ON COLUMN intake.queue.severity IS 'S1 outage, S2 degraded hardware, S3 other';
COMMENT ON COLUMN intake.queue.tier IS 'gold (金牌) or silver (银牌); NULL: SN unknown';
COMMENT ON COLUMN intake.queue.onsite_class IS '4h, next_day, negotiated, unknown';
COMMENT ON COLUMN intake.queue.district IS 'District of the device';
COMMENT ON COLUMN intake.queue.review_reason IS 'Why the order needs a person, if it does';

CREATE VIEW intake.needs_review AS
SELECT o.order_no, o.status, o.coverage, o.review_reason,
       ARRAY(SELECT r->>'code' FROM jsonb_array_elements(o.reasons) r) AS reason_codes,
       o.reasons, m.parse_error, o.priority, o.kind, o.sn, o.model, o.customer, o.missing,
       o.from_addr, o.subject, o.received_at, o.assignee
  FROM intake.orders o
  JOIN intake.messages m ON m.id = o.message_id
 WHERE (o.status = 'needs_review' OR o.coverage = 'needs_review')
   AND o.status NOT IN ('resolved', 'closed')
 ORDER BY o.priority NULLS LAST, o.received_at, o.order_no;
COMMENT ON VIEW intake.needs_review IS 'Open orders a person must look at (待人工审核): status needs_review (e.g. unprocessable mail) or coverage needs_review (SN unknown, suspected exclusion, …)';
COMMENT ON COLUMN intake.needs_review.order_no IS 'Order number';
COMMENT ON COLUMN intake.needs_review.status IS 'Order status';
COMMENT ON COLUMN intake.needs_review.coverage IS 'Coverage decision (needs_review, or another when only the status needs review)';
COMMENT ON COLUMN intake.needs_review.review_reason IS 'Why the order itself needs review, e.g. unprocessable';
COMMENT ON COLUMN intake.needs_review.reason_codes IS 'The coverage reason codes, e.g. {sn_unknown} or {physical_damage}';
COMMENT ON COLUMN intake.needs_review.reasons IS 'The reasons with their evidence: [{code, evidence}]';
COMMENT ON COLUMN intake.needs_review.parse_error IS 'Why the parser could not read the first mail, if it could not';
COMMENT ON COLUMN intake.needs_review.priority IS 'P1 … P4';
COMMENT ON COLUMN intake.needs_review.kind IS 'Request kind';
COMMENT ON COLUMN intake.needs_review.sn IS 'Device serial number';
COMMENT ON COLUMN intake.needs_review.model IS 'Device model';
COMMENT ON COLUMN intake.needs_review.customer IS 'Customer name';
COMMENT ON COLUMN intake.needs_review.missing IS 'Fields the customer did not send';
COMMENT ON COLUMN intake.needs_review.from_addr IS 'Customer''s address';
COMMENT ON COLUMN intake.needs_review.subject IS 'Subject of the first mail';
COMMENT ON COLUMN intake.needs_review.received_at IS 'When the mail reached the mailbox';
COMMENT ON COLUMN intake.needs_review.assignee IS 'Engineer assigned, if any';

CREATE VIEW intake.sla_breaches AS
SELECT o.order_no, d.deadline, d.due_at, d.overdue_by, o.status, o.priority, o.tier, o.sla_clock,
       o.customer, o.assignee, o.received_at
  FROM intake.order_deadlines d
  JOIN intake.orders o ON o.id = d.order_id
 WHERE d.missed
 ORDER BY d.overdue_by DESC, o.order_no, d.deadline;
COMMENT ON VIEW intake.sla_breaches IS 'Missed deadlines (超时): one row per open, unpaused order and deadline in the past, longest overdue first';
COMMENT ON COLUMN intake.sla_breaches.order_no IS 'Order number';
COMMENT ON COLUMN intake.sla_breaches.deadline IS 'response_due, plan_due or onsite_due';
COMMENT ON COLUMN intake.sla_breaches.due_at IS 'When it was due';
COMMENT ON COLUMN intake.sla_breaches.overdue_by IS 'now() - due_at';
COMMENT ON COLUMN intake.sla_breaches.status IS 'Order status';
COMMENT ON COLUMN intake.sla_breaches.priority IS 'P1 … P4';
COMMENT ON COLUMN intake.sla_breaches.tier IS 'gold or silver';
COMMENT ON COLUMN intake.sla_breaches.sla_clock IS '7x24 or 5x8';
COMMENT ON COLUMN intake.sla_breaches.customer IS 'Customer name';
COMMENT ON COLUMN intake.sla_breaches.assignee IS 'Engineer assigned, if any';
COMMENT ON COLUMN intake.sla_breaches.received_at IS 'When the mail reached the mailbox';

CREATE VIEW intake.mailbox_health AS
SELECT b.name, b.last_success, b.last_error, b.last_error_at,
       now() - b.last_success AS lag,
       (SELECT count(*) FROM intake.mailbox_uids u
         WHERE u.mailbox_id = b.id AND u.marked_at IS NULL) AS unmarked,
       (b.last_success IS NOT NULL AND b.last_success >= now() - interval '5 minutes'
        AND (b.last_error_at IS NULL OR b.last_error_at <= b.last_success)) AS healthy,
       b.uidvalidity, b.last_uid
  FROM intake.mailboxes b
 ORDER BY b.name;
COMMENT ON VIEW intake.mailbox_health IS 'Per polled mailbox: is intake keeping up (healthy: a poll succeeded in the last 5 minutes and none failed since)';
COMMENT ON COLUMN intake.mailbox_health.name IS 'user@host/mailbox';
COMMENT ON COLUMN intake.mailbox_health.last_success IS 'When a poll last completed';
COMMENT ON COLUMN intake.mailbox_health.last_error IS 'The last poll failure (may be older than last_success: then it is over)';
COMMENT ON COLUMN intake.mailbox_health.last_error_at IS 'When it happened';
COMMENT ON COLUMN intake.mailbox_health.lag IS 'now() - last_success; NULL: never succeeded';
COMMENT ON COLUMN intake.mailbox_health.unmarked IS 'Mails stored but not yet flagged/moved on the server (the next poll does it)';
COMMENT ON COLUMN intake.mailbox_health.healthy IS 'last_success within 5 minutes and no error since';
COMMENT ON COLUMN intake.mailbox_health.uidvalidity IS 'IMAP UIDVALIDITY';
COMMENT ON COLUMN intake.mailbox_health.last_uid IS 'Highest UID stored';
