-- Policy data, part 3: the priority matrix and its caps (policy §6).
CREATE TABLE intake.priority_matrix (
  severity text NOT NULL CHECK (severity IN ('S1','S2','S3')),
  tier     text NOT NULL CHECK (tier IN ('gold','silver','unknown')),
  priority text NOT NULL CHECK (priority IN ('P1','P2','P3','P4')),
  PRIMARY KEY (severity, tier)
);
COMMENT ON TABLE intake.priority_matrix IS 'Priority by severity and tier (policy §6)';
COMMENT ON COLUMN intake.priority_matrix.severity IS 'S1 outage, S2 degraded hardware, S3 everything else';
COMMENT ON COLUMN intake.priority_matrix.tier IS 'gold, silver, or unknown (SN not registered)';
COMMENT ON COLUMN intake.priority_matrix.priority IS 'P1 (most urgent) … P4';
-- intake:seed priority_matrix

CREATE TABLE intake.priority_caps (
  coverage     text PRIMARY KEY CHECK (coverage IN ('covered','chargeable','expired','not_covered','needs_review')),
  max_priority text NOT NULL CHECK (max_priority IN ('P1','P2','P3','P4')),
  description  text
);
COMMENT ON TABLE intake.priority_caps IS 'A coverage listed here makes the priority no more urgent than max_priority (policy §6)';
COMMENT ON COLUMN intake.priority_caps.coverage IS 'The coverage decision';
COMMENT ON COLUMN intake.priority_caps.max_priority IS 'The most urgent priority allowed';
COMMENT ON COLUMN intake.priority_caps.description IS 'Why';
-- intake:seed priority_caps
