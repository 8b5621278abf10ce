/* tests/e2e/test_golive.c: going live on a mailbox with history — [imap] first_poll and [smtp]
 * ack_max_age counted in orders and acknowledgements; `intake status --json` with a server down and
 * a full outbox; [alerts] reaching a local webhook exactly once per event; the metrics textfile. */
#include "harness.h"

#include <criterion/criterion.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <stdlib.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

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

TestSuite(golive, .init = setup, .fini = teardown, .timeout = 180);

/* The config of the harness (send = false: acknowledgements stay in the outbox, countable) with
 * extra lines for [imap] and [smtp], and extra sections. */
static void
write_config(const char *imap_url, const char *imap_extra, const char *smtp_extra, const char *sections)
{
  g_autofree char *pw = g_build_filename(e->dir, "imap.pass", NULL);
  g_autofree char *url = imap_url ? g_strdup(imap_url) : e2e_url(e, TRUE, "INBOX");
  g_autofree char *text =
    g_strdup_printf("[imap]\nurl = %s\nuser = %s\npassword_file = %s\nca_file = %s\n%s"
                    "[smtp]\nsend = false\n%s[db]\nconninfo = %s\n%s",
                    url, e->user, pw, e->ca_file, imap_extra ? imap_extra : "", smtp_extra ? smtp_extra : "",
                    e->conninfo, sections ? sections : "");
  cr_assert(g_file_set_contents(e->config_path, text, -1, NULL));
}

static GDataInputStream *
imap_expect(GDataInputStream *in, const char *tag, const char *want)
{
  for (;;) {
    g_autofree char *line = g_data_input_stream_read_line(in, NULL, NULL, NULL);
    cr_assert(line, "IMAP connection closed waiting for %s", tag);
    if (g_str_has_prefix(line, tag)) {
      cr_assert(strstr(line, want), "IMAP: %s", line);
      return in;
    }
  }
}

/* APPENDs a mail with the given INTERNALDATE, without flags, over plain IMAP on loopback
 * (libcurl's APPEND cannot set the date). */
static void
append_dated(const char *data, gsize len, GDateTime *when)
{
  static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
  guint port = 0;
  cr_assert_eq(sscanf(e->imap_base, "imap://127.0.0.1:%u/", &port), 1);
  g_autoptr(GSocketClient) client = g_socket_client_new();
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketConnection) conn =
    g_socket_client_connect_to_host(client, "127.0.0.1", (guint16)port, NULL, &error);
  cr_assert(conn, "connect: %s", error ? error->message : "");
  GOutputStream *out = g_io_stream_get_output_stream(G_IO_STREAM(conn));
  g_autoptr(GDataInputStream) in = g_data_input_stream_new(g_io_stream_get_input_stream(G_IO_STREAM(conn)));
  g_data_input_stream_set_newline_type(in, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);
  imap_expect(in, "* OK", "");
  g_autofree char *login = g_strdup_printf("a LOGIN \"%s\" \"%s\"\r\n", e->user, e->password);
  cr_assert(g_output_stream_write_all(out, login, strlen(login), NULL, NULL, NULL));
  imap_expect(in, "a ", "a OK");
  g_autoptr(GDateTime) utc = g_date_time_to_utc(when);
  g_autofree char *cmd = g_strdup_printf(
    "b APPEND INBOX \"%02d-%s-%04d %02d:%02d:%02d +0000\" {%" G_GSIZE_FORMAT "}\r\n",
    g_date_time_get_day_of_month(utc), months[g_date_time_get_month(utc) - 1], g_date_time_get_year(utc),
    g_date_time_get_hour(utc), g_date_time_get_minute(utc), g_date_time_get_second(utc), len);
  cr_assert(g_output_stream_write_all(out, cmd, strlen(cmd), NULL, NULL, NULL));
  imap_expect(in, "+", "");
  cr_assert(g_output_stream_write_all(out, data, len, NULL, NULL, NULL));
  cr_assert(g_output_stream_write_all(out, "\r\n", 2, NULL, NULL, NULL));
  imap_expect(in, "b ", "b OK");
  g_output_stream_write_all(out, "c LOGOUT\r\n", 10, NULL, NULL, NULL);
}

static guint next_index = 100;

/* n mails received days_ago days ago (0: now) */
static void
append_history(guint n, gint days_ago)
{
  for (guint i = 0; i < n; i++) {
    guint index = next_index++;
    g_autofree char *mid = g_strdup_printf("golive-%u-%u@customer.example.com", index, g_random_int());
    gsize len = 0;
    g_autofree char *mail = e2e_make_mail(mid, index, 1024, &len);
    g_autoptr(GDateTime) now = g_date_time_new_now_utc();
    g_autoptr(GDateTime) when = g_date_time_add_seconds(now, -(gdouble)days_ago * 86400 - 60);
    append_dated(mail, len, when);
  }
}

/* The mailbox's history: 3 mails from years ago, 2 from three days ago, 2 from now. */
static void
history(void)
{
  append_history(3, 2000);
  append_history(2, 3);
  append_history(2, 0);
}

static void
poll_ok(void)
{
  g_autofree char *out = NULL, *err = NULL;
  int rc = e2e_run(e, &out, &err, "poll", NULL);
  cr_assert_eq(rc, 0, "poll: %s%s", out, err);
}

static gint64
orders(void)
{
  return e2e_scalar(e, "SELECT count(*) FROM intake.orders");
}

static gint64
acks(void)
{
  return e2e_scalar(e, "SELECT count(*) FROM intake.outbox WHERE status = 'pending'");
}

static gint64
too_old(void)
{
  return e2e_scalar(e, "SELECT count(*) FROM intake.outbox WHERE suppressed_reason = 'too_old'");
}

Test(golive, first_poll_all_takes_history_and_acknowledges_only_recent_mail)
{
  history();
  write_config(NULL, "first_poll = all\n", NULL, NULL); /* ack_max_age: the default 48h */
  poll_ok();
  cr_expect_eq(orders(), 7);
  cr_expect_eq(acks(), 2, "the two mails of today");
  cr_expect_eq(too_old(), 5);

  /* the desk closes what was handled before go-live as history: it leaves the SLA views (their
   * deadlines were missed before intake existed), stays in the volume report (blind round 18) */
  const char *old_in_sla = "SELECT count(DISTINCT s.order_id) FROM intake.order_sla s JOIN intake.orders o"
                           " ON o.id = s.order_id WHERE o.received_at < now() - interval '1 day'";
  cr_assert_gt(e2e_scalar(e, old_in_sla), 0);
  cr_assert_eq(e2e_scalar(e, "SELECT count(intake.close(order_no, 'history', 'before go-live'))"
                             " FROM intake.orders WHERE received_at < now() - interval '1 day'"),
               5);
  cr_expect_eq(e2e_scalar(e, old_in_sla), 0);
  cr_expect_eq(e2e_scalar(e, "SELECT sum(orders) FROM intake.volume_report"), 7);
  /* one of today's closed so: its acknowledgement does not go */
  cr_assert_eq(e2e_scalar(e, "SELECT count(intake.close(order_no, 'history')) FROM intake.orders"
                             " WHERE status <> 'closed' AND id = (SELECT min(id) FROM intake.orders"
                             " WHERE status <> 'closed')"),
               1);
  cr_expect_eq(acks(), 1);
  cr_expect_eq(e2e_scalar(e, "SELECT count(*) FROM intake.outbox WHERE suppressed_reason = 'closed'"), 1);
}

Test(golive, ack_max_age_ten_days)
{
  history();
  write_config(NULL, NULL, "ack_max_age = 10d\n", NULL);
  poll_ok();
  cr_expect_eq(orders(), 7);
  cr_expect_eq(acks(), 4);
  cr_expect_eq(too_old(), 3);
  /* the mails of three days ago are answered without promising deadlines that have passed (blind
   * round 18: "不晚于" yesterday's time, the day after) */
  cr_expect_gt(e2e_scalar(e, "SELECT count(*) FROM intake.outbox b JOIN intake.orders o ON o.id = b.order_id"
                             " WHERE b.suppressed_reason IS NULL AND o.response_due < now()"),
               0, "no acknowledged order with a passed deadline: the test proves nothing");
  cr_expect_eq(
    e2e_scalar(e, "SELECT count(*) FROM intake.outbox b JOIN intake.orders o ON o.id = b.order_id"
                  " WHERE o.response_due < now() AND b.body_text LIKE '%' ||"
                  " to_char(o.response_due AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') || '%'"),
    0, "a passed deadline promised");
}

Test(golive, first_poll_new_starts_at_uidnext)
{
  history();
  write_config(NULL, "first_poll = new\n", NULL, NULL);
  poll_ok();
  cr_expect_eq(orders(), 0);
  cr_expect_eq(e2e_scalar(e, "SELECT last_uid FROM intake.mailboxes"), 7);
  append_history(1, 0);
  poll_ok();
  cr_expect_eq(orders(), 1);
  cr_expect_eq(acks(), 1);
  /* the history is never taken later either */
  poll_ok();
  cr_expect_eq(orders(), 1);
}

Test(golive, first_poll_date_skips_older_mail_without_storing_it)
{
  history();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc();
  g_autoptr(GDateTime) since = g_date_time_add_days(now, -10);
  g_autofree char *day = g_date_time_format(since, "first_poll = %Y-%m-%d\n");
  write_config(NULL, day, NULL, NULL);
  poll_ok();
  cr_expect_eq(orders(), 4, "three days ago and today");
  cr_expect_eq(e2e_scalar(e, "SELECT count(*) FROM intake.messages"), 4, "older mail is not stored");
  cr_expect_eq(acks(), 2);
  cr_expect_eq(too_old(), 2);
  cr_expect_eq(e2e_scalar(e, "SELECT last_uid FROM intake.mailboxes"), 7, "the state moved past the skipped");
  append_history(1, 0);
  poll_ok();
  cr_expect_eq(orders(), 5);
}

Test(golive, bad_first_poll_is_refused)
{
  write_config(NULL, "first_poll = yesterday\n", NULL, NULL);
  g_autofree char *out = NULL, *err = NULL;
  cr_expect_eq(e2e_run(e, &out, &err, "poll", NULL), 2, "%s%s", out, err);
  cr_expect(strstr(err, "first_poll"), "%s", err);
}

/* An url no retry mends is a configuration error (exit 2); a ca_file gone is a failing poll, named
 * as a missing file, not as "error setting certificate file" (blind round 20). */
Test(golive, a_wrong_url_or_a_missing_ca_file_is_named)
{
  write_config("https://127.0.0.1:1/INBOX", NULL, NULL, NULL);
  g_autofree char *out = NULL, *err = NULL;
  cr_expect_eq(e2e_run(e, &out, &err, "poll", NULL), 2, "%s%s", out, err);
  cr_expect(strstr(err, "imap:// or imaps://"), "%s", err);
  g_autofree char *pw = g_build_filename(e->dir, "imap.pass", NULL);
  g_autofree char *nope = g_build_filename(e->dir, "nope.pem", NULL);
  g_autofree char *url = e2e_url(e, TRUE, "INBOX");
  g_autofree char *text = g_strdup_printf("[imap]\nurl = %s\nuser = %s\npassword_file = %s\nca_file = %s\n"
                                          "[smtp]\nsend = false\n[db]\nconninfo = %s\n",
                                          url, e->user, pw, nope, e->conninfo);
  cr_assert(g_file_set_contents(e->config_path, text, -1, NULL));
  g_free(out), g_free(err);
  out = err = NULL;
  cr_expect_eq(e2e_run(e, &out, &err, "poll", NULL), 1, "%s%s", out, err);
  cr_expect(strstr(err, "its ca_file cannot be read") && strstr(err, "nope.pem: No such file"), "%s", err);
}

/* ---- status ---- */

static JsonNode *
status_json(int *rc)
{
  g_autofree char *out = NULL, *err = NULL;
  *rc = e2e_run(e, &out, &err, "status", "--json", NULL);
  g_autoptr(JsonParser) p = json_parser_new();
  cr_assert(json_parser_load_from_data(p, out, -1, NULL), "status --json: %s%s", out, err);
  return json_node_copy(json_parser_get_root(p));
}

static gboolean
list_mentions(JsonObject *o, const char *list, const char *what)
{
  JsonArray *a = json_object_get_array_member(o, list);
  for (guint i = 0; i < json_array_get_length(a); i++)
    if (strstr(json_array_get_string_element(a, i), what))
      return TRUE;
  return FALSE;
}

static gboolean
unhealthy_mentions(JsonObject *o, const char *what)
{
  return list_mentions(o, "unhealthy", what);
}

/* Healthy policy data: next year's holidays and a registry. */
static void
healthy_policy(void)
{
  /* every year until 90 days ahead as a whole notice (holidays in 4 months or more), whatever today is */
  PQclear(PQexec(e->pg, "INSERT INTO intake.holidays (day, kind, name)"
                        " SELECT make_date(y, m, 1), 'holiday', 'test'"
                        " FROM generate_series(extract(year FROM current_date)::int,"
                        "  extract(year FROM current_date + 90)::int) y, unnest(ARRAY[1, 4, 5, 10]) m"
                        " ON CONFLICT DO NOTHING"));
  PGresult *r = PQexec(e->pg, "INSERT INTO intake.assets (sn, kind, tier, ship_date)"
                              " VALUES ('RCSTEST0001', 'server', 'gold', current_date)");
  cr_assert_eq(PQresultStatus(r), PGRES_COMMAND_OK, "%s", PQresultErrorMessage(r));
  PQclear(r);
}

static guint
closed_port(void)
{
  g_autoptr(GSocket) s =
    g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new(lo, 0);
  cr_assert(g_socket_bind(s, any, TRUE, NULL));
  g_autoptr(GSocketAddress) bound = g_socket_get_local_address(s, NULL);
  guint port = g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(bound));
  g_socket_close(s, NULL);
  return port;
}

Test(golive, status_reports_a_stopped_server_and_a_full_outbox)
{
  healthy_policy();
  append_history(3, 0);
  write_config(NULL, NULL, NULL, NULL);
  poll_ok();
  int rc = -1;
  g_autoptr(JsonNode) ok = status_json(&rc);
  JsonObject *o = json_node_get_object(ok);
  cr_expect_eq(rc, 0, "three fresh acknowledgements waiting are healthy");
  cr_expect_eq(json_object_get_int_member(json_object_get_object_member(o, "outbox"), "pending"), 3);
  JsonObject *mb = json_array_get_object_element(json_object_get_array_member(o, "mailboxes"), 0);
  cr_expect(json_object_get_boolean_member(mb, "imap_reachable"));
  cr_expect_eq(json_object_get_int_member(mb, "backlog"), 0);
  cr_expect_str_eq(json_object_get_string_member(mb, "last_result"), "ok");

  /* a full outbox: acknowledgements waiting for hours, one given up */
  PQclear(PQexec(e->pg, "UPDATE intake.outbox SET queued_at = now() - interval '3 hours'"));
  PQclear(PQexec(e->pg, "UPDATE intake.outbox SET status = 'failed', last_error = 'test' WHERE id = "
                        "(SELECT min(id) FROM intake.outbox)"));
  append_history(2, 0); /* a backlog the server reports */
  g_autoptr(JsonNode) full = status_json(&rc);
  o = json_node_get_object(full);
  cr_expect_eq(rc, 1);
  cr_expect_not(json_object_get_boolean_member(o, "healthy"));
  JsonObject *outbox = json_object_get_object_member(o, "outbox");
  cr_expect_eq(json_object_get_int_member(outbox, "pending"), 2);
  cr_expect_eq(json_object_get_int_member(outbox, "failed"), 1);
  cr_expect(unhealthy_mentions(o, "outbox: an acknowledgement has waited"));
  /* one given up (a customer's address that bounces) is a warning, not the service's health */
  cr_expect(list_mentions(o, "warnings", "outbox: 1 acknowledgements failed for good"));
  cr_expect(!unhealthy_mentions(o, "acknowledgements failed"));
  mb = json_array_get_object_element(json_object_get_array_member(o, "mailboxes"), 0);
  cr_expect_eq(json_object_get_int_member(mb, "backlog"), 2);

  /* the IMAP server down (the config points at a closed port; the shared servers keep running) */
  g_autofree char *down = g_strdup_printf("imaps://localhost:%u/INBOX", closed_port());
  write_config(down, NULL, NULL, NULL);
  g_autoptr(JsonNode) stopped = status_json(&rc);
  o = json_node_get_object(stopped);
  cr_expect_eq(rc, 1);
  mb = json_array_get_object_element(json_object_get_array_member(o, "mailboxes"), 0);
  cr_expect_not(json_object_get_boolean_member(mb, "imap_reachable"));
  cr_expect(json_node_is_null(json_object_get_member(mb, "backlog")));
  cr_expect(unhealthy_mentions(o, "IMAP server not reachable"));
  /* a poll against it fails (exit 1) and counts; status says so */
  g_autofree char *out = NULL, *err = NULL;
  cr_expect_eq(e2e_run(e, &out, &err, "poll", NULL), 1, "%s%s", out, err);
  g_autoptr(JsonNode) failing = status_json(&rc);
  mb = json_array_get_object_element(json_object_get_array_member(json_node_get_object(failing), "mailboxes"),
                                     0);
  cr_expect_str_eq(json_object_get_string_member(mb, "last_result"), "failed");
  cr_expect_eq(json_object_get_int_member(mb, "failed_polls_in_a_row"), 1);
}

/* A read-only database (default_transaction_read_only, a standby after a fail-over): status says so
 * with no alert channel configured, and a poll's error names the cause (blind round 20: "healthy"
 * while every poll failed, and "cannot execute SELECT in a read-only transaction" alone). */
Test(golive, a_read_only_database_is_named)
{
  healthy_policy();
  write_config(NULL, NULL, NULL, NULL);
  poll_ok();
  append_history(1, 0);
  g_autofree char *ro =
    g_strdup_printf("ALTER DATABASE \"%s\" SET default_transaction_read_only = on", e->name);
  PGresult *r = PQexec(e->pg, ro);
  cr_assert_eq(PQresultStatus(r), PGRES_COMMAND_OK, "%s", PQresultErrorMessage(r));
  PQclear(r);
  g_autofree char *out = NULL, *err = NULL;
  cr_expect_eq(e2e_run(e, &out, &err, "poll", NULL), 1, "%s%s", out, err);
  cr_expect(strstr(err, "the database is read-only"), "%s", err);
  g_free(out), g_free(err);
  out = err = NULL;
  cr_expect_eq(e2e_run(e, &out, &err, "status", NULL), 1, "%s%s", out, err);
  cr_expect(strstr(out, "database: read-only"), "%s", out);
  g_autofree char *back =
    g_strdup_printf("ALTER DATABASE \"%s\" RESET default_transaction_read_only", e->name);
  r = PQexec(e->pg, back);
  cr_assert_eq(PQresultStatus(r), PGRES_COMMAND_OK, "%s", PQresultErrorMessage(r));
  PQclear(r);
  poll_ok();
  cr_expect_eq(orders(), 1, "the mail waited, nothing lost");
}

Test(golive, status_healthy_exits_zero)
{
  healthy_policy();
  write_config(NULL, NULL, NULL, NULL);
  poll_ok();
  g_autofree char *out = NULL, *err = NULL;
  int rc = e2e_run(e, &out, &err, "status", NULL);
  cr_expect_eq(rc, 0, "%s%s", out, err);
  cr_expect(strstr(out, "status: healthy"), "%s", out);
  cr_expect(strstr(out, "schema: "), "%s", out);
  /* the database a migration behind this intake (an upgrade without migrate), or one ahead of it (a
   * newer intake migrated it: a rollback): unhealthy, naming what to do (blind round 11a) */
  g_autofree char *last = harness_text(e, "SELECT max(name) FROM intake.schema_migrations");
  PQclear(PQexec(e->pg, "DELETE FROM intake.schema_migrations WHERE name = (SELECT max(name) FROM"
                        " intake.schema_migrations)"));
  g_free(out), g_free(err);
  out = err = NULL;
  cr_expect_eq(e2e_run(e, &out, &err, "status", NULL), 1, "%s%s", out, err);
  cr_expect(strstr(out, "not applied") && strstr(out, last) && strstr(out, "intake db migrate"), "%s", out);
  /* and a poll that takes mail says so too, for cron's mail (blind round 20: exit 0, nothing said) */
  append_history(1, 0);
  g_free(out), g_free(err);
  out = err = NULL;
  cr_expect_eq(e2e_run(e, &out, &err, "poll", NULL), 0, "%s%s", out, err);
  cr_expect(strstr(err, "the database lacks 1 migration(s)") && strstr(err, last), "%s", err);
  g_autofree char *back = g_strdup_printf("INSERT INTO intake.schema_migrations (name) VALUES ('%s'),"
                                          " ('999_from_a_newer_intake.sql')",
                                          last);
  PQclear(PQexec(e->pg, back));
  g_free(out), g_free(err);
  out = err = NULL;
  cr_expect_eq(e2e_run(e, &out, &err, "status", NULL), 1, "%s%s", out, err);
  cr_expect(strstr(out, "does not know") && strstr(out, "999_from_a_newer_intake.sql"), "%s", out);
  PQclear(PQexec(e->pg, "DELETE FROM intake.schema_migrations WHERE name = '999_from_a_newer_intake.sql'"));
  g_free(out), g_free(err);
  out = err = NULL;
  cr_expect_eq(e2e_run(e, &out, &err, "status", NULL), 0, "%s%s", out, err);
  /* policy data: a year missing 90 days ahead (but not within two weeks) is a warning — the State
   * Council publishes the next year late in the year before: still healthy. That state exists only
   * while the two dates fall in different years (early October to mid-December). */
  if (e2e_scalar(
        e, "SELECT (extract(year FROM current_date + 14) <> extract(year FROM current_date + 90))::int")) {
    PQclear(PQexec(e->pg, "DELETE FROM intake.holidays WHERE extract(year FROM day) = extract(year FROM"
                          " current_date + 90)"));
    g_free(out), g_free(err);
    out = err = NULL;
    rc = e2e_run(e, &out, &err, "status", NULL);
    cr_expect_eq(rc, 0, "%s%s", out, err);
    cr_expect(strstr(out, "WARNING policy: intake.holidays does not cover the next 90 days"), "%s", out);
    cr_expect(strstr(out, "status: healthy"), "%s", out);
    /* one row of that year (元旦) is not its notice: still the warning (blind round 11a) */
    PQclear(PQexec(e->pg,
                   "INSERT INTO intake.holidays (day, kind, name) VALUES"
                   " (make_date(extract(year FROM current_date + 90)::int, 1, 1), 'holiday', '元旦')"));
    g_free(out), g_free(err);
    out = err = NULL;
    rc = e2e_run(e, &out, &err, "status", NULL);
    cr_expect(strstr(out, "WARNING policy: intake.holidays does not cover the next 90 days"), "%s", out);
  }
  /* a year missing within the next two weeks makes today's deadlines wrong: unhealthy */
  PQclear(PQexec(e->pg, "DELETE FROM intake.holidays"));
  g_free(out), g_free(err);
  out = err = NULL;
  rc = e2e_run(e, &out, &err, "status", "--json", NULL);
  cr_expect_eq(rc, 1, "%s%s", out, err);
  cr_expect(strstr(out, "intake.holidays does not cover the next 14 days"), "%s", out);
  cr_expect(strstr(out, "\"holidays_cover_14d\" : false"), "%s", out);
}

/* ---- alerts and metrics ---- */

typedef struct {
  GPid pid;
  guint port;
  char *log;
} Receiver;

/* A tiny HTTP server that logs each POST body on a line of its own. */
static void
receiver_start(Receiver *r)
{
  static const char script[] =
    "import http.server, sys\n"
    "class H(http.server.BaseHTTPRequestHandler):\n"
    "    def do_POST(self):\n"
    "        b = self.rfile.read(int(self.headers['Content-Length']))\n"
    "        import os\n"
    "        if os.path.exists(sys.argv[1] + '.refuse'):\n" /* a robot over its rate limit: 200, refused */
    "            with open(sys.argv[1] + '.refused', 'ab') as f: f.write(b.replace(b'\\n', b' ') + b'\\n')\n"
    "            self.send_response(200); self.end_headers()\n"
    "            self.wfile.write(b'{\"errcode\":45009,\"errmsg\":\"api freq out of limit\"}'); return\n"
    "        with open(sys.argv[1], 'ab') as f: f.write(b.replace(b'\\n', b' ') + b'\\n')\n"
    "        self.send_response(200); self.end_headers(); self.wfile.write(b'{\"errcode\":0}')\n"
    "    def log_message(self, *a): pass\n"
    "s = http.server.HTTPServer(('127.0.0.1', 0), H)\n"
    "open(sys.argv[2] + '.tmp', 'w').write(str(s.server_port))\n"
    "import os; os.rename(sys.argv[2] + '.tmp', sys.argv[2])\n"
    "s.serve_forever()\n";
  r->log = g_build_filename(e->dir, "webhook.log", NULL);
  g_autofree char *portfile = g_build_filename(e->dir, "webhook.port", NULL);
  const char *argv[] = { "python3", "-c", script, r->log, portfile, NULL };
  g_autoptr(GError) error = NULL;
  cr_assert(g_spawn_async(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD, NULL,
                          NULL, &r->pid, &error),
            "python3: %s", error ? error->message : "");
  e2e_adopt(e, r->pid);
  for (int i = 0; i < 100 && !g_file_test(portfile, G_FILE_TEST_EXISTS); i++)
    g_usleep(50 * 1000);
  g_autofree char *text = NULL;
  cr_assert(g_file_get_contents(portfile, &text, NULL, NULL), "the webhook receiver did not start");
  r->port = (guint)atoi(text);
  g_unlink(portfile);
}

static void
receiver_stop(Receiver *r)
{
  kill(r->pid, SIGTERM);
  waitpid(r->pid, NULL, 0);
  g_unlink(r->log);
  g_free(r->log);
}

static char **
posts(Receiver *r)
{
  g_autofree char *text = NULL;
  if (!g_file_get_contents(r->log, &text, NULL, NULL))
    return g_new0(char *, 1);
  g_strchomp(text);
  return *text ? g_strsplit(text, "\n", -1) : g_new0(char *, 1);
}

static guint
posts_with(char **lines, const char *needle)
{
  guint n = 0;
  for (guint i = 0; lines[i]; i++)
    n += strstr(lines[i], needle) != NULL;
  return n;
}

Test(golive, alerts_reach_a_webhook_once_per_event)
{
  Receiver r = { 0 };
  receiver_start(&r);
  g_autofree char *metrics = g_build_filename(e->dir, "intake.prom", NULL);
  /* first the webhook unreachable: the poll goes on, the alerts wait */
  /* due_within 15m: the fixture mails' own deadlines are at least 29 minutes away (30 business or
   * wall-clock minutes after they came a minute ago), so only the deadline set below is an event,
   * whatever the time of day the test runs at */
  g_autofree char *down =
    g_strdup_printf("[alerts]\nwebhook_url = http://127.0.0.1:%u/hook\nformat = generic\n"
                    "due_within = 15m\ntimeout = 2s\n[metrics]\ntextfile = %s\n",
                    closed_port(), metrics);
  write_config(NULL, NULL, NULL, down);
  append_history(3, 0);
  poll_ok();
  /* a P1 and a deadline 10 minutes away on two of the orders */
  PQclear(
    PQexec(e->pg, "UPDATE intake.orders SET priority = 'P1' WHERE id = (SELECT min(id) FROM intake.orders)"));
  PQclear(PQexec(e->pg, "UPDATE intake.orders SET response_due = now() + interval '10 minutes'"
                        " WHERE id = (SELECT max(id) FROM intake.orders)"));
  gint64 t0 = g_get_monotonic_time();
  poll_ok();
  cr_expect_lt(g_get_monotonic_time() - t0, 20 * G_USEC_PER_SEC,
               "an unreachable webhook does not block the poll");
  gint64 events = e2e_scalar(e, "SELECT count(*) FROM intake.alerts");
  cr_expect_geq(events, 2);
  cr_expect_eq(e2e_scalar(e, "SELECT count(*) FROM intake.alerts WHERE sent_at IS NOT NULL"), 0);
  cr_expect_eq(e2e_scalar(e, "SELECT sum(attempts) FROM intake.alerts"), 1, "one try, then the round ends");

  g_autofree char *up = g_strdup_printf("[alerts]\nwebhook_url = http://127.0.0.1:%u/hook\nformat = generic\n"
                                        "due_within = 15m\ntimeout = 2s\n[metrics]\ntextfile = %s\n",
                                        r.port, metrics);
  /* a WeCom robot answers 200 but refuses (over 20 a minute, a wrong key): not sent, tried again
   * (blind round 11c: counted as delivered) */
  g_autofree char *robot =
    g_strdup_printf("[alerts]\nwebhook_url = http://127.0.0.1:%u/hook\nformat = wecom\n"
                    "due_within = 15m\ntimeout = 2s\n[metrics]\ntextfile = %s\n",
                    r.port, metrics);
  write_config(NULL, NULL, NULL, robot);
  g_autofree char *refuse = g_strconcat(r.log, ".refuse", NULL);
  cr_assert(g_file_set_contents(refuse, "", 0, NULL));
  poll_ok();
  cr_expect_eq(e2e_scalar(e, "SELECT count(*) FROM intake.alerts WHERE sent_at IS NOT NULL"), 0);
  cr_expect_geq(e2e_scalar(e, "SELECT sum(attempts) FROM intake.alerts"), 2);
  g_unlink(refuse);
  write_config(NULL, NULL, NULL, up);
  poll_ok();
  poll_ok();
  g_auto(GStrv) lines = posts(&r);
  cr_expect_eq(g_strv_length(lines), (guint)e2e_scalar(e, "SELECT count(*) FROM intake.alerts"),
               "one POST per event across the polls");
  cr_expect_eq(e2e_scalar(e, "SELECT count(*) FROM intake.alerts WHERE sent_at IS NULL"), 0);
  cr_expect_eq(posts_with(lines, "\"event\":\"p1:RC"), 1);
  cr_expect_geq(posts_with(lines, ":response_due\""), 1);
  for (guint i = 0; lines[i]; i++) {
    g_autoptr(JsonParser) p = json_parser_new();
    cr_expect(json_parser_load_from_data(p, lines[i], -1, NULL), "not JSON: %s", lines[i]);
  }

  /* the textfile of the last poll */
  g_autofree char *prom = NULL;
  cr_assert(g_file_get_contents(metrics, &prom, NULL, NULL));
  cr_expect(strstr(prom, "# TYPE intake_polls_total counter\nintake_polls_total 5\n"), "%s", prom);
  cr_expect(strstr(prom, "intake_orders_total 3\n"), "%s", prom);
  cr_expect(strstr(prom, "intake_outbox_pending 3\n"), "%s", prom);
  cr_expect(strstr(prom, "intake_mailbox_failed_polls{mailbox=\""), "%s", prom);
  /* quarantined: mails that could not be read, not every review (blind round 11a: the count of routine
   * coverage reviews under that name) */
  g_autofree char *reviews = g_strdup_printf("intake_needs_review %" G_GINT64_FORMAT "\n",
                                             e2e_scalar(e, "SELECT count(*) FROM intake.needs_review"));
  cr_expect(strstr(prom, reviews), "%s: %s", reviews, prom);
  cr_expect(strstr(prom, "intake_quarantined 0\n"), "%s", prom);
  receiver_stop(&r);
}

/* Outages the duty team must hear of, and their end (blind round 11c: the database down, an SMTP
 * relay refusing for hours and a mailbox failing then recovering reached nobody, or only the start):
 * with the database unreachable the failing_polls-th poll tells the webhook straight away, once
 * (remembered in state_dir), and the first poll that reaches it again says so; a mailbox failing and
 * recovering, acknowledgements stuck and going out again, each once. */
Test(golive, outages_and_their_end_reach_the_duty_team_once)
{
  Receiver r = { 0 };
  receiver_start(&r);
  g_autofree char *state = g_build_filename(e->dir, "state", NULL);
  g_autofree char *alerts =
    g_strdup_printf("[alerts]\nwebhook_url = http://127.0.0.1:%u/hook\nformat = generic\nfailing_polls = 2\n"
                    "due_within = 0\ntimeout = 2s\nstate_dir = %s\n",
                    r.port, state);
  write_config(NULL, NULL, NULL, alerts);
  append_history(1, 0);
  poll_ok();
  /* PostgreSQL unreachable: nothing to write an alert in */
  g_autofree char *good = NULL;
  cr_assert(g_file_get_contents(e->config_path, &good, NULL, NULL));
  g_autofree char *dead = g_strdup_printf(
    "host=127.0.0.1 port=%u dbname=intake password=s3cret-db connect_timeout=2", closed_port());
  g_autoptr(GString) down = g_string_new(good);
  cr_assert_eq(g_string_replace(down, e->conninfo, dead, 1), 1);
  cr_assert(g_file_set_contents(e->config_path, down->str, -1, NULL));
  for (guint i = 0; i < 3; i++) {
    g_autofree char *out = NULL, *err = NULL;
    cr_assert_neq(e2e_run(e, &out, &err, "poll", NULL), 0, "poll %u with the database down: %s%s", i, out,
                  err);
    g_auto(GStrv) lines = posts(&r);
    cr_assert_eq(posts_with(lines, "database unreachable"), i >= 1 ? 1u : 0u, "after poll %u: %u posts",
                 i + 1, g_strv_length(lines));
  }
  g_auto(GStrv) told = posts(&r);
  cr_expect_eq(posts_with(told, "s3cret"), 0, "the conninfo's password reached the webhook: %s", told[0]);
  cr_expect(posts_with(told, "3 polls failed") == 0 && posts_with(told, "2 polls failed") == 1, "%s",
            told[0]);
  /* back: one message says so, recorded with the others */
  cr_assert(g_file_set_contents(e->config_path, good, -1, NULL));
  poll_ok();
  poll_ok();
  g_auto(GStrv) back = posts(&r);
  cr_expect_eq(posts_with(back, "\"kind\":\"database_recovered\""), 1, "%s", back[g_strv_length(back) - 1]);
  cr_expect_eq(e2e_scalar(e, "SELECT count(*) FROM intake.alerts WHERE kind = 'database_recovered'"
                             " AND sent_at IS NOT NULL"),
               1);

  /* the mailbox failing two polls (its password file gone: moved, or unreadable by the poll's user),
   * then polled again; status names it meanwhile (blind round 11c: exit 2, status healthy, no alert) */
  g_autofree char *pw = g_build_filename(e->dir, "imap.pass", NULL);
  g_autofree char *away = g_strconcat(pw, ".away", NULL);
  cr_assert_eq(g_rename(pw, away), 0);
  for (guint i = 0; i < 2; i++) {
    g_autofree char *out = NULL, *err = NULL;
    cr_assert_eq(e2e_run(e, &out, &err, "poll", NULL), 1, "a run-time failure, not a bad config: %s%s", out,
                 err);
    cr_assert(strstr(err, "not polled, its password cannot be read") && strstr(err, "password_file"), "%s",
              err);
  }
  {
    g_autofree char *out = NULL, *err = NULL;
    cr_assert_eq(e2e_run(e, &out, &err, "status", NULL), 1, "%s%s", out, err);
    cr_assert(strstr(out, "the last 2 polls failed") && strstr(out, "password_file"), "%s", out);
  }
  cr_assert_eq(g_rename(away, pw), 0);
  poll_ok();
  poll_ok();
  g_auto(GStrv) mb = posts(&r);
  cr_expect_eq(posts_with(mb, "\"kind\":\"mailbox_failing\""), 1);
  g_autofree char *keys = harness_text(
    e,
    "SELECT string_agg(event_key, ' ') || ' / ' || (SELECT string_agg(name || ':' || failed_polls || ':' ||"
    " coalesce(last_success::text, '-'), ' ') FROM intake.mailboxes) FROM intake.alerts");
  cr_expect_eq(posts_with(mb, "\"kind\":\"mailbox_recovered\""), 1, "%s", keys);

  /* acknowledgements failing to go out (2 tries each here), then delivered */
  PQclear(PQexec(e->pg, "UPDATE intake.outbox SET deferrals = 2, last_error = 'SMTP login refused: 535'"
                        " WHERE status = 'pending'"));
  poll_ok();
  poll_ok();
  PQclear(
    PQexec(e->pg, "UPDATE intake.outbox SET status = 'sent', sent_at = now() WHERE status = 'pending'"));
  poll_ok();
  poll_ok();
  g_auto(GStrv) all = posts(&r);
  cr_expect_eq(posts_with(all, "\"kind\":\"acks_stuck\""), 1);
  cr_expect(posts_with(all, "535") >= 1);
  cr_expect_eq(posts_with(all, "\"kind\":\"acks_recovered\""), 1);
  cr_expect_eq(g_strv_length(all), (guint)e2e_scalar(e, "SELECT count(*) FROM intake.alerts") + 1,
               "one POST per event (the outage itself is not in the database)");

  /* a read-only database (a standby after a fail-over): reached but unusable — an outage too, a second
   * episode with its own alerts (blind round 13: exit 1, no alert, status healthy) */
  g_autofree char *ro =
    g_strdup_printf("ALTER DATABASE \"%s\" SET default_transaction_read_only = on", e->name);
  PQclear(PQexec(e->pg, ro));
  append_history(1, 0);
  for (guint i = 0; i < 2; i++) {
    g_autofree char *out = NULL, *err = NULL;
    cr_assert_eq(e2e_run(e, &out, &err, "poll", NULL), 1, "read-only poll %u: %s%s", i, out, err);
  }
  {
    g_autofree char *out = NULL, *err = NULL;
    cr_expect_eq(e2e_run(e, &out, &err, "status", NULL), 1, "%s%s", out, err);
    cr_expect(strstr(out, "UNHEALTHY database: the last 2 poll(s) could not use it") &&
                strstr(out, "read-only"),
              "%s", out);
  }
  g_autofree char *rw = g_strdup_printf("ALTER DATABASE \"%s\" RESET default_transaction_read_only", e->name);
  PQclear(PQexec(e->pg, rw));
  poll_ok();
  poll_ok();
  g_auto(GStrv) after = posts(&r);
  cr_expect_eq(posts_with(after, "database unreachable or unusable"), 2, "%u posts", g_strv_length(after));
  cr_expect_eq(posts_with(after, "read-only"), 1);
  cr_expect_eq(posts_with(after, "\"kind\":\"database_recovered\""), 2);
  receiver_stop(&r);
}

/* "【投诉】…已经超过4小时了还没人联系" (blind round 11d: only another follow-up): the order is stamped
 * escalated (the queue shows it, the audit has the words) and the duty team is told, once per such
 * mail; a polite reply is no escalation, nor is a stranger's complaint quoting the number. */
Test(golive, a_complaint_is_flagged_and_told_once)
{
  Receiver r = { 0 };
  receiver_start(&r);
  g_autofree char *cfg = g_strdup_printf(
    "[alerts]\nwebhook_url = http://127.0.0.1:%u/hook\nformat = generic\ndue_within = 0\n", r.port);
  write_config(NULL, NULL, NULL, cfg);
  append_history(1, 0);
  poll_ok();
  g_autofree char *no = harness_text(e, "SELECT order_no FROM intake.orders");
  g_autofree char *from = harness_text(e, "SELECT from_addr FROM intake.orders");
  const char *bodies[] = { "收到，谢谢。", "【投诉】已经超过4小时了还没人联系我们，业务全停了！",
                           "第二次投诉：到现在还是没有人联系。" };
  const char *senders[] = { from, "someone@163.com", from };
  for (guint i = 0; i < G_N_ELEMENTS(bodies); i++) {
    g_autofree char *mail = g_strdup_printf(
      "From: %s\r\nTo: service@roycom.com.cn\r\nSubject: Re: [%s] =?UTF-8?B?5pyN5Yqh5Zmo?=\r\n"
      "Message-ID: <esc-%u-%u@example.com>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; "
      "charset=UTF-8\r\n"
      "Content-Transfer-Encoding: 8bit\r\n\r\n%s\r\n",
      senders[i], no, i, g_random_int(), bodies[i]);
    e2e_append(e, "INBOX", mail, strlen(mail));
    poll_ok();
    /* the stranger's (i = 1) changes nothing */
    cr_assert_eq(e2e_scalar(e, "SELECT count(*) FROM intake.audit WHERE action = 'escalated'"),
                 i == 2 ? 1 : 0, "after mail %u", i);
  }
  /* a second complaint from the customer: stamped again, told again */
  g_autofree char *again = g_strdup_printf(
    "From: %s\r\nTo: service@roycom.com.cn\r\nSubject: Re: [%s] x\r\nMessage-ID: <esc-9-%u@example.com>\r\n"
    "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
    "催了好几次了，请给个答复。\r\n",
    from, no, g_random_int());
  g_usleep(1100 * 1000); /* another second: another event */
  e2e_append(e, "INBOX", again, strlen(again));
  poll_ok();
  poll_ok();
  cr_assert_eq(e2e_scalar(e, "SELECT count(*) FROM intake.audit WHERE action = 'escalated'"), 2);
  cr_assert_eq(e2e_scalar(e, "SELECT count(*) FROM intake.queue WHERE escalated_at IS NOT NULL"), 1);
  g_auto(GStrv) lines = posts(&r);
  cr_expect_eq(posts_with(lines, "\"kind\":\"escalation\""), 2, "%u posts", g_strv_length(lines));
  g_autofree char *needle = g_strdup_printf("escalation: %s", no);
  cr_expect_geq(posts_with(lines, needle), 1);
  receiver_stop(&r);
}

/* A chase ("还没人来") is an escalation once the order is past a deadline not recorded, not before
 * (blind round 18: eleven days late, "到现在还没人来处理", nothing flagged). */
static void
reply(const char *from, const char *order_no, const char *body)
{
  g_autofree char *mail = g_strdup_printf(
    "From: %s\r\nTo: service@roycom.com.cn\r\nSubject: Re: [%s] x\r\nMessage-ID: <chase-%u@example.com>\r\n"
    "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
    "%s\r\n",
    from, order_no, g_random_int(), body);
  e2e_append(e, "INBOX", mail, strlen(mail));
  poll_ok();
}

Test(golive, a_chase_past_a_deadline_is_an_escalation)
{
  append_history(1, 0);
  poll_ok();
  g_autofree char *no = harness_text(e, "SELECT order_no FROM intake.orders");
  g_autofree char *from = harness_text(e, "SELECT from_addr FROM intake.orders");
  const char *escalated = "SELECT count(*) FROM intake.audit WHERE action = 'escalated'";
  PGresult *r = PQexec(e->pg, "UPDATE intake.orders SET response_due = now() + interval '1 hour',"
                              " responded_at = NULL");
  cr_assert_eq(PQresultStatus(r), PGRES_COMMAND_OK, "%s", PQresultErrorMessage(r));
  PQclear(r);
  reply(from, no, "请问工程师什么时候到？还没人来。");
  cr_assert_eq(e2e_scalar(e, escalated), 0, "a chase before any deadline passed is a follow-up");
  r = PQexec(e->pg, "UPDATE intake.orders SET response_due = now() - interval '1 hour'");
  cr_assert_eq(PQresultStatus(r), PGRES_COMMAND_OK, "%s", PQresultErrorMessage(r));
  PQclear(r);
  reply(from, no, "请问工程师什么时候到？还没人来。");
  cr_assert_eq(e2e_scalar(e, escalated), 1);
  cr_assert_eq(e2e_scalar(e, "SELECT count(*) FROM intake.audit WHERE action = 'escalated'"
                             " AND note LIKE '%past its remote response deadline%'"),
               1);
  cr_assert_eq(e2e_scalar(e, "SELECT count(*) FROM intake.queue WHERE escalated_at IS NOT NULL"), 1);
}

/* A webhook that takes the alerts and a duty mail relay that is down: the robot gets each alert once,
 * not again at every poll while the mail is retried (blind round 13: 5 copies in 4 polls); several
 * duty addresses are one list. */
Test(golive, a_failing_channel_does_not_repeat_the_other)
{
  Receiver r = { 0 };
  receiver_start(&r);
  g_autofree char *smtp = g_strdup_printf("url = smtp://127.0.0.1:%u\nstarttls = never\n"
                                          "from = =?UTF-8?B?5pyN5Yqh?= <service@roycom.com.cn>\n",
                                          closed_port());
  g_autofree char *cfg = g_strdup_printf(
    "[alerts]\nwebhook_url = http://127.0.0.1:%u/hook\nformat = generic\n"
    "mail_to = duty@roycom-duty.example.cn, ops@roycom-duty.example.cn\ndue_within = 0\ntimeout = 2s\n",
    r.port);
  write_config(NULL, NULL, smtp, cfg);
  append_history(1, 0);
  poll_ok();
  PQclear(PQexec(e->pg, "UPDATE intake.orders SET priority = 'P1'"));
  for (guint i = 0; i < 3; i++)
    poll_ok();
  g_auto(GStrv) lines = posts(&r);
  cr_expect_eq(posts_with(lines, "\"kind\":\"p1\""), 1, "%u posts", g_strv_length(lines));
  g_autofree char *row =
    harness_text(e, "SELECT channels_done || ' ' || (sent_at IS NULL)::text || ' ' || (attempts >= 3)::text"
                    " FROM intake.alerts WHERE kind = 'p1'");
  cr_expect_str_eq(row, "webhook true true");
  /* and status says the duty team is not being told (blind round 18: healthy) */
  g_autofree char *out = NULL, *err = NULL;
  cr_expect_eq(e2e_run(e, &out, &err, "status", NULL), 1, "%s%s", out, err);
  cr_expect(strstr(out, "UNHEALTHY alerts: 1 not delivered after 3 tries or more"), "%s%s", out, err);
  receiver_stop(&r);
}

Test(golive, webhook_formats_are_the_robots_text_messages)
{
  Receiver r = { 0 };
  receiver_start(&r);
  append_history(1, 0);
  g_autofree char *cfg =
    g_strdup_printf("[alerts]\nwebhook_url = http://127.0.0.1:%u/hook\nformat = feishu\ndue_within = 15m\n",
                    r.port); /* no deadline event, whatever the hour (see above) */
  write_config(NULL, NULL, NULL, cfg);
  poll_ok();
  PQclear(PQexec(e->pg, "UPDATE intake.orders SET priority = 'P1'"));
  poll_ok();
  g_auto(GStrv) lines = posts(&r);
  cr_assert_eq(g_strv_length(lines), 1);
  cr_expect(strstr(lines[0], "{\"msg_type\":\"text\",\"content\":{\"text\":\"[intake] P1 order RC"), "%s",
            lines[0]);
  receiver_stop(&r);
}

/* ---- reprocess never writes without --yes when nobody is at a terminal ---- */

static int
run_no_tty(char **out, const char *const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new();
  g_ptr_array_add(argv, (char *)INTAKE_BIN);
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add(argv, (char *)args[i]);
  g_ptr_array_add(argv, (char *)"--config");
  g_ptr_array_add(argv, e->config_path);
  g_ptr_array_add(argv, NULL);
  int status = 0;
  g_autofree char *err = NULL;
  cr_assert(g_spawn_sync(NULL, (char **)argv->pdata, NULL, G_SPAWN_STDIN_FROM_DEV_NULL, NULL, NULL, out, &err,
                         &status, NULL));
  g_autofree char *both = g_strconcat(*out, err, NULL);
  g_free(*out);
  *out = g_steal_pointer(&both);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

Test(golive, reprocess_without_yes_writes_nothing_when_stdin_is_not_a_terminal)
{
  append_history(2, 0);
  write_config(NULL, NULL, NULL, NULL);
  poll_ok();
  PQclear(PQexec(e->pg, "UPDATE intake.orders SET model = 'WRONG'"));
  g_autofree char *out = NULL;
  const char *const no[] = { "reprocess", "--all", NULL };
  cr_expect_eq(run_no_tty(&out, no), 0, "%s", out);
  cr_expect(strstr(out, "would change"), "%s", out);
  cr_expect(strstr(out, "nothing written"), "%s", out);
  cr_expect_eq(e2e_scalar(e, "SELECT count(*) FROM intake.orders WHERE model = 'WRONG'"), 2);
  g_free(out);
  out = NULL;
  const char *const yes[] = { "reprocess", "--all", "--yes", NULL };
  cr_expect_eq(run_no_tty(&out, yes), 0, "%s", out);
  cr_expect(strstr(out, "2 orders changed"), "%s", out);
  cr_expect_eq(e2e_scalar(e, "SELECT count(*) FROM intake.orders WHERE model = 'WRONG'"), 0);
}

/* Logs: one line per event with a time, a level and key=value fields — each mail's lines name its
 * mailbox, uid and order. */
Test(golive, log_lines_carry_mailbox_uid_and_order_fields)
{
  write_config(NULL, NULL, NULL, NULL);
  append_history(2, 0);
  g_autofree char *out = NULL, *err = NULL;
  int rc = e2e_run(e, &out, &err, "poll", "--verbose", NULL);
  cr_assert_eq(rc, 0, "poll: %s%s", out, err);
  g_auto(GStrv) lines = g_strsplit(err, "\n", -1);
  g_autoptr(GRegex) stamp = g_regex_new("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d[+-]\\d\\d:\\d\\d intake: "
                                        "(debug|info|warning|error): ",
                                        0, 0, NULL);
  g_autoptr(GHashTable) uids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  guint order_lines = 0;
  for (guint i = 0; lines[i]; i++) {
    if (!*lines[i])
      continue;
    cr_expect(g_regex_match(stamp, lines[i], 0, NULL), "no time and level: %s", lines[i]);
    if (!strstr(lines[i], "new order RC"))
      continue;
    order_lines++;
    cr_expect(strstr(lines[i], " mailbox=imap "), "the config's section names the mailbox: %s", lines[i]);
    const char *uid = strstr(lines[i], " uid=");
    cr_assert(uid, "no uid field: %s", lines[i]);
    g_hash_table_add(uids, g_strndup(uid + 5, strcspn(uid + 5, " ")));
    const char *order = strstr(lines[i], " order=RC");
    cr_assert(order, "no order field: %s", lines[i]);
    /* the field names the order the line is about */
    g_autofree char *no = g_strndup(order + 7, strcspn(order + 7, " "));
    g_autofree char *said = g_strconcat("new order ", no, NULL);
    cr_expect(strstr(lines[i], said), "%s", lines[i]);
  }
  cr_assert_eq(order_lines, 2, "%s", err);
  cr_assert_eq(g_hash_table_size(uids), 2, "two mails, two uids: %s", err);
}

/* A poll that finds nothing new does not read or compile the parser's data (it was a third of a
 * no-op's CPU): it succeeds even without it; the first new mail needs it, and then the poll stops
 * before storing anything, the mail kept for the next run. */
Test(golive, nothing_new_needs_no_parser_data)
{
  write_config(NULL, NULL, NULL, NULL);
  g_setenv("INTAKE_DATA_DIR", "/nonexistent-intake-data", TRUE);
  g_autofree char *out = NULL, *err = NULL;
  int rc = e2e_run(e, &out, &err, "poll", NULL);
  cr_expect_eq(rc, 0, "no-op poll without parser data: %s%s", out, err);
  append_history(1, 0);
  g_free(out), g_free(err);
  out = err = NULL;
  rc = e2e_run(e, &out, &err, "poll", NULL);
  cr_expect_neq(rc, 0, "%s%s", out, err);
  cr_expect(strstr(err, "/nonexistent-intake-data/parser"), "%s", err);
  cr_expect_eq(orders(), 0);
  g_unsetenv("INTAKE_DATA_DIR");
  poll_ok();
  cr_expect_eq(orders(), 1);
}
