/* extract-address.c: the street address, the labelled location and the city/district they name. */
#include "parser-private.h"

#include <string.h>

/* Blanks and separators off the end of a value cut out of a line (in place). */
static void
trim_trailing_separators(char *s)
{
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
}

/* Cuts a value at the next label inside it ("地址：… 联系人：…") and trims punctuation. */
char *
parser_cut_value(const ParserConfig *c, const char *v)
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
  trim_trailing_separators(s);
  return *s ? g_steal_pointer(&s) : NULL;
}

gboolean
parser_has_address_hint(const ParserConfig *c, const char *v)
{
  return parser_re_test_str(c, PARSER_RE_ADDRESS_HINT, v);
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
    gboolean hint = parser_has_address_hint(c, seg);
    if (out->len == 0 && !hint)
      continue; /* "同上", "不变" */
    if (out->len > 0 && (!hint || parser_re_test_str(c, PARSER_RE_PHONE, seg)))
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

/* The line after a labelled address that carries it on — "地址：江苏省苏州市工业园区" then
 * "      星湖街328号创意产业园12栋3楼", or the second line of an HTML cell ("…12号<br>门诊楼负一楼
 * 机房"): text[from, …) up to its line end, trimmed. Only a short line of address words: not a label,
 * no phone, no sentence, no fault, no SN. NULL: none. */
static char *
address_next_line(const ParserConfig *c, const char *text, gsize from)
{
  if (text[from] != '\n')
    return NULL;
  const char *next = text + from + 1;
  const char *nl = strchr(next, '\n');
  g_autofree char *l = g_strndup(next, nl ? (gsize)(nl - next) : strlen(next));
  g_strstrip(l);
  gsize n = strlen(l);
  /* an English address line runs longer and separates its parts with commas ("No. 55 Huanghai Road,
   * TEDA, Tianjin 300457, China"); a Chinese one with a comma is a sentence */
  gboolean latin = TRUE;
  for (const char *p = l; *p && latin; p = g_utf8_next_char(p))
    latin = g_unichar_get_script(g_utf8_get_char(p)) != G_UNICODE_SCRIPT_HAN;
  if (!*l || g_utf8_strlen(l, -1) > (latin ? 80 : 40) || !parser_has_address_hint(c, l) ||
      parser_re_test_str(c, PARSER_RE_LABEL_LINE, l) || parser_re_test_str(c, PARSER_RE_ANY_LABEL, l) ||
      parser_re_test_str(c, PARSER_RE_PHONE, l) || strpbrk(l, latin ? ";:!?" : ",;:!?") || strstr(l, "。") ||
      parser_fault_words(c, l, n) > 0)
    return NULL;
  /* a signature's department and person ("东丽区政务服务中心 信息科 马骁"): its last word a name (blind
   * round 19: glued onto the address, the contact lost) */
  const char *last = strrchr(l, ' ');
  if (last && g_utf8_strlen(last + 1, -1) <= 3 && parser_han_name_plausible(c, last + 1))
    return NULL;
  g_autoptr(GPtrArray) sns = g_ptr_array_new_with_free_func(g_free);
  parser_sn_find(c, l, sns);
  return sns->len ? NULL : g_steal_pointer(&l);
}

/* Lines of an address block after its first: company, room, street ("Site address:" / "Hoshino
 * Precision (Tianjin) Co., Ltd." / "Plant 2, 1F Server Room" / "No. 55 Huanghai Road, TEDA, …"). */
#define ADDRESS_MORE_LINES 3

/* value (ending at text[end], its line's end) and the lines after it that carry it on. */
static void
address_extend(const ParserConfig *c, ParserSources *s, const char *text, gsize end, char **value,
               gboolean keep)
{
  for (guint k = 0; *value && k < ADDRESS_MORE_LINES; k++) {
    g_autofree char *more = address_next_line(c, text, end);
    if (!more)
      return;
    gsize vl = strlen(*value);
    gboolean latin = g_ascii_isalnum((*value)[vl - 1]) || g_ascii_isalnum(more[0]);
    char *joined = g_strconcat(*value, latin ? " " : "", more, NULL);
    g_free(*value);
    *value = joined;
    const char *nl = strchr(text + end + 1, '\n');
    end = nl ? (gsize)(nl - text) : strlen(text);
    if (keep)
      g_ptr_array_add(s->raw, g_steal_pointer(&more));
  }
}

/* Whether a labelled value can be an address at all: address words or a known place
 * ("与上次报修一致" after "设备地址", "管理员" after "IP地址" are none). */
static gboolean
names_a_place(const ParserConfig *c, const char *v)
{
  if (parser_has_address_hint(c, v) || strpbrk(v, "0123456789"))
    return TRUE;
  g_autofree char *city = NULL, *district = NULL;
  return parser_places_find(c->places, v, &city, &district);
}

/* Whether a province, city or district starts v (after blanks). */
static gboolean
starts_with_place(const ParserConfig *c, const char *v)
{
  g_autofree char *city = NULL, *district = NULL;
  gsize pos = 0;
  return parser_places_find_at(c->places, v, &city, &district, &pos) && pos <= strspn(v, " ");
}

static char *
address_labelled(const ParserConfig *c, ParserSources *s, const char *text, gboolean keep)
{
  if (!text)
    return NULL;
  gsize len = strlen(text), pos = 0;
  ParserMatch m = { 0 };
  char *found = NULL;
  while (!found && pos < len && parser_re_match(c, PARSER_RE_ADDRESS_LABELLED, text, len, pos, &m)) {
    g_autofree char *v = parser_match_group(&m, text, 1);
    g_autofree char *cut = parser_cut_value(c, v);
    /* What was cut, as written: the rest of the line may hold other fields ("… 联系人：…"). */
    g_autofree char *as_written = g_strdup(cut);
    /* "邮箱地址：x@y" or "IP地址：10.0.0.1" are not street addresses. */
    if (cut)
      trim_address(c, &cut);
    /* "地址写错了…": a label run into the sentence, no separator — an address only when a place starts it */
    g_autofree char *head = g_strndup(text + m.ov[0], m.ov[2] - m.ov[0]);
    gboolean sep = strpbrk(head, ":=#|\t\n") || strstr(head, "为") || strstr(head, "是");
    if (cut && !sep && !starts_with_place(c, cut))
      g_clear_pointer(&cut, g_free);
    if (cut && !strchr(cut, '@') && g_utf8_strlen(cut, -1) >= 4 &&
        cut[strspn(cut, "0123456789.:/ ")] != '\0' && names_a_place(c, cut)) {
      found = g_steal_pointer(&cut);
      if (keep)
        g_ptr_array_add(s->raw, g_steal_pointer(&as_written));
      /* the rest of the line was the address (no other field after it): it may go on below */
      ParserMatch l = { 0 };
      gboolean more_fields = parser_re_match(c, PARSER_RE_ANY_LABEL, v, strlen(v), 0, &l);
      parser_match_clear(&l);
      if (!more_fields)
        address_extend(c, s, text, (gsize)m.ov[3], &found, keep);
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

/* A short word of a building's or campus's name ("望京 SOHO", "國際商會中心", "天津大学北洋园校区"), at
 * most 10 characters and no sentence in it (blind round 19: "…雅观路135号 天津大学北洋园校区 55教学楼B区
 * 机房" was cut after 135号). */
static gboolean
short_name_word(const char *w)
{
  static const char *const prose[] = { "我", "你", "您", "麻烦", "请", "謝", "谢", "的", "了", "吗", NULL };
  if (g_utf8_strlen(w, -1) > 10)
    return FALSE;
  for (guint k = 0; prose[k]; k++)
    if (strstr(w, prose[k]))
      return FALSE;
  return TRUE;
}

/* A word of digits (and '-', '+') only, four or more of them: part of a phone number, no house's. */
static gboolean
number_only(const char *w)
{
  guint digits = 0;
  for (const char *p = w; *p; p++) {
    if (g_ascii_isdigit(*p))
      digits++;
    else if (*p != '-' && *p != '+')
      return FALSE;
  }
  return digits >= 4;
}

/* Whether words[i], a word that is no address part by itself, is a building's name the address goes
 * on after: short words up to one that holds a number or an address word, at most three on (blind
 * round 17: "北京市朝阳区望京街 10 号 望京 SOHO T1 B2 机房" was cut after 10 号). */
static gboolean
before_more_address(const ParserConfig *c, char **words, guint i)
{
  for (guint j = i; words[j] && j <= i + 3; j++) {
    if (!*words[j])
      continue;
    /* a name and a number after the address are the contact's ("…35号 冯晓东 022-2321 5566") */
    if (!short_name_word(words[j]) || number_only(words[j]))
      return FALSE;
    if (j > i && (strpbrk(words[j], "0123456789") || parser_has_address_hint(c, words[j])))
      return TRUE;
  }
  return FALSE;
}

/* Whether an address candidate is really a sentence: it tells a fault or holds an SN. */
static gboolean
told_fault_or_sn(const ParserConfig *c, const char *v)
{
  if (parser_reports_fault(c, v))
    return TRUE;
  g_autoptr(GPtrArray) sns = g_ptr_array_new_with_free_func(g_free);
  parser_sn_find(c, v, sns);
  return sns->len > 0;
}

/* The address that starts at a known place (at), as far as the blank-separated words still look like
 * address parts; district: the place names one. NULL: none. */
static char *
address_from(const ParserConfig *c, const char *at, gboolean district)
{
  g_auto(GStrv) words = g_strsplit_set(at, " ", -1);
  GString *addr = g_string_new(NULL);
  for (guint i = 0; words[i]; i++) {
    if (!*words[i])
      continue;
    gboolean digit = strpbrk(words[i], "0123456789") != NULL;
    /* "A 区机房", "B 座": a letter or two before an address word */
    gboolean part = strlen(words[i]) <= 2 && g_ascii_isalpha(words[i][0]) &&
                    g_ascii_isalnum(words[i][1] ? words[i][1] : 'A') && words[i + 1] &&
                    parser_has_address_hint(c, words[i + 1]);
    if (addr->len > 0 && !digit && !part && !parser_has_address_hint(c, words[i]) &&
        !before_more_address(c, words, i))
      break;
    if (addr->len)
      g_string_append_c(addr, ' ');
    g_string_append(addr, words[i]);
  }
  /* Without a label, a street address has a number or names a district/county: "上海的机房"
   * is a place, "河北省怀来县东花园镇…产业园" an address. */
  if (g_utf8_strlen(addr->str, -1) < 6 || !parser_has_address_hint(c, addr->str) ||
      (!strpbrk(addr->str, "0123456789") && !district) || told_fault_or_sn(c, addr->str)) {
    g_string_free(addr, TRUE);
    return NULL;
  }
  return g_string_free(addr, FALSE);
}

/* An unlabelled address: in a stretch of text between punctuation that names a known place and
 * holds street-address words, from the place on, as long as the blank-separated words still
 * look like address parts ("成都高新区天府五街200号菁蓉汇3栋 我们的服务器…" stops at "我们"). */
static char *
address_in_segment(const ParserConfig *c, ParserSources *s, const char *seg, gsize len)
{
  g_autofree char *text = g_strndup(seg, len);
  /* from each place the stretch names, the first that starts an address: "河东分局机房服务器坏了 序列号…
   * 在天津市河东区十一经路 …" is no address at 河东 (its words tell a fault, hold an SN), but at 天津市
   * (blind round 19: the address was "河东分局机房服务器坏了 序列号RCS-…") */
  gsize from = 0;
  for (guint tries = 0; tries < 4 && from < len; tries++) {
    g_autofree char *city = NULL, *district = NULL;
    gsize pos = 0;
    if (!parser_places_find_at(c->places, text + from, &city, &district, &pos) &&
        !parser_places_find_shared(c->places, text + from, NULL, &city, &district, NULL, &pos))
      return NULL;
    char *addr = address_from(c, text + from + pos, district != NULL);
    if (addr) {
      if (s) /* NULL: only looking */
        g_ptr_array_add(s->raw, g_strdup(addr));
      return addr;
    }
    from += pos + (gsize)(g_utf8_next_char(text + from + pos) - (text + from + pos));
  }
  return NULL;
}

/* Where a Latin address's comma-separated run stops: a line or sentence end, a colon ("…office: 28F,
 * …"), brackets — not the dot of "Rd." or "Bldg.". */
static gboolean
latin_run_stop(const char *text, const char *p)
{
  if (strchr("\n;:!?()", *p))
    return TRUE;
  if (*p != '.' || (p[1] && p[1] != ' ' && p[1] != '\n'))
    return FALSE;
  const char *w = p;
  while (w > text && g_ascii_isalpha(w[-1]))
    w--;
  return p - w > 4 || p == w; /* "Rd.", "No." go on; a sentence's last word ends it */
}

static gboolean
piece_names_place(const ParserConfig *c, const char *v, gsize len)
{
  g_autofree char *piece = g_strndup(v, len), *city = NULL, *district = NULL;
  return parser_places_find(c->places, piece, &city, &district);
}

/* Words of a sentence, not of an address ("the server is in rack 12"). */
static const char *const latin_prose[] = { "is",     "are", "was",  "were", "we", "our", "it",  "the",
                                           "please", "has", "have", "in",   "at", "to",  "and", NULL };

/* Where [p, e) goes on after its last word of a sentence ("…machine room at Building 3" → "Building
 * 3"), or p. */
static const char *
after_prose(const char *p, const char *e)
{
  const char *tail = p;
  for (const char *w = p; w < e;) {
    while (w < e && *w == ' ')
      w++;
    const char *we = w;
    while (we < e && *we != ' ')
      we++;
    g_autofree char *word = g_ascii_strdown(w, we - w);
    if (we > w && g_strv_contains(latin_prose, word))
      tail = we;
    w = we;
  }
  while (tail < e && *tail == ' ')
    tail++;
  return tail;
}

/* One comma-separated piece of a Latin address: a number, an address word, or a place, and short. */
static gboolean
latin_address_piece(const ParserConfig *c, const char *p, const char *e)
{
  g_autofree char *piece = g_strstrip(g_strndup(p, (gsize)(e - p)));
  g_autofree char *city = NULL, *district = NULL;
  glong chars = g_utf8_strlen(piece, -1);
  const char *lead = p;
  while (lead < e && *lead == ' ')
    lead++;
  if (chars == 0 || chars > 60 || parser_has_han(piece, strlen(piece)) || after_prose(p, e) != lead)
    return FALSE;
  g_auto(GStrv) words = g_strsplit(piece, " ", -1);
  if (g_strv_length(words) > 7)
    return FALSE;
  return strpbrk(piece, "0123456789") || parser_has_address_hint(c, piece) ||
         parser_places_find(c->places, piece, &city, &district) || g_ascii_strcasecmp(piece, "China") == 0 ||
         g_ascii_strcasecmp(piece, "PRC") == 0 || g_ascii_strcasecmp(piece, "P.R. China") == 0;
}

/* A Latin address in a sentence is a run of comma-separated parts with its place at the end ("…: 28F,
 * China Resources Tower, 2666 Keyuan South Road, Nanshan District, Shenzhen."): the parts around the
 * segment [seg, end) that names the place, as far as they read as address parts, the first one from
 * after the sentence's words ("please send the engineer to Room 1203, …") (blind round 14b: the
 * address was cut to "Nanshan District"). NULL when the run holds no number or no address word. */
static char *
address_latin_run(const ParserConfig *c, const char *text, const char *seg, const char *end)
{
  while (seg < end && *seg == ' ')
    seg++;
  const char *start = seg;
  for (const char *p = seg; p < end; p++)
    if (latin_run_stop(text, p)) {
      if (p > start && start == seg && p + 1 < end && *p == ':')
        start = p + 1; /* "…office: 28F" */
      else
        end = p;
    }
  const char *tail = after_prose(start, end);
  gboolean whole = start == seg && tail == seg; /* else the run starts inside this segment */
  start = tail;
  if (!latin_address_piece(c, start, end))
    return NULL;
  /* an address has a few parts: at most 8 each way (a line of 50,000 "Shenzhen, " took minutes) */
  guint parts = 0;
  for (gboolean more = whole; more && parts < 8; parts++) {
    const char *comma = start;
    while (comma > text && comma[-1] == ' ')
      comma--;
    if (comma == text || comma[-1] != ',')
      break;
    const char *q = --comma;
    while (q > text && q[-1] != ',' && !latin_run_stop(text, q - 1))
      q--;
    const char *lead = q;
    while (lead < comma && *lead == ' ')
      lead++;
    tail = after_prose(q, comma);
    if (!latin_address_piece(c, tail, comma))
      break;
    more = tail == lead; /* else the run starts inside this sentence */
    start = tail;
  }
  for (parts = 0; *end == ',' && parts < 8; parts++) {
    const char *q = end + 1;
    while (*q && *q != ',' && !latin_run_stop(text, q))
      q++;
    if (!latin_address_piece(c, end + 1, q))
      break;
    end = q;
  }
  g_autofree char *run = g_strstrip(g_strndup(start, (gsize)(end - start)));
  trim_trailing_separators(run);
  if (g_utf8_strlen(run, -1) < 12 || !strpbrk(run, "0123456789") || !parser_has_address_hint(c, run))
    return NULL;
  return g_steal_pointer(&run);
}

/* The Latin address run of the segment seg[0, len) that ends at end (its break ch), when the segment
 * has no Chinese, stands next to a comma and names a place (found: address_in_segment found one). */
static char *
latin_run_at(const ParserConfig *c, ParserSources *s, const char *text, const char *seg, gsize len,
             const char *end, gunichar ch, gboolean found)
{
  if (parser_has_han(seg, len) || !(ch == ',' || (seg > text && seg[-1] == ',')) ||
      !(found || piece_names_place(c, seg, len)))
    return NULL;
  char *run = address_latin_run(c, text, seg, end);
  if (run)
    g_ptr_array_add(s->raw, g_strdup(run));
  return run;
}

/* "机房：", "Site:" (at most six characters and a colon) before a line's value: *v and *len move past it. */
static void
short_label_skip(const char **v, gsize *len)
{
  const char *p = *v, *end = *v + *len;
  for (guint n = 0; p < end && n <= 6; n++, p = g_utf8_next_char(p)) {
    gunichar ch = g_utf8_get_char(p);
    if (ch == ':' || ch == 0xFF1A) {
      p = g_utf8_next_char(p);
      while (p < end && (*p == ' ' || *p == '\t'))
        p++;
      if (n > 0 && p < end) {
        *len -= (gsize)(p - *v);
        *v = p;
      }
      return;
    }
    if (ch == ' ' || ch == '\t' || g_unichar_isdigit(ch))
      return;
  }
}

/* The first unlabelled address of text; a whole line that is one (it starts with the place and
 * holds a number: "北京市海淀区西北旺东路10号院 …") before one inside a sentence ("上次写的朝阳区酒仙
 * 桥路那个是我们办公室，机器实际在：" above it). */
static char *
address_unlabelled(const ParserConfig *c, ParserSources *s, const char *text)
{
  if (!text)
    return NULL;
  for (int pass = 0; pass < 2; pass++) {
    const char *seg = text;
    for (const char *p = text;; p = g_utf8_next_char(p)) {
      gunichar ch = g_utf8_get_char(p);
      if (ch == 0 || ch == '\n' || is_segment_break(ch)) {
        gsize len = p - seg;
        gboolean whole_line = (seg == text || seg[-1] == '\n') && (ch == 0 || ch == '\n');
        /* "…, 88 Keyuan Rd., Pudong, Shanghai": a short place ends a Latin address */
        char *run =
          pass == 1 && len > 0 && len < 12 ? latin_run_at(c, s, text, seg, len, p, ch, FALSE) : NULL;
        if (run)
          return run;
        if (len >= 12 && (pass == 1 || whole_line)) {
          /* a whole line under a short label the address labels lack ("机房：成都市高新区天府五街
           * 200号…"): its value */
          const char *v = seg;
          gsize vlen = len;
          if (pass == 0)
            short_label_skip(&v, &vlen);
          char *a = address_in_segment(c, pass == 0 ? NULL : s, v, vlen);
          if (pass == 1 && (run = latin_run_at(c, s, text, v, vlen, p, ch, a != NULL))) {
            g_free(a);
            a = run;
          }
          if (a && pass == 1 && ch == '(' && !strpbrk(a, "0123456789")) {
            /* a building, its street in brackets after it: "…数据中心 A 区机房（天津市…二号路 35 号）" */
            const char *close = strchr(p, ')'), *nl = strchr(p, '\n');
            g_autofree char *street =
              close && (!nl || close < nl) ? address_in_segment(c, s, p + 1, (gsize)(close - p - 1)) : NULL;
            if (street && strpbrk(street, "0123456789")) {
              char *both = g_strdup_printf("%s(%s)", a, street);
              g_free(a);
              a = both;
            }
          }
          if (a && pass == 0 && !(strpbrk(a, "0123456789") && starts_with_place(c, v))) {
            g_clear_pointer(&a, g_free);
          } else if (a && pass == 0) {
            g_ptr_array_add(s->raw, g_strdup(a));
          }
          if (a)
            return a;
        }
        if (ch == 0)
          break;
        seg = g_utf8_next_char(p);
      }
    }
  }
  return NULL;
}

/* An address written without punctuation runs on into the next sentence ("…二楼机房我叫孙立强电话是…谢谢",
 * voice input): it ends where the writer starts naming himself, a number or a request. */
static void
address_trim_speech(char *a)
{
  static const char *const starts[] = { "我叫", "我是", "本人", "电话", "電話", "手机",   "手機", "联系",
                                        "聯繫", "麻烦", "麻煩", "谢谢", "謝謝", "请尽快", "尽快", NULL };
  char *cut = NULL;
  for (const char *const *w = starts; a && *w; w++) {
    char *hit = strstr(a, *w);
    if (hit && hit - a >= 12 && (!cut || hit < cut))
      cut = hit;
  }
  if (cut) {
    *cut = '\0';
    trim_trailing_separators(a);
  }
}

/* The address (labelled, the labelled location when it reads like one, then unlabelled) and the
 * labelled location as written. */
void
parser_extract_address(const ParserConfig *c, ParserSources *s, ParserRequest *r)
{
  r->address = address_labelled(c, s, s->main, TRUE);
  if (!r->address)
    r->address = address_labelled(c, s, s->fwd, TRUE);
  g_autofree char *loc_raw = parser_extract_first_group(c, PARSER_RE_LOCATION_LABELLED, s, s->main, TRUE);
  if (!loc_raw)
    loc_raw = parser_extract_first_group(c, PARSER_RE_LOCATION_LABELLED, s, s->fwd, TRUE);
  if (!loc_raw)
    loc_raw = parser_extract_first_group(c, PARSER_RE_LOCATION_INLINE, s, s->main, TRUE);
  if (!loc_raw)
    loc_raw = parser_extract_first_group(c, PARSER_RE_LOCATION_INLINE, s, s->fwd, TRUE);
  r->location = parser_cut_value(c, loc_raw);
  if (!r->address && r->location) {
    g_autofree char *address = g_strdup(r->location);
    /* a location that ends its line may go on below, as an address does ("设备在：青岛市崂山区" /
     * "松岭路 238 号" / …: blind round 22, a short first line was no address) */
    for (const char *t = s->main; t && loc_raw && !strchr(loc_raw, '\n'); t = t == s->main ? s->fwd : NULL) {
      const char *at = strstr(t, loc_raw);
      if (at) {
        address_extend(c, s, t, (gsize)(at - t) + strlen(loc_raw), &address, TRUE);
        break;
      }
    }
    if (g_utf8_strlen(address, -1) >= 8 && parser_has_address_hint(c, address))
      r->address = g_steal_pointer(&address);
  }
  /* A forward: the end customer's site before the forwarder's office (issue 15). */
  if (!r->address)
    r->address = address_unlabelled(c, s, s->fwd ? s->fwd : s->main);
  if (!r->address && s->fwd)
    r->address = address_unlabelled(c, s, s->main);
  address_trim_speech(r->address);
}

/* A district several cities have (鼓楼区): under the city already found, else under the one a landmark
 * or province nearby names; when nothing decides, kept aside for the registry's city or review. */
static void
place_shared(const ParserConfig *c, const ParserSources *s, ParserRequest *r, const char *const *texts,
             guint n)
{
  if (r->district_shared)
    return;
  g_autofree char *context =
    g_strjoin("\n", s->main ? s->main : "", s->fwd ? s->fwd : "", s->subject ? s->subject : "", NULL);
  for (guint i = 0; i < n && !r->district; i++) {
    g_autofree char *city = NULL, *district = NULL;
    g_autoptr(GPtrArray) cities = NULL;
    if (!texts[i] ||
        !parser_places_find_shared(c->places, texts[i], context, &city, &district, &cities, NULL))
      continue;
    if (r->city) {
      for (guint j = 0; j < cities->len; j++)
        if (strcmp(g_ptr_array_index(cities, j), r->city) == 0)
          r->district = g_steal_pointer(&district);
      return;
    }
    if (city) {
      r->city = g_steal_pointer(&city);
      r->district = g_steal_pointer(&district);
    } else {
      r->district_shared = g_steal_pointer(&district);
      r->district_cities = g_steal_pointer(&cities);
    }
    return;
  }
}

/* text with the vendor's own names blanked out ("融科联创(天津)…" in a sales rep's signature names no
 * customer's city), or NULL when it holds none. */
static char *
without_own_names(const ParserConfig *c, const char *text)
{
  GString *out = NULL;
  for (guint i = 0; text && c->own_names && c->own_names[i]; i++) {
    const char *name = c->own_names[i];
    if (!*name || !strstr(out ? out->str : text, name))
      continue;
    if (!out)
      out = g_string_new(text);
    for (char *at; (at = strstr(out->str, name));)
      memset(at, ' ', strlen(name));
  }
  return out ? g_string_free(out, FALSE) : NULL;
}

/* Where the text says the machine was moved to ("从北京搬到成都了", "已搬迁至苏州工厂"): the words after
 * the last such verb, up to the end of the clause (new string), or NULL. The place it names beats
 * the one it left, which the text names first. Only a physical move (搬), and not of the service
 * ("业务已经迁到上海的备用集群", "数据搬到…") nor of a part sent away ("坏盘已经运到北京返修"). */
static char *
moved_to(const char *text)
{
  static const char *const verbs[] = { "搬到", "搬至", "搬去", "搬迁到", "搬迁至", "搬遷到", "搬遷至", NULL };
  static const char *const not_machine[] = { "业务", "業務",   "数据", "數據", "虚拟机", "虛擬機", "系统",
                                             "系統", "服务迁", "盘",   "盤",   "配件",   NULL };
  const char *last = NULL;
  gsize vlen = 0;
  for (guint i = 0; text && verbs[i]; i++)
    for (const char *hit = strstr(text, verbs[i]); hit; hit = strstr(hit + 1, verbs[i]))
      if (!last || hit > last) {
        last = hit;
        vlen = strlen(verbs[i]);
      }
  if (!last)
    return NULL;
  /* what moved: the clause before the verb */
  const char *b = last;
  while (b > text && b[-1] != '\n' && b[-1] != ',' && b[-1] != ';' &&
         !(b - text >= 3 && g_str_has_prefix(b - 3, "。")))
    b--;
  g_autofree char *what = g_strndup(b, (gsize)(last - b));
  for (guint i = 0; not_machine[i]; i++)
    if (strstr(what, not_machine[i]))
      return NULL;
  const char *p = last + vlen, *e = p;
  while (*e && *e != '\n' && *e != ',' && *e != ';' && !g_str_has_prefix(e, "。") && e - p < 90)
    e = g_utf8_next_char(e);
  return e > p ? g_strndup(p, (gsize)(e - p)) : NULL;
}

/* City and district: the address, the location, where the text says the machine was moved to,
 * then the text and the subject. */
void
parser_extract_place(const ParserConfig *c, const ParserSources *s, ParserRequest *r)
{
  g_autofree char *main_clean = without_own_names(c, s->main);
  g_autofree char *fwd_clean = without_own_names(c, s->fwd);
  g_autofree char *moved =
    moved_to(s->fwd ? (fwd_clean ? fwd_clean : s->fwd) : (main_clean ? main_clean : s->main));
  const char *place_texts[] = {
    r->address, r->location, moved, main_clean ? main_clean : s->main, fwd_clean ? fwd_clean : s->fwd,
    s->subject
  };
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
  place_shared(c, s, r, place_texts, G_N_ELEMENTS(place_texts));
}
