/* acks/acks-private.h: what render.c and message.c share (not part of the module's interface). */
#ifndef INTAKE_ACKS_PRIVATE_H
#define INTAKE_ACKS_PRIVATE_H

#include "acks.h"

#include <gmime/gmime.h>

/* GMime 3.2 defines no autoptr cleanups */
G_DEFINE_AUTOPTR_CLEANUP_FUNC(InternetAddressList, g_object_unref)

/* The From header line (LF) for [smtp] from, encoded once per from value; NULL with
 * ACKS_ERROR_ADDRESS when from is no mailbox we can send from. Caller frees. */
char *acks_from_header(const char *from, GError **error);

/* The acknowledgement's RFC 5322 bytes (CRLF): the headers, then body (UTF-8, LF) as a text/plain
 * part in base64. from: acks_from_header's line; name: the recipient's display name ("" for none);
 * subject: decoded; lang: "zh" or "en". Caller unrefs. */
GBytes *acks_message_bytes(const AcksContent *c, const char *from, const char *name, const char *subject,
                           const char *body, const char *lang, GTimeZone *tz);

#endif
