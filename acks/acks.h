/* acks: the acknowledgement of a new order (policy §9) — whether to send one (loop protection,
 * RFC 3834, the per-sender cap) and the message itself, rendered from templates that are data.
 * Pure: no file, socket or database; the caller hands in the texts, the facts and the order. */
#ifndef INTAKE_ACKS_H
#define INTAKE_ACKS_H

#include "parser.h"

#include <glib.h>

G_BEGIN_DECLS

#define ACKS_ERROR (acks_error_quark())
GQuark acks_error_quark(void);

typedef enum {
  ACKS_ERROR_TEMPLATE, /* a text is missing or a template is malformed (names language and key) */
  ACKS_ERROR_ADDRESS,  /* the recipient or the From of the config is not a usable address */
} AcksError;

#define ACKS_DEFAULT_MAX_PER_SENDER 5
/* The time zone of an acknowledgement whose caller passes none (AcksContent.time_zone NULL):
 * the seed of the policy setting (sql/seed/policy_settings.tsv timezone). */
#define ACKS_DEFAULT_TIME_ZONE "Asia/Shanghai"

/* ==== rules ==== */

typedef struct {
  const char *from_addr; /* the customer's bare address; NULL when none */
  /* The parsed mail: its automatic-mail headers (RFC 3834), Return-Path and sender facts
   * (labels.ini [senders]), as the parser read them once. Required. */
  const ParserRequest *request;
  const char *ignored_reason;       /* the parser's: auto_reply | bounce | bulk | loop | NULL */
  gboolean is_followup;             /* the mail belongs to an existing order */
  const char *const *own_addresses; /* the service mailbox's addresses, NULL-terminated, may be NULL */
  gint64 recent_acks;               /* acks to from_addr queued in the last 24 h (pending/sent) */
  guint max_per_sender;             /* [smtp] max_acks_per_sender; 0: ACKS_DEFAULT_MAX_PER_SENDER */
  gint64 recent_acks_all;           /* acks to anyone queued in the last hour (pending/sent) */
  guint max_per_hour;               /* [smtp] max_acks_per_hour; 0: no global cap */
  gboolean auth_failed;             /* acks_auth_evaluate said ACKS_AUTH_FAIL: the sender may be forged */
} AcksFacts;

/* NULL: send an acknowledgement. Otherwise the reason not to, a static string of
 * intake.outbox.suppressed_reason: auto_reply, bounce, bulk, loop, noreply_sender, auth_fail,
 * sender_cap, global_cap, followup. The first rule that matches wins; the order is in acks/rules.c. */
const char *acks_decide(const AcksFacts *facts);

/* Whether the From's display name passes itself off as one of our own addresses or domains
 * (own_addresses, NULL-terminated) while the address is not ours: `"service@roycom.com.cn"
 * <dispatch@roycom-cn.top>` (blind round 17). Mail clients show the name, not the address. */
gboolean acks_name_spoofs(const char *from_name, const char *from_addr, const char *const *own_addresses);

/* ==== Authentication-Results (RFC 8601, acks/authres.c) ==== */

typedef enum {
  ACKS_AUTH_NONE, /* no trusted Authentication-Results header, or none says pass/fail: no verdict */
  ACKS_AUTH_PASS, /* trusted results, none of them a failure below */
  ACKS_AUTH_FAIL, /* dmarc=fail, or spf=fail with no dkim=pass: the From may be forged */
} AcksAuth;

/* The verdict of the receiving MTA's Authentication-Results headers in the header block of raw
 * (len bytes). Only the topmost headers whose authserv-id is one of trusted (NULL-terminated,
 * compared without case; NULL or empty: the feature is off, ACKS_AUTH_NONE) count: the run of
 * A-R headers from the top that carry a trusted id, ending at the first one with another id (or
 * none). Headers below it were written by someone else, perhaps the sender (RFC 8601 §5: the
 * receiving MTA removes incoming ones bearing its own id). *why (may be NULL; caller frees)
 * receives a one-line summary, e.g. "dmarc=fail spf=fail by mx.example.com". */
AcksAuth acks_auth_evaluate(const char *raw, gsize len, const char *const *trusted, char **why);

/* The results of one Authentication-Results value: *authserv_id (NULL when the header has none,
 * as Exchange Online writes it) and methods as "method=result" strings, lower case, comments and
 * properties dropped. FALSE when the value cannot be read. Exposed for the tests. */
gboolean acks_auth_parse(const char *value, char **authserv_id, GPtrArray **methods);

/* TRUE when address is a plain addr-spec we may send to (no spaces, controls, <>, one @). */
gboolean acks_address_usable(const char *address);

/* ==== texts ==== */

/* The rows of intake.ack_texts: (language, key) → text; language "zh" is the fallback. */
typedef struct AcksTexts AcksTexts;
AcksTexts *acks_texts_new(void);
void acks_texts_free(AcksTexts *texts);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AcksTexts, acks_texts_free)
void acks_texts_add(AcksTexts *texts, const char *language, const char *key, const char *text);
/* The text for language, else the zh one, else NULL. Owned by texts. */
const char *acks_texts_get(const AcksTexts *texts, const char *language, const char *key);

/* Expands {{name}}, {{#name}}…{{/name}} (kept when the value is non-empty) and {{^name}}…{{/name}}
 * (kept when empty) with values (name → UTF-8 string; absent = empty). A line holding only a
 * section tag disappears. Returns NULL with ACKS_ERROR_TEMPLATE for an unbalanced section.
 * Caller frees. */
char *acks_template_expand(const char *template_text, GHashTable *values, GError **error);

/* Customer text made safe for a header or a line: invalid UTF-8 repaired; CR, LF, TAB, other
 * control characters (C0, DEL, C1) and Unicode line/paragraph separators become a space (or, with
 * keep_newlines, LF stays); runs of spaces collapse; at most max_chars characters, the cut marked
 * with "…". Caller frees. */
char *acks_sanitize(const char *text, guint max_chars, gboolean keep_newlines);

/* Customer text as an acknowledgement quotes it: acks_sanitize'd to one line, links, addresses
 * and host names replaced by "[…]", at most max_chars characters (0: no limit). Caller frees.
 * Exposed for the tests. */
char *acks_echo_text(const char *text, guint max_chars);

/* ==== the message ==== */

/* One order of a mail that reported several machines (a batch report), as its acknowledgement
 * lists it. Strings are borrowed; NULL = unknown/absent. */
typedef struct {
  const char *order_no, *sn, *model, *symptoms;
  const char *kind, *coverage, *tier, *warranty_end; /* as in AcksContent */
  GDateTime *response_due;                           /* NULL: none (then none of the three is said) */
  GDateTime *plan_due, *onsite_due;                  /* NULL: none */
} AcksMachine;

/* Plain values of one acknowledgement. Strings are borrowed; NULL = unknown/absent. */
typedef struct {
  const char *order_no;
  const char *language;          /* "zh" (default) | "en" */
  const char *from;              /* [smtp] from: "融科联创服务支持 <service@roycom.com.cn>" */
  const char *to_addr, *to_name; /* the customer */
  const char *const *cc;         /* NULL-terminated Cc addresses (a forward's forwarder), or NULL */
  const char *subject;           /* the customer's subject, decoded */
  const char *in_reply_to;       /* the customer's Message-ID, without <> */
  const char *const *references; /* the customer's In-Reply-To/References ids, without <> */
  const char *message_id;        /* ours, without <> (acks_message_id_new) */
  GDateTime *date;               /* NULL: now */
  GTimeZone *time_zone;          /* the policy's time zone (classifier_policy_time_zone): the deadlines are
                                  * written and the Date is stamped in it; NULL: ACKS_DEFAULT_TIME_ZONE */

  const char *sn, *model, *symptoms, *location;
  /* model or location NULL, and the registry has one the mail did not name (it is not said back to
   * whoever writes an SN): the text on_file stands for it, not unknown */
  gboolean model_on_file, location_on_file;
  const char *const *missing; /* policy §1 field names, NULL-terminated */
  const char *kind;           /* fault | software | consultation | value_added | … */
  const char *coverage;       /* classifier's, NULL when none */
  const char *tier;           /* silver | gold | NULL (unknown) */
  const char *warranty_end;   /* YYYY-MM-DD or NULL */

  gboolean has_sla;                                /* deadlines apply: commitments are stated */
  const char *clock;                               /* 5x8 | 7x24: of the tier's terms (intake.sla_terms) */
  gint response_minutes, plan_minutes;             /* from intake.sla_terms; < 0: unknown */
  const char *onsite_rule;                         /* nbd | elapsed | NULL */
  gint onsite_minutes;                             /* for elapsed */
  GDateTime *response_due, *plan_due, *onsite_due; /* the order's deadlines, NULL = none */

  /* A batch report: every order of the mail (machines[0] is this one), n_machines >= 2. The texts
   * subject.batch, body.batch and one machine.item per order are used then; the single-machine
   * fields above (sn … onsite_due) are not shown. 0: the mail is about one machine. */
  const AcksMachine *machines;
  guint n_machines;

  const char *recurrence_of; /* the closed order whose thread reported this fault again, or NULL: the
                              * body's {{#recurrence_of}} section says why a new number */
} AcksContent;

typedef struct {
  char *subject;   /* the Subject, decoded */
  char *body;      /* the text part, decoded */
  GBytes *message; /* RFC 5322 bytes, CRLF line ends */
} AcksRendered;
void acks_rendered_free(AcksRendered *rendered);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AcksRendered, acks_rendered_free)

/* Renders the acknowledgement: UTF-8 text/plain in base64, RFC 2047 Subject
 * "Re: [order_no] subject" (a batch report: "Re: [order_no 等N单] subject"), In-Reply-To/References to the customer's mail, Auto-Submitted:
 * auto-replied, our Message-ID and Date. Customer text cannot add a header. Caller frees. */
AcksRendered *acks_render(const AcksTexts *texts, const AcksContent *content, GError **error);

/* A new Message-ID (without <>): ack.<order_no>.<random>@<domain>. Caller frees. */
char *acks_message_id_new(const char *order_no, const char *domain);
/* The domain of the address in a From value ("Name <a@b>" or "a@b"), or NULL. Caller frees. */
char *acks_from_domain(const char *from);

G_END_DECLS

#endif
