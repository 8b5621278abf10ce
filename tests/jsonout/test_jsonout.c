/* tests/jsonout/test_jsonout.c: jsonout writes JSON a strict reader takes (no raw control character
 * inside a string, json-glib 1.6 leaves U+001F raw) and that reads back to the same values. */
#include "jsonout.h"

#include <criterion/criterion.h>
#include <string.h>

/* Every byte 0x01..0x1f, a quote, a backslash, an escaped-looking text and Chinese in one string. */
static char *
nasty(void)
{
  GString *s = g_string_new("a\"b\\c\\u0041 ");
  for (int c = 1; c < 0x20; c++)
    g_string_append_c(s, (char)c);
  g_string_append(s, " 服务器\\\"");
  return g_string_free(s, FALSE);
}

/* No byte < 0x20 inside a string of text (outside strings: the pretty form's newlines). */
static void
assert_strict(const char *text)
{
  gboolean in_string = FALSE, escaped = FALSE;
  for (const char *p = text; *p; p++) {
    if (in_string)
      cr_assert_geq((guchar)*p, 0x20, "raw 0x%02x inside a string at offset %td of %s", (guchar)*p, p - text,
                    text);
    else if ((guchar)*p < 0x20)
      cr_assert(*p == '\n' || *p == '\t', "raw 0x%02x between tokens", (guchar)*p);
    if (escaped)
      escaped = FALSE;
    else if (in_string && *p == '\\')
      escaped = TRUE;
    else if (*p == '"')
      in_string = !in_string;
  }
  cr_assert(!in_string, "unterminated string in %s", text);
}

static JsonNode *
tree(const char *value)
{
  g_autoptr(JsonBuilder) b = json_builder_new();
  json_builder_begin_object(b);
  json_builder_set_member_name(b, value); /* member names are strings too */
  json_builder_begin_array(b);
  json_builder_add_string_value(b, value);
  json_builder_add_int_value(b, 7);
  json_builder_add_null_value(b);
  json_builder_end_array(b);
  json_builder_set_member_name(b, "plain");
  json_builder_add_string_value(b, "x");
  json_builder_end_object(b);
  return json_builder_get_root(b);
}

static void
round_trip(gboolean pretty)
{
  g_autofree char *value = nasty();
  g_autoptr(JsonNode) root = tree(value);
  g_autofree char *text = jsonout_to_string(root, pretty);
  assert_strict(text);
  g_autoptr(JsonParser) parser = json_parser_new();
  g_autoptr(GError) error = NULL;
  cr_assert(json_parser_load_from_data(parser, text, -1, &error), "%s", error ? error->message : "");
  JsonObject *o = json_node_get_object(json_parser_get_root(parser));
  cr_assert(json_object_has_member(o, value), "member name changed");
  JsonArray *a = json_object_get_array_member(o, value);
  cr_assert_str_eq(json_array_get_string_element(a, 0), value);
  cr_assert_eq(json_array_get_int_element(a, 1), 7);
  cr_assert(json_array_get_null_element(a, 2));
  cr_assert_str_eq(json_object_get_string_member(o, "plain"), "x");
}

Test(jsonout, compact_escapes_every_control_character_and_reads_back)
{
  round_trip(FALSE);
}

Test(jsonout, pretty_keeps_its_layout_and_escapes_inside_strings)
{
  round_trip(TRUE);
  g_autoptr(JsonNode) root = tree("v");
  g_autofree char *text = jsonout_to_string(root, TRUE);
  g_autofree char *plain = json_to_string(root, TRUE);
  cr_assert_str_eq(text, plain, "nothing to escape: the generator's text unchanged");
  cr_assert(strchr(text, '\n'), "pretty output has its newlines");
}

Test(jsonout, unit_separator_json_glib_leaves_raw)
{
  g_autoptr(JsonBuilder) b = json_builder_new();
  json_builder_begin_array(b);
  json_builder_add_string_value(b, "a\x1f"
                                   "b");
  json_builder_end_array(b);
  g_autofree char *text = jsonout_builder_to_string(b, FALSE);
  cr_assert_str_eq(text, "[\"a\\u001fb\"]");
}

/* jsonout_append_string writes what jsonout_to_string writes for the same string value. */
Test(jsonout, append_string_as_the_generator_writes_it)
{
  g_autoptr(GString) null_out = g_string_new(NULL);
  jsonout_append_string(null_out, NULL);
  cr_expect_str_eq(null_out->str, "null");
  GRand *rng = g_rand_new_with_seed(9);
  for (guint round = 0; round < 2000; round++) {
    g_autoptr(GString) s = g_string_new(NULL);
    for (guint n = g_rand_int_range(rng, 0, 16); n > 0; n--) {
      guint kind = g_rand_int_range(rng, 0, 4);
      if (kind == 0)
        g_string_append_c(s, (char)g_rand_int_range(rng, 1, 0x80)); /* any ASCII byte */
      else if (kind == 1)
        g_string_append(s, "服务器");
      else if (kind == 2)
        g_string_append(s, "\"\\/");
      else
        g_string_append_unichar(s, g_rand_int_range(rng, 0x80, 0x2FFF));
    }
    g_autoptr(JsonNode) node = json_node_init_string(json_node_alloc(), s->str);
    g_autofree char *want = jsonout_to_string(node, FALSE);
    g_autoptr(GString) got = g_string_new(NULL);
    jsonout_append_string(got, s->str);
    cr_assert_str_eq(got->str, want, "round %u", round);
  }
  g_rand_free(rng);
}
