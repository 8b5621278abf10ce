/* cli/cmd_db.c: `intake db migrate`. */
#include "cli.h"
#include "store.h"

#include <stdio.h>
#include <string.h>

int
cli_cmd_db(int argc, char **argv)
{
  g_autofree char *config_path = NULL;
  GOptionEntry entries[] = {
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path, "Configuration file", "FILE" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new("migrate - apply sql/ migrations");
  g_option_context_add_main_entries(ctx, entries, NULL);
  g_autoptr(GError) error = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
    fprintf(stderr, "intake db: %s\n", error->message);
    return EXIT_USAGE;
  }
  if (argc != 2 || strcmp(argv[1], "migrate") != 0) {
    fprintf(stderr, "usage: intake db migrate [--config FILE]\n");
    return EXIT_USAGE;
  }
  g_autoptr(CliConfig) config = NULL;
  g_autoptr(StoreConn) conn = NULL;
  int opened = cli_open_owner(config_path, &config, &conn);
  if (opened != EXIT_OK)
    return opened;
  guint applied = 0;
  if (!store_migrate(conn, config->sql_dir, &applied, &error)) {
    cli_log(CLI_LOG_ERROR, "migrate: %s", error->message);
    return EXIT_RUNTIME;
  }
  printf("migrations applied: %u\n", applied);
  /* a database a newer intake migrated: this binary (a rollback?) runs without what those changed */
  StoreSchemaState st;
  if (store_schema_state(conn, config->sql_dir, &st, &error)) {
    printf("schema: %s (%u migrations)\n", st.newest ? st.newest : "-", st.applied);
    g_autofree char *ahead = store_schema_ahead(&st);
    if (ahead)
      cli_log(CLI_LOG_WARN, "%s", ahead);
    store_schema_state_clear(&st);
  }
  return EXIT_OK;
}
