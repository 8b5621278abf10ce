/* store/assets.c: the asset registry (intake.assets) — the look-up per mail and `intake assets import`. */
#include "store-private.h"

#define ASSETS_LOOKUP                                                                                        \
  "SELECT sn, kind, brand, model, customer, tier, ship_date, invoice_date, warranty_basis,"                  \
  " contract_start, contract_years, software, city, district"                                                \
  " FROM intake.assets WHERE sn = ANY($1::text[])"

StoreRows *
store_assets_lookup(StoreConn *conn, const char *const *sns, GError **error)
{
  g_autoptr(StoreAhead) ahead = store_assets_lookup_ahead(conn, sns, error);
  return ahead ? store_ahead_rows(conn, ahead, error) : NULL;
}

/* the registry is not among the rows written behind: they need not go first */
StoreAhead *
store_assets_lookup_ahead(StoreConn *conn, const char *const *sns, GError **error)
{
  g_autofree char *arr = store_text_array(sns);
  const char *p[] = { arr };
  return store_send_ahead_passing(conn, ASSETS_LOOKUP, 1, p, error);
}

const StoreRows *
store_assets_lookup_take(StoreConn *conn, StoreAhead *ahead, GError **error)
{
  return store_ahead_rows_kept(conn, ahead, error);
}

/* The rows in a temporary table by COPY, then one INSERT … ON CONFLICT that reports per row whether it
 * was inserted (xmax = 0) or updated; identical rows are left alone (unchanged). */
static gboolean
upsert(StoreConn *conn, const char *const *columns, guint ncols, const GPtrArray *rows, guint *added,
       guint *updated, GError **error)
{
  if (!store_exec(conn,
                  "CREATE TEMP TABLE assets_import (LIKE intake.assets INCLUDING DEFAULTS) ON COMMIT DROP", 0,
                  NULL, error) ||
      !store_copy_rows(conn, "assets_import", columns, ncols, rows, error))
    return FALSE;
  g_autofree char *cols = g_strjoinv(", ", (char **)columns);
  g_autoptr(GString) set = g_string_new(NULL);
  g_autoptr(GString) differs = g_string_new(NULL);
  for (guint i = 1; i < ncols; i++) {
    g_string_append_printf(set, "%s = EXCLUDED.%s, ", columns[i], columns[i]);
    g_string_append_printf(differs, "%sa.%s IS DISTINCT FROM EXCLUDED.%s", i > 1 ? " OR " : "", columns[i],
                           columns[i]);
  }
  g_autofree char *sql = g_strdup_printf("INSERT INTO intake.assets AS a (%s) SELECT %s FROM assets_import "
                                         "ON CONFLICT (sn) DO UPDATE SET %supdated_at = now() WHERE %s "
                                         "RETURNING (xmax = 0) AS inserted",
                                         cols, cols, set->str, differs->str);
  g_autoptr(StoreRows) result = store_select(conn, sql, 0, NULL, error);
  if (!result)
    return FALSE;
  for (guint i = 0; i < result->rows->len; i++) {
    const char *inserted = ((char **)g_ptr_array_index(result->rows, i))[0];
    if (inserted && inserted[0] == 't')
      (*added)++;
    else
      (*updated)++;
  }
  return TRUE;
}

gboolean
store_assets_import(StoreConn *conn, const char *const *columns, const GPtrArray *rows, guint *added,
                    guint *updated, GError **error)
{
  *added = *updated = 0;
  guint ncols = g_strv_length((char **)columns);
  for (guint i = 0; i < ncols; i++) {
    if (!store_identifier_valid(columns[i]) || (i == 0 && !g_str_equal(columns[i], "sn"))) {
      g_set_error(error, STORE_ERROR, STORE_ERROR_QUERY, "assets import: bad column '%s'", columns[i]);
      return FALSE;
    }
  }
  if (store_begin(conn, error) && upsert(conn, columns, ncols, rows, added, updated, error) &&
      store_commit(conn, error))
    return TRUE;
  store_rollback(conn);
  *added = *updated = 0;
  return FALSE;
}
