-- Blind round 14b: "交换机侧看到端口反复 up/down" was an outage (S1: 'down'), "GPU 训练还在跑" made a power
-- supply a GPU repair, and "随时可能会宕机", "怕宕机" were outages. A port flapping and a GPU workload
-- are masks; a possible or feared outage negates its clause (as 担心会 does since 104). The rows were
-- added to seed/keywords.tsv for new databases; this inserts them, in seed order, where a database
-- seeded before has none.

INSERT INTO intake.keywords (category, code, keyword, requires, note)
SELECT v.category, v.code, v.keyword, v.requires, v.note
  FROM (VALUES
  (1, 'mask', 'up_down', 'up/down', NULL, 'a port flapping is no outage'),
  (2, 'mask', 'up_down', 'up / down', NULL, 'a port flapping is no outage'),
  (3, 'mask', 'up_down', 'up-down', NULL, 'a port flapping is no outage'),
  (4, 'mask', 'up_down', 'updown', NULL, 'a port flapping is no outage'),
  (5, 'mask', 'gpu_server', 'GPU训练', NULL, 'GPU training is a workload, not a GPU'),
  (6, 'mask', 'gpu_server', 'GPU 训练', NULL, 'GPU training is a workload, not a GPU'),
  (7, 'mask', 'gpu_server', 'GPU推理', NULL, 'GPU inference is a workload, not a GPU'),
  (8, 'mask', 'gpu_server', 'GPU 推理', NULL, 'GPU inference is a workload, not a GPU'),
  (9, 'mask', 'gpu_server', 'GPU资源', NULL, 'a scheduler''s GPU resources are no GPU part'),
  (10, 'mask', 'gpu_server', 'GPU 资源', NULL, 'a scheduler''s GPU resources are no GPU part'),
  (11, 'mask', 'gpu_server', 'GPU resources', NULL, 'a scheduler''s GPU resources are no GPU part'),
  (12, 'mask', 'gpu_server', 'GPU 算力', NULL, 'GPU compute is a workload, not a GPU'),
  (13, 'mask', 'gpu_server', 'GPU算力', NULL, 'GPU compute is a workload, not a GPU'),
  (14, 'negation', 'negation', '可能会', NULL, '随时可能会宕机: not yet'),
  (15, 'negation', 'negation', '可能要', NULL, '可能要宕机'),
  (16, 'negation', 'negation', '随时可能', NULL, '随时可能宕机'),
  (17, 'mask', 'feared_outage', '怕宕机', NULL, 'a feared outage is none'),
  (18, 'mask', 'feared_outage', '怕死机', NULL, 'a feared outage is none'),
  (19, 'negation', 'negation', '怕影响', NULL, '怕影响业务'),
  (20, 'negation', 'negation', '害怕', NULL, '害怕宕机'),
  (21, 'negation', 'negation', '会不会', NULL, '会不会宕机'),
  (22, 'negation', 'negation', 'might go down', NULL, 'might go down'),
  (23, 'negation', 'negation', 'could go down', NULL, 'could go down'),
  (24, 'negation', 'negation', 'may go down', NULL, 'may go down')
       ) AS v(ord, category, code, keyword, requires, note)
 WHERE NOT EXISTS (SELECT 1 FROM intake.keywords k
                    WHERE k.category = v.category AND k.code = v.code AND k.keyword = v.keyword)
 ORDER BY v.ord;
