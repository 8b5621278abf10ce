/* tests/store/harness.c: servers, a migrated database per test, libpq assertions. */
#include "harness.h"

#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

static char *
run_capture(const char *const *argv, gboolean must_succeed, int *status_out)
{
  g_autofree char *out = NULL, *err = NULL;
  int status = 0;
  g_autoptr(GError) error = NULL;
  if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error))
    cr_assert_fail("cannot run %s: %s", argv[0], error->message);
  gboolean ok = g_spawn_check_wait_status(status, NULL);
  if (must_succeed && !ok)
    cr_assert_fail("%s %s failed: %s%s", argv[0], argv[1] ? argv[1] : "", out, err);
  if (status_out)
    *status_out = ok ? 0 : 1;
  /* A run that may fail: the caller wants to see why. */
  return must_succeed ? g_steal_pointer(&out) : g_strconcat(out, err, NULL);
}

/* PGHOST and PGPORT from `scripts/servers env`. */
static void
servers_env(char **host, char **port)
{
  const char *argv[] = { INTAKE_SOURCE "/scripts/servers", "env", NULL };
  g_autofree char *out = run_capture(argv, TRUE, NULL);
  g_auto(GStrv) lines = g_strsplit(out, "\n", -1);
  for (guint i = 0; lines[i]; i++) {
    const char *l = lines[i];
    const char *eq = strchr(l, '=');
    if (!g_str_has_prefix(l, "export ") || !eq)
      continue;
    g_autofree char *key = g_strndup(l + 7, (gsize)(eq - l - 7));
    g_autofree char *val = g_shell_unquote(eq + 1, NULL);
    if (g_str_equal(key, "PGHOST"))
      *host = g_strdup(val ? val : eq + 1);
    else if (g_str_equal(key, "PGPORT"))
      *port = g_strdup(val ? val : eq + 1);
  }
  cr_assert(*host && *port, "scripts/servers env gave no PGHOST/PGPORT:\n%s", out);
}

/* Connects, waiting out a server restart by another test; starts the servers when none runs. */
static PGconn *
connect_db(const char *host, const char *port, const char *db)
{
  g_autofree char *ci = g_strdup_printf("host=%s port=%s dbname=%s connect_timeout=5", host, port, db);
  PGconn *pg = NULL;
  for (int attempt = 0; attempt < 60; attempt++) {
    pg = PQconnectdb(ci);
    if (PQstatus(pg) == CONNECTION_OK)
      return pg;
    PQfinish(pg);
    pg = NULL;
    if (attempt == 4) {
      const char *argv[] = { INTAKE_SOURCE "/scripts/servers", "start", NULL };
      g_free(run_capture(argv, TRUE, NULL));
    }
    g_usleep(500 * 1000);
  }
  pg = PQconnectdb(ci);
  cr_assert(PQstatus(pg) == CONNECTION_OK, "PostgreSQL (%s): %s", ci, PQerrorMessage(pg));
  return pg;
}

static void
quiet(void *arg, const char *message)
{
  (void)arg;
  (void)message;
}

static void
admin_exec(PGconn *pg, const char *sql)
{
  PGresult *r = PQexec(pg, sql);
  cr_assert(PQresultStatus(r) == PGRES_COMMAND_OK, "%s: %s", sql, PQresultErrorMessage(r));
  PQclear(r);
}

/* Points t's config at sql_dir (NULL: the source tree's sql/). */
static void
write_config(StoreTest *t, const char *sql_dir)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *conf =
    g_strdup_printf("[db]\nconninfo = host=%s port=%s dbname=%s\n"
                    "migrations_dir = %s\n",
                    t->host, t->port, t->dbname, sql_dir ? sql_dir : INTAKE_SOURCE "/sql");
  cr_assert(g_file_set_contents(t->config_path, conf, -1, &error), "config: %s",
            error ? error->message : "?");
}

char *
st_migrate_dir(StoreTest *t, const char *sql_dir, int *status)
{
  write_config(t, sql_dir);
  const char *argv[] = { INTAKE_BIN, "db", "migrate", "--config", t->config_path, NULL };
  return run_capture(argv, status == NULL, status);
}

char *
st_migrate(StoreTest *t)
{
  return st_migrate_dir(t, NULL, NULL);
}

char *
st_dump_schema(StoreTest *t)
{
  g_autofree char *pg_dump = g_find_program_in_path("pg_dump");
  cr_assert(pg_dump, "pg_dump is not on PATH");
  const char *argv[] = { pg_dump,           "-h", t->host, "-p", t->port, "-d", t->dbname, "--schema-only",
                         "--schema=intake", NULL };
  g_autofree char *dump = run_capture(argv, TRUE, NULL);
  /* pg_dump 15.14 and later fence the script with a random key */
  g_auto(GStrv) lines = g_strsplit(dump, "\n", -1);
  g_autoptr(GString) out = g_string_new(NULL);
  for (guint i = 0; lines[i]; i++)
    if (!g_str_has_prefix(lines[i], "\\restrict ") && !g_str_has_prefix(lines[i], "\\unrestrict "))
      g_string_append_printf(out, "%s\n", lines[i]);
  return g_string_free(g_steal_pointer(&out), FALSE);
}

StoreTest *
st_setup_empty(void)
{
  static int counter;
  StoreTest *t = g_new0(StoreTest, 1);
  servers_env(&t->host, &t->port);
  t->dbname = g_strdup_printf("intake_store_test_%d_%d", (int)getpid(), counter++);
  {
    PGconn *admin = connect_db(t->host, t->port, "postgres");
    PQsetNoticeProcessor(admin, quiet, NULL);
    g_autofree char *drop = g_strdup_printf("DROP DATABASE IF EXISTS %s WITH (FORCE)", t->dbname);
    g_autofree char *create = g_strdup_printf("CREATE DATABASE %s", t->dbname);
    admin_exec(admin, drop);
    admin_exec(admin, create);
    PQfinish(admin);
  }
  g_autoptr(GError) error = NULL;
  t->dir = g_dir_make_tmp("intake-store-XXXXXX", &error);
  cr_assert(t->dir, "mkdtemp: %s", error ? error->message : "?");
  t->config_path = g_build_filename(t->dir, "intake.conf", NULL);
  write_config(t, NULL);
  return t;
}

void
st_connect(StoreTest *t)
{
  if (t->pg)
    PQfinish(t->pg);
  t->pg = connect_db(t->host, t->port, t->dbname);
  st_exec(t, "SET client_min_messages = warning");
}

StoreTest *
st_setup(void)
{
  StoreTest *t = st_setup_empty();
  g_free(st_migrate(t));
  st_connect(t);
  return t;
}

void
st_teardown(StoreTest *t)
{
  if (!t)
    return;
  if (t->pg)
    PQfinish(t->pg);
  PGconn *admin = connect_db(t->host, t->port, "postgres");
  g_autofree char *drop = g_strdup_printf("DROP DATABASE IF EXISTS %s WITH (FORCE)", t->dbname);
  admin_exec(admin, drop);
  PQfinish(admin);
  g_unlink(t->config_path);
  g_rmdir(t->dir);
  g_free(t->config_path);
  g_free(t->dir);
  g_free(t->dbname);
  g_free(t->host);
  g_free(t->port);
  g_free(t);
}

static PGresult *
run(StoreTest *t, const char *sql, int n, const char *const *params)
{
  return n ? PQexecParams(t->pg, sql, n, NULL, params, NULL, NULL, 0) : PQexec(t->pg, sql);
}

void
st_execp(StoreTest *t, const char *sql, int n, const char *const *params)
{
  PGresult *r = run(t, sql, n, params);
  ExecStatusType st = PQresultStatus(r);
  cr_assert(st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK, "%s\n  failed: %s", sql,
            PQresultErrorMessage(r));
  PQclear(r);
}

void
st_exec(StoreTest *t, const char *sql)
{
  st_execp(t, sql, 0, NULL);
}

char *
st_valuep(StoreTest *t, const char *sql, int n, const char *const *params)
{
  PGresult *r = run(t, sql, n, params);
  cr_assert(PQresultStatus(r) == PGRES_TUPLES_OK, "%s\n  failed: %s", sql, PQresultErrorMessage(r));
  cr_assert(PQntuples(r) >= 1, "%s\n  returned no row", sql);
  char *v = PQgetisnull(r, 0, 0) ? NULL : g_strdup(PQgetvalue(r, 0, 0));
  PQclear(r);
  return v;
}

char *
st_value(StoreTest *t, const char *sql)
{
  return st_valuep(t, sql, 0, NULL);
}

char *
st_fail(StoreTest *t, const char *sql, const char *state, const char *want)
{
  PGresult *r = PQexec(t->pg, sql);
  ExecStatusType st = PQresultStatus(r);
  cr_assert(st == PGRES_FATAL_ERROR, "%s\n  succeeded, expected an error (%s)", sql,
            want    ? want
            : state ? state
                    : "any");
  const char *got_state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
  const char *msg = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
  if (state)
    cr_assert(got_state && g_str_equal(got_state, state), "%s\n  expected SQLSTATE %s, got %s: %s", sql,
              state, got_state ? got_state : "(none)", msg ? msg : "");
  if (want)
    cr_assert(msg && strstr(msg, want), "%s\n  expected an error containing \"%s\"\n  got: %s", sql, want,
              msg ? msg : "(none)");
  char *copy = g_strdup(msg ? msg : "");
  PQclear(r);
  return copy;
}

static char *
offset(int minutes)
{
  return minutes == G_MININT ? NULL : g_strdup_printf("%d", minutes);
}

gint64
st_order(StoreTest *t, const char *order_no, const char *status, const char *priority, int received_min,
         int response_min, int plan_min, int onsite_min)
{
  g_autofree char *rec = offset(received_min), *resp = offset(response_min), *plan = offset(plan_min),
                  *onsite = offset(onsite_min);
  const char *p[] = { order_no, status, priority, rec, resp, plan, onsite };
  g_autofree char *id = st_valuep(
    t,
    "WITH m AS (INSERT INTO intake.messages (dedupe_key, sha256, headers, raw, size, from_addr, subject)"
    "           VALUES ('test-' || $1, 'sha', 'Subject: t', 'raw', 3, 'c@example.com', 'subject ' || $1)"
    "           RETURNING id),"
    " o AS (INSERT INTO intake.orders (order_no, status, message_id, received_at, priority, coverage,"
    "                                  response_due, plan_due, onsite_due)"
    "       SELECT $1, $2, m.id, now() + make_interval(mins => $4::int), $3, 'covered',"
    "              now() + make_interval(mins => $5::int), now() + make_interval(mins => $6::int),"
    "              now() + make_interval(mins => $7::int) FROM m RETURNING id, message_id),"
    " om AS (INSERT INTO intake.order_messages (order_id, message_id, role)"
    "        SELECT id, message_id, 'initial' FROM o)"
    " SELECT id FROM o",
    7, p);
  return g_ascii_strtoll(id, NULL, 10);
}

char *
st_sql_before(const char *first_left_out)
{
  g_autofree char *dir = g_dir_make_tmp("intake-sql-XXXXXX", NULL);
  cr_assert(dir);
  g_autoptr(GDir) d = g_dir_open(INTAKE_SOURCE "/sql", 0, NULL);
  cr_assert(d);
  const char *name;
  while ((name = g_dir_read_name(d))) {
    if (g_str_has_suffix(name, ".sql") && strcmp(name, first_left_out) >= 0)
      continue;
    g_autofree char *from = g_build_filename(INTAKE_SOURCE "/sql", name, NULL);
    g_autofree char *to = g_build_filename(dir, name, NULL);
    cr_assert_eq(symlink(from, to), 0, "symlink %s", to);
  }
  return g_steal_pointer(&dir);
}

void
st_remove_dir(const char *dir)
{
  g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
  const char *name;
  while (d && (name = g_dir_read_name(d))) {
    g_autofree char *p = g_build_filename(dir, name, NULL);
    g_unlink(p);
  }
  g_rmdir(dir);
}
