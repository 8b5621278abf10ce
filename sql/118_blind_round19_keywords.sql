-- Blind round 19: "系统进不去" (the OS does not start, said subject first) was S2 where "进不去系统" is S1;
-- a question about the BMC's default password and a BIOS update ("BMC 默认用户名密码是什么？BIOS 怎么升级")
-- was the customer's own system, not covered. BIOS, firmware and the BMC's password name the machine;
-- a machine's default login asked about is no password the customer lost.
-- The rows were added to seed/keywords.tsv for new databases; this inserts them, in seed order, where
-- a database seeded before has none.

INSERT INTO intake.keywords (category, code, keyword, requires, note)
SELECT v.category, v.code, v.keyword, v.requires, v.note
  FROM (VALUES
  (1, 'severity', 'S1', '系统进不去', NULL, 'cannot boot into the OS (进不去系统 said the other way round)'),
  (2, 'severity', 'S1', '系统进不了', NULL, 'cannot boot into the OS'),
  (3, 'component', 'machine_part', 'BIOS', NULL, 'the machine''s firmware: the vendor''s, not the customer''s system'),
  (4, 'component', 'machine_part', '固件', NULL, 'the machine''s firmware'),
  (5, 'component', 'machine_part', 'firmware', NULL, 'the machine''s firmware'),
  (6, 'component', 'machine_part', 'BMC密码', NULL, 'the BMC''s password: a question about the machine, not the customer''s system'),
  (7, 'component', 'machine_part', 'BMC默认密码', NULL, 'the BMC''s default password'),
  (8, 'component', 'machine_part', 'BMC的密码', NULL, 'the BMC''s password'),
  (9, 'component', 'machine_part', 'BMC登录密码', NULL, 'the BMC''s login password'),
  (10, 'component', 'machine_part', 'IPMI密码', NULL, 'the BMC''s password'),
  (11, 'mask', 'default_credentials', '默认用户名密码', NULL, 'a machine''s default login is asked about, no password the customer lost'),
  (12, 'mask', 'default_credentials', '默认用户名和密码', NULL, 'a machine''s default login is asked about'),
  (13, 'mask', 'default_credentials', '默认密码', NULL, 'a machine''s default login is asked about')
       ) AS v(ord, category, code, keyword, requires, note)
 WHERE NOT EXISTS (SELECT 1 FROM intake.keywords k
                    WHERE k.category = v.category AND k.code = v.code AND k.keyword = v.keyword)
 ORDER BY v.ord;
