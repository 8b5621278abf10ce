/* classify.c: one parsed request + its asset → kind, component, warranty, coverage, severity, priority,
 * on-site class and SLA deadlines (policy §3–§8), each decision with its reasons and a trail for EXPLAIN. */
#include "classifier-private.h"

#include <string.h>

static void
reason_free(gpointer data)
{
  ClassifierReason *r = data;
  g_free(r->code);
  g_free(r->evidence);
  g_free(r);
}

static void
add_reason(GPtrArray *reasons, const char *code, const char *evidence)
{
  ClassifierReason *r = g_new(ClassifierReason, 1);
  r->code = g_strdup(code);
  r->evidence = g_strdup(evidence ? evidence : "");
  g_ptr_array_add(reasons, r);
}

static G_GNUC_PRINTF(2, 3) void trail(ClassifierResult *r, const char *fmt, ...)
{
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

static gboolean
blank(const char *s)
{
  if (!s)
    return TRUE;
  for (; *s; s++)
    if (!g_ascii_isspace(*s))
      return FALSE;
  return TRUE;
}

static char *
date_str(const GDate *d)
{
  if (!g_date_valid(d))
    return NULL;
  char buf[16];
  g_snprintf(buf, sizeof buf, "%04u-%02u-%02u", g_date_get_year(d), g_date_get_month(d), g_date_get_day(d));
  return g_strdup(buf);
}

/* Model names compared without case, spaces, hyphens or underscores. */
static char *
model_key(const char *m)
{
  g_autofree char *n = policy_normalise_text(m, -1);
  GString *k = g_string_new(NULL);
  for (const char *p = n; *p; p++)
    if (*p != ' ' && *p != '-' && *p != '_' && *p != '/')
      g_string_append_c(k, *p);
  return g_string_free(k, FALSE);
}

static gboolean
models_agree(const char *mail, const char *registry)
{
  g_autofree char *a = model_key(mail), *b = model_key(registry);
  if (g_str_equal(a, b))
    return TRUE;
  /* "R2290 G5" for "RC-R2290 G5", "SYS-620U-TNR 服务器": one names the other */
  gsize la = strlen(a), lb = strlen(b);
  return (la >= 4 && lb >= 4) && (strstr(a, b) || strstr(b, a));
}

/* ---------- the matches, summarised ---------- */

typedef struct {
  const char *code;
  guint order; /* index of its first keyword in the table: policy order */
  char *evidence;
} CodeHit;

typedef struct {
  MatchSet set;
  const Match *component[CLASSIFIER_N_COMPONENTS]; /* first match per component */
  const Match *severity[4];                        /* first match per severity */
  const Match *consultation;
  const Match *value_added;
  GArray *exclusions;         /* CodeHit, policy order */
  const char *other_software; /* the asset's item named in the text */
  char *other_software_evidence;
} Findings;

static int
cmp_hit(gconstpointer a, gconstpointer b)
{
  const CodeHit *x = a, *y = b;
  return (int)x->order - (int)y->order;
}

static void
findings_clear(Findings *f)
{
  if (f->exclusions) {
    for (guint i = 0; i < f->exclusions->len; i++)
      g_free(g_array_index(f->exclusions, CodeHit, i).evidence);
    g_array_unref(f->exclusions);
  }
  g_free(f->other_software_evidence);
  match_set_clear(&f->set);
}

/* The words an asset's software item is recognised by: the whole name, or its first word (two when
 * the first is short: "Red Hat Enterprise Linux" → "red hat"). */
static gboolean
software_named(const char *text, gsize len, const char *item)
{
  g_autofree char *n = policy_normalise_text(item, -1);
  g_strstrip(n);
  if (!*n)
    return FALSE;
  if (match_contains_term(text, len, n, strlen(n)))
    return TRUE;
  g_auto(GStrv) words = g_strsplit(n, " ", -1);
  if (!words[0] || !words[1])
    return FALSE;
  if (strlen(words[0]) >= 4)
    return match_contains_term(text, len, words[0], strlen(words[0]));
  g_autofree char *two = g_strconcat(words[0], " ", words[1], NULL);
  return match_contains_term(text, len, two, strlen(two));
}

static gboolean
is_roycom_software(const ClassifierPolicy *p, const char *item)
{
  g_autofree char *n = policy_normalise_text(item, -1);
  for (guint i = 0; i < p->keywords->len; i++) {
    const Keyword *k = &g_array_index(p->keywords, Keyword, i);
    if (k->category == KW_COMPONENT && k->code_value == CLASSIFIER_COMPONENT_ROYCOM_SOFTWARE &&
        strstr(n, k->text))
      return TRUE;
  }
  return FALSE;
}

static void
find(const ClassifierPolicy *p, const char *text, const ClassifierAsset *asset, Findings *f)
{
  match_scan(p, text, &f->set);
  f->exclusions = g_array_new(FALSE, FALSE, sizeof(CodeHit));
  const Keyword *base = (const Keyword *)(gpointer)p->keywords->data;
  for (guint i = 0; i < f->set.matches->len; i++) {
    const Match *m = &g_array_index(f->set.matches, Match, i);
    switch (m->kw->category) {
      case KW_COMPONENT:
        if (!f->component[m->kw->code_value])
          f->component[m->kw->code_value] = m;
        break;
      case KW_SEVERITY:
        if (!f->severity[m->kw->code_value])
          f->severity[m->kw->code_value] = m;
        break;
      case KW_KIND:
        if (!f->consultation)
          f->consultation = m;
        break;
      case KW_VALUE_ADDED:
        if (!f->value_added)
          f->value_added = m;
        break;
      case KW_EXCLUSION: {
        guint order = (guint)(m->kw - base);
        gboolean seen = FALSE;
        for (guint j = 0; j < f->exclusions->len; j++) {
          CodeHit *h = &g_array_index(f->exclusions, CodeHit, j);
          if (g_str_equal(h->code, m->kw->code)) {
            seen = TRUE;
            if (order < h->order)
              h->order = order;
          }
        }
        if (!seen) {
          CodeHit h = { m->kw->code, order, match_evidence(&f->set, m) };
          g_array_append_val(f->exclusions, h);
        }
        break;
      }
      default:
        break;
    }
  }
  /* policy order: the first keyword of each code in the table */
  for (guint j = 0; j < f->exclusions->len; j++) {
    CodeHit *h = &g_array_index(f->exclusions, CodeHit, j);
    for (guint k = 0; k < p->keywords->len; k++)
      if (base[k].category == KW_EXCLUSION && g_str_equal(base[k].code, h->code)) {
        h->order = k;
        break;
      }
  }
  g_array_sort(f->exclusions, cmp_hit);
  /* third-party software sold with the asset */
  if (asset && asset->software) {
    gsize len = strlen(f->set.text);
    for (char **s = asset->software; *s; s++) {
      if (is_roycom_software(p, *s) || !software_named(f->set.text, len, *s))
        continue;
      f->other_software = *s;
      f->other_software_evidence = g_strdup(*s);
      break;
    }
  }
}

/* ---------- steps ---------- */

static void
decide_sn(ClassifierResult *r, const ParserRequest *req, const ClassifierAsset *asset)
{
  if (asset) {
    r->sn = g_ascii_strup(asset->sn, -1);
    r->registered = TRUE;
    r->customer = g_strdup(asset->customer);
    r->tier = asset->tier;
    g_autofree char *labelled = req->sn ? model_key(req->sn) : NULL, *registered = model_key(asset->sn);
    if (labelled && !g_str_equal(labelled, registered))
      trail(r, "sn: the labelled SN %s is not registered; %s from the mail is, and counts as the SN (§1)",
            req->sn, r->sn);
    else if (req->sn && g_ascii_strcasecmp(req->sn, asset->sn) != 0)
      trail(r, "sn: %s from the mail is registry row %s (compared without '-', ' ' and '/')", req->sn, r->sn);
    else if (!req->sn)
      trail(r, "sn: unlabelled token %s equals a registered SN and counts as the SN (§1)", r->sn);
    trail(r, "registry: %s is a %s%s%s, tier %s, customer %s, shipped %04u-%02u-%02u", r->sn,
          asset->kind == CLASSIFIER_ASSET_PART ? "parts order" : "server", asset->brand ? " of brand " : "",
          asset->brand ? asset->brand : "",
          classifier_tier_name(asset->tier) ? classifier_tier_name(asset->tier) : "unknown",
          asset->customer ? asset->customer : "(none)", g_date_get_year(&asset->ship_date),
          g_date_get_month(&asset->ship_date), g_date_get_day(&asset->ship_date));
  } else if (req->sn) {
    r->sn = g_ascii_strup(req->sn, -1);
    trail(r, "sn: %s is not in the registry: tier unknown", r->sn);
  } else {
    trail(r, "sn: none found in the mail%s",
          req->sn_candidates && req->sn_candidates->len ? " (no candidate is registered)" : "");
  }
}

static void
decide_model(ClassifierResult *r, const ParserRequest *req, const ClassifierAsset *asset, GPtrArray *notes)
{
  if (asset && !blank(asset->model)) {
    r->model = g_strdup(asset->model);
    if (!blank(req->model) && !models_agree(req->model, asset->model)) {
      g_autofree char *ev = g_strdup_printf("mail: %s; registry: %s", req->model, asset->model);
      add_reason(notes, "model_mismatch", ev);
      trail(r, "model: the registry's %s wins over the mail's %s (model_mismatch)", asset->model, req->model);
    } else if (blank(req->model))
      trail(r, "model: %s from the registry (the mail names none)", asset->model);
    else
      trail(r, "model: %s (mail and registry agree)", asset->model);
  } else if (!blank(req->model)) {
    r->model = g_strdup(req->model);
    trail(r, "model: %s from the mail", req->model);
  }
}

static ClassifierKind
decide_kind(ClassifierResult *r, const ParserRequest *req, const Findings *f, ClassifierSeverity sev,
            ClassifierComponent comp, const ClassifierPolicy *p)
{
  if (req->ignored_reason) {
    trail(r, "kind ignored: the parser marked the mail %s (§6)", req->ignored_reason);
    return CLASSIFIER_KIND_IGNORED;
  }
  if (req->followup_of) {
    trail(r, "kind followup: the mail refers to order %s (§6, §9)", req->followup_of);
    return CLASSIFIER_KIND_FOLLOWUP;
  }
  if (f->value_added) {
    g_autofree char *ev = match_evidence(&f->set, f->value_added);
    trail(r, "kind value_added: paid service %s requested: \"%s\" (§5)", f->value_added->kw->code, ev);
    return CLASSIFIER_KIND_VALUE_ADDED;
  }
  if (f->consultation && sev == CLASSIFIER_SEVERITY_S3) {
    g_autofree char *ev = match_evidence(&f->set, f->consultation);
    trail(r, "kind consultation: a question and no fault words: \"%s\" (§6)", ev);
    return CLASSIFIER_KIND_CONSULTATION;
  }
  if (p->components[comp].kind == CLASSIFIER_KIND_SOFTWARE) {
    trail(r, "kind software: the component is %s", classifier_component_name(comp));
    return CLASSIFIER_KIND_SOFTWARE;
  }
  trail(r, "kind fault: a hardware request (component %s)", classifier_component_name(comp));
  return CLASSIFIER_KIND_FAULT;
}

static gboolean
is_hardware(ClassifierComponent c)
{
  return c == CLASSIFIER_COMPONENT_MACHINE_PART || c == CLASSIFIER_COMPONENT_AUXILIARY ||
         c == CLASSIFIER_COMPONENT_PERIPHERAL || c == CLASSIFIER_COMPONENT_OTHER_MATERIAL ||
         c == CLASSIFIER_COMPONENT_GPU;
}

/* A driver, OS-install or configuration question that names a part ("装CentOS找不到RAID卡，请问驱动"): the
 * part is the object of the customer's own system work, so `system` wins (§4, §5.4 customer_scope) when a
 * system word (driver, OS name, 装系统, 配置问题, … the component rows of code system) shares a clause with a
 * hardware word, and no clause naming hardware holds an S1/S2 word (坏了, 故障, 告警, 报错, 宕机, …): a
 * fault of the part keeps the hardware component. Paid services (value_added) are not judged here.
 * Returns the system match that decided, or NULL. */
static const Match *
system_work_on_part(const Findings *f)
{
  if (f->value_added || !f->component[CLASSIFIER_COMPONENT_SYSTEM])
    return NULL;
  const Match *ms = (const Match *)(gpointer)f->set.matches->data;
  guint n = f->set.matches->len;
  const Match *decided = NULL;
  for (guint i = 0; i < n; i++) {
    if (ms[i].kw->category != KW_COMPONENT || !is_hardware((ClassifierComponent)ms[i].kw->code_value))
      continue;
    const Match *sys = NULL;
    for (guint j = 0; j < n; j++) {
      if (ms[j].clause_start != ms[i].clause_start)
        continue;
      if (ms[j].kw->category == KW_SEVERITY)
        return NULL; /* the part is said to be faulty */
      if (!sys && ms[j].kw->category == KW_COMPONENT && ms[j].kw->code_value == CLASSIFIER_COMPONENT_SYSTEM)
        sys = &ms[j];
    }
    if (sys && !decided)
      decided = sys;
  }
  return decided;
}

static ClassifierComponent
decide_component(ClassifierResult *r, const ClassifierPolicy *p, Findings *f)
{
  const Match *sys = system_work_on_part(f);
  if (sys) {
    g_autofree char *ev = match_evidence(&f->set, sys);
    trail(r,
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
    trail(r, "component unknown: the text names none (treated as machine_part, §4)");
    return CLASSIFIER_COMPONENT_UNKNOWN;
  }
  if (best == CLASSIFIER_COMPONENT_OTHER_SOFTWARE && !f->component[best]) {
    trail(r, "component other_software: \"%s\", sold with the asset, is named", f->other_software);
  } else {
    g_autofree char *ev = match_evidence(&f->set, f->component[best]);
    trail(r, "component %s: \"%s\" names %s", classifier_component_name((ClassifierComponent)best), ev,
          f->component[best]->kw->text);
  }
  return (ClassifierComponent)best;
}

static ClassifierSeverity
decide_severity(ClassifierResult *r, const Findings *f)
{
  for (int s = CLASSIFIER_SEVERITY_S1; s <= CLASSIFIER_SEVERITY_S2; s++)
    if (f->severity[s]) {
      g_autofree char *ev = match_evidence(&f->set, f->severity[s]);
      trail(r, "severity %s: \"%s\" (the most severe words win, §6)",
            classifier_severity_name((ClassifierSeverity)s), ev);
      return (ClassifierSeverity)s;
    }
  trail(r, "severity S3: no outage or degraded-hardware words");
  return CLASSIFIER_SEVERITY_S3;
}

typedef struct {
  GDate start, end; /* invalid when unknown */
  gboolean legacy, incomplete;
  const char *incomplete_what;
  int years; /* -1: no term */
} Warranty;

static void
add_days(GDate *d, int days)
{
  if (days > 0)
    g_date_add_days(d, (guint)days);
}

static void
warranty_start(const ClassifierPolicy *p, const ClassifierAsset *a, Warranty *w)
{
  g_date_clear(&w->start, 1);
  g_date_clear(&w->end, 1);
  w->years = -1;
  if (g_date_valid(&a->ship_date) && g_date_compare(&a->ship_date, &p->legacy_before) < 0)
    w->legacy = TRUE;
  switch (a->warranty_basis) {
    case CLASSIFIER_BASIS_SHIP:
      w->start = a->ship_date;
      add_days(&w->start, p->ship_offset_days);
      break;
    case CLASSIFIER_BASIS_INVOICE:
      if (g_date_valid(&a->invoice_date))
        w->start = a->invoice_date;
      else {
        w->incomplete = TRUE;
        w->incomplete_what = "basis invoice without invoice_date";
      }
      break;
    case CLASSIFIER_BASIS_CONTRACT:
      if (g_date_valid(&a->contract_start))
        w->start = a->contract_start;
      else {
        w->incomplete = TRUE;
        w->incomplete_what = "basis contract without contract_start";
      }
      break;
  }
}

static const char *
parts_brand(const ClassifierAsset *a)
{
  return a->brand && !g_ascii_strcasecmp(a->brand, "supermicro") ? "supermicro" : "other";
}

/* Coverage of a parts order at the received date; fills w->end (the last term's end). */
static ClassifierCoverage
parts_coverage(const ClassifierPolicy *p, const ClassifierAsset *a, Warranty *w, const GDate *recv,
               int *year_out)
{
  const char *brand = parts_brand(a);
  int max_year = 0;
  for (guint i = 0; i < p->parts_terms->len; i++) {
    const PartsTerm *t = g_ptr_array_index(p->parts_terms, i);
    if (g_str_equal(t->brand, brand) && t->to_year > max_year)
      max_year = t->to_year;
  }
  w->years = max_year;
  w->end = w->start;
  add_days(&w->end, p->days_per_year * max_year);
  /* the warranty year the received date falls in (before the start: year 1) */
  int year = 1;
  gint days = g_date_days_between(&w->start, recv);
  if (days > 0)
    year = (days + p->days_per_year - 1) / p->days_per_year;
  if (year < 1)
    year = 1;
  *year_out = year;
  for (guint i = 0; i < p->parts_terms->len; i++) {
    const PartsTerm *t = g_ptr_array_index(p->parts_terms, i);
    if (g_str_equal(t->brand, brand) && year >= t->from_year && year <= t->to_year)
      return t->coverage;
  }
  return CLASSIFIER_COVERAGE_EXPIRED;
}

static char *
names_of_software(char **software)
{
  if (!software || !software[0])
    return g_strdup("none");
  return g_strjoinv(";", software);
}

static gboolean
asset_bundles(const ClassifierAsset *a, const char *product)
{
  if (!a->software)
    return FALSE;
  g_autofree char *want = model_key(product);
  for (char **s = a->software; *s; s++) {
    g_autofree char *have = model_key(*s);
    if (strstr(have, want))
      return TRUE;
  }
  return FALSE;
}

static void
decide_coverage(ClassifierResult *r, const ClassifierPolicy *p, const ParserRequest *req,
                const ClassifierAsset *a, Findings *f, const GDate *recv)
{
  if (r->kind == CLASSIFIER_KIND_IGNORED || r->kind == CLASSIFIER_KIND_FOLLOWUP) {
    r->coverage = CLASSIFIER_COVERAGE_NONE;
    trail(r, "coverage: none for kind %s", classifier_kind_name(r->kind));
    return;
  }
  if (r->kind == CLASSIFIER_KIND_VALUE_ADDED) {
    g_autofree char *ev = match_evidence(&f->set, f->value_added);
    r->coverage = CLASSIFIER_COVERAGE_NOT_COVERED;
    add_reason(r->reasons, "value_added_service", ev);
    trail(r, "coverage not_covered: value-added service, routed to sales (§5)");
    return;
  }
  /* 1. the SN */
  if (!a) {
    r->coverage = CLASSIFIER_COVERAGE_NEEDS_REVIEW;
    if (r->sn) {
      add_reason(r->reasons, "sn_unknown", r->sn);
      trail(r, "coverage needs_review: SN %s is not in the registry (§5.1 sn_unknown)", r->sn);
    } else {
      add_reason(r->reasons, "sn_missing", "no SN in the mail");
      trail(r, "coverage needs_review: no SN (§5.1 sn_missing)");
    }
    return;
  }
  Warranty w = { 0 };
  warranty_start(p, a, &w);
  /* 2. legacy policy, incomplete basis */
  if (w.legacy || w.incomplete) {
    r->coverage = CLASSIFIER_COVERAGE_NEEDS_REVIEW;
    if (w.legacy) {
      g_autofree char *ship = date_str(&a->ship_date), *cut = date_str(&p->legacy_before);
      g_autofree char *ev = g_strdup_printf("ship_date %s before %s", ship, cut);
      add_reason(r->reasons, "legacy_policy", ev);
      trail(r, "coverage needs_review: shipped %s, before %s: the older policy applies (§3 legacy_policy)",
            ship, cut);
    }
    if (w.incomplete) {
      add_reason(r->reasons, "warranty_basis_incomplete", w.incomplete_what);
      trail(r, "coverage needs_review: %s (§3 warranty_basis_incomplete)", w.incomplete_what);
    }
    return;
  }
  /* the warranty term of the component */
  ClassifierComponent comp = r->component;
  gboolean part = a->kind == CLASSIFIER_ASSET_PART;
  ClassifierCoverage parts_cov = CLASSIFIER_COVERAGE_NONE;
  int parts_year = 0;
  if (part) {
    parts_cov = parts_coverage(p, a, &w, recv, &parts_year);
  } else {
    const ComponentTerm *t = &p->components[comp];
    int tier = a->tier == CLASSIFIER_TIER_UNKNOWN ? CLASSIFIER_TIER_SILVER : a->tier;
    w.years = t->years[tier];
    if (w.years >= 0 && t->contract_overrides && a->contract_years > 0) {
      trail(r, "warranty: contract_years %u replaces the %d years of %s", a->contract_years, w.years,
            classifier_component_name(comp));
      w.years = (int)a->contract_years;
    }
    if (w.years >= 0) {
      w.end = w.start;
      add_days(&w.end, p->days_per_year * w.years);
    }
  }
  r->warranty_start = w.start;
  r->warranty_end = w.end;
  {
    static const char *const basis[] = { "ship_date + offset", "invoice_date", "contract_start" };
    g_autofree char *s = date_str(&w.start), *e = date_str(&w.end);
    if (part)
      trail(r, "warranty (parts order, brand %s): from %s (%s) to %s; the received date is in year %d",
            parts_brand(a), s, basis[a->warranty_basis], e, parts_year);
    else if (w.years >= 0)
      trail(r, "warranty (%s, %s): %d years = %d days from %s (%s), covered through %s",
            classifier_component_name(comp),
            classifier_tier_name(a->tier) ? classifier_tier_name(a->tier) : "no tier", w.years,
            p->days_per_year * w.years, s, basis[a->warranty_basis], e);
    else
      trail(r, "warranty: component %s has no warranty term", classifier_component_name(comp));
  }
  /* 3. suspected exclusions: review, never an automatic refusal */
  if (f->exclusions->len) {
    r->coverage = CLASSIFIER_COVERAGE_NEEDS_REVIEW;
    for (guint i = 0; i < f->exclusions->len; i++) {
      const CodeHit *h = &g_array_index(f->exclusions, CodeHit, i);
      add_reason(r->reasons, h->code, h->evidence);
      trail(r, "coverage needs_review: suspected exclusion %s: \"%s\" (§5.3)", h->code, h->evidence);
    }
    return;
  }
  /* 4. the customer's scope */
  if (comp == CLASSIFIER_COMPONENT_SYSTEM) {
    g_autofree char *ev = match_evidence(&f->set, f->component[comp]);
    r->coverage = CLASSIFIER_COVERAGE_NOT_COVERED;
    add_reason(r->reasons, "customer_scope", ev);
    trail(
      r,
      "coverage not_covered: system, environment or software not sold with the asset (§5.4 customer_scope)");
    return;
  }
  if (comp == CLASSIFIER_COMPONENT_ROYCOM_SOFTWARE && !asset_bundles(a, f->component[comp]->kw->text)) {
    g_autofree char *sw = names_of_software(a->software);
    g_autofree char *ev =
      g_strdup_printf("%s is not among the asset's software (%s)", f->component[comp]->kw->text, sw);
    r->coverage = CLASSIFIER_COVERAGE_NOT_COVERED;
    add_reason(r->reasons, "customer_scope", ev);
    trail(r, "coverage not_covered: %s (§5.4 customer_scope)", ev);
    return;
  }
  /* 5. past the end */
  if (!g_date_valid(&w.end) || g_date_compare(recv, &w.end) > 0) {
    g_autofree char *e = date_str(&w.end);
    g_autofree char *ev = g_strdup_printf("warranty ended %s", e ? e : "(no term)");
    r->coverage = CLASSIFIER_COVERAGE_EXPIRED;
    add_reason(r->reasons, "warranty_expired", ev);
    trail(r, "coverage expired: %s; repair and renewal are paid services (§5.5)", ev);
    return;
  }
  /* 6. covered, or chargeable for a parts order in its fee years */
  g_autofree char *e = date_str(&w.end);
  if (part && parts_cov != CLASSIFIER_COVERAGE_COVERED) {
    r->coverage = parts_cov;
    g_autofree char *ev =
      g_strdup_printf("parts order, brand %s, warranty year %d", parts_brand(a), parts_year);
    add_reason(
      r->reasons,
      parts_cov == CLASSIFIER_COVERAGE_CHARGEABLE ? "material_fee" : classifier_coverage_name(parts_cov), ev);
    trail(r, "coverage %s: %s (§4 parts orders)", classifier_coverage_name(parts_cov), ev);
    return;
  }
  r->coverage = CLASSIFIER_COVERAGE_COVERED;
  g_autofree char *ev =
    g_strdup_printf("%s warranty through %s", part ? "parts order" : classifier_component_name(comp), e);
  add_reason(r->reasons, "in_warranty", ev);
  trail(r, "coverage covered: %s (§5.6)", ev);
  (void)req;
}

static void
decide_priority(ClassifierResult *r, const ClassifierPolicy *p)
{
  if (r->kind == CLASSIFIER_KIND_IGNORED || r->kind == CLASSIFIER_KIND_FOLLOWUP) {
    r->priority = CLASSIFIER_PRIORITY_NONE;
    trail(r, "priority: none for kind %s", classifier_kind_name(r->kind));
    return;
  }
  ClassifierPriority pr = p->matrix[r->severity][r->tier];
  trail(r, "priority %s: %s × tier %s (§6 matrix)", classifier_priority_name(pr),
        classifier_severity_name(r->severity), r->tier ? classifier_tier_name(r->tier) : "unknown");
  ClassifierPriority cap = p->caps[r->coverage];
  if (cap && pr < cap) {
    trail(r, "priority %s: coverage %s is no better than %s (§6 cap)", classifier_priority_name(cap),
          classifier_coverage_name(r->coverage), classifier_priority_name(cap));
    pr = cap;
  }
  r->priority = pr;
}

static void
decide_place(ClassifierResult *r, const ClassifierPolicy *p, const ParserRequest *req,
             const ClassifierAsset *a, GPtrArray *notes)
{
  const char *city = blank(req->city) ? NULL : req->city;
  const char *district = blank(req->district) ? NULL : req->district;
  const char *source = "the mail";
  const AreaCity *ac = NULL;
  if (city || district) {
    ac = city ? policy_find_city(p, city) : NULL;
    if (!city) {
      const AreaDistrict *d = policy_find_district_anywhere(p, district);
      if (d) {
        ac = d->city;
        trail(r, "location: district %s belongs to %s", district, d->city->city);
      }
    }
    /* the registry knows the district of the same city */
    if (!district && a && !blank(a->district) && !blank(a->city)) {
      const AreaCity *rc = policy_find_city(p, a->city);
      g_autofree char *k1 = policy_place_key(city ? city : ""), *k2 = policy_place_key(a->city);
      if ((ac && rc == ac) || (!ac && city && g_str_equal(k1, k2))) {
        district = a->district;
        trail(r, "location: district %s from the registry (same city as the mail)", district);
      }
    }
  } else if (a && (!blank(a->city) || !blank(a->district))) {
    city = blank(a->city) ? NULL : a->city;
    district = blank(a->district) ? NULL : a->district;
    source = "the registry";
    ac = city ? policy_find_city(p, city) : NULL;
  }
  if (!city && !district) {
    r->onsite_class = CLASSIFIER_ONSITE_UNKNOWN;
    trail(r, "on-site unknown: no location in the mail nor in the registry (§8)");
    return;
  }
  const AreaDistrict *ad = ac && district ? policy_find_district(p, ac, district) : NULL;
  r->city = g_strdup(ac ? ac->city : city);
  r->district = g_strdup(ad ? ad->district : district);
  if (!ac) {
    r->onsite_class = p->default_area_class;
    trail(r, "on-site %s: %s%s%s (from %s) is in no service area (§8)",
          classifier_onsite_class_name(r->onsite_class), city ? city : "", district ? " " : "",
          district ? district : "", source);
    return;
  }
  if (ad) {
    r->onsite_class = ad->onsite_class;
    trail(r, "on-site %s: %s %s (from %s) (§8)", classifier_onsite_class_name(r->onsite_class), ac->city,
          ad->district, source);
  } else if (district) {
    r->onsite_class = ac->has_unlisted ? ac->unlisted_class : ac->onsite_class;
    trail(r, "on-site %s: %s of %s (from %s) is %s (§8)", classifier_onsite_class_name(r->onsite_class),
          district, ac->city, source,
          ac->has_unlisted ? "outside its listed districts" : "covered city-wide");
  } else {
    r->onsite_class = ac->onsite_class;
    if (ac->has_districts) {
      g_autofree char *ev = g_strdup_printf("%s named without a district", ac->city);
      add_reason(notes, "district_unverified", ev);
      trail(r, "on-site %s: %s (from %s) without a district (§8 district_unverified)",
            classifier_onsite_class_name(r->onsite_class), ac->city, source);
    } else
      trail(r, "on-site %s: %s (from %s) (§8)", classifier_onsite_class_name(r->onsite_class), ac->city,
            source);
  }
}

static GDateTime *
deadline(const ClassifierPolicy *p, const Clock *c, gint64 start, gint64 seconds)
{
  gint64 t = sla_add_seconds(p, c, start, seconds, NULL, 0);
  if (t < 0)
    return NULL;
  g_autoptr(GDateTime) u = g_date_time_new_from_unix_utc(t);
  return g_date_time_to_timezone(u, p->tz);
}

static void
decide_sla(ClassifierResult *r, const ClassifierPolicy *p, const ClassifierAsset *a)
{
  if (r->kind == CLASSIFIER_KIND_IGNORED || r->kind == CLASSIFIER_KIND_FOLLOWUP ||
      !(p->sla_coverages & (1u << r->coverage))) {
    trail(r, "sla: none (kind %s, coverage %s, §7)", classifier_kind_name(r->kind),
          classifier_coverage_name(r->coverage) ? classifier_coverage_name(r->coverage) : "null");
    return;
  }
  const SlaTerm *s = &p->sla[r->tier];
  const Clock *c = s->clock;
  gint64 t0 = g_date_time_to_unix(r->received);
  r->has_sla = TRUE;
  r->sla_clock = c->name;
  r->response_due = deadline(p, c, t0, (gint64)s->response_minutes * 60);
  r->plan_due = deadline(p, c, t0, (gint64)s->plan_minutes * 60);
  trail(r, "sla %s (tier %s): response %d min, plan %d min of clock time from received", c->name,
        r->tier ? classifier_tier_name(r->tier) : "unknown", s->response_minutes, s->plan_minutes);
  gint64 day = sla_local_day(p, t0);
  guint32 jd = sla_julian_of_local_day(day);
  GDate d;
  g_date_clear(&d, 1);
  g_date_set_julian(&d, jd);
  int y = g_date_get_year(&d);
  if (c->holidays && (y < p->day_min_year || y > p->day_max_year))
    trail(r, "sla: WARNING the holiday table has no rows for %d: only weekends count as closed", y);
  if (r->kind != CLASSIFIER_KIND_FAULT) {
    trail(r, "sla: no on-site deadline for kind %s", classifier_kind_name(r->kind));
    return;
  }
  if (a && a->kind == CLASSIFIER_ASSET_PART) {
    trail(r, "sla: no on-site deadline for a parts order");
    return;
  }
  if (r->onsite_class != CLASSIFIER_ONSITE_4H && r->onsite_class != CLASSIFIER_ONSITE_NEXT_DAY) {
    trail(r, "sla: no on-site deadline in a %s area", classifier_onsite_class_name(r->onsite_class));
    return;
  }
  if (s->fast_minutes && r->priority == s->fast_priority && r->onsite_class == s->fast_class) {
    r->onsite_due = deadline(p, c, t0, (gint64)s->fast_minutes * 60);
    trail(r, "sla on-site: %d min for %s in a %s area", s->fast_minutes,
          classifier_priority_name(s->fast_priority), classifier_onsite_class_name(s->fast_class));
  } else if (s->onsite_rule == ONSITE_RULE_NBD) {
    gint64 t = sla_next_business_close(p, c, t0);
    if (t >= 0) {
      g_autoptr(GDateTime) u = g_date_time_new_from_unix_utc(t);
      r->onsite_due = g_date_time_to_timezone(u, p->tz);
    }
    trail(r, "sla on-site: NBD, closing time of the first business day after the received date");
  } else {
    r->onsite_due = deadline(p, c, t0, (gint64)s->onsite_minutes * 60);
    trail(r, "sla on-site: %d min (ND)", s->onsite_minutes);
  }
}

static void
decide_missing(ClassifierResult *r, const ParserRequest *req)
{
  const char *have[CLASSIFIER_N_FIELDS] = {
    r->sn, r->model, req->symptoms, req->address, req->contact, req->phone, r->city ? r->city : r->district,
  };
  GString *s = g_string_new(NULL);
  for (int i = 0; i < CLASSIFIER_N_FIELDS; i++)
    if (blank(have[i])) {
      r->missing |= 1u << i;
      g_string_append_printf(s, "%s%s", s->len ? ", " : "", classifier_field_name((ClassifierField)i));
    }
  if (s->len)
    trail(r, "missing: %s (the acknowledgement asks for these, §1)", s->str);
  g_string_free(s, TRUE);
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
  r->reasons = g_ptr_array_new_with_free_func(reason_free);
  r->trail = g_ptr_array_new_with_free_func(g_free);
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
  {
    g_autofree char *ts = classifier_format_time(policy, r->received);
    trail(r, "received %s", ts);
  }

  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func(reason_free);
  decide_sn(r, req, asset);
  decide_model(r, req, asset, notes);

  /* the customer's words: subject and symptoms (the whole own text when no symptoms were found) */
  GString *text = g_string_new(req->subject ? req->subject : "");
  g_string_append_c(text, '\n');
  g_string_append(text, req->symptoms ? req->symptoms : (req->body_text ? req->body_text : ""));
  Findings f = { 0 };
  find(policy, text->str, asset, &f);
  g_string_free(text, TRUE);

  r->component = decide_component(r, policy, &f);
  r->severity = decide_severity(r, &f);
  r->kind = decide_kind(r, req, &f, r->severity, r->component, policy);
  decide_coverage(r, policy, req, asset, &f, &recv);
  decide_priority(r, policy);
  decide_place(r, policy, req, asset, notes);
  decide_sla(r, policy, asset);
  decide_missing(r, req);
  for (guint i = 0; i < notes->len; i++) {
    ClassifierReason *n = g_ptr_array_index(notes, i);
    add_reason(r->reasons, n->code, n->evidence);
  }
  findings_clear(&f);
  return r;
}

/* ---------- output ---------- */

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
  g_autofree char *s = t ? g_date_time_format(t, "%Y-%m-%dT%H:%M:%S%:z") : NULL;
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
  for (int i = 0; i < CLASSIFIER_N_FIELDS; i++)
    if (r->missing & (1u << i))
      json_builder_add_string_value(b, classifier_field_name((ClassifierField)i));
  json_builder_end_array(b);
  member_str(b, "tier", classifier_tier_name(r->tier));
  json_builder_set_member_name(b, "registered");
  json_builder_add_boolean_value(b, r->registered);
  member_str(b, "customer", r->customer);
  g_autofree char *ws = date_str(&r->warranty_start), *we = date_str(&r->warranty_end);
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

char *
classifier_result_reasons_json(const ClassifierResult *r)
{
  g_autoptr(JsonBuilder) b = json_builder_new();
  write_reasons(r, b);
  g_autoptr(JsonNode) root = json_builder_get_root(b);
  return json_to_string(root, FALSE);
}

char *
classifier_result_explain(const ClassifierResult *r)
{
  GString *s = g_string_new(NULL);
  for (guint i = 0; i < r->trail->len; i++)
    g_string_append_printf(s, "  %2u. %s\n", i + 1, (const char *)g_ptr_array_index(r->trail, i));
  return g_string_free(s, FALSE);
}
