-- Policy data, part 4: holidays, service clocks and SLA terms (policy §7).
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
