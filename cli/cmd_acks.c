/* cli/cmd_acks.c: `intake acks send` drains the outbox; `intake acks queue` writes the outbox rows
 * of recent orders that have none (orders stored while acknowledgements were not wired or a
 * template was broken): the same decision and rendering poll makes in the order's transaction. */
#include "acks_send.h"
#include "cli.h"
#include "pipeline.h"

#include <stdio.h>
#include <string.h>

static int
acks_send(CliConfig *config, StoreConn *conn, gboolean quiet)
{
  AcksSmtpConfig sc;
  g_autoptr(GError) error = NULL;
  if (!acks_smtp_config_load(config, &sc, &error)) {
    cli_log(CLI_LOG_ERROR, "%s", error->message);
    return EXIT_USAGE;
  }
  guint sent = 0, failed = 0;
  gboolean ok = acks_send_pending(conn, &sc, &sent, &failed, &error);
  acks_smtp_config_clear(&sc);
  if (!ok) {
    cli_log(CLI_LOG_ERROR, "%s", error->message);
    cli_log(CLI_LOG_ERROR, "acks send stopped: %u sent, the rest stay in the outbox", sent);
    return EXIT_RUNTIME;
  }
  gint64 pending = 0, failed_total = 0;
  gboolean counted = store_outbox_counts(conn, &pending, &failed_total, NULL);
  g_autofree char *pending_text = counted ? g_strdup_printf("%" G_GINT64_FORMAT, pending) : g_strdup("?");
  g_autofree char *failed_text = counted ? g_strdup_printf("%" G_GINT64_FORMAT, failed_total) : g_strdup("?");
  if (!quiet)
    printf("acks: sent %u, failed %u, pending %s, failed in total %s\n", sent, failed, pending_text,
           failed_text);
  return EXIT_OK;
}

static int
acks_queue(CliConfig *config, StoreConn *conn, guint hours, gboolean quiet)
{
  AcksSmtpConfig sc;
  g_autoptr(GError) error = NULL;
  if (!acks_smtp_config_load(config, &sc, &error)) {
    cli_log(CLI_LOG_ERROR, "%s", error->message);
    return EXIT_USAGE;
  }
  g_autoptr(ParserConfig) parser = cli_parser_config_load(config, &error);
  g_autoptr(ClassifierPolicy) policy = parser ? pipeline_policy_load(conn, &error) : NULL;
  if (!policy) {
    cli_log(CLI_LOG_ERROR, "%s", error->message);
    acks_smtp_config_clear(&sc);
    return EXIT_RUNTIME;
  }
  g_autoptr(StoreRows) orders = store_orders_without_ack(conn, hours, &error);
  guint queued = 0, suppressed = 0;
  int rc = EXIT_OK;
  for (guint i = 0; orders && i < orders->rows->len; i++) {
    char **row = g_ptr_array_index(orders->rows, i);
    gint64 id = g_ascii_strtoll(row[0], NULL, 10);
    g_autoptr(GBytes) raw = store_order_initial_raw(conn, id, &error);
    if (!raw)
      break;
    gsize len = 0;
    const char *data = g_bytes_get_data(raw, &len);
    g_autoptr(ParserRequest) req = parser_parse(parser, NULL, data ? data : "", len, NULL);
    g_autoptr(GDateTime) received = g_date_time_new_from_iso8601(row[2], NULL);
    g_autoptr(ClassifierAsset) asset = NULL;
    g_autoptr(ClassifierResult) result = NULL;
    if (req && !req->ignored_reason) {
      g_autofree char *warning = NULL;
      asset = pipeline_asset_lookup(conn, req, &warning, &error);
      if (!asset && error)
        break;
      result = classifier_classify(policy, req, asset, received, &error);
      if (!result)
        break;
    }
    AcksOrder ao = {
      .order_id = id,
      .order_no = row[1],
      .request = req,
      .result = result,
      .raw = data,
      .raw_len = len,
      .time_zone = classifier_policy_time_zone(policy),
      .received = received,
    };
    g_autofree char *outcome = NULL;
    if (!store_begin(conn, &error) || !acks_queue_order(conn, &sc, &ao, &outcome, &error) ||
        !store_commit(conn, &error)) {
      store_rollback(conn);
      break;
    }
    cli_log(CLI_LOG_DEBUG, "order %s: %s", row[1], outcome);
    if (g_str_equal(outcome, "queued"))
      queued++;
    else if (g_str_has_prefix(outcome, "suppressed"))
      suppressed++;
    else if (g_str_has_prefix(outcome, "not rendered"))
      cli_log(CLI_LOG_WARN, "order %s: acknowledgement %s", row[1], outcome);
  }
  if (error) {
    cli_log(CLI_LOG_ERROR, "%s", error->message);
    rc = EXIT_RUNTIME;
  }
  if (!quiet)
    printf("acks queue: queued %u, suppressed %u\n", queued, suppressed);
  acks_smtp_config_clear(&sc);
  return rc;
}

int
cli_cmd_acks(int argc, char **argv)
{
  g_autofree char *config_path = NULL;
  gboolean verbose = FALSE, quiet = FALSE;
  gint hours = 24;
  GOptionEntry entries[] = {
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path, "Configuration file", "FILE" },
    { "hours", 0, 0, G_OPTION_ARG_INT, &hours, "queue: orders received in the last HOURS (24)", "HOURS" },
    { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, "Log each acknowledgement", NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "Log errors only, no summary", NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new("send|queue - the acknowledgement outbox");
  g_option_context_add_main_entries(ctx, entries, NULL);
  g_autoptr(GError) error = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &error) || argc != 2 ||
      (strcmp(argv[1], "send") != 0 && strcmp(argv[1], "queue") != 0) || hours < 1) {
    fprintf(stderr, "intake acks: %s\nusage: intake acks send|queue [--config FILE] [--hours N]\n",
            error ? error->message : "expected send or queue");
    return EXIT_USAGE;
  }
  cli_log_set_level(quiet ? CLI_LOG_ERROR : verbose ? CLI_LOG_DEBUG : CLI_LOG_INFO);
  g_autoptr(CliConfig) config = cli_config_load(config_path, &error);
  if (!config) {
    cli_log(CLI_LOG_ERROR, "%s", error->message);
    return EXIT_USAGE;
  }
  g_autoptr(StoreConn) conn = store_connect(config->db_conninfo, &error);
  if (!conn) {
    cli_log(CLI_LOG_ERROR, "%s", error->message);
    return EXIT_RUNTIME;
  }
  if (g_str_equal(argv[1], "send"))
    return acks_send(config, conn, quiet);
  return acks_queue(config, conn, (guint)hours, quiet);
}
