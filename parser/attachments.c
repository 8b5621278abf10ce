/* attachments.c: the text of an attachment a customer sends instead of writing in the mail — a
 * batch list (CSV in UTF-8/GBK, XLSX), a fault report (.txt, .docx, .pdf) — as UTF-8 lines, table
 * cells tab-separated, for the same extractor as the body. Bounded: sizes are checked first. */
#include "parser-private.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <poppler.h>
#include <string.h>
#include <zip.h>

#define ATT_MAX_XML ((zip_uint64_t)8 * 1024 * 1024) /* one unpacked XML member */
#define ATT_MAX_PAGES 20

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

/* One member of a zip archive in memory, or NULL (missing, over ATT_MAX_XML, corrupt). */
static char *
zip_member(zip_t *z, const char *name, gsize *len)
{
  zip_stat_t st;
  if (zip_stat(z, name, 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE) || st.size > ATT_MAX_XML)
    return NULL;
  zip_file_t *f = zip_fopen(z, name, 0);
  if (!f)
    return NULL;
  char *buf = g_malloc(st.size + 1);
  zip_int64_t n = zip_fread(f, buf, st.size);
  zip_fclose(f);
  if (n < 0 || (zip_uint64_t)n != st.size) {
    g_free(buf);
    return NULL;
  }
  buf[n] = '\0';
  *len = (gsize)n;
  return buf;
}

static xmlDoc *
zip_xml(zip_t *z, const char *name)
{
  gsize len = 0;
  g_autofree char *xml = zip_member(z, name, &len);
  if (!xml)
    return NULL;
  return xmlReadMemory(xml, (int)len, name, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
}

static gboolean
named(const xmlNode *n, const char *local)
{
  return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, local) == 0;
}

/* The text of every <t> under n (a shared string or an inline string, rich-text runs joined). */
static void
t_text(const xmlNode *n, GString *out)
{
  for (const xmlNode *c = n->children; c; c = c->next) {
    if (named(c, "t")) {
      xmlChar *s = xmlNodeGetContent(c);
      g_string_append(out, (const char *)s);
      xmlFree(s);
    } else if (c->type == XML_ELEMENT_NODE && !named(c, "rPh")) {
      t_text(c, out);
    }
  }
}

static guint
column_of(const char *ref)
{
  guint col = 0;
  for (; ref && g_ascii_isalpha(*ref); ref++)
    col = col * 26 + (guint)(g_ascii_toupper(*ref) - 'A' + 1);
  return col ? col - 1 : 0;
}

/* The first worksheet's rows, cells tab-separated at their columns. */
static void
xlsx_rows(const xmlNode *n, GPtrArray *shared, GString *out)
{
  for (const xmlNode *c = n; c; c = c->next) {
    if (!named(c, "row")) {
      if (c->type == XML_ELEMENT_NODE)
        xlsx_rows(c->children, shared, out);
      continue;
    }
    guint col = 0;
    for (const xmlNode *cell = c->children; cell; cell = cell->next) {
      if (!named(cell, "c"))
        continue;
      xmlChar *ref = xmlGetProp(cell, (const xmlChar *)"r"), *type = xmlGetProp(cell, (const xmlChar *)"t");
      guint want = ref ? column_of((const char *)ref) : col;
      for (; col < want && col < 64; col++)
        g_string_append_c(out, '\t');
      g_autoptr(GString) v = g_string_new(NULL);
      for (const xmlNode *k = cell->children; k; k = k->next) {
        if (named(k, "v")) {
          xmlChar *s = xmlNodeGetContent(k);
          guint64 idx = g_ascii_strtoull((const char *)s, NULL, 10);
          if (type && strcmp((const char *)type, "s") == 0)
            g_string_append(v, idx < shared->len ? (const char *)g_ptr_array_index(shared, idx) : "");
          else
            g_string_append(v, (const char *)s);
          xmlFree(s);
        } else if (named(k, "is")) {
          t_text(k, v);
        }
      }
      for (char *p = v->str; *p; p++)
        if (*p == '\t' || *p == '\n' || *p == '\r')
          *p = ' ';
      g_string_append(out, v->str);
      xmlFree(ref);
      xmlFree(type);
    }
    g_string_append_c(out, '\n');
  }
}

static char *
xlsx_text(zip_t *z)
{
  g_autoptr(GPtrArray) shared = g_ptr_array_new_with_free_func(g_free);
  xmlDoc *ss = zip_xml(z, "xl/sharedStrings.xml");
  for (const xmlNode *si = ss ? xmlDocGetRootElement(ss)->children : NULL; si; si = si->next)
    if (named(si, "si")) {
      GString *s = g_string_new(NULL);
      t_text(si, s);
      g_ptr_array_add(shared, g_string_free(s, FALSE));
    }
  if (ss)
    xmlFreeDoc(ss);
  xmlDoc *sheet = zip_xml(z, "xl/worksheets/sheet1.xml");
  if (!sheet)
    return NULL;
  GString *out = g_string_new(NULL);
  xlsx_rows(xmlDocGetRootElement(sheet), shared, out);
  xmlFreeDoc(sheet);
  return g_string_free(out, FALSE);
}

/* word/document.xml: paragraphs as lines, table cells tab-separated, rows as lines. */
static void
docx_walk(const xmlNode *n, GString *out, gboolean in_cell)
{
  for (const xmlNode *c = n; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE)
      continue;
    if (named(c, "t")) {
      xmlChar *s = xmlNodeGetContent(c);
      g_string_append(out, (const char *)s);
      xmlFree(s);
    } else if (named(c, "tab")) {
      g_string_append_c(out, '\t');
    } else if (named(c, "br")) {
      g_string_append_c(out, in_cell ? ' ' : '\n');
    } else if (named(c, "p")) {
      docx_walk(c->children, out, in_cell);
      g_string_append_c(out, in_cell ? ' ' : '\n');
    } else if (named(c, "tc")) {
      docx_walk(c->children, out, TRUE);
      g_string_append_c(out, '\t');
    } else if (named(c, "tr")) {
      docx_walk(c->children, out, in_cell);
      g_string_append_c(out, '\n');
    } else {
      docx_walk(c->children, out, in_cell);
    }
  }
}

static char *
docx_text(zip_t *z)
{
  xmlDoc *doc = zip_xml(z, "word/document.xml");
  if (!doc)
    return NULL;
  GString *out = g_string_new(NULL);
  docx_walk(xmlDocGetRootElement(doc), out, FALSE);
  xmlFreeDoc(doc);
  return g_string_free(out, FALSE);
}

static char *
office_text(ParserAttKind kind, const guint8 *data, gsize len)
{
  zip_error_t zerr;
  zip_error_init(&zerr);
  zip_source_t *src = zip_source_buffer_create(data, len, 0, &zerr);
  zip_t *z = src ? zip_open_from_source(src, ZIP_RDONLY, &zerr) : NULL;
  char *text = NULL;
  if (z) {
    text = kind == PARSER_ATT_XLSX ? xlsx_text(z) : docx_text(z);
    zip_discard(z);
  } else if (src) {
    zip_source_free(src);
  }
  zip_error_fini(&zerr);
  return text;
}

static char *
pdf_text(const guint8 *data, gsize len)
{
  g_autoptr(GBytes) bytes = g_bytes_new(data, len);
  PopplerDocument *doc = poppler_document_new_from_bytes(bytes, NULL, NULL);
  if (!doc)
    return NULL;
  GString *out = g_string_new(NULL);
  int pages = MIN(poppler_document_get_n_pages(doc), ATT_MAX_PAGES);
  for (int i = 0; i < pages; i++) {
    PopplerPage *page = poppler_document_get_page(doc, i);
    char *t = page ? poppler_page_get_text(page) : NULL;
    if (t)
      g_string_append_printf(out, "%s\n", t);
    g_free(t);
    if (page)
      g_object_unref(page);
  }
  g_object_unref(doc);
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
      return office_text(kind, data, len);
    case PARSER_ATT_PDF:
      return pdf_text(data, len);
    default:
      return NULL;
  }
}
