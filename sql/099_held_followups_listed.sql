-- Blind round 12b: a stranger quoting a closed order's number replaced its review_reason
-- closed_followup (a customer's question waiting for an answer) with unverified_followup, which the
-- review list did not show for a closed order: the question left the list. A held follow-up now keeps
-- the reason already there (store_order_hold_followup; the audit has both), and a closed order held
-- for any follow-up reason is listed.
CREATE OR REPLACE VIEW intake.needs_review AS
SELECT o.order_no, o.status, o.coverage, o.review_reason,
       ARRAY(SELECT r->>'code' FROM jsonb_array_elements(o.reasons) r) AS reason_codes,
       o.reasons, m.parse_error, o.priority, o.kind, o.sn, o.model, o.customer, o.missing,
       o.from_addr, o.subject, o.received_at, o.assignee
  FROM intake.orders o
  JOIN intake.messages m ON m.id = o.message_id
 WHERE (o.status = 'needs_review' OR o.coverage = 'needs_review'
        OR o.review_reason IN ('unverified_followup', 'late_followup', 'closed_followup'))
   AND (o.status NOT IN ('resolved', 'closed') OR o.review_reason IN ('late_followup', 'closed_followup', 'unverified_followup'))
 ORDER BY o.priority NULLS LAST, o.received_at, o.order_no;
COMMENT ON VIEW intake.needs_review IS 'Orders a person must look at (待人工审核): status needs_review (e.g. unprocessable mail), coverage needs_review (SN unknown, suspected exclusion, …), or a follow-up held (review_reason unverified_followup: a sender the order does not know; late_followup: a reply to an order finished long ago; closed_followup: a reply to a closed order that reports no new fault — a question, a request for the service report: answer it; read it in intake.order_thread, then intake.clear_review)';
COMMENT ON COLUMN intake.needs_review.review_reason IS 'Why the order itself needs review: unprocessable, unverified_followup, late_followup, closed_followup';
