/* tests/e2e/harness.h: the one harness end-to-end tests share. It starts the project's real
 * servers (scripts/servers start, idempotent), gives each test its own PostgreSQL database and
 * its own IMAP user, writes a config for them, and runs build/intake as a subprocess. */
#ifndef INTAKE_E2E_HARNESS_H
#define INTAKE_E2E_HARNESS_H

#include <glib.h>
#include <libpq-fe.h>

typedef struct {
  char *name; /* unique per test: database name and mailbox user */
  char *dir;  /* a temporary folder for the config and its password file */
  char *user; /* IMAP user (an address) */
  char *password;
  char *imap_base;  /* imap://127.0.0.1:PORT/ */
  char *imaps_base; /* imaps://localhost:PORT/ */
  char *ca_file;
  char *conninfo;
  char *config_path;
  PGconn *pg;
  struct FetcherSession *append_session; /* reused by e2e_append */
  GPtrArray *appended;                   /* mailboxes APPENDed to whose \Seen flags are not cleared yet */
  GArray *children;                      /* GPids started for the test, killed by e2e_teardown if alive */
} E2e;

/* Starts the servers if needed and makes a fresh database (migrated) and mailbox user. */
E2e *e2e_setup(const char *test_name);
/* Only the mailbox user (no database, no config): for tests of the fetcher alone. */
E2e *e2e_setup_imap(const char *test_name);
void e2e_teardown(E2e *e);
/* scripts/servers deluser addr (its Maildir and login removed); a failure is logged (info). */
void e2e_servers_deluser(const char *addr);

/* Rewrites the config: url is the IMAP URL (e.g. e2e_url(e, TRUE, "INBOX")), folder the
 * processed_folder ("" to flag \Seen). */
void e2e_write_config(E2e *e, const char *url, const char *folder);
char *e2e_url(E2e *e, gboolean tls, const char *mailbox);

/* APPENDs one mail over IMAP to mailbox. libcurl's APPEND always sets \Seen; the harness clears
 * it before the next IMAP command or intake run, so a test's mail arrives unseen, as delivered. */
void e2e_append(E2e *e, const char *mailbox, const char *data, gsize len);
/* A libcurl CURLOPT_WRITEFUNCTION appending what it receives to the GString given as WRITEDATA. */
size_t harness_curl_to_gstring(char *ptr, size_t size, size_t nmemb, void *user);
/* A custom IMAP command on mailbox (NULL: none selected); returns the untagged response text. */
char *e2e_imap(E2e *e, const char *mailbox, const char *command);
/* UIDs in mailbox matching an IMAP SEARCH key, e.g. "UNSEEN". */
GArray *e2e_search(E2e *e, const char *mailbox, const char *key);

/* Runs build/intake with args (NULL-terminated); returns the exit status. */
int e2e_run(E2e *e, char **out, char **err, ...) G_GNUC_NULL_TERMINATED;
/* Starts build/intake without waiting; returns the pid (e2e_teardown kills it if still running). */
GPid e2e_spawn(E2e *e, ...) G_GNUC_NULL_TERMINATED;
/* Hands a child process (spawned with G_SPAWN_DO_NOT_REAP_CHILD) to the teardown: when a failed
 * assertion ends the test early, nothing it started outlives it holding ctest's output pipe. */
void e2e_adopt(E2e *e, GPid pid);
/* Waits for a spawned intake to exit (at most 300 s: then it is killed and the test fails);
 * returns its exit status, 128 + signal when killed. */
int e2e_wait(GPid pid);
/* The same with a bound in seconds. */
int e2e_wait_timeout(GPid pid, guint seconds);
/* Whether a spawned intake is still running (not reaped; e2e_wait still works after). */
gboolean e2e_running(GPid pid);
/* Polls sql (one number, as e2e_scalar) every 2 ms until it is at least min, for at most seconds;
 * returns the last value (the caller asserts). Stops early, returning the value, when pid > 0 has
 * exited. */
gint64 e2e_wait_until(E2e *e, const char *sql, gint64 min, guint seconds, GPid pid);

/* First column of the first row of a query, as a number (-1 on NULL). */
gint64 e2e_scalar(E2e *e, const char *sql);
/* The first column of the only row of a query as text (NULL for SQL NULL); the test fails unless
 * the query succeeds with exactly one row. Caller frees. */
char *harness_text(E2e *e, const char *sql);

/* A realistic customer mail with the given Message-ID (NULL: none) and a body size of at least
 * min_body bytes. */
char *e2e_make_mail(const char *message_id, guint index, gsize min_body, gsize *len);

#endif
