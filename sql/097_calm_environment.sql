-- Blind round 12: "機房溫度正常" (the customer ruling the room out) made a gold in-warranty GPU order
-- coverage needs_review with the reason environment: the words of the environment exclusion said
-- calm. Masks, as GPU服务器 is for the GPU: these phrases are never evidence. The rows were added to
-- seed/keywords.tsv for new databases; this inserts them, in seed order, where a database seeded
-- before has none.

INSERT INTO intake.keywords (category, code, keyword, requires, note)
SELECT v.category, v.code, v.keyword, v.requires, v.note
  FROM (VALUES
  (1, 'mask', 'calm_environment', '机房温度正常', NULL, 'a calm environment is no environment exclusion'),
  (2, 'mask', 'calm_environment', '机房温度也正常', NULL, 'a calm environment is no environment exclusion'),
  (3, 'mask', 'calm_environment', '机房温度都正常', NULL, 'a calm environment is no environment exclusion'),
  (4, 'mask', 'calm_environment', '机房温度一切正常', NULL, 'a calm environment is no environment exclusion'),
  (5, 'mask', 'calm_environment', '环境温度正常', NULL, 'a calm environment is no environment exclusion'),
  (6, 'mask', 'calm_environment', '环境温度也正常', NULL, 'a calm environment is no environment exclusion'),
  (7, 'mask', 'calm_environment', '室温正常', NULL, 'a calm environment is no environment exclusion'),
  (8, 'mask', 'calm_environment', '湿度正常', NULL, 'a calm environment is no environment exclusion'),
  (9, 'mask', 'calm_environment', '机房湿度正常', NULL, 'a calm environment is no environment exclusion'),
  (10, 'mask', 'calm_environment', '电压正常', NULL, 'a calm environment is no environment exclusion'),
  (11, 'mask', 'calm_environment', '供电正常', NULL, 'a calm environment is no environment exclusion'),
  (12, 'mask', 'calm_environment', '市电正常', NULL, 'a calm environment is no environment exclusion'),
  (13, 'mask', 'calm_environment', '配电正常', NULL, 'a calm environment is no environment exclusion'),
  (14, 'mask', 'calm_environment', '机房环境正常', NULL, 'a calm environment is no environment exclusion'),
  (15, 'mask', 'calm_environment', '机房环境也正常', NULL, 'a calm environment is no environment exclusion'),
  (16, 'mask', 'calm_environment', '环境正常', NULL, 'a calm environment is no environment exclusion'),
  (17, 'mask', 'calm_environment', '机房空调正常', NULL, 'a calm environment is no environment exclusion')
       ) AS v(ord, category, code, keyword, requires, note)
 WHERE NOT EXISTS (SELECT 1 FROM intake.keywords k
                    WHERE k.category = v.category AND k.code = v.code AND k.keyword = v.keyword)
 ORDER BY v.ord;
