/* cli/config.c: the INI configuration of contract.md, read once with GKeyFile, checked against the
 * keys intake knows, and the data directory found at run time. */
#include "cli.h"

#include "version.h" /* INTAKE_RELATIVE_DATA_DIR: the data directory relative to the binary */

#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#ifndef INTAKE_SOURCE_DATA_DIR
#define INTAKE_SOURCE_DATA_DIR "data"
#endif
#ifndef INTAKE_SOURCE_SQL_DIR
#define INTAKE_SOURCE_SQL_DIR "sql"
#endif

/* ---- the keys intake knows ---- */

static const char *const imap_keys[] = {
  "url",         "user",       "password_file",    "tls_verify", "ca_file",
  "starttls",    "first_poll", "processed_folder", "timeout",    "stale_lock_after",
  "refused_for", NULL
};
static const char *const smtp_keys[] = { "url",
                                         "user",
                                         "password_file",
                                         "tls_verify",
                                         "ca_file",
                                         "starttls",
                                         "from",
                                         "send",
                                         "envelope_from",
                                         "connect_timeout",
                                         "timeout",
                                         "max_attempts",
                                         "max_acks_per_sender",
                                         "batch",
                                         "retry_backoff",
                                         "ack_max_age",
                                         "max_acks_per_hour",
                                         "trusted_authserv_id",
                                         NULL };
static const char *const db_keys[] = { "conninfo", "migrate_conninfo", "migrations_dir", NULL };
static const char *const limits_keys[] = { "max_bytes",   "max_depth",    "max_parts",
                                           "max_headers", "max_images",   "max_image_bytes",
                                           "image_ms",    "max_machines", NULL };
static const char *const log_keys[] = { "syslog", NULL };
static const char *const metrics_keys[] = { "textfile", NULL };
static const char *const alerts_keys[] = { "webhook_url",   "format",  "mail_to",   "due_within",
                                           "failing_polls", "timeout", "state_dir", NULL };

static const char *const *
section_keys(const char *group)
{
  if (g_str_equal(group, "imap") || g_str_has_prefix(group, "imap."))
    return imap_keys;
  if (g_str_equal(group, "smtp"))
    return smtp_keys;
  if (g_str_equal(group, "db"))
    return db_keys;
  if (g_str_equal(group, "limits"))
    return limits_keys;
  if (g_str_equal(group, "log"))
    return log_keys;
  if (g_str_equal(group, "metrics"))
    return metrics_keys;
  if (g_str_equal(group, "alerts"))
    return alerts_keys;
  return NULL;
}

/* Edit distance, for "did you mean": a misspelt key is the usual cause of an unknown one. */
static guint
distance(const char *a, const char *b)
{
  gsize la = strlen(a), lb = strlen(b);
  g_autofree guint *row = g_new(guint, lb + 1);
  for (gsize j = 0; j <= lb; j++)
    row[j] = (guint)j;
  for (gsize i = 1; i <= la; i++) {
    guint diag = row[0];
    row[0] = (guint)i;
    for (gsize j = 1; j <= lb; j++) {
      guint up = row[j];
      guint cost = a[i - 1] == b[j - 1] ? 0 : 1;
      row[j] = MIN(MIN(row[j] + 1, row[j - 1] + 1), diag + cost);
      diag = up;
    }
  }
  return row[lb];
}

static const char *
closest(const char *word, const char *const *known)
{
  const char *best = NULL;
  guint best_d = 3; /* at most two edits away */
  for (guint i = 0; known[i]; i++) {
    guint d = distance(word, known[i]);
    if (d < best_d)
      best = known[i], best_d = d;
  }
  return best;
}

static gboolean
check_known(GKeyFile *kf, const char *path, GError **error)
{
  static const char *const sections[] = { "imap", "smtp", "db", "limits", "log", "metrics", "alerts", NULL };
  g_auto(GStrv) groups = g_key_file_get_groups(kf, NULL);
  for (guint i = 0; groups[i]; i++) {
    const char *const *keys = section_keys(groups[i]);
    if (!keys) {
      const char *near = closest(groups[i], sections);
      g_set_error(
        error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_GROUP_NOT_FOUND,
        "%s: unknown section [%s]%s%s%s (known: imap, imap.NAME, smtp, db, limits, log, metrics, alerts)",
        path, groups[i], near ? " (did you mean [" : "", near ? near : "", near ? "]?)" : "");
      return FALSE;
    }
    if (g_str_equal(groups[i], "imap.")) {
      g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE, "%s: section [imap.] needs a name",
                  path);
      return FALSE;
    }
    g_auto(GStrv) names = g_key_file_get_keys(kf, groups[i], NULL, NULL);
    for (guint k = 0; names && names[k]; k++) {
      if (g_strv_contains(keys, names[k]))
        continue;
      const char *near = closest(names[k], keys);
      g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_KEY_NOT_FOUND,
                  "%s: unknown key '%s' in [%s]%s%s%s", path, names[k], groups[i],
                  near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
      return FALSE;
    }
  }
  return TRUE;
}

/* ---- reading values ---- */

/* GKeyFile takes only '#' comment lines; an INI file often uses ';' (contract.md does). */
static char *
semicolon_comments(const char *text, gsize len)
{
  GString *out = g_string_sized_new(len + 1);
  const char *p = text, *end = text + len;
  while (p < end) {
    const char *nl = memchr(p, '\n', (gsize)(end - p));
    const char *stop = nl ? nl + 1 : end;
    const char *q = p;
    while (q < stop && (*q == ' ' || *q == '\t'))
      q++;
    if (q < stop && *q == ';') {
      g_string_append_c(out, '#');
      g_string_append_len(out, q + 1, stop - q - 1);
    } else {
      g_string_append_len(out, p, stop - p);
    }
    p = stop;
  }
  return g_string_free(out, FALSE);
}

static char *
get_string(GKeyFile *kf, const char *group, const char *key)
{
  char *v = g_key_file_get_string(kf, group, key, NULL);
  if (!v)
    return NULL;
  /* a value may end in "; comment" (whitespace before the ';') */
  for (char *s = v; *s; s++)
    if (*s == ';' && s > v && (s[-1] == ' ' || s[-1] == '\t')) {
      *s = '\0';
      break;
    }
  g_strstrip(v);
  if (!*v)
    g_clear_pointer(&v, g_free);
  return v;
}

/* The value of key in group, else (for an [imap.NAME] section) in [imap]. */
static char *
get_inherited(GKeyFile *kf, const char *group, const char *key)
{
  if (g_key_file_has_key(kf, group, key, NULL) || !g_str_has_prefix(group, "imap."))
    return get_string(kf, group, key);
  return get_string(kf, "imap", key);
}

static gboolean
bad_value(GError **error, const char *path, const char *group, const char *key, const char *value,
          const char *what)
{
  g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE, "%s: [%s] %s = '%s' %s", path, group,
              key, value, what);
  return FALSE;
}

static gboolean
get_bool(GKeyFile *kf, const char *path, const char *group, const char *key, gboolean dflt, gboolean *out,
         GError **error)
{
  g_autofree char *v = get_inherited(kf, group, key);
  *out = dflt;
  if (!v)
    return TRUE;
  if (!g_ascii_strcasecmp(v, "true") || !g_ascii_strcasecmp(v, "yes") || g_str_equal(v, "1"))
    *out = TRUE;
  else if (!g_ascii_strcasecmp(v, "false") || !g_ascii_strcasecmp(v, "no") || g_str_equal(v, "0"))
    *out = FALSE;
  else
    return bad_value(error, path, group, key, v, "is not true or false");
  return TRUE;
}

static gboolean
get_uint(GKeyFile *kf, const char *path, const char *group, const char *key, guint dflt, guint min,
         guint *out, GError **error)
{
  g_autofree char *v = get_string(kf, group, key);
  guint64 n = dflt;
  if (v && !g_ascii_string_to_unsigned(v, 10, min, 100000, &n, NULL)) {
    g_autofree char *what = g_strdup_printf("is not a whole number from %u to 100000", min);
    return bad_value(error, path, group, key, v, what);
  }
  *out = (guint)n;
  return TRUE;
}

/* "25M", "512K", "1048576": a size in bytes (K/M/G are binary units). */
static gboolean
get_size(GKeyFile *kf, const char *path, const char *group, const char *key, guint64 max, guint64 *out,
         GError **error)
{
  g_autofree char *v = get_string(kf, group, key);
  if (!v)
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
  if (end == v || !end || *end || n == 0 || n > max / unit)
    return bad_value(error, path, group, key, v,
                     max > G_MAXUINT ? "is not a positive size (25M, 512K or bytes)"
                                     : "is not a positive number");
  *out = n * unit;
  return TRUE;
}

/* "90s", "5m", "48h", "2d", or plain seconds. */
static gboolean
parse_duration(const char *v, guint *out)
{
  char *end = NULL;
  guint64 n = g_ascii_strtoull(v, &end, 10);
  guint64 unit = 1;
  if (end == v)
    return FALSE;
  if (*end == 's')
    end++;
  else if (*end == 'm')
    unit = 60, end++;
  else if (*end == 'h')
    unit = 3600, end++;
  else if (*end == 'd')
    unit = 86400, end++;
  if (*end || n > G_MAXUINT / unit)
    return FALSE;
  *out = (guint)(n * unit);
  return TRUE;
}

static gboolean
get_duration(GKeyFile *kf, const char *path, const char *group, const char *key, guint dflt, guint *out,
             GError **error)
{
  g_autofree char *v = get_string(kf, group, key);
  *out = dflt;
  if (v && !parse_duration(v, out))
    return bad_value(error, path, group, key, v, "is not a duration (e.g. 90s, 30m, 48h, 2d)");
  return TRUE;
}

/* stale_lock_after = DURATION (default 10m): a poll lock held longer is reported as an error. */
static gboolean
get_stale_lock_after(GKeyFile *kf, const char *path, CliMailbox *m, GError **error)
{
  g_autofree char *v = get_inherited(kf, m->name, "stale_lock_after");
  m->stale_lock_after_s = CLI_STALE_LOCK_AFTER_DEFAULT_S;
  if (v && (!parse_duration(v, &m->stale_lock_after_s) || m->stale_lock_after_s == 0))
    return bad_value(error, path, m->name, "stale_lock_after", v, "is not a duration (e.g. 90s, 10m, 1h)");
  return TRUE;
}

/* first_poll = all | new | YYYY-MM-DD */
static gboolean
get_first_poll(GKeyFile *kf, const char *path, CliMailbox *m, GError **error)
{
  g_autofree char *v = get_inherited(kf, m->name, "first_poll");
  m->first_poll = CLI_FIRST_POLL_ALL;
  g_date_clear(&m->first_poll_since, 1);
  if (!v || g_str_equal(v, "all"))
    return TRUE;
  if (g_str_equal(v, "new")) {
    m->first_poll = CLI_FIRST_POLL_NEW;
    return TRUE;
  }
  guint y = 0, mo = 0, d = 0;
  char tail = 0;
  if (sscanf(v, "%4u-%2u-%2u%c", &y, &mo, &d, &tail) == 3 && strlen(v) == 10 &&
      g_date_valid_dmy((GDateDay)d, (GDateMonth)mo, (GDateYear)y)) {
    m->first_poll = CLI_FIRST_POLL_SINCE;
    g_date_set_dmy(&m->first_poll_since, (GDateDay)d, (GDateMonth)mo, (GDateYear)y);
    return TRUE;
  }
  return bad_value(error, path, m->name, "first_poll", v, "is not all, new or a date YYYY-MM-DD");
}

char **
cli_alerts_mail_to(const char *mail_to)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func(g_free);
  g_auto(GStrv) parts = g_regex_split_simple("[,;\\s]+", mail_to ? mail_to : "", 0, 0);
  for (guint i = 0; parts[i]; i++)
    if (*parts[i])
      g_ptr_array_add(out, g_strdup(parts[i]));
  g_ptr_array_add(out, NULL);
  return (char **)g_ptr_array_free(g_steal_pointer(&out), FALSE);
}

static gboolean
load_alerts(GKeyFile *kf, const char *path, CliAlerts *a, GError **error)
{
  static const char *const formats[] = { "generic", "wecom", "dingtalk", "feishu", NULL };
  a->webhook_url = get_string(kf, "alerts", "webhook_url");
  a->mail_to = get_string(kf, "alerts", "mail_to");
  a->format = get_string(kf, "alerts", "format");
  if (!a->format)
    a->format = g_strdup("generic");
  if (!g_strv_contains(formats, a->format))
    return bad_value(error, path, "alerts", "format", a->format, "is not wecom, dingtalk, feishu or generic");
  if (a->webhook_url && !g_str_has_prefix(a->webhook_url, "http://") &&
      !g_str_has_prefix(a->webhook_url, "https://"))
    return bad_value(error, path, "alerts", "webhook_url", a->webhook_url,
                     "is not an http:// or https:// URL");
  if (a->mail_to) {
    g_auto(GStrv) to = cli_alerts_mail_to(a->mail_to);
    gboolean ok = to[0] != NULL;
    /* one @ between a local part and a domain with a dot (blind round 13b: "duty@" passed) */
    for (guint i = 0; ok && to[i]; i++) {
      const char *at = strchr(to[i], '@');
      ok = at && at != to[i] && !strchr(at + 1, '@') && strchr(at + 1, '.') && at[1] != '.' &&
           !g_str_has_suffix(at, ".") && !strpbrk(to[i], "<>\"");
    }
    if (!ok)
      return bad_value(error, path, "alerts", "mail_to", a->mail_to,
                       "is not a mail address (several: separated by commas)");
  }
  /* systemd's StateDirectory=intake sets $STATE_DIRECTORY (the unit's); a package's /var/lib/intake */
  a->state_dir = get_string(kf, "alerts", "state_dir");
  if (!a->state_dir)
    a->state_dir =
      g_strdup(g_getenv("STATE_DIRECTORY") && *g_getenv("STATE_DIRECTORY") ? g_getenv("STATE_DIRECTORY")
                                                                           : "/var/lib/intake");
  if (!g_path_is_absolute(a->state_dir))
    return bad_value(error, path, "alerts", "state_dir", a->state_dir, "is not an absolute path");
  return get_duration(kf, path, "alerts", "due_within", 15 * 60, &a->due_within_s, error) &&
         get_uint(kf, path, "alerts", "failing_polls", 3, 0, &a->failing_polls, error) &&
         get_duration(kf, path, "alerts", "timeout", 5, &a->timeout_s, error);
}

/* Whether a file holding a secret can be read by others: anyone, or a group other than the one
 * intake runs as (root:intake 0640 is the documented set-up). */
static gboolean
readable_by_others(const GStatBuf *st)
{
  return (st->st_mode & 007) || ((st->st_mode & 070) && st->st_gid != getegid());
}

/* A password from its file (first line) or the environment; the value itself is never echoed. A
 * file that cannot be read (gone, or not readable by the user the poll runs as) is *problem, not a
 * configuration error: the poll still reaches the database, counts the mailbox's poll as failed and
 * the duty team hears of it ([alerts]); status still reports (blind round 11c: exit 2, nobody told). */
static gboolean
read_password(GKeyFile *kf, const char *path, const char *group, const char *env, char **out, char **problem,
              GError **error)
{
  g_autofree char *file = get_inherited(kf, group, "password_file");
  if (!file) {
    *out = g_strdup(g_getenv(env));
    return TRUE;
  }
  GStatBuf st;
  if (g_stat(file, &st) == 0 && readable_by_others(&st))
    /* blind round 18: "chmod 600" on the README's root-owned file locked intake itself out */
    cli_log(CLI_LOG_WARN,
            "%s: [%s] password_file %s can be read by others (mode %04o): chown root:intake and chmod 640 "
            "it (or chmod 600 if the user intake runs as owns it)",
            path, group, file, (unsigned)(st.st_mode & 07777));
  g_autofree char *text = NULL;
  g_autoptr(GError) local = NULL;
  (void)error;
  if (!g_file_get_contents(file, &text, NULL, &local)) {
    *problem = g_strdup_printf("%s: [%s] password_file: %s", path, group, local->message);
    return TRUE;
  }
  char *nl = strpbrk(text, "\r\n");
  if (nl)
    *nl = '\0';
  /* an empty first line, or only blanks: the server's "login refused" would blame the password
   * (blind round 18) */
  if (!text[strspn(text, " \t")]) {
    *problem = g_strdup_printf("%s: [%s] password_file %s: its first line is empty (the password goes on the "
                               "first line, the newline after it is optional)",
                               path, group, file);
    return TRUE;
  }
  *out = g_strdup(text);
  memset(text, 0, strlen(text));
  return TRUE;
}

/* Where url's host starts: after "://" (or at url, a bare host) and past the user information up to
 * the last '@' before the path, whose length *userinfo_len receives (0: none). */
static const char *
url_host(const char *url, gsize *userinfo_len)
{
  const char *p = strstr(url, "://");
  p = p ? p + 3 : url;
  const char *at = g_strrstr_len(p, (gssize)strcspn(p, "/?#"), "@");
  *userinfo_len = at ? (gsize)(at - p) : 0;
  return at ? at + 1 : p;
}

gboolean
cli_host_is_loopback(const char *url)
{
  if (!url)
    return FALSE;
  gsize userinfo_len;
  const char *p = url_host(url, &userinfo_len);
  g_autofree char *host = NULL;
  if (*p == '[') {
    const char *close = strchr(p, ']');
    host = close ? g_strndup(p + 1, (gsize)(close - p - 1)) : g_strdup(p);
  } else {
    host = g_strndup(p, strcspn(p, ":/"));
  }
  return !g_ascii_strcasecmp(host, "localhost") || g_str_has_prefix(host, "127.") || g_str_equal(host, "::1");
}

/* Whether url carries a password ("imaps://user:secret@host/INBOX"): the url names the mailbox in
 * status, logs, alerts and intake.mailbox_health, so the password would reach them all (blind round
 * 18). */
static gboolean
url_has_password(const char *url)
{
  if (!url || !strstr(url, "://"))
    return FALSE;
  gsize userinfo_len;
  const char *host = url_host(url, &userinfo_len);
  return memchr(host - 1 - userinfo_len, ':', userinfo_len) != NULL;
}

/* starttls (required | never) and tls_verify, with the loopback rule of contract.md. */
static gboolean
get_tls(GKeyFile *kf, const char *path, const char *group, const char *url, gboolean *verify, gboolean *plain,
        GError **error)
{
  if (url_has_password(url)) { /* the message must not repeat it */
    g_set_error(
      error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
      "%s: [%s] url holds a password (user:password@host): it would show in status, logs and alerts; "
      "write the url without it, the user in 'user' and the password in password_file",
      path, group);
    return FALSE;
  }
  if (!get_bool(kf, path, group, "tls_verify", TRUE, verify, error))
    return FALSE;
  g_autofree char *starttls = get_inherited(kf, group, "starttls");
  *plain = starttls && g_str_equal(starttls, "never");
  if (starttls && !*plain && !g_str_equal(starttls, "required"))
    return bad_value(error, path, group, "starttls", starttls,
                     "is not required or never (a 'try' could be stripped by anyone in the path)");
  gboolean loopback = cli_host_is_loopback(url);
  if (*plain && !loopback)
    return bad_value(error, path, group, "starttls", starttls,
                     "is refused: plain text only for a loopback host (localhost, 127.0.0.1, ::1)");
  if (!*verify && !loopback)
    return bad_value(error, path, group, "tls_verify", "false",
                     "is refused: certificates are verified for every host but loopback (use ca_file for a "
                     "private CA)");
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
  /* label photos (issue 15): how many per mail, how large, how long each may take */
  guint64 images = l->max_images, image_bytes = l->max_image_bytes, image_ms = l->image_ms;
  g_autofree char *no_images = get_string(kf, "limits", "max_images");
  if (no_images && g_str_equal(g_strstrip(no_images), "0"))
    images = 0; /* never read photos */
  else if (!get_size(kf, path, "limits", "max_images", 100, &images, error))
    return FALSE;
  guint64 machines = l->max_machines;
  if (!get_size(kf, path, "limits", "max_image_bytes", (guint64)1 << 30, &image_bytes, error) ||
      !get_size(kf, path, "limits", "image_ms", 600000, &image_ms, error) ||
      !get_size(kf, path, "limits", "max_machines", 1000, &machines, error))
    return FALSE;
  l->max_machines = machines ? (guint)machines : 1;
  l->max_images = (guint)images;
  l->max_image_bytes = (gsize)image_bytes;
  l->image_ms = (guint)image_ms;
  l->max_bytes = (gsize)bytes;
  l->max_depth = (guint)depth;
  l->max_parts = (guint)parts;
  l->max_headers = (guint)headers;
  return TRUE;
}

static gboolean
load_backoff(GKeyFile *kf, const char *path, GArray *out, GError **error)
{
  g_autofree char *v = get_string(kf, "smtp", "retry_backoff");
  g_auto(GStrv) items = g_strsplit(v ? v : "1m,5m,15m,60m", ",", -1);
  for (guint i = 0; items[i]; i++) {
    guint s = 0;
    if (!parse_duration(g_strstrip(items[i]), &s) || s == 0)
      return bad_value(error, path, "smtp", "retry_backoff", v,
                       "is not a list of durations (e.g. 1m,5m,15m,60m)");
    g_array_append_val(out, s);
  }
  return TRUE;
}

/* trusted_authserv_id = mx1.example.com, mx2.example.com (commas or blanks); absent: the
 * Authentication-Results check is off. */
static gboolean
load_authserv_ids(GKeyFile *kf, CliSmtp *s)
{
  g_autofree char *v = get_string(kf, "smtp", "trusted_authserv_id");
  g_auto(GStrv) items = g_strsplit_set(v ? v : "", ", \t", -1);
  GPtrArray *ids = g_ptr_array_new();
  for (guint i = 0; items[i]; i++)
    if (*items[i])
      g_ptr_array_add(ids, g_strdup(items[i]));
  g_ptr_array_add(ids, NULL);
  s->trusted_authserv_ids = (char **)g_ptr_array_free(ids, FALSE);
  return TRUE;
}

static gboolean
load_smtp(GKeyFile *kf, const char *path, CliSmtp *s, GError **error)
{
  s->url = get_string(kf, "smtp", "url");
  s->user = get_string(kf, "smtp", "user");
  s->ca_file = get_string(kf, "smtp", "ca_file");
  s->from = get_string(kf, "smtp", "from");
  if (!s->from)
    s->from = g_strdup("融科联创服务支持 <service@roycom.com.cn>");
  s->envelope_from = get_string(kf, "smtp", "envelope_from");
  s->retry_backoff_s = g_array_new(FALSE, FALSE, sizeof(guint));
  return get_tls(kf, path, "smtp", s->url, &s->tls_verify, &s->plain_text, error) &&
         get_bool(kf, path, "smtp", "send", TRUE, &s->send, error) &&
         get_uint(kf, path, "smtp", "connect_timeout", 15, 1, &s->connect_timeout_s, error) &&
         get_uint(kf, path, "smtp", "timeout", 60, 1, &s->timeout_s, error) &&
         get_uint(kf, path, "smtp", "max_attempts", 5, 1, &s->max_attempts, error) &&
         get_uint(kf, path, "smtp", "max_acks_per_sender", 5, 0, &s->max_acks_per_sender, error) &&
         /* one row claimed at a time: a sender killed mid-run leaves at most one in doubt */
         get_uint(kf, path, "smtp", "batch", 1, 1, &s->batch, error) &&
         load_backoff(kf, path, s->retry_backoff_s, error) &&
         get_duration(kf, path, "smtp", "ack_max_age", 48 * 3600, &s->ack_max_age_s, error) &&
         get_uint(kf, path, "smtp", "max_acks_per_hour", 200, 0, &s->max_acks_per_hour, error) &&
         load_authserv_ids(kf, s) &&
         read_password(kf, path, "smtp", "INTAKE_SMTP_PASSWORD", &s->password, &s->password_problem, error);
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
  g_free(m->password_problem);
  g_free(m->ca_file);
  g_free(m->processed_folder);
  g_free(m);
}

static gboolean
load_mailboxes(GKeyFile *kf, const char *path, GPtrArray *out, GError **error)
{
  g_auto(GStrv) groups = g_key_file_get_groups(kf, NULL);
  for (guint i = 0; groups[i]; i++) {
    const char *g = groups[i];
    if (!g_str_equal(g, "imap") && !g_str_has_prefix(g, "imap."))
      continue;
    CliMailbox *m = g_new0(CliMailbox, 1);
    g_ptr_array_add(out, m);
    m->name = g_strdup(g);
    m->url = get_inherited(kf, g, "url");
    m->user = get_inherited(kf, g, "user");
    m->ca_file = get_inherited(kf, g, "ca_file");
    m->processed_folder = get_inherited(kf, g, "processed_folder");
    /* found wrong only at the first move, the batch committed, every later poll failing (blind round
     * 20); a Chinese name is fine (sent in modified UTF-7) */
    for (const char *f = m->processed_folder; f && *f; f++)
      if ((guchar)*f < 0x20 || *f == 0x7f || *f == ';' || *f == '"') {
        g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                    "config %s: [%s] processed_folder holds a control character, ';' or '\"'", path, g);
        return FALSE;
      }
    if (!get_tls(kf, path, g, m->url, &m->tls_verify, &m->plain_text, error) ||
        !get_first_poll(kf, path, m, error) || !get_stale_lock_after(kf, path, m, error) ||
        !get_duration(kf, path, g, "timeout", 300, &m->timeout_s, error) ||
        !get_duration(kf, path, g, "refused_for", 30 * 60, &m->refused_for_s, error) ||
        !read_password(kf, path, g, "INTAKE_IMAP_PASSWORD", &m->password, &m->password_problem, error))
      return FALSE;
  }
  return TRUE;
}

/* The addresses that are "us": a mail from one of them is never an order nor acknowledged. */
static char **
own_addresses(const CliConfig *c)
{
  GPtrArray *a = g_ptr_array_new();
  for (guint i = 0; i < c->mailboxes->len; i++) {
    const CliMailbox *m = g_ptr_array_index(c->mailboxes, i);
    if (m->user && strchr(m->user, '@'))
      g_ptr_array_add(a, g_ascii_strdown(m->user, -1));
  }
  const char *lt = c->smtp.from ? strrchr(c->smtp.from, '<') : NULL;
  g_autofree char *from = lt ? g_strndup(lt + 1, strcspn(lt + 1, ">")) : g_strdup(c->smtp.from);
  if (from && strchr(from, '@'))
    g_ptr_array_add(a, g_ascii_strdown(g_strstrip(from), -1));
  if (c->smtp.user && strchr(c->smtp.user, '@'))
    g_ptr_array_add(a, g_ascii_strdown(c->smtp.user, -1));
  g_ptr_array_add(a, NULL);
  return (char **)g_ptr_array_free(a, FALSE);
}

static gboolean read_text(const char *chosen, const char *text, gsize len, GKeyFile *kf, GError **error);

static gboolean
read_file(const char *chosen, gboolean must_exist, GKeyFile *kf, GError **error)
{
  g_autofree char *text = NULL;
  gsize len = 0;
  g_autoptr(GError) local = NULL;
  if (!g_file_get_contents(chosen, &text, &len, &local)) {
    if (!must_exist && g_error_matches(local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
      return TRUE;
    g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_PARSE, "config %s: %s", chosen, local->message);
    return FALSE;
  }
  return read_text(chosen, text, len, kf, error);
}

/* A key given twice in one section: GKeyFile keeps the last one silently (blind round 11c: a second,
 * wrong url was the one polled), so the file is refused, naming both lines. ini: after
 * semicolon_comments. */
static gboolean
check_duplicates(const char *path, const char *ini, GError **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  g_auto(GStrv) lines = g_strsplit(ini, "\n", -1);
  g_autofree char *group = NULL;
  for (guint i = 0; lines[i]; i++) {
    g_autofree char *line = g_strstrip(g_strdup(lines[i]));
    if (!*line || *line == '#')
      continue;
    if (*line == '[') {
      char *close = strchr(line, ']');
      g_free(group);
      group = close ? g_strndup(line + 1, (gsize)(close - line - 1)) : NULL;
      continue;
    }
    char *eq = strchr(line, '=');
    if (!eq || !group)
      continue;
    *eq = '\0';
    g_autofree char *id = g_strdup_printf("%s\x1f%s", group, g_strstrip(line));
    gpointer before = g_hash_table_lookup(seen, id);
    if (before) {
      g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                  "%s: key '%s' given twice in [%s] (lines %u and %u): keep one", path, line, group,
                  GPOINTER_TO_UINT(before), i + 1);
      return FALSE;
    }
    g_hash_table_insert(seen, g_steal_pointer(&id), GUINT_TO_POINTER(i + 1));
  }
  return TRUE;
}

/* The configuration text (a file's contents) into kf, checked against the known keys. */
static gboolean
read_text(const char *chosen, const char *text, gsize len, GKeyFile *kf, GError **error)
{
  g_autoptr(GError) local = NULL;
  /* Windows Notepad saves UTF-8 with a byte-order mark: not part of the first line's text */
  if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
    text += 3;
    len -= 3;
  }
  g_autofree char *ini = semicolon_comments(text, len);
  if (!g_key_file_load_from_data(kf, ini, (gsize)-1, G_KEY_FILE_NONE, &local)) {
    g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_PARSE, "config %s: %s", chosen, local->message);
    return FALSE;
  }
  return check_known(kf, chosen, error) && check_duplicates(chosen, ini, error);
}

static CliConfig *config_from_keyfile(GKeyFile *kf, const char *chosen, GError **error);

CliConfig *
cli_config_load(const char *path, GError **error)
{
  g_autoptr(GKeyFile) kf = g_key_file_new();
  const char *chosen = path ? path : g_getenv("INTAKE_CONFIG");
  gboolean must_exist = chosen != NULL;
  if (!chosen)
    chosen = "intake.conf";
  if (!read_file(chosen, must_exist, kf, error))
    return NULL;
  CliConfig *c = config_from_keyfile(kf, chosen, error);
  /* a password written in the conninfo is as secret as a password file (blind round 11c: a 0644
   * config with password=… went unremarked while a 0644 password file was warned about) */
  GStatBuf st;
  if (c &&
      (store_conninfo_has_password(c->db_conninfo) || store_conninfo_has_password(c->db_migrate_conninfo)) &&
      g_stat(chosen, &st) == 0 && readable_by_others(&st))
    cli_log(CLI_LOG_WARN,
            "%s: [db] conninfo holds a password and the file can be read by others (mode %04o): chmod 640 it"
            " (root:intake), or keep the password in a ~/.pgpass of the intake user",
            chosen, (unsigned)(st.st_mode & 07777));
  return c;
}

char *
cli_config_no_mailbox(const CliConfig *config)
{
  if (config->mailboxes->len > 0)
    return NULL;
  if (!g_file_test(config->path, G_FILE_TEST_EXISTS))
    return g_strdup_printf(
      "no configuration: %s does not exist here (%s); give --config FILE or set INTAKE_CONFIG", config->path,
      g_get_current_dir());
  return g_strdup_printf("config %s: no [imap] section: no mailbox to poll", config->path);
}

CliConfig *
cli_config_load_data(const char *name, const char *text, gsize len, GError **error)
{
  g_autoptr(GKeyFile) kf = g_key_file_new();
  if (!read_text(name, text, len, kf, error))
    return NULL;
  return config_from_keyfile(kf, name, error);
}

static CliConfig *
config_from_keyfile(GKeyFile *kf, const char *chosen, GError **error)
{
  g_autoptr(CliConfig) c = g_new0(CliConfig, 1);
  c->path = g_strdup(chosen);
  c->db_conninfo = get_string(kf, "db", "conninfo");
  c->db_migrate_conninfo = get_string(kf, "db", "migrate_conninfo");
  c->data_dir = cli_data_dir(NULL);
  c->sql_dir = get_string(kf, "db", "migrations_dir");
  if (!c->sql_dir)
    c->sql_dir = cli_sql_dir(c->data_dir);
  c->mailboxes = g_ptr_array_new_with_free_func(mailbox_free);
  if (!get_bool(kf, chosen, "log", "syslog", FALSE, &c->syslog, error) ||
      !load_limits(kf, chosen, &c->limits, error) || !load_smtp(kf, chosen, &c->smtp, error) ||
      !load_mailboxes(kf, chosen, c->mailboxes, error) || !load_alerts(kf, chosen, &c->alerts, error))
    return NULL;
  c->metrics_textfile = get_string(kf, "metrics", "textfile");
  c->own_addresses = own_addresses(c);
  return g_steal_pointer(&c);
}

void
cli_config_free(CliConfig *c)
{
  if (!c)
    return;
  if (c->mailboxes)
    g_ptr_array_unref(c->mailboxes);
  CliSmtp *s = &c->smtp;
  g_free(s->url);
  g_free(s->user);
  if (s->password)
    memset(s->password, 0, strlen(s->password));
  g_free(s->password);
  g_free(s->password_problem);
  g_free(s->ca_file);
  g_free(s->from);
  g_free(s->envelope_from);
  if (s->retry_backoff_s)
    g_array_unref(s->retry_backoff_s);
  g_strfreev(s->trusted_authserv_ids);
  g_free(c->metrics_textfile);
  g_free(c->alerts.webhook_url);
  g_free(c->alerts.format);
  g_free(c->alerts.mail_to);
  g_free(c->alerts.state_dir);
  g_free(c->db_conninfo);
  g_free(c->db_migrate_conninfo);
  g_free(c->sql_dir);
  g_free(c->data_dir);
  g_free(c->path);
  g_strfreev(c->own_addresses);
  g_free(c);
}

const char *
cli_owner_conninfo(const CliConfig *config)
{
  return config->db_migrate_conninfo && *config->db_migrate_conninfo ? config->db_migrate_conninfo
                                                                     : config->db_conninfo;
}

int
cli_open_owner(const char *config_path, CliConfig **config, StoreConn **conn)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CliConfig) c = cli_config_load(config_path, &error);
  if (!c) {
    cli_log(CLI_LOG_ERROR, "%s", error->message);
    return EXIT_USAGE;
  }
  cli_log_open(c);
  StoreConn *db = store_connect(cli_owner_conninfo(c), &error);
  if (!db) {
    cli_log(CLI_LOG_ERROR, "%s", error->message);
    return EXIT_RUNTIME;
  }
  *conn = db;
  *config = g_steal_pointer(&c);
  return EXIT_OK;
}

int
cli_open(const char *config_path, CliConfig **config, StoreConn **conn)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CliConfig) c = cli_config_load(config_path, &error);
  if (!c) {
    cli_log(CLI_LOG_ERROR, "%s", error->message);
    return EXIT_USAGE;
  }
  cli_log_open(c);
  StoreConn *db = store_connect(c->db_conninfo, &error);
  if (!db) {
    cli_log(CLI_LOG_ERROR, "%s", error->message);
    return EXIT_RUNTIME;
  }
  *conn = db;
  *config = g_steal_pointer(&c);
  return EXIT_OK;
}

/* ---- the data directory ---- */

ParserConfig *
cli_parser_config_load(const CliConfig *config, GError **error)
{
  g_autofree char *dir = g_build_filename(config->data_dir, "parser", NULL);
  ParserConfig *parser = parser_config_load(dir, error);
  if (parser)
    parser_config_add_own_addresses(parser, (const char *const *)config->own_addresses);
  return parser;
}

ParserConfig *
cli_parser_config_need(ParserConfig **slot, const CliConfig *config, GError **error)
{
  if (!*slot)
    *slot = cli_parser_config_load(config, error);
  return *slot;
}

char *
cli_sql_dir(const char *data_dir)
{
  const char *env = g_getenv("INTAKE_SQL_DIR");
  if (env && *env)
    return g_strdup(env);
  g_autofree char *sql = g_build_filename(data_dir, "sql", NULL);
  if (g_file_test(sql, G_FILE_TEST_IS_DIR))
    return g_steal_pointer(&sql);
  return g_strdup(INTAKE_SOURCE_SQL_DIR); /* a build tree: sql/ sits beside data/ */
}

static gboolean
holds_data(const char *dir)
{
  g_autofree char *parser = g_build_filename(dir, "parser", "labels.ini", NULL);
  return g_file_test(parser, G_FILE_TEST_IS_REGULAR);
}

char *
cli_data_dir(const char *explicit_dir)
{
  if (explicit_dir && *explicit_dir)
    return g_strdup(explicit_dir);
  const char *env = g_getenv("INTAKE_DATA_DIR");
  if (env && *env)
    return g_strdup(env);
  /* installed: /usr/bin/intake → /usr/share/intake */
  g_autofree char *exe = g_file_read_link("/proc/self/exe", NULL);
  if (exe) {
    g_autofree char *bindir = g_path_get_dirname(exe);
    g_autofree char *share = g_build_filename(bindir, INTAKE_RELATIVE_DATA_DIR, NULL);
    g_autofree char *canon = g_canonicalize_filename(share, NULL);
    if (holds_data(canon))
      return g_steal_pointer(&canon);
  }
  return g_strdup(INTAKE_SOURCE_DATA_DIR); /* a build tree: the checkout it was built from */
}
