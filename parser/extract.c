/* extract.c: the fields of policy §1 (sn, model, symptoms, contact, phone, address, city/district) from the split, normalised text. */
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include "parser-private.h"

#include <string.h>

/* The texts searched, most trusted first. */
typedef struct {
  const char *main;    /* the customer's own words (no quote, no signature) */
  const char *fwd;     /* a forwarded mail's own words, or NULL */
  const char *fwd_sig; /* the forwarded mail's signature */
  const char *sig;     /* the customer's signature */
  const char *subject;
  GPtrArray *raw; /* char*: raw spans taken as field values in main/fwd (to drop from symptoms) */
} Sources;

static void
keep_raw(Sources *s, const char *text, gsize start, gsize end)
{
  if (end > start)
    g_ptr_array_add(s->raw, g_strndup(text + start, end - start));
}

static gboolean
in_list_ci(char **list, const char *value)
{
  for (guint i = 0; list && list[i]; i++)
    if (g_ascii_strcasecmp(list[i], value) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
is_order_no(const ParserConfig *c, const char *v)
{
  return parser_re_test(c, PARSER_RE_ORDER_NO, v, strlen(v));
}

/* A token of hex digits only ("be00000000800400" in a kernel log) is a register, not an SN. */
static gboolean
is_hex(const char *v)
{
  for (; *v; v++)
    if (!g_ascii_isxdigit(*v))
      return FALSE;
  return TRUE;
}

/* g_utf8_casefold, with ASCII and the 3-byte CJK range (U+4000–U+9FFF, no case) done inline;
 * everything else goes through g_utf8_casefold a stretch at a time. Same result: casefolding
 * is per character. */
static char *
casefold(const char *text)
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

/* ---- SN -------------------------------------------------------------------------------------- */

typedef struct {
  char *value; /* upper case */
  gboolean labelled;
  const char *text; /* where it was found */
  gsize pos;
} SnHit;

static void
sn_hit_clear(gpointer p)
{
  g_free(((SnHit *)p)->value);
}

static gint
by_pos(gconstpointer a, gconstpointer b)
{
  const SnHit *x = a, *y = b;
  return (x->pos > y->pos) - (x->pos < y->pos);
}

/* Whether v as a whole has the shape of an SN token (RCS25A0110012). */
static gboolean
sn_shaped(const ParserConfig *c, const char *v)
{
  gsize len = strlen(v);
  ParserMatch m = { 0 };
  gboolean ok = parser_re_match(c, PARSER_RE_SN_TOKEN, v, len, 0, &m) && m.ov[0] == 0 && m.ov[1] == len;
  parser_match_clear(&m);
  return ok;
}

/* A labelled value written in groups ("RCS-25A-0110012", "RCS 25A 0100011", "RCS25A 0100011"):
 * the joined form (separators removed, upper case) when it is SN-shaped and the first group alone
 * is not; NULL to keep the value as written. *written gets the hyphenated form as written (upper
 * case), so the registry can confirm either. */
static char *
sn_join(const ParserConfig *c, const char *value, const char *more, char **written)
{
  *written = NULL;
  gboolean hyphen = strchr(value, '-') != NULL;
  gboolean blank = strchr(value, ' ') != NULL || (more && *more);
  if (!hyphen && !blank)
    return NULL;
  if (!strchr(value, ' ') && !hyphen && sn_shaped(c, value))
    return NULL; /* "RCS25A0010001 OK": already whole */
  GString *j = g_string_new(NULL);
  for (const char *p = value; *p; p++)
    if (*p != '-' && *p != ' ')
      g_string_append_c(j, g_ascii_toupper(*p));
  for (const char *p = more; p && *p; p++)
    if (*p != ' ')
      g_string_append_c(j, g_ascii_toupper(*p));
  if (!sn_shaped(c, j->str)) {
    g_string_free(j, TRUE);
    return NULL;
  }
  if (hyphen && !(more && *more) && !strchr(value, ' '))
    *written = g_ascii_strup(value, -1);
  return g_string_free(j, FALSE);
}

/* A byte that can be part of a PARSER_RE_SN_TOKEN match: an ASCII letter or digit, or a byte of
 * the only other characters caseless [A-Z] takes in UTF mode (K KELVIN SIGN U+212A, ſ U+017F). */
static inline gboolean
sn_token_byte(guchar b)
{
  return g_ascii_isalnum(b) || b == 0xC5 || b == 0xBF || b == 0xE2 || b == 0x84 || b == 0xAA;
}

/* The first i >= pos with text[i] and text[i + 1] ASCII digits; len when there is none. */
static gsize
digit_pair_from(const char *text, gsize len, gsize i)
{
#ifdef __SSE2__
  const __m128i zero = _mm_set1_epi8('0'), nine = _mm_set1_epi8(9);
  for (; i + 17 <= len; i += 16) {
    __m128i a = _mm_sub_epi8(_mm_loadu_si128((const __m128i *)(text + i)), zero);
    __m128i b = _mm_sub_epi8(_mm_loadu_si128((const __m128i *)(text + i + 1)), zero);
    __m128i da = _mm_cmpeq_epi8(_mm_min_epu8(a, nine), a), db = _mm_cmpeq_epi8(_mm_min_epu8(b, nine), b);
    unsigned m = (unsigned)_mm_movemask_epi8(_mm_and_si128(da, db));
    if (m)
      return i + (gsize)__builtin_ctz(m);
  }
#endif
  for (; i + 1 < len; i++)
    if (g_ascii_isdigit(text[i]) && g_ascii_isdigit(text[i + 1]))
      return i;
  return len;
}

/* The first offset >= pos where a PARSER_RE_SN_TOKEN match can start: a token lies in a run of
 * at least 8 such bytes holding two ASCII digits in a row, so each run around the next digit pair
 * that is shorter is skipped, and no match lies before the offset returned; len when there is
 * none. */
static gsize
sn_token_from(const char *text, gsize len, gsize pos)
{
  gsize i = pos;
  while ((i = digit_pair_from(text, len, i)) < len) {
    gsize start = i, end = i + 2;
    while (start > pos && sn_token_byte((guchar)text[start - 1]))
      start--;
    while (end < len && sn_token_byte((guchar)text[end]))
      end++;
    if (end - start >= 8)
      return start;
    i = end;
  }
  return len;
}

/* Every SN (labelled or SN-shaped) in text, in text order; a token that is also labelled counts
 * once, as labelled. */
static void
sn_scan(const ParserConfig *c, Sources *s, const char *text, gboolean keep, GArray *out)
{
  if (!text)
    return;
  g_autoptr(GArray) hits = g_array_new(FALSE, TRUE, sizeof(SnHit));
  gsize len = strlen(text);
  const ParserRe res[] = { PARSER_RE_SN_LABELLED, PARSER_RE_SN_TOKEN };
  for (guint k = 0; k < G_N_ELEMENTS(res); k++) {
    gsize pos = 0;
    ParserMatch m = { 0 };
    while (pos < len && (k == 0 || (pos = sn_token_from(text, len, pos)) < len) &&
           parser_re_match(c, res[k], text, len, pos, &m)) {
      guint g = (k == 0 && m.ov[2] == PCRE2_UNSET) ? 3 : 1;
      g_autofree char *v = parser_match_group(&m, text, g);
      gsize vstart = m.ov[2 * g], vend = m.ov[2 * g + 1];
      char *written = NULL; /* the hyphenated form as written, a second candidate */
      if (v && k == 0) {
        g_autofree char *more = g == 1 ? parser_match_group(&m, text, 2) : NULL;
        char *joined = sn_join(c, v, more, &written);
        if (joined) {
          g_free(v);
          v = joined;
          if (more && *more)
            vend = m.ov[5];
        } else if (g == 3) {
          g_clear_pointer(&v, g_free); /* "SN: AB 12": no SN */
        }
      }
      if (v && !is_order_no(c, v) && !(k == 1 && is_hex(v))) {
        SnHit h = { g_ascii_strup(v, -1), k == 0, text, vstart };
        g_array_append_val(hits, h);
        if (written) {
          SnHit w = { written, FALSE, text, vstart };
          g_array_append_val(hits, w);
          written = NULL;
        }
        if (keep)
          keep_raw(s, text, vstart, vend);
      }
      g_free(written);
      pos = m.ov[1] > pos ? m.ov[1] : pos + 1;
    }
    parser_match_clear(&m);
  }
  g_array_sort(hits, by_pos);
  for (guint i = 0; i < hits->len; i++) {
    SnHit *h = &g_array_index(hits, SnHit, i);
    gboolean merged = FALSE;
    for (guint j = 0; j < out->len && !merged; j++) {
      SnHit *o = &g_array_index(out, SnHit, j);
      if (strcmp(o->value, h->value) == 0) {
        o->labelled |= h->labelled;
        merged = TRUE;
      }
    }
    if (merged) {
      g_free(h->value);
    } else {
      g_array_append_val(out, *h);
    }
  }
  g_array_set_size(hits, 0);
}

/* Punctuation that ends a clause (after NFKC: ',' ';' '!' '?' are half-width; '。' stays). */
static gboolean
clause_end(const char *p)
{
  return *p == '\n' || *p == ',' || *p == ';' || *p == '!' || *p == '?' ||
         (p[0] == '\xe3' && p[1] == '\x80' && p[2] == '\x82') /* 。 */;
}

static int fault_words(const ParserConfig *c, const char *text, gsize len);

/* How much the clause around an SN talks about a fault: tag words count, "正常"/"normal" does not. */
static int
fault_score(const ParserConfig *c, const SnHit *h)
{
  /* The clause around the SN ("RCS… 那台一切正常，另一台 RCS… 掉盘了": two clauses); the whole
   * line when the clause says nothing either way ("SN1: RCS…" above "硬盘告警" on a list line). */
  gsize ls = h->pos, le = h->pos;
  while (ls > 0 && !clause_end(h->text + ls - 1))
    ls--;
  while (h->text[le] && !clause_end(h->text + le))
    le++;
  int score = fault_words(c, h->text + ls, le - ls);
  if (score != 0)
    return score;
  ls = h->pos;
  le = h->pos;
  while (ls > 0 && h->text[ls - 1] != '\n')
    ls--;
  while (h->text[le] && h->text[le] != '\n')
    le++;
  return fault_words(c, h->text + ls, le - ls);
}

static int
fault_words(const ParserConfig *c, const char *text, gsize len)
{
  g_autofree char *line = g_strndup(text, len);
  g_autofree char *fold = casefold(line);
  int score = 0;
  g_autofree guint8 *tag_hit = g_malloc0(c->symptom_tags->len + 1);
  parser_tags_find(c, fold, FALSE, tag_hit);
  for (guint i = 0; i < c->symptom_tags->len; i++)
    score += tag_hit[i];
  static const char *const calm[] = { "正常",   "normal", "参考", "fyi", "供参考",
                                      "没问题", "沒問題", "fine", "ok",  NULL };
  for (const char *const *w = calm; *w; w++) {
    const char *hit = strstr(fold, *w);
    /* Latin words whole only ("ok" is not in "book"). */
    while (hit && g_ascii_isalpha(**w) &&
           ((hit > fold && g_ascii_isalpha(hit[-1])) || g_ascii_isalpha(hit[strlen(*w)])))
      hit = strstr(hit + 1, *w);
    if (hit)
      score -= 2;
  }
  return score;
}

/* The SN the symptoms are about (policy §1). One labelled SN is it; several: the one whose line
 * tells the fault. Bare tokens only decide when there are several and one line tells the fault;
 * a single bare token stays a candidate for the classifier to confirm against the registry. */
static const SnHit *
sn_choose(const ParserConfig *c, GArray *hits)
{
  guint labelled = 0;
  for (guint i = 0; i < hits->len; i++)
    labelled += g_array_index(hits, SnHit, i).labelled ? 1 : 0;
  if (labelled == 0 && hits->len < 2)
    return NULL;
  const SnHit *best = NULL, *first = NULL;
  int best_score = 0;
  gboolean tie = FALSE;
  for (guint i = 0; i < hits->len; i++) {
    const SnHit *h = &g_array_index(hits, SnHit, i);
    if (labelled > 0 && !h->labelled)
      continue;
    if (!first)
      first = h;
    if (labelled == 1)
      return h;
    int sc = fault_score(c, h);
    if (sc > best_score) {
      best = h;
      best_score = sc;
      tie = FALSE;
    } else if (sc == best_score && best) {
      tie = TRUE;
    }
  }
  if (best && !tie)
    return best;
  return labelled > 0 ? first : NULL;
}

/* ---- model ----------------------------------------------------------------------------------- */

static char *
first_group(const ParserConfig *c, ParserRe re, Sources *s, const char *text, gboolean keep)
{
  if (!text)
    return NULL;
  ParserMatch m = { 0 };
  char *v = NULL;
  if (parser_re_match(c, re, text, strlen(text), 0, &m)) {
    v = parser_match_group(&m, text, 1);
    if (keep && v)
      keep_raw(s, text, m.ov[2], m.ov[3]);
  }
  parser_match_clear(&m);
  return v;
}

/* ---- phone ----------------------------------------------------------------------------------- */

/* Canonical form: mobile "13812345678", landline "022-58671234" (+ "-8012" extension),
 * service numbers "400-018-8995". */
static char *
phone_canonical(const ParserMatch *m, const char *text)
{
  g_autofree char *mobile = parser_match_group(m, text, 1);
  g_autofree char *area = parser_match_group(m, text, 2);
  g_autofree char *number = parser_match_group(m, text, 3);
  g_autofree char *ext = parser_match_group(m, text, 4);
  g_autofree char *svc = parser_match_group(m, text, 5);
  GString *out = g_string_new(NULL);
  const char *parts[] = {
    mobile, area, number, ext, svc, parser_match_group(m, text, 6), parser_match_group(m, text, 7)
  };
  if (mobile) {
    for (const char *p = mobile; *p; p++)
      if (g_ascii_isdigit(*p))
        g_string_append_c(out, *p);
  } else if (area) {
    g_string_append(out, area);
    g_string_append_c(out, '-');
    for (const char *p = number; p && *p; p++)
      if (g_ascii_isdigit(*p))
        g_string_append_c(out, *p);
    if (ext) {
      g_string_append_c(out, '-');
      g_string_append(out, ext);
    }
  } else if (svc) {
    g_string_append_printf(out, "%s-%s-%s", svc, parts[5] ? parts[5] : "", parts[6] ? parts[6] : "");
  }
  g_free((char *)parts[5]);
  g_free((char *)parts[6]);
  return g_string_free(out, FALSE);
}

static gboolean
phone_ignored(const ParserConfig *c, const char *canonical)
{
  GString *digits = g_string_new(NULL);
  for (const char *p = canonical; *p; p++)
    if (g_ascii_isdigit(*p))
      g_string_append_c(digits, *p);
  gboolean r = in_list_ci(c->ignore_phones, digits->str);
  g_string_free(digits, TRUE);
  return r;
}

/* The first acceptable phone in text[start..end). */
static char *
phone_in(const ParserConfig *c, Sources *s, const char *text, gsize start, gsize end, gboolean keep)
{
  ParserMatch m = { 0 };
  char *found = NULL;
  gsize pos = start;
  while (!found && pos < end && parser_re_match(c, PARSER_RE_PHONE, text, end, pos, &m)) {
    g_autofree char *canon = phone_canonical(&m, text);
    if (*canon && !phone_ignored(c, canon)) {
      found = g_steal_pointer(&canon);
      if (keep)
        keep_raw(s, text, m.ov[0], m.ov[1]);
    }
    pos = m.ov[1] > pos ? m.ov[1] : pos + 1;
  }
  parser_match_clear(&m);
  return found;
}

/* Any phone in text, preferring one written after an on-site word on its line ("现场找李工(139…)"). */
static char *
phone_any(const ParserConfig *c, Sources *s, const char *text)
{
  if (!text)
    return NULL;
  gsize len = strlen(text), pos = 0;
  ParserMatch m = { 0 }, o = { 0 };
  /* The first acceptable phone of the same walk: what phone_in over the whole text would find,
   * without searching the text a second time. */
  char *first = NULL;
  gsize first_start = 0, first_end = 0;
  while (pos < len && parser_re_match(c, PARSER_RE_PHONE, text, len, pos, &m)) {
    gsize start = m.ov[0], end = m.ov[1];
    gsize ls = start;
    while (ls > 0 && text[ls - 1] != '\n' && start - ls < 60)
      ls--;
    gboolean onsite = parser_re_match(c, PARSER_RE_ONSITE, text, start, ls, &o);
    if (onsite || !first) {
      char *canon = phone_canonical(&m, text);
      if (*canon && !phone_ignored(c, canon)) {
        if (onsite) {
          keep_raw(s, text, start, end);
          parser_match_clear(&m);
          parser_match_clear(&o);
          g_free(first);
          return canon;
        }
        first = canon;
        first_start = start;
        first_end = end;
      } else {
        g_free(canon);
      }
    }
    pos = end > pos ? end : pos + 1;
  }
  parser_match_clear(&m);
  parser_match_clear(&o);
  if (first)
    keep_raw(s, text, first_start, first_end);
  return first;
}

/* A phone on a labelled line (电话/手机/联系人 …), searched after the label. */
static char *
phone_labelled(const ParserConfig *c, Sources *s, const char *text, gboolean keep, gboolean skip_office)
{
  if (!text)
    return NULL;
  const char *line = text;
  while (*line) {
    const char *nl = strchr(line, '\n');
    gsize len = nl ? (gsize)(nl - line) : strlen(line);
    ParserMatch m = { 0 };
    gboolean office = FALSE;
    if (skip_office) {
      ParserMatch o = { 0 };
      office = parser_re_match(c, PARSER_RE_SIG_OFFICE, line, len, 0, &o);
      parser_match_clear(&o);
    }
    if (!office && parser_re_match(c, PARSER_RE_PHONE_LABELLED_LINE, line, len, 0, &m)) {
      gsize after = m.ov[1];
      parser_match_clear(&m);
      /* The number may sit on the next line when the label ends this one. */
      gsize end = len;
      g_autofree char *on_line = nl ? phone_in(c, NULL, line, after, len, FALSE) : NULL;
      if (nl && !on_line) {
        const char *next = nl + 1;
        const char *nl2 = strchr(next, '\n');
        end = (gsize)((nl2 ? nl2 : next + strlen(next)) - line);
      }
      char *p = phone_in(c, s, line, after, end, keep);
      if (p)
        return p;
    }
    parser_match_clear(&m);
    if (!nl)
      break;
    line = nl + 1;
  }
  return NULL;
}

/* ---- contact --------------------------------------------------------------------------------- */

static void strip_title(char *v);

/* A name is kept when it holds none of the stop words and is name-sized. */
static char *
clean_name(const ParserConfig *c, const char *raw)
{
  if (!raw)
    return NULL;
  g_autofree char *v = g_strstrip(g_strdup(raw));
  /* Cut a Chinese run at the first stop word: "王工电话" → "王工". */
  g_autofree char *fold = casefold(v);
  for (guint i = 0; c->contact_stop && c->contact_stop[i]; i++) {
    const char *w = c->contact_stop[i];
    if (!*w)
      continue;
    gboolean latin = (guchar)w[0] < 0x80;
    const char *hit = strstr(fold, w);
    if (!hit)
      continue;
    if (latin) {
      /* Latin stop words count only as whole words. */
      gsize off = hit - fold, wl = strlen(w);
      if ((off > 0 && g_ascii_isalpha(fold[off - 1])) || g_ascii_isalpha(fold[off + wl]))
        continue;
    }
    gsize off = hit - fold;
    if (off < strlen(v)) {
      v[off] = '\0';
      fold[off] = '\0';
    }
  }
  g_strstrip(v);
  glong chars = g_utf8_strlen(v, -1);
  gboolean han = (guchar)v[0] >= 0x80;
  gboolean dotted = strstr(v, "·") || strstr(v, "•") || strstr(v, "・");
  if (chars < 2 || (han && !dotted && chars > 4) || chars > 40)
    return NULL;
  return g_steal_pointer(&v);
}

static char *
contact_labelled(const ParserConfig *c, Sources *s, const char *text, gboolean keep)
{
  if (!text)
    return NULL;
  gsize len = strlen(text), pos = 0;
  ParserMatch m = { 0 };
  char *found = NULL;
  while (!found && pos < len && parser_re_match(c, PARSER_RE_CONTACT_LABELLED, text, len, pos, &m)) {
    g_autofree char *v = parser_match_group(&m, text, 1);
    found = clean_name(c, v);
    if (found && keep)
      keep_raw(s, text, m.ov[2], m.ov[2] + strlen(found));
    if (found)
      strip_title(found);
    pos = m.ov[1] > pos ? m.ov[1] : pos + 1;
  }
  parser_match_clear(&m);
  return found;
}

/* "Mr. Li Wei" → "Li Wei": a title is no part of the name. */
static void
strip_title(char *v)
{
  static const char *const titles[] = { "Mr.", "Mrs.", "Ms.", "Miss", "Dr.", "Mr", "Mrs", "Ms", "Dr", NULL };
  for (const char *const *t = titles; *t; t++) {
    gsize tl = strlen(*t);
    if (g_ascii_strncasecmp(v, *t, tl) == 0 && v[tl] == ' ') {
      const char *rest = v + tl;
      while (*rest == ' ')
        rest++;
      if (g_ascii_isupper(*rest))
        memmove(v, rest, strlen(rest) + 1);
      return;
    }
  }
}

static gboolean
has_stop_word(const ParserConfig *c, const char *v)
{
  g_autofree char *fold = casefold(v);
  for (guint i = 0; c->contact_stop && c->contact_stop[i]; i++) {
    const char *w = c->contact_stop[i];
    if (!*w)
      continue;
    for (const char *hit = strstr(fold, w); hit; hit = strstr(hit + 1, w)) {
      gsize off = hit - fold, wl = strlen(w);
      if ((guchar)w[0] >= 0x80 ||
          !((off > 0 && g_ascii_isalpha(fold[off - 1])) || g_ascii_isalpha(fold[off + wl])))
        return TRUE;
    }
  }
  return FALSE;
}

/* The length in bytes of the surname v starts with (compound ones first), 0 when none. */
static gsize
surname_len(const ParserConfig *c, const char *v)
{
  const char *p1 = g_utf8_next_char(v);
  if (!*v)
    return 0;
  if (*p1) {
    const char *p2 = g_utf8_next_char(p1);
    g_autofree char *two = g_strndup(v, p2 - v);
    if (g_hash_table_contains(c->surnames, two))
      return p2 - v;
  }
  g_autofree char *one = g_strndup(v, p1 - v);
  return g_hash_table_contains(c->surnames, one) ? (gsize)(p1 - v) : 0;
}

/* A Han run that is plausibly a person's name, not a word ("赶紧", "尽快处理"): a surname and at most
 * two given-name characters (or the surname alone: "刘 180…"), 老X/小X with X a surname, or a
 * surname with a title (王工, 陈总, 欧阳经理, 林先生). */
static gboolean
han_name_plausible(const ParserConfig *c, const char *v)
{
  static const char *const titles[] = { "经理", "老师", "先生", "女士", "小姐", "主任",
                                        "师傅", "科长", "处长", "主管", "經理", "老師",
                                        "工",   "总",   "總",   "生",   NULL };
  glong n = g_utf8_strlen(v, -1);
  if (n < 1 || n > 6)
    return FALSE;
  gsize vl = strlen(v);
  g_autofree char *head = NULL;
  for (const char *const *t = titles; *t && !head; t++) {
    gsize tl = strlen(*t);
    if (vl > tl && strcmp(v + vl - tl, *t) == 0)
      head = g_strndup(v, vl - tl);
  }
  const char *core = head ? head : v;
  glong cn = g_utf8_strlen(core, -1);
  /* 老王, 小李 (also 老王师傅) */
  if (cn == 2 && (g_str_has_prefix(core, "老") || g_str_has_prefix(core, "小")))
    return surname_len(c, g_utf8_next_char(core)) == strlen(g_utf8_next_char(core));
  gsize sl = surname_len(c, core);
  if (sl == 0)
    return FALSE;
  glong given = cn - g_utf8_strlen(core, sl);
  if (head)
    return given <= 2; /* 王工, 王建工? no: 王工 and 张建国老师 */
  return given <= 2;
}

/* A Latin name before or after a number: 1–3 capitalised words, none a stop word or a place;
 * a single word only where nothing else is written before it on the line ("Tom 137…"). */
static gboolean
latin_name_plausible(const ParserConfig *c, const char *v, gboolean alone)
{
  if (has_stop_word(c, v))
    return FALSE;
  if (!strchr(v, ' ') && !alone)
    return FALSE;
  g_autofree char *city = NULL, *district = NULL;
  if (parser_places_find(c->places, v, &city, &district))
    return FALSE;
  return TRUE;
}

/* Drops leading lead words before a Han name: "找王工", "联系张三", "我是李娜", "请联系刘". */
static const char *
after_lead(const char *v)
{
  static const char *const leads[] = { "请联系", "联系", "聯繫", "聯絡", "我是", "找",
                                       "是",     "叫",   "致电", "打给", NULL };
  const char *best = NULL;
  for (const char *const *l = leads; *l; l++) {
    const char *hit = strstr(v, *l);
    while (hit) {
      const char *after = hit + strlen(*l);
      if (!best || after > best)
        best = after;
      hit = strstr(hit + 1, *l);
    }
  }
  return best && *best ? best : NULL;
}

/* The name written right before (or, failing that, right after) a phone number: "王工 139…",
 * "何军 电话 139…", "Tom 137…", "… 139… 老王". Only plausible names: a wrong name is worse than
 * none (then `missing` asks the customer). */
static char *
contact_before_phone(const ParserConfig *c, Sources *s, const char *text)
{
  if (!text)
    return NULL;
  gsize len = strlen(text), pos = 0;
  ParserMatch m = { 0 };
  char *found = NULL;
  while (!found && pos < len && parser_re_match(c, PARSER_RE_PHONE, text, len, pos, &m)) {
    gsize start = m.ov[0], end = m.ov[1];
    pos = m.ov[1] > pos ? m.ov[1] : pos + 1;
    gsize ls = start;
    while (ls > 0 && text[ls - 1] != '\n')
      ls--;
    ParserMatch n = { 0 };
    if (parser_re_match(c, PARSER_RE_NAME_BEFORE_PHONE, text, start, ls, &n)) {
      g_autofree char *v = parser_match_group(&n, text, 1);
      gboolean han = (guchar)v[0] >= 0x80;
      if (han) {
        const char *name = v;
        if (!han_name_plausible(c, name)) {
          name = after_lead(v);
          if (name && !han_name_plausible(c, name))
            name = NULL;
        }
        if (name && !has_stop_word(c, name))
          found = g_strdup(name);
      } else {
        /* Nothing but blanks or punctuation before it on the line. */
        gboolean alone = TRUE;
        for (gsize i = ls; i < n.ov[2] && alone; i++)
          alone = !g_ascii_isalnum(text[i]) && (guchar)text[i] < 0x80;
        strip_title(v);
        if (latin_name_plausible(c, v, alone))
          found = g_strdup(v);
      }
    }
    if (!found) {
      gsize le = end;
      while (le < len && text[le] != '\n')
        le++;
      if (parser_re_match(c, PARSER_RE_NAME_AFTER_PHONE, text, le, end, &n)) {
        g_autofree char *v = parser_match_group(&n, text, 1);
        gboolean han = (guchar)v[0] >= 0x80;
        if (han ? han_name_plausible(c, v) && !has_stop_word(c, v) : latin_name_plausible(c, v, FALSE))
          found = g_steal_pointer(&v);
      }
    }
    parser_match_clear(&n);
    if (found)
      g_ptr_array_add(s->raw, g_strdup(found));
  }
  parser_match_clear(&m);
  return found;
}

/* The first line of a signature that is only a name ("周晨曦", "Markus Weber"). */
static gboolean
matches(const ParserConfig *c, ParserRe re, const char *s)
{
  return parser_re_test(c, re, s, strlen(s));
}

static char *
contact_signature(const ParserConfig *c, const char *sig)
{
  if (!sig)
    return NULL;
  g_auto(GStrv) lines = g_strsplit(sig, "\n", -1);
  for (guint i = 0; lines[i]; i++) {
    char *l = g_strstrip(lines[i]);
    if (!*l || g_utf8_strlen(l, -1) > 24)
      continue;
    /* "此致", "敬礼", "Best regards": the closing formula, not a name. */
    if (matches(c, PARSER_RE_SIGNATURE, l) || matches(c, PARSER_RE_CLOSING, l) ||
        matches(c, PARSER_RE_GREETING, l))
      continue;
    ParserMatch m = { 0 };
    if (parser_re_match(c, PARSER_RE_CHINESE_NAME, l, strlen(l), 0, &m) && m.ov[2] <= 1) {
      g_autofree char *v = parser_match_group(&m, l, 1);
      parser_match_clear(&m);
      char *name = clean_name(c, v);
      if (name)
        return name;
    }
    parser_match_clear(&m);
  }
  return NULL;
}

/* ---- address --------------------------------------------------------------------------------- */

/* Cuts a value at the next label inside it ("地址：… 联系人：…") and trims punctuation. */
static char *
cut_value(const ParserConfig *c, const char *v)
{
  if (!v)
    return NULL;
  g_autofree char *s = g_strdup(v);
  ParserMatch m = { 0 };
  if (parser_re_match(c, PARSER_RE_ANY_LABEL, s, strlen(s), 0, &m) && m.ov[0] > 0)
    s[m.ov[0]] = '\0';
  parser_match_clear(&m);
  /* A tab ends an HTML table cell. */
  char *tab = strchr(s, '\t');
  if (tab && tab != s)
    *tab = '\0';
  g_strstrip(s);
  gsize l = strlen(s);
  static const char *const trail[] = { ",", ";", "。", ".", "，", "；", "、", "/", "|", NULL };
  gboolean again = TRUE;
  while (again && l > 0) {
    again = FALSE;
    for (const char *const *t = trail; *t; t++) {
      gsize tl = strlen(*t);
      if (l >= tl && strcmp(s + l - tl, *t) == 0) {
        l -= tl;
        s[l] = '\0';
        g_strstrip(s);
        l = strlen(s);
        again = TRUE;
      }
    }
  }
  return *s ? g_steal_pointer(&s) : NULL;
}

static gboolean
has_address_hint(const ParserConfig *c, const char *v)
{
  return parser_re_test(c, PARSER_RE_ADDRESS_HINT, v, strlen(v));
}

static gboolean
has_phone(const ParserConfig *c, const char *v)
{
  return parser_re_test(c, PARSER_RE_PHONE, v, strlen(v));
}

/* A Chinese labelled address value is cut to its address segments: "同上,北京海淀…3层,联系我:王磊 139…"
 * → "北京海淀…3层". Latin addresses keep their commas ("6/F, Block B, …, Beijing"). */
static void
trim_address(const ParserConfig *c, char **value)
{
  gboolean han = FALSE;
  for (const char *p = *value; *p && !han; p = g_utf8_next_char(p))
    han = g_unichar_get_script(g_utf8_get_char(p)) == G_UNICODE_SCRIPT_HAN;
  if (!han)
    return;
  g_auto(GStrv) segs = g_strsplit_set(*value, ",;", -1);
  GString *out = g_string_new(NULL);
  for (guint i = 0; segs[i]; i++) {
    char *seg = g_strstrip(segs[i]);
    if (!*seg)
      continue;
    gboolean hint = has_address_hint(c, seg);
    if (out->len == 0 && !hint)
      continue; /* "同上", "不变" */
    if (out->len > 0 && (!hint || has_phone(c, seg)))
      break;
    if (out->len)
      g_string_append_c(out, ',');
    g_string_append(out, seg);
  }
  if (out->len == 0) {
    g_string_free(out, TRUE);
    return;
  }
  g_free(*value);
  *value = g_string_free(out, FALSE);
}

static char *
address_labelled(const ParserConfig *c, Sources *s, const char *text, gboolean keep)
{
  if (!text)
    return NULL;
  gsize len = strlen(text), pos = 0;
  ParserMatch m = { 0 };
  char *found = NULL;
  while (!found && pos < len && parser_re_match(c, PARSER_RE_ADDRESS_LABELLED, text, len, pos, &m)) {
    g_autofree char *v = parser_match_group(&m, text, 1);
    g_autofree char *cut = cut_value(c, v);
    /* What was cut, as written: the rest of the line may hold other fields ("… 联系人：…"). */
    g_autofree char *as_written = g_strdup(cut);
    /* "邮箱地址：x@y" or "IP地址：10.0.0.1" are not street addresses. */
    if (cut)
      trim_address(c, &cut);
    if (cut && !strchr(cut, '@') && g_utf8_strlen(cut, -1) >= 4 &&
        cut[strspn(cut, "0123456789.:/ ")] != '\0') {
      found = g_steal_pointer(&cut);
      if (keep)
        g_ptr_array_add(s->raw, g_steal_pointer(&as_written));
    }
    pos = m.ov[1] > pos ? m.ov[1] : pos + 1;
  }
  parser_match_clear(&m);
  return found;
}

static gboolean
is_segment_break(gunichar ch)
{
  return ch == ',' || ch == 0x3002 /* 。 */ || ch == ';' || ch == '(' || ch == ')' || ch == '!' ||
         ch == '?' || ch == 0x3001 /* 、 */ || ch == 0x3010 || ch == 0x3011 /* 【】 */ || ch == '\t';
}

/* An unlabelled address: in a stretch of text between punctuation that names a known place and
 * holds street-address words, from the place on, as long as the blank-separated words still
 * look like address parts ("成都高新区天府五街200号菁蓉汇3栋 我们的服务器…" stops at "我们"). */
static char *
address_in_segment(const ParserConfig *c, Sources *s, const char *seg, gsize len)
{
  g_autofree char *text = g_strndup(seg, len);
  g_autofree char *city = NULL, *district = NULL;
  gsize pos = 0;
  if (!parser_places_find_at(c->places, text, &city, &district, &pos))
    return NULL;
  g_auto(GStrv) words = g_strsplit_set(text + pos, " ", -1);
  GString *addr = g_string_new(NULL);
  for (guint i = 0; words[i]; i++) {
    if (!*words[i])
      continue;
    gboolean digit = strpbrk(words[i], "0123456789") != NULL;
    if (addr->len > 0 && !digit && !has_address_hint(c, words[i]))
      break;
    if (addr->len)
      g_string_append_c(addr, ' ');
    g_string_append(addr, words[i]);
  }
  /* Without a label, a street address has a number or names a district/county: "上海的机房"
   * is a place, "河北省怀来县东花园镇…产业园" an address. */
  if (g_utf8_strlen(addr->str, -1) < 6 || !has_address_hint(c, addr->str) ||
      (!strpbrk(addr->str, "0123456789") && !district)) {
    g_string_free(addr, TRUE);
    return NULL;
  }
  g_ptr_array_add(s->raw, g_strdup(addr->str));
  return g_string_free(addr, FALSE);
}

static char *
address_unlabelled(const ParserConfig *c, Sources *s, const char *text)
{
  if (!text)
    return NULL;
  const char *seg = text;
  for (const char *p = text;; p = g_utf8_next_char(p)) {
    gunichar ch = g_utf8_get_char(p);
    if (ch == 0 || ch == '\n' || is_segment_break(ch)) {
      gsize len = p - seg;
      if (len >= 12) {
        char *a = address_in_segment(c, s, seg, len);
        if (a)
          return a;
      }
      if (ch == 0)
        break;
      seg = g_utf8_next_char(p);
    }
  }
  return NULL;
}

/* ---- symptoms -------------------------------------------------------------------------------- */

/* Copies src[0, len) without the parts a pattern matches, into out (which has room for len + 1). */
static gsize
strip_matches(const ParserConfig *c, ParserRe re, const char *src, gsize len, char *out, ParserMatch *m)
{
  gsize pos = 0, o = 0;
  while (pos <= len && parser_re_match(c, re, src, len, pos, m)) {
    memcpy(out + o, src + pos, m->ov[0] - pos);
    o += m->ov[0] - pos;
    pos = m->ov[1] > pos ? m->ov[1] : pos + 1;
  }
  if (pos < len) {
    memcpy(out + o, src + pos, len - pos);
    o += len - pos;
  }
  out[o] = '\0';
  return o;
}

/* What a line says beyond labels and the values taken as fields: letters, digits, Han. The line
 * goes through two scratch buffers (on the stack for ordinary lines): no allocation per line. */
static glong
residue(const ParserConfig *c, const Sources *s, const char *line)
{
  gsize len = strlen(line);
  char stack[2][512];
  g_autofree char *heap = len < sizeof stack[0] ? NULL : g_malloc(2 * (len + 1));
  char *a = heap ? heap : stack[0], *b = heap ? heap + len + 1 : stack[1];
  memcpy(a, line, len + 1);
  /* Every occurrence of each raw value removed, left to right (as g_string_replace with ""). */
  for (guint i = 0; i < s->raw->len; i++) {
    const char *find = g_ptr_array_index(s->raw, i);
    gsize flen = strlen(find);
    if (flen == 0)
      continue;
    char *next;
    for (char *cur = a; (next = strstr(cur, find)) != NULL; cur = next) {
      memmove(next, next + flen, (gsize)(a + len - (next + flen)) + 1);
      len -= flen;
    }
  }
  ParserMatch m = { 0 };
  /* Every phone number on the line is a field value too ("电话：021-… / 137…"). */
  len = strip_matches(c, PARSER_RE_PHONE_OR_INTL, a, len, b, &m);
  len = strip_matches(c, PARSER_RE_LABEL_WORD, b, len, a, &m);
  parser_match_clear(&m);
  glong count = 0;
  for (const char *p = a; *p; p = g_utf8_next_char(p)) {
    guchar ch = (guchar)*p;
    if (ch < 0x80 ? g_ascii_isalnum(ch) : g_unichar_isalnum(g_utf8_get_char(p)))
      count++;
  }
  return count;
}

/* The customer's words without the lines that only carried field values. */
static char *
symptom_text(const ParserConfig *c, const Sources *s, const char *text)
{
  if (!text)
    return NULL;
  guint nlines;
  g_autofree char **lines = parser_split_lines(text, &nlines);
  /* An unmarked signature at the end ("刘洋 / 杭州云帆科技", as forwarded mail often has): a line
   * that is only a plausible name, followed by nothing but short lines. */
  guint stop = nlines;
  for (guint i = nlines; i-- > 1;) {
    g_autofree char *t = g_strstrip(g_strdup(lines[i]));
    if (!*t)
      continue;
    if (g_utf8_strlen(t, -1) > 24)
      break;
    if ((guchar)t[0] >= 0x80 && g_utf8_strlen(t, -1) <= 4 && han_name_plausible(c, t) &&
        !has_stop_word(c, t)) {
      stop = i;
      break;
    }
  }
  GString *out = g_string_new(NULL);
  for (guint i = 0; i < stop; i++) {
    const char *l = lines[i];
    gsize len = strlen(l);
    if (len == 0)
      continue;
    if (out->len >= PARSER_SYMPTOMS_MAX) {
      /* A pasted log of 100 KB is not read by anyone from an order: keep its start. */
      g_string_append(out, "\n…");
      break;
    }
    /* Three characters still say something ("亮红灯"); less is a leftover ("为", "急"). */
    if (residue(c, s, l) < 3)
      continue;
    /* "请远程协助。联系人:孙涛 139…  地址:南京市…": the labelled fields at the end of a line that
     * says something first are no symptoms. */
    ParserMatch lm = { 0 };
    gsize lpos = 0;
    /* Only a line that holds a field value can end in labelled fields (most lines do not). */
    gboolean holds_value = FALSE;
    for (guint k = 0; k < s->raw->len && !holds_value; k++)
      holds_value = strstr(l, g_ptr_array_index(s->raw, k)) != NULL;
    while (holds_value && lpos < len && parser_re_match(c, PARSER_RE_ANY_LABEL, l, len, lpos, &lm)) {
      if (lm.ov[0] > 0 && residue(c, s, l + lm.ov[0]) < 3) {
        gsize cut = lm.ov[0];
        while (cut > 0 && (l[cut - 1] == ' ' || l[cut - 1] == '\t'))
          cut--;
        len = cut;
        break;
      }
      lpos = lm.ov[1] > lpos ? lm.ov[1] : lpos + 1;
    }
    parser_match_clear(&lm);
    if (out->len)
      g_string_append_c(out, '\n');
    g_string_append_len(out, l, len);
  }
  if (out->len == 0) {
    g_string_free(out, TRUE);
    return NULL;
  }
  return g_string_free(out, FALSE);
}

/* A labelled 问题描述 value and its continuation lines up to the next label or blank line. */
static char *
symptoms_labelled(const ParserConfig *c, const char *text)
{
  if (!text)
    return NULL;
  gsize len = strlen(text);
  ParserMatch m = { 0 };
  if (!parser_re_match(c, PARSER_RE_SYMPTOMS_LABELLED, text, len, 0, &m)) {
    parser_match_clear(&m);
    return NULL;
  }
  gsize start = m.ov[2], end = m.ov[3];
  parser_match_clear(&m);
  /* The first line may hold further cells/labels ("问题描述\t…\t联系人…"). */
  g_autofree char *first = g_strndup(text + start, end - start);
  g_autofree char *cut = cut_value(c, first);
  GString *out = g_string_new(cut ? cut : "");
  const char *p = text + end;
  while (*p == '\n') {
    const char *line = p + 1;
    const char *nl = strchr(line, '\n');
    gsize l = nl ? (gsize)(nl - line) : strlen(line);
    if (l == 0)
      break;
    ParserMatch lm = { 0 };
    gboolean label = parser_re_match(c, PARSER_RE_ANY_LABEL, line, l, 0, &lm) && lm.ov[0] < 12;
    parser_match_clear(&lm);
    /* "设备地址" alone above its value (an HTML table), "联系人是 …" */
    if (label || parser_re_test(c, PARSER_RE_LABEL_LINE, line, l))
      break;
    g_string_append_c(out, '\n');
    g_string_append_len(out, line, l);
    p = line + l;
  }
  if (out->len == 0) {
    g_string_free(out, TRUE);
    return NULL;
  }
  return g_string_free(out, FALSE);
}

static void
tags(const ParserConfig *c, ParserRequest *r, const char *subject)
{
  g_autofree char *all = g_strconcat(r->symptoms ? r->symptoms : "", "\n", subject ? subject : "", NULL);
  g_autofree char *fold = casefold(all);
  /* Short Latin words (OS, SAS, fan) only as whole words. */
  g_autofree guint8 *hit = g_malloc0(c->symptom_tags->len + 1);
  parser_tags_find(c, fold, TRUE, hit);
  for (guint i = 0; i < c->symptom_tags->len; i++) {
    const ParserTag *t = g_ptr_array_index(c->symptom_tags, i);
    if (hit[i])
      g_ptr_array_add(r->symptom_tags, g_strdup(t->name));
  }
}

/* ---- language -------------------------------------------------------------------------------- */

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

static gint
longer_raw_first(gconstpointer a, gconstpointer b)
{
  gsize la = strlen(*(char *const *)a), lb = strlen(*(char *const *)b);
  return (la < lb) - (la > lb);
}

/* "见附件", "如图", "see attached" alone: the description is elsewhere, not in the text. */
static gboolean
only_pointer(const ParserConfig *c, const char *symptoms)
{
  if (strlen(symptoms) > 64)
    return FALSE;
  g_autofree char *fold = casefold(symptoms);
  /* Keep letters, digits and Han only. */
  GString *core = g_string_new(NULL);
  for (const char *p = fold; *p; p = g_utf8_next_char(p)) {
    gunichar ch = g_utf8_get_char(p);
    if (g_unichar_isalnum(ch))
      g_string_append_unichar(core, ch);
  }
  gboolean r = FALSE;
  for (guint i = 0; !r && c->no_symptoms && c->no_symptoms[i]; i++) {
    GString *w = g_string_new(NULL);
    for (const char *p = c->no_symptoms[i]; *p; p = g_utf8_next_char(p)) {
      gunichar ch = g_utf8_get_char(p);
      if (g_unichar_isalnum(ch))
        g_string_append_unichar(w, ch);
    }
    r = w->len > 0 && strcmp(core->str, w->str) == 0;
    g_string_free(w, TRUE);
  }
  g_string_free(core, TRUE);
  return r;
}

/* ---- the whole --------------------------------------------------------------------------------- */

void
parser_extract_fields(const ParserConfig *c, ParserRequest *r, const char *subject,
                      const ParserTextSplit *split)
{
  ParserTextSplit fwd_split = { 0 };
  gboolean forwarded = split->forwarded || r->forwarded;
  if (forwarded && split->quoted) {
    /* The forwarded mail: drop its marker and header block, then split it like a mail of its own. */
    g_auto(GStrv) lines = g_strsplit(split->quoted, "\n", -1);
    guint i = 0;
    if (lines[0]) {
      ParserMatch m = { 0 };
      if (parser_re_match(c, PARSER_RE_QUOTE_HEADER, lines[0], strlen(lines[0]), 0, &m))
        i = 1;
      parser_match_clear(&m);
    }
    static const char *const keys[] = { "发件人", "From", "发送时间", "Sent",    "Date", "日期", "时间",
                                        "收件人", "To",   "主题",     "Subject", "抄送", "Cc",   NULL };
    for (; lines[i]; i++) {
      const char *l = lines[i];
      while (*l == ' ' || *l == '*')
        l++;
      if (!*l)
        continue;
      gboolean header = FALSE;
      for (const char *const *k = keys; *k && !header; k++) {
        gsize kl = strlen(*k);
        if (g_ascii_strncasecmp(l, *k, kl) == 0) {
          const char *rest = l + kl;
          while (*rest == ' ')
            rest++;
          header = *rest == ':';
        }
      }
      if (!header)
        break;
    }
    g_autofree char *body = g_strjoinv("\n", lines + i);
    parser_text_split(c, body, &fwd_split);
  }

  Sources s = { .main = split->own,
                .fwd = fwd_split.own,
                .fwd_sig = fwd_split.signature,
                .sig = split->signature,
                .subject = subject,
                .raw = g_ptr_array_new_with_free_func(g_free) };

  /* SN: every SN in the own words, the forwarded mail and the subject, in that order. */
  g_autoptr(GArray) sns = g_array_new(FALSE, TRUE, sizeof(SnHit));
  g_array_set_clear_func(sns, sn_hit_clear);
  sn_scan(c, &s, s.main, TRUE, sns);
  sn_scan(c, &s, s.fwd, TRUE, sns);
  sn_scan(c, &s, s.subject, FALSE, sns);

  /* Model: labelled, then a known family. */
  const char *texts[] = { s.main, s.fwd, s.subject };
  for (guint i = 0; i < G_N_ELEMENTS(texts) && !r->model; i++)
    r->model = first_group(c, PARSER_RE_MODEL_LABELLED, &s, texts[i], i < 2);
  for (guint i = 0; i < G_N_ELEMENTS(texts) && !r->model; i++)
    r->model = first_group(c, PARSER_RE_MODEL_TOKEN, &s, texts[i], i < 2);
  if (r->model)
    g_strstrip(r->model);
  /* A model is not an SN candidate even when it looks like one. */
  for (guint i = 0; r->model && i < sns->len; i++)
    if (g_ascii_strcasecmp(g_array_index(sns, SnHit, i).value, r->model) == 0)
      g_array_remove_index(sns, i--);
  for (guint i = 0; i < sns->len; i++)
    g_ptr_array_add(r->sn_candidates, g_strdup(g_array_index(sns, SnHit, i).value));
  const SnHit *chosen = sn_choose(c, sns);
  if (chosen)
    r->sn = g_strdup(chosen->value);

  /* Phone: a labelled line in the own words, the forwarded mail, then any number there, then the
   * signatures (skipping switchboard and fax lines). */
  r->phone = phone_labelled(c, &s, s.main, TRUE, FALSE);
  if (!r->phone)
    r->phone = phone_labelled(c, &s, s.fwd, TRUE, FALSE);
  if (!r->phone)
    r->phone = phone_any(c, &s, s.main);
  if (!r->phone)
    r->phone = phone_any(c, &s, s.fwd);
  if (!r->phone)
    r->phone = phone_labelled(c, &s, s.sig, FALSE, TRUE);
  if (!r->phone)
    r->phone = phone_labelled(c, &s, s.fwd_sig, FALSE, TRUE);

  /* Contact: labelled, then the name written before a phone number. */
  r->contact = contact_labelled(c, &s, s.main, TRUE);
  if (!r->contact)
    r->contact = contact_labelled(c, &s, s.fwd, TRUE);
  if (!r->contact)
    r->contact = contact_before_phone(c, &s, s.main);
  if (!r->contact)
    r->contact = contact_before_phone(c, &s, s.fwd);
  /* "Tom 137…" from "Tom Xu <tom.xu@…>": the sender's full name when it starts with the given one. */
  if (r->contact && r->from_name && !strchr(r->contact, ' ') && g_ascii_isupper(r->contact[0])) {
    gsize cl = strlen(r->contact);
    const char *f = r->from_name;
    if (strncmp(f, r->contact, cl) == 0 && f[cl] == ' ' && g_ascii_isupper(f[cl + 1]) && strlen(f) < 40) {
      gboolean ok = TRUE;
      for (const char *p = f; *p && ok; p++)
        ok = g_ascii_isalpha(*p) || *p == ' ' || *p == '-';
      if (ok) {
        g_free(r->contact);
        r->contact = g_strdup(f);
      }
    }
  }
  /* Last: the name that signs the mail, when nothing else names a person. */
  if (!r->contact)
    r->contact = contact_signature(c, s.sig);
  if (!r->contact)
    r->contact = contact_signature(c, s.fwd_sig);

  /* Address and the labelled location. */
  r->address = address_labelled(c, &s, s.main, TRUE);
  if (!r->address)
    r->address = address_labelled(c, &s, s.fwd, TRUE);
  g_autofree char *loc_raw = first_group(c, PARSER_RE_LOCATION_LABELLED, &s, s.main, TRUE);
  if (!loc_raw)
    loc_raw = first_group(c, PARSER_RE_LOCATION_LABELLED, &s, s.fwd, TRUE);
  if (!loc_raw)
    loc_raw = first_group(c, PARSER_RE_LOCATION_INLINE, &s, s.main, TRUE);
  if (!loc_raw)
    loc_raw = first_group(c, PARSER_RE_LOCATION_INLINE, &s, s.fwd, TRUE);
  r->location = cut_value(c, loc_raw);
  if (!r->address && r->location && has_address_hint(c, r->location) && g_utf8_strlen(r->location, -1) >= 8)
    r->address = g_strdup(r->location);
  if (!r->address)
    r->address = address_unlabelled(c, &s, s.main);
  if (!r->address)
    r->address = address_unlabelled(c, &s, s.fwd);

  /* City and district: the address, the location, then the text and the subject. */
  const char *place_texts[] = { r->address, r->location, s.main, s.fwd, subject };
  for (guint i = 0; i < G_N_ELEMENTS(place_texts) && !r->city; i++) {
    char *city = NULL, *district = NULL;
    if (place_texts[i] && parser_places_find(c->places, place_texts[i], &city, &district)) {
      r->city = city;
      r->district = district;
    }
  }
  /* A district named elsewhere than the city ("Haidian District" on its own line). */
  for (guint i = 0; r->city && !r->district && i < G_N_ELEMENTS(place_texts); i++) {
    char *city = NULL, *district = NULL;
    if (place_texts[i] && parser_places_find(c->places, place_texts[i], &city, &district)) {
      if (district && strcmp(city, r->city) == 0)
        r->district = g_steal_pointer(&district);
    }
    g_free(city);
    g_free(district);
  }

  /* Symptoms: a labelled description, else the own words without the field lines; for a forward
   * the forwarded mail's words (the cover note is rarely the problem). */
  /* Field values come out of a line longest first: an address cut from "地址：… 联系人：王工 139…"
   * holds no other value, but a short value ("王工") may be part of a longer one. */
  g_ptr_array_sort(s.raw, longer_raw_first);
  r->symptoms = symptoms_labelled(c, s.main);
  if (!r->symptoms)
    r->symptoms = symptoms_labelled(c, s.fwd);
  if (!r->symptoms && s.fwd)
    r->symptoms = symptom_text(c, &s, s.fwd);
  if (!r->symptoms)
    r->symptoms = symptom_text(c, &s, s.main);
  if (r->symptoms && only_pointer(c, r->symptoms))
    g_clear_pointer(&r->symptoms, g_free);
  tags(c, r, subject);

  g_autofree char *lang_text =
    g_strconcat(split->own_full ? split->own_full : "", "\n", subject ? subject : "", NULL);
  r->language = g_strdup(language_of(lang_text));
  r->body_text = g_strdup(split->own);
  r->quoted_text = g_strdup(split->quoted);
  r->forwarded = forwarded;

  g_ptr_array_unref(s.raw);
  parser_text_split_clear(&fwd_split);
}
