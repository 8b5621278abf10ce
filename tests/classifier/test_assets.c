/* The asset registry CSV (policy §2): RFC 4180, encodings, validation with line numbers, speed. */
#include <criterion/criterion.h>
#include <glib/gstdio.h>

#include "common.h"

typedef struct {
  GPtrArray *assets; /* ClassifierAsset* */
  GArray *lines;
} Collect;

static gboolean
collect(const ClassifierAsset *a, guint line, gpointer data, GError **error)
{
  Collect *c = data;
  g_ptr_array_add(c->assets, classifier_asset_copy(a));
  g_array_append_val(c->lines, line);
  return TRUE;
}

static void
collect_init(Collect *c)
{
  c->assets = g_ptr_array_new_with_free_func((GDestroyNotify)classifier_asset_free);
  c->lines = g_array_new(FALSE, FALSE, sizeof(guint));
}

static void
collect_clear(Collect *c)
{
  g_ptr_array_unref(c->assets);
  g_array_unref(c->lines);
}

static GPtrArray *
rejects_new(void)
{
  return g_ptr_array_new_with_free_func((GDestroyNotify)classifier_asset_reject_free);
}

#define HEADER                                                                                               \
  "sn,kind,brand,model,customer,tier,ship_date,invoice_date,warranty_basis,contract_start,contract_years,"   \
  "software,city,district\n"

Test(assets, sample_registry)
{
  Collect c;
  collect_init(&c);
  g_autoptr(GPtrArray) rej = rejects_new();
  g_autoptr(GError) error = NULL;
  cr_assert(classifier_assets_load_csv(NULL, INTAKE_SOURCE_DIR_FOR_TESTS "/samples/assets.csv", collect, &c,
                                       rej, &error),
            "%s", error ? error->message : "");
  cr_expect_eq(rej->len, 0, "rejects: %u (%s)", rej->len,
               rej->len ? ((ClassifierAssetReject *)rej->pdata[0])->reason : "");
  cr_expect_eq(c.assets->len, 37);
  gboolean lower_seen = FALSE;
  for (guint i = 0; i < c.assets->len; i++) {
    ClassifierAsset *a = c.assets->pdata[i];
    if (g_str_equal(a->sn, "RCS25P0145678"))
      lower_seen = TRUE;
    if (g_str_equal(a->sn, "RCS25L0112345")) {
      cr_expect_eq(g_strv_length(a->software), 2);
      cr_expect_str_eq(a->software[1], "VMware vSphere");
      cr_expect_eq(a->tier, CLASSIFIER_TIER_GOLD);
    }
    if (g_str_equal(a->sn, "S411795X5A01234")) {
      cr_expect_eq(a->kind, CLASSIFIER_ASSET_PART);
      cr_expect_str_eq(a->brand, "supermicro");
    }
    if (g_str_equal(a->sn, "RCS25D0045678")) {
      cr_expect_eq(a->warranty_basis, CLASSIFIER_BASIS_CONTRACT);
      cr_expect_eq(a->contract_years, 5);
      cr_expect_str_eq(a->district, "高新区");
    }
  }
  cr_expect(lower_seen, "a lower-case SN is stored upper case");
  collect_clear(&c);
}

/* An ERP's own column, or a spelling assets.ini lacks, is said (a header note, not a rejected row);
 * the ERP spellings of contract_start and software found in blind round 9 are read. */
Test(assets, unread_columns_are_said_and_erp_spellings_read)
{
  const char *csv = "序列号,服务等级,出库日期,保修起算,合同开始日期,合同年限,随机软件,销售\n"
                    "RCS9,金牌,2024-10-01,合同,2025.11.20,1,SuperHCI,张三\n";
  Collect c;
  collect_init(&c);
  g_autoptr(GPtrArray) rej = rejects_new();
  g_autoptr(GError) error = NULL;
  cr_assert(classifier_assets_parse_csv(t_asset_format(), csv, strlen(csv), collect, &c, rej, &error), "%s",
            error ? error->message : "");
  cr_assert_eq(c.assets->len, 1);
  ClassifierAsset *a = c.assets->pdata[0];
  cr_expect(g_date_valid(&a->contract_start) && g_date_get_year(&a->contract_start) == 2025,
            "contract_start read");
  cr_expect(a->software && a->software[0] && g_str_equal(a->software[0], "SuperHCI"), "software read");
  cr_assert_eq(rej->len, 1);
  const ClassifierAssetReject *r = rej->pdata[0];
  cr_expect(r->column && r->line == 1 && strstr(r->reason, "\"销售\" is not read"), "%s", r->reason);
  collect_clear(&c);
}

Test(assets, rfc4180_quoting_bom_and_tiers)
{
  const char *csv =
    "\xEF\xBB\xBF" HEADER
    "RCS1,server,,\"RC-R2290, G5\",\"北京\"\"智联\"\"云途\",银牌,2025-03-10,,ship,,,,北京市,海淀区\r\n"
    "RCS2,server,,SYS-1,\"多行\n客户\",金牌,2025/3/9,,,,,\"SuperAI; VMware vSphere\",,\r\n"
    "\r\n"
    "RCS3,part,超微,MEM,客户,,2025.03.01,,出库,,,,天津市,南开区\n";
  Collect c;
  collect_init(&c);
  g_autoptr(GPtrArray) rej = rejects_new();
  g_autoptr(GError) error = NULL;
  cr_assert(classifier_assets_parse_csv(t_asset_format(), csv, strlen(csv), collect, &c, rej, &error), "%s",
            error ? error->message : "");
  cr_assert_eq(c.assets->len, 3, "rejects %u: %s", rej->len,
               rej->len ? ((ClassifierAssetReject *)rej->pdata[0])->reason : "");
  ClassifierAsset *a = c.assets->pdata[0], *b = c.assets->pdata[1], *p = c.assets->pdata[2];
  cr_expect_str_eq(a->model, "RC-R2290, G5");
  cr_expect_str_eq(a->customer, "北京\"智联\"云途");
  cr_expect_eq(a->tier, CLASSIFIER_TIER_SILVER);
  cr_expect_str_eq(b->customer, "多行 客户", "a line break in a cell is a blank (blind round 20)");
  cr_expect_eq(b->tier, CLASSIFIER_TIER_GOLD);
  cr_expect_eq(g_date_get_day(&b->ship_date), 9);
  cr_expect_str_eq(b->software[0], "SuperAI");
  cr_expect_str_eq(b->software[1], "VMware vSphere");
  cr_expect_eq(g_array_index(c.lines, guint, 2), 6, "line numbers count embedded newlines and blank lines");
  cr_expect_eq(p->kind, CLASSIFIER_ASSET_PART);
  cr_expect_str_eq(p->brand, "supermicro");
  cr_expect_eq(p->tier, CLASSIFIER_TIER_UNKNOWN);
  collect_clear(&c);
}

/* An ERP writes the SN with hyphens or slashes; customers write it without (blind round 18). The
 * registry keeps the form every mail's look-up keys include, and two spellings of one machine are
 * one SN, the second a duplicate. */
Test(assets, separators_dropped_from_sn)
{
  const char *csv = HEADER "rcs-24b9118133,server,,M,C,gold,2025-03-10,,,,,,,\n"
                           "RCS/25A/0110012,server,,M,C,silver,2025-03-10,,,,,,,\n"
                           "RCS24B9118133,server,,M,C,silver,2025-03-10,,,,,,,\n"
                           "rcs 26b 0000001,server,,M,C,silver,2025-03-10,,,,,,,\n";
  Collect c;
  collect_init(&c);
  g_autoptr(GPtrArray) rej = rejects_new();
  g_autoptr(GError) error = NULL;
  cr_assert(classifier_assets_parse_csv(t_asset_format(), csv, strlen(csv), collect, &c, rej, &error), "%s",
            error ? error->message : "");
  cr_assert_eq(c.assets->len, 3);
  cr_expect_str_eq(((ClassifierAsset *)c.assets->pdata[0])->sn, "RCS24B9118133");
  cr_expect_str_eq(((ClassifierAsset *)c.assets->pdata[1])->sn, "RCS25A0110012");
  cr_expect_str_eq(((ClassifierAsset *)c.assets->pdata[2])->sn, "RCS26B0000001");
  cr_assert_eq(rej->len, 1);
  ClassifierAssetReject *r = rej->pdata[0];
  cr_expect_eq(r->line, 4);
  cr_expect(strstr(r->reason, "duplicate SN RCS24B9118133, first on line 2") != NULL, "%s", r->reason);

  /* the same row twice is read once, not rejected (blind round 20) */
  const char *twice = HEADER "RCS25A0110012,server,,M,C,gold,2025-03-10,,,,,,,\n"
                             "RCS25A0110012,server,,M,C,gold,2025-03-10,,,,,,,\n"
                             "RCS25A0110012,server,,M,C,silver,2025-03-10,,,,,,,\n";
  Collect t;
  collect_init(&t);
  g_autoptr(GPtrArray) rej2 = rejects_new();
  cr_assert(classifier_assets_parse_csv(t_asset_format(), twice, strlen(twice), collect, &t, rej2, &error));
  cr_expect_eq(t.assets->len, 1);
  cr_assert_eq(rej2->len, 2);
  ClassifierAssetReject *same = rej2->pdata[0], *other = rej2->pdata[1];
  cr_expect(same->repeat && strstr(same->reason, "repeats line 2 exactly"), "%s", same->reason);
  cr_expect(!other->repeat && strstr(other->reason, "duplicate SN RCS25A0110012, first on line 2"), "%s",
            other->reason);
  collect_clear(&t);

  /* a mail that writes it either way finds it */
  g_autoptr(ParserRequest) req = t_request("RCS24B9118133", "硬盘告警");
  g_auto(GStrv) keys = classifier_request_sn_keys(req);
  cr_expect(g_strv_contains((const char *const *)keys, "RCS24B9118133"));
  collect_clear(&c);
}

typedef struct {
  const char *row;
  guint line;
  const char *reason_part;
} BadRow;

Test(assets, bad_rows_have_line_and_reason)
{
  static const BadRow bad[] = {
    { "RCS10,server,,M,C,silver,2025-03-10,,ship,,,,北京市\n", 2, "13 fields, the header has 14" },
    { "RCS11,server,,M,C,platinum,2025-03-10,,ship,,,,北京市,海淀区\n", 3, "unknown tier 'platinum'" },
    { "RCS12,server,,M,C,gold,2025-02-30,,ship,,,,北京市,海淀区\n", 4, "ship_date '2025-02-30'" },
    { "RCS13,server,,M,C,gold,,,ship,,,,北京市,海淀区\n", 5, "ship_date is empty" },
    { "RCS14,server,,M,C,gold,2025-03-10,tomorrow,invoice,,,,北京市,海淀区\n", 6, "invoice_date 'tomorrow'" },
    { "RCS15,server,,M,C,gold,2025-03-10,,lease,,,,北京市,海淀区\n", 7, "warranty_basis 'lease'" },
    { "RCS16,server,,M,C,gold,2025-03-10,,contract,2025-04-01,0,,北京市,海淀区\n", 8, "contract_years '0'" },
    { ",server,,M,C,gold,2025-03-10,,ship,,,,北京市,海淀区\n", 9, "sn is empty" },
    /* an SN with a character no label prints; one with blanks is the SN without them (blind round 20) */
    { "RCS#17,server,,M,C,gold,2025-03-10,,ship,,,,北京市,海淀区\n", 10, "sn 'RCS#17'" },
    { "RCS18,rental,,M,C,gold,2025-03-10,,ship,,,,北京市,海淀区\n", 11, "kind 'rental'" },
    { "RCS19,part,,M,C,gold,2025-03-10,,ship,,,,北京市,海淀区\n", 12, "brand is empty for a parts order" },
    { "RCS20,server,,M,C,gold,2025-03-10,,ship,,,,北京市,海淀区\n", 13, NULL },
    { "rcs20,server,,M,C,silver,2025-03-10,,ship,,,,北京市,海淀区\n", 14,
      "duplicate SN RCS20, first on line 13" },
    { "RCS21,server,,\"M\"x,C,gold,2025-03-10,,ship,,,,北京市,海淀区\n", 15, "text after a closing quote" },
    { "RCS22,server,,M,C,,2025-03-10,,ship,,,,北京市,海淀区\n", 16, "tier is empty" },
    /* a stray quote rejects its own row, not every row below it (blind round 16) */
    { "RCS23,server,,\"unterminated,C,gold,2025-03-10,,ship,,,,北京市,海淀区\n", 17,
      "a quote opens a cell that is never closed" },
    { "RCS24,server,,M,C,gold,2025-03-10,,ship,,,,北京市,海淀区\n", 18, NULL },
    { ",,,,,,,,,,,,,\n", 19, NULL }, /* a spreadsheet's empty formatted row: no reject */
    { "1.23457E+12,server,,M,C,gold,2025-03-10,,ship,,,,北京市,海淀区\n", 20,
      "format the SN column as text" },
  };
  GString *csv = g_string_new(HEADER);
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++)
    g_string_append(csv, bad[i].row);
  Collect c;
  collect_init(&c);
  g_autoptr(GPtrArray) rej = rejects_new();
  g_autoptr(GError) error = NULL;
  cr_assert(classifier_assets_parse_csv(t_asset_format(), csv->str, csv->len, collect, &c, rej, &error), "%s",
            error ? error->message : "");
  cr_expect_eq(c.assets->len, 2, "only RCS20 and RCS24 are good");
  guint k = 0;
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    if (!bad[i].reason_part)
      continue;
    cr_assert_lt(k, rej->len, "reject for line %u missing", bad[i].line);
    ClassifierAssetReject *r = rej->pdata[k++];
    cr_expect_eq(r->line, bad[i].line, "expected line %u, got %u (%s)", bad[i].line, r->line, r->reason);
    cr_expect(strstr(r->reason, bad[i].reason_part), "line %u: \"%s\" lacks \"%s\"", r->line, r->reason,
              bad[i].reason_part);
  }
  cr_expect_eq(k, rej->len, "no other rejects");
  g_string_free(csv, TRUE);
  collect_clear(&c);
}

Test(assets, unusable_files)
{
  static const struct {
    const char *data;
    gsize len;
    const char *part;
  } files[] = {
    { "", 0, "empty (0 bytes)" },
    { "\xEF\xBB\xBF", 3, "no header" },
    { "serial_number,model\nX,Y\n", 0, "lacks the column(s) sn, tier, ship_date" },
    { "sn,tier,ship_date,sn\n", 0, "column sn given twice" },
    /* GBK bytes of "客户" in a customer column */
    { HEADER "RCS1,server,,M,\xbf\xcd\xbb\xa7,silver,2025-03-10,,ship,,,,,\n", 0, "GBK/GB18030" },
    /* UTF-16 with its mark is read (then this one lacks columns); a broken one is said to be UTF-16 */
    { "\xFF\xFEs\0n\0", 6, "lacks the column(s) tier, ship_date" },
    { "\xFF\xFEs\0n", 5, "UTF-16" },
    /* UTF-16LE without its mark, a Chinese header first ("序列号,tier"): still said to be UTF-16 */
    { "\x8F\x5E\x17\x52\xF7\x53\x2C\x00\x74\x00\x69\x00\x65\x00\x72\x00", 16, "UTF-16" },
  };
  for (guint i = 0; i < G_N_ELEMENTS(files); i++) {
    gsize len = files[i].len ? files[i].len : strlen(files[i].data);
    g_autoptr(GError) error = NULL;
    cr_expect_not(classifier_assets_parse_csv(t_asset_format(), files[i].data, len, NULL, NULL, NULL, &error),
                  "file %u accepted", i);
    cr_expect(error && g_error_matches(error, CLASSIFIER_ERROR, CLASSIFIER_ERROR_ASSETS), "file %u", i);
    if (error)
      cr_expect(strstr(error->message, files[i].part), "file %u: \"%s\" lacks \"%s\"", i, error->message,
                files[i].part);
  }
  /* the GBK message names the line */
  g_autoptr(GError) error = NULL;
  const char *gbk = HEADER "RCS1,server,,M,\xbf\xcd\xbb\xa7,silver,2025-03-10,,ship,,,,,\n";
  classifier_assets_parse_csv(t_asset_format(), gbk, strlen(gbk), NULL, NULL, NULL, &error);
  cr_expect(strstr(error->message, "line 2"), "%s", error->message);
}

Test(assets, header_only_and_aliases)
{
  g_autoptr(GError) error = NULL;
  const char *csv = "序列号,服务等级,出库日期,型号\nRCS9,金牌,2025-05-01,X1\n";
  Collect c;
  collect_init(&c);
  cr_expect(classifier_assets_parse_csv(t_asset_format(), HEADER, strlen(HEADER), collect, &c, NULL, &error));
  cr_expect_eq(c.assets->len, 0);
  cr_expect(classifier_assets_parse_csv(t_asset_format(), csv, strlen(csv), collect, &c, NULL, &error), "%s",
            error ? error->message : "");
  cr_assert_eq(c.assets->len, 1);
  cr_expect_str_eq(((ClassifierAsset *)c.assets->pdata[0])->model, "X1");
  /* as other ERP exports head them */
  const char *other = "设备序列号,级别,出货日期,机型,客户名\nRCS8,银牌,2025/5/1 0:00,X2,某医院\n";
  cr_expect(classifier_assets_parse_csv(t_asset_format(), other, strlen(other), collect, &c, NULL, &error),
            "%s", error ? error->message : "");
  cr_assert_eq(c.assets->len, 2);
  ClassifierAsset *a = c.assets->pdata[1];
  cr_expect_str_eq(a->sn, "RCS8");
  cr_expect_str_eq(a->model, "X2");
  cr_expect_str_eq(a->customer, "某医院");
  cr_expect(g_date_get_year(&a->ship_date) == 2025 && g_date_get_month(&a->ship_date) == 5 &&
            g_date_get_day(&a->ship_date) == 1);
  cr_expect_eq(a->tier, CLASSIFIER_TIER_SILVER);
  collect_clear(&c);
}

Test(assets, from_values_like_a_select)
{
  const char *cols[] = { "sn",        "kind",           "brand",    "tier",
                         "ship_date", "warranty_basis", "software", "contract_years" };
  const char *vals[] = { "RCS25L0112345",          "server", NULL, "gold", "2025-10-10", "ship",
                         "SuperAI;VMware vSphere", NULL };
  ClassifierAsset a;
  g_autofree char *reason = NULL;
  cr_assert(classifier_asset_from_values(cols, vals, 8, &a, &reason), "%s", reason);
  cr_expect_eq(a.tier, CLASSIFIER_TIER_GOLD);
  cr_expect_eq(g_strv_length(a.software), 2);
  classifier_asset_clear(&a);
  vals[3] = "bronze";
  cr_expect_not(classifier_asset_from_values(cols, vals, 8, &a, &reason));
}

static gboolean
count(const ClassifierAsset *a, guint line, gpointer data, GError **error)
{
  (*(guint *)data)++;
  return TRUE;
}

Test(assets, hundred_thousand_rows_fast)
{
  GString *csv = g_string_new(HEADER);
  for (guint i = 0; i < 100000; i++)
    g_string_append_printf(
      csv,
      "RCS%08u,server,,RC-R2290 G5,\"客户 %u, 有限公司\",%s,2025-%02u-%02u,,ship,,,SuperAI,北京市,海淀区\n",
      i, i, i % 2 ? "gold" : "银牌", 1 + i % 12, 1 + i % 28);
  guint n = 0;
  g_autoptr(GPtrArray) rej = rejects_new();
  gint64 t0 = g_get_monotonic_time();
  g_autoptr(GError) error = NULL;
  cr_assert(classifier_assets_parse_csv(t_asset_format(), csv->str, csv->len, count, &n, rej, &error));
  gint64 us = g_get_monotonic_time() - t0;
  cr_expect_eq(n, 100000);
  cr_expect_eq(rej->len, 0);
  cr_log_info("100,000 rows parsed and validated in %.3f s", us / 1e6);
  cr_expect_lt(us, 3 * G_USEC_PER_SEC, "took %.3f s", us / 1e6); /* well under a second unsanitised */
  g_string_free(csv, TRUE);
}

/* The spellings come from data/classifier/assets.ini: without it only the canonical names are known, and
 * a malformed file is refused with its path. */
Test(assets, spellings_are_data)
{
  const char *csv = "序列号,服务等级,出库日期\nRCS9999,金牌,2025-05-01\n";
  g_autoptr(GError) error = NULL;
  cr_expect_not(classifier_assets_parse_csv(NULL, csv, strlen(csv), NULL, NULL, NULL, &error));
  cr_expect(error && strstr(error->message, "lacks the column(s) sn, tier, ship_date"), "%s",
            error ? error->message : "");
  g_clear_error(&error);
  const char *canonical = "sn,tier,ship_date\nRCS9999,gold,2025-05-01\n";
  cr_expect(classifier_assets_parse_csv(NULL, canonical, strlen(canonical), NULL, NULL, NULL, &error));

  g_autofree char *dir = g_dir_make_tmp("intake-assets-XXXXXX", NULL);
  g_autofree char *ini = g_build_filename(dir, "assets.ini", NULL);
  const char *bad[] = { "[columns]\nserial_no=编号\n", "[model]\nx=y\n", "[tier]\nplatinum=白金\n",
                        "[columns\n" };
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    cr_assert(g_file_set_contents(ini, bad[i], -1, NULL));
    g_autoptr(ClassifierAssetFormat) f = classifier_asset_format_load(dir, &error);
    cr_expect_null(f, "[%s] loaded", bad[i]);
    cr_expect(g_error_matches(error, CLASSIFIER_ERROR, CLASSIFIER_ERROR_DATA), "[%s] %s", bad[i],
              error ? error->message : "");
    cr_expect(error && strstr(error->message, "assets.ini"));
    g_clear_error(&error);
  }
  cr_assert(g_file_set_contents(ini, "[tier]\ngold=Au\n", -1, NULL));
  g_autoptr(ClassifierAssetFormat) f = classifier_asset_format_load(dir, &error);
  cr_assert(f, "%s", error ? error->message : "");
  const char *au = "sn,tier,ship_date\nRCS9999,au,2025-05-01\n";
  guint n = 0;
  cr_expect(classifier_assets_parse_csv(f, au, strlen(au), count, &n, NULL, &error));
  cr_expect_eq(n, 1);
  g_unlink(ini);
  g_rmdir(dir);
  cr_expect_null(classifier_asset_format_load("/nonexistent", &error));
  cr_expect(g_error_matches(error, CLASSIFIER_ERROR, CLASSIFIER_ERROR_IO));
}

/* Parses HEADER + rows with the shipped spellings into c and rej (the file itself must be accepted). */
static void
parse_rows(const char *rows, Collect *c, GPtrArray *rej)
{
  g_autofree char *csv = g_strconcat(HEADER, rows, NULL);
  g_autoptr(GError) error = NULL;
  collect_init(c);
  cr_assert(classifier_assets_parse_csv(t_asset_format(), csv, strlen(csv), collect, c, rej, &error), "%s",
            error ? error->message : "");
}

/* The asset of c with sn, or NULL. */
static const ClassifierAsset *
asset_of(const Collect *c, const char *sn)
{
  for (guint i = 0; i < c->assets->len; i++)
    if (g_str_equal(((ClassifierAsset *)c->assets->pdata[i])->sn, sn))
      return c->assets->pdata[i];
  return NULL;
}

/* The reject reason of the row with sn, or NULL. */
static const char *
reason_of(GPtrArray *rej, const char *sn)
{
  for (guint i = 0; i < rej->len; i++) {
    ClassifierAssetReject *r = rej->pdata[i];
    if (r->sn && g_str_equal(r->sn, sn))
      return r->reason;
  }
  return NULL;
}

/* Supermicro's usual Chinese and long names are supermicro (§4: year 1 covered, years 2-3 chargeable), from
 * data/classifier/assets.ini; any other brand is "other" (blind test 08b). */
Test(assets, supermicro_brand_spellings)
{
  static const struct {
    const char *brand, *want;
  } brands[] = {
    { "超微", "supermicro" },
    { "美超微", "supermicro" },
    { "超微电脑", "supermicro" },
    { "Supermicro Inc.", "supermicro" },
    { "SUPERMICRO 超微", "supermicro" },
    { "SMC", "supermicro" },
    { "Super Micro", "supermicro" },
    { "ＳＵＰＥＲＭＩＣＲＯ", "supermicro" },
    { "Intel", "other" },
    { "xyz?", "other" },
    { "其他", "other" },
    { "Other", "other" },
  };
  GString *rows = g_string_new(NULL);
  for (guint i = 0; i < G_N_ELEMENTS(brands); i++)
    g_string_append_printf(rows, "OSBR%02u,part,%s,PWS-2K08A-1R,C,silver,2025-08-12,,ship,,,,,\n", i,
                           brands[i].brand);
  Collect c;
  g_autoptr(GPtrArray) rej = rejects_new();
  parse_rows(rows->str, &c, rej);
  cr_expect_eq(rej->len, 0);
  for (guint i = 0; i < G_N_ELEMENTS(brands); i++) {
    g_autofree char *sn = g_strdup_printf("OSBR%02u", i);
    const ClassifierAsset *a = asset_of(&c, sn);
    cr_assert(a, "%s (%s) not loaded", sn, brands[i].brand);
    cr_expect_str_eq(a->brand, brands[i].want, "brand '%s' loaded as %s", brands[i].brand, a->brand);
  }
  g_string_free(rows, TRUE);
  collect_clear(&c);
}

/* A date followed by a valid time (ERP, database and Excel exports) is that date, whatever the zone; junk
 * after the date is refused; 2025年3月10日 and 20250310 are dates; an Excel serial is named as one
 * (blind test 07, 07b). */
Test(assets, date_forms_time_tails_and_excel_serials)
{
  static const struct {
    const char *cell;
    const char *want; /* the date, or NULL: rejected with reason_part */
    const char *reason_part;
  } dates[] = {
    { "2025-03-10 00:00:00", "2025-03-10", NULL },
    { "2025/03/10 0:00", "2025-03-10", NULL },
    { "2025-03-10T08:00:00", "2025-03-10", NULL },
    { "2025-03-10T20:00:00Z", "2025-03-10", NULL },
    { "2025-03-10T00:00:00+08:00", "2025-03-10", NULL },
    { "2025-03-10 08:00:00.000 +0800", "2025-03-10", NULL },
    { "2025/3/10 8:00 PM", "2025-03-10", NULL },
    { "2025年3月10日", "2025-03-10", NULL },
    { "2025年03月10日 00:00", "2025-03-10", NULL },
    { "20250310", "2025-03-10", NULL },
    { "2025/3/10", "2025-03-10", NULL },
    { "2025-3-10", "2025-03-10", NULL },
    { "2025.3.10", "2025-03-10", NULL },
    { "２０２５/３/１０", "2025-03-10", NULL },
    { "2025-03-10T99:99:99", NULL, "ship_date '2025-03-10T99:99:99' is not a date (YYYY-MM-DD)" },
    { "2025-03-10Tgarbage", NULL, "ship_date '2025-03-10Tgarbage' is not a date (YYYY-MM-DD)" },
    { "2025-03-10T", NULL, "is not a date" },
    { "2025-03-10 24:00", NULL, "is not a date" },
    { "2025-03-10 08:00 garbage", NULL, "is not a date" },
    { "2025-03-10xyz", NULL, "is not a date" },
    { "2025/3/10/7", NULL, "is not a date" },
    { "2025年3月10", NULL, "is not a date" },
    { "20251310", NULL, "is not a date" },
    { "2025031", NULL, "ship_date '2025031' is not a date" },
    { "0", NULL, "ship_date '0' is not a date" },
    { "61", NULL, "'61' looks like an Excel serial number (1900-03-01 if it is one)" },
    { "45726", NULL, "ship_date '45726' looks like an Excel serial number (2025-03-10 if it is one)" },
    { "45726.5", NULL, "format the column as a date" },
  };
  GString *rows = g_string_new(NULL);
  for (guint i = 0; i < G_N_ELEMENTS(dates); i++)
    g_string_append_printf(rows, "RCSDT%02u,server,,M,C,silver,\"%s\",,ship,,,,,\n", i, dates[i].cell);
  Collect c;
  g_autoptr(GPtrArray) rej = rejects_new();
  parse_rows(rows->str, &c, rej);
  for (guint i = 0; i < G_N_ELEMENTS(dates); i++) {
    g_autofree char *sn = g_strdup_printf("RCSDT%02u", i);
    const ClassifierAsset *a = asset_of(&c, sn);
    const char *why = reason_of(rej, sn);
    if (dates[i].want) {
      cr_expect(a, "'%s' rejected: %s", dates[i].cell, why);
      if (a) {
        g_autofree char *got = t_date(&a->ship_date);
        cr_expect_str_eq(got, dates[i].want, "'%s' loaded as %s", dates[i].cell, got);
      }
    } else {
      cr_expect_null(a, "'%s' accepted", dates[i].cell);
      cr_expect(why && strstr(why, dates[i].reason_part), "'%s': \"%s\" lacks \"%s\"", dates[i].cell, why,
                dates[i].reason_part);
    }
  }
  g_string_free(rows, TRUE);
  collect_clear(&c);
}

/* "SuperAI,VMware vSphere" (a comma in a quoted cell) is two products like ; ； and 、 (blind test 09). */
Test(assets, software_split_on_commas)
{
  Collect c;
  g_autoptr(GPtrArray) rej = rejects_new();
  parse_rows("RCSSW1,server,,M,C,gold,2025-10-10,,ship,,,\"SuperAI,VMware vSphere\",,\n"
             "RCSSW2,server,,M,C,gold,2025-10-10,,ship,,,\"SuperAI， VMware vSphere, \",,\n",
             &c, rej);
  cr_assert_eq(c.assets->len, 2, "rejects: %u", rej->len);
  for (guint i = 0; i < 2; i++) {
    const ClassifierAsset *a = c.assets->pdata[i];
    cr_assert_eq(g_strv_length(a->software), 2, "%s: %u items", a->sn, g_strv_length(a->software));
    cr_expect_str_eq(a->software[0], "SuperAI");
    cr_expect_str_eq(a->software[1], "VMware vSphere");
  }
  collect_clear(&c);
}

/* A NUL byte is named as such, with its line: it is valid UTF-8, so "not UTF-8, save as UTF-8" would
 * send the user round in circles (blind test 13b). UTF-16 without a byte-order mark is still UTF-16. */
Test(assets, nul_byte_named)
{
  static const char nul[] = HEADER "RCS25N1300004,server,,M,NUL\0客户,silver,2025-03-10,,ship,,,,,\n"
                                   "RCS25N1300009,server,,M,C,silver,2025-03-10,,ship,,,,,\n";
  g_autoptr(GError) error = NULL;
  cr_expect_not(classifier_assets_parse_csv(t_asset_format(), nul, sizeof nul - 1, NULL, NULL, NULL, &error));
  cr_assert(error);
  cr_expect(g_error_matches(error, CLASSIFIER_ERROR, CLASSIFIER_ERROR_ASSETS));
  cr_expect(strstr(error->message, "NUL byte (binary data) on line 2"), "%s", error->message);
  cr_expect_null(strstr(error->message, "not UTF-8"), "%s", error->message);
  g_clear_error(&error);
  static const char utf16[] = "s\0n\0,\0t\0i\0e\0r\0";
  cr_expect_not(
    classifier_assets_parse_csv(t_asset_format(), utf16, sizeof utf16 - 1, NULL, NULL, NULL, &error));
  cr_expect(error && strstr(error->message, "UTF-16"), "%s", error ? error->message : "");
}

/* contract_years as ERPs write them: 5年, 3.0, " 5 " are whole years; 3.5 is refused as not whole (blind
 * test 02b, 08, 17). */
Test(assets, contract_years_spellings)
{
  Collect c;
  g_autoptr(GPtrArray) rej = rejects_new();
  parse_rows("RCSCY1,server,,M,C,gold,2025-03-10,,contract,2025-09-01,5年,,,\n"
             "RCSCY2,server,,M,C,gold,2025-03-10,,contract,2025-09-01,3.0,,,\n"
             "RCSCY3,server,,M,C,gold,2025-03-10,,contract,2025-09-01, 5 ,,,\n"
             "RCSCY4,server,,M,C,gold,2025-03-10,,contract,2025-09-01,3 years,,,\n"
             "RCSCY5,server,,M,C,gold,2025-03-10,,contract,2025-09-01,3.5,,,\n"
             "RCSCY6,server,,M,C,gold,2025-03-10,,contract,2025-09-01,31年,,,\n"
             "RCSCY7,server,,M,C,gold,2025-03-10,,contract,2025-09-01,年,,,\n"
             "RCSCY8,server,,M,C,gold,2025-03-10,,contract,2025-09-01,five,,,\n",
             &c, rej);
  static const struct {
    const char *sn;
    guint years;
  } ok[] = { { "RCSCY1", 5 }, { "RCSCY2", 3 }, { "RCSCY3", 5 }, { "RCSCY4", 3 } };
  for (guint i = 0; i < G_N_ELEMENTS(ok); i++) {
    const ClassifierAsset *a = asset_of(&c, ok[i].sn);
    cr_expect(a, "%s rejected: %s", ok[i].sn, reason_of(rej, ok[i].sn));
    if (a)
      cr_expect_eq(a->contract_years, ok[i].years, "%s: %u years", ok[i].sn, a->contract_years);
  }
  static const struct {
    const char *sn, *part;
  } bad[] = {
    { "RCSCY5", "contract_years '3.5' is not a whole number of years (1-30)" },
    { "RCSCY6", "contract_years '31年' is not a number of years 1-30" },
    { "RCSCY7", "contract_years '年' is not a number of years 1-30" },
    { "RCSCY8", "contract_years 'five' is not a number of years 1-30" },
  };
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    const char *why = reason_of(rej, bad[i].sn);
    cr_expect(why && strstr(why, bad[i].part), "%s: \"%s\" lacks \"%s\"", bad[i].sn, why, bad[i].part);
  }
  cr_expect_eq(rej->len, G_N_ELEMENTS(bad));
  collect_clear(&c);
}

/* Excel's other exports (blind round 16, each refused as "the header lacks sn, tier, ship_date"):
 * tab- and semicolon-separated, a title row above the header, English ERP headers; and when the
 * header does lack a column, the names not understood are said. */
Test(assets, tabs_semicolons_titles_and_english_headers)
{
  static const char *const files[] = {
    "序列号\t客户名称\t型号\t服务级别\t出货日期\nRCS26G0000101\t天津滨海云计算有限公司\tRC-R2290 "
    "G5\t金牌\t2026/9/18\n",
    "序列号;客户名称;型号;服务级别;出货日期\nRCS26G0000101;天津滨海云计算有限公司;RC-R2290 "
    "G5;金牌;2026/9/18\n",
    "融科联创设备台账 "
    "2026-12-01导出,,,,\nsn,customer,model,tier,ship_date\nRCS26G0000101,X,M,gold,2026-09-18\n",
    "Serial Number,Customer Name,Model,Service Level,Ship Date\nRCS26G0000101,Acme,RC-R2290 "
    "G5,gold,2026-09-18\n",
    NULL, /* the first, as Excel's "Unicode text" saves it: UTF-16LE with its mark */
  };
  for (guint i = 0; i < G_N_ELEMENTS(files); i++) {
    Collect c;
    collect_init(&c);
    g_autoptr(GPtrArray) rej = rejects_new();
    g_autoptr(GError) error = NULL;
    gsize len = files[i] ? strlen(files[i]) : 0;
    g_autofree char *utf16 = NULL;
    if (!files[i]) {
      g_autofree char *body = g_convert(files[0], -1, "UTF-16LE", "UTF-8", NULL, &len, NULL);
      utf16 = g_malloc(len + 2);
      memcpy(utf16, "\xFF\xFE", 2);
      memcpy(utf16 + 2, body, len);
      len += 2;
    }
    const char *data = files[i] ? files[i] : utf16;
    cr_expect(classifier_assets_parse_csv(t_asset_format(), data, len, collect, &c, rej, &error),
              "file %u: %s", i, error ? error->message : "");
    cr_expect_eq(c.assets->len, 1, "file %u", i);
    collect_clear(&c);
  }
  static const char lacking[] = "Serial Number,Client,Lvl,Shipped On\nRCS26G0000101,Acme,gold,2026-09-18\n";
  g_autoptr(GError) error = NULL;
  cr_expect(
    !classifier_assets_parse_csv(t_asset_format(), lacking, strlen(lacking), NULL, NULL, NULL, &error));
  cr_expect(error && strstr(error->message, "\"Lvl\"") && strstr(error->message, "\"Shipped On\""), "%s",
            error ? error->message : "");
}
