/* tests/cli/cli_run.c: see cli_run.h. */
#include "cli_run.h"

#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <stdarg.h>
#include <string.h>
#include <sys/wait.h>

int
cli_run(const char *const *env, char **out, char **err, ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new();
  g_ptr_array_add(argv, (char *)INTAKE_BIN);
  va_list ap;
  va_start(ap, err);
  for (const char *a; (a = va_arg(ap, const char *));)
    g_ptr_array_add(argv, (char *)a);
  va_end(ap);
  g_ptr_array_add(argv, NULL);
  /* [alerts] state_dir's default: never the host's /var/lib/intake */
  g_autofree char *state = g_build_filename(g_get_tmp_dir(), "intake-cli-test-state", NULL);
  g_auto(GStrv) envp = g_environ_setenv(g_get_environ(), "STATE_DIRECTORY", state, TRUE);
  for (guint i = 0; env && env[i] && env[i + 1]; i += 2)
    envp = g_environ_setenv(envp, env[i], env[i + 1], TRUE);
  int status = 0;
  g_autoptr(GError) error = NULL;
  cr_assert(
    g_spawn_sync(NULL, (char **)argv->pdata, envp, G_SPAWN_DEFAULT, NULL, NULL, out, err, &status, &error),
    "spawn %s: %s", INTAKE_BIN, error ? error->message : "");
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

char *
cli_write_bytes(const char *data, gsize len)
{
  g_autofree char *dir = g_dir_make_tmp("intake-cli-XXXXXX", NULL);
  cr_assert(dir);
  char *path = g_build_filename(dir, "input", NULL);
  cr_assert(g_file_set_contents(path, data, (gssize)len, NULL));
  return path;
}

char *
cli_write_config(const char *text)
{
  return cli_write_bytes(text, strlen(text));
}

void
cli_remove_config(const char *path)
{
  g_unlink(path);
  g_autofree char *dir = g_path_get_dirname(path);
  g_rmdir(dir);
}
