/* sla.c: clock arithmetic for policy §7 — business time on a 5x8 calendar with holidays and make-up
 * days, wall time on 7x24, next-business-day closing, and paused intervals that do not count. */
#include "classifier-private.h"

#include <string.h>

#define NEVER G_MAXINT64

/* Local offset (seconds east of UTC) at UTC instant t. */
static gint32
offset_at_utc(const ClassifierPolicy *p, gint64 t)
{
  gint iv = g_time_zone_find_interval(p->tz, G_TIME_TYPE_UNIVERSAL, t);
  return iv < 0 ? 0 : g_time_zone_get_offset(p->tz, iv);
}

/* UTC instant of local day (days since 1970-01-01) + seconds. */
static gint64
local_to_utc(const ClassifierPolicy *p, gint64 local_day, gint64 secs)
{
  gint64 local = local_day * 86400 + secs;
  gint iv = g_time_zone_find_interval(p->tz, G_TIME_TYPE_STANDARD, local);
  gint32 off = iv < 0 ? offset_at_utc(p, local) : g_time_zone_get_offset(p->tz, iv);
  return local - off;
}

gint64
classifier_policy_local_day(const ClassifierPolicy *p, gint64 t)
{
  gint64 local = t + offset_at_utc(p, t);
  return local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
}

guint32
classifier_julian_of_local_day(gint64 local_day)
{
  /* GDate's julian day 1 is 0001-01-01; 1970-01-01 is 719163 */
  return (guint32)(local_day + 719163);
}

static int
isodow(gint64 local_day)
{
  /* 1970-01-01 was a Thursday (4) */
  gint64 r = (local_day + 3) % 7;
  if (r < 0)
    r += 7;
  return (int)r + 1;
}

gboolean
classifier_clock_is_business_day(const ClassifierPolicy *p, const ClassifierClock *c, gint64 local_day)
{
  if (c->wall)
    return TRUE;
  if (c->holidays) {
    int kind = GPOINTER_TO_INT(
      g_hash_table_lookup(p->days, GUINT_TO_POINTER(classifier_julian_of_local_day(local_day))));
    if (kind == CLASSIFIER_DAY_HOLIDAY)
      return FALSE;
    if (kind == CLASSIFIER_DAY_WORKDAY)
      return TRUE;
  }
  return (c->workdays & (1u << isodow(local_day))) != 0;
}

/* The business window [*ws, *we) that contains t or comes first after it. FALSE if none within 3 years. */
static gboolean
window_from(const ClassifierPolicy *p, const ClassifierClock *c, gint64 t, gint64 *ws, gint64 *we)
{
  if (c->wall) {
    *ws = t;
    *we = NEVER;
    return TRUE;
  }
  gint64 day = classifier_policy_local_day(p, t);
  for (int i = 0; i < 1100; i++, day++) {
    if (!classifier_clock_is_business_day(p, c, day))
      continue;
    gint64 open = local_to_utc(p, day, c->opens), close = local_to_utc(p, day, c->closes);
    if (close > t) {
      *ws = open;
      *we = close;
      return TRUE;
    }
  }
  return FALSE;
}

/* pauses: n pairs [start, end) sorted by start and merged (end NEVER: open-ended). */
gint64
classifier_clock_add_seconds(const ClassifierPolicy *p, const ClassifierClock *c, gint64 start,
                             gint64 seconds, const gint64 *pauses, guint n_pauses)
{
  gint64 t = start, remaining = seconds < 0 ? 0 : seconds;
  guint pi = 0;
  for (int guard = 0; guard < 100000; guard++) {
    gint64 ws, we;
    if (!window_from(p, c, t, &ws, &we))
      return -1;
    gint64 seg = ws > t ? ws : t;
    while (seg < we) {
      while (pi < n_pauses && pauses[2 * pi + 1] <= seg)
        pi++;
      if (pi < n_pauses && pauses[2 * pi] <= seg) {
        if (pauses[2 * pi + 1] == NEVER)
          return -1;
        seg = pauses[2 * pi + 1];
        continue;
      }
      gint64 seg_end = we;
      if (pi < n_pauses && pauses[2 * pi] < seg_end)
        seg_end = pauses[2 * pi];
      gint64 avail = seg_end - seg;
      if (remaining <= avail)
        return seg + remaining;
      remaining -= avail;
      seg = seg_end;
    }
    t = we;
  }
  return -1;
}

static gint64
clock_elapsed_seconds(const ClassifierPolicy *p, const ClassifierClock *c, gint64 from, gint64 to,
                      const gint64 *pauses, guint n_pauses)
{
  gint64 total = 0, t = from;
  while (t < to) {
    gint64 ws, we;
    if (!window_from(p, c, t, &ws, &we) || ws >= to)
      break;
    gint64 s = ws > t ? ws : t, e = we < to ? we : to;
    gint64 len = e - s;
    for (guint i = 0; i < n_pauses; i++) {
      gint64 ps = pauses[2 * i] > s ? pauses[2 * i] : s;
      gint64 pe = pauses[2 * i + 1] < e ? pauses[2 * i + 1] : e;
      if (pe > ps)
        len -= pe - ps;
    }
    total += len;
    t = we;
  }
  return total;
}

gint64
classifier_clock_next_close(const ClassifierPolicy *p, const ClassifierClock *c, gint64 t)
{
  gint64 day = classifier_policy_local_day(p, t) + 1;
  for (int i = 0; i < 1100; i++, day++)
    if (classifier_clock_is_business_day(p, c, day))
      return local_to_utc(p, day, c->closes);
  return -1;
}

/* ---------- public wrappers ---------- */

static int
cmp_pair(gconstpointer a, gconstpointer b)
{
  const gint64 *x = a, *y = b;
  return x[0] < y[0] ? -1 : x[0] > y[0];
}

/* Sorted, merged [start, end) pairs in unix seconds; *n receives the count. */
static gint64 *
pauses_to_pairs(const ClassifierPause *pauses, guint n_pauses, guint *n)
{
  gint64 *v = g_new(gint64, 2 * (n_pauses ? n_pauses : 1));
  guint k = 0;
  for (guint i = 0; i < n_pauses; i++) {
    if (!pauses[i].start)
      continue;
    gint64 s = g_date_time_to_unix(pauses[i].start);
    gint64 e = pauses[i].end ? g_date_time_to_unix(pauses[i].end) : NEVER;
    if (e <= s)
      continue;
    v[2 * k] = s;
    v[2 * k + 1] = e;
    k++;
  }
  qsort(v, k, 2 * sizeof(gint64), cmp_pair);
  guint m = 0;
  for (guint i = 0; i < k; i++) {
    if (m && v[2 * i] <= v[2 * (m - 1) + 1]) {
      if (v[2 * i + 1] > v[2 * (m - 1) + 1])
        v[2 * (m - 1) + 1] = v[2 * i + 1];
    } else {
      v[2 * m] = v[2 * i];
      v[2 * m + 1] = v[2 * i + 1];
      m++;
    }
  }
  *n = m;
  return v;
}

static const ClassifierClock *
need_clock(const ClassifierPolicy *p, const char *clock, GError **error)
{
  const ClassifierClock *c = classifier_policy_clock(p, clock);
  if (!c)
    g_set_error(error, CLASSIFIER_ERROR, CLASSIFIER_ERROR_POLICY, "unknown SLA clock '%s'",
                clock ? clock : "(null)");
  return c;
}

GDateTime *
classifier_policy_local_time(const ClassifierPolicy *p, gint64 t)
{
  g_autoptr(GDateTime) u = g_date_time_new_from_unix_utc(t);
  return g_date_time_to_timezone(u, p->tz);
}

GDateTime *
classifier_sla_add(const ClassifierPolicy *policy, const char *clock, GDateTime *start, GTimeSpan duration,
                   const ClassifierPause *pauses, guint n_pauses, GError **error)
{
  g_return_val_if_fail(policy && policy->finished && start, NULL);
  const ClassifierClock *c = need_clock(policy, clock, error);
  if (!c)
    return NULL;
  guint n = 0;
  g_autofree gint64 *pairs = pauses_to_pairs(pauses, n_pauses, &n);
  gint64 r = classifier_clock_add_seconds(policy, c, g_date_time_to_unix(start),
                                          duration / G_TIME_SPAN_SECOND, pairs, n);
  if (r < 0) {
    g_set_error(error, CLASSIFIER_ERROR, CLASSIFIER_ERROR_POLICY,
                "no deadline on clock %s: paused without end, or no business day ahead", clock);
    return NULL;
  }
  return classifier_policy_local_time(policy, r);
}

GTimeSpan
classifier_sla_elapsed(const ClassifierPolicy *policy, const char *clock, GDateTime *from, GDateTime *to,
                       const ClassifierPause *pauses, guint n_pauses)
{
  g_return_val_if_fail(policy && policy->finished && from && to, 0);
  const ClassifierClock *c = classifier_policy_clock(policy, clock);
  g_return_val_if_fail(c, 0);
  guint n = 0;
  g_autofree gint64 *pairs = pauses_to_pairs(pauses, n_pauses, &n);
  return clock_elapsed_seconds(policy, c, g_date_time_to_unix(from), g_date_time_to_unix(to), pairs, n) *
         G_TIME_SPAN_SECOND;
}

GDateTime *
classifier_sla_next_business_day_close(const ClassifierPolicy *policy, const char *clock, GDateTime *t,
                                       GError **error)
{
  g_return_val_if_fail(policy && policy->finished && t, NULL);
  const ClassifierClock *c = need_clock(policy, clock, error);
  if (!c)
    return NULL;
  if (c->wall) {
    g_set_error(error, CLASSIFIER_ERROR, CLASSIFIER_ERROR_POLICY, "clock %s has no business days", clock);
    return NULL;
  }
  gint64 r = classifier_clock_next_close(policy, c, g_date_time_to_unix(t));
  if (r < 0) {
    g_set_error(error, CLASSIFIER_ERROR, CLASSIFIER_ERROR_POLICY, "clock %s: no business day ahead", clock);
    return NULL;
  }
  return classifier_policy_local_time(policy, r);
}

GDateTime *
classifier_sla_shift_for_pauses(const ClassifierPolicy *policy, const char *clock, GDateTime *received,
                                GDateTime *due, const ClassifierPause *pauses, guint n_pauses, GError **error)
{
  g_return_val_if_fail(policy && policy->finished && received && due, NULL);
  const ClassifierClock *c = need_clock(policy, clock, error);
  if (!c)
    return NULL;
  gint64 from = g_date_time_to_unix(received), to = g_date_time_to_unix(due);
  gint64 budget = clock_elapsed_seconds(policy, c, from, to, NULL, 0);
  guint n = 0;
  g_autofree gint64 *pairs = pauses_to_pairs(pauses, n_pauses, &n);
  gint64 r = classifier_clock_add_seconds(policy, c, from, budget, pairs, n);
  if (r < 0) {
    g_set_error(error, CLASSIFIER_ERROR, CLASSIFIER_ERROR_POLICY,
                "no deadline on clock %s while paused without end", clock);
    return NULL;
  }
  /* never earlier than the unpaused deadline (a zero budget at a closed hour stays put) */
  return classifier_policy_local_time(policy, r < to ? to : r);
}

gboolean
classifier_sla_is_business_day(const ClassifierPolicy *policy, const char *clock, GDateTime *t)
{
  g_return_val_if_fail(policy && policy->finished && t, FALSE);
  const ClassifierClock *c = classifier_policy_clock(policy, clock);
  g_return_val_if_fail(c, FALSE);
  return classifier_clock_is_business_day(policy, c,
                                          classifier_policy_local_day(policy, g_date_time_to_unix(t)));
}

/* Two digits of v (0..99) at p. */
static char *
put2(char *p, int v)
{
  p[0] = (char)('0' + v / 10);
  p[1] = (char)('0' + v % 10);
  return p + 2;
}

char *
classifier_time_iso(GDateTime *t)
{
  gint y, mo, d;
  g_date_time_get_ymd(t, &y, &mo, &d);
  /* %:z: the offset's sign, hours and minutes (its seconds are not written) */
  gint64 off = g_date_time_get_utc_offset(t) / G_TIME_SPAN_SECOND;
  char sign = off >= 0 ? '+' : '-';
  off = off < 0 ? -off : off;
  char buf[40];
  int n = g_snprintf(buf, 8, "%d", y); /* %Y: GLib pads no year (1..9999) */
  char *p = buf + n;
  *p++ = '-';
  p = put2(p, mo);
  *p++ = '-';
  p = put2(p, d);
  *p++ = 'T';
  p = put2(p, g_date_time_get_hour(t));
  *p++ = ':';
  p = put2(p, g_date_time_get_minute(t));
  *p++ = ':';
  p = put2(p, g_date_time_get_second(t));
  *p++ = sign;
  p = put2(p, (int)(off / 3600));
  *p++ = ':';
  p = put2(p, (int)(off / 60 % 60));
  return g_strndup(buf, p - buf);
}

char *
classifier_format_time(const ClassifierPolicy *policy, GDateTime *t)
{
  g_autoptr(GDateTime) l = g_date_time_to_timezone(t, policy->tz);
  return classifier_time_iso(l);
}
