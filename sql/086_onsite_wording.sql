-- Blind round 9 (acknowledgements as customers receive them): the on-site line of a gold P1 in a 4h
-- area read "4 小时内（7x24 ND）" — ND is the desk's shorthand for next day, beside a 4-hour promise. The
-- elapsed rule's text names the clock only; 031 carries it for new databases, this updates one
-- migrated before unless ops changed the text.
UPDATE intake.ack_texts SET text = '{{duration}}（7x24）',
       description = 'On-site rule elapsed: the time since the mail came, on the wall clock'
 WHERE language = 'zh' AND key = 'onsite.elapsed' AND text = '{{duration}}（7x24 ND）';
UPDATE intake.ack_texts SET text = '{{duration}} (7x24)',
       description = 'On-site rule elapsed: the time since the mail came, on the wall clock'
 WHERE language = 'en' AND key = 'onsite.elapsed' AND text = '{{duration}} (7x24 ND)';
