-- Blind round 10 (the desk's day in psql): intake.merge joined two orders about different machines of
-- different customers without a word ("RC…0003 merged into RC…0004 … closed as duplicate"): one
-- mistyped order number moved a Beijing customer's mail and acknowledgement into a Chengdu order's
-- thread and took the order out of the reports, with no way back. Orders with different SNs or
-- customers are now refused (correct the SN first when it is one machine after all).
CREATE OR REPLACE FUNCTION intake.merge(p_order_no text, p_into_order_no text, p_note text DEFAULT NULL)
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
  -- One typo merges a stranger's request away: two orders about different machines or customers are
  -- no duplicate. Correct the wrong SN first when it is one machine after all.
  IF a.sn IS NOT NULL AND b.sn IS NOT NULL AND a.sn <> b.sn THEN
    RAISE EXCEPTION 'merge: % is about SN %, % about SN %: not a duplicate', a.order_no, a.sn, b.order_no, b.sn
      USING ERRCODE = 'invalid_parameter_value',
            HINT = 'if it is one machine, correct the wrong SN first (intake.correct), then merge';
  END IF;
  IF a.customer IS NOT NULL AND b.customer IS NOT NULL AND a.customer <> b.customer THEN
    RAISE EXCEPTION 'merge: % is %''s, % is %''s: not a duplicate', a.order_no, a.customer, b.order_no, b.customer
      USING ERRCODE = 'invalid_parameter_value';
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
