-- The service desk's day in psql (issue 14, docs/ops.md): what was done and when (response, plan,
-- on site) and the SLA judged on it; corrections, coverage decisions, closing with a reason,
-- merging; the decoded text of every mail in and acknowledgement out; search; the reports.

-- ---- what ops record, and what the pipeline keeps for them ----

ALTER TABLE intake.orders ADD COLUMN responded_at timestamptz;
ALTER TABLE intake.orders ADD COLUMN plan_at timestamptz;
ALTER TABLE intake.orders ADD COLUMN onsite_at timestamptz;
ALTER TABLE intake.orders ADD COLUMN corrected jsonb NOT NULL DEFAULT '{}';
ALTER TABLE intake.orders ADD COLUMN coverage_decision text
  CHECK (coverage_decision IN ('covered', 'chargeable', 'expired', 'not_covered'));
ALTER TABLE intake.orders ADD COLUMN reclassify_pending boolean NOT NULL DEFAULT false;
ALTER TABLE intake.orders ADD COLUMN close_reason text
  CHECK (close_reason IN ('resolved', 'duplicate', 'junk', 'cancelled'));
ALTER TABLE intake.orders ADD COLUMN merged_into text;
ALTER TABLE intake.orders ADD COLUMN finished_at timestamptz;
COMMENT ON COLUMN intake.orders.responded_at IS 'When ops recorded the remote response (intake.record_response): the evidence for response_due met or missed';
COMMENT ON COLUMN intake.orders.plan_at IS 'When ops recorded the handling plan (intake.record_plan): evidence for plan_due';
COMMENT ON COLUMN intake.orders.onsite_at IS 'When ops recorded the engineer on site (intake.record_onsite): evidence for onsite_due';
COMMENT ON COLUMN intake.orders.corrected IS 'Fields ops corrected (intake.correct): {field: value}; they win over what later mail or a reprocess reads';
COMMENT ON COLUMN intake.orders.coverage_decision IS 'Coverage decided by ops (intake.decide); wins over the classifier''s until decided again';
COMMENT ON COLUMN intake.orders.reclassify_pending IS 'A correction waits for the policy to be re-applied: the next poll does it (cron: within a minute), then false';
COMMENT ON COLUMN intake.orders.close_reason IS 'Why the order was closed: resolved, duplicate, junk, cancelled (intake.close)';
COMMENT ON COLUMN intake.orders.merged_into IS 'The order this one was merged into (intake.merge); its mail and history are there now';
COMMENT ON COLUMN intake.orders.finished_at IS 'When the order was last resolved or closed; NULL while open';

-- finished_at follows the status whichever path changes it (ops, a follow-up re-opening it).
CREATE FUNCTION intake._orders_finished()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  IF NEW.status IN ('resolved', 'closed') AND OLD.status NOT IN ('resolved', 'closed') THEN
    NEW.finished_at := now();
  ELSIF NEW.status NOT IN ('resolved', 'closed') THEN
    NEW.finished_at := NULL;
    IF OLD.status = 'closed' THEN
      NEW.close_reason := NULL;
    END IF;
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION intake._orders_finished() IS 'Internal (trigger): keeps orders.finished_at and close_reason in step with the status';
CREATE TRIGGER orders_finished BEFORE UPDATE OF status ON intake.orders
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION intake._orders_finished();
UPDATE intake.orders o SET finished_at = coalesce(
         (SELECT max(a.at) FROM intake.audit a WHERE a.order_id = o.id AND a.after->>'status' = o.status),
         o.updated_at)
 WHERE o.status IN ('resolved', 'closed');

CREATE INDEX orders_reclassify_pending ON intake.orders (id) WHERE reclassify_pending;
CREATE INDEX orders_sn_open ON intake.orders (sn, received_at) WHERE status NOT IN ('resolved', 'closed');

-- The decoded text, stored when the mail is taken in (psql cannot decode MIME).
ALTER TABLE intake.messages ADD COLUMN body_text text;
ALTER TABLE intake.messages ADD COLUMN attachments jsonb;
COMMENT ON COLUMN intake.messages.body_text IS 'The mail''s text as the customer sent it, decoded (charset, HTML to text), quotes included, at most the parser''s max_text; NULL for mail stored before intake kept it';
COMMENT ON COLUMN intake.messages.attachments IS 'Attachments: [{filename, content_type, size}] (bytes stay in raw)';
ALTER TABLE intake.outbox ADD COLUMN body_text text;
COMMENT ON COLUMN intake.outbox.body_text IS 'The acknowledgement''s text as the customer reads it';

-- ---- the SLA judged on what was recorded ----

-- One row per order and deadline that applies. outcome: met (recorded in time), missed (recorded
-- late, or not recorded and past while the order was open), pending (not yet due), paused (the
-- clock stands still), unrecorded (the order was finished before the deadline and nothing was
-- recorded: not counted either way).
CREATE VIEW intake.order_sla AS
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
 CROSS JOIN LATERAL (VALUES (1, 'response_due', o.response_due, o.responded_at),
                            (2, 'plan_due', o.plan_due, o.plan_at),
                            (3, 'onsite_due', o.onsite_due, o.onsite_at)) AS d (rank, deadline, due_at, done_at)
 CROSS JOIN LATERAL (SELECT EXISTS (SELECT 1 FROM intake.sla_pauses p
                                     WHERE p.order_id = o.id AND p.ended_at IS NULL)) AS paused (yes)
 WHERE d.due_at IS NOT NULL
   AND o.merged_into IS NULL
   AND o.close_reason IS DISTINCT FROM 'junk' AND o.close_reason IS DISTINCT FROM 'duplicate';
COMMENT ON VIEW intake.order_sla IS 'Each deadline of each order judged on the recorded times: met (recorded by the due time), missed (recorded late, or due while open and not recorded), pending, paused, unrecorded (finished before it was due, nothing recorded). Junk, duplicate and merged orders are left out';
COMMENT ON COLUMN intake.order_sla.order_id IS 'intake.orders.id';
COMMENT ON COLUMN intake.order_sla.order_no IS 'Order number';
COMMENT ON COLUMN intake.order_sla.deadline IS 'response_due (远程响应), plan_due (处理方案) or onsite_due (人员现场服务)';
COMMENT ON COLUMN intake.order_sla.due_at IS 'When it is due (moved by SLA pauses)';
COMMENT ON COLUMN intake.order_sla.done_at IS 'When ops recorded it (record_response, record_plan, record_onsite); NULL: not yet';
COMMENT ON COLUMN intake.order_sla.outcome IS 'met, missed, pending, paused, unrecorded';
COMMENT ON COLUMN intake.order_sla.late_by IS 'How late (recorded or still open past due); NULL when not late';
COMMENT ON COLUMN intake.order_sla.status IS 'Order status';
COMMENT ON COLUMN intake.order_sla.tier IS 'gold, silver, NULL (SN unknown)';
COMMENT ON COLUMN intake.order_sla.received_at IS 'When the mail reached the mailbox';

-- A deadline that was met or recorded no longer counts as open: the flags ops act on.
CREATE OR REPLACE VIEW intake.order_deadlines AS
SELECT o.id AS order_id, o.order_no, d.deadline, d.due_at,
       (d.due_at < now()) AS missed,
       CASE WHEN d.due_at < now() THEN now() - d.due_at END AS overdue_by
  FROM intake.orders o
 CROSS JOIN LATERAL (VALUES (1, 'response_due', o.response_due, o.responded_at),
                            (2, 'plan_due', o.plan_due, o.plan_at),
                            (3, 'onsite_due', o.onsite_due, o.onsite_at)) AS d (rank, deadline, due_at, done_at)
 WHERE o.status NOT IN ('resolved', 'closed')
   AND d.due_at IS NOT NULL
   AND d.done_at IS NULL
   AND NOT EXISTS (SELECT 1 FROM intake.sla_pauses p WHERE p.order_id = o.id AND p.ended_at IS NULL);
COMMENT ON VIEW intake.order_deadlines IS 'Deadlines still to meet: open, unpaused orders, not yet recorded (record_response/plan/onsite), one row per order and deadline (the basis of the queue''s missed flags)';

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
                       FROM (VALUES (1, 'response_due', o.response_due, o.responded_at),
                                    (2, 'plan_due', o.plan_due, o.plan_at),
                                    (3, 'onsite_due', o.onsite_due, o.onsite_at)) AS d (rank, deadline, due_at, done_at)
                      WHERE d.due_at >= now() AND d.done_at IS NULL
                      ORDER BY d.due_at, d.rank LIMIT 1) AS nxt ON true
  LEFT JOIN LATERAL (SELECT min(d.due_at) AS due_at
                       FROM (VALUES (o.response_due, o.responded_at), (o.plan_due, o.plan_at),
                                    (o.onsite_due, o.onsite_at)) AS d (due_at, done_at)
                      WHERE d.done_at IS NULL) AS open_due ON true
 WHERE o.status NOT IN ('resolved', 'closed')
 ORDER BY o.priority NULLS LAST, open_due.due_at NULLS LAST, o.received_at, o.order_no;
COMMENT ON VIEW intake.queue IS 'Open orders (not resolved or closed), most urgent first: priority, then the earliest deadline not yet recorded (missed ones are the earliest), then received_at, then order_no';
COMMENT ON COLUMN intake.queue.overdue IS 'A deadline is missed: past, not recorded (record_response/plan/onsite), the order open and its clock not paused (see missed for which)';
COMMENT ON COLUMN intake.queue.next_due IS 'The nearest deadline still ahead and not yet recorded; NULL when none is left';
COMMENT ON COLUMN intake.queue.missed IS 'The missed deadlines not yet recorded, earliest first (empty while paused)';
COMMENT ON COLUMN intake.queue.possible_duplicates IS 'Other open orders for the same SN received within 7 days from another mail: merge with intake.merge if they are one request';
COMMENT ON COLUMN intake.queue.responded_at IS 'Remote response recorded at (intake.record_response)';
COMMENT ON COLUMN intake.queue.plan_at IS 'Handling plan recorded at (intake.record_plan)';
COMMENT ON COLUMN intake.queue.onsite_at IS 'Engineer on site recorded at (intake.record_onsite)';
COMMENT ON COLUMN intake.queue.reclassify_pending IS 'A correction waits for the next poll to re-apply the policy (coverage, priority, deadlines)';

-- Every missed deadline of an open order: still not done (done_at NULL: act now) or done late.
CREATE OR REPLACE VIEW intake.sla_breaches AS
SELECT s.order_no, s.deadline, s.due_at, s.late_by AS overdue_by, o.status, o.priority, o.tier, o.sla_clock,
       o.customer, o.assignee, o.received_at, s.done_at
  FROM intake.order_sla s
  JOIN intake.orders o ON o.id = s.order_id
 WHERE s.outcome = 'missed' AND o.status NOT IN ('resolved', 'closed')
 ORDER BY s.done_at IS NOT NULL, s.late_by DESC, s.order_no, s.deadline;
COMMENT ON VIEW intake.sla_breaches IS 'Missed deadlines (超时) of open orders, one row per order and deadline: not recorded and past (done_at NULL, first), or recorded late; longest overdue first';
COMMENT ON COLUMN intake.sla_breaches.overdue_by IS 'How late: now() - due_at, or done_at - due_at when recorded late';
COMMENT ON COLUMN intake.sla_breaches.done_at IS 'When it was recorded (late); NULL: still not done';

-- ---- the functions ops record and correct with ----

-- Stamps one of responded_at / plan_at / onsite_at once.
CREATE FUNCTION intake._record(p_order_no text, p_column text, p_action text, p_what text, p_note text)
RETURNS text
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  o intake.orders;
  done timestamptz;
  due timestamptz;
  due_col text := CASE p_column WHEN 'responded_at' THEN 'response_due' WHEN 'plan_at' THEN 'plan_due'
                                ELSE 'onsite_due' END;
BEGIN
  o := intake._order_for_update(p_order_no);
  EXECUTE format('SELECT ($1).%I, ($1).%I', p_column, due_col) INTO done, due USING o;
  IF done IS NOT NULL THEN
    RAISE EXCEPTION 'order %: % already recorded at %', o.order_no, p_what, done
      USING ERRCODE = 'object_not_in_prerequisite_state',
            HINT = 'each is recorded once; add more with intake.add_note';
  END IF;
  IF o.status = 'closed' THEN
    RAISE EXCEPTION 'order % is closed: cannot record the %', o.order_no, p_what
      USING ERRCODE = 'object_not_in_prerequisite_state', HINT = 'reopen it first';
  END IF;
  EXECUTE format('UPDATE intake.orders SET %I = now(), updated_at = now() WHERE id = $1', p_column) USING o.id;
  PERFORM intake._audit(o.id, p_action, NULL, jsonb_build_object(p_column, now(), due_col, due), p_note);
  RETURN format('%s: %s recorded at %s%s', o.order_no, p_what, to_char(now(), 'YYYY-MM-DD HH24:MI'),
                CASE WHEN due IS NULL THEN ' (no deadline applies)'
                     WHEN now() <= due THEN ' (in time: due ' || to_char(due, 'YYYY-MM-DD HH24:MI') || ')'
                     ELSE ' (LATE: due ' || to_char(due, 'YYYY-MM-DD HH24:MI') || ')' END);
END
$$;
COMMENT ON FUNCTION intake._record(text, text, text, text, text) IS 'Internal: stamp responded_at, plan_at or onsite_at once, audited';

CREATE FUNCTION intake.record_response(p_order_no text, p_note text DEFAULT NULL)
RETURNS text
LANGUAGE sql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$ SELECT intake._record(p_order_no, 'responded_at', 'response', 'remote response', p_note) $$;
COMMENT ON FUNCTION intake.record_response(text, text) IS 'Record that the customer got the remote response (远程响应) now: judges response_due met or missed; once per order';

CREATE FUNCTION intake.record_plan(p_order_no text, p_note text DEFAULT NULL)
RETURNS text
LANGUAGE sql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$ SELECT intake._record(p_order_no, 'plan_at', 'plan', 'handling plan', p_note) $$;
COMMENT ON FUNCTION intake.record_plan(text, text) IS 'Record that the handling plan (处理方案) was given now: judges plan_due; once per order';

CREATE FUNCTION intake.record_onsite(p_order_no text, p_note text DEFAULT NULL)
RETURNS text
LANGUAGE sql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$ SELECT intake._record(p_order_no, 'onsite_at', 'onsite', 'engineer on site', p_note) $$;
COMMENT ON FUNCTION intake.record_onsite(text, text) IS 'Record that the engineer is on site (人员现场服务) now: judges onsite_due; once per order';

CREATE FUNCTION intake.correct(p_order_no text, p_field text, p_value text, p_note text DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  o intake.orders;
  f text := lower(btrim(p_field));
  v text := nullif(btrim(p_value), '');
  old text;
BEGIN
  IF f IS NULL OR f NOT IN ('sn', 'model', 'customer', 'contact', 'phone', 'address', 'city', 'district') THEN
    RAISE EXCEPTION 'correct: cannot correct %', coalesce(p_field, '(null)') USING ERRCODE = 'invalid_parameter_value',
      HINT = 'fields: sn, model, customer, contact, phone, address, city, district';
  END IF;
  IF nullif(btrim(p_note), '') IS NULL THEN
    RAISE EXCEPTION 'correct: say why (the note)' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF f = 'sn' AND v IS NOT NULL THEN
    v := upper(regexp_replace(v, '\s', '', 'g'));
  END IF;
  o := intake._order_for_update(p_order_no);
  IF o.status = 'closed' THEN
    RAISE EXCEPTION 'order % is closed: cannot correct it', o.order_no
      USING ERRCODE = 'object_not_in_prerequisite_state', HINT = 'reopen it first';
  END IF;
  EXECUTE format('SELECT ($1).%I', f) INTO old USING o;
  IF old IS NOT DISTINCT FROM v THEN
    RAISE EXCEPTION 'order %: % is already %', o.order_no, f, coalesce(v, '(empty)')
      USING ERRCODE = 'object_not_in_prerequisite_state';
  END IF;
  EXECUTE format('UPDATE intake.orders SET %I = $2, corrected = corrected || jsonb_build_object($3, $2),'
                 ' reclassify_pending = true, updated_at = now() WHERE id = $1', f)
    USING o.id, v, f;
  PERFORM intake._audit(o.id, 'correct', jsonb_build_object(f, old), jsonb_build_object(f, v), p_note);
  RETURN format('%s: %s %s -> %s; coverage, priority and deadlines follow at the next poll (within a minute)',
                o.order_no, f, coalesce(old, '(empty)'), coalesce(v, '(empty)'));
END
$$;
COMMENT ON FUNCTION intake.correct(text, text, text, text) IS 'Correct a field the mail got wrong (sn, model, customer, contact, phone, address, city, district; NULL or '''' clears it): audited with the note; the value wins over later mail and reprocess; the next poll re-applies the policy (registry, coverage, priority, deadlines)';

CREATE FUNCTION intake.decide(p_order_no text, p_coverage text, p_note text)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  o intake.orders;
  c text := lower(btrim(p_coverage));
BEGIN
  IF c IS NOT NULL AND c NOT IN ('covered', 'chargeable', 'expired', 'not_covered') THEN
    RAISE EXCEPTION 'decide: unknown coverage %', p_coverage USING ERRCODE = 'invalid_parameter_value',
      HINT = 'covered, chargeable, expired, not_covered; NULL gives the decision back to the policy';
  END IF;
  IF nullif(btrim(p_note), '') IS NULL THEN
    RAISE EXCEPTION 'decide: say why (the note)' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  o := intake._order_for_update(p_order_no);
  IF o.status = 'closed' THEN
    RAISE EXCEPTION 'order % is closed: cannot decide its coverage', o.order_no
      USING ERRCODE = 'object_not_in_prerequisite_state', HINT = 'reopen it first';
  END IF;
  UPDATE intake.orders
     SET coverage_decision = c,
         coverage = coalesce(c, coverage),
         reclassify_pending = reclassify_pending OR c IS NULL,
         status = CASE WHEN status = 'needs_review' AND c IS NOT NULL THEN 'queued' ELSE status END,
         updated_at = now()
   WHERE id = o.id;
  PERFORM intake._audit(o.id, 'decide',
                        jsonb_strip_nulls(jsonb_build_object('coverage', o.coverage, 'status', o.status)),
                        jsonb_strip_nulls(jsonb_build_object('coverage', coalesce(c, o.coverage), 'status',
                          CASE WHEN o.status = 'needs_review' AND c IS NOT NULL THEN 'queued' ELSE o.status END)),
                        p_note);
  IF c IS NULL THEN
    RETURN format('%s: coverage back to the policy at the next poll', o.order_no);
  END IF;
  RETURN format('%s: coverage %s -> %s (decided)%s', o.order_no, coalesce(o.coverage, '(none)'), c,
                CASE WHEN o.status = 'needs_review' THEN '; needs_review -> queued' ELSE '' END);
END
$$;
COMMENT ON FUNCTION intake.decide(text, text, text) IS 'Decide coverage by hand (covered, chargeable, expired, not_covered): takes the order out of needs_review; kept over the policy''s until decided again (NULL hands it back)';

DROP FUNCTION intake.close(text, text);
DELETE FROM intake.role_grants WHERE object = 'close(text, text)';
CREATE FUNCTION intake.close(p_order_no text, p_reason text DEFAULT NULL, p_note text DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  o intake.orders;
  r text := lower(btrim(p_reason));
BEGIN
  o := intake._order_for_update(p_order_no);
  IF o.status = 'closed' THEN
    RAISE EXCEPTION 'order % is already closed (%)', o.order_no, coalesce(o.close_reason, 'no reason')
      USING ERRCODE = 'object_not_in_prerequisite_state';
  END IF;
  IF r IS NULL AND o.status = 'resolved' THEN
    r := 'resolved';
  END IF;
  IF r IS NULL OR r NOT IN ('resolved', 'duplicate', 'junk', 'cancelled') THEN
    RAISE EXCEPTION 'close: % is not a reason', coalesce(p_reason, '(none)') USING ERRCODE = 'invalid_parameter_value',
      HINT = 'intake.close(order_no, reason[, note]), reason: resolved, duplicate, junk, cancelled';
  END IF;
  UPDATE intake.orders SET status = 'closed', close_reason = r, reclassify_pending = false, updated_at = now()
   WHERE id = o.id;
  PERFORM intake._audit(o.id, 'close', jsonb_build_object('status', o.status),
                        jsonb_build_object('status', 'closed', 'close_reason', r), p_note);
  PERFORM intake._end_pause(o.id, 'order closed');
  RETURN format('%s: %s -> closed (%s)', o.order_no, o.status, r);
END
$$;
COMMENT ON FUNCTION intake.close(text, text, text) IS 'Close (关闭) from any open status with a reason: resolved (the default for a resolved order), duplicate, junk, cancelled; ends an open SLA pause; a closed order can be re-opened (intake.reopen)';

CREATE FUNCTION intake.merge(p_order_no text, p_into_order_no text, p_note text DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  a intake.orders;
  b intake.orders;
  moved integer;
  filled jsonb := '{}';
  f text;
BEGIN
  IF upper(btrim(p_order_no)) = upper(btrim(p_into_order_no)) THEN
    RAISE EXCEPTION 'merge: an order cannot be merged into itself' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  -- Both rows locked in id order, so two merges at once cannot deadlock.
  PERFORM 1 FROM intake.orders WHERE order_no IN (upper(btrim(p_order_no)), upper(btrim(p_into_order_no)))
   ORDER BY id FOR UPDATE;
  a := intake._order_for_update(p_order_no);
  b := intake._order_for_update(p_into_order_no);
  IF a.status = 'closed' THEN
    RAISE EXCEPTION 'order % is already closed (%)', a.order_no, coalesce('merged into ' || a.merged_into, a.close_reason, 'no reason')
      USING ERRCODE = 'object_not_in_prerequisite_state';
  END IF;
  IF b.status IN ('resolved', 'closed') THEN
    RAISE EXCEPTION 'order % is %: merge into an open order', b.order_no, b.status
      USING ERRCODE = 'object_not_in_prerequisite_state', HINT = 'reopen it first';
  END IF;
  -- Two orders of one batch report share their mail: the kept one has it already.
  DELETE FROM intake.order_messages x
   WHERE x.order_id = a.id
     AND EXISTS (SELECT 1 FROM intake.order_messages y WHERE y.order_id = b.id AND y.message_id = x.message_id);
  UPDATE intake.order_messages SET order_id = b.id, role = 'followup' WHERE order_id = a.id;
  GET DIAGNOSTICS moved = ROW_COUNT;
  UPDATE intake.audit SET order_id = b.id WHERE order_id = a.id;
  -- What the kept order lacks, the merged one may have.
  FOREACH f IN ARRAY ARRAY['sn', 'model', 'symptoms', 'contact', 'phone', 'address', 'city', 'district'] LOOP
    IF to_jsonb(b)->>f IS NULL AND to_jsonb(a)->>f IS NOT NULL THEN
      filled := filled || jsonb_build_object(f, to_jsonb(a)->>f);
    END IF;
  END LOOP;
  UPDATE intake.orders t
     SET sn = coalesce(t.sn, a.sn), model = coalesce(t.model, a.model),
         symptoms = coalesce(t.symptoms, a.symptoms), contact = coalesce(t.contact, a.contact),
         phone = coalesce(t.phone, a.phone), address = coalesce(t.address, a.address),
         city = coalesce(t.city, a.city), district = CASE WHEN t.city IS NULL THEN a.district ELSE t.district END,
         sn_candidates = ARRAY(SELECT DISTINCT x FROM unnest(t.sn_candidates || a.sn_candidates) x ORDER BY x),
         responded_at = coalesce(t.responded_at, a.responded_at), plan_at = coalesce(t.plan_at, a.plan_at),
         onsite_at = coalesce(t.onsite_at, a.onsite_at),
         reclassify_pending = t.reclassify_pending OR filled <> '{}',
         updated_at = now()
   WHERE t.id = b.id;
  UPDATE intake.orders SET merged_into = b.order_no WHERE merged_into = a.order_no;
  UPDATE intake.orders SET status = 'closed', close_reason = 'duplicate', merged_into = b.order_no,
         reclassify_pending = false, updated_at = now()
   WHERE id = a.id;
  PERFORM intake._end_pause(a.id, 'merged into ' || b.order_no);
  PERFORM intake._audit(b.id, 'merge', jsonb_build_object('order_no', a.order_no, 'status', a.status),
                        jsonb_build_object('merged_into', b.order_no, 'mails', moved, 'filled', filled), p_note);
  PERFORM intake._audit(a.id, 'close', jsonb_build_object('status', a.status),
                        jsonb_build_object('status', 'closed', 'close_reason', 'duplicate', 'merged_into', b.order_no),
                        p_note);
  RETURN format('%s merged into %s: %s mail(s) and the history moved%s; %s closed as duplicate',
                a.order_no, b.order_no, moved,
                CASE WHEN filled <> '{}' THEN ', filled ' || (SELECT string_agg(k, ', ') FROM jsonb_object_keys(filled) k) ELSE '' END,
                a.order_no);
END
$$;
COMMENT ON FUNCTION intake.merge(text, text, text) IS 'Merge an order into another (合并): its mails and history move to the kept order, which takes the fields it lacks; the first is closed as duplicate (merged_into). Mail answering the first goes to the kept order';

-- ---- follow-ups held for ops (issue 11: order numbers are guessable) ----

-- A follow-up from a sender the order does not know (another company quoting an order number), or a
-- reply to an order closed longer ago than followup_reopen_days, is linked but changes nothing:
-- review_reason unverified_followup / late_followup, shown in needs_review until ops clear it.
INSERT INTO intake.policy_settings (key, value, description)
SELECT 'followup_reopen_days', '30', 'A reply to an order closed longer ago than this many days does not re-open it: it is linked and flagged for review (late_followup)'
 WHERE NOT EXISTS (SELECT 1 FROM intake.policy_settings WHERE key = 'followup_reopen_days');
COMMENT ON COLUMN intake.policy_settings.key IS 'Setting name (timezone, legacy_ship_before, ship_offset_days, days_per_year, default_onsite_class, sla_coverages, timezone_fallback_offset, followup_reopen_days)';

CREATE OR REPLACE VIEW intake.needs_review AS
SELECT o.order_no, o.status, o.coverage, o.review_reason,
       ARRAY(SELECT r->>'code' FROM jsonb_array_elements(o.reasons) r) AS reason_codes,
       o.reasons, m.parse_error, o.priority, o.kind, o.sn, o.model, o.customer, o.missing,
       o.from_addr, o.subject, o.received_at, o.assignee
  FROM intake.orders o
  JOIN intake.messages m ON m.id = o.message_id
 WHERE (o.status = 'needs_review' OR o.coverage = 'needs_review'
        OR o.review_reason IN ('unverified_followup', 'late_followup'))
   AND (o.status NOT IN ('resolved', 'closed') OR o.review_reason = 'late_followup')
 ORDER BY o.priority NULLS LAST, o.received_at, o.order_no;
COMMENT ON VIEW intake.needs_review IS 'Orders a person must look at (待人工审核): status needs_review (e.g. unprocessable mail), coverage needs_review (SN unknown, suspected exclusion, …), or a follow-up held (review_reason unverified_followup: a sender the order does not know; late_followup: a reply to an order closed long ago; read it in intake.order_thread, then intake.clear_review)';
COMMENT ON COLUMN intake.needs_review.review_reason IS 'Why the order itself needs review: unprocessable, unverified_followup, late_followup';

CREATE FUNCTION intake.clear_review(p_order_no text, p_note text)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  o intake.orders;
BEGIN
  IF nullif(btrim(p_note), '') IS NULL THEN
    RAISE EXCEPTION 'clear_review: say what was decided (the note)' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  o := intake._order_for_update(p_order_no);
  IF o.review_reason IS NULL OR o.review_reason NOT IN ('unverified_followup', 'late_followup') THEN
    RAISE EXCEPTION 'order % holds no follow-up for review (review_reason %)', o.order_no, coalesce(o.review_reason, 'none')
      USING ERRCODE = 'object_not_in_prerequisite_state';
  END IF;
  UPDATE intake.orders SET review_reason = NULL, updated_at = now() WHERE id = o.id;
  PERFORM intake._audit(o.id, 'review_cleared', jsonb_build_object('review_reason', o.review_reason), NULL, p_note);
  RETURN format('%s: %s cleared%s', o.order_no, o.review_reason,
                CASE WHEN o.status = 'closed' THEN ' (still closed: intake.reopen if the customer needs more)' ELSE '' END);
END
$$;
COMMENT ON FUNCTION intake.clear_review(text, text) IS 'After reading a held follow-up (unverified_followup, late_followup): clear the flag, with what was decided; the mail stays linked. To act on it: intake.correct, intake.reopen, or intake.merge';

-- ---- reading the thread, searching ----

CREATE VIEW intake.order_thread AS
SELECT t.order_no, t.at, t.direction, t.from_addr, t.subject, t.body_text, t.to_addr, t.role,
       t.attachments, t.status
  FROM (SELECT o.order_no, coalesce(m.internal_date, m.fetched_at) AS at, 'in'::text AS direction,
               m.from_addr, m.subject,
               coalesce(m.body_text, CASE WHEN m.parse_error IS NOT NULL THEN '(unreadable: ' || m.parse_error || ')'
                                          ELSE '(not decoded: stored before intake kept the text)' END) AS body_text,
               NULL::text AS to_addr, om.role, coalesce(m.attachments, '[]') AS attachments,
               NULL::text AS status, m.id AS seq
          FROM intake.orders o
          JOIN intake.order_messages om ON om.order_id = o.id
          JOIN intake.messages m ON m.id = om.message_id
        UNION ALL
        SELECT o.order_no, coalesce(x.sent_at, x.queued_at), 'out',
               (regexp_match(convert_from(substring(x.message FROM 1 FOR 4000), 'SQL_ASCII'),
                             '^From:[^\r\n]*<([^>\r\n]+)>', 'mi'))[1],
               x.subject, x.body_text, x.recipient, 'acknowledgement', '[]'::jsonb, x.status, x.id
          FROM intake.orders o
          JOIN intake.order_messages om ON om.order_id = o.id
          JOIN intake.outbox x ON x.mail_id = om.message_id -- a batch report's one ack: in each order's thread
         WHERE x.status <> 'suppressed') t
 ORDER BY t.order_no, t.at, t.direction, t.seq;
COMMENT ON VIEW intake.order_thread IS 'The conversation of an order (往来邮件), oldest first: every mail in (the first, follow-ups, merged ones) and every acknowledgement out, with the decoded text. SELECT at, direction, from_addr, body_text FROM intake.order_thread WHERE order_no = …';
COMMENT ON COLUMN intake.order_thread.order_no IS 'Order number';
COMMENT ON COLUMN intake.order_thread.at IS 'Mail in: when it reached the mailbox; out: when it was sent (queued, if not yet)';
COMMENT ON COLUMN intake.order_thread.direction IS 'in (from the customer) or out (our acknowledgement)';
COMMENT ON COLUMN intake.order_thread.from_addr IS 'Sender address';
COMMENT ON COLUMN intake.order_thread.subject IS 'Subject, decoded';
COMMENT ON COLUMN intake.order_thread.body_text IS 'The text, decoded (quotes included for mail in)';
COMMENT ON COLUMN intake.order_thread.to_addr IS 'Out: the customer it went to';
COMMENT ON COLUMN intake.order_thread.role IS 'initial, followup, acknowledgement';
COMMENT ON COLUMN intake.order_thread.attachments IS 'Attachments of a mail in: [{filename, content_type, size}]';
COMMENT ON COLUMN intake.order_thread.status IS 'Out: pending, sending, sent, failed';

-- One lower-case line per order with everything a desk searches by; digits-only phone too, so
-- 138-0013-8000 and 13800138000 both find it. Indexed by trigrams (pg_trgm) for LIKE '%…%'.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
ALTER TABLE intake.orders ADD COLUMN search_key text GENERATED ALWAYS AS (
  lower(order_no || ' ' || coalesce(sn, '') || ' ' || coalesce(phone, '') || ' '
        || coalesce(regexp_replace(phone, '[^0-9]', '', 'g'), '') || ' ' || coalesce(from_addr, '') || ' '
        || coalesce(customer, '') || ' ' || coalesce(contact, ''))) STORED;
COMMENT ON COLUMN intake.orders.search_key IS 'Generated: order_no, sn, phone (also digits only), from_addr, customer, contact in lower case, for intake.search';
DO $$
BEGIN
  EXECUTE format('CREATE INDEX orders_search ON intake.orders USING gin (search_key %I.gin_trgm_ops)',
                 (SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
                   WHERE e.extname = 'pg_trgm'));
END
$$;

CREATE INDEX orders_sn ON intake.orders (sn);
CREATE INDEX orders_from_addr ON intake.orders (lower(from_addr));
CREATE INDEX orders_phone_digits ON intake.orders (regexp_replace(phone, '[^0-9]', '', 'g'));

CREATE FUNCTION intake.search(p_query text, p_limit integer DEFAULT 50)
RETURNS TABLE (order_no text, status text, received_at timestamptz, sn text, customer text, contact text,
               phone text, from_addr text, subject text)
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  q text := lower(btrim(p_query));
  digits text := regexp_replace(coalesce(p_query, ''), '[^0-9]', '', 'g');
BEGIN
  IF q IS NULL OR length(q) < 3 THEN
    RAISE EXCEPTION 'search: give at least 3 characters' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  -- A phone written with separators or a +86 prefix: search its digits.
  IF q ~ '^[0-9 +()./-]+$' AND length(digits) >= 7 THEN
    q := regexp_replace(digits, '^86(1[0-9]{10})$', '\1');
  END IF;
  -- A whole order number, SN, address or phone: the b-tree indexes answer at once.
  RETURN QUERY
  SELECT o.order_no, o.status, o.received_at, o.sn, o.customer, o.contact, o.phone, o.from_addr, o.subject
    FROM intake.orders o
   WHERE o.order_no = upper(q) OR o.sn = upper(q) OR lower(o.from_addr) = q
      OR (length(digits) >= 7 AND regexp_replace(o.phone, '[^0-9]', '', 'g') = q)
   ORDER BY o.received_at DESC, o.order_no DESC
   LIMIT greatest(coalesce(p_limit, 50), 1);
  IF FOUND THEN
    RETURN;
  END IF;
  q := replace(replace(replace(q, '\', '\\'), '%', '\%'), '_', '\_');
  RETURN QUERY
  SELECT o.order_no, o.status, o.received_at, o.sn, o.customer, o.contact, o.phone, o.from_addr, o.subject
    FROM intake.orders o
   WHERE o.search_key LIKE '%' || q || '%'
   ORDER BY o.received_at DESC, o.order_no DESC
   LIMIT greatest(coalesce(p_limit, 50), 1);
END
$$;
COMMENT ON FUNCTION intake.search(text, integer) IS 'Find orders (查找工单): a whole order number, SN, e-mail address or phone first (exact, by index), else any part of order number, SN, phone (any spelling: 138-0013-8000, +86 13800138000), e-mail address, customer or contact name; newest first, at most p_limit (50)';

-- ---- reports ----

CREATE VIEW intake.sla_report AS
SELECT date_trunc('month', s.received_at AT TIME ZONE tz.name)::date AS month,
       coalesce(s.tier, 'unknown') AS tier,
       count(DISTINCT s.order_id) AS orders,
       count(*) FILTER (WHERE s.deadline = 'response_due' AND s.outcome = 'met') AS response_met,
       count(*) FILTER (WHERE s.deadline = 'response_due' AND s.outcome = 'missed') AS response_missed,
       round(100.0 * count(*) FILTER (WHERE s.deadline = 'response_due' AND s.outcome = 'met')
             / nullif(count(*) FILTER (WHERE s.deadline = 'response_due' AND s.outcome IN ('met', 'missed')), 0), 1) AS response_met_pct,
       count(*) FILTER (WHERE s.deadline = 'plan_due' AND s.outcome = 'met') AS plan_met,
       count(*) FILTER (WHERE s.deadline = 'plan_due' AND s.outcome = 'missed') AS plan_missed,
       round(100.0 * count(*) FILTER (WHERE s.deadline = 'plan_due' AND s.outcome = 'met')
             / nullif(count(*) FILTER (WHERE s.deadline = 'plan_due' AND s.outcome IN ('met', 'missed')), 0), 1) AS plan_met_pct,
       count(*) FILTER (WHERE s.deadline = 'onsite_due' AND s.outcome = 'met') AS onsite_met,
       count(*) FILTER (WHERE s.deadline = 'onsite_due' AND s.outcome = 'missed') AS onsite_missed,
       round(100.0 * count(*) FILTER (WHERE s.deadline = 'onsite_due' AND s.outcome = 'met')
             / nullif(count(*) FILTER (WHERE s.deadline = 'onsite_due' AND s.outcome IN ('met', 'missed')), 0), 1) AS onsite_met_pct,
       count(*) FILTER (WHERE s.outcome IN ('pending', 'paused')) AS deadlines_open
  FROM intake.order_sla s
 CROSS JOIN (SELECT value AS name FROM intake.policy_settings WHERE key = 'timezone') tz
 GROUP BY 1, 2
 ORDER BY 1 DESC, 2;
COMMENT ON VIEW intake.sla_report IS 'SLA compliance (服务时效达成率) per month (received, local time) and tier: orders with deadlines, and per deadline met, missed and the share met of those decided (met / (met + missed), %); pending and paused deadlines are not yet counted (deadlines_open). Junk, duplicate and merged orders are left out';
COMMENT ON COLUMN intake.sla_report.month IS 'First day of the month the mail was received (Asia/Shanghai)';
COMMENT ON COLUMN intake.sla_report.tier IS 'gold, silver, unknown (SN not in the registry)';
COMMENT ON COLUMN intake.sla_report.orders IS 'Orders with at least one deadline';
COMMENT ON COLUMN intake.sla_report.response_met IS 'Remote response recorded by response_due';
COMMENT ON COLUMN intake.sla_report.response_missed IS 'Recorded late, or past due while open without a record';
COMMENT ON COLUMN intake.sla_report.response_met_pct IS '100 * response_met / (response_met + response_missed), one decimal; NULL when none decided';
COMMENT ON COLUMN intake.sla_report.plan_met IS 'Handling plan recorded by plan_due';
COMMENT ON COLUMN intake.sla_report.plan_missed IS 'Plan recorded late or past due without a record';
COMMENT ON COLUMN intake.sla_report.plan_met_pct IS '100 * plan_met / (plan_met + plan_missed)';
COMMENT ON COLUMN intake.sla_report.onsite_met IS 'Engineer on site recorded by onsite_due';
COMMENT ON COLUMN intake.sla_report.onsite_missed IS 'On site recorded late or past due without a record';
COMMENT ON COLUMN intake.sla_report.onsite_met_pct IS '100 * onsite_met / (onsite_met + onsite_missed)';
COMMENT ON COLUMN intake.sla_report.deadlines_open IS 'Deadlines not yet due (pending) or paused: counted once decided';

CREATE VIEW intake.volume_report AS
SELECT date_trunc('month', o.received_at AT TIME ZONE tz.name)::date AS month,
       coalesce(o.model, '(unknown)') AS model,
       coalesce(o.customer, '(unknown)') AS customer,
       coalesce(o.component, 'unknown') AS component,
       count(*) AS orders,
       count(*) FILTER (WHERE o.status NOT IN ('resolved', 'closed')) AS open,
       count(*) FILTER (WHERE o.priority = 'P1') AS p1,
       count(*) FILTER (WHERE o.coverage = 'covered') AS covered,
       count(*) FILTER (WHERE o.coverage IN ('chargeable', 'expired', 'not_covered')) AS chargeable
  FROM intake.orders o
 CROSS JOIN (SELECT value AS name FROM intake.policy_settings WHERE key = 'timezone') tz
 WHERE o.merged_into IS NULL
   AND o.close_reason IS DISTINCT FROM 'junk' AND o.close_reason IS DISTINCT FROM 'duplicate'
   AND o.kind IS DISTINCT FROM 'followup' AND o.kind IS DISTINCT FROM 'ignored'
 GROUP BY 1, 2, 3, 4
 ORDER BY 1 DESC, 5 DESC, 2, 3, 4;
COMMENT ON VIEW intake.volume_report IS 'Order volume (工单量) per month (received, local time), model, customer and component; junk, duplicate and merged orders left out. Sum or filter it: SELECT model, sum(orders) FROM intake.volume_report WHERE month = ''2026-11-01'' GROUP BY 1';
COMMENT ON COLUMN intake.volume_report.month IS 'First day of the month the mail was received';
COMMENT ON COLUMN intake.volume_report.model IS 'Device model ((unknown) when none)';
COMMENT ON COLUMN intake.volume_report.customer IS 'Customer from the registry ((unknown): SN not registered)';
COMMENT ON COLUMN intake.volume_report.component IS 'machine_part, auxiliary, peripheral, other_material, gpu, roycom_software, other_software, system, unknown';
COMMENT ON COLUMN intake.volume_report.orders IS 'Orders';
COMMENT ON COLUMN intake.volume_report.open IS 'Of which still open';
COMMENT ON COLUMN intake.volume_report.p1 IS 'Of which P1';
COMMENT ON COLUMN intake.volume_report.covered IS 'Of which covered by the warranty';
COMMENT ON COLUMN intake.volume_report.chargeable IS 'Of which chargeable, expired or not covered';

-- ---- who may do it ----

INSERT INTO intake.role_grants (object, kind, intake_app, intake_ops) VALUES
  ('record_response(text, text)', 'function', NULL, 'execute'),
  ('record_plan(text, text)', 'function', NULL, 'execute'),
  ('record_onsite(text, text)', 'function', NULL, 'execute'),
  ('correct(text, text, text, text)', 'function', NULL, 'execute'),
  ('decide(text, text, text)', 'function', NULL, 'execute'),
  ('close(text, text, text)', 'function', NULL, 'execute'),
  ('merge(text, text, text)', 'function', NULL, 'execute'),
  ('search(text, integer)', 'function', NULL, 'execute'),
  ('clear_review(text, text)', 'function', NULL, 'execute');
SELECT intake.apply_grants();
