-- Policy data, part 5: on-site areas (policy §8).
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
COMMENT ON COLUMN intake.service_areas.province IS 'Province; a row with no city is a whole region (西藏, 新疆)';
COMMENT ON COLUMN intake.service_areas.city IS 'City, canonical Chinese name (北京市)';
COMMENT ON COLUMN intake.service_areas.district IS 'District (海淀区); NULL: the row for the city named without a district';
COMMENT ON COLUMN intake.service_areas.onsite_class IS '4h, next_day, negotiated; on a city row: the class when the mail names no district (4h cities then add reason district_unverified)';
COMMENT ON COLUMN intake.service_areas.unlisted_districts IS 'City rows: the class of a district no row lists (negotiated for the 4h cities); NULL: the city''s class';
COMMENT ON COLUMN intake.service_areas.aliases IS ';-separated other names: short forms, pinyin/English (Beijing; Haidian). Matching ignores case, spaces and a trailing 市/区/City/District';
COMMENT ON COLUMN intake.service_areas.note IS 'For ops';
-- intake:seed service_areas
