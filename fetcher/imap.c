/* fetcher/imap.c: an IMAP session over one libcurl easy handle, with custom UID commands:
 * opening, running a command, STATUS, SEARCH and marking. libcurl hands every response line of a
 * custom command to the header callback (literals included); imap-response.c reads them and
 * imap-fetch.c fetches the mails. */
#include "fetcher-private.h"

#include <string.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC(CURLU, curl_url_cleanup)

/* Windows keep each SEARCH response line short. */
#define SEARCH_WINDOW 20000u
/* UIDs per UID MOVE (fetcher_session_mark). */
#define MOVE_CHUNK 64u

static size_t
on_header(char *ptr, size_t size, size_t nmemb, void *user)
{
  FetcherSession *s = user;
  g_byte_array_append(s->lines, (const guint8 *)ptr, (guint)(size * nmemb));
  return size * nmemb;
}

static size_t
on_body(char *ptr, size_t size, size_t nmemb, void *user)
{
  FetcherSession *s = user;
  g_byte_array_append(s->body, (const guint8 *)ptr, (guint)(size * nmemb));
  return size * nmemb;
}

/* A mailbox name goes into a URL path and IMAP commands: UTF-8 without control characters and ';'
 * (libcurl would read what follows as URL options); a Chinese name ("已处理") is sent in modified
 * UTF-7 (blind round 20: it was refused, after the mails were committed). */
static gboolean
mailbox_name_ok(const char *name, GError **error)
{
  for (const char *c = name; *c; c++) {
    if ((guchar)*c < 0x20 || *c == 0x7f || *c == ';') {
      g_set_error(error, FETCHER_ERROR, FETCHER_ERROR_CONFIG,
                  "mailbox name must be printable, without ';' or control characters");
      return FALSE;
    }
  }
  if (!g_utf8_validate(name, -1, NULL)) {
    g_set_error(error, FETCHER_ERROR, FETCHER_ERROR_CONFIG, "mailbox name is not UTF-8");
    return FALSE;
  }
  return TRUE;
}

static char *
mailbox_url(FetcherSession *s, const char *name)
{
  g_autofree char *utf7 = fetcher_imap_utf7(name);
  g_autofree char *enc = g_uri_escape_string(utf7 ? utf7 : name, "/", FALSE);
  return g_strconcat(s->base_url, enc, NULL);
}

/* name (UTF-8) as an IMAP command's quoted mailbox: modified UTF-7, quoted. */
static char *
mailbox_quoted(const char *name)
{
  g_autofree char *utf7 = fetcher_imap_utf7(name);
  return fetcher_imap_quote(utf7 ? utf7 : name);
}

FetcherSession *
fetcher_session_open(const FetcherImapOptions *o, GError **error)
{
  fetcher_curl_init();
  if (!o->url || !*o->url) {
    g_set_error(error, FETCHER_ERROR, FETCHER_ERROR_CONFIG, "imap url is empty");
    return NULL;
  }
  g_autoptr(CURLU) u = curl_url();
  CURLUcode urc = curl_url_set(u, CURLUPART_URL, o->url, 0);
  if (urc != CURLUE_OK) {
    /* not echoed: a URL may carry a password (imaps://user:secret@host) */
    g_set_error(error, FETCHER_ERROR, FETCHER_ERROR_CONFIG, "imap url is not a URL: %s",
                curl_url_strerror(urc));
    return NULL;
  }
  g_autofree char *scheme = NULL, *host = NULL, *port = NULL, *path = NULL;
  curl_url_get(u, CURLUPART_SCHEME, &scheme, 0);
  curl_url_get(u, CURLUPART_HOST, &host, 0);
  curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT);
  curl_url_get(u, CURLUPART_PATH, &path, CURLU_URLDECODE);
  if (!scheme || (g_ascii_strcasecmp(scheme, "imap") != 0 && g_ascii_strcasecmp(scheme, "imaps") != 0)) {
    g_set_error(error, FETCHER_ERROR, FETCHER_ERROR_CONFIG, "imap url must start with imap:// or imaps://");
    return NULL;
  }
  const char *mb = path && path[0] == '/' ? path + 1 : (path ? path : "");
  if (!*mb)
    mb = "INBOX";
  if (!mailbox_name_ok(mb, error)) {
    g_prefix_error(error, "imap url: ");
    return NULL;
  }
  FetcherSession *s = g_new0(FetcherSession, 1);
  s->mailbox = g_strdup(mb);
  g_autofree char *host_part = strchr(host, ':') ? g_strdup_printf("[%s]", host) : g_strdup(host);
  s->base_url = g_strdup_printf("%s://%s:%s/", scheme, host_part, port);
  s->mailbox_url = mailbox_url(s, mb);
  s->lines = g_byte_array_new();
  s->body = g_byte_array_new();
  s->max_message_bytes = o->max_message_bytes;
  s->curl = fetcher_curl_new(o->user ? o->user : "", o->password, o->tls_verify, o->ca_file,
                             o->connect_timeout_s, s->errbuf);
  CURL *c = s->curl;
  /* imap://: STARTTLS required (a server, or anyone in the path, that does not offer it gets no
   * login); plain text only when asked (starttls = never). imaps:// is TLS from the start. */
  curl_easy_setopt(c, CURLOPT_USE_SSL, (long)(o->plain_text ? CURLUSESSL_NONE : CURLUSESSL_ALL));
  guint timeout = o->timeout_s ? o->timeout_s : 300;
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME,
                   (long)MIN(o->stall_timeout_s ? o->stall_timeout_s : FETCHER_STALL_S, timeout));
  /* The stall check alone lets a server dribbling a few bytes a second hold a poll for long. */
  curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)timeout);
  /* The 16 KB default silently corrupts long untagged lines (facts.md). */
  curl_easy_setopt(c, CURLOPT_BUFFERSIZE, 512L * 1024L);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, s);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, s);
  return s;
}

void
fetcher_session_close(FetcherSession *s)
{
  if (!s)
    return;
  if (s->curl)
    curl_easy_cleanup(s->curl);
  g_free(s->base_url);
  g_free(s->mailbox_url);
  g_free(s->mailbox);
  g_free(s->refused_error);
  g_byte_array_unref(s->lines);
  g_byte_array_unref(s->body);
  g_free(s);
}

const char *
fetcher_session_mailbox(FetcherSession *s)
{
  return s->mailbox;
}

/* Names the mailbox as missing when the server's NO says so ([NONEXISTENT], or Dovecot's text). */
static gboolean
names_missing_mailbox(const char *complaint)
{
  return complaint && (strstr(complaint, "NONEXISTENT") || strstr(complaint, "doesn't exist") ||
                       strstr(complaint, "does not exist"));
}

gboolean
fetcher_imap_perform(FetcherSession *s, const char *url, const char *command, GError **error)
{
  g_byte_array_set_size(s->lines, 0);
  g_byte_array_set_size(s->body, 0);
  s->errbuf[0] = '\0';
  s->reply_too_large = FALSE;
  curl_easy_setopt(s->curl, CURLOPT_URL, url);
  if (command)
    curl_easy_setopt(s->curl, CURLOPT_CUSTOMREQUEST, command);
  CURLcode rc = curl_easy_perform(s->curl);
  if (rc == CURLE_OK)
    return TRUE;
  g_autofree char *complaint = fetcher_imap_complaint(s->lines->data, s->lines->len);
  FetcherError code = fetcher_curl_error_code(rc);
  /* libcurl 7.88's limit on a reply's lines (CVE-2023-38039, ~300 KB) counts the bytes left in its
   * read buffer again at each untagged line: a batch of a few small mails over plain TCP can pass it.
   * Not the network: the same mails in smaller commands are read (imap-fetch.c). */
  s->reply_too_large = rc == CURLE_RECV_ERROR && g_str_has_prefix(s->errbuf, "Too large response headers");
  if (s->reply_too_large)
    code = FETCHER_ERROR_PROTOCOL;
  if (code == FETCHER_ERROR_PROTOCOL && names_missing_mailbox(complaint))
    code = FETCHER_ERROR_NO_MAILBOX;
  if (!command)
    command = "APPEND"; /* an upload */
  /* Name the command's verb only ("UID FETCH", "STATUS"), not its arguments. */
  gsize verb_len = strcspn(command, " ");
  if (g_str_has_prefix(command, "UID "))
    verb_len = 4 + strcspn(command + 4, " ");
  g_autofree char *verb = g_strndup(command, verb_len);
  fetcher_curl_set_error(error, code, "IMAP", verb, rc, s->errbuf, complaint);
  return FALSE;
}

void
fetcher_imap_reconnect(FetcherSession *s)
{
  CURL *fresh = curl_easy_duphandle(s->curl);
  if (!fresh)
    return;
  curl_easy_cleanup(s->curl);
  s->curl = fresh;
}

gboolean
fetcher_session_status(FetcherSession *s, guint32 *uidvalidity, guint32 *uidnext, GError **error)
{
  g_autofree char *q = mailbox_quoted(s->mailbox);
  g_autofree char *cmd = g_strdup_printf("STATUS %s (UIDVALIDITY UIDNEXT)", q);
  if (!fetcher_imap_perform(s, s->base_url, cmd, error))
    return FALSE;
  g_autofree char *text = g_strndup(s->body->len ? (const char *)s->body->data : "", s->body->len);
  if (!fetcher_imap_parse_status(text, uidvalidity, uidnext)) {
    g_set_error(error, FETCHER_ERROR, FETCHER_ERROR_PROTOCOL,
                "IMAP STATUS of '%s' gave no UIDVALIDITY/UIDNEXT", s->mailbox);
    return FALSE;
  }
  return TRUE;
}

static gint
cmp_u32(gconstpointer a, gconstpointer b)
{
  guint32 x = *(const guint32 *)a, y = *(const guint32 *)b;
  return x < y ? -1 : x > y;
}

GArray *
fetcher_session_search_from(FetcherSession *s, guint32 first, GError **error)
{
  return fetcher_session_search_since(s, first, NULL, error);
}

GArray *
fetcher_session_search_since(FetcherSession *s, guint32 first, const GDate *since, GError **error)
{
  static const char *const months[] = { "",    "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
  g_autofree char *criteria = since && g_date_valid(since)
                                ? g_strdup_printf(" SINCE %u-%s-%u", g_date_get_day(since),
                                                  months[g_date_get_month(since)], g_date_get_year(since))
                                : g_strdup("");
  guint32 uidvalidity, uidnext;
  if (!fetcher_session_status(s, &uidvalidity, &uidnext, error))
    return NULL;
  g_autoptr(GArray) uids = g_array_new(FALSE, FALSE, sizeof(guint32));
  if (first == 0)
    first = 1;
  /* The last window is open-ended so a mail that arrived after STATUS is not skipped. */
  for (guint64 lo = first; lo < (guint64)uidnext || lo == first; lo += SEARCH_WINDOW) {
    guint64 hi = lo + SEARCH_WINDOW - 1;
    gboolean last = hi + 1 >= uidnext;
    g_autofree char *cmd =
      last
        ? g_strdup_printf("UID SEARCH UID %" G_GUINT64_FORMAT ":*%s", lo, criteria)
        : g_strdup_printf("UID SEARCH UID %" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT "%s", lo, hi, criteria);
    if (!fetcher_imap_perform(s, s->mailbox_url, cmd, error))
      return NULL;
    g_autofree char *text = g_strndup(s->body->len ? (const char *)s->body->data : "", s->body->len);
    if (!fetcher_imap_parse_search(text, lo, last ? 0 : hi, uids, error))
      return NULL;
    if (last)
      break;
  }
  g_array_sort(uids, cmp_u32);
  /* drop duplicates from overlapping windows */
  guint w = 0;
  for (guint i = 0; i < uids->len; i++)
    if (w == 0 || g_array_index(uids, guint32, w - 1) != g_array_index(uids, guint32, i))
      g_array_index(uids, guint32, w++) = g_array_index(uids, guint32, i);
  g_array_set_size(uids, w);
  return g_steal_pointer(&uids);
}

gboolean
fetcher_session_mark(FetcherSession *s, const guint32 *uids, guint n, const char *folder, GError **error)
{
  if (n == 0)
    return TRUE;
  if (!folder || !*folder) {
    g_autofree char *set = fetcher_imap_uid_set(uids, n); /* .SILENT: no line per mail */
    g_autofree char *cmd = g_strdup_printf("UID STORE %s +FLAGS.SILENT (\\Seen)", set);
    return fetcher_imap_perform(s, s->mailbox_url, cmd, error);
  }
  if (!mailbox_name_ok(folder, error)) {
    g_prefix_error(error, "processed_folder: ");
    return FALSE;
  }
  g_autofree char *q = mailbox_quoted(folder);
  gboolean created = FALSE;
  /* MOVE_CHUNK UIDs per command: each moved mail is an untagged EXPUNGE line, and libcurl 7.88's
   * limit on a reply's lines (fetcher_imap_perform) counts the bytes left in its buffer again at each
   * one — 256 in one reply passed its 300 KB now and then (one in ~30 polls of 600 mails), and a poll
   * that cannot move a batch cannot move it the next time either. */
  for (guint from = 0; from < n; from += MOVE_CHUNK) {
    g_autofree char *part = fetcher_imap_uid_set(uids + from, MIN(MOVE_CHUNK, n - from));
    g_autofree char *cmd = g_strdup_printf("UID MOVE %s %s", part, q);
    g_autoptr(GError) first = NULL;
    if (fetcher_imap_perform(s, s->mailbox_url, cmd, &first))
      continue;
    if (created) {
      g_propagate_error(error, g_steal_pointer(&first));
      return FALSE;
    }
    /* [TRYCREATE]: make the folder once, then move again. */
    created = TRUE;
    g_autofree char *create = g_strdup_printf("CREATE %s", q);
    g_autoptr(GError) ignored = NULL;
    fetcher_imap_perform(s, s->base_url, create, &ignored);
    if (!fetcher_imap_perform(s, s->mailbox_url, cmd, error))
      return FALSE;
  }
  return TRUE;
}

gboolean
fetcher_session_append(FetcherSession *s, const char *mailbox, const char *data, gsize len, GError **error)
{
  if (mailbox && !mailbox_name_ok(mailbox, error))
    return FALSE;
  g_autofree char *url = mailbox ? mailbox_url(s, mailbox) : g_strdup(s->mailbox_url);
  FetcherUpload u;
  curl_easy_setopt(s->curl, CURLOPT_CUSTOMREQUEST, NULL);
  fetcher_curl_upload(s->curl, &u, data, len);
  gboolean ok = fetcher_imap_perform(s, url, NULL, error);
  curl_easy_setopt(s->curl, CURLOPT_UPLOAD, 0L);
  curl_easy_setopt(s->curl, CURLOPT_READDATA, NULL);
  return ok;
}
