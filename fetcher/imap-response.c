/* fetcher/imap-response.c: reading IMAP responses (FETCH, SEARCH, STATUS, tagged NO/BAD) and
 * writing the few IMAP tokens we send. Pure functions over bytes: no connection, so the tests
 * feed them any response, truncated or hostile. */
#include "fetcher-private.h"

#include <stdio.h>
#include <string.h>

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

static void
give(const guint8 *start, gsize n, const guint8 **data, gsize *len)
{
  if (data) {
    *data = start;
    *len = n;
  }
}

/* "quoted": the text between the quotes, escapes left as they are. */
static gboolean
read_quoted(Cursor *c, const guint8 **data, gsize *len)
{
  const guint8 *start = ++c->p;
  while (c->p < c->end && *c->p != '"') {
    if (*c->p == '\\')
      c->p++;
    c->p++;
  }
  if (c->p >= c->end)
    return FALSE;
  give(start, (gsize)(c->p - start), data, len);
  c->p++;
  return TRUE;
}

/* {n}\r\n followed by n bytes ({n+}: a non-synchronising literal). */
static gboolean
read_literal(Cursor *c, const guint8 **data, gsize *len)
{
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
  give(c->p, (gsize)n, data, len);
  c->p += n;
  return TRUE;
}

static gboolean read_value(Cursor *c, const guint8 **data, gsize *len, guint depth);

static gboolean
read_list(Cursor *c, guint depth)
{
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

/* A value: number, atom, "quoted", (list), NIL or {n}\r\n literal. Atom, literal and quoted text
 * is returned through data/len when asked. */
static gboolean
read_value(Cursor *c, const guint8 **data, gsize *len, guint depth)
{
  if (depth > 16 || c->p >= c->end)
    return FALSE;
  if (*c->p == '"')
    return read_quoted(c, data, len);
  if (*c->p == '{')
    return read_literal(c, data, len);
  if (*c->p == '(')
    return read_list(c, depth);
  /* atom, number or NIL (may contain [] and <> as in BODY[]<0>) */
  const guint8 *start = c->p;
  while (c->p < c->end && *c->p != ' ' && *c->p != ')' && *c->p != '\r' && *c->p != '(')
    c->p++;
  if (c->p == start)
    return FALSE;
  give(start, (gsize)(c->p - start), data, len);
  return TRUE;
}

GDateTime *
fetcher_imap_parse_internaldate(const char *s, gsize len)
{
  /* "25-Nov-2026 16:52:37 +0000" */
  static const char *months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
  g_autofree char *t = g_strndup(s, len);
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
  /* zone is 4 digits (RFC 3501 date-time): anything wider would overflow the offset */
  if (zone < -2400 || zone > 2400 || (zone < 0 ? -zone : zone) % 100 >= 60)
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
  FetcherFetchItem *it = p;
  g_clear_pointer(&it->internal_date, g_date_time_unref);
}

/* A BODY[section]<origin> value: its bytes (NIL: empty) and the origin of a partial answer. */
static void
take_section(const char *name, const guint8 *val, gsize vlen, gboolean literal_or_quoted, gboolean *has,
             const guint8 **data, gsize *len, guint64 *origin)
{
  *has = TRUE;
  *data = literal_or_quoted ? val : (const guint8 *)"";
  *len = literal_or_quoted ? vlen : 0; /* NIL: empty */
  const char *lt = strchr(name, '<');
  *origin = lt ? g_ascii_strtoull(lt + 1, NULL, 10) : 0;
}

/* Records one "NAME value" pair of a FETCH response in it; unknown names are skipped. */
static void
take_attribute(FetcherFetchItem *it, const char *name, const guint8 *val, gsize vlen,
               gboolean literal_or_quoted)
{
  if (g_str_equal(name, "UID") && val) {
    g_autofree char *v = g_strndup((const char *)val, vlen);
    guint64 u = g_ascii_strtoull(v, NULL, 10);
    it->uid = u <= G_MAXUINT32 ? (guint32)u : 0;
  } else if (g_str_equal(name, "RFC822.SIZE") && val) {
    g_autofree char *v = g_strndup((const char *)val, vlen);
    it->size = g_ascii_strtoull(v, NULL, 10);
  } else if (g_str_equal(name, "INTERNALDATE") && val) {
    g_clear_pointer(&it->internal_date, g_date_time_unref);
    it->internal_date = fetcher_imap_parse_internaldate((const char *)val, vlen);
  } else if (g_str_has_prefix(name, "BODY[]")) {
    take_section(name, val, vlen, literal_or_quoted, &it->has_body, &it->body, &it->body_len,
                 &it->body_origin);
  } else if (g_str_has_prefix(name, "BODY[HEADER]")) {
    take_section(name, val, vlen, literal_or_quoted, &it->has_header, &it->header, &it->header_len,
                 &it->header_origin);
  } else if (g_str_has_prefix(name, "BODY[TEXT]")) {
    take_section(name, val, vlen, literal_or_quoted, &it->has_text, &it->text, &it->text_len,
                 &it->text_origin);
  }
}

/* Reads the attribute list of one FETCH response, c just after its "(". */
static gboolean
read_fetch_attributes(Cursor *c, FetcherFetchItem *it)
{
  for (;;) {
    skip_spaces(c);
    if (c->p >= c->end)
      return FALSE;
    if (*c->p == ')') {
      c->p++;
      return TRUE;
    }
    const guint8 *name = NULL;
    gsize nlen = 0;
    /* a name is an atom: a list there (which gives no text) is unreadable */
    if (!read_value(c, &name, &nlen, 0) || !name)
      return FALSE;
    skip_spaces(c);
    const guint8 *val = NULL;
    gsize vlen = 0;
    gboolean literal_or_quoted = c->p < c->end && (*c->p == '{' || *c->p == '"');
    if (!read_value(c, &val, &vlen, 0))
      return FALSE;
    g_autofree char *nm = g_ascii_strup((const char *)name, (gssize)nlen);
    take_attribute(it, nm, val, vlen, literal_or_quoted);
  }
}

/* The start of the stream's last line when it is a tagged completion ("A12 OK ..."), which no
 * literal may contain; else the end of the stream. */
static const guint8 *
last_tagged_line(const guint8 *data, gsize len)
{
  gsize e = len;
  while (e > 0 && (data[e - 1] == '\n' || data[e - 1] == '\r'))
    e--;
  gsize b = e;
  while (b > 0 && data[b - 1] != '\n')
    b--;
  const guint8 *sp = memchr(data + b, ' ', e - b);
  if (b == e || data[b] == '*' || data[b] == '+' || !sp || e - (gsize)(sp + 1 - data) < 2)
    return data + len;
  for (const guint8 *t = data + b; t < sp; t++)
    if (!g_ascii_isalnum(*t))
      return data + len;
  const char *st = (const char *)sp + 1;
  gsize rest = e - (gsize)(sp + 1 - data);
  if ((rest >= 2 && memcmp(st, "OK", 2) == 0) || (rest >= 2 && memcmp(st, "NO", 2) == 0) ||
      (rest >= 3 && memcmp(st, "BAD", 3) == 0))
    return data + b;
  return data + len;
}

GArray *
fetcher_imap_parse_fetch(const guint8 *data, gsize len, GError **error)
{
  g_autoptr(GArray) items = g_array_new(FALSE, TRUE, sizeof(FetcherFetchItem));
  g_array_set_clear_func(items, fetch_item_clear);
  Cursor c = { data, data + len };
  const guint8 *read_to = data; /* the furthest a FETCH response (and its literals) reached */
  while (c.p < c.end) {
    const guint8 *line = c.p;
    if (c.end - line > 2 && line[0] == '*' && line[1] == ' ') {
      Cursor k = { line + 2, c.end };
      guint64 seq;
      if (read_number(&k, &seq) && k.end - k.p > 8 && memcmp(k.p, " FETCH (", 8) == 0) {
        k.p += 8;
        FetcherFetchItem it = { 0 };
        if (!read_fetch_attributes(&k, &it)) {
          fetch_item_clear(&it);
          g_set_error(error, FETCHER_ERROR, FETCHER_ERROR_PROTOCOL,
                      "IMAP FETCH response is truncated or unreadable");
          return NULL;
        }
        g_array_append_val(items, it);
        c.p = read_to = k.p; /* past the literals, whose lines may look like responses */
      }
    }
    const guint8 *nl = memchr(c.p, '\n', (gsize)(c.end - c.p));
    c.p = nl ? nl + 1 : c.end;
  }
  if (read_to > last_tagged_line(data, len)) {
    /* a literal longer than what the server sent swallowed its completion line */
    g_set_error(error, FETCHER_ERROR, FETCHER_ERROR_PROTOCOL,
                "IMAP FETCH response is truncated: a literal runs into the tagged reply");
    return NULL;
  }
  return g_steal_pointer(&items);
}

FetcherFetchItem *
fetcher_imap_find_item(GArray *items, guint32 uid)
{
  for (guint i = 0; i < items->len; i++) {
    FetcherFetchItem *it = &g_array_index(items, FetcherFetchItem, i);
    if (it->uid == uid)
      return it;
  }
  return NULL;
}

gboolean
fetcher_imap_parse_status(const char *text, guint32 *uidvalidity, guint32 *uidnext)
{
  const char *st = strstr(text, "* STATUS ");
  if (!st)
    return FALSE;
  /* mailbox (atom, quoted or literal: its name may read "UIDNEXT 9"), then (NAME n NAME n ...) */
  Cursor c = { (const guint8 *)st + 9, (const guint8 *)text + strlen(text) };
  if (!read_value(&c, NULL, NULL, 0))
    return FALSE;
  skip_spaces(&c);
  if (c.p >= c.end || *c.p != '(')
    return FALSE;
  c.p++;
  gboolean have_validity = FALSE, have_next = FALSE;
  for (;;) {
    skip_spaces(&c);
    if (c.p >= c.end)
      return FALSE;
    if (*c.p == ')')
      return have_validity && have_next;
    const guint8 *name = NULL;
    gsize nlen = 0;
    guint64 v;
    if (!read_value(&c, &name, &nlen, 0) || !name)
      return FALSE;
    skip_spaces(&c);
    if (!read_number(&c, &v) || v > G_MAXUINT32)
      return FALSE;
    if (nlen == 11 && g_ascii_strncasecmp((const char *)name, "UIDVALIDITY", 11) == 0) {
      *uidvalidity = (guint32)v;
      have_validity = TRUE;
    } else if (nlen == 7 && g_ascii_strncasecmp((const char *)name, "UIDNEXT", 7) == 0) {
      *uidnext = (guint32)v;
      have_next = TRUE;
    }
  }
}

gboolean
fetcher_imap_parse_search(const char *text, guint64 lo, guint64 hi, GArray *uids, GError **error)
{
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
        return FALSE;
      }
      /* "n:*" always includes the highest UID, even below n (RFC 3501). */
      if (v < lo || (hi && v > hi))
        continue;
      guint32 u = (guint32)v;
      g_array_append_val(uids, u);
    }
  }
  return TRUE;
}

char *
fetcher_imap_complaint(const guint8 *data, gsize len)
{
  if (len == 0)
    return NULL;
  g_autofree char *text = g_strndup((const char *)data, len);
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

char *
fetcher_imap_uid_set(const guint32 *uids, guint n)
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

char *
fetcher_imap_quote(const char *name)
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

char *
fetcher_imap_utf7(const char *name)
{
  if (!g_utf8_validate(name, -1, NULL))
    return NULL;
  GString *out = g_string_new(NULL);
  for (const char *p = name; *p;) {
    if ((guchar)*p >= 0x20 && (guchar)*p <= 0x7e) {
      if (*p == '&')
        g_string_append(out, "&-");
      else
        g_string_append_c(out, *p);
      p++;
      continue;
    }
    /* a run of other characters: '&', their UTF-16BE in base64 with ',' for '/' and no padding, '-' */
    const char *end = p;
    while (*end && !((guchar)*end >= 0x20 && (guchar)*end <= 0x7e))
      end = g_utf8_next_char(end);
    glong units = 0;
    g_autofree gunichar2 *u16 = g_utf8_to_utf16(p, end - p, NULL, &units, NULL);
    g_autofree guchar *be = g_new(guchar, (gsize)units * 2 + 1);
    for (glong i = 0; i < units; i++) {
      be[2 * i] = (guchar)(u16[i] >> 8);
      be[2 * i + 1] = (guchar)(u16[i] & 0xff);
    }
    g_autofree char *b64 = g_base64_encode(be, (gsize)units * 2);
    g_string_append_c(out, '&');
    for (const char *b = b64; *b && *b != '='; b++)
      g_string_append_c(out, *b == '/' ? ',' : *b);
    g_string_append_c(out, '-');
    p = end;
  }
  return g_string_free(out, FALSE);
}
