/* store: everything intake keeps in PostgreSQL (libpq), behind a small API.
 * Knows nothing of MIME or policy: callers hand it plain values. All SQL is parameterised. */
#ifndef INTAKE_STORE_H
#define INTAKE_STORE_H

#include <glib.h>
#include <libpq-fe.h>

G_BEGIN_DECLS

#define STORE_ERROR (store_error_quark())
GQuark store_error_quark(void);

typedef enum {
  STORE_ERROR_CONNECT,   /* server unreachable, authentication */
  STORE_ERROR_QUERY,     /* a statement failed (message is the server's) */
  STORE_ERROR_MIGRATION, /* a migration file is unreadable or failed */
  STORE_ERROR_BUSY,      /* another process holds the lock */
} StoreError;

typedef struct StoreConn StoreConn;

/* Connects with a libpq conninfo string (NULL or "": libpq's PG* variables).
 * Returns NULL with error set; the message never contains a password. Free with store_close. */
StoreConn *store_connect(const char *conninfo, GError **error);
void store_close(StoreConn *conn);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(StoreConn, store_close)

/* The underlying connection, for modules' own parameterised statements. Owned by conn. */
PGconn *store_conn_pg(StoreConn *conn);

/* Applies the NNN_*.sql files of sql_dir not yet in intake.schema_migrations, in order, each in
 * its own transaction. A line "-- intake:seed TABLE" in a migration loads sql_dir/seed/TABLE.tsv
 * (header row = column names) into intake.TABLE with COPY in that same transaction.
 * *applied receives how many were applied. Serialised by an advisory lock. */
gboolean store_migrate(StoreConn *conn, const char *sql_dir, guint *applied, GError **error);

/* Session-level advisory lock named by key (e.g. the mailbox). Returns TRUE when taken;
 * FALSE with STORE_ERROR_BUSY when another session holds it, or another error. */
gboolean store_lock_try(StoreConn *conn, const char *key, GError **error);
/* Releases a lock taken with store_lock_try (they are also released when the connection ends). */
gboolean store_lock_release(StoreConn *conn, const char *key, GError **error);

/* Executes a parameterised statement expecting no rows. */
gboolean store_exec(StoreConn *conn, const char *sql, int nparams, const char *const *params, GError **error);
gboolean store_begin(StoreConn *conn, GError **error);
gboolean store_commit(StoreConn *conn, GError **error);
void store_rollback(StoreConn *conn);

/* Rows of a parameterised SELECT as text: columns (NULL-terminated) and rows, each a
 * `char **` of ncols values where NULL is SQL NULL. Free with store_rows_free. */
typedef struct {
  char **columns;
  guint ncols;
  GPtrArray *rows;
} StoreRows;
StoreRows *store_select(StoreConn *conn, const char *sql, int nparams, const char *const *params,
                        GError **error);
void store_rows_free(StoreRows *rows);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(StoreRows, store_rows_free)

/* A NULL-terminated string list as a PostgreSQL text[] literal, for "= ANY($n::text[])". */
char *store_text_array(const char *const *values);

/* ---- mailboxes ---- */
typedef struct {
  gint id;
  gint64 uidvalidity; /* -1: never seen */
  gint64 last_uid;
} StoreMailbox;

/* Finds or creates the mailbox row named name. */
gboolean store_mailbox_get(StoreConn *conn, const char *name, StoreMailbox *out, GError **error);
/* Records a (new) UIDVALIDITY: last_uid restarts from 0 when it changed. */
gboolean store_mailbox_set_uidvalidity(StoreConn *conn, StoreMailbox *mailbox, gint64 uidvalidity,
                                       GError **error);
gboolean store_mailbox_record_success(StoreConn *conn, gint mailbox_id, GError **error);
/* Best effort: records a failure line (never a secret) for intake.mailbox_health. */
void store_mailbox_record_error(StoreConn *conn, gint mailbox_id, const char *message);
/* UIDs committed here but not yet flagged/moved on the server (a crash between commit and flag). */
GArray *store_mailbox_unmarked(StoreConn *conn, const StoreMailbox *mailbox, GError **error);
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
  const char *parse_error;    /* NULL when parsed */
  const char *ignored_reason; /* auto_reply | bounce | bulk | loop | NULL */
  const char *parts_json;     /* per-part report, may be NULL */
} StoreIncoming;

typedef struct {
  gint64 message_row; /* intake.messages.id */
  gboolean duplicate; /* the mail was already stored (re-run, recreated mailbox) */
} StoreIngest;

/* Inside the caller's transaction: stores the message once (dedupe_key), records the server UID
 * and advances the mailbox's last_uid. out->duplicate says whether it was new. */
gboolean store_message_insert(StoreConn *conn, const StoreMailbox *mailbox, const StoreIncoming *in,
                              StoreIngest *out, GError **error);

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
  const char *response_due, *plan_due, *onsite_due, *followup_of;
} StoreOrder;

/* Inside the caller's transaction: takes the next number of the received local day
 * (Asia/Shanghai, gap-free), inserts the order and links its mail (intake.order_messages).
 * Returns the order number (caller frees); *order_id receives intake.orders.id when non-NULL. */
char *store_order_insert(StoreConn *conn, const StoreOrder *order, gint64 *order_id, GError **error);

/* Inside the caller's transaction: the order a follow-up belongs to — by its order number, else
 * by a Message-ID in refs (NULL-terminated) that is one of the order's mails (or, once the outbox
 * exists, its acknowledgement). Locks the order row. Returns TRUE and *order_id when found. */
gboolean store_order_find(StoreConn *conn, const char *order_no, const char *const *refs, gint64 *order_id,
                          GError **error);
/* The order row (every column of intake.orders, text form, plus received_iso: received_at in
 * ISO 8601 UTC). */
StoreRows *store_order_get(StoreConn *conn, gint64 order_id, GError **error);
/* The raw bytes of the mail that opened the order (caller frees with g_bytes_unref). */
GBytes *store_order_initial_raw(StoreConn *conn, gint64 order_id, GError **error);
/* Links another mail to the order (role followup). */
gboolean store_order_attach(StoreConn *conn, gint64 order_id, gint64 message_row, GError **error);
/* Rewrites the order's fields and classification from o (message_row, received_at and
 * order number stay), optionally its status, and records what changed in intake.audit with
 * action and note. *changed (may be NULL) tells whether anything changed; before/after (may be
 * NULL) receive the changed fields as JSON objects (caller frees). */
gboolean store_order_update(StoreConn *conn, gint64 order_id, const StoreOrder *o, const char *status,
                            const char *action, const char *note, gboolean *changed, char **before,
                            char **after, GError **error);

/* Orders to re-run: by number, received since a date (YYYY-MM-DD, local), or all (both NULL);
 * ascending ids (caller frees the array of gint64). */
GArray *store_orders_select(StoreConn *conn, const char *order_no, const char *since, GError **error);
/* The raw bytes of every mail of the order in arrival order, the initial one first
 * (GBytes*, caller unrefs the array). */
GPtrArray *store_order_raws(StoreConn *conn, gint64 order_id, GError **error);

/* Orders whose SLA pauses changed (sla_dirty): id, sla_clock, received_iso and the base deadlines
 * (ISO 8601 UTC or NULL), with their closed pauses as a JSON array of [start, end] pairs. */
StoreRows *store_sla_dirty(StoreConn *conn, GError **error);
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
} StoreOutboxItem;

/* Inside the caller's (the order's) transaction. *queued (may be NULL) is FALSE when the order
 * already had a row (left unchanged). */
gboolean store_outbox_queue(StoreConn *conn, const StoreOutboxItem *item, gboolean *queued, GError **error);

/* Acknowledgements to recipient (case-insensitive) queued in the last 24 h that count against the
 * cap: pending, sending or sent (suppressed and failed rows do not). -1 with error on failure. */
gint64 store_outbox_count_recent(StoreConn *conn, const char *recipient, GError **error);

typedef struct {
  gint64 id;
  gint64 order_id;
  char *message_id;
  char *recipient;
  GBytes *data;
  guint attempts; /* including this one */
  char *claim_token;
} StoreOutboxClaim;
void store_outbox_claim_free(StoreOutboxClaim *claim);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(StoreOutboxClaim, store_outbox_claim_free)

/* In its own statement (autocommit; call outside a transaction): first turns rows whose lease
 * expired into failed, then claims up to limit pending rows due now, oldest first, skipping rows
 * another sender has locked, marking them sending with a lease of lease_s seconds.
 * Returns StoreOutboxClaim* (free func set; caller unrefs). */
GPtrArray *store_outbox_claim(StoreConn *conn, guint limit, guint lease_s, GError **error);

/* The SMTP server accepted the message: sent, with its reply. FALSE with error when the claim was
 * lost (another process expired it) or the update failed. */
gboolean store_outbox_mark_sent(StoreConn *conn, const StoreOutboxClaim *claim, const char *smtp_reply,
                                GError **error);
/* A temporary failure: back to pending with backoff (1, 5, 15, 60, 60 … minutes after attempt
 * 1, 2, 3, 4 …), or failed once attempts reached max_attempts. *gave_up (may be NULL) says which. */
gboolean store_outbox_mark_retry(StoreConn *conn, const StoreOutboxClaim *claim, const char *last_error,
                                 const char *smtp_reply, guint max_attempts, gboolean *gave_up,
                                 GError **error);
/* A permanent failure (5xx for the recipient): failed, for ops. */
gboolean store_outbox_mark_failed(StoreConn *conn, const StoreOutboxClaim *claim, const char *last_error,
                                  const char *smtp_reply, GError **error);
/* A claimed row that was not tried (the run stopped first): back to pending, the attempt not
 * counted. */
gboolean store_outbox_release(StoreConn *conn, const StoreOutboxClaim *claim, GError **error);
/* ==== end OUTBOX ==== */

G_END_DECLS

#endif
