-- Other names of third-party software sold with a server (policy §4 other_software): an asset whose
-- software column lists "VMware vSphere" is named by a mail about "ESXi", "vCenter" or a pasted hostd log
-- as much as by "VMware" (blind round 7: without the word VMware such a mail was the customer's own
-- system, not_covered). Ops add rows as customers write; the classifier reads them at each poll.
CREATE TABLE intake.software_aliases (
  id       serial PRIMARY KEY,
  software text NOT NULL CHECK (length(btrim(software)) >= 2),
  alias    text NOT NULL CHECK (length(btrim(alias)) >= 2),
  note     text,
  UNIQUE (software, alias)
);
COMMENT ON TABLE intake.software_aliases IS 'Other names of third-party software the vendor sells with a server: a mail naming alias is about an asset software item that holds software (both case-blind; ASCII aliases as whole words)';
COMMENT ON COLUMN intake.software_aliases.id IS 'Row order (the seed file''s order)';
COMMENT ON COLUMN intake.software_aliases.software IS 'Part of the asset''s software item, e.g. VMware (matches "VMware vSphere 8")';
COMMENT ON COLUMN intake.software_aliases.alias IS 'What customers write instead, e.g. ESXi, vCenter';
COMMENT ON COLUMN intake.software_aliases.note IS 'Why the row exists';
-- intake:seed software_aliases

INSERT INTO intake.role_grants (object, kind, intake_app, intake_ops) VALUES ('software_aliases', 'table', 'read', 'edit');
SELECT intake.apply_grants();
