/* store/outbox.c: the acknowledgement outbox and its texts — queue inside the order's transaction, claim with
 * SKIP LOCKED and a lease, mark the outcome. At most once: see the OUTBOX section of store.h. */
#include "store-private.h"

gboolean
store_outbox_queue(StoreConn *conn, const StoreOutboxItem *item, gboolean *queued, GError **error)
{
  g_return_val_if_fail(item && item->message_id, FALSE);
  g_return_val_if_fail(item->suppressed_reason || (item->data && item->recipient), FALSE);
  g_autofree char *order = g_strdup_printf("%" G_GINT64_FORMAT, item->order_id);
  const char *status = item->suppressed_reason ? "suppressed" : "pending";
  const char *p[] = { order,
                      item->message_id,
                      item->recipient,
                      item->language ? item->language : "zh",
                      item->subject,
                      item->data,
                      status,
                      item->suppressed_reason,
                      item->body_text,
                      NULL,
                      NULL };
  g_autofree char *cc = item->cc && item->cc[0] ? store_text_array(item->cc) : NULL;
  p[9] = cc;
  const char *const *kept =
    store_behind_on(conn) ? store_behind_find(conn, STORE_BEHIND_ORDERS, 34, order) : NULL;
  if (kept) {
    /* its mail: the order's message_id ($3 of STORE_ORDER_INSERT_TUPLE), while the row is kept; else
     * NULL and set from the order */
    p[10] = kept[2];
    /* the order is new (kept behind too): only a row kept for it can be in the way (ON CONFLICT) */
    gboolean first = !store_behind_has(conn, STORE_BEHIND_OUTBOX, 0, order);
    if (first)
      store_behind_add(conn, STORE_BEHIND_OUTBOX, p, (int)item->len);
    if (queued)
      *queued = first;
    return TRUE;
  }
  int lengths[11] = { 0 }, formats[11] = { 0 };
  lengths[5] = (int)item->len;
  formats[5] = 1; /* the message bytes as binary bytea */
  g_autoptr(PGresult) r = store_run_formats(conn,
                                            STORE_OUTBOX_INSERT_PREFIX STORE_OUTBOX_INSERT_TUPLE
                                            " ON CONFLICT (order_id) DO NOTHING RETURNING id",
                                            11, p, lengths, formats, 0);
  if (!store_check(conn, r, PGRES_TUPLES_OK, error))
    return FALSE;
  if (queued)
    *queued = PQntuples(r) == 1;
  return TRUE;
}

/* Per recipient of $1 (text[]): its 24 hours' count; the hour's counts (when $2) once for all. */
#define CAP_COUNTS                                                                                           \
  "WITH h AS (SELECT CASE WHEN $2::boolean THEN (SELECT count(*) FROM intake.outbox WHERE status IN"         \
  " ('pending', 'sending', 'sent') AND queued_at > now() - interval '1 hour') ELSE 0 END AS n,"              \
  " CASE WHEN $2::boolean THEN EXISTS (SELECT 1 FROM intake.outbox WHERE suppressed_reason = 'global_cap'"   \
  " AND queued_at > now() - interval '1 hour')::int ELSE 0 END AS capped)"                                   \
  " SELECT r, (SELECT count(*) FROM intake.outbox WHERE lower(recipient) = lower(r)"                         \
  " AND status IN ('pending', 'sending', 'sent') AND queued_at > now() - interval '24 hours'), h.n, "        \
  "h.capped"                                                                                                 \
  " FROM unnest($1::text[]) AS r, h"

/* recipient's row of CAP_COUNTS rows ("" for none), or -1 */
static gint
cap_row(const StoreRows *rows, const char *recipient)
{
  for (guint i = 0; i < rows->rows->len; i++)
    if (g_strcmp0(((char **)g_ptr_array_index(rows->rows, i))[0], recipient ? recipient : "") == 0)
      return (gint)i;
  return -1;
}

/* The rows kept behind count as CAP_COUNTS would count them once written (all queued now). */
static void
cap_counts_behind(StoreConn *conn, const char *recipient, gboolean hour, guint seen, StoreOutboxCounts *out)
{
  g_autofree char *to = recipient ? g_utf8_strdown(recipient, -1) : NULL;
  for (guint i = 0; i < store_behind_rows(conn, STORE_BEHIND_OUTBOX); i++) {
    guint gen = 0;
    const char *const *v =
      store_behind_row(conn, STORE_BEHIND_OUTBOX, i, &gen); /* STORE_OUTBOX_INSERT_TUPLE */
    if (gen && gen <= seen)
      continue; /* written before the counts were read: in them */
    gboolean counted = g_strcmp0(v[6], "pending") == 0;
    if (counted && to && v[2]) {
      g_autofree char *r = g_utf8_strdown(v[2], -1);
      out->recent_to += g_str_equal(r, to);
    }
    if (hour) {
      out->last_hour += counted;
      out->capped_last_hour = out->capped_last_hour || g_strcmp0(v[7], "global_cap") == 0;
    }
  }
}

gboolean
store_outbox_cap_counts(StoreConn *conn, const char *recipient, gboolean hour, StoreOutboxCounts *out,
                        GError **error)
{
  g_autoptr(StoreAhead) ahead = store_outbox_cap_counts_ahead(conn, recipient, hour, error);
  return ahead && store_outbox_cap_counts_take(conn, ahead, recipient, hour, out, error);
}

/* each part reads its own index (the recipient's, 065's partial ones): a few rows, not the outbox;
 * the hour's parts run only when asked. The rows kept behind are counted in the client. */
StoreAhead *
store_outbox_cap_counts_ahead(StoreConn *conn, const char *recipient, gboolean hour, GError **error)
{
  const char *one[] = { recipient ? recipient : "", NULL };
  return store_outbox_cap_counts_many_ahead(conn, one, hour, error);
}

StoreAhead *
store_outbox_cap_counts_many_ahead(StoreConn *conn, const char *const *recipients, gboolean hour,
                                   GError **error)
{
  g_autofree char *arr = store_text_array(recipients);
  const char *p[] = { arr, hour ? "t" : "f" };
  return store_send_ahead_passing(conn, CAP_COUNTS, 2, p, error);
}

gboolean
store_outbox_cap_counts_take(StoreConn *conn, StoreAhead *ahead, const char *recipient, gboolean hour,
                             StoreOutboxCounts *out, GError **error)
{
  g_autoptr(StoreAhead) again = NULL;
  /* converted once for the whole group read ahead, not once per mail of it */
  const StoreRows *rows = store_ahead_rows_kept(conn, ahead, error);
  if (!rows)
    return FALSE;
  gint i = cap_row(rows, recipient);
  if (i < 0) {
    /* not among the recipients read ahead */
    if (!(again = store_outbox_cap_counts_ahead(conn, recipient, hour, error)) ||
        !(rows = store_ahead_rows_kept(conn, again, error)))
      return FALSE;
    i = cap_row(rows, recipient);
    ahead = again;
  }
  if (i < 0) {
    g_set_error(error, STORE_ERROR, STORE_ERROR_QUERY, "no acknowledgement counts were read for %s",
                recipient ? recipient : "no recipient");
    return FALSE;
  }
  out->recent_to = store_rows_int(rows, (guint)i, 1);
  out->last_hour = store_rows_int(rows, (guint)i, 2);
  out->capped_last_hour = store_rows_int(rows, (guint)i, 3) > 0;
  cap_counts_behind(conn, recipient, hour, store_ahead_writes(ahead), out);
  return TRUE;
}

gboolean
store_order_flag(StoreConn *conn, gint64 order_id, const char *action, const char *note, GError **error)
{
  g_autofree char *id = g_strdup_printf("%" G_GINT64_FORMAT, order_id);
  g_autofree char *text = note ? g_utf8_make_valid(note, -1) : NULL;
  const char *p[] = { id, action, text };
  g_autoptr(StoreRows) rows = store_select(conn,
                                           "INSERT INTO intake.audit (order_id, actor, action, note)"
                                           " VALUES ($1::bigint, session_user, $2, $3) RETURNING id",
                                           3, p, error);
  return rows != NULL;
}

void
store_outbox_claim_free(StoreOutboxClaim *c)
{
  if (!c)
    return;
  g_free(c->message_id);
  g_free(c->recipient);
  g_strfreev(c->cc);
  g_clear_pointer(&c->data, g_bytes_unref);
  g_free(c->claim_token);
  g_free(c);
}

GPtrArray *
store_outbox_claim(StoreConn *conn, guint limit, guint lease_s, GError **error)
{
  g_autofree char *token = g_uuid_string_random();
  g_autofree char *lim = g_strdup_printf("%u", limit ? limit : 1);
  g_autofree char *lease = g_strdup_printf("%u", lease_s ? lease_s : 600);
  const char *p[] = { lim, token, lease };
  /* The expired leases: their sender stopped somewhere between claim and mark. Handed over (the end
   * of its data may have reached the SMTP server, which may have accepted it): resending could
   * deliver it twice — failed, for ops to decide; claim_token is kept so that a slow sender that did
   * deliver can still record `sent`. Not handed over: the server cannot have it — pending again (a
   * slow sender that goes on finds its claim gone at the hand-over and stops; blind round 20: 30 of
   * 33 "in doubt" had never left). */
  g_autoptr(PGresult) r = store_run_formats(
    conn,
    "WITH expired AS ("
    " UPDATE intake.outbox SET status = 'failed', lease_until = NULL,"
    " last_error = 'in doubt: delivery interrupted after attempt ' || attempts || ' (sender stopped while"
    " sending): the customer may have received it; check, then SELECT intake.resend_ack(order_no)'"
    " WHERE status = 'sending' AND lease_until < now() AND handed_at IS NOT NULL),"
    " back AS ("
    " UPDATE intake.outbox SET status = 'pending', lease_until = NULL, claim_token = NULL,"
    " last_error = 'attempt ' || attempts || ' stopped before the message was handed over (sender stopped):"
    " sent again'"
    " WHERE status = 'sending' AND lease_until < now() AND handed_at IS NULL)"
    " UPDATE intake.outbox o SET status = 'sending', attempts = o.attempts + 1, claim_token = $2,"
    " claimed_at = now(), handed_at = NULL, lease_until = now() + make_interval(secs => $3::int)"
    " WHERE o.id IN (SELECT id FROM intake.outbox WHERE status = 'pending' AND next_attempt_at <= now()"
    " ORDER BY next_attempt_at, id LIMIT $1::int FOR UPDATE SKIP LOCKED)"
    " RETURNING o.id, o.order_id, o.message_id, o.recipient, o.message, o.attempts, array_to_string(o.cc, "
    "',')",
    3, p, NULL, NULL, 0);
  if (!store_check(conn, r, PGRES_TUPLES_OK, error))
    return NULL;
  GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)store_outbox_claim_free);
  for (int i = 0; i < PQntuples(r); i++) {
    StoreOutboxClaim *c = g_new0(StoreOutboxClaim, 1);
    c->id = g_ascii_strtoll(PQgetvalue(r, i, 0), NULL, 10);
    c->order_id = g_ascii_strtoll(PQgetvalue(r, i, 1), NULL, 10);
    c->message_id = g_strdup(PQgetvalue(r, i, 2));
    c->recipient = g_strdup(PQgetvalue(r, i, 3));
    size_t n = 0;
    unsigned char *bytes = PQunescapeBytea((const unsigned char *)PQgetvalue(r, i, 4), &n);
    c->data = g_bytes_new(bytes, n);
    PQfreemem(bytes);
    c->attempts = (guint)g_ascii_strtoull(PQgetvalue(r, i, 5), NULL, 10);
    if (!PQgetisnull(r, i, 6) && *PQgetvalue(r, i, 6)) /* addresses hold no ',' (acks_address_usable) */
      c->cc = g_strsplit(PQgetvalue(r, i, 6), ",", -1);
    c->claim_token = g_strdup(token);
    g_ptr_array_add(out, c);
  }
  return out;
}

/* Runs an UPDATE … RETURNING status for the claim; FALSE with error when no row matched. */
static gboolean
mark(StoreConn *conn, const StoreOutboxClaim *c, const char *sql, int n, const char *const *p, char **status,
     GError **error)
{
  g_autoptr(StoreRows) rows = store_select(conn, sql, n, p, error);
  if (!rows)
    return FALSE;
  if (rows->rows->len != 1) {
    g_set_error(error, STORE_ERROR, STORE_ERROR_QUERY,
                "outbox row %" G_GINT64_FORMAT " is no longer claimed by this sender", c->id);
    return FALSE;
  }
  if (status)
    *status = g_strdup(((char **)g_ptr_array_index(rows->rows, 0))[0]);
  return TRUE;
}

gboolean
store_outbox_mark_handed(StoreConn *conn, const StoreOutboxClaim *c, GError **error)
{
  g_autofree char *id = g_strdup_printf("%" G_GINT64_FORMAT, c->id);
  const char *p[] = { id, c->claim_token };
  return mark(conn, c,
              "UPDATE intake.outbox SET handed_at = now() WHERE id = $1::bigint AND claim_token = $2"
              " AND status = 'sending' RETURNING status",
              2, p, NULL, error);
}

gboolean
store_outbox_mark_sent(StoreConn *conn, const StoreOutboxClaim *c, const char *smtp_reply, GError **error)
{
  g_autofree char *id = g_strdup_printf("%" G_GINT64_FORMAT, c->id);
  g_autofree char *reply = smtp_reply ? g_utf8_make_valid(smtp_reply, -1) : NULL;
  const char *p[] = { id, c->claim_token, reply };
  /* 'failed' too: a lease another sender expired while this one was delivering. */
  return mark(conn, c,
              "UPDATE intake.outbox SET status = 'sent', sent_at = now(), smtp_reply = $3,"
              " last_error = NULL, lease_until = NULL"
              " WHERE id = $1::bigint AND claim_token = $2 AND status IN ('sending', 'failed')"
              " RETURNING status",
              3, p, NULL, error);
}

/* The backoff as an int[] literal: "{1,5,15,60}". Caller frees. */
static char *
backoff_array(const guint *backoff_minutes, guint n_backoff)
{
  GString *b = g_string_new("{");
  for (guint i = 0; backoff_minutes && i < n_backoff; i++)
    g_string_append_printf(b, "%s%u", i ? "," : "", backoff_minutes[i]);
  if (!backoff_minutes || n_backoff == 0)
    g_string_append(b, STORE_OUTBOX_BACKOFF_DEFAULT);
  g_string_append_c(b, '}');
  return g_string_free(b, FALSE);
}

/* The marks of a failed attempt (retry, deferred, failed) share their parameters: $1 the claim's id,
 * $2 its token, then with limit (the attempts or age that ends the retries) $3 limit, $4 the error,
 * $5 the SMTP reply, $6 the backoff as int[]; without it $3 the error, $4 the reply. Texts are made
 * valid UTF-8. *gave_up (may be NULL) says whether the row ended 'failed'. */
static gboolean
mark_attempt(StoreConn *conn, const StoreOutboxClaim *c, const char *sql, const char *limit,
             const guint *backoff_minutes, guint n_backoff, const char *last_error, const char *smtp_reply,
             gboolean *gave_up, GError **error)
{
  g_autofree char *id = g_strdup_printf("%" G_GINT64_FORMAT, c->id);
  g_autofree char *err = last_error ? g_utf8_make_valid(last_error, -1) : NULL;
  g_autofree char *reply = smtp_reply ? g_utf8_make_valid(smtp_reply, -1) : NULL;
  g_autofree char *backoff = limit ? backoff_array(backoff_minutes, n_backoff) : NULL;
  const char *p[6] = { id, c->claim_token };
  int n = 2;
  if (limit)
    p[n++] = limit;
  p[n++] = err;
  p[n++] = reply;
  if (limit)
    p[n++] = backoff;
  g_autofree char *status = NULL;
  if (!mark(conn, c, sql, n, p, &status, error))
    return FALSE;
  if (gave_up)
    *gave_up = g_str_equal(status, "failed");
  return TRUE;
}

gboolean
store_outbox_mark_retry(StoreConn *conn, const StoreOutboxClaim *c, const char *last_error,
                        const char *smtp_reply, guint max_attempts, const guint *backoff_minutes,
                        guint n_backoff, gboolean *gave_up, GError **error)
{
  g_autofree char *max = g_strdup_printf("%u", max_attempts ? max_attempts : 5);
  return mark_attempt(
    conn, c,
    "UPDATE intake.outbox SET"
    " status = CASE WHEN attempts >= $3::int THEN 'failed' ELSE 'pending' END,"
    " next_attempt_at = now() + make_interval(mins => ($6::int[])[LEAST(attempts, "
    "cardinality($6::int[]))]),"
    " last_error = CASE WHEN attempts >= $3::int THEN 'gave up after ' || attempts || ' attempts: '"
    " ELSE '' END || $4, smtp_reply = $5, claim_token = NULL, lease_until = NULL"
    " WHERE id = $1::bigint AND claim_token = $2 AND status = 'sending' RETURNING status",
    max, backoff_minutes, n_backoff, last_error, smtp_reply, gave_up, error);
}

gboolean
store_outbox_mark_deferred(StoreConn *conn, const StoreOutboxClaim *c, const char *last_error,
                           const char *smtp_reply, guint max_age_s, const guint *backoff_minutes,
                           guint n_backoff, gboolean *gave_up, GError **error)
{
  g_autofree char *age = g_strdup_printf("%u", max_age_s ? max_age_s : STORE_OUTBOX_DEFER_MAX_AGE_S);
  /* The attempt claimed is given back (attempts - 1) and counted in deferrals; the clock is the
   * mail's arrival, or ops' resend_ack, whichever is later. The backoff goes on from the number of
   * failures so far (attempts + deferrals before this one). */
  return mark_attempt(
    conn, c,
    "WITH t AS (SELECT b.id, b.attempts + b.deferrals AS failures,"
    " greatest(o.received_at, b.resent_at) < now() - make_interval(secs => $3::int) AS expired"
    " FROM intake.outbox b JOIN intake.orders o ON o.id = b.order_id"
    " WHERE b.id = $1::bigint AND b.claim_token = $2 AND b.status = 'sending' FOR UPDATE OF b)"
    " UPDATE intake.outbox b SET attempts = greatest(b.attempts - 1, 0), deferrals = b.deferrals + 1,"
    " status = CASE WHEN t.expired THEN 'failed' ELSE 'pending' END,"
    " next_attempt_at = now() + make_interval(mins => ($6::int[])[least(greatest(t.failures, 1),"
    " cardinality($6::int[]))]),"
    " last_error = CASE WHEN t.expired THEN 'gave up: still undeliverable ' || ($3::int / 3600) ||"
    " ' h ([smtp] ack_max_age) after the mail arrived, ' || (b.deferrals + 1) || ' transient "
    "failures; last: '"
    " ELSE 'transient failure ' || (b.deferrals + 1) || ', retried: ' END || $4,"
    " smtp_reply = $5, claim_token = NULL, lease_until = NULL"
    " FROM t WHERE b.id = t.id RETURNING b.status",
    age, backoff_minutes, n_backoff, last_error, smtp_reply, gave_up, error);
}

gboolean
store_outbox_mark_failed(StoreConn *conn, const StoreOutboxClaim *c, const char *last_error,
                         const char *smtp_reply, GError **error)
{
  return mark_attempt(conn, c,
                      "UPDATE intake.outbox SET status = 'failed', last_error = $3, smtp_reply = $4,"
                      " claim_token = NULL, lease_until = NULL"
                      " WHERE id = $1::bigint AND claim_token = $2 AND status = 'sending' RETURNING status",
                      NULL, NULL, 0, last_error, smtp_reply, NULL, error);
}

gboolean
store_outbox_release(StoreConn *conn, const StoreOutboxClaim *c, GError **error)
{
  g_autofree char *id = g_strdup_printf("%" G_GINT64_FORMAT, c->id);
  const char *p[] = { id, c->claim_token };
  return mark(conn, c,
              "UPDATE intake.outbox SET status = 'pending', attempts = GREATEST(attempts - 1, 0),"
              " claim_token = NULL, lease_until = NULL"
              " WHERE id = $1::bigint AND claim_token = $2 AND status = 'sending' RETURNING status",
              2, p, NULL, error);
}

gboolean
store_outbox_counts(StoreConn *conn, gint64 *pending, gint64 *failed, GError **error)
{
  g_autoptr(StoreRows) rows = store_select(
    conn,
    "SELECT count(*) FILTER (WHERE status = 'pending'), count(*) FILTER (WHERE status = 'failed')"
    " FROM intake.outbox",
    0, NULL, error);
  if (!rows)
    return FALSE;
  *pending = store_rows_int(rows, 0, 0);
  *failed = store_rows_int(rows, 0, 1);
  return TRUE;
}

StoreRows *
store_ack_texts(StoreConn *conn, GError **error)
{
  return store_select(conn, "SELECT language, key, text FROM intake.ack_texts", 0, NULL, error);
}
