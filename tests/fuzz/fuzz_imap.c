/* fuzz_imap.c: libFuzzer target — any bytes through the IMAP response reader (FETCH with literals,
 * SEARCH, STATUS, the tagged complaint) must give a result or one error, never a crash or hang,
 * and what it returns must lie inside the input. */
#include "fetcher-private.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_inside(const guint8 *p, gsize n, const uint8_t *data, size_t size)
{
  if (n)
    g_assert(p >= data && p + n <= data + size);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) items = fetcher_imap_parse_fetch(data, size, &error);
  if (!items) {
    g_assert(error && error->domain == FETCHER_ERROR && error->message[0]);
  } else {
    for (guint i = 0; i < items->len; i++) {
      const FetcherFetchItem *it = &g_array_index(items, FetcherFetchItem, i);
      check_inside(it->body, it->body_len, data, size);
      check_inside(it->header, it->header_len, data, size);
      check_inside(it->text, it->text_len, data, size);
    }
  }
  /* SEARCH and STATUS read NUL-terminated text (libcurl's untagged lines) */
  g_autofree char *text = g_strndup((const char *)data, size);
  guint32 validity = 0, next = 0;
  (void)fetcher_imap_parse_status(text, &validity, &next);
  g_autoptr(GArray) uids = g_array_new(FALSE, FALSE, sizeof(guint32));
  g_autoptr(GError) serr = NULL;
  if (fetcher_imap_parse_search(text, 5, 0, uids, &serr)) {
    for (guint i = 0; i < uids->len; i++)
      g_assert(g_array_index(uids, guint32, i) >= 5);
  } else {
    g_assert(serr && serr->message[0]);
  }
  g_autofree char *complaint = fetcher_imap_complaint(data, size);
  if (complaint)
    g_assert(strlen(complaint) <= 300 * 3 && g_utf8_validate(complaint, -1, NULL));
  return 0;
}
