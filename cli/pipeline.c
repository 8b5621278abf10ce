/* cli/pipeline.c: policy from PostgreSQL, asset look-up, and an order's values from a result. */
#include "pipeline.h"

#include <string.h>

ClassifierPolicy *
pipeline_policy_load(StoreConn *conn, GError **error)
{
  g_autoptr(ClassifierPolicy) policy = classifier_policy_new();
  if (!store_policy_load(conn, policy, error) || !classifier_policy_finish(policy, error))
    return NULL;
  /* order numbers and --since dates count in the policy's time zone */
  if (!store_set_time_zone(conn, classifier_policy_time_zone(policy), error))
    return NULL;
  return g_steal_pointer(&policy);
}

/* Of the registry rows (sn first) whose sn is one of keys (every row: keys NULL), the asset to
 * classify request with (a copy, or NULL); *warning: the last unusable row. */
static ClassifierAsset *
asset_pick_from(const StoreRows *rows, const char *const *keys, const ParserRequest *request, char **warning)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func((GDestroyNotify)classifier_asset_free);
  for (guint i = 0; i < rows->rows->len; i++) {
    const char *const *values = g_ptr_array_index(rows->rows, i);
    if (keys && !g_strv_contains(keys, values[0]))
      continue;
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

ClassifierAsset *
pipeline_asset_lookup(StoreConn *conn, const ParserRequest *request, char **warning, GError **error)
{
  *warning = NULL;
  g_auto(GStrv) keys = classifier_request_sn_keys(request);
  if (!keys || !keys[0])
    return NULL;
  g_autoptr(StoreRows) rows = store_assets_lookup(conn, (const char *const *)keys, error);
  return rows ? asset_pick_from(rows, NULL, request, warning) : NULL;
}

StoreAhead *
pipeline_asset_lookup_many_ahead(StoreConn *conn, const char *const *const *keys, guint n, GError **error)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new();
  for (guint i = 0; i < n; i++)
    for (guint k = 0; keys[i] && keys[i][k]; k++)
      g_ptr_array_add(all, (gpointer)keys[i][k]);
  if (all->len == 0)
    return NULL;
  g_ptr_array_add(all, NULL);
  return store_assets_lookup_ahead(conn, (const char *const *)all->pdata, error);
}

StoreAhead *
pipeline_asset_lookup_ahead(StoreConn *conn, const ParserRequest *request, GError **error)
{
  g_auto(GStrv) keys = classifier_request_sn_keys(request);
  return keys && keys[0] ? store_assets_lookup_ahead(conn, (const char *const *)keys, error) : NULL;
}

ClassifierAsset *
pipeline_asset_take(StoreConn *conn, StoreAhead *ahead, const ParserRequest *request, const char *const *keys,
                    char **warning, GError **error)
{
  *warning = NULL;
  const StoreRows *rows = store_assets_lookup_take(conn, ahead, error);
  g_auto(GStrv) own = keys ? NULL : classifier_request_sn_keys(request); /* the rows may be several mails' */
  if (!keys)
    keys = (const char *const *)own;
  return rows && keys ? asset_pick_from(rows, keys, request, warning) : NULL;
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
  /* not g_date_strftime: a locale-aware format per date was 1 % of the poll's CPU */
  return keep(h,
              g_strdup_printf("%04u-%02u-%02u", g_date_get_year(d), g_date_get_month(d), g_date_get_day(d)));
}

void
pipeline_order_fill(StoreOrder *o, PipelineOrderHolder *h, const ClassifierPolicy *policy, ParserRequest *req,
                    const ClassifierResult *r)
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

const char *
pipeline_named_sn(const ParserRequest *req)
{
  return !req                           ? NULL
         : req->sn                      ? req->sn
         : req->sn_candidates->len == 1 ? g_ptr_array_index(req->sn_candidates, 0)
                                        : NULL;
}

guint
pipeline_machine_count(const ParserRequest *req)
{
  return req && req->machines && req->machines->len > 1 ? req->machines->len : 1;
}

void
pipeline_machine_enter(ParserRequest *req, guint index, PipelineMachineSaved *saved)
{
  const ParserMachine *m = index < req->machines->len ? g_ptr_array_index(req->machines, index) : NULL;
  *saved = (PipelineMachineSaved){ .sn = req->sn,
                                   .model = req->model,
                                   .symptoms = req->symptoms,
                                   .sn_candidates = req->sn_candidates,
                                   .entered = TRUE };
  req->sn = m ? g_strdup(m->sn) : NULL;
  req->model = m ? g_strdup(m->model) : NULL;
  req->symptoms = g_strdup(m && m->symptoms ? m->symptoms : m ? saved->symptoms : NULL);
  req->sn_candidates = g_ptr_array_new_with_free_func(g_free);
  if (req->sn)
    g_ptr_array_add(req->sn_candidates, g_strdup(req->sn));
  /* a table row's own place is that machine's when it is another than the mail's (blind round 14: a
   * CSV row's 福田区 under the body's 南山区 address; a row that says 南山区 keeps the body's full one) */
  if (m && m->city && (g_strcmp0(m->city, req->city) || g_strcmp0(m->district, req->district))) {
    saved->placed = TRUE;
    saved->address = req->address, saved->city = req->city, saved->district = req->district;
    req->address = g_strdup(m->address);
    req->city = g_strdup(m->city);
    req->district = g_strdup(m->district);
  }
}

void
pipeline_machine_leave(ParserRequest *req, PipelineMachineSaved *saved)
{
  if (!saved->entered)
    return;
  g_free(req->sn);
  g_free(req->model);
  g_free(req->symptoms);
  g_ptr_array_unref(req->sn_candidates);
  req->sn = saved->sn;
  req->model = saved->model;
  req->symptoms = saved->symptoms;
  req->sn_candidates = saved->sn_candidates;
  if (saved->placed) {
    g_free(req->address);
    g_free(req->city);
    g_free(req->district);
    req->address = saved->address, req->city = saved->city, req->district = saved->district;
    saved->placed = FALSE;
  }
  saved->entered = FALSE;
}

/* A first report this short says little more than that the machine is broken. */
#define VAGUE_SYMPTOMS_CHARS 30

/* Fills base's missing fields from fu, adds fu's SN candidates (see below), and appends fu's text so
 * the classifier reads both. */
static void
merge_missing(const ParserConfig *parser, ParserRequest *base, const ParserRequest *fu)
{
  if (base == fu)
    return;
  /* another SN in passing ("另RCS…的RAID问题也已处理完毕") is not this order's machine: a follow-up's
   * SNs count only when the order has none or the mail corrects its SN ("SN写错了，应该是 RCS…") —
   * a registered one would otherwise replace an unregistered order SN (blind round 11d) */
  gboolean candidates = !base->sn || parser_corrects_sn(parser, fu);
  char **dst[] = { &base->sn, &base->model, &base->symptoms, &base->contact, &base->phone, &base->address };
  const char *src[] = { fu->sn, fu->model, fu->symptoms, fu->contact, fu->phone, fu->address };
  for (guint i = 0; i < G_N_ELEMENTS(dst); i++)
    if (!*dst[i] && src[i])
      set_field(dst[i], src[i]);
  /* city and district go together: a district is only taken for the same city */
  if (!base->city && fu->city) {
    set_field(&base->city, fu->city);
    set_field(&base->district, fu->district);
  } else if (base->city && !base->district && fu->district && g_strcmp0(base->city, fu->city) == 0) {
    set_field(&base->district, fu->district);
  }
  for (guint i = 0; candidates && i < fu->sn_candidates->len; i++)
    add_unique(base->sn_candidates, g_ptr_array_index(fu->sn_candidates, i));
  /* a short first report ("服务器坏了，赶紧派人来看看") and a follow-up that describes the fault: the
   * order's symptoms say both, so the engineer reads more than "坏了" (blind round 19) */
  if (base->symptoms && fu->symptoms && g_utf8_strlen(base->symptoms, -1) <= VAGUE_SYMPTOMS_CHARS &&
      !fu->chase && !strstr(base->symptoms, fu->symptoms) && parser_reports_fault(parser, fu->symptoms)) {
    g_autofree char *both = g_strconcat(base->symptoms, "\n", fu->symptoms, NULL);
    set_field(&base->symptoms, both);
  }
  if (fu->body_text) {
    g_autofree char *joined = g_strconcat(base->body_text ? base->body_text : "", "\n", fu->body_text, NULL);
    set_field(&base->body_text, joined);
  }
}

static GDateTime *
row_time(StoreRows *row, const char *column)
{
  const char *iso = row_value(row, column);
  return iso ? g_date_time_new_from_iso8601(iso, NULL) : NULL;
}

/* The fields ops corrected (orders.corrected, {field: value|null}) replace what the mails say, so
 * the classifier reads them (the registry is looked up by the corrected SN). */
static void
apply_corrections(ParserRequest *m, const char *json)
{
  if (!json || g_str_equal(json, "{}"))
    return;
  g_autoptr(JsonParser) jp = json_parser_new();
  if (!json_parser_load_from_data(jp, json, -1, NULL) || !JSON_NODE_HOLDS_OBJECT(json_parser_get_root(jp)))
    return;
  JsonObject *obj = json_node_get_object(json_parser_get_root(jp));
  const char *names[] = { "sn", "model", "contact", "phone", "address", "city", "district" };
  char **fields[] = { &m->sn, &m->model, &m->contact, &m->phone, &m->address, &m->city, &m->district };
  for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
    JsonNode *v = json_object_get_member(obj, names[i]);
    if (v)
      set_field(fields[i], JSON_NODE_HOLDS_VALUE(v) ? json_node_get_string(v) : NULL);
  }
  /* a corrected SN is the one the order is about, and the only one: the registry is looked up by it
   * alone — the mail's other candidates (the SN typed wrong among them) would find the old machine
   * again when the corrected one is not registered */
  JsonNode *sn = json_object_get_member(obj, "sn");
  if (sn) {
    g_ptr_array_set_size(m->sn_candidates, 0);
    if (m->sn)
      g_ptr_array_add(m->sn_candidates, g_strdup(m->sn));
  }
}

static guint
mail_orders(StoreRows *row)
{
  const char *v = row_value(row, "mail_orders");
  return v ? (guint)g_ascii_strtoull(v, NULL, 10) : 1;
}

static guint
machine_index(StoreRows *row)
{
  const char *v = row_value(row, "machine_index");
  return v ? (guint)g_ascii_strtoull(v, NULL, 10) : 0;
}

/* Classifies merged (a mail, or an order's mails merged) for the order in row and rewrites the
 * order with the result; status may be NULL to keep it. */
static gboolean
reclassify(StoreConn *conn, const ClassifierPolicy *policy, StoreRows *row, gint64 order_id, ParserRequest *m,
           const char *status, const char *action, const char *note, gboolean *changed, char **before,
           char **after, GError **error)
{
  set_field(&m->followup_of, NULL);
  set_field(&m->ignored_reason, NULL);
  apply_corrections(m, row_value(row, "corrected"));
  g_autofree char *warning = NULL;
  g_autoptr(ClassifierAsset) asset = pipeline_asset_lookup(conn, m, &warning, error);
  if (!asset && error && *error)
    return FALSE;
  g_autoptr(GDateTime) received = row_time(row, "received_iso");
  if (!received) {
    g_set_error(error, STORE_ERROR, STORE_ERROR_QUERY, "order %s: unreadable received_at",
                row_value(row, "order_no"));
    return FALSE;
  }
  g_autoptr(ClassifierResult) result = classifier_classify(policy, m, asset, received, error);
  if (!result)
    return FALSE;
  /* ops decided the coverage: its priority cap and deadlines follow */
  classifier_result_decide_coverage(result, policy, asset, row_value(row, "coverage_decision"));
  StoreOrder o = { 0 };
  PipelineOrderHolder holder = { 0 };
  pipeline_order_fill(&o, &holder, policy, m, result);
  g_ptr_array_add(m->sn_candidates, NULL);
  o.sn_candidates = (const char *const *)m->sn_candidates->pdata;
  gboolean ok = store_order_update(conn, order_id, &o, status, action, note, changed, before, after, error);
  g_ptr_array_set_size(m->sn_candidates, m->sn_candidates->len - 1);
  pipeline_order_holder_clear(&holder);
  return ok;
}

/* The order's stored fields (earlier follow-ups and corrections filled them) win over the mail's. */
static void
stored_fields(ParserRequest *m, StoreRows *row)
{
  char **fields[] = { &m->sn,    &m->model,   &m->symptoms, &m->contact,
                      &m->phone, &m->address, &m->city,     &m->district };
  const char *columns[] = { "sn", "model", "symptoms", "contact", "phone", "address", "city", "district" };
  for (guint i = 0; i < G_N_ELEMENTS(fields); i++) {
    const char *stored = row_value(row, columns[i]);
    if (stored && *stored)
      set_field(fields[i], stored);
  }
  add_pg_array(m->sn_candidates, row_value(row, "sn_candidates"));
}

void
pipeline_symptoms_drop_order(ParserRequest *req, const char *order_no)
{
  if (!req->symptoms || !order_no)
    return;
  static const char *const ends[] = { "。", "！", "？", "；", "!", "?", ";", "\n", NULL };
  g_autoptr(GString) kept = g_string_new(NULL);
  gboolean dropped = FALSE;
  const char *p = req->symptoms;
  while (*p) {
    /* the sentence: up to and with the first end mark */
    const char *end = p + strlen(p);
    gsize mark = 0;
    for (guint i = 0; ends[i]; i++) {
      const char *e = strstr(p, ends[i]);
      if (e && e < end)
        end = e, mark = strlen(ends[i]);
    }
    end += mark;
    g_autofree char *sentence = g_ascii_strup(p, (gssize)(end - p));
    if (strstr(sentence, order_no))
      dropped = TRUE;
    else
      g_string_append_len(kept, p, end - p);
    p = end;
  }
  g_strstrip(kept->str);
  if (!dropped || !*kept->str)
    return;
  g_free(req->symptoms);
  req->symptoms = g_strdup(kept->str);
}

void
pipeline_other_machine_words(const ParserConfig *parser, ParserRequest *req, const char *order_no)
{
  pipeline_symptoms_drop_order(req, order_no);
  gssize at = req->symptoms ? parser_other_machine_start(parser, req->symptoms, req->sn) : -1;
  if (at > 0) {
    char *rest = g_strdup(req->symptoms + at);
    g_strstrip(rest);
    if (*rest) {
      g_free(req->symptoms);
      req->symptoms = rest;
    } else
      g_free(rest);
  }
  g_autofree char *subject = req->subject ? g_ascii_strup(req->subject, -1) : NULL;
  req->subject_elsewhere = req->references->len > 0 || (subject && order_no && strstr(subject, order_no));
}

/* The order's stored fields where m has none (a recurrence: "又宕机了" names no SN, the order did);
 * machine FALSE: another machine of the same customer — the person always, the place only when the
 * mail says it is the same ("地址一样", labels.ini same_place: blind round 12b, a table's own cabinet
 * column was overridden by the chased machine's). */
typedef const char *(*FieldSource)(gpointer from, const char *column);

static const char *
json_value(gpointer obj, const char *member)
{
  JsonNode *v = json_object_get_member(obj, member);
  return v && JSON_NODE_HOLDS_VALUE(v) && json_node_get_value_type(v) == G_TYPE_STRING
           ? json_node_get_string(v)
           : NULL;
}

static void
missing_from(const ParserConfig *parser, ParserRequest *m, FieldSource value, gpointer from, gboolean machine)
{
  enum { PERSON, PLACE, MACHINE };
  const struct {
    char **field;
    const char *column;
    int what;
  } fields[] = {
    { &m->contact, "contact", PERSON },  { &m->phone, "phone", PERSON },
    { &m->address, "address", PLACE },   { &m->city, "city", PLACE },
    { &m->district, "district", PLACE }, { &m->sn, "sn", MACHINE },
    { &m->model, "model", MACHINE },
  };
  gboolean had_sn = m->sn != NULL;
  gboolean place = machine || parser_says_same_place(parser, m->body_text ? m->body_text : m->symptoms);
  for (guint i = 0; i < G_N_ELEMENTS(fields); i++) {
    const char *stored = value(from, fields[i].column);
    gboolean wanted = fields[i].what == PERSON || (fields[i].what == PLACE && place) || machine;
    if (wanted && !*fields[i].field && stored && *stored)
      set_field(fields[i].field, stored);
  }
  if (!had_sn && m->sn && !m->sn_candidates->len)
    g_ptr_array_add(m->sn_candidates, g_strdup(m->sn));
}

static void
missing_fields(const ParserConfig *parser, ParserRequest *m, StoreRows *row, gboolean machine)
{
  missing_from(parser, m, (FieldSource)row_value, row, machine);
}

/* What the order took from another when it was made (the column inherited, see missing_fields and
 * the recurrence's context_text), so that reprocess and a later follow-up read it as the poll did
 * (a recurrence "又坏了" kept its old order's SN, contact and part). */
static void
inherit(const ParserConfig *parser, ParserRequest *m, StoreRows *row)
{
  const char *json = row_value(row, "inherited");
  if (!json || !*json)
    return;
  g_autoptr(JsonParser) jp = json_parser_new();
  if (!json_parser_load_from_data(jp, json, -1, NULL) || !JSON_NODE_HOLDS_OBJECT(json_parser_get_root(jp)))
    return;
  JsonObject *obj = json_node_get_object(json_parser_get_root(jp));
  gboolean machine = json_object_get_boolean_member_with_default(obj, "machine", FALSE);
  missing_from(parser, m, json_value, obj, machine);
  set_field(&m->context_text, json_value(obj, "context"));
  const char *chased = json_value(obj, "order_no");
  if (!machine && chased && pipeline_machine_count(m) == 1)
    pipeline_other_machine_words(parser, m, chased);
}

/* Base: the order's first mail as parsed today, so the classifier reads the customer's own
 * description, with the order's stored fields over it. NULL when the mail does not parse (error
 * unset) or on a database error (error set). */
static ParserRequest *
order_base(StoreConn *conn, const ParserConfig *parser, const ParserLimits *limits, StoreRows *row,
           gint64 order_id, PipelineMachineSaved *saved, GError **error)
{
  g_autoptr(GBytes) raw = store_order_initial_raw(conn, order_id, error);
  if (!raw)
    return NULL;
  gsize len = 0;
  const char *data = g_bytes_get_data(raw, &len);
  ParserRequest *base = parser_parse(parser, limits, data ? data : "", len, NULL);
  if (!base)
    return NULL;
  /* an order of a batch report: its own machine of the first mail, not the mail's first machine
   * (pipeline_machine_leave before base is freed) */
  if (mail_orders(row) > 1)
    pipeline_machine_enter(base, machine_index(row), saved);
  stored_fields(base, row);
  inherit(parser, base, row);
  return base;
}

/* Order numbers are guessable: a mail from someone the order does not know, not replying in its
 * thread, changes nothing (ops decide: needs_review). */
gboolean
pipeline_sender_known(StoreConn *conn, const ParserConfig *parser, gint64 order_id, ParserRequest *fu,
                      gboolean *known, GError **error)
{
  g_autoptr(GPtrArray) addresses = NULL;
  gboolean referenced = FALSE;
  g_ptr_array_add(fu->references, NULL);
  gboolean ok = store_order_followup_facts(conn, order_id, (const char *const *)fu->references->pdata,
                                           &addresses, &referenced, error);
  g_ptr_array_set_size(fu->references, fu->references->len - 1);
  if (ok)
    *known = referenced || parser_sender_known(parser, fu->from_addr, (const char *const *)addresses->pdata);
  return ok;
}

/* The deadline of the order (row) past and not recorded, or NULL; none while it waits for the
 * customer (its clock stopped). */
static const char *
overdue_deadline(StoreRows *row)
{
  static const char *const due[][3] = { { "response_due", "responded_at", "remote response" },
                                        { "plan_due", "plan_at", "handling plan" },
                                        { "onsite_due", "onsite_at", "on-site service" } };
  if (g_strcmp0(row_value(row, "status"), "waiting_customer") == 0)
    return NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc();
  for (guint i = 0; i < G_N_ELEMENTS(due); i++) {
    g_autoptr(GDateTime) at = row_time(row, due[i][0]);
    if (at && !row_value(row, due[i][1]) && g_date_time_compare(at, now) < 0)
      return due[i][2];
  }
  return NULL;
}

/* The order's complaint flag ("【投诉】…已经超过4小时了还没人联系", "催办：… 至今无人联系"): the desk
 * and the duty team see it (blind round 11d: only another follow-up). A chase ("到现在还没人来处理") of
 * an order already past a deadline is one too (blind round 18: eleven days late, not escalated). */
static gboolean
escalate_if(StoreConn *conn, const ParserConfig *parser, StoreRows *row, gint64 order_id,
            const ParserRequest *fu, GError **error)
{
  const char *text = fu->body_text ? fu->body_text : fu->symptoms;
  const char *complaint = parser_escalates(parser, text);
  if (!complaint)
    complaint = parser_escalates(parser, fu->subject);
  g_autofree char *why = NULL;
  const char *late = NULL, *chase = NULL;
  if (complaint)
    why = g_strdup_printf("follow-up mail %s: \"%s\"", fu->message_id ? fu->message_id : "(no Message-ID)",
                          complaint);
  else if ((chase = parser_chases(parser, text)) && (late = overdue_deadline(row)))
    why = g_strdup_printf("follow-up mail %s chases it past its %s deadline: \"%s\"",
                          fu->message_id ? fu->message_id : "(no Message-ID)", late, chase);
  return !why || store_order_escalate(conn, order_id, why, error);
}

/* pipeline_followup once it is the order's: links the mail and changes what it changes. */
static gboolean
followup_apply(StoreConn *conn, const ParserConfig *parser, const ParserLimits *limits,
               const ClassifierPolicy *policy, StoreRows *row, gint64 order_id, gint64 message_row,
               ParserRequest *fu, PipelineFollowup *out, GError **error)
{
  gboolean known = FALSE;
  if (!pipeline_sender_known(conn, parser, order_id, fu, &known, error))
    return FALSE;
  gboolean stranger = !known;
  const char *status = row_value(row, "status");
  /* "又宕机了" in a closed order's thread, from its customer: a new outage with its own clock (the
   * order's SN and place fill the mail's gaps — never for a stranger, who would read them in the
   * acknowledgement), however long ago it was closed */
  gboolean closed = g_strcmp0(status, "closed") == 0;
  /* the customer's own words, never the subject: a reply's subject is the old thread's ("Re: [RC…]
   * 服务器宕机" over "收到" made a new P1 — blind round 12b) */
  const char *text = fu->symptoms ? fu->symptoms : fu->body_text;
  if (!stranger && out->machine == G_MAXUINT && closed && parser_reports_fault(parser, text)) {
    /* another machine's fault in the old thread, labelled or not ("另一台节点 RCS… 开不了机"), is
     * not this order's recurrence (blind round 12) */
    const char *order_sn = row_value(row, "sn");
    const char *named = fu->sn;
    for (guint i = 0; !named && i < fu->sn_candidates->len; i++)
      if (!parser_sn_same(g_ptr_array_index(fu->sn_candidates, i), order_sn))
        named = g_ptr_array_index(fu->sn_candidates, i);
    if (named && order_sn && *order_sn && !parser_sn_same(named, order_sn) &&
        !parser_corrects_sn(parser, fu)) {
      set_field(&fu->sn, named);
      out->other_machine = TRUE;
      missing_fields(parser, fu, row, FALSE);
    } else {
      missing_fields(parser, fu, row, TRUE);
      g_free(fu->context_text); /* as inherit reads it back */
      fu->context_text = g_strjoin("\n", row_value(row, "subject") ? row_value(row, "subject") : "",
                                   row_value(row, "symptoms") ? row_value(row, "symptoms") : "", NULL);
      out->recurrence = TRUE;
    }
    return TRUE;
  }
  if (!store_order_attach(conn, order_id, message_row, error))
    return FALSE;
  /* from the order's own customer, open or closed */
  if (!stranger && !escalate_if(conn, parser, row, order_id, fu, error))
    return FALSE;
  /* a closed order is not re-opened by a question ("请把维修服务报告发我一份", an invoice): a person
   * answers it (blind round 12: back in the queue as a P1 with its old, missed deadlines); thanks are
   * only noted (below) */
  const char *held = NULL;
  if (stranger)
    held = "unverified_followup";
  else if (closed && !parser_says_fixed(parser, text) && !parser_says_nothing(parser, text))
    held = "closed_followup"; /* however long ago (late_followup, and followup_reopen_days, are no more) */
  if (held) {
    g_autofree char *why = g_strdup_printf(
      "follow-up mail %s from %s: %s; linked, nothing changed",
      fu->message_id ? fu->message_id : "(no Message-ID)", fu->from_addr ? fu->from_addr : "(no sender)",
      g_str_equal(held, "closed_followup")
        ? "the order is closed and the mail reports no new fault: answer it"
        : "a sender the order does not know");
    return store_order_hold_followup(conn, order_id, held, why, error);
  }

  /* "问题已解决，谢谢" or "收到" to a finished order: the most common replies to one, no reason to
   * re-open it (or to read the order again from a mail that only says thanks) */
  gboolean fixed = parser_says_fixed(parser, text);
  if ((closed || g_strcmp0(status, "resolved") == 0) && (fixed || parser_says_nothing(parser, text))) {
    g_autofree char *why = g_strdup_printf(
      "follow-up mail %s: %s; the order stays %s", fu->message_id ? fu->message_id : "(no Message-ID)",
      fixed ? "the customer confirms the fix" : "it acknowledges, nothing to act on", status);
    return store_order_note(conn, order_id, "followup", why, error);
  }

  /* "不用来了，已经好了" to an open order: a person confirms and resolves or cancels it before an
   * engineer is sent (blind round 19: it stayed queued, its on-site deadline running) */
  if (fixed) {
    g_autofree char *why =
      g_strdup_printf("follow-up mail %s: the customer says the fault is fixed or the visit is not needed;"
                      " confirm, then intake.resolve or intake.close(order_no, 'cancelled')",
                      fu->message_id ? fu->message_id : "(no Message-ID)");
    return store_order_hold_followup(conn, order_id, "said_fixed", why, error);
  }

  PipelineMachineSaved saved = { 0 };
  g_autoptr(ParserRequest) base = order_base(conn, parser, limits, row, order_id, &saved, error);
  if (!base && error && *error)
    return FALSE;
  ParserRequest *m = base ? base : fu;
  if (!base)
    stored_fields(m, row);
  merge_missing(parser, m, fu);

  /* The customer wrote again: a finished or waiting order is open again. */
  const char *reopen = NULL;
  if (g_strcmp0(status, "closed") == 0)
    reopen = "queued";
  else if (g_strcmp0(status, "resolved") == 0 || g_strcmp0(status, "waiting_customer") == 0)
    reopen = "in_progress";
  /* closed or resolved: a re-open (as ops' intake.reopen records it); waiting: the answer came */
  gboolean reopened = reopen && g_strcmp0(status, "waiting_customer") != 0;
  g_autofree char *note = g_strdup_printf(
    "follow-up mail %s%s%s", fu->message_id ? fu->message_id : "(no Message-ID)",
    reopen ? (reopened ? "; re-opened from " : "; answered while ") : "", reopen ? status : "");
  gboolean ok = reclassify(conn, policy, row, order_id, m, reopen, reopened ? "reopen" : "followup", note,
                           NULL, NULL, NULL, error);
  pipeline_machine_leave(m, &saved);
  return ok;
}

/* Whether fu gives a contact, phone or address the order (row) lacks. */
static gboolean
supplies(StoreRows *row, const ParserRequest *fu)
{
  const char *const columns[] = { "contact", "phone", "address" };
  const char *const given[] = { fu->contact, fu->phone, fu->address };
  for (guint i = 0; i < G_N_ELEMENTS(columns); i++) {
    const char *has = row_value(row, columns[i]);
    if (given[i] && (!has || !*has))
      return TRUE;
  }
  return FALSE;
}

/* A reply to a batch report that names none of its machines and gives what the report lacked
 * ("补充一下地址和电话：…" under the acknowledgement of two machines): a follow-up of each of the
 * report's open orders it fills, not only of the first (blind round 15: the second machine's order
 * kept no contact, no phone and the registry's district). */
static gboolean
followup_batch_mates(StoreConn *conn, const ParserConfig *parser, const ParserLimits *limits,
                     const ClassifierPolicy *policy, gint64 order_id, gint64 message_row, ParserRequest *fu,
                     GError **error)
{
  g_autoptr(StoreRows) mates = store_mail_orders(conn, order_id, error);
  if (!mates)
    return FALSE;
  for (guint i = 0; i < mates->rows->len; i++) {
    char **mate = g_ptr_array_index(mates->rows, i);
    gint64 mate_id = 0;
    if (!store_order_find(conn, mate[0], (const char *const[]){ NULL }, NULL, &mate_id, error))
      return FALSE;
    if (!mate_id || mate_id == order_id)
      continue;
    g_autoptr(StoreRows) row = store_order_get(conn, mate_id, error);
    if (!row)
      return FALSE;
    const char *status = row_value(row, "status");
    if (g_strcmp0(status, "closed") == 0 || g_strcmp0(status, "resolved") == 0 || !supplies(row, fu))
      continue;
    PipelineFollowup mo = { .machine = G_MAXUINT };
    if (!followup_apply(conn, parser, limits, policy, row, mate_id, message_row, fu, &mo, error))
      return FALSE;
  }
  return TRUE;
}

gboolean
pipeline_followup(StoreConn *conn, const ParserConfig *parser, const ParserLimits *limits,
                  const ClassifierPolicy *policy, gint64 order_id, gint64 message_row, ParserRequest *fu,
                  char **order_no, PipelineFollowup *out, GError **error)
{
  *out = (PipelineFollowup){ .machine = G_MAXUINT };
  guint *machine = &out->machine;
  g_autoptr(StoreRows) row = store_order_get(conn, order_id, error);
  if (!row)
    return FALSE;
  *order_no = g_strdup(row_value(row, "order_no"));
  /* no SN on the order: the follow-up fills it in; an order of a batch report: its mail's other
   * machines have orders of their own, a reply may name any of them */
  const char *order_sn = row_value(row, "sn");
  gboolean single = order_sn && *order_sn && mail_orders(row) == 1;
  /* a reply to a batch acknowledgement about the report's other machine, named by its SN ("那台
   * RCS…0012346 什么时候来换盘？"): that machine's order (blind round 12b: filed under the first) */
  const char *named = pipeline_named_sn(fu);
  if (!single && order_sn && *order_sn && named && !parser_sn_same(named, order_sn) &&
      pipeline_machine_count(fu) == 1) {
    g_autoptr(StoreRows) mates = store_mail_orders(conn, order_id, error);
    if (!mates)
      return FALSE;
    for (guint i = 0; i < mates->rows->len; i++) {
      char **mate = g_ptr_array_index(mates->rows, i);
      gint64 mate_id = 0;
      if (!parser_sn_same(named, mate[2]))
        continue;
      if (!store_order_find(conn, mate[0], (const char *const[]){ NULL }, NULL, &mate_id, error))
        return FALSE;
      if (mate_id && mate_id != order_id) {
        g_clear_pointer(order_no, g_free);
        return pipeline_followup(conn, parser, limits, policy, mate_id, message_row, fu, order_no, out,
                                 error);
      }
    }
  }
  /* several machines, the order's one of them: the follow-up is that machine's (the others are
   * new orders, the caller's); a listed machine is one with a fault (calm rows are not listed) */
  guint n = pipeline_machine_count(fu);
  for (guint k = 0; order_sn && *order_sn && n > 1 && n <= 64 && k < n && *machine == G_MAXUINT; k++)
    if (parser_sn_same(((ParserMachine *)g_ptr_array_index(fu->machines, k))->sn, order_sn))
      *machine = k;
  /* an order of a batch report: the machines of its mail have orders already (out->siblings); a
   * split only when another machine is new (blind round 12b: its address and phone went onto the
   * chased order, and it got none) */
  if (*machine != G_MAXUINT && !single) {
    g_autoptr(StoreRows) mates = store_mail_orders(conn, order_id, error);
    if (!mates)
      return FALSE;
    for (guint j = 0; j < n; j++) {
      const char *sn = ((ParserMachine *)g_ptr_array_index(fu->machines, j))->sn;
      for (guint i = 0; j != *machine && i < mates->rows->len; i++)
        if (parser_sn_same(sn, ((char **)g_ptr_array_index(mates->rows, i))[2]))
          out->siblings |= G_GUINT64_CONSTANT(1) << j;
    }
    if (__builtin_popcountll(out->siblings) == (int)n - 1) {
      *machine = G_MAXUINT; /* every other machine has its order: the follow-up it was */
      out->siblings = 0;
    }
  }
  PipelineMachineSaved fu_saved = { 0 };
  if (*machine != G_MAXUINT)
    pipeline_machine_enter(fu, *machine, &fu_saved);
  else if ((single || (order_sn && *order_sn && n == 1)) &&
           parser_followup_other_machine(parser, fu, order_sn)) {
    /* an order of a batch report too, when the machine is none of the report's (found above):
     * blind round 14b, its power-supply fault was only text in the chased order's thread */
    out->other_machine = TRUE;
    set_field(&fu->sn, pipeline_named_sn(fu)); /* an unlabelled one: that machine's */
    /* in an open order's thread, its customer's mail may chase it too ("催办：RC… 至今无人联系 …
     * 另外，同机柜的另一台…": blind round 12 M08, only a note said where the mail went) */
    const char *status = row_value(row, "status");
    if (g_strcmp0(status, "closed") == 0 || g_strcmp0(status, "resolved") == 0)
      return TRUE;
    gboolean known = FALSE;
    if (!pipeline_sender_known(conn, parser, order_id, fu, &known, error))
      return FALSE;
    if (!known)
      return TRUE;
    out->linked = TRUE;
    missing_fields(parser, fu, row, FALSE); /* the same customer (inherit reads it back) */
    return store_order_attach(conn, order_id, message_row, error) &&
           escalate_if(conn, parser, row, order_id, fu, error);
  }
  gboolean ok = followup_apply(conn, parser, limits, policy, row, order_id, message_row, fu, out, error);
  pipeline_machine_leave(fu, &fu_saved);
  if (ok && *machine == G_MAXUINT && !single && order_sn && *order_sn && !out->recurrence &&
      !out->other_machine && !pipeline_named_sn(fu))
    ok = followup_batch_mates(conn, parser, limits, policy, order_id, message_row, fu, error);
  /* the other machines' orders: the same customer, and where the mail says no place, the chased
   * machine's (blind round 12: "地址一样" and the acknowledgement asked for the address again) */
  if (ok && *machine != G_MAXUINT)
    missing_fields(parser, fu, row, FALSE);
  return ok;
}

/* What reprocess says when the mail now reads as another number of machines than it opened orders
 * (reprocess never makes or removes orders), or NULL. *gone: this order's machine is not read any more. */
static char *
machine_count_warning(guint orders, guint index, guint count, gboolean *gone)
{
  *gone = orders > 1 && index >= count;
  if (*gone)
    return g_strdup_printf("its mail now reads as %u machine(s), this order was machine %u of %u: left as it "
                           "is (close it if it is wrong)",
                           count, index + 1, orders);
  if (index == 0 && count > orders)
    return g_strdup_printf("its mail now reads as %u machines but opened %u order(s): reprocess makes no new "
                           "orders (open them by hand)",
                           count, orders);
  return NULL;
}

/* One order of a reprocess batch between reading and writing (pipeline_reprocess_batch). */
typedef struct {
  StoreRows row;    /* a one-row view of the batch's rows (they stay the batch's) */
  GPtrArray *one;   /* its rows array */
  ParserRequest *m; /* the order's mails as read today, merged; NULL: nothing to write */
  PipelineMachineSaved saved;
  const char *status; /* "queued": a quarantined mail that reads now joins the queue; NULL: kept */
  GStrv keys;         /* classifier_request_sn_keys */
  ClassifierAsset *asset;
  ClassifierResult *result;
  StoreOrder o;
  PipelineOrderHolder holder;
} Pending;

static void
pending_clear(Pending *p)
{
  if (p->m)
    pipeline_machine_leave(p->m, &p->saved);
  g_clear_pointer(&p->m, parser_request_free);
  g_clear_pointer(&p->one, g_ptr_array_unref);
  g_clear_pointer(&p->keys, g_strfreev);
  g_clear_pointer(&p->asset, classifier_asset_free);
  g_clear_pointer(&p->result, classifier_result_free);
  pipeline_order_holder_clear(&p->holder);
}

/* Reads the order's mails (the first, then its follow-ups filling what is missing) into p->m, as
 * the classifier will see them. FALSE on an error that stops the run; out->unreadable when the
 * first mail does not parse, p->m NULL when the order's machine is gone (left as it is). */
static gboolean
reprocess_read(const ParserConfig *parser, const ParserLimits *limits, Pending *p, GPtrArray *raws,
               PipelineReprocessed *out, GError **error)
{
  StoreRows *row = &p->row;
  out->order_no = g_strdup(row_value(row, "order_no"));
  g_autoptr(ParserRequest) base = NULL;
  for (guint i = 0; raws && i < raws->len; i++) {
    gsize len = 0;
    const char *data = g_bytes_get_data(g_ptr_array_index(raws, i), &len);
    g_autoptr(GError) perr = NULL;
    g_autoptr(ParserRequest) r = parser_parse(parser, limits, data ? data : "", len, &perr);
    if (i == 0 && !r) {
      /* still unreadable: the order stays for review */
      out->unreadable = g_strdup(perr->message);
      return TRUE;
    }
    if (!r)
      continue;
    if (base) {
      merge_missing(parser, base, r);
      continue;
    }
    base = g_steal_pointer(&r);
    /* the first mail: an order of a batch report is its own machine of it */
    guint orders = mail_orders(row), index = machine_index(row);
    gboolean gone = FALSE;
    out->warning = machine_count_warning(orders, index, pipeline_machine_count(base), &gone);
    if (gone)
      return TRUE;
    if (orders > 1)
      pipeline_machine_enter(base, index, &p->saved);
  }
  if (!base) {
    /* merged into another (its mail went there), or its mail was removed: nothing to read it from,
     * left as it is — the run goes on */
    const char *into = row_value(row, "merged_into");
    out->skipped = into && *into
                     ? g_strdup_printf("merged into %s: left as it is (reprocessed with that order)", into)
                     : g_strdup("has no mail: left as it is");
    return TRUE;
  }
  p->status = g_strcmp0(row_value(row, "review_reason"), "unprocessable") == 0 &&
                  g_strcmp0(row_value(row, "status"), "needs_review") == 0
                ? "queued"
                : NULL;
  /* what the poll gave it from another order (a recurrence's SN, contact and part) */
  inherit(parser, base, row);
  /* as reclassify does it */
  set_field(&base->followup_of, NULL);
  set_field(&base->ignored_reason, NULL);
  apply_corrections(base, row_value(row, "corrected"));
  p->keys = classifier_request_sn_keys(base);
  p->m = g_steal_pointer(&base);
  return TRUE;
}

/* The registry rows of every order of the batch in one query; each order picks its asset from
 * the rows of its own keys (as pipeline_asset_lookup does from its query's). */
static gboolean
reprocess_assets(StoreConn *conn, Pending *pending, guint n, GError **error)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new();
  g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
  for (guint i = 0; i < n; i++)
    for (guint k = 0; pending[i].m && pending[i].keys && pending[i].keys[k]; k++)
      if (g_hash_table_add(seen, pending[i].keys[k]))
        g_ptr_array_add(all, pending[i].keys[k]);
  if (all->len == 0)
    return TRUE;
  g_ptr_array_add(all, NULL);
  g_autoptr(StoreRows) rows = store_assets_lookup(conn, (const char *const *)all->pdata, error);
  if (!rows)
    return FALSE;
  for (guint i = 0; i < n; i++) {
    if (!pending[i].m || !pending[i].keys || !pending[i].keys[0])
      continue;
    g_autofree char *warning = NULL; /* an unusable registry row: reclassify does not say it either */
    pending[i].asset = asset_pick_from(rows, (const char *const *)pending[i].keys, pending[i].m, &warning);
  }
  return TRUE;
}

/* Classifies the read order into p->o. */
static gboolean
reprocess_classify(const ClassifierPolicy *policy, Pending *p, GError **error)
{
  g_autoptr(GDateTime) received = row_time(&p->row, "received_iso");
  if (!received) {
    g_set_error(error, STORE_ERROR, STORE_ERROR_QUERY, "unreadable received_at");
    return FALSE;
  }
  if (!(p->result = classifier_classify(policy, p->m, p->asset, received, error)))
    return FALSE;
  classifier_result_decide_coverage(p->result, policy, p->asset, row_value(&p->row, "coverage_decision"));
  pipeline_order_fill(&p->o, &p->holder, policy, p->m, p->result);
  g_ptr_array_add(p->m->sn_candidates, NULL);
  p->o.sn_candidates = (const char *const *)p->m->sn_candidates->pdata;
  return TRUE;
}

void
pipeline_reprocessed_clear(PipelineReprocessed *r)
{
  g_clear_pointer(&r->order_no, g_free);
  g_clear_pointer(&r->unreadable, g_free);
  g_clear_pointer(&r->skipped, g_free);
  g_clear_pointer(&r->before, g_free);
  g_clear_pointer(&r->after, g_free);
  g_clear_pointer(&r->warning, g_free);
}

/* The batch's orders by id (into rows; the ids are kept in *rid, caller frees). */
static GHashTable *
rows_by_id(StoreRows *rows, gint64 **rid)
{
  guint id_col = 0;
  while (id_col < rows->ncols && !g_str_equal(rows->columns[id_col], "id"))
    id_col++;
  *rid = g_new0(gint64, rows->rows->len + 1);
  GHashTable *byid = g_hash_table_new(g_int64_hash, g_int64_equal);
  for (guint i = 0; id_col < rows->ncols && i < rows->rows->len; i++) {
    char **r = g_ptr_array_index(rows->rows, i);
    (*rid)[i] = g_ascii_strtoll(r[id_col], NULL, 10);
    g_hash_table_insert(byid, &(*rid)[i], r);
  }
  return byid;
}

struct PipelineReprocessBatch {
  gint64 *ids; /* the orders read, n of them */
  guint n;
  StoreRows *rows;          /* store_orders_get_batch */
  GHashTable *raws;         /* store_order_raws_batch */
  GHashTable *byid;         /* rows_by_id */
  gint64 *rid;              /* its keys */
  Pending *pending;         /* [n] */
  PipelineReprocessed *out; /* [n] */
  guint stop;               /* the orders before it are re-run (pipeline_reprocess_parse) */
  GError *stop_error;       /* what stopped the batch at order stop, if anything */
  GArray *sent;             /* guint: the orders the write was sent for, by index */
};

void
pipeline_reprocess_batch_free(PipelineReprocessBatch *b)
{
  if (!b)
    return;
  for (guint i = 0; b->pending && i < b->n; i++)
    pending_clear(&b->pending[i]);
  for (guint i = 0; b->out && i < b->n; i++)
    pipeline_reprocessed_clear(&b->out[i]);
  g_free(b->pending);
  g_free(b->out);
  g_clear_pointer(&b->sent, g_array_unref);
  g_clear_error(&b->stop_error);
  g_clear_pointer(&b->byid, g_hash_table_unref);
  g_clear_pointer(&b->raws, g_hash_table_unref);
  g_clear_pointer(&b->rows, store_rows_free);
  g_free(b->rid);
  g_free(b->ids);
  g_free(b);
}

PipelineReprocessBatch *
pipeline_reprocess_read(StoreConn *conn, const gint64 *ids, guint n, GError **error)
{
  g_autoptr(PipelineReprocessBatch) b = g_new0(PipelineReprocessBatch, 1);
  b->ids = g_memdup2(ids, n * sizeof *ids);
  b->n = n;
  b->pending = g_new0(Pending, n);
  b->out = g_new0(PipelineReprocessed, n);
  b->sent = g_array_new(FALSE, FALSE, sizeof(guint));
  if (!(b->rows = store_orders_get_batch(conn, ids, n, error)) ||
      !(b->raws = store_order_raws_batch(conn, ids, n, error)))
    return NULL;
  b->byid = rows_by_id(b->rows, &b->rid);
  return g_steal_pointer(&b);
}

guint
pipeline_reprocess_parse(PipelineReprocessBatch *b, const ParserConfig *parser, const ParserLimits *limits,
                         gint64 deadline, gboolean *stopped)
{
  b->stop = b->n;
  for (guint i = 0; i < b->n && b->stop == b->n; i++) {
    char **r = g_hash_table_lookup(b->byid, &b->ids[i]);
    if (!r) {
      g_set_error(&b->stop_error, STORE_ERROR, STORE_ERROR_QUERY, "order %" G_GINT64_FORMAT " not found",
                  b->ids[i]);
      b->stop = i;
      break;
    }
    Pending *p = &b->pending[i];
    p->one = g_ptr_array_new();
    g_ptr_array_add(p->one, r);
    p->row = (StoreRows){ b->rows->columns, b->rows->ncols, p->one };
    if (!reprocess_read(parser, limits, p, g_hash_table_lookup(b->raws, &b->ids[i]), &b->out[i],
                        &b->stop_error))
      b->stop = i;
    else if (g_get_monotonic_time() >= deadline)
      b->stop = i + 1; /* the batch is long enough: the rest in the next one */
  }
  *stopped = b->stop_error != NULL;
  return b->stop;
}

gboolean
pipeline_reprocess_send(StoreConn *conn, PipelineReprocessBatch *b, const ClassifierPolicy *policy,
                        GError **error)
{
  if (!reprocess_assets(conn, b->pending, b->stop, error))
    return FALSE;
  for (guint i = 0; i < b->stop; i++) {
    GError *cerr = NULL;
    if (b->pending[i].m && !reprocess_classify(policy, &b->pending[i], &cerr)) {
      g_clear_error(&b->stop_error);
      b->stop_error = cerr;
      b->stop = i;
    }
  }
  g_autoptr(GArray) ids = g_array_new(FALSE, FALSE, sizeof(gint64));
  g_autoptr(GPtrArray) orders = g_ptr_array_new(), statuses = g_ptr_array_new();
  for (guint i = 0; i < b->stop; i++)
    if (b->pending[i].m) {
      g_array_append_val(b->sent, i);
      g_array_append_val(ids, b->ids[i]);
      g_ptr_array_add(orders, &b->pending[i].o);
      g_ptr_array_add(statuses, (gpointer)b->pending[i].status);
    }
  return store_orders_update_batch_send(
    conn, (const gint64 *)ids->data, (const StoreOrder *const *)orders->pdata,
    (const char *const *)statuses->pdata, ids->len, "reprocess", "intake reprocess", error);
}

gboolean
pipeline_reprocess_finish(StoreConn *conn, PipelineReprocessBatch *b, const PipelineReprocessed **out,
                          guint *done, GError **error)
{
  *out = b->out;
  *done = 0;
  guint n = b->sent->len;
  g_autofree gboolean *changed = g_new0(gboolean, n + 1);
  g_autofree char **before = g_new0(char *, n + 1), **after = g_new0(char *, n + 1);
  if (!store_orders_update_batch_finish(conn, n, changed, before, after, error))
    return FALSE;
  for (guint k = 0; k < n; k++) {
    PipelineReprocessed *r = &b->out[g_array_index(b->sent, guint, k)];
    r->changed = changed[k];
    r->before = before[k];
    r->after = after[k];
  }
  *done = b->stop;
  if (b->stop_error) {
    g_propagate_prefixed_error(error, g_steal_pointer(&b->stop_error), "%s: ",
                               b->stop < b->n && b->out[b->stop].order_no ? b->out[b->stop].order_no : "?");
    return FALSE;
  }
  return TRUE;
}

/* One deadline moved by the pauses; NULL stays NULL. */
static char *
shift(const ClassifierPolicy *policy, const char *clock, GDateTime *received, const char *base_iso,
      const ClassifierPause *pauses, guint n, GError **error)
{
  if (!base_iso)
    return NULL;
  g_autoptr(GDateTime) base = g_date_time_new_from_iso8601(base_iso, NULL);
  if (!base)
    return NULL;
  g_autoptr(GDateTime) due = classifier_sla_shift_for_pauses(policy, clock, received, base, pauses, n, error);
  return due ? classifier_format_time(policy, due) : NULL;
}

gboolean
pipeline_sla_refresh(StoreConn *conn, ClassifierPolicy **policy_slot, guint *updated, GError **error)
{
  *updated = 0;
  g_autoptr(StoreRows) rows = store_sla_dirty(conn, error);
  if (!rows)
    return FALSE;
  if (rows->rows->len == 0)
    return TRUE;
  if (!*policy_slot && !(*policy_slot = pipeline_policy_load(conn, error)))
    return FALSE;
  const ClassifierPolicy *policy = *policy_slot;
  for (guint i = 0; i < rows->rows->len; i++) {
    char **r = g_ptr_array_index(rows->rows, i);
    gint64 id = g_ascii_strtoll(r[0], NULL, 10);
    const char *clock = r[1];
    g_autoptr(GDateTime) received = r[2] ? g_date_time_new_from_iso8601(r[2], NULL) : NULL;
    g_autoptr(JsonParser) jp = json_parser_new();
    g_autoptr(GArray) pauses = g_array_new(FALSE, TRUE, sizeof(ClassifierPause));
    if (r[6] && json_parser_load_from_data(jp, r[6], -1, NULL)) {
      JsonArray *arr = json_node_get_array(json_parser_get_root(jp));
      for (guint k = 0; k < json_array_get_length(arr); k++) {
        JsonArray *pair = json_array_get_array_element(arr, k);
        ClassifierPause p = {
          g_date_time_new_from_iso8601(json_array_get_string_element(pair, 0), NULL),
          g_date_time_new_from_iso8601(json_array_get_string_element(pair, 1), NULL),
        };
        if (p.start && p.end)
          g_array_append_val(pauses, p);
        else {
          g_clear_pointer(&p.start, g_date_time_unref);
          g_clear_pointer(&p.end, g_date_time_unref);
        }
      }
    }
    g_autoptr(GError) local = NULL;
    g_autofree char *resp = NULL, *plan = NULL, *onsite = NULL;
    if (clock && received) {
      const ClassifierPause *pp = (const ClassifierPause *)pauses->data;
      resp = shift(policy, clock, received, r[3], pp, pauses->len, &local);
      plan = local ? NULL : shift(policy, clock, received, r[4], pp, pauses->len, &local);
      onsite = local ? NULL : shift(policy, clock, received, r[5], pp, pauses->len, &local);
    }
    for (guint k = 0; k < pauses->len; k++) {
      ClassifierPause *p = &g_array_index(pauses, ClassifierPause, k);
      g_date_time_unref(p->start);
      g_date_time_unref(p->end);
    }
    if (local) {
      g_propagate_prefixed_error(error, g_steal_pointer(&local), "SLA of order id %" G_GINT64_FORMAT ": ",
                                 id);
      return FALSE;
    }
    if (!store_sla_set(conn, id, resp, plan, onsite, error))
      return FALSE;
    (*updated)++;
  }
  return TRUE;
}

gboolean
pipeline_corrections_apply(StoreConn *conn, const CliConfig *config, ParserConfig **parser_slot,
                           ClassifierPolicy **policy_slot, guint *updated, GError **error)
{
  *updated = 0;
  g_autoptr(GArray) ids = store_orders_reclassify_pending(conn, error);
  if (!ids)
    return FALSE;
  if (ids->len && !*policy_slot && !(*policy_slot = pipeline_policy_load(conn, error)))
    return FALSE;
  if (ids->len && !cli_parser_config_need(parser_slot, config, error))
    return FALSE;
  const ParserConfig *parser = *parser_slot;
  const ParserLimits *limits = &config->limits;
  for (guint i = 0; i < ids->len; i++) {
    gint64 id = g_array_index(ids, gint64, i);
    gboolean pending = FALSE;
    if (!store_begin(conn, error))
      return FALSE;
    /* locked, and still pending: another poll may have done it meanwhile */
    if (!store_order_lock_pending(conn, id, &pending, error))
      goto fail;
    if (pending) {
      g_autoptr(StoreRows) row = store_order_get(conn, id, error);
      if (!row)
        goto fail;
      PipelineMachineSaved saved = { 0 };
      g_autoptr(ParserRequest) m = order_base(conn, parser, limits, row, id, &saved, error);
      if (!m && error && *error)
        goto fail;
      if (!m) {
        /* unreadable mail: classify the order's own fields alone */
        m = parser_parse(parser, limits, "", 0, error);
        if (!m)
          goto fail;
        stored_fields(m, row);
      }
      gboolean ok = reclassify(conn, *policy_slot, row, id, m, NULL, "reclassify", "ops corrected the order",
                               NULL, NULL, NULL, error);
      pipeline_machine_leave(m, &saved);
      if (!ok)
        goto fail;
    }
    if (!store_commit(conn, error))
      goto fail;
    if (pending)
      (*updated)++;
  }
  return TRUE;
fail:
  store_rollback(conn);
  return FALSE;
}
