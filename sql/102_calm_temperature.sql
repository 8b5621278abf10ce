-- Blind round 12b: "机房温湿度都在正常范围内" was still a suspected environment exclusion (097 listed
-- the room's words; these are the temperature and humidity said calm on their own). Masks, inserted
-- where a database seeded before has none.

INSERT INTO intake.keywords (category, code, keyword, requires, note)
SELECT v.category, v.code, v.keyword, v.requires, v.note
  FROM (VALUES
  (1, 'mask', 'calm_environment', '温湿度正常', NULL, 'a calm environment is no environment exclusion'),
  (2, 'mask', 'calm_environment', '温湿度都正常', NULL, 'a calm environment is no environment exclusion'),
  (3, 'mask', 'calm_environment', '温湿度均正常', NULL, 'a calm environment is no environment exclusion'),
  (4, 'mask', 'calm_environment', '温湿度也正常', NULL, 'a calm environment is no environment exclusion'),
  (5, 'mask', 'calm_environment', '温湿度都在正常范围', NULL, 'a calm environment is no environment exclusion'),
  (6, 'mask', 'calm_environment', '温湿度在正常范围', NULL, 'a calm environment is no environment exclusion'),
  (7, 'mask', 'calm_environment', '温度在正常范围', NULL, 'a calm environment is no environment exclusion'),
  (8, 'mask', 'calm_environment', '湿度在正常范围', NULL, 'a calm environment is no environment exclusion'),
  (9, 'mask', 'calm_environment', '温度均正常', NULL, 'a calm environment is no environment exclusion'),
  (10, 'mask', 'calm_environment', '湿度均正常', NULL, 'a calm environment is no environment exclusion'),
  (11, 'mask', 'calm_environment', '温度都正常', NULL, 'a calm environment is no environment exclusion'),
  (12, 'mask', 'calm_environment', '湿度都正常', NULL, 'a calm environment is no environment exclusion'),
  (13, 'mask', 'calm_environment', '温度也正常', NULL, 'a calm environment is no environment exclusion'),
  (14, 'mask', 'calm_environment', '湿度也正常', NULL, 'a calm environment is no environment exclusion'),
  (15, 'mask', 'calm_environment', '温度正常', NULL, 'a calm environment is no environment exclusion')
       ) AS v(ord, category, code, keyword, requires, note)
 WHERE NOT EXISTS (SELECT 1 FROM intake.keywords k
                    WHERE k.category = v.category AND k.code = v.code AND k.keyword = v.keyword)
 ORDER BY v.ord;
