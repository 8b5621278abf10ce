-- Writing habits (issue 15): every material policy §4 lists reaches its component (光纤模块 and 光收发模块
-- are auxiliary, 光缆/尾纤/不间断电源/机架 other_material, 键鼠 peripheral, 网络适配器 machine_part; 机架式 is a
-- rack-mount server, no rack). The rows were added to seed/keywords.tsv for new databases; this inserts
-- them, in seed order, where a database seeded before has none.

INSERT INTO intake.keywords (category, code, keyword, requires, note)
SELECT v.category, v.code, v.keyword, v.requires, v.note
  FROM (VALUES
  (1, 'component', 'auxiliary', '光纤模块', NULL, 'policy §4 auxiliary: an optical module named after its fibre'),
  (2, 'component', 'auxiliary', '光纤模组', NULL, 'policy §4 auxiliary: optical module (光纖模組 after t2s)'),
  (3, 'component', 'auxiliary', '光收发模块', NULL, 'policy §4 auxiliary: optical transceiver module'),
  (4, 'component', 'auxiliary', '光收发器', NULL, 'policy §4 auxiliary: optical transceiver'),
  (5, 'component', 'auxiliary', '光口模块', NULL, 'policy §4 auxiliary: an optical module, not the NIC port (光口)'),
  (6, 'component', 'other_material', '光缆', NULL, 'policy §4 other_material: fibre cable'),
  (7, 'component', 'other_material', '尾纤', NULL, 'policy §4 other_material: fibre pigtail'),
  (8, 'component', 'other_material', '不间断电源', NULL, 'policy §4 other_material: UPS in words, not the server''s PSU'),
  (9, 'component', 'other_material', '不断电系统', NULL, 'policy §4 other_material: UPS (Taiwan: 不斷電系統)'),
  (10, 'component', 'other_material', '机架', NULL, 'policy §4 other_material: rack'),
  (11, 'mask', 'rack_server', '机架式', NULL, 'a rack-mount server is a server, not a rack'),
  (12, 'mask', 'rack_server', '机架服务器', NULL, 'a rack-mount server is a server, not a rack'),
  (13, 'component', 'peripheral', '键鼠', NULL, 'policy §4 peripheral: keyboard and mouse'),
  (14, 'component', 'machine_part', '网络适配器', NULL, 'policy §4 machine_part: NIC')
       ) AS v(ord, category, code, keyword, requires, note)
 WHERE NOT EXISTS (SELECT 1 FROM intake.keywords k
                    WHERE k.category = v.category AND k.code = v.code AND k.keyword = v.keyword)
 ORDER BY v.ord;

-- ---- a forward's acknowledgement: To the end customer, the forwarder in Cc ----
-- Still at most one row per mail (outbox_mail_id_key): the Cc addresses ride on that row and are
-- SMTP recipients of the same transaction, never a second acknowledgement.
ALTER TABLE intake.outbox ADD COLUMN cc text[];
COMMENT ON COLUMN intake.outbox.cc IS 'Further recipients (Cc header and SMTP RCPT) of the same acknowledgement: the sales rep or reseller who forwarded the customer''s mail; NULL when none';
COMMENT ON COLUMN intake.outbox.recipient IS 'Address it goes To: the end customer (the sender named in a forwarded mail, else the From of the customer''s mail); NULL when suppressed for want of one';
