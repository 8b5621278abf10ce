/* tests/acks/test_rules.c: one test per rule of acks_decide (policy §9, RFC 3834). */
#include "acks.h"

#include <criterion/criterion.h>
#include <string.h>

static const char *own[] = { "service@roycom.com.cn", NULL };

/* The parser's data (labels.ini [senders]) as installed with the source tree; loaded once. */
static const ParserConfig *
parser_config(void)
{
  static ParserConfig *config;
  if (!config) {
    g_autoptr(GError) error = NULL;
    config = parser_config_load(NULL, &error);
    cr_assert_not_null(config, "parser_config_load: %s", error ? error->message : "?");
  }
  return config;
}

/* The automatic-mail headers the rules read are the parser's: header block only, unfolded. */
static ParserRequest *
parsed(const char *raw)
{
  g_autoptr(GError) error = NULL;
  ParserRequest *r = parser_parse(parser_config(), NULL, raw, strlen(raw), &error);
  cr_assert_not_null(r, "parse: %s", error ? error->message : "?");
  return r;
}

/* Decides for a mail given as raw headers from a sender, as cli does: parsed once, the rules
 * reading what the parser found (the parser's own ignored_reason is left out: the rules are
 * tested on their own). */
static const char *
decide_parsed(const char *from, const char *headers, gint64 recent, gboolean followup)
{
  g_autofree char *mail = g_strdup_printf("From: <%s>\r\n%s", from, headers);
  g_autoptr(GError) error = NULL;
  g_autoptr(ParserRequest) r = parser_parse(parser_config(), NULL, mail, strlen(mail), &error);
  cr_assert_not_null(r, "parse: %s", error ? error->message : "?");
  AcksFacts f = {
    .from_addr = from, .request = r, .own_addresses = own, .recent_acks = recent, .is_followup = followup
  };
  return acks_decide(&f);
}

static void
expect(const char *got, const char *want, const char *what)
{
  if (!want)
    cr_expect_null(got, "%s: expected send, got suppress %s", what, got);
  else
    cr_expect(got && !strcmp(got, want), "%s: expected %s, got %s", what, want, got ? got : "send");
}

Test(rules, ordinary_customer_mail_gets_one)
{
  expect(decide_parsed("zhangsan@example.com", "From: a <zhangsan@example.com>\r\nSubject: x\r\n\r\nbody", 0,
                       FALSE),
         NULL, "plain mail");
  expect(decide_parsed("zhangsan@example.com",
                       "Auto-Submitted: no\r\nReturn-Path: <zhangsan@example.com>\r\n\r\n", 0, FALSE),
         NULL, "Auto-Submitted: no");
}

Test(rules, auto_submitted_other_than_no)
{
  expect(decide_parsed("a@example.com", "Auto-Submitted: auto-replied\r\n\r\n", 0, FALSE), "auto_reply",
         "auto-replied");
  expect(decide_parsed("a@example.com", "auto-submitted:  Auto-Generated (vacation)\r\n\r\n", 0, FALSE),
         "auto_reply", "auto-generated");
  expect(
    decide_parsed("a@example.com", "Auto-Submitted:\r\n auto-notified; owner-email=x@y\r\n\r\n", 0, FALSE),
    "auto_reply", "folded");
  expect(decide_parsed("a@example.com", "Auto-Submitted: No (comment)\r\n\r\n", 0, FALSE), NULL,
         "No with comment");
  expect(decide_parsed("a@example.com", "X-Autoreply: yes\r\n\r\n", 0, FALSE), "auto_reply", "X-Autoreply");
  expect(decide_parsed("a@example.com", "X-Auto-Response-Suppress: All\r\n\r\n", 0, FALSE), "auto_reply",
         "X-Auto-Response-Suppress");
}

Test(rules, precedence_bulk_list_junk)
{
  expect(decide_parsed("a@example.com", "Precedence: bulk\r\n\r\n", 0, FALSE), "bulk", "bulk");
  expect(decide_parsed("a@example.com", "Precedence: LIST\r\n\r\n", 0, FALSE), "bulk", "list");
  expect(decide_parsed("a@example.com", "Precedence: junk\r\n\r\n", 0, FALSE), "bulk", "junk");
  expect(decide_parsed("a@example.com", "Precedence: first-class\r\n\r\n", 0, FALSE), NULL, "first-class");
}

Test(rules, list_id)
{
  expect(decide_parsed("a@example.com", "List-Id: <ops.lists.example.com>\r\n\r\n", 0, FALSE), "bulk",
         "List-Id");
  expect(decide_parsed("a@example.com", "List-Unsubscribe: <mailto:u@example.com>\r\n\r\n", 0, FALSE), "bulk",
         "List-Unsubscribe");
}

Test(rules, empty_return_path)
{
  expect(decide_parsed("a@example.com", "Return-Path: <>\r\n\r\n", 0, FALSE), "bounce", "<>");
  expect(decide_parsed("a@example.com", "Return-Path:\r\n\r\n", 0, FALSE), "bounce", "empty");
  expect(decide_parsed("a@example.com", "Return-Path: <a@example.com>\r\n\r\n", 0, FALSE), NULL, "real path");
}

Test(rules, daemon_senders)
{
  expect(decide_parsed("MAILER-DAEMON@mx.example.com", "\r\n", 0, FALSE), "bounce", "MAILER-DAEMON");
  expect(decide_parsed("postmaster@example.com", "\r\n", 0, FALSE), "bounce", "postmaster");
  expect(decide_parsed("postmaster-team@example.com", "\r\n", 0, FALSE), "bounce", "postmaster-team");
  expect(decide_parsed("postmasterly@example.com", "\r\n", 0, FALSE), NULL, "only a prefix");
}

Test(rules, sender_lists_are_the_parsers)
{
  /* labels.ini [senders] bounce holds more names than the legacy built-in list did */
  cr_expect_str_eq(decide_parsed("mail-daemon@mx.example.com", "\r\n", 0, FALSE), "bounce");
  cr_expect_str_eq(decide_parsed("mailerdaemon+x@mx.example.com", "\r\n", 0, FALSE), "bounce");
  cr_expect_str_eq(decide_parsed("ops-no_reply@example.com", "\r\n", 0, FALSE), "noreply_sender");
}

Test(rules, noreply_senders)
{
  expect(decide_parsed("noreply@example.com", "\r\n", 0, FALSE), "noreply_sender", "noreply");
  expect(decide_parsed("No-Reply@Example.com", "\r\n", 0, FALSE), "noreply_sender", "No-Reply");
  expect(decide_parsed("alerts-donotreply@example.com", "\r\n", 0, FALSE), "noreply_sender", "donotreply");
  expect(decide_parsed("do_not_reply@example.com", "\r\n", 0, FALSE), "noreply_sender", "do_not_reply");
}

Test(rules, unusable_sender)
{
  AcksFacts f = { .from_addr = NULL };
  expect(acks_decide(&f), "noreply_sender", "no From");
  f.from_addr = "a@example.com\r\nBcc: x@evil.example";
  expect(acks_decide(&f), "noreply_sender", "CRLF in address");
  f.from_addr = "not-an-address";
  expect(acks_decide(&f), "noreply_sender", "no @");
}

Test(rules, service_mailbox_itself)
{
  expect(decide_parsed("service@roycom.com.cn", "\r\n", 0, FALSE), "loop", "own address");
  expect(decide_parsed("Service@Roycom.com.CN", "\r\n", 0, FALSE), "loop", "own address, other case");
}

Test(rules, followups_get_none)
{
  expect(decide_parsed("a@example.com", "In-Reply-To: <x@y>\r\n\r\n", 0, TRUE), "followup", "follow-up");
}

Test(rules, sender_cap)
{
  for (gint64 n = 0; n < 5; n++)
    expect(decide_parsed("a@example.com", "\r\n", n, FALSE), NULL, "under the cap");
  expect(decide_parsed("a@example.com", "\r\n", 5, FALSE), "sender_cap", "6th in 24 h");
  g_autoptr(ParserRequest) r = parsed("From: <a@example.com>\r\nSubject: x\r\n\r\nbody\r\n");
  AcksFacts f = { .from_addr = "a@example.com", .request = r, .recent_acks = 2, .max_per_sender = 2 };
  expect(acks_decide(&f), "sender_cap", "configured cap 2");
  f.max_per_sender = 3;
  expect(acks_decide(&f), NULL, "configured cap 3");
}

Test(rules, global_cap_per_hour)
{
  g_autoptr(ParserRequest) r = parsed("From: <a@example.com>\r\nSubject: x\r\n\r\nbody\r\n");
  AcksFacts f = { .from_addr = "a@example.com", .request = r, .recent_acks_all = 199, .max_per_hour = 200 };
  expect(acks_decide(&f), NULL, "199 in the hour, cap 200");
  f.recent_acks_all = 200;
  expect(acks_decide(&f), "global_cap", "200 in the hour, cap 200");
  f.max_per_hour = 0;
  f.recent_acks_all = 100000;
  expect(acks_decide(&f), NULL, "0: no global cap");
  /* the sender's own cap is the more precise reason */
  f.max_per_hour = 1;
  f.recent_acks = 5;
  expect(acks_decide(&f), "sender_cap", "both caps");
}

Test(rules, forged_sender_gets_none)
{
  g_autoptr(ParserRequest) r = parsed("From: <a@example.com>\r\nSubject: x\r\n\r\nbody\r\n");
  AcksFacts f = { .from_addr = "a@example.com", .request = r, .auth_failed = TRUE };
  expect(acks_decide(&f), "auth_fail", "Authentication-Results failed");
  f.auth_failed = FALSE;
  expect(acks_decide(&f), NULL, "verdict pass or none");
}

Test(rules, a_name_of_ours_on_another_address)
{
  const char *ours[] = { "service@roycom.com.cn", NULL };
  cr_expect(acks_name_spoofs("service@roycom.com.cn", "dispatch@roycom-cn.top", ours));
  cr_expect(acks_name_spoofs("融科联创 <Service@RoyCom.com.cn>", "x@163.com", ours));
  cr_expect(acks_name_spoofs("zhang@roycom.com.cn", "zhang@gmail.com", ours), "any address of our domain");
  cr_expect_not(acks_name_spoofs("service@roycom.com.cn", "service@roycom.com.cn", ours), "ours indeed");
  cr_expect_not(acks_name_spoofs("王磊", "wanglei@163.com", ours));
  cr_expect_not(acks_name_spoofs("wanglei@163.com", "wanglei@163.com", ours), "his own address as name");
  cr_expect_not(acks_name_spoofs("a@roycom.com.cnx.top", "a@x.top", ours), "another domain");
  cr_expect_not(acks_name_spoofs(NULL, "a@x.top", ours));
}

Test(rules, parser_decision_wins)
{
  AcksFacts f = { .from_addr = "a@example.com", .ignored_reason = "bounce" };
  expect(acks_decide(&f), "bounce", "parser said bounce");
  f.ignored_reason = "loop";
  expect(acks_decide(&f), "loop", "parser said loop");
}

Test(rules, headers_stop_at_body)
{
  g_autoptr(ParserRequest) body =
    parsed("From: <a@example.com>\r\nSubject: hi\r\n\r\nAuto-Submitted: auto-replied\r\nList-Id: <x>\r\n");
  cr_expect_null(body->auto_headers.auto_submitted);
  cr_expect_null(body->auto_headers.list_id);
  g_autoptr(ParserRequest) folded =
    parsed("From: <a@example.com>\nPrecedence: bulk\nList-Id:\n  <folded.example.com>\n\nbody\n");
  cr_expect_str_eq(folded->auto_headers.precedence, "bulk");
  cr_expect_str_eq(folded->auto_headers.list_id, "<folded.example.com>");
}
