-- Blind round 18: after a flood of forged mail the desk closed 400 orders as junk, and 180
-- acknowledgements still went out to the forged senders — closing did not touch the outbox. An order
-- closed as junk, duplicate or cancelled now takes its pending acknowledgement with it (suppressed,
-- reason 'closed'), unless another order of the same mail is still open (a batch report's one
-- acknowledgement lists them all). One already sending or sent is history and stays.

-- suppressed_reason: closed. The list is extended, not rewritten (as 063 does).
DO $$
DECLARE
  c record;
  vals text[] := '{}';
  v text;
BEGIN
  FOR c IN SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
            WHERE conrelid = 'intake.outbox'::regclass AND contype = 'c'
              AND pg_get_constraintdef(oid) LIKE '%suppressed_reason = ANY%'
              AND pg_get_constraintdef(oid) NOT LIKE '%status%' LOOP
    FOR v IN SELECT (regexp_matches(c.def, '''([a-z_]+)''::text', 'g'))[1] LOOP
      IF NOT v = ANY(vals) THEN
        vals := vals || v;
      END IF;
    END LOOP;
    EXECUTE format('ALTER TABLE intake.outbox DROP CONSTRAINT %I', c.conname);
  END LOOP;
  IF NOT 'closed' = ANY(vals) THEN
    vals := vals || 'closed'::text;
  END IF;
  EXECUTE format('ALTER TABLE intake.outbox ADD CONSTRAINT outbox_suppressed_reason_check'
                 ' CHECK (suppressed_reason IN (%s))',
                 (SELECT string_agg(quote_literal(x), ', ' ORDER BY n) FROM unnest(vals) WITH ORDINALITY AS u(x, n)));
END
$$;
COMMENT ON COLUMN intake.outbox.suppressed_reason IS 'Why no acknowledgement: auto_reply, bounce, bulk, loop, noreply_sender, sender_cap (over [smtp] max_acks_per_sender in 24 h), followup, unprocessable, too_old (received longer ago than [smtp] ack_max_age: history, backlogs), global_cap (over [smtp] max_acks_per_hour for everyone), auth_fail (the receiving MTA''s Authentication-Results: DMARC failed, or SPF failed without a DKIM pass; or a display name that is an address of ours; the order''s history says so), closed (the desk closed the order as junk, duplicate or cancelled before it went out). sender_cap, global_cap, auth_fail and too_old keep the rendered message: intake.resend_ack sends it';

CREATE OR REPLACE FUNCTION intake.close(p_order_no text, p_reason text DEFAULT NULL, p_note text DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  o intake.orders;
  r text := lower(btrim(p_reason));
  stopped integer := 0;
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
  -- its acknowledgement not sent yet goes no more: junk, a duplicate or a cancelled request is not
  -- to be answered — unless another order of the same mail is still open
  IF r <> 'resolved' THEN
    UPDATE intake.outbox b SET status = 'suppressed', suppressed_reason = 'closed'
     WHERE b.order_id = o.id AND b.status = 'pending'
       AND NOT EXISTS (SELECT 1 FROM intake.orders x
                        WHERE x.message_id = o.message_id AND x.id <> o.id AND x.status <> 'closed');
    GET DIAGNOSTICS stopped = ROW_COUNT;
  END IF;
  PERFORM intake._audit(o.id, 'close', jsonb_build_object('status', o.status),
                        jsonb_build_object('status', 'closed', 'close_reason', r)
                          || CASE WHEN stopped > 0 THEN jsonb_build_object('acknowledgement', 'not sent')
                                  ELSE '{}'::jsonb END,
                        p_note);
  PERFORM intake._end_pause(o.id, 'order closed');
  RETURN format('%s: %s -> closed (%s)%s', o.order_no, o.status, r,
                CASE WHEN stopped > 0 THEN '; its acknowledgement will not be sent' ELSE '' END);
END
$$;
COMMENT ON FUNCTION intake.close(text, text, text) IS 'Close (关闭) from any open status with a reason: resolved (the default for a resolved order), duplicate, junk, cancelled; ends an open SLA pause; junk, duplicate and cancelled also stop its acknowledgement not sent yet (suppressed_reason closed); a closed order can be re-opened (intake.reopen)';
