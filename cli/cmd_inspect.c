/* cli/cmd_inspect.c: `intake inspect` — parse, look up the asset, classify one mail offline (no database,
 * no network); contract.md's JSON with --json, else an EXPLAIN-like account of each decision. */
#include "classifier.h"
#include "cli.h"
#include "parser.h"
#include "pipeline.h"

#include "jsonout.h"
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static gboolean
read_all(const char *path, char **data, gsize *len, GError **error)
{
  if (strcmp(path, "-") != 0)
    return g_file_get_contents(path, data, len, error);
  GString *buf = g_string_new(NULL);
  char chunk[65536];
  ssize_t n;
  while ((n = read(STDIN_FILENO, chunk, sizeof chunk)) > 0)
    g_string_append_len(buf, chunk, n);
  *len = buf->len;
  *data = g_string_free(buf, FALSE);
  return TRUE;
}

typedef struct {
  GHashTable *by_sn; /* upper-case SN → ClassifierAsset* */
} AssetTable;

static gboolean
keep_asset(const ClassifierAsset *asset, guint line, gpointer user_data, GError **error)
{
  AssetTable *t = user_data;
  ClassifierAsset *copy = classifier_asset_copy(asset);
  g_hash_table_replace(t->by_sn, copy->sn, copy);
  return TRUE;
}

/* The registry row: the labelled SN first, then the candidates (as poll's one query does). */
static const ClassifierAsset *
lookup_asset(GHashTable *by_sn, const ParserRequest *req)
{
  g_auto(GStrv) keys = classifier_request_sn_keys(req);
  g_autoptr(GPtrArray) found = g_ptr_array_new();
  for (guint i = 0; keys[i]; i++) {
    ClassifierAsset *a = g_hash_table_lookup(by_sn, keys[i]);
    if (a)
      g_ptr_array_add(found, a);
  }
  return classifier_asset_pick(req, (const ClassifierAsset *const *)found->pdata, found->len);
}

/* --received: RFC 3339; a time without offset is Asia/Shanghai local time. */
static GDateTime *
parse_received(const char *s, GTimeZone *tz)
{
  GDateTime *t = g_date_time_new_from_iso8601(s, tz);
  if (!t) {
    /* "2026-11-21 23:26:30" */
    g_autofree char *fixed = g_strdup(s);
    char *sp = strchr(fixed, ' ');
    if (sp)
      *sp = 'T';
    t = g_date_time_new_from_iso8601(fixed, tz);
  }
  return t;
}

static void
line(GString *out, const char *label, const char *value)
{
  g_string_append_printf(out, "  %-14s %s\n", label, value && *value ? value : "-");
}

static char *
join_ptr_array(GPtrArray *a, const char *sep)
{
  GString *s = g_string_new(NULL);
  for (guint i = 0; a && i < a->len; i++)
    g_string_append_printf(s, "%s%s", i ? sep : "", (const char *)g_ptr_array_index(a, i));
  return g_string_free(s, FALSE);
}

static char *
one_line(const char *s, gsize max)
{
  if (!s)
    return NULL;
  GString *o = g_string_new(NULL);
  for (const char *p = s; *p; p = g_utf8_next_char(p)) {
    if (*p == '\n' || *p == '\r' || *p == '\t') {
      if (o->len && o->str[o->len - 1] != ' ')
        g_string_append_c(o, ' ');
      continue;
    }
    if (o->len >= max) {
      g_string_append(o, "…");
      break;
    }
    g_string_append_unichar(o, g_utf8_get_char(p));
  }
  return g_string_free(o, FALSE);
}

/* Where the SN came from, in words (contract.md sn_source plus the detail ops need). */
static char *
sn_source_explain(const ParserRequest *req)
{
  if (!req->sn_source)
    return g_strdup("-");
  static const struct {
    const char *code, *words;
  } words[] = {
    { "body", "the mail's text" },
    { "html", "the mail's HTML text (a table or formatted mail)" },
    { "subject", "the subject" },
    { "attachment_name", "an attachment's file name" },
    { "attachment_text", "the text of an attachment (txt, csv, xlsx, pdf, docx)" },
    { "image_barcode", "a barcode or QR code on an attached photo" },
    { "image_text", "the printed text of an attached photo (OCR)" },
  };
  const char *w = req->sn_source;
  for (gsize i = 0; i < G_N_ELEMENTS(words); i++)
    if (strcmp(words[i].code, req->sn_source) == 0)
      w = words[i].words;
  return g_strdup_printf("%s: %s%s", req->sn_source, w,
                         req->sn_quoted ? ", quoted part of a reply (the newest text names no SN)" : "");
}

/* Each machine of a batch report is an order of its own, classified on its own (notes: its
 * "S2 P3 covered", one per machine). */
static void
explain_machines(GString *out, const ParserRequest *req, GPtrArray *notes)
{
  if (req->machines->len < 2)
    return;
  for (guint i = 0; i < req->machines->len; i++) {
    const ParserMachine *m = g_ptr_array_index(req->machines, i);
    g_autofree char *sym = one_line(m->symptoms, 80);
    const char *note = notes && i < notes->len ? g_ptr_array_index(notes, i) : NULL;
    g_autofree char *d =
      g_strdup_printf("%u. %s  %s  %s%s%s%s", i + 1, m->sn ? m->sn : "-", m->model ? m->model : "-",
                      sym ? sym : "-", note ? "  [" : "", note ? note : "", note ? "]" : "");
    line(out, i ? "" : "machines", d);
  }
}

static void
print_explain(const ClassifierPolicy *policy, const ParserRequest *req, const ClassifierResult *r,
              const char *received_source, const ClassifierAsset *asset, const char *assets_path,
              GPtrArray *machine_notes)
{
  GString *out = g_string_new(NULL);
  g_autofree char *recv = classifier_format_time(policy, r->received);
  g_string_append(out, "Mail\n");
  line(out, "message_id", req->message_id);
  line(out, "from", req->from);
  line(out, "subject", req->subject);
  g_autofree char *rs = g_strdup_printf("%s (%s)", recv, received_source);
  line(out, "received", rs);
  line(out, "language", req->language);
  g_string_append(out, "\nFound in the mail (parser)\n");
  g_autofree char *cands = join_ptr_array(req->sn_candidates, ", ");
  line(out, "sn", req->sn);
  g_autofree char *src = sn_source_explain(req);
  line(out, "sn_source", src);
  line(out, "sn_candidates", cands);
  line(out, "model", req->model);
  g_autofree char *sym = one_line(req->symptoms, 300);
  line(out, "symptoms", sym);
  g_autofree char *tags = join_ptr_array(req->symptom_tags, ", ");
  line(out, "symptom_tags", tags);
  line(out, "contact", req->contact);
  line(out, "phone", req->phone);
  line(out, "address", req->address);
  g_autofree char *place =
    g_strdup_printf("%s %s", req->city ? req->city : "-", req->district ? req->district : "");
  line(out, "city/district", place);
  explain_machines(out, req, machine_notes);
  if (req->forwarded_by) {
    g_autofree char *f = g_strdup_printf(
      "%s (forwarder: %s; contact, phone and address come from the forwarded mail of %s)", req->forwarded_by,
      req->forward_vouched
        ? "CC of the acknowledgement to the end customer"
        : "the acknowledgement goes to the forwarder only (not our staff, not the end customer's "
          "colleague, not among trusted_forwarders)",
      req->forwarded_from ? req->forwarded_from : "an unnamed sender");
    line(out, "forwarded_by", f);
  }
  if (req->ignored_reason)
    line(out, "ignored", req->ignored_reason);
  if (req->followup_of)
    line(out, "followup_of", req->followup_of);

  g_string_append(out, "\nRegistry\n");
  if (!assets_path)
    line(out, "asset", "no --assets file given: every SN counts as not registered");
  else if (!asset)
    line(out, "asset", "no row for the SN or any candidate");
  else {
    g_autofree char *d =
      g_strdup_printf("%s: %s, %s, %s, %s %s", asset->sn, asset->customer ? asset->customer : "-",
                      asset->model ? asset->model : "-",
                      classifier_tier_name(asset->tier) ? classifier_tier_name(asset->tier) : "no tier",
                      asset->city ? asset->city : "", asset->district ? asset->district : "");
    line(out, "asset", d);
  }

  g_string_append(out, "\nDecisions\n");
  line(out, "kind", classifier_kind_name(r->kind));
  line(out, "component", classifier_component_name(r->component));
  line(out, "tier", classifier_tier_name(r->tier) ? classifier_tier_name(r->tier) : "unknown");
  g_autofree char *ws = NULL, *we = NULL;
  if (g_date_valid(&r->warranty_start)) {
    ws = g_strdup_printf("%04u-%02u-%02u", g_date_get_year(&r->warranty_start),
                         g_date_get_month(&r->warranty_start), g_date_get_day(&r->warranty_start));
  }
  if (g_date_valid(&r->warranty_end)) {
    we = g_strdup_printf("%04u-%02u-%02u", g_date_get_year(&r->warranty_end),
                         g_date_get_month(&r->warranty_end), g_date_get_day(&r->warranty_end));
  }
  g_autofree char *w = g_strdup_printf("%s .. %s", ws ? ws : "-", we ? we : "-");
  line(out, "warranty", w);
  line(out, "coverage",
       classifier_coverage_name(r->coverage) ? classifier_coverage_name(r->coverage) : "null");
  for (guint i = 0; i < r->reasons->len; i++) {
    const ClassifierReason *x = g_ptr_array_index(r->reasons, i);
    g_autofree char *ev = one_line(x->evidence, 120);
    g_autofree char *s = g_strdup_printf("%s: \"%s\"", x->code, ev);
    line(out, i ? "" : "reasons", s);
  }
  line(out, "severity", classifier_severity_name(r->severity));
  line(out, "priority",
       classifier_priority_name(r->priority) ? classifier_priority_name(r->priority) : "null");
  line(out, "onsite_class", classifier_onsite_class_name(r->onsite_class));
  if (r->has_sla) {
    g_autofree char *a = r->response_due ? classifier_format_time(policy, r->response_due) : NULL;
    g_autofree char *b = r->plan_due ? classifier_format_time(policy, r->plan_due) : NULL;
    g_autofree char *c = r->onsite_due ? classifier_format_time(policy, r->onsite_due) : NULL;
    line(out, "sla clock", r->sla_clock);
    line(out, "response_due", a);
    line(out, "plan_due", b);
    line(out, "onsite_due", c ? c : "null");
  } else
    line(out, "sla", "null");
  g_autofree const char **missing = classifier_result_missing_names(r);
  g_autofree char *m = g_strjoinv(", ", (char **)missing);
  line(out, "missing", *m ? m : "nothing");

  g_autofree char *trail = classifier_result_explain(r);
  g_string_append(out, "\nRules applied, in order\n");
  g_string_append(out, trail);
  fputs(out->str, stdout);
  g_string_free(out, TRUE);
}

/* Where inspect takes its policy and registry from: the seed files and a CSV (offline), or the live
 * tables ops edit (--db). */
typedef struct {
  ClassifierPolicy *policy;
  GHashTable *by_sn;  /* SN key → ClassifierAsset*, from --assets */
  gboolean registry;  /* a registry was given (--assets or --db) */
  StoreConn *conn;    /* --db: the registry is looked up there */
  const char *assets; /* --assets FILE, for the explanation */
} Sources;

static gboolean
load_assets_csv(const char *classifier_dir, const char *assets, GHashTable *by_sn, GError **error)
{
  AssetTable table = { by_sn };
  g_autoptr(GPtrArray) rejects = g_ptr_array_new_with_free_func((GDestroyNotify)classifier_asset_reject_free);
  if (!classifier_assets_load_csv(classifier_dir, assets, keep_asset, &table, rejects, error)) {
    g_prefix_error(error, "assets ");
    return FALSE;
  }
  for (guint i = 0; i < rejects->len; i++) {
    const ClassifierAssetReject *r = g_ptr_array_index(rejects, i);
    if (r->column || r->repeat)
      fprintf(stderr, "intake inspect: %s line %u: %s\n", assets, r->line, r->reason);
    else
      fprintf(stderr, "intake inspect: %s line %u rejected%s%s: %s\n", assets, r->line, r->sn ? " " : "",
              r->sn ? r->sn : "", r->reason);
  }
  return TRUE;
}

/* The registry's record for the mail's SN (owned by the caller when from --db), or NULL. */
static ClassifierAsset *
find_asset(Sources *src, const ParserRequest *req, gboolean *owned)
{
  *owned = FALSE;
  if (!src->conn)
    return (ClassifierAsset *)lookup_asset(src->by_sn, req);
  g_autofree char *warning = NULL;
  g_autoptr(GError) error = NULL;
  ClassifierAsset *a = pipeline_asset_lookup(src->conn, req, &warning, &error);
  if (warning)
    fprintf(stderr, "intake inspect: %s\n", warning);
  if (error)
    fprintf(stderr, "intake inspect: registry: %s\n", error->message);
  *owned = a != NULL;
  return a;
}

/* received: --received, else the topmost Received: header, else Date:, else now (said). */
static GDateTime *
choose_received(GDateTime *given, const ParserRequest *req, GTimeZone *tz, const char **source)
{
  if (given) {
    *source = "--received";
    return g_date_time_ref(given);
  }
  if (req->received) {
    *source = "topmost Received: header";
    return g_date_time_ref(req->received);
  }
  if (req->date) {
    *source = "Date: header";
    return g_date_time_ref(req->date);
  }
  *source = "now: the mail has no Received: or Date:";
  fprintf(stderr, "intake inspect: no --received, Received: or Date:; using the current time\n");
  return g_date_time_new_now(tz);
}

/* No SN the registry confirms: the label photos, whose code beats a mistyped SN in the text. */
static ClassifierAsset *
photo_asset(Sources *src, const ParserConfig *pc, const char *data, gsize len, ParserRequest *req,
            gboolean *owned)
{
  if (parser_read_label_photos(pc, NULL, data, len, req) == 0)
    return NULL;
  ClassifierAsset *asset = find_asset(src, req, owned);
  const char *photo = asset && req->photo_sources ? g_hash_table_lookup(req->photo_sources, asset->sn) : NULL;
  if (photo) {
    g_free(req->sn);
    req->sn = g_strdup(asset->sn);
    req->sn_source = photo;
    req->sn_quoted = FALSE;
    if (req->machines->len) {
      ParserMachine *m0 = g_ptr_array_index(req->machines, 0);
      g_free(m0->sn);
      m0->sn = g_strdup(asset->sn);
    }
  }
  return asset;
}

/* contract.md: machines[0] is sn/model — the effective ones, a registered SN's model in the registry's
 * spelling included (the parse-side values are what the mail says); sn_source says where a
 * candidate the registry confirmed was found. */
static void
first_machine_follows(ParserRequest *req, const ClassifierResult *r)
{
  if (!req->sn_source && r->sn && req->text_sources) {
    const char *src = g_hash_table_lookup(req->text_sources, r->sn);
    if (!src && req->sn_candidates->len == 1) /* confirmed under a look-alike spelling */
      src = g_hash_table_lookup(req->text_sources, g_ptr_array_index(req->sn_candidates, 0));
    req->sn_source = src;
  }
  if (!req->machines->len || (!r->sn && !r->model))
    return;
  ParserMachine *m0 = g_ptr_array_index(req->machines, 0);
  if (r->sn && g_strcmp0(m0->sn, r->sn) != 0) {
    g_free(m0->sn);
    m0->sn = g_strdup(r->sn);
  }
  if (r->model && g_strcmp0(m0->model, r->model) != 0) {
    g_free(m0->model);
    m0->model = g_strdup(r->model);
  }
}

/* The other machines of a batch report: a registered SN's model is the registry's (policy §1), as
 * in the order poll makes of it. */
static void
other_machines_follow(Sources *src, ParserRequest *req)
{
  for (guint i = 1; src->registry && i < req->machines->len; i++) {
    ParserMachine *m = g_ptr_array_index(req->machines, i);
    if (!m->sn)
      continue;
    PipelineMachineSaved saved;
    pipeline_machine_enter(req, i, &saved);
    gboolean owned = FALSE;
    ClassifierAsset *a = find_asset(src, req, &owned);
    pipeline_machine_leave(req, &saved);
    if (a && a->model && g_strcmp0(m->model, a->model) != 0) {
      g_free(m->model);
      m->model = g_strdup(a->model);
    }
    if (owned)
      classifier_asset_free(a);
  }
}

/* One machine's order as poll makes it: the machine entered, its registry row, classified. NULL on an
 * error (said). */
static ClassifierResult *
classify_machine(Sources *src, const ClassifierPolicy *policy, ParserRequest *req, guint index,
                 GDateTime *when)
{
  PipelineMachineSaved saved;
  pipeline_machine_enter(req, index, &saved);
  gboolean owned = FALSE;
  ClassifierAsset *asset = find_asset(src, req, &owned);
  g_autoptr(GError) error = NULL;
  ClassifierResult *r = classifier_classify(policy, req, asset, when, &error);
  if (!r)
    fprintf(stderr, "intake inspect: machine %u: %s\n", index + 1, error->message);
  if (owned)
    classifier_asset_free(asset);
  pipeline_machine_leave(req, &saved);
  return r;
}

/* others: the orders of machines[1…] (NULL for a mail of one machine): each machine's severity,
 * priority and coverage beside its sn, model and symptoms — result is the first's, the top level. */
static void
print_json(const ParserRequest *req, const ClassifierResult *result, GPtrArray *others)
{
  g_autoptr(JsonBuilder) b = json_builder_new();
  json_builder_begin_object(b);
  parser_request_write_json(req, b);
  classifier_result_write_json(result, b);
  json_builder_end_object(b);
  g_autoptr(JsonNode) root = json_builder_get_root(b);
  JsonObject *top = json_node_get_object(root);
  JsonArray *ms =
    json_object_has_member(top, "machines") ? json_object_get_array_member(top, "machines") : NULL;
  for (guint i = 0; others && ms && i < json_array_get_length(ms) && i <= others->len; i++) {
    const ClassifierResult *r = i == 0 ? result : g_ptr_array_index(others, i - 1);
    JsonObject *m = json_array_get_object_element(ms, i);
    if (!r || !m)
      continue;
    json_object_set_string_member(m, "severity", classifier_severity_name(r->severity));
    json_object_set_string_member(m, "priority", classifier_priority_name(r->priority));
    json_object_set_string_member(m, "coverage", classifier_coverage_name(r->coverage));
  }
  g_autofree char *out = jsonout_to_string(root, TRUE);
  printf("%s\n", out);
}

/* The policy and registry: the seed files (+ --assets CSV), or with --db the live tables. */
static int
open_sources(Sources *src, gboolean db, const char *config_path, const char *data_root, const char *assets,
             CliConfig **config)
{
  g_autoptr(GError) error = NULL;
  if (db) {
    int rc = cli_open(config_path, config, &src->conn);
    if (rc != EXIT_OK)
      return rc;
    src->policy = pipeline_policy_load(src->conn, &error);
    src->registry = TRUE;
  } else {
    g_autofree char *sql_dir = cli_sql_dir(data_root);
    g_autofree char *seed_dir = g_build_filename(sql_dir, "seed", NULL);
    src->policy = classifier_policy_load_dir(seed_dir, &error);
  }
  if (!src->policy) {
    fprintf(stderr, "intake inspect: %s\n", error->message);
    return db ? EXIT_RUNTIME : EXIT_USAGE;
  }
  if (assets) {
    g_autofree char *classifier_dir = g_build_filename(data_root, "classifier", NULL);
    if (!load_assets_csv(classifier_dir, assets, src->by_sn, &error)) {
      fprintf(stderr, "intake inspect: %s\n", error->message);
      return EXIT_USAGE;
    }
    src->registry = TRUE;
    src->assets = assets;
  }
  return EXIT_OK;
}

int
cli_cmd_inspect(int argc, char **argv)
{
  gboolean json = FALSE, db = FALSE;
  g_autofree char *assets = NULL, *received = NULL, *data_dir = NULL, *config_path = NULL;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print one JSON object (contract.md)", NULL },
    { "assets", 0, 0, G_OPTION_ARG_FILENAME, &assets, "Asset registry CSV (policy §2)", "FILE.csv" },
    { "received", 0, 0, G_OPTION_ARG_STRING, &received,
      "When the mail was received (default: topmost Received:, else Date:)", "RFC3339" },
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &data_dir,
      "Data directory: parser/, classifier/, sql/seed/ (default: $INTAKE_DATA_DIR, the installed "
      "share/intake, else the source tree)",
      "DIR" },
    { "db", 0, 0, G_OPTION_ARG_NONE, &db,
      "Policy and registry from the database of the config (the tables ops edit), not the seed files", NULL },
    { "config", 0, 0, G_OPTION_ARG_FILENAME, &config_path, "Config file (with --db)", "FILE" },
    { NULL, 0, 0, 0, NULL, NULL, NULL },
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new("FILE.eml|- - parse and classify one mail offline");
  g_option_context_add_main_entries(ctx, entries, NULL);
  g_autoptr(GError) error = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &error) || argc != 2) {
    fprintf(stderr, "intake inspect: %s\n", error ? error->message : "one FILE (or -) expected");
    return EXIT_USAGE;
  }
  g_autofree char *data_root = cli_data_dir(data_dir);
  g_autoptr(CliConfig) config = NULL;
  g_autoptr(GHashTable) by_sn =
    g_hash_table_new_full(g_str_hash, g_str_equal, NULL, (GDestroyNotify)classifier_asset_free);
  Sources src = { .by_sn = by_sn };
  int rc = open_sources(&src, db, config_path, data_root, assets, &config);
  g_autoptr(ClassifierPolicy) policy = src.policy;
  g_autoptr(StoreConn) conn = src.conn;
  if (rc != EXIT_OK)
    return rc;
  GTimeZone *tz = classifier_policy_time_zone(policy);
  g_autoptr(GDateTime) received_opt = NULL;
  if (received && !(received_opt = parse_received(received, tz))) {
    fprintf(stderr, "intake inspect: --received '%s' is not an RFC 3339 time\n", received);
    return EXIT_USAGE;
  }
  g_autofree char *data = NULL;
  gsize len = 0;
  g_autofree char *parser_dir = g_build_filename(data_root, "parser", NULL);
  g_autoptr(ParserConfig) pc = NULL;
  if (!read_all(argv[1], &data, &len, &error) || !(pc = parser_config_load(parser_dir, &error))) {
    fprintf(stderr, "intake inspect: %s\n", error->message);
    return EXIT_USAGE;
  }
  if (config)
    parser_config_add_own_addresses(pc, (const char *const *)config->own_addresses);
  g_autoptr(ParserRequest) req = parser_parse(pc, NULL, data, len, &error);
  if (!req) {
    fprintf(stderr, "intake inspect: %s: %s\n", argv[1], error->message);
    return EXIT_RUNTIME;
  }
  /* as poll does, against the order's SN there: a reply that reports another machine's fault */
  if (req->followup_of && pipeline_machine_count(req) == 1 && parser_followup_other_machine(pc, req, NULL)) {
    fprintf(stderr,
            "intake inspect: names order %s but reports a fault of another machine (%s): a new order\n",
            req->followup_of, req->sn);
    pipeline_other_machine_words(pc, req, req->followup_of);
    g_clear_pointer(&req->followup_of, g_free);
  } else if (req->followup_of && pipeline_machine_count(req) > 1)
    fprintf(stderr,
            "intake inspect: names order %s and lists %u machines: poll attaches the mail to that order for "
            "its machine and opens an order for each of the others (when the order's SN is one of them; "
            "otherwise the whole mail is the follow-up)\n",
            req->followup_of, pipeline_machine_count(req));
  if (req->supplement)
    fprintf(
      stderr,
      "intake inspect: adds to the sender's earlier mail and tells no fault of its own: poll attaches it to "
      "the open order of %s from the last 24 hours%s (a new order only when there is none)\n",
      req->from_addr ? req->from_addr : "its sender", req->sn ? " with this SN" : "");
  const char *source = NULL;
  g_autoptr(GDateTime) when = choose_received(received_opt, req, tz, &source);
  gboolean owned = FALSE;
  /* a batch report is one order per machine, each classified on its own as poll does: the result
   * shown is the first machine's order, each machine's beside it (blind round 21: the mail-wide
   * severity showed S1/P2 where poll's first order was S2/P3) */
  guint n_machines = pipeline_machine_count(req);
  g_autoptr(GPtrArray) results =
    n_machines > 1 ? g_ptr_array_new_with_free_func((GDestroyNotify)classifier_result_free) : NULL;
  for (guint i = 1; results && i < n_machines; i++)
    g_ptr_array_add(results, classify_machine(&src, policy, req, i, when));
  PipelineMachineSaved first = { 0 };
  if (results)
    pipeline_machine_enter(req, 0, &first);
  ClassifierAsset *asset = find_asset(&src, req, &owned);
  if (src.registry && !asset && !results)
    asset = photo_asset(&src, pc, data, len, req, &owned);
  g_autoptr(ClassifierResult) result = classifier_classify(policy, req, asset, when, &error);
  pipeline_machine_leave(req, &first);
  if (!result) {
    fprintf(stderr, "intake inspect: %s\n", error->message);
    rc = EXIT_RUNTIME;
  } else if (json) {
    first_machine_follows(req, result);
    other_machines_follow(&src, req);
    print_json(req, result, results);
  } else {
    g_autoptr(GPtrArray) notes = results ? g_ptr_array_new_with_free_func(g_free) : NULL;
    for (guint i = 0; notes && i < n_machines; i++) {
      const ClassifierResult *r = i == 0 ? result : g_ptr_array_index(results, i - 1);
      g_ptr_array_add(
        notes, r ? g_strdup_printf(
                     "%s %s %s", classifier_severity_name(r->severity),
                     classifier_priority_name(r->priority) ? classifier_priority_name(r->priority) : "-",
                     classifier_coverage_name(r->coverage) ? classifier_coverage_name(r->coverage) : "-")
                 : g_strdup("not classified"));
    }
    print_explain(policy, req, result, source, asset,
                  src.assets ? src.assets
                  : db       ? "the database"
                             : NULL,
                  notes);
  }
  if (owned)
    classifier_asset_free(asset);
  return rc;
}
