-- Blind round 10 (the desk's day in psql): pausing an order whose response had been due three days
-- earlier made that miss disappear — the queue said overdue false, the row left sla_breaches, order_sla
-- said 'paused' and sla_report's response_missed dropped from 1 to 0. A pause stops the clock from
-- when it starts: a deadline already past then stays missed; only those still ahead wait. The three
-- views of 069 with that one change (their columns unchanged).
CREATE OR REPLACE VIEW intake.order_sla AS
SELECT o.id AS order_id, o.order_no, d.deadline, d.due_at, d.done_at,
       CASE
         WHEN d.done_at IS NOT NULL THEN CASE WHEN d.done_at <= d.due_at THEN 'met' ELSE 'missed' END
         WHEN d.due_at < coalesce(o.finished_at, now())
              AND (o.finished_at IS NOT NULL OR paused.since IS NULL OR d.due_at < paused.since) THEN 'missed'
         WHEN o.finished_at IS NOT NULL THEN 'unrecorded'
         WHEN paused.since IS NOT NULL THEN 'paused'
         ELSE 'pending'
       END AS outcome,
       CASE WHEN coalesce(d.done_at, o.finished_at, now()) > d.due_at
            THEN coalesce(d.done_at, o.finished_at, now()) - d.due_at END AS late_by,
       o.status, o.tier, o.received_at
  FROM intake.orders o
  JOIN intake.deadline_times d ON d.order_id = o.id
 CROSS JOIN LATERAL (SELECT min(p.started_at) FROM intake.sla_pauses p
                      WHERE p.order_id = o.id AND p.ended_at IS NULL) AS paused (since)
 WHERE o.merged_into IS NULL
   AND o.close_reason IS DISTINCT FROM 'junk' AND o.close_reason IS DISTINCT FROM 'duplicate';

CREATE OR REPLACE VIEW intake.order_deadlines AS
SELECT o.id AS order_id, o.order_no, d.deadline, d.due_at,
       (d.due_at < now()) AS missed,
       CASE WHEN d.due_at < now() THEN now() - d.due_at END AS overdue_by
  FROM intake.orders o
  JOIN intake.deadline_times d ON d.order_id = o.id
 WHERE o.status NOT IN ('resolved', 'closed')
   AND d.done_at IS NULL
   AND NOT EXISTS (SELECT 1 FROM intake.sla_pauses p
                    WHERE p.order_id = o.id AND p.ended_at IS NULL AND p.started_at <= d.due_at);

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
       o.responded_at, o.plan_at, o.onsite_at, o.reclassify_pending
  FROM intake.orders o
 CROSS JOIN LATERAL (SELECT min(p.started_at) FROM intake.sla_pauses p
                      WHERE p.order_id = o.id AND p.ended_at IS NULL) AS paused (since)
  LEFT JOIN LATERAL (SELECT d.deadline, d.due_at
                       FROM intake.deadline_times d
                      WHERE d.order_id = o.id AND d.due_at >= now() AND d.done_at IS NULL
                      ORDER BY d.due_at, d.rank LIMIT 1) AS nxt ON true
  LEFT JOIN LATERAL (SELECT min(d.due_at) AS due_at
                       FROM intake.deadline_times d
                      WHERE d.order_id = o.id AND d.done_at IS NULL) AS open_due ON true
 WHERE o.status NOT IN ('resolved', 'closed')
 ORDER BY o.priority NULLS LAST, open_due.due_at NULLS LAST, o.received_at, o.order_no;

SELECT intake.apply_grants();
