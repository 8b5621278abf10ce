/* SLA deadlines (policy §7): 5x8 with holidays and make-up days, 7x24, NBD/ND/4 h, pauses. */
#include <criterion/criterion.h>

#include "classifier-private.h"
#include "common.h"

static char *
add(const char *clock, const char *start, int minutes)
{
  g_autoptr(GDateTime) t = t_time(start);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) d =
    classifier_sla_add(t_policy(), clock, t, (GTimeSpan)minutes * G_TIME_SPAN_MINUTE, NULL, 0, &error);
  cr_assert(d, "%s", error ? error->message : "");
  return t_fmt(d);
}

static char *
nbd(const char *start)
{
  g_autoptr(GDateTime) t = t_time(start);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) d = classifier_sla_next_business_day_close(t_policy(), "5x8", t, &error);
  cr_assert(d, "%s", error ? error->message : "");
  return t_fmt(d);
}

typedef struct {
  const char *name, *received;
  const char *response, *plan, *nbd; /* silver: +30 business min, +6 business h, NBD */
} SilverCase;

static const SilverCase silver[] = {
  { "Monday morning", "2026-11-23T10:00:00", "2026-11-23T10:30:00+08:00", "2026-11-23T16:00:00+08:00",
    "2026-11-24T17:00:00+08:00" },
  { "before opening", "2026-11-23T07:12:00", "2026-11-23T09:30:00+08:00", "2026-11-23T15:00:00+08:00",
    "2026-11-24T17:00:00+08:00" },
  { "lands exactly on 17:00 (response)", "2026-11-23T16:30:00", "2026-11-23T17:00:00+08:00",
    "2026-11-24T14:30:00+08:00", "2026-11-24T17:00:00+08:00" },
  { "lands exactly on 17:00 (plan)", "2026-11-23T11:00:00", "2026-11-23T11:30:00+08:00",
    "2026-11-23T17:00:00+08:00", "2026-11-24T17:00:00+08:00" },
  { "16:50 across the night", "2026-11-23T16:50:00", "2026-11-24T09:20:00+08:00", "2026-11-24T14:50:00+08:00",
    "2026-11-24T17:00:00+08:00" },
  { "at 17:00 sharp", "2026-11-23T17:00:00", "2026-11-24T09:30:00+08:00", "2026-11-24T15:00:00+08:00",
    "2026-11-24T17:00:00+08:00" },
  { "evening", "2026-11-23T20:00:00", "2026-11-24T09:30:00+08:00", "2026-11-24T15:00:00+08:00",
    "2026-11-24T17:00:00+08:00" },
  { "Friday 16:50 across the weekend", "2026-11-27T16:50:00", "2026-11-30T09:20:00+08:00",
    "2026-11-30T14:50:00+08:00", "2026-11-30T17:00:00+08:00" },
  { "Saturday night", "2026-11-21T23:26:30", "2026-11-23T09:30:00+08:00", "2026-11-23T15:00:00+08:00",
    "2026-11-23T17:00:00+08:00" },
  { "Sunday 03:00", "2026-11-22T03:00:00", "2026-11-23T09:30:00+08:00", "2026-11-23T15:00:00+08:00",
    "2026-11-23T17:00:00+08:00" },
  /* National Day 2026: 10-01..10-07 off, Saturday 10-10 a make-up working day */
  { "the day before National Day, 16:50", "2026-09-30T16:50:00", "2026-10-08T09:20:00+08:00",
    "2026-10-08T14:50:00+08:00", "2026-10-08T17:00:00+08:00" },
  { "inside the National Day week", "2026-10-03T11:00:00", "2026-10-08T09:30:00+08:00",
    "2026-10-08T15:00:00+08:00", "2026-10-08T17:00:00+08:00" },
  { "Friday 10-09 16:50: the make-up Saturday counts", "2026-10-09T16:50:00", "2026-10-10T09:20:00+08:00",
    "2026-10-10T14:50:00+08:00", "2026-10-10T17:00:00+08:00" },
  { "on the make-up Saturday", "2026-10-10T10:00:00", "2026-10-10T10:30:00+08:00",
    "2026-10-10T16:00:00+08:00", "2026-10-12T17:00:00+08:00" },
  { "make-up Saturday 16:00, plan on Monday", "2026-10-10T16:00:00", "2026-10-10T16:30:00+08:00",
    "2026-10-12T14:00:00+08:00", "2026-10-12T17:00:00+08:00" },
  /* 16:50 on the Friday before a holiday (清明 2026: Sat 04-04..Mon 04-06) */
  { "Friday before Qingming, 16:50", "2026-04-03T16:50:00", "2026-04-07T09:20:00+08:00",
    "2026-04-07T14:50:00+08:00", "2026-04-07T17:00:00+08:00" },
  /* Friday before the Mid-Autumn holiday, with Sunday 09-20 a make-up day */
  { "Friday 09-18 16:50, make-up Sunday", "2026-09-18T16:50:00", "2026-09-20T09:20:00+08:00",
    "2026-09-20T14:50:00+08:00", "2026-09-20T17:00:00+08:00" },
  { "Thursday before the Friday holiday 09-25", "2026-09-24T16:50:00", "2026-09-28T09:20:00+08:00",
    "2026-09-28T14:50:00+08:00", "2026-09-28T17:00:00+08:00" },
  /* Spring Festival 2026: Sat 02-14 make-up, 02-15..02-23 off */
  { "Friday before the Spring Festival", "2026-02-13T16:50:00", "2026-02-14T09:20:00+08:00",
    "2026-02-14T14:50:00+08:00", "2026-02-14T17:00:00+08:00" },
  { "last make-up day before the Spring Festival", "2026-02-14T16:00:00", "2026-02-14T16:30:00+08:00",
    "2026-02-24T14:00:00+08:00", "2026-02-24T17:00:00+08:00" },
  /* 2025: National Day 10-01..10-08, make-up Sunday 09-28 and Saturday 10-11 */
  { "2025 Friday 09-26 16:50", "2025-09-26T16:50:00", "2025-09-28T09:20:00+08:00",
    "2025-09-28T14:50:00+08:00", "2025-09-28T17:00:00+08:00" },
  { "2025 the day before National Day", "2025-09-30T16:50:00", "2025-10-09T09:20:00+08:00",
    "2025-10-09T14:50:00+08:00", "2025-10-09T17:00:00+08:00" },
  { "2025 New Year's Day", "2025-01-01T10:00:00", "2025-01-02T09:30:00+08:00", "2025-01-02T15:00:00+08:00",
    "2025-01-02T17:00:00+08:00" },
  { "2026 New Year, make-up Sunday 01-04", "2025-12-31T16:50:00", "2026-01-04T09:20:00+08:00",
    "2026-01-04T14:50:00+08:00", "2026-01-04T17:00:00+08:00" },
};

Test(sla, silver_5x8)
{
  for (guint i = 0; i < G_N_ELEMENTS(silver); i++) {
    const SilverCase *c = &silver[i];
    g_autofree char *r = add("5x8", c->received, 30), *p = add("5x8", c->received, 360),
                    *n = nbd(c->received);
    cr_expect_str_eq(r, c->response, "[%s] response: expected %s, got %s", c->name, c->response, r);
    cr_expect_str_eq(p, c->plan, "[%s] plan: expected %s, got %s", c->name, c->plan, p);
    cr_expect_str_eq(n, c->nbd, "[%s] NBD: expected %s, got %s", c->name, c->nbd, n);
  }
}

Test(sla, gold_7x24)
{
  g_autofree char *r = add("7x24", "2026-11-22T03:00:00", 30), *p = add("7x24", "2026-11-22T03:00:00", 240);
  cr_expect_str_eq(r, "2026-11-22T03:30:00+08:00");
  cr_expect_str_eq(p, "2026-11-22T07:00:00+08:00");
  g_autofree char *h = add("7x24", "2026-10-01T23:50:00", 30);
  cr_expect_str_eq(h, "2026-10-02T00:20:00+08:00", "holidays do not stop 7x24");
}

/* Through classify: which deadlines apply (kind, coverage, tier, area, priority). */
typedef struct {
  const char *name;
  const char *tier; /* NULL: SN not registered */
  const char *text, *city, *district, *received;
  const char *clock, *response, *plan, *onsite; /* clock NULL: sla null */
} ClassifyCase;

static const ClassifyCase flows[] = {
  { "gold P1 in a 4h area, Sunday 03:00: 4 h on site", "gold", "服务器宕机", "北京市", "海淀区",
    "2026-11-22T03:00:00", "7x24", "2026-11-22T03:30:00+08:00", "2026-11-22T07:00:00+08:00",
    "2026-11-22T07:00:00+08:00" },
  { "gold P1 in a next_day area: ND", "gold", "服务器宕机", "上海市", "浦东新区", "2026-11-22T03:00:00",
    "7x24", "2026-11-22T03:30:00+08:00", "2026-11-22T07:00:00+08:00", "2026-11-23T03:00:00+08:00" },
  { "gold P2 in a 4h area: ND", "gold", "硬盘故障", "北京市", "海淀区", "2026-11-22T03:00:00", "7x24",
    "2026-11-22T03:30:00+08:00", "2026-11-22T07:00:00+08:00", "2026-11-23T03:00:00+08:00" },
  { "silver Sunday 03:00 in a 4h area: NBD", "silver", "服务器宕机", "北京市", "海淀区",
    "2026-11-22T03:00:00", "5x8", "2026-11-23T09:30:00+08:00", "2026-11-23T15:00:00+08:00",
    "2026-11-23T17:00:00+08:00" },
  { "unknown tier runs on 5x8", NULL, "服务器宕机", "北京市", "海淀区", "2026-11-22T03:00:00", "5x8",
    "2026-11-23T09:30:00+08:00", "2026-11-23T15:00:00+08:00", "2026-11-23T17:00:00+08:00" },
  { "negotiated area: no on-site deadline", "gold", "服务器宕机", "拉萨市", NULL, "2026-11-22T03:00:00",
    "7x24", "2026-11-22T03:30:00+08:00", "2026-11-22T07:00:00+08:00", NULL },
  { "unknown area: no on-site deadline", "silver", "硬盘故障", NULL, NULL, "2026-11-23T10:00:00", "5x8",
    "2026-11-23T10:30:00+08:00", "2026-11-23T16:00:00+08:00", NULL },
  { "software: no on-site deadline", "gold", "操作系统里的数据库报错", "北京市", "海淀区",
    "2026-11-23T10:00:00", NULL, NULL, NULL, NULL }, /* customer_scope: not_covered → no SLA at all */
  { "consultation: response and plan only", "silver", "请问如何升级BMC固件", "北京市", "海淀区",
    "2026-11-23T10:00:00", "5x8", "2026-11-23T10:30:00+08:00", "2026-11-23T16:00:00+08:00", NULL },
  { "expired: none", "silver", "硬盘故障", "北京市", "海淀区", "2030-11-25T10:00:00", NULL, NULL, NULL,
    NULL },
};

Test(sla, through_classify)
{
  for (guint i = 0; i < G_N_ELEMENTS(flows); i++) {
    const ClassifyCase *c = &flows[i];
    g_autoptr(ClassifierAsset) a = c->tier ? t_asset("RCS25M0123456", c->tier, "2025-11-03") : NULL;
    g_autoptr(ParserRequest) req = t_request_full("RCS25M0123456", c->text, c->city, c->district);
    g_autoptr(ClassifierResult) r = t_classify(req, a, c->received);
    g_autofree char *explain = classifier_result_explain(r);
    if (!c->clock) {
      cr_expect_not(r->has_sla, "[%s] expected no SLA\n%s", c->name, explain);
      continue;
    }
    cr_expect(r->has_sla, "[%s] expected an SLA\n%s", c->name, explain);
    if (!r->has_sla)
      continue;
    g_autofree char *rs = t_fmt(r->response_due), *ps = t_fmt(r->plan_due), *os = t_fmt(r->onsite_due);
    cr_expect_str_eq(r->sla_clock, c->clock, "[%s] clock", c->name);
    cr_expect_str_eq(rs, c->response, "[%s] response: expected %s, got %s", c->name, c->response, rs);
    cr_expect_str_eq(ps, c->plan, "[%s] plan: expected %s, got %s", c->name, c->plan, ps);
    cr_expect_str_eq(os, c->onsite ? c->onsite : "null", "[%s] onsite: expected %s, got %s\n%s", c->name,
                     c->onsite ? c->onsite : "null", os, explain);
  }
}

/* A mail of New Year's Eve on a business-hours clock, in a year whose holidays are seeded and the
 * next one's not: the trail warns about the year the deadlines reach (ops add the new notice). */
Test(sla, a_year_without_holidays_is_warned_of)
{
  g_autoptr(ClassifierAsset) a = t_asset("RCS25M0123456", "silver", "2025-11-03");
  g_autoptr(ParserRequest) req = t_request_full("RCS25M0123456", "硬盘告警", "北京市", "海淀区");
  g_autoptr(ClassifierResult) r = t_classify(req, a, "2026-12-31T18:00:00");
  g_autofree char *explain = classifier_result_explain(r);
  cr_expect(strstr(explain, "no rows for 2027"), "%s", explain);
  g_autoptr(ClassifierResult) inside = t_classify(req, a, "2026-12-01T10:00:00");
  g_autofree char *quiet = classifier_result_explain(inside);
  cr_expect_null(strstr(quiet, "WARNING the holiday table"), "%s", quiet);
}

static GDateTime *
pause_add(const char *clock, const char *start, int minutes, const char *const *pauses, guint n)
{
  ClassifierPause p[8];
  for (guint i = 0; i < n; i++) {
    p[i].start = t_time(pauses[2 * i]);
    p[i].end = pauses[2 * i + 1] ? t_time(pauses[2 * i + 1]) : NULL;
  }
  g_autoptr(GDateTime) t = t_time(start);
  GDateTime *d =
    classifier_sla_add(t_policy(), clock, t, (GTimeSpan)minutes * G_TIME_SPAN_MINUTE, p, n, NULL);
  for (guint i = 0; i < n; i++) {
    g_date_time_unref(p[i].start);
    if (p[i].end)
      g_date_time_unref(p[i].end);
  }
  return d;
}

Test(sla, pauses)
{
  {
    const char *p[] = { "2026-11-23T10:10:00", "2026-11-23T10:40:00" };
    g_autoptr(GDateTime) d = pause_add("5x8", "2026-11-23T10:00:00", 30, p, 1);
    g_autofree char *s = t_fmt(d);
    cr_expect_str_eq(s, "2026-11-23T11:00:00+08:00", "30 paused minutes move the response by 30");
  }
  {
    /* a pause over the night costs only its business part (16:30-17:00 and 09:00-10:00) */
    const char *p[] = { "2026-11-23T16:30:00", "2026-11-24T10:00:00" };
    g_autoptr(GDateTime) d = pause_add("5x8", "2026-11-23T16:00:00", 60, p, 1);
    g_autofree char *s = t_fmt(d);
    cr_expect_str_eq(s, "2026-11-24T10:30:00+08:00");
  }
  {
    /* overlapping and unordered pauses are merged */
    const char *p[] = { "2026-11-23T10:20:00", "2026-11-23T10:40:00", "2026-11-23T10:05:00",
                        "2026-11-23T10:25:00" };
    g_autoptr(GDateTime) d = pause_add("5x8", "2026-11-23T10:00:00", 30, p, 2);
    g_autofree char *s = t_fmt(d);
    cr_expect_str_eq(s, "2026-11-23T11:05:00+08:00");
  }
  {
    const char *p[] = { "2026-11-22T04:00:00", "2026-11-22T06:00:00" };
    g_autoptr(GDateTime) d = pause_add("7x24", "2026-11-22T03:00:00", 240, p, 1);
    g_autofree char *s = t_fmt(d);
    cr_expect_str_eq(s, "2026-11-22T09:00:00+08:00", "7x24: every paused second counts");
  }
  {
    const char *p[] = { "2026-11-23T10:10:00", NULL };
    g_autoptr(GDateTime) d = pause_add("5x8", "2026-11-23T10:00:00", 30, p, 1);
    cr_expect_null(d, "an open pause: no deadline yet");
  }
  {
    /* a pause before the start or on a closed day changes nothing */
    const char *p[] = { "2026-11-21T10:00:00", "2026-11-22T20:00:00" };
    g_autoptr(GDateTime) d = pause_add("5x8", "2026-11-21T23:00:00", 30, p, 1);
    g_autofree char *s = t_fmt(d);
    cr_expect_str_eq(s, "2026-11-23T09:30:00+08:00");
  }
}

Test(sla, shift_for_pauses_and_elapsed)
{
  const ClassifierPolicy *p = t_policy();
  g_autoptr(GDateTime) recv = t_time("2026-11-21T23:26:30"); /* Saturday */
  g_autoptr(GDateTime) due = classifier_sla_next_business_day_close(p, "5x8", recv, NULL);
  ClassifierPause pause = { t_time("2026-11-23T09:00:00"), t_time("2026-11-23T12:00:00") };
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) moved = classifier_sla_shift_for_pauses(p, "5x8", recv, due, &pause, 1, &error);
  g_autofree char *s = t_fmt(moved);
  cr_expect_str_eq(s, "2026-11-24T12:00:00+08:00", "NBD Monday 17:00 + 3 paused business hours");
  GTimeSpan el = classifier_sla_elapsed(p, "5x8", recv, due, NULL, 0);
  cr_expect_eq(el, 8 * G_TIME_SPAN_HOUR);
  GTimeSpan el2 = classifier_sla_elapsed(p, "5x8", recv, due, &pause, 1);
  cr_expect_eq(el2, 5 * G_TIME_SPAN_HOUR);
  g_autoptr(GDateTime) same = classifier_sla_shift_for_pauses(p, "5x8", recv, due, NULL, 0, &error);
  cr_expect(g_date_time_equal(same, due));
  g_date_time_unref(pause.start);
  g_date_time_unref(pause.end);
  cr_expect_null(classifier_sla_add(p, "24x7", recv, 60, NULL, 0, NULL), "unknown clock");
}

Test(sla, business_days)
{
  static const struct {
    const char *day;
    gboolean open;
  } days[] = {
    { "2026-11-23T12:00:00", TRUE },  { "2026-11-21T12:00:00", FALSE }, { "2026-11-22T12:00:00", FALSE },
    { "2026-10-01T12:00:00", FALSE }, { "2026-10-07T12:00:00", FALSE }, { "2026-10-08T12:00:00", TRUE },
    { "2026-10-10T12:00:00", TRUE },  { "2026-09-20T12:00:00", TRUE },  { "2026-09-25T12:00:00", FALSE },
    { "2025-10-08T12:00:00", FALSE }, { "2025-10-11T12:00:00", TRUE },  { "2025-01-26T12:00:00", TRUE },
    { "2025-02-04T12:00:00", FALSE }, { "2025-02-05T12:00:00", TRUE },  { "2025-06-02T12:00:00", FALSE },
    { "2026-06-19T12:00:00", FALSE }, { "2026-02-28T12:00:00", TRUE },  { "2026-05-09T12:00:00", TRUE },
    { "2026-01-03T12:00:00", FALSE }, { "2026-01-04T12:00:00", TRUE },  { "2025-04-27T12:00:00", TRUE },
  };
  for (guint i = 0; i < G_N_ELEMENTS(days); i++) {
    g_autoptr(GDateTime) t = t_time(days[i].day);
    cr_expect_eq(classifier_sla_is_business_day(t_policy(), "5x8", t), days[i].open, "%s", days[i].day);
    cr_expect(classifier_sla_is_business_day(t_policy(), "7x24", t));
  }
}

Test(sla, year_without_holiday_rows_warns)
{
  g_autoptr(ParserRequest) req = t_request_full("RCS25A0012345", "硬盘故障", "北京市", "海淀区");
  g_autoptr(ClassifierAsset) a = t_asset("RCS25A0012345", "silver", "2025-03-10");
  g_autoptr(ClassifierResult) r = t_classify(req, a, "2027-06-01T10:00:00");
  g_autofree char *explain = classifier_result_explain(r);
  cr_expect(strstr(explain, "no rows for 2027"), "%s", explain);
}

/* classifier_time_iso writes what g_date_time_format(CLASSIFIER_TIME_FORMAT) writes, in any zone. */
Test(format, time_iso_as_glib_writes_it)
{
  const char *zones[] = {
    "UTC",           "Asia/Shanghai", "America/St_Johns", "Asia/Kathmandu", "Pacific/Chatham",
    "Europe/Dublin", "-09:30",        "+05:45",           "+14:00",         "-00:30"
  };
  GRand *rng = g_rand_new_with_seed(7);
  for (guint z = 0; z < G_N_ELEMENTS(zones); z++) {
    g_autoptr(GTimeZone) tz = g_time_zone_new_identifier(zones[z]);
    if (!tz)
      continue; /* no zone database entry: the fixed offsets still run */
    for (guint i = 0; i < 500; i++) {
      gint64 unix = (gint64)g_rand_double_range(rng, -62135596800.0 + 86400 * 400, 4102444800.0);
      g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc(unix);
      g_autoptr(GDateTime) t = g_date_time_to_timezone(utc, tz);
      g_autofree char *want = g_date_time_format(t, "%Y-%m-%dT%H:%M:%S%:z");
      g_autofree char *got = classifier_time_iso(t);
      cr_assert_str_eq(got, want, "%s at %" G_GINT64_FORMAT, zones[z], unix);
    }
  }
  g_rand_free(rng);
}
