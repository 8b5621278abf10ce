-- Blind round 20: a sender killed while sending (SIGKILL, OOM, a reboot, systemctl stop) left its
-- claimed row 'sending'; when the lease ran out the row became 'failed, in doubt' — and 30 of 33 such
-- acknowledgements had never left, so 30 customers got none unless ops checked each by hand. The
-- sender now stamps handed_at (committed) just before the end of the message data goes to the SMTP
-- server: a row whose lease ran out without it cannot have been accepted and is pending again; only
-- one stamped is in doubt. Rows 'sending' now were claimed by an older intake: counted as handed over.
ALTER TABLE intake.outbox ADD COLUMN handed_at timestamptz;
COMMENT ON COLUMN intake.outbox.handed_at IS 'When the sender began to end the message data (the SMTP server could accept it from then on); null: not handed over in the current claim. A lease that runs out without it puts the row back to pending; with it the row is failed, in doubt';
UPDATE intake.outbox SET handed_at = claimed_at WHERE status = 'sending';
