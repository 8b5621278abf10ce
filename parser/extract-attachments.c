/* extract-attachments.c: fields from what is attached when the mail's text lacks them — the text
 * of txt/csv/xlsx/pdf/docx attachments, an SN in a file name, a label photo (vision/) — each
 * marked in sn_source. Attachments are decoded only when needed: text-only mail pays nothing. */
#include "parser-private.h"

#include "vision.h"

#include <string.h>

/* The text of the attachments of the kinds wanted (tables_only: CSV/XLSX), joined; NULL if none. */
char *
parser_attachments_text(const ParserMimeResult *mr, gboolean tables_only, gsize max)
{
  GString *out = NULL;
  for (guint i = 0; mr->atts && i < mr->atts->len; i++) {
    const ParserAttRef *a = &g_array_index(mr->atts, ParserAttRef, i);
    gboolean table = a->kind == PARSER_ATT_CSV || a->kind == PARSER_ATT_XLSX;
    if (a->kind == PARSER_ATT_IMAGE || (tables_only && !table))
      continue;
    g_autoptr(GByteArray) bytes = parser_mime_part_bytes(a->part);
    const char *charset = g_mime_object_get_content_type_parameter(GMIME_OBJECT(a->part), "charset");
    g_autofree char *t = parser_attachment_text(a->kind, charset, bytes->data, bytes->len);
    if (!t || !*t)
      continue;
    if (!out)
      out = g_string_new(NULL);
    if (out->len + strlen(t) > max)
      break;
    g_string_append_printf(out, "%s%s", out->len ? "\n" : "", t);
  }
  if (!out)
    return NULL;
  char *norm = parser_text_normalize(out->str, (gssize)out->len);
  g_string_free(out, TRUE);
  return norm;
}

static void
take(char **dst, char **src)
{
  if (!*dst && *src) {
    *dst = *src;
    *src = NULL;
  }
}

/* The attachment's description when the mail has none, and its tags (the subject's are kept). */
static void
take_symptoms(ParserRequest *r, ParserRequest *t)
{
  if (r->symptoms || !t->symptoms)
    return;
  take(&r->symptoms, &t->symptoms);
  for (guint i = 0; i < t->symptom_tags->len; i++)
    if (!g_ptr_array_find_with_equal_func(r->symptom_tags, g_ptr_array_index(t->symptom_tags, i), g_str_equal,
                                          NULL))
      g_ptr_array_add(r->symptom_tags, g_strdup(g_ptr_array_index(t->symptom_tags, i)));
}

/* No SN in the text, or no description: the attachments' text is read like a mail of its own, and
 * fills what the mail's text did not give (the mail's own words always win). With symptoms_only
 * (the text named an SN) only the description: another machine a report file mentions must not
 * take over the order. */
void
parser_fill_from_attachment_text(const ParserConfig *c, ParserRequest *r, const char *text,
                                 gboolean symptoms_only)
{
  g_autoptr(ParserRequest) t = parser_request_new();
  ParserSources s = { .main = text, .raw = g_ptr_array_new_with_free_func(g_free) };
  if (!symptoms_only) {
    parser_extract_sn_model(c, &s, t);
    parser_extract_phone(c, &s, t);
    parser_extract_contact(c, &s, t);
    parser_extract_address(c, &s, t);
    parser_extract_place(c, &s, t);
  }
  if (!r->symptoms)
    parser_extract_symptoms(c, &s, t);
  g_ptr_array_unref(s.raw);
  take_symptoms(r, t);
  if (symptoms_only)
    return;
  if (!r->sn && t->sn) {
    r->sn = g_steal_pointer(&t->sn);
    r->sn_source = "attachment_text";
  }
  for (guint i = 0; i < t->sn_candidates->len; i++)
    g_ptr_array_add(r->sn_candidates, g_strdup(g_ptr_array_index(t->sn_candidates, i)));
  take(&r->model, &t->model);
  take(&r->contact, &t->contact);
  take(&r->phone, &t->phone);
  take(&r->address, &t->address);
  if (!r->city) {
    take(&r->city, &t->city);
    take(&r->district, &t->district);
  }
}

/* An SN in an attachment's name ("RCS25A0001234.jpg", "SN_RCS25A0001234_标签.png"). */
void
parser_fill_from_attachment_names(const ParserConfig *c, ParserRequest *r)
{
  for (guint i = 0; i < r->attachments->len && !r->sn; i++) {
    const ParserAttachment *a = g_ptr_array_index(r->attachments, i);
    if (!a->filename)
      continue;
    g_autofree char *name = parser_text_normalize(a->filename, -1);
    for (char *p = name; *p; p++)
      if (*p == '_' || *p == '.' || *p == '(' || *p == ')')
        *p = ' ';
    g_autoptr(GPtrArray) sns = g_ptr_array_new_with_free_func(g_free);
    parser_sn_find(c, name, sns);
    if (sns->len == 1) {
      r->sn = g_strdup(g_ptr_array_index(sns, 0));
      r->sn_source = "attachment_name";
      g_ptr_array_add(r->sn_candidates, g_strdup(r->sn));
    }
  }
}

static void
add_candidate(ParserRequest *r, const char *sn)
{
  for (guint i = 0; i < r->sn_candidates->len; i++)
    if (strcmp(g_ptr_array_index(r->sn_candidates, i), sn) == 0)
      return;
  g_ptr_array_add(r->sn_candidates, g_strdup(sn));
}

/* A warning once, however often the photos are read (the parse, then the label photos again when the
 * registry knows none of the text's SNs: blind round 21 saw it twice). Takes w. */
static void
warn_once(ParserRequest *r, char *w)
{
  for (guint i = 0; i < r->warnings->len; i++)
    if (strcmp(g_ptr_array_index(r->warnings, i), w) == 0) {
      g_free(w);
      return;
    }
  g_ptr_array_add(r->warnings, w);
}

guint
parser_read_photos(ParserRequest *r, const ParserMimeResult *mr, const ParserLimits *limits, gboolean set_sn)
{
  guint read = 0;
  const ParserMediaOps *media = NULL;
  VisionLimits vl = { .max_bytes = limits->max_image_bytes, .max_ms = limits->image_ms };
  for (guint i = 0; mr->atts && i < mr->atts->len && read < limits->max_images; i++) {
    const ParserAttRef *a = &g_array_index(mr->atts, ParserAttRef, i);
    if (a->kind != PARSER_ATT_IMAGE)
      continue;
    read++;
    g_autoptr(GByteArray) bytes = parser_mime_part_bytes(a->part);
    if (bytes->len > limits->max_image_bytes) {
      warn_once(r, g_strdup_printf("photo %s over max_image_bytes: not read",
                                   a->filename ? a->filename : "(unnamed)"));
      continue;
    }
    if (!media && !(media = parser_media())) {
      warn_once(r, g_strdup("photos not read: the media module is not available"));
      break;
    }
    g_autoptr(GError) err = NULL;
    VisionResult *res = media->photo_read(bytes->data, bytes->len, a->content_type, &vl, &err);
    if (!res) {
      warn_once(r, g_strdup_printf("photo %s not read: %s", a->filename ? a->filename : "(unnamed)",
                                   err ? err->message : "?"));
      continue;
    }
    for (guint k = 0; k < res->candidates->len; k++) {
      const VisionCandidate *vc = g_ptr_array_index(res->candidates, k);
      /* an unlabelled code of another shape (a part number, a model's code) is only a candidate for
       * the registry to confirm, not the SN the acknowledgement confirms (blind round 21: a P/N) */
      gboolean sn_like = vc->source != VISION_SOURCE_BARCODE || vc->labelled || vc->confidence >= 1.0;
      if (set_sn && !r->sn && sn_like) {
        r->sn = g_strdup(vc->sn);
        r->sn_source = media->source_name(vc->source);
      }
      add_candidate(r, vc->sn);
      for (char **alt = vc->alternatives; *alt; alt++)
        add_candidate(r, *alt);
      if (!r->photo_sources)
        r->photo_sources = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
      g_hash_table_insert(r->photo_sources, g_strdup(vc->sn), (gpointer)media->source_name(vc->source));
      for (char **alt = vc->alternatives; *alt; alt++)
        g_hash_table_insert(r->photo_sources, g_strdup(*alt), (gpointer)media->source_name(vc->source));
    }
    media->result_free(res);
  }
  if (read)
    r->photos_read = TRUE;
  return read;
}
