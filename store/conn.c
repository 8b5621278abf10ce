/* store/conn.c: the connection, the one error converter, the statement runners, transactions, locks
 * and COPY — what every other store/ file builds on (store-private.h). */
#include "store-private.h"

#include <string.h>
#include <unistd.h>

G_DEFINE_QUARK(store - error - quark, store_error)

/* libpq messages end with a newline and may span lines; keep the first line, which names the cause,
 * without the severity ("ERROR:  "): the caller says what failed. */
static char *
first_line(const char *msg)
{
  if (!msg || !*msg)
    return g_strdup("unknown error");
  static const char *const severities[] = { "ERROR:  ", "FATAL:  ", "PANIC:  " };
  for (guint i = 0; i < G_N_ELEMENTS(severities); i++)
    if (g_str_has_prefix(msg, severities[i]) && msg[strlen(severities[i])])
      msg += strlen(severities[i]);
  const char *nl = strchr(msg, '\n');
  return nl ? g_strndup(msg, (gsize)(nl - msg)) : g_strdup(msg);
}

/* SQLSTATEs of a schema older than the statement: a table, column or function missing. */
static gboolean
sqlstate_schema(const char *state)
{
  return g_strcmp0(state, "42P01") == 0 || g_strcmp0(state, "42703") == 0 || g_strcmp0(state, "42883") == 0;
}

/* SQLSTATEs where the server or the session failed, not the statement: the same statement may pass
 * later (connection, deadlock and serialization, resources, shutdown, lock waits, I/O). A statement
 * cancelled by statement_timeout (57014) is not among them: that statement is likely to time out
 * again, and the caller quarantines its mail. */
static gboolean
sqlstate_transient(const char *state)
{
  static const char *const classes[] = { "08", "40", "53", "57", "58" };
  /* 25006: a read-only transaction — the database is a standby after a fail-over */
  static const char *const states[] = { "55P03", "55006", "25006" };
  if (!state || strlen(state) != 5 || g_str_equal(state, "57014"))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS(states); i++)
    if (g_str_equal(state, states[i]))
      return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS(classes); i++)
    if (strncmp(state, classes[i], 2) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
convert(StoreConn *conn, const char *message, const char *sqlstate, GError **error)
{
  g_autofree char *msg = first_line(message);
  if (g_str_equal(msg, "unknown error")) {
    g_free(msg);
    msg = first_line(PQerrorMessage(conn->pg));
  }
  if (PQstatus(conn->pg) == CONNECTION_BAD)
    g_set_error(error, STORE_ERROR, STORE_ERROR_CONNECT, "PostgreSQL connection lost: %s", msg);
  else if (g_strcmp0(sqlstate, "0A000") == 0 && strstr(msg, "cached plan"))
    /* a migration changed a table under a statement prepared by this poll (plan_stale): the mail is
     * not at fault; the plan is prepared afresh and the mail retried by the next poll */
    g_set_error(error, STORE_ERROR, STORE_ERROR_TRANSIENT,
                "the database changed during this poll (%s): retried", msg);
  else if (g_strcmp0(sqlstate, "25006") == 0)
    /* transient (the database's state, not the mail's); and say what it means (blind round 20: "cannot execute
     * SELECT in a read-only transaction" named no cause) */
    g_set_error(error, STORE_ERROR, STORE_ERROR_TRANSIENT,
                "%s (the database is read-only: default_transaction_read_only is on, or this is a standby "
                "after a fail-over — point [db] conninfo at the primary)",
                msg);
  else if (sqlstate_transient(sqlstate))
    g_set_error(error, STORE_ERROR, STORE_ERROR_TRANSIENT, "%s", msg);
  else if (g_strcmp0(sqlstate, "57014") == 0)
    /* blind round 11c: "ERROR:  canceling statement due to statement timeout" said neither where nor
     * which setting */
    g_set_error(error, STORE_ERROR, STORE_ERROR_QUERY,
                "PostgreSQL %s (statement_timeout; intake's default 5min, set in [db] conninfo "
                "options='-c statement_timeout=…')",
                msg);
  else if (sqlstate_schema(sqlstate))
    g_set_error(error, STORE_ERROR, STORE_ERROR_SCHEMA,
                "%s (the database's schema is older than this intake: run `intake db migrate`)", msg);
  else if (g_strcmp0(sqlstate, "42501") == 0)
    /* a grant missing: every mail would fail the same way — the database's state, not the mail's
     * (blind round 13b: each quarantined and flagged) */
    g_set_error(
      error, STORE_ERROR, STORE_ERROR_SCHEMA,
      "%s (the role lacks a grant: the login intake uses needs `GRANT intake_app TO <login>` — "
      "intake_ops or intake_report for the desk's; `intake db migrate` as the schema owner restores "
      "the grants of the roles themselves)",
      msg);
  else if (conn->behind_failed) {
    if (!conn->behind_why)
      conn->behind_why = g_strdup(msg);
    g_set_error(error, STORE_ERROR, STORE_ERROR_BEHIND, "the rows written behind failed: %s", msg);
  } else
    g_set_error(error, STORE_ERROR, STORE_ERROR_QUERY, "%s", msg);
  return FALSE;
}

gboolean
store_check(StoreConn *conn, PGresult *res, ExecStatusType want, GError **error)
{
  if (res && PQresultStatus(res) == want)
    return TRUE;
  return convert(conn, res ? PQresultErrorMessage(res) : PQerrorMessage(conn->pg),
                 res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL, error);
}

gboolean
store_error_transient(const GError *error)
{
  /* a schema behind the binary (an upgrade before `db migrate`) is the database's state, not the
   * mail's: every mail would fail the same way — blind round 13: each was quarantined and flagged,
   * and after the migration nothing was left to take in */
  return g_error_matches(error, STORE_ERROR, STORE_ERROR_CONNECT) ||
         g_error_matches(error, STORE_ERROR, STORE_ERROR_TRANSIENT) ||
         g_error_matches(error, STORE_ERROR, STORE_ERROR_SCHEMA);
}

gboolean
store_fail(StoreConn *conn, GError **error)
{
  return convert(conn, PQerrorMessage(conn->pg), NULL, error);
}

/* Statements a connection keeps prepared: the poll runs the same dozen per mail, and PostgreSQL's
 * parse, analysis and planning of each were a third of its CPU there (perf). Bounded, so a caller
 * that builds SQL text per call cannot grow the cache. */
#define STORE_PREPARED_MAX 256

/* The name sql is prepared under, or NULL; then *fresh (caller frees) is a new name to prepare it
 * under when the cache has room, else NULL. */
static const char *
lookup_name(StoreConn *conn, const char *sql, char **fresh)
{
  if (!conn->prepared)
    conn->prepared = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  const char *name = g_hash_table_lookup(conn->prepared, sql);
  *fresh = !name && g_hash_table_size(conn->prepared) < STORE_PREPARED_MAX
             ? g_strdup_printf("intake_%u", ++conn->prepared_seq)
             : NULL;
  return name;
}

/* Keeps fresh (taken) as the name sql is prepared under; returns it. */
static const char *
remember_name(StoreConn *conn, const char *sql, char *fresh)
{
  g_hash_table_insert(conn->prepared, g_strdup(sql), fresh);
  return fresh;
}

/* The name sql is prepared under on this connection, preparing it the first time; NULL when it
 * cannot be kept (cache full, or the prepare failed: the caller then runs it unnamed, and gets the
 * server's own error for bad SQL). A prepare that failed inside a transaction aborted it: then
 * *failed is its error (run unnamed, it would only say "current transaction is aborted"). */
static const char *
prepared_name(StoreConn *conn, const char *sql, int n, PGresult **failed)
{
  g_autofree char *fresh = NULL;
  const char *name = lookup_name(conn, sql, &fresh);
  if (!fresh || PQtransactionStatus(conn->pg) == PQTRANS_INERROR)
    return name;
  g_autoptr(PGresult) r = PQprepare(conn->pg, fresh, sql, n, NULL);
  if (!r || PQresultStatus(r) != PGRES_COMMAND_OK) {
    if (PQtransactionStatus(conn->pg) == PQTRANS_INERROR)
      *failed = g_steal_pointer(&r);
    return NULL;
  }
  return remember_name(conn, sql, g_steal_pointer(&fresh));
}

/* A prepared plan whose tables changed shape under it (a migration ran on this connection after it
 * was prepared) is refused with 0A000: the statement is forgotten (prepared afresh next time). */
static gboolean
plan_stale(PGresult *r)
{
  const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
  return state && strcmp(state, "0A000") == 0;
}

/* ---- statements sent ahead (pipeline mode) ---- */

struct StoreAhead {
  gint ref;
  gboolean read;    /* the pipeline was read: result, or error_message + sqlstate */
  PGresult *result; /* its rows */
  char *error_message, *sqlstate;
  char *prepared_sql; /* sent under the name the cache keeps for this SQL: forgotten if its plan is stale */
  gboolean behind;    /* its failure is no one mail's: kept rows' INSERT, a read ahead with write-behind */
  guint writes;       /* conn->behind_writes when it was sent */
  gboolean rows_written; /* it is the kept rows' INSERT: store_sync does not wait for it */
  gboolean prepare;      /* the Parse of prepared_sql, its name kept before it was known to work */
  StoreRows *rows;       /* store_ahead_rows_kept: its rows, converted once */
};

StoreAhead *
store_ahead_ref(StoreAhead *ahead)
{
  g_atomic_int_inc(&ahead->ref);
  return ahead;
}

void
store_ahead_unref(StoreAhead *ahead)
{
  if (!ahead || !g_atomic_int_dec_and_test(&ahead->ref))
    return;
  PQclear(ahead->result);
  g_free(ahead->error_message);
  g_free(ahead->sqlstate);
  g_free(ahead->prepared_sql);
  store_rows_free(ahead->rows);
  g_free(ahead);
}

/* What was sent ahead and not read yet (created on first use). */
static GPtrArray *
pending(StoreConn *conn)
{
  if (!conn->pending)
    conn->pending = g_ptr_array_new_with_free_func((GDestroyNotify)store_ahead_unref);
  return conn->pending;
}

/* Pipeline mode, entered if need be. */
static gboolean
pipeline_on(StoreConn *conn, GError **error)
{
  return PQpipelineStatus(conn->pg) != PQ_PIPELINE_OFF || PQenterPipelineMode(conn->pg) ||
         store_fail(conn, error);
}

/* Sends sql (one statement, no parameters, no rows wanted: BEGIN, SAVEPOINT …) without waiting:
 * it travels with the next statement, in one round trip; its error, if any, is that statement's. */
gboolean
store_defer(StoreConn *conn, const char *sql, GError **error)
{
  if (!pipeline_on(conn, error))
    return FALSE;
  if (!PQsendQueryParams(conn->pg, sql, 0, NULL, NULL, NULL, NULL, 0))
    return store_fail(conn, error);
  g_ptr_array_add(pending(conn), NULL);
  return TRUE;
}

/* A kept statement's outcome: its result, or (when it failed, its result going to the caller of the
 * pipeline as the first error) a copy of its message. One not run because cause failed before it
 * reports cause, with cause's SQLSTATE: transient (a lock wait, a deadlock) if that was. */
static void
slot_fill(StoreAhead *slot, PGresult *r, gboolean failed, const PGresult *cause, const char *why)
{
  slot->read = TRUE;
  if (!failed) {
    slot->result = r;
    return;
  }
  if (r && PQresultStatus(r) == PGRES_PIPELINE_ABORTED) {
    slot->error_message =
      g_strdup_printf("not run: a statement sent before it in the same round trip failed%s%s",
                      cause ? ": " : "", cause ? PQresultErrorMessage(cause) : "");
    slot->sqlstate = g_strdup(cause ? PQresultErrorField(cause, PG_DIAG_SQLSTATE) : NULL);
    return;
  }
  slot->error_message = g_strdup(r && !why ? PQresultErrorMessage(r) : why);
  slot->sqlstate = g_strdup(r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL);
}

/* Ends the pipeline: a sync, then the results of what was sent ahead and (with_main) of the one sent
 * last. Returns the first error among those sent ahead, else the last statement's result (NULL without
 * one, or when the connection failed). */
static PGresult *
pipe_finish(StoreConn *conn, gboolean with_main)
{
  PGresult *bad = NULL, *main = NULL;
  g_autoptr(GPtrArray) sent = g_steal_pointer(&conn->pending);
  guint ahead = sent ? sent->len : 0, expect = ahead + (with_main ? 1 : 0), i = 0;
  gboolean synced = PQpipelineSync(conn->pg) == 1;
  if (!synced)
    expect = 0;
  for (; i < expect; i++) {
    PGresult *r, *last = NULL;
    while ((r = PQgetResult(conn->pg))) { /* a statement's result, then NULL */
      PQclear(last);
      last = r;
    }
    if (!last)
      break; /* the connection failed: libpq holds the message */
    ExecStatusType st = PQresultStatus(last);
    gboolean failed = st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK;
    StoreAhead *slot = i < ahead ? g_ptr_array_index(sent, i) : NULL;
    if (slot)
      slot_fill(slot, last, failed, bad, NULL);
    if (slot && slot->prepared_sql && (plan_stale(last) || (slot->prepare && failed)))
      g_hash_table_remove(conn->prepared, slot->prepared_sql); /* prepared afresh next time */
    if (i == ahead)
      main = last;
    else if (!bad && failed) {
      bad = last;
      if (slot && slot->behind)
        conn->behind_failed = TRUE; /* the kept rows failed: no one statement's fault */
    } else if (!slot || failed)
      PQclear(last);
  }
  for (; i < ahead; i++) /* never read: the connection failed */
    if (g_ptr_array_index(sent, i))
      slot_fill(g_ptr_array_index(sent, i), NULL, TRUE, NULL, PQerrorMessage(conn->pg));
  PGresult *sync = synced ? PQgetResult(conn->pg) : NULL; /* also with nothing sent: pipeline mode ends */
  if (sync && PQresultStatus(sync) == PGRES_PIPELINE_SYNC)
    PQexitPipelineMode(conn->pg);
  PQclear(sync);
  if (bad) {
    PQclear(main);
    return bad;
  }
  return main;
}

gboolean
store_sync(StoreConn *conn, GError **error)
{
  /* rows sent by store_behind_send are not waited for: their error comes with a later statement */
  gboolean only_behind = TRUE;
  for (guint i = 0; conn->pending && i < conn->pending->len && only_behind; i++) {
    const StoreAhead *a = g_ptr_array_index(conn->pending, i);
    only_behind = a && a->rows_written;
  }
  return only_behind || store_flush_deferred(conn, error);
}

gboolean
store_behind_send(StoreConn *conn, GError **error)
{
  if (!store_behind_write(conn, FALSE, error))
    return FALSE;
  /* In pipeline mode libpq sends only once 64 KB are buffered: the rest of the rows would wait
   * for the next statement's sync, PostgreSQL idle meanwhile. */
  return PQpipelineStatus(conn->pg) == PQ_PIPELINE_OFF || PQflush(conn->pg) == 0 || store_fail(conn, error);
}

/* Before a statement that could read or write what they touch: the rows kept behind go first, in its
 * round trip. With write-behind on, a unit's SAVEPOINT is sent here, at its first such statement (a
 * new mail whose rows are all kept needs none): the rows of the units before it are written outside
 * it, so that its ROLLBACK TO cannot undo them. */
static gboolean
behind_before(StoreConn *conn, GError **error)
{
  if (conn->behind_pass)
    return TRUE;
  if (conn->unit_open && !conn->sp_open) {
    if (!store_behind_write(conn, TRUE, error) || !store_defer(conn, "SAVEPOINT intake_unit", error))
      return FALSE;
    conn->sp_open = TRUE;
    conn->savepoints++;
  }
  return !store_behind_pending(conn) || store_behind_write(conn, FALSE, error);
}

static StoreAhead *
ahead_new(StoreConn *conn, const char *prepared_sql, gboolean behind)
{
  StoreAhead *ahead = g_new0(StoreAhead, 1);
  ahead->ref = 1;
  ahead->prepared_sql = g_strdup(prepared_sql);
  ahead->behind = behind;
  ahead->writes = conn->behind_writes;
  g_ptr_array_add(pending(conn), store_ahead_ref(ahead));
  return ahead;
}

gboolean
store_send_behind(StoreConn *conn, const char *sql, int n, const char *const *values, const int *lengths,
                  const int *formats, GError **error)
{
  if (!pipeline_on(conn, error))
    return FALSE;
  /* prepared the first time in the same pipeline, its name kept at once (nothing waits here); a
   * prepare that fails (or is skipped after an error before it) forgets it again (pipe_finish) */
  g_autofree char *fresh = NULL;
  const char *name = lookup_name(conn, sql, &fresh);
  if (fresh) {
    if (!PQsendPrepare(conn->pg, fresh, sql, n, NULL))
      return store_fail(conn, error);
    StoreAhead *prepare = ahead_new(conn, sql, TRUE);
    prepare->prepare = prepare->rows_written = TRUE;
    store_ahead_unref(prepare);
    name = remember_name(conn, sql, g_steal_pointer(&fresh));
  }
  if (!(name ? PQsendQueryPrepared(conn->pg, name, n, values, lengths, formats, 0)
             : PQsendQueryParams(conn->pg, sql, n, NULL, values, lengths, formats, 0)))
    return store_fail(conn, error);
  StoreAhead *ahead = ahead_new(conn, name ? sql : NULL, TRUE);
  ahead->rows_written = TRUE;
  store_ahead_unref(ahead);
  return TRUE;
}

guint
store_ahead_writes(const StoreAhead *ahead)
{
  return ahead->writes;
}

gboolean
store_ahead_current(StoreConn *conn, const StoreAhead *ahead)
{
  return ahead->writes == conn->behind_writes;
}

StoreAhead *
store_send_ahead_passing(StoreConn *conn, const char *sql, int n, const char *const *params, GError **error)
{
  conn->behind_pass++;
  StoreAhead *ahead = store_send_ahead(conn, sql, n, params, error);
  conn->behind_pass--;
  /* with write-behind it may go inside the unit before the one using it (a poll's group reads) */
  if (ahead && store_behind_on(conn))
    ahead->behind = TRUE;
  return ahead;
}

StoreAhead *
store_send_ahead_planned(StoreConn *conn, const char *sql, int n, const char *const *params, GError **error)
{
  conn->unprepared++;
  StoreAhead *ahead = store_send_ahead_passing(conn, sql, n, params, error);
  conn->unprepared--;
  return ahead;
}

StoreRows *
store_select_passing(StoreConn *conn, const char *sql, int nparams, const char *const *params, GError **error)
{
  conn->behind_pass++;
  StoreRows *rows = store_select(conn, sql, nparams, params, error);
  conn->behind_pass--;
  return rows;
}

StoreAhead *
store_send_ahead(StoreConn *conn, const char *sql, int n, const char *const *params, GError **error)
{
  if (!behind_before(conn, error))
    return NULL;
  const char *name = conn->prepared && !conn->unprepared ? g_hash_table_lookup(conn->prepared, sql) : NULL;
  if (!name && !conn->unprepared) {
    /* the first time on this connection: prepared on its own (a round trip, once); a full cache
     * leaves it unnamed */
    PGresult *failed = NULL;
    if (!store_flush_deferred(conn, error))
      return NULL;
    name = prepared_name(conn, sql, n, &failed);
    if (failed) {
      store_check(conn, failed, PGRES_COMMAND_OK, error);
      PQclear(failed);
      return NULL;
    }
  }
  if (!pipeline_on(conn, error))
    return NULL;
  int sent = name ? PQsendQueryPrepared(conn->pg, name, n, params, NULL, NULL, 0)
                  : PQsendQueryParams(conn->pg, sql, n, NULL, params, NULL, NULL, 0);
  if (!sent) {
    store_fail(conn, error);
    return NULL;
  }
  return ahead_new(conn, name ? sql : NULL, FALSE);
}

static StoreRows *rows_of(PGresult *r);

StoreRows *
store_ahead_rows(StoreConn *conn, StoreAhead *ahead, GError **error)
{
  g_autoptr(GError) flush_error = NULL;
  if (!ahead->read && !store_flush_deferred(conn, &flush_error) && !ahead->read) {
    g_propagate_error(error, g_steal_pointer(&flush_error));
    return NULL;
  }
  if (ahead->error_message) {
    convert(conn, ahead->error_message, ahead->sqlstate, error);
    return NULL;
  }
  if (!store_check(conn, ahead->result, PGRES_TUPLES_OK, error))
    return NULL;
  return rows_of(ahead->result);
}

const StoreRows *
store_ahead_rows_kept(StoreConn *conn, StoreAhead *ahead, GError **error)
{
  if (!ahead->rows)
    ahead->rows = store_ahead_rows(conn, ahead, error);
  return ahead->rows;
}

/* Before anything that needs the connection to itself (PQexec, COPY): what was sent ahead is
 * finished, its error reported. */
gboolean
store_flush_deferred(StoreConn *conn, GError **error)
{
  gboolean had = conn->pending && conn->pending->len > 0;
  if (!had && PQpipelineStatus(conn->pg) == PQ_PIPELINE_OFF)
    return TRUE;
  g_autoptr(PGresult) r = pipe_finish(conn, FALSE);
  if (PQpipelineStatus(conn->pg) != PQ_PIPELINE_OFF && !PQexitPipelineMode(conn->pg))
    return store_fail(conn, error);
  if (r)
    return store_check(conn, r, PQresultStatus(r) == PGRES_TUPLES_OK ? PGRES_TUPLES_OK : PGRES_COMMAND_OK,
                       error);
  return !had || PQstatus(conn->pg) == CONNECTION_OK || store_fail(conn, error);
}

PGresult *
store_run_formats(StoreConn *conn, const char *sql, int n, const char *const *params, const int *lengths,
                  const int *formats, int result_format)
{
  if (!behind_before(conn, NULL))
    return NULL; /* the connection failed: the caller's store_check reports libpq's message */
  if (conn->pending && conn->pending->len) {
    /* with what was sent ahead, in one round trip; a statement not prepared yet is prepared in the
     * same pipeline (the statement after a SAVEPOINT is the busiest one: the mail's insert) */
    g_autofree char *fresh = NULL;
    const char *name = conn->unprepared ? NULL : lookup_name(conn, sql, &fresh);
    if (fresh && PQsendPrepare(conn->pg, fresh, sql, n, NULL))
      g_ptr_array_add(pending(conn),
                      NULL); /* its result is read like a deferred statement's: an error stands */
    else
      g_clear_pointer(&fresh, g_free);
    const char *use = name ? name : fresh;
    int sent = use ? PQsendQueryPrepared(conn->pg, use, n, params, lengths, formats, result_format)
                   : PQsendQueryParams(conn->pg, sql, n, NULL, params, lengths, formats, result_format);
    PGresult *r = pipe_finish(conn, sent == 1);
    ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (fresh && (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK))
      remember_name(conn, sql, g_steal_pointer(&fresh)); /* kept only when it worked */
    if (name && plan_stale(r))
      g_hash_table_remove(conn->prepared, sql); /* prepared afresh next time, as below */
    return r;
  }
  /* a pipeline a lost connection left open: libpq would only say that PQexec is not allowed in it */
  if (PQpipelineStatus(conn->pg) != PQ_PIPELINE_OFF && PQstatus(conn->pg) == CONNECTION_BAD)
    return NULL; /* the caller's store_check reports the lost connection */
  PGresult *failed = NULL;
  const char *name = conn->unprepared ? NULL : prepared_name(conn, sql, n, &failed);
  if (failed)
    return failed;
  if (!name)
    return PQexecParams(conn->pg, sql, n, NULL, params, lengths, formats, result_format);
  PGresult *r = PQexecPrepared(conn->pg, name, n, params, lengths, formats, result_format);
  if (!plan_stale(r))
    return r;
  g_hash_table_remove(conn->prepared, sql);
  if (PQtransactionStatus(conn->pg) != PQTRANS_IDLE)
    return r; /* the transaction is aborted: the error stands */
  PQclear(r);
  return PQexecParams(conn->pg, sql, n, NULL, params, lengths, formats, result_format);
}

PGresult *
store_run(StoreConn *conn, const char *sql, int n, const char *const *params)
{
  return store_run_formats(conn, sql, n, params, NULL, NULL, 0);
}

/* Bounded waits by default; the conninfo (and libpq's PG* variables) may set each of them. */
static const struct {
  const char *key, *env, *value;
} conn_defaults[] = {
  { "connect_timeout", "PGCONNECT_TIMEOUT", "10" },
  { "keepalives", NULL, "1" },
  { "keepalives_idle", NULL, "60" },
  { "keepalives_interval", NULL, "10" },
  { "keepalives_count", NULL, "6" },
  { "fallback_application_name", NULL, NULL }, /* "intake pid N": a hung poll is found by its pid */
};

/* A statement may run this long unless the session already has a statement_timeout (conninfo
 * options=-c statement_timeout=…, PGOPTIONS, ALTER ROLE/DATABASE … SET). */
#define STORE_STATEMENT_TIMEOUT "5min"

static PGconn *
connect_bounded(const char *conninfo)
{
  const char *keys[G_N_ELEMENTS(conn_defaults) + 2];
  const char *values[G_N_ELEMENTS(conn_defaults) + 2];
  guint n = 0;
  char app[32];
  g_snprintf(app, sizeof app, "intake pid %d", (int)getpid());
  for (guint i = 0; i < G_N_ELEMENTS(conn_defaults); i++) {
    if (conn_defaults[i].env && g_getenv(conn_defaults[i].env))
      continue;
    keys[n] = conn_defaults[i].key;
    values[n++] = conn_defaults[i].value ? conn_defaults[i].value : app;
  }
  /* dbname last, expanded: what the conninfo names overrides the defaults above */
  keys[n] = "dbname";
  values[n++] = conninfo && *conninfo ? conninfo : NULL;
  keys[n] = NULL;
  values[n] = NULL;
  return PQconnectdbParams(keys, values, 1);
}

/* How often a backend running a statement checks that its client is still there (PostgreSQL 14 and
 * later, Linux): a poll killed mid-statement (SIGKILL, OOM) leaves a backend that holds the mailbox
 * lock until its statement ends; with the check it ends within this much, and the next poll (which
 * waits a little for the lock, cli/cmd_poll.c) goes on. */
#define STORE_CLIENT_CHECK "500ms"

/* Both in one round trip, each only where the session has no value of its own. */
/* A wait for a lock someone else holds (a desk's psql left in a transaction on an order) ends before
 * the statement timeout, as lock_not_available (55P03): transient, the mail is done again at the next
 * poll. Cancelled by statement_timeout (57014) it would be quarantined as a mail that breaks the
 * statement (blind round 11c: a customer's reply became a stray order). Half the statement timeout
 * (ours: STORE_LOCK_TIMEOUT), or a minute without one. */
#define STORE_LOCK_TIMEOUT "150s"

static gboolean
statement_timeout_default(StoreConn *conn, GError **error)
{
  /* One round trip for the three, each only where the session has none of its own; the lock timeout
   * reads the statement timeout as it was before this statement (both pg_settings scans are read
   * before any row's set_config runs). */
  g_autoptr(PGresult) r = PQexec(
    conn->pg,
    "SELECT p.name, set_config(p.name, CASE p.name WHEN 'statement_timeout' THEN '" STORE_STATEMENT_TIMEOUT
    "' WHEN 'client_connection_check_interval' THEN '" STORE_CLIENT_CHECK "'"
    " ELSE CASE WHEN st.source = 'default' THEN '" STORE_LOCK_TIMEOUT "'"
    "  WHEN st.setting::bigint > 0 THEN greatest(st.setting::bigint / 2, 1)::text || 'ms' ELSE '1min' END "
    "END,"
    " false) FROM pg_settings p, (SELECT setting, source FROM pg_settings WHERE name = 'statement_timeout') "
    "st"
    " WHERE p.name IN ('statement_timeout', 'client_connection_check_interval', 'lock_timeout')"
    " AND p.source = 'default'");
  if (!store_check(conn, r, PGRES_TUPLES_OK, error))
    return FALSE;
  conn->statement_timeout_ours = FALSE;
  g_clear_pointer(&conn->lock_timeout_ours, g_free);
  for (int i = 0; i < PQntuples(r); i++) {
    conn->statement_timeout_ours |= g_str_equal(PQgetvalue(r, i, 0), "statement_timeout");
    if (g_str_equal(PQgetvalue(r, i, 0), "lock_timeout"))
      conn->lock_timeout_ours = g_strdup(PQgetvalue(r, i, 1));
  }
  return TRUE;
}

gboolean
store_statement_timeout_lift(StoreConn *conn, gboolean lift, GError **error)
{
  /* a migration may wait for the desk's sessions to let go of a table: no lock timeout of ours either */
  const char *lock[] = { lift ? "0" : conn->lock_timeout_ours };
  if (conn->lock_timeout_ours &&
      !store_exec(conn, "SELECT set_config('lock_timeout', $1, false)", 1, lock, error))
    return FALSE;
  if (!conn->statement_timeout_ours)
    return TRUE;
  return store_exec(
    conn, lift ? "SET statement_timeout = 0" : "SET statement_timeout = '" STORE_STATEMENT_TIMEOUT "'", 0,
    NULL, error);
}

gboolean
store_conninfo_has_password(const char *conninfo)
{
  if (!conninfo || !*conninfo)
    return FALSE;
  PQconninfoOption *opts = PQconninfoParse(conninfo, NULL);
  gboolean has = FALSE;
  for (PQconninfoOption *o = opts; o && o->keyword; o++)
    if (g_str_equal(o->keyword, "password") && o->val && *o->val)
      has = TRUE;
  PQconninfoFree(opts);
  return has;
}

StoreConn *
store_connect(const char *conninfo, GError **error)
{
  PGconn *pg = connect_bounded(conninfo);
  if (PQstatus(pg) != CONNECTION_OK) {
    /* libpq's message names host/socket and cause but never the password. */
    g_autofree char *msg = first_line(PQerrorMessage(pg));
    g_set_error(error, STORE_ERROR, STORE_ERROR_CONNECT, "cannot connect to PostgreSQL: %s", msg);
    PQfinish(pg);
    return NULL;
  }
  StoreConn *conn = g_new0(StoreConn, 1);
  conn->pg = pg;
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier(STORE_DEFAULT_TIME_ZONE);
  if (!tz)
    tz = g_time_zone_new_offset(8 * 3600); /* tzdata without Asia/Shanghai: its fixed offset */
  if (!store_exec(conn, "SET client_encoding = 'UTF8'; SET client_min_messages = warning", 0, NULL, error) ||
      !statement_timeout_default(conn, error) || !store_set_time_zone(conn, tz, error)) {
    store_close(conn);
    return NULL;
  }
  return conn;
}

gboolean
store_set_time_zone(StoreConn *conn, GTimeZone *tz, GError **error)
{
  const char *id = g_time_zone_get_identifier(tz);
  gboolean ok;
  if (id[0] == '+' || id[0] == '-') {
    /* a fixed offset (GLib's "+08:00"): PostgreSQL reads a bare "+08:00" as POSIX, sign inverted */
    if (strspn(id, "+-0123456789:") != strlen(id)) {
      g_set_error(error, STORE_ERROR, STORE_ERROR_QUERY, "unusable time zone offset '%s'", id);
      return FALSE;
    }
    g_autofree char *sql = g_strdup_printf("SET TIME ZONE INTERVAL '%s' HOUR TO MINUTE", id);
    ok = store_exec(conn, sql, 0, NULL, error);
  } else {
    const char *p[] = { id };
    ok = store_exec(conn, "SELECT set_config('TimeZone', $1, false)", 1, p, error);
  }
  if (!ok)
    return FALSE;
  g_clear_pointer(&conn->tz, g_time_zone_unref);
  conn->tz = g_time_zone_ref(tz);
  return TRUE;
}

void
store_close(StoreConn *conn)
{
  if (!conn)
    return;
  PQfinish(conn->pg);
  g_clear_pointer(&conn->prepared, g_hash_table_unref);
  g_clear_pointer(&conn->pending, g_ptr_array_unref);
  g_clear_pointer(&conn->order_ids.ids, g_array_unref);
  g_clear_pointer(&conn->message_ids.ids, g_array_unref);
  store_behind_free(conn);
  store_numbers_close(conn);
  g_free(conn->behind_why);
  g_free(conn->lock_timeout_ours);
  g_clear_pointer(&conn->tz, g_time_zone_unref);
  g_free(conn);
}

gboolean
store_exec(StoreConn *conn, const char *sql, int nparams, const char *const *params, GError **error)
{
  /* Without parameters, PQexec: it also takes several statements (migration set-up). */
  if (!nparams && (!behind_before(conn, error) || !store_flush_deferred(conn, error)))
    return FALSE;
  g_autoptr(PGresult) r = nparams ? store_run(conn, sql, nparams, params) : PQexec(conn->pg, sql);
  if (r && PQresultStatus(r) == PGRES_TUPLES_OK)
    return TRUE;
  return store_check(conn, r, PGRES_COMMAND_OK, error);
}

guint
store_savepoints(const StoreConn *conn)
{
  return conn->savepoints;
}

gboolean
store_begin(StoreConn *conn, GError **error)
{
  /* the rows written by the transaction before stay known (store_behind_prune) */
  conn->behind_failed = FALSE;
  g_clear_pointer(&conn->behind_why, g_free);
  conn->unit_open = conn->sp_open = FALSE;
  conn->savepoints = 0;
  if (!store_exec(conn, "BEGIN", 0, NULL, error))
    return FALSE;
  store_numbers_open(conn);
  return TRUE;
}

gboolean
store_commit(StoreConn *conn, GError **error)
{
  gboolean ok = store_numbers_flush(conn, error) && store_exec(conn, "COMMIT", 0, NULL, error);
  store_numbers_close(conn);
  if (!ok)
    store_behind_clear(conn); /* the transaction is gone; committed, the written rows stay known */
  conn->behind_failed = conn->behind_failed && !ok; /* a failure stays said until the next BEGIN */
  conn->unit_open = conn->sp_open = FALSE;
  return ok;
}

void
store_rollback(StoreConn *conn)
{
  g_autoptr(GError) ignored = NULL;
  store_numbers_close(conn);
  store_behind_clear(conn); /* never written: the transaction ends */
  conn->unit_open = conn->sp_open = FALSE;
  store_flush_deferred(conn, &ignored); /* whatever it says, the transaction ends here */
  if (PQstatus(conn->pg) == CONNECTION_OK && PQtransactionStatus(conn->pg) != PQTRANS_IDLE) {
    g_autoptr(PGresult) r = PQexec(conn->pg, "ROLLBACK");
  }
}

/* A unit begins: marks; its SAVEPOINT sent now, or with write-behind on when it first needs one. */
static gboolean
unit_start(StoreConn *conn, GError **error)
{
  store_numbers_mark(conn);
  store_behind_mark(conn);
  conn->unit_open = TRUE;
  if (store_behind_on(conn))
    return TRUE;
  conn->sp_open = TRUE;
  conn->savepoints++;
  return store_defer(conn, "SAVEPOINT intake_unit", error);
}

gboolean
store_savepoint(StoreConn *conn, GError **error)
{
  return unit_start(conn, error);
}

gboolean
store_savepoint_rollback(StoreConn *conn, GError **error)
{
  g_autoptr(GError) undone = NULL;
  store_flush_deferred(conn, &undone); /* what was sent ahead in the unit is undone, failed or not */
  store_behind_restore(conn);          /* the unit's kept rows go; those before its mark stay kept */
  if (conn->behind_failed) {
    /* the failure may lie before this unit's SAVEPOINT: a ROLLBACK TO could reach the unit before */
    g_set_error(error, STORE_ERROR, STORE_ERROR_BEHIND, "the rows written behind failed (%s)",
                undone ? undone->message : "the transaction is aborted");
    return FALSE;
  }
  if (!conn->sp_open) {
    /* the unit ran only statements that pass the kept rows (reads, sequences, a counter's lock) */
    store_numbers_restore(conn);
    if (PQtransactionStatus(conn->pg) != PQTRANS_INERROR)
      return TRUE;
    conn->behind_failed = TRUE; /* no savepoint to go back to: the batch is done again */
    if (!conn->behind_why)
      conn->behind_why = g_strdup(undone ? undone->message : "the transaction is aborted");
    g_set_error(error, STORE_ERROR, STORE_ERROR_BEHIND,
                "a statement of a mail without its own savepoint failed (%s)",
                undone ? undone->message : "the transaction is aborted");
    return FALSE;
  }
  conn->behind_pass++;
  gboolean ok = store_exec(conn, "ROLLBACK TO SAVEPOINT intake_unit", 0, NULL, error);
  conn->behind_pass--;
  if (!ok)
    return FALSE;
  store_numbers_restore(conn);
  return TRUE;
}

gboolean
store_savepoint_next(StoreConn *conn, GError **error)
{
  if (conn->sp_open && !store_defer(conn, "RELEASE SAVEPOINT intake_unit", error))
    return FALSE;
  conn->sp_open = FALSE;
  return unit_start(conn, error);
}

gboolean
store_lock_try(StoreConn *conn, const char *key, GError **error)
{
  const char *p[] = { key };
  g_autoptr(PGresult) r = store_run(conn, "SELECT pg_try_advisory_lock(hashtextextended($1, 0))", 1, p);
  if (!store_check(conn, r, PGRES_TUPLES_OK, error))
    return FALSE;
  if (g_str_equal(PQgetvalue(r, 0, 0), "t"))
    return TRUE;
  g_set_error(error, STORE_ERROR, STORE_ERROR_BUSY, "another process holds the lock on %s", key);
  return FALSE;
}

void
store_lock_holder_free(StoreLockHolder *holder)
{
  if (!holder)
    return;
  g_free(holder->application);
  g_free(holder->client);
  g_free(holder->state);
  g_free(holder->since);
  g_free(holder->role);
  g_free(holder);
}

StoreLockHolder *
store_lock_holder(StoreConn *conn, const char *key, GError **error)
{
  const char *p[] = { key };
  g_autoptr(PGresult) r =
    store_run(conn,
              "SELECT a.pid, a.application_name, coalesce(host(a.client_addr), 'local socket'), a.state,"
              " to_char(a.backend_start, 'YYYY-MM-DD HH24:MI:SSOF'),"
              " floor(extract(epoch FROM now() - a.backend_start))::bigint,"
              " floor(extract(epoch FROM now() - a.xact_start))::bigint, a.usename"
              " FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
              " WHERE " STORE_MAILBOX_LOCK("$1") " AND l.pid <> pg_backend_pid()"
                                                 " LIMIT 1",
              1, p);
  if (!store_check(conn, r, PGRES_TUPLES_OK, error))
    return NULL;
  if (PQntuples(r) == 0)
    return NULL;
  StoreLockHolder *h = g_new0(StoreLockHolder, 1);
  h->pid = atoi(PQgetvalue(r, 0, 0));
  /* another role's session shows NULL here without pg_read_all_stats */
  h->application = PQgetisnull(r, 0, 1) ? NULL : g_strdup(PQgetvalue(r, 0, 1));
  h->client = PQgetisnull(r, 0, 2) ? NULL : g_strdup(PQgetvalue(r, 0, 2));
  h->state = PQgetisnull(r, 0, 3) ? NULL : g_strdup(PQgetvalue(r, 0, 3));
  h->since = PQgetisnull(r, 0, 4) ? NULL : g_strdup(PQgetvalue(r, 0, 4));
  h->age_s = PQgetisnull(r, 0, 5) ? -1 : g_ascii_strtoll(PQgetvalue(r, 0, 5), NULL, 10);
  h->xact_age_s = PQgetisnull(r, 0, 6) ? -1 : g_ascii_strtoll(PQgetvalue(r, 0, 6), NULL, 10);
  h->role = PQgetisnull(r, 0, 7) ? NULL : g_strdup(PQgetvalue(r, 0, 7));
  return h;
}

gboolean
store_lock_release(StoreConn *conn, const char *key, GError **error)
{
  const char *p[] = { key };
  return store_exec(conn, "SELECT pg_advisory_unlock(hashtextextended($1, 0))", 1, p, error);
}

/* A result's rows as text (NULL is SQL NULL). */
static StoreRows *
rows_of(PGresult *r)
{
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

StoreRows *
store_select(StoreConn *conn, const char *sql, int nparams, const char *const *params, GError **error)
{
  g_autoptr(PGresult) r = store_run(conn, sql, nparams, params);
  if (!store_check(conn, r, PGRES_TUPLES_OK, error))
    return NULL;
  return rows_of(r);
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

gint64
store_rows_int(const StoreRows *rows, guint row, guint col)
{
  const char *v = ((char **)g_ptr_array_index(rows->rows, row))[col];
  return v ? g_ascii_strtoll(v, NULL, 10) : 0;
}

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
store_int_text(gint64 v)
{
  return g_strdup_printf("%" G_GINT64_FORMAT, v);
}

gboolean
store_identifier_valid(const char *s)
{
  if (!s || !*s || strlen(s) > 63)
    return FALSE;
  for (const char *c = s; *c; c++)
    if (!(g_ascii_isalnum(*c) || *c == '_'))
      return FALSE;
  return !g_ascii_isdigit(*s);
}

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

gboolean
store_copy_begin(StoreConn *conn, const char *table, const char *const *columns, guint ncols, GError **error)
{
  if (!behind_before(conn, error) || !store_flush_deferred(conn, error))
    return FALSE;
  g_autoptr(GString) sql = g_string_new(NULL);
  g_string_append_printf(sql, "COPY %s (", table);
  for (guint i = 0; i < ncols; i++)
    g_string_append_printf(sql, "%s%s", i ? ", " : "", columns[i]);
  g_string_append(sql, ") FROM STDIN");
  g_autoptr(PGresult) r = PQexec(conn->pg, sql->str);
  return store_check(conn, r, PGRES_COPY_IN, error);
}

void
store_copy_row(GString *buf, const char *const *values, guint ncols)
{
  for (guint c = 0; c < ncols; c++) {
    if (c)
      g_string_append_c(buf, '\t');
    copy_value(buf, values[c]);
  }
  g_string_append_c(buf, '\n');
}

gboolean
store_copy_send(StoreConn *conn, GString *buf, GError **error)
{
  if (buf->len && PQputCopyData(conn->pg, buf->str, (int)buf->len) != 1)
    return store_fail(conn, error);
  g_string_truncate(buf, 0);
  return TRUE;
}

gboolean
store_copy_end(StoreConn *conn, const char *abandon, GError **error)
{
  if (PQputCopyEnd(conn->pg, abandon) != 1)
    return store_fail(conn, error);
  g_autoptr(PGresult) r = PQgetResult(conn->pg);
  gboolean ok = store_check(conn, r, PGRES_COMMAND_OK, error);
  PGresult *extra; /* drain: libpq wants NULL before the next command */
  while ((extra = PQgetResult(conn->pg)))
    PQclear(extra);
  return ok;
}

gboolean
store_copy_rows(StoreConn *conn, const char *table, const char *const *columns, guint ncols,
                const GPtrArray *rows, GError **error)
{
  if (!store_copy_begin(conn, table, columns, ncols, error))
    return FALSE;
  g_autoptr(GString) data = g_string_new(NULL);
  for (guint i = 0; i < rows->len; i++)
    store_copy_row(data, g_ptr_array_index(rows, i), ncols);
  if (!store_copy_send(conn, data, error)) {
    store_copy_end(conn, "not sent", NULL);
    return FALSE;
  }
  return store_copy_end(conn, NULL, error);
}
