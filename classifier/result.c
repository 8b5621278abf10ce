/* result.c: the classification result — its reasons and trail as the decisions add them, and its three
 * outputs: the contract's JSON members, the reasons JSON for storing, and the EXPLAIN text. */
#include "classifier-private.h"
#include "jsonout.h"

void
classifier_reason_free(gpointer data)
{
  ClassifierReason *r = data;
  g_free(r->code);
  g_free(r->evidence);
  g_free(r);
}

void
classifier_reason_add(GPtrArray *reasons, const char *code, const char *evidence)
{
  ClassifierReason *r = g_new(ClassifierReason, 1);
  r->code = g_strdup(code);
  r->evidence = g_strdup(evidence ? evidence : "");
  g_ptr_array_add(reasons, r);
}

void
classifier_trail(ClassifierResult *r, const char *fmt, ...)
{
  if (!r->trail) /* EXPLAIN off (classifier_policy_set_explain) */
    return;
  va_list ap;
  va_start(ap, fmt);
  g_ptr_array_add(r->trail, g_strdup_vprintf(fmt, ap));
  va_end(ap);
}

void
classifier_result_free(ClassifierResult *r)
{
  if (!r)
    return;
  g_free(r->ignored_reason);
  g_free(r->followup_of);
  g_free(r->sn);
  g_free(r->model);
  g_free(r->customer);
  g_free(r->city);
  g_free(r->district);
  g_free(r->place_latin);
  if (r->reasons)
    g_ptr_array_unref(r->reasons);
  if (r->trail)
    g_ptr_array_unref(r->trail);
  g_clear_pointer(&r->received, g_date_time_unref);
  g_clear_pointer(&r->response_due, g_date_time_unref);
  g_clear_pointer(&r->plan_due, g_date_time_unref);
  g_clear_pointer(&r->onsite_due, g_date_time_unref);
  g_free(r);
}

static void
member_str(JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name(b, name);
  if (value)
    json_builder_add_string_value(b, value);
  else
    json_builder_add_null_value(b);
}

static void
member_time(JsonBuilder *b, const char *name, GDateTime *t)
{
  g_autofree char *s = t ? classifier_time_iso(t) : NULL;
  member_str(b, name, s);
}

const char **
classifier_result_missing_names(const ClassifierResult *r)
{
  const char **v = g_new0(const char *, CLASSIFIER_N_FIELDS + 1);
  guint n = 0;
  for (int i = 0; i < CLASSIFIER_N_FIELDS; i++)
    if (r->missing & (1u << i))
      v[n++] = classifier_field_name((ClassifierField)i);
  return v;
}

static void
write_reasons(const ClassifierResult *r, JsonBuilder *b)
{
  json_builder_begin_array(b);
  for (guint i = 0; i < r->reasons->len; i++) {
    const ClassifierReason *x = g_ptr_array_index(r->reasons, i);
    json_builder_begin_object(b);
    member_str(b, "code", x->code);
    member_str(b, "evidence", x->evidence);
    json_builder_end_object(b);
  }
  json_builder_end_array(b);
}

void
classifier_result_write_json(const ClassifierResult *r, JsonBuilder *b)
{
  member_time(b, "received_at", r->received);
  member_str(b, "kind", classifier_kind_name(r->kind));
  member_str(b, "ignored_reason", r->kind == CLASSIFIER_KIND_IGNORED ? r->ignored_reason : NULL);
  member_str(b, "followup_of", r->followup_of);
  member_str(b, "sn", r->sn);
  member_str(b, "model", r->model);
  member_str(b, "component", classifier_component_name(r->component));
  member_str(b, "city", r->city);
  member_str(b, "district", r->district);
  json_builder_set_member_name(b, "missing");
  json_builder_begin_array(b);
  g_autofree const char **missing = classifier_result_missing_names(r);
  for (const char **m = missing; *m; m++)
    json_builder_add_string_value(b, *m);
  json_builder_end_array(b);
  member_str(b, "tier", classifier_tier_name(r->tier));
  json_builder_set_member_name(b, "registered");
  json_builder_add_boolean_value(b, r->registered);
  member_str(b, "customer", r->customer);
  g_autofree char *ws = classifier_date_str(&r->warranty_start), *we = classifier_date_str(&r->warranty_end);
  member_str(b, "warranty_start", ws);
  member_str(b, "warranty_end", we);
  member_str(b, "coverage", classifier_coverage_name(r->coverage));
  json_builder_set_member_name(b, "reasons");
  write_reasons(r, b);
  member_str(b, "severity", classifier_severity_name(r->severity));
  member_str(b, "priority", classifier_priority_name(r->priority));
  member_str(b, "onsite_class", classifier_onsite_class_name(r->onsite_class));
  json_builder_set_member_name(b, "sla");
  if (!r->has_sla) {
    json_builder_add_null_value(b);
  } else {
    json_builder_begin_object(b);
    member_str(b, "clock", r->sla_clock);
    member_time(b, "response_due", r->response_due);
    member_time(b, "plan_due", r->plan_due);
    member_time(b, "onsite_due", r->onsite_due);
    json_builder_end_object(b);
  }
}

/* Written directly rather than through a JsonBuilder and json-glib's generator (a GObject and a
 * node tree per mail for a short array): the same text, which tests/classifier compares. */
char *
classifier_result_reasons_json(const ClassifierResult *r)
{
  GString *out = g_string_new("[");
  for (guint i = 0; i < r->reasons->len; i++) {
    const ClassifierReason *x = g_ptr_array_index(r->reasons, i);
    g_string_append(out, i ? ",{\"code\":" : "{\"code\":");
    jsonout_append_string(out, x->code);
    g_string_append(out, ",\"evidence\":");
    jsonout_append_string(out, x->evidence);
    g_string_append_c(out, '}');
  }
  g_string_append_c(out, ']');
  return g_string_free(out, FALSE);
}

char *
classifier_result_explain(const ClassifierResult *r)
{
  GString *s = g_string_new(NULL);
  for (guint i = 0; i < r->trail->len; i++)
    g_string_append_printf(s, "  %2u. %s\n", i + 1, (const char *)g_ptr_array_index(r->trail, i));
  return g_string_free(s, FALSE);
}
