/* vision tests: each label photo of tests/data/images (made by make-fixtures.py) gives its SN from
 * the right source, broken and hostile files give a clear error, and the limits hold. */
#include "vision-private.h"

#include <criterion/criterion.h>
#include <string.h>

static VisionReader *reader;

static void
setup(void)
{
  reader = vision_reader_new(NULL);
}

static void
teardown(void)
{
  vision_reader_free(reader);
}

TestSuite(vision, .init = setup, .fini = teardown, .timeout = 120);

static GBytes *
fixture(const char *name)
{
  g_autofree char *path = g_build_filename(VISION_IMAGES, name, NULL);
  char *data = NULL;
  gsize len = 0;
  g_autoptr(GError) err = NULL;
  cr_assert(g_file_get_contents(path, &data, &len, &err), "%s: %s", path, err ? err->message : "");
  return g_bytes_new_take(data, len);
}

static VisionResult *
read_with(const char *name, const VisionLimits *limits, GError **error)
{
  g_autoptr(GBytes) bytes = fixture(name);
  gsize len = 0;
  const guint8 *data = g_bytes_get_data(bytes, &len);
  return vision_reader_read(reader, data, len, "image/jpeg", limits, error);
}

static VisionResult *
read_ok(const char *name)
{
  g_autoptr(GError) err = NULL;
  VisionResult *res = read_with(name, NULL, &err);
  cr_assert_not_null(res, "%s: %s", name, err ? err->message : "");
  return res;
}

static const VisionCandidate *
first(const VisionResult *res)
{
  cr_assert_gt(res->candidates->len, 0, "no candidate");
  return res->candidates->pdata[0];
}

static gboolean
has_sn(const VisionResult *res, const char *sn)
{
  for (guint i = 0; i < res->candidates->len; i++) {
    const VisionCandidate *c = res->candidates->pdata[i];
    if (strcmp(c->sn, sn) == 0)
      return TRUE;
    for (char **a = c->alternatives; *a; a++)
      if (strcmp(*a, sn) == 0)
        return TRUE;
  }
  return FALSE;
}

/* ==== the SN is read ==== */

Test(vision, code128_on_a_tilted_photo)
{
  g_autoptr(VisionResult) res = read_ok("label-code128-photo.jpg");
  const VisionCandidate *c = first(res);
  cr_expect_str_eq(c->sn, "RCS25A0001234");
  cr_expect_eq(c->source, VISION_SOURCE_BARCODE);
  cr_expect_str_eq(vision_source_name(c->source), "image_barcode");
  cr_expect_str_eq(c->symbology, "CODE-128");
  cr_expect_eq(c->alternatives[0], NULL, "a decoded code has no alternative readings");
  cr_expect_eq(res->ocr_ms, 0, "no OCR once a code decoded");
  cr_expect_eq(res->width, 2400);
}

Test(vision, qr_code_with_a_label_in_its_data)
{
  g_autoptr(VisionResult) res = read_ok("label-qr.jpg");
  const VisionCandidate *c = first(res);
  cr_expect_str_eq(c->sn, "RCS25L0112346");
  cr_expect_str_eq(c->symbology, "QR-Code");
  cr_expect(c->labelled);
}

Test(vision, heic_from_a_phone)
{
  g_autoptr(VisionResult) res = read_ok("label-code128.heic");
  cr_expect_str_eq(res->format, "heic");
  cr_expect_str_eq(first(res)->sn, "RCS25A0001234");
  cr_expect_eq(first(res)->source, VISION_SOURCE_BARCODE);
}

Test(vision, printed_text_when_there_is_no_code)
{
  g_autoptr(VisionResult) res = read_ok("label-text.jpg");
  const VisionCandidate *c = first(res);
  cr_expect_str_eq(c->sn, "RCS25E0056790");
  cr_expect_eq(c->source, VISION_SOURCE_TEXT);
  cr_expect_str_eq(vision_source_name(c->source), "image_text");
  cr_expect(c->labelled, "read after its S/N or 序列号 label");
  cr_expect_null(c->symbology);
}

Test(vision, exif_orientation_is_honoured)
{
  /* Pixels stored sideways (1200x1600) with EXIF Orientation 6: the OCR needs them upright. */
  g_autoptr(VisionResult) res = read_ok("label-text-exif6.jpg");
  cr_expect_eq(res->width, 1600);
  cr_expect_eq(res->height, 1200);
  cr_expect_str_eq(first(res)->sn, "RCS25E0056790");
}

Test(vision, small_blurred_photo_falls_back_to_text)
{
  /* 800x600: the bars are too fine to decode, the printed SN still reads. */
  g_autoptr(VisionResult) res = read_ok("label-code128-small.jpg");
  cr_expect(has_sn(res, "RCS25A0001234"));
}

Test(vision, photo_without_a_label_gives_nothing)
{
  g_autoptr(VisionResult) res = read_ok("no-label.jpg");
  cr_expect_eq(res->candidates->len, 0, "first: %s",
               res->candidates->len ? ((VisionCandidate *)res->candidates->pdata[0])->sn : "");
}

Test(vision, barcodes_only_skips_the_ocr)
{
  VisionLimits lim = { .no_ocr = TRUE };
  g_autoptr(GError) err = NULL;
  g_autoptr(VisionResult) res = read_with("label-text.jpg", &lim, &err);
  cr_assert_not_null(res);
  cr_expect_eq(res->candidates->len, 0);
  cr_expect_eq(res->ocr_ms, 0);
}

/* ==== broken and hostile files ==== */

static void
expect_error(const char *name, const VisionLimits *lim, int code, const char *words)
{
  g_autoptr(GError) err = NULL;
  g_autoptr(VisionResult) res = read_with(name, lim, &err);
  cr_assert_null(res, "%s decoded", name);
  cr_assert_not_null(err);
  cr_expect(g_error_matches(err, VISION_ERROR, code), "%s: code %d: %s", name, err->code, err->message);
  cr_expect(strstr(err->message, words) != NULL, "%s: \"%s\" lacks \"%s\"", name, err->message, words);
}

Test(vision, truncated_jpeg_is_corrupt)
{
  expect_error("truncated.jpg", NULL, VISION_ERROR_CORRUPT, "truncated jpeg");
}

Test(vision, text_file_named_png_is_not_an_image)
{
  expect_error("not-an-image.png", NULL, VISION_ERROR_FORMAT, "the data is text");
}

Test(vision, huge_declared_png_refused_before_decoding)
{
  gint64 t0 = g_get_monotonic_time();
  expect_error("huge-declared.png", NULL, VISION_ERROR_TOO_LARGE, "20000x20000");
  /* decoding 400 megapixels would take many seconds and 1.6 GB: 2 s is far from both */
  cr_expect_lt(g_get_monotonic_time() - t0, 2000 * 1000, "refused from the header, not decoded");
}

Test(vision, byte_limit)
{
  VisionLimits lim = { .max_bytes = 100 * 1024 };
  expect_error("label-code128-photo.jpg", &lim, VISION_ERROR_TOO_LARGE, "bytes");
}

Test(vision, pixel_limit_on_a_real_photo)
{
  VisionLimits lim = { .max_pixels = 1000 * 1000 };
  expect_error("label-code128-photo.jpg", &lim, VISION_ERROR_TOO_LARGE, "2400x1800");
}

Test(vision, empty_input)
{
  g_autoptr(GError) err = NULL;
  g_autoptr(VisionResult) res = vision_reader_read(reader, (const guint8 *)"", 0, NULL, NULL, &err);
  cr_assert_null(res);
  cr_expect(g_error_matches(err, VISION_ERROR, VISION_ERROR_FORMAT));
}

/* ==== time limit ==== */

Test(vision, tiny_time_limit_is_a_timeout)
{
  VisionLimits lim = { .max_ms = 1 };
  expect_error("label-text.jpg", &lim, VISION_ERROR_TIMEOUT, "time limit");
}

Test(vision, time_limit_cuts_the_ocr)
{
  /* A limit that runs out inside the OCR: the answer (or TIMEOUT) comes back, never hangs. The bound
   * is loose on purpose (sanitizer builds and a loaded machine run several times slower); that the
   * limit itself cuts is what tiny_time_limit_is_a_timeout checks. */
  static const char *const names[] = { "label-text.jpg", "label-text-exif6.jpg", "no-label.jpg" };
  for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
    VisionLimits lim = { .max_ms = 250 };
    g_autoptr(GError) err = NULL;
    gint64 t0 = g_get_monotonic_time();
    g_autoptr(VisionResult) res = read_with(names[i], &lim, &err);
    gint64 ms = (g_get_monotonic_time() - t0) / 1000;
    cr_expect_lt(ms, 250 + 5000, "%s took %" G_GINT64_FORMAT " ms", names[i], ms);
    cr_expect(res || g_error_matches(err, VISION_ERROR, VISION_ERROR_TIMEOUT), "%s: %s", names[i],
              err ? err->message : "");
  }
}

/* ==== SN readings and code data ==== */

Test(vision, ocr_confusions_become_alternatives)
{
  g_auto(GStrv) r = vision_sn_readings("RCS25AOOO1234", 0);
  cr_assert_not_null(r);
  cr_expect_str_eq(r[0], "RCS25A0001234", "the digit run reads as digits");
  gboolean raw = FALSE;
  for (char **p = r; *p; p++)
    raw = raw || strcmp(*p, "RCS25AOOO1234") == 0;
  cr_expect(raw, "the reading as seen stays an alternative");
  g_auto(GStrv) l = vision_sn_readings("rcs25a000l234", 0);
  cr_expect_str_eq(l[0], "RCS25A0001234", "lower-case l is a 1");
  /* B or 8? Both are kept for the registry, the longer digit run first. */
  g_auto(GStrv) s = vision_sn_readings("RC525B0001234", 4);
  cr_expect_str_eq(s[0], "RC52580001234");
  cr_expect(g_strv_contains((const char *const *)s, "RC525B0001234"));
  cr_expect_null(s[4], "at most max readings");
  cr_expect_null(vision_sn_readings("MODEL", 0));
  cr_expect_null(vision_sn_readings("SYS/2029", 0));
}

Test(vision, candidates_in_code_data)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func(vision_candidate_free);
  vision_candidates_from_code("https://support.example.com/warranty?sn=RCS25A0001234&x=1", "QR-Code", out);
  cr_assert_eq(out->len, 1);
  cr_expect_str_eq(((VisionCandidate *)out->pdata[0])->sn, "RCS25A0001234");
  g_ptr_array_set_size(out, 0);
  vision_candidates_from_code("MODEL:SYS-2029U-TR4;S/N:RCS25A0001234;", "QR-Code", out);
  cr_assert_eq(out->len, 1);
  cr_expect_str_eq(((VisionCandidate *)out->pdata[0])->sn, "RCS25A0001234");
  cr_expect(((VisionCandidate *)out->pdata[0])->labelled);
  cr_expect_not_null(vision_after_label("序列号：RCS25A0001234"));
  cr_expect_not_null(vision_after_label("Serial No. RCS25A0001234"));
  cr_expect_null(vision_after_label("SNMP community"));
  /* the NIC's MAC address on the same label is never an SN (blind round 21) */
  static const char *const macs[] = { "3CECEF1A2B4C", "3c:ec:ef:1a:2b:4c", "3C-EC-EF-1A-2B-4C" };
  for (guint i = 0; i < G_N_ELEMENTS(macs); i++) {
    g_ptr_array_set_size(out, 0);
    vision_candidates_from_code(macs[i], "CODE-128", out);
    cr_expect_eq(out->len, 0, "%s", macs[i]);
  }
  g_ptr_array_set_size(out, 0);
  vision_candidates_from_code("RCS25A0001234", "CODE-128", out);
  cr_expect_eq(out->len, 1);
  g_ptr_array_set_size(out, 0);
  vision_candidates_from_code("210235123456", "CODE-128", out); /* digits only: no MAC */
  cr_expect_eq(out->len, 1);
}

Test(vision, ocr_honours_its_deadline)
{
  /* Tesseract's monitor: a deadline already near stops recognition; nothing read, soon back. */
  g_autoptr(GBytes) bytes = fixture("label-text.jpg");
  gsize len = 0;
  const guint8 *data = g_bytes_get_data(bytes, &len);
  const char *format = NULL;
  PIX *grey = vision_decode_grey(data, len, NULL, VISION_DEFAULT_MAX_PIXELS, G_MAXINT64, &format, NULL);
  cr_assert_not_null(grey);
  PIX *straight = vision_rotate(grey, vision_skew_deg(grey));
  VisionOcr *ocr = vision_ocr_new(NULL);
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func(vision_candidate_free);
  gint64 f0 = g_get_monotonic_time();
  cr_assert(vision_ocr_read(ocr, straight, f0 + 10 * 1000 * 1000, out, NULL));
  gint64 full = g_get_monotonic_time() - f0;
  cr_expect_gt(out->len, 0, "with time, the SN is read");
  g_ptr_array_set_size(out, 0);
  gint64 t0 = g_get_monotonic_time();
  cr_assert(vision_ocr_read(ocr, straight, t0 + 5 * 1000, out, NULL));
  gint64 cut = g_get_monotonic_time() - t0;
  cr_expect_eq(out->len, 0, "recognition stopped at the deadline");
  g_test_message("ocr cut after %" G_GINT64_FORMAT " ms", cut / 1000);
  /* Layout analysis (~70-100 ms here) runs before the monitor is consulted: compared with the whole
   * recognition of the same image in the same run, not with a fixed time (machines differ). */
  cr_expect_lt(cut, full,
               "back %" G_GINT64_FORMAT " ms after a 5 ms deadline; the whole read took %" G_GINT64_FORMAT
               " ms",
               cut / 1000, full / 1000);
  vision_ocr_free(ocr);
  pixDestroy(&straight);
  pixDestroy(&grey);
}
