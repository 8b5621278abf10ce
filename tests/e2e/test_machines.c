/* tests/e2e/test_machines.c: a batch report (several machines in one mail) through `intake poll`
 * against the real Dovecot, PostgreSQL and OpenSMTPD: one order per machine, each classified on its
 * own, one acknowledgement listing them all, exactly once; follow-ups and reprocess on such orders. */
#include "harness_mail.h"

#include <criterion/criterion.h>
#include <gmime/gmime.h>
#include <string.h>

#define FIXTURE INTAKE_SOURCE "/tests/data/mail/cust-batch-three-numbered-mixed-tiers.eml"
#define FIXTURE_FROM "chenjing@pudong-dc.example.cn"

static E2e *e;
static E2eCustomer *c;

static void
setup(void)
{
  g_mime_init();
  e = e2e_setup(criterion_current_test->name);
  c = e2e_customer_new(e, "batch");
  g_autofree char *url = g_strdup_printf("smtp://localhost:%s", e2e_server_env("INTAKE_SMTP_PORT"));
  e2e_write_smtp_config(e, url, NULL);
  /* machine 1 gold, machine 2 silver, machine 3 not registered */
  PQclear(PQexec(e->pg,
                 "INSERT INTO intake.assets (sn, kind, model, customer, tier, ship_date, city, district)"
                 " VALUES ('RCS25G0080001', 'server', 'RC-R2290 G5', '上海浦东数据服务有限公司', 'gold',"
                 " current_date - 200, '上海市', '浦东新区'),"
                 " ('RCS25G0080002', 'server', 'SYS-620U-TNR', '上海浦东数据服务有限公司', 'silver',"
                 " current_date - 200, '上海市', '浦东新区')"));
}

static void
teardown(void)
{
  e2e_customer_free(c);
  c = NULL;
  e2e_teardown(e);
  e = NULL;
}

TestSuite(machines, .init = setup, .fini = teardown, .timeout = 180);

/* The fixture as the customer sent it, from the test's customer mailbox (so the ack is delivered). */
static void
append_batch(void)
{
  g_autofree char *raw = NULL;
  gsize len = 0;
  cr_assert(g_file_get_contents(FIXTURE, &raw, &len, NULL));
  g_autofree char *mail = NULL;
  {
    g_auto(GStrv) parts = g_strsplit(raw, FIXTURE_FROM, 2);
    cr_assert(parts[1], "the fixture's From changed");
    mail = g_strconcat(parts[0], c->addr, parts[1], NULL);
  }
  e2e_append(e, "INBOX", mail, strlen(mail));
}

static void
poll_ok(char **out)
{
  g_autofree char *err = NULL;
  int rc = e2e_run(e, out, &err, "poll", NULL);
  cr_assert_eq(rc, 0, "poll exited %d: %s%s", rc, *out, err);
}

/* One order's values, "sn tier coverage priority", by machine_index. */
static char *
order_line(guint index)
{
  g_autofree char *q = g_strdup_printf(
    "SELECT concat_ws(' ', sn, coalesce(tier, '-'), coverage, coalesce(customer, '-'), contact, phone)"
    " FROM intake.orders WHERE machine_index = %u",
    index);
  return harness_text(e, q);
}

static char *
order_no(guint index)
{
  g_autofree char *q = g_strdup_printf("SELECT order_no FROM intake.orders WHERE machine_index = %u", index);
  return harness_text(e, q);
}

static char *
body_of(GBytes *b)
{
  GMimeMessage *m = harness_parse_mail(b);
  g_autofree char *text = harness_mail_text(m);
  char *t = g_strdup_printf("%s\n%s", g_mime_message_get_subject(m), text);
  g_object_unref(m);
  return t;
}

static void
assert_three_orders_one_ack(void)
{
  cr_assert_eq(e2e_scalar(e, "SELECT count(*) FROM intake.messages"), 1);
  cr_assert_eq(e2e_scalar(e, "SELECT count(*) FROM intake.orders"), 3);
  cr_assert_eq(e2e_scalar(e, "SELECT count(DISTINCT message_id) FROM intake.orders"), 1);
  cr_assert_eq(e2e_scalar(e, "SELECT count(*) FROM intake.order_messages WHERE role = 'initial'"), 3);
  cr_assert_eq(e2e_scalar(e, "SELECT count(*) FROM intake.outbox"), 1);
}

Test(machines, batch_mail_makes_one_order_per_machine_and_one_ack_exactly_once)
{
  append_batch();
  g_autofree char *out = NULL;
  poll_ok(&out);
  cr_assert(strstr(out, "fetched 1, new orders 3"), "%s", out);
  assert_three_orders_one_ack();

  /* each machine on its own: its SN, its registry row, tier and coverage; the mail's contact */
  g_autofree char *o0 = order_line(0), *o1 = order_line(1), *o2 = order_line(2);
  cr_expect_str_eq(o0, "RCS25G0080001 gold covered 上海浦东数据服务有限公司 陈静 13761234567");
  cr_expect_str_eq(o1, "RCS25G0080002 silver covered 上海浦东数据服务有限公司 陈静 13761234567");
  cr_expect_str_eq(o2, "RCS25G0080003 - needs_review - 陈静 13761234567");
  /* its own symptoms and candidates: the unknown SN is not classified as a registered neighbour */
  cr_expect_eq(e2e_scalar(e, "SELECT count(*) FROM intake.orders WHERE machine_index = 0 AND symptoms LIKE "
                             "'%第3块盘亮红灯%' AND symptoms NOT LIKE '%PS1%'"),
               1);
  cr_expect_eq(e2e_scalar(e, "SELECT count(*) FROM intake.orders WHERE machine_index = 1 AND symptoms LIKE "
                             "'%PS1%' AND model = 'SYS-620U-TNR'"),
               1);
  cr_expect_eq(e2e_scalar(e, "SELECT count(*) FROM intake.orders WHERE machine_index = 2 AND symptoms LIKE "
                             "'%自动重启%' AND sn_candidates = '{RCS25G0080003}'"),
               1);
  /* gold answers in 30 minutes on the 7x24 clock, silver does not */
  cr_expect_eq(e2e_scalar(e, "SELECT extract(epoch FROM response_due - received_at)::int FROM intake.orders"
                             " WHERE machine_index = 0"),
               1800);
  cr_expect_eq(e2e_scalar(e, "SELECT count(DISTINCT sla_clock) FROM intake.orders WHERE machine_index < 2"),
               2);

  /* one acknowledgement, the first order's, listing the three orders with their SN and coverage */
  cr_assert_eq(e2e_scalar(e, "SELECT count(*) FROM intake.outbox b JOIN intake.orders o ON o.id = b.order_id"
                             " WHERE o.machine_index = 0 AND b.status = 'sent'"),
               1);
  g_autoptr(GPtrArray) mails = e2e_customer_mails(c, 1, 30);
  cr_assert_eq(mails->len, 1, "%u acknowledgements delivered", mails->len);
  g_autofree char *ack = body_of(g_ptr_array_index(mails, 0));
  g_autofree char *n0 = order_no(0), *n1 = order_no(1), *n2 = order_no(2);
  const char *want[] = {
    n0,         n1,         n2,           "RCS25G0080001", "RCS25G0080002", "RCS25G0080003", "SYS-620U-TNR",
    "金牌服务", "银牌服务", "在保修期内", "正在核实中",    "3 台设备"
  };
  for (guint i = 0; i < G_N_ELEMENTS(want); i++)
    cr_expect(strstr(ack, want[i]), "'%s' not in the acknowledgement:\n%s", want[i], ack);
  /* each machine with its own deadlines: the gold one's plan and on-site times as stored */
  g_autofree char *gold_plan = harness_text(
    e, "SELECT '处理方案不晚于 ' || to_char(plan_due AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') ||"
       " '，工程师到场不晚于 ' || to_char(onsite_due AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI')"
       " FROM intake.orders WHERE machine_index = 0");
  cr_expect(gold_plan && strstr(ack, gold_plan), "'%s' not in the acknowledgement:\n%s", gold_plan, ack);
  g_autofree char *subject_start = g_strdup_printf("Re: [%s 等3单]", n0);
  cr_expect(g_str_has_prefix(ack, subject_start), "subject: %s", ack);

  /* a re-poll, and the same mail delivered again: nothing more */
  g_free(out);
  out = NULL;
  poll_ok(&out);
  append_batch();
  g_free(out);
  out = NULL;
  poll_ok(&out);
  cr_assert(strstr(out, "fetched 1, new orders 0") && strstr(out, "duplicates 1"), "%s", out);
  assert_three_orders_one_ack();
  g_autoptr(GPtrArray) again = e2e_customer_mails(c, 1, 5);
  cr_expect_eq(again->len, 1, "%u acknowledgements delivered", again->len);

  /* the schema itself refuses a second order for a machine, and a second ack for the mail */
  PGresult *r = PQexec(e->pg, "INSERT INTO intake.orders (order_no, message_id, received_at, machine_index)"
                              " SELECT 'RC20990101-0001', message_id, received_at, 1 FROM intake.orders"
                              " WHERE machine_index = 0");
  cr_expect_eq(PQresultStatus(r), PGRES_FATAL_ERROR, "a second order for machine 2 was accepted");
  PQclear(r);
  r = PQexec(e->pg, "INSERT INTO intake.outbox (order_id, message_id, status, suppressed_reason)"
                    " SELECT id, 'ack.x@roycom.com.cn', 'suppressed', 'loop' FROM intake.orders"
                    " WHERE machine_index = 2");
  cr_expect_eq(PQresultStatus(r), PGRES_FATAL_ERROR, "a second acknowledgement for the mail was accepted");
  PQclear(r);
}

static void
reply(const char *subject, const char *mid, const char *in_reply_to, const char *body)
{
  g_autofree char *extra = in_reply_to ? g_strdup_printf("In-Reply-To: <%s>\r\n", in_reply_to) : NULL;
  gsize len = 0;
  g_autofree char *m = e2e_customer_mail(NULL, c->addr, subject, mid, extra, body, &len);
  e2e_append(e, "INBOX", m, len);
}

Test(machines, followups_find_their_order_of_the_batch)
{
  append_batch();
  g_autofree char *out = NULL;
  poll_ok(&out);
  g_autofree char *n2 = order_no(2);
  g_autofree char *ack_id = harness_text(e, "SELECT message_id FROM intake.outbox");

  /* the third machine's order number in the subject: that order, and only it */
  g_autofree char *subject = g_strdup_printf("Re: [%s] reboots again", n2);
  reply(subject, "fu-third@pudong-dc.example.cn", NULL, "第3台今天又重启了两次。\r\n");
  /* an answer to the acknowledgement without a number: the mail's first order */
  reply("Re: your acknowledgement", "fu-ack@pudong-dc.example.cn", ack_id, "好的，谢谢。\r\n");
  g_free(out);
  out = NULL;
  poll_ok(&out);
  cr_assert(strstr(out, "new orders 0, follow-ups 2"), "%s", out);
  cr_assert_eq(e2e_scalar(e, "SELECT count(*) FROM intake.orders"), 3);
  cr_expect_eq(
    e2e_scalar(e, "SELECT o.machine_index FROM intake.order_messages om JOIN intake.orders o ON o.id ="
                  " om.order_id JOIN intake.messages m ON m.id = om.message_id"
                  " WHERE m.message_id = 'fu-third@pudong-dc.example.cn'"),
    2);
  cr_expect_eq(
    e2e_scalar(e, "SELECT o.machine_index FROM intake.order_messages om JOIN intake.orders o ON o.id ="
                  " om.order_id JOIN intake.messages m ON m.id = om.message_id"
                  " WHERE m.message_id = 'fu-ack@pudong-dc.example.cn'"),
    0);
  /* re-classified as its own machine: still the unknown SN, not the first machine's */
  g_autofree char *o2 = order_line(2);
  cr_expect_str_eq(o2, "RCS25G0080003 - needs_review - 陈静 13761234567");
  g_autofree char *o0 = order_line(0);
  cr_expect_str_eq(o0, "RCS25G0080001 gold covered 上海浦东数据服务有限公司 陈静 13761234567");
}

Test(machines, reprocess_reruns_each_machine_and_makes_no_duplicates)
{
  append_batch();
  g_autofree char *out = NULL, *err = NULL;
  poll_ok(&out);
  g_free(out);
  out = NULL;
  cr_assert_eq(e2e_run(e, &out, &err, "reprocess", "--all", "--dry-run", NULL), 0, "%s%s", out, err);
  cr_assert(strstr(out, "3 orders, 0 would change"), "each machine re-runs as itself: %s", out);

  /* as if the rules had been different for the silver machine */
  PQclear(PQexec(e->pg, "UPDATE intake.orders SET priority = 'P4', tier = NULL WHERE machine_index = 1"));
  g_free(out);
  g_free(err);
  cr_assert_eq(e2e_run(e, &out, &err, "reprocess", "--all", "--yes", NULL), 0, "%s%s", out, err);
  cr_assert(strstr(out, "3 orders, 1 changed") && strstr(out, "reprocess: 1 orders changed"), "%s", out);
  g_autofree char *o1 = order_line(1);
  cr_expect_str_eq(o1, "RCS25G0080002 silver covered 上海浦东数据服务有限公司 陈静 13761234567");
  assert_three_orders_one_ack();

  /* the mail once read as four machines: the fourth order is left as it is, and said so */
  PQclear(PQexec(e->pg, "INSERT INTO intake.orders (order_no, message_id, received_at, machine_index, sn)"
                        " SELECT 'RC20990101-0004', message_id, received_at, 3, 'RCS25G0080004'"
                        " FROM intake.orders WHERE machine_index = 0"));
  PQclear(PQexec(e->pg, "INSERT INTO intake.order_messages (order_id, message_id, role)"
                        " SELECT id, message_id, 'initial' FROM intake.orders WHERE machine_index = 3"));
  cr_assert_eq(e2e_scalar(e, "SELECT count(*) FROM intake.orders"), 4);
  g_free(out);
  g_free(err);
  cr_assert_eq(e2e_run(e, &out, &err, "reprocess", "--all", "--yes", NULL), 0, "%s%s", out, err);
  cr_assert(strstr(out, "RC20990101-0004: its mail now reads as 3 machine(s)"), "%s", out);
  cr_assert(strstr(out, "4 orders, 0 changed") && strstr(out, "1 whose mail now reads as another number"),
            "%s", out);
  cr_assert_eq(e2e_scalar(e, "SELECT count(*) FROM intake.orders"), 4);
  g_autofree char *sn4 = harness_text(e, "SELECT sn FROM intake.orders WHERE machine_index = 3");
  cr_expect_str_eq(sn4, "RCS25G0080004");
}

/* More machines than [limits] max_machines (here 5) in one mail — a stranger's list of other
 * customers' SNs, a 10,000-row sheet —: one order, for review, not an order (and an engineer) each. */
/* A table row's own place is its machine's (blind round 14: the second row's 福田区 was filed under
 * the body's 南山区); a row in the body's district keeps the body's full address; reprocess agrees. */
Test(machines, a_table_rows_place_is_its_orders)
{
  static const char mail[] =
    "From: zeng@pc-sz.example.cn\r\nTo: service@roycom.com.cn\r\nSubject: =?UTF-8?B?5pWF6Zqc?=\r\n"
    "Message-ID: <place-1@pc-sz.example.cn>\r\nMIME-Version: 1.0\r\n"
    "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
    "故障设备清单：\r\n序号\tSN\t型号\t故障现象\t地点\r\n"
    "1\tRCS25E0220450\tSYS-420GP-TNR\tGPU 掉卡\t深圳市南山区\r\n"
    "2\tRCS25E0220451\tSYS-420GP-TNR\t风扇异响 FAN3 告警\t深圳市福田区\r\n\r\n"
    "联系人 曾浩 13923456789\r\n地址：深圳市南山区科苑南路2666号 中国华润大厦28楼机房\r\n";
  e2e_append(e, "INBOX", mail, strlen(mail));
  g_autofree char *out = NULL;
  poll_ok(&out);
  cr_assert_eq(e2e_scalar(e, "SELECT count(*) FROM intake.orders"), 2);
  g_autofree char *first =
    harness_text(e, "SELECT concat_ws(' ', district, address) FROM intake.orders WHERE machine_index = 0");
  cr_assert_str_eq(first, "南山区 深圳市南山区科苑南路2666号 中国华润大厦28楼机房");
  g_autofree char *second =
    harness_text(e, "SELECT concat_ws(' ', city, district) FROM intake.orders WHERE machine_index = 1");
  cr_assert_str_eq(second, "深圳市 福田区");
  g_free(out);
  g_autofree char *err = NULL;
  cr_assert_eq(e2e_run(e, &out, &err, "reprocess", "--all", "--dry-run", NULL), 0, "%s%s", out, err);
  cr_assert(strstr(out, "0 would change"), "%s", out);
}

Test(machines, more_than_max_machines_is_one_order_for_review)
{
  g_autofree char *conf = NULL;
  cr_assert(g_file_get_contents(e->config_path, &conf, NULL, NULL));
  g_autofree char *more = g_strconcat(conf, "[limits]\nmax_machines = 5\n", NULL);
  cr_assert(g_file_set_contents(e->config_path, more, -1, NULL));
  GString *body = g_string_new("下面这些机器都坏了：\r\n");
  for (guint i = 0; i < 8; i++)
    g_string_append_printf(body, "%u. SN：RCS25G00900%02u 硬盘告警\r\n", i + 1, i);
  g_autofree char *mail = g_strdup_printf("From: %s\r\nTo: service@roycom.com.cn\r\nSubject: disks\r\n"
                                          "Message-ID: <many-1@pudong-dc.example.cn>\r\nMIME-Version: 1.0\r\n"
                                          "Content-Type: text/plain; charset=UTF-8\r\n\r\n%s",
                                          c->addr, body->str);
  g_string_free(body, TRUE);
  e2e_append(e, "INBOX", mail, strlen(mail));
  g_autofree char *out = NULL;
  poll_ok(&out);
  g_autofree char *row =
    harness_text(e, "SELECT count(*) || ' ' || min(status) || ' ' || min(review_reason) || ' '"
                    " || min(cardinality(sn_candidates)) FROM intake.orders");
  cr_assert_str_eq(row, "1 needs_review too_many_machines 8");
}

/* A mail that chases an order and reports another machine in one list ("1. RCS…0102: 上周报修的
 * RC…-0001 至今未处理  2. RCS…0103: 内存告警", neither SN labelled): the listed machine of the order is
 * its follow-up, the other a new order with its own clock and acknowledgement (blind round 11d: the
 * second machine got nothing). Reprocess keeps each order on its machine. */
Test(machines, a_chase_that_lists_another_machine_is_a_followup_and_a_new_order)
{
  g_autofree char *first =
    g_strdup_printf("From: %s\r\nTo: service@roycom.com.cn\r\nSubject: RAID\r\n"
                    "Message-ID: <split-1@tjgangshu.example.cn>\r\nMIME-Version: 1.0\r\n"
                    "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
                    "SN：RCS25C0200102 RAID卡告警，硬盘降级。\r\n联系人：王建国 13802156610\r\n"
                    "地址：天津市滨海新区第三大街15号 B-07机柜\r\n",
                    c->addr);
  e2e_append(e, "INBOX", first, strlen(first));
  g_autofree char *out = NULL;
  poll_ok(&out);
  g_autoptr(GPtrArray) acks = e2e_customer_mails(c, 1, 30);
  cr_assert_eq(acks->len, 1, "%u acknowledgements delivered", acks->len);
  g_autofree char *old_no = harness_text(e, "SELECT order_no FROM intake.orders");
  g_autofree char *chase = g_strdup_printf(
    "From: %s\r\nTo: service@roycom.com.cn\r\nSubject: =?UTF-8?B?5Lik5Y+w5pyN5Yqh5Zmo5pWF6Zqc?=\r\n"
    "Message-ID: <split-2@tjgangshu.example.cn>\r\nMIME-Version: 1.0\r\n"
    "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
    "您好！现有两台服务器需贵司处理：\r\n\r\n"
    "1. RCS25C0200102（滨海机房B-07）：上周报修的RAID卡告警（贵司单号 %s）至今未更换备盘，"
    "硬盘仍处于降级状态，请加快处理。\r\n\r\n"
    "2. "
    "RCS25C0200103（同一机房）：BMC日志频繁出现内存可纠正错误告警，担心发展为宕机，请安排检测更换。\r\n\r\n"
    "谢谢！\r\n",
    c->addr, old_no);
  e2e_append(e, "INBOX", chase, strlen(chase));
  g_free(out);
  poll_ok(&out);
  cr_assert(strstr(out, "new orders 1, follow-ups 1"), "%s", out);
  cr_assert_eq(e2e_scalar(e, "SELECT count(*) FROM intake.orders"), 2);
  /* the old order: the mail attached, still its machine */
  g_autofree char *old = harness_text(
    e,
    "SELECT o.sn || ' ' || count(m.*) FROM intake.orders o JOIN intake.order_messages m ON m.order_id = o.id"
    " WHERE o.id = (SELECT min(id) FROM intake.orders) GROUP BY o.sn");
  cr_assert_str_eq(old, "RCS25C0200102 2");
  /* the new one: the other machine and its memory fault */
  g_autofree char *fresh = harness_text(
    e, "SELECT sn || ' ' || machine_index || ' ' || kind || ' ' || (symptoms LIKE '%内存%')::text"
       " || ' ' || (symptoms LIKE '%RAID%')::text FROM intake.orders ORDER BY id DESC LIMIT 1");
  cr_assert_str_eq(fresh, "RCS25C0200103 1 fault true false");
  /* the mail gives no contact and says "同一机房": the chased order's, not asked for again (blind
   * round 12; without the words only the person is taken — a table's own cabinet column was
   * overridden) */
  g_autofree char *place =
    harness_text(e, "SELECT concat_ws(' ', contact, phone, city, array_to_string(missing, ','))"
                    " FROM intake.orders ORDER BY id DESC LIMIT 1");
  cr_assert_str_eq(place, "王建国 13802156610 天津市 model");
  /* acknowledged on its own: its number and machine, not the chased one's */
  g_autoptr(GPtrArray) both = e2e_customer_mails(c, 2, 30);
  cr_assert_eq(both->len, 2, "%u acknowledgements delivered", both->len);
  g_autofree char *new_no = harness_text(e, "SELECT order_no FROM intake.orders ORDER BY id DESC LIMIT 1");
  g_autofree char *ack = NULL;
  for (guint i = 0; i < both->len && !ack; i++) {
    g_autofree char *text = body_of(g_ptr_array_index(both, i));
    if (strstr(text, new_no))
      ack = g_steal_pointer(&text);
  }
  cr_assert(ack, "no acknowledgement names %s", new_no);
  cr_expect(strstr(ack, "RCS25C0200103") && !strstr(ack, "RCS25C0200102"), "%s", ack);

  /* read again: each order stays on its machine, nothing to warn about */
  g_autofree char *rout = NULL, *rerr = NULL;
  cr_assert_eq(e2e_run(e, &rout, &rerr, "reprocess", "--all", "--yes", NULL), 0, "%s%s", rout, rerr);
  g_autofree char *after = harness_text(e, "SELECT string_agg(sn, ' ' ORDER BY id) FROM intake.orders");
  cr_assert_str_eq(after, "RCS25C0200102 RCS25C0200103");
  cr_expect(!strstr(rerr, "reads as") && !strstr(rout, "reads as"), "%s%s", rout, rerr);
}

/* A chase of one order of a batch report that lists a machine of that report and a new one: the
 * new one gets its order, the report's other machine none (it has its own); listing only machines of
 * the report stays a follow-up (blind round 12b: the new machine got nothing, its address and phone
 * went onto the chased order). */
Test(machines, a_chase_of_a_batch_order_splits_off_only_new_machines)
{
  append_batch();
  g_autofree char *out = NULL;
  poll_ok(&out);
  g_autofree char *n0 = order_no(0);
  g_autofree char *chase =
    g_strdup_printf("From: %s\r\nTo: service@roycom.com.cn\r\nSubject: =?UTF-8?B?5YKs5Yqe?=\r\n"
                    "Message-ID: <batch-chase-1@pudong-dc.example.cn>\r\nMIME-Version: 1.0\r\n"
                    "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
                    "1. RCS25G0080001（单号 %s）：换盘的事还没人来，硬盘仍然亮红灯。\r\n\r\n"
                    "2. RCS25G0080002：电源还是告警。\r\n\r\n"
                    "3. RCS25G0080009（亦庄机房）：今天新发现内存告警，请一并处理。\r\n",
                    c->addr, n0);
  e2e_append(e, "INBOX", chase, strlen(chase));
  g_free(out);
  poll_ok(&out);
  cr_assert(strstr(out, "new orders 1, follow-ups 1"), "%s", out);
  cr_assert_eq(e2e_scalar(e, "SELECT count(*) FROM intake.orders"), 4);
  cr_assert_eq(e2e_scalar(e, "SELECT count(*) FROM intake.orders WHERE sn = 'RCS25G0080009'"), 1);
  cr_assert_eq(e2e_scalar(e, "SELECT count(*) FROM intake.orders WHERE sn = 'RCS25G0080002'"), 1);
  /* only machines of the report: a follow-up, nothing new */
  g_autofree char *again = g_strdup_printf(
    "From: %s\r\nTo: service@roycom.com.cn\r\nSubject: =?UTF-8?B?5YKs5Yqe?=\r\n"
    "Message-ID: <batch-chase-2@pudong-dc.example.cn>\r\nMIME-Version: 1.0\r\n"
    "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
    "1. RCS25G0080001（单号 %s）：硬盘仍然亮红灯。\r\n\r\n2. RCS25G0080002：电源还是告警。\r\n",
    c->addr, n0);
  e2e_append(e, "INBOX", again, strlen(again));
  g_free(out);
  poll_ok(&out);
  cr_assert(strstr(out, "new orders 0, follow-ups 1"), "%s", out);
  cr_assert_eq(e2e_scalar(e, "SELECT count(*) FROM intake.orders"), 4);
  /* the number in the subject, a machine of none of the report's orders in the text (blind round
   * 14b: its fault stayed text in the chased order's thread): a follow-up and a new order */
  g_autofree char *other =
    g_strdup_printf("From: %s\r\nTo: service@roycom.com.cn\r\nSubject: =?UTF-8?B?5YKs5Yqe?= [%s]\r\n"
                    "Message-ID: <batch-chase-3@pudong-dc.example.cn>\r\nMIME-Version: 1.0\r\n"
                    "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
                    "到现在还没人联系我们。另外，同机柜的另一台 RCS25G0080007 今天早上电源也亮红灯了，BMC 报 "
                    "PSU2 Failure。\r\n",
                    c->addr, n0);
  e2e_append(e, "INBOX", other, strlen(other));
  g_free(out);
  poll_ok(&out);
  cr_assert(strstr(out, "new orders 1, follow-ups 1"), "%s", out);
  cr_assert_eq(e2e_scalar(e, "SELECT count(*) FROM intake.orders WHERE sn = 'RCS25G0080007'"), 1);
}

/* A reply to the batch acknowledgement ("[RC… 等3单]") about another machine of the report, named by
 * its SN only: that machine's order (blind round 12b: filed under the first). */
Test(machines, a_batch_reply_naming_a_machine_by_sn_goes_to_its_order)
{
  append_batch();
  g_autofree char *out = NULL;
  poll_ok(&out);
  g_autofree char *n0 = order_no(0), *n1 = order_no(1);
  g_autofree char *reply =
    g_strdup_printf("From: %s\r\nTo: service@roycom.com.cn\r\nSubject: Re: [%s =?UTF-8?B?562JM+WNlQ==?=]\r\n"
                    "Message-ID: <batch-sn-1@pudong-dc.example.cn>\r\nMIME-Version: 1.0\r\n"
                    "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
                    "请问 RCS25G0080002 那台的电源什么时候来换？\r\n",
                    c->addr, n0);
  e2e_append(e, "INBOX", reply, strlen(reply));
  g_free(out);
  poll_ok(&out);
  cr_assert(strstr(out, "new orders 0, follow-ups 1"), "%s", out);
  g_autofree char *q = g_strdup_printf(
    "SELECT o.order_no FROM intake.order_messages om JOIN intake.orders o ON o.id = om.order_id"
    " JOIN intake.messages m ON m.id = om.message_id WHERE m.message_id = 'batch-sn-1@pudong-dc.example.cn'");
  g_autofree char *to = harness_text(e, q);
  cr_assert_str_eq(to, n1);
}

/* A report of two machines that gives no place, contact or phone, and an hour later a reply to it
 * (In-Reply-To, no number, no SN) that gives them: each order is filled, not only the first (blind
 * round 15); each order's history names the reply, and a later "thanks" stays with the first. */
Test(machines, a_reply_that_fills_a_batch_fills_each_of_its_orders)
{
  gsize len = 0;
  g_autofree char *first =
    e2e_customer_mail(NULL, c->addr, "两台服务器故障", "batch-bare@pudong-dc.example.cn", NULL,
                      "1、RC-R2290 G5 / RCS25G0080001 / 风扇告警，转速很低\r\n"
                      "2、SYS-620U-TNR / RCS25G0080002 / 内存报错\r\n",
                      &len);
  e2e_append(e, "INBOX", first, len);
  g_autofree char *out = NULL;
  poll_ok(&out);
  cr_assert(strstr(out, "new orders 2"), "%s", out);
  cr_assert_eq(e2e_scalar(e, "SELECT count(*) FROM intake.orders WHERE phone IS NULL AND contact IS NULL"),
               2);

  reply(
    "补充地址电话", "batch-bare-2@pudong-dc.example.cn", "batch-bare@pudong-dc.example.cn",
    "补充一下地址和电话：上海市浦东新区张江高科技园区碧波路690号B栋3层机房\r\n联系人：陈静 13761234567\r\n");
  g_free(out);
  out = NULL;
  poll_ok(&out);
  cr_assert(strstr(out, "new orders 0, follow-ups 1"), "%s", out);
  cr_expect_eq(
    e2e_scalar(e, "SELECT count(*) FROM intake.orders WHERE phone = '13761234567' AND contact = '陈静'"
                  " AND address LIKE '%碧波路690号%' AND district = '浦东新区'"),
    2);
  cr_expect_eq(e2e_scalar(e, "SELECT count(*) FROM intake.orders WHERE 'phone' = ANY (missing)"), 0);
  /* in the first order's thread (a mail is one order's follow-up), and in each order's history */
  cr_expect_eq(
    e2e_scalar(e, "SELECT count(DISTINCT om.order_id) FROM intake.order_messages om JOIN intake.messages"
                  " m ON m.id = om.message_id WHERE m.message_id = 'batch-bare-2@pudong-dc.example.cn'"),
    1);
  cr_expect_eq(e2e_scalar(e, "SELECT count(DISTINCT order_id) FROM intake.audit WHERE note LIKE "
                             "'%batch-bare-2@pudong-dc.example.cn%'"),
               2);

  reply("Re: 两台服务器故障", "batch-bare-3@pudong-dc.example.cn", "batch-bare@pudong-dc.example.cn",
        "好的，谢谢。\r\n");
  g_free(out);
  out = NULL;
  poll_ok(&out);
  cr_expect_eq(e2e_scalar(e, "SELECT count(*) FROM intake.order_messages om JOIN intake.messages m ON m.id ="
                             " om.message_id WHERE m.message_id = 'batch-bare-3@pudong-dc.example.cn'"),
               1);
}
