-- 070_lz4.sql: the large values (raw mail, its text and parts, the rendered acknowledgement) are
-- compressed with lz4 instead of pglz when PostgreSQL has it (Debian's does): pglz was the busiest
-- function of PostgreSQL in a poll (perf), and it also spends its time on values it then stores
-- uncompressed (a rendered acknowledgement). Only new values; a server built without lz4 keeps pglz.
DO $$
DECLARE
  col record;
BEGIN
  FOR col IN SELECT * FROM (VALUES
      ('messages', 'raw'), ('messages', 'headers'), ('messages', 'body_text'), ('messages', 'parts'),
      ('messages', 'attachments'), ('outbox', 'message'), ('outbox', 'body_text'),
      ('orders', 'reasons'), ('audit', 'before'), ('audit', 'after')) AS c(tbl, name)
  LOOP
    EXECUTE format('ALTER TABLE intake.%I ALTER COLUMN %I SET COMPRESSION lz4', col.tbl, col.name);
  END LOOP;
EXCEPTION WHEN feature_not_supported OR syntax_error THEN -- no lz4 in this build; PostgreSQL 13 and older: no SET COMPRESSION
  RAISE NOTICE 'lz4 is not supported by this PostgreSQL: large values stay compressed with pglz';
END $$;
