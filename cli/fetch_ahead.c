/* cli/fetch_ahead.c: one UID FETCH on a thread of its own (GThread), its mails handed to the parsing
 * worker, after flagging the mails committed since the fetch before. A libcurl handle may move
 * between threads as long as one uses it at a time: the join is that hand-over. */
#include "fetch_ahead.h"

struct CliFetchAhead {
  FetcherSession *session;
  guint32 *uids;
  guint n;
  guint64 max_bytes;
  guint taken;
  CliParseAhead *parse;
  GArray *mark; /* UIDs to flag first (NULL: none) */
  const char *folder;
  gboolean marked; /* the flagging succeeded */
  GThread *thread; /* NULL once joined */
  GPtrArray *msgs; /* the fetch's result, set by the thread */
  GError *error;
  gint done; /* atomic: the thread has set its result */
};

static gpointer
run(gpointer data)
{
  CliFetchAhead *a = data;
  if (a->mark && a->mark->len) {
    if (!fetcher_session_mark(a->session, (const guint32 *)a->mark->data, a->mark->len, a->folder,
                              &a->error)) {
      g_atomic_int_set(&a->done, 1);
      return NULL;
    }
    a->marked = TRUE;
  }
  a->msgs = fetcher_session_fetch_some(a->session, a->uids, a->n, a->max_bytes, &a->taken, &a->error);
  if (a->parse && a->msgs)
    cli_parse_ahead_push_wanted(a->parse, a->msgs);
  g_atomic_int_set(&a->done, 1);
  return NULL;
}

CliFetchAhead *
cli_fetch_ahead_start(FetcherSession *session, const guint32 *uids, guint n, guint64 max_bytes,
                      CliParseAhead *parse, GArray *mark, const char *folder)
{
  CliFetchAhead *a = g_new0(CliFetchAhead, 1);
  a->session = session;
  a->uids = g_memdup2(uids, n * sizeof *uids);
  a->n = n;
  a->max_bytes = max_bytes;
  a->parse = parse;
  a->mark = mark;
  a->folder = folder;
  a->thread = g_thread_try_new("fetch-ahead", run, a, NULL);
  if (!a->thread) /* no thread to be had: fetched now, as without fetching ahead */
    run(a);
  return a;
}

gboolean
cli_fetch_ahead_done(CliFetchAhead *a)
{
  return !a->thread || g_atomic_int_get(&a->done);
}

void
cli_fetch_ahead_wait(CliFetchAhead *a)
{
  if (a && a->thread)
    g_thread_join(g_steal_pointer(&a->thread));
}

GPtrArray *
cli_fetch_ahead_finish(CliFetchAhead *a, guint *taken, GArray **marked, GError **error)
{
  cli_fetch_ahead_wait(a);
  if (marked)
    *marked = a->marked ? g_steal_pointer(&a->mark) : NULL;
  g_clear_pointer(&a->mark, g_array_unref);
  GPtrArray *msgs = a->msgs;
  if (taken)
    *taken = a->taken;
  if (!msgs)
    g_propagate_error(error, a->error);
  else
    g_clear_error(&a->error);
  g_free(a->uids);
  g_free(a);
  return msgs;
}

struct CliStatusAhead {
  FetcherSession *session;
  GThread *thread;
  guint32 uidvalidity, uidnext;
  gboolean ok;
  GError *error;
};

static gpointer
run_status(gpointer data)
{
  CliStatusAhead *a = data;
  a->ok = fetcher_session_status(a->session, &a->uidvalidity, &a->uidnext, &a->error);
  return NULL;
}

CliStatusAhead *
cli_status_ahead_start(FetcherSession *session)
{
  CliStatusAhead *a = g_new0(CliStatusAhead, 1);
  a->session = session;
  a->thread = g_thread_try_new("status-ahead", run_status, a, NULL);
  if (!a->thread) /* no thread to be had: asked now */
    run_status(a);
  return a;
}

gboolean
cli_status_ahead_finish(CliStatusAhead *a, guint32 *uidvalidity, guint32 *uidnext, GError **error)
{
  if (a->thread)
    g_thread_join(a->thread);
  gboolean ok = a->ok;
  if (uidvalidity)
    *uidvalidity = a->uidvalidity;
  if (uidnext)
    *uidnext = a->uidnext;
  if (!ok)
    g_propagate_error(error, a->error);
  else
    g_clear_error(&a->error);
  g_free(a);
  return ok;
}
