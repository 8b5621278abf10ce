/* parser: raw RFC 5322 bytes in, a parsed service request out (MIME, charsets, fields of policy §1).
 * Pure: no I/O besides reading the caller's bytes and the pattern data given to parser_config_load. */
#ifndef INTAKE_PARSER_H
#define INTAKE_PARSER_H

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define PARSER_ERROR (parser_error_quark())
GQuark parser_error_quark(void);

/* Expected failures; anything else is a programming error. */
typedef enum {
  PARSER_ERROR_EMPTY,     /* zero bytes, or nothing that looks like a message */
  PARSER_ERROR_TOO_LARGE, /* over limits.max_bytes */
  PARSER_ERROR_TOO_DEEP,  /* MIME nesting over limits.max_depth */
  PARSER_ERROR_TOO_MANY_PARTS,
  PARSER_ERROR_TOO_MANY_HEADERS,
  PARSER_ERROR_MALFORMED, /* GMime could not make a message of it */
  PARSER_ERROR_CONFIG,    /* bad pattern/keyword data */
} ParserError;

typedef struct {
  gsize max_bytes;   /* default 25 MiB */
  guint max_depth;   /* default 20 */
  guint max_parts;   /* default 500 */
  guint max_headers; /* default 1000 */
  /* Added by the parser module: */
  gsize max_text; /* decoded body text kept for extraction; 0 means the default, 2 MiB.
                       * Beyond it the text is cut and a warning says so (no error). */
} ParserLimits;

#define PARSER_DEFAULT_MAX_TEXT ((gsize)2 * 1024 * 1024)

/* One attachment, listed but never interpreted. */
typedef struct {
  char *filename;     /* decoded (RFC 2231 / RFC 2047), or NULL */
  char *content_type; /* "application/pdf" */
  gsize size;         /* decoded size in bytes */
} ParserAttachment;

/* How one text part was decoded, so ops can see a decoding problem. */
typedef struct {
  char *content_type;       /* "text/plain", "text/html" */
  char *charset_declared;   /* as in the header, or NULL */
  char *charset_used;       /* what was actually used, e.g. "GB18030" */
  gboolean charset_guessed; /* no usable declaration: UTF-8, then GB18030, then Big5 was tried */
  guint replacements;       /* U+FFFD produced by decoding */
  char *transfer_encoding;  /* "base64", "quoted-printable", "8bit", … */
} ParserPartReport;

/* The parse-side fields of contract.md. Every string is UTF-8 and owned by the request;
 * free the whole with parser_request_free (g_autoptr(ParserRequest) works). */
typedef struct {
  char *message_id;    /* without <>, or NULL */
  char *from;          /* display form, decoded: "张三 <zhangsan@example.com>" */
  char *from_addr;     /* bare address, lower case, or NULL */
  char *return_path;   /* as in the header; "" for <>; NULL when absent */
  char *subject;       /* decoded, NFKC not applied */
  GDateTime *date;     /* Date: header, or NULL */
  GDateTime *received; /* topmost Received: header's date, or NULL */
  char *language;      /* "zh" or "en": the customer's language for the acknowledgement */

  char *ignored_reason;  /* "auto_reply" | "bounce" | "bulk" | "loop" | NULL */
  char *followup_of;     /* order number "RC20261125-0007" found in subject/body, or NULL */
  GPtrArray *references; /* char*: In-Reply-To + References ids without <> */

  char *sn;                 /* upper case, or NULL */
  GPtrArray *sn_candidates; /* char*: every SN-like token, labelled ones first, upper case */
  char *model;
  char *symptoms;          /* the customer's words: no greeting, signature, quote, disclaimer */
  GPtrArray *symptom_tags; /* char*: keyword tags found in the symptoms */
  char *contact;
  char *phone;
  char *address;
  char *city;     /* "北京市" */
  char *district; /* "海淀区" */

  char *body_text; /* the customer's own text (quotes and signatures removed), NFKC */
  /* Added by the parser module (all owned by the request, may be NULL): */
  char *from_name;        /* decoded display name of the From mailbox */
  char *location;         /* the labelled location/city text as written (机器使用所在位置), NFKC */
  char *quoted_text;      /* quoted or forwarded text below the customer's own, NFKC */
  gboolean forwarded;     /* the mail forwards another one (message/rfc822 or a forward marker) */
  GPtrArray *attachments; /* ParserAttachment* */
  GPtrArray *parts;       /* ParserPartReport* */
  GPtrArray *warnings;    /* char*: things ops should know (limits approached, odd MIME) */
} ParserRequest;

typedef struct ParserConfig ParserConfig; /* compiled patterns and keyword data; opaque */

/* Loads the pattern/keyword data from data_dir (NULL: the built-in default location) and
 * JIT-compiles every pattern once. Returns NULL with error set on bad data. Free with parser_config_free. */
ParserConfig *parser_config_load(const char *data_dir, GError **error);
void parser_config_free(ParserConfig *config);
void parser_limits_init(ParserLimits *limits);

/* The address of the service mailbox itself, so its own mail is ignored as a loop. May be NULL. */
void parser_config_set_own_address(ParserConfig *config, const char *address);

/* Parses raw bytes. Returns a new request, or NULL with error set (never crashes on any input).
 * limits may be NULL for the defaults. */
ParserRequest *parser_parse(const ParserConfig *config, const ParserLimits *limits, const char *data,
                            gsize len, GError **error);

void parser_request_free(ParserRequest *request);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ParserRequest, parser_request_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ParserConfig, parser_config_free)

/* Writes the parse-side fields of contract.md (message_id … attachments, plus the per-part
 * decoding report under "parts") as members into builder, which must be inside an open object.
 * received_at is not written here: the caller decides which time counts as received. */
void parser_request_write_json(const ParserRequest *request, JsonBuilder *builder);

/* text (valid UTF-8, len bytes or -1 for NUL-terminated) in NFKC, the form every parsed text field has;
 * only the stretches NFKC can change go through the normaliser. Caller frees. */
char *parser_nfkc(const char *text, gssize len);

/* Message-ID when present, else "sha256:" + hex digest of the raw bytes: the dedupe key. */
char *parser_dedupe_key(const ParserRequest *request, const char *data, gsize len);

G_END_DECLS

#endif
