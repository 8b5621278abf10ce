/* tests/store/test_behind.c: the store's write-behind (store_behind_set): a new mail's rows, its order
 * and acknowledgement are kept in the connection until a statement could read them or COMMIT, then
 * written exactly as without it; savepoints, ROLLBACK, failures, duplicates and the cap counts. */
#include "harness.h"
#include "store-private.h"

#include <criterion/criterion.h>
#include <string.h>

static StoreTest *T;
static StoreConn *A;
static StoreMailbox MB;

/* The call first, then its error (a function's arguments have no order). */
#define ok(call, err)                                                                                        \
  do {                                                                                                       \
    gboolean ok_done = (call);                                                                               \
    cr_assert(ok_done, "%s: %s", #call, (err) ? (err)->message : "no error set");                            \
  } while (0)

static void
setup(void)
{
  T = st_setup();
  g_autofree char *ci = g_strdup_printf("host=%s port=%s dbname=%s", T->host, T->port, T->dbname);
  GError *error = NULL;
  A = store_connect(ci, &error);
  cr_assert(A, "connect: %s", error ? error->message : "?");
  ok(store_mailbox_get(A, "INBOX", &MB, &error), error);
  ok(store_mailbox_set_uidvalidity(A, &MB, 4242, &error), error);
}

static void
teardown(void)
{
  store_close(A);
  st_teardown(T);
}

/* ---- looking ---- */

/* count(*) of sql ($1 param) as the harness's own connection sees it: committed rows only. */
static gint64
seen(const char *sql, const char *param)
{
  const char *p[] = { param };
  g_autofree char *v = st_valuep(T, sql, param ? 1 : 0, p);
  return g_ascii_strtoll(v, NULL, 10);
}

/* The same through A: store_select writes the kept rows first (read-your-writes); passing, it
 * leaves them kept, and sees only what was sent. */
static gint64
counted(gboolean passing, const char *sql, const char *param)
{
  GError *error = NULL;
  const char *p[] = { param };
  g_autoptr(StoreRows) r = passing ? store_select_passing(A, sql, param ? 1 : 0, p, &error)
                                   : store_select(A, sql, param ? 1 : 0, p, &error);
  cr_assert(r, "%s: %s", sql, error ? error->message : "?");
  return store_rows_int(r, 0, 0);
}

/* One text value read through A (store_select: the kept rows written first). */
static char *
value_a(const char *sql, const char *param)
{
  GError *error = NULL;
  const char *p[] = { param };
  g_autoptr(StoreRows) r = store_select(A, sql, param ? 1 : 0, p, &error);
  cr_assert(r, "%s: %s", sql, error ? error->message : "?");
  cr_assert(r->rows->len == 1, "%s: %u rows", sql, r->rows->len);
  const char *v = ((char **)r->rows->pdata[0])[0];
  return g_strdup(v);
}

#define MAIL_ROWS "SELECT count(*) FROM intake.messages WHERE dedupe_key = $1"
#define UID_ROWS                                                                                             \
  "SELECT count(*) FROM intake.mailbox_uids u JOIN intake.messages m ON m.id = u.message_id"                 \
  " WHERE m.dedupe_key = $1"
#define ORDER_ROWS                                                                                           \
  "SELECT count(*) FROM intake.orders o JOIN intake.messages m ON m.id = o.message_id"                       \
  " JOIN intake.order_messages om ON om.order_id = o.id AND om.message_id = m.id AND om.role = 'initial'"    \
  " WHERE m.dedupe_key = $1"
#define ACK_ROWS                                                                                             \
  "SELECT count(*) FROM intake.outbox a JOIN intake.orders o ON o.id = a.order_id"                           \
  " JOIN intake.messages m ON m.id = o.message_id WHERE m.dedupe_key = $1"

/* The four tables' rows of the mail with key (messages, UIDs, orders+initial link, outbox). */
static void
assert_seen(const char *key, gint64 want, const char *why)
{
  cr_assert_eq(seen(MAIL_ROWS, key), want, "%s: messages of %s", why, key);
  cr_assert_eq(seen(UID_ROWS, key), want, "%s: mailbox_uids of %s", why, key);
  cr_assert_eq(seen(ORDER_ROWS, key), want, "%s: orders/order_messages of %s", why, key);
  cr_assert_eq(seen(ACK_ROWS, key), want, "%s: outbox of %s", why, key);
}

static void
assert_counted(gboolean passing, const char *key, gint64 want, const char *why)
{
  cr_assert_eq(counted(passing, MAIL_ROWS, key), want, "%s: messages of %s", why, key);
  cr_assert_eq(counted(passing, UID_ROWS, key), want, "%s: mailbox_uids of %s", why, key);
  cr_assert_eq(counted(passing, ORDER_ROWS, key), want, "%s: orders of %s", why, key);
  cr_assert_eq(counted(passing, ACK_ROWS, key), want, "%s: outbox of %s", why, key);
}

static void
assert_kept(guint messages, guint uids, guint orders, guint outbox)
{
  cr_assert_eq(store_behind_count(A, STORE_BEHIND_MESSAGES), messages, "kept messages");
  cr_assert_eq(store_behind_count(A, STORE_BEHIND_UIDS), uids, "kept mailbox_uids");
  cr_assert_eq(store_behind_count(A, STORE_BEHIND_ORDERS), orders, "kept orders");
  cr_assert_eq(store_behind_count(A, STORE_BEHIND_OUTBOX), outbox, "kept outbox rows");
}

/* ---- making rows ---- */

/* A raw mail whose body holds a NUL and 8-bit bytes (tail: variant), and its hex. */
static GByteArray *
raw_mail(const char *key, const char *tail)
{
  GByteArray *b = g_byte_array_new();
  g_autofree char *head = g_strdup_printf("Message-ID: <%s>\r\nSubject: t\r\n\r\nbody ", key);
  g_byte_array_append(b, (const guint8 *)head, (guint)strlen(head));
  static const guint8 odd[] = { 0x00, 0xff, 0xfe, 0x80, 0x00, '\r', '\n', 0xe4, 0xbd, 0xa0 };
  g_byte_array_append(b, odd, sizeof odd);
  g_byte_array_append(b, (const guint8 *)tail, (guint)strlen(tail));
  return b;
}

static char *
hex(const guint8 *data, gsize len)
{
  GString *s = g_string_new(NULL);
  for (gsize i = 0; i < len; i++)
    g_string_append_printf(s, "%02x", data[i]);
  return g_string_free(s, FALSE);
}

/* store_message_insert of a small mail with every field set (NULLs when bare). */
static StoreIngest
ingest_full(const char *key, guint32 uid, const char *subject, const char *tail, gboolean bare,
            GError **error, gboolean *done)
{
  g_autoptr(GByteArray) raw = raw_mail(key, tail);
  g_autoptr(GDateTime) when = g_date_time_new_utc(2026, 12, 5, 3, 4, 5.25);
  StoreIncoming in = { .data = (const char *)raw->data,
                       .len = raw->len,
                       .uid = uid,
                       .internal_date = bare ? NULL : when,
                       .dedupe_key = key,
                       .message_id = bare ? NULL : key,
                       .from_addr = "Cust@Example.com",
                       .from_display = bare ? NULL : "客户 张三",
                       .subject = bare ? NULL : subject,
                       .parse_error = bare ? NULL : "parse trouble",
                       .ignored_reason = bare ? NULL : "bulk",
                       .parts_json = bare ? NULL : "[{\"type\": \"text/plain\", \"n\": 1}]",
                       .text = bare ? NULL : "服务器坏了 body",
                       .attachments_json = bare ? NULL : "[{\"filename\": \"a.png\", \"size\": 3}]" };
  StoreIngest out = { 0 };
  *done = store_message_insert(A, &MB, &in, &out, error);
  return out;
}

static StoreIngest
ingest(const char *key, guint32 uid, const char *subject)
{
  GError *error = NULL;
  gboolean done = FALSE;
  StoreIngest out = ingest_full(key, uid, subject, "", FALSE, &error, &done);
  ok(done, error);
  return out;
}

/* store_order_insert on message_row; every field set unless bare. Returns the order id. */
static gint64
order_on(gint64 message_row, const char *sn, gboolean bare, char **order_no)
{
  GError *error = NULL;
  g_autoptr(GDateTime) at = g_date_time_new_utc(2026, 12, 5, 1, 2, 3);
  const char *missing[] = { "phone", "address", NULL }, *cands[] = { "SN-A", "SN \"B\"", NULL };
  StoreOrder o = { .message_row = message_row, .received_at = at, .status = "queued", .sn = sn };
  if (!bare)
    o = (StoreOrder){ .message_row = message_row,
                      .received_at = at,
                      .status = "needs_review",
                      .review_reason = "rr",
                      .from_addr = "fa@example.com",
                      .subject = "subj",
                      .kind = "fault",
                      .sn = sn,
                      .model = "R5300",
                      .symptoms = "no power",
                      .contact = "张三",
                      .phone = "13800000000",
                      .address = "addr 1",
                      .city = "北京",
                      .district = "海淀",
                      .missing = missing,
                      .sn_candidates = cands,
                      .customer = "cust",
                      .tier = "gold",
                      .component = "psu",
                      .warranty_start = "2024-01-02",
                      .warranty_end = "2027-03-04",
                      .coverage = "covered",
                      .reasons_json = "[\"r1\", {\"k\": 2}]",
                      .severity = "S2",
                      .priority = "P2",
                      .onsite_class = "next_day",
                      .sla_clock = "24x7",
                      .response_due = "2026-12-05T03:00:00Z",
                      .plan_due = "2026-12-05T05:00:00Z",
                      .onsite_due = "2026-12-06T07:00:00Z",
                      .machine_index = 0,
                      .recurrence_of = "RC20261201-0001" };
  gint64 id = 0;
  char *no = store_order_insert(A, &o, &id, &error);
  cr_assert(no, "order: %s", error ? error->message : "?");
  if (order_no)
    *order_no = no;
  else
    g_free(no);
  return id;
}

/* store_outbox_queue for order_id: pending to recipient, or suppressed with reason. */
static void
ack_on(gint64 order_id, const char *ack_id, const char *recipient, const char *suppressed, gboolean bare)
{
  GError *error = NULL;
  static const char msg[] = "Subject: ack\r\n\r\n\x00\xff ack \xe5\xa5\xbd\x00";
  const char *cc[] = { "fwd@example.com", "Two@Example.com", NULL };
  StoreOutboxItem item = { .order_id = order_id,
                           .message_id = ack_id,
                           .recipient = recipient,
                           .language = "en",
                           .subject = bare ? NULL : "Re: 服务",
                           .data = suppressed ? NULL : msg,
                           .len = suppressed ? 0 : sizeof msg - 1,
                           .suppressed_reason = suppressed,
                           .body_text = bare ? NULL : "ack body",
                           .cc = bare ? NULL : cc };
  gboolean queued = FALSE;
  ok(store_outbox_queue(A, &item, &queued, &error), error);
  cr_assert(queued, "queued");
}

/* A new mail kept whole: its row, UID, order and pending acknowledgement to recipient. */
static gint64
keep_mail(const char *key, guint32 uid, const char *recipient, const char *suppressed)
{
  StoreIngest in = ingest(key, uid, "s");
  cr_assert(!in.duplicate, "%s is new", key);
  gint64 order = order_on(in.message_row, "SN-1", TRUE, NULL);
  g_autofree char *ack = g_strdup_printf("ack-%s@intake.example", key);
  ack_on(order, ack, recipient, suppressed, TRUE);
  return in.message_row;
}

static void
begin_behind(void)
{
  GError *error = NULL;
  store_behind_set(A, TRUE);
  ok(store_begin(A, &error), error);
}

/* ---- 1. kept until read, then written with the right values ---- */

/* Long: one transaction kept, read and committed, then every column of its four tables checked. */
Test(behind, kept_until_read_then_committed_exactly, .init = setup, .fini = teardown)
{
  GError *error = NULL;
  begin_behind();
  StoreIngest full = ingest("full@x", 11, "服务器坏了");
  cr_assert(!full.duplicate);
  g_autofree char *order_no = NULL;
  gint64 order = order_on(full.message_row, "SN-FULL", FALSE, &order_no);
  cr_assert_str_eq(order_no, "RC20261205-0001");
  ack_on(order, "ack-full@intake.example", "Cust@Example.com", NULL, FALSE);
  GError *e2 = NULL;
  gboolean done = FALSE;
  StoreIngest b2 = ingest_full("null@x", 13, NULL, "", TRUE, &e2, &done);
  ok(done, e2);
  gint64 order2 = order_on(b2.message_row, NULL, TRUE, NULL);
  ack_on(order2, "ack-null@intake.example", NULL, "bulk", TRUE);

  /* nothing sent: kept in the connection; a read that cannot see them finds nothing in the database */
  assert_kept(2, 2, 2, 2);
  cr_assert(A->pending == NULL || A->pending->len == 0, "nothing sent ahead");
  assert_counted(TRUE, "full@x", 0, "before any read");
  assert_seen("full@x", 0, "another connection, before COMMIT");
  /* a plain read in the transaction writes them first, and sees them */
  assert_counted(FALSE, "full@x", 1, "read-your-writes");
  assert_counted(FALSE, "null@x", 1, "read-your-writes");
  assert_kept(0, 0, 0, 0);
  assert_seen("full@x", 0, "another connection, before COMMIT");
  ok(store_commit(A, &error), error);
  assert_seen("full@x", 1, "after COMMIT");
  assert_seen("null@x", 1, "after COMMIT");

  /* the values, byte for byte */
  g_autoptr(GByteArray) raw = raw_mail("full@x", "");
  g_autofree char *raw_hex = hex(raw->data, raw->len);
  g_autofree char *got_raw =
    st_valuep(T, "SELECT encode(raw, 'hex') FROM intake.messages WHERE dedupe_key = $1", 1,
              (const char *[]){ "full@x" });
  cr_assert_str_eq(got_raw, raw_hex, "raw bytes (NUL, 8-bit) exact");
  g_autofree char *sha = g_compute_checksum_for_data(G_CHECKSUM_SHA256, raw->data, raw->len);
  g_autofree char *size = g_strdup_printf("%u", raw->len);
  g_autofree char *row = g_strdup_printf("%" G_GINT64_FORMAT, full.message_row);
  g_autofree char *mrow = st_valuep(
    T,
    "SELECT concat_ws('|', id, dedupe_key, message_id, sha256, from_addr, from_display, subject, size,"
    " internal_date AT TIME ZONE 'UTC', parse_error, ignored_reason, parts = $1::jsonb, body_text,"
    " attachments = $2::jsonb, headers) FROM intake.messages WHERE dedupe_key = 'full@x'",
    2,
    (const char *[]){ "[{\"n\": 1, \"type\": \"text/plain\"}]", "[{\"size\": 3, \"filename\": \"a.png\"}]" });
  g_autofree char *mwant = g_strdup_printf("%s|full@x|full@x|%s|Cust@Example.com|客户 张三|服务器坏了|%s|"
                                           "2026-12-05 03:04:05.25|parse trouble|bulk|t|服务器坏了 body|t|"
                                           "Message-ID: <full@x>\r\nSubject: t\r\n",
                                           row, sha, size);
  cr_assert_str_eq(mrow, mwant);
  g_autofree char *urow =
    st_value(T, "SELECT concat_ws('|', u.mailbox_id = b.id, u.uidvalidity, u.uid, m.dedupe_key)"
                " FROM intake.mailbox_uids u JOIN intake.messages m ON m.id = u.message_id"
                " JOIN intake.mailboxes b ON b.name = 'INBOX' WHERE u.uid = 11");
  cr_assert_str_eq(urow, "t|4242|11|full@x");
  g_autofree char *oid = g_strdup_printf("%" G_GINT64_FORMAT, order);
  st_exec(T, "SET TIME ZONE 'UTC'");
  g_autofree char *orow = st_valuep(
    T,
    "SELECT concat_ws('|', o.order_no, o.status, m.dedupe_key, o.received_at, o.from_addr, o.subject, o.kind,"
    " o.review_reason, o.sn, o.model, o.symptoms, o.contact, o.phone, o.address, o.city, o.district, "
    "o.missing,"
    " o.sn_candidates, o.customer, o.tier, o.component, o.warranty_start, o.warranty_end, o.coverage, "
    "o.reasons,"
    " o.severity, o.priority, o.onsite_class, o.sla_clock, o.response_due, o.plan_due, o.onsite_due,"
    " o.recurrence_of, o.base_response_due, o.base_plan_due, o.base_onsite_due, o.machine_index,"
    " (SELECT string_agg(role, ',') FROM intake.order_messages WHERE order_id = o.id))"
    " FROM intake.orders o JOIN intake.messages m ON m.id = o.message_id WHERE o.id = $1",
    1, (const char *[]){ oid });
  cr_assert_str_eq(
    orow, "RC20261205-0001|needs_review|full@x|2026-12-05 01:02:03+00|fa@example.com|subj|fault|rr|"
          "SN-FULL|R5300|no power|张三|13800000000|addr 1|北京|海淀|{phone,address}|{SN-A,\"SN \\\"B\\\"\"}|"
          "cust|gold|psu|2024-01-02|2027-03-04|covered|[\"r1\", {\"k\": 2}]|S2|P2|next_day|24x7|"
          "2026-12-05 03:00:00+00|2026-12-05 05:00:00+00|2026-12-06 07:00:00+00|RC20261201-0001|"
          "2026-12-05 03:00:00+00|2026-12-05 05:00:00+00|2026-12-06 07:00:00+00|0|initial");
  static const char msg[] = "Subject: ack\r\n\r\n\x00\xff ack \xe5\xa5\xbd\x00";
  g_autofree char *msg_hex = hex((const guint8 *)msg, sizeof msg - 1);
  g_autofree char *arow = st_valuep(
    T,
    "SELECT concat_ws('|', a.message_id, a.recipient, a.language, a.subject, encode(a.message, 'hex') = $2,"
    " a.status, coalesce(a.suppressed_reason, 'NULL'), a.body_text, a.cc, a.mail_id = o.message_id)"
    " FROM intake.outbox a JOIN intake.orders o ON o.id = a.order_id WHERE a.order_id = $1",
    2, (const char *[]){ oid, msg_hex });
  cr_assert_str_eq(arow, "ack-full@intake.example|Cust@Example.com|en|Re: 服务|t|pending|NULL|ack body|"
                         "{fwd@example.com,Two@Example.com}|t");

  /* NULLs stay NULL */
  g_autofree char *nulls = st_value(
    T,
    "SELECT concat_ws('|', message_id IS NULL, from_display IS NULL, subject IS NULL, internal_date IS NULL,"
    " parse_error IS NULL, ignored_reason IS NULL, parts IS NULL, body_text IS NULL, attachments IS NULL)"
    " FROM intake.messages WHERE dedupe_key = 'null@x'");
  cr_assert_str_eq(nulls, "t|t|t|t|t|t|t|t|t");
  g_autofree char *oid2 = g_strdup_printf("%" G_GINT64_FORMAT, order2);
  g_autofree char *onulls = st_valuep(
    T,
    "SELECT concat_ws('|', sn IS NULL, model IS NULL, contact IS NULL, warranty_end IS NULL, coverage IS "
    "NULL,"
    " response_due IS NULL, base_response_due IS NULL, recurrence_of IS NULL, missing = '{}', reasons = '[]',"
    " status) FROM intake.orders WHERE id = $1",
    1, (const char *[]){ oid2 });
  cr_assert_str_eq(onulls, "t|t|t|t|t|t|t|t|t|t|queued");
  g_autofree char *anulls =
    st_valuep(T,
              "SELECT concat_ws('|', recipient IS NULL, message IS NULL, subject IS NULL,"
              " body_text IS NULL, cc IS NULL, status, suppressed_reason)"
              " FROM intake.outbox WHERE order_id = $1",
              1, (const char *[]){ oid2 });
  cr_assert_str_eq(anulls, "t|t|t|t|t|suppressed|bulk");
}

/* ---- 2. savepoints ---- */

Test(behind, savepoint_rollback_drops_only_its_units_rows, .init = setup, .fini = teardown)
{
  GError *error = NULL;
  begin_behind();
  ok(store_savepoint(A, &error), error);
  keep_mail("u1@x", 21, "c1@example.com", NULL);
  ok(store_savepoint_next(A, &error), error);
  keep_mail("u2@x", 22, "c2@example.com", NULL);
  assert_kept(2, 2, 2, 2);
  ok(store_savepoint_rollback(A, &error), error);
  assert_kept(1, 1, 1, 1);
  /* the unit is done again (the mark stays) with another mail */
  keep_mail("u3@x", 23, "c3@example.com", NULL);
  ok(store_savepoint_next(A, &error), error);
  ok(store_commit(A, &error), error);
  assert_seen("u1@x", 1, "earlier unit");
  assert_seen("u2@x", 0, "unit rolled back");
  assert_seen("u3@x", 1, "unit done again");
  cr_assert_eq(seen("SELECT count(*) FROM intake.mailbox_uids WHERE uid = 22", NULL), 0);
  cr_assert_eq(seen("SELECT count(*) FROM intake.orders", NULL), 2);
  cr_assert_eq(seen("SELECT count(*) FROM intake.outbox", NULL), 2);
}

/* A poll's batch ends at BATCH_SAVEPOINTS: only the SAVEPOINTs really sent count — none for a new
 * mail whose rows are all kept, one for a unit that reads — and a new transaction starts at 0. */
Test(behind, savepoints_counted_when_sent, .init = setup, .fini = teardown)
{
  GError *error = NULL;
  begin_behind();
  ok(store_savepoint(A, &error), error);
  keep_mail("c1@x", 41, "c1@example.com", NULL);
  ok(store_savepoint_next(A, &error), error);
  keep_mail("c2@x", 42, "c2@example.com", NULL);
  cr_assert_eq(store_savepoints(A), 0, "kept rows need no savepoint");
  cr_assert_eq(counted(FALSE, "SELECT count(*) FROM intake.orders", NULL), 2);
  cr_assert_eq(store_savepoints(A), 1, "a read in the unit sends its savepoint");
  ok(store_savepoint_next(A, &error), error);
  cr_assert_eq(counted(FALSE, "SELECT count(*) FROM intake.orders", NULL), 2);
  cr_assert_eq(store_savepoints(A), 2);
  ok(store_commit(A, &error), error);
  ok(store_begin(A, &error), error);
  cr_assert_eq(store_savepoints(A), 0, "a new transaction");
  store_behind_set(A, FALSE);
  ok(store_savepoint(A, &error), error);
  cr_assert_eq(store_savepoints(A), 1, "write-behind off: one per unit");
  store_rollback(A);
}

/* Unit 2's rows are written while its savepoint is open, together with unit 1's (still kept): the
 * ROLLBACK TO must take unit 2's and leave unit 1's. */
Test(behind, savepoint_rollback_after_a_write_inside_the_unit, .init = setup, .fini = teardown)
{
  GError *error = NULL;
  begin_behind();
  ok(store_savepoint(A, &error), error);
  keep_mail("s1@x", 31, "c1@example.com", NULL);
  ok(store_savepoint_next(A, &error), error);
  keep_mail("s2@x", 32, "c2@example.com", NULL);
  assert_kept(2, 2, 2, 2);
  /* a read in unit 2: both units' rows are written first */
  cr_assert_eq(counted(FALSE, "SELECT count(*) FROM intake.orders", NULL), 2);
  assert_kept(0, 0, 0, 0);
  ok(store_savepoint_rollback(A, &error), error);
  assert_counted(FALSE, "s1@x", 1, "unit 1 in the transaction after ROLLBACK TO");
  assert_counted(FALSE, "s2@x", 0, "unit 2 in the transaction after ROLLBACK TO");
  /* a second try of the unit, written inside it, and undone again */
  keep_mail("s3@x", 33, "c3@example.com", NULL);
  cr_assert_eq(counted(FALSE, "SELECT count(*) FROM intake.orders", NULL), 2);
  ok(store_savepoint_rollback(A, &error), error);
  keep_mail("s4@x", 34, "c4@example.com", NULL);
  ok(store_commit(A, &error), error);
  assert_seen("s1@x", 1, "unit 1 committed");
  assert_seen("s2@x", 0, "unit 2 rolled back");
  assert_seen("s3@x", 0, "unit 2's second try rolled back");
  assert_seen("s4@x", 1, "unit 2's third try committed");
  g_autofree char *nos = st_value(T, "SELECT string_agg(order_no, ',' ORDER BY order_no) FROM intake.orders");
  cr_assert_str_eq(nos, "RC20261205-0001,RC20261205-0002", "numbers given back by the rollbacks");
  g_autofree char *last = st_value(T, "SELECT last_seq FROM intake.order_counters WHERE day = '2026-12-05'");
  cr_assert_str_eq(last, "2");
}

/* ---- 3. kept rows that fail when written ---- */

static void
assert_behind_error(GError *error, const char *what)
{
  cr_assert(error, "%s: no error", what);
  cr_assert(g_error_matches(error, STORE_ERROR, STORE_ERROR_BEHIND),
            "%s: error %d (%s), not STORE_ERROR_BEHIND", what, error->code, error->message);
}

Test(behind, failed_rows_make_errors_behind_until_rollback, .init = setup, .fini = teardown)
{
  GError *error = NULL;
  st_exec(T, "ALTER TABLE intake.orders ADD CONSTRAINT behind_test_sn CHECK (sn IS DISTINCT FROM 'BAD')");
  begin_behind();
  ok(store_savepoint(A, &error), error);
  keep_mail("f1@x", 41, "c1@example.com", NULL);
  ok(store_savepoint_next(A, &error), error);
  StoreIngest in = ingest("f2@x", 42, "s");
  order_on(in.message_row, "BAD", TRUE, NULL);
  cr_assert(!store_behind_failed(A));
  /* the read they travel with fails */
  const char *p[] = { "f1@x" };
  StoreRows *r = store_select(A, MAIL_ROWS, 1, p, &error);
  cr_assert_null(r, "the statement after the failing rows fails");
  assert_behind_error(error, "the read");
  cr_assert(strstr(error->message, "behind_test_sn"), "the cause is named: %s", error->message);
  g_clear_error(&error);
  cr_assert(store_behind_failed(A));
  /* any later error of the transaction is the rows' too */
  cr_assert(!store_exec(A, "SELECT 1", 0, NULL, &error));
  assert_behind_error(error, "the next statement");
  g_clear_error(&error);
  cr_assert(store_behind_failed(A));
  store_rollback(A);
  assert_seen("f1@x", 0, "rolled back");
  cr_assert_eq(seen(MAIL_ROWS, "f2@x"), 0);

  ok(store_begin(A, &error), error);
  cr_assert(!store_behind_failed(A), "a new transaction starts clean");
  keep_mail("f1@x", 41, "c1@example.com", NULL);
  assert_kept(1, 1, 1, 1);
  ok(store_commit(A, &error), error);
  assert_seen("f1@x", 1, "normal work after the failure");
  cr_assert(!store_behind_failed(A));
}

/* The same failure met by COMMIT itself (the rows' first writer): nothing committed, and the caller
 * can tell it from the error and from store_behind_failed. */
Test(behind, failed_rows_at_commit, .init = setup, .fini = teardown)
{
  GError *error = NULL;
  st_exec(T, "ALTER TABLE intake.messages ADD CONSTRAINT behind_test_subject"
             " CHECK (subject IS DISTINCT FROM 'BAD')");
  begin_behind();
  keep_mail("c1@x", 51, "c1@example.com", NULL);
  StoreIngest in = ingest("c2@x", 52, "BAD");
  cr_assert(!in.duplicate);
  cr_assert(!store_commit(A, &error), "COMMIT of the failing rows fails");
  assert_behind_error(error, "COMMIT");
  g_clear_error(&error);
  assert_seen("c1@x", 0, "nothing committed");
  cr_assert_eq(seen(MAIL_ROWS, "c2@x"), 0);
  cr_assert(store_behind_failed(A), "store_behind_failed after the failed COMMIT (store.h: until the next "
                                    "transaction, whatever error the caller made of it)");
  store_rollback(A);
  ok(store_begin(A, &error), error);
  cr_assert(!store_behind_failed(A));
  keep_mail("c1@x", 51, "c1@example.com", NULL);
  ok(store_commit(A, &error), error);
  assert_seen("c1@x", 1, "normal work after the failure");
}

/* The kept rows' INSERTs are prepared in the pipeline they first travel in, their names kept before
 * PostgreSQL answered. When the messages' rows fail, the Parse of the other tables' statements after
 * them is skipped: those names are forgotten, so the same shapes work in the next transaction
 * (instead of "prepared statement ... does not exist" for the rest of the connection). */
Test(behind, a_statement_prepared_after_failed_rows_is_prepared_again, .init = setup, .fini = teardown)
{
  GError *error = NULL;
  st_exec(T, "ALTER TABLE intake.messages ADD CONSTRAINT behind_test_subject"
             " CHECK (subject IS DISTINCT FROM 'BAD')");
  begin_behind();
  StoreIngest in = ingest("p1@x", 61, "BAD"); /* as keep_mail, the subject refused */
  ack_on(order_on(in.message_row, "SN-1", TRUE, NULL), "ack-p1@intake.example", "c1@example.com", NULL, TRUE);
  cr_assert(!store_commit(A, &error), "COMMIT of the failing rows fails");
  assert_behind_error(error, "COMMIT");
  g_clear_error(&error);
  store_rollback(A);
  for (guint round = 0; round < 2; round++) { /* the same shapes (one row each), twice */
    ok(store_begin(A, &error), error);
    g_autofree char *mid = g_strdup_printf("p%u@x", 2 + round);
    keep_mail(mid, 62 + round, "c1@example.com", NULL);
    ok(store_commit(A, &error), error);
    assert_seen(mid, 1, "the same shapes after the failure");
  }
}

/* ---- 4. duplicates ---- */

Test(behind, duplicate_of_a_kept_or_committed_mail, .init = setup, .fini = teardown)
{
  GError *error = NULL;
  for (int on = 0; on <= 1; on++) {
    g_autofree char *key = g_strdup_printf("dup%d@x", on);
    g_autofree char *committed = g_strdup_printf("old%d@x", on);
    store_behind_set(A, on);
    ok(store_begin(A, &error), error);
    StoreIngest old = ingest(committed, 60 + 10 * on, "s");
    ok(store_commit(A, &error), error);

    ok(store_begin(A, &error), error);
    StoreIngest first = ingest(key, 61 + 10 * on, "s");
    cr_assert(!first.duplicate, "on=%d: new", on);
    cr_assert_eq(store_behind_count(A, STORE_BEHIND_MESSAGES), on ? 1u : 0u, "on=%d: kept", on);
    StoreIngest again = ingest(key, 62 + 10 * on, "s"); /* the same bytes under another UID */
    cr_assert(again.duplicate, "on=%d: the same key in the same transaction is a duplicate", on);
    cr_assert_eq(again.message_row, first.message_row, "on=%d: the same row", on);
    StoreIngest late = ingest(committed, 63 + 10 * on, "s");
    cr_assert(late.duplicate, "on=%d: a committed key is a duplicate", on);
    cr_assert_eq(late.message_row, old.message_row, "on=%d: the committed row", on);
    cr_assert_eq(store_behind_count(A, STORE_BEHIND_MESSAGES), 0u, "on=%d: a duplicate is not kept", on);
    /* the same key, other bytes: another mail reusing the Message-ID, kept under key:sha256 */
    gboolean done = FALSE;
    StoreIngest other = ingest_full(key, 64 + 10 * on, "s", "other", FALSE, &error, &done);
    ok(done, error);
    cr_assert(!other.duplicate && other.message_row != first.message_row, "on=%d: other bytes, new row", on);
    ok(store_commit(A, &error), error);
    cr_assert_eq(seen(MAIL_ROWS, key), 1, "on=%d", on);
    cr_assert_eq(seen("SELECT count(*) FROM intake.messages WHERE dedupe_key LIKE $1 || ':%'", key), 1,
                 "on=%d", on);
    g_autofree char *uids_of = g_strdup_printf("%" G_GINT64_FORMAT, first.message_row);
    g_autofree char *uids = st_valuep(
      T, "SELECT string_agg(uid::text, ',' ORDER BY uid) FROM intake.mailbox_uids WHERE message_id = $1", 1,
      (const char *[]){ uids_of });
    g_autofree char *want = g_strdup_printf("%d,%d", 61 + 10 * on, 62 + 10 * on);
    cr_assert_str_eq(uids, want, "on=%d: both UIDs point at the one row", on);
    g_autofree char *old_of = g_strdup_printf("%" G_GINT64_FORMAT, old.message_row);
    g_autofree char *olds = st_valuep(
      T, "SELECT string_agg(uid::text, ',' ORDER BY uid) FROM intake.mailbox_uids WHERE message_id = $1", 1,
      (const char *[]){ old_of });
    g_autofree char *owant = g_strdup_printf("%d,%d", 60 + 10 * on, 63 + 10 * on);
    cr_assert_str_eq(olds, owant, "on=%d: the committed row's UIDs", on);
  }
}

/* ---- 5. the acknowledgement caps count kept rows ---- */

static StoreOutboxCounts
caps(const char *recipient)
{
  GError *error = NULL;
  StoreOutboxCounts c = { 0 };
  ok(store_outbox_cap_counts(A, recipient, TRUE, &c, &error), error);
  return c;
}

static void
assert_caps(StoreOutboxCounts c, gint64 to, gint64 hour, gboolean capped, const char *why)
{
  cr_assert(c.recent_to == to && c.last_hour == hour && c.capped_last_hour == capped,
            "%s: recent_to %" G_GINT64_FORMAT " last_hour %" G_GINT64_FORMAT
            " capped %d; want %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %d",
            why, c.recent_to, c.last_hour, c.capped_last_hour, to, hour, capped);
}

Test(behind, cap_counts_count_kept_rows_once, .init = setup, .fini = teardown)
{
  GError *error = NULL;
  begin_behind();
  keep_mail("k0@x", 80, "cust@example.com", NULL);
  ok(store_commit(A, &error), error);
  assert_caps(caps("CUST@Example.COM"), 1, 1, FALSE, "committed");

  ok(store_begin(A, &error), error);
  keep_mail("k1@x", 81, "Cust@EXAMPLE.com", NULL);
  keep_mail("k2@x", 82, "other@example.com", NULL);
  assert_caps(caps("cust@example.com"), 2, 3, FALSE, "two kept pending rows");
  keep_mail("k3@x", 83, "cust@example.com", "global_cap");
  assert_kept(3, 3, 3, 3);
  assert_caps(caps("cust@example.com"), 2, 3, TRUE,
              "a kept suppressed row is not counted, but caps the hour");
  assert_kept(3, 3, 3, 3); /* counting wrote nothing */

  /* a count sent ahead, then the rows written before it is taken */
  g_autoptr(StoreAhead) ahead = store_outbox_cap_counts_ahead(A, "cust@example.com", TRUE, &error);
  cr_assert(ahead, "%s", error ? error->message : "?");
  cr_assert(store_ahead_current(A, ahead));
  cr_assert_eq(counted(FALSE, "SELECT count(*) FROM intake.outbox", NULL), 4);
  assert_kept(0, 0, 0, 0);
  cr_assert(!store_ahead_current(A, ahead), "rows were written after it was sent");
  StoreOutboxCounts c = { 0 };
  ok(store_outbox_cap_counts_take(A, ahead, "cust@example.com", TRUE, &c, &error), error);
  assert_caps(c, 2, 3, TRUE, "sent before the write, taken after (neither missed nor counted twice)");

  /* sent after the write, with a new row kept since */
  g_autoptr(StoreAhead) after = store_outbox_cap_counts_ahead(A, "cust@example.com", TRUE, &error);
  cr_assert(after, "%s", error ? error->message : "?");
  keep_mail("k4@x", 84, "CUST@example.com", NULL);
  cr_assert(store_ahead_current(A, after));
  ok(store_outbox_cap_counts_take(A, after, "cust@example.com", TRUE, &c, &error), error);
  assert_caps(c, 3, 4, TRUE, "written rows and a kept one");
  assert_kept(1, 1, 1, 1);
  /* sent while a row is kept, written between: read again */
  g_autoptr(StoreAhead) again = store_outbox_cap_counts_ahead(A, "cust@example.com", FALSE, &error);
  cr_assert(again, "%s", error ? error->message : "?");
  cr_assert_eq(counted(FALSE, "SELECT count(*) FROM intake.outbox", NULL), 5);
  ok(store_outbox_cap_counts_take(A, again, "cust@example.com", FALSE, &c, &error), error);
  cr_assert_eq(c.recent_to, 3);
  ok(store_commit(A, &error), error);
  assert_caps(caps("cust@example.com"), 3, 4, TRUE, "after COMMIT");
  cr_assert_eq(seen("SELECT count(*) FROM intake.outbox WHERE lower(recipient) = 'cust@example.com'"
                    " AND status = 'pending'",
                    NULL),
               3);
}

/* ---- 6. ROLLBACK ---- */

Test(behind, rollback_drops_everything_kept, .init = setup, .fini = teardown)
{
  GError *error = NULL;
  begin_behind();
  ok(store_savepoint(A, &error), error);
  keep_mail("r1@x", 91, "c1@example.com", NULL);
  ok(store_savepoint_next(A, &error), error);
  keep_mail("r2@x", 92, "c2@example.com", NULL);
  store_rollback(A);
  assert_kept(0, 0, 0, 0);
  cr_assert(!store_behind_pending(A));
  /* the next transaction writes only its own rows */
  ok(store_begin(A, &error), error);
  keep_mail("r3@x", 93, "c3@example.com", NULL);
  ok(store_commit(A, &error), error);
  assert_seen("r1@x", 0, "rolled back");
  assert_seen("r2@x", 0, "rolled back");
  assert_seen("r3@x", 1, "committed");
  cr_assert_eq(seen("SELECT count(*) FROM intake.messages", NULL), 1);
  cr_assert_eq(seen("SELECT count(*) FROM intake.mailbox_uids", NULL), 1);
  cr_assert_eq(seen("SELECT count(*) FROM intake.orders", NULL), 1);
  cr_assert_eq(seen("SELECT count(*) FROM intake.order_messages", NULL), 1);
  cr_assert_eq(seen("SELECT count(*) FROM intake.outbox", NULL), 1);
  g_autofree char *no = st_value(T, "SELECT order_no FROM intake.orders");
  cr_assert_str_eq(no, "RC20261205-0001", "the rolled-back numbers were given back");
}

/* ---- 7. the same rows with write-behind off and on ---- */

/* Every column of the mail's rows but ids and the time of writing, as jsonb text (read through A,
 * whose time zone renders the timestamps). */
static char *
snapshot(const char *key)
{
  return value_a(
    "SELECT jsonb_build_object("
    " 'message', (SELECT to_jsonb(m) - 'id' - 'fetched_at' FROM intake.messages m WHERE dedupe_key = $1),"
    " 'uids', (SELECT jsonb_agg(to_jsonb(u) - 'message_id' - 'committed_at') FROM intake.mailbox_uids u"
    "          JOIN intake.messages m ON m.id = u.message_id WHERE m.dedupe_key = $1),"
    " 'orders', (SELECT jsonb_agg(to_jsonb(o) - 'id' - 'message_id' - 'created_at' - 'updated_at'"
    "            ORDER BY o.machine_index) FROM intake.orders o JOIN intake.messages m ON m.id = o.message_id"
    "            WHERE m.dedupe_key = $1),"
    " 'links', (SELECT jsonb_agg(om.role) FROM intake.order_messages om"
    "           JOIN intake.messages m ON m.id = om.message_id WHERE m.dedupe_key = $1),"
    " 'outbox', (SELECT jsonb_agg(to_jsonb(a) - 'id' - 'order_id' - 'mail_id' - 'queued_at' - "
    "'next_attempt_at'"
    "            ORDER BY a.message_id) FROM intake.outbox a JOIN intake.orders o ON o.id = a.order_id"
    "            JOIN intake.messages m ON m.id = o.message_id WHERE m.dedupe_key = $1))::text",
    key);
}

/* One mail with every field set, two orders (two machines) and an acknowledgement on the first. */
static void
full_mail(void)
{
  StoreIngest in = ingest("same@x", 101, "同一封");
  cr_assert(!in.duplicate);
  gint64 o1 = order_on(in.message_row, "SN-SAME-1", FALSE, NULL);
  GError *error = NULL;
  g_autoptr(GDateTime) at = g_date_time_new_utc(2026, 12, 5, 1, 2, 3);
  StoreOrder second = { .message_row = in.message_row,
                        .received_at = at,
                        .status = "queued",
                        .sn = "SN-SAME-2",
                        .model = "m2",
                        .priority = "P3",
                        .machine_index = 1 };
  g_autofree char *no = store_order_insert(A, &second, NULL, &error);
  cr_assert(no, "%s", error ? error->message : "?");
  ack_on(o1, "ack-same@intake.example", "Same@Example.com", NULL, FALSE);
}

Test(behind, same_rows_with_write_behind_off_and_on, .init = setup, .fini = teardown)
{
  GError *error = NULL;
  store_behind_set(A, FALSE);
  ok(store_begin(A, &error), error);
  full_mail();
  assert_kept(0, 0, 0, 0);
  g_autofree char *off = snapshot("same@x");
  store_rollback(A);
  cr_assert_eq(seen(MAIL_ROWS, "same@x"), 0);

  begin_behind();
  full_mail();
  assert_kept(1, 1, 2, 1);
  ok(store_commit(A, &error), error);
  g_autofree char *on = snapshot("same@x");
  cr_assert_str_eq(on, off, "write-behind changed a row:\n on: %s\noff: %s", on, off);
  cr_assert(strstr(on, "\"sn\": \"SN-SAME-2\"") && strstr(on, "\"raw\": \"\\\\x"), "a full snapshot: %s", on);
}

/* ---- limits of one multi-row INSERT, a second acknowledgement ---- */

/* A mail reporting more machines than one INSERT's 65,535 parameters hold at 35 per order (a fleet
 * listed in a spreadsheet): every order is written, as with write-behind off. */
Test(behind, more_kept_orders_than_one_statement_holds, .init = setup, .fini = teardown)
{
  GError *error = NULL;
  enum { N = 2000 };
  begin_behind();
  StoreIngest in = ingest("fleet@x", 110, "fleet");
  g_autoptr(GDateTime) at = g_date_time_new_utc(2026, 12, 5, 1, 2, 3);
  for (guint i = 0; i < N; i++) {
    g_autofree char *sn = g_strdup_printf("SN-%04u", i);
    StoreOrder o = {
      .message_row = in.message_row, .received_at = at, .status = "queued", .sn = sn, .machine_index = i
    };
    g_autofree char *no = store_order_insert(A, &o, NULL, &error);
    cr_assert(no, "order %u: %s", i, error ? error->message : "?");
  }
  cr_assert_eq(store_behind_count(A, STORE_BEHIND_ORDERS), (guint)N, "kept");
  ok(store_commit(A, &error), error);
  cr_assert_eq(seen("SELECT count(*) FROM intake.orders", NULL), N);
  cr_assert_eq(seen("SELECT count(*) FROM intake.order_messages WHERE role = 'initial'", NULL), N);
  cr_assert_eq(seen(MAIL_ROWS, "fleet@x"), 1);
}

/* store_outbox_queue twice for one new order (store.h: the second leaves the row, *queued FALSE):
 * the same with the order kept behind. */
Test(behind, second_acknowledgement_of_a_kept_order, .init = setup, .fini = teardown)
{
  GError *error = NULL;
  begin_behind();
  StoreIngest in = ingest("twice@x", 120, "s");
  gint64 order = order_on(in.message_row, "SN-1", TRUE, NULL);
  ack_on(order, "ack-twice-1@intake.example", "c@example.com", NULL, TRUE);
  static const char msg[] = "Subject: again\r\n\r\nagain";
  StoreOutboxItem again = { .order_id = order,
                            .message_id = "ack-twice-2@intake.example",
                            .recipient = "c@example.com",
                            .data = msg,
                            .len = sizeof msg - 1 };
  gboolean queued = TRUE;
  ok(store_outbox_queue(A, &again, &queued, &error), error);
  cr_assert(!queued, "the order already has its acknowledgement");

  ok(store_commit(A, &error), error);
  g_autofree char *ids = st_value(T, "SELECT string_agg(message_id, ',') FROM intake.outbox");
  cr_assert_str_eq(ids, "ack-twice-1@intake.example", "the first acknowledgement stays, alone");
}

/* A kept order's acknowledgement is written with its mail (the order's message_id), so that
 * PostgreSQL checks it by its key instead of running outbox_set_mail for every row (076): here the
 * trigger function fails if it runs at all. */
Test(behind, a_kept_orders_acknowledgement_carries_its_mail, .init = setup, .fini = teardown)
{
  GError *error = NULL;
  st_exec(T, "CREATE OR REPLACE FUNCTION intake.outbox_set_mail() RETURNS trigger LANGUAGE plpgsql AS"
             " $$BEGIN RAISE EXCEPTION 'outbox_set_mail ran'; END$$");
  begin_behind();
  StoreIngest in = ingest("mail@x", 130, "s");
  gint64 order = order_on(in.message_row, "SN-1", TRUE, NULL);
  ack_on(order, "ack-mail@intake.example", "c@example.com", NULL, TRUE);
  ok(store_commit(A, &error), error);
  g_autofree char *same = st_value(
    T, "SELECT a.mail_id = o.message_id FROM intake.outbox a JOIN intake.orders o ON o.id = a.order_id");
  cr_assert_str_eq(same, "t");
}

/* ---- outside a transaction, and a rolled-back unit's acknowledgements ---- */

Test(behind, nothing_kept_outside_a_transaction, .init = setup, .fini = teardown)
{
  store_behind_set(A, TRUE);
  StoreIngest in = ingest("auto@x", 130, "s");
  cr_assert(!in.duplicate);
  assert_kept(0, 0, 0, 0);
  cr_assert_eq(seen(MAIL_ROWS, "auto@x"), 1, "stored at once (autocommit)");
  cr_assert_eq(seen(UID_ROWS, "auto@x"), 1);
}

Test(behind, cap_counts_forget_a_rolled_back_units_rows, .init = setup, .fini = teardown)
{
  GError *error = NULL;
  begin_behind();
  ok(store_savepoint(A, &error), error);
  keep_mail("g1@x", 141, "cust@example.com", NULL);
  ok(store_savepoint_next(A, &error), error);
  keep_mail("g2@x", 142, "cust@example.com", NULL);
  keep_mail("g3@x", 143, "cust@example.com", "global_cap");
  assert_caps(caps("cust@example.com"), 2, 2, TRUE, "both units");
  ok(store_savepoint_rollback(A, &error), error);
  assert_caps(caps("cust@example.com"), 1, 1, FALSE, "unit 2 rolled back");
  ok(store_commit(A, &error), error);
  assert_caps(caps("cust@example.com"), 1, 1, FALSE, "after COMMIT");
}

/* ---- a mail too big to keep, a key kept in an undone unit ---- */

Test(behind, a_mail_over_the_bytes_kept_is_written_at_once_with_those_before, .init = setup, .fini = teardown)
{
  GError *error = NULL;
  begin_behind();
  keep_mail("small@x", 150, "c@example.com", NULL);
  g_autofree char *tail = g_strnfill(9u << 20, 'x'); /* over the 8 MiB kept at most */
  gboolean done = FALSE;
  StoreIngest big = ingest_full("big@x", 151, "big", tail, FALSE, &error, &done);
  ok(done, error);
  cr_assert(!big.duplicate);
  assert_kept(0, 0, 0, 0); /* written at once, the small one's rows first */
  assert_counted(TRUE, "small@x", 1, "written with the big one");
  gint64 order = order_on(big.message_row, "SN-BIG", TRUE, NULL);
  ack_on(order, "ack-big@intake.example", "c@example.com", NULL, TRUE);
  assert_kept(0, 0, 1, 1);
  ok(store_commit(A, &error), error);
  assert_seen("small@x", 1, "committed");
  assert_seen("big@x", 1, "committed");
  g_autoptr(GByteArray) raw = raw_mail("big@x", tail);
  g_autofree char *sha = g_compute_checksum_for_data(G_CHECKSUM_SHA256, raw->data, raw->len);
  g_autofree char *want = g_strdup_printf("%u|%s|%s", raw->len, sha, sha);
  g_autofree char *got =
    st_value(T, "SELECT concat_ws('|', octet_length(raw), encode(sha256(raw), 'hex'), sha256)"
                " FROM intake.messages WHERE dedupe_key = 'big@x'");
  cr_assert_str_eq(got, want, "the big mail's bytes");
}

Test(behind, a_key_kept_in_an_undone_unit_is_new_again, .init = setup, .fini = teardown)
{
  GError *error = NULL;
  begin_behind();
  ok(store_savepoint(A, &error), error);
  StoreIngest first = ingest("again@x", 160, "s");
  cr_assert(!first.duplicate);
  ok(store_savepoint_rollback(A, &error), error);
  StoreIngest second = ingest("again@x", 160, "s");
  cr_assert(!second.duplicate, "the undone unit's row is gone: the mail is new");
  assert_kept(1, 1, 0, 0);
  /* and once more after the rows were written inside the unit */
  cr_assert_eq(counted(FALSE, MAIL_ROWS, "again@x"), 1);
  ok(store_savepoint_rollback(A, &error), error);
  cr_assert_eq(counted(FALSE, MAIL_ROWS, "again@x"), 0);
  StoreIngest third = ingest("again@x", 160, "s");
  cr_assert(!third.duplicate, "new again");
  ok(store_commit(A, &error), error);
  cr_assert_eq(seen(MAIL_ROWS, "again@x"), 1);
  cr_assert_eq(seen(UID_ROWS, "again@x"), 1);
  g_autofree char *row = st_value(T, "SELECT id FROM intake.messages WHERE dedupe_key = 'again@x'");
  cr_assert_eq(g_ascii_strtoll(row, NULL, 10), third.message_row, "the id given to the caller is the row's");
}

/* store_message_insert of a small mail (raw_mail(key, tail)) with a read of stored keys sent before. */
static StoreIngest
ingest_known(const char *key, guint32 uid, const char *tail, StoreAhead *known)
{
  GError *error = NULL;
  g_autoptr(GByteArray) raw = raw_mail(key, tail);
  StoreIncoming in = { .data = (const char *)raw->data,
                       .len = raw->len,
                       .uid = uid,
                       .dedupe_key = key,
                       .message_id = key,
                       .known = known };
  StoreIngest out = { 0 };
  ok(store_message_insert(A, &MB, &in, &out, &error), error);
  return out;
}

/* A read of stored keys (a poll's group) sent before a mail that was written at once (over the bytes
 * kept) with nothing kept before it: it cannot know that mail's key. The next mail with the key and
 * other bytes (a reused Message-ID) is stored under key:sha256 as without write-behind. */
Test(behind, a_key_written_at_once_makes_an_earlier_read_of_keys_stale, .init = setup, .fini = teardown)
{
  GError *error = NULL;
  begin_behind();
  const char *keys[] = { "reuse@x", NULL };
  g_autoptr(StoreAhead) known = store_messages_known_ahead(A, keys, &error);
  ok(known != NULL, error);
  ok(store_savepoint(A, &error), error);
  g_autofree char *tail = g_strnfill(9u << 20, 'x'); /* over the 8 MiB kept at most: written at once */
  StoreIngest big = ingest_known("reuse@x", 170, tail, known);
  cr_assert(!big.duplicate);
  assert_kept(0, 0, 0, 0);
  ok(store_savepoint_next(A, &error), error);
  StoreIngest other = ingest_known("reuse@x", 171, "other bytes", known);
  cr_assert(!other.duplicate && other.message_row != big.message_row, "other bytes: a new row");
  ok(store_commit(A, &error), error);
  cr_assert_eq(seen(MAIL_ROWS, "reuse@x"), 1);
  cr_assert_eq(seen("SELECT count(*) FROM intake.messages WHERE dedupe_key LIKE $1 || ':%'", "reuse@x"), 1,
               "the second is kept under key:sha256");
}

/* A poll sends the reads of its next mails (StoreIncoming.known, the registry, the caps) before the
 * next mail's unit begins: inside the savepoint of the mail before, ahead of its RELEASE. When such a
 * read fails, the next mail's statements fail with it; its ROLLBACK TO would go back to the mail
 * before (its RELEASE never ran) and undo that mail's rows, which would then be committed without
 * them. The failure is no one mail's: STORE_ERROR_BEHIND, the batch is done again. */
Test(behind, a_failed_read_sent_between_units_undoes_no_earlier_mail, .init = setup, .fini = teardown)
{
  GError *error = NULL;
  begin_behind();
  ok(store_savepoint(A, &error), error);
  ingest("one@x", 180, "s");
  cr_assert_eq(counted(FALSE, MAIL_ROWS, "one@x"), 1); /* written inside its savepoint */
  g_autoptr(StoreAhead) read = store_send_ahead_passing(A, "SELECT 1/0", 0, NULL, &error);
  ok(read != NULL, error);
  ok(store_savepoint_next(A, &error), error);
  g_autoptr(StoreRows) rows = store_select(A, "SELECT 1", 0, NULL, &error); /* the next mail's */
  cr_assert(!rows, "the statement after the failed read fails");
  g_clear_error(&error);
  cr_assert(store_behind_failed(A), "a read between units failed: no one mail is at fault");
  gboolean rolled = store_savepoint_rollback(A, &error);
  cr_assert(!rolled && g_error_matches(error, STORE_ERROR, STORE_ERROR_BEHIND), "%s",
            error ? error->message : "the next mail was rolled back to a savepoint");
  g_clear_error(&error);
  store_rollback(A);
}

/* The bytes kept follow the rows: a unit undone gives its bytes back, so the next mail is kept as
 * it would have been (the 8 MiB kept at most counts the rows kept, not the rows once kept). */
Test(behind, an_undone_units_bytes_are_no_longer_counted, .init = setup, .fini = teardown)
{
  GError *error = NULL;
  g_autofree char *tail = g_strnfill(5u << 20, 'y'); /* 5 MiB: one fits the 8 MiB, two do not */
  begin_behind();
  ok(store_savepoint(A, &error), error);
  gboolean done = FALSE;
  StoreIngest first = ingest_full("b1@x", 190, "s", tail, FALSE, &error, &done);
  ok(done, error);
  cr_assert(!first.duplicate);
  assert_kept(1, 1, 0, 0);
  ok(store_savepoint_rollback(A, &error), error);
  assert_kept(0, 0, 0, 0);
  StoreIngest second = ingest_full("b2@x", 191, "s", tail, FALSE, &error, &done);
  ok(done, error);
  cr_assert(!second.duplicate);
  assert_kept(1, 1, 0, 0); /* kept: only its own 5 MiB are */
  ok(store_commit(A, &error), error);
  cr_assert_eq(seen(MAIL_ROWS, "b1@x"), 0);
  cr_assert_eq(seen(MAIL_ROWS, "b2@x"), 1);
}
