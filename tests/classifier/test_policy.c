/* Policy data: the seed loads, rows from PostgreSQL's text output load the same way, bad rows are
 * refused with table, row and column, and a change in the data changes the decisions (no rebuild). */
#include <criterion/criterion.h>
#include <glib/gstdio.h>

#include "common.h"

/* Copies the seed directory to a temporary one, replacing `from` by `to` in file (NULL: no change). */
static char *
seed_copy(const char *file, const char *from, const char *to)
{
  char *dir = g_dir_make_tmp("intake-seed-XXXXXX", NULL);
  cr_assert(dir);
  const char *const *tables = classifier_policy_tables();
  for (guint i = 0; tables[i]; i++) {
    g_autofree char *name = g_strconcat(tables[i], ".tsv", NULL);
    g_autofree char *src = g_build_filename(INTAKE_TEST_SEED_DIR, name, NULL);
    g_autofree char *dst = g_build_filename(dir, name, NULL);
    g_autofree char *text = NULL;
    cr_assert(g_file_get_contents(src, &text, NULL, NULL), "%s", src);
    if (file && g_str_equal(file, name)) {
      cr_assert(strstr(text, from), "test setup: '%s' not in %s", from, name);
      g_auto(GStrv) parts = g_strsplit(text, from, 2);
      g_free(text);
      text = g_strjoinv(to, parts);
    }
    cr_assert(g_file_set_contents(dst, text, -1, NULL));
  }
  return dir;
}

static void
seed_remove(char *dir)
{
  const char *const *tables = classifier_policy_tables();
  for (guint i = 0; tables[i]; i++) {
    g_autofree char *name = g_strconcat(tables[i], ".tsv", NULL);
    g_autofree char *p = g_build_filename(dir, name, NULL);
    g_unlink(p);
  }
  g_rmdir(dir);
  g_free(dir);
}

Test(policy, seed_loads)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ClassifierPolicy) p = classifier_policy_load_dir(INTAKE_TEST_SEED_DIR, &error);
  cr_assert(p, "%s", error ? error->message : "");
  cr_expect_eq(g_strv_length((char **)classifier_policy_tables()), 11);
  const char *const *cols = classifier_policy_table_columns("holidays");
  cr_assert(cols);
  cr_expect_str_eq(cols[0], "day");
  cr_expect_null(classifier_policy_table_columns("nope"));
  cr_expect(classifier_policy_table_ordered("keywords"));
  cr_expect_not(classifier_policy_table_ordered("holidays"));
  cr_expect(classifier_policy_table_optional("software_aliases"));
  cr_expect_not(classifier_policy_table_optional("keywords"));
}

typedef struct {
  const char *file, *from, *to;
  const char *expect[3]; /* substrings of the error message */
} BadSeed;

static const BadSeed bad[] = {
  { "holidays.tsv",
    "2025-10-08\tholiday",
    "2025-13-08\tholiday",
    { "holidays", "column day", "2025-13-08" } },
  { "holidays.tsv", "2026-10-10\tworkday", "2026-10-10\tweekend", { "holidays", "column kind", "weekend" } },
  { "holidays.tsv",
    "2026-10-10\tworkday",
    "2026-10-10\tworkday\textra",
    { "holidays.tsv", "line", "fields" } },
  { "priority_matrix.tsv", "S3\tunknown\tP4\n", "", { "priority_matrix", "S3 × unknown", NULL } },
  { "priority_matrix.tsv", "S1\tgold\tP1", "S1\tgold\tP0", { "priority_matrix", "column priority", "P0" } },
  { "components.tsv", "gpu\t1\tfault\t3\t3", "graphics\t1\tfault\t3\t3", { "components", "graphics", NULL } },
  { "components.tsv",
    "gpu\t1\tfault\t3\t3",
    "gpu\t1\tfault\tthree\t3",
    { "components", "silver_years", "three" } },
  { "service_clocks.tsv", "09:00", "9am", { "service_clocks", "column opens", "9am" } },
  { "service_clocks.tsv", "{1,2,3,4,5}", "{1,2,3,4,8}", { "service_clocks", "workdays", NULL } },
  { "sla_terms.tsv", "gold\t7x24", "gold\t24x7", { "sla_terms", "24x7", NULL } },
  { "sla_terms.tsv", "gold\t7x24\t30", "gold\t7x24\t", { "sla_terms", "response_minutes", "empty" } },
  { "keywords.tsv", "severity\tS1\t宕机", "severity\tS0\t宕机", { "keywords", "column code", "S0" } },
  { "keywords.tsv",
    "exclusion\trelocation\t搬迁",
    "exclusions\trelocation\t搬迁",
    { "keywords", "category", NULL } },
  { "service_areas.tsv",
    "北京市\t北京市\t海淀区",
    "北京市\t北平市\t海淀区",
    { "service_areas", "北平市", "no row for that city" } },
  { "service_areas.tsv",
    "北京市\t北京市\t海淀区\t4h",
    "北京市\t北京市\t海淀区\t2h",
    { "service_areas", "onsite_class", "2h" } },
  { "policy_settings.tsv", "days_per_year\t365", "days_per_year\tmany", { "days_per_year", "many", NULL } },
  { "policy_settings.tsv",
    "legacy_ship_before\t2025-01-01",
    "legacy_ship_before\tsoon",
    { "legacy_ship_before", NULL, NULL } },
  { "parts_terms.tsv",
    "supermicro\t2\t3\tchargeable",
    "supermicro\t2\t1\tchargeable",
    { "parts_terms", "to_year", NULL } },
  { "components.tsv",
    "component\tmatch_rank",
    "component\trank",
    { "components", "column match_rank", "column missing" } },
};

Test(policy, bad_rows_are_refused_precisely)
{
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    const BadSeed *b = &bad[i];
    char *dir = seed_copy(b->file, b->from, b->to);
    g_autoptr(GError) error = NULL;
    g_autoptr(ClassifierPolicy) p = classifier_policy_load_dir(dir, &error);
    cr_expect_null(p, "[%s: %s → %s] loaded", b->file, b->from, b->to);
    if (error) {
      for (guint j = 0; j < 3 && b->expect[j]; j++)
        cr_expect(strstr(error->message, b->expect[j]), "[%s → %s] message \"%s\" lacks \"%s\"", b->from,
                  b->to, error->message, b->expect[j]);
      cr_expect(!strchr(error->message, '\n'), "one-line message");
    }
    seed_remove(dir);
  }
}

/* Rows as PostgreSQL sends them (09:00:00, t, {1,2,3,4,5}) through the add_rows path. */
Test(policy, rows_from_postgresql)
{
  g_autoptr(ClassifierPolicy) p = classifier_policy_new();
  g_autoptr(GError) error = NULL;
  /* every table from the seed except service_clocks, which comes as a SELECT would return it */
  const char *const *tables = classifier_policy_tables();
  for (guint i = 0; tables[i]; i++) {
    if (g_str_equal(tables[i], "service_clocks"))
      continue;
    g_autofree char *name = g_strconcat(tables[i], ".tsv", NULL);
    g_autofree char *path = g_build_filename(INTAKE_TEST_SEED_DIR, name, NULL);
    g_autofree char *text = NULL;
    cr_assert(g_file_get_contents(path, &text, NULL, NULL));
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    g_auto(GStrv) header = NULL;
    g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
    for (guint l = 0; lines[l]; l++) {
      if (!*lines[l] || lines[l][0] == '#')
        continue;
      if (!header)
        header = g_strsplit(lines[l], "\t", -1);
      else
        g_ptr_array_add(rows, g_strsplit(lines[l], "\t", -1));
    }
    cr_assert(classifier_policy_add_rows(p, tables[i], (const char *const *)header, g_strv_length(header),
                                         rows, &error),
              "%s: %s", tables[i], error ? error->message : "");
  }
  const char *cols[] = { "clock",    "wall_clock",        "opens",      "closes",
                         "workdays", "observes_holidays", "description" };
  const char *gold[] = { "7x24", "t", NULL, NULL, NULL, "f", "wall" };
  const char *silver[] = { "5x8", "f", "09:00:00", "17:00:00", "{1,2,3,4,5}", "t", "business" };
  cr_assert(classifier_policy_add_row(p, "service_clocks", cols, gold, 7, 1, &error));
  cr_assert(classifier_policy_add_row(p, "service_clocks", cols, silver, 7, 2, &error));
  cr_assert(classifier_policy_finish(p, &error), "%s", error ? error->message : "");
  g_autoptr(GDateTime) t = g_date_time_new(classifier_policy_time_zone(p), 2026, 11, 23, 16, 50, 0);
  g_autoptr(GDateTime) due = classifier_sla_add(p, "5x8", t, 30 * G_TIME_SPAN_MINUTE, NULL, 0, &error);
  g_autofree char *s = t_fmt(due);
  cr_expect_str_eq(s, "2026-11-24T09:20:00+08:00");
}

Test(policy, add_row_errors)
{
  g_autoptr(ClassifierPolicy) p = classifier_policy_new();
  g_autoptr(GError) error = NULL;
  const char *cols[] = { "coverage" };
  const char *vals[] = { "expired" };
  cr_expect_not(classifier_policy_add_row(p, "priority_caps", cols, vals, 1, 7, &error));
  cr_assert(error);
  cr_expect_str_eq(error->message, "policy table priority_caps, row 7, column max_priority: column missing");
  g_clear_error(&error);
  cr_expect_not(classifier_policy_add_row(p, "no_such_table", cols, vals, 1, 1, &error));
  g_clear_error(&error);
  cr_expect_not(classifier_policy_finish(p, &error), "an empty policy is incomplete");
  cr_expect(strstr(error->message, "has no rows"), "%s", error->message);
}

/* Ops change the data, the decisions change: a new holiday moves silver's NBD. */
Test(policy, data_not_code)
{
  char *dir = seed_copy("holidays.tsv", "2026-10-10\tworkday\t国庆节调休上班\n",
                        "2026-10-10\tworkday\t国庆节调休上班\n2026-11-24\tholiday\t测试假日\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(ClassifierPolicy) p = classifier_policy_load_dir(dir, &error);
  cr_assert(p, "%s", error ? error->message : "");
  g_autoptr(GDateTime) t = g_date_time_new(classifier_policy_time_zone(p), 2026, 11, 23, 10, 0, 0);
  g_autoptr(GDateTime) nbd = classifier_sla_next_business_day_close(p, "5x8", t, &error);
  g_autofree char *s = t_fmt(nbd);
  cr_expect_str_eq(s, "2026-11-25T17:00:00+08:00");
  g_autoptr(GDateTime) nbd0 = classifier_sla_next_business_day_close(t_policy(), "5x8", t, &error);
  g_autofree char *s0 = t_fmt(nbd0);
  cr_expect_str_eq(s0, "2026-11-24T17:00:00+08:00");
  seed_remove(dir);
}

Test(policy, missing_seed_file)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ClassifierPolicy) p = classifier_policy_load_dir("/nonexistent/seed", &error);
  cr_expect_null(p);
  cr_expect(g_error_matches(error, CLASSIFIER_ERROR, CLASSIFIER_ERROR_IO));
}

/* The seed reader on its own (the migration runner can use it): comments, blank lines, CRLF, empty
 * fields, line numbers; a short row and a missing header are refused. */
Test(policy, tsv_reader)
{
  g_autofree char *dir = g_dir_make_tmp("intake-tsv-XXXXXX", NULL);
  g_autofree char *path = g_build_filename(dir, "t.tsv", NULL);
  cr_assert(g_file_set_contents(path, "# about\r\n a \tb\r\n\r\nx\t\r\n# more\ny\tz\n", -1, NULL));
  g_autoptr(GError) error = NULL;
  g_autoptr(ClassifierTsv) t = classifier_tsv_read_file(path, &error);
  cr_assert(t, "%s", error ? error->message : "");
  cr_expect_eq(t->ncols, 2);
  cr_expect_str_eq(t->columns[0], "a");
  cr_assert_eq(t->rows->len, 2);
  cr_expect_str_eq(((char **)t->rows->pdata[0])[1], "");
  cr_expect_eq(g_array_index(t->lines, guint, 1), 6);
  const char *broken[] = { "a\tb\nx\n", "# only a comment\n", "a\n\xff\n" };
  for (guint i = 0; i < G_N_ELEMENTS(broken); i++) {
    cr_assert(g_file_set_contents(path, broken[i], -1, NULL));
    cr_expect_null(classifier_tsv_read_file(path, &error));
    cr_expect(g_error_matches(error, CLASSIFIER_ERROR, CLASSIFIER_ERROR_DATA), "[%s]", broken[i]);
    cr_expect(error && g_str_has_prefix(error->message, path));
    g_clear_error(&error);
  }
  g_unlink(path);
  g_rmdir(dir);
}
