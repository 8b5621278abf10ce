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
  char *db_failure; /* the first failure of PostgreSQL itself (connection lost, read-only, schema behind),
                     * for cli_alerts_database_down; NULL: none */
} CliPollRun;

/* With [metrics] textfile: writes the Prometheus textfile (node_exporter's textfile collector)
 * atomically (a temporary file renamed over it). Problems are logged, never fatal. */
void cli_metrics_write(const CliConfig *config, StoreConn *conn, const CliPollRun *run);

/* With [alerts] webhook_url and/or mail_to: records new events in intake.alerts and sends those not
 * sent yet, each with short timeouts; a failure is logged and retried by the next poll. */
void cli_alerts_run(const CliConfig *config, StoreConn *conn, const AcksSmtpConfig *smtp);

/* The poll could not reach PostgreSQL (why: its error). With nothing to write an alert in, [alerts]
 * state_dir keeps the outage (since when, how many polls failed, whether told); the failing_polls-th
 * failed poll tells the channels straight away, once. Problems are logged, never fatal. */
void cli_alerts_database_down(const CliConfig *config, const char *why);
/* The poll reached PostgreSQL: an outage told by cli_alerts_database_down becomes a
 * database_recovered alert in intake.alerts (sent with the others by cli_alerts_run), and is
 * forgotten; one not told (fewer polls failed) is only forgotten. */
void cli_alerts_database_reached(const CliConfig *config, StoreConn *conn);
/* The database outage the polls have recorded (cli_alerts_database_down), for status: NULL when none
 * (the last poll could use the database). Caller frees. */
char *cli_alerts_outage_describe(const CliConfig *config);

#endif
