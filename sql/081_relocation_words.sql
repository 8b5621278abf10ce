-- A sixth blind round of customer mail: a machine moved, said without 搬迁 ("上个月刚从北京搬过来",
-- "上个月换机房了"), is a relocation to review like 搬迁 (policy §5.3). Not 搬到/迁到: "业务已经迁到
-- 备机上" moves the service, not the machine. The rows were added to
-- seed/keywords.tsv for new databases; this inserts them, in seed order, where a database seeded
-- before has none.

INSERT INTO intake.keywords (category, code, keyword, requires, note)
SELECT v.category, v.code, v.keyword, v.requires, v.note
  FROM (VALUES
  (1, 'exclusion', 'relocation', '搬过来', NULL, 'moved here'),
  (2, 'exclusion', 'relocation', '搬过去', NULL, 'moved there'),
  (3, 'exclusion', 'relocation', '换机房', NULL, 'moved to another machine room'),
  (4, 'exclusion', 'relocation', '挪机房', NULL, 'moved to another machine room')
       ) AS v(ord, category, code, keyword, requires, note)
 WHERE NOT EXISTS (SELECT 1 FROM intake.keywords k
                    WHERE k.category = v.category AND k.code = v.code AND k.keyword = v.keyword)
 ORDER BY v.ord;
