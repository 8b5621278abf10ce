/* store/orders.c: orders — the gap-free number, insert, follow-up look-up, update with audit, and the
 * orders to re-run or acknowledge. */
#include "store-private.h"

#include <string.h>

/* The 24 values insert and update share, sn … onsite_due, in the column order of both statements.
 * missing and sn_candidates are owned here (g_auto: order_fields_clear). */
typedef struct {
  const char *v[24];
  char *missing, *cands;
} OrderFields;

static void
order_fields(const StoreOrder *o, OrderFields *f)
{
  f->missing = store_text_array(o->missing);
  f->cands = store_text_array(o->sn_candidates);
  const char *v[] = { o->sn,
                      o->model,
                      o->symptoms,
                      o->contact,
                      o->phone,
                      o->address,
                      o->city,
                      o->district,
                      f->missing,
                      f->cands,
                      o->customer,
                      o->tier,
                      o->component,
                      o->warranty_start,
                      o->warranty_end,
                      o->coverage,
                      o->reasons_json ? o->reasons_json : "[]",
                      o->severity,
                      o->priority,
                      o->onsite_class,
                      o->sla_clock,
                      o->response_due,
                      o->plan_due,
                      o->onsite_due };
  G_STATIC_ASSERT(sizeof v == sizeof f->v);
  memcpy(f->v, v, sizeof v);
}

static void
order_fields_clear(OrderFields *f)
{
  g_free(f->missing);
  g_free(f->cands);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(OrderFields, order_fields_clear)

/* ---- order numbers ---- */
/* Gap-free per local day (intake.order_counters). In a transaction, the first order of a day locks
 * that day's counter row until COMMIT (concurrent polls wait, then take the numbers after ours) and
 * reads it; the orders after it are numbered here, and the row is written once, before COMMIT.
 * Writing it for every order made PostgreSQL walk a chain of row versions and multixacts that grew
 * with each mail's savepoint in the batch (~0.2 ms per mail, measured). ROLLBACK TO a savepoint gives
 * its numbers back, and forgets a day first locked inside it (the lock went with it). */

static GHashTable *
numbers_copy(GHashTable *from)
{
  GHashTable *to = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  GHashTableIter it;
  gpointer day, last;
  g_hash_table_iter_init(&it, from);
  while (g_hash_table_iter_next(&it, &day, &last))
    g_hash_table_insert(to, g_strdup(day), last);
  return to;
}

void
store_numbers_open(StoreConn *conn)
{
  store_numbers_close(conn);
  conn->numbers = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
}

void
store_numbers_close(StoreConn *conn)
{
  g_clear_pointer(&conn->numbers, g_hash_table_unref);
  g_clear_pointer(&conn->numbers_mark, g_hash_table_unref);
}

void
store_numbers_mark(StoreConn *conn)
{
  if (!conn->numbers)
    return;
  g_clear_pointer(&conn->numbers_mark, g_hash_table_unref);
  conn->numbers_mark = numbers_copy(conn->numbers);
}

void
store_numbers_restore(StoreConn *conn)
{
  if (!conn->numbers_mark)
    return;
  g_hash_table_unref(conn->numbers);
  conn->numbers = numbers_copy(conn->numbers_mark);
}

gboolean
store_numbers_flush(StoreConn *conn, GError **error)
{
  if (!conn->numbers || g_hash_table_size(conn->numbers) == 0)
    return TRUE;
  g_autoptr(GPtrArray) days = g_ptr_array_new();
  g_autoptr(GPtrArray) lasts = g_ptr_array_new_with_free_func(g_free);
  GHashTableIter it;
  gpointer day, last;
  g_hash_table_iter_init(&it, conn->numbers);
  while (g_hash_table_iter_next(&it, &day, &last)) {
    g_ptr_array_add(days, day);
    g_ptr_array_add(lasts, g_strdup_printf("%u", GPOINTER_TO_UINT(last)));
  }
  g_ptr_array_add(days, NULL);
  g_ptr_array_add(lasts, NULL);
  g_autofree char *d = store_text_array((const char *const *)days->pdata);
  g_autofree char *l = store_text_array((const char *const *)lasts->pdata);
  const char *p[] = { d, l };
  return store_exec(conn,
                    "UPDATE intake.order_counters AS c SET last_seq = v.last"
                    " FROM unnest($1::date[], $2::integer[]) AS v(day, last) WHERE c.day = v.day",
                    2, p, error);
}

/* The next number of local day (YYYY-MM-DD) in the open transaction (taken once the order is in). */
static gboolean
number_next(StoreConn *conn, const char *day, guint *next, GError **error)
{
  gpointer last;
  if (g_hash_table_lookup_extended(conn->numbers, day, NULL, &last)) {
    *next = GPOINTER_TO_UINT(last) + 1;
    return TRUE;
  }
  const char *p[] = { day };
  /* passing the rows kept behind: a lock, harmless to keep if the mail's savepoint is undone */
  g_autoptr(StoreRows) rows =
    store_select_passing(conn,
                         "INSERT INTO intake.order_counters AS c (day, last_seq) VALUES ($1, 0)"
                         " ON CONFLICT (day) DO UPDATE SET last_seq = c.last_seq RETURNING last_seq",
                         1, p, error);
  if (!rows)
    return FALSE;
  *next = (guint)store_rows_int(rows, 0, 0) + 1;
  return TRUE;
}

gboolean
store_sequence_next(StoreConn *conn, const char *sequence, StoreIds *pool, gint64 *id, GError **error)
{
  if (!pool->ids || pool->ids->len == 0) {
    /* 64 the first time, then twice as many as the time before, at most 4,096: a refill waits for
     * every row sent before it (a poll of 3,000 mails waited 47 times per table with 64 each), and
     * a poll of a few mails still leaves a gap of fewer than 64 */
    pool->block = pool->block ? MIN(pool->block * 2, 4096) : 64;
    g_autofree char *n = g_strdup_printf("%u", pool->block);
    const char *p[] = { sequence, n };
    g_autoptr(StoreRows) rows = store_select_passing(
      conn, "SELECT nextval($1::regclass) FROM generate_series(1, $2::integer) ORDER BY 1", 2, p, error);
    if (!rows)
      return FALSE;
    if (!pool->ids)
      pool->ids = g_array_new(FALSE, FALSE, sizeof(gint64));
    for (guint i = rows->rows->len; i-- > 0;) /* used from the end: the smallest first */
      g_array_append_val(pool->ids, (gint64){ store_rows_int(rows, i, 0) });
  }
  *id = g_array_index(pool->ids, gint64, pool->ids->len - 1);
  g_array_set_size(pool->ids, pool->ids->len - 1);
  return TRUE;
}

char *
store_order_insert(StoreConn *conn, const StoreOrder *o, gint64 *order_id, GError **error)
{
  if (!conn->numbers) {
    g_set_error(error, STORE_ERROR, STORE_ERROR_QUERY,
                "store_order_insert outside a transaction (store_begin)");
    return NULL;
  }
  g_autoptr(GDateTime) local = g_date_time_to_timezone(o->received_at, conn->tz);
  g_autofree char *day = g_date_time_format(local, "%Y-%m-%d");
  g_autofree char *daycompact = g_date_time_format(local, "%Y%m%d");
  guint seq = 0;
  gint64 idv = 0;
  /* An id taken from the table's sequence a block at a time (store_sequence_next): the insert needs no
   * answer and can travel with the statement after it, or be written behind. Unused ones are gaps,
   * as a rolled-back nextval leaves. */
  if (!number_next(conn, day, &seq, error) ||
      !store_sequence_next(conn, "intake.orders_id_seq", &conn->order_ids, &idv, error))
    return NULL;
  g_autofree char *order_no = g_strdup_printf("RC%s-%04u", daycompact, seq);
  g_autofree char *id = store_int_text(idv);
  g_autofree char *row = g_strdup_printf("%" G_GINT64_FORMAT, o->message_row);
  g_autofree char *received = g_date_time_format_iso8601(o->received_at);
  g_autofree char *machine = g_strdup_printf("%u", o->machine_index);
  g_auto(OrderFields) f = { 0 };
  order_fields(o, &f);
  const char *p[35] = { order_no,     o->status ? o->status : "queued",
                        row,          received,
                        o->from_addr, o->subject,
                        o->kind,      o->review_reason };
  memcpy(p + 8, f.v, sizeof f.v); /* $9..$32 */
  p[32] = o->recurrence_of;
  p[33] = machine;
  p[34] = id;

  if (store_behind_on(conn)) {
    store_behind_add(conn, STORE_BEHIND_ORDERS, p, 0);
  } else {
    /* Sent ahead: it travels with the caller's next statement (the acknowledgement's row), whose
     * error it becomes if it fails — inside the same mail's savepoint. */
    g_autoptr(StoreAhead) sent = store_send_ahead(
      conn, STORE_ORDER_INSERT_PREFIX STORE_ORDER_INSERT_TUPLE STORE_ORDER_INSERT_SUFFIX, 35, p, error);
    if (!sent)
      return NULL;
  }
  g_hash_table_insert(conn->numbers, g_strdup(day), GUINT_TO_POINTER(seq));
  if (order_id)
    *order_id = idv;
  return g_steal_pointer(&order_no);
}

/* ---- follow-ups and updates ---- */

/* A row kept behind (or written since a read still in use) has order_no, or a Message-ID of refs:
 * the look-up must see it. */
static gboolean
kept_match(StoreConn *conn, const char *order_no, const char *const *refs)
{
  if (!store_behind_on(conn))
    return TRUE;
  if (order_no && store_behind_has(conn, STORE_BEHIND_ORDERS, 0, order_no))
    return TRUE;
  for (guint i = 0; refs && refs[i]; i++)
    if (store_behind_has(conn, STORE_BEHIND_MESSAGES, 1, refs[i]) ||
        store_behind_has(conn, STORE_BEHIND_OUTBOX, 1, refs[i]))
      return TRUE;
  return FALSE;
}

/* The first of: the order numbered $1; the first order of a mail among $2 (a batch report's mail opened
 * several); the first order whose acknowledgement is among $2 — or the order it was merged into
 * (intake.merge). Planned with its values each time (StoreConn.unprepared) as scalar sub-queries,
 * evaluated only as far as needed: planning it was most of its cost (0.31 ms as a UNION of the three
 * ordered by rank, 0.20 ms so; psql, 3,000 orders). */
#define ORDER_FIND                                                                                           \
  "SELECT coalesce(kept.id, o.id) FROM intake.orders o LEFT JOIN intake.orders kept"                         \
  " ON kept.order_no = o.merged_into WHERE o.id = coalesce("                                                 \
  " (SELECT f.id FROM intake.orders f WHERE f.order_no = $1),"                                               \
  " (SELECT min(om.order_id) FROM intake.order_messages om JOIN intake.messages m ON m.id = om.message_id"   \
  "  WHERE m.message_id = ANY($2::text[])),"                                                                 \
  " (SELECT min(ob.order_id) FROM intake.outbox ob WHERE ob.message_id = ANY($2::text[])))"

/* Locks the order row found by a look-up, for the rest of the caller's transaction. */
static gboolean
lock_order(StoreConn *conn, gint64 order_id, GError **error)
{
  g_autofree char *id = g_strdup_printf("%" G_GINT64_FORMAT, order_id);
  const char *q[] = { id };
  return store_exec(conn, "SELECT 1 FROM intake.orders WHERE id = $1 FOR UPDATE", 1, q, error);
}

StoreAhead *
store_order_find_ahead(StoreConn *conn, const char *order_no, const char *const *refs, GError **error)
{
  g_autofree char *arr = store_text_array(refs);
  const char *p[] = { order_no, arr };
  return store_send_ahead_planned(conn, ORDER_FIND, 2, p, error);
}

gboolean
store_order_find(StoreConn *conn, const char *order_no, const char *const *refs, StoreAhead *ahead,
                 gint64 *order_id, GError **error)
{
  /* The order number first; else any of the order's mails named by In-Reply-To/References;
   * else its acknowledgement (the customer answering our mail), when the outbox exists. Unless a
   * row kept behind could be the one, the look-up passes them (mostly it finds nothing: a reply
   * to another thread, a forward) and the poll does not wait for them to be written. Read ahead,
   * its answer stands unless a row written since could be the one: the rows written since it was
   * sent are all still known (store_behind_prune comes before the next group's reads), and a
   * mail stored at once is noted among them (store_behind_note). */
  gboolean kept = kept_match(conn, order_no, refs);
  g_autoptr(StoreRows) rows = NULL;
  if (ahead && !kept) {
    rows = store_ahead_rows(conn, ahead, error);
  } else {
    g_autofree char *arr = store_text_array(refs);
    const char *p[] = { order_no, arr };
    conn->unprepared++; /* see StoreConn.unprepared */
    rows = (kept ? store_select : store_select_passing)(conn, ORDER_FIND, 2, p, error);
    conn->unprepared--;
  }
  if (!rows)
    return FALSE;
  if (rows->rows->len == 0)
    return TRUE;
  *order_id = g_ascii_strtoll(((char **)g_ptr_array_index(rows->rows, 0))[0], NULL, 10);
  return lock_order(conn, *order_id, error);
}

gboolean
store_order_find_open(StoreConn *conn, const char *sn, GDateTime *received, gint64 *order_id, GError **error)
{
  *order_id = 0;
  if (!sn || !*sn)
    return TRUE;
  g_autofree char *at = g_date_time_format_iso8601(received);
  const char *p[] = { sn, at };
  /* rare (a mail that chases without the order's number), so read at once, seeing every row the
   * poll wrote; orders_sn_open answers it */
  g_autoptr(StoreRows) rows =
    store_select(conn,
                 "SELECT o.id FROM intake.orders o"
                 " WHERE o.sn = $1 AND o.status NOT IN ('resolved', 'closed') AND o.merged_into IS NULL"
                 "   AND o.received_at <= $2::timestamptz"
                 " ORDER BY o.received_at DESC, o.id DESC LIMIT 1",
                 2, p, error);
  if (!rows)
    return FALSE;
  if (rows->rows->len == 0)
    return TRUE;
  *order_id = g_ascii_strtoll(((char **)g_ptr_array_index(rows->rows, 0))[0], NULL, 10);
  return lock_order(conn, *order_id, error);
}

gboolean
store_order_find_supplement(StoreConn *conn, const char *from_addr, const char *company_domain,
                            const char *sn, GDateTime *received, gint64 *order_id, GError **error)
{
  *order_id = 0;
  if (!from_addr || !*from_addr)
    return TRUE;
  g_autofree char *at = g_date_time_format_iso8601(received);
  const char *p[] = { from_addr, sn, at, sn ? company_domain : NULL };
  /* the sender's open orders of the last day, those with the SN (or none) first — or a colleague's
   * (the same company domain) with the SN the mail names ("补充一下日志，就是刘畅早上报的那台"); rare
   * (a mail that says it adds to an earlier one), so read at once, seeing every row the poll wrote */
  g_autoptr(StoreRows) rows = store_select(
    conn,
    "SELECT o.id, o.sn = $2 AS same FROM intake.orders o"
    " WHERE (lower(o.from_addr) = lower($1)"
    "   OR ($4::text IS NOT NULL AND o.sn = $2 AND split_part(lower(o.from_addr), '@', 2) = lower($4)))"
    "   AND o.status NOT IN ('resolved', 'closed')"
    "   AND o.merged_into IS NULL AND o.received_at <= $3::timestamptz"
    "   AND o.received_at > $3::timestamptz - interval '24 hours'"
    "   AND ($2::text IS NULL OR o.sn IS NULL OR o.sn = $2)"
    " ORDER BY o.sn = $2 DESC NULLS LAST, o.received_at DESC, o.id DESC LIMIT 2",
    4, p, error);
  if (!rows)
    return FALSE;
  if (rows->rows->len == 0)
    return TRUE;
  char **first = g_ptr_array_index(rows->rows, 0);
  /* the order with the SN named; without one, only when the sender has a single open order */
  if (!(first[1] && !strcmp(first[1], "t")) && rows->rows->len > 1)
    return TRUE;
  *order_id = g_ascii_strtoll(first[0], NULL, 10);
  return lock_order(conn, *order_id, error);
}

StoreRows *
store_order_get(StoreConn *conn, gint64 order_id, GError **error)
{
  g_autofree char *id = g_strdup_printf("%" G_GINT64_FORMAT, order_id);
  const char *p[] = { id };
  StoreRows *rows =
    store_select(conn,
                 "SELECT *, to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') AS "
                 "received_iso," STORE_ORDER_DERIVED_COLUMNS " FROM intake.orders o WHERE id = $1",
                 1, p, error);
  if (rows && rows->rows->len != 1) {
    g_set_error(error, STORE_ERROR, STORE_ERROR_QUERY, "order %s not found", id);
    store_rows_free(rows);
    return NULL;
  }
  return rows;
}

GBytes *
store_order_initial_raw(StoreConn *conn, gint64 order_id, GError **error)
{
  g_autofree char *id = g_strdup_printf("%" G_GINT64_FORMAT, order_id);
  const char *p[] = { id };
  /* binary result: the raw bytes exactly */
  g_autoptr(PGresult) r = store_run_formats(conn,
                                            "SELECT m.raw FROM intake.orders o JOIN intake.messages m"
                                            " ON m.id = o.message_id WHERE o.id = $1",
                                            1, p, NULL, NULL, 1);
  if (!store_check(conn, r, PGRES_TUPLES_OK, error))
    return NULL;
  if (PQntuples(r) != 1) {
    g_set_error(error, STORE_ERROR, STORE_ERROR_QUERY, "order %s has no mail", id);
    return NULL;
  }
  return g_bytes_new(PQgetvalue(r, 0, 0), (gsize)PQgetlength(r, 0, 0));
}

gboolean
store_order_followup_facts(StoreConn *conn, gint64 order_id, const char *const *refs, GPtrArray **known,
                           gboolean *referenced, GError **error)
{
  g_autofree char *id = g_strdup_printf("%" G_GINT64_FORMAT, order_id);
  g_autofree char *arr = store_text_array(refs);
  const char *p[] = { id, arr };
  g_autoptr(StoreRows) rows = store_select(
    conn,
    "SELECT array_to_string(ARRAY(SELECT DISTINCT lower(a) FROM ("
    "   SELECT m.from_addr FROM intake.order_messages om JOIN intake.messages m ON m.id = om.message_id"
    "    WHERE om.order_id = o.id"
    "   UNION ALL SELECT o.from_addr UNION ALL SELECT x.recipient FROM intake.outbox x WHERE x.order_id = "
    "o.id"
    "  ) s (a) WHERE a <> '' ORDER BY 1), E'\n'),"
    " EXISTS (SELECT 1 FROM intake.order_messages om JOIN intake.messages m ON m.id = om.message_id"
    "          WHERE om.order_id = o.id AND m.message_id = ANY($2::text[]))"
    "  OR EXISTS (SELECT 1 FROM intake.outbox x WHERE x.order_id = o.id AND x.message_id = ANY($2::text[]))"
    " FROM intake.orders o WHERE o.id = $1",
    2, p, error);
  if (!rows)
    return FALSE;
  if (rows->rows->len != 1) {
    g_set_error(error, STORE_ERROR, STORE_ERROR_QUERY, "order %s not found", id);
    return FALSE;
  }
  char **r = g_ptr_array_index(rows->rows, 0);
  *known = g_ptr_array_new_with_free_func(g_free);
  g_auto(GStrv) addrs = g_strsplit(r[0] ? r[0] : "", "\n", -1);
  for (guint i = 0; addrs[i]; i++)
    if (*addrs[i])
      g_ptr_array_add(*known, g_strdup(addrs[i]));
  g_ptr_array_add(*known, NULL);
  *referenced = g_strcmp0(r[1], "t") == 0;
  return TRUE;
}

gboolean
store_order_hold_followup(StoreConn *conn, gint64 order_id, const char *reason, const char *note,
                          GError **error)
{
  g_autofree char *id = g_strdup_printf("%" G_GINT64_FORMAT, order_id);
  const char *p[] = { id, reason, note };
  return store_exec(conn,
                    /* a stranger's mail keeps a reason already there (it must not hide a customer's
                     * question); the customer's own replaces a stranger's */
                    "WITH o AS (SELECT id, review_reason, CASE WHEN $2::text = 'unverified_followup'"
                    "  THEN coalesce(review_reason, $2::text) ELSE $2::text END AS held"
                    "  FROM intake.orders WHERE id = $1 FOR UPDATE),"
                    " u AS (UPDATE intake.orders t SET review_reason = o.held, updated_at = now() FROM o"
                    "  WHERE t.id = o.id)"
                    " INSERT INTO intake.audit (order_id, action, before, after, note)"
                    " SELECT o.id, 'followup_held', jsonb_build_object('review_reason', o.review_reason),"
                    "  jsonb_build_object('review_reason', o.held), $3 FROM o",
                    3, p, error);
}

gboolean
store_order_escalate(StoreConn *conn, gint64 order_id, const char *note, GError **error)
{
  g_autofree char *id = g_strdup_printf("%" G_GINT64_FORMAT, order_id);
  const char *p[] = { id, note };
  return store_exec(conn,
                    "WITH o AS (SELECT id, escalated_at FROM intake.orders WHERE id = $1 FOR UPDATE),"
                    " u AS (UPDATE intake.orders t SET escalated_at = now(), updated_at = now() FROM o"
                    "  WHERE t.id = o.id)"
                    " INSERT INTO intake.audit (order_id, action, before, after, note)"
                    " SELECT o.id, 'escalated', jsonb_build_object('escalated_at', o.escalated_at),"
                    "  jsonb_build_object('escalated_at', now()), $2 FROM o",
                    2, p, error);
}

gboolean
store_order_note(StoreConn *conn, gint64 order_id, const char *action, const char *note, GError **error)
{
  g_autofree char *id = g_strdup_printf("%" G_GINT64_FORMAT, order_id);
  const char *p[] = { id, action, note };
  return store_exec(conn, "INSERT INTO intake.audit (order_id, action, note) VALUES ($1, $2, $3)", 3, p,
                    error);
}

gboolean
store_order_attach(StoreConn *conn, gint64 order_id, gint64 message_row, GError **error)
{
  g_autofree char *id = g_strdup_printf("%" G_GINT64_FORMAT, order_id);
  g_autofree char *m = g_strdup_printf("%" G_GINT64_FORMAT, message_row);
  const char *p[] = { id, m };
  return store_exec(conn,
                    "INSERT INTO intake.order_messages (order_id, message_id, role)"
                    " VALUES ($1, $2, 'followup') ON CONFLICT DO NOTHING",
                    2, p, error);
}

gboolean
store_order_update(StoreConn *conn, gint64 order_id, const StoreOrder *o, const char *status,
                   const char *action, const char *note, gboolean *changed, char **before, char **after,
                   GError **error)
{
  /* one order is a batch of one: the UPDATE and its audit are written once, in store/reprocess.c */
  const StoreOrder *orders[] = { o };
  const char *statuses[] = { status };
  gboolean ch = FALSE;
  g_autofree char *b = NULL, *a = NULL;
  if (!store_orders_update_batch_send(conn, &order_id, orders, statuses, 1, action, note, error) ||
      !store_orders_update_batch_finish(conn, 1, &ch, &b, &a, error)) {
    if (error && *error && strstr((*error)->message, "not found"))
      g_prefix_error(error, "order %" G_GINT64_FORMAT ": ", order_id);
    return FALSE;
  }
  if (changed)
    *changed = ch;
  if (before)
    *before = g_steal_pointer(&b);
  if (after)
    *after = g_steal_pointer(&a);
  return TRUE;
}

/* ---- reprocess and SLA ---- */

GArray *
store_orders_select(StoreConn *conn, const char *order_no, const char *since, GError **error)
{
  const char *p[] = { order_no, since };
  g_autoptr(StoreRows) rows = store_select(
    conn,
    "SELECT id FROM intake.orders WHERE ($1::text IS NULL OR order_no = $1)"
    " AND ($2::date IS NULL OR received_at >= ($2::date)::timestamptz)" /* midnight in the session's zone */
    /* a merged order's mail and history are its kept order's: reprocessed with that one */
    " AND ($1::text IS NOT NULL OR merged_into IS NULL)"
    " ORDER BY id",
    2, p, error);
  if (!rows)
    return NULL;
  GArray *ids = g_array_new(FALSE, FALSE, sizeof(gint64));
  for (guint i = 0; i < rows->rows->len; i++) {
    gint64 id = g_ascii_strtoll(((char **)g_ptr_array_index(rows->rows, i))[0], NULL, 10);
    g_array_append_val(ids, id);
  }
  return ids;
}

StoreRows *
store_orders_without_ack(StoreConn *conn, guint hours, GError **error)
{
  g_autofree char *h = g_strdup_printf("%u", hours);
  const char *p[] = { h };
  return store_select(
    conn,
    "SELECT o.id, o.order_no, to_char(o.received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
    " AS received_iso FROM intake.orders o WHERE o.received_at > now() - make_interval(hours => $1::int)"
    /* one acknowledgement per mail: its first order's (machine 0, or the first of those a mail that
     * also followed up an order opened) */
    " AND NOT EXISTS (SELECT 1 FROM intake.orders f WHERE f.message_id = o.message_id"
    " AND f.machine_index < o.machine_index)"
    " AND NOT EXISTS (SELECT 1 FROM intake.outbox b WHERE b.mail_id = o.message_id) ORDER BY o.received_at, "
    "o.id",
    1, p, error);
}

StoreRows *
store_mail_orders(StoreConn *conn, gint64 order_id, GError **error)
{
  g_autofree char *id = g_strdup_printf("%" G_GINT64_FORMAT, order_id);
  const char *p[] = { id };
  return store_select(
    conn,
    "SELECT s.order_no, s.machine_index, s.sn, s.model, s.symptoms, s.kind, s.coverage, s.tier,"
    " to_char(s.warranty_end, 'YYYY-MM-DD') AS warranty_end,"
    " to_char(s.response_due AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS response_iso,"
    " to_char(s.plan_due AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS plan_iso,"
    " to_char(s.onsite_due AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS onsite_iso"
    " FROM intake.orders o JOIN intake.orders s ON s.message_id = o.message_id"
    " WHERE o.id = $1 ORDER BY s.machine_index",
    1, p, error);
}
