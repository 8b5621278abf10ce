/* acks/authres.c: the receiving MTA's Authentication-Results headers (RFC 8601), read so that a
 * mail whose From fails DMARC (or SPF without DKIM) gets no acknowledgement. */
#include "acks.h"

#include <string.h>

/* Header blocks larger than this are not searched further (the parser bounds them anyway). */
#define MAX_HEADER_BYTES (512 * 1024)

/* The value with comments removed (nested, with quoted-pairs) and folding turned into spaces;
 * quoted strings are kept, quotes included, so that a ';' inside one does not split. */
static char *
strip_comments(const char *v)
{
  GString *s = g_string_new(NULL);
  int depth = 0;
  gboolean quoted = FALSE;
  for (const char *c = v; *c; c++) {
    char ch = *c == '\r' || *c == '\n' || *c == '\t' ? ' ' : *c;
    if (ch == '\\' && c[1] && (quoted || depth)) {
      if (quoted)
        g_string_append_len(s, c, 2);
      c++;
    } else if (quoted) {
      g_string_append_c(s, ch);
      quoted = ch != '"';
    } else if (ch == '(') {
      depth++;
    } else if (ch == ')' && depth) {
      depth--;
      if (!depth)
        g_string_append_c(s, ' '); /* a comment separates tokens */
    } else if (!depth) {
      g_string_append_c(s, ch);
      quoted = ch == '"';
    }
  }
  return g_string_free(s, FALSE);
}

/* Splits at ';' outside quoted strings. */
static GPtrArray *
split_resinfo(const char *v)
{
  GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
  gboolean quoted = FALSE;
  const char *start = v;
  for (const char *c = v;; c++) {
    if (quoted && *c == '\\' && c[1]) {
      c++;
      continue;
    }
    if (*c == '"')
      quoted = !quoted;
    if (!*c || (*c == ';' && !quoted)) {
      char *part = g_strstrip(g_strndup(start, (gsize)(c - start)));
      g_ptr_array_add(out, part);
      if (!*c)
        break;
      start = c + 1;
    }
  }
  return out;
}

/* A token or a quoted string at *p (RFC 2045 value); advances *p. NULL when there is none. */
static char *
read_value(const char **p)
{
  const char *c = *p;
  while (*c == ' ')
    c++;
  GString *s = g_string_new(NULL);
  if (*c == '"') {
    for (c++; *c && *c != '"'; c++) {
      if (*c == '\\' && c[1])
        c++;
      g_string_append_c(s, *c);
    }
    if (*c == '"')
      c++;
  } else {
    while (*c && *c != ' ' && *c != '=' && *c != ';')
      g_string_append_c(s, *c++);
  }
  *p = c;
  if (!s->len) {
    g_string_free(s, TRUE);
    return NULL;
  }
  return g_string_free(s, FALSE);
}

/* "method[/version] = result" at the start of a resinfo; NULL when it is not one. */
static char *
method_result(const char *resinfo)
{
  const char *c = resinfo;
  GString *method = g_string_new(NULL);
  while (*c && (g_ascii_isalnum(*c) || *c == '-' || *c == '_' || *c == '.'))
    g_string_append_c(method, g_ascii_tolower(*c++));
  if (*c == '/') /* a method version, "dkim/1" */
    while (*++c && g_ascii_isdigit(*c))
      ;
  while (*c == ' ')
    c++;
  if (!method->len || *c != '=') {
    g_string_free(method, TRUE);
    return NULL;
  }
  c++;
  g_autofree char *result = read_value(&c);
  if (!result) {
    g_string_free(method, TRUE);
    return NULL;
  }
  g_autofree char *lower = g_ascii_strdown(result, -1);
  g_string_append_printf(method, "=%s", lower);
  return g_string_free(method, FALSE);
}

gboolean
acks_auth_parse(const char *value, char **authserv_id, GPtrArray **methods)
{
  *authserv_id = NULL;
  *methods = NULL;
  if (!value)
    return FALSE;
  g_autofree char *clean = strip_comments(value);
  g_autoptr(GPtrArray) parts = split_resinfo(clean);
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func(g_free);
  guint first = 0;
  const char *head = g_ptr_array_index(parts, 0);
  /* "authserv-id [version]"; a first part that is already "method=result" has no id (Exchange) */
  g_autofree char *as_method = method_result(head);
  if (!as_method) {
    const char *c = head;
    *authserv_id = read_value(&c);
    if (!*authserv_id)
      return FALSE;
    first = 1;
  }
  for (guint i = first; i < parts->len; i++) {
    const char *part = g_ptr_array_index(parts, i);
    char *mr = method_result(part);
    if (mr)
      g_ptr_array_add(out, mr);
    else if (*part && g_ascii_strcasecmp(part, "none") != 0)
      g_debug("Authentication-Results: unreadable part '%s'", part);
  }
  *methods = g_steal_pointer(&out);
  return TRUE;
}

/* The values of every Authentication-Results field of the header block, top down, unfolded. */
static GPtrArray *
header_values(const char *raw, gsize len)
{
  GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
  static const char name[] = "authentication-results:";
  gsize n = MIN(len, MAX_HEADER_BYTES);
  const char *p = raw, *end = raw + n;
  while (p < end) {
    const char *nl = memchr(p, '\n', (gsize)(end - p));
    const char *line_end = nl ? nl : end;
    if (line_end == p || (line_end == p + 1 && *p == '\r'))
      break; /* the blank line: the body starts */
    /* the field ends before the next line that does not start with a blank */
    const char *field_end = line_end;
    while (field_end < end && field_end + 1 < end && (field_end[1] == ' ' || field_end[1] == '\t')) {
      const char *next = memchr(field_end + 1, '\n', (gsize)(end - field_end - 1));
      field_end = next ? next : end;
    }
    if ((gsize)(field_end - p) > sizeof name - 1 && !g_ascii_strncasecmp(p, name, sizeof name - 1)) {
      g_autofree char *v = g_strndup(p + sizeof name - 1, (gsize)(field_end - p) - (sizeof name - 1));
      g_ptr_array_add(out, g_utf8_make_valid(v, -1));
    }
    p = field_end < end ? field_end + 1 : end;
  }
  return out;
}

static gboolean
is_trusted(const char *id, const char *const *trusted)
{
  for (guint i = 0; id && trusted && trusted[i]; i++)
    if (trusted[i][0] && !g_ascii_strcasecmp(id, trusted[i]))
      return TRUE;
  return FALSE;
}

AcksAuth
acks_auth_evaluate(const char *raw, gsize len, const char *const *trusted, char **why)
{
  if (why)
    *why = NULL;
  if (!raw || !trusted || !trusted[0] || !trusted[0][0])
    return ACKS_AUTH_NONE;
  g_autoptr(GPtrArray) values = header_values(raw, len);
  gboolean any = FALSE, dmarc_fail = FALSE, spf_fail = FALSE, dkim_pass = FALSE;
  g_autofree char *by = NULL;
  for (guint i = 0; i < values->len; i++) {
    g_autofree char *id = NULL;
    g_autoptr(GPtrArray) methods = NULL;
    if (!acks_auth_parse(g_ptr_array_index(values, i), &id, &methods))
      break; /* unreadable: where our MTA's run ends is unknown, so it ends here */
    if (!is_trusted(id, trusted))
      break; /* the topmost run of our MTA's headers ends: what follows came with the mail */
    if (!by)
      by = g_strdup(id);
    for (guint k = 0; k < methods->len; k++) {
      const char *m = g_ptr_array_index(methods, k);
      any = TRUE;
      dmarc_fail |= g_str_equal(m, "dmarc=fail");
      spf_fail |= g_str_equal(m, "spf=fail");
      dkim_pass |= g_str_equal(m, "dkim=pass");
    }
  }
  if (!any)
    return ACKS_AUTH_NONE;
  gboolean fail = dmarc_fail || (spf_fail && !dkim_pass);
  if (why)
    *why = g_strdup_printf("Authentication-Results by %s:%s%s%s", by, dmarc_fail ? " dmarc=fail" : "",
                           spf_fail ? " spf=fail" : "",
                           dkim_pass ? " dkim=pass" : (fail ? " no dkim=pass" : " no failure"));
  return fail ? ACKS_AUTH_FAIL : ACKS_AUTH_PASS;
}
