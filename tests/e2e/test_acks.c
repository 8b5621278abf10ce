/* tests/e2e/test_acks.c: acknowledgements end to end — customer mail into the service INBOX,
 * `intake poll` (queues and, with send = true, sends), `intake acks queue` (a no-op: poll queued
 * them already), `intake acks send`
 * through the real OpenSMTPD, read back from the customer's Dovecot mailbox over IMAP. */
#include "harness_mail.h"

#include <criterion/criterion.h>
#include <gmime/gmime.h>
#include <string.h>

static E2e *e;

static void
setup(void)
{
  g_mime_init();
  e = e2e_setup(criterion_current_test->name);
}

static void
teardown(void)
{
  e2e_teardown(e);
  e = NULL;
}

TestSuite(acks, .init = setup, .fini = teardown, .timeout = 180);

static char *
smtp_url(gboolean smtps)
{
  return smtps ? g_strdup_printf("smtps://localhost:%s", e2e_server_env("INTAKE_SMTPS_PORT"))
               : g_strdup_printf("smtp://localhost:%s", e2e_server_env("INTAKE_SMTP_PORT"));
}

static void
run_ok(const char *what, ...)
{
  g_autofree char *out = NULL, *err = NULL;
  int rc;
  if (g_str_equal(what, "poll"))
    rc = e2e_run(e, &out, &err, "poll", NULL);
  else if (g_str_equal(what, "queue"))
    rc = e2e_run(e, &out, &err, "acks", "queue", NULL);
  else
    rc = e2e_run(e, &out, &err, "acks", "send", NULL);
  cr_assert_eq(rc, 0, "%s exited %d: %s%s", what, rc, out, err);
}

static void
poll_queue_send(void)
{
  run_ok("poll");
  run_ok("queue");
  run_ok("send");
}

static const char *BODY_NO_SN = "您好，\r\n型号：R5210 G5\r\n问题描述：服务器无法开机，电源灯亮红灯。\r\n"
                                "地址：北京市海淀区中关村大街27号\r\n联系人：张三\r\n电话：13812345678\r\n";

static void
append(const char *from_name, const char *from, const char *subject, const char *mid, const char *extra,
       const char *body)
{
  gsize len;
  g_autofree char *m = e2e_customer_mail(from_name, from, subject, mid, extra, body, &len);
  e2e_append(e, "INBOX", m, len);
}

Test(acks, delivered_threaded_starttls)
{
  E2eCustomer *c = e2e_customer_new(e, "zs");
  g_autofree char *url = smtp_url(FALSE);
  e2e_write_smtp_config(e, url, "starttls = required\n");
  append("=?UTF-8?B?5byg5LiJ?=", c->addr,
         "=?UTF-8?B?5pyN5Yqh5Zmo5pWF6Zqc5oql5L+u?=", "cust-1@customer.example.com",
         "References: <older-0@customer.example.com>\r\n", BODY_NO_SN);
  poll_queue_send();

  g_autoptr(GPtrArray) mails = e2e_customer_mails(c, 1, 20);
  cr_assert_eq(mails->len, 1, "%u acknowledgements delivered", mails->len);
  g_autofree char *order_no = harness_text(e, "SELECT order_no FROM intake.orders");
  g_autofree char *mid = harness_text(e, "SELECT message_id FROM intake.outbox");
  g_autofree char *reply = harness_text(e, "SELECT smtp_reply FROM intake.outbox WHERE status = 'sent'");
  cr_assert(reply && g_str_has_prefix(reply, "250"), "smtp_reply: %s", reply);
  GMimeMessage *m = harness_parse_mail(g_ptr_array_index(mails, 0));
  GMimeObject *o = GMIME_OBJECT(m);
  g_autofree char *want_subject = g_strdup_printf("Re: [%s] 服务器故障报修", order_no);
  cr_expect_str_eq(g_mime_message_get_subject(m), want_subject);
  cr_expect_str_eq(g_mime_object_get_header(o, "Auto-Submitted"), "auto-replied");
  cr_expect_str_eq(g_mime_object_get_header(o, "In-Reply-To"), "<cust-1@customer.example.com>");
  cr_expect_str_eq(g_mime_object_get_header(o, "References"),
                   "<older-0@customer.example.com> <cust-1@customer.example.com>");
  cr_expect_str_eq(g_mime_message_get_message_id(m), mid);
  cr_expect(g_str_has_prefix(mid, "ack.") && g_str_has_suffix(mid, "@roycom.com.cn"), "%s", mid);
  cr_expect_not_null(g_mime_message_get_date(m));
  InternetAddressList *from = g_mime_message_get_from(m);
  cr_expect_str_eq(
    internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(internet_address_list_get_address(from, 0))),
    "service@roycom.com.cn");
  g_autofree char *text = harness_mail_text(m);
  cr_expect(strstr(text, order_no), "%s", text);
  cr_expect(strstr(text, "张三，您好"), "%s", text);
  cr_expect(strstr(text, "设备SN（设备SN位于机器顶部左下角）"), "missing SN not asked for: %s", text);
  cr_expect(strstr(text, "R5210 G5"), "%s", text);
  cr_expect(strstr(text, "400-018-8995"), "%s", text);
  cr_expect(strstr(text, "正在核实"), "unknown SN must be under review: %s", text);
  g_object_unref(m);

  /* another run delivers nothing more */
  run_ok("send");
  g_autoptr(GPtrArray) again = e2e_customer_mails(c, 1, 5);
  cr_expect_eq(again->len, 1);
  e2e_customer_free(c);
}

/* The fault again in a closed order's thread: the new order's acknowledgement says it follows the
 * closed one (blind round 12b: a new number in the old thread without a word why); a first
 * acknowledgement says nothing of the kind. */
Test(acks, a_recurrence_says_which_order_it_follows)
{
  E2eCustomer *c = e2e_customer_new(e, "again");
  g_autofree char *url = smtp_url(FALSE);
  e2e_write_smtp_config(e, url, NULL);
  append("=?UTF-8?B?5byg5LiJ?=", c->addr, "=?UTF-8?B?5pyN5Yqh5Zmo5a6V5py6?=", "again-1@customer.example.com",
         NULL, BODY_NO_SN);
  run_ok("poll");
  g_autoptr(GPtrArray) first = e2e_customer_mails(c, 1, 20);
  cr_assert_eq(first->len, 1);
  GMimeMessage *m1 = harness_parse_mail(g_ptr_array_index(first, 0));
  g_autofree char *t1 = harness_mail_text(m1);
  g_object_unref(m1);
  cr_expect(!strstr(t1, "已关闭的服务单"), "%s", t1);
  g_autofree char *old_no = harness_text(e, "SELECT order_no FROM intake.orders");
  PQclear(PQexec(
    e->pg, "UPDATE intake.orders SET status = 'closed', close_reason = 'resolved', finished_at = now()"));
  append("=?UTF-8?B?5byg5LiJ?=", c->addr,
         "Re: =?UTF-8?B?5pyN5Yqh5Zmo5a6V5py6?=", "again-2@customer.example.com",
         "In-Reply-To: <again-1@customer.example.com>\r\n", "又宕机了，跟上次一样无法开机。\r\n");
  run_ok("poll");
  g_autoptr(GPtrArray) both = e2e_customer_mails(c, 2, 20);
  cr_assert_eq(both->len, 2);
  g_autofree char *new_no =
    harness_text(e, "SELECT order_no FROM intake.orders WHERE recurrence_of IS NOT NULL");
  g_autofree char *want = g_strdup_printf("您在已关闭的服务单 %s 的邮件中报告了故障再次出现", old_no);
  gboolean found = FALSE;
  for (guint i = 0; i < both->len; i++) {
    GMimeMessage *m = harness_parse_mail(g_ptr_array_index(both, i));
    g_autofree char *t = harness_mail_text(m);
    g_object_unref(m);
    if (strstr(t, new_no)) {
      found = TRUE;
      cr_expect(strstr(t, want), "%s", t);
    }
  }
  cr_expect(found, "no acknowledgement of %s", new_no);
  e2e_customer_free(c);
}

Test(acks, english_over_smtps)
{
  E2eCustomer *c = e2e_customer_new(e, "en");
  g_autofree char *url = smtp_url(TRUE);
  e2e_write_smtp_config(e, url, NULL);
  append("John Smith", c->addr, "Server down", "en-1@customer.example.com", NULL,
         "Hello,\r\nOur server does not boot since this morning, model R5210 G5.\r\n"
         "Address: Building 3, Haidian District, Beijing\r\nContact: John Smith, phone "
         "13812345678\r\n\r\nRegards\r\n");
  poll_queue_send();
  g_autoptr(GPtrArray) mails = e2e_customer_mails(c, 1, 20);
  cr_assert_eq(mails->len, 1);
  GMimeMessage *m = harness_parse_mail(g_ptr_array_index(mails, 0));
  g_autofree char *lang = harness_text(e, "SELECT language FROM intake.outbox");
  g_autofree char *text = harness_mail_text(m);
  cr_expect_str_eq(lang, "en", "an English mail is answered in English");
  cr_expect(strstr(text, "Dear John Smith"), "%s", text);
  cr_expect(strstr(text, "hotline 400-018-8995"), "%s", text);
  /* the place in letters the customer reads, not 北京市海淀区 */
  cr_expect(strstr(text, "Location: Haidian, Beijing"), "%s", text);
  cr_expect_null(strstr(text, "北京市"), "%s", text);
  cr_expect(g_str_has_suffix(g_mime_message_get_subject(m), "] Server down"), "%s",
            g_mime_message_get_subject(m));
  g_object_unref(m);
  e2e_customer_free(c);
}

Test(acks, smtp_down_stays_pending_then_delivered_once)
{
  E2eCustomer *c = e2e_customer_new(e, "down");
  e2e_write_smtp_config(e, "smtp://127.0.0.1:1", "send = false\n"); /* nothing listens there */
  append(NULL, c->addr, "RAID error", "down-1@customer.example.com", NULL, BODY_NO_SN);
  append(NULL, c->addr, "RAID error again", "down-2@customer.example.com", NULL, BODY_NO_SN);
  run_ok("poll");
  run_ok("queue");
  g_autofree char *out = NULL, *err = NULL;
  int rc = e2e_run(e, &out, &err, "acks", "send", NULL);
  cr_assert_eq(rc, 0, "SMTP down must not fail: %s%s", out, err);
  cr_expect(strstr(err, "warning"), "no warning: %s", err);
  cr_assert_eq(e2e_scalar(e, "SELECT count(*) FROM intake.outbox WHERE status = 'pending'"), 2);
  /* unreachable is transient: the tried one gives its attempt back and counts a deferral */
  cr_expect_eq(e2e_scalar(e, "SELECT sum(attempts) FROM intake.outbox"), 0, "an outage used up an attempt");
  cr_expect_eq(e2e_scalar(e, "SELECT sum(deferrals) FROM intake.outbox"), 1, "only the tried one counts");
  cr_expect_eq(
    e2e_scalar(
      e, "SELECT count(*) FROM intake.outbox WHERE last_error LIKE 'transient failure 1, retried: SMTP server"
         " unreachable%'"),
    1);
  /* the backoff: not due yet, so a run now sends nothing even with the server back */
  g_autofree char *url = smtp_url(FALSE);
  e2e_write_smtp_config(e, url, NULL);
  cr_expect_eq(
    e2e_scalar(e, "SELECT count(*) FROM intake.outbox WHERE next_attempt_at > now() + interval '50 seconds'"),
    1);
  PQclear(PQexec(e->pg, "UPDATE intake.outbox SET next_attempt_at = now()")); /* time passes */
  run_ok("send");
  run_ok("send");
  g_autoptr(GPtrArray) mails = e2e_customer_mails(c, 2, 20);
  cr_expect_eq(mails->len, 2, "%u delivered", mails->len);
  cr_expect_eq(e2e_scalar(e, "SELECT count(*) FROM intake.outbox WHERE status = 'sent'"), 2);
  e2e_customer_free(c);
}

Test(acks, sixth_mail_in_a_day_gets_none)
{
  E2eCustomer *c = e2e_customer_new(e, "cap");
  g_autofree char *url = smtp_url(FALSE);
  e2e_write_smtp_config(e, url, NULL);
  for (int i = 0; i < 6; i++) {
    g_autofree char *mid = g_strdup_printf("cap-%d@customer.example.com", i);
    g_autofree char *subject = g_strdup_printf("Fault %d", i);
    append(NULL, c->addr, subject, mid, NULL, BODY_NO_SN);
  }
  poll_queue_send();
  g_autoptr(GPtrArray) mails = e2e_customer_mails(c, 5, 20);
  cr_expect_eq(mails->len, 5, "%u delivered", mails->len);
  cr_expect_eq(e2e_scalar(e, "SELECT count(*) FROM intake.outbox WHERE status = 'sent'"), 5);
  cr_expect_eq(e2e_scalar(e, "SELECT count(*) FROM intake.outbox WHERE suppressed_reason = 'sender_cap'"), 1);
  e2e_customer_free(c);
}

Test(acks, auto_replies_and_lists_get_none)
{
  E2eCustomer *c = e2e_customer_new(e, "auto");
  g_autofree char *url = smtp_url(FALSE);
  e2e_write_smtp_config(e, url, NULL);
  append(NULL, c->addr, "Automatic reply: 服务器故障报修", "auto-1@customer.example.com",
         "Auto-Submitted: auto-replied\r\n", "I am out of office.\r\n");
  append(NULL, c->addr, "Newsletter", "list-1@customer.example.com",
         "Precedence: bulk\r\nList-Id: <news.customer.example.com>\r\n", BODY_NO_SN);
  append(NULL, c->addr, "Vacation", "auto-2@customer.example.com", "X-Autoreply: yes\r\n", BODY_NO_SN);
  append(NULL, "service@roycom.com.cn", "our own mail", "own-1@roycom.com.cn", NULL, BODY_NO_SN);
  poll_queue_send();
  g_autoptr(GPtrArray) mails = e2e_customer_mails(c, 0, 3);
  cr_expect_eq(mails->len, 0, "%u acknowledgements to an auto-reply/list", mails->len);
  cr_expect_eq(
    e2e_scalar(e, "SELECT count(*) FROM intake.outbox WHERE status IN ('pending', 'sending', 'sent')"), 0);
  e2e_customer_free(c);
}

Test(acks, hostile_subject_and_long_name_render_safely)
{
  E2eCustomer *c = e2e_customer_new(e, "evil");
  E2eCustomer *victim = e2e_customer_new(e, "victim");
  g_autofree char *url = smtp_url(FALSE);
  e2e_write_smtp_config(e, url, NULL);
  g_autofree char *evil = g_strdup_printf("help\r\nBcc: %s\r\n\r\ninjected", victim->addr);
  g_autofree char *evil64 = g_base64_encode((const guchar *)evil, strlen(evil));
  g_autofree char *subject = g_strdup_printf("=?UTF-8?B?%s?=", evil64);
  GString *name = g_string_new(NULL);
  for (int i = 0; i < 2000; i++)
    g_string_append(name, "名");
  g_autofree char *name64 = g_base64_encode((const guchar *)name->str, name->len);
  g_autofree char *name_enc = g_strdup_printf("=?UTF-8?B?%s?=", name64);
  g_string_free(name, TRUE);
  append(name_enc, c->addr, subject, "evil-1@customer.example.com", NULL, BODY_NO_SN);
  poll_queue_send();
  g_autoptr(GPtrArray) mails = e2e_customer_mails(c, 1, 20);
  cr_assert_eq(mails->len, 1);
  GMimeMessage *m = harness_parse_mail(g_ptr_array_index(mails, 0));
  cr_expect_null(g_mime_object_get_header(GMIME_OBJECT(m), "Bcc"));
  const char *s = g_mime_message_get_subject(m);
  cr_expect(strstr(s, "help Bcc: ") && !strchr(s, '\n') && !strchr(s, '\r'), "subject: %s", s);
  InternetAddress *to = internet_address_list_get_address(g_mime_message_get_to(m), 0);
  cr_expect_str_eq(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(to)), c->addr);
  cr_expect(g_utf8_strlen(internet_address_get_name(to), -1) <= 65, "name not truncated");
  g_object_unref(m);
  g_autoptr(GPtrArray) stolen = e2e_customer_mails(victim, 0, 2);
  cr_expect_eq(stolen->len, 0, "the injected Bcc got a copy");
  e2e_customer_free(c);
  e2e_customer_free(victim);
}

Test(acks, two_senders_at_once_deliver_each_once)
{
  E2eCustomer *a = e2e_customer_new(e, "ca");
  E2eCustomer *b = e2e_customer_new(e, "cb");
  g_autofree char *url = smtp_url(FALSE);
  e2e_write_smtp_config(e, url, "batch = 2\nsend = false\n"); /* poll only queues */
  for (int i = 0; i < 4; i++) {
    g_autofree char *ma = g_strdup_printf("a-%d@customer.example.com", i);
    g_autofree char *mb = g_strdup_printf("b-%d@customer.example.com", i);
    append(NULL, a->addr, "Fault A", ma, NULL, BODY_NO_SN);
    append(NULL, b->addr, "Fault B", mb, NULL, BODY_NO_SN);
  }
  run_ok("poll");
  run_ok("queue");
  cr_assert_eq(e2e_scalar(e, "SELECT count(*) FROM intake.outbox WHERE status = 'pending'"), 8);
  GPid p1 = e2e_spawn(e, "acks", "send", NULL);
  GPid p2 = e2e_spawn(e, "acks", "send", NULL);
  cr_expect_eq(e2e_wait(p1), 0);
  cr_expect_eq(e2e_wait(p2), 0);
  g_autoptr(GPtrArray) ma = e2e_customer_mails(a, 4, 30);
  g_autoptr(GPtrArray) mb = e2e_customer_mails(b, 4, 30);
  cr_expect_eq(ma->len, 4, "customer a got %u", ma->len);
  cr_expect_eq(mb->len, 4, "customer b got %u", mb->len);
  cr_expect_eq(e2e_scalar(e, "SELECT count(*) FROM intake.outbox WHERE status = 'sent' AND attempts = 1"), 8);
  e2e_customer_free(a);
  e2e_customer_free(b);
}

/* ---- issue 11: transient failures, permanent refusals, in doubt; forged senders ---- */

static void
send_until_nothing_due(int rounds)
{
  for (int i = 0; i < rounds; i++) {
    PQclear(PQexec(e->pg, "UPDATE intake.outbox SET next_attempt_at = now() WHERE status = 'pending'"));
    g_autofree char *out = NULL, *err = NULL;
    e2e_run(e, &out, &err, "acks", "send", NULL);
  }
}

Test(acks, outage_longer_than_the_backoff_is_retried_until_ack_max_age)
{
  E2eCustomer *c = e2e_customer_new(e, "outage");
  e2e_write_smtp_config(e, "smtp://127.0.0.1:1", "send = false\n");
  append(NULL, c->addr, "RAID error", "outage-1@customer.example.com", NULL, BODY_NO_SN);
  run_ok("poll");
  /* more rounds than max_attempts (5) and than the backoff has steps (4) */
  send_until_nothing_due(7);
  cr_expect_eq(e2e_scalar(e, "SELECT count(*) FROM intake.outbox WHERE status = 'pending' AND attempts = 0"
                             " AND deferrals = 7"),
               1, "the outage used up the acknowledgement");
  /* the backoff's last step repeats */
  cr_expect_eq(
    e2e_scalar(e, "SELECT count(*) FROM intake.outbox WHERE next_attempt_at > now() + interval '55 minutes'"),
    1);
  /* the mail is now older than ack_max_age (48 h): the next transient failure gives up, clearly */
  PQclear(PQexec(e->pg, "UPDATE intake.orders SET received_at = now() - interval '49 hours'"));
  send_until_nothing_due(1);
  cr_expect_eq(e2e_scalar(e,
                          "SELECT count(*) FROM intake.outbox WHERE status = 'failed' AND last_error LIKE"
                          " 'gave up: still undeliverable 48 h ([smtp] ack_max_age) after the mail arrived, 8"
                          " transient failures; last: SMTP server unreachable%'"),
               1);
  /* ops send it again once the server is back */
  g_autofree char *url = smtp_url(FALSE);
  e2e_write_smtp_config(e, url, NULL);
  g_autofree char *order_no = harness_text(e, "SELECT order_no FROM intake.orders");
  g_autofree char *sql = g_strdup_printf("SELECT intake.resend_ack('%s')", order_no);
  g_autofree char *ret = harness_text(e, sql);
  cr_expect(ret && strstr(ret, "failed -> pending"), "%s", ret);
  run_ok("send");
  g_autoptr(GPtrArray) mails = e2e_customer_mails(c, 1, 20);
  cr_expect_eq(mails->len, 1);
  cr_expect_eq(e2e_scalar(e, "SELECT count(*) FROM intake.outbox WHERE status = 'sent'"), 1);
  e2e_customer_free(c);
}

/* The config with the [smtp] password file replaced by one holding a wrong password (gone: a path
 * where there is none). */
static void
smtp_password_file(gboolean gone)
{
  g_autofree char *text = NULL;
  cr_assert(g_file_get_contents(e->config_path, &text, NULL, NULL));
  g_autofree char *wrong = g_build_filename(e->dir, gone ? "gone.pass" : "wrong.pass", NULL);
  if (!gone)
    cr_assert(g_file_set_contents(wrong, "not-the-password", -1, NULL));
  char *smtp = strstr(text, "[smtp]");
  char *pw = smtp ? strstr(smtp, "password_file = ") : NULL;
  cr_assert(pw);
  char *eol = strchr(pw, '\n');
  g_autofree char *head = g_strndup(text, (gsize)(pw - text));
  g_autofree char *fixed = g_strdup_printf("%spassword_file = %s%s", head, wrong, eol);
  cr_assert(g_file_set_contents(e->config_path, fixed, -1, NULL));
}

static void
wrong_smtp_password(void)
{
  smtp_password_file(FALSE);
}

Test(acks, refused_login_uses_no_attempt)
{
  E2eCustomer *c = e2e_customer_new(e, "login");
  g_autofree char *url = smtp_url(FALSE);
  e2e_write_smtp_config(e, url, "send = false\n");
  wrong_smtp_password();
  append(NULL, c->addr, "RAID error", "login-1@customer.example.com", NULL, BODY_NO_SN);
  run_ok("poll");
  for (int i = 0; i < 6; i++) {
    PQclear(PQexec(e->pg, "UPDATE intake.outbox SET next_attempt_at = now() WHERE status = 'pending'"));
    g_autofree char *out = NULL, *err = NULL;
    int rc = e2e_run(e, &out, &err, "acks", "send", NULL);
    cr_expect_eq(rc, 1, "a refused login is for ops to see: %s%s", out, err);
    cr_expect(!strstr(err, "not-the-password"), "the password in a message: %s", err);
  }
  cr_expect_eq(e2e_scalar(e, "SELECT count(*) FROM intake.outbox WHERE status = 'pending' AND attempts = 0"
                             " AND deferrals = 6 AND last_error LIKE '%login refused%'"),
               1);
  /* the password is fixed: delivered */
  e2e_write_smtp_config(e, url, NULL);
  send_until_nothing_due(1);
  g_autoptr(GPtrArray) mails = e2e_customer_mails(c, 1, 20);
  cr_expect_eq(mails->len, 1);
  e2e_customer_free(c);
}

/* The [smtp] password file gone (moved, or unreadable by the poll's user): the mail is taken in, its
 * acknowledgement waits untried (nothing used up), each poll says why and status is unhealthy
 * (blind round 11c: every poll exited 2 before reaching the database, status refused to report). */
Test(acks, a_missing_smtp_password_file_keeps_the_outbox_and_says_so)
{
  E2eCustomer *c = e2e_customer_new(e, "nopass");
  g_autofree char *url = smtp_url(FALSE);
  e2e_write_smtp_config(e, url, NULL);
  smtp_password_file(TRUE);
  append(NULL, c->addr, "RAID error", "nopass-1@customer.example.com", NULL, BODY_NO_SN);
  g_autofree char *out = NULL, *err = NULL;
  cr_assert_eq(e2e_run(e, &out, &err, "poll", NULL), 1, "%s%s", out, err);
  cr_expect(strstr(err, "[smtp] password_file") && strstr(err, "acknowledgements stay in the outbox"), "%s",
            err);
  cr_assert_eq(e2e_scalar(e, "SELECT count(*) FROM intake.orders"), 1);
  cr_assert_eq(e2e_scalar(e, "SELECT count(*) FROM intake.outbox WHERE status = 'pending' AND attempts = 0"
                             " AND deferrals = 0"),
               1);
  g_free(out), g_free(err);
  cr_assert_eq(e2e_run(e, &out, &err, "status", NULL), 1, "%s%s", out, err);
  cr_expect(strstr(out, "UNHEALTHY smtp: ") && strstr(out, "password_file"), "%s", out);
  /* back: delivered once */
  e2e_write_smtp_config(e, url, NULL);
  run_ok("poll");
  g_autoptr(GPtrArray) mails = e2e_customer_mails(c, 1, 20);
  cr_expect_eq(mails->len, 1);
  e2e_customer_free(c);
}

/* A scriptable SMTP server for what OpenSMTPD will not do on demand: a 4xx to RCPT, or silence after
 * the message data. It serves connections until the test ends. */
typedef struct {
  GSocketListener *listener;
  guint16 port;
  const char *rcpt_reply;   /* the answer to RCPT, e.g. "451 4.3.0 try again later" */
  gboolean hang_after_data; /* no reply after the message data */
  gint datas;               /* messages whose data was received */
} FakeSmtp;

static gboolean
fake_line(GDataInputStream *in, char **line)
{
  gsize n = 0;
  *line = g_data_input_stream_read_line(in, &n, NULL, NULL);
  return *line != NULL;
}

static void
fake_reply(GOutputStream *out, const char *text)
{
  g_output_stream_write_all(out, text, strlen(text), NULL, NULL, NULL);
}

static gpointer
fake_serve(gpointer data)
{
  FakeSmtp *f = data;
  for (;;) {
    GSocketConnection *conn = g_socket_listener_accept(f->listener, NULL, NULL, NULL);
    if (!conn)
      return NULL;
    GOutputStream *out = g_io_stream_get_output_stream(G_IO_STREAM(conn));
    GDataInputStream *in = g_data_input_stream_new(g_io_stream_get_input_stream(G_IO_STREAM(conn)));
    fake_reply(out, "220 fake ESMTP\r\n");
    char *line = NULL;
    while (fake_line(in, &line)) {
      if (g_ascii_strncasecmp(line, "EHLO", 4) == 0)
        fake_reply(out, "250 fake\r\n");
      else if (g_ascii_strncasecmp(line, "MAIL", 4) == 0)
        fake_reply(out, "250 2.1.0 ok\r\n");
      else if (g_ascii_strncasecmp(line, "RCPT", 4) == 0)
        fake_reply(out, f->rcpt_reply);
      else if (g_ascii_strncasecmp(line, "DATA", 4) == 0) {
        fake_reply(out, "354 go ahead\r\n");
        char *body = NULL;
        while (fake_line(in, &body) && strcmp(body, ".\r") != 0 && strcmp(body, ".") != 0)
          g_free(body);
        g_free(body);
        g_atomic_int_inc(&f->datas);
        /* hang_after_data: silence, the client times out with the message sent and no reply */
        if (!f->hang_after_data)
          fake_reply(out, "250 2.0.0 accepted\r\n");
      } else if (g_ascii_strncasecmp(line, "RSET", 4) == 0 || g_ascii_strncasecmp(line, "NOOP", 4) == 0)
        fake_reply(out, "250 ok\r\n");
      else if (g_ascii_strncasecmp(line, "QUIT", 4) == 0) {
        fake_reply(out, "221 bye\r\n");
        g_free(line);
        break;
      } else
        fake_reply(out, "502 no\r\n");
      g_free(line);
    }
    g_object_unref(in);
    g_object_unref(conn);
  }
}

static FakeSmtp *
fake_start(const char *rcpt_reply, gboolean hang_after_data)
{
  FakeSmtp *f = g_new0(FakeSmtp, 1);
  f->rcpt_reply = rcpt_reply;
  f->hang_after_data = hang_after_data;
  f->listener = g_socket_listener_new();
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new(lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  cr_assert(g_socket_listener_add_address(f->listener, addr, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                          NULL, &bound, NULL));
  f->port = g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(bound));
  g_thread_unref(g_thread_new("fake-smtp", fake_serve, f));
  return f;
}

static void
fake_config(FakeSmtp *f)
{
  g_autofree char *url = g_strdup_printf("smtp://127.0.0.1:%u", f->port);
  e2e_write_smtp_config(e, url, "starttls = never\nsend = false\n");
}

Test(acks, a_4xx_to_rcpt_is_transient)
{
  FakeSmtp *f = fake_start("451 4.3.0 try again later\r\n", FALSE);
  fake_config(f);
  append(NULL, "zs@customer.example.com", "RAID error", "tmp-1@customer.example.com", NULL, BODY_NO_SN);
  run_ok("poll");
  send_until_nothing_due(6);
  g_autofree char *row =
    harness_text(e, "SELECT status || ' ' || attempts || ' ' || deferrals || ' ' || smtp_reply"
                    " FROM intake.outbox");
  cr_expect_str_eq(row, "pending 0 6 451 4.3.0 try again later");
  cr_expect_eq(g_atomic_int_get(&f->datas), 0);
}

/* OpenSMTPD accepts any recipient (and bounces later): the scripted server refuses it. */
Test(acks, a_5xx_to_rcpt_is_failed_at_once)
{
  FakeSmtp *f = fake_start("550 5.1.1 no such user\r\n", FALSE);
  fake_config(f);
  append(NULL, "zs@customer.example.com", "RAID error", "perm-1@customer.example.com", NULL, BODY_NO_SN);
  run_ok("poll");
  send_until_nothing_due(3);
  g_autofree char *row =
    harness_text(e, "SELECT status || ' ' || attempts || ' ' || deferrals || ' ' || smtp_reply"
                    " FROM intake.outbox");
  cr_expect_str_eq(row, "failed 1 0 550 5.1.1 no such user");
}

Test(acks, timeout_after_data_is_in_doubt_and_never_resent, .timeout = 300)
{
  FakeSmtp *f = fake_start("250 2.1.5 ok\r\n", TRUE);
  fake_config(f);
  append(NULL, "zs@customer.example.com", "RAID error", "doubt-1@customer.example.com", NULL, BODY_NO_SN);
  run_ok("poll");
  g_autofree char *out = NULL, *err = NULL;
  e2e_run(e, &out, &err, "acks", "send", NULL); /* waits for [smtp] timeout */
  /* the log says it as the row does (blind round 20: "failed for good") */
  cr_expect(strstr(err, "in doubt: sent, but the server's reply never came") &&
              !strstr(err, "failed for good"),
            "%s", err);
  g_autofree char *row =
    harness_text(e, "SELECT status || ' ' || attempts || ' ' || deferrals FROM intake.outbox");
  cr_expect_str_eq(row, "failed 1 0");
  cr_expect_eq(
    e2e_scalar(e, "SELECT count(*) FROM intake.outbox WHERE last_error LIKE 'in doubt: %resend_ack%'"), 1);
  send_until_nothing_due(2);
  cr_expect_eq(g_atomic_int_get(&f->datas), 1, "resent blindly");
}

Test(acks, forged_sender_gets_no_ack_but_an_order)
{
  E2eCustomer *c = e2e_customer_new(e, "forged");
  g_autofree char *url = smtp_url(FALSE);
  e2e_write_smtp_config(e, url, "trusted_authserv_id = mx.roycom.com.cn\n");
  append(NULL, c->addr, "RAID error", "forged-1@customer.example.com",
         "Authentication-Results: mx.roycom.com.cn;\r\n\tdmarc=fail (p=reject) "
         "header.from=customer.example.com\r\n",
         BODY_NO_SN);
  append(NULL, c->addr, "RAID error again", "forged-2@customer.example.com",
         "Authentication-Results: mx.roycom.com.cn; spf=pass smtp.mailfrom=customer.example.com;\r\n"
         " dkim=pass header.d=customer.example.com; dmarc=pass\r\n",
         BODY_NO_SN);
  poll_queue_send();
  g_autoptr(GPtrArray) mails = e2e_customer_mails(c, 1, 20);
  cr_expect_eq(mails->len, 1, "only the authenticated mail is acknowledged");
  cr_expect_eq(e2e_scalar(e, "SELECT count(*) FROM intake.orders"), 2, "both mails are orders");
  cr_expect_eq(e2e_scalar(e, "SELECT count(*) FROM intake.outbox WHERE suppressed_reason = 'auth_fail'"
                             " AND message IS NOT NULL"),
               1);
  cr_expect_eq(e2e_scalar(e, "SELECT count(*) FROM intake.audit WHERE action = 'auth_fail'"
                             " AND note LIKE '%by mx.roycom.com.cn: dmarc=fail%'"),
               1, "the order is not flagged for ops");
  e2e_customer_free(c);
}

/* Blind round 17: a stranger names a registered SN. The acknowledgement says back only what the mail said
 * (not the registry's model and city); and a sender whose display name is an address of ours, on a
 * look-alike domain, gets none: its order waits with a note for ops. */
Test(acks, what_the_registry_knows_is_not_told_and_our_name_is_not_borrowed)
{
  PQclear(PQexec(e->pg,
                 "INSERT INTO intake.assets (sn, kind, model, customer, tier, ship_date, city, district)"
                 " VALUES ('RCS26R0570001', 'server', 'RC-R4290G G5', '合肥科学岛计算中心', 'gold',"
                 " '2026-07-06', '合肥市', '蜀山区')"));
  E2eCustomer *c = e2e_customer_new(e, "stranger");
  g_autofree char *url = smtp_url(FALSE);
  e2e_write_smtp_config(e, url, NULL);
  append(NULL, c->addr, "RCS26R0570001", "stranger-1@customer.example.com", NULL,
         "RCS26R0570001 硬盘告警，麻烦安排。\r\n联系人：张工 13700000002\r\n");
  append("service@roycom.com.cn", c->addr, "地址变更", "stranger-2@customer.example.com",
         "Reply-To: service@roycom.com.cn\r\n",
         "RCS26R0570001 客户机房地址已变更，请将工程师派往上海市浦东新区张江路 100 号，联系人 陈先生 "
         "13700000001\r\n");
  poll_queue_send();
  g_autoptr(GPtrArray) mails = e2e_customer_mails(c, 1, 20);
  cr_assert_eq(mails->len, 1, "only the first mail is acknowledged");
  GMimeMessage *m = harness_parse_mail(g_ptr_array_index(mails, 0));
  g_autofree char *text = harness_mail_text(m);
  cr_expect(strstr(text, "RCS26R0570001"), "%s", text);
  cr_expect_null(strstr(text, "合肥"), "the registry's city: %s", text);
  cr_expect_null(strstr(text, "RC-R4290G"), "the registry's model: %s", text);
  cr_expect_eq(
    e2e_scalar(e, "SELECT count(*) FROM intake.orders WHERE city = '合肥市' AND model = 'RC-R4290G G5'"), 1,
    "the order still has them");
  cr_expect_eq(e2e_scalar(e, "SELECT count(*) FROM intake.outbox WHERE suppressed_reason = 'auth_fail'"), 1);
  cr_expect_eq(e2e_scalar(e, "SELECT count(*) FROM intake.audit WHERE action = 'auth_fail'"
                             " AND note LIKE '%name \"service@roycom.com.cn\" is an address of ours%'"),
               1, "ops are told why");
  g_object_unref(m);
  e2e_customer_free(c);
}

Test(acks, global_cap_per_hour)
{
  g_autofree char *url = smtp_url(FALSE);
  e2e_write_smtp_config(e, url, "max_acks_per_hour = 2\nsend = false\n");
  for (int i = 0; i < 4; i++) {
    g_autofree char *from = g_strdup_printf("s%d_%s@customer.example.com", i, e->name);
    g_autofree char *mid = g_strdup_printf("gc-%d@customer.example.com", i);
    append(NULL, from, "RAID error", mid, NULL, BODY_NO_SN);
  }
  g_autofree char *out = NULL, *err = NULL;
  cr_assert_eq(e2e_run(e, &out, &err, "poll", NULL), 0, "%s%s", out, err);
  cr_expect_eq(e2e_scalar(e, "SELECT count(*) FROM intake.outbox WHERE status = 'pending'"), 2);
  cr_expect_eq(e2e_scalar(e, "SELECT count(*) FROM intake.outbox WHERE suppressed_reason = 'global_cap'"), 2);
  const char *first = strstr(err, "max_acks_per_hour");
  cr_expect(first && !strstr(first + 1, "max_acks_per_hour"), "said not exactly once: %s", err);
}

/* A sales rep forwards the customer's mail (issue 15): the acknowledgement goes To the end customer
 * with the rep in Cc, one message delivered to both mailboxes through the real OpenSMTPD, one outbox row. */
Test(acks, forward_to_customer_cc_forwarder)
{
  E2eCustomer *rep = e2e_customer_new(e, "rep");
  E2eCustomer *end = e2e_customer_new(e, "end");
  g_autofree char *url = smtp_url(FALSE);
  e2e_write_smtp_config(e, url, "starttls = required\n");
  g_autofree char *body = g_strdup_printf(
    "转给你们处理一下，谢谢。\r\n\r\n周敏\r\n华信科技 销售部\r\n手机：13911112222\r\n\r\n"
    "-----原始邮件-----\r\n发件人: 刘洋 <%s>\r\n发送时间: 2026年11月20日 9:30\r\n收件人: 周敏 <%s>\r\n"
    "主题: 服务器报修\r\n\r\n周经理好，\r\n我们机房一台服务器今天宕机了，SN：RCS25A0070001。\r\n"
    "地址：杭州市西湖区文三路90号东部软件园2号楼\r\n\r\n刘洋\r\n15822223333\r\n",
    end->addr, rep->addr);
  append("=?UTF-8?B?5ZGo5pWP?=", rep->addr,
         "=?UTF-8?B?6L2s5Y+ROiDmnI3liqHlmajmiqXkv64=?=", "fwd-1@huaxin.example.com", NULL, body);
  poll_queue_send();

  g_autoptr(GPtrArray) to_end = e2e_customer_mails(end, 1, 20);
  g_autoptr(GPtrArray) to_rep = e2e_customer_mails(rep, 1, 20);
  cr_assert_eq(to_end->len, 1, "%u acknowledgements to the end customer", to_end->len);
  cr_assert_eq(to_rep->len, 1, "%u acknowledgements to the forwarder", to_rep->len);
  cr_expect_eq(e2e_scalar(e, "SELECT count(*) FROM intake.outbox"), 1);
  g_autofree char *rcpt = harness_text(e, "SELECT recipient FROM intake.outbox WHERE status = 'sent'");
  g_autofree char *cc = harness_text(e, "SELECT array_to_string(cc, ',') FROM intake.outbox");
  cr_expect_str_eq(rcpt, end->addr);
  cr_expect_str_eq(cc, rep->addr);
  GMimeMessage *m = harness_parse_mail(g_ptr_array_index(to_end, 0));
  g_autofree char *to = internet_address_list_to_string(g_mime_message_get_to(m), NULL, FALSE);
  g_autofree char *cch = internet_address_list_to_string(g_mime_message_get_cc(m), NULL, FALSE);
  cr_expect(to && strstr(to, end->addr), "To: %s", to);
  cr_expect(cch && strstr(cch, rep->addr), "Cc: %s", cch);
  cr_expect_null(strstr(to, "周敏"), "the forwarder's name is not the customer's: %s", to);
  g_autofree char *text = harness_mail_text(m);
  g_autofree char *order_no = harness_text(e, "SELECT order_no FROM intake.orders");
  cr_expect(strstr(text, order_no), "%s", text);
  g_object_unref(m);
  GMimeMessage *m2 = harness_parse_mail(g_ptr_array_index(to_rep, 0));
  g_autofree char *mid = harness_text(e, "SELECT message_id FROM intake.outbox");
  cr_expect_str_eq(g_mime_message_get_message_id(m2), mid, "the same message, not a second acknowledgement");
  g_object_unref(m2);

  run_ok("send");
  g_autoptr(GPtrArray) again = e2e_customer_mails(end, 1, 5);
  cr_expect_eq(again->len, 1);
  e2e_customer_free(rep);
  e2e_customer_free(end);
}
