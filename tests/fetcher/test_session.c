/* tests/fetcher/test_session.c: FetcherSession against the real local Dovecot (scripts/servers),
 * one fresh IMAP user per test (tests/e2e/harness.c); what the server holds afterwards is checked
 * over a separate connection (e2e_search / e2e_imap), not through the fetcher. */
#include "fetcher.h"
#include "harness.h"

#include <criterion/criterion.h>
#include <string.h>

static E2e *e;

static void
setup(void)
{
  e = e2e_setup_imap(criterion_current_test->name);
}

static void
teardown(void)
{
  e2e_teardown(e);
  e = NULL;
}

TestSuite(session, .init = setup, .fini = teardown, .timeout = 120);

static FetcherSession *
open_on(const char *url, const char *password, const char *ca_file)
{
  FetcherImapOptions o = {
    .url = url,
    .user = e->user,
    .password = password,
    .tls_verify = TRUE,
    .ca_file = ca_file,
    .connect_timeout_s = 5,
    .stall_timeout_s = 20,
  };
  g_autoptr(GError) error = NULL;
  FetcherSession *s = fetcher_session_open(&o, &error);
  cr_assert(s, "open %s: %s", url, error ? error->message : "");
  return s;
}

static FetcherSession *
open_mailbox(const char *mailbox)
{
  g_autofree char *url = e2e_url(e, TRUE, mailbox);
  return open_on(url, e->password, e->ca_file);
}

/* APPENDs mail number i to INBOX; returns the mail. */
static char *
append_mail(guint i, gsize min_body, gsize *len)
{
  g_autofree char *mid = g_strdup_printf("fetcher-%u@test", i);
  char *mail = e2e_make_mail(mid, i, min_body, len);
  e2e_append(e, "INBOX", mail, *len);
  return mail;
}

/* libcurl's APPEND always sets \Seen: take it off every mail of INBOX (n of them). */
static void
clear_seen(guint n)
{
  g_free(e2e_imap(e, "INBOX", "UID STORE 1:* -FLAGS (\\Seen)"));
  g_autoptr(GArray) unseen = e2e_search(e, "INBOX", "UNSEEN");
  cr_assert_eq(unseen->len, n);
}

static gboolean
contains(GArray *uids, guint32 uid)
{
  for (guint i = 0; i < uids->len; i++)
    if (g_array_index(uids, guint32, i) == uid)
      return TRUE;
  return FALSE;
}

static GArray *
search_from(FetcherSession *s, guint32 first)
{
  g_autoptr(GError) error = NULL;
  GArray *uids = fetcher_session_search_from(s, first, &error);
  cr_assert(uids, "search from %u: %s", first, error ? error->message : "");
  return uids;
}

/* n small mails in INBOX, none \Seen; returns their UIDs, ascending, read on a session on INBOX. */
static GArray *
fill_inbox(guint n, FetcherSession **s)
{
  gsize len;
  for (guint i = 0; i < n; i++)
    g_free(append_mail(i, 0, &len));
  clear_seen(n);
  *s = open_mailbox("INBOX");
  GArray *uids = search_from(*s, 1);
  cr_assert_eq(uids->len, n);
  return uids;
}

Test(session, wrong_password_is_an_auth_error_without_the_password)
{
  g_autofree char *url = e2e_url(e, TRUE, "INBOX");
  const char *wrong = "Wrong-Passw0rd-zz9";
  g_autoptr(FetcherSession) s = open_on(url, wrong, e->ca_file);
  guint32 v, n;
  g_autoptr(GError) error = NULL;
  cr_assert_not(fetcher_session_status(s, &v, &n, &error));
  cr_assert(g_error_matches(error, FETCHER_ERROR, FETCHER_ERROR_AUTH), "%s", error->message);
  cr_assert(g_str_has_prefix(error->message, "IMAP login refused in STATUS: "), "%s", error->message);
  cr_assert_null(strstr(error->message, wrong), "%s", error->message);
}

Test(session, status_gives_uidvalidity_and_a_uidnext_that_moves)
{
  g_autoptr(FetcherSession) s = open_mailbox("INBOX");
  cr_assert_str_eq(fetcher_session_mailbox(s), "INBOX");
  guint32 v1 = 0, n1 = 0, v2 = 0, n2 = 0;
  g_autoptr(GError) error = NULL;
  cr_assert(fetcher_session_status(s, &v1, &n1, &error), "%s", error ? error->message : "");
  cr_assert_neq(v1, 0);
  g_autofree char *raw = e2e_imap(e, NULL, "STATUS INBOX (UIDVALIDITY)");
  g_autofree char *want = g_strdup_printf("UIDVALIDITY %u", v1);
  cr_assert(strstr(raw, want), "fetcher said %u, server says %s", v1, raw);
  gsize len;
  g_autofree char *m1 = append_mail(1, 0, &len);
  g_autofree char *m2 = append_mail(2, 0, &len);
  cr_assert(fetcher_session_status(s, &v2, &n2, &error), "%s", error ? error->message : "");
  cr_assert_eq(v2, v1);
  cr_assert_eq(n2, n1 + 2);
}

Test(session, search_from_a_uid_and_above_the_highest)
{
  g_autoptr(FetcherSession) s = NULL;
  g_autoptr(GArray) all = fill_inbox(3, &s);
  g_autoptr(GArray) from_zero = search_from(s, 0);
  cr_assert_eq(from_zero->len, 3);
  guint32 first = g_array_index(all, guint32, 0), last = g_array_index(all, guint32, 2);
  cr_assert_lt(first, last);
  g_autoptr(GArray) tail = search_from(s, first + 1);
  cr_assert_eq(tail->len, 2);
  cr_assert_eq(g_array_index(tail, guint32, 1), last);
  cr_assert_not(contains(tail, first));
  /* "UID SEARCH UID n:*" answers the highest UID even when n is above it: it must not come back */
  g_autoptr(GArray) above = search_from(s, last + 1);
  cr_assert_eq(above->len, 0, "UID %u returned for a search from %u",
               above->len ? g_array_index(above, guint32, 0) : 0, last + 1);
  g_autoptr(GArray) far = search_from(s, last + 50000);
  cr_assert_eq(far->len, 0);
}

Test(session, fetch_returns_the_exact_bytes_and_leaves_mail_unseen)
{
  gsize small_len, big_len;
  g_autofree char *small = append_mail(1, 0, &small_len);
  g_autofree char *big = append_mail(2, 300 * 1024, &big_len); /* read in chunks */
  clear_seen(2);
  g_autoptr(FetcherSession) s = open_mailbox("INBOX");
  g_autoptr(GArray) uids = search_from(s, 1);
  cr_assert_eq(uids->len, 2);
  guint32 want[] = { g_array_index(uids, guint32, 0), g_array_index(uids, guint32, 1), 999999 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) msgs = fetcher_session_fetch(s, want, G_N_ELEMENTS(want), &error);
  cr_assert(msgs, "%s", error ? error->message : "");
  cr_assert_eq(msgs->len, 2, "a UID that does not exist is left out");
  const char *sent[] = { small, big };
  gsize sent_len[] = { small_len, big_len };
  for (guint i = 0; i < 2; i++) {
    FetcherMessage *m = g_ptr_array_index(msgs, i);
    cr_assert_eq(m->uid, want[i]);
    cr_assert_null(m->error);
    cr_assert(m->raw);
    gsize n;
    const char *got = g_bytes_get_data(m->raw, &n);
    cr_assert_eq(n, sent_len[i], "mail %u: %zu bytes, sent %zu", i, n, sent_len[i]);
    cr_assert(memcmp(got, sent[i], n) == 0, "mail %u differs", i);
    cr_assert(m->internal_date);
  }
  g_autoptr(GArray) unseen = e2e_search(e, "INBOX", "UNSEEN");
  cr_assert_eq(unseen->len, 2, "BODY.PEEK must not set \\Seen");
}

/* A fetch bounded by bytes stops after the mail that reaches the bound (at least one mail): the
 * next call goes on from where it stopped, and together they return every mail once, in order. */
Test(session, fetch_some_stops_at_its_byte_bound_and_the_next_goes_on)
{
  gsize len[6];
  g_autofree char *sent[6] = { NULL };
  for (guint i = 0; i < 6; i++)
    sent[i] = append_mail(i + 1, i == 1 ? 200 * 1024 : 20 * 1024, &len[i]); /* the 2nd one chunked */
  g_autoptr(FetcherSession) s = open_mailbox("INBOX");
  g_autoptr(GArray) uids = search_from(s, 1);
  cr_assert_eq(uids->len, 6);
  const guint32 *u = (const guint32 *)uids->data;
  g_autoptr(GError) error = NULL;
  guint taken = 0;
  /* 50 KB: the 1st (20 KB) does not reach it, the 2nd (200 KB) does */
  g_autoptr(GPtrArray) a = fetcher_session_fetch_some(s, u, 6, 50 * 1024, &taken, &error);
  cr_assert(a, "%s", error ? error->message : "");
  cr_assert_eq(taken, 2);
  cr_assert_eq(a->len, 2);
  /* a bound below the first mail still takes it */
  g_autoptr(GPtrArray) b = fetcher_session_fetch_some(s, u + 2, 4, 1, &taken, &error);
  cr_assert(b, "%s", error ? error->message : "");
  cr_assert_eq(taken, 1);
  g_autoptr(GPtrArray) c = fetcher_session_fetch_some(s, u + 3, 3, 0, &taken, &error);
  cr_assert(c, "%s", error ? error->message : "");
  cr_assert_eq(taken, 3, "no bound: all of them");
  GPtrArray *parts[] = { a, b, c };
  guint k = 0;
  for (guint p = 0; p < 3; p++)
    for (guint j = 0; j < parts[p]->len; j++, k++) {
      FetcherMessage *m = g_ptr_array_index(parts[p], j);
      cr_assert_eq(m->uid, u[k]);
      cr_assert_eq(g_bytes_get_size(m->raw), len[k], "mail %u", k);
      cr_assert(memcmp(g_bytes_get_data(m->raw, NULL), sent[k], len[k]) == 0, "mail %u differs", k);
    }
  cr_assert_eq(k, 6);
}

/* Over max_message_bytes: never downloaded whole; the header and the first bytes of the text come
 * back, exactly the mail's first bytes, bounded, marked truncated, with the real size. */
Test(session, a_mail_over_the_limit_comes_back_only_in_part)
{
  gsize small_len, big_len;
  g_autofree char *small = append_mail(1, 0, &small_len);
  g_autofree char *big = append_mail(2, 400 * 1024, &big_len);
  /* no blank line at all: the whole mail is its header */
  GString *headless = g_string_new(NULL);
  for (guint i = 0; headless->len < 300 * 1024; i++)
    g_string_append_printf(headless, "X-Filler-%u: %0100u\r\n", i, i);
  e2e_append(e, "INBOX", headless->str, headless->len);
  clear_seen(3);
  g_autofree char *url = e2e_url(e, TRUE, "INBOX");
  FetcherImapOptions o = { .url = url,
                           .user = e->user,
                           .password = e->password,
                           .tls_verify = TRUE,
                           .ca_file = e->ca_file,
                           .max_message_bytes = 100 * 1024 };
  g_autoptr(GError) error = NULL;
  g_autoptr(FetcherSession) s = fetcher_session_open(&o, &error);
  cr_assert(s, "%s", error ? error->message : "");
  g_autoptr(GArray) uids = search_from(s, 1);
  cr_assert_eq(uids->len, 3);
  g_autoptr(GPtrArray) msgs = fetcher_session_fetch(s, (const guint32 *)uids->data, uids->len, &error);
  cr_assert(msgs, "%s", error ? error->message : "");
  cr_assert_eq(msgs->len, 3);
  const char *sent[] = { small, big, headless->str };
  gsize sent_len[] = { small_len, big_len, headless->len };
  gsize bound[] = { small_len, FETCHER_OVERSIZE_HEADER + FETCHER_OVERSIZE_TEXT, FETCHER_OVERSIZE_HEADER };
  for (guint i = 0; i < 3; i++) {
    FetcherMessage *m = g_ptr_array_index(msgs, i);
    cr_assert_null(m->error, "%s", m->error);
    cr_assert_eq(m->truncated, i > 0, "mail %u: truncated %d", i, m->truncated);
    cr_assert_eq(m->size, sent_len[i], "mail %u: size %" G_GUINT64_FORMAT ", sent %zu", i, m->size,
                 sent_len[i]);
    gsize n;
    const char *got = g_bytes_get_data(m->raw, &n);
    cr_assert(n <= bound[i] && (i == 0 ? n == sent_len[i] : n >= 1024), "mail %u: %zu bytes", i, n);
    cr_assert(memcmp(got, sent[i], n) == 0, "mail %u: not the mail's first bytes", i);
  }
  /* the big mail's whole header and the start of its text */
  gsize n;
  const char *got = g_bytes_get_data(((FetcherMessage *)g_ptr_array_index(msgs, 1))->raw, &n);
  cr_assert(g_strstr_len(got, (gssize)n, "\r\n\r\n"), "the header block is complete");
  cr_assert_gt(n, FETCHER_OVERSIZE_TEXT, "text follows the header");
  g_string_free(headless, TRUE);
  g_autoptr(GArray) unseen = e2e_search(e, "INBOX", "UNSEEN");
  cr_assert_eq(unseen->len, 3, "BODY.PEEK must not set \\Seen");
}

Test(session, mark_flags_seen)
{
  g_autoptr(FetcherSession) s = NULL;
  g_autoptr(GArray) uids = fill_inbox(3, &s);
  guint32 two[] = { g_array_index(uids, guint32, 0), g_array_index(uids, guint32, 2) };
  g_autoptr(GError) error = NULL;
  cr_assert(fetcher_session_mark(s, two, 2, NULL, &error), "%s", error ? error->message : "");
  g_autoptr(GArray) seen = e2e_search(e, "INBOX", "SEEN");
  cr_assert_eq(seen->len, 2);
  cr_assert(contains(seen, two[0]) && contains(seen, two[1]));
  g_autoptr(GArray) unseen = e2e_search(e, "INBOX", "UNSEEN");
  cr_assert_eq(unseen->len, 1);
  cr_assert_eq(g_array_index(unseen, guint32, 0), g_array_index(uids, guint32, 1));
}

Test(session, mark_moves_to_a_folder_it_creates)
{
  g_autoptr(FetcherSession) s = NULL;
  g_autoptr(GArray) uids = fill_inbox(2, &s);
  g_autoptr(GError) error = NULL;
  cr_assert(fetcher_session_mark(s, &g_array_index(uids, guint32, 0), 1, "Processed", &error), "%s",
            error ? error->message : "");
  g_autoptr(GArray) left = e2e_search(e, "INBOX", "ALL");
  cr_assert_eq(left->len, 1);
  cr_assert_eq(g_array_index(left, guint32, 0), g_array_index(uids, guint32, 1));
  g_autoptr(GArray) moved = e2e_search(e, "Processed", "ALL");
  cr_assert_eq(moved->len, 1);
  /* the folder exists now: a second move goes straight there */
  cr_assert(fetcher_session_mark(s, &g_array_index(uids, guint32, 1), 1, "Processed", &error), "%s",
            error ? error->message : "");
  g_autoptr(GArray) moved2 = e2e_search(e, "Processed", "ALL");
  cr_assert_eq(moved2->len, 2);
}

/* A backlog's batch in one call: each moved mail is a line of the reply, and libcurl 7.88 counted
 * one reply of 600 such lines past its 300 KB limit ("Too large response headers"). */
Test(session, mark_moves_six_hundred_at_once)
{
  g_autoptr(FetcherSession) s = NULL;
  g_autoptr(GArray) uids = fill_inbox(600, &s);
  g_autoptr(GError) error = NULL;
  cr_assert(fetcher_session_mark(s, (const guint32 *)uids->data, uids->len, "Processed", &error), "%s",
            error ? error->message : "");
  g_autoptr(GArray) left = e2e_search(e, "INBOX", "ALL");
  cr_assert_eq(left->len, 0, "INBOX still holds %u", left->len);
  g_autoptr(GArray) moved = e2e_search(e, "Processed", "ALL");
  cr_assert_eq(moved->len, 600);
}

Test(session, a_missing_mailbox_is_named)
{
  g_autoptr(FetcherSession) s = open_mailbox("NoSuchFolder");
  guint32 v, n;
  g_autoptr(GError) error = NULL;
  cr_assert_not(fetcher_session_status(s, &v, &n, &error));
  cr_assert(g_error_matches(error, FETCHER_ERROR, FETCHER_ERROR_NO_MAILBOX), "%s", error->message);
  cr_assert(strstr(error->message, "NoSuchFolder"), "%s", error->message);
}

Test(session, tls_verification_fails_with_a_wrong_ca)
{
  /* the system's CAs do not include the test servers' own CA */
  const char *wrong_ca = "/etc/ssl/certs/ca-certificates.crt";
  if (!g_file_test(wrong_ca, G_FILE_TEST_EXISTS))
    cr_skip_test("no %s", wrong_ca);
  g_autofree char *url = e2e_url(e, TRUE, "INBOX");
  g_autoptr(FetcherSession) s = open_on(url, e->password, wrong_ca);
  guint32 v, n;
  g_autoptr(GError) error = NULL;
  cr_assert_not(fetcher_session_status(s, &v, &n, &error));
  cr_assert(g_error_matches(error, FETCHER_ERROR, FETCHER_ERROR_TLS), "%s", error->message);
  /* the same over imap:// with STARTTLS */
  g_autofree char *plain = e2e_url(e, FALSE, "INBOX");
  g_autoptr(FetcherSession) s2 = open_on(plain, e->password, wrong_ca);
  g_autoptr(GError) error2 = NULL;
  cr_assert_not(fetcher_session_status(s2, &v, &n, &error2));
  cr_assert(g_error_matches(error2, FETCHER_ERROR, FETCHER_ERROR_TLS), "%s", error2->message);
}

/* ---- no server or user needed ---- */

Test(options, a_closed_port_is_a_connect_error)
{
  FetcherImapOptions o = {
    .url = "imaps://127.0.0.1:1/INBOX", .user = "u", .password = "p", .tls_verify = TRUE
  };
  g_autoptr(GError) open_error = NULL;
  g_autoptr(FetcherSession) s = fetcher_session_open(&o, &open_error);
  cr_assert(s, "%s", open_error ? open_error->message : "");
  guint32 v, n;
  g_autoptr(GError) error = NULL;
  cr_assert_not(fetcher_session_status(s, &v, &n, &error));
  cr_assert(g_error_matches(error, FETCHER_ERROR, FETCHER_ERROR_CONNECT), "%s", error->message);
  cr_assert(g_str_has_prefix(error->message, "IMAP server unreachable"), "%s", error->message);
}

Test(options, bad_options_are_config_errors)
{
  const char *bad[] = { "", "http://example.com/INBOX", "not a url", "imaps://localhost/IN;BOX",
                        "imaps://svc:Secret-77@[::1/INBOX" };
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    FetcherImapOptions o = { .url = bad[i], .user = "u", .password = "p" };
    g_autoptr(GError) error = NULL;
    g_autoptr(FetcherSession) s = fetcher_session_open(&o, &error);
    cr_assert_null(s, "opened '%s'", bad[i]);
    cr_assert(g_error_matches(error, FETCHER_ERROR, FETCHER_ERROR_CONFIG), "%s: %s", bad[i],
              error ? error->message : "");
    cr_assert_null(strstr(error->message, "Secret-77"), "the URL's password is in: %s", error->message);
  }
}
