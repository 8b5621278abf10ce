/* jsonout/jsonout.h: JSON text from a json-glib tree that every JSON reader accepts — the one way
 * intake writes JSON (jsonb parameters, `intake parse`/`status`/`inspect` output, alert bodies). */
#ifndef INTAKE_JSONOUT_H
#define INTAKE_JSONOUT_H

#include <json-glib/json-glib.h>

/* The tree as JSON text (pretty: indented), like json_to_string but with every control character
 * inside a string escaped as \uXXXX: json-glib 1.6 writes U+001F raw, which RFC 8259 forbids and
 * PostgreSQL's jsonb rejects ("Character with value 0x1f must be escaped"). Caller frees. */
char *jsonout_to_string(JsonNode *node, gboolean pretty);

/* jsonout_to_string of what a JsonBuilder built (json_builder_get_root). Caller frees. */
char *jsonout_builder_to_string(JsonBuilder *builder, gboolean pretty);

/* Appends value as jsonout_to_string writes a string value: "…" with json-glib's escapes (\" \\
 * \b \f \n \r \t) and every other control byte and DEL as \u00xx, UTF-8 as it is; NULL: null.
 * For small JSON written by hand, without a builder, a node tree and a generator per call. */
void jsonout_append_string(GString *out, const char *value);

#endif
