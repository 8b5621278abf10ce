/* classifier-private.h: the policy's internal form and the declarations shared between the classifier's own
 * files; not a public API. */
#ifndef INTAKE_CLASSIFIER_PRIVATE_H
#define INTAKE_CLASSIFIER_PRIVATE_H

#include "classifier.h"

/* Keyword categories (keywords.category). */
typedef enum {
  CLASSIFIER_KW_COMPONENT,   /* code: a component name */
  CLASSIFIER_KW_EXCLUSION,   /* code: an exclusion reason code (policy §5.3) */
  CLASSIFIER_KW_KIND,        /* code: consultation */
  CLASSIFIER_KW_SEVERITY,    /* code: S1 | S2 */
  CLASSIFIER_KW_VALUE_ADDED, /* code: the paid service */
  CLASSIFIER_KW_MASK,        /* phrases that are never evidence (GPU服务器: a server, not a GPU) */
  CLASSIFIER_KW_NEGATION,    /* a clause with one of these (没有告警) gives no evidence */
  CLASSIFIER_KW_N_CATEGORIES
} ClassifierKeywordCategory;

typedef struct {
  ClassifierKeywordCategory category;
  char *code;
  int code_value; /* component / severity enum for those categories */
  char *text;     /* NFKC, ASCII lower case */
  gsize len;
  gboolean word_start, word_end; /* ASCII keyword: needs a non-alnum neighbour */
  char **requires;               /* NULL or terms one of which must occur in the same clause */
  gint32 next;                   /* next keyword with the same first two bytes, -1 */
} ClassifierKeyword;

typedef struct {
  char *brand;
  int from_year, to_year;
  ClassifierCoverage coverage;
} ClassifierPartsTerm;

/* Another name of third-party software the asset lists (intake.software_aliases): "ESXi" for an item
 * holding "VMware". Both folded (classifier_text_fold). */
typedef struct {
  char *software; /* contained in the asset's item */
  char *alias;    /* a term in the customer's words */
} ClassifierSoftwareAlias;

typedef struct {
  char *name;
  gboolean wall;     /* 7x24: every second counts */
  int opens, closes; /* seconds after local midnight */
  guint8 workdays;   /* bit (1 << isodow), isodow 1..7 */
  gboolean holidays; /* observes the holiday table */
} ClassifierClock;

typedef enum { CLASSIFIER_ONSITE_RULE_NBD, CLASSIFIER_ONSITE_RULE_ELAPSED } ClassifierOnsiteRule;

typedef struct {
  gboolean set;
  const ClassifierClock *clock;
  char *clock_name;
  int response_minutes, plan_minutes;
  ClassifierOnsiteRule onsite_rule;
  int onsite_minutes;
  int fast_minutes; /* 0: none */
  ClassifierPriority fast_priority;
  ClassifierOnsiteClass fast_class;
} ClassifierSlaTerm;

typedef struct {
  char *city;  /* canonical Chinese name, "北京市" */
  char *latin; /* the first alias in Latin letters ("Beijing"), or NULL */
  char *province;
  ClassifierOnsiteClass onsite_class; /* the city named without a district */
  gboolean has_unlisted;
  ClassifierOnsiteClass unlisted_class; /* a district of the city not listed */
  gboolean has_districts;
} ClassifierAreaCity;

typedef struct {
  ClassifierAreaCity *city;
  char *district; /* canonical, "海淀区" */
  char *latin;    /* the first alias in Latin letters ("Haidian"), or NULL */
  ClassifierOnsiteClass onsite_class;
} ClassifierAreaDistrict;

typedef struct {
  gboolean seen;
  int rank;
  int years[CLASSIFIER_N_TIERS]; /* -1: no term (system) */
  gboolean contract_overrides;
  ClassifierKind kind; /* fault or software */
} ClassifierComponentTerm;

enum { CLASSIFIER_DAY_HOLIDAY = 1, CLASSIFIER_DAY_WORKDAY = 2 };

struct ClassifierPolicy {
  gboolean finished;
  gboolean no_explain;  /* classifier_policy_set_explain(FALSE): no trail */
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

  ClassifierComponentTerm components[CLASSIFIER_N_COMPONENTS];
  GPtrArray *parts_terms;      /* ClassifierPartsTerm* */
  GPtrArray *software_aliases; /* ClassifierSoftwareAlias* */

  void *t2s; /* opencc_t (traditional → simplified Chinese), for matching only; NULL before finish */
  gunichar
    *t2s_chars; /* BMP code point → what t2s makes of it alone: 0 unchanged, T2S_PHRASE not one character */

  GArray *keywords; /* ClassifierKeyword */
  gint32 *kw_index; /* 65536 heads by first two bytes */
  gboolean has_keyword[CLASSIFIER_KW_N_CATEGORIES];

  ClassifierPriority matrix[4][CLASSIFIER_N_TIERS]; /* [severity][tier] */
  ClassifierPriority caps[CLASSIFIER_N_COVERAGES];  /* NONE: no cap */

  GHashTable *days; /* julian day → CLASSIFIER_DAY_HOLIDAY / CLASSIFIER_DAY_WORKDAY */
  int day_min_year, day_max_year;

  GPtrArray *clocks; /* ClassifierClock* */
  ClassifierSlaTerm sla[CLASSIFIER_N_TIERS];

  GPtrArray *area_cities;    /* ClassifierAreaCity* */
  GPtrArray *area_districts; /* ClassifierAreaDistrict* */
  GHashTable *city_keys;     /* normalised name/alias → ClassifierAreaCity* */
  GHashTable *district_keys; /* "canonical city\x1f normalised district" → ClassifierAreaDistrict* */
  GHashTable *district_any;  /* normalised district → ClassifierAreaDistrict* (or NULL when ambiguous) */
  GPtrArray *pending_areas;  /* rows kept until finish (districts may precede their city) */
};

/* How every time is written (RFC 3339 with the zone's offset). */
#define CLASSIFIER_TIME_FORMAT "%Y-%m-%dT%H:%M:%S%:z"
/* t in its own zone as g_date_time_format(t, CLASSIFIER_TIME_FORMAT) writes it, without
 * g_date_time_format's format parsing and locale look-ups (a few per mail). Caller frees. */
char *classifier_time_iso(GDateTime *t);

/* values.c: enum spellings, value parsers, text normalisation */
typedef enum {
  CLASSIFIER_NAMES_KIND,
  CLASSIFIER_NAMES_COMPONENT,
  CLASSIFIER_NAMES_COVERAGE,
  CLASSIFIER_NAMES_TIER,
  CLASSIFIER_NAMES_SEVERITY,
  CLASSIFIER_NAMES_PRIORITY,
  CLASSIFIER_NAMES_ONSITE,
  CLASSIFIER_NAMES_FIELD,
  CLASSIFIER_NAMES_KEYWORD_CATEGORY,
} ClassifierNameSet;
int classifier_name_lookup(ClassifierNameSet set, const char *s); /* the enum value spelt s, or -1 */
gboolean classifier_parse_int(const char *s, int min, int max, int *out);
gboolean classifier_parse_bool(const char *s, gboolean *out); /* t/f, true/false, yes/no, 1/0, on/off */
gboolean classifier_parse_date(const char *s, GDate *out); /* YYYY-MM-DD, /, ., 年月日, YYYYMMDD; + a time */
gboolean classifier_parse_time_of_day(const char *s, int *out); /* HH:MM[:SS] → seconds */
gboolean classifier_parse_weekdays(const char *s, guint8 *out); /* {1,2,3} → bit set of ISO weekdays */
char *classifier_text_nfkc(const char *text, gssize len);       /* valid UTF-8, NFKC; caller frees */
void classifier_ascii_lower(char *s);                           /* in place */
char *classifier_text_fold(const char *text, gssize len);       /* NFKC + ASCII lower case; caller frees */

/* tables.c: one row of a policy table */
gboolean classifier_policy_row_error(GError **error, const char *table, guint row, const char *column,
                                     const char *fmt, ...)
  G_GNUC_PRINTF(5, 6); /* sets error, returns FALSE */

/* policy.c */
const ClassifierClock *classifier_policy_clock(const ClassifierPolicy *policy, const char *name);
gboolean classifier_policy_error(GError **error, const char *fmt, ...) G_GNUC_PRINTF(2, 3); /* FALSE */

/* areas.c: service areas (policy §8) */
void classifier_areas_init(ClassifierPolicy *policy);
void classifier_areas_clear(ClassifierPolicy *policy);
gboolean classifier_areas_add_row(ClassifierPolicy *policy, const char *const *v, guint row, GError **error);
gboolean classifier_areas_finish(ClassifierPolicy *policy, GError **error);
char *classifier_place_key(const char *name); /* for city/district matching; caller frees */
const ClassifierAreaCity *classifier_policy_find_city(const ClassifierPolicy *policy, const char *name);
const ClassifierAreaDistrict *classifier_policy_find_district(const ClassifierPolicy *policy,
                                                              const ClassifierAreaCity *city,
                                                              const char *name);
const ClassifierAreaDistrict *classifier_policy_find_district_anywhere(const ClassifierPolicy *policy,
                                                                       const char *name);

/* t2s.c: traditional → simplified for matching */
gboolean classifier_t2s_open(ClassifierPolicy *policy, GError **error);
void classifier_t2s_close(ClassifierPolicy *policy);
void classifier_t2s_keywords(
  ClassifierPolicy *policy); /* keywords written traditional match converted text */
/* text (valid UTF-8) in simplified Chinese when it holds a traditional character t2s changes, else NULL.
 * Caller frees. Matching only: what the customer wrote is kept and shown unconverted. */
char *classifier_policy_t2s(const ClassifierPolicy *policy, const char *text);

/* match.c: keyword scanning */
typedef struct {
  const ClassifierKeyword *kw;
  gsize start, end; /* byte offsets in the scanned text */
  gsize clause_start, clause_end;
} ClassifierMatch;

typedef struct {
  char *display;     /* the text after NFKC (for evidence): the customer's own characters */
  char *text;        /* the same, traditional → simplified, ASCII lower case: what was scanned */
  gsize *to_display; /* NULL: text and display share offsets; else text offset → display offset */
  GArray *matches;   /* ClassifierMatch, in text order, after masks/negation/containment/requires */
} ClassifierMatchSet;

void classifier_match_index(ClassifierPolicy *policy); /* at finish, after the keywords are final */
void classifier_match_scan(const ClassifierPolicy *policy, const char *text, ClassifierMatchSet *out);
void classifier_match_set_clear(ClassifierMatchSet *set);
char *classifier_match_evidence(const ClassifierMatchSet *set,
                                const ClassifierMatch *m); /* the clause, trimmed, caller frees */
/* TRUE when needle (normalised) occurs in hay as a keyword would (ASCII word boundaries). */
gboolean classifier_match_contains_term(const char *hay, gsize hay_len, const char *needle, gsize needle_len);

/* The matches, summarised per decision. */
typedef struct {
  const char *code;
  guint order; /* index of its first keyword in the table: policy order */
  char *evidence;
} ClassifierCodeHit;

typedef struct {
  ClassifierMatchSet set;
  const ClassifierMatch *component[CLASSIFIER_N_COMPONENTS]; /* first match per component */
  const ClassifierMatch *severity[4];                        /* first match per severity */
  const ClassifierMatch *consultation;
  const ClassifierMatch *value_added;
  GArray *exclusions;         /* ClassifierCodeHit, policy order */
  const char *other_software; /* the asset's item named in the text */
  char *other_software_evidence;
} ClassifierFindings;

void classifier_findings_collect(const ClassifierPolicy *policy, const char *text,
                                 const ClassifierAsset *asset,
                                 ClassifierFindings *f); /* f zeroed by the caller */
void classifier_findings_clear(ClassifierFindings *f);

/* sla.c: clock arithmetic in unix seconds */
gint64 classifier_clock_add_seconds(const ClassifierPolicy *policy, const ClassifierClock *clock,
                                    gint64 start, gint64 seconds, const gint64 *pauses,
                                    guint n_pauses); /* -1: never */
gint64 classifier_clock_next_close(const ClassifierPolicy *policy, const ClassifierClock *clock, gint64 t);
gboolean classifier_clock_is_business_day(const ClassifierPolicy *policy, const ClassifierClock *clock,
                                          gint64 local_day);
gint64 classifier_policy_local_day(const ClassifierPolicy *policy, gint64 t);
guint32 classifier_julian_of_local_day(gint64 local_day);
GDateTime *classifier_policy_local_time(const ClassifierPolicy *policy,
                                        gint64 t); /* new, in the policy's zone */

/* assets.c: the registry's columns (policy §2 order) */
enum {
  CLASSIFIER_ASSET_COL_SN,
  CLASSIFIER_ASSET_COL_KIND,
  CLASSIFIER_ASSET_COL_BRAND,
  CLASSIFIER_ASSET_COL_MODEL,
  CLASSIFIER_ASSET_COL_CUSTOMER,
  CLASSIFIER_ASSET_COL_TIER,
  CLASSIFIER_ASSET_COL_SHIP,
  CLASSIFIER_ASSET_COL_INVOICE,
  CLASSIFIER_ASSET_COL_BASIS,
  CLASSIFIER_ASSET_COL_CONTRACT_START,
  CLASSIFIER_ASSET_COL_CONTRACT_YEARS,
  CLASSIFIER_ASSET_COL_SOFTWARE,
  CLASSIFIER_ASSET_COL_CITY,
  CLASSIFIER_ASSET_COL_DISTRICT,
  CLASSIFIER_ASSET_N_COLS
};
int classifier_asset_column(const ClassifierAssetFormat *format, const char *name); /* column, or -1 */
const char *classifier_asset_column_name(int col);                                  /* canonical */
char *classifier_asset_clean(const char *s); /* NFKC, stripped; NULL for NULL or blank; caller frees */
/* v: CLASSIFIER_ASSET_N_COLS cleaned values (NULL = empty), owned by the caller. FALSE with *reason. */
gboolean classifier_asset_from_cols(const ClassifierAssetFormat *format, char **v, ClassifierAsset *out,
                                    char **reason);

/* result.c */
void classifier_reason_free(gpointer reason);
void classifier_reason_add(GPtrArray *reasons, const char *code, const char *evidence);
void classifier_trail(ClassifierResult *r, const char *fmt, ...) G_GNUC_PRINTF(2, 3); /* one EXPLAIN line */

/* classify.c, coverage.c, onsite.c: the decisions */
gboolean classifier_text_blank(const char *s); /* NULL or only white space */
char *classifier_date_str(const GDate *d);     /* YYYY-MM-DD, NULL when invalid; caller frees */
/* TRUE when written and registered differ (without separators and case) only by one or two look-alike
 * characters (0/O, 1/I, 5/S, 8/B): a hand-copied label. */
gboolean classifier_sn_lookalike(const char *written, const char *registered);
char *classifier_model_key(const char *m); /* without case, spaces, '-', '_', '/'; caller frees */
void classifier_decide_coverage(ClassifierResult *r, const ClassifierPolicy *policy, const ClassifierAsset *a,
                                const ClassifierFindings *f, const GDate *received);
void classifier_decide_place(ClassifierResult *r, const ClassifierPolicy *policy, const ParserRequest *req,
                             const ClassifierAsset *a, GPtrArray *notes);
void classifier_decide_sla(ClassifierResult *r, const ClassifierPolicy *policy, const ClassifierAsset *a);

#endif
