/* cli/cmd_status.c: `intake status [--json]` — the health of every configured mailbox (asking its
 * IMAP server for the backlog), the outbox, the queue and the policy data, for people and for
 * monitoring: exit 1 when a check fails, each failed check named. */
#include "cli.h"
#include "golive.h"
#include "fetcher.h"
#include "store.h"

#include "jsonout.h"
#include <stdio.h>
#include <string.h>

#define STALE_POLL_S (60 * 60)         /* no poll for an hour: the timer or cron stopped */
#define OUTBOX_PENDING_MAX_S (60 * 60) /* an acknowledgement waiting an hour is not being delivered */

typedef struct {
  JsonBuilder *json;
  GPtrArray *unhealthy; /* char*: "check: detail" — exit 1 */
  GPtrArray *warnings;  /* the same, for what ops should do soon but is not broken yet — exit 0 */
} Status;

/* A finding for the unhealthy (fail) or the warnings (warn) list. */
#define fail(st, ...) g_ptr_array_add((st)->unhealthy, g_strdup_printf(__VA_ARGS__))
#define warn(st, ...) g_ptr_array_add((st)->warnings, g_strdup_printf(__VA_ARGS__))

static void
member(JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name(b, name);
  if (value)
    json_builder_add_string_value(b, value);
  else
    json_builder_add_null_value(b);
}

static void
member_int(JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name(b, name);
  if (value)
    json_builder_add_int_value(b, g_ascii_strtoll(value, NULL, 10));
  else
    json_builder_add_null_value(b);
}

static char **
find_row(const StoreRows *rows, const char *name)
{
  for (guint i = 0; rows && i < rows->rows->len; i++) {
    char **r = g_ptr_array_index(rows->rows, i);
    if (g_strcmp0(r[0], name) == 0)
      return r;
  }
  return NULL;
}

/* UIDNEXT − 1 − last stored UID, from the server; -1 with *error when it cannot be asked. */
static gint64
backlog(const CliMailbox *mb, char **row, GError **error)
{
  if (!mb->password) {
    g_set_error(error, FETCHER_ERROR, FETCHER_ERROR_CONFIG, "%s",
                mb->password_problem ? mb->password_problem
                                     : "no password (password_file or $INTAKE_IMAP_PASSWORD)");
    return -1;
  }
  FetcherImapOptions io = { .url = mb->url,
                            .user = mb->user,
                            .password = mb->password,
                            .tls_verify = mb->tls_verify,
                            .ca_file = mb->ca_file,
                            .plain_text = mb->plain_text,
                            .connect_timeout_s = 5,
                            .stall_timeout_s = 10 };
  g_autoptr(FetcherSession) imap = fetcher_session_open(&io, error);
  guint32 uidvalidity = 0, uidnext = 0;
  if (!imap || !fetcher_session_status(imap, &uidvalidity, &uidnext, error))
    return -1;
  gint64 last = row && row[8] && g_ascii_strtoll(row[8], NULL, 10) == (gint64)uidvalidity
                  ? g_ascii_strtoll(row[7], NULL, 10)
                  : 0; /* never polled, or a new UIDVALIDITY: the whole mailbox is read again */
  return MAX((gint64)uidnext - 1 - last, 0);
}

static gint64
age_s(const char *ts)
{
  g_autoptr(GDateTime) t = ts ? g_date_time_new_from_iso8601(ts, NULL) : NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc();
  return t ? g_date_time_difference(now, t) / G_TIME_SPAN_SECOND : -1;
}

/* One mailbox's fields (JSON and text) and its checks. */
static void
mailbox_status(Status *st, const CliMailbox *mb, const StoreRows *rows, GString *text)
{
  JsonBuilder *b = st->json;
  g_autofree char *key = g_strdup_printf("%s %s", mb->user ? mb->user : "", mb->url ? mb->url : "");
  char **row = find_row(rows, key);
  json_builder_begin_object(b);
  member(b, "name", mb->name);
  member(b, "url", mb->url);
  member(b, "user", mb->user);
  member(b, "last_poll", row ? row[1] : NULL);
  member(b, "last_success", row ? row[2] : NULL);
  gboolean failing = row && g_ascii_strtoll(row[5], NULL, 10) > 0;
  member(b, "last_result", !row || !row[1] ? "never" : failing ? "failed" : "ok");
  member(b, "last_error", row ? row[3] : NULL);
  member(b, "last_error_at", row ? row[4] : NULL);
  member_int(b, "failed_polls_in_a_row", row ? row[5] : "0");
  member_int(b, "needs_review", row ? row[9] : "0");
  json_builder_set_member_name(b, "lock_held");
  gboolean held = row && g_strcmp0(row[13], "t") == 0;
  json_builder_add_boolean_value(b, held);
  member_int(b, "lock_age_s", row ? row[10] : NULL);
  member_int(b, "not_stored", row ? row[12] : "0");
  g_autoptr(GError) imap_error = NULL;
  gint64 n = backlog(mb, row, &imap_error);
  json_builder_set_member_name(b, "backlog");
  if (n >= 0)
    json_builder_add_int_value(b, n);
  else
    json_builder_add_null_value(b);
  json_builder_set_member_name(b, "imap_reachable");
  json_builder_add_boolean_value(b, n >= 0);
  member(b, "imap_error", imap_error ? imap_error->message : NULL);
  json_builder_end_object(b);

  g_string_append_printf(text, "mailbox [%s] %s\n  last poll %s (%s), last success %s\n", mb->name, key,
                         row && row[1] ? row[1] : "never",
                         !row || !row[1] ? "never"
                         : failing       ? "failed"
                                         : "ok",
                         row && row[2] ? row[2] : "never");
  if (n >= 0)
    g_string_append_printf(text, "  backlog %" G_GINT64_FORMAT " mails", n);
  else
    g_string_append_printf(text, "  backlog unknown: %s", imap_error->message);
  g_string_append_printf(text, ", needs review %s, lock %s%s%s\n", row ? row[9] : "0",
                         !held            ? "free"
                         : row && row[10] ? "held for "
                                          : "held by a session of another database role (its age is hidden)",
                         held && row[10] ? row[10] : "", held && row[10] ? " s" : "");

  if (row && g_ascii_strtoll(row[12], NULL, 10) > 0) {
    g_string_append_printf(text, "  %s mails not stored, only their UID (intake.quarantine)\n", row[12]);
    fail(st, "mailbox [%s]: %s mails could not be stored, see intake.quarantine", mb->name, row[12]);
  }
  /* "not reachable" only when it is not (blind round 11c: a refused login was headed so) */
  if (n < 0)
    fail(st, "mailbox [%s]: %s: %s", mb->name,
         g_error_matches(imap_error, FETCHER_ERROR, FETCHER_ERROR_CONNECT) ? "IMAP server not reachable"
                                                                           : "IMAP check failed",
         imap_error->message);
  if (!row || !row[1])
    fail(st, "mailbox [%s]: never polled", mb->name);
  else if (age_s(row[1]) > STALE_POLL_S)
    fail(st, "mailbox [%s]: no poll for %" G_GINT64_FORMAT " min (is intake-poll.timer running?)", mb->name,
         age_s(row[1]) / 60);
  if (failing)
    fail(st, "mailbox [%s]: the last %s polls failed: %s", mb->name, row[5], row[3] ? row[3] : "");
  if (row && row[10] && g_ascii_strtoll(row[10], NULL, 10) > (gint64)mb->stale_lock_after_s)
    fail(st,
         "mailbox [%s]: a poll has held the lock for %s s, longer than stale_lock_after (%u s): a hung poll?",
         mb->name, row[10], mb->stale_lock_after_s);
}

static void
summary_status(Status *st, char **s, GString *text)
{
  JsonBuilder *b = st->json;
  json_builder_set_member_name(b, "outbox");
  json_builder_begin_object(b);
  member_int(b, "pending", s[0]);
  member_int(b, "oldest_pending_s", s[1]);
  member_int(b, "failed", s[2]);
  member_int(b, "failed_24h", s[3]);
  member_int(b, "sending", s[22]);
  json_builder_end_object(b);
  json_builder_set_member_name(b, "orders");
  json_builder_begin_object(b);
  member_int(b, "queue", s[6]);
  member_int(b, "at_risk", s[4]);
  member_int(b, "missed", s[5]);
  member_int(b, "needs_review", s[7]);
  json_builder_end_object(b);
  json_builder_set_member_name(b, "policy");
  json_builder_begin_object(b);
  member(b, "holidays_until", s[8]);
  json_builder_set_member_name(b, "holidays_cover_90d");
  json_builder_add_boolean_value(b, g_strcmp0(s[9], "t") == 0);
  json_builder_set_member_name(b, "holidays_cover_14d");
  json_builder_add_boolean_value(b, g_strcmp0(s[18], "t") == 0);
  member_int(b, "registry_rows", s[11]);
  member_int(b, "registry_age_s", s[10]);
  json_builder_end_object(b);
  json_builder_set_member_name(b, "alerts");
  json_builder_begin_object(b);
  member_int(b, "undelivered", s[20]);
  json_builder_end_object(b);

  g_string_append_printf(text, "outbox: %s pending%s%s%s, %s sending, %s failed (%s in 24 h)\n", s[0],
                         s[1] ? " (oldest " : "", s[1] ? s[1] : "", s[1] ? " s)" : "", s[22], s[2], s[3]);
  g_string_append_printf(
    text, "orders: %s open, %s at risk (a deadline within the hour), %s missed, %s need review\n", s[6], s[4],
    s[5], s[7]);
  g_string_append_printf(text, "policy: holidays until %s, registry %s rows, last changed %s s ago\n",
                         s[8] ? s[8] : "-", s[11], s[10] ? s[10] : "-");

  if (s[1] && g_ascii_strtoll(s[1], NULL, 10) > OUTBOX_PENDING_MAX_S)
    fail(st, "outbox: an acknowledgement has waited %" G_GINT64_FORMAT " min to be sent",
         g_ascii_strtoll(s[1], NULL, 10) / 60);
  /* An address that bounces for good (550) is the customer's, not the service's: a warning to read
   * (intake.outbox status failed). A relay that is down shows as acknowledgements waiting (above). */
  if (g_ascii_strtoll(s[3], NULL, 10) > 0)
    warn(st,
         "outbox: %s acknowledgements failed for good in the last 24 h (intake.outbox status failed, see "
         "last_error)",
         s[3]);
  /* A year missing within two weeks makes today's deadlines wrong (its holidays count as workdays):
   * unhealthy. Within 90 days it is a reminder: the State Council publishes the next year's
   * schedule only in November, so paging ops for it from October on would be noise. */
  if (g_strcmp0(s[18], "t") != 0)
    fail(st,
         "policy: intake.holidays does not cover the next 14 days (newest day %s; a year counts once its "
         "whole notice is in): deadlines are computed without that year's holidays; add its rows",
         s[8] ? s[8] : "none");
  else if (g_strcmp0(s[9], "t") != 0)
    warn(st,
         "policy: intake.holidays does not cover the next 90 days (newest day %s; a year counts once its "
         "whole notice is in): add the next year's rows once the State Council publishes them",
         s[8] ? s[8] : "none");
  if (g_ascii_strtoll(s[11], NULL, 10) == 0)
    fail(st, "policy: the asset registry is empty (intake assets import)");
  /* blind round 18: a P1 alert failed seven times on an unreachable webhook, status said healthy */
  if (g_ascii_strtoll(s[20], NULL, 10) > 0)
    fail(st,
         "alerts: %s not delivered after 3 tries or more (last error: %s): the duty team is not being told; "
         "check [alerts] webhook_url and mail_to (intake.alerts WHERE sent_at IS NULL)",
         s[20], s[21] ? s[21] : "none");
}

/* The database's migrations against this binary's: behind (a migrate forgotten after an upgrade) or
 * ahead (a newer intake migrated it: this one is a rollback) is unhealthy. */
static void
schema_status(Status *st, StoreConn *conn, const char *sql_dir, GString *text)
{
  JsonBuilder *b = st->json;
  StoreSchemaState s;
  g_autoptr(GError) error = NULL;
  json_builder_set_member_name(b, "schema");
  json_builder_begin_object(b);
  if (!store_schema_state(conn, sql_dir, &s, &error)) {
    member(b, "error", error->message);
    json_builder_end_object(b);
    fail(st, "schema: %s", error->message);
    return;
  }
  member(b, "database", s.newest);
  member(b, "intake", s.known_newest);
  json_builder_set_member_name(b, "missing");
  json_builder_add_int_value(b, s.missing->len);
  json_builder_set_member_name(b, "unknown");
  json_builder_add_int_value(b, s.unknown->len);
  json_builder_end_object(b);
  g_string_append_printf(text, "schema: %s (%u migrations), this intake's newest %s\n",
                         s.newest ? s.newest : "-", s.applied, s.known_newest ? s.known_newest : "-");
  if (s.missing->len)
    fail(st, "schema: %u migration(s) of this intake not applied (the first %s): run `intake db migrate`",
         s.missing->len, (char *)g_ptr_array_index(s.missing, 0));
  g_autofree char *ahead = store_schema_ahead(&s);
  if (ahead)
    fail(st, "schema: %s", ahead);
  store_schema_state_clear(&s);
  /* blind round 20: without an alert channel nothing else said that every poll failed */
  gboolean read_only = FALSE;
  g_autoptr(GError) ro_error = NULL;
  if (!store_read_only(conn, &read_only, &ro_error))
    fail(st, "database: %s", ro_error->message);
  json_builder_set_member_name(b, "database_read_only");
  json_builder_add_boolean_value(b, read_only);
  if (read_only)
    fail(st,
         "database: read-only (default_transaction_read_only is on, or a standby after a fail-over): no poll "
         "can store mail — point [db] conninfo at the primary");
}

int
cli_cmd_status(int argc, char **argv)
{
  g_autofree char *config_path = NULL;
  gboolean as_json = FALSE;
  GOptionEntry entries[] = {
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path, "Configuration file", "FILE" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, "One JSON object", NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new("- health of the mailboxes, outbox and queue");
  g_option_context_add_main_entries(ctx, entries, NULL);
  g_autoptr(GError) error = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &error) || argc != 1) {
    fprintf(stderr, "intake status: %s\n", error ? error->message : "unexpected argument");
    return EXIT_USAGE;
  }
  g_autoptr(CliConfig) config = cli_config_load(config_path, &error);
  if (!config) {
    cli_log(CLI_LOG_ERROR, "%s", error->message);
    return EXIT_USAGE;
  }
  cli_log_open(config);
  /* no mailbox to check is no health to report (a check run from another directory) */
  g_autofree char *no_mailbox = cli_config_no_mailbox(config);
  if (no_mailbox) {
    if (as_json)
      printf("{\"healthy\":false,\"unhealthy\":[\"config: no mailbox configured\"]}\n");
    cli_log(CLI_LOG_ERROR, "status: %s", no_mailbox);
    return EXIT_USAGE;
  }
  g_autoptr(StoreConn) conn = store_connect(config->db_conninfo, &error);
  g_autoptr(StoreRows) mailboxes = conn ? store_status_mailboxes(conn, &error) : NULL;
  g_autoptr(StoreRows) summary = mailboxes ? store_status_summary(conn, &error) : NULL;
  if (!summary || summary->rows->len != 1) {
    if (as_json)
      printf("{\"healthy\":false,\"unhealthy\":[\"database: %s\"]}\n", "not reachable or not migrated");
    cli_log(CLI_LOG_ERROR, "status: database: %s", error ? error->message : "no summary");
    return EXIT_RUNTIME;
  }
  Status st = { .json = json_builder_new(),
                .unhealthy = g_ptr_array_new_with_free_func(g_free),
                .warnings = g_ptr_array_new_with_free_func(g_free) };
  g_autoptr(GString) text = g_string_new(NULL);
  json_builder_begin_object(st.json);
  json_builder_set_member_name(st.json, "mailboxes");
  json_builder_begin_array(st.json);
  for (guint i = 0; i < config->mailboxes->len; i++)
    mailbox_status(&st, g_ptr_array_index(config->mailboxes, i), mailboxes, text);
  json_builder_end_array(st.json);
  summary_status(&st, g_ptr_array_index(summary->rows, 0), text);
  if (config->smtp.send && config->smtp.password_problem)
    fail(&st, "smtp: %s: no acknowledgement can be sent", config->smtp.password_problem);
  /* reached now, but the polls could not use it (a read-only standby, a schema behind): blind round
   * 13, "status: healthy" meanwhile */
  g_autofree char *outage = cli_alerts_outage_describe(config);
  if (outage)
    fail(&st, "%s", outage);
  schema_status(&st, conn, config->sql_dir, text);
  json_builder_set_member_name(st.json, "healthy");
  json_builder_add_boolean_value(st.json, st.unhealthy->len == 0);
  json_builder_set_member_name(st.json, "unhealthy");
  json_builder_begin_array(st.json);
  for (guint i = 0; i < st.unhealthy->len; i++)
    json_builder_add_string_value(st.json, g_ptr_array_index(st.unhealthy, i));
  json_builder_end_array(st.json);
  json_builder_set_member_name(st.json, "warnings");
  json_builder_begin_array(st.json);
  for (guint i = 0; i < st.warnings->len; i++)
    json_builder_add_string_value(st.json, g_ptr_array_index(st.warnings, i));
  json_builder_end_array(st.json);
  json_builder_end_object(st.json);
  if (as_json) {
    g_autofree char *out = jsonout_builder_to_string(st.json, TRUE);
    printf("%s\n", out);
  } else {
    fputs(text->str, stdout);
    for (guint i = 0; i < st.warnings->len; i++)
      printf("WARNING %s\n", (char *)g_ptr_array_index(st.warnings, i));
    for (guint i = 0; i < st.unhealthy->len; i++)
      printf("UNHEALTHY %s\n", (char *)g_ptr_array_index(st.unhealthy, i));
    printf("%s\n", st.unhealthy->len ? "status: unhealthy" : "status: healthy");
  }
  int rc = st.unhealthy->len ? EXIT_RUNTIME : EXIT_OK;
  g_object_unref(st.json);
  g_ptr_array_unref(st.unhealthy);
  g_ptr_array_unref(st.warnings);
  return rc;
}
