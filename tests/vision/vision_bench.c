/* vision bench: ms per image for each given file (not asserted), e.g.
 *   build/tests/vision/vision_bench [--runs N] tests/data/images/label-*
 * One reader for all files, as the poll would keep one; the first OCR pays the engine start. */
#include "vision.h"

#include <stdio.h>

int
main(int argc, char **argv)
{
  int runs = 3, first = 1;
  if (argc > 2 && g_strcmp0(argv[1], "--runs") == 0) {
    runs = MAX(1, atoi(argv[2]));
    first = 3;
  }
  g_autoptr(VisionReader) reader = vision_reader_new(NULL);
  for (int i = first; i < argc; i++) {
    g_autofree char *data = NULL;
    gsize len = 0;
    if (!g_file_get_contents(argv[i], &data, &len, NULL)) {
      fprintf(stderr, "vision_bench: cannot read %s\n", argv[i]);
      return 1;
    }
    double best = G_MAXDOUBLE;
    for (int r = 0; r < runs; r++) {
      g_autoptr(GError) err = NULL;
      gint64 t0 = g_get_monotonic_time();
      g_autoptr(VisionResult) res = vision_reader_read(reader, (const guint8 *)data, len, NULL, NULL, &err);
      double ms = (double)(g_get_monotonic_time() - t0) / 1000.0;
      best = MIN(best, ms);
      if (r + 1 < runs)
        continue;
      g_autofree char *name = g_path_get_basename(argv[i]);
      if (!res) {
        printf("%-26s %8.1f ms  error: %s\n", name, best, err->message);
        continue;
      }
      const VisionCandidate *c = res->candidates->len ? res->candidates->pdata[0] : NULL;
      printf("%-26s %8.1f ms  %s %ux%u decode %u barcode %u ocr %u  %s %s%s (%.2f, %u candidates)\n", name,
             best, res->format, res->width, res->height, res->decode_ms, res->barcode_ms, res->ocr_ms,
             c ? vision_source_name(c->source) : "-", c ? c->sn : "none", c && c->labelled ? " labelled" : "",
             c ? c->confidence : 0.0, res->candidates->len);
    }
  }
  return 0;
}
