/* areas.c: the service areas of policy §8 — cities with their aliases and districts, indexed by a
 * normalised place key so the mail's spelling ("北京", "Beijing", "海淀") finds the row. */
#include "classifier-private.h"

#include <string.h>

/* A service_areas row kept until finish: a district row may precede its city's. */
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

static void
area_city_free(gpointer data)
{
  ClassifierAreaCity *c = data;
  g_free(c->city);
  g_free(c->latin);
  g_free(c->province);
  g_free(c);
}

static void
area_district_free(gpointer data)
{
  ClassifierAreaDistrict *d = data;
  g_free(d->district);
  g_free(d->latin);
  g_free(d);
}

void
classifier_areas_init(ClassifierPolicy *p)
{
  p->area_cities = g_ptr_array_new_with_free_func(area_city_free);
  p->area_districts = g_ptr_array_new_with_free_func(area_district_free);
  p->city_keys = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  p->district_keys = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  p->district_any = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  p->pending_areas = g_ptr_array_new_with_free_func(pending_area_free);
}

void
classifier_areas_clear(ClassifierPolicy *p)
{
  g_hash_table_unref(p->city_keys);
  g_hash_table_unref(p->district_keys);
  g_hash_table_unref(p->district_any);
  g_ptr_array_unref(p->area_districts);
  g_ptr_array_unref(p->area_cities);
  g_ptr_array_unref(p->pending_areas);
}

char *
classifier_place_key(const char *name)
{
  g_autofree char *n = classifier_text_fold(name, -1);
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

gboolean
classifier_areas_add_row(ClassifierPolicy *p, const char *const *v, guint row, GError **error)
{
  if (!v[0] && !v[1])
    return classifier_policy_row_error(error, "service_areas", row, "city",
                                       "a row needs a province or a city");
  if (v[2] && !v[1])
    return classifier_policy_row_error(error, "service_areas", row, "city", "a district row needs its city");
  if (classifier_name_lookup(CLASSIFIER_NAMES_ONSITE, v[3]) < 0)
    return classifier_policy_row_error(error, "service_areas", row, "onsite_class",
                                       "'%s' is not 4h, next_day, negotiated or unknown", v[3]);
  if (v[4] && classifier_name_lookup(CLASSIFIER_NAMES_ONSITE, v[4]) < 0)
    return classifier_policy_row_error(error, "service_areas", row, "unlisted_districts",
                                       "'%s' is not an on-site class", v[4]);
  PendingArea *a = g_new0(PendingArea, 1);
  a->row = row;
  for (guint i = 0; i < 6; i++)
    a->v[i] = g_strdup(v[i]);
  g_ptr_array_add(p->pending_areas, a);
  return TRUE;
}

static void
add_city_key(ClassifierPolicy *p, const char *name, ClassifierAreaCity *c)
{
  g_autofree char *k = classifier_place_key(name);
  if (*k && !g_hash_table_contains(p->city_keys, k))
    g_hash_table_insert(p->city_keys, g_steal_pointer(&k), c);
}

static char *
district_key(const ClassifierAreaCity *c, const char *name)
{
  g_autofree char *k = classifier_place_key(name);
  return g_strconcat(c->city, "\x1f", k, NULL);
}

/* A city (or region) row: province, city, -, onsite_class, unlisted_districts, aliases. */
/* The first alias written in Latin letters ("Beijing", "Binhai New Area"), or NULL. */
static char *
first_latin(char **aliases)
{
  for (guint j = 0; aliases && aliases[j]; j++) {
    const char *a = g_strstrip(aliases[j]);
    gboolean latin = g_ascii_isalpha(a[0]);
    for (const char *q = a; *q && latin; q++)
      latin = g_ascii_isalpha(*q) || *q == ' ' || *q == '-' || *q == '\'';
    if (latin)
      return g_strdup(a);
  }
  return NULL;
}

static gboolean
finish_city(ClassifierPolicy *p, const PendingArea *a, char **aliases, GError **error)
{
  char *const *v = a->v;
  const char *name = v[1] ? v[1] : v[0];
  g_autofree char *key = classifier_place_key(name);
  ClassifierAreaCity *prev = g_hash_table_lookup(p->city_keys, key);
  if (prev && g_str_equal(prev->city, name))
    return classifier_policy_row_error(error, "service_areas", a->row, "city", "'%s' given twice", name);
  ClassifierAreaCity *c = g_new0(ClassifierAreaCity, 1);
  c->city = g_strdup(name);
  c->latin = first_latin(aliases);
  c->province = g_strdup(v[0]);
  c->onsite_class = (ClassifierOnsiteClass)classifier_name_lookup(CLASSIFIER_NAMES_ONSITE, v[3]);
  if (v[4]) {
    c->has_unlisted = TRUE;
    c->unlisted_class = (ClassifierOnsiteClass)classifier_name_lookup(CLASSIFIER_NAMES_ONSITE, v[4]);
  }
  g_ptr_array_add(p->area_cities, c);
  add_city_key(p, name, c);
  for (guint j = 0; aliases[j]; j++)
    add_city_key(p, g_strstrip(aliases[j]), c);
  return TRUE;
}

/* A district row: its city must have a row; the district is indexed under its city and, for a mail that
 * names a district without its city, on its own (unless two cities share the name). */
static gboolean
finish_district(ClassifierPolicy *p, const PendingArea *a, char **aliases, GError **error)
{
  char *const *v = a->v;
  g_autofree char *ckey = classifier_place_key(v[1]);
  ClassifierAreaCity *c = g_hash_table_lookup(p->city_keys, ckey);
  if (!c)
    return classifier_policy_row_error(error, "service_areas", a->row, "city",
                                       "district %s of '%s': no row for that city", v[2], v[1]);
  c->has_districts = TRUE;
  ClassifierAreaDistrict *d = g_new0(ClassifierAreaDistrict, 1);
  d->city = c;
  d->district = g_strdup(v[2]);
  d->latin = first_latin(aliases);
  d->onsite_class = (ClassifierOnsiteClass)classifier_name_lookup(CLASSIFIER_NAMES_ONSITE, v[3]);
  g_ptr_array_add(p->area_districts, d);
  g_autofree char *dk = district_key(c, v[2]);
  if (g_hash_table_contains(p->district_keys, dk))
    return classifier_policy_row_error(error, "service_areas", a->row, "district", "'%s' of %s given twice",
                                       v[2], c->city);
  g_hash_table_insert(p->district_keys, g_steal_pointer(&dk), d);
  for (guint j = 0; aliases[j]; j++) {
    g_autofree char *ak = district_key(c, g_strstrip(aliases[j]));
    if (!g_hash_table_contains(p->district_keys, ak))
      g_hash_table_insert(p->district_keys, g_steal_pointer(&ak), d);
  }
  for (gint j = -1; j < 0 || aliases[j]; j++) {
    g_autofree char *k = classifier_place_key(j < 0 ? v[2] : aliases[j]);
    if (!*k)
      continue;
    if (g_hash_table_contains(p->district_any, k)) {
      ClassifierAreaDistrict *other = g_hash_table_lookup(p->district_any, k);
      if (other && other != d)
        g_hash_table_replace(p->district_any, g_steal_pointer(&k), NULL); /* ambiguous */
    } else
      g_hash_table_insert(p->district_any, g_steal_pointer(&k), d);
  }
  return TRUE;
}

gboolean
classifier_areas_finish(ClassifierPolicy *p, GError **error)
{
  /* cities and regions first, then districts */
  for (int pass = 0; pass < 2; pass++) {
    for (guint i = 0; i < p->pending_areas->len; i++) {
      const PendingArea *a = g_ptr_array_index(p->pending_areas, i);
      gboolean is_district = a->v[2] != NULL;
      if ((pass == 0) == is_district)
        continue;
      g_auto(GStrv) aliases = a->v[5] ? g_strsplit(a->v[5], ";", -1) : g_new0(char *, 1);
      if (!(is_district ? finish_district(p, a, aliases, error) : finish_city(p, a, aliases, error)))
        return FALSE;
    }
  }
  g_ptr_array_set_size(p->pending_areas, 0);
  return TRUE;
}

const ClassifierAreaCity *
classifier_policy_find_city(const ClassifierPolicy *p, const char *name)
{
  if (!name || !*name)
    return NULL;
  g_autofree char *k = classifier_place_key(name);
  ClassifierAreaCity *c = g_hash_table_lookup(p->city_keys, k);
  if (c)
    return c;
  /* "四川省成都市", "Chengdu, Sichuan": a known name at the start or the end of the key */
  GHashTableIter it;
  gpointer key, val;
  const ClassifierAreaCity *best = NULL;
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

const ClassifierAreaDistrict *
classifier_policy_find_district(const ClassifierPolicy *p, const ClassifierAreaCity *city, const char *name)
{
  if (!city || !name || !*name)
    return NULL;
  g_autofree char *k = district_key(city, name);
  return g_hash_table_lookup(p->district_keys, k);
}

const ClassifierAreaDistrict *
classifier_policy_find_district_anywhere(const ClassifierPolicy *p, const char *name)
{
  if (!name || !*name)
    return NULL;
  g_autofree char *k = classifier_place_key(name);
  return g_hash_table_lookup(p->district_any, k);
}
