/* fuzz_parser.c: libFuzzer target — any bytes through parser_parse and the JSON writer must give a result or one error, never a crash or hang. */
#include "parser.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static ParserConfig *config;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (!config) {
    g_autoptr(GError) error = NULL;
    config = parser_config_load(NULL, &error);
    if (!config)
      g_error("fuzz: %s", error->message);
    parser_config_set_own_address(config, "service@roycom.com.cn");
  }
  g_autoptr(GError) error = NULL;
  g_autoptr(ParserRequest) r = parser_parse(config, NULL, (const char *)data, size, &error);
  if (!r) {
    /* An error must say something. */
    g_assert(error != NULL && error->message && *error->message);
    return 0;
  }
  g_autoptr(JsonBuilder) b = json_builder_new();
  json_builder_begin_object(b);
  parser_request_write_json(r, b);
  json_builder_end_object(b);
  g_autoptr(JsonNode) root = json_builder_get_root(b);
  g_autoptr(JsonGenerator) gen = json_generator_new();
  json_generator_set_root(gen, root);
  g_autofree char *text = json_generator_to_data(gen, NULL);
  g_assert(g_utf8_validate(text, -1, NULL));
  g_autofree char *key = parser_dedupe_key(r, (const char *)data, size);
  g_assert(key && *key);
  return 0;
}
