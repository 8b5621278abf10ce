/* extract-symptoms.c: the customer's description of the fault and its keyword tags. */
#include "parser-private.h"

#include <string.h>

/* Copies src[0, len) without the parts a pattern matches, into out (which has room for len + 1).
 * in_words: a match right after a Han character and not before a separator stays — it ends a word, it
 * is no label ("风扇故障。": the label 故障 of "故障：…"; "RCS… 风扇故障。" had no description), while
 * "機台位置：" is one. */
static gsize
strip_matches(const ParserConfig *c, ParserRe re, const char *src, gsize len, char *out, ParserMatch *m,
              gboolean in_words)
{
  gsize pos = 0, o = 0;
  while (pos <= len && parser_re_match(c, re, src, len, pos, m)) {
    gsize keep = m->ov[0];
    if (in_words && keep > 0) {
      const char *prev = g_utf8_find_prev_char(src, src + keep);
      gsize after = m->ov[1];
      while (after < len && src[after] == ' ')
        after++;
      if (prev && g_unichar_get_script(g_utf8_get_char(prev)) == G_UNICODE_SCRIPT_HAN &&
          (after == len || !strchr(":=#\t", src[after])))
        keep = m->ov[1];
    }
    memcpy(out + o, src + pos, keep - pos);
    o += keep - pos;
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
 * goes through two scratch buffers (on the stack for ordinary lines): no allocation per line.
 * stripped (may be NULL): a copy of what is left. */
static glong
residue(const ParserConfig *c, const ParserSources *s, const char *line, char **stripped)
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
  len = strip_matches(c, PARSER_RE_PHONE_OR_INTL, a, len, b, &m, FALSE);
  len = strip_matches(c, PARSER_RE_LABEL_WORD, b, len, a, &m, TRUE);
  parser_match_clear(&m);
  glong count = 0;
  for (const char *p = a; *p; p = g_utf8_next_char(p)) {
    guchar ch = (guchar)*p;
    if (ch < 0x80 ? g_ascii_isalnum(ch) : g_unichar_isalnum(g_utf8_get_char(p)))
      count++;
  }
  if (stripped)
    *stripped = g_strdup(a);
  return count;
}

/* A line whose few words beyond its field values and labels are a fault word: "RCS… 宕机" from a
 * phone says it all (a table's header "SN | 故障描述" says nothing: its 故障 is a label's). */
static gboolean
short_fault(const ParserConfig *c, const ParserSources *s, const char *line)
{
  g_autofree char *rest = NULL;
  residue(c, s, line, &rest);
  return parser_has_fault_words(c, rest);
}

/* A short line that only announces what follows ("补充信息如下：", "情况如下:", "Details as follows:"). */
static gboolean
lead_in(const char *l, gsize len)
{
  while (len > 0 && (l[len - 1] == ' ' || l[len - 1] == ':' || l[len - 1] == '\t'))
    len--;
  if (len > 60)
    return FALSE;
  static const char *const ends[] = { "如下", "as follows", "below", NULL };
  for (const char *const *e = ends; *e; e++) {
    gsize el = strlen(*e);
    if (len >= el && g_ascii_strncasecmp(l + len - el, *e, el) == 0)
      return TRUE;
  }
  return FALSE;
}

/* Whether t (stripped) is only a plausible Han name, alone or beside its Latin form ("陳志明 Chih-Ming
 * Chen", "Kelvin Wong 黃家駿"). */
static gboolean
name_line(const ParserConfig *c, const char *line)
{
  /* "顾喆(喆字是吉吉)": a name with a note on it */
  g_autofree char *t = g_strdup(line);
  char *open = NULL;
  if (g_str_has_suffix(t, ")") && (open = strrchr(t, '(')) && open > t && g_utf8_strlen(open, -1) <= 14)
    *open = '\0';
  else if (g_str_has_suffix(t, "）") && (open = g_strrstr(t, "（")) && open > t &&
           g_utf8_strlen(open, -1) <= 14)
    *open = '\0';
  g_strchomp(t);
  const char *sp = strchr(t, ' ');
  g_autofree char *han = NULL;
  if (sp && (guchar)t[0] >= 0x80) { /* Han first */
    han = g_strndup(t, (gsize)(sp - t));
    for (const char *p = sp; *p; p++)
      if (!g_ascii_isalpha(*p) && *p != ' ' && *p != '-')
        return FALSE;
  } else if (sp && g_ascii_isupper(t[0])) { /* Latin first */
    const char *last = strrchr(t, ' ') + 1;
    for (const char *p = t; p < last; p++)
      if (!g_ascii_isalpha(*p) && *p != ' ' && *p != '-')
        return FALSE;
    han = g_strdup(last);
  } else {
    han = g_strdup(t);
  }
  return (guchar)han[0] >= 0x80 && g_utf8_strlen(han, -1) <= 4 && parser_han_name_plausible(c, han) &&
         !parser_has_stop_word(c, han);
}

/* A chat transcript's header line, pasted from WeChat, DingTalk or Feishu ("王刚 2026-11-10 09:48",
 * "王刚(信息中心) 11-16 08:40", "格桑卓玛 11月17日 14:02", "朴成浩  昨天 22:15"), or its title ("【钉钉消息
 * 转发】", "高原云运维群(8)"): no symptom (blind rounds 14, 14b: quoted back in the acknowledgement); a
 * name and a date and a time, not a time alone ("今天早上 09:48" says when the fault came). */
gboolean
parser_chat_header(const char *l)
{
  static GRegex *re;
  if (g_once_init_enter(&re))
    g_once_init_leave(
      &re, g_regex_new("^\\s*[\\p{Han}A-Za-z·. ]{1,12}\\s*(?:[(（][^)）]{1,16}[)）])?\\s+"
                       "(?:\\d{4}[-/.年]\\d{1,2}[-/.月]\\d{1,2}日?\\s*|\\d{1,2}[-/]\\d{1,2}\\s+|"
                       "\\d{1,2}月\\d{1,2}日\\s*|(?:昨天|今天|前天|星期.|周.)\\s*)"
                       "\\d{1,2}:\\d{2}(?::\\d{2})?\\s*$"
                       /* the transcript's title: "【钉钉消息转发】", a group's name "高原云运维群(8)" */
                       "|^\\s*【[^】]{1,16}(?:转发|记录|消息)】\\s*$|^\\s*[\\p{Han}A-Za-z0-9]{1,16}群(?:[(（]"
                       "\\d+[)）])?\\s*$",
                       G_REGEX_OPTIMIZE, 0, NULL));
  return g_regex_match(re, l, 0, NULL);
}

/* What is left of a line once its fields are out says only "call me" ("联系我 186…（赵磊）") or where
 * ("设备在北京市…机房。"): blind round 21, quoted back as the problem. rest: residue's stripped text. */
static gboolean
call_me_only(const char *rest)
{
  static const char *const phrases[] = {
    "设备在",   "机器在",  "服务器在", "设备位于",   "机器位于",  "位于",     "地址在",   "设备地址在",
    "設備在",   "機器在",  "伺服器在", "联系我",     "请联系我",  "联系",     "找我",     "打我电话",
    "打我手机", "打这个",  "有事打",   "有事联系",   "有事找",    "电联",     "請聯繫我", "聯繫我",
    "聯絡我",   "call me", "callme",   "contact me", "contactme", "reach me", "reachme",  NULL
  };
  GString *t = g_string_new(NULL);
  for (const char *p = rest; *p; p = g_utf8_next_char(p)) {
    gunichar ch = g_utf8_get_char(p);
    if (g_unichar_isalnum(ch) || ch == ' ')
      g_string_append_unichar(t, g_unichar_tolower(ch));
  }
  g_strstrip(t->str);
  t->len = strlen(t->str);
  /* "打我手机吧": a particle at the end says nothing more */
  for (const char *const *q = (const char *const[]){ "吧", "啊", "哈", "呢", "哦", "呀", NULL }; *q; q++)
    if (g_str_has_suffix(t->str, *q) && t->len > strlen(*q))
      g_string_truncate(t, t->len - strlen(*q));
  gboolean only = FALSE;
  for (guint i = 0; phrases[i] && !only; i++)
    only = strcmp(t->str, phrases[i]) == 0;
  g_string_free(t, TRUE);
  return only;
}

/* A line that corrects a number given above ("不好意思电话写错了，应该是 138…"): a field's, no
 * symptom (blind round 15: the acknowledgement quoted it as the problem). */
static gboolean
phone_correction(const ParserConfig *c, const char *l, gsize len)
{
  static const char *const words[] = { "写错", "寫錯", "打错", "打錯",         "错了",       "錯了", "不对",
                                       "不對", "更正", "纠正", "wrong number", "correction", NULL };
  gboolean said = FALSE;
  for (guint i = 0; words[i] && !said; i++)
    said = g_strstr_len(l, len, words[i]) != NULL;
  if (!said || !parser_re_test(c, PARSER_RE_PHONE, l, len))
    return FALSE;
  g_autofree char *line = g_strndup(l, len);
  return !parser_has_fault_words(c, line);
}

/* The customer's words without the lines that only carried field values. */
static char *
symptom_text(const ParserConfig *c, const ParserSources *s, const char *text)
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
    if (g_utf8_strlen(t, -1) > 24 && !parser_re_test(c, PARSER_RE_SIG_LINE, t, strlen(t)))
      break; /* a long line says something, unless it is a company's ("Qianhai Cloudsail (HK) Ltd.") */
    if (name_line(c, t)) {
      stop = i;
      break;
    }
  }
  /* A text that starts with a pasted log and has the customer's Chinese words below it ("[1000.000000]
   * ACPI Error: …" … "帮忙看一下这台机器，CPU一直降频过热"): the words first, then the log (blind round
   * 14b: the acknowledgement's 问题描述 was the first log line, the words cut off with the log's end).
   * Only then: a description that starts with words keeps its order. */
  guint first = 0;
  while (first < stop && !*lines[first])
    first++;
  gboolean words_first = first < stop && !parser_has_han(lines[first], strlen(lines[first])) &&
                         parser_log_line(lines[first], strlen(lines[first]));
  gboolean han_below = FALSE;
  for (guint i = first + 1; words_first && i < stop && !han_below; i++)
    han_below = parser_has_han(lines[i], strlen(lines[i]));
  words_first = words_first && han_below;
  GString *out = g_string_new(NULL);
  gboolean full = FALSE;
  for (guint n = 0; n < (words_first ? 2u : 1u) * stop && !full; n++) {
    guint i = n % stop;
    const char *l = lines[i];
    gsize len = strlen(l);
    if (len == 0 || (words_first && parser_has_han(l, len) != (n < stop)))
      continue;
    if (out->len >= PARSER_SYMPTOMS_MAX) {
      /* A pasted log of 100 KB is not read by anyone from an order: keep its start. */
      g_string_append(out, "\n…");
      full = TRUE;
      continue;
    }
    /* Three characters still say something ("亮红灯"); less is a leftover ("为", "急") unless it is a
     * fault word: "RCS… 宕机" from a phone says it all. */
    glong words = residue(c, s, l, NULL);
    g_autofree char *rest = NULL; /* only a short line's: what is left of it */
    if (words >= 3 && words <= 8)
      residue(c, s, l, &rest);
    if ((words < 3 && (words == 0 || !short_fault(c, s, l))) || (rest && call_me_only(rest)) ||
        parser_re_test(c, PARSER_RE_PERSON_LINE, l, len) ||
        (lead_in(l, len) && parser_fault_tag_count(c, l) == 0) /* not "RCS… 内存告警，日志如下：" */ ||
        parser_chat_header(l) || phone_correction(c, l, len))
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
      if (lm.ov[0] > 0 && residue(c, s, l + lm.ov[0], NULL) < 3) {
        gsize cut = lm.ov[0];
        while (cut > 0 && (l[cut - 1] == ' ' || l[cut - 1] == '\t'))
          cut--;
        len = cut;
        break;
      }
      lpos = lm.ov[1] > lpos ? lm.ov[1] : lpos + 1;
    }
    parser_match_clear(&lm);
    /* "下面这台宕机了：" over the SN it introduces: the colon points at nothing once the SN is a field */
    while (len > 0 && (l[len - 1] == ':' || l[len - 1] == ' '))
      len--;
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
  g_autofree char *cut = parser_cut_value(c, first);
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
  g_autofree char *fold = parser_casefold(all);
  /* Short Latin words (OS, SAS, fan) only as whole words. */
  g_autofree guint8 *hit = g_malloc0(c->symptom_tags->len + 1);
  parser_tags_find(c, fold, TRUE, hit);
  for (guint i = 0; i < c->symptom_tags->len; i++) {
    const ParserTag *t = g_ptr_array_index(c->symptom_tags, i);
    if (hit[i])
      g_ptr_array_add(r->symptom_tags, g_strdup(t->name));
  }
}

static gint
longer_raw_first(gconstpointer a, gconstpointer b)
{
  gsize la = strlen(*(char *const *)a), lb = strlen(*(char *const *)b);
  return (la < lb) - (la > lb);
}

/* "见附件", "如图", "see attached" alone, or with only pleasantries and document words around it
 * ("报修单见附件，请查收，谢谢！", "报修单在附件里。"; labels.ini pointer_filler): the description is
 * elsewhere, not in the text. "服务器最近很卡，附件里是日志" says something itself. */
static gboolean
only_pointer(const ParserConfig *c, const char *symptoms)
{
  if (strlen(symptoms) > 96 || parser_fault_tag_count(c, symptoms) > 0)
    return FALSE;
  g_autofree char *fold = parser_casefold(symptoms);
  GString *left = g_string_new(fold);
  gboolean pointed = FALSE;
  char **lists[] = { c->no_symptoms, c->pointer_filler };
  for (guint l = 0; l < G_N_ELEMENTS(lists); l++)
    for (guint i = 0; lists[l] && lists[l][i]; i++) {
      if (!*lists[l][i])
        continue;
      guint n = g_string_replace(left, lists[l][i], " ", 0);
      pointed |= l == 0 && n > 0;
    }
  /* what is left: letters, digits and Han only */
  glong rest = 0;
  for (const char *p = left->str; *p; p = g_utf8_next_char(p))
    rest += g_unichar_isalnum(g_utf8_get_char(p)) ? 1 : 0;
  g_string_free(left, TRUE);
  return pointed && rest <= 2;
}

/* Bytes of own text beyond which a mail is no supplement (about 250 Chinese characters). */
#define SUPPLEMENT_MAX 768

/* "刚才发的邮件忘了写地址：…": the customer's own words add to an earlier mail and tell no fault of
 * their own. A forward, or a mail naming its order or answering a mail (References), is no
 * supplement: it is read as what it is. */
static gboolean
supplement(const ParserConfig *c, const ParserSources *s, const ParserRequest *r)
{
  /* a supplement is a short note: a long text is a report of its own (and scanning it costs) */
  if (r->forwarded || r->followup_of || r->references->len > 0 || !s->main || !c->supplement_words ||
      strlen(s->main) > SUPPLEMENT_MAX)
    return FALSE;
  /* the words first (mostly absent): Chinese ones as written, Latin ones lower-cased */
  g_autofree char *lower = NULL;
  gboolean said = FALSE;
  for (guint i = 0; c->supplement_words[i] && !said; i++) {
    const char *w = c->supplement_words[i];
    if (!*w)
      continue;
    if ((guchar)w[0] >= 0x80)
      said = strstr(s->main, w) != NULL;
    else
      said = strstr(lower ? lower : (lower = g_ascii_strdown(s->main, -1)), w) != NULL;
  }
  if (!said || !r->symptoms)
    return said;
  /* "刚才报的那台硬盘黄灯的机器，补充下信息：…": the clause with the word names the machine by its
   * fault, it tells none (blind round 15: a second order with no SN); the rest must tell none */
  GString *rest = g_string_new(NULL);
  g_auto(GStrv) clauses = g_regex_split_simple("[，,。；;:：\n]", r->symptoms, 0, 0);
  for (guint i = 0; clauses[i]; i++) {
    gboolean names = FALSE;
    for (guint k = 0; c->supplement_words[k] && !names; k++)
      names = *c->supplement_words[k] && (guchar)c->supplement_words[k][0] >= 0x80 &&
              strstr(clauses[i], c->supplement_words[k]) != NULL;
    if (!names)
      g_string_append_printf(rest, "%s\n", clauses[i]);
  }
  gboolean fault = parser_fault_tag_count(c, rest->str) > 0 || parser_has_fault_words(c, rest->str);
  g_string_free(rest, TRUE);
  return !fault;
}

/* Nothing in the text says what is wrong but the subject does ("RC-R4290G G5 两块GPU掉卡 nvidia-smi只
 * 识别6张 急"): the subject without the SN, model and labels it holds. NULL unless it names a fault. */
static char *
symptoms_from_subject(const ParserConfig *c, const ParserRequest *r, const char *subject)
{
  if (!subject || !*subject)
    return NULL;
  GString *t = g_string_new(subject);
  const char *drop[] = { r->sn, r->model, r->contact, r->phone };
  for (guint i = 0; i < G_N_ELEMENTS(drop); i++)
    for (char *at; drop[i] && *drop[i] && (at = strstr(t->str, drop[i]));)
      memset(at, ' ', strlen(drop[i]));
  for (guint i = 0; i < r->sn_candidates->len; i++)
    for (char *at; (at = strstr(t->str, g_ptr_array_index(r->sn_candidates, i)));)
      memset(at, ' ', strlen(g_ptr_array_index(r->sn_candidates, i)));
  ParserMatch m = { 0 }; /* the labels they leave behind ("SN:") */
  for (gsize pos = 0; pos < t->len && parser_re_match(c, PARSER_RE_ANY_LABEL, t->str, t->len, pos, &m);) {
    memset(t->str + m.ov[0], ' ', m.ov[1] - m.ov[0]);
    pos = m.ov[1] > pos ? m.ov[1] : pos + 1;
  }
  parser_match_clear(&m);
  GString *out = g_string_new(NULL); /* blanks squeezed */
  for (const char *p = t->str; *p; p++)
    if ((*p != ' ' && *p != '\t') || (out->len && out->str[out->len - 1] != ' '))
      g_string_append_c(out, *p == '\t' ? ' ' : *p);
  g_string_free(t, TRUE);
  char *v = g_strstrip(g_string_free(out, FALSE));
  if (!*v || parser_fault_words(c, v, strlen(v)) <= 0) {
    g_free(v);
    return NULL;
  }
  return v;
}

/* A labelled description, else the own words without the field lines; for a forward the
 * forwarded mail's words (the cover note is rarely the problem); else a subject that names the
 * fault. Then the keyword tags. */
void
parser_extract_symptoms(const ParserConfig *c, ParserSources *s, ParserRequest *r)
{
  /* Field values come out of a line longest first: an address cut from "地址：… 联系人：王工 139…"
   * holds no other value, but a short value ("王工") may be part of a longer one. */
  g_ptr_array_sort(s->raw, longer_raw_first);
  r->symptoms = symptoms_labelled(c, s->main);
  /* our own acknowledgement forwarded back with a new fault above it: the customer's words are the
   * new fault, not the 问题 our mail repeats (blind round 21) */
  const char *fwd = s->fwd_ours && s->main ? NULL : s->fwd;
  if (!r->symptoms)
    r->symptoms = symptoms_labelled(c, fwd);
  if (!r->symptoms && fwd) {
    r->symptoms = symptom_text(c, s, s->fwd);
    /* "第3块盘已 Failed…，麻烦今晚安排更换，设备信息见下面第一封邮件" above the thread it sends on:
     * the forwarder tells the fault as it is now, the forwarded mail how it began — both */
    g_autofree char *cover = r->symptoms ? symptom_text(c, s, s->main) : NULL;
    if (cover && parser_has_fault_words(c, cover)) {
      char *both = g_strconcat(cover, "\n", r->symptoms, NULL);
      g_free(r->symptoms);
      r->symptoms = both;
    }
  }
  if (!r->symptoms)
    r->symptoms = symptom_text(c, s, s->main);
  if (r->symptoms && only_pointer(c, r->symptoms))
    g_clear_pointer(&r->symptoms, g_free);
  r->supplement = supplement(c, s, r);
  /* the customer's own words or the forwarded ones (a manager's "请处理" over the chase) */
  const char *said = r->symptoms ? r->symptoms : s->main;
  r->chase =
    !r->supplement && !r->followup_of && r->references->len == 0 && said && parser_word_in(c->chase, said);
  if (r->supplement)
    g_clear_pointer(&r->symptoms, g_free);
  if (!r->symptoms && !r->followup_of)
    r->symptoms = symptoms_from_subject(c, r, s->subject);
  tags(c, r, s->subject);
  /* a chase of a quote or a question ("续保报价还没消息") is no repair's (blind round 14c) */
  for (guint i = 0; r->chase && i < r->symptom_tags->len; i++) {
    const char *t = g_ptr_array_index(r->symptom_tags, i);
    if (strcmp(t, "quote") == 0 || strcmp(t, "consultation") == 0 || strcmp(t, "install") == 0)
      r->chase = FALSE;
  }
}
