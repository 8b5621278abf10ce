/* cli/metrics.c: [metrics] textfile — the Prometheus text format for node_exporter's textfile
 * collector, written after each poll. Totals come from the database (they survive restarts and
 * count every poll, whichever host ran it); the last run's counts are gauges. */
#include "golive.h"

#include <stdio.h>
#include <string.h>

static void
metric(GString *out, const char *name, const char *type, const char *help, const char *value)
{
  g_string_append_printf(out, "# HELP %s %s\n# TYPE %s %s\n%s %s\n", name, help, name, type, name,
                         value && *value ? value : "0");
}

/* A label value: backslash, double quote and newline escaped. */
static char *
label(const char *v)
{
  GString *s = g_string_new(NULL);
  for (const char *p = v; p && *p; p++) {
    if (*p == '\\' || *p == '"')
      g_string_append_c(s, '\\');
    if (*p == '\n')
      g_string_append(s, "\\n");
    else
      g_string_append_c(s, *p);
  }
  return g_string_free(s, FALSE);
}

static void
mailbox_metrics(GString *out, const StoreRows *mb)
{
  static const struct {
    const char *name, *type, *help;
    guint col;
  } per[] = {
    { "intake_mailbox_polls_total", "counter", "Polls of the mailbox", 6 },
    { "intake_mailbox_failed_polls", "gauge", "Polls of the mailbox failed in a row", 5 },
    { "intake_mailbox_needs_review", "gauge", "Orders of the mailbox waiting for review", 9 },
    { "intake_mailbox_last_success_timestamp_seconds", "gauge", "Last successful poll (Unix time)", 11 },
  };
  for (guint k = 0; k < G_N_ELEMENTS(per); k++) {
    g_string_append_printf(out, "# HELP %s %s\n# TYPE %s %s\n", per[k].name, per[k].help, per[k].name,
                           per[k].type);
    for (guint i = 0; i < mb->rows->len; i++) {
      char **r = g_ptr_array_index(mb->rows, i);
      g_autofree char *name = label(r[0]);
      g_string_append_printf(out, "%s{mailbox=\"%s\"} %s\n", per[k].name, name,
                             r[per[k].col] ? r[per[k].col] : "0");
    }
  }
}

static char *
render(const StoreRows *sum, const StoreRows *mb, const CliPollRun *run)
{
  char **s = g_ptr_array_index(sum->rows, 0);
  GString *out = g_string_new(NULL);
  metric(out, "intake_polls_total", "counter", "Polls of every mailbox", s[15]);
  metric(out, "intake_mails_fetched_total", "counter", "Mails fetched and stored", s[12]);
  metric(out, "intake_orders_total", "counter", "Orders created", s[13]);
  metric(out, "intake_quarantined", "gauge",
         "Mails waiting for review because they could not be read (unreadable, unfetchable, over a limit, "
         "not stored)",
         s[19]);
  metric(out, "intake_needs_review", "gauge",
         "Orders waiting for review, for any reason (intake.needs_review)", s[7]);
  metric(out, "intake_acks_sent_total", "counter", "Acknowledgements delivered", s[14]);
  metric(out, "intake_acks_failed", "gauge", "Acknowledgements failed for good (need ops)", s[2]);
  metric(out, "intake_outbox_pending", "gauge", "Acknowledgements waiting to be sent", s[0]);
  metric(out, "intake_queue_size", "gauge", "Open orders (intake.queue)", s[6]);
  metric(out, "intake_orders_missed", "gauge", "Open orders with a missed deadline", s[5]);
  metric(out, "intake_orders_at_risk", "gauge", "Open orders with a deadline within the hour", s[4]);
  metric(out, "intake_last_success_timestamp_seconds", "gauge", "Last successful poll of any mailbox", s[17]);
  mailbox_metrics(out, mb);
  char v[32];
#define RUN(field, help)                                                                                     \
  g_snprintf(v, sizeof v, "%u", run->field);                                                                 \
  metric(out, "intake_last_run_" #field, "gauge", help, v)
  RUN(fetched, "Mails fetched by the last poll");
  RUN(orders, "Orders created by the last poll");
  RUN(quarantined, "Mails stored for review by the last poll");
  RUN(acks_sent, "Acknowledgements sent by the last poll");
  RUN(acks_failed, "Acknowledgements failed for good in the last poll");
#undef RUN
  g_snprintf(v, sizeof v, "%" G_GINT64_FORMAT, g_get_real_time() / G_USEC_PER_SEC);
  metric(out, "intake_last_run_timestamp_seconds", "gauge", "When the last poll ended", v);
  return g_string_free(out, FALSE);
}

void
cli_metrics_write(const CliConfig *config, StoreConn *conn, const CliPollRun *run)
{
  if (!config->metrics_textfile)
    return;
  g_autoptr(GError) error = NULL;
  g_autoptr(StoreRows) sum = store_status_summary(conn, &error);
  g_autoptr(StoreRows) mb = sum ? store_status_mailboxes(conn, &error) : NULL;
  if (!mb || sum->rows->len != 1) {
    cli_log(CLI_LOG_WARN, "metrics: %s", error ? error->message : "no summary row");
    return;
  }
  g_autofree char *text = render(sum, mb, run);
  /* g_file_set_contents writes a temporary file beside it and renames it: the collector never reads
   * half a file */
  if (!g_file_set_contents(config->metrics_textfile, text, -1, &error))
    cli_log(CLI_LOG_WARN, "metrics: %s", error->message);
}
