-- Blind round 18: intake.correct took phone 'abc', SN 'hello world' and an order number as SN, a
-- district of another city, and said "coverage, priority and deadlines follow" for a phone. A value
-- that cannot be what the field holds is refused with what it should look like; a city or district
-- the service areas do not know is taken (the policy's default on-site class applies) and said so.

CREATE OR REPLACE FUNCTION intake.correct(p_order_no text, p_field text, p_value text, p_note text DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  o intake.orders;
  f text := lower(btrim(p_field));
  v text := nullif(btrim(p_value), '');
  old text;
  o_city text;
  said text := '';
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
    IF v ~ '^RC[0-9]{8}-[0-9]{4,}$' THEN
      RAISE EXCEPTION 'correct: % is an order number, not an SN', v USING ERRCODE = 'invalid_parameter_value',
        HINT = 'intake.merge(order_no, into_order_no) joins two orders about one machine';
    END IF;
    IF v !~ '^[A-Z0-9][A-Z0-9/_.-]{3,63}$' OR v !~ '[0-9]' THEN
      RAISE EXCEPTION 'correct: % is not an SN', p_value USING ERRCODE = 'invalid_parameter_value',
        HINT = 'an SN is 4-64 letters and digits (with - _ / .), and holds a digit: the label''s 序列号';
    END IF;
  END IF;
  IF f = 'phone' AND v IS NOT NULL
     AND (v !~* '^\+?[0-9 ()./-]+((转|轉|分机|分機|ext\.?|x)\s*[0-9]{1,6})?$'
          OR length(regexp_replace(v, '[^0-9]', '', 'g')) NOT BETWEEN 7 AND 20) THEN
    RAISE EXCEPTION 'correct: % is not a phone number', p_value USING ERRCODE = 'invalid_parameter_value',
      HINT = 'digits with + ( ) - . or blanks, 7 to 20 of them, an extension after 转 or ext: 022-58671234 转 8012';
  END IF;
  o := intake._order_for_update(p_order_no);
  IF o.status = 'closed' THEN
    RAISE EXCEPTION 'order % is closed: cannot correct it', o.order_no
      USING ERRCODE = 'object_not_in_prerequisite_state', HINT = 'reopen it first';
  END IF;
  IF f = 'city' AND v IS NOT NULL
     AND NOT EXISTS (SELECT 1 FROM intake.service_areas a
                      WHERE a.district IS NULL AND (a.city = v OR v = ANY (string_to_array(a.aliases, ';')))) THEN
    said := format('; %s is in no service area: the on-site class is the policy''s default', v);
  END IF;
  IF f = 'district' AND v IS NOT NULL THEN
    o_city := o.city;
    IF o_city IS NOT NULL AND EXISTS (SELECT 1 FROM intake.service_areas a WHERE a.city = o_city AND a.district IS NOT NULL)
       AND NOT EXISTS (SELECT 1 FROM intake.service_areas a WHERE a.city = o_city AND a.district = v) THEN
      IF EXISTS (SELECT 1 FROM intake.service_areas a WHERE a.district = v) THEN
        RAISE EXCEPTION 'correct: % is not a district of %', v, o_city USING ERRCODE = 'invalid_parameter_value',
          HINT = format('it is one of %s: correct the city first', (SELECT string_agg(DISTINCT a.city, ', ')
                                                                     FROM intake.service_areas a WHERE a.district = v));
      END IF;
      said := format('; %s is not among the districts listed for %s', v, o_city);
    END IF;
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
  RETURN format('%s: %s %s -> %s%s%s', o.order_no, f, coalesce(old, '(empty)'), coalesce(v, '(empty)'), said,
                CASE WHEN f IN ('contact', 'phone', 'address') THEN ''
                     ELSE '; coverage, priority and deadlines follow at the next poll (within a minute)' END);
END
$$;
COMMENT ON FUNCTION intake.correct(text, text, text, text) IS 'Correct a field the mail got wrong (sn, model, customer, contact, phone, address, city, district; NULL or '''' clears it): audited with the note; the value wins over later mail and reprocess; the next poll re-applies the policy (registry, coverage, priority, deadlines). An SN or phone that cannot be one, an order number as SN and a district of another city are refused';
