/* charset.c: bytes in a declared, misdeclared or undeclared charset to UTF-8, counting what did not decode. */
#include "parser-private.h"

#include <errno.h>
#include <string.h>

/* Labels of the GB family. Mail clients label GBK and GB18030 text "gb2312" all the time; GB18030
 * is a superset of all of them, so decoding with it never loses a character the label allowed. */
static const char *const gb_labels[] = { "gb2312",          "gbk",     "cp936",    "x-gbk",     "gb_2312-80",
                                         "gb_2312",         "euc-cn",  "x-euc-cn", "ms936",     "windows-936",
                                         "csgb2312",        "gb18030", "chinese",  "iso-ir-58", "cn-gb",
                                         "csiso58gb231280", "x-cp936", "936",      NULL };
/* Big5 as sent by Windows (CP950) and Hong Kong (HKSCS); BIG5-HKSCS covers both for mail text. */
static const char *const big5_labels[] = { "big5",      "big-5", "cn-big5",     "x-x-big5",
                                           "csbig5",    "cp950", "big5-hkscs",  "x-big5",
                                           "big5hkscs", "ms950", "windows-950", NULL };
static const char *const utf8_labels[] = {
  "utf-8", "utf8", "unicode-1-1-utf-8", "x-unicode20utf8", "unicode-2-0-utf-8", NULL
};
static const char *const ascii_labels[] = {
  "us-ascii",  "ascii",        "ansi_x3.4-1968", "iso646-us", "us", "default",
  "x-unknown", "unknown-8bit", "x-user-defined", "unknown",   NULL
};

static gboolean
in_list(const char *const *list, const char *s)
{
  for (; *list; list++)
    if (g_ascii_strcasecmp(*list, s) == 0)
      return TRUE;
  return FALSE;
}

/* The label trimmed of quotes, blanks and an RFC 2231 language suffix ("utf-8*en"). */
static char *
clean_label(const char *label)
{
  while (*label == ' ' || *label == '"' || *label == '\'' || *label == '\t')
    label++;
  gsize n = strcspn(label, " \t\"'*;");
  return g_strndup(label, n);
}

/* Returns the charset to hand to iconv: a static name for the families we remap, "UTF-8" for
 * ASCII and UTF-8 labels, NULL when the label is empty or names no charset iconv knows. */
const char *
parser_charset_canonical(const char *label)
{
  if (!label)
    return NULL;
  g_autofree char *l = clean_label(label);
  if (!*l)
    return NULL;
  if (in_list(gb_labels, l))
    return "GB18030";
  if (in_list(big5_labels, l))
    return "BIG5-HKSCS";
  if (in_list(utf8_labels, l) || in_list(ascii_labels, l))
    return "UTF-8";
  /* Latin-1 labels are decoded as labelled: Python's email (our reference for foreign corpora)
   * does the same and the mailbox sees little Western text. */
  static const struct {
    const char *label, *name;
  } known[] = {
    { "iso-8859-1", "ISO-8859-1" },
    { "latin1", "ISO-8859-1" },
    { "iso8859-1", "ISO-8859-1" },
    { "iso-8859-15", "ISO-8859-15" },
    { "windows-1252", "WINDOWS-1252" },
    { "cp1252", "WINDOWS-1252" },
    { "shift_jis", "SHIFT_JIS" },
    { "iso-2022-jp", "ISO-2022-JP" },
    { "euc-jp", "EUC-JP" },
    { "euc-kr", "EUC-KR" },
    { "ks_c_5601-1987", "CP949" },
    { "koi8-r", "KOI8-R" },
    { "utf-16", "UTF-16" },
    { "utf-16le", "UTF-16LE" },
    { "utf-16be", "UTF-16BE" },
    { "utf-7", "UTF-7" },
    { "hz-gb-2312", "HZ-GB-2312" }, /* not iconv's: hz_to_euc */
    { "hz-gb2312", "HZ-GB-2312" },
    { "hz", "HZ-GB-2312" },
    { "iso-2022-cn", "ISO-2022-CN" },
    { "iso-2022-cn-ext", "ISO-2022-CN-EXT" },
    { "iso-8859-2", "ISO-8859-2" },
    { "windows-1251", "WINDOWS-1251" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS(known); i++)
    if (g_ascii_strcasecmp(known[i].label, l) == 0)
      return known[i].name;
  return NULL;
}

/* Appends U+FFFD and counts it. */
static void
add_replacement(GString *out, guint *count)
{
  g_string_append(out, "\xEF\xBF\xBD");
  (*count)++;
}

/* Copies valid UTF-8 and replaces each undecodable byte with U+FFFD; NUL becomes a space so the
 * text stays a C string. Returns the number of replacements. */
static guint
utf8_repair(const char *data, gsize len, GString *out)
{
  guint count = 0;
  const char *p = data, *end = data + len;
  while (p < end) {
    const char *run = p;
    while (p < end && (guchar)*p < 0x80 && *p != '\0')
      p++;
    if (p > run)
      g_string_append_len(out, run, p - run);
    if (p >= end)
      break;
    if (*p == '\0') {
      g_string_append_c(out, ' ');
      p++;
      continue;
    }
    gunichar c = g_utf8_get_char_validated(p, end - p);
    if (c == (gunichar)-1 || c == (gunichar)-2) {
      add_replacement(out, &count);
      p++;
      continue;
    }
    int n = g_unichar_to_utf8(c, NULL);
    g_string_append_len(out, p, n);
    p += n;
  }
  return count;
}

/* utf8_repair for text already known to be valid UTF-8 (all_ascii or utf8_valid): nothing to
 * replace, only NUL becomes a space; one copy instead of a second validation. */
static void
utf8_copy(const char *data, gsize len, GString *out)
{
  gsize start = out->len;
  g_string_append_len(out, data, len);
  char *p = out->str + start, *end = out->str + out->len;
  while ((p = memchr(p, '\0', end - p)))
    *p++ = ' ';
}

/* Converters kept open per thread, by charset: opening one loads glibc's module for the charset
 * and closing the last one unloads it — a dlopen and dlclose per mail were ~4 % of a poll's own
 * CPU (perf). Bounded: a mail names any charset it likes. */
#define CONVERTERS_MAX 16

static void
converter_close(gpointer cd)
{
  if ((GIConv)cd != (GIConv)-1) /* a pin of a charset iconv does not know */
    g_iconv_close((GIConv)cd);
}

static void
converters_free(gpointer table)
{
  g_hash_table_unref(table);
}

static GPrivate converters = G_PRIVATE_INIT(converters_free);

/* A converter from charset to UTF-8 in its initial state, or (GIConv)-1; *owned: the caller closes
 * it (the cache was full). */
static GIConv
converter_get(const char *charset, gboolean *owned)
{
  GHashTable *t = g_private_get(&converters);
  if (!t) {
    t = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, converter_close);
    g_private_set(&converters, t);
  }
  g_autofree char *key = g_ascii_strdown(charset, -1);
  *owned = FALSE;
  GIConv cd = g_hash_table_lookup(t, key);
  if (cd) {
    g_iconv(cd, NULL, NULL, NULL, NULL); /* back to the initial shift state */
    return cd;
  }
  cd = g_iconv_open("UTF-8", charset);
  if (cd == (GIConv)-1)
    return cd;
  if (g_hash_table_size(t) < CONVERTERS_MAX)
    g_hash_table_insert(t, g_steal_pointer(&key), cd);
  else
    *owned = TRUE;
  return cd;
}

/* GMime decodes encoded words in headers itself, with a converter for the charset as labelled (GBK),
 * which glibc loads as a module of its own when it is not the one we decode with (GB18030). Closed
 * after each mail, that module was loaded and unloaded again and again: 46 dlopens per 1,000 mails,
 * ~4 % of a poll's own CPU (perf). A converter for the label's own charset is kept open beside ours
 * (a pin: never used), so the module stays loaded. */
static void
converter_pin(const char *label, const char *canonical)
{
  const char *name = g_mime_charset_iconv_name(label);
  if (!name || g_ascii_strcasecmp(name, canonical) == 0)
    return;
  GHashTable *t = g_private_get(&converters);
  if (!t || g_hash_table_size(t) >= CONVERTERS_MAX)
    return; /* converter_get made the table; a full one pins nothing more */
  char *key = g_strconcat("pin:", name, NULL);
  if (g_hash_table_contains(t, key)) {
    g_free(key);
    return;
  }
  /* unknown to iconv: remembered as such, not tried again with every mail */
  g_hash_table_insert(t, key, (gpointer)g_iconv_open("UTF-8", name));
}

/* Converts with iconv, replacing what does not convert. Returns FALSE when iconv does not know
 * the charset (nothing is appended then). */
static gboolean
iconv_decode(const char *charset, const char *data, gsize len, GString *out, guint *count)
{
  gboolean owned = FALSE;
  GIConv cd = converter_get(charset, &owned);
  if (cd == (GIConv)-1)
    return FALSE;
  *count = 0;
  char buf[8192];
  char *in = (char *)data;
  gsize inleft = len;
  while (inleft > 0) {
    char *o = buf;
    gsize oleft = sizeof buf;
    gsize r = g_iconv(cd, &in, &inleft, &o, &oleft);
    g_string_append_len(out, buf, o - buf);
    if (r == (gsize)-1) {
      if (errno == E2BIG)
        continue;
      /* EILSEQ or EINVAL (truncated sequence at the end): one byte becomes U+FFFD. */
      add_replacement(out, count);
      in++;
      inleft--;
      g_iconv(cd, NULL, NULL, NULL, NULL);
    }
  }
  /* Flush a stateful encoder's shift state. */
  char *o = buf;
  gsize oleft = sizeof buf;
  g_iconv(cd, NULL, NULL, &o, &oleft);
  g_string_append_len(out, buf, o - buf);
  if (owned)
    g_iconv_close(cd);
  /* iconv may pass NUL through; keep the text a C string. */
  for (gsize i = 0; i < out->len; i++)
    if (out->str[i] == '\0')
      out->str[i] = ' ';
  return TRUE;
}

/* g_utf8_validate refuses NUL bytes; mail text sometimes has them and is still UTF-8. */
static gboolean
utf8_valid(const char *data, gsize len)
{
  const char *p = data, *end = data + len;
  while (p < end) {
    const char *nul = memchr(p, '\0', end - p);
    const char *stop = nul ? nul : end;
    if (!g_utf8_validate(p, stop - p, NULL))
      return FALSE;
    p = nul ? nul + 1 : end;
  }
  return TRUE;
}

static gboolean
all_ascii(const char *data, gsize len)
{
  for (gsize i = 0; i < len; i++)
    if ((guchar)data[i] >= 0x80)
      return FALSE;
  return TRUE;
}

/* The double-byte pairs of data as GB18030 would read them (a four-byte form counts as one): how
 * many, how many have a trail byte in 0x40–0x7E, how many lie in the GB2312 core (both bytes 0xA1
 * and up). */
static void
byte_pairs(const char *data, gsize len, guint *pairs, guint *low_trail, guint *core)
{
  *pairs = *low_trail = *core = 0;
  for (gsize i = 0; i + 1 < len; i++) {
    guchar c = data[i];
    if (c < 0x81)
      continue;
    guchar t = data[i + 1];
    (*pairs)++;
    if (t >= 0x30 && t <= 0x39) { /* GB18030 four-byte form */
      i += 3;
      continue;
    }
    *low_trail += t >= 0x40 && t <= 0x7E;
    *core += c >= 0xA1 && t >= 0xA1;
    i++;
  }
}

/* Big5 text also decodes as GB18030 without an error, so validity cannot tell them apart. What
 * can: Big5 puts ~40 % of its trail bytes in 0x40–0x7E, which in GB18030 are the rare GBK
 * extension characters; real GB text has almost none (and no four-byte form). */
static gboolean
looks_like_big5(const char *data, gsize len)
{
  guint pairs, low_trail, core;
  byte_pairs(data, len, &pairs, &low_trail, &core);
  return pairs >= 2 && low_trail * 5 > pairs;
}

/* GB text read byte pair by byte pair: nearly every pair is in the GB2312 core, where Western text
 * in a single-byte charset puts a letter or a blank after its accented one ("été", "Grüße"). */
static gboolean
looks_like_gb(const char *data, gsize len)
{
  guint pairs, low_trail, core;
  byte_pairs(data, len, &pairs, &low_trail, &core);
  return pairs >= 2 && core * 5 >= pairs * 4;
}

/* Labels of single-byte Western charsets that old Chinese clients (Outlook Express, Foxmail 6) put on
 * GBK or UTF-8 text: the bytes are checked before they are believed. */
static gboolean
western_single_byte(const char *cs)
{
  return g_str_has_prefix(cs, "ISO-8859-") || g_str_has_prefix(cs, "WINDOWS-125") ||
         strcmp(cs, "KOI8-R") == 0;
}

/* The result of a guess: text (taken) as decoded from charset, with bad replacements. */
static ParserDecoded
guessed_as(GString *text, const char *charset, guint bad)
{
  return (ParserDecoded){
    .text = g_string_free(text, FALSE), .charset_used = charset, .guessed = TRUE, .replacements = bad
  };
}

/* A UTF-8 text with a line pasted from a GBK program (a log line, a form field): mostly lines of
 * valid UTF-8 with multi-byte characters, some not. Decoded line by line — UTF-8 where it is valid,
 * GB18030 where that reads without error, else UTF-8 with replacements — into out; FALSE (out
 * untouched) when the text is not such a mixture. */
static gboolean
mixed_lines(const char *data, gsize len, GString *out, guint *bad)
{
  guint utf8_lines = 0, other_lines = 0;
  for (const char *p = data, *end = data + len; p < end;) {
    const char *nl = memchr(p, '\n', (gsize)(end - p));
    gsize n = nl ? (gsize)(nl - p) : (gsize)(end - p);
    if (!all_ascii(p, n))
      utf8_valid(p, n) ? utf8_lines++ : other_lines++;
    p += n + (nl ? 1 : 0);
  }
  if (utf8_lines < 2 || other_lines == 0 || utf8_lines < other_lines)
    return FALSE;
  *bad = 0;
  for (const char *p = data, *end = data + len; p < end;) {
    const char *nl = memchr(p, '\n', (gsize)(end - p));
    gsize n = nl ? (gsize)(nl - p) : (gsize)(end - p);
    if (all_ascii(p, n) || utf8_valid(p, n)) {
      utf8_copy(p, n, out);
    } else {
      GString *line = g_string_sized_new(n + 8);
      guint line_bad = 0;
      if (iconv_decode("GB18030", p, n, line, &line_bad) && line_bad == 0 && looks_like_gb(p, n))
        g_string_append_len(out, line->str, (gssize)line->len);
      else
        *bad += utf8_repair(p, n, out);
      g_string_free(line, TRUE);
    }
    if (nl)
      g_string_append_c(out, '\n');
    p += n + (nl ? 1 : 0);
  }
  return TRUE;
}

static ParserDecoded
guess(const char *data, gsize len)
{
  GString *out = g_string_sized_new(len + 16);
  if (all_ascii(data, len) || utf8_valid(data, len)) {
    utf8_copy(data, len, out);
    return guessed_as(out, "UTF-8", 0);
  }
  guint mixed_bad = 0;
  if (mixed_lines(data, len, out, &mixed_bad))
    return guessed_as(out, "UTF-8", mixed_bad);
  guint gb_bad = 0;
  iconv_decode("GB18030", data, len, out, &gb_bad);
  if (gb_bad == 0 && !looks_like_big5(data, len))
    return guessed_as(out, "GB18030", 0);
  GString *big5 = g_string_sized_new(len + 16);
  guint big5_bad = 0;
  iconv_decode("BIG5-HKSCS", data, len, big5, &big5_bad);
  if (big5_bad < gb_bad || (big5_bad == 0 && gb_bad == 0)) {
    g_string_free(out, TRUE);
    return guessed_as(big5, "Big5", big5_bad);
  }
  g_string_free(big5, TRUE);
  /* Neither fits: UTF-8 with replacements shows the damage most honestly when few bytes are
   * bad, GB18030 when the text is mostly GB. */
  GString *u = g_string_sized_new(len + 16);
  guint u_bad = utf8_repair(data, len, u);
  if (u_bad <= gb_bad) {
    g_string_free(out, TRUE);
    return guessed_as(u, "UTF-8", u_bad);
  }
  g_string_free(u, TRUE);
  return guessed_as(out, "GB18030", gb_bad);
}

/* Characters that make up most Chinese text, simplified and traditional (and the vendor's words:
 * 服务器, 硬盘, 告警 …): text decoded with the wrong one of GBK and Big5 has few of them. */
static const char common_han[] =
  "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方"
  "后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开"
  "它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此"
  "变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老"
  "头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门"
  "即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花"
  "带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段"
  "研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近千周委素技备半办青省列习响约支般史感劳便"
  "团往历市克何除消构府称太准精值号率族维划选标写存候毛亲快效院查型按格养易置派层片始却专状育厂京识适属包火住"
  "调满县局照参红细引听该价严服务硬盘内存源扇网卡板显故障告警错宕启统房址系码序维修换坏掉灯黄损客户请尽排谢您"
  "這為個國們時來發動過說產種後學經進著處現實兩體機當點從業應開還關樣與間線數麼質氣變條沒結問無軍題黨總設長頭"
  "資邊級圖統較將組見計別運農幾區強決幹戰則據隊給門規熱領導壓爭濟階術極聯認權證轉單風帶場車務萬達積議聲報鬥類"
  "離華確張馬節話況溫傳許廣記觀織裝眾書復兒須際驗連斷難週備辦習響約劃選標寫親廠識適屬調滿縣參紅細聽該價嚴碟憶"
  "錯當啟統網顯紅燈黃損戶請儘謝伺";

/* The share (0..1) of Han characters of text that are common ones; *han: how many Han there are. */
static double
common_share(const char *text, guint *han)
{
  static guint8 *bits; /* U+4E00..U+9FFF */
  if (g_once_init_enter(&bits)) {
    guint8 *b = g_new0(guint8, (0xA000 - 0x4E00) / 8);
    for (const char *p = common_han; *p; p = g_utf8_next_char(p)) {
      gunichar ch = g_utf8_get_char(p);
      if (ch >= 0x4E00 && ch < 0xA000)
        b[(ch - 0x4E00) / 8] |= (guint8)(1u << ((ch - 0x4E00) % 8));
    }
    g_once_init_leave(&bits, b);
  }
  guint n = 0, common = 0;
  for (const char *p = text; *p; p = g_utf8_next_char(p)) {
    gunichar ch = g_utf8_get_char(p);
    if (ch < 0x4E00 || ch >= 0xA000)
      continue;
    n++;
    common += (bits[(ch - 0x4E00) / 8] >> ((ch - 0x4E00) % 8)) & 1;
  }
  *han = n;
  return n ? (double)common / n : 1.0;
}

/* Text decoded as its label's GBK that reads as noise, from bytes that are Big5 text (or the other way
 * round): the other decoding, guessed, when it reads clearly better (blind round 14b: Big5 labelled GBK
 * was stored and quoted as "и瞏玭诀┬"). NULL otherwise. */
static GString *
other_family(const char *cs, const char *data, gsize len, const GString *decoded, guint *bad,
             const char **used)
{
  guint han = 0;
  double share = common_share(decoded->str, &han);
  if (han < 8 || share >= 0.3)
    return NULL;
  const char *other = strcmp(cs, "GB18030") == 0 ? "BIG5-HKSCS" : "GB18030";
  GString *alt = g_string_sized_new(len + 16);
  guint alt_bad = 0, alt_han = 0;
  if (!iconv_decode(other, data, len, alt, &alt_bad) || alt_bad > 0 ||
      common_share(alt->str, &alt_han) < MAX(0.3, 2 * share)) {
    g_string_free(alt, TRUE);
    return NULL;
  }
  *bad = alt_bad;
  *used = strcmp(other, "GB18030") == 0 ? "GB18030" : "Big5";
  return alt;
}

/* HZ (RFC 1843: 7-bit GB2312 between "~{" and "~}", "~~" a tilde, "~" + newline nothing) as the
 * EUC-CN bytes GB18030 reads; glibc's iconv has no HZ (blind round 14: a mail in it was read as
 * "~{Dc:C#,~}" and lost its contact and place). */
static GByteArray *
hz_to_euc(const char *data, gsize len)
{
  GByteArray *out = g_byte_array_sized_new((guint)len);
  gboolean gb = FALSE;
  for (gsize i = 0; i < len; i++) {
    guchar c = (guchar)data[i];
    if (c == '~' && i + 2 < len && data[i + 1] == '\r' && data[i + 2] == '\n') {
      i += 2; /* a soft line break, as sent (CRLF) */
      continue;
    }
    if (c == '~' && i + 1 < len) {
      char n = data[i + 1];
      if (n == '{' || n == '}' || n == '~' || n == '\n') {
        gb = n == '{' ? TRUE : n == '}' ? FALSE : gb;
        if (n == '~')
          g_byte_array_append(out, &c, 1);
        i++;
        continue;
      }
    }
    if (gb && c >= 0x21 && c <= 0x7E && i + 1 < len && (guchar)data[i + 1] >= 0x21 &&
        (guchar)data[i + 1] <= 0x7E) {
      guchar pair[2] = { (guchar)(c | 0x80), (guchar)(data[i + 1] | 0x80) };
      g_byte_array_append(out, pair, 2);
      i++;
      continue;
    }
    if (c == '\n' || c == '\r')
      gb = FALSE; /* a line ends in ASCII mode */
    g_byte_array_append(out, &c, 1);
  }
  return out;
}

ParserDecoded
parser_charset_decode(const char *declared, const char *data, gsize len)
{
  if (!data)
    data = ""; /* an empty GByteArray has no data pointer */
  const char *cs = parser_charset_canonical(declared);
  if (!cs)
    return guess(data, len);
  /* "iso-8859-1" on GBK or UTF-8 bytes: every byte decodes, as mojibake. Valid UTF-8 with multi-byte
   * characters, or byte pairs that are GB text, are taken for what they are (guessed, so ops see it). */
  if (western_single_byte(cs) && !all_ascii(data, len) &&
      (utf8_valid(data, len) || looks_like_gb(data, len))) {
    ParserDecoded g = guess(data, len);
    if (g.replacements == 0 &&
        (g_str_equal(g.charset_used, "UTF-8") || g_str_equal(g.charset_used, "GB18030")))
      return g;
    g_free(g.text);
  }
  if (strcmp(cs, "HZ-GB-2312") == 0) {
    g_autoptr(GByteArray) euc = hz_to_euc(data, len);
    ParserDecoded d = { .charset_used = "HZ-GB-2312" };
    GString *out = g_string_sized_new(euc->len + 16);
    if (!iconv_decode("GB18030", (const char *)euc->data, euc->len, out, &d.replacements)) {
      g_string_free(out, TRUE);
      return guess(data, len);
    }
    d.text = g_string_free(out, FALSE);
    return d;
  }
  ParserDecoded d = { 0 };
  /* Reported under the name ops know; decoded with the HKSCS superset. */
  d.charset_used = strcmp(cs, "BIG5-HKSCS") == 0 ? "Big5" : cs;
  GString *out = g_string_sized_new(len + 16);
  if (strcmp(cs, "UTF-8") == 0) {
    if (!all_ascii(data, len) && !utf8_valid(data, len)) {
      /* Declared UTF-8 or ASCII but it is not: a misdeclaration, guess instead and say so. */
      g_string_free(out, TRUE);
      return guess(data, len);
    }
    utf8_copy(data, len, out);
  } else if (!iconv_decode(cs, data, len, out, &d.replacements)) {
    g_string_free(out, TRUE);
    return guess(data, len);
  } else if (d.replacements > 0 && strcmp(cs, "BIG5-HKSCS") == 0) {
    /* CP950 has a few Microsoft additions HKSCS lacks; keep whichever decodes more. */
    GString *alt = g_string_sized_new(len + 16);
    guint alt_bad = 0;
    if (iconv_decode("CP950", data, len, alt, &alt_bad) && alt_bad < d.replacements) {
      g_string_free(out, TRUE);
      out = alt;
      d.replacements = alt_bad;
      d.charset_used = "CP950";
    } else {
      g_string_free(alt, TRUE);
    }
  }
  /* read as noise, and the other family reads clearly (Big5 labelled GBK, GBK labelled Big5 — which
   * also leaves a few undecodable pairs) */
  if ((strcmp(cs, "GB18030") == 0 || strcmp(cs, "BIG5-HKSCS") == 0) && !all_ascii(data, len)) {
    GString *alt = other_family(cs, data, len, out, &d.replacements, &d.charset_used);
    if (alt) {
      g_string_free(out, TRUE);
      out = alt;
      d.guessed = TRUE;
    }
  }
  if (strcmp(cs, "UTF-8") != 0) {
    g_autofree char *label = clean_label(declared);
    converter_pin(label, cs);
  }
  d.text = g_string_free(out, FALSE);
  return d;
}

/* One RFC 2047 encoded word at p: fills charset label and decoded bytes, returns its length or 0. */
static gsize
encoded_word(const char *p, char **label, GByteArray *bytes)
{
  if (p[0] != '=' || p[1] != '?')
    return 0;
  const char *cs = p + 2;
  const char *q1 = strchr(cs, '?');
  if (!q1 || q1 == cs || q1 - cs > 64 || memchr(cs, ' ', q1 - cs))
    return 0;
  char enc = q1[1];
  if (!(enc == 'B' || enc == 'b' || enc == 'Q' || enc == 'q') || q1[2] != '?')
    return 0;
  const char *text = q1 + 3;
  const char *end = strstr(text, "?=");
  if (!end)
    return 0;
  for (const char *t = text; t < end; t++)
    if (*t == ' ' || *t == '\t' || *t == '\r' || *t == '\n')
      return 0;
  gsize cl = strcspn(cs, "*?");
  *label = g_strndup(cs, cl);
  if (enc == 'B' || enc == 'b') {
    g_autofree char *b64 = g_strndup(text, end - text);
    gsize n = 0;
    /* Lenient: stop at the first padding, ignore junk, like mail clients do. */
    gint state = 0;
    guint save = 0;
    guchar *out = g_malloc(strlen(b64) * 3 / 4 + 4);
    n = g_base64_decode_step(b64, strlen(b64), out, &state, &save);
    g_byte_array_append(bytes, out, n);
    g_free(out);
  } else {
    for (const char *t = text; t < end; t++) {
      guint8 b = (guint8)*t;
      if (*t == '_') {
        b = ' ';
      } else if (*t == '=' && t + 2 < end && g_ascii_isxdigit(t[1]) && g_ascii_isxdigit(t[2])) {
        b = (guint8)(g_ascii_xdigit_value(t[1]) * 16 + g_ascii_xdigit_value(t[2]));
        t += 2;
      }
      g_byte_array_append(bytes, &b, 1);
    }
  }
  return (end + 2) - p;
}

/* Rewrites every run of adjacent encoded words (only blanks between them) as one UTF-8 word.
 * Why: clients split multibyte characters across words, label GBK text "gb2312", and GMime
 * 3.2 decodes two adjacent base64 words wrongly when the first one ends in '=' padding; one
 * word of valid UTF-8 is decoded right by every GMime decoder (subject, addresses, filenames). */
char *
parser_charset_fix_rfc2047(const char *raw)
{
  GString *out = g_string_sized_new(strlen(raw) + 16);
  const char *p = raw;
  while (*p) {
    const char *ew = strstr(p, "=?");
    if (!ew) {
      g_string_append(out, p);
      break;
    }
    g_string_append_len(out, p, ew - p);
    GString *utf8 = g_string_new(NULL);
    g_autofree char *run_label = NULL;
    g_autoptr(GByteArray) run = g_byte_array_new();
    const char *q = ew;
    gsize n;
    char *label = NULL;
    g_autoptr(GByteArray) bytes = g_byte_array_new();
    gboolean any = FALSE;
    const char *after = ew;
    while ((n = encoded_word(q, &label, bytes)) > 0) {
      any = TRUE;
      if (run_label && g_ascii_strcasecmp(run_label, label) != 0) {
        ParserDecoded d = parser_charset_decode(run_label, (const char *)run->data, run->len);
        g_string_append(utf8, d.text);
        g_free(d.text);
        g_byte_array_set_size(run, 0);
        g_clear_pointer(&run_label, g_free);
      }
      if (!run_label)
        run_label = g_strdup(label);
      g_clear_pointer(&label, g_free);
      g_byte_array_append(run, bytes->data, bytes->len);
      g_byte_array_set_size(bytes, 0);
      q += n;
      after = q;
      /* Blanks between two encoded words are not text (RFC 2047 §6.2). */
      const char *r = q;
      while (*r == ' ' || *r == '\t' || *r == '\r' || *r == '\n')
        r++;
      if (r[0] == '=' && r[1] == '?')
        q = r;
      else
        break;
    }
    if (!any) {
      g_string_append(out, "=?");
      p = ew + 2;
      g_string_free(utf8, TRUE);
      continue;
    }
    if (run_label) {
      ParserDecoded d = parser_charset_decode(run_label, (const char *)run->data, run->len);
      g_string_append(utf8, d.text);
      g_free(d.text);
    }
    g_autofree char *b64 = g_base64_encode((const guchar *)utf8->str, utf8->len);
    g_string_append_printf(out, "=?UTF-8?B?%s?=", b64);
    g_string_free(utf8, TRUE);
    p = after;
  }
  return g_string_free(out, FALSE);
}
