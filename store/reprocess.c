/* store/reprocess.c: what `intake reprocess` reads of a batch of orders, one query each for the
 * order rows and their raw mails (two round trips a batch instead of two an order). */
#include "store-private.h"

/* {1,2,3}: a bigint[] literal. */
static char *
id_array(const gint64 *ids, guint n)
{
  GString *s = g_string_new("{");
  for (guint i = 0; i < n; i++)
    g_string_append_printf(s, "%s%" G_GINT64_FORMAT, i ? "," : "", ids[i]);
  g_string_append_c(s, '}');
  return g_string_free(s, FALSE);
}

StoreRows *
store_orders_get_batch(StoreConn *conn, const gint64 *ids, guint n, GError **error)
{
  g_autofree char *arr = id_array(ids, n);
  const char *p[] = { arr };
  /* the columns of store_order_get */
  return store_select(
    conn,
    "SELECT *, to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') AS received_iso,"
    " (SELECT count(*) FROM intake.orders s WHERE s.message_id = o.message_id) AS mail_orders"
    " FROM intake.orders o WHERE id = ANY($1::bigint[]) ORDER BY id",
    1, p, error);
}

GHashTable *
store_order_raws_batch(StoreConn *conn, const gint64 *ids, guint n, GError **error)
{
  g_autofree char *arr = id_array(ids, n);
  const char *p[] = { arr };
  /* binary result: the raw bytes exactly (the id as text: its bytes are its digits) */
  g_autoptr(PGresult) r = PQexecParams(conn->pg,
                                       "SELECT om.order_id::text, m.raw FROM intake.order_messages om"
                                       " JOIN intake.messages m ON m.id = om.message_id"
                                       " WHERE om.order_id = ANY($1::bigint[])"
                                       " ORDER BY om.order_id, om.role <> 'initial', om.added_at, m.id",
                                       1, NULL, p, NULL, NULL, 1);
  if (!store_check(conn, r, PGRES_TUPLES_OK, error))
    return NULL;
  GHashTable *raws =
    g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, (GDestroyNotify)g_ptr_array_unref);
  for (int i = 0; i < PQntuples(r); i++) {
    gint64 id = g_ascii_strtoll(PQgetvalue(r, i, 0), NULL, 10);
    GPtrArray *mails = g_hash_table_lookup(raws, &id);
    if (!mails) {
      mails = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
      g_hash_table_insert(raws, g_memdup2(&id, sizeof id), mails);
    }
    g_ptr_array_add(mails, g_bytes_new(PQgetvalue(r, i, 1), (gsize)PQgetlength(r, i, 1)));
  }
  return raws;
}
