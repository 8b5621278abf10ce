/* store/behind.c: write-behind — a poll's new rows (the mail, its UID, its order, its acknowledgement)
 * kept in the connection and written as multi-row INSERTs (prepared, of 2^k rows) per table just before
 * the next statement that could read them, or COMMIT. PostgreSQL's per-statement work (executor start, a lock on each
 * index, constraint checks) is then paid once per batch of mails instead of once per row. */
#include "store-private.h"

#include <string.h>

/* Each table's INSERT: prefix, one tuple per row (its $1..$n renumbered), suffix. In the order the
 * rows are written: a row only refers to rows of the tables before it. */
static const struct {
  const char *prefix, *tuple, *suffix;
  int n;
  int binary; /* the parameter sent as binary bytea, or -1 */
} tables[STORE_BEHIND_TABLES] = {
  [STORE_BEHIND_MESSAGES] = { "INSERT INTO intake.messages (id, dedupe_key, message_id, sha256, from_addr,"
                              " from_display, subject, headers, raw, size, internal_date, parse_error,"
                              " parts, ignored_reason, body_text, attachments) VALUES ",
                              "($16::bigint, $1, $2, $3, $4, $5, $6, $7, $8::bytea, $9::integer,"
                              " $10::timestamptz, $11, $12::jsonb, $13, $14, $15::jsonb)",
                              "", 16, 7 },
  [STORE_BEHIND_UIDS] = { "INSERT INTO intake.mailbox_uids (mailbox_id, uidvalidity, uid, message_id) "
                          "VALUES ",
                          "($1::integer, $2::bigint, $3::bigint, $4::bigint)", " ON CONFLICT DO NOTHING", 4,
                          -1 },
  [STORE_BEHIND_ORDERS] = { STORE_ORDER_INSERT_PREFIX, STORE_ORDER_INSERT_TUPLE, STORE_ORDER_INSERT_SUFFIX,
                            STORE_ORDER_INSERT_N, -1 },
  [STORE_BEHIND_OUTBOX] = { STORE_OUTBOX_INSERT_PREFIX, STORE_OUTBOX_INSERT_TUPLE, "", STORE_OUTBOX_INSERT_N,
                            STORE_OUTBOX_INSERT_BINARY },
};

typedef struct {
  char **values; /* tables[t].n, NULL is SQL NULL; once written only the columns of `after` */
  int binary_len;
  guint gen; /* 0: kept; else the write (conn->behind_writes) that sent it */
} Row;

/* The columns a written row keeps (till store_behind_prune): what the look-ups and counts read. */
static gboolean
kept_after_write(int t, int column)
{
  switch (t) {
    case STORE_BEHIND_MESSAGES:
      return column == 0 || column == 1; /* dedupe key, Message-ID */
    case STORE_BEHIND_ORDERS:
      return column == 0 || column == 34; /* number, id */
    case STORE_BEHIND_OUTBOX:             /* order, Message-ID, recipient, status, reason */
      return column == 0 || column == 1 || column == 2 || column == 6 || column == 7;
    default:
      return FALSE;
  }
}

struct StoreBehind {
  GPtrArray *rows[STORE_BEHIND_TABLES]; /* Row*: those written first (written[t] of them), then kept */
  guint written[STORE_BEHIND_TABLES];
  guint mark[STORE_BEHIND_TABLES];    /* rows when the open unit began */
  gsize bytes;                        /* what the kept rows hold, about */
  char *sql[STORE_BEHIND_TABLES][17]; /* [t][k]: the INSERT of 2^k rows of table t, made once */
};

static void
row_free(Row *row, int n)
{
  for (int i = 0; i < n; i++)
    g_free(row->values[i]);
  g_free(row->values);
  g_free(row);
}

/* as store_behind_add counts them */
static gsize
row_bytes(const Row *row, int t)
{
  gsize bytes = 0;
  for (int i = 0; i < tables[t].n; i++)
    if (row->values[i])
      bytes += i == tables[t].binary ? (gsize)row->binary_len : strlen(row->values[i]);
  return bytes;
}

static guint
rows_len(StoreConn *conn, int t)
{
  return conn->behind && conn->behind->rows[t] ? conn->behind->rows[t]->len : 0;
}

/* bytes of the rows kept, not written */
static void
recount(StoreBehind *b)
{
  b->bytes = 0;
  for (int t = 0; t < STORE_BEHIND_TABLES; t++)
    for (guint i = b->written[t]; b->rows[t] && i < b->rows[t]->len; i++)
      b->bytes += row_bytes(g_ptr_array_index(b->rows[t], i), t);
}

static void
rows_truncate(StoreBehind *b, int t, guint len)
{
  GPtrArray *rows = b->rows[t];
  while (rows && rows->len > len)
    row_free(g_ptr_array_steal_index(rows, rows->len - 1), tables[t].n);
  b->written[t] = MIN(b->written[t], len);
}

static StoreBehind *
behind(StoreConn *conn)
{
  if (!conn->behind)
    conn->behind = g_new0(StoreBehind, 1);
  return conn->behind;
}

gboolean
store_behind_failed(StoreConn *conn)
{
  return conn->behind_failed;
}

const char *
store_behind_failure(StoreConn *conn)
{
  return conn->behind_failed ? conn->behind_why : NULL;
}

void
store_behind_set(StoreConn *conn, gboolean on)
{
  conn->behind_on = on;
}

gboolean
store_behind_on(StoreConn *conn)
{
  return conn->behind_on && conn->numbers != NULL; /* only inside a store_begin transaction */
}

void
store_behind_add(StoreConn *conn, StoreBehindTable t, const char *const *values, int binary_len)
{
  StoreBehind *b = behind(conn);
  if (!b->rows[t])
    b->rows[t] = g_ptr_array_new();
  Row *row = g_new0(Row, 1);
  row->values = g_new0(char *, tables[t].n);
  for (int i = 0; i < tables[t].n; i++) {
    if (!values[i])
      continue;
    gsize len = i == tables[t].binary ? (gsize)binary_len : strlen(values[i]);
    row->values[i] = g_malloc(len + 1);
    memcpy(row->values[i], values[i], len);
    row->values[i][len] = '\0';
    b->bytes += len;
  }
  row->binary_len = binary_len;
  g_ptr_array_add(b->rows[t], row);
}

gsize
store_behind_bytes(StoreConn *conn)
{
  return conn->behind ? conn->behind->bytes : 0;
}

gboolean
store_behind_pending(StoreConn *conn)
{
  if (!conn->behind)
    return FALSE;
  for (int t = 0; t < STORE_BEHIND_TABLES; t++)
    if (rows_len(conn, t) > conn->behind->written[t])
      return TRUE;
  return FALSE;
}

const char *const *
store_behind_row(StoreConn *conn, StoreBehindTable t, guint i, guint *gen)
{
  if (i >= rows_len(conn, t))
    return NULL;
  const Row *row = g_ptr_array_index(conn->behind->rows[t], i);
  if (gen)
    *gen = row->gen;
  return (const char *const *)row->values;
}

const char *const *
store_behind_find(StoreConn *conn, StoreBehindTable t, int column, const char *value)
{
  for (guint i = rows_len(conn, t); i-- > 0;) {
    const Row *row = g_ptr_array_index(conn->behind->rows[t], i);
    if (g_strcmp0(row->values[column], value) == 0)
      return (const char *const *)row->values;
  }
  return NULL;
}

gboolean
store_behind_has(StoreConn *conn, StoreBehindTable t, int column, const char *value)
{
  return store_behind_find(conn, t, column, value) != NULL;
}

guint
store_behind_count(StoreConn *conn, StoreBehindTable t)
{
  return rows_len(conn, t) - (conn->behind ? conn->behind->written[t] : 0);
}

guint
store_behind_rows(StoreConn *conn, StoreBehindTable t)
{
  return rows_len(conn, t);
}

void
store_behind_note(StoreConn *conn, StoreBehindTable t, const char *const *values)
{
  if (store_behind_pending(conn))
    return; /* cannot be: the statement that wrote it wrote the kept rows first */
  g_autofree const char **kept = g_new0(const char *, tables[t].n);
  for (int c = 0; c < tables[t].n; c++)
    kept[c] = kept_after_write(t, c) ? values[c] : NULL;
  store_behind_add(conn, t, kept, 0);
  StoreBehind *b = conn->behind;
  ((Row *)g_ptr_array_index(b->rows[t], b->rows[t]->len - 1))->gen = ++conn->behind_writes;
  b->written[t] = b->rows[t]->len;
  recount(b);
}

void
store_behind_mark(StoreConn *conn)
{
  if (!conn->behind)
    return;
  for (int t = 0; t < STORE_BEHIND_TABLES; t++)
    conn->behind->mark[t] = rows_len(conn, t);
}

void
store_behind_restore(StoreConn *conn)
{
  if (!conn->behind)
    return;
  for (int t = 0; t < STORE_BEHIND_TABLES; t++)
    rows_truncate(conn->behind, t, conn->behind->mark[t]);
  recount(conn->behind);
}

void
store_behind_clear(StoreConn *conn)
{
  if (!conn->behind)
    return;
  for (int t = 0; t < STORE_BEHIND_TABLES; t++) {
    rows_truncate(conn->behind, t, 0);
    g_clear_pointer(&conn->behind->rows[t], g_ptr_array_unref);
    conn->behind->mark[t] = 0;
  }
  conn->behind->bytes = 0;
}

void
store_behind_prune(StoreConn *conn)
{
  StoreBehind *b = conn->behind;
  if (!b)
    return;
  for (int t = 0; t < STORE_BEHIND_TABLES; t++) {
    for (guint i = 0; i < b->written[t]; i++)
      row_free(g_ptr_array_index(b->rows[t], i), tables[t].n);
    if (b->written[t])
      g_ptr_array_remove_range(b->rows[t], 0, b->written[t]);
    b->mark[t] = b->mark[t] > b->written[t] ? b->mark[t] - b->written[t] : 0;
    b->written[t] = 0;
  }
}

void
store_behind_free(StoreConn *conn)
{
  store_behind_clear(conn);
  for (int t = 0; conn->behind && t < STORE_BEHIND_TABLES; t++)
    for (guint k = 0; k < G_N_ELEMENTS(conn->behind->sql[t]); k++)
      g_free(conn->behind->sql[t][k]);
  g_clear_pointer(&conn->behind, g_free);
}

/* tuple with each $k as $(k + offset) */
static void
tuple_append(GString *sql, const char *tuple, int offset)
{
  for (const char *s = tuple; *s;) {
    if (*s == '$' && g_ascii_isdigit(s[1])) {
      char *end = NULL;
      guint64 k = g_ascii_strtoull(s + 1, &end, 10);
      g_string_append_printf(sql, "$%" G_GUINT64_FORMAT, k + (guint64)offset);
      s = end;
    } else {
      g_string_append_c(sql, *s++);
    }
  }
}

/* The INSERT of 2^k rows of table t (made the first time, then kept). */
static const char *
insert_sql(StoreBehind *b, int t, guint k)
{
  if (b->sql[t][k])
    return b->sql[t][k];
  GString *sql = g_string_new(tables[t].prefix);
  for (guint i = 0; i < 1u << k; i++) {
    if (i)
      g_string_append(sql, ", ");
    tuple_append(sql, tables[t].tuple, tables[t].n * (int)i);
  }
  g_string_append(sql, tables[t].suffix);
  return b->sql[t][k] = g_string_free(sql, FALSE);
}

/* Sends the INSERT of the 2^k rows of table t from `from` ahead; its error is marked as the rows'. */
static gboolean
send_rows(StoreConn *conn, int t, guint from, guint k, GError **error)
{
  guint to = from + (1u << k);
  int n = tables[t].n, total = n * (int)(to - from);
  g_autofree const char **values = g_new0(const char *, total);
  g_autofree int *lengths = g_new0(int, total);
  g_autofree int *formats = g_new0(int, total);
  for (guint i = from; i < to; i++) {
    const Row *row = g_ptr_array_index(conn->behind->rows[t], i);
    int off = n * (int)(i - from);
    for (int j = 0; j < n; j++)
      values[off + j] = row->values[j];
    if (tables[t].binary >= 0) {
      lengths[off + tables[t].binary] = row->binary_len;
      formats[off + tables[t].binary] = 1;
    }
  }
  return store_send_behind(conn, insert_sql(conn->behind, t, k), total, values, lengths, formats, error);
}

/* Every table's rows [from[t], to[t]) in statements of 2^k rows, the largest first (13 rows: 8, 4, 1),
 * each at most what libpq's 65,535 parameters allow: a few shapes per table, so each is prepared once
 * per connection (parsing, analysing and planning a multi-row INSERT anew each time was a tenth of
 * PostgreSQL's work in a poll). */
static gboolean
send_range(StoreConn *conn, const guint *from, const guint *to, GError **error)
{
  for (int t = 0; t < STORE_BEHIND_TABLES; t++) {
    guint most = 0; /* 2^most rows at most */
    while (2u << most <= 65535u / (guint)tables[t].n)
      most++;
    for (guint i = from[t]; i < to[t];) {
      guint k = most;
      while (1u << k > to[t] - i)
        k--;
      if (!send_rows(conn, t, i, k, error))
        return FALSE;
      i += 1u << k;
    }
  }
  return TRUE;
}

gboolean
store_behind_write(StoreConn *conn, gboolean to_mark, GError **error)
{
  if (!store_behind_pending(conn))
    return TRUE;
  StoreBehind *b = conn->behind;
  guint upto[STORE_BEHIND_TABLES];
  gboolean any = FALSE;
  for (int t = 0; t < STORE_BEHIND_TABLES; t++) {
    upto[t] = MAX(to_mark ? b->mark[t] : rows_len(conn, t), b->written[t]);
    any = any || upto[t] > b->written[t];
  }
  if (!any)
    return TRUE;
  gboolean ok = send_range(conn, b->written, upto, error);
  guint gen = ++conn->behind_writes;
  for (int t = 0; t < STORE_BEHIND_TABLES; t++) { /* written: only what the look-ups read is kept */
    for (guint i = b->written[t]; i < upto[t]; i++) {
      Row *row = g_ptr_array_index(b->rows[t], i);
      row->gen = gen;
      for (int c = 0; c < tables[t].n; c++)
        if (!kept_after_write(t, c))
          g_clear_pointer(&row->values[c], g_free);
    }
    b->written[t] = upto[t];
  }
  recount(b);
  return ok;
}
