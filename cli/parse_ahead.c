/* cli/parse_ahead.c: parse the poll's next mails on one worker thread (GThreadPool). The parser
 * keeps per-thread match data (GPrivate) and compiles its patterns once (g_once), so one worker
 * parsing beside the main thread shares nothing mutable with it; the SN keys
 * (classifier_request_sn_keys) and the SHA-256 it also makes are pure functions of the mail. */
#include "parse_ahead.h"
#include "classifier.h"

typedef struct {
  const FetcherMessage *m; /* NULL: result is a taken one handed back, to be freed (recycle) */
  CliParsed *result;       /* set by the worker, under the lock */
} Job;

struct CliParseAhead {
  const ParserConfig *parser;
  const ParserLimits *limits;
  GThreadPool *pool;
  GMutex lock;
  GCond done;
  GQueue jobs; /* Job*, pushed and not taken, in push order */
};

void
cli_parsed_free(CliParsed *p)
{
  if (!p)
    return;
  g_clear_pointer(&p->request, parser_request_free);
  g_clear_error(&p->error);
  g_free(p->dedupe_key);
  g_free(p->parts_json);
  g_free(p->attachments_json);
  g_free(p->sha256);
  g_strfreev(p->sn_keys);
  g_free(p);
}

CliParsed *
cli_parse_now(const ParserConfig *parser, const ParserLimits *limits, const FetcherMessage *m)
{
  gsize len = 0;
  const char *data = m->raw ? g_bytes_get_data(m->raw, &len) : NULL;
  if (!data)
    data = "";
  CliParsed *p = g_new0(CliParsed, 1);
  p->request = parser_parse(parser, limits, data, len, &p->error);
  p->dedupe_key = parser_dedupe_key(p->request, data, len);
  p->sha256 = parser_sha256_hex(data, len);
  if (p->request) {
    p->sn_keys = classifier_request_sn_keys(p->request);
    p->parts_json = parser_parts_to_json(p->request);
    p->attachments_json = parser_attachments_to_json(p->request);
  }
  return p;
}

gboolean
cli_parse_ahead_wants(const FetcherMessage *m)
{
  return m->raw && !m->error && !m->truncated;
}

static void
work(gpointer data, gpointer user)
{
  Job *job = data;
  CliParseAhead *a = user;
  if (!job->m) {
    cli_parsed_free(job->result);
    g_free(job);
    return;
  }
  CliParsed *r = cli_parse_now(a->parser, a->limits, job->m);
  g_mutex_lock(&a->lock);
  job->result = r;
  g_cond_broadcast(&a->done);
  g_mutex_unlock(&a->lock);
}

CliParseAhead *
cli_parse_ahead_new(const ParserConfig *parser, const ParserLimits *limits)
{
  CliParseAhead *a = g_new0(CliParseAhead, 1);
  a->parser = parser;
  a->limits = limits;
  g_mutex_init(&a->lock);
  g_cond_init(&a->done);
  g_queue_init(&a->jobs);
  /* one worker: the jobs run in push order, and the other core is PostgreSQL's */
  a->pool = g_thread_pool_new(work, a, 1, FALSE, NULL);
  return a;
}

void
cli_parse_ahead_push(CliParseAhead *a, const FetcherMessage *m)
{
  Job *job = g_new0(Job, 1);
  job->m = m;
  g_mutex_lock(&a->lock); /* held while pushing: the queue's order is the pool's */
  g_queue_push_tail(&a->jobs, job);
  g_thread_pool_push(a->pool, job, NULL);
  g_mutex_unlock(&a->lock);
}

void
cli_parse_ahead_push_wanted(CliParseAhead *a, GPtrArray *msgs)
{
  for (guint i = 0; i < msgs->len; i++)
    if (cli_parse_ahead_wants(g_ptr_array_index(msgs, i)))
      cli_parse_ahead_push(a, g_ptr_array_index(msgs, i));
}

static CliParsed *
take(CliParseAhead *a, const FetcherMessage *m, gboolean wait)
{
  g_mutex_lock(&a->lock);
  GList *link = a->jobs.head;
  while (link && ((Job *)link->data)->m != m)
    link = link->next;
  g_assert(link); /* pushed and not taken: the caller's contract */
  Job *job = link->data;
  if (!job->result && !wait) {
    g_mutex_unlock(&a->lock);
    return NULL;
  }
  while (!job->result)
    g_cond_wait(&a->done, &a->lock);
  g_queue_delete_link(&a->jobs, link);
  g_mutex_unlock(&a->lock);
  CliParsed *r = job->result;
  g_free(job);
  return r;
}

CliParsed *
cli_parse_ahead_take(CliParseAhead *a, const FetcherMessage *m)
{
  return take(a, m, TRUE);
}

CliParsed *
cli_parse_ahead_try(CliParseAhead *a, const FetcherMessage *m)
{
  return take(a, m, FALSE);
}

void
cli_parse_ahead_recycle(CliParseAhead *a, CliParsed *parsed)
{
  if (!parsed)
    return;
  /* in the pool's queue only: never taken, run in turn between the parses */
  Job *job = g_new0(Job, 1);
  job->result = parsed;
  g_thread_pool_push(a->pool, job, NULL);
}

void
cli_parse_ahead_drain(CliParseAhead *a)
{
  g_mutex_lock(&a->lock);
  while (a->jobs.length) {
    Job *job = g_queue_peek_head(&a->jobs);
    while (!job->result)
      g_cond_wait(&a->done, &a->lock);
    g_queue_pop_head(&a->jobs);
    cli_parsed_free(job->result);
    g_free(job);
  }
  g_mutex_unlock(&a->lock);
}

void
cli_parse_ahead_free(CliParseAhead *a)
{
  if (!a)
    return;
  cli_parse_ahead_drain(a);
  g_thread_pool_free(a->pool, FALSE, TRUE);
  g_mutex_clear(&a->lock);
  g_cond_clear(&a->done);
  g_free(a);
}
