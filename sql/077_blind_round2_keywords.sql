-- A second blind round of customer mail: a machine that shuts itself down (自己关机, 突然关机) is an
-- outage, a CPU Thermal Trip and an NVMe critical warning are faults, and 还没/尚未 negate a clause
-- ("目前还没宕机" is no outage). The rows were added to seed/keywords.tsv for new databases; this
-- inserts them, in seed order, where a database seeded before has none. A keyword's `requires` terms
-- are now looked for in its sentence, not only its clause (classifier/match.c): "NVMe盘报 critical
-- warning，看起来是寿命用完了" is SSD wear.

INSERT INTO intake.keywords (category, code, keyword, requires, note)
SELECT v.category, v.code, v.keyword, v.requires, v.note
  FROM (VALUES
  (1, 'severity', 'S1', '自己关机', NULL, 'shuts itself down: an outage'),
  (2, 'severity', 'S1', '自动关机', NULL, 'shuts itself down'),
  (3, 'severity', 'S1', '突然关机', NULL, 'shuts down unexpectedly'),
  (4, 'severity', 'S1', '意外关机', NULL, 'shuts down unexpectedly'),
  (5, 'severity', 'S1', '异常关机', NULL, 'shuts down unexpectedly'),
  (6, 'severity', 'S1', 'shuts itself down', NULL, 'an outage'),
  (7, 'severity', 'S1', 'shut itself down', NULL, 'an outage'),
  (8, 'severity', 'S1', 'shuts down by itself', NULL, 'an outage'),
  (9, 'severity', 'S2', 'thermal trip', NULL, 'CPU Thermal Trip (the BMC''s overheat shutdown event)'),
  (10, 'severity', 'S2', 'critical warning', NULL, 'NVMe SMART critical warning'),
  (11, 'severity', 'S2', '警告', NULL, 'a warning the machine reports'),
  (12, 'negation', 'negation', '还没', NULL, '目前还没宕机'),
  (13, 'negation', 'negation', '还未', NULL, '还未宕机'),
  (14, 'negation', 'negation', '尚未', NULL, '尚未中断'),
  (15, 'negation', 'negation', '并未', NULL, '并未宕机')
       ) AS v(ord, category, code, keyword, requires, note)
 WHERE NOT EXISTS (SELECT 1 FROM intake.keywords k
                    WHERE k.category = v.category AND k.code = v.code AND k.keyword = v.keyword)
 ORDER BY v.ord;

COMMENT ON COLUMN intake.keywords.requires IS 'Optional |-separated terms one of which must appear in the same sentence (寿命 counts for ssd_wear only near SSD|SD|M.2 …)';
