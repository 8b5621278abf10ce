/* parser-private.h: declarations shared between the parser's .c files; never installed, never used outside parser/ and its tests. */
#ifndef INTAKE_PARSER_PRIVATE_H
#define INTAKE_PARSER_PRIVATE_H

#include "parser.h"

#include <gmime/gmime.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

G_BEGIN_DECLS

/* Helpers that several parser .c files share are plain (prefixed parser_) and declared here;
 * the rest is static. */

G_DEFINE_AUTOPTR_CLEANUP_FUNC(pcre2_code, pcre2_code_free)
/* GMime 3.2 ships no g_autoptr support; its objects are GObjects. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GMimeStream, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GMimeParser, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GMimeMessage, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(InternetAddressList, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GMimeContentDisposition, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GMimeContentType, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(pcre2_match_data, pcre2_match_data_free)

/* ---- charset.c: bytes in some charset to UTF-8 -------------------------------------------- */

/* Result of one decoding: the UTF-8 text (owned by caller), the charset really used, whether it
 * was a guess, and how many U+FFFD were produced for bytes that did not decode. */
enum {
  PARSER_WORDS_SIGNATURE,
  PARSER_WORDS_DISCLAIMER,
  PARSER_WORDS_CLOSING,
  PARSER_WORDS_GREETING,
  PARSER_WORDS_COUNT
};

/* Levels of a forward of a forward (or of a deep Outlook thread sent on) read down to the mail that
 * names the SN: bank and government threads pass ten replies before anyone writes to the vendor. */
#define PARSER_FORWARD_DEPTH 24

typedef struct {
  char *text;
  const char *charset_used; /* static string */
  gboolean guessed;
  guint replacements;
} ParserDecoded;

/* Maps a declared label to the charset to decode with: GB2312/GBK/CP936/x-gbk → GB18030,
 * Big5 → BIG5-HKSCS, us-ascii → UTF-8 …; NULL for labels that are no charset at all. Static string
 * or NULL when the label is unknown to iconv. */
const char *parser_charset_canonical(const char *label);

/* Decodes len bytes. declared may be NULL (guess: UTF-8, then GB18030, then Big5). Never fails:
 * undecodable bytes become U+FFFD and are counted. */
ParserDecoded parser_charset_decode(const char *declared, const char *data, gsize len);

/* Rewrites charset labels inside RFC 2047 encoded words (=?gb2312?B?…?= → =?GB18030?B?…?=) so
 * GMime's own decoder uses the superset charsets. Returns a new string. */
char *parser_charset_fix_rfc2047(const char *raw);

/* ---- html.c: HTML to text keeping line and table structure -------------------------------- */

/* Returns plain UTF-8 text: block elements end lines, table cells are separated by a tab and rows
 * by newlines (so "<td>序列号</td><td>RCS…</td>" stays "序列号\tRCS…"), blockquotes become "> "
 * lines, script/style dropped. html must be UTF-8. Caller frees. */
char *parser_html_to_text(const char *html, gsize len);

/* ---- text.c: normalisation, quotes, signatures ------------------------------------------ */

/* NFKC + CRLF→LF + no NUL/C0 controls other than \t\n; returns a new string. */
char *parser_text_normalize(const char *text, gssize len);

typedef struct {
  char *own;          /* the customer's own words: no greeting, quote, signature, disclaimer */
  char *own_full;     /* the customer's part before any quote, signature kept (for contact/phone) */
  char *signature;    /* the signature block, or NULL */
  char *quoted;       /* everything quoted or forwarded, or NULL */
  gboolean forwarded; /* the quote is a forward (marker said so), not a reply */
} ParserTextSplit;

/* Whether l starts with a header key of a quoted or forwarded mail's header block (发件人, From,
 * 发送时间, Sent, Date, 收件人, To, 主题, Subject, 抄送, Cc …), then blanks and ':'. */
gboolean parser_text_header_key_at(const char *l);
/* The lines of text (as g_strsplit(text, "\n", -1): none for ""), in one allocation (g_free). */
char **parser_split_lines(const char *text, guint *n_lines);
void parser_text_split(const ParserConfig *config, const char *text, ParserTextSplit *out);
void parser_text_split_clear(ParserTextSplit *split);

/* ---- places.c: province/city/district gazetteer --------------------------------------- */

typedef struct ParserPlaces ParserPlaces;
ParserPlaces *parser_places_load(const char *path, GError **error);
void parser_places_free(ParserPlaces *places);
/* Finds the first city (and its district when given) in text; fills city/district with canonical
 * Chinese names ("北京市", "海淀区"), NULL when not found. Returns TRUE when a city was found. */
gboolean parser_places_find(const ParserPlaces *places, const char *text, char **city, char **district);
/* Same, and *pos is the byte offset where the place (province, city or district) is first named. */
gboolean parser_places_find_at(const ParserPlaces *places, const char *text, char **city, char **district,
                               gsize *pos);
/* The first district in text whose name several cities have (鼓楼区, 朝阳区), written in full: *district
 * its name, *city the one a landmark (places.txt L lines) or a province named in text, else in context,
 * points at, or NULL; *cities (may be NULL) every city with such a district, *pos (may be NULL) where it
 * is named. Returns FALSE when text names no such district. */
gboolean parser_places_find_shared(const ParserPlaces *places, const char *text, const char *context,
                                   char **city, char **district, GPtrArray **cities, gsize *pos);

/* symptoms longer than this (bytes) are cut at a line end and end in "…" */
#define PARSER_SYMPTOMS_MAX 8192

/* ---- detect.c: ignored mail and follow-ups -------------------------------------------------- */
typedef struct {
  gboolean report; /* top-level multipart/report or message/delivery-status part */
} ParserHeaderFlags;

void parser_detect_ignored(const ParserConfig *config, ParserRequest *r, const ParserHeaderFlags *flags);
/* A bounce (mailer-daemon, postmaster …) or no-reply address (noreply, donotreply …): never acknowledged. */
gboolean parser_address_unreplyable(const ParserConfig *config, const char *address);
void parser_detect_followup(const ParserConfig *config, ParserRequest *r, const char *subject_nfkc,
                            const char *body_nfkc);

/* ---- config.c: compiled patterns and keyword data ------------------------------------------ */

/* One keyword tag: a name (e.g. "disk") and the words that trigger it. */
typedef struct {
  char *name;
  char **words;     /* NULL-terminated, already NFKC + case-folded */
  gboolean request; /* asks for a service, tells no fault (labels.ini request_tags) */
} ParserTag;

typedef struct ParserTagWord {
  const char *word;
  gsize len;
  guint tag; /* index into symptom_tags */
} ParserTagWord;

/* Sets hit[t] for each tag t one of whose words occurs in fold (a NUL-terminated, case-folded
 * text); with whole_latin, a word starting with an ASCII byte counts only where no ASCII letter
 * is on either side of it. hit has symptom_tags->len entries. */
void parser_tags_find(const ParserConfig *config, const char *fold, gboolean whole_latin, guint8 *hit);

/* Every regex of the parser, compiled with UTF|UCP and JIT once; see config.c for the source. */
typedef enum {
  PARSER_RE_SN_LABELLED, /* labelled SN value */
  PARSER_RE_SN_TOKEN,    /* any SN-shaped token */
  PARSER_RE_MODEL_LABELLED,
  PARSER_RE_MODEL_TOKEN, /* well-known model shapes without label */
  PARSER_RE_CONTACT_LABELLED,
  PARSER_RE_PHONE_LABELLED_LINE, /* a labelled phone line: the phone is searched in the value */
  PARSER_RE_PHONE,               /* any phone number */
  PARSER_RE_ADDRESS_LABELLED,
  PARSER_RE_LOCATION_LABELLED,
  PARSER_RE_LOCATION_INLINE, /* "… Location: …" inside a line, colon required */
  PARSER_RE_SYMPTOMS_LABELLED,
  PARSER_RE_ANY_LABEL,         /* a line that starts with any known label (ends a multi-line value) */
  PARSER_RE_LABEL_LINE,        /* a line that starts with a label (separator, 是/为 or nothing after it) */
  PARSER_RE_PHONE_OR_INTL,     /* any phone, foreign ones too (removed from a line's residue) */
  PARSER_RE_NAME_BEFORE_PHONE, /* the words right before a phone number */
  PARSER_RE_NAME_AFTER_PHONE,  /* the words right after a phone number */
  PARSER_RE_LABEL_WORD,       /* any label word, separator or not (removed when measuring what a line says) */
  PARSER_RE_SIG_LINE,         /* a line that looks like part of a signature block (name, company, fax, web) */
  PARSER_RE_SIG_OFFICE,       /* switchboard, fax, mail, web or date: signature lines that name nobody */
  PARSER_RE_PHONE_LINE_START, /* a line that starts with a phone label */
  PARSER_RE_PERSON_LINE,      /* a line that starts with a contact, phone or address label and separator */
  PARSER_RE_ONSITE,           /* 现场/on-site before a phone: the number to call on site */
  PARSER_RE_ADDRESS_HINT,     /* street-address words: 路 号 大厦 Road Street Floor … */
  PARSER_RE_FORWARD_SUBJECT,  /* a subject that says forward: Fwd:, FW:, 转发: */
  PARSER_RE_ORDER_NO,         /* RC20261125-0007 */
  PARSER_RE_QUOTE_HEADER,     /* a line that starts a quoted/forwarded block */
  PARSER_RE_FORWARD_HEADER,   /* subset of the above that marks a forward */
  PARSER_RE_SIGNATURE,        /* a line that starts a signature */
  PARSER_RE_DISCLAIMER,       /* a line that starts a legal disclaimer / company footer */
  PARSER_RE_GREETING,         /* a greeting line to drop from symptoms */
  PARSER_RE_GREETING_PREFIX,  /* a greeting that starts a longer line */
  PARSER_RE_CLOSING,          /* polite closing lines (谢谢, Thanks) to drop from symptoms */
  PARSER_RE_AUTO_SUBJECT,     /* subject of an automatic reply */
  PARSER_RE_BOUNCE_SUBJECT,   /* subject of a delivery report */
  PARSER_RE_CHINESE_NAME,     /* a plausible Chinese personal name */
  PARSER_RE_COUNT
} ParserRe;

struct ParserConfig {
  char **own_addresses; /* lower case, NULL-terminated; NULL: none */
  char *data_dir;
  pcre2_code *re[PARSER_RE_COUNT];
  gboolean re_jit[PARSER_RE_COUNT]; /* JIT-compiled: matched with pcre2_jit_match (no per-call checks) */
  /* For a pattern whose every match starts with a label (re_heads in config.c): the characters a
   * label can start with, as a BMP bitmap; NULL for the other patterns. */
  guint8 *re_first[PARSER_RE_COUNT];
  /* The same patterns compiled anchored (PCRE2_ANCHORED), set with re_first: tried at each character
   * that is one of those or one the bitmap does not cover, in turn, rather than one search from the
   * first (which tries every character after it); NULL for the others. */
  pcre2_code *re_anchored[PARSER_RE_COUNT];
  gboolean re_anchored_jit[PARSER_RE_COUNT];
  /* The bytes a signature / disclaimer / closing / greeting word (labels.ini [text]) can start with, caseless
   * as the patterns match: text.c skips the line-start regex when the line starts otherwise. */
  guint8 word_start[PARSER_WORDS_COUNT][256];
  GPtrArray *symptom_tags; /* ParserTag* */
  /* Every non-empty tag word, by its first two bytes (words of one byte apart), for one pass
   * over a text instead of one strstr per word; built at load time from symptom_tags. */
  struct ParserTagWord *tag_words;
  guint32 *tag_first; /* 65537 entries: tag_words[tag_first[k], tag_first[k + 1]) start with key k */
  struct ParserTagWord *tag_short; /* the one-byte words */
  guint n_tag_short;
  char **bounce_locals;  /* local parts that mark a bounce sender: mailer-daemon, postmaster */
  char **noreply_words;  /* words in a local part that mark a no-reply sender: noreply, donotreply */
  char **ticket_systems; /* "itsm@customer.cn", "@service-now.com": generated mail read as a request */
  char *
    *trusted_forwarders; /* "@reseller.cn": partners whose forwards are acknowledged to the end customer */
  char **freemail;       /* public mail domains (labels.ini [senders] freemail), lower case */
  char **own_domains;    /* the vendor's domains: a phone/contact in their signature is not the customer's */
  char **ignore_phones;  /* numbers that are never the customer's (our hotline) */
  char **own_names;      /* the vendor's own names: a place in them is not the customer's */
  char **model_words;    /* known model families (NFKC, case-folded) */
  char **contact_stop;   /* words a contact name never contains (case-folded) */
  char **part_serial;    /* words before a serial label that make it a part's (labels.ini part_serial) */
  char **html_placeholders; /* "(本邮件为HTML格式)": a plain alternative that is only a stub (case-folded) */
  char **no_symptoms;       /* "见附件": text that is no description on its own (case-folded) */
  char **sn_correction;      /* "写错", "更正": a follow-up correcting the SN (case-folded) */
  char **recurrence;         /* "又出现", "is back": a reply saying the fault came back (case-folded) */
  char **forwarder_contact;  /* "现场我负责配合": a forwarder offering to be called (case-folded) */
  char **forwarder_replaces; /* "instead", "休假": ... in the place of the forwarded mail's contact */
  char **escalation;         /* "投诉", "还没人联系": a follow-up that complains (case-folded) */
  char **courtesy;           /* "收到", "好的", "thanks": a reply that says nothing (case-folded) */
  char **same_place;    /* "地址一样", "same site": another machine where the last one is (case-folded) */
  char **other_machine; /* "另外", "another server": where a mail in a thread turns to another machine */
  char **signature_fields; /* "Site", "联系人": a signature line so labelled is the report's, not a card's */
  char **chase; /* "上周报的", "还没人来": a mail that chases an earlier report (case-folded) */
  char **pointer_filler; /* "请查收", "报修单": words around a pointer to the attachment (case-folded) */
  char **fault_words;    /* "故障", "坏了", "failed": words that tell a fault (case-folded) */
  char *
    *supplement_words; /* "忘了写", "my previous email": adds to the sender's earlier mail (case-folded) */
  GHashTable *surnames; /* set of surnames (NFKC), for unlabelled names next to a phone */
  ParserPlaces *places;
  GMimeParserOptions *gmime_options;
};

/* Runs pattern re over subject[start..len) with fresh match data; returns the ovector or NULL. */
typedef struct {
  pcre2_match_data *md;
  PCRE2_SIZE *ov;
  int rc;
} ParserMatch;

gboolean parser_re_match(const ParserConfig *config, ParserRe re, const char *subject, gsize len, gsize start,
                         ParserMatch *m);
void parser_match_clear(ParserMatch *m);
/* Whether re matches subject[0..len): no allocation (thread-local match data). */
gboolean parser_re_test(const ParserConfig *config, ParserRe re, const char *subject, gsize len);
/* The same over a whole NUL-terminated string; FALSE for NULL. */
gboolean parser_re_test_str(const ParserConfig *config, ParserRe re, const char *s);
/* The text of capture group n of the last match (new string) or NULL when unset. */
char *parser_match_group(const ParserMatch *m, const char *subject, guint n);

typedef struct ParserMimeResult ParserMimeResult;

/* ---- extract.c: fields of policy §1 ------------------------------------------------------ */
void parser_extract_fields(const ParserConfig *config, const ParserLimits *limits, ParserRequest *r,
                           const char *subject_nfkc, const ParserTextSplit *split,
                           const ParserMimeResult *mr);
ParserRequest *parser_request_new(void);

/* extract-attachments.c */
char *parser_attachments_text(const ParserMimeResult *mr, gboolean tables_only, gsize max);
/* Fills what the mail's text did not give from its attachments' text; with symptoms_only (the text
 * named an SN), only the description and its tags. */
void parser_fill_from_attachment_text(const ParserConfig *c, ParserRequest *r, const char *text,
                                      gboolean symptoms_only);
void parser_fill_from_attachment_names(const ParserConfig *c, ParserRequest *r);
/* Reads up to limits->max_images photos of mr; with set_sn, the first SN read becomes r->sn when
 * it has none. Returns the number of photos read. */
guint parser_read_photos(ParserRequest *r, const ParserMimeResult *mr, const ParserLimits *limits,
                         gboolean set_sn);

/* The texts the fields are looked for in, most trusted first (strings borrowed, may be NULL). */
typedef struct {
  const char *main;     /* the customer's own words (no quote, no signature) */
  const char *fwd;      /* a forwarded mail's own words, or NULL */
  gboolean fwd_ours;    /* that mail is our own (an acknowledgement sent back): its words are not the
                         * customer's description */
  gboolean fwd_nobody;  /* that mail is from nobody to answer (a monitoring system, a no-reply
                         * notice): the forwarder is the customer */
  const char *fwd_sig;  /* the forwarded mail's signature */
  const char *fwd_name; /* the display name of the forwarded mail's sender (the end customer), or NULL */
  const char *sig;      /* the customer's signature */
  const char *subject;
  const char *quoted;   /* the quoted part of a reply (not a forward), or NULL */
  const char *att_text; /* the text of the attachments (txt, csv, xlsx, pdf, docx; tables tab-separated) */
  GPtrArray *raw;       /* char*: raw spans taken as field values in main/fwd (to drop from symptoms) */
} ParserSources;

/* Whether l is a chat transcript's header line ("王刚 2026-11-10 09:48") or title ("【钉钉消息转发】"). */
gboolean parser_chat_header(const char *l);

/* One field (or two) each, in extract-*.c; parser_extract_fields calls them in this order (each
 * adds the values it took to s->raw, which the symptoms leave out). */
void parser_extract_sn_model(const ParserConfig *c, ParserSources *s, ParserRequest *r);
/* After contact and phone: a chat transcript our own colleague sends on ("吴芳 12-08 09:12" / "王经理，
 * …" / "王磊 12-08 09:13" / …): the customer who speaks in it is the contact, with the number the
 * customer gives; our colleague's lines are no symptoms. */
void parser_extract_chat(const ParserConfig *c, ParserSources *s, ParserRequest *r);
/* After contact and phone: a contact whose own number was not taken (abroad, a switchboard) gives way
 * to the person the taken number stands with ("香港聯絡人：黃家明 +852 …" / "深圳現場同事：劉志強 136…"):
 * name and number are one person's. */
void parser_extract_pair(const ParserConfig *c, ParserSources *s, ParserRequest *r);
void parser_extract_phone(const ParserConfig *c, ParserSources *s, ParserRequest *r);
void parser_extract_contact(const ParserConfig *c, ParserSources *s, ParserRequest *r);
/* After the contact: the phone written next to its name, when there is one (extract-phone.c). */
void parser_extract_phone_of_contact(const ParserConfig *c, ParserSources *s, ParserRequest *r);
void parser_extract_address(const ParserConfig *c, ParserSources *s, ParserRequest *r);
void parser_extract_place(const ParserConfig *c, const ParserSources *s, ParserRequest *r);
void parser_extract_symptoms(const ParserConfig *c, ParserSources *s, ParserRequest *r);
/* A one-row table under a header row of labels as "label: value" lines, or NULL (extract-machines.c). */
char *parser_table_unfold(const ParserConfig *c, const char *text);
/* Every SN (labelled or SN-shaped, or in shorthand: "RCS…45、46", "RCS…45~47") in text, upper
 * case, in text order, each once (char*). */
void parser_sn_find(const ParserConfig *c, const char *text, GPtrArray *out);
/* The same; TRUE when they are two or more written as one list ("RCS…45、RCS…46 这两台": nothing
 * but separators between them, none named twice). */
gboolean parser_sn_list(const ParserConfig *c, const char *text, GPtrArray *out);
/* How much text[0, len) talks about a fault: one per symptom tag (not a request tag), -2 per calm
 * word (正常, OK). */
int parser_fault_words(const ParserConfig *c, const char *text, gsize len);
/* How many symptom tags text sets, request tags not counted (calm words do not take any away). */
int parser_fault_tag_count(const ParserConfig *c, const char *text);
/* The first of words (case-folded: a labels.ini list) that text holds, Latin ones as whole words
 * ("complain" is not in "complaints"), or NULL. */
const char *parser_word_in(char *const *words, const char *text);
/* Whether a forwarder's own words (text) offer the forwarder as the contact (labels.ini
 * forwarder_contact: "现场我负责配合，电话 151…"). */
gboolean parser_forwarder_offers(const ParserConfig *c, const char *text);
/* Whether text has a word that tells a fault (labels.ini fault_words: "故障", "坏了", "failed"). */
gboolean parser_has_fault_words(const ParserConfig *c, const char *text);
/* Whether a line without Chinese is machine output pasted into the mail (a log, a BMC event list, a
 * stack trace); lines with Chinese are never. */
gboolean parser_log_line(const char *line, gsize len);
/* Whether s[0, len) holds a Han character. */
gboolean parser_has_han(const char *s, gsize len);
/* The start of the line holding text[pos] / the end of the line holding text[pos], at most max bytes
 * away and on a character boundary: what stands next to a number or an SN is near it, and a megabyte
 * line must not be read whole once per number on it. */
gsize parser_line_start_near(const char *text, gsize pos, gsize max);
gsize parser_line_end_near(const char *text, gsize pos, gsize max);
/* Whether address is at one of the vendor's own domains (labels.ini [senders] own_domains). */
gboolean parser_own_domain(const ParserConfig *config, const char *address);
/* Whether a forward's own words offer the forwarder in the place of the contact the forwarded mail
 * names (labels.ini forwarder_replaces: "call me instead of Ada, she is on leave", 休假). */
gboolean parser_forwarder_replaces(const ParserConfig *c, const ParserSources *s);
/* parser_has_fault_words, a negated one ("没有报错", "no errors") not counted. */
gboolean parser_states_fault(const ParserConfig *c, const char *text);
/* Whether address is in list (labels.ini: whole addresses, or "@domain" for every address there),
 * case-blind: ticket_systems, trusted_forwarders. */
gboolean parser_address_listed(char *const *list, const char *address);
/* Whether text asks for something (labels.ini request_tags: a quote, an installation) without a word
 * that tells a fault: "RCS… 这台想把内存扩到 512G，麻烦报个价". */
gboolean parser_tells_request_only(const ParserConfig *c, const char *text);
/* Whether text tells a fault and nothing else: a fault word, no request tag ("安装", "请问"), no calm
 * word ("正常", "OK"; "不正常" is none). */
gboolean parser_tells_faults_only(const ParserConfig *c, const char *text);
/* After the others: r->machines from sn/model/symptoms and any list or table of machines. */
void parser_extract_machines(const ParserConfig *c, ParserSources *s, ParserRequest *r);

/* Shared by the extract-*.c files. */
void parser_extract_keep_raw(ParserSources *s, const char *text, gsize start, gsize end);
/* Whether text[off, off + len) has no ASCII letter on either side: a Latin word counts only
 * whole ("ok" is not in "book"). */
gboolean parser_whole_word_at(const char *text, gsize off, gsize len);
/* g_utf8_casefold, faster on ASCII and CJK; new string. */
char *parser_casefold(const char *text);
/* Group 1 of the first match of re in text (new string) or NULL; with keep, noted in s->raw. */
char *parser_extract_first_group(const ParserConfig *c, ParserRe re, ParserSources *s, const char *text,
                                 gboolean keep);
/* A value cut at the next label inside it and trimmed of punctuation (new string), or NULL. */
char *parser_cut_value(const ParserConfig *c, const char *v);
/* Whether v holds street-address words (路 号 大厦 Road Street …). */
gboolean parser_has_address_hint(const ParserConfig *c, const char *v);
/* Whether v holds a word a contact name never contains (labels.ini contact_stop). */
gboolean parser_has_stop_word(const ParserConfig *c, const char *v);
/* Whether a Han run is plausibly a person's name (surname + given name, 老王, 王工). */
gboolean parser_han_name_plausible(const ParserConfig *c, const char *v);

/* ---- attachments.c: the text of attachments --------------------------------------------- */
typedef enum {
  PARSER_ATT_NONE,
  PARSER_ATT_TXT,
  PARSER_ATT_CSV,
  PARSER_ATT_XLSX,
  PARSER_ATT_DOCX,
  PARSER_ATT_PDF,
  PARSER_ATT_IMAGE,
} ParserAttKind;

ParserAttKind parser_attachment_kind(const char *content_type, const char *filename);
/* UTF-8 text of an attachment of kind (tables as tab-separated lines), or NULL. charset: the
 * part's declared one (TXT/CSV), may be NULL. */
char *parser_attachment_text(ParserAttKind kind, const char *charset, const guint8 *data, gsize len);

/* The media module (parser/media-module.c, built as intake-media.so): the readers whose libraries
 * (libzip, poppler, Tesseract, zbar, libheif, GdkPixbuf) only a mail with such an attachment needs.
 * Loaded on first use by parser_media(); a run that reads none never links them. */
#include "vision.h"
#define PARSER_MEDIA_ABI 1u
typedef struct {
  guint abi; /* PARSER_MEDIA_ABI of the build that made the module */
  char *(*office_text)(ParserAttKind kind, const guint8 *data, gsize len); /* .xlsx/.docx; NULL: unreadable */
  char *(*pdf_text)(const guint8 *data, gsize len);                        /* NULL: unreadable */
  /* vision_reader_read with one reader per thread; free the result with result_free */
  VisionResult *(*photo_read)(const guint8 *data, gsize len, const char *content_type,
                              const VisionLimits *limits, GError **error);
  void (*result_free)(VisionResult *result);
  const char *(*source_name)(VisionSource source);
} ParserMediaOps;
/* The loaded module's operations, or NULL (with one warning) when it cannot be loaded. */
const ParserMediaOps *parser_media(void);

/* An attachment the extractor may read, borrowed from the message (alive during parser_parse). */
typedef struct {
  GMimePart *part;
  ParserAttKind kind;
  const char *filename; /* the ParserAttachment's, may be NULL */
  const char *content_type;
} ParserAttRef;

/* ---- mime.c ----------------------------------------------------------------------------------- */
struct ParserMimeResult {
  GString *body;        /* decoded text of the body parts, UTF-8, not yet normalised */
  gboolean has_forward; /* a message/rfc822 part was inlined into body */
  ParserHeaderFlags flags;
  GArray *atts; /* ParserAttRef: the attachments with text or an image, in mail order */
};

/* Decoded (transfer-encoding removed) bytes of a leaf part. */
GByteArray *parser_mime_part_bytes(GMimePart *part);

/* The automatic-mail headers of msg into r->auto_headers. */
void parser_mime_auto_headers(GMimeMessage *msg, ParserRequest *r);
/* Walks msg: fills r->parts, r->attachments, r->warnings and out. Returns FALSE with error when a
 * limit is exceeded. */
gboolean parser_mime_walk(const ParserConfig *config, const ParserLimits *limits, GMimeMessage *msg,
                          ParserRequest *r, ParserMimeResult *out, GError **error);
void parser_mime_headers(const ParserConfig *config, GMimeMessage *msg, ParserRequest *r);

G_END_DECLS

/* Frees a ParserMachine (a GDestroyNotify for the machines arrays). */
void parser_machine_free(gpointer machine);

#endif
