/* tests/store/test_conn.c: the connection keeps each statement prepared (once, bounded, a stale plan
 * prepared afresh), and statements sent ahead in pipeline mode report errors where they belong. */
#include "harness.h"
#include "store-private.h"

#include <criterion/criterion.h>
#include <string.h>

static StoreTest *T;
static StoreConn *C;

static void
setup(void)
{
  T = st_setup_empty();
  g_autofree char *ci = g_strdup_printf("host=%s port=%s dbname=%s", T->host, T->port, T->dbname);
  g_autoptr(GError) error = NULL;
  C = store_connect(ci, &error);
  cr_assert(C, "connect: %s", error ? error->message : "?");
  cr_assert(store_exec(C, "CREATE TABLE t (a int, b text)", 0, NULL, &error), "%s",
            error ? error->message : "");
  cr_assert(store_exec(C, "INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 10) g", 0, NULL, &error));
}

static void
teardown(void)
{
  store_close(C);
  st_teardown(T);
}

/* How many statements were sent ahead and not read yet. */
static guint
pending_len(StoreConn *c)
{
  return c->pending ? c->pending->len : 0;
}

/* How many statements this connection has prepared (the server's own list). */
static gint64
prepared_count(void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StoreRows) r = store_select(C, "SELECT count(*) FROM pg_prepared_statements", 0, NULL, &error);
  cr_assert(r, "%s", error ? error->message : "");
  return store_rows_int(r, 0, 0);
}

Test(conn, prepares_once_and_reuses, .init = setup, .fini = teardown)
{
  g_autoptr(GError) error = NULL;
  gint64 before = prepared_count();
  for (int i = 1; i <= 10; i++) {
    g_autofree char *v = g_strdup_printf("%d", i);
    const char *p[] = { v };
    g_autoptr(StoreRows) r = store_select(C, "SELECT b FROM t WHERE a = $1", 1, p, &error);
    cr_assert(r, "%s", error ? error->message : "");
    cr_assert_eq(r->rows->len, 1);
    g_autofree char *want = g_strdup_printf("v%d", i);
    cr_assert_str_eq(((char **)r->rows->pdata[0])[0], want);
  }
  /* the count query itself and the SELECT: one statement each, however often they ran */
  cr_assert_eq(prepared_count(), before + 1, "prepared %" G_GINT64_FORMAT " then %" G_GINT64_FORMAT, before,
               prepared_count());
  g_autoptr(StoreRows) r = store_select(
    C, "SELECT count(*) FROM pg_prepared_statements WHERE statement = 'SELECT b FROM t WHERE a = $1'", 0,
    NULL, &error);
  cr_assert(r);
  cr_assert_eq(store_rows_int(r, 0, 0), 1);
}

Test(conn, stale_plan_is_prepared_again, .init = setup, .fini = teardown)
{
  g_autoptr(GError) error = NULL;
  const char *p[] = { "2" };
  g_autoptr(StoreRows) r1 = store_select(C, "SELECT * FROM t WHERE a = $1", 1, p, &error);
  cr_assert(r1, "%s", error ? error->message : "");
  cr_assert_eq(r1->ncols, 2);
  cr_assert(store_exec(C, "ALTER TABLE t ADD COLUMN c int DEFAULT 7", 0, NULL, &error));
  /* the prepared plan's result type changed: PostgreSQL refuses it once; the store runs it again */
  g_autoptr(StoreRows) r2 = store_select(C, "SELECT * FROM t WHERE a = $1", 1, p, &error);
  cr_assert(r2, "after ALTER: %s", error ? error->message : "");
  cr_assert_eq(r2->ncols, 3);
  cr_assert_str_eq(((char **)r2->rows->pdata[0])[2], "7");
  /* and it is kept prepared again */
  g_autoptr(StoreRows) r3 = store_select(C, "SELECT * FROM t WHERE a = $1", 1, p, &error);
  cr_assert(r3, "%s", error ? error->message : "");
  cr_assert_eq(r3->ncols, 3);
}

Test(conn, cache_is_bounded, .init = setup, .fini = teardown)
{
  g_autoptr(GError) error = NULL;
  for (int i = 0; i < 400; i++) {
    g_autofree char *sql = g_strdup_printf("SELECT a + %d FROM t WHERE a = $1", i);
    const char *p[] = { "1" };
    g_autoptr(StoreRows) r = store_select(C, sql, 1, p, &error);
    cr_assert(r, "%s", error ? error->message : "");
    g_autofree char *want = g_strdup_printf("%d", i + 1);
    cr_assert_str_eq(((char **)r->rows->pdata[0])[0], want);
  }
  gint64 n = prepared_count();
  cr_assert(n >= 200 && n <= 256, "%" G_GINT64_FORMAT " statements prepared", n);
}

Test(conn, bad_sql_keeps_the_server_message, .init = setup, .fini = teardown)
{
  g_autoptr(GError) error = NULL;
  const char *p[] = { "1" };
  g_autoptr(StoreRows) r = store_select(C, "SELECT nosuchcolumn FROM t WHERE a = $1", 1, p, &error);
  cr_assert_null(r);
  cr_assert(error && strstr(error->message, "nosuchcolumn"), "%s", error ? error->message : "no error");
  /* nothing was kept for it: a later good statement works */
  g_clear_error(&error);
  g_autoptr(StoreRows) ok = store_select(C, "SELECT b FROM t WHERE a = $1", 1, p, &error);
  cr_assert(ok, "%s", error ? error->message : "");
}

/* What an error says and is: a missing table or column is the schema's (STORE_ERROR_SCHEMA: the
 * message says to run `db migrate`), a full disk or a timeout is not, and the message is the server's
 * without its severity prefix; a statement_timeout names the setting (blind round 11c: "ERROR:
 * canceling statement due to statement timeout", and "run `intake db migrate`" for a full disk). */
Test(conn, errors_say_what_they_are, .init = setup, .fini = teardown)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StoreRows) none = store_select(C, "SELECT a FROM no_such_table", 0, NULL, &error);
  cr_assert(g_error_matches(error, STORE_ERROR, STORE_ERROR_SCHEMA), "%s",
            error ? error->message : "no error");
  cr_expect(g_str_has_prefix(error->message, "relation \"no_such_table\""), "%s", error->message);
  g_clear_error(&error);
  g_autoptr(StoreRows) col = store_select(C, "SELECT nosuchcolumn FROM t", 0, NULL, &error);
  cr_assert(g_error_matches(error, STORE_ERROR, STORE_ERROR_SCHEMA), "%s",
            error ? error->message : "no error");
  g_clear_error(&error);
  g_autoptr(StoreRows) zero = store_select(C, "SELECT 1 / 0", 0, NULL, &error);
  cr_assert(g_error_matches(error, STORE_ERROR, STORE_ERROR_QUERY), "%s",
            error ? error->message : "no error");
  cr_expect(!strstr(error->message, "ERROR:"), "%s", error->message);
  g_clear_error(&error);
  cr_assert(store_exec(C, "SET statement_timeout = '50ms'", 0, NULL, &error), "%s",
            error ? error->message : "");
  g_autoptr(StoreRows) slow = store_select(C, "SELECT pg_sleep(2)", 0, NULL, &error);
  cr_assert(g_error_matches(error, STORE_ERROR, STORE_ERROR_QUERY), "%s",
            error ? error->message : "no error");
  cr_expect(g_str_has_prefix(error->message, "PostgreSQL canceling statement due to statement timeout") &&
              strstr(error->message, "statement_timeout; intake's default 5min"),
            "%s", error->message);
}

/* ---- statements sent ahead (pipeline mode): their errors, and a connection that dies ---- */

/* The connection is back to itself: out of pipeline mode, no transaction, and it answers. */
static void
assert_usable(StoreConn *c)
{
  g_autoptr(GError) error = NULL;
  cr_assert_eq(PQpipelineStatus(c->pg), PQ_PIPELINE_OFF);
  cr_assert_eq(pending_len(c), 0);
  const char *p[] = { "3" };
  g_autoptr(StoreRows) r = store_select(c, "SELECT b FROM t WHERE a = $1", 1, p, &error);
  cr_assert(r, "%s", error ? error->message : "");
  cr_assert_str_eq(((char **)r->rows->pdata[0])[0], "v3");
}

static gint64
count_rows(StoreConn *c, const char *b)
{
  g_autoptr(GError) error = NULL;
  const char *p[] = { b };
  g_autoptr(StoreRows) r = store_select(c, "SELECT count(*) FROM t WHERE b = $1", 1, p, &error);
  cr_assert(r, "%s", error ? error->message : "");
  return store_rows_int(r, 0, 0);
}

Test(conn, deferred_savepoint_outside_a_transaction, .init = setup, .fini = teardown)
{
  g_autoptr(GError) error = NULL;
  cr_assert(store_savepoint(C, &error), "%s", error ? error->message : "");
  const char *p[] = { "1" };
  g_autoptr(StoreRows) r = store_select(C, "SELECT b FROM t WHERE a = $1", 1, p, &error);
  /* the SAVEPOINT's own error, reported by the statement it travelled with */
  cr_assert_null(r);
  cr_assert(error && strstr(error->message, "SAVEPOINT"), "%s", error ? error->message : "no error");
  cr_assert(!store_error_transient(error));
  cr_assert_eq(PQtransactionStatus(C->pg), PQTRANS_IDLE);
  assert_usable(C);
  /* and a deferred one flushed by a plain PQexec statement (COMMIT, BEGIN…) reports it too */
  g_clear_error(&error);
  cr_assert(store_savepoint(C, &error));
  cr_assert_not(store_exec(C, "SELECT 1", 0, NULL, &error));
  cr_assert(error && strstr(error->message, "SAVEPOINT"), "%s", error ? error->message : "no error");
  assert_usable(C);
}

Test(conn, statement_failing_after_deferred_ones, .init = setup, .fini = teardown)
{
  g_autoptr(GError) error = NULL;
  const char *ok[] = { "11", "kept" };
  const char *bad[] = { "not a number", "lost" };
  cr_assert(store_begin(C, &error), "%s", error ? error->message : "");
  cr_assert(store_savepoint(C, &error));
  cr_assert(store_exec(C, "INSERT INTO t (a, b) VALUES ($1, $2)", 2, ok, &error), "%s",
            error ? error->message : "");
  cr_assert(store_savepoint_next(C, &error)); /* RELEASE + SAVEPOINT, both sent ahead */
  cr_assert_eq(pending_len(C), 2);
  cr_assert_not(store_exec(C, "INSERT INTO t (a, b) VALUES ($1, $2)", 2, bad, &error));
  /* its own error, not a deferred statement's or "aborted" */
  cr_assert(error && strstr(error->message, "invalid input syntax"), "%s", error ? error->message : "none");
  cr_assert(!store_error_transient(error));
  cr_assert_eq(PQpipelineStatus(C->pg), PQ_PIPELINE_OFF);
  cr_assert_eq(PQtransactionStatus(C->pg), PQTRANS_INERROR);
  g_clear_error(&error);
  cr_assert(store_savepoint_rollback(C, &error), "%s", error ? error->message : "");
  cr_assert_eq(PQtransactionStatus(C->pg), PQTRANS_INTRANS);
  cr_assert(store_commit(C, &error), "%s", error ? error->message : "");
  cr_assert_eq(count_rows(C, "kept"), 1);
  cr_assert_eq(count_rows(C, "lost"), 0);
  assert_usable(C);
}

/* Ends c's backend from a second connection and waits (server side) until it is gone. */
static void
terminate(StoreConn *c)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *ci = g_strdup_printf("host=%s port=%s dbname=%s", T->host, T->port, T->dbname);
  StoreConn *killer = store_connect(ci, &error);
  cr_assert(killer, "%s", error ? error->message : "");
  g_autofree char *pid = g_strdup_printf("%d", PQbackendPID(c->pg));
  const char *p[] = { pid };
  /* PostgreSQL 14+: waits for the process to exit (or 5 min) */
  g_autoptr(StoreRows) r = store_select(killer, "SELECT pg_terminate_backend($1::int, 300000)", 1, p, &error);
  cr_assert(r, "%s", error ? error->message : "");
  cr_assert_str_eq(((char **)r->rows->pdata[0])[0], "t");
  store_close(killer);
}

Test(conn, backend_killed_between_defer_and_statement, .init = setup, .fini = teardown)
{
  g_autoptr(GError) error = NULL;
  cr_assert(store_begin(C, &error), "%s", error ? error->message : "");
  cr_assert(store_savepoint(C, &error));
  terminate(C);
  const char *p[] = { "12", "after" };
  cr_assert_not(store_exec(C, "INSERT INTO t (a, b) VALUES ($1, $2)", 2, p, &error));
  /* transient: the poll stops, flags nothing, and the mail is fetched again next time */
  cr_assert(store_error_transient(error), "%s", error ? error->message : "no error");
  store_rollback(C); /* no crash, no hang on a dead connection */
  g_clear_error(&error);
  cr_assert_not(store_commit(C, &error));
  cr_assert(store_error_transient(error), "%s", error ? error->message : "no error");
}

Test(conn, backend_killed_then_deferred_flushed, .init = setup, .fini = teardown)
{
  g_autoptr(GError) error = NULL;
  cr_assert(store_begin(C, &error), "%s", error ? error->message : "");
  cr_assert(store_savepoint(C, &error) && store_savepoint_next(C, &error));
  cr_assert_eq(pending_len(C), 3);
  terminate(C);
  cr_assert_not(store_commit(C, &error));
  cr_assert(store_error_transient(error), "%s", error ? error->message : "no error");
  store_rollback(C);
}

/* ---- the prepared-statement cache across transactions ---- */

Test(conn, stale_plan_behind_a_deferred_savepoint_is_forgotten, .init = setup, .fini = teardown)
{
  g_autoptr(GError) error = NULL;
  const char *p[] = { "2" };
  g_autoptr(StoreRows) r1 = store_select(C, "SELECT * FROM t WHERE a = $1", 1, p, &error);
  cr_assert(r1, "%s", error ? error->message : "");
  cr_assert(store_exec(C, "ALTER TABLE t ADD COLUMN c int DEFAULT 7", 0, NULL, &error));
  cr_assert(store_begin(C, &error));
  /* a mail's unit: the savepoint travels with the statement, whose plan is stale (0A000) */
  for (int attempt = 0; attempt < 2; attempt++) {
    g_clear_error(&error);
    cr_assert(store_savepoint(C, &error));
    g_autoptr(StoreRows) r = store_select(C, "SELECT * FROM t WHERE a = $1", 1, p, &error);
    if (r) {
      cr_assert_eq(r->ncols, 3);
      break;
    }
    /* refused once at most: the next mail's statement is prepared afresh; the mail is not at fault
     * (transient: the poll retries it rather than quarantining it) */
    cr_assert_eq(attempt, 0, "still refused: %s", error ? error->message : "");
    cr_assert(store_error_transient(error), "%s", error->message);
    g_clear_error(&error);
    cr_assert(store_savepoint_rollback(C, &error), "%s", error ? error->message : "");
  }
  cr_assert(store_commit(C, &error), "%s", error ? error->message : "");
}

Test(conn, bad_sql_in_a_transaction_keeps_the_server_message, .init = setup, .fini = teardown)
{
  g_autoptr(GError) error = NULL;
  const char *p[] = { "1" };
  cr_assert(store_begin(C, &error));
  g_autoptr(StoreRows) r = store_select(C, "SELECT nosuchcolumn FROM t WHERE a = $1", 1, p, &error);
  cr_assert_null(r);
  /* the failed prepare aborted the transaction: its error, not "current transaction is aborted" */
  cr_assert(error && strstr(error->message, "nosuchcolumn"), "%s", error ? error->message : "no error");
  store_rollback(C);
  assert_usable(C);
}

/* A prepare that waits for a lock and gives up (lock_timeout, 55P03) inside a transaction is a
 * transient error: the poll stops and retries the mail, it does not quarantine it as if the mail
 * were at fault ("current transaction is aborted" is not transient). */
Test(conn, lock_timeout_while_preparing_is_transient, .init = setup, .fini = teardown)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *ci = g_strdup_printf("host=%s port=%s dbname=%s", T->host, T->port, T->dbname);
  StoreConn *holder = store_connect(ci, &error);
  cr_assert(holder, "%s", error ? error->message : "");
  cr_assert(store_begin(holder, &error) &&
              store_exec(holder, "LOCK TABLE t IN ACCESS EXCLUSIVE MODE", 0, NULL, &error),
            "%s", error ? error->message : "");
  cr_assert(store_exec(C, "SET lock_timeout = '20ms'", 0, NULL, &error));
  cr_assert(store_begin(C, &error));
  const char *p[] = { "1" };
  g_autoptr(StoreRows) r = store_select(C, "SELECT b FROM t WHERE a = $1 AND a > 0", 1, p, &error);
  cr_assert_null(r);
  cr_assert(store_error_transient(error), "%s", error ? error->message : "no error");
  store_rollback(C);
  store_rollback(holder);
  store_close(holder);
  assert_usable(C);
}

/* The statement that follows a SAVEPOINT sent ahead (the mail's insert in a poll) is prepared in the
 * same pipeline the first time, then reused: never parsed and planned once per mail. */
Test(conn, statement_behind_a_deferred_savepoint_is_prepared_once, .init = setup, .fini = teardown)
{
  g_autoptr(GError) error = NULL;
  cr_assert(store_begin(C, &error), "%s", error ? error->message : "");
  cr_assert(store_savepoint(C, &error));
  for (int i = 0; i < 5; i++) {
    cr_assert(store_savepoint_next(C, &error));
    g_autofree char *v = g_strdup_printf("%d", 100 + i);
    const char *p[] = { v };
    g_autoptr(StoreRows) r =
      store_select(C, "INSERT INTO t (a, b) VALUES ($1, 'x') RETURNING a", 1, p, &error);
    cr_assert(r, "insert %d: %s", i, error ? error->message : "");
    cr_assert_str_eq(((char **)r->rows->pdata[0])[0], v);
  }
  cr_assert(store_commit(C, &error), "%s", error ? error->message : "");
  g_autoptr(StoreRows) r =
    store_select(C,
                 "SELECT count(*) FROM pg_prepared_statements"
                 " WHERE statement = 'INSERT INTO t (a, b) VALUES ($1, ''x'') RETURNING a'",
                 0, NULL, &error);
  cr_assert(r, "%s", error ? error->message : "");
  cr_assert_eq(store_rows_int(r, 0, 0), 1, "prepared %" G_GINT64_FORMAT " times", store_rows_int(r, 0, 0));
  g_autoptr(StoreRows) n = store_select(C, "SELECT count(*) FROM t WHERE a >= 100", 0, NULL, &error);
  cr_assert_eq(store_rows_int(n, 0, 0), 5);
}

/* ---- reads sent ahead (store_send_ahead): rows kept for the caller ---- */

static char *
cell(StoreRows *r, guint row, guint col)
{
  return ((char **)g_ptr_array_index(r->rows, row))[col];
}

Test(conn, reads_sent_ahead_travel_with_the_next_statement, .init = setup, .fini = teardown)
{
  g_autoptr(GError) error = NULL;
  cr_assert(store_begin(C, &error));
  cr_assert(store_savepoint(C, &error));
  const char *p3[] = { "3" }, *p4[] = { "4" }, *p5[] = { "5" };
  g_autoptr(StoreAhead) a = store_send_ahead(C, "SELECT b FROM t WHERE a = $1", 1, p3, &error);
  cr_assert(a, "%s", error ? error->message : "");
  g_autoptr(StoreAhead) b = store_send_ahead(C, "SELECT b FROM t WHERE a = $1", 1, p4, &error);
  cr_assert(b, "%s", error ? error->message : "");
  /* the first use prepared the statement on its own; the second went into the pipeline */
  cr_assert_eq(pending_len(C), 2, "%u pending", pending_len(C));
  g_autoptr(StoreRows) main = store_select(C, "SELECT b FROM t WHERE a = $1", 1, p5, &error);
  cr_assert(main, "%s", error ? error->message : "");
  cr_assert_eq(pending_len(C), 0, "read with the statement after them");
  cr_assert_str_eq(cell(main, 0, 0), "v5");
  g_autoptr(StoreRows) ra = store_ahead_rows(C, a, &error);
  g_autoptr(StoreRows) rb = store_ahead_rows(C, b, &error);
  cr_assert(ra && rb, "%s", error ? error->message : "");
  cr_assert_str_eq(cell(ra, 0, 0), "v3");
  cr_assert_str_eq(cell(rb, 0, 0), "v4");
  /* nothing after it: taking its rows sends the pipeline */
  g_autoptr(StoreAhead) c = store_send_ahead(C, "SELECT b FROM t WHERE a = $1", 1, p3, &error);
  g_autoptr(StoreRows) rc = store_ahead_rows(C, c, &error);
  cr_assert(rc, "%s", error ? error->message : "");
  cr_assert_str_eq(cell(rc, 0, 0), "v3");
  cr_assert(store_commit(C, &error), "%s", error ? error->message : "");
}

Test(conn, read_sent_ahead_that_fails_fails_the_next_statement_with_its_error, .init = setup,
     .fini = teardown)
{
  g_autoptr(GError) error = NULL;
  cr_assert(store_begin(C, &error));
  cr_assert(store_savepoint(C, &error));
  const char *zero[] = { "0" }, *one[] = { "1" };
  /* prepared once outside the pipeline, then failing inside it */
  g_autoptr(StoreAhead) warm = store_send_ahead(C, "SELECT 10 / $1::int", 1, one, &error);
  g_autoptr(StoreRows) w = store_ahead_rows(C, warm, &error);
  cr_assert(w, "%s", error ? error->message : "");
  g_autoptr(StoreAhead) bad = store_send_ahead(C, "SELECT 10 / $1::int", 1, zero, &error);
  g_autoptr(StoreAhead) after = store_send_ahead(C, "SELECT 10 / $1::int", 1, one, &error);
  cr_assert(bad && after, "%s", error ? error->message : "");
  g_autoptr(StoreRows) main = store_select(C, "SELECT b FROM t WHERE a = $1", 1, one, &error);
  cr_assert_null(main);
  cr_assert(error && strstr(error->message, "division by zero"), "%s", error ? error->message : "?");
  g_clear_error(&error);
  g_autoptr(StoreRows) rb = store_ahead_rows(C, bad, &error);
  cr_assert_null(rb);
  cr_assert(error && strstr(error->message, "division by zero"), "%s", error ? error->message : "?");
  g_clear_error(&error);
  g_autoptr(StoreRows) ra = store_ahead_rows(C, after, &error);
  cr_assert_null(ra);
  cr_assert(error && strstr(error->message, "not run"), "%s", error ? error->message : "?");
  g_clear_error(&error);
  /* the unit is undone and the connection goes on */
  cr_assert(store_savepoint_rollback(C, &error), "%s", error ? error->message : "");
  g_autoptr(StoreRows) again = store_select(C, "SELECT b FROM t WHERE a = $1", 1, one, &error);
  cr_assert(again, "%s", error ? error->message : "");
  cr_assert(store_commit(C, &error), "%s", error ? error->message : "");
}

Test(conn, read_sent_ahead_dropped_unread_is_read_and_freed_by_the_pipeline, .init = setup, .fini = teardown)
{
  g_autoptr(GError) error = NULL;
  const char *p2[] = { "2" };
  cr_assert(store_begin(C, &error));
  StoreAhead *warm = store_send_ahead(C, "SELECT b FROM t WHERE a = $1", 1, p2, &error);
  store_ahead_unref(warm);
  StoreAhead *a = store_send_ahead(C, "SELECT b FROM t WHERE a = $1", 1, p2, &error);
  cr_assert(a);
  store_ahead_unref(a); /* the caller no longer wants it: the pipeline still holds it */
  cr_assert_eq(pending_len(C), 2, "both dropped, both still in the pipeline");
  g_autoptr(StoreRows) main = store_select(C, "SELECT b FROM t WHERE a = $1", 1, p2, &error);
  cr_assert(main, "%s", error ? error->message : "");
  cr_assert_str_eq(cell(main, 0, 0), "v2", "the main statement's rows, not the one sent before it");
  cr_assert(store_commit(C, &error), "%s", error ? error->message : "");
}

/* The connection dies with reads sent ahead: each of them, and the statement they travel with, says
 * the connection was lost (transient: the poll stops and the batch is fetched again), nothing leaks,
 * and ending the transaction on the dead connection neither crashes nor hangs. */
Test(conn, reads_sent_ahead_when_the_backend_is_killed, .init = setup, .fini = teardown)
{
  g_autoptr(GError) error = NULL;
  cr_assert(store_begin(C, &error), "%s", error ? error->message : "");
  cr_assert(store_savepoint(C, &error));
  const char *p3[] = { "3" }, *p4[] = { "4" };
  g_autoptr(StoreAhead) warm = store_send_ahead(C, "SELECT b FROM t WHERE a = $1", 1, p3, &error);
  g_autoptr(StoreRows) w = store_ahead_rows(C, warm, &error);
  cr_assert(w, "%s", error ? error->message : "");
  g_autoptr(StoreAhead) a = store_send_ahead(C, "SELECT b FROM t WHERE a = $1", 1, p3, &error);
  g_autoptr(StoreAhead) b = store_send_ahead(C, "SELECT b FROM t WHERE a = $1", 1, p4, &error);
  cr_assert(a && b, "%s", error ? error->message : "");
  cr_assert_eq(pending_len(C), 2, "both reads in the pipeline: %u", pending_len(C));
  terminate(C);
  cr_assert_null(store_select(C, "SELECT b FROM t WHERE a = $1", 1, p4, &error));
  cr_assert(store_error_transient(error), "%s", error ? error->message : "no error");
  cr_assert_eq(pending_len(C), 0);
  g_autoptr(GError) ea = NULL, eb = NULL;
  cr_assert_null(store_ahead_rows(C, a, &ea));
  cr_assert_null(store_ahead_rows(C, b, &eb));
  cr_assert(store_error_transient(ea), "%s", ea ? ea->message : "no error");
  cr_assert(store_error_transient(eb), "%s", eb ? eb->message : "no error");
  store_rollback(C);
}

/* The same, the read's own rows taken first: taking them sends the pipeline. */
Test(conn, read_sent_ahead_taken_when_the_backend_is_killed, .init = setup, .fini = teardown)
{
  g_autoptr(GError) error = NULL;
  cr_assert(store_begin(C, &error), "%s", error ? error->message : "");
  const char *p3[] = { "3" };
  g_autoptr(StoreAhead) warm = store_send_ahead(C, "SELECT b FROM t WHERE a = $1", 1, p3, &error);
  g_autoptr(StoreRows) w = store_ahead_rows(C, warm, &error);
  cr_assert(w, "%s", error ? error->message : "");
  cr_assert(store_savepoint(C, &error));
  g_autoptr(StoreAhead) a = store_send_ahead(C, "SELECT b FROM t WHERE a = $1", 1, p3, &error);
  cr_assert(a, "%s", error ? error->message : "");
  terminate(C);
  cr_assert_null(store_ahead_rows(C, a, &error));
  cr_assert(store_error_transient(error), "%s", error ? error->message : "no error");
  g_clear_error(&error);
  cr_assert_not(store_commit(C, &error));
  cr_assert(store_error_transient(error), "%s", error ? error->message : "no error");
  store_rollback(C);
}

/* A statement sent ahead fails with a transient error (a lock wait given up, a deadlock): a read sent
 * after it was not run, and taking that read's rows reports the cause, still transient — not a
 * permanent "not run" that would quarantine the mail instead of fetching it again. */
Test(conn, read_sent_ahead_behind_a_transient_failure_reports_the_cause, .init = setup, .fini = teardown)
{
  g_autoptr(GError) error = NULL;
  cr_assert(store_exec(C,
                       "CREATE FUNCTION busy(x int) RETURNS int LANGUAGE plpgsql AS"
                       " $$BEGIN IF x = 0 THEN RAISE EXCEPTION 'row busy' USING ERRCODE = '55P03'; END IF;"
                       " RETURN x; END$$",
                       0, NULL, &error),
            "%s", error ? error->message : "");
  cr_assert(store_begin(C, &error), "%s", error ? error->message : "");
  const char *one[] = { "1" }, *zero[] = { "0" }, *p3[] = { "3" };
  /* both prepared outside the pipeline first */
  g_autoptr(StoreAhead) w1 = store_send_ahead(C, "SELECT busy($1::int)", 1, one, &error);
  g_autoptr(StoreAhead) w2 = store_send_ahead(C, "SELECT b FROM t WHERE a = $1", 1, p3, &error);
  g_autoptr(StoreRows) r1 = store_ahead_rows(C, w1, &error);
  g_autoptr(StoreRows) r2 = store_ahead_rows(C, w2, &error);
  cr_assert(r1 && r2, "%s", error ? error->message : "");
  cr_assert(store_savepoint(C, &error));
  g_autoptr(StoreAhead) bad = store_send_ahead(C, "SELECT busy($1::int)", 1, zero, &error);
  g_autoptr(StoreAhead) after = store_send_ahead(C, "SELECT b FROM t WHERE a = $1", 1, p3, &error);
  cr_assert(bad && after, "%s", error ? error->message : "");
  g_autoptr(StoreRows) ra = store_ahead_rows(C, after, &error);
  cr_assert_null(ra);
  cr_assert(store_error_transient(error), "the cause is transient, so is the read it stopped: %s",
            error ? error->message : "no error");
  cr_assert(strstr(error->message, "row busy"), "names the cause: %s", error->message);
  g_clear_error(&error);
  g_autoptr(StoreRows) rb = store_ahead_rows(C, bad, &error);
  cr_assert_null(rb);
  cr_assert(store_error_transient(error), "%s", error ? error->message : "no error");
  g_clear_error(&error);
  cr_assert(store_savepoint_rollback(C, &error), "%s", error ? error->message : "");
  cr_assert(store_commit(C, &error), "%s", error ? error->message : "");
}

/* A read sent ahead whose prepared plan went stale (its table changed shape, 0A000) is refused once
 * at most, as a statement run in place is: the next mail's read is prepared afresh. */
Test(conn, stale_plan_of_a_read_sent_ahead_is_forgotten, .init = setup, .fini = teardown)
{
  g_autoptr(GError) error = NULL;
  const char *p[] = { "2" };
  g_autoptr(StoreAhead) first = store_send_ahead(C, "SELECT * FROM t WHERE a = $1", 1, p, &error);
  g_autoptr(StoreRows) r1 = store_ahead_rows(C, first, &error);
  cr_assert(r1, "%s", error ? error->message : "");
  cr_assert_eq(r1->ncols, 2);
  cr_assert(store_exec(C, "ALTER TABLE t ADD COLUMN c int DEFAULT 7", 0, NULL, &error));
  cr_assert(store_begin(C, &error));
  for (int attempt = 0; attempt < 3; attempt++) {
    g_clear_error(&error);
    cr_assert(store_savepoint(C, &error));
    g_autoptr(StoreAhead) a = store_send_ahead(C, "SELECT * FROM t WHERE a = $1", 1, p, &error);
    cr_assert(a, "%s", error ? error->message : "");
    g_autoptr(StoreRows) r = store_ahead_rows(C, a, &error);
    if (r) {
      cr_assert_eq(r->ncols, 3);
      break;
    }
    cr_assert_eq(attempt, 0, "still refused at attempt %d: %s", attempt, error ? error->message : "");
    g_clear_error(&error);
    cr_assert(store_savepoint_rollback(C, &error), "%s", error ? error->message : "");
  }
  cr_assert(store_commit(C, &error), "%s", error ? error->message : "");
}

/* Pipeline mode entered and nothing sent in it (a send refused by libpq after pipeline_on, e.g. too
 * many parameters): the next flush still ends it, so PQexec (COMMIT, ROLLBACK) works again. */
Test(conn, pipeline_mode_with_nothing_pending_is_ended, .init = setup, .fini = teardown)
{
  g_autoptr(GError) error = NULL;
  cr_assert(store_begin(C, &error), "%s", error ? error->message : "");
  cr_assert(PQenterPipelineMode(C->pg));
  cr_assert(store_flush_deferred(C, &error), "%s", error ? error->message : "");
  cr_assert(store_commit(C, &error), "%s", error ? error->message : "");
  assert_usable(C);
}
