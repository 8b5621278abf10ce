/* tests/e2e/harness_mail.c: customer users, SMTP config, delivered mail (see harness_mail.h). */
#include "harness_mail.h"

#include <criterion/criterion.h>
#include <curl/curl.h>
#include <string.h>
#include <unistd.h>

const char *
e2e_server_env(const char *key)
{
  static GHashTable *env;
  if (!env) {
    env = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    const char *argv[] = { INTAKE_SOURCE "/scripts/servers", "env", NULL };
    g_autofree char *out = NULL;
    int status = 0;
    cr_assert(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL,
                           &status, NULL));
    g_auto(GStrv) lines = g_strsplit(out, "\n", -1);
    for (guint i = 0; lines[i]; i++) {
      const char *eq = strchr(lines[i], '=');
      if (!g_str_has_prefix(lines[i], "export ") || !eq)
        continue;
      g_hash_table_insert(env, g_strndup(lines[i] + 7, (gsize)(eq - lines[i] - 7)), g_strdup(eq + 1));
    }
  }
  const char *v = g_hash_table_lookup(env, key);
  cr_assert(v, "scripts/servers env gave no %s", key);
  return v;
}

E2eCustomer *
e2e_customer_new(E2e *e, const char *tag)
{
  E2eCustomer *c = g_new0(E2eCustomer, 1);
  static guint counter; /* two customers made with one tag are two users */
  c->addr = g_strdup_printf("%s_%s_%u@customer.example.com", tag, e->name, counter++);
  c->password = g_strdup_printf("cpw-%08x", g_random_int());
  const char *argv[] = { INTAKE_SOURCE "/scripts/servers", "adduser", c->addr, c->password, NULL };
  int status = 0;
  g_autofree char *out = NULL, *err = NULL;
  cr_assert(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, NULL));
  cr_assert(g_spawn_check_wait_status(status, NULL), "adduser %s: %s%s", c->addr, out, err);
  return c;
}

void
e2e_customer_free(E2eCustomer *c)
{
  if (!c)
    return;
  e2e_servers_deluser(c->addr);
  g_free(c->addr);
  g_free(c->password);
  g_free(c);
}

void
e2e_write_smtp_config(E2e *e, const char *smtp_url, const char *extra)
{
  g_autofree char *pw = g_build_filename(e->dir, "imap.pass", NULL);
  /* a password file as the README sets it up: nobody else may read it */
  g_file_set_contents_full(pw, e->password, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, NULL);
  g_autofree char *url = e2e_url(e, TRUE, "INBOX");
  g_autofree char *text = g_strdup_printf(
    "[imap]\nurl = %s\nuser = %s\npassword_file = %s\ntls_verify = true\nca_file = %s\nprocessed_folder =\n"
    "[smtp]\nurl = %s\nuser = %s\npassword_file = %s\ntls_verify = true\nca_file = %s\n"
    "from = 融科联创服务支持 <service@roycom.com.cn>\n%sconnect_timeout = 5\ntimeout = 20\n%s"
    "[db]\nconninfo = %s\n",
    url, e->user, pw, e->ca_file, smtp_url, e->user, pw, e->ca_file,
    extra && strstr(extra, "send = false") ? "" : "send = true\n", extra ? extra : "", e->conninfo);
  cr_assert(g_file_set_contents(e->config_path, text, -1, NULL));
}

/* One IMAP request as the customer; returns the body (NULL when the login is not ready yet). */
static GString *
customer_imap(E2eCustomer *c, const char *url, const char *command)
{
  CURL *h = curl_easy_init();
  GString *body = g_string_new(NULL);
  curl_easy_setopt(h, CURLOPT_URL, url);
  curl_easy_setopt(h, CURLOPT_USERNAME, c->addr);
  curl_easy_setopt(h, CURLOPT_PASSWORD, c->password);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L); /* the loopback test server; the CA is tested elsewhere */
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, harness_curl_to_gstring);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, body);
  if (command)
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, command);
  CURLcode rc = curl_easy_perform(h);
  curl_easy_cleanup(h);
  if (rc != CURLE_OK) {
    g_string_free(body, TRUE);
    return NULL;
  }
  return body;
}

static GArray *
customer_uids(E2eCustomer *c)
{
  g_autofree char *url = g_strdup_printf("imap://127.0.0.1:%s/INBOX", e2e_server_env("INTAKE_IMAP_PORT"));
  GString *out = customer_imap(c, url, "UID SEARCH ALL");
  GArray *uids = g_array_new(FALSE, FALSE, sizeof(guint32));
  if (!out)
    return uids; /* no mailbox yet */
  const char *p = strstr(out->str, "* SEARCH");
  for (p = p ? p + 8 : ""; *p && *p != '\r' && *p != '\n';) {
    while (*p == ' ')
      p++;
    if (!g_ascii_isdigit(*p))
      break;
    char *end;
    guint32 v = (guint32)g_ascii_strtoull(p, &end, 10);
    g_array_append_val(uids, v);
    p = end;
  }
  g_string_free(out, TRUE);
  return uids;
}

GPtrArray *
e2e_customer_mails(E2eCustomer *c, guint want, guint timeout_s)
{
  gint64 deadline = g_get_monotonic_time() + (gint64)timeout_s * G_USEC_PER_SEC;
  g_autoptr(GArray) uids = NULL;
  for (;;) {
    g_clear_pointer(&uids, g_array_unref);
    uids = customer_uids(c);
    if (uids->len >= want && want > 0)
      break;
    if (g_get_monotonic_time() > deadline)
      break;
    g_usleep(200 * 1000);
  }
  /* a moment more: a duplicate would arrive right behind */
  g_usleep(want ? 1000 * 1000 : 0);
  g_clear_pointer(&uids, g_array_unref);
  uids = customer_uids(c);
  GPtrArray *mails = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
  for (guint i = 0; i < uids->len; i++) {
    g_autofree char *url =
      g_strdup_printf("imap://127.0.0.1:%s/INBOX;UID=%u", e2e_server_env("INTAKE_IMAP_PORT"),
                      g_array_index(uids, guint32, i));
    GString *body = customer_imap(c, url, NULL);
    cr_assert(body, "cannot fetch UID %u of %s", g_array_index(uids, guint32, i), c->addr);
    gsize len = body->len;
    g_ptr_array_add(mails, g_bytes_new_take(g_string_free(body, FALSE), len));
  }
  return mails;
}

char *
e2e_customer_mail(const char *from_name_encoded, const char *from_addr, const char *subject,
                  const char *message_id, const char *extra_headers, const char *body, gsize *len)
{
  GString *m = g_string_new(NULL);
  g_string_append_printf(m, "From: %s <%s>\r\n", from_name_encoded ? from_name_encoded : "", from_addr);
  g_string_append(m, "To: service@roycom.com.cn\r\n");
  g_string_append_printf(m, "Subject: %s\r\n", subject);
  g_string_append(m, "Date: Wed, 25 Nov 2026 10:15:00 +0800\r\n");
  if (message_id)
    g_string_append_printf(m, "Message-ID: <%s>\r\n", message_id);
  if (extra_headers)
    g_string_append(m, extra_headers);
  g_string_append(m, "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
                     "Content-Transfer-Encoding: 8bit\r\n\r\n");
  g_string_append(m, body);
  *len = m->len;
  return g_string_free(m, FALSE);
}

GMimeMessage *
harness_parse_mail(GBytes *raw)
{
  GMimeStream *s = g_mime_stream_mem_new_with_buffer(g_bytes_get_data(raw, NULL), g_bytes_get_size(raw));
  GMimeParser *p = g_mime_parser_new_with_stream(s);
  GMimeMessage *m = g_mime_parser_construct_message(p, NULL);
  g_object_unref(p);
  g_object_unref(s);
  cr_assert_not_null(m);
  return m;
}

char *
harness_mail_text(GMimeMessage *m)
{
  GMimeObject *part = g_mime_message_get_mime_part(m);
  cr_assert(GMIME_IS_TEXT_PART(part));
  return g_mime_text_part_get_text(GMIME_TEXT_PART(part));
}
