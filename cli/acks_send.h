/* cli/acks_send.h: acknowledgements in the entry point — queue one in an order's transaction, and
 * drain the outbox over SMTP. Used by `intake poll` and `intake acks`. Private to cli/. */
#ifndef INTAKE_CLI_ACKS_SEND_H
#define INTAKE_CLI_ACKS_SEND_H

#include "classifier.h"
#include "cli.h"
#include "parser.h"
#include "store.h"

/* [smtp] of the config (CliSmtp), as the acknowledgement sender uses it. */
typedef struct {
  char *url, *user, *password, *ca_file, *from, *envelope_from;
  char *password_problem; /* [smtp] password_file cannot be read: nothing is sent, the outbox waits */
  char **own_addresses;   /* every address of the service: they never get an acknowledgement */
  gboolean tls_verify, require_tls, plain_text, send;
  guint connect_timeout_s, timeout_s, max_attempts, max_acks_per_sender, batch;
  GArray *backoff_minutes; /* guint: the wait before attempt 2, 3, … ([smtp] retry_backoff) */
  guint ack_max_age_s;     /* 0: no age limit */
  /* against forged senders: a cap for everyone, the receiving MTA's verdict */
  guint max_acks_per_hour;      /* 0: no global cap */
  char **trusted_authserv_ids;  /* [smtp] trusted_authserv_id, NULL-terminated; empty: A-R not read */
  struct AcksQueueCache *cache; /* what every acknowledgement of a run reads alike: texts, SLA terms */
} AcksSmtpConfig;

/* Fills out from config (checked when it was read). Clear with acks_smtp_config_clear. */
gboolean acks_smtp_config_load(const CliConfig *config, AcksSmtpConfig *out, GError **error);
void acks_smtp_config_clear(AcksSmtpConfig *config);

/* The order just stored, as poll has it. */
typedef struct {
  gint64 order_id;
  const char *order_no;
  const ParserRequest *request;   /* NULL: the mail could not be parsed (no acknowledgement) */
  const ClassifierResult *result; /* NULL when request is NULL */
  const char *raw;                /* the mail's bytes (its headers feed the loop rules) */
  gsize raw_len;
  GTimeZone *time_zone; /* the policy's: the deadlines in the text are written in it; NULL: acks' default */
  GDateTime *received;  /* when the mail arrived: older than [smtp] ack_max_age is not acknowledged */
  guint n_orders;       /* orders the mail opened (a batch report: several); 0: read from the store */
  StoreAhead *caps;     /* acks_caps_ahead sent for this mail before its orders, or NULL: read here */
  const char *recurrence_of; /* the closed order this one's fault came back after, or NULL */
} AcksOrder;

/* The counts the caps need for the acknowledgement of request (its recipient's, the hour's), sent
 * ahead of the next statement so that they cost no round trip of their own; NULL when none are
 * needed (or on error). For AcksOrder.caps. */
StoreAhead *acks_caps_ahead(StoreConn *conn, const AcksSmtpConfig *config, const ParserRequest *request,
                            GError **error);

/* Inside the order's transaction, right after store_order_insert: decides (acks_decide, counting
 * the sender's acknowledgements of the last 24 h) and writes the order's intake.outbox row —
 * pending with the rendered message, or suppressed with the reason. *outcome (may be NULL)
 * receives "queued", "suppressed:<reason>", "exists" or "not rendered: <why>" (caller frees).
 * A template problem does not fail the transaction (no row, a warning in
 * *outcome); FALSE only for database errors, and then the caller rolls back. */
/* The same for several requests in one statement (one AcksOrder.caps serves each of them). */
StoreAhead *acks_caps_many_ahead(StoreConn *conn, const AcksSmtpConfig *config,
                                 const ParserRequest *const *requests, guint n, GError **error);
gboolean acks_queue_order(StoreConn *conn, const AcksSmtpConfig *config, const AcksOrder *order,
                          char **outcome, GError **error);

/* Outside any transaction: claims due rows and sends them over one SMTP connection until the
 * outbox has nothing due. SMTP server unreachable: the rows stay pending (retried with backoff),
 * a warning is logged, returns TRUE. FALSE with error for database failures and for refused
 * logins / TLS / configuration problems (sending later will not help). *sent, *failed (may be
 * NULL): delivered, and given up (failed) in this run. */
gboolean acks_send_pending(StoreConn *conn, const AcksSmtpConfig *config, guint *sent, guint *failed,
                           GError **error);

#endif
