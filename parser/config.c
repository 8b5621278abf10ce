/* config.c: loads the tunable labels/keywords (data/parser/) and compiles every regex of the parser, once, with PCRE2 JIT. */
#include "parser-private.h"

#include <libxml/parser.h>
#include <string.h>

#ifndef INTAKE_PARSER_DATA_DIR
#define INTAKE_PARSER_DATA_DIR "data/parser"
#endif

/* Every text pattern runs on NFKC-normalised UTF-8 (full-width "ＳＮ：" is "SN:" by then).
 * Placeholders in braces are replaced at load time by an alternation of the labels/keywords of
 * data/parser/labels.ini (escaped, longest first):
 *   {SN} {MODEL} {CONTACT} {PHONE} {ADDRESS} {LOCATION} {SYMPTOMS}  label lists of policy §1
 *   {ALL}        every label above
 *   {SIGNATURE} {DISCLAIMER} {GREETING} {CLOSING}  line starts of text.c's split
 *   {AUTO} {BOUNCE}   subject words of automatic replies and delivery reports
 *   {FAMILY}     model families recognised without a label
 * {SEP} is the separator between a label and its value: ':', '#', '=', '为', '是', blanks, a tab
 * (HTML cells) and at most one line break ("value on the next line").
 * All patterns are compiled with PCRE2_UTF | PCRE2_UCP, so \s, \d and \b are Unicode-aware and
 * \p{Han} is a Chinese character. */
static const struct {
  ParserRe id;
  const char *source;
} patterns[] = {
  /* A labelled SN: the value holds a digit, is 5–40 letters/digits/hyphens. */
  { PARSER_RE_SN_LABELLED,
    "(?i)(?<![A-Z])(?:{SN})(?:号|码)?{SEP}(?-i)(?:(?=[A-Za-z0-9-]*[0-9])([A-Za-z0-9][A-Za-z0-9-]{3,38}[A-Za-"
    "z0-9])"
    "(?![A-Za-z0-9])"
    /* Group 2: the value may go on in blank-separated capitals/digits ("RCS25A 0100011"); group 3:
    * a value that starts with a short group ("RCS 25A 0100011"). extract.c joins the groups when
    * the joined form is SN-shaped. */
    "((?:[ ][A-Z0-9]{2,12}(?![A-Za-z0-9])){0,4})"
    "|(?=[A-Z0-9 ]{0,40}[0-9])([A-Z0-9]{2,4}(?:[ ][A-Z0-9]{2,12}){1,4})(?![A-Za-z0-9]))" },
  /* An SN-shaped token without label: 1–4 letters, 2 digits, 5–16 letters/digits (RCS25A0012345,
   * ZM25BS001234, S411795X5A01234). The classifier confirms it against the registry. A hyphen
   * after it ends it when it is not a longer id's ("RCS…-故障报告.pdf", "RCS…-2号硬盘"; not "RCS…-01").
   * Two SNs joined by '/' or '-' are both SNs ("RCS…45/RCS…46", "RCS…45-RCS…47"), and one before a
   * short tail ("RCS…45/46/47", "RCS…45-47": extract-sn.c reads the shorthand); a path's or a URL's
   * part is none. */
  { PARSER_RE_SN_TOKEN,
    "(?i)(?<![A-Za-z0-9_.@])(?:(?<![/-])|(?<=[0-9][/-]))([A-Z]{1,4}[0-9]{2}[A-Z0-9]{5,16})"
    "(?![A-Za-z0-9_@]|/(?![A-Z]{1,4}[0-9]{2}[A-Z0-9]{5,16}(?![A-Za-z0-9/])|[0-9]{1,4}(?![A-Za-z0-9]))"
    "|-(?![A-Z]{1,4}[0-9]{2}[A-Z0-9]{5,16}(?![A-Za-z0-9])|[0-9]{2,4}(?![A-Za-z0-9-]))[A-Za-z0-9]{2})" },
  /* A labelled model: one word, then words that are short capitals ("G5", "TNR") or hold a digit. */
  { PARSER_RE_MODEL_LABELLED, "(?i)(?<![A-Z])(?:{MODEL}){SEP}(?-i)(?=[A-Za-z0-9_/"
                              "+.-]*[0-9])([A-Za-z0-9](?:[A-Za-z0-9_/+.-]*[A-Za-z0-9+])?"
                              "(?:[ ](?:[A-Z0-9]{1,4}|[A-Za-z0-9+-]*[0-9][A-Za-z0-9+-]*)(?![A-Za-z0-9]))*)" },
  /* A model of a known family without label: "SYS-620U-TNR", "RC-R2290 G5". */
  { PARSER_RE_MODEL_TOKEN,
    "(?i)(?<![A-Za-z0-9_-])((?:{FAMILY})[A-Z0-9][A-Z0-9-]*(?:[ ]G[0-9]{1,2})?)(?![A-Za-z0-9_-])" },
  /* A labelled contact: a Chinese name (with a · part for minority names), or a capitalised
   * Latin name with an optional title. */
  { PARSER_RE_CONTACT_LABELLED, "(?i)(?<![A-Z])(?:{CONTACT}){SEP}(?-i)((?:(?:Mr|Ms|Mrs|Miss|Dr)\\.?[ "
                                "]+)?\\p{Lu}\\p{Ll}+(?:[ -]\\p{Lu}\\p{Ll}+){0,2}"
                                "|\\p{Han}{1,10}(?:[·•・]\\p{Han}{1,10})?)" },
  /* A phone label anywhere in a line: the phone is searched after it. */
  { PARSER_RE_PHONE_LABELLED_LINE, "(?i)(?<![A-Z])(?:{PHONE}|{CONTACT})" },
  /* Area codes: 010 and 02x have three digits, the others four (03xx-09xx): "0912-345-678" is a
   * Taiwanese mobile, not 091-2345678 (blind round 18). */
  /* Any phone: (1) mainland mobile, optional +86, its first three digits perhaps in brackets ("+86 (139)
   * 1620-4455"); (2) landline with area code, optional
   * extension (转/分机/ext/-), the area code also after +86 without its 0; (3) 400/800 service numbers. Letters or digits right before
   * or digits right after disqualify (SNs, order numbers, dates, long ids). */
  { PARSER_RE_PHONE,
    "(?<![A-Za-z0-9_-])(?:(?:\\+?86[ -]?)?((?:1[3-9][0-9]|\\(1[3-9][0-9]\\))(?:[ -]?[0-9]){8})"
    "|(?:\\+86[ -]?(?=[1-9])|\\(?(?=0))(0?(?:10|2[0-9]|[3-9][0-9]{2}))\\)?[ -]?([2-9](?:[ "
    "-]?[0-9]){6,7})(?:[ "
    "]*(?:转|轉|分机|分機|ext\\.?|x|-)[ ]*([0-9]{1,6}))?"
    "|([48]00)[ -]?([0-9]{3})[ -]?([0-9]{4}))(?![0-9])" },
  /* Labelled address: the rest of the line (or the next line). */
  { PARSER_RE_ADDRESS_LABELLED, "(?i)(?<![A-Z])(?:{ADDRESS}){SEP}(?-i)([^\\n]{3,200})" },
  /* Labelled location (机器使用所在位置), at a line start only: "位置" is also an everyday word. */
  { PARSER_RE_LOCATION_LABELLED, "(?im)^[ \\t>*•·-]*(?:[0-9]{1,2}[.、)][ \\t]*)?(?:{LOCATION})[ "
                                 "\\t]*(?:[:#=]|为|是|\\t)[ \\t]*(?:\\n[ \\t]*)?([^\\n]{2,120})" },
  /* Mid-line only with an explicit colon: "… Red LED on PSU 1. Location: 88 Keyuan Rd, …" */
  { PARSER_RE_LOCATION_INLINE, "(?:(?<![A-Za-z])Location|所在位置|位置)[ \\t]*:[ \\t]*([^\\n]{2,120})" },
  /* Labelled symptoms, at a line start, with a separator or alone on the line. */
  /* not "description = …" of pasted monitoring output (blind round 22): a person writes ':' */
  { PARSER_RE_SYMPTOMS_LABELLED, "(?im)^[ \\t>*•·-]*(?:[0-9]{1,2}[.、)][ \\t]*)?(?:{SYMPTOMS})[ "
                                 "\\t]*(?:(?:[:#]|\\t)[ \\t]*(?:\\n[ \\t]*)?|\\n[ \\t]*)([^\\n]+)" },
  /* Any label followed by a separator: ends a multi-line value, cuts "地址：… 联系人：…". */
  { PARSER_RE_ANY_LABEL, "(?i)(?<![A-Z])(?:{ALL})[ \\t]*(?:[:#=]|\\t)" },
  /* A line that is a label: the label then a separator, 是/为, or nothing ("设备地址" alone on its
   * line above its value, as HTML table cells become). Ends a multi-line value. */
  { PARSER_RE_LABEL_LINE, "(?i)^[ \\t>*•·-]*(?:[0-9]{1,2}[.、)][ \\t]*)?(?:{ALL})(?:号|码)?[ "
                          "\\t]*(?:[:#=]|\\t|(?:都|分别)?(?:是|为)|$)" },
  /* Any phone, including foreign ones ("+852 9123 4567"): a field value, not words, in a line. */
  { PARSER_RE_PHONE_OR_INTL,
    "(?<![A-Za-z0-9_-])(?:(?:\\+?86[ -]?)?((?:1[3-9][0-9]|\\(1[3-9][0-9]\\))(?:[ -]?[0-9]){8})"
    "|\\(?(0(?:10|2[0-9]|[3-9][0-9]{2}))\\)?[ -]?([2-9](?:[ -]?[0-9]){6,7})(?:[ "
    "]*(?:转|轉|分机|分機|ext\\.?|x|-)[ "
    "]*([0-9]{1,6}))?"
    "|([48]00)[ -]?([0-9]{3})[ -]?([0-9]{4})"
    "|\\+[0-9]{1,3}[ -]?(?:\\([0-9]{1,4}\\)[ -]?)?[0-9]{1,4}(?:[ -]?[0-9]{2,5}){1,4})(?![0-9])" },
  /* A name right before a phone number (extract.c checks it is plausible): a run of Han, or one
   * to three capitalised Latin words; then an optional phone word ("何军 电话 139…") or a bracket
   * ("李工(139…)"). */
  { PARSER_RE_NAME_BEFORE_PHONE,
    "(?:^|(?<=[^\\p{Han}]))(\\p{Han}{1,24}?|(?<![A-Za-z.])(?:(?:Mr|Ms|Mrs|Miss|Dr)\\.?[ "
    "]+)?[A-Z][a-z]+(?:[ "
    "][A-Z][a-z]+){0,3})"
    "[ "
    "\\t,/"
    "]*(?:(?i:电话|手机号码|手机号|手机|電話|手機|联系电话|联系方式|Tel|Mobile|Phone|Cell|Mob|收|at|on)[ "
    "\\t]*[:.]?[ \\t]*)?[ \\t,/(]*$" },
  /* A name right after a phone number, at the end of the line or of a clause ("… 139… 老王"). */
  { PARSER_RE_NAME_AFTER_PHONE,
    "\\G[ \\t,/—–-]*[(（]?(\\p{Han}{1,4}|[A-Z][a-z]+(?:[ ][A-Z][a-z]+){0,2})[)）]?[ \\t]*(?:[,.;!?。]|$)" },
  /* Any label word, with or without separator. */
  { PARSER_RE_LABEL_WORD, "(?i)(?<![A-Z])(?:{ALL})" },
  /* A signature line: a bare name, a company or department, a switchboard/fax/mail/web line, a
   * date. Only a block of these at the end of the text that holds a name or company counts. */
  { PARSER_RE_SIG_LINE,
    "(?i)^[ \\t]*(?:\\p{Han}{2,4}[ \\t]*$|(?-i)\\p{Lu}\\p{Ll}+(?: \\p{Lu}\\p{Ll}+){0,2}[ \\t]*$(?i)"
    /* a name in both scripts: "陳志明 Chih-Ming Chen", "Kelvin Wong 黃家駿" */
    "|(?-i)\\p{Han}{2,4}[ \\t]+\\p{Lu}\\p{Ll}+(?:[ -]\\p{Lu}\\p{Ll}+){0,2}[ \\t]*$(?i)"
    "|(?-i)\\p{Lu}\\p{Ll}+(?:[ -]\\p{Lu}\\p{Ll}+){0,2}[ \\t]+\\p{Han}{2,4}[ \\t]*$(?i)"
    "|.{0,40}(?:有限公司|有限责任公司|股份公司|集团|研究院|研究所|大学|学院|医院|事业部|信息部|运维部|技术部|"
    "系统部|网络部|IT部|部门|"
    "Co\\.,? ?Ltd|Ltd\\.?|Inc\\.?|GmbH|Corporation|Limited)[^\\n]{0,30}$"
    "|(?:总机|传真|Fax|E-?mail|邮箱|网址|Web|www\\.|Tel|电话|手机|Mobile|Phone|地址|Add(?:ress)?)[ "
    "\\t]*[:：]?.{0,80}$"
    "|.{0,8}(?:热线|Hotline)[ \\t]*[:：]?.{0,40}$" /* 全国服务热线：400-…, 客服热线 400… 转 2 */
    "|[-_=—*~]{5,}[ \\t]*$"                        /* a rule above the footer */
    "|[0-9]{4}年[0-9]{1,2}月[0-9]{1,2}日[ \\t]*$"
    "|[^\\n]{0,60}\\b(?:Institute|University|College|Company|Group|Technolog(?:y|ies)|Systems?|Integration|"
    "Solutions"
    "|Bank|Hospital|Laborator(?:y|ies)|Department|Dept\\.?|Corp\\.?)\\b[^\\n]{0,40}$"
    "|[^\\n]{0,20}(?:部|处|科|中心|室|组|团队)(?:[ \\t]*[|｜/][ \\t]*[^\\n]{0,20}(?:部|处|科|中心|室|组))?[ "
    "\\t]*$)" },
  { PARSER_RE_SIG_OFFICE, "(?i)总机|传真|Fax|E-?mail|邮箱|网址|Web|www\\.|热线|Hotline|[0-9]{4}年" },
  { PARSER_RE_PHONE_LINE_START, "(?i)^[ \\t]*(?:{PHONE})" },
  /* A field line about a person or a place ("On-site contact: Markus Weber (on site until Friday), …"):
   * no symptom, whatever else it says. */
  { PARSER_RE_PERSON_LINE,
    "(?i)^[ \\t>*•·-]*(?:{CONTACT}|{PHONE}|{ADDRESS}|{LOCATION})[ \\t]*(?:[:#=]|\\t|(?<=[ ])(?=[^ \\t]))" },
  /* Words before a phone number that make it the on-site one. */
  { PARSER_RE_ONSITE, "(?i)现场|現場|驻场|駐場|机房|機房|現地|on-?\\s?site|\\bsite\\s+contact" },
  /* Words that make a line a street address. */
  { PARSER_RE_ADDRESS_HINT,
    "(?i)(?:路|街|道|号|巷|弄|大厦|大楼|广场|园区|产业园|科技园|中心|楼|层|室|机房|村|镇|乡|栋|座|单元|机柜|"
    "机架|"
    /* the same in traditional characters (Hong Kong, Taiwan: "…168 號 國際商會中心 23 樓") */
    "號|樓|層|廈|廣場|園區|產業園|科技園|機房|鎮|鄉|棟|單元|機櫃|機架|"
    "(?<![\\p{Han}])[A-Z0-9]区"
    "|\\b(?:Road|Rd|Street|St|Avenue|Ave|Tower|Building|Bldg|Floor|Room|Park|Plaza|District)\\b)" },
  /* An order number of ours: RC + date + '-' + 4-digit sequence. */
  { PARSER_RE_ORDER_NO, "(?i)(?<![A-Za-z0-9])(RC)(20[0-9]{6})-([0-9]{4})(?![0-9])" },
  /* The first line of a quoted or forwarded block. */
  { PARSER_RE_QUOTE_HEADER,
    "(?i)^[ \\t]*(?:[-=_*]{2,}[ "
    "\\t]*(?:原始邮件|原邮件|邮件原文|邮件原件|原始信件|原始郵件|原郵件|郵件原文|郵件原件|Original Message|"
    "Original|Forwarded message|"
    "Forwarded Message|转发邮件|转发的邮件|转发邮件信息)[ \\t]*[-=_*]{2,}[ \\t]*$"
    "|.{0,80}?(?:在|于)[ \\t]*.{1,120}写道[ \\t]*:?[ \\t]*$"
    "|On[ \\t].{1,200}wrote[ \\t]*:[ \\t]*$"
    "|Begin forwarded message[ \\t]*:?[ \\t]*$"
    "|_{20,}[ \\t]*$)" },
  /* The subset that says "forward" (the text below is someone else's request, not our reply). */
  { PARSER_RE_FORWARD_HEADER,
    "(?i)Forwarded message|Forwarded Message|转发邮件|转发的邮件|Begin forwarded message" },
  /* Signature start: "-- ", "——", underscores, or a closing formula. */
  { PARSER_RE_SIGNATURE,
    "(?i)^[ \\t]*(?:(?:--|——|—)[ \\t]*$|(?:{SIGNATURE})|[^\\n]{0,16}(?:敬上|谨上|謹上|敬啟|敬启)[ \\t]*$)" },
  { PARSER_RE_DISCLAIMER, "(?i)^[ \\t]*[【\\[(（]?(?:{DISCLAIMER})" },
  /* Greeting lines, whole: "您好！", "尊敬的融科联创服务支持团队：", "Hello Roycom support team,", "李工：". */
  { PARSER_RE_GREETING, "(?i)^[ "
                        "\\t]*(?:(?:{GREETING})[^\\n,，。!！?？;；]{0,24}?|\\p{Han}{1,3}(?:工|总|经理|老师|"
                        "主任|师傅|先生|女士)(?:好|您好|你好)?|[^\\n]{0,14}(?:各位|大家|老师|同事|领导|"
                        "工程师)[^\\n]{0,4}好"
                        /* a Japanese addressee line: "融科聯創 サポートご担当者様", "…御中" */
                        "|[^\\n]{0,30}(?:様|御中))[ \\t]*[,，:!！。.~～]*[ \\t]*$" },
  /* A greeting at the start of a line that goes on ("你好!服务器…", "师傅你好 照片…"): stripped. */
  { PARSER_RE_GREETING_PREFIX, "(?i)^[ \\t]*(?:(?:[^\\n,，。!！?？ ]{0,6}(?:你好|您好|你们好|大家好)(?!像))[ "
                               "\\t,，:!！~～。]*|(?:Hi|Hello|Hallo|Dear)[ \\t]*[,，:!！~～。 ]+)(?=\\S)" },
  { PARSER_RE_CLOSING, "(?i)^[ \\t]*(?:{CLOSING})[^\\n]{0,12}$" },
  { PARSER_RE_AUTO_SUBJECT, "(?i)(?<![A-Z])(?:{AUTO})(?![A-Z])" },
  { PARSER_RE_BOUNCE_SUBJECT, "(?i)(?<![A-Z])(?:{BOUNCE})(?![A-Z])" },
  /* A subject that forwards: after any Re:/回复: prefixes comes Fwd:/FW:/转发:. */
  { PARSER_RE_FORWARD_SUBJECT, "(?i)^[ \\t]*(?:(?:Re|Aw|SV|答复|回复|回覆)[ \\t]*(?:\\[[0-9]+\\])?[ \\t]*:[ "
                               "\\t]*)*(?:Fwd?|WG|TR|转发|轉寄|轉發|转)[ \\t]*(?:\\[[0-9]+\\])?[ \\t]*:" },
  /* A name right before a phone number: "王工 139…", "Zhao Lei 138…". */
  { PARSER_RE_CHINESE_NAME, "(?:^|[^\\p{Han}])(\\p{Han}{1,3}(?:工|总|经理|先生|女士|小姐|老师|主任|师傅)|\\p{"
                            "Han}{2,4}|[A-Z][a-z]+(?: [A-Z][a-z]+){1,2})"
                            "[ \\t,，:/]*$" },
};

G_STATIC_ASSERT(G_N_ELEMENTS(patterns) == PARSER_RE_COUNT);

static const char *const SEP =
  "[ \\t]*[】\\])）]?[ \\t]*(?:#[ \\t]*[:=]?|[:=|]|(?:都|分别|就|应该|應該)?(?:为|是)|(?i:is|was)(?=[ "
  "\\t])|\\p{Han}{1,4}[:])?[ \\t]*(?:\\n[ \\t]*)?";

/* Escapes a literal for a regex. */
static void
append_escaped(GString *re, const char *lit)
{
  for (const char *p = lit; *p; p++) {
    if (strchr("\\^$.|?*+()[]{}/#-", *p))
      g_string_append_c(re, '\\');
    if (*p == ' ')
      g_string_append(re, "[ \\t]+");
    else
      g_string_append_c(re, *p);
  }
}

/* The flat alternation "a|b|c" of the suffixes, in their order. */
static void
append_flat(GString *re, const char *const *suffixes, guint n)
{
  for (guint i = 0; i < n; i++) {
    if (i)
      g_string_append_c(re, '|');
    append_escaped(re, suffixes[i]);
  }
}

/* The same alternation with common leading characters factored out ("序列号|序号|型号" becomes
 * "序(?:列号|号)|型号"), so that PCRE2 tries one branch per distinct first character instead of
 * every label at every position. The words are literals, so at any subject position only the
 * branches whose first character matches can match at all, and within a branch the words keep
 * their order (longest first): the first word that matches, and the order in which backtracking
 * tries the others, are those of the flat alternation. Where that could differ, the flat form is
 * kept: characters with case other than ASCII letters (caseless matching could pair two branches),
 * ASCII letters present in both cases at one level (the pattern may be case-sensitive or not), and
 * blanks (they become "[ \t]+", whose backtracking must stay inside one word). */
static void
append_trie(GString *re, const char *const *suffixes, guint n)
{
  gboolean flat = n < 2;
  for (guint i = 0; i < n && !flat; i++) {
    const char *w = suffixes[i];
    if (!*w)
      continue;
    gunichar c = g_utf8_get_char(w);
    if (g_unichar_isspace(c) ||
        (c >= 0x80 && (g_unichar_tolower(c) != c || g_unichar_toupper(c) != c || g_unichar_totitle(c) != c)))
      flat = TRUE;
    else if (c < 0x80 && g_ascii_isalpha((char)c))
      for (guint j = 0; j < n && !flat; j++)
        flat = g_utf8_get_char(suffixes[j]) != c && *suffixes[j] &&
               g_ascii_tolower((char)g_utf8_get_char(suffixes[j])) == g_ascii_tolower((char)c) &&
               g_utf8_get_char(suffixes[j]) < 0x80;
  }
  if (flat) {
    append_flat(re, suffixes, n);
    return;
  }
  gboolean *done = g_new0(gboolean, n);
  const char **group = g_new(const char *, n);
  gboolean first = TRUE;
  for (guint i = 0; i < n; i++) {
    if (done[i])
      continue;
    if (!first)
      g_string_append_c(re, '|');
    first = FALSE;
    const char *w = suffixes[i];
    if (!*w) {
      done[i] = TRUE; /* the word ends here: the empty branch, in its place */
      continue;
    }
    gunichar c = g_utf8_get_char(w);
    const char *next = g_utf8_next_char(w);
    guint m = 0;
    for (guint j = i; j < n; j++)
      if (!done[j] && *suffixes[j] && g_utf8_get_char(suffixes[j]) == c) {
        group[m++] = g_utf8_next_char(suffixes[j]);
        done[j] = TRUE;
      }
    g_autofree char *ch = g_strndup(w, next - w);
    append_escaped(re, ch);
    if (m == 1) {
      append_escaped(re, group[0]);
    } else {
      g_autofree const char **sub = g_memdup2(group, m * sizeof *group);
      g_string_append(re, "(?:");
      append_trie(re, sub, m);
      g_string_append_c(re, ')');
    }
  }
  g_free(group);
  g_free(done);
}

static gint
longer_first(gconstpointer a, gconstpointer b)
{
  gsize la = strlen(*(char *const *)a), lb = strlen(*(char *const *)b);
  return (la < lb) - (la > lb);
}

/* Marks in set every byte a line-start match of one of words (NFKC, caseless in UTF mode) can
 * begin with. A cased non-ASCII first character may have caseless twins anywhere: all bytes. */
static void
word_start_bytes(char **words, guint8 *set)
{
  for (guint i = 0; words && words[i]; i++) {
    g_autofree char *copy = g_strstrip(g_strdup(words[i])); /* as alternation() reads it */
    g_autofree char *w = g_utf8_normalize(copy, -1, G_NORMALIZE_NFKC);
    const char *t = w;
    if (!t || !*t)
      continue;
    guchar b = (guchar)*t;
    if (b == ' ' || b == '\t') {
      memset(set, 1, 256); /* text.c skips the line's blanks before looking */
      continue;
    }
    if (b < 0x80) {
      set[b] = 1;
      if (g_ascii_isalpha(b)) {
        set[(guchar)g_ascii_toupper(b)] = set[(guchar)g_ascii_tolower(b)] = 1;
        set[0xE2] = set[0xC5] = 1; /* K KELVIN SIGN, ſ LONG S */
      }
      continue;
    }
    gunichar u = g_utf8_get_char(t);
    if (g_unichar_type(u) == G_UNICODE_OTHER_LETTER ||
        (!g_unichar_isalpha(u) && g_unichar_toupper(u) == u && g_unichar_tolower(u) == u))
      set[b] = 1;
    else
      memset(set, 1, 256);
  }
}

/* "a|b|c" of the NFKC forms of words, longest first; "(?!)" (never matches) when empty. */
static char *
alternation(char **words)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func(g_free);
  for (guint i = 0; words && words[i]; i++) {
    char *w = g_utf8_normalize(g_strstrip(words[i]), -1, G_NORMALIZE_NFKC);
    if (w && *w)
      g_ptr_array_add(list, w);
    else
      g_free(w);
  }
  if (list->len == 0)
    return g_strdup("(?!)");
  g_ptr_array_sort(list, longer_first);
  GString *re = g_string_new(NULL);
  g_autofree const char **suffixes = g_new(const char *, list->len);
  for (guint i = 0; i < list->len; i++)
    suffixes[i] = g_ptr_array_index(list, i);
  append_trie(re, suffixes, list->len);
  return g_string_free(re, FALSE);
}

static char **
get_list(GKeyFile *kf, const char *group, const char *key)
{
  char **v = g_key_file_get_string_list(kf, group, key, NULL, NULL);
  return v ? v : g_new0(char *, 1);
}

static gboolean label_headed(ParserRe id);

static gboolean
compile_all(ParserConfig *c, GKeyFile *kf, GError **error)
{
  static const char *const label_keys[] = { "sn",      "model",    "contact",  "phone",
                                            "address", "location", "symptoms", NULL };
  g_autoptr(GHashTable) subst = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func(g_free);
  for (const char *const *k = label_keys; *k; k++) {
    g_auto(GStrv) words = get_list(kf, "labels", *k);
    if (!words[0]) {
      g_set_error(error, PARSER_ERROR, PARSER_ERROR_CONFIG, "labels.ini: [labels] %s is empty", *k);
      return FALSE;
    }
    for (guint i = 0; words[i]; i++)
      g_ptr_array_add(all, g_strdup(words[i]));
    g_autofree char *key = g_ascii_strup(*k, -1);
    g_hash_table_insert(subst, g_strdup_printf("{%s}", key), alternation(words));
  }
  g_ptr_array_add(all, NULL);
  g_hash_table_insert(subst, g_strdup("{ALL}"), alternation((char **)all->pdata));
  static const struct {
    const char *group, *key, *name;
  } lists[] = { { "text", "signature", "{SIGNATURE}" },  { "text", "disclaimer", "{DISCLAIMER}" },
                { "text", "greeting", "{GREETING}" },    { "text", "closing", "{CLOSING}" },
                { "ignored", "auto_subject", "{AUTO}" }, { "ignored", "bounce_subject", "{BOUNCE}" },
                { "models", "families", "{FAMILY}" } };
  for (gsize i = 0; i < G_N_ELEMENTS(lists); i++) {
    g_auto(GStrv) words = get_list(kf, lists[i].group, lists[i].key);
    static const int word_sets[] = { PARSER_WORDS_SIGNATURE, PARSER_WORDS_DISCLAIMER, PARSER_WORDS_GREETING,
                                     PARSER_WORDS_CLOSING };
    if (i < G_N_ELEMENTS(word_sets))
      word_start_bytes(words, c->word_start[word_sets[i]]);
    g_hash_table_insert(subst, g_strdup(lists[i].name), alternation(words));
  }
  g_hash_table_insert(subst, g_strdup("{SEP}"), g_strdup(SEP));

  for (gsize i = 0; i < G_N_ELEMENTS(patterns); i++) {
    g_autoptr(GString) src = g_string_new(patterns[i].source);
    GHashTableIter it;
    gpointer k, v;
    g_hash_table_iter_init(&it, subst);
    while (g_hash_table_iter_next(&it, &k, &v))
      g_string_replace(src, k, v, 0);
    int err;
    PCRE2_SIZE off;
    pcre2_code *code = pcre2_compile((PCRE2_SPTR)src->str, src->len,
                                     PCRE2_UTF | PCRE2_UCP | PCRE2_NO_UTF_CHECK, &err, &off, NULL);
    if (!code) {
      PCRE2_UCHAR msg[256];
      pcre2_get_error_message(err, msg, sizeof msg);
      g_set_error(error, PARSER_ERROR, PARSER_ERROR_CONFIG, "pattern %d at offset %zu: %s",
                  (int)patterns[i].id, (size_t)off, (const char *)msg);
      return FALSE;
    }
    /* JIT is an optimisation: without it (no JIT on this CPU) the interpreter still works. */
    c->re_jit[patterns[i].id] = pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0;
    c->re[patterns[i].id] = code;
    if (label_headed(patterns[i].id)) {
      pcre2_code *anchored =
        pcre2_compile((PCRE2_SPTR)src->str, src->len,
                      PCRE2_UTF | PCRE2_UCP | PCRE2_NO_UTF_CHECK | PCRE2_ANCHORED, &err, &off, NULL);
      if (!anchored) { /* it compiled unanchored: cannot be, said all the same */
        g_set_error(error, PARSER_ERROR, PARSER_ERROR_CONFIG, "pattern %d does not compile anchored",
                    (int)patterns[i].id);
        return FALSE;
      }
      c->re_anchored_jit[patterns[i].id] = pcre2_jit_compile(anchored, PCRE2_JIT_COMPLETE) == 0;
      c->re_anchored[patterns[i].id] = anchored;
    }
  }
  return TRUE;
}

/* The patterns whose every match starts with a label of these [labels] lists: each source begins
 * "(?i)(?<![A-Z])(?:{KEY}" (checked at load). A search for them skips to the first character a
 * label can start with (re_exec): the JIT would otherwise try every label at every Chinese
 * character, the parser's largest regex cost. */
#define ALL_LABELS "sn", "model", "contact", "phone", "address", "location", "symptoms"
static const struct {
  ParserRe id;
  const char *keys[8];
} re_heads[] = {
  { PARSER_RE_SN_LABELLED, { "sn" } },           { PARSER_RE_MODEL_LABELLED, { "model" } },
  { PARSER_RE_CONTACT_LABELLED, { "contact" } }, { PARSER_RE_PHONE_LABELLED_LINE, { "phone", "contact" } },
  { PARSER_RE_ADDRESS_LABELLED, { "address" } }, { PARSER_RE_ANY_LABEL, { ALL_LABELS } },
  { PARSER_RE_LABEL_WORD, { ALL_LABELS } },
};

static gboolean
label_headed(ParserRe id)
{
  for (gsize i = 0; i < G_N_ELEMENTS(re_heads); i++)
    if (re_heads[i].id == id)
      return TRUE;
  return FALSE;
}

/* The characters the bitmap covers: ASCII, CJK punctuation and ideographs, full-width forms. None
 * of the non-ASCII ones is caseless-equal to an ASCII letter. */
#define FIRST_LIMIT 0x10000

static gboolean
first_checked(gunichar c)
{
  return c < 0x80 || (c >= 0x3000 && c < 0xA000) || (c >= 0xFF00 && c < 0xFFF0);
}

/* The bitmap of the characters the labels of keys start with (NFKC, as alternation() writes them;
 * an ASCII letter in both cases), or NULL when one starts with a character the bitmap does not
 * cover other than by being searched from (then the pattern is searched as it is). */
static guint8 *
first_bitmap(GKeyFile *kf, const char *const *keys)
{
  g_autofree guint8 *bits = g_new0(guint8, FIRST_LIMIT / 8);
  for (const char *const *k = keys; *k; k++) {
    g_auto(GStrv) words = get_list(kf, "labels", *k);
    for (guint i = 0; words[i]; i++) {
      g_autofree char *w = g_utf8_normalize(g_strstrip(words[i]), -1, G_NORMALIZE_NFKC);
      if (!w || !*w)
        continue;
      gunichar c = g_utf8_get_char(w);
      if (!first_checked(c))
        continue; /* a character outside the bitmap is always searched from */
      if (c < 0x80 && g_ascii_isalpha((char)c)) {
        gunichar lo = (gunichar)g_ascii_tolower((char)c), up = (gunichar)g_ascii_toupper((char)c);
        bits[lo >> 3] |= (guint8)(1u << (lo & 7));
        bits[up >> 3] |= (guint8)(1u << (up & 7));
      } else {
        bits[c >> 3] |= (guint8)(1u << (c & 7));
      }
    }
  }
  return g_steal_pointer(&bits);
}

static gboolean
heads_load(ParserConfig *c, GKeyFile *kf, GError **error)
{
  for (gsize i = 0; i < G_N_ELEMENTS(re_heads); i++) {
    const char *src = NULL;
    for (gsize j = 0; j < G_N_ELEMENTS(patterns); j++)
      if (patterns[j].id == re_heads[i].id)
        src = patterns[j].source;
    if (!src || !g_str_has_prefix(src, "(?i)(?<![A-Z])(?:{")) {
      g_set_error(error, PARSER_ERROR, PARSER_ERROR_CONFIG, "pattern %d does not start with a label",
                  (int)re_heads[i].id);
      return FALSE;
    }
    c->re_first[re_heads[i].id] = first_bitmap(kf, re_heads[i].keys);
  }
  return TRUE;
}

static char **
lower_list(GKeyFile *kf, const char *group, const char *key)
{
  char **v = get_list(kf, group, key);
  for (guint i = 0; v[i]; i++) {
    g_autofree char *n = g_utf8_normalize(g_strstrip(v[i]), -1, G_NORMALIZE_NFKC);
    g_free(v[i]);
    v[i] = g_utf8_casefold(n ? n : "", -1);
  }
  return v;
}

#define TAG_KEY(w) (((guint)(guchar)(w)[0] << 8) | (guchar)(w)[1])

static void
tag_index_build(ParserConfig *c)
{
  guint n = 0, n_short = 0;
  for (guint i = 0; i < c->symptom_tags->len; i++) {
    const ParserTag *t = g_ptr_array_index(c->symptom_tags, i);
    for (guint j = 0; t->words && t->words[j]; j++) {
      gsize l = strlen(t->words[j]);
      if (l >= 2)
        n++;
      else if (l == 1)
        n_short++;
    }
  }
  c->tag_words = g_new0(ParserTagWord, n + 1);
  c->tag_short = g_new0(ParserTagWord, n_short + 1);
  c->tag_first = g_new0(guint32, 65537);
  for (guint i = 0; i < c->symptom_tags->len; i++) {
    const ParserTag *t = g_ptr_array_index(c->symptom_tags, i);
    for (guint j = 0; t->words && t->words[j]; j++)
      if (strlen(t->words[j]) >= 2)
        c->tag_first[TAG_KEY(t->words[j]) + 1]++;
  }
  for (guint k = 1; k <= 65536; k++)
    c->tag_first[k] += c->tag_first[k - 1];
  g_autofree guint32 *fill = g_memdup2(c->tag_first, 65536 * sizeof(guint32));
  for (guint i = 0; i < c->symptom_tags->len; i++) {
    const ParserTag *t = g_ptr_array_index(c->symptom_tags, i);
    for (guint j = 0; t->words && t->words[j]; j++) {
      const char *w = t->words[j];
      gsize l = strlen(w);
      ParserTagWord tw = { w, l, i };
      if (l >= 2)
        c->tag_words[fill[TAG_KEY(w)]++] = tw;
      else if (l == 1)
        c->tag_short[c->n_tag_short++] = tw;
    }
  }
}

static inline gboolean
tag_word_at(const char *fold, gsize i, const ParserTagWord *tw, gboolean whole_latin)
{
  if (memcmp(fold + i, tw->word, tw->len) != 0)
    return FALSE;
  if (whole_latin && (guchar)tw->word[0] < 0x80 &&
      ((i > 0 && g_ascii_isalpha(fold[i - 1])) || g_ascii_isalpha(fold[i + tw->len])))
    return FALSE;
  return TRUE;
}

void
parser_tags_find(const ParserConfig *c, const char *fold, gboolean whole_latin, guint8 *hit)
{
  gsize len = strlen(fold);
  for (gsize i = 0; i < len; i++) {
    for (guint k = 0; k < c->n_tag_short; k++) {
      const ParserTagWord *tw = &c->tag_short[k];
      if (!hit[tw->tag] && fold[i] == tw->word[0] && tag_word_at(fold, i, tw, whole_latin))
        hit[tw->tag] = 1;
    }
    if (i + 1 >= len)
      break;
    guint key = TAG_KEY(fold + i);
    for (guint32 k = c->tag_first[key]; k < c->tag_first[key + 1]; k++) {
      const ParserTagWord *tw = &c->tag_words[k];
      if (!hit[tw->tag] && tw->len <= len - i && tag_word_at(fold, i, tw, whole_latin))
        hit[tw->tag] = 1;
    }
  }
}

static void
tag_free(gpointer p)
{
  ParserTag *t = p;
  g_free(t->name);
  g_strfreev(t->words);
  g_free(t);
}

static gsize gmime_once;

static void
ensure_libraries(void)
{
  if (g_once_init_enter(&gmime_once)) {
    g_mime_init();
    xmlInitParser();
    g_once_init_leave(&gmime_once, 1);
  }
}

/* A file read for the config failed: its error becomes PARSER_ERROR_CONFIG, message kept. */
static void
as_config_error(GError **error)
{
  if (error && *error && (*error)->domain != PARSER_ERROR) {
    GError *e = *error;
    *error = g_error_new(PARSER_ERROR, PARSER_ERROR_CONFIG, "%s", e->message);
    g_error_free(e);
  }
}

/* The surnames of [names] file (one or more per line, '#' lines are comments), NFKC, into c->surnames. */
static gboolean
load_surnames(ParserConfig *c, GKeyFile *kf, GError **error)
{
  g_autofree char *names_name = g_key_file_get_string(kf, "names", "file", NULL);
  if (names_name) {
    g_autofree char *names_path = g_build_filename(c->data_dir, names_name, NULL);
    g_autofree char *names = NULL;
    if (!g_file_get_contents(names_path, &names, NULL, error)) {
      g_prefix_error(error, "%s: ", names_path);
      as_config_error(error);
      return FALSE;
    }
    g_auto(GStrv) lines = g_strsplit(names, "\n", -1);
    for (guint i = 0; lines[i]; i++) {
      if (lines[i][0] == '#')
        continue;
      g_auto(GStrv) words = g_strsplit_set(lines[i], " \t\r", -1);
      for (guint j = 0; words[j]; j++) {
        char *w = words[j][0] ? g_utf8_normalize(words[j], -1, G_NORMALIZE_NFKC) : NULL;
        if (w && g_utf8_validate(w, -1, NULL) && g_utf8_strlen(w, -1) <= 2)
          g_hash_table_add(c->surnames, w);
        else
          g_free(w);
      }
    }
  }
  return TRUE;
}

ParserConfig *
parser_config_load(const char *data_dir, GError **error)
{
  ensure_libraries();
  g_autoptr(ParserConfig) c = g_new0(ParserConfig, 1);
  c->data_dir = g_strdup(data_dir ? data_dir : INTAKE_PARSER_DATA_DIR);
  g_autofree char *path = g_build_filename(c->data_dir, "labels.ini", NULL);
  g_autoptr(GKeyFile) kf = g_key_file_new();
  g_key_file_set_list_separator(kf, ';');
  if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, error)) {
    g_prefix_error(error, "%s: ", path);
    as_config_error(error);
    return NULL;
  }
  if (!compile_all(c, kf, error) || !heads_load(c, kf, error))
    return NULL;

  c->symptom_tags = g_ptr_array_new_with_free_func(tag_free);
  g_auto(GStrv) tag_names = g_key_file_get_keys(kf, "tags", NULL, NULL);
  g_auto(GStrv) request_tags = lower_list(kf, "text", "request_tags");
  for (guint i = 0; tag_names && tag_names[i]; i++) {
    ParserTag *t = g_new0(ParserTag, 1);
    t->name = g_strdup(tag_names[i]);
    t->words = lower_list(kf, "tags", tag_names[i]);
    t->request = g_strv_contains((const char *const *)request_tags, t->name);
    g_ptr_array_add(c->symptom_tags, t);
  }
  tag_index_build(c);
  c->bounce_locals = lower_list(kf, "senders", "bounce");
  c->noreply_words = lower_list(kf, "senders", "noreply");
  c->ticket_systems = lower_list(kf, "senders", "ticket_systems");
  c->trusted_forwarders = lower_list(kf, "senders", "trusted_forwarders");
  c->own_domains = lower_list(kf, "senders", "own_domains");
  c->freemail = lower_list(kf, "senders", "freemail");
  c->own_addresses = lower_list(kf, "senders", "own_addresses");
  c->ignore_phones = lower_list(kf, "senders", "ignore_phones");
  c->own_names = lower_list(kf, "senders", "own_names");
  c->model_words = lower_list(kf, "models", "families");
  c->contact_stop = lower_list(kf, "text", "contact_stop");
  c->part_serial = lower_list(kf, "text", "part_serial");
  c->html_placeholders = lower_list(kf, "text", "html_placeholder");
  c->no_symptoms = lower_list(kf, "text", "no_symptoms");
  c->sn_correction = lower_list(kf, "text", "sn_correction");
  c->recurrence = lower_list(kf, "text", "recurrence");
  c->forwarder_contact = lower_list(kf, "text", "forwarder_contact");
  c->forwarder_replaces = lower_list(kf, "text", "forwarder_replaces");
  c->escalation = lower_list(kf, "text", "escalation");
  c->courtesy = lower_list(kf, "text", "courtesy");
  c->same_place = lower_list(kf, "text", "same_place");
  c->other_machine = lower_list(kf, "text", "other_machine");
  c->signature_fields = lower_list(kf, "text", "signature_fields");
  c->chase = lower_list(kf, "text", "chase");
  c->fault_words = lower_list(kf, "text", "fault_words");
  c->pointer_filler = lower_list(kf, "text", "pointer_filler");
  c->supplement_words = lower_list(kf, "text", "supplement_words");
  c->surnames = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  if (!load_surnames(c, kf, error))
    return NULL;

  g_autofree char *places_name = g_key_file_get_string(kf, "places", "file", NULL);
  g_autofree char *places_path =
    g_build_filename(c->data_dir, places_name ? places_name : "places.txt", NULL);
  c->places = parser_places_load(places_path, error);
  if (!c->places) {
    as_config_error(error);
    return NULL;
  }

  /* GMime: accept the RFC 2047 violations real mailers produce (encoded words inside quoted
   * strings and words, missing blanks) and try our charset order for raw 8-bit headers. */
  c->gmime_options = g_mime_parser_options_new();
  g_mime_parser_options_set_rfc2047_compliance_mode(c->gmime_options, GMIME_RFC_COMPLIANCE_LOOSE);
  g_mime_parser_options_set_address_compliance_mode(c->gmime_options, GMIME_RFC_COMPLIANCE_LOOSE);
  g_mime_parser_options_set_parameter_compliance_mode(c->gmime_options, GMIME_RFC_COMPLIANCE_LOOSE);
  static const char *fallback[] = { "UTF-8", "GB18030", "BIG5-HKSCS", NULL };
  g_mime_parser_options_set_fallback_charsets(c->gmime_options, fallback);
  return g_steal_pointer(&c);
}

void
parser_config_free(ParserConfig *c)
{
  if (!c)
    return;
  g_strfreev(c->own_addresses);
  g_strfreev(c->freemail);
  g_free(c->data_dir);
  for (int i = 0; i < PARSER_RE_COUNT; i++) {
    pcre2_code_free(c->re[i]); /* NULL: nothing */
    pcre2_code_free(c->re_anchored[i]);
    g_free(c->re_first[i]);
  }
  if (c->symptom_tags)
    g_ptr_array_unref(c->symptom_tags);
  g_free(c->tag_words);
  g_free(c->tag_first);
  g_free(c->tag_short);
  g_strfreev(c->bounce_locals);
  g_strfreev(c->noreply_words);
  g_strfreev(c->ticket_systems);
  g_strfreev(c->trusted_forwarders);
  g_strfreev(c->own_domains);
  g_strfreev(c->ignore_phones);
  g_strfreev(c->own_names);
  g_strfreev(c->model_words);
  g_strfreev(c->contact_stop);
  g_strfreev(c->part_serial);
  g_strfreev(c->html_placeholders);
  g_strfreev(c->no_symptoms);
  g_strfreev(c->sn_correction);
  g_strfreev(c->recurrence);
  g_strfreev(c->forwarder_contact);
  g_strfreev(c->forwarder_replaces);
  g_strfreev(c->escalation);
  g_strfreev(c->courtesy);
  g_strfreev(c->same_place);
  g_strfreev(c->other_machine);
  g_strfreev(c->signature_fields);
  g_strfreev(c->chase);
  g_strfreev(c->fault_words);
  g_strfreev(c->pointer_filler);
  g_strfreev(c->supplement_words);
  if (c->surnames)
    g_hash_table_unref(c->surnames);
  parser_places_free(c->places);
  if (c->gmime_options)
    g_mime_parser_options_free(c->gmime_options);
  g_free(c);
}

void
parser_config_set_own_address(ParserConfig *config, const char *address)
{
  const char *one[] = { address, NULL };
  parser_config_add_own_addresses(config, one);
}

void
parser_config_add_own_addresses(ParserConfig *config, const char *const *addresses)
{
  g_return_if_fail(config != NULL);
  GPtrArray *a = g_ptr_array_new();
  for (guint i = 0; config->own_addresses && config->own_addresses[i]; i++)
    g_ptr_array_add(a, config->own_addresses[i]);
  g_free(config->own_addresses); /* the strings moved to a */
  for (guint i = 0; addresses && addresses[i]; i++) {
    char *lower = g_ascii_strdown(addresses[i], -1);
    if (*lower && !g_ptr_array_find_with_equal_func(a, lower, g_str_equal, NULL))
      g_ptr_array_add(a, lower);
    else
      g_free(lower);
  }
  g_ptr_array_add(a, NULL);
  config->own_addresses = (char **)g_ptr_array_free(a, FALSE);
}

static gboolean
in_list(char *const *list, const char *s)
{
  for (guint i = 0; list && list[i]; i++)
    if (g_ascii_strcasecmp(list[i], s) == 0)
      return TRUE;
  return FALSE;
}

const char *
parser_company_domain(const ParserConfig *config, const char *address)
{
  const char *at = address ? strrchr(address, '@') : NULL;
  const char *domain = at ? at + 1 : NULL;
  /* a shared domain counts only for a company's own one: not a public service, not ours */
  return domain && *domain && !in_list(config->freemail, domain) && !in_list(config->own_domains, domain)
           ? domain
           : NULL;
}

gboolean
parser_sender_known(const ParserConfig *config, const char *address, const char *const *known)
{
  g_return_val_if_fail(config != NULL, FALSE);
  if (!address || !*address)
    return FALSE;
  const char *domain = parser_company_domain(config, address);
  gboolean company = domain != NULL;
  for (guint i = 0; known && known[i]; i++) {
    if (g_ascii_strcasecmp(known[i], address) == 0)
      return TRUE;
    const char *kat = strrchr(known[i], '@');
    if (company && kat && g_ascii_strcasecmp(kat + 1, domain) == 0)
      return TRUE;
  }
  return FALSE;
}

gboolean
parser_address_listed(char *const *list, const char *address)
{
  const char *at = address ? strrchr(address, '@') : NULL;
  for (guint i = 0; address && list && list[i]; i++) {
    const char *t = list[i];
    if (*t && (g_ascii_strcasecmp(t, address) == 0 || (t[0] == '@' && at && g_ascii_strcasecmp(t, at) == 0)))
      return TRUE;
  }
  return FALSE;
}

gboolean
parser_own_domain(const ParserConfig *config, const char *address)
{
  const char *at = address ? strrchr(address, '@') : NULL;
  return at && in_list(config->own_domains, at + 1);
}

gboolean
parser_forwarder_vouches(const ParserConfig *config, const char *forwarder, const char *origin)
{
  g_return_val_if_fail(config != NULL, FALSE);
  if (!forwarder || !origin)
    return FALSE;
  if (parser_own_domain(config, forwarder))
    return TRUE; /* our own staff passing a customer's mail on */
  if (parser_address_listed(config->trusted_forwarders, forwarder))
    return TRUE;
  /* a colleague of the same company (not on a public mail service, where anyone has an address);
   * any other domain is a stranger's word — a domain costs ¥30 — unless ops listed it */
  const char *known[] = { origin, NULL };
  return parser_sender_known(config, forwarder, known);
}

/* Match data belongs to the caller's ParserMatch (the config is shared read-only, possibly by
 * several threads). Cleared match data goes back to a small per-thread pool instead of being
 * freed: the extraction loops take and clear one per line, and a malloc/free per line of text
 * showed in the profile. */
#define MATCH_POOL_MAX 16

static void
match_pool_free(gpointer p)
{
  g_ptr_array_unref(p);
}

static void
match_data_destroy(gpointer p)
{
  pcre2_match_data_free(p);
}

static GPrivate match_pool = G_PRIVATE_INIT(match_pool_free);

static GPtrArray *
pool_get(void)
{
  GPtrArray *pool = g_private_get(&match_pool);
  if (!pool) {
    pool = g_ptr_array_new_with_free_func(match_data_destroy);
    g_private_set(&match_pool, pool);
  }
  return pool;
}

/* The first character from start on that a match of a label-headed pattern can start at: one a
 * label starts with, or any character the bitmap does not cover (others' case variants, the
 * Kelvin sign, the long s: PCRE2's caseless matching is searched for them). len when none. The
 * subject is valid UTF-8 (the patterns run with PCRE2_NO_UTF_CHECK). */
static gsize
first_candidate(const guint8 *bits, const char *subject, gsize len, gsize start)
{
  const guchar *s = (const guchar *)subject;
  gsize i = start;
  while (i < len) {
    guchar b = s[i];
    if (b < 0x80) {
      if (bits[b >> 3] & (1u << (b & 7)))
        return i;
      i++;
    } else if ((b & 0xF0) == 0xE0 && i + 2 < len) {
      gunichar c = ((gunichar)(b & 0x0F) << 12) | ((gunichar)(s[i + 1] & 0x3F) << 6) | (s[i + 2] & 0x3F);
      if (!first_checked(c) || (bits[c >> 3] & (1u << (c & 7))))
        return i;
      i += 3;
    } else {
      return i;
    }
  }
  return len;
}

/* The JIT's own entry point skips pcre2_match's checks of its arguments (the subject is valid
 * UTF-8 already: PCRE2_NO_UTF_CHECK) and gives the same result; a bad offset still goes the
 * checked way. */
static inline int
re_exec(const ParserConfig *config, ParserRe re, const char *subject, gsize len, gsize start,
        pcre2_match_data *md)
{
  if (config->re_anchored[re] && subject && start < len) { /* re_first[re] is its bitmap */
    /* No match starts at another character than a candidate: the leftmost match is the one tried
     * anchored at the first candidate where one is found (look-behinds still see the text before
     * it). Candidates are few; a search from the first tried every character after it. */
    const pcre2_code *code = config->re_anchored[re];
    for (gsize at = first_candidate(config->re_first[re], subject, len, start); at < len;
         at = first_candidate(config->re_first[re], subject, len, g_utf8_next_char(subject + at) - subject)) {
      int rc = config->re_anchored_jit[re]
                 ? pcre2_jit_match(code, (PCRE2_SPTR)subject, len, at, 0, md, NULL)
                 : pcre2_match(code, (PCRE2_SPTR)subject, len, at, PCRE2_NO_UTF_CHECK, md, NULL);
      if (rc != PCRE2_ERROR_NOMATCH)
        return rc;
    }
    return PCRE2_ERROR_NOMATCH;
  }
  if (config->re_jit[re] && start <= len && subject)
    return pcre2_jit_match(config->re[re], (PCRE2_SPTR)subject, len, start, 0, md, NULL);
  return pcre2_match(config->re[re], (PCRE2_SPTR)subject, len, start, PCRE2_NO_UTF_CHECK, md, NULL);
}

gboolean
parser_re_match(const ParserConfig *config, ParserRe re, const char *subject, gsize len, gsize start,
                ParserMatch *m)
{
  if (!m->md) {
    GPtrArray *pool = pool_get();
    if (pool->len > 0)
      m->md = g_ptr_array_steal_index_fast(pool, pool->len - 1);
    else
      m->md = pcre2_match_data_create(16, NULL); /* enough groups for every pattern above */
  }
  m->rc = re_exec(config, re, subject, len, start, m->md);
  m->ov = pcre2_get_ovector_pointer(m->md);
  return m->rc > 0;
}

/* Yes/no tests need no captures: one match data per thread, reused, instead of a malloc per
 * line tested (text.c tests several patterns on every line). */
static void
match_data_free(gpointer p)
{
  pcre2_match_data_free(p);
}

static GPrivate test_md = G_PRIVATE_INIT(match_data_free);

gboolean
parser_re_test(const ParserConfig *config, ParserRe re, const char *subject, gsize len)
{
  pcre2_match_data *md = g_private_get(&test_md);
  if (!md) {
    md = pcre2_match_data_create(16, NULL);
    g_private_set(&test_md, md);
  }
  return re_exec(config, re, subject, len, 0, md) > 0;
}

gboolean
parser_re_test_str(const ParserConfig *config, ParserRe re, const char *s)
{
  return s && parser_re_test(config, re, s, strlen(s));
}

void
parser_match_clear(ParserMatch *m)
{
  if (!m->md)
    return;
  GPtrArray *pool = pool_get();
  if (pool->len < MATCH_POOL_MAX)
    g_ptr_array_add(pool, m->md);
  else
    pcre2_match_data_free(m->md);
  m->md = NULL;
  m->ov = NULL;
  m->rc = 0;
}

char *
parser_match_group(const ParserMatch *m, const char *subject, guint n)
{
  if (m->rc <= 0 || (int)n >= m->rc || m->ov[2 * n] == PCRE2_UNSET)
    return NULL;
  return g_strndup(subject + m->ov[2 * n], m->ov[2 * n + 1] - m->ov[2 * n]);
}
