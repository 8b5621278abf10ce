-- Ops in psql, part 4: the two group roles and their privileges.
--   intake_app: the pipeline (intake poll, intake assets import, intake acks send): reads policy,
--               writes mail, orders, audit, outbox; no DDL, no DELETE.
--   intake_ops: the service desk: reads everything, changes orders only through the functions of
--               022 (SECURITY DEFINER), edits the policy data (each year's holidays, keywords, …).
-- Both are NOLOGIN groups: an admin grants them to login roles (docs/ops.md). Roles are
-- cluster-wide and several databases on one server run this migration: create them only if absent.
-- intake.apply_grants() is idempotent; a later migration that adds a table calls it again.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'intake_app') THEN
    BEGIN
      CREATE ROLE intake_app NOLOGIN;
      COMMENT ON ROLE intake_app IS 'intake pipeline (poll, assets import, acks): grant to the login role it runs as';
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL; -- created meanwhile by a migration of another database
    END;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'intake_ops') THEN
    BEGIN
      CREATE ROLE intake_ops NOLOGIN;
      COMMENT ON ROLE intake_ops IS 'intake service desk: read everything, change orders through intake.* functions, edit policy data';
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL;
    END;
  END IF;
END
$$;

CREATE FUNCTION intake.apply_grants()
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  -- What the pipeline writes (outbox: when a migration has created it).
  app_tables text[] := ARRAY['messages', 'mailbox_uids', 'mailboxes', 'orders', 'order_counters',
                             'order_messages', 'audit', 'sla_pauses', 'outbox', 'assets',
                             'schema_migrations'];
  -- Policy data (sql/010-014 and the pause reasons): the pipeline reads it, ops maintain it.
  policy_tables text[] := ARRAY['policy_settings', 'components', 'parts_terms', 'keywords',
                                'priority_matrix', 'priority_caps', 'holidays', 'service_clocks',
                                'sla_terms', 'service_areas', 'pause_reasons'];
  ops_functions text[] := ARRAY['set_status(text, text, text)', 'assign(text, text, text)',
                                'start(text, text)', 'wait_customer(text, text)',
                                'resolve(text, text)', 'close(text, text)', 'reopen(text, text)',
                                'add_note(text, text)', 'pause_sla(text, text, text)',
                                'resume_sla(text, text)', 'order_detail(text)'];
  t text;
  f record;
BEGIN
  REVOKE CREATE ON SCHEMA intake FROM PUBLIC;
  GRANT USAGE ON SCHEMA intake TO intake_app, intake_ops;

  -- Nobody but the owner runs a function unless granted below (PostgreSQL grants EXECUTE to PUBLIC).
  FOR f IN SELECT p.oid::regprocedure AS sig FROM pg_proc p
            WHERE p.pronamespace = 'intake'::regnamespace LOOP
    EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f.sig);
  END LOOP;

  -- intake_ops: SELECT on every table and view; nothing else on the order tables.
  GRANT SELECT ON ALL TABLES IN SCHEMA intake TO intake_ops;
  FOR t IN SELECT c.relname FROM pg_class c
            WHERE c.relnamespace = 'intake'::regnamespace AND c.relkind IN ('r', 'p')
              AND NOT c.relname = ANY (policy_tables) LOOP
    EXECUTE format('REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON intake.%I FROM intake_ops', t);
  END LOOP;
  FOREACH t IN ARRAY ops_functions LOOP
    EXECUTE format('GRANT EXECUTE ON FUNCTION intake.%s TO intake_ops', t);
  END LOOP;

  -- intake_app: read, insert and update what it writes; nothing on ops' views or functions but
  -- reopen (a follow-up to a closed order re-opens it, with the same audit as ops' reopen).
  FOREACH t IN ARRAY app_tables LOOP
    IF to_regclass('intake.' || t) IS NOT NULL THEN
      EXECUTE format('GRANT SELECT, INSERT, UPDATE ON intake.%I TO intake_app', t);
      EXECUTE format('REVOKE DELETE, TRUNCATE ON intake.%I FROM intake_app', t);
    END IF;
  END LOOP;
  GRANT EXECUTE ON FUNCTION intake.reopen(text, text) TO intake_app;

  FOREACH t IN ARRAY policy_tables LOOP
    IF to_regclass('intake.' || t) IS NOT NULL THEN
      EXECUTE format('GRANT SELECT ON intake.%I TO intake_app', t);
      EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON intake.%I TO intake_ops', t);
    END IF;
  END LOOP;
  GRANT SELECT ON intake.status_transitions TO intake_app;

  -- Sequences: the pipeline's serial columns; ops' for new keyword and service-area rows.
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
REVOKE ALL ON FUNCTION intake.apply_grants() FROM PUBLIC;
COMMENT ON FUNCTION intake.apply_grants() IS 'Admin: (re)grant intake_app and intake_ops their privileges on every intake object; idempotent, run by a migration that adds tables or functions';

SELECT intake.apply_grants();

-- Tables and views that later migrations create (as the same owner) are readable by ops; such a
-- migration still calls intake.apply_grants() for the pipeline's rights and the functions.
ALTER DEFAULT PRIVILEGES IN SCHEMA intake GRANT SELECT ON TABLES TO intake_ops;
