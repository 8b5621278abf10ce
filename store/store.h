/* store: everything intake keeps in PostgreSQL, behind named functions — the only module that speaks
 * libpq or SQL. Callers hand it plain values; every statement is parameterised ($1..$n). Returned
 * strings, arrays and rows belong to the caller unless a comment says otherwise. */
#ifndef INTAKE_STORE_H
#define INTAKE_STORE_H

#include <glib.h>

G_BEGIN_DECLS

#define STORE_ERROR (store_error_quark())
GQuark store_error_quark(void);

typedef enum {
  STORE_ERROR_CONNECT,   /* server unreachable, authentication */
  STORE_ERROR_QUERY,     /* a statement failed (message is the server's) */
  STORE_ERROR_MIGRATION, /* a migration file is unreadable or failed */
  STORE_ERROR_BUSY,      /* another process holds the lock */
  STORE_ERROR_SCHEMA,    /* a table, column, function or grant the statement needs is missing: not migrated */
  STORE_ERROR_TRANSIENT, /* the server, not the statement, failed (shutdown, deadlock, resources): retry later */
  STORE_ERROR_BEHIND,    /* rows written behind (store_behind_set) failed: roll back, do the mails again
                          * with write-behind off to find the one at fault */
} StoreError;

/* TRUE when error says the database, not the data, failed (STORE_ERROR_CONNECT, _TRANSIENT, or
 * _SCHEMA: not migrated yet): the same work may pass later. Any other store error repeats for the
 * same data. */
gboolean store_error_transient(const GError *error);

typedef struct StoreConn StoreConn;
typedef struct ClassifierPolicy ClassifierPolicy; /* classifier.h */

/* A read sent ahead of the statement after it (store_*_ahead), so both cost one round trip; its
 * answer is taken with the matching store_*_take. Unref it whether or not it was taken. */
typedef struct StoreAhead StoreAhead;
StoreAhead *store_ahead_ref(StoreAhead *ahead);
void store_ahead_unref(StoreAhead *ahead);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(StoreAhead, store_ahead_unref)

/* The time zone of a connection until store_set_time_zone: the policy's default. */
#define STORE_DEFAULT_TIME_ZONE "Asia/Shanghai"

/* Connects with a libpq conninfo string (NULL or "": libpq's PG* variables), in UTF-8 and
 * STORE_DEFAULT_TIME_ZONE. Returns NULL with STORE_ERROR_CONNECT; the message never contains a
 * password. Free with store_close. */
StoreConn *store_connect(const char *conninfo, GError **error);
/* Whether a libpq conninfo (keywords or a postgres:// URI) carries a password, as libpq reads it. */
gboolean store_conninfo_has_password(const char *conninfo);
void store_close(StoreConn *conn);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(StoreConn, store_close)

/* The local time zone of the session (the policy's `timezone`: classifier_policy_time_zone): the day
 * an order number counts in, a --since date, timestamps read back as text. tz is referenced. */
gboolean store_set_time_zone(StoreConn *conn, GTimeZone *tz, GError **error);

/* Applies the NNN_*.sql files of sql_dir not yet in intake.schema_migrations, in order, each in
 * its own transaction. A line "-- intake:seed TABLE" in a migration loads sql_dir/seed/TABLE.tsv
 * (header row = column names) into intake.TABLE with COPY in that same transaction.
 * *applied receives how many were applied. Serialised by an advisory lock. */
gboolean store_migrate(StoreConn *conn, const char *sql_dir, guint *applied, GError **error);
/* The migration files of sql_dir (NNN_*.sql), in the order they run; NULL with error. */
GPtrArray *store_migration_files(const char *sql_dir, GError **error);
/* The database's migrations against this intake's files: which files it lacks (run `intake db
 * migrate`) and which it has that no file names (a newer intake migrated it). */
typedef struct {
  guint applied;      /* rows of intake.schema_migrations */
  char *newest;       /* the last applied, by name (NULL: none) */
  char *known_newest; /* the last file of sql_dir */
  GPtrArray *missing; /* char*: files not applied */
  GPtrArray *unknown; /* char*: applied, no such file */
} StoreSchemaState;
gboolean store_schema_state(StoreConn *conn, const char *sql_dir, StoreSchemaState *state, GError **error);
/* What to tell the admin when the database is ahead of this intake (unknown migrations), else NULL. */
char *store_schema_ahead(const StoreSchemaState *state);
void store_schema_state_clear(StoreSchemaState *state);

/* Session-level advisory lock named by key (e.g. the mailbox). Returns TRUE when taken;
 * FALSE with STORE_ERROR_BUSY when another session holds it, or another error. */
gboolean store_lock_try(StoreConn *conn, const char *key, GError **error);
/* Who holds the lock of key (another session), for a poll that found it taken: the holder's
 * backend pid, application_name, client address, state (idle, active, …), when it connected (since,
 * local time) and how long ago (age_s: the lock is no older), and the age of its open transaction
 * (xact_age_s, -1: none). Fields the server hides from this role are NULL or -1. */
typedef struct {
  gint pid;
  char *application, *client, *state, *since;
  char *role;               /* the holder's database role */
  gint64 age_s, xact_age_s; /* -1: not visible to this role (another role's session) */
} StoreLockHolder;
void store_lock_holder_free(StoreLockHolder *holder);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(StoreLockHolder, store_lock_holder_free)
/* NULL with *error unset when no other session holds it (it was just released). */
StoreLockHolder *store_lock_holder(StoreConn *conn, const char *key, GError **error);
/* Releases a lock taken with store_lock_try (they are also released when the connection ends). */
gboolean store_lock_release(StoreConn *conn, const char *key, GError **error);

/* Transactions: begin, commit, and a rollback that is a no-op outside a transaction. */
gboolean store_begin(StoreConn *conn, GError **error);
/* SAVEPOINTs sent since store_begin: each unit that wrote holds a subtransaction id till COMMIT, and
 * past PostgreSQL's per-backend cache of them (64) other sessions' snapshots pay for it. */
guint store_savepoints(const StoreConn *conn);
gboolean store_commit(StoreConn *conn, GError **error);
void store_rollback(StoreConn *conn);
/* Inside a transaction (group commit: many mails in one): store_savepoint marks where one unit of
 * work (a mail) begins; store_savepoint_next keeps the work since the mark and sets a new one (COMMIT
 * keeps the last); store_savepoint_rollback undoes what followed the mark (the mark stays, for a
 * second try). One level: the same name each time. The first two are sent ahead, without waiting:
 * they travel with the next statement in one round trip, and an error in them is that statement's. */
gboolean store_savepoint(StoreConn *conn, GError **error);
gboolean store_savepoint_next(StoreConn *conn, GError **error);
gboolean store_savepoint_rollback(StoreConn *conn, GError **error);
/* Write-behind (off by default): inside a transaction, a new mail's rows (store_message_insert), its
 * orders (store_order_insert) and their acknowledgements (store_outbox_queue) are kept in the
 * connection and written as prepared multi-row INSERTs of 2^k rows per table just before the next
 * statement that could read them, or COMMIT: the same rows, far less work for PostgreSQL. Savepoints and ROLLBACK keep or
 * drop them as they would the rows. When the written rows fail, errors are STORE_ERROR_BEHIND until
 * ROLLBACK: the caller rolls back and does those mails again with write-behind off. */
void store_behind_set(StoreConn *conn, gboolean on);
/* TRUE from a failure of the rows written behind until the next transaction (whatever error a caller
 * made of it): the caller rolls back and does the mails again. */
gboolean store_behind_failed(StoreConn *conn);
/* While store_behind_failed: PostgreSQL's message for that failure as it came (without what a caller
 * prefixed to its error), or NULL. Owned by conn until the next transaction. */
const char *store_behind_failure(StoreConn *conn);
/* Between two units (after a mail, before the next one's savepoint): writes the kept rows now without
 * waiting, so that PostgreSQL works on them while the caller goes on; a failure comes with a later
 * statement (store_behind_failed). */
gboolean store_behind_send(StoreConn *conn, GError **error);
/* Forgets the rows written behind (kept to correct reads sent before them): call when no read sent
 * earlier (StoreAhead) is used any more. */
void store_behind_prune(StoreConn *conn);

/* Rows returned as text: columns (NULL-terminated) and rows, each a `char **` of ncols values
 * where NULL is SQL NULL. Caller frees with store_rows_free, except the `const StoreRows *` of
 * store_assets_lookup_take, which belong to their StoreAhead. */
typedef struct {
  char **columns;
  guint ncols;
  GPtrArray *rows;
} StoreRows;
void store_rows_free(StoreRows *rows);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(StoreRows, store_rows_free)

/* ---- policy (store/policy.c) ---- */
/* Adds the rows of every policy table to policy: SELECT classifier_policy_table_columns(table) FROM
 * intake.<table> for each of classifier_policy_tables(), ORDER BY id when
 * classifier_policy_table_ordered(table). The caller creates the policy and finishes it. FALSE with
 * error naming the table (a missing table: run `intake db migrate`). */
gboolean store_policy_load(StoreConn *conn, ClassifierPolicy *policy, GError **error);

/* ---- asset registry (store/assets.c) ---- */
/* The registry rows (intake.assets) whose sn is one of sns (NULL-terminated): columns sn, kind, brand,
 * model, customer, tier, ship_date, invoice_date, warranty_basis, contract_start, contract_years,
 * software, city, district (classifier_asset_from_values reads them). Caller frees. */
StoreRows *store_assets_lookup(StoreConn *conn, const char *const *sns, GError **error);
/* The same look-up sent ahead of the next statement (one round trip with it); its rows:
 * store_assets_lookup_take, which keeps them with ahead (read once for all the mails of a group, they
 * live as long as ahead; NULL with the error). */
StoreAhead *store_assets_lookup_ahead(StoreConn *conn, const char *const *sns, GError **error);
const StoreRows *store_assets_lookup_take(StoreConn *conn, StoreAhead *ahead, GError **error);
/* An import of registry rows, in one transaction of its own, streamed: begun with columns
 * (NULL-terminated names of intake.assets columns, the first `sn`), each row's values (in that order,
 * NULL = SQL NULL) passed on as they come (copied to PostgreSQL 256 KB at a time: a registry of any
 * size holds no more in memory), then ended: upserted by sn, a row equal to the stored one left
 * alone; *added / *updated receive the counts, the rest were unchanged; *open_orders the open orders
 * on the machines added or changed (classified on the rows before), *since the local date
 * (YYYY-MM-DD, caller frees; NULL when none) of the first; *not_listed the machines stored before that
 * the file does not list (kept). Any failure, or an abort, writes nothing.
 * _end and _abort free the import. */
typedef struct StoreAssetsImport StoreAssetsImport;
StoreAssetsImport *store_assets_import_begin(StoreConn *conn, const char *const *columns, GError **error);
gboolean store_assets_import_row(StoreAssetsImport *import, const char *const *values, GError **error);
gboolean store_assets_import_end(StoreAssetsImport *import, guint *added, guint *updated, guint *open_orders,
                                 char **since, guint *not_listed, GError **error);
void store_assets_import_abort(StoreAssetsImport *import);

/* ---- what an acknowledgement quotes (store/outbox.c, store/sla.c) ---- */
/* Every acknowledgement text (intake.ack_texts): columns language, key, text. Caller frees. */
StoreRows *store_ack_texts(StoreConn *conn, GError **error);
/* The SLA terms of tier (intake.sla_terms), zero or one row: columns clock, response_minutes,
 * plan_minutes, onsite_rule, onsite_minutes, fast_onsite_minutes, fast_onsite_priority,
 * fast_onsite_class. Caller frees. */
StoreRows *store_sla_terms(StoreConn *conn, const char *tier, GError **error);

/* ---- mailboxes ---- */
typedef struct {
  gint id;
  gint64 uidvalidity; /* -1: never seen */
  gint64 last_uid;
} StoreMailbox;

/* Finds or creates the mailbox row named name. */
gboolean store_mailbox_get(StoreConn *conn, const char *name, StoreMailbox *out, GError **error);
/* The other mailboxes of user already polled (name, last poll ISO, last UID), newest first: the same
 * mailbox under another URL spelling ("localhost" for "127.0.0.1") is one of them. */
StoreRows *store_mailbox_namesakes(StoreConn *conn, const char *name, const char *user, GError **error);
/* Records a (new) UIDVALIDITY: last_uid restarts from 0 when it changed. */
gboolean store_mailbox_set_uidvalidity(StoreConn *conn, StoreMailbox *mailbox, gint64 uidvalidity,
                                       GError **error);
/* Best effort: records a failure line (never a secret) for intake.mailbox_health. */
void store_mailbox_record_error(StoreConn *conn, gint mailbox_id, const char *message);
/* UIDs committed here but not yet flagged/moved on the server (a crash between commit and flag). */
GArray *store_mailbox_unmarked(StoreConn *conn, const StoreMailbox *mailbox, GError **error);
/* The server refused to give UID uid (a tagged NO to FETCH): counts the refusal (intake.fetch_refusals)
 * and sets *give_up when the first refusal is at least give_up_after_s seconds old. */
gboolean store_mailbox_fetch_refused(StoreConn *conn, const StoreMailbox *mailbox, guint32 uid,
                                     const char *message, guint give_up_after_s, gboolean *give_up,
                                     guint *attempts, GError **error);
gboolean store_mailbox_mark_done(StoreConn *conn, const StoreMailbox *mailbox, const guint32 *uids, guint n,
                                 GError **error);

/* ---- one fetched mail ---- */
typedef struct {
  const char *data; /* raw bytes */
  gsize len;
  guint32 uid;
  GDateTime *internal_date; /* may be NULL */
  const char *dedupe_key;   /* Message-ID, else sha256:<hex> */
  const char *message_id;   /* may be NULL */
  const char *from_addr;
  const char *from_display;
  const char *subject;
  const char *parse_error;      /* NULL when parsed */
  const char *ignored_reason;   /* auto_reply | bounce | bulk | loop | NULL */
  const char *parts_json;       /* per-part report, may be NULL */
  const char *text;             /* the decoded text for ops (messages.body_text), may be NULL */
  const char *attachments_json; /* [{filename, content_type, size}], may be NULL */
  StoreAhead *known;            /* store_messages_known_ahead of a list with dedupe_key, or NULL */
  const char *sha256;           /* the hex SHA-256 of data when the caller has it (made off the main
                                 * thread), else NULL: computed here */
} StoreIncoming;
/* Which of keys (dedupe keys, NULL-terminated) are stored, sent ahead: a write-behind poll reads them
 * for several mails in one statement instead of one per mail (StoreIncoming.known). */
StoreAhead *store_messages_known_ahead(StoreConn *conn, const char *const *keys, GError **error);

typedef struct {
  gint64 message_row; /* intake.messages.id */
  gboolean duplicate; /* the mail was already stored (re-run, recreated mailbox) */
} StoreIngest;

/* Inside the caller's transaction: stores the message once (dedupe_key) and records the server UID.
 * out->duplicate says whether it was new. The mailbox's last_uid is the caller's to raise, in the same
 * transaction (store_mailbox_advance: the poll does it once per batch, before COMMIT). */
gboolean store_message_insert(StoreConn *conn, const StoreMailbox *mailbox, const StoreIncoming *in,
                              StoreIngest *out, GError **error);

/* In the caller's transaction, if any (a batch of mails: after rolling back to the mail's savepoint),
 * when not even the quarantine could store a mail:
 * records its mailbox, UIDVALIDITY, UID, size and the error in intake.quarantine (for ops and
 * `intake status`). last_uid moves past it with store_mailbox_advance, as for a stored mail. */
gboolean store_mailbox_quarantine_uid(StoreConn *conn, const StoreMailbox *mailbox, guint32 uid, gsize size,
                                      const char *message, GError **error);

/* Waits for what was sent ahead (store_order_insert …) and reports its error: the end of a unit of
 * work whose last statement may have been sent ahead. No round trip when nothing was. */
gboolean store_sync(StoreConn *conn, GError **error);

/* ---- orders ---- */
/* Plain values for a new order; NULL strings are stored as NULL. Timestamps RFC 3339 or NULL. */
typedef struct {
  gint64 message_row;
  GDateTime *received_at;
  const char *status; /* "queued" or "needs_review" */
  const char *review_reason;
  const char *from_addr, *subject, *kind;
  const char *sn, *model, *symptoms, *contact, *phone, *address, *city, *district;
  const char *const *missing;       /* NULL-terminated, may be NULL */
  const char *const *sn_candidates; /* NULL-terminated, may be NULL */
  const char *customer, *tier, *component, *warranty_start, *warranty_end, *coverage;
  const char *reasons_json; /* JSON array, may be NULL for [] */
  const char *severity, *priority, *onsite_class, *sla_clock;
  const char *response_due, *plan_due, *onsite_due;
  guint machine_index; /* which machine of the mail (contract.md machines[i]); 0 for a one-machine mail */
  const char *recurrence_of; /* the closed order whose thread reported this fault again, or NULL */
} StoreOrder;

/* Inside the caller's store_begin transaction (an error outside one): takes the next number of the
 * received local day (the connection's time zone, store_set_time_zone; gap-free), inserts the order
 * and links its mail (intake.order_messages). Returns the order number (caller frees); *order_id
 * receives intake.orders.id when non-NULL. The insert is sent ahead: it runs with the caller's next
 * statement, and its error (a constraint …) is that statement's — the caller's unit of work fails
 * as a whole (store_savepoint_rollback undoes it, and gives the number back). store_sync or any
 * statement ends it. */
char *store_order_insert(StoreConn *conn, const StoreOrder *order, gint64 *order_id, GError **error);

/* Inside the caller's transaction: the order a follow-up belongs to — by its order number, else
 * by a Message-ID in refs (NULL-terminated) that is one of the order's mails (or, once the outbox
 * exists, its acknowledgement). Locks the order row. Returns TRUE and *order_id when found. ahead:
 * NULL, or the look-up sent before by store_order_find_ahead (used unless rows written since could
 * change its answer). */
gboolean store_order_find(StoreConn *conn, const char *order_no, const char *const *refs, StoreAhead *ahead,
                          gint64 *order_id, GError **error);
/* Inside the caller's transaction: the order a supplement ("刚才发的邮件忘了写地址", parser's
 * supplement) adds to — the open order of the same sender (from_addr, case-blind) received in the
 * 24 hours before received: the one with sn when the mail names it (or one without an SN), else the
 * only one the sender has; with company_domain (parser_company_domain of the sender) and sn, also a
 * colleague's order of that SN. Locks the order row. TRUE with *order_id 0 when there is none, or
 * several and nothing tells which. */
gboolean store_order_find_supplement(StoreConn *conn, const char *from_addr, const char *company_domain,
                                     const char *sn, GDateTime *received, gint64 *order_id, GError **error);
/* Inside the caller's transaction: the open order (not resolved, closed or merged) of the machine sn,
 * the latest received before received, for a mail that chases it without its number (parser's
 * chase: "上周报的那台 RCS… 还没人来"). Locks the order row. TRUE with *order_id 0 when there is none. */
gboolean store_order_find_open(StoreConn *conn, const char *sn, GDateTime *received, gint64 *order_id,
                               GError **error);
/* The look-up of store_order_find sent ahead (with write-behind: a poll's group reads), to be handed
 * to store_order_find as ahead with the same order_no and refs; it is read only then. */
StoreAhead *store_order_find_ahead(StoreConn *conn, const char *order_no, const char *const *refs,
                                   GError **error);
/* The order row (every column of intake.orders, text form, plus received_iso: received_at in
 * ISO 8601 UTC, and mail_orders: how many orders its mail opened, 1 unless a batch report). */
StoreRows *store_order_get(StoreConn *conn, gint64 order_id, GError **error);
/* The raw bytes of the mail that opened the order (caller frees with g_bytes_unref). */
GBytes *store_order_initial_raw(StoreConn *conn, gint64 order_id, GError **error);
/* An audit row of order_id without a change (action, note): what a mail said that changed nothing. */
gboolean store_order_note(StoreConn *conn, gint64 order_id, const char *action, const char *note,
                          GError **error);
/* Links another mail to the order (role followup). */
gboolean store_order_attach(StoreConn *conn, gint64 order_id, gint64 message_row, GError **error);
/* What a follow-up to order_id may do (call before attaching it): *known receives the addresses
 * the order has (its mails' senders, the acknowledgement's recipient; lower case, NULL-terminated,
 * caller unrefs); *referenced whether refs (the new mail's In-Reply-To/References) name one of the
 * order's mails or its acknowledgement, which a stranger cannot guess. */
gboolean store_order_followup_facts(StoreConn *conn, gint64 order_id, const char *const *refs,
                                    GPtrArray **known, gboolean *referenced, GError **error);
/* Holds a follow-up for ops: the order keeps its fields and status, review_reason becomes reason
 * (unverified_followup | late_followup | closed_followup), audit action followup_held with note. */
/* The customer complains or says nobody answered (a follow-up): orders.escalated_at = now, audit
 * action escalated with note; [alerts] tells the duty team (store_alerts_collect). */
gboolean store_order_escalate(StoreConn *conn, gint64 order_id, const char *note, GError **error);
gboolean store_order_hold_followup(StoreConn *conn, gint64 order_id, const char *reason, const char *note,
                                   GError **error);
/* Rewrites the order's fields and classification from o (message_row, received_at and
 * order number stay), optionally its status, and records what changed in intake.audit with
 * action and note. *changed (may be NULL) tells whether anything changed; before/after (may be
 * NULL) receive the changed fields as JSON objects (caller frees). */
gboolean store_order_update(StoreConn *conn, gint64 order_id, const StoreOrder *o, const char *status,
                            const char *action, const char *note, gboolean *changed, char **before,
                            char **after, GError **error);

/* Every order opened by the mail that opened order_id (itself included), by machine_index: columns
 * order_no, machine_index, sn, model, symptoms, kind, coverage, tier, warranty_end (YYYY-MM-DD),
 * response_iso, plan_iso, onsite_iso (ISO 8601 UTC, NULL: none). One row for a mail about one
 * machine. Caller frees. */
StoreRows *store_mail_orders(StoreConn *conn, gint64 order_id, GError **error);

/* The first orders (machine_index 0) of mails received in the last hours that have no outbox row
 * (one acknowledgement per mail): columns id, order_no, received_iso
 * (ISO 8601 UTC, seconds), oldest first. Caller frees. */
StoreRows *store_orders_without_ack(StoreConn *conn, guint hours, GError **error);

/* Orders to re-run: by number, received since a date (YYYY-MM-DD, local), or all (both NULL);
 * ascending ids (caller frees the array of gint64). */
GArray *store_orders_select(StoreConn *conn, const char *order_no, const char *since, GError **error);
/* store/reprocess.c — n orders in one query each: the rows of store_order_get (those that exist, by
 * id; caller frees), and a table from order id (gint64 *) to a GPtrArray of the raw bytes (GBytes*)
 * of every mail of the order in arrival order, the initial one first (orders without mail absent;
 * caller unrefs). */
StoreRows *store_orders_get_batch(StoreConn *conn, const gint64 *ids, guint n, GError **error);
GHashTable *store_order_raws_batch(StoreConn *conn, const gint64 *ids, guint n, GError **error);
/* store_order_update of n orders in one statement (reprocess), in two halves so that the caller
 * can work while PostgreSQL writes: _send sends it (orders[i], with statuses[i] or NULL to keep it,
 * for order ids[i]); _finish waits for it: changed[i], before[i], after[i] as store_order_update's
 * (the caller frees the strings). Nothing else may use the connection in between. Every id must
 * exist (else error, nothing updated). n 0: nothing sent. */
gboolean store_orders_update_batch_send(StoreConn *conn, const gint64 *ids, const StoreOrder *const *orders,
                                        const char *const *statuses, guint n, const char *action,
                                        const char *note, GError **error);
gboolean store_orders_update_batch_finish(StoreConn *conn, guint n, gboolean *changed, char **before,
                                          char **after, GError **error);

/* Orders whose SLA pauses changed (sla_dirty): id, sla_clock, received_iso and the base deadlines
 * (ISO 8601 UTC or NULL), with their closed pauses as a JSON array of [start, end] pairs. */
StoreRows *store_sla_dirty(StoreConn *conn, GError **error);
/* Orders ops corrected that wait for the policy to be re-applied (reclassify_pending), ids
 * (gint64) oldest first. */
GArray *store_orders_reclassify_pending(StoreConn *conn, GError **error);
/* Inside the caller's transaction: locks the order; *pending says whether it still waits. */
gboolean store_order_lock_pending(StoreConn *conn, gint64 order_id, gboolean *pending, GError **error);
/* Writes recomputed deadlines (ISO 8601 or NULL) and clears sla_dirty. */
gboolean store_sla_set(StoreConn *conn, gint64 order_id, const char *response_due, const char *plan_due,
                       const char *onsite_due, GError **error);

/* ==== OUTBOX: acknowledgements (store/outbox.c) ==== */
/* One acknowledgement per order (intake.outbox). Delivery is at most once: a sender claims due rows
 * (FOR UPDATE SKIP LOCKED, status sending, a random claim token and a lease) and commits before
 * talking SMTP; only the token holder may mark the row. A row still `sending` after its lease (the
 * sender died between the SMTP transaction and its mark) may or may not have been delivered: it
 * becomes `failed` with a message for ops and is never re-sent automatically. */
typedef struct {
  gint64 order_id;
  const char *message_id; /* without <>, our domain */
  const char *recipient;  /* NULL only when suppressed */
  const char *language;   /* "zh" | "en" */
  const char *subject;    /* decoded, for ops; may be NULL */
  const char *data;       /* the rendered message; NULL when suppressed */
  gsize len;
  const char *suppressed_reason; /* NULL: pending; else status suppressed with this reason */
  const char *body_text;         /* the text part as the customer reads it, for ops; may be NULL */
  const char *const *cc;         /* NULL-terminated Cc recipients (a forward's forwarder), or NULL */
} StoreOutboxItem;

/* Inside the caller's (the order's) transaction. *queued (may be NULL) is FALSE when the order
 * already had a row (left unchanged). */
gboolean store_outbox_queue(StoreConn *conn, const StoreOutboxItem *item, gboolean *queued, GError **error);

/* What the acknowledgement caps count, read in one statement. */
typedef struct {
  gint64 recent_to;          /* to the recipient (case-insensitive) in the last 24 h: pending, sending or sent
                     * (suppressed and failed rows do not count) */
  gint64 last_hour;          /* to anyone in the last hour (pending, sending, sent); 0 unless asked */
  gboolean capped_last_hour; /* a row of the last hour was already suppressed as global_cap */
} StoreOutboxCounts;
/* Fills *out for recipient (NULL: no recipient, 0) and, when hour, the last hour's counts. */
gboolean store_outbox_cap_counts(StoreConn *conn, const char *recipient, gboolean hour,
                                 StoreOutboxCounts *out, GError **error);
/* The same counts sent ahead of the next statement (one round trip with it), taken with _take. */
StoreAhead *store_outbox_cap_counts_ahead(StoreConn *conn, const char *recipient, gboolean hour,
                                          GError **error);
/* The counts of several recipients (NULL-terminated; "" for none) in one statement; _take picks one. */
StoreAhead *store_outbox_cap_counts_many_ahead(StoreConn *conn, const char *const *recipients, gboolean hour,
                                               GError **error);
gboolean store_outbox_cap_counts_take(StoreConn *conn, StoreAhead *ahead, const char *recipient,
                                      gboolean hour, StoreOutboxCounts *out, GError **error);
/* Inside the caller's transaction: an intake.audit row on the order (actor: the login role) that
 * ops see in its history, e.g. action auth_fail with why no acknowledgement went out. */
gboolean store_order_flag(StoreConn *conn, gint64 order_id, const char *action, const char *note,
                          GError **error);

typedef struct {
  gint64 id;
  gint64 order_id;
  char *message_id;
  char *recipient;
  char **cc; /* NULL-terminated further recipients of the same message, or NULL */
  GBytes *data;
  guint attempts; /* including this one */
  char *claim_token;
} StoreOutboxClaim;
void store_outbox_claim_free(StoreOutboxClaim *claim);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(StoreOutboxClaim, store_outbox_claim_free)

/* In its own statement (autocommit; call outside a transaction): first turns rows whose lease
 * expired into failed (handed over: in doubt) or pending again (not handed over), then claims up to limit pending rows due now, oldest first, skipping rows
 * another sender has locked, marking them sending with a lease of lease_s seconds.
 * Returns StoreOutboxClaim* (free func set; caller unrefs). */
GPtrArray *store_outbox_claim(StoreConn *conn, guint limit, guint lease_s, GError **error);

/* In its own statement (committed before it returns): the sender is about to end the message data,
 * from which on the server may accept it (outbox.handed_at). FALSE with error when the claim was lost
 * (the lease ran out and the row went back to pending or on to another sender): the data must then
 * not be ended. */
gboolean store_outbox_mark_handed(StoreConn *conn, const StoreOutboxClaim *claim, GError **error);
/* The SMTP server accepted the message: sent, with its reply. FALSE with error when the claim was
 * lost (another process expired it) or the update failed. */
gboolean store_outbox_mark_sent(StoreConn *conn, const StoreOutboxClaim *claim, const char *smtp_reply,
                                GError **error);
/* The wait before the next attempt, in minutes after attempt 1, 2, 3, …; the last value repeats.
 * The default when the caller passes none: */
#define STORE_OUTBOX_BACKOFF_DEFAULT "1,5,15,60"
/* A temporary failure: back to pending after backoff_minutes[attempts - 1] minutes (the last of the
 * n_backoff values for later attempts; NULL or 0: STORE_OUTBOX_BACKOFF_DEFAULT), or failed once
 * attempts reached max_attempts. *gave_up (may be NULL) says which. */
gboolean store_outbox_mark_retry(StoreConn *conn, const StoreOutboxClaim *claim, const char *last_error,
                                 const char *smtp_reply, guint max_attempts, const guint *backoff_minutes,
                                 guint n_backoff, gboolean *gave_up, GError **error);
/* A transient failure (server unreachable, timeout before DATA, 4xx, login refused): the attempt
 * does not count (attempts - 1, deferrals + 1); pending again after the backoff, or failed with
 * *gave_up TRUE once the mail (or ops' intake.resend_ack) is older than max_age_s ([smtp]
 * ack_max_age; 0: STORE_OUTBOX_DEFER_MAX_AGE_S). */
#define STORE_OUTBOX_DEFER_MAX_AGE_S (48 * 3600)
gboolean store_outbox_mark_deferred(StoreConn *conn, const StoreOutboxClaim *claim, const char *last_error,
                                    const char *smtp_reply, guint max_age_s, const guint *backoff_minutes,
                                    guint n_backoff, gboolean *gave_up, GError **error);
/* Rows of the outbox pending and failed now, for the summary of `intake acks send`. */
gboolean store_outbox_counts(StoreConn *conn, gint64 *pending, gint64 *failed, GError **error);
/* A permanent failure (5xx for the recipient): failed, for ops. */
gboolean store_outbox_mark_failed(StoreConn *conn, const StoreOutboxClaim *claim, const char *last_error,
                                  const char *smtp_reply, GError **error);
/* A claimed row that was not tried (the run stopped first): back to pending, the attempt not
 * counted. */
gboolean store_outbox_release(StoreConn *conn, const StoreOutboxClaim *claim, GError **error);
/* ==== end OUTBOX ==== */

/* ==== status, metrics, first poll (store/status.c) ==== */
/* Raises the mailbox's last_uid to last_uid (never lowers it): first_poll = new starts at UIDNEXT,
 * a dated first poll moves past the mail it skipped. */
gboolean store_mailbox_advance(StoreConn *conn, StoreMailbox *mailbox, gint64 last_uid, GError **error);
/* Outside a transaction (rolls back one left open): counts a poll of the mailbox, a failed one in
 * failed_polls (reset by a success), and stamps a successful one's last_success. */
gboolean store_mailbox_count_poll(StoreConn *conn, gint mailbox_id, gboolean ok, GError **error);
/* One row per mailbox: name, last_poll_at, last_success, last_error, last_error_at, failed_polls, polls,
 * last_uid, uidvalidity, needs_review (its orders waiting for review), lock_age_s (NULL: no poll
 * holds its lock), last_success_epoch, not_stored (its mails recorded by UID only, in intake.quarantine, not
 * resolved), lock_held (t/f: any session holds it, whoever). Caller frees. */
StoreRows *store_status_mailboxes(StoreConn *conn, GError **error);
/* One row: outbox_pending, outbox_oldest_pending_s, outbox_failed, outbox_failed_24h, orders_at_risk
 * (a deadline within the hour), orders_missed, queue_size, needs_review, holidays_until,
 * holidays_cover_90d (t/f: every year of the next 90 days has rows), registry_age_s, registry_rows,
 * messages, orders, acks_sent, polls, failed_polls_in_a_row, last_success_epoch, holidays_cover_14d,
 * unreadable, alerts_undelivered, alerts_last_error, outbox_sending. Caller frees. */
StoreRows *store_status_summary(StoreConn *conn, GError **error);
/* Whether the database takes no writes (default_transaction_read_only on, or a standby in recovery):
 * every poll fails, which only an alert channel would otherwise tell. */
gboolean store_read_only(StoreConn *conn, gboolean *read_only, GError **error);

/* ==== alerts (store/alerts.c) ==== */
/* Records the events not yet in intake.alerts: a P1 order stored and received in the last day (not
 * the history of a first poll), a deadline due
 * within due_within_min minutes (0: none) of an open, unpaused order, a mailbox that failed
 * failing_polls (0: none) polls in a row and its recovery, an acknowledgement failed in the last day,
 * acknowledgements waiting after failing_polls tries each (acks_stuck, once per episode) and their
 * recovery. */
gboolean store_alerts_collect(StoreConn *conn, guint due_within_min, guint failing_polls, GError **error);
/* Alerts not sent yet (of the last two days): event_key, kind, subject, body, channels_done (the
 * channels that took it already: "webhook", "mail", comma-separated). Caller frees. */
StoreRows *store_alerts_unsent(StoreConn *conn, GError **error);
/* After an attempt: failure NULL marks the alert sent, else records why (retried next time);
 * channels_done: the channels that have taken it ("webhook,mail"). */
gboolean store_alert_mark(StoreConn *conn, const char *event_key, const char *failure,
                          const char *channels_done, GError **error);
/* Records one event seen outside the database (an outage of it), to be sent with the others; an
 * event_key recorded before is left as it is. */
gboolean store_alert_add(StoreConn *conn, const char *event_key, const char *kind, const char *subject,
                         const char *body, GError **error);

G_END_DECLS

#endif
