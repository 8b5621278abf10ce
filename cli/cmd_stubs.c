/* cli/cmd_stubs.c: subcommands of contract.md that are not built yet say so and exit 2. */
#include "cli.h"

#include <stdio.h>

static G_GNUC_UNUSED int
not_built(const char *name, const char *issue)
{
  fprintf(stderr, "intake %s: not built yet (%s)\n", name, issue);
  return EXIT_USAGE;
}
