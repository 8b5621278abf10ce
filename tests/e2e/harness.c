/* tests/e2e/harness.c: servers, a database and a mailbox per test, and runs of build/intake. */
#include "harness.h"

#include "fetcher.h"

#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <curl/curl.h>
#include <ftw.h>
#include <stdarg.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

static char *
run_capture(const char *const *argv)
{
  g_autofree char *out = NULL, *err = NULL;
  int status = 0;
  g_autoptr(GError) error = NULL;
  if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error))
    cr_assert_fail("cannot run %s: %s", argv[0], error->message);
  if (!g_spawn_check_wait_status(status, NULL))
    cr_assert_fail("%s %s failed: %s%s", argv[0], argv[1] ? argv[1] : "", out, err);
  return g_steal_pointer(&out);
}

void
e2e_servers_deluser(const char *addr)
{
  const char *argv[] = { INTAKE_SOURCE "/scripts/servers", "deluser", addr, NULL };
  g_autofree char *out = NULL, *err = NULL;
  int status = 0;
  if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, NULL) ||
      !g_spawn_check_wait_status(status, NULL))
    /* info, not warn: Criterion fails a run that logged a warning, and a user left behind is
     * housekeeping, not a test's result */
    cr_log_info("scripts/servers deluser %s: %s%s", addr, out ? out : "", err ? err : "");
}

static GHashTable *
servers_env(void)
{
  static GHashTable *env;
  if (env)
    return env;
  const char *start[] = { INTAKE_SOURCE "/scripts/servers", "start", NULL };
  g_free(run_capture(start));
  const char *argv[] = { INTAKE_SOURCE "/scripts/servers", "env", NULL };
  g_autofree char *out = run_capture(argv);
  env = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  g_auto(GStrv) lines = g_strsplit(out, "\n", -1);
  for (guint i = 0; lines[i]; i++) {
    const char *l = lines[i];
    if (!g_str_has_prefix(l, "export "))
      continue;
    const char *eq = strchr(l, '=');
    if (!eq)
      continue;
    g_autofree char *v = g_strdup(eq + 1);
    g_autofree char *unq = g_shell_unquote(v, NULL);
    g_hash_table_insert(env, g_strndup(l + 7, (gsize)(eq - l - 7)), g_strdup(unq ? unq : v));
  }
  return env;
}

static const char *
env_get(const char *key)
{
  const char *v = g_hash_table_lookup(servers_env(), key);
  cr_assert(v, "scripts/servers env gave no %s", key);
  return v;
}

static PGconn *
pg_connect(const char *db)
{
  g_autofree char *ci =
    g_strdup_printf("host=%s port=%s dbname=%s", env_get("PGHOST"), env_get("PGPORT"), db);
  PGconn *pg = PQconnectdb(ci);
  cr_assert(PQstatus(pg) == CONNECTION_OK, "PostgreSQL: %s", PQerrorMessage(pg));
  return pg;
}

static void
pg_exec(PGconn *pg, const char *sql)
{
  PGresult *r = PQexec(pg, sql);
  ExecStatusType st = PQresultStatus(r);
  cr_assert(st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK, "%s: %s", sql, PQresultErrorMessage(r));
  PQclear(r);
}

static CURL *imap_handle(E2e *e, const char *url, GString *body);

/* Dovecot re-reads its passwd-file at most once a second: a user added just now may not log in
 * yet. Wait (bounded) until it does. */
static void
wait_for_login(E2e *e)
{
  g_autofree char *url = g_strconcat(e->imaps_base, NULL);
  CURLcode rc = CURLE_OK;
  for (int i = 0; i < 50; i++) {
    g_autoptr(GString) body = g_string_new(NULL);
    CURL *c = imap_handle(e, url, body);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, "NOOP");
    rc = curl_easy_perform(c);
    curl_easy_cleanup(c);
    if (rc == CURLE_OK)
      return;
    g_usleep(100 * 1000);
  }
  cr_assert_fail("user %s cannot log in: %s", e->user, curl_easy_strerror(rc));
}

E2e *
e2e_setup_imap(const char *test_name)
{
  E2e *e = g_new0(E2e, 1);
  static guint counter;
  /* also the database's name: PostgreSQL cuts names at 63 bytes, so the test's name is cut, never
   * the pid and counter that keep two runs of one test apart */
  g_autofree char *unique = g_strdup_printf("_%d_%u", (int)getpid(), counter++);
  e->name = g_strdup_printf("e2e_%.*s%s", (int)(63 - 4 - strlen(unique)), test_name, unique);
  for (char *c = e->name; *c; c++)
    *c = g_ascii_isalnum(*c) ? g_ascii_tolower(*c) : '_';
  e->dir = g_dir_make_tmp("intake-e2e-XXXXXX", NULL);
  e->user = g_strdup_printf("%s@roycom.com.cn", e->name);
  e->password = g_strdup_printf("pw-%08x%08x", g_random_int(), g_random_int());
  const char *adduser[] = { INTAKE_SOURCE "/scripts/servers", "adduser", e->user, e->password, NULL };
  g_free(run_capture(adduser));
  e->imap_base = g_strdup_printf("imap://127.0.0.1:%s/", env_get("INTAKE_IMAP_PORT"));
  e->imaps_base = g_strdup_printf("imaps://localhost:%s/", env_get("INTAKE_IMAPS_PORT"));
  e->ca_file = g_strdup(env_get("INTAKE_CA_FILE"));
  wait_for_login(e);
  return e;
}

E2e *
e2e_setup(const char *test_name)
{
  E2e *e = e2e_setup_imap(test_name);
  PGconn *admin = pg_connect("postgres");
  g_autofree char *create = g_strdup_printf("CREATE DATABASE %s", e->name);
  pg_exec(admin, create);
  PQfinish(admin);
  e->conninfo = g_strdup_printf("host=%s port=%s dbname=%s", env_get("PGHOST"), env_get("PGPORT"), e->name);
  e->pg = pg_connect(e->name);
  e->config_path = g_build_filename(e->dir, "intake.conf", NULL);
  g_autofree char *url = e2e_url(e, TRUE, "INBOX");
  e2e_write_config(e, url, "");
  g_autofree char *out = NULL, *err = NULL;
  int rc = e2e_run(e, &out, &err, "db", "migrate", NULL);
  cr_assert_eq(rc, 0, "db migrate: %s%s", out, err);
  return e;
}

/* nftw callback: removes each entry, children first (FTW_DEPTH), symlinks as links (FTW_PHYS). */
static int
remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
  (void)st;
  (void)flag;
  (void)ftw;
  remove(path);
  return 0;
}

void
e2e_teardown(E2e *e)
{
  if (!e)
    return;
  if (e->children) {
    for (guint i = 0; i < e->children->len; i++) {
      GPid pid = g_array_index(e->children, GPid, i);
      siginfo_t info = { 0 };
      /* only a child not reaped yet: waitid fails for a pid e2e_wait already collected */
      if (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT) != 0)
        continue;
      if (info.si_pid == 0)
        kill(pid, SIGKILL);
      waitpid(pid, NULL, 0);
    }
    g_array_free(e->children, TRUE);
  }
  PQfinish(e->pg);
  fetcher_session_close(e->append_session);
  if (e->appended)
    g_ptr_array_free(e->appended, TRUE);
  if (e->user) /* its Maildir and login go too: a test's mail must not pile up in the run dir */
    e2e_servers_deluser(e->user);
  if (e->conninfo) { /* made by e2e_setup, not e2e_setup_imap */
    PGconn *admin = pg_connect("postgres");
    g_autofree char *drop = g_strdup_printf("DROP DATABASE IF EXISTS %s WITH (FORCE)", e->name);
    pg_exec(admin, drop);
    PQfinish(admin);
  }
  /* the whole folder: tests leave their own files in it (password canaries, metrics textfiles) */
  if (e->dir)
    nftw(e->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
  g_free(e->name);
  g_free(e->dir);
  g_free(e->user);
  g_free(e->password);
  g_free(e->imap_base);
  g_free(e->imaps_base);
  g_free(e->ca_file);
  g_free(e->conninfo);
  g_free(e->config_path);
  g_free(e);
}

char *
e2e_url(E2e *e, gboolean tls, const char *mailbox)
{
  return g_strconcat(tls ? e->imaps_base : e->imap_base, mailbox, NULL);
}

void
e2e_write_config(E2e *e, const char *url, const char *folder)
{
  g_autofree char *pw = g_build_filename(e->dir, "imap.pass", NULL);
  /* a password file as the README sets it up: nobody else may read it */
  g_file_set_contents_full(pw, e->password, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, NULL);
  g_autofree char *text = g_strdup_printf("[imap]\nurl = %s\nuser = %s\npassword_file = %s\n"
                                          "tls_verify = true\nca_file = %s\nprocessed_folder = %s\n"
                                          "[smtp]\nsend = false\n[db]\nconninfo = %s\n",
                                          url, e->user, pw, e->ca_file, folder, e->conninfo);
  cr_assert(g_file_set_contents(e->config_path, text, -1, NULL));
}

size_t
harness_curl_to_gstring(char *ptr, size_t size, size_t nmemb, void *user)
{
  g_string_append_len(user, ptr, (gssize)(size * nmemb));
  return size * nmemb;
}

static CURL *
imap_handle(E2e *e, const char *url, GString *body)
{
  CURL *c = curl_easy_init();
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_USERNAME, e->user);
  curl_easy_setopt(c, CURLOPT_PASSWORD, e->password);
  curl_easy_setopt(c, CURLOPT_CAINFO, e->ca_file);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, harness_curl_to_gstring);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, body);
  curl_easy_setopt(c, CURLOPT_BUFFERSIZE, 512L * 1024L);
  return c;
}

void
e2e_append(E2e *e, const char *mailbox, const char *data, gsize len)
{
  /* one connection for all appends of a test: a TLS handshake per mail would dominate */
  g_autoptr(GError) error = NULL;
  if (!e->append_session) {
    g_autofree char *url = e2e_url(e, TRUE, "INBOX");
    FetcherImapOptions o = {
      .url = url, .user = e->user, .password = e->password, .tls_verify = TRUE, .ca_file = e->ca_file
    };
    e->append_session = fetcher_session_open(&o, &error);
    cr_assert(e->append_session, "IMAP session for APPEND: %s", error->message);
  }
  cr_assert(fetcher_session_append(e->append_session, mailbox, data, len, &error), "APPEND to %s: %s",
            mailbox, error->message);
  if (!e->appended)
    e->appended = g_ptr_array_new_with_free_func(g_free);
  const char *name = mailbox ? mailbox : "INBOX";
  for (guint i = 0; i < e->appended->len; i++)
    if (!strcmp(g_ptr_array_index(e->appended, i), name))
      return;
  g_ptr_array_add(e->appended, g_strdup(name));
}

/* Clears the \Seen flag libcurl's APPEND set, once per mailbox, before anything looks at it. */
static void
flush_unseen(E2e *e)
{
  if (!e->appended || e->appended->len == 0)
    return;
  for (guint i = 0; i < e->appended->len; i++) {
    g_autofree char *url = e2e_url(e, TRUE, g_ptr_array_index(e->appended, i));
    g_autoptr(GString) body = g_string_new(NULL);
    CURL *c = imap_handle(e, url, body);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, "STORE 1:* -FLAGS.SILENT (\\Seen)");
    CURLcode rc = curl_easy_perform(c);
    curl_easy_cleanup(c);
    cr_assert_eq(rc, CURLE_OK, "clearing \\Seen in %s: %s", (char *)g_ptr_array_index(e->appended, i),
                 curl_easy_strerror(rc));
  }
  g_ptr_array_set_size(e->appended, 0);
}

char *
e2e_imap(E2e *e, const char *mailbox, const char *command)
{
  flush_unseen(e);
  g_autofree char *url = e2e_url(e, TRUE, mailbox ? mailbox : "");
  GString *body = g_string_new(NULL);
  CURL *c = imap_handle(e, url, body);
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, command);
  CURLcode rc = curl_easy_perform(c);
  curl_easy_cleanup(c);
  cr_assert_eq(rc, CURLE_OK, "IMAP %s: %s", command, curl_easy_strerror(rc));
  return g_string_free(body, FALSE);
}

GArray *
e2e_search(E2e *e, const char *mailbox, const char *key)
{
  g_autofree char *cmd = g_strdup_printf("UID SEARCH %s", key);
  g_autofree char *out = e2e_imap(e, mailbox, cmd);
  GArray *uids = g_array_new(FALSE, FALSE, sizeof(guint32));
  const char *p = strstr(out, "* SEARCH");
  cr_assert(p, "no SEARCH response: %s", out);
  p += 8;
  while (*p && *p != '\r' && *p != '\n') {
    while (*p == ' ')
      p++;
    if (!g_ascii_isdigit(*p))
      break;
    char *end;
    guint32 v = (guint32)g_ascii_strtoull(p, &end, 10);
    g_array_append_val(uids, v);
    p = end;
  }
  return uids;
}

static GPtrArray *
collect_args(E2e *e, va_list ap)
{
  flush_unseen(e);
  GPtrArray *argv = g_ptr_array_new();
  g_ptr_array_add(argv, (char *)INTAKE_BIN);
  const char *a;
  gboolean is_first = TRUE, takes_config = FALSE;
  while ((a = va_arg(ap, const char *))) {
    if (is_first)
      takes_config = TRUE;
    is_first = FALSE;
    g_ptr_array_add(argv, (char *)a);
  }
  if (takes_config) {
    g_ptr_array_add(argv, (char *)"--config");
    g_ptr_array_add(argv, e->config_path);
  }
  g_ptr_array_add(argv, NULL);
  return argv;
}

/* intake's environment: the harness's, with [alerts] state_dir's default in the test's folder (a
 * test never writes into the host's /var/lib/intake). */
static char **
intake_environ(E2e *e)
{
  return g_environ_setenv(g_get_environ(), "STATE_DIRECTORY", e->dir, TRUE);
}

int
e2e_run(E2e *e, char **out, char **err, ...)
{
  va_list ap;
  va_start(ap, err);
  g_autoptr(GPtrArray) argv = collect_args(e, ap);
  va_end(ap);
  int status = 0;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) envp = intake_environ(e);
  cr_assert(
    g_spawn_sync(NULL, (char **)argv->pdata, envp, G_SPAWN_DEFAULT, NULL, NULL, out, err, &status, &error),
    "spawn: %s", error ? error->message : "");
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

GPid
e2e_spawn(E2e *e, ...)
{
  va_list ap;
  va_start(ap, e);
  g_autoptr(GPtrArray) argv = collect_args(e, ap);
  va_end(ap);
  GPid pid = 0;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) envp = intake_environ(e);
  cr_assert(g_spawn_async(NULL, (char **)argv->pdata, envp,
                          G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, &pid, &error),
            "spawn: %s", error ? error->message : "");
  e2e_adopt(e, pid);
  return pid;
}

void
e2e_adopt(E2e *e, GPid pid)
{
  if (!e->children)
    e->children = g_array_new(FALSE, FALSE, sizeof(GPid));
  g_array_append_val(e->children, pid);
}

int
e2e_wait_timeout(GPid pid, guint seconds)
{
  int status = 0;
  gint64 deadline = g_get_monotonic_time() + (gint64)seconds * G_USEC_PER_SEC;
  pid_t r;
  while ((r = waitpid(pid, &status, WNOHANG)) == 0) {
    if (g_get_monotonic_time() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      cr_assert_fail("intake (pid %d) still running after %u s: killed", (int)pid, seconds);
    }
    g_usleep(2000);
  }
  cr_assert_eq(r, pid, "waitpid(%d) failed", (int)pid);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int
e2e_wait(GPid pid)
{
  return e2e_wait_timeout(pid, 300);
}

gboolean
e2e_running(GPid pid)
{
  siginfo_t info = { 0 };
  /* WNOWAIT: look without reaping, so e2e_wait still gets the status */
  if (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT) != 0)
    return FALSE;
  return info.si_pid == 0;
}

gint64
e2e_wait_until(E2e *e, const char *sql, gint64 min, guint seconds, GPid pid)
{
  gint64 deadline = g_get_monotonic_time() + (gint64)seconds * G_USEC_PER_SEC;
  gint64 v;
  while ((v = e2e_scalar(e, sql)) < min && g_get_monotonic_time() < deadline) {
    if (pid > 0 && !e2e_running(pid))
      return e2e_scalar(e, sql);
    g_usleep(2000);
  }
  return v;
}

gint64
e2e_scalar(E2e *e, const char *sql)
{
  PGresult *r = PQexec(e->pg, sql);
  cr_assert_eq(PQresultStatus(r), PGRES_TUPLES_OK, "%s: %s", sql, PQresultErrorMessage(r));
  cr_assert(PQntuples(r) >= 1, "%s: no rows", sql);
  gint64 v = PQgetisnull(r, 0, 0) ? -1 : g_ascii_strtoll(PQgetvalue(r, 0, 0), NULL, 10);
  PQclear(r);
  return v;
}

char *
harness_text(E2e *e, const char *sql)
{
  PGresult *r = PQexec(e->pg, sql);
  cr_assert_eq(PQresultStatus(r), PGRES_TUPLES_OK, "%s: %s", sql, PQresultErrorMessage(r));
  cr_assert_eq(PQntuples(r), 1, "%s: %d rows", sql, PQntuples(r));
  char *v = PQgetisnull(r, 0, 0) ? NULL : g_strdup(PQgetvalue(r, 0, 0));
  PQclear(r);
  return v;
}

char *
e2e_make_mail(const char *message_id, guint index, gsize min_body, gsize *len)
{
  static const char *cities[] = { "北京市海淀区中关村大街27号", "天津市西青区华苑产业园区海泰发展六道6号",
                                  "成都市高新区天府大道中段1388号", "深圳市南山区科技园南区" };
  GString *m = g_string_new(NULL);
  g_string_append_printf(m, "From: =?UTF-8?B?5byg5LiJ?= <customer%u@example.com>\r\n", index);
  g_string_append(m, "To: service@roycom.com.cn\r\n");
  g_autofree char *subject = g_base64_encode((const guchar *)"服务器故障报修", strlen("服务器故障报修"));
  g_string_append_printf(m, "Subject: =?UTF-8?B?%s?=\r\n", subject);
  g_string_append(m, "Date: Wed, 25 Nov 2026 10:15:00 +0800\r\n");
  if (message_id)
    g_string_append_printf(m, "Message-ID: <%s>\r\n", message_id);
  g_string_append(m, "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
                     "Content-Transfer-Encoding: 8bit\r\n\r\n");
  g_string_append_printf(m,
                         "您好，\r\n设备SN：RCS25A%07u\r\n型号：R5210 G5\r\n"
                         "问题描述：服务器无法开机，电源灯亮红灯。\r\n地址：%s\r\n"
                         "联系人：张三\r\n电话：1381234%04u\r\n",
                         index, cities[index % G_N_ELEMENTS(cities)], index % 10000);
  while (m->len < min_body)
    g_string_append(m, "日志：kernel: mce: [Hardware Error]: Machine check events logged, bank 7\r\n");
  *len = m->len;
  return g_string_free(m, FALSE);
}
