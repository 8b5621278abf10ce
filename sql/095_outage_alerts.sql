-- Blind round 11c: some outages never reached the duty team — the database down (nothing to write
-- the alert in), an SMTP relay down or its password changed (told only once an acknowledgement had
-- failed for good, 48 h later) — and no alert said a failing mailbox had recovered, so the group
-- could not tell whether it was still down. New kinds: acks_stuck (acknowledgements failing to go
-- out, [alerts] failing_polls tries each), acks_recovered, mailbox_recovered, database_recovered (the
-- poll reached PostgreSQL again after an outage it announced straight to the channels).
ALTER TABLE intake.alerts DROP CONSTRAINT alerts_kind_check;
ALTER TABLE intake.alerts ADD CONSTRAINT alerts_kind_check
  CHECK (kind IN ('p1', 'deadline', 'mailbox_failing', 'ack_failed', 'mailbox_recovered', 'acks_stuck',
                  'acks_recovered', 'database_recovered'));
COMMENT ON COLUMN intake.alerts.kind IS 'p1 (a new P1 order), deadline (due within [alerts] due_within), mailbox_failing ([alerts] failing_polls in a row) and mailbox_recovered (polled again), ack_failed (an acknowledgement failed for good), acks_stuck (acknowledgements not going out: failing_polls tries each) and acks_recovered, database_recovered (PostgreSQL reachable again after an outage announced without it)';
COMMENT ON COLUMN intake.alerts.event_key IS 'The event, e.g. p1:RC20261125-0007, deadline:RC20261125-0007:response_due, mailbox_failing:imap:<last success>, mailbox_recovered:imap:<the same>, ack_failed:<outbox id>, acks_stuck:<the last recovery>, acks_recovered:<its stuck alert>, database_recovered:<outage start>';
CREATE INDEX alerts_kind ON intake.alerts (kind, created_at);
