-- Policy data, part 1: scalar settings, warranty years by component, parts-order terms (policy.md §3, §4).
-- The classifier reads these tables (intake poll) or the same seed files (intake inspect): one source.
CREATE TABLE intake.policy_settings (
  key         text PRIMARY KEY,
  value       text NOT NULL,
  description text
);
COMMENT ON TABLE intake.policy_settings IS 'Scalar policy settings: time zone, legacy cut-off, warranty offset and year length, default on-site class, which coverages get SLA deadlines';
COMMENT ON COLUMN intake.policy_settings.key IS 'Setting name (timezone, legacy_ship_before, ship_offset_days, days_per_year, default_onsite_class, sla_coverages, timezone_fallback_offset)';
COMMENT ON COLUMN intake.policy_settings.value IS 'Its value, as text';
COMMENT ON COLUMN intake.policy_settings.description IS 'What it means, for ops';
-- intake:seed policy_settings

CREATE TABLE intake.components (
  component          text PRIMARY KEY
                     CHECK (component IN ('machine_part','auxiliary','peripheral','other_material','gpu',
                                          'roycom_software','other_software','system','unknown')),
  match_rank         integer NOT NULL,
  kind               text NOT NULL CHECK (kind IN ('fault','software')),
  silver_years       integer CHECK (silver_years >= 0),
  gold_years         integer CHECK (gold_years >= 0),
  contract_overrides boolean NOT NULL DEFAULT false,
  description        text
);
COMMENT ON TABLE intake.components IS 'Warranty years by component and tier (policy §4); the component of a request comes from keywords';
COMMENT ON COLUMN intake.components.component IS 'Component name as in contract.md';
COMMENT ON COLUMN intake.components.match_rank IS 'When a mail names several components, the lowest rank wins';
COMMENT ON COLUMN intake.components.kind IS 'Request kind the component implies: fault (hardware) or software';
COMMENT ON COLUMN intake.components.silver_years IS 'Warranty years for silver (银牌) assets; NULL: no warranty term (customer scope)';
COMMENT ON COLUMN intake.components.gold_years IS 'Warranty years for gold (金牌) assets; NULL: no warranty term';
COMMENT ON COLUMN intake.components.contract_overrides IS 'An asset''s contract_years replaces these years';
COMMENT ON COLUMN intake.components.description IS 'What the component covers';
-- intake:seed components

CREATE TABLE intake.parts_terms (
  brand       text NOT NULL,
  from_year   integer NOT NULL CHECK (from_year >= 1),
  to_year     integer NOT NULL,
  coverage    text NOT NULL CHECK (coverage IN ('covered','chargeable','expired','not_covered','needs_review')),
  description text,
  PRIMARY KEY (brand, from_year),
  CHECK (to_year >= from_year)
);
COMMENT ON TABLE intake.parts_terms IS 'Parts orders (assets of kind part): coverage by brand and warranty year; after the last to_year: expired';
COMMENT ON COLUMN intake.parts_terms.brand IS 'supermicro, or other (every other brand)';
COMMENT ON COLUMN intake.parts_terms.from_year IS 'First warranty year of the term (year n ends start + days_per_year × n days)';
COMMENT ON COLUMN intake.parts_terms.to_year IS 'Last warranty year of the term';
COMMENT ON COLUMN intake.parts_terms.coverage IS 'covered, or chargeable (material fee)';
COMMENT ON COLUMN intake.parts_terms.description IS 'The seed''s wording';
-- intake:seed parts_terms
