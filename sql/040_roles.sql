-- Baseline, part 7: the two group roles and their privileges (least privilege, docs/ops.md).
--   intake_app: the pipeline (intake poll, intake assets import, intake acks send): reads policy,
--               writes mail, orders, audit, outbox; no DDL, no DELETE.
--   intake_ops: the service desk: reads everything, changes orders only through the functions of
--               021 (SECURITY DEFINER), edits the policy data (each year's holidays, keywords, …).
-- Both are NOLOGIN groups: an admin grants them to login roles (docs/ops.md). Roles are
-- cluster-wide and several databases on one server run this migration: create them only if absent.
-- What each role may do beyond that is data (intake.role_grants); intake.apply_grants() makes the
-- privileges exactly that. A later migration that adds a table or function inserts its
-- role_grants row (if a role needs more than the defaults) and ends with SELECT intake.apply_grants().
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

-- Tables and views that later migrations create (as the same owner) are readable by ops at once;
-- apply_grants() grants the same, so this only covers the time until it runs.
ALTER DEFAULT PRIVILEGES IN SCHEMA intake GRANT SELECT ON TABLES TO intake_ops;

CREATE TABLE intake.role_grants (
  object     text PRIMARY KEY,
  kind       text NOT NULL CHECK (kind IN ('table', 'function')),
  intake_app text CHECK (intake_app IN ('read', 'write', 'execute')),
  intake_ops text CHECK (intake_ops IN ('edit', 'execute')),
  CHECK (CASE kind WHEN 'table' THEN coalesce(intake_app, 'read') IN ('read', 'write')
                                     AND coalesce(intake_ops, 'edit') = 'edit'
                   ELSE coalesce(intake_app, 'execute') = 'execute' AND coalesce(intake_ops, 'execute') = 'execute' END)
);
COMMENT ON TABLE intake.role_grants IS 'What intake_app and intake_ops may do beyond the defaults (intake_ops reads every table and view; nothing else for anyone, no function callable by PUBLIC); intake.apply_grants() applies it';
COMMENT ON COLUMN intake.role_grants.object IS 'A table of schema intake (orders), or a function of it with its argument types (reopen(text, text))';
COMMENT ON COLUMN intake.role_grants.kind IS 'table (or view), or function';
COMMENT ON COLUMN intake.role_grants.intake_app IS 'The pipeline: read (SELECT), write (SELECT, INSERT, UPDATE; never DELETE), execute (a function); NULL: nothing';
COMMENT ON COLUMN intake.role_grants.intake_ops IS 'The service desk: edit (SELECT, INSERT, UPDATE, DELETE: policy data), execute (a function); NULL: read only (a table), nothing (a function)';
INSERT INTO intake.role_grants (object, kind, intake_app, intake_ops) VALUES
  -- What the pipeline writes.
  ('messages', 'table', 'write', NULL),
  ('mailbox_uids', 'table', 'write', NULL),
  ('mailboxes', 'table', 'write', NULL),
  ('orders', 'table', 'write', NULL),
  ('order_counters', 'table', 'write', NULL),
  ('order_messages', 'table', 'write', NULL),
  ('audit', 'table', 'write', NULL),
  ('sla_pauses', 'table', 'write', NULL),
  ('outbox', 'table', 'write', NULL),
  ('assets', 'table', 'write', NULL),
  ('schema_migrations', 'table', 'write', NULL),
  -- Data ops maintain (010, the pause reasons, the acknowledgement texts); the pipeline reads it.
  ('policy_settings', 'table', 'read', 'edit'),
  ('components', 'table', 'read', 'edit'),
  ('parts_terms', 'table', 'read', 'edit'),
  ('keywords', 'table', 'read', 'edit'),
  ('priority_matrix', 'table', 'read', 'edit'),
  ('priority_caps', 'table', 'read', 'edit'),
  ('holidays', 'table', 'read', 'edit'),
  ('service_clocks', 'table', 'read', 'edit'),
  ('sla_terms', 'table', 'read', 'edit'),
  ('service_areas', 'table', 'read', 'edit'),
  ('pause_reasons', 'table', 'read', 'edit'),
  ('ack_texts', 'table', 'read', 'edit'),
  ('status_transitions', 'table', 'read', NULL),
  -- Ops' functions (docs/ops.md); the pipeline re-opens an order as ops do and matches follow-ups.
  ('set_status(text, text, text)', 'function', NULL, 'execute'),
  ('assign(text, text, text)', 'function', NULL, 'execute'),
  ('start(text, text)', 'function', NULL, 'execute'),
  ('wait_customer(text, text)', 'function', NULL, 'execute'),
  ('resolve(text, text)', 'function', NULL, 'execute'),
  ('close(text, text)', 'function', NULL, 'execute'),
  ('reopen(text, text)', 'function', 'execute', 'execute'),
  ('add_note(text, text)', 'function', NULL, 'execute'),
  ('pause_sla(text, text, text)', 'function', NULL, 'execute'),
  ('resume_sla(text, text)', 'function', NULL, 'execute'),
  ('order_detail(text)', 'function', NULL, 'execute'),
  ('outbox_lookup(text[])', 'function', 'execute', NULL);

-- Starts from nothing on every object of the schema, so the result is exactly role_grants whatever
-- was granted before (by hand, or by the pre-release migrations); the grant order is fixed, so the
-- privileges read the same in every database.
CREATE FUNCTION intake.apply_grants()
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
  GRANT USAGE ON SCHEMA intake TO intake_app, intake_ops;
  REVOKE ALL ON ALL TABLES IN SCHEMA intake FROM PUBLIC, intake_app, intake_ops;
  REVOKE ALL ON ALL SEQUENCES IN SCHEMA intake FROM PUBLIC, intake_app, intake_ops;
  -- PostgreSQL grants EXECUTE to PUBLIC by default: nobody runs a function unless listed.
  REVOKE ALL ON ALL FUNCTIONS IN SCHEMA intake FROM PUBLIC, intake_app, intake_ops;

  -- Ops read every table and view; ops first, then the pipeline, on every object.
  GRANT SELECT ON ALL TABLES IN SCHEMA intake TO intake_ops;
  FOR g IN SELECT * FROM intake.role_grants ORDER BY object LOOP
    IF g.kind = 'table' THEN
      IF g.intake_ops = 'edit' THEN
        EXECUTE format('GRANT INSERT, UPDATE, DELETE ON intake.%I TO intake_ops', g.object);
      END IF;
      IF g.intake_app = 'read' THEN
        EXECUTE format('GRANT SELECT ON intake.%I TO intake_app', g.object);
      ELSIF g.intake_app = 'write' THEN
        EXECUTE format('GRANT SELECT, INSERT, UPDATE ON intake.%I TO intake_app', g.object);
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
COMMENT ON FUNCTION intake.apply_grants() IS 'Admin: make intake_app''s and intake_ops'' privileges on every intake object exactly what intake.role_grants says; idempotent: a migration that adds tables or functions ends with SELECT intake.apply_grants()';

SELECT intake.apply_grants();
