/* tests/acks/test_render.c: templates, sanitising and the rendered acknowledgement, with the texts
 * ops get from sql/031_acks_texts.sql (read from that file, so the tests follow the data). */
#include "acks.h"

#include <criterion/criterion.h>
#include <gmime/gmime.h>
#include <string.h>

/* GMime 3.2 defines no autoptr cleanups */
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GMimeMessage, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GMimeStream, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GMimeParser, g_object_unref)

/* One SQL literal at *p: '…' with '' escapes, or $t$…$t$. */
static char *
sql_literal(const char **p)
{
  const char *s = *p;
  while (*s == ' ' || *s == '\n' || *s == ',')
    s++;
  if (g_str_has_prefix(s, "$t$")) {
    const char *e = strstr(s + 3, "$t$");
    cr_assert(e);
    *p = e + 3;
    return g_strndup(s + 3, e - s - 3);
  }
  cr_assert_eq(*s, '\'', "literal expected at: %.30s", s);
  GString *out = g_string_new(NULL);
  for (s++; *s; s++) {
    if (*s == '\'' && s[1] == '\'') {
      g_string_append_c(out, '\'');
      s++;
    } else if (*s == '\'') {
      break;
    } else {
      g_string_append_c(out, *s);
    }
  }
  *p = s + 1;
  return g_string_free(out, FALSE);
}

/* The ack_texts rows of one migration file: its first VALUES list. */
static void
load_texts_from(AcksTexts *t, const char *file)
{
  g_autofree char *sql = NULL;
  cr_assert(g_file_get_contents(file, &sql, NULL, NULL));
  const char *p = strstr(sql, "INSERT INTO intake.ack_texts");
  cr_assert(p, "%s: no ack_texts rows", file);
  p = strstr(p, "VALUES");
  cr_assert(p);
  while ((p = strstr(p, "\n('"))) {
    p += 2;
    g_autofree char *lang = sql_literal(&p);
    g_autofree char *key = sql_literal(&p);
    g_autofree char *text = sql_literal(&p);
    g_autofree char *desc = sql_literal(&p);
    acks_texts_add(t, lang, key, text);
  }
}

/* The texts ops start with: the baseline's, and those of later migrations (batch reports). */
static AcksTexts *
load_texts(void)
{
  AcksTexts *t = acks_texts_new();
  load_texts_from(t, INTAKE_ACK_TEXTS_SQL);
  load_texts_from(t, INTAKE_BATCH_TEXTS_SQL);
  load_texts_from(t, INTAKE_ON_FILE_TEXTS_SQL);
  return t;
}

static GHashTable *
vals(const char *k1, const char *v1, const char *k2, const char *v2)
{
  GHashTable *h = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  if (k1)
    g_hash_table_insert(h, g_strdup(k1), g_strdup(v1));
  if (k2)
    g_hash_table_insert(h, g_strdup(k2), g_strdup(v2));
  return h;
}

Test(template, values_sections_and_tag_lines)
{
  g_autoptr(GHashTable) v = vals("a", "1", "name", "{{a}}");
  g_autoptr(GError) error = NULL;
  g_autofree char *r =
    acks_template_expand("x={{a}} {{#a}}A{{/a}}{{^a}}noA{{/a}}{{#b}}B{{/b}}{{^b}}noB{{/b}} {{name}}\n"
                         "{{#a}}\nline\n{{/a}}\nend",
                         v, &error);
  cr_assert_not_null(r, "%s", error ? error->message : "");
  /* a value is never expanded again: customer text with {{…}} stays literal */
  cr_expect_str_eq(r, "x=1 AnoB {{a}}\nline\nend");
  g_autofree char *bad = acks_template_expand("{{#a}}open", v, &error);
  cr_expect_null(bad);
  cr_expect(g_error_matches(error, ACKS_ERROR, ACKS_ERROR_TEMPLATE));
}

Test(sanitize, controls_and_length)
{
  g_autofree char *a = acks_sanitize("Re: help\r\nBcc: evil@example.com\x01\x7f\tend", 0, FALSE);
  cr_expect_str_eq(a, "Re: help Bcc: evil@example.com end");
  g_autofree char *b = acks_sanitize("a\u2028b\xc2\x85"
                                     "c",
                                     0, FALSE);
  cr_expect_str_eq(b, "a b c");
  g_autofree char *c = acks_sanitize("一二三四五六", 3, FALSE);
  cr_expect_str_eq(c, "一二三…");
  g_autofree char *d = acks_sanitize("bad \xff\xfe utf8", 0, FALSE);
  cr_expect(g_utf8_validate(d, -1, NULL));
  g_autofree char *e = acks_sanitize("l1  \r\nl2", 0, TRUE);
  cr_expect_str_eq(e, "l1\nl2"); /* CR → space, LF kept, trailing spaces dropped */
}

static const char *missing_all[] = { "sn",      "model", "symptoms", "address",
                                     "contact", "phone", "location", NULL };
static const char *refs[] = { "older@example.com", "cust-1@example.com", NULL };

static AcksContent
content(void)
{
  AcksContent c = {
    .order_no = "RC20261125-0007",
    .language = "zh",
    .from = "融科联创服务支持 <service@roycom.com.cn>",
    .to_addr = "zhangsan@example.com",
    .to_name = "张三",
    .subject = "服务器无法开机",
    .in_reply_to = "cust-1@example.com",
    .references = refs,
    .message_id = "ack.RC20261125-0007.abc@roycom.com.cn",
    .sn = "RCS25A0000001",
    .model = "R5210 G5",
    .symptoms = "服务器无法开机，电源灯亮红灯。",
    .location = "北京市海淀区",
    .kind = "fault",
    .coverage = "covered",
    .tier = "gold",
    .warranty_end = "2030-11-24",
    .has_sla = TRUE,
    .clock = "7x24",
    .response_minutes = 30,
    .plan_minutes = 240,
    .onsite_rule = "elapsed",
    .onsite_minutes = 1440,
  };
  return c;
}

static GMimeMessage *
parse(GBytes *b)
{
  g_autoptr(GMimeStream) s =
    g_mime_stream_mem_new_with_buffer(g_bytes_get_data(b, NULL), g_bytes_get_size(b));
  g_autoptr(GMimeParser) p = g_mime_parser_new_with_stream(s);
  GMimeMessage *m = g_mime_parser_construct_message(p, NULL);
  cr_assert_not_null(m);
  return m;
}

static char *
decoded_text(GMimeMessage *m)
{
  GMimeObject *body = g_mime_message_get_mime_part(m);
  cr_assert(GMIME_IS_TEXT_PART(body));
  return g_mime_text_part_get_text(GMIME_TEXT_PART(body));
}

Test(render, chinese_gold_covered)
{
  g_autoptr(AcksTexts) t = load_texts();
  AcksContent c = content();
  g_autoptr(GTimeZone) tz = g_time_zone_new_offset(8 * 3600);
  g_autoptr(GDateTime) due = g_date_time_new(tz, 2026, 11, 25, 10, 45, 0);
  c.response_due = due;
  c.plan_due = due;
  c.onsite_due = due;
  g_autoptr(GError) error = NULL;
  g_autoptr(AcksRendered) r = acks_render(t, &c, &error);
  cr_assert_not_null(r, "%s", error ? error->message : "");
  cr_expect_str_eq(r->subject, "Re: [RC20261125-0007] 服务器无法开机");
  const char *raw = g_bytes_get_data(r->message, NULL);
  cr_expect(strstr(raw, "Auto-Submitted: auto-replied\r\n"), "%s", raw);
  cr_expect(strstr(raw, "In-Reply-To: <cust-1@example.com>\r\n"), "%s", raw);
  cr_expect(strstr(raw, "References: <older@example.com> <cust-1@example.com>\r\n"), "%s", raw);
  cr_expect(strstr(raw, "Message-Id: <ack.RC20261125-0007.abc@roycom.com.cn>") ||
              strstr(raw, "Message-ID: <ack.RC20261125-0007.abc@roycom.com.cn>"),
            "%s", raw);
  cr_expect(strstr(raw, "Subject: Re: [RC20261125-0007] =?UTF-8?"), "subject not RFC 2047 encoded: %s", raw);
  cr_expect(strstr(raw, "Content-Transfer-Encoding: base64"), "%s", raw);
  /* only ASCII on the wire, CRLF line ends */
  for (const char *c2 = raw; *c2; c2++) {
    cr_assert((guchar)*c2 < 0x80, "8-bit byte in message");
    if (*c2 == '\n')
      cr_assert(c2 > raw && c2[-1] == '\r', "bare LF");
  }
  g_autoptr(GMimeMessage) m = parse(r->message);
  cr_expect_str_eq(g_mime_message_get_subject(m), "Re: [RC20261125-0007] 服务器无法开机");
  g_autofree char *text = decoded_text(m);
  cr_expect(strstr(text, "张三，您好"), "%s", text);
  cr_expect(strstr(text, "RC20261125-0007"), "%s", text);
  cr_expect(strstr(text, "RCS25A0000001") && strstr(text, "R5210 G5") && strstr(text, "北京市海淀区"), "%s",
            text);
  cr_expect(strstr(text, "金牌服务"), "%s", text);
  cr_expect(strstr(text, "30 分钟内"), "%s", text);
  cr_expect(strstr(text, "4 小时内"), "%s", text);
  cr_expect(strstr(text, "24 小时内（7x24）"), "%s", text);
  cr_expect_null(strstr(text, " ND"), "no desk shorthand beside a duration: %s", text);
  cr_expect(strstr(text, "2026-11-25 10:45"), "%s", text);
  cr_expect(strstr(text, "保修期内") && strstr(text, "2030-11-24"), "%s", text);
  cr_expect(strstr(text, "400-018-8995") && strstr(text, "5x8"), "%s", text);
  cr_expect(!strstr(text, "请直接回复本邮件"), "nothing missing: no request: %s", text);
  cr_expect(!strstr(text, "{{"), "unexpanded: %s", text);
}

Test(render, deadlines_in_the_callers_time_zone)
{
  g_autoptr(AcksTexts) t = load_texts();
  AcksContent c = content();
  g_autoptr(GTimeZone) shanghai = g_time_zone_new_offset(8 * 3600);
  g_autoptr(GDateTime) due = g_date_time_new(shanghai, 2026, 11, 25, 10, 45, 0);
  c.response_due = c.plan_due = c.onsite_due = due;
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc();
  c.time_zone = utc;
  g_autoptr(GError) error = NULL;
  g_autoptr(AcksRendered) r = acks_render(t, &c, &error);
  cr_assert_not_null(r, "%s", error ? error->message : "");
  cr_expect(strstr(r->body, "2026-11-25 02:45"), "deadline not in UTC: %s", r->body);
  cr_expect(!strstr(r->body, "10:45"), "%s", r->body);
}

Test(render, missing_fields_and_needs_review)
{
  g_autoptr(AcksTexts) t = load_texts();
  AcksContent c = content();
  c.sn = c.model = c.symptoms = c.location = NULL;
  c.missing = missing_all;
  c.coverage = "needs_review";
  c.tier = NULL;
  c.clock = "5x8";
  c.response_minutes = 30;
  c.plan_minutes = 360;
  c.onsite_rule = "nbd";
  g_autoptr(GError) error = NULL;
  g_autoptr(AcksRendered) r = acks_render(t, &c, &error);
  cr_assert_not_null(r, "%s", error ? error->message : "");
  const char *text = r->body;
  cr_expect(strstr(text, "  - 设备SN（设备SN位于机器顶部左下角）\n  - 设备型号\n"), "%s", text);
  cr_expect(strstr(text, "  - 机器使用所在位置"), "%s", text);
  cr_expect(strstr(text, "正在核实"), "%s", text);
  cr_expect(!strstr(text, "保修期内"), "no promise of coverage: %s", text);
  cr_expect(strstr(text, "6 小时内（按 5x8 工作时间计）"), "%s", text);
  cr_expect(strstr(text, "协商"), "no on-site deadline: %s", text);
  cr_expect(strstr(text, "设备SN：（未识别到）"), "%s", text);
}

Test(render, expired_states_no_commitments)
{
  g_autoptr(AcksTexts) t = load_texts();
  AcksContent c = content();
  c.coverage = "expired";
  c.has_sla = FALSE;
  g_autoptr(AcksRendered) r = acks_render(t, &c, NULL);
  cr_assert_not_null(r);
  cr_expect(strstr(r->body, "已过保修期"), "%s", r->body);
  cr_expect(!strstr(r->body, "远程响应"), "%s", r->body);
}

Test(render, english)
{
  g_autoptr(AcksTexts) t = load_texts();
  AcksContent c = content();
  c.language = "en";
  c.to_name = "John Smith";
  c.subject = "Server down";
  c.missing = (const char *[]){ "sn", "phone", NULL };
  c.sn = NULL;
  c.coverage = "needs_review";
  g_autoptr(AcksRendered) r = acks_render(t, &c, NULL);
  cr_assert_not_null(r);
  cr_expect_str_eq(r->subject, "Re: [RC20261125-0007] Server down");
  cr_expect(strstr(r->body, "Dear John Smith,"), "%s", r->body);
  cr_expect(strstr(r->body, "top of the machine, lower-left corner"), "%s", r->body);
  cr_expect(strstr(r->body, "Contact phone number"), "%s", r->body);
  cr_expect(strstr(r->body, "400-018-8995"), "%s", r->body);
  cr_expect(strstr(r->body, "within 30 minutes"), "%s", r->body);

  /* a model and place the registry has and the mail did not name: on file, not "not recognised"
   * (blind round 19); one the mail named is said */
  c.to_name = "John Smith";
  c.model = NULL;
  c.location = NULL;
  c.model_on_file = c.location_on_file = TRUE;
  g_autoptr(AcksRendered) f = acks_render(t, &c, NULL);
  cr_assert_not_null(f);
  cr_expect(strstr(f->body, "Model: (as in our records)"), "%s", f->body);
  cr_expect(strstr(f->body, "Location: (as in our records)"), "%s", f->body);
  c.model = "RC-R2290 G6";
  c.language = "zh";
  g_autoptr(AcksRendered) z = acks_render(t, &c, NULL);
  cr_assert_not_null(z);
  cr_expect(strstr(z->body, "设备型号：RC-R2290 G6"), "%s", z->body);
  cr_expect(strstr(z->body, "设备所在位置：（以我司登记信息为准）"), "%s", z->body);
  c.language = "en";
  c.model_on_file = c.location_on_file = FALSE;

  /* a directory's "Last, First" is greeted "First Last" (blind round 19: "Dear Weber, Markus,") */
  c.to_name = "Weber, Markus";
  g_autoptr(AcksRendered) w = acks_render(t, &c, NULL);
  cr_assert_not_null(w);
  cr_expect(strstr(w->body, "Dear Markus Weber,"), "%s", w->body);
  c.to_name = "Sales, Tianjin Office, Roycom";
  g_autoptr(AcksRendered) o = acks_render(t, &c, NULL);
  cr_assert_not_null(o);
  cr_expect(strstr(o->body, "Dear Sales, Tianjin Office, Roycom,"), "%s", o->body);
}

/* A new order split off a reply: its subject is the customer's, without the reply prefixes and the
 * old order's tag (blind round 15: "Re: [RC…-0002] Re: Re: [RC…-0001] 两台训练机故障"). */
Test(render, the_subject_loses_reply_prefixes_and_old_order_tags)
{
  g_autoptr(AcksTexts) t = load_texts();
  static const char *const subjects[] = { "Re: Re: [RC20261201-0001] 两台训练机故障",
                                          "回复：[RC20261201-0001 等2单] 两台训练机故障",
                                          "RE: FW: 两台训练机故障" };
  for (guint i = 0; i < G_N_ELEMENTS(subjects); i++) {
    AcksContent c = content();
    c.subject = subjects[i];
    g_autoptr(AcksRendered) r = acks_render(t, &c, NULL);
    cr_assert_not_null(r);
    cr_expect_str_eq(r->subject, "Re: [RC20261125-0007] 两台训练机故障", "%s", subjects[i]);
  }
}

Test(render, hostile_subject_and_name)
{
  g_autoptr(AcksTexts) t = load_texts();
  AcksContent c = content();
  c.subject = "help\r\nBcc: victim@example.org\r\n\r\ninjected body";
  GString *name = g_string_new(NULL);
  for (int i = 0; i < 2000; i++)
    g_string_append(name, i % 50 == 49 ? "\n" : "名");
  c.to_name = name->str;
  g_autoptr(GError) error = NULL;
  g_autoptr(AcksRendered) r = acks_render(t, &c, &error);
  cr_assert_not_null(r, "%s", error ? error->message : "");
  g_autoptr(GMimeMessage) m = parse(r->message);
  cr_expect_null(g_mime_object_get_header(GMIME_OBJECT(m), "Bcc"));
  /* one line, and the address it names is not repeated (issue 11: no echo of more than needed) */
  cr_expect_str_eq(g_mime_message_get_subject(m), "Re: [RC20261125-0007] help Bcc: […] injected body");
  InternetAddressList *to = g_mime_message_get_to(m);
  cr_assert_eq(internet_address_list_length(to), 1);
  InternetAddress *a = internet_address_list_get_address(to, 0);
  cr_expect_str_eq(internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(a)), "zhangsan@example.com");
  cr_expect(g_utf8_strlen(internet_address_get_name(a), -1) <= 33, "name not truncated");
  /* every header line stays within RFC 5322's 998 characters */
  g_auto(GStrv) lines = g_strsplit(g_bytes_get_data(r->message, NULL), "\r\n", -1);
  for (guint i = 0; lines[i]; i++)
    cr_expect(strlen(lines[i]) <= 998, "line %u too long", i);
  g_string_free(name, TRUE);
}

/* The text a forged sender writes must not ride our acknowledgement to its victim: nothing quoted
 * is long, and no link or address in it survives. */
Test(render, long_subject_and_links_are_not_echoed_whole)
{
  g_autoptr(AcksTexts) t = load_texts();
  AcksContent c = content();
  GString *subject = g_string_new("Cheap meds ");
  for (int i = 0; i < 100; i++)
    g_string_append(subject, "BUY NOW ");
  c.subject = subject->str;
  c.symptoms =
    "服务器无法开机，详见 https://evil.example/x?a=1 或http://1.2.3.4:8080/p访问 www.spam.example "
    "联系 sales@spam.example 或 spam．example．com 领奖 evil.cn获取 ftp://x.y/z 以及 "
    "mailto:a@b.example "
    "这里还有很多很多很多很多很多很多很多很多很多很多很多很多很多很多很多很多很多很多很多很多很多很多很多"
    "很多很多很多很多很多很多很多很多很多很多很多很多很多很多很多很多的话 "
    "最后一句话很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长"
    "很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长很长";
  c.to_name = "Visit evil.example now";
  g_autoptr(GError) error = NULL;
  g_autoptr(AcksRendered) r = acks_render(t, &c, &error);
  cr_assert_not_null(r, "%s", error ? error->message : "");
  cr_expect(g_utf8_strlen(r->subject, -1) <= 22 + 61, "subject echoed whole: %s", r->subject);
  cr_expect(g_str_has_prefix(r->subject, "Re: [RC20261125-0007] Cheap meds BUY NOW"), "%s", r->subject);
  cr_expect(!strstr(r->body, subject->str), "the whole subject is in the body");
  const char *links[] = { "evil.example", "http",    "1.2.3.4", "www.",  "spam",
                          "a@b",          "evil.cn", "ftp:",    "mailto" };
  for (guint i = 0; i < G_N_ELEMENTS(links); i++) {
    cr_expect(!strstr(r->body, links[i]), "'%s' echoed in the body: %s", links[i], r->body);
    cr_expect(!strstr(r->subject, links[i]), "'%s' in the subject", links[i]);
  }
  cr_expect(!strstr(r->body, "Visit"), "a name with a link is not repeated: %s", r->body);
  cr_expect(strstr(r->body, "服务器无法开机，详见 […]"), "the symptoms' start is quoted: %s", r->body);
  cr_expect(!strstr(r->body, "最后一句话"), "symptoms echoed beyond the bound: %s", r->body);
  /* what is not a link stays */
  c.symptoms = "R5210 G5 开机报错 0x1F，RAID 卡 9460-8i 告警，固件 v1.2.3";
  g_autoptr(AcksRendered) ok = acks_render(t, &c, &error);
  cr_assert_not_null(ok);
  cr_expect(strstr(ok->body, c.symptoms), "ordinary symptoms altered: %s", ok->body);
  g_string_free(subject, TRUE);
}

Test(render, customer_text_cannot_reach_template_syntax_or_headers)
{
  g_autoptr(AcksTexts) t = load_texts();
  AcksContent c = content();
  c.symptoms = "{{order_no}} line1\nSubject: x";
  c.in_reply_to = "bad id\r\nX: y";
  c.references = (const char *[]){ "a b@c", NULL };
  g_autoptr(AcksRendered) r = acks_render(t, &c, NULL);
  cr_assert_not_null(r);
  cr_expect(strstr(r->body, "{{order_no}} line1 Subject: x"), "%s", r->body);
  const char *raw = g_bytes_get_data(r->message, NULL);
  cr_expect(!strstr(raw, "In-Reply-To"), "unusable id used: %s", raw);
  cr_expect(!strstr(raw, "References"), "unusable id used: %s", raw);
}

Test(render, refuses_unusable_recipient)
{
  g_autoptr(AcksTexts) t = load_texts();
  AcksContent c = content();
  c.to_addr = "a@example.com>\r\nBcc: b@example.com";
  g_autoptr(GError) error = NULL;
  cr_expect_null(acks_render(t, &c, &error));
  cr_expect(g_error_matches(error, ACKS_ERROR, ACKS_ERROR_ADDRESS));
}

Test(render, message_ids)
{
  g_autofree char *a = acks_message_id_new("RC20261125-0007", "roycom.com.cn");
  g_autofree char *b = acks_message_id_new("RC20261125-0007", "roycom.com.cn");
  cr_expect(g_str_has_prefix(a, "ack.RC20261125-0007.") && g_str_has_suffix(a, "@roycom.com.cn"), "%s", a);
  cr_expect_str_neq(a, b);
  g_autofree char *d = acks_from_domain("融科联创服务支持 <service@Roycom.com.cn>");
  cr_expect_str_eq(d, "roycom.com.cn");
}

/* A batch report: one acknowledgement, every order with its SN, model, problem and coverage. */
static void
batch(AcksContent *c, AcksMachine *m, GDateTime *due, GDateTime *plan, GDateTime *onsite)
{
  m[0] = (AcksMachine){ "RC20261125-0007",
                        "RCS25G0080001",
                        "RC-R2290 G5",
                        "硬盘告警，第3块盘亮红灯",
                        "fault",
                        "covered",
                        "gold",
                        "2029-06-01",
                        due,
                        plan,
                        onsite };
  m[1] = (AcksMachine){ "RC20261125-0008",
                        "RCS25G0080002",
                        "SYS-620U-TNR",
                        "电源模块PS1故障",
                        "fault",
                        "covered",
                        "silver",
                        "2027-06-01",
                        due,
                        plan,
                        NULL };
  m[2] = (AcksMachine){
    "RC20261125-0009", "RCS25G0080003", NULL, NULL, "fault", "needs_review", NULL, NULL, NULL, NULL, NULL
  };
  c->machines = m;
  c->n_machines = 3;
  static const char *const missing[] = { "sn", "phone", NULL };
  c->missing = missing;
}

Test(render, batch_lists_every_order)
{
  g_autoptr(AcksTexts) t = load_texts();
  AcksContent c = content();
  g_autoptr(GTimeZone) tz = g_time_zone_new_offset(8 * 3600);
  g_autoptr(GDateTime) due = g_date_time_new(tz, 2026, 11, 25, 10, 45, 0);
  g_autoptr(GDateTime) plan = g_date_time_new(tz, 2026, 11, 25, 14, 15, 0);
  g_autoptr(GDateTime) onsite = g_date_time_new(tz, 2026, 11, 26, 10, 15, 0);
  AcksMachine m[3];
  batch(&c, m, due, plan, onsite);
  g_autoptr(GError) error = NULL;
  g_autoptr(AcksRendered) r = acks_render(t, &c, &error);
  cr_assert_not_null(r, "%s", error ? error->message : "");
  cr_expect_str_eq(r->subject, "Re: [RC20261125-0007 等3单] 服务器无法开机");
  const char *want[] = {
    "您报修了 3 台设备",
    "1. 服务单号 RC20261125-0007",
    "设备SN：RCS25G0080001；设备型号：RC-R2290 G5",
    "问题描述：硬盘告警，第3块盘亮红灯",
    "设备 RCS25G0080001 在保修期内（保修至 2029-06-01）",
    "金牌服务：远程响应不晚于 2026-11-25 10:45，处理方案不晚于 2026-11-25 14:15，"
    "工程师到场不晚于 2026-11-26 10:15（北京时间）",
    "2. 服务单号 RC20261125-0008",
    "设备 RCS25G0080002 在保修期内（保修至 2027-06-01）",
    "银牌服务：远程响应不晚于 2026-11-25 10:45，处理方案不晚于 2026-11-25 14:15（北京时间）",
    "3. 服务单号 RC20261125-0009",
    "设备SN：RCS25G0080003；设备型号：（未识别到）",
    "保修状态正在核实中",
    "联系方式（电话）",
    "北京市海淀区"
  };
  for (guint i = 0; i < G_N_ELEMENTS(want); i++)
    cr_expect(strstr(r->body, want[i]), "'%s' not in:\n%s", want[i], r->body);
  /* per machine, not for the mail: the SN is not asked for, the single-order lines are not there */
  cr_expect_null(strstr(r->body, "设备SN（"), "%s", r->body);
  cr_expect_null(strstr(r->body, "服务时效"), "%s", r->body);
  cr_expect_null(strstr(r->body, "{{"), "%s", r->body);
}

Test(render, batch_english)
{
  g_autoptr(AcksTexts) t = load_texts();
  AcksContent c = content();
  c.language = "en";
  AcksMachine m[3];
  batch(&c, m, NULL, NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AcksRendered) r = acks_render(t, &c, &error);
  cr_assert_not_null(r, "%s", error ? error->message : "");
  cr_expect_str_eq(r->subject, "Re: [RC20261125-0007 +2] 服务器无法开机");
  cr_expect(strstr(r->body, "You reported 3 devices") &&
              strstr(r->body, "3. Service order RC20261125-0009") &&
              strstr(r->body, "device RCS25G0080002 is under warranty until 2027-06-01"),
            "%s", r->body);
  cr_expect_null(strstr(r->body, "remote response by"), "no deadline given, none stated: %s", r->body);
}

/* ---- the message bytes against a GMimeMessage ---- */

G_DEFINE_AUTOPTR_CLEANUP_FUNC(GMimeTextPart, g_object_unref)

/* The acknowledgement as a GMimeMessage with the same headers writes it: acks_render writes the
 * bytes itself (cheaper by half), and must write exactly these. name: the display name as quoted. */
static char *
gmime_bytes(const AcksContent *c, const char *name, const AcksRendered *r)
{
  g_autoptr(GMimeMessage) msg = g_mime_message_new(TRUE);
  GMimeObject *obj = GMIME_OBJECT(msg);
  InternetAddressList *from = internet_address_list_parse(NULL, c->from);
  InternetAddress *ia = internet_address_list_get_address(from, 0);
  g_mime_message_add_mailbox(msg, GMIME_ADDRESS_TYPE_FROM, internet_address_get_name(ia),
                             internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia)));
  g_object_unref(from);
  g_mime_message_add_mailbox(msg, GMIME_ADDRESS_TYPE_TO, *name ? name : NULL, c->to_addr);
  for (guint i = 0; c->cc && c->cc[i]; i++)
    if (acks_address_usable(c->cc[i]))
      g_mime_message_add_mailbox(msg, GMIME_ADDRESS_TYPE_CC, NULL, c->cc[i]);
  g_mime_message_set_subject(msg, r->subject, "utf-8");
  g_mime_message_set_date(msg, c->date);
  g_mime_message_set_message_id(msg, c->message_id);
  g_autofree char *irt = g_strdup_printf("<%s>", c->in_reply_to);
  g_mime_object_set_header(obj, "In-Reply-To", irt, NULL);
  g_autoptr(GString) chain = g_string_new(NULL);
  for (guint i = 0; c->references && c->references[i]; i++)
    if (strcmp(c->references[i], c->in_reply_to))
      g_string_append_printf(chain, "<%s> ", c->references[i]);
  g_string_append(chain, irt);
  g_mime_object_set_header(obj, "References", chain->str, NULL);
  g_mime_object_set_header(obj, "Auto-Submitted", "auto-replied", NULL);
  g_mime_object_set_header(obj, "X-Auto-Response-Suppress", "All", NULL);
  g_mime_object_set_header(obj, "Content-Language", g_str_equal(c->language, "zh") ? "zh-CN" : "en", NULL);
  g_autoptr(GMimeTextPart) part = g_mime_text_part_new_with_subtype("plain");
  g_mime_text_part_set_text(part, r->body);
  g_mime_text_part_set_charset(part, "utf-8");
  g_mime_part_set_content_encoding(GMIME_PART(part), GMIME_CONTENT_ENCODING_BASE64);
  g_mime_message_set_mime_part(msg, GMIME_OBJECT(part));
  GMimeFormatOptions *opts = g_mime_format_options_new();
  g_mime_format_options_set_newline_format(opts, GMIME_NEWLINE_FORMAT_DOS);
  char *bytes = g_mime_object_to_string(obj, opts);
  g_mime_format_options_free(opts);
  return bytes;
}

Test(render, message_bytes_as_gmime_writes_them)
{
  g_autoptr(AcksTexts) t = load_texts();
  g_autoptr(GTimeZone) tz = g_time_zone_new_offset(-5 * 3600);
  g_autoptr(GDateTime) date = g_date_time_new(tz, 2026, 1, 2, 3, 4, 5);
  /* subjects and names that fold, need quoting or encoding; ids that fold the References */
  const char *subjects[] = {
    "服务器无法开机", "Server down",
    "A rather long English subject line that certainly needs folding "
    "somewhere past the seventy-eighth column, twice over",
    "混合 mixed 文字 subject 服务器无法开机服务器无法开机服务器无法开机服务器无法开机 end",
    "Ünïcödé Latin-1 ñame çase"
  };
  const char *names[] = { "张三", "John Smith", "Smith, John \"JS\"", "O'Brien (ops)", "" };
  const char *cc_none[] = { NULL }, *cc_two[] = { "fwd@example.org", "not usable", "b@example.net", NULL };
  const char *long_refs[] = { "0123456789012345678901234567890123456789@very-long-host-name.example.com",
                              "short@x", "another-fairly-long-message-id-for-folding@mail.example.org",
                              NULL };
  for (guint i = 0; i < G_N_ELEMENTS(subjects); i++) {
    AcksContent c = content();
    c.date = date;
    c.time_zone = tz;
    c.language = i % 2 ? "en" : "zh";
    c.subject = subjects[i];
    c.to_name = names[i];
    c.cc = i % 2 ? cc_two : cc_none;
    if (i >= 2)
      c.references = long_refs;
    /* an internationalised domain is written in its ASCII form; an ASCII one as it is given */
    if (i == 2)
      c.to_addr = "zhangsan@例子.中国";
    if (i == 3)
      c.to_addr = "Zhang.San@Example.COM";
    g_autoptr(GError) error = NULL;
    g_autoptr(AcksRendered) r = acks_render(t, &c, &error);
    cr_assert_not_null(r, "%s", error ? error->message : "");
    g_autofree char *want = gmime_bytes(&c, names[i], r);
    cr_expect_str_eq(g_bytes_get_data(r->message, NULL), want, "case %u", i);
    cr_expect_eq(g_bytes_get_size(r->message), strlen(want), "case %u", i);
  }
}

/* The From header is encoded once per [smtp] from: a changed from is not answered from the cache. */
Test(render, from_follows_the_configuration)
{
  g_autoptr(AcksTexts) t = load_texts();
  const char *froms[] = { "融科联创服务支持 <service@roycom.com.cn>", "Support <help@example.net>",
                          "融科联创服务支持 <service@roycom.com.cn>", "not an address" };
  const char *want[] = { "service@roycom.com.cn", "help@example.net", "service@roycom.com.cn", NULL };
  for (guint i = 0; i < G_N_ELEMENTS(froms); i++) {
    AcksContent c = content();
    c.from = froms[i];
    g_autoptr(GError) error = NULL;
    g_autoptr(AcksRendered) r = acks_render(t, &c, &error);
    if (!want[i]) {
      cr_expect_null(r, "from '%s' accepted", froms[i]);
      cr_expect(g_error_matches(error, ACKS_ERROR, ACKS_ERROR_ADDRESS));
      continue;
    }
    cr_assert_not_null(r, "%s", error ? error->message : "");
    g_autoptr(GMimeMessage) m = parse(r->message);
    InternetAddressList *from = g_mime_message_get_from(m);
    cr_assert_eq(internet_address_list_length(from), 1);
    cr_expect_str_eq(
      internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(internet_address_list_get_address(from, 0))),
      want[i], "case %u", i);
  }
}

/* acks_sanitize as first written, one character at a time: the specification the faster one
 * (runs of kept characters copied at once) must match on any input. */
static char *
sanitize_reference(const char *text, guint max_chars, gboolean keep_newlines)
{
  g_autofree char *valid = g_utf8_make_valid(text, -1);
  GString *s = g_string_new(NULL);
  guint chars = 0;
  gboolean cut = FALSE;
  for (const char *c = valid; *c; c = g_utf8_next_char(c)) {
    gunichar u = g_utf8_get_char(c);
    gboolean nl = keep_newlines && u == '\n';
    if (!nl && (u < 0x20 || u == 0x7f || (u >= 0x80 && u < 0xa0) || u == 0x2028 || u == 0x2029 ||
                u == 0xfeff || (u >= 0x200b && u <= 0x200f) || (u >= 0x202a && u <= 0x202e)))
      u = ' ';
    if (u == ' ' && !keep_newlines && (s->len == 0 || s->str[s->len - 1] == ' '))
      continue;
    while (nl && s->len > 0 && s->str[s->len - 1] == ' ')
      g_string_truncate(s, s->len - 1);
    if (max_chars && chars >= max_chars) {
      cut = TRUE;
      break;
    }
    g_string_append_unichar(s, u);
    chars++;
  }
  while (s->len && (s->str[s->len - 1] == ' ' || s->str[s->len - 1] == '\n'))
    g_string_truncate(s, s->len - 1);
  if (cut)
    g_string_append(s, "…");
  return g_string_free(s, FALSE);
}

Test(sanitize, matches_the_reference_on_random_text)
{
  static const char *const pieces[] = {
    "a",      "Z9",     " ",    "  ",       "\n",       "\r\n",   "\t",     "\x01",
    "\x7f",   "服",     "务器", "\xc2\x85", "\xc2\xa0", "\u2028", "\u2029", "\ufeff",
    "\u200b", "\u202e", "é",    "\xff",     "\xe6\x9c", "😀",      "{{x}}",  "\xed\xa0\x80"
  };
  static const guint maxes[] = { 0, 1, 2, 5, 17 };
  GRand *rng = g_rand_new_with_seed(12);
  for (guint round = 0; round < 4000; round++) {
    g_autoptr(GString) in = g_string_new(NULL);
    guint n = g_rand_int_range(rng, 0, 24);
    for (guint i = 0; i < n; i++)
      g_string_append(in, pieces[g_rand_int_range(rng, 0, G_N_ELEMENTS(pieces))]);
    guint max = maxes[round % G_N_ELEMENTS(maxes)];
    gboolean keep = (round / G_N_ELEMENTS(maxes)) % 2;
    g_autofree char *want = sanitize_reference(in->str, max, keep);
    g_autofree char *got = acks_sanitize(in->str, max, keep);
    cr_assert_str_eq(got, want, "input '%s' (max %u, keep_newlines %d)", g_strescape(in->str, NULL), max,
                     keep);
  }
  g_rand_free(rng);
}

/* Links written only with ideographic or full-width dots and at signs are still taken out. */
Test(render, links_with_wide_punctuation_are_not_echoed)
{
  g_autoptr(AcksTexts) t = load_texts();
  const char *symptoms[] = { "请访问 spam。example。cn 领奖", "联系 sales＠spam-mail example",
                             "见 www．spam．cn", "ftp：//x 与 host:8080 无关 a:b@c" };
  const char *gone[] = { "spam。example", "sales＠", "www．spam", "a:b@c" };
  for (guint i = 0; i < G_N_ELEMENTS(symptoms); i++) {
    AcksContent c = content();
    c.symptoms = symptoms[i];
    g_autoptr(GError) error = NULL;
    g_autoptr(AcksRendered) r = acks_render(t, &c, &error);
    cr_assert_not_null(r, "%s", error ? error->message : "");
    cr_expect(!strstr(r->body, gone[i]), "'%s' echoed: %s", gone[i], r->body);
    cr_expect(strstr(r->body, "[…]"), "nothing redacted for '%s': %s", symptoms[i], r->body);
  }
}

/* A long text is quoted from its start only (acks_echo_text reads up to a blank past the quote's
 * length): the quote is the one the whole text gives, links across that point included. */
Test(echo, long_text_quoted_as_from_the_whole)
{
  static const char *const pieces[] = { "服务器",  "无法开机", " ",       "  ",      "\n",      "\t",  "。",
                                        "，",      "RAID",     "x",       "1.2.3.4", "evil.cn", "www", "．",
                                        "a@b.com", "＠",       "http://", "/path",   ":",       "-",   "\xff",
                                        "Kelvin",  "example",  ".com",    "0",       "\u2028" };
  static const guint maxes[] = { 1, 3, 10, 32, 60, 100 };
  GRand *rng = g_rand_new_with_seed(21);
  for (guint round = 0; round < 3000; round++) {
    g_autoptr(GString) in = g_string_new(NULL);
    guint n = g_rand_int_range(rng, 0, 400);
    for (guint i = 0; i < n; i++)
      g_string_append(in, pieces[g_rand_int_range(rng, 0, G_N_ELEMENTS(pieces))]);
    guint max = maxes[round % G_N_ELEMENTS(maxes)];
    g_autofree char *whole = acks_echo_text(in->str, 0); /* 0: the whole text, never cut */
    g_autofree char *want = acks_sanitize(whole, max, FALSE);
    g_autofree char *got = acks_echo_text(in->str, max);
    cr_assert_str_eq(got, want, "max %u, input %s", max, in->str);
  }
  g_rand_free(rng);
  /* a link that runs past the point where reading could stop is still replaced whole */
  g_autoptr(GString) s = g_string_new(NULL);
  for (int i = 0; i < 40; i++)
    g_string_append(s, "服务器 ");
  g_string_append(s, "见https://evil.example/");
  for (int i = 0; i < 300; i++)
    g_string_append_c(s, 'a');
  g_autofree char *q = acks_echo_text(s->str, 100);
  cr_expect(!strstr(q, "evil"), "%s", q);
  /* a start that is one long link says little: the quote goes on with what follows it */
  g_autoptr(GString) l = g_string_new("https://spam.example/");
  for (int i = 0; i < 500; i++)
    g_string_append_c(l, 'z');
  g_string_append(l, " 服务器无法开机，电源灯亮红灯");
  g_autofree char *q2 = acks_echo_text(l->str, 10);
  cr_expect_str_eq(q2, "[…] 服务器无法开…");
}
