/* extract.c: the fields of policy §1 from the split, normalised text — the order the fields are
 * looked for in, the forwarded mail, the language; the fields themselves are in extract-*.c. */
#include "parser-private.h"

#include <string.h>

void
parser_extract_keep_raw(ParserSources *s, const char *text, gsize start, gsize end)
{
  if (end > start)
    g_ptr_array_add(s->raw, g_strndup(text + start, end - start));
}

gboolean
parser_whole_word_at(const char *text, gsize off, gsize len)
{
  return !(off > 0 && g_ascii_isalpha(text[off - 1])) && !g_ascii_isalpha(text[off + len]);
}

/* g_utf8_casefold, with ASCII and the 3-byte CJK range (U+4000–U+9FFF, no case) done inline;
 * everything else goes through g_utf8_casefold a stretch at a time. Same result: casefolding
 * is per character. */
char *
parser_casefold(const char *text)
{
  gsize len = strlen(text);
  if (!g_utf8_validate(text, len, NULL))
    return g_utf8_casefold(text, len);
  GString *out = g_string_sized_new(len + 1);
  const char *p = text, *end = text + len;
  while (p < end) {
    guchar b = (guchar)*p;
    if (b < 0x80) {
      g_string_append_c(out, g_ascii_tolower((char)b));
      p++;
    } else if (b >= 0xE4 && b <= 0xE9) {
      g_string_append_len(out, p, 3); /* valid UTF-8: a whole character */
      p += 3;
    } else {
      const char *q = p;
      while (q < end && (guchar)*q >= 0x80 && !((guchar)*q >= 0xE4 && (guchar)*q <= 0xE9))
        q = g_utf8_next_char(q);
      g_autofree char *f = g_utf8_casefold(p, q - p);
      g_string_append(out, f);
      p = q;
    }
  }
  return g_string_free(out, FALSE);
}

char *
parser_extract_first_group(const ParserConfig *c, ParserRe re, ParserSources *s, const char *text,
                           gboolean keep)
{
  if (!text)
    return NULL;
  ParserMatch m = { 0 };
  char *v = NULL;
  if (parser_re_match(c, re, text, strlen(text), 0, &m)) {
    v = parser_match_group(&m, text, 1);
    if (keep && v)
      parser_extract_keep_raw(s, text, m.ov[2], m.ov[3]);
  }
  parser_match_clear(&m);
  return v;
}

static const char *
language_of(const char *text)
{
  glong han = 0, latin = 0;
  for (const char *p = text; p && *p;) {
    /* ASCII (most of a pasted log) is never Han: no decoding, no script lookup. */
    if ((guchar)*p < 0x80) {
      latin += g_ascii_isalpha(*p);
      p++;
      continue;
    }
    gunichar ch = g_utf8_get_char(p);
    if (g_unichar_get_script(ch) == G_UNICODE_SCRIPT_HAN)
      han++;
    p = g_utf8_next_char(p);
  }
  /* A Chinese character weighs about as much as a word of five letters. */
  return latin >= 20 && han * 20 < latin ? "en" : "zh";
}

/* The forwarded mail in split->quoted, without its marker and header block, split like a mail of
 * its own into out. */
static void
forwarded_split(const ParserConfig *c, const char *quoted, ParserTextSplit *out)
{
  g_auto(GStrv) lines = g_strsplit(quoted, "\n", -1);
  guint i = 0;
  if (lines[0]) {
    ParserMatch m = { 0 };
    if (parser_re_match(c, PARSER_RE_QUOTE_HEADER, lines[0], strlen(lines[0]), 0, &m))
      i = 1;
    parser_match_clear(&m);
  }
  for (; lines[i]; i++) {
    const char *l = lines[i];
    while (*l == ' ' || *l == '*')
      l++;
    if (*l && !parser_text_header_key_at(l))
      break;
  }
  g_autofree char *body = g_strjoinv("\n", lines + i);
  parser_text_split(c, body, out);
}

/* The address in the From/发件人 line of the forwarded header block of quoted (lower case), or NULL. */
static char *
forwarded_sender(const char *quoted)
{
  g_auto(GStrv) lines = g_strsplit(quoted, "\n", 40);
  for (guint i = 0; lines[i]; i++) {
    const char *l = lines[i];
    while (*l == ' ' || *l == '*' || *l == '>')
      l++;
    if (g_ascii_strncasecmp(l, "from", 4) != 0 && !g_str_has_prefix(l, "发件人") &&
        !g_str_has_prefix(l, "寄件者") && !g_str_has_prefix(l, "發件人"))
      continue;
    const char *at = strchr(l, '@');
    if (!at)
      continue;
    const char *b = at, *e = at;
    while (b > l && (g_ascii_isalnum(b[-1]) || strchr("._%+-", b[-1])))
      b--;
    while (e[1] && (g_ascii_isalnum(e[1]) || strchr(".-", e[1])))
      e++;
    if (b < at && e > at)
      return g_ascii_strdown(b, e - b + 1);
  }
  return NULL;
}

void
parser_extract_fields(const ParserConfig *c, const ParserLimits *limits, ParserRequest *r,
                      const char *subject, const ParserTextSplit *split, const ParserMimeResult *mr)
{
  ParserTextSplit fwd_split = { 0 };
  gboolean forwarded = split->forwarded || r->forwarded;
  if (forwarded && split->quoted)
    forwarded_split(c, split->quoted, &fwd_split);

  ParserSources s = { .main = split->own,
                      .fwd = fwd_split.own,
                      .fwd_sig = fwd_split.signature,
                      .sig = split->signature,
                      .subject = subject,
                      .quoted = forwarded ? NULL : split->quoted,
                      .raw = g_ptr_array_new_with_free_func(g_free) };
  /* The order matters: each field's values are kept in s.raw, so the symptoms come last. */
  parser_extract_sn_model(c, &s, r);
  parser_extract_phone(c, &s, r);
  parser_extract_contact(c, &s, r);
  parser_extract_address(c, &s, r);
  parser_extract_place(c, &s, r);
  parser_extract_symptoms(c, &s, r);
  /* What is attached counts when the text names no SN (or lists machines in a CSV/XLSX). */
  gsize max = limits->max_text ? limits->max_text : PARSER_DEFAULT_MAX_TEXT;
  g_autofree char *tables = mr->atts && mr->atts->len ? parser_attachments_text(mr, TRUE, max) : NULL;
  s.att_text = tables;
  if (r->sn_candidates->len == 0 && !r->ignored_reason && r->attachments->len) {
    g_autofree char *all = parser_attachments_text(mr, FALSE, max);
    if (all)
      parser_fill_from_attachment_text(c, r, all);
    if (!r->sn)
      parser_fill_from_attachment_names(c, r);
    if (r->sn_candidates->len == 0)
      parser_read_photos(r, mr, limits, TRUE);
  }
  parser_extract_machines(c, &s, r);

  g_autofree char *lang_text =
    g_strconcat(split->own_full ? split->own_full : "", "\n", subject ? subject : "", NULL);
  r->language = g_strdup(language_of(lang_text));
  r->body_text = g_strdup(split->own);
  r->quoted_text = g_strdup(split->quoted);
  r->forwarded = forwarded;
  /* The forwarder (a sales rep, a reseller) is CC'd on the acknowledgement; the end customer's
   * address is the forwarded mail's sender. */
  g_autofree char *origin = forwarded && split->quoted ? forwarded_sender(split->quoted) : NULL;
  for (guint i = 0; origin && c->own_addresses && c->own_addresses[i]; i++)
    if (strcmp(origin, c->own_addresses[i]) == 0)
      g_clear_pointer(&origin, g_free); /* our own acknowledgement, forwarded back */
  if (origin && parser_address_unreplyable(c, origin))
    g_clear_pointer(&origin, g_free); /* a forwarded bounce or no-reply notice: nobody to answer */
  if (origin && r->from_addr && strcmp(origin, r->from_addr) != 0) {
    r->forwarded_by = g_strdup(r->from_addr);
    r->forwarded_from = g_steal_pointer(&origin);
  }

  g_ptr_array_unref(s.raw);
  parser_text_split_clear(&fwd_split);
}
