-- Upgrade from the pre-release migrations. Before the first release, sql/ held 19 files
-- (001_base.sql … 040_grants_after_outbox.sql, packed for the test in tests/data/sql-legacy.tar.gz) that
-- were folded into this baseline. A database they migrated already holds every object of
-- 001-031 in its final form; here it records those baseline files as applied (so intake db
-- migrate skips them) and changes the little that differs; 040_roles.sql then runs as in a new
-- database. In a new database (none of those names recorded) this file does nothing.
-- tests/store/test_baseline.c checks that both end with the same schema.
DO $$
DECLARE
  legacy text[] := ARRAY['001_base.sql', '002_timezone.sql', '003_order_history.sql',
                         '004_followup_lookup.sql', '010_policy_settings.sql', '011_keywords.sql',
                         '012_priority.sql', '013_calendar.sql', '014_service_areas.sql',
                         '015_assets.sql', '016_keywords_blind.sql', '020_ops_schema.sql',
                         '021_ops_views.sql', '022_ops_functions.sql', '023_roles.sql',
                         '024_grants_pipeline.sql', '030_outbox.sql', '031_ack_texts.sql',
                         '040_grants_after_outbox.sql'];
  -- The baseline files whose objects such a database has; not 040_roles.sql.
  folded text[] := ARRAY['001_schema.sql', '010_policy.sql', '020_ops_views.sql',
                         '021_ops_functions.sql', '030_acks_outbox.sql', '031_acks_texts.sql'];
  missing text[];
  r record;
BEGIN
  SELECT array_agg(l ORDER BY l) INTO missing
    FROM unnest(legacy) l WHERE l NOT IN (SELECT name FROM intake.schema_migrations);
  IF cardinality(missing) = cardinality(legacy) THEN
    RETURN; -- a new database
  END IF;
  IF missing IS NOT NULL THEN
    RAISE EXCEPTION 'this database was migrated by only part of the pre-release migrations (missing: %)',
                    array_to_string(missing, ', ')
      USING HINT = 'migrate it with the pre-release sql/ (tests/data/sql-legacy.tar.gz) as migrations_dir first, then with sql/';
  END IF;

  INSERT INTO intake.schema_migrations (name) SELECT unnest(folded) ON CONFLICT (name) DO NOTHING;

  -- 040_roles.sql defines it anew, reading the privileges from intake.role_grants.
  DROP FUNCTION intake.apply_grants();

  -- 024 let intake_app read every table and use every sequence created later: gone (least
  -- privilege; apply_grants grants what role_grants lists). For every role that set them.
  FOR r IN SELECT DISTINCT pg_get_userbyid(d.defaclrole) AS owner
             FROM pg_default_acl d
            WHERE d.defaclnamespace = 'intake'::regnamespace LOOP
    EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA intake REVOKE SELECT ON TABLES FROM intake_app',
                   r.owner);
    EXECUTE format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA intake REVOKE USAGE ON SEQUENCES FROM intake_app',
                   r.owner);
  END LOOP;

  -- 020 added the pause reason code NOT VALID, so that free-text reasons of older pauses stay; a
  -- new database has it validated. Validate it here too unless such a row exists.
  IF EXISTS (SELECT 1 FROM pg_constraint
              WHERE conname = 'sla_pauses_reason_code' AND conrelid = 'intake.sla_pauses'::regclass
                AND NOT convalidated) THEN
    IF EXISTS (SELECT 1 FROM intake.sla_pauses p
                WHERE NOT EXISTS (SELECT 1 FROM intake.pause_reasons pr WHERE pr.code = p.reason)) THEN
      RAISE NOTICE 'intake.sla_pauses has reasons that are no pause_reasons code: sla_pauses_reason_code stays NOT VALID';
    ELSE
      ALTER TABLE intake.sla_pauses VALIDATE CONSTRAINT sla_pauses_reason_code;
    END IF;
  END IF;
END
$$;
