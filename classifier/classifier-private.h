/* classifier-private.h: declarations shared between the classifier's own files; not a public API. */
#ifndef INTAKE_CLASSIFIER_PRIVATE_H
#define INTAKE_CLASSIFIER_PRIVATE_H

#include "classifier.h"

/* Keyword categories (keywords.category). */
typedef enum {
  KW_COMPONENT,   /* code: a component name */
  KW_EXCLUSION,   /* code: an exclusion reason code (policy §5.3) */
  KW_KIND,        /* code: consultation */
  KW_SEVERITY,    /* code: S1 | S2 */
  KW_VALUE_ADDED, /* code: the paid service */
  KW_MASK,        /* phrases that are never evidence (GPU服务器: a server, not a GPU) */
  KW_NEGATION,    /* a clause with one of these (没有告警) gives no evidence */
  KW_N_CATEGORIES
} KeywordCategory;

typedef struct {
  KeywordCategory category;
  char *code;
  int code_value; /* component / severity enum for those categories */
  char *text;     /* NFKC, ASCII lower case */
  gsize len;
  gboolean word_start, word_end; /* ASCII keyword: needs a non-alnum neighbour */
  char **requires;               /* NULL or terms one of which must occur in the same clause */
  gint32 next;                   /* next keyword with the same first two bytes, -1 */
} Keyword;

typedef struct {
  char *brand;
  int from_year, to_year;
  ClassifierCoverage coverage;
} PartsTerm;

typedef struct {
  char *name;
  gboolean wall;     /* 7x24: every second counts */
  int opens, closes; /* seconds after local midnight */
  guint8 workdays;   /* bit (1 << isodow), isodow 1..7 */
  gboolean holidays; /* observes the holiday table */
} Clock;

typedef enum { ONSITE_RULE_NBD, ONSITE_RULE_ELAPSED } OnsiteRule;

typedef struct {
  gboolean set;
  const Clock *clock;
  char *clock_name;
  int response_minutes, plan_minutes;
  OnsiteRule onsite_rule;
  int onsite_minutes;
  int fast_minutes; /* 0: none */
  ClassifierPriority fast_priority;
  ClassifierOnsiteClass fast_class;
} SlaTerm;

typedef struct {
  char *city; /* canonical Chinese name, "北京市" */
  char *province;
  ClassifierOnsiteClass onsite_class; /* the city named without a district */
  gboolean has_unlisted;
  ClassifierOnsiteClass unlisted_class; /* a district of the city not listed */
  gboolean has_districts;
} AreaCity;

typedef struct {
  AreaCity *city;
  char *district; /* canonical, "海淀区" */
  ClassifierOnsiteClass onsite_class;
} AreaDistrict;

typedef struct {
  gboolean seen;
  int rank;
  int years[CLASSIFIER_N_TIERS]; /* -1: no term (system) */
  gboolean contract_overrides;
  ClassifierKind kind; /* fault or software */
} ComponentTerm;

enum { DAY_HOLIDAY = 1, DAY_WORKDAY = 2 };

struct ClassifierPolicy {
  gboolean finished;
  GHashTable *loaded;   /* table name → row count */
  GHashTable *settings; /* key → value */

  /* derived settings */
  GTimeZone *tz;
  char *tz_name;
  GDate legacy_before;
  int ship_offset_days;
  int days_per_year;
  ClassifierOnsiteClass default_area_class;
  guint sla_coverages; /* bit set of 1 << ClassifierCoverage */

  ComponentTerm components[CLASSIFIER_N_COMPONENTS];
  GPtrArray *parts_terms; /* PartsTerm* */

  void *t2s; /* opencc_t (traditional → simplified Chinese), for matching only; NULL before finish */
  gunichar
    *t2s_chars; /* BMP code point → what t2s makes of it alone: 0 unchanged, T2S_PHRASE not one character */

  GArray *keywords; /* Keyword */
  gint32 *kw_index; /* 65536 heads by first two bytes */
  gboolean has_keyword[KW_N_CATEGORIES];

  ClassifierPriority matrix[4][CLASSIFIER_N_TIERS]; /* [severity][tier] */
  ClassifierPriority caps[CLASSIFIER_N_COVERAGES];  /* NONE: no cap */

  GHashTable *days; /* julian day → DAY_HOLIDAY / DAY_WORKDAY */
  int day_min_year, day_max_year;

  GPtrArray *clocks; /* Clock* */
  SlaTerm sla[CLASSIFIER_N_TIERS];

  GPtrArray *area_cities;    /* AreaCity* */
  GPtrArray *area_districts; /* AreaDistrict* */
  GHashTable *city_keys;     /* normalised name/alias → AreaCity* */
  GHashTable *district_keys; /* "canonical city\x1f normalised district" → AreaDistrict* */
  GHashTable *district_any;  /* normalised district → AreaDistrict* (or NULL when ambiguous) */
  GPtrArray *pending_areas;  /* rows kept until finish (districts may precede their city) */
};

/* policy.c */
const Clock *policy_clock(const ClassifierPolicy *policy, const char *name);
char *policy_nfkc(const char *text, gssize len);           /* valid UTF-8, NFKC when needed */
char *policy_normalise_text(const char *text, gssize len); /* policy_nfkc + ASCII lower case */
char *policy_place_key(const char *name);                  /* for city/district matching */
const AreaCity *policy_find_city(const ClassifierPolicy *policy, const char *name);
const AreaDistrict *policy_find_district(const ClassifierPolicy *policy, const AreaCity *city,
                                         const char *name);
const AreaDistrict *policy_find_district_anywhere(const ClassifierPolicy *policy, const char *name);
gboolean policy_parse_date(const char *s, GDate *out);
/* text (valid UTF-8) in simplified Chinese when it holds a traditional character t2s changes, else NULL.
 * Caller frees. Matching only: what the customer wrote is kept and shown unconverted. */
char *policy_t2s(const ClassifierPolicy *policy, const char *text);

/* match.c: keyword scanning */
typedef struct {
  const Keyword *kw;
  gsize start, end; /* byte offsets in the scanned text */
  gsize clause_start, clause_end;
} Match;

typedef struct {
  char *display;     /* the text after NFKC (for evidence): the customer's own characters */
  char *text;        /* the same, traditional → simplified, ASCII lower case: what was scanned */
  gsize *to_display; /* NULL: text and display share offsets; else text offset → display offset */
  GArray *matches;   /* Match, in text order, after masks/negation/containment/requires */
} MatchSet;

void match_scan(const ClassifierPolicy *policy, const char *text, MatchSet *out);
void match_set_clear(MatchSet *set);
char *match_evidence(const MatchSet *set, const Match *m); /* the clause, trimmed, caller frees */
/* TRUE when needle (normalised) occurs in hay as a keyword would (ASCII word boundaries). */
gboolean match_contains_term(const char *hay, gsize hay_len, const char *needle, gsize needle_len);

/* sla.c */
gint64 sla_add_seconds(const ClassifierPolicy *policy, const Clock *clock, gint64 start, gint64 seconds,
                       const gint64 *pauses, guint n_pauses); /* -1: never */
gint64 sla_next_business_close(const ClassifierPolicy *policy, const Clock *clock, gint64 t);
gboolean sla_is_business_day(const ClassifierPolicy *policy, const Clock *clock, gint64 local_day);
gint64 sla_local_day(const ClassifierPolicy *policy, gint64 t);
guint32 sla_julian_of_local_day(gint64 local_day);

#endif
