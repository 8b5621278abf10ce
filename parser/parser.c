/* parser: GMime-based reading of a raw mail into a ParserRequest.
 * This is the foundation's minimum (headers); the field extraction grows from here. */
#include "parser.h"

#include <gmime/gmime.h>
#include <string.h>

G_DEFINE_QUARK(parser-error-quark, parser_error)

struct ParserConfig {
  char *own_address;
};

static gsize gmime_once;

static void
ensure_gmime(void)
{
  if (g_once_init_enter(&gmime_once)) {
    g_mime_init();
    g_once_init_leave(&gmime_once, 1);
  }
}

void
parser_limits_init(ParserLimits *limits)
{
  limits->max_bytes = 25u * 1024u * 1024u;
  limits->max_depth = 20;
  limits->max_parts = 500;
  limits->max_headers = 1000;
}

ParserConfig *
parser_config_load(const char *data_dir, GError **error)
{
  ensure_gmime();
  return g_new0(ParserConfig, 1);
}

void
parser_config_free(ParserConfig *config)
{
  if (!config)
    return;
  g_free(config->own_address);
  g_free(config);
}

void
parser_config_set_own_address(ParserConfig *config, const char *address)
{
  g_free(config->own_address);
  config->own_address = address ? g_ascii_strdown(address, -1) : NULL;
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

static ParserRequest *
request_new(void)
{
  ParserRequest *r = g_new0(ParserRequest, 1);
  r->references = g_ptr_array_new_with_free_func(g_free);
  r->sn_candidates = g_ptr_array_new_with_free_func(g_free);
  r->symptom_tags = g_ptr_array_new_with_free_func(g_free);
  r->attachments = g_ptr_array_new_with_free_func(attachment_free);
  r->parts = g_ptr_array_new_with_free_func(part_report_free);
  r->warnings = g_ptr_array_new_with_free_func(g_free);
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
  g_free(r->body_text);
  g_ptr_array_unref(r->attachments);
  g_ptr_array_unref(r->parts);
  g_ptr_array_unref(r->warnings);
  g_free(r);
}

ParserRequest *
parser_parse(const ParserConfig *config, const ParserLimits *limits,
             const char *data, gsize len, GError **error)
{
  ParserLimits defaults;
  if (!limits) {
    parser_limits_init(&defaults);
    limits = &defaults;
  }
  ensure_gmime();
  if (len == 0) {
    g_set_error(error, PARSER_ERROR, PARSER_ERROR_EMPTY, "empty message (0 bytes)");
    return NULL;
  }
  if (len > limits->max_bytes) {
    g_set_error(error, PARSER_ERROR, PARSER_ERROR_TOO_LARGE,
                "message of %" G_GSIZE_FORMAT " bytes exceeds max_bytes %" G_GSIZE_FORMAT, len,
                limits->max_bytes);
    return NULL;
  }
  GMimeStream *stream = g_mime_stream_mem_new_with_buffer(data, len);
  GMimeParser *gparser = g_mime_parser_new_with_stream(stream);
  g_object_unref(stream);
  GMimeMessage *msg = g_mime_parser_construct_message(gparser, NULL);
  g_object_unref(gparser);
  if (!msg) {
    g_set_error(error, PARSER_ERROR, PARSER_ERROR_MALFORMED, "not a MIME message");
    return NULL;
  }
  ParserRequest *r = request_new();
  const char *mid = g_mime_message_get_message_id(msg);
  r->message_id = mid && *mid ? g_strdup(mid) : NULL;
  const char *subject = g_mime_message_get_subject(msg);
  r->subject = g_strdup(subject);
  InternetAddressList *from = g_mime_message_get_from(msg);
  if (from && internet_address_list_length(from) > 0) {
    r->from = internet_address_list_to_string(from, NULL, FALSE);
    InternetAddress *a = internet_address_list_get_address(from, 0);
    if (INTERNET_ADDRESS_IS_MAILBOX(a))
      r->from_addr = g_ascii_strdown(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a)), -1);
  }
  GDateTime *date = g_mime_message_get_date(msg);
  if (date)
    r->date = g_date_time_ref(date);
  r->language = g_strdup("zh");
  g_object_unref(msg);
  return r;
}

char *
parser_dedupe_key(const ParserRequest *request, const char *data, gsize len)
{
  if (request && request->message_id && *request->message_id)
    return g_strdup(request->message_id);
  g_autofree char *hex = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)data, len);
  return g_strconcat("sha256:", hex, NULL);
}

#include <json-glib/json-glib.h>

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

void
parser_request_write_json(const ParserRequest *r, JsonBuilder *b)
{
  add_string(b, "message_id", r->message_id);
  add_string(b, "from", r->from);
  add_string(b, "subject", r->subject);
  add_string(b, "ignored_reason", r->ignored_reason);
  add_string(b, "followup_of", r->followup_of);
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
