-- A sixth blind round of customer mail: "挂了" of a part ("3号硬盘挂了，阵列降级，机器正常运行",
-- "有一个电源模块挂了") is degraded hardware (S2), not an outage — the longer keyword speaks for the
-- S1 "挂了" inside it; lost PSU redundancy ("PSU redundancy lost", "单电源运行") is S2. The rows were
-- added to seed/keywords.tsv for new databases; this inserts them, in seed order, where a database
-- seeded before has none.

INSERT INTO intake.keywords (category, code, keyword, requires, note)
SELECT v.category, v.code, v.keyword, v.requires, v.note
  FROM (VALUES
  (1, 'severity', 'S2', '盘挂了', NULL, 'a disk died (硬盘挂了, 3号盘挂了): a part, not the machine'),
  (2, 'severity', 'S2', '电源挂了', NULL, 'a PSU died: a part, not the machine (挂了 alone is S1)'),
  (3, 'severity', 'S2', '电源模块挂了', NULL, 'a PSU died'),
  (4, 'severity', 'S2', 'PSU挂了', NULL, 'a PSU died'),
  (5, 'severity', 'S2', '风扇挂了', NULL, 'a fan died'),
  (6, 'severity', 'S2', '网卡挂了', NULL, 'a NIC died'),
  (7, 'severity', 'S2', '内存挂了', NULL, 'a DIMM died'),
  (8, 'severity', 'S2', '卡挂了', NULL, 'a card died (GPU卡挂了, RAID卡挂了)'),
  (9, 'severity', 'S2', '口挂了', NULL, 'a port died (网口挂了)'),
  (10, 'severity', 'S2', '盘挂掉', NULL, 'a disk died'),
  (11, 'severity', 'S2', '电源挂掉', NULL, 'a PSU died'),
  (12, 'severity', 'S2', 'redundancy lost', NULL, 'PSU or fan redundancy lost: degraded'),
  (13, 'severity', 'S2', 'lost redundancy', NULL, 'degraded'),
  (14, 'severity', 'S2', 'AC lost', NULL, 'a PSU lost its input: degraded'),
  (15, 'severity', 'S2', '冗余丢失', NULL, 'redundancy lost: degraded'),
  (16, 'severity', 'S2', '冗余失效', NULL, 'redundancy lost: degraded'),
  (17, 'severity', 'S2', '单电源运行', NULL, 'running on one PSU: redundancy lost')
       ) AS v(ord, category, code, keyword, requires, note)
 WHERE NOT EXISTS (SELECT 1 FROM intake.keywords k
                    WHERE k.category = v.category AND k.code = v.code AND k.keyword = v.keyword)
 ORDER BY v.ord;
