/* mime.c: walks a GMime message: decoded headers, the body text of the right parts, attachments and a per-part decoding report. */
#include "parser-private.h"

#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* ---- headers ----------------------------------------------------------------------------- */

static const char *
raw_header(GMimeObject *obj, const char *name)
{
  GMimeHeaderList *list = g_mime_object_get_header_list(obj);
  GMimeHeader *h = list ? g_mime_header_list_get_header(list, name) : NULL;
  return h ? g_mime_header_get_raw_value(h) : NULL;
}

static gboolean
has_8bit(const char *s)
{
  for (; *s; s++)
    if ((guchar)*s >= 0x80)
      return TRUE;
  return FALSE;
}

/* Unfolds (RFC 5322 §2.2.3: a CRLF before blanks goes, the blanks stay) and trims. */
static char *
unfold(const char *s)
{
  GString *out = g_string_sized_new(strlen(s));
  for (const char *p = s; *p; p++) {
    if (*p == '\r' || *p == '\n')
      continue;
    g_string_append_c(out, *p);
  }
  g_strstrip(out->str);
  out->len = strlen(out->str);
  return g_string_free(out, FALSE);
}

/* A raw header value made ready for GMime's decoders: raw 8-bit text decoded by our guesser
 * (UTF-8, GB18030, Big5) and the GB/Big5 labels of encoded words mapped to their supersets. */
static char *
prepare_header(const char *raw)
{
  g_autofree char *text = NULL;
  if (has_8bit(raw)) {
    ParserDecoded d = parser_charset_decode(NULL, raw, strlen(raw));
    text = d.text;
  } else {
    text = g_strdup(raw);
  }
  g_autofree char *fixed = parser_charset_fix_rfc2047(text);
  return unfold(fixed);
}

static char *
decode_text_header(const ParserConfig *config, GMimeObject *obj, const char *name)
{
  const char *raw = raw_header(obj, name);
  if (!raw)
    return NULL;
  g_autofree char *prepared = prepare_header(raw);
  char *decoded = g_mime_utils_header_decode_text(config->gmime_options, prepared);
  if (!decoded)
    return g_steal_pointer(&prepared);
  /* GMime keeps the text's own blanks; strip only the ends like every mail client does. An
   * encoded CR/LF or other control character never reaches our output (header injection). */
  for (char *p = decoded; *p; p++)
    if ((guchar)*p < 0x20 || *p == 0x7F)
      *p = ' ';
  g_strstrip(decoded);
  return decoded;
}

static void
set_from(const ParserConfig *config, GMimeObject *obj, ParserRequest *r)
{
  const char *raw = raw_header(obj, "From");
  if (!raw)
    return;
  g_autofree char *prepared = prepare_header(raw);
  g_autoptr(InternetAddressList) list = internet_address_list_parse(config->gmime_options, prepared);
  InternetAddressMailbox *mb = NULL;
  for (int i = 0; list && i < internet_address_list_length(list) && !mb; i++) {
    InternetAddress *a = internet_address_list_get_address(list, i);
    if (INTERNET_ADDRESS_IS_MAILBOX(a))
      mb = INTERNET_ADDRESS_MAILBOX(a);
    else if (INTERNET_ADDRESS_IS_GROUP(a)) {
      InternetAddressList *members = internet_address_group_get_members(INTERNET_ADDRESS_GROUP(a));
      if (members && internet_address_list_length(members) > 0 &&
          INTERNET_ADDRESS_IS_MAILBOX(internet_address_list_get_address(members, 0)))
        mb = INTERNET_ADDRESS_MAILBOX(internet_address_list_get_address(members, 0));
    }
  }
  if (!mb) {
    r->from = g_mime_utils_header_decode_text(config->gmime_options, prepared);
    /* "MAILER DAEMON <>": no address, but the name is still the sender's. */
    const char *lt = strchr(r->from, '<');
    if (lt && lt > r->from) {
      g_autofree char *name = g_strndup(r->from, lt - r->from);
      g_strstrip(name);
      if (*name)
        r->from_name = g_strdup(name);
    }
    return;
  }
  const char *name = internet_address_get_name(INTERNET_ADDRESS(mb));
  const char *addr = internet_address_mailbox_get_addr(mb);
  if (name && *name) {
    r->from_name = g_strstrip(g_strdup(name));
    for (char *p = r->from_name; *p; p++)
      if ((guchar)*p < 0x20 || *p == 0x7F)
        *p = ' ';
  }
  if (addr && *addr)
    r->from_addr = g_ascii_strdown(addr, -1);
  if (r->from_name && *r->from_name && r->from_addr)
    r->from = g_strdup_printf("%s <%s>", r->from_name, addr);
  else if (addr && *addr)
    r->from = g_strdup(addr);
  else if (r->from_name)
    r->from = g_strdup(r->from_name);
}

static void
add_references(const ParserConfig *config, GMimeObject *obj, const char *name, ParserRequest *r)
{
  const char *raw = raw_header(obj, name);
  if (!raw)
    return;
  GMimeReferences *refs = g_mime_references_parse(config->gmime_options, raw);
  if (!refs)
    return;
  for (int i = 0; i < g_mime_references_length(refs); i++) {
    const char *id = g_mime_references_get_message_id(refs, i);
    gboolean seen = FALSE;
    for (guint j = 0; j < r->references->len && !seen; j++)
      seen = strcmp(g_ptr_array_index(r->references, j), id) == 0;
    if (!seen && id && *id)
      g_ptr_array_add(r->references, g_strdup(id));
  }
  g_mime_references_free(refs);
}

/* The date of the topmost Received: header (after its last ';'), or NULL. */
static GDateTime *
received_date(GMimeObject *obj)
{
  const char *raw = raw_header(obj, "Received");
  if (!raw)
    return NULL;
  const char *semi = strrchr(raw, ';');
  if (!semi)
    return NULL;
  g_autofree char *date = unfold(semi + 1);
  return g_mime_utils_header_decode_date(date);
}

void
parser_mime_headers(const ParserConfig *config, GMimeMessage *msg, ParserRequest *r)
{
  GMimeObject *obj = GMIME_OBJECT(msg);
  const char *mid = g_mime_message_get_message_id(msg);
  r->message_id = mid && *mid ? g_strdup(mid) : NULL;
  r->subject = decode_text_header(config, obj, "Subject");
  set_from(config, obj, r);
  GDateTime *date = g_mime_message_get_date(msg);
  if (date)
    r->date = g_date_time_ref(date);
  r->received = received_date(obj);
  const char *rp = raw_header(obj, "Return-Path");
  if (rp) {
    g_autofree char *v = unfold(rp);
    /* "<>" is the empty return path of bounces; keep the address without brackets otherwise. */
    GString *s = g_string_new(NULL);
    for (const char *p = v; *p; p++)
      if (*p != '<' && *p != '>' && *p != ' ' && *p != '\t')
        g_string_append_c(s, *p);
    r->return_path = g_string_free(s, FALSE);
  }
  add_references(config, obj, "In-Reply-To", r);
  add_references(config, obj, "References", r);
}

/* A header value for the rules that read it as written: unfolded, tabs as blanks, trimmed, UTF-8. */
static char *
header_as_written(GMimeObject *obj, const char *name)
{
  const char *raw = raw_header(obj, name);
  if (!raw)
    return NULL;
  g_autofree char *v = unfold(raw);
  for (char *p = v; *p; p++)
    if (*p == '\t')
      *p = ' ';
  return g_utf8_make_valid(v, -1);
}

void
parser_mime_auto_headers(GMimeMessage *msg, ParserRequest *r)
{
  GMimeObject *obj = GMIME_OBJECT(msg);
  ParserAutoHeaders *h = &r->auto_headers;
  h->auto_submitted = header_as_written(obj, "Auto-Submitted");
  h->precedence = header_as_written(obj, "Precedence");
  h->list_id = header_as_written(obj, "List-Id");
  h->list_unsubscribe = header_as_written(obj, "List-Unsubscribe");
  static const char *const x_auto[] = { "X-Autoreply", "X-Autorespond", "X-Autogenerated" };
  for (guint i = 0; i < G_N_ELEMENTS(x_auto) && !h->x_autoreply; i++)
    h->x_autoreply = header_as_written(obj, x_auto[i]);
  h->x_auto_response_suppress = header_as_written(obj, "X-Auto-Response-Suppress");
}

/* ---- the part walk ----------------------------------------------------------------------- */

typedef struct {
  const ParserConfig *config;
  const ParserLimits *limits;
  ParserRequest *r;
  ParserMimeResult *out;
  guint parts;
  guint headers;
  gsize max_text;
  gboolean truncated;
  gsize plain_chars, html_chars; /* visible characters each kind of text part gave the body */
} Walk;

static gboolean walk(Walk *w, GMimeObject *obj, guint depth, GError **error);

static gboolean
count_object(Walk *w, GMimeObject *obj, guint depth, GError **error)
{
  if (depth > w->limits->max_depth) {
    g_set_error(error, PARSER_ERROR, PARSER_ERROR_TOO_DEEP, "MIME nesting deeper than max_depth (%u)",
                w->limits->max_depth);
    return FALSE;
  }
  if (++w->parts > w->limits->max_parts) {
    g_set_error(error, PARSER_ERROR, PARSER_ERROR_TOO_MANY_PARTS, "more MIME parts than max_parts (%u)",
                w->limits->max_parts);
    return FALSE;
  }
  GMimeHeaderList *hl = g_mime_object_get_header_list(obj);
  w->headers += hl ? (guint)g_mime_header_list_get_count(hl) : 0;
  if (w->headers > w->limits->max_headers) {
    g_set_error(error, PARSER_ERROR, PARSER_ERROR_TOO_MANY_HEADERS,
                "more header fields than max_headers (%u)", w->limits->max_headers);
    return FALSE;
  }
  return TRUE;
}

static char *
mime_type_of(GMimeObject *obj)
{
  GMimeContentType *ct = g_mime_object_get_content_type(obj);
  if (!ct)
    return g_strdup("text/plain");
  char *t = g_mime_content_type_get_mime_type(ct);
  char *lower = g_ascii_strdown(t, -1);
  g_free(t);
  return lower;
}

/* A parameter of a raw structured header re-parsed after mapping GB/Big5 labels, because GMime
 * would decode an RFC 2231/2047 "gb2312" filename with GB2312 and lose GBK characters. */
static char *
fixed_param(const ParserConfig *config, GMimeObject *obj, const char *header, const char *param)
{
  const char *raw = raw_header(obj, header);
  if (!raw)
    return NULL;
  g_autofree char *prepared = prepare_header(raw);
  g_autofree char *fixed = parser_charset_fix_rfc2047(prepared);
  /* RFC 2231 labels (filename*=gb2312''…) are not encoded words: map them too. */
  g_autoptr(GString) s = g_string_new(fixed);
  static const char *const labels[] = { "gb2312''", "gbk''",  "GB2312''", "GBK''",  "cp936''",
                                        "x-gbk''",  "big5''", "Big5''",   "BIG5''", NULL };
  for (const char *const *l = labels; *l; l++)
    g_string_replace(s, *l,
                     strncmp(*l, "big", 3) == 0 || strncmp(*l, "Big", 3) == 0 || strncmp(*l, "BIG", 3) == 0
                       ? "BIG5-HKSCS''"
                       : "GB18030''",
                     0);
  char *value = NULL;
  if (strcmp(header, "Content-Disposition") == 0) {
    g_autoptr(GMimeContentDisposition) d = g_mime_content_disposition_parse(config->gmime_options, s->str);
    const char *v = d ? g_mime_content_disposition_get_parameter(d, param) : NULL;
    value = v ? g_strdup(v) : NULL;
  } else {
    g_autoptr(GMimeContentType) ct = g_mime_content_type_parse(config->gmime_options, s->str);
    const char *v = ct ? g_mime_content_type_get_parameter(ct, param) : NULL;
    value = v ? g_strdup(v) : NULL;
  }
  return value;
}

static char *
part_filename(const ParserConfig *config, GMimeObject *obj)
{
  char *name = fixed_param(config, obj, "Content-Disposition", "filename");
  if (!name || !*name) {
    g_free(name);
    name = fixed_param(config, obj, "Content-Type", "name");
  }
  if (name && !*name)
    g_clear_pointer(&name, g_free);
  if (name) {
    /* A name still holding encoded words (some clients quote them in RFC 2231 values). */
    if (strstr(name, "=?")) {
      char *d = g_mime_utils_header_decode_text(config->gmime_options, name);
      g_free(name);
      name = d;
    }
    if (!g_utf8_validate(name, -1, NULL)) {
      ParserDecoded d = parser_charset_decode(NULL, name, strlen(name));
      g_free(name);
      name = d.text;
    }
  }
  return name;
}

static void
add_attachment(Walk *w, GMimeObject *obj, const char *type, gsize size)
{
  ParserAttachment *a = g_new0(ParserAttachment, 1);
  a->filename = part_filename(w->config, obj);
  a->content_type = g_strdup(type);
  a->size = size;
  g_ptr_array_add(w->r->attachments, a);
}

GByteArray *
parser_mime_part_bytes(GMimePart *part)
{
  GByteArray *ba = g_byte_array_new();
  GMimeDataWrapper *content = g_mime_part_get_content(part);
  if (!content)
    return ba;
  GMimeStream *mem = g_mime_stream_mem_new_with_byte_array(ba);
  g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(mem), FALSE);
  g_mime_data_wrapper_write_to_stream(content, mem);
  g_object_unref(mem);
  return ba;
}

/* Decoded size of an attachment. Base64 (nearly every attachment) is counted from the encoded
 * bytes — 3 bytes per 4 alphabet characters, less the padding — without decoding: listing an
 * attachment must not cost more than the mail's text. Other encodings are decoded into a
 * counting stream. */
/* The line breaks in p[0..len): 16 bytes at a time (a memchr call per 76-byte base64 line costs
 * more than the counting). */
static gsize
count_newlines(const char *p, gsize len)
{
  gsize n = 0, i = 0;
#ifdef __SSE2__
  /* Each lane counts its matches (0xFF = -1 per match) for up to 255 blocks, then psadbw sums. */
  const __m128i nl = _mm_set1_epi8('\n'), zero = _mm_setzero_si128();
  while (len - i >= 16) {
    __m128i acc = zero;
    for (guint k = 0; k < 255 && len - i >= 16; k++, i += 16)
      acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(p + i)), nl));
    __m128i sum = _mm_sad_epu8(acc, zero);
    n += (gsize)_mm_cvtsi128_si32(sum) + (gsize)_mm_cvtsi128_si32(_mm_srli_si128(sum, 8));
  }
#endif
  for (; i < len; i++)
    n += p[i] == '\n';
  return n;
}

static gsize
part_size(GMimePart *part)
{
  GMimeDataWrapper *content = g_mime_part_get_content(part);
  if (!content)
    return 0;
  GMimeStream *raw = g_mime_data_wrapper_get_stream(content);
  if (g_mime_data_wrapper_get_encoding(content) == GMIME_CONTENT_ENCODING_BASE64 && raw &&
      GMIME_IS_STREAM_MEM(raw)) {
    /* The parser's streams are windows on the caller's buffer: count in place. */
    GByteArray *ba = GMIME_STREAM_MEM(raw)->buffer;
    gint64 start = raw->bound_start, end = raw->bound_end < 0 ? (gint64)ba->len : raw->bound_end;
    if (ba && start >= 0 && start <= end && end <= (gint64)ba->len) {
      const char *p = (const char *)ba->data + start, *e = (const char *)ba->data + end;
      gsize len = e - p, breaks = 0;
      breaks = count_newlines(p, len);
      /* CRLF mail has a CR before every LF. */
      const char *lf = memchr(p, '\n', len);
      if (lf && lf > p && lf[-1] == '\r')
        breaks *= 2;
      gsize chars = len - breaks;
      /* Padding and stray blanks sit at the end. */
      for (const char *q = e;
           q > p && (q[-1] == '=' || q[-1] == '\n' || q[-1] == '\r' || q[-1] == ' ' || q[-1] == '\t'); q--)
        if (q[-1] == '=' || q[-1] == ' ' || q[-1] == '\t')
          chars--;
      gsize bytes = chars / 4 * 3 + (chars % 4 >= 2 ? chars % 4 - 1 : 0);
      return bytes;
    }
  }
  GMimeStream *null = g_mime_stream_null_new();
  g_mime_data_wrapper_write_to_stream(content, null);
  gsize n = GMIME_STREAM_NULL(null)->written;
  g_object_unref(null);
  return n;
}

/* The charset an HTML part declares in a <meta> when the MIME header names none. */
static char *
html_meta_charset(const char *data, gsize len)
{
  gsize n = MIN(len, 4096);
  g_autofree char *head = g_ascii_strdown(data, n);
  const char *c = strstr(head, "charset=");
  if (!c)
    return NULL;
  c += strlen("charset=");
  while (*c == '"' || *c == '\'' || *c == ' ')
    c++;
  gsize l = strcspn(c, "\"'; />");
  return l ? g_strndup(c, l) : NULL;
}

/* format=flowed (RFC 3676): soft line breaks (a trailing space) join lines; space-stuffing goes. */
static char *
unflow(const char *text, gboolean delsp)
{
  GString *out = g_string_sized_new(strlen(text));
  const char *p = text;
  while (*p) {
    const char *nl = strchr(p, '\n');
    gsize len = nl ? (gsize)(nl - p) : strlen(p);
    const char *line = p;
    if (len > 0 && line[len - 1] == '\r')
      len--;
    gsize q = 0;
    while (q < len && line[q] == '>')
      q++;
    gsize start = q;
    if (start < len && line[start] == ' ')
      start++; /* space-stuffing */
    gboolean sig = (len - start == 3 && strncmp(line + start, "-- ", 3) == 0);
    gboolean soft = !sig && len > start && line[len - 1] == ' ';
    if (q > 0 && (out->len == 0 || out->str[out->len - 1] == '\n')) {
      for (gsize i = 0; i < q; i++)
        g_string_append_c(out, '>');
      g_string_append_c(out, ' ');
    }
    gsize end = len;
    if (soft && delsp)
      end--;
    g_string_append_len(out, line + start, end - start);
    if (!soft)
      g_string_append_c(out, '\n');
    if (!nl)
      break;
    p = nl + 1;
  }
  return g_string_free(out, FALSE);
}

static void
append_body(Walk *w, const char *text)
{
  GString *b = w->out->body;
  if (w->truncated)
    return;
  gsize len = strlen(text);
  if (b->len + len > w->max_text) {
    gsize room = w->max_text > b->len ? w->max_text - b->len : 0;
    /* Cut on a character boundary. */
    const char *end = text + room;
    while (end > text && ((guchar)*end & 0xC0) == 0x80)
      end--;
    g_string_append_len(b, text, end - text);
    w->truncated = TRUE;
    g_ptr_array_add(w->r->warnings,
                    g_strdup_printf("body text cut at max_text (%" G_GSIZE_FORMAT " bytes)", w->max_text));
    return;
  }
  if (b->len > 0 && b->str[b->len - 1] != '\n')
    g_string_append_c(b, '\n');
  g_string_append(b, text);
}

/* Decodes a text/plain or text/html part into the body and records how. Returns the number of
 * non-blank characters it contributed. */
static gsize
text_part(Walk *w, GMimePart *part, const char *type)
{
  GMimeObject *obj = GMIME_OBJECT(part);
  g_autoptr(GByteArray) bytes = parser_mime_part_bytes(part);
  const char *declared = g_mime_object_get_content_type_parameter(obj, "charset");
  gboolean html = strcmp(type, "text/html") == 0;
  /* An empty GByteArray has no data pointer at all. */
  const char *data = bytes->len ? (const char *)bytes->data : "";
  g_autofree char *meta = NULL;
  if (html && !parser_charset_canonical(declared))
    meta = html_meta_charset(data, bytes->len);
  ParserDecoded d = parser_charset_decode(declared && *declared ? declared : meta, data, bytes->len);
  g_autofree char *decoded = d.text;

  ParserPartReport *rep = g_new0(ParserPartReport, 1);
  rep->content_type = g_strdup(type);
  rep->charset_declared = declared ? g_strdup(declared) : NULL;
  rep->charset_used = g_strdup(d.charset_used);
  rep->charset_guessed = d.guessed && !(meta && parser_charset_canonical(meta));
  rep->replacements = d.replacements;
  const char *cte = raw_header(obj, "Content-Transfer-Encoding");
  if (cte) {
    g_autofree char *u = unfold(cte);
    rep->transfer_encoding = g_ascii_strdown(u, -1);
  } else {
    rep->transfer_encoding = g_strdup("7bit");
  }
  g_ptr_array_add(w->r->parts, rep);
  if (d.replacements > 0)
    g_ptr_array_add(w->r->warnings,
                    g_strdup_printf("part %u (%s, charset %s): %u bytes did not decode as %s",
                                    w->r->parts->len, type, declared ? declared : "undeclared",
                                    d.replacements, d.charset_used));

  g_autofree char *text = NULL;
  if (html) {
    text = parser_html_to_text(decoded, strlen(decoded));
  } else {
    const char *format = g_mime_object_get_content_type_parameter(obj, "format");
    if (format && g_ascii_strcasecmp(format, "flowed") == 0) {
      const char *delsp = g_mime_object_get_content_type_parameter(obj, "delsp");
      text = unflow(decoded, delsp && g_ascii_strcasecmp(delsp, "yes") == 0);
    } else {
      text = g_steal_pointer(&decoded);
    }
  }
  gsize visible = 0;
  for (const char *p = text; *p; p++)
    if (!g_ascii_isspace(*p))
      visible++;
  *(html ? &w->html_chars : &w->plain_chars) += visible;
  append_body(w, text);
  return visible;
}

static gboolean
is_attachment_disposition(GMimeObject *obj)
{
  const char *disp = g_mime_object_get_disposition(obj);
  return disp && g_ascii_strcasecmp(disp, "attachment") == 0;
}

static gboolean
walk_part(Walk *w, GMimePart *part)
{
  GMimeObject *obj = GMIME_OBJECT(part);
  g_autofree char *type = mime_type_of(obj);
  if (strcmp(type, "message/delivery-status") == 0 || strcmp(type, "message/disposition-notification") == 0 ||
      strcmp(type, "text/rfc822-headers") == 0) {
    w->out->flags.report = TRUE;
    return TRUE;
  }
  gboolean texty = strcmp(type, "text/plain") == 0 || strcmp(type, "text/html") == 0;
  g_autofree char *filename = texty ? part_filename(w->config, obj) : NULL;
  if (texty && !is_attachment_disposition(obj) && !filename) {
    text_part(w, part, type);
    return TRUE;
  }
  if (strcmp(type, "application/ms-tnef") == 0 || strcmp(type, "application/vnd.ms-tnef") == 0)
    g_ptr_array_add(w->r->warnings, g_strdup("TNEF attachment (winmail.dat) listed, not interpreted"));
  add_attachment(w, obj, type, part_size(part));
  const ParserAttachment *a = g_ptr_array_index(w->r->attachments, w->r->attachments->len - 1);
  ParserAttRef ref = { part, parser_attachment_kind(a->content_type, a->filename), a->filename,
                       a->content_type };
  if (ref.kind != PARSER_ATT_NONE && w->out->atts)
    g_array_append_val(w->out->atts, ref);
  return TRUE;
}

/* The alternative to read: text/plain unless it is (nearly) empty, else the richest (last). */
/* The text/html part an alternative shows: the part itself, or the HTML inside multipart/related. */
static GMimePart *
html_of(GMimeObject *obj, guint depth)
{
  if (GMIME_IS_PART(obj)) {
    g_autofree char *type = mime_type_of(obj);
    return strcmp(type, "text/html") == 0 ? GMIME_PART(obj) : NULL;
  }
  if (GMIME_IS_MULTIPART(obj) && depth < 3) {
    GMimeMultipart *mp = GMIME_MULTIPART(obj);
    for (int i = 0; i < g_mime_multipart_get_count(mp); i++) {
      GMimePart *h = html_of(g_mime_multipart_get_part(mp, i), depth + 1);
      if (h)
        return h;
    }
  }
  return NULL;
}

/* Bytes of text an HTML part shows, estimated without parsing it: what lies outside tags, <head>,
 * <style> and <script>; an entity counts as one byte. Blanks do not count. */
static gsize
html_visible_estimate(const char *p, gsize len)
{
  static const char *const skip[] = { "head", "style", "script", NULL };
  const char *end = p + len;
  gsize n = 0;
  while (p < end) {
    if (*p == '<') {
      const char *name = p + 1;
      const char *after = NULL;
      for (const char *const *k = skip; *k && !after; k++) {
        gsize kl = strlen(*k);
        if ((gsize)(end - name) > kl && g_ascii_strncasecmp(name, *k, kl) == 0 &&
            (name[kl] == '>' || g_ascii_isspace(name[kl]))) {
          /* to the closing tag */
          for (const char *q = name + kl; q + kl + 2 < end && !after; q++)
            if (q[0] == '<' && q[1] == '/' && g_ascii_strncasecmp(q + 2, *k, kl) == 0)
              after = q + 2 + kl;
          if (!after)
            after = end;
        }
      }
      if (!after) {
        after = memchr(p, '>', end - p);
        after = after ? after + 1 : end;
      }
      p = after;
      continue;
    }
    if (*p == '&') {
      const char *semi = p + 1;
      while (semi < end && semi - p < 10 && (g_ascii_isalnum(*semi) || *semi == '#'))
        semi++;
      if (semi < end && *semi == ';') {
        n++;
        p = semi + 1;
        continue;
      }
    }
    if (!g_ascii_isspace(*p))
      n++;
    p++;
  }
  return n;
}

/* Whether a plain-text alternative is only a stub beside its HTML: a placeholder ("(本邮件为HTML
 * 格式)", "view this message in HTML") in a short text, or under a quarter of the HTML's text. */
static gboolean
plain_is_stub(Walk *w, const char *plain, GMimeObject *other)
{
  /* Visible bytes of the UTF-8 plain text against visible bytes of the HTML (a GBK HTML counts
   * a little short: the stub must then be under ~37% instead of 25%). */
  gsize chars = 0;
  for (const char *p = plain; *p; p++)
    if (!g_ascii_isspace(*p))
      chars++;
  if (chars < 1200) {
    /* The list is case-folded; ASCII case is all a placeholder needs ("HTML", "View this…"). */
    g_autofree char *fold = g_ascii_strdown(plain, -1);
    for (guint i = 0; w->config->html_placeholders && w->config->html_placeholders[i]; i++)
      if (*w->config->html_placeholders[i] && strstr(fold, w->config->html_placeholders[i]))
        return TRUE;
  }
  GMimePart *html = html_of(other, 0);
  if (!html)
    return FALSE; /* nothing HTML beside it (a related part whose HTML header is broken …) */
  GMimeDataWrapper *content = g_mime_part_get_content(html);
  GMimeStream *stream = content ? g_mime_data_wrapper_get_stream(content) : NULL;
  gint64 encoded = stream ? g_mime_stream_length(stream) : -1;
  /* The decoded HTML is no longer than its encoded form (3/4 of it in base64): no need to decode
   * and look when that is short. */
  if (encoded >= 0 && g_mime_data_wrapper_get_encoding(content) == GMIME_CONTENT_ENCODING_BASE64)
    encoded = encoded / 4 * 3;
  if (encoded >= 0 && (guint64)encoded <= 4 * (guint64)chars)
    return FALSE;
  g_autoptr(GByteArray) bytes = parser_mime_part_bytes(html);
  if (!bytes->len)
    return FALSE;
  return 4 * chars < html_visible_estimate((const char *)bytes->data, bytes->len);
}

static gboolean
walk_alternative(Walk *w, GMimeMultipart *mp, guint depth, GError **error)
{
  int n = g_mime_multipart_get_count(mp);
  GMimeObject *plain = NULL, *other = NULL;
  for (int i = 0; i < n; i++) {
    GMimeObject *child = g_mime_multipart_get_part(mp, i);
    g_autofree char *type = mime_type_of(child);
    if (!plain && strcmp(type, "text/plain") == 0 && !is_attachment_disposition(child))
      plain = child;
    else if (strcmp(type, "text/html") == 0 || GMIME_IS_MULTIPART(child))
      other = child;
  }
  for (int i = 0; i < n; i++) {
    GMimeObject *child = g_mime_multipart_get_part(mp, i);
    if (child != plain && child != other && !count_object(w, child, depth + 1, error))
      return FALSE;
  }
  if (plain) {
    if (!count_object(w, plain, depth + 1, error))
      return FALSE;
    gsize before = w->out->body->len;
    g_autofree char *type = mime_type_of(plain);
    gsize visible = text_part(w, GMIME_PART(plain), type);
    if (!other || (visible >= 8 && !plain_is_stub(w, w->out->body->str + before, other))) {
      if (other && !count_object(w, other, depth + 1, error))
        return FALSE;
      return TRUE;
    }
    /* A placeholder plain part ("view this mail in HTML"): use the other alternative. */
    g_string_truncate(w->out->body, before);
    w->plain_chars -= visible;
    g_ptr_array_add(w->r->warnings,
                    g_strdup(visible < 8 ? "text/plain alternative empty: HTML alternative used"
                                         : "text/plain alternative is a stub: HTML alternative used"));
  }
  if (other)
    return walk(w, other, depth + 1, error);
  return TRUE;
}

static void
append_forward_header(Walk *w, GMimeMessage *inner)
{
  g_autoptr(GString) s = g_string_new("\n---------- Forwarded message ---------\n");
  ParserRequest tmp = { 0 };
  tmp.references = g_ptr_array_new_with_free_func(g_free);
  set_from(w->config, GMIME_OBJECT(inner), &tmp);
  g_autofree char *subject = decode_text_header(w->config, GMIME_OBJECT(inner), "Subject");
  if (tmp.from)
    g_string_append_printf(s, "From: %s\n", tmp.from);
  if (subject)
    g_string_append_printf(s, "Subject: %s\n", subject);
  g_string_append_c(s, '\n');
  g_free(tmp.from);
  g_free(tmp.from_name);
  g_free(tmp.from_addr);
  g_ptr_array_unref(tmp.references);
  append_body(w, s->str);
}

static gboolean
walk(Walk *w, GMimeObject *obj, guint depth, GError **error)
{
  if (!count_object(w, obj, depth, error))
    return FALSE;
  if (GMIME_IS_MESSAGE_PART(obj)) {
    GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(obj));
    g_autofree char *type = mime_type_of(obj);
    if (!inner)
      return TRUE;
    /* A forwarded mail: its text is the customer's request as much as the cover note is. */
    GMimeStream *null = g_mime_stream_null_new();
    g_mime_object_write_to_stream(GMIME_OBJECT(inner), NULL, null);
    gsize size = GMIME_STREAM_NULL(null)->written;
    g_object_unref(null);
    add_attachment(w, obj, type, size);
    if (w->out->flags.report)
      return TRUE; /* a bounce's returned original is not the sender's text */
    GMimeObject *body = g_mime_message_get_mime_part(inner);
    w->out->has_forward = TRUE;
    append_forward_header(w, inner);
    if (!body)
      return TRUE;
    return walk(w, body, depth + 1, error);
  }
  if (GMIME_IS_MULTIPART(obj)) {
    GMimeMultipart *mp = GMIME_MULTIPART(obj);
    GMimeContentType *ct = g_mime_object_get_content_type(obj);
    const char *sub = ct ? g_mime_content_type_get_media_subtype(ct) : "mixed";
    if (!sub)
      sub = "mixed";
    if (g_ascii_strcasecmp(sub, "report") == 0)
      w->out->flags.report = TRUE;
    if (g_ascii_strcasecmp(sub, "alternative") == 0)
      return walk_alternative(w, mp, depth, error);
    if (GMIME_IS_MULTIPART_ENCRYPTED(obj)) {
      g_ptr_array_add(w->r->warnings, g_strdup("encrypted mail: body not readable"));
      return TRUE;
    }
    int n = g_mime_multipart_get_count(mp);
    if (GMIME_IS_MULTIPART_SIGNED(obj) && n > 0) {
      /* Only the signed content; the signature part is not an attachment the customer sent. */
      for (int i = 1; i < n; i++)
        if (!count_object(w, g_mime_multipart_get_part(mp, i), depth + 1, error))
          return FALSE;
      return walk(w, g_mime_multipart_get_part(mp, 0), depth + 1, error);
    }
    for (int i = 0; i < n; i++)
      if (!walk(w, g_mime_multipart_get_part(mp, i), depth + 1, error))
        return FALSE;
    return TRUE;
  }
  if (GMIME_IS_PART(obj))
    return walk_part(w, GMIME_PART(obj));
  return TRUE;
}

gboolean
parser_mime_walk(const ParserConfig *config, const ParserLimits *limits, GMimeMessage *msg, ParserRequest *r,
                 ParserMimeResult *out, GError **error)
{
  Walk w = { .config = config, .limits = limits, .r = r, .out = out };
  w.max_text = limits->max_text ? limits->max_text : PARSER_DEFAULT_MAX_TEXT;
  GMimeObject *top = GMIME_OBJECT(msg);
  /* The message's own headers count against max_headers too. */
  GMimeHeaderList *hl = g_mime_object_get_header_list(top);
  w.headers = hl ? (guint)g_mime_header_list_get_count(hl) : 0;
  if (w.headers > limits->max_headers) {
    g_set_error(error, PARSER_ERROR, PARSER_ERROR_TOO_MANY_HEADERS,
                "more header fields than max_headers (%u)", limits->max_headers);
    return FALSE;
  }
  GMimeObject *body = g_mime_message_get_mime_part(msg);
  if (!body)
    return TRUE;
  GMimeContentType *ct = g_mime_object_get_content_type(body);
  if (ct && g_mime_content_type_is_type(ct, "multipart", "report"))
    out->flags.report = TRUE;
  /* The top-level part's headers are the message's: do not count them twice. */
  GMimeHeaderList *bl = g_mime_object_get_header_list(body);
  guint dup = bl ? (guint)g_mime_header_list_get_count(bl) : 0;
  w.headers = w.headers > dup ? w.headers - dup : 0;
  gboolean ok = walk(&w, body, 1, error);
  r->body_html = w.html_chars > 0 && w.plain_chars == 0;
  return ok;
}
