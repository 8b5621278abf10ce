/* tests/e2e/test_golive.c: going live on a mailbox with history — [imap] first_poll and
 * [smtp] ack_max_age (contract.md), against the real servers. */
#include "harness_mail.h"

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

TestSuite(golive, .init = setup, .fini = teardown, .timeout = 300);

/* A config with the given extra [imap] and [smtp] lines (acknowledgements queued, not sent). */
static void
config(const char *imap_extra, const char *smtp_extra)
{
  g_autofree char *url = g_strdup_printf("smtp://localhost:%s", e2e_server_env("INTAKE_SMTP_PORT"));
  g_autofree char *smtp = g_strconcat("send = false\n", smtp_extra ? smtp_extra : "", NULL);
  e2e_write_smtp_config(e, url, smtp);
  g_autofree char *text = NULL;
  cr_assert(g_file_get_contents(e->config_path, &text, NULL, NULL));
  g_autofree char *imap = g_strconcat("processed_folder =\n", imap_extra ? imap_extra : "", NULL);
  g_auto(GStrv) parts = g_strsplit(text, "processed_folder =\n", 2);
  g_autofree char *joined = g_strjoin(imap, parts[0], parts[1], NULL);
  cr_assert(g_file_set_contents(e->config_path, joined, -1, NULL));
}

static void
append(guint first, guint n)
{
  for (guint i = first; i < first + n; i++) {
    g_autofree char *mid = g_strdup_printf("golive-%u@customer.example.com", i);
    gsize len;
    g_autofree char *mail = e2e_make_mail(mid, i, 1000, &len);
    e2e_append(e, "INBOX", mail, len);
  }
}

static void
poll_ok(void)
{
  g_autofree char *out = NULL, *err = NULL;
  cr_assert_eq(e2e_run(e, &out, &err, "poll", NULL), 0, "%s%s", out, err);
}

static char *
date_plus(int days)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc(); /* the test Dovecot's zone */
  g_autoptr(GDateTime) d = g_date_time_add_days(now, days);
  return g_date_time_format(d, "%Y-%m-%d");
}

Test(golive, first_poll_new_takes_only_mail_that_arrives_later)
{
  append(0, 3);
  config("first_poll = new\n", NULL);
  poll_ok();
  cr_assert_eq(e2e_scalar(e, "SELECT count(*) FROM intake.orders"), 0, "history was taken");
  cr_assert_eq(e2e_scalar(e, "SELECT count(*) FROM intake.outbox"), 0);
  append(3, 1);
  poll_ok();
  cr_assert_eq(e2e_scalar(e, "SELECT count(*) FROM intake.orders"), 1);
  /* first_poll concerns the first contact only: the next polls take everything new */
  append(4, 2);
  poll_ok();
  cr_assert_eq(e2e_scalar(e, "SELECT count(*) FROM intake.orders"), 3);
}

Test(golive, first_poll_date_skips_mail_received_before_it)
{
  append(0, 2);
  g_autofree char *tomorrow = date_plus(1);
  g_autofree char *line = g_strdup_printf("first_poll = %s\n", tomorrow);
  config(line, NULL);
  poll_ok();
  cr_assert_eq(e2e_scalar(e, "SELECT count(*) FROM intake.orders"), 0, "mail before %s was taken", tomorrow);
  cr_assert_eq(e2e_scalar(e, "SELECT count(*) FROM intake.messages"), 0, "skipped mail is not stored");
  append(2, 1);
  poll_ok();
  cr_assert_eq(e2e_scalar(e, "SELECT count(*) FROM intake.orders"), 1);
}

Test(golive, first_poll_date_takes_mail_received_since_it)
{
  append(0, 2);
  g_autofree char *yesterday = date_plus(-1);
  g_autofree char *line = g_strdup_printf("first_poll = %s\n", yesterday);
  config(line, NULL);
  poll_ok();
  cr_assert_eq(e2e_scalar(e, "SELECT count(*) FROM intake.orders"), 2);
}

Test(golive, ack_max_age_suppresses_acknowledgements_for_old_mail)
{
  append(0, 2);
  config(NULL, "ack_max_age = 1s\n");
  g_usleep(2500 * 1000); /* INTERNALDATE has whole seconds: the mail is now over 1 s old */
  poll_ok();
  cr_assert_eq(e2e_scalar(e, "SELECT count(*) FROM intake.orders"), 2);
  cr_assert_eq(e2e_scalar(e, "SELECT count(*) FROM intake.outbox WHERE suppressed_reason = 'too_old'"), 2);
  cr_assert_eq(e2e_scalar(e, "SELECT count(*) FROM intake.outbox WHERE status = 'pending'"), 0);
}

Test(golive, ack_max_age_default_acknowledges_recent_mail)
{
  append(0, 2);
  config(NULL, NULL);
  poll_ok();
  cr_assert_eq(e2e_scalar(e, "SELECT count(*) FROM intake.outbox WHERE status = 'pending'"), 2);
  cr_assert_eq(e2e_scalar(e, "SELECT count(*) FROM intake.outbox WHERE suppressed_reason = 'too_old'"), 0);
}

Test(golive, bad_first_poll_is_refused_with_its_name)
{
  config("first_poll = yesterday\n", NULL);
  g_autofree char *out = NULL, *err = NULL;
  cr_assert_eq(e2e_run(e, &out, &err, "poll", NULL), 2);
  cr_assert(strstr(err, "first_poll") && strstr(err, "yesterday"), "%s", err);
}
