/* tests/store/test_numbers.c: order numbers stay gap-free and consecutive per local day when many
 * orders share a transaction: a savepoint rolled back gives its numbers back, the counter row is
 * written at COMMIT, and another connection waits for it (its lock is held from the first order). */
#include "harness.h"
#include "store-private.h"

#include <criterion/criterion.h>
#include <string.h>

static StoreTest *T;
static StoreConn *A, *B;

static StoreConn *
connect_one(void)
{
  g_autofree char *ci = g_strdup_printf("host=%s port=%s dbname=%s", T->host, T->port, T->dbname);
  g_autoptr(GError) error = NULL;
  StoreConn *c = store_connect(ci, &error);
  cr_assert(c, "connect: %s", error ? error->message : "?");
  return c;
}

static void
setup(void)
{
  T = st_setup();
  A = connect_one();
  B = connect_one();
}

static void
teardown(void)
{
  store_close(A);
  store_close(B);
  st_teardown(T);
}

/* A new message row for an order to point at. */
static gint64
message(void)
{
  static int n;
  g_autofree char *key = g_strdup_printf("numbers-%d", ++n);
  const char *p[] = { key };
  g_autofree char *id = st_valuep(T,
                                  "INSERT INTO intake.messages (dedupe_key, sha256, headers, raw, size)"
                                  " VALUES ($1, 'sha', 'Subject: t', 'raw', 3) RETURNING id",
                                  1, p);
  return g_ascii_strtoll(id, NULL, 10);
}

/* store_order_insert of an order received at the UTC time iso; its number, or NULL with *error. */
static char *
order(StoreConn *c, const char *iso, GError **error)
{
  g_autoptr(GDateTime) at = g_date_time_new_from_iso8601(iso, NULL);
  cr_assert(at, "bad time %s", iso);
  StoreOrder o = { .message_row = message(), .received_at = at, .status = "queued" };
  return store_order_insert(c, &o, NULL, error);
}

static char *
order_ok(StoreConn *c, const char *iso)
{
  g_autoptr(GError) error = NULL;
  char *no = order(c, iso, &error);
  cr_assert(no, "order at %s: %s", iso, error ? error->message : "?");
  return no;
}

static void
ok(gboolean done, GError *error)
{
  cr_assert(done, "%s", error ? error->message : "?");
}

static char *
counter(const char *day)
{
  const char *p[] = { day };
  return st_valuep(
    T, "SELECT coalesce((SELECT last_seq::text FROM intake.order_counters WHERE day = $1), 'none')", 1, p);
}

Test(numbers, consecutive_per_local_day_and_written_at_commit, .init = setup, .fini = teardown)
{
  GError *error = NULL;
  ok(store_begin(A, &error), error);
  /* 15:59 UTC is 23:59 in Shanghai (the default zone), 16:00 UTC the next local day */
  g_autofree char *a1 = order_ok(A, "2026-12-04T15:59:00Z");
  g_autofree char *a2 = order_ok(A, "2026-12-04T16:00:00Z");
  g_autofree char *a3 = order_ok(A, "2026-12-04T10:00:00Z");
  cr_assert_str_eq(a1, "RC20261204-0001");
  cr_assert_str_eq(a2, "RC20261205-0001");
  cr_assert_str_eq(a3, "RC20261204-0002");
  /* inside the transaction the row still holds what the first order read: written once, at COMMIT */
  const char *day[] = { "2026-12-04" };
  g_autoptr(StoreRows) held =
    store_select(A, "SELECT last_seq FROM intake.order_counters WHERE day = $1", 1, day, &error);
  cr_assert(held && held->rows->len == 1);
  cr_assert_eq(store_rows_int(held, 0, 0), 0);
  ok(store_commit(A, &error), error);
  g_autofree char *d4 = counter("2026-12-04"), *d5 = counter("2026-12-05");
  cr_assert_str_eq(d4, "2");
  cr_assert_str_eq(d5, "1");
  /* the next transaction goes on from the stored counter */
  ok(store_begin(A, &error), error);
  g_autofree char *a4 = order_ok(A, "2026-12-04T11:00:00Z");
  cr_assert_str_eq(a4, "RC20261204-0003");
  store_rollback(A);
  g_autofree char *after = counter("2026-12-04");
  cr_assert_str_eq(after, "2", "a rolled-back transaction gives its number back");
}

Test(numbers, savepoint_rollback_gives_numbers_back, .init = setup, .fini = teardown)
{
  GError *error = NULL;
  ok(store_begin(A, &error), error);
  ok(store_savepoint(A, &error), error);
  g_autofree char *k1 = order_ok(A, "2026-12-04T08:00:00Z");
  ok(store_savepoint_next(A, &error), error);
  g_autofree char *r1 = order_ok(A, "2026-12-04T08:01:00Z");
  g_autofree char *r2 = order_ok(A, "2026-12-06T08:01:00Z"); /* a day first seen in the undone unit */
  cr_assert_str_eq(r1, "RC20261204-0002");
  cr_assert_str_eq(r2, "RC20261206-0001");
  ok(store_savepoint_rollback(A, &error), error);
  g_autofree char *k2 = order_ok(A, "2026-12-04T08:02:00Z");
  g_autofree char *k3 = order_ok(A, "2026-12-06T08:02:00Z");
  cr_assert_str_eq(k1, "RC20261204-0001");
  cr_assert_str_eq(k2, "RC20261204-0002", "the undone unit's number is given again");
  cr_assert_str_eq(k3, "RC20261206-0001");
  ok(store_commit(A, &error), error);
  g_autofree char *n = st_value(T, "SELECT count(*) FROM intake.orders");
  cr_assert_str_eq(n, "3");
  g_autofree char *d4 = counter("2026-12-04"), *d6 = counter("2026-12-06");
  cr_assert_str_eq(d4, "2");
  cr_assert_str_eq(d6, "1");
}

Test(numbers, another_connection_waits_for_the_days_counter, .init = setup, .fini = teardown)
{
  GError *error = NULL;
  ok(store_begin(A, &error), error);
  g_autofree char *a1 = order_ok(A, "2026-12-04T08:00:00Z");
  g_autofree char *a2 = order_ok(A, "2026-12-04T08:01:00Z");
  /* B may not number that day while A's transaction is open: the row is locked from A's first order */
  ok(store_exec(B, "SET lock_timeout = '200ms'", 0, NULL, &error), error);
  ok(store_begin(B, &error), error);
  g_autoptr(GError) blocked = NULL;
  g_autofree char *b0 = order(B, "2026-12-04T09:00:00Z", &blocked);
  cr_assert_null(b0, "B took %s while A held the day", b0);
  cr_assert(blocked && strstr(blocked->message, "lock timeout"), "%s", blocked ? blocked->message : "?");
  store_rollback(B);
  /* another day is free */
  ok(store_begin(B, &error), error);
  g_autofree char *b1 = order_ok(B, "2026-12-05T09:00:00Z");
  cr_assert_str_eq(b1, "RC20261205-0001");
  ok(store_commit(B, &error), error);
  ok(store_commit(A, &error), error);
  ok(store_begin(B, &error), error);
  g_autofree char *b2 = order_ok(B, "2026-12-04T09:00:00Z");
  ok(store_commit(B, &error), error);
  cr_assert_str_eq(a2, "RC20261204-0002");
  cr_assert_str_eq(b2, "RC20261204-0003", "B goes on after A's numbers");
}

Test(numbers, refused_outside_a_transaction, .init = setup, .fini = teardown)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *no = order(A, "2026-12-04T08:00:00Z", &error);
  cr_assert_null(no);
  cr_assert(error && strstr(error->message, "outside a transaction"), "%s", error ? error->message : "?");
  g_autofree char *n = st_value(T, "SELECT count(*) FROM intake.orders");
  cr_assert_str_eq(n, "0");
}

Test(numbers, failed_insert_sent_ahead_fails_the_next_statement_and_gives_its_number_back, .init = setup,
     .fini = teardown)
{
  GError *error = NULL;
  ok(store_begin(A, &error), error);
  ok(store_savepoint(A, &error), error);
  g_autofree char *k1 = order_ok(A, "2026-12-04T08:00:00Z");
  ok(store_savepoint_next(A, &error), error);
  g_autoptr(GDateTime) at = g_date_time_new_from_iso8601("2026-12-04T08:01:00Z", NULL);
  StoreOrder bad = { .message_row = message(), .received_at = at, .status = "no such status" };
  g_autofree char *b = store_order_insert(A, &bad, NULL, &error);
  cr_assert(b, "sent ahead: no answer yet (%s)", error ? error->message : "");
  cr_assert_str_eq(b, "RC20261204-0002");
  g_autoptr(GError) late = NULL;
  cr_assert_not(store_sync(A, &late), "the CHECK violation reaches the unit that sent it");
  cr_assert(late && strstr(late->message, "orders_status_check"), "%s", late ? late->message : "?");
  ok(store_savepoint_rollback(A, &error), error);
  g_autofree char *k2 = order_ok(A, "2026-12-04T08:02:00Z");
  cr_assert_str_eq(k2, "RC20261204-0002", "the failed order's number is given again");
  ok(store_commit(A, &error), error);
  g_autofree char *n = st_value(T, "SELECT string_agg(order_no, ',' ORDER BY order_no) FROM intake.orders");
  g_autofree char *want = g_strdup_printf("%s,%s", k1, k2);
  cr_assert_str_eq(n, want);
}

/* store_order_insert of an order with subject at the UTC time iso; *id its intake.orders id. */
static char *
order_with(StoreConn *c, const char *iso, const char *subject, gint64 *id)
{
  g_autoptr(GDateTime) at = g_date_time_new_from_iso8601(iso, NULL);
  StoreOrder o = { .message_row = message(), .received_at = at, .status = "queued", .subject = subject };
  g_autoptr(GError) error = NULL;
  char *no = store_order_insert(c, &o, id, &error);
  cr_assert(no, "order at %s: %s", iso, error ? error->message : "?");
  return no;
}

/* COMMIT itself fails after the counter rows were written in the transaction (a deferred constraint
 * here; a lost connection or a serialization failure alike): every number of the transaction is given
 * back, the next transaction numbers from the stored counter, and the order ids it used are not used
 * again. */
Test(numbers, commit_failing_after_the_counters_were_written_gives_every_number_back, .init = setup,
     .fini = teardown)
{
  st_exec(T, "CREATE FUNCTION public.refuse_at_commit() RETURNS trigger LANGUAGE plpgsql AS"
             " $$BEGIN IF NEW.subject = 'refuse at commit' THEN RAISE EXCEPTION 'refused at commit';"
             " END IF; RETURN NULL; END$$");
  st_exec(T, "CREATE CONSTRAINT TRIGGER refuse_at_commit AFTER INSERT ON intake.orders"
             " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION public.refuse_at_commit()");
  GError *error = NULL;
  ok(store_begin(A, &error), error);
  ok(store_savepoint(A, &error), error);
  gint64 id1 = 0, id2 = 0, id3 = 0;
  g_autofree char *a1 = order_with(A, "2026-12-04T08:00:00Z", NULL, &id1);
  ok(store_savepoint_next(A, &error), error);
  g_autofree char *a2 = order_with(A, "2026-12-04T08:01:00Z", "refuse at commit", &id2);
  ok(store_sync(A, &error), error);
  cr_assert_str_eq(a2, "RC20261204-0002");
  g_autoptr(GError) refused = NULL;
  cr_assert_not(store_commit(A, &refused), "COMMIT refused by the deferred trigger");
  cr_assert(refused && strstr(refused->message, "refused at commit"), "%s", refused ? refused->message : "?");
  cr_assert_null(A->numbers, "the transaction's numbers are gone with it");
  store_rollback(A); /* what the poll does after a failed commit: nothing is open any more */
  g_autofree char *none = counter("2026-12-04");
  cr_assert_str_eq(none, "none", "the counter row went with the transaction");
  ok(store_begin(A, &error), error);
  g_autofree char *again = order_with(A, "2026-12-04T08:02:00Z", NULL, &id3);
  ok(store_commit(A, &error), error);
  cr_assert_str_eq(again, "RC20261204-0001", "the failed transaction's numbers are given again");
  g_autofree char *d4 = counter("2026-12-04");
  cr_assert_str_eq(d4, "1");
  cr_assert(id3 != id1 && id3 != id2, "order id %" G_GINT64_FORMAT " used twice", id3);
}

/* A day first numbered inside a savepoint that is rolled back: its lock goes with the savepoint, so
 * another connection may number that day meanwhile; the next order of that day here then goes on
 * after the other's committed number (it is read again), never repeating it. */
Test(numbers, day_first_numbered_in_an_undone_savepoint_is_read_again, .init = setup, .fini = teardown)
{
  GError *error = NULL;
  ok(store_begin(A, &error), error);
  ok(store_savepoint(A, &error), error);
  g_autofree char *k1 = order_ok(A, "2026-12-04T08:00:00Z");
  ok(store_savepoint_next(A, &error), error);
  g_autofree char *r1 = order_ok(A, "2026-12-06T08:00:00Z"); /* the 6th: first seen in this unit */
  cr_assert_str_eq(r1, "RC20261206-0001");
  ok(store_savepoint_rollback(A, &error), error);
  /* B is not kept waiting for the 6th (A's lock on it is gone), but is for the 4th */
  ok(store_exec(B, "SET lock_timeout = '5s'", 0, NULL, &error), error);
  ok(store_begin(B, &error), error);
  g_autofree char *b1 = order_ok(B, "2026-12-06T09:00:00Z");
  cr_assert_str_eq(b1, "RC20261206-0001");
  ok(store_commit(B, &error), error);
  g_autofree char *k2 = order_ok(A, "2026-12-06T08:01:00Z");
  cr_assert_str_eq(k2, "RC20261206-0002", "goes on after B's number");
  ok(store_commit(A, &error), error);
  g_autofree char *dups =
    st_value(T, "SELECT count(*) FROM (SELECT order_no FROM intake.orders GROUP BY 1 HAVING count(*) > 1) d");
  cr_assert_str_eq(dups, "0");
  g_autofree char *d6 = counter("2026-12-06");
  cr_assert_str_eq(d6, "2");
}

/* ---- two connections numbering the same days at once ---- */

typedef struct {
  StoreConn *conn;
  const gint64 *messages; /* rows to point at, one per order */
  guint kept;             /* orders committed */
  char *failure;
} Numberer;

#define NUMBERER_TXNS 6
#define NUMBERER_UNITS 8

/* Transactions of units (savepoints) of two orders on two days; every third unit rolled back. */
static gpointer
numberer(gpointer data)
{
  Numberer *n = data;
  GError *error = NULL;
  guint m = 0;
  for (guint t = 0; t < NUMBERER_TXNS && !error; t++) {
    guint kept = 0;
    if (!store_begin(n->conn, &error))
      break;
    for (guint u = 0; u < NUMBERER_UNITS && !error; u++) {
      if (!(u ? store_savepoint_next(n->conn, &error) : store_savepoint(n->conn, &error)))
        break;
      for (guint k = 0; k < 2 && !error; k++) {
        g_autoptr(GDateTime) at =
          g_date_time_new_from_iso8601(k ? "2026-12-06T08:00:00Z" : "2026-12-04T08:00:00Z", NULL);
        StoreOrder o = { .message_row = n->messages[m++], .received_at = at, .status = "queued" };
        g_autofree char *no = store_order_insert(n->conn, &o, NULL, &error);
      }
      if (!error && !store_sync(n->conn, &error))
        break;
      if (!error && u % 3 == 2) {
        if (!store_savepoint_rollback(n->conn, &error))
          break;
      } else if (!error) {
        kept += 2;
      }
    }
    if (error || !store_commit(n->conn, &error))
      break;
    n->kept += kept;
  }
  if (error)
    n->failure = g_strdup(error->message);
  g_clear_error(&error);
  return NULL;
}

Test(numbers, two_connections_numbering_the_same_days_at_once, .init = setup, .fini = teardown)
{
  guint per = NUMBERER_TXNS * NUMBERER_UNITS * 2;
  g_autofree gint64 *rows = g_new0(gint64, 2 * per);
  for (guint i = 0; i < 2 * per; i++)
    rows[i] = message();
  Numberer a = { .conn = A, .messages = rows }, b = { .conn = B, .messages = rows + per };
  GThread *ta = g_thread_new("a", numberer, &a), *tb = g_thread_new("b", numberer, &b);
  g_thread_join(ta);
  g_thread_join(tb);
  cr_assert_null(a.failure, "A: %s", a.failure);
  cr_assert_null(b.failure, "B: %s", b.failure);
  g_autofree char *total = st_value(T, "SELECT count(*) FROM intake.orders");
  g_autofree char *want = g_strdup_printf("%u", a.kept + b.kept);
  cr_assert_str_eq(total, want);
  g_autofree char *gaps = st_value(T, "SELECT count(*) FROM (SELECT substr(order_no, 3, 8), count(*) AS n,"
                                      " count(DISTINCT order_no) AS d, max(substr(order_no, 12)::int) AS top"
                                      " FROM intake.orders GROUP BY 1) x WHERE n <> top OR d <> n");
  cr_assert_str_eq(gaps, "0", "numbers repeated or skipped");
  g_autofree char *d4 = counter("2026-12-04"), *d6 = counter("2026-12-06");
  g_autofree char *half = g_strdup_printf("%u", (a.kept + b.kept) / 2);
  cr_assert_str_eq(d4, half);
  cr_assert_str_eq(d6, half);
}

/* Ids come from the table's sequence in blocks that double (64, 128, ...): ascending, none twice, and
 * a connection that takes 200 of them asked the sequence three times (64 + 128 + 256 taken). */
Test(numbers, ids_taken_in_growing_blocks, .init = setup, .fini = teardown)
{
  GError *error = NULL;
  gint64 before = 0, prev = 0;
  for (guint i = 0; i < 200; i++) {
    gint64 id = 0;
    cr_assert(store_sequence_next(A, "intake.orders_id_seq", &A->order_ids, &id, &error), "%s",
              error ? error->message : "?");
    if (i == 0)
      before = id - 1;
    cr_assert_gt(id, prev, "ids ascend: %ld after %ld", (long)id, (long)prev);
    prev = id;
  }
  cr_assert_eq(prev, before + 200);
  g_autofree char *last = st_value(T, "SELECT last_value FROM intake.orders_id_seq");
  cr_assert_eq(g_ascii_strtoll(last, NULL, 10), before + 64 + 128 + 256, "sequence at %s", last);
  cr_assert_eq(A->order_ids.ids->len, 64 + 128 + 256 - 200);
}
