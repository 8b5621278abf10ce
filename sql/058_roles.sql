-- Least privilege (issue 11 item 8): four roles for four jobs.
--   the owner   runs `intake db migrate` and `intake assets import` ([db] migrate_conninfo): DDL, the registry
--   intake_app  the poll: appends mail and audit rows it may never rewrite, writes orders and the outbox,
--               reads the policy and the registry; no DDL, no DELETE, no migrations
--   intake_ops  the desk (docs/ops.md), unchanged
--   intake_report  read-only reporting (BI, a dashboard): the queue and the report views, no mail text
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'intake_report') THEN
    BEGIN
      CREATE ROLE intake_report NOLOGIN;
      COMMENT ON ROLE intake_report IS 'intake read-only reporting: the queue and report views, no mail, no changes';
    EXCEPTION WHEN duplicate_object OR unique_violation THEN
      NULL; -- created meanwhile by a migration of another database
    END;
  END IF;
END
$$;
COMMENT ON ROLE intake_app IS 'intake pipeline (poll, acks): grant to the login role it runs as; db migrate and assets import run as the schema owner ([db] migrate_conninfo)';

-- append: SELECT and INSERT only (rows the pipeline writes once: mail, audit, mail links).
ALTER TABLE intake.role_grants DROP CONSTRAINT role_grants_intake_app_check;
ALTER TABLE intake.role_grants DROP CONSTRAINT role_grants_check;
ALTER TABLE intake.role_grants ADD CONSTRAINT role_grants_intake_app_check
  CHECK (intake_app IN ('read', 'append', 'write', 'execute'));
ALTER TABLE intake.role_grants ADD COLUMN intake_report text CHECK (intake_report IN ('read'));
ALTER TABLE intake.role_grants ADD CONSTRAINT role_grants_check
  CHECK (CASE kind WHEN 'table' THEN coalesce(intake_app, 'read') IN ('read', 'append', 'write')
                                     AND coalesce(intake_ops, 'edit') = 'edit'
                   ELSE coalesce(intake_app, 'execute') = 'execute' AND coalesce(intake_ops, 'execute') = 'execute'
                        AND intake_report IS NULL END);
COMMENT ON TABLE intake.role_grants IS 'What intake_app, intake_ops and intake_report may do beyond the defaults (intake_ops reads every table and view; nothing else for anyone, no function callable by PUBLIC); intake.apply_grants() applies it';
COMMENT ON COLUMN intake.role_grants.intake_app IS 'The pipeline: read (SELECT), append (SELECT, INSERT: rows it never rewrites), write (SELECT, INSERT, UPDATE; never DELETE), execute (a function); NULL: nothing';
COMMENT ON COLUMN intake.role_grants.intake_report IS 'Read-only reporting: read (SELECT) on this view or table; NULL: nothing';

-- A trigger function runs for whoever fires the trigger; EXECUTE is checked only when the trigger is
-- created (by the owner): the pipeline needs no grant on it.
DELETE FROM intake.role_grants WHERE object = 'outbox_set_mail()';
UPDATE intake.role_grants SET intake_app = 'append' WHERE object IN ('messages', 'audit', 'order_messages');
UPDATE intake.role_grants SET intake_app = 'read' WHERE object IN ('assets', 'schema_migrations');
INSERT INTO intake.role_grants (object, kind, intake_app, intake_ops, intake_report) VALUES
  ('queue', 'table', NULL, NULL, 'read'),
  ('needs_review', 'table', NULL, NULL, 'read'),
  ('sla_breaches', 'table', NULL, NULL, 'read'),
  ('order_sla', 'table', NULL, NULL, 'read'),
  ('sla_report', 'table', NULL, NULL, 'read'),
  ('volume_report', 'table', NULL, NULL, 'read'),
  ('mailbox_health', 'table', NULL, NULL, 'read');

CREATE OR REPLACE FUNCTION intake.apply_grants()
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  g intake.role_grants;
  t text;
BEGIN
  -- A name that matches nothing would silently leave a role without a right it needs.
  FOR g IN SELECT * FROM intake.role_grants ORDER BY object LOOP
    IF (g.kind = 'table' AND to_regclass(format('intake.%I', g.object)) IS NULL)
       OR (g.kind = 'function' AND to_regprocedure('intake.' || g.object) IS NULL) THEN
      RAISE EXCEPTION 'intake.role_grants names the %, intake.%, which does not exist', g.kind, g.object;
    END IF;
  END LOOP;

  REVOKE CREATE ON SCHEMA intake FROM PUBLIC;
  GRANT USAGE ON SCHEMA intake TO intake_app, intake_ops, intake_report;
  REVOKE ALL ON ALL TABLES IN SCHEMA intake FROM PUBLIC, intake_app, intake_ops, intake_report;
  REVOKE ALL ON ALL SEQUENCES IN SCHEMA intake FROM PUBLIC, intake_app, intake_ops, intake_report;
  -- PostgreSQL grants EXECUTE to PUBLIC by default: nobody runs a function unless listed.
  REVOKE ALL ON ALL FUNCTIONS IN SCHEMA intake FROM PUBLIC, intake_app, intake_ops, intake_report;

  -- Ops read every table and view; ops first, then the pipeline, then reporting, on every object.
  GRANT SELECT ON ALL TABLES IN SCHEMA intake TO intake_ops;
  FOR g IN SELECT * FROM intake.role_grants ORDER BY object LOOP
    IF g.kind = 'table' THEN
      IF g.intake_ops = 'edit' THEN
        EXECUTE format('GRANT INSERT, UPDATE, DELETE ON intake.%I TO intake_ops', g.object);
      END IF;
      IF g.intake_app = 'read' THEN
        EXECUTE format('GRANT SELECT ON intake.%I TO intake_app', g.object);
      ELSIF g.intake_app = 'append' THEN
        EXECUTE format('GRANT SELECT, INSERT ON intake.%I TO intake_app', g.object);
      ELSIF g.intake_app = 'write' THEN
        EXECUTE format('GRANT SELECT, INSERT, UPDATE ON intake.%I TO intake_app', g.object);
      END IF;
      IF g.intake_report = 'read' THEN
        EXECUTE format('GRANT SELECT ON intake.%I TO intake_report', g.object);
      END IF;
    ELSE
      IF g.intake_ops = 'execute' THEN
        EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO intake_ops', to_regprocedure('intake.' || g.object));
      END IF;
      IF g.intake_app = 'execute' THEN
        EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO intake_app', to_regprocedure('intake.' || g.object));
      END IF;
    END IF;
  END LOOP;

  -- Sequences: the pipeline's serial columns; ops' for new rows of the tables they edit.
  GRANT USAGE ON ALL SEQUENCES IN SCHEMA intake TO intake_app;
  FOR t IN SELECT s.relname FROM pg_class s
             JOIN pg_depend d ON d.objid = s.oid AND d.deptype = 'a'
             JOIN pg_class c ON c.oid = d.refobjid
             JOIN intake.role_grants rg ON rg.object = c.relname AND rg.kind = 'table' AND rg.intake_ops = 'edit'
            WHERE s.relkind = 'S' AND s.relnamespace = 'intake'::regnamespace
              AND c.relnamespace = 'intake'::regnamespace
            ORDER BY s.relname LOOP
    EXECUTE format('GRANT USAGE ON SEQUENCE intake.%I TO intake_ops', t);
  END LOOP;
END
$$;
COMMENT ON FUNCTION intake.apply_grants() IS 'Admin: make intake_app''s, intake_ops'' and intake_report''s privileges on every intake object exactly what intake.role_grants says; idempotent: a migration that adds tables or functions ends with SELECT intake.apply_grants()';

SELECT intake.apply_grants();
