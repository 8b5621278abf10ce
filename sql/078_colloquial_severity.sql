-- A third blind round of customer mail: overheating and noise said the way people say them
-- ("CPU 温度很高，90度", "风扇响得厉害") are degraded hardware (S2) like 过热 and 异响. The rows were added
-- to seed/keywords.tsv for new databases; this inserts them, in seed order, where a database seeded
-- before has none.

INSERT INTO intake.keywords (category, code, keyword, requires, note)
SELECT v.category, v.code, v.keyword, v.requires, v.note
  FROM (VALUES
  (1, 'severity', 'S2', '温度很高', NULL, 'overheating, colloquial (过热, 温度过高)'),
  (2, 'severity', 'S2', '温度太高', NULL, 'overheating, colloquial'),
  (3, 'severity', 'S2', '发烫', NULL, 'overheating, colloquial'),
  (4, 'severity', 'S2', '响得厉害', NULL, 'abnormal noise, colloquial (异响)'),
  (5, 'severity', 'S2', '声音很大', NULL, 'abnormal noise, colloquial'),
  (6, 'severity', 'S2', '噪音很大', NULL, 'abnormal noise, colloquial')
       ) AS v(ord, category, code, keyword, requires, note)
 WHERE NOT EXISTS (SELECT 1 FROM intake.keywords k
                    WHERE k.category = v.category AND k.code = v.code AND k.keyword = v.keyword)
 ORDER BY v.ord;
