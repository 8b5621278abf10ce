/* Shared helpers of the classifier tests. */
#include "common.h"

#include <stdlib.h>
#include <string.h>

static ClassifierPolicy *policy;

static void
free_policy(void)
{
  classifier_policy_free(policy);
}

const ClassifierPolicy *
t_policy(void)
{
  if (!policy) {
    GError *error = NULL;
    policy = classifier_policy_load_dir(INTAKE_TEST_SEED_DIR, &error);
    if (!policy)
      g_error("policy: %s", error->message);
    atexit(free_policy);
  }
  return policy;
}

static ClassifierAssetFormat *asset_format;

static void
free_asset_format(void)
{
  classifier_asset_format_free(asset_format);
}

const ClassifierAssetFormat *
t_asset_format(void)
{
  if (!asset_format) {
    GError *error = NULL;
    asset_format = classifier_asset_format_load(NULL, &error);
    if (!asset_format)
      g_error("asset format: %s", error->message);
    atexit(free_asset_format);
  }
  return asset_format;
}

ParserRequest *
t_request(const char *sn, const char *symptoms)
{
  ParserRequest *r = g_new0(ParserRequest, 1);
  r->references = g_ptr_array_new_with_free_func(g_free);
  r->sn_candidates = g_ptr_array_new_with_free_func(g_free);
  r->symptom_tags = g_ptr_array_new_with_free_func(g_free);
  r->attachments = g_ptr_array_new();
  r->parts = g_ptr_array_new();
  r->warnings = g_ptr_array_new_with_free_func(g_free);
  r->machines = g_ptr_array_new(); /* parser_request_free unrefs it; these requests report no machines */
  r->sn = g_strdup(sn);
  if (sn)
    g_ptr_array_add(r->sn_candidates, g_strdup(sn));
  r->symptoms = g_strdup(symptoms);
  r->subject = g_strdup("");
  return r;
}

ParserRequest *
t_request_full(const char *sn, const char *symptoms, const char *city, const char *district)
{
  ParserRequest *r = t_request(sn, symptoms);
  r->model = g_strdup("RC-R2290 G5");
  r->address = g_strdup("某路1号");
  r->contact = g_strdup("王工");
  r->phone = g_strdup("13910126688");
  r->city = g_strdup(city);
  r->district = g_strdup(district);
  return r;
}

ClassifierAsset *
t_asset(const char *sn, const char *tier, const char *ship_date)
{
  const char *cols[] = { "sn", "tier", "ship_date", "model" };
  const char *vals[] = { sn, tier, ship_date, "RC-R2290 G5" };
  ClassifierAsset a;
  char *reason = NULL;
  if (!classifier_asset_from_values(cols, vals, 4, &a, &reason))
    g_error("asset: %s", reason);
  ClassifierAsset *c = classifier_asset_copy(&a);
  classifier_asset_clear(&a);
  return c;
}

GDateTime *
t_time(const char *local)
{
  GTimeZone *tz = classifier_policy_time_zone(t_policy());
  GDateTime *t = g_date_time_new_from_iso8601(local, tz);
  if (!t)
    g_error("bad test time %s", local);
  return t;
}

char *
t_fmt(GDateTime *t)
{
  if (!t)
    return g_strdup("null");
  return g_date_time_format(t, "%Y-%m-%dT%H:%M:%S%:z");
}

ClassifierResult *
t_classify(const ParserRequest *req, const ClassifierAsset *asset, const char *received_local)
{
  g_autoptr(GDateTime) t = t_time(received_local);
  GError *error = NULL;
  ClassifierResult *r = classifier_classify(t_policy(), req, asset, t, &error);
  if (!r)
    g_error("classify: %s", error->message);
  return r;
}

gboolean
t_has_reason(const ClassifierResult *r, const char *code)
{
  for (guint i = 0; i < r->reasons->len; i++)
    if (g_str_equal(((ClassifierReason *)r->reasons->pdata[i])->code, code))
      return TRUE;
  return FALSE;
}

char *
t_reason_codes(const ClassifierResult *r)
{
  GString *s = g_string_new(NULL);
  for (guint i = 0; i < r->reasons->len; i++)
    g_string_append_printf(s, "%s%s", i ? "," : "", ((ClassifierReason *)r->reasons->pdata[i])->code);
  return g_string_free(s, FALSE);
}

char *
t_date(const GDate *d)
{
  if (!g_date_valid(d))
    return g_strdup("null");
  return g_strdup_printf("%04u-%02u-%02u", g_date_get_year(d), g_date_get_month(d), g_date_get_day(d));
}
