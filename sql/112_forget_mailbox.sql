-- Blind round 18: every mistyped url tried at set-up (a wrong port, "INBOX/", "LOCALHOST") left a
-- mailbox row that intake.mailbox_health showed unhealthy for ever, and nothing could remove it.
-- intake.forget_mailbox removes such a row: one from which no mail was ever stored or quarantined.
-- A mailbox that holds mail is history and stays (its row is what makes its mail exactly-once).

CREATE FUNCTION intake.forget_mailbox(p_name text)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  b intake.mailboxes;
  stored bigint;
  held bigint;
BEGIN
  SELECT * INTO b FROM intake.mailboxes WHERE name = p_name FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'forget_mailbox: no mailbox named %', coalesce(p_name, '(null)')
      USING ERRCODE = 'no_data_found',
            HINT = 'SELECT name, last_success, last_error FROM intake.mailbox_health lists them';
  END IF;
  SELECT count(*) INTO stored FROM intake.mailbox_uids WHERE mailbox_id = b.id;
  SELECT count(*) INTO held FROM intake.quarantine WHERE mailbox_id = b.id;
  IF stored > 0 OR held > 0 THEN
    RAISE EXCEPTION 'forget_mailbox: % holds % stored and % quarantined mail(s): it is no typo and stays',
                    b.name, stored, held
      USING ERRCODE = 'object_not_in_prerequisite_state',
            HINT = 'only a mailbox from which nothing was ever stored can be forgotten';
  END IF;
  DELETE FROM intake.fetch_refusals WHERE mailbox_id = b.id;
  DELETE FROM intake.mailboxes WHERE id = b.id;
  RETURN format('mailbox %s forgotten (last error: %s)', b.name, coalesce(b.last_error, 'none'));
END
$$;
COMMENT ON FUNCTION intake.forget_mailbox(text) IS 'Remove a mailbox row left by a mistyped url (nothing ever stored from it), so that intake.mailbox_health no longer shows it; a mailbox that holds mail is refused';

INSERT INTO intake.role_grants (object, kind, intake_app, intake_ops) VALUES
  ('forget_mailbox(text)', 'function', NULL, 'execute');
SELECT intake.apply_grants();
