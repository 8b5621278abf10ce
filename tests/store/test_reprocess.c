/* tests/store/test_reprocess.c: reprocess's batch update (store_orders_update_batch_send/_finish)
 * stores every text byte for byte and reasons as the JSON it is, whatever the text holds. */
#include "harness.h"
#include "store.h"

#include <criterion/criterion.h>
#include <string.h>

static StoreTest *T;
static StoreConn *C;

static void
setup(void)
{
  T = st_setup();
  g_autofree char *ci = g_strdup_printf("host=%s port=%s dbname=%s", T->host, T->port, T->dbname);
  g_autoptr(GError) error = NULL;
  C = store_connect(ci, &error);
  cr_assert(C, "connect: %s", error ? error->message : "?");
}

static void
teardown(void)
{
  store_close(C);
  st_teardown(T);
}

/* Everything JSON must escape or must not mangle: quotes, backslashes, control characters
 * (U+001F too: json-glib 1.6 writes it raw), DEL, U+2028 and Chinese. */
#define NASTY                                                                                                \
  "q\"uote \\back\\slash \x01one\nnl\ttab\r\b\f \x1fus \x7f del \u2028ls \u2029ps 中文 'a' {b,c} \\u0041"

/* The text columns the batch sets from the order, each given its own value. */
static const char *const columns[] = { "kind",         "sn",        "model",    "symptoms", "contact",
                                       "phone",        "address",   "city",     "district", "customer",
                                       "tier",         "component", "coverage", "severity", "priority",
                                       "onsite_class", "sla_clock" };

static char *
value_for(const char *column, int order)
{
  return g_strdup_printf("%s%d " NASTY, column, order);
}

/* An order whose every text field (and missing, sn_candidates) is nasty; values[] owns the strings. */
static void
nasty_order(StoreOrder *o, int order, char **values, const char **missing, const char **cands)
{
  for (guint k = 0; k < G_N_ELEMENTS(columns); k++)
    values[k] = value_for(columns[k], order);
  o->kind = values[0], o->sn = values[1], o->model = values[2], o->symptoms = values[3];
  o->contact = values[4], o->phone = values[5], o->address = values[6], o->city = values[7];
  o->district = values[8], o->customer = values[9], o->tier = values[10], o->component = values[11];
  o->coverage = values[12], o->severity = values[13], o->priority = values[14];
  o->onsite_class = values[15], o->sla_clock = values[16];
  o->missing = missing;
  o->sn_candidates = cands;
  o->warranty_end = "2027-03-04";
  o->response_due = "2026-12-01T10:00:00Z";
}

static char *
column_of(gint64 id, const char *sql_expr)
{
  g_autofree char *sql = g_strdup_printf("SELECT %s FROM intake.orders o WHERE o.id = $1::bigint", sql_expr);
  g_autofree char *ids = g_strdup_printf("%" G_GINT64_FORMAT, id);
  const char *p[] = { ids };
  return st_valuep(T, sql, 1, p);
}

static void
assert_bytes(const char *what, const char *got, const char *want)
{
  cr_assert(got, "%s is NULL", what);
  cr_assert(strlen(got) == strlen(want) && memcmp(got, want, strlen(want)) == 0,
            "%s: got [%s] (%zu bytes), want [%s] (%zu bytes)", what, got, strlen(got), want, strlen(want));
}

static gboolean
update(gint64 *ids, const StoreOrder *const *orders, const char *const *statuses, guint n, gboolean *changed,
       GError **error)
{
  char *before[2] = { NULL }, *after[2] = { NULL };
  gboolean ok =
    store_orders_update_batch_send(C, ids, orders, statuses, n, "reprocess", "test " NASTY, error) &&
    store_orders_update_batch_finish(C, n, changed, before, after, error);
  for (guint i = 0; i < G_N_ELEMENTS(before); i++)
    g_free(before[i]), g_free(after[i]);
  return ok;
}

/* Nested, with everything a string may hold; numbers only those json-glib writes back exactly. */
static const char reasons0[] =
  "[{\"code\":\"q\\\"b\\\\s\",\"evidence\":\"ctl\\u0001\\n\\t\\u2028中文\"},"
  "[\"nested\",[\"deeper\",null,true,false,7,-2.5],{\"k\":[],\"o\":{\"p\":\"\\\\u0041\"}}]]";
/* As the classifier writes it: json-glib leaves U+001F raw in a string. */
static const char reasons1[] = "[{\"code\":\"x\",\"evidence\":\"unit\x1fsep \\\"q\\\" 中文\"}]";

Test(reprocess, batch_stores_text_byte_for_byte, .init = setup, .fini = teardown)
{
  gint64 ids[2] = { st_order(T, "RC20260101-0001", "queued", NULL, 0, 60, 120, 240),
                    st_order(T, "RC20260101-0002", "queued", NULL, 0, 60, 120, 240) };
  char *values[2][G_N_ELEMENTS(columns)];
  const char *missing[] = { "sn", "a\"b\\c,{d} 中文\x01", NULL };
  const char *cands[] = { "SN\"1\\", NULL };
  StoreOrder o[2] = { { 0 } };
  for (int i = 0; i < 2; i++)
    nasty_order(&o[i], i, values[i], missing, cands);
  o[0].reasons_json = reasons0;
  o[1].reasons_json = reasons1;
  const StoreOrder *orders[] = { &o[0], &o[1] };
  const char *statuses[] = { "needs_review", NULL };
  gboolean changed[2];
  g_autoptr(GError) error = NULL;
  cr_assert(update(ids, orders, statuses, 2, changed, &error), "%s", error ? error->message : "");
  cr_assert(changed[0] && changed[1]);

  for (int i = 0; i < 2; i++)
    for (guint k = 0; k < G_N_ELEMENTS(columns); k++) {
      g_autofree char *got = column_of(ids[i], columns[k]);
      g_autofree char *what = g_strdup_printf("order %d %s", i, columns[k]);
      assert_bytes(what, got, values[i][k]);
    }
  g_autofree char *status0 = column_of(ids[0], "status"), *status1 = column_of(ids[1], "status");
  cr_assert_str_eq(status0, "needs_review");
  cr_assert_str_eq(status1, "queued", "a NULL status keeps the order's");
  g_autofree char *m1 = column_of(ids[0], "missing[2]"), *nm = column_of(ids[0], "cardinality(missing)");
  assert_bytes("missing[2]", m1, missing[1]);
  cr_assert_str_eq(nm, "2");
  g_autofree char *c1 = column_of(ids[1], "sn_candidates[1]");
  assert_bytes("sn_candidates[1]", c1, cands[0]);
  g_autofree char *we = column_of(ids[0], "warranty_end::text"), *ws = column_of(ids[0], "warranty_start");
  cr_assert_str_eq(we, "2027-03-04");
  cr_assert_null(ws, "a NULL field is stored as NULL");

  /* reasons: the same JSON value, and its strings byte for byte */
  const char *p[] = { reasons0 };
  g_autofree char *ids0 = g_strdup_printf("%" G_GINT64_FORMAT, ids[0]);
  const char *pp[] = { ids0, reasons0 };
  g_autofree char *same =
    st_valuep(T, "SELECT reasons = $2::jsonb FROM intake.orders WHERE id = $1::bigint", 2, pp);
  g_autofree char *want_text = st_valuep(T, "SELECT $1::jsonb::text", 1, p);
  g_autofree char *got_text = column_of(ids[0], "reasons::text");
  cr_assert_str_eq(same, "t", "reasons %s, want %s", got_text, want_text);
  g_autofree char *ev0 = column_of(ids[0], "reasons->0->>'evidence'");
  assert_bytes("reasons evidence", ev0, "ctl\x01\n\t\u2028中文");
  g_autofree char *code0 = column_of(ids[0], "reasons->0->>'code'");
  assert_bytes("reasons code", code0, "q\"b\\s");
  g_autofree char *deep = column_of(ids[0], "reasons->1->2->'o'->>'p'");
  assert_bytes("reasons nested", deep, "\\u0041");
  g_autofree char *ev1 = column_of(ids[1], "reasons->0->>'evidence'");
  assert_bytes("raw U+001F in reasons", ev1, "unit\x1fsep \"q\" 中文");
  g_autofree char *note = column_of(ids[0], "(SELECT note FROM intake.audit WHERE order_id = o.id LIMIT 1)");
  assert_bytes("audit note", note, "test " NASTY);

  for (int i = 0; i < 2; i++)
    for (guint k = 0; k < G_N_ELEMENTS(columns); k++)
      g_free(values[i][k]);
}

Test(reprocess, reasons_not_json_fails_naming_the_order, .init = setup, .fini = teardown)
{
  gint64 ids[2] = { st_order(T, "RC20260101-0001", "queued", NULL, 0, 60, 120, 240),
                    st_order(T, "RC20260101-0002", "queued", NULL, 0, 60, 120, 240) };
  StoreOrder o[2] = { { .sn = "SN1", .reasons_json = "[]" }, { .sn = "SN2", .reasons_json = "[{\"code\":" } };
  const StoreOrder *orders[] = { &o[0], &o[1] };
  const char *statuses[] = { NULL, NULL };
  gboolean changed[2];
  g_autoptr(GError) error = NULL;
  cr_assert_not(update(ids, orders, statuses, 2, changed, &error));
  g_autofree char *name = g_strdup_printf("order %" G_GINT64_FORMAT ":", ids[1]);
  cr_assert(error && strstr(error->message, name), "%s", error ? error->message : "no error");
  /* nothing was sent: no order changed, and the connection still works */
  g_autofree char *sn0 = column_of(ids[0], "sn");
  cr_assert_null(sn0);
  g_clear_error(&error);
  o[1].reasons_json = NULL; /* NULL is [] */
  cr_assert(update(ids, orders, statuses, 2, changed, &error), "%s", error ? error->message : "");
  g_autofree char *sn1 = column_of(ids[1], "sn"), *r1 = column_of(ids[1], "reasons::text");
  cr_assert_str_eq(sn1, "SN2");
  cr_assert_str_eq(r1, "[]");
}

/* A paused order's deadlines are the base ones moved by the pauses: the same base again changes
 * nothing, a new base is written and moved at the next poll (blind round 18: every reprocess showed a
 * once-paused order as changed, and --yes wrote its deadlines without the pause). */
Test(reprocess, deadlines_moved_by_a_pause_are_kept, .init = setup, .fini = teardown)
{
  gint64 id = st_order(T, "RC20260101-0001", "queued", NULL, 0, 60, 120, 240);
  g_autofree char *ids = g_strdup_printf("%" G_GINT64_FORMAT, id);
  const char *p[] = { ids };
  st_execp(T,
           "UPDATE intake.orders SET sn = 'SN1', base_response_due = '2026-12-01T10:00:00Z',"
           " base_plan_due = '2026-12-01T12:00:00Z', base_onsite_due = NULL,"
           " response_due = '2026-12-01T10:30:00Z', plan_due = '2026-12-01T12:30:00Z', onsite_due = NULL,"
           " sla_dirty = false WHERE id = $1::bigint",
           1, p);
  st_execp(T,
           "INSERT INTO intake.sla_pauses (order_id, started_at, ended_at, reason)"
           " VALUES ($1::bigint, '2026-12-01T09:40:00Z', '2026-12-01T10:10:00Z', 'site_access')",
           1, p);
  StoreOrder o = { .sn = "SN1",
                   .reasons_json = "[]",
                   .response_due = "2026-12-01T10:00:00Z",
                   .plan_due = "2026-12-01T12:00:00Z" };
  const StoreOrder *orders[] = { &o };
  const char *statuses[] = { NULL };
  gboolean changed[1];
  g_autoptr(GError) error = NULL;
  cr_assert(update(&id, orders, statuses, 1, changed, &error), "%s", error ? error->message : "");
  g_autofree char *kept =
    column_of(id, "to_char(response_due AT TIME ZONE 'UTC', 'HH24:MI') || ' ' ||"
                  " to_char(plan_due AT TIME ZONE 'UTC', 'HH24:MI') || ' ' || sla_dirty");
  cr_expect_str_eq(kept, "10:30 12:30 false");
  g_autofree char *audited = st_valuep(
    T, "SELECT count(*) FROM intake.audit WHERE order_id = $1::bigint AND after ? 'response_due'", 1, p);
  cr_expect_str_eq(audited, "0", "a kept deadline audited as changed");
  o.response_due = "2026-12-01T11:00:00Z"; /* the policy gives another base */
  cr_assert(update(&id, orders, statuses, 1, changed, &error), "%s", error ? error->message : "");
  g_autofree char *moved =
    column_of(id, "to_char(response_due AT TIME ZONE 'UTC', 'HH24:MI') || ' ' ||"
                  " to_char(plan_due AT TIME ZONE 'UTC', 'HH24:MI') || ' ' || sla_dirty");
  cr_expect_str_eq(moved, "11:00 12:30 true", "the new base, moved by the pauses at the next poll");
}
