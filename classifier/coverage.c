/* coverage.c: the warranty of policy §3–§5 — its start by basis, its term by component and tier (or the
 * parts order's yearly terms), and the coverage at the received date with its reasons. */
#include "classifier-private.h"

#include <string.h>

typedef struct {
  GDate start, end; /* invalid when unknown */
  GDate term_end;   /* a parts order: the end of the term the received date falls in */
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

/* The start is date d, or the basis is incomplete (missing says what) when d is not given. */
static void
start_at(Warranty *w, const GDate *d, const char *missing)
{
  if (g_date_valid(d))
    w->start = *d;
  else {
    w->incomplete = TRUE;
    w->incomplete_what = missing;
  }
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
      start_at(w, &a->invoice_date, classifier_asset_incomplete(a));
      break;
    case CLASSIFIER_BASIS_CONTRACT:
      start_at(w, &a->contract_start, classifier_asset_incomplete(a));
      break;
  }
}

const char *
classifier_asset_incomplete(const ClassifierAsset *a)
{
  if (a->warranty_basis == CLASSIFIER_BASIS_INVOICE && !g_date_valid(&a->invoice_date))
    return "basis invoice without invoice_date";
  if (a->warranty_basis == CLASSIFIER_BASIS_CONTRACT && !g_date_valid(&a->contract_start))
    return "basis contract without contract_start";
  return NULL;
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
    const ClassifierPartsTerm *t = g_ptr_array_index(p->parts_terms, i);
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
    const ClassifierPartsTerm *t = g_ptr_array_index(p->parts_terms, i);
    if (g_str_equal(t->brand, brand) && year >= t->from_year && year <= t->to_year) {
      w->term_end = w->start;
      add_days(&w->term_end, p->days_per_year * t->to_year);
      return t->coverage;
    }
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
  g_autofree char *want = classifier_model_key(product);
  for (char **s = a->software; *s; s++) {
    g_autofree char *have = classifier_model_key(*s);
    if (strstr(have, want))
      return TRUE;
  }
  return FALSE;
}

/* Kinds and requests judged without a warranty term: ignored and followup get none, a paid service is not
 * covered, an SN that is not registered needs review. TRUE when decided. */
static gboolean
coverage_without_term(ClassifierResult *r, const ClassifierAsset *a, const ClassifierFindings *f)
{
  if (r->kind == CLASSIFIER_KIND_IGNORED || r->kind == CLASSIFIER_KIND_FOLLOWUP) {
    r->coverage = CLASSIFIER_COVERAGE_NONE;
    classifier_trail(r, "coverage: none for kind %s", classifier_kind_name(r->kind));
    return TRUE;
  }
  if (r->kind == CLASSIFIER_KIND_VALUE_ADDED) {
    g_autofree char *ev = classifier_match_evidence(&f->set, f->value_added);
    r->coverage = CLASSIFIER_COVERAGE_NOT_COVERED;
    classifier_reason_add(r->reasons, "value_added_service", ev);
    classifier_trail(r, "coverage not_covered: value-added service, routed to sales (§5)");
    return TRUE;
  }
  /* 1. the SN */
  if (!a) {
    r->coverage = CLASSIFIER_COVERAGE_NEEDS_REVIEW;
    if (r->sn) {
      classifier_reason_add(r->reasons, "sn_unknown", r->sn);
      classifier_trail(r, "coverage needs_review: SN %s is not in the registry (§5.1 sn_unknown)", r->sn);
    } else {
      classifier_reason_add(r->reasons, "sn_missing", "no SN in the mail");
      classifier_trail(r, "coverage needs_review: no SN (§5.1 sn_missing)");
    }
    return TRUE;
  }
  return FALSE;
}

/* 2. legacy policy, incomplete basis: review. TRUE when decided. */
static gboolean
coverage_needs_basis_review(ClassifierResult *r, const ClassifierPolicy *p, const ClassifierAsset *a,
                            const Warranty *w)
{
  if (!w->legacy && !w->incomplete)
    return FALSE;
  r->coverage = CLASSIFIER_COVERAGE_NEEDS_REVIEW;
  if (w->legacy) {
    g_autofree char *ship = classifier_date_str(&a->ship_date), *cut = classifier_date_str(&p->legacy_before);
    g_autofree char *ev = g_strdup_printf("ship_date %s before %s", ship, cut);
    classifier_reason_add(r->reasons, "legacy_policy", ev);
    classifier_trail(
      r, "coverage needs_review: shipped %s, before %s: the older policy applies (§3 legacy_policy)", ship,
      cut);
  }
  if (w->incomplete) {
    classifier_reason_add(r->reasons, "warranty_basis_incomplete", w->incomplete_what);
    classifier_trail(r, "coverage needs_review: %s (§3 warranty_basis_incomplete)", w->incomplete_what);
  }
  return TRUE;
}

/* The warranty term: the component's years for the tier (contract_years may replace them), or the parts
 * order's terms (*parts_cov, *parts_year); sets w->end and the result's warranty dates. */
static void
warranty_term(ClassifierResult *r, const ClassifierPolicy *p, const ClassifierAsset *a, Warranty *w,
              const GDate *recv, ClassifierCoverage *parts_cov, int *parts_year)
{
  ClassifierComponent comp = r->component;
  gboolean part = a->kind == CLASSIFIER_ASSET_PART;
  if (part) {
    *parts_cov = parts_coverage(p, a, w, recv, parts_year);
  } else {
    const ClassifierComponentTerm *t = &p->components[comp];
    int tier = a->tier == CLASSIFIER_TIER_UNKNOWN ? CLASSIFIER_TIER_SILVER : a->tier;
    w->years = t->years[tier];
    if (w->years >= 0 && t->contract_overrides && a->contract_years > 0) {
      classifier_trail(r, "warranty: contract_years %u replaces the %d years of %s", a->contract_years,
                       w->years, classifier_component_name(comp));
      w->years = (int)a->contract_years;
    }
    if (w->years >= 0) {
      w->end = w->start;
      add_days(&w->end, p->days_per_year * w->years);
    }
  }
  r->warranty_start = w->start;
  r->warranty_end = w->end;
  static const char *const basis[] = { "ship_date + offset", "invoice_date", "contract_start" };
  g_autofree char *s = classifier_date_str(&w->start), *e = classifier_date_str(&w->end);
  if (part)
    classifier_trail(r,
                     "warranty (parts order, brand %s): from %s (%s) to %s; the received date is in year %d",
                     parts_brand(a), s, basis[a->warranty_basis], e, *parts_year);
  else if (w->years >= 0)
    classifier_trail(r, "warranty (%s, %s): %d years = %d days from %s (%s), covered through %s",
                     classifier_component_name(comp),
                     classifier_tier_name(a->tier) ? classifier_tier_name(a->tier) : "no tier", w->years,
                     p->days_per_year * w->years, s, basis[a->warranty_basis], e);
  else
    classifier_trail(r, "warranty: component %s has no warranty term", classifier_component_name(comp));
}

/* 3. suspected exclusions (review, never an automatic refusal) and 4. the customer's scope. TRUE when
 * decided. */
static gboolean
coverage_excluded(ClassifierResult *r, const ClassifierAsset *a, const ClassifierFindings *f)
{
  ClassifierComponent comp = r->component;
  if (f->exclusions->len) {
    r->coverage = CLASSIFIER_COVERAGE_NEEDS_REVIEW;
    for (guint i = 0; i < f->exclusions->len; i++) {
      const ClassifierCodeHit *h = &g_array_index(f->exclusions, ClassifierCodeHit, i);
      classifier_reason_add(r->reasons, h->code, h->evidence);
      classifier_trail(r, "coverage needs_review: suspected exclusion %s: \"%s\" (§5.3)", h->code,
                       h->evidence);
    }
    return TRUE;
  }
  if (comp == CLASSIFIER_COMPONENT_SYSTEM) {
    g_autofree char *ev = classifier_match_evidence(&f->set, f->component[comp]);
    r->coverage = CLASSIFIER_COVERAGE_NOT_COVERED;
    classifier_reason_add(r->reasons, "customer_scope", ev);
    classifier_trail(
      r,
      "coverage not_covered: system, environment or software not sold with the asset (§5.4 customer_scope)");
    return TRUE;
  }
  if (comp == CLASSIFIER_COMPONENT_ROYCOM_SOFTWARE && !asset_bundles(a, f->component[comp]->kw->text)) {
    g_autofree char *sw = names_of_software(a->software);
    g_autofree char *ev =
      g_strdup_printf("%s is not among the asset's software (%s)", f->component[comp]->kw->text, sw);
    r->coverage = CLASSIFIER_COVERAGE_NOT_COVERED;
    classifier_reason_add(r->reasons, "customer_scope", ev);
    classifier_trail(r, "coverage not_covered: %s (§5.4 customer_scope)", ev);
    return TRUE;
  }
  return FALSE;
}

/* 5. past the end: expired; 6. covered, or chargeable for a parts order in its fee years. */
static void
coverage_by_date(ClassifierResult *r, const ClassifierAsset *a, const Warranty *w, const GDate *recv,
                 ClassifierCoverage parts_cov, int parts_year)
{
  if (!g_date_valid(&w->end) || g_date_compare(recv, &w->end) > 0) {
    g_autofree char *e = classifier_date_str(&w->end);
    g_autofree char *ev = g_strdup_printf("warranty ended %s", e ? e : "(no term)");
    r->coverage = CLASSIFIER_COVERAGE_EXPIRED;
    classifier_reason_add(r->reasons, "warranty_expired", ev);
    classifier_trail(r, "coverage expired: %s; repair and renewal are paid services (§5.5)", ev);
    return;
  }
  gboolean part = a->kind == CLASSIFIER_ASSET_PART;
  g_autofree char *e = classifier_date_str(&w->end);
  if (part && parts_cov != CLASSIFIER_COVERAGE_COVERED) {
    r->coverage = parts_cov;
    g_autofree char *ev =
      g_strdup_printf("parts order, brand %s, warranty year %d", parts_brand(a), parts_year);
    classifier_reason_add(
      r->reasons,
      parts_cov == CLASSIFIER_COVERAGE_CHARGEABLE ? "material_fee" : classifier_coverage_name(parts_cov), ev);
    classifier_trail(r, "coverage %s: %s (§4 parts orders)", classifier_coverage_name(parts_cov), ev);
    return;
  }
  r->coverage = CLASSIFIER_COVERAGE_COVERED;
  /* a supermicro part in its free first year: free to the end of that term, then a material fee —
   * "保修至 <the last year>" would promise three free years */
  g_autofree char *free_end = NULL;
  if (part && g_date_valid(&w->term_end) && g_date_valid(&w->end) &&
      g_date_compare(&w->term_end, &w->end) < 0) {
    r->covered_until = w->term_end;
    free_end = classifier_date_str(&w->term_end);
  }
  g_autofree char *ev =
    free_end ? g_strdup_printf("parts order free through %s, material fee to %s", free_end, e)
             : g_strdup_printf("%s warranty through %s",
                               part ? "parts order" : classifier_component_name(r->component), e);
  classifier_reason_add(r->reasons, "in_warranty", ev);
  classifier_trail(r, "coverage covered: %s (§5.6)", ev);
}

void
classifier_decide_coverage(ClassifierResult *r, const ClassifierPolicy *p, const ClassifierAsset *a,
                           const ClassifierFindings *f, const GDate *recv)
{
  if (coverage_without_term(r, a, f))
    return;
  Warranty w = { 0 };
  warranty_start(p, a, &w);
  if (coverage_needs_basis_review(r, p, a, &w))
    return;
  ClassifierCoverage parts_cov = CLASSIFIER_COVERAGE_NONE;
  int parts_year = 0;
  warranty_term(r, p, a, &w, recv, &parts_cov, &parts_year);
  if (coverage_excluded(r, a, f))
    return;
  coverage_by_date(r, a, &w, recv, parts_cov, parts_year);
}
