/* cli/progress.c: a one-line progress counter for long work, on a terminal only — under cron,
 * systemd or a pipe stderr is not a terminal and nothing is written. */
#include "cli.h"

#include <stdio.h>
#include <unistd.h>

static gint64 last_shown;
static gboolean shown;

void
cli_progress(const char *what, guint done, guint total)
{
  if (!isatty(STDERR_FILENO))
    return;
  gint64 now = g_get_monotonic_time();
  if (shown && now - last_shown < 200 * 1000)
    return; /* a few updates a second are enough */
  last_shown = now;
  shown = TRUE;
  if (total)
    fprintf(stderr, "\r%s: %u/%u (%u%%)\033[K", what, done, total, (guint)((guint64)done * 100 / total));
  else
    fprintf(stderr, "\r%s: %u\033[K", what, done);
  fflush(stderr);
}

void
cli_progress_done(void)
{
  if (shown && isatty(STDERR_FILENO))
    fputs("\r\033[K", stderr);
  shown = FALSE;
}
