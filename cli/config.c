/* cli/config.c: the INI configuration of contract.md, read with GKeyFile. */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#ifndef INTAKE_SQL_DIR
#define INTAKE_SQL_DIR "sql"
#endif

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
  static const char *names[] = { "error", "warning", "info", "debug" };
  if (level > log_level)
    return;
  va_list ap;
  va_start(ap, fmt);
  g_autofree char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  if (log_syslog) {
    static const int priorities[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
    syslog(priorities[level], "%s", msg);
    return;
  }
  fprintf(stderr, "intake: %s: %s\n", names[level], msg);
}

static void
mailbox_free(gpointer p)
{
  CliMailbox *m = p;
  g_free(m->name);
  g_free(m->url);
  g_free(m->user);
  if (m->password)
    memset(m->password, 0, strlen(m->password));
  g_free(m->password);
  g_free(m->ca_file);
  g_free(m->processed_folder);
  g_free(m);
}

void
cli_config_free(CliConfig *c)
{
  if (!c)
    return;
  if (c->mailboxes)
    g_ptr_array_unref(c->mailboxes);
  g_free(c->imap_url);
  g_free(c->imap_user);
  if (c->imap_password)
    memset(c->imap_password, 0, strlen(c->imap_password));
  g_free(c->imap_password);
  g_free(c->imap_ca_file);
  g_free(c->processed_folder);
  g_free(c->smtp_url);
  g_free(c->smtp_user);
  if (c->smtp_password)
    memset(c->smtp_password, 0, strlen(c->smtp_password));
  g_free(c->smtp_password);
  g_free(c->smtp_ca_file);
  g_free(c->smtp_from);
  g_free(c->db_conninfo);
  g_free(c->sql_dir);
  g_free(c->path);
  g_free(c);
}

static char *
get_string(GKeyFile *kf, const char *group, const char *key)
{
  char *v = g_key_file_get_string(kf, group, key, NULL);
  if (v) {
    /* allow trailing "; comment" as in contract.md's example */
    char *semi = strstr(v, " ;");
    if (semi)
      *semi = '\0';
    g_strstrip(v);
  }
  return v;
}

static gboolean
get_bool(GKeyFile *kf, const char *path, const char *group, const char *key, gboolean dflt, gboolean *out,
         GError **error)
{
  g_autofree char *v = get_string(kf, group, key);
  if (!v || !*v) {
    *out = dflt;
    return TRUE;
  }
  if (!g_ascii_strcasecmp(v, "true") || !g_ascii_strcasecmp(v, "yes") || g_str_equal(v, "1")) {
    *out = TRUE;
    return TRUE;
  }
  if (!g_ascii_strcasecmp(v, "false") || !g_ascii_strcasecmp(v, "no") || g_str_equal(v, "0")) {
    *out = FALSE;
    return TRUE;
  }
  g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
              "%s: [%s] %s = '%s' is not true or false", path, group, key, v);
  return FALSE;
}

/* A password from its file (first line) or the environment; the value itself is never echoed. */
static gboolean
read_password(GKeyFile *kf, const char *path, const char *group, const char *env, char **out, GError **error)
{
  g_autofree char *file = get_string(kf, group, "password_file");
  if (!file && !g_str_equal(group, "imap") && g_str_has_prefix(group, "imap."))
    file = get_string(kf, "imap", "password_file");
  const char *from_env = g_getenv(env);
  if (file && *file) {
    g_autofree char *text = NULL;
    g_autoptr(GError) local = NULL;
    if (!g_file_get_contents(file, &text, NULL, &local)) {
      g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE, "%s: [%s] password_file: %s", path,
                  group, local->message);
      return FALSE;
    }
    char *nl = strpbrk(text, "\r\n");
    if (nl)
      *nl = '\0';
    *out = g_strdup(text);
    memset(text, 0, strlen(text));
    return TRUE;
  }
  *out = from_env ? g_strdup(from_env) : NULL;
  return TRUE;
}

/* "25M", "512K", "1048576": a size in bytes (K/M/G are binary units). */
static gboolean
get_size(GKeyFile *kf, const char *path, const char *group, const char *key, guint64 max, guint64 *out,
         GError **error)
{
  g_autofree char *v = get_string(kf, group, key);
  if (!v || !*v)
    return TRUE; /* keep the default */
  char *end = NULL;
  guint64 n = g_ascii_strtoull(v, &end, 10);
  guint64 unit = 1;
  if (end && (*end == 'K' || *end == 'k'))
    unit = 1024, end++;
  else if (end && (*end == 'M' || *end == 'm'))
    unit = 1024 * 1024, end++;
  else if (end && (*end == 'G' || *end == 'g'))
    unit = 1024 * 1024 * 1024, end++;
  if (end == v || !end || *end || n == 0 || n > max / unit) {
    g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                "%s: [%s] %s = '%s' is not a positive number%s", path, group, key, v,
                max > G_MAXUINT ? " (a size: 25M, 512K or bytes)" : "");
    return FALSE;
  }
  *out = n * unit;
  return TRUE;
}

static gboolean
load_limits(GKeyFile *kf, const char *path, ParserLimits *l, GError **error)
{
  parser_limits_init(l);
  guint64 bytes = l->max_bytes, depth = l->max_depth, parts = l->max_parts, headers = l->max_headers;
  if (!get_size(kf, path, "limits", "max_bytes", (guint64)4 << 30, &bytes, error) ||
      !get_size(kf, path, "limits", "max_depth", 1000, &depth, error) ||
      !get_size(kf, path, "limits", "max_parts", 100000, &parts, error) ||
      !get_size(kf, path, "limits", "max_headers", 100000, &headers, error))
    return FALSE;
  l->max_bytes = (gsize)bytes;
  l->max_depth = (guint)depth;
  l->max_parts = (guint)parts;
  l->max_headers = (guint)headers;
  return TRUE;
}

CliConfig *
cli_config_load(const char *path, GError **error)
{
  g_autoptr(GKeyFile) kf = g_key_file_new();
  const char *chosen = path;
  gboolean must_exist = TRUE;
  if (!chosen)
    chosen = g_getenv("INTAKE_CONFIG");
  if (!chosen) {
    chosen = "intake.conf";
    must_exist = FALSE;
  }
  g_autoptr(GError) local = NULL;
  if (!g_key_file_load_from_file(kf, chosen, G_KEY_FILE_NONE, &local)) {
    if (must_exist || !g_error_matches(local, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
      g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_PARSE, "config %s: %s", chosen, local->message);
      return NULL;
    }
  }
  g_autoptr(CliConfig) c = g_new0(CliConfig, 1);
  c->path = g_strdup(chosen);
  c->imap_url = get_string(kf, "imap", "url");
  c->imap_user = get_string(kf, "imap", "user");
  c->imap_ca_file = get_string(kf, "imap", "ca_file");
  c->processed_folder = get_string(kf, "imap", "processed_folder");
  c->smtp_url = get_string(kf, "smtp", "url");
  c->smtp_user = get_string(kf, "smtp", "user");
  c->smtp_ca_file = get_string(kf, "smtp", "ca_file");
  c->smtp_from = get_string(kf, "smtp", "from");
  c->db_conninfo = get_string(kf, "db", "conninfo");
  c->sql_dir = get_string(kf, "db", "migrations_dir");
  if (!c->sql_dir || !*c->sql_dir) {
    g_free(c->sql_dir);
    c->sql_dir = g_strdup(g_getenv("INTAKE_SQL_DIR") ? g_getenv("INTAKE_SQL_DIR") : INTAKE_SQL_DIR);
  }
  if (!get_bool(kf, chosen, "imap", "tls_verify", TRUE, &c->imap_tls_verify, error) ||
      !get_bool(kf, chosen, "smtp", "tls_verify", TRUE, &c->smtp_tls_verify, error) ||
      !get_bool(kf, chosen, "smtp", "send", TRUE, &c->smtp_send, error) ||
      !get_bool(kf, chosen, "log", "syslog", FALSE, &c->syslog, error) ||
      !load_limits(kf, chosen, &c->limits, error) ||
      !read_password(kf, chosen, "imap", "INTAKE_IMAP_PASSWORD", &c->imap_password, error) ||
      !read_password(kf, chosen, "smtp", "INTAKE_SMTP_PASSWORD", &c->smtp_password, error))
    return NULL;
  c->mailboxes = g_ptr_array_new_with_free_func(mailbox_free);
  g_auto(GStrv) groups = g_key_file_get_groups(kf, NULL);
  for (guint i = 0; groups && groups[i]; i++) {
    const char *g = groups[i];
    if (!g_str_equal(g, "imap") && !g_str_has_prefix(g, "imap."))
      continue;
    if (g_str_has_prefix(g, "imap.") && !g[5]) {
      g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE, "%s: section [imap.] needs a name",
                  chosen);
      return NULL;
    }
    CliMailbox *m = g_new0(CliMailbox, 1);
    g_ptr_array_add(c->mailboxes, m);
    m->name = g_strdup(g);
#define KEY(k) (g_key_file_has_key(kf, g, k, NULL) ? get_string(kf, g, k) : get_string(kf, "imap", k))
    m->url = KEY("url");
    m->user = KEY("user");
    m->ca_file = KEY("ca_file");
    m->processed_folder = KEY("processed_folder");
#undef KEY
    const char *bool_group = g_key_file_has_key(kf, g, "tls_verify", NULL) ? g : "imap";
    if (!get_bool(kf, chosen, bool_group, "tls_verify", TRUE, &m->tls_verify, error) ||
        !read_password(kf, chosen, g, "INTAKE_IMAP_PASSWORD", &m->password, error))
      return NULL;
  }
  return g_steal_pointer(&c);
}
