-- One mail never stops the mailbox (issue 11 item 1): a fixed-size dedupe key, a look-up index on
-- the Message-ID that takes any length, and the record of mails that could not even be stored raw.

-- The key was the Message-ID itself: a ~6 KB one did not fit a btree index row and stopped the
-- poll at that mail for good. It becomes mid:<hex SHA-256 of the Message-ID> (parser_dedupe_key,
-- over the text kept in message_id); sha256:<hex> and unfetchable:… keys stay as they are.
UPDATE intake.messages
   SET dedupe_key = 'mid:' || encode(sha256(convert_to(message_id, 'UTF8')), 'hex')
 WHERE message_id IS NOT NULL AND dedupe_key = message_id;
COMMENT ON COLUMN intake.messages.dedupe_key IS 'Fixed size: mid:<hex SHA-256 of message_id>, with :<sha256> appended when another mail (other bytes) already has that Message-ID; sha256:<hex of raw> when the mail has none; unfetchable:<mailbox>:<uidvalidity>:<uid> for a mail the server would not give';
COMMENT ON TABLE intake.messages IS 'Every fetched mail, raw bytes kept, once (deduplicated by a hash of the Message-ID and the bytes, else by SHA-256)';
COMMENT ON COLUMN intake.messages.parse_error IS 'Why the parser could not read it (then its order is needs_review / unprocessable), or quarantined: <error> when storing it the normal way failed (its order is needs_review / quarantined)';

-- Follow-ups are found by Message-ID (In-Reply-To, References): a hash index takes any length.
CREATE INDEX messages_message_id ON intake.messages USING hash (message_id);

CREATE TABLE intake.quarantine (
  mailbox_id  integer NOT NULL REFERENCES intake.mailboxes(id),
  uidvalidity bigint NOT NULL,
  uid         bigint NOT NULL,
  size        bigint,
  error       text NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  resolved_at timestamptz,
  PRIMARY KEY (mailbox_id, uidvalidity, uid)
);
COMMENT ON TABLE intake.quarantine IS 'Mails intake could not store at all, not even raw for review: flagged on the server and skipped, so the mails after them go on. Find the mail on the IMAP server by its UID, handle it, then set resolved_at (intake status reports the unresolved ones)';
COMMENT ON COLUMN intake.quarantine.mailbox_id IS 'The mailbox (intake.mailboxes.id)';
COMMENT ON COLUMN intake.quarantine.uidvalidity IS 'IMAP UIDVALIDITY when the mail was fetched';
COMMENT ON COLUMN intake.quarantine.uid IS 'IMAP UID of the mail in that mailbox';
COMMENT ON COLUMN intake.quarantine.size IS 'Size of the mail in bytes, as fetched';
COMMENT ON COLUMN intake.quarantine.error IS 'Why it could not be processed, and why storing it raw failed too';
COMMENT ON COLUMN intake.quarantine.recorded_at IS 'When the poll gave up on it';
COMMENT ON COLUMN intake.quarantine.resolved_at IS 'When ops dealt with it; NULL: still to look at';

INSERT INTO intake.role_grants (object, kind, intake_app, intake_ops) VALUES ('quarantine', 'table', 'write', 'edit');
SELECT intake.apply_grants();
