-- Blind round 18: escalated_at, once stamped by a complaint, stayed for ever, so the desk's "call
-- them first" list (queue WHERE escalated_at IS NOT NULL) only grew. intake.clear_escalation clears
-- it once the customer has been called, with what was said; a later complaint stamps it again.

CREATE FUNCTION intake.clear_escalation(p_order_no text, p_note text)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  o intake.orders;
BEGIN
  IF nullif(btrim(p_note), '') IS NULL THEN
    RAISE EXCEPTION 'clear_escalation: say what the customer was told (the note)'
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  o := intake._order_for_update(p_order_no);
  IF o.escalated_at IS NULL THEN
    RAISE EXCEPTION 'order % is not escalated', o.order_no USING ERRCODE = 'object_not_in_prerequisite_state';
  END IF;
  UPDATE intake.orders SET escalated_at = NULL, updated_at = now() WHERE id = o.id;
  PERFORM intake._audit(o.id, 'escalation_cleared', jsonb_build_object('escalated_at', o.escalated_at), NULL, p_note);
  RETURN format('%s: escalation of %s cleared', o.order_no,
                to_char(o.escalated_at AT TIME ZONE (SELECT value FROM intake.policy_settings WHERE key = 'timezone'),
                        'YYYY-MM-DD HH24:MI'));
END
$$;
COMMENT ON FUNCTION intake.clear_escalation(text, text) IS 'After calling a customer who complained or chased (escalated_at): clear the mark, with what was said; the audit keeps both; a later complaint marks the order again';
COMMENT ON COLUMN intake.orders.escalated_at IS 'When the customer last complained or said nobody had answered ("投诉", "还没人联系"), in a follow-up; null: never, or cleared by intake.clear_escalation after a call. Audit action escalated has the mail';

INSERT INTO intake.role_grants (object, kind, intake_app, intake_ops) VALUES
  ('clear_escalation(text, text)', 'function', NULL, 'execute');
SELECT intake.apply_grants();
