/* fetcher: the network edges — IMAP in (libcurl) — knowing nothing of MIME or policy.
 * One FetcherSession is one IMAP connection, reused for every command of a run. */
#ifndef INTAKE_FETCHER_H
#define INTAKE_FETCHER_H

#include <glib.h>

G_BEGIN_DECLS

#define FETCHER_ERROR (fetcher_error_quark())
GQuark fetcher_error_quark(void);

typedef enum {
  FETCHER_ERROR_CONFIG,     /* bad URL or options */
  FETCHER_ERROR_CONNECT,    /* host unreachable, connection refused, timeout */
  FETCHER_ERROR_TLS,        /* handshake or certificate verification failed */
  FETCHER_ERROR_AUTH,       /* login refused */
  FETCHER_ERROR_NO_MAILBOX, /* the mailbox does not exist */
  FETCHER_ERROR_PROTOCOL,   /* the server said NO/BAD, or a response we cannot read */
} FetcherError;

typedef struct {
  const char *url; /* imap[s]://host[:port]/MAILBOX */
  const char *user;
  const char *password; /* never logged */
  gboolean tls_verify;
  const char *ca_file;       /* NULL: the system's CAs */
  guint connect_timeout_s;   /* 0: 15 */
  guint stall_timeout_s;     /* a transfer slower than 1 KB/s this long fails; 0: 60 */
  guint timeout_s;           /* one command, start to end (a server sending 1 byte/s, or silent
                              * after garbage, is given up): FETCHER_ERROR_CONNECT; 0: 300 */
  gboolean plain_text;       /* imap:// without TLS (starttls = never); else STARTTLS is required */
  guint64 max_message_bytes; /* a mail larger on the server (RFC822.SIZE) is never downloaded whole:
                              * only its header block and first bytes, bounded; 0: no limit */
} FetcherImapOptions;

typedef struct FetcherSession FetcherSession;

/* Validates options and prepares the connection (made lazily by the first command). */
FetcherSession *fetcher_session_open(const FetcherImapOptions *options, GError **error);
void fetcher_session_close(FetcherSession *session);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(FetcherSession, fetcher_session_close)

/* The mailbox named in the URL, decoded. Owned by the session. */
const char *fetcher_session_mailbox(FetcherSession *session);

/* STATUS of the mailbox: UIDVALIDITY and UIDNEXT. */
gboolean fetcher_session_status(FetcherSession *session, guint32 *uidvalidity, guint32 *uidnext,
                                GError **error);

/* UIDs of the mailbox greater than or equal to first, ascending (caller frees the array). */
GArray *fetcher_session_search_from(FetcherSession *session, guint32 first, GError **error);
/* The same, only mail whose INTERNALDATE is on or after since (IMAP SEARCH SINCE: the date,
 * in the server's time zone); since NULL: all. */
GArray *fetcher_session_search_since(FetcherSession *session, guint32 first, const GDate *since,
                                     GError **error);

/* Ascending order of guint32 UIDs, for g_array_sort. */
gint fetcher_uid_compare(const guint32 *a, const guint32 *b);

typedef struct {
  guint32 uid;
  GBytes *raw;              /* the whole message, exactly; NULL when it could not be read */
  GDateTime *internal_date; /* may be NULL */
  char *error;              /* why raw is NULL (an unreadable response for this mail), else NULL */
  guint64 size;             /* RFC822.SIZE: its size on the server */
  gboolean truncated;       /* over max_message_bytes: raw is only its header block (bounded) and the
                             * first bytes of its text, at most FETCHER_OVERSIZE_HEADER +
                             * FETCHER_OVERSIZE_TEXT bytes */
} FetcherMessage;
#define FETCHER_OVERSIZE_HEADER (64u * 1024u)
#define FETCHER_OVERSIZE_TEXT (96u * 1024u)
/* A mail that could not be had: raw and internal_date NULL, size 0, error a copy of why (the
 * reason stored with it). What a fetch returns for an unreadable response, and what the poll
 * ingests for a UID the server refused for too long. Free with fetcher_message_free. */
FetcherMessage *fetcher_message_new_failed(guint32 uid, const char *why);
void fetcher_message_free(FetcherMessage *message);

/* Fetches the given UIDs with BODY.PEEK[] (never setting \Seen), batching small mails and
 * reading big ones in chunks; a mail over max_message_bytes only in part (truncated, above). Returns FetcherMessage* in the order given; a UID that no longer
 * exists is left out. A mail whose response cannot be read (even alone, on a new connection)
 * comes back with raw NULL and its error, so the mails after it are not blocked. A reply libcurl
 * finds too large (its ~300 KB limit, imap.c) is read again mail by mail or in smaller pieces, and
 * the session's later batches are a quarter of the size. A session is not thread-safe, but may be
 * handed to another thread while only that one uses it (cli/fetch_ahead.c).
 * Caller frees the array. */
GPtrArray *fetcher_session_fetch(FetcherSession *session, const guint32 *uids, guint n, GError **error);
/* The same, stopping once max_bytes of mail have been read (0: no bound; at least one UID is always
 * dealt with) or after a command whose reply could not be read (its mails and those before it read
 * again one by one): *taken receives how many of uids, from the first, were dealt with — fetched or
 * found gone. The rest are for the next call. (Stopped at a refusal, the refused UID is not among
 * them.) */
GPtrArray *fetcher_session_fetch_some(FetcherSession *session, const guint32 *uids, guint n,
                                      guint64 max_bytes, guint *taken, GError **error);
/* After fetcher_session_fetch: TRUE when the server refused a UID with a tagged NO ("not now":
 * [UNAVAILABLE], a busy store); the fetch stopped there, returning only the mails before it.
 * *uid and *message (the NO line, caller frees) say which; cleared by this call. */
gboolean fetcher_session_take_refusal(FetcherSession *session, guint32 *uid, char **message);
/* The UID fetcher_session_take_refusal would give, without taking it; 0 when none. */
guint32 fetcher_session_refused(const FetcherSession *session);

/* Marks UIDs processed: adds \Seen, or moves them to folder when folder is non-empty
 * (creating it when missing). */
gboolean fetcher_session_mark(FetcherSession *session, const guint32 *uids, guint n, const char *folder,
                              GError **error);

/* APPENDs one message (RFC 5322, CRLF line ends) to mailbox (NULL: the session's own), on the
 * session's connection. The tests fill mailboxes with it. */
gboolean fetcher_session_append(FetcherSession *session, const char *mailbox, const char *data, gsize len,
                                GError **error);

/* ==== SMTP: acknowledgements out (fetcher/smtp.c) ==== */
/* One FetcherSmtp is one libcurl handle whose connection is reused for a batch of messages.
 * Errors use FETCHER_ERROR: CONFIG, CONNECT (unreachable, timeout: try later), TLS, AUTH, and
 * PROTOCOL (the server refused: see *permanent). Messages are one line and never hold a password. */
typedef struct {
  const char *url;      /* smtps://host[:port] (TLS from the start) or smtp://host[:port] */
  const char *user;     /* NULL or "": no AUTH */
  const char *password; /* never logged */
  gboolean tls_verify;
  const char *ca_file;     /* NULL: the system's CAs */
  gboolean require_tls;    /* smtp://: STARTTLS required; FALSE: plain text (starttls = never) */
  guint connect_timeout_s; /* 0: 15 */
  guint timeout_s;         /* a whole message transaction; 0: 60 */
} FetcherSmtpOptions;

typedef struct FetcherSmtp FetcherSmtp;

/* Validates options; connects lazily with the first message. Free with fetcher_smtp_close. */
FetcherSmtp *fetcher_smtp_open(const FetcherSmtpOptions *options, GError **error);
void fetcher_smtp_close(FetcherSmtp *smtp);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(FetcherSmtp, fetcher_smtp_close)

/* Sends data (an RFC 5322 message with CRLF line ends) from envelope sender mail_from (NULL or
 * "": the null path <>) to rcpt. *reply (may be NULL; caller frees) receives the server's last
 * reply line, also on failure when there was one. *permanent (may be NULL) is TRUE when the server
 * refused with a 5xx reply (sending again will not help). */
gboolean fetcher_smtp_send(FetcherSmtp *smtp, const char *mail_from, const char *rcpt, const char *data,
                           gsize len, char **reply, gboolean *permanent, GError **error);
/* The same message to several envelope recipients in one transaction (to: NULL-terminated, the first
 * is the To, the others its Cc): sent when the server accepts at least one of them. */
gboolean fetcher_smtp_send_to(FetcherSmtp *smtp, const char *mail_from, const char *const *to,
                              const char *data, gsize len, char **reply, gboolean *permanent, GError **error);
/* Called for each message sent from now on, just before the last chunk of its data goes to libcurl,
 * which then ends the data (the final ".": from then on the server may accept it); FALSE aborts the
 * transfer, so the server discards the message (the send fails, not in doubt). NULL: none. */
typedef gboolean (*FetcherSmtpHandOver)(gpointer user_data);
void fetcher_smtp_set_hand_over(FetcherSmtp *smtp, FetcherSmtpHandOver hand_over, gpointer user_data);
/* After a failed fetcher_smtp_send: TRUE when the message data had been sent (the server's 354)
 * and no final reply came (timeout, lost connection): the server may have accepted it, so sending
 * it again could deliver it twice. */
gboolean fetcher_smtp_in_doubt(const FetcherSmtp *smtp);
/* ==== end SMTP ==== */

/* ==== HTTP: alert webhooks (fetcher/golive.c) ==== */
/* POSTs json (UTF-8) to url (http:// or https://, certificates verified) with Content-Type
 * application/json; the whole exchange within timeout_s (0: 5). FALSE with FETCHER_ERROR CONNECT
 * (unreachable, timeout), TLS, CONFIG, or PROTOCOL (a status other than 2xx, or with robot — a WeCom,
 * DingTalk or Feishu robot — a 2xx whose JSON says "errcode"/"code" other than 0: its refusal). */
gboolean fetcher_http_post_json(const char *url, const char *json, guint timeout_s, gboolean robot,
                                GError **error);

G_END_DECLS

#endif
