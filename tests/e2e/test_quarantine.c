/* tests/e2e/test_quarantine.c: one mail never stops the mailbox (issue 11 item 1) — hostile mails
 * are stored or quarantined, the mails after them arrive, a re-run changes nothing. */
#include "harness.h"

#include <criterion/criterion.h>
#include <string.h>

static E2e *e;

static void
setup(void)
{
  e = e2e_setup(criterion_current_test->name);
}

static void
teardown(void)
{
  e2e_teardown(e);
  e = NULL;
}

TestSuite(quarantine, .init = setup, .fini = teardown, .timeout = 180);

static int
poll(char **out, char **err)
{
  return e2e_run(e, out, err, "poll", NULL);
}

static char *
random_message_id(gsize n)
{
  GString *s = g_string_new(NULL);
  static const char alphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_";
  while (s->len < n)
    g_string_append_c(s, alphabet[g_random_int_range(0, (gint32)sizeof alphabet - 1)]);
  g_string_append(s, "@attacker.example.com");
  return g_string_free(s, FALSE);
}

static gint64
count(const char *fmt, const char *arg)
{
  g_autofree char *q = g_strdup_printf(fmt, arg);
  return e2e_scalar(e, q);
}

/* A normal mail, a 6 KB random Message-ID, a NUL in a header, a normal mail: all kept, exit 0. */
Test(quarantine, hostile_mails_do_not_stop_the_mailbox)
{
  gsize len;
  g_autofree char *first = e2e_make_mail("q-first@customer.example.com", 1, 2048, &len);
  e2e_append(e, "INBOX", first, len);

  g_autofree char *huge_id = random_message_id(6000);
  g_autofree char *huge = e2e_make_mail(huge_id, 2, 2048, &len);
  e2e_append(e, "INBOX", huge, len);

  /* a NUL byte inside the Subject header */
  g_autofree char *base = e2e_make_mail("q-nul@customer.example.com", 3, 2048, &len);
  GString *nul = g_string_new_len(base, (gssize)len);
  const char *subject = strstr(nul->str, "Subject: ");
  cr_assert(subject);
  gsize at = (gsize)(subject - nul->str) + strlen("Subject: ");
  g_string_insert_len(nul, (gssize)at, "Bad\0Subject ", 12);
  e2e_append(e, "INBOX", nul->str, nul->len);
  g_string_free(nul, TRUE);

  g_autofree char *last = e2e_make_mail("q-last@customer.example.com", 4, 2048, &len);
  e2e_append(e, "INBOX", last, len);

  g_autofree char *out = NULL, *err = NULL;
  cr_assert_eq(poll(&out, &err), 0, "%s%s", out, err);
  cr_assert(strstr(out, "fetched 4,"), "%s", out);

  /* every mail stored raw, each once */
  cr_assert_eq(e2e_scalar(e, "SELECT count(*) FROM intake.messages"), 4, "%s%s", out, err);
  cr_assert_eq(e2e_scalar(e, "SELECT count(*) FROM intake.mailbox_uids"), 4);
  /* the key is fixed size whatever the Message-ID; the Message-ID stays readable */
  cr_assert_leq(e2e_scalar(e, "SELECT max(length(dedupe_key)) FROM intake.messages"), 140);
  cr_assert_eq(count("SELECT count(*) FROM intake.messages WHERE message_id = '%s'", huge_id), 1);
  /* Dovecot keeps the mail but stores the NUL as 0x80 (another server may pass it on): either way an
   * invalid byte in a header, kept exactly as the server gives it */
  cr_assert_eq(
    e2e_scalar(e, "SELECT count(*) FROM intake.messages WHERE message_id = 'q-nul@customer.example.com'"
                  " AND (position('Bad\\000Subject'::bytea in raw) > 0"
                  "   OR position('Bad\\200Subject'::bytea in raw) > 0)"
                  " AND sha256 = encode(sha256(raw), 'hex')"),
    1);
  /* the normal ones (and the long Message-ID, which is otherwise a normal mail) became orders */
  cr_assert_eq(e2e_scalar(e,
                          "SELECT count(*) FROM intake.orders o JOIN intake.messages m ON m.id = o.message_id"
                          " WHERE m.message_id IN ('q-first@customer.example.com',"
                          " 'q-last@customer.example.com') AND o.status = 'queued'"),
               2);
  /* the others: an order each, queued or for review — none lost */
  cr_assert_eq(e2e_scalar(e, "SELECT count(*) FROM intake.orders"), 4);
  cr_assert_eq(e2e_scalar(e, "SELECT count(*) FROM intake.quarantine"), 0);
  g_autoptr(GArray) unseen = e2e_search(e, "INBOX", "UNSEEN");
  cr_assert_eq(unseen->len, 0, "%u mails left unflagged", unseen->len);

  /* a second poll changes nothing */
  g_free(out);
  g_free(err);
  cr_assert_eq(poll(&out, &err), 0, "%s%s", out, err);
  cr_assert(strstr(out, "fetched 0,"), "%s", out);
  cr_assert_eq(e2e_scalar(e, "SELECT count(*) FROM intake.messages"), 4);
  cr_assert_eq(e2e_scalar(e, "SELECT count(*) FROM intake.orders"), 4);
}

/* The same Message-ID on different bytes is a new mail; the same bytes again are a duplicate. */
Test(quarantine, reused_message_id_is_kept_refetch_is_not)
{
  gsize len1, len2;
  g_autofree char *a = e2e_make_mail("reused@customer.example.com", 10, 2048, &len1);
  g_autofree char *b = e2e_make_mail("reused@customer.example.com", 11, 2048, &len2);
  e2e_append(e, "INBOX", a, len1);
  e2e_append(e, "INBOX", b, len2);
  e2e_append(e, "INBOX", a, len1); /* a re-delivery of the first: same bytes */
  g_autofree char *out = NULL, *err = NULL;
  cr_assert_eq(poll(&out, &err), 0, "%s%s", out, err);
  cr_assert(strstr(out, "fetched 3, new orders 2,") && strstr(out, "duplicates 1,"), "%s", out);
  cr_assert_eq(
    e2e_scalar(e, "SELECT count(*) FROM intake.messages WHERE message_id = 'reused@customer.example.com'"),
    2);
  cr_assert_eq(e2e_scalar(e, "SELECT count(DISTINCT sha256) FROM intake.messages"), 2);

  /* the first again by another path (a Cc to an alias, a second MX): only hops' trace fields added —
   * the same mail, no second order or acknowledgement (blind round 20) */
  g_autofree char *again = g_strdup_printf(
    "Delivered-To: support@roycom.com.cn\r\nReceived: from mx2.roycom.com.cn (mx2 [10.0.0.2])\r\n"
    "\tby mail.roycom.com.cn with ESMTP id 4AbC; Mon, 7 Dec 2026 10:00:00 +0800\r\n"
    "X-Spam-Status: No, score=-0.1\r\n%s",
    a);
  e2e_append(e, "INBOX", again, strlen(again));
  g_free(out);
  g_free(err);
  cr_assert_eq(poll(&out, &err), 0, "%s%s", out, err);
  cr_assert(strstr(out, "fetched 1, new orders 0,") && strstr(out, "duplicates 1,"), "%s", out);
  cr_assert_eq(e2e_scalar(e, "SELECT count(*) FROM intake.orders"), 2);
}

/* A failure the database repeats for one mail (here a constraint ops added) quarantines it: stored
 * raw, an order for review with the reason; the mail after it is processed; exit 0. */
Test(quarantine, a_repeating_database_error_quarantines_the_mail)
{
  PQclear(PQexec(
    e->pg, "ALTER TABLE intake.orders ADD CONSTRAINT no_poison CHECK (sn IS DISTINCT FROM 'RCS25A0000021')"));
  gsize len;
  g_autofree char *ok1 = e2e_make_mail("q-ok1@customer.example.com", 20, 2048, &len);
  e2e_append(e, "INBOX", ok1, len);
  g_autofree char *poison = e2e_make_mail("q-poison@customer.example.com", 21, 2048, &len);
  e2e_append(e, "INBOX", poison, len);
  g_autofree char *ok2 = e2e_make_mail("q-ok2@customer.example.com", 22, 2048, &len);
  e2e_append(e, "INBOX", ok2, len);
  g_autofree char *out = NULL, *err = NULL;
  cr_assert_eq(poll(&out, &err), 0, "%s%s", out, err);
  cr_assert(strstr(out, "new orders 2,") && strstr(out, "quarantined 1,"), "%s", out);
  cr_assert(strstr(err, "no_poison"), "the error is logged: %s", err);
  cr_assert_eq(
    e2e_scalar(e, "SELECT count(*) FROM intake.orders o JOIN intake.messages m ON m.id = o.message_id"
                  " WHERE m.message_id = 'q-poison@customer.example.com' AND o.status = 'needs_review'"
                  " AND o.review_reason = 'quarantined' AND m.parse_error LIKE '%no_poison%'"),
    1);
  g_autoptr(GArray) unseen = e2e_search(e, "INBOX", "UNSEEN");
  cr_assert_eq(unseen->len, 0);
  g_free(out);
  g_free(err);
  cr_assert_eq(poll(&out, &err), 0, "%s%s", out, err);
  cr_assert(strstr(out, "fetched 0,"), "%s", out);
  cr_assert_eq(e2e_scalar(e, "SELECT count(*) FROM intake.orders"), 3);
}

/* When even the quarantine cannot store the mail, its mailbox, UIDVALIDITY and UID are recorded
 * with the error, it is flagged, and the poll goes on. */
Test(quarantine, an_unstorable_mail_is_recorded_by_uid)
{
  PQclear(PQexec(e->pg, "ALTER TABLE intake.messages ADD CONSTRAINT no_poison"
                        " CHECK (position('XPOISONX'::bytea in raw) = 0)"));
  gsize len;
  g_autofree char *base = e2e_make_mail("q-unstorable@customer.example.com", 30, 0, &len);
  g_autofree char *poison = g_strdup_printf("%sXPOISONX\r\n", base);
  e2e_append(e, "INBOX", poison, strlen(poison));
  g_autofree char *ok = e2e_make_mail("q-after@customer.example.com", 31, 2048, &len);
  e2e_append(e, "INBOX", ok, len);
  g_autofree char *out = NULL, *err = NULL;
  cr_assert_eq(poll(&out, &err), 0, "%s%s", out, err);
  cr_assert_eq(e2e_scalar(e,
                          "SELECT count(*) FROM intake.quarantine WHERE uid = 1 AND error LIKE '%no_poison%'"
                          " AND uidvalidity = (SELECT uidvalidity FROM intake.mailboxes)"),
               1);
  cr_assert_eq(e2e_scalar(e, "SELECT count(*) FROM intake.orders WHERE status = 'queued'"), 1);
  g_autoptr(GArray) unseen = e2e_search(e, "INBOX", "UNSEEN");
  cr_assert_eq(unseen->len, 0);
  /* intake status shows it, loudly */
  g_free(out);
  g_free(err);
  e2e_run(e, &out, &err, "status", NULL);
  cr_assert(strstr(out, "not stored"), "%s%s", out, err);
  g_free(out);
  g_free(err);
  cr_assert_eq(poll(&out, &err), 0, "%s%s", out, err);
  cr_assert(strstr(out, "fetched 0,"), "%s", out);
  cr_assert_eq(e2e_scalar(e, "SELECT count(*) FROM intake.quarantine"), 1);
}

/* A poll that finds the mailbox lock held says who holds it and since when; held longer than
 * stale_lock_after it is an error, and `intake status` is unhealthy. Still exit 75. */
Test(quarantine, a_held_lock_is_reported_loudly)
{
  g_autofree char *out = NULL, *err = NULL;
  cr_assert_eq(poll(&out, &err), 0, "%s%s", out, err); /* the mailbox is known to intake */
  g_autofree char *url = e2e_url(e, TRUE, "INBOX");
  g_autofree char *key = g_strdup_printf("%s %s", e->user, url);
  const char *params[] = { key };
  PGresult *r =
    PQexecParams(e->pg, "SELECT pg_advisory_lock(hashtextextended($1, 0))", 1, NULL, params, NULL, NULL, 0);
  cr_assert_eq(PQresultStatus(r), PGRES_TUPLES_OK, "%s", PQresultErrorMessage(r));
  PQclear(r);
  g_autofree char *pid = g_strdup_printf("PostgreSQL backend %d", PQbackendPID(e->pg));

  g_free(out);
  g_free(err);
  cr_assert_eq(poll(&out, &err), 75, "%s%s", out, err);
  cr_assert(strstr(err, "warning") && strstr(err, "holds the lock") && strstr(err, pid), "%s", err);
  cr_assert_null(strstr(err, "stale_lock_after"), "not stale yet (10 min by default): %s", err);

  /* stale after 1 s: wait until the holder's session is that old */
  g_autofree char *text = NULL;
  g_file_get_contents(e->config_path, &text, NULL, NULL);
  g_autofree char *cfg = NULL;
  {
    GString *c = g_string_new(text);
    char *imap = strstr(c->str, "[imap]\n");
    cr_assert(imap, "%s", c->str);
    g_string_insert(c, (gssize)(imap - c->str) + 7, "stale_lock_after = 1s\n");
    cfg = g_string_free(c, FALSE);
  }
  g_file_set_contents(e->config_path, cfg, -1, NULL);
  gint64 age = e2e_wait_until(e,
                              "SELECT floor(extract(epoch FROM now() - backend_start))::bigint"
                              " FROM pg_stat_activity WHERE pid = pg_backend_pid()",
                              2, 60, 0);
  cr_assert_geq(age, 2);
  g_free(out);
  g_free(err);
  cr_assert_eq(poll(&out, &err), 75, "%s%s", out, err);
  cr_assert(strstr(err, "error") && strstr(err, "stale_lock_after") && strstr(err, pid), "%s", err);
  g_free(out);
  g_free(err);
  cr_assert_eq(e2e_run(e, &out, &err, "status", NULL), 1, "%s%s", out, err);
  cr_assert(strstr(out, "held the lock") && strstr(out, "stale_lock_after"), "%s%s", out, err);
}

/* The 3rd of 16 mails fetched together (the next 13 being parsed ahead on the worker) meets
 * action (PL/pgSQL) as its message is inserted: the poll stops with nothing of its batch kept or
 * flagged and logs `logged`, the parses not taken are drained (no use after free, no leak: see the
 * sanitizer build), and the next poll takes all 16. */
static void
third_of_sixteen_fails(const char *action, const char *logged)
{
  g_autofree char *ddl =
    g_strdup_printf("CREATE FUNCTION public.fail_third() RETURNS trigger LANGUAGE plpgsql AS $$"
                    " BEGIN IF NEW.message_id = 'q-t-3@customer.example.com' THEN %s; END IF;"
                    " RETURN NEW; END $$;"
                    " CREATE TRIGGER fail_third BEFORE INSERT ON intake.messages"
                    " FOR EACH ROW EXECUTE FUNCTION public.fail_third()",
                    action);
  PGresult *r = PQexec(e->pg, ddl);
  cr_assert_eq(PQresultStatus(r), PGRES_COMMAND_OK, "%s", PQresultErrorMessage(r));
  PQclear(r);
  for (guint i = 1; i <= 16; i++) {
    gsize len;
    g_autofree char *id = g_strdup_printf("q-t-%u@customer.example.com", i);
    g_autofree char *mail = e2e_make_mail(id, 40 + i, 2048, &len);
    e2e_append(e, "INBOX", mail, len);
  }
  g_autofree char *out = NULL, *err = NULL;
  int rc = poll(&out, &err);
  cr_assert(rc != 0, "%s%s", out, err);
  /* a killed backend is said in the server's words or libpq's, as the race between its FATAL message
   * and the closed socket goes */
  cr_assert(strstr(err, logged) ||
              (g_str_equal(logged, "terminat") && strstr(err, "PostgreSQL connection lost")),
            "%s", err);
  cr_assert_null(strstr(err, "AddressSanitizer"), "%s", err);
  cr_assert_null(strstr(err, "LeakSanitizer"), "%s", err);
  cr_assert_eq(e2e_scalar(e, "SELECT count(*) FROM intake.messages"), 0);
  g_autoptr(GArray) unseen = e2e_search(e, "INBOX", "UNSEEN");
  cr_assert_eq(unseen->len, 16);
  r = PQexec(e->pg, "DROP TRIGGER fail_third ON intake.messages");
  cr_assert_eq(PQresultStatus(r), PGRES_COMMAND_OK, "%s", PQresultErrorMessage(r));
  PQclear(r);
  g_free(out);
  g_free(err);
  cr_assert_eq(poll(&out, &err), 0, "%s%s", out, err);
  cr_assert_eq(e2e_scalar(e, "SELECT count(*) FROM intake.orders"), 16);
  g_autoptr(GArray) after = e2e_search(e, "INBOX", "UNSEEN");
  cr_assert_eq(after->len, 0);
}

/* A transient database error (a deadlock): not quarantined, the poll ends. */
Test(quarantine, transient_error_mid_fetch_loses_nothing)
{
  third_of_sixteen_fails("RAISE EXCEPTION 'simulated deadlock' USING ERRCODE = '40P01'",
                         "simulated deadlock");
}

/* The backend dies under the insert that travelled with its SAVEPOINT (pipeline mode): an error,
 * no hang. */
Test(quarantine, backend_killed_mid_fetch_loses_nothing)
{
  third_of_sixteen_fails("PERFORM pg_terminate_backend(pg_backend_pid())", "terminat");
}

/* The order of a mail fails (its insert is sent ahead, its error arrives with the statement after
 * it): once for one mail (its quarantine order then goes in), every time for another (recorded by
 * UID). Each is undone to its own savepoint, never the mail before or after it, and the order
 * numbers stay gap-free: the numbers the failed inserts took are given again. */
Test(quarantine, failed_order_inserts_leave_the_numbers_gap_free)
{
  PGresult *r =
    PQexec(e->pg, "CREATE FUNCTION public.refuse_order() RETURNS trigger LANGUAGE plpgsql AS $$"
                  " DECLARE mid text := (SELECT message_id FROM intake.messages WHERE id = NEW.message_id);"
                  " BEGIN IF mid = 'q-once@customer.example.com' AND NEW.status = 'queued'"
                  " OR mid = 'q-always@customer.example.com' THEN RAISE EXCEPTION 'order refused';"
                  " END IF; RETURN NEW; END $$;"
                  " CREATE TRIGGER refuse_order BEFORE INSERT ON intake.orders"
                  " FOR EACH ROW EXECUTE FUNCTION public.refuse_order()");
  cr_assert_eq(PQresultStatus(r), PGRES_COMMAND_OK, "%s", PQresultErrorMessage(r));
  PQclear(r);
  const char *ids[] = { "q-gf-1@customer.example.com", "q-once@customer.example.com",
                        "q-always@customer.example.com", "q-gf-2@customer.example.com" };
  for (guint i = 0; i < G_N_ELEMENTS(ids); i++) {
    gsize len;
    g_autofree char *mail = e2e_make_mail(ids[i], 40 + i, 2048, &len);
    e2e_append(e, "INBOX", mail, len);
  }
  g_autofree char *out = NULL, *err = NULL;
  cr_assert_eq(poll(&out, &err), 0, "%s%s", out, err);
  cr_assert(strstr(out, "fetched 4, new orders 2,") && strstr(out, "quarantined 2,"), "%s%s", out, err);
  /* the batch done again says why in PostgreSQL's words, not under the name of a later step */
  cr_assert(strstr(err, "the rows written behind failed (ERROR:  order refused") ||
              strstr(err, "the rows written behind failed (order refused"),
            "%s", err);
  cr_assert(!strstr(err, "run `intake db migrate`"), "%s", err);
  /* three orders (the first, the once-refused one for review, the last), numbered 1, 2, 3 per day */
  cr_assert_eq(e2e_scalar(e, "SELECT count(*) FROM intake.orders"), 3);
  cr_assert_eq(
    e2e_scalar(e, "SELECT count(*) FROM intake.orders o JOIN intake.messages m ON m.id = o.message_id"
                  " WHERE m.message_id = 'q-once@customer.example.com' AND o.status = 'needs_review'"),
    1);
  cr_assert_eq(e2e_scalar(e, "SELECT count(*) FROM intake.quarantine WHERE error LIKE '%order refused%'"), 1);
  cr_assert_eq(e2e_scalar(e, "SELECT count(*) FROM (SELECT substr(order_no, 3, 8), count(*) AS n,"
                             " max(substr(order_no, 12)::int) AS top FROM intake.orders GROUP BY 1) d"
                             " WHERE n <> top"),
               0, "a gap in the order numbers");
  cr_assert_eq(e2e_scalar(e,
                          "SELECT count(*) FROM intake.order_counters c WHERE last_seq <> (SELECT count(*)"
                          " FROM intake.orders WHERE substr(order_no, 3, 8) = to_char(c.day, 'YYYYMMDD'))"),
               0, "a counter not at its day's last order");
  g_autoptr(GArray) unseen = e2e_search(e, "INBOX", "UNSEEN");
  cr_assert_eq(unseen->len, 0);
  g_free(out);
  g_free(err);
  cr_assert_eq(poll(&out, &err), 0, "%s%s", out, err);
  cr_assert(strstr(out, "fetched 0,"), "%s", out);
  cr_assert_eq(e2e_scalar(e, "SELECT count(*) FROM intake.orders"), 3);
}

/* An oversize mail (only its header fetched, not parsed ahead) delivered again after it was stored:
 * its key was never in its group's read of stored keys, so that read cannot say it is new. It is
 * "already stored" straight away, the batch with it not rolled back and done again one by one. */
Test(quarantine, stored_oversize_mail_again_is_a_duplicate)
{
  gsize len, len1, len2;
  g_autofree char *big = e2e_make_mail("big-again@customer.example.com", 1, 300 * 1024, &len);
  g_autofree char *one = e2e_make_mail("after-big-1@customer.example.com", 2, 2048, &len1);
  g_autofree char *two = e2e_make_mail("after-big-2@customer.example.com", 3, 2048, &len2);
  g_autofree char *text = NULL;
  g_file_get_contents(e->config_path, &text, NULL, NULL);
  g_autofree char *more = g_strdup_printf("%s[limits]\nmax_bytes = 256K\n", text);
  g_file_set_contents(e->config_path, more, -1, NULL);
  e2e_append(e, "INBOX", big, len);
  e2e_append(e, "INBOX", one, len1);
  g_autofree char *out = NULL, *err = NULL;
  cr_assert_eq(poll(&out, &err), 0, "%s%s", out, err);
  cr_assert(strstr(out, "new orders 2,") && strstr(out, "quarantined 0,"), "%s", out);

  e2e_append(e, "INBOX", big, len); /* the same mail again */
  e2e_append(e, "INBOX", two, len2);
  g_autofree char *out2 = NULL, *err2 = NULL;
  cr_assert_eq(poll(&out2, &err2), 0, "%s%s", out2, err2);
  cr_assert(strstr(out2, "fetched 2, new orders 1,") && strstr(out2, "duplicates 1,"), "%s", out2);
  cr_assert(!strstr(err2, "done again one by one"), "the batch was done again: %s", err2);
  cr_assert_eq(e2e_scalar(e, "SELECT count(*) FROM intake.messages"), 3);
}
