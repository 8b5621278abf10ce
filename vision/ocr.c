/* vision OCR: Tesseract (eng + chi_sim) over the straightened photo to find the line with an SN
 * label, then again over that line cropped from the full-resolution image; without a label, the
 * SN-shaped words of the whole image. Tesseract's monitor enforces the deadline. */
#include "vision-private.h"

#include <string.h>
#include <tesseract/capi.h>

#define LANGS "eng+chi_sim"
#define PAGE_SIDE 2000 /* the whole-image pass: enough for label text in a phone photo */
#define LINE_HEIGHT 64 /* the crop pass: Tesseract reads best at x-heights of ~30 px */

struct VisionOcr {
  TessBaseAPI *api;
  char *tessdata_dir;
};

typedef struct {
  char *text;
  int l, t, r, b;
  float conf;
} Line;

static void
line_free(gpointer p)
{
  Line *line = p;
  g_free(line->text);
  g_free(line);
}

VisionOcr *
vision_ocr_new(const char *tessdata_dir)
{
  VisionOcr *ocr = g_new0(VisionOcr, 1);
  ocr->tessdata_dir = g_strdup(tessdata_dir);
  return ocr;
}

void
vision_ocr_free(VisionOcr *ocr)
{
  if (!ocr)
    return;
  if (ocr->api) {
    TessBaseAPIEnd(ocr->api);
    TessBaseAPIDelete(ocr->api);
  }
  g_free(ocr->tessdata_dir);
  g_free(ocr);
}

static gboolean
ensure_api(VisionOcr *ocr, GError **error)
{
  if (ocr->api)
    return TRUE;
  TessBaseAPI *api = TessBaseAPICreate();
  if (TessBaseAPIInit3(api, ocr->tessdata_dir, LANGS) != 0) {
    TessBaseAPIDelete(api);
    g_set_error(error, VISION_ERROR, VISION_ERROR_UNAVAILABLE,
                "cannot load the OCR data %s from %s (Debian: tesseract-ocr-eng, tesseract-ocr-chi-sim)",
                LANGS, ocr->tessdata_dir ? ocr->tessdata_dir : "the default tessdata");
    return FALSE;
  }
  /* Tesseract's chatter ("Estimating resolution…") is not ours to print. */
  TessBaseAPISetVariable(api, "debug_file", "/dev/null");
  ocr->api = api;
  return TRUE;
}

/* Recognises pix with the page segmentation mode; returns its text lines (possibly only those
 * read before the deadline). */
static GPtrArray *
recognise(VisionOcr *ocr, PIX *pix, TessPageSegMode psm, gint64 deadline)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func(line_free);
  TessBaseAPISetPageSegMode(ocr->api, psm);
  TessBaseAPISetImage2(ocr->api, pix);
  TessBaseAPISetSourceResolution(ocr->api, 300);
  ETEXT_DESC *monitor = TessMonitorCreate();
  TessMonitorSetDeadlineMSecs(monitor, MAX(vision_left_ms(deadline), 1));
  TessBaseAPIRecognize(ocr->api, monitor); /* -1 when cut short: keep what was read */
  TessResultIterator *it = TessBaseAPIGetIterator(ocr->api);
  if (it) {
    const TessPageIterator *pit = TessResultIteratorGetPageIterator(it);
    do {
      char *text = TessResultIteratorGetUTF8Text(it, RIL_TEXTLINE);
      if (!text)
        continue;
      Line *line = g_new0(Line, 1);
      line->text = g_strstrip(g_strdup(text));
      line->conf = TessResultIteratorConfidence(it, RIL_TEXTLINE);
      TessPageIteratorBoundingBox(pit, RIL_TEXTLINE, &line->l, &line->t, &line->r, &line->b);
      g_debug("ocr psm %d: \"%s\" (%.0f) at %d,%d", (int)psm, line->text, line->conf, line->l, line->t);
      TessDeleteText(text);
      g_ptr_array_add(lines, line);
    } while (TessResultIteratorNext(it, RIL_TEXTLINE));
    TessResultIteratorDelete(it);
  }
  TessMonitorDelete(monitor);
  TessBaseAPIClear(ocr->api);
  return lines;
}

/* The labelled line again, cropped from the full-resolution image (a little taller, to the
 * right edge) and scaled to a comfortable text height. Returns the token read there or NULL. */
static char *
reread_line(VisionOcr *ocr, PIX *grey, const Line *line, float factor, gint64 deadline, float *conf)
{
  float inv = 1.0f / factor;
  int h = (int)((float)(line->b - line->t) * inv), pad = h / 2;
  int x = MAX(0, (int)((float)line->l * inv) - pad), y = MAX(0, (int)((float)line->t * inv) - pad);
  BOX *box = boxCreate(x, y, pixGetWidth(grey) - x, h + 2 * pad);
  PIX *crop = box ? pixClipRectangle(grey, box, NULL) : NULL;
  char *tok = NULL;
  if (crop && h > 0) {
    float s = CLAMP((float)LINE_HEIGHT / (float)h, 0.5f, 4.0f);
    PIX *sized = pixScale(crop, s, s);
    PIX *norm = sized ? pixBackgroundNormSimple(sized, NULL, NULL) : NULL;
    GPtrArray *lines = sized ? recognise(ocr, norm ? norm : sized, PSM_SINGLE_LINE, deadline) : NULL;
    for (guint i = 0; lines && i < lines->len && !tok; i++) {
      const Line *l = lines->pdata[i];
      const char *after = vision_after_label(l->text);
      tok = vision_first_token(after ? after : l->text);
      *conf = l->conf;
    }
    if (lines)
      g_ptr_array_unref(lines);
    pixDestroy(&norm);
    pixDestroy(&sized);
  }
  pixDestroy(&crop);
  boxDestroy(&box);
  return tok;
}

static void
add_text_candidate(GPtrArray *out, const char *first, const char *second, gboolean labelled, double conf)
{
  char **a = vision_sn_readings(first, 16), **b = second ? vision_sn_readings(second, 16) : NULL;
  if (!a && !b)
    return;
  /* The first reading's best is the SN; the rest of both are alternatives, without repeats. */
  const char *best = a ? a[0] : b[0];
  GPtrArray *alts = g_ptr_array_new();
  for (int pass = 0; pass < 2; pass++)
    for (char **v = pass ? b : a; v && *v; v++)
      if (strcmp(*v, best) != 0 && !g_ptr_array_find_with_equal_func(alts, *v, g_str_equal, NULL))
        g_ptr_array_add(alts, g_strdup(*v));
  g_ptr_array_add(alts, NULL);
  vision_candidates_add(out, vision_candidate_new(best, (char **)g_ptr_array_free(alts, FALSE),
                                                  VISION_SOURCE_TEXT, NULL, labelled, conf));
  g_strfreev(a);
  g_strfreev(b);
}

/* No label anywhere: the words that are SN-shaped in their best reading. */
static void
unlabelled_words(GPtrArray *lines, GPtrArray *out)
{
  for (guint i = 0; i < lines->len; i++) {
    const Line *line = lines->pdata[i];
    char **words = g_strsplit_set(line->text, " \t", -1);
    for (char **w = words; *w; w++) {
      char **r = vision_sn_readings(*w, 1);
      if (r && vision_sn_strict(r[0]))
        add_text_candidate(out, *w, NULL, FALSE, 0.5 * line->conf / 100.0);
      g_strfreev(r);
    }
    g_strfreev(words);
  }
}

gboolean
vision_ocr_read(VisionOcr *ocr, PIX *grey, gint64 deadline, GPtrArray *out, GError **error)
{
  if (!ensure_api(ocr, error))
    return FALSE;
  float factor;
  PIX *page = vision_fit(grey, PAGE_SIDE, &factor);
  /* Flattens the light falloff and the brushed metal so Otsu sees ink on a label. */
  PIX *norm = pixBackgroundNormSimple(page, NULL, NULL);
  GPtrArray *lines = recognise(ocr, norm ? norm : page, PSM_SPARSE_TEXT, deadline);
  gboolean labelled = FALSE;
  for (guint i = 0; i < lines->len && !vision_expired(deadline); i++) {
    const Line *line = lines->pdata[i];
    const char *after = vision_after_label(line->text);
    char *first = after ? vision_first_token(after) : NULL;
    if (!after)
      continue;
    float conf = 0;
    char *second = reread_line(ocr, grey, line, factor, deadline, &conf);
    /* The closer look wins only when Tesseract is surer of it; the other reading stays an
     * alternative. */
    gboolean closer = second && (!first || conf > line->conf);
    if (second || first) {
      add_text_candidate(out, closer ? second : first, closer ? first : second, TRUE,
                         MAX(conf, line->conf) / 100.0);
      labelled = TRUE;
    }
    g_free(first);
    g_free(second);
  }
  if (!labelled)
    unlabelled_words(lines, out);
  g_ptr_array_unref(lines);
  pixDestroy(&norm);
  pixDestroy(&page);
  return TRUE;
}
