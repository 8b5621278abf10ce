/* cli/main.c: `intake` — subcommand dispatch. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

#include "store.h"
#include "version.h" /* generated: INTAKE_VERSION (the project's), INTAKE_GIT_COMMIT (git describe) */

typedef struct {
  const char *name;
  int (*run)(int argc, char **argv);
  const char *usage;
} Command;

static const Command commands[] = {
  { "poll", cli_cmd_poll,
    "poll      [--config FILE]   fetch new mail, parse, classify, store, queue and send acks" },
  { "inspect", cli_cmd_inspect,
    "inspect   FILE.eml|- [--assets FILE.csv] [--received RFC3339] [--json]\n"
    "                            parse + classify one mail offline" },
  { "assets", cli_cmd_assets, "assets import FILE.csv     load the asset registry (upsert by SN)" },
  { "db", cli_cmd_db, "db migrate [--config FILE] apply sql/ migrations, idempotently" },
  { "acks", cli_cmd_acks,
    "acks send [--config FILE]  drain the acknowledgement outbox\n"
    "  acks queue [--hours N]     write outbox rows for recent orders that have none" },
  { "reprocess", cli_cmd_reprocess,
    "reprocess [--order N | --since DATE | --all] [--dry-run] [--yes]\n"
    "                            re-run parse + classify over stored mail" },
  { "status", cli_cmd_status,
    "status    [--json] [--config FILE]\n"
    "                            health of every mailbox, the outbox and the queue; exit 1 if unhealthy" },
};

static void
usage(FILE *out)
{
  fprintf(out, "usage: intake COMMAND [OPTIONS]\n\n"
               "Turns the service mailbox into a queue of service orders.\n\ncommands:\n");
  for (gsize i = 0; i < G_N_ELEMENTS(commands); i++)
    fprintf(out, "  %s\n", commands[i].usage);
  fprintf(
    out,
    "\nEach command takes --help. Config: --config FILE, else $INTAKE_CONFIG, else ./intake.conf.\n"
    "Exit codes: 0 done, 1 run-time failure, 2 bad usage or config, 75 mailbox locked by another poll.\n");
}

/* `--config FILE` (or --config=FILE) before the subcommand: as if given to it (a subcommand's own
 * --config still wins). Returns the index of the subcommand, or -1 after printing what is wrong. */
static int
global_options(int argc, char **argv)
{
  int i = 1;
  while (i < argc && g_str_has_prefix(argv[i], "--config")) {
    const char *value = NULL;
    if (g_str_equal(argv[i], "--config") && i + 1 < argc)
      value = argv[++i];
    else if (g_str_has_prefix(argv[i], "--config="))
      value = argv[i] + strlen("--config=");
    if (!value || !*value) {
      fprintf(stderr, "intake: --config needs a FILE\n");
      return -1;
    }
    g_setenv("INTAKE_CONFIG", value, TRUE);
    i++;
  }
  return i;
}

int
main(int argc, char **argv)
{
  /* Tesseract (label photos) is built with OpenMP: one thread, or one photo takes every core */
  g_setenv("OMP_THREAD_LIMIT", "1", FALSE);
  int at = global_options(argc, argv);
  if (at < 0)
    return EXIT_USAGE;
  argc -= at - 1;
  argv += at - 1;
  if (argc < 2) {
    usage(stderr);
    return EXIT_USAGE;
  }
  if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
    usage(stdout);
    return EXIT_OK;
  }
  if (!strcmp(argv[1], "--version")) {
    printf("intake %s (git %s)\n", INTAKE_VERSION, INTAKE_GIT_COMMIT);
    /* the schema this binary migrates to: what `intake status` compares the database with */
    g_autofree char *sql_dir = cli_sql_dir(NULL);
    g_autoptr(GPtrArray) files = store_migration_files(sql_dir, NULL);
    if (files && files->len)
      printf("schema %s (%s)\n", (char *)g_ptr_array_index(files, files->len - 1), sql_dir);
    return EXIT_OK;
  }
  for (gsize i = 0; i < G_N_ELEMENTS(commands); i++)
    if (!strcmp(argv[1], commands[i].name))
      return commands[i].run(argc - 1, argv + 1);
  fprintf(stderr, "intake: unknown command '%s'\n", argv[1]);
  usage(stderr);
  return EXIT_USAGE;
}
