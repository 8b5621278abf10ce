/* assets.c: the asset registry (policy §2): rows validated one by one, RFC 4180 CSV files, SN lookup keys. */
#include "classifier-private.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

enum {
  COL_SN,
  COL_KIND,
  COL_BRAND,
  COL_MODEL,
  COL_CUSTOMER,
  COL_TIER,
  COL_SHIP,
  COL_INVOICE,
  COL_BASIS,
  COL_CONTRACT_START,
  COL_CONTRACT_YEARS,
  COL_SOFTWARE,
  COL_CITY,
  COL_DISTRICT,
  N_COLS
};

static const char *const col_names[N_COLS] = {
  "sn",           "kind",           "brand",          "model",          "customer", "tier", "ship_date",
  "invoice_date", "warranty_basis", "contract_start", "contract_years", "software", "city", "district"
};

/* Header spellings other than the canonical ones (ERP exports in Chinese). */
static const struct {
  const char *alias;
  int col;
} col_aliases[] = {
  { "序列号", COL_SN },
  { "设备sn", COL_SN },
  { "s/n", COL_SN },
  { "serial", COL_SN },
  { "类型", COL_KIND },
  { "品牌", COL_BRAND },
  { "型号", COL_MODEL },
  { "客户", COL_CUSTOMER },
  { "客户名称", COL_CUSTOMER },
  { "服务等级", COL_TIER },
  { "等级", COL_TIER },
  { "出库日期", COL_SHIP },
  { "出厂日期", COL_SHIP },
  { "发票日期", COL_INVOICE },
  { "保修起算", COL_BASIS },
  { "合同开始", COL_CONTRACT_START },
  { "合同年限", COL_CONTRACT_YEARS },
  { "软件", COL_SOFTWARE },
  { "城市", COL_CITY },
  { "区县", COL_DISTRICT },
};

static int
column_of(const char *name)
{
  g_autofree char *n = classifier_text_fold(name, -1);
  g_strstrip(n);
  for (int i = 0; i < N_COLS; i++)
    if (g_str_equal(n, col_names[i]))
      return i;
  for (guint i = 0; i < G_N_ELEMENTS(col_aliases); i++)
    if (g_str_equal(n, col_aliases[i].alias))
      return col_aliases[i].col;
  return -1;
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

static char *
clean(const char *s)
{
  if (!s)
    return NULL;
  char *c = classifier_text_nfkc(s, -1);
  g_strstrip(c);
  if (!*c) {
    g_free(c);
    return NULL;
  }
  return c;
}

static gboolean
one_of(const char *v, const char *const *words)
{
  for (; *words; words++)
    if (!g_ascii_strcasecmp(v, *words))
      return TRUE;
  return FALSE;
}

#define WORDS(...) ((const char *const[]){ __VA_ARGS__, NULL })

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

static gboolean
date_field(const char *v, const char *name, gboolean required, GDate *out, char **reason)
{
  g_date_clear(out, 1);
  if (!v)
    return required ? reject(reason, "%s is empty", name) : TRUE;
  if (!classifier_parse_date(v, out))
    return reject(reason, "%s '%s' is not a date (YYYY-MM-DD)", name, v);
  return TRUE;
}

/* v: N_COLS cleaned values (NULL = empty), owned by the caller. */
static gboolean
asset_from_cols(char **v, ClassifierAsset *out, char **reason)
{
  ClassifierAsset a = { 0 };
  g_date_clear(&a.ship_date, 1);
  g_date_clear(&a.invoice_date, 1);
  g_date_clear(&a.contract_start, 1);
  if (!v[COL_SN])
    return reject(reason, "sn is empty");
  for (const char *p = v[COL_SN]; *p; p++)
    if (!g_ascii_isalnum(*p) && *p != '-' && *p != '_' && *p != '/' && *p != '.')
      return reject(reason, "sn '%s' has characters other than letters, digits, -, _, / and .", v[COL_SN]);
  gsize snl = strlen(v[COL_SN]);
  if (snl < 4 || snl > 64)
    return reject(reason, "sn '%s' is not 4-64 characters long", v[COL_SN]);

  if (!v[COL_KIND] || one_of(v[COL_KIND], WORDS("server", "服务器", "整机")))
    a.kind = CLASSIFIER_ASSET_SERVER;
  else if (one_of(v[COL_KIND], WORDS("part", "parts", "配件", "配件订单")))
    a.kind = CLASSIFIER_ASSET_PART;
  else
    return reject(reason, "kind '%s' is neither server nor part", v[COL_KIND]);

  const char *brand = NULL;
  if (v[COL_BRAND])
    brand = one_of(v[COL_BRAND], WORDS("supermicro", "超微", "smc", "super micro")) ? "supermicro" : "other";
  if (a.kind == CLASSIFIER_ASSET_PART && !brand)
    return reject(reason, "brand is empty for a parts order (supermicro/超微 or other)");

  if (!v[COL_TIER]) {
    if (a.kind == CLASSIFIER_ASSET_SERVER)
      return reject(reason, "tier is empty (silver/银牌 or gold/金牌)");
    a.tier = CLASSIFIER_TIER_UNKNOWN;
  } else if (one_of(v[COL_TIER], WORDS("silver", "银牌", "银", "银牌服务")))
    a.tier = CLASSIFIER_TIER_SILVER;
  else if (one_of(v[COL_TIER], WORDS("gold", "金牌", "金", "金牌服务")))
    a.tier = CLASSIFIER_TIER_GOLD;
  else
    return reject(reason, "unknown tier '%s' (silver/银牌 or gold/金牌)", v[COL_TIER]);

  if (!date_field(v[COL_SHIP], "ship_date", TRUE, &a.ship_date, reason) ||
      !date_field(v[COL_INVOICE], "invoice_date", FALSE, &a.invoice_date, reason) ||
      !date_field(v[COL_CONTRACT_START], "contract_start", FALSE, &a.contract_start, reason))
    return FALSE;

  if (!v[COL_BASIS] || one_of(v[COL_BASIS], WORDS("ship", "出库", "出厂", "出库日期")))
    a.warranty_basis = CLASSIFIER_BASIS_SHIP;
  else if (one_of(v[COL_BASIS], WORDS("invoice", "发票", "发票日期")))
    a.warranty_basis = CLASSIFIER_BASIS_INVOICE;
  else if (one_of(v[COL_BASIS], WORDS("contract", "合同")))
    a.warranty_basis = CLASSIFIER_BASIS_CONTRACT;
  else
    return reject(reason, "warranty_basis '%s' is not ship, invoice or contract", v[COL_BASIS]);

  if (v[COL_CONTRACT_YEARS]) {
    char *end = NULL;
    guint64 y = g_ascii_strtoull(v[COL_CONTRACT_YEARS], &end, 10);
    if (!end || *end || end == v[COL_CONTRACT_YEARS] || y < 1 || y > 30)
      return reject(reason, "contract_years '%s' is not a number of years 1-30", v[COL_CONTRACT_YEARS]);
    a.contract_years = (guint)y;
  }

  a.sn = g_ascii_strup(v[COL_SN], -1);
  a.brand = g_strdup(brand);
  a.model = g_strdup(v[COL_MODEL]);
  a.customer = g_strdup(v[COL_CUSTOMER]);
  a.city = g_strdup(v[COL_CITY]);
  a.district = g_strdup(v[COL_DISTRICT]);
  if (v[COL_SOFTWARE]) {
    GPtrArray *sw = g_ptr_array_new();
    const char *p = v[COL_SOFTWARE];
    while (*p) {
      /* separators: ; ； | 、 */
      const char *e = p;
      gsize sep = 0;
      while (*e) {
        if (*e == ';' || *e == '|') {
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
    a.software = (char **)g_ptr_array_free(sw, FALSE);
    if (!a.software[0])
      g_clear_pointer(&a.software, g_strfreev);
  }
  *out = a;
  return TRUE;
}

gboolean
classifier_asset_from_values(const char *const *columns, const char *const *values, guint ncols,
                             ClassifierAsset *out, char **reason)
{
  char *v[N_COLS] = { 0 };
  for (guint i = 0; i < ncols; i++) {
    int c = column_of(columns[i]);
    if (c >= 0 && !v[c])
      v[c] = clean(values[i]);
  }
  gboolean ok = asset_from_cols(v, out, reason);
  for (int i = 0; i < N_COLS; i++)
    g_free(v[i]);
  return ok;
}

/* ---------- RFC 4180 ---------- */

typedef struct {
  const char *p, *end;
  guint line; /* current physical line */
} CsvReader;

/* Reads one record into fields (cleared first). Returns FALSE at the end of data. *problem is set
 * (static string) when the record is malformed; the reader has then skipped to the record's end. */
static gboolean
csv_record(CsvReader *r, GPtrArray *fields, GString *buf, const char **problem)
{
  g_ptr_array_set_size(fields, 0);
  *problem = NULL;
  if (r->p >= r->end)
    return FALSE;
  for (;;) {
    g_string_truncate(buf, 0);
    gboolean quoted = FALSE;
    if (r->p < r->end && *r->p == '"') {
      quoted = TRUE;
      r->p++;
      for (;;) {
        const char *q = memchr(r->p, '"', (gsize)(r->end - r->p));
        if (!q) {
          for (const char *c = r->p; c < r->end; c++)
            if (*c == '\n')
              r->line++;
          r->p = r->end;
          *problem = "unterminated quoted field";
          return TRUE;
        }
        for (const char *c = r->p; c < q; c++)
          if (*c == '\n')
            r->line++;
        g_string_append_len(buf, r->p, q - r->p);
        r->p = q + 1;
        if (r->p < r->end && *r->p == '"') {
          g_string_append_c(buf, '"');
          r->p++;
          continue;
        }
        break;
      }
    }
    /* the rest of an unquoted field (or stray text after a closing quote) */
    const char *s = r->p;
    while (r->p < r->end && *r->p != ',' && *r->p != '\n' && *r->p != '\r')
      r->p++;
    if (quoted && r->p > s) {
      gboolean only_space = TRUE;
      for (const char *c = s; c < r->p; c++)
        if (*c != ' ' && *c != '\t')
          only_space = FALSE;
      if (!only_space && !*problem)
        *problem = "text after a closing quote";
    } else if (!quoted)
      g_string_append_len(buf, s, r->p - s);
    g_ptr_array_add(fields, g_strndup(buf->str, buf->len));
    if (r->p >= r->end)
      return TRUE;
    if (*r->p == ',') {
      r->p++;
      continue;
    }
    /* end of record: \n, \r\n or a lone \r */
    if (*r->p == '\r')
      r->p++;
    if (r->p < r->end && *r->p == '\n')
      r->p++;
    r->line++;
    return TRUE;
  }
}

static guint
line_of_offset(const char *data, gsize off)
{
  guint line = 1;
  for (gsize i = 0; i < off; i++)
    if (data[i] == '\n')
      line++;
  return line;
}

static gboolean
check_encoding(const char *data, gsize len, GError **error)
{
  if (len >= 2 && (((guchar)data[0] == 0xFF && (guchar)data[1] == 0xFE) ||
                   ((guchar)data[0] == 0xFE && (guchar)data[1] == 0xFF))) {
    g_set_error(error, CLASSIFIER_ERROR, CLASSIFIER_ERROR_ASSETS,
                "the file is UTF-16: save it as CSV UTF-8 and import again");
    return FALSE;
  }
  const char *bad = NULL;
  if (g_utf8_validate_len(data, len, &bad))
    return TRUE;
  guint line = line_of_offset(data, (gsize)(bad - data));
  gsize wlen = 0;
  g_autofree char *as_gb = g_convert(data, (gssize)len, "UTF-8", "GB18030", NULL, &wlen, NULL);
  if (as_gb)
    g_set_error(
      error, CLASSIFIER_ERROR, CLASSIFIER_ERROR_ASSETS,
      "the file is not UTF-8 (first bad byte on line %u); it reads as GBK/GB18030, the encoding of a "
      "Chinese Excel export: save it as \"CSV UTF-8\" (or iconv -f GB18030 -t UTF-8) and import again",
      line);
  else
    g_set_error(error, CLASSIFIER_ERROR, CLASSIFIER_ERROR_ASSETS,
                "the file is not UTF-8 (first bad byte on line %u, offset %zu): save it as CSV UTF-8", line,
                (gsize)(bad - data));
  return FALSE;
}

static void
add_reject(GPtrArray *rejects, guint line, const char *sn, const char *reason)
{
  if (!rejects)
    return;
  ClassifierAssetReject *r = g_new0(ClassifierAssetReject, 1);
  r->line = line;
  r->sn = sn && *sn ? g_strdup(sn) : NULL;
  r->reason = g_strdup(reason);
  g_ptr_array_add(rejects, r);
}

gboolean
classifier_assets_parse_csv(const char *data, gsize len, ClassifierAssetFunc func, gpointer user_data,
                            GPtrArray *rejects, GError **error)
{
  g_return_val_if_fail(data || !len, FALSE);
  if (len == 0) {
    g_set_error(error, CLASSIFIER_ERROR, CLASSIFIER_ERROR_ASSETS,
                "the file is empty (0 bytes): no header, no rows");
    return FALSE;
  }
  if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3)) {
    data += 3;
    len -= 3;
  }
  if (!check_encoding(data, len, error))
    return FALSE;

  CsvReader rd = { data, data + len, 1 };
  g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(GString) buf = g_string_sized_new(256);
  const char *problem = NULL;
  /* the header: the first non-blank record */
  int map[64];
  guint nheader = 0;
  for (;;) {
    guint line = rd.line;
    if (!csv_record(&rd, fields, buf, &problem)) {
      g_set_error(error, CLASSIFIER_ERROR, CLASSIFIER_ERROR_ASSETS, "the file has no header row");
      return FALSE;
    }
    if (fields->len == 1 && !*(char *)fields->pdata[0])
      continue;
    if (problem) {
      g_set_error(error, CLASSIFIER_ERROR, CLASSIFIER_ERROR_ASSETS, "line %u, the header: %s", line, problem);
      return FALSE;
    }
    if (fields->len > G_N_ELEMENTS(map)) {
      g_set_error(error, CLASSIFIER_ERROR, CLASSIFIER_ERROR_ASSETS,
                  "line %u, the header: %u columns, at most %zu", line, fields->len, G_N_ELEMENTS(map));
      return FALSE;
    }
    nheader = fields->len;
    gboolean seen[N_COLS] = { 0 };
    for (guint i = 0; i < nheader; i++) {
      map[i] = column_of(fields->pdata[i]);
      if (map[i] >= 0) {
        if (seen[map[i]]) {
          g_set_error(error, CLASSIFIER_ERROR, CLASSIFIER_ERROR_ASSETS,
                      "line %u, the header: column %s given twice", line, col_names[map[i]]);
          return FALSE;
        }
        seen[map[i]] = TRUE;
      }
    }
    GString *lack = g_string_new(NULL);
    static const int required[] = { COL_SN, COL_TIER, COL_SHIP };
    for (guint i = 0; i < G_N_ELEMENTS(required); i++)
      if (!seen[required[i]])
        g_string_append_printf(lack, "%s%s", lack->len ? ", " : "", col_names[required[i]]);
    if (lack->len) {
      g_set_error(
        error, CLASSIFIER_ERROR, CLASSIFIER_ERROR_ASSETS,
        "line %u, the header lacks the column(s) %s (policy §2: sn,kind,brand,model,customer,tier,ship_date,"
        "invoice_date,warranty_basis,contract_start,contract_years,software,city,district)",
        line, lack->str);
      g_string_free(lack, TRUE);
      return FALSE;
    }
    g_string_free(lack, TRUE);
    break;
  }

  g_autoptr(GHashTable) seen_sn = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  for (;;) {
    guint line = rd.line;
    if (!csv_record(&rd, fields, buf, &problem))
      break;
    if (fields->len == 1 && !*(char *)fields->pdata[0])
      continue; /* a blank line */
    const char *raw_sn = NULL;
    for (guint i = 0; i < nheader && i < fields->len; i++)
      if (map[i] == COL_SN)
        raw_sn = fields->pdata[i];
    if (problem) {
      add_reject(rejects, line, raw_sn, problem);
      continue;
    }
    if (fields->len != nheader) {
      g_autofree char *why =
        g_strdup_printf("%u fields, the header has %u (missing or extra columns)", fields->len, nheader);
      add_reject(rejects, line, raw_sn, why);
      continue;
    }
    char *v[N_COLS] = { 0 };
    for (guint i = 0; i < nheader; i++)
      if (map[i] >= 0)
        v[map[i]] = clean(fields->pdata[i]);
    ClassifierAsset a;
    g_autofree char *reason = NULL;
    gboolean ok = asset_from_cols(v, &a, &reason);
    for (int i = 0; i < N_COLS; i++)
      g_free(v[i]);
    if (!ok) {
      add_reject(rejects, line, raw_sn, reason);
      continue;
    }
    gpointer first = g_hash_table_lookup(seen_sn, a.sn);
    if (first) {
      g_autofree char *why =
        g_strdup_printf("duplicate SN %s, first on line %u", a.sn, GPOINTER_TO_UINT(first));
      add_reject(rejects, line, raw_sn, why);
      classifier_asset_clear(&a);
      continue;
    }
    g_hash_table_insert(seen_sn, g_strdup(a.sn), GUINT_TO_POINTER(line));
    gboolean go = func ? func(&a, line, user_data, error) : TRUE;
    classifier_asset_clear(&a);
    if (!go) {
      if (error && !*error)
        g_set_error(error, CLASSIFIER_ERROR, CLASSIFIER_ERROR_ABORTED, "stopped at line %u", line);
      return FALSE;
    }
  }
  return TRUE;
}

gboolean
classifier_assets_load_csv(const char *path, ClassifierAssetFunc func, gpointer user_data, GPtrArray *rejects,
                           GError **error)
{
  g_autofree char *data = NULL;
  gsize len = 0;
  if (g_str_equal(path, "-")) {
    GString *s = g_string_new(NULL);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, stdin)) > 0)
      g_string_append_len(s, chunk, (gssize)n);
    len = s->len;
    data = g_string_free(s, FALSE);
  } else {
    g_autoptr(GError) local = NULL;
    if (!g_file_get_contents(path, &data, &len, &local)) {
      g_set_error(error, CLASSIFIER_ERROR, CLASSIFIER_ERROR_IO, "%s", local->message);
      return FALSE;
    }
  }
  if (!classifier_assets_parse_csv(data, len, func, user_data, rejects, error)) {
    g_prefix_error(error, "%s: ", path);
    return FALSE;
  }
  return TRUE;
}

/* ---------- lookup keys ---------- */

/* key, upper case, appended unless already there */
static void
add_key(GPtrArray *keys, char *owned)
{
  for (guint j = 0; j < keys->len; j++)
    if (g_str_equal(keys->pdata[j], owned)) {
      g_free(owned);
      return;
    }
  g_ptr_array_add(keys, owned);
}

/* A key and, right after it, the same key without '-', ' ' and '/' (a label printed "RCS-25A-0110012" or
 * typed "RCS 25A 0110012" is registry row RCS25A0110012). */
static void
add_sn(GPtrArray *keys, const char *sn)
{
  if (!sn || !*sn)
    return;
  char *u = g_ascii_strup(sn, -1);
  char *compact = g_strdup(u);
  char *w = compact;
  for (const char *r = compact; *r; r++)
    if (*r != '-' && *r != ' ' && *r != '/')
      *w++ = *r;
  *w = '\0';
  add_key(keys, u);
  if (*compact)
    add_key(keys, compact);
  else
    g_free(compact);
}

GStrv
classifier_request_sn_keys(const ParserRequest *req)
{
  GPtrArray *keys = g_ptr_array_new();
  add_sn(keys, req->sn);
  if (req->sn_candidates)
    for (guint i = 0; i < req->sn_candidates->len; i++)
      add_sn(keys, g_ptr_array_index(req->sn_candidates, i));
  g_ptr_array_add(keys, NULL);
  return (GStrv)g_ptr_array_free(keys, FALSE);
}

const ClassifierAsset *
classifier_asset_pick(const ParserRequest *req, const ClassifierAsset *const *found, guint n)
{
  if (!n)
    return NULL;
  g_auto(GStrv) keys = classifier_request_sn_keys(req);
  for (guint k = 0; keys[k]; k++)
    for (guint i = 0; i < n; i++)
      if (found[i] && found[i]->sn && !g_ascii_strcasecmp(found[i]->sn, keys[k]))
        return found[i];
  return NULL;
}
