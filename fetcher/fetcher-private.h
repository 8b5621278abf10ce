/* fetcher/fetcher-private.h: what the files of fetcher/ share (and tests/fetcher reads), never
 * included outside the module: the libcurl glue and the IMAP session and response reader. */
#ifndef INTAKE_FETCHER_PRIVATE_H
#define INTAKE_FETCHER_PRIVATE_H

#include "fetcher.h"

#include <curl/curl.h>

G_BEGIN_DECLS

/* ==== libcurl glue (curl-common.c) ==== */

/* curl_global_init once per process, thread-safe. */
void fetcher_curl_init(void);

/* Bounds of every transfer (fetcher_curl_new): slower than FETCHER_MIN_SPEED bytes/s for
 * FETCHER_STALL_S seconds (a caller may set another CURLOPT_LOW_SPEED_TIME) fails, and so does a
 * command whose reply takes longer than FETCHER_REPLY_S. */
#define FETCHER_MIN_SPEED 1024
#define FETCHER_STALL_S 60
#define FETCHER_REPLY_S 120

/* A new easy handle with what IMAP and SMTP share: credentials (user NULL: no login), certificate
 * verification (ca_file NULL or "": the system's CAs), the connect timeout (0: 15 s), the bounds
 * above, TCP keepalives, errbuf (CURL_ERROR_SIZE bytes, living as long as the handle) and no
 * signals. Caller cleans it up. */
CURL *fetcher_curl_new(const char *user, const char *password, gboolean tls_verify, const char *ca_file,
                       guint connect_timeout_s, char *errbuf);

/* The one map of libcurl's result codes onto FETCHER_ERROR: CONFIG, CONNECT (also timeouts),
 * TLS, AUTH, and PROTOCOL for the rest (the server said no, or a reply we cannot read). */
FetcherError fetcher_curl_error_code(CURLcode rc);

/* Sets *error (domain FETCHER_ERROR, the given code) for a failed transfer:
 * "<proto> <what code means>[ in <context>]: <libcurl's message>[ (server: <reply>)]", e.g.
 * "IMAP login refused in STATUS: Login denied (server: NO [AUTHENTICATIONFAILED] ...)". Messages
 * start with the protocol (ops filter on it). libcurl's message is the handle's error buffer when it
 * holds one, else curl_easy_strerror(rc). context and reply may be NULL. */
void fetcher_curl_set_error(GError **error, FetcherError code, const char *proto, const char *context,
                            CURLcode rc, const char *errbuf, const char *reply);

/* An upload from memory: the transfer's body (SMTP DATA, IMAP APPEND). */
typedef struct {
  const char *data;
  gsize len, pos;
  /* called once, before the chunk that completes the data is given to libcurl (after it libcurl ends
   * the data: SMTP's final "."); FALSE aborts the transfer (refused set) */
  gboolean (*at_end)(gpointer at_end_data);
  gpointer at_end_data;
  gboolean ended, refused;
} FetcherUpload;

/* Makes curl's next transfer an upload of data[0..len) through u, which must live until the
 * transfer ends (data is not copied). Sets CURLOPT_UPLOAD: clear it before a non-upload transfer. */
void fetcher_curl_upload(CURL *curl, FetcherUpload *u, const char *data, gsize len);

/* ==== IMAP session (imap.c) ==== */

struct FetcherSession {
  CURL *curl;
  char *base_url;            /* scheme://host:port/ */
  char *mailbox_url;         /* base + encoded mailbox */
  char *mailbox;             /* decoded name */
  GByteArray *lines;         /* every response line of the current command */
  GByteArray *body;          /* untagged lines of the current command */
  guint64 max_message_bytes; /* FetcherImapOptions.max_message_bytes */
  guint32 refused_uid;       /* the last fetch stopped at this UID: the server said NO (0: none) */
  char *refused_error;       /* its tagged NO line */
  guint64 batch_bytes;       /* a command's budget of small mails (0: the default); cut after a reply
                              * libcurl found too large */
  gboolean reply_too_large;  /* the last command failed so: libcurl's limit on response lines */
  char errbuf[CURL_ERROR_SIZE];
};

/* Runs one custom command on url (NULL: the upload set up with fetcher_curl_upload, i.e.
 * APPEND); on failure sets *error from the CURLcode and the server's
 * tagged NO/BAD line. s->lines and s->body hold the response until the next command. */
gboolean fetcher_imap_perform(FetcherSession *s, const char *url, const char *command, GError **error);

/* A response we could not read may have left the connection out of step: continue on a fresh one. */
void fetcher_imap_reconnect(FetcherSession *s);

/* ==== IMAP response reader (imap-response.c): pure functions over response bytes ==== */

/* One "* n FETCH (...)" response. body points into the response buffer it was read from. */
typedef struct {
  guint32 uid;
  guint64 size; /* RFC822.SIZE, or 0 */
  GDateTime *internal_date;
  const guint8 *body;
  gsize body_len;
  gboolean has_body;
  guint64 body_origin; /* <n> of BODY[]<n>, 0 for a whole body */
  /* BODY[HEADER]<n> and BODY[TEXT]<n> (an oversize mail's parts), like body */
  const guint8 *header, *text;
  gsize header_len, text_len;
  gboolean has_header, has_text;
  guint64 header_origin, text_origin;
} FetcherFetchItem;

/* Reads every FETCH response in a command's response stream (other lines are skipped). Returns
 * an array of FetcherFetchItem (caller unrefs; it clears the items), or NULL with a PROTOCOL error
 * when a FETCH response is truncated or unreadable. */
GArray *fetcher_imap_parse_fetch(const guint8 *data, gsize len, GError **error);
/* The item for uid in such an array, or NULL. */
FetcherFetchItem *fetcher_imap_find_item(GArray *items, guint32 uid);

/* "25-Nov-2026 16:52:37 +0000" → a GDateTime in that offset (caller unrefs), NULL if unreadable. */
GDateTime *fetcher_imap_parse_internaldate(const char *text, gsize len);

/* UIDVALIDITY and UIDNEXT of the "* STATUS" response in text; FALSE when either is missing. */
gboolean fetcher_imap_parse_status(const char *text, guint32 *uidvalidity, guint32 *uidnext);

/* Appends to uids the UIDs of every "* SEARCH" line of text that lie in [lo, hi] (hi 0: no upper
 * bound). Out-of-range UIDs are dropped, as "n:*" always matches the highest UID even below n
 * (RFC 3501). FALSE with a PROTOCOL error on a token that is not a UID. */
gboolean fetcher_imap_parse_search(const char *text, guint64 lo, guint64 hi, GArray *uids, GError **error);

/* The last tagged NO/BAD of a response (its text after the tag, at most 300 bytes, valid UTF-8),
 * or NULL. Caller frees. */
char *fetcher_imap_complaint(const guint8 *data, gsize len);

/* "1:3,7" for sorted uids; caller frees. */
char *fetcher_imap_uid_set(const guint32 *uids, guint n);

/* A mailbox name as an IMAP quoted string; caller frees. */
char *fetcher_imap_quote(const char *name);

/* A UTF-8 mailbox name as IMAP writes it (RFC 3501 5.1.3, modified UTF-7): "已处理" is "&XfJZBHQG-",
 * "&" is "&-", printable ASCII stays; caller frees. NULL when name is not valid UTF-8. */
char *fetcher_imap_utf7(const char *name);

G_END_DECLS

#endif
