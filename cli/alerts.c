/* cli/alerts.c: [alerts] — tells the duty team about a new P1, a deadline about to pass with
 * nothing recorded, a mailbox failing poll after poll, an acknowledgement that failed. Events are
 * found and remembered by the store (intake.alerts, each once); here they are sent to a robot
 * webhook (WeCom, DingTalk, Feishu text messages, or a generic JSON) and/or mailed through [smtp].
 * Short timeouts, and one unreachable channel ends the round: the poll is never held up, and what
 * was not sent is tried again by the next poll. */
#include "golive.h"

#include "fetcher.h"

#include "jsonout.h"
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <string.h>

/* The robots' text message shapes: WeCom and DingTalk {"msgtype":"text","text":{"content":…}},
 * Feishu {"msg_type":"text","content":{"text":…}}; generic carries the event's fields. */
static char *
webhook_json(const char *format, char **alert)
{
  g_autofree char *text = g_strdup_printf("[intake] %s\n%s", alert[2], alert[3]);
  g_autoptr(JsonBuilder) b = json_builder_new();
  json_builder_begin_object(b);
  if (g_str_equal(format, "feishu")) {
    json_builder_set_member_name(b, "msg_type");
    json_builder_add_string_value(b, "text");
    json_builder_set_member_name(b, "content");
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "text");
    json_builder_add_string_value(b, text);
    json_builder_end_object(b);
  } else if (g_str_equal(format, "wecom") || g_str_equal(format, "dingtalk")) {
    json_builder_set_member_name(b, "msgtype");
    json_builder_add_string_value(b, "text");
    json_builder_set_member_name(b, "text");
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "content");
    json_builder_add_string_value(b, text);
    json_builder_end_object(b);
  } else {
    static const char *const names[] = { "event", "kind", "subject", "text" };
    for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
      json_builder_set_member_name(b, names[i]);
      json_builder_add_string_value(b, alert[i]);
    }
  }
  json_builder_end_object(b);
  return jsonout_builder_to_string(b, FALSE);
}

static char *
b64_header(const char *text)
{
  g_autofree char *b64 = g_base64_encode((const guchar *)text, strlen(text));
  return g_strdup_printf("=?UTF-8?B?%s?=", b64);
}

/* A plain UTF-8 mail to the duty addresses (base64 body: any text, any line length). */
static char *
alert_mail(const AcksSmtpConfig *smtp, char **to, char **alert)
{
  g_autofree char *joined = NULL;
  {
    g_autoptr(GString) t = g_string_new(NULL);
    for (guint i = 0; to[i]; i++)
      g_string_append_printf(t, "%s<%s>", i ? ", " : "", to[i]);
    joined = g_string_free(g_steal_pointer(&t), FALSE);
  }
  g_autoptr(GDateTime) now = g_date_time_new_now_local();
  g_autofree char *date = g_date_time_format(now, "%a, %d %b %Y %H:%M:%S %z");
  g_autofree char *subject = g_strdup_printf("[intake] %s", alert[2]);
  g_autofree char *subject_enc = b64_header(subject);
  g_autofree char *body = g_strdup_printf("%s\r\n", alert[3]);
  g_autofree char *body_b64 = g_base64_encode((const guchar *)body, strlen(body));
  const char *at = strrchr(smtp->from, '@');
  g_autofree char *domain = at ? g_strndup(at + 1, strcspn(at + 1, ">")) : g_strdup("localhost");
  g_autofree char *uuid = g_uuid_string_random();
  GString *m = g_string_new(NULL);
  g_string_append_printf(
    m,
    "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <alert.%s@%s>\r\n"
    "Auto-Submitted: auto-generated\r\nMIME-Version: 1.0\r\n"
    "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n",
    smtp->from, joined, subject_enc, date, uuid, domain);
  for (gsize i = 0, n = strlen(body_b64); i < n; i += 76) {
    g_string_append_len(m, body_b64 + i, (gssize)MIN(76, n - i));
    g_string_append(m, "\r\n");
  }
  return g_string_free(m, FALSE);
}

static char *
envelope_of(const AcksSmtpConfig *smtp)
{
  if (smtp->envelope_from)
    return g_strdup(g_str_equal(smtp->envelope_from, "<>") ? "" : smtp->envelope_from);
  const char *lt = strrchr(smtp->from, '<');
  return lt ? g_strndup(lt + 1, strcspn(lt + 1, ">")) : g_strstrip(g_strdup(smtp->from));
}

static FetcherSmtp *
open_smtp(const AcksSmtpConfig *smtp, guint timeout_s, GError **error)
{
  FetcherSmtpOptions so = {
    .url = smtp->url,
    .user = smtp->user,
    .password = smtp->password,
    .tls_verify = smtp->tls_verify,
    .ca_file = smtp->ca_file,
    .require_tls = smtp->require_tls,
    .connect_timeout_s = timeout_s,
    .timeout_s = timeout_s * 2,
  };
  return fetcher_smtp_open(&so, error);
}

/* [alerts] has a channel: without one, nothing is collected, sent or remembered. */
static gboolean
alerts_configured(const CliAlerts *cfg)
{
  return cfg->webhook_url || cfg->mail_to;
}

/* The channels of done ("webhook,mail"): bit 1 the webhook, bit 2 the mail. */
enum { CHANNEL_WEBHOOK = 1, CHANNEL_MAIL = 2 };

static guint
channels_parse(const char *done)
{
  guint bits = 0;
  g_auto(GStrv) names = g_strsplit(done ? done : "", ",", -1);
  for (guint i = 0; names[i]; i++)
    bits |= g_str_equal(names[i], "webhook") ? CHANNEL_WEBHOOK
            : g_str_equal(names[i], "mail")  ? CHANNEL_MAIL
                                             : 0;
  return bits;
}

static const char *
channels_name(guint bits)
{
  static const char *const names[] = { "", "webhook", "mail", "webhook,mail" };
  return names[bits & 3];
}

/* Sends one alert on every configured channel not in *done (bits), adding each that takes it: a
 * failing mail relay must not make the robot repeat it at every poll (blind round 13). TRUE when
 * every configured channel has it. */
static gboolean
send_alert(const CliAlerts *cfg, const AcksSmtpConfig *smtp, FetcherSmtp **mailer, char **alert, guint *done,
           GError **error)
{
  /* each channel on its own: a robot refusing must not keep the duty mail back either (13b) */
  g_autoptr(GError) hook_error = NULL;
  g_autoptr(GError) mail_error = NULL;
  if (cfg->webhook_url && !(*done & CHANNEL_WEBHOOK)) {
    g_autofree char *json = webhook_json(cfg->format, alert);
    gboolean robot = !g_str_equal(cfg->format, "generic"); /* wecom, dingtalk, feishu */
    if (fetcher_http_post_json(cfg->webhook_url, json, cfg->timeout_s, robot, &hook_error))
      *done |= CHANNEL_WEBHOOK;
  }
  if (cfg->mail_to && !(*done & CHANNEL_MAIL) &&
      (*mailer || (*mailer = open_smtp(smtp, cfg->timeout_s, &mail_error)))) {
    g_auto(GStrv) to = cli_alerts_mail_to(cfg->mail_to);
    g_autofree char *msg = alert_mail(smtp, to, alert);
    g_autofree char *envelope = envelope_of(smtp);
    if (fetcher_smtp_send_to(*mailer, envelope, (const char *const *)to, msg, strlen(msg), NULL, NULL,
                             &mail_error))
      *done |= CHANNEL_MAIL;
  }
  if (hook_error || mail_error) {
    g_propagate_error(error, hook_error ? g_steal_pointer(&hook_error) : g_steal_pointer(&mail_error));
    return FALSE;
  }
  return TRUE;
}

/* The alerts could not be read or written: a schema behind or a missing grant is an error (shown
 * under --quiet: blind round 13b, no P1 alert and not a word), a passing failure a warning. */
static void
alerts_failed(const GError *error)
{
  gboolean lasting = g_error_matches(error, STORE_ERROR, STORE_ERROR_SCHEMA);
  cli_log(lasting ? CLI_LOG_ERROR : CLI_LOG_WARN, "alerts: %s", error->message);
}

void
cli_alerts_run(const CliConfig *config, StoreConn *conn, const AcksSmtpConfig *smtp)
{
  const CliAlerts *cfg = &config->alerts;
  if (!alerts_configured(cfg))
    return;
  g_autoptr(GError) error = NULL;
  if (cfg->mail_to && (!smtp->url || !*smtp->url)) {
    cli_log(CLI_LOG_WARN, "alerts: mail_to needs [smtp] url");
    return;
  }
  /* one poll sends at a time: two overlapping ones read the same unsent rows (blind round 13b: two
   * recovery messages); the other's alerts go with its next round */
  if (!store_lock_try(conn, "intake alerts", &error)) {
    if (!g_error_matches(error, STORE_ERROR, STORE_ERROR_BUSY))
      alerts_failed(error);
    return;
  }
  g_autoptr(StoreRows) rows = NULL;
  if (!store_alerts_collect(conn, (cfg->due_within_s + 59) / 60, cfg->failing_polls, &error) ||
      !(rows = store_alerts_unsent(conn, &error))) {
    alerts_failed(error);
    store_lock_release(conn, "intake alerts", NULL);
    return;
  }
  g_autoptr(FetcherSmtp) mailer = NULL;
  for (guint i = 0; i < rows->rows->len; i++) {
    char **alert = g_ptr_array_index(rows->rows, i);
    g_autoptr(GError) send_error = NULL;
    guint done = channels_parse(alert[4]);
    gboolean sent = send_alert(cfg, smtp, &mailer, alert, &done, &send_error);
    g_autoptr(GError) mark_error = NULL;
    if (!store_alert_mark(conn, alert[0], sent ? NULL : send_error->message, channels_name(done),
                          &mark_error))
      cli_log(CLI_LOG_WARN, "alerts: %s", mark_error->message);
    if (sent) {
      cli_log(CLI_LOG_INFO, "alert=%s sent", alert[0]);
      continue;
    }
    cli_log(CLI_LOG_WARN, "alert=%s not sent (retried next poll): %s", alert[0], send_error->message);
    if (g_error_matches(send_error, FETCHER_ERROR, FETCHER_ERROR_CONNECT))
      break; /* the channel is down: the others would wait for the same timeout */
  }
  store_lock_release(conn, "intake alerts", NULL);
}

/* [alerts] state_dir's record of a database outage (a key file: it must survive the poll), one per
 * configuration file (two installations sharing the directory must not end each other's outage:
 * blind round 13; a conninfo corrected during the outage is still the same one). */
static char *
outage_path(const CliConfig *config)
{
  g_autofree char *file = g_canonicalize_filename(config->path ? config->path : "intake.conf", NULL);
  g_autofree char *sum = g_compute_checksum_for_string(G_CHECKSUM_SHA256, file, -1);
  g_autofree char *name = g_strdup_printf("database-outage-%.12s", sum);
  return g_build_filename(config->alerts.state_dir, name, NULL);
}

/* Holds the outage file's lock (a file beside it) until outage_unlock: overlapping polls during an
 * outage read, count and announce it one after the other (blind round 13b: three POSTs from three
 * polls at once). -1 when it cannot be taken (the save then says why). */
static int
outage_lock(const CliConfig *config, const char *path)
{
  if (g_mkdir_with_parents(config->alerts.state_dir, 0700) != 0)
    return -1;
  g_autofree char *lock = g_strconcat(path, ".lock", NULL);
  int fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd >= 0 && flock(fd, LOCK_EX) != 0) {
    close(fd);
    fd = -1;
  }
  return fd;
}

static void
outage_unlock(int fd)
{
  if (fd >= 0)
    close(fd); /* the lock goes with it */
}

/* A time of an outage as the duty team reads it, with its offset: the poll's zone, which is not
 * necessarily the policy's (no database to ask). */
static char *
outage_time(gint64 unix_s)
{
  g_autoptr(GDateTime) t = g_date_time_new_from_unix_local(unix_s);
  return g_date_time_format(t, "%Y-%m-%d %H:%M %:z");
}

void
cli_alerts_database_down(const CliConfig *config, const char *why)
{
  const CliAlerts *cfg = &config->alerts;
  if (!alerts_configured(cfg))
    return;
  g_autofree char *path = outage_path(config);
  g_autoptr(GKeyFile) kf = g_key_file_new();
  g_autoptr(GError) error = NULL;
  int lock = outage_lock(config, path);
  if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, NULL))
    g_key_file_set_int64(kf, "outage", "since_us", g_get_real_time());
  /* the outage's key: its start to the microsecond (two short outages within a second are two) */
  gint64 since_us = g_key_file_get_int64(kf, "outage", "since_us", NULL), since = since_us / G_USEC_PER_SEC;
  guint failed = (guint)g_key_file_get_uint64(kf, "outage", "failed_polls", NULL) + 1;
  gboolean told = g_key_file_get_boolean(kf, "outage", "told", NULL);
  g_key_file_set_uint64(kf, "outage", "failed_polls", failed);
  if (!told && failed >= MAX(cfg->failing_polls, 1)) {
    g_autofree char *at = outage_time(since);
    g_autofree char *key = g_strdup_printf("database_down:%" G_GINT64_FORMAT, since_us);
    g_autofree char *body = g_strdup_printf(
      "intake poll cannot use PostgreSQL: %u polls failed since %s\nlast error: %s\n"
      "No mail is taken in and no acknowledgement goes out until it is back (nothing is lost: "
      "the mail waits in the mailbox). First check: intake status --config %s",
      failed, at, why, config->path); /* never the conninfo: it may hold the password (13b) */
    char *alert[] = { key, "database_down", "database unreachable or unusable", body };
    AcksSmtpConfig smtp = { 0 };
    g_autoptr(FetcherSmtp) mailer = NULL;
    if (cfg->mail_to && !acks_smtp_config_load(config, &smtp, &error)) {
      cli_log(CLI_LOG_WARN, "alerts: %s", error->message);
      g_clear_error(&error);
    }
    g_autofree char *channels = g_key_file_get_string(kf, "outage", "channels", NULL);
    guint done = channels_parse(channels);
    told = send_alert(cfg, &smtp, &mailer, alert, &done, &error);
    g_key_file_set_string(kf, "outage", "channels", channels_name(done));
    acks_smtp_config_clear(&smtp);
    if (told)
      cli_log(CLI_LOG_INFO, "alert=%s sent", key);
    else
      cli_log(CLI_LOG_WARN, "alert=%s not sent (retried next poll): %s", key, error->message);
    g_key_file_set_boolean(kf, "outage", "told", told);
  }
  g_key_file_set_string(kf, "outage", "last_error", why);
  g_clear_error(&error);
  /* an error, not a warning: the cron line runs --quiet, and this silences the outage alert */
  gsize len = 0;
  g_autofree char *data = g_key_file_to_data(kf, &len, NULL);
  /* (outage_lock made the folder, or could not: the write then says why) */
  if (!g_file_set_contents_full(path, data, (gssize)len, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error))
    cli_log(CLI_LOG_ERROR,
            "alerts: cannot keep the database outage in [alerts] state_dir %s (%s): it will not be announced",
            cfg->state_dir, error->message);
  outage_unlock(lock);
}

char *
cli_alerts_outage_describe(const CliConfig *config)
{
  g_autofree char *path = outage_path(config);
  g_autoptr(GKeyFile) kf = g_key_file_new();
  if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, NULL))
    return NULL;
  gint64 since = g_key_file_get_int64(kf, "outage", "since_us", NULL) / G_USEC_PER_SEC;
  guint failed = (guint)g_key_file_get_uint64(kf, "outage", "failed_polls", NULL);
  g_autofree char *why = g_key_file_get_string(kf, "outage", "last_error", NULL);
  g_autofree char *at = outage_time(since);
  return g_strdup_printf("database: the last %u poll(s) could not use it, since %s: %s", failed, at,
                         why ? why : "?");
}

void
cli_alerts_database_reached(const CliConfig *config, StoreConn *conn)
{
  const CliAlerts *cfg = &config->alerts;
  if (!alerts_configured(cfg))
    return;
  g_autofree char *path = outage_path(config);
  g_autoptr(GKeyFile) kf = g_key_file_new();
  if (!g_file_test(path, G_FILE_TEST_EXISTS))
    return; /* the common case: no outage (no lock taken for it) */
  int lock = outage_lock(config, path);
  if (!g_key_file_load_from_file(kf, path, G_KEY_FILE_NONE, NULL)) {
    outage_unlock(lock); /* another poll recorded the end meanwhile */
    return;
  }
  g_autoptr(GError) error = NULL;
  gboolean told = g_key_file_get_boolean(kf, "outage", "told", NULL);
  guint failed = (guint)g_key_file_get_uint64(kf, "outage", "failed_polls", NULL);
  /* an outage long enough to announce is recorded even when no channel took the news (blind round
   * 13: a webhook down all along, and no trace of the outage anywhere) */
  if (told || failed >= MAX(cfg->failing_polls, 1)) {
    gint64 since_us = g_key_file_get_int64(kf, "outage", "since_us", NULL), since = since_us / G_USEC_PER_SEC;
    g_autofree char *at = outage_time(since);
    gint64 minutes = (g_get_real_time() - since_us + 59 * G_USEC_PER_SEC) / (60 * G_USEC_PER_SEC);
    g_autofree char *key = g_strdup_printf("database_recovered:%" G_GINT64_FORMAT, since_us);
    g_autofree char *body =
      g_strdup_printf("intake poll uses PostgreSQL again: it could not since %s (%" G_GINT64_FORMAT
                      " min, %u polls failed)%s; "
                      "the mail that waited is taken in now",
                      at, minutes, failed, told ? "" : "; the outage itself could not be announced");
    if (!store_alert_add(conn, key, "database_recovered", "database reachable again", body, &error)) {
      cli_log(CLI_LOG_WARN, "alerts: %s", error->message);
      outage_unlock(lock);
      return; /* kept: the next poll records it */
    }
  }
  if (g_unlink(path) != 0 && errno != ENOENT)
    cli_log(CLI_LOG_WARN, "alerts: cannot remove %s: %s", path, g_strerror(errno));
  outage_unlock(lock);
}
