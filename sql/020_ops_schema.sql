-- Ops in psql, part 1: assignee, SLA pause reasons, the allowed status transitions, and a COMMENT
-- on every column that 001-015 left without one (so \d+ explains every column).

ALTER TABLE intake.orders ADD COLUMN IF NOT EXISTS assignee text;
COMMENT ON COLUMN intake.orders.assignee IS 'Engineer the order is assigned to (set by intake.assign); NULL: nobody yet';

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

-- Pauses made by intake.pause_sla carry a reason code; older free-text rows stay (NOT VALID).
ALTER TABLE intake.sla_pauses ADD COLUMN IF NOT EXISTS note text;
ALTER TABLE intake.sla_pauses
  ADD CONSTRAINT sla_pauses_reason_code FOREIGN KEY (reason) REFERENCES intake.pause_reasons (code) NOT VALID;
COMMENT ON COLUMN intake.sla_pauses.id IS 'Row id';
COMMENT ON COLUMN intake.sla_pauses.order_id IS 'The order (intake.orders.id)';
COMMENT ON COLUMN intake.sla_pauses.started_at IS 'When the clock stopped';
COMMENT ON COLUMN intake.sla_pauses.reason IS 'Reason code (intake.pause_reasons.code)';
COMMENT ON COLUMN intake.sla_pauses.note IS 'Free text given with the pause: who asked, until when';
COMMENT ON COLUMN intake.sla_pauses.started_by IS 'Login role that paused the clock';
COMMENT ON COLUMN intake.sla_pauses.ended_by IS 'Login role that resumed it';

-- The status machine, as data: intake.set_status and its short forms refuse every other move.
CREATE TABLE intake.status_transitions (
  from_status text NOT NULL,
  to_status   text NOT NULL,
  action      text NOT NULL CHECK (action IN ('status', 'reopen')),
  PRIMARY KEY (from_status, to_status)
);
COMMENT ON TABLE intake.status_transitions IS 'Allowed status changes (intake.set_status, assign, start, wait_customer, resolve, close, reopen); anything else is refused';
COMMENT ON COLUMN intake.status_transitions.from_status IS 'Status before';
COMMENT ON COLUMN intake.status_transitions.to_status IS 'Status after';
COMMENT ON COLUMN intake.status_transitions.action IS 'The intake.audit action written: status, or reopen (back from resolved/closed)';
INSERT INTO intake.status_transitions (from_status, to_status, action) VALUES
  ('needs_review', 'queued', 'status'),
  ('needs_review', 'assigned', 'status'),
  ('queued', 'assigned', 'status'),
  ('assigned', 'in_progress', 'status'),
  ('in_progress', 'waiting_customer', 'status'),
  ('waiting_customer', 'in_progress', 'status'),
  ('in_progress', 'resolved', 'status'),
  ('waiting_customer', 'resolved', 'status'),
  ('resolved', 'closed', 'status'),
  ('resolved', 'in_progress', 'reopen'),
  ('closed', 'queued', 'reopen');

-- Columns 001-015 left without a COMMENT.
COMMENT ON COLUMN intake.schema_migrations.name IS 'Migration file name (sql/NNN_*.sql)';
COMMENT ON COLUMN intake.schema_migrations.applied_at IS 'When intake db migrate applied it';

COMMENT ON COLUMN intake.mailboxes.id IS 'Row id';
COMMENT ON COLUMN intake.mailboxes.last_error_at IS 'When last_error happened; an error after last_success means the mailbox is failing now';
COMMENT ON COLUMN intake.mailboxes.updated_at IS 'When the row last changed';

COMMENT ON COLUMN intake.messages.id IS 'Row id';
COMMENT ON COLUMN intake.messages.message_id IS 'Message-ID header, without <>; NULL when the mail has none';
COMMENT ON COLUMN intake.messages.from_addr IS 'Sender address (From:)';
COMMENT ON COLUMN intake.messages.from_display IS 'Sender display name (From:), decoded';
COMMENT ON COLUMN intake.messages.subject IS 'Subject, decoded';
COMMENT ON COLUMN intake.messages.size IS 'Size of raw in bytes';
COMMENT ON COLUMN intake.messages.fetched_at IS 'When intake fetched and stored it';

COMMENT ON COLUMN intake.mailbox_uids.mailbox_id IS 'The mailbox (intake.mailboxes.id)';
COMMENT ON COLUMN intake.mailbox_uids.uidvalidity IS 'IMAP UIDVALIDITY when the mail was fetched';
COMMENT ON COLUMN intake.mailbox_uids.uid IS 'IMAP UID of the mail in that mailbox';
COMMENT ON COLUMN intake.mailbox_uids.message_id IS 'The stored mail (intake.messages.id)';
COMMENT ON COLUMN intake.mailbox_uids.committed_at IS 'When the mail was committed here';

COMMENT ON COLUMN intake.order_counters.day IS 'Local date (Asia/Shanghai) of the order numbers';
COMMENT ON COLUMN intake.order_counters.last_seq IS 'Last sequence number given out that day';

COMMENT ON COLUMN intake.orders.id IS 'Row id (other tables refer to it as order_id)';
COMMENT ON COLUMN intake.orders.from_addr IS 'Customer''s address (From: of the first mail)';
COMMENT ON COLUMN intake.orders.subject IS 'Subject of the first mail';
COMMENT ON COLUMN intake.orders.model IS 'Device model (the registry''s when the SN is registered)';
COMMENT ON COLUMN intake.orders.symptoms IS 'The customer''s description of the problem (问题描述)';
COMMENT ON COLUMN intake.orders.contact IS 'Contact person on site (联系人)';
COMMENT ON COLUMN intake.orders.phone IS 'Contact phone (联系方式)';
COMMENT ON COLUMN intake.orders.address IS 'Street address of the device (设备所在地址)';
COMMENT ON COLUMN intake.orders.city IS 'City of the device, e.g. 北京市 (from the mail, else the registry)';
COMMENT ON COLUMN intake.orders.district IS 'District of the device, e.g. 海淀区';
COMMENT ON COLUMN intake.orders.sn_candidates IS 'Every SN the mail named (sn is the one the symptoms are about)';
COMMENT ON COLUMN intake.orders.component IS 'Component the request is about (policy §4): machine_part, gpu, system, unknown, …';
COMMENT ON COLUMN intake.orders.warranty_start IS 'Warranty start date (policy §3)';
COMMENT ON COLUMN intake.orders.warranty_end IS 'Warranty end date, inclusive, for the component';
COMMENT ON COLUMN intake.orders.severity IS 'S1 outage, S2 degraded hardware, S3 everything else';
COMMENT ON COLUMN intake.orders.sla_clock IS '7x24 (gold, wall clock) or 5x8 (silver/unknown, business hours)';
COMMENT ON COLUMN intake.orders.followup_of IS 'For a follow-up stored as its own row: the order it belongs to';
COMMENT ON COLUMN intake.orders.created_at IS 'When the order row was created';
COMMENT ON COLUMN intake.orders.updated_at IS 'When the order last changed';

COMMENT ON COLUMN intake.order_messages.order_id IS 'The order (intake.orders.id)';
COMMENT ON COLUMN intake.order_messages.message_id IS 'The mail (intake.messages.id)';
COMMENT ON COLUMN intake.order_messages.added_at IS 'When the mail was attached to the order';

COMMENT ON COLUMN intake.audit.id IS 'Row id';
COMMENT ON COLUMN intake.audit.order_id IS 'The order (intake.orders.id)';
COMMENT ON COLUMN intake.audit.at IS 'When the change was made';

COMMENT ON COLUMN intake.service_areas.id IS 'Row id';
