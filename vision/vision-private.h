/* vision internals shared by its files: decoding to a grey Leptonica image, the barcode pass,
 * the OCR pass and the SN-token rules. Not for other modules. */
#ifndef INTAKE_VISION_PRIVATE_H
#define INTAKE_VISION_PRIVATE_H

#include "vision.h"

#include <leptonica/allheaders.h>

/* Deadlines are g_get_monotonic_time() microseconds. */
static inline gboolean
vision_expired(gint64 deadline)
{
  return g_get_monotonic_time() >= deadline;
}

static inline gint
vision_left_ms(gint64 deadline)
{
  gint64 left = (deadline - g_get_monotonic_time()) / 1000;
  return left > 0 ? (gint)MIN(left, G_MAXINT) : 0;
}

/* decode.c: the image as 8-bit grey, orientation applied; format is "jpeg", "png" or "heic". */
PIX *vision_decode_grey(const guint8 *data, gsize len, const char *content_type, guint64 max_pixels,
                        gint64 deadline, const char **format, GError **error);
/* A copy whose longer side is at most max_side, twice as large when that still fits (a new
 * reference when it already fits). */
PIX *vision_fit(PIX *grey, int max_side, float *factor);
/* The text/bar skew in degrees: rotating by it straightens the image; 0 when unsure. */
float vision_skew_deg(PIX *grey);
/* grey turned by deg degrees (clockwise positive), white brought in. */
PIX *vision_rotate(PIX *grey, float deg);

/* barcode.c: adds the candidates of the codes found; FALSE when the deadline cut it short. */
gboolean vision_barcodes(PIX *grey, float skew, gint64 deadline, GPtrArray *out);

/* ocr.c */
typedef struct VisionOcr VisionOcr;
VisionOcr *vision_ocr_new(const char *tessdata_dir);
void vision_ocr_free(VisionOcr *ocr);
/* Adds the candidates read from the (straightened) image; FALSE with error when the engine
 * cannot start. A deadline that cuts the OCR short is not an error: out stays as read so far. */
gboolean vision_ocr_read(VisionOcr *ocr, PIX *grey, gint64 deadline, GPtrArray *out, GError **error);

/* tokens.c */
VisionCandidate *vision_candidate_new(const char *sn, char **alternatives, VisionSource source,
                                      const char *symbology, gboolean labelled, double confidence);
void vision_candidate_free(gpointer candidate);
/* Adds cand unless its SN is already there (then keeps the higher confidence). Takes cand. */
void vision_candidates_add(GPtrArray *out, VisionCandidate *cand);
/* Where the value after an SN label starts in text (UTF-8), or NULL when text has no label. */
const char *vision_after_label(const char *text);
/* The first SN-like token at text (spaces skipped; OCR-split pieces joined); NULL when none. */
char *vision_first_token(const char *text);
/* TRUE for the shape the parser knows, [A-Z]{1,4}[0-9]{2}[A-Z0-9]{5,16}. */
gboolean vision_sn_strict(const char *sn);
/* The candidates in a decoded code's data: the data itself, the value after a label, or the
 * SN-shaped tokens in it. */
void vision_candidates_from_code(const char *data, const char *symbology, GPtrArray *out);

#endif
