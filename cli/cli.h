/* cli: the intake executable's entry — subcommands, configuration, logging. Private to cli/. */
#ifndef INTAKE_CLI_H
#define INTAKE_CLI_H

#include <glib.h>

#include "parser.h"
#include "store.h"

/* Exit codes of contract.md */
enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_USAGE = 2, EXIT_TEMPFAIL = 75 };

/* One polled mailbox: [imap] and every [imap.NAME] section (keys it leaves out come from [imap]). */
typedef struct {
  char *name; /* "imap" or "imap.NAME" */
  char *url, *user, *password, *ca_file, *processed_folder;
  char *password_problem; /* its password_file cannot be read: the mailbox's polls fail (and are counted) */
  gboolean tls_verify;
  gboolean plain_text; /* starttls = never (loopback only): imap:// without TLS */
  guint timeout_s;     /* [imap] timeout: one IMAP command, start to end */
  guint refused_for_s; /* refused_for: a mail the server refuses (FETCH NO) this long is kept for review */
  /* first_poll: the first contact with the mailbox (no UID state stored yet) */
  enum { CLI_FIRST_POLL_ALL, CLI_FIRST_POLL_NEW, CLI_FIRST_POLL_SINCE } first_poll;
  GDate first_poll_since;   /* CLI_FIRST_POLL_SINCE: older mail (INTERNALDATE) is skipped */
  guint stale_lock_after_s; /* stale_lock_after: a poll lock held longer is an error (poll, status) */
} CliMailbox;
#define CLI_STALE_LOCK_AFTER_DEFAULT_S (10 * 60)

/* [smtp]: the acknowledgements' way out. */
typedef struct {
  char *url, *user, *password, *ca_file;
  char *password_problem; /* its password_file cannot be read: nothing is sent, the outbox waits */
  char *from;             /* display form, e.g. 融科联创服务支持 <service@roycom.com.cn> */
  char *envelope_from;    /* MAIL FROM; NULL: the address of from; "<>": the null path */
  gboolean tls_verify, send;
  gboolean plain_text; /* starttls = never (loopback only) */
  guint connect_timeout_s, timeout_s, max_attempts, max_acks_per_sender, batch;
  GArray *retry_backoff_s; /* guint seconds before attempt 2, 3, …; the last repeats */
  guint ack_max_age_s;     /* no acknowledgement for mail received longer ago (default 48 h) */
  /* against forged senders: a cap for everyone, the receiving MTA's verdict */
  guint max_acks_per_hour;     /* acknowledgements to anyone per hour (default 200); 0: no cap */
  char **trusted_authserv_ids; /* Authentication-Results ids of our MTA, NULL-terminated; empty: off */
} CliSmtp;

/* [alerts]: the duty team's webhook and/or mailbox (cli/alerts.c). */
typedef struct {
  char *webhook_url;
  char *format;  /* wecom | dingtalk | feishu | generic */
  char *mail_to; /* through [smtp] */
  guint due_within_s, failing_polls, timeout_s;
  char *state_dir; /* a database outage is remembered here: $STATE_DIRECTORY, /var/lib/intake */
} CliAlerts;
/* [alerts] mail_to as addresses ("duty@x.cn, ops@x.cn": commas, semicolons or blanks). Caller frees. */
char **cli_alerts_mail_to(const char *mail_to);

typedef struct {
  GPtrArray *mailboxes; /* CliMailbox*, [imap] first; at least one when [imap] has a url */
  CliSmtp smtp;
  char *db_conninfo;
  char *
    db_migrate_conninfo; /* [db] migrate_conninfo: the schema owner, for db migrate and assets import; NULL: conninfo */
  char *sql_dir;          /* migrations: [db] migrations_dir, else <data dir>/sql */
  char *data_dir;         /* parser/, classifier/, sql/ (cli_data_dir) */
  char *path;             /* the file read, for messages */
  gboolean syslog;        /* [log] syslog = true: log to syslog (facility mail) instead of stderr */
  ParserLimits limits;    /* [limits] max_bytes (25M), max_depth, max_parts, max_headers */
  char **own_addresses;   /* lower case: every mailbox user and the [smtp] from address; NULL-terminated */
  char *metrics_textfile; /* [metrics] textfile: Prometheus textfile written after each poll, or NULL */
  CliAlerts alerts;
} CliConfig;

/* Loads --config FILE, else $INTAKE_CONFIG, else ./intake.conf (absent: defaults + environment).
 * INI habits of contract.md: `;` and `#` comment lines, a value may end in `; comment`, an unknown
 * section or key is an error naming it. Passwords come from *_password_file or
 * $INTAKE_IMAP_PASSWORD / $INTAKE_SMTP_PASSWORD and never appear in an error. */
CliConfig *cli_config_load(const char *path, GError **error);
/* Why config names no mailbox, for a person: the default ./intake.conf not there (blind round 16:
 * `intake status` said healthy from another directory), or a file without [imap]. NULL: it names one. */
char *cli_config_no_mailbox(const CliConfig *config);
/* The same from the text of a configuration (name: how messages call it), e.g. for the fuzzer. */
CliConfig *cli_config_load_data(const char *name, const char *text, gsize len, GError **error);
void cli_config_free(CliConfig *config);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CliConfig, cli_config_free)

/* The start every database command shares: reads the config (EXIT_USAGE on a bad one), opens the
 * log it asks for, connects to PostgreSQL (EXIT_RUNTIME when it cannot). Returns EXIT_OK and fills
 * *config and *conn (the caller frees both), else the exit code, with the reason logged. */
int cli_open(const char *config_path, CliConfig **config, StoreConn **conn);
/* The same connected as the schema owner ([db] migrate_conninfo, else conninfo): db migrate and
 * assets import, which the pipeline's role may not do. */
int cli_open_owner(const char *config_path, CliConfig **config, StoreConn **conn);
const char *cli_owner_conninfo(const CliConfig *config);

/* The data directory (parser/, classifier/, sql/, sql/seed/), found at run time: explicit (a
 * --data-dir option; may be NULL), else $INTAKE_DATA_DIR, else <the executable's dir>/../share/intake
 * when that holds parser/, else the source tree the binary was built from. Returns a new string. */
char *cli_data_dir(const char *explicit_dir);

/* The parser's data from <config->data_dir>/parser, with the config's own addresses added (a mail
 * from one of them is a loop). Caller frees. */
ParserConfig *cli_parser_config_load(const CliConfig *config, GError **error);
/* The same, loaded into *slot when a run first needs it and kept there (NULL with error when it
 * cannot be read): a poll with nothing new never compiles the parser's patterns (a third of a
 * no-op poll's own CPU). */
ParserConfig *cli_parser_config_need(ParserConfig **slot, const CliConfig *config, GError **error);

/* The migrations folder: $INTAKE_SQL_DIR, else <data_dir>/sql, else the source tree's sql/. Its seed/
 * folder holds the policy seeds. Returns a new string. */
char *cli_sql_dir(const char *data_dir);

/* Whether host (of a URL) is this machine: localhost, 127.0.0.0/8 or ::1. */
gboolean cli_host_is_loopback(const char *url);

/* Logging (cli/log.c): one line per event with a time, a level and the message (key=value fields
 * where the caller has them). Under systemd (JOURNAL_STREAM set) the line starts with a <N> priority
 * and no time (journald adds it); with [log] syslog = true it goes to syslog (facility mail).
 * --quiet shows only errors, --verbose adds debug. */
typedef enum { CLI_LOG_ERROR, CLI_LOG_WARN, CLI_LOG_INFO, CLI_LOG_DEBUG } CliLogLevel;
void cli_log_set_level(CliLogLevel level);
/* Sends the log to syslog when the configuration asks for it. */
void cli_log_open(const CliConfig *config);
void cli_log(CliLogLevel level, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* A key=value field appended to every later log line (e.g. mailbox=INBOX) until set again or
 * cleared with value NULL; values with blanks are quoted. */
void cli_log_field(const char *key, const char *value);

int cli_cmd_poll(int argc, char **argv);
int cli_cmd_db(int argc, char **argv);
int cli_cmd_inspect(int argc, char **argv);
int cli_cmd_assets(int argc, char **argv);
int cli_cmd_acks(int argc, char **argv);
int cli_cmd_reprocess(int argc, char **argv);
int cli_cmd_status(int argc, char **argv);

/* Progress of long work on a terminal (cli/progress.c): nothing unless stderr is a terminal (cron,
 * systemd and pipes stay quiet). what: e.g. "poll INBOX"; total 0: unknown. At most a few updates a
 * second; cli_progress_done ends the line. */
void cli_progress(const char *what, guint done, guint total);
void cli_progress_done(void);

#endif
