/* fetcher/imap.c: an IMAP session over one libcurl easy handle, with custom UID commands.
 * libcurl hands every response line of a custom command to the header callback (literals
 * included), so FETCH responses are read from that stream by a small parser here. */
#include "fetcher.h"

#include <curl/curl.h>
#include <string.h>

G_DEFINE_QUARK(fetcher - error - quark, fetcher_error)

G_DEFINE_AUTOPTR_CLEANUP_FUNC(CURLU, curl_url_cleanup)

/* A FETCH response's lines count against libcurl's response-line budget (~300 KB per command,
 * facts.md): keep each command's payload well under it. */
#define CHUNK_BYTES (96 * 1024)
#define BATCH_BYTES (160 * 1024)
#define BATCH_MAX 16
#define SEARCH_WINDOW 20000u

struct FetcherSession {
  CURL *curl;
  char *base_url;    /* scheme://host:port/ */
  char *mailbox_url; /* base + encoded mailbox */
  char *mailbox;     /* decoded name */
  GByteArray *lines; /* every response line of the current command */
  GByteArray *body;  /* untagged lines of the current command */
  char errbuf[CURL_ERROR_SIZE];
};

static gsize curl_once;

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

FetcherSession *
fetcher_session_open(const FetcherImapOptions *o, GError **error)
{
  if (g_once_init_enter(&curl_once)) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    g_once_init_leave(&curl_once, 1);
  }
  if (!o->url || !*o->url) {
    g_set_error(error, FETCHER_ERROR, FETCHER_ERROR_CONFIG, "imap url is empty");
    return NULL;
  }
  g_autoptr(CURLU) u = curl_url();
  if (curl_url_set(u, CURLUPART_URL, o->url, 0) != CURLUE_OK) {
    g_set_error(error, FETCHER_ERROR, FETCHER_ERROR_CONFIG, "imap url '%s' is not a URL", o->url);
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
  for (const char *c = mb; *c; c++) {
    if ((guchar)*c < 0x20 || (guchar)*c > 0x7e || *c == ';') {
      g_set_error(error, FETCHER_ERROR, FETCHER_ERROR_CONFIG,
                  "imap url: mailbox name must be printable ASCII without ';'");
      return NULL;
    }
  }
  FetcherSession *s = g_new0(FetcherSession, 1);
  s->mailbox = g_strdup(mb);
  g_autofree char *host_part = strchr(host, ':') ? g_strdup_printf("[%s]", host) : g_strdup(host);
  s->base_url = g_strdup_printf("%s://%s:%s/", scheme, host_part, port);
  g_autofree char *enc = g_uri_escape_string(mb, "/", FALSE);
  s->mailbox_url = g_strconcat(s->base_url, enc, NULL);
  s->lines = g_byte_array_new();
  s->body = g_byte_array_new();
  s->curl = curl_easy_init();
  CURL *c = s->curl;
  curl_easy_setopt(c, CURLOPT_USERNAME, o->user ? o->user : "");
  curl_easy_setopt(c, CURLOPT_PASSWORD, o->password ? o->password : "");
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, o->tls_verify ? 1L : 0L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, o->tls_verify ? 2L : 0L);
  if (o->ca_file && *o->ca_file)
    curl_easy_setopt(c, CURLOPT_CAINFO, o->ca_file);
  /* imap://: upgrade with STARTTLS when offered; imaps:// is TLS from the start. */
  curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)(o->connect_timeout_s ? o->connect_timeout_s : 15));
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, (long)(o->stall_timeout_s ? o->stall_timeout_s : 60));
  /* The 16 KB default silently corrupts long untagged lines (facts.md). */
  curl_easy_setopt(c, CURLOPT_BUFFERSIZE, 512L * 1024L);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, s);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, s);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, s->errbuf);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
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
  g_byte_array_unref(s->lines);
  g_byte_array_unref(s->body);
  g_free(s);
}

const char *
fetcher_session_mailbox(FetcherSession *s)
{
  return s->mailbox;
}

/* The last tagged NO/BAD line of the response, for the error message. */
static char *
server_complaint(FetcherSession *s)
{
  if (s->lines->len == 0)
    return NULL;
  g_autofree char *text = g_strndup((const char *)s->lines->data, s->lines->len);
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  char *found = NULL;
  for (guint i = 0; lines[i]; i++) {
    char *l = g_strstrip(lines[i]);
    char *sp = strchr(l, ' ');
    if (l[0] && l[0] != '*' && l[0] != '+' && sp &&
        (g_str_has_prefix(sp + 1, "NO") || g_str_has_prefix(sp + 1, "BAD"))) {
      g_free(found);
      found = g_utf8_make_valid(sp + 1, MIN(strlen(sp + 1), 300));
    }
  }
  return found;
}

static gboolean
perform(FetcherSession *s, const char *url, const char *command, GError **error)
{
  g_byte_array_set_size(s->lines, 0);
  g_byte_array_set_size(s->body, 0);
  s->errbuf[0] = '\0';
  curl_easy_setopt(s->curl, CURLOPT_URL, url);
  curl_easy_setopt(s->curl, CURLOPT_CUSTOMREQUEST, command);
  CURLcode rc = curl_easy_perform(s->curl);
  if (rc == CURLE_OK)
    return TRUE;
  const char *detail = s->errbuf[0] ? s->errbuf : curl_easy_strerror(rc);
  g_autofree char *complaint = server_complaint(s);
  /* Name the command's verb only ("UID FETCH", "STATUS"), not its arguments. */
  gsize verb_len = strcspn(command, " ");
  if (g_str_has_prefix(command, "UID "))
    verb_len = 4 + strcspn(command + 4, " ");
  g_autofree char *verb = g_strndup(command, verb_len);
  switch (rc) {
    case CURLE_LOGIN_DENIED:
      g_set_error(error, FETCHER_ERROR, FETCHER_ERROR_AUTH, "IMAP login refused for this user: %s",
                  complaint ? complaint : detail);
      break;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
      g_set_error(error, FETCHER_ERROR, FETCHER_ERROR_CONNECT, "IMAP server unreachable: %s", detail);
      break;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_USE_SSL_FAILED:
      g_set_error(error, FETCHER_ERROR, FETCHER_ERROR_TLS, "IMAP TLS failure: %s", detail);
      break;
    default:
      if (complaint && (strstr(complaint, "NONEXISTENT") || strstr(complaint, "doesn't exist") ||
                        strstr(complaint, "does not exist")))
        g_set_error(error, FETCHER_ERROR, FETCHER_ERROR_NO_MAILBOX, "IMAP mailbox '%s' not found: %s",
                    s->mailbox, complaint);
      else
        g_set_error(error, FETCHER_ERROR, FETCHER_ERROR_PROTOCOL, "IMAP %s failed: %s", verb,
                    complaint ? complaint : detail);
  }
  return FALSE;
}

static char *
quote_mailbox(const char *name)
{
  GString *q = g_string_new("\"");
  for (const char *c = name; *c; c++) {
    if (*c == '"' || *c == '\\')
      g_string_append_c(q, '\\');
    g_string_append_c(q, *c);
  }
  g_string_append_c(q, '"');
  return g_string_free(q, FALSE);
}

static gboolean
parse_u32_after(const char *text, const char *key, guint32 *out)
{
  const char *p = strstr(text, key);
  if (!p)
    return FALSE;
  p += strlen(key);
  while (*p == ' ')
    p++;
  if (!g_ascii_isdigit(*p))
    return FALSE;
  guint64 v = g_ascii_strtoull(p, NULL, 10);
  if (v > G_MAXUINT32)
    return FALSE;
  *out = (guint32)v;
  return TRUE;
}

gboolean
fetcher_session_status(FetcherSession *s, guint32 *uidvalidity, guint32 *uidnext, GError **error)
{
  g_autofree char *q = quote_mailbox(s->mailbox);
  g_autofree char *cmd = g_strdup_printf("STATUS %s (UIDVALIDITY UIDNEXT)", q);
  if (!perform(s, s->base_url, cmd, error))
    return FALSE;
  g_autofree char *text = g_strndup(s->body->len ? (const char *)s->body->data : "", s->body->len);
  const char *st = strstr(text, "* STATUS ");
  if (!st || !parse_u32_after(st, "UIDVALIDITY", uidvalidity) || !parse_u32_after(st, "UIDNEXT", uidnext)) {
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
  guint32 uidvalidity, uidnext;
  if (!fetcher_session_status(s, &uidvalidity, &uidnext, error))
    return NULL;
  g_autoptr(GArray) uids = g_array_new(FALSE, FALSE, sizeof(guint32));
  if (first == 0)
    first = 1;
  /* Windows keep each SEARCH line short; the last one is open-ended so a mail that arrived
   * after STATUS is not skipped. */
  for (guint64 lo = first; lo < (guint64)uidnext || lo == first; lo += SEARCH_WINDOW) {
    guint64 hi = lo + SEARCH_WINDOW - 1;
    gboolean last = hi + 1 >= uidnext;
    g_autofree char *cmd =
      last ? g_strdup_printf("UID SEARCH UID %" G_GUINT64_FORMAT ":*", lo)
           : g_strdup_printf("UID SEARCH UID %" G_GUINT64_FORMAT ":%" G_GUINT64_FORMAT, lo, hi);
    if (!perform(s, s->mailbox_url, cmd, error))
      return NULL;
    g_autofree char *text = g_strndup(s->body->len ? (const char *)s->body->data : "", s->body->len);
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    for (guint i = 0; lines[i]; i++) {
      if (!g_str_has_prefix(lines[i], "* SEARCH"))
        continue;
      g_auto(GStrv) toks = g_strsplit(lines[i] + 8, " ", -1);
      for (guint t = 0; toks[t]; t++) {
        g_strstrip(toks[t]);
        if (!*toks[t])
          continue;
        char *end = NULL;
        guint64 v = g_ascii_strtoull(toks[t], &end, 10);
        if (!end || *end || v == 0 || v > G_MAXUINT32) {
          g_set_error(error, FETCHER_ERROR, FETCHER_ERROR_PROTOCOL,
                      "IMAP SEARCH returned an unreadable UID '%.20s'", toks[t]);
          return NULL;
        }
        /* "n:*" always includes the highest UID, even below n (RFC 3501). */
        if (v < lo || (!last && v > hi))
          continue;
        guint32 u = (guint32)v;
        g_array_append_val(uids, u);
      }
    }
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

/* ---- FETCH responses ---- */

typedef struct {
  guint32 uid;
  guint64 size; /* RFC822.SIZE, or 0 */
  GDateTime *internal_date;
  const guint8 *body; /* into the response buffer */
  gsize body_len;
  gboolean has_body;
  guint64 body_origin; /* <n> of BODY[]<n>, 0 for a whole body */
} FetchItem;

typedef struct {
  const guint8 *p, *end;
} Cursor;

static void
skip_spaces(Cursor *c)
{
  while (c->p < c->end && *c->p == ' ')
    c->p++;
}

static gboolean
read_number(Cursor *c, guint64 *out)
{
  if (c->p >= c->end || !g_ascii_isdigit(*c->p))
    return FALSE;
  guint64 v = 0;
  while (c->p < c->end && g_ascii_isdigit(*c->p)) {
    if (v > G_MAXUINT64 / 10 - 10)
      return FALSE;
    v = v * 10 + (guint64)(*c->p - '0');
    c->p++;
  }
  *out = v;
  return TRUE;
}

/* A value: number, atom, "quoted", (list), NIL or {n}\r\n literal. Literal/quoted text is returned
 * through data/len when asked. */
static gboolean
read_value(Cursor *c, const guint8 **data, gsize *len, guint depth)
{
  if (depth > 16 || c->p >= c->end)
    return FALSE;
  if (*c->p == '"') {
    const guint8 *start = ++c->p;
    while (c->p < c->end && *c->p != '"') {
      if (*c->p == '\\')
        c->p++;
      c->p++;
    }
    if (c->p >= c->end)
      return FALSE;
    if (data) {
      *data = start;
      *len = (gsize)(c->p - start);
    }
    c->p++;
    return TRUE;
  }
  if (*c->p == '{') {
    c->p++;
    guint64 n;
    if (!read_number(c, &n))
      return FALSE;
    if (c->p < c->end && *c->p == '+')
      c->p++;
    if (c->end - c->p < 3 || c->p[0] != '}' || c->p[1] != '\r' || c->p[2] != '\n')
      return FALSE;
    c->p += 3;
    if ((guint64)(c->end - c->p) < n)
      return FALSE; /* truncated */
    if (data) {
      *data = c->p;
      *len = (gsize)n;
    }
    c->p += n;
    return TRUE;
  }
  if (*c->p == '(') {
    c->p++;
    for (;;) {
      skip_spaces(c);
      if (c->p >= c->end)
        return FALSE;
      if (*c->p == ')') {
        c->p++;
        return TRUE;
      }
      if (!read_value(c, NULL, NULL, depth + 1))
        return FALSE;
    }
  }
  /* atom, number or NIL (may contain [] and <> as in BODY[]<0>) */
  const guint8 *start = c->p;
  while (c->p < c->end && *c->p != ' ' && *c->p != ')' && *c->p != '\r' && *c->p != '(')
    c->p++;
  if (c->p == start)
    return FALSE;
  if (data) {
    *data = start;
    *len = (gsize)(c->p - start);
  }
  return TRUE;
}

static GDateTime *
parse_internaldate(const guint8 *s, gsize len)
{
  /* "25-Nov-2026 16:52:37 +0000" */
  static const char *months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
  g_autofree char *t = g_strndup((const char *)s, len);
  int day, year, hh, mm, ss, zone;
  char mon[4] = { 0 };
  if (sscanf(g_strstrip(t), "%d-%3s-%d %d:%d:%d %d", &day, mon, &year, &hh, &mm, &ss, &zone) != 7)
    return NULL;
  int m = 0;
  for (int i = 0; i < 12; i++)
    if (g_ascii_strcasecmp(mon, months[i]) == 0)
      m = i + 1;
  if (!m)
    return NULL;
  int sign = zone < 0 ? -1 : 1;
  int az = zone * sign;
  gint32 offset = sign * ((az / 100) * 3600 + (az % 100) * 60);
  g_autoptr(GTimeZone) tz = g_time_zone_new_offset(offset);
  return g_date_time_new(tz, year, m, day, hh, mm, ss);
}

static void
fetch_item_clear(gpointer p)
{
  FetchItem *it = p;
  g_clear_pointer(&it->internal_date, g_date_time_unref);
}

/* Reads every "* n FETCH (...)" in the response stream. Lines of other responses are skipped. */
static GArray *
parse_fetch_stream(const guint8 *data, gsize len, GError **error)
{
  GArray *items = g_array_new(FALSE, TRUE, sizeof(FetchItem));
  g_array_set_clear_func(items, fetch_item_clear);
  Cursor c = { data, data + len };
  while (c.p < c.end) {
    const guint8 *line = c.p;
    gboolean parsed = FALSE;
    if (c.end - line > 2 && line[0] == '*' && line[1] == ' ') {
      Cursor k = { line + 2, c.end };
      guint64 seq;
      if (read_number(&k, &seq) && k.end - k.p > 8 && memcmp(k.p, " FETCH (", 8) == 0) {
        k.p += 8;
        FetchItem it = { 0 };
        gboolean ok = TRUE;
        for (;;) {
          skip_spaces(&k);
          if (k.p >= k.end) {
            ok = FALSE;
            break;
          }
          if (*k.p == ')') {
            k.p++;
            break;
          }
          const guint8 *name;
          gsize nlen;
          if (!read_value(&k, &name, &nlen, 0)) {
            ok = FALSE;
            break;
          }
          skip_spaces(&k);
          const guint8 *val = NULL;
          gsize vlen = 0;
          gboolean literal_or_quoted = k.p < k.end && (*k.p == '{' || *k.p == '"');
          if (!read_value(&k, &val, &vlen, 0)) {
            ok = FALSE;
            break;
          }
          g_autofree char *nm = g_ascii_strup((const char *)name, (gssize)nlen);
          if (g_str_equal(nm, "UID") && val) {
            g_autofree char *v = g_strndup((const char *)val, vlen);
            guint64 u = g_ascii_strtoull(v, NULL, 10);
            it.uid = u <= G_MAXUINT32 ? (guint32)u : 0;
          } else if (g_str_equal(nm, "RFC822.SIZE") && val) {
            g_autofree char *v = g_strndup((const char *)val, vlen);
            it.size = g_ascii_strtoull(v, NULL, 10);
          } else if (g_str_equal(nm, "INTERNALDATE") && val) {
            it.internal_date = parse_internaldate(val, vlen);
          } else if (g_str_has_prefix(nm, "BODY[]")) {
            it.has_body = TRUE;
            it.body = literal_or_quoted ? val : (const guint8 *)"";
            it.body_len = literal_or_quoted ? vlen : 0; /* NIL: empty */
            const char *lt = strchr(nm, '<');
            it.body_origin = lt ? g_ascii_strtoull(lt + 1, NULL, 10) : 0;
          }
        }
        if (!ok) {
          fetch_item_clear(&it);
          g_array_unref(items);
          g_set_error(error, FETCHER_ERROR, FETCHER_ERROR_PROTOCOL,
                      "IMAP FETCH response is truncated or unreadable");
          return NULL;
        }
        g_array_append_val(items, it);
        c.p = k.p;
        parsed = TRUE;
      }
    }
    /* to the next line */
    const guint8 *nl = memchr(c.p, '\n', (gsize)(c.end - c.p));
    c.p = nl ? nl + 1 : c.end;
    (void)parsed;
  }
  return items;
}

static char *
uid_set(const guint32 *uids, guint n)
{
  GString *s = g_string_new(NULL);
  for (guint i = 0; i < n;) {
    guint j = i;
    while (j + 1 < n && uids[j + 1] == uids[j] + 1)
      j++;
    if (s->len)
      g_string_append_c(s, ',');
    if (j > i)
      g_string_append_printf(s, "%u:%u", uids[i], uids[j]);
    else
      g_string_append_printf(s, "%u", uids[i]);
    i = j + 1;
  }
  return g_string_free(s, FALSE);
}

void
fetcher_message_free(FetcherMessage *m)
{
  if (!m)
    return;
  g_clear_pointer(&m->raw, g_bytes_unref);
  g_clear_pointer(&m->internal_date, g_date_time_unref);
  g_free(m->error);
  g_free(m);
}

static FetchItem *
find_item(GArray *items, guint32 uid)
{
  for (guint i = 0; i < items->len; i++) {
    FetchItem *it = &g_array_index(items, FetchItem, i);
    if (it->uid == uid)
      return it;
  }
  return NULL;
}

/* Reads one big message in CHUNK_BYTES pieces with BODY.PEEK[]<offset.length>. */
static GBytes *
fetch_chunked(FetcherSession *s, guint32 uid, guint64 size, GError **error)
{
  g_autoptr(GByteArray) all = g_byte_array_sized_new((guint)MIN(size, 64u * 1024 * 1024));
  for (guint64 off = 0;; off += CHUNK_BYTES) {
    g_autofree char *cmd =
      g_strdup_printf("UID FETCH %u (UID BODY.PEEK[]<%" G_GUINT64_FORMAT ".%u>)", uid, off, CHUNK_BYTES);
    if (!perform(s, s->mailbox_url, cmd, error))
      return NULL;
    g_autoptr(GArray) items = parse_fetch_stream(s->lines->data, s->lines->len, error);
    if (!items)
      return NULL;
    FetchItem *it = find_item(items, uid);
    if (!it || !it->has_body)
      return NULL; /* expunged meanwhile */
    if (it->body_origin != off) {
      g_set_error(error, FETCHER_ERROR, FETCHER_ERROR_PROTOCOL,
                  "IMAP partial FETCH of UID %u answered at the wrong offset", uid);
      return NULL;
    }
    g_byte_array_append(all, it->body, (guint)it->body_len);
    if (it->body_len < CHUNK_BYTES)
      break;
    if (all->len > 1024u * 1024u * 1024u) {
      g_set_error(error, FETCHER_ERROR, FETCHER_ERROR_PROTOCOL, "IMAP message UID %u exceeds 1 GiB", uid);
      return NULL;
    }
  }
  return g_byte_array_free_to_bytes(g_steal_pointer(&all));
}

static GPtrArray *fetch_batch(FetcherSession *s, const guint32 *uids, guint n, GError **error);

/* A response we could not read may have left the connection out of step (a mail line that
 * looks like libcurl's own tag ends its reading early): continue on a fresh one. */
static void
reconnect(FetcherSession *s)
{
  CURL *fresh = curl_easy_duphandle(s->curl);
  if (!fresh)
    return;
  curl_easy_cleanup(s->curl);
  s->curl = fresh;
}

GPtrArray *
fetcher_session_fetch(FetcherSession *s, const guint32 *uids, guint n, GError **error)
{
  GError *local = NULL;
  GPtrArray *out = fetch_batch(s, uids, n, &local);
  if (out || !g_error_matches(local, FETCHER_ERROR, FETCHER_ERROR_PROTOCOL)) {
    if (local)
      g_propagate_error(error, local);
    return out;
  }
  g_clear_error(&local);
  reconnect(s);
  out = g_ptr_array_new_with_free_func((GDestroyNotify)fetcher_message_free);
  for (guint i = 0; i < n; i++) {
    GError *one = NULL;
    g_autoptr(GPtrArray) got = fetch_batch(s, &uids[i], 1, &one);
    if (got) {
      while (got->len > 0)
        g_ptr_array_add(out, g_ptr_array_steal_index(got, 0));
      continue;
    }
    if (!g_error_matches(one, FETCHER_ERROR, FETCHER_ERROR_PROTOCOL)) {
      g_propagate_error(error, one);
      g_ptr_array_unref(out);
      return NULL;
    }
    FetcherMessage *m = g_new0(FetcherMessage, 1);
    m->uid = uids[i];
    m->error = g_strdup(one->message);
    g_ptr_array_add(out, m);
    g_error_free(one);
    reconnect(s);
  }
  return out;
}

static GPtrArray *
fetch_batch(FetcherSession *s, const guint32 *uids, guint n, GError **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)fetcher_message_free);
  if (n == 0)
    return g_steal_pointer(&out);
  /* Sizes and arrival times first: small, and they decide how to fetch each body. */
  g_autofree char *set = uid_set(uids, n);
  g_autofree char *meta_cmd = g_strdup_printf("UID FETCH %s (UID RFC822.SIZE INTERNALDATE)", set);
  if (!perform(s, s->mailbox_url, meta_cmd, error))
    return NULL;
  g_autoptr(GArray) meta = parse_fetch_stream(s->lines->data, s->lines->len, error);
  if (!meta)
    return NULL;
  /* keep the metadata: the next perform reuses the buffer, but meta owns no pointers into it */

  guint i = 0;
  while (i < n) {
    FetchItem *mi = find_item(meta, uids[i]);
    if (!mi) { /* gone from the server */
      i++;
      continue;
    }
    if (mi->size > CHUNK_BYTES) {
      g_autoptr(GBytes) raw = fetch_chunked(s, uids[i], mi->size, error);
      if (!raw) {
        if (error && *error)
          return NULL;
        i++;
        continue;
      }
      FetcherMessage *m = g_new0(FetcherMessage, 1);
      m->uid = uids[i];
      m->raw = g_steal_pointer(&raw);
      m->internal_date = mi->internal_date ? g_date_time_ref(mi->internal_date) : NULL;
      g_ptr_array_add(out, m);
      i++;
      continue;
    }
    /* a batch of small mails */
    guint j = i;
    guint64 total = 0;
    g_autoptr(GArray) batch = g_array_new(FALSE, FALSE, sizeof(guint32));
    while (j < n && batch->len < BATCH_MAX) {
      FetchItem *mj = find_item(meta, uids[j]);
      if (mj && (mj->size > CHUNK_BYTES || total + mj->size > BATCH_BYTES) && batch->len > 0)
        break;
      if (mj) {
        g_array_append_val(batch, uids[j]);
        total += mj->size;
      }
      j++;
    }
    g_autofree char *bset = uid_set((const guint32 *)batch->data, batch->len);
    g_autofree char *cmd = g_strdup_printf("UID FETCH %s (UID BODY.PEEK[])", bset);
    if (!perform(s, s->mailbox_url, cmd, error))
      return NULL;
    g_autoptr(GArray) items = parse_fetch_stream(s->lines->data, s->lines->len, error);
    if (!items)
      return NULL;
    for (guint k = 0; k < batch->len; k++) {
      guint32 uid = g_array_index(batch, guint32, k);
      FetchItem *it = find_item(items, uid);
      if (!it || !it->has_body)
        continue;
      FetchItem *mk = find_item(meta, uid);
      FetcherMessage *m = g_new0(FetcherMessage, 1);
      m->uid = uid;
      m->raw = g_bytes_new(it->body, it->body_len);
      m->internal_date = mk && mk->internal_date ? g_date_time_ref(mk->internal_date) : NULL;
      g_ptr_array_add(out, m);
    }
    i = j;
  }
  return g_steal_pointer(&out);
}

gboolean
fetcher_session_mark(FetcherSession *s, const guint32 *uids, guint n, const char *folder, GError **error)
{
  if (n == 0)
    return TRUE;
  g_autofree char *set = uid_set(uids, n);
  if (!folder || !*folder) {
    g_autofree char *cmd = g_strdup_printf("UID STORE %s +FLAGS.SILENT (\\Seen)", set);
    return perform(s, s->mailbox_url, cmd, error);
  }
  for (const char *c = folder; *c; c++) {
    if ((guchar)*c < 0x20 || (guchar)*c > 0x7e) {
      g_set_error(error, FETCHER_ERROR, FETCHER_ERROR_CONFIG, "processed_folder must be printable ASCII");
      return FALSE;
    }
  }
  g_autofree char *q = quote_mailbox(folder);
  g_autofree char *cmd = g_strdup_printf("UID MOVE %s %s", set, q);
  g_autoptr(GError) first = NULL;
  if (perform(s, s->mailbox_url, cmd, &first))
    return TRUE;
  /* [TRYCREATE]: make the folder once, then move again. */
  g_autofree char *create = g_strdup_printf("CREATE %s", q);
  g_autoptr(GError) ignored = NULL;
  perform(s, s->base_url, create, &ignored);
  return perform(s, s->mailbox_url, cmd, error);
}
