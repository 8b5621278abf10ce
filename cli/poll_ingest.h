/* cli/poll_ingest.h: one mailbox's new mail fetched, parsed, stored and flagged (cli/poll_ingest.c),
 * for `intake poll`. Private to cli/. */
#ifndef INTAKE_CLI_POLL_INGEST_H
#define INTAKE_CLI_POLL_INGEST_H

#include "acks_send.h"
#include "cli.h"
#include "fetch_ahead.h"
#include "fetcher.h"
#include "store.h"

typedef struct {
  guint fetched, orders, followups, duplicates, ignored, quarantined, acks_queued;
} CliPollStats;

/* What a mailbox's poll works with; parser and policy are the run's, loaded on first need (a poll
 * with nothing new skips them). */
typedef struct {
  CliConfig *config;
  const CliMailbox *mb;
  StoreConn *conn;
  FetcherSession *imap;
  ParserConfig **parser;
  ClassifierPolicy **policy;
  const AcksSmtpConfig *acks;
  const char *mailbox_key; /* its advisory lock's and stored state's key, held by the caller */
  CliStatusAhead *status;  /* the STATUS already asked on imap (taken over: cli_poll_ingest finishes it),
                            * or NULL: asked first */
} CliPollTarget;

/* Takes the mailbox's new mail: *mailbox its stored state (store_mailbox_get; updated), *stats what
 * was done. FALSE with the error that stopped it; what was committed before stays and is flagged. */
gboolean cli_poll_ingest(const CliPollTarget *target, StoreMailbox *mailbox, CliPollStats *stats,
                         GError **error);

#endif
