/* acks/message.c: the acknowledgement's RFC 5322 bytes, written as GMime would write them, and
 * its Message-ID. */
#include "acks-private.h"

#include <string.h>

char *
acks_message_id_new(const char *order_no, const char *domain)
{
  g_autofree char *uuid = g_uuid_string_random();
  g_autofree char *rnd = g_strndup(uuid, 8);
  g_autofree char *tail = g_strdup(uuid + 24);
  return g_strdup_printf("ack.%s.%s%s@%s", order_no ? order_no : "order", rnd, tail,
                         domain && *domain ? domain : "roycom.com.cn");
}

char *
acks_from_domain(const char *from)
{
  if (!from)
    return NULL;
  const char *lt = strrchr(from, '<');
  const char *addr = lt ? lt + 1 : from;
  const char *at = strchr(addr, '@');
  if (!at)
    return NULL;
  gsize n = strcspn(at + 1, "> \t\r\n");
  return n ? g_ascii_strdown(at + 1, (gssize)n) : NULL;
}

/* A msg-id we may put between <>: printable ASCII without space and <>. */
static gboolean
msgid_usable(const char *id)
{
  if (!id || !*id || strlen(id) > 250 || !strchr(id, '@'))
    return FALSE;
  for (const char *c = id; *c; c++)
    if ((guchar)*c <= 0x20 || (guchar)*c >= 0x7f || *c == '<' || *c == '>')
      return FALSE;
  return TRUE;
}

/* The first mailbox of [smtp] from, which must be one we can send from; NULL with error. The
 * address belongs to *list. */
static InternetAddress *
from_mailbox(const char *from, InternetAddressList **list, GError **error)
{
  *list = internet_address_list_parse(NULL, from ? from : "");
  InternetAddress *ia =
    *list && internet_address_list_length(*list) > 0 ? internet_address_list_get_address(*list, 0) : NULL;
  if (!ia || !INTERNET_ADDRESS_IS_MAILBOX(ia) ||
      !acks_address_usable(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia)))) {
    g_set_error(error, ACKS_ERROR, ACKS_ERROR_ADDRESS, "[smtp] from '%s' is not a mailbox address",
                from ? from : "");
    return NULL;
  }
  return ia;
}

/* GMime's fold column (GMIME_FOLD_LEN, private to GMime 3.2) */
#define ACKS_FOLD_LEN 78

/* One header of message ids (In-Reply-To, References) as GMime writes it: the ids as
 * g_mime_references_parse reads them, folded before an id that would reach column 78. */
static void
put_msgids(GString *out, const char *name, const char *value)
{
  GMimeReferences *refs = g_mime_references_parse(NULL, value);
  g_string_append_printf(out, "%s:", name);
  gsize cur = strlen(name) + 1;
  for (int i = 0; refs && i < g_mime_references_length(refs); i++) {
    const char *id = g_mime_references_get_message_id(refs, i);
    gsize len = strlen(id);
    if (i > 0 && cur > 1 && cur + len + 3 >= ACKS_FOLD_LEN) {
      g_string_append(out, "\n\t");
      cur = 1;
    } else {
      g_string_append_c(out, ' ');
      cur++;
    }
    g_string_append_printf(out, "<%s>", id);
    cur += len + 2;
  }
  g_string_append_c(out, '\n');
  if (refs)
    g_mime_references_free(refs);
}

/* In-Reply-To, and References: the customer's chain, then the customer's own mail (RFC 5322
 * §3.6.4); the last ten ids keep the header bounded. */
static void
put_thread_headers(GString *out, const AcksContent *c)
{
  if (msgid_usable(c->in_reply_to)) {
    g_autofree char *irt = g_strdup_printf("<%s>", c->in_reply_to);
    put_msgids(out, "In-Reply-To", irt);
  }
  g_autoptr(GPtrArray) refs = g_ptr_array_new();
  for (guint i = 0; c->references && c->references[i]; i++)
    if (msgid_usable(c->references[i]) && (!c->in_reply_to || strcmp(c->references[i], c->in_reply_to)))
      g_ptr_array_add(refs, (gpointer)c->references[i]);
  if (msgid_usable(c->in_reply_to))
    g_ptr_array_add(refs, (gpointer)c->in_reply_to);
  if (refs->len) {
    g_autoptr(GString) r = g_string_new(NULL);
    for (guint i = refs->len > 10 ? refs->len - 10 : 0; i < refs->len; i++)
      g_string_append_printf(r, "%s<%s>", r->len ? " " : "", (const char *)g_ptr_array_index(refs, i));
    put_msgids(out, "References", r->str);
  }
}

/* One address header (From, To, Cc) as GMime encodes and folds it. */
static void
put_addresses(GString *out, const char *name, InternetAddressList *list)
{
  if (internet_address_list_length(list) == 0)
    return;
  /* the encoder folds by the length of the string it is given: the header on its own */
  g_autoptr(GString) header = g_string_new(name);
  g_string_append(header, ": ");
  internet_address_list_encode(list, NULL, header);
  g_string_append_len(out, header->str, (gssize)header->len);
}

/* A mailbox for a To or Cc header. An ASCII address is its own IDNA (ASCII) form: IDNA changes
 * nothing in ASCII but case, and GMime then keeps the address as given. Said up front in
 * idn_addr (GMime's public cache of that form, freed with the mailbox), it spares libidn2's
 * Unicode normalisation, which was a third of writing the message. */
static InternetAddress *
mailbox_new(const char *name, const char *addr)
{
  InternetAddress *ia = internet_address_mailbox_new(name, addr);
  InternetAddressMailbox *mb = INTERNET_ADDRESS_MAILBOX(ia);
  if (!mb->idn_addr && mb->addr && g_str_is_ascii(mb->addr))
    mb->idn_addr = g_strdup(mb->addr);
  return ia;
}

/* The From header of the last [smtp] from rendered: the same for every acknowledgement of a run,
 * so it is parsed, checked and encoded once (it was a tenth of a render). */
static GMutex from_lock;
static char *from_value, *from_encoded;

char *
acks_from_header(const char *from, GError **error)
{
  const char *key = from ? from : "";
  g_mutex_lock(&from_lock);
  char *cached = from_value && g_str_equal(from_value, key) ? g_strdup(from_encoded) : NULL;
  g_mutex_unlock(&from_lock);
  if (cached)
    return cached;
  g_autoptr(InternetAddressList) parsed = NULL;
  InternetAddress *ia = from_mailbox(from, &parsed, error);
  if (!ia)
    return NULL;
  g_autoptr(InternetAddressList) list = internet_address_list_new();
  InternetAddress *mailbox = internet_address_mailbox_new(
    internet_address_get_name(ia), internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia)));
  internet_address_list_add(list, mailbox);
  g_object_unref(mailbox);
  g_autoptr(GString) header = g_string_new(NULL);
  put_addresses(header, "From", list);
  g_mutex_lock(&from_lock);
  g_free(from_value);
  g_free(from_encoded);
  from_value = g_strdup(key);
  from_encoded = g_strdup(header->str);
  g_mutex_unlock(&from_lock);
  return g_string_free(g_steal_pointer(&header), FALSE);
}

/* The RFC 5322 bytes (CRLF) of the acknowledgement: a UTF-8 text/plain part in base64. Written
 * directly, byte for byte what a GMimeMessage with these headers writes (tests/acks compares the
 * two), with GMime's encoders and folding: building and freeing the GMime objects cost more than
 * the rest of the rendering together. Headers are built with LF and turned into CRLF at the end.
 * from: the From header line (acks_from_header). */
GBytes *
acks_message_bytes(const AcksContent *c, const char *from, const char *name, const char *subject,
                   const char *body, const char *lang, GTimeZone *tz)
{
  GString *out = g_string_sized_new(1024 + strlen(body) * 2);
  g_autoptr(GDateTime) now = c->date ? NULL : g_date_time_new_now(tz);
  g_autofree char *date = g_mime_utils_header_format_date(c->date ? c->date : now);
  g_string_append_printf(out, "Date: %s\n", date);

  g_string_append(out, from);
  g_autofree char *encoded = g_mime_utils_header_encode_text(NULL, subject, "utf-8");
  g_autofree char *subject_header = g_strdup_printf("Subject: %s", encoded);
  g_autofree char *folded = g_mime_utils_unstructured_header_fold(NULL, NULL, subject_header);
  g_string_append(out, folded);
  g_autoptr(InternetAddressList) list = internet_address_list_new();
  InternetAddress *to = mailbox_new(*name ? name : NULL, c->to_addr);
  internet_address_list_add(list, to);
  g_object_unref(to);
  put_addresses(out, "To", list);
  internet_address_list_clear(list);
  for (guint i = 0; c->cc && c->cc[i]; i++) {
    if (!acks_address_usable(c->cc[i]))
      continue;
    InternetAddress *cc = mailbox_new(NULL, c->cc[i]);
    internet_address_list_add(list, cc);
    g_object_unref(cc);
  }
  put_addresses(out, "Cc", list);
  g_string_append_printf(out, "Message-Id: <%s>\n", c->message_id);
  put_thread_headers(out, c);
  g_string_append_printf(out,
                         "Auto-Submitted: auto-replied\nX-Auto-Response-Suppress: All\n"
                         "Content-Language: %s\nMIME-Version: 1.0\n"
                         "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n",
                         g_str_equal(lang, "zh") ? "zh-CN" : "en");

  gsize len = strlen(body);
  g_autofree guchar *b64 = g_malloc(GMIME_BASE64_ENCODE_LEN(len));
  int state = 0;
  guint32 save = 0;
  gsize n = g_mime_encoding_base64_encode_close((const guchar *)body, len, b64, &state, &save);
  g_string_append_len(out, (const char *)b64, (gssize)n);

  /* LF → CRLF: nothing above holds a CR (the values are sanitised, the body is base64) */
  gsize lines = 0;
  for (const char *nl = out->str; (nl = memchr(nl, '\n', out->str + out->len - nl)); nl++)
    lines++;
  GString *crlf = g_string_sized_new(out->len + lines);
  for (const char *p = out->str, *end = out->str + out->len; p < end;) {
    const char *nl = memchr(p, '\n', end - p);
    const char *stop = nl ? nl : end;
    g_string_append_len(crlf, p, stop - p);
    if (nl)
      g_string_append_len(crlf, "\r\n", 2);
    p = stop + (nl ? 1 : 0);
  }
  g_string_free(out, TRUE);
  return g_string_free_to_bytes(crlf);
}
