/* cli/cmd_reprocess.c: `intake reprocess` — re-run parse + classify over stored mail after a
 * rule, keyword or parser change; shows what changes, field by field, before it writes. */
#include "cli.h"
#include "pipeline.h"

#include "jsonout.h"
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void
print_changes(const char *order_no, const char *before, const char *after)
{
  g_autoptr(JsonParser) pb = json_parser_new();
  g_autoptr(JsonParser) pa = json_parser_new();
  if (!before || !after || !json_parser_load_from_data(pb, before, -1, NULL) ||
      !json_parser_load_from_data(pa, after, -1, NULL)) {
    printf("%s: changed\n", order_no);
    return;
  }
  JsonObject *b = json_node_get_object(json_parser_get_root(pb));
  JsonObject *a = json_node_get_object(json_parser_get_root(pa));
  g_autoptr(GList) members = json_object_get_members(a);
  printf("%s:\n", order_no);
  for (GList *l = members; l; l = l->next) {
    const char *k = l->data;
    g_autofree char *vb = json_object_has_member(b, k)
                            ? jsonout_to_string(json_object_get_member(b, k), FALSE)
                            : g_strdup("null");
    g_autofree char *va = jsonout_to_string(json_object_get_member(a, k), FALSE);
    printf("  %-14s %s -> %s\n", k, vb, va);
  }
}

typedef struct {
  StoreConn *conn;
  ParserConfig *parser;
  const ParserLimits *limits;
  ClassifierPolicy *policy;
  GArray *ids; /* gint64 order ids */
  guint changed, unchanged, unreadable, skipped;
  guint machines; /* orders whose mail now reads as another number of machines (pipeline_reprocess_batch) */
} Pass;

/* Group commit: one transaction (one WAL flush) for up to BATCH_ORDERS orders or BATCH_USEC of
 * work, whichever comes first, each step of it one round trip for the whole batch
 * (pipeline_reprocess_*), and the next batch parsed while PostgreSQL writes this one. A crash loses
 * at most the open batch; reprocess is idempotent, so running it again is the recovery. */
#define BATCH_ORDERS 256
#define BATCH_USEC G_USEC_PER_SEC

/* Counts (and with show prints) what one order did. */
static void
report(Pass *p, const PipelineReprocessed *r, gboolean show)
{
  if (r->unreadable) {
    if (show)
      printf("%s: still unreadable (%s): left for review\n", r->order_no ? r->order_no : "?", r->unreadable);
    p->unreadable++;
    return;
  }
  if (r->skipped) {
    if (show)
      printf("%s: %s\n", r->order_no ? r->order_no : "?", r->skipped);
    p->skipped++;
    return;
  }
  if (r->changed && show)
    print_changes(r->order_no, r->before, r->after);
  if (r->warning && show)
    printf("%s: %s\n", r->order_no, r->warning);
  if (r->warning)
    p->machines++;
  if (r->changed)
    p->changed++;
  else
    p->unchanged++;
}

/* Reads the batch from ids[from] (NULL on error). */
static PipelineReprocessBatch *
batch_read(Pass *p, guint from, GError **error)
{
  return pipeline_reprocess_read(p->conn, &g_array_index(p->ids, gint64, from),
                                 MIN(BATCH_ORDERS, p->ids->len - from), error);
}

/* The batch's place in the pass: its first order, how many it took, whether one stopped it. */
typedef struct {
  PipelineReprocessBatch *b;
  guint from, taken;
  gboolean stopped;
} Batch;

static void
batch_parse(Pass *p, Batch *b)
{
  b->taken =
    pipeline_reprocess_parse(b->b, p->parser, p->limits, g_get_monotonic_time() + BATCH_USEC, &b->stopped);
}

/* Writes the batch cur and ends its transaction, committed (write) or rolled back; reads the next
 * one (next->b, NULL at the end) in it and parses it while PostgreSQL writes cur. On an error the
 * orders of cur before the one that failed are kept (write). */
static gboolean
batch_write(Pass *p, Batch *cur, Batch *next, gboolean write, gboolean show, GError **error)
{
  next->from = cur->from + cur->taken;
  if (!cur->stopped && next->from < p->ids->len && !(next->b = batch_read(p, next->from, error)))
    return FALSE;
  if (!pipeline_reprocess_send(p->conn, cur->b, p->policy, error))
    return FALSE;
  if (next->b)
    batch_parse(p, next);
  const PipelineReprocessed *out = NULL;
  guint done = 0;
  gboolean ok = pipeline_reprocess_finish(p->conn, cur->b, &out, &done, error);
  for (guint k = 0; k < done; k++) {
    cli_progress(write ? "reprocess: writing" : "reprocess", cur->from + k, p->ids->len);
    report(p, &out[k], show);
  }
  if (!write || !done) {
    store_rollback(p->conn);
    return ok;
  }
  if (ok)
    return store_commit(p->conn, error);
  (void)store_commit(p->conn, NULL); /* the orders before the one that failed */
  return FALSE;
}

/* Re-runs every order, in batches: rolled back, or committed (write); show prints each change. */
static int
run_pass(Pass *p, gboolean write, gboolean show)
{
  p->changed = p->unchanged = p->unreadable = p->skipped = p->machines = 0;
  g_autoptr(GError) error = NULL;
  Batch cur = { 0 };
  gboolean ok = TRUE;
  if (p->ids->len) {
    ok = store_begin(p->conn, &error) && (cur.b = batch_read(p, 0, &error));
    if (ok)
      batch_parse(p, &cur);
  }
  while (ok && cur.b) {
    Batch next = { 0 };
    ok = batch_write(p, &cur, &next, write, show, &error) && (!next.b || store_begin(p->conn, &error));
    pipeline_reprocess_batch_free(cur.b);
    cur = next;
  }
  pipeline_reprocess_batch_free(cur.b);
  if (!ok) {
    store_rollback(p->conn);
    cli_log(CLI_LOG_ERROR, "%s", error->message);
    return EXIT_RUNTIME;
  }
  cli_progress_done();
  return EXIT_OK;
}

/* The pass's counts in one line; changed: how the changed orders are named. */
static void
summary(const Pass *p, guint orders, const char *changed)
{
  printf("reprocess: %u orders, %u %s, %u unchanged, %u unreadable", orders, p->changed, changed,
         p->unchanged, p->unreadable);
  if (p->skipped)
    printf(", %u left as they are (merged into another order)", p->skipped);
  if (p->machines)
    printf(", %u whose mail now reads as another number of machines (no order made or removed)", p->machines);
  printf("\n");
}

/* Whether to write what was shown: --yes, or a yes typed at the terminal. */
static gboolean
confirmed(gboolean yes)
{
  if (yes)
    return TRUE;
  if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
    /* `reprocess --all | less`, cron, a script: nobody could have said yes */
    fprintf(stderr, "intake reprocess: nothing written: not at a terminal; run again with --yes to "
                    "write these changes\n");
    return FALSE;
  }
  printf("write these changes? [y/N] ");
  fflush(stdout);
  char answer[16] = "";
  if (!fgets(answer, sizeof answer, stdin) || (answer[0] != 'y' && answer[0] != 'Y')) {
    printf("nothing written\n");
    return FALSE;
  }
  return TRUE;
}

int
cli_cmd_reprocess(int argc, char **argv)
{
  g_autofree char *config_path = NULL, *order = NULL, *since = NULL;
  gboolean all = FALSE, dry_run = FALSE, yes = FALSE;
  GOptionEntry entries[] = {
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path, "Configuration file", "FILE" },
    { "order", 0, 0, G_OPTION_ARG_STRING, &order, "One order", "RC20261125-0007" },
    { "since", 0, 0, G_OPTION_ARG_STRING, &since, "Orders received since this local date", "YYYY-MM-DD" },
    { "all", 0, 0, G_OPTION_ARG_NONE, &all, "Every order", NULL },
    { "dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run, "Show what would change, write nothing", NULL },
    { "yes", 'y', 0, G_OPTION_ARG_NONE, &yes, "Write without asking (a terminal is asked first)", NULL },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new("- re-run parse + classify over stored mail");
  g_option_context_add_main_entries(ctx, entries, NULL);
  g_autoptr(GError) error = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &error) || argc != 1) {
    fprintf(stderr, "intake reprocess: %s\n", error ? error->message : "unexpected argument");
    return EXIT_USAGE;
  }
  if ((order != NULL) + (since != NULL) + (all != FALSE) != 1) {
    fprintf(stderr, "intake reprocess: give exactly one of --order N, --since DATE, --all\n");
    return EXIT_USAGE;
  }
  if (since && !g_regex_match_simple("^\\d{4}-\\d{2}-\\d{2}$", since, 0, 0)) {
    fprintf(stderr, "intake reprocess: --since '%s' is not YYYY-MM-DD\n", since);
    return EXIT_USAGE;
  }
  g_autoptr(CliConfig) config = NULL;
  g_autoptr(StoreConn) conn = NULL;
  int opened = cli_open(config_path, &config, &conn);
  if (opened != EXIT_OK)
    return opened;
  g_autoptr(ParserConfig) parser = cli_parser_config_load(config, &error);
  g_autoptr(ClassifierPolicy) policy = parser ? pipeline_policy_load(conn, &error) : NULL;
  if (!policy) {
    cli_log(CLI_LOG_ERROR, "%s", error->message);
    return EXIT_RUNTIME;
  }
  g_autoptr(GArray) ids = store_orders_select(conn, order, since, &error);
  if (!ids) {
    cli_log(CLI_LOG_ERROR, "%s", error->message);
    return EXIT_RUNTIME;
  }
  if (order && ids->len == 0) {
    fprintf(stderr, "intake reprocess: no order %s\n", order);
    return EXIT_USAGE;
  }
  /* First every change is shown (each order re-run in a transaction that is rolled back);
   * then, unless this is a dry run, written — with --yes, or after a yes when a person is at the
   * terminal (stdin and stdout); never without --yes otherwise. */
  Pass pass = { .conn = conn, .parser = parser, .limits = &config->limits, .policy = policy, .ids = ids };
  if (yes && !dry_run) {
    /* said yes already: one pass that writes and shows what it wrote (half the work) */
    int rc = run_pass(&pass, TRUE, TRUE);
    if (rc != EXIT_OK)
      return rc;
    summary(&pass, ids->len, "changed");
    printf("reprocess: %u orders changed\n", pass.changed);
    return EXIT_OK;
  }
  int rc = run_pass(&pass, FALSE, TRUE);
  if (rc != EXIT_OK)
    return rc;
  summary(&pass, ids->len, "would change");
  if (dry_run || pass.changed == 0 || !confirmed(yes))
    return EXIT_OK;
  rc = run_pass(&pass, TRUE, FALSE);
  if (rc == EXIT_OK)
    printf("reprocess: %u orders changed\n", pass.changed);
  return rc;
}
