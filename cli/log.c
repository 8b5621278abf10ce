/* cli/log.c: the log of the intake executable — stderr with a timestamp, journald priorities under
 * systemd, or syslog. */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

static CliLogLevel log_level = CLI_LOG_INFO;
static gboolean log_syslog;
static GString *log_fields; /* " key=value" for each field set, in the order set */
static GPtrArray *log_keys; /* the keys set, with their values: key, value, key, value … */

void
cli_log_field(const char *key, const char *value)
{
  if (!log_keys)
    log_keys = g_ptr_array_new_with_free_func(g_free);
  for (guint i = 0; i < log_keys->len; i += 2)
    if (g_str_equal(g_ptr_array_index(log_keys, i), key)) {
      g_ptr_array_remove_range(log_keys, i, 2);
      break;
    }
  if (value) {
    g_ptr_array_add(log_keys, g_strdup(key));
    g_ptr_array_add(log_keys, g_strdup(value));
  }
  if (!log_fields)
    log_fields = g_string_new(NULL);
  g_string_truncate(log_fields, 0);
  for (guint i = 0; i < log_keys->len; i += 2) {
    const char *v = g_ptr_array_index(log_keys, i + 1);
    /* a value with blanks, quotes or = is quoted, so `key=value` splits the same way in any tool */
    gboolean quote = !*v || strpbrk(v, " \t\"=") != NULL;
    g_string_append_printf(log_fields, " %s=", (const char *)g_ptr_array_index(log_keys, i));
    if (quote) {
      g_string_append_c(log_fields, '"');
      for (const char *c = v; *c; c++) {
        if (*c == '"' || *c == '\\')
          g_string_append_c(log_fields, '\\');
        g_string_append_c(log_fields, *c);
      }
      g_string_append_c(log_fields, '"');
    } else {
      g_string_append(log_fields, v);
    }
  }
}

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
  g_autofree char *text = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  g_autofree char *msg = g_strconcat(text, log_fields ? log_fields->str : "", NULL);
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
