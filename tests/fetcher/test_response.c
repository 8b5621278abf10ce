/* tests/fetcher/test_response.c: the IMAP response reader (fetcher/imap-response.c) on responses
 * written here — FETCH literals, SEARCH, STATUS, tagged NO/BAD — well-formed, truncated and hostile. */
#include "fetcher-private.h"

#include <criterion/criterion.h>
#include <string.h>

static GArray *
parse(const char *response, GError **error)
{
  return fetcher_imap_parse_fetch((const guint8 *)response, strlen(response), error);
}

static void
assert_body(const FetcherFetchItem *it, const char *expected)
{
  cr_assert(it->has_body);
  g_autofree char *got = g_strndup((const char *)it->body, it->body_len);
  cr_assert_eq(it->body_len, strlen(expected), "body length %zu, expected %zu: '%s'", it->body_len,
               strlen(expected), got);
  cr_assert_str_eq(got, expected);
}

/* ---- FETCH ---- */

Test(fetch, literal_body_is_read_exactly)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) items =
    parse("* 1 FETCH (UID 7 BODY[] {13}\r\nHi\r\nthere\r\n\r\n)\r\nA3 OK done\r\n", &error);
  cr_assert(items, "%s", error ? error->message : "");
  cr_assert_eq(items->len, 1);
  FetcherFetchItem *it = &g_array_index(items, FetcherFetchItem, 0);
  cr_assert_eq(it->uid, 7);
  assert_body(it, "Hi\r\nthere\r\n\r\n");
  cr_assert_eq(it->body_origin, 0);
}

Test(fetch, a_line_inside_a_literal_that_looks_like_a_response_is_body)
{
  const char *mail = "Subject: x\r\n\r\n* 2 FETCH (UID 99 BODY[] {3}\r\nbad)\r\n";
  g_autofree char *resp = g_strdup_printf("* 1 FETCH (UID 5 BODY[] {%zu}\r\n%s)\r\n", strlen(mail), mail);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) items = parse(resp, &error);
  cr_assert(items, "%s", error ? error->message : "");
  cr_assert_eq(items->len, 1, "the literal's inner FETCH line was read as a response");
  cr_assert_eq(g_array_index(items, FetcherFetchItem, 0).uid, 5);
  assert_body(&g_array_index(items, FetcherFetchItem, 0), mail);
  cr_assert_null(fetcher_imap_find_item(items, 99));
}

Test(fetch, metadata_of_several_mails_and_other_responses_skipped)
{
  const char *resp = "* 3 EXISTS\r\n"
                     "* 1 FETCH (UID 10 RFC822.SIZE 2048 INTERNALDATE \"25-Nov-2026 16:52:37 +0800\" "
                     "FLAGS (\\Seen \\Answered))\r\n"
                     "* 2 FETCH (FLAGS () UID 11 RFC822.SIZE 99)\r\n"
                     "* OK [UNSEEN 2] whatever\r\n"
                     "A7 OK Fetch completed.\r\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) items = parse(resp, &error);
  cr_assert(items, "%s", error ? error->message : "");
  cr_assert_eq(items->len, 2);
  FetcherFetchItem *a = fetcher_imap_find_item(items, 10), *b = fetcher_imap_find_item(items, 11);
  cr_assert(a && b);
  cr_assert_eq(a->size, 2048);
  cr_assert_eq(b->size, 99);
  cr_assert_not(a->has_body);
  cr_assert(a->internal_date);
  cr_assert_eq(g_date_time_to_unix(a->internal_date), 1795596757); /* 2026-11-25T08:52:37Z */
  cr_assert_null(b->internal_date);
}

Test(fetch, partial_body_keeps_its_origin)
{
  g_autoptr(GArray) items = parse("* 4 FETCH (UID 3 BODY[]<98304> {4}\r\nabcd)\r\n", NULL);
  cr_assert(items);
  cr_assert_eq(items->len, 1);
  FetcherFetchItem *it = &g_array_index(items, FetcherFetchItem, 0);
  cr_assert_eq(it->body_origin, 98304);
  assert_body(it, "abcd");
}

Test(fetch, header_and_text_sections_of_an_oversize_mail)
{
  const char *resp =
    "* 4 FETCH (UID 9 BODY[HEADER]<0> {14}\r\nSubject: x\r\n\r\n BODY[TEXT]<0> {5}\r\nhello)\r\n"
    "A9 OK done\r\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) items = parse(resp, &error);
  cr_assert(items, "%s", error ? error->message : "");
  cr_assert_eq(items->len, 1);
  FetcherFetchItem *it = &g_array_index(items, FetcherFetchItem, 0);
  cr_assert(it->has_header && it->has_text && !it->has_body);
  cr_assert_eq(it->header_len, 14);
  cr_assert(memcmp(it->header, "Subject: x\r\n\r\n", 14) == 0);
  cr_assert_eq(it->text_len, 5);
  cr_assert(memcmp(it->text, "hello", 5) == 0);
  cr_assert_eq(it->header_origin, 0);
  /* a partial answer elsewhere than asked keeps its origin, so the caller can refuse it */
  g_autoptr(GArray) off = parse("* 4 FETCH (UID 9 BODY[TEXT]<100> NIL)\r\n", &error);
  cr_assert(off);
  cr_assert_eq(g_array_index(off, FetcherFetchItem, 0).text_origin, 100);
  cr_assert_eq(g_array_index(off, FetcherFetchItem, 0).text_len, 0);
}

Test(fetch, a_literal_that_swallows_the_tagged_reply_is_an_error)
{
  /* {20} but only "half" was sent: the literal runs into the completion line */
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) items = parse("* 1 FETCH (UID 2 BODY[] {20}\r\nhalf)\r\nA5 OK Fetch)\r\n", &error);
  cr_assert_null(items);
  cr_assert(g_error_matches(error, FETCHER_ERROR, FETCHER_ERROR_PROTOCOL));
}

Test(fetch, a_list_where_a_name_belongs_is_an_error)
{
  /* found by fuzz_imap: the name of a list was read uninitialised */
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) items = parse("* 1 FETCH (((*)SS )<98304e)TU. e\r\n", &error);
  cr_assert_null(items);
  guint32 v = 0, n = 0;
  cr_assert_not(fetcher_imap_parse_status("* STATUS INBOX ((x) 5 UIDNEXT 3 UIDVALIDITY 2)", &v, &n));
}

Test(fetch, nil_and_quoted_bodies)
{
  g_autoptr(GArray) items =
    parse("* 1 FETCH (UID 1 BODY[] NIL)\r\n* 2 FETCH (UID 2 BODY[] \"a \\\"q\\\" b\")\r\n", NULL);
  cr_assert(items);
  cr_assert_eq(items->len, 2);
  assert_body(fetcher_imap_find_item(items, 1), "");
  assert_body(fetcher_imap_find_item(items, 2), "a \\\"q\\\" b"); /* escapes are left as sent */
}

Test(fetch, non_synchronising_literal)
{
  g_autoptr(GArray) items = parse("* 1 FETCH (UID 8 BODY[] {3+}\r\nxyz)\r\n", NULL);
  cr_assert(items);
  cr_assert_eq(items->len, 1);
  assert_body(&g_array_index(items, FetcherFetchItem, 0), "xyz");
}

Test(fetch, body_item_name_is_caseless)
{
  g_autoptr(GArray) items = parse("* 1 FETCH (uid 8 body[] {2}\r\nok)\r\n", NULL);
  cr_assert(items);
  cr_assert_eq(items->len, 1);
  cr_assert_eq(g_array_index(items, FetcherFetchItem, 0).uid, 8);
  assert_body(&g_array_index(items, FetcherFetchItem, 0), "ok");
}

static void
assert_unreadable(const char *resp)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) items = parse(resp, &error);
  cr_assert_null(items, "read a broken response: %s", resp);
  cr_assert(g_error_matches(error, FETCHER_ERROR, FETCHER_ERROR_PROTOCOL), "%s",
            error ? error->message : "no error");
}

Test(fetch, truncated_literal_is_an_error)
{
  assert_unreadable("* 1 FETCH (UID 7 BODY[] {100}\r\nonly a few bytes)\r\n");
}

Test(fetch, response_cut_before_the_closing_paren_is_an_error)
{
  assert_unreadable("* 1 FETCH (UID 7 BODY[] {2}\r\nab");
  assert_unreadable("* 1 FETCH (UID 7 RFC822.SIZE");
  assert_unreadable("* 1 FETCH (UID 7 FLAGS (\\Seen");
  assert_unreadable("* 1 FETCH (UID 7 BODY[] \"never closed)\r\n");
}

Test(fetch, malformed_literal_header_is_an_error)
{
  assert_unreadable("* 1 FETCH (UID 7 BODY[] {12x}\r\nHello world!)\r\n");
  assert_unreadable("* 1 FETCH (UID 7 BODY[] {5}\nHello)\r\n"); /* LF without CR */
  assert_unreadable("* 1 FETCH (UID 7 BODY[] {99999999999999999999999}\r\nx)\r\n");
}

Test(fetch, deep_nesting_is_refused_not_recursed)
{
  GString *s = g_string_new("* 1 FETCH (UID 7 X ");
  for (int i = 0; i < 10000; i++)
    g_string_append_c(s, '(');
  g_string_append(s, "\r\n");
  assert_unreadable(s->str);
  g_string_free(s, TRUE);
}

Test(fetch, uid_beyond_32_bits_is_not_taken)
{
  g_autoptr(GArray) items = parse("* 1 FETCH (UID 4294967296 BODY[] {1}\r\nx)\r\n", NULL);
  cr_assert(items);
  cr_assert_eq(items->len, 1);
  cr_assert_eq(g_array_index(items, FetcherFetchItem, 0).uid, 0);
}

Test(fetch, empty_and_unrelated_streams_give_no_items)
{
  g_autoptr(GArray) none = parse("", NULL);
  cr_assert(none);
  cr_assert_eq(none->len, 0);
  g_autoptr(GArray) other =
    parse("* 5 EXISTS\r\n* FETCH without number\r\n* 1 FETCHED (UID 1)\r\nA1 OK\r\n", NULL);
  cr_assert(other);
  cr_assert_eq(other->len, 0);
}

/* ---- INTERNALDATE ---- */

Test(internaldate, offsets_and_space_padded_day)
{
  const char *t = " 5-Jan-2027 00:10:00 -0130";
  g_autoptr(GDateTime) d = fetcher_imap_parse_internaldate(t, strlen(t));
  cr_assert(d);
  cr_assert_eq(g_date_time_to_unix(d), 1799113200); /* 2027-01-05T01:40:00Z */
  cr_assert_eq(g_date_time_get_utc_offset(d), -(G_TIME_SPAN_HOUR + 30 * G_TIME_SPAN_MINUTE));
}

Test(internaldate, unreadable_dates)
{
  /* a zone wider than 4 digits (found by fuzzing: its offset overflowed an int), minutes over 59 */
  const char *bad[] = { "",
                        "25-Foo-2026 16:52:37 +0000",
                        "yesterday",
                        "25-Nov-2026 16:52 +0000",
                        "25-Nov-2026 16:52:37 +846972",
                        "25-Nov-2026 16:52:37 -2147483648",
                        "25-Nov-2026 16:52:37 +0875" };
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++)
    cr_assert_null(fetcher_imap_parse_internaldate(bad[i], strlen(bad[i])), "read '%s'", bad[i]);
}

/* ---- SEARCH ---- */

static GArray *
search(const char *text, guint64 lo, guint64 hi, GError **error)
{
  GArray *uids = g_array_new(FALSE, FALSE, sizeof(guint32));
  if (!fetcher_imap_parse_search(text, lo, hi, uids, error)) {
    g_array_unref(uids);
    return NULL;
  }
  return uids;
}

Test(search, uids_of_every_search_line)
{
  g_autoptr(GArray) uids = search("* SEARCH 3 4 9\r\n* SEARCH 12\r\n* OK 13 not a uid\r\n", 1, 0, NULL);
  cr_assert(uids);
  cr_assert_eq(uids->len, 4);
  const guint32 want[] = { 3, 4, 9, 12 };
  for (guint i = 0; i < 4; i++)
    cr_assert_eq(g_array_index(uids, guint32, i), want[i]);
}

Test(search, highest_uid_below_n_of_open_range_is_filtered)
{
  /* "UID SEARCH UID 50:*" on a mailbox whose highest UID is 42 answers 42 (RFC 3501) */
  g_autoptr(GArray) uids = search("* SEARCH 42\r\n", 50, 0, NULL);
  cr_assert(uids);
  cr_assert_eq(uids->len, 0, "UID %u below the range was kept",
               uids->len ? g_array_index(uids, guint32, 0) : 0);
}

Test(search, window_bounds_are_kept)
{
  g_autoptr(GArray) uids = search("* SEARCH 9 10 20 21\r\n", 10, 20, NULL);
  cr_assert(uids);
  cr_assert_eq(uids->len, 2);
  cr_assert_eq(g_array_index(uids, guint32, 0), 10);
  cr_assert_eq(g_array_index(uids, guint32, 1), 20);
}

Test(search, empty_result)
{
  g_autoptr(GArray) uids = search("* SEARCH\r\nA4 OK Search completed\r\n", 1, 0, NULL);
  cr_assert(uids);
  cr_assert_eq(uids->len, 0);
}

Test(search, huge_uid_list)
{
  GString *s = g_string_new("* SEARCH");
  for (guint32 u = 1; u <= 200000; u++)
    g_string_append_printf(s, " %u", u * 3);
  g_string_append(s, "\r\n");
  g_autoptr(GArray) uids = search(s->str, 30001, 0, NULL);
  g_string_free(s, TRUE);
  cr_assert(uids);
  cr_assert_eq(uids->len, 200000 - 10000);
  cr_assert_eq(g_array_index(uids, guint32, 0), 30003);
  cr_assert_eq(g_array_index(uids, guint32, uids->len - 1), 600000);
}

Test(search, unreadable_tokens_are_errors)
{
  const char *bad[] = { "* SEARCH 1 two 3\r\n", "* SEARCH 0\r\n", "* SEARCH 4294967296\r\n",
                        "* SEARCH 5x\r\n" };
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_autoptr(GError) error = NULL;
    g_autoptr(GArray) uids = search(bad[i], 1, 0, &error);
    cr_assert_null(uids, "read '%s'", bad[i]);
    cr_assert(g_error_matches(error, FETCHER_ERROR, FETCHER_ERROR_PROTOCOL));
  }
}

/* ---- STATUS ---- */

Test(status, uidvalidity_and_uidnext)
{
  guint32 v = 0, n = 0;
  cr_assert(fetcher_imap_parse_status("* STATUS INBOX (UIDVALIDITY 1764000000 UIDNEXT 45)\r\n", &v, &n));
  cr_assert_eq(v, 1764000000u);
  cr_assert_eq(n, 45);
  cr_assert(fetcher_imap_parse_status("* STATUS \"Service Desk\" (UIDNEXT 7 UIDVALIDITY 3)\r\n", &v, &n));
  cr_assert_eq(v, 3);
  cr_assert_eq(n, 7);
}

Test(status, a_mailbox_name_holding_the_keys_is_not_read_as_them)
{
  guint32 v = 0, n = 0;
  cr_assert(
    fetcher_imap_parse_status("* STATUS \"UIDNEXT 9 UIDVALIDITY 8\" (UIDVALIDITY 1 UIDNEXT 2)\r\n", &v, &n));
  cr_assert_eq(v, 1);
  cr_assert_eq(n, 2);
  cr_assert(fetcher_imap_parse_status("* STATUS {9}\r\nUIDNEXT 9 (UIDVALIDITY 5 UIDNEXT 6)\r\n", &v, &n));
  cr_assert_eq(v, 5);
  cr_assert_eq(n, 6);
}

Test(status, incomplete_or_out_of_range)
{
  guint32 v, n;
  const char *bad[] = {
    "",
    "* STATUS INBOX (UIDVALIDITY 1)\r\n",
    "* STATUS INBOX (UIDNEXT 1)\r\n",
    "* STATUS INBOX (UIDVALIDITY 4294967296 UIDNEXT 1)\r\n",
    "* STATUS INBOX (UIDVALIDITY x UIDNEXT 1)\r\n",
    "* STATUS INBOX (UIDVALIDITY 1 UIDNEXT 2",
    "* LIST () \"/\" INBOX\r\n",
  };
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++)
    cr_assert_not(fetcher_imap_parse_status(bad[i], &v, &n), "read '%s'", bad[i]);
}

/* ---- tagged NO/BAD ---- */

Test(complaint, last_tagged_no_or_bad)
{
  const char *resp =
    "* NO untagged warning\r\nA1 OK fine\r\nA2 NO [NONEXISTENT] Mailbox doesn't exist: X\r\n";
  g_autofree char *c = fetcher_imap_complaint((const guint8 *)resp, strlen(resp));
  cr_assert_str_eq(c, "NO [NONEXISTENT] Mailbox doesn't exist: X");
  const char *bad = "A3 BAD Error in IMAP command\r\n";
  g_autofree char *b = fetcher_imap_complaint((const guint8 *)bad, strlen(bad));
  cr_assert_str_eq(b, "BAD Error in IMAP command");
}

Test(complaint, none_when_all_is_well)
{
  const char *resp = "* OK ready\r\n+ go ahead\r\nA1 OK done\r\n";
  cr_assert_null(fetcher_imap_complaint((const guint8 *)resp, strlen(resp)));
  cr_assert_null(fetcher_imap_complaint((const guint8 *)"", 0));
}

Test(complaint, long_or_invalid_text_is_bounded_and_valid_utf8)
{
  GString *s = g_string_new("A1 NO \xff\xfe");
  for (int i = 0; i < 1000; i++)
    g_string_append_c(s, 'x');
  g_autofree char *c = fetcher_imap_complaint((const guint8 *)s->str, s->len);
  g_string_free(s, TRUE);
  cr_assert(c);
  cr_assert(g_utf8_validate(c, -1, NULL));
  cr_assert(strlen(c) <= 300 + 6, "complaint of %zu bytes", strlen(c)); /* 2 bad bytes become U+FFFD */
}

/* ---- what we send ---- */

Test(send, uid_sets_compress_runs)
{
  const guint32 uids[] = { 1, 2, 3, 7, 9, 10, 4294967295u };
  g_autofree char *set = fetcher_imap_uid_set(uids, G_N_ELEMENTS(uids));
  cr_assert_str_eq(set, "1:3,7,9:10,4294967295");
  g_autofree char *one = fetcher_imap_uid_set(uids + 3, 1);
  cr_assert_str_eq(one, "7");
  g_autofree char *none = fetcher_imap_uid_set(uids, 0);
  cr_assert_str_eq(none, "");
}

Test(send, mailbox_names_are_quoted_and_escaped)
{
  g_autofree char *q = fetcher_imap_quote("a \"b\" \\c");
  cr_assert_str_eq(q, "\"a \\\"b\\\" \\\\c\"");
}

/* RFC 3501 5.1.3's own example, '&' and ASCII (blind round 20: processed_folder = 已处理 was refused). */
Test(send, mailbox_names_in_modified_utf7)
{
  g_autofree char *rfc = fetcher_imap_utf7("~peter/mail/台北/日本語");
  cr_assert_str_eq(rfc, "~peter/mail/&U,BTFw-/&ZeVnLIqe-");
  g_autofree char *amp = fetcher_imap_utf7("R&D Done");
  cr_assert_str_eq(amp, "R&-D Done");
  g_autofree char *mixed = fetcher_imap_utf7("INBOX/已处理");
  cr_assert_str_eq(mixed, "INBOX/&XfJZBHQG-");
  cr_assert_null(fetcher_imap_utf7("\xff\xfe"));
}

/* ---- the error map ---- */

Test(curl_error, one_code_per_kind_of_failure)
{
  cr_assert_eq(fetcher_curl_error_code(CURLE_COULDNT_CONNECT), FETCHER_ERROR_CONNECT);
  cr_assert_eq(fetcher_curl_error_code(CURLE_OPERATION_TIMEDOUT), FETCHER_ERROR_CONNECT);
  cr_assert_eq(fetcher_curl_error_code(CURLE_RECV_ERROR), FETCHER_ERROR_CONNECT);
  cr_assert_eq(fetcher_curl_error_code(CURLE_PEER_FAILED_VERIFICATION), FETCHER_ERROR_TLS);
  cr_assert_eq(fetcher_curl_error_code(CURLE_SSL_CONNECT_ERROR), FETCHER_ERROR_TLS);
  cr_assert_eq(fetcher_curl_error_code(CURLE_LOGIN_DENIED), FETCHER_ERROR_AUTH);
  cr_assert_eq(fetcher_curl_error_code(CURLE_URL_MALFORMAT), FETCHER_ERROR_CONFIG);
  cr_assert_eq(fetcher_curl_error_code(CURLE_QUOTE_ERROR), FETCHER_ERROR_PROTOCOL);
  cr_assert_eq(fetcher_curl_error_code(CURLE_WEIRD_SERVER_REPLY), FETCHER_ERROR_PROTOCOL);
}

Test(curl_error, message_keeps_libcurl_and_the_server)
{
  g_autoptr(GError) error = NULL;
  fetcher_curl_set_error(&error, FETCHER_ERROR_AUTH, "IMAP", "STATUS", CURLE_LOGIN_DENIED, "",
                         "NO [AUTHENTICATIONFAILED]");
  cr_assert(g_error_matches(error, FETCHER_ERROR, FETCHER_ERROR_AUTH));
  g_autofree char *want =
    g_strdup_printf("IMAP login refused in STATUS: %s (server: NO [AUTHENTICATIONFAILED])",
                    curl_easy_strerror(CURLE_LOGIN_DENIED));
  cr_assert_str_eq(error->message, want);
  g_autoptr(GError) e2 = NULL;
  fetcher_curl_set_error(&e2, FETCHER_ERROR_CONNECT, "SMTP", NULL, CURLE_COULDNT_CONNECT,
                         "Failed to connect to x", NULL);
  cr_assert_str_eq(e2->message, "SMTP server unreachable: Failed to connect to x");
  /* a peer that hangs up in the handshake is a lost connection, not a TLS problem to fix */
  g_autoptr(GError) e3 = NULL;
  fetcher_curl_set_error(&e3, FETCHER_ERROR_TLS, "IMAP", "LOGIN", CURLE_SSL_CONNECT_ERROR,
                         "OpenSSL SSL_connect: Connection reset by peer in connection to mail.x:993", NULL);
  cr_assert(g_error_matches(e3, FETCHER_ERROR, FETCHER_ERROR_CONNECT), "%s", e3->message);
  cr_assert(g_str_has_prefix(e3->message, "IMAP server unreachable in LOGIN: OpenSSL"), "%s", e3->message);
  g_autoptr(GError) e4 = NULL;
  fetcher_curl_set_error(&e4, FETCHER_ERROR_TLS, "IMAP", "LOGIN", CURLE_SSL_CONNECT_ERROR,
                         "OpenSSL/3.0.17: error:0A00010B:SSL routines::wrong version number", NULL);
  cr_assert(g_error_matches(e4, FETCHER_ERROR, FETCHER_ERROR_TLS), "%s", e4->message);
}

/* A mail that could not be had carries its reason (a copy) and nothing else. */
Test(message, new_failed_holds_only_its_reason)
{
  char why[] = "refused by the server 3 times: NO [UNAVAILABLE]";
  FetcherMessage *m = fetcher_message_new_failed(42, why);
  cr_assert_not_null(m);
  cr_expect_eq(m->uid, 42);
  cr_expect_null(m->raw);
  cr_expect_null(m->internal_date);
  cr_expect_eq(m->size, 0);
  cr_expect(!m->truncated);
  why[0] = 'X';
  cr_expect_str_eq(m->error, "refused by the server 3 times: NO [UNAVAILABLE]");
  fetcher_message_free(m);
}
