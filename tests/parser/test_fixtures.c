/* test_fixtures.c: every tests/data/mail/NAME.eml (and tests/parser/data/NAME.eml) against NAME.json; prints input, expected and actual on failure. */
#include "helpers.h"

#include <criterion/parameterized.h>
#include <json-glib/json-glib.h>

typedef struct {
  char path[512]; /* the .eml */
} Fixture;

static void
collect(const char *dir, GArray *out)
{
  g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
  if (!d)
    return;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
  const char *n;
  while ((n = g_dir_read_name(d)))
    if (g_str_has_suffix(n, ".eml"))
      g_ptr_array_add(names, g_strdup(n));
  g_ptr_array_sort(names, (GCompareFunc)g_strcmp0);
  for (guint i = 0; i < names->len; i++) {
    Fixture f = { 0 };
    g_autofree char *p = g_build_filename(dir, g_ptr_array_index(names, i), NULL);
    g_strlcpy(f.path, p, sizeof f.path);
    g_array_append_val(out, f);
  }
}

ParameterizedTestParameters(fixtures, mail)
{
  g_autoptr(GArray) all = g_array_new(FALSE, TRUE, sizeof(Fixture));
  collect(INTAKE_TEST_MAIL_DIR, all);
  collect(INTAKE_TEST_EXTRA_MAIL_DIR, all);
  Fixture *params = cr_malloc(sizeof(Fixture) * (all->len ? all->len : 1));
  memcpy(params, all->data, sizeof(Fixture) * all->len);
  return cr_make_param_array(Fixture, params, all->len);
}

/* The actual request as a JSON object, exactly as `intake inspect --json` writes the parse side. */
static JsonNode *
actual_json(const ParserRequest *r)
{
  g_autoptr(JsonBuilder) b = json_builder_new();
  json_builder_begin_object(b);
  parser_request_write_json(r, b);
  json_builder_end_object(b);
  return json_builder_get_root(b);
}

static char *
to_string(JsonNode *n)
{
  if (!n)
    return g_strdup("(absent)");
  g_autoptr(JsonGenerator) g = json_generator_new();
  json_generator_set_root(g, n);
  return json_generator_to_data(g, NULL);
}

#include "fixture_compare.h"

ParameterizedTest(Fixture *f, fixtures, mail, .init = test_setup, .fini = test_teardown)
{
  g_autofree char *json_path = g_strndup(f->path, strlen(f->path) - 4);
  g_autofree char *expect_path = g_strconcat(json_path, ".json", NULL);
  g_autofree char *raw = NULL;
  gsize len = 0;
  cr_assert(g_file_get_contents(f->path, &raw, &len, NULL), "cannot read %s", f->path);
  g_autoptr(JsonParser) jp = json_parser_new();
  g_autoptr(GError) jerr = NULL;
  cr_assert(json_parser_load_from_file(jp, expect_path, &jerr), "%s: %s", expect_path,
            jerr ? jerr->message : "");
  JsonObject *expect = json_node_get_object(json_parser_get_root(jp));

  g_autoptr(GError) error = NULL;
  g_autoptr(ParserRequest) r = parser_parse(test_config, NULL, raw, len, &error);
  if (!r) {
    /* A fixture may expect a clean error instead of a request. */
    if (json_object_has_member(expect, "error_contains")) {
      const char *want = json_object_get_string_member(expect, "error_contains");
      g_autofree char *msg = error ? g_ascii_strdown(error->message, -1) : NULL;
      g_autofree char *w = g_ascii_strdown(want, -1);
      cr_assert(msg && strstr(msg, w), "fixture %s\n  error: expected \"%s\"\n         actual   \"%s\"",
                f->path, want, error ? error->message : "(none)");
      return;
    }
    cr_assert_fail("%s: parse failed: %s", f->path, error ? error->message : "?");
  }
  g_autoptr(JsonNode) actual = actual_json(r);
  g_autoptr(GString) failures = g_string_new(NULL);
  g_autoptr(GString) notes = g_string_new(NULL);
  g_autofree char *base = g_path_get_basename(json_path);
  fixture_compare(base, expect, json_node_get_object(actual), r, failures, notes);
  if (notes->len)
    cr_log_info("%s", notes->str);
  if (failures->len) {
    g_autofree char *all = to_string(actual);
    cr_assert_fail("fixture %s\n%s\nactual: %s", f->path, failures->str, all);
  }
}
