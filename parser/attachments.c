/* attachments.c: the text of an attachment a customer sends instead of writing in the mail — a
 * batch list (CSV in UTF-8/GBK, XLSX), a fault report (.txt, .docx, .pdf) — as UTF-8 lines, table
 * cells tab-separated, for the same extractor as the body. Bounded: sizes are checked first. */
#include "parser-private.h"

#include <string.h>

ParserAttKind
parser_attachment_kind(const char *content_type, const char *filename)
{
  const char *ct = content_type ? content_type : "";
  g_autofree char *name = filename ? g_ascii_strdown(filename, -1) : g_strdup("");
  if (g_str_has_suffix(name, ".csv") || strcmp(ct, "text/csv") == 0)
    return PARSER_ATT_CSV;
  if (g_str_has_suffix(name, ".xlsx") || strstr(ct, "spreadsheetml"))
    return PARSER_ATT_XLSX;
  if (g_str_has_suffix(name, ".docx") || strstr(ct, "wordprocessingml"))
    return PARSER_ATT_DOCX;
  if (g_str_has_suffix(name, ".pdf") || strcmp(ct, "application/pdf") == 0)
    return PARSER_ATT_PDF;
  if (g_str_has_suffix(name, ".txt") || g_str_has_suffix(name, ".log") || strcmp(ct, "text/plain") == 0)
    return PARSER_ATT_TXT;
  if (g_str_has_prefix(ct, "image/") || g_str_has_suffix(name, ".jpg") || g_str_has_suffix(name, ".jpeg") ||
      g_str_has_suffix(name, ".png") || g_str_has_suffix(name, ".heic"))
    return PARSER_ATT_IMAGE;
  return PARSER_ATT_NONE;
}

/* RFC 4180 CSV (quotes, doubled quotes, newlines inside quotes; ';' when a line has no ',') to
 * tab-separated lines. */
static char *
csv_to_tabs(const char *text)
{
  const char *nl = strchr(text, '\n');
  gsize first = nl ? (gsize)(nl - text) : strlen(text);
  char sep = memchr(text, ',', first) ? ',' : memchr(text, ';', first) ? ';' : ',';
  GString *out = g_string_sized_new(strlen(text));
  gboolean quoted = FALSE;
  for (const char *p = text; *p; p++) {
    if (quoted) {
      if (*p == '"' && p[1] == '"')
        g_string_append_c(out, *p++);
      else if (*p == '"')
        quoted = FALSE;
      else
        g_string_append_c(out, *p == '\n' || *p == '\t' ? ' ' : *p);
    } else if (*p == '"') {
      quoted = TRUE;
    } else if (*p == sep) {
      g_string_append_c(out, '\t');
    } else if (*p != '\r') {
      g_string_append_c(out, *p);
    }
  }
  return g_string_free(out, FALSE);
}

char *
parser_attachment_text(ParserAttKind kind, const char *charset, const guint8 *data, gsize len)
{
  if (!data || len == 0)
    return NULL;
  switch (kind) {
    case PARSER_ATT_TXT:
    case PARSER_ATT_CSV: {
      /* A BOM says UTF-8 (Excel's "CSV UTF-8"); else the declared charset, else the guess (GBK). */
      gboolean bom = len >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF;
      ParserDecoded d = parser_charset_decode(bom ? "UTF-8" : charset, (const char *)data + (bom ? 3 : 0),
                                              len - (bom ? 3 : 0));
      if (kind == PARSER_ATT_TXT)
        return d.text;
      char *t = csv_to_tabs(d.text);
      g_free(d.text);
      return t;
    }
    case PARSER_ATT_XLSX:
    case PARSER_ATT_DOCX:
    case PARSER_ATT_PDF: {
      /* their readers (libzip, poppler) live in the media module, loaded on first use */
      const ParserMediaOps *media = parser_media();
      if (!media)
        return NULL;
      return kind == PARSER_ATT_PDF ? media->pdf_text(data, len) : media->office_text(kind, data, len);
    }
    default:
      return NULL;
  }
}
