/* fetcher/imap-fetch.c: fetching mails with BODY.PEEK[] (never setting \Seen) — small ones in
 * batches, big ones in chunks, one over the size limit only in part (its header and first bytes),
 * and one at a time on a fresh connection after an unreadable reply. */
#include "fetcher-private.h"

/* A FETCH response's lines count against libcurl's response-line budget (~300 KB per command,
 * facts.md, more than once: imap.c): keep each command's payload well under it, and less after a
 * reply it found too large. */
#define CHUNK_BYTES (96 * 1024)
#define BATCH_BYTES (160 * 1024)
#define BATCH_MAX 16
/* pieces are cut to a quarter after too large a reply while they are at least 4 x PIECE_MIN, so none is
 * smaller than this: even a text of nothing but "* " lines passes libcurl's count in pieces this small */
#define PIECE_MIN 256

void
fetcher_message_free(FetcherMessage *m)
{
  if (!m)
    return;
  g_clear_pointer(&m->raw, g_bytes_unref);
  g_clear_pointer(&m->internal_date, g_date_time_unref);
  g_free(m->error);
  g_free(m);
}

FetcherMessage *
fetcher_message_new_failed(guint32 uid, const char *why)
{
  g_return_val_if_fail(why != NULL, NULL);
  FetcherMessage *m = g_new0(FetcherMessage, 1);
  m->uid = uid;
  m->error = g_strdup(why);
  return m;
}

/* A message for uid holding raw (taken) and the arrival time of its metadata item, if any. */
static FetcherMessage *
message_new(guint32 uid, GBytes *raw, const FetcherFetchItem *meta)
{
  FetcherMessage *m = g_new0(FetcherMessage, 1);
  m->uid = uid;
  m->raw = raw;
  m->internal_date = meta && meta->internal_date ? g_date_time_ref(meta->internal_date) : NULL;
  m->size = meta ? meta->size : (raw ? g_bytes_get_size(raw) : 0);
  return m;
}

/* Whether a mail of this RFC822.SIZE is over the session's limit (never downloaded whole). */
static gboolean
oversize(const FetcherSession *s, guint64 size)
{
  return s->max_message_bytes && size > s->max_message_bytes;
}

/* A command failed (failed, taken): TRUE when libcurl found its reply too large and *bound (bytes
 * asked for) can be quartered — asked again on a fresh connection by the caller; else FALSE with
 * the failure in *error. */
static gboolean
smaller_again(FetcherSession *s, GError *failed, guint *bound, GError **error)
{
  if (!s->reply_too_large || *bound < PIECE_MIN * 4) {
    g_propagate_error(error, failed);
    return FALSE;
  }
  g_error_free(failed);
  fetcher_imap_reconnect(s);
  *bound /= 4;
  return TRUE;
}

/* An oversize mail: its header block and the first bytes of its text, both bounded (a mail without
 * a blank line is all header: cut at FETCHER_OVERSIZE_HEADER), in one command that stays under
 * libcurl's response budget — fewer of its text's bytes when it found the reply too large (lines
 * that begin with "* ": fetch_chunked). Concatenated they are the mail's first bytes, exactly. NULL
 * without an error when the mail was expunged meanwhile. */
static FetcherMessage *
fetch_oversize(FetcherSession *s, const FetcherFetchItem *meta, GError **error)
{
  guint32 uid = meta->uid;
  guint text = FETCHER_OVERSIZE_TEXT;
  for (;;) {
    g_autofree char *cmd = g_strdup_printf("UID FETCH %u (UID BODY.PEEK[HEADER]<0.%u> BODY.PEEK[TEXT]<0.%u>)",
                                           uid, FETCHER_OVERSIZE_HEADER, text);
    GError *local = NULL;
    if (fetcher_imap_perform(s, s->mailbox_url, cmd, &local))
      break;
    if (!smaller_again(s, local, &text, error))
      return NULL;
  }
  g_autoptr(GArray) items = fetcher_imap_parse_fetch(s->lines->data, s->lines->len, error);
  if (!items)
    return NULL;
  FetcherFetchItem *it = fetcher_imap_find_item(items, uid);
  if (!it || !it->has_header)
    return NULL; /* expunged meanwhile */
  if (it->header_origin != 0 || it->header_len > FETCHER_OVERSIZE_HEADER ||
      (it->has_text && (it->text_origin != 0 || it->text_len > text))) {
    g_set_error(error, FETCHER_ERROR, FETCHER_ERROR_PROTOCOL,
                "IMAP partial FETCH of UID %u answered out of the bounds asked", uid);
    return NULL;
  }
  GByteArray *raw = g_byte_array_sized_new((guint)(it->header_len + it->text_len));
  g_byte_array_append(raw, it->header, (guint)it->header_len);
  /* a header cut at the bound: its text would not follow it */
  if (it->has_text && it->header_len < FETCHER_OVERSIZE_HEADER)
    g_byte_array_append(raw, it->text, (guint)it->text_len);
  FetcherMessage *m = message_new(uid, g_byte_array_free_to_bytes(raw), meta);
  m->truncated = TRUE;
  return m;
}

/* Reads one big message in pieces of `piece` bytes with BODY.PEEK[]<offset.length>. A piece libcurl
 * finds too large (lines of the text that begin with "* " are taken for untagged replies, each
 * counting the bytes after it again: imap.c) is asked for again a quarter of the size, on a fresh
 * connection. NULL without an error when the mail was expunged meanwhile. */
static GBytes *
fetch_chunked(FetcherSession *s, guint32 uid, guint64 size, guint piece, GError **error)
{
  g_autoptr(GByteArray) all = g_byte_array_sized_new((guint)MIN(size, 64u * 1024 * 1024));
  guint64 cap = MIN(MAX(size, s->max_message_bytes) + CHUNK_BYTES, 1024u * 1024u * 1024u);
  for (guint64 off = 0;;) {
    g_autofree char *cmd =
      g_strdup_printf("UID FETCH %u (UID BODY.PEEK[]<%" G_GUINT64_FORMAT ".%u>)", uid, off, piece);
    GError *local = NULL;
    if (!fetcher_imap_perform(s, s->mailbox_url, cmd, &local)) {
      if (!smaller_again(s, local, &piece, error))
        return NULL;
      continue;
    }
    g_autoptr(GArray) items = fetcher_imap_parse_fetch(s->lines->data, s->lines->len, error);
    if (!items)
      return NULL;
    FetcherFetchItem *it = fetcher_imap_find_item(items, uid);
    if (!it || !it->has_body)
      return NULL; /* expunged meanwhile */
    if (it->body_origin != off) {
      g_set_error(error, FETCHER_ERROR, FETCHER_ERROR_PROTOCOL,
                  "IMAP partial FETCH of UID %u answered at the wrong offset", uid);
      return NULL;
    }
    g_byte_array_append(all, it->body, (guint)it->body_len);
    if (it->body_len < piece)
      break;
    off += piece;
    /* a server sending more than the size it gave must not fill the memory */
    if (all->len > cap) {
      g_set_error(error, FETCHER_ERROR, FETCHER_ERROR_PROTOCOL,
                  "IMAP message UID %u is longer than its RFC822.SIZE (%" G_GUINT64_FORMAT ")", uid, size);
      return NULL;
    }
  }
  return g_byte_array_free_to_bytes(g_steal_pointer(&all));
}

/* Fetches the small mails from uids[*i] on in one command (at most BATCH_MAX mails and
 * BATCH_BYTES, by their sizes in meta; no more once room bytes are reached, 0: no such bound) into
 * out, and moves *i past them. */
static gboolean
fetch_small(FetcherSession *s, GArray *meta, const guint32 *uids, guint n, guint64 room, guint *i,
            GPtrArray *out, GError **error)
{
  guint j = *i;
  guint64 total = 0;
  g_autoptr(GArray) batch = g_array_new(FALSE, FALSE, sizeof(guint32));
  while (j < n && batch->len < BATCH_MAX && (!room || total < room)) {
    FetcherFetchItem *mj = fetcher_imap_find_item(meta, uids[j]);
    if (mj &&
        (mj->size > CHUNK_BYTES || oversize(s, mj->size) ||
         total + mj->size > (s->batch_bytes ? s->batch_bytes : BATCH_BYTES)) &&
        batch->len > 0)
      break;
    if (mj) {
      g_array_append_val(batch, uids[j]);
      total += mj->size;
    }
    j++;
  }
  *i = j;
  g_autofree char *set = fetcher_imap_uid_set((const guint32 *)batch->data, batch->len);
  g_autofree char *cmd = g_strdup_printf("UID FETCH %s (UID BODY.PEEK[])", set);
  if (!fetcher_imap_perform(s, s->mailbox_url, cmd, error))
    return FALSE;
  g_autoptr(GArray) items = fetcher_imap_parse_fetch(s->lines->data, s->lines->len, error);
  if (!items)
    return FALSE;
  for (guint k = 0; k < batch->len; k++) {
    guint32 uid = g_array_index(batch, guint32, k);
    FetcherFetchItem *it = fetcher_imap_find_item(items, uid);
    FetcherFetchItem *mk = fetcher_imap_find_item(meta, uid);
    if (mk && (!it || !it->has_body)) {
      /* listed a moment ago: a reply that lost it is unreadable (alone, an expunged mail has no
       * metadata either and is left out then) */
      g_set_error(error, FETCHER_ERROR, FETCHER_ERROR_PROTOCOL, "IMAP FETCH gave no body for UID %u", uid);
      return FALSE;
    }
    if (it && it->has_body && mk && it->body_len != mk->size) {
      /* a whole body is exactly RFC822.SIZE bytes: anything else was cut or padded on the way */
      g_set_error(error, FETCHER_ERROR, FETCHER_ERROR_PROTOCOL,
                  "IMAP FETCH of UID %u gave %" G_GSIZE_FORMAT " bytes, RFC822.SIZE said %" G_GUINT64_FORMAT,
                  uid, it->body_len, mk->size);
      return FALSE;
    }
    if (it && it->has_body)
      g_ptr_array_add(
        out, message_new(uid, g_bytes_new(it->body, it->body_len), fetcher_imap_find_item(meta, uid)));
  }
  return TRUE;
}

/* The bytes of out's mails from index from on. */
static guint64
bytes_from(GPtrArray *out, guint from)
{
  guint64 sum = 0;
  for (guint k = from; k < out->len; k++) {
    const FetcherMessage *m = g_ptr_array_index(out, k);
    sum += m->raw ? g_bytes_get_size(m->raw) : 0;
  }
  return sum;
}

/* uids[0..n) in order, until max_bytes (0: no bound) of mail were read — at least one UID: *taken
 * (may be NULL) receives how many were dealt with; on failure, how many up to and with the command
 * that failed (what fetcher_session_fetch_some reads again one by one). */
static GPtrArray *
fetch_batch(FetcherSession *s, const guint32 *uids, guint n, guint64 max_bytes, guint *taken, GError **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)fetcher_message_free);
  guint i = 0, failed_upto = n;
  if (taken)
    *taken = n;
  if (n == 0)
    return g_steal_pointer(&out);
  /* Sizes and arrival times first: small, and they decide how to fetch each body. meta owns no
   * pointers into the response buffer, so it outlives the next command. */
  g_autofree char *set = fetcher_imap_uid_set(uids, n);
  g_autofree char *meta_cmd = g_strdup_printf("UID FETCH %s (UID RFC822.SIZE INTERNALDATE)", set);
  if (!fetcher_imap_perform(s, s->mailbox_url, meta_cmd, error))
    return NULL;
  g_autoptr(GArray) meta = fetcher_imap_parse_fetch(s->lines->data, s->lines->len, error);
  if (!meta)
    return NULL;
  guint64 read = 0;
  while (i < n && (!max_bytes || read < max_bytes)) {
    guint had = out->len;
    FetcherFetchItem *mi = fetcher_imap_find_item(meta, uids[i]);
    if (!mi) { /* gone from the server */
      i++;
    } else if (oversize(s, mi->size)) {
      FetcherMessage *m = fetch_oversize(s, mi, error);
      if (!m && error && *error) {
        failed_upto = i + 1;
        goto failed;
      }
      if (m)
        g_ptr_array_add(out, m);
      i++;
    } else if (mi->size > CHUNK_BYTES) {
      GBytes *raw = fetch_chunked(s, uids[i], mi->size, CHUNK_BYTES, error);
      if (!raw && error && *error) {
        failed_upto = i + 1;
        goto failed;
      }
      if (raw)
        g_ptr_array_add(out, message_new(uids[i], raw, mi));
      i++;
    } else if (!fetch_small(s, meta, uids, n, max_bytes ? max_bytes - read : 0, &i, out, error)) {
      failed_upto = i; /* moved past the command's mails */
      goto failed;
    }
    read += bytes_from(out, had);
  }
  if (taken)
    *taken = i;
  return g_steal_pointer(&out);
failed:
  if (taken)
    *taken = failed_upto;
  return NULL;
}

/* One mail (not oversize) whose reply libcurl found too large even alone, read in pieces on a fresh
 * connection: as fetch_batch, empty when it was expunged meanwhile. */
static GPtrArray *
fetch_in_pieces(FetcherSession *s, guint32 uid, GError **error)
{
  fetcher_imap_reconnect(s);
  g_autofree char *cmd = g_strdup_printf("UID FETCH %u (UID RFC822.SIZE INTERNALDATE)", uid);
  if (!fetcher_imap_perform(s, s->mailbox_url, cmd, error))
    return NULL;
  g_autoptr(GArray) meta = fetcher_imap_parse_fetch(s->lines->data, s->lines->len, error);
  if (!meta)
    return NULL;
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)fetcher_message_free);
  FetcherFetchItem *mi = fetcher_imap_find_item(meta, uid);
  if (!mi || oversize(s, mi->size))
    return mi ? fetch_batch(s, &uid, 1, 0, NULL, error) : g_steal_pointer(&out);
  GBytes *raw = fetch_chunked(s, uid, mi->size, CHUNK_BYTES / 4, error);
  if (!raw && error && *error)
    return NULL;
  if (raw)
    g_ptr_array_add(out, message_new(uid, raw, mi));
  return g_steal_pointer(&out);
}

/* After an unreadable response: each mail alone on a fresh connection, so one bad mail comes
 * back with its error instead of blocking the others. */
static GPtrArray *
fetch_one_by_one(FetcherSession *s, const guint32 *uids, guint n, guint64 max_bytes, guint *taken,
                 GError **error)
{
  g_autoptr(GPtrArray) out = g_ptr_array_new_with_free_func((GDestroyNotify)fetcher_message_free);
  fetcher_imap_reconnect(s);
  guint64 read = 0;
  for (guint i = 0; i < n; i++) {
    *taken = i;
    if (max_bytes && i > 0 && read >= max_bytes)
      return g_steal_pointer(&out);
    GError *one = NULL;
    g_autoptr(GPtrArray) got = fetch_batch(s, &uids[i], 1, 0, NULL, &one);
    if (!got && s->reply_too_large) { /* too large even alone: in pieces (fetch_chunked) */
      g_clear_error(&one);
      got = fetch_in_pieces(s, uids[i], &one);
    }
    if (got) {
      read += bytes_from(got, 0);
      while (got->len > 0)
        g_ptr_array_add(out, g_ptr_array_steal_index(got, 0));
      continue;
    }
    if (!g_error_matches(one, FETCHER_ERROR, FETCHER_ERROR_PROTOCOL)) {
      g_propagate_error(error, one);
      return NULL;
    }
    /* A tagged NO is the server's "not now" (RFC 3501 §7.1.2: [UNAVAILABLE], [SERVERBUG], a busy
     * store), not an unreadable mail: the fetch stops before this UID with what came before it, and
     * the caller decides (fetcher_session_take_refusal): ask again at the next poll, or, refused
     * for too long, keep it for review so the mails after it are not blocked for ever. */
    g_autofree char *complaint = fetcher_imap_complaint(s->lines->data, s->lines->len);
    if (complaint && g_str_has_prefix(complaint, "NO")) {
      s->refused_uid = uids[i];
      g_free(s->refused_error);
      s->refused_error = g_strdup(one->message);
      g_error_free(one);
      return g_steal_pointer(&out);
    }
    g_ptr_array_add(out, fetcher_message_new_failed(uids[i], one->message));
    g_error_free(one);
    fetcher_imap_reconnect(s);
  }
  *taken = n;
  return g_steal_pointer(&out);
}

gboolean
fetcher_session_take_refusal(FetcherSession *s, guint32 *uid, char **message)
{
  g_return_val_if_fail(s != NULL, FALSE);
  if (!s->refused_uid)
    return FALSE;
  *uid = s->refused_uid;
  *message = g_steal_pointer(&s->refused_error);
  s->refused_uid = 0;
  return TRUE;
}

guint32
fetcher_session_refused(const FetcherSession *s)
{
  g_return_val_if_fail(s != NULL, 0);
  return s->refused_uid;
}

GPtrArray *
fetcher_session_fetch(FetcherSession *s, const guint32 *uids, guint n, GError **error)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func((GDestroyNotify)fetcher_message_free);
  for (guint done = 0; done < n;) { /* several calls after a reply too large: see _some */
    guint taken = 0;
    g_autoptr(GPtrArray) got = fetcher_session_fetch_some(s, uids + done, n - done, 0, &taken, error);
    if (!got)
      return NULL;
    for (guint k = 0; k < got->len; k++)
      g_ptr_array_add(all, g_steal_pointer(&got->pdata[k]));
    done += taken;
    if (taken == 0 || (done < n && s->refused_uid == uids[done]))
      break; /* stopped at a refusal of this call's (one left from before does not stop it) */
  }
  return g_steal_pointer(&all);
}

GPtrArray *
fetcher_session_fetch_some(FetcherSession *s, const guint32 *uids, guint n, guint64 max_bytes, guint *taken,
                           GError **error)
{
  g_return_val_if_fail(s != NULL && taken != NULL, NULL);
  *taken = 0;
  GError *local = NULL;
  GPtrArray *out = fetch_batch(s, uids, n, max_bytes, taken, &local);
  if (out || !g_error_matches(local, FETCHER_ERROR, FETCHER_ERROR_PROTOCOL)) {
    if (local)
      g_propagate_error(error, local);
    return out;
  }
  if (s->reply_too_large) {
    /* this session's later batches a quarter of the size: from 160 KB, 40, 10, 2.5 ... (one mail) */
    guint64 was = s->batch_bytes ? s->batch_bytes : BATCH_BYTES;
    s->batch_bytes = MAX(was / 4, 1);
  }
  g_clear_error(&local);
  /* the mails up to the command that failed one by one; those after it are the next call's, in
   * smaller commands after a reply too large */
  return fetch_one_by_one(s, uids, MAX(*taken, 1), max_bytes, taken, error);
}
