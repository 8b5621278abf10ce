-- "机房温度22度，正常" made the order a suspected environment exclusion (the room's temperature named is
-- no fault of the room): the room and ambient temperature are evidence only with a word of heat or
-- change in their sentence (高, 过, 超, 升, 空调 …), as seed/keywords.tsv now has them. A vendor's own
-- change of these rows (requires no longer empty) is kept.

UPDATE intake.keywords
   SET requires = '高|热|超|异常|升|波动|空调|不稳|过|偏|达到|到了|以上|high|hot|above|exceed|exceeds|rise|rising|rose'
 WHERE category = 'exclusion' AND code = 'environment'
   AND keyword IN ('机房温度', '环境温度', '室温', 'ambient temperature')
   AND requires IS NULL;
