-- A mail the IMAP server refuses to give (a tagged NO to FETCH: [UNAVAILABLE], a broken store) is
-- asked for again at each poll; refused for longer than [imap] refused_for it is kept for review
-- (an unfetchable order) so the mails after it are not blocked for ever (issue 11, item 7).
CREATE TABLE intake.fetch_refusals (
  mailbox_id  integer NOT NULL REFERENCES intake.mailboxes(id),
  uidvalidity bigint NOT NULL,
  uid         bigint NOT NULL,
  attempts    integer NOT NULL DEFAULT 1,
  first_at    timestamptz NOT NULL DEFAULT now(),
  last_at     timestamptz NOT NULL DEFAULT now(),
  last_error  text,
  PRIMARY KEY (mailbox_id, uidvalidity, uid)
);
COMMENT ON TABLE intake.fetch_refusals IS 'Mails the IMAP server refused to give (FETCH NO), by mailbox and UID: asked again at each poll, kept for review (an unfetchable order) once refused for [imap] refused_for';
COMMENT ON COLUMN intake.fetch_refusals.mailbox_id IS 'The mailbox (intake.mailboxes.id)';
COMMENT ON COLUMN intake.fetch_refusals.uidvalidity IS 'IMAP UIDVALIDITY of the UID';
COMMENT ON COLUMN intake.fetch_refusals.uid IS 'IMAP UID of the refused mail';
COMMENT ON COLUMN intake.fetch_refusals.attempts IS 'Polls that asked for it and were refused';
COMMENT ON COLUMN intake.fetch_refusals.first_at IS 'The first refusal';
COMMENT ON COLUMN intake.fetch_refusals.last_at IS 'The last refusal';
COMMENT ON COLUMN intake.fetch_refusals.last_error IS 'The server''s last NO line';

INSERT INTO intake.role_grants (object, kind, intake_app, intake_ops) VALUES ('fetch_refusals', 'table', 'write', NULL);
SELECT intake.apply_grants();
