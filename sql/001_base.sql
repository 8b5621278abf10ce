-- Base schema: mailboxes, fetched mail and the orders made from it.
CREATE SCHEMA IF NOT EXISTS intake;
COMMENT ON SCHEMA intake IS 'intake: service orders made from the service mailbox';

CREATE TABLE intake.mailboxes (
  id            serial PRIMARY KEY,
  name          text NOT NULL UNIQUE,
  uidvalidity   bigint,
  last_uid      bigint NOT NULL DEFAULT 0,
  last_success  timestamptz,
  last_error    text,
  last_error_at timestamptz,
  updated_at    timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE intake.mailboxes IS 'One row per polled IMAP mailbox: where the last poll got to';
COMMENT ON COLUMN intake.mailboxes.name IS 'user@host/mailbox, as configured';
COMMENT ON COLUMN intake.mailboxes.uidvalidity IS 'IMAP UIDVALIDITY seen last; a change means the mailbox was recreated';
COMMENT ON COLUMN intake.mailboxes.last_uid IS 'Highest UID whose mail is committed here (for the current uidvalidity)';
COMMENT ON COLUMN intake.mailboxes.last_success IS 'When a poll of this mailbox last completed';
COMMENT ON COLUMN intake.mailboxes.last_error IS 'The last poll failure, one line (cleared by no later success: compare times)';

CREATE TABLE intake.messages (
  id            bigserial PRIMARY KEY,
  dedupe_key    text NOT NULL UNIQUE,
  message_id    text,
  sha256        text NOT NULL,
  from_addr     text,
  from_display  text,
  subject       text,
  headers       text NOT NULL,
  raw           bytea NOT NULL,
  size          integer NOT NULL,
  internal_date timestamptz,
  fetched_at    timestamptz NOT NULL DEFAULT now(),
  parse_error   text,
  ignored_reason text,
  parts         jsonb
);
COMMENT ON TABLE intake.messages IS 'Every fetched mail, raw bytes kept, once (deduplicated by Message-ID, else by SHA-256)';
COMMENT ON COLUMN intake.messages.dedupe_key IS 'Message-ID without <>, or sha256:<hex of raw> when the mail has none';
COMMENT ON COLUMN intake.messages.sha256 IS 'SHA-256 of the raw bytes, hex';
COMMENT ON COLUMN intake.messages.headers IS 'The raw header block as received';
COMMENT ON COLUMN intake.messages.raw IS 'The whole mail as fetched from IMAP';
COMMENT ON COLUMN intake.messages.internal_date IS 'IMAP INTERNALDATE: when the mail reached the mailbox';
COMMENT ON COLUMN intake.messages.parse_error IS 'Why the parser could not read it (then its order is needs_review / unprocessable)';
COMMENT ON COLUMN intake.messages.ignored_reason IS 'auto_reply, bounce, bulk, loop: kept, but no order and no acknowledgement';
COMMENT ON COLUMN intake.messages.parts IS 'Per text part: content type, charset declared and used, replacement characters';

CREATE TABLE intake.mailbox_uids (
  mailbox_id   integer NOT NULL REFERENCES intake.mailboxes(id),
  uidvalidity  bigint NOT NULL,
  uid          bigint NOT NULL,
  message_id   bigint NOT NULL REFERENCES intake.messages(id),
  committed_at timestamptz NOT NULL DEFAULT now(),
  marked_at    timestamptz,
  PRIMARY KEY (mailbox_id, uidvalidity, uid)
);
CREATE INDEX mailbox_uids_unmarked ON intake.mailbox_uids (mailbox_id, uidvalidity) WHERE marked_at IS NULL;
COMMENT ON TABLE intake.mailbox_uids IS 'Which server mail (mailbox, UIDVALIDITY, UID) became which stored message';
COMMENT ON COLUMN intake.mailbox_uids.marked_at IS 'When the mail was flagged or moved on the server; NULL: still to do (after a crash)';

CREATE TABLE intake.order_counters (
  day      date PRIMARY KEY,
  last_seq integer NOT NULL
);
COMMENT ON TABLE intake.order_counters IS 'Daily order-number sequence (gap-free: taken inside the order''s transaction)';

CREATE TABLE intake.orders (
  id            bigserial PRIMARY KEY,
  order_no      text NOT NULL UNIQUE CHECK (order_no ~ '^RC[0-9]{8}-[0-9]{4,}$'),
  status        text NOT NULL DEFAULT 'queued'
                CHECK (status IN ('queued','needs_review','assigned','in_progress','waiting_customer','resolved','closed')),
  message_id    bigint NOT NULL UNIQUE REFERENCES intake.messages(id),
  received_at   timestamptz NOT NULL,
  from_addr     text,
  subject       text,
  kind          text,
  review_reason text,
  sn            text,
  model         text,
  symptoms      text,
  contact       text,
  phone         text,
  address       text,
  city          text,
  district      text,
  missing       text[] NOT NULL DEFAULT '{}',
  sn_candidates text[] NOT NULL DEFAULT '{}',
  customer      text,
  tier          text,
  component     text,
  warranty_start date,
  warranty_end  date,
  coverage      text,
  reasons       jsonb NOT NULL DEFAULT '[]',
  severity      text,
  priority      text,
  onsite_class  text,
  sla_clock     text,
  response_due  timestamptz,
  plan_due      timestamptz,
  onsite_due    timestamptz,
  followup_of   text,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE intake.orders IS 'Service orders, one per new customer request';
COMMENT ON COLUMN intake.orders.order_no IS 'RC + received local date + daily sequence, e.g. RC20261125-0007';
COMMENT ON COLUMN intake.orders.status IS 'queued, needs_review, assigned, in_progress, waiting_customer, resolved, closed';
COMMENT ON COLUMN intake.orders.message_id IS 'The mail that opened the order (intake.messages.id)';
COMMENT ON COLUMN intake.orders.received_at IS 'When the mail reached the mailbox (IMAP INTERNALDATE)';
COMMENT ON COLUMN intake.orders.review_reason IS 'Why the order needs a person: unprocessable, …';
COMMENT ON COLUMN intake.orders.missing IS 'Fields the customer did not send, in policy order';
COMMENT ON COLUMN intake.orders.kind IS 'fault, software, consultation, value_added, followup, ignored';
COMMENT ON COLUMN intake.orders.sn IS 'Device serial number (upper case)';
COMMENT ON COLUMN intake.orders.customer IS 'Customer name from the asset registry';
COMMENT ON COLUMN intake.orders.tier IS 'silver or gold, from the registry; NULL when the SN is unknown';
COMMENT ON COLUMN intake.orders.coverage IS 'covered, chargeable, expired, not_covered, needs_review';
COMMENT ON COLUMN intake.orders.reasons IS 'Why: [{code, evidence}] in policy order';
COMMENT ON COLUMN intake.orders.priority IS 'P1 (most urgent) … P4';
COMMENT ON COLUMN intake.orders.onsite_class IS '4h, next_day, negotiated, unknown (policy §8)';
COMMENT ON COLUMN intake.orders.response_due IS 'Remote response deadline (policy §7)';
COMMENT ON COLUMN intake.orders.plan_due IS 'Deadline for a handling plan';
COMMENT ON COLUMN intake.orders.onsite_due IS 'Deadline for an engineer on site; NULL when none applies';

CREATE VIEW intake.queue AS
SELECT o.order_no, o.status, o.priority, o.coverage, o.sn, o.model, o.customer, o.city,
       o.received_at, o.response_due, o.plan_due, o.onsite_due,
       (LEAST(o.response_due, o.plan_due, o.onsite_due) < now()) AS overdue,
       o.kind, o.missing, o.from_addr, o.subject
  FROM intake.orders o
 WHERE o.status NOT IN ('resolved', 'closed')
 ORDER BY o.priority NULLS LAST, LEAST(o.response_due, o.plan_due, o.onsite_due) NULLS LAST, o.received_at;
COMMENT ON VIEW intake.queue IS 'Open orders, most urgent first (priority, then the nearest deadline)';
COMMENT ON COLUMN intake.queue.overdue IS 'A deadline has already passed';
