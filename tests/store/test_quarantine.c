/* tests/store/test_quarantine.c: issue 11 items 1 and 6 in the store — mails stored before 051 still
 * deduplicate under the fixed-size key, and a mailbox lock held by another session is reported
 * with who holds it and for how long; connections have bounded waits by default. */
#include "harness.h"
#include "parser-private.h" /* parser_request_new */
#include "store-private.h"  /* the PGconn: its conninfo options */

#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

static StoreTest *T;

static void
teardown(void)
{
  st_teardown(T);
  T = NULL;
}

/* The key the parser computes today for a mail with this Message-ID. */
static char *
key_of(const char *message_id)
{
  g_autoptr(ParserRequest) r = parser_request_new();
  r->message_id = g_strdup(message_id);
  return parser_dedupe_key(r, "", 0);
}

TestSuite(dedupe, .fini = teardown, .timeout = 120);

Test(dedupe, keys_stored_before_051_become_the_fixed_size_key)
{
  T = st_setup_empty();
  g_autofree char *dir = st_sql_before("051");
  g_free(st_migrate_dir(T, dir, NULL));
  st_remove_dir(dir);
  st_connect(T);
  /* as the old poll stored them: the Message-ID itself, or sha256:… for a mail without one */
  st_exec(T, "INSERT INTO intake.messages (dedupe_key, message_id, sha256, headers, raw, size) VALUES"
             " ('old@customer.example.com', 'old@customer.example.com', 'aa', '', '\\x00', 1),"
             " ('中文-id@example.cn', '中文-id@example.cn', 'bb', '', '\\x00', 1),"
             " ('sha256:cc', NULL, 'cc', '', '\\x00', 1)");
  g_free(st_migrate(T));
  const char *ids[] = { "old@customer.example.com", "中文-id@example.cn" };
  for (guint i = 0; i < G_N_ELEMENTS(ids); i++) {
    g_autofree char *want = key_of(ids[i]);
    cr_assert(g_str_has_prefix(want, "mid:") && strlen(want) == 4 + 64, "%s", want);
    const char *p[] = { ids[i] };
    g_autofree char *got = st_valuep(T, "SELECT dedupe_key FROM intake.messages WHERE message_id = $1", 1, p);
    cr_assert_str_eq(got, want, "%s: the old row must dedupe against the new key", ids[i]);
  }
  g_autofree char *anon = st_value(T, "SELECT dedupe_key FROM intake.messages WHERE message_id IS NULL");
  cr_assert_str_eq(anon, "sha256:cc");
}

Test(dedupe, a_huge_message_id_is_stored_and_found)
{
  T = st_setup();
  GString *mid = g_string_new(NULL);
  while (mid->len < 8000)
    g_string_append(mid, "x9Q-");
  g_string_append(mid, "@attacker.example.com");
  g_autofree char *key = key_of(mid->str);
  const char *p[] = { key, mid->str };
  st_execp(T,
           "INSERT INTO intake.messages (dedupe_key, message_id, sha256, headers, raw, size)"
           " VALUES ($1, $2, 'aa', '', '\\x00', 1)",
           2, p);
  /* the follow-up look-up by Message-ID uses an index that takes any length */
  const char *q[] = { mid->str };
  g_autofree char *n =
    st_valuep(T, "SELECT count(*) FROM intake.messages WHERE message_id = ANY(ARRAY[$1])", 1, q);
  cr_assert_str_eq(n, "1");
  g_string_free(mid, TRUE);
}

/* ---- bounded waits (issue 11 item 6) ---- */

static StoreConn *
connect_store(const char *extra)
{
  g_autofree char *ci = g_strdup_printf("host=%s port=%s dbname=%s %s", T->host, T->port, T->dbname, extra);
  g_autoptr(GError) error = NULL;
  StoreConn *conn = store_connect(ci, &error);
  cr_assert(conn, "%s", error ? error->message : "");
  return conn;
}

static char *
conn_value(StoreConn *conn, const char *sql)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(StoreRows) rows = store_select(conn, sql, 0, NULL, &error);
  cr_assert(rows && rows->rows->len == 1, "%s", error ? error->message : "no row");
  return g_strdup(((char **)g_ptr_array_index(rows->rows, 0))[0]);
}

static const char *
conninfo_option(StoreConn *conn, const char *key)
{
  static char value[64];
  PQconninfoOption *opts = PQconninfo(conn->pg);
  value[0] = 0;
  for (PQconninfoOption *o = opts; o && o->keyword; o++)
    if (g_str_equal(o->keyword, key) && o->val)
      g_strlcpy(value, o->val, sizeof value);
  PQconninfoFree(opts);
  return value;
}

TestSuite(waits, .fini = teardown, .timeout = 120);

Test(waits, connect_timeout_keepalives_and_statement_timeout_by_default)
{
  T = st_setup();
  g_autoptr(StoreConn) conn = connect_store("");
  cr_assert_str_eq(conninfo_option(conn, "connect_timeout"), "10");
  cr_assert_str_eq(conninfo_option(conn, "keepalives"), "1");
  cr_assert_str_neq(conninfo_option(conn, "keepalives_idle"), "");
  g_autofree char *st = conn_value(conn, "SHOW statement_timeout");
  cr_assert_str_eq(st, "5min");
  /* a killed poll's backend notices within half a second and lets go of the mailbox lock */
  g_autofree char *cc = conn_value(conn, "SHOW client_connection_check_interval");
  cr_assert_str_eq(cc, "500ms");
}

Test(waits, the_conninfo_overrides_each_default)
{
  T = st_setup();
  g_autoptr(StoreConn) conn =
    connect_store("connect_timeout=3 keepalives_idle=7 options='-c statement_timeout=42s'");
  cr_assert_str_eq(conninfo_option(conn, "connect_timeout"), "3");
  cr_assert_str_eq(conninfo_option(conn, "keepalives_idle"), "7");
  g_autofree char *st = conn_value(conn, "SHOW statement_timeout");
  cr_assert_str_eq(st, "42s");
  g_autofree char *cc = conn_value(conn, "SHOW client_connection_check_interval");
  cr_assert_str_eq(cc, "500ms", "statement_timeout set by the conninfo leaves the other default");
}

static gint64
own_backend_age(void)
{
  g_autofree char *v =
    st_value(T, "SELECT floor(extract(epoch FROM now() - backend_start))::bigint FROM pg_stat_activity"
                " WHERE pid = pg_backend_pid()");
  return g_ascii_strtoll(v, NULL, 10);
}

Test(waits, a_lock_held_by_another_session_is_reported_with_its_age)
{
  T = st_setup();
  const char *key = "user@example.com imap://127.0.0.1/INBOX";
  const char *p[] = { key };
  st_execp(T, "SELECT pg_advisory_lock(hashtextextended($1, 0))", 1, p);
  st_exec(T, "SET application_name = 'the other poll'");
  g_autoptr(StoreConn) conn = connect_store("");
  g_autoptr(GError) error = NULL;
  cr_assert_not(store_lock_try(conn, key, &error));
  cr_assert(g_error_matches(error, STORE_ERROR, STORE_ERROR_BUSY), "%s", error->message);
  g_clear_error(&error);

  gint64 before = own_backend_age();
  g_autoptr(StoreLockHolder) h = store_lock_holder(conn, key, &error);
  gint64 after = own_backend_age();
  cr_assert(h, "%s", error ? error->message : "no holder found");
  cr_assert_eq(h->pid, PQbackendPID(T->pg));
  cr_assert_str_eq(h->application, "the other poll");
  cr_assert(h->since && *h->since);
  cr_assert(h->age_s >= before && h->age_s <= after,
            "age %" G_GINT64_FORMAT " not in [%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT "]", h->age_s, before,
            after);
  cr_assert_eq(h->xact_age_s, -1, "the holder has no transaction open");

  /* the holder in a transaction: its age is reported too */
  st_exec(T, "BEGIN");
  st_exec(T, "SELECT 1");
  g_autoptr(StoreLockHolder) h2 = store_lock_holder(conn, key, &error);
  cr_assert(h2 && h2->xact_age_s >= 0);
  st_exec(T, "COMMIT");

  /* our own lock is not "another session" */
  st_execp(T, "SELECT pg_advisory_unlock(hashtextextended($1, 0))", 1, p);
  cr_assert(store_lock_try(conn, key, &error), "%s", error ? error->message : "");
  g_autoptr(StoreLockHolder) none = store_lock_holder(conn, key, &error);
  cr_assert_null(none);
  cr_assert_null(error);
}
