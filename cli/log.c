/* cli/log.c: the log of the intake executable — stderr with a timestamp, journald priorities under
 * systemd, or syslog. */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>

static CliLogLevel log_level = CLI_LOG_INFO;
static gboolean log_syslog;

void
cli_log_open(const CliConfig *config)
{
  if (config->syslog && !log_syslog) {
    openlog("intake", LOG_PID, LOG_MAIL);
    log_syslog = TRUE;
  }
}

void
cli_log_set_level(CliLogLevel level)
{
  log_level = level;
}

void
cli_log(CliLogLevel level, const char *fmt, ...)
{
  static const char *const names[] = { "error", "warning", "info", "debug" };
  static const int priorities[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
  if (level > log_level)
    return;
  va_list ap;
  va_start(ap, fmt);
  g_autofree char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  if (log_syslog) {
    syslog(priorities[level], "%s", msg);
    return;
  }
  if (g_getenv("JOURNAL_STREAM")) { /* stderr is the journal: it keeps the time, we give the level */
    fprintf(stderr, "<%d>intake: %s: %s\n", priorities[level], names[level], msg);
    return;
  }
  g_autoptr(GDateTime) now = g_date_time_new_now_local();
  g_autofree char *when = g_date_time_format(now, "%Y-%m-%dT%H:%M:%S%:z");
  fprintf(stderr, "%s intake: %s: %s\n", when, names[level], msg);
}
