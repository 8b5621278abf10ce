-- Blind round 20: a customer's mail over [limits] max_bytes (a fault report with a video or a dozen
-- phone photos) became an unclassified order in needs_review and got no acknowledgement: the
-- customer had no order number and wrote again. The poll now reads what it fetched of such a mail
-- (its header and the first 96 KB of its text: the text comes before the attachments) and makes a
-- classified order of it in the queue, acknowledged like any other, with review_reason oversize:
-- listed here until a person has opened the rest on the mail server (intake.clear_review), or the
-- order is resolved or closed. Orders of the old kind that ops already moved out of needs_review are
-- cleared of the flag here, so that they do not come back to the list.
CREATE OR REPLACE VIEW intake.needs_review AS
SELECT o.order_no, o.status, o.coverage, o.review_reason,
       ARRAY(SELECT r->>'code' FROM jsonb_array_elements(o.reasons) r) AS reason_codes,
       o.reasons, m.parse_error, o.priority, o.kind, o.sn, o.model, o.customer, o.missing,
       o.from_addr, o.subject, o.received_at, o.assignee
  FROM intake.orders o
  JOIN intake.messages m ON m.id = o.message_id
 WHERE (o.status = 'needs_review' OR o.coverage = 'needs_review'
        OR o.review_reason IN ('unverified_followup', 'late_followup', 'closed_followup', 'said_fixed', 'oversize'))
   AND (o.status NOT IN ('resolved', 'closed') OR o.review_reason IN ('late_followup', 'closed_followup', 'unverified_followup'))
 ORDER BY o.priority NULLS LAST, o.received_at, o.order_no;
COMMENT ON VIEW intake.needs_review IS 'Orders a person must look at (待人工审核): status needs_review (e.g. unprocessable mail), coverage needs_review (SN unknown, suspected exclusion, …), a mail read only in part (review_reason oversize: over [limits] max_bytes, its header and first text read and acknowledged, the attachments still on the mail server — open them there), or a follow-up held (review_reason unverified_followup: a sender the order does not know; late_followup: a reply to an order finished long ago; closed_followup: a reply to a closed order that reports no new fault — a question, a request for the service report: answer it; said_fixed: the customer of an open order says the fault is fixed or the visit is not needed — confirm, then intake.resolve or intake.close(order_no, ''cancelled''); read it in intake.order_thread, then intake.clear_review)';
COMMENT ON COLUMN intake.needs_review.review_reason IS 'Why the order itself needs review: unprocessable, quarantined, unfetchable, too_many_machines, oversize, unverified_followup, late_followup, closed_followup, said_fixed';

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
  IF o.review_reason IS NULL
     OR o.review_reason NOT IN ('unverified_followup', 'late_followup', 'closed_followup', 'said_fixed', 'oversize')
     OR (o.review_reason = 'oversize' AND o.status = 'needs_review') THEN
    RAISE EXCEPTION 'order % holds no follow-up or partly read mail for review (review_reason %, status %)',
      o.order_no, coalesce(o.review_reason, 'none'), o.status
      USING ERRCODE = 'object_not_in_prerequisite_state',
            HINT = CASE WHEN o.status = 'needs_review' THEN 'move it on with intake.set_status or intake.decide' END;
  END IF;
  UPDATE intake.orders SET review_reason = NULL, updated_at = now() WHERE id = o.id;
  PERFORM intake._audit(o.id, 'review_cleared', jsonb_build_object('review_reason', o.review_reason), NULL, p_note);
  RETURN format('%s: %s cleared%s', o.order_no, o.review_reason,
                CASE WHEN o.status = 'closed' THEN ' (still closed: intake.reopen if the customer needs more)' ELSE '' END);
END
$$;
COMMENT ON FUNCTION intake.clear_review(text, text) IS 'After reading a held follow-up (unverified_followup, late_followup, closed_followup, said_fixed) or the rest of a mail read only in part (oversize): clear the flag, with what was decided; the mail stays linked. To act on it: intake.correct, intake.reopen, intake.merge, intake.resolve or intake.close';

-- the old kind (unclassified, status needs_review) that ops already moved on: reviewed then
WITH cleared AS (
  UPDATE intake.orders SET review_reason = NULL, updated_at = now()
   WHERE review_reason = 'oversize' AND status <> 'needs_review'
  RETURNING id, status)
INSERT INTO intake.audit (order_id, action, before, after, note)
SELECT id, 'review_cleared', jsonb_build_object('review_reason', 'oversize'), NULL,
       'sql/122: moved out of needs_review (status ' || status || ') before this release; not listed again'
  FROM cleared;
