-- Several machines in one mail (issue 15): one order per machine the mail reports, all opened by
-- the same message, each classified on its own; ONE acknowledgement per mail lists them all.
-- Exactly once stays provable in the schema: an order is (message, machine_index), and the outbox
-- holds at most one row per mail.

-- ---- orders: (message_id, machine_index) instead of message_id alone ----
ALTER TABLE intake.orders ADD COLUMN machine_index integer NOT NULL DEFAULT 0 CHECK (machine_index >= 0);
COMMENT ON COLUMN intake.orders.machine_index IS 'Which machine of its mail the order is about: 0 for a mail about one machine (or the first of several), 1, 2, … for the others of a batch report (contract.md machines[i])';

-- The old UNIQUE (message_id): found by its definition, whatever its name.
DO $$
DECLARE
  c text;
BEGIN
  FOR c IN SELECT conname FROM pg_constraint
            WHERE conrelid = 'intake.orders'::regclass AND contype = 'u'
              AND conkey = ARRAY[(SELECT attnum FROM pg_attribute
                                   WHERE attrelid = 'intake.orders'::regclass AND attname = 'message_id')] LOOP
    EXECUTE format('ALTER TABLE intake.orders DROP CONSTRAINT %I', c);
  END LOOP;
  FOR c IN SELECT conname FROM pg_constraint
            WHERE conrelid = 'intake.order_messages'::regclass AND contype = 'u'
              AND conkey = ARRAY[(SELECT attnum FROM pg_attribute
                                   WHERE attrelid = 'intake.order_messages'::regclass AND attname = 'message_id')] LOOP
    EXECUTE format('ALTER TABLE intake.order_messages DROP CONSTRAINT %I', c);
  END LOOP;
END
$$;
-- A crash, a re-run or two polls at once cannot make a machine's order twice.
ALTER TABLE intake.orders ADD CONSTRAINT orders_message_machine_key UNIQUE (message_id, machine_index);
COMMENT ON COLUMN intake.orders.message_id IS 'The mail that opened the order (intake.messages.id); a mail reporting several machines opened one order per machine (machine_index)';

-- A follow-up mail still belongs to one order; the mail that opened a batch is the initial mail of each.
CREATE UNIQUE INDEX order_messages_one_followup ON intake.order_messages (message_id) WHERE role = 'followup';
CREATE INDEX order_messages_message ON intake.order_messages (message_id);
COMMENT ON TABLE intake.order_messages IS 'The mails of an order: the one that opened it (initial: of every order of a batch report) and every follow-up (of one order only)';

-- ---- outbox: at most one acknowledgement per mail ----
-- The row belongs to the mail's first order (machine_index 0); the other orders of the mail are
-- listed in its text. mail_id is set from the order, so no caller can get it wrong.
ALTER TABLE intake.outbox ADD COLUMN mail_id bigint REFERENCES intake.messages(id);
UPDATE intake.outbox b SET mail_id = o.message_id FROM intake.orders o WHERE o.id = b.order_id;
ALTER TABLE intake.outbox ALTER COLUMN mail_id SET NOT NULL;
ALTER TABLE intake.outbox ADD CONSTRAINT outbox_mail_key UNIQUE (mail_id);
COMMENT ON COLUMN intake.outbox.mail_id IS 'The customer''s mail acknowledged (intake.messages.id, set from the order); unique: one acknowledgement per mail, whatever the number of orders it opened';
COMMENT ON COLUMN intake.outbox.order_id IS 'The order acknowledged (intake.orders.id); unique: one acknowledgement per order. For a mail with several machines: its first order (machine_index 0), the text lists every order of the mail';
COMMENT ON TABLE intake.outbox IS 'Acknowledgements to customers (policy §9): one per mail at most (a batch report''s lists all its orders), rendered when the orders were stored; failed rows need ops';

CREATE FUNCTION intake.outbox_set_mail()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  SELECT o.message_id INTO NEW.mail_id FROM intake.orders o WHERE o.id = NEW.order_id;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION intake.outbox_set_mail() IS 'Trigger: an outbox row''s mail_id is its order''s mail (intake.orders.message_id)';
CREATE TRIGGER outbox_set_mail BEFORE INSERT OR UPDATE OF order_id ON intake.outbox
  FOR EACH ROW EXECUTE FUNCTION intake.outbox_set_mail();

-- ---- the acknowledgement of a batch report: its own subject and body, and one item per order ----
INSERT INTO intake.ack_texts (language, key, text, description) VALUES
('zh', 'subject.batch', 'Re: [{{order_no}} 等{{machine_count}}单] {{subject}}', 'Subject of a mail reporting several machines: the first order number and how many orders'),
('zh', 'body.batch', $t$
{{#name}}{{name}}，{{/name}}您好！

我们已收到您的来信。您报修了 {{machine_count}} 台设备，每台设备一个服务单：

{{machines_list}}

后续来信请在邮件主题中保留相关设备的服务单号，以便归入对应的服务单。

设备所在位置：{{#location}}{{location}}{{/location}}{{^location}}{{unknown}}{{/location}}

{{#missing}}
为尽快为您处理，请直接回复本邮件，补充以下信息：
{{missing_list}}

{{/missing}}
服务邮箱 service@roycom.com.cn 的工作时间为 5x8（工作日 9:00-17:00）；紧急情况请拨打 7x24 服务热线 400-018-8995。

此邮件由系统自动发送。
融科联创服务支持
$t$, 'The body of a mail reporting several machines (plain text); machines_list holds one machine.item per order'),
('zh', 'machine.item', $t$
{{index}}. 服务单号 {{order_no}}
   设备SN：{{#sn}}{{sn}}{{/sn}}{{^sn}}{{unknown}}{{/sn}}；设备型号：{{#model}}{{model}}{{/model}}{{^model}}{{unknown}}{{/model}}
   问题描述：{{#symptoms}}{{symptoms}}{{/symptoms}}{{^symptoms}}{{unknown}}{{/symptoms}}
{{#coverage_text}}
   {{coverage_text}}
{{/coverage_text}}
{{#response_due}}
   {{tier_name}}：远程响应不晚于 {{response_due}}{{#plan_due}}，处理方案不晚于 {{plan_due}}{{/plan_due}}{{#onsite_due}}，工程师到场不晚于 {{onsite_due}}{{/onsite_due}}（北京时间）
{{/response_due}}
$t$, 'One order of a batch acknowledgement: number, SN, model, problem, coverage and its deadlines'),
('en', 'subject.batch', 'Re: [{{order_no}} +{{more_count}}] {{subject}}', 'Subject of a mail reporting several machines: the first order number and how many more'),
('en', 'body.batch', $t$
{{#name}}Dear {{name}},{{/name}}{{^name}}Dear customer,{{/name}}

We have received your mail. You reported {{machine_count}} devices; each has its own service order:

{{machines_list}}

Please keep the order number of the device concerned in the subject of any further mail about it.

Location: {{#location}}{{location}}{{/location}}{{^location}}{{unknown}}{{/location}}

{{#missing}}
To help you quickly, please reply to this mail with:
{{missing_list}}

{{/missing}}
The service mailbox service@roycom.com.cn is staffed 5x8 (working days 9:00-17:00 UTC+8). For urgent cases, call our 7x24 hotline 400-018-8995.

This mail was sent automatically.
Roycom Service Support
$t$, 'The body of a mail reporting several machines (plain text); machines_list holds one machine.item per order'),
('en', 'machine.item', $t$
{{index}}. Service order {{order_no}}
   SN: {{#sn}}{{sn}}{{/sn}}{{^sn}}{{unknown}}{{/sn}}; model: {{#model}}{{model}}{{/model}}{{^model}}{{unknown}}{{/model}}
   Problem: {{#symptoms}}{{symptoms}}{{/symptoms}}{{^symptoms}}{{unknown}}{{/symptoms}}
{{#coverage_text}}
   {{coverage_text}}
{{/coverage_text}}
{{#response_due}}
   {{tier_name}}: remote response by {{response_due}}{{#plan_due}}, handling plan by {{plan_due}}{{/plan_due}}{{#onsite_due}}, engineer on site by {{onsite_due}}{{/onsite_due}} (UTC+8)
{{/response_due}}
$t$, 'One order of a batch acknowledgement: number, SN, model, problem, coverage and its deadlines')
ON CONFLICT (language, key) DO NOTHING;

INSERT INTO intake.role_grants (object, kind, intake_app, intake_ops) VALUES
  ('outbox_set_mail()', 'function', 'execute', NULL);
SELECT intake.apply_grants();
