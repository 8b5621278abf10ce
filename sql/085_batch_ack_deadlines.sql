-- Blind round 9 (acknowledgements as customers receive them): a mail reporting several machines got one
-- acknowledgement in which each machine showed only its remote-response deadline; the customer whose
-- machine would not boot was never told when the handling plan or the engineer on site was due
-- (policy §9: the commitments for the tier). machine.item now names all three. 054 carries the new
-- texts for new databases; here a database migrated before gets them, unless ops changed the old ones.

UPDATE intake.ack_texts SET text = $t$
{{index}}. 服务单号 {{order_no}}
   设备SN：{{#sn}}{{sn}}{{/sn}}{{^sn}}{{unknown}}{{/sn}}；设备型号：{{#model}}{{model}}{{/model}}{{^model}}{{unknown}}{{/model}}
   问题描述：{{#symptoms}}{{symptoms}}{{/symptoms}}{{^symptoms}}{{unknown}}{{/symptoms}}
{{#coverage_text}}
   {{coverage_text}}
{{/coverage_text}}
{{#response_due}}
   {{tier_name}}：远程响应不晚于 {{response_due}}{{#plan_due}}，处理方案不晚于 {{plan_due}}{{/plan_due}}{{#onsite_due}}，工程师到场不晚于 {{onsite_due}}{{/onsite_due}}（北京时间）
{{/response_due}}
$t$, description = 'One order of a batch acknowledgement: number, SN, model, problem, coverage and its deadlines'
 WHERE language = 'zh' AND key = 'machine.item' AND text = $t$
{{index}}. 服务单号 {{order_no}}
   设备SN：{{#sn}}{{sn}}{{/sn}}{{^sn}}{{unknown}}{{/sn}}；设备型号：{{#model}}{{model}}{{/model}}{{^model}}{{unknown}}{{/model}}
   问题描述：{{#symptoms}}{{symptoms}}{{/symptoms}}{{^symptoms}}{{unknown}}{{/symptoms}}
{{#coverage_text}}
   {{coverage_text}}
{{/coverage_text}}
{{#response_due}}
   {{tier_name}}：远程响应不晚于 {{response_due}}（北京时间）
{{/response_due}}
$t$;

UPDATE intake.ack_texts SET text = $t$
{{index}}. Service order {{order_no}}
   SN: {{#sn}}{{sn}}{{/sn}}{{^sn}}{{unknown}}{{/sn}}; model: {{#model}}{{model}}{{/model}}{{^model}}{{unknown}}{{/model}}
   Problem: {{#symptoms}}{{symptoms}}{{/symptoms}}{{^symptoms}}{{unknown}}{{/symptoms}}
{{#coverage_text}}
   {{coverage_text}}
{{/coverage_text}}
{{#response_due}}
   {{tier_name}}: remote response by {{response_due}}{{#plan_due}}, handling plan by {{plan_due}}{{/plan_due}}{{#onsite_due}}, engineer on site by {{onsite_due}}{{/onsite_due}} (UTC+8)
{{/response_due}}
$t$, description = 'One order of a batch acknowledgement: number, SN, model, problem, coverage and its deadlines'
 WHERE language = 'en' AND key = 'machine.item' AND text = $t$
{{index}}. Service order {{order_no}}
   SN: {{#sn}}{{sn}}{{/sn}}{{^sn}}{{unknown}}{{/sn}}; model: {{#model}}{{model}}{{/model}}{{^model}}{{unknown}}{{/model}}
   Problem: {{#symptoms}}{{symptoms}}{{/symptoms}}{{^symptoms}}{{unknown}}{{/symptoms}}
{{#coverage_text}}
   {{coverage_text}}
{{/coverage_text}}
{{#response_due}}
   {{tier_name}}: remote response by {{response_due}} (UTC+8)
{{/response_due}}
$t$;
