/* cli: the intake executable's entry — subcommands, configuration, logging. Private to cli/. */
#ifndef INTAKE_CLI_H
#define INTAKE_CLI_H

#include <glib.h>

#include "parser.h"

/* Exit codes of contract.md */
enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_USAGE = 2, EXIT_TEMPFAIL = 75 };

/* One polled mailbox: [imap] and every [imap.NAME] section (keys it leaves out come from [imap]). */
typedef struct {
  char *name; /* "imap" or "imap.NAME" */
  char *url, *user, *password, *ca_file, *processed_folder;
  gboolean tls_verify;
} CliMailbox;

typedef struct {
  GPtrArray *mailboxes; /* CliMailbox*, [imap] first */
  char *imap_url, *imap_user, *imap_password, *imap_ca_file, *processed_folder;
  gboolean imap_tls_verify;
  char *smtp_url, *smtp_user, *smtp_password, *smtp_ca_file, *smtp_from;
  gboolean smtp_tls_verify, smtp_send;
  char *db_conninfo;
  char *sql_dir;       /* migrations; default: the source tree's sql/ */
  char *path;          /* the file read, for messages */
  gboolean syslog;     /* [log] syslog = true: log to syslog (facility mail) instead of stderr */
  ParserLimits limits; /* [limits] max_bytes (25M), max_depth, max_parts, max_headers */
} CliConfig;

/* Loads --config FILE, else $INTAKE_CONFIG, else ./intake.conf (absent: defaults + environment).
 * Passwords come from *_password_file or $INTAKE_IMAP_PASSWORD / $INTAKE_SMTP_PASSWORD. */
CliConfig *cli_config_load(const char *path, GError **error);
void cli_config_free(CliConfig *config);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CliConfig, cli_config_free)

/* Logging: levels to stderr; --quiet shows only errors, --verbose adds debug. */
typedef enum { CLI_LOG_ERROR, CLI_LOG_WARN, CLI_LOG_INFO, CLI_LOG_DEBUG } CliLogLevel;
void cli_log_set_level(CliLogLevel level);
/* Sends the log to syslog when the configuration asks for it. */
void cli_log_open(const CliConfig *config);
void cli_log(CliLogLevel level, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

int cli_cmd_poll(int argc, char **argv);
int cli_cmd_db(int argc, char **argv);
int cli_cmd_inspect(int argc, char **argv);
int cli_cmd_assets(int argc, char **argv);
int cli_cmd_acks(int argc, char **argv);
int cli_cmd_reprocess(int argc, char **argv);

#endif
