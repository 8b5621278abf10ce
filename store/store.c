/* store: PostgreSQL access for intake — connection, migrations, locks, mailboxes, messages, orders. */
#include "store.h"

#include <string.h>

G_DEFINE_QUARK(store - error - quark, store_error)

struct StoreConn {
  PGconn *pg;
};

G_DEFINE_AUTOPTR_CLEANUP_FUNC(PGresult, PQclear)

/* libpq messages end with a newline and may span lines; keep the first line, which names the cause. */
static char *
first_line(const char *msg)
{
  if (!msg || !*msg)
    return g_strdup("unknown error");
  const char *nl = strchr(msg, '\n');
  return nl ? g_strndup(msg, (gsize)(nl - msg)) : g_strdup(msg);
}

static gboolean
check_result(StoreConn *conn, PGresult *res, ExecStatusType want, GError **error)
{
  if (res && PQresultStatus(res) == want)
    return TRUE;
  g_autofree char *msg = first_line(res ? PQresultErrorMessage(res) : PQerrorMessage(conn->pg));
  if (!*msg || g_str_equal(msg, "unknown error")) {
    g_free(msg);
    msg = first_line(PQerrorMessage(conn->pg));
  }
  if (PQstatus(conn->pg) == CONNECTION_BAD)
    g_set_error(error, STORE_ERROR, STORE_ERROR_CONNECT, "PostgreSQL connection lost: %s", msg);
  else
    g_set_error(error, STORE_ERROR, STORE_ERROR_QUERY, "%s", msg);
  return FALSE;
}

static PGresult *
exec_params(StoreConn *conn, const char *sql, int n, const char *const *params)
{
  return PQexecParams(conn->pg, sql, n, NULL, params, NULL, NULL, 0);
}

StoreConn *
store_connect(const char *conninfo, GError **error)
{
  PGconn *pg = PQconnectdb(conninfo ? conninfo : "");
  if (PQstatus(pg) != CONNECTION_OK) {
    /* libpq's message names host/socket and cause but never the password. */
    g_autofree char *msg = first_line(PQerrorMessage(pg));
    g_set_error(error, STORE_ERROR, STORE_ERROR_CONNECT, "cannot connect to PostgreSQL: %s", msg);
    PQfinish(pg);
    return NULL;
  }
  StoreConn *conn = g_new0(StoreConn, 1);
  conn->pg = pg;
  g_autoptr(PGresult) r = PQexec(
    pg, "SET client_encoding = 'UTF8'; SET TIME ZONE 'Asia/Shanghai'; SET client_min_messages = warning");
  if (!check_result(conn, r, PGRES_COMMAND_OK, error)) {
    store_close(conn);
    return NULL;
  }
  return conn;
}

void
store_close(StoreConn *conn)
{
  if (!conn)
    return;
  PQfinish(conn->pg);
  g_free(conn);
}

PGconn *
store_conn_pg(StoreConn *conn)
{
  return conn->pg;
}

gboolean
store_exec(StoreConn *conn, const char *sql, int nparams, const char *const *params, GError **error)
{
  /* Without parameters, PQexec: it also takes several statements (migration set-up). */
  g_autoptr(PGresult) r = nparams ? exec_params(conn, sql, nparams, params) : PQexec(conn->pg, sql);
  if (r && PQresultStatus(r) == PGRES_TUPLES_OK)
    return TRUE;
  return check_result(conn, r, PGRES_COMMAND_OK, error);
}

gboolean
store_begin(StoreConn *conn, GError **error)
{
  return store_exec(conn, "BEGIN", 0, NULL, error);
}

gboolean
store_commit(StoreConn *conn, GError **error)
{
  return store_exec(conn, "COMMIT", 0, NULL, error);
}

void
store_rollback(StoreConn *conn)
{
  if (PQstatus(conn->pg) == CONNECTION_OK && PQtransactionStatus(conn->pg) != PQTRANS_IDLE) {
    PGresult *r = PQexec(conn->pg, "ROLLBACK");
    PQclear(r);
  }
}

gboolean
store_lock_try(StoreConn *conn, const char *key, GError **error)
{
  const char *p[] = { key };
  g_autoptr(PGresult) r = exec_params(conn, "SELECT pg_try_advisory_lock(hashtextextended($1, 0))", 1, p);
  if (!check_result(conn, r, PGRES_TUPLES_OK, error))
    return FALSE;
  if (g_str_equal(PQgetvalue(r, 0, 0), "t"))
    return TRUE;
  g_set_error(error, STORE_ERROR, STORE_ERROR_BUSY, "another process holds the lock on %s", key);
  return FALSE;
}

StoreRows *
store_select(StoreConn *conn, const char *sql, int nparams, const char *const *params, GError **error)
{
  g_autoptr(PGresult) r = exec_params(conn, sql, nparams, params);
  if (!check_result(conn, r, PGRES_TUPLES_OK, error))
    return NULL;
  StoreRows *rows = g_new0(StoreRows, 1);
  rows->ncols = (guint)PQnfields(r);
  rows->columns = g_new0(char *, rows->ncols + 1);
  for (guint c = 0; c < rows->ncols; c++)
    rows->columns[c] = g_strdup(PQfname(r, (int)c));
  rows->rows = g_ptr_array_new_full((guint)PQntuples(r), NULL);
  for (int i = 0; i < PQntuples(r); i++) {
    /* NULL values inside a GStrv would end it early for g_strfreev: free by count instead */
    char **row = g_new0(char *, rows->ncols + 1);
    for (guint c = 0; c < rows->ncols; c++)
      row[c] = PQgetisnull(r, i, (int)c) ? NULL : g_strdup(PQgetvalue(r, i, (int)c));
    g_ptr_array_add(rows->rows, row);
  }
  return rows;
}

void
store_rows_free(StoreRows *rows)
{
  if (!rows)
    return;
  for (guint i = 0; i < rows->rows->len; i++) {
    char **row = g_ptr_array_index(rows->rows, i);
    for (guint c = 0; c < rows->ncols; c++)
      g_free(row[c]);
    g_free(row);
  }
  g_ptr_array_unref(rows->rows);
  g_strfreev(rows->columns);
  g_free(rows);
}

gboolean
store_lock_release(StoreConn *conn, const char *key, GError **error)
{
  const char *p[] = { key };
  return store_exec(conn, "SELECT pg_advisory_unlock(hashtextextended($1, 0))", 1, p, error);
}

/* ---- migrations ---- */

static gint
compare_names(gconstpointer a, gconstpointer b)
{
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static gboolean
valid_identifier(const char *s)
{
  if (!s || !*s || strlen(s) > 63)
    return FALSE;
  for (const char *c = s; *c; c++)
    if (!(g_ascii_isalnum(*c) || *c == '_'))
      return FALSE;
  return !g_ascii_isdigit(*s);
}

/* COPY one seed file into intake.TABLE; its header line names the columns. Comment (#) and blank
 * lines are skipped, so the seed files can explain themselves. */
static gboolean
copy_seed(StoreConn *conn, const char *sql_dir, const char *table, GError **error)
{
  if (!valid_identifier(table)) {
    g_set_error(error, STORE_ERROR, STORE_ERROR_MIGRATION, "bad seed table name '%s'", table);
    return FALSE;
  }
  g_autofree char *path = g_strdup_printf("%s/seed/%s.tsv", sql_dir, table);
  g_autofree char *text = NULL;
  gsize len = 0;
  if (!g_file_get_contents(path, &text, &len, error)) {
    g_prefix_error(error, "seed %s: ", table);
    return FALSE;
  }
  if (!g_utf8_validate(text, (gssize)len, NULL)) {
    g_set_error(error, STORE_ERROR, STORE_ERROR_MIGRATION, "seed %s: not UTF-8", path);
    return FALSE;
  }
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  g_autoptr(GString) body = g_string_new(NULL);
  const char *header = NULL;
  for (guint i = 0; lines[i]; i++) {
    char *line = lines[i];
    gsize l = strlen(line);
    if (l && line[l - 1] == '\r')
      line[--l] = '\0';
    if (l == 0 || line[0] == '#')
      continue;
    if (!header) {
      header = line;
      continue;
    }
    g_string_append_len(body, line, (gssize)l);
    g_string_append_c(body, '\n');
  }
  if (!header) {
    g_set_error(error, STORE_ERROR, STORE_ERROR_MIGRATION, "seed %s: no header line", path);
    return FALSE;
  }
  g_auto(GStrv) cols = g_strsplit(header, "\t", -1);
  g_autoptr(GString) sql = g_string_new(NULL);
  g_string_append_printf(sql, "COPY intake.%s (", table);
  for (guint i = 0; cols[i]; i++) {
    g_strstrip(cols[i]);
    if (!valid_identifier(cols[i])) {
      g_set_error(error, STORE_ERROR, STORE_ERROR_MIGRATION, "seed %s: bad column name '%s'", path, cols[i]);
      return FALSE;
    }
    g_string_append_printf(sql, "%s%s", i ? ", " : "", cols[i]);
  }
  /* CSV with tab delimiter: an empty field is NULL; no quoting in the seed files. */
  g_string_append(sql, ") FROM STDIN WITH (FORMAT csv, DELIMITER E'\\t', QUOTE E'\\x01')");
  {
    g_autoptr(PGresult) r = PQexec(conn->pg, sql->str);
    if (!check_result(conn, r, PGRES_COPY_IN, error)) {
      g_prefix_error(error, "seed %s: ", table);
      return FALSE;
    }
  }
  if (PQputCopyData(conn->pg, body->str, (int)body->len) != 1 || PQputCopyEnd(conn->pg, NULL) != 1) {
    g_autofree char *msg = first_line(PQerrorMessage(conn->pg));
    g_set_error(error, STORE_ERROR, STORE_ERROR_MIGRATION, "seed %s: %s", table, msg);
    return FALSE;
  }
  g_autoptr(PGresult) r = PQgetResult(conn->pg);
  gboolean ok = check_result(conn, r, PGRES_COMMAND_OK, error);
  /* drain */
  PGresult *extra;
  while ((extra = PQgetResult(conn->pg)))
    PQclear(extra);
  if (!ok)
    g_prefix_error(error, "seed %s: ", path);
  return ok;
}

static gboolean
apply_migration(StoreConn *conn, const char *sql_dir, const char *name, GError **error)
{
  g_autofree char *path = g_build_filename(sql_dir, name, NULL);
  g_autofree char *text = NULL;
  if (!g_file_get_contents(path, &text, NULL, error))
    return FALSE;
  if (!store_begin(conn, error))
    return FALSE;
  g_autoptr(PGresult) r = PQexec(conn->pg, text);
  if (!check_result(conn, r, PGRES_COMMAND_OK, error) &&
      !(r && PQresultStatus(r) == PGRES_TUPLES_OK && (g_clear_error(error), TRUE))) {
    g_prefix_error(error, "%s: ", name);
    store_rollback(conn);
    return FALSE;
  }
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  for (guint i = 0; lines[i]; i++) {
    const char *l = lines[i];
    if (g_str_has_prefix(l, "-- intake:seed ")) {
      g_autofree char *table = g_strstrip(g_strdup(l + strlen("-- intake:seed ")));
      if (!copy_seed(conn, sql_dir, table, error)) {
        g_prefix_error(error, "%s: ", name);
        store_rollback(conn);
        return FALSE;
      }
    }
  }
  const char *p[] = { name };
  if (!store_exec(conn, "INSERT INTO intake.schema_migrations (name) VALUES ($1)", 1, p, error) ||
      !store_commit(conn, error)) {
    g_prefix_error(error, "%s: ", name);
    store_rollback(conn);
    return FALSE;
  }
  return TRUE;
}

gboolean
store_migrate(StoreConn *conn, const char *sql_dir, guint *applied, GError **error)
{
  *applied = 0;
  g_autoptr(GDir) dir = g_dir_open(sql_dir, 0, error);
  if (!dir) {
    g_prefix_error(error, "migrations: ");
    return FALSE;
  }
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
  const char *n;
  while ((n = g_dir_read_name(dir))) {
    if (g_str_has_suffix(n, ".sql") && g_ascii_isdigit(n[0]))
      g_ptr_array_add(names, g_strdup(n));
  }
  g_ptr_array_sort(names, compare_names);

  /* Two migrating processes at once: the second waits, then finds nothing left to do. */
  if (!store_exec(conn, "SELECT pg_advisory_lock(hashtextextended('intake.migrate', 0))", 0, NULL, error))
    return FALSE;
  gboolean ok = store_exec(conn,
                           "CREATE SCHEMA IF NOT EXISTS intake;"
                           "CREATE TABLE IF NOT EXISTS intake.schema_migrations ("
                           " name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());"
                           "COMMENT ON TABLE intake.schema_migrations IS "
                           "'sql/ migration files applied by intake db migrate'",
                           0, NULL, error);
  for (guint i = 0; ok && i < names->len; i++) {
    const char *name = g_ptr_array_index(names, i);
    const char *p[] = { name };
    g_autoptr(PGresult) r = exec_params(conn, "SELECT 1 FROM intake.schema_migrations WHERE name = $1", 1, p);
    if (!check_result(conn, r, PGRES_TUPLES_OK, error)) {
      ok = FALSE;
      break;
    }
    if (PQntuples(r) > 0)
      continue;
    if (!apply_migration(conn, sql_dir, name, error)) {
      ok = FALSE;
      break;
    }
    (*applied)++;
  }
  PGresult *u = PQexec(conn->pg, "SELECT pg_advisory_unlock(hashtextextended('intake.migrate', 0))");
  PQclear(u);
  return ok;
}

/* ---- mailboxes ---- */

gboolean
store_mailbox_get(StoreConn *conn, const char *name, StoreMailbox *out, GError **error)
{
  const char *p[] = { name };
  g_autoptr(PGresult) r =
    exec_params(conn,
                "WITH ins AS (INSERT INTO intake.mailboxes (name) VALUES ($1) ON CONFLICT (name) DO NOTHING"
                " RETURNING id, uidvalidity, last_uid)"
                " SELECT id, uidvalidity, last_uid FROM ins"
                " UNION ALL SELECT id, uidvalidity, last_uid FROM intake.mailboxes WHERE name = $1",
                1, p);
  if (!check_result(conn, r, PGRES_TUPLES_OK, error))
    return FALSE;
  if (PQntuples(r) < 1) {
    g_set_error(error, STORE_ERROR, STORE_ERROR_QUERY, "mailbox row for %s not found", name);
    return FALSE;
  }
  out->id = atoi(PQgetvalue(r, 0, 0));
  out->uidvalidity = PQgetisnull(r, 0, 1) ? -1 : g_ascii_strtoll(PQgetvalue(r, 0, 1), NULL, 10);
  out->last_uid = g_ascii_strtoll(PQgetvalue(r, 0, 2), NULL, 10);
  return TRUE;
}

gboolean
store_mailbox_set_uidvalidity(StoreConn *conn, StoreMailbox *mailbox, gint64 uidvalidity, GError **error)
{
  g_autofree char *id = g_strdup_printf("%d", mailbox->id);
  g_autofree char *uv = g_strdup_printf("%" G_GINT64_FORMAT, uidvalidity);
  const char *p[] = { id, uv };
  if (!store_exec(conn,
                  "UPDATE intake.mailboxes SET uidvalidity = $2, last_uid = 0, updated_at = now()"
                  " WHERE id = $1",
                  2, p, error))
    return FALSE;
  mailbox->uidvalidity = uidvalidity;
  mailbox->last_uid = 0;
  return TRUE;
}

gboolean
store_mailbox_record_success(StoreConn *conn, gint mailbox_id, GError **error)
{
  g_autofree char *id = g_strdup_printf("%d", mailbox_id);
  const char *p[] = { id };
  return store_exec(
    conn, "UPDATE intake.mailboxes SET last_success = now(), updated_at = now() WHERE id = $1", 1, p, error);
}

void
store_mailbox_record_error(StoreConn *conn, gint mailbox_id, const char *message)
{
  if (!conn || PQstatus(conn->pg) != CONNECTION_OK)
    return;
  store_rollback(conn);
  g_autofree char *id = g_strdup_printf("%d", mailbox_id);
  const char *p[] = { id, message };
  g_autoptr(GError) ignored = NULL;
  store_exec(conn,
             "UPDATE intake.mailboxes SET last_error = $2, last_error_at = now(), updated_at = now()"
             " WHERE id = $1",
             2, p, &ignored);
}

GArray *
store_mailbox_unmarked(StoreConn *conn, const StoreMailbox *mailbox, GError **error)
{
  g_autofree char *id = g_strdup_printf("%d", mailbox->id);
  g_autofree char *uv = g_strdup_printf("%" G_GINT64_FORMAT, mailbox->uidvalidity);
  const char *p[] = { id, uv };
  g_autoptr(PGresult) r = exec_params(conn,
                                      "SELECT uid FROM intake.mailbox_uids WHERE mailbox_id = $1"
                                      " AND uidvalidity = $2 AND marked_at IS NULL ORDER BY uid",
                                      2, p);
  if (!check_result(conn, r, PGRES_TUPLES_OK, error))
    return NULL;
  GArray *uids = g_array_new(FALSE, FALSE, sizeof(guint32));
  for (int i = 0; i < PQntuples(r); i++) {
    guint32 uid = (guint32)g_ascii_strtoull(PQgetvalue(r, i, 0), NULL, 10);
    g_array_append_val(uids, uid);
  }
  return uids;
}

gboolean
store_mailbox_mark_done(StoreConn *conn, const StoreMailbox *mailbox, const guint32 *uids, guint n,
                        GError **error)
{
  if (n == 0)
    return TRUE;
  g_autoptr(GString) arr = g_string_new("{");
  for (guint i = 0; i < n; i++)
    g_string_append_printf(arr, "%s%u", i ? "," : "", uids[i]);
  g_string_append_c(arr, '}');
  g_autofree char *id = g_strdup_printf("%d", mailbox->id);
  g_autofree char *uv = g_strdup_printf("%" G_GINT64_FORMAT, mailbox->uidvalidity);
  const char *p[] = { id, uv, arr->str };
  return store_exec(conn,
                    "UPDATE intake.mailbox_uids SET marked_at = now() WHERE mailbox_id = $1"
                    " AND uidvalidity = $2 AND uid = ANY($3::bigint[]) AND marked_at IS NULL",
                    3, p, error);
}

/* ---- messages ---- */

static char *
format_ts(GDateTime *t)
{
  return t ? g_date_time_format_iso8601(t) : NULL;
}

static gsize
header_block_len(const char *data, gsize len)
{
  for (gsize i = 0; i + 1 < len; i++) {
    if (data[i] == '\n' && data[i + 1] == '\n')
      return i + 1;
    if (data[i] == '\n' && data[i + 1] == '\r' && i + 2 < len && data[i + 2] == '\n')
      return i + 1;
  }
  return len;
}

/* Text columns must be valid UTF-8 without NUL; raw 8-bit headers are kept exactly in raw. */
static char *
text_safe(const char *s, gssize len)
{
  if (!s)
    return NULL;
  /* embedded NULs are invalid for g_utf8_validate_len and so become U+FFFD */
  return g_utf8_make_valid(s, len);
}

gboolean
store_message_insert(StoreConn *conn, const StoreMailbox *mailbox, const StoreIncoming *in, StoreIngest *out,
                     GError **error)
{
  g_autofree char *sha = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)in->data, in->len);
  g_autofree char *size = g_strdup_printf("%" G_GSIZE_FORMAT, in->len);
  g_autofree char *idate = format_ts(in->internal_date);
  gsize hlen = header_block_len(in->data, in->len);
  g_autofree char *headers = text_safe(in->data, (gssize)hlen);
  g_autofree char *dedupe = text_safe(in->dedupe_key, -1);
  g_autofree char *mid = text_safe(in->message_id, -1);
  g_autofree char *from = text_safe(in->from_addr, -1);
  g_autofree char *fromd = text_safe(in->from_display, -1);
  g_autofree char *subject = text_safe(in->subject, -1);

  const char *p[] = { dedupe,
                      mid,
                      sha,
                      from,
                      fromd,
                      subject,
                      headers,
                      in->data,
                      size,
                      idate,
                      in->parse_error,
                      in->parts_json,
                      in->ignored_reason };
  int lengths[13] = { 0 };
  int formats[13] = { 0 };
  lengths[7] = (int)in->len;
  formats[7] = 1; /* raw as binary bytea */
  g_autoptr(PGresult) r = PQexecParams(
    conn->pg,
    "INSERT INTO intake.messages (dedupe_key, message_id, sha256, from_addr, from_display, subject,"
    " headers, raw, size, internal_date, parse_error, parts, ignored_reason)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb, $13)"
    " ON CONFLICT (dedupe_key) DO NOTHING RETURNING id",
    13, NULL, p, lengths, formats, 0);
  if (!check_result(conn, r, PGRES_TUPLES_OK, error))
    return FALSE;
  if (PQntuples(r) == 1) {
    out->duplicate = FALSE;
    out->message_row = g_ascii_strtoll(PQgetvalue(r, 0, 0), NULL, 10);
  } else {
    out->duplicate = TRUE;
    const char *q[] = { dedupe };
    g_autoptr(PGresult) r2 = exec_params(conn, "SELECT id FROM intake.messages WHERE dedupe_key = $1", 1, q);
    if (!check_result(conn, r2, PGRES_TUPLES_OK, error))
      return FALSE;
    if (PQntuples(r2) != 1) {
      g_set_error(error, STORE_ERROR, STORE_ERROR_QUERY, "message %s vanished", dedupe);
      return FALSE;
    }
    out->message_row = g_ascii_strtoll(PQgetvalue(r2, 0, 0), NULL, 10);
  }
  g_autofree char *mbid = g_strdup_printf("%d", mailbox->id);
  g_autofree char *uv = g_strdup_printf("%" G_GINT64_FORMAT, mailbox->uidvalidity);
  g_autofree char *uid = g_strdup_printf("%u", in->uid);
  g_autofree char *row = g_strdup_printf("%" G_GINT64_FORMAT, out->message_row);
  const char *u[] = { mbid, uv, uid, row };
  return store_exec(conn,
                    "WITH u AS (INSERT INTO intake.mailbox_uids (mailbox_id, uidvalidity, uid, message_id)"
                    " VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING)"
                    " UPDATE intake.mailboxes SET last_uid = GREATEST(last_uid, $3), updated_at = now()"
                    " WHERE id = $1 AND uidvalidity = $2",
                    4, u, error);
}

/* ---- orders ---- */

char *
store_text_array(const char *const *v)
{
  g_autoptr(GString) s = g_string_new("{");
  for (guint i = 0; v && v[i]; i++) {
    g_string_append(s, i ? ",\"" : "\"");
    for (const char *c = v[i]; *c; c++) {
      if (*c == '"' || *c == '\\')
        g_string_append_c(s, '\\');
      g_string_append_c(s, *c);
    }
    g_string_append_c(s, '"');
  }
  g_string_append_c(s, '}');
  return g_string_free(g_steal_pointer(&s), FALSE);
}

char *
store_order_insert(StoreConn *conn, const StoreOrder *o, gint64 *order_id, GError **error)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier("Asia/Shanghai");
  if (!tz)
    tz = g_time_zone_new_offset(8 * 3600);
  g_autoptr(GDateTime) local = g_date_time_to_timezone(o->received_at, tz);
  g_autofree char *day = g_date_time_format(local, "%Y-%m-%d");
  g_autofree char *daycompact = g_date_time_format(local, "%Y%m%d");
  const char *dp[] = { day };
  /* The counter row is locked until our commit, so concurrent polls take consecutive numbers
   * and a rolled-back transaction gives its number back: gap-free. */
  g_autoptr(PGresult) r = exec_params(
    conn,
    "INSERT INTO intake.order_counters (day, last_seq) VALUES ($1, 1)"
    " ON CONFLICT (day) DO UPDATE SET last_seq = intake.order_counters.last_seq + 1 RETURNING last_seq",
    1, dp);
  if (!check_result(conn, r, PGRES_TUPLES_OK, error))
    return NULL;
  int seq = atoi(PQgetvalue(r, 0, 0));
  g_autofree char *order_no = g_strdup_printf("RC%s-%04d", daycompact, seq);
  g_autofree char *row = g_strdup_printf("%" G_GINT64_FORMAT, o->message_row);
  g_autofree char *received = g_date_time_format_iso8601(o->received_at);
  g_autofree char *missing = store_text_array(o->missing);
  g_autofree char *cands = store_text_array(o->sn_candidates);
  const char *p[] = { order_no,
                      o->status ? o->status : "queued",
                      row,
                      received,
                      o->from_addr,
                      o->subject,
                      o->kind,
                      o->review_reason,
                      o->sn,
                      o->model,
                      o->symptoms,
                      o->contact,
                      o->phone,
                      o->address,
                      o->city,
                      o->district,
                      missing,
                      cands,
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
                      o->onsite_due,
                      o->followup_of };
  G_STATIC_ASSERT(G_N_ELEMENTS(p) == 33);
  g_autoptr(StoreRows) rows = store_select(
    conn,
    "WITH o AS (INSERT INTO intake.orders (order_no, status, message_id, received_at, from_addr,"
    " subject, kind, review_reason, sn, model, symptoms, contact, phone, address, city,"
    " district, missing, sn_candidates, customer, tier, component, warranty_start,"
    " warranty_end, coverage, reasons, severity, priority, onsite_class, sla_clock,"
    " response_due, plan_due, onsite_due, followup_of, base_response_due, base_plan_due,"
    " base_onsite_due)"
    " VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,"
    "$21,$22,$23,$24,$25::jsonb,$26,$27,$28,$29,$30,$31,$32,$33,$30,$31,$32) RETURNING id, message_id),"
    " m AS (INSERT INTO intake.order_messages (order_id, message_id, role)"
    " SELECT id, message_id, 'initial' FROM o)"
    " SELECT id FROM o",
    33, p, error);
  if (!rows)
    return NULL;
  if (order_id)
    *order_id = g_ascii_strtoll(((char **)g_ptr_array_index(rows->rows, 0))[0], NULL, 10);
  return g_steal_pointer(&order_no);
}

/* ---- follow-ups and updates ---- */

gboolean
store_order_find(StoreConn *conn, const char *order_no, const char *const *refs, gint64 *order_id,
                 GError **error)
{
  g_autofree char *arr = store_text_array(refs);
  const char *p[] = { order_no, arr };
  /* The order number first; else any of the order's mails named by In-Reply-To/References;
   * else its acknowledgement (the customer answering our mail), when the outbox exists. */
  g_autoptr(StoreRows) rows = store_select(
    conn,
    "SELECT id FROM ("
    " SELECT o.id, 1 AS rank FROM intake.orders o WHERE o.order_no = $1"
    " UNION ALL"
    " SELECT om.order_id, 2 FROM intake.order_messages om JOIN intake.messages m ON m.id = om.message_id"
    "  WHERE m.message_id = ANY($2::text[])"
    " UNION ALL"
    " SELECT ob.order_id, 3 FROM intake.outbox_lookup($2::text[]) ob"
    ") f ORDER BY rank LIMIT 1",
    2, p, error);
  if (!rows)
    return FALSE;
  if (rows->rows->len == 0)
    return TRUE;
  *order_id = g_ascii_strtoll(((char **)g_ptr_array_index(rows->rows, 0))[0], NULL, 10);
  g_autofree char *id = g_strdup_printf("%" G_GINT64_FORMAT, *order_id);
  const char *q[] = { id };
  return store_exec(conn, "SELECT 1 FROM intake.orders WHERE id = $1 FOR UPDATE", 1, q, error);
}

StoreRows *
store_order_get(StoreConn *conn, gint64 order_id, GError **error)
{
  g_autofree char *id = g_strdup_printf("%" G_GINT64_FORMAT, order_id);
  const char *p[] = { id };
  StoreRows *rows = store_select(
    conn,
    "SELECT *, to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') AS received_iso"
    " FROM intake.orders WHERE id = $1",
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
  g_autoptr(PGresult) r = PQexecParams(conn->pg,
                                       "SELECT m.raw FROM intake.orders o JOIN intake.messages m"
                                       " ON m.id = o.message_id WHERE o.id = $1",
                                       1, NULL, p, NULL, NULL, 1);
  if (!check_result(conn, r, PGRES_TUPLES_OK, error))
    return NULL;
  if (PQntuples(r) != 1) {
    g_set_error(error, STORE_ERROR, STORE_ERROR_QUERY, "order %s has no mail", id);
    return NULL;
  }
  return g_bytes_new(PQgetvalue(r, 0, 0), (gsize)PQgetlength(r, 0, 0));
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
  g_autofree char *id = g_strdup_printf("%" G_GINT64_FORMAT, order_id);
  g_autofree char *missing = store_text_array(o->missing);
  g_autofree char *cands = store_text_array(o->sn_candidates);
  const char *p[] = { id,
                      status,
                      o->kind,
                      o->sn,
                      o->model,
                      o->symptoms,
                      o->contact,
                      o->phone,
                      o->address,
                      o->city,
                      o->district,
                      missing,
                      cands,
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
                      o->onsite_due,
                      action,
                      note };
  G_STATIC_ASSERT(G_N_ELEMENTS(p) == 29);
  /* One statement: lock, update, and record the changed fields (before/after) in the audit. */
  g_autoptr(StoreRows) rows =
    store_select(conn,
                 "WITH old AS (SELECT * FROM intake.orders WHERE id = $1 FOR UPDATE),"
                 " upd AS (UPDATE intake.orders o SET status = COALESCE($2, o.status), kind = $3, sn = $4,"
                 "  model = $5, symptoms = $6, contact = $7, phone = $8, address = $9, city = $10,"
                 "  district = $11, missing = $12::text[], sn_candidates = $13::text[], customer = $14,"
                 "  tier = $15, component = $16, warranty_start = $17, warranty_end = $18, coverage = $19,"
                 "  reasons = $20::jsonb, severity = $21, priority = $22, onsite_class = $23,"
                 "  sla_clock = $24, base_response_due = $25, base_plan_due = $26, base_onsite_due = $27,"
                 "  response_due = $25, plan_due = $26, onsite_due = $27,"
                 "  sla_dirty = EXISTS (SELECT 1 FROM intake.sla_pauses sp WHERE sp.order_id = o.id),"
                 "  updated_at = now()"
                 "  FROM old WHERE o.id = old.id"
                 "  RETURNING to_jsonb(old.*) - 'updated_at' - 'sla_dirty' AS b, to_jsonb(o.*) - "
                 "'updated_at' - 'sla_dirty' AS a),"
                 " diff AS (SELECT (SELECT jsonb_object_agg(key, value) FROM jsonb_each(b) WHERE a->key IS "
                 "DISTINCT FROM value) AS b,"
                 "                 (SELECT jsonb_object_agg(key, value) FROM jsonb_each(a) WHERE b->key IS "
                 "DISTINCT FROM value) AS a"
                 "            FROM upd),"
                 " ins AS (INSERT INTO intake.audit (order_id, action, before, after, note)"
                 "  SELECT $1, $28, b, a, $29 FROM diff WHERE a IS NOT NULL OR $28 <> 'reprocess')"
                 " SELECT b::text, a::text FROM diff",
                 29, p, error);
  if (!rows)
    return FALSE;
  if (rows->rows->len != 1) {
    g_set_error(error, STORE_ERROR, STORE_ERROR_QUERY, "order %s not found", id);
    return FALSE;
  }
  char **row = g_ptr_array_index(rows->rows, 0);
  if (changed)
    *changed = row[1] != NULL;
  if (before)
    *before = g_strdup(row[0]);
  if (after)
    *after = g_strdup(row[1]);
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
    " AND ($2::date IS NULL OR received_at >= ($2::date)::timestamp AT TIME ZONE 'Asia/Shanghai')"
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

GPtrArray *
store_order_raws(StoreConn *conn, gint64 order_id, GError **error)
{
  g_autofree char *id = g_strdup_printf("%" G_GINT64_FORMAT, order_id);
  const char *p[] = { id };
  g_autoptr(PGresult) r = PQexecParams(conn->pg,
                                       "SELECT m.raw FROM intake.order_messages om"
                                       " JOIN intake.messages m ON m.id = om.message_id"
                                       " WHERE om.order_id = $1"
                                       " ORDER BY om.role <> 'initial', om.added_at, m.id",
                                       1, NULL, p, NULL, NULL, 1);
  if (!check_result(conn, r, PGRES_TUPLES_OK, error))
    return NULL;
  GPtrArray *raws = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
  for (int i = 0; i < PQntuples(r); i++)
    g_ptr_array_add(raws, g_bytes_new(PQgetvalue(r, i, 0), (gsize)PQgetlength(r, i, 0)));
  return raws;
}

StoreRows *
store_sla_dirty(StoreConn *conn, GError **error)
{
#define UTC_ISO(col) "to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
  return store_select(
    conn,
    "SELECT o.id, o.sla_clock, " UTC_ISO("o.received_at") ", " UTC_ISO("o.base_response_due") ", " UTC_ISO(
      "o.base_plan_due") ", " UTC_ISO("o.base_onsite_due") ","
                                                           " (SELECT "
                                                           "coalesce(json_agg(json_build_array(" UTC_ISO(
                                                             "p.started_at") ", " UTC_ISO("p.ended_at") ")"
                                                                                                        "   "
                                                                                                        "ORDE"
                                                                                                        "R "
                                                                                                        "BY "
                                                                                                        "p."
                                                                                                        "star"
                                                                                                        "ted_"
                                                                                                        "at),"
                                                                                                        " '[]"
                                                                                                        "') "
                                                                                                        "FROM"
                                                                                                        " int"
                                                                                                        "ake."
                                                                                                        "sla_"
                                                                                                        "paus"
                                                                                                        "es p"
                                                                                                        "   "
                                                                                                        "WHER"
                                                                                                        "E "
                                                                                                        "p."
                                                                                                        "orde"
                                                                                                        "r_"
                                                                                                        "id "
                                                                                                        "= "
                                                                                                        "o."
                                                                                                        "id "
                                                                                                        "AND "
                                                                                                        "p."
                                                                                                        "ende"
                                                                                                        "d_"
                                                                                                        "at "
                                                                                                        "IS "
                                                                                                        "NOT "
                                                                                                        "NULL"
                                                                                                        ")"
                                                                                                        " FRO"
                                                                                                        "M "
                                                                                                        "inta"
                                                                                                        "ke."
                                                                                                        "orde"
                                                                                                        "rs "
                                                                                                        "o "
                                                                                                        "WHER"
                                                                                                        "E "
                                                                                                        "o."
                                                                                                        "sla_"
                                                                                                        "dirt"
                                                                                                        "y "
                                                                                                        "ORDE"
                                                                                                        "R "
                                                                                                        "BY "
                                                                                                        "o."
                                                                                                        "id",
    0, NULL, error);
#undef UTC_ISO
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
