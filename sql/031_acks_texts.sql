-- Baseline, part 6: the acknowledgement texts (policy §9), Chinese and English: templates as data.
-- Ops change a text with
--   UPDATE intake.ack_texts SET text = $$…$$ WHERE language = 'zh' AND key = 'body';
-- and the next queued acknowledgement uses it (no rebuild). Syntax: {{name}} inserts a value,
-- {{#name}}…{{/name}} keeps the text only when the value is non-empty, {{^name}}…{{/name}} only
-- when it is empty; a line holding nothing but such a tag disappears. Values are listed in
-- acks/acks.h (order_no, subject, name, sn, model, symptoms, location, missing, missing_list, …).
CREATE TABLE intake.ack_texts (
  language    text NOT NULL CHECK (language ~ '^[a-z]{2}$'),
  key         text NOT NULL,
  text        text NOT NULL,
  description text,
  PRIMARY KEY (language, key)
);
COMMENT ON TABLE intake.ack_texts IS 'Texts of the acknowledgement mail by language (zh, en): the body and subject templates and the labels they use; zh is the fallback';
COMMENT ON COLUMN intake.ack_texts.language IS 'zh or en (the customer''s language as the parser detected it)';
COMMENT ON COLUMN intake.ack_texts.key IS 'subject, body, field.<name> (missing-field labels), hint.sn, coverage.<coverage>, tier.<tier>, onsite.<rule>, unit.minutes, unit.hours, unknown, subject.empty';
COMMENT ON COLUMN intake.ack_texts.text IS 'The text; {{name}} placeholders are filled from the order';
COMMENT ON COLUMN intake.ack_texts.description IS 'What the text is for';

INSERT INTO intake.ack_texts (language, key, text, description) VALUES
('zh', 'subject', 'Re: [{{order_no}}] {{subject}}', 'Subject: the order number in brackets, then the customer''s subject'),
('zh', 'subject.empty', '服务请求', 'Stands for the customer''s subject when it was empty'),
('zh', 'unknown', '（未识别到）', 'Shown for a value we did not understand'),
('zh', 'body', $t$
{{#name}}{{name}}，{{/name}}您好！

我们已收到您的来信，服务单号为 {{order_no}}。后续来信请保留邮件主题中的服务单号，以便归入同一服务单。

我们从来信中了解到：
  设备SN：{{#sn}}{{sn}}{{/sn}}{{^sn}}{{unknown}}{{/sn}}
  设备型号：{{#model}}{{model}}{{/model}}{{^model}}{{unknown}}{{/model}}
  问题描述：{{#symptoms}}{{symptoms}}{{/symptoms}}{{^symptoms}}{{unknown}}{{/symptoms}}
  设备所在位置：{{#location}}{{location}}{{/location}}{{^location}}{{unknown}}{{/location}}

{{#missing}}
为尽快为您处理，请直接回复本邮件，补充以下信息：
{{missing_list}}

{{/missing}}
{{#coverage_text}}
{{coverage_text}}

{{/coverage_text}}
{{#sla}}
服务时效（{{tier_name}}）：
  远程响应：{{response_commitment}}{{#response_due}}，不晚于 {{response_due}}（北京时间）{{/response_due}}
  处理方案：{{plan_commitment}}{{#plan_due}}，不晚于 {{plan_due}}（北京时间）{{/plan_due}}
  人员现场服务：{{onsite_commitment}}{{#onsite_due}}，不晚于 {{onsite_due}}（北京时间）{{/onsite_due}}

{{/sla}}
服务邮箱 service@roycom.com.cn 的工作时间为 5x8（工作日 9:00-17:00）；紧急情况请拨打 7x24 服务热线 400-018-8995。

此邮件由系统自动发送。
融科联创服务支持
$t$, 'The body (plain text)'),
('zh', 'field.sn', '设备SN', 'Label of a missing field'),
('zh', 'field.model', '设备型号', 'Label of a missing field'),
('zh', 'field.symptoms', '问题描述（请尽量描述清楚您遇到的问题）', 'Label of a missing field'),
('zh', 'field.address', '设备所在地址', 'Label of a missing field'),
('zh', 'field.contact', '联系人', 'Label of a missing field'),
('zh', 'field.phone', '联系方式（电话）', 'Label of a missing field'),
('zh', 'field.location', '机器使用所在位置（城市、区县）', 'Label of a missing field'),
('zh', 'hint.sn', '设备SN位于机器顶部左下角', 'Where the SN label is (the seed''s hint), added to a missing SN'),
('zh', 'coverage.covered', '根据登记信息，设备 {{sn}} 在保修期内{{#warranty_end}}（保修至 {{warranty_end}}）{{/warranty_end}}。', 'Coverage covered'),
('zh', 'coverage.chargeable', '根据登记信息，该配件已过免费保修期，维修时需收取物料费用，工程师会与您确认。', 'Coverage chargeable'),
('zh', 'coverage.expired', '根据登记信息，设备已过保修期{{#warranty_end}}（保修至 {{warranty_end}}）{{/warranty_end}}。保外维修与续保为收费服务，工程师会与您联系说明。', 'Coverage expired'),
('zh', 'coverage.not_covered', '您描述的问题可能不在保修服务范围内，工程师会与您联系说明可提供的服务。', 'Coverage not_covered'),
('zh', 'coverage.value_added', '您咨询的是增值服务，销售经理会与您联系。', 'Kind value_added'),
('zh', 'coverage.needs_review', '您的设备保修状态正在核实中，核实后工程师会与您确认。', 'Coverage needs_review: no promise yet'),
('zh', 'tier.gold', '金牌服务', 'Tier name'),
('zh', 'tier.silver', '银牌服务', 'Tier name'),
('zh', 'tier.unknown', '服务等级核实中，暂按标准服务', 'Tier not known (SN not registered)'),
('zh', 'unit.minutes', '{{n}} 分钟内', 'A duration in minutes'),
('zh', 'unit.hours', '{{n}} 小时内', 'A duration in hours'),
('zh', 'clock.5x8', '（按 5x8 工作时间计）', 'Added after durations on the 5x8 clock'),
('zh', 'clock.7x24', '（7x24）', 'Added after durations on the 7x24 clock'),
('zh', 'onsite.nbd', '下一个工作日 17:00 前（5x8 NBD）', 'On-site rule nbd'),
('zh', 'onsite.elapsed', '{{duration}}（7x24）', 'On-site rule elapsed: the time since the mail came, on the wall clock'),
('zh', 'onsite.none', '如需现场服务，到场时间由工程师与您协商确认', 'No on-site deadline applies'),

('en', 'subject', 'Re: [{{order_no}}] {{subject}}', 'Subject: the order number in brackets, then the customer''s subject'),
('en', 'subject.empty', 'Service request', 'Stands for the customer''s subject when it was empty'),
('en', 'unknown', '(not found in your mail)', 'Shown for a value we did not understand'),
('en', 'body', $t$
{{#name}}Dear {{name}},{{/name}}{{^name}}Dear customer,{{/name}}

We have received your mail. Your service order number is {{order_no}}. Please keep it in the subject of any further mail about this request.

What we understood from your mail:
  Serial number (SN): {{#sn}}{{sn}}{{/sn}}{{^sn}}{{unknown}}{{/sn}}
  Model: {{#model}}{{model}}{{/model}}{{^model}}{{unknown}}{{/model}}
  Problem: {{#symptoms}}{{symptoms}}{{/symptoms}}{{^symptoms}}{{unknown}}{{/symptoms}}
  Location: {{#location}}{{location}}{{/location}}{{^location}}{{unknown}}{{/location}}

{{#missing}}
To help you quickly, please reply to this mail with:
{{missing_list}}

{{/missing}}
{{#coverage_text}}
{{coverage_text}}

{{/coverage_text}}
{{#sla}}
Service commitments ({{tier_name}}):
  Remote response: {{response_commitment}}{{#response_due}}, by {{response_due}} (UTC+8){{/response_due}}
  Handling plan: {{plan_commitment}}{{#plan_due}}, by {{plan_due}} (UTC+8){{/plan_due}}
  Engineer on site: {{onsite_commitment}}{{#onsite_due}}, by {{onsite_due}} (UTC+8){{/onsite_due}}

{{/sla}}
The service mailbox service@roycom.com.cn is staffed 5x8 (working days 9:00-17:00 UTC+8). For urgent cases, call our 7x24 hotline 400-018-8995.

This mail was sent automatically.
Roycom Service Support
$t$, 'The body (plain text)'),
('en', 'field.sn', 'Serial number (SN) of the device', 'Label of a missing field'),
('en', 'field.model', 'Model of the device', 'Label of a missing field'),
('en', 'field.symptoms', 'Description of the problem', 'Label of a missing field'),
('en', 'field.address', 'Street address of the device', 'Label of a missing field'),
('en', 'field.contact', 'Contact person', 'Label of a missing field'),
('en', 'field.phone', 'Contact phone number', 'Label of a missing field'),
('en', 'field.location', 'City (and district) where the device is used', 'Label of a missing field'),
('en', 'hint.sn', 'the SN label is at the top of the machine, lower-left corner', 'Where the SN label is'),
('en', 'coverage.covered', 'According to our records, device {{sn}} is under warranty{{#warranty_end}} until {{warranty_end}}{{/warranty_end}}.', 'Coverage covered'),
('en', 'coverage.chargeable', 'According to our records, this part is past its free warranty: a material fee applies to a repair; an engineer will confirm with you.', 'Coverage chargeable'),
('en', 'coverage.expired', 'According to our records, the warranty of this device has ended{{#warranty_end}} ({{warranty_end}}){{/warranty_end}}. Out-of-warranty repair and renewal are paid services; an engineer will contact you.', 'Coverage expired'),
('en', 'coverage.not_covered', 'The problem you describe may not be covered by the warranty; an engineer will contact you about the services available.', 'Coverage not_covered'),
('en', 'coverage.value_added', 'You asked about a value-added service: a sales manager will contact you.', 'Kind value_added'),
('en', 'coverage.needs_review', 'The warranty status of your device is being checked; an engineer will confirm it with you.', 'Coverage needs_review: no promise yet'),
('en', 'tier.gold', 'Gold service', 'Tier name'),
('en', 'tier.silver', 'Silver service', 'Tier name'),
('en', 'tier.unknown', 'service level being checked; standard service meanwhile', 'Tier not known'),
('en', 'unit.minutes', 'within {{n}} minutes', 'A duration in minutes'),
('en', 'unit.hours', 'within {{n}} hours', 'A duration in hours'),
('en', 'clock.5x8', ' (5x8 business hours)', 'Added after durations on the 5x8 clock'),
('en', 'clock.7x24', ' (7x24)', 'Added after durations on the 7x24 clock'),
('en', 'onsite.nbd', 'by 17:00 on the next business day (5x8 NBD)', 'On-site rule nbd'),
('en', 'onsite.elapsed', '{{duration}} (7x24)', 'On-site rule elapsed: the time since the mail came, on the wall clock'),
('en', 'onsite.none', 'if a visit is needed, the engineer will agree the time with you', 'No on-site deadline applies');
