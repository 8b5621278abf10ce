/* store-private.h: what the store/ files share — the connection, the one PostgreSQL error converter,
 * the one PGresult cleanup and the statement runners. Only store/ (and tests that need the PGconn). */
#ifndef INTAKE_STORE_PRIVATE_H
#define INTAKE_STORE_PRIVATE_H

#include "store.h"

#include <libpq-fe.h>

/* Ids taken from a table's sequence ahead of the rows that use them (store_sequence_next). */
typedef struct {
  GArray *ids; /* gint64, not used yet: used from the end */
  guint block; /* how many the last refill took */
} StoreIds;

struct StoreConn {
  PGconn *pg;
  GTimeZone *tz; /* the local day of order numbers and --since dates; STORE_DEFAULT_TIME_ZONE */
  gboolean statement_timeout_ours; /* store_connect set the default statement_timeout */
  char *lock_timeout_ours;         /* the lock_timeout store_connect set, or NULL */
  GHashTable *prepared;            /* SQL text -> name of its prepared statement on this connection */
  guint prepared_seq;              /* the last name given */
  GPtrArray *pending;              /* statements sent ahead (pipeline mode), results not read yet: each its
                                      StoreAhead (rows wanted) or NULL (only an error matters) */
  GHashTable
    *numbers; /* in a store_begin transaction: local day -> last order number given (store/orders.c) */
  GHashTable *numbers_mark;   /* the same at the open savepoint: what ROLLBACK TO gives back */
  StoreIds order_ids;         /* intake.orders ids taken from its sequence, not used yet */
  StoreIds message_ids;       /* the same for intake.messages */
  struct StoreBehind *behind; /* rows written behind, not sent yet (store/behind.c) */
  gboolean behind_on;         /* store_behind_set */
  guint unprepared;  /* > 0: statements are sent unprepared, planned with their values each time: look-ups
                       in tables a poll is filling, whose cached generic plan would stay the one made when
                       they were nearly empty (a seq scan, longer with every mail) */
  guint behind_pass; /* > 0: the statement being sent cannot see those rows (store_select_passing) */
  gboolean
    behind_failed;  /* the rows written behind failed: errors are STORE_ERROR_BEHIND until the next BEGIN */
  char *behind_why; /* PostgreSQL's message for that failure (NULL: none said yet) */
  guint behind_writes; /* how many times rows were written behind (a read sent before is stale) */
  guint savepoints;    /* SAVEPOINTs sent in the open transaction (store_savepoints) */
  gboolean unit_open;  /* a unit of work (store_savepoint) is open in the transaction */
  gboolean sp_open;    /* its SAVEPOINT was sent (with write-behind on: at its first statement that is
                          not passing) */
};

/* ---- write-behind (store/behind.c) ----
 * While store_behind_on, the poll's new rows are kept here (store_behind_add) and written as prepared
 * multi-row INSERTs of 2^k rows per table by store_behind_write, which the statement runners call before any
 * statement except those sent with store_select_passing / store_send_ahead_passing (reads that cannot
 * see them), and store_commit before COMMIT. Kept rows follow savepoints: marked at each, dropped back
 * to the mark by ROLLBACK TO, all dropped by ROLLBACK. A failure of the written rows is
 * STORE_ERROR_BEHIND for every error until the next transaction: no single mail is to blame. */
typedef enum {
  STORE_BEHIND_MESSAGES,
  STORE_BEHIND_UIDS,
  STORE_BEHIND_ORDERS,
  STORE_BEHIND_OUTBOX,
  STORE_BEHIND_TABLES
} StoreBehindTable;
typedef struct StoreBehind StoreBehind;
gboolean store_behind_on(StoreConn *conn);
/* Keeps a copy of one row's values (the table's parameters; the binary one binary_len bytes). */
void store_behind_add(StoreConn *conn, StoreBehindTable t, const char *const *values, int binary_len);
/* Row i of table t (NULL past the end) and *gen (may be NULL): 0 when it is kept, else the write
 * (conn->behind_writes) that sent it; how many there are. A written row stays, with only the
 * columns the look-ups read (keys, Message-IDs, order numbers; an outbox row's order, recipient,
 * status, reason), until
 * store_behind_prune: a read sent before that write must add it (StoreAhead's writes). */
const char *const *store_behind_row(StoreConn *conn, StoreBehindTable t, guint i, guint *gen);
guint store_behind_rows(StoreConn *conn, StoreBehindTable t);
/* How many rows of table t are kept, not written yet. */
guint store_behind_count(StoreConn *conn, StoreBehindTable t);
/* The values of the last row of table t kept whose parameter column (0-based) is value, or NULL
 * (owned by conn; once written, a row keeps only the columns the look-ups read, the others NULL). */
const char *const *store_behind_find(StoreConn *conn, StoreBehindTable t, int column, const char *value);
/* A row of table t is kept whose parameter column (0-based) is value. */
gboolean store_behind_has(StoreConn *conn, StoreBehindTable t, int column, const char *value);
gboolean store_behind_pending(StoreConn *conn);
gsize store_behind_bytes(StoreConn *conn);
/* A row written at once (not kept) that reads sent before must still count: known as if written
 * behind, with the columns a written row keeps. */
void store_behind_note(StoreConn *conn, StoreBehindTable t, const char *const *values);
void store_behind_mark(StoreConn *conn);
void store_behind_restore(StoreConn *conn);
void store_behind_clear(StoreConn *conn);
/* conn->behind_writes when ahead was sent: rows written after (gen greater) are not in its result. */
guint store_ahead_writes(const StoreAhead *ahead);
/* FALSE when rows kept behind (store_behind_set) were written since ahead was sent: what it read may
 * miss them. (For tests: the store corrects such reads itself.) */
gboolean store_ahead_current(StoreConn *conn, const StoreAhead *ahead);
void store_behind_free(StoreConn *conn);
/* Sends the kept rows (to_mark: only those kept before the unit's mark) ahead — their INSERTs travel
 * with the next statement — and forgets them. */
gboolean store_behind_write(StoreConn *conn, gboolean to_mark, GError **error);
/* A multi-row INSERT sent ahead whose failure is the kept rows' (store/conn.c): prepared, the first time
 * with its Parse in the same pipeline and its name kept at once (forgotten by pipe_finish if the Parse
 * fails or is skipped). */
gboolean store_send_behind(StoreConn *conn, const char *sql, int n, const char *const *values,
                           const int *lengths, const int *formats, GError **error);
/* A statement without parameters or rows sent ahead (SAVEPOINT …): its error is the next statement's. */
gboolean store_defer(StoreConn *conn, const char *sql, GError **error);
/* store_select / store_send_ahead of a read that cannot see the kept rows (the registry, counts the
 * caller corrects with them, sequence values): the rows stay kept. */
StoreRows *store_select_passing(StoreConn *conn, const char *sql, int nparams, const char *const *params,
                                GError **error);
StoreAhead *store_send_ahead_passing(StoreConn *conn, const char *sql, int n, const char *const *params,
                                     GError **error);
/* store_send_ahead_passing, unprepared: planned with its values each time (a look-up in a table the
 * poll is filling, see StoreConn.unprepared). */
StoreAhead *store_send_ahead_planned(StoreConn *conn, const char *sql, int n, const char *const *params,
                                     GError **error);
/* The next id of sequence (a regclass name) from pool, refilled by a growing block (one round trip). */
gboolean store_sequence_next(StoreConn *conn, const char *sequence, StoreIds *pool, gint64 *id,
                             GError **error);

/* The column mail_orders of store_order_get: the machines of the order's mail with an order — the
 * orders it opened, and the order of another mail it followed up for one of its machines (a mail
 * that chases an order and reports another machine: pipeline_followup). More than one: the order
 * is one machine of its mail (machine_index). inherited (jsonb): what the order took from another
 * when it was made — a recurrence from its old order (machine true: SN, model, person, place, and
 * its subject and description as the classifier's context), an order of a mail that chased another
 * order from that one (machine false: the person, the place when the mail says it is the same; its
 * order_no: a mail about one other machine reads only that machine's words). */
#define STORE_ORDER_DERIVED_COLUMNS                                                                          \
  " (SELECT count(*) FROM intake.orders s WHERE s.message_id = o.message_id)"                                \
  " + (SELECT count(*) FROM intake.order_messages f WHERE f.message_id = o.message_id AND f.role = "         \
  "'followup')"                                                                                              \
  " AS mail_orders,"                                                                                         \
  " coalesce((SELECT jsonb_build_object('machine', true, 'sn', r.sn, 'model', r.model, 'contact', "          \
  "r.contact,"                                                                                               \
  "   'phone', r.phone, 'address', r.address, 'city', r.city, 'district', r.district,"                       \
  "   'context', concat_ws(E'\\n', r.subject, r.symptoms)) FROM intake.orders r"                             \
  "   WHERE r.order_no = o.recurrence_of),"                                                                  \
  "  (SELECT jsonb_build_object('machine', false, 'order_no', r.order_no, 'contact', r.contact, 'phone', "   \
  "r.phone,"                                                                                                 \
  "   'address', r.address, 'city', r.city, 'district', r.district)"                                         \
  "   FROM intake.order_messages f JOIN intake.orders r ON r.id = f.order_id"                                \
  "   WHERE f.message_id = o.message_id AND f.role = 'followup' AND r.id <> o.id LIMIT 1)) AS inherited"

/* An order's INSERT (with its order_messages row): prefix, tuple ($1..$35), suffix; one row or many. */
#define STORE_ORDER_INSERT_PREFIX                                                                            \
  "WITH o AS (INSERT INTO intake.orders (id, order_no, status, message_id, received_at, from_addr,"          \
  " subject, kind, review_reason, sn, model, symptoms, contact, phone, address, city,"                       \
  " district, missing, sn_candidates, customer, tier, component, warranty_start,"                            \
  " warranty_end, coverage, reasons, severity, priority, onsite_class, sla_clock,"                           \
  " response_due, plan_due, onsite_due, recurrence_of, base_response_due, base_plan_due,"                    \
  " base_onsite_due, machine_index) VALUES "
#define STORE_ORDER_INSERT_TUPLE                                                                             \
  "($35,$1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,"                             \
  "$21,$22,$23,$24,$25::jsonb,$26,$27,$28,$29,$30,$31,$32,$33,$30,$31,$32,$34)"
#define STORE_ORDER_INSERT_SUFFIX                                                                            \
  " RETURNING id, message_id)"                                                                               \
  " INSERT INTO intake.order_messages (order_id, message_id, role) SELECT id, message_id, 'initial' FROM o"
#define STORE_ORDER_INSERT_N 35
/* An acknowledgement's outbox row: $6 the message as binary bytea; $11 the mail (its order's
 * message_id), NULL to have it set from the order (outbox_set_mail). */
#define STORE_OUTBOX_INSERT_PREFIX                                                                           \
  "INSERT INTO intake.outbox (order_id, message_id, recipient, language, subject, message, status,"          \
  " suppressed_reason, body_text, cc, mail_id) VALUES "
#define STORE_OUTBOX_INSERT_TUPLE "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::text[], $11::bigint)"
#define STORE_OUTBOX_INSERT_N 11
#define STORE_OUTBOX_INSERT_BINARY 5

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
/* The same rows kept by ahead (converted once however many read them: a group's look-up), NULL with
 * the error. They live as long as ahead. */
const StoreRows *store_ahead_rows_kept(StoreConn *conn, StoreAhead *ahead, GError **error);

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
/* The same in steps, for rows that are not all in memory at once: the COPY begun (the connection is
 * the COPY's until store_copy_end), rows appended to buf in COPY text format, buf sent (and emptied),
 * the COPY ended — abandon non-NULL: ended with that error, nothing of it kept (error may be NULL). */
gboolean store_copy_begin(StoreConn *conn, const char *table, const char *const *columns, guint ncols,
                          GError **error);
void store_copy_row(GString *buf, const char *const *values, guint ncols);
gboolean store_copy_send(StoreConn *conn, GString *buf, GError **error);
gboolean store_copy_end(StoreConn *conn, const char *abandon, GError **error);

/* SQL: pg_locks row l is the poll's advisory lock on the mailbox named by the SQL expression name
 * (store_lock_try keys it hashtextextended(name, 0)): a bigint key is classid (high half) and objid
 * (low half), objsubid 1, granted, in this database. The poll's lock report and status both ask it. */
#define STORE_MAILBOX_LOCK(name)                                                                             \
  "l.locktype = 'advisory' AND l.granted AND l.objsubid = 1"                                                 \
  " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"                       \
  " AND ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended(" name ", 0)"

#endif
