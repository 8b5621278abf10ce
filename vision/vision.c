/* vision: the public entry — limits, the order of the passes (decode, barcodes, then OCR only
 * when no code gave a candidate) and the result. */
#include "vision-private.h"

G_DEFINE_QUARK(vision - error - quark, vision_error)

struct VisionReader {
  VisionOcr *ocr;
};

const char *
vision_source_name(VisionSource source)
{
  return source == VISION_SOURCE_BARCODE ? "image_barcode" : "image_text";
}

void
vision_result_free(VisionResult *result)
{
  if (!result)
    return;
  g_ptr_array_unref(result->candidates);
  g_free(result);
}

static gpointer
quiet_leptonica(gpointer unused)
{
  /* Leptonica reports to stderr by default; its failures reach us as NULL returns. */
  setMsgSeverity(L_SEVERITY_NONE);
  return NULL;
}

VisionReader *
vision_reader_new(const char *tessdata_dir)
{
  static GOnce once = G_ONCE_INIT;
  g_once(&once, quiet_leptonica, NULL);
  VisionReader *reader = g_new0(VisionReader, 1);
  reader->ocr = vision_ocr_new(tessdata_dir);
  return reader;
}

void
vision_reader_free(VisionReader *reader)
{
  if (!reader)
    return;
  vision_ocr_free(reader->ocr);
  g_free(reader);
}

/* Best first: higher confidence, then labelled, then found first. */
static gint
by_rank(gconstpointer a, gconstpointer b)
{
  const VisionCandidate *x = *(VisionCandidate *const *)a, *y = *(VisionCandidate *const *)b;
  if (x->confidence != y->confidence)
    return x->confidence < y->confidence ? 1 : -1;
  return (int)y->labelled - (int)x->labelled;
}

static guint
ms_since(gint64 t0)
{
  return (guint)((g_get_monotonic_time() - t0) / 1000);
}

VisionResult *
vision_reader_read(VisionReader *reader, const guint8 *data, gsize len, const char *content_type,
                   const VisionLimits *limits, GError **error)
{
  g_return_val_if_fail(reader && (data || len == 0), NULL);
  VisionLimits lim = limits ? *limits : (VisionLimits){ 0 };
  lim.max_bytes = lim.max_bytes ? lim.max_bytes : VISION_DEFAULT_MAX_BYTES;
  lim.max_pixels = lim.max_pixels ? lim.max_pixels : VISION_DEFAULT_MAX_PIXELS;
  lim.max_ms = lim.max_ms ? lim.max_ms : VISION_DEFAULT_MAX_MS;
  if (len > lim.max_bytes) {
    g_set_error(error, VISION_ERROR, VISION_ERROR_TOO_LARGE,
                "image of %" G_GSIZE_FORMAT " bytes, over %" G_GSIZE_FORMAT, len, lim.max_bytes);
    return NULL;
  }
  gint64 t0 = g_get_monotonic_time(), deadline = t0 + (gint64)lim.max_ms * 1000;
  const char *format = NULL;
  PIX *grey = vision_decode_grey(data, len, content_type, lim.max_pixels, deadline, &format, error);
  if (!grey)
    return NULL;
  VisionResult *res = g_new0(VisionResult, 1);
  res->candidates = g_ptr_array_new_with_free_func(vision_candidate_free);
  res->format = format;
  res->width = (guint)pixGetWidth(grey);
  res->height = (guint)pixGetHeight(grey);
  res->decode_ms = ms_since(t0);
  gboolean finished = FALSE;
  PIX *straight = NULL;
  if (!vision_expired(deadline)) {
    gint64 t1 = g_get_monotonic_time();
    float skew = vision_skew_deg(grey);
    g_debug("skew %.2f°", skew);
    finished = vision_barcodes(grey, skew, deadline, res->candidates);
    res->barcode_ms = ms_since(t1);
    if (finished && res->candidates->len == 0 && !lim.no_ocr) {
      gint64 t2 = g_get_monotonic_time();
      straight = (skew > 1.0f || skew < -1.0f) ? vision_rotate(grey, skew) : pixClone(grey);
      if (!vision_ocr_read(reader->ocr, straight, deadline, res->candidates, error)) {
        pixDestroy(&straight);
        pixDestroy(&grey);
        vision_result_free(res);
        return NULL;
      }
      finished = !vision_expired(deadline);
      res->ocr_ms = ms_since(t2);
    }
  }
  pixDestroy(&straight);
  pixDestroy(&grey);
  if (!finished && res->candidates->len == 0) {
    g_set_error(error, VISION_ERROR, VISION_ERROR_TIMEOUT, "no SN read within the time limit of %u ms",
                lim.max_ms);
    vision_result_free(res);
    return NULL;
  }
  g_ptr_array_sort(res->candidates, by_rank);
  return res;
}

VisionResult *
vision_read_sn(const guint8 *data, gsize len, const char *content_type, const VisionLimits *limits,
               GError **error)
{
  g_autoptr(VisionReader) reader = vision_reader_new(NULL);
  return vision_reader_read(reader, data, len, content_type, limits, error);
}
