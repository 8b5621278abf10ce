/* policy.c: the policy object — created empty, filled row by row (tables.c), checked for completeness and
 * indexed by finish; and the seed-directory loader offline tools use. */
#include "classifier-private.h"

#include <string.h>

#ifndef INTAKE_SEED_DIR
#define INTAKE_SEED_DIR "sql/seed"
#endif

static void
keyword_clear(gpointer data)
{
  ClassifierKeyword *k = data;
  g_free(k->code);
  g_free(k->text);
  g_strfreev(k->requires);
}

static void
parts_term_free(gpointer data)
{
  ClassifierPartsTerm *t = data;
  g_free(t->brand);
  g_free(t);
}

static void
clock_free(gpointer data)
{
  ClassifierClock *c = data;
  g_free(c->name);
  g_free(c);
}

static void
software_alias_free(gpointer a)
{
  ClassifierSoftwareAlias *s = a;
  g_free(s->software);
  g_free(s->alias);
  g_free(s);
}

ClassifierPolicy *
classifier_policy_new(void)
{
  ClassifierPolicy *p = g_new0(ClassifierPolicy, 1);
  p->loaded = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  p->settings = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  p->parts_terms = g_ptr_array_new_with_free_func(parts_term_free);
  p->software_aliases = g_ptr_array_new_with_free_func(software_alias_free);
  p->keywords = g_array_new(FALSE, TRUE, sizeof(ClassifierKeyword));
  g_array_set_clear_func(p->keywords, keyword_clear);
  p->days = g_hash_table_new(g_direct_hash, g_direct_equal);
  p->clocks = g_ptr_array_new_with_free_func(clock_free);
  classifier_areas_init(p);
  return p;
}

void
classifier_policy_set_explain(ClassifierPolicy *policy, gboolean explain)
{
  g_return_if_fail(policy != NULL);
  policy->no_explain = !explain;
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
  g_ptr_array_unref(p->software_aliases);
  g_array_unref(p->keywords);
  g_free(p->kw_index);
  classifier_t2s_close(p);
  g_hash_table_unref(p->days);
  g_ptr_array_unref(p->clocks);
  for (guint i = 0; i < CLASSIFIER_N_TIERS; i++)
    g_free(p->sla[i].clock_name);
  classifier_areas_clear(p);
  g_free(p);
}

const ClassifierClock *
classifier_policy_clock(const ClassifierPolicy *p, const char *name)
{
  if (!name)
    return NULL;
  for (guint i = 0; i < p->clocks->len; i++) {
    const ClassifierClock *c = g_ptr_array_index(p->clocks, i);
    if (g_str_equal(c->name, name))
      return c;
  }
  return NULL;
}

gboolean
classifier_policy_error(GError **error, const char *fmt, ...)
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
      return classifier_policy_error(error, "policy_settings has no value for '%s'", required[i]);
  const char *tz = setting(p, "timezone");
  p->tz = g_time_zone_new_identifier(tz);
  p->tz_name = g_strdup(tz);
  if (!p->tz) {
    const char *fb = setting(p, "timezone_fallback_offset");
    if (!fb || !(p->tz = g_time_zone_new_identifier(fb)))
      return classifier_policy_error(
        error, "time zone '%s' is unknown here and timezone_fallback_offset '%s' is no offset", tz,
        fb ? fb : "");
    g_warning("time zone %s not found (tzdata missing?): using the fixed offset %s", tz, fb);
  }
  if (!classifier_parse_date(setting(p, "legacy_ship_before"), &p->legacy_before))
    return classifier_policy_error(error, "policy_settings legacy_ship_before '%s' is not a date",
                                   setting(p, "legacy_ship_before"));
  if (!classifier_parse_int(setting(p, "ship_offset_days"), 0, 3650, &p->ship_offset_days))
    return classifier_policy_error(error, "policy_settings ship_offset_days '%s' is not a number of days",
                                   setting(p, "ship_offset_days"));
  if (!classifier_parse_int(setting(p, "days_per_year"), 1, 400, &p->days_per_year))
    return classifier_policy_error(error, "policy_settings days_per_year '%s' is not a number 1-400",
                                   setting(p, "days_per_year"));
  int oc = classifier_name_lookup(CLASSIFIER_NAMES_ONSITE, setting(p, "default_onsite_class"));
  if (oc < 0)
    return classifier_policy_error(error, "policy_settings default_onsite_class '%s' is not an on-site class",
                                   setting(p, "default_onsite_class"));
  p->default_area_class = (ClassifierOnsiteClass)oc;
  g_auto(GStrv) covs = g_strsplit(setting(p, "sla_coverages"), ",", -1);
  for (guint i = 0; covs[i]; i++) {
    g_strstrip(covs[i]);
    int c = classifier_name_lookup(CLASSIFIER_NAMES_COVERAGE, covs[i]);
    if (c <= 0)
      return classifier_policy_error(error, "policy_settings sla_coverages names an unknown coverage '%s'",
                                     covs[i]);
    p->sla_coverages |= 1u << c;
  }
  return TRUE;
}

static const char *
tier_label(int tier)
{
  return tier ? classifier_tier_name((ClassifierTier)tier) : "unknown";
}

/* Every component has its row and years, the priority matrix is whole, every tier has SLA terms on a
 * clock that exists. */
static gboolean
finish_terms(ClassifierPolicy *p, GError **error)
{
  for (int c = 0; c < CLASSIFIER_N_COMPONENTS; c++) {
    const ClassifierComponentTerm *t = &p->components[c];
    const char *name = classifier_component_name((ClassifierComponent)c);
    if (!t->seen)
      return classifier_policy_error(error, "components has no row for '%s'", name);
    if (c != CLASSIFIER_COMPONENT_SYSTEM &&
        (t->years[CLASSIFIER_TIER_SILVER] < 0 || t->years[CLASSIFIER_TIER_GOLD] < 0))
      return classifier_policy_error(error, "components '%s' needs silver_years and gold_years", name);
  }
  for (int s = 1; s <= 3; s++)
    for (int t = 0; t < CLASSIFIER_N_TIERS; t++)
      if (!p->matrix[s][t])
        return classifier_policy_error(error, "priority_matrix has no row for %s × %s",
                                       classifier_severity_name((ClassifierSeverity)s), tier_label(t));
  for (int t = 0; t < CLASSIFIER_N_TIERS; t++) {
    ClassifierSlaTerm *s = &p->sla[t];
    const char *tn = tier_label(t);
    if (!s->set)
      return classifier_policy_error(error, "sla_terms has no row for tier %s", tn);
    s->clock = classifier_policy_clock(p, s->clock_name);
    if (!s->clock)
      return classifier_policy_error(error, "sla_terms tier %s names clock '%s' that service_clocks lacks",
                                     tn, s->clock_name);
    if (s->onsite_rule == CLASSIFIER_ONSITE_RULE_NBD && s->clock->wall)
      return classifier_policy_error(
        error, "sla_terms tier %s: rule nbd needs a business-hours clock, not %s", tn, s->clock_name);
  }
  return TRUE;
}

gboolean
classifier_policy_finish(ClassifierPolicy *p, GError **error)
{
  g_return_val_if_fail(p && !p->finished, FALSE);
  for (const char *const *t = classifier_policy_tables(); *t; t++)
    if (!g_hash_table_contains(p->loaded, *t) && !classifier_policy_table_optional(*t))
      return classifier_policy_error(error, "table %s has no rows", *t);
  if (!finish_settings(p, error) || !finish_terms(p, error))
    return FALSE;
  if (!p->has_keyword[CLASSIFIER_KW_COMPONENT] || !p->has_keyword[CLASSIFIER_KW_SEVERITY])
    return classifier_policy_error(error, "keywords needs component and severity rows");
  if (!classifier_areas_finish(p, error))
    return FALSE;
  if (!classifier_t2s_open(p, error))
    return FALSE;
  classifier_t2s_keywords(p);
  classifier_match_index(p);
  p->finished = TRUE;
  return TRUE;
}

GTimeZone *
classifier_policy_time_zone(const ClassifierPolicy *policy)
{
  return policy->tz;
}

/* ---------- the seed directory reader (offline tools) ---------- */

static gboolean
load_tsv(ClassifierPolicy *p, const char *dir, const char *table, GError **error)
{
  g_autofree char *file = g_strconcat(table, ".tsv", NULL);
  g_autofree char *path = g_build_filename(dir, file, NULL);
  g_autoptr(ClassifierTsv) tsv = classifier_tsv_read_file(path, error);
  if (!tsv) {
    g_prefix_error(error, "policy seed ");
    return FALSE;
  }
  for (guint i = 0; i < tsv->rows->len; i++)
    if (!classifier_policy_add_row(p, table, (const char *const *)tsv->columns,
                                   (const char *const *)g_ptr_array_index(tsv->rows, i), tsv->ncols,
                                   g_array_index(tsv->lines, guint, i), error)) {
      g_prefix_error(error, "%s: ", path);
      return FALSE;
    }
  return TRUE;
}

ClassifierPolicy *
classifier_policy_load_dir(const char *seed_dir, GError **error)
{
  if (!seed_dir)
    seed_dir = INTAKE_SEED_DIR;
  g_autoptr(ClassifierPolicy) p = classifier_policy_new();
  for (const char *const *t = classifier_policy_tables(); *t; t++)
    if (!load_tsv(p, seed_dir, *t, error))
      return NULL;
  if (!classifier_policy_finish(p, error)) {
    g_prefix_error(error, "%s: ", seed_dir);
    return NULL;
  }
  return g_steal_pointer(&p);
}
