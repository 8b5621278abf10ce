/* extract-contact.c: the contact person (labelled, the name next to a phone, the name that signs). */
#include "parser-private.h"

#include <string.h>

static void strip_title(char *v);
static gsize surname_len(const ParserConfig *c, const char *v);

/* A name is kept when it holds none of the stop words and is name-sized. */
static char *
clean_name(const ParserConfig *c, const char *raw)
{
  if (!raw)
    return NULL;
  g_autofree char *v = g_strstrip(g_strdup(raw));
  /* Cut a Chinese run at the first stop word: "王工电话" → "王工". */
  g_autofree char *fold = parser_casefold(v);
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
      if (!parser_whole_word_at(fold, off, wl))
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

/* The length of the words at the start of a contact value that mean the writer ("联系人：我本人 陈思远",
 * "联系人：本人，138…"), blanks and commas after them included; 0 when none. */
static gsize
self_words(const char *v)
{
  static const char *const self[] = { "我本人", "本人", "我自己", "就是我", "是我", "我", NULL };
  gsize at = strspn(v, " \t");
  for (const char *const *w = self; *w; w++)
    if (g_str_has_prefix(v + at, *w)) {
      at += strlen(*w);
      while (v[at] == ' ' || v[at] == '\t' || v[at] == ',' || v[at] == ':')
        at++;
      return at;
    }
  return 0;
}

/* "Manufacturer Name : Supermicro", "Product Name", "Host Name" (a pasted BMC or dmidecode page): the
 * label "Name" after another Latin word on its line names a thing, not the person to call. */
static gboolean
thing_name(const char *text, gsize at)
{
  if (g_ascii_strncasecmp(text + at, "name", 4) != 0)
    return FALSE;
  gsize i = at;
  while (i > 0 && (text[i - 1] == ' ' || text[i - 1] == '\t'))
    i--;
  return i < at && i > 0 && g_ascii_isalpha(text[i - 1]);
}

/* Whether v[0, n) is a place's name as written (北京, 北京市, 海淀, 海淀区). */
static gboolean
place_named(const ParserConfig *c, const char *v, gsize n)
{
  g_autofree char *w = g_strndup(v, n), *city = NULL, *district = NULL;
  if (!parser_places_find(c->places, w, &city, &district))
    return FALSE;
  for (const char *name = city; name; name = name == city ? district : NULL) {
    gsize nl = strlen(name);
    if (strcmp(name, w) == 0 || (nl > 3 && nl - 3 == n && strncmp(name, w, n) == 0))
      return TRUE;
  }
  return FALSE;
}

/* The department or place a contact value starts with ("联系人：信息科 周工", "北京 IT 王建國",
 * "运维部张伟"): its length in bytes, 0 when the value starts with the person. A surname with a
 * unit's character is a title (王部长, 李科长), not a department. */
static gsize
unit_prefix(const ParserConfig *c, const char *v)
{
  /* 值班 (a duty desk: "运维值班 王工", blind round 18), 班 (a shift) */
  static const char *const units[] = { "办公室", "辦公室", "中心", "科", "部", "处", "處",   "室", "组",
                                       "組",     "办",     "辦",   "队", "隊", "站", "值班", "班", NULL };
  gsize best = 0;
  for (const char *const *u = units; *u; u++) {
    const char *hit = strstr(v, *u);
    if (!hit || hit == v)
      continue;
    gsize end = (gsize)(hit - v) + strlen(*u);
    if (!best || end < best)
      if (g_utf8_strlen(v, (gssize)end) >= 3 || surname_len(c, v) == 0)
        best = end;
  }
  if (best)
    return best;
  /* a place: 2 to 4 characters */
  glong n = 0;
  for (const char *p = v; *p && n < 4; n++) {
    p = g_utf8_next_char(p);
    if (n >= 1 && place_named(c, v, (gsize)(p - v)))
      best = (gsize)(p - v);
  }
  return best;
}

/* The person after a department or place that started a contact value: the rest of the value, or
 * (the value was only that) the next Han name or capitalised Latin name after blanks and Latin
 * abbreviations (IT, OPS) on the same line. */
static char *
name_after_unit(const ParserConfig *c, const char *v, gsize unit, const char *rest)
{
  if (v[unit])
    return parser_han_name_plausible(c, v + unit) ? clean_name(c, v + unit) : NULL;
  const char *p = rest;
  for (;;) {
    while (*p == ' ' || *p == '\t' || *p == '/' || *p == '-')
      p++;
    gsize caps = 0;
    while (g_ascii_isupper(p[caps]))
      caps++;
    if (caps >= 2 && (p[caps] == ' ' || p[caps] == '\t'))
      p += caps;
    else
      break;
  }
  const char *e = p;
  while (*e && g_unichar_get_script(g_utf8_get_char(e)) == G_UNICODE_SCRIPT_HAN)
    e = g_utf8_next_char(e);
  if (e == p)
    return NULL;
  g_autofree char *name = g_strndup(p, (gsize)(e - p));
  return parser_han_name_plausible(c, name) ? clean_name(c, name) : NULL;
}

/* "孙 磊", "欧阳　娜娜" (a WeChat paste spaces the name out): v is a surname alone and after it come one
 * blank and one or two Han characters that end the name — the name without the blank (caller frees),
 * else NULL (blind round 19: the contact was lost). */
static char *
surname_spaced(const ParserConfig *c, const char *v, const char *after)
{
  gsize sl = surname_len(c, v);
  if (!sl || v[sl] || *after != ' ')
    return NULL;
  const char *g = after + 1, *e = g;
  guint n = 0;
  while (*e && n < 3 && g_unichar_get_script(g_utf8_get_char(e)) == G_UNICODE_SCRIPT_HAN) {
    e = g_utf8_next_char(e);
    n++;
  }
  if (n < 1 || n > 2)
    return NULL;
  g_autofree char *given = g_strndup(g, (gsize)(e - g));
  return g_strconcat(v, given, NULL);
}

/* A labelled contact name; *self (may be NULL) is set when a label names the writer only ("联系人：本人"). */
static char *
contact_labelled(const ParserConfig *c, ParserSources *s, const char *text, gboolean keep, gboolean *self)
{
  if (!text)
    return NULL;
  gsize len = strlen(text), pos = 0;
  ParserMatch m = { 0 };
  char *found = NULL, *first = NULL;
  /* the first labelled, unless an on-site one follows ("报修人：周敏（总部）010-…" / "现场联系人：何川
   * 139…": the engineer goes to 何川, blind round 21) */
  while (!found && pos < len && parser_re_match(c, PARSER_RE_CONTACT_LABELLED, text, len, pos, &m)) {
    if (thing_name(text, m.ov[0])) {
      pos = m.ov[1] > pos ? m.ov[1] : pos + 1;
      continue;
    }
    gboolean onsite = parser_re_test(c, PARSER_RE_ONSITE, text + m.ov[0], m.ov[2] - m.ov[0]);
    g_autofree char *v = parser_match_group(&m, text, 1);
    gsize skip = self_words(v);
    gsize unit = (guchar)v[skip] >= 0x80 ? unit_prefix(c, v + skip) : 0;
    gsize at = m.ov[2] + skip; /* where found is in text */
    if (unit) {
      found = name_after_unit(c, v + skip, unit, text + m.ov[3]);
      const char *where = found ? strstr(text + m.ov[2] + skip, found) : NULL;
      at = where ? (gsize)(where - text) : at;
    } else {
      g_autofree char *spaced = surname_spaced(c, v + skip, text + m.ov[3]);
      found = clean_name(c, spaced ? spaced : v + skip);
    }
    if (!found && skip && self)
      *self = TRUE;
    if (found && keep)
      parser_extract_keep_raw(s, text, at, at + strlen(found));
    if (found) {
      strip_title(found);
      /* a Japanese honorific: "張偉様", "山田さん" */
      if (g_str_has_suffix(found, "様") && g_utf8_strlen(found, -1) > 2)
        found[strlen(found) - strlen("様")] = '\0';
      else if (g_str_has_suffix(found, "さん") && g_utf8_strlen(found, -1) > 3)
        found[strlen(found) - strlen("さん")] = '\0';
      if (!onsite && !first) {
        first = g_steal_pointer(&found); /* an on-site one may follow */
      } else if (!onsite) {
        g_clear_pointer(&found, g_free);
      }
    }
    pos = m.ov[1] > pos ? m.ov[1] : pos + 1;
  }
  parser_match_clear(&m);
  if (found) {
    g_free(first);
    return found;
  }
  return first;
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

gboolean
parser_has_stop_word(const ParserConfig *c, const char *v)
{
  g_autofree char *fold = parser_casefold(v);
  for (guint i = 0; c->contact_stop && c->contact_stop[i]; i++) {
    const char *w = c->contact_stop[i];
    if (!*w)
      continue;
    for (const char *hit = strstr(fold, w); hit; hit = strstr(hit + 1, w)) {
      gsize off = hit - fold, wl = strlen(w);
      if ((guchar)w[0] >= 0x80 || parser_whole_word_at(fold, off, wl))
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
gboolean
parser_han_name_plausible(const ParserConfig *c, const char *v)
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
  if (parser_has_stop_word(c, v))
    return FALSE;
  if (!strchr(v, ' ') && !alone)
    return FALSE;
  g_autofree char *city = NULL, *district = NULL;
  if (parser_places_find(c->places, v, &city, &district))
    return FALSE;
  return TRUE;
}

/* Drops leading lead words before a Han name: "找王工", "联系张三", "我是李娜", "请联系刘", "我姓王". */
static const char *
after_lead(const char *v)
{
  static const char *const leads[] = { "请联系", "联系", "聯繫", "聯絡", "我是",   "找", "是",
                                       "叫",     "致电", "打给", "我姓", "免贵姓", NULL };
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

/* Drops a job title before a Han name: "车间主任老梁" → "老梁", "网管小陈" → "小陈". NULL when none. */
static const char *
after_title(const char *v)
{
  static const char *const titles[] = { "主任", "经理", "工程师", "师傅",   "网管",   "主管", "科长",
                                        "处长", "组长", "值班员", "管理员", "负责人", NULL };
  const char *best = NULL;
  for (const char *const *t = titles; *t; t++)
    for (const char *hit = strstr(v, *t); hit; hit = strstr(hit + 1, *t)) {
      const char *after = hit + strlen(*t);
      if (!best || after > best)
        best = after;
    }
  return best && *best ? best : NULL;
}

/* The name written right before (or, failing that, right after) the phone number text[start, end):
 * "王工 139…", "何军 电话 139…", "Tom 137…", "… 139… 老王". Only plausible names. */
static char *
name_at_phone(const ParserConfig *c, const char *text, gsize len, gsize start, gsize end)
{
  char *found = NULL;
  /* the line's start, or 256 bytes back on a long line: a name stands next to its number, and a
   * megabyte line of numbers must not be read back once per number (6.7 s for 90,000 of them) */
  gsize ls = parser_line_start_near(text, start, 256);
  /* "找李工（李向东）138…": the full name in brackets; else the name before the brackets */
  gsize pe = start;
  while (pe > ls && (text[pe - 1] == ' ' || text[pe - 1] == '\t'))
    pe--;
  gsize close = pe >= ls + 3 && !memcmp(text + pe - 3, "）", 3) ? 3 : pe > ls && text[pe - 1] == ')' ? 1 : 0;
  for (gsize o = pe - close; close && o > ls && pe - o <= 40; o--) {
    gsize open = !memcmp(text + o - 1, "(", 1) ? 1 : o >= ls + 3 && !memcmp(text + o - 3, "（", 3) ? 3 : 0;
    if (!open)
      continue;
    g_autofree char *inner = g_strstrip(g_strndup(text + o, pe - close - o));
    if ((guchar)inner[0] >= 0x80 && parser_han_name_plausible(c, inner) && !parser_has_stop_word(c, inner))
      return g_steal_pointer(&inner);
    start = o - open; /* "李工（工程师）138…": the name before them */
    break;
  }
  ParserMatch n = { 0 };
  if (parser_re_match(c, PARSER_RE_NAME_BEFORE_PHONE, text, start, ls, &n)) {
    g_autofree char *v = parser_match_group(&n, text, 1);
    gboolean han = (guchar)v[0] >= 0x80;
    if (han) {
      const char *name = v;
      if (!parser_han_name_plausible(c, name)) {
        const char *lead = after_lead(v);
        name = lead && parser_han_name_plausible(c, lead) ? lead : NULL;
        const char *titled = name ? NULL : after_title(lead ? lead : v);
        if (titled && parser_han_name_plausible(c, titled))
          name = titled;
      }
      if (name && !parser_has_stop_word(c, name))
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
    gsize le = parser_line_end_near(text, end, 256); /* as ls above */
    if (parser_re_match(c, PARSER_RE_NAME_AFTER_PHONE, text, le, end, &n)) {
      g_autofree char *v = parser_match_group(&n, text, 1);
      gboolean han = (guchar)v[0] >= 0x80;
      /* "… 138… - Mike": a dash before a lone first name signs the line */
      g_autofree char *gap = g_strndup(text + end, n.ov[2] - end);
      gboolean signed_ = strchr(gap, '-') || strstr(gap, "—") || strstr(gap, "–");
      if (han ? parser_han_name_plausible(c, v) && !parser_has_stop_word(c, v)
              : latin_name_plausible(c, v, signed_))
        found = g_steal_pointer(&v);
    }
  }
  parser_match_clear(&n);
  return found;
}

/* Whether the digits of text[start, end) end with those of phone ("+86 139-1111-2222" and
 * "13911112222"; "022-2740 1234" and "022-27401234"). */
static gboolean
is_phone(const char *text, gsize start, gsize end, const char *phone)
{
  GString *a = g_string_new(NULL), *b = g_string_new(NULL);
  for (gsize i = start; i < end; i++)
    if (g_ascii_isdigit(text[i]))
      g_string_append_c(a, text[i]);
  for (const char *p = phone; *p; p++)
    if (g_ascii_isdigit(*p))
      g_string_append_c(b, *p);
  gboolean r = b->len >= 7 && a->len >= b->len && strcmp(a->str + a->len - b->len, b->str) == 0;
  g_string_free(a, TRUE);
  g_string_free(b, TRUE);
  return r;
}

/* The name written next to a phone number in text: next to the phone already chosen (phone, may be
 * NULL: the on-site number over the requester's own) first, else next to the first number that has
 * one. A wrong name is worse than none (then `missing` asks the customer). */
static char *
contact_before_phone(const ParserConfig *c, ParserSources *s, const char *text, const char *phone)
{
  if (!text)
    return NULL;
  gsize len = strlen(text);
  ParserMatch m = { 0 };
  char *found = NULL;
  for (int pass = phone ? 0 : 1; pass < 2 && !found; pass++)
    for (gsize pos = 0; !found && pos < len && parser_re_match(c, PARSER_RE_PHONE, text, len, pos, &m);) {
      gsize start = m.ov[0], end = m.ov[1];
      pos = end > pos ? end : pos + 1;
      if (pass == 0 && !is_phone(text, start, end, phone))
        continue;
      found = name_at_phone(c, text, len, start, end);
    }
  parser_match_clear(&m);
  if (found)
    g_ptr_array_add(s->raw, g_strdup(found));
  return found;
}

/* A line that holds nothing but a name: a plausible Han name, or 2–3 capitalised Latin words. */
static char *
name_line(const ParserConfig *c, const char *line)
{
  g_autofree char *l = g_strstrip(g_strdup(line));
  if (!*l || g_utf8_strlen(l, -1) > 24)
    return NULL;
  gboolean han = (guchar)l[0] >= 0x80;
  /* a unit before the person ("东丽区政务服务中心 信息科 马骁", blind round 19): the last word, when the
   * word before it names a department */
  const char *last = han ? strrchr(l, ' ') : NULL;
  if (last && g_utf8_strlen(last + 1, -1) <= 3 && parser_han_name_plausible(c, last + 1) &&
      !parser_has_stop_word(c, last + 1)) {
    static const char *const units[] = { "科", "部", "处", "處", "室", "中心",
                                         "组", "組", "局", "所", "院", NULL };
    g_autofree char *before = g_strstrip(g_strndup(l, (gsize)(last - l)));
    for (guint k = 0; units[k]; k++)
      if (g_str_has_suffix(before, units[k]))
        return g_strdup(last + 1);
  }
  if (han)
    return parser_han_name_plausible(c, l) && !parser_has_stop_word(c, l) ? g_steal_pointer(&l) : NULL;
  for (const char *p = l; *p; p++)
    if (!(g_ascii_isalpha(*p) || *p == ' ' || *p == '-' || *p == '.'))
      return NULL;
  strip_title(l);
  return g_ascii_isupper(l[0]) && latin_name_plausible(c, l, FALSE) ? g_steal_pointer(&l) : NULL;
}

/* Where the text before a number at start ends when it is only a phone label ("电话 ", "Tel: "),
 * else 0. */
static gsize
phone_label_end(const char *line, gsize start)
{
  static const char *const labels[] = {
    "电话", "電話", "手机", "手機", "座机", "Tel", "Mobile", "Phone", NULL
  };
  g_autofree char *head = g_strstrip(g_strndup(line, start));
  if (g_str_has_suffix(head, ":"))
    head[strlen(head) - 1] = '\0';
  else if (g_str_has_suffix(head, "："))
    head[strlen(head) - strlen("：")] = '\0';
  g_strstrip(head);
  for (guint k = 0; labels[k]; k++)
    if (g_ascii_strcasecmp(head, labels[k]) == 0)
      return start;
  return 0;
}

/* A signature block the splitter did not cut off (the forwarded mail's, inside the forward):
 * a phone alone on its line, and a line holding only a name at most two lines above it
 * ("刘洋 / 杭州云帆科技 / 158…"). */
static char *
contact_above_phone(const ParserConfig *c, ParserSources *s, const char *text)
{
  if (!text || !*text)
    return NULL; /* g_strsplit("") is empty: lines[1] would be past its end */
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  char *found = NULL;
  for (guint i = 1; lines[0] && lines[i] && !found; i++) {
    ParserMatch m = { 0 };
    gsize len = strlen(lines[i]);
    gboolean phone = parser_re_match(c, PARSER_RE_PHONE, lines[i], len, 0, &m);
    /* nothing but the number (and blanks or punctuation) on its line, or a phone label before it
     * ("电话 022-84371290") */
    gsize from = phone ? phone_label_end(lines[i], (gsize)m.ov[0]) : 0;
    for (gsize k = from; phone && k < len; k++)
      if ((k < (gsize)m.ov[0] || k >= (gsize)m.ov[1]) &&
          (g_ascii_isalnum(lines[i][k]) || (guchar)lines[i][k] >= 0x80))
        phone = FALSE;
    parser_match_clear(&m);
    for (guint up = 1; phone && up <= 2 && up <= i && !found; up++)
      found = name_line(c, lines[i - up]);
  }
  if (found)
    g_ptr_array_add(s->raw, g_strdup(found));
  return found;
}

/* The first line of a signature that is only a name ("周晨曦", "Markus Weber"). */
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
    if (parser_re_test_str(c, PARSER_RE_SIGNATURE, l) || parser_re_test_str(c, PARSER_RE_CLOSING, l) ||
        parser_re_test_str(c, PARSER_RE_GREETING, l))
      continue;
    ParserMatch m = { 0 };
    if (parser_re_match(c, PARSER_RE_CHINESE_NAME, l, strlen(l), 0, &m) && m.ov[2] <= 1) {
      g_autofree char *v = parser_match_group(&m, l, 1);
      parser_match_clear(&m);
      char *name = clean_name(c, v);
      /* a department signs too ("运维中心", "信息科"): a Han name is a person's (blind round 21) */
      if (name && (guchar)name[0] >= 0x80 && !parser_han_name_plausible(c, name))
        g_clear_pointer(&name, g_free);
      if (name)
        return name;
    }
    parser_match_clear(&m);
  }
  return NULL;
}

/* "Tom 137…" from "Tom Xu <tom.xu@…>": the sender's full name when it starts with the given one. */
static void
contact_full_name(ParserRequest *r)
{
  if (!r->contact || !r->from_name || strchr(r->contact, ' ') || !g_ascii_isupper(r->contact[0]))
    return;
  gsize cl = strlen(r->contact);
  const char *f = r->from_name;
  if (strncmp(f, r->contact, cl) != 0 || f[cl] != ' ' || !g_ascii_isupper(f[cl + 1]) || strlen(f) >= 40)
    return;
  for (const char *p = f; *p; p++)
    if (!(g_ascii_isalpha(*p) || *p == ' ' || *p == '-'))
      return;
  g_free(r->contact);
  r->contact = g_strdup(f);
}

/* A sender's display name (the forwarded mail's, or the writer's) as a person's name: "张伟", "王芳",
 * "Li, Na" → "Li Na"; not a company, a department or a mailbox name ("IT部", "service", "zhangwei"). */
static char *
contact_sender_name(const ParserConfig *c, const char *name)
{
  if (!name)
    return NULL;
  g_autofree char *v = g_strdup(name);
  g_strdelimit(v, ",", ' ');
  g_auto(GStrv) words = g_strsplit(g_strstrip(v), " ", -1);
  g_autofree char *joined = NULL;
  {
    g_autoptr(GStrvBuilder) b = g_strv_builder_new();
    for (guint i = 0; words[i]; i++)
      if (*words[i])
        g_strv_builder_add(b, words[i]);
    g_auto(GStrv) kept = g_strv_builder_end(b);
    joined = g_strjoinv(" ", kept);
  }
  if (!*joined || parser_has_stop_word(c, joined))
    return NULL;
  if ((guchar)joined[0] >= 0x80) {
    g_autofree char *han = g_strdup(joined);
    g_strdelimit(han, " ", '\0'); /* "张伟 (IT)" → "张伟" */
    return parser_han_name_plausible(c, han) ? g_steal_pointer(&han) : NULL;
  }
  strip_title(joined);
  for (const char *p = joined; *p; p++)
    if (!(g_ascii_isalpha(*p) || *p == ' ' || *p == '-' || *p == '.'))
      return NULL;
  return g_ascii_isupper(joined[0]) && latin_name_plausible(c, joined, TRUE) ? g_steal_pointer(&joined)
                                                                             : NULL;
}

/* The sender's display name when the mail is signed with it on a line of its own ("宋佳" above
 * "北京…有限公司 采购部" / "010-…" that the splitter did not take for a signature), or ahead of
 * its department ("周敏 | 信息技术部 基础设施组": blind round 15). */
static char *
contact_signing_sender(const ParserConfig *c, const ParserSources *s, const char *from_name)
{
  g_autofree char *name = contact_sender_name(c, from_name);
  if (!name)
    return NULL;
  const char *texts[] = { s->main, s->sig };
  for (guint i = 0; i < G_N_ELEMENTS(texts); i++) {
    if (!texts[i])
      continue;
    g_auto(GStrv) lines = g_strsplit(texts[i], "\n", -1);
    for (guint k = 0; lines[k]; k++) {
      const char *l = g_strstrip(lines[k]);
      if (g_str_has_prefix(l, name) &&
          (!l[strlen(name)] || strchr(" |/,\t", l[strlen(name)]) ||
           g_str_has_prefix(l + strlen(name), "｜") || g_str_has_prefix(l + strlen(name), "，")))
        return g_steal_pointer(&name);
      /* signed with the given name alone ("Jerry" under "From: Jerry Zhou": blind round 17) */
      const char *space = strchr(name, ' ');
      if (space && (gsize)(space - name) >= 2 && g_ascii_strncasecmp(l, name, (gsize)(space - name)) == 0 &&
          (!l[space - name] || (strchr(".,!", l[space - name]) && !l[space - name + 1])))
        return g_steal_pointer(&name);
      /* "我姓冯" from 冯丽: the writer gives the surname of the name he sends under */
      if ((guchar)name[0] >= 0x80) {
        static const char *const leads[] = { "我姓", "本人姓", "免贵姓", "免貴姓", NULL };
        g_autofree char *surname = g_strndup(name, (gsize)(g_utf8_next_char(name) - name));
        for (guint j = 0; leads[j]; j++) {
          g_autofree char *said = g_strconcat(leads[j], surname, NULL);
          if (strstr(l, said))
            return g_steal_pointer(&name);
        }
      }
    }
  }
  return NULL;
}

gboolean
parser_forwarder_offers(const ParserConfig *c, const char *text)
{
  return parser_word_in(c->forwarder_contact, text) != NULL;
}

/* "我叫孙立强": the writer naming himself, in a mail that labels nothing (voice input). */
static char *
contact_self_named(const ParserConfig *c, const char *text)
{
  static const char *const leads[] = { "我叫", "本人叫", "我的名字是", "我的名字叫", NULL };
  for (guint i = 0; text && leads[i]; i++)
    for (const char *hit = strstr(text, leads[i]); hit; hit = strstr(hit + 1, leads[i])) {
      const char *p = hit + strlen(leads[i]);
      /* the longest plausible name of 2-4 Han characters right after it */
      for (glong n = 4; n >= 2; n--) {
        const char *e = p;
        glong k = 0;
        while (k < n && *e && g_unichar_get_script(g_utf8_get_char(e)) == G_UNICODE_SCRIPT_HAN) {
          e = g_utf8_next_char(e);
          k++;
        }
        if (k != n)
          continue;
        g_autofree char *v = g_strndup(p, (gsize)(e - p));
        if (parser_han_name_plausible(c, v) && !parser_has_stop_word(c, v))
          return g_steal_pointer(&v);
      }
    }
  /* "我是天津友谊数码的李伟": the writer's unit, then his name (blind round 22) — the name ends its
   * clause, so "我是运维部的" or "我是机房的值班人员" names nobody */
  for (const char *hit = text ? strstr(text, "我是") : NULL; hit; hit = strstr(hit + 1, "我是")) {
    const char *p = hit + strlen("我是"), *of = NULL;
    for (glong k = 0; *p && k < 24 && g_unichar_get_script(g_utf8_get_char(p)) == G_UNICODE_SCRIPT_HAN;
         k++, p = g_utf8_next_char(p))
      if (g_str_has_prefix(p, "的"))
        of = p + strlen("的");
    if (!of || of == p)
      continue;
    g_autofree char *v = g_strndup(of, (gsize)(p - of));
    if (g_utf8_strlen(v, -1) <= 3 && parser_han_name_plausible(c, v) && !parser_has_stop_word(c, v))
      return g_steal_pointer(&v);
  }
  return NULL;
}

gboolean
parser_forwarder_replaces(const ParserConfig *c, const ParserSources *s)
{
  return s->fwd && parser_forwarder_offers(c, s->main) && parser_word_in(c->forwarder_replaces, s->main);
}

/* The forwarder who offers to be called, by the name he signs or sends under. */
static char *
forwarder_himself(const ParserConfig *c, const ParserSources *s, const ParserRequest *r)
{
  char *v = contact_signature(c, s->sig);
  return v ? v : contact_sender_name(c, r->from_name);
}

/* Labelled, then the name written before a phone number; last the name that signs the mail,
 * when nothing else names a person. */
void
parser_extract_contact(const ParserConfig *c, ParserSources *s, ParserRequest *r)
{
  gboolean self = FALSE;
  r->contact = contact_labelled(c, s, s->main, TRUE, &self);
  if (!r->contact && !s->fwd)
    r->contact = contact_self_named(c, s->main);
  /* "联系人：本人": the writer, by the name he sends under */
  if (!r->contact && self && r->from_name && !s->fwd)
    r->contact = contact_sender_name(c, r->from_name);
  /* the forwarder who offers to be called (an on-site engineer forwarding the customer's mail): the
   * one to call, by the name he signs or sends under (blind round 11d: the forwarded mail's sender,
   * on leave) */
  /* a forwarder who takes the place of the contact the customer's mail names ("Please call me
   * instead of Ada, she is on leave": blind round 17) comes before that contact; one who only offers
   * to help does not (the customer's site contact is on site) */
  if (!r->contact && parser_forwarder_replaces(c, s))
    r->contact = forwarder_himself(c, s, r);
  if (!r->contact)
    r->contact = contact_labelled(c, s, s->fwd, TRUE, NULL);
  if (!r->contact && s->fwd && parser_forwarder_offers(c, s->main))
    r->contact = forwarder_himself(c, s, r);
  if (s->fwd && !s->fwd_nobody) {
    /* A forward: the end customer's words and signature before any of the forwarder's (issue 15),
     * whose own signature (a sales rep's name and mobile) must not stand for the customer. */
    if (!r->contact)
      r->contact = contact_before_phone(c, s, s->fwd, r->phone);
    if (!r->contact)
      r->contact = contact_above_phone(c, s, s->fwd);
    if (!r->contact)
      r->contact = contact_signature(c, s->fwd_sig);
    if (!r->contact)
      r->contact = contact_sender_name(c, s->fwd_name);
    if (!r->contact)
      r->contact = contact_before_phone(c, s, s->main, r->phone);
    contact_full_name(r); /* never the forwarder's signature: a sales rep is not the customer */
    return;
  }
  if (!r->contact)
    r->contact = contact_before_phone(c, s, s->main, r->phone);
  contact_full_name(r);
  if (!r->contact)
    r->contact = contact_signature(c, s->sig);
  if (!r->contact)
    r->contact = contact_signature(c, s->fwd_sig);
  if (!r->contact &&
      !parser_own_domain(c, r->from_addr)) /* our own sales rep passing a customer's fault on */
    r->contact = contact_signing_sender(c, s, r->from_name);
  /* a group mailbox sends ("数据中心运维组 <dcops@…>"), a person signs: "何勇 / 公司 部门 / 133…" */
  if (!r->contact)
    r->contact = contact_above_phone(c, s, s->main);
  if (!r->contact)
    r->contact = contact_labelled(c, s, s->subject, FALSE, NULL);
  /* everything in the subject ("RCS…宕机 东城 张工13911112222", blind round 21): the name at its number */
  if (!r->contact && r->phone)
    r->contact = contact_before_phone(c, s, s->subject, r->phone);
}

void
parser_extract_pair(const ParserConfig *c, ParserSources *s, ParserRequest *r)
{
  const char *text = s->fwd && !s->fwd_nobody ? s->fwd : s->main;
  if (!r->contact || !r->phone || !text)
    return;
  const char *at = strstr(text, r->contact);
  if (!at)
    return;
  gsize ls = parser_line_start_near(text, (gsize)(at - text), 256);
  gsize le = parser_line_end_near(text, (gsize)(at - text), 256);
  /* the contact's own line: a number of its own that was not taken (abroad, a switchboard) */
  ParserMatch m = { 0 };
  gboolean own_number = FALSE, taken_here = FALSE;
  for (gsize pos = ls; pos < le && parser_re_match(c, PARSER_RE_PHONE_OR_INTL, text, le, pos, &m);) {
    own_number = TRUE;
    taken_here = taken_here || is_phone(text, m.ov[0], m.ov[1], r->phone);
    pos = m.ov[1] > pos ? m.ov[1] : pos + 1;
  }
  parser_match_clear(&m);
  if (!own_number || taken_here)
    return;
  /* the number taken stands with another name: that person is the one to call */
  g_autofree char *other = contact_before_phone(c, s, text, r->phone);
  if (other && g_strcmp0(other, r->contact) != 0) {
    g_free(r->contact);
    r->contact = g_steal_pointer(&other);
  }
}
