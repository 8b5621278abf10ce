/* fetcher/curl-common.c: the libcurl glue IMAP and SMTP share — global init and the one map of
 * CURLcode onto FETCHER_ERROR, so both protocols classify a failure the same way. */
#include "fetcher-private.h"

#include <string.h>

G_DEFINE_QUARK(fetcher - error - quark, fetcher_error)

void
fetcher_curl_init(void)
{
  static gsize once;
  if (g_once_init_enter(&once)) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    g_once_init_leave(&once, 1);
  }
}

CURL *
fetcher_curl_new(const char *user, const char *password, gboolean tls_verify, const char *ca_file,
                 guint connect_timeout_s, char *errbuf)
{
  fetcher_curl_init();
  CURL *c = curl_easy_init();
  if (!c)
    g_error("curl_easy_init failed: out of memory");
  if (user) {
    curl_easy_setopt(c, CURLOPT_USERNAME, user);
    curl_easy_setopt(c, CURLOPT_PASSWORD, password ? password : "");
  }
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, tls_verify ? 1L : 0L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, tls_verify ? 2L : 0L);
  if (ca_file && *ca_file)
    curl_easy_setopt(c, CURLOPT_CAINFO, ca_file);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)(connect_timeout_s ? connect_timeout_s : 15));
  /* Every wait bounded, however big the mail: a transfer slower than FETCHER_MIN_SPEED for
   * FETCHER_STALL_S fails (a stalled or trickling server), each command's reply within
   * FETCHER_REPLY_S, and TCP keepalives notice a peer that vanished without a word. */
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, (long)FETCHER_MIN_SPEED);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, (long)FETCHER_STALL_S);
  curl_easy_setopt(c, CURLOPT_SERVER_RESPONSE_TIMEOUT, (long)FETCHER_REPLY_S);
  curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(c, CURLOPT_TCP_KEEPIDLE, 60L);
  curl_easy_setopt(c, CURLOPT_TCP_KEEPINTVL, 15L);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  return c;
}

FetcherError
fetcher_curl_error_code(CURLcode rc)
{
  switch (rc) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
      return FETCHER_ERROR_CONFIG;
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_GOT_NOTHING:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
      return FETCHER_ERROR_CONNECT;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION: /* also CURLE_SSL_CACERT */
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_USE_SSL_FAILED:
      return FETCHER_ERROR_TLS;
    case CURLE_LOGIN_DENIED:
    case CURLE_AUTH_ERROR:
      return FETCHER_ERROR_AUTH;
    default:
      return FETCHER_ERROR_PROTOCOL;
  }
}

void
fetcher_curl_set_error(GError **error, FetcherError code, const char *proto, const char *context, CURLcode rc,
                       const char *errbuf, const char *reply)
{
  static const char *const what[] = {
    [FETCHER_ERROR_CONFIG] = "url or option rejected",
    [FETCHER_ERROR_CONNECT] = "server unreachable",
    [FETCHER_ERROR_TLS] = "TLS failure",
    [FETCHER_ERROR_AUTH] = "login refused",
    [FETCHER_ERROR_NO_MAILBOX] = "mailbox not found",
    [FETCHER_ERROR_PROTOCOL] = "request failed",
  };
  g_return_if_fail((guint)code < G_N_ELEMENTS(what));
  const char *said = errbuf && *errbuf ? errbuf : curl_easy_strerror(rc);
  /* the peer hung up during the handshake (restarted, overloaded, a firewall): a lost connection to
   * retry, not a certificate or protocol to fix (blind round 20: read as "TLS failure") */
  if (code == FETCHER_ERROR_TLS && rc == CURLE_SSL_CONNECT_ERROR &&
      (strstr(said, "reset by peer") || strstr(said, "SSL_ERROR_SYSCALL") || strstr(said, "unexpected eof") ||
       strstr(said, "Broken pipe")))
    code = FETCHER_ERROR_CONNECT;
  g_autoptr(GString) m = g_string_new(NULL);
  g_string_printf(m, "%s %s", proto, what[code]);
  if (context && *context)
    g_string_append_printf(m, " in %s", context);
  g_string_append_printf(m, ": %s", said);
  if (reply && *reply)
    g_string_append_printf(m, " (server: %s)", reply);
  /* the admin's usual mistakes, named (blind round 18: OpenSSL's words alone did not say what to fix) */
  if (strstr(said, "wrong version number") || strstr(said, "packet length too long"))
    g_string_append(m, " — is this port plain text? imaps:// needs the server's TLS port (993, 465 for "
                       "smtps://); on a plain port write imap:// or smtp:// (STARTTLS)");
  else if (rc == CURLE_PEER_FAILED_VERIFICATION &&
           (strstr(said, "unable to get local issuer") || strstr(said, "self-signed") ||
            strstr(said, "self signed")))
    g_string_append(m, " — the server's certificate is not signed by a CA this machine trusts: give the "
                       "private CA's certificate in ca_file");
  g_set_error_literal(error, FETCHER_ERROR, (gint)code, m->str);
}

static size_t
on_read(char *buf, size_t size, size_t nitems, void *user)
{
  FetcherUpload *u = user;
  size_t n = MIN(size * nitems, u->len - u->pos);
  /* before the chunk that completes the data: with the size known libcurl reads no further, and ends
   * the data (SMTP: the final ".") right after this chunk */
  if (u->pos + n == u->len && u->at_end && !u->ended) {
    u->ended = TRUE;
    if (!u->at_end(u->at_end_data)) {
      u->refused = TRUE;
      return CURL_READFUNC_ABORT;
    }
  }
  memcpy(buf, u->data + u->pos, n);
  u->pos += n;
  return n;
}

void
fetcher_curl_upload(CURL *curl, FetcherUpload *u, const char *data, gsize len)
{
  *u = (FetcherUpload){ .data = data, .len = len };
  curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, on_read);
  curl_easy_setopt(curl, CURLOPT_READDATA, u);
  curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
}
