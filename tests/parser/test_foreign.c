/* test_foreign.c: mail nobody here wrote (Python's email test data, enmime's testdata): no crash, valid JSON, and Subject/From decoded as Python's email (policy.default) decodes them, except the listed cases. */
#include "helpers.h"

#include <json-glib/json-glib.h>

#ifndef INTAKE_PYTHON
#define INTAKE_PYTHON "/usr/bin/python3"
#endif

static const char *const corpora[] = {
  "/usr/lib/python3.11/test/test_email/data",                   /* libpython3.11-testsuite */
  "/usr/share/gocode/src/github.com/jhillyerd/enmime/testdata", /* golang-github-jhillyerd-enmime-dev */
};

/* Where we knowingly differ from Python, and why. */
static const struct {
  const char *file, *field, *reason;
} exceptions[] = {
#define COMMENT_NAME                                                                                         \
  "old form 'addr (Name)': GMime reads the comment as the display name, Python drops it; the name is more "  \
  "use to ops"
  { "msg_01.txt", "from_name", COMMENT_NAME },
  { "msg_03.txt", "from_name", COMMENT_NAME },
  { "msg_04.txt", "from_name", COMMENT_NAME },
  { "msg_06.txt", "from_name", COMMENT_NAME },
  { "msg_14.txt", "from_name", COMMENT_NAME },
  { "msg_20.txt", "from_name", COMMENT_NAME },
  { "msg_27.txt", "from_name", COMMENT_NAME },
  { "msg_29.txt", "from_name", COMMENT_NAME },
  { "msg_44.txt", "from_name", COMMENT_NAME },
  { "msg_43.txt", "from_addr",
    "'MAILER DAEMON <>': Python reports the empty route '<>' as the address, we report none" },
};

static const char *
exception_for(const char *file, const char *field)
{
  for (gsize i = 0; i < G_N_ELEMENTS(exceptions); i++)
    if (strcmp(exceptions[i].file, file) == 0 && strcmp(exceptions[i].field, field) == 0)
      return exceptions[i].reason;
  return NULL;
}

/* Blank runs collapsed, trimmed: folding whitespace is not what is compared. */
static char *
squash(const char *s)
{
  if (!s)
    return NULL;
  GString *out = g_string_new(NULL);
  gboolean space = FALSE;
  for (const char *p = s; *p; p++) {
    if (g_ascii_isspace(*p)) {
      space = out->len > 0;
      continue;
    }
    if (space)
      g_string_append_c(out, ' ');
    space = FALSE;
    g_string_append_c(out, *p);
  }
  return g_string_free(out, FALSE);
}

static void
compare(GString *fails, GString *notes, const char *file, const char *field, const char *want,
        const char *have, gboolean caseless)
{
  g_autofree char *w = squash(want), *h = squash(have);
  /* Python gives "" where GMime gives nothing at all. */
  if (w && !*w)
    g_clear_pointer(&w, g_free);
  if (h && !*h)
    g_clear_pointer(&h, g_free);
  gboolean same = (!w && !h) || (w && h && (caseless ? g_ascii_strcasecmp(w, h) == 0 : strcmp(w, h) == 0));
  if (same)
    return;
  const char *why = exception_for(file, field);
  GString *out = why ? notes : fails;
  g_string_append_printf(out, "%s %s:\n    python: %s\n    parser: %s\n", file, field, w ? w : "(none)",
                         h ? h : "(none)");
  if (why)
    g_string_append_printf(out, "    known: %s\n", why);
}

Test(foreign, corpora, .init = test_setup, .fini = test_teardown, .timeout = 120)
{
  if (!g_file_test(INTAKE_PYTHON, G_FILE_TEST_IS_EXECUTABLE))
    cr_skip_test("%s not installed: no reference decoder", INTAKE_PYTHON);
  g_autoptr(GPtrArray) argv = g_ptr_array_new();
  g_ptr_array_add(argv, INTAKE_PYTHON);
  g_ptr_array_add(argv, INTAKE_PYTHON_EXPECT);
  guint present = 0;
  for (gsize i = 0; i < G_N_ELEMENTS(corpora); i++)
    if (g_file_test(corpora[i], G_FILE_TEST_IS_DIR)) {
      g_ptr_array_add(argv, (gpointer)corpora[i]);
      present++;
    }
  if (!present)
    cr_skip_test("no foreign corpus installed");
  g_ptr_array_add(argv, NULL);
  g_autofree char *out = NULL, *err = NULL;
  int status = 0;
  g_autoptr(GError) error = NULL;
  cr_assert(
    g_spawn_sync(NULL, (char **)argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error),
    "python: %s", error ? error->message : "");
  cr_assert(g_spawn_check_wait_status(status, NULL), "python failed: %s", err);

  g_autoptr(JsonParser) jp = json_parser_new();
  cr_assert(json_parser_load_from_data(jp, out, -1, NULL));
  JsonArray *items = json_node_get_array(json_parser_get_root(jp));
  g_autoptr(GString) fails = g_string_new(NULL);
  g_autoptr(GString) notes = g_string_new(NULL);
  guint parsed = 0, errors = 0, compared = 0;
  for (guint i = 0; i < json_array_get_length(items); i++) {
    JsonObject *o = json_array_get_object_element(items, i);
    const char *path = json_object_get_string_member(o, "file");
    g_autofree char *base = g_path_get_basename(path);
    g_autofree char *raw = NULL;
    gsize len = 0;
    cr_assert(g_file_get_contents(path, &raw, &len, NULL));
    g_autoptr(GError) perr = NULL;
    g_autoptr(ParserRequest) r = parser_parse(test_config, NULL, raw, len, &perr);
    if (!r) {
      cr_assert(perr != NULL, "%s: NULL without error", path);
      errors++;
      g_string_append_printf(notes, "%s: parse error: %s\n", base, perr->message);
      continue;
    }
    parsed++;
    /* Valid JSON for each. */
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    parser_request_write_json(r, b);
    json_builder_end_object(b);
    g_autoptr(JsonNode) root = json_builder_get_root(b);
    g_autoptr(JsonGenerator) gen = json_generator_new();
    json_generator_set_root(gen, root);
    g_autofree char *text = json_generator_to_data(gen, NULL);
    g_autoptr(JsonParser) back = json_parser_new();
    cr_assert(json_parser_load_from_data(back, text, -1, NULL), "%s: invalid JSON: %s", path, text);
    cr_assert(g_utf8_validate(text, -1, NULL), "%s: JSON not UTF-8", path);

    if (json_object_has_member(o, "error"))
      continue; /* Python could not read it: nothing to compare */
    compared++;
    compare(fails, notes, base, "subject", json_object_get_string_member_with_default(o, "subject", NULL),
            r->subject, FALSE);
    compare(fails, notes, base, "from_name", json_object_get_string_member_with_default(o, "from_name", NULL),
            r->from_name, FALSE);
    compare(fails, notes, base, "from_addr", json_object_get_string_member_with_default(o, "from_addr", NULL),
            r->from_addr, TRUE);
  }
  cr_log_info("foreign corpora: %u mails parsed, %u clean errors, %u compared with Python\n%s", parsed,
              errors, compared, notes->str);
  cr_assert(fails->len == 0, "decoded differently from Python's email:\n%s", fails->str);
}
