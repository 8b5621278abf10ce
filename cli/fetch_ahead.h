/* cli/fetch_ahead.h: the poll fetches its next mails on a thread while the ones before them are parsed
 * and stored, so the IMAP round trips overlap PostgreSQL's work; the same thread first flags the mails
 * of the batches committed meanwhile. The first STATUS (and login) runs ahead the same way. Private to
 * cli/. */
#ifndef INTAKE_CLI_FETCH_AHEAD_H
#define INTAKE_CLI_FETCH_AHEAD_H

#include "fetcher.h"
#include "parse_ahead.h"

typedef struct CliFetchAhead CliFetchAhead;

/* Starts fetcher_session_fetch_some(session, uids, n, max_bytes) (uids copied) on a thread of its own; each mail it
 * returns that cli_parse_ahead_wants is pushed to parse (may be NULL) in order as soon as the fetch is
 * done. Before the fetch the thread flags the UIDs of mark (taken over; NULL or empty: none) with
 * fetcher_session_mark(session, …, folder): mails whose batch has committed, so that the poll does not
 * wait for the server's answer; a failed flag skips the fetch (see _finish). Until cli_fetch_ahead_wait
 * or _finish the session belongs to that thread: the caller must not touch it
 * (fetcher_session_mailbox excepted: the name is set when the session opens, never after). */
CliFetchAhead *cli_fetch_ahead_start(FetcherSession *session, const guint32 *uids, guint n, guint64 max_bytes,
                                     CliParseAhead *parse, GArray *mark, const char *folder);
/* Whether the fetch is over (its result set, or waited for already): _finish will not wait. */
gboolean cli_fetch_ahead_done(CliFetchAhead *ahead);
/* Waits for the thread (does nothing the second time): the session is the caller's again, and its
 * refusal (fetcher_session_take_refusal) is this fetch's. */
void cli_fetch_ahead_wait(CliFetchAhead *ahead);
/* Waits; then what the fetch returned (caller frees) and how many UIDs it took (*taken, may be NULL),
 * or NULL with its error — or with the flagging's, when that failed (the mails to flag are then
 * unflagged or partly flagged: flagging them again is harmless). *marked (may be NULL; caller frees)
 * receives the UIDs flagged, or NULL when there were none or the flagging failed. Frees ahead. */
GPtrArray *cli_fetch_ahead_finish(CliFetchAhead *ahead, guint *taken, GArray **marked, GError **error);

typedef struct CliStatusAhead CliStatusAhead;

/* Starts fetcher_session_status(session, …) — the connection, TLS handshake and login with it — on a
 * thread of its own, so that they overlap the poll's PostgreSQL connection and lock. Until
 * cli_status_ahead_finish the session belongs to that thread (fetcher_session_mailbox excepted). */
CliStatusAhead *cli_status_ahead_start(FetcherSession *session);
/* Waits; then the STATUS as fetcher_session_status gives it (uidvalidity, uidnext and error may be
 * NULL: the result is dropped). Frees ahead. */
gboolean cli_status_ahead_finish(CliStatusAhead *ahead, guint32 *uidvalidity, guint32 *uidnext,
                                 GError **error);

#endif
