/* tests/cli/test_secrets.c: "passwords never reach a log or an error message" (contract.md), black
 * box: `intake poll --verbose` fails in every way a password is at hand — unreachable server, wrong
 * password, a malformed URL holding it — and the password must appear nowhere in stdout or stderr.
 * Needs the local servers (a database to get as far as IMAP): tests/e2e/harness.c. */
#include "harness.h"

#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <string.h>

#define CANARY "Canary-Pw-7f3e9a"

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

TestSuite(secrets, .init = setup, .fini = teardown, .timeout = 120);

/* Writes the test's config with imap_url and the canary as both passwords, in files or (env)
 * $INTAKE_IMAP_PASSWORD / $INTAKE_SMTP_PASSWORD. */
static void
write_config(const char *imap_url, gboolean env)
{
  g_autofree char *pw = g_build_filename(e->dir, "canary.pass", NULL);
  cr_assert(g_file_set_contents_full(pw, CANARY "\n", -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, NULL));
  g_autofree char *imap_pw = env ? g_strdup("") : g_strdup_printf("password_file = %s\n", pw);
  g_autofree char *smtp_pw = env ? g_strdup("") : g_strdup_printf("password_file = %s\n", pw);
  if (env) {
    g_setenv("INTAKE_IMAP_PASSWORD", CANARY, TRUE);
    g_setenv("INTAKE_SMTP_PASSWORD", CANARY, TRUE);
  }
  g_autofree char *text =
    g_strdup_printf("[imap]\nurl = %s\nuser = %s\n%stls_verify = true\nca_file = %s\nprocessed_folder =\n"
                    "[smtp]\nurl = smtps://127.0.0.1:1\nuser = %s\n%ssend = true\n"
                    "[db]\nconninfo = %s\n",
                    imap_url, e->user, imap_pw, e->ca_file, e->user, smtp_pw, e->conninfo);
  cr_assert(g_file_set_contents(e->config_path, text, -1, NULL));
}

/* Runs poll --verbose; returns its exit status after checking the canary is in neither output. */
static int
poll_without_leak(char **err_out)
{
  g_autofree char *out = NULL, *err = NULL;
  int rc = e2e_run(e, &out, &err, "poll", "--verbose", NULL);
  cr_assert_lt(rc, 128, "poll crashed: %s", err);
  cr_assert_null(strstr(out, CANARY), "the password is on stdout:\n%s", out);
  cr_assert_null(strstr(err, CANARY), "the password is on stderr:\n%s", err);
  if (err_out)
    *err_out = g_steal_pointer(&err);
  return rc;
}

/* imaps:// to the plain-text port: the message says what to fix, not only OpenSSL's words (blind round
 * 18: "wrong version number"). */
Test(secrets, tls_to_a_plain_port_is_named)
{
  cr_assert(g_str_has_prefix(e->imap_base, "imap://"), "%s", e->imap_base);
  g_autofree char *url = g_strdup_printf("imaps://%sINBOX", e->imap_base + strlen("imap://"));
  write_config(url, FALSE);
  g_autofree char *err = NULL;
  cr_assert_eq(poll_without_leak(&err), 1, "%s", err);
  cr_expect(strstr(err, "TLS failure") && strstr(err, "is this port plain text?"), "%s", err);
}

/* An empty password file is named as such, not left to the server's "login refused" (blind round 18). */
Test(secrets, an_empty_password_file_is_named)
{
  g_autofree char *url = e2e_url(e, FALSE, "INBOX");
  write_config(url, FALSE);
  g_autofree char *pw = g_build_filename(e->dir, "canary.pass", NULL);
  cr_assert(g_file_set_contents(pw, "\n", -1, NULL));
  g_autofree char *err = NULL;
  cr_assert_eq(poll_without_leak(&err), 1, "%s", err);
  cr_expect(strstr(err, "its first line is empty") && !strstr(err, "login refused"), "%s", err);
}

Test(secrets, unreachable_imap_server)
{
  write_config("imaps://127.0.0.1:1/INBOX", FALSE);
  g_autofree char *err = NULL;
  cr_assert_eq(poll_without_leak(&err), 1, "%s", err);
  cr_assert(strstr(err, "unreachable"), "%s", err);
  /* the line names its mailbox as a field a log tool can split on (issue 13: key=value fields) */
  g_auto(GStrv) lines = g_strsplit(err, "\n", -1);
  gboolean found = FALSE;
  for (guint i = 0; lines[i]; i++)
    found |= strstr(lines[i], "unreachable") && g_str_has_suffix(lines[i], " mailbox=imap");
  cr_assert(found, "no line ends in mailbox=imap: %s", err);
}

Test(secrets, wrong_password)
{
  g_autofree char *url = e2e_url(e, TRUE, "INBOX");
  write_config(url, FALSE);
  g_autofree char *err = NULL;
  cr_assert_eq(poll_without_leak(&err), 1, "%s", err);
  cr_assert(strstr(err, "login refused"), "%s", err);
}

Test(secrets, wrong_password_from_the_environment)
{
  g_autofree char *url = e2e_url(e, FALSE, "INBOX");
  write_config(url, TRUE);
  g_autofree char *err = NULL;
  cr_assert_eq(poll_without_leak(&err), 1, "%s", err);
  cr_assert(strstr(err, "login refused"), "%s", err);
}

Test(secrets, malformed_url_holding_the_password)
{
  write_config("imaps://svc:" CANARY "@[::1/INBOX", FALSE);
  g_autofree char *err = NULL;
  int rc = poll_without_leak(&err);
  cr_assert(rc == 1 || rc == 2, "exit %d: %s", rc, err);
}

Test(secrets, url_holding_the_password)
{
  g_autofree char *url = g_strdup_printf("imaps://svc:%s@127.0.0.1:1/INBOX", CANARY);
  write_config(url, FALSE);
  g_autofree char *err = NULL;
  /* refused as configured: the url names the mailbox in status, logs and alerts (blind round 18) */
  cr_assert_eq(poll_without_leak(&err), 2, "%s", err);
  cr_expect(strstr(err, "url holds a password"), "%s", err);
}
