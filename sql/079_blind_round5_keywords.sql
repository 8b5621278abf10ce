-- A fifth blind round of customer mail: a question whether a machine is still under warranty
-- ("还在保修期内吗？保修到哪天？") and a purchase inquiry ("想再买两台…报个价") are consultations, not fault
-- orders; noise and heat said the way people say them ("噪音特别大", "嗡嗡响", "烫手") are degraded
-- hardware (S2) like 异响 and 过热. The rows were added to seed/keywords.tsv for new databases; this
-- inserts them, in seed order, where a database seeded before has none.

INSERT INTO intake.keywords (category, code, keyword, requires, note)
SELECT v.category, v.code, v.keyword, v.requires, v.note
  FROM (VALUES
  (1, 'kind', 'consultation', '保修期内吗', NULL, 'warranty status question'),
  (2, 'kind', 'consultation', '还在保修期', NULL, 'warranty status question'),
  (3, 'kind', 'consultation', '是否在保', NULL, 'warranty status question'),
  (4, 'kind', 'consultation', '还在保吗', NULL, 'warranty status question'),
  (5, 'kind', 'consultation', '在保吗', NULL, 'warranty status question'),
  (6, 'kind', 'consultation', '保修到哪天', NULL, 'warranty status question'),
  (7, 'kind', 'consultation', '保修到什么时候', NULL, 'warranty status question'),
  (8, 'kind', 'consultation', '保修多久', NULL, 'warranty status question'),
  (9, 'kind', 'consultation', '保修几年', NULL, 'warranty status question'),
  (10, 'kind', 'consultation', '过保了吗', NULL, 'warranty status question'),
  (11, 'kind', 'consultation', '是否过保', NULL, 'warranty status question'),
  (12, 'kind', 'consultation', '想再买', NULL, 'purchase inquiry: routed like a question, not a fault'),
  (13, 'kind', 'consultation', '想买', NULL, 'purchase inquiry'),
  (14, 'kind', 'consultation', '想采购', NULL, 'purchase inquiry'),
  (15, 'kind', 'consultation', '询价', NULL, 'purchase inquiry'),
  (16, 'kind', 'consultation', '报个价', NULL, 'price inquiry (a paid service named is value_added first)'),
  (17, 'kind', 'consultation', '购买意向', NULL, 'purchase inquiry'),
  (18, 'kind', 'consultation', '想了解', NULL, 'question'),
  (19, 'severity', 'S2', '噪音特别大', NULL, 'abnormal noise, colloquial (异响)'),
  (20, 'severity', 'S2', '噪音非常大', NULL, 'abnormal noise, colloquial'),
  (21, 'severity', 'S2', '噪音太大', NULL, 'abnormal noise, colloquial'),
  (22, 'severity', 'S2', '噪声大', NULL, 'abnormal noise, colloquial'),
  (23, 'severity', 'S2', '噪声很大', NULL, 'abnormal noise, colloquial'),
  (24, 'severity', 'S2', '声音特别大', NULL, 'abnormal noise, colloquial'),
  (25, 'severity', 'S2', '声音非常大', NULL, 'abnormal noise, colloquial'),
  (26, 'severity', 'S2', '声音太大', NULL, 'abnormal noise, colloquial'),
  (27, 'severity', 'S2', '嗡嗡响', NULL, 'abnormal noise, colloquial'),
  (28, 'severity', 'S2', '拖拉机', NULL, 'abnormal noise: "跟拖拉机似的"'),
  (29, 'severity', 'S2', '烫手', NULL, 'overheating, colloquial (过热)'),
  (30, 'severity', 'S2', '温度偏高', NULL, 'overheating, colloquial'),
  (31, 'severity', 'S2', '温度高', NULL, 'overheating (过热)')
       ) AS v(ord, category, code, keyword, requires, note)
 WHERE NOT EXISTS (SELECT 1 FROM intake.keywords k
                    WHERE k.category = v.category AND k.code = v.code AND k.keyword = v.keyword)
 ORDER BY v.ord;
