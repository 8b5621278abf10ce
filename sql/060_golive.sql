-- Going live and running for years (issue 13): acknowledgements held back for old mail
-- ([smtp] ack_max_age), poll counters for `intake status`, the metrics and the alerts, and the
-- alerts already sent (each event once).

-- History taken on a first poll is not acknowledged: suppressed_reason too_old.
DO $$
DECLARE
  c text;
BEGIN
  FOR c IN SELECT conname FROM pg_constraint
            WHERE conrelid = 'intake.outbox'::regclass AND contype = 'c'
              AND pg_get_constraintdef(oid) LIKE '%suppressed_reason = ANY%'
              AND pg_get_constraintdef(oid) NOT LIKE '%status%' LOOP
    EXECUTE format('ALTER TABLE intake.outbox DROP CONSTRAINT %I', c);
  END LOOP;
END
$$;
ALTER TABLE intake.outbox ADD CONSTRAINT outbox_suppressed_reason_check
  CHECK (suppressed_reason IN ('auto_reply','bounce','bulk','loop','noreply_sender',
                               'sender_cap','followup','unprocessable','too_old'));
COMMENT ON COLUMN intake.outbox.suppressed_reason IS 'Why no acknowledgement: auto_reply, bounce, bulk, loop, noreply_sender, sender_cap (over [smtp] max_acks_per_sender in 24 h), followup, unprocessable, too_old (received longer ago than [smtp] ack_max_age: history, backlogs)';

ALTER TABLE intake.mailboxes ADD COLUMN polls bigint NOT NULL DEFAULT 0;
ALTER TABLE intake.mailboxes ADD COLUMN failed_polls integer NOT NULL DEFAULT 0;
ALTER TABLE intake.mailboxes ADD COLUMN last_poll_at timestamptz;
COMMENT ON COLUMN intake.mailboxes.polls IS 'Polls of this mailbox so far (successful or not)';
COMMENT ON COLUMN intake.mailboxes.failed_polls IS 'Polls failed in a row (0 after a success): [alerts] failing_polls';
COMMENT ON COLUMN intake.mailboxes.last_poll_at IS 'When the last poll of this mailbox ended';

CREATE TABLE intake.alerts (
  event_key  text PRIMARY KEY,
  kind       text NOT NULL CHECK (kind IN ('p1', 'deadline', 'mailbox_failing', 'ack_failed')),
  subject    text NOT NULL,
  body       text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  attempts   integer NOT NULL DEFAULT 0,
  last_error text,
  sent_at    timestamptz
);
CREATE INDEX alerts_unsent ON intake.alerts (created_at) WHERE sent_at IS NULL;
COMMENT ON TABLE intake.alerts IS 'Alerts to the duty team ([alerts] of intake.conf), one row per event: written when the event is seen, sent once (a failed send is retried by the next poll)';
COMMENT ON COLUMN intake.alerts.event_key IS 'The event, e.g. p1:RC20261125-0007, deadline:RC20261125-0007:response_due, mailbox_failing:imap:<since>, ack_failed:<outbox id>';
COMMENT ON COLUMN intake.alerts.kind IS 'p1 (a new P1 order), deadline (due within [alerts] due_within), mailbox_failing ([alerts] failing_polls in a row), ack_failed (an acknowledgement failed for good)';
COMMENT ON COLUMN intake.alerts.subject IS 'One line for the duty team';
COMMENT ON COLUMN intake.alerts.body IS 'The text sent';
COMMENT ON COLUMN intake.alerts.created_at IS 'When the event was first seen';
COMMENT ON COLUMN intake.alerts.attempts IS 'Sending attempts so far';
COMMENT ON COLUMN intake.alerts.last_error IS 'Why the last attempt failed (NULL once sent)';
COMMENT ON COLUMN intake.alerts.sent_at IS 'When every configured channel took it; NULL: retried at the next poll';

INSERT INTO intake.role_grants (object, kind, intake_app, intake_ops) VALUES ('alerts', 'table', 'write', NULL);
SELECT intake.apply_grants();
