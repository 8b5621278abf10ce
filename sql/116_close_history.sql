-- Blind round 18: mail taken at go-live (first_poll = a date, or all) becomes open orders whose
-- deadlines were all missed before intake existed, and the SLA report started at 0 %. Closing them
-- as cancelled kept them in the report, and junk would be a lie. intake.close(order_no, 'history')
-- closes an order the desk handled before go-live (or outside intake): it leaves the SLA views,
-- stays in the volume report (the request was real) and, like cancelled, takes its pending
-- acknowledgement with it.

ALTER TABLE intake.orders DROP CONSTRAINT orders_close_reason_check;
ALTER TABLE intake.orders ADD CONSTRAINT orders_close_reason_check
  CHECK (close_reason IN ('resolved', 'duplicate', 'junk', 'cancelled', 'history'));
COMMENT ON COLUMN intake.orders.close_reason IS 'Why the order was closed: resolved, duplicate, junk, cancelled, history (handled before go-live or outside intake: left out of the SLA views) (intake.close)';

-- 089's view with history left out too (its columns unchanged)
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
   AND o.close_reason IS DISTINCT FROM 'junk' AND o.close_reason IS DISTINCT FROM 'duplicate'
   AND o.close_reason IS DISTINCT FROM 'history';
COMMENT ON VIEW intake.sla_report IS 'SLA compliance (服务时效达成率) per month (received, local time) and tier: orders with deadlines, and per deadline met, missed and the share met of those decided (met / (met + missed), %); pending and paused deadlines are not yet counted (deadlines_open). Junk, duplicate, history (closed as handled before go-live) and merged orders are left out';

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
  IF r IS NULL OR r NOT IN ('resolved', 'duplicate', 'junk', 'cancelled', 'history') THEN
    RAISE EXCEPTION 'close: % is not a reason', coalesce(p_reason, '(none)') USING ERRCODE = 'invalid_parameter_value',
      HINT = 'intake.close(order_no, reason[, note]), reason: resolved, duplicate, junk, cancelled, history (handled before go-live: left out of the SLA report)';
  END IF;
  UPDATE intake.orders SET status = 'closed', close_reason = r, reclassify_pending = false, updated_at = now()
   WHERE id = o.id;
  -- its acknowledgement not sent yet goes no more: junk, a duplicate, a cancelled or an old request
  -- is not to be answered — unless another order of the same mail is still open
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
COMMENT ON FUNCTION intake.close(text, text, text) IS 'Close (关闭) from any open status with a reason: resolved (the default for a resolved order), duplicate, junk, cancelled, history (handled before go-live or outside intake: left out of the SLA report, kept in the volume report); ends an open SLA pause; all but resolved also stop its acknowledgement not sent yet (suppressed_reason closed); a closed order can be re-opened (intake.reopen)';
COMMENT ON COLUMN intake.outbox.suppressed_reason IS 'Why no acknowledgement: auto_reply, bounce, bulk, loop, noreply_sender, sender_cap (over [smtp] max_acks_per_sender in 24 h), followup, unprocessable, too_old (received longer ago than [smtp] ack_max_age: history, backlogs), global_cap (over [smtp] max_acks_per_hour for everyone), auth_fail (the receiving MTA''s Authentication-Results: DMARC failed, or SPF failed without a DKIM pass; or a display name that is an address of ours; the order''s history says so), closed (the desk closed the order as junk, duplicate, cancelled or history before it went out). sender_cap, global_cap, auth_fail and too_old keep the rendered message: intake.resend_ack sends it';
