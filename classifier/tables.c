/* tables.c: the policy tables — their columns, and how one row of each (from PostgreSQL or a seed file)
 * is checked and added to the policy; errors name table, row and column. */
#include "classifier-private.h"

#include <string.h>

/* ---------- table descriptions ---------- */

typedef gboolean (*RowFunc)(ClassifierPolicy *p, const char *const *v, guint row, GError **error);

typedef struct {
  const char *name;
  const char *const *columns;
  guint required; /* bit set over columns: must be present and non-NULL */
  RowFunc add;
  gboolean ordered;  /* the rows' order matters: they must come in the seed file's order */
  gboolean optional; /* may have no rows */
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
static gboolean row_software_aliases(ClassifierPolicy *p, const char *const *v, guint row, GError **error);

static const TableDesc tables[] = {
  { "policy_settings", COLS("key", "value"), 0x1, row_settings, FALSE, FALSE },
  { "components", COLS("component", "match_rank", "kind", "silver_years", "gold_years", "contract_overrides"),
    0x27, row_components, FALSE, FALSE },
  { "parts_terms", COLS("brand", "from_year", "to_year", "coverage"), 0xf, row_parts_terms, FALSE, FALSE },
  /* the first keyword of each code orders the reasons */
  { "keywords", COLS("category", "code", "keyword", "requires"), 0x7, row_keywords, TRUE, FALSE },
  { "priority_matrix", COLS("severity", "tier", "priority"), 0x7, row_priority_matrix, FALSE, FALSE },
  { "priority_caps", COLS("coverage", "max_priority"), 0x3, row_priority_caps, FALSE, FALSE },
  { "holidays", COLS("day", "kind", "name"), 0x3, row_holidays, FALSE, FALSE },
  { "service_clocks", COLS("clock", "wall_clock", "opens", "closes", "workdays", "observes_holidays"), 0x3,
    row_clocks, FALSE, FALSE },
  { "sla_terms",
    COLS("tier", "clock", "response_minutes", "plan_minutes", "onsite_rule", "onsite_minutes",
         "fast_onsite_minutes", "fast_onsite_priority", "fast_onsite_class"),
    0x1f, row_sla_terms, FALSE, FALSE },
  /* the first row naming an alias or district key keeps it */
  { "service_areas", COLS("province", "city", "district", "onsite_class", "unlisted_districts", "aliases"),
    0x8, classifier_areas_add_row, TRUE, FALSE },
  { "software_aliases", COLS("software", "alias"), 0x3, row_software_aliases, FALSE, TRUE },
};

static const char *const table_names[] = { "policy_settings", "components",       "parts_terms",
                                           "keywords",        "priority_matrix",  "priority_caps",
                                           "holidays",        "service_clocks",   "sla_terms",
                                           "service_areas",   "software_aliases", NULL };

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

gboolean
classifier_policy_table_optional(const char *table)
{
  const TableDesc *t = find_table(table);
  return t && t->optional;
}

gboolean
classifier_policy_table_ordered(const char *table)
{
  const TableDesc *t = find_table(table);
  return t && t->ordered;
}

gboolean
classifier_policy_row_error(GError **error, const char *table, guint row, const char *column, const char *fmt,
                            ...)
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

#define BAD(table, col, ...) classifier_policy_row_error(error, table, row, col, __VA_ARGS__)

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
  int c = classifier_name_lookup(CLASSIFIER_NAMES_COMPONENT, v[0]);
  if (c < 0)
    return BAD("components", "component", "unknown component '%s'", v[0]);
  ClassifierComponentTerm *t = &p->components[c];
  if (t->seen)
    return BAD("components", "component", "'%s' given twice", v[0]);
  if (!classifier_parse_int(v[1], 0, 1000, &t->rank))
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
    else if (!classifier_parse_int(s, 0, 50, &t->years[tier]))
      return BAD("components", col, "'%s' is not a number of years 0-50", s);
  }
  if (!classifier_parse_bool(v[5], &t->contract_overrides))
    return BAD("components", "contract_overrides", "'%s' is not a boolean", v[5]);
  t->seen = TRUE;
  return TRUE;
}

static gboolean
row_parts_terms(ClassifierPolicy *p, const char *const *v, guint row, GError **error)
{
  ClassifierPartsTerm t = { 0 };
  if (!classifier_parse_int(v[1], 1, 50, &t.from_year))
    return BAD("parts_terms", "from_year", "'%s' is not a year number 1-50", v[1]);
  if (!classifier_parse_int(v[2], t.from_year, 50, &t.to_year))
    return BAD("parts_terms", "to_year", "'%s' is not a year number from from_year to 50", v[2]);
  int c = classifier_name_lookup(CLASSIFIER_NAMES_COVERAGE, v[3]);
  if (c <= 0)
    return BAD("parts_terms", "coverage", "unknown coverage '%s'", v[3]);
  t.coverage = (ClassifierCoverage)c;
  t.brand = g_ascii_strdown(v[0], -1);
  g_ptr_array_add(p->parts_terms, g_memdup2(&t, sizeof t));
  return TRUE;
}

static gboolean
row_software_aliases(ClassifierPolicy *p, const char *const *v, guint row, GError **error)
{
  ClassifierSoftwareAlias a = { classifier_text_fold(v[0], -1), classifier_text_fold(v[1], -1) };
  g_strstrip(a.software);
  g_strstrip(a.alias);
  if (strlen(a.software) < 2 || strlen(a.alias) < 2) {
    g_free(a.software);
    g_free(a.alias);
    return BAD("software_aliases", strlen(a.alias) < 2 ? "alias" : "software",
               "'%s' is shorter than two bytes", strlen(a.alias) < 2 ? v[1] : v[0]);
  }
  g_ptr_array_add(p->software_aliases, g_memdup2(&a, sizeof a));
  return TRUE;
}

static gboolean
row_keywords(ClassifierPolicy *p, const char *const *v, guint row, GError **error)
{
  int cat = classifier_name_lookup(CLASSIFIER_NAMES_KEYWORD_CATEGORY, v[0]);
  if (cat < 0)
    return BAD("keywords", "category",
               "unknown category '%s' (component, exclusion, kind, severity, value_added, mask, negation)",
               v[0]);
  ClassifierKeyword kw = { .category = (ClassifierKeywordCategory)cat, .next = -1 };
  switch (kw.category) {
    case CLASSIFIER_KW_COMPONENT:
      kw.code_value = classifier_name_lookup(CLASSIFIER_NAMES_COMPONENT, v[1]);
      if (kw.code_value < 0 || kw.code_value == CLASSIFIER_COMPONENT_UNKNOWN ||
          kw.code_value == CLASSIFIER_COMPONENT_OTHER_SOFTWARE)
        return BAD("keywords", "code",
                   "'%s' is not a component keywords can name (other_software comes from the asset)", v[1]);
      break;
    case CLASSIFIER_KW_SEVERITY:
      kw.code_value = classifier_name_lookup(CLASSIFIER_NAMES_SEVERITY, v[1]);
      if (kw.code_value <= 0)
        return BAD("keywords", "code", "'%s' is not a severity (S1, S2, S3)", v[1]);
      break;
    case CLASSIFIER_KW_KIND:
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
  g_autofree char *text = classifier_text_fold(v[2], -1);
  g_strstrip(text);
  gsize len = strlen(text);
  gboolean star = len > 0 && text[len - 1] == '*';
  if (star)
    text[--len] = '\0';
  if (len < 2)
    return BAD("keywords", "keyword", "'%s' is shorter than two bytes", v[2]);
  kw.word_start = g_ascii_isalnum(text[0]);
  kw.word_end = !star && g_ascii_isalnum(text[len - 1]);
  kw.text = g_steal_pointer(&text);
  kw.len = len;
  kw.code = g_strdup(v[1]);
  if (v[3] && *v[3]) {
    g_autofree char *req = classifier_text_fold(v[3], -1);
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
  int t = classifier_name_lookup(CLASSIFIER_NAMES_TIER, s);
  return t > 0 ? t : -1;
}

static gboolean
row_priority_matrix(ClassifierPolicy *p, const char *const *v, guint row, GError **error)
{
  int s = classifier_name_lookup(CLASSIFIER_NAMES_SEVERITY, v[0]);
  if (s <= 0)
    return BAD("priority_matrix", "severity", "'%s' is not S1, S2 or S3", v[0]);
  int t = tier_or_unknown(v[1]);
  if (t < 0)
    return BAD("priority_matrix", "tier", "'%s' is not gold, silver or unknown", v[1]);
  int pr = classifier_name_lookup(CLASSIFIER_NAMES_PRIORITY, v[2]);
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
  int c = classifier_name_lookup(CLASSIFIER_NAMES_COVERAGE, v[0]);
  if (c <= 0)
    return BAD("priority_caps", "coverage", "unknown coverage '%s'", v[0]);
  int pr = classifier_name_lookup(CLASSIFIER_NAMES_PRIORITY, v[1]);
  if (pr <= 0)
    return BAD("priority_caps", "max_priority", "'%s' is not P1-P4", v[1]);
  p->caps[c] = (ClassifierPriority)pr;
  return TRUE;
}

static gboolean
row_holidays(ClassifierPolicy *p, const char *const *v, guint row, GError **error)
{
  GDate d;
  if (!classifier_parse_date(v[0], &d))
    return BAD("holidays", "day", "'%s' is not a date (YYYY-MM-DD)", v[0]);
  int kind;
  if (g_str_equal(v[1], "holiday"))
    kind = CLASSIFIER_DAY_HOLIDAY;
  else if (g_str_equal(v[1], "workday"))
    kind = CLASSIFIER_DAY_WORKDAY;
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

static gboolean
row_clocks(ClassifierPolicy *p, const char *const *v, guint row, GError **error)
{
  if (classifier_policy_clock(p, v[0]))
    return BAD("service_clocks", "clock", "'%s' given twice", v[0]);
  ClassifierClock c = { 0 };
  if (!classifier_parse_bool(v[1], &c.wall))
    return BAD("service_clocks", "wall_clock", "'%s' is not a boolean", v[1]);
  if (!c.wall) {
    if (!v[2] || !classifier_parse_time_of_day(v[2], &c.opens))
      return BAD("service_clocks", "opens", "'%s' is not a time of day (HH:MM)", v[2] ? v[2] : "");
    if (!v[3] || !classifier_parse_time_of_day(v[3], &c.closes))
      return BAD("service_clocks", "closes", "'%s' is not a time of day (HH:MM)", v[3] ? v[3] : "");
    if (c.closes <= c.opens)
      return BAD("service_clocks", "closes", "%s is not after opens %s", v[3], v[2]);
    if (!v[4] || !classifier_parse_weekdays(v[4], &c.workdays))
      return BAD("service_clocks", "workdays", "'%s' is not a list of ISO weekdays like {1,2,3,4,5}",
                 v[4] ? v[4] : "");
    if (v[5] && !classifier_parse_bool(v[5], &c.holidays))
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
  ClassifierSlaTerm *s = &p->sla[t];
  if (s->set)
    return BAD("sla_terms", "tier", "'%s' given twice", v[0]);
  s->clock_name = g_strdup(v[1]);
  if (!classifier_parse_int(v[2], 0, 100000, &s->response_minutes))
    return BAD("sla_terms", "response_minutes", "'%s' is not a number of minutes", v[2]);
  if (!classifier_parse_int(v[3], 0, 100000, &s->plan_minutes))
    return BAD("sla_terms", "plan_minutes", "'%s' is not a number of minutes", v[3]);
  if (g_str_equal(v[4], "nbd"))
    s->onsite_rule = CLASSIFIER_ONSITE_RULE_NBD;
  else if (g_str_equal(v[4], "elapsed")) {
    s->onsite_rule = CLASSIFIER_ONSITE_RULE_ELAPSED;
    if (!v[5] || !classifier_parse_int(v[5], 1, 1000000, &s->onsite_minutes))
      return BAD("sla_terms", "onsite_minutes", "rule elapsed needs a number of minutes, not '%s'",
                 v[5] ? v[5] : "");
  } else
    return BAD("sla_terms", "onsite_rule", "'%s' is neither nbd nor elapsed", v[4]);
  if (v[6]) {
    if (!classifier_parse_int(v[6], 1, 1000000, &s->fast_minutes))
      return BAD("sla_terms", "fast_onsite_minutes", "'%s' is not a number of minutes", v[6]);
    int pr = v[7] ? classifier_name_lookup(CLASSIFIER_NAMES_PRIORITY, v[7]) : -1;
    if (pr <= 0)
      return BAD("sla_terms", "fast_onsite_priority", "'%s' is not P1-P4", v[7] ? v[7] : "");
    int oc = v[8] ? classifier_name_lookup(CLASSIFIER_NAMES_ONSITE, v[8]) : -1;
    if (oc < 0)
      return BAD("sla_terms", "fast_onsite_class", "'%s' is not an on-site class", v[8] ? v[8] : "");
    s->fast_priority = (ClassifierPriority)pr;
    s->fast_class = (ClassifierOnsiteClass)oc;
  }
  s->set = TRUE;
  return TRUE;
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
      return classifier_policy_row_error(error, table, row_no, t->columns[i], "column missing");
    if ((t->required & (1u << i)) && !v[i])
      return classifier_policy_row_error(error, table, row_no, t->columns[i], "empty");
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
