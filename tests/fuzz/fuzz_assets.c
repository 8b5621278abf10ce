/* fuzz_assets.c: libFuzzer target — any bytes as a registry CSV (classifier_assets_parse_csv, with the
 * shipped spellings of data/classifier/assets.ini): rows accepted or rejected, or one error; never a
 * crash or hang. */
#include "classifier.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static ClassifierAssetFormat *format;

static gboolean
count_row(const ClassifierAsset *asset, guint line, gpointer user_data, GError **error)
{
  (void)error;
  g_assert(asset && line > 0);
  (*(guint *)user_data)++;
  return TRUE;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (!format) {
    g_autoptr(GError) error = NULL;
    format = classifier_asset_format_load(NULL, &error);
    if (!format)
      g_error("fuzz: %s", error->message);
  }
  guint rows = 0;
  g_autoptr(GPtrArray) rejects = g_ptr_array_new();
  g_autoptr(GError) error = NULL;
  if (!classifier_assets_parse_csv(format, (const char *)data, size, count_row, &rows, rejects, &error))
    g_assert(error != NULL && error->message && *error->message);
  for (guint i = 0; i < rejects->len; i++)
    classifier_asset_reject_free(g_ptr_array_index(rejects, i));
  return 0;
}
