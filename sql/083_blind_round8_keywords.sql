-- Blind round 8 of customer mail: words that named the wrong thing.
-- A program short of memory ("Failed to allocate memory" in a pasted hostd log, 内存不足) is no failing DIMM;
-- a GPU node, host or cluster ("GPU 训练节点", host sz-gpu-a07) is a server, not a GPU (its 3-year term cut
-- a gold machine's 5 years); 驻场 (resident on site) is a staff-support request only beside a request
-- (安排/申请/需要/派/报价/费用…): an outsourcer's 驻场工程师 reporting a fault asks for no paid service.
-- The rows were added to seed/keywords.tsv for new databases; this inserts them, in seed order, where a
-- database seeded before has none, and narrows 驻场 there as in the seed.

INSERT INTO intake.keywords (category, code, keyword, requires, note)
SELECT v.category, v.code, v.keyword, v.requires, v.note
  FROM (VALUES
  (1, 'mask', 'software_memory', 'failed to allocate memory', NULL, 'a program short of memory (a pasted log), not a failing DIMM'),
  (2, 'mask', 'software_memory', 'cannot allocate memory', NULL, 'a program short of memory, not a failing DIMM'),
  (3, 'mask', 'software_memory', 'out of memory', NULL, 'a program short of memory, not a failing DIMM'),
  (4, 'mask', 'software_memory', '内存不足', NULL, 'not enough memory: capacity, not a failing DIMM'),
  (5, 'mask', 'software_memory', '内存溢出', NULL, 'a program overflowing its memory, not a failing DIMM'),
  (6, 'mask', 'software_memory', '内存泄漏', NULL, 'a program leaking memory, not a failing DIMM'),
  (7, 'mask', 'software_memory', '内存泄露', NULL, 'a program leaking memory, not a failing DIMM'),
  (8, 'mask', 'gpu_server', 'GPU节点', NULL, 'a GPU node is a server, not a GPU'),
  (9, 'mask', 'gpu_server', 'GPU 节点', NULL, 'a GPU node is a server, not a GPU'),
  (10, 'mask', 'gpu_server', 'GPU训练节点', NULL, 'a GPU training node is a server, not a GPU'),
  (11, 'mask', 'gpu_server', 'GPU 训练节点', NULL, 'a GPU training node is a server, not a GPU'),
  (12, 'mask', 'gpu_server', 'GPU计算节点', NULL, 'a GPU compute node is a server, not a GPU'),
  (13, 'mask', 'gpu_server', 'GPU 计算节点', NULL, 'a GPU compute node is a server, not a GPU'),
  (14, 'mask', 'gpu_server', 'GPU主机', NULL, 'a GPU host is a server, not a GPU'),
  (15, 'mask', 'gpu_server', 'GPU 主机', NULL, 'a GPU host is a server, not a GPU'),
  (16, 'mask', 'gpu_server', 'GPU集群', NULL, 'a GPU cluster is servers, not a GPU'),
  (17, 'mask', 'gpu_server', 'GPU 集群', NULL, 'a GPU cluster is servers, not a GPU'),
  (18, 'mask', 'gpu_server', 'GPU node', NULL, 'a GPU node is a server, not a GPU'),
  (19, 'mask', 'gpu_server', 'GPU nodes', NULL, 'GPU nodes are servers, not GPUs'),
  (20, 'mask', 'gpu_server', 'GPU host', NULL, 'a GPU host is a server, not a GPU'),
  (21, 'mask', 'gpu_server', '-gpu-', NULL, 'a host name (sz-gpu-a07) names a server, not a GPU')
       ) AS v(ord, category, code, keyword, requires, note)
 WHERE NOT EXISTS (SELECT 1 FROM intake.keywords k
                    WHERE k.category = v.category AND k.code = v.code AND k.keyword = v.keyword)
 ORDER BY v.ord;

UPDATE intake.keywords SET requires = '安排|申请|需要|提供|派|报价|费用|收费|多少钱|价格|几个人|几天',
       note = 'resident staff, asked for (an outsourcer''s 驻场工程师 reporting a fault asks for nothing)'
 WHERE category = 'value_added' AND code = 'staff_support' AND keyword = '驻场' AND requires IS NULL;
