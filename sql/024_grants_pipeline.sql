-- Roles, part 2: the pipeline's functions and the acknowledgement tables.
-- 023 took EXECUTE from PUBLIC on every intake function, intake.outbox_lookup (sql/004, used by
-- intake poll for follow-up matching) included: give it back to intake_app. Ops get EXECUTE on
-- every public-facing intake function (not the internal _* ones, not apply_grants), so a later
-- SECURITY DEFINER function for ops needs only `SELECT intake.apply_grants();`. The acknowledgement
-- templates (intake.ack_texts, when present) are data ops edit and the pipeline reads.
-- Tables that later migrations create are readable by the pipeline too (ack texts and the like);
-- a table the pipeline writes still needs apply_grants() (outbox is already in its list).
CREATE OR REPLACE FUNCTION intake.apply_grants()
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  -- What the pipeline writes.
  app_tables text[] := ARRAY['messages', 'mailbox_uids', 'mailboxes', 'orders', 'order_counters',
                             'order_messages', 'audit', 'sla_pauses', 'outbox', 'assets',
                             'schema_migrations'];
  -- Data ops maintain (sql/010-014, pause reasons, acknowledgement texts); the pipeline reads it.
  policy_tables text[] := ARRAY['policy_settings', 'components', 'parts_terms', 'keywords',
                                'priority_matrix', 'priority_caps', 'holidays', 'service_clocks',
                                'sla_terms', 'service_areas', 'pause_reasons', 'ack_texts'];
  -- Functions the pipeline calls.
  app_functions text[] := ARRAY['intake.outbox_lookup(text[])', 'intake.reopen(text, text)'];
  t text;
  f record;
BEGIN
  REVOKE CREATE ON SCHEMA intake FROM PUBLIC;
  GRANT USAGE ON SCHEMA intake TO intake_app, intake_ops;

  -- Functions: nobody by default (PostgreSQL grants EXECUTE to PUBLIC); ops every public-facing one.
  FOR f IN SELECT p.oid::regprocedure AS sig, p.proname FROM pg_proc p
            WHERE p.pronamespace = 'intake'::regnamespace LOOP
    EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f.sig);
    IF f.proname NOT LIKE '\_%' AND f.proname <> 'apply_grants' THEN
      EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO intake_ops', f.sig);
    END IF;
  END LOOP;
  FOREACH t IN ARRAY app_functions LOOP
    IF to_regprocedure(t) IS NOT NULL THEN
      EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO intake_app', to_regprocedure(t));
    END IF;
  END LOOP;

  -- intake_ops: SELECT on every table and view; no direct change outside the policy data.
  GRANT SELECT ON ALL TABLES IN SCHEMA intake TO intake_ops;
  FOR t IN SELECT c.relname FROM pg_class c
            WHERE c.relnamespace = 'intake'::regnamespace AND c.relkind IN ('r', 'p')
              AND NOT c.relname = ANY (policy_tables) LOOP
    EXECUTE format('REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON intake.%I FROM intake_ops', t);
  END LOOP;

  -- intake_app: read, insert and update what it writes; read the policy data.
  FOREACH t IN ARRAY app_tables LOOP
    IF to_regclass('intake.' || t) IS NOT NULL THEN
      EXECUTE format('GRANT SELECT, INSERT, UPDATE ON intake.%I TO intake_app', t);
      EXECUTE format('REVOKE DELETE, TRUNCATE ON intake.%I FROM intake_app', t);
    END IF;
  END LOOP;
  FOREACH t IN ARRAY policy_tables LOOP
    IF to_regclass('intake.' || t) IS NOT NULL THEN
      EXECUTE format('GRANT SELECT ON intake.%I TO intake_app', t);
      EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON intake.%I TO intake_ops', t);
    END IF;
  END LOOP;
  GRANT SELECT ON intake.status_transitions TO intake_app;

  -- Sequences: the pipeline's serial columns; ops' for new rows of the policy tables.
  GRANT USAGE ON ALL SEQUENCES IN SCHEMA intake TO intake_app;
  FOR t IN SELECT s.relname FROM pg_class s
             JOIN pg_depend d ON d.objid = s.oid AND d.deptype = 'a'
             JOIN pg_class c ON c.oid = d.refobjid
            WHERE s.relkind = 'S' AND s.relnamespace = 'intake'::regnamespace
              AND c.relname = ANY (policy_tables) LOOP
    EXECUTE format('GRANT USAGE ON SEQUENCE intake.%I TO intake_ops', t);
  END LOOP;
END
$$;
COMMENT ON FUNCTION intake.apply_grants() IS 'Admin: (re)grant intake_app and intake_ops their privileges on every intake object; idempotent: a migration that adds tables or functions ends with SELECT intake.apply_grants()';

SELECT intake.apply_grants();

ALTER DEFAULT PRIVILEGES IN SCHEMA intake GRANT SELECT ON TABLES TO intake_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA intake GRANT USAGE ON SEQUENCES TO intake_app;
