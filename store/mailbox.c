/* store/mailbox.c: mailboxes (UIDVALIDITY, last UID, health) and the mails fetched from them. */
#include "store-private.h"

#include <string.h>

gboolean
store_mailbox_get(StoreConn *conn, const char *name, StoreMailbox *out, GError **error)
{
  const char *p[] = { name };
  g_autoptr(PGresult) r =
    store_run(conn,
              "WITH ins AS (INSERT INTO intake.mailboxes (name) VALUES ($1) ON CONFLICT (name) DO NOTHING"
              " RETURNING id, uidvalidity, last_uid)"
              " SELECT id, uidvalidity, last_uid FROM ins"
              " UNION ALL SELECT id, uidvalidity, last_uid FROM intake.mailboxes WHERE name = $1",
              1, p);
  if (!store_check(conn, r, PGRES_TUPLES_OK, error))
    return FALSE;
  if (PQntuples(r) < 1) {
    g_set_error(error, STORE_ERROR, STORE_ERROR_QUERY, "mailbox row for %s not found", name);
    return FALSE;
  }
  out->id = atoi(PQgetvalue(r, 0, 0));
  out->uidvalidity = PQgetisnull(r, 0, 1) ? -1 : g_ascii_strtoll(PQgetvalue(r, 0, 1), NULL, 10);
  out->last_uid = g_ascii_strtoll(PQgetvalue(r, 0, 2), NULL, 10);
  return TRUE;
}

StoreRows *
store_mailbox_namesakes(StoreConn *conn, const char *name, const char *user, GError **error)
{
  const char *p[] = { name, user };
  return store_select(
    conn,
    "SELECT name, to_char(last_poll_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
    " last_uid FROM intake.mailboxes"
    " WHERE name <> $1 AND split_part(name, ' ', 1) = $2 AND last_uid > 0 ORDER BY last_poll_at DESC",
    2, p, error);
}

gboolean
store_mailbox_set_uidvalidity(StoreConn *conn, StoreMailbox *mailbox, gint64 uidvalidity, GError **error)
{
  g_autofree char *id = g_strdup_printf("%d", mailbox->id);
  g_autofree char *uv = g_strdup_printf("%" G_GINT64_FORMAT, uidvalidity);
  const char *p[] = { id, uv };
  if (!store_exec(conn,
                  "UPDATE intake.mailboxes SET uidvalidity = $2, last_uid = 0, updated_at = now()"
                  " WHERE id = $1",
                  2, p, error))
    return FALSE;
  mailbox->uidvalidity = uidvalidity;
  mailbox->last_uid = 0;
  return TRUE;
}

void
store_mailbox_record_error(StoreConn *conn, gint mailbox_id, const char *message)
{
  if (!conn || PQstatus(conn->pg) != CONNECTION_OK)
    return;
  store_rollback(conn);
  g_autofree char *id = g_strdup_printf("%d", mailbox_id);
  const char *p[] = { id, message };
  g_autoptr(GError) ignored = NULL;
  store_exec(conn,
             "UPDATE intake.mailboxes SET last_error = $2, last_error_at = now(), updated_at = now()"
             " WHERE id = $1",
             2, p, &ignored);
}

GArray *
store_mailbox_unmarked(StoreConn *conn, const StoreMailbox *mailbox, GError **error)
{
  g_autofree char *id = g_strdup_printf("%d", mailbox->id);
  g_autofree char *uv = g_strdup_printf("%" G_GINT64_FORMAT, mailbox->uidvalidity);
  const char *p[] = { id, uv };
  g_autoptr(PGresult) r = store_run(conn,
                                    "SELECT uid FROM intake.mailbox_uids WHERE mailbox_id = $1"
                                    " AND uidvalidity = $2 AND marked_at IS NULL ORDER BY uid",
                                    2, p);
  if (!store_check(conn, r, PGRES_TUPLES_OK, error))
    return NULL;
  GArray *uids = g_array_new(FALSE, FALSE, sizeof(guint32));
  for (int i = 0; i < PQntuples(r); i++) {
    guint32 uid = (guint32)g_ascii_strtoull(PQgetvalue(r, i, 0), NULL, 10);
    g_array_append_val(uids, uid);
  }
  return uids;
}

gboolean
store_mailbox_mark_done(StoreConn *conn, const StoreMailbox *mailbox, const guint32 *uids, guint n,
                        GError **error)
{
  if (n == 0)
    return TRUE;
  g_autoptr(GString) arr = g_string_new("{");
  for (guint i = 0; i < n; i++)
    g_string_append_printf(arr, "%s%u", i ? "," : "", uids[i]);
  g_string_append_c(arr, '}');
  g_autofree char *id = g_strdup_printf("%d", mailbox->id);
  g_autofree char *uv = g_strdup_printf("%" G_GINT64_FORMAT, mailbox->uidvalidity);
  const char *p[] = { id, uv, arr->str };
  return store_exec(conn,
                    "UPDATE intake.mailbox_uids SET marked_at = now() WHERE mailbox_id = $1"
                    " AND uidvalidity = $2 AND uid = ANY($3::bigint[]) AND marked_at IS NULL",
                    3, p, error);
}

/* ---- messages ---- */

static char *
format_ts(GDateTime *t)
{
  return t ? g_date_time_format_iso8601(t) : NULL;
}

/* The header block kept as text is bounded: a mail without a blank line is all header. */
#define HEADERS_MAX (256u * 1024u)

static gsize
header_block_len(const char *data, gsize len)
{
  len = MIN(len, HEADERS_MAX);
  for (gsize i = 0; i + 1 < len; i++) {
    if (data[i] == '\n' && data[i + 1] == '\n')
      return i + 1;
    if (data[i] == '\n' && data[i + 1] == '\r' && i + 2 < len && data[i + 2] == '\n')
      return i + 1;
  }
  return len;
}

/* Text columns must be valid UTF-8 without NUL; raw 8-bit headers are kept exactly in raw. */
static char *
text_safe(const char *s, gssize len)
{
  if (!s)
    return NULL;
  /* embedded NULs are invalid for g_utf8_validate_len and so become U+FFFD */
  return g_utf8_make_valid(s, len);
}

/* Header fields a hop adds on the way: the same mail delivered twice (Cc to an alias of the same
 * mailbox, a second MX, an MTA's retry) differs only in them. Names, or prefixes ending in '-'. */
static const char *const trace_fields[] = { "Received",
                                            "Delivered-To",
                                            "X-Original-To",
                                            "Return-Path",
                                            "Received-SPF",
                                            "X-Received",
                                            "Authentication-Results",
                                            "ARC-",
                                            "X-Spam-",
                                            "X-Virus-",
                                            "X-MS-Exchange-",
                                            "X-Forwarded-",
                                            "X-Envelope-",
                                            "X-Rspamd-",
                                            "X-Greylist",
                                            "DKIM-Filter",
                                            NULL };

static gboolean
trace_field(const char *line, gsize len)
{
  const char *colon = memchr(line, ':', len);
  if (!colon)
    return FALSE;
  gsize name = (gsize)(colon - line);
  for (const char *const *t = trace_fields; *t; t++) {
    gsize n = strlen(*t);
    gboolean prefix = (*t)[n - 1] == '-';
    if ((prefix ? name >= n : name == n) && g_ascii_strncasecmp(line, *t, n) == 0)
      return TRUE;
  }
  return FALSE;
}

/* SHA-256 of the mail without its trace fields (hex, caller frees): two deliveries of one mail agree. */
static char *
content_digest(const char *data, gsize len)
{
  g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA256);
  gsize hlen = header_block_len(data, len);
  gboolean skipping = FALSE;
  for (gsize at = 0; at < hlen;) {
    const char *nl = memchr(data + at, '\n', hlen - at);
    gsize end = nl ? (gsize)(nl - data) + 1 : hlen;
    if (data[at] != ' ' && data[at] != '\t') /* a field starts; else it goes on (folded) */
      skipping = trace_field(data + at, end - at);
    if (!skipping)
      g_checksum_update(sum, (const guchar *)data + at, (gssize)(end - at));
    at = end;
  }
  g_checksum_update(sum, (const guchar *)data + hlen, (gssize)(len - hlen));
  return g_strdup(g_checksum_get_string(sum));
}

/* Whether the stored row id is data delivered again: the same bytes but for trace fields. */
static gboolean
message_same_content(StoreConn *conn, gint64 id, const char *data, gsize len, gboolean *same, GError **error)
{
  g_autofree char *ids = g_strdup_printf("%" G_GINT64_FORMAT, id);
  const char *q[] = { ids };
  g_autoptr(PGresult) r =
    store_run_formats(conn, "SELECT raw FROM intake.messages WHERE id = $1", 1, q, NULL, NULL, 1);
  if (!store_check(conn, r, PGRES_TUPLES_OK, error))
    return FALSE;
  *same = FALSE;
  if (PQntuples(r) != 1)
    return TRUE;
  g_autofree char *a = content_digest(PQgetvalue(r, 0, 0), (gsize)PQgetlength(r, 0, 0));
  g_autofree char *b = content_digest(data, len);
  *same = g_str_equal(a, b);
  return TRUE;
}

/* The stored row of key: its id and SHA-256; *id = 0 when there is none. */
static gboolean
message_by_key(StoreConn *conn, const char *key, gint64 *id, char **sha, GError **error)
{
  const char *q[] = { key };
  g_autoptr(PGresult) r =
    store_run(conn, "SELECT id, sha256 FROM intake.messages WHERE dedupe_key = $1", 1, q);
  if (!store_check(conn, r, PGRES_TUPLES_OK, error))
    return FALSE;
  *id = PQntuples(r) == 1 ? g_ascii_strtoll(PQgetvalue(r, 0, 0), NULL, 10) : 0;
  *sha = PQntuples(r) == 1 ? g_strdup(PQgetvalue(r, 0, 1)) : NULL;
  return TRUE;
}

#define MESSAGE_INSERT                                                                                       \
  "INSERT INTO intake.messages (dedupe_key, message_id, sha256, from_addr, from_display, subject,"           \
  " headers, raw, size, internal_date, parse_error, parts, ignored_reason, body_text, attachments)"          \
  " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb, $13, $14, $15::jsonb)"                 \
  " ON CONFLICT (dedupe_key) DO NOTHING RETURNING id"

/* The mail's UID (p[15..17]: mailbox, UIDVALIDITY, UID) pointing at its new row, in the INSERT's own
 * statement: one round trip for a new mail. The mailbox row (last_uid) is not written per mail: updating
 * one row in every savepoint of a batch cost PostgreSQL a growing chain of versions and multixacts. */
#define MESSAGE_INSERT_WITH_UID                                                                              \
  "WITH m AS (" MESSAGE_INSERT "),"                                                                          \
  " u AS (INSERT INTO intake.mailbox_uids (mailbox_id, uidvalidity, uid, message_id)"                        \
  " SELECT $16::integer, $17::bigint, $18::bigint, id FROM m ON CONFLICT DO NOTHING)"                        \
  " SELECT id FROM m"

/* INSERT … ON CONFLICT DO NOTHING of the values p (p[0] the key; n 15, or 18 with the UID:
 * MESSAGE_INSERT_WITH_UID): *row the new id, or 0 (nothing written). */
static gboolean
message_row_insert(StoreConn *conn, const char *const *p, int n, gsize raw_len, gint64 *row, GError **error)
{
  int lengths[18] = { 0 };
  int formats[18] = { 0 };
  lengths[7] = (int)raw_len;
  formats[7] = 1; /* raw as binary bytea */
  g_autoptr(PGresult) r =
    store_run_formats(conn, n == 18 ? MESSAGE_INSERT_WITH_UID : MESSAGE_INSERT, n, p, lengths, formats, 0);
  if (!store_check(conn, r, PGRES_TUPLES_OK, error))
    return FALSE;
  *row = PQntuples(r) == 1 ? g_ascii_strtoll(PQgetvalue(r, 0, 0), NULL, 10) : 0;
  return TRUE;
}

/* Stores the row once per dedupe key. A stored row with the key but other bytes is another mail
 * that reuses the Message-ID: this one is kept under key:sha256 (*suffixed, the caller frees it;
 * p[0] then points at it). The same bytes: a duplicate. The first try also records the UID
 * (p[15..17]) when the row is new: *uid_done. */
static gboolean
message_store(StoreConn *conn, const char **p, const char *sha, gsize raw_len, StoreIngest *out,
              gboolean *uid_done, char **suffixed, GError **error)
{
  for (int attempt = 0; attempt < 2; attempt++) {
    if (!message_row_insert(conn, p, attempt == 0 ? 18 : 15, raw_len, &out->message_row, error))
      return FALSE;
    out->duplicate = out->message_row == 0;
    *uid_done = attempt == 0 && !out->duplicate;
    if (!out->duplicate)
      return TRUE;
    g_autofree char *stored_sha = NULL;
    if (!message_by_key(conn, p[0], &out->message_row, &stored_sha, error))
      return FALSE;
    if (out->message_row == 0) {
      g_set_error(error, STORE_ERROR, STORE_ERROR_QUERY, "message %s vanished", p[0]);
      return FALSE;
    }
    if (g_strcmp0(stored_sha, sha) == 0 || attempt == 1)
      return TRUE;
    /* the same mail again by another path: only hops' trace fields differ (blind round 20: a second
     * order and acknowledgement for a Cc to an alias) */
    gboolean same = FALSE;
    if (!message_same_content(conn, out->message_row, p[7], raw_len, &same, error))
      return FALSE;
    if (same)
      return TRUE;
    *suffixed = g_strconcat(p[0], ":", sha, NULL);
    p[0] = *suffixed;
  }
  return TRUE;
}

/* Bytes of mail kept behind at most: a bigger one is written at once, with those before it. */
#define BEHIND_BYTES_MAX (8u << 20)

/* With write-behind on, a mail whose key is neither stored nor kept is kept behind (its id from the
 * sequence), with its UID: *kept. Else nothing is done, and the caller stores it at once (a
 * duplicate or a reused Message-ID takes the path that compares the bytes). p: as message_store's. */
StoreAhead *
store_messages_known_ahead(StoreConn *conn, const char *const *keys, GError **error)
{
  g_autoptr(GPtrArray) valid = g_ptr_array_new_with_free_func(g_free); /* as stored: text_safe */
  for (guint i = 0; keys && keys[i]; i++)
    g_ptr_array_add(valid, text_safe(keys[i], -1));
  g_ptr_array_add(valid, NULL);
  g_autofree char *arr = store_text_array((const char *const *)valid->pdata);
  const char *p[] = { arr };
  return store_send_ahead_planned(
    conn, "SELECT dedupe_key FROM intake.messages WHERE dedupe_key = ANY($1::text[])", 1, p, error);
}

/* Whether key is stored: from known (read ahead; rows written since are among the kept ones the caller
 * looked at first) or asked now. */
static gboolean
message_key_stored(StoreConn *conn, const char *key, StoreAhead *known, gboolean *stored, GError **error)
{
  g_autoptr(StoreRows) asked = NULL;
  const StoreRows *rows = NULL; /* the group's read ahead: converted once for all its mails */
  if (known) {
    rows = store_ahead_rows_kept(conn, known, error);
  } else {
    const char *q[] = { key };
    rows = asked =
      store_select_passing(conn, "SELECT dedupe_key FROM intake.messages WHERE dedupe_key = $1", 1, q, error);
  }
  if (!rows)
    return FALSE;
  *stored = FALSE;
  for (guint i = 0; i < rows->rows->len && !*stored; i++)
    *stored = g_strcmp0(((char **)g_ptr_array_index(rows->rows, i))[0], key) == 0;
  return TRUE;
}

static gboolean
message_keep_behind(StoreConn *conn, const char **p, gsize raw_len, StoreAhead *known, StoreIngest *out,
                    gboolean *kept, GError **error)
{
  *kept = FALSE;
  if (!store_behind_on(conn) || store_behind_bytes(conn) + raw_len > BEHIND_BYTES_MAX)
    return TRUE;
  if (store_behind_has(conn, STORE_BEHIND_MESSAGES, 0, p[0]))
    return TRUE;
  gboolean stored = FALSE;
  if (!message_key_stored(conn, p[0], known, &stored, error))
    return FALSE;
  if (stored)
    return TRUE;
  gint64 id = 0;
  if (!store_sequence_next(conn, "intake.messages_id_seq", &conn->message_ids, &id, error))
    return FALSE;
  g_autofree char *row = store_int_text(id);
  const char *m[16];
  memcpy(m, p, 15 * sizeof *m);
  m[15] = row;
  store_behind_add(conn, STORE_BEHIND_MESSAGES, m, (int)raw_len);
  const char *u[] = { p[15], p[16], p[17], row };
  store_behind_add(conn, STORE_BEHIND_UIDS, u, 0);
  out->message_row = id;
  out->duplicate = FALSE;
  *kept = TRUE;
  return TRUE;
}

gboolean
store_message_insert(StoreConn *conn, const StoreMailbox *mailbox, const StoreIncoming *in, StoreIngest *out,
                     GError **error)
{
  g_autofree char *sha =
    in->sha256 ? g_strdup(in->sha256)
               : g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)in->data, in->len);
  g_autofree char *size = g_strdup_printf("%" G_GSIZE_FORMAT, in->len);
  g_autofree char *idate = format_ts(in->internal_date);
  gsize hlen = header_block_len(in->data, in->len);
  g_autofree char *headers = text_safe(in->data, (gssize)hlen);
  g_autofree char *dedupe = text_safe(in->dedupe_key, -1);
  g_autofree char *mid = text_safe(in->message_id, -1);
  g_autofree char *from = text_safe(in->from_addr, -1);
  g_autofree char *fromd = text_safe(in->from_display, -1);
  g_autofree char *subject = text_safe(in->subject, -1);
  g_autofree char *perr = text_safe(in->parse_error, -1);
  g_autofree char *text = text_safe(in->text, -1);
  g_autofree char *mbid = g_strdup_printf("%d", mailbox->id);
  g_autofree char *uv = g_strdup_printf("%" G_GINT64_FORMAT, mailbox->uidvalidity);
  g_autofree char *uid = g_strdup_printf("%u", in->uid);

  const char *p[] = { dedupe,
                      mid,
                      sha,
                      from,
                      fromd,
                      subject,
                      headers,
                      in->data,
                      size,
                      idate,
                      perr,
                      in->parts_json,
                      in->ignored_reason,
                      text,
                      in->attachments_json,
                      mbid,
                      uv,
                      uid };
  gboolean kept = FALSE;
  if (!message_keep_behind(conn, p, in->len, in->known, out, &kept, error))
    return FALSE;
  if (kept)
    return TRUE;
  gboolean uid_done = FALSE;
  g_autofree char *suffixed = NULL; /* p[0] may point at it: kept till the end */
  if (!message_store(conn, p, sha, in->len, out, &uid_done, &suffixed, error))
    return FALSE;
  if (!out->duplicate && store_behind_on(conn))
    store_behind_note(conn, STORE_BEHIND_MESSAGES, p); /* a read of stored keys sent before misses it */
  if (uid_done)
    return TRUE;
  g_autofree char *row = g_strdup_printf("%" G_GINT64_FORMAT, out->message_row);
  const char *u[] = { mbid, uv, uid, row };
  return store_exec(conn,
                    "INSERT INTO intake.mailbox_uids (mailbox_id, uidvalidity, uid, message_id)"
                    " VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                    4, u, error);
}

gboolean
store_mailbox_quarantine_uid(StoreConn *conn, const StoreMailbox *mailbox, guint32 uid, gsize size,
                             const char *message, GError **error)
{
  g_autofree char *id = store_int_text(mailbox->id);
  g_autofree char *uv = store_int_text(mailbox->uidvalidity);
  g_autofree char *u = store_int_text(uid);
  g_autofree char *sz = store_int_text((gint64)size);
  g_autofree char *msg = text_safe(message ? message : "unknown error", -1);
  const char *p[] = { id, uv, u, sz, msg };
  return store_exec(conn,
                    "INSERT INTO intake.quarantine (mailbox_id, uidvalidity, uid, size, error)"
                    " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (mailbox_id, uidvalidity, uid)"
                    " DO UPDATE SET error = EXCLUDED.error, size = EXCLUDED.size, recorded_at = now()",
                    5, p, error);
}

gboolean
store_mailbox_fetch_refused(StoreConn *conn, const StoreMailbox *mailbox, guint32 uid, const char *message,
                            guint give_up_after_s, gboolean *give_up, guint *attempts, GError **error)
{
  g_autofree char *mbid = g_strdup_printf("%d", mailbox->id);
  g_autofree char *uv = g_strdup_printf("%" G_GINT64_FORMAT, mailbox->uidvalidity);
  g_autofree char *u = g_strdup_printf("%u", uid);
  g_autofree char *secs = g_strdup_printf("%u", give_up_after_s);
  g_autofree char *msg = text_safe(message, -1);
  const char *p[] = { mbid, uv, u, msg, secs };
  g_autoptr(StoreRows) rows =
    store_select(conn,
                 "INSERT INTO intake.fetch_refusals AS f (mailbox_id, uidvalidity, uid, last_error)"
                 " VALUES ($1, $2, $3, $4) ON CONFLICT (mailbox_id, uidvalidity, uid)"
                 " DO UPDATE SET attempts = f.attempts + 1, last_at = now(), last_error = EXCLUDED.last_error"
                 " RETURNING attempts, (now() - first_at >= make_interval(secs => $5::int))",
                 5, p, error);
  if (!rows)
    return FALSE;
  char **r = g_ptr_array_index(rows->rows, 0);
  *attempts = (guint)g_ascii_strtoull(r[0], NULL, 10);
  *give_up = g_strcmp0(r[1], "t") == 0;
  return TRUE;
}
