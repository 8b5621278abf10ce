/* parser/media-module.c: the media module (intake-media.so), loaded by parser/media.c on first
 * use: the text of .xlsx/.docx (libzip + libxml2) and .pdf (poppler) attachments, and the SN of a
 * label photo (vision/). Kept out of the executable so a run that reads no attachment (the empty
 * cron poll included) does not pay for linking Tesseract, poppler, libheif and their libraries. */
#include "parser-private.h"

#include "vision.h"

#include <gmodule.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <poppler.h>
#include <string.h>
#include <zip.h>

#define ATT_MAX_XML ((zip_uint64_t)8 * 1024 * 1024) /* one unpacked XML member */
#define ATT_MAX_PAGES 20

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
media_office_text(ParserAttKind kind, const guint8 *data, gsize len)
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
media_pdf_text(const guint8 *data, gsize len)
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

/* One reader for the process, used by one thread at a time: the OCR engine loads once (~100-300 ms,
 * tens of MB), on the first photo without a code. The poll reads photos on its parsing worker and,
 * for an SN the registry does not know, on its main thread: one engine, not one per thread. */
static GMutex reader_lock;
static VisionReader *reader; /* kept until the process ends */

static VisionResult *
media_photo_read(const guint8 *data, gsize len, const char *content_type, const VisionLimits *limits,
                 GError **error)
{
  g_mutex_lock(&reader_lock);
  if (!reader)
    reader = vision_reader_new(NULL);
  VisionResult *r = vision_reader_read(reader, data, len, content_type, limits, error);
  g_mutex_unlock(&reader_lock);
  return r;
}

G_MODULE_EXPORT const ParserMediaOps *intake_media_ops(void);

G_MODULE_EXPORT const ParserMediaOps *
intake_media_ops(void)
{
  static const ParserMediaOps ops = {
    .abi = PARSER_MEDIA_ABI,
    .office_text = media_office_text,
    .pdf_text = media_pdf_text,
    .photo_read = media_photo_read,
    .result_free = vision_result_free,
    .source_name = vision_source_name,
  };
  return &ops;
}
