/* policy.c: the policy data (tables of rows from PostgreSQL or the seed TSV files), validated and indexed. */
#include "classifier-private.h"

#include <errno.h>
#include <opencc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

G_DEFINE_QUARK(classifier - error - quark, classifier_error)

#ifndef INTAKE_SEED_DIR
#define INTAKE_SEED_DIR "sql/seed"
#endif

/* ---------- enum names ---------- */

static const char *const kind_names[] = { "fault",       "software", "consultation",
                                          "value_added", "followup", "ignored" };
static const char *const component_names[] = { "machine_part",   "auxiliary", "peripheral",
                                               "other_material", "gpu",       "roycom_software",
                                               "other_software", "system",    "unknown" };
static const char *const coverage_names[] = { NULL,      "covered",     "chargeable",
                                              "expired", "not_covered", "needs_review" };
static const char *const tier_names[] = { NULL, "silver", "gold" };
static const char *const severity_names[] = { NULL, "S1", "S2", "S3" };
static const char *const priority_names[] = { NULL, "P1", "P2", "P3", "P4" };
static const char *const onsite_names[] = { "4h", "next_day", "negotiated", "unknown" };
static const char *const field_names[] = { "sn",      "model", "symptoms", "address",
                                           "contact", "phone", "location" };

const char *
classifier_kind_name(ClassifierKind v)
{
  return (guint)v < G_N_ELEMENTS(kind_names) ? kind_names[v] : NULL;
}
const char *
classifier_component_name(ClassifierComponent v)
{
  return (guint)v < G_N_ELEMENTS(component_names) ? component_names[v] : NULL;
}
const char *
classifier_coverage_name(ClassifierCoverage v)
{
  return (guint)v < G_N_ELEMENTS(coverage_names) ? coverage_names[v] : NULL;
}
const char *
classifier_tier_name(ClassifierTier v)
{
  return (guint)v < G_N_ELEMENTS(tier_names) ? tier_names[v] : NULL;
}
const char *
classifier_severity_name(ClassifierSeverity v)
{
  return (guint)v < G_N_ELEMENTS(severity_names) ? severity_names[v] : NULL;
}
const char *
classifier_priority_name(ClassifierPriority v)
{
  return (guint)v < G_N_ELEMENTS(priority_names) ? priority_names[v] : NULL;
}
const char *
classifier_onsite_class_name(ClassifierOnsiteClass v)
{
  return (guint)v < G_N_ELEMENTS(onsite_names) ? onsite_names[v] : NULL;
}
const char *
classifier_field_name(ClassifierField v)
{
  return (guint)v < G_N_ELEMENTS(field_names) ? field_names[v] : NULL;
}

static int
enum_lookup(const char *const *names, guint n, const char *s)
{
  for (guint i = 0; i < n; i++)
    if (names[i] && g_str_equal(names[i], s))
      return (int)i;
  return -1;
}
#define ENUM_LOOKUP(names, s) enum_lookup(names, G_N_ELEMENTS(names), s)

/* ---------- value parsers (PostgreSQL text output) ---------- */

static gboolean
parse_int(const char *s, int min, int max, int *out)
{
  if (!s || !*s)
    return FALSE;
  char *end = NULL;
  errno = 0;
  long v = strtol(s, &end, 10);
  while (end && (*end == ' ' || *end == '\t'))
    end++;
  if (errno || !end || *end || v < min || v > max)
    return FALSE;
  *out = (int)v;
  return TRUE;
}

static gboolean
parse_bool(const char *s, gboolean *out)
{
  static const char *const yes[] = { "t", "true", "yes", "y", "1", "on" };
  static const char *const no[] = { "f", "false", "no", "n", "0", "off" };
  for (guint i = 0; i < G_N_ELEMENTS(yes); i++) {
    if (!g_ascii_strcasecmp(s, yes[i])) {
      *out = TRUE;
      return TRUE;
    }
    if (!g_ascii_strcasecmp(s, no[i])) {
      *out = FALSE;
      return TRUE;
    }
  }
  return FALSE;
}

/* YYYY-MM-DD; also YYYY/M/D and YYYY.M.D (spreadsheet exports). */
gboolean
policy_parse_date(const char *s, GDate *out)
{
  if (!s)
    return FALSE;
  while (*s == ' ')
    s++;
  int y = 0, m = 0, d = 0, n = 0;
  const char *p = s;
  while (g_ascii_isdigit(*p) && n < 4) {
    y = y * 10 + (*p++ - '0');
    n++;
  }
  if (n != 4 || (*p != '-' && *p != '/' && *p != '.'))
    return FALSE;
  char sep = *p++;
  for (n = 0; g_ascii_isdigit(*p) && n < 2; n++)
    m = m * 10 + (*p++ - '0');
  if (!n || *p++ != sep)
    return FALSE;
  for (n = 0; g_ascii_isdigit(*p) && n < 2; n++)
    d = d * 10 + (*p++ - '0');
  if (!n)
    return FALSE;
  while (*p == ' ')
    p++;
  /* a timestamp's time part is tolerated (PostgreSQL never sends one for a date) */
  if (*p && *p != 'T' && *p != ' ')
    return FALSE;
  if (y < 1900 || y > 2999 || !g_date_valid_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y))
    return FALSE;
  g_date_clear(out, 1);
  g_date_set_dmy(out, (GDateDay)d, (GDateMonth)m, (GDateYear)y);
  return TRUE;
}

/* HH:MM or HH:MM:SS → seconds after midnight (24:00 allowed). */
static gboolean
parse_time_of_day(const char *s, int *out)
{
  int h, m, sec = 0;
  char tail;
  int n = sscanf(s, "%d:%d:%d%c", &h, &m, &sec, &tail);
  if (n != 2 && n != 3)
    return FALSE;
  if (h < 0 || h > 24 || m < 0 || m > 59 || sec < 0 || sec > 59 || (h == 24 && (m || sec)))
    return FALSE;
  *out = h * 3600 + m * 60 + sec;
  return TRUE;
}

/* {1,2,3} or 1,2,3 of ISO weekdays → bit set. */
static gboolean
parse_weekdays(const char *s, guint8 *out)
{
  g_autofree char *copy = g_strdup(s);
  char *p = copy;
  gsize l = strlen(p);
  if (l && p[0] == '{' && p[l - 1] == '}') {
    p[l - 1] = '\0';
    p++;
  }
  g_auto(GStrv) parts = g_strsplit(p, ",", -1);
  guint8 mask = 0;
  for (guint i = 0; parts[i]; i++) {
    int d;
    g_strstrip(parts[i]);
    if (!parse_int(parts[i], 1, 7, &d))
      return FALSE;
    mask |= (guint8)(1u << d);
  }
  *out = mask;
  return mask != 0;
}

/* ---------- text normalisation ---------- */

static gboolean
needs_nfkc(const char *s, gsize len)
{
  for (gsize i = 0; i + 1 < len; i++) {
    guchar c = (guchar)s[i];
    if (c < 0xE2)
      continue;
    guchar c1 = (guchar)s[i + 1];
    /* U+FF00–U+FFEF full-width/half-width forms, U+3000 ideographic space, U+2460… enclosed, U+2100… letterlike */
    if (c == 0xEF && (c1 == 0xBC || c1 == 0xBD || c1 == 0xBE || c1 == 0xBF))
      return TRUE;
    if (c == 0xE3 && c1 == 0x80 && i + 2 < len && (guchar)s[i + 2] == 0x80)
      return TRUE;
    if (c == 0xE2 && (c1 == 0x84 || c1 == 0x85 || c1 == 0x91))
      return TRUE;
  }
  return FALSE;
}

char *
policy_normalise_text(const char *text, gssize len)
{
  char *s = policy_nfkc(text, len);
  for (char *p = s; *p; p++)
    if (*p >= 'A' && *p <= 'Z')
      *p = (char)(*p + ('a' - 'A'));
  return s;
}

char *
policy_nfkc(const char *text, gssize len)
{
  if (!text)
    return g_strdup("");
  gsize l = len < 0 ? strlen(text) : (gsize)len;
  char *s;
  if (!g_utf8_validate_len(text, l, NULL))
    s = g_utf8_make_valid(text, (gssize)l);
  else
    s = g_strndup(text, l);
  if (needs_nfkc(s, strlen(s))) {
    char *n = g_utf8_normalize(s, -1, G_NORMALIZE_NFKC);
    if (n) {
      g_free(s);
      s = n;
    }
  }
  return s;
}

char *
policy_place_key(const char *name)
{
  g_autofree char *n = policy_normalise_text(name, -1);
  GString *k = g_string_sized_new(strlen(n));
  for (const char *p = n; *p; p++) {
    if (*p == ' ' || *p == '-' || *p == '_' || *p == '\'' || *p == '.' || *p == ',' || *p == '\t')
      continue;
    g_string_append_c(k, *p);
  }
  /* the right single quotation mark in "Xi’an" */
  char *q;
  while ((q = strstr(k->str, "\xe2\x80\x99")))
    g_string_erase(k, q - k->str, 3);
  static const char *const suffixes[] = { "district", "city", "municipality", "qu", "shi", "区", "市" };
  for (guint i = 0; i < G_N_ELEMENTS(suffixes); i++) {
    gsize sl = strlen(suffixes[i]);
    if (k->len > sl && g_str_has_suffix(k->str, suffixes[i])) {
      g_string_truncate(k, k->len - sl);
      break;
    }
  }
  return g_string_free(k, FALSE);
}

/* ---------- table descriptions ---------- */

typedef gboolean (*RowFunc)(ClassifierPolicy *p, const char *const *v, guint row, GError **error);

typedef struct {
  const char *name;
  const char *const *columns;
  guint required; /* bit set over columns: must be present and non-NULL */
  RowFunc add;
} TableDesc;

#define COLS(...)                                                                                            \
  (const char *const[])                                                                                      \
  {                                                                                                          \
    __VA_ARGS__, NULL                                                                                        \
  }

static gboolean row_settings(ClassifierPolicy *p, const char *const *v, guint row, GError **error);
static gboolean row_components(ClassifierPolicy *p, const char *const *v, guint row, GError **error);
static gboolean row_parts_terms(ClassifierPolicy *p, const char *const *v, guint row, GError **error);
static gboolean row_keywords(ClassifierPolicy *p, const char *const *v, guint row, GError **error);
static gboolean row_priority_matrix(ClassifierPolicy *p, const char *const *v, guint row, GError **error);
static gboolean row_priority_caps(ClassifierPolicy *p, const char *const *v, guint row, GError **error);
static gboolean row_holidays(ClassifierPolicy *p, const char *const *v, guint row, GError **error);
static gboolean row_clocks(ClassifierPolicy *p, const char *const *v, guint row, GError **error);
static gboolean row_sla_terms(ClassifierPolicy *p, const char *const *v, guint row, GError **error);
static gboolean row_service_areas(ClassifierPolicy *p, const char *const *v, guint row, GError **error);

static const TableDesc tables[] = {
  { "policy_settings", COLS("key", "value"), 0x1, row_settings },
  { "components", COLS("component", "match_rank", "kind", "silver_years", "gold_years", "contract_overrides"),
    0x27, row_components },
  { "parts_terms", COLS("brand", "from_year", "to_year", "coverage"), 0xf, row_parts_terms },
  { "keywords", COLS("category", "code", "keyword", "requires"), 0x7, row_keywords },
  { "priority_matrix", COLS("severity", "tier", "priority"), 0x7, row_priority_matrix },
  { "priority_caps", COLS("coverage", "max_priority"), 0x3, row_priority_caps },
  { "holidays", COLS("day", "kind", "name"), 0x3, row_holidays },
  { "service_clocks", COLS("clock", "wall_clock", "opens", "closes", "workdays", "observes_holidays"), 0x3,
    row_clocks },
  { "sla_terms",
    COLS("tier", "clock", "response_minutes", "plan_minutes", "onsite_rule", "onsite_minutes",
         "fast_onsite_minutes", "fast_onsite_priority", "fast_onsite_class"),
    0x1f, row_sla_terms },
  { "service_areas", COLS("province", "city", "district", "onsite_class", "unlisted_districts", "aliases"),
    0x8, row_service_areas },
};

static const char *const table_names[] = {
  "policy_settings", "components",    "parts_terms", "keywords",
  "priority_matrix", "priority_caps", "holidays",    "service_clocks",
  "sla_terms",       "service_areas", NULL
};

const char *const *
classifier_policy_tables(void)
{
  return table_names;
}

static const TableDesc *
find_table(const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS(tables); i++)
    if (g_str_equal(tables[i].name, name))
      return &tables[i];
  return NULL;
}

const char *const *
classifier_policy_table_columns(const char *table)
{
  const TableDesc *t = find_table(table);
  return t ? t->columns : NULL;
}

char *
classifier_policy_table_select(const char *table)
{
  const TableDesc *t = find_table(table);
  if (!t)
    return NULL;
  g_autofree char *cols = g_strjoinv(", ", (char **)t->columns);
  /* keywords and service_areas: the seed file's order (id) matters for reason order and aliases */
  gboolean ordered = g_str_equal(table, "keywords") || g_str_equal(table, "service_areas");
  return g_strdup_printf("SELECT %s FROM intake.%s%s", cols, table, ordered ? " ORDER BY id" : "");
}

static G_GNUC_PRINTF(5, 6) gboolean
  row_error(GError **error, const char *table, guint row, const char *column, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  g_autofree char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  if (column)
    g_set_error(error, CLASSIFIER_ERROR, CLASSIFIER_ERROR_POLICY, "policy table %s, row %u, column %s: %s",
                table, row, column, msg);
  else
    g_set_error(error, CLASSIFIER_ERROR, CLASSIFIER_ERROR_POLICY, "policy table %s, row %u: %s", table, row,
                msg);
  return FALSE;
}

#define BAD(table, col, ...) row_error(error, table, row, col, __VA_ARGS__)

/* ---------- rows ---------- */

static gboolean
row_settings(ClassifierPolicy *p, const char *const *v, guint row, GError **error)
{
  if (g_hash_table_contains(p->settings, v[0]))
    return BAD("policy_settings", "key", "'%s' given twice", v[0]);
  g_hash_table_insert(p->settings, g_strdup(v[0]), g_strdup(v[1] ? v[1] : ""));
  return TRUE;
}

static gboolean
row_components(ClassifierPolicy *p, const char *const *v, guint row, GError **error)
{
  int c = ENUM_LOOKUP(component_names, v[0]);
  if (c < 0)
    return BAD("components", "component", "unknown component '%s'", v[0]);
  ComponentTerm *t = &p->components[c];
  if (t->seen)
    return BAD("components", "component", "'%s' given twice", v[0]);
  if (!parse_int(v[1], 0, 1000, &t->rank))
    return BAD("components", "match_rank", "'%s' is not a number 0-1000", v[1]);
  if (g_str_equal(v[2], "fault"))
    t->kind = CLASSIFIER_KIND_FAULT;
  else if (g_str_equal(v[2], "software"))
    t->kind = CLASSIFIER_KIND_SOFTWARE;
  else
    return BAD("components", "kind", "'%s' is neither fault nor software", v[2]);
  t->years[CLASSIFIER_TIER_UNKNOWN] = -1;
  for (int tier = CLASSIFIER_TIER_SILVER; tier <= CLASSIFIER_TIER_GOLD; tier++) {
    const char *s = v[2 + tier];
    const char *col = tier == CLASSIFIER_TIER_SILVER ? "silver_years" : "gold_years";
    if (!s)
      t->years[tier] = -1;
    else if (!parse_int(s, 0, 50, &t->years[tier]))
      return BAD("components", col, "'%s' is not a number of years 0-50", s);
  }
  if (!parse_bool(v[5], &t->contract_overrides))
    return BAD("components", "contract_overrides", "'%s' is not a boolean", v[5]);
  t->seen = TRUE;
  return TRUE;
}

static gboolean
row_parts_terms(ClassifierPolicy *p, const char *const *v, guint row, GError **error)
{
  PartsTerm t = { 0 };
  if (!parse_int(v[1], 1, 50, &t.from_year))
    return BAD("parts_terms", "from_year", "'%s' is not a year number 1-50", v[1]);
  if (!parse_int(v[2], t.from_year, 50, &t.to_year))
    return BAD("parts_terms", "to_year", "'%s' is not a year number from from_year to 50", v[2]);
  int c = ENUM_LOOKUP(coverage_names, v[3]);
  if (c <= 0)
    return BAD("parts_terms", "coverage", "unknown coverage '%s'", v[3]);
  t.coverage = (ClassifierCoverage)c;
  t.brand = g_ascii_strdown(v[0], -1);
  g_ptr_array_add(p->parts_terms, g_memdup2(&t, sizeof t));
  return TRUE;
}

static gboolean
is_ascii_alnum(guchar c)
{
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static gboolean
row_keywords(ClassifierPolicy *p, const char *const *v, guint row, GError **error)
{
  static const char *const cats[] = { "component",   "exclusion", "kind",    "severity",
                                      "value_added", "mask",      "negation" };
  int cat = ENUM_LOOKUP(cats, v[0]);
  if (cat < 0)
    return BAD("keywords", "category",
               "unknown category '%s' (component, exclusion, kind, severity, value_added, mask, negation)",
               v[0]);
  Keyword kw = { .category = (KeywordCategory)cat, .next = -1 };
  switch (kw.category) {
    case KW_COMPONENT:
      kw.code_value = ENUM_LOOKUP(component_names, v[1]);
      if (kw.code_value < 0 || kw.code_value == CLASSIFIER_COMPONENT_UNKNOWN ||
          kw.code_value == CLASSIFIER_COMPONENT_OTHER_SOFTWARE)
        return BAD("keywords", "code",
                   "'%s' is not a component keywords can name (other_software comes from the asset)", v[1]);
      break;
    case KW_SEVERITY:
      kw.code_value = ENUM_LOOKUP(severity_names, v[1]);
      if (kw.code_value <= 0)
        return BAD("keywords", "code", "'%s' is not a severity (S1, S2, S3)", v[1]);
      break;
    case KW_KIND:
      if (!g_str_equal(v[1], "consultation"))
        return BAD("keywords", "code", "kind keywords can only be 'consultation', not '%s'", v[1]);
      kw.code_value = CLASSIFIER_KIND_CONSULTATION;
      break;
    default:
      for (const char *c = v[1]; *c; c++)
        if (!g_ascii_isalnum(*c) && *c != '_')
          return BAD("keywords", "code", "'%s' is not a code (letters, digits, _)", v[1]);
      break;
  }
  g_autofree char *text = policy_normalise_text(v[2], -1);
  g_strstrip(text);
  gsize len = strlen(text);
  gboolean star = len > 0 && text[len - 1] == '*';
  if (star)
    text[--len] = '\0';
  if (len < 2)
    return BAD("keywords", "keyword", "'%s' is shorter than two bytes", v[2]);
  kw.word_start = is_ascii_alnum((guchar)text[0]);
  kw.word_end = !star && is_ascii_alnum((guchar)text[len - 1]);
  kw.text = g_steal_pointer(&text);
  kw.len = len;
  kw.code = g_strdup(v[1]);
  if (v[3] && *v[3]) {
    g_autofree char *req = policy_normalise_text(v[3], -1);
    kw.requires = g_strsplit(req, "|", -1);
    for (guint i = 0; kw.requires[i]; i++)
      g_strstrip(kw.requires[i]);
  }
  g_array_append_val(p->keywords, kw);
  p->has_keyword[kw.category] = TRUE;
  return TRUE;
}

static int
tier_or_unknown(const char *s)
{
  if (g_str_equal(s, "unknown"))
    return CLASSIFIER_TIER_UNKNOWN;
  int t = ENUM_LOOKUP(tier_names, s);
  return t > 0 ? t : -1;
}

static gboolean
row_priority_matrix(ClassifierPolicy *p, const char *const *v, guint row, GError **error)
{
  int s = ENUM_LOOKUP(severity_names, v[0]);
  if (s <= 0)
    return BAD("priority_matrix", "severity", "'%s' is not S1, S2 or S3", v[0]);
  int t = tier_or_unknown(v[1]);
  if (t < 0)
    return BAD("priority_matrix", "tier", "'%s' is not gold, silver or unknown", v[1]);
  int pr = ENUM_LOOKUP(priority_names, v[2]);
  if (pr <= 0)
    return BAD("priority_matrix", "priority", "'%s' is not P1-P4", v[2]);
  if (p->matrix[s][t])
    return BAD("priority_matrix", NULL, "%s × %s given twice", v[0], v[1]);
  p->matrix[s][t] = (ClassifierPriority)pr;
  return TRUE;
}

static gboolean
row_priority_caps(ClassifierPolicy *p, const char *const *v, guint row, GError **error)
{
  int c = ENUM_LOOKUP(coverage_names, v[0]);
  if (c <= 0)
    return BAD("priority_caps", "coverage", "unknown coverage '%s'", v[0]);
  int pr = ENUM_LOOKUP(priority_names, v[1]);
  if (pr <= 0)
    return BAD("priority_caps", "max_priority", "'%s' is not P1-P4", v[1]);
  p->caps[c] = (ClassifierPriority)pr;
  return TRUE;
}

static gboolean
row_holidays(ClassifierPolicy *p, const char *const *v, guint row, GError **error)
{
  GDate d;
  if (!policy_parse_date(v[0], &d))
    return BAD("holidays", "day", "'%s' is not a date (YYYY-MM-DD)", v[0]);
  int kind;
  if (g_str_equal(v[1], "holiday"))
    kind = DAY_HOLIDAY;
  else if (g_str_equal(v[1], "workday"))
    kind = DAY_WORKDAY;
  else
    return BAD("holidays", "kind", "'%s' is neither holiday nor workday", v[1]);
  gpointer key = GUINT_TO_POINTER(g_date_get_julian(&d));
  if (g_hash_table_contains(p->days, key))
    return BAD("holidays", "day", "%s given twice", v[0]);
  g_hash_table_insert(p->days, key, GINT_TO_POINTER(kind));
  int y = g_date_get_year(&d);
  if (!p->day_min_year || y < p->day_min_year)
    p->day_min_year = y;
  if (y > p->day_max_year)
    p->day_max_year = y;
  return TRUE;
}

static void
clock_free(gpointer data)
{
  Clock *c = data;
  g_free(c->name);
  g_free(c);
}

static gboolean
row_clocks(ClassifierPolicy *p, const char *const *v, guint row, GError **error)
{
  if (policy_clock(p, v[0]))
    return BAD("service_clocks", "clock", "'%s' given twice", v[0]);
  Clock c = { 0 };
  if (!parse_bool(v[1], &c.wall))
    return BAD("service_clocks", "wall_clock", "'%s' is not a boolean", v[1]);
  if (!c.wall) {
    if (!v[2] || !parse_time_of_day(v[2], &c.opens))
      return BAD("service_clocks", "opens", "'%s' is not a time of day (HH:MM)", v[2] ? v[2] : "");
    if (!v[3] || !parse_time_of_day(v[3], &c.closes))
      return BAD("service_clocks", "closes", "'%s' is not a time of day (HH:MM)", v[3] ? v[3] : "");
    if (c.closes <= c.opens)
      return BAD("service_clocks", "closes", "%s is not after opens %s", v[3], v[2]);
    if (!v[4] || !parse_weekdays(v[4], &c.workdays))
      return BAD("service_clocks", "workdays", "'%s' is not a list of ISO weekdays like {1,2,3,4,5}",
                 v[4] ? v[4] : "");
    if (v[5] && !parse_bool(v[5], &c.holidays))
      return BAD("service_clocks", "observes_holidays", "'%s' is not a boolean", v[5]);
  }
  c.name = g_strdup(v[0]);
  g_ptr_array_add(p->clocks, g_memdup2(&c, sizeof c));
  return TRUE;
}

static gboolean
row_sla_terms(ClassifierPolicy *p, const char *const *v, guint row, GError **error)
{
  int t = tier_or_unknown(v[0]);
  if (t < 0)
    return BAD("sla_terms", "tier", "'%s' is not gold, silver or unknown", v[0]);
  SlaTerm *s = &p->sla[t];
  if (s->set)
    return BAD("sla_terms", "tier", "'%s' given twice", v[0]);
  s->clock_name = g_strdup(v[1]);
  if (!parse_int(v[2], 0, 100000, &s->response_minutes))
    return BAD("sla_terms", "response_minutes", "'%s' is not a number of minutes", v[2]);
  if (!parse_int(v[3], 0, 100000, &s->plan_minutes))
    return BAD("sla_terms", "plan_minutes", "'%s' is not a number of minutes", v[3]);
  if (g_str_equal(v[4], "nbd"))
    s->onsite_rule = ONSITE_RULE_NBD;
  else if (g_str_equal(v[4], "elapsed")) {
    s->onsite_rule = ONSITE_RULE_ELAPSED;
    if (!v[5] || !parse_int(v[5], 1, 1000000, &s->onsite_minutes))
      return BAD("sla_terms", "onsite_minutes", "rule elapsed needs a number of minutes, not '%s'",
                 v[5] ? v[5] : "");
  } else
    return BAD("sla_terms", "onsite_rule", "'%s' is neither nbd nor elapsed", v[4]);
  if (v[6]) {
    if (!parse_int(v[6], 1, 1000000, &s->fast_minutes))
      return BAD("sla_terms", "fast_onsite_minutes", "'%s' is not a number of minutes", v[6]);
    int pr = v[7] ? ENUM_LOOKUP(priority_names, v[7]) : -1;
    if (pr <= 0)
      return BAD("sla_terms", "fast_onsite_priority", "'%s' is not P1-P4", v[7] ? v[7] : "");
    int oc = v[8] ? ENUM_LOOKUP(onsite_names, v[8]) : -1;
    if (oc < 0)
      return BAD("sla_terms", "fast_onsite_class", "'%s' is not an on-site class", v[8] ? v[8] : "");
    s->fast_priority = (ClassifierPriority)pr;
    s->fast_class = (ClassifierOnsiteClass)oc;
  }
  s->set = TRUE;
  return TRUE;
}

typedef struct {
  guint row;
  char *v[6];
} PendingArea;

static void
pending_area_free(gpointer data)
{
  PendingArea *a = data;
  for (guint i = 0; i < G_N_ELEMENTS(a->v); i++)
    g_free(a->v[i]);
  g_free(a);
}

static gboolean
row_service_areas(ClassifierPolicy *p, const char *const *v, guint row, GError **error)
{
  if (!v[0] && !v[1])
    return BAD("service_areas", "city", "a row needs a province or a city");
  if (v[2] && !v[1])
    return BAD("service_areas", "city", "a district row needs its city");
  if (ENUM_LOOKUP(onsite_names, v[3]) < 0)
    return BAD("service_areas", "onsite_class", "'%s' is not 4h, next_day, negotiated or unknown", v[3]);
  if (v[4] && ENUM_LOOKUP(onsite_names, v[4]) < 0)
    return BAD("service_areas", "unlisted_districts", "'%s' is not an on-site class", v[4]);
  PendingArea *a = g_new0(PendingArea, 1);
  a->row = row;
  for (guint i = 0; i < 6; i++)
    a->v[i] = g_strdup(v[i]);
  g_ptr_array_add(p->pending_areas, a);
  return TRUE;
}

/* ---------- the policy object ---------- */

static void
keyword_clear(gpointer data)
{
  Keyword *k = data;
  g_free(k->code);
  g_free(k->text);
  g_strfreev(k->requires);
}

static void
parts_term_free(gpointer data)
{
  PartsTerm *t = data;
  g_free(t->brand);
  g_free(t);
}

static void
area_city_free(gpointer data)
{
  AreaCity *c = data;
  g_free(c->city);
  g_free(c->province);
  g_free(c);
}

static void
area_district_free(gpointer data)
{
  AreaDistrict *d = data;
  g_free(d->district);
  g_free(d);
}

ClassifierPolicy *
classifier_policy_new(void)
{
  ClassifierPolicy *p = g_new0(ClassifierPolicy, 1);
  p->loaded = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  p->settings = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  p->parts_terms = g_ptr_array_new_with_free_func(parts_term_free);
  p->keywords = g_array_new(FALSE, TRUE, sizeof(Keyword));
  g_array_set_clear_func(p->keywords, keyword_clear);
  p->days = g_hash_table_new(g_direct_hash, g_direct_equal);
  p->clocks = g_ptr_array_new_with_free_func(clock_free);
  p->area_cities = g_ptr_array_new_with_free_func(area_city_free);
  p->area_districts = g_ptr_array_new_with_free_func(area_district_free);
  p->city_keys = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  p->district_keys = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  p->district_any = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  p->pending_areas = g_ptr_array_new_with_free_func(pending_area_free);
  return p;
}

void
classifier_policy_free(ClassifierPolicy *p)
{
  if (!p)
    return;
  g_hash_table_unref(p->loaded);
  g_hash_table_unref(p->settings);
  if (p->tz)
    g_time_zone_unref(p->tz);
  g_free(p->tz_name);
  g_ptr_array_unref(p->parts_terms);
  g_array_unref(p->keywords);
  g_free(p->kw_index);
  if (p->t2s)
    opencc_close((opencc_t)p->t2s);
  g_free(p->t2s_chars);
  g_hash_table_unref(p->days);
  g_ptr_array_unref(p->clocks);
  for (guint i = 0; i < CLASSIFIER_N_TIERS; i++)
    g_free(p->sla[i].clock_name);
  g_hash_table_unref(p->city_keys);
  g_hash_table_unref(p->district_keys);
  g_hash_table_unref(p->district_any);
  g_ptr_array_unref(p->area_districts);
  g_ptr_array_unref(p->area_cities);
  g_ptr_array_unref(p->pending_areas);
  g_free(p);
}

gboolean
classifier_policy_add_row(ClassifierPolicy *policy, const char *table, const char *const *columns,
                          const char *const *values, guint ncols, guint row_no, GError **error)
{
  g_return_val_if_fail(policy && table && (columns || !ncols) && (values || !ncols), FALSE);
  g_return_val_if_fail(!policy->finished, FALSE);
  const TableDesc *t = find_table(table);
  if (!t) {
    g_set_error(error, CLASSIFIER_ERROR, CLASSIFIER_ERROR_POLICY, "unknown policy table '%s'", table);
    return FALSE;
  }
  const char *v[16] = { 0 };
  guint ndesc = g_strv_length((char **)t->columns);
  g_assert(ndesc <= G_N_ELEMENTS(v));
  for (guint i = 0; i < ndesc; i++) {
    gboolean found = FALSE;
    for (guint j = 0; j < ncols; j++) {
      if (columns[j] && g_str_equal(columns[j], t->columns[i])) {
        const char *val = values[j];
        v[i] = val && *val ? val : NULL; /* an empty seed field is NULL, as COPY reads it */
        found = TRUE;
        break;
      }
    }
    if ((t->required & (1u << i)) && !found)
      return row_error(error, table, row_no, t->columns[i], "column missing");
    if ((t->required & (1u << i)) && !v[i])
      return row_error(error, table, row_no, t->columns[i], "empty");
  }
  if (!t->add(policy, v, row_no, error))
    return FALSE;
  gpointer n = g_hash_table_lookup(policy->loaded, table);
  g_hash_table_replace(policy->loaded, g_strdup(table), GUINT_TO_POINTER(GPOINTER_TO_UINT(n) + 1));
  return TRUE;
}

gboolean
classifier_policy_add_rows(ClassifierPolicy *policy, const char *table, const char *const *columns,
                           guint ncols, const GPtrArray *rows, GError **error)
{
  g_return_val_if_fail(rows, FALSE);
  for (guint i = 0; i < rows->len; i++)
    if (!classifier_policy_add_row(policy, table, columns, g_ptr_array_index(rows, i), ncols, i + 1, error))
      return FALSE;
  return TRUE;
}

const Clock *
policy_clock(const ClassifierPolicy *p, const char *name)
{
  if (!name)
    return NULL;
  for (guint i = 0; i < p->clocks->len; i++) {
    const Clock *c = g_ptr_array_index(p->clocks, i);
    if (g_str_equal(c->name, name))
      return c;
  }
  return NULL;
}

static gboolean finish_error(GError **error, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static gboolean
finish_error(GError **error, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  g_autofree char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  g_set_error(error, CLASSIFIER_ERROR, CLASSIFIER_ERROR_POLICY, "policy: %s", msg);
  return FALSE;
}

static const char *
setting(const ClassifierPolicy *p, const char *key)
{
  return g_hash_table_lookup(p->settings, key);
}

static gboolean
finish_settings(ClassifierPolicy *p, GError **error)
{
  static const char *const required[] = { "timezone",      "legacy_ship_before",   "ship_offset_days",
                                          "days_per_year", "default_onsite_class", "sla_coverages" };
  for (guint i = 0; i < G_N_ELEMENTS(required); i++)
    if (!setting(p, required[i]) || !*setting(p, required[i]))
      return finish_error(error, "policy_settings has no value for '%s'", required[i]);
  const char *tz = setting(p, "timezone");
  p->tz = g_time_zone_new_identifier(tz);
  p->tz_name = g_strdup(tz);
  if (!p->tz) {
    const char *fb = setting(p, "timezone_fallback_offset");
    if (!fb || !(p->tz = g_time_zone_new_identifier(fb)))
      return finish_error(error,
                          "time zone '%s' is unknown here and timezone_fallback_offset '%s' is no offset", tz,
                          fb ? fb : "");
    g_warning("time zone %s not found (tzdata missing?): using the fixed offset %s", tz, fb);
  }
  if (!policy_parse_date(setting(p, "legacy_ship_before"), &p->legacy_before))
    return finish_error(error, "policy_settings legacy_ship_before '%s' is not a date",
                        setting(p, "legacy_ship_before"));
  if (!parse_int(setting(p, "ship_offset_days"), 0, 3650, &p->ship_offset_days))
    return finish_error(error, "policy_settings ship_offset_days '%s' is not a number of days",
                        setting(p, "ship_offset_days"));
  if (!parse_int(setting(p, "days_per_year"), 1, 400, &p->days_per_year))
    return finish_error(error, "policy_settings days_per_year '%s' is not a number 1-400",
                        setting(p, "days_per_year"));
  int oc = ENUM_LOOKUP(onsite_names, setting(p, "default_onsite_class"));
  if (oc < 0)
    return finish_error(error, "policy_settings default_onsite_class '%s' is not an on-site class",
                        setting(p, "default_onsite_class"));
  p->default_area_class = (ClassifierOnsiteClass)oc;
  g_auto(GStrv) covs = g_strsplit(setting(p, "sla_coverages"), ",", -1);
  for (guint i = 0; covs[i]; i++) {
    g_strstrip(covs[i]);
    int c = ENUM_LOOKUP(coverage_names, covs[i]);
    if (c <= 0)
      return finish_error(error, "policy_settings sla_coverages names an unknown coverage '%s'", covs[i]);
    p->sla_coverages |= 1u << c;
  }
  return TRUE;
}

static void
add_city_key(ClassifierPolicy *p, const char *name, AreaCity *c)
{
  g_autofree char *k = policy_place_key(name);
  if (*k && !g_hash_table_contains(p->city_keys, k))
    g_hash_table_insert(p->city_keys, g_steal_pointer(&k), c);
}

static char *
district_key(const AreaCity *c, const char *name)
{
  g_autofree char *k = policy_place_key(name);
  return g_strconcat(c->city, "\x1f", k, NULL);
}

static gboolean
finish_areas(ClassifierPolicy *p, GError **error)
{
  /* cities and regions first, then districts */
  for (int pass = 0; pass < 2; pass++) {
    for (guint i = 0; i < p->pending_areas->len; i++) {
      PendingArea *a = g_ptr_array_index(p->pending_areas, i);
      char **v = a->v;
      guint row = a->row;
      gboolean is_district = v[2] != NULL;
      if ((pass == 0) == is_district)
        continue;
      g_auto(GStrv) aliases = v[5] ? g_strsplit(v[5], ";", -1) : g_new0(char *, 1);
      ClassifierOnsiteClass oc = (ClassifierOnsiteClass)ENUM_LOOKUP(onsite_names, v[3]);
      if (!is_district) {
        const char *name = v[1] ? v[1] : v[0];
        g_autofree char *key = policy_place_key(name);
        AreaCity *prev = g_hash_table_lookup(p->city_keys, key);
        if (prev && g_str_equal(prev->city, name))
          return row_error(error, "service_areas", row, "city", "'%s' given twice", name);
        AreaCity *c = g_new0(AreaCity, 1);
        c->city = g_strdup(name);
        c->province = g_strdup(v[0]);
        c->onsite_class = oc;
        if (v[4]) {
          c->has_unlisted = TRUE;
          c->unlisted_class = (ClassifierOnsiteClass)ENUM_LOOKUP(onsite_names, v[4]);
        }
        g_ptr_array_add(p->area_cities, c);
        add_city_key(p, name, c);
        for (guint j = 0; aliases[j]; j++)
          add_city_key(p, g_strstrip(aliases[j]), c);
      } else {
        g_autofree char *ckey = policy_place_key(v[1]);
        AreaCity *c = g_hash_table_lookup(p->city_keys, ckey);
        if (!c)
          return row_error(error, "service_areas", row, "city", "district %s of '%s': no row for that city",
                           v[2], v[1]);
        c->has_districts = TRUE;
        AreaDistrict *d = g_new0(AreaDistrict, 1);
        d->city = c;
        d->district = g_strdup(v[2]);
        d->onsite_class = oc;
        g_ptr_array_add(p->area_districts, d);
        g_autofree char *dk = district_key(c, v[2]);
        if (g_hash_table_contains(p->district_keys, dk))
          return row_error(error, "service_areas", row, "district", "'%s' of %s given twice", v[2], c->city);
        g_hash_table_insert(p->district_keys, g_steal_pointer(&dk), d);
        for (guint j = 0; aliases[j]; j++) {
          g_autofree char *ak = district_key(c, g_strstrip(aliases[j]));
          if (!g_hash_table_contains(p->district_keys, ak))
            g_hash_table_insert(p->district_keys, g_steal_pointer(&ak), d);
        }
        /* for a mail naming a district without its city */
        for (gint j = -1; j < 0 || aliases[j]; j++) {
          g_autofree char *k = policy_place_key(j < 0 ? v[2] : aliases[j]);
          if (!*k)
            continue;
          if (g_hash_table_contains(p->district_any, k)) {
            AreaDistrict *other = g_hash_table_lookup(p->district_any, k);
            if (other && other != d)
              g_hash_table_replace(p->district_any, g_steal_pointer(&k), NULL); /* ambiguous */
          } else
            g_hash_table_insert(p->district_any, g_steal_pointer(&k), d);
        }
      }
    }
  }
  return TRUE;
}

/* ---------- traditional → simplified (libopencc, config t2s.json) ---------- */

#ifndef INTAKE_OPENCC_CONFIG
#define INTAKE_OPENCC_CONFIG "t2s.json"
#endif

/* CJK blocks whose characters may be traditional: the bitmap covers them, nothing else is converted. */
static const gunichar t2s_ranges[][2] = { { 0x3400, 0x4DBF }, { 0x4E00, 0x9FFF }, { 0xF900, 0xFAFF } };

#define T2S_PHRASE ((gunichar)0xFFFFFFFF)

/* Opens the converter and notes what it makes of every CJK character on its own (one per line, so no
 * phrase spans two): the per-text conversion is then a table look-up per character, offsets kept (a
 * call into libopencc costs more than the rest of a classification); a character t2s turns into more
 * or less than one character sends the text through libopencc itself. */
static gboolean
open_t2s(ClassifierPolicy *p, GError **error)
{
  opencc_t cc = opencc_open(INTAKE_OPENCC_CONFIG);
  if (cc == (opencc_t)-1)
    return finish_error(error, "libopencc cannot open %s (%s): install libopencc-data", INTAKE_OPENCC_CONFIG,
                        opencc_error());
  p->t2s = cc;
  p->t2s_chars = g_new0(gunichar, 0x10000);
  GString *all = g_string_sized_new(30000 * 4);
  for (guint r = 0; r < G_N_ELEMENTS(t2s_ranges); r++)
    for (gunichar c = t2s_ranges[r][0]; c <= t2s_ranges[r][1]; c++) {
      g_string_append_unichar(all, c);
      g_string_append_c(all, '\n');
    }
  char *out = opencc_convert_utf8(cc, all->str, all->len);
  g_string_free(all, TRUE);
  if (!out)
    return finish_error(error, "libopencc %s: %s", INTAKE_OPENCC_CONFIG, opencc_error());
  const char *b = out;
  gboolean in_step = TRUE;
  for (guint r = 0; r < G_N_ELEMENTS(t2s_ranges); r++)
    for (gunichar c = t2s_ranges[r][0]; c <= t2s_ranges[r][1]; c++) {
      const char *be = in_step ? strchr(b, '\n') : NULL;
      if (!be) { /* lines out of step: libopencc converts every CJK text */
        in_step = FALSE;
        p->t2s_chars[c] = T2S_PHRASE;
        continue;
      }
      gunichar s = (be - b) > 0 ? g_utf8_get_char_validated(b, be - b) : (gunichar)-1;
      if (s == (gunichar)-1 || s == (gunichar)-2 || g_utf8_next_char(b) != be)
        p->t2s_chars[c] = T2S_PHRASE;
      else if (s != c)
        p->t2s_chars[c] = s;
      b = be + 1;
    }
  opencc_convert_utf8_free(out);
  return TRUE;
}

char *
policy_t2s(const ClassifierPolicy *p, const char *text)
{
  if (!p->t2s || !text)
    return NULL;
  GString *s = NULL;
  const char *copied = text; /* text before this is in s */
  for (const guchar *c = (const guchar *)text; *c; c++) {
    if (*c < 0xE3 || *c > 0xEF) /* CJK below U+10000 is three bytes, lead E3..EF */
      continue;
    if (!c[1] || !c[2])
      break;
    gunichar u = ((gunichar)(c[0] & 0x0F) << 12) | ((gunichar)(c[1] & 0x3F) << 6) | (gunichar)(c[2] & 0x3F);
    gunichar to = p->t2s_chars[u];
    if (to == T2S_PHRASE) { /* rare: the library converts the whole text */
      if (s)
        g_string_free(s, TRUE);
      char *out = opencc_convert_utf8((opencc_t)p->t2s, text, strlen(text));
      if (!out)
        return NULL;
      char *r = g_utf8_validate(out, -1, NULL) && strcmp(out, text) != 0 ? g_strdup(out) : NULL;
      opencc_convert_utf8_free(out);
      return r;
    }
    if (to) {
      if (!s)
        s = g_string_sized_new(strlen(text) + 8);
      g_string_append_len(s, copied, (gssize)((const char *)c - copied));
      g_string_append_unichar(s, to);
      copied = (const char *)c + 3;
    }
    c += 2;
  }
  if (!s)
    return NULL;
  g_string_append(s, copied);
  return g_string_free(s, FALSE);
}

/* Keywords written in traditional characters match the converted text too. */
static void
keywords_to_simplified(ClassifierPolicy *p)
{
  for (guint i = 0; i < p->keywords->len; i++) {
    Keyword *k = &g_array_index(p->keywords, Keyword, i);
    char *t = policy_t2s(p, k->text);
    if (t && strlen(t) >= 2) {
      g_free(k->text);
      k->text = t;
      k->len = strlen(t);
    } else
      g_free(t);
    for (char **r = k->requires; r && *r; r++) {
      char *rt = policy_t2s(p, *r);
      if (rt) {
        g_free(*r);
        *r = rt;
      }
    }
  }
}

static void
build_keyword_index(ClassifierPolicy *p)
{
  p->kw_index = g_new(gint32, 65536);
  memset(p->kw_index, 0xff, 65536 * sizeof(gint32));
  /* insert in reverse so each chain lists keywords in file order */
  for (gint32 i = (gint32)p->keywords->len - 1; i >= 0; i--) {
    Keyword *k = &g_array_index(p->keywords, Keyword, i);
    guint key = ((guchar)k->text[0] << 8) | (guchar)k->text[1];
    k->next = p->kw_index[key];
    p->kw_index[key] = i;
  }
}

gboolean
classifier_policy_finish(ClassifierPolicy *p, GError **error)
{
  g_return_val_if_fail(p && !p->finished, FALSE);
  for (guint i = 0; table_names[i]; i++)
    if (!g_hash_table_contains(p->loaded, table_names[i]))
      return finish_error(error, "table %s has no rows", table_names[i]);
  if (!finish_settings(p, error))
    return FALSE;
  for (int c = 0; c < CLASSIFIER_N_COMPONENTS; c++) {
    const ComponentTerm *t = &p->components[c];
    if (!t->seen)
      return finish_error(error, "components has no row for '%s'", component_names[c]);
    if (c != CLASSIFIER_COMPONENT_SYSTEM &&
        (t->years[CLASSIFIER_TIER_SILVER] < 0 || t->years[CLASSIFIER_TIER_GOLD] < 0))
      return finish_error(error, "components '%s' needs silver_years and gold_years", component_names[c]);
  }
  for (int s = 1; s <= 3; s++)
    for (int t = 0; t < CLASSIFIER_N_TIERS; t++)
      if (!p->matrix[s][t])
        return finish_error(error, "priority_matrix has no row for %s × %s", severity_names[s],
                            t ? tier_names[t] : "unknown");
  for (int t = 0; t < CLASSIFIER_N_TIERS; t++) {
    SlaTerm *s = &p->sla[t];
    const char *tn = t ? tier_names[t] : "unknown";
    if (!s->set)
      return finish_error(error, "sla_terms has no row for tier %s", tn);
    s->clock = policy_clock(p, s->clock_name);
    if (!s->clock)
      return finish_error(error, "sla_terms tier %s names clock '%s' that service_clocks lacks", tn,
                          s->clock_name);
    if (s->onsite_rule == ONSITE_RULE_NBD && s->clock->wall)
      return finish_error(error, "sla_terms tier %s: rule nbd needs a business-hours clock, not %s", tn,
                          s->clock_name);
  }
  if (!p->has_keyword[KW_COMPONENT] || !p->has_keyword[KW_SEVERITY])
    return finish_error(error, "keywords needs component and severity rows");
  if (!finish_areas(p, error))
    return FALSE;
  if (!open_t2s(p, error))
    return FALSE;
  keywords_to_simplified(p);
  build_keyword_index(p);
  g_ptr_array_set_size(p->pending_areas, 0);
  p->finished = TRUE;
  return TRUE;
}

GTimeZone *
classifier_policy_time_zone(const ClassifierPolicy *policy)
{
  return policy->tz;
}

const AreaCity *
policy_find_city(const ClassifierPolicy *p, const char *name)
{
  if (!name || !*name)
    return NULL;
  g_autofree char *k = policy_place_key(name);
  AreaCity *c = g_hash_table_lookup(p->city_keys, k);
  if (c)
    return c;
  /* "四川省成都市", "Chengdu, Sichuan": a known name at the start or the end of the key */
  GHashTableIter it;
  gpointer key, val;
  const AreaCity *best = NULL;
  gsize best_len = 0;
  g_hash_table_iter_init(&it, p->city_keys);
  while (g_hash_table_iter_next(&it, &key, &val)) {
    gsize kl = strlen(key);
    if (kl < 4 || kl >= strlen(k))
      continue;
    if ((g_str_has_suffix(k, key) || g_str_has_prefix(k, key)) && kl > best_len) {
      best = val;
      best_len = kl;
    }
  }
  return best;
}

const AreaDistrict *
policy_find_district(const ClassifierPolicy *p, const AreaCity *city, const char *name)
{
  if (!city || !name || !*name)
    return NULL;
  g_autofree char *k = district_key(city, name);
  return g_hash_table_lookup(p->district_keys, k);
}

const AreaDistrict *
policy_find_district_anywhere(const ClassifierPolicy *p, const char *name)
{
  if (!name || !*name)
    return NULL;
  g_autofree char *k = policy_place_key(name);
  return g_hash_table_lookup(p->district_any, k);
}

/* ---------- the seed directory reader (offline tools) ---------- */

static gboolean
load_tsv(ClassifierPolicy *p, const char *dir, const char *table, GError **error)
{
  g_autofree char *file = g_strconcat(table, ".tsv", NULL);
  g_autofree char *path = g_build_filename(dir, file, NULL);
  g_autofree char *text = NULL;
  gsize len = 0;
  g_autoptr(GError) local = NULL;
  if (!g_file_get_contents(path, &text, &len, &local)) {
    g_set_error(error, CLASSIFIER_ERROR, CLASSIFIER_ERROR_IO, "policy seed %s: %s", path, local->message);
    return FALSE;
  }
  if (!g_utf8_validate_len(text, len, NULL)) {
    g_set_error(error, CLASSIFIER_ERROR, CLASSIFIER_ERROR_POLICY, "policy seed %s: not UTF-8", path);
    return FALSE;
  }
  g_auto(GStrv) header = NULL;
  guint ncols = 0;
  char *line = text;
  guint line_no = 0;
  while (line && *line) {
    line_no++;
    char *nl = strchr(line, '\n');
    if (nl)
      *nl = '\0';
    gsize l = strlen(line);
    if (l && line[l - 1] == '\r')
      line[--l] = '\0';
    if (l && line[0] != '#') {
      if (!header) {
        header = g_strsplit(line, "\t", -1);
        ncols = g_strv_length(header);
        for (guint i = 0; i < ncols; i++)
          g_strstrip(header[i]);
      } else {
        g_auto(GStrv) fields = g_strsplit(line, "\t", -1);
        guint n = g_strv_length(fields);
        if (n != ncols) {
          g_set_error(error, CLASSIFIER_ERROR, CLASSIFIER_ERROR_POLICY,
                      "policy seed %s, line %u: %u fields, the header names %u", path, line_no, n, ncols);
          return FALSE;
        }
        if (!classifier_policy_add_row(p, table, (const char *const *)header, (const char *const *)fields,
                                       ncols, line_no, error)) {
          g_prefix_error(error, "%s: ", path);
          return FALSE;
        }
      }
    }
    line = nl ? nl + 1 : NULL;
  }
  if (!header) {
    g_set_error(error, CLASSIFIER_ERROR, CLASSIFIER_ERROR_POLICY, "policy seed %s: no header line", path);
    return FALSE;
  }
  return TRUE;
}

const char *
classifier_policy_default_dir(void)
{
  return INTAKE_SEED_DIR;
}

ClassifierPolicy *
classifier_policy_load_dir(const char *seed_dir, GError **error)
{
  if (!seed_dir)
    seed_dir = INTAKE_SEED_DIR;
  g_autoptr(ClassifierPolicy) p = classifier_policy_new();
  for (guint i = 0; table_names[i]; i++)
    if (!load_tsv(p, seed_dir, table_names[i], error))
      return NULL;
  if (!classifier_policy_finish(p, error)) {
    g_prefix_error(error, "%s: ", seed_dir);
    return NULL;
  }
  return g_steal_pointer(&p);
}
