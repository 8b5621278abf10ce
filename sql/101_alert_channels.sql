-- Blind round 13: with a webhook and mail_to, a failing mail channel (relay down, a bad address) made
-- the webhook repeat the same alert at every poll — "sent" was kept per alert, not per channel. Each
-- channel that took an alert is remembered; only the others are tried again.
ALTER TABLE intake.alerts ADD COLUMN channels_done text NOT NULL DEFAULT '';
COMMENT ON COLUMN intake.alerts.channels_done IS 'The channels that took the alert so far: webhook, mail (comma-separated); sent_at is set once every configured one has';
