/* jsonout/jsonout.c: json-glib's generator, with the control characters it leaves raw inside
 * strings escaped (see jsonout.h). */
#include "jsonout.h"

#include <string.h>

/* Escapes the bytes < 0x20 found inside strings (outside them json-glib writes only the pretty
 * form's newlines and spaces, which stay). A string starts and ends at a '"' not escaped by a
 * backslash. Takes text. */
static char *
escape_controls(char *text)
{
  /* nearly always nothing to do: no control byte at all (the compact form has no newline) */
  const char *c = text;
  while (*c && (guchar)*c >= 0x20)
    c++;
  if (!*c)
    return text;
  GString *out = g_string_sized_new(strlen(text) + 16);
  gboolean in_string = FALSE, escaped = FALSE;
  for (const char *p = text; *p; p++) {
    if (in_string && (guchar)*p < 0x20)
      g_string_append_printf(out, "\\u%04x", (guint)(guchar)*p);
    else
      g_string_append_c(out, *p);
    if (escaped)
      escaped = FALSE;
    else if (in_string && *p == '\\')
      escaped = TRUE;
    else if (*p == '"')
      in_string = !in_string;
  }
  g_free(text);
  return g_string_free(out, FALSE);
}

char *
jsonout_to_string(JsonNode *node, gboolean pretty)
{
  return escape_controls(json_to_string(node, pretty));
}

char *
jsonout_builder_to_string(JsonBuilder *builder, gboolean pretty)
{
  g_autoptr(JsonNode) root = json_builder_get_root(builder);
  return jsonout_to_string(root, pretty);
}

void
jsonout_append_string(GString *out, const char *value)
{
  if (!value) {
    g_string_append(out, "null");
    return;
  }
  g_string_append_c(out, '"');
  for (const char *p = value; *p; p++) {
    guchar c = (guchar)*p;
    const char *esc = c == '"'    ? "\\\""
                      : c == '\\' ? "\\\\"
                      : c == '\b' ? "\\b"
                      : c == '\f' ? "\\f"
                      : c == '\n' ? "\\n"
                      : c == '\r' ? "\\r"
                      : c == '\t' ? "\\t"
                                  : NULL;
    if (esc)
      g_string_append(out, esc);
    else if (c < 0x20 || c == 0x7f)
      g_string_append_printf(out, "\\u%04x", c);
    else
      g_string_append_c(out, (char)c);
  }
  g_string_append_c(out, '"');
}
