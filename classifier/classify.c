/* classify.c: one parsed request + its asset → kind, component, severity and priority (policy §4–§6), the
 * fields still missing (§1), and the order of the steps; coverage.c and onsite.c decide the rest. */
#include "classifier-private.h"

#include <string.h>

gboolean
classifier_text_blank(const char *s)
{
  if (!s)
    return TRUE;
  for (; *s; s++)
    if (!g_ascii_isspace(*s))
      return FALSE;
  return TRUE;
}

char *
classifier_date_str(const GDate *d)
{
  if (!g_date_valid(d))
    return NULL;
  char buf[16];
  g_snprintf(buf, sizeof buf, "%04u-%02u-%02u", g_date_get_year(d), g_date_get_month(d), g_date_get_day(d));
  return g_strdup(buf);
}

/* Model names compared without case, spaces, hyphens or underscores. */
char *
classifier_model_key(const char *m)
{
  g_autofree char *n = classifier_text_fold(m, -1);
  GString *k = g_string_new(NULL);
  for (const char *p = n; *p; p++)
    if (*p != ' ' && *p != '-' && *p != '_' && *p != '/')
      g_string_append_c(k, *p);
  return g_string_free(k, FALSE);
}

static gboolean
models_agree(const char *mail, const char *registry)
{
  g_autofree char *a = classifier_model_key(mail), *b = classifier_model_key(registry);
  if (g_str_equal(a, b))
    return TRUE;
  /* "R2290 G5" for "RC-R2290 G5", "SYS-620U-TNR 服务器": one names the other */
  gsize la = strlen(a), lb = strlen(b);
  return (la >= 4 && lb >= 4) && (strstr(a, b) || strstr(b, a));
}

/* ---------- steps ---------- */

/* The SN of the mail (labelled, then candidates) that asset stands in for as a look-alike, or NULL when
 * one of them is the asset's SN as written (classifier_asset_pick took that one). */
static const char *
lookalike_written(const ParserRequest *req, const ClassifierAsset *asset)
{
  g_autofree char *registered = classifier_model_key(asset->sn);
  const char *first = NULL;
  guint n = req->sn_candidates ? req->sn_candidates->len : 0;
  for (guint i = 0; i <= n; i++) {
    const char *sn = i == 0 ? req->sn : g_ptr_array_index(req->sn_candidates, i - 1);
    if (!sn)
      continue;
    g_autofree char *key = classifier_model_key(sn);
    if (g_str_equal(key, registered))
      return NULL;
    if (!first && classifier_sn_lookalike(sn, asset->sn))
      first = sn;
  }
  return first;
}

static void
decide_sn(ClassifierResult *r, const ParserRequest *req, const ClassifierAsset *asset)
{
  if (asset) {
    r->sn = g_ascii_strup(asset->sn, -1);
    r->registered = TRUE;
    r->customer = g_strdup(asset->customer);
    r->tier = asset->tier;
    g_autofree char *labelled = req->sn ? classifier_model_key(req->sn) : NULL,
                    *registered = classifier_model_key(asset->sn);
    const char *lookalike = lookalike_written(req, asset);
    if (lookalike)
      classifier_trail(r,
                       "sn: %s as written is not registered; %s, the only registered SN that differs from it "
                       "by look-alike characters (0/O, 1/I, 5/S, 8/B), is taken as the SN",
                       lookalike, r->sn);
    else if (labelled && !g_str_equal(labelled, registered))
      classifier_trail(
        r, "sn: the labelled SN %s is not registered; %s from the mail is, and counts as the SN (§1)",
        req->sn, r->sn);
    else if (req->sn && g_ascii_strcasecmp(req->sn, asset->sn) != 0)
      classifier_trail(r, "sn: %s from the mail is registry row %s (compared without '-', ' ' and '/')",
                       req->sn, r->sn);
    else if (!req->sn)
      classifier_trail(r, "sn: unlabelled token %s equals a registered SN and counts as the SN (§1)", r->sn);
    classifier_trail(r, "registry: %s is a %s%s%s, tier %s, customer %s, shipped %04u-%02u-%02u", r->sn,
                     asset->kind == CLASSIFIER_ASSET_PART ? "parts order" : "server",
                     asset->brand ? " of brand " : "", asset->brand ? asset->brand : "",
                     classifier_tier_name(asset->tier) ? classifier_tier_name(asset->tier) : "unknown",
                     asset->customer ? asset->customer : "(none)", g_date_get_year(&asset->ship_date),
                     g_date_get_month(&asset->ship_date), g_date_get_day(&asset->ship_date));
  } else if (req->sn) {
    r->sn = g_ascii_strup(req->sn, -1);
    classifier_trail(r, "sn: %s is not in the registry: tier unknown", r->sn);
  } else {
    classifier_trail(r, "sn: none found in the mail%s",
                     req->sn_candidates && req->sn_candidates->len ? " (no candidate is registered)" : "");
  }
}

static void
decide_model(ClassifierResult *r, const ParserRequest *req, const ClassifierAsset *asset, GPtrArray *notes)
{
  if (asset && !classifier_text_blank(asset->model)) {
    r->model = g_strdup(asset->model);
    if (!classifier_text_blank(req->model) && !models_agree(req->model, asset->model)) {
      g_autofree char *ev = g_strdup_printf("mail: %s; registry: %s", req->model, asset->model);
      classifier_reason_add(notes, "model_mismatch", ev);
      classifier_trail(r, "model: the registry's %s wins over the mail's %s (model_mismatch)", asset->model,
                       req->model);
    } else if (classifier_text_blank(req->model))
      classifier_trail(r, "model: %s from the registry (the mail names none)", asset->model);
    else
      classifier_trail(r, "model: %s (mail and registry agree)", asset->model);
  } else if (!classifier_text_blank(req->model)) {
    r->model = g_strdup(req->model);
    classifier_trail(r, "model: %s from the mail", req->model);
  }
}

static ClassifierKind
decide_kind(ClassifierResult *r, const ParserRequest *req, const ClassifierFindings *f,
            ClassifierSeverity sev, ClassifierComponent comp, const ClassifierPolicy *p)
{
  if (req->ignored_reason) {
    classifier_trail(r, "kind ignored: the parser marked the mail %s (§6)", req->ignored_reason);
    return CLASSIFIER_KIND_IGNORED;
  }
  if (req->followup_of) {
    classifier_trail(r, "kind followup: the mail refers to order %s (§6, §9)", req->followup_of);
    return CLASSIFIER_KIND_FOLLOWUP;
  }
  /* a fault reported with a question about a paid service ("3号盘 Failed，请更换；另外想了解硬盘不返还
   * 怎么收费"): the repair is the request, the service a note for sales */
  gboolean asks_beside_fault = f->value_added && f->consultation && sev != CLASSIFIER_SEVERITY_S3;
  if (f->value_added && !asks_beside_fault) {
    g_autofree char *ev = classifier_match_evidence(&f->set, f->value_added);
    classifier_trail(r, "kind value_added: paid service %s requested: \"%s\" (§5)", f->value_added->kw->code,
                     ev);
    return CLASSIFIER_KIND_VALUE_ADDED;
  }
  if (asks_beside_fault)
    classifier_trail(
      r, "paid service %s asked about beside a fault (%s): the repair is the request, the service a note",
      f->value_added->kw->code, classifier_severity_name(sev));
  if (f->consultation && sev == CLASSIFIER_SEVERITY_S3) {
    g_autofree char *ev = classifier_match_evidence(&f->set, f->consultation);
    classifier_trail(r, "kind consultation: a question and no fault words: \"%s\" (§6)", ev);
    return CLASSIFIER_KIND_CONSULTATION;
  }
  if (p->components[comp].kind == CLASSIFIER_KIND_SOFTWARE) {
    classifier_trail(r, "kind software: the component is %s", classifier_component_name(comp));
    return CLASSIFIER_KIND_SOFTWARE;
  }
  classifier_trail(r, "kind fault: a hardware request (component %s)", classifier_component_name(comp));
  return CLASSIFIER_KIND_FAULT;
}

/* A driver, OS-install or configuration question that names a part ("装CentOS找不到RAID卡，请问驱动"): the
 * part is the object of the customer's own system work, so `system` wins (§4, §5.4 customer_scope) when a
 * system word (driver, OS name, 装系统, 配置问题, … the component rows of code system) shares a clause with a
 * hardware word (a component whose components row has kind fault), and no clause naming hardware holds an S1/S2 word (坏了, 故障, 告警, 报错, 宕机, …): a
 * fault of the part keeps the hardware component. Paid services (value_added) are not judged here.
 * Returns the system match that decided, or NULL. */
static const ClassifierMatch *
system_work_on_part(const ClassifierPolicy *p, const ClassifierFindings *f,
                    const ClassifierMatch **unrecognised)
{
  *unrecognised = NULL;
  if (f->value_added || !f->component[CLASSIFIER_COMPONENT_SYSTEM])
    return NULL;
  const ClassifierMatch *ms = (const ClassifierMatch *)(gpointer)f->set.matches->data;
  guint n = f->set.matches->len;
  const ClassifierMatch *decided = NULL;
  for (guint i = 0; i < n; i++) {
    if (ms[i].kw->category != CLASSIFIER_KW_COMPONENT ||
        p->components[ms[i].kw->code_value].kind != CLASSIFIER_KIND_FAULT)
      continue;
    const ClassifierMatch *sys = NULL;
    for (guint j = 0; j < n; j++) {
      if (ms[j].clause_start != ms[i].clause_start)
        continue;
      /* "请问…安装程序识别不到 RAID 卡下面的硬盘，驱动在哪里下载": not recognised, asked about with the
       * customer's installation, is what a missing driver looks like, no fault of the part */
      if (ms[j].kw->category == CLASSIFIER_KW_SEVERITY && f->consultation && strstr(ms[j].kw->text, "识别")) {
        *unrecognised = &ms[j];
        continue;
      }
      if (ms[j].kw->category == CLASSIFIER_KW_SEVERITY)
        return NULL; /* the part is said to be faulty */
      if (!sys && ms[j].kw->category == CLASSIFIER_KW_COMPONENT &&
          ms[j].kw->code_value == CLASSIFIER_COMPONENT_SYSTEM)
        sys = &ms[j];
    }
    if (sys && !decided)
      decided = sys;
  }
  return decided;
}

/* The machine itself is down ("节点掉电后无法开机，前面板电源灯不亮，SuperHCI集群显示该节点离线"): an S1
 * word in a clause that names no software, while no clause naming the software (code) holds any
 * S1/S2 word — the software only shows the outage. Returns the S1 match, or NULL. */
static const ClassifierMatch *
machine_down_software_named(const ClassifierFindings *f, ClassifierComponent code)
{
  const ClassifierMatch *s1 = f->severity[CLASSIFIER_SEVERITY_S1];
  if (!s1)
    return NULL;
  const ClassifierMatch *ms = (const ClassifierMatch *)(gpointer)f->set.matches->data;
  guint n = f->set.matches->len;
  for (guint i = 0; i < n; i++) {
    if (ms[i].kw->category != CLASSIFIER_KW_COMPONENT || ms[i].kw->code_value != (gint)code)
      continue;
    for (guint j = 0; j < n; j++)
      if (ms[j].clause_start == ms[i].clause_start && ms[j].kw->category == CLASSIFIER_KW_SEVERITY)
        return NULL; /* the software is said to fail */
    if (ms[i].clause_start == s1->clause_start)
      return NULL;
  }
  return s1;
}

static ClassifierComponent
decide_component(ClassifierResult *r, const ClassifierPolicy *p, ClassifierFindings *f)
{
  const ClassifierMatch *unrecognised = NULL;
  const ClassifierMatch *sys = system_work_on_part(p, f, &unrecognised);
  if (sys && unrecognised) {
    /* the not-recognised of the question is no degraded hardware either */
    for (int s = CLASSIFIER_SEVERITY_S1; s <= CLASSIFIER_SEVERITY_S2; s++)
      if (f->severity[s] && f->severity[s]->kw == unrecognised->kw)
        f->severity[s] = NULL;
  }
  if (sys) {
    g_autofree char *ev = classifier_match_evidence(&f->set, sys);
    classifier_trail(
      r,
      "component system: \"%s\": %s with a part named and no fault of it is the customer's system work "
      "(driver, OS installation or configuration, §4, §5.4)",
      ev, sys->kw->text);
    f->component[CLASSIFIER_COMPONENT_SYSTEM] = sys;
    return CLASSIFIER_COMPONENT_SYSTEM;
  }
  int best = -1;
  for (int c = 0; c < CLASSIFIER_N_COMPONENTS; c++) {
    gboolean named = f->component[c] || (c == CLASSIFIER_COMPONENT_OTHER_SOFTWARE && f->other_software);
    if (named && (best < 0 || p->components[c].rank < p->components[best].rank))
      best = c;
  }
  if (best < 0) {
    classifier_trail(r, "component unknown: the text names none (treated as machine_part, §4)");
    return CLASSIFIER_COMPONENT_UNKNOWN;
  }
  const ClassifierMatch *down = best == CLASSIFIER_COMPONENT_ROYCOM_SOFTWARE && f->component[best]
                                  ? machine_down_software_named(f, (ClassifierComponent)best)
                                  : NULL;
  if (down) {
    g_autofree char *ev = classifier_match_evidence(&f->set, down);
    classifier_trail(r,
                     "component unknown: the machine is down (\"%s\"); %s is only named where the outage "
                     "shows (treated as machine_part, §4)",
                     ev, f->component[best]->kw->text);
    return CLASSIFIER_COMPONENT_UNKNOWN;
  }
  if (best == CLASSIFIER_COMPONENT_OTHER_SOFTWARE && !f->component[best]) {
    classifier_trail(r, "component other_software: \"%s\", sold with the asset, is named", f->other_software);
  } else {
    g_autofree char *ev = classifier_match_evidence(&f->set, f->component[best]);
    classifier_trail(r, "component %s: \"%s\" names %s", classifier_component_name((ClassifierComponent)best),
                     ev, f->component[best]->kw->text);
  }
  return (ClassifierComponent)best;
}

static ClassifierSeverity
decide_severity(ClassifierResult *r, const ClassifierFindings *f)
{
  for (int s = CLASSIFIER_SEVERITY_S1; s <= CLASSIFIER_SEVERITY_S2; s++)
    if (f->severity[s]) {
      g_autofree char *ev = classifier_match_evidence(&f->set, f->severity[s]);
      classifier_trail(r, "severity %s: \"%s\" (the most severe words win, §6)",
                       classifier_severity_name((ClassifierSeverity)s), ev);
      return (ClassifierSeverity)s;
    }
  classifier_trail(r, "severity S3: no outage or degraded-hardware words");
  return CLASSIFIER_SEVERITY_S3;
}
static void
decide_priority(ClassifierResult *r, const ClassifierPolicy *p)
{
  if (r->kind == CLASSIFIER_KIND_IGNORED || r->kind == CLASSIFIER_KIND_FOLLOWUP) {
    r->priority = CLASSIFIER_PRIORITY_NONE;
    classifier_trail(r, "priority: none for kind %s", classifier_kind_name(r->kind));
    return;
  }
  ClassifierPriority pr = p->matrix[r->severity][r->tier];
  classifier_trail(r, "priority %s: %s × tier %s (§6 matrix)", classifier_priority_name(pr),
                   classifier_severity_name(r->severity),
                   r->tier ? classifier_tier_name(r->tier) : "unknown");
  ClassifierPriority cap = p->caps[r->coverage];
  if (cap && pr < cap) {
    classifier_trail(r, "priority %s: coverage %s is no better than %s (§6 cap)",
                     classifier_priority_name(cap), classifier_coverage_name(r->coverage),
                     classifier_priority_name(cap));
    pr = cap;
  }
  r->priority = pr;
}

static void
decide_missing(ClassifierResult *r, const ParserRequest *req)
{
  const char *have[CLASSIFIER_N_FIELDS] = {
    r->sn, r->model, req->symptoms, req->address, req->contact, req->phone, r->city ? r->city : r->district,
  };
  GString *s = g_string_new(NULL);
  for (int i = 0; i < CLASSIFIER_N_FIELDS; i++)
    if (classifier_text_blank(have[i])) {
      r->missing |= 1u << i;
      g_string_append_printf(s, "%s%s", s->len ? ", " : "", classifier_field_name((ClassifierField)i));
    }
  if (s->len)
    classifier_trail(r, "missing: %s (the acknowledgement asks for these, §1)", s->str);
  g_string_free(s, TRUE);
}

void
classifier_result_decide_coverage(ClassifierResult *r, const ClassifierPolicy *p, const ClassifierAsset *a,
                                  const char *decided)
{
  int c = decided ? classifier_name_lookup(CLASSIFIER_NAMES_COVERAGE, decided) : -1;
  if (c <= 0 || r->kind == CLASSIFIER_KIND_IGNORED || r->kind == CLASSIFIER_KIND_FOLLOWUP)
    return;
  /* the notes that are not about coverage stay: the place, the model, a paid-service question */
  static const char *const keep[] = { "district_unverified", "model_mismatch", "value_added_service", NULL };
  for (guint i = r->reasons->len; i-- > 0;) {
    const ClassifierReason *x = g_ptr_array_index(r->reasons, i);
    if (!g_strv_contains(keep, x->code))
      g_ptr_array_remove_index(r->reasons, i);
  }
  g_autofree char *ev = g_strdup_printf("coverage %s decided by ops (intake.decide)", decided);
  classifier_reason_add(r->reasons, "ops_decision", ev);
  g_ptr_array_insert(r->reasons, 0, g_ptr_array_steal_index(r->reasons, r->reasons->len - 1));
  r->coverage = (ClassifierCoverage)c;
  classifier_trail(r, "coverage %s: decided by ops, over the policy's", decided);
  decide_priority(r, p);
  r->has_sla = FALSE;
  r->sla_clock = NULL;
  g_clear_pointer(&r->response_due, g_date_time_unref);
  g_clear_pointer(&r->plan_due, g_date_time_unref);
  g_clear_pointer(&r->onsite_due, g_date_time_unref);
  classifier_decide_sla(r, p, a);
}

ClassifierResult *
classifier_classify(const ClassifierPolicy *policy, const ParserRequest *req, const ClassifierAsset *asset,
                    GDateTime *received, GError **error)
{
  g_return_val_if_fail(policy && req && received, NULL);
  if (!policy->finished) {
    g_set_error(error, CLASSIFIER_ERROR, CLASSIFIER_ERROR_POLICY, "policy not finished");
    return NULL;
  }
  ClassifierResult *r = g_new0(ClassifierResult, 1);
  r->reasons = g_ptr_array_new_with_free_func(classifier_reason_free);
  /* NULL while classifying: classifier_trail writes nothing (EXPLAIN off) */
  r->trail = policy->no_explain ? NULL : g_ptr_array_new_with_free_func(g_free);
  r->received = g_date_time_to_timezone(received, policy->tz);
  r->ignored_reason = g_strdup(req->ignored_reason);
  r->followup_of = g_strdup(req->followup_of);
  g_date_clear(&r->warranty_start, 1);
  g_date_clear(&r->warranty_end, 1);
  GDate recv;
  g_date_clear(&recv, 1);
  g_date_set_dmy(&recv, (GDateDay)g_date_time_get_day_of_month(r->received),
                 (GDateMonth)g_date_time_get_month(r->received),
                 (GDateYear)g_date_time_get_year(r->received));
  if (r->trail) {
    g_autofree char *ts = classifier_format_time(policy, r->received);
    classifier_trail(r, "received %s", ts);
  }

  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func(classifier_reason_free);
  decide_sn(r, req, asset);
  decide_model(r, req, asset, notes);

  /* the customer's words: subject and symptoms (the whole own text when no symptoms were found);
   * a forward's symptoms are the forwarded mail's, so the forwarder's note comes too ("这台上个月从
   * 南京搬迁到苏州了" above the customer's fault: relocation) */
  GString *text = g_string_new(req->subject && !req->subject_elsewhere ? req->subject : "");
  g_string_append_c(text, '\n');
  g_string_append(text, req->symptoms ? req->symptoms : (req->body_text ? req->body_text : ""));
  if (req->forwarded && req->symptoms && req->body_text && !strstr(req->symptoms, req->body_text)) {
    g_string_append(text, "\n");
    g_string_append(text, req->body_text);
  }
  ClassifierFindings f = { 0 };
  classifier_findings_collect(policy, text->str, asset, &f);
  /* a recurrence that names no part ("又坏了"): read with the order it follows — the same fault again */
  gboolean named = f.other_software != NULL;
  for (int c = 0; c < CLASSIFIER_N_COMPONENTS && !named; c++)
    named = f.component[c] != NULL;
  if (!named && req->context_text) {
    classifier_findings_clear(&f);
    f = (ClassifierFindings){ 0 };
    g_string_append(text, "\n");
    g_string_append(text, req->context_text);
    classifier_findings_collect(policy, text->str, asset, &f);
    classifier_trail(
      r, "the mail names no part: read with the order it reports again (its subject and description)");
  }
  g_string_free(text, TRUE);

  r->component = decide_component(r, policy, &f);
  r->severity = decide_severity(r, &f);
  r->kind = decide_kind(r, req, &f, r->severity, r->component, policy);
  if (f.value_added && r->kind != CLASSIFIER_KIND_VALUE_ADDED && r->kind != CLASSIFIER_KIND_FOLLOWUP &&
      r->kind != CLASSIFIER_KIND_IGNORED) {
    g_autofree char *ev = classifier_match_evidence(&f.set, f.value_added);
    classifier_reason_add(notes, "value_added_service", ev);
  }
  classifier_decide_coverage(r, policy, asset, &f, &recv);
  decide_priority(r, policy);
  classifier_decide_place(r, policy, req, asset, notes);
  classifier_decide_sla(r, policy, asset);
  decide_missing(r, req);
  for (guint i = 0; i < notes->len; i++) {
    ClassifierReason *n = g_ptr_array_index(notes, i);
    classifier_reason_add(r->reasons, n->code, n->evidence);
  }
  classifier_findings_clear(&f);
  if (!r->trail)
    r->trail = g_ptr_array_new_with_free_func(g_free); /* empty, as the callers expect an array */
  return r;
}
