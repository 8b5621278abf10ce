/* onsite.c: where the device is (policy §8: the mail's place, else the registry's) and its on-site class,
 * and the SLA deadlines of policy §7 for the request's tier and clock. */
#include "classifier-private.h"

#include <string.h>

/* A district several cities have, named without a city (朝阳区): the registry's city when it is one of
 * them (issue 15), else no place and a note, rather than a guess or the registry's own district. */
static gboolean
place_shared(ClassifierResult *r, const ParserRequest *req, const ClassifierAsset *a, GPtrArray *notes,
             const char **city, const char **district)
{
  GString *all = g_string_new(NULL);
  for (guint i = 0; req->district_cities && i < req->district_cities->len; i++) {
    const char *c = g_ptr_array_index(req->district_cities, i);
    g_string_append_printf(all, "%s%s", all->len ? ", " : "", c);
    if (a && !classifier_text_blank(a->city) && strcmp(c, a->city) == 0)
      *city = a->city;
  }
  if (*city) {
    *district = req->district_shared;
    classifier_trail(r, "location: %s (several cities have one) of %s, the registry's city", *district,
                     *city);
  } else {
    g_autofree char *ev =
      g_strdup_printf("%s is in %s; the mail does not say which%s%s%s", req->district_shared, all->str,
                      a && a->city ? ", the registry's " : "", a && a->city ? a->city : "",
                      a && a->city ? " is none of them" : "");
    classifier_reason_add(notes, "district_unverified", ev);
    r->onsite_class = CLASSIFIER_ONSITE_UNKNOWN;
    classifier_trail(r, "on-site unknown: %s (§8 district_unverified, left for review)", ev);
  }
  g_string_free(all, TRUE);
  return *city != NULL;
}

void
classifier_decide_place(ClassifierResult *r, const ClassifierPolicy *p, const ParserRequest *req,
                        const ClassifierAsset *a, GPtrArray *notes)
{
  const char *city = classifier_text_blank(req->city) ? NULL : req->city;
  const char *district = classifier_text_blank(req->district) ? NULL : req->district;
  const char *source = "the mail";
  const ClassifierAreaCity *ac = NULL;
  if (!city && !district && req->district_shared && !place_shared(r, req, a, notes, &city, &district))
    return;
  if (city || district) {
    ac = city ? classifier_policy_find_city(p, city) : NULL;
    if (!city) {
      const ClassifierAreaDistrict *d = classifier_policy_find_district_anywhere(p, district);
      if (d) {
        ac = d->city;
        classifier_trail(r, "location: district %s belongs to %s", district, d->city->city);
      }
    }
    /* the registry knows the district of the same city */
    if (!district && a && !classifier_text_blank(a->district) && !classifier_text_blank(a->city)) {
      const ClassifierAreaCity *rc = classifier_policy_find_city(p, a->city);
      g_autofree char *k1 = classifier_place_key(city ? city : ""), *k2 = classifier_place_key(a->city);
      if ((ac && rc == ac) || (!ac && city && g_str_equal(k1, k2))) {
        district = a->district;
        classifier_trail(r, "location: district %s from the registry (same city as the mail)", district);
      }
    }
  } else if (a && (!classifier_text_blank(a->city) || !classifier_text_blank(a->district))) {
    city = classifier_text_blank(a->city) ? NULL : a->city;
    district = classifier_text_blank(a->district) ? NULL : a->district;
    source = "the registry";
    ac = city ? classifier_policy_find_city(p, city) : NULL;
  }
  if (!city && !district) {
    r->onsite_class = CLASSIFIER_ONSITE_UNKNOWN;
    classifier_trail(r, "on-site unknown: no location in the mail nor in the registry (§8)");
    return;
  }
  const ClassifierAreaDistrict *ad = ac && district ? classifier_policy_find_district(p, ac, district) : NULL;
  r->city = g_strdup(ac ? ac->city : city);
  r->district = g_strdup(ad ? ad->district : district);
  /* for an English acknowledgement: "Haidian, Beijing"; a district without a Latin name leaves the city */
  if (ac && ac->latin)
    r->place_latin = ad && ad->latin ? g_strdup_printf("%s, %s", ad->latin, ac->latin) : g_strdup(ac->latin);
  if (!ac) {
    r->onsite_class = p->default_area_class;
    classifier_trail(r, "on-site %s: %s%s%s (from %s) is in no service area (§8)",
                     classifier_onsite_class_name(r->onsite_class), city ? city : "", district ? " " : "",
                     district ? district : "", source);
    return;
  }
  if (ad) {
    r->onsite_class = ad->onsite_class;
    classifier_trail(r, "on-site %s: %s %s (from %s) (§8)", classifier_onsite_class_name(r->onsite_class),
                     ac->city, ad->district, source);
  } else if (district) {
    r->onsite_class = ac->has_unlisted ? ac->unlisted_class : ac->onsite_class;
    classifier_trail(r, "on-site %s: %s of %s (from %s) is %s (§8)",
                     classifier_onsite_class_name(r->onsite_class), district, ac->city, source,
                     ac->has_unlisted ? "outside its listed districts" : "covered city-wide");
  } else {
    r->onsite_class = ac->onsite_class;
    if (ac->has_districts) {
      g_autofree char *ev = g_strdup_printf("%s named without a district", ac->city);
      classifier_reason_add(notes, "district_unverified", ev);
      classifier_trail(r, "on-site %s: %s (from %s) without a district (§8 district_unverified)",
                       classifier_onsite_class_name(r->onsite_class), ac->city, source);
    } else
      classifier_trail(r, "on-site %s: %s (from %s) (§8)", classifier_onsite_class_name(r->onsite_class),
                       ac->city, source);
  }
}

static GDateTime *
deadline(const ClassifierPolicy *p, const ClassifierClock *c, gint64 start, gint64 seconds)
{
  gint64 t = classifier_clock_add_seconds(p, c, start, seconds, NULL, 0);
  return t < 0 ? NULL : classifier_policy_local_time(p, t);
}

/* A business-hours clock counts only weekends as closed in a year the holiday table lacks: said in
 * the trail (once per year) for the local day at t, and for the plan deadline's year when it is later
 * (a mail of 12-31 evening: 元旦 of a year not seeded yet). */
static void
holiday_years_check(ClassifierResult *r, const ClassifierPolicy *p, const ClassifierClock *c, gint64 t)
{
  if (!c->holidays)
    return;
  GDate d;
  g_date_clear(&d, 1);
  g_date_set_julian(&d, classifier_julian_of_local_day(classifier_policy_local_day(p, t)));
  int years[] = { g_date_get_year(&d), r->plan_due ? g_date_time_get_year(r->plan_due) : 0 };
  for (guint i = 0; i < G_N_ELEMENTS(years); i++) {
    int y = years[i];
    if (!y || (y >= p->day_min_year && y <= p->day_max_year))
      continue;
    g_autofree char *w =
      g_strdup_printf("sla: WARNING the holiday table has no rows for %d: only weekends count as closed", y);
    gboolean said = FALSE;
    for (guint k = 0; r->trail && k < r->trail->len && !said; k++)
      said = g_str_equal(g_ptr_array_index(r->trail, k), w);
    if (!said)
      classifier_trail(r, "%s", w);
  }
}

void
classifier_decide_sla(ClassifierResult *r, const ClassifierPolicy *p, const ClassifierAsset *a)
{
  if (r->kind == CLASSIFIER_KIND_IGNORED || r->kind == CLASSIFIER_KIND_FOLLOWUP ||
      !(p->sla_coverages & (1u << r->coverage))) {
    classifier_trail(r, "sla: none (kind %s, coverage %s, §7)", classifier_kind_name(r->kind),
                     classifier_coverage_name(r->coverage) ? classifier_coverage_name(r->coverage) : "null");
    return;
  }
  const ClassifierSlaTerm *s = &p->sla[r->tier];
  const ClassifierClock *c = s->clock;
  gint64 t0 = g_date_time_to_unix(r->received);
  r->has_sla = TRUE;
  r->sla_clock = c->name;
  r->response_due = deadline(p, c, t0, (gint64)s->response_minutes * 60);
  r->plan_due = deadline(p, c, t0, (gint64)s->plan_minutes * 60);
  classifier_trail(r, "sla %s (tier %s): response %d min, plan %d min of clock time from received", c->name,
                   r->tier ? classifier_tier_name(r->tier) : "unknown", s->response_minutes, s->plan_minutes);
  holiday_years_check(r, p, c, t0);
  if (r->kind != CLASSIFIER_KIND_FAULT) {
    classifier_trail(r, "sla: no on-site deadline for kind %s", classifier_kind_name(r->kind));
    return;
  }
  if (a && a->kind == CLASSIFIER_ASSET_PART) {
    classifier_trail(r, "sla: no on-site deadline for a parts order");
    return;
  }
  if (r->onsite_class != CLASSIFIER_ONSITE_4H && r->onsite_class != CLASSIFIER_ONSITE_NEXT_DAY) {
    classifier_trail(r, "sla: no on-site deadline in a %s area",
                     classifier_onsite_class_name(r->onsite_class));
    return;
  }
  if (s->fast_minutes && r->priority == s->fast_priority && r->onsite_class == s->fast_class) {
    r->onsite_due = deadline(p, c, t0, (gint64)s->fast_minutes * 60);
    classifier_trail(r, "sla on-site: %d min for %s in a %s area", s->fast_minutes,
                     classifier_priority_name(s->fast_priority), classifier_onsite_class_name(s->fast_class));
  } else if (s->onsite_rule == CLASSIFIER_ONSITE_RULE_NBD) {
    gint64 t = classifier_clock_next_close(p, c, t0);
    if (t >= 0)
      r->onsite_due = classifier_policy_local_time(p, t);
    classifier_trail(r, "sla on-site: NBD, closing time of the first business day after the received date");
  } else {
    r->onsite_due = deadline(p, c, t0, (gint64)s->onsite_minutes * 60);
    classifier_trail(r, "sla on-site: %d min (ND)", s->onsite_minutes);
  }
  if (r->onsite_due && g_date_time_get_year(r->onsite_due) != g_date_time_get_year(r->received))
    holiday_years_check(r, p, c, g_date_time_to_unix(r->onsite_due));
}
