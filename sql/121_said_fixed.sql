-- Blind round 19: "不用来了，已经好了，重新插了一下电源线就恢复了" from the customer of an open order was
-- linked as a follow-up and nothing else: the order stayed queued with its on-site deadline running,
-- and an engineer could be sent the next morning. Such a mail now holds the order for a person
-- (review_reason said_fixed): confirm with the customer, then intake.resolve or
-- intake.close(order_no, 'cancelled'); intake.clear_review when the fault is not fixed after all.
-- Resolved or closed, the order leaves the review list.
CREATE OR REPLACE VIEW intake.needs_review AS
SELECT o.order_no, o.status, o.coverage, o.review_reason,
       ARRAY(SELECT r->>'code' FROM jsonb_array_elements(o.reasons) r) AS reason_codes,
       o.reasons, m.parse_error, o.priority, o.kind, o.sn, o.model, o.customer, o.missing,
       o.from_addr, o.subject, o.received_at, o.assignee
  FROM intake.orders o
  JOIN intake.messages m ON m.id = o.message_id
 WHERE (o.status = 'needs_review' OR o.coverage = 'needs_review'
        OR o.review_reason IN ('unverified_followup', 'late_followup', 'closed_followup', 'said_fixed'))
   AND (o.status NOT IN ('resolved', 'closed') OR o.review_reason IN ('late_followup', 'closed_followup', 'unverified_followup'))
 ORDER BY o.priority NULLS LAST, o.received_at, o.order_no;
COMMENT ON VIEW intake.needs_review IS 'Orders a person must look at (待人工审核): status needs_review (e.g. unprocessable mail), coverage needs_review (SN unknown, suspected exclusion, …), or a follow-up held (review_reason unverified_followup: a sender the order does not know; late_followup: a reply to an order finished long ago; closed_followup: a reply to a closed order that reports no new fault — a question, a request for the service report: answer it; said_fixed: the customer of an open order says the fault is fixed or the visit is not needed — confirm, then intake.resolve or intake.close(order_no, ''cancelled''); read it in intake.order_thread, then intake.clear_review)';
COMMENT ON COLUMN intake.needs_review.review_reason IS 'Why the order itself needs review: unprocessable, unverified_followup, late_followup, closed_followup, said_fixed';

CREATE OR REPLACE FUNCTION intake.clear_review(p_order_no text, p_note text)
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
  IF o.review_reason IS NULL OR o.review_reason NOT IN ('unverified_followup', 'late_followup', 'closed_followup', 'said_fixed') THEN
    RAISE EXCEPTION 'order % holds no follow-up for review (review_reason %)', o.order_no, coalesce(o.review_reason, 'none')
      USING ERRCODE = 'object_not_in_prerequisite_state';
  END IF;
  UPDATE intake.orders SET review_reason = NULL, updated_at = now() WHERE id = o.id;
  PERFORM intake._audit(o.id, 'review_cleared', jsonb_build_object('review_reason', o.review_reason), NULL, p_note);
  RETURN format('%s: %s cleared%s', o.order_no, o.review_reason,
                CASE WHEN o.status = 'closed' THEN ' (still closed: intake.reopen if the customer needs more)' ELSE '' END);
END
$$;
COMMENT ON FUNCTION intake.clear_review(text, text) IS 'After reading a held follow-up (unverified_followup, late_followup, closed_followup, said_fixed): clear the flag, with what was decided; the mail stays linked. To act on it: intake.correct, intake.reopen, intake.merge, intake.resolve or intake.close';
