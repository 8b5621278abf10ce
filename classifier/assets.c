/* assets.c: the asset registry (policy §2): the spellings of its columns and values (data/classifier/assets.ini),
 * one row validated into a ClassifierAsset, and the SN keys a request is looked up by. */
#include "classifier-private.h"

#include <string.h>

#ifndef INTAKE_CLASSIFIER_DATA_DIR
#define INTAKE_CLASSIFIER_DATA_DIR "data/classifier"
#endif

static const char *const col_names[CLASSIFIER_ASSET_N_COLS] = {
  "sn",           "kind",           "brand",          "model",          "customer", "tier", "ship_date",
  "invoice_date", "warranty_basis", "contract_start", "contract_years", "software", "city", "district"
};

/* The columns with a closed set of values and their canonical spellings (the enum order; brand: only
 * supermicro is named, anything else is "other"). */
static const struct {
  int col;
  const char *const *values;
} value_sets[] = {
  { CLASSIFIER_ASSET_COL_KIND, (const char *const[]){ "server", "part", NULL } },
  { CLASSIFIER_ASSET_COL_BRAND, (const char *const[]){ "supermicro", NULL } },
  { CLASSIFIER_ASSET_COL_TIER, (const char *const[]){ "", "silver", "gold", NULL } },
  { CLASSIFIER_ASSET_COL_BASIS, (const char *const[]){ "ship", "invoice", "contract", NULL } },
};

struct ClassifierAssetFormat {
  GHashTable *columns;                         /* folded header spelling → column + 1 */
  GHashTable *values[CLASSIFIER_ASSET_N_COLS]; /* folded value spelling → value + 1; NULL for free text */
};

void
classifier_asset_format_free(ClassifierAssetFormat *f)
{
  if (!f)
    return;
  g_hash_table_unref(f->columns);
  for (int i = 0; i < CLASSIFIER_ASSET_N_COLS; i++)
    if (f->values[i])
      g_hash_table_unref(f->values[i]);
  g_free(f);
}

static int
index_of(const char *const *names, guint n, const char *s)
{
  for (guint i = 0; i < n && names[i]; i++)
    if (g_str_equal(names[i], s))
      return (int)i;
  return -1;
}

/* Adds key's ';'-list of spellings to table as value + 1. */
static void
add_spellings(GKeyFile *kf, const char *group, const char *key, GHashTable *table, int value)
{
  g_auto(GStrv) words = g_key_file_get_string_list(kf, group, key, NULL, NULL);
  for (guint i = 0; words && words[i]; i++) {
    char *w = classifier_text_fold(g_strstrip(words[i]), -1);
    if (*w)
      g_hash_table_replace(table, w, GINT_TO_POINTER(value + 1));
    else
      g_free(w);
  }
}

/* Every key of group must be one of names (n of them); each adds its spellings. */
static gboolean
read_group(GKeyFile *kf, const char *path, const char *group, const char *const *names, guint n,
           GHashTable *table, GError **error)
{
  g_auto(GStrv) keys = g_key_file_get_keys(kf, group, NULL, NULL);
  for (guint i = 0; keys && keys[i]; i++) {
    int v = index_of(names, n, keys[i]);
    if (v < 0 || !*names[v]) {
      g_set_error(error, CLASSIFIER_ERROR, CLASSIFIER_ERROR_DATA, "%s: [%s] %s is not one of its names", path,
                  group, keys[i]);
      return FALSE;
    }
    add_spellings(kf, group, keys[i], table, v);
  }
  return TRUE;
}

ClassifierAssetFormat *
classifier_asset_format_load(const char *data_dir, GError **error)
{
  g_autofree char *path =
    g_build_filename(data_dir ? data_dir : INTAKE_CLASSIFIER_DATA_DIR, "assets.ini", NULL);
  g_autoptr(GKeyFile) kf = g_key_file_new();
  g_autoptr(GError) local = NULL;
  if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, &local)) {
    g_set_error(error, CLASSIFIER_ERROR,
                local->domain == G_FILE_ERROR ? CLASSIFIER_ERROR_IO : CLASSIFIER_ERROR_DATA, "%s: %s", path,
                local->message);
    return NULL;
  }
  g_autoptr(ClassifierAssetFormat) f = g_new0(ClassifierAssetFormat, 1);
  f->columns = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  if (!read_group(kf, path, "columns", col_names, CLASSIFIER_ASSET_N_COLS, f->columns, error))
    return NULL;
  g_auto(GStrv) groups = g_key_file_get_groups(kf, NULL);
  for (guint g = 0; groups[g]; g++) {
    if (g_str_equal(groups[g], "columns"))
      continue;
    int col = index_of(col_names, CLASSIFIER_ASSET_N_COLS, groups[g]), set = -1;
    for (guint i = 0; col >= 0 && i < G_N_ELEMENTS(value_sets); i++)
      if (value_sets[i].col == col)
        set = (int)i;
    if (set < 0) {
      g_set_error(error, CLASSIFIER_ERROR, CLASSIFIER_ERROR_DATA,
                  "%s: [%s] is neither [columns] nor a column with a closed set of values", path, groups[g]);
      return NULL;
    }
    f->values[col] = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    const char *const *names = value_sets[set].values;
    if (!read_group(kf, path, groups[g], names, g_strv_length((char **)names), f->values[col], error))
      return NULL;
  }
  return g_steal_pointer(&f);
}

int
classifier_asset_column(const ClassifierAssetFormat *format, const char *name)
{
  /* a canonical name (every row read from the database) is its own folded form */
  int c = index_of(col_names, CLASSIFIER_ASSET_N_COLS, name);
  if (c >= 0)
    return c;
  g_autofree char *n = classifier_text_fold(name, -1);
  g_strstrip(n);
  c = index_of(col_names, CLASSIFIER_ASSET_N_COLS, n);
  if (c < 0 && format)
    c = GPOINTER_TO_INT(g_hash_table_lookup(format->columns, n)) - 1;
  return c;
}

const char *
classifier_asset_column_name(int col)
{
  return col >= 0 && col < CLASSIFIER_ASSET_N_COLS ? col_names[col] : NULL;
}

/* The value v (cleaned: NFKC, stripped) of a closed column spells: its index among the canonical
 * spellings, or -1. */
static int
value_of(const ClassifierAssetFormat *format, int col, const char *v)
{
  for (guint i = 0; i < G_N_ELEMENTS(value_sets); i++)
    if (value_sets[i].col == col)
      for (guint j = 0; value_sets[i].values[j]; j++)
        if (*value_sets[i].values[j] && !g_ascii_strcasecmp(v, value_sets[i].values[j]))
          return (int)j;
  if (!format || !format->values[col])
    return -1;
  g_autofree char *k = g_ascii_strdown(v, -1);
  return GPOINTER_TO_INT(g_hash_table_lookup(format->values[col], k)) - 1;
}

void
classifier_asset_clear(ClassifierAsset *a)
{
  if (!a)
    return;
  g_free(a->sn);
  g_free(a->brand);
  g_free(a->model);
  g_free(a->customer);
  g_strfreev(a->software);
  g_free(a->city);
  g_free(a->district);
  memset(a, 0, sizeof *a);
}

void
classifier_asset_free(ClassifierAsset *a)
{
  if (!a)
    return;
  classifier_asset_clear(a);
  g_free(a);
}

ClassifierAsset *
classifier_asset_copy(const ClassifierAsset *a)
{
  ClassifierAsset *c = g_new(ClassifierAsset, 1);
  *c = *a;
  c->sn = g_strdup(a->sn);
  c->brand = g_strdup(a->brand);
  c->model = g_strdup(a->model);
  c->customer = g_strdup(a->customer);
  c->software = g_strdupv(a->software);
  c->city = g_strdup(a->city);
  c->district = g_strdup(a->district);
  return c;
}

void
classifier_asset_reject_free(ClassifierAssetReject *r)
{
  if (!r)
    return;
  g_free(r->sn);
  g_free(r->reason);
  g_free(r);
}

/* ---------- one row ---------- */

char *
classifier_asset_clean(const char *s)
{
  if (!s)
    return NULL;
  char *c = classifier_text_nfkc(s, -1);
  /* a quoted cell with a line break ("杭州西溪智联网络有限公司\n(二期机房)"): one line in psql and in the
   * acknowledgement (blind round 20) */
  for (char *p = c; *p; p++)
    if (*p == '\r' || *p == '\n' || *p == '\t')
      *p = ' ';
  g_strstrip(c);
  if (!*c) {
    g_free(c);
    return NULL;
  }
  return c;
}

static gboolean reject(char **reason, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static gboolean
reject(char **reason, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  if (reason)
    *reason = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  return FALSE;
}

/* v is a bare number (digits, maybe a fraction) that Excel would show for a date cell of 1900-2999
 * formatted as a number (its day count, 45726 = 2025-03-10). *as_date: the date it counts to, when past
 * Excel's made-up 1900-02-29 (serial 60), else left invalid. */
static gboolean
excel_serial(const char *v, GDate *as_date)
{
  const char *p = v;
  while (g_ascii_isdigit(*p))
    p++;
  gsize n = (gsize)(p - v);
  if (*p == '.' && g_ascii_isdigit(p[1]))
    for (p++; g_ascii_isdigit(*p);)
      p++;
  if (!n || n > 6 || *p)
    return FALSE;
  guint serial = (guint)g_ascii_strtoull(v, NULL, 10);
  if (!serial || serial > 401768) /* 2999-12-31 */
    return FALSE;
  g_date_clear(as_date, 1);
  if (serial > 60) {
    g_date_set_dmy(as_date, 30, G_DATE_DECEMBER, 1899);
    g_date_add_days(as_date, serial);
  }
  return TRUE;
}

static gboolean
date_field(const char *v, const char *name, gboolean required, GDate *out, char **reason)
{
  g_date_clear(out, 1);
  if (!v)
    return required ? reject(reason, "%s is empty", name) : TRUE;
  if (classifier_parse_date(v, out))
    return TRUE;
  GDate serial;
  if (excel_serial(v, &serial)) {
    char shown[40] = "";
    if (g_date_valid(&serial))
      g_date_strftime(shown, sizeof shown, " (%Y-%m-%d if it is one)", &serial);
    return reject(reason,
                  "%s '%s' looks like an Excel serial number%s, not a date: format the column as a date "
                  "(YYYY-MM-DD) in the spreadsheet and export again",
                  name, v, shown);
  }
  return reject(reason, "%s '%s' is not a date (YYYY-MM-DD)", name, v);
}

/* contract_years as ERPs write it: "5", "5年", "5 years", "3.0" (a whole number written as a decimal),
 * 1-30. */
static gboolean
years_field(const char *v, guint *out, char **reason)
{
  g_autofree char *s = g_strdup(v);
  gsize l = strlen(s);
  static const char *const units[] = { "年", "years", "year" };
  for (guint i = 0; i < G_N_ELEMENTS(units); i++) {
    gsize ul = strlen(units[i]);
    if (l > ul && !g_ascii_strcasecmp(s + l - ul, units[i])) {
      s[l - ul] = '\0';
      break;
    }
  }
  g_strstrip(s);
  char *p = s;
  while (g_ascii_isdigit(*p))
    p++;
  gboolean whole = TRUE;
  if (*p == '.' && p > s) {
    *p++ = '\0';
    for (; *p == '0'; p++)
      ;
    for (; g_ascii_isdigit(*p); p++)
      whole = FALSE;
  }
  int y;
  if (*p || p == s || !classifier_parse_int(s, 1, 30, &y))
    return reject(reason, "contract_years '%s' is not a number of years 1-30", v);
  if (!whole)
    return reject(reason, "contract_years '%s' is not a whole number of years (1-30)", v);
  *out = (guint)y;
  return TRUE;
}

static gboolean
check_sn(const char *sn, char **reason)
{
  if (!sn)
    return reject(reason, "sn is empty");
  /* "1.23457E+12": Excel wrote a numeric SN as a number and lost its digits (blind round 16) */
  if (g_regex_match_simple("^[0-9](?:\\.[0-9]+)?E\\+[0-9]+$", sn, G_REGEX_CASELESS, 0))
    return reject(reason,
                  "sn '%s' is a number as Excel shows a long one (its last digits are lost): format the SN "
                  "column as text in the sheet and export it again",
                  sn);
  /* a blank inside ("RCS 25A 0110012", as a label prints it) goes, like '-' and '/' (sn_compact) */
  for (const char *p = sn; *p; p++)
    if (!g_ascii_isalnum(*p) && *p != '-' && *p != '_' && *p != '/' && *p != '.' && *p != ' ')
      return reject(reason, "sn '%s' has characters other than letters, digits, blanks, -, _, / and .", sn);
  gsize snl = strlen(sn);
  if (snl < 4 || snl > 64)
    return reject(reason, "sn '%s' is not 4-64 characters long", sn);
  return TRUE;
}

/* kind, brand and tier. *brand receives a static string or NULL. */
static gboolean
read_kind_brand_tier(const ClassifierAssetFormat *format, char **v, ClassifierAsset *a, const char **brand,
                     char **reason)
{
  const char *kind = v[CLASSIFIER_ASSET_COL_KIND];
  int k = kind ? value_of(format, CLASSIFIER_ASSET_COL_KIND, kind) : CLASSIFIER_ASSET_SERVER;
  if (k < 0)
    return reject(reason, "kind '%s' is neither server nor part", kind);
  a->kind = (ClassifierAssetKind)k;

  const char *b = v[CLASSIFIER_ASSET_COL_BRAND];
  *brand = !b ? NULL : value_of(format, CLASSIFIER_ASSET_COL_BRAND, b) == 0 ? "supermicro" : "other";
  if (a->kind == CLASSIFIER_ASSET_PART && !*brand)
    return reject(reason, "brand is empty for a parts order (supermicro/超微 or other)");

  const char *tier = v[CLASSIFIER_ASSET_COL_TIER];
  if (!tier) {
    if (a->kind == CLASSIFIER_ASSET_SERVER)
      return reject(reason, "tier is empty (silver/银牌 or gold/金牌)");
    a->tier = CLASSIFIER_TIER_UNKNOWN;
  } else {
    int t = value_of(format, CLASSIFIER_ASSET_COL_TIER, tier);
    if (t <= 0)
      return reject(reason, "unknown tier '%s' (silver/银牌 or gold/金牌)", tier);
    a->tier = (ClassifierTier)t;
  }
  return TRUE;
}

/* The software column: items separated by ; ； | 、 and , (a comma in a quoted cell, or ， made , by
 * NFKC); empty items dropped; NULL when none. */
static char **
split_software(const char *p)
{
  GPtrArray *sw = g_ptr_array_new();
  while (*p) {
    const char *e = p;
    gsize sep = 0;
    while (*e) {
      if (*e == ';' || *e == '|' || *e == ',') {
        sep = 1;
        break;
      }
      if (!strncmp(e, "；", 3) || !strncmp(e, "、", 3)) {
        sep = 3;
        break;
      }
      e++;
    }
    g_autofree char *item = g_strndup(p, (gsize)(e - p));
    g_strstrip(item);
    if (*item)
      g_ptr_array_add(sw, g_steal_pointer(&item));
    p = *e ? e + sep : e;
  }
  g_ptr_array_add(sw, NULL);
  char **r = (char **)g_ptr_array_free(sw, FALSE);
  if (!r[0])
    g_clear_pointer(&r, g_strfreev);
  return r;
}

static char *sn_compact(const char *sn);

gboolean
classifier_asset_from_cols(const ClassifierAssetFormat *format, char **v, ClassifierAsset *out, char **reason)
{
  ClassifierAsset a = { 0 };
  const char *brand = NULL;
  if (!check_sn(v[CLASSIFIER_ASSET_COL_SN], reason) || !read_kind_brand_tier(format, v, &a, &brand, reason))
    return FALSE;
  if (!date_field(v[CLASSIFIER_ASSET_COL_SHIP], "ship_date", TRUE, &a.ship_date, reason) ||
      !date_field(v[CLASSIFIER_ASSET_COL_INVOICE], "invoice_date", FALSE, &a.invoice_date, reason) ||
      !date_field(v[CLASSIFIER_ASSET_COL_CONTRACT_START], "contract_start", FALSE, &a.contract_start, reason))
    return FALSE;
  const char *basis = v[CLASSIFIER_ASSET_COL_BASIS];
  int w = basis ? value_of(format, CLASSIFIER_ASSET_COL_BASIS, basis) : CLASSIFIER_BASIS_SHIP;
  if (w < 0)
    return reject(reason, "warranty_basis '%s' is not ship, invoice or contract", basis);
  a.warranty_basis = (ClassifierWarrantyBasis)w;
  const char *years = v[CLASSIFIER_ASSET_COL_CONTRACT_YEARS];
  if (years && !years_field(years, &a.contract_years, reason))
    return FALSE;
  /* an ERP's "RCS-24B9118133" is the machine customers write RCS24B9118133 (blind round 18): the
   * registry keeps the form a mail's look-up keys always include */
  a.sn = sn_compact(v[CLASSIFIER_ASSET_COL_SN]);
  a.brand = g_strdup(brand);
  a.model = g_strdup(v[CLASSIFIER_ASSET_COL_MODEL]);
  a.customer = g_strdup(v[CLASSIFIER_ASSET_COL_CUSTOMER]);
  a.city = g_strdup(v[CLASSIFIER_ASSET_COL_CITY]);
  a.district = g_strdup(v[CLASSIFIER_ASSET_COL_DISTRICT]);
  if (v[CLASSIFIER_ASSET_COL_SOFTWARE])
    a.software = split_software(v[CLASSIFIER_ASSET_COL_SOFTWARE]);
  *out = a;
  return TRUE;
}

gboolean
classifier_asset_from_values(const char *const *columns, const char *const *values, guint ncols,
                             ClassifierAsset *out, char **reason)
{
  char *v[CLASSIFIER_ASSET_N_COLS] = { 0 };
  for (guint i = 0; i < ncols; i++) {
    int c = classifier_asset_column(NULL, columns[i]);
    if (c >= 0 && !v[c])
      v[c] = classifier_asset_clean(values[i]);
  }
  gboolean ok = classifier_asset_from_cols(NULL, v, out, reason);
  for (int i = 0; i < CLASSIFIER_ASSET_N_COLS; i++)
    g_free(v[i]);
  return ok;
}

/* ---------- lookup keys ---------- */

/* Lookup keys in order, without repeats: the look-alike variants of one SN run to a hundred and
 * more, so the repeats are found in a set (a scan of the list per key was 1.6% of a poll's CPU). */
typedef struct {
  GPtrArray *list;  /* the keys (owned by the caller of sn_keys_init) */
  GHashTable *seen; /* the same strings */
} SnKeys;

static void
sn_keys_init(SnKeys *k, GPtrArray *list)
{
  k->list = list;
  k->seen = g_hash_table_new(g_str_hash, g_str_equal);
}

static void
sn_keys_clear(SnKeys *k)
{
  g_clear_pointer(&k->seen, g_hash_table_unref);
}

/* key, upper case, appended unless already there */
static void
add_key(SnKeys *keys, char *owned)
{
  if (g_hash_table_contains(keys->seen, owned)) {
    g_free(owned);
    return;
  }
  g_hash_table_add(keys->seen, owned);
  g_ptr_array_add(keys->list, owned);
}

/* add_key of a copy of key, made only when key is new */
static void
add_key_copy(SnKeys *keys, const char *key)
{
  if (!g_hash_table_contains(keys->seen, key))
    add_key(keys, g_strdup(key));
}

/* A key and, right after it, the same key without '-', ' ' and '/' (a label printed "RCS-25A-0110012" or
 * typed "RCS 25A 0110012" is registry row RCS25A0110012). */
static void
add_sn(SnKeys *keys, const char *sn)
{
  if (!sn || !*sn)
    return;
  char *u = g_ascii_strup(sn, -1);
  char *compact = sn_compact(sn);
  add_key(keys, u);
  if (*compact)
    add_key(keys, compact);
  else
    g_free(compact);
}

/* Look-alike characters customers mix up when they copy a label by hand (0/O, 1/I, 5/S, 8/B). */
static const char confusable_from[] = "0O1I5S8B";
static const char confusable_to[] = "O0I1S5B8";
#define SN_VARIANT_MIN_LEN 8   /* a short token is not an SN worth guessing at */
#define SN_VARIANT_MAX_SWAPS 2 /* a hand-copied SN has one or two slips, not a different SN */
#define SN_VARIANT_MAX_KEYS 160

static char
confusable_swap(char c)
{
  const char *p = strchr(confusable_from, c);
  return c && p ? confusable_to[p - confusable_from] : '\0';
}

/* The SN without separators, upper case (caller frees). */
static char *
sn_compact(const char *sn)
{
  char *u = g_ascii_strup(sn, -1), *w = u;
  for (const char *r = u; *r; r++)
    if (*r != '-' && *r != ' ' && *r != '/')
      *w++ = *r;
  *w = '\0';
  return u;
}

/* Whether written has letter O or I where registered has the digit 0 or 1 at pos: a digit copied as the
 * letter that looks like it ("RCS26D04OOO34" for RCS26D0400034, blind round 19) — any number of them. */
static gboolean
digit_as_letter(char written, char registered)
{
  return (written == 'O' && registered == '0') || (written == 'I' && registered == '1');
}

/* compact with every O and I after its first digit read as 0 and 1 (caller frees), or NULL when that
 * changes nothing. */
static char *
digits_as_written(const char *compact)
{
  const char *d = strpbrk(compact, "0123456789");
  if (!d || !strpbrk(d, "OI"))
    return NULL;
  char *v = g_strdup(compact);
  for (char *p = v + (d - compact); *p; p++)
    *p = *p == 'O' ? '0' : *p == 'I' ? '1' : *p;
  return v;
}

/* Each form of compact with one or two look-alike characters swapped, and the one with every O and I
 * among its digits read as 0 and 1, appended to keys. */
static void
add_variants(SnKeys *keys, const char *compact)
{
  gsize n = strlen(compact);
  if (n < SN_VARIANT_MIN_LEN || !strpbrk(compact, "0123456789") ||
      !strpbrk(compact, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    return;
  char *digits = digits_as_written(compact);
  if (digits)
    add_key(keys, digits);
  /* the variants are written over two copies; a key is allocated only when it is new */
  g_autofree char *one = g_strdup(compact), *two = g_strdup(compact);
  guint added = 0;
  for (gsize i = 0; i < n && added < SN_VARIANT_MAX_KEYS; i++) {
    char a = confusable_swap(compact[i]);
    if (!a)
      continue;
    one[i] = a;
    memcpy(two, one, n);
    for (gsize j = i + 1; SN_VARIANT_MAX_SWAPS > 1 && j < n && added < SN_VARIANT_MAX_KEYS; j++) {
      char b = confusable_swap(compact[j]);
      if (!b)
        continue;
      two[j] = b;
      add_key_copy(keys, two);
      two[j] = one[j];
      added++;
    }
    add_key_copy(keys, one);
    one[i] = compact[i];
    added++;
  }
}

/* The SNs of the request as written: the labelled one, then the candidates. */
static void
add_written(SnKeys *keys, const ParserRequest *req, gboolean variants)
{
  guint n = req->sn_candidates ? req->sn_candidates->len : 0;
  for (guint i = 0; i <= n; i++) {
    const char *sn = i == 0 ? req->sn : g_ptr_array_index(req->sn_candidates, i - 1);
    if (!sn || !*sn)
      continue;
    if (!variants) {
      add_sn(keys, sn);
      continue;
    }
    g_autofree char *compact = sn_compact(sn);
    add_variants(keys, compact);
  }
}

GStrv
classifier_request_sn_keys(const ParserRequest *req)
{
  SnKeys keys;
  sn_keys_init(&keys, g_ptr_array_new());
  add_written(&keys, req, FALSE);
  add_written(&keys, req, TRUE);
  sn_keys_clear(&keys);
  g_ptr_array_add(keys.list, NULL);
  return (GStrv)g_ptr_array_free(keys.list, FALSE);
}

gboolean
classifier_sn_lookalike(const char *written, const char *registered)
{
  if (!written || !registered)
    return FALSE;
  g_autofree char *a = sn_compact(written), *b = sn_compact(registered);
  if (strlen(a) != strlen(b) || g_str_equal(a, b))
    return FALSE;
  guint swaps = 0;
  gboolean all_digits = TRUE;
  for (gsize i = 0; a[i]; i++) {
    if (a[i] == b[i])
      continue;
    if (confusable_swap(a[i]) != b[i])
      return FALSE;
    swaps++;
    all_digits = all_digits && digit_as_letter(a[i], b[i]);
  }
  return swaps <= SN_VARIANT_MAX_SWAPS || all_digits;
}

/* The one registered look-alike of sn among found, or NULL (none, or several: a guess would be a
 * coin toss, the SN stays unknown for review). */
static const ClassifierAsset *
pick_lookalike(const char *sn, const ClassifierAsset *const *found, guint n)
{
  const ClassifierAsset *hit = NULL;
  for (guint i = 0; i < n; i++)
    if (found[i] && found[i]->sn && classifier_sn_lookalike(sn, found[i]->sn)) {
      if (hit && g_ascii_strcasecmp(hit->sn, found[i]->sn) != 0)
        return NULL;
      hit = found[i];
    }
  return hit;
}

const ClassifierAsset *
classifier_asset_pick(const ParserRequest *req, const ClassifierAsset *const *found, guint n)
{
  if (!n)
    return NULL;
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func(g_free);
  SnKeys set;
  sn_keys_init(&set, keys);
  add_written(&set, req, FALSE);
  sn_keys_clear(&set);
  for (guint k = 0; k < keys->len; k++)
    for (guint i = 0; i < n; i++)
      if (found[i] && found[i]->sn && !g_ascii_strcasecmp(found[i]->sn, keys->pdata[k]))
        return found[i];
  /* no SN as written is registered: a unique look-alike of one (labelled first) stands in for it */
  guint nc = req->sn_candidates ? req->sn_candidates->len : 0;
  for (guint c = 0; c <= nc; c++) {
    const char *sn = c == 0 ? req->sn : g_ptr_array_index(req->sn_candidates, c - 1);
    const ClassifierAsset *a = sn ? pick_lookalike(sn, found, n) : NULL;
    if (a)
      return a;
  }
  return NULL;
}
