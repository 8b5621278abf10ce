/* cli/cmd_assets.c: `intake assets import FILE.csv` — the asset registry. */
#include "cli.h"

#include <stdio.h>

int
cli_cmd_assets(int argc, char **argv)
{
  fprintf(stderr, "intake assets: not built yet (asset registry import)\n");
  return EXIT_USAGE;
}
