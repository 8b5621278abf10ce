-- Baseline, part 5: the acknowledgement outbox (policy §9): one row per order, rendered when queued
-- inside the order's transaction, delivered by `intake acks send` (at most once: see store/outbox.c).
CREATE TABLE intake.outbox (
  id                bigserial PRIMARY KEY,
  order_id          bigint NOT NULL UNIQUE REFERENCES intake.orders(id),
  message_id        text NOT NULL UNIQUE,
  recipient         text,
  language          text NOT NULL DEFAULT 'zh',
  subject           text,
  message           bytea,
  status            text NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending','sending','sent','failed','suppressed')),
  suppressed_reason text
                    CHECK (suppressed_reason IN ('auto_reply','bounce','bulk','loop','noreply_sender',
                                                 'sender_cap','followup','unprocessable')),
  attempts          integer NOT NULL DEFAULT 0,
  next_attempt_at   timestamptz NOT NULL DEFAULT now(),
  claim_token       text,
  claimed_at        timestamptz,
  lease_until       timestamptz,
  last_error        text,
  smtp_reply        text,
  queued_at         timestamptz NOT NULL DEFAULT now(),
  sent_at           timestamptz,
  CHECK ((status = 'suppressed') = (suppressed_reason IS NOT NULL)),
  CHECK (status = 'suppressed' OR (message IS NOT NULL AND recipient IS NOT NULL))
);
CREATE INDEX outbox_due ON intake.outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX outbox_recipient_recent ON intake.outbox (lower(recipient), queued_at)
  WHERE status IN ('pending','sending','sent');
COMMENT ON TABLE intake.outbox IS 'Acknowledgements to customers (policy §9): one per order at most, rendered when the order was stored; failed rows need ops';
COMMENT ON COLUMN intake.outbox.id IS 'Row id';
COMMENT ON COLUMN intake.outbox.order_id IS 'The order acknowledged (intake.orders.id); unique: one acknowledgement per order';
COMMENT ON COLUMN intake.outbox.message_id IS 'RFC 5322 Message-ID of the acknowledgement, without <>, fixed when queued (ack.<order_no>.<random>@<our domain>)';
COMMENT ON COLUMN intake.outbox.recipient IS 'Customer address it goes to (the From of the customer''s mail); NULL when suppressed for want of one';
COMMENT ON COLUMN intake.outbox.language IS 'zh or en: the template language used';
COMMENT ON COLUMN intake.outbox.subject IS 'The Subject as decoded text, for ops';
COMMENT ON COLUMN intake.outbox.message IS 'The complete RFC 5322 message exactly as it is sent (NULL when suppressed)';
COMMENT ON COLUMN intake.outbox.status IS 'pending (to send at next_attempt_at), sending (claimed by a sender), sent, failed (gave up or interrupted: needs ops), suppressed (never sent, see suppressed_reason)';
COMMENT ON COLUMN intake.outbox.suppressed_reason IS 'Why no acknowledgement: auto_reply, bounce, bulk, loop, noreply_sender, sender_cap (over [smtp] max_acks_per_sender in 24 h), followup, unprocessable';
COMMENT ON COLUMN intake.outbox.attempts IS 'Delivery attempts started so far (incremented when claimed)';
COMMENT ON COLUMN intake.outbox.next_attempt_at IS 'Earliest time of the next attempt (backoff 1, 5, 15, 60 min, then 60 min)';
COMMENT ON COLUMN intake.outbox.claim_token IS 'Random token of the sender holding the row while status is sending';
COMMENT ON COLUMN intake.outbox.claimed_at IS 'When a sender last claimed the row';
COMMENT ON COLUMN intake.outbox.lease_until IS 'A row still sending after this was interrupted (crash): it becomes failed, never re-sent automatically, because the server may have accepted it';
COMMENT ON COLUMN intake.outbox.last_error IS 'The last delivery failure, one line (never a password)';
COMMENT ON COLUMN intake.outbox.smtp_reply IS 'The SMTP server''s final reply to the last attempt (e.g. 250 2.0.0 … Message accepted)';
COMMENT ON COLUMN intake.outbox.queued_at IS 'When the row was written (the order''s transaction)';
COMMENT ON COLUMN intake.outbox.sent_at IS 'When the SMTP server accepted the message';

-- Follow-up matching: a customer answering our acknowledgement names its Message-ID in In-Reply-To.
CREATE FUNCTION intake.outbox_lookup(message_ids text[])
RETURNS TABLE (order_id bigint) LANGUAGE sql STABLE AS $$
  SELECT o.order_id FROM intake.outbox o WHERE o.message_id = ANY(message_ids)
$$;
COMMENT ON FUNCTION intake.outbox_lookup(text[]) IS 'Orders whose acknowledgement has one of these Message-IDs (for follow-up matching)';

-- To resend a failed row after checking the customer did not get it:
--   UPDATE intake.outbox SET status = 'pending', next_attempt_at = now(), attempts = 0 WHERE id = …;
