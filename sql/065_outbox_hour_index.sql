-- 065: the global acknowledgement cap counted from indexes, not by reading the whole outbox.
-- Each acknowledgement queued asks how many went out in the last hour (store_outbox_count_hour);
-- without an index on queued_at that read every row of the outbox, once per mail: quadratic in a
-- large poll. The rows it counts are few (at most [smtp] max_acks_per_hour an hour).

CREATE INDEX outbox_counted_recent ON intake.outbox (queued_at) WHERE status IN ('pending','sending','sent');
CREATE INDEX outbox_global_cap_recent ON intake.outbox (queued_at) WHERE suppressed_reason = 'global_cap';

COMMENT ON INDEX intake.outbox_counted_recent IS 'Acknowledgements that count against [smtp] max_acks_per_hour, by time queued (store_outbox_count_hour)';
COMMENT ON INDEX intake.outbox_global_cap_recent IS 'Acknowledgements suppressed by the global cap, by time queued: whether the cap was already reported this hour';
