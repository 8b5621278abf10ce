/* fuzz_config.c: libFuzzer target — any bytes as intake.conf (cli_config_load_data): a configuration
 * or one error, never a crash or hang. */
#include "cli.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  /* password_file names a file the loader reads: the fuzzer must not make it read /dev/zero */
  if (size > 64 * 1024 || g_strstr_len((const char *)data, (gssize)size, "_file"))
    return 0;
  g_autoptr(GError) error = NULL;
  g_autoptr(CliConfig) c = cli_config_load_data("fuzz.conf", (const char *)data, size, &error);
  if (!c)
    g_assert(error != NULL && error->message && *error->message);
  return 0;
}
