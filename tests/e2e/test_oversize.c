/* tests/e2e/test_oversize.c: a mail far over max_bytes is never downloaded whole — an order for review from
 * its header and first bytes, with its real size — and the poll's peak memory stays bounded. */
#include "harness.h"

#include <criterion/criterion.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>

/* A poll's peak memory whatever arrives; a sanitizer's shadow memory and quarantine add their own. */
#if defined(__SANITIZE_ADDRESS__)
#define RSS_BOUND_KIB (192 * 1024)
#else
#define RSS_BOUND_KIB (64 * 1024)
#endif

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

TestSuite(oversize, .init = setup, .fini = teardown, .timeout = 900);

/* Waits (bounded) for a spawned intake and returns its exit status and peak RSS in KiB: wait4 gives
 * this child's own rusage, not that of every child the test ever had. */
static int
wait_rusage(GPid pid, long *maxrss_kib)
{
  int status = 0;
  struct rusage ru = { 0 };
  gint64 deadline = g_get_monotonic_time() + 600 * G_USEC_PER_SEC;
  pid_t r;
  while ((r = wait4(pid, &status, WNOHANG, &ru)) == 0) {
    if (g_get_monotonic_time() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      cr_assert_fail("intake poll still running after 600 s: killed");
    }
    g_usleep(10000);
  }
  cr_assert_eq(r, pid);
  *maxrss_kib = ru.ru_maxrss;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* A customer mail with a 200 MB attachment-like body (base64 lines). */
static char *
huge_mail(gsize body_bytes, gsize *len)
{
  GString *m = g_string_sized_new(body_bytes + 1024);
  g_string_append(m, "From: Big Sender <big@customer.example.com>\r\n"
                     "To: service@roycom.com.cn\r\n"
                     "Subject: logs of the failed server\r\n"
                     "Date: Wed, 25 Nov 2026 10:15:00 +0800\r\n"
                     "Message-ID: <huge-1@customer.example.com>\r\n"
                     "MIME-Version: 1.0\r\n"
                     "Content-Type: application/octet-stream; name=\"dump.bin\"\r\n"
                     "Content-Transfer-Encoding: base64\r\n\r\n");
  static const char line[] = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAx\r\n";
  while (m->len < body_bytes)
    g_string_append_len(m, line, sizeof line - 1);
  *len = m->len;
  return g_string_free(m, FALSE);
}

Test(oversize, a_200_mb_mail_is_quarantined_and_the_next_one_becomes_an_order)
{
  gsize huge_len;
  char *huge = huge_mail(200u * 1024u * 1024u, &huge_len);
  e2e_append(e, "INBOX", huge, huge_len);
  g_free(huge);
  gsize len;
  g_autofree char *normal = e2e_make_mail("after-huge@customer.example.com", 1, 2048, &len);
  e2e_append(e, "INBOX", normal, len);
  /* under max_bytes but without a blank line: its stored header block is bounded */
  GString *headless = g_string_new("Subject: no blank line\r\n");
  while (headless->len < 1024 * 1024)
    g_string_append(headless, "no colon on this line, so not a header, and never a blank line\r\n");
  e2e_append(e, "INBOX", headless->str, headless->len);
  g_string_free(headless, TRUE);

  GPid pid = e2e_spawn(e, "poll", NULL);
  long maxrss = 0;
  cr_assert_eq(wait_rusage(pid, &maxrss), 0, "intake poll failed");
  cr_assert_lt(maxrss, RSS_BOUND_KIB, "peak RSS of the poll: %ld KiB", maxrss);

  g_autofree char *q = g_strdup_printf(
    "SELECT count(*) FROM intake.orders o JOIN intake.messages m ON m.id = o.message_id"
    " WHERE o.status = 'queued' AND o.review_reason = 'oversize'"
    " AND o.from_addr = 'big@customer.example.com' AND m.message_id = 'huge-1@customer.example.com'"
    " AND m.parse_error LIKE '%%%zu bytes on the server%%' AND m.size <= %u AND m.size > 1024",
    huge_len, 160u * 1024u);
  cr_assert_eq(e2e_scalar(e, q), 1, "the 200 MB mail is not an order for review with its size");
  cr_assert_eq(e2e_scalar(e,
                          "SELECT count(*) FROM intake.orders o JOIN intake.messages m ON m.id = o.message_id"
                          " WHERE o.status = 'queued' AND m.message_id = 'after-huge@customer.example.com'"),
               1, "the mail after it is not an order");
  cr_assert_eq(e2e_scalar(e, "SELECT count(*) FROM intake.messages"), 3);
  cr_assert_eq(e2e_scalar(e, "SELECT max(octet_length(headers)) FROM intake.messages"), 256 * 1024,
               "the header block of a mail without a blank line is bounded");
  g_autoptr(GArray) unseen = e2e_search(e, "INBOX", "UNSEEN");
  cr_assert_eq(unseen->len, 0, "every mail is flagged after its commit");
}
