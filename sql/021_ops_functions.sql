-- Baseline, part 4: how the service desk changes orders (docs/ops.md): the status machine as data,
-- and the functions for status transitions, SLA pause/resume, notes and the order detail. Ops
-- (role intake_ops) change orders only through these: they are SECURITY DEFINER with a fixed
-- search_path, check the move against intake.status_transitions, lock the order row, and write
-- intake.audit with the login role (session_user) as the actor.
-- Errors: unknown order: SQLSTATE P0002 (no_data_found); a move the order's state does not allow:
-- 55000 (object_not_in_prerequisite_state); a bad argument: 22023 (invalid_parameter_value).

-- The status machine, as data: intake.set_status and its short forms refuse every other move.
CREATE TABLE intake.status_transitions (
  from_status text NOT NULL,
  to_status   text NOT NULL,
  action      text NOT NULL CHECK (action IN ('status', 'reopen')),
  PRIMARY KEY (from_status, to_status)
);
COMMENT ON TABLE intake.status_transitions IS 'Allowed status changes (intake.set_status, assign, start, wait_customer, resolve, close, reopen); anything else is refused';
COMMENT ON COLUMN intake.status_transitions.from_status IS 'Status before';
COMMENT ON COLUMN intake.status_transitions.to_status IS 'Status after';
COMMENT ON COLUMN intake.status_transitions.action IS 'The intake.audit action written: status, or reopen (back from resolved/closed)';
INSERT INTO intake.status_transitions (from_status, to_status, action) VALUES
  ('needs_review', 'queued', 'status'),
  ('needs_review', 'assigned', 'status'),
  ('queued', 'assigned', 'status'),
  ('assigned', 'in_progress', 'status'),
  ('in_progress', 'waiting_customer', 'status'),
  ('waiting_customer', 'in_progress', 'status'),
  ('in_progress', 'resolved', 'status'),
  ('waiting_customer', 'resolved', 'status'),
  ('resolved', 'closed', 'status'),
  ('resolved', 'in_progress', 'reopen'),
  ('closed', 'queued', 'reopen');

-- The order row, locked for the rest of the transaction; a clear error when there is none.
CREATE FUNCTION intake._order_for_update(p_order_no text)
RETURNS intake.orders
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  o intake.orders;
BEGIN
  SELECT * INTO o FROM intake.orders WHERE order_no = upper(btrim(p_order_no)) FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'unknown order %', coalesce(p_order_no, '(null)')
      USING ERRCODE = 'no_data_found',
            HINT = 'order numbers look like RC20261125-0007; SELECT order_no FROM intake.queue lists the open ones';
  END IF;
  RETURN o;
END
$$;
COMMENT ON FUNCTION intake._order_for_update(text) IS 'Internal: the order row by order number, locked FOR UPDATE; raises "unknown order" (P0002)';

CREATE FUNCTION intake._audit(p_order_id bigint, p_action text, p_before jsonb, p_after jsonb, p_note text)
RETURNS void
LANGUAGE sql
SET search_path = pg_catalog, pg_temp
AS $$
  INSERT INTO intake.audit (order_id, actor, action, before, after, note)
  VALUES (p_order_id, session_user, p_action, p_before, p_after, nullif(btrim(p_note), ''));
$$;
COMMENT ON FUNCTION intake._audit(bigint, text, jsonb, jsonb, text) IS 'Internal: one intake.audit row, actor = the login role (session_user)';

-- End the open SLA pause of an order, if any (resume, or the order resolved/closed).
CREATE FUNCTION intake._end_pause(p_order_id bigint, p_note text)
RETURNS boolean
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  p intake.sla_pauses;
BEGIN
  UPDATE intake.sla_pauses SET ended_at = now(), ended_by = session_user
   WHERE order_id = p_order_id AND ended_at IS NULL
  RETURNING * INTO p;
  IF NOT FOUND THEN
    RETURN false;
  END IF;
  UPDATE intake.orders SET sla_dirty = true, updated_at = now() WHERE id = p_order_id;
  PERFORM intake._audit(p_order_id, 'resume',
                        jsonb_build_object('paused', true, 'pause_id', p.id, 'reason', p.reason,
                                           'since', p.started_at),
                        jsonb_build_object('paused', false, 'paused_for', (p.ended_at - p.started_at)::text),
                        p_note);
  RETURN true;
END
$$;
COMMENT ON FUNCTION intake._end_pause(bigint, text) IS 'Internal: close the order''s open SLA pause (sets sla_dirty, writes audit action resume); false when none was open';

-- The one place a status changes. p_verb names the attempted action in the error message.
CREATE FUNCTION intake._transition(p_order_no text, p_to text, p_note text, p_verb text,
                                   p_assignee text DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  o intake.orders;
  t intake.status_transitions;
  allowed text;
  hint text;
  new_assignee text;
BEGIN
  IF p_to IS NULL OR p_to NOT IN ('queued','needs_review','assigned','in_progress','waiting_customer','resolved','closed') THEN
    RAISE EXCEPTION 'unknown status %', coalesce(p_to, '(null)') USING ERRCODE = 'invalid_parameter_value',
      HINT = 'statuses: queued, needs_review, assigned, in_progress, waiting_customer, resolved, closed';
  END IF;
  o := intake._order_for_update(p_order_no);
  SELECT * INTO t FROM intake.status_transitions WHERE from_status = o.status AND to_status = p_to;
  IF NOT FOUND THEN
    IF o.status = p_to THEN
      RAISE EXCEPTION 'order % is already %', o.order_no, o.status USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    SELECT string_agg(to_status, ', ' ORDER BY to_status) INTO allowed
      FROM intake.status_transitions WHERE from_status = o.status;
    IF o.status IN ('resolved', 'closed') THEN
      hint := 'reopen it first';
    ELSIF o.status IN ('queued', 'needs_review') AND p_to IN ('in_progress', 'waiting_customer', 'resolved', 'closed') THEN
      hint := 'assign it first';
    ELSIF p_to = 'closed' THEN
      hint := 'resolve it first';
    ELSE
      hint := 'from ' || o.status || ' it can go to: ' || coalesce(allowed, 'nothing');
    END IF;
    RAISE EXCEPTION 'order % is %: cannot %; %', o.order_no, o.status, p_verb, hint
      USING ERRCODE = 'object_not_in_prerequisite_state',
            DETAIL = 'allowed from ' || o.status || ': ' || coalesce(allowed, 'nothing');
  END IF;
  new_assignee := coalesce(nullif(btrim(p_assignee), ''), o.assignee);
  IF p_to = 'assigned' AND new_assignee IS NULL THEN
    RAISE EXCEPTION 'order %: cannot assign without an engineer', o.order_no
      USING ERRCODE = 'invalid_parameter_value', HINT = 'SELECT intake.assign(order_no, engineer)';
  END IF;
  UPDATE intake.orders SET status = p_to, assignee = new_assignee, updated_at = now() WHERE id = o.id;
  PERFORM intake._audit(o.id, t.action,
                        jsonb_strip_nulls(jsonb_build_object('status', o.status, 'assignee', o.assignee)),
                        jsonb_strip_nulls(jsonb_build_object('status', p_to, 'assignee', new_assignee)),
                        p_note);
  IF p_to IN ('resolved', 'closed') THEN
    PERFORM intake._end_pause(o.id, 'order ' || p_to);
  END IF;
  RETURN format('%s: %s -> %s', o.order_no, o.status, p_to);
END
$$;
COMMENT ON FUNCTION intake._transition(text, text, text, text, text) IS 'Internal: check a status change against intake.status_transitions, apply it, write the audit; resolving/closing ends an open SLA pause';

CREATE FUNCTION intake.set_status(p_order_no text, p_new_status text, p_note text DEFAULT NULL)
RETURNS text
LANGUAGE sql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$ SELECT intake._transition(p_order_no, p_new_status, p_note, 'move it to ' || coalesce(p_new_status, '(null)')) $$;
COMMENT ON FUNCTION intake.set_status(text, text, text) IS 'Move an order to another status if intake.status_transitions allows it; audit action status (reopen when leaving resolved/closed). Returns "order: old -> new"';

CREATE FUNCTION intake.assign(p_order_no text, p_engineer text, p_note text DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  o intake.orders;
  eng text := nullif(btrim(p_engineer), '');
BEGIN
  IF eng IS NULL THEN
    RAISE EXCEPTION 'assign: give the engineer''s name' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  o := intake._order_for_update(p_order_no);
  IF o.status IN ('assigned', 'in_progress', 'waiting_customer') THEN
    -- Re-assignment: the status stays.
    IF o.assignee IS NOT DISTINCT FROM eng THEN
      RAISE EXCEPTION 'order % is already assigned to %', o.order_no, eng USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    UPDATE intake.orders SET assignee = eng, updated_at = now() WHERE id = o.id;
    PERFORM intake._audit(o.id, 'assign', jsonb_build_object('assignee', o.assignee),
                          jsonb_build_object('assignee', eng), p_note);
    RETURN format('%s: reassigned %s -> %s', o.order_no, coalesce(o.assignee, '(nobody)'), eng);
  END IF;
  RETURN intake._transition(p_order_no, 'assigned', p_note, 'assign', eng);
END
$$;
COMMENT ON FUNCTION intake.assign(text, text, text) IS 'Take an order (接单/派单): queued or needs_review -> assigned to the engineer; on an order already being worked, change the engineer (audit action assign)';

CREATE FUNCTION intake.start(p_order_no text, p_note text DEFAULT NULL)
RETURNS text
LANGUAGE sql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$ SELECT intake._transition(p_order_no, 'in_progress', p_note, 'start') $$;
COMMENT ON FUNCTION intake.start(text, text) IS 'Start work (处理中): assigned -> in_progress, or back from waiting_customer';

CREATE FUNCTION intake.wait_customer(p_order_no text, p_note text DEFAULT NULL)
RETURNS text
LANGUAGE sql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$ SELECT intake._transition(p_order_no, 'waiting_customer', p_note, 'wait for the customer') $$;
COMMENT ON FUNCTION intake.wait_customer(text, text) IS 'Wait for the customer (等待客户): in_progress -> waiting_customer; the SLA clock keeps running unless paused with intake.pause_sla';

CREATE FUNCTION intake.resolve(p_order_no text, p_note text DEFAULT NULL)
RETURNS text
LANGUAGE sql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$ SELECT intake._transition(p_order_no, 'resolved', p_note, 'resolve') $$;
COMMENT ON FUNCTION intake.resolve(text, text) IS 'Resolved (已解决): in_progress or waiting_customer -> resolved; ends an open SLA pause';

CREATE FUNCTION intake.close(p_order_no text, p_note text DEFAULT NULL)
RETURNS text
LANGUAGE sql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$ SELECT intake._transition(p_order_no, 'closed', p_note, 'close') $$;
COMMENT ON FUNCTION intake.close(text, text) IS 'Close (关闭): resolved -> closed';

CREATE FUNCTION intake.reopen(p_order_no text, p_note text DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  o intake.orders;
BEGIN
  o := intake._order_for_update(p_order_no);
  IF o.status = 'closed' THEN
    RETURN intake._transition(p_order_no, 'queued', p_note, 'reopen');
  ELSIF o.status = 'resolved' THEN
    RETURN intake._transition(p_order_no, 'in_progress', p_note, 'reopen');
  END IF;
  RAISE EXCEPTION 'order % is %: cannot reopen; only resolved or closed orders can be reopened', o.order_no, o.status
    USING ERRCODE = 'object_not_in_prerequisite_state';
END
$$;
COMMENT ON FUNCTION intake.reopen(text, text) IS 'Re-open (重新打开): closed -> queued, resolved -> in_progress; audit action reopen';

CREATE FUNCTION intake.add_note(p_order_no text, p_note text)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  o intake.orders;
BEGIN
  IF nullif(btrim(p_note), '') IS NULL THEN
    RAISE EXCEPTION 'add_note: the note is empty' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  o := intake._order_for_update(p_order_no);
  PERFORM intake._audit(o.id, 'note', NULL, NULL, p_note);
  RETURN format('%s: note added', o.order_no);
END
$$;
COMMENT ON FUNCTION intake.add_note(text, text) IS 'Add a note (备注) to an order''s audit trail without changing it';

CREATE FUNCTION intake.pause_sla(p_order_no text, p_reason text, p_note text DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  o intake.orders;
  r intake.pause_reasons;
  open_pause intake.sla_pauses;
  pid bigint;
BEGIN
  SELECT * INTO r FROM intake.pause_reasons WHERE code = lower(btrim(p_reason));
  IF NOT FOUND THEN
    RAISE EXCEPTION 'unknown pause reason %', coalesce(p_reason, '(null)') USING ERRCODE = 'invalid_parameter_value',
      HINT = 'one of: ' || (SELECT string_agg(code, ', ' ORDER BY code) FROM intake.pause_reasons)
             || ' (SELECT * FROM intake.pause_reasons)';
  END IF;
  o := intake._order_for_update(p_order_no);
  IF o.status IN ('resolved', 'closed') THEN
    RAISE EXCEPTION 'order % is %: cannot pause its SLA clock', o.order_no, o.status
      USING ERRCODE = 'object_not_in_prerequisite_state';
  END IF;
  SELECT * INTO open_pause FROM intake.sla_pauses WHERE order_id = o.id AND ended_at IS NULL;
  IF FOUND THEN
    RAISE EXCEPTION 'order % is already paused (since %, reason %)', o.order_no, open_pause.started_at, open_pause.reason
      USING ERRCODE = 'object_not_in_prerequisite_state', HINT = 'SELECT intake.resume_sla(order_no) first';
  END IF;
  INSERT INTO intake.sla_pauses (order_id, started_at, reason, note, started_by)
  VALUES (o.id, now(), r.code, nullif(btrim(p_note), ''), session_user)
  RETURNING id INTO pid;
  UPDATE intake.orders SET sla_dirty = true, updated_at = now() WHERE id = o.id;
  PERFORM intake._audit(o.id, 'pause', jsonb_build_object('paused', false),
                        jsonb_build_object('paused', true, 'pause_id', pid, 'reason', r.code), p_note);
  RETURN format('%s: SLA clock paused (%s)', o.order_no, r.code);
END
$$;
COMMENT ON FUNCTION intake.pause_sla(text, text, text) IS 'Pause an order''s SLA clock (暂停计时, policy §7) for a reason code of intake.pause_reasons; sets sla_dirty so the next poll recomputes the deadlines';

CREATE FUNCTION intake.resume_sla(p_order_no text, p_note text DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  o intake.orders;
BEGIN
  o := intake._order_for_update(p_order_no);
  IF o.status IN ('resolved', 'closed') THEN
    RAISE EXCEPTION 'order % is %: its SLA clock no longer runs', o.order_no, o.status
      USING ERRCODE = 'object_not_in_prerequisite_state';
  END IF;
  IF NOT intake._end_pause(o.id, p_note) THEN
    RAISE EXCEPTION 'order % is not paused', o.order_no USING ERRCODE = 'object_not_in_prerequisite_state';
  END IF;
  RETURN format('%s: SLA clock running again', o.order_no);
END
$$;
COMMENT ON FUNCTION intake.resume_sla(text, text) IS 'Resume a paused SLA clock (恢复计时); sets sla_dirty so the next poll moves the deadlines by the paused time';

CREATE FUNCTION intake.order_detail(p_order_no text)
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
      (33, 'subject', o.subject), (34, 'symptoms', o.symptoms), (35, 'followup_of', o.followup_of),
      (36, 'created_at', o.created_at::text), (37, 'updated_at', o.updated_at::text)) AS f (n, k, v)
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
COMMENT ON FUNCTION intake.order_detail(text) IS 'Everything about one order (工单详情), as rows: section order (its fields), mail (from, subject, parse error; no raw bytes), pause (SLA pauses), audit (its history)';
