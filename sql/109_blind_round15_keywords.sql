-- Blind round 15: "仓储WMS数据库服务器宕机 … 按电源键无反应" was the customer's own software, not covered,
-- with no deadline (a server named by its role is a server); "port 1 的 link 一直 down", "也不是无法开机"
-- and "the UPS logs show no outage" were outages (S1); "UPS 日志正常" made a server's fault a UPS's
-- (other_material: 3 years, not 5); "想加装两条内存，请问加装会不会影响保修？" an unauthorized change;
-- "有一张卡掉了" (a GPU lost) no GPU repair.
-- The rows were added to seed/keywords.tsv for new databases; this inserts them, in seed order, where
-- a database seeded before has none.

INSERT INTO intake.keywords (category, code, keyword, requires, note)
SELECT v.category, v.code, v.keyword, v.requires, v.note
  FROM (VALUES
  (1, 'mask', 'role_server', '数据库服务器', NULL, 'a database server is a server: 数据库服务器宕机 is an outage, not the customer''s software'),
  (2, 'mask', 'role_server', '数据库 服务器', NULL, 'a database server is a server'),
  (3, 'mask', 'role_server', '数据库主机', NULL, 'a database host is a server'),
  (4, 'mask', 'role_server', '数据库机器', NULL, 'a database machine is a server'),
  (5, 'mask', 'role_server', '数据库节点', NULL, 'a database node is a server'),
  (6, 'mask', 'role_server', 'database server', NULL, 'a database server is a server'),
  (7, 'mask', 'role_server', 'database host', NULL, 'a database host is a server'),
  (8, 'mask', 'role_server', 'db server', NULL, 'a DB server is a server'),
  (9, 'mask', 'role_server', 'oracle服务器', NULL, 'an Oracle server is a server'),
  (10, 'mask', 'role_server', 'oracle 服务器', NULL, 'an Oracle server is a server'),
  (11, 'mask', 'role_server', 'oracle server', NULL, 'an Oracle server is a server'),
  (12, 'mask', 'role_server', '數據庫服務器', NULL, 'a database server is a server'),
  (13, 'mask', 'role_server', '資料庫伺服器', NULL, 'a database server is a server (Taiwan)'),
  (14, 'mask', 'link_down', 'link 一直 down', NULL, 'a NIC port or link down is not an outage'),
  (15, 'mask', 'link_down', 'link一直down', NULL, 'a NIC port or link down is not an outage'),
  (16, 'mask', 'link_down', 'link 状态 down', NULL, 'a NIC port or link down is not an outage'),
  (17, 'mask', 'link_down', 'link 是 down', NULL, 'a NIC port or link down is not an outage'),
  (18, 'mask', 'link_down', 'link 都是 down', NULL, 'a NIC port or link down is not an outage'),
  (19, 'mask', 'link_down', 'link 灯不亮', NULL, 'a NIC port without link is not an outage'),
  (20, 'mask', 'outage_denied', 'no outage', NULL, 'the UPS logs show no outage'),
  (21, 'mask', 'outage_denied', 'no outages', NULL, 'no outages'),
  (22, 'mask', 'outage_denied', 'no power outage', NULL, 'no power outage'),
  (23, 'mask', 'outage_denied', 'no power loss', NULL, 'no power loss'),
  (24, 'mask', 'outage_denied', 'no power failure', NULL, 'no power failure'),
  (25, 'mask', 'outage_denied', '不是无法开机', NULL, '不是无法开机: it does boot (a mask: it takes out the 无法开机 inside it)'),
  (26, 'mask', 'outage_denied', '不是无法启动', NULL, '不是无法启动'),
  (27, 'mask', 'outage_denied', '不是开不了机', NULL, '不是开不了机'),
  (28, 'mask', 'outage_denied', 'not down', NULL, 'the server is not down'),
  (29, 'mask', 'outage_denied', '也不是宕机', NULL, '也不是宕机'),
  (30, 'mask', 'outage_denied', '并不是宕机', NULL, '并不是宕机'),
  (31, 'mask', 'outage_denied', '不是宕机', NULL, '不是宕机'),
  (32, 'mask', 'ups_checked', 'ups 日志', NULL, 'UPS 日志正常: where the customer looked, not the faulty item'),
  (33, 'mask', 'ups_checked', 'ups日志', NULL, 'where the customer looked'),
  (34, 'mask', 'ups_checked', 'ups log', NULL, 'where the customer looked'),
  (35, 'mask', 'ups_checked', 'ups logs', NULL, 'where the customer looked'),
  (36, 'mask', 'ups_checked', 'ups 记录', NULL, 'where the customer looked'),
  (37, 'mask', 'ups_checked', 'ups记录', NULL, 'where the customer looked'),
  (38, 'mask', 'ups_checked', 'ups 正常', NULL, 'the UPS is said to be fine'),
  (39, 'mask', 'ups_checked', 'ups正常', NULL, 'the UPS is said to be fine'),
  (40, 'mask', 'ups_checked', 'ups is fine', NULL, 'the UPS is said to be fine'),
  (41, 'mask', 'ups_checked', 'ups is ok', NULL, 'the UPS is said to be fine'),
  (42, 'mask', 'change_planned', '想加装', NULL, '想加装两条内存: planned, not done'),
  (43, 'mask', 'change_planned', '想要加装', NULL, 'planned, not done'),
  (44, 'mask', 'change_planned', '打算加装', NULL, 'planned, not done'),
  (45, 'mask', 'change_planned', '准备加装', NULL, 'planned, not done'),
  (46, 'mask', 'change_planned', '计划加装', NULL, 'planned, not done'),
  (47, 'mask', 'change_planned', '加装会不会', NULL, '请问加装会不会影响保修: a question'),
  (48, 'mask', 'change_planned', '加装是否', NULL, '加装是否影响保修: a question'),
  (49, 'mask', 'change_planned', '能否加装', NULL, 'a question'),
  (50, 'mask', 'change_planned', '可以加装吗', NULL, 'a question'),
  (51, 'mask', 'change_planned', '能不能加装', NULL, 'a question'),
  (52, 'mask', 'change_planned', 'plan to add', NULL, 'planned, not done'),
  (53, 'mask', 'change_planned', 'want to add', NULL, 'planned, not done'),
  (54, 'mask', 'change_planned', 'would like to add', NULL, 'planned, not done'),
  (55, 'component', 'gpu', '张卡掉了', NULL, '有一张卡掉了 (nvidia-smi 只能看到7张): a GPU lost'),
  (56, 'component', 'gpu', '張卡掉了', NULL, '有一張卡掉了')
       ) AS v(ord, category, code, keyword, requires, note)
 WHERE NOT EXISTS (SELECT 1 FROM intake.keywords k
                    WHERE k.category = v.category AND k.code = v.code AND k.keyword = v.keyword)
 ORDER BY v.ord;
