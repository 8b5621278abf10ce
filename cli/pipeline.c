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

static const char *
row_value(StoreRows *rows, const char *column)
{
  for (guint c = 0; c < rows->ncols; c++)
    if (g_str_equal(rows->columns[c], column))
      return ((char **)g_ptr_array_index(rows->rows, 0))[c];
  return NULL;
}

static void
set_field(char **dst, const char *value)
{
  if (value == *dst)
    return;
  g_free(*dst);
  *dst = g_strdup(value);
}

static void
add_unique(GPtrArray *into, const char *value)
{
  for (guint i = 0; i < into->len; i++)
    if (g_str_equal(g_ptr_array_index(into, i), value))
      return;
  g_ptr_array_add(into, g_strdup(value));
}

/* Parses a PostgreSQL text[] literal of simple values ({A,B,"C D"}) into the array. */
static void
add_pg_array(GPtrArray *into, const char *literal)
{
  if (!literal || literal[0] != '{')
    return;
  GString *cur = g_string_new(NULL);
  gboolean quoted = FALSE, any = FALSE;
  for (const char *c = literal + 1; *c; c++) {
    if (quoted) {
      if (*c == '\\' && c[1])
        g_string_append_c(cur, *++c);
      else if (*c == '"')
        quoted = FALSE;
      else
        g_string_append_c(cur, *c);
      continue;
    }
    if (*c == '"') {
      quoted = any = TRUE;
    } else if (*c == ',' || *c == '}') {
      if (cur->len || any)
        add_unique(into, cur->str);
      g_string_truncate(cur, 0);
      any = FALSE;
    } else {
      g_string_append_c(cur, *c);
      any = TRUE;
    }
  }
  g_string_free(cur, TRUE);
}

gboolean
pipeline_followup(StoreConn *conn, const ParserConfig *parser, const ClassifierPolicy *policy,
                  gint64 order_id, gint64 message_row, ParserRequest *fu, char **order_no,
                  GError **error)
{
  if (!store_order_attach(conn, order_id, message_row, error))
    return FALSE;
  g_autoptr(StoreRows) row = store_order_get(conn, order_id, error);
  if (!row)
    return FALSE;
  *order_no = g_strdup(row_value(row, "order_no"));

  /* Base: the order's first mail as parsed today, so the classifier reads the customer's own
   * description; the order's stored fields win over it (earlier follow-ups filled them), and
   * only what is still missing is taken from the follow-up. */
  g_autoptr(GBytes) raw = store_order_initial_raw(conn, order_id, error);
  if (!raw)
    return FALSE;
  gsize len = 0;
  const char *data = g_bytes_get_data(raw, &len);
  g_autoptr(ParserRequest) base = parser_parse(parser, NULL, data ? data : "", len, NULL);
  ParserRequest *m = base ? base : fu;
  struct {
    char **field;
    const char *column;
    const char *from_followup;
  } fields[] = {
    { &m->sn, "sn", fu->sn },
    { &m->model, "model", fu->model },
    { &m->symptoms, "symptoms", fu->symptoms },
    { &m->contact, "contact", fu->contact },
    { &m->phone, "phone", fu->phone },
    { &m->address, "address", fu->address },
    { &m->city, "city", fu->city },
    { &m->district, "district", fu->district },
  };
  g_autofree char *fu_sn = g_strdup(fu->sn), *fu_model = g_strdup(fu->model),
                  *fu_symptoms = g_strdup(fu->symptoms), *fu_contact = g_strdup(fu->contact),
                  *fu_phone = g_strdup(fu->phone), *fu_address = g_strdup(fu->address),
                  *fu_city = g_strdup(fu->city), *fu_district = g_strdup(fu->district);
  const char *fu_values[] = { fu_sn, fu_model, fu_symptoms, fu_contact, fu_phone, fu_address, fu_city, fu_district };
  for (guint i = 0; i < G_N_ELEMENTS(fields); i++) {
    const char *stored = row_value(row, fields[i].column);
    if (stored && *stored)
      set_field(fields[i].field, stored);
    else if (!*fields[i].field || m == fu)
      set_field(fields[i].field, fu_values[i]);
  }
  /* a city filled from the follow-up brings its own district */
  add_pg_array(m->sn_candidates, row_value(row, "sn_candidates"));
  if (m != fu) {
    for (guint i = 0; i < fu->sn_candidates->len; i++)
      add_unique(m->sn_candidates, g_ptr_array_index(fu->sn_candidates, i));
    if (fu->body_text) {
      g_autofree char *joined = g_strconcat(m->body_text ? m->body_text : "", "\n", fu->body_text, NULL);
      set_field(&m->body_text, joined);
    }
  }
  set_field(&m->followup_of, NULL);
  set_field(&m->ignored_reason, NULL);

  g_autofree char *warning = NULL;
  g_autoptr(ClassifierAsset) asset = pipeline_asset_lookup(conn, m, &warning, error);
  if (!asset && error && *error)
    return FALSE;
  const char *received_iso = row_value(row, "received_iso");
  g_autoptr(GDateTime) received = received_iso ? g_date_time_new_from_iso8601(received_iso, NULL) : NULL;
  if (!received) {
    g_set_error(error, STORE_ERROR, STORE_ERROR_QUERY, "order %s: unreadable received_at", *order_no);
    return FALSE;
  }
  g_autoptr(ClassifierResult) result = classifier_classify(policy, m, asset, received, error);
  if (!result)
    return FALSE;
  StoreOrder o = { 0 };
  PipelineOrderHolder holder = { 0 };
  pipeline_order_fill(&o, &holder, policy, m, result);
  g_ptr_array_add(m->sn_candidates, NULL);
  o.sn_candidates = (const char *const *)m->sn_candidates->pdata;
  /* The customer wrote again: a finished or waiting order is open again. */
  const char *status = row_value(row, "status");
  const char *reopen = NULL;
  if (g_strcmp0(status, "closed") == 0)
    reopen = "queued";
  else if (g_strcmp0(status, "resolved") == 0 || g_strcmp0(status, "waiting_customer") == 0)
    reopen = "in_progress";
  g_autofree char *note = g_strdup_printf("follow-up mail %s%s%s", fu->message_id ? fu->message_id : "(no Message-ID)",
                                          reopen ? "; re-opened from " : "", reopen ? status : "");
  gboolean ok = store_order_update(conn, order_id, &o, reopen, reopen ? "reopen" : "followup", note,
                                   NULL, NULL, NULL, error);
  g_ptr_array_set_size(m->sn_candidates, m->sn_candidates->len - 1);
  pipeline_order_holder_clear(&holder);
  return ok;
}
