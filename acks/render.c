/* acks/render.c: the acknowledgement as text (templates as data, customer text made safe to quote);
 * message.c writes it as an RFC 5322 message. */
#include "acks-private.h"

#include <gmime/gmime.h>
#include <string.h>

static char *drop_tag_lines(const char *t);

struct AcksTexts {
  GHashTable *map;      /* "lang\x1fkey" → text */
  GHashTable *prepared; /* a text of map (by address) → its template with tag lines dropped */
};

AcksTexts *
acks_texts_new(void)
{
  AcksTexts *t = g_new0(AcksTexts, 1);
  t->map = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  t->prepared = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
  return t;
}

void
acks_texts_free(AcksTexts *t)
{
  if (!t)
    return;
  g_hash_table_unref(t->prepared);
  g_hash_table_unref(t->map);
  g_free(t);
}

void
acks_texts_add(AcksTexts *t, const char *language, const char *key, const char *text)
{
  char *k = g_strdup_printf("%s\x1f%s", language, key);
  const char *old = g_hash_table_lookup(t->map, k);
  if (old)
    g_hash_table_remove(t->prepared, old);
  char *v = g_strdup(text ? text : "");
  g_hash_table_replace(t->map, k, v);
  /* each render expands several texts: their tag lines are dropped once, here */
  g_hash_table_insert(t->prepared, v, drop_tag_lines(v));
}

/* The text of "lang\x1fkey", looked up without allocating when the key is short. */
static const char *
texts_lookup(const AcksTexts *t, const char *language, const char *key)
{
  char buf[128];
  if ((gsize)g_snprintf(buf, sizeof buf, "%s\x1f%s", language, key) < sizeof buf)
    return g_hash_table_lookup(t->map, buf);
  g_autofree char *k = g_strdup_printf("%s\x1f%s", language, key);
  return g_hash_table_lookup(t->map, k);
}

const char *
acks_texts_get(const AcksTexts *t, const char *language, const char *key)
{
  const char *v = texts_lookup(t, language ? language : "zh", key);
  if (!v && language && !g_str_equal(language, "zh"))
    v = texts_lookup(t, "zh", key);
  return v;
}

/* ---- sanitising ---- */

/* Whether u becomes a space in acks_sanitize. */
static gboolean
sanitize_blank(gunichar u)
{
  return u < 0x20 || u == 0x7f || (u >= 0x80 && u < 0xa0) || u == 0x2028 || u == 0x2029 || u == 0xfeff ||
         (u >= 0x200b && u <= 0x200f) || (u >= 0x202a && u <= 0x202e);
}

char *
acks_sanitize(const char *text, guint max_chars, gboolean keep_newlines)
{
  if (!text)
    return g_strdup("");
  /* valid text (nearly always) is read in place: no repaired copy */
  g_autofree char *repaired = g_utf8_validate(text, -1, NULL) ? NULL : g_utf8_make_valid(text, -1);
  const char *valid = repaired ? repaired : text;
  GString *s = g_string_sized_new(strlen(valid) + 4);
  guint chars = 0;
  gboolean cut = FALSE;
  for (const char *c = valid; *c; c = g_utf8_next_char(c)) {
    /* a run of characters kept as they are (the bulk of any text), copied at once */
    const char *run = c;
    guint run_chars = 0;
    while (*c && (!max_chars || chars + run_chars < max_chars)) {
      if ((guchar)*c < 0x80) {
        if ((guchar)*c <= 0x20 || *c == 0x7f)
          break;
        c++;
      } else {
        if (sanitize_blank(g_utf8_get_char(c)))
          break;
        c = g_utf8_next_char(c);
      }
      run_chars++;
    }
    g_string_append_len(s, run, c - run);
    chars += run_chars;
    if (!*c)
      break;
    /* then one character that is a space, a control, or past max_chars */
    gunichar u = (guchar)*c < 0x80 ? (gunichar)*c : g_utf8_get_char(c);
    gboolean nl = keep_newlines && u == '\n';
    if (!nl && sanitize_blank(u))
      u = ' ';
    /* one line: collapse runs, no leading space; several lines: keep indentation */
    if (u == ' ' && !keep_newlines && (s->len == 0 || s->str[s->len - 1] == ' '))
      continue;
    while (nl && s->len > 0 && s->str[s->len - 1] == ' ')
      g_string_truncate(s, s->len - 1);
    if (max_chars && chars >= max_chars) {
      cut = TRUE;
      break;
    }
    if (u < 0x80)
      g_string_append_c(s, (char)u);
    else /* kept as it is: its bytes, not re-encoded */
      g_string_append_len(s, c, g_utf8_next_char(c) - c);
    chars++;
  }
  while (s->len && (s->str[s->len - 1] == ' ' || s->str[s->len - 1] == '\n'))
    g_string_truncate(s, s->len - 1);
  if (cut)
    g_string_append(s, "…");
  return g_string_free(s, FALSE);
}

/* ---- templates ---- */

static gboolean
is_section_tag_line(const char *start, const char *end)
{
  while (start < end && (*start == ' ' || *start == '\t' || *start == '\r'))
    start++;
  while (end > start && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
    end--;
  if (end - start < 6 || strncmp(start, "{{", 2) != 0 || strncmp(end - 2, "}}", 2) != 0)
    return FALSE;
  if (start[2] != '#' && start[2] != '^' && start[2] != '/')
    return FALSE;
  for (const char *c = start + 3; c < end - 2; c++)
    if (!(g_ascii_isalnum(*c) || *c == '_' || *c == '.'))
      return FALSE;
  return TRUE;
}

/* Lines holding only a section tag lose their line break (and indentation). */
static char *
drop_tag_lines(const char *t)
{
  GString *s = g_string_new(NULL);
  const char *p = t;
  while (*p) {
    const char *nl = strchr(p, '\n');
    const char *end = nl ? nl : p + strlen(p);
    if (is_section_tag_line(p, end)) {
      const char *a = strstr(p, "{{");
      const char *b = strstr(a, "}}") + 2;
      g_string_append_len(s, a, b - a);
    } else {
      g_string_append_len(s, p, end - p);
      if (nl)
        g_string_append_c(s, '\n');
    }
    p = nl ? nl + 1 : end;
  }
  return g_string_free(s, FALSE);
}

/* Whether p starts the tag {{<kind><name>}} (kind '#', '^' or '/'). */
static gboolean
tag_at(const char *p, char kind, const char *name, gsize name_len)
{
  return p[0] == '{' && p[1] == '{' && p[2] == kind && strncmp(p + 3, name, name_len) == 0 &&
         p[3 + name_len] == '}' && p[4 + name_len] == '}';
}

static gboolean
expand_range(GString *out, const char *p, const char *end, GHashTable *values, GError **error)
{
  while (p < end) {
    const char *open = g_strstr_len(p, end - p, "{{");
    if (!open) {
      g_string_append_len(out, p, end - p);
      return TRUE;
    }
    g_string_append_len(out, p, open - p);
    const char *close = g_strstr_len(open + 2, end - open - 2, "}}");
    if (!close) {
      g_set_error(error, ACKS_ERROR, ACKS_ERROR_TEMPLATE, "unclosed {{ in template");
      return FALSE;
    }
    g_autofree char *tag = g_strndup(open + 2, close - open - 2);
    g_strstrip(tag);
    p = close + 2;
    if (tag[0] == '#' || tag[0] == '^') {
      const char *name = tag + 1;
      gsize name_len = strlen(name);
      char alt = tag[0] == '#' ? '^' : '#';
      /* find the matching end, counting nested sections of the same name */
      int depth = 1;
      const char *q = p, *inner_end = NULL;
      while (q < end) {
        const char *n = g_strstr_len(q, end - q, "{{");
        if (!n)
          break;
        if (tag_at(n, '/', name, name_len)) {
          if (--depth == 0) {
            inner_end = n;
            break;
          }
          q = n + name_len + 5;
        } else if (tag_at(n, tag[0], name, name_len) || tag_at(n, alt, name, name_len)) {
          depth++;
          q = n + 2;
        } else {
          q = n + 2;
        }
      }
      if (!inner_end) {
        g_set_error(error, ACKS_ERROR, ACKS_ERROR_TEMPLATE, "section {{%s}} is not closed", tag);
        return FALSE;
      }
      const char *v = g_hash_table_lookup(values, name);
      gboolean set = v && *v;
      if ((tag[0] == '#') == set && !expand_range(out, p, inner_end, values, error))
        return FALSE;
      p = inner_end + name_len + 5;
    } else if (tag[0] == '/') {
      g_set_error(error, ACKS_ERROR, ACKS_ERROR_TEMPLATE, "{{%s}} closes no section", tag);
      return FALSE;
    } else {
      const char *v = g_hash_table_lookup(values, tag);
      if (v)
        g_string_append(out, v); /* values are inserted as they are, never expanded again */
    }
  }
  return TRUE;
}

/* acks_template_expand of a text of texts (from acks_texts_get), its tag lines dropped already. */
static char *
expand(const AcksTexts *texts, const char *text, GHashTable *values, GError **error)
{
  const char *t = g_hash_table_lookup(texts->prepared, text);
  if (!t)
    return acks_template_expand(text, values, error);
  g_autoptr(GString) out = g_string_sized_new(strlen(t) + 256);
  if (!expand_range(out, t, t + strlen(t), values, error))
    return NULL;
  return g_string_free(g_steal_pointer(&out), FALSE);
}

char *
acks_template_expand(const char *template_text, GHashTable *values, GError **error)
{
  g_autofree char *t = drop_tag_lines(template_text ? template_text : "");
  g_autoptr(GString) out = g_string_new(NULL);
  if (!expand_range(out, t, t + strlen(t), values, error))
    return NULL;
  return g_string_free(g_steal_pointer(&out), FALSE);
}

/* ---- the message ---- */

void
acks_rendered_free(AcksRendered *r)
{
  if (!r)
    return;
  g_free(r->subject);
  g_free(r->body);
  g_clear_pointer(&r->message, g_bytes_unref);
  g_free(r);
}

static const char *
text_or_fail(const AcksTexts *texts, const char *lang, const char *key, GError **error)
{
  const char *v = acks_texts_get(texts, lang, key);
  if (!v)
    g_set_error(error, ACKS_ERROR, ACKS_ERROR_TEMPLATE,
                "no acknowledgement text '%s' for %s (intake.ack_texts)", key, lang);
  return v;
}

static void
put(GHashTable *v, const char *name, char *value)
{
  g_hash_table_replace(v, g_strdup(name), value ? value : g_strdup(""));
}

/* The time zone of the deadlines and the Date header: the caller's (the policy's), else
 * ACKS_DEFAULT_TIME_ZONE, else UTC+8 when the system has no zone database. New reference. */
static GTimeZone *
time_zone_or_default(GTimeZone *tz)
{
  if (tz)
    return g_time_zone_ref(tz);
  GTimeZone *dflt = g_time_zone_new_identifier(ACKS_DEFAULT_TIME_ZONE);
  return dflt ? dflt : g_time_zone_new_offset(8 * 3600);
}

static char *
format_local(GDateTime *t, GTimeZone *tz)
{
  if (!t)
    return NULL;
  g_autoptr(GDateTime) local = g_date_time_to_timezone(t, tz);
  return g_date_time_format(local, "%Y-%m-%d %H:%M");
}

static char *
duration_text(const AcksTexts *texts, const char *lang, gint minutes, GError **error)
{
  gboolean hours = minutes >= 60 && minutes % 60 == 0;
  const char *t = text_or_fail(texts, lang, hours ? "unit.hours" : "unit.minutes", error);
  if (!t)
    return NULL;
  g_autoptr(GHashTable) v = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  put(v, "n", g_strdup_printf("%d", hours ? minutes / 60 : minutes));
  return expand(texts, t, v, error);
}

static gsize gmime_once;

/* What an acknowledgement quotes back of what the sender wrote. A forged sender must not be able
 * to use our acknowledgement to carry its text to a third party (backscatter, a spam relay through
 * our own authenticated server): we quote only the fields the parser extracted plus the subject, each
 * cut short, and on one line; links, mail addresses and host names in them become ECHO_REDACTED, so
 * that no quoted text can point the reader anywhere. The customer knows what they wrote: a short,
 * recognisable quote is all the acknowledgement needs. */
#define ECHO_SUBJECT_CHARS 60
#define ECHO_NAME_CHARS 32
#define ECHO_SYMPTOMS_CHARS 100
#define ECHO_FIELD_CHARS 60
#define ECHO_REDACTED "[…]"

static GRegex *
link_regex(void)
{
  static gsize once;
  static GRegex *re;
  if (g_once_init_enter(&once)) {
    /* a URL with a scheme, www…, an address, a host name (a dotted name ending in letters; the dots
     * may be ideographic or full width) or an IPv4 address. ASCII look-arounds, not \b (which is
     * Unicode-aware in GRegex): a link glued to Chinese text starts and ends where the Chinese does */
    re = g_regex_new(
      "(?i)(?<![a-z0-9+.-])[a-z][a-z0-9+.-]{0,15}:(//|[!-~]*@)[!-~]*"
      "|(?<![a-z0-9-])www[.\\x{3002}\\x{ff0e}][!-~]*"
      "|[a-z0-9._%+=-]+[@\\x{ff20}][a-z0-9-]+([.\\x{3002}\\x{ff0e}][a-z0-9-]+)*"
      "|(?<![a-z0-9-])[a-z0-9-]+([.\\x{3002}\\x{ff0e}][a-z0-9-]+)*[.\\x{3002}\\x{ff0e}][a-z]{2,24}"
      "(?![a-z0-9-])([/:?#][!-~]*)?"
      "|(?<![0-9.])[0-9]{1,3}(\\.[0-9]{1,3}){3}(?![0-9])([/:?#][!-~]*)?",
      G_REGEX_OPTIMIZE, 0, NULL);
    g_assert(re);
    g_once_init_leave(&once, 1);
  }
  return re;
}

/* FALSE when text cannot hold what link_regex matches: each of its forms needs a ':', an '@' (or
 * '＠'), or a dot ('.', '。', '．'). Spares the regex on most SNs, models and names. */
static gboolean
may_hold_link(const char *text)
{
  return strpbrk(text, ":@.") || strstr(text, "\uff20") || strstr(text, "\u3002") || strstr(text, "\uff0e");
}

/* text[0, len) on one line with links and addresses replaced; NULL if the regex failed. */
static char *
echo_line(const char *text, gsize len)
{
  g_autofree char *part = g_strndup(text, len);
  g_autofree char *line = acks_sanitize(part, 0, FALSE);
  return may_hold_link(line) ? g_regex_replace_literal(link_regex(), line, -1, 0, ECHO_REDACTED, 0, NULL)
                             : g_strdup(line);
}

/* Where a quote of max_chars may stop reading text: at the first blank from (max_chars + 1) * 8
 * bytes on, else the end. No link holds a blank, so the links before it read as in the whole. */
static gsize
echo_cut(const char *text, guint max_chars)
{
  gsize len = strlen(text), from = ((gsize)max_chars + 1) * 8;
  if (!max_chars || len <= from)
    return len;
  const char *blank = strpbrk(text + from, " \t\r\n");
  return blank ? (gsize)(blank - text) : len;
}

char *
acks_echo_text(const char *text, guint max_chars)
{
  if (!text)
    return g_strdup("");
  /* one line first (no length cut yet: a link cut in half would no longer be recognised). A long
   * text (symptoms run to kilobytes) is read up to a blank past the quote's length: when that start
   * alone gives more than max_chars characters, the quote is the same as from the whole */
  gsize len = strlen(text), cut = echo_cut(text, max_chars);
  if (cut < len) {
    g_autofree char *start = echo_line(text, cut);
    if (start && g_utf8_strlen(start, -1) > (glong)max_chars)
      return acks_sanitize(start, max_chars, FALSE);
  }
  g_autofree char *clean = echo_line(text, len);
  return acks_sanitize(clean ? clean : "", max_chars, FALSE);
}

/* TRUE when text held a link or an address (acks_echo_text replaced something). */
static gboolean
has_link(const char *text)
{
  return text && may_hold_link(text) && g_regex_match(link_regex(), text, 0, NULL);
}

/* One machine's values, made safe: sn, model, symptoms, warranty_end, and the text for unknown. */
static gboolean
put_machine_fields(GHashTable *v, const AcksTexts *texts, const char *lang, const char *sn, const char *model,
                   const char *symptoms, const char *warranty_end, GError **error)
{
  put(v, "sn", acks_echo_text(sn, 64));
  put(v, "model", acks_echo_text(model, ECHO_FIELD_CHARS));
  put(v, "symptoms", acks_echo_text(symptoms, ECHO_SYMPTOMS_CHARS));
  put(v, "warranty_end", acks_sanitize(warranty_end, 20, FALSE));
  const char *unknown = text_or_fail(texts, lang, "unknown", error);
  if (!unknown)
    return FALSE;
  put(v, "unknown", g_strdup(unknown));
  return TRUE;
}

/* The customer's subject without reply/forward prefixes and our order tags: the acknowledgement's
 * "Re: [RC…-0002] " goes in front of the subject itself, not of "Re: Re: [RC…-0001] …" (blind
 * round 15: a new order split off a reply carried two order numbers). */
static char *
subject_core(const char *subject)
{
  static GRegex *tags, *prefix;
  if (g_once_init_enter(&tags))
    g_once_init_leave(
      &tags, g_regex_new("\\[\\s*RC[0-9]{8}-[0-9]{4}[^\\]]{0,20}\\]\\s*", G_REGEX_CASELESS, 0, NULL));
  if (g_once_init_enter(&prefix))
    g_once_init_leave(
      &prefix,
      g_regex_new(
        "^(?:\\s*(?:re|fw|fwd|aw|wg|sv|答复|回复|回覆|转发|轉發)\\s*(?:\\[[0-9]+\\])?\\s*[:：])+\\s*",
        G_REGEX_CASELESS, 0, NULL));
  g_autofree char *untagged = g_regex_replace_literal(tags, subject ? subject : "", -1, 0, "", 0, NULL);
  char *core = g_regex_replace_literal(prefix, untagged ? untagged : "", -1, 0, "", 0, NULL);
  return core ? g_strstrip(core) : g_strdup("");
}

/* A directory's "Weber, Markus" as one greets him: "Markus Weber" (blind round 19: "Dear Weber, Markus");
 * any other name as it is (new string). */
static char *
name_in_order(const char *name)
{
  static GRegex *re;
  if (g_once_init_enter(&re))
    g_once_init_leave(&re,
                      g_regex_new("^(\\p{Lu}[\\p{L}'-]+), (\\p{Lu}[\\p{L}'-]+(?: \\p{Lu}[\\p{L}'.-]*)?)$",
                                  G_REGEX_OPTIMIZE, 0, NULL));
  char *turned = g_regex_replace(re, name, -1, 0, "\\2 \\1", 0, NULL);
  return turned ? turned : g_strdup(name);
}

/* The customer's values, made safe: order_no, subject, name, sn, model, symptoms, location,
 * warranty_end, unknown. */
static gboolean
put_fields(GHashTable *v, const AcksTexts *texts, const char *lang, const AcksContent *c, GError **error)
{
  put(v, "order_no", acks_sanitize(c->order_no, 40, FALSE));
  put(v, "recurrence_of", acks_sanitize(c->recurrence_of, 40, FALSE));
  g_autofree char *core = subject_core(c->subject);
  g_autofree char *subj = acks_echo_text(core, ECHO_SUBJECT_CHARS);
  if (!*subj) {
    const char *empty = text_or_fail(texts, lang, "subject.empty", error);
    if (!empty)
      return FALSE;
    g_free(subj);
    subj = g_strdup(empty);
  }
  put(v, "subject", g_strdup(subj));
  /* a display name that is just the address, or carries a link, says nothing we want to repeat */
  g_autofree char *name = has_link(c->to_name) ? g_strdup("") : acks_echo_text(c->to_name, ECHO_NAME_CHARS);
  if (c->to_addr && !g_ascii_strcasecmp(name, c->to_addr))
    name[0] = '\0';
  put(v, "name", name_in_order(name));
  put(v, "location", acks_echo_text(c->location, ECHO_FIELD_CHARS));
  if (!put_machine_fields(v, texts, lang, c->sn, c->model, c->symptoms, c->warranty_end, error))
    return FALSE;
  /* known from the registry, not said back: not "not recognised" either (blind round 19: "设备型号：
   * （未识别到）" for a machine we had identified); a database without the text says unknown */
  const char *on_file = acks_texts_get(texts, lang, "on_file");
  if (on_file && c->model_on_file && !*(const char *)g_hash_table_lookup(v, "model"))
    put(v, "model", g_strdup(on_file));
  if (on_file && c->location_on_file && !*(const char *)g_hash_table_lookup(v, "location"))
    put(v, "location", g_strdup(on_file));
  return TRUE;
}

/* The fields to send, one line each; the SN with the seed's hint where its label is. */
static gboolean
put_missing(GHashTable *v, const AcksTexts *texts, const char *lang, const AcksContent *c, GError **error)
{
  g_autoptr(GString) missing = g_string_new(NULL);
  for (guint i = 0; c->missing && c->missing[i]; i++) {
    /* a batch report: each machine's SN, model and problem are in its own item */
    if (c->machines && c->n_machines >= 2 &&
        (g_str_equal(c->missing[i], "sn") || g_str_equal(c->missing[i], "model") ||
         g_str_equal(c->missing[i], "symptoms")))
      continue;
    g_autofree char *key = g_strdup_printf("field.%s", c->missing[i]);
    const char *label = text_or_fail(texts, lang, key, error);
    if (!label)
      return FALSE;
    if (missing->len)
      g_string_append_c(missing, '\n');
    g_string_append_printf(missing, "  - %s", label);
    if (g_str_equal(c->missing[i], "sn")) {
      const char *hint = text_or_fail(texts, lang, "hint.sn", error);
      if (!hint)
        return FALSE;
      g_string_append_printf(missing, g_str_equal(lang, "zh") ? "（%s）" : " (%s)", hint);
    }
  }
  put(v, "missing", g_strdup(missing->len ? "1" : ""));
  put(v, "missing_list", g_strdup(missing->str));
  return TRUE;
}

/* Coverage: only what the classifier decided; needs_review says it is being checked. */
static gboolean
put_coverage(GHashTable *v, const AcksTexts *texts, const char *lang, const AcksContent *c, GError **error)
{
  const char *cov_key = NULL;
  if (c->kind && g_str_equal(c->kind, "value_added"))
    cov_key = "coverage.value_added";
  else if (c->coverage)
    cov_key = c->coverage;
  g_autofree char *cov_full = cov_key && !g_str_has_prefix(cov_key, "coverage.")
                                ? g_strdup_printf("coverage.%s", cov_key)
                                : g_strdup(cov_key);
  if (cov_full) {
    const char *t = acks_texts_get(texts, lang, cov_full);
    put(v, "coverage_text", t ? expand(texts, t, v, error) : NULL);
    if (error && *error)
      return FALSE;
  }
  return TRUE;
}

/* The on-site commitment of the tier's terms ("onsite.nbd", "onsite.elapsed", "onsite.none"). */
static gboolean
put_onsite(GHashTable *v, const AcksTexts *texts, const char *lang, const AcksContent *c, GTimeZone *tz,
           GError **error)
{
  char *onsite = NULL;
  if (c->onsite_due && c->onsite_rule) {
    g_autofree char *okey = g_strdup_printf("onsite.%s", c->onsite_rule);
    const char *t = text_or_fail(texts, lang, okey, error);
    if (!t)
      return FALSE;
    put(v, "duration", c->onsite_minutes > 0 ? duration_text(texts, lang, c->onsite_minutes, error) : NULL);
    onsite = expand(texts, t, v, error);
    put(v, "onsite_due", format_local(c->onsite_due, tz));
  } else {
    const char *t = text_or_fail(texts, lang, "onsite.none", error);
    onsite = t ? expand(texts, t, v, error) : NULL;
  }
  if (!onsite)
    return FALSE;
  put(v, "onsite_commitment", onsite);
  return TRUE;
}

/* The commitments of the tier and the order's deadlines, when they apply. */
static gboolean
put_sla(GHashTable *v, const AcksTexts *texts, const char *lang, const AcksContent *c, GTimeZone *tz,
        GError **error)
{
  if (!(c->has_sla && c->response_minutes >= 0 && c->plan_minutes >= 0))
    return TRUE;
  put(v, "sla", g_strdup("1"));
  g_autofree char *tier_key = g_strdup_printf("tier.%s", c->tier ? c->tier : "unknown");
  const char *tier_name = text_or_fail(texts, lang, tier_key, error);
  g_autofree char *clock_key = g_strdup_printf("clock.%s", c->clock ? c->clock : "5x8");
  const char *clock = acks_texts_get(texts, lang, clock_key);
  g_autofree char *resp = tier_name ? duration_text(texts, lang, c->response_minutes, error) : NULL;
  g_autofree char *plan = resp ? duration_text(texts, lang, c->plan_minutes, error) : NULL;
  if (!plan)
    return FALSE;
  put(v, "tier_name", g_strdup(tier_name));
  put(v, "response_commitment", g_strconcat(resp, clock ? clock : "", NULL));
  put(v, "plan_commitment", g_strconcat(plan, clock ? clock : "", NULL));
  put(v, "response_due", format_local(c->response_due, tz));
  put(v, "plan_due", format_local(c->plan_due, tz));
  return put_onsite(v, texts, lang, c, tz, error);
}

/* One order of a batch report: the text machine.item with the machine's values (its coverage line
 * and its deadlines: response, plan and on site). Caller frees. */
static char *
machine_item(const AcksTexts *texts, const char *lang, const AcksMachine *m, guint index, GTimeZone *tz,
             GError **error)
{
  g_autoptr(GHashTable) v = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  put(v, "index", g_strdup_printf("%u", index));
  put(v, "order_no", acks_sanitize(m->order_no, 40, FALSE));
  if (!put_machine_fields(v, texts, lang, m->sn, m->model, m->symptoms, m->warranty_end, error))
    return NULL;
  AcksContent one = { .kind = m->kind, .coverage = m->coverage };
  if (!put_coverage(v, texts, lang, &one, error))
    return NULL;
  if (m->response_due) {
    g_autofree char *tier_key = g_strdup_printf("tier.%s", m->tier ? m->tier : "unknown");
    const char *tier_name = text_or_fail(texts, lang, tier_key, error);
    if (!tier_name)
      return NULL;
    put(v, "tier_name", g_strdup(tier_name));
    put(v, "response_due", format_local(m->response_due, tz));
    if (m->plan_due)
      put(v, "plan_due", format_local(m->plan_due, tz));
    if (m->onsite_due)
      put(v, "onsite_due", format_local(m->onsite_due, tz));
  }
  const char *t = text_or_fail(texts, lang, "machine.item", error);
  g_autofree char *item = t ? expand(texts, t, v, error) : NULL;
  if (!item)
    return NULL;
  const char *start = item[0] == '\n' ? item + 1 : item;
  return g_strchomp(g_strdup(start));
}

/* A batch report: machine_count, more_count and machines_list (one machine.item per order). */
static gboolean
put_machines(GHashTable *v, const AcksTexts *texts, const char *lang, const AcksContent *c, GTimeZone *tz,
             GError **error)
{
  put(v, "machine_count", g_strdup_printf("%u", c->n_machines));
  put(v, "more_count", g_strdup_printf("%u", c->n_machines - 1));
  g_autoptr(GString) list = g_string_new(NULL);
  for (guint i = 0; i < c->n_machines; i++) {
    g_autofree char *item = machine_item(texts, lang, &c->machines[i], i + 1, tz, error);
    if (!item)
      return FALSE;
    g_string_append_printf(list, "%s%s", list->len ? "\n\n" : "", item);
  }
  put(v, "machines_list", g_strdup(list->str));
  return TRUE;
}

AcksRendered *
acks_render(const AcksTexts *texts, const AcksContent *c, GError **error)
{
  g_return_val_if_fail(texts && c && c->order_no && c->message_id, NULL);
  if (g_once_init_enter(&gmime_once)) {
    g_mime_init();
    g_once_init_leave(&gmime_once, 1);
  }
  const char *lang = c->language && g_str_equal(c->language, "en") ? "en" : "zh";
  if (!acks_address_usable(c->to_addr)) {
    g_set_error(error, ACKS_ERROR, ACKS_ERROR_ADDRESS, "recipient address is not usable");
    return NULL;
  }
  g_autofree char *from = acks_from_header(c->from, error);
  if (!from)
    return NULL;
  g_autoptr(GTimeZone) tz = time_zone_or_default(c->time_zone);
  g_autoptr(GHashTable) v = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  gboolean batch = c->machines && c->n_machines >= 2;
  if (!put_fields(v, texts, lang, c, error) || !put_missing(v, texts, lang, c, error) ||
      !put_coverage(v, texts, lang, c, error) || !put_sla(v, texts, lang, c, tz, error) ||
      (batch && !put_machines(v, texts, lang, c, tz, error)))
    return NULL;

  const char *subject_t = text_or_fail(texts, lang, batch ? "subject.batch" : "subject", error);
  const char *body_t = subject_t ? text_or_fail(texts, lang, batch ? "body.batch" : "body", error) : NULL;
  if (!body_t)
    return NULL;
  g_autofree char *subject_x = expand(texts, subject_t, v, error);
  g_autofree char *body_x = subject_x ? expand(texts, body_t, v, error) : NULL;
  if (!body_x)
    return NULL;
  g_autofree char *subject = acks_sanitize(subject_x, 250, FALSE);
  g_autofree char *body = acks_sanitize(body_x[0] == '\n' ? body_x + 1 : body_x, 0, TRUE);
  g_autoptr(GString) body_nl = g_string_new(body);
  g_string_append_c(body_nl, '\n');

  AcksRendered *out = g_new0(AcksRendered, 1);
  out->message = acks_message_bytes(c, from, g_hash_table_lookup(v, "name"), subject, body_nl->str, lang, tz);
  out->subject = g_steal_pointer(&subject);
  out->body = g_string_free(g_steal_pointer(&body_nl), FALSE);
  return out;
}
