-- Baseline, part 2: the policy as data (policy.md §3-§8). Each table is seeded once from
-- sql/seed/TABLE.tsv (the "-- intake:seed TABLE" lines); ops maintain the rows afterwards. The
-- classifier reads these tables (intake poll) or the same seed files (intake inspect): one source.

-- ---- scalar settings, warranty years by component, parts-order terms (§3, §4) ----

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

-- ---- the keyword lists: components, exclusions, kinds, severities, value-added services ----

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

-- ---- the priority matrix and its caps (§6) ----

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

-- ---- holidays, service clocks and SLA terms (§7) ----

CREATE TABLE intake.holidays (
  day  date PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('holiday','workday')),
  name text
);
COMMENT ON TABLE intake.holidays IS 'Statutory holidays (no business time) and make-up working days (调休上班, business time on a weekend), from the State Council''s yearly notice; add each new year''s rows';
COMMENT ON COLUMN intake.holidays.day IS 'Local date (Asia/Shanghai)';
COMMENT ON COLUMN intake.holidays.kind IS 'holiday: closed although a weekday; workday: open although a weekend';
COMMENT ON COLUMN intake.holidays.name IS 'The holiday, e.g. 国庆节';
-- intake:seed holidays

CREATE TABLE intake.service_clocks (
  clock             text PRIMARY KEY,
  wall_clock        boolean NOT NULL,
  opens             time,
  closes            time,
  workdays          integer[],
  observes_holidays boolean NOT NULL DEFAULT false,
  description       text,
  CHECK (wall_clock OR (opens IS NOT NULL AND closes > opens AND workdays IS NOT NULL))
);
COMMENT ON TABLE intake.service_clocks IS 'SLA clocks: 7x24 counts every second; 5x8 counts business time only';
COMMENT ON COLUMN intake.service_clocks.clock IS 'Clock name as in contract.md (7x24, 5x8)';
COMMENT ON COLUMN intake.service_clocks.wall_clock IS 'true: every second counts (no business hours)';
COMMENT ON COLUMN intake.service_clocks.opens IS 'Business hours start, local time';
COMMENT ON COLUMN intake.service_clocks.closes IS 'Business hours end, local time (a deadline landing exactly here stays that day)';
COMMENT ON COLUMN intake.service_clocks.workdays IS 'ISO weekdays with business hours (1 = Monday … 7 = Sunday)';
COMMENT ON COLUMN intake.service_clocks.observes_holidays IS 'true: intake.holidays removes holidays and adds make-up working days';
COMMENT ON COLUMN intake.service_clocks.description IS 'For ops';
-- intake:seed service_clocks

CREATE TABLE intake.sla_terms (
  tier                 text PRIMARY KEY CHECK (tier IN ('gold','silver','unknown')),
  clock                text NOT NULL REFERENCES intake.service_clocks(clock),
  response_minutes     integer NOT NULL CHECK (response_minutes >= 0),
  plan_minutes         integer NOT NULL CHECK (plan_minutes >= 0),
  onsite_rule          text NOT NULL CHECK (onsite_rule IN ('nbd','elapsed')),
  onsite_minutes       integer,
  fast_onsite_minutes  integer,
  fast_onsite_priority text CHECK (fast_onsite_priority IN ('P1','P2','P3','P4')),
  fast_onsite_class    text CHECK (fast_onsite_class IN ('4h','next_day','negotiated','unknown')),
  description          text
);
COMMENT ON TABLE intake.sla_terms IS 'Deadlines by tier (policy §7): remote response, handling plan, engineer on site';
COMMENT ON COLUMN intake.sla_terms.tier IS 'gold, silver, or unknown (SN not registered)';
COMMENT ON COLUMN intake.sla_terms.clock IS 'The clock the minutes run on';
COMMENT ON COLUMN intake.sla_terms.response_minutes IS 'response_due = received + this many clock minutes';
COMMENT ON COLUMN intake.sla_terms.plan_minutes IS 'plan_due = received + this many clock minutes';
COMMENT ON COLUMN intake.sla_terms.onsite_rule IS 'nbd: closing time of the first business day after the received date; elapsed: received + onsite_minutes';
COMMENT ON COLUMN intake.sla_terms.onsite_minutes IS 'Minutes for rule elapsed (ND: 1440)';
COMMENT ON COLUMN intake.sla_terms.fast_onsite_minutes IS 'Instead, this many minutes for fast_onsite_priority in a fast_onsite_class area (4 h for P1 in a 4h area)';
COMMENT ON COLUMN intake.sla_terms.fast_onsite_priority IS 'The priority that gets the fast on-site deadline';
COMMENT ON COLUMN intake.sla_terms.fast_onsite_class IS 'The on-site class that gets it';
COMMENT ON COLUMN intake.sla_terms.description IS 'The seed''s wording';
-- intake:seed sla_terms

-- ---- on-site areas (§8) ----

CREATE TABLE intake.service_areas (
  id                 serial PRIMARY KEY,
  province           text,
  city               text,
  district           text,
  onsite_class       text NOT NULL CHECK (onsite_class IN ('4h','next_day','negotiated','unknown')),
  unlisted_districts text CHECK (unlisted_districts IN ('4h','next_day','negotiated','unknown')),
  aliases            text,
  note               text,
  CHECK (province IS NOT NULL OR city IS NOT NULL),
  CHECK (district IS NULL OR city IS NOT NULL)
);
CREATE UNIQUE INDEX service_areas_place ON intake.service_areas (coalesce(city, province), coalesce(district, ''));
COMMENT ON TABLE intake.service_areas IS 'On-site classes by place (policy §8). Places no row names get policy_settings.default_onsite_class (negotiated)';
COMMENT ON COLUMN intake.service_areas.id IS 'Row id';
COMMENT ON COLUMN intake.service_areas.province IS 'Province; a row with no city is a whole region (西藏, 新疆)';
COMMENT ON COLUMN intake.service_areas.city IS 'City, canonical Chinese name (北京市)';
COMMENT ON COLUMN intake.service_areas.district IS 'District (海淀区); NULL: the row for the city named without a district';
COMMENT ON COLUMN intake.service_areas.onsite_class IS '4h, next_day, negotiated; on a city row: the class when the mail names no district (4h cities then add reason district_unverified)';
COMMENT ON COLUMN intake.service_areas.unlisted_districts IS 'City rows: the class of a district no row lists (negotiated for the 4h cities); NULL: the city''s class';
COMMENT ON COLUMN intake.service_areas.aliases IS ';-separated other names: short forms, pinyin/English (Beijing; Haidian). Matching ignores case, spaces and a trailing 市/区/City/District';
COMMENT ON COLUMN intake.service_areas.note IS 'For ops';
-- intake:seed service_areas
