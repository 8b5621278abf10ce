/* detect.c: mail to ignore (auto-replies, bounces, bulk, our own) and follow-ups to an existing order. */
#include "parser-private.h"

#include <string.h>

static gboolean
subject_matches(const ParserConfig *c, ParserRe re, const char *subject)
{
  if (!subject)
    return FALSE;
  ParserMatch m = { 0 };
  gboolean r = parser_re_match(c, re, subject, strlen(subject), 0, &m);
  parser_match_clear(&m);
  return r;
}

static gboolean
local_part_in(char **list, const char *addr)
{
  if (!addr)
    return FALSE;
  const char *at = strchr(addr, '@');
  g_autofree char *local = at ? g_strndup(addr, at - addr) : g_strdup(addr);
  for (guint i = 0; list && list[i]; i++)
    if (*list[i] && g_ascii_strcasecmp(local, list[i]) == 0)
      return TRUE;
  return FALSE;
}

/* Policy §6 and RFC 3834. Our own address first (a loop is the surest fact), then delivery
 * reports (they often carry Auto-Submitted too), automatic replies, bulk/list mail. */
void
parser_detect_ignored(const ParserConfig *c, ParserRequest *r, const ParserHeaderFlags *flags)
{
  const char *reason = NULL;
  if (c->own_address && r->from_addr && g_ascii_strcasecmp(c->own_address, r->from_addr) == 0)
    reason = "loop";
  else if (flags->report || local_part_in(c->noreply_locals, r->from_addr) ||
           (r->return_path && r->return_path[0] == '\0') ||
           (subject_matches(c, PARSER_RE_BOUNCE_SUBJECT, r->subject) &&
            (!r->from_addr || flags->auto_submitted)))
    reason = "bounce";
  else if (flags->auto_submitted || subject_matches(c, PARSER_RE_AUTO_SUBJECT, r->subject))
    reason = "auto_reply";
  else if (flags->precedence_bulk || flags->list_id)
    reason = "bulk";
  g_free(r->ignored_reason);
  r->ignored_reason = g_strdup(reason);
}

static char *
order_in(const ParserConfig *c, const char *text)
{
  if (!text)
    return NULL;
  ParserMatch m = { 0 };
  char *found = NULL;
  if (parser_re_match(c, PARSER_RE_ORDER_NO, text, strlen(text), 0, &m)) {
    g_autofree char *date = parser_match_group(&m, text, 2);
    g_autofree char *seq = parser_match_group(&m, text, 3);
    found = g_strdup_printf("RC%s-%s", date, seq);
  }
  parser_match_clear(&m);
  return found;
}

/* The order number in the subject, else anywhere in the body (a quoted acknowledgement).
 * Ignored mail is never a follow-up: an out-of-office reply quotes our order number too. */
void
parser_detect_followup(const ParserConfig *c, ParserRequest *r, const char *subject_nfkc,
                       const char *body_nfkc)
{
  if (r->ignored_reason)
    return;
  r->followup_of = order_in(c, subject_nfkc);
  if (!r->followup_of)
    r->followup_of = order_in(c, body_nfkc);
}
