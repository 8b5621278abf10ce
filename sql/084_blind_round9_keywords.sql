-- Blind round 9 (policy edges with a registry of our own): words that named the wrong component.
-- "BMC 里硬件状态全绿" / "BMC 正常" beside a SuperHCI problem made a hardware fault with an engineer
-- on site: a clause that says the hardware is fine gives no evidence (negation). "平台首页显示 0 个
-- 可用 GPU" in a SuperAI scheduling error made a covered GPU repair: GPUs as a platform's resource are
-- masks. "屏幕无输出，键盘无响应" in a crash made a faulty keyboard/monitor (peripheral, 3 years
-- instead of gold's 5): a crashed server's symptoms seen on them are masks.
-- The rows were added to seed/keywords.tsv for new databases; this inserts them, in seed order, where a
-- database seeded before has none.

INSERT INTO intake.keywords (category, code, keyword, requires, note)
SELECT v.category, v.code, v.keyword, v.requires, v.note
  FROM (VALUES
  (1, 'negation', 'hardware_fine', '全绿', NULL, 'BMC 里硬件状态全绿: the hardware is said to be fine'),
  (2, 'negation', 'hardware_fine', '都是绿的', NULL, 'the hardware is said to be fine'),
  (3, 'negation', 'hardware_fine', '状态正常', NULL, 'the part is said to be fine'),
  (4, 'negation', 'hardware_fine', '状态良好', NULL, 'the part is said to be fine'),
  (5, 'negation', 'hardware_fine', '显示正常', NULL, 'BMC 显示正常: the part is said to be fine'),
  (6, 'negation', 'hardware_fine', '运行正常', NULL, 'the machine runs: no evidence from that clause'),
  (7, 'negation', 'hardware_fine', '均正常', NULL, 'all said to be fine'),
  (8, 'negation', 'hardware_fine', '硬件正常', NULL, 'the hardware is said to be fine'),
  (9, 'mask', 'hardware_fine', 'BMC 正常', NULL, 'the BMC is said to be fine'),
  (10, 'mask', 'hardware_fine', 'BMC正常', NULL, 'the BMC is said to be fine'),
  (11, 'negation', 'hardware_fine', 'all green', NULL, 'the hardware is said to be fine'),
  (12, 'negation', 'hardware_fine', 'healthy', NULL, 'BMC shows healthy'),
  (13, 'mask', 'gpu_resource', '可用 GPU', NULL, 'GPUs a platform can use: a count, not a faulty GPU'),
  (14, 'mask', 'gpu_resource', '可用GPU', NULL, 'GPUs a platform can use: a count, not a faulty GPU'),
  (15, 'mask', 'gpu_resource', '可用的 GPU', NULL, 'GPUs a platform can use: a count, not a faulty GPU'),
  (16, 'mask', 'gpu_resource', '可用的GPU', NULL, 'GPUs a platform can use: a count, not a faulty GPU'),
  (17, 'mask', 'gpu_resource', 'GPU 资源', NULL, 'a scheduler''s GPU resources, not a faulty GPU'),
  (18, 'mask', 'gpu_resource', 'GPU资源', NULL, 'a scheduler''s GPU resources, not a faulty GPU'),
  (19, 'mask', 'gpu_resource', 'GPU 配额', NULL, 'a GPU quota, not a faulty GPU'),
  (20, 'mask', 'gpu_resource', 'GPU配额', NULL, 'a GPU quota, not a faulty GPU'),
  (21, 'mask', 'gpu_resource', 'GPU 调度', NULL, 'GPU scheduling (software), not a faulty GPU'),
  (22, 'mask', 'gpu_resource', 'GPU调度', NULL, 'GPU scheduling (software), not a faulty GPU'),
  (23, 'mask', 'crash_symptom', '屏幕无输出', NULL, 'a crashed server shows nothing: not a faulty monitor'),
  (24, 'mask', 'crash_symptom', '屏幕没有输出', NULL, 'a crashed server shows nothing: not a faulty monitor'),
  (25, 'mask', 'crash_symptom', '屏幕没输出', NULL, 'a crashed server shows nothing: not a faulty monitor'),
  (26, 'mask', 'crash_symptom', '显示器无信号', NULL, 'the server sends no video: not a faulty monitor'),
  (27, 'mask', 'crash_symptom', '显示器没有信号', NULL, 'the server sends no video: not a faulty monitor'),
  (28, 'mask', 'crash_symptom', '显示器没信号', NULL, 'the server sends no video: not a faulty monitor'),
  (29, 'mask', 'crash_symptom', '键盘无响应', NULL, 'a hung server ignores the keyboard: not a faulty keyboard'),
  (30, 'mask', 'crash_symptom', '键盘没反应', NULL, 'a hung server ignores the keyboard: not a faulty keyboard'),
  (31, 'mask', 'crash_symptom', '键盘没有反应', NULL, 'a hung server ignores the keyboard: not a faulty keyboard'),
  (32, 'mask', 'crash_symptom', '键盘鼠标无响应', NULL, 'a hung server ignores keyboard and mouse'),
  (33, 'mask', 'crash_symptom', 'no video output', NULL, 'the server sends no video: not a faulty monitor'),
  (34, 'mask', 'crash_symptom', 'no display', NULL, 'the server shows nothing: not a faulty monitor'),
  (35, 'mask', 'crash_symptom', 'keyboard unresponsive', NULL, 'a hung server ignores the keyboard'),
  (36, 'mask', 'crash_symptom', '接显示器', NULL, 'a monitor plugged in to look at the server: not a faulty monitor'),
  (37, 'mask', 'crash_symptom', '接上显示器', NULL, 'a monitor plugged in to look at the server: not a faulty monitor'),
  (38, 'mask', 'crash_symptom', '插上显示器', NULL, 'a monitor plugged in to look at the server: not a faulty monitor'),
  (39, 'mask', 'crash_symptom', '连上显示器', NULL, 'a monitor plugged in to look at the server: not a faulty monitor')
       ) AS v(ord, category, code, keyword, requires, note)
 WHERE NOT EXISTS (SELECT 1 FROM intake.keywords k
                    WHERE k.category = v.category AND k.code = v.code AND k.keyword = v.keyword)
 ORDER BY v.ord;
