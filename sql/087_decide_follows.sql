-- Blind round 10 (the desk's day in psql): intake.decide(order, 'not_covered' | 'expired', …) changed the
-- coverage and nothing else — the order stayed P2 with its response, plan and on-site deadlines, its
-- reasons still saying in_warranty, though policy §6/§7 give expired and not_covered no better than P3
-- and no deadlines. A decision now marks the order for the next poll, which re-applies the policy
-- with the decided coverage (reason ops_decision): priority cap and deadlines follow.
CREATE OR REPLACE FUNCTION intake.decide(p_order_no text, p_coverage text, p_note text)
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
         reclassify_pending = true,
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
  RETURN format('%s: coverage %s -> %s (decided)%s; its priority and deadlines follow at the next poll',
                o.order_no, coalesce(o.coverage, '(none)'), c,
                CASE WHEN o.status = 'needs_review' THEN '; needs_review -> queued' ELSE '' END);
END
$$;
COMMENT ON FUNCTION intake.decide(text, text, text) IS 'Decide coverage by hand (covered, chargeable, expired, not_covered): takes the order out of needs_review; kept over the policy''s until decided again (NULL hands it back); the next poll applies the priority cap and the deadlines (none for expired and not_covered) that follow from it';
