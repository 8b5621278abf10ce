/* store/reprocess.c: what `intake reprocess` reads of a batch of orders, one query each for the
 * order rows and their raw mails (two round trips a batch instead of two an order), and its update. */
#include "store-private.h"

#include "jsonout.h"
#include <string.h>

/* {1,2,3}: a bigint[] literal. */
static char *
id_array(const gint64 *ids, guint n)
{
  GString *s = g_string_new("{");
  for (guint i = 0; i < n; i++)
    g_string_append_printf(s, "%s%" G_GINT64_FORMAT, i ? "," : "", ids[i]);
  g_string_append_c(s, '}');
  return g_string_free(s, FALSE);
}

StoreRows *
store_orders_get_batch(StoreConn *conn, const gint64 *ids, guint n, GError **error)
{
  g_autofree char *arr = id_array(ids, n);
  const char *p[] = { arr };
  /* the columns of store_order_get */
  return store_select(conn,
                      "SELECT *, to_char(received_at AT TIME ZONE 'UTC', "
                      "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') AS received_iso," STORE_ORDER_DERIVED_COLUMNS
                      " FROM intake.orders o WHERE id = ANY($1::bigint[]) ORDER BY id",
                      1, p, error);
}

GHashTable *
store_order_raws_batch(StoreConn *conn, const gint64 *ids, guint n, GError **error)
{
  g_autofree char *arr = id_array(ids, n);
  const char *p[] = { arr };
  /* binary result: the raw bytes exactly (the id as text: its bytes are its digits) */
  g_autoptr(PGresult) r = store_run_formats(conn,
                                            "SELECT om.order_id::text, m.raw FROM intake.order_messages om"
                                            " JOIN intake.messages m ON m.id = om.message_id"
                                            " WHERE om.order_id = ANY($1::bigint[])"
                                            " ORDER BY om.order_id, om.role <> 'initial', om.added_at, m.id",
                                            1, p, NULL, NULL, 1);
  if (!store_check(conn, r, PGRES_TUPLES_OK, error))
    return NULL;
  GHashTable *raws =
    g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, (GDestroyNotify)g_ptr_array_unref);
  for (int i = 0; i < PQntuples(r); i++) {
    gint64 id = g_ascii_strtoll(PQgetvalue(r, i, 0), NULL, 10);
    GPtrArray *mails = g_hash_table_lookup(raws, &id);
    if (!mails) {
      mails = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
      g_hash_table_insert(raws, g_memdup2(&id, sizeof id), mails);
    }
    g_ptr_array_add(mails, g_bytes_new(PQgetvalue(r, i, 1), (gsize)PQgetlength(r, i, 1)));
  }
  return raws;
}

/* One row of the batch as a JSON object: every value a string or null, and reasons (JSON text
 * from the classifier) parsed and added as the JSON value it is. FALSE with error if it is not JSON.
 * json-glib reads numbers as gint64 or double (0.1 would come back 0.10000000000000001): the
 * classifier's reasons hold strings only. */
static gboolean
batch_row(JsonBuilder *b, gint64 id, const StoreOrder *o, const char *status, GError **error)
{
  g_autoptr(GError) bad = NULL;
  JsonNode *reasons = json_from_string(o->reasons_json ? o->reasons_json : "[]", &bad);
  if (!reasons) { /* an empty text parses to no node and no error */
    g_set_error(error, STORE_ERROR, STORE_ERROR_QUERY, "order %" G_GINT64_FORMAT ": reasons is not JSON: %s",
                id, bad ? bad->message : "empty");
    return FALSE;
  }
  g_autofree char *missing = store_text_array(o->missing);
  g_autofree char *cands = store_text_array(o->sn_candidates);
  const char *names[] = { "status",         "kind",          "sn",           "model",    "symptoms",
                          "contact",        "phone",         "address",      "city",     "district",
                          "missing",        "sn_candidates", "customer",     "tier",     "component",
                          "warranty_start", "warranty_end",  "coverage",     "severity", "priority",
                          "onsite_class",   "sla_clock",     "response_due", "plan_due", "onsite_due" };
  /* five a row, as names */
  /* clang-format off */
  const char *values[] = { status,            o->kind,         o->sn,           o->model,    o->symptoms,
                           o->contact,        o->phone,        o->address,      o->city,     o->district,
                           missing,           cands,           o->customer,     o->tier,     o->component,
                           o->warranty_start, o->warranty_end, o->coverage,     o->severity, o->priority,
                           o->onsite_class,   o->sla_clock,    o->response_due, o->plan_due, o->onsite_due };
  /* clang-format on */
  G_STATIC_ASSERT(G_N_ELEMENTS(names) == G_N_ELEMENTS(values));
  json_builder_begin_object(b);
  json_builder_set_member_name(b, "id");
  json_builder_add_int_value(b, id);
  for (guint k = 0; k < G_N_ELEMENTS(names); k++) {
    json_builder_set_member_name(b, names[k]);
    if (values[k])
      json_builder_add_string_value(b, values[k]);
    else
      json_builder_add_null_value(b);
  }
  json_builder_set_member_name(b, "reasons");
  json_builder_add_value(b, reasons); /* the builder owns it now */
  json_builder_end_object(b);
  return TRUE;
}

/* The batch as a JSON array of intake.orders rows (jsonb_populate_recordset): the values
 * store_order_update takes as parameters, under their column names. NULL with error if a row's
 * reasons is not JSON. */
static char *
batch_json(const gint64 *ids, const StoreOrder *const *orders, const char *const *statuses, guint n,
           GError **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new();
  json_builder_begin_array(b);
  for (guint i = 0; i < n; i++)
    if (!batch_row(b, ids[i], orders[i], statuses[i], error))
      return NULL;
  json_builder_end_array(b);
  return jsonout_builder_to_string(b, FALSE);
}

/* As store_order_update (orders.c): a field ops corrected keeps their value, else the pipeline's. */
#define KEPT(field) "CASE WHEN o.corrected ? '" field "' THEN o.corrected->>'" field "' ELSE x." field " END"
/* A deadline whose base the policy gives again keeps its value: moved by ops' pauses, it is no change
 * (blind round 18: every paused order showed in each reprocess as changed, and --yes wrote its
 * deadlines without the pauses until the next poll put them back, unaudited); a new base is written
 * and moved by the pauses at the next poll (sla_dirty). */
#define KEPT_DUE(d) "CASE WHEN x." d " IS NOT DISTINCT FROM o.base_" d " THEN o." d " ELSE x." d " END"
/* Columns whose change is bookkeeping, not a change of the order, left out of the audit. */
#define NOISE "'{updated_at,sla_dirty,reclassify_pending,search_key}'::text[]"

/* One statement for the batch, each row as store_order_update does it: lock, update, and record the
 * changed fields (before/after) in the audit, in the batch's order. */
/* clang-format off */
static const char update_batch[] =
  "WITH x AS (SELECT x.*, x.ordinality AS ord FROM jsonb_populate_recordset(NULL::intake.orders, $1::jsonb)"
  "  WITH ORDINALITY x),"
  " old AS (SELECT * FROM intake.orders WHERE id IN (SELECT id FROM x) ORDER BY id FOR UPDATE),"
  " upd AS (UPDATE intake.orders o SET status = COALESCE(x.status, o.status), kind = x.kind,"
  "  sn = " KEPT("sn") ", model = " KEPT("model") ", symptoms = x.symptoms,"
  "  contact = " KEPT("contact") ", phone = " KEPT("phone") ", address = " KEPT("address") ","
  "  city = " KEPT("city") ", district = " KEPT("district") ", missing = x.missing,"
  "  sn_candidates = x.sn_candidates, customer = " KEPT("customer") ", tier = x.tier,"
  "  component = x.component, warranty_start = x.warranty_start, warranty_end = x.warranty_end,"
  "  coverage = COALESCE(o.coverage_decision, x.coverage), reclassify_pending = false,"
  "  reasons = x.reasons, severity = x.severity, priority = x.priority, onsite_class = x.onsite_class,"
  "  sla_clock = x.sla_clock, base_response_due = x.response_due, base_plan_due = x.plan_due,"
  "  base_onsite_due = x.onsite_due,"
  "  response_due = " KEPT_DUE("response_due") ", plan_due = " KEPT_DUE("plan_due") ","
  "  onsite_due = " KEPT_DUE("onsite_due") ","
  "  sla_dirty = o.sla_dirty OR (EXISTS (SELECT 1 FROM intake.sla_pauses sp WHERE sp.order_id = o.id)"
  "   AND (x.response_due IS DISTINCT FROM o.base_response_due OR x.plan_due IS DISTINCT FROM o.base_plan_due"
  "    OR x.onsite_due IS DISTINCT FROM o.base_onsite_due)),"
  "  updated_at = now()"
  "  FROM old, x WHERE o.id = old.id AND x.id = old.id"
  "  RETURNING x.ord, o.id, to_jsonb(old.*) - " NOISE " AS b, to_jsonb(o.*) - " NOISE " AS a),"
  " diff AS (SELECT ord, id,"
  "  (SELECT jsonb_object_agg(key, value) FROM jsonb_each(b) WHERE a->key IS DISTINCT FROM value) AS b,"
  "  (SELECT jsonb_object_agg(key, value) FROM jsonb_each(a) WHERE b->key IS DISTINCT FROM value) AS a"
  "  FROM upd),"
  " ins AS (INSERT INTO intake.audit (order_id, action, before, after, note)"
  "  SELECT id, $2, b, a, $3 FROM diff WHERE a IS NOT NULL OR $2 <> 'reprocess' ORDER BY ord)"
  " SELECT ord, b::text, a::text FROM diff ORDER BY ord";
/* clang-format on */

gboolean
store_orders_update_batch_send(StoreConn *conn, const gint64 *ids, const StoreOrder *const *orders,
                               const char *const *statuses, guint n, const char *action, const char *note,
                               GError **error)
{
  if (n == 0)
    return TRUE;
  if (!store_flush_deferred(conn, error)) /* a follow-up's update comes after its mail's SAVEPOINT */
    return FALSE;
  g_autofree char *json = batch_json(ids, orders, statuses, n, error);
  if (!json)
    return FALSE;
  const char *p[] = { json, action, note };
  /* sent, not waited for: the caller parses the next batch meanwhile (libpq copies the values) */
  if (!PQsendQueryParams(conn->pg, update_batch, 3, NULL, p, NULL, NULL, 0))
    return store_fail(conn, error);
  return TRUE;
}

gboolean
store_orders_update_batch_finish(StoreConn *conn, guint n, gboolean *changed, char **before, char **after,
                                 GError **error)
{
  if (n == 0)
    return TRUE;
  g_autoptr(PGresult) r = PQgetResult(conn->pg);
  for (PGresult *more; (more = PQgetResult(conn->pg));) /* to the end of the statement's results */
    PQclear(more);
  if (!store_check(conn, r, PGRES_TUPLES_OK, error))
    return FALSE;
  if (PQntuples(r) != (int)n) {
    g_set_error(error, STORE_ERROR, STORE_ERROR_QUERY, "%u of %u orders to update not found",
                n - (guint)PQntuples(r), n);
    return FALSE;
  }
  for (guint i = 0; i < n; i++) {
    changed[i] = !PQgetisnull(r, (int)i, 2);
    before[i] = PQgetisnull(r, (int)i, 1) ? NULL : g_strdup(PQgetvalue(r, (int)i, 1));
    after[i] = changed[i] ? g_strdup(PQgetvalue(r, (int)i, 2)) : NULL;
  }
  return TRUE;
}
