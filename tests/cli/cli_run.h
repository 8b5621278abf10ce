/* tests/cli/cli_run.h: running the built intake as a subprocess, and scratch files for its input. */
#ifndef INTAKE_TESTS_CLI_RUN_H
#define INTAKE_TESTS_CLI_RUN_H

#include <glib.h>

/* Runs INTAKE_BIN with the arguments (NULL-terminated) in the test's environment plus env (name,
 * value pairs, NULL-terminated; may be NULL). *out and *err receive its output (caller frees).
 * Returns the exit status, or 128 + the signal that killed it. */
int cli_run(const char *const *env, char **out, char **err, ...) G_GNUC_NULL_TERMINATED;

/* A new file holding text / len bytes in a fresh temporary folder; returns its path (caller frees
 * the string; cli_remove_config removes file and folder). */
char *cli_write_config(const char *text);
char *cli_write_bytes(const char *data, gsize len);
void cli_remove_config(const char *path);

#endif
