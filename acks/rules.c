/* acks/rules.c: whether a new order gets an acknowledgement (policy §9, RFC 3834 §2). */
#include "acks.h"

#include <string.h>

G_DEFINE_QUARK(acks - error - quark, acks_error)

/* A header value's first token: comments "(…)" dropped, up to ';', lower case. */
static char *
first_token(const char *v)
{
  GString *s = g_string_new(NULL);
  int depth = 0;
  for (const char *c = v; *c && *c != ';'; c++) {
    if (*c == '(')
      depth++;
    else if (*c == ')' && depth > 0)
      depth--;
    else if (!depth)
      g_string_append_c(s, g_ascii_tolower(*c));
  }
  char *t = g_string_free(s, FALSE);
  return g_strstrip(t);
}

gboolean
acks_address_usable(const char *a)
{
  if (!a || !*a || strlen(a) > 254)
    return FALSE;
  const char *at = strchr(a, '@');
  if (!at || at == a || !at[1] || strchr(at + 1, '@'))
    return FALSE;
  for (const char *c = a; *c; c++) {
    guchar u = (guchar)*c;
    if (u <= 0x20 || u == 0x7f || strchr("<>()[]\\,;:\"", *c))
      return FALSE;
  }
  return TRUE;
}

/* What the rules read about the mail, from the parser's request. */
typedef struct {
  const char *auto_submitted, *precedence, *list_id, *list_unsubscribe, *x_autoreply,
    *x_auto_response_suppress;
  gboolean null_return_path; /* Return-Path: <> (or empty) */
  gboolean daemon_sender;    /* mailer-daemon, postmaster … */
  gboolean noreply_sender;   /* noreply, donotreply … */
} Signals;

static void
signals_from_request(const ParserRequest *r, Signals *s)
{
  const ParserAutoHeaders *h = &r->auto_headers;
  *s = (Signals){ .auto_submitted = h->auto_submitted,
                  .precedence = h->precedence,
                  .list_id = h->list_id,
                  .list_unsubscribe = h->list_unsubscribe,
                  .x_autoreply = h->x_autoreply,
                  .x_auto_response_suppress = h->x_auto_response_suppress,
                  .null_return_path = r->return_path && !*r->return_path,
                  .daemon_sender = r->from_daemon,
                  .noreply_sender = r->from_noreply };
}

/* RFC 3834 and its non-standard cousins: "auto_reply", "bulk" or NULL. */
static const char *
automatic(const Signals *s)
{
  if (s->auto_submitted) {
    g_autofree char *t = first_token(s->auto_submitted);
    if (*t && !g_str_equal(t, "no"))
      return "auto_reply";
  }
  if (s->x_autoreply) {
    g_autofree char *t = first_token(s->x_autoreply);
    if (*t && !g_str_equal(t, "no") && !g_str_equal(t, "false"))
      return "auto_reply";
  }
  if (s->x_auto_response_suppress) {
    g_autofree char *t = g_ascii_strdown(s->x_auto_response_suppress, -1);
    if (strstr(t, "all") || strstr(t, "autoreply"))
      return "auto_reply";
  }
  if (s->precedence) {
    g_autofree char *t = first_token(s->precedence);
    if (g_str_equal(t, "bulk") || g_str_equal(t, "list") || g_str_equal(t, "junk"))
      return "bulk";
    if (g_str_equal(t, "auto_reply"))
      return "auto_reply";
  }
  if ((s->list_id && *s->list_id) || (s->list_unsubscribe && *s->list_unsubscribe))
    return "bulk";
  return NULL;
}

/* The domain of an address ("" when it has none). */
static const char *
domain_of(const char *addr)
{
  const char *at = strrchr(addr, '@');
  return at ? at + 1 : "";
}

gboolean
acks_name_spoofs(const char *from_name, const char *from_addr, const char *const *own_addresses)
{
  if (!from_name || !strchr(from_name, '@') || !from_addr)
    return FALSE;
  for (guint i = 0; own_addresses && own_addresses[i]; i++) {
    const char *domain = domain_of(own_addresses[i]);
    if (!*domain || !g_ascii_strcasecmp(domain_of(from_addr), domain))
      continue;
    g_autofree char *at = g_strconcat("@", domain, NULL);
    const char *hit = strcasestr(from_name, at);
    /* the whole domain, not the start of a longer one (@roycom.com.cn.evil.top is no better) */
    if (hit && !g_ascii_isalnum(hit[strlen(at)]) && hit[strlen(at)] != '-')
      return TRUE;
  }
  return FALSE;
}

const char *
acks_decide(const AcksFacts *f)
{
  g_return_val_if_fail(f != NULL, "loop");
  /* what the parser already decided (same rules, policy §6): no order normally reaches us then */
  if (f->ignored_reason) {
    static const char *known[] = { "auto_reply", "bounce", "bulk", "loop" };
    for (gsize i = 0; i < G_N_ELEMENTS(known); i++)
      if (g_str_equal(f->ignored_reason, known[i]))
        return known[i];
    return "auto_reply";
  }
  if (!acks_address_usable(f->from_addr))
    return "noreply_sender";
  for (guint i = 0; f->own_addresses && f->own_addresses[i]; i++)
    if (f->own_addresses[i][0] && !g_ascii_strcasecmp(f->from_addr, f->own_addresses[i]))
      return "loop";
  /* before the header rules: a forged From must not get a reply whatever else it claims */
  if (f->auth_failed)
    return "auth_fail";
  g_return_val_if_fail(f->request != NULL, "loop");
  Signals s;
  signals_from_request(f->request, &s);
  /* RFC 3834 §2: a null return path is a delivery report or another automatic message */
  if (s.null_return_path || s.daemon_sender)
    return "bounce";
  const char *automatic_reason = automatic(&s);
  if (automatic_reason)
    return automatic_reason;
  if (s.noreply_sender)
    return "noreply_sender";
  if (f->is_followup)
    return "followup";
  guint cap = f->max_per_sender ? f->max_per_sender : ACKS_DEFAULT_MAX_PER_SENDER;
  if (f->recent_acks >= (gint64)cap)
    return "sender_cap";
  /* many senders at once (forged From addresses): our server must not become a spam relay */
  if (f->max_per_hour && f->recent_acks_all >= (gint64)f->max_per_hour)
    return "global_cap";
  return NULL;
}
