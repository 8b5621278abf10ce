-- 041: [smtp] ack_max_age: mail received longer ago (history on a first poll, a backlog after an
-- outage) gets no acknowledgement; its outbox row says why (suppressed_reason too_old).
ALTER TABLE intake.outbox DROP CONSTRAINT outbox_suppressed_reason_check;
ALTER TABLE intake.outbox ADD CONSTRAINT outbox_suppressed_reason_check
  CHECK (suppressed_reason IN ('auto_reply','bounce','bulk','loop','noreply_sender',
                               'sender_cap','followup','unprocessable','too_old'));
COMMENT ON COLUMN intake.outbox.suppressed_reason IS 'Why no acknowledgement: auto_reply, bounce, bulk, loop, noreply_sender, sender_cap (over [smtp] max_acks_per_sender in 24 h), followup, unprocessable, too_old (received longer ago than [smtp] ack_max_age)';
