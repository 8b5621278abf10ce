-- With [alerts] configured every poll, also one that finds no new mail, looks for acknowledgements
-- that failed in the last day (store_alerts_collect). Without an index that read the whole outbox,
-- one row per order: 13 ms of a no-op poll at 9,400 orders, growing with the queue for ever. Failed
-- rows are rare, so this partial index stays nearly empty and costs an insert nothing.
CREATE INDEX IF NOT EXISTS outbox_failed_recent ON intake.outbox ((coalesce(sent_at, claimed_at, queued_at)))
  WHERE status = 'failed';
COMMENT ON INDEX intake.outbox_failed_recent IS 'Failed acknowledgements by their last attempt: the alerts a poll raises';
