-- Blind round 18: an ERP exports "RCS-24B9118133" for the machine customers write RCS24B9118133,
-- and the look-up never matched. Imports now store the SN without '-', '/' and spaces (the form a
-- mail's look-up keys always include); rows imported before get the same form here, unless that
-- form is another row's too (a later import of the same machine, or "A-B1" beside "AB-1"): the
-- rows then stay as they are, for the next import to settle.
UPDATE intake.assets a
   SET sn = translate(a.sn, '-/ ', ''), updated_at = now()
 WHERE a.sn ~ '[-/ ]' AND length(translate(a.sn, '-/ ', '')) >= 4
   AND (SELECT count(*) FROM intake.assets b WHERE translate(b.sn, '-/ ', '') = translate(a.sn, '-/ ', '')) = 1;
