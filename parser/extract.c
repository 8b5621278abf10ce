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

/* The syllables of Hanyu Pinyin (without tones; ü as v): a Chinese customer without an input method
 * writes "wo men de fu wu qi dang ji le" — Chinese, to be answered in Chinese. */
static const char *const pinyin_syllables[] = {
  "a",     "ai",    "an",     "ang",   "ao",     "ba",   "bai",   "ban",   "bang",   "bao",   "bei",  "ben",
  "beng",  "bi",    "bian",   "biao",  "bie",    "bin",  "bing",  "bo",    "bu",     "ca",    "cai",  "can",
  "cang",  "cao",   "ce",     "cen",   "ceng",   "cha",  "chai",  "chan",  "chang",  "chao",  "che",  "chen",
  "cheng", "chi",   "chong",  "chou",  "chu",    "chua", "chuai", "chuan", "chuang", "chui",  "chun", "chuo",
  "ci",    "cong",  "cou",    "cu",    "cuan",   "cui",  "cun",   "cuo",   "da",     "dai",   "dan",  "dang",
  "dao",   "de",    "dei",    "den",   "deng",   "di",   "dia",   "dian",  "diao",   "die",   "ding", "diu",
  "dong",  "dou",   "du",     "duan",  "dui",    "dun",  "duo",   "e",     "ei",     "en",    "eng",  "er",
  "fa",    "fan",   "fang",   "fei",   "fen",    "feng", "fo",    "fou",   "fu",     "ga",    "gai",  "gan",
  "gang",  "gao",   "ge",     "gei",   "gen",    "geng", "gong",  "gou",   "gu",     "gua",   "guai", "guan",
  "guang", "gui",   "gun",    "guo",   "ha",     "hai",  "han",   "hang",  "hao",    "he",    "hei",  "hen",
  "heng",  "hong",  "hou",    "hu",    "hua",    "huai", "huan",  "huang", "hui",    "hun",   "huo",  "ji",
  "jia",   "jian",  "jiang",  "jiao",  "jie",    "jin",  "jing",  "jiong", "jiu",    "ju",    "juan", "jue",
  "jun",   "ka",    "kai",    "kan",   "kang",   "kao",  "ke",    "kei",   "ken",    "keng",  "kong", "kou",
  "ku",    "kua",   "kuai",   "kuan",  "kuang",  "kui",  "kun",   "kuo",   "la",     "lai",   "lan",  "lang",
  "lao",   "le",    "lei",    "leng",  "li",     "lia",  "lian",  "liang", "liao",   "lie",   "lin",  "ling",
  "liu",   "lo",    "long",   "lou",   "lu",     "luan", "lun",   "luo",   "lv",     "lve",   "ma",   "mai",
  "man",   "mang",  "mao",    "me",    "mei",    "men",  "meng",  "mi",    "mian",   "miao",  "mie",  "min",
  "ming",  "miu",   "mo",     "mou",   "mu",     "na",   "nai",   "nan",   "nang",   "nao",   "ne",   "nei",
  "nen",   "neng",  "ni",     "nian",  "niang",  "niao", "nie",   "nin",   "ning",   "niu",   "nong", "nou",
  "nu",    "nuan",  "nuo",    "nv",    "nve",    "o",    "ou",    "pa",    "pai",    "pan",   "pang", "pao",
  "pei",   "pen",   "peng",   "pi",    "pian",   "piao", "pie",   "pin",   "ping",   "po",    "pou",  "pu",
  "qi",    "qia",   "qian",   "qiang", "qiao",   "qie",  "qin",   "qing",  "qiong",  "qiu",   "qu",   "quan",
  "que",   "qun",   "ran",    "rang",  "rao",    "re",   "ren",   "reng",  "ri",     "rong",  "rou",  "ru",
  "rua",   "ruan",  "rui",    "run",   "ruo",    "sa",   "sai",   "san",   "sang",   "sao",   "se",   "sen",
  "seng",  "sha",   "shai",   "shan",  "shang",  "shao", "she",   "shei",  "shen",   "sheng", "shi",  "shou",
  "shu",   "shua",  "shuai",  "shuan", "shuang", "shui", "shun",  "shuo",  "si",     "song",  "sou",  "su",
  "suan",  "sui",   "sun",    "suo",   "ta",     "tai",  "tan",   "tang",  "tao",    "te",    "teng", "ti",
  "tian",  "tiao",  "tie",    "ting",  "tong",   "tou",  "tu",    "tuan",  "tui",    "tun",   "tuo",  "wa",
  "wai",   "wan",   "wang",   "wei",   "wen",    "weng", "wo",    "wu",    "xi",     "xia",   "xian", "xiang",
  "xiao",  "xie",   "xin",    "xing",  "xiong",  "xiu",  "xu",    "xuan",  "xue",    "xun",   "ya",   "yan",
  "yang",  "yao",   "ye",     "yi",    "yin",    "ying", "yo",    "yong",  "you",    "yu",    "yuan", "yue",
  "yun",   "za",    "zai",    "zan",   "zang",   "zao",  "ze",    "zei",   "zen",    "zeng",  "zha",  "zhai",
  "zhan",  "zhang", "zhao",   "zhe",   "zhei",   "zhen", "zheng", "zhi",   "zhong",  "zhou",  "zhu",  "zhua",
  "zhuai", "zhuan", "zhuang", "zhui",  "zhun",   "zhuo", "zi",    "zong",  "zou",    "zu",    "zuan", "zui",
  "zun",   "zuo",   NULL
};

/* Whether word (lower-case ASCII letters) is pinyin syllables written together ("fuwuqi", "women"). */
static gboolean
pinyin_word(GHashTable *syllables, const char *word, gsize n)
{
  gboolean ok[33] = { TRUE }; /* ok[i]: word[0, i) splits into syllables */
  if (n == 0 || n > 32)
    return FALSE;
  for (gsize i = 1; i <= n; i++) {
    ok[i] = FALSE;
    for (gsize k = 1; k <= 6 && k <= i && !ok[i]; k++) {
      char syl[7];
      memcpy(syl, word + i - k, k);
      syl[k] = '\0';
      ok[i] = ok[i - k] && g_hash_table_contains(syllables, syl);
    }
  }
  return ok[n];
}

/* Whether Latin text reads as pinyin: of its words (10 at least), seven in ten are syllables. English
 * prose has few ("an", "long", "change"): "The server is down since this morning" has none. */
static gboolean
reads_as_pinyin(const char *text)
{
  static GHashTable *syllables; /* built once; the parser's threads only read it */
  static gsize made = 0;
  if (g_once_init_enter(&made)) {
    GHashTable *t = g_hash_table_new(g_str_hash, g_str_equal);
    for (guint i = 0; pinyin_syllables[i]; i++)
      g_hash_table_add(t, (gpointer)pinyin_syllables[i]);
    syllables = t;
    g_once_init_leave(&made, 1);
  }
  guint words = 0, pinyin = 0;
  for (const char *p = text; p && *p;) {
    if (!g_ascii_isalpha(*p)) {
      p++;
      continue;
    }
    char word[33];
    gsize n = 0;
    for (; g_ascii_isalpha(*p); p++)
      if (n < sizeof word - 1)
        word[n++] = g_ascii_tolower(*p);
    word[n] = '\0';
    words++;
    pinyin += pinyin_word(syllables, word, n);
  }
  return words >= 10 && pinyin * 10 >= words * 7;
}

/* Whether a line without Chinese is machine output pasted into the mail: a log, a BMC event list, a
 * stack trace ("[ 0.013000] mpt3sas_cm0: log_info(0x31120303)", "sd 0:0:0:0: [sda] hostbyte=DID_OK",
 * "1 | 11/10/2026 | 09:48:12 | Memory #0x87", "at org.apache…invoke(Foo.java:199)"): hex, assignments,
 * identifiers with '_' or '#' or dotted, a bracketed number, a clock time, a bus address, a source
 * line, or more digits and signs than letters. */
gsize
parser_line_start_near(const char *text, gsize pos, gsize max)
{
  gsize ls = pos;
  while (ls > 0 && text[ls - 1] != '\n' && pos - ls < max)
    ls--;
  while (ls < pos && ((guchar)text[ls] & 0xC0) == 0x80)
    ls++;
  return ls;
}

gsize
parser_line_end_near(const char *text, gsize pos, gsize max)
{
  gsize le = pos;
  while (text[le] && text[le] != '\n' && le - pos < max)
    le++;
  while (le > pos && text[le] && ((guchar)text[le] & 0xC0) == 0x80)
    le--;
  return le;
}

gboolean
parser_has_han(const char *s, gsize len)
{
  for (const char *p = s; p < s + len && *p; p = g_utf8_next_char(p))
    if (g_unichar_get_script(g_utf8_get_char(p)) == G_UNICODE_SCRIPT_HAN)
      return TRUE;
  return FALSE;
}

gboolean
parser_log_line(const char *line, gsize len)
{
  g_autofree char *l = g_strndup(line, len);
  if (strstr(l, "0x") || strchr(l, '=') || strchr(l, '_') || strchr(l, '#'))
    return TRUE;
  static GRegex *re;
  if (g_once_init_enter(&re))
    g_once_init_leave(&re,
                      g_regex_new("\\[\\s*[0-9]|[0-9]{1,2}:[0-9]{2}:[0-9]{2}|[0-9a-f]+:[0-9a-f]+:[0-9a-f.]+|"
                                  /* a stack trace: "at org.apache.…invoke(…)", "Foo.java:199", a.b.c */
                                  "(?:^|\\s)at [\\w$.<>]+\\(|\\.(?:java|py|go|cc?|cpp|js|ts|rb|cs|kt):[0-9]+|"
                                  "[a-z]\\w*\\.[a-z]\\w*\\.[a-z]\\w*|[a-z](?:exception|error)\\b|"
                                  "^\\s*file \"|^traceback|^caused by:",
                                  G_REGEX_OPTIMIZE | G_REGEX_CASELESS, 0, NULL));
  if (g_regex_match(re, l, 0, NULL))
    return TRUE;
  gsize letters = 0, other = 0;
  for (gsize i = 0; i < len; i++)
    if (g_ascii_isalpha(line[i]))
      letters++;
    else if (line[i] != ' ' && line[i] != '\t')
      other++;
  return other > letters;
}

static const char *
language_of(const char *text)
{
  glong han = 0, latin = 0, other = 0; /* other: kana, hangul — a language without a template of ours */
  for (const char *line = text; line && *line;) {
    const char *end = strchr(line, '\n');
    if (!end)
      end = line + strlen(line);
    glong line_han = 0, line_latin = 0;
    for (const char *p = line; p < end;) {
      /* ASCII (most of a pasted log) is never Han: no decoding, no script lookup. */
      if ((guchar)*p < 0x80) {
        line_latin += g_ascii_isalpha(*p);
        p++;
        continue;
      }
      gunichar ch = g_utf8_get_char(p);
      GUnicodeScript script = g_unichar_get_script(ch);
      if (script == G_UNICODE_SCRIPT_HAN)
        line_han++;
      else if (script == G_UNICODE_SCRIPT_HIRAGANA || script == G_UNICODE_SCRIPT_KATAKANA ||
               script == G_UNICODE_SCRIPT_HANGUL)
        other++;
      p = g_utf8_next_char(p);
    }
    han += line_han;
    /* pasted machine output is nobody's language (blind round 14: a Chinese mail with 40 lines of
     * dmesg was answered in English) */
    if (line_han || !parser_log_line(line, (gsize)(end - line)))
      latin += line_latin;
    line = *end ? end + 1 : end;
  }
  /* Japanese or Korean (its kanji are Han too): English, the vendor's language for the world,
   * rather than Chinese (blind round 19: a Japanese customer was answered in Chinese). A stray "の"
   * in Chinese is not Japanese. */
  if (other >= 10 && other * 3 >= han)
    return "en";
  /* A Chinese character weighs about as much as a word of five letters. */
  return latin >= 20 && han * 20 < latin && !reads_as_pinyin(text) ? "en" : "zh";
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

/* Whether quoted starts with a mail's header block (发件人:/From: … 主题:/Subject:, as Outlook and
 * Foxmail quote), not with '>' lines: a colleague's mail in the thread, not our text cited line by
 * line. */
static gboolean
quoted_thread(const char *quoted)
{
  g_auto(GStrv) lines = g_strsplit(quoted, "\n", 8);
  for (guint i = 0; lines[i]; i++) {
    const char *l = lines[i];
    while (*l == ' ' || *l == '*')
      l++;
    if (!*l || (*l == '-' || *l == '_')) /* "-----原始邮件-----", "________" */
      continue;
    return parser_text_header_key_at(l);
  }
  return FALSE;
}

/* The From/发件人 line of the forwarded header block of quoted ("发件人: 张伟 <zw@x.cn>", "From: \"Li, Na\"
 * <…>", Foxmail's "发件人:王芳" without an address): its address (lower case) and display name, each
 * NULL when absent. */
static void
forwarded_sender(const char *quoted, char **addr, char **name)
{
  *addr = *name = NULL;
  g_auto(GStrv) lines = g_strsplit(quoted, "\n", 40);
  for (guint i = 0; lines[i]; i++) {
    const char *l = lines[i];
    while (*l == ' ' || *l == '*' || *l == '>')
      l++;
    gsize key =
      g_ascii_strncasecmp(l, "from", 4) == 0 ? 4
      : g_str_has_prefix(l, "发件人") || g_str_has_prefix(l, "寄件者") || g_str_has_prefix(l, "發件人")
        ? strlen("发件人")
        : 0;
    if (!key)
      continue;
    const char *v = l + key;
    while (*v == ' ')
      v++;
    if (*v != ':')
      continue;
    const char *at = strchr(v, '@');
    if (at) {
      const char *b = at, *e = at;
      while (b > v && (g_ascii_isalnum(b[-1]) || strchr("._%+-", b[-1])))
        b--;
      while (e[1] && (g_ascii_isalnum(e[1]) || strchr(".-", e[1])))
        e++;
      if (b < at && e > at)
        *addr = g_ascii_strdown(b, e - b + 1);
    }
    /* the display name: before "<addr>" or "[mailto:", without quotes; the whole value without an address */
    g_autofree char *dn = g_strdup(v + 1);
    char *cut = strstr(dn, "<");
    if (!cut)
      cut = strstr(dn, "[mailto:");
    if (cut)
      *cut = '\0';
    else if (at)
      *dn = '\0'; /* a bare address */
    g_strdelimit(dn, "\"'\t;", ' ');
    GString *n = g_string_new(g_strstrip(dn));
    for (const char *q = "\u201C\u201D\u300C\u300D"; *q; q = g_utf8_next_char(q)) {
      char buf[8] = { 0 };
      g_unichar_to_utf8(g_utf8_get_char(q), buf);
      g_string_replace(n, buf, "", 0);
    }
    g_strstrip(n->str);
    *name = n->str[0] ? g_string_free(n, FALSE) : (g_string_free(n, TRUE), NULL);
    return;
  }
}

void
parser_extract_fields(const ParserConfig *c, const ParserLimits *limits, ParserRequest *r,
                      const char *subject, const ParserTextSplit *split, const ParserMimeResult *mr)
{
  ParserTextSplit fwd_split = { 0 };
  gboolean forwarded = split->forwarded || r->forwarded;
  /* A thread sent on to us by reply-all ("现场对接请找刘强" above the colleague's report): the writer
   * names no SN, the quoted mails do, and none is ours (no order named) — the quoted report is read
   * like a forwarded one, the end customer's fields with it. */
  if (!forwarded && split->quoted && !r->followup_of && !r->ignored_reason) {
    g_autoptr(GPtrArray) own = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) quoted = g_ptr_array_new_with_free_func(g_free);
    parser_sn_find(c, split->own_full ? split->own_full : "", own);
    /* not "这台又出问题了，这次是电源告警" above the writer's own earlier report: his new fault */
    if (own->len == 0 && !(split->own && parser_has_fault_words(c, split->own))) {
      parser_sn_find(c, split->quoted, quoted);
      g_autofree char *quoted_from = NULL, *quoted_name = NULL;
      forwarded_sender(split->quoted, &quoted_from, &quoted_name);
      forwarded = quoted->len > 0 && quoted_thread(split->quoted) &&
                  !(quoted_from && r->from_addr && g_ascii_strcasecmp(quoted_from, r->from_addr) == 0);
    }
  }
  if (forwarded && split->quoted)
    forwarded_split(c, split->quoted, &fwd_split);
  /* A forward of a forward or of a thread (customer → reseller → sales rep → us): while a level's
   * own words name no SN and the mail it forwards or quotes names one, that mail is the forwarded
   * one — the customer's words are the innermost. */
  g_autofree char *fwd_quoted = forwarded && split->quoted ? g_strdup(split->quoted) : NULL;
  for (guint depth = 0; fwd_quoted && fwd_split.quoted && depth < PARSER_FORWARD_DEPTH; depth++) {
    g_autoptr(GPtrArray) own = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) inner = g_ptr_array_new_with_free_func(g_free);
    parser_sn_find(c, fwd_split.own ? fwd_split.own : "", own);
    parser_sn_find(c, fwd_split.quoted, inner);
    if (own->len || !inner->len)
      break;
    g_free(fwd_quoted);
    fwd_quoted = g_strdup(fwd_split.quoted);
    parser_text_split_clear(&fwd_split);
    forwarded_split(c, fwd_quoted, &fwd_split);
  }
  /* The forwarded mail's sender: the end customer, unless it is us (our acknowledgement forwarded
   * back), a bounce or no-reply notice (nobody to answer), or the forwarder himself. */
  g_autofree char *origin = NULL, *origin_name = NULL;
  if (fwd_quoted)
    forwarded_sender(fwd_quoted, &origin, &origin_name);
  gboolean foreign = !origin || !r->from_addr || strcmp(origin, r->from_addr) != 0, ours = FALSE;
  for (guint i = 0; origin && c->own_addresses && c->own_addresses[i]; i++)
    if (strcmp(origin, c->own_addresses[i]) == 0) {
      g_clear_pointer(&origin, g_free);
      foreign = FALSE;
      ours = TRUE;
    }
  gboolean nobody = FALSE;
  if (origin && parser_address_unreplyable(c, origin)) {
    g_clear_pointer(&origin, g_free);
    foreign = FALSE;
    nobody = TRUE;
  }

  /* a one-row table pasted from a spreadsheet reads as a form */
  g_autofree char *own_unfolded = parser_table_unfold(c, split->own);
  g_autofree char *fwd_unfolded = parser_table_unfold(c, fwd_split.own);
  ParserSources s = { .main = own_unfolded ? own_unfolded : split->own,
                      .fwd = fwd_unfolded ? fwd_unfolded : fwd_split.own,
                      .fwd_ours = ours,
                      .fwd_nobody = nobody,
                      .fwd_sig = fwd_split.signature,
                      .sig = split->signature,
                      .subject = subject,
                      .quoted = forwarded ? NULL : split->quoted,
                      .fwd_name = foreign ? origin_name : NULL,
                      .raw = g_ptr_array_new_with_free_func(g_free) };
  /* The order matters: each field's values are kept in s.raw, so the symptoms come last. */
  parser_extract_sn_model(c, &s, r);
  parser_extract_phone(c, &s, r);
  parser_extract_contact(c, &s, r);
  parser_extract_phone_of_contact(c, &s, r);
  parser_extract_chat(c, &s, r);
  parser_extract_pair(c, &s, r);
  parser_extract_address(c, &s, r);
  parser_extract_place(c, &s, r);
  parser_extract_symptoms(c, &s, r);
  /* What is attached counts when the text names no SN (or lists machines in a CSV/XLSX), and for
   * the description when the text gives none ("SN：RCS… 故障见附件"). */
  gsize max = limits->max_text ? limits->max_text : PARSER_DEFAULT_MAX_TEXT;
  g_autofree char *tables = mr->atts && mr->atts->len ? parser_attachments_text(mr, TRUE, max) : NULL;
  s.att_text = tables;
  if ((r->sn_candidates->len == 0 || !r->symptoms) && !r->ignored_reason && r->attachments->len) {
    g_autofree char *all = parser_attachments_text(mr, FALSE, max);
    if (all)
      parser_fill_from_attachment_text(c, r, all, r->sn_candidates->len > 0);
    if (!r->sn)
      parser_fill_from_attachment_names(c, r);
    if (r->sn_candidates->len == 0)
      parser_read_photos(r, mr, limits, TRUE);
  }
  parser_extract_machines(c, &s, r);
  /* 50 SNs of twenty customers from a stranger, or a 10,000-row sheet: not an order each — one order
   * for a person to split (the machines' SNs stay among the candidates) */
  guint max_machines = limits->max_machines ? limits->max_machines : 20;
  if (r->machines->len > max_machines) {
    r->machines_reported = r->machines->len;
    g_ptr_array_set_size(r->machines, 1);
    g_ptr_array_add(
      r->warnings,
      g_strdup_printf("the mail reports %u machines, more than [limits] max_machines (%u): one order "
                      "for review, to be split by hand",
                      r->machines_reported, max_machines));
  }

  g_autofree char *lang_text =
    g_strconcat(split->own_full ? split->own_full : "", "\n", subject ? subject : "", NULL);
  r->language = g_strdup(language_of(lang_text));
  r->body_text = g_strdup(split->own);
  r->quoted_text = g_strdup(split->quoted);
  r->forwarded = forwarded;
  /* The forwarder (a sales rep, a reseller) is CC'd on the acknowledgement; the end customer's
   * address is the forwarded mail's sender. */
  if (origin && r->from_addr && strcmp(origin, r->from_addr) != 0) {
    r->forwarded_by = g_strdup(r->from_addr);
    r->forwarded_from = g_steal_pointer(&origin);
    r->forward_vouched = parser_forwarder_vouches(c, r->forwarded_by, r->forwarded_from);
  }

  g_ptr_array_unref(s.raw);
  parser_text_split_clear(&fwd_split);
}
