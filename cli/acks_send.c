/* cli/acks_send.c: queue an acknowledgement with its order, drain the outbox over SMTP. */
#include "acks_send.h"

#include "acks.h"
#include "fetcher.h"

#include <signal.h>
#include <string.h>

/* ---- configuration ---- */

/* Read once per run, not once per acknowledgement: the texts and each tier's SLA terms (ops edit
 * them between runs, not during one). */
struct AcksQueueCache {
  AcksTexts *texts;
  GHashTable *terms; /* tier name -> StoreRows of store_sla_terms */
};

static void
cache_free(struct AcksQueueCache *c)
{
  if (!c)
    return;
  g_clear_pointer(&c->texts, acks_texts_free);
  g_clear_pointer(&c->terms, g_hash_table_unref);
  g_free(c);
}

gboolean
acks_smtp_config_load(const CliConfig *config, AcksSmtpConfig *out, GError **error)
{
  (void)error; /* the config was checked when it was read */
  const CliSmtp *s = &config->smtp;
  memset(out, 0, sizeof *out);
  out->url = g_strdup(s->url);
  out->user = g_strdup(s->user);
  out->password = g_strdup(s->password);
  out->password_problem = g_strdup(s->password_problem);
  out->ca_file = g_strdup(s->ca_file);
  out->from = g_strdup(s->from);
  out->envelope_from = g_strdup(s->envelope_from);
  out->own_addresses = g_strdupv(config->own_addresses);
  out->tls_verify = s->tls_verify;
  out->require_tls = !s->plain_text;
  out->plain_text = s->plain_text;
  out->send = s->send;
  out->connect_timeout_s = s->connect_timeout_s;
  out->timeout_s = s->timeout_s;
  out->max_attempts = s->max_attempts;
  out->max_acks_per_sender = s->max_acks_per_sender;
  out->batch = s->batch;
  out->ack_max_age_s = s->ack_max_age_s;
  out->max_acks_per_hour = s->max_acks_per_hour;
  out->trusted_authserv_ids = g_strdupv(s->trusted_authserv_ids);
  out->cache = g_new0(struct AcksQueueCache, 1);
  /* the outbox counts in whole minutes: a shorter wait rounds up to one */
  out->backoff_minutes = g_array_new(FALSE, FALSE, sizeof(guint));
  for (guint i = 0; s->retry_backoff_s && i < s->retry_backoff_s->len; i++) {
    guint m = (g_array_index(s->retry_backoff_s, guint, i) + 59) / 60;
    g_array_append_val(out->backoff_minutes, m);
  }
  return TRUE;
}

void
acks_smtp_config_clear(AcksSmtpConfig *c)
{
  g_free(c->url);
  g_free(c->user);
  if (c->password)
    memset(c->password, 0, strlen(c->password));
  g_free(c->password);
  g_free(c->password_problem);
  g_free(c->ca_file);
  g_free(c->from);
  g_free(c->envelope_from);
  g_strfreev(c->own_addresses);
  g_strfreev(c->trusted_authserv_ids);
  cache_free(c->cache);
  if (c->backoff_minutes)
    g_array_unref(c->backoff_minutes);
  memset(c, 0, sizeof *c);
}

/* ---- queueing ---- */

static AcksTexts *
load_texts(StoreConn *conn, GError **error)
{
  g_autoptr(StoreRows) rows = store_ack_texts(conn, error);
  if (!rows) {
    /* a schema behind says so itself (store/conn.c); a full disk does not ask for a migration */
    g_prefix_error(error, "acknowledgement texts: ");
    return NULL;
  }
  AcksTexts *t = acks_texts_new();
  for (guint i = 0; i < rows->rows->len; i++) {
    char **r = g_ptr_array_index(rows->rows, i);
    acks_texts_add(t, r[0], r[1], r[2]);
  }
  return t;
}

/* The texts, read at the first acknowledgement of the run. Owned by the cache. */
static const AcksTexts *
cached_texts(StoreConn *conn, const AcksSmtpConfig *cfg, GError **error)
{
  if (!cfg->cache->texts)
    cfg->cache->texts = load_texts(conn, error);
  return cfg->cache->texts;
}

/* The tier's SLA terms (store_sla_terms), read once per run. Owned by the cache. */
static const StoreRows *
cached_terms(StoreConn *conn, const AcksSmtpConfig *cfg, const char *tier, GError **error)
{
  struct AcksQueueCache *c = cfg->cache;
  if (!c->terms)
    c->terms = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, (GDestroyNotify)store_rows_free);
  StoreRows *rows = g_hash_table_lookup(c->terms, tier);
  if (!rows && (rows = store_sla_terms(conn, tier, error)))
    g_hash_table_insert(c->terms, g_strdup(tier), rows);
  return rows;
}

/* NULL or only white space */
static gboolean
blank(const char *s)
{
  return !s || strspn(s, " \t\r\n") == strlen(s);
}

static gint
int_or(const char *s, gint dflt)
{
  return s && *s ? (gint)g_ascii_strtoll(s, NULL, 10) : dflt;
}

static char *
address_of(const char *from)
{
  const char *lt = strrchr(from, '<');
  if (!lt)
    return g_strstrip(g_strdup(from));
  return g_strndup(lt + 1, strcspn(lt + 1, ">"));
}

/* History and backlogs: no acknowledgement for mail received longer ago than [smtp] ack_max_age. */
static gboolean
too_old(const AcksSmtpConfig *cfg, const AcksOrder *o)
{
  if (!cfg->ack_max_age_s || !o->received)
    return FALSE;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc();
  return g_date_time_difference(now, o->received) > (GTimeSpan)cfg->ack_max_age_s * G_TIME_SPAN_SECOND;
}

/* The receiving MTA's verdict on the sender (Authentication-Results): a failure is written on the
 * order's history so that ops see why no acknowledgement went out. FALSE only on a database error. */
static gboolean
auth_check(StoreConn *conn, const AcksSmtpConfig *cfg, const AcksOrder *o, gboolean *failed, GError **error)
{
  g_autofree char *why = NULL;
  *failed = acks_auth_evaluate(o->raw, o->raw_len, (const char *const *)cfg->trusted_authserv_ids, &why) ==
            ACKS_AUTH_FAIL;
  const ParserRequest *req = o->request;
  if (!*failed && req &&
      acks_name_spoofs(req->from_name, req->from_addr, (const char *const *)cfg->own_addresses)) {
    *failed = TRUE;
    why = g_strdup_printf("its name \"%s\" is an address of ours, its address %s is not", req->from_name,
                          req->from_addr);
  }
  if (!*failed)
    return TRUE;
  g_autofree char *note =
    g_strdup_printf("no acknowledgement: the sender may be forged (%s); check before replying", why);
  return store_order_flag(conn, o->order_id, "auth_fail", note, error);
}

/* Why no acknowledgement goes out (acks_decide on the mail's headers, our addresses, the receiving
 * MTA's Authentication-Results and the sender's and everyone's counts), or *reason NULL to send one.
 * FALSE only on a database error. */
static gboolean
suppression(StoreConn *conn, const AcksSmtpConfig *cfg, const AcksOrder *o, const char *recipient,
            const char **reason, GError **error)
{
  const ParserRequest *req = o->request;
  StoreOutboxCounts counts = { 0 };
  if (o->caps
        ? !store_outbox_cap_counts_take(conn, o->caps, recipient, cfg->max_acks_per_hour > 0, &counts, error)
        : (recipient || cfg->max_acks_per_hour) &&
            !store_outbox_cap_counts(conn, recipient, cfg->max_acks_per_hour > 0, &counts, error))
    return FALSE;
  gint64 recent = counts.recent_to, hour = counts.last_hour;
  gboolean capped_already = counts.capped_last_hour;
  gboolean auth_failed = FALSE;
  if (!auth_check(conn, cfg, o, &auth_failed, error))
    return FALSE;
  AcksFacts facts = {
    .from_addr = req->from_addr,
    .request = req, /* the automatic-mail headers as the parser read them */
    .ignored_reason = req->ignored_reason,
    .is_followup = o->result->kind == CLASSIFIER_KIND_FOLLOWUP,
    .own_addresses = (const char *const *)cfg->own_addresses,
    .recent_acks = recent,
    .max_per_sender = cfg->max_acks_per_sender,
    .recent_acks_all = hour,
    .max_per_hour = too_old(cfg, o) ? 0 : cfg->max_acks_per_hour, /* old mail is too_old, not capped */
    .auth_failed = auth_failed,
  };
  *reason = acks_decide(&facts);
  if (!*reason && too_old(cfg, o))
    *reason = "too_old";
  /* said once an hour (the first suppressed row of the hour), not once per mail */
  if (*reason && g_str_equal(*reason, "global_cap") && !capped_already)
    cli_log(CLI_LOG_WARN,
            "acknowledgements: %" G_GINT64_FORMAT
            " queued in the last hour reach [smtp] max_acks_per_hour = %u:"
            " further ones are suppressed (global_cap) until the hour has passed; check for forged senders",
            hour, cfg->max_acks_per_hour);
  return TRUE;
}

/* The on-site minutes the acknowledgement quotes: the fast on-site term (4 h for P1 in a 4h area) when
 * it is the one that applied, else the tier's. term: a store_sla_terms row or NULL. */
static gint
onsite_minutes(char **term, const ClassifierResult *res)
{
  gint minutes = term ? int_or(term[4], 0) : 0;
  if (term && term[5] && term[6] && term[7] && res->priority != CLASSIFIER_PRIORITY_NONE &&
      g_strcmp0(classifier_priority_name(res->priority), term[6]) == 0 &&
      g_strcmp0(classifier_onsite_class_name(res->onsite_class), term[7]) == 0)
    minutes = int_or(term[5], minutes);
  return minutes;
}

/* A deadline the acknowledgement may promise: NULL once it has passed (blind round 18: mail of the
 * go-live's first poll or of a backlog was answered the next day with "不晚于" yesterday's times; the
 * commitment's terms are still said). */
static GDateTime *
ahead(GDateTime *due, GDateTime *now)
{
  return due && g_date_time_compare(due, now) > 0 ? due : NULL;
}

/* A batch report: the one acknowledgement lists every order the mail opened (store_mail_orders).
 * Fills content->machines when there are several, with the deadlines still ahead of now; *machines,
 * *rows and times own what it points to. */
static gboolean
batch_machines(StoreConn *conn, const AcksOrder *o, GDateTime *now, AcksContent *content,
               AcksMachine **machines, StoreRows **rows, GPtrArray *times, GError **error)
{
  if (o->n_orders == 1)
    return TRUE; /* the common case: one machine, nothing to list */
  *rows = store_mail_orders(conn, o->order_id, error);
  if (!*rows)
    return FALSE;
  guint n = (*rows)->rows->len;
  if (n < 2)
    return TRUE;
  *machines = g_new0(AcksMachine, n);
  for (guint i = 0; i < n; i++) {
    char **r = g_ptr_array_index((*rows)->rows, i);
    GDateTime *due[3] = { NULL, NULL, NULL }; /* response, plan, on site */
    for (guint k = 0; k < 3; k++)
      if (r[9 + k] && (due[k] = g_date_time_new_from_iso8601(r[9 + k], NULL))) {
        g_ptr_array_add(times, due[k]);
        due[k] = ahead(due[k], now);
      }
    (*machines)[i] = (AcksMachine){ r[0], r[2], r[3], r[4], r[5], r[6], r[7], r[8], due[0], due[1], due[2] };
  }
  content->machines = *machines;
  content->n_machines = n;
  return TRUE;
}

/* Who the acknowledgement goes to: the sender, or for a forward (our sales rep, a listed reseller or a
 * colleague passing the customer's mail on: parser_forwarder_vouches) the end customer named in the
 * forwarded header, with the forwarder in cc[0] (issue 15). Anyone else's forward is answered to its
 * sender only: a forwarded header is text anyone can write. The mail's own facts (automatic, bulk,
 * forged …) still decide whether one goes out. */
static const char *
ack_recipient(const AcksSmtpConfig *cfg, const ParserRequest *req, const char **cc)
{
  const char *from_addr = req ? req->from_addr : NULL;
  if (!acks_address_usable(from_addr))
    return NULL;
  const char *origin = req->forwarded_from;
  if (!acks_address_usable(origin) || !g_ascii_strcasecmp(origin, from_addr) || !req->forward_vouched)
    return from_addr;
  for (guint i = 0; cfg->own_addresses && cfg->own_addresses[i]; i++)
    if (!g_ascii_strcasecmp(origin, cfg->own_addresses[i]))
      return from_addr;
  cc[0] = req->forwarded_by && acks_address_usable(req->forwarded_by) ? req->forwarded_by : from_addr;
  return origin;
}

StoreAhead *
acks_caps_ahead(StoreConn *conn, const AcksSmtpConfig *cfg, const ParserRequest *req, GError **error)
{
  const char *cc[2] = { NULL, NULL };
  const char *recipient = ack_recipient(cfg, req, cc); /* the one acks_queue_order will use */
  if (!recipient && !cfg->max_acks_per_hour)
    return NULL;
  return store_outbox_cap_counts_ahead(conn, recipient, cfg->max_acks_per_hour > 0, error);
}

StoreAhead *
acks_caps_many_ahead(StoreConn *conn, const AcksSmtpConfig *cfg, const ParserRequest *const *reqs, guint n,
                     GError **error)
{
  g_autoptr(GPtrArray) to = g_ptr_array_new();
  for (guint i = 0; i < n; i++) {
    const char *cc[2] = { NULL, NULL };
    const char *recipient = ack_recipient(cfg, reqs[i], cc); /* the one acks_queue_order will use */
    if (recipient || cfg->max_acks_per_hour)
      g_ptr_array_add(to, (gpointer)(recipient ? recipient : ""));
  }
  if (to->len == 0)
    return NULL;
  g_ptr_array_add(to, NULL);
  return store_outbox_cap_counts_many_ahead(conn, (const char *const *)to->pdata, cfg->max_acks_per_hour > 0,
                                            error);
}

/* Renders the acknowledgement of item's order with the texts and the tier's SLA terms from the
 * database. FALSE on a database error; TRUE with *rendered NULL and *render_error set when a template
 * is broken. */
static gboolean
render(StoreConn *conn, const AcksSmtpConfig *cfg, const AcksOrder *o, const StoreOutboxItem *item,
       AcksRendered **rendered, GError **render_error, GError **error)
{
  const ParserRequest *req = o->request;
  const ClassifierResult *res = o->result;
  const AcksTexts *texts = cached_texts(conn, cfg, error);
  if (!texts)
    return FALSE;
  const char *tier = classifier_tier_name(res->tier);
  const StoreRows *terms = cached_terms(conn, cfg, tier ? tier : "unknown", error);
  if (!terms)
    return FALSE;
  char **term = terms->rows->len ? g_ptr_array_index(terms->rows, 0) : NULL;

  /* an English reader gets the place in Latin letters when the service areas know them. Only a place
   * the mail named is said back: the registry's would tell whoever writes an SN where that machine
   * stands (blind round 17: a stranger's mail was answered with the owner's city). */
  gboolean en = g_strcmp0(item->language, "en") == 0;
  gboolean mail_place =
    !blank(req->city) || !blank(req->district) || !blank(req->location) || req->district_shared;
  g_autofree char *location = !mail_place              ? NULL
                              : en && res->place_latin ? g_strdup(res->place_latin)
                              : res->city ? g_strconcat(res->city, res->district ? res->district : "", NULL)
                                          : g_strdup(req->location);
  g_autofree const char **missing = classifier_result_missing_names(res);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc();
  g_autoptr(GPtrArray) refs = g_ptr_array_new();
  for (guint i = 0; req->references && i < req->references->len; i++)
    g_ptr_array_add(refs, g_ptr_array_index(req->references, i));
  g_ptr_array_add(refs, NULL);
  char warranty_end[16] = ""; /* what is free till then: a supermicro part's first year, not its third */
  const GDate *until = g_date_valid(&res->covered_until) ? &res->covered_until : &res->warranty_end;
  if (g_date_valid(until))
    g_date_strftime(warranty_end, sizeof warranty_end, "%Y-%m-%d", until);
  AcksContent content = {
    .time_zone = o->time_zone,
    .order_no = o->order_no,
    .language = item->language,
    .from = cfg->from,
    .to_addr = item->recipient,
    /* the sender's display name is the forwarder's when the end customer is addressed */
    .to_name = item->cc && item->cc[0] ? NULL : req->from_name,
    .cc = item->cc,
    .subject = req->subject,
    .in_reply_to = req->message_id,
    .references = (const char *const *)refs->pdata,
    .message_id = item->message_id,
    .sn = res->sn,
    /* the model the mail named, as for the place: not the registry's */
    .model = blank(req->model) ? NULL : req->model,
    .model_on_file = blank(req->model) && !blank(res->model),
    .location_on_file = !mail_place && (!blank(res->city) || !blank(res->district)),
    .symptoms = req->symptoms,
    .location = location,
    .missing = missing,
    .kind = classifier_kind_name(res->kind),
    .coverage = classifier_coverage_name(res->coverage),
    .tier = tier,
    .warranty_end = warranty_end[0] ? warranty_end : NULL,
    .has_sla = res->has_sla && term != NULL,
    .clock = term ? term[0] : NULL,
    .response_minutes = term ? int_or(term[1], -1) : -1,
    .plan_minutes = term ? int_or(term[2], -1) : -1,
    .onsite_rule = term ? term[3] : NULL,
    .onsite_minutes = onsite_minutes(term, res),
    .response_due = ahead(res->response_due, now),
    .plan_due = ahead(res->plan_due, now),
    .onsite_due = ahead(res->onsite_due, now),
    .recurrence_of = o->recurrence_of,
  };
  g_autofree AcksMachine *machines = NULL;
  g_autoptr(StoreRows) siblings = NULL;
  g_autoptr(GPtrArray) times = g_ptr_array_new_with_free_func((GDestroyNotify)g_date_time_unref);
  if (!batch_machines(conn, o, now, &content, &machines, &siblings, times, error))
    return FALSE;
  *rendered = acks_render(texts, &content, render_error);
  return TRUE;
}

gboolean
acks_queue_order(StoreConn *conn, const AcksSmtpConfig *cfg, const AcksOrder *o, char **outcome,
                 GError **error)
{
  g_return_val_if_fail(o && o->order_no, FALSE);
  g_autofree char *domain = acks_from_domain(cfg->from);
  g_autofree char *message_id = acks_message_id_new(o->order_no, domain);
  const ParserRequest *req = o->request;
  const ClassifierResult *res = o->result;
  const char *cc[2] = { NULL, NULL };
  const char *recipient = ack_recipient(cfg, req, cc);
  StoreOutboxItem item = {
    .cc = cc,
    .order_id = o->order_id,
    .message_id = message_id,
    .recipient = recipient,
    .language = req && req->language && g_str_equal(req->language, "en") ? "en" : "zh",
    .subject = req ? req->subject : NULL,
  };
  gboolean queued = FALSE;
  const char *reason = NULL;
  if (!req || !res) {
    reason = "unprocessable";
  } else if (!suppression(conn, cfg, o, recipient, &reason, error)) {
    return FALSE;
  }
  /* Ops may override these (intake.resend_ack): the message is rendered and kept, not sent. */
  gboolean keep_message = reason && recipient &&
                          (g_str_equal(reason, "sender_cap") || g_str_equal(reason, "global_cap") ||
                           g_str_equal(reason, "auth_fail") || g_str_equal(reason, "too_old"));
  item.suppressed_reason = reason;
  g_autoptr(GError) render_error = NULL;
  g_autoptr(AcksRendered) rendered = NULL;
  if ((!reason || keep_message) && !render(conn, cfg, o, &item, &rendered, &render_error, error))
    return FALSE;
  if (!reason && !rendered) {
    /* a broken template must not stop the mailbox: the order stands, ops see the warning */
    if (outcome)
      *outcome = g_strdup_printf("not rendered: %s", render_error->message);
    return TRUE;
  }
  gsize len = 0;
  if (rendered) {
    item.data = g_bytes_get_data(rendered->message, &len);
    item.len = len;
    item.subject = rendered->subject;
    item.body_text = rendered->body;
  }
  if (!store_outbox_queue(conn, &item, &queued, error))
    return FALSE;
  if (outcome)
    *outcome = !queued  ? g_strdup("exists")
               : reason ? g_strdup_printf("suppressed:%s", reason)
                        : g_strdup("queued");
  return TRUE;
}

/* ---- sending ---- */

static void
release_rest(StoreConn *conn, GPtrArray *claims, guint from)
{
  for (guint k = from; k < claims->len; k++) {
    g_autoptr(GError) e = NULL;
    if (!store_outbox_release(conn, g_ptr_array_index(claims, k), &e))
      cli_log(CLI_LOG_WARN, "outbox: %s", e->message);
  }
}

/* What a failed send means for the row and the run. */
typedef struct {
  gboolean given_up;   /* the row is failed now */
  gboolean stop_batch; /* the server is unusable for now: the rest of the claims go back */
  gboolean stop_run;   /* refused login, TLS or configuration: ops must act; the run fails */
} Failure;

/* A transient failure says nothing about the message: server unreachable (refused, DNS, timeout
 * before DATA), a 4xx reply, a refused login or a TLS problem ops will fix. */
static gboolean
transient(const GError *e, const char *reply, gboolean permanent)
{
  if (permanent || e->domain != FETCHER_ERROR)
    return FALSE;
  return e->code == FETCHER_ERROR_CONNECT || e->code == FETCHER_ERROR_AUTH || e->code == FETCHER_ERROR_TLS ||
         (e->code == FETCHER_ERROR_PROTOCOL && reply && reply[0] == '4');
}

/* Marks the row after a failed send: in doubt (the data went out, no final reply: failed, never
 * sent again by itself), permanent (5xx: failed), transient (retried until ack_max_age without using
 * up attempts) or else an attempt that counts (max_attempts). */
static Failure
record_failure(StoreConn *conn, const AcksSmtpConfig *cfg, FetcherSmtp *smtp, const StoreOutboxClaim *c,
               const GError *e, const char *reply, gboolean permanent)
{
  Failure f = { 0 };
  g_autoptr(GError) mark_error = NULL;
  gboolean marked;
  const guint *backoff = (const guint *)cfg->backoff_minutes->data;
  guint n_backoff = cfg->backoff_minutes->len;
  if (fetcher_smtp_in_doubt(smtp)) {
    g_autofree char *why =
      g_strdup_printf("in doubt: the message was sent but the server's reply never came (%s):"
                      " the customer may have it; check, then SELECT intake.resend_ack(order_no)",
                      e->message);
    marked = store_outbox_mark_failed(conn, c, why, reply, &mark_error);
    f.given_up = f.stop_batch = TRUE;
  } else if (permanent) {
    marked = store_outbox_mark_failed(conn, c, e->message, reply, &mark_error);
    f.given_up = TRUE;
  } else if (transient(e, reply, permanent)) {
    marked = store_outbox_mark_deferred(conn, c, e->message, reply, cfg->ack_max_age_s, backoff, n_backoff,
                                        &f.given_up, &mark_error);
    f.stop_batch = e->code != FETCHER_ERROR_PROTOCOL;
    f.stop_run = e->code == FETCHER_ERROR_AUTH || e->code == FETCHER_ERROR_TLS;
  } else {
    marked = store_outbox_mark_retry(conn, c, e->message, reply, cfg->max_attempts, backoff, n_backoff,
                                     &f.given_up, &mark_error);
    f.stop_run = f.stop_batch = e->domain == FETCHER_ERROR && e->code == FETCHER_ERROR_CONFIG;
  }
  if (!marked)
    cli_log(CLI_LOG_WARN, "outbox: %s", mark_error->message);
  if (f.given_up && fetcher_smtp_in_doubt(smtp))
    /* as the row says it (blind round 20: the log said "failed for good" of a message that may be there) */
    cli_log(CLI_LOG_WARN,
            "ack %s to %s in doubt: sent, but the server's reply never came (%s); check, then "
            "intake.resend_ack",
            c->message_id, c->recipient, e->message);
  else if (f.given_up)
    cli_log(CLI_LOG_WARN, "ack %s to %s failed for good: %s", c->message_id, c->recipient, e->message);
  else if (!f.stop_batch)
    cli_log(CLI_LOG_WARN, "ack %s to %s: %s", c->message_id, c->recipient, e->message);
  return f;
}

/* SIGTERM or SIGINT while acknowledgements go out (systemctl stop, a shutdown, timeout(1)): the message
 * in hand is finished, the rest stay pending, then the signal takes its course (blind round 20: the
 * process died on the default action, each time leaving a row in doubt, with no log line). */
static volatile sig_atomic_t stop_signal;

static void
on_stop_signal(int sig)
{
  stop_signal = sig;
}

typedef struct {
  struct sigaction term, intr;
} StopHandlers;

static void
stop_handlers_install(StopHandlers *old)
{
  struct sigaction sa = { 0 };
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  stop_signal = 0;
  sigaction(SIGTERM, &sa, &old->term);
  sigaction(SIGINT, &sa, &old->intr);
}

/* Restores the handlers; a stop signal caught meanwhile is raised again, now to end the process. */
static void
stop_handlers_restore(StopHandlers *old)
{
  sigaction(SIGTERM, &old->term, NULL);
  sigaction(SIGINT, &old->intr, NULL);
  if (stop_signal)
    raise(stop_signal);
}

/* What the hand-over of one claimed message records. */
typedef struct {
  StoreConn *conn;
  const StoreOutboxClaim *claim;
} HandOver;

/* Just before the end of a message's data goes out: outbox.handed_at, committed. Until then a sender
 * that dies leaves a row the next one sends again; from then on it is in doubt (blind round 20: 30
 * of 33 "in doubt" rows had never left). Not recorded: the message is not ended, the server drops it. */
static gboolean
hand_over(gpointer data)
{
  HandOver *h = data;
  g_autoptr(GError) e = NULL;
  if (store_outbox_mark_handed(h->conn, h->claim, &e))
    return TRUE;
  cli_log(CLI_LOG_WARN, "ack %s not handed over: %s", h->claim->message_id, e->message);
  return FALSE;
}

/* ~90 lines: the claim loop and its three ways to stop (done, server down, bad credentials) read best
 * together. */
gboolean
acks_send_pending(StoreConn *conn, const AcksSmtpConfig *cfg, guint *sent_out, guint *failed_out,
                  GError **error)
{
  guint sent = 0, failed = 0;
  if (sent_out)
    *sent_out = 0;
  if (failed_out)
    *failed_out = 0;
  if (!cfg->url || !*cfg->url) {
    cli_log(CLI_LOG_WARN, "no [smtp] url configured: acknowledgements stay in the outbox");
    return TRUE;
  }
  if (cfg->password_problem) {
    /* not a login refused: nothing is tried, so nothing is used up (the alert comes from the wait) */
    g_set_error(error, FETCHER_ERROR, FETCHER_ERROR_CONFIG, "%s: acknowledgements stay in the outbox",
                cfg->password_problem);
    return FALSE;
  }
  FetcherSmtpOptions so = {
    .url = cfg->url,
    .user = cfg->user,
    .password = cfg->password,
    .tls_verify = cfg->tls_verify,
    .ca_file = cfg->ca_file,
    .require_tls = cfg->require_tls,
    .connect_timeout_s = cfg->connect_timeout_s,
    .timeout_s = cfg->timeout_s,
  };
  g_autoptr(FetcherSmtp) smtp = fetcher_smtp_open(&so, error);
  if (!smtp)
    return FALSE;
  g_autofree char *envelope = NULL;
  if (cfg->envelope_from && g_str_equal(cfg->envelope_from, "<>"))
    envelope = g_strdup("");
  else
    envelope = cfg->envelope_from ? g_strdup(cfg->envelope_from) : address_of(cfg->from);
  guint batch = cfg->batch ? cfg->batch : 1;
  /* the lease outlives the whole batch: each message may take a connect and a transfer timeout */
  guint lease = batch * (cfg->connect_timeout_s + cfg->timeout_s) + 60;
  gboolean ok = TRUE;
  StopHandlers handlers;
  stop_handlers_install(&handlers);
  for (;;) {
    if (stop_signal)
      break;
    g_autoptr(GPtrArray) claims = store_outbox_claim(conn, batch, lease, error);
    if (!claims) {
      ok = FALSE;
      break;
    }
    if (claims->len == 0)
      break;
    for (guint i = 0; i < claims->len; i++) {
      StoreOutboxClaim *c = g_ptr_array_index(claims, i);
      if (stop_signal) {
        release_rest(conn, claims, i);
        break;
      }
      gsize len = 0;
      const char *data = g_bytes_get_data(c->data, &len);
      g_autofree char *reply = NULL;
      gboolean permanent = FALSE;
      g_autoptr(GError) send_error = NULL;
      g_autoptr(GError) mark_error = NULL;
      g_autoptr(GPtrArray) to = g_ptr_array_new(); /* the To, then the Cc: one SMTP transaction */
      g_ptr_array_add(to, c->recipient);
      for (guint k = 0; c->cc && c->cc[k]; k++)
        g_ptr_array_add(to, c->cc[k]);
      g_ptr_array_add(to, NULL);
      HandOver h = { conn, c };
      fetcher_smtp_set_hand_over(smtp, hand_over, &h);
      gboolean delivered = fetcher_smtp_send_to(smtp, envelope, (const char *const *)to->pdata, data, len,
                                                &reply, &permanent, &send_error);
      fetcher_smtp_set_hand_over(smtp, NULL, NULL);
      if (delivered) {
        if (!store_outbox_mark_sent(conn, c, reply, &mark_error))
          /* delivered but not recorded: the lease runs out and ops see it as failed — never resent */
          cli_log(CLI_LOG_ERROR, "ack %s was delivered but could not be recorded: %s", c->message_id,
                  mark_error->message);
        else
          sent++;
        cli_log(CLI_LOG_DEBUG, "ack %s to %s: %s", c->message_id, c->recipient, reply ? reply : "sent");
        continue;
      }
      Failure f = record_failure(conn, cfg, smtp, c, send_error, reply, permanent);
      if (f.given_up)
        failed++;
      if (f.stop_batch) {
        release_rest(conn, claims, i + 1);
        if (f.stop_run) {
          g_propagate_error(error, g_steal_pointer(&send_error));
          ok = FALSE;
        } else if (f.given_up && fetcher_smtp_in_doubt(smtp)) {
          /* the one in doubt was said above ("in doubt"); the others wait (blind round 11c:
           * a second line called the same event a retry) */
          cli_log(CLI_LOG_WARN,
                  "the connection broke after an acknowledgement's data: the others stay pending"
                  " and are retried later");
        } else {
          cli_log(CLI_LOG_WARN, "%s: acknowledgements stay pending and are retried later",
                  send_error->message);
        }
        goto done;
      }
    }
  }
done:
  if (sent_out)
    *sent_out = sent;
  if (failed_out)
    *failed_out = failed;
  if (stop_signal)
    cli_log(CLI_LOG_WARN,
            "stopped by %s after %u acknowledgement(s): the others stay pending for the next run",
            stop_signal == SIGTERM ? "SIGTERM" : "SIGINT", sent);
  stop_handlers_restore(&handlers);
  return ok;
}
