/* cli/pipeline.c: policy from PostgreSQL, asset look-up, and an order's values from a result. */
#include "pipeline.h"

#include <string.h>

ClassifierPolicy *
pipeline_policy_load(StoreConn *conn, GError **error)
{
  g_autoptr(ClassifierPolicy) policy = classifier_policy_new();
  for (const char *const *t = classifier_policy_tables(); *t; t++) {
    g_autofree char *sql = classifier_policy_table_select(*t);
    g_autoptr(StoreRows) rows = store_select(conn, sql, 0, NULL, error);
    if (!rows) {
      g_prefix_error(error, "policy table intake.%s (run `intake db migrate`): ", *t);
      return NULL;
    }
    if (!classifier_policy_add_rows(policy, *t, (const char *const *)rows->columns, rows->ncols,
                                    rows->rows, error))
      return NULL;
  }
  if (!classifier_policy_finish(policy, error))
    return NULL;
  return g_steal_pointer(&policy);
}

ClassifierAsset *
pipeline_asset_lookup(StoreConn *conn, const ParserRequest *request, char **warning, GError **error)
{
  *warning = NULL;
  g_auto(GStrv) keys = classifier_request_sn_keys(request);
  if (!keys || !keys[0])
    return NULL;
  g_autofree char *arr = store_text_array((const char *const *)keys);
  const char *p[] = { arr };
  g_autoptr(StoreRows) rows = store_select(
    conn,
    "SELECT sn, kind, brand, model, customer, tier, ship_date, invoice_date, warranty_basis,"
    " contract_start, contract_years, software, city, district"
    " FROM intake.assets WHERE sn = ANY($1::text[])",
    1, p, error);
  if (!rows)
    return NULL;
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func((GDestroyNotify)classifier_asset_free);
  for (guint i = 0; i < rows->rows->len; i++) {
    const char *const *values = g_ptr_array_index(rows->rows, i);
    ClassifierAsset a = { 0 };
    g_autofree char *reason = NULL;
    if (!classifier_asset_from_values((const char *const *)rows->columns, values, rows->ncols, &a, &reason)) {
      g_free(*warning);
      *warning = g_strdup_printf("registry row %s unusable: %s", values[0], reason);
      continue;
    }
    g_ptr_array_add(found, classifier_asset_copy(&a));
    classifier_asset_clear(&a);
  }
  const ClassifierAsset *pick =
    classifier_asset_pick(request, (const ClassifierAsset *const *)found->pdata, found->len);
  return pick ? classifier_asset_copy(pick) : NULL;
}

static const char *
keep(PipelineOrderHolder *h, char *s)
{
  if (s)
    g_ptr_array_add(h->strings, s);
  return s;
}

static const char *
date_text(PipelineOrderHolder *h, const GDate *d)
{
  if (!g_date_valid(d))
    return NULL;
  char buf[16];
  g_date_strftime(buf, sizeof buf, "%Y-%m-%d", d);
  return keep(h, g_strdup(buf));
}

void
pipeline_order_fill(StoreOrder *o, PipelineOrderHolder *h, const ClassifierPolicy *policy,
                    ParserRequest *req, const ClassifierResult *r)
{
  if (!h->strings)
    h->strings = g_ptr_array_new_with_free_func(g_free);
  o->kind = classifier_kind_name(r->kind);
  o->sn = r->sn;
  o->model = r->model;
  o->symptoms = req->symptoms;
  o->contact = req->contact;
  o->phone = req->phone;
  o->address = req->address;
  o->city = r->city;
  o->district = r->district;
  h->missing = classifier_result_missing_names(r);
  o->missing = h->missing;
  o->customer = r->customer;
  o->tier = classifier_tier_name(r->tier);
  o->component = classifier_component_name(r->component);
  o->warranty_start = date_text(h, &r->warranty_start);
  o->warranty_end = date_text(h, &r->warranty_end);
  o->coverage = classifier_coverage_name(r->coverage);
  o->reasons_json = keep(h, classifier_result_reasons_json(r));
  o->severity = classifier_severity_name(r->severity);
  o->priority = classifier_priority_name(r->priority);
  o->onsite_class = classifier_onsite_class_name(r->onsite_class);
  if (r->has_sla) {
    o->sla_clock = r->sla_clock;
    o->response_due = r->response_due ? keep(h, classifier_format_time(policy, r->response_due)) : NULL;
    o->plan_due = r->plan_due ? keep(h, classifier_format_time(policy, r->plan_due)) : NULL;
    o->onsite_due = r->onsite_due ? keep(h, classifier_format_time(policy, r->onsite_due)) : NULL;
  }
  o->followup_of = r->followup_of;
}

void
pipeline_order_holder_clear(PipelineOrderHolder *h)
{
  g_clear_pointer(&h->strings, g_ptr_array_unref);
  g_clear_pointer(&h->missing, g_free);
}
