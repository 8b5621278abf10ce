/* extract-sn.c: the serial number (labelled or SN-shaped tokens, the one the fault is about) and the model. */
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include "parser-private.h"

#include <string.h>

/* A token of hex digits only ("be00000000800400" in a kernel log) is a register, not an SN. */
static gboolean
is_hex(const char *v)
{
  for (; *v; v++)
    if (!g_ascii_isxdigit(*v))
      return FALSE;
  return TRUE;
}

typedef struct {
  char *value; /* upper case */
  gboolean labelled;
  const char *text;  /* where it was found */
  gsize pos, end;    /* text[pos, end) as written */
  gboolean variant;  /* the hyphenated form of the hit beside it, a second candidate (sn_join) */
  gboolean tail_ref; /* "另外两台（尾号0002、0003）": named by its last digits after another SN */
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

/* Whether the word before a serial label at text[at] makes it a board's or an enclosure's ("Board
 * Serial", "Chassis Serial"): labels.ini part_serial. */
static gboolean
part_serial(const ParserConfig *c, const char *text, gsize at)
{
  gsize ls = at;
  while (ls > 0 && at - ls < 24 && text[ls - 1] != '\n')
    ls--;
  g_autofree char *before = g_strndup(text + ls, at - ls);
  g_strchomp(before);
  g_autofree char *fold = parser_casefold(before);
  gsize fl = strlen(fold);
  for (guint i = 0; c->part_serial && c->part_serial[i]; i++) {
    const char *w = c->part_serial[i];
    gsize wl = strlen(w);
    if (wl && fl >= wl && strcmp(fold + fl - wl, w) == 0 &&
        ((guchar)w[0] >= 0x80 || fl == wl || !g_ascii_isalnum(fold[fl - wl - 1])))
      return TRUE;
  }
  return FALSE;
}

/* Whether text[at] is in a block of lines headed by a board's or enclosure's title ("Board Info",
 * "Base Board Information", "Chassis Info" of a pasted BMC FRU page or dmidecode): a line without a
 * colon holding a part_serial word, above at with no blank line between. A title without one
 * ("Product Info", "System Information") heads the machine's own block. */
static gboolean
part_block(const ParserConfig *c, const char *text, gsize at)
{
  gsize ls = at;
  while (ls > 0 && text[ls - 1] != '\n' && at - ls <= 1024)
    ls--;
  if (ls > 0 && text[ls - 1] != '\n')
    return FALSE; /* a line longer than the 1 KB looked at: no block's field line */
  /* at most 10 lines and 1 KB back; no copy of a line until one may be the title */
  for (guint lines = 0; ls > 0 && lines < 10 && at - ls < 1024; lines++) {
    gsize end = ls - 1, start = end;
    while (start > 0 && text[start - 1] != '\n' && at - start < 1024)
      start--;
    const char *l = text + start;
    gsize n = end - start;
    while (n && g_ascii_isspace(*l))
      l++, n--;
    while (n && g_ascii_isspace(l[n - 1]))
      n--;
    if (n == 0)
      return FALSE;
    const char *colon = memchr(l, ':', n);
    /* a field line of the block ("Manufacturer Name     : Supermicro") has a short key; a log line
     * ("2026-11-22 03:14:21 …") or a sentence does not: no block goes on above it */
    if (colon && (colon - l > 32 || g_ascii_isdigit(*l)))
      return FALSE;
    /* "=== START OF INFORMATION SECTION ===" is a title, "key=value" is not */
    gboolean rule = n > 6 && g_str_has_prefix(l, "===");
    if (!colon && (rule || !memchr(l, '=', n)) && !g_strstr_len(l, (gssize)n, "：")) {
      /* a title as a BMC page or dmidecode writes it: short, Latin only ("Board Info"); a Chinese
       * sentence naming the chassis ("机箱打开传感器报 Chassis Intru") heads nothing */
      if (n > 48)
        return FALSE;
      for (gsize i = 0; i < n; i++)
        if ((guchar)l[i] >= 0x80)
          return FALSE;
      g_autofree char *line = g_strndup(l, n);
      g_autofree char *fold = parser_casefold(line);
      for (guint i = 0; c->part_serial && c->part_serial[i]; i++) {
        const char *hit = strstr(fold, c->part_serial[i]);
        if (hit && (hit == fold || !g_ascii_isalnum(hit[-1])))
          return TRUE;
      }
      return FALSE;
    }
    ls = start;
  }
  return FALSE;
}

/* Whether a bare token at text[at] stands after a board's or enclosure's serial label on its line. */
static gboolean
part_serial_line(const ParserConfig *c, const char *text, gsize at)
{
  gsize ls = at;
  while (ls > 0 && at - ls < 64 && text[ls - 1] != '\n')
    ls--;
  g_autofree char *before = g_ascii_strdown(text + ls, (gssize)(at - ls));
  /* the last serial label before the token: "Board Serial", "Board S/N", "Chassis SN" */
  const char *label = NULL;
  static const char *const labels[] = { "serial", "s/n", "sn" };
  for (guint i = 0; i < G_N_ELEMENTS(labels); i++) {
    const char *l = g_strrstr(before, labels[i]);
    if (l && (l == before || !g_ascii_isalnum(l[-1])) && !g_ascii_isalnum(l[strlen(labels[i])]) &&
        (!label || l > label))
      label = l;
  }
  return label && part_serial(c, text, ls + (gsize)(label - before));
}

/* ---- shorthand lists and ranges ------------------------------------------------------------- */

/* Longest SN range spelled out: "RCS…01~RCS…50 共50台" is a batch for the desk, not 50 orders. */
#define SN_RANGE_MAX 20

/* The UTF-8 character at p is one of words (NULL-terminated), by prefix. */
static gboolean
starts_with_any(const char *p, const char *const *words)
{
  for (; *words; words++)
    if (g_str_has_prefix(p, *words))
      return TRUE;
  return FALSE;
}

static const char *
skip_blanks(const char *p)
{
  while (*p == ' ' || *p == '\t')
    p++;
  return p;
}

/* How many digits end v. */
static gsize
digits_at_end(const char *v)
{
  gsize n = strlen(v), k = 0;
  while (k < n && g_ascii_isdigit(v[n - 1 - k]))
    k++;
  return k;
}

/* A short tail at p ("46" in "RCS25A0012345、46"): 2-4 digits, fewer than prev's last digits, and
 * then only what ends a list ("、47", "，", "这三台", "等", the end) — not a count, a time or a size
 * ("，8卡GPU服务器", "，4路", ", 4 fans", "、10点"). A tail as wide as the one before it in the list
 * (width) or zero-padded ("、0003") is no count: any words may follow ("…、0002、0003 风扇告警") but a
 * unit. The SN it makes (new string), greater than prev, or NULL; *after gets the end of the digits. */
static char *
sn_tail(const char *prev, const char *p, const char **after, gsize width)
{
  static const char *const units[] = { "点", "點", "号", "號", "卡", "路", "块", "塊", "个", "個",
                                       "年", "月", "日", "时", "時", "分", "台", "G",  "T",  NULL };
  static const char *const ends[] = { "、", ",",  "/",  ";",  "~",  ")",  "。", "\n", "这", "這", "等",
                                      "都", "共", "几", "幾", "两", "兩", "三", "四", "五", "六", "七",
                                      "八", "九", "十", "和", "及", "与", "與", "至", "到", NULL };
  gsize nd = 0;
  while (g_ascii_isdigit(p[nd]))
    nd++;
  gsize tail = digits_at_end(prev), len = strlen(prev);
  const char *next = skip_blanks(p + nd);
  gboolean listed =
    (nd == width || (p[0] == '0' && nd >= 3)) && !g_ascii_isalnum(p[nd]) && !starts_with_any(next, units);
  if (nd < 2 || nd > 4 || nd >= tail || (*next && !listed && !starts_with_any(next, ends)))
    return NULL;
  char *v = g_strdup(prev);
  memcpy(v + len - nd, p, nd);
  if (strcmp(v, prev) <= 0) {
    g_free(v);
    return NULL;
  }
  *after = p + nd;
  return v;
}

/* The SN n after v (same length, the last digits counted up), or NULL when they overflow. */
static char *
sn_plus(const char *v, guint64 n)
{
  gsize tail = digits_at_end(v), len = strlen(v);
  if (tail == 0 || tail > 18)
    return NULL;
  guint64 x = g_ascii_strtoull(v + len - tail, NULL, 10) + n;
  g_autofree char *digits = g_strdup_printf("%0*" G_GUINT64_FORMAT, (int)tail, x);
  if (strlen(digits) != tail)
    return NULL;
  g_autofree char *head = g_strndup(v, len - tail);
  return g_strconcat(head, digits, NULL);
}

/* How far apart two SNs of one series are (b after a), or 0 when they are not of one series. */
static guint64
sn_distance(const char *a, const char *b)
{
  gsize tail = digits_at_end(a), len = strlen(a);
  if (strlen(b) != len || tail == 0 || tail > 18 || digits_at_end(b) < tail || strncmp(a, b, len - tail) != 0)
    return 0;
  guint64 x = g_ascii_strtoull(a + len - tail, NULL, 10), y = g_ascii_strtoull(b + len - tail, NULL, 10);
  return y > x ? y - x : 0;
}

/* Whether the digits at p after "v-" end a range of v ("RCS25A0012345-47"): ascending, not longer
 * than SN_RANGE_MAX; an SN after the hyphen is another matter (the token pattern lets it pass). */
static gboolean
sn_range_tail(const char *v, const char *p)
{
  gsize nd = 0;
  while (g_ascii_isdigit(p[nd]))
    nd++;
  if (nd < 2 || nd > 4 || g_ascii_isalpha(p[nd]) || p[nd] == '-')
    return TRUE; /* "RCS…-2号硬盘": not a tail (the token pattern has judged it) */
  const char *after;
  g_autofree char *last = sn_tail(v, p, &after, 0);
  guint64 span = last ? sn_distance(v, last) : 0;
  return span > 0 && span < SN_RANGE_MAX;
}

/* The SNs a customer wrote in shorthand after each hit: "RCS25A0012345、46、47" (tails) and
 * "RCS25A0012345~47", "…45至…47", "RCS…45-RCS…47" (ranges, at most SN_RANGE_MAX machines); hits
 * sorted by position, the new ones appended. FALSE when a range is longer (a batch, not a list). */
static gboolean
sn_expand(GArray *hits)
{
  gboolean listable = TRUE;
  static const char *const list_sep[] = { "、", ",", "/", ";", NULL };
  static const char *const range_sep[] = { "~", "至", "到", "—", "-", NULL };
  guint n = hits->len;
  for (guint i = 0; i < n; i++) {
    SnHit h = g_array_index(hits, SnHit, i);
    if (h.variant)
      continue;
    const char *p = skip_blanks(h.text + h.end);
    const char *prev = h.value;
    /* tails */
    gsize width = 0; /* of the tail before, in the list */
    while (starts_with_any(p, list_sep)) {
      const char *q = skip_blanks(p + g_utf8_skip[(guchar)*p]);
      const char *after = NULL;
      char *v = sn_tail(prev, q, &after, width);
      if (!v)
        break;
      width = (gsize)(after - q);
      SnHit t = { v, h.labelled, h.text, (gsize)(q - h.text), (gsize)(after - h.text), FALSE, FALSE };
      g_array_append_val(hits, t);
      prev = v;
      p = skip_blanks(after);
    }
    if (prev != h.value || !starts_with_any(p, range_sep))
      continue;
    /* a range: to a tail or to the next hit */
    const char *q = skip_blanks(p + g_utf8_skip[(guchar)*p]);
    const char *after = NULL;
    g_autofree char *last = sn_tail(h.value, q, &after, 0);
    const char *to = last;
    if (!to && i + 1 < n && g_array_index(hits, SnHit, i + 1).pos == (gsize)(q - h.text))
      to = g_array_index(hits, SnHit, i + 1).value;
    guint64 span = to ? sn_distance(h.value, to) : 0;
    if (span > SN_RANGE_MAX - 1)
      listable = FALSE;
    if (span == 0 || span > SN_RANGE_MAX - 1)
      continue;
    for (guint64 k = 1; k < span; k++) {
      SnHit m = {
        sn_plus(h.value, k), h.labelled, h.text, h.end, h.end, FALSE, FALSE
      }; /* g_array_sort is stable */
      if (m.value)
        g_array_append_val(hits, m);
    }
    if (last) {
      SnHit t = { g_steal_pointer(&last),  h.labelled, h.text, (gsize)(q - h.text),
                  (gsize)(after - h.text), FALSE,      FALSE };
      g_array_append_val(hits, t);
    }
  }
  return listable;
}

/* Machines named by their last digits after another SN of the text: "RCS26A0090001 …，同批次的另外两台
 * （尾号0002、0003）也是一样" — after a word for a machine ("台", "机器"), so a disk's or a part's
 * serial tail ("硬盘尾号3456") names none; hits sorted by position, the new ones appended. */
static void
sn_tail_refs(const char *text, GArray *hits)
{
  static const char *const words[] = { "尾号", "尾数", "后四位", "末四位", "后4位", "末4位", NULL };
  static const char *const machine[] = { "台", "机器", "服务器", "機器", "伺服器", NULL };
  guint n = hits->len;
  for (guint w = 0; words[w] && n; w++) {
    for (const char *at = strstr(text, words[w]); at; at = strstr(at + 1, words[w])) {
      gsize pos = (gsize)(at - text);
      const SnHit *base = NULL;
      for (guint i = 0; i < n; i++) {
        const SnHit *h = &g_array_index(hits, SnHit, i);
        if (h->end <= pos && !h->variant && !h->tail_ref)
          base = h;
      }
      /* right after the machine word: "两台（尾号", "几台尾号", "机器的尾号" */
      gsize b = pos;
      while (b > 0 && (text[b - 1] == ' ' || text[b - 1] == '('))
        b--;
      if (b >= 3 && g_str_has_prefix(text + b - 3, "的"))
        b -= 3;
      gboolean of_machine = FALSE;
      for (guint m = 0; machine[m] && !of_machine; m++) {
        gsize ml = strlen(machine[m]);
        of_machine = b >= ml && strncmp(text + b - ml, machine[m], ml) == 0;
      }
      if (!base || !of_machine)
        continue;
      g_autofree char *base_value = g_strdup(base->value); /* hits grows below */
      const char *p = at + strlen(words[w]);
      while (*p == ' ' || *p == ':' || g_str_has_prefix(p, "是") || g_str_has_prefix(p, "为"))
        p += (*p == ' ' || *p == ':') ? 1 : 3;
      for (;;) {
        gsize nd = 0;
        while (g_ascii_isdigit(p[nd]))
          nd++;
        gsize len = strlen(base_value);
        if (nd < 2 || nd > 6 || nd >= len || g_ascii_isalnum(p[nd]) || digits_at_end(base_value) < nd)
          break;
        char *v = g_strdup(base_value);
        memcpy(v + len - nd, p, nd);
        SnHit t = { v, FALSE, text, (gsize)(p - text), (gsize)(p + nd - text), FALSE, TRUE };
        g_array_append_val(hits, t);
        p += nd;
        while (*p == ' ')
          p++;
        if (g_str_has_prefix(p, "、") || g_str_has_prefix(p, "和"))
          p += 3;
        else if (*p == ',' || *p == '/')
          p++;
        else
          break;
        while (*p == ' ')
          p++;
      }
    }
  }
}

/* Whether the sorted hits are one list: each next SN follows the one before with only separators
 * between ("、", ",", "和", "~"), and no SN is named twice. */
static gboolean
sn_one_list(GArray *hits)
{
  static const char *const joins[] = { "、", ",",  "/",  ";",  "~",    "至", "到",  "—", "-",  "和",
                                       "及", "与", "與", "跟", "以及", "&",  "and", " ", "\t", NULL };
  guint distinct = 0;
  for (guint i = 0; i < hits->len; i++) {
    const SnHit *h = &g_array_index(hits, SnHit, i);
    gboolean seen = FALSE;
    for (guint j = 0; j < i && !seen; j++) {
      const SnHit *o = &g_array_index(hits, SnHit, j);
      if (strcmp(o->value, h->value) == 0) {
        if (o->pos != h->pos)
          return FALSE; /* "RCS…01、RCS…02，其中 RCS…02 亮红灯": the fault is told apart */
        seen = TRUE;
      }
    }
    distinct += !seen;
    if (i == 0 || h->pos <= g_array_index(hits, SnHit, i - 1).end)
      continue;
    if (h->tail_ref && !g_array_index(hits, SnHit, i - 1).tail_ref)
      continue; /* "RCS…01 这台…，另外两台（尾号02、03）": named with the one before */
    for (const char *p = h->text + g_array_index(hits, SnHit, i - 1).end; p < h->text + h->pos;) {
      const char *const *w = joins;
      while (*w && !g_str_has_prefix(p, *w))
        w++;
      if (!*w)
        return FALSE;
      p += strlen(*w);
    }
  }
  return distinct >= 2;
}

/* Every SN (labelled or SN-shaped, or in shorthand after one) in text, in text order; a token that
 * is also labelled counts once, as labelled. With list, whether they are one list (sn_one_list). */
static void
sn_scan(const ParserConfig *c, ParserSources *s, const char *text, gboolean keep, GArray *out, gboolean *list)
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
      if ((k == 0 && part_serial(c, text, m.ov[0])) || (k == 1 && part_serial_line(c, text, m.ov[0])) ||
          part_block(c, text, m.ov[0])) {
        pos = m.ov[1] > pos ? m.ov[1] : pos + 1; /* "Board Serial : HM…": a board's */
        continue;
      }
      guint g = (k == 0 && m.ov[2] == PCRE2_UNSET) ? 3 : 1;
      g_autofree char *v = parser_match_group(&m, text, g);
      gsize vstart = m.ov[2 * g], vend = m.ov[2 * g + 1];
      char *written = NULL; /* the hyphenated form as written, a second candidate */
      /* "SN：RCS25A0012345-47": an SN and a shorthand tail (sn_expand), not one SN; the value as
       * written a second candidate (the registry may hold it so) */
      char *dash = v && k == 0 ? strchr(v, '-') : NULL;
      g_autofree char *head = dash ? g_strndup(v, (gsize)(dash - v)) : NULL;
      gboolean tail = head && sn_shaped(c, head);
      if (tail) {
        written = g_ascii_strup(v, -1);
        g_free(v);
        v = g_steal_pointer(&head);
        vend = vstart + strlen(v);
      }
      if (v && k == 0 && !tail) {
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
      if (v && k == 0 && !tail && !sn_shaped(c, v)) {
        /* "序列号RCS25F006" / "7890，型号…": a value too short for an SN, cut by the mail client's
         * line wrap — its rest starts the next line */
        gsize e = vend;
        while (text[e] == '\r')
          e++;
        gsize n = text[e] == '\n' ? e + 1 : e, r = n;
        while (r < len && r - n < 10 && g_ascii_isalnum(text[r]))
          r++;
        if (n > e && r > n && !g_ascii_isalnum(text[r])) {
          g_autofree char *rest = g_strndup(text + n, r - n);
          g_autofree char *joined = g_strconcat(v, rest, NULL);
          if (sn_shaped(c, joined)) {
            g_free(v);
            v = g_steal_pointer(&joined);
            vend = r;
          }
        }
      }
      if (v && k == 1 && text[vend] == '-' && !sn_range_tail(v, text + vend + 1)) {
        g_clear_pointer(&v, g_free); /* "RC20261120-0007", "HT20250301-01": an id, not an SN */
      }
      if (v && !parser_re_test_str(c, PARSER_RE_ORDER_NO, v) && !(k == 1 && is_hex(v))) {
        SnHit h = { g_ascii_strup(v, -1), k == 0, text, vstart, vend, FALSE, FALSE };
        g_array_append_val(hits, h);
        if (written) {
          SnHit w = { written, FALSE, text, vstart, vend, TRUE, FALSE };
          g_array_append_val(hits, w);
          written = NULL;
        }
        if (keep)
          parser_extract_keep_raw(s, text, vstart, vend);
      }
      g_free(written);
      pos = m.ov[1] > pos ? m.ov[1] : pos + 1;
    }
    parser_match_clear(&m);
  }
  g_array_sort(hits, by_pos);
  guint before = hits->len;
  gboolean listable = sn_expand(hits);
  sn_tail_refs(text, hits);
  if (hits->len != before)
    g_array_sort(hits, by_pos);
  if (list)
    *list = listable && sn_one_list(hits);
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

/* The clause around an SN: h->text[*ls, *le). */
static void
clause_of(const SnHit *h, gsize *ls, gsize *le)
{
  *ls = *le = h->pos;
  while (*ls > 0 && !clause_end(h->text + *ls - 1))
    (*ls)--;
  while (h->text[*le] && !clause_end(h->text + *le))
    (*le)++;
}

/* How much the clause around an SN talks about a fault: tag words count, "正常"/"normal" does not. */
static int
clause_score(const ParserConfig *c, const SnHit *h)
{
  gsize ls, le;
  clause_of(h, &ls, &le);
  return parser_fault_words(c, h->text + ls, le - ls);
}

/* clause_score, unless the clause only asks for something (parser_tells_request_only): a part's name
 * beside a request ("RCS… 这台想把内存扩到 512G，麻烦报个价") is no fault of that machine. */
static int
clause_fault(const ParserConfig *c, const SnHit *h)
{
  gsize ls, le;
  clause_of(h, &ls, &le);
  g_autofree char *clause = g_strndup(h->text + ls, le - ls);
  return parser_tells_request_only(c, clause) ? 0 : parser_fault_words(c, clause, le - ls);
}

static int
fault_score(const ParserConfig *c, const SnHit *h)
{
  /* The clause around the SN ("RCS… 那台一切正常，另一台 RCS… 掉盘了": two clauses); the whole
   * line when the clause says nothing either way ("SN1: RCS…" above "硬盘告警" on a list line). */
  int score = clause_score(c, h);
  if (score != 0)
    return score;
  /* the line, at most 512 bytes each way: a line of 30,000 SNs was read whole for each (81 s) */
  gsize ls = parser_line_start_near(h->text, h->pos, 512), le = parser_line_end_near(h->text, h->pos, 512);
  score = parser_fault_words(c, h->text + ls, le - ls);
  if (score != 0)
    return score;
  /* "RCS… 这台今天出了两个问题：" above "1. 3 号硬盘亮黄灯 / 2. 风扇有异响": the lines its colon
   * introduces, up to a blank line or a line naming an SN */
  gsize e = le;
  while (e > ls && (h->text[e - 1] == ' ' || h->text[e - 1] == '\t'))
    e--;
  if (e == ls || h->text[e - 1] != ':')
    return 0;
  gsize bs = h->text[le] ? le + 1 : le, be = bs;
  for (guint lines = 0; h->text[be] && lines < 12; lines++) {
    gsize next = be;
    while (h->text[next] && h->text[next] != '\n')
      next++;
    g_autofree char *line = g_strndup(h->text + be, next - be);
    if (!*g_strstrip(line) || parser_re_test_str(c, PARSER_RE_SN_TOKEN, line))
      break;
    be = h->text[next] ? next + 1 : next;
  }
  return be > bs ? parser_fault_words(c, h->text + bs, be - bs) : 0;
}

/* How many calm words ("正常", "OK") fold (case-folded) holds; "不正常" is none. */
static int
calm_words(const char *fold)
{
  /* "已修复": a sheet's status cell (blind round 17: a row fixed last week became an order) */
  static const char *const calm[] = { "正常",   "normal", "参考", "fyi",    "供参考", "没问题",
                                      "沒問題", "fine",   "ok",   "已修复", "已修復", NULL };
  int n = 0;
  for (const char *const *w = calm; *w; w++) {
    const char *hit = strstr(fold, *w);
    /* Latin words whole only ("ok" is not in "book"); "不正常", "非正常", "not ok" are faults. */
    while (hit &&
           ((g_ascii_isalpha(**w) && !parser_whole_word_at(fold, (gsize)(hit - fold), strlen(*w))) ||
            (hit - fold >= 3 && (g_str_has_prefix(hit - 3, "不") || g_str_has_prefix(hit - 3, "非"))) ||
            (hit - fold >= 4 && g_str_has_prefix(hit - 4, "not "))))
      hit = strstr(hit + 1, *w);
    n += hit != NULL;
  }
  return n;
}

/* The fault tags and the request tags (labels.ini request_tags) text[0, len) sets, and its calm words. */
static void
fault_counts(const ParserConfig *c, const char *text, gsize len, int *faults, int *requests, int *calm)
{
  g_autofree char *line = g_strndup(text, len);
  g_autofree char *fold = parser_casefold(line);
  g_autofree guint8 *tag_hit = g_malloc0(c->symptom_tags->len + 1);
  parser_tags_find(c, fold, FALSE, tag_hit);
  *faults = *requests = 0;
  for (guint i = 0; i < c->symptom_tags->len; i++) {
    if (((const ParserTag *)g_ptr_array_index(c->symptom_tags, i))->request)
      *requests += tag_hit[i];
    else
      *faults += tag_hit[i];
  }
  *calm = calm_words(fold);
}

int
parser_fault_words(const ParserConfig *c, const char *text, gsize len)
{
  int faults, requests, calm;
  fault_counts(c, text, len, &faults, &requests, &calm);
  return faults - 2 * calm;
}

int
parser_fault_tag_count(const ParserConfig *c, const char *text)
{
  int faults, requests, calm;
  fault_counts(c, text, strlen(text), &faults, &requests, &calm);
  return faults;
}

/* Negations right before a fault word: "没有报错", "无告警", "no errors", "not down". */
/* "观察了几天没有再告警": 再 between the negation and the word (blind round 12) */
static const char *const negations[] = {
  "未再出现", "没有再出现", "没再出现", "不再出现", "未出现", "没有再", "沒有再",   "没再",     "沒再",
  "未再",     "没有出现",   "没出现",   "再没有",   "不再",   "没有",   "沒有",     "没",       "沒",
  "无",       "無",         "未",       "不",       "no ",    "not ",   "without ", "no more ", NULL
};

/* Whether text has a fault word (Latin ones whole only: "down" is not in "download"); with
 * skip_negated, one right after a negation does not count. */
static gboolean
fault_word_in(const ParserConfig *c, const char *text, gboolean skip_negated)
{
  g_autofree char *fold = parser_casefold(text);
  for (guint i = 0; c->fault_words && c->fault_words[i]; i++) {
    const char *w = c->fault_words[i];
    for (const char *hit = strstr(fold, w); hit; hit = strstr(hit + 1, w)) {
      if (g_ascii_isalpha(*w) && !parser_whole_word_at(fold, (gsize)(hit - fold), strlen(w)))
        continue;
      gboolean negated = FALSE;
      for (guint k = 0; skip_negated && negations[k] && !negated; k++) {
        gsize n = strlen(negations[k]);
        negated = (gsize)(hit - fold) >= n && memcmp(hit - n, negations[k], n) == 0;
      }
      if (!negated)
        return TRUE;
    }
  }
  return FALSE;
}

gboolean
parser_has_fault_words(const ParserConfig *c, const char *text)
{
  return fault_word_in(c, text, FALSE);
}

gboolean
parser_states_fault(const ParserConfig *c, const char *text)
{
  return fault_word_in(c, text, TRUE);
}

/* Whether text has words that say a fault is fixed ("问题已解决", "正常了", "works now"). */
static gboolean
fixed_said(const char *text)
{
  /* what a customer writes once the engineer's work held: "问题已解决，谢谢", "8张卡都正常了" */
  static const char *const fixed[] = { "已解决", "解决了", "已经解决", "已恢复", "恢复了", "恢复正常",
                                       "正常了", "没问题了", "已经正常", "处理好了", "修好了", "可以关单",
                                       "可以关闭", "一切正常", "已解決", "解決了", "已恢復", "恢復正常",
                                       "resolved", "fixed", "works now", "working now", "back to normal",
                                       /* a part replaced, an alarm gone, nothing to do (blind round 14c) */
                                       "换好了", "換好了", "已更换", "已更換", "已经更换", "已經更換",
                                       "已消除", "已经消除", "已經消除", "消除了", "不用处理", "不用處理",
                                       "无需处理", "無需處理", "不需要处理", "不需要處理", "cleared",
                                       "no action needed", NULL };
  if (!text)
    return FALSE;
  g_autofree char *fold = parser_casefold(text);
  gboolean said = FALSE;
  for (guint i = 0; fixed[i] && !said; i++)
    said = strstr(fold, fixed[i]) != NULL;
  return said;
}

/* A question mark or word ("吗", "是否", "请问", "why"): the text asks something a person answers. */
static const char *const asks[] = { "？", "?", "吗", "嗎", "是否", "请问", "請問", "why", "what", NULL };

static gboolean
asks_in(const char *fold)
{
  for (guint i = 0; asks[i]; i++)
    if (strstr(fold, asks[i]))
      return TRUE;
  return FALSE;
}

gboolean
parser_says_fixed(const ParserConfig *c, const char *text)
{
  if (!fixed_said(text))
    return FALSE;
  g_autofree char *fold = parser_casefold(text);
  return !asks_in(fold) && !parser_reports_fault(c, text);
}

/* Whether text says a fault is back: labels.ini recurrence ("又出现", "again"; Latin ones whole), or
 * a fault word right after 又 ("又宕机了", "又坏了"). */
static gboolean
recurrence_said(const ParserConfig *c, const char *fold)
{
  for (guint i = 0; c->recurrence && c->recurrence[i]; i++) {
    const char *w = c->recurrence[i];
    for (const char *hit = strstr(fold, w); hit; hit = strstr(hit + 1, w))
      if (!g_ascii_isalpha(*w) || parser_whole_word_at(fold, (gsize)(hit - fold), strlen(w)))
        return TRUE;
  }
  for (guint i = 0; c->fault_words && c->fault_words[i]; i++)
    for (const char *hit = strstr(fold, c->fault_words[i]); hit; hit = strstr(hit + 1, c->fault_words[i]))
      if ((hit - fold >= 3 && g_str_has_prefix(hit - 3, "又")) ||
          g_str_has_prefix(hit + strlen(c->fault_words[i]), " again")) /* "down again", "failed again" */
        return TRUE;
  return FALSE;
}

const char *
parser_word_in(char *const *words, const char *text)
{
  if (!text || !words)
    return NULL;
  g_autofree char *fold = parser_casefold(text);
  for (guint i = 0; words[i]; i++) {
    const char *w = words[i];
    for (const char *hit = strstr(fold, w); hit; hit = strstr(hit + 1, w))
      if (!g_ascii_isalpha(*w) || parser_whole_word_at(fold, (gsize)(hit - fold), strlen(w)))
        return w;
  }
  return NULL;
}

const char *
parser_escalates(const ParserConfig *c, const char *text)
{
  return parser_word_in(c->escalation, text);
}

const char *
parser_chases(const ParserConfig *c, const char *text)
{
  return parser_word_in(c->chase, text);
}

/* The end of the sentence (clause) at p: after its end mark, or before "但是"/"however" that starts
 * the next one ("恢复正常了，谢谢。但是…电源2又报告警了"). */
static const char *
followup_clause_end(const char *p)
{
  /* ". ": an English sentence ("Thanks for fixing the PSU. Another server…"), not 3.5 or a version */
  static const char *const marks[] = { "。", "！", "？", "；", "!", "?", ";", "\n", ". ", NULL };
  static const char *const turns[] = { "但是", "不过", "可是", "然而", "however", "but ", NULL };
  const char *end = p + strlen(p);
  for (guint i = 0; marks[i]; i++) {
    const char *e = strstr(p, marks[i]);
    if (e && e + strlen(marks[i]) < end)
      end = e + strlen(marks[i]);
  }
  for (guint i = 0; turns[i]; i++) {
    const char *e = strstr(p + 1, turns[i]);
    if (e && e < end)
      end = e;
  }
  return end;
}

/* Whether one clause (case-folded) tells a fault now: the fault is back (recurrence_said), or a fault
 * word in a comma-part that does not say it is fixed ("之前的告警已恢复正常"), in a clause that is
 * neither about the last incident ("上次", "那次": "那次宕机的报修邮件") nor a question ("…的原因查清楚了吗？"). */
static gboolean
clause_reports_fault(const ParserConfig *c, const char *clause)
{
  if (recurrence_said(c, clause))
    return TRUE;
  static const char *const past[] = { "上次", "上回", "那次", "當時",      "当时",     "上个月",     "上個月",
                                      "报过", "報過", "曾经", "last time", "previous", "last month", NULL };
  for (guint i = 0; past[i]; i++)
    if (strstr(clause, past[i]))
      return FALSE;
  if (asks_in(clause))
    return FALSE;
  g_auto(GStrv) parts = g_regex_split_simple("[，,]", clause, 0, 0);
  for (guint i = 0; parts[i]; i++)
    if (!fixed_said(parts[i]) && parser_states_fault(c, parts[i]))
      return TRUE;
  return FALSE;
}

gboolean
parser_reports_fault(const ParserConfig *c, const char *text)
{
  if (!text)
    return FALSE;
  g_autofree char *fold = parser_casefold(text);
  for (const char *p = fold; *p;) {
    const char *end = followup_clause_end(p);
    g_autofree char *clause = g_strndup(p, (gsize)(end - p));
    if (clause_reports_fault(c, clause))
      return TRUE;
    p = end;
  }
  return FALSE;
}

gssize
parser_other_machine_start(const ParserConfig *c, const char *text, const char *sn)
{
  if (!text || !sn)
    return -1;
  g_autoptr(GPtrArray) sns = g_ptr_array_new_with_free_func(g_free);
  for (const char *p = text; *p;) {
    const char *end = followup_clause_end(p);
    g_autofree char *clause = g_strndup(p, (gsize)(end - p));
    if (parser_word_in(c->other_machine, clause))
      return p - text;
    g_ptr_array_set_size(sns, 0);
    parser_sn_find(c, clause, sns);
    for (guint i = 0; i < sns->len; i++)
      if (parser_sn_same(g_ptr_array_index(sns, i), sn))
        return p - text;
    p = end;
  }
  return -1;
}

gboolean
parser_says_same_place(const ParserConfig *c, const char *text)
{
  return parser_word_in(c->same_place, text) != NULL;
}

gboolean
parser_says_nothing(const ParserConfig *c, const char *text)
{
  if (!text)
    return TRUE;
  g_autofree char *fold = parser_casefold(text);
  GString *rest = g_string_new(fold);
  /* the longer words first: "谢谢您" before "谢谢" */
  for (gsize len = 24; len > 0; len--)
    for (guint i = 0; c->courtesy && c->courtesy[i]; i++)
      if (strlen(c->courtesy[i]) == len)
        g_string_replace(rest, c->courtesy[i], "", 0);
  gboolean empty = TRUE;
  for (const char *p = rest->str; *p && empty; p = g_utf8_next_char(p)) {
    gunichar ch = g_utf8_get_char(p);
    empty = g_unichar_isspace(ch) || g_unichar_ispunct(ch);
  }
  g_string_free(rest, TRUE);
  return empty;
}

gboolean
parser_tells_request_only(const ParserConfig *c, const char *text)
{
  int faults, requests, calm;
  fault_counts(c, text, strlen(text), &faults, &requests, &calm);
  return requests > 0 && !parser_has_fault_words(c, text);
}

gboolean
parser_tells_faults_only(const ParserConfig *c, const char *text)
{
  int faults, requests, calm;
  fault_counts(c, text, strlen(text), &faults, &requests, &calm);
  return parser_has_fault_words(c, text) && requests == 0 && calm == 0;
}

/* The one SN of sns (upper case) that ends with the token text[0..len), or NULL (none, or several). */
static const char *
tail_of(GPtrArray *sns, const char *text, gsize len)
{
  const char *found = NULL;
  for (guint i = 0; i < sns->len; i++) {
    const char *sn = g_ptr_array_index(sns, i);
    gsize n = strlen(sn);
    if (n > len && g_ascii_strncasecmp(sn + n - len, text, len) == 0) {
      if (found)
        return NULL;
      found = sn;
    }
  }
  return found;
}

/* text with the machines it names by their last digits written out ("RCS…0810 和 RCS…0811，其中 0811
 * 这台掉了一张卡，0810 那台没问题", "尾号 0811 的"): each such tail becomes its SN, so that the clause that
 * tells the fault names its machine (blind round 17: the order went to the healthy one). Only a tail of
 * exactly one of the mail's SNs, of 3 characters or more, said as a machine ("这台", "那台", "尾号" …).
 * NULL when there is none. */
static char *
tails_written_out(const char *text, GPtrArray *sns)
{
  static const char *const before[] = { "尾号", "末尾",      "后四位",      "後四位",
                                        "尾號", "ending in", "ending with", NULL };
  static const char *const after[] = { "这台", "那台", "这一台", "那一台", "這台",   "那臺",   "這一台",
                                       "号机", "號機", "的那台", "的这台", "的機器", "的机器", NULL };
  if (!text || sns->len < 2)
    return NULL;
  GString *out = NULL;
  const char *copied = text;
  for (const char *p = text; *p;) {
    if (!g_ascii_isalnum(*p)) {
      p++;
      continue;
    }
    const char *start = p;
    while (g_ascii_isalnum(*p))
      p++;
    gsize len = (gsize)(p - start);
    if (len < 3 || len > 12 || (start > text && (start[-1] == '-' || start[-1] == '_')) || *p == '-' ||
        *p == '_')
      continue;
    const char *sn = tail_of(sns, start, len);
    if (!sn)
      continue;
    const char *q = p;
    while (*q == ' ' || *q == '\t')
      q++;
    gboolean said = FALSE;
    for (guint k = 0; after[k] && !said; k++)
      said = g_str_has_prefix(q, after[k]);
    const char *b = start;
    while (b > text && (b[-1] == ' ' || b[-1] == '\t' || b[-1] == ':'))
      b--;
    for (guint k = 0; before[k] && !said; k++) {
      gsize n = strlen(before[k]);
      said = (gsize)(b - text) >= n && g_ascii_strncasecmp(b - n, before[k], n) == 0;
    }
    if (!said)
      continue;
    if (!out)
      out = g_string_new(NULL);
    g_string_append_len(out, copied, start - copied);
    g_string_append(out, sn);
    copied = p;
  }
  if (!out)
    return NULL;
  g_string_append(out, copied);
  return g_string_free(out, FALSE);
}

/* score (fault_score or clause_score) at the SN's every place in its text: "两台 RCS…01、RCS…02，
 * 其中 RCS…02 这台亮红灯" tells the fault at the second place. */
static int
score_anywhere(const ParserConfig *c, const SnHit *h, int (*score)(const ParserConfig *, const SnHit *))
{
  int best = score(c, h);
  gsize vl = strlen(h->value);
  for (const char *p = h->text; (p = strcasestr(p, h->value)); p += vl) {
    SnHit at = *h;
    at.pos = (gsize)(p - h->text);
    if (at.pos != h->pos)
      best = MAX(best, score(c, &at));
  }
  return best;
}

/* SNs beyond which the one the symptoms are about is not looked for by scoring. */
#define SN_CHOOSE_MAX 200

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
  /* an inventory sheet of thousands of SNs: scoring each at every place in the text is quadratic
   * (minutes), and such a mail is one order for review anyway — its first labelled SN, if any */
  if (hits->len > SN_CHOOSE_MAX) {
    for (guint i = 0; labelled > 0 && i < hits->len; i++)
      if (g_array_index(hits, SnHit, i).labelled)
        return &g_array_index(hits, SnHit, i);
    return NULL; /* bare tokens stay candidates for the registry to confirm */
  }
  const SnHit *best = NULL, *first = NULL, *first_faulty = NULL;
  int best_score = 0;
  guint faulty = 0;
  gboolean tie = FALSE;
  /* the text with the machines it names by their last digits written out ("其中 0811 这台掉了一张卡"):
   * each SN is scored there too */
  g_autoptr(GPtrArray) values = g_ptr_array_new();
  for (guint i = 0; i < hits->len; i++)
    if (!g_array_index(hits, SnHit, i).tail_ref) /* "另外两台（尾号0002、0003）" made SNs of their tails */
      g_ptr_array_add(values, g_array_index(hits, SnHit, i).value);
  const char *tails_of = hits->len ? g_array_index(hits, SnHit, 0).text : NULL;
  g_autofree char *tails = labelled == 1 ? NULL : tails_written_out(tails_of, values);
  for (guint i = 0; i < hits->len; i++) {
    const SnHit *h = &g_array_index(hits, SnHit, i);
    if (labelled > 0 && !h->labelled)
      continue;
    if (!first)
      first = h;
    if (labelled == 1)
      return h;
    int sc = score_anywhere(c, h, fault_score);
    gboolean own_clause = score_anywhere(c, h, clause_fault) > 0;
    const char *at = tails && h->text == tails_of ? strcasestr(tails, h->value) : NULL;
    if (at) {
      SnHit w = *h;
      w.text = tails;
      w.pos = (gsize)(at - tails);
      w.end = w.pos + strlen(h->value);
      sc = MAX(sc, score_anywhere(c, &w, fault_score));
      own_clause = own_clause || score_anywhere(c, &w, clause_fault) > 0;
    }
    /* faulty in its own clause (a line that tells several SNs' states counts for none) */
    if (own_clause && faulty++ == 0)
      first_faulty = h;
    if (sc > best_score) {
      best = h;
      best_score = sc;
      tie = FALSE;
    } else if (sc == best_score && best) {
      tie = TRUE;
    }
  }
  /* several said to be faulty (a list of broken machines): the first, in the mail's order */
  if (faulty >= 2)
    return first_faulty;
  if (best && !tie)
    return best;
  return labelled > 0 ? first : NULL;
}

/* The SNs of text into out; with list, whether they are one list (then a list's members once each:
 * not the hyphenated form beside the joined one). */
static void
sn_find(const ParserConfig *c, const char *text, GPtrArray *out, gboolean *list)
{
  g_autoptr(GArray) sns = g_array_new(FALSE, TRUE, sizeof(SnHit));
  g_array_set_clear_func(sns, sn_hit_clear);
  sn_scan(c, NULL, text, FALSE, sns, list);
  for (guint i = 0; i < sns->len; i++)
    if (!list || !*list || !g_array_index(sns, SnHit, i).variant)
      g_ptr_array_add(out, g_strdup(g_array_index(sns, SnHit, i).value));
}

gboolean
parser_sn_list(const ParserConfig *c, const char *text, GPtrArray *out)
{
  gboolean list = FALSE;
  sn_find(c, text, out, &list);
  return list;
}

void
parser_sn_find(const ParserConfig *c, const char *text, GPtrArray *out)
{
  sn_find(c, text, out, NULL);
}

/* ---- model ----------------------------------------------------------------------------------- */

/* The first labelled model of text outside a part's block (a disk's "Device Model:" under smartctl's
 * "=== START OF INFORMATION SECTION ===": blind round 14b, a false model mismatch). */
static char *
model_labelled(const ParserConfig *c, ParserSources *s, const char *text, gboolean keep)
{
  if (!text)
    return NULL;
  gsize len = strlen(text), pos = 0;
  ParserMatch m = { 0 };
  char *v = NULL;
  while (pos < len && parser_re_match(c, PARSER_RE_MODEL_LABELLED, text, len, pos, &m)) {
    if (!part_block(c, text, m.ov[0])) {
      v = parser_match_group(&m, text, 1);
      if (keep && v)
        parser_extract_keep_raw(s, text, m.ov[2], m.ov[3]);
      break;
    }
    pos = m.ov[1] > pos ? m.ov[1] : pos + 1;
  }
  parser_match_clear(&m);
  return v;
}

/* Labelled, then a known family; in the own words, the forwarded mail, then the subject. */
static char *
model_find(const ParserConfig *c, ParserSources *s)
{
  const char *texts[] = { s->main, s->fwd, s->subject };
  char *model = NULL;
  for (guint i = 0; i < G_N_ELEMENTS(texts) && !model; i++)
    model = model_labelled(c, s, texts[i], i < 2);
  for (guint i = 0; i < G_N_ELEMENTS(texts) && !model; i++)
    model = parser_extract_first_group(c, PARSER_RE_MODEL_TOKEN, s, texts[i], i < 2);
  if (model)
    g_strstrip(model);
  return model;
}

/* An SN read out a character at a time, as voice input writes it ("序列号 R C S 2 5 J 0 5 2 0 0 8 8",
 * "R C S 25J0520088"): the characters joined, when that is one SN (blind round 22: sn missing, a gold
 * bank's outage on the weekday clock). Only when the text names no SN otherwise. */
static void
sn_spelled(const ParserConfig *c, ParserSources *s, const char *text, GArray *out)
{
  if (!text)
    return;
  static GRegex *re;
  if (g_once_init_enter(&re))
    g_once_init_leave(&re, g_regex_new("(?<![A-Za-z0-9])(?:[A-Za-z0-9]{2,6} )?[A-Za-z0-9](?: [A-Za-z0-9]){2,}"
                                       "(?: [A-Za-z0-9]{2,})?(?![A-Za-z0-9])",
                                       G_REGEX_OPTIMIZE, 0, NULL));
  g_autoptr(GMatchInfo) mi = NULL;
  for (g_regex_match(re, text, 0, &mi); g_match_info_matches(mi); g_match_info_next(mi, NULL)) {
    gint start = 0, end = 0;
    g_match_info_fetch_pos(mi, 0, &start, &end);
    g_autofree char *run = g_strndup(text + start, (gsize)(end - start));
    g_auto(GStrv) tokens = g_strsplit(run, " ", -1);
    guint n = g_strv_length(tokens);
    /* the whole run, else without a word before or after it ("serial r c s 2 5 j …") */
    for (guint drop = 0; drop < 4; drop++) {
      guint from = drop & 1 ? 1 : 0, to = drop & 2 ? n - 1 : n;
      if ((from && strlen(tokens[0]) < 2) || (to < n && strlen(tokens[n - 1]) < 2) || to <= from + 2)
        continue;
      g_autofree char *joined = g_strjoinv("", tokens + from);
      if (to < n)
        joined[strlen(joined) - strlen(tokens[n - 1])] = '\0';
      g_autofree char *up = g_ascii_strup(joined, -1);
      g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func(g_free);
      if (strlen(up) >= 8 && strlen(up) <= 24)
        parser_sn_find(c, up, found);
      if (found->len == 1 && g_str_equal(g_ptr_array_index(found, 0), up)) {
        SnHit h = { .value = g_steal_pointer(&up),
                    .labelled = TRUE,
                    .text = text,
                    .pos = (gsize)start,
                    .end = (gsize)end };
        g_array_append_val(out, h);
        parser_extract_keep_raw(s, text, (gsize)start, (gsize)end);
        break;
      }
    }
  }
}

void
parser_extract_sn_model(const ParserConfig *c, ParserSources *s, ParserRequest *r)
{
  /* SN: every SN in the own words, the forwarded mail and the subject, in that order. */
  g_autoptr(GArray) sns = g_array_new(FALSE, TRUE, sizeof(SnHit));
  g_array_set_clear_func(sns, sn_hit_clear);
  sn_scan(c, s, s->main, TRUE, sns, NULL);
  sn_scan(c, s, s->fwd, TRUE, sns, NULL);
  sn_scan(c, s, s->subject, FALSE, sns, NULL);
  if (sns->len == 0) {
    sn_spelled(c, s, s->main, sns);
    sn_spelled(c, s, s->fwd, sns);
  }
  r->model = model_find(c, s);
  /* A model is not an SN candidate even when it looks like one. */
  for (guint i = 0; r->model && i < sns->len; i++)
    if (g_ascii_strcasecmp(g_array_index(sns, SnHit, i).value, r->model) == 0)
      g_array_remove_index(sns, i--);
  /* A reply whose newest text names no SN: the labelled SN of the quoted mail (the newest text
   * always wins, so the quote is read only when it named none). Not for ignored mail and
   * follow-ups: the quote is then a bounced mail or our own acknowledgement. */
  if (sns->len == 0 && s->quoted && !r->ignored_reason && !r->followup_of) {
    sn_scan(c, s, s->quoted, FALSE, sns, NULL);
    for (guint i = 0; i < sns->len; i++)
      if (!g_array_index(sns, SnHit, i).labelled)
        g_array_remove_index(sns, i--);
  }
  for (guint i = 0; i < sns->len; i++) {
    const SnHit *h = &g_array_index(sns, SnHit, i);
    g_ptr_array_add(r->sn_candidates, g_strdup(h->value));
    if (!r->text_sources)
      r->text_sources = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    if (!g_hash_table_contains(r->text_sources, h->value))
      g_hash_table_insert(r->text_sources, g_strdup(h->value),
                          (gpointer)(h->text == s->subject ? "subject"
                                     : r->body_html        ? "html"
                                                           : "body"));
  }
  const SnHit *chosen = sn_choose(c, sns);
  if (chosen) {
    r->sn = g_strdup(chosen->value);
    r->sn_quoted = chosen->text == s->quoted;
    r->sn_source = chosen->text == s->subject ? "subject" : r->body_html ? "html" : "body";
  }
}

/* An SN without case, blanks or hyphens, and with the look-alikes customers type for digits (O for
 * 0, I and L for 1) folded, for asking whether two spellings are one machine: "RCS25A00I2345" is
 * the registered RCS25A0012345 the order holds. */
static char *
sn_key(const char *sn)
{
  GString *k = g_string_new(NULL);
  for (const char *p = sn; *p; p++) {
    char ch = g_ascii_toupper(*p);
    if (ch == '-' || ch == ' ')
      continue;
    g_string_append_c(k, ch == 'O' ? '0' : (ch == 'I' || ch == 'L') ? '1' : ch);
  }
  return g_string_free(k, FALSE);
}

gboolean
parser_sn_same(const char *a, const char *b)
{
  if (!a || !b)
    return FALSE;
  g_autofree char *ka = sn_key(a), *kb = sn_key(b);
  return strcmp(ka, kb) == 0;
}

gboolean
parser_corrects_sn(const ParserConfig *c, const ParserRequest *r)
{
  return parser_word_in(c->sn_correction, r->body_text ? r->body_text : r->symptoms) != NULL;
}

gboolean
parser_followup_other_machine(const ParserConfig *c, const ParserRequest *r, const char *order_sn)
{
  if (!r->followup_of && r->references->len == 0)
    return FALSE;
  /* labelled, or the one SN-like token the mail holds (registered or not: blind round 14b) */
  const char *sn = r->sn ? r->sn : r->sn_candidates->len == 1 ? g_ptr_array_index(r->sn_candidates, 0) : NULL;
  if (!sn || r->sn_quoted || !r->symptoms)
    return FALSE;
  int faults = 0, requests = 0, calm = 0;
  fault_counts(c, r->symptoms, strlen(r->symptoms), &faults, &requests, &calm);
  if (faults == 0)
    return FALSE;
  if (parser_corrects_sn(c, r))
    return FALSE; /* "上次SN写错了，应该是 RCS…": the same machine */
  /* a fault told now where the mail turns to it, not in passing ("另RCS…的RAID问题上周已经处理完毕",
   * "另外一台 RCS… 上个月也报过内存告警，换过内存以后一直正常": blind round 14c); an unlabelled one
   * must be turned to */
  gssize at = parser_other_machine_start(c, r->symptoms, sn);
  if ((at < 0 && !r->sn) || !parser_reports_fault(c, r->symptoms + MAX(at, 0)))
    return FALSE;
  if (order_sn)
    return !parser_sn_same(sn, order_sn);
  if (!r->quoted_text)
    return FALSE;
  g_autoptr(GPtrArray) quoted = g_ptr_array_new_with_free_func(g_free);
  parser_sn_find(c, r->quoted_text, quoted);
  for (guint i = 0; i < quoted->len; i++)
    if (parser_sn_same(g_ptr_array_index(quoted, i), sn))
      return FALSE;
  return quoted->len > 0;
}
