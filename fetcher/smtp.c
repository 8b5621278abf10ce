/* fetcher/smtp.c: sending acknowledgements with libcurl SMTP — smtps:// or smtp:// with STARTTLS,
 * AUTH, certificate verification, timeouts; one handle (and connection) for a batch. The server's
 * replies are read through the debug callback (incoming lines only: what we send, AUTH included,
 * is never looked at). */
#include "fetcher-private.h"

#include <string.h>

struct FetcherSmtp {
  CURL *curl;
  char *url;
  GString *reply;   /* the last complete reply line of the current message */
  GString *partial; /* an incoming line not yet ended */
  int last_code;    /* the reply code of the last complete reply line of the current message */
  char errbuf[CURL_ERROR_SIZE];
  FetcherSmtpHandOver hand_over; /* fetcher_smtp_set_hand_over */
  gpointer hand_over_data;
  gboolean not_handed; /* the current message's hand-over refused: the server never got its end */
};

static int
on_debug(CURL *handle, curl_infotype type, char *data, size_t size, void *user)
{
  FetcherSmtp *s = user;
  if (type != CURLINFO_HEADER_IN)
    return 0; /* never look at what we send (AUTH) */
  g_string_append_len(s->partial, data, (gssize)size);
  char *nl;
  while ((nl = memchr(s->partial->str, '\n', s->partial->len))) {
    gsize n = (gsize)(nl - s->partial->str);
    if (n && s->partial->str[n - 1] == '\r')
      n--;
    /* the answer to the QUIT libcurl sends after a refusal ("221 bye") would hide the refusal */
    if (n && !(n >= 3 && g_str_has_prefix(s->partial->str, "221"))) {
      g_string_truncate(s->reply, 0);
      g_string_append_len(s->reply, s->partial->str, (gssize)MIN(n, 300));
      if (n >= 3 && g_ascii_isdigit(s->reply->str[0]) && g_ascii_isdigit(s->reply->str[1]) &&
          g_ascii_isdigit(s->reply->str[2]))
        s->last_code =
          (s->reply->str[0] - '0') * 100 + (s->reply->str[1] - '0') * 10 + (s->reply->str[2] - '0');
    }
    g_string_erase(s->partial, 0, (gssize)(nl - s->partial->str) + 1);
  }
  return 0;
}

FetcherSmtp *
fetcher_smtp_open(const FetcherSmtpOptions *o, GError **error)
{
  if (!o->url || !*o->url) {
    g_set_error(error, FETCHER_ERROR, FETCHER_ERROR_CONFIG, "smtp url is empty");
    return NULL;
  }
  if (g_ascii_strncasecmp(o->url, "smtp://", 7) != 0 && g_ascii_strncasecmp(o->url, "smtps://", 8) != 0) {
    g_set_error(error, FETCHER_ERROR, FETCHER_ERROR_CONFIG, "smtp url must start with smtp:// or smtps://");
    return NULL;
  }
  FetcherSmtp *s = g_new0(FetcherSmtp, 1);
  s->url = g_strdup(o->url);
  s->reply = g_string_new(NULL);
  s->partial = g_string_new(NULL);
  s->curl = fetcher_curl_new(o->user && *o->user ? o->user : NULL, o->password, o->tls_verify, o->ca_file,
                             o->connect_timeout_s, s->errbuf);
  CURL *c = s->curl;
  curl_easy_setopt(c, CURLOPT_URL, s->url);
  /* smtp://: STARTTLS when offered (or required); smtps:// is TLS from the start */
  curl_easy_setopt(c, CURLOPT_USE_SSL, (long)(o->require_tls ? CURLUSESSL_ALL : CURLUSESSL_NONE));
  curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)(o->timeout_s ? o->timeout_s : 60));
  curl_easy_setopt(c, CURLOPT_VERBOSE, 1L); /* feeds on_debug only; nothing is printed */
  curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, on_debug);
  curl_easy_setopt(c, CURLOPT_DEBUGDATA, s);
  return s;
}

void
fetcher_smtp_close(FetcherSmtp *s)
{
  if (!s)
    return;
  if (s->curl)
    curl_easy_cleanup(s->curl); /* sends QUIT on a live connection */
  g_free(s->url);
  g_string_free(s->reply, TRUE);
  g_string_free(s->partial, TRUE);
  g_free(s);
}

static gboolean
envelope_address_ok(const char *a)
{
  for (const char *c = a; *c; c++)
    if ((guchar)*c <= 0x20 || (guchar)*c == 0x7f || *c == '<' || *c == '>')
      return FALSE;
  return TRUE;
}

gboolean
fetcher_smtp_send(FetcherSmtp *s, const char *mail_from, const char *rcpt, const char *data, gsize len,
                  char **reply, gboolean *permanent, GError **error)
{
  const char *rcpts[] = { rcpt, NULL };
  return fetcher_smtp_send_to(s, mail_from, rcpts, data, len, reply, permanent, error);
}

gboolean
fetcher_smtp_send_to(FetcherSmtp *s, const char *mail_from, const char *const *to, const char *data,
                     gsize len, char **reply, gboolean *permanent, GError **error)
{
  if (reply)
    *reply = NULL;
  if (permanent)
    *permanent = FALSE;
  gboolean ok = to && to[0] && *to[0] && (!mail_from || envelope_address_ok(mail_from));
  for (guint i = 0; ok && to[i]; i++)
    ok = *to[i] && envelope_address_ok(to[i]);
  if (!ok) {
    g_set_error(error, FETCHER_ERROR, FETCHER_ERROR_CONFIG, "SMTP envelope address is not usable");
    if (permanent)
      *permanent = TRUE;
    return FALSE;
  }
  g_autofree char *from = g_strdup_printf("<%s>", mail_from ? mail_from : "");
  struct curl_slist *rcpts = NULL;
  for (guint i = 0; to[i]; i++) {
    g_autofree char *angle = g_strdup_printf("<%s>", to[i]);
    rcpts = curl_slist_append(rcpts, angle);
  }
  /* a Cc the server refuses must not cost the customer the message: sent when one RCPT is accepted */
  curl_easy_setopt(s->curl, CURLOPT_MAIL_RCPT_ALLLOWFAILS, to[1] ? 1L : 0L);
  FetcherUpload u;
  g_string_truncate(s->reply, 0);
  g_string_truncate(s->partial, 0);
  s->last_code = 0;
  s->errbuf[0] = '\0';
  curl_easy_setopt(s->curl, CURLOPT_MAIL_FROM, from);
  curl_easy_setopt(s->curl, CURLOPT_MAIL_RCPT, rcpts);
  fetcher_curl_upload(s->curl, &u, data, len);
  u.at_end = s->hand_over;
  u.at_end_data = s->hand_over_data;
  s->not_handed = FALSE;
  CURLcode rc = curl_easy_perform(s->curl);
  s->not_handed = u.refused;
  curl_easy_setopt(s->curl, CURLOPT_MAIL_RCPT, NULL);
  curl_easy_setopt(s->curl, CURLOPT_MAIL_RCPT_ALLLOWFAILS, 0L);
  curl_slist_free_all(rcpts);
  long code = 0;
  curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &code);
  if (reply && s->reply->len)
    *reply = g_utf8_make_valid(s->reply->str, (gssize)s->reply->len);
  if (rc == CURLE_OK)
    return TRUE;
  if (u.refused) {
    /* CONNECT: the rest of the batch waits (the database the hand-over is recorded in may be gone) */
    g_set_error(
      error, FETCHER_ERROR, FETCHER_ERROR_CONNECT,
      "SMTP message not ended: its hand-over could not be recorded, so the server was not given it");
    return FALSE;
  }
  FetcherError kind = fetcher_curl_error_code(rc);
  /* libcurl reports a refused MAIL, RCPT or DATA as a send error: the reply code tells a
   * refusal (4xx: try later, 5xx: never) from a lost connection. */
  if (code >= 400 && (kind == FETCHER_ERROR_PROTOCOL || rc == CURLE_SEND_ERROR || rc == CURLE_RECV_ERROR)) {
    kind = FETCHER_ERROR_PROTOCOL;
    if (permanent)
      *permanent = code >= 500;
  }
  fetcher_curl_set_error(error, kind, "SMTP", NULL, rc, s->errbuf, s->reply->len ? s->reply->str : NULL);
  return FALSE;
}

void
fetcher_smtp_set_hand_over(FetcherSmtp *s, FetcherSmtpHandOver hand_over, gpointer user_data)
{
  s->hand_over = hand_over;
  s->hand_over_data = user_data;
}

gboolean
fetcher_smtp_in_doubt(const FetcherSmtp *s)
{
  if (s && s->not_handed)
    return FALSE;
  /* 354 is the go-ahead for the message data: the last word the server said was that, so the
   * message went out and its final reply never came */
  return s && s->last_code == 354;
}
