/* cli/pipeline.h: the steps poll and reprocess share — policy from PostgreSQL, the one asset
 * look-up per mail, classification, and the order's values. Private to cli/. */
#ifndef INTAKE_CLI_PIPELINE_H
#define INTAKE_CLI_PIPELINE_H

#include "classifier.h"
#include "cli.h"
#include "parser.h"
#include "store.h"

/* Builds the classifier's policy from the intake.<table> rows (the seed tables ops edit). */
ClassifierPolicy *pipeline_policy_load(StoreConn *conn, GError **error);

/* One round trip: the registry rows for every SN key of the request; returns the one to classify
 * with (caller frees) or NULL when none is registered. A row that fails validation is skipped
 * with a warning in *warning (caller frees). */
ClassifierAsset *pipeline_asset_lookup(StoreConn *conn, const ParserRequest *request, char **warning,
                                       GError **error);
/* The same look-up sent ahead of the next statement (store_assets_lookup_ahead), NULL when the
 * request names no SN (or on error); pipeline_asset_take then picks from its rows. */
StoreAhead *pipeline_asset_lookup_ahead(StoreConn *conn, const ParserRequest *request, GError **error);
/* One look-up for several requests' SNs, keys[i] the classifier_request_sn_keys of each (an entry may
 * be NULL); NULL when none names an SN. pipeline_asset_take picks each one's asset. */
StoreAhead *pipeline_asset_lookup_many_ahead(StoreConn *conn, const char *const *const *keys, guint n,
                                             GError **error);
/* The asset of request among ahead's rows (a copy, caller frees; NULL when none, or with *error), as
 * pipeline_asset_lookup; keys: classifier_request_sn_keys(request) when the caller has them (made on
 * another thread), else NULL. *warning (caller frees): the last unusable row. */
ClassifierAsset *pipeline_asset_take(StoreConn *conn, StoreAhead *ahead, const ParserRequest *request,
                                     const char *const *keys, char **warning, GError **error);

/* The values of an order made from a parsed and classified mail. Strings point into request,
 * result and the holder, which must outlive the StoreOrder. */
typedef struct {
  GPtrArray *strings; /* owned copies */
  const char **missing;
} PipelineOrderHolder;
void pipeline_order_fill(StoreOrder *order, PipelineOrderHolder *holder, const ClassifierPolicy *policy,
                         ParserRequest *request, const ClassifierResult *result);
void pipeline_order_holder_clear(PipelineOrderHolder *holder);

/* A batch report (contract.md machines): each machine is classified on its own, as if the mail
 * reported it alone — its SN (its only SN candidate: another machine's registered SN must not
 * stand in for an unknown one), its model, its symptoms (else the mail's); contact, phone, address
 * and place stay the mail's. pipeline_machine_enter makes req show machine index (past the end:
 * no SN, model or symptoms, no candidate), pipeline_machine_leave restores what it saved; fields
 * changed in between must be changed with g_free + g_strdup (they are freed by leave). */
typedef struct {
  char *sn, *model, *symptoms;
  GPtrArray *sn_candidates;
  gboolean entered;
  gboolean placed; /* the machine's row named its own place: address, city, district below are the mail's */
  char *address, *city, *district;
} PipelineMachineSaved;
void pipeline_machine_enter(ParserRequest *req, guint index, PipelineMachineSaved *saved);
void pipeline_machine_leave(ParserRequest *req, PipelineMachineSaved *saved);
/* The SN req names: its SN, else its only candidate (an unlabelled SN, until the registry is read);
 * NULL for none, or several candidates, or no req. */
const char *pipeline_named_sn(const ParserRequest *req);
/* How many orders poll makes of req: one per machine it reports, at least one. */
guint pipeline_machine_count(const ParserRequest *req);

/* Drops from req's symptoms the sentences that name order_no ("另外问下 RC…-0002 那单（… 掉卡）什么时候能来
 *换卡？"): in a new order made of a mail that also asks about that order, they are the other
 * order's, not this machine's fault (its component, its acknowledgement). Kept whole when nothing
 * else would be left. */
void pipeline_symptoms_drop_order(ParserRequest *req, const char *order_no);
/* A mail of order_no's thread that reports another machine (req->sn), made a new order: it reads
 * only that machine's part — not the sentences naming order_no (pipeline_symptoms_drop_order), nor
 * those before the mail turns to the machine (parser_other_machine_start: a chase, "昨天报修的电源故障，
 * 到现在还没有工程师联系"), nor a subject of the thread ("催办：RC… 电源故障", a reply's): blind round
 * 12 M08, the new memory order was filed as a power fault with the chase as its description. */
void pipeline_other_machine_words(const ParserConfig *parser, ParserRequest *req, const char *order_no);

/* Whether the order knows fu's sender (its customer's address or company, or a reply in its thread):
 * *known; FALSE on a database error. */
gboolean pipeline_sender_known(StoreConn *conn, const ParserConfig *parser, gint64 order_id,
                               ParserRequest *fu, gboolean *known, GError **error);

/* What a mail that names an order became besides (or instead of) a follow-up of it. */
typedef struct {
  gboolean other_machine; /* it reports a fault of another machine: a new order, the old one unchanged */
  gboolean linked;        /* with other_machine: the mail is in the (open) order's thread too, its
                           * complaint flagged there */
  gboolean recurrence;    /* it reports a fault again in a closed order's thread: a new order naming it
                           * (StoreOrder.recurrence_of), the mail's missing fields filled from it */
  guint machine;          /* it lists several machines, this one the order's: G_MAXUINT when not */
  guint64 siblings;       /* with machine: the others (bit = index) that have orders already (the
                           * order's batch report): no new order for them */
} PipelineFollowup;

/* A follow-up to order_id (policy §9): attaches the mail, fills the order's missing fields from
 * it, re-classifies (the deadlines still count from the order's first mail), re-opens a closed,
 * resolved or waiting order, and records the change in intake.audit. Inside the caller's
 * transaction. *order_no receives the order's number (caller frees). What the caller does besides:
 * - a mail that reports a fault of another machine than the order's (parser_followup_other_machine)
 *   changes nothing of the order: out->other_machine, the caller makes it a new order; an open
 *   order's customer's mail is linked to it as well (out->linked: the chase it may hold is read in
 *   the order's thread, a complaint flagged);
 * - a fault reported in the thread of a closed order ("又宕机了", not "问题已解决") changes nothing
 *   either: out->recurrence, the mail has the order's SN, model, contact and place where it lacks
 *   them, the caller makes a new order (its own deadlines) naming it — a closed order's deadlines
 *   were met or missed, a re-open would leave the new outage without a clock;
 * - a mail that lists several machines, the order's among them ("1. RCS…0102: 上周报修的 RC…-0001
 *   至今未处理  2. RCS…0103: 内存告警"), is a follow-up of that machine only: out->machine is its
 *   index in followup->machines, the caller makes orders of the others. */
gboolean pipeline_followup(StoreConn *conn, const ParserConfig *parser, const ParserLimits *limits,
                           const ClassifierPolicy *policy, gint64 order_id, gint64 message_row,
                           ParserRequest *followup, char **order_no, PipelineFollowup *out, GError **error);
/* Reprocess: re-runs parse + classify over each order's stored mails (the first, then its
 * follow-ups filling what is missing) and rewrites the order (audit action reprocess), inside the
 * caller's transaction (roll back for a dry run). An order of a batch report is re-run as its
 * machine (machine_index) of the mail read again. Reprocess never makes or removes orders: when the
 * mail now reads as fewer machines than it opened orders, an order whose machine is gone is left as
 * it is (not changed); when it reads as more (or as several, for an order made before batch reports
 * were split), the orders stay as they are; both are said in warning, for ops to act on.
 * A batch at once, each step one round trip for all, in the caller's transaction:
 * - pipeline_reprocess_read reads the orders ids[0..n) and their mails (two queries);
 * - pipeline_reprocess_parse reads their mails (no database) until deadline (g_get_monotonic_time)
 *   has passed: returns how many it took, the rest are for another batch; *stopped: an order
 *   stopped the batch there (see _finish), take no more;
 * - pipeline_reprocess_send looks the registry up for all (one query), classifies, and sends the
 *   write (one statement) without waiting for it: parse the next batch meanwhile (read it before);
 * - pipeline_reprocess_finish waits for the write: *out[0..*done) (the batch's) say what each
 *   order did. FALSE: an error (prefixed with the order's number) stopped the batch at order
 *   *done, the ones before it were written; or a database error, *done 0, the transaction lost. */
typedef struct {
  char *order_no;
  char *unreadable; /* the parser's message: the order's first mail still does not read (left for review) */
  char *skipped;    /* why the order is left as it is: no mail to read it from (merged into another) */
  gboolean changed; /* before, after: the changed fields as JSON objects */
  char *before, *after, *warning;
} PipelineReprocessed;
void pipeline_reprocessed_clear(PipelineReprocessed *r);
typedef struct PipelineReprocessBatch PipelineReprocessBatch;
PipelineReprocessBatch *pipeline_reprocess_read(StoreConn *conn, const gint64 *ids, guint n, GError **error);
guint pipeline_reprocess_parse(PipelineReprocessBatch *batch, const ParserConfig *parser,
                               const ParserLimits *limits, gint64 deadline, gboolean *stopped);
gboolean pipeline_reprocess_send(StoreConn *conn, PipelineReprocessBatch *batch,
                                 const ClassifierPolicy *policy, GError **error);
gboolean pipeline_reprocess_finish(StoreConn *conn, PipelineReprocessBatch *batch,
                                   const PipelineReprocessed **out, guint *done, GError **error);
void pipeline_reprocess_batch_free(PipelineReprocessBatch *batch);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PipelineReprocessBatch, pipeline_reprocess_batch_free)

/* Re-applies the policy to orders ops corrected (intake.correct, intake.decide(…, NULL), merge):
 * each in its own transaction, from its first mail with the stored (corrected) fields over it;
 * audit action reclassify. *policy and *parser are loaded when NULL and an order needs them.
 * *updated: how many. */
gboolean pipeline_corrections_apply(StoreConn *conn, const CliConfig *config, ParserConfig **parser,
                                    ClassifierPolicy **policy, guint *updated, GError **error);

/* Recomputes the deadlines of orders whose SLA pauses changed (ops' pause/resume): the base
 * deadlines moved by the closed pauses. *policy is loaded when NULL and an order needs it.
 * *updated: how many orders. */
gboolean pipeline_sla_refresh(StoreConn *conn, ClassifierPolicy **policy, guint *updated, GError **error);

#endif
