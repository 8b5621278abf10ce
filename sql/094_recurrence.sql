-- Blind round 11d: "又宕机了" answered in the thread of a closed P1 re-opened it with its old,
-- already-met deadlines — a new outage no clock tracked and nobody was told about. A fault reported
-- in a closed order's thread is now a new order with its own deadlines and acknowledgement; it names
-- the earlier one here, and the queue shows it (the history of "the same machine again").
ALTER TABLE intake.orders ADD COLUMN recurrence_of text;
COMMENT ON COLUMN intake.orders.recurrence_of IS 'The closed order whose thread reported this fault again ("又宕机了" in a reply to it): its number; this order has its own deadlines';
CREATE INDEX orders_recurrence_of ON intake.orders (recurrence_of) WHERE recurrence_of IS NOT NULL;
COMMENT ON COLUMN intake.orders.followup_of IS 'Not written any more (a follow-up is attached to its order, intake.order_messages); see recurrence_of';

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
       o.recurrence_of
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
COMMENT ON COLUMN intake.queue.recurrence_of IS 'The closed order this fault came back after (reported in its thread), or null: read its history (intake.order_thread) before going out';

-- order_detail: recurrence_of in the place of the unused followup_of, and the orders it recurred in
CREATE OR REPLACE FUNCTION intake.order_detail(p_order_no text)
RETURNS TABLE (section text, at timestamptz, item text, value text)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  o intake.orders;
BEGIN
  SELECT * INTO o FROM intake.orders WHERE order_no = upper(btrim(p_order_no));
  IF NOT FOUND THEN
    RAISE EXCEPTION 'unknown order %', coalesce(p_order_no, '(null)') USING ERRCODE = 'no_data_found';
  END IF;
  RETURN QUERY
  SELECT 'order'::text, NULL::timestamptz, f.k, f.v
    FROM (VALUES
      (1, 'order_no', o.order_no), (2, 'status', o.status), (3, 'assignee', o.assignee),
      (4, 'priority', o.priority), (5, 'severity', o.severity), (6, 'kind', o.kind),
      (7, 'coverage', o.coverage), (8, 'reasons', o.reasons::text), (9, 'review_reason', o.review_reason),
      (10, 'missing', array_to_string(o.missing, ', ')),
      (11, 'paused', (EXISTS (SELECT 1 FROM intake.sla_pauses p WHERE p.order_id = o.id AND p.ended_at IS NULL))::text),
      (12, 'received_at', o.received_at::text), (13, 'sla_clock', o.sla_clock),
      (14, 'response_due', o.response_due::text), (15, 'plan_due', o.plan_due::text),
      (16, 'onsite_due', o.onsite_due::text), (17, 'sla_dirty', o.sla_dirty::text),
      (18, 'sn', o.sn), (19, 'sn_candidates', array_to_string(o.sn_candidates, ', ')),
      (20, 'model', o.model), (21, 'customer', o.customer), (22, 'tier', o.tier),
      (23, 'component', o.component), (24, 'warranty_start', o.warranty_start::text),
      (25, 'warranty_end', o.warranty_end::text), (26, 'onsite_class', o.onsite_class),
      (27, 'city', o.city), (28, 'district', o.district), (29, 'address', o.address),
      (30, 'contact', o.contact), (31, 'phone', o.phone), (32, 'from_addr', o.from_addr),
      (33, 'subject', o.subject), (34, 'symptoms', o.symptoms), (35, 'recurrence_of', o.recurrence_of),
      (36, 'created_at', o.created_at::text), (37, 'updated_at', o.updated_at::text),
      (38, 'recurred_in', (SELECT string_agg(r.order_no, ', ' ORDER BY r.received_at, r.order_no)
                             FROM intake.orders r WHERE r.recurrence_of = o.order_no))) AS f (n, k, v)
   ORDER BY f.n;
  RETURN QUERY
  SELECT 'mail'::text, coalesce(m.internal_date, m.fetched_at), om.role,
         concat_ws(' | ',
                   'from ' || concat_ws(' ', m.from_display, '<' || m.from_addr || '>'),
                   'subject ' || m.subject,
                   'message-id ' || m.message_id,
                   m.size || ' bytes',
                   'ignored ' || m.ignored_reason,
                   'PARSE ERROR ' || m.parse_error)
    FROM intake.order_messages om JOIN intake.messages m ON m.id = om.message_id
   WHERE om.order_id = o.id
   ORDER BY coalesce(m.internal_date, m.fetched_at), m.id;
  RETURN QUERY
  SELECT 'pause'::text, p.started_at, p.reason,
         concat_ws(' | ',
                   CASE WHEN p.ended_at IS NULL THEN 'still paused' ELSE 'until ' || p.ended_at::text END,
                   'by ' || p.started_by,
                   'resumed by ' || p.ended_by,
                   p.note)
    FROM intake.sla_pauses p
   WHERE p.order_id = o.id
   ORDER BY p.started_at, p.id;
  RETURN QUERY
  SELECT 'audit'::text, a.at, a.action,
         concat_ws(' | ', 'by ' || a.actor,
                   coalesce(a.before::text, '-') || ' -> ' || coalesce(a.after::text, '-'),
                   a.note)
    FROM intake.audit a
   WHERE a.order_id = o.id
   ORDER BY a.at, a.id;
END
$$;
COMMENT ON FUNCTION intake.order_detail(text) IS 'Everything about one order (工单详情), as rows: section order (its fields; recurrence_of / recurred_in: the same fault before or after), mail (from, subject, parse error; no raw bytes), pause (SLA pauses), audit (its history)';
