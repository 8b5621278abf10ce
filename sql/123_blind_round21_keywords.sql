-- Blind round 21: "B2机房3号机柜里的 RCS… 开不了机" named the rack (policy §4 other_material: 3 years)
-- as the broken component, and a gold server in its fourth year came out expired, refused without a
-- person; "硬盘灯亮红了" and "指示灯变红了" were S3 where "亮红灯" is S2. A rack named as the place of
-- the server is masked (号机柜, 机柜里/内/中/上, 机柜第…U, in the rack); a light that turned red, yellow
-- or amber, said verb first, is S2 beside a light word.
-- The rows were added to seed/keywords.tsv for new databases; this inserts them, in seed order, where
-- a database seeded before has none.

INSERT INTO intake.keywords (category, code, keyword, requires, note)
SELECT v.category, v.code, v.keyword, v.requires, v.note
  FROM (VALUES
  (1, 'mask', 'rack_place', '号机柜', NULL, '"3号机柜里的 RCS… 开不了机": the rack is where the server is, not what is broken'),
  (2, 'mask', 'rack_place', '机柜里', NULL, 'where the server is'),
  (3, 'mask', 'rack_place', '机柜内', NULL, 'where the server is'),
  (4, 'mask', 'rack_place', '机柜中', NULL, 'where the server is'),
  (5, 'mask', 'rack_place', '机柜上', NULL, 'where the server is (水滴到了机柜上)'),
  (6, 'mask', 'rack_place', '机柜第', NULL, '"机柜第12U": where the server is'),
  (7, 'mask', 'rack_place', '机柜编号', NULL, 'where the server is'),
  (8, 'mask', 'rack_place', '机柜号', NULL, 'where the server is'),
  (9, 'mask', 'rack_place', '机柜位置', NULL, 'where the server is'),
  (10, 'mask', 'rack_place', '同一机柜', NULL, 'where the servers are'),
  (11, 'mask', 'rack_place', '同一个机柜', NULL, 'where the servers are'),
  (12, 'mask', 'rack_place', 'in the rack', NULL, 'where the server is'),
  (13, 'mask', 'rack_place', 'in rack', NULL, 'where the server is'),
  (14, 'mask', 'rack_place', 'rack position', NULL, 'where the server is'),
  (15, 'severity', 'S2', '亮红', '灯|LED|指示', '"硬盘灯亮红了": a red LED said verb first'),
  (16, 'severity', 'S2', '变红', '灯|LED|指示', '"指示灯变红了"'),
  (17, 'severity', 'S2', '亮黄', '灯|LED|指示', '"灯亮黄了"'),
  (18, 'severity', 'S2', '变黄', '灯|LED|指示', '"指示灯变黄了"'),
  (19, 'severity', 'S2', '亮橙', '灯|LED|指示', '"灯亮橙色"'),
  (20, 'severity', 'S2', '变橙', '灯|LED|指示', '"指示灯变橙了"')
       ) AS v(ord, category, code, keyword, requires, note)
 WHERE NOT EXISTS (SELECT 1 FROM intake.keywords k
                    WHERE k.category = v.category AND k.code = v.code AND k.keyword = v.keyword)
 ORDER BY v.ord;
