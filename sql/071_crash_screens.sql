-- A crash screen names no monitor: "purple screen" (ESXi PSOD) and "blue screen" (Windows stop error)
-- were taken as the peripheral "screen", which cut a gold machine's warranty from 5 years to 3. The
-- rows were added to seed/keywords.tsv for new databases; this inserts them, in seed order, where a
-- database seeded before has none. (A mask no longer takes out a keyword that spans it, so the S1
-- keywords "purple screen" and "blue screen" still count: classifier/match.c.)

INSERT INTO intake.keywords (category, code, keyword, requires, note)
SELECT v.category, v.code, v.keyword, v.requires, v.note
  FROM (VALUES
  (1, 'mask', 'crash_screen', 'purple screen', NULL, 'ESXi purple screen of death: a host crash, not the monitor (screen)'),
  (2, 'mask', 'crash_screen', 'blue screen', NULL, 'Windows stop error: an OS crash, not the monitor (screen)'),
  (3, 'mask', 'crash_screen', 'screen of death', NULL, 'a crash screen, not the monitor (screen)')
       ) AS v(ord, category, code, keyword, requires, note)
 WHERE NOT EXISTS (SELECT 1 FROM intake.keywords k
                    WHERE k.category = v.category AND k.code = v.code AND k.keyword = v.keyword)
 ORDER BY v.ord;
