-- The outbox and acknowledgement texts came after the roles: give intake_app and intake_ops
-- their rights on them too (apply_grants is idempotent and covers every table of the schema).
SELECT intake.apply_grants();
