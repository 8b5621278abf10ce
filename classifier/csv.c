/* csv.c: the asset registry as an RFC 4180 CSV file (UTF-8, BOM optional): the header mapped to the
 * registry's columns, each record validated into an asset or a reject with its line. */
#include "classifier-private.h"

#include <stdio.h>
#include <string.h>

typedef struct {
  const char *p, *end;
  guint line; /* current physical line */
  char sep;   /* ',', or the tab or ';' of an export that uses one (csv_separator) */
} CsvReader;

/* The separator of the file: ',' unless its first line has none and has tabs (Excel's "text") or
 * semicolons (a CSV saved in a European locale) — blind round 16: such files were refused as "the
 * header lacks sn, tier, ship_date". */
static char
csv_separator(const char *data, gsize len)
{
  const char *nl = memchr(data, '\n', len);
  gsize n = nl ? (gsize)(nl - data) : len;
  if (memchr(data, ',', n))
    return ',';
  if (memchr(data, '\t', n))
    return '\t';
  return memchr(data, ';', n) ? ';' : ',';
}

/* A quoted cell may hold line breaks (an address on two lines), not a screenful: a quote that closes
 * further down than this, or never, is a stray one ("\"客户9有限公司" from an ERP). */
#define CSV_QUOTED_LINES_MAX 10

/* Reads one record into fields (cleared first). Returns FALSE at the end of data. *problem is set
 * (static string) when the record is malformed; the reader has then skipped to the record's end —
 * for a stray quote the end of its own line, so that one bad cell does not swallow the rows below it
 * (blind round 16: 99,990 rows of 100,000 vanished from every count, exit 0). */
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
      guint spanned = 0;
      for (;;) {
        const char *q = memchr(r->p, '"', (gsize)(r->end - r->p));
        for (const char *c = r->p; c < (q ? q : r->end) && spanned <= CSV_QUOTED_LINES_MAX; c++)
          spanned += *c == '\n';
        if (!q || spanned > CSV_QUOTED_LINES_MAX) {
          /* a stray quote: this record ends with its line, the rows below are read as rows */
          const char *nl = memchr(r->p, '\n', (gsize)(r->end - r->p));
          r->p = nl ? nl + 1 : r->end;
          r->line++;
          g_ptr_array_add(fields, g_strdup(""));
          *problem =
            q ? "a quote opens a cell that closes more than 10 lines below: read as a stray quote, "
                "the row is rejected (the rows below are read)"
              : "a quote opens a cell that is never closed: the row is rejected (the rows below are read)";
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
    while (r->p < r->end && *r->p != r->sep && *r->p != '\n' && *r->p != '\r')
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
    if (*r->p == r->sep) {
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
  if (!*bad) {
    /* NUL is valid UTF-8 but never text: re-saving as UTF-8 would not help. Text in UTF-16 without its
     * byte-order mark has a NUL beside every ASCII character. */
    if (bad - data < 2 && len >= 4 && !data[(bad - data) + 2])
      g_set_error(error, CLASSIFIER_ERROR, CLASSIFIER_ERROR_ASSETS,
                  "the file looks like UTF-16 (without a byte-order mark): save it as CSV UTF-8 and import "
                  "again");
    else
      g_set_error(error, CLASSIFIER_ERROR, CLASSIFIER_ERROR_ASSETS,
                  "the file contains a NUL byte (binary data) on line %u, offset %zu: a CSV is text; remove "
                  "the byte or export the sheet again as CSV UTF-8",
                  line, (gsize)(bad - data));
    return FALSE;
  }
  /* UTF-16 without its mark whose first characters are not ASCII (a Chinese header): its commas and
   * digits still come with a NUL beside them (blind round 20: "not UTF-8 … save it as CSV UTF-8") */
  gsize head = MIN(len, 512), nuls = 0;
  for (gsize i = 0; i < head; i++)
    nuls += data[i] == '\0';
  if (nuls * 10 >= head) {
    g_set_error(
      error, CLASSIFIER_ERROR, CLASSIFIER_ERROR_ASSETS,
      "the file looks like UTF-16 (without a byte-order mark): save it as CSV UTF-8 and import again");
    return FALSE;
  }
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

/* Appends a reject (and returns it; NULL when rejects is NULL: the caller keeps none). */
static ClassifierAssetReject *
add_reject(GPtrArray *rejects, guint line, const char *sn, const char *reason)
{
  if (!rejects)
    return NULL;
  ClassifierAssetReject *r = g_new0(ClassifierAssetReject, 1);
  r->line = line;
  r->sn = sn && *sn ? g_strdup(sn) : NULL;
  r->reason = g_strdup(reason);
  g_ptr_array_add(rejects, r);
  return r;
}

/* MD5 of the record's fields read (hex, caller frees): two rows alike in every column read agree. */
static char *
row_digest(GPtrArray *fields, const int *map, guint nheader)
{
  g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_MD5);
  for (guint i = 0; i < nheader && i < fields->len; i++) {
    if (map[i] < 0)
      continue;
    g_autofree char *v = g_strstrip(g_strdup(fields->pdata[i]));
    g_checksum_update(sum, (const guchar *)v, -1);
    g_checksum_update(sum, (const guchar *)"\x1f", 1);
  }
  return g_strdup(g_checksum_get_string(sum));
}

/* The header: the first non-blank record; every column we know at most once, sn, tier and ship_date
 * present. map[i]: the registry column of field i, or -1. */
static gboolean
read_header(const ClassifierAssetFormat *format, CsvReader *rd, GPtrArray *fields, GString *buf,
            GPtrArray *rejects, int *map, guint max, guint *n, GError **error)
{
  const char *problem = NULL;
  guint line;
  for (guint titles = 0;; titles++) {
    line = rd->line;
    if (!csv_record(rd, fields, buf, &problem)) {
      g_set_error(error, CLASSIFIER_ERROR, CLASSIFIER_ERROR_ASSETS, "the file has no header row");
      return FALSE;
    }
    guint filled = 0;
    gboolean sn = FALSE;
    for (guint i = 0; i < fields->len; i++) {
      filled += *(char *)fields->pdata[i] != '\0';
      sn |= classifier_asset_column(format, fields->pdata[i]) == CLASSIFIER_ASSET_COL_SN;
    }
    /* blank lines, and a sheet's title above its header ("融科联创设备台账 2026-12-01导出,,,,": one
     * cell, no SN column) — at most three */
    if (filled == 0 || (!sn && filled == 1 && titles < 3 && !problem))
      continue;
    break;
  }
  if (problem) {
    g_set_error(error, CLASSIFIER_ERROR, CLASSIFIER_ERROR_ASSETS, "line %u, the header: %s", line, problem);
    return FALSE;
  }
  if (fields->len > max) {
    g_set_error(error, CLASSIFIER_ERROR, CLASSIFIER_ERROR_ASSETS,
                "line %u, the header: %u columns, at most %u", line, fields->len, max);
    return FALSE;
  }
  *n = fields->len;
  gboolean seen[CLASSIFIER_ASSET_N_COLS] = { 0 };
  g_autoptr(GString) unread = g_string_new(NULL);
  for (guint i = 0; i < *n; i++) {
    map[i] = classifier_asset_column(format, fields->pdata[i]);
    if (map[i] < 0 && *(char *)fields->pdata[i])
      g_string_append_printf(unread, "%s\"%s\"", unread->len ? ", " : "", (char *)fields->pdata[i]);
    if (map[i] < 0) {
      /* an ERP's own column (销售, 备注) or a spelling assets.ini lacks (合同开始日期): said, not silent */
      const char *h = fields->pdata[i];
      if (*h && rejects) {
        g_autofree char *why = g_strdup_printf(
          "column \"%s\" is not read: not a registry column nor one of its spellings "
          "(data/classifier/assets.ini "
          "[columns]); if it holds contract_start, software or another policy column, add the spelling there",
          h);
        add_reject(rejects, line, NULL, why)->column = TRUE;
      }
      continue;
    }
    if (seen[map[i]]) {
      g_set_error(error, CLASSIFIER_ERROR, CLASSIFIER_ERROR_ASSETS,
                  "line %u, the header: column %s given twice", line, classifier_asset_column_name(map[i]));
      return FALSE;
    }
    seen[map[i]] = TRUE;
  }
  g_autoptr(GString) lack = g_string_new(NULL);
  static const int required[] = { CLASSIFIER_ASSET_COL_SN, CLASSIFIER_ASSET_COL_TIER,
                                  CLASSIFIER_ASSET_COL_SHIP };
  for (guint i = 0; i < G_N_ELEMENTS(required); i++)
    if (!seen[required[i]])
      g_string_append_printf(lack, "%s%s", lack->len ? ", " : "", classifier_asset_column_name(required[i]));
  if (lack->len) {
    g_autofree char *names =
      unread->len ? g_strdup_printf("; not understood: %s — if one of them is %s, add its spelling to "
                                    "data/classifier/assets.ini [columns]",
                                    unread->str, lack->str)
                  : g_strdup("");
    g_set_error(
      error, CLASSIFIER_ERROR, CLASSIFIER_ERROR_ASSETS,
      "line %u, the header lacks the column(s) %s (policy §2: sn,kind,brand,model,customer,tier,ship_date,"
      "invoice_date,warranty_basis,contract_start,contract_years,software,city,district)%s",
      line, lack->str, names);
    return FALSE;
  }
  return TRUE;
}

/* One data record into *a; FALSE with a reject reason (caller frees) when it is not a valid row. */
static gboolean
record_to_asset(const ClassifierAssetFormat *format, GPtrArray *fields, const int *map, guint nheader,
                const char *problem, ClassifierAsset *a, char **reason)
{
  if (problem) {
    *reason = g_strdup(problem);
    return FALSE;
  }
  if (fields->len != nheader) {
    *reason =
      g_strdup_printf("%u fields, the header has %u (missing or extra columns)", fields->len, nheader);
    return FALSE;
  }
  char *v[CLASSIFIER_ASSET_N_COLS] = { 0 };
  for (guint i = 0; i < nheader; i++)
    if (map[i] >= 0)
      v[map[i]] = classifier_asset_clean(fields->pdata[i]);
  gboolean ok = classifier_asset_from_cols(format, v, a, reason);
  for (int i = 0; i < CLASSIFIER_ASSET_N_COLS; i++)
    g_free(v[i]);
  for (guint i = 0; ok && i < nheader; i++)
    if (map[i] >= 0)
      a->carried |= 1u << map[i];
  return ok;
}

gboolean
classifier_assets_parse_csv(const ClassifierAssetFormat *format, const char *data, gsize len,
                            ClassifierAssetFunc func, gpointer user_data, GPtrArray *rejects, GError **error)
{
  g_return_val_if_fail(data || !len, FALSE);
  if (len == 0) {
    g_set_error(error, CLASSIFIER_ERROR, CLASSIFIER_ERROR_ASSETS,
                "the file is empty (0 bytes): no header, no rows");
    return FALSE;
  }
  /* Excel's "Unicode text" (UTF-16 with its byte-order mark, tab-separated): read as it is, the mark
   * says what it is (blind round 16: refused). UTF-16 without the mark is still refused, with how. */
  g_autofree char *from_utf16 = NULL;
  if (len >= 2 && (((guchar)data[0] == 0xFF && (guchar)data[1] == 0xFE) ||
                   ((guchar)data[0] == 0xFE && (guchar)data[1] == 0xFF))) {
    gsize wlen = 0;
    from_utf16 = g_convert(data + 2, (gssize)(len - 2), "UTF-8",
                           (guchar)data[0] == 0xFF ? "UTF-16LE" : "UTF-16BE", NULL, &wlen, NULL);
    if (!from_utf16) {
      g_set_error(
        error, CLASSIFIER_ERROR, CLASSIFIER_ERROR_ASSETS,
        "the file starts as UTF-16 but does not read as UTF-16: save it as CSV UTF-8 and import again");
      return FALSE;
    }
    data = from_utf16;
    len = wlen;
  }
  if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3)) {
    data += 3;
    len -= 3;
  }
  if (!check_encoding(data, len, error))
    return FALSE;

  CsvReader rd = { data, data + len, 1, csv_separator(data, len) };
  g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(GString) buf = g_string_sized_new(256);
  int map[64];
  guint nheader = 0;
  if (!read_header(format, &rd, fields, buf, rejects, map, G_N_ELEMENTS(map), &nheader, error))
    return FALSE;

  g_autoptr(GHashTable) seen_sn = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  /* SN -> digest of its first row's fields: the same row twice (an export that repeats a line, two
   * sheets pasted together) is read once, not rejected (blind round 20) */
  g_autoptr(GHashTable) seen_row = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  const char *problem = NULL;
  for (;;) {
    guint line = rd.line;
    if (!csv_record(&rd, fields, buf, &problem))
      break;
    gboolean blank = !problem;
    for (guint i = 0; blank && i < fields->len; i++)
      for (const char *f = fields->pdata[i]; blank && *f; f++)
        blank = *f == ' ' || *f == '\t';
    if (blank)
      continue; /* a blank line, or a spreadsheet's empty formatted row (",,,,") */
    const char *raw_sn = NULL;
    for (guint i = 0; i < nheader && i < fields->len; i++)
      if (map[i] == CLASSIFIER_ASSET_COL_SN)
        raw_sn = fields->pdata[i];
    ClassifierAsset a;
    g_autofree char *reason = NULL;
    if (!record_to_asset(format, fields, map, nheader, problem, &a, &reason)) {
      add_reject(rejects, line, raw_sn, reason);
      continue;
    }
    g_autofree char *digest = row_digest(fields, map, nheader);
    gpointer first = g_hash_table_lookup(seen_sn, a.sn);
    if (first) {
      gboolean same = g_strcmp0(g_hash_table_lookup(seen_row, a.sn), digest) == 0;
      g_autofree char *why =
        same ? g_strdup_printf("%s repeats line %u exactly: read once", a.sn, GPOINTER_TO_UINT(first))
             : g_strdup_printf("duplicate SN %s, first on line %u", a.sn, GPOINTER_TO_UINT(first));
      ClassifierAssetReject *r = add_reject(rejects, line, raw_sn, why);
      if (r)
        r->repeat = same;
      classifier_asset_clear(&a);
      continue;
    }
    g_hash_table_insert(seen_sn, g_strdup(a.sn), GUINT_TO_POINTER(line));
    g_hash_table_insert(seen_row, g_strdup(a.sn), g_steal_pointer(&digest));
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
classifier_assets_load_csv(const char *data_dir, const char *path, ClassifierAssetFunc func,
                           gpointer user_data, GPtrArray *rejects, GError **error)
{
  g_autoptr(ClassifierAssetFormat) format = classifier_asset_format_load(data_dir, error);
  if (!format)
    return FALSE;
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
  if (!classifier_assets_parse_csv(format, data, len, func, user_data, rejects, error)) {
    g_prefix_error(error, "%s: ", path);
    return FALSE;
  }
  return TRUE;
}
