/* vision decoding: sniffs JPEG/PNG/HEIC from the bytes, refuses oversized images from their header,
 * decodes (GdkPixbuf, libheif) with the orientation applied, and prepares grey Leptonica images. */
#include "vision-private.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <libheif/heif.h>
#include <string.h>

#define CHUNK (64 * 1024) /* the decoder is fed in chunks so the deadline is checked between them */

typedef enum { FMT_UNKNOWN, FMT_JPEG, FMT_PNG, FMT_HEIC } Format;

static Format
sniff(const guint8 *d, gsize n)
{
  if (n >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF)
    return FMT_JPEG;
  if (n >= 8 && memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0)
    return FMT_PNG;
  if (n >= 12 && memcmp(d + 4, "ftyp", 4) == 0) {
    static const char *const brands[] = { "heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1" };
    for (guint i = 0; i < G_N_ELEMENTS(brands); i++)
      if (memcmp(d + 8, brands[i], 4) == 0)
        return FMT_HEIC;
  }
  return FMT_UNKNOWN;
}

/* What the bytes look like, for the error message of a file that is not an image. */
static const char *
describe(const guint8 *d, gsize n)
{
  if (n == 0)
    return "empty";
  if (n >= 4 && memcmp(d, "%PDF", 4) == 0)
    return "a PDF document";
  if (n >= 4 && (memcmp(d, "GIF8", 4) == 0 || memcmp(d, "BM", 2) == 0 || memcmp(d, "II*", 3) == 0))
    return "an image format other than JPEG, PNG or HEIC";
  gsize probe = MIN(n, 512);
  if (g_utf8_validate((const char *)d, (gssize)probe, NULL) || memchr(d, 0, probe) == NULL)
    return "text";
  return "binary data";
}

/* PNG: IHDR is the first chunk. JPEG: walk the segments to the first frame header (SOFn). */
static gboolean
header_size(Format f, const guint8 *d, gsize n, guint64 *w, guint64 *h)
{
  if (f == FMT_PNG) {
    if (n < 24 || memcmp(d + 12, "IHDR", 4) != 0)
      return FALSE;
    *w = (guint64)d[16] << 24 | (guint64)d[17] << 16 | (guint64)d[18] << 8 | d[19];
    *h = (guint64)d[20] << 24 | (guint64)d[21] << 16 | (guint64)d[22] << 8 | d[23];
    return TRUE;
  }
  gsize i = 2;
  while (i + 4 <= n) {
    if (d[i] != 0xFF)
      return FALSE;
    guint8 m = d[i + 1];
    if (m == 0xFF || m == 0x01 || (m >= 0xD0 && m <= 0xD7)) {
      i += m == 0xFF ? 1 : 2;
      continue;
    }
    gsize seg = (gsize)d[i + 2] << 8 | d[i + 3];
    if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
      if (i + 9 > n)
        return FALSE;
      *h = (guint64)d[i + 5] << 8 | d[i + 6];
      *w = (guint64)d[i + 7] << 8 | d[i + 8];
      return TRUE;
    }
    i += 2 + seg;
  }
  return FALSE;
}

/* A JPEG cut short (a mail client's size limit, an interrupted upload) decodes "fine" with grey
 * rows: require the end-of-image marker after the first scan. Entropy-coded data stuffs every
 * 0xFF, so an FF D9 there is the real end; an EXIF thumbnail's EOI lies before the scan. */
static gboolean
jpeg_complete(const guint8 *d, gsize n)
{
  gsize i = 2;
  while (i + 4 <= n && d[i] == 0xFF) {
    guint8 m = d[i + 1];
    if (m == 0xFF || m == 0x01 || (m >= 0xD0 && m <= 0xD7)) {
      i += m == 0xFF ? 1 : 2;
      continue;
    }
    if (m == 0xDA) /* start of scan */
      return memmem(d + i, n - i, "\xFF\xD9", 2) != NULL;
    i += 2 + ((gsize)d[i + 2] << 8 | d[i + 3]);
  }
  return FALSE;
}

static PIX *
pix_from_rgb(const guint8 *px, int w, int h, int stride, int channels)
{
  PIX *pix = pixCreate(w, h, 8);
  if (!pix)
    return NULL;
  l_uint32 *data = pixGetData(pix);
  int wpl = pixGetWpl(pix);
  for (int y = 0; y < h; y++) {
    const guint8 *row = px + (gsize)y * (gsize)stride;
    l_uint32 *line = data + (gsize)y * (gsize)wpl;
    for (int x = 0; x < w; x++) {
      const guint8 *p = row + (gsize)x * (gsize)channels;
      guint v = channels >= 3 ? (p[0] * 77u + p[1] * 150u + p[2] * 29u) >> 8 : p[0];
      SET_DATA_BYTE(line, x, v);
    }
  }
  return pix;
}

typedef struct {
  guint64 max_pixels;
  gboolean too_large;
} SizeGuard;

/* A second guard for what the header walk could not see: never let the loader allocate more. */
static void
on_size_prepared(GdkPixbufLoader *loader, int w, int h, gpointer user_data)
{
  SizeGuard *guard = user_data;
  if ((guint64)w * (guint64)h > guard->max_pixels) {
    guard->too_large = TRUE;
    gdk_pixbuf_loader_set_size(loader, 1, 1);
  }
}

static PIX *
decode_pixbuf(Format f, const guint8 *data, gsize len, guint64 max_pixels, gint64 deadline, GError **error)
{
  const char *type = f == FMT_PNG ? "png" : "jpeg";
  GError *err = NULL;
  GdkPixbufLoader *loader = gdk_pixbuf_loader_new_with_type(type, &err);
  if (!loader) {
    g_set_error(error, VISION_ERROR, VISION_ERROR_FORMAT, "no %s decoder: %s", type, err->message);
    g_error_free(err);
    return NULL;
  }
  SizeGuard guard = { max_pixels, FALSE };
  g_signal_connect(loader, "size-prepared", G_CALLBACK(on_size_prepared), &guard);
  gboolean ok = TRUE, late = FALSE;
  for (gsize off = 0; ok && off < len && !guard.too_large; off += CHUNK) {
    if ((late = vision_expired(deadline)))
      break;
    ok = gdk_pixbuf_loader_write(loader, data + off, MIN(CHUNK, len - off), &err);
  }
  if (ok)
    ok = gdk_pixbuf_loader_close(loader, &err);
  else
    gdk_pixbuf_loader_close(loader, NULL);
  PIX *pix = NULL;
  GdkPixbuf *raw = ok ? gdk_pixbuf_loader_get_pixbuf(loader) : NULL;
  if (guard.too_large || late) {
    g_clear_error(&err);
    if (guard.too_large)
      g_set_error(error, VISION_ERROR, VISION_ERROR_TOO_LARGE, "%s image over %" G_GUINT64_FORMAT " pixels",
                  type, max_pixels);
    else
      g_set_error(error, VISION_ERROR, VISION_ERROR_TIMEOUT, "time limit reached while decoding the %s",
                  type);
  } else if (!raw) {
    g_set_error(error, VISION_ERROR, VISION_ERROR_CORRUPT, "corrupt %s image: %s", type,
                err ? err->message : "no picture in it");
  } else {
    GdkPixbuf *img = gdk_pixbuf_apply_embedded_orientation(raw); /* EXIF Orientation */
    pix = pix_from_rgb(gdk_pixbuf_read_pixels(img), gdk_pixbuf_get_width(img), gdk_pixbuf_get_height(img),
                       gdk_pixbuf_get_rowstride(img), gdk_pixbuf_get_n_channels(img));
    g_object_unref(img);
  }
  g_clear_error(&err);
  g_object_unref(loader);
  return pix;
}

static gpointer
heif_start(gpointer unused)
{
  heif_init(NULL);
  return NULL;
}

/* libheif applies the HEIF rotation/mirror properties itself (the iPhone's orientation). */
static PIX *
decode_heic(const guint8 *data, gsize len, guint64 max_pixels, GError **error)
{
  static GOnce once = G_ONCE_INIT;
  g_once(&once, heif_start, NULL);
  struct heif_context *ctx = heif_context_alloc();
  struct heif_image_handle *handle = NULL;
  struct heif_image *img = NULL;
  PIX *pix = NULL;
  struct heif_error e = heif_context_read_from_memory_without_copy(ctx, data, len, NULL);
  if (e.code == heif_error_Ok)
    e = heif_context_get_primary_image_handle(ctx, &handle);
  if (e.code != heif_error_Ok) {
    g_set_error(error, VISION_ERROR, VISION_ERROR_CORRUPT, "corrupt heic image: %s", e.message);
    goto out;
  }
  guint64 w = (guint64)heif_image_handle_get_width(handle), h = (guint64)heif_image_handle_get_height(handle);
  if (w * h > max_pixels) {
    g_set_error(error, VISION_ERROR, VISION_ERROR_TOO_LARGE,
                "heic image of %" G_GUINT64_FORMAT "x%" G_GUINT64_FORMAT " pixels, over %" G_GUINT64_FORMAT,
                w, h, max_pixels);
    goto out;
  }
  e = heif_decode_image(handle, &img, heif_colorspace_RGB, heif_chroma_interleaved_RGB, NULL);
  if (e.code != heif_error_Ok) {
    gboolean missing = e.code == heif_error_Unsupported_feature || e.code == heif_error_Unsupported_filetype;
    g_set_error(error, VISION_ERROR, missing ? VISION_ERROR_FORMAT : VISION_ERROR_CORRUPT, "heic image: %s",
                e.message);
    goto out;
  }
  int stride = 0;
  const guint8 *px = heif_image_get_plane_readonly(img, heif_channel_interleaved, &stride);
  pix = pix_from_rgb(px, heif_image_get_width(img, heif_channel_interleaved),
                     heif_image_get_height(img, heif_channel_interleaved), stride, 3);
out:
  if (img)
    heif_image_release(img);
  if (handle)
    heif_image_handle_release(handle);
  heif_context_free(ctx);
  return pix;
}

PIX *
vision_decode_grey(const guint8 *data, gsize len, const char *content_type, guint64 max_pixels,
                   gint64 deadline, const char **format, GError **error)
{
  Format f = sniff(data, len);
  if (f == FMT_UNKNOWN) {
    g_set_error(error, VISION_ERROR, VISION_ERROR_FORMAT,
                "not a JPEG, PNG or HEIC image%s%s%s: the data is %s", content_type ? " (declared " : "",
                content_type ? content_type : "", content_type ? ")" : "", describe(data, len));
    return NULL;
  }
  *format = f == FMT_JPEG ? "jpeg" : f == FMT_PNG ? "png" : "heic";
  if (f == FMT_HEIC)
    return decode_heic(data, len, max_pixels, error);
  guint64 w = 0, h = 0;
  if (!header_size(f, data, len, &w, &h) || w == 0 || h == 0) {
    g_set_error(error, VISION_ERROR, VISION_ERROR_CORRUPT, "corrupt %s image: no readable size in its header",
                *format);
    return NULL;
  }
  if (w * h > max_pixels) {
    g_set_error(error, VISION_ERROR, VISION_ERROR_TOO_LARGE,
                "%s image of %" G_GUINT64_FORMAT "x%" G_GUINT64_FORMAT " pixels, over %" G_GUINT64_FORMAT,
                *format, w, h, max_pixels);
    return NULL;
  }
  if (f == FMT_JPEG && !jpeg_complete(data, len)) {
    g_set_error(error, VISION_ERROR, VISION_ERROR_CORRUPT, "truncated jpeg image: no end-of-image marker");
    return NULL;
  }
  return decode_pixbuf(f, data, len, max_pixels, deadline, error);
}

PIX *
vision_fit(PIX *grey, int max_side, float *factor)
{
  int side = MAX(pixGetWidth(grey), pixGetHeight(grey));
  if (side * 2 <= max_side) { /* a small picture: twice the size resolves thin bars and small text */
    *factor = 2.0f;
    return pixScale(grey, 2.0f, 2.0f);
  }
  if (side <= max_side) {
    *factor = 1.0f;
    return pixClone(grey);
  }
  *factor = (float)max_side / (float)side;
  return pixScale(grey, *factor, *factor);
}

PIX *
vision_rotate(PIX *grey, float deg)
{
  return pixRotate(grey, deg * (float)(G_PI / 180.0), L_ROTATE_AREA_MAP, L_BRING_IN_WHITE, 0, 0);
}

float
vision_skew_deg(PIX *grey)
{
  float factor, angle = 0, conf = 0;
  PIX *small = vision_fit(grey, 1200, &factor);
  PIX *norm = pixBackgroundNormSimple(small, NULL, NULL);
  PIX *bin = pixConvertTo1(norm ? norm : small, 150);
  /* ±40° in 0.5° steps (on a 2x reduction), refined to 0.05°: labels are shot at any tilt. */
  l_ok rc = bin ? pixFindSkewSweepAndSearch(bin, &angle, &conf, 2, 2, 40.0f, 0.5f, 0.05f) : 1;
  g_debug("skew sweep: rc %d angle %.2f conf %.2f", (int)rc, angle, conf);
  /* The label is a small part of a photo: the confidence stays low even when the angle is right. */
  if (rc != 0 || conf < 1.0f)
    angle = 0;
  pixDestroy(&bin);
  pixDestroy(&norm);
  pixDestroy(&small);
  return angle;
}
