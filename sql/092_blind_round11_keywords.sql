-- Blind round 11 (writers not tried before): an outage written in Cantonese (開唔到機, 冇反應, 部機死咗),
-- Japanese (電源が入らない, 業務が停止) or NVIDIA's words (GPU has fallen off the bus, Xid 79, one GPU
-- missing) gave S3 — a gold P1 queued as P3 without its 4-hour visit. Matching runs on the t2s copy
-- of the text, so the Han characters are simplified here. The rows were added to seed/keywords.tsv for
-- new databases; this inserts them, in seed order, where a database seeded before has none.

INSERT INTO intake.keywords (category, code, keyword, requires, note)
SELECT v.category, v.code, v.keyword, v.requires, v.note
  FROM (VALUES
  (1, 'severity', 'S1', '开唔到机', NULL, 'Cantonese 開唔到機: will not power on (after t2s)'),
  (2, 'severity', 'S1', '开唔到', '电源|机|掣|power', 'Cantonese 開唔到: cannot turn it on'),
  (3, 'severity', 'S1', '冇反应', '电源|开机|按|掣|power', 'Cantonese 冇反應 after pressing power: no power'),
  (4, 'severity', 'S1', '死咗', '机|服务器|server', 'Cantonese 部機死咗: the machine is dead'),
  (5, 'severity', 'S1', '瓜咗', '机|服务器|server', 'Cantonese 瓜咗: the machine is dead'),
  (6, 'severity', 'S1', '冇电', NULL, 'Cantonese 冇電: no power'),
  (7, 'severity', 'S1', '唔着', '电源灯|灯', 'Cantonese 電源燈都唔著 (t2s 着): the power light stays off'),
  (8, 'severity', 'S1', '电源が入らない', NULL, 'Japanese 電源が入らない: will not power on (after t2s)'),
  (9, 'severity', 'S1', '起动しない', NULL, 'Japanese 起動しない: will not boot'),
  (10, 'severity', 'S1', '起动できない', NULL, 'Japanese 起動できない: cannot boot'),
  (11, 'severity', 'S1', '业务が停止', NULL, 'Japanese 業務が停止: business stopped'),
  (12, 'severity', 'S1', 'ダウン', NULL, 'Japanese ダウン: down'),
  (13, 'severity', 'S2', 'fallen off the bus', NULL, 'NVIDIA Xid 79: GPU has fallen off the bus'),
  (14, 'severity', 'S2', 'fell off the bus', NULL, 'NVIDIA Xid 79: a GPU fell off the bus'),
  (15, 'severity', 'S2', 'off the bus', 'GPU|GPUs|Xid', 'a GPU dropped off the PCIe bus'),
  (16, 'severity', 'S2', 'Xid', 'GPU|GPUs|nvidia', 'an NVIDIA Xid error'),
  (17, 'severity', 'S2', 'missing', 'GPU|GPUs|disk|disks|drive|drives|DIMM|DIMMs|memory|NIC|PSU', 'a part missing from the machine''s view'),
  (18, 'severity', 'S2', 'lost', 'GPU|GPUs|disk|disks|drive|drives|DIMM|DIMMs|NIC|PSU', 'one GPU lost: a part dropped'),
  (19, 'severity', 'S2', '认识しない', NULL, 'Japanese 認識しない: not recognised (after t2s)'),
  (20, 'severity', 'S2', '认识されない', NULL, 'Japanese 認識されない: not recognised (after t2s)'),
  (21, 'severity', 'S2', 'エラー', NULL, 'Japanese エラー: error'),
  (22, 'severity', 'S2', '异音', NULL, 'Japanese 異音: abnormal noise (after t2s)')
       ) AS v(ord, category, code, keyword, requires, note)
 WHERE NOT EXISTS (SELECT 1 FROM intake.keywords k
                    WHERE k.category = v.category AND k.code = v.code AND k.keyword = v.keyword)
 ORDER BY v.ord;
