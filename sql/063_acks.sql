-- Acknowledgements to forged senders and through SMTP outages (issue 11, items 3 and 7): two more
-- reasons not to acknowledge (global_cap, auth_fail), transient delivery failures counted apart
-- from attempts, and intake.resend_ack for ops.
-- Numbered after 060_golive.sql on purpose: 060 drops and re-adds the suppressed_reason CHECK with a
-- fixed list, so a file numbered before it (053, as first planned) would lose global_cap/auth_fail on
-- every new database.

-- suppressed_reason: global_cap ([smtp] max_acks_per_hour) and auth_fail (Authentication-Results).
-- The list is extended, not rewritten: whatever an earlier migration allowed stays allowed.
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
  FOREACH v IN ARRAY ARRAY['global_cap', 'auth_fail'] LOOP
    IF NOT v = ANY(vals) THEN
      vals := vals || v;
    END IF;
  END LOOP;
  EXECUTE format('ALTER TABLE intake.outbox ADD CONSTRAINT outbox_suppressed_reason_check'
                 ' CHECK (suppressed_reason IN (%s))',
                 (SELECT string_agg(quote_literal(x), ', ' ORDER BY n) FROM unnest(vals) WITH ORDINALITY AS u(x, n)));
END
$$;
COMMENT ON COLUMN intake.outbox.suppressed_reason IS 'Why no acknowledgement: auto_reply, bounce, bulk, loop, noreply_sender, sender_cap (over [smtp] max_acks_per_sender in 24 h), followup, unprocessable, too_old (received longer ago than [smtp] ack_max_age: history, backlogs), global_cap (over [smtp] max_acks_per_hour for everyone), auth_fail (the receiving MTA''s Authentication-Results: DMARC failed, or SPF failed without a DKIM pass; the order''s history says so). sender_cap, global_cap, auth_fail and too_old keep the rendered message: intake.resend_ack sends it';

-- Transient failures (server unreachable, timeout before DATA, 4xx, login refused) do not use up
-- attempts: they are retried with the backoff until the mail is older than [smtp] ack_max_age.
ALTER TABLE intake.outbox ADD COLUMN deferrals integer NOT NULL DEFAULT 0;
COMMENT ON COLUMN intake.outbox.deferrals IS 'Transient delivery failures so far (server unreachable, timeout before DATA, 4xx reply, login refused): retried with the backoff until the mail is older than [smtp] ack_max_age, without using up attempts';
ALTER TABLE intake.outbox ADD COLUMN resent_at timestamptz;
COMMENT ON COLUMN intake.outbox.resent_at IS 'When ops last put the row back to pending (intake.resend_ack); transient retries are bounded by [smtp] ack_max_age from this time too';
COMMENT ON COLUMN intake.outbox.attempts IS 'Delivery attempts that counted (incremented when claimed; a transient failure gives its attempt back and counts in deferrals)';
COMMENT ON COLUMN intake.outbox.status IS 'pending (to send at next_attempt_at), sending (claimed by a sender), sent, failed (gave up, refused for good, or in doubt: needs ops, see last_error; intake.resend_ack), suppressed (never sent, see suppressed_reason)';

CREATE FUNCTION intake.resend_ack(p_order_no text, force boolean DEFAULT false)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  o intake.orders;
  b intake.outbox;
BEGIN
  o := intake._order_for_update(p_order_no);
  SELECT * INTO b FROM intake.outbox WHERE order_id = o.id FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'order % has no acknowledgement', o.order_no
      USING ERRCODE = 'no_data_found', HINT = '`intake acks queue` writes the missing ones of the last days';
  END IF;
  IF b.status IN ('pending', 'sending') THEN
    RAISE EXCEPTION 'the acknowledgement of % is already %', o.order_no, b.status
      USING ERRCODE = 'object_not_in_prerequisite_state';
  END IF;
  IF b.status = 'sent' AND NOT coalesce(force, false) THEN
    RAISE EXCEPTION 'the acknowledgement of % was sent at %', o.order_no, b.sent_at
      USING ERRCODE = 'object_not_in_prerequisite_state',
            HINT = 'to send it again anyway: SELECT intake.resend_ack(''' || o.order_no || ''', force => true)';
  END IF;
  IF b.status = 'suppressed' AND (b.message IS NULL OR b.recipient IS NULL
                                  OR b.suppressed_reason NOT IN ('sender_cap', 'global_cap', 'auth_fail', 'too_old')) THEN
    RAISE EXCEPTION 'the acknowledgement of % was suppressed (%) and cannot be sent', o.order_no, b.suppressed_reason
      USING ERRCODE = 'object_not_in_prerequisite_state',
            HINT = 'only sender_cap, global_cap, auth_fail and too_old keep a message to send';
  END IF;
  UPDATE intake.outbox SET status = 'pending', suppressed_reason = NULL, attempts = 0, deferrals = 0,
         next_attempt_at = now(), resent_at = now(), claim_token = NULL, lease_until = NULL
   WHERE id = b.id;
  PERFORM intake._audit(o.id, 'resend_ack',
                        jsonb_build_object('ack_status', b.status, 'suppressed_reason', b.suppressed_reason,
                                           'last_error', b.last_error, 'attempts', b.attempts),
                        jsonb_build_object('ack_status', 'pending'),
                        CASE WHEN b.status = 'sent' THEN 'forced: sent before at ' || b.sent_at END);
  RETURN format('%s: acknowledgement %s -> pending', o.order_no,
                b.status || coalesce(' (' || b.suppressed_reason || ')', ''));
END
$$;
COMMENT ON FUNCTION intake.resend_ack(text, boolean) IS 'Send an order''s acknowledgement again (the next `intake poll` or `intake acks send`): a failed one, or one suppressed as sender_cap, global_cap, auth_fail or too_old, goes back to pending once (attempts reset); a sent one only with force => true; audited (action resend_ack)';

INSERT INTO intake.role_grants (object, kind, intake_app, intake_ops) VALUES
  ('resend_ack(text, boolean)', 'function', NULL, 'execute');
SELECT intake.apply_grants();
