-- Blind round 13: under intake_app — the role the README deploys the poll with — every poll logged
-- "alerts: permission denied for view order_deadlines" (no alert at all, none recorded to catch up),
-- `intake status` failed the same way and the metrics textfile was never written: the pipeline reads
-- the views order_deadlines (alerts, status) and queue (status, metrics), and had no grant on them.
-- (The tests ran as the owner; tests/store/test_app_role.c now runs status, alerts and metrics as
-- intake_app.)
UPDATE intake.role_grants SET intake_app = 'read' WHERE object = 'queue';
INSERT INTO intake.role_grants (object, kind, intake_app, intake_ops)
SELECT 'order_deadlines', 'table', 'read', NULL
 WHERE NOT EXISTS (SELECT 1 FROM intake.role_grants WHERE object = 'order_deadlines');
UPDATE intake.role_grants SET intake_app = 'read' WHERE object = 'order_deadlines';
SELECT intake.apply_grants();
