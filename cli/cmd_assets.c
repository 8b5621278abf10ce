/* cli/cmd_assets.c: `intake assets import FILE.csv` — validate the whole registry file, then upsert it by SN
 * into intake.assets in one transaction and report rows added / updated / unchanged / rejected. */
#include "classifier.h"
#include "cli.h"
#include "store.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <string.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC(PGresult, PQclear)

static const char *const columns[] = { "sn",
                                       "kind",
                                       "brand",
                                       "model",
                                       "customer",
                                       "tier",
                                       "ship_date",
                                       "invoice_date",
                                       "warranty_basis",
                                       "contract_start",
                                       "contract_years",
                                       "software",
                                       "city",
                                       "district",
                                       NULL };
#define N_COLUMNS (G_N_ELEMENTS(columns) - 1)

/* COPY text format: \N for NULL, backslash escapes for the separators. */
static void
copy_value(GString *out, const char *v)
{
  if (!v) {
    g_string_append(out, "\\N");
    return;
  }
  for (const char *p = v; *p; p++) {
    switch (*p) {
      case '\\':
        g_string_append(out, "\\\\");
        break;
      case '\t':
        g_string_append(out, "\\t");
        break;
      case '\n':
        g_string_append(out, "\\n");
        break;
      case '\r':
        g_string_append(out, "\\r");
        break;
      default:
        g_string_append_c(out, *p);
    }
  }
}

static char *
date_or_null(const GDate *d)
{
  return g_date_valid(d)
           ? g_strdup_printf("%04u-%02u-%02u", g_date_get_year(d), g_date_get_month(d), g_date_get_day(d))
           : NULL;
}

typedef struct {
  GString *copy; /* COPY data of the valid rows */
  guint rows;
} Import;

static gboolean
add_row(const ClassifierAsset *a, guint line, gpointer user_data, GError **error)
{
  Import *im = user_data;
  static const char *const basis[] = { "ship", "invoice", "contract" };
  g_autofree char *ship = date_or_null(&a->ship_date), *inv = date_or_null(&a->invoice_date);
  g_autofree char *cs = date_or_null(&a->contract_start);
  g_autofree char *years = a->contract_years ? g_strdup_printf("%u", a->contract_years) : NULL;
  g_autofree char *software = a->software ? g_strjoinv(";", a->software) : NULL;
  const char *v[N_COLUMNS] = {
    a->sn,
    a->kind == CLASSIFIER_ASSET_PART ? "part" : "server",
    a->brand,
    a->model,
    a->customer,
    classifier_tier_name(a->tier),
    ship,
    inv,
    basis[a->warranty_basis],
    cs,
    years,
    software,
    a->city,
    a->district,
  };
  for (guint i = 0; i < N_COLUMNS; i++) {
    if (i)
      g_string_append_c(im->copy, '\t');
    copy_value(im->copy, v[i]);
  }
  g_string_append_c(im->copy, '\n');
  im->rows++;
  return TRUE;
}

static gboolean
pg_ok(PGconn *pg, PGresult *r, ExecStatusType want, const char *what, GError **error)
{
  if (r && PQresultStatus(r) == want)
    return TRUE;
  const char *msg = r ? PQresultErrorMessage(r) : PQerrorMessage(pg);
  g_autofree char *one = g_strndup(msg, strcspn(msg, "\n"));
  g_set_error(error, STORE_ERROR, STORE_ERROR_QUERY, "%s: %s", what, one);
  return FALSE;
}

/* Loads the rows into a temporary table with COPY, then one INSERT … ON CONFLICT that reports per row
 * whether it was inserted (xmax = 0) or updated; identical rows are left alone (unchanged). */
static gboolean
upsert(PGconn *pg, const Import *im, guint *added, guint *updated, GError **error)
{
  g_autofree char *cols = g_strjoinv(", ", (char **)columns);
  {
    g_autoptr(PGresult) r =
      PQexec(pg, "CREATE TEMP TABLE assets_import (LIKE intake.assets INCLUDING DEFAULTS) ON COMMIT DROP");
    if (!pg_ok(pg, r, PGRES_COMMAND_OK, "temporary table", error))
      return FALSE;
  }
  {
    g_autofree char *sql = g_strdup_printf("COPY assets_import (%s) FROM STDIN", cols);
    g_autoptr(PGresult) r = PQexec(pg, sql);
    if (!pg_ok(pg, r, PGRES_COPY_IN, "COPY", error))
      return FALSE;
  }
  if (PQputCopyData(pg, im->copy->str, (int)im->copy->len) != 1 || PQputCopyEnd(pg, NULL) != 1) {
    g_set_error(error, STORE_ERROR, STORE_ERROR_QUERY, "COPY: %s", PQerrorMessage(pg));
    return FALSE;
  }
  {
    g_autoptr(PGresult) r = PQgetResult(pg);
    if (!pg_ok(pg, r, PGRES_COMMAND_OK, "COPY", error))
      return FALSE;
    PGresult *extra;
    while ((extra = PQgetResult(pg)))
      PQclear(extra);
  }
  GString *set = g_string_new(NULL), *differs = g_string_new(NULL);
  for (guint i = 1; i < N_COLUMNS; i++) {
    g_string_append_printf(set, "%s = EXCLUDED.%s, ", columns[i], columns[i]);
    g_string_append_printf(differs, "%sa.%s IS DISTINCT FROM EXCLUDED.%s", i > 1 ? " OR " : "", columns[i],
                           columns[i]);
  }
  g_autofree char *sql = g_strdup_printf("INSERT INTO intake.assets AS a (%s) SELECT %s FROM assets_import "
                                         "ON CONFLICT (sn) DO UPDATE SET %supdated_at = now() WHERE %s "
                                         "RETURNING (xmax = 0) AS inserted",
                                         cols, cols, set->str, differs->str);
  g_string_free(set, TRUE);
  g_string_free(differs, TRUE);
  g_autoptr(PGresult) r = PQexecParams(pg, sql, 0, NULL, NULL, NULL, NULL, 0);
  if (!pg_ok(pg, r, PGRES_TUPLES_OK, "upsert", error))
    return FALSE;
  for (int i = 0; i < PQntuples(r); i++) {
    if (PQgetvalue(r, i, 0)[0] == 't')
      (*added)++;
    else
      (*updated)++;
  }
  return TRUE;
}

int
cli_cmd_assets(int argc, char **argv)
{
  g_autofree char *config_path = NULL;
  gboolean dry_run = FALSE;
  GOptionEntry entries[] = {
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path, "Configuration file", "FILE" },
    { "dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run, "Validate only: no database", NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr(GOptionContext) ctx =
    g_option_context_new("import FILE.csv - load the asset registry (upsert by SN)");
  g_option_context_add_main_entries(ctx, entries, NULL);
  g_autoptr(GError) error = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
    fprintf(stderr, "intake assets: %s\n", error->message);
    return EXIT_USAGE;
  }
  if (argc != 3 || strcmp(argv[1], "import") != 0) {
    fprintf(stderr, "usage: intake assets import FILE.csv [--config FILE] [--dry-run]\n");
    return EXIT_USAGE;
  }
  const char *path = argv[2];

  /* validate everything before touching the database */
  Import im = { g_string_new(NULL), 0 };
  g_autoptr(GPtrArray) rejects = g_ptr_array_new_with_free_func((GDestroyNotify)classifier_asset_reject_free);
  g_autofree char *data_dir = cli_data_dir(NULL);
  g_autofree char *format_dir = g_build_filename(data_dir, "classifier", NULL);
  if (!classifier_assets_load_csv(format_dir, path, add_row, &im, rejects, &error)) {
    fprintf(stderr, "intake assets: %s\n", error->message);
    g_string_free(im.copy, TRUE);
    return EXIT_RUNTIME;
  }
  for (guint i = 0; i < rejects->len; i++) {
    const ClassifierAssetReject *r = g_ptr_array_index(rejects, i);
    printf("rejected line %u%s%s: %s\n", r->line, r->sn ? " " : "", r->sn ? r->sn : "", r->reason);
  }
  guint added = 0, updated = 0;
  if (dry_run) {
    printf("assets %s: %u valid, %u rejected (dry run: nothing written)\n", path, im.rows, rejects->len);
    g_string_free(im.copy, TRUE);
    return EXIT_OK;
  }

  g_autoptr(CliConfig) config = cli_config_load(config_path, &error);
  if (!config) {
    fprintf(stderr, "intake: %s\n", error->message);
    g_string_free(im.copy, TRUE);
    return EXIT_USAGE;
  }
  g_autoptr(StoreConn) conn = store_connect(config->db_conninfo, &error);
  if (!conn) {
    cli_log(CLI_LOG_ERROR, "%s", error->message);
    g_string_free(im.copy, TRUE);
    return EXIT_RUNTIME;
  }
  gboolean ok = store_begin(conn, &error) && upsert(store_conn_pg(conn), &im, &added, &updated, &error) &&
                store_commit(conn, &error);
  g_string_free(im.copy, TRUE);
  if (!ok) {
    store_rollback(conn);
    cli_log(CLI_LOG_ERROR, "assets import %s: %s (nothing imported)", path, error->message);
    return EXIT_RUNTIME;
  }
  printf("assets %s: %u added, %u updated, %u unchanged, %u rejected\n", path, added, updated,
         im.rows - added - updated, rejects->len);
  return EXIT_OK;
}
