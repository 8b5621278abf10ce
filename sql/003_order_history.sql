-- Which mails belong to an order, what happened to it, and when its SLA clock was paused.
CREATE TABLE intake.order_messages (
  order_id   bigint NOT NULL REFERENCES intake.orders(id),
  message_id bigint NOT NULL UNIQUE REFERENCES intake.messages(id),
  role       text NOT NULL CHECK (role IN ('initial', 'followup')),
  added_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (order_id, message_id)
);
COMMENT ON TABLE intake.order_messages IS 'The mails of an order: the one that opened it and every follow-up';
COMMENT ON COLUMN intake.order_messages.role IS 'initial (opened the order) or followup (a reply attached to it)';

INSERT INTO intake.order_messages (order_id, message_id, role)
SELECT id, message_id, 'initial' FROM intake.orders
ON CONFLICT DO NOTHING;

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
COMMENT ON COLUMN intake.audit.actor IS 'Database role that made the change (intake_app for the pipeline)';
COMMENT ON COLUMN intake.audit.action IS 'followup, reclassify, reprocess, status, pause, resume, reopen, …';
COMMENT ON COLUMN intake.audit.before IS 'The changed fields before, as JSON';
COMMENT ON COLUMN intake.audit.after IS 'The changed fields after, as JSON';
COMMENT ON COLUMN intake.audit.note IS 'Free text: the reason given, the mail that caused it';

CREATE TABLE intake.sla_pauses (
  id         bigserial PRIMARY KEY,
  order_id   bigint NOT NULL REFERENCES intake.orders(id),
  started_at timestamptz NOT NULL DEFAULT now(),
  ended_at   timestamptz,
  reason     text NOT NULL,
  started_by text NOT NULL DEFAULT current_user,
  ended_by   text,
  CHECK (ended_at IS NULL OR ended_at >= started_at)
);
CREATE UNIQUE INDEX sla_pauses_one_open ON intake.sla_pauses (order_id) WHERE ended_at IS NULL;
COMMENT ON TABLE intake.sla_pauses IS 'Intervals when an order''s SLA clock stood still (policy §7: production cannot stop, site access, customer schedule, force majeure, social unrest, utility outage)';
COMMENT ON COLUMN intake.sla_pauses.ended_at IS 'NULL while the clock is still paused';

ALTER TABLE intake.orders
  ADD COLUMN sla_dirty boolean NOT NULL DEFAULT false,
  ADD COLUMN base_response_due timestamptz,
  ADD COLUMN base_plan_due timestamptz,
  ADD COLUMN base_onsite_due timestamptz;
COMMENT ON COLUMN intake.orders.sla_dirty IS 'A pause began or ended: the next poll recomputes the deadlines';
COMMENT ON COLUMN intake.orders.base_response_due IS 'response_due as computed without pauses';
COMMENT ON COLUMN intake.orders.base_plan_due IS 'plan_due as computed without pauses';
COMMENT ON COLUMN intake.orders.base_onsite_due IS 'onsite_due as computed without pauses';
