/* vision: reads a server's serial number from a photo of its label — a barcode or QR code when
 * one decodes (zbar), else the printed text near "S/N"/"序列号" (Tesseract). Bounded: a byte,
 * pixel and time limit per image, checked before decoding where the header allows. */
#ifndef INTAKE_VISION_H
#define INTAKE_VISION_H

#include <glib.h>

G_BEGIN_DECLS

#define VISION_ERROR (vision_error_quark())
GQuark vision_error_quark(void);

typedef enum {
  VISION_ERROR_FORMAT,      /* not a JPEG, PNG or HEIC (the message names what the bytes look like) */
  VISION_ERROR_CORRUPT,     /* a JPEG/PNG/HEIC whose data is truncated or malformed */
  VISION_ERROR_TOO_LARGE,   /* over max_bytes or max_pixels; pixels are read from the header */
  VISION_ERROR_TIMEOUT,     /* max_ms passed before any candidate was read */
  VISION_ERROR_UNAVAILABLE, /* the OCR language data could not be loaded */
} VisionError;

#define VISION_DEFAULT_MAX_BYTES (25u * 1024 * 1024)
#define VISION_DEFAULT_MAX_PIXELS (50u * 1000 * 1000) /* a 48 MP phone photo passes */
#define VISION_DEFAULT_MAX_MS 8000u

/* Per-image limits; a zero field takes its default. max_ms covers decoding, every barcode
 * attempt and the OCR (Tesseract's monitor deadline), so no image blocks the caller for longer
 * than about max_ms plus one uninterruptible step (decoding one 64 KiB chunk, one zbar scan). */
typedef struct {
  gsize max_bytes;
  guint64 max_pixels;
  guint max_ms;
  gboolean no_ocr; /* barcodes only (the cheap path) */
} VisionLimits;

typedef enum {
  VISION_SOURCE_BARCODE, /* contract.md sn_source "image_barcode": a 1D or QR code decoded */
  VISION_SOURCE_TEXT,    /* contract.md sn_source "image_text": printed text read by OCR */
} VisionSource;

typedef struct {
  char *sn;            /* upper case, [A-Z0-9-]; the most plausible reading */
  char **alternatives; /* NULL-terminated, never NULL: other readings of an OCR token under the
                         * 0/O, 1/I/l, 5/S, 8/B confusions, most plausible first, for the registry
                         * to confirm; empty for barcodes (a decoded code is exact) */
  VisionSource source;
  const char *symbology; /* static: "CODE-128", "QR-Code", … for barcodes; NULL for text */
  gboolean labelled;     /* the value followed an SN/S/N/Serial/序列号 label (text or QR data) */
  double confidence;     /* 0..1: 1 for a decoded code; the OCR's word confidence, lowered when
                          * no label was found */
} VisionCandidate;

typedef struct {
  GPtrArray *candidates;               /* of VisionCandidate*, best first; empty when the image shows no SN */
  guint width, height;                 /* of the decoded image, after its EXIF/HEIF orientation */
  const char *format;                  /* static: "jpeg", "png" or "heic" */
  guint decode_ms, barcode_ms, ocr_ms; /* where the time went */
} VisionResult;

void vision_result_free(VisionResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VisionResult, vision_result_free)

/* "image_barcode" or "image_text" (static), the contract's sn_source values. */
const char *vision_source_name(VisionSource source);

/* A reader keeps the OCR engine (eng + chi_sim, loaded on first use: ~100-300 ms) between
 * images. Not thread-safe: one reader per thread. tessdata_dir NULL: Tesseract's default. */
typedef struct VisionReader VisionReader;
VisionReader *vision_reader_new(const char *tessdata_dir);
void vision_reader_free(VisionReader *reader);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VisionReader, vision_reader_free)

/* Reads the SN candidates of one image. content_type (the MIME part's, may be NULL) is only a
 * hint: the bytes decide the format, and a declared image type whose bytes are not an image is
 * VISION_ERROR_FORMAT. limits NULL: the defaults. Returns a new result (free with
 * vision_result_free) — with no candidates when the image has no readable SN, which is not an
 * error — or NULL with error set. */
VisionResult *vision_reader_read(VisionReader *reader, const guint8 *data, gsize len,
                                 const char *content_type, const VisionLimits *limits, GError **error);

/* vision_reader_read with a reader made for this one image (pays the OCR start-up each time). */
VisionResult *vision_read_sn(const guint8 *data, gsize len, const char *content_type,
                             const VisionLimits *limits, GError **error);

/* The readings of an SN-shaped OCR token, most plausible first (NULL-terminated, g_strfreev):
 * upper-cased, spaces removed, each 0/O, 1/I/l, 5/S, 8/B position tried both ways, ranked by the
 * SN shape (letters, two digits, then letters and digits) and a long trailing digit run. At most
 * max readings (0: 16). NULL when the token is not SN-shaped in any reading. */
char **vision_sn_readings(const char *token, guint max);

G_END_DECLS

#endif
