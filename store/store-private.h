/* store-private.h: what the store/ files share — the connection, the one PostgreSQL error converter,
 * the one PGresult cleanup and the statement runners. Only store/ (and tests that need the PGconn). */
#ifndef INTAKE_STORE_PRIVATE_H
#define INTAKE_STORE_PRIVATE_H

#include "store.h"

#include <libpq-fe.h>

struct StoreConn {
  PGconn *pg;
  GTimeZone *tz; /* the local day of order numbers and --since dates; STORE_DEFAULT_TIME_ZONE */
  gboolean statement_timeout_ours; /* store_connect set the default statement_timeout */
  GHashTable *prepared;            /* SQL text -> name of its prepared statement on this connection */
  guint prepared_seq;              /* the last name given */
  GPtrArray *pending;              /* statements sent ahead (pipeline mode), results not read yet: each its
                                      StoreAhead (rows wanted) or NULL (only an error matters) */
  GHashTable
    *numbers; /* in a store_begin transaction: local day -> last order number given (store/orders.c) */
  GHashTable *numbers_mark; /* the same at the open savepoint: what ROLLBACK TO gives back */
  GArray *order_ids;        /* intake.orders ids taken from its sequence, not used yet (gint64) */
};

/* Lifts (lift TRUE) or restores the default statement_timeout store_connect set, for work an operator
 * runs and watches (migrations); a no-op when the session's timeout came from the user. */
gboolean store_statement_timeout_lift(StoreConn *conn, gboolean lift, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(PGresult, PQclear)

/* The one error converter: TRUE when res has status want; else FALSE with error set to the server's
 * first line — STORE_ERROR_CONNECT when the connection is lost, STORE_ERROR_QUERY otherwise. */
gboolean store_check(StoreConn *conn, PGresult *res, ExecStatusType want, GError **error);
/* A failed COPY / libpq call without a result: the connection's message, converted as above. */
gboolean store_fail(StoreConn *conn, GError **error);

/* The order numbers of the open transaction (store/orders.c), kept in step by conn.c: open at BEGIN,
 * closed at COMMIT/ROLLBACK, marked at each savepoint and restored by ROLLBACK TO; flushed (the counter
 * rows written) just before COMMIT. */
void store_numbers_open(StoreConn *conn);
void store_numbers_close(StoreConn *conn);
void store_numbers_mark(StoreConn *conn);
void store_numbers_restore(StoreConn *conn);
gboolean store_numbers_flush(StoreConn *conn, GError **error);

/* Finishes what was sent ahead (store_savepoint …), reporting its error: before a caller uses the
 * connection's asynchronous calls itself (PQsendQuery…). */
gboolean store_flush_deferred(StoreConn *conn, GError **error);
/* Sends a parameterised statement ahead (pipeline mode) without waiting: it travels with the next
 * statement run, in one round trip. Its rows (or its error) are read with store_ahead_rows; an error
 * also fails the statement it travelled with, whose caller reports it. Unref when done. */
StoreAhead *store_send_ahead(StoreConn *conn, const char *sql, int n, const char *const *params,
                             GError **error);
/* The rows of a statement sent ahead (waiting for them if not read yet), as store_select gives them. */
StoreRows *store_ahead_rows(StoreConn *conn, StoreAhead *ahead, GError **error);

/* Runs a parameterised statement (text parameters, text results), prepared once per connection.
 * Caller PQclears. */
PGresult *store_run(StoreConn *conn, const char *sql, int n, const char *const *params);
/* The same with PQexecParams' lengths/formats (binary parameters) and result format. */
PGresult *store_run_formats(StoreConn *conn, const char *sql, int n, const char *const *params,
                            const int *lengths, const int *formats, int result_format);
/* A statement expecting no rows (or rows it ignores). Without parameters PQexec: several statements. */
gboolean store_exec(StoreConn *conn, const char *sql, int nparams, const char *const *params, GError **error);
/* The rows of a parameterised SELECT as text (NULL is SQL NULL). Free with store_rows_free. */
StoreRows *store_select(StoreConn *conn, const char *sql, int nparams, const char *const *params,
                        GError **error);
/* The first column of the first row as a gint64, for "… RETURNING id" and count(*). */
gint64 store_rows_int(const StoreRows *rows, guint row, guint col);

/* A NULL-terminated string list as a PostgreSQL text[] literal, for "= ANY($n::text[])". */
char *store_text_array(const char *const *values);
/* gint64 as text, for a parameter. Caller frees. */
char *store_int_text(gint64 v);

/* TRUE for a plain SQL identifier (letters, digits, _; not starting with a digit; ≤ 63 bytes). */
gboolean store_identifier_valid(const char *s);
/* COPY rows (each `const char *const *` of ncols values, NULL = SQL NULL) into table (schema-qualified,
 * validated by the caller) columns, in COPY text format. Inside the caller's transaction. */
gboolean store_copy_rows(StoreConn *conn, const char *table, const char *const *columns, guint ncols,
                         const GPtrArray *rows, GError **error);

#endif
