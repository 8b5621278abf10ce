/* classifier: a parsed request + an asset record + the policy data in, the decisions of policy §2–§8 out.
 * Pure: opens no file, socket or database except in the explicit loaders (classifier_policy_load_dir,
 * classifier_asset_format_load, classifier_assets_load_csv). */
#ifndef INTAKE_CLASSIFIER_H
#define INTAKE_CLASSIFIER_H

#include <glib.h>
#include <json-glib/json-glib.h>

#include "parser.h"

G_BEGIN_DECLS

#define CLASSIFIER_ERROR (classifier_error_quark())
GQuark classifier_error_quark(void);

/* Expected failures; anything else is a programming error. */
typedef enum {
  CLASSIFIER_ERROR_POLICY, /* policy rows are missing, inconsistent or malformed (names table, row, column) */
  CLASSIFIER_ERROR_ASSETS, /* an asset file is unusable as a whole (empty, not UTF-8, no sn column …) */
  CLASSIFIER_ERROR_IO,     /* a file could not be read */
  CLASSIFIER_ERROR_ABORTED, /* a caller's callback asked to stop */
  CLASSIFIER_ERROR_DATA,    /* a data file (data/classifier/assets.ini, a seed TSV) is malformed */
} ClassifierError;

/* ---- enums, each with a name function returning a static string (the contract's spelling) ---- */
typedef enum {
  CLASSIFIER_KIND_FAULT,
  CLASSIFIER_KIND_SOFTWARE,
  CLASSIFIER_KIND_CONSULTATION,
  CLASSIFIER_KIND_VALUE_ADDED,
  CLASSIFIER_KIND_FOLLOWUP,
  CLASSIFIER_KIND_IGNORED,
} ClassifierKind;

typedef enum {
  CLASSIFIER_COMPONENT_MACHINE_PART,
  CLASSIFIER_COMPONENT_AUXILIARY,
  CLASSIFIER_COMPONENT_PERIPHERAL,
  CLASSIFIER_COMPONENT_OTHER_MATERIAL,
  CLASSIFIER_COMPONENT_GPU,
  CLASSIFIER_COMPONENT_ROYCOM_SOFTWARE,
  CLASSIFIER_COMPONENT_OTHER_SOFTWARE,
  CLASSIFIER_COMPONENT_SYSTEM,
  CLASSIFIER_COMPONENT_UNKNOWN,
  CLASSIFIER_N_COMPONENTS
} ClassifierComponent;

typedef enum {
  CLASSIFIER_COVERAGE_NONE, /* JSON null: kinds ignored and followup */
  CLASSIFIER_COVERAGE_COVERED,
  CLASSIFIER_COVERAGE_CHARGEABLE,
  CLASSIFIER_COVERAGE_EXPIRED,
  CLASSIFIER_COVERAGE_NOT_COVERED,
  CLASSIFIER_COVERAGE_NEEDS_REVIEW,
  CLASSIFIER_N_COVERAGES
} ClassifierCoverage;

typedef enum {
  CLASSIFIER_TIER_UNKNOWN,
  CLASSIFIER_TIER_SILVER,
  CLASSIFIER_TIER_GOLD,
  CLASSIFIER_N_TIERS
} ClassifierTier;
typedef enum {
  CLASSIFIER_SEVERITY_S1 = 1,
  CLASSIFIER_SEVERITY_S2,
  CLASSIFIER_SEVERITY_S3
} ClassifierSeverity;
typedef enum {
  CLASSIFIER_PRIORITY_NONE,
  CLASSIFIER_PRIORITY_P1,
  CLASSIFIER_PRIORITY_P2,
  CLASSIFIER_PRIORITY_P3,
  CLASSIFIER_PRIORITY_P4
} ClassifierPriority;
typedef enum {
  CLASSIFIER_ONSITE_4H,
  CLASSIFIER_ONSITE_NEXT_DAY,
  CLASSIFIER_ONSITE_NEGOTIATED,
  CLASSIFIER_ONSITE_UNKNOWN
} ClassifierOnsiteClass;
typedef enum { CLASSIFIER_ASSET_SERVER, CLASSIFIER_ASSET_PART } ClassifierAssetKind;
typedef enum {
  CLASSIFIER_BASIS_SHIP,
  CLASSIFIER_BASIS_INVOICE,
  CLASSIFIER_BASIS_CONTRACT
} ClassifierWarrantyBasis;

/* The fields of policy §1 in their order; `missing` is a bit set of (1 << field). */
typedef enum {
  CLASSIFIER_FIELD_SN,
  CLASSIFIER_FIELD_MODEL,
  CLASSIFIER_FIELD_SYMPTOMS,
  CLASSIFIER_FIELD_ADDRESS,
  CLASSIFIER_FIELD_CONTACT,
  CLASSIFIER_FIELD_PHONE,
  CLASSIFIER_FIELD_LOCATION,
  CLASSIFIER_N_FIELDS
} ClassifierField;

const char *classifier_kind_name(ClassifierKind kind);
const char *classifier_component_name(ClassifierComponent component);
const char *classifier_coverage_name(ClassifierCoverage coverage); /* NULL for NONE */
const char *classifier_tier_name(ClassifierTier tier);             /* NULL for UNKNOWN */
const char *classifier_severity_name(ClassifierSeverity severity);
const char *classifier_priority_name(ClassifierPriority priority); /* NULL for NONE */
const char *classifier_onsite_class_name(ClassifierOnsiteClass onsite_class);
const char *classifier_field_name(ClassifierField field);

/* ==== policy data ==== */
typedef struct ClassifierPolicy
  ClassifierPolicy; /* opaque; immutable after finish, shareable across threads */

/* The policy tables (each a database table and a seed file sql/seed/<table>.tsv), NULL-terminated, static. */
const char *const *classifier_policy_tables(void);
/* The columns classifier reads from table, NULL-terminated, static; NULL for an unknown table. A loader
 * from the database selects exactly these. */
const char *const *classifier_policy_table_columns(const char *table);
/* TRUE when the order of table's rows matters (keywords: the order of the reasons; service_areas: which
 * row keeps an alias): add them in the seed file's order (the order the migration inserted them). */
gboolean classifier_policy_table_ordered(const char *table);
/* Whether the table may have no rows (software_aliases); every other must have some. */
gboolean classifier_policy_table_optional(const char *table);

ClassifierPolicy *classifier_policy_new(void);
void classifier_policy_free(ClassifierPolicy *policy);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ClassifierPolicy, classifier_policy_free)

/* Adds one row of table. columns names the ncols values; values[i] NULL is SQL NULL (an empty seed
 * field). Unknown columns are ignored; a missing required column or a bad value fails with
 * CLASSIFIER_ERROR_POLICY naming table, row_no and column. Values use PostgreSQL's text output
 * (t/f, YYYY-MM-DD, HH:MM[:SS], {1,2}). */
gboolean classifier_policy_add_row(ClassifierPolicy *policy, const char *table, const char *const *columns,
                                   const char *const *values, guint ncols, guint row_no, GError **error);
/* Same for many rows: rows holds `const char *const *` arrays of ncols values; rows numbered from 1. */
gboolean classifier_policy_add_rows(ClassifierPolicy *policy, const char *table, const char *const *columns,
                                    guint ncols, const GPtrArray *rows, GError **error);
/* Checks completeness (every table, every component × tier, the whole priority matrix, …) and
 * builds the lookup structures. Must be called once before classify. */
gboolean classifier_policy_finish(ClassifierPolicy *policy, GError **error);

/* Whether classifier_classify writes the EXPLAIN trail (ClassifierResult.trail, what
 * classifier_result_explain prints): TRUE, the default, for `intake inspect`. A caller that never
 * shows it (`intake poll`) turns it off and saves formatting a dozen lines per mail (~0.8% of the
 * poll's client CPU); the trail is then empty and the rest of the result the same. */
void classifier_policy_set_explain(ClassifierPolicy *policy, gboolean explain);

/* Reads seed_dir/<table>.tsv for every table (header row, tab-separated, empty = NULL, '#' and blank
 * lines skipped — what the migration runner COPYs), adds the rows and finishes.
 * seed_dir NULL: the compiled-in source tree's sql/seed. Returns a new policy or NULL with error. */
ClassifierPolicy *classifier_policy_load_dir(const char *seed_dir, GError **error);

/* A seed file (sql/seed/<table>.tsv): a header line naming the columns, then rows of as many
 * tab-separated fields ("" stands for SQL NULL); '#' lines and blank lines skipped, CRLF accepted. The
 * policy loader reads the seeds with it; so can the migration runner that COPYs them. */
typedef struct {
  char **columns; /* the header's names, stripped; NULL-terminated */
  guint ncols;
  GPtrArray *rows; /* char**: ncols fields each, NULL-terminated */
  GArray *lines;   /* guint: the physical line of each row (the header's is not kept) */
} ClassifierTsv;
/* Reads path. Returns a new table (free with classifier_tsv_free), or NULL with CLASSIFIER_ERROR_IO (an
 * unreadable file) or CLASSIFIER_ERROR_DATA (not UTF-8, no header, a row whose field count differs);
 * messages start with the path. */
ClassifierTsv *classifier_tsv_read_file(const char *path, GError **error);
void classifier_tsv_free(ClassifierTsv *tsv);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ClassifierTsv, classifier_tsv_free)

/* The policy's time zone (Asia/Shanghai, or a fixed offset when tzdata lacks it). Owned by policy. */
GTimeZone *classifier_policy_time_zone(const ClassifierPolicy *policy);

/* ==== assets (policy §2) ==== */
typedef struct {
  char *sn; /* upper case */
  ClassifierAssetKind kind;
  char *brand; /* "supermicro" | "other" for parts; NULL for servers without one */
  char *model;
  char *customer;
  ClassifierTier tier; /* UNKNOWN only for parts orders without one */
  GDate ship_date;     /* always valid */
  GDate invoice_date;  /* g_date_valid() FALSE when not given */
  ClassifierWarrantyBasis warranty_basis;
  GDate contract_start; /* possibly invalid */
  guint contract_years; /* 0: not given */
  char **software;      /* NULL-terminated, possibly NULL */
  char *city, *district;
  /* Read from a registry file (classifier_assets_parse_csv): the columns its header has, bit i for the
   * i-th of policy §2's order (sn, kind, brand, model, customer, tier, ship_date, invoice_date,
   * warranty_basis, contract_start, contract_years, software, city, district); 0 otherwise. A
   * column the file lacks is a default here, not a value: an import leaves the stored one. */
  guint carried;
} ClassifierAsset;

ClassifierAsset *classifier_asset_copy(const ClassifierAsset *asset);
void classifier_asset_free(ClassifierAsset *asset);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ClassifierAsset, classifier_asset_free)
/* Frees the strings inside a stack value, leaving it zeroed. */
void classifier_asset_clear(ClassifierAsset *asset);

/* Builds an asset from named text values (a registry row from the database: policy §2's canonical column
 * names and values). Returns FALSE and a one-line human reason in *reason (caller frees) when
 * the row is invalid; *out then holds nothing to free. */
gboolean classifier_asset_from_values(const char *const *columns, const char *const *values, guint ncols,
                                      ClassifierAsset *out, char **reason);

typedef struct {
  guint line; /* physical line where the record starts (header = 1) */
  char *sn;   /* as written, or NULL */
  char *reason;
  gboolean column; /* not a row: a header column that is not read ("随机软件" where the spellings lack
                    * it), said so the data it holds is not lost unnoticed */
  gboolean repeat; /* not a rejection: the row repeats an earlier one exactly (read once) */
} ClassifierAssetReject;
void classifier_asset_reject_free(ClassifierAssetReject *reject);

/* Called for each valid row; the asset is borrowed for the call. Return FALSE (error set) to stop. */
typedef gboolean (*ClassifierAssetFunc)(const ClassifierAsset *asset, guint line, gpointer user_data,
                                        GError **error);

/* The spellings of the registry's columns and values besides the canonical ones (ERP exports in Chinese:
 * 序列号, 金牌, …): data_dir/assets.ini, data_dir NULL: the built-in default location (the source tree's
 * data/classifier). Returns a new format (immutable, shareable) or NULL with CLASSIFIER_ERROR_IO or
 * CLASSIFIER_ERROR_DATA. */
typedef struct ClassifierAssetFormat ClassifierAssetFormat;
ClassifierAssetFormat *classifier_asset_format_load(const char *data_dir, GError **error);
void classifier_asset_format_free(ClassifierAssetFormat *format);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ClassifierAssetFormat, classifier_asset_format_free)

/* Parses an RFC 4180 CSV registry (UTF-8, BOM optional; header row with policy §2's column names, or the
 * spellings format adds; format NULL: the canonical names and values only).
 * Valid rows go to func, invalid rows (and repeated SNs within the data) are appended to rejects
 * (ClassifierAssetReject*, element free function set by the caller, may be NULL to drop them).
 * Non-UTF-8 data (a GBK/GB18030 export) is refused with CLASSIFIER_ERROR_ASSETS: no guessing.
 * Returns FALSE with error when the data is unusable as a whole or func failed. */
gboolean classifier_assets_parse_csv(const ClassifierAssetFormat *format, const char *data, gsize len,
                                     ClassifierAssetFunc func, gpointer user_data, GPtrArray *rejects,
                                     GError **error);
/* Reads path (or "-" for stdin) and parses it as above, with the format of data_dir (NULL: the built-in
 * default location; see classifier_asset_format_load). */
gboolean classifier_assets_load_csv(const char *data_dir, const char *path, ClassifierAssetFunc func,
                                    gpointer user_data, GPtrArray *rejects, GError **error);

/* The SNs to look an asset up by, in preference order: the labelled SN, then the candidates,
 * upper case, no duplicates; each followed by itself without '-', ' ' and '/' (RCS-25A-0110012 is
 * registry row RCS25A0110012); after all of them, for each SN of 8+ characters with letters and digits, its
 * forms with one or two look-alike characters swapped (0/O, 1/I, 5/S, 8/B: RCS25AO11OO12 may be
 * RCS25A0110012). Poll fetches them in one query (WHERE sn = ANY($1)). Caller frees. */
GStrv classifier_request_sn_keys(const ParserRequest *request);
/* Of the assets found for those keys (any order, n may be 0), the one to classify with: the first SN as
 * written (or without separators) that has one; when none has, the only registered look-alike of the
 * labelled SN, else of the first candidate that has exactly one (two look-alikes registered: none is
 * taken, the SN stays unknown). Returns a borrowed pointer into found, or NULL. */
const ClassifierAsset *classifier_asset_pick(const ParserRequest *request,
                                             const ClassifierAsset *const *found, guint n);
/* What a row's warranty basis lacks ("basis invoice without invoice_date"), or NULL: its orders
 * then need review (warranty_basis_incomplete), which an import says ahead. */
const char *classifier_asset_incomplete(const ClassifierAsset *asset);

/* ==== the result ==== */
typedef struct {
  char *code;     /* policy code: sn_missing, legacy_policy, physical_damage, customer_scope, … */
  char *evidence; /* the text (or the data) that triggered it */
} ClassifierReason;

typedef struct {
  ClassifierKind kind;
  char *ignored_reason; /* passthrough; NULL unless kind ignored */
  char *followup_of;    /* passthrough order number, or NULL */

  char *sn;              /* effective SN (labelled, or a registered candidate), upper case, or NULL */
  gboolean registered;   /* an asset was used */
  char *model;           /* registry's when registered, else the mail's */
  char *customer;        /* from the registry, or NULL */
  char *city, *district; /* effective place (mail wins, registry fills), canonical when known */
  char *place_latin;     /* the same in Latin letters for an English acknowledgement ("Haidian, Beijing",
                           * service_areas' first Latin aliases), or NULL */

  ClassifierTier tier;
  ClassifierComponent component;
  GDate warranty_start, warranty_end; /* invalid = null */
  GDate covered_until; /* a covered parts order whose later years are chargeable (supermicro): the end of
                        * its free term, which the acknowledgement names; else invalid */
  ClassifierCoverage coverage;
  GPtrArray *reasons; /* ClassifierReason*, policy order */
  ClassifierSeverity severity;
  ClassifierPriority priority;
  ClassifierOnsiteClass onsite_class;

  gboolean has_sla;                                /* FALSE: "sla": null */
  const char *sla_clock;                           /* "7x24" | "5x8" (owned by the policy) */
  GDateTime *received;                             /* in the policy's zone */
  GDateTime *response_due, *plan_due, *onsite_due; /* NULL = null */

  guint missing;    /* bit set of 1 << ClassifierField */
  GPtrArray *trail; /* char*: each rule that fired, in order, for EXPLAIN */
} ClassifierResult;

void classifier_result_free(ClassifierResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ClassifierResult, classifier_result_free)

/* Classifies one request. asset: the registry row for the request's SN (classifier_asset_pick), or
 * NULL when not registered. received: when the mail reached the mailbox (any zone).
 * Never fails on odd input; returns NULL only when policy is not finished (error set).
 * Caller frees the result with classifier_result_free. */
ClassifierResult *classifier_classify(const ClassifierPolicy *policy, const ParserRequest *request,
                                      const ClassifierAsset *asset, GDateTime *received, GError **error);

/* Ops decided the order's coverage by hand (intake.decide: covered, chargeable, expired,
 * not_covered): result takes it, with the priority cap and the deadlines (or none) that follow from
 * it, and the reason ops_decision in place of the policy's coverage reasons (its other notes stay).
 * decided: a coverage name; unknown names and ignored/follow-up results change nothing. */
void classifier_result_decide_coverage(ClassifierResult *result, const ClassifierPolicy *policy,
                                       const ClassifierAsset *asset, const char *decided);

/* Writes the classifier-side members of contract.md into builder (inside an open object):
 * kind, ignored_reason, followup_of, sn, model, component, city, district, missing, tier,
 * customer, warranty_start, warranty_end, coverage, reasons, severity, priority, onsite_class, sla.
 * Write it after parser_request_write_json: members of the same name take the effective values. */
void classifier_result_write_json(const ClassifierResult *result, JsonBuilder *builder);
/* A readable account of the decisions (one rule per line). Caller frees. */
char *classifier_result_explain(const ClassifierResult *result);
/* Writes `missing` as a NULL-terminated array of static field names. Caller frees the array only. */
const char **classifier_result_missing_names(const ClassifierResult *result);
/* reasons as a JSON array string ([{code, evidence}]), for storing. Caller frees. */
char *classifier_result_reasons_json(const ClassifierResult *result);

/* ==== SLA clocks (policy §7) ==== */
typedef struct {
  GDateTime *start; /* inclusive */
  GDateTime *end;   /* exclusive; NULL: still paused (open-ended) */
} ClassifierPause;

/* The moment when `duration` of clock time (clock "5x8": business time; "7x24": wall time) has
 * elapsed from start, not counting the paused intervals (any order, may overlap). A deadline that
 * lands exactly on closing time is that closing time. Returns a new GDateTime in the policy's zone,
 * or NULL with error for an unknown clock (or a pause that never ends before the deadline). */
GDateTime *classifier_sla_add(const ClassifierPolicy *policy, const char *clock, GDateTime *start,
                              GTimeSpan duration, const ClassifierPause *pauses, guint n_pauses,
                              GError **error);
/* Clock time elapsed between from and to (0 when to <= from), not counting the pauses. */
GTimeSpan classifier_sla_elapsed(const ClassifierPolicy *policy, const char *clock, GDateTime *from,
                                 GDateTime *to, const ClassifierPause *pauses, guint n_pauses);
/* Closing time of the first business day of clock after t's local date (NBD). New GDateTime. */
GDateTime *classifier_sla_next_business_day_close(const ClassifierPolicy *policy, const char *clock,
                                                  GDateTime *t, GError **error);
/* A deadline computed without pauses, moved by the pauses: the point where as much clock time has
 * elapsed since received as between received and due, pauses excluded. How ops' pause/resume
 * recomputes response_due, plan_due and onsite_due. New GDateTime, or NULL with error. */
GDateTime *classifier_sla_shift_for_pauses(const ClassifierPolicy *policy, const char *clock,
                                           GDateTime *received, GDateTime *due, const ClassifierPause *pauses,
                                           guint n_pauses, GError **error);
/* TRUE when t's local date is a business day of clock (holidays and make-up days applied). */
gboolean classifier_sla_is_business_day(const ClassifierPolicy *policy, const char *clock, GDateTime *t);

/* RFC 3339 with the policy's offset ("2026-11-25T09:30:00+08:00"). Caller frees. */
char *classifier_format_time(const ClassifierPolicy *policy, GDateTime *t);

G_END_DECLS

#endif
