-- Blind round 10 (the desk's day in psql): what a customer writes after the first mail — a new site
-- contact, a move to another address, "PSU1 Failure" as well — reached the order's thread but nothing
-- in the queue said so: a follow-up fills only missing fields (by design), and the engineer drove to
-- the old address. The queue now shows when the order's latest mail came and how many follow-ups it
-- has, so "mail since I last looked" is one column away (read it in intake.order_thread).
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
       mails.last_at AS last_mail_at, mails.followups
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
COMMENT ON COLUMN intake.queue.last_mail_at IS 'When the order''s latest mail came (the first one or a follow-up): newer than your last look means the customer wrote again — read it in intake.order_thread';
COMMENT ON COLUMN intake.queue.followups IS 'How many follow-up mails the order has (replies, supplements, merged mails)';
