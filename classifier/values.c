/* values.c: the contract's spellings of the enums, and the text forms of values the policy rows and the
 * asset registry use (PostgreSQL's text output, spreadsheet dates), each read in one place. */
#include "classifier-private.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

G_DEFINE_QUARK(classifier - error - quark, classifier_error)

/* ---------- enum names ---------- */

static const char *const kind_names[] = { "fault",       "software", "consultation",
                                          "value_added", "followup", "ignored" };
static const char *const component_names[] = { "machine_part",   "auxiliary", "peripheral",
                                               "other_material", "gpu",       "roycom_software",
                                               "other_software", "system",    "unknown" };
static const char *const coverage_names[] = { NULL,      "covered",     "chargeable",
                                              "expired", "not_covered", "needs_review" };
static const char *const tier_names[] = { NULL, "silver", "gold" };
static const char *const severity_names[] = { NULL, "S1", "S2", "S3" };
static const char *const priority_names[] = { NULL, "P1", "P2", "P3", "P4" };
static const char *const onsite_names[] = { "4h", "next_day", "negotiated", "unknown" };
static const char *const keyword_category_names[] = { "component",   "exclusion", "kind",    "severity",
                                                      "value_added", "mask",      "negation" };
static const char *const field_names[] = { "sn",      "model", "symptoms", "address",
                                           "contact", "phone", "location" };

#define NAME_SET(names)                                                                                      \
  {                                                                                                          \
    names, G_N_ELEMENTS(names)                                                                               \
  }
static const struct {
  const char *const *names;
  guint n;
} name_sets[] = {
  [CLASSIFIER_NAMES_KIND] = NAME_SET(kind_names),
  [CLASSIFIER_NAMES_COMPONENT] = NAME_SET(component_names),
  [CLASSIFIER_NAMES_COVERAGE] = NAME_SET(coverage_names),
  [CLASSIFIER_NAMES_TIER] = NAME_SET(tier_names),
  [CLASSIFIER_NAMES_SEVERITY] = NAME_SET(severity_names),
  [CLASSIFIER_NAMES_PRIORITY] = NAME_SET(priority_names),
  [CLASSIFIER_NAMES_ONSITE] = NAME_SET(onsite_names),
  [CLASSIFIER_NAMES_FIELD] = NAME_SET(field_names),
  [CLASSIFIER_NAMES_KEYWORD_CATEGORY] = NAME_SET(keyword_category_names),
};

static const char *
name_of(ClassifierNameSet set, int v)
{
  return v >= 0 && (guint)v < name_sets[set].n ? name_sets[set].names[v] : NULL;
}

int
classifier_name_lookup(ClassifierNameSet set, const char *s)
{
  for (guint i = 0; s && i < name_sets[set].n; i++)
    if (name_sets[set].names[i] && g_str_equal(name_sets[set].names[i], s))
      return (int)i;
  return -1;
}

const char *
classifier_kind_name(ClassifierKind v)
{
  return name_of(CLASSIFIER_NAMES_KIND, (int)v);
}
const char *
classifier_component_name(ClassifierComponent v)
{
  return name_of(CLASSIFIER_NAMES_COMPONENT, (int)v);
}
const char *
classifier_coverage_name(ClassifierCoverage v)
{
  return name_of(CLASSIFIER_NAMES_COVERAGE, (int)v);
}
const char *
classifier_tier_name(ClassifierTier v)
{
  return name_of(CLASSIFIER_NAMES_TIER, (int)v);
}
const char *
classifier_severity_name(ClassifierSeverity v)
{
  return name_of(CLASSIFIER_NAMES_SEVERITY, (int)v);
}
const char *
classifier_priority_name(ClassifierPriority v)
{
  return name_of(CLASSIFIER_NAMES_PRIORITY, (int)v);
}
const char *
classifier_onsite_class_name(ClassifierOnsiteClass v)
{
  return name_of(CLASSIFIER_NAMES_ONSITE, (int)v);
}
const char *
classifier_field_name(ClassifierField v)
{
  return name_of(CLASSIFIER_NAMES_FIELD, (int)v);
}

/* ---------- value parsers (PostgreSQL text output) ---------- */

gboolean
classifier_parse_int(const char *s, int min, int max, int *out)
{
  if (!s || !*s)
    return FALSE;
  char *end = NULL;
  errno = 0;
  long v = strtol(s, &end, 10);
  while (end && (*end == ' ' || *end == '\t'))
    end++;
  if (errno || !end || *end || v < min || v > max)
    return FALSE;
  *out = (int)v;
  return TRUE;
}

gboolean
classifier_parse_bool(const char *s, gboolean *out)
{
  static const char *const yes[] = { "t", "true", "yes", "y", "1", "on" };
  static const char *const no[] = { "f", "false", "no", "n", "0", "off" };
  for (guint i = 0; i < G_N_ELEMENTS(yes); i++) {
    if (!g_ascii_strcasecmp(s, yes[i])) {
      *out = TRUE;
      return TRUE;
    }
    if (!g_ascii_strcasecmp(s, no[i])) {
      *out = FALSE;
      return TRUE;
    }
  }
  return FALSE;
}

/* Up to max digits at *p into *v; the number of digits read. */
static int
read_digits(const char **p, int max, int *v)
{
  int n = 0;
  *v = 0;
  for (; n < max && g_ascii_isdigit(**p); n++)
    *v = *v * 10 + (*(*p)++ - '0');
  return n;
}

/* A time of day after a date, and nothing else: H:MM or HH:MM[:SS[.fff]], an optional AM/PM, and an
 * optional zone (Z, +08:00, +0800, UTC, CST, UTC+8). The zone does not move the date: a registry date
 * is the ERP's calendar day, whatever clock the export wrote beside it. */
static gboolean
time_tail(const char *p)
{
  int h, m, sec = 0, x;
  if (!read_digits(&p, 2, &h) || *p++ != ':' || read_digits(&p, 2, &m) != 2)
    return FALSE;
  if (*p == ':') {
    p++;
    if (read_digits(&p, 2, &sec) != 2)
      return FALSE;
    if (*p == '.' || *p == ',') {
      p++;
      if (!g_ascii_isdigit(*p))
        return FALSE;
      while (g_ascii_isdigit(*p))
        p++;
    }
  }
  if (h > 23 || m > 59 || sec > 60)
    return FALSE;
  while (*p == ' ')
    p++;
  if ((*p == 'A' || *p == 'a' || *p == 'P' || *p == 'p') && (p[1] == 'M' || p[1] == 'm') &&
      !g_ascii_isalpha(p[2])) {
    if (h < 1 || h > 12)
      return FALSE;
    for (p += 2; *p == ' ';)
      p++;
  }
  int letters = 0;
  while (g_ascii_isalpha(p[letters]))
    letters++;
  if (letters > 5)
    return FALSE;
  p += letters;
  if (*p == '+' || *p == '-') {
    p++;
    if (!read_digits(&p, 2, &x) || x > 14)
      return FALSE;
    if (*p == ':')
      p++;
    if (g_ascii_isdigit(*p) && (read_digits(&p, 2, &x) != 2 || x > 59))
      return FALSE;
  }
  while (*p == ' ')
    p++;
  return *p == '\0';
}

/* YYYY-MM-DD; also YYYY/M/D and YYYY.M.D (spreadsheet exports), YYYY年M月D日 and YYYYMMDD; each may be
 * followed by a valid time of day (time_tail: "2025-03-10 00:00:00", "2025/3/10 0:00",
 * "2025-03-10T08:00:00+08:00"), never by anything else. */
gboolean
classifier_parse_date(const char *s, GDate *out)
{
  if (!s)
    return FALSE;
  while (*s == ' ')
    s++;
  int y = 0, m = 0, d = 0;
  const char *p = s;
  int n = read_digits(&p, 8, &y);
  if (n == 8) { /* YYYYMMDD */
    d = y % 100;
    m = y / 100 % 100;
    y /= 10000;
  } else if (n != 4) {
    return FALSE;
  } else if (!strncmp(p, "年", 3)) {
    p += 3;
    if (!read_digits(&p, 2, &m) || strncmp(p, "月", 3))
      return FALSE;
    p += 3;
    if (!read_digits(&p, 2, &d) || strncmp(p, "日", 3))
      return FALSE;
    p += 3;
  } else {
    if (*p != '-' && *p != '/' && *p != '.')
      return FALSE;
    char sep = *p++;
    if (!read_digits(&p, 2, &m) || *p++ != sep || !read_digits(&p, 2, &d))
      return FALSE;
  }
  /* what follows: nothing, or a time after 'T' or blanks (PostgreSQL never sends one for a date) */
  if (*p == 'T') {
    if (!time_tail(p + 1))
      return FALSE;
  } else if (*p == ' ') {
    while (*p == ' ')
      p++;
    if (*p && !time_tail(p))
      return FALSE;
  } else if (*p) {
    return FALSE;
  }
  if (y < 1900 || y > 2999 || !g_date_valid_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y))
    return FALSE;
  g_date_clear(out, 1);
  g_date_set_dmy(out, (GDateDay)d, (GDateMonth)m, (GDateYear)y);
  return TRUE;
}

/* HH:MM or HH:MM:SS → seconds after midnight (24:00 allowed). */
gboolean
classifier_parse_time_of_day(const char *s, int *out)
{
  int h, m, sec = 0;
  char tail;
  int n = sscanf(s, "%d:%d:%d%c", &h, &m, &sec, &tail);
  if (n != 2 && n != 3)
    return FALSE;
  if (h < 0 || h > 24 || m < 0 || m > 59 || sec < 0 || sec > 59 || (h == 24 && (m || sec)))
    return FALSE;
  *out = h * 3600 + m * 60 + sec;
  return TRUE;
}

/* {1,2,3} or 1,2,3 of ISO weekdays → bit set. */
gboolean
classifier_parse_weekdays(const char *s, guint8 *out)
{
  g_autofree char *copy = g_strdup(s);
  char *p = copy;
  gsize l = strlen(p);
  if (l && p[0] == '{' && p[l - 1] == '}') {
    p[l - 1] = '\0';
    p++;
  }
  g_auto(GStrv) parts = g_strsplit(p, ",", -1);
  guint8 mask = 0;
  for (guint i = 0; parts[i]; i++) {
    int d;
    g_strstrip(parts[i]);
    if (!classifier_parse_int(parts[i], 1, 7, &d))
      return FALSE;
    mask |= (guint8)(1u << d);
  }
  *out = mask;
  return mask != 0;
}

/* ---------- text normalisation ---------- */

char *
classifier_text_fold(const char *text, gssize len)
{
  char *s = classifier_text_nfkc(text, len);
  classifier_ascii_lower(s);
  return s;
}

void
classifier_ascii_lower(char *s)
{
  for (; *s; s++)
    if (*s >= 'A' && *s <= 'Z')
      *s = (char)(*s + ('a' - 'A'));
}

/* The parser's NFKC (parsed fields are in that form already); text from elsewhere (the registry, the
 * policy rows) is made valid UTF-8 first. */
char *
classifier_text_nfkc(const char *text, gssize len)
{
  if (!text)
    return g_strdup("");
  gsize l = len < 0 ? strlen(text) : (gsize)len;
  if (g_utf8_validate_len(text, l, NULL))
    return parser_nfkc(text, (gssize)l);
  g_autofree char *valid = g_utf8_make_valid(text, (gssize)l);
  return parser_nfkc(valid, -1);
}
