-- Blind round 14c: "CPU 过热告警，机房温度22度正常" and "机房温度22度，湿度45%" were suspected environment
-- exclusions (a room said fine; humidity named with no word of it being high), a pasted SEL line
-- "Voltage Threshold Lower Critical going low" too (the machine's own sensor, not utility power); "the RAID
-- controller marked drive slot #4 as Failed" a marked disk and "our node dropped one GPU" physical damage;
-- "nvidia-smi 正常，GPU 都在" and a host named gpu_node_07 (now: '_' is part of a word) a GPU repair (masks:
-- a negation does not take out the GPU word inside it). A
-- negation with `requires` now speaks only in a clause holding one of them (正常 of a room's temperature,
-- humidity or voltage, not of anything). The rows were added to seed/keywords.tsv for new databases; this
-- inserts them, in seed order, where a database seeded before has none, and gives humidity the words of
-- it being high or changing that the room's temperature has needed since sql/105, and the readings
-- outside the 20-80 % RH a machine room keeps ("湿度95%"; a vendor's own change of that row is kept).

INSERT INTO intake.keywords (category, code, keyword, requires, note)
SELECT v.category, v.code, v.keyword, v.requires, v.note
  FROM (VALUES
  (1, 'negation', 'calm_environment', '正常', '温度|湿度|温湿度|室温|电压|环境|空调', '机房温度22度正常: the room is said to be fine (only in a clause naming the room)'),
  (2, 'negation', 'calm_environment', 'normal', 'temperature|humidity|voltage|ambient', 'room temperature 22C, normal'),
  (3, 'mask', 'not_calm', '不正常', NULL, '不正常 is no calm 正常'),
  (4, 'mask', 'not_calm', '非正常', NULL, '非正常 is no calm 正常'),
  (5, 'mask', 'not_calm', 'not normal', NULL, 'not normal is no calm normal'),
  (6, 'mask', 'sensor_voltage', 'voltage threshold', NULL, 'a SEL line of the machine''s own sensor, not utility power'),
  (7, 'mask', 'sensor_voltage', 'voltage sensor', NULL, 'the machine''s own sensor'),
  (8, 'mask', 'sensor_voltage', 'voltage #', NULL, 'ipmitool sel: Voltage #0x30'),
  (9, 'mask', 'sensor_voltage', '电压阈值', NULL, 'the machine''s own sensor threshold'),
  (10, 'mask', 'sensor_voltage', '电压传感器', NULL, 'the machine''s own sensor'),
  (11, 'mask', 'status_marked', 'marked drive', NULL, 'the RAID controller marked drive slot #4 as Failed'),
  (12, 'mask', 'status_marked', 'marked the drive', NULL, 'controller status, not a pen'),
  (13, 'mask', 'status_marked', 'marked disk', NULL, 'controller status, not a pen'),
  (14, 'mask', 'status_marked', 'marked the disk', NULL, 'controller status, not a pen'),
  (15, 'mask', 'status_marked', 'marked as', NULL, 'marked as failed/offline/foreign'),
  (16, 'mask', 'status_marked', 'marked failed', NULL, 'controller status'),
  (17, 'mask', 'status_marked', 'marked offline', NULL, 'controller status'),
  (18, 'mask', 'status_marked', 'marked bad', NULL, 'controller status'),
  (19, 'mask', 'status_marked', '标记为', NULL, 'RAID卡把硬盘标记为failed: a status, not a pen'),
  (20, 'mask', 'status_marked', '标记成', NULL, 'a status, not a pen'),
  (21, 'mask', 'not_dropped', 'dropped one gpu', NULL, 'the node dropped (lost) one GPU: no fall'),
  (22, 'mask', 'not_dropped', 'dropped a gpu', NULL, 'lost a GPU: no fall'),
  (23, 'mask', 'not_dropped', 'dropped 1 gpu', NULL, 'lost a GPU: no fall'),
  (24, 'mask', 'not_dropped', 'dropped two gpus', NULL, 'lost GPUs: no fall'),
  (25, 'mask', 'not_dropped', 'dropped 2 gpus', NULL, 'lost GPUs: no fall'),
  (26, 'mask', 'not_dropped', 'dropped one card', NULL, 'lost a card: no fall'),
  (27, 'mask', 'not_dropped', 'dropped a card', NULL, 'lost a card: no fall'),
  (28, 'mask', 'not_dropped', 'dropped one disk', NULL, 'lost a disk: no fall'),
  (29, 'mask', 'not_dropped', 'dropped a disk', NULL, 'lost a disk: no fall'),
  (30, 'mask', 'not_dropped', 'dropped one drive', NULL, 'lost a drive: no fall'),
  (31, 'mask', 'not_dropped', 'dropped a drive', NULL, 'lost a drive: no fall'),
  (32, 'mask', 'gpus_fine', 'GPU都在', NULL, 'nvidia-smi 正常，GPU 都在: the GPUs are fine'),
  (33, 'mask', 'gpus_fine', 'GPU 都在', NULL, 'GPU 都在'),
  (34, 'mask', 'gpus_fine', 'GPU卡都在', NULL, 'GPU卡都在'),
  (35, 'mask', 'gpus_fine', 'GPU 卡都在', NULL, 'GPU 卡都在'),
  (36, 'mask', 'gpus_fine', 'all gpus are there', NULL, 'all GPUs are there'),
  (37, 'mask', 'gpus_fine', 'all gpus present', NULL, 'all GPUs present'),
  (38, 'mask', 'gpus_fine', 'nvidia-smi 正常', NULL, 'OS 里 nvidia-smi 正常: the GPUs are fine'),
  (39, 'mask', 'gpus_fine', 'nvidia-smi正常', NULL, 'nvidia-smi正常')
       ) AS v(ord, category, code, keyword, requires, note)
 WHERE NOT EXISTS (SELECT 1 FROM intake.keywords k
                    WHERE k.category = v.category AND k.code = v.code AND k.keyword = v.keyword)
 ORDER BY v.ord;

UPDATE intake.keywords
   SET requires = '高|大|超|异常|不正常|潮|凝露|结露|波动|不稳|偏|过高|过大|达到|低|high|above|exceed|exceeds|rise|rising|condensation|damp|abnormal|0%|1%|2%|3%|4%|5%|6%|7%|8%|9%|10%|11%|12%|13%|14%|15%|16%|17%|18%|19%|80%|81%|82%|83%|84%|85%|86%|87%|88%|89%|90%|91%|92%|93%|94%|95%|96%|97%|98%|99%|100%'
 WHERE category = 'exclusion' AND code = 'environment' AND keyword IN ('湿度', 'humidity') AND requires IS NULL;

-- "机房温度不正常": 不正常 is a word of the room being wrong, as 异常 is.
UPDATE intake.keywords
   SET requires = '高|热|超|异常|不正常|升|波动|空调|不稳|过|偏|达到|到了|以上|high|hot|above|exceed|exceeds|rise|rising|rose|abnormal'
 WHERE category = 'exclusion' AND code = 'environment'
   AND keyword IN ('机房温度', '环境温度', '室温', 'ambient temperature')
   AND requires = '高|热|超|异常|升|波动|空调|不稳|过|偏|达到|到了|以上|high|hot|above|exceed|exceeds|rise|rising|rose';
