/* tests/e2e/test_desk.c: the service desk's day in psql (docs/ops.md) on a polled database, as the
 * role intake_ops: read a thread's decoded Chinese text, find an order by phone, correct an SN and
 * see coverage and deadlines follow at the next poll, record responses in time and late and check
 * the report against its own counts, decide coverage, close junk, merge a duplicate (its mail
 * follows), and be refused everything else. */
#include "harness.h"

#include <criterion/criterion.h>
#include <string.h>

static E2e *e;

static void
setup(void)
{
  e = e2e_setup(criterion_current_test->name);
}

static void
teardown(void)
{
  e2e_teardown(e);
  e = NULL;
}

TestSuite(desk, .init = setup, .fini = teardown, .timeout = 300);

static int
poll(void)
{
  g_autofree char *out = NULL, *err = NULL;
  int rc = e2e_run(e, &out, &err, "poll", NULL);
  cr_assert_eq(rc, 0, "poll: %s%s", out, err);
  return rc;
}

static void
expect(const char *sql, const char *want)
{
  g_autofree char *got = harness_text(e, sql);
  cr_expect(g_strcmp0(got, want) == 0, "%s\n  expected: %s\n  actual:   %s", sql, want, got ? got : "NULL");
}

/* A statement that must fail with SQLSTATE state. */
static void
refused(const char *sql, const char *state)
{
  PGresult *r = PQexec(e->pg, sql);
  const char *got = PQresultErrorField(r, PG_DIAG_SQLSTATE);
  cr_expect(PQresultStatus(r) == PGRES_FATAL_ERROR && g_strcmp0(got, state) == 0,
            "%s: expected SQLSTATE %s, got %s: %s", sql, state, got ? got : "success",
            PQresultErrorMessage(r));
  PQclear(r);
}

/* A plain-text mail in GB18030, base64, as Foxmail and Outlook in China send it, with an
 * attachment when att_name is given. */
static void
append_gb18030(const char *from, const char *mid, const char *subject_utf8, const char *body_utf8,
               const char *att_name)
{
  gsize n = 0;
  g_autofree char *gb = g_convert(body_utf8, -1, "GB18030", "UTF-8", NULL, &n, NULL);
  cr_assert(gb);
  g_autofree char *b64 = g_base64_encode((const guchar *)gb, n);
  g_autofree char *subj = g_base64_encode((const guchar *)subject_utf8, strlen(subject_utf8));
  g_autofree char *head =
    g_strdup_printf("From: %s\r\nTo: service@roycom.com.cn\r\nSubject: =?UTF-8?B?%s?=\r\n"
                    "Message-ID: <%s>\r\nDate: Sat, 05 Dec 2026 09:00:00 +0800\r\n"
                    "MIME-Version: 1.0\r\n",
                    from, subj, mid);
  g_autofree char *mail = NULL;
  if (att_name)
    mail =
      g_strdup_printf("%sContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\n"
                      "Content-Type: text/plain; charset=GB18030\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                      "%s\r\n--b1\r\nContent-Type: text/plain; name=\"%s\"\r\n"
                      "Content-Disposition: attachment; filename=\"%s\"\r\n\r\n"
                      "SEL: PSU1 AC lost\r\nSEL: PSU2 AC lost\r\n--b1--\r\n",
                      head, b64, att_name, att_name);
  else
    mail = g_strdup_printf(
      "%sContent-Type: text/plain; charset=GB18030\r\nContent-Transfer-Encoding: base64\r\n\r\n"
      "%s\r\n",
      head, b64);
  e2e_append(e, "INBOX", mail, strlen(mail));
}

#define GOLD_SN "RCS25Q0099002"
#define A_MAIL "desk-a-1@tjport.example.cn"
#define B_MAIL "desk-b-1@tjport.example.cn"
#define C_MAIL "desk-c-1@promo.example.com"
#define NO(m)                                                                                                \
  "(SELECT o.order_no FROM intake.orders o JOIN intake.messages x ON x.id = o.message_id"                    \
  " WHERE x.message_id = '" m "')"

/* Three mails polled: A names an SN that is not registered (typed wrong), B the right one for the
 * same machine, C is an advert. */
static void
polled_day(void)
{
  PQclear(PQexec(e->pg,
                 "INSERT INTO intake.assets (sn, kind, model, customer, tier, ship_date, city, district)"
                 " VALUES ('" GOLD_SN "', 'server', 'RC-R2290 G5', '天津港数据中心', 'gold', '2025-06-01',"
                 " '天津市', '河西区')"));
  append_gb18030("=?UTF-8?B?5p2O5Zub?= <lisi@tjport.example.cn>", A_MAIL, "服务器宕机",
                 "你好，我们的服务器宕机了，无法开机，电源灯不亮。\r\n序列号：RCS25Q0099992\r\n"
                 "地址：天津市河西区友谊路20号\r\n联系人：李四\r\n电话：139-0222-1234\r\n",
                 "sel.log");
  append_gb18030("=?UTF-8?B?546L5LqU?= <wangwu@tjport.example.cn>", B_MAIL, "服务器无法开机",
                 "服务器无法开机，SN：" GOLD_SN "\r\n地址：天津市河西区友谊路20号\r\n联系人：王五\r\n"
                 "电话：13902225678\r\n",
                 NULL);
  append_gb18030("promo <sales@promo.example.com>", C_MAIL, "年终大促",
                 "尊敬的客户，年终大促，服务器内存条八折，欢迎订购。\r\n", NULL);
  poll();
  expect("SELECT count(*) FROM intake.orders", "3");
}

Test(desk, a_day_at_the_desk)
{
  polled_day();
  PQclear(PQexec(e->pg, "SET ROLE intake_ops"));

  /* the thread: the customer's words decoded from GB18030, the attachment listed, our ack out */
  expect("SELECT string_agg(direction, ',' ORDER BY at, direction) FROM intake.order_thread"
         " WHERE order_no = " NO(A_MAIL),
         "in,out");
  expect("SELECT (body_text LIKE '%服务器宕机了，无法开机%' AND body_text LIKE '%139-0222-1234%')::text"
         " FROM intake.order_thread WHERE order_no = " NO(A_MAIL) " AND direction = 'in'",
         "true");
  expect("SELECT attachments->0->>'filename' FROM intake.order_thread WHERE order_no = " NO(
           A_MAIL) " AND direction = 'in'",
         "sel.log");
  expect("SELECT (body_text LIKE '%' || order_no || '%')::text || ' ' || to_addr FROM intake.order_thread"
         " WHERE order_no = " NO(A_MAIL) " AND direction = 'out'",
         "true lisi@tjport.example.cn");

  /* found by the phone however it is written, by address, by order number */
  expect("SELECT string_agg(order_no, ',') = " NO(A_MAIL) " FROM intake.search('13902221234')", "t");
  expect("SELECT string_agg(order_no, ',') = " NO(A_MAIL) " FROM intake.search('+86 139 0222 1234')", "t");
  expect("SELECT count(*) FROM intake.search('tjport.example')", "2");
  /* a two-character name is a name: 王五 is B's contact; two Latin letters are still too short */
  expect("SELECT string_agg(order_no, ',') = " NO(B_MAIL) " FROM intake.search('王五')", "t");
  refused("SELECT * FROM intake.search('ab')", "22023");
  expect("SELECT count(*) FROM intake.search(" NO(B_MAIL) ")", "1");
  /* without its RC, or a part of it with 7 digits and more: not taken for a phone's digits alone */
  expect("SELECT bool_or(order_no = " NO(B_MAIL) ") FROM intake.search(substr(" NO(B_MAIL) ", 3))", "t");
  expect("SELECT bool_or(order_no = " NO(B_MAIL) ") FROM intake.search(substr(" NO(B_MAIL) ", 7))", "t");

  /* A: the SN typed wrong → needs review; corrected, the next poll re-applies the policy */
  /* plan_due is the deadline the two clocks always disagree on (6 business hours against 4 wall-clock
   * hours); response_due is the same on both during business hours, when the test may run */
  g_autofree char *due_before =
    harness_text(e, "SELECT plan_due FROM intake.orders WHERE order_no = " NO(A_MAIL));
  expect("SELECT coverage || ' ' || coalesce(tier, '-') FROM intake.orders WHERE order_no = " NO(A_MAIL),
         "needs_review -");
  g_autofree char *said =
    harness_text(e, "SELECT intake.correct(" NO(A_MAIL) ", 'sn', 'rcs25q00 99002', '客户电话确认序列号')");
  cr_expect(strstr(said, "sn RCS25Q0099992 -> " GOLD_SN), "correct said: %s", said);
  expect("SELECT sn || ' ' || reclassify_pending FROM intake.queue WHERE order_no = " NO(A_MAIL),
         GOLD_SN " true");
  PQclear(PQexec(e->pg, "RESET ROLE"));
  poll();
  PQclear(PQexec(e->pg, "SET ROLE intake_ops"));
  expect("SELECT coverage || ' ' || tier || ' ' || customer || ' ' || reclassify_pending FROM intake.orders"
         " WHERE order_no = " NO(A_MAIL),
         "covered gold 天津港数据中心 false");
  g_autofree char *due_after =
    harness_text(e, "SELECT plan_due FROM intake.orders WHERE order_no = " NO(A_MAIL));
  cr_expect(g_strcmp0(due_before, due_after) != 0, "plan_due unchanged: %s", due_after);
  /* gold's wall clock, whenever the mail came: 30 minutes, 4 hours, and on site in 4 hours (P1, 河西区) */
  expect(
    "SELECT (response_due - received_at)::text || ' ' || (plan_due - received_at)::text || ' '"
    " || (onsite_due - received_at)::text || ' ' || priority FROM intake.orders WHERE order_no = " NO(A_MAIL),
    "00:30:00 04:00:00 04:00:00 P1");
  expect("SELECT string_agg(action, ',' ORDER BY id) FROM intake.audit WHERE order_id ="
         " (SELECT id FROM intake.orders WHERE order_no = " NO(A_MAIL) ")",
         "correct,reclassify");
  expect("SELECT (after ? 'coverage' AND after ? 'plan_due')::text FROM intake.audit"
         " WHERE action = 'reclassify'",
         "true");
  /* the same machine from two mails: flagged both ways */
  expect("SELECT possible_duplicates = ARRAY[" NO(B_MAIL) "] FROM intake.queue WHERE order_no = " NO(A_MAIL),
         "t");
  expect("SELECT possible_duplicates = ARRAY[" NO(A_MAIL) "] FROM intake.queue WHERE order_no = " NO(B_MAIL),
         "t");

  /* responses: B in time, A late (its deadline moved into the past by hand) */
  said = (g_free(said), harness_text(e, "SELECT intake.record_response(" NO(B_MAIL) ", '电话回复王五')"));
  cr_expect(strstr(said, "in time"), "record_response said: %s", said);
  refused("SELECT intake.record_response(" NO(B_MAIL) ")", "55000"); /* once */
  PQclear(PQexec(e->pg, "RESET ROLE"));
  PQclear(PQexec(e->pg, "UPDATE intake.orders SET response_due = now() - interval '1 hour',"
                        " plan_due = now() - interval '10 minutes' WHERE order_no = " NO(A_MAIL)));
  PQclear(PQexec(e->pg, "SET ROLE intake_ops"));
  expect("SELECT overdue::text || ' ' || missed::text FROM intake.queue WHERE order_no = " NO(A_MAIL),
         "true {response_due,plan_due}");
  said = (g_free(said), harness_text(e, "SELECT intake.record_response(" NO(A_MAIL) ", NULL)"));
  cr_expect(strstr(said, "LATE"), "record_response said: %s", said);
  expect("SELECT missed::text FROM intake.queue WHERE order_no = " NO(A_MAIL), "{plan_due}");
  said = (g_free(said), harness_text(e, "SELECT intake.record_plan(" NO(A_MAIL) ", '更换电源')"));
  expect("SELECT overdue::text FROM intake.queue WHERE order_no = " NO(A_MAIL), "false");
  expect(
    "SELECT string_agg(deadline || '=' || outcome, ',' ORDER BY order_no, deadline) FROM intake.order_sla"
    " WHERE deadline IN ('response_due', 'plan_due') AND order_no IN (" NO(A_MAIL) ", " NO(B_MAIL) ")",
    "plan_due=missed,response_due=missed,plan_due=pending,response_due=met");
  expect("SELECT count(*) FROM intake.sla_breaches WHERE order_no = " NO(A_MAIL) " AND done_at IS NOT NULL",
         "2");
  /* the report agrees with its own counts and with order_sla */
  expect("SELECT response_met || '/' || response_missed || ' ' || response_met_pct FROM intake.sla_report"
         " WHERE tier = 'gold'",
         "1/1 50.0");
  expect("SELECT count(*) FROM intake.sla_report WHERE response_met_pct IS DISTINCT FROM"
         " round(100.0 * response_met / nullif(response_met + response_missed, 0), 1)"
         " OR plan_met_pct IS DISTINCT FROM round(100.0 * plan_met / nullif(plan_met + plan_missed, 0), 1)",
         "0");
  expect("SELECT sum(response_met + response_missed) FROM intake.sla_report",
         "2"); /* C (junk-to-be) has deadlines too, none decided yet */

  /* ops decide coverage: kept over the policy's at later re-classification */
  said = (g_free(said),
          harness_text(e, "SELECT intake.decide(" NO(A_MAIL) ", 'chargeable', '客户人为损坏，已确认')"));
  cr_expect(strstr(said, "covered -> chargeable"), "decide said: %s", said);

  /* junk closes from queued with its reason, and leaves the reports */
  refused("SELECT intake.close(" NO(C_MAIL) ")", "22023"); /* a reason is needed */
  said = (g_free(said), harness_text(e, "SELECT intake.close(" NO(C_MAIL) ", 'junk', '广告')"));
  cr_expect(strstr(said, "queued -> closed (junk)"), "close said: %s", said);
  /* and its acknowledgement, not sent yet, is not sent (blind round 18: a forged flood closed as junk
   * was still answered) */
  expect("SELECT b.status || ' ' || b.suppressed_reason FROM intake.outbox b JOIN intake.orders o ON o.id = "
         "b.order_id WHERE o.order_no = " NO(C_MAIL),
         "suppressed closed");
  expect("SELECT count(*) FROM intake.volume_report WHERE customer <> '天津港数据中心'", "0");
  expect("SELECT count(*) FROM intake.order_sla WHERE order_no = " NO(C_MAIL), "0");

  /* B merged into A: its mail and history move; B closed as duplicate */
  said = (g_free(said), harness_text(e, "SELECT intake.merge(" NO(B_MAIL) ", " NO(A_MAIL) ", '同一台机器')"));
  cr_expect(strstr(said, "1 mail(s)"), "merge said: %s", said);
  expect("SELECT status || ' ' || close_reason || ' ' || (merged_into = " NO(A_MAIL) ") FROM intake.orders"
                                                                                     " WHERE order_no = " NO(
                                                                                       B_MAIL),
         "closed duplicate true");
  expect("SELECT count(*) FROM intake.order_thread WHERE order_no = " NO(A_MAIL) " AND direction = 'in'",
         "2");
  expect("SELECT count(*) FROM intake.audit a JOIN intake.orders o ON o.id = a.order_id"
         " WHERE o.order_no = " NO(A_MAIL) " AND a.action = 'response' AND a.note = '电话回复王五'",
         "1");

  /* the rest is refused */
  refused("UPDATE intake.orders SET sn = 'X'", "42501");
  refused("DELETE FROM intake.audit", "42501");
  refused("SELECT intake._record(" NO(A_MAIL) ", 'plan_at', 'plan', 'x', NULL)", "42501");
  refused("SELECT intake.apply_grants()", "42501");
  refused("UPDATE intake.messages SET body_text = 'x'", "42501");
  PQclear(PQexec(e->pg, "RESET ROLE"));

  /* the customer answers B's acknowledgement: the mail goes to A, which keeps ops' coverage */
  g_autofree char *b_no = harness_text(e, "SELECT " NO(B_MAIL));
  g_autofree char *subject = g_strdup_printf("回复：服务器无法开机 [%s]", b_no);
  append_gb18030("=?UTF-8?B?546L5LqU?= <wangwu@tjport.example.cn>", "desk-b-2@tjport.example.cn", subject,
                 "工程师下午几点到？\r\n", NULL);
  poll();
  expect("SELECT count(*) FROM intake.order_thread WHERE order_no = " NO(A_MAIL) " AND direction = 'in'",
         "3");
  expect("SELECT status FROM intake.orders WHERE order_no = " NO(B_MAIL), "closed");
  expect("SELECT coverage || ' ' || coverage_decision FROM intake.orders WHERE order_no = " NO(A_MAIL),
         "chargeable chargeable");

  /* reprocess after a rule change: the merged order is left as it is and the run goes on (it stopped
   * there with "has no mail": blind round 11a); --order of it says where its mail is */
  g_autofree char *out = NULL, *err = NULL;
  int rc = e2e_run(e, &out, &err, "reprocess", "--all", "--dry-run", NULL);
  cr_expect_eq(rc, 0, "reprocess --all: %s%s", out, err);
  cr_expect(strstr(out, "reprocess: ") && !strstr(out, "left as they are"), "merged left out of --all: %s",
            out);
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);
  rc = e2e_run(e, &out, &err, "reprocess", "--order", b_no, "--dry-run", NULL);
  cr_expect_eq(rc, 0, "reprocess --order (merged): %s%s", out, err);
  cr_expect(strstr(out, "merged into") && strstr(out, "1 left as they are"), "%s", out);
}

/* Order numbers are guessable (date + 4 digits): a mail that quotes one changes the order only when
 * it comes from someone the order knows (an address on it, or the same company domain unless that
 * is a public mail service) or answers one of its mails; a reply to an order closed long ago does
 * not re-open it. Held mail is linked, flagged in needs_review, and cleared by ops. */
Test(desk, followups_from_strangers_are_held_for_review)
{
  polled_day();
  g_autofree char *a_no = harness_text(e, "SELECT " NO(A_MAIL));
  g_autofree char *before =
    harness_text(e, "SELECT sn || ' ' || status || ' ' || coalesce(phone, '-') FROM intake.orders"
                    " WHERE order_no = " NO(A_MAIL));
  /* another company quotes A's number and "corrects" the SN and phone */
  g_autofree char *subject = g_strdup_printf("关于工单 %s", a_no);
  append_gb18030("attacker <ops@other-company.example.net>", "desk-x-1@other-company.example.net", subject,
                 "序列号：" GOLD_SN "\r\n电话：13700001111\r\n请改派到我方地址：北京市朝阳区某路1号\r\n",
                 NULL);
  /* a stranger on a public mail service, the same */
  append_gb18030("someone <random.person@163.com>", "desk-x-2@163.com", subject, "电话：13700002222\r\n",
                 NULL);
  poll();
  g_autofree char *after =
    harness_text(e, "SELECT sn || ' ' || status || ' ' || coalesce(phone, '-') FROM intake.orders"
                    " WHERE order_no = " NO(A_MAIL));
  cr_expect_str_eq(after, before, "a stranger's mail changed the order");
  expect("SELECT review_reason FROM intake.needs_review WHERE order_no = " NO(A_MAIL), "unverified_followup");
  expect("SELECT count(*) FROM intake.audit WHERE action = 'followup_held'", "2");
  expect("SELECT count(*) FROM intake.order_thread WHERE order_no = " NO(A_MAIL) " AND direction = 'in'",
         "3");
  PQclear(PQexec(e->pg, "SET ROLE intake_ops"));
  g_autofree char *said =
    harness_text(e, "SELECT intake.clear_review(" NO(A_MAIL) ", '非本单客户，已电话核实，忽略')");
  cr_expect(strstr(said, "unverified_followup cleared"), "clear_review said: %s", said);
  PQclear(PQexec(e->pg, "RESET ROLE"));
  expect(
    "SELECT count(*) FROM intake.needs_review WHERE order_no = " NO(A_MAIL) " AND review_reason IS NOT NULL",
    "0");

  /* a colleague at the customer's own domain is the customer: the mail is applied, not held */
  append_gb18030("=?UTF-8?B?6LW15YWt?= <zhaoliu@tjport.example.cn>", "desk-a-2@tjport.example.cn", subject,
                 "补充：现场联系电话 13902229999\r\n", NULL);
  poll();
  expect("SELECT action || ' ' || coalesce((SELECT review_reason FROM intake.orders WHERE order_no = " NO(
           A_MAIL) "), '-') FROM intake.audit WHERE note LIKE '%desk-a-2@%'",
         "followup -");

  /* "问题已解决，谢谢" to a resolved order: linked and noted, not re-opened (blind round 11d: every
   * thank-you put a finished order back in the queue as overdue) */
  PQclear(PQexec(e->pg, "UPDATE intake.orders SET status = 'resolved', finished_at = now()"
                        " WHERE order_no = " NO(A_MAIL)));
  append_gb18030("=?UTF-8?B?5p2O5Zub?= <lisi@tjport.example.cn>", "desk-a-ok@tjport.example.cn", subject,
                 "换盘后一周内未再出现告警，问题已解决，谢谢！\r\n", NULL);
  poll();
  expect("SELECT status FROM intake.orders WHERE order_no = " NO(A_MAIL), "resolved");
  expect("SELECT count(*) FROM intake.audit WHERE note LIKE '%desk-a-ok@%confirms the fix%'", "1");

  /* the customer asks something of an order closed 40 days ago: linked, held for an answer */
  PQclear(PQexec(e->pg, "UPDATE intake.orders SET status = 'closed', close_reason = 'resolved'"
                        " WHERE order_no = " NO(A_MAIL)));
  PQclear(PQexec(e->pg, "UPDATE intake.orders SET finished_at = now() - interval '40 days'"
                        " WHERE order_no = " NO(A_MAIL)));
  append_gb18030("=?UTF-8?B?5p2O5Zub?= <lisi@tjport.example.cn>", "desk-a-3@tjport.example.cn", subject,
                 "请把上次的服务报告再发一份\r\n", NULL);
  poll();
  expect("SELECT status || ' ' || review_reason FROM intake.orders WHERE order_no = " NO(A_MAIL),
         "closed closed_followup");
  expect("SELECT count(*) FROM intake.needs_review WHERE order_no = " NO(A_MAIL), "1");
  /* "又坏了" however long ago it was closed: a new order with its own clock, naming the old one */
  append_gb18030("=?UTF-8?B?5p2O5Zub?= <lisi@tjport.example.cn>", "desk-a-4@tjport.example.cn", subject,
                 "又坏了\r\n", NULL);
  poll();
  expect("SELECT count(*) FROM intake.orders WHERE recurrence_of = " NO(A_MAIL) " AND status = 'queued'",
         "1");
  expect("SELECT status FROM intake.orders WHERE order_no = " NO(A_MAIL), "closed");
}

/* An SN corrected to one the registry does not know: the order is no longer the old machine's — no
 * tier, no customer, needs review (sn_unknown) — although the mail's own SN is still a candidate. */
Test(desk, a_correction_to_an_unregistered_sn_drops_the_old_machine)
{
  polled_day();
  expect("SELECT coverage || ' ' || tier || ' ' || customer FROM intake.orders WHERE order_no = " NO(B_MAIL),
         "covered gold 天津港数据中心");
  PQclear(PQexec(e->pg, "SET ROLE intake_ops"));
  g_autofree char *said =
    harness_text(e, "SELECT intake.correct(" NO(B_MAIL) ", 'sn', 'RCS25Q0077777', '客户说标签看错了')");
  cr_expect(said && strstr(said, "RCS25Q0077777"), "correct said: %s", said);
  PQclear(PQexec(e->pg, "RESET ROLE"));
  poll();
  expect("SELECT sn || ' ' || coverage || ' ' || coalesce(tier, '-') || ' ' || coalesce(customer, '-') || ' '"
         " || (reasons::text LIKE '%sn_unknown%')::text FROM intake.orders WHERE order_no = " NO(B_MAIL),
         "RCS25Q0077777 needs_review - - true");
}

/* Coverage decided by hand: the next poll applies what follows from it — expired and not_covered
 * are no better than P3 and have no deadlines (policy §6, §7) — and the reasons say it was ops. */
Test(desk, a_decided_coverage_brings_its_priority_and_deadlines)
{
  polled_day();
  expect("SELECT priority || ' ' || (response_due IS NOT NULL)::text FROM intake.orders WHERE order_no = " NO(
           B_MAIL),
         "P1 true");
  PQclear(PQexec(e->pg, "SET ROLE intake_ops"));
  g_autofree char *said =
    harness_text(e, "SELECT intake.decide(" NO(B_MAIL) ", 'not_covered', '客户自行改装，合同约定不保')");
  cr_expect(said && strstr(said, "deadlines follow at the next poll"), "decide said: %s", said);
  PQclear(PQexec(e->pg, "RESET ROLE"));
  poll();
  expect(
    "SELECT coverage || ' ' || priority || ' ' || coalesce(response_due::text, '-') || ' ' ||"
    " coalesce(plan_due::text, '-') || ' ' || coalesce(onsite_due::text, '-') || ' ' || (reasons->0->>'code')"
    " FROM intake.orders WHERE order_no = " NO(B_MAIL),
    "not_covered P3 - - - ops_decision");
  /* handed back to the policy: covered, P1, deadlines again */
  PQclear(PQexec(e->pg, "SET ROLE intake_ops"));
  g_free(said);
  said = harness_text(e, "SELECT intake.decide(" NO(B_MAIL) ", NULL, '看错了')");
  PQclear(PQexec(e->pg, "RESET ROLE"));
  poll();
  expect("SELECT coverage || ' ' || priority || ' ' || (response_due IS NOT NULL)::text FROM intake.orders"
         " WHERE order_no = " NO(B_MAIL),
         "covered P1 true");
}

/* intake status counts what intake.needs_review lists (here the order whose SN is not registered:
 * coverage needs_review, status queued), not only the orders whose status says needs_review. */
Test(desk, status_counts_what_the_review_view_lists)
{
  polled_day();
  gint64 listed = e2e_scalar(e, "SELECT count(*) FROM intake.needs_review");
  cr_assert_geq(listed, 1);
  cr_assert_eq(e2e_scalar(e, "SELECT count(*) FROM intake.orders WHERE status = 'needs_review'"), 0,
               "the case this test is about: listed for review, status queued");
  g_autofree char *out = NULL, *err = NULL;
  e2e_run(e, &out, &err, "status", NULL);
  g_autofree char *want = g_strdup_printf("%" G_GINT64_FORMAT " need review", listed);
  cr_expect(strstr(out, want), "'%s' not in: %s%s", want, out, err);
}

/* A pause stops the clock from when it starts: a deadline already past then stays missed (queue,
 * sla_breaches, order_sla); one still ahead waits. */
Test(desk, a_pause_keeps_a_deadline_already_missed)
{
  polled_day();
  PQclear(PQexec(e->pg,
                 "UPDATE intake.orders SET response_due = now() - interval '3 days', plan_due = now() +"
                 " interval '2 hours' WHERE order_no = " NO(B_MAIL)));
  PQclear(PQexec(e->pg, "SET ROLE intake_ops"));
  g_autofree char *said =
    harness_text(e, "SELECT intake.pause_sla(" NO(B_MAIL) ", 'customer_schedule', '医院周末无人')");
  cr_expect(said && strstr(said, "paused"), "pause said: %s", said);
  expect("SELECT overdue::text || ' ' || missed::text || ' ' || paused::text FROM intake.queue WHERE "
         "order_no = " NO(B_MAIL),
         "true {response_due} true");
  expect("SELECT string_agg(deadline || '=' || outcome, ',' ORDER BY deadline) FROM intake.order_sla"
         " WHERE deadline IN ('response_due', 'plan_due') AND order_no = " NO(B_MAIL),
         "plan_due=paused,response_due=missed");
  expect(
    "SELECT count(*) FROM intake.sla_breaches WHERE order_no = " NO(B_MAIL) " AND deadline = 'response_due'",
    "1");
  PQclear(PQexec(e->pg, "RESET ROLE"));
}

/* One mistyped order number must not merge a stranger's request away: different SNs are refused
 * until ops correct the wrong one. */
Test(desk, merge_refuses_orders_about_different_machines)
{
  polled_day();
  PQclear(PQexec(e->pg, "SET ROLE intake_ops"));
  refused("SELECT intake.merge(" NO(A_MAIL) ", " NO(B_MAIL) ", '同一台')", "22023");
  expect("SELECT status FROM intake.orders WHERE order_no = " NO(A_MAIL), "queued");
  g_autofree char *said =
    harness_text(e, "SELECT intake.correct(" NO(A_MAIL) ", 'sn', '" GOLD_SN "', '客户电话确认序列号')");
  g_free(said);
  said = harness_text(e, "SELECT intake.merge(" NO(A_MAIL) ", " NO(B_MAIL) ", '同一台')");
  cr_expect(said && strstr(said, "merged into"), "merge said: %s", said);
  PQclear(PQexec(e->pg, "RESET ROLE"));
}

/* A customer writing again shows in the queue: when the latest mail came, how many follow-ups. */
Test(desk, the_queue_shows_a_customer_writing_again)
{
  polled_day();
  expect("SELECT followups::text || ' ' || (last_mail_at IS NOT NULL)::text FROM intake.queue WHERE order_no "
         "= " NO(B_MAIL),
         "0 true");
  g_autofree char *no = harness_text(e, "SELECT " NO(B_MAIL));
  g_autofree char *subject = g_strdup_printf("Re: [%s] 服务器无法开机", no);
  append_gb18030("=?UTF-8?B?546L5LqU?= <wangwu@tjport.example.cn>", "desk-b-2@tjport.example.cn", subject,
                 "机器已经搬到天津市南开区复康路23号，现场联系人改为钱工 13820001111。\r\n", NULL);
  poll();
  expect("SELECT followups::text || ' ' || (last_mail_at = (SELECT max(coalesce(internal_date, fetched_at))"
         " FROM intake.messages WHERE message_id = 'desk-b-2@tjport.example.cn'))::text FROM intake.queue"
         " WHERE order_no = " NO(B_MAIL),
         "1 true");
}

/* The customer writes that it is fixed and nobody need come: the open order waits for a person to
 * confirm (needs_review, said_fixed), not for an engineer's visit; clear_review takes it back (blind
 * round 19: it stayed queued, its on-site deadline running). */
Test(desk, a_customer_saying_it_is_fixed_holds_the_order)
{
  polled_day();
  g_autofree char *no = harness_text(e, "SELECT " NO(B_MAIL));
  g_autofree char *subject = g_strdup_printf("Re: [%s] 服务器无法开机", no);
  append_gb18030("=?UTF-8?B?546L5LqU?= <wangwu@tjport.example.cn>", "desk-b-fixed@tjport.example.cn", subject,
                 "不用来了，已经好了，重新插了一下电源线就恢复了，两个电源灯都是绿的。谢谢！\r\n", NULL);
  poll();
  expect("SELECT review_reason || ' ' || status FROM intake.orders WHERE order_no = " NO(B_MAIL),
         "said_fixed queued");
  expect("SELECT count(*) FROM intake.needs_review WHERE order_no = " NO(
           B_MAIL) " AND review_reason = 'said_fixed'",
         "1");
  PQclear(PQexec(e->pg, "SET ROLE intake_ops"));
  g_autofree char *said =
    harness_text(e, "SELECT intake.close(" NO(B_MAIL) ", 'cancelled', '客户已自行恢复')");
  cr_expect(said && strstr(said, "closed (cancelled)"), "%s", said);
  PQclear(PQexec(e->pg, "RESET ROLE"));
  expect("SELECT count(*) FROM intake.needs_review WHERE order_no = " NO(B_MAIL), "0");
}

/* A first report that says only that the machine is broken, then the customer's description in a
 * reply: the order's symptoms say both (blind round 19: the engineer read only "服务器坏了"); a reply
 * to a report that was described already does not grow it. */
Test(desk, a_vague_report_takes_the_description_of_the_reply)
{
  append_gb18030("=?UTF-8?B?6ZKx5LiD?= <qianqi@jhfactory.example.cn>", "desk-vague-1@jhfactory.example.cn",
                 "服务器坏了", "服务器坏了，赶紧派人来看看。\r\n钱七 13920001111\r\n", NULL);
  poll();
  g_autofree char *no =
    harness_text(e, "SELECT order_no FROM intake.orders o JOIN intake.messages m ON m.id = o.message_id"
                    " WHERE m.message_id = 'desk-vague-1@jhfactory.example.cn'");
  g_autofree char *subject = g_strdup_printf("Re: [%s] 服务器坏了", no);
  append_gb18030("=?UTF-8?B?6ZKx5LiD?= <qianqi@jhfactory.example.cn>", "desk-vague-2@jhfactory.example.cn",
                 subject, "开机以后硬盘指示灯全灭，系统进不去，BIOS里也看不到硬盘。\r\n", NULL);
  poll();
  g_autofree char *q = g_strdup_printf("SELECT symptoms FROM intake.orders WHERE order_no = '%s'", no);
  g_autofree char *symptoms = harness_text(e, q);
  cr_expect(symptoms && strstr(symptoms, "服务器坏了") && strstr(symptoms, "硬盘指示灯全灭"), "%s", symptoms);
}
