/* cli/cmd_inspect.c: `intake inspect` — parse (and later classify) one mail offline. */
#include "cli.h"
#include "parser.h"

#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static gboolean
read_all(const char *path, char **data, gsize *len, GError **error)
{
  if (strcmp(path, "-") != 0)
    return g_file_get_contents(path, data, len, error);
  GString *buf = g_string_new(NULL);
  char chunk[65536];
  ssize_t n;
  while ((n = read(STDIN_FILENO, chunk, sizeof chunk)) > 0)
    g_string_append_len(buf, chunk, n);
  *len = buf->len;
  *data = g_string_free(buf, FALSE);
  return TRUE;
}

int
cli_cmd_inspect(int argc, char **argv)
{
  gboolean json = FALSE;
  g_autofree char *assets = NULL, *received = NULL;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print one JSON object", NULL },
    { "assets", 0, 0, G_OPTION_ARG_FILENAME, &assets, "Asset registry CSV", "FILE.csv" },
    { "received", 0, 0, G_OPTION_ARG_STRING, &received, "When the mail was received", "RFC3339" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new("FILE.eml|- - parse one mail offline");
  g_option_context_add_main_entries(ctx, entries, NULL);
  g_autoptr(GError) error = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &error) || argc != 2) {
    fprintf(stderr, "intake inspect: %s\n", error ? error->message : "one FILE (or -) expected");
    return EXIT_USAGE;
  }
  g_autofree char *data = NULL;
  gsize len = 0;
  if (!read_all(argv[1], &data, &len, &error)) {
    fprintf(stderr, "intake inspect: %s\n", error->message);
    return EXIT_USAGE;
  }
  g_autoptr(ParserConfig) pc = parser_config_load(NULL, &error);
  if (!pc) {
    fprintf(stderr, "intake inspect: %s\n", error->message);
    return EXIT_USAGE;
  }
  g_autoptr(ParserRequest) req = parser_parse(pc, NULL, data, len, &error);
  if (!req) {
    fprintf(stderr, "intake inspect: %s: %s\n", argv[1], error->message);
    return EXIT_RUNTIME;
  }
  g_autoptr(JsonBuilder) b = json_builder_new();
  json_builder_begin_object(b);
  parser_request_write_json(req, b);
  json_builder_end_object(b);
  g_autoptr(JsonGenerator) gen = json_generator_new();
  g_autoptr(JsonNode) root = json_builder_get_root(b);
  json_generator_set_root(gen, root);
  json_generator_set_pretty(gen, !json);
  g_autofree char *out = json_generator_to_data(gen, NULL);
  printf("%s\n", out);
  return EXIT_OK;
}
