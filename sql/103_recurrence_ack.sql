-- Blind round 12b: a customer who wrote "又宕机了" in the thread of a closed order got an
-- acknowledgement with a new order number and not a word why. The body now says it, in a section
-- that shows only for such an order ({{recurrence_of}}, the closed order's number). Added after the
-- sentence about the order number where the body still has it (a body ops rewrote without it is left
-- as it is: add the section by hand, see docs/ops.md).
UPDATE intake.ack_texts
   SET text = replace(text, '以便归入同一服务单。',
                      E'以便归入同一服务单。\n{{#recurrence_of}}\n您在已关闭的服务单 {{recurrence_of}} 的邮件中报告了故障再次出现，我们已为此新建上述服务单，按新的故障处理。\n{{/recurrence_of}}')
 WHERE language = 'zh' AND key = 'body'
   AND position('{{#recurrence_of}}' IN text) = 0 AND position('以便归入同一服务单。' IN text) > 0;
UPDATE intake.ack_texts
   SET text = replace(text, 'Please keep it in the subject of any further mail about this request.',
                      E'Please keep it in the subject of any further mail about this request.\n{{#recurrence_of}}\nYou reported the fault again in the thread of the closed order {{recurrence_of}}: this new order handles it as a new fault.\n{{/recurrence_of}}')
 WHERE language = 'en' AND key = 'body'
   AND position('{{#recurrence_of}}' IN text) = 0
   AND position('Please keep it in the subject of any further mail about this request.' IN text) > 0;
