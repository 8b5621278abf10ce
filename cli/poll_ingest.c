/* cli/poll_ingest.c: one mailbox's new mail for `intake poll` — fetch → parse → store, many mails per
 * transaction (write-behind, a savepoint when a mail needs one) → flag on the server. A mail is
 * flagged or moved only after its transaction committed (by the thread of the next fetch, or at the
 * end); a crash in between leaves a mailbox_uids row without marked_at, which the next run flags first. */
#include "poll_ingest.h"
#include "acks_send.h"
#include "fetch_ahead.h"
#include "parse_ahead.h"
#include "parser.h"
#include "pipeline.h"

#include <string.h>

/* One fetch (and the one made ahead of it): up to FETCH_BATCH mails or FETCH_BYTES of them (at least
 * one). 64 rather than 16: the mails of one fetch are read from PostgreSQL in groups, and groups cut
 * short at the end of a fetch each waited for the rows written before them — 2,462 -> 2,949 mails/s
 * (A/B, 3,000 mails); 128 rather than 64: +4.7 % and +2.9 % (A/Bs of 3,000 sample and 4-KB mails, the
 * same CPU per mail: fewer cuts), in two sessions; 256 was no better. The bytes bound keeps a run of
 * photo-laden mails from filling memory. */
#define FETCH_BATCH 128
#define FETCH_BYTES (4u << 20)
/* Fetches over whose mails are not stored yet: the next fetch starts as soon as one is over, not
 * only when the poll turns to its mails, while fewer than FETCH_QUEUE (and FETCH_BYTES of mail) wait.
 * The IMAP server, the fetch thread and the parsing worker then work while the poll waits for
 * PostgreSQL, instead of waiting with it: a fifth of a poll had one core idle, PostgreSQL alone on
 * the other (sched_switch, 4,000 mails). */
#define FETCH_QUEUE 2
/* Group commit: one transaction (one WAL flush, one UID STORE) for up to batch_mails() mails,
 * BATCH_SAVEPOINTS savepoints or BATCH_USEC of work, whichever comes first. At each commit the poll
 * waits for PostgreSQL to finish the batch's rows, and PostgreSQL then waits for the next mails
 * (sched_switch: a tenth of a poll at 256 mails). 1,024 mails rather than 256: +7.5 % (A/Bs of
 * 4,000 4-KB mails, 6 rounds; 4,096 was +3 % more, within noise, and a batch done again one by one
 * (redo_batch) takes a few times longer); 256 measured 5 % faster than 64. The time bound keeps a
 * batch's locks (the day's order counter) short whatever its size. A mail with write-behind on needs
 * a savepoint only when it is a duplicate, a follow-up or fails; with it off every mail has one, and
 * 60 keeps the batch within PostgreSQL's per-backend cache of subtransactions (64,
 * PGPROC_MAX_CACHED_SUBXIDS), which other sessions' snapshots would otherwise pay for. */
#define BATCH_MAILS 1024
#define BATCH_SAVEPOINTS 60
#define BATCH_USEC G_USEC_PER_SEC

typedef CliPollStats PollStats;

/* A fetch that is over, its mails not stored yet. */
typedef struct {
  GPtrArray *msgs; /* NULL: the fetch (or the flagging before it) failed, error says why */
  GError *error;
  guint at, taken; /* it took the poll's UIDs [at, at + taken) */
  gsize bytes;
} Fetched;

typedef struct {
  CliConfig *config;
  const CliMailbox *mb;
  StoreConn *conn;
  FetcherSession *imap;
  CliStatusAhead *status;     /* the STATUS asked ahead, until poll_mailbox takes it */
  ParserConfig *parser;       /* set once there is new mail (cli_parser_config_need) */
  ParserConfig **parser_slot; /* the run's, loaded on first need: a poll with nothing new skips it */
  ClassifierPolicy **policy;  /* loaded on first need: a poll with nothing new skips it */
  const AcksSmtpConfig *acks;
  const char *mailbox_key;
  CliParseAhead *ahead;       /* parses the fetched mails while the ones before them are stored */
  CliFetchAhead *fetching;    /* the next mails' fetch, meanwhile: the session is its until waited for */
  GArray *uids;               /* the poll's new mails */
  guint fetch_at;             /* the UID index the fetch in flight starts at */
  GQueue fetched;             /* Fetched*, in order: fetches over, their mails not stored yet */
  gsize fetched_bytes;        /* their mails' bytes */
  guint chain_at;             /* where the next fetch starts (the end of the last one over) */
  gboolean chain;             /* the next fetch may start: the last one over took its mails, none refused */
  const char *const *sn_keys; /* the SN keys of the mail being stored, made with its parse (or NULL) */
  /* the mail's reads sent with its insert (one round trip): registry rows, acknowledgement counts */
  StoreAhead *asset_ahead, *caps_ahead;
  /* with write-behind: the same reads (and which keys are stored) for a group of mails of the fetch,
   * one statement each for all of them; the group is the fetch's mails [.., group_to) */
  StoreAhead *group_assets, *group_caps, *group_known;
  guint group_to;
  GPtrArray *group_finds;    /* StoreAhead* or NULL: the follow-up look-up of the fetch's mail k */
  StoreAhead *find_ahead;    /* the mail being stored's, from group_finds (or NULL) */
  const char *recurrence_of; /* the closed order the new order's fault came back after, or NULL */
  StoreMailbox mailbox;
  PollStats stats;
  GArray *batch;      /* UIDs stored in the open transaction: flagged after it commits */
  GArray *to_mark;    /* committed, not flagged yet: flagged by the next fetch ahead, or at the end */
  GArray *marked;     /* flagged, marked_at not recorded yet: recorded with the next commit, or at the end */
  gboolean in_batch;  /* a transaction is open */
  gboolean unit_held; /* it holds a mail's savepoint (kept until the next mail's or COMMIT) */
  gint64 batch_started;  /* monotonic µs of its BEGIN */
  PollStats batch_stats; /* at its BEGIN: what a rollback restores */
  guint32 batch_first;   /* the first mail of the open batch (0: none yet) */
  guint fetched_before;  /* stats.fetched before it */
  guint32 last_seen;     /* the last mail ingested */
  guint32 slow_until;    /* write-behind is off until the batch with this mail commits (0: on) */
  gboolean behind;       /* write-behind is on (poll_behind) */
  guint batch_mails;     /* mails per transaction at most (batch_mails()) */
} Poll;

static gboolean batch_begin(Poll *p, GError **error);

static void
poll_behind(Poll *p, gboolean on)
{
  p->behind = on;
  store_behind_set(p->conn, on);
}

/* A mail's savepoint in the open batch (opening it if need be); the one before is kept. */
static gboolean
unit_begin(Poll *p, GError **error)
{
  if (!batch_begin(p, error) ||
      !(p->unit_held ? store_savepoint_next(p->conn, error) : store_savepoint(p->conn, error)))
    return FALSE;
  p->unit_held = TRUE;
  return TRUE;
}

/* Once the run has mail to store: a database behind this intake (an upgrade without `db migrate`) is
 * said on every such poll, so cron's mail tells it (blind round 20: exit 0, nothing said, the mail
 * taken with the older rules). */
static void
warn_schema_behind(Poll *p)
{
  StoreSchemaState st;
  g_autoptr(GError) e = NULL;
  if (!p->config->sql_dir || !store_schema_state(p->conn, p->config->sql_dir, &st, &e))
    return;
  if (st.missing->len)
    cli_log(
      CLI_LOG_WARN,
      "the database lacks %u migration(s) of this intake (the first %s): run `intake db migrate` — until "
      "then mail is taken with the older schema's rules, or fails where the new code needs the new",
      st.missing->len, (const char *)g_ptr_array_index(st.missing, 0));
  store_schema_state_clear(&st);
}

static ClassifierPolicy *
need_policy(Poll *p, GError **error)
{
  if (!*p->policy && (*p->policy = pipeline_policy_load(p->conn, error))) {
    classifier_policy_set_explain(*p->policy, FALSE); /* the poll never prints the trail */
    warn_schema_behind(p);
  }
  return *p->policy;
}

/* One order for a mail (classified when it could be parsed; req may show one machine of a batch
 * report: pipeline_machine_enter), inside the transaction; an unreadable mail becomes an order for
 * review with review_reason. *result (may be NULL) receives the classification (caller frees). */
static char *
insert_order(Poll *p, ParserRequest *req, const StoreIncoming *in, gint64 message_row, GDateTime *received,
             const char *review_reason, guint machine_index, gint64 *order_id, ClassifierResult **result_out,
             GError **error)
{
  /* a mail reporting more machines than [limits] max_machines: one order, for a person to split */
  gboolean too_many = req && req->machines_reported > 0;
  StoreOrder o = {
    .message_row = message_row,
    .received_at = received,
    /* a mail read only in part is in the queue (its text is there) and listed for review */
    .status = req && !too_many ? "queued" : "needs_review",
    .review_reason = too_many ? "too_many_machines" : review_reason,
    .from_addr = in->from_addr,
    .subject = in->subject,
    .machine_index = machine_index,
    .recurrence_of = p->recurrence_of,
  };
  PipelineOrderHolder holder = { 0 };
  g_autoptr(ClassifierResult) result = NULL;
  if (req) {
    g_autofree char *warning = NULL;
    g_autoptr(StoreAhead) ahead = machine_index == 0 ? g_steal_pointer(&p->asset_ahead) : NULL;
    g_autoptr(ClassifierAsset) asset =
      ahead ? pipeline_asset_take(p->conn, ahead, req, p->sn_keys, &warning, error)
            : pipeline_asset_lookup(p->conn, req, &warning, error);
    if (!asset && error && *error)
      return NULL;
    if (warning)
      cli_log(CLI_LOG_WARN, "%s", warning);
    ClassifierPolicy *policy = need_policy(p, error);
    if (!policy)
      return NULL;
    result = classifier_classify(policy, req, asset, received, error);
    if (!result)
      return NULL;
    pipeline_order_fill(&o, &holder, policy, req, result);
    g_ptr_array_add(req->sn_candidates, NULL);
    o.sn_candidates = (const char *const *)req->sn_candidates->pdata;
  }
  char *order_no = store_order_insert(p->conn, &o, order_id, error);
  if (req)
    g_ptr_array_set_size(req->sn_candidates, req->sn_candidates->len - 1);
  pipeline_order_holder_clear(&holder);
  if (order_no && result_out)
    *result_out = g_steal_pointer(&result);
  return order_no;
}

/* The new orders of a mail, inside its transaction: one per machine it reports (a batch report:
 * each classified on its own) but the machines of skip (bit = index: the one a follow-up was about,
 * and those with orders already),
 * then ONE acknowledgement, the first order's, which lists them all. Returns the first order's
 * number; *n_orders receives how many were made. */
static char *
new_order(Poll *p, ParserRequest *req, const StoreIncoming *in, gint64 message_row, GDateTime *received,
          const char *review_reason, guint64 skip, guint *n_orders, GError **error)
{
  /* An order number that matches no order (a typo, another vendor's): a new request. */
  if (req && req->followup_of) {
    cli_log(CLI_LOG_INFO, "names order %s, which does not exist: new order", req->followup_of);
    g_clear_pointer(&req->followup_of, g_free);
  }
  guint n = req ? pipeline_machine_count(req) : 1;
  gint64 order_id = 0;
  g_autofree char *order_no = NULL;
  g_autoptr(ClassifierResult) result = NULL;
  guint made = 0, first = 0;
  for (guint k = 0; k < n; k++) {
    if (k < 64 && (skip >> k & 1))
      continue;
    made++;
    PipelineMachineSaved saved = { 0 };
    if (n > 1)
      pipeline_machine_enter(req, k, &saved);
    gint64 id = 0;
    g_autoptr(ClassifierResult) r = NULL;
    g_autofree char *no = insert_order(p, req, in, message_row, received, review_reason, k, &id, &r, error);
    pipeline_machine_leave(req, &saved);
    if (!no)
      return NULL;
    if (n > 1)
      cli_log(CLI_LOG_DEBUG, "machine %u of %u: order %s", k + 1, n, no);
    if (!order_no) {
      cli_log_field("order", no);
      first = k;
      order_id = id;
      order_no = g_steal_pointer(&no);
      result = g_steal_pointer(&r);
    }
  }
  *n_orders = made;
  /* the acknowledgement is decided and written in the orders' own transaction, after all of them:
   * it lists every order of the mail; one order of several machines (the others' a follow-up):
   * it tells that machine */
  PipelineMachineSaved one = { 0 };
  if (made == 1 && n > 1)
    pipeline_machine_enter(req, first, &one);
  AcksOrder ao = {
    .order_id = order_id,
    .order_no = order_no,
    .request = req,
    .result = result,
    .raw = in->data,
    .raw_len = in->len,
    .time_zone = *p->policy ? classifier_policy_time_zone(*p->policy) : NULL,
    .received = received,
    .n_orders = made,
    .caps = p->caps_ahead,
    .recurrence_of = p->recurrence_of,
  };
  g_autofree char *outcome = NULL;
  gboolean queued = acks_queue_order(p->conn, p->acks, &ao, &outcome, error);
  pipeline_machine_leave(req, &one);
  if (!queued)
    return NULL;
  if (g_strcmp0(outcome, "queued") == 0)
    p->stats.acks_queued++;
  else if (outcome && !g_str_has_prefix(outcome, "suppressed"))
    cli_log(CLI_LOG_WARN, "acknowledgement %s", outcome);
  else
    cli_log(CLI_LOG_DEBUG, "acknowledgement %s", outcome);
  return g_steal_pointer(&order_no);
}

/* Why the mail's orders need a person: it gave no request, or only its first bytes were read (NULL:
 * none). */
static const char *
review_reason(const FetcherMessage *m, const ParserRequest *req)
{
  return m->truncated ? "oversize" : req ? NULL : m->error ? "unfetchable" : "unprocessable";
}

/* A follow-up read only in part: the order's history says where the rest is. */
static gboolean
oversize_note(Poll *p, const FetcherMessage *m, const ParserRequest *req, gint64 order_id, GError **error)
{
  if (!m->truncated)
    return TRUE;
  g_autofree char *note = g_strdup_printf("follow-up mail %s is over max_bytes (%" G_GUINT64_FORMAT
                                          " bytes on the server): only its first bytes"
                                          " are stored; read the rest (its attachments) on the mail server",
                                          req->message_id ? req->message_id : "(no Message-ID)", m->size);
  return store_order_note(p->conn, order_id, "followup", note, error);
}

/* req names an order or other mails: place() looks for the order it follows up (and
 * group_finds_send sends that look-up ahead for the same mails). */
static gboolean
find_wanted(const ParserRequest *req)
{
  return req && !req->ignored_reason && (req->followup_of || req->references->len > 0);
}

/* One mail, one transaction: the message, its server UID, and then a new order, or the
 * follow-up attached to its order, or nothing for a duplicate or ignored mail. */
/* Inside the mail's transaction, after its row is stored: what it becomes — nothing more for a
 * duplicate or ignored mail, a follow-up of its order, or a new order (for review when unreadable).
 * *order_no (caller frees) and *what describe it for the log. */
static gboolean
place(Poll *p, const FetcherMessage *m, ParserRequest *req, const StoreIncoming *in, const StoreIngest *out,
      GDateTime *received, char **order_no, const char **what, GError **error)
{
  if (out->duplicate) {
    p->stats.duplicates++;
    *what = "already stored";
  } else if (req && req->ignored_reason) {
    p->stats.ignored++;
    *what = req->ignored_reason;
  } else {
    gint64 order_id = 0;
    if (find_wanted(req)) {
      g_ptr_array_add(req->references, NULL);
      gboolean ok = store_order_find(p->conn, req->followup_of, (const char *const *)req->references->pdata,
                                     p->find_ahead, &order_id, error);
      g_ptr_array_set_size(req->references, req->references->len - 1);
      if (!ok)
        return FALSE;
    }
    /* "刚才发的邮件忘了写地址…": names no order, but adds to the sender's open one */
    gboolean supplement = !order_id && req && req->supplement;
    /* the SN it names, labelled or not (an unlabelled one is a candidate until the registry is read) */
    const char *named = pipeline_named_sn(req);
    if (supplement && !store_order_find_supplement(p->conn, req->from_addr,
                                                   parser_company_domain(p->parser, req->from_addr), named,
                                                   received, &order_id, error))
      return FALSE;
    /* "上周报的那台 RCS… 还没人来": no number, but it chases the open order of the one machine it
     * names (blind round 14: a new order asked the complaining customer for everything again) */
    gboolean chase = !order_id && req && req->chase && named && pipeline_machine_count(req) == 1;
    if (chase && !store_order_find_open(p->conn, named, received, &order_id, error))
      return FALSE;
    /* from someone that order does not know (a colleague's free mail, another company): a report of
     * its own, acknowledged, as before — not a follow-up held for review without an answer */
    gboolean known = TRUE;
    if (chase && order_id && !pipeline_sender_known(p->conn, p->parser, order_id, req, &known, error))
      return FALSE;
    if (chase && !known)
      order_id = 0;
    PipelineFollowup fu = { .machine = G_MAXUINT };
    g_autofree char *recurrence_of = NULL;
    gint64 recurred = 0; /* the order the mail named, noted with the new order's number */
    if (order_id) {
      if (!need_policy(p, error) || !pipeline_followup(p->conn, p->parser, &p->config->limits, *p->policy,
                                                       order_id, out->message_row, req, order_no, &fu, error))
        return FALSE;
      if (fu.machine != G_MAXUINT) {
        /* "1. RCS…0102: 上周报修的 RC…-0001 至今未处理  2. RCS…0103: 内存告警": the order's machine
         * was its follow-up, the others are new orders (their own priority and clock) */
        p->stats.followups++;
        if (!oversize_note(p, m, req, order_id, error))
          return FALSE;
        g_clear_pointer(&req->followup_of, g_free);
        guint made = 0;
        g_autofree char *first = new_order(p, req, in, out->message_row, received, review_reason(m, req),
                                           fu.siblings | G_GUINT64_CONSTANT(1) << fu.machine, &made, error);
        if (!first)
          return FALSE;
        p->stats.orders += made;
        cli_log(CLI_LOG_INFO, "follow-up of %s for %s, and %u new order(s) for the mail's other machines",
                *order_no, ((ParserMachine *)g_ptr_array_index(req->machines, fu.machine))->sn, made);
        g_free(*order_no);
        *order_no = g_steal_pointer(&first);
        *what = "follow-up and new order";
        return TRUE;
      }
      if (fu.other_machine) {
        /* "上次那单…谢谢。另外今天又有一台宕机了：SN …": a new order, its own priority and clock */
        cli_log(CLI_LOG_INFO, "names order %s but reports a fault of another machine (%s): new order",
                *order_no, req->sn);
        pipeline_other_machine_words(p->parser, req, *order_no); /* a chase of that order is noted there */
        g_clear_pointer(order_no, g_free);
        recurred = order_id; /* noted there: the mail may chase it too ("催办…另外一台…") */
        if (fu.linked)
          p->stats.followups++;
        /* that machine only: the old order's SN in the quoted acknowledgement is a registered
         * candidate the registry would prefer (blind round 12: the new order took the old machine) */
        if (req->sn) {
          g_ptr_array_set_size(req->sn_candidates, 0);
          g_ptr_array_add(req->sn_candidates, g_strdup(req->sn));
        }
      } else if (fu.recurrence) {
        /* "又宕机了" in the thread of a closed order: a new outage, its own deadlines */
        cli_log(CLI_LOG_INFO, "reports a fault again in the thread of closed order %s: new order", *order_no);
        recurrence_of = g_steal_pointer(order_no);
        recurred = order_id;
      }
      if (fu.other_machine || fu.recurrence) {
        g_clear_pointer(&req->followup_of, g_free);
        order_id = 0;
        /* its SN is not what the mail's parse looked up ahead (another machine only, or the old
         * order's filled in): the registry is read again for it */
        g_clear_pointer(&p->asset_ahead, store_ahead_unref);
        p->sn_keys = NULL;
      }
    }
    if (order_id) {
      p->stats.followups++;
      cli_log_field("order", *order_no);
      if (!oversize_note(p, m, req, order_id, error))
        return FALSE;
      *what = supplement ? "supplement to" : chase ? "chase of" : "follow-up of";
    } else {
      guint made = 0;
      p->recurrence_of = recurrence_of;
      *order_no = new_order(p, req, in, out->message_row, received, review_reason(m, req), 0, &made, error);
      p->recurrence_of = NULL;
      if (!*order_no)
        return FALSE;
      if (recurred) {
        const char *mid = req->message_id ? req->message_id : "(no Message-ID)";
        g_autofree char *note =
          recurrence_of ? g_strdup_printf(
                            "follow-up mail %s reports a fault again: new order %s (the order stays closed)",
                            mid, *order_no)
          : fu.linked
            ? g_strdup_printf("mail %s (in this thread) also reports another machine's fault: new order %s",
                              mid, *order_no)
            : g_strdup_printf("mail %s names this order and reports another machine's fault: new order %s"
                              " (read it there, intake.order_thread, if it asks about this one too)",
                              mid, *order_no);
        if (!store_order_note(p->conn, recurred, "followup", note, error))
          return FALSE;
      }
      if (req)
        p->stats.orders += made;
      else
        p->stats.quarantined++;
      *what = req ? "new order" : "needs review:";
    }
  }
  return TRUE;
}

/* At most max bytes of s as valid UTF-8 without NUL, for a quarantined mail's order. */
static char *
safe_prefix(const char *s, gsize max)
{
  if (!s)
    return NULL;
  g_autofree char *valid = g_utf8_make_valid(s, -1);
  const char *end = valid + MIN(strlen(valid), max);
  while (end > valid && !g_utf8_validate(valid, end - valid, NULL))
    end--; /* not inside a character */
  return g_strndup(valid, (gsize)(end - valid));
}

/* The mail failed in a way that will repeat (a constraint, an encoding, a size, a bug): what it did
 * is rolled back to its savepoint (the other mails of the batch stay) and, instead of stopping the
 * mailbox at it for good, it is stored raw with an order for review (review_reason quarantined,
 * parse_error the failure); if even that fails, its UID is recorded with the error
 * (intake.quarantine). Either way it is then flagged like any stored mail, with its batch. A
 * transient failure (the database went away) ends the poll as before: nothing of the open batch is
 * flagged. *error holds the failure on entry; FALSE leaves the one that ends the poll there. */
static gboolean
quarantine(Poll *p, const FetcherMessage *m, const StoreIncoming *in, GDateTime *received, GError **error)
{
  if (store_error_transient(*error) || store_behind_failed(p->conn))
    return FALSE; /* not this mail's fault, or not only this mail's: the batch is done again (ingest_all) */
  g_autoptr(GError) rerr = NULL;
  if (!store_savepoint_rollback(p->conn, &rerr)) {
    g_clear_error(error);
    g_propagate_error(error, g_steal_pointer(&rerr));
    return FALSE;
  }
  cli_log(CLI_LOG_WARN, "quarantined for review: %s", (*error)->message);
  g_autofree char *why = g_strdup_printf("quarantined: %s", (*error)->message);
  g_autofree char *from = safe_prefix(in->from_addr, 200);
  g_autofree char *subject = safe_prefix(in->subject, 200);
  StoreIncoming q = { .data = in->data,
                      .len = in->len,
                      .uid = in->uid,
                      .internal_date = in->internal_date,
                      .dedupe_key = in->dedupe_key,
                      .message_id = in->message_id,
                      .from_addr = from,
                      .subject = subject,
                      .parse_error = why };
  StoreIngest out = { 0 };
  g_autoptr(GError) qerr = NULL;
  g_autofree char *order_no = NULL;
  guint made = 0;
  if (store_message_insert(p->conn, &p->mailbox, &q, &out, &qerr) &&
      (out.duplicate ||
       (order_no = new_order(p, NULL, &q, out.message_row, received, "quarantined", 0, &made, &qerr)))) {
    p->stats.quarantined++;
    g_clear_error(error);
    return TRUE;
  }
  if (store_error_transient(qerr) || !store_savepoint_rollback(p->conn, &rerr)) {
    g_clear_error(error);
    g_propagate_error(error, rerr ? g_steal_pointer(&rerr) : g_steal_pointer(&qerr));
    return FALSE;
  }
  cli_log(CLI_LOG_ERROR, "could not be stored: %s; recorded in intake.quarantine", qerr->message);
  g_autofree char *both =
    g_strdup_printf("%s; storing it raw failed too: %s", (*error)->message, qerr->message);
  g_clear_error(error);
  if (!store_mailbox_quarantine_uid(p->conn, &p->mailbox, m->uid, in->len, both, error))
    return FALSE;
  p->stats.quarantined++;
  return TRUE;
}

/* The mail a log line is about: uid=N (and order=… once it has one) on every line until uid 0. */
static void
log_mail(guint32 uid)
{
  char text[16];
  g_snprintf(text, sizeof text, "%u", uid);
  cli_log_field("uid", uid ? text : NULL);
  cli_log_field("order", NULL);
}

/* The follow-up look-ups of the group's mails [k, j), sent with its reads. */
static gboolean
group_finds_send(Poll *p, CliParsed **parsed, guint k, guint j, GError **error)
{
  for (guint i = k; i < j; i++) {
    ParserRequest *req = parsed[i] ? parsed[i]->request : NULL;
    if (!find_wanted(req))
      continue;
    if (!p->group_finds)
      p->group_finds = g_ptr_array_new_with_free_func((GDestroyNotify)store_ahead_unref);
    g_ptr_array_set_size(p->group_finds, j);
    g_ptr_array_add(req->references, NULL);
    StoreAhead *a =
      store_order_find_ahead(p->conn, req->followup_of, (const char *const *)req->references->pdata, error);
    g_ptr_array_set_size(req->references, req->references->len - 1);
    if (!a)
      return FALSE;
    g_ptr_array_index(p->group_finds, i) = a;
  }
  return TRUE;
}

/* The reads a new one-machine order of req will make, sent ahead with the mail's insert (a batch
 * report, a duplicate or a follow-up reads its own when it needs them; these then go unused). */
/* A new one-machine order will be made of req (unless it is a duplicate or a follow-up). */
static gboolean
reads_wanted(const ParserRequest *req)
{
  return req && !req->ignored_reason && pipeline_machine_count(req) == 1;
}

static gboolean
reads_ahead(Poll *p, const ParserRequest *req, GError **error)
{
  if (!reads_wanted(req))
    return TRUE;
  if (p->group_known) { /* read with its group's */
    p->asset_ahead = p->group_assets ? store_ahead_ref(p->group_assets) : NULL;
    p->caps_ahead = p->group_caps ? store_ahead_ref(p->group_caps) : NULL;
    return TRUE;
  }
  g_autoptr(GError) e = NULL;
  p->asset_ahead = pipeline_asset_lookup_ahead(p->conn, req, &e);
  if (!e)
    p->caps_ahead = acks_caps_ahead(p->conn, p->acks, req, &e);
  if (!e)
    return TRUE;
  g_propagate_error(error, g_steal_pointer(&e));
  return FALSE;
}

static void
reads_ahead_clear(Poll *p)
{
  g_clear_pointer(&p->asset_ahead, store_ahead_unref);
  g_clear_pointer(&p->caps_ahead, store_ahead_unref);
}

/* parsed: what the worker read of a whole mail (NULL: the mail is parsed here). */
static gboolean
ingest_mail(Poll *p, const FetcherMessage *m, CliParsed *parsed, GError **error)
{
  gsize len = 0;
  const char *data = m->raw ? g_bytes_get_data(m->raw, &len) : NULL;
  if (!data)
    data = "";
  /* parsed is only borrowed: the caller hands it back to the worker, whose memory it is (freed there,
   * not here against the worker's malloc arena); what is made here is here's */
  g_autoptr(CliParsed) here = NULL;
  if (m->error) {
    /* The server's answer for this mail could not be read: it stays on the server, and a person
     * is pointed at it; the mails after it go on. */
    here = g_new0(CliParsed, 1);
    g_set_error(&here->error, FETCHER_ERROR, FETCHER_ERROR_PROTOCOL, "could not fetch UID %u of %s: %s",
                m->uid, fetcher_session_mailbox(p->imap), m->error);
    here->dedupe_key = g_strdup_printf("unfetchable:%s:%" G_GINT64_FORMAT ":%u", p->mailbox_key,
                                       p->mailbox.uidvalidity, m->uid);
  } else if (m->truncated) {
    /* Over max_bytes on the server: only its header and first bytes were fetched. What they say is
     * read — the text comes before the photos and videos that make a mail that big — and becomes an
     * order like any other, acknowledged, flagged `oversize` for a person to open the rest on the
     * server (blind round 20: a customer's mail with a video got no order number back). */
    here = cli_parse_now(p->parser, &p->config->limits, m);
    g_clear_error(&here->error);
    g_set_error(&here->error, PARSER_ERROR, PARSER_ERROR_TOO_LARGE,
                "oversize: %" G_GUINT64_FORMAT " bytes on the server, over max_bytes (%" G_GSIZE_FORMAT
                "): only its header and first %" G_GSIZE_FORMAT " bytes are stored",
                m->size, p->config->limits.max_bytes, len);
  } else if (!parsed) {
    here = cli_parse_now(p->parser, &p->config->limits, m);
  }
  const CliParsed *r = here ? here : parsed;
  ParserRequest *req = r->request;
  const GError *perr = r->error;
  const char *dedupe = r->dedupe_key, *parts = r->parts_json, *attachments = r->attachments_json,
             *sha256 = r->sha256;
  p->sn_keys = (const char *const *)r->sn_keys; /* pipeline_asset_take's, instead of making them again */

  GDateTime *received = m->internal_date;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc();
  if (!received && req)
    received = req->received ? req->received : req->date;
  if (!received)
    received = now;

  StoreIncoming in = {
    .data = data,
    .len = len,
    .uid = m->uid,
    .internal_date = m->internal_date,
    .dedupe_key = dedupe,
    .message_id = req ? req->message_id : NULL,
    .from_addr = req ? req->from_addr : NULL,
    .from_display = req ? req->from : NULL,
    .subject = req ? req->subject : NULL,
    .parse_error = perr ? perr->message : NULL,
    .ignored_reason = req ? req->ignored_reason : NULL,
    .parts_json = parts,
    .text = req ? req->text : NULL,
    .attachments_json = attachments,
    .known = parsed ? p->group_known : NULL, /* it has the keys of the group's parsed mails only */
    .sha256 = sha256,
  };
  g_autofree char *order_no = NULL;
  const char *what = NULL;
  StoreIngest out = { 0 };
  /* the policy (and the session's time zone) outside the mail's savepoint: a rollback keeps it,
   * and a broken policy ends the poll rather than quarantining every mail */
  if (!need_policy(p, error))
    return FALSE;
  PollStats before = p->stats; /* a mail rolled back counts as quarantined, not as what it began as */
  if (!unit_begin(p, error))
    return FALSE;
  if (!reads_ahead(p, req, error) || !store_message_insert(p->conn, &p->mailbox, &in, &out, error))
    goto fail;
  if (!place(p, m, req, &in, &out, received, &order_no, &what, error) || !store_sync(p->conn, error))
    goto fail;
  cli_log(CLI_LOG_DEBUG, "%s%s%s", what, order_no ? " " : "", order_no ? order_no : "");
  if (perr)
    cli_log(CLI_LOG_WARN, "stored for review: %s", perr->message);
  return TRUE;
fail:
  p->stats = before;
  if (quarantine(p, m, &in, received, error))
    return TRUE;
  g_prefix_error(error, "uid %u: ", m->uid);
  return FALSE;
}

/* One mail: its log lines carry uid= (and order=), the poll's after it do not. */
static gboolean
ingest(Poll *p, const FetcherMessage *m, CliParsed *parsed, GError **error)
{
  log_mail(m->uid);
  if (!p->batch_first) { /* reset when its batch commits */
    p->batch_first = m->uid;
    p->fetched_before = p->stats.fetched - 1; /* counted just before */
  }
  p->last_seen = m->uid;
  gboolean ok = ingest_mail(p, m, parsed, error);
  p->sn_keys = NULL; /* borrowed from the mail's parse, recycled after it */
  reads_ahead_clear(p);
  log_mail(0);
  return ok;
}

static gboolean
mark(Poll *p, GArray *uids, GError **error)
{
  if (uids->len == 0)
    return TRUE;
  cli_fetch_ahead_wait(p->fetching); /* the session is the fetch's until then */
  if (!fetcher_session_mark(p->imap, (const guint32 *)uids->data, uids->len, p->mb->processed_folder, error))
    return FALSE;
  return store_mailbox_mark_done(p->conn, &p->mailbox, (const guint32 *)uids->data, uids->len, error);
}

/* Opens the batch's transaction unless one is open. */
static gboolean
batch_begin(Poll *p, GError **error)
{
  if (p->in_batch)
    return TRUE;
  if (!store_begin(p->conn, error))
    return FALSE;
  p->in_batch = TRUE;
  p->unit_held = FALSE;
  p->batch_started = g_get_monotonic_time();
  p->batch_stats = p->stats;
  return TRUE;
}

/* The open batch is full or old enough to commit. */
static gboolean
batch_due(const Poll *p)
{
  return p->in_batch && (p->batch->len >= p->batch_mails || store_savepoints(p->conn) >= BATCH_SAVEPOINTS ||
                         g_get_monotonic_time() - p->batch_started >= BATCH_USEC);
}

/* The poll ends with a batch open: nothing of it is kept or flagged (it is fetched again next time). */
static void
batch_abort(Poll *p)
{
  if (!p->in_batch)
    return;
  store_rollback(p->conn);
  guint fetched = p->stats.fetched;
  p->stats = p->batch_stats;
  p->stats.fetched = fetched;
  p->in_batch = FALSE;
  g_array_set_size(p->batch, 0);
}

/* marked_at for the mails flagged since it was last recorded (marked is emptied by the caller: inside
 * a batch, only once it committed). */
static gboolean
marked_record(Poll *p, GError **error)
{
  return !p->marked->len || store_mailbox_mark_done(p->conn, &p->mailbox, (const guint32 *)p->marked->data,
                                                    p->marked->len, error);
}

/* Commits the open batch (its mails and the UID high-water mark together, and the marked_at of the
 * mails flagged since the commit before); then — only then — its mails are to be flagged on the
 * server: by the thread of the next fetch (the poll goes on meanwhile instead of waiting for the
 * server; 5-8 % of a poll's time was that wait), or by marks_flush at the end. */
static gboolean
batch_commit(Poll *p, GError **error)
{
  if (!p->in_batch)
    return TRUE;
  guint32 top = 0;
  for (guint i = 0; i < p->batch->len; i++)
    top = MAX(top, g_array_index(p->batch, guint32, i));
  if ((top && !store_mailbox_advance(p->conn, &p->mailbox, top, error)) || !marked_record(p, error) ||
      !store_commit(p->conn, error)) {
    batch_abort(p); /* the marked ones stay to be recorded */
    return FALSE;
  }
  p->in_batch = FALSE;
  p->batch_first = 0;
  g_array_set_size(p->marked, 0);
  g_array_append_vals(p->to_mark, p->batch->data, p->batch->len);
  g_array_set_size(p->batch, 0);
  return TRUE;
}

/* The committed mails to flag, for the fetch about to start (NULL: none); to_mark is empty after. */
static GArray *
take_to_mark(Poll *p)
{
  if (!p->to_mark->len)
    return NULL;
  GArray *uids = g_steal_pointer(&p->to_mark);
  p->to_mark = g_array_new(FALSE, FALSE, sizeof(guint32));
  return uids;
}

/* The fetch of the poll's mails from uids[i] on (at most FETCH_BATCH or FETCH_BYTES), on its thread: it flags
 * the committed mails first, and hands what it fetched to the parsing worker. */
static void
fetch_start(Poll *p, guint i)
{
  p->fetch_at = i;
  p->fetching =
    cli_fetch_ahead_start(p->imap, &g_array_index(p->uids, guint32, i), MIN(FETCH_BATCH, p->uids->len - i),
                          FETCH_BYTES, p->ahead, take_to_mark(p), p->mb->processed_folder);
}

/* The fetch is done (waited for): its mails, and the mails it flagged are to be recorded. */
static GPtrArray *
fetch_finish(Poll *p, guint *taken, GError **error)
{
  g_autoptr(GArray) marked = NULL;
  GPtrArray *msgs = cli_fetch_ahead_finish(g_steal_pointer(&p->fetching), taken, &marked, error);
  if (marked)
    g_array_append_vals(p->marked, marked->data, marked->len);
  return msgs;
}

static void
fetched_free(Fetched *f)
{
  if (f->msgs)
    g_ptr_array_unref(f->msgs);
  g_clear_error(&f->error);
  g_free(f);
}

/* The fetch in flight, waited for, joins the queue; the next one may start after it unless it failed,
 * the server refused one of its mails (the poll stops before that mail or turns to it: refusal) or it
 * took the last UIDs. */
static void
fetch_reap(Poll *p)
{
  Fetched *f = g_new0(Fetched, 1);
  f->at = p->fetch_at;
  f->msgs = fetch_finish(p, &f->taken, &f->error);
  for (guint k = 0; f->msgs && k < f->msgs->len; k++) {
    const FetcherMessage *m = g_ptr_array_index(f->msgs, k);
    f->bytes += m->raw ? g_bytes_get_size(m->raw) : 0;
  }
  p->fetched_bytes += f->bytes;
  p->chain_at = f->at + f->taken;
  p->chain = f->msgs && f->taken && !fetcher_session_refused(p->imap);
  g_queue_push_tail(&p->fetched, f);
}

/* The next fetch, started when none is in flight and the queue has room. */
static void
fetch_chain(Poll *p)
{
  if (!p->fetching && p->chain && p->chain_at < p->uids->len && p->fetched.length < FETCH_QUEUE &&
      p->fetched_bytes < FETCH_BYTES)
    fetch_start(p, p->chain_at);
}

/* Where the poll may wait for PostgreSQL: a fetch that is over is queued and the next one started. */
static void
fetch_poke(Poll *p)
{
  if (p->fetching && cli_fetch_ahead_done(p->fetching))
    fetch_reap(p);
  fetch_chain(p);
}

/* At the end of the poll (no batch open): marked_at recorded for the mails flagged, and (flag) the
 * committed mails not flagged yet flagged. */
static gboolean
marks_flush(Poll *p, gboolean flag, GError **error)
{
  if (!marked_record(p, error))
    return FALSE;
  g_array_set_size(p->marked, 0);
  if (flag && !mark(p, p->to_mark, error))
    return FALSE;
  g_array_set_size(p->to_mark, 0);
  return TRUE;
}

/* After a fetch: a mail the server refused (FETCH NO) is asked for again at the next poll — the
 * mails before it are committed and flagged, and the poll stops before it (FALSE with the reason) —
 * until it has been refused for [imap] refused_for; then it is kept for review as unfetchable (an
 * order in needs_review, flagged with its batch) so the mails after it are not blocked for ever.
 * *refused: its UID when kept, else 0. */
static gboolean
refusal(Poll *p, guint32 *refused, GError **error)
{
  *refused = 0;
  guint32 uid = 0;
  g_autofree char *why = NULL;
  if (!fetcher_session_take_refusal(p->imap, &uid, &why))
    return TRUE;
  gboolean give_up = FALSE;
  guint attempts = 0;
  if (!batch_begin(p, error) ||
      !store_mailbox_fetch_refused(p->conn, &p->mailbox, uid, why, p->mb->refused_for_s, &give_up, &attempts,
                                   error))
    return FALSE;
  if (!give_up) {
    if (!batch_commit(p, error)) /* the refusal counted, the mails before it kept and flagged */
      return FALSE;
    g_set_error(
      error, FETCHER_ERROR, FETCHER_ERROR_PROTOCOL,
      "UID %u refused by the server (%s), %u time(s): asked again at the next poll; kept for review "
      "if still refused after refused_for",
      uid, why ? why : "NO", attempts);
    return FALSE;
  }
  cli_log(CLI_LOG_WARN, "uid %u: refused by the server %u times since refused_for ago: kept for review", uid,
          attempts);
  g_autofree char *failed = g_strdup_printf("refused by the server %u times: %s", attempts, why ? why : "NO");
  FetcherMessage *m = fetcher_message_new_failed(uid, failed);
  p->stats.fetched++;
  gboolean ok = ingest(p, m, NULL, error);
  fetcher_message_free(m);
  if (!ok)
    return FALSE;
  g_array_append_val(p->batch, uid);
  *refused = uid;
  return TRUE;
}

static void
group_clear(Poll *p)
{
  g_clear_pointer(&p->group_assets, store_ahead_unref);
  g_clear_pointer(&p->group_caps, store_ahead_unref);
  g_clear_pointer(&p->group_known, store_ahead_unref);
  g_clear_pointer(&p->group_finds, g_ptr_array_unref);
  p->group_to = 0;
}

/* The poll stops early: the fetch ahead is waited for and dropped, with every parse not taken (the
 * mails they are of are freed next). */
static void
ahead_stop(Poll *p)
{
  g_autoptr(GPtrArray) fetched = NULL;
  if (p->fetching)
    fetched = fetch_finish(p, NULL, NULL);
  if (p->ahead)
    cli_parse_ahead_drain(p->ahead);
  /* after the drain: the worker no longer reads their mails */
  g_queue_clear_full(&p->fetched, (GDestroyNotify)fetched_free);
  p->fetched_bytes = 0;
  p->chain = FALSE;
}

/* With write-behind: the reads of the fetch's mails from k on that are parsed already (k waited for),
 * sent ahead as one group (three statements for all of them, one round trip with the first mail's).
 * parsed[i] receives what it took. A mail that goes another way later reads for itself. */
static gboolean
group_send(Poll *p, GPtrArray *msgs, CliParsed **parsed, guint k, GError **error)
{
  group_clear(p);
  store_behind_prune(p->conn); /* the reads sent before the rows written so far are gone */
  guint j = k;
  for (; j < msgs->len; j++) {
    const FetcherMessage *m = g_ptr_array_index(msgs, j);
    if (cli_parse_ahead_wants(m) && !parsed[j])
      parsed[j] = j == k ? cli_parse_ahead_take(p->ahead, m) : cli_parse_ahead_try(p->ahead, m);
    if (j > k && cli_parse_ahead_wants(m) && !parsed[j])
      break; /* not parsed yet: the next group */
  }
  g_autoptr(GPtrArray) reqs = g_ptr_array_new();
  g_autoptr(GPtrArray) sns = g_ptr_array_new(); /* each request's SN keys */
  g_autoptr(GPtrArray) keys = g_ptr_array_new();
  for (guint i = k; i < j; i++) {
    if (!parsed[i])
      continue;
    if (reads_wanted(parsed[i]->request)) {
      g_ptr_array_add(reqs, parsed[i]->request);
      g_ptr_array_add(sns, parsed[i]->sn_keys);
    }
    if (parsed[i]->dedupe_key)
      g_ptr_array_add(keys, parsed[i]->dedupe_key);
  }
  g_ptr_array_add(keys, NULL);
  const ParserRequest *const *r = (const ParserRequest *const *)reqs->pdata;
  g_autoptr(GError) e = NULL;
  p->group_to = j;
  if ((reqs->len &&
       !(p->group_assets =
           pipeline_asset_lookup_many_ahead(p->conn, (const char *const *const *)sns->pdata, sns->len, &e)) &&
       e) ||
      (reqs->len && !(p->group_caps = acks_caps_many_ahead(p->conn, p->acks, r, reqs->len, &e)) && e) ||
      !(p->group_known = store_messages_known_ahead(p->conn, (const char *const *)keys->pdata, &e)) ||
      !group_finds_send(p, parsed, k, j, &e) || !store_sync(p->conn, &e) || !store_behind_send(p->conn, &e)) {
    group_clear(p);
    g_propagate_error(error, g_steal_pointer(&e));
    return FALSE;
  }
  /* The rows of the mails before are written now, while these mails are made ready: PostgreSQL
   * works on them meanwhile (the reads above, sent before, are corrected with them). */
  return TRUE;
}

/* The mails of one fetch, in order, into the open batch (committed as it fills up); the whole ones
 * were pushed to the parsing worker, each is stored in turn, its parse waited for. */
static gboolean
ingest_fetched(Poll *p, GPtrArray *msgs, GError **error)
{
  gboolean ok = TRUE;
  g_autofree CliParsed **taken = g_new0(CliParsed *, msgs->len);
  group_clear(p);
  for (guint k = 0; ok && k < msgs->len; k++) {
    const FetcherMessage *m = g_ptr_array_index(msgs, k);
    fetch_poke(p);
    if (p->behind && k >= p->group_to && !group_send(p, msgs, taken, k, error)) {
      ok = FALSE; /* nothing stored of this mail: it is fetched again by the next poll */
      break;
    }
    g_autoptr(CliParsed) parsed = g_steal_pointer(&taken[k]);
    if (!parsed && cli_parse_ahead_wants(m))
      parsed = cli_parse_ahead_take(p->ahead, m);
    p->stats.fetched++;
    p->find_ahead = p->group_finds && k < p->group_finds->len ? g_ptr_array_index(p->group_finds, k) : NULL;
    ok = ingest(p, m, parsed, error);
    p->find_ahead = NULL;
    cli_parse_ahead_recycle(p->ahead, g_steal_pointer(&parsed));
    if (ok) {
      g_array_append_val(p->batch, m->uid);
      ok = !batch_due(p) || batch_commit(p, error);
    }
    if (ok && p->slow_until && m->uid >= p->slow_until) {
      /* past the mails done again one by one: their batch commits, write-behind goes on again */
      ok = batch_commit(p, error);
      p->slow_until = 0;
      poll_behind(p, TRUE);
    }
  }
  group_clear(p);
  for (guint k = 0; k < msgs->len; k++)
    cli_parsed_free(taken[k]);
  if (!ok)
    ahead_stop(p); /* the rest is not wanted: msgs is freed next */
  return ok;
}

/* The new mails uids from *i on, fetched FETCH_BATCH per command, stored in batches; *i the first
 * mail of the fetch that failed. */
static gboolean
ingest_from_(Poll *p, GArray *uids, guint *next, GError **error)
{
  guint i = *next;
  if (!p->ahead)
    p->ahead = cli_parse_ahead_new(p->parser, &p->config->limits);
  p->uids = uids;
  for (; *next = i, i < uids->len;) {
    if (uids->len > FETCH_BATCH) /* a backlog, e.g. a first poll: progress on a terminal */
      cli_progress(fetcher_session_mailbox(p->imap), i, uids->len);
    if (batch_due(p)) {
      fetch_poke(p);
      if (!batch_commit(p, error))
        return FALSE;
    }
    if (!p->fetching && g_queue_is_empty(&p->fetched)) {
      fetch_start(p, i);
      /* the first fetch of a poll runs while the policy is read (and its t2s dictionary opened:
       * 20 ms), instead of one after the other */
      if (!need_policy(p, error))
        return FALSE; /* the fetch is stopped by the caller (ahead_stop) */
    }
    if (g_queue_is_empty(&p->fetched))
      fetch_reap(p);
    Fetched *f = g_queue_pop_head(&p->fetched);
    g_assert(f->at == i);
    p->fetched_bytes -= f->bytes;
    g_autoptr(GPtrArray) msgs = g_steal_pointer(&f->msgs);
    guint n = f->taken; /* how many UIDs from i the fetch took */
    if (!msgs)
      g_propagate_error(error, g_steal_pointer(&f->error));
    fetched_free(f);
    if (!msgs)
      return FALSE;
    /* The next mails are fetched while these are stored — unless the server refused one of these:
     * the poll then stops before it, or goes on after it (refusal). */
    fetch_chain(p);
    gboolean ahead = p->fetching || !g_queue_is_empty(&p->fetched);
    if (!ingest_fetched(p, msgs, error))
      return FALSE;
    guint32 refused = 0;
    if (!ahead && !refusal(p, &refused, error))
      return FALSE;
    if (!refused) {
      i += n;
      continue;
    }
    while (i < uids->len && g_array_index(uids, guint32, i) != refused)
      i++;
    i++; /* on after the refused mail, now kept for review */
  }
  return batch_commit(p, error);
}

static gboolean
ingest_from(Poll *p, GArray *uids, guint *next, GError **error)
{
  if (ingest_from_(p, uids, next, error))
    return TRUE;
  ahead_stop(p); /* a fetch ahead is dropped: its mails are fetched again from *next */
  /* so is a refusal not acted on yet (refusal): taken after a fetch done again (redo_batch) it would
   * move the poll on past the mails between that fetch and the refused one, never fetched */
  guint32 refused = 0;
  g_autofree char *why = NULL;
  fetcher_session_take_refusal(p->imap, &refused, &why);
  return FALSE;
}

/* Rows written behind failed (STORE_ERROR_BEHIND): a mail of the open batch is at fault, or a
 * concurrent poll stored one of them first. The batch is rolled back and its mails done again from
 * the first, each on its own in its savepoint (write-behind off), so that the one at fault is
 * quarantined and the others stored; *i is where to go on. FALSE for any other error. */
static gboolean
redo_batch(Poll *p, GArray *uids, guint *i, GError **error)
{
  if (!store_behind_failed(p->conn) || p->slow_until || !p->batch_first)
    return FALSE;
  guint32 first = p->batch_first;
  /* PostgreSQL's own words: the error as it came here names whichever step met the failure first */
  const char *why = store_behind_failure(p->conn);
  cli_log(CLI_LOG_WARN, "the rows written behind failed (%s): mails from uid %u to %u done again one by one",
          why ? why : (*error)->message, first, p->last_seen);
  batch_abort(p);
  p->batch_first = 0;
  guint j = 0;
  while (j < uids->len && g_array_index(uids, guint32, j) < first)
    j++;
  g_clear_error(error);
  p->stats.fetched = p->fetched_before;
  p->slow_until = p->last_seen;
  poll_behind(p, FALSE);
  *i = j;
  return TRUE;
}

static gboolean
ingest_all(Poll *p, GArray *uids, GError **error)
{
  guint i = 0;
  while (!ingest_from(p, uids, &i, error))
    if (!redo_batch(p, uids, &i, error))
      return FALSE;
  return TRUE;
}

static gboolean
poll_mailbox(Poll *p, GError **error)
{
  /* Mail committed by an earlier run that died before flagging it: asked while the STATUS may still be
   * on its way (cli_status_ahead_start), under the UIDVALIDITY stored. */
  g_autoptr(GError) unmarked_error = NULL;
  g_autoptr(GArray) pending = store_mailbox_unmarked(p->conn, &p->mailbox, &unmarked_error);
  guint32 uidvalidity = 0, uidnext = 0;
  if (!(p->status ? cli_status_ahead_finish(g_steal_pointer(&p->status), &uidvalidity, &uidnext, error)
                  : fetcher_session_status(p->imap, &uidvalidity, &uidnext, error)))
    return FALSE;
  if (!pending) {
    g_propagate_error(error, g_steal_pointer(&unmarked_error));
    return FALSE;
  }
  gboolean first_contact = p->mailbox.uidvalidity == -1; /* no UID state stored yet */
  if (p->mailbox.uidvalidity != (gint64)uidvalidity) {
    if (p->mailbox.uidvalidity != -1)
      cli_log(CLI_LOG_WARN,
              "mailbox %s: UIDVALIDITY changed (%" G_GINT64_FORMAT " -> %u): "
              "reading it again, stored mail is not duplicated",
              fetcher_session_mailbox(p->imap), p->mailbox.uidvalidity, uidvalidity);
    if (!store_mailbox_set_uidvalidity(p->conn, &p->mailbox, uidvalidity, error))
      return FALSE;
    g_array_unref(pending); /* those UIDs were of the old UIDVALIDITY */
    if (!(pending = store_mailbox_unmarked(p->conn, &p->mailbox, error)))
      return FALSE;
  }
  if (!mark(p, pending, error))
    return FALSE;

  /* first_poll = new: the first contact starts at UIDNEXT (the mailbox's history is not taken) */
  if (first_contact && p->mb->first_poll == CLI_FIRST_POLL_NEW) {
    /* the same user's folder polled before under another URL spelling: its waiting mail would be
     * skipped without a word (blind round 11c: localhost → 127.0.0.1) */
    g_autoptr(GError) e = NULL;
    g_autoptr(StoreRows) same = store_mailbox_namesakes(p->conn, p->mailbox_key, p->mb->user, &e);
    const char *folder = fetcher_session_mailbox(p->imap);
    for (guint i = 0; same && i < same->rows->len; i++) {
      char **r = g_ptr_array_index(same->rows, i);
      const char *slash = strrchr(r[0], '/');
      if (slash && folder && g_strcmp0(slash + 1, folder) == 0)
        cli_log(CLI_LOG_WARN,
                "mailbox %s: new to the database, but \"%s\" (the same user and folder) was polled until %s:"
                " if it is the same mailbox under another URL, first_poll = new skips the mail waiting now"
                " (UIDs up to %u) — put the URL back, or set first_poll = all for one poll",
                p->mailbox_key, r[0], r[1] ? r[1] : "?", uidnext - 1);
    }

    cli_log(CLI_LOG_INFO,
            "mailbox=%s first poll: starting at UIDNEXT %u, %" G_GINT64_FORMAT " old mails left",
            fetcher_session_mailbox(p->imap), uidnext, (gint64)uidnext - 1 - p->mailbox.last_uid);
    if (!store_mailbox_advance(p->conn, &p->mailbox, (gint64)uidnext - 1, error))
      return FALSE;
  }
  if ((gint64)uidnext <= p->mailbox.last_uid + 1)
    return TRUE; /* nothing new: the cheap, common case */

  /* first_poll = DATE: mail older than it (INTERNALDATE) is never taken, on every poll */
  gboolean since = p->mb->first_poll == CLI_FIRST_POLL_SINCE;
  guint32 from = (guint32)p->mailbox.last_uid + 1;
  g_autoptr(GArray) uids = since
                             ? fetcher_session_search_since(p->imap, from, &p->mb->first_poll_since, error)
                             : fetcher_session_search_from(p->imap, from, error);
  if (!uids)
    return FALSE;
  if (uids->len && !(p->parser = cli_parser_config_need(p->parser_slot, p->config, error)))
    return FALSE;
  p->batch = g_array_new(FALSE, FALSE, sizeof(guint32));
  p->to_mark = g_array_new(FALSE, FALSE, sizeof(guint32));
  p->marked = g_array_new(FALSE, FALSE, sizeof(guint32));
  poll_behind(p, TRUE);
  gboolean ok = ingest_all(p, uids, error);
  poll_behind(p, FALSE);
  g_clear_pointer(&p->ahead, cli_parse_ahead_free);
  if (!ok)
    batch_abort(p);
  /* what committed is flagged also when the poll stopped early (the next run would do it otherwise) —
   * unless the IMAP server went away: a second try would only wait for its connect timeout */
  gboolean gone = !ok && error && *error && (*error)->domain == FETCHER_ERROR &&
                  ((*error)->code == FETCHER_ERROR_CONNECT || (*error)->code == FETCHER_ERROR_TLS);
  g_autoptr(GError) flush_error = NULL;
  if (!marks_flush(p, !gone, ok ? error : &flush_error)) {
    if (flush_error)
      cli_log(CLI_LOG_WARN, "flagging the stored mails: %s (flagged by the next poll)", flush_error->message);
    ok = FALSE;
  }
  g_clear_pointer(&p->batch, g_array_unref);
  g_clear_pointer(&p->to_mark, g_array_unref);
  g_clear_pointer(&p->marked, g_array_unref);
  if (!ok)
    return FALSE;
  cli_progress_done();
  /* the skipped older mail lies below UIDNEXT: the state moves past it */
  return !since || store_mailbox_advance(p->conn, &p->mailbox, (gint64)uidnext - 1, error);
}

/* BATCH_MAILS, or INTAKE_BATCH_MAILS (1–100000): the tests make many batches of a few hundred mails
 * without spending minutes on many thousands. */
static guint
batch_mails(void)
{
  const char *env = g_getenv("INTAKE_BATCH_MAILS");
  guint64 n = 0;
  if (!env || !*env)
    return BATCH_MAILS;
  if (!g_ascii_string_to_unsigned(env, 10, 1, 100000, &n, NULL)) {
    cli_log(CLI_LOG_WARN, "INTAKE_BATCH_MAILS=%s is not a number from 1 to 100000: %u mails per batch", env,
            BATCH_MAILS);
    return BATCH_MAILS;
  }
  return (guint)n;
}

gboolean
cli_poll_ingest(const CliPollTarget *t, StoreMailbox *mailbox, CliPollStats *stats, GError **error)
{
  Poll p = { .config = t->config,
             .mb = t->mb,
             .conn = t->conn,
             .imap = t->imap,
             .parser_slot = t->parser,
             .policy = t->policy,
             .acks = t->acks,
             .mailbox_key = t->mailbox_key,
             .mailbox = *mailbox,
             .status = t->status,
             .batch_mails = batch_mails() };
  gboolean ok = poll_mailbox(&p, error);
  *mailbox = p.mailbox;
  *stats = p.stats;
  return ok;
}
