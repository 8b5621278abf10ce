/* cli/golive.h: what a poll hands to the metrics textfile and the alerts after its work
 * (cli/metrics.c, cli/alerts.c). Private to cli/. */
#ifndef INTAKE_CLI_GOLIVE_H
#define INTAKE_CLI_GOLIVE_H

#include "acks_send.h"
#include "cli.h"
#include "store.h"

/* This run's counts, summed over the mailboxes. */
typedef struct {
  guint fetched, orders, quarantined, acks_sent, acks_failed;
} CliPollRun;

/* With [metrics] textfile: writes the Prometheus textfile (node_exporter's textfile collector)
 * atomically (a temporary file renamed over it). Problems are logged, never fatal. */
void cli_metrics_write(const CliConfig *config, StoreConn *conn, const CliPollRun *run);

/* With [alerts] webhook_url and/or mail_to: records new events in intake.alerts and sends those not
 * sent yet, each with short timeouts; a failure is logged and retried by the next poll. */
void cli_alerts_run(const CliConfig *config, StoreConn *conn, const AcksSmtpConfig *smtp);

#endif
