-- Blind round 14b: "SuperAI 上的训练任务全部失败 … RCS… 这台 nvidia-smi 看卡都在，应该是平台的问题" was a GPU
-- repair (the clause that says the GPUs are all there named nvidia): a clause saying the cards are
-- all present or fine negates its evidence, as 还没 does. The rows were added to seed/keywords.tsv
-- for new databases; this inserts them, in seed order, where a database seeded before has none.

INSERT INTO intake.keywords (category, code, keyword, requires, note)
SELECT v.category, v.code, v.keyword, v.requires, v.note
  FROM (VALUES
  (1, 'negation', 'negation', '卡都在', NULL, 'nvidia-smi 看卡都在: the GPUs are fine'),
  (2, 'negation', 'negation', '卡都能看到', NULL, '卡都能看到'),
  (3, 'negation', 'negation', '卡都识别', NULL, '卡都识别了'),
  (4, 'negation', 'negation', '卡都能识别', NULL, '卡都能识别'),
  (5, 'negation', 'negation', '卡都正常', NULL, '卡都正常'),
  (6, 'negation', 'negation', 'GPU都正常', NULL, 'GPU都正常'),
  (7, 'negation', 'negation', 'GPU 都正常', NULL, 'GPU 都正常'),
  (8, 'negation', 'negation', 'all gpus visible', NULL, 'all GPUs visible'),
  (9, 'negation', 'negation', 'all cards visible', NULL, 'all cards visible')
       ) AS v(ord, category, code, keyword, requires, note)
 WHERE NOT EXISTS (SELECT 1 FROM intake.keywords k
                    WHERE k.category = v.category AND k.code = v.code AND k.keyword = v.keyword)
 ORDER BY v.ord;
