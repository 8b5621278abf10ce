/* tests/fetcher/test_fetch_no.c: a tagged NO to UID FETCH is the server's "not now" (issue 11,
 * item 7): fetcher_session_fetch stops before the mail and reports the refusal (the poll asks again,
 * and keeps it for review once refused for [imap] refused_for)
 * instead of handing back an unreadable mail that would become an 'unfetchable' order. Dovecot
 * cannot be made to say NO on demand: a small scripted IMAP server stands in. */
#include "fetcher.h"

#include <criterion/criterion.h>
#include <gio/gio.h>
#include <string.h>

typedef struct {
  GSocketListener *listener;
  guint16 port;
  gint fetches; /* UID FETCH commands answered NO */
} FakeImap;

static void
say(GOutputStream *out, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  g_autofree char *text = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  g_output_stream_write_all(out, text, strlen(text), NULL, NULL, NULL);
}

/* One session: LOGIN, SELECT/EXAMINE, and NO to every UID FETCH. */
static void
serve_one(FakeImap *f, GSocketConnection *conn)
{
  GOutputStream *out = g_io_stream_get_output_stream(G_IO_STREAM(conn));
  g_autoptr(GDataInputStream) in = g_data_input_stream_new(g_io_stream_get_input_stream(G_IO_STREAM(conn)));
  g_data_input_stream_set_newline_type(in, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);
  say(out, "* OK [CAPABILITY IMAP4rev1] fake ready\r\n");
  for (;;) {
    gsize n = 0;
    g_autofree char *line = g_data_input_stream_read_line(in, &n, NULL, NULL);
    if (!line)
      return;
    g_autofree char *tag = g_strndup(line, strcspn(line, " "));
    const char *cmd = line + strlen(tag) + (line[strlen(tag)] ? 1 : 0);
    if (!g_ascii_strncasecmp(cmd, "CAPABILITY", 10))
      say(out, "* CAPABILITY IMAP4rev1\r\n%s OK done\r\n", tag);
    else if (!g_ascii_strncasecmp(cmd, "LOGIN", 5) || !g_ascii_strncasecmp(cmd, "AUTHENTICATE", 12))
      say(out, "%s OK logged in\r\n", tag);
    else if (!g_ascii_strncasecmp(cmd, "SELECT", 6) || !g_ascii_strncasecmp(cmd, "EXAMINE", 7))
      say(out, "* 3 EXISTS\r\n* OK [UIDVALIDITY 7] ok\r\n* OK [UIDNEXT 4] ok\r\n%s OK [READ-WRITE] done\r\n",
          tag);
    else if (!g_ascii_strncasecmp(cmd, "UID FETCH", 9)) {
      g_atomic_int_inc(&f->fetches);
      say(out, "%s NO [UNAVAILABLE] message store busy, try later\r\n", tag);
    } else if (!g_ascii_strncasecmp(cmd, "LOGOUT", 6)) {
      say(out, "* BYE bye\r\n%s OK done\r\n", tag);
      return;
    } else
      say(out, "%s OK done\r\n", tag);
  }
}

static gpointer
serve(gpointer data)
{
  FakeImap *f = data;
  for (;;) {
    GSocketConnection *conn = g_socket_listener_accept(f->listener, NULL, NULL, NULL);
    if (!conn)
      return NULL;
    serve_one(f, conn);
    g_object_unref(conn);
  }
}

Test(fetch_no, a_tagged_no_is_transient_not_an_unreadable_mail, .timeout = 60)
{
  FakeImap *f = g_new0(FakeImap, 1);
  f->listener = g_socket_listener_new();
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new(lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  cr_assert(g_socket_listener_add_address(f->listener, addr, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                          NULL, &bound, NULL));
  f->port = g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(bound));
  g_thread_unref(g_thread_new("fake-imap", serve, f));

  g_autofree char *url = g_strdup_printf("imap://127.0.0.1:%u/INBOX", f->port);
  FetcherImapOptions o = { .url = url,
                           .user = "u",
                           .password = "p",
                           .plain_text = TRUE,
                           .connect_timeout_s = 5,
                           .stall_timeout_s = 10 };
  g_autoptr(GError) error = NULL;
  g_autoptr(FetcherSession) s = fetcher_session_open(&o, &error);
  cr_assert_not_null(s, "%s", error ? error->message : "");
  const guint32 uids[] = { 1, 2, 3 };
  g_autoptr(GPtrArray) got = fetcher_session_fetch(s, uids, 3, &error);
  if (got)
    for (guint i = 0; i < got->len; i++) {
      const FetcherMessage *m = g_ptr_array_index(got, i);
      cr_expect(!m->error, "UID %u handed back as unreadable (an 'unfetchable' order): %s", m->uid, m->error);
    }
  /* the fetch stops at the refused UID, with what came before it (nothing here) */
  cr_expect(got && got->len == 0, "a NO must stop the fetch before the mail, to be asked again");
  guint32 refused = 0;
  g_autofree char *why = NULL;
  cr_expect(fetcher_session_take_refusal(s, &refused, &why), "the refusal is not reported");
  cr_expect_eq(refused, 1);
  cr_expect(why && strstr(why, "UNAVAILABLE"), "%s", why ? why : "(no message)");
  cr_expect(!fetcher_session_take_refusal(s, &refused, &why), "taken twice");
  cr_expect_geq(g_atomic_int_get(&f->fetches), 1);
}
