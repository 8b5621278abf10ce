/* cli/cmd_poll.c: `intake poll` — options, config, each mailbox under its advisory lock (its new mail:
 * cli/poll_ingest.c), then corrected and paused orders, the outbox, alerts and metrics. */
#include "cli.h"
#include "acks_send.h"
#include "golive.h"
#include "pipeline.h"
#include "poll_ingest.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>

/* Another poll holds the mailbox: who and since when, a warning; held longer than stale_lock_after
 * (a hung poll keeps it until its connection ends), an error naming what ends it. */
/* The mailbox lock is tried again for LOCK_RETRIES × LOCK_RETRY_MS (1 s) before the poll gives way. */
#define LOCK_RETRIES 10
#define LOCK_RETRY_MS 100

static void
report_lock(StoreConn *conn, const CliMailbox *mb, const char *key)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StoreLockHolder) h = store_lock_holder(conn, key, &error);
  if (!h) {
    cli_log(CLI_LOG_WARN, "[%s] another poll holds the lock%s%s", mb->name, error ? ": " : "",
            error ? error->message : "");
    return;
  }
  gint64 age = MAX(h->age_s, h->xact_age_s);
  if (!h->since) {
    /* another role's session (blind round 18: "psql on local socket (…, ?), connected ?, -1 s ago") */
    cli_log(CLI_LOG_WARN,
            "[%s] another session holds the lock: %s on %s (PostgreSQL backend %d, role %s); its start is "
            "hidden from this role (pg_read_all_stats shows it). Not a poll of ours? End it: SELECT "
            "pg_terminate_backend(%d)",
            mb->name, h->application && *h->application ? h->application : "?", h->client ? h->client : "?",
            h->pid, h->role ? h->role : "?", h->pid);
    return;
  }
  cli_log(
    CLI_LOG_WARN,
    "[%s] another poll holds the lock: %s on %s (PostgreSQL backend %d, %s), connected %s, %" G_GINT64_FORMAT
    " s ago%s",
    mb->name, h->application ? h->application : "?", h->client ? h->client : "?", h->pid,
    h->state ? h->state : "?", h->since ? h->since : "?", h->age_s,
    h->xact_age_s >= 0 ? ", in a transaction" : "");
  if (age >= (gint64)mb->stale_lock_after_s)
    cli_log(CLI_LOG_ERROR,
            "[%s] the poll lock has been held for %" G_GINT64_FORMAT
            " s, longer than stale_lock_after (%u s): a hung poll? Stop it (%s on %s: kill that pid), or"
            " end its database session: SELECT pg_terminate_backend(%d)",
            mb->name, age, mb->stale_lock_after_s, h->application ? h->application : "?",
            h->client ? h->client : "?", h->pid);
}

/* One mailbox's IMAP session, opened and its STATUS asked (on a thread) before the poll needs it: the
 * connection, TLS handshake and login (~15 ms here) then overlap PostgreSQL's connection and the lock
 * of the poll, or of the mailbox before. */
typedef struct {
  char *problem; /* NULL, or why the mailbox is skipped, logged when its turn comes */
  gboolean
    config_error; /* problem: the file's (url, user, password file: exit 2); else a run-time one (exit 1) */
  FetcherSession *imap;
  CliStatusAhead *status;
} MailboxStart;

static void
mailbox_start(CliConfig *config, const CliMailbox *mb, MailboxStart *s)
{
  g_autoptr(GError) error = NULL;
  if (!mb->url || !*mb->url || !mb->user || !*mb->user) {
    s->problem = g_strdup_printf("config %s: [%s] url and user are required", config->path, mb->name);
    s->config_error = TRUE;
    return;
  }
  /* a file named in the config gone or unreadable (moved, its owner changed) is a failing poll the
   * duty team is told of (exit 1, blind round 11c), said plainly (blind round 20: a missing ca_file
   * was "error setting certificate file") */
  if (mb->password_problem) {
    s->problem =
      g_strdup_printf("[%s] not polled, its password cannot be read: %s", mb->name, mb->password_problem);
    return;
  }
  if (mb->ca_file && *mb->ca_file && g_access(mb->ca_file, R_OK) != 0) {
    int e = errno;
    s->problem = g_strdup_printf("[%s] not polled, its ca_file cannot be read: %s: %s", mb->name, mb->ca_file,
                                 g_strerror(e));
    return;
  }
  if (!mb->password) {
    s->problem = g_strdup_printf("config %s: [%s] has no password (password_file or $INTAKE_IMAP_PASSWORD)",
                                 config->path, mb->name);
    return;
  }
  FetcherImapOptions io = {
    .url = mb->url,
    .user = mb->user,
    .password = mb->password,
    .tls_verify = mb->tls_verify,
    .ca_file = mb->ca_file,
    .plain_text = mb->plain_text,
    .max_message_bytes = config->limits.max_bytes, /* never downloaded whole: quarantined */
    .timeout_s = mb->timeout_s,
  };
  s->imap = fetcher_session_open(&io, &error);
  if (!s->imap) {
    s->problem = g_strdup_printf("config %s: [%s] %s", config->path, mb->name, error->message);
    /* an url no retry mends (https://…): exit 2 (blind round 20) */
    s->config_error = g_error_matches(error, FETCHER_ERROR, FETCHER_ERROR_CONFIG);
    return;
  }
  s->status = cli_status_ahead_start(s->imap);
}

static void
mailbox_start_clear(MailboxStart *s)
{
  if (s->status) /* a poll that stopped before it: the session is ours again */
    cli_status_ahead_finish(g_steal_pointer(&s->status), NULL, NULL, NULL);
  g_clear_pointer(&s->imap, fetcher_session_close);
  g_clear_pointer(&s->problem, g_free);
}

/* PostgreSQL itself failing (unreachable, read-only, a schema behind: store_error_transient) is the
 * run's database outage for the duty team (cli_alerts_database_down); the first one is kept. */
static void
note_db_failure(CliPollRun *run, const GError *error)
{
  if (store_error_transient(error) && !run->db_failure)
    run->db_failure = g_strdup(error->message);
}

/* Polls one mailbox (its session started by mailbox_start) under its own advisory lock. Returns
 * EXIT_OK, EXIT_RUNTIME, EXIT_USAGE or EXIT_TEMPFAIL (another poll holds it). */
static int
poll_one(CliConfig *config, const CliMailbox *mb, MailboxStart *start, StoreConn *conn, ParserConfig **parser,
         ClassifierPolicy **policy, const AcksSmtpConfig *acks, gboolean quiet, CliPollRun *run)
{
  g_autoptr(GError) error = NULL;
  gint64 t0 = g_get_monotonic_time();
  cli_log_field("mailbox", mb->name);
  g_autofree char *key = g_strdup_printf("%s %s", mb->user, mb->url);
  if (start->problem) {
    cli_log(CLI_LOG_ERROR, "%s", start->problem);
    /* a mailbox that names its server and user: its poll failed like any other, for status and the
     * duty team (failing_polls) — a password file the poll's user cannot read must not stay silent */
    StoreMailbox failed = { 0 };
    g_autoptr(GError) count_error = NULL;
    if (mb->url && *mb->url && mb->user && *mb->user) {
      if (store_mailbox_get(conn, key, &failed, &count_error)) {
        store_mailbox_record_error(conn, failed.id, start->problem);
        store_mailbox_count_poll(conn, failed.id, FALSE, &count_error);
      }
      if (count_error)
        cli_log(CLI_LOG_WARN, "[%s] %s", mb->name, count_error->message);
      note_db_failure(run, count_error);
    }
    return start->config_error ? EXIT_USAGE : EXIT_RUNTIME;
  }
  FetcherSession *imap = start->imap;
  /* Busy: a running poll (exit 75 at once would do), or the backend of one killed a moment ago still
   * ending its statement (store/conn.c STORE_CLIENT_CHECK) — a short wait tells them apart. */
  gboolean locked = store_lock_try(conn, key, &error);
  for (guint i = 0; !locked && i < LOCK_RETRIES && g_error_matches(error, STORE_ERROR, STORE_ERROR_BUSY);
       i++) {
    g_clear_error(&error);
    g_usleep(LOCK_RETRY_MS * 1000);
    locked = store_lock_try(conn, key, &error);
  }
  if (!locked) {
    if (g_error_matches(error, STORE_ERROR, STORE_ERROR_BUSY)) {
      report_lock(conn, mb, key);
      return EXIT_TEMPFAIL;
    }
    cli_log(CLI_LOG_ERROR, "%s", error->message);
    note_db_failure(run, error);
    return EXIT_RUNTIME;
  }
  CliPollTarget target = { .config = config,
                           .mb = mb,
                           .conn = conn,
                           .imap = imap,
                           .parser = parser,
                           .policy = policy,
                           .acks = acks,
                           .mailbox_key = key };
  StoreMailbox mailbox = { 0 };
  CliPollStats stats = { 0 };
  if (!store_mailbox_get(conn, key, &mailbox, &error)) {
    cli_log(CLI_LOG_ERROR, "%s", error->message);
    note_db_failure(run, error);
    return EXIT_RUNTIME;
  }
  target.status = g_steal_pointer(&start->status);
  gboolean ok = cli_poll_ingest(&target, &mailbox, &stats, &error);
  if (!ok)
    store_mailbox_record_error(conn, mailbox.id, error->message);
  g_autoptr(GError) count_error = NULL; /* a success is stamped with the count */
  if (!store_mailbox_count_poll(conn, mailbox.id, ok, &count_error))
    cli_log(CLI_LOG_WARN, "[%s] %s", mb->name, count_error->message);
  /* PostgreSQL itself failing (a read-only standby after a fail-over, the connection lost, a schema
   * behind): an outage for the duty team like an unreachable one (blind round 13: exit 1, no alert,
   * status healthy) */
  note_db_failure(run, ok ? NULL : error);
  note_db_failure(run, count_error);
  run->fetched += stats.fetched;
  run->orders += stats.orders;
  run->quarantined += stats.quarantined;
  g_autoptr(GError) unlock_error = NULL;
  store_lock_release(conn, key, &unlock_error);
  double secs = (double)(g_get_monotonic_time() - t0) / 1e6;
  if (!ok) {
    cli_log(CLI_LOG_ERROR, "[%s] %s", mb->name, error->message);
    cli_log(CLI_LOG_ERROR, "[%s] poll stopped: %u fetched, %u new orders kept", mb->name, stats.fetched,
            stats.orders);
    return EXIT_RUNTIME;
  }
  if (!quiet)
    printf("poll %s: fetched %u, new orders %u, follow-ups %u, duplicates %u, ignored %u, quarantined %u,"
           " acks queued %u, %.3f s\n",
           fetcher_session_mailbox(imap), stats.fetched, stats.orders, stats.followups, stats.duplicates,
           stats.ignored, stats.quarantined, stats.acks_queued, secs);
  return EXIT_OK;
}

/* ~90 lines: the run in order — options, config, connections, each mailbox, SLA refresh, the outbox,
 * alerts and metrics — reads best as one sequence. */
int
cli_cmd_poll(int argc, char **argv)
{
  g_autofree char *config_path = NULL;
  gboolean verbose = FALSE, quiet = FALSE;
  GOptionEntry entries[] = {
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path, "Configuration file", "FILE" },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Log each mail", NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "Log errors only, no summary", NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new("- fetch new mail and queue orders");
  g_option_context_add_main_entries(ctx, entries, NULL);
  g_autoptr(GError) error = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &error) || argc != 1) {
    fprintf(stderr, "intake poll: %s\n", error ? error->message : "unexpected argument");
    return EXIT_USAGE;
  }
  cli_log_set_level(quiet ? CLI_LOG_ERROR : verbose ? CLI_LOG_DEBUG : CLI_LOG_INFO);
  g_autoptr(CliConfig) config = cli_config_load(config_path, &error);
  if (!config) {
    cli_log(CLI_LOG_ERROR, "%s", error->message);
    return EXIT_USAGE;
  }
  cli_log_open(config);
  g_autofree char *no_mailbox = cli_config_no_mailbox(config);
  if (no_mailbox) {
    cli_log(CLI_LOG_ERROR, "%s", no_mailbox);
    return EXIT_USAGE;
  }
  /* the first mailbox's IMAP login runs while PostgreSQL is connected to; each next one's while the
   * mailbox before it is polled */
  guint n = config->mailboxes->len;
  g_autofree MailboxStart *starts = g_new0(MailboxStart, n);
  mailbox_start(config, g_ptr_array_index(config->mailboxes, 0), &starts[0]);
  g_autoptr(StoreConn) conn = store_connect(config->db_conninfo, &error);
  if (!conn) {
    cli_log(CLI_LOG_ERROR, "%s", error->message);
    mailbox_start_clear(&starts[0]);
    cli_alerts_database_down(config, error->message);
    return EXIT_RUNTIME;
  }
  g_autoptr(ParserConfig) parser = NULL; /* loaded when a mail or a corrected order needs it */

  g_autoptr(ClassifierPolicy) policy = NULL; /* loaded when a mail or a paused order needs it */
  AcksSmtpConfig acks = { 0 };
  if (!acks_smtp_config_load(config, &acks, &error)) {
    cli_log(CLI_LOG_ERROR, "%s", error->message);
    acks_smtp_config_clear(&acks);
    mailbox_start_clear(&starts[0]);
    return EXIT_USAGE;
  }
  int rc = EXIT_OK;
  guint locked = 0;
  CliPollRun run = { 0 };
  for (guint i = 0; i < n; i++) {
    if (i + 1 < n)
      mailbox_start(config, g_ptr_array_index(config->mailboxes, i + 1), &starts[i + 1]);
    int r = poll_one(config, g_ptr_array_index(config->mailboxes, i), &starts[i], conn, &parser, &policy,
                     &acks, quiet, &run);
    mailbox_start_clear(&starts[i]);
    if (r == EXIT_TEMPFAIL)
      locked++;
    else if (r != EXIT_OK && (rc == EXIT_OK || r == EXIT_USAGE))
      rc = r;
  }
  cli_log_field("mailbox", NULL); /* what follows is about every mailbox */
  g_autofree char *db_failure = g_steal_pointer(&run.db_failure);
  if (db_failure)
    cli_alerts_database_down(config, db_failure);
  else
    cli_alerts_database_reached(config, conn);
  if (locked == config->mailboxes->len) {
    acks_smtp_config_clear(&acks);
    return EXIT_TEMPFAIL;
  }
  /* orders ops corrected (intake.correct): coverage, priority and deadlines again */
  guint corrected = 0;
  if (!pipeline_corrections_apply(conn, config, &parser, &policy, &corrected, &error)) {
    cli_log(CLI_LOG_ERROR, "%s", error->message);
    acks_smtp_config_clear(&acks);
    return EXIT_RUNTIME;
  }
  if (corrected)
    cli_log(CLI_LOG_INFO, "policy re-applied to %u corrected orders", corrected);
  /* deadlines moved by ops' SLA pauses (intake.pause_sla / resume_sla) */
  guint sla_updated = 0;
  if (!pipeline_sla_refresh(conn, &policy, &sla_updated, &error)) {
    cli_log(CLI_LOG_ERROR, "%s", error->message);
    acks_smtp_config_clear(&acks);
    return EXIT_RUNTIME;
  }
  if (sla_updated)
    cli_log(CLI_LOG_INFO, "deadlines recomputed for %u paused or resumed orders", sla_updated);
  /* Deliver what the outbox holds; an unreachable SMTP server leaves it pending (exit 0). */
  if (acks.send) {
    guint sent = 0, failed = 0;
    if (!acks_send_pending(conn, &acks, &sent, &failed, &error)) {
      cli_log(CLI_LOG_ERROR, "acknowledgements: %s", error->message);
      if (rc == EXIT_OK)
        rc = EXIT_RUNTIME;
    } else if (!quiet && (sent || failed)) {
      printf("acks: sent %u, failed %u\n", sent, failed);
    }
    run.acks_sent = sent;
    run.acks_failed = failed;
  }
  /* never block or fail the poll: both log their own problems */
  cli_alerts_run(config, conn, &acks);
  cli_metrics_write(config, conn, &run);
  acks_smtp_config_clear(&acks);
  return rc;
}
