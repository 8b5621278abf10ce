/* tests/store/test_app_role.c: the pipeline needs nothing more than intake_app: `intake poll` and
 * `intake assets import` run with role intake_app (options -c role=...) against real servers, via
 * the end-to-end harness (tests/e2e/harness.c). */
#include "../e2e/harness.h"

#include <criterion/criterion.h>
#include <string.h>

static E2e *E;

static void
as_intake_app(void)
{
  char *ci = g_strdup_printf("%s options='-c role=intake_app'", E->conninfo);
  g_free(E->conninfo);
  E->conninfo = ci;
  g_autofree char *url = e2e_url(E, FALSE, "INBOX");
  e2e_write_config(E, url, "");
}

static void
setup(void)
{
  E = e2e_setup("store_app");
}

static void
teardown(void)
{
  e2e_teardown(E);
  E = NULL;
}

TestSuite(app_role, .init = setup, .fini = teardown, .timeout = 300);

Test(app_role, poll_and_assets_import_run_as_intake_app)
{
  as_intake_app();
  g_autofree char *out = NULL, *err = NULL;
  int rc = e2e_run(E, &out, &err, "assets", "import", INTAKE_SOURCE "/samples/assets.csv", NULL);
  cr_assert_eq(rc, 0, "assets import as intake_app: %s%s", out, err);
  for (guint i = 0; i < 3; i++) {
    g_autofree char *mid = g_strdup_printf("app-role-%u@example.com", i);
    gsize len = 0;
    g_autofree char *mail = e2e_make_mail(mid, i, 200, &len);
    e2e_append(E, "INBOX", mail, len);
  }
  g_autofree char *out2 = NULL, *err2 = NULL;
  rc = e2e_run(E, &out2, &err2, "poll", NULL);
  cr_assert_eq(rc, 0, "poll as intake_app: %s%s", out2, err2);
  cr_expect_eq(e2e_scalar(E, "SELECT count(*) FROM intake.orders"), 3);
  cr_expect_eq(e2e_scalar(E, "SELECT count(*) FROM intake.mailbox_uids WHERE marked_at IS NULL"), 0);
  /* a second poll finds nothing new and still needs no more rights */
  g_autofree char *out3 = NULL, *err3 = NULL;
  rc = e2e_run(E, &out3, &err3, "poll", NULL);
  cr_assert_eq(rc, 0, "second poll as intake_app: %s%s", out3, err3);
  cr_expect_eq(e2e_scalar(E, "SELECT count(*) FROM intake.messages"), 3);
}
