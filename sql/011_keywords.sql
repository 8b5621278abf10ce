-- Policy data, part 2: the keyword lists (components, exclusions, kinds, severities, value-added services).
CREATE TABLE intake.keywords (
  id        serial PRIMARY KEY,
  category  text NOT NULL CHECK (category IN ('component','exclusion','kind','severity','value_added','mask','negation')),
  code      text NOT NULL,
  keyword   text NOT NULL,
  requires  text,
  note      text,
  UNIQUE (category, code, keyword)
);
COMMENT ON TABLE intake.keywords IS 'Words the classifier looks for in the customer''s subject and symptoms (after NFKC, ASCII case ignored; ASCII words need word boundaries, a trailing * lifts the end boundary). Order matters: exclusion reasons are listed in the order of their first keyword';
COMMENT ON COLUMN intake.keywords.id IS 'Row order (the seed file''s order)';
COMMENT ON COLUMN intake.keywords.category IS 'component, exclusion, kind (consultation), severity (S1, S2), value_added, mask (phrases never taken as evidence, e.g. GPU服务器), negation (a clause holding one gives no evidence, e.g. 没有告警)';
COMMENT ON COLUMN intake.keywords.code IS 'What a match means: the component, the exclusion reason code, consultation, S1/S2, the paid service';
COMMENT ON COLUMN intake.keywords.keyword IS 'The word or phrase';
COMMENT ON COLUMN intake.keywords.requires IS 'Optional |-separated terms one of which must appear in the same clause (寿命 counts for ssd_wear only near SSD|SD|M.2 …)';
COMMENT ON COLUMN intake.keywords.note IS 'Why the row exists';
-- intake:seed keywords
