/* text.c: normalises decoded body text and splits it into the customer's own words, signature and quoted/forwarded text. */
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include "parser-private.h"

#include <string.h>

static gboolean
is_ascii(const char *s, gssize len)
{
  const char *end = len < 0 ? NULL : s + len;
  for (const char *p = s; end ? p < end : *p != '\0'; p++)
    if ((guchar)*p >= 0x80)
      return FALSE;
  return TRUE;
}

/* Characters NFKC leaves alone and that never combine with a neighbour: ASCII, CJK unified
 * ideographs and the CJK punctuation mail text is made of. Runs of them are copied as they are;
 * only the stretches between them go through g_utf8_normalize, which is slow on long text. */
static gboolean
nfkc_stable(gunichar c)
{
  return c < 0x80 || (c >= 0x4E00 && c <= 0x9FFF) || c == 0x3001 || c == 0x3002 ||
         (c >= 0x3008 && c <= 0x3011) || (c >= 0x2018 && c <= 0x201D) || c == 0x2014 || c == 0x00B7;
}

/* The character at p (g_utf8_get_char) and where the next one starts (g_utf8_next_char), with
 * the two cases mail text is made of decoded inline: ASCII and the 3-byte CJK range. */
static inline gunichar
char_at(const char *p, const char *end, const char **next)
{
  guchar b = (guchar)p[0];
  if (b < 0x80) {
    *next = p + 1;
    return b;
  }
  if (b >= 0xE4 && b <= 0xE9 && end - p >= 3 && ((guchar)p[1] & 0xC0) == 0x80 &&
      ((guchar)p[2] & 0xC0) == 0x80) {
    *next = p + 3;
    return ((gunichar)(b & 0x0F) << 12) | ((gunichar)((guchar)p[1] & 0x3F) << 6) | ((guchar)p[2] & 0x3F);
  }
  *next = g_utf8_next_char(p);
  return g_utf8_get_char(p);
}

static void
append_nfkc(GString *out, const char *s, gsize len)
{
  g_autofree char *n = g_utf8_normalize(s, len, G_NORMALIZE_NFKC);
  if (n)
    g_string_append(out, n);
  else
    g_string_append_len(out, s, len);
}

static char *
nfkc(const char *text, gsize len)
{
  GString *out = g_string_sized_new(len + 16);
  const char *p = text, *end = text + len;
  const char *run = p;         /* start of what is not yet copied */
  const char *unstable = NULL; /* start of the stretch that needs normalising */
  const char *prev = NULL;     /* the character before p */
  while (p < end) {
    if (!unstable) {
      /* Skip ASCII quickly: it is stable and never the start of a stretch. */
      const char *q = p;
      while (q < end && (guchar)*q < 0x80)
        q++;
      if (q > p) {
        prev = q - 1;
        p = q;
        if (p >= end)
          break;
      }
    }
    const char *next;
    gunichar c = char_at(p, end, &next);
    if (c >= 0x2460 && c <= 0x2473) {
      /* ①–⑳ number a list: "1. " (NFKC's bare "1" would glue to what follows: "①RCS25…" → "1RCS25…") */
      if (unstable) {
        append_nfkc(out, unstable, p - unstable);
        unstable = NULL;
      } else {
        g_string_append_len(out, run, p - run);
      }
      g_string_append_printf(out, "%u.", (guint)(c - 0x2460 + 1));
      if (next < end && *next != ' ' && *next != '\t')
        g_string_append_c(out, ' ');
      run = next;
      prev = NULL;
      p = next;
      continue;
    }
    if (!nfkc_stable(c)) {
      if (!unstable) {
        /* The stable character before may compose with this one: normalise it too. */
        unstable = prev ? prev : p;
        g_string_append_len(out, run, unstable - run);
      }
    } else if (unstable) {
      append_nfkc(out, unstable, p - unstable);
      unstable = NULL;
      run = p;
    }
    prev = p;
    p = next;
  }
  if (unstable)
    append_nfkc(out, unstable, end - unstable);
  else
    g_string_append_len(out, run, end - run);
  return g_string_free(out, FALSE);
}

char *
parser_nfkc(const char *text, gssize len)
{
  if (len < 0)
    len = (gssize)strlen(text);
  return is_ascii(text, len) ? g_strndup(text, (gsize)len) : nfkc(text, (gsize)len);
}

char *
parser_text_normalize(const char *text, gssize len)
{
  if (len < 0)
    len = (gssize)strlen(text);
  g_autofree char *normalized = NULL;
  const char *src = text;
  gsize srclen = (gsize)len;
  /* ASCII is its own NFKC: skip the normaliser for plain English mail. */
  if (!is_ascii(text, len)) {
    normalized = nfkc(text, (gsize)len);
    src = normalized;
    srclen = strlen(normalized);
  }
  /* One pass into one buffer (the output is never longer than the input): CR/CRLF to LF,
   * controls to blanks, invisible characters dropped, and the trailing blanks of each line
   * (they carry nothing and defeat "value on the next line") trimmed when its end is reached. */
  char *out = g_malloc(srclen + 1);
  gsize o = 0, line_start = 0;
  const char *p = src, *end = src + srclen;
  while (p < end) {
    guchar c = (guchar)*p;
    if (c >= 0x20 && c != 0xE2 && c != 0xEF) {
      out[o++] = (char)c;
      p++;
      continue;
    }
    if (c == '\r' || c == '\n') {
      if (c == '\r' && p + 1 < end && p[1] == '\n')
        p++;
      while (o > line_start && (out[o - 1] == ' ' || out[o - 1] == '\t'))
        o--;
      out[o++] = '\n';
      line_start = o;
      p++;
      continue;
    }
    if (c < 0x20 && c != '\t') {
      out[o++] = ' ';
      p++;
      continue;
    }
    if (c == 0xE2 && p + 2 < end && (guchar)p[1] == 0x80 &&
        ((guchar)p[2] == 0x8B || (guchar)p[2] == 0x8C || (guchar)p[2] == 0x8D || (guchar)p[2] == 0x8E ||
         (guchar)p[2] == 0x8F)) {
      p += 3; /* zero-width space/joiners and direction marks: invisible, but they split tokens */
      continue;
    }
    if (c == 0xEF && p + 2 < end && (guchar)p[1] == 0xBB && (guchar)p[2] == 0xBF) {
      p += 3; /* BOM */
      continue;
    }
    out[o++] = (char)c;
    p++;
  }
  while (o > line_start && (out[o - 1] == ' ' || out[o - 1] == '\t'))
    o--;
  out[o] = '\0';
  return out;
}

static inline gboolean
quote_mark(guchar b)
{
  return b == '-' || b == '=' || b == '_' || b == '*';
}

/* Whether line[at..] starts with word (lower case), ASCII-caseless. */
static inline gboolean
word_at(const char *line, gsize len, gsize at, const char *word, gsize wl)
{
  if (at + wl > len)
    return FALSE;
  for (gsize k = 0; k < wl; k++) {
    char c = line[at + k];
    if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != word[k])
      return FALSE;
  }
  return TRUE;
}

/* Whether PARSER_RE_QUOTE_HEADER can match line at all, in one pass: each of its branches needs
 * two of "-=_*" in a row, "写道", "wrote" or "forwarded" (words without 'k' or 's', so they have
 * no non-ASCII caseless twin in UTF mode). */
static gboolean
quote_header_possible(const char *line, gsize len)
{
  for (gsize i = 0; i < len; i++) {
#ifdef __SSE2__
    /* 16 bytes at a time up to the next byte the tests below look at. */
    if (i + 16 <= len) {
      __m128i v = _mm_loadu_si128((const __m128i *)(line + i));
      __m128i hit = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('-')), _mm_cmpeq_epi8(v, _mm_set1_epi8('='))),
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('_')), _mm_cmpeq_epi8(v, _mm_set1_epi8('*'))));
      hit = _mm_or_si128(hit, _mm_cmpeq_epi8(_mm_or_si128(v, _mm_set1_epi8(0x20)), _mm_set1_epi8('w')));
      hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, _mm_set1_epi8((char)0xE5)));
      unsigned m = (unsigned)_mm_movemask_epi8(hit);
      if (!m) {
        i += 15;
        continue;
      }
      i += (gsize)__builtin_ctz(m);
    }
#endif
    guchar b = (guchar)line[i];
    if (quote_mark(b)) {
      if (i + 1 < len && quote_mark((guchar)line[i + 1]))
        return TRUE;
    } else if ((b | 0x20) == 'w') {
      if (word_at(line, len, i, "wrote", 5) || (i >= 3 && word_at(line, len, i - 3, "forwarded", 9)))
        return TRUE;
    } else if (b == 0xE5 && i + 6 <= len && memcmp(line + i, "写道", 6) == 0) {
      return TRUE;
    }
  }
  return FALSE;
}

/* Whether line, less its trailing blanks, ends with one of the Han closing formulas that
 * PARSER_RE_SIGNATURE takes at the end of a short line. */
static gboolean
ends_with_formula(const char *line, gsize len)
{
  static const char *const formulas[] = { "敬上", "谨上", "謹上", "敬啟", "敬启" };
  while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t'))
    len--;
  for (gsize i = 0; i < G_N_ELEMENTS(formulas); i++) {
    gsize fl = strlen(formulas[i]);
    if (len >= fl && memcmp(line + len - fl, formulas[i], fl) == 0)
      return TRUE;
  }
  return FALSE;
}

/* Whether re can match line at all, from what its branches need (exact: FALSE only when the
 * regex cannot match). */
static gboolean
line_possible(const ParserConfig *config, ParserRe re, const char *line, gsize len)
{
  const char *t = line;
  while (*t == ' ' || *t == '\t')
    t++;
  guchar b = (guchar)*t;
  switch (re) {
    case PARSER_RE_QUOTE_HEADER:
      return quote_header_possible(line, len);
    case PARSER_RE_SIGNATURE: /* "--", "—", a signature word, or "…敬上" */
      return b == '-' || b == 0xE2 || config->word_start[PARSER_WORDS_SIGNATURE][b] ||
             ends_with_formula(line, len);
    case PARSER_RE_DISCLAIMER: /* a disclaimer word, maybe after one of "【[(（" */
      return b == '[' || b == '(' || b == 0xE3 || b == 0xEF || config->word_start[PARSER_WORDS_DISCLAIMER][b];
    case PARSER_RE_GREETING: /* a greeting word, "…好", or a title as 2nd–4th character ("李工") */
      if (config->word_start[PARSER_WORDS_GREETING][b] || strstr(t, "好"))
        return TRUE;
      for (guint k = 0; k < 4 && *t; k++, t = g_utf8_next_char(t)) {
        static const char *const titles[] = { "工", "总", "经", "老", "主", "师", "先", "女" };
        for (guint j = 0; k > 0 && j < G_N_ELEMENTS(titles); j++)
          if (strncmp(t, titles[j], 3) == 0)
            return TRUE;
      }
      return FALSE;
    case PARSER_RE_CLOSING:
      return config->word_start[PARSER_WORDS_CLOSING][b];
    default:
      return TRUE;
  }
}

static gboolean
line_matches(const ParserConfig *config, ParserRe re, const char *line, gsize len)
{
  if (!line_possible(config, re, line, len))
    return FALSE;
  return parser_re_test(config, re, line, len);
}

static gboolean
blank(const char *s, gsize len)
{
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isspace(s[i]))
      return FALSE;
  return TRUE;
}

gboolean
parser_text_header_key_at(const char *l)
{
  static const char *const keys[] = { "发件人", "From", "发送时间", "发送日期" /* 163 */,
                                      "Sent",   "Date", "日期",     "时间",
                                      "收件人", "To",   "主题",     "Subject",
                                      "抄送",   "Cc",   NULL };
  for (const char *const *key = keys; *key; key++) {
    gsize kl = strlen(*key);
    if (g_ascii_strncasecmp(l, *key, kl) == 0) {
      const char *r = l + kl;
      while (*r == ' ')
        r++;
      if (*r == ':')
        return TRUE;
    }
  }
  return FALSE;
}

/* A run of header lines (发件人:/From:, 发送时间:/Sent:, 收件人:/To:, 主题:/Subject:) starting at
 * line i: the body of an Outlook-style quote without a separator line. */
static gboolean
header_block_at(char **lines, guint i, guint n)
{
  /* The first line must be the sender, as every client writes it (checked first: most lines are
   * no header at all). */
  const char *first = lines[i];
  while (*first == ' ' || *first == '>' || *first == '*')
    first++;
  if (!(g_str_has_prefix(first, "发件人") || g_ascii_strncasecmp(first, "From", 4) == 0))
    return FALSE;
  guint hits = 0;
  for (guint k = i; k < n && k < i + 5; k++) {
    const char *l = lines[k];
    while (*l == ' ' || *l == '>' || *l == '*')
      l++;
    if (!parser_text_header_key_at(l))
      break;
    hits++;
  }
  return hits >= 2;
}

static char *
join_lines(char **lines, guint from, guint to)
{
  GString *s = g_string_new(NULL);
  for (guint i = from; i < to; i++) {
    g_string_append(s, lines[i]);
    g_string_append_c(s, '\n');
  }
  /* Drop leading and trailing blank lines. */
  g_strstrip(s->str);
  s->len = strlen(s->str);
  if (s->len == 0) {
    g_string_free(s, TRUE);
    return NULL;
  }
  return g_string_free(s, FALSE);
}

char **
parser_split_lines(const char *text, guint *n_lines)
{
  gsize len = strlen(text);
  guint n = 0;
  if (len > 0) {
    n = 1;
    for (const char *p = text; (p = memchr(p, '\n', text + len - p)); p++)
      n++;
  }
  char **v = g_malloc((n + 1) * sizeof(char *) + len + 1);
  char *buf = (char *)(v + n + 1);
  memcpy(buf, text, len + 1);
  guint i = 0;
  if (len > 0) {
    v[i++] = buf;
    for (char *p = buf; (p = memchr(p, '\n', buf + len - p)); p++) {
      *p = '\0';
      v[i++] = p + 1;
    }
  }
  v[n] = NULL;
  if (n_lines)
    *n_lines = n;
  return v;
}

/* 1. The quote starts at the first quote header, forward marker, Outlook header block or ">"
 *    line; everything below it is quoted. Returns its first line (n: none). */
static guint
quote_start(const ParserConfig *config, char **lines, guint n, gboolean *forwarded)
{
  for (guint i = 0; i < n; i++) {
    const char *l = lines[i];
    gsize len = strlen(l);
    if (len == 0)
      continue;
    if (line_matches(config, PARSER_RE_QUOTE_HEADER, l, len)) {
      *forwarded = line_matches(config, PARSER_RE_FORWARD_HEADER, l, len);
      return i;
    }
    if (l[0] == '>') {
      /* "On … wrote:" may wrap onto the line above the first ">" line. */
      if (i > 0 && line_matches(config, PARSER_RE_QUOTE_HEADER, lines[i - 1], strlen(lines[i - 1])))
        return i - 1;
      return i;
    }
    if (header_block_at(lines, i, n))
      return i;
  }
  return n;
}

/* 2. In the customer's part (lines before quote), the signature starts at the first signature or
 *    disclaimer line; a greeting-only tail ("谢谢！") before it stays with the text. */
static guint
signature_start(const ParserConfig *config, char **lines, guint quote)
{
  for (guint i = 0; i < quote; i++) {
    const char *l = lines[i];
    gsize len = strlen(l);
    if (len == 0)
      continue;
    if (line_matches(config, PARSER_RE_SIGNATURE, l, len) ||
        line_matches(config, PARSER_RE_DISCLAIMER, l, len))
      return i;
  }
  return quote;
}

/* 2b. Above the signature start (or the end of the text when there is none), a block of
 *     name/company/switchboard lines is a signature too, from its topmost name or company
 *     line ("李海峰 / 成都…有限公司 IT部 / 电话：…"). Labelled phone/address lines inside the
 *     block belong to it only below such a line. Returns the signature's new start. */
static guint
signature_block_top(const ParserConfig *config, char **lines, guint sig)
{
  guint i = sig;
  guint top_anchor = sig;
  gboolean office_seen = FALSE;
  guint lines_seen = 0;
  while (i > 0) {
    const char *l = lines[i - 1];
    gsize len = strlen(l);
    if (blank(l, len)) {
      i--;
      continue;
    }
    if (len > 200 || !line_matches(config, PARSER_RE_SIG_LINE, l, len))
      break;
    gboolean office = line_matches(config, PARSER_RE_SIG_OFFICE, l, len);
    office_seen |= office;
    lines_seen++;
    ParserMatch m = { 0 };
    gboolean field = !office && parser_re_match(config, PARSER_RE_ANY_LABEL, l, len, 0, &m);
    parser_match_clear(&m);
    /* Names and companies carry no digits; a line with digits is an address or a number. */
    if (!field && !office && !strpbrk(l, "0123456789"))
      top_anchor = i - 1;
    i--;
  }
  /* The whole text is a signature only when it is a card with a switchboard, fax, mail or web line
   * (a screenshot's mail: "周敏 | 信息技术部 / 北京华泽…有限公司 / 总机：010-…", blind round 15: it was the
   * description); else "王磊 / 服务器坏了" keeps its words. */
  if (top_anchor == 0 && i == 0 && office_seen && lines_seen >= 2)
    return 0;
  return top_anchor < sig && top_anchor > 0 ? top_anchor : sig;
}

/* 3. The customer's own words (lines before sig): no greeting or closing lines, and no addressee
 *    line ("信息中心:", "融科联创 サービスご担当者様 / 服务部:") as the first line — one that tells a
 *    fault introduces the list below it ("下面这台宕机了：" / "RCS…": blind round 21, the outage was
 *    dropped and the order queued as S3). NULL when empty. */
static char *
own_words(const ParserConfig *config, char **lines, guint sig)
{
  GString *own = g_string_new(NULL);
  gboolean first_line = TRUE;
  for (guint i = 0; i < sig; i++) {
    const char *l = lines[i];
    gsize len = strlen(l);
    if (blank(l, len)) {
      if (own->len > 0 && own->str[own->len - 1] != '\n')
        g_string_append_c(own, '\n');
      continue;
    }
    gboolean was_first = first_line;
    first_line = FALSE;
    if (line_matches(config, PARSER_RE_GREETING, l, len) || line_matches(config, PARSER_RE_CLOSING, l, len))
      continue;
    if (was_first && len > 1 && l[len - 1] == ':' && g_utf8_strlen(l, len) <= 30 &&
        !strpbrk(l, "0123456789,.;!?") && !strstr(l, "。") &&
        !line_matches(config, PARSER_RE_LABEL_WORD, l, len) && !parser_reports_fault(config, l))
      continue;
    ParserMatch m = { 0 };
    if (parser_re_match(config, PARSER_RE_GREETING_PREFIX, l, len, 0, &m))
      l += m.ov[1];
    parser_match_clear(&m);
    g_string_append(own, l);
    g_string_append_c(own, '\n');
  }
  g_strstrip(own->str);
  own->len = strlen(own->str);
  return own->len ? g_string_free(own, FALSE) : (g_string_free(own, TRUE), NULL);
}

/* Whether a quoted line asks for something: it ends with ':' or '?' ("> 1. 设备SN（…）：" of our
 * acknowledgement; the text is NFKC'd, so '：' and '？' are ASCII by now). */
static gboolean
quoted_question(const char *l)
{
  gsize len = strlen(l);
  while (len > 0 && (l[len - 1] == ' ' || l[len - 1] == '\t' || l[len - 1] == '\r'))
    len--;
  return len > 1 && l[0] == '>' && (l[len - 1] == ':' || l[len - 1] == '?');
}

/* 4. Answers written inline under quoted questions ("> 2. 设备所在地址：" / "武汉市…"): the
 *    unquoted lines below a quoted line that asks, up to the next quoted line. NULL when none. A
 *    top-posted reply above an unquoted original has no '>' lines, and a quote re-wrapped by the
 *    mail client continues a sentence, not a question. */
static char *
inline_answers(char **lines, guint quote, guint n)
{
  GString *out = NULL;
  gboolean answering = FALSE;
  for (guint i = quote; i < n; i++) {
    const char *l = lines[i];
    gsize len = strlen(l);
    if (blank(l, len))
      continue;
    if (l[0] == '>') {
      answering = quoted_question(l);
      continue;
    }
    if (!answering)
      continue;
    if (!out)
      out = g_string_new(NULL);
    g_string_append(out, l);
    g_string_append_c(out, '\n');
  }
  return out ? g_string_free(out, FALSE) : NULL;
}

/* 5. Fields of the report written after the sign-off ("Best regards," / "Michael" / "Site: Building 3,
 *    …" / "Contact: Michael Novak +86 …"): the signature's lines that start with a labels.ini
 *    signature_fields label and a colon (blind round 14c: address and contact were lost). NULL when none. */
static char *
signature_fields(const ParserConfig *config, char **lines, guint sig, guint quote)
{
  GString *out = NULL;
  for (guint i = sig; i < quote && config->signature_fields; i++) {
    const char *l = lines[i];
    while (*l == ' ' || *l == '\t')
      l++;
    g_autofree char *fold = g_utf8_casefold(l, -1);
    for (guint k = 0; config->signature_fields[k]; k++) {
      const char *w = config->signature_fields[k];
      if (!g_str_has_prefix(fold, w))
        continue;
      const char *after = fold + strlen(w);
      while (*after == ' ')
        after++;
      if (*after != ':' || !after[1])
        continue;
      if (!out)
        out = g_string_new(NULL);
      g_string_append(out, l);
      g_string_append_c(out, '\n');
      break;
    }
  }
  return out ? g_string_free(out, FALSE) : NULL;
}

void
parser_text_split(const ParserConfig *config, const char *text, ParserTextSplit *out)
{
  memset(out, 0, sizeof *out);
  guint n;
  g_autofree char **lines = parser_split_lines(text, &n);
  guint quote = quote_start(config, lines, n, &out->forwarded);
  guint sig = signature_block_top(config, lines, signature_start(config, lines, quote));
  out->own_full = join_lines(lines, 0, quote);
  out->signature = sig < quote ? join_lines(lines, sig, quote) : NULL;
  out->quoted = quote < n ? join_lines(lines, quote, n) : NULL;
  out->own = own_words(config, lines, sig);
  g_autofree char *fields = sig < quote ? signature_fields(config, lines, sig, quote) : NULL;
  if (fields) {
    char *own = g_strconcat(out->own ? out->own : "", out->own ? "\n" : "", fields, NULL);
    g_free(out->own);
    out->own = g_strstrip(own);
  }
  g_autofree char *answers = quote < n ? inline_answers(lines, quote, n) : NULL;
  if (answers) {
    /* the answers are the customer's words: after those above the quote */
    char *own = g_strconcat(out->own ? out->own : "", out->own ? "\n" : "", answers, NULL);
    char *full = g_strconcat(out->own_full ? out->own_full : "", "\n", answers, NULL);
    g_free(out->own);
    g_free(out->own_full);
    out->own = g_strstrip(own);
    out->own_full = full;
  }
}

void
parser_text_split_clear(ParserTextSplit *split)
{
  g_clear_pointer(&split->own, g_free);
  g_clear_pointer(&split->own_full, g_free);
  g_clear_pointer(&split->signature, g_free);
  g_clear_pointer(&split->quoted, g_free);
}
