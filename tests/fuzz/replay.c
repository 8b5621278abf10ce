/* replay.c: runs the fuzz target over every file of the directories given, so the fuzz corpus (and the fixtures) replay as an ordinary test without libFuzzer. */
#include <glib.h>
#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static guint
replay_dir(const char *dir)
{
  g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
  if (!d)
    return 0;
  guint n = 0;
  const char *name;
  while ((name = g_dir_read_name(d))) {
    g_autofree char *path = g_build_filename(dir, name, NULL);
    if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
      n += replay_dir(path);
      continue;
    }
    g_autofree char *data = NULL;
    gsize len = 0;
    if (!g_file_get_contents(path, &data, &len, NULL))
      continue;
    LLVMFuzzerTestOneInput((const uint8_t *)data, len);
    n++;
  }
  return n;
}

int
main(int argc, char **argv)
{
  guint n = 0;
  for (int i = 1; i < argc; i++)
    n += replay_dir(argv[i]);
  printf("replayed %u inputs\n", n);
  return n > 0 ? 0 : 1;
}
