-- Baseline, part 1: the schema, fetched mail, orders with their history and SLA pauses, and the
-- asset registry. Each object is defined once, in its final form (the pre-release migrations
-- 001-040 folded together; 000_legacy_upgrade.sql brings a database migrated by those here).
CREATE SCHEMA IF NOT EXISTS intake;
COMMENT ON SCHEMA intake IS 'intake: service orders made from the service mailbox';

-- intake db migrate creates the table itself (store/store.c) before it runs any file.
COMMENT ON COLUMN intake.schema_migrations.name IS 'Migration file name (sql/NNN_*.sql)';
COMMENT ON COLUMN intake.schema_migrations.applied_at IS 'When intake db migrate applied it';

-- ---- mail ----

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
COMMENT ON COLUMN intake.mailboxes.id IS 'Row id';
COMMENT ON COLUMN intake.mailboxes.name IS 'user@host/mailbox, as configured';
COMMENT ON COLUMN intake.mailboxes.uidvalidity IS 'IMAP UIDVALIDITY seen last; a change means the mailbox was recreated';
COMMENT ON COLUMN intake.mailboxes.last_uid IS 'Highest UID whose mail is committed here (for the current uidvalidity)';
COMMENT ON COLUMN intake.mailboxes.last_success IS 'When a poll of this mailbox last completed';
COMMENT ON COLUMN intake.mailboxes.last_error IS 'The last poll failure, one line (cleared by no later success: compare times)';
COMMENT ON COLUMN intake.mailboxes.last_error_at IS 'When last_error happened; an error after last_success means the mailbox is failing now';
COMMENT ON COLUMN intake.mailboxes.updated_at IS 'When the row last changed';

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
COMMENT ON COLUMN intake.messages.id IS 'Row id';
COMMENT ON COLUMN intake.messages.dedupe_key IS 'Message-ID without <>, or sha256:<hex of raw> when the mail has none';
COMMENT ON COLUMN intake.messages.message_id IS 'Message-ID header, without <>; NULL when the mail has none';
COMMENT ON COLUMN intake.messages.sha256 IS 'SHA-256 of the raw bytes, hex';
COMMENT ON COLUMN intake.messages.from_addr IS 'Sender address (From:)';
COMMENT ON COLUMN intake.messages.from_display IS 'Sender display name (From:), decoded';
COMMENT ON COLUMN intake.messages.subject IS 'Subject, decoded';
COMMENT ON COLUMN intake.messages.headers IS 'The raw header block as received';
COMMENT ON COLUMN intake.messages.raw IS 'The whole mail as fetched from IMAP';
COMMENT ON COLUMN intake.messages.size IS 'Size of raw in bytes';
COMMENT ON COLUMN intake.messages.internal_date IS 'IMAP INTERNALDATE: when the mail reached the mailbox';
COMMENT ON COLUMN intake.messages.fetched_at IS 'When intake fetched and stored it';
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
COMMENT ON COLUMN intake.mailbox_uids.mailbox_id IS 'The mailbox (intake.mailboxes.id)';
COMMENT ON COLUMN intake.mailbox_uids.uidvalidity IS 'IMAP UIDVALIDITY when the mail was fetched';
COMMENT ON COLUMN intake.mailbox_uids.uid IS 'IMAP UID of the mail in that mailbox';
COMMENT ON COLUMN intake.mailbox_uids.message_id IS 'The stored mail (intake.messages.id)';
COMMENT ON COLUMN intake.mailbox_uids.committed_at IS 'When the mail was committed here';
COMMENT ON COLUMN intake.mailbox_uids.marked_at IS 'When the mail was flagged or moved on the server; NULL: still to do (after a crash)';

-- ---- orders ----

CREATE TABLE intake.order_counters (
  day      date PRIMARY KEY,
  last_seq integer NOT NULL
);
COMMENT ON TABLE intake.order_counters IS 'Daily order-number sequence (gap-free: taken inside the order''s transaction)';
COMMENT ON COLUMN intake.order_counters.day IS 'Local date (Asia/Shanghai) of the order numbers';
COMMENT ON COLUMN intake.order_counters.last_seq IS 'Last sequence number given out that day';

-- The column order is that of databases made by the pre-release migrations (SELECT * agrees).
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
  updated_at    timestamptz NOT NULL DEFAULT now(),
  sla_dirty     boolean NOT NULL DEFAULT false,
  base_response_due timestamptz,
  base_plan_due timestamptz,
  base_onsite_due timestamptz,
  assignee      text
);
COMMENT ON TABLE intake.orders IS 'Service orders, one per new customer request';
COMMENT ON COLUMN intake.orders.id IS 'Row id (other tables refer to it as order_id)';
COMMENT ON COLUMN intake.orders.order_no IS 'RC + received local date + daily sequence, e.g. RC20261125-0007';
COMMENT ON COLUMN intake.orders.status IS 'queued, needs_review, assigned, in_progress, waiting_customer, resolved, closed';
COMMENT ON COLUMN intake.orders.message_id IS 'The mail that opened the order (intake.messages.id)';
COMMENT ON COLUMN intake.orders.received_at IS 'When the mail reached the mailbox (IMAP INTERNALDATE)';
COMMENT ON COLUMN intake.orders.from_addr IS 'Customer''s address (From: of the first mail)';
COMMENT ON COLUMN intake.orders.subject IS 'Subject of the first mail';
COMMENT ON COLUMN intake.orders.kind IS 'fault, software, consultation, value_added, followup, ignored';
COMMENT ON COLUMN intake.orders.review_reason IS 'Why the order needs a person: unprocessable, …';
COMMENT ON COLUMN intake.orders.sn IS 'Device serial number (upper case)';
COMMENT ON COLUMN intake.orders.model IS 'Device model (the registry''s when the SN is registered)';
COMMENT ON COLUMN intake.orders.symptoms IS 'The customer''s description of the problem (问题描述)';
COMMENT ON COLUMN intake.orders.contact IS 'Contact person on site (联系人)';
COMMENT ON COLUMN intake.orders.phone IS 'Contact phone (联系方式)';
COMMENT ON COLUMN intake.orders.address IS 'Street address of the device (设备所在地址)';
COMMENT ON COLUMN intake.orders.city IS 'City of the device, e.g. 北京市 (from the mail, else the registry)';
COMMENT ON COLUMN intake.orders.district IS 'District of the device, e.g. 海淀区';
COMMENT ON COLUMN intake.orders.missing IS 'Fields the customer did not send, in policy order';
COMMENT ON COLUMN intake.orders.sn_candidates IS 'Every SN the mail named (sn is the one the symptoms are about)';
COMMENT ON COLUMN intake.orders.customer IS 'Customer name from the asset registry';
COMMENT ON COLUMN intake.orders.tier IS 'silver or gold, from the registry; NULL when the SN is unknown';
COMMENT ON COLUMN intake.orders.component IS 'Component the request is about (policy §4): machine_part, gpu, system, unknown, …';
COMMENT ON COLUMN intake.orders.warranty_start IS 'Warranty start date (policy §3)';
COMMENT ON COLUMN intake.orders.warranty_end IS 'Warranty end date, inclusive, for the component';
COMMENT ON COLUMN intake.orders.coverage IS 'covered, chargeable, expired, not_covered, needs_review';
COMMENT ON COLUMN intake.orders.reasons IS 'Why: [{code, evidence}] in policy order';
COMMENT ON COLUMN intake.orders.severity IS 'S1 outage, S2 degraded hardware, S3 everything else';
COMMENT ON COLUMN intake.orders.priority IS 'P1 (most urgent) … P4';
COMMENT ON COLUMN intake.orders.onsite_class IS '4h, next_day, negotiated, unknown (policy §8)';
COMMENT ON COLUMN intake.orders.sla_clock IS '7x24 (gold, wall clock) or 5x8 (silver/unknown, business hours)';
COMMENT ON COLUMN intake.orders.response_due IS 'Remote response deadline (policy §7)';
COMMENT ON COLUMN intake.orders.plan_due IS 'Deadline for a handling plan';
COMMENT ON COLUMN intake.orders.onsite_due IS 'Deadline for an engineer on site; NULL when none applies';
COMMENT ON COLUMN intake.orders.followup_of IS 'For a follow-up stored as its own row: the order it belongs to';
COMMENT ON COLUMN intake.orders.created_at IS 'When the order row was created';
COMMENT ON COLUMN intake.orders.updated_at IS 'When the order last changed';
COMMENT ON COLUMN intake.orders.sla_dirty IS 'A pause began or ended: the next poll recomputes the deadlines';
COMMENT ON COLUMN intake.orders.base_response_due IS 'response_due as computed without pauses';
COMMENT ON COLUMN intake.orders.base_plan_due IS 'plan_due as computed without pauses';
COMMENT ON COLUMN intake.orders.base_onsite_due IS 'onsite_due as computed without pauses';
COMMENT ON COLUMN intake.orders.assignee IS 'Engineer the order is assigned to (set by intake.assign); NULL: nobody yet';

-- Which mails belong to an order and what happened to it.
CREATE TABLE intake.order_messages (
  order_id   bigint NOT NULL REFERENCES intake.orders(id),
  message_id bigint NOT NULL UNIQUE REFERENCES intake.messages(id),
  role       text NOT NULL CHECK (role IN ('initial', 'followup')),
  added_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (order_id, message_id)
);
COMMENT ON TABLE intake.order_messages IS 'The mails of an order: the one that opened it and every follow-up';
COMMENT ON COLUMN intake.order_messages.order_id IS 'The order (intake.orders.id)';
COMMENT ON COLUMN intake.order_messages.message_id IS 'The mail (intake.messages.id)';
COMMENT ON COLUMN intake.order_messages.role IS 'initial (opened the order) or followup (a reply attached to it)';
COMMENT ON COLUMN intake.order_messages.added_at IS 'When the mail was attached to the order';

CREATE TABLE intake.audit (
  id        bigserial PRIMARY KEY,
  order_id  bigint NOT NULL REFERENCES intake.orders(id),
  at        timestamptz NOT NULL DEFAULT now(),
  actor     text NOT NULL DEFAULT current_user,
  action    text NOT NULL,
  before    jsonb,
  after     jsonb,
  note      text
);
CREATE INDEX audit_order ON intake.audit (order_id, at);
COMMENT ON TABLE intake.audit IS 'Every change to an order: follow-ups, re-classification, status transitions, SLA pauses';
COMMENT ON COLUMN intake.audit.id IS 'Row id';
COMMENT ON COLUMN intake.audit.order_id IS 'The order (intake.orders.id)';
COMMENT ON COLUMN intake.audit.at IS 'When the change was made';
COMMENT ON COLUMN intake.audit.actor IS 'Database role that made the change (intake_app for the pipeline)';
COMMENT ON COLUMN intake.audit.action IS 'followup, reclassify, reprocess, status, pause, resume, reopen, …';
COMMENT ON COLUMN intake.audit.before IS 'The changed fields before, as JSON';
COMMENT ON COLUMN intake.audit.after IS 'The changed fields after, as JSON';
COMMENT ON COLUMN intake.audit.note IS 'Free text: the reason given, the mail that caused it';

-- ---- SLA pauses ----

-- Policy §7 (the seed''s 如下情况无法按照时效提供服务): the only reasons an SLA clock may stand still.
CREATE TABLE intake.pause_reasons (
  code           text PRIMARY KEY CHECK (code ~ '^[a-z_]+$'),
  description_zh text NOT NULL,
  description_en text NOT NULL
);
COMMENT ON TABLE intake.pause_reasons IS 'Why an order''s SLA clock may be paused (policy §7); intake.pause_sla takes the code';
COMMENT ON COLUMN intake.pause_reasons.code IS 'Reason code, e.g. site_access';
COMMENT ON COLUMN intake.pause_reasons.description_zh IS 'The seed''s wording (Chinese)';
COMMENT ON COLUMN intake.pause_reasons.description_en IS 'The same in English';
INSERT INTO intake.pause_reasons (code, description_zh, description_en) VALUES
  ('production_cannot_stop', '客户生产系统无法停止', 'The customer''s production system cannot be stopped'),
  ('site_access', '人员出入权限问题', 'No access to the site (permits, badges, escorts)'),
  ('customer_schedule', '客户人员工作或时间安排问题', 'The customer''s staff or schedule is not available'),
  ('agreed_with_customer', '融科联创工程师与客户代表人员已经协商一致', 'Agreed with the customer''s representative'),
  ('force_majeure', '不可抗力(火灾、水灾、地震、雷击等)', 'Force majeure (fire, flood, earthquake, lightning)'),
  ('social_unrest', '社会性问题(动乱、战争、罢工、管制等)', 'Social unrest (riots, war, strikes, traffic or access control)'),
  ('utility_outage', '能量供应中断(电力、供水、油料等)', 'Utility outage (power, water, fuel)');

CREATE TABLE intake.sla_pauses (
  id         bigserial PRIMARY KEY,
  order_id   bigint NOT NULL REFERENCES intake.orders(id),
  started_at timestamptz NOT NULL DEFAULT now(),
  ended_at   timestamptz,
  reason     text NOT NULL,
  started_by text NOT NULL DEFAULT current_user,
  ended_by   text,
  note       text,
  CHECK (ended_at IS NULL OR ended_at >= started_at),
  CONSTRAINT sla_pauses_reason_code FOREIGN KEY (reason) REFERENCES intake.pause_reasons (code)
);
CREATE UNIQUE INDEX sla_pauses_one_open ON intake.sla_pauses (order_id) WHERE ended_at IS NULL;
COMMENT ON TABLE intake.sla_pauses IS 'Intervals when an order''s SLA clock stood still (policy §7: production cannot stop, site access, customer schedule, force majeure, social unrest, utility outage)';
COMMENT ON COLUMN intake.sla_pauses.id IS 'Row id';
COMMENT ON COLUMN intake.sla_pauses.order_id IS 'The order (intake.orders.id)';
COMMENT ON COLUMN intake.sla_pauses.started_at IS 'When the clock stopped';
COMMENT ON COLUMN intake.sla_pauses.ended_at IS 'NULL while the clock is still paused';
COMMENT ON COLUMN intake.sla_pauses.reason IS 'Reason code (intake.pause_reasons.code)';
COMMENT ON COLUMN intake.sla_pauses.started_by IS 'Login role that paused the clock';
COMMENT ON COLUMN intake.sla_pauses.ended_by IS 'Login role that resumed it';
COMMENT ON COLUMN intake.sla_pauses.note IS 'Free text given with the pause: who asked, until when';

-- ---- the asset registry ----

-- Policy §2, loaded by `intake assets import FILE.csv` (upsert by SN).
CREATE TABLE intake.assets (
  sn             text PRIMARY KEY CHECK (sn = upper(sn) AND sn <> ''),
  kind           text NOT NULL DEFAULT 'server' CHECK (kind IN ('server','part')),
  brand          text CHECK (brand IN ('supermicro','other')),
  model          text,
  customer       text,
  tier           text CHECK (tier IN ('silver','gold')),
  ship_date      date NOT NULL,
  invoice_date   date,
  warranty_basis text NOT NULL DEFAULT 'ship' CHECK (warranty_basis IN ('ship','invoice','contract')),
  contract_start date,
  contract_years integer CHECK (contract_years BETWEEN 1 AND 30),
  software       text,
  city           text,
  district       text,
  imported_at    timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  CHECK (kind = 'part' OR tier IS NOT NULL)
);
COMMENT ON TABLE intake.assets IS 'Sold servers and parts orders from the ERP (policy §2); one row per SN';
COMMENT ON COLUMN intake.assets.sn IS 'Serial number, upper case (look-ups are case-insensitive)';
COMMENT ON COLUMN intake.assets.kind IS 'server, or part (a parts order, 配件订单)';
COMMENT ON COLUMN intake.assets.brand IS 'Parts orders: supermicro (超微: 1 year free, years 2-3 material fee) or other (3 years)';
COMMENT ON COLUMN intake.assets.model IS 'Model name; wins over the mail''s (a disagreement is reason model_mismatch)';
COMMENT ON COLUMN intake.assets.customer IS 'Customer name';
COMMENT ON COLUMN intake.assets.tier IS 'silver (银牌) or gold (金牌); may be NULL for parts orders';
COMMENT ON COLUMN intake.assets.ship_date IS '出库/出厂 date; before 2025-01-01: the older policy (needs_review)';
COMMENT ON COLUMN intake.assets.invoice_date IS 'Invoice date (warranty basis invoice)';
COMMENT ON COLUMN intake.assets.warranty_basis IS 'Warranty start: ship (ship_date + 30 days), invoice (invoice_date), contract (contract_start)';
COMMENT ON COLUMN intake.assets.contract_start IS 'Contract start (warranty basis contract)';
COMMENT ON COLUMN intake.assets.contract_years IS 'Contract years: replace the machine part/auxiliary/Roycom software years';
COMMENT ON COLUMN intake.assets.software IS ';-separated software sold with the server (SuperAI, SuperHCI, RoycomONE, third-party products)';
COMMENT ON COLUMN intake.assets.city IS 'Installation city; fills the location when the mail names none';
COMMENT ON COLUMN intake.assets.district IS 'Installation district';
COMMENT ON COLUMN intake.assets.imported_at IS 'When the row was first imported';
COMMENT ON COLUMN intake.assets.updated_at IS 'When an import last changed it';
