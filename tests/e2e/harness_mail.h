/* tests/e2e/harness_mail.h: helpers for acknowledgement tests — customer mailbox users, an SMTP
 * config for intake, and reading what OpenSMTPD delivered into Dovecot. Extends harness.h. */
#ifndef INTAKE_E2E_HARNESS_MAIL_H
#define INTAKE_E2E_HARNESS_MAIL_H

#include "harness.h"

#include <gmime/gmime.h>

typedef struct {
  char *addr;
  char *password;
} E2eCustomer;

/* A fresh IMAP user for a customer address (unique per test run); free with e2e_customer_free. */
E2eCustomer *e2e_customer_new(E2e *e, const char *tag);
void e2e_customer_free(E2eCustomer *c);

/* The port of a server from `scripts/servers env` (INTAKE_SMTP_PORT, …). */
const char *e2e_server_env(const char *key);

/* Rewrites e's config with the IMAP INBOX of e and an [smtp] section: url, AUTH as e's user,
 * the test CA, send = true (unless extra holds "send = false": poll then only queues), plus extra
 * lines (may be NULL) appended to [smtp]. */
void e2e_write_smtp_config(E2e *e, const char *smtp_url, const char *extra);

/* The raw mails in the customer's INBOX, waiting up to timeout_s for at least want of them,
 * then a moment more so that an unexpected extra one shows. Returns GBytes* (caller unrefs). */
GPtrArray *e2e_customer_mails(E2eCustomer *c, guint want, guint timeout_s);
/* One of those mails parsed (g_mime_init first); the test fails if it cannot be. Caller unrefs. */
GMimeMessage *harness_parse_mail(GBytes *raw);
/* The decoded text of a single-part text mail; the test fails if it is not one. Caller frees. */
char *harness_mail_text(GMimeMessage *m);

/* A customer mail: From name/addr, Subject (raw header value, may be RFC 2047), Message-ID,
 * extra header lines (CRLF-terminated, may be NULL) and a UTF-8 body. Caller frees. */
char *e2e_customer_mail(const char *from_name_encoded, const char *from_addr, const char *subject,
                        const char *message_id, const char *extra_headers, const char *body, gsize *len);

#endif
