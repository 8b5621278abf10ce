/* store/migrate.c: `intake db migrate` — the sql/NNN_*.sql files in order, each in its own transaction,
 * with the seed files (sql/seed/<table>.tsv) a migration names loaded by COPY in that transaction. */
#include "store-private.h"

#include "classifier.h"

#include <string.h>

static gint
compare_names(gconstpointer a, gconstpointer b)
{
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* COPY one seed file into intake.TABLE; its header line names the columns. The file is read by the
 * classifier's seed reader, the one the policy loader uses: '#' and blank lines skipped, fields literal
 * (no escapes), an empty field is NULL. */
static gboolean
copy_seed(StoreConn *conn, const char *sql_dir, const char *table, GError **error)
{
  if (!store_identifier_valid(table)) {
    g_set_error(error, STORE_ERROR, STORE_ERROR_MIGRATION, "bad seed table name '%s'", table);
    return FALSE;
  }
  g_autofree char *path = g_strdup_printf("%s/seed/%s.tsv", sql_dir, table);
  g_autoptr(GError) local = NULL;
  g_autoptr(ClassifierTsv) tsv = classifier_tsv_read_file(path, &local);
  if (!tsv) {
    g_set_error(error, STORE_ERROR, STORE_ERROR_MIGRATION, "seed %s: %s", table, local->message);
    return FALSE;
  }
  for (guint i = 0; i < tsv->ncols; i++) {
    if (!store_identifier_valid(tsv->columns[i])) {
      g_set_error(error, STORE_ERROR, STORE_ERROR_MIGRATION, "seed %s: bad column name '%s'", path,
                  tsv->columns[i]);
      return FALSE;
    }
  }
  /* "" stands for NULL in a seed file */
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func(g_free);
  for (guint i = 0; i < tsv->rows->len; i++) {
    char **fields = g_ptr_array_index(tsv->rows, i);
    const char **values = g_new(const char *, tsv->ncols);
    for (guint c = 0; c < tsv->ncols; c++)
      values[c] = *fields[c] ? fields[c] : NULL;
    g_ptr_array_add(rows, values);
  }
  g_autofree char *qualified = g_strdup_printf("intake.%s", table);
  gboolean ok = store_copy_rows(conn, qualified, (const char *const *)tsv->columns, tsv->ncols, rows, error);
  if (!ok)
    g_prefix_error(error, "seed %s: ", path);
  return ok;
}

static gboolean
apply_migration(StoreConn *conn, const char *sql_dir, const char *name, GError **error)
{
  g_autofree char *path = g_build_filename(sql_dir, name, NULL);
  g_autofree char *text = NULL;
  if (!g_file_get_contents(path, &text, NULL, error))
    return FALSE;
  if (!store_begin(conn, error))
    return FALSE;
  g_autoptr(PGresult) r = PQexec(conn->pg, text);
  /* a migration may end with a SELECT (re-running a function): rows are fine too */
  if (!(r && PQresultStatus(r) == PGRES_TUPLES_OK) && !store_check(conn, r, PGRES_COMMAND_OK, error)) {
    g_prefix_error(error, "%s: ", name);
    store_rollback(conn);
    return FALSE;
  }
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  for (guint i = 0; lines[i]; i++) {
    const char *l = lines[i];
    if (g_str_has_prefix(l, "-- intake:seed ")) {
      g_autofree char *table = g_strstrip(g_strdup(l + strlen("-- intake:seed ")));
      if (!copy_seed(conn, sql_dir, table, error)) {
        g_prefix_error(error, "%s: ", name);
        store_rollback(conn);
        return FALSE;
      }
    }
  }
  const char *p[] = { name };
  if (!store_exec(conn, "INSERT INTO intake.schema_migrations (name) VALUES ($1)", 1, p, error) ||
      !store_commit(conn, error)) {
    g_prefix_error(error, "%s: ", name);
    store_rollback(conn);
    return FALSE;
  }
  return TRUE;
}

GPtrArray *
store_migration_files(const char *sql_dir, GError **error)
{
  g_autoptr(GDir) dir = g_dir_open(sql_dir, 0, error);
  if (!dir) {
    g_prefix_error(error, "migrations: ");
    return NULL;
  }
  GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
  const char *n;
  while ((n = g_dir_read_name(dir))) {
    if (g_str_has_suffix(n, ".sql") && g_ascii_isdigit(n[0]))
      g_ptr_array_add(names, g_strdup(n));
  }
  g_ptr_array_sort(names, compare_names);
  return names;
}

gboolean
store_schema_state(StoreConn *conn, const char *sql_dir, StoreSchemaState *state, GError **error)
{
  memset(state, 0, sizeof *state);
  g_autoptr(GPtrArray) files = store_migration_files(sql_dir, error);
  if (!files)
    return FALSE;
  g_autoptr(StoreRows) rows =
    store_select(conn, "SELECT name FROM intake.schema_migrations ORDER BY name", 0, NULL, error);
  if (!rows)
    return FALSE;
  g_autoptr(GHashTable) applied = g_hash_table_new(g_str_hash, g_str_equal);
  g_autoptr(GHashTable) known = g_hash_table_new(g_str_hash, g_str_equal);
  for (guint i = 0; i < files->len; i++)
    g_hash_table_add(known, g_ptr_array_index(files, i));
  state->missing = g_ptr_array_new_with_free_func(g_free);
  state->unknown = g_ptr_array_new_with_free_func(g_free);
  for (guint i = 0; i < rows->rows->len; i++) {
    const char *name = ((char **)g_ptr_array_index(rows->rows, i))[0];
    g_hash_table_add(applied, (gpointer)name);
    if (!g_hash_table_contains(known, name))
      g_ptr_array_add(state->unknown, g_strdup(name));
  }
  for (guint i = 0; i < files->len; i++)
    if (!g_hash_table_contains(applied, g_ptr_array_index(files, i)))
      g_ptr_array_add(state->missing, g_strdup(g_ptr_array_index(files, i)));
  state->applied = rows->rows->len;
  if (rows->rows->len)
    state->newest = g_strdup(((char **)g_ptr_array_index(rows->rows, rows->rows->len - 1))[0]);
  if (files->len)
    state->known_newest = g_strdup(g_ptr_array_index(files, files->len - 1));
  return TRUE;
}

char *
store_schema_ahead(const StoreSchemaState *state)
{
  if (!state->unknown || !state->unknown->len)
    return NULL;
  return g_strdup_printf(
    "the database has %u migration(s) this intake does not know (the newest %s): a newer "
    "intake migrated it; run that version, or restore the backup taken before its migrate",
    state->unknown->len, (const char *)g_ptr_array_index(state->unknown, state->unknown->len - 1));
}

void
store_schema_state_clear(StoreSchemaState *state)
{
  g_clear_pointer(&state->missing, g_ptr_array_unref);
  g_clear_pointer(&state->unknown, g_ptr_array_unref);
  g_clear_pointer(&state->newest, g_free);
  g_clear_pointer(&state->known_newest, g_free);
}

gboolean
store_migrate(StoreConn *conn, const char *sql_dir, guint *applied, GError **error)
{
  *applied = 0;
  g_autoptr(GPtrArray) names = store_migration_files(sql_dir, error);
  if (!names)
    return FALSE;

  /* Two migrating processes at once: the second waits, then finds nothing left to do. */
  if (!store_exec(conn, "SELECT pg_advisory_lock(hashtextextended('intake.migrate', 0))", 0, NULL, error))
    return FALSE;
  /* a migration may rewrite a big table: no statement_timeout of ours while it runs */
  gboolean ok = store_statement_timeout_lift(conn, TRUE, error) &&
                store_exec(conn,
                           "CREATE SCHEMA IF NOT EXISTS intake;"
                           "CREATE TABLE IF NOT EXISTS intake.schema_migrations ("
                           " name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());"
                           "COMMENT ON TABLE intake.schema_migrations IS "
                           "'sql/ migration files applied by intake db migrate'",
                           0, NULL, error);
  for (guint i = 0; ok && i < names->len; i++) {
    const char *name = g_ptr_array_index(names, i);
    const char *p[] = { name };
    g_autoptr(PGresult) r = store_run(conn, "SELECT 1 FROM intake.schema_migrations WHERE name = $1", 1, p);
    if (!store_check(conn, r, PGRES_TUPLES_OK, error)) {
      ok = FALSE;
      break;
    }
    if (PQntuples(r) > 0)
      continue;
    if (!apply_migration(conn, sql_dir, name, error)) {
      ok = FALSE;
      break;
    }
    (*applied)++;
  }
  g_autoptr(PGresult) u =
    PQexec(conn->pg, "SELECT pg_advisory_unlock(hashtextextended('intake.migrate', 0))");
  return store_statement_timeout_lift(conn, FALSE, ok ? error : NULL) && ok;
}
