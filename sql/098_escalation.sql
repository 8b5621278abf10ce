-- Blind round 11d: "【投诉】… 已经超过4小时了还没人联系" was only another follow-up: nothing flagged the
-- order, nobody on duty was told; a desk that did not compare last_mail_at missed a formal complaint.
-- A follow-up that complains or says nobody has answered (data/parser/labels.ini escalation) now
-- stamps the order (escalated_at, audit action escalated), the queue shows it, and [alerts] tells the
-- duty team once per such mail.
ALTER TABLE intake.orders ADD COLUMN escalated_at timestamptz;
CREATE INDEX orders_escalated ON intake.orders (escalated_at) WHERE escalated_at IS NOT NULL;
COMMENT ON COLUMN intake.orders.escalated_at IS 'When the customer last complained or said nobody had answered ("投诉", "还没人联系"), in a follow-up; null: never. Audit action escalated has the mail';

ALTER TABLE intake.alerts DROP CONSTRAINT alerts_kind_check;
ALTER TABLE intake.alerts ADD CONSTRAINT alerts_kind_check
  CHECK (kind IN ('p1', 'deadline', 'mailbox_failing', 'ack_failed', 'mailbox_recovered', 'acks_stuck',
                  'acks_recovered', 'database_recovered', 'escalation'));
COMMENT ON COLUMN intake.alerts.kind IS 'p1 (a new P1 order), deadline (due within [alerts] due_within), escalation (a customer complained or chased in a follow-up), mailbox_failing ([alerts] failing_polls in a row) and mailbox_recovered (polled again), ack_failed (an acknowledgement failed for good), acks_stuck (acknowledgements not going out: failing_polls tries each) and acks_recovered, database_recovered (PostgreSQL reachable again after an outage announced without it)';

CREATE OR REPLACE VIEW intake.queue AS
SELECT o.order_no, o.status, o.priority, o.coverage, o.sn, o.model, o.customer, o.city,
       o.received_at, o.response_due, o.plan_due, o.onsite_due,
       EXISTS (SELECT 1 FROM intake.order_deadlines d WHERE d.order_id = o.id AND d.missed) AS overdue,
       o.kind, o.missing, o.from_addr, o.subject,
       (paused.since IS NOT NULL) AS paused,
       nxt.due_at AS next_due,
       nxt.deadline AS next_deadline,
       ARRAY(SELECT d.deadline FROM intake.order_deadlines d
              WHERE d.order_id = o.id AND d.missed ORDER BY d.due_at) AS missed,
       o.assignee, o.severity, o.tier, o.onsite_class, o.district, o.review_reason,
       ARRAY(SELECT o2.order_no FROM intake.orders o2
              WHERE o2.sn = o.sn AND o2.id <> o.id AND o2.message_id <> o.message_id
                AND o2.status NOT IN ('resolved', 'closed')
                AND o2.received_at BETWEEN o.received_at - interval '7 days' AND o.received_at + interval '7 days'
              ORDER BY o2.received_at, o2.order_no) AS possible_duplicates,
       o.responded_at, o.plan_at, o.onsite_at, o.reclassify_pending,
       mails.last_at AS last_mail_at, mails.followups,
       o.recurrence_of, o.escalated_at
  FROM intake.orders o
 CROSS JOIN LATERAL (SELECT min(p.started_at) FROM intake.sla_pauses p
                      WHERE p.order_id = o.id AND p.ended_at IS NULL) AS paused (since)
  LEFT JOIN LATERAL (SELECT d.deadline, d.due_at
                       FROM intake.deadline_times d
                      WHERE d.order_id = o.id AND d.due_at >= now() AND d.done_at IS NULL
                      ORDER BY d.due_at, d.rank LIMIT 1) AS nxt ON true
  CROSS JOIN LATERAL (SELECT max(coalesce(m.internal_date, m.fetched_at)) AS last_at, count(*) FILTER (WHERE om.role = 'followup') AS followups
                        FROM intake.order_messages om JOIN intake.messages m ON m.id = om.message_id
                       WHERE om.order_id = o.id) AS mails
  LEFT JOIN LATERAL (SELECT min(d.due_at) AS due_at
                       FROM intake.deadline_times d
                      WHERE d.order_id = o.id AND d.done_at IS NULL) AS open_due ON true
 WHERE o.status NOT IN ('resolved', 'closed')
 ORDER BY o.priority NULLS LAST, open_due.due_at NULLS LAST, o.received_at, o.order_no;
COMMENT ON COLUMN intake.queue.escalated_at IS 'When the customer last complained or said nobody had answered (a follow-up: "投诉", "还没人联系"), or null: call them first';
