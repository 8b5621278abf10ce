/* fetcher/golive.c: the network calls of going live — one JSON POST to an alert webhook (short timeouts, never a long wait). */
#include "fetcher-private.h"

#include <string.h>

gint
fetcher_uid_compare(const guint32 *a, const guint32 *b)
{
  return *a < *b ? -1 : *a > *b;
}

static size_t
discard(char *ptr, size_t size, size_t nmemb, void *user)
{
  GString *reply = user;
  if (reply->len < 300)
    g_string_append_len(reply, ptr, (gssize)MIN(size * nmemb, 300 - reply->len));
  return size * nmemb;
}

gboolean
fetcher_http_post_json(const char *url, const char *json, guint timeout_s, gboolean robot, GError **error)
{
  if (!url || (g_ascii_strncasecmp(url, "http://", 7) != 0 && g_ascii_strncasecmp(url, "https://", 8) != 0)) {
    g_set_error(error, FETCHER_ERROR, FETCHER_ERROR_CONFIG,
                "webhook url must start with http:// or https://");
    return FALSE;
  }
  char errbuf[CURL_ERROR_SIZE] = "";
  guint t = timeout_s ? timeout_s : 5;
  CURL *c = fetcher_curl_new(NULL, NULL, TRUE, NULL, t, errbuf);
  g_autoptr(GString) reply = g_string_new(NULL);
  struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json; charset=utf-8");
  curl_easy_setopt(c, CURLOPT_URL, url);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, json);
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(json));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)t);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, reply);
  CURLcode rc = curl_easy_perform(c);
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  gboolean ok = rc == CURLE_OK && status >= 200 && status < 300;
  /* Chat robots answer 200 and say in the body that they refused (WeCom/DingTalk "errcode": 45009
   * over 20 messages a minute, a wrong key; Feishu "code": 9499): a refusal, retried like a 5xx, not
   * an alert delivered. */
  gint64 refused = 0;
  if (ok && robot && reply->len) {
    g_autoptr(GRegex) re = g_regex_new("\"(?:errcode|code|StatusCode)\"\\s*:\\s*(-?[0-9]+)", 0, 0, NULL);
    g_autoptr(GMatchInfo) mi = NULL;
    for (g_regex_match(re, reply->str, 0, &mi); g_match_info_matches(mi) && !refused;
         g_match_info_next(mi, NULL)) {
      g_autofree char *v = g_match_info_fetch(mi, 1);
      refused = g_ascii_strtoll(v, NULL, 10);
    }
    ok = refused == 0;
  }
  if (rc != CURLE_OK)
    fetcher_curl_set_error(error, fetcher_curl_error_code(rc), "HTTP", "webhook POST", rc, errbuf, NULL);
  else if (!ok) {
    g_autofree char *text = g_utf8_make_valid(reply->str, (gssize)reply->len);
    g_set_error(error, FETCHER_ERROR, FETCHER_ERROR_PROTOCOL, "HTTP webhook POST: %s %ld (%s)",
                refused ? "refused by the robot, code" : "status", refused ? (long)refused : status, text);
  }
  curl_slist_free_all(headers);
  curl_easy_cleanup(c);
  return ok;
}
