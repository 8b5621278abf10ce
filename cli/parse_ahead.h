/* cli/parse_ahead.h: the poll parses the next mails on a worker thread while the current one is
 * being stored, so parsing (pure) overlaps the round trips to PostgreSQL. Private to cli/. */
#ifndef INTAKE_CLI_PARSE_AHEAD_H
#define INTAKE_CLI_PARSE_AHEAD_H

#include "fetcher.h"
#include "parser.h"

/* What the poll needs of a fetched mail before it touches the database. */
typedef struct {
  ParserRequest *request; /* NULL when it could not be parsed: error says why */
  GError *error;
  char *dedupe_key; /* parser_dedupe_key */
  char *parts_json; /* parser_parts_to_json, NULL without a request */
  char *attachments_json;
  char *sha256;  /* of the raw bytes, hex (StoreIncoming.sha256) */
  GStrv sn_keys; /* classifier_request_sn_keys of request (NULL without one) */
} CliParsed;

void cli_parsed_free(CliParsed *parsed);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CliParsed, cli_parsed_free)

/* Parses m (a whole mail: no error, not truncated) on the calling thread. */
CliParsed *cli_parse_now(const ParserConfig *parser, const ParserLimits *limits, const FetcherMessage *m);

typedef struct CliParseAhead CliParseAhead;

/* m goes to the worker: a whole mail (no error, not truncated); the others are handled without a parse
 * or parsed when they are stored. */
gboolean cli_parse_ahead_wants(const FetcherMessage *m);

/* One worker thread over parser and limits (both outlive it). */
CliParseAhead *cli_parse_ahead_new(const ParserConfig *parser, const ParserLimits *limits);
/* Queues m (kept alive by the caller until taken or drained) for parsing. Any thread may push; the
 * jobs run in push order. */
void cli_parse_ahead_push(CliParseAhead *ahead, const FetcherMessage *m);
/* Pushes each mail of msgs (FetcherMessage*) that cli_parse_ahead_wants, in order. */
void cli_parse_ahead_push_wanted(CliParseAhead *ahead, GPtrArray *msgs);
/* m's result, waiting for it; m must have been pushed and not taken. Caller frees. */
CliParsed *cli_parse_ahead_take(CliParseAhead *ahead, const FetcherMessage *m);
/* m's result if it is ready (then as _take), else NULL without waiting. */
CliParsed *cli_parse_ahead_try(CliParseAhead *ahead, const FetcherMessage *m);
/* Frees a result taken from it on the worker thread, after the parses queued before: its memory is
 * the worker's malloc arena, and freeing it from the main thread contended with the worker's
 * allocations (5 % of a poll's wall time waiting for the arena's lock, measured). */
void cli_parse_ahead_recycle(CliParseAhead *ahead, CliParsed *parsed);
/* Waits for every pushed mail and drops the results not taken (the poll stopped early). */
void cli_parse_ahead_drain(CliParseAhead *ahead);
/* Drains, then ends the worker. */
void cli_parse_ahead_free(CliParseAhead *ahead);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CliParseAhead, cli_parse_ahead_free)

#endif
