/* store/policy.c: the classifier's policy from the tables ops edit (intake.<table>); the classifier says
 * which tables and columns, the store writes the SELECT. */
#include "store-private.h"

#include "classifier.h"

/* SELECT <columns> FROM intake.<table> [ORDER BY id]; NULL when a name is not a plain identifier. */
static char *
table_select(const char *table)
{
  const char *const *columns = classifier_policy_table_columns(table);
  if (!store_identifier_valid(table) || !columns || !columns[0])
    return NULL;
  for (guint i = 0; columns[i]; i++)
    if (!store_identifier_valid(columns[i]))
      return NULL;
  g_autofree char *cols = g_strjoinv(", ", (char **)columns);
  /* ordered: the seed file's order, the order the migration inserted the rows (id) */
  return g_strdup_printf("SELECT %s FROM intake.%s%s", cols, table,
                         classifier_policy_table_ordered(table) ? " ORDER BY id" : "");
}

gboolean
store_policy_load(StoreConn *conn, ClassifierPolicy *policy, GError **error)
{
  for (const char *const *t = classifier_policy_tables(); *t; t++) {
    g_autofree char *sql = table_select(*t);
    if (!sql) {
      g_set_error(error, STORE_ERROR, STORE_ERROR_QUERY, "policy table %s: unusable name", *t);
      return FALSE;
    }
    g_autoptr(StoreRows) rows = store_select(conn, sql, 0, NULL, error);
    if (!rows) {
      g_prefix_error(error, "policy table intake.%s: ", *t);
      return FALSE;
    }
    if (!classifier_policy_add_rows(policy, *t, (const char *const *)rows->columns, rows->ncols, rows->rows,
                                    error))
      return FALSE;
  }
  return TRUE;
}
