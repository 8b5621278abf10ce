-- One definition of an order's three deadlines and their records: 057 spelled the list
-- (response_due/responded_at, plan_due/plan_at, onsite_due/onsite_at) out in order_sla,
-- order_deadlines and twice in the queue. Those views now read intake.deadline_times; their
-- columns and results are unchanged.
CREATE VIEW intake.deadline_times AS
SELECT o.id AS order_id, d.rank, d.deadline, d.due_at, d.done_at
  FROM intake.orders o
 CROSS JOIN LATERAL (VALUES (1, 'response_due', o.response_due, o.responded_at),
                            (2, 'plan_due', o.plan_due, o.plan_at),
                            (3, 'onsite_due', o.onsite_due, o.onsite_at)) AS d (rank, deadline, due_at, done_at)
 WHERE d.due_at IS NOT NULL;
COMMENT ON VIEW intake.deadline_times IS 'Every deadline set on an order, whatever its status, with when ops recorded it: the one list order_sla, order_deadlines and queue read';
COMMENT ON COLUMN intake.deadline_times.order_id IS 'intake.orders.id';
COMMENT ON COLUMN intake.deadline_times.rank IS '1 response, 2 plan, 3 on site: the order of deadlines due at the same time';
COMMENT ON COLUMN intake.deadline_times.deadline IS 'response_due (远程响应), plan_due (处理方案) or onsite_due (人员现场服务)';
COMMENT ON COLUMN intake.deadline_times.due_at IS 'When it is due (moved by SLA pauses); never NULL (an unset deadline has no row)';
COMMENT ON COLUMN intake.deadline_times.done_at IS 'When ops recorded it (responded_at, plan_at, onsite_at); NULL: not yet';

CREATE OR REPLACE VIEW intake.order_sla AS
SELECT o.id AS order_id, o.order_no, d.deadline, d.due_at, d.done_at,
       CASE
         WHEN d.done_at IS NOT NULL THEN CASE WHEN d.done_at <= d.due_at THEN 'met' ELSE 'missed' END
         WHEN d.due_at < coalesce(o.finished_at, now()) AND (o.finished_at IS NOT NULL OR NOT paused.yes) THEN 'missed'
         WHEN o.finished_at IS NOT NULL THEN 'unrecorded'
         WHEN paused.yes THEN 'paused'
         ELSE 'pending'
       END AS outcome,
       CASE WHEN coalesce(d.done_at, o.finished_at, now()) > d.due_at
            THEN coalesce(d.done_at, o.finished_at, now()) - d.due_at END AS late_by,
       o.status, o.tier, o.received_at
  FROM intake.orders o
  JOIN intake.deadline_times d ON d.order_id = o.id
 CROSS JOIN LATERAL (SELECT EXISTS (SELECT 1 FROM intake.sla_pauses p
                                     WHERE p.order_id = o.id AND p.ended_at IS NULL)) AS paused (yes)
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
   AND NOT EXISTS (SELECT 1 FROM intake.sla_pauses p WHERE p.order_id = o.id AND p.ended_at IS NULL);

CREATE OR REPLACE VIEW intake.queue AS
SELECT o.order_no, o.status, o.priority, o.coverage, o.sn, o.model, o.customer, o.city,
       o.received_at, o.response_due, o.plan_due, o.onsite_due,
       EXISTS (SELECT 1 FROM intake.order_deadlines d WHERE d.order_id = o.id AND d.missed) AS overdue,
       o.kind, o.missing, o.from_addr, o.subject,
       paused.yes AS paused,
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
 CROSS JOIN LATERAL (SELECT EXISTS (SELECT 1 FROM intake.sla_pauses p
                                     WHERE p.order_id = o.id AND p.ended_at IS NULL)) AS paused (yes)
  LEFT JOIN LATERAL (SELECT d.deadline, d.due_at
                       FROM intake.deadline_times d
                      WHERE d.order_id = o.id AND d.due_at >= now() AND d.done_at IS NULL
                      ORDER BY d.due_at, d.rank LIMIT 1) AS nxt ON true
  LEFT JOIN LATERAL (SELECT min(d.due_at) AS due_at
                       FROM intake.deadline_times d
                      WHERE d.order_id = o.id AND d.done_at IS NULL) AS open_due ON true
 WHERE o.status NOT IN ('resolved', 'closed')
 ORDER BY o.priority NULLS LAST, open_due.due_at NULLS LAST, o.received_at, o.order_no;

-- No intake.role_grants row: ops read every view; intake_report reads order_sla and the queue,
-- which read this one with their owner's rights.
SELECT intake.apply_grants();
