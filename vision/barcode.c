/* vision barcodes: zbar over the image at a few sizes and tilts. zbar scans rows and columns in
 * both directions, so 90/180/270° turns add nothing; what defeats it is a tilt in between (a
 * scan line must cross every bar), hence the straightened image and fixed tilts. */
#include "vision-private.h"

#include <zbar.h>

/* Tilts tried after the straightened image, in degrees. */
static const float TILTS[] = { 15, -15, 30, -30, 45 };

static zbar_image_scanner_t *
scanner_new(void)
{
  zbar_image_scanner_t *sc = zbar_image_scanner_create();
  zbar_image_scanner_set_config(sc, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
  /* The codes printed on server labels; EAN/UPC stay off (noise reads as short EANs). */
  static const zbar_symbol_type_t codes[] = { ZBAR_CODE128, ZBAR_CODE39, ZBAR_CODE93, ZBAR_QRCODE };
  for (guint i = 0; i < G_N_ELEMENTS(codes); i++)
    zbar_image_scanner_set_config(sc, codes[i], ZBAR_CFG_ENABLE, 1);
  zbar_image_scanner_set_config(sc, ZBAR_CODE39, ZBAR_CFG_MIN_LEN, 4);
  return sc;
}

/* One zbar pass over an 8-bit grey PIX; returns how many codes gave candidates. */
static guint
scan(zbar_image_scanner_t *sc, PIX *pix, GPtrArray *out)
{
  int w = pixGetWidth(pix), h = pixGetHeight(pix), wpl = pixGetWpl(pix);
  guint8 *y800 = g_malloc((gsize)w * (gsize)h);
  l_uint32 *data = pixGetData(pix);
  for (int y = 0; y < h; y++) {
    l_uint32 *line = data + (gsize)y * (gsize)wpl;
    for (int x = 0; x < w; x++)
      y800[(gsize)y * (gsize)w + (gsize)x] = (guint8)GET_DATA_BYTE(line, x);
  }
  zbar_image_t *img = zbar_image_create();
  zbar_image_set_format(img, zbar_fourcc('Y', '8', '0', '0'));
  zbar_image_set_size(img, (unsigned)w, (unsigned)h);
  zbar_image_set_data(img, y800, (unsigned long)w * (unsigned long)h, NULL);
  guint before = out->len;
  if (zbar_scan_image(sc, img) > 0) {
    for (const zbar_symbol_t *s = zbar_image_first_symbol(img); s; s = zbar_symbol_next(s))
      vision_candidates_from_code(zbar_symbol_get_data(s), zbar_get_symbol_name(zbar_symbol_get_type(s)),
                                  out);
  }
  zbar_image_destroy(img);
  g_free(y800);
  return out->len - before;
}

static gboolean
try_tilt(zbar_image_scanner_t *sc, PIX *pix, float deg, GPtrArray *out)
{
  g_debug("zbar %dx%d at %.1f°", pixGetWidth(pix), pixGetHeight(pix), deg);
  if (deg == 0)
    return scan(sc, pix, out) > 0;
  PIX *turned = vision_rotate(pix, deg);
  gboolean found = turned && scan(sc, turned, out) > 0;
  pixDestroy(&turned);
  return found;
}

gboolean
vision_barcodes(PIX *grey, float skew, gint64 deadline, GPtrArray *out)
{
  zbar_image_scanner_t *sc = scanner_new();
  float factor;
  /* 1600 px keeps a label's bars resolvable in a 12 MP photo at a tenth of the cost. */
  PIX *work = vision_fit(grey, 1600, &factor);
  gboolean done = FALSE, found = FALSE;
  float tilts[2 + G_N_ELEMENTS(TILTS)];
  guint n = 0;
  tilts[n++] = 0;
  if (skew > 1.0f || skew < -1.0f)
    tilts[n++] = skew;
  for (guint i = 0; i < G_N_ELEMENTS(TILTS); i++)
    tilts[n++] = TILTS[i];
  for (guint i = 0; i < n && !found; i++) {
    if (vision_expired(deadline))
      goto out;
    found = try_tilt(sc, work, tilts[i], out);
  }
  /* Small codes in a big photo: the full resolution, straightened, once. */
  if (!found && factor < 1.0f) {
    if (vision_expired(deadline))
      goto out;
    found = try_tilt(sc, grey, skew, out);
  }
  done = TRUE;
out:
  pixDestroy(&work);
  zbar_image_scanner_destroy(sc);
  return done;
}
