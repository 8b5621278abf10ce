-- Blind round 19: an acknowledgement said "设备型号：（未识别到）" (model not recognised) for a machine
-- the registry knows, because since round 17 only what the mail named is said back (the registry's
-- model and place would tell whoever writes an SN where that machine stands). The text on_file now
-- stands for a value we have on file but do not repeat.
INSERT INTO intake.ack_texts (language, key, text, description) VALUES
('zh', 'on_file', '（以我司登记信息为准）', 'Shown for a model or place the registry has and the mail did not name (not said back)'),
('en', 'on_file', '(as in our records)', 'Shown for a model or place the registry has and the mail did not name (not said back)')
ON CONFLICT (language, key) DO NOTHING;
COMMENT ON COLUMN intake.ack_texts.key IS 'subject, body, field.<name> (missing-field labels), hint.sn, coverage.<coverage>, tier.<tier>, onsite.<rule>, unit.minutes, unit.hours, unknown, on_file (a value on file, not said back), subject.empty';
