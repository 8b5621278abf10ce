/* extract-machines.c: the machines a mail reports (contract.md "machines"): one, or several from a
 * numbered list, a text or HTML table, an attached CSV/XLSX; machines[0] is always sn/model. */
#include "parser-private.h"

#include <string.h>

static ParserMachine *
machine_new(const char *sn, const char *model, const char *symptoms)
{
  ParserMachine *m = g_new0(ParserMachine, 1);
  m->sn = g_strdup(sn);
  m->model = g_strdup(model);
  m->symptoms = g_strdup(symptoms && *symptoms ? symptoms : NULL);
  return m;
}

/* An item's number in a list of machines: "第一台", "第2台". */
#define ITEM_NO "第[0-9一二三四五六七八九十]+台"
/* What starts one machine's item in prose or a list (blind round 14b): "第一臺", "1号机", "A机", "A台",
 * "其中一台", "另一台", "the first one", "another server". */
#define ITEM_MARK                                                                                                           \
  ITEM_NO                                                                                                                   \
  "|第[0-9一二三四五六七八九十]+臺|[0-9一二三四五六七八九十]{1,2}号(?:机|服务器|节点|主机)|" \
  "(?<![A-Za-z0-9])[A-H](?:机|機|台|臺)|(?:其中|另外|还有|另有|另)一[台臺]|"                                \
  "(?i:(?<![a-z])the (?:first|second|third|fourth|other) (?:one|server|machine|node|host)(?![a-z]))|"                       \
  "(?i:(?<![a-z])another (?:server|machine|node|host)(?![a-z]))"

static GRegex *
cached_regex(GRegex **slot, const char *pattern)
{
  if (g_once_init_enter(slot))
    g_once_init_leave(slot, g_regex_new(pattern, G_REGEX_OPTIMIZE, 0, NULL));
  return *slot;
}

/* The column a table header cell names. The words are those of labels.ini [labels] that head
 * columns in batch reports (the labelled patterns need a value after the label, a header has none). */
typedef enum { COL_OTHER, COL_SN, COL_MODEL, COL_SYMPTOMS, COL_PLACE } Column;

static Column
header_column(const char *cell)
{
  static const char *const sn[] = { "序列号", "序號",     "序列號",   "SN", "S/N",
                                    "SERIAL", "机器编号", "设备编号", NULL };
  static const char *const model[] = { "型号", "型號", "机型", "機型", "MODEL", NULL };
  static const char *const sym[] = { "故障",    "问题",     "問題",     "现象",     "現象",        "描述",
                                     "情况",    "巡检结果", "检查结果", "检测结果", "状态",        "狀態",
                                     "SYMPTOM", "PROBLEM",  "FAULT",    "ISSUE",    "DESCRIPTION", "STATUS",
                                     "RESULT",  "备注",     "備註",     "说明",     "說明",        "REMARK",
                                     "NOTE",    "COMMENT",  NULL };
  static const char *const place[] = { "地址", "位置",     "地点",    "所在地", "安装地", "城市",
                                       "地點", "LOCATION", "ADDRESS", "SITE",   "CITY",   NULL };
  g_autofree char *up = g_ascii_strup(cell, -1);
  if (strlen(up) > 40)
    return COL_OTHER;
  const char *const *lists[] = { sn, model, sym, place };
  for (guint k = 0; k < G_N_ELEMENTS(lists); k++)
    for (const char *const *w = lists[k]; *w; w++)
      if (strstr(up, *w))
        return (Column)(k + 1);
  return COL_OTHER;
}

/* A line's cells: split at tabs (HTML tables, CSV/XLSX), '|' (text tables) or runs of 2+ blanks
 * (aligned text tables); NULL when the line has one cell only. */
static char **
cells_of(const char *line)
{
  char **cells = NULL;
  if (strchr(line, '\t'))
    cells = g_strsplit(line, "\t", -1);
  else if (strchr(line, '|'))
    cells = g_strsplit(line, "|", -1);
  else if (strstr(line, "  ")) {
    static GRegex *blanks;
    cells = g_regex_split(cached_regex(&blanks, "[ ]{2,}"), line, 0);
  }
  if (!cells)
    return NULL;
  /* Empty cells at the ends go (the leading/trailing '|'); an empty cell inside a row stays, or the
   * cells after it would fall under the wrong header ("…,10.10.3.21,,正常"). */
  guint n = 0, first = G_MAXUINT, last = 0, filled = 0;
  for (; cells[n]; n++) {
    g_strstrip(cells[n]);
    if (*cells[n]) {
      first = MIN(first, n);
      last = n;
      filled++;
    }
  }
  if (filled < 2) {
    g_strfreev(cells);
    return NULL;
  }
  guint o = 0;
  for (guint i = 0; i < n; i++) {
    if (i >= first && i <= last)
      cells[o++] = cells[i];
    else
      g_free(cells[i]);
  }
  cells[o] = NULL;
  return cells;
}

static gboolean
only_index(const char *cell)
{
  static GRegex *item_re;
  if (g_regex_match(cached_regex(&item_re, "^" ITEM_NO "$"), cell, 0, NULL))
    return TRUE;
  const char *p = cell;
  while (*p == '#' || *p == 'N' || *p == 'o' || *p == '.')
    p++;
  if (!g_ascii_isdigit(*p))
    return FALSE;
  while (g_ascii_isdigit(*p))
    p++;
  return !*p || ((*p == '.' || *p == ')' || *p == ',') && !p[1]) || strcmp(p, "、") == 0;
}

/* The words of a cell or line that say something (letters, digits, Han), trimmed of
 * punctuation at both ends; NULL when nothing is left. */
static char *
tidy(const char *text)
{
  const char *p = text;
  while (*p && !g_unichar_isalnum(g_utf8_get_char(p)))
    p = g_utf8_next_char(p);
  const char *e = p + strlen(p);
  while (e > p) {
    const char *prev = g_utf8_prev_char(e);
    gunichar ch = g_utf8_get_char(prev);
    if (g_unichar_isalnum(ch) || ch == ')' || ch == 0xFF09 /* ） */)
      break;
    e = prev;
  }
  glong n = 0;
  GString *out = g_string_sized_new((gsize)(e - p));
  for (const char *q = p; q < e; q = g_utf8_next_char(q)) {
    gunichar ch = g_utf8_get_char(q);
    n += g_unichar_isalnum(ch) ? 1 : 0;
    if (ch == ' ' || ch == '\t') {
      if (out->len && out->str[out->len - 1] != ' ')
        g_string_append_c(out, ' '); /* the gaps left where the SN and labels were: one blank */
    } else {
      g_string_append_unichar(out, ch);
    }
  }
  if (n < 2) {
    g_string_free(out, TRUE);
    return NULL;
  }
  return g_string_free(out, FALSE);
}

/* text without every occurrence of each of the words (a new string); the brackets a word stood in
 * go with it ("A台（RCS…）有一张卡掉了" → "A台 有一张卡掉了", not "A台( )…"). */
static char *
without(const char *text, const char *const *words)
{
  GString *s = g_string_new(text);
  for (guint i = 0; words[i]; i++)
    if (*words[i]) {
      static const char *const around[][2] = { { "(", ")" }, { "（", "）" }, { "[", "]" }, { "【", "】" } };
      for (guint k = 0; k < G_N_ELEMENTS(around); k++) {
        g_autofree char *bracketed = g_strconcat(around[k][0], words[i], around[k][1], NULL);
        g_string_replace(s, bracketed, " ", 0);
      }
      g_string_replace(s, words[i], " ", 0);
    }
  return g_string_free(s, FALSE);
}

typedef struct {
  Column col[32]; /* of the last header row; COL_OTHER when none */
  gboolean header;
} Table;

/* A table drawn with '|' of two columns, label and value ("| 序列号 | RCS… |", a rule "|---|---|"
 * under a header "| 项目 | 内容 |"): "label: value" lines, no rule, no header. NULL when none. */
static char *
pipe_rows_unfold(const ParserConfig *c, const char *text)
{
  guint n;
  g_autofree char **lines = parser_split_lines(text, &n);
  g_autofree guint8 *two = g_new0(guint8, n + 1); /* 1: a two-cell '|' row, 2: one headed by a label */
  guint rows = 0, first = n, last = 0;
  for (guint i = 0; i < n; i++) {
    const char *t = lines[i] + strspn(lines[i], " ");
    g_auto(GStrv) cells = *t == '|' ? cells_of(t) : NULL;
    if (!cells || g_strv_length(cells) != 2)
      continue;
    two[i] = parser_re_test_str(c, PARSER_RE_LABEL_LINE, cells[0]) ? 2 : 1;
    if (two[i] == 2) {
      rows++;
      first = MIN(first, i);
      last = i;
    }
  }
  if (rows < 2)
    return NULL;
  GString *out = g_string_new(NULL);
  for (guint i = 0; i < n; i++) {
    const char *t = lines[i] + strspn(lines[i], " ");
    if (*t == '|' && strspn(t, "|-=+: ") == strlen(t)) /* a rule */
      continue;
    /* the header row above the first label ("| 项目 | 内容 |") goes; every row of the table is a field */
    gboolean header = two[i] == 1 && i < first && i + 3 > first;
    if (header)
      continue;
    if (two[i] && i >= first && i <= last) {
      g_auto(GStrv) cells = cells_of(t);
      g_string_append_printf(out, "%s: %s\n", cells[0], cells[1]);
      continue;
    }
    g_string_append_printf(out, "%s\n", lines[i]);
  }
  return g_string_free(out, FALSE);
}

/* A header row of labels over one row of values — a one-line table pasted from a spreadsheet
 * ("序号 设备序列号 设备型号 故障描述 设备地址 联系人 联系电话", then the values, tab-separated) —
 * becomes one "label: value" line per labelled column, so the labelled fields are read as in a
 * form; so do the rows of a two-column '|' table of labels and values. Tables of several machines
 * stay (the machines are read from them). Returns a new text, or NULL when text holds no such table. */
char *
parser_table_unfold(const ParserConfig *c, const char *text)
{
  if (!text)
    return NULL;
  if (strstr(text, "\n|") || g_str_has_prefix(text, "|")) {
    char *piped = pipe_rows_unfold(c, text);
    if (piped)
      return piped;
  }
  if (!strchr(text, '\t'))
    return NULL; /* pasted tables keep their tabs; an aligned table is read line by line */
  guint n;
  g_autofree char **lines = parser_split_lines(text, &n);
  GString *out = NULL;
  guint done = 0; /* lines[0, done) are in out */
  for (guint i = 0; i + 1 < n; i++) {
    g_auto(GStrv) head = strchr(lines[i], '\t') ? cells_of(lines[i]) : NULL;
    guint nh = head ? g_strv_length(head) : 0;
    if (nh < 3)
      continue;
    guint labels = 0;
    for (guint k = 0; k < nh; k++)
      labels += parser_re_test_str(c, PARSER_RE_LABEL_LINE, head[k]);
    if (labels * 3 < nh * 2)
      continue;
    guint v = i + 1;
    while (v < n && !*lines[v])
      v++;
    g_auto(GStrv) vals = v < n && strchr(lines[v], '\t') ? g_strsplit(lines[v], "\t", -1) : NULL;
    if (!vals)
      continue;
    /* the cells as split at every tab (an empty value keeps its column) */
    g_auto(GStrv) hraw = g_strsplit(lines[i], "\t", -1);
    if (g_strv_length(hraw) != g_strv_length(vals))
      continue;
    guint w = v + 1; /* a second row of values: a table of machines, left as it is */
    while (w < n && !*lines[w])
      w++;
    g_auto(GStrv) more = w < n && strchr(lines[w], '\t') ? g_strsplit(lines[w], "\t", -1) : NULL;
    if (more && g_strv_length(more) == g_strv_length(vals))
      continue;
    if (!out)
      out = g_string_new(NULL);
    for (; done < i; done++)
      g_string_append_printf(out, "%s\n", lines[done]);
    for (guint k = 0; hraw[k]; k++) {
      g_autofree char *h = g_strstrip(g_strdup(hraw[k]));
      g_autofree char *x = g_strstrip(g_strdup(vals[k]));
      if (*h && *x && parser_re_test_str(c, PARSER_RE_LABEL_LINE, h))
        g_string_append_printf(out, "%s: %s\n", h, x);
    }
    done = v + 1;
    i = v;
  }
  if (!out)
    return NULL;
  for (; done < n; done++)
    g_string_append_printf(out, "%s%s", lines[done], done + 1 < n ? "\n" : "");
  return g_string_free(out, FALSE);
}

/* A symptom cell that says there is none ("无", "无故障", "-", "N/A"): the row's machine is fine (blind
 * round 21: a sheet's healthy row became a P2 order with the cover note as its fault). */
static gboolean
none_said(const char *cell)
{
  static const char *const none[] = { "无",   "無",     "无故障", "無故障", "没有", "沒有", "暂无",
                                      "暫無", "无异常", "無異常", "否",     "空",   "-",    "--",
                                      "—",    "/",      "n/a",    "na",     "none", "nil",  NULL };
  if (!cell)
    return FALSE;
  g_autofree char *t = g_strstrip(g_ascii_strdown(cell, -1));
  for (guint i = 0; none[i]; i++)
    if (strcmp(t, none[i]) == 0)
      return TRUE;
  return FALSE;
}

/* A row of two cells, a label and its value ("工单号 | INC0045612", "Number | INC…" of a ServiceNow or OA
 * form): its value is a machine's SN only when the label names one (blind round 22: ticket, flow and
 * asset numbers became machines and orders). */
static gboolean
field_row_not_sn(char **cells, const char *sn)
{
  if (!cells || !cells[0] || !cells[1] || cells[2])
    return FALSE;
  g_autofree char *up = g_ascii_strup(cells[0], -1);
  if (strstr(up, sn) || g_utf8_strlen(cells[0], -1) > 16)
    return FALSE;
  for (const char *p = cells[0]; *p; p++)
    if (g_ascii_isdigit(*p))
      return FALSE; /* a value, not a label */
  static GRegex *sn_re;
  GRegex *re = cached_regex(&sn_re, "(?i)SN|S/N|序列|序號|serial|service tag|configuration item|^CI$|"
                                    "(?:设备|機器|机器|設備|主机|服务器)(?:编号|編號|号)|资产序列|機身|机身");
  static GRegex *mark_re; /* "第二台  序列号 RCS…": an item, its SN labelled in the value */
  return !g_regex_match(re, cells[0], 0, NULL) && !g_regex_match(re, cells[1], 0, NULL) &&
         !g_regex_match(cached_regex(&mark_re, ITEM_MARK), cells[0], 0, NULL);
}

/* One row of a table: SN cell, model cell and the symptom cells. */
static ParserMachine *
row_machine(const ParserConfig *c, const Table *t, char **cells, const char *sn)
{
  g_autofree char *model = NULL, *place = NULL;
  g_autoptr(GString) sym = g_string_new(NULL);
  for (guint i = 0; cells[i]; i++) {
    Column col = t->header && i < G_N_ELEMENTS(t->col) ? t->col[i] : COL_OTHER;
    g_autofree char *up = g_ascii_strup(cells[i], -1);
    if (strstr(up, sn) || only_index(cells[i]))
      continue;
    if (col == COL_PLACE) {
      if (!place)
        place = tidy(cells[i]);
      continue;
    }
    if (col == COL_MODEL ||
        (!model && col != COL_SYMPTOMS && parser_re_test_str(c, PARSER_RE_MODEL_TOKEN, cells[i]) &&
         strlen(cells[i]) < 40)) {
      if (!model)
        model = g_strdup(cells[i]);
      continue;
    }
    if (t->header && col != COL_SYMPTOMS)
      continue; /* a header names the symptom column: the others are places, dates, names */
    if (t->header && none_said(cells[i])) {
      g_autofree char *said = g_strstrip(g_strdup(cells[i]));
      g_string_append_printf(sym, "%s%s", sym->len ? "，" : "", said);
      continue;
    }
    g_autofree char *w = tidy(cells[i]);
    if (w)
      g_string_append_printf(sym, "%s%s", sym->len ? "，" : "", w);
  }
  ParserMachine *m = machine_new(sn, model, sym->str);
  /* the row's own place ("深圳市福田区" beside a body that names 南山区: blind round 14 #9), when it
   * names a city the place list knows */
  if (place && parser_places_find(c->places, place, &m->city, &m->district) && m->city) {
    m->address = g_steal_pointer(&place);
  } else {
    g_clear_pointer(&m->city, g_free);
    g_clear_pointer(&m->district, g_free);
  }
  return m;
}

/* What a list line says about its machine, without its numbering and labels (SN：, 型号：,
 * 故障描述：); new string or NULL. */
static char *
list_symptoms(const char *rest)
{
  static GRegex *label_re;
  GRegex *label =
    cached_regex(&label_re, "(?i)(?:^[ "
                            "\\t]*(?:[0-9]{1,2}[.、)]|[-*•·#]|" ITEM_NO ")|(?:设备|机器|"
                            "服务器|主机)?(?:SN|S/N|序列号|序號|型号|型號|机型|"
                            "Model|Serial(?: No\\.?)?)(?:号|码)?[ \\t]*[:：#=]?"
                            "|(?:故障(?:描述|现象)?|问题(?:描述)?|现象|Symptoms?|Problem)[ \\t]*[:：#=])");
  g_autofree char *bare = g_regex_replace_literal(label, rest, -1, 0, " ", 0, NULL);
  return bare ? tidy(bare) : NULL;
}

/* One line of a numbered list: the SN, the model, the rest are the symptoms. */
static ParserMachine *
line_machine(const ParserConfig *c, ParserSources *s, const char *line, const char *sn)
{
  g_autofree char *model = parser_extract_first_group(c, PARSER_RE_MODEL_LABELLED, s, line, FALSE);
  if (!model)
    model = parser_extract_first_group(c, PARSER_RE_MODEL_TOKEN, s, line, FALSE);
  if (model)
    g_strstrip(model);
  g_autofree char *lower = g_ascii_strdown(sn, -1);
  const char *const words[] = { sn, lower, model ? model : "", NULL };
  g_autofree char *rest = without(line, words);
  g_autofree char *sym = list_symptoms(rest);
  return machine_new(sn, model, sym);
}
/* A line of a list: numbered or bulleted, or it starts with the SN or its label ("Ticket #INC…
 * 转厂商" is prose that happens to hold an SN-shaped token). */
/* Where a line's item begins: 0 for a list line (numbered or bulleted, or starting with the SN or
 * its label: "Ticket #INC… 转厂商" is prose that happens to hold an SN-shaped token), the offset of an
 * item's mark in the sentence before its SN ("…need attention. The first one, RCS…, lost a GPU"),
 * -1 for none. */
static gssize
item_start(const char *line, const char *sn)
{
  static GRegex *start;
  GRegex *re =
    cached_regex(&start, "^[ \t>]*(?:[0-9]{1,2}[.、)）:]|[(（][0-9]{1,2}[)）]|[-*•·#]|" ITEM_MARK "|"
                         "(?i:(?:设备|机器|服务器|主机)?(?:SN|S/N|序列号|序號|Serial)))");
  if (g_regex_match(re, line, 0, NULL))
    return 0;
  const char *l = line;
  while (*l == ' ' || *l == '\t')
    l++;
  if (g_ascii_strncasecmp(l, sn, strlen(sn)) == 0)
    return 0;
  static GRegex *mark_re;
  GRegex *mark = cached_regex(&mark_re, ITEM_MARK);
  g_autofree char *up = g_ascii_strup(line, -1);
  const char *at = strstr(up, sn);
  if (!at)
    return -1;
  /* the last mark before the SN */
  gssize found = -1;
  g_autoptr(GMatchInfo) mi = NULL;
  for (g_regex_match_full(mark, line, at - up, 0, 0, &mi, NULL); g_match_info_matches(mi);
       g_match_info_next(mi, NULL)) {
    gint ms = 0, me = 0;
    g_match_info_fetch_pos(mi, 0, &ms, &me);
    if (me <= at - up)
      found = ms;
  }
  return found;
}

static gboolean
list_line(const char *line, const char *sn)
{
  return item_start(line, sn) >= 0;
}

/* At most this much of the lines below an item (bytes). */
#define ITEM_MAX 1024

/* The lines below a list line that go on with its item ("第一台  序列号 RCS…" / "    故障现象：…"): up
 * to a blank line, the next line that names an SN or starts an item, or a field of the mail's own
 * ("设备位置：…", "联系人：…"). NULL when none. */
static char *
item_lines(const ParserConfig *c, char **lines, guint n, guint i)
{
  GString *out = NULL;
  for (guint j = i + 1; j < n; j++) {
    const char *l = lines[j];
    while (*l == ' ' || *l == '\t')
      l++;
    if (!*l)
      break;
    g_autoptr(GPtrArray) sns = g_ptr_array_new_with_free_func(g_free);
    parser_sn_find(c, l, sns);
    if (sns->len || list_line(l, "\x01") ||
        (parser_re_test_str(c, PARSER_RE_ANY_LABEL, l) &&
         !parser_re_test_str(c, PARSER_RE_SYMPTOMS_LABELLED, l)))
      break;
    if (!out)
      out = g_string_new(NULL);
    if (out->len + strlen(l) > ITEM_MAX)
      break; /* a log pasted under the item: its first lines say enough */
    g_string_append_printf(out, "%s%s", out->len ? " " : "", l);
  }
  return out ? g_string_free(out, FALSE) : NULL;
}

/* "第一台 RCS…07 在门诊楼机房；第二台是 RCS…08，放在住院部；还有一台标签是 RCS…09" (blind round 14: one
 * order for three machines down): items said in one line of prose, each from its marker (第N台,
 * 还有一台, 另一台) to the next. NULL unless there are two or more and each names one SN, none before
 * the first. */
static GPtrArray *
item_parts(const ParserConfig *c, const char *line)
{
  static GRegex *marker_re;
  GRegex *re = cached_regex(&marker_re, ITEM_MARK);
  g_autoptr(GArray) at = g_array_new(FALSE, FALSE, sizeof(gint));
  g_autoptr(GMatchInfo) mi = NULL;
  for (g_regex_match(re, line, 0, &mi); g_match_info_matches(mi); g_match_info_next(mi, NULL)) {
    gint start = 0;
    g_match_info_fetch_pos(mi, 0, &start, NULL);
    g_array_append_val(at, start);
  }
  if (at->len < 2)
    return NULL;
  g_autoptr(GPtrArray) sns = g_ptr_array_new_with_free_func(g_free);
  g_autofree char *before = g_strndup(line, (gsize)g_array_index(at, gint, 0));
  parser_sn_find(c, before, sns);
  if (sns->len)
    return NULL;
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func(g_free);
  for (guint k = 0; k < at->len; k++) {
    gint from = g_array_index(at, gint, k);
    gint to = k + 1 < at->len ? g_array_index(at, gint, k + 1) : (gint)strlen(line);
    char *part = g_strndup(line + from, (gsize)(to - from));
    g_ptr_array_add(parts, part);
    g_ptr_array_set_size(sns, 0);
    parser_sn_find(c, part, sns);
    if (sns->len != 1)
      return NULL;
  }
  return g_steal_pointer(&parts);
}

/* "RCS…46 内存告警，RCS…47 电源亮红灯": one line, each SN in its own clauses. The parts from the clause
 * of each SN to the next one's (which of them tell a fault is item_kept's); NULL when two SNs share a
 * clause or one is not written out as found. */
static GPtrArray *
sn_parts(const ParserConfig *c, const char *line, GPtrArray *sns)
{
  static const char *const stops[] = { "，", "；", "。", ",", ";", NULL };
  g_autofree char *up = g_ascii_strup(line, -1);
  g_autoptr(GArray) at = g_array_new(FALSE, FALSE, sizeof(gsize));
  gsize from = 0;
  for (guint i = 0; i < sns->len; i++) {
    const char *hit = strstr(up + from, g_ptr_array_index(sns, i));
    if (!hit)
      return NULL; /* a tail of a list, a look-alike: not written out as such */
    gsize pos = (gsize)(hit - up);
    /* its clause: after the last stop since the SN before (the first: since the line's start) */
    gsize start = 0;
    gboolean stopped = FALSE;
    for (guint k = 0; stops[k]; k++) {
      const char *d = g_strrstr_len(line + from, (gssize)(pos - from), stops[k]);
      if (d) {
        start = MAX(start, (gsize)(d - line) + strlen(stops[k]));
        stopped = TRUE;
      }
    }
    if (i > 0 && !stopped)
      return NULL; /* two SNs in one clause ("RCS…46 和 RCS…47 都宕机"): a list's business */
    g_array_append_val(at, start);
    from = pos + strlen(g_ptr_array_index(sns, i));
  }
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func(g_free);
  for (guint k = 0; k < at->len; k++) {
    gsize a = g_array_index(at, gsize, k);
    gsize b = k + 1 < at->len ? g_array_index(at, gsize, k + 1) : strlen(line);
    char *part = g_strndup(line + a, b - a);
    g_ptr_array_add(parts, part);
  }
  return g_steal_pointer(&parts);
}

/* Whether out has a machine with this SN. */
static gboolean
has_machine(GPtrArray *out, const char *sn)
{
  for (guint k = 0; k < out->len; k++)
    if (g_strcmp0(((ParserMachine *)g_ptr_array_index(out, k))->sn, sn) == 0)
      return TRUE;
  return FALSE;
}

/* The machines of a line that lists several SNs in a row ("RCS…45、46、47 这三台网卡故障"), for
 * SNs no list line or row has told apart: one each, the mail's symptoms theirs. */
static void
list_machines(GPtrArray *sns, GPtrArray *out)
{
  for (guint i = 0; i < sns->len; i++) {
    const char *sn = g_ptr_array_index(sns, i);
    if (!has_machine(out, sn))
      g_ptr_array_add(out, machine_new(sn, NULL, NULL));
  }
}

/* Machines read from one text at most: more than any [limits] max_machines (1000) allows is already
 * one order for review (parser_extract_fields), and a 60,000-row inventory sheet must not cost a
 * look-up per row against every machine before it (minutes, has_machine being linear). */
#define MACHINES_SCAN_MAX 1001

/* The machines of text, one per row or list line that names exactly one SN, then those of lines
 * that list several, into out. */
/* Whether a part of a line of prose tells its machine's fault now ("第二台 RCS… 宕机了"), not that it is
 * fine, fixed, a standby or a question about another order ("第一台 RCS… 正常", "已经修好了", "是备机"). */
static gboolean
part_faulty(const ParserConfig *c, const char *part, gboolean strict)
{
  /* A standby that was never switched on ("是备机，一直没开机"): not starting is no fault of it; any
   * other fault said of it still is ("备机一直没开机，今天开机后报内存错误"). */
  static GRegex *standby_re, *unused_re;
  g_autofree char *rest = NULL;
  if (g_regex_match(
        cached_regex(&standby_re, "备机|备用机|備機|備用機|冷备|冷備|(?i:\\b(?:standby|spare)\\b)"), part, 0,
        NULL)) {
    rest = g_regex_replace_literal(cached_regex(&unused_re,
                                                "(?:一直|从来|從來|还|還|暂时|暫時)?(?:没有|没|未|沒有|沒)"
                                                "(?:开过机|开机|開過機|開機|上电|上電|通电|通電|启用|啟用|"
                                                "使用|用过|用過|用)|(?i:never (?:been )?(?:powered|"
                                                "switched|turned) on|not (?:been )?(?:powered|switched|"
                                                "turned) on|not in use|powered off|switched off)"),
                                   part, -1, 0, "", 0, NULL);
    if (rest)
      part = rest;
  }
  if (parser_fault_words(c, part, strlen(part)) <= 0 || parser_says_fixed(c, part))
    return FALSE;
  /* without a mark ("RCS…46 内存告警，RCS…47 …"), also not a question or the last incident */
  return !strict || parser_reports_fault(c, part);
}

/* "三台服务器都是同样的问题", "两台都无法开机": the mail says its machines share one fault. */
static gboolean
shared_fault(const char *text)
{
  static GRegex *re;
  GRegex *r = cached_regex(&re, "(?:[两二三四五六七八九十0-9]+|几)[台臺][^，,。；;\\n]{0,10}(?:都|均|全)|"
                                "(?:都是|均是|都有)(?:同样|一样|相同)|同样的(?:问题|故障|情况|现象)");
  return text && g_regex_match(r, text, 0, NULL);
}

/* "另外两台 RCS…21、RCS…22 也出现同样的问题", "…也一样": a line that gives its machines the fault told
 * before (blind round 19: one order for three machines) — not "…没有出现同样的问题". */
static gboolean
line_shares_fault(const char *line)
{
  static GRegex *also_re, *not_re;
  GRegex *also =
    cached_regex(&also_re, "也(?:都)?(?:一样|同样|相同)|也(?:都)?(?:出现|出現|有|是|报|報)了?"
                           "(?:同样|同樣|一样|一樣|相同|类似|類似)|同样的(?:问题|故障|情况|现象)|"
                           "同樣的(?:問題|故障|情況|現象)|(?i:\\bsame (?:problem|issue|fault|error)s?\\b)");
  GRegex *neg = cached_regex(&not_re, "(?:没|沒|未|无|無|不)(?:有)?(?:出现|出現|发生|發生)?(?:过|過)?"
                                      "(?:同样|同樣|一样|一樣|相同|类似|類似)|(?i:\\b(?:not|no|don't|doesn't|"
                                      "didn't)\\b)");
  return g_regex_match(also, line, 0, NULL) && !g_regex_match(neg, line, 0, NULL);
}

/* Whether an item of prose (own: what it says of its machine) is a machine: it tells a fault of its
 * own (*faulty), or says nothing of itself under a fault the mail says they share ("第二台是 RCS…08，
 * 放在住院部" under "三台都是同样的问题") — not one that is fine, fixed, a standby (blind round 14c:
 * each was an order). *shared: -1 until text is read for the shared fault (once per text). */
static gboolean
item_kept(const ParserConfig *c, const char *own, gboolean strict, const char *text, int *shared,
          gboolean *faulty)
{
  *faulty = own && part_faulty(c, own, strict);
  if (*faulty)
    return TRUE;
  if (own && parser_fault_words(c, own, strlen(own)) != 0)
    return FALSE;
  if (*shared < 0)
    *shared = shared_fault(text);
  return *shared;
}

/* The one machine of out whose SN ends in the digits tail (3 or more), or NULL. */
static ParserMachine *
machine_by_tail(GPtrArray *out, const char *tail, gsize len)
{
  ParserMachine *hit = NULL;
  for (guint k = 0; k < out->len; k++) {
    ParserMachine *m = g_ptr_array_index(out, k);
    gsize n = m->sn ? strlen(m->sn) : 0;
    if (n > len && strncmp(m->sn + n - len, tail, len) == 0) {
      if (hit)
        return NULL;
      hit = m;
    }
  }
  return hit;
}

/* An inventory of machines, then one sentence that names the faulty ones by their last digits and says
 * the rest are fine ("本周巡检发现 0703 风扇2 故障告警，其余三台正常"): the machines are those named, each
 * with that sentence (blind round 19: four orders, the fault on the wrong one). */
static void
keep_named_by_tail(const ParserConfig *c, const char *text, GPtrArray *out, guint *passed)
{
  static GRegex *rest_re, *tail_re;
  GRegex *rest = cached_regex(
    &rest_re,
    "(?:其余|其他|其它|剩下|别的|別的|另外)的?(?:[0-9一二两兩三四五六七八九十几幾]+[台臺]|几台|機器|机器|"
    "的)?(?:都|均|全部|全都)?(?:正常|没问题|没有问题|沒問題|沒有問題|无异常|無異常)|(?i:\\bthe "
    "(?:others|rest|other (?:servers|machines|nodes)) (?:are|look|run) (?:fine|ok|normal|healthy)\\b)");
  GRegex *tail = cached_regex(&tail_re, "(?<![A-Za-z0-9-])[0-9]{3,8}(?![A-Za-z0-9-])");
  if (out->len < 2 || !text || !g_regex_match(rest, text, 0, NULL))
    return;
  guint n;
  g_autofree char **sentences = parser_split_lines(text, &n);
  g_autoptr(GPtrArray) named = g_ptr_array_new();
  g_autoptr(GPtrArray) told = g_ptr_array_new();
  for (guint i = 0; i < n; i++) {
    const char *line = sentences[i];
    g_autoptr(GMatchInfo) ri = NULL;
    gint fine = 0;
    if (!g_regex_match(rest, line, 0, &ri) || !g_match_info_fetch_pos(ri, 0, &fine, NULL) ||
        parser_fault_words(c, line, (gsize)fine) <= 0)
      continue; /* the fault is told before "the rest are fine" */
    g_autoptr(GPtrArray) full = g_ptr_array_new_with_free_func(g_free);
    parser_sn_find(c, line, full);
    if (full->len)
      continue; /* written out: the SNs' own business */
    g_autoptr(GMatchInfo) mi = NULL;
    for (g_regex_match(tail, line, 0, &mi); g_match_info_matches(mi); g_match_info_next(mi, NULL)) {
      gint a = 0, b = 0;
      g_match_info_fetch_pos(mi, 0, &a, &b);
      ParserMachine *m = machine_by_tail(out, line + a, (gsize)(b - a));
      if (m && !g_ptr_array_find(named, m, NULL)) {
        g_ptr_array_add(named, m);
        g_ptr_array_add(told, (gpointer)line);
      }
    }
  }
  if (named->len == 0 || named->len == out->len)
    return;
  for (guint k = out->len; k-- > 0;) {
    ParserMachine *m = g_ptr_array_index(out, k);
    guint at = 0;
    if (g_ptr_array_find(named, m, &at)) {
      g_free(m->symptoms);
      m->symptoms = g_strdup(g_ptr_array_index(told, at));
    } else {
      g_ptr_array_remove_index(out, k);
      (*passed)++;
    }
  }
}

/* A machine named by its last digits as a machine ("另外0089那台：内存报错"): the regex, group 1 the digits. */
#define TAIL_MACHINE "(?<![A-Za-z0-9-])([0-9]{3,6})\\s*(?:那台|这台|這台|那臺|這臺|号机|號機|的那台|的这台)"

/* The SN of a machine a line names only by its last digits, when every SN the text writes out is the
 * same but for those digits ("RCS25F0500088" … "另外0089那台" is RCS25F0500089, blind round 19: its
 * fault was lost) and none of them ends in them; else NULL (caller frees). */
static char *
tail_machine_sn(const ParserConfig *c, const char *text, const char *line)
{
  static GRegex *tail_re;
  g_autoptr(GMatchInfo) mi = NULL;
  if (!g_regex_match(cached_regex(&tail_re, TAIL_MACHINE), line, 0, &mi))
    return NULL;
  g_autofree char *tail = g_match_info_fetch(mi, 1);
  gsize tl = strlen(tail);
  g_autoptr(GPtrArray) sns = g_ptr_array_new_with_free_func(g_free);
  parser_sn_find(c, text, sns);
  if (sns->len == 0)
    return NULL;
  const char *first = g_ptr_array_index(sns, 0);
  gsize n = strlen(first);
  if (n <= tl + 3)
    return NULL;
  for (gsize k = n - tl; k < n; k++)
    if (!g_ascii_isdigit(first[k]))
      return NULL;
  for (guint i = 0; i < sns->len; i++) {
    const char *sn = g_ptr_array_index(sns, i);
    if (strlen(sn) != n || strncmp(sn, first, n - tl) != 0 || strcmp(sn + n - tl, tail) == 0)
      return NULL;
  }
  g_autofree char *prefix = g_strndup(first, n - tl);
  return g_strconcat(prefix, tail, NULL);
}

static void
machines_in(const ParserConfig *c, ParserSources *s, const char *text, GPtrArray *out, guint *passed)
{
  int shared = -1; /* item_kept: whether text says its machines share a fault, once read */
  if (!text)
    return;
  guint n;
  g_autofree char **lines = parser_split_lines(text, &n);
  Table t = { 0 };
  g_autoptr(GPtrArray) listed = g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref);
  for (guint i = 0; i < n && out->len <= MACHINES_SCAN_MAX; i++) {
    g_autoptr(GPtrArray) sns = g_ptr_array_new_with_free_func(g_free);
    gboolean list = parser_sn_list(c, lines[i], sns);
    g_auto(GStrv) cells = cells_of(lines[i]);
    if (sns->len == 0) {
      g_autofree char *by_tail = cells ? NULL : tail_machine_sn(c, text, lines[i]);
      if (by_tail && !has_machine(out, by_tail) && part_faulty(c, lines[i], TRUE)) {
        g_ptr_array_add(out, line_machine(c, s, lines[i], by_tail));
        continue;
      }
      if (cells) {
        Table h = { .header = FALSE };
        guint named = 0;
        for (guint k = 0; cells[k] && k < G_N_ELEMENTS(h.col); k++)
          named += (h.col[k] = header_column(cells[k])) != COL_OTHER;
        if (named >= 2 && h.col[0] != COL_SYMPTOMS) {
          h.header = TRUE;
          t = h;
        }
      }
      continue;
    }
    if (sns->len != 1) {
      /* Several in one line are several machines when the line tells their fault ("…这三台网卡
       * 故障"), not an inventory ("一共三台：A、B、C，都是10月到的货"), a request ("需要上架安装")
       * nor "一台正常 一台宕机". */
      if (list && !cells && parser_tells_faults_only(c, lines[i]))
        g_ptr_array_add(listed, g_steal_pointer(&sns));
      g_autoptr(GPtrArray) parts = NULL;
      gboolean marked = FALSE;
      if (!list && !cells && !(marked = (parts = item_parts(c, lines[i])) != NULL))
        parts = sn_parts(c, lines[i], sns);
      /* SNs that share a clause, said to have the fault the mail tells: one machine each, after
       * those of the lines before that tell it ("RCS…20 CPU 温度过高告警。\n另外两台 …也一样") */
      if (sns && !parts && !cells && line_shares_fault(lines[i]) &&
          parser_fault_words(c, text, strlen(text)) > 0) {
        GPtrArray *told = g_ptr_array_new_with_free_func(g_free);
        for (guint k = 0; k < i; k++)
          if (parser_fault_words(c, lines[k], strlen(lines[k])) > 0)
            parser_sn_find(c, lines[k], told);
        g_ptr_array_add(listed, told);
        g_ptr_array_add(listed, g_steal_pointer(&sns));
      }
      /* a part told apart only by its SN's clause shares no fault: its own or none */
      int unmarked = 0;
      for (guint k = 0; parts && k < parts->len; k++) {
        const char *part = g_ptr_array_index(parts, k);
        g_autoptr(GPtrArray) one = g_ptr_array_new_with_free_func(g_free);
        parser_sn_find(c, part, one);
        if (has_machine(out, g_ptr_array_index(one, 0)))
          continue;
        gboolean faulty = FALSE;
        if (!item_kept(c, part, !marked, text, marked ? &shared : &unmarked, &faulty)) {
          (*passed)++;
          continue;
        }
        ParserMachine *m = line_machine(c, s, part, g_ptr_array_index(one, 0));
        if (!faulty)
          g_clear_pointer(&m->symptoms, g_free); /* the mail's */
        g_ptr_array_add(out, m);
      }
      continue;
    }
    const char *sn = g_ptr_array_index(sns, 0);
    gssize from = cells ? 0 : item_start(lines[i], sn);
    if (has_machine(out, sn) || from < 0 || field_row_not_sn(cells, sn))
      continue;
    ParserMachine *m = cells ? row_machine(c, &t, cells, sn) : line_machine(c, s, lines[i] + from, sn);
    if ((!cells || !t.header) &&
        (!m->symptoms || parser_fault_words(c, m->symptoms, strlen(m->symptoms)) <= 0)) {
      /* the item goes on below its SN line — with what it says of the machine, a fault or that it is
       * fine: "麻烦尽快处理。" under the last of "以下三台都无法开机：" / "1. RCS…" is the mail's, not
       * the last machine's symptoms (blind round 21: that order lost the fault and was queued S3) */
      g_autofree char *more = item_lines(c, lines, n, i);
      g_autofree char *sym = more ? list_symptoms(more) : NULL;
      if (sym && parser_fault_words(c, sym, strlen(sym)) != 0) {
        char *all = m->symptoms ? g_strconcat(m->symptoms, " ", sym, NULL) : g_strdup(sym);
        g_free(m->symptoms);
        m->symptoms = all;
      }
    }
    /* an item told apart by a word mark ("第一台", "其中一台", "the first one") */
    static GRegex *marked_re;
    GRegex *marked = cached_regex(&marked_re, "^[ \t>]*(?:" ITEM_MARK ")");
    gboolean faulty = FALSE;
    if (!cells && g_regex_match(marked, lines[i] + from, 0, NULL) &&
        !item_kept(c, m->symptoms, FALSE, text, &shared, &faulty)) {
      parser_machine_free(m);
      (*passed)++;
      continue;
    }
    g_ptr_array_add(out, m);
  }
  for (guint i = 0; i < listed->len; i++)
    list_machines(g_ptr_array_index(listed, i), out);
  keep_named_by_tail(c, text, out, passed);
}

/* The subject tells one machine's fault ("RCS…0500 硬盘亮红灯"), the text names another that has it
 * too ("同上，RCS…0501 也是一样的情况", "RCS…0501 也是硬盘亮红灯"): both are machines (blind round 22: one
 * was lost). rows: what the text gave (at most one), replaced by the two. */
static void
subject_and_same(const ParserConfig *c, const ParserSources *s, GPtrArray *rows)
{
  if (!s->subject || !s->main)
    return;
  g_autoptr(GPtrArray) in_subject = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(GPtrArray) in_text = g_ptr_array_new_with_free_func(g_free);
  parser_sn_find(c, s->subject, in_subject);
  parser_sn_find(c, s->main, in_text);
  if (in_subject->len != 1 || in_text->len != 1 ||
      g_str_equal(g_ptr_array_index(in_subject, 0), g_ptr_array_index(in_text, 0)) ||
      parser_fault_words(c, s->subject, strlen(s->subject)) <= 0)
    return;
  /* "也是" only with a fault of its own ("也是硬盘亮红灯"; not "也是去年买的") */
  gboolean same = line_shares_fault(s->main) || strstr(s->main, "同上") || strstr(s->main, "也一样") ||
                  strstr(s->main, "也出现") ||
                  (strstr(s->main, "也是") && parser_fault_words(c, s->main, strlen(s->main)) > 0);
  if (!same || parser_says_fixed(c, s->main))
    return;
  const char *ssn = g_ptr_array_index(in_subject, 0), *tsn = g_ptr_array_index(in_text, 0);
  const char *const sw[] = { ssn, NULL }, *const tw[] = { tsn, NULL };
  static GRegex *prefix_re; /* "回复: ", "Re: Fwd: " */
  g_autofree char *subject = g_regex_replace_literal(
    cached_regex(&prefix_re, "^(?:\\s*(?i:re|fw|fwd|aw|sv|回复|答复|回覆|答覆|转发|轉發|转)\\s*[:：]\\s*)+"),
    s->subject, -1, 0, "", 0, NULL);
  g_autofree char *subject_rest = without(subject ? subject : s->subject, sw);
  g_autofree char *subject_sym = list_symptoms(subject_rest);
  g_autofree char *text_rest = without(s->main, tw);
  g_autofree char *text_sym = list_symptoms(text_rest);
  gboolean own =
    text_sym && parser_fault_words(c, text_sym, strlen(text_sym)) > 0 && !strstr(s->main, "同上");
  g_ptr_array_set_size(rows, 0);
  g_ptr_array_add(rows, machine_new(ssn, NULL, subject_sym));
  g_ptr_array_add(rows, machine_new(tsn, NULL, own ? text_sym : subject_sym));
}

/* Rows that say the machine is fine ("运行正常") or only ask for something ("这台想扩内存，麻烦报个
 *价") are not machines to repair, unless all are. A row that states a fault and that the rest is fine
 * ("GPU 掉卡，机器本身正常运行") is one to repair. */
static void
drop_calm(const ParserConfig *c, GPtrArray *rows)
{
  guint calm = 0;
  g_autofree gboolean *is_calm = g_new0(gboolean, rows->len + 1);
  for (guint i = 0; i < rows->len; i++) {
    const ParserMachine *m = g_ptr_array_index(rows, i);
    is_calm[i] = m->symptoms && ((parser_fault_words(c, m->symptoms, strlen(m->symptoms)) < 0 &&
                                  !parser_states_fault(c, m->symptoms)) ||
                                 parser_tells_request_only(c, m->symptoms) || none_said(m->symptoms));
    calm += is_calm[i];
  }
  if (calm == 0 || calm == rows->len)
    return;
  for (guint i = rows->len; i-- > 0;)
    if (is_calm[i])
      g_ptr_array_remove_index(rows, i);
}

/* The request's SN and model become m's (read from the text from_text names). */
static void
take_machine(ParserRequest *r, const ParserMachine *m, const char *from_text)
{
  if (!r->sn || g_strcmp0(r->sn, m->sn) != 0) {
    g_free(r->sn);
    r->sn = g_strdup(m->sn);
    r->sn_source = from_text;
    r->sn_quoted = FALSE;
  }
  if (m->model && g_strcmp0(m->model, r->model) != 0) {
    g_free(r->model);
    r->model = g_strdup(m->model);
  }
}

void
parser_extract_machines(const ParserConfig *c, ParserSources *s, ParserRequest *r)
{
  if (r->ignored_reason)
    return;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func(parser_machine_free);
  /* One SN in the text (nearly every mail): one machine, no line-by-line look — unless another is
   * named by its last digits ("另外0089那台…") */
  static GRegex *tail_re;
  if (r->sn_candidates->len < 2 && !s->att_text &&
      !(r->sn_candidates->len == 1 && s->main &&
        g_regex_match(cached_regex(&tail_re, TAIL_MACHINE), s->main, 0, NULL))) {
    g_ptr_array_add(r->machines, machine_new(r->sn, r->model, r->symptoms));
    return;
  }
  guint passed = 0; /* machines a line of prose named but said nothing wrong of */
  machines_in(c, s, s->main, rows, &passed);
  if (rows->len < 2)
    subject_and_same(c, s, rows);
  if (rows->len < 2 && s->fwd) {
    g_ptr_array_set_size(rows, 0);
    passed = 0;
    machines_in(c, s, s->fwd, rows, &passed);
  }
  const char *from_text = r->body_html ? "html" : "body";
  if (rows->len < 2 && s->att_text) {
    g_ptr_array_set_size(rows, 0);
    passed = 0;
    machines_in(c, s, s->att_text, rows, &passed);
    from_text = "attachment_text";
  }
  guint listed = rows->len + passed;
  drop_calm(c, rows);
  if (rows->len < 2) {
    /* of several listed, the one left to repair is the machine, whichever SN the text scored first */
    const ParserMachine *only = listed >= 2 && rows->len == 1 ? g_ptr_array_index(rows, 0) : NULL;
    if (only && g_strcmp0(only->sn, r->sn) != 0)
      take_machine(r, only, from_text);
    /* the row of a sheet tells the fault the mail only points to ("故障清单见附件": blind round 17,
     * an XLSX row's "网卡 link 反复 up/down" was lost) */
    if (only && s->att_text && g_str_equal(from_text, "attachment_text") && only->symptoms &&
        parser_fault_words(c, only->symptoms, strlen(only->symptoms)) > 0 &&
        (!r->symptoms || !strstr(r->symptoms, only->symptoms))) {
      char *both =
        r->symptoms ? g_strconcat(r->symptoms, "\n", only->symptoms, NULL) : g_strdup(only->symptoms);
      g_free(r->symptoms);
      r->symptoms = both;
    }
    g_ptr_array_add(r->machines, machine_new(r->sn, r->model, r->symptoms));
    return;
  }
  /* machines[0] is the SN the symptoms are about; without one, the first row's. */
  guint first = 0;
  for (guint i = 0; r->sn && i < rows->len; i++)
    if (g_strcmp0(((ParserMachine *)g_ptr_array_index(rows, i))->sn, r->sn) == 0)
      first = i;
  take_machine(r, g_ptr_array_index(rows, first), from_text);
  for (guint k = 0; k < rows->len; k++) {
    ParserMachine *m = g_ptr_array_index(rows, (k == 0) ? first : (k <= first ? k - 1 : k));
    if (!m->model)
      m->model = g_strdup(r->model);
    if (!m->symptoms)
      m->symptoms = g_strdup(r->symptoms);
    ParserMachine *copy = machine_new(m->sn, m->model, m->symptoms);
    copy->address = g_strdup(m->address);
    copy->city = g_strdup(m->city);
    copy->district = g_strdup(m->district);
    g_ptr_array_add(r->machines, copy);
  }
  /* Every SN of the table is a candidate (an attachment's were not scanned with the text). */
  for (guint i = 0; i < r->machines->len; i++) {
    const char *sn = ((ParserMachine *)g_ptr_array_index(r->machines, i))->sn;
    gboolean have = FALSE;
    for (guint k = 0; k < r->sn_candidates->len && !have; k++)
      have = strcmp(g_ptr_array_index(r->sn_candidates, k), sn) == 0;
    if (!have)
      g_ptr_array_add(r->sn_candidates, g_strdup(sn));
  }
}
