/* store/sla.c: SLA deadlines moved by ops' pauses, and the SLA terms an acknowledgement quotes. */
#include "store-private.h"

#define UTC_ISO(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"

/* Each paused order's base deadlines and its closed pauses, oldest first (a JSON array of [start, end]). */
/* (left as written: clang-format splits a string pasted together with macros into a column of fragments) */
/* clang-format off */
static const char SLA_DIRTY_SQL[] =
  "SELECT o.id, o.sla_clock, " UTC_ISO("o.received_at") ", " UTC_ISO("o.base_response_due") ","
  " " UTC_ISO("o.base_plan_due") ", " UTC_ISO("o.base_onsite_due") ","
  " (SELECT coalesce(json_agg(json_build_array(" UTC_ISO("p.started_at") ", " UTC_ISO("p.ended_at") ")"
  " ORDER BY p.started_at), '[]')"
  "  FROM intake.sla_pauses p WHERE p.order_id = o.id AND p.ended_at IS NOT NULL)"
  " FROM intake.orders o WHERE o.sla_dirty ORDER BY o.id";
/* clang-format on */

StoreRows *
store_sla_dirty(StoreConn *conn, GError **error)
{
  return store_select(conn, SLA_DIRTY_SQL, 0, NULL, error);
}

gboolean
store_sla_set(StoreConn *conn, gint64 order_id, const char *response_due, const char *plan_due,
              const char *onsite_due, GError **error)
{
  g_autofree char *id = g_strdup_printf("%" G_GINT64_FORMAT, order_id);
  const char *p[] = { id, response_due, plan_due, onsite_due };
  return store_exec(conn,
                    "UPDATE intake.orders SET response_due = $2, plan_due = $3, onsite_due = $4,"
                    " sla_dirty = false, updated_at = now() WHERE id = $1",
                    4, p, error);
}

StoreRows *
store_sla_terms(StoreConn *conn, const char *tier, GError **error)
{
  const char *p[] = { tier };
  return store_select(
    conn,
    "SELECT clock, response_minutes, plan_minutes, onsite_rule, onsite_minutes, fast_onsite_minutes,"
    " fast_onsite_priority, fast_onsite_class FROM intake.sla_terms WHERE tier = $1",
    1, p, error);
}

GArray *
store_orders_reclassify_pending(StoreConn *conn, GError **error)
{
  g_autoptr(StoreRows) rows =
    store_select(conn, "SELECT id FROM intake.orders WHERE reclassify_pending ORDER BY id", 0, NULL, error);
  if (!rows)
    return NULL;
  GArray *ids = g_array_sized_new(FALSE, FALSE, sizeof(gint64), rows->rows->len);
  for (guint i = 0; i < rows->rows->len; i++) {
    gint64 id = g_ascii_strtoll(((char **)g_ptr_array_index(rows->rows, i))[0], NULL, 10);
    g_array_append_val(ids, id);
  }
  return ids;
}

gboolean
store_order_lock_pending(StoreConn *conn, gint64 order_id, gboolean *pending, GError **error)
{
  g_autofree char *id = g_strdup_printf("%" G_GINT64_FORMAT, order_id);
  const char *p[] = { id };
  g_autoptr(StoreRows) rows =
    store_select(conn, "SELECT reclassify_pending FROM intake.orders WHERE id = $1 FOR UPDATE", 1, p, error);
  if (!rows)
    return FALSE;
  *pending = rows->rows->len == 1 && g_strcmp0(((char **)g_ptr_array_index(rows->rows, 0))[0], "t") == 0;
  return TRUE;
}
