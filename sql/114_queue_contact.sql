-- Blind round 18: the desk is told to call an escalated customer first (docs/ops.md), and the queue
-- had neither the contact nor the phone: each call needed a second query. Both are added at the end
-- (a view's columns keep their places).

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
       o.recurrence_of, o.escalated_at, o.contact, o.phone
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
COMMENT ON COLUMN intake.queue.contact IS 'Who to call (联系人), as the mail or a correction gave it';
COMMENT ON COLUMN intake.queue.phone IS 'Their phone (联系电话), as the mail or a correction gave it';
