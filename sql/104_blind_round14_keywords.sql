-- Blind round 14: "GPU 训练集群…那台机器的电源模块坏了" made a power supply a GPU repair (a gold GPU is
-- covered 3 years, a server part 5): more ways of naming a GPU server are masks, as GPU服务器 is.
-- "BMC报内存错误…，担心会宕机" was an outage (S1): a feared outage is a negation of its clause, as
-- 还没 is. The rows were added to seed/keywords.tsv for new databases; this inserts them, in seed
-- order, where a database seeded before has none. And a blurry label ("标签有点模糊") is not a
-- tampered one (policy §5: 撕/涂改/缺失): 看不清, 模糊 and illegible leave label_tampered's terms.

INSERT INTO intake.keywords (category, code, keyword, requires, note)
SELECT v.category, v.code, v.keyword, v.requires, v.note
  FROM (VALUES
  (1, 'mask', 'gpu_server', 'GPU训练集群', NULL, 'a GPU server is a server, not a GPU'),
  (2, 'mask', 'gpu_server', 'GPU 训练集群', NULL, 'a GPU server is a server, not a GPU'),
  (3, 'mask', 'gpu_server', 'GPU推理集群', NULL, 'a GPU server is a server, not a GPU'),
  (4, 'mask', 'gpu_server', 'GPU 推理集群', NULL, 'a GPU server is a server, not a GPU'),
  (5, 'mask', 'gpu_server', 'GPU计算集群', NULL, 'a GPU server is a server, not a GPU'),
  (6, 'mask', 'gpu_server', 'GPU 计算集群', NULL, 'a GPU server is a server, not a GPU'),
  (7, 'mask', 'gpu_server', 'GPU算力集群', NULL, 'a GPU server is a server, not a GPU'),
  (8, 'mask', 'gpu_server', 'GPU 算力集群', NULL, 'a GPU server is a server, not a GPU'),
  (9, 'mask', 'gpu_server', 'GPU训练服务器', NULL, 'a GPU server is a server, not a GPU'),
  (10, 'mask', 'gpu_server', 'GPU 训练服务器', NULL, 'a GPU server is a server, not a GPU'),
  (11, 'mask', 'gpu_server', 'GPU推理服务器', NULL, 'a GPU server is a server, not a GPU'),
  (12, 'mask', 'gpu_server', 'GPU 推理服务器', NULL, 'a GPU server is a server, not a GPU'),
  (13, 'mask', 'gpu_server', 'GPU计算服务器', NULL, 'a GPU server is a server, not a GPU'),
  (14, 'mask', 'gpu_server', 'GPU 计算服务器', NULL, 'a GPU server is a server, not a GPU'),
  (15, 'mask', 'gpu_server', 'GPU算力服务器', NULL, 'a GPU server is a server, not a GPU'),
  (16, 'mask', 'gpu_server', 'GPU 算力服务器', NULL, 'a GPU server is a server, not a GPU'),
  (17, 'mask', 'gpu_server', 'GPU云主机', NULL, 'a GPU server is a server, not a GPU'),
  (18, 'mask', 'gpu_server', 'GPU cluster', NULL, 'a GPU server is a server, not a GPU'),
  (19, 'mask', 'gpu_server', 'GPU clusters', NULL, 'a GPU server is a server, not a GPU'),
  (20, 'mask', 'gpu_server', 'GPU machine', NULL, 'a GPU server is a server, not a GPU'),
  (21, 'mask', 'gpu_server', 'GPU machines', NULL, 'a GPU server is a server, not a GPU'),
  (22, 'negation', 'negation', '担心会', NULL, '担心会宕机: a fear, not an outage'),
  (23, 'negation', 'negation', '担心它会', NULL, '担心它会宕机'),
  (24, 'negation', 'negation', '担心可能', NULL, '担心可能会宕机'),
  (25, 'negation', 'negation', '怕会', NULL, '怕会宕机'),
  (26, 'negation', 'negation', '害怕会', NULL, '害怕会宕机'),
  (27, 'negation', 'negation', '恐怕会', NULL, '恐怕会宕机'),
  (28, 'negation', 'negation', '以免', NULL, '以免宕机: a precaution'),
  (29, 'negation', 'negation', '万一', NULL, '万一宕机'),
  (30, 'negation', 'negation', 'worried it', NULL, 'worried it will go down'),
  (31, 'negation', 'negation', 'afraid it', NULL, 'afraid it might crash'),
  (32, 'negation', 'negation', 'in case it', NULL, 'in case it goes down')
       ) AS v(ord, category, code, keyword, requires, note)
 WHERE NOT EXISTS (SELECT 1 FROM intake.keywords k
                    WHERE k.category = v.category AND k.code = v.code AND k.keyword = v.keyword)
 ORDER BY v.ord;

UPDATE intake.keywords
   SET requires = '撕|涂改|缺失|丢失|没了|脱落|篡改|torn|missing|removed|tampered'
 WHERE category = 'exclusion' AND code = 'label_tampered'
   AND requires = '撕|涂改|缺失|丢失|没了|脱落|看不清|模糊|篡改|torn|missing|removed|tampered|illegible';
