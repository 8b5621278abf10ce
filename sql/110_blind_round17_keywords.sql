-- Blind round 17: "机器上电没反应" (it does not power on) was S3, not S1; "电源模块插上去不通电，电源指示灯不亮"
-- (a dead PSU), "风扇转速为 0" were S3, not S2; "从亦庄搬到这边以后", "挪到新机柜后" and
-- "moved to the new site" were no relocation (policy §5.3); "屏幕黑屏，键盘无响应" of a hung server made it a
-- peripheral (3 years of warranty instead of the server's).
-- The rows were added to seed/keywords.tsv for new databases; this inserts them, in seed order, where
-- a database seeded before has none.

INSERT INTO intake.keywords (category, code, keyword, requires, note)
SELECT v.category, v.code, v.keyword, v.requires, v.note
  FROM (VALUES
  (1, 'severity', 'S1', '上电没反应', NULL, 'powered on, nothing happens: it does not power on'),
  (2, 'severity', 'S1', '上电无反应', NULL, 'powered on, nothing happens'),
  (3, 'severity', 'S1', '上电没有反应', NULL, 'powered on, nothing happens'),
  (4, 'severity', 'S1', '加电没反应', NULL, 'powered on, nothing happens'),
  (5, 'severity', 'S1', '加电无反应', NULL, 'powered on, nothing happens'),
  (6, 'severity', 'S1', '开机没反应', NULL, 'it does not power on'),
  (7, 'severity', 'S1', '开机无反应', NULL, 'it does not power on'),
  (8, 'severity', 'S1', '开机没有反应', NULL, 'it does not power on'),
  (9, 'severity', 'S1', '按电源键没反应', NULL, 'the power button does nothing'),
  (10, 'severity', 'S1', '按电源键无反应', NULL, 'the power button does nothing'),
  (11, 'severity', 'S1', '按开机键没反应', NULL, 'the power button does nothing'),
  (12, 'severity', 'S1', '机器不通电', NULL, 'the machine gets no power'),
  (13, 'severity', 'S1', '服务器不通电', NULL, 'the server gets no power'),
  (14, 'severity', 'S1', '整机不通电', NULL, 'the machine gets no power'),
  (15, 'severity', 'S2', '不通电', '电源|PSU|power supply|模块', 'a power supply that gets no power: redundancy lost'),
  (16, 'severity', 'S2', '指示灯不亮', '电源|PSU|power supply', 'a power supply''s LED off: a dead PSU'),
  (17, 'severity', 'S2', '转速为0', NULL, 'a fan at 0 rpm has stopped'),
  (18, 'severity', 'S2', '转速为 0', NULL, 'a fan at 0 rpm has stopped'),
  (19, 'severity', 'S2', '转速是0', NULL, 'a fan at 0 rpm has stopped'),
  (20, 'severity', 'S2', '0 rpm', NULL, 'a fan at 0 rpm has stopped'),
  (21, 'severity', 'S2', '0rpm', NULL, 'a fan at 0 rpm has stopped'),
  (22, 'exclusion', 'relocation', '搬到', '机房|机柜|这边|那边|这里|新|楼|办公室|园区|数据中心|IDC', 'moved to another room or site (从亦庄搬到这边以后)'),
  (23, 'exclusion', 'relocation', '挪到', '机房|机柜|这边|那边|这里|新|楼|办公室|园区|数据中心|IDC', 'moved to another rack or room (挪到新机柜后)'),
  (24, 'exclusion', 'relocation', 'moved to', 'site|office|building|rack|room|data center|datacenter|datacentre|location|campus', 'moved to another site'),
  (25, 'mask', 'crash_symptom', '键盘无反应', NULL, 'a hung server ignores the keyboard'),
  (26, 'mask', 'crash_symptom', '键盘鼠标没反应', NULL, 'a hung server ignores keyboard and mouse'),
  (27, 'mask', 'crash_symptom', '屏幕黑屏', NULL, 'a hung server''s screen is black: not a faulty monitor')
       ) AS v(ord, category, code, keyword, requires, note)
 WHERE NOT EXISTS (SELECT 1 FROM intake.keywords k
                    WHERE k.category = v.category AND k.code = v.code AND k.keyword = v.keyword)
 ORDER BY v.ord;
