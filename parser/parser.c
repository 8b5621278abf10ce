/* parser.c: parser_parse — limits, GMime, then mime.c → text.c → detect.c → extract.c — and the request's JSON and lifetime. */
#include "parser-private.h"
#include "jsonout.h"

#include <openssl/evp.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

G_DEFINE_QUARK(parser - error - quark, parser_error)

void
parser_limits_init(ParserLimits *limits)
{
  limits->max_bytes = 25u * 1024u * 1024u;
  limits->max_depth = 20;
  limits->max_parts = 500;
  limits->max_headers = 1000;
  limits->max_text = PARSER_DEFAULT_MAX_TEXT;
  limits->max_images = 3;
  limits->max_image_bytes = 25u * 1024u * 1024u;
  limits->image_ms = 4000;
  limits->max_machines = 20;
}

static void
attachment_free(gpointer p)
{
  ParserAttachment *a = p;
  g_free(a->filename);
  g_free(a->content_type);
  g_free(a);
}

static void
part_report_free(gpointer p)
{
  ParserPartReport *r = p;
  g_free(r->content_type);
  g_free(r->charset_declared);
  g_free(r->charset_used);
  g_free(r->transfer_encoding);
  g_free(r);
}

void
parser_machine_free(gpointer p)
{
  ParserMachine *m = p;
  g_free(m->sn);
  g_free(m->model);
  g_free(m->symptoms);
  g_free(m->address);
  g_free(m->city);
  g_free(m->district);
  g_free(m);
}

ParserRequest *
parser_request_new(void)
{
  ParserRequest *r = g_new0(ParserRequest, 1);
  r->references = g_ptr_array_new_with_free_func(g_free);
  r->sn_candidates = g_ptr_array_new_with_free_func(g_free);
  r->symptom_tags = g_ptr_array_new_with_free_func(g_free);
  r->attachments = g_ptr_array_new_with_free_func(attachment_free);
  r->parts = g_ptr_array_new_with_free_func(part_report_free);
  r->warnings = g_ptr_array_new_with_free_func(g_free);
  r->machines = g_ptr_array_new_with_free_func(parser_machine_free);
  return r;
}

void
parser_request_free(ParserRequest *r)
{
  if (!r)
    return;
  g_free(r->message_id);
  g_free(r->from);
  g_free(r->from_addr);
  g_free(r->return_path);
  g_free(r->subject);
  g_clear_pointer(&r->date, g_date_time_unref);
  g_clear_pointer(&r->received, g_date_time_unref);
  g_free(r->language);
  g_free(r->ignored_reason);
  g_free(r->followup_of);
  g_ptr_array_unref(r->references);
  g_free(r->sn);
  g_ptr_array_unref(r->sn_candidates);
  g_free(r->model);
  g_free(r->symptoms);
  g_ptr_array_unref(r->symptom_tags);
  g_free(r->contact);
  g_free(r->phone);
  g_free(r->address);
  g_free(r->city);
  g_free(r->district);
  g_free(r->district_shared);
  if (r->district_cities)
    g_ptr_array_unref(r->district_cities);
  g_free(r->body_text);
  g_free(r->text);
  g_free(r->from_name);
  g_free(r->location);
  g_free(r->quoted_text);
  g_free(r->context_text);
  g_ptr_array_unref(r->attachments);
  g_ptr_array_unref(r->parts);
  g_ptr_array_unref(r->warnings);
  g_ptr_array_unref(r->machines);
  g_free(r->forwarded_by);
  g_free(r->forwarded_from);
  g_clear_pointer(&r->photo_sources, g_hash_table_unref);
  g_clear_pointer(&r->text_sources, g_hash_table_unref);
  ParserAutoHeaders *h = &r->auto_headers;
  g_free(h->auto_submitted);
  g_free(h->precedence);
  g_free(h->list_id);
  g_free(h->list_unsubscribe);
  g_free(h->x_autoreply);
  g_free(h->x_auto_response_suppress);
  g_free(r);
}

/* GMime's parser recurses once per nested multipart or message. Before handing it the bytes,
 * bound the recursion: each level needs a "multipart/" or "message/" content type somewhere in
 * the text, so their count bounds the depth (and the container count). */
static guint
count_at_slash(const char *data, const char *p)
{
  const char *q = p;
  while (q > data && (q[-1] == ' ' || q[-1] == '\t'))
    q--;
  /* '/' is common in base64: only a 't' or 'e' before it can end "multipart" or "message". */
  char last = q > data ? (char)(q[-1] | 0x20) : '\0';
  if (last != 't' && last != 'e')
    return 0;
  return (q - data >= 9 && g_ascii_strncasecmp(q - 9, "multipart", 9) == 0) ||
         (q - data >= 7 && g_ascii_strncasecmp(q - 7, "message", 7) == 0);
}

/* The containers counted by their '/' in data[from, to): counting adjacent ranges adds up to the
 * count of the whole (each '/' looks only at the bytes before it, which all lie in data). */
static guint
count_containers_range(const char *data, gsize from, gsize to)
{
  guint n = 0;
  const char *p = data + from, *end = data + to;
#ifdef __SSE2__
  /* Base64 holds a '/' every 64 bytes or so: one memchr call per '/' costs more than the test.
   * Compare 64 bytes at a time, and visit only a '/' after a blank or a 't'/'e' (any case): the
   * only ones count_at_slash can count. A '/' at data[0] counts nothing, so start at data + 1,
   * which keeps the load of the preceding bytes inside the buffer. */
  if (p == data && p < end)
    p++;
  const __m128i slash = _mm_set1_epi8('/'), lower = _mm_set1_epi8(0x20), t = _mm_set1_epi8('t'),
                e = _mm_set1_epi8('e'), blank = _mm_set1_epi8(' '), tab = _mm_set1_epi8('\t');
  for (; end - p >= 64; p += 64) {
    guint64 mask = 0;
    for (int k = 0; k < 4; k++) {
      __m128i cur = _mm_loadu_si128((const __m128i *)(p + 16 * k));
      __m128i prev = _mm_loadu_si128((const __m128i *)(p + 16 * k - 1));
      __m128i folded = _mm_or_si128(prev, lower);
      __m128i before = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(folded, t), _mm_cmpeq_epi8(folded, e)),
                                    _mm_or_si128(_mm_cmpeq_epi8(prev, blank), _mm_cmpeq_epi8(prev, tab)));
      mask |= (guint64)(unsigned)_mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(cur, slash), before))
              << (16 * k);
    }
    while (mask) {
      n += count_at_slash(data, p + __builtin_ctzll(mask));
      mask &= mask - 1;
    }
  }
#endif
  while (p < end && (p = memchr(p, '/', end - p))) {
    n += count_at_slash(data, p);
    p++;
  }
  return n;
}

static guint
count_containers(const char *data, gsize len)
{
  return count_containers_range(data, 0, len);
}

/* The stream GMime reads the mail from: a memory stream over the caller's bytes that counts the
 * containers in each stretch GMime reads first, while those bytes are in cache on their way to
 * GMime (the mail is read from memory once). GMime recurses only on content types it has read,
 * so once the count passes max_parts the stream ends: the recursion stays bounded as before.
 * Substreams (part contents) are plain memory streams and count nothing. */
typedef struct {
  GMimeStreamMem parent;
  const char *data; /* the mail (the bytes the stream reads) */
  gsize counted;    /* data[0, counted) is counted */
  guint containers;
  guint max_parts;
} ParserCountingStream;

typedef struct {
  GMimeStreamMemClass parent_class;
} ParserCountingStreamClass;

GType parser_counting_stream_get_type(void);
G_DEFINE_TYPE(ParserCountingStream, parser_counting_stream, GMIME_TYPE_STREAM_MEM)

static ssize_t
counting_stream_read(GMimeStream *stream, char *buf, size_t len)
{
  ParserCountingStream *cs = (ParserCountingStream *)stream;
  if (cs->data && cs->containers > cs->max_parts)
    return 0;
  gint64 before = stream->position;
  ssize_t n = GMIME_STREAM_CLASS(parser_counting_stream_parent_class)->read(stream, buf, len);
  if (cs->data && n > 0 && before >= 0) {
    gsize to = (gsize)before + (gsize)n;
    if (to > cs->counted) {
      cs->containers += count_containers_range(cs->data, MAX(cs->counted, (gsize)before), to);
      cs->counted = to;
    }
  }
  return n;
}

static void
parser_counting_stream_class_init(ParserCountingStreamClass *klass)
{
  GMIME_STREAM_CLASS(klass)->read = counting_stream_read;
}

static void
parser_counting_stream_init(ParserCountingStream *cs)
{
  (void)cs;
}

/* The count of the whole mail: what GMime read, and the rest. */
static guint
counting_stream_total(ParserCountingStream *cs, gsize len)
{
  if (cs->counted < len) {
    cs->containers += count_containers_range(cs->data, cs->counted, len);
    cs->counted = len;
  }
  return cs->containers;
}

/* A GByteArray over bytes it does not own: freeing it leaves the bytes alone. */
typedef GByteArray ParserByteView;

static void
byte_view_free(ParserByteView *view)
{
  g_byte_array_free(view, FALSE);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(ParserByteView, byte_view_free)

/* Header values GMime hands back raw (Message-ID, References, parameters) may hold any bytes;
 * everything the request carries is UTF-8, undecodable bytes as U+FFFD. */
static void
fix_utf8(char **s)
{
  if (*s && !g_utf8_validate(*s, -1, NULL)) {
    char *v = g_utf8_make_valid(*s, -1);
    g_free(*s);
    *s = v;
  }
}

static void
fix_utf8_array(GPtrArray *a)
{
  for (guint i = 0; i < a->len; i++)
    fix_utf8((char **)&a->pdata[i]);
}

static void
request_fix_utf8(ParserRequest *r)
{
  char **fields[] = { &r->message_id,  &r->from,     &r->from_addr,   &r->return_path, &r->subject,
                      &r->followup_of, &r->sn,       &r->model,       &r->symptoms,    &r->contact,
                      &r->phone,       &r->address,  &r->city,        &r->district,    &r->body_text,
                      &r->from_name,   &r->location, &r->quoted_text, &r->text };
  for (gsize i = 0; i < G_N_ELEMENTS(fields); i++)
    fix_utf8(fields[i]);
  fix_utf8_array(r->references);
  fix_utf8_array(r->sn_candidates);
  fix_utf8_array(r->symptom_tags);
  fix_utf8_array(r->warnings);
  fix_utf8(&r->forwarded_by);
  fix_utf8(&r->forwarded_from);
  for (guint i = 0; i < r->machines->len; i++) {
    ParserMachine *m = g_ptr_array_index(r->machines, i);
    fix_utf8(&m->sn);
    fix_utf8(&m->model);
    fix_utf8(&m->symptoms);
  }
  for (guint i = 0; i < r->attachments->len; i++) {
    ParserAttachment *a = g_ptr_array_index(r->attachments, i);
    fix_utf8(&a->filename);
    fix_utf8(&a->content_type);
  }
  for (guint i = 0; i < r->parts->len; i++) {
    ParserPartReport *p = g_ptr_array_index(r->parts, i);
    fix_utf8(&p->content_type);
    fix_utf8(&p->charset_declared);
    fix_utf8(&p->transfer_encoding);
  }
}

/* GMime's message for data, or NULL when GMime could not make one (not an error: the bytes are
 * then read as a header-less body). Fails only when the content types exceed max_parts. */
static GMimeMessage *
construct_message(const ParserConfig *config, const ParserLimits *limits, const char *data, gsize len,
                  ParserByteView **view_out, GError **error)
{
  /* GMime reads from a stream over the caller's bytes: no copy (g_mime_stream_mem_new_with_buffer
   * would copy the whole mail). The view never owns or writes the bytes; the message's parts read
   * through it, so the caller frees it (*view_out) after the message. */
  ParserByteView *view = NULL;
  g_autoptr(GMimeStream) stream = NULL;
  g_autoptr(GMimeParser) gparser = NULL;
  g_autoptr(GMimeMessage) msg = NULL;
  ParserCountingStream *counting = NULL;
  guint containers = 0;
  if (len <= G_MAXUINT) {
    view = *view_out = g_byte_array_new_take((guint8 *)data, len);
    counting = g_object_new(parser_counting_stream_get_type(), NULL);
    counting->data = data;
    counting->max_parts = limits->max_parts;
    stream = GMIME_STREAM(counting);
    g_mime_stream_mem_set_byte_array(GMIME_STREAM_MEM(stream), view);
    g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(stream), FALSE);
  } else {
    containers = count_containers(data, len);
    stream = g_mime_stream_mem_new_with_buffer(data, len);
  }
  if (containers <= limits->max_parts) {
    gparser = g_mime_parser_new_with_stream(stream);
    g_mime_parser_set_format(gparser, GMIME_FORMAT_MESSAGE);
    msg = g_mime_parser_construct_message(gparser, config->gmime_options);
  }
  if (counting)
    containers = counting_stream_total(counting, len);
  if (containers > limits->max_parts) {
    g_set_error(error, PARSER_ERROR, PARSER_ERROR_TOO_MANY_PARTS,
                "%u multipart/message content types exceed max_parts (%u)", containers, limits->max_parts);
    return NULL;
  }
  if (!msg && (data[0] == ' ' || data[0] == '\t')) {
    /* A continuation line before any header: skip such lines (as Python's email does, noting a
     * defect) and try once more. */
    const char *p = data, *end = data + len;
    while (p < end && (*p == ' ' || *p == '\t')) {
      const char *nl = memchr(p, '\n', end - p);
      p = nl ? nl + 1 : end;
    }
    if (p < end) {
      g_autoptr(GMimeStream) rest = g_mime_stream_mem_new_with_buffer(p, end - p);
      g_autoptr(GMimeParser) again = g_mime_parser_new_with_stream(rest);
      msg = g_mime_parser_construct_message(again, config->gmime_options);
    }
  }
  return g_steal_pointer(&msg);
}

/* No header block at all (text pasted into a file, a truncated spool entry): like Python's email,
 * every byte is the body of a header-less mail, and a warning says so. */
/* The decoded text as people read it: line ends \n, no trailing blank lines. Takes s. */
static char *
text_for_reading(char *s)
{
  char *w = s;
  for (const char *c = s; *c; c++)
    if (!(*c == '\r' && (c[1] == '\n' || c[1] == '\0')))
      *w++ = *c == '\r' ? '\n' : *c;
  *w = '\0';
  return g_strchomp(s);
}

static void
read_headerless(ParserRequest *r, GString *body, const char *data, gsize len)
{
  ParserDecoded d = parser_charset_decode(NULL, data, len);
  g_string_append(body, d.text);
  ParserPartReport *rep = g_new0(ParserPartReport, 1);
  rep->content_type = g_strdup("text/plain");
  rep->charset_used = g_strdup(d.charset_used);
  rep->charset_guessed = TRUE;
  rep->replacements = d.replacements;
  rep->transfer_encoding = g_strdup("8bit");
  g_ptr_array_add(r->parts, rep);
  g_ptr_array_add(r->warnings, g_strdup("no header block: the whole input was read as the body"));
  g_free(d.text);
}

ParserRequest *
parser_parse(const ParserConfig *config, const ParserLimits *limits, const char *data, gsize len,
             GError **error)
{
  g_return_val_if_fail(config != NULL, NULL);
  g_return_val_if_fail(data != NULL || len == 0, NULL);
  ParserLimits defaults;
  if (!limits) {
    parser_limits_init(&defaults);
    limits = &defaults;
  }
  if (len == 0) {
    g_set_error(error, PARSER_ERROR, PARSER_ERROR_EMPTY, "empty message (0 bytes)");
    return NULL;
  }
  if (len > limits->max_bytes) {
    g_set_error(error, PARSER_ERROR, PARSER_ERROR_TOO_LARGE,
                "message of %" G_GSIZE_FORMAT " bytes exceeds max_bytes (%" G_GSIZE_FORMAT ")", len,
                limits->max_bytes);
    return NULL;
  }

  GError *cerr = NULL;
  g_autoptr(ParserByteView) view = NULL; /* freed after msg: its parts read the bytes through it */
  g_autoptr(GMimeMessage) msg = construct_message(config, limits, data, len, &view, &cerr);
  if (cerr) {
    g_propagate_error(error, cerr);
    return NULL;
  }
  g_autoptr(ParserRequest) r = parser_request_new();
  ParserMimeResult mr = { .body = g_string_new(NULL),
                          .atts = g_array_new(FALSE, FALSE, sizeof(ParserAttRef)) };
  if (msg) {
    parser_mime_headers(config, msg, r);
    if (!parser_mime_walk(config, limits, msg, r, &mr, error)) {
      g_string_free(mr.body, TRUE);
      g_array_unref(mr.atts);
      return NULL;
    }
    parser_mime_auto_headers(msg, r);
  } else {
    read_headerless(r, mr.body, data, len);
  }

  g_autofree char *body = parser_text_normalize(mr.body->str, (gssize)mr.body->len);
  r->text = text_for_reading(g_string_free(mr.body, FALSE));
  g_autofree char *subject = r->subject ? parser_text_normalize(r->subject, -1) : g_strdup("");
  /* Subjects are one line: a folded one normalises to blanks. */
  for (char *p = subject; *p; p++)
    if (*p == '\n' || *p == '\t')
      *p = ' ';

  ParserTextSplit split;
  parser_text_split(config, body, &split);
  ParserMatch m = { 0 };
  r->forwarded =
    mr.has_forward || parser_re_match(config, PARSER_RE_FORWARD_SUBJECT, subject, strlen(subject), 0, &m);
  parser_match_clear(&m);
  if (r->forwarded && !split.forwarded && split.quoted)
    split.forwarded = TRUE;

  parser_detect_ignored(config, r, &mr.flags);
  parser_detect_followup(config, r, subject, body);
  parser_extract_fields(config, limits, r, subject, &split, &mr);
  g_array_unref(mr.atts);
  parser_text_split_clear(&split);
  request_fix_utf8(r);
  return g_steal_pointer(&r);
}

guint
parser_read_label_photos(const ParserConfig *config, const ParserLimits *limits, const char *data, gsize len,
                         ParserRequest *request)
{
  g_return_val_if_fail(config != NULL && request != NULL, 0);
  ParserLimits defaults;
  if (!limits) {
    parser_limits_init(&defaults);
    limits = &defaults;
  }
  if (!data || len == 0 || len > limits->max_bytes || limits->max_images == 0 || request->photos_read)
    return 0;
  /* The message again (the request keeps no MIME tree): cheap beside one photo. */
  g_autoptr(ParserByteView) view = NULL;
  g_autoptr(GMimeMessage) msg = construct_message(config, limits, data, len, &view, NULL);
  if (!msg)
    return 0;
  g_autoptr(ParserRequest) scratch = parser_request_new();
  ParserMimeResult mr = { .body = g_string_new(NULL),
                          .atts = g_array_new(FALSE, FALSE, sizeof(ParserAttRef)) };
  guint n = 0;
  if (parser_mime_walk(config, limits, msg, scratch, &mr, NULL))
    n = parser_read_photos(request, &mr, limits, request->sn == NULL);
  g_string_free(mr.body, TRUE);
  g_array_unref(mr.atts);
  return n;
}

char *
parser_dedupe_key(const ParserRequest *request, const char *data, gsize len)
{
  if (request && request->message_id && *request->message_id) {
    /* Fixed size whatever the header holds (a 6 KB Message-ID would not fit a btree index row). The
     * digest is of the text stored in messages.message_id (valid UTF-8), as sql/051 computes it for
     * mails stored before. */
    g_autofree char *text = g_utf8_make_valid(request->message_id, -1);
    g_autofree char *mid = parser_sha256_hex(text, strlen(text));
    return g_strconcat("mid:", mid, NULL);
  }
  g_autofree char *hex = parser_sha256_hex(data, len);
  return g_strconcat("sha256:", hex, NULL);
}

char *
parser_sha256_hex(const void *data, gsize len)
{
  static gsize once;
  static EVP_MD *sha256; /* fetched once: an implicit fetch per digest costs a provider look-up */
  if (g_once_init_enter(&once)) {
    sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
    g_once_init_leave(&once, 1);
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (!sha256 || !EVP_Digest(data, len, md, &n, sha256, NULL) || n != 32)
    return g_compute_checksum_for_data(G_CHECKSUM_SHA256, data, len); /* no provider: GLib's */
  static const char digits[] = "0123456789abcdef";
  char *hex = g_malloc(2 * n + 1);
  for (unsigned int i = 0; i < n; i++) {
    hex[2 * i] = digits[md[i] >> 4];
    hex[2 * i + 1] = digits[md[i] & 15];
  }
  hex[2 * n] = '\0';
  return hex;
}

/* ---- JSON ------------------------------------------------------------------------------------ */

static void
add_string(JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name(b, name);
  if (value)
    json_builder_add_string_value(b, value);
  else
    json_builder_add_null_value(b);
}

static void
add_strv(JsonBuilder *b, const char *name, GPtrArray *values)
{
  json_builder_set_member_name(b, name);
  json_builder_begin_array(b);
  for (guint i = 0; values && i < values->len; i++)
    json_builder_add_string_value(b, g_ptr_array_index(values, i));
  json_builder_end_array(b);
}

/* The decoding report of each text part, as an array (one writer for both public functions). */
static void
write_parts(JsonBuilder *b, const ParserRequest *r)
{
  json_builder_begin_array(b);
  for (guint i = 0; i < r->parts->len; i++) {
    const ParserPartReport *p = g_ptr_array_index(r->parts, i);
    json_builder_begin_object(b);
    add_string(b, "content_type", p->content_type);
    add_string(b, "charset_declared", p->charset_declared);
    add_string(b, "charset_used", p->charset_used);
    json_builder_set_member_name(b, "charset_guessed");
    json_builder_add_boolean_value(b, p->charset_guessed);
    json_builder_set_member_name(b, "replacements");
    json_builder_add_int_value(b, p->replacements);
    add_string(b, "transfer_encoding", p->transfer_encoding);
    json_builder_end_object(b);
  }
  json_builder_end_array(b);
}

static void
write_attachments(JsonBuilder *b, const ParserRequest *r)
{
  json_builder_begin_array(b);
  for (guint i = 0; i < r->attachments->len; i++) {
    const ParserAttachment *a = g_ptr_array_index(r->attachments, i);
    json_builder_begin_object(b);
    add_string(b, "filename", a->filename);
    add_string(b, "content_type", a->content_type);
    json_builder_set_member_name(b, "size");
    json_builder_add_int_value(b, (gint64)a->size);
    json_builder_end_object(b);
  }
  json_builder_end_array(b);
}

/* The two arrays stored with every mail are written directly (jsonout_append_string), not through
 * a JsonBuilder, a node tree and a generator: the same text as write_attachments/write_parts give
 * (tests/parser compares them), for a fraction of the cost. */
char *
parser_attachments_to_json(const ParserRequest *request)
{
  g_return_val_if_fail(request != NULL, NULL);
  GString *out = g_string_new("[");
  for (guint i = 0; i < request->attachments->len; i++) {
    const ParserAttachment *a = g_ptr_array_index(request->attachments, i);
    g_string_append(out, i ? ",{\"filename\":" : "{\"filename\":");
    jsonout_append_string(out, a->filename);
    g_string_append(out, ",\"content_type\":");
    jsonout_append_string(out, a->content_type);
    g_string_append_printf(out, ",\"size\":%" G_GINT64_FORMAT "}", (gint64)a->size);
  }
  g_string_append_c(out, ']');
  return g_string_free(out, FALSE);
}

char *
parser_parts_to_json(const ParserRequest *request)
{
  g_return_val_if_fail(request != NULL, NULL);
  GString *out = g_string_new("[");
  for (guint i = 0; i < request->parts->len; i++) {
    const ParserPartReport *p = g_ptr_array_index(request->parts, i);
    g_string_append(out, i ? ",{\"content_type\":" : "{\"content_type\":");
    jsonout_append_string(out, p->content_type);
    g_string_append(out, ",\"charset_declared\":");
    jsonout_append_string(out, p->charset_declared);
    g_string_append(out, ",\"charset_used\":");
    jsonout_append_string(out, p->charset_used);
    g_string_append_printf(out, ",\"charset_guessed\":%s,\"replacements\":%" G_GINT64_FORMAT,
                           p->charset_guessed ? "true" : "false", (gint64)p->replacements);
    g_string_append(out, ",\"transfer_encoding\":");
    jsonout_append_string(out, p->transfer_encoding);
    g_string_append_c(out, '}');
  }
  g_string_append_c(out, ']');
  return g_string_free(out, FALSE);
}

void
parser_request_write_json(const ParserRequest *r, JsonBuilder *b)
{
  add_string(b, "message_id", r->message_id);
  add_string(b, "from", r->from);
  add_string(b, "subject", r->subject);
  add_string(b, "language", r->language);
  add_string(b, "ignored_reason", r->ignored_reason);
  add_string(b, "followup_of", r->followup_of);
  add_strv(b, "references", r->references);
  add_string(b, "sn", r->sn);
  add_strv(b, "sn_candidates", r->sn_candidates);
  add_string(b, "model", r->model);
  add_string(b, "symptoms", r->symptoms);
  add_strv(b, "symptom_tags", r->symptom_tags);
  add_string(b, "contact", r->contact);
  add_string(b, "phone", r->phone);
  add_string(b, "address", r->address);
  add_string(b, "city", r->city);
  add_string(b, "district", r->district);
  json_builder_set_member_name(b, "attachments");
  write_attachments(b, r);
  json_builder_set_member_name(b, "parts");
  write_parts(b, r);
  add_strv(b, "warnings", r->warnings);
  add_string(b, "sn_source", r->sn_source);
  json_builder_set_member_name(b, "machines");
  json_builder_begin_array(b);
  for (guint i = 0; i < r->machines->len; i++) {
    const ParserMachine *m = g_ptr_array_index(r->machines, i);
    json_builder_begin_object(b);
    add_string(b, "sn", m->sn);
    add_string(b, "model", m->model);
    add_string(b, "symptoms", m->symptoms);
    json_builder_end_object(b);
  }
  json_builder_end_array(b);
  add_string(b, "forwarded_by", r->forwarded_by);
  add_string(b, "forwarded_from", r->forwarded_from);
}
