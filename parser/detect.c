/* detect.c: mail to ignore (auto-replies, bounces, bulk, our own) and follow-ups to an existing order. */
#include "parser-private.h"

#include <string.h>

/* The local part of addr (lower case, as the lists are), or NULL. */
static char *
local_part(const char *addr)
{
  if (!addr)
    return NULL;
  return g_ascii_strdown(addr, (gssize)strcspn(addr, "@"));
}

static gboolean
local_part_in(char **list, const char *local)
{
  for (guint i = 0; local && list && list[i]; i++)
    if (*list[i] && strcmp(local, list[i]) == 0)
      return TRUE;
  return FALSE;
}

/* A list entry followed by nothing or by a separator: "postmaster", "postmaster-team", not
 * "postmasterly". */
static gboolean
local_part_starts(char **list, const char *local)
{
  for (guint i = 0; local && list && list[i]; i++) {
    gsize n = strlen(list[i]);
    if (n && strncmp(local, list[i], n) == 0 && (local[n] == '\0' || strchr("-+._=", local[n])))
      return TRUE;
  }
  return FALSE;
}

static gboolean
local_part_holds(char **list, const char *local)
{
  for (guint i = 0; local && list && list[i]; i++)
    if (*list[i] && strstr(local, list[i]))
      return TRUE;
  return FALSE;
}

/* "no" (optionally with comments/parameters) is the only Auto-Submitted value of a human's mail. */
static gboolean
auto_submitted(const ParserAutoHeaders *h)
{
  if (h->x_autoreply)
    return TRUE;
  if (h->auto_submitted) {
    g_autofree char *v = g_ascii_strdown(h->auto_submitted, -1);
    if (!(g_str_has_prefix(v, "no") && (v[2] == '\0' || v[2] == ';' || v[2] == ' ' || v[2] == '(')))
      return TRUE;
  }
  /* X-Auto-Response-Suppress is not checked: Outlook puts it on ordinary mail too (it asks
   * others not to auto-reply; it does not say the mail is one). */
  return h->precedence && g_ascii_strcasecmp(h->precedence, "auto_reply") == 0;
}

/* A customer's ticket system (labels.ini ticket_systems: an address, or "@domain") whose generated
 * mail ("Auto-Submitted: auto-generated": "INC0012345 已分配给供应商") is a request to read — not its
 * automatic replies ("auto-replied", an out-of-office subject). */
static gboolean
ticket_system(const ParserConfig *c, const ParserRequest *r)
{
  const char *h = r->auto_headers.auto_submitted;
  return h && !r->auto_headers.x_autoreply && g_ascii_strncasecmp(h, "auto-generated", 14) == 0 &&
         parser_address_listed(c->ticket_systems, r->from_addr);
}

/* Precedence bulk/list/junk, a List-Id, or a List-Unsubscribe (RFC 2369/8058: a newsletter or a
 * mailing, which a person's mail client never adds — and which acks_decide already answers never). */
static gboolean
bulk(const ParserAutoHeaders *h)
{
  const char *p = h->precedence;
  return h->list_id || (h->list_unsubscribe && *h->list_unsubscribe) ||
         (p && (g_ascii_strcasecmp(p, "bulk") == 0 || g_ascii_strcasecmp(p, "list") == 0 ||
                g_ascii_strcasecmp(p, "junk") == 0));
}

gboolean
parser_address_unreplyable(const ParserConfig *c, const char *address)
{
  g_autofree char *local = local_part(address);
  return local_part_starts(c->bounce_locals, local) || local_part_holds(c->noreply_words, local);
}

/* Policy §6 and RFC 3834. Our own address first (a loop is the surest fact), then delivery
 * reports (they often carry Auto-Submitted too), automatic replies, bulk/list mail. The sender
 * facts for the acknowledgement rules are set too. */
void
parser_detect_ignored(const ParserConfig *c, ParserRequest *r, const ParserHeaderFlags *flags)
{
  g_autofree char *local = local_part(r->from_addr);
  r->from_daemon = local_part_starts(c->bounce_locals, local);
  r->from_noreply = local_part_holds(c->noreply_words, local);
  const ParserAutoHeaders *h = &r->auto_headers;
  gboolean is_auto = auto_submitted(h) && !ticket_system(c, r);
  const char *reason = NULL;
  if (r->from_addr && c->own_addresses &&
      g_strv_contains((const char *const *)c->own_addresses, r->from_addr))
    reason = "loop";
  else if (flags->report || local_part_in(c->bounce_locals, local) ||
           (r->return_path && r->return_path[0] == '\0') ||
           (parser_re_test_str(c, PARSER_RE_BOUNCE_SUBJECT, r->subject) && (!r->from_addr || is_auto)))
    reason = "bounce";
  else if (is_auto || parser_re_test_str(c, PARSER_RE_AUTO_SUBJECT, r->subject))
    reason = "auto_reply";
  else if (bulk(h))
    reason = "bulk";
  g_free(r->ignored_reason);
  r->ignored_reason = g_strdup(reason);
}

static char *
order_in(const ParserConfig *c, const char *text, gsize *end)
{
  if (!text)
    return NULL;
  ParserMatch m = { 0 };
  char *found = NULL;
  if (parser_re_match(c, PARSER_RE_ORDER_NO, text, strlen(text), 0, &m)) {
    g_autofree char *date = parser_match_group(&m, text, 2);
    g_autofree char *seq = parser_match_group(&m, text, 3);
    found = g_strdup_printf("RC%s-%s", date, seq);
    if (end)
      *end = (gsize)m.ov[1];
  }
  parser_match_clear(&m);
  return found;
}

/* Whether a batch acknowledgement's tag follows an order number: "[RC…-0002 等2单]" (zh, 單),
 * "[RC…-0002 +1]" (en) — the number is only the first of the mail's orders. */
static gboolean
batch_tag_at(const char *p)
{
  while (*p == ' ')
    p++;
  if (*p == '+')
    return g_ascii_isdigit(p[1]);
  if (!g_str_has_prefix(p, "等"))
    return FALSE;
  p += strlen("等");
  if (!g_ascii_isdigit(*p))
    return FALSE;
  while (g_ascii_isdigit(*p))
    p++;
  return g_str_has_prefix(p, "单") || g_str_has_prefix(p, "單");
}

/* The order number in the subject, else anywhere in the body (a quoted acknowledgement).
 * Ignored mail is never a follow-up: an out-of-office reply quotes our order number too. */
void
parser_detect_followup(const ParserConfig *c, ParserRequest *r, const char *subject_nfkc,
                       const char *body_nfkc)
{
  if (r->ignored_reason)
    return;
  gsize end = 0;
  r->followup_of = order_in(c, subject_nfkc, &end);
  if (!r->followup_of) {
    r->followup_of = order_in(c, body_nfkc, NULL);
    return;
  }
  /* a reply to a batch acknowledgement that asks about one of its orders by number ("RC…-0003 那台
   * …"): that one, not the first the subject names (blind round 12: filed under the other machine) */
  g_autofree char *named = batch_tag_at(subject_nfkc + end) ? order_in(c, body_nfkc, NULL) : NULL;
  if (named && strcmp(named, r->followup_of) != 0) {
    g_free(r->followup_of);
    r->followup_of = g_steal_pointer(&named);
  }
}
