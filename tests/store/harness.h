/* tests/store/harness.h: a fresh, migrated PostgreSQL database per test, and libpq helpers that
 * fail the test with the statement and the server's message. */
#ifndef INTAKE_STORE_TEST_HARNESS_H
#define INTAKE_STORE_TEST_HARNESS_H

#include <glib.h>
#include <libpq-fe.h>

typedef struct {
  char *dbname;      /* intake_store_test_<pid>_<n>, dropped by st_teardown */
  char *dir;         /* temporary folder holding the config */
  char *config_path; /* [db] conninfo + migrations_dir for build's intake */
  char *host;        /* PGHOST and PGPORT of the servers (for pg_dump and the like) */
  char *port;
  PGconn *pg; /* superuser connection to dbname */
} StoreTest;

/* Starts the servers if needed, creates and migrates a database. Free with st_teardown. */
StoreTest *st_setup(void);
/* The same without migrating or connecting: an empty database. */
StoreTest *st_setup_empty(void);
/* (Re)connects t->pg, e.g. after a migration changed the database's settings. */
void st_connect(StoreTest *t);
void st_teardown(StoreTest *t);

/* Runs `intake db migrate --config` on t's database; returns its stdout (caller frees). */
char *st_migrate(StoreTest *t);
/* The same with migrations_dir sql_dir (NULL: the source tree's sql/). With status NULL the test
 * fails unless it succeeds; else *status is 0 or 1 and the result holds stdout and stderr. */
char *st_migrate_dir(StoreTest *t, const char *sql_dir, int *status);
/* A new folder holding sql/'s migrations numbered before first_left_out (e.g. "115", as symlinks)
 * and its seeds: a database as an older release left it. Remove it with st_remove_dir. */
char *st_sql_before(const char *first_left_out);
void st_remove_dir(const char *dir);
/* pg_dump --schema-only of schema intake, without the lines that differ on every run. */
char *st_dump_schema(StoreTest *t);

/* Executes sql (no parameters or $1.. params); fails the test unless it succeeds. */
void st_exec(StoreTest *t, const char *sql);
void st_execp(StoreTest *t, const char *sql, int n, const char *const *params);
/* The first column of the first row as a new string (NULL for SQL NULL); fails on error or no row. */
char *st_value(StoreTest *t, const char *sql);
char *st_valuep(StoreTest *t, const char *sql, int n, const char *const *params);
/* Executes sql expecting an error: fails unless it errs with SQLSTATE state (NULL: any) and a
 * message containing want (NULL: any). Returns the primary message (caller frees). */
char *st_fail(StoreTest *t, const char *sql, const char *state, const char *want);

/* A message and an order on it, via plain SQL. Offsets are minutes from now() (G_MININT: NULL);
 * priority NULL for none. Returns the order id. */
gint64 st_order(StoreTest *t, const char *order_no, const char *status, const char *priority,
                int received_min, int response_min, int plan_min, int onsite_min);

#endif
