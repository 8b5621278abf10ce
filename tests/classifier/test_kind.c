/* Kind, severity and priority (policy §6): words in Chinese and English, the whole matrix and its cap. */
#include <criterion/criterion.h>

#include "common.h"

typedef struct {
  const char *subject, *text;
  const char *ignored, *followup;
  const char *kind;
} KindCase;

static const KindCase kinds[] = {
  { "服务器故障", "硬盘亮红灯", NULL, NULL, "fault" },
  { "", "the PSU failed, amber light", NULL, NULL, "fault" },
  { "请问BMC固件如何升级", "请问一下这台机器的BMC固件如何升级？", NULL, NULL, "consultation" },
  { "", "How do I configure the RAID controller?", NULL, NULL, "consultation" },
  { "咨询", "想咨询一下内存扩容的方案", NULL, NULL, "consultation" },
  { "请问服务器无法开机怎么办", "请问服务器无法开机怎么办", NULL, NULL,
    "fault" }, /* a fault phrased as a question */
  { "SuperAI平台无法登录", "SuperAI平台从昨天开始登录不了", NULL, NULL, "software" },
  { "", "the Linux driver for the NIC crashes", NULL, NULL, "fault" }, /* hardware named: fault */
  { "", "操作系统启动后数据库报错", NULL, NULL, "software" },
  { "报价", "两台新服务器需要上架安装", NULL, NULL, "value_added" },
  { "", "请帮忙重装系统", NULL, NULL, "value_added" },
  { "", "保修快到期了，想续保两年", NULL, NULL, "value_added" },
  { "", "We would like an extended warranty", NULL, NULL, "value_added" },
  { "", "硬盘不返还服务怎么收费", NULL, NULL, "value_added" },
  { "", "需要人员支持三天", NULL, NULL, "value_added" },
  { "", "过保了，需要保外维修", NULL, NULL, "value_added" },
  /* 驻场 is asked for, or only says who writes (an outsourcer's resident engineer) */
  { "", "下个月需要安排两名驻场工程师，请报价", NULL, NULL, "value_added" },
  { "", "我是数据中心的驻场运维工程师，巡检发现2号电源灯不亮，PSU2 AC lost", NULL, NULL, "fault" },
  { "自动回复: 已收到", "我在休假", "auto_reply", NULL, "ignored" },
  { "Delivery Status Notification", "", "bounce", "RC20261125-0007",
    "ignored" }, /* a bounce quoting an order stays ignored */
  { "Re: [RC20261125-0007] 报修", "SN 补充", NULL, "RC20261125-0007", "followup" },
};

Test(kind, table)
{
  for (guint i = 0; i < G_N_ELEMENTS(kinds); i++) {
    const KindCase *c = &kinds[i];
    g_autoptr(ClassifierAsset) a = t_asset("RCS25L0112345", "gold", "2025-10-10");
    a->software = g_strsplit("SuperAI;VMware vSphere", ";", -1);
    g_autoptr(ParserRequest) req = t_request_full(a->sn, c->text, "北京市", "朝阳区");
    g_free(req->subject);
    req->subject = g_strdup(c->subject);
    req->ignored_reason = g_strdup(c->ignored);
    req->followup_of = g_strdup(c->followup);
    g_autoptr(ClassifierResult) r = t_classify(req, a, "2026-11-19T09:15:22");
    cr_expect_str_eq(classifier_kind_name(r->kind), c->kind, "[%s | %s] expected %s, got %s", c->subject,
                     c->text, c->kind, classifier_kind_name(r->kind));
    if (r->kind == CLASSIFIER_KIND_IGNORED || r->kind == CLASSIFIER_KIND_FOLLOWUP) {
      cr_expect_eq(r->coverage, CLASSIFIER_COVERAGE_NONE, "[%s] no coverage", c->text);
      cr_expect_eq(r->priority, CLASSIFIER_PRIORITY_NONE, "[%s] no priority", c->text);
      cr_expect_not(r->has_sla, "[%s] no sla", c->text);
    }
  }
}

typedef struct {
  const char *text, *severity;
} SevCase;

static const SevCase sevs[] = {
  { "服务器宕机", "S1" },
  { "早上开不了机", "S1" },
  { "无法开机", "S1" },
  { "按电源键不开机", "S1" },
  { "系统无法启动", "S1" },
  { "频繁死机", "S1" },
  { "系统崩溃", "S1" },
  { "业务中断了", "S1" },
  { "the server is down", "S1" },
  { "it won't boot after the update", "S1" },
  { "no power at all", "S1" },
  { "硬盘故障", "S2" },
  { "BMC报错", "S2" },
  { "温度告警", "S2" },
  { "电源报警", "S2" },
  { "RAID降级", "S2" },
  { "掉盘了", "S2" },
  { "有一块坏盘", "S2" },
  { "前面板亮红灯", "S2" },
  { "硬盘亮黄灯", "S2" },
  { "风扇异响", "S2" },
  { "CPU过热", "S2" },
  { "服务器自动重启", "S2" },
  { "GPU掉卡", "S2" },
  { "disk failure", "S2" },
  { "fan error", "S2" },
  { "RAID is degraded", "S2" },
  { "memory alarm", "S2" },
  { "想了解一下内存扩容", "S3" },
  { "请问BMC固件怎么升级", "S3" },
  { "please send the manual", "S3" },
  { "服务器没有告警，只是想问问", "S3" }, /* negated */
  { "风扇异响，然后宕机了", "S1" },       /* the most severe wins */
  { "shutdown script question", "S3" },   /* "down" needs a word boundary */
  { "download the driver", "S3" },
  /* blind round 11: Cantonese, Japanese and NVIDIA's words (Traditional text, as the mail has it) */
  { "今朝開始開唔到機，撳咗電源掣都冇反應", "S1" },
  { "部機死咗", "S1" },
  { "本日朝から電源が入らない状態です", "S1" },
  { "GPU has fallen off the bus (Xid 79)", "S2" },
  { "nvidia-smi shows 7 GPUs, one GPU missing", "S2" },
  { "the app is missing a menu entry", "S3" },
};

Test(severity, words)
{
  for (guint i = 0; i < G_N_ELEMENTS(sevs); i++) {
    g_autoptr(ParserRequest) req = t_request_full("RCS25A0012345", sevs[i].text, "北京市", "海淀区");
    g_autoptr(ClassifierResult) r = t_classify(req, NULL, "2026-11-23T10:00:00");
    cr_expect_str_eq(classifier_severity_name(r->severity), sevs[i].severity, "\"%s\": expected %s, got %s",
                     sevs[i].text, sevs[i].severity, classifier_severity_name(r->severity));
  }
}

/* The whole matrix: severity × tier (gold, silver, unknown), covered devices. */
Test(priority, matrix)
{
  static const char *const words[] = { NULL, "宕机", "硬盘故障", "想咨询内存扩容方案" };
  static const char *const expect[4][3] = {
    { 0 }, { "P1", "P2", "P2" }, { "P2", "P3", "P3" }, { "P3", "P4", "P4" }
  };
  static const char *const tiers[] = { "gold", "silver", NULL };
  for (int s = 1; s <= 3; s++)
    for (int t = 0; t < 3; t++) {
      g_autoptr(ClassifierAsset) a = tiers[t] ? t_asset("RCS25A0012345", tiers[t], "2025-03-10") : NULL;
      g_autoptr(ParserRequest) req = t_request_full("RCS25A0012345", words[s], "北京市", "海淀区");
      g_autoptr(ClassifierResult) r = t_classify(req, a, "2026-11-23T10:00:00");
      cr_expect_eq((int)r->severity, s);
      cr_expect_str_eq(classifier_priority_name(r->priority), expect[s][t], "S%d × %s: expected %s, got %s",
                       s, tiers[t] ? tiers[t] : "unknown", expect[s][t],
                       classifier_priority_name(r->priority));
    }
}

/* Expired or not_covered: no better than P3. */
Test(priority, cap)
{
  typedef struct {
    const char *tier, *ship, *text, *received, *coverage, *priority;
  } CapCase;
  static const CapCase caps[] = {
    { "gold", "2025-03-10", "宕机", "2031-01-01T10:00:00", "expired", "P3" },             /* P1 → P3 */
    { "gold", "2025-03-10", "硬盘故障", "2031-01-01T10:00:00", "expired", "P3" },         /* P2 → P3 */
    { "silver", "2025-03-10", "想了解内存扩容", "2031-01-01T10:00:00", "expired", "P4" }, /* P4 stays */
    { "gold", "2025-03-10", "操作系统崩溃", "2026-01-01T10:00:00", "not_covered", "P3" }, /* P1 → P3 */
    { "gold", "2025-03-10", "需要续保，机器宕机过", "2026-01-01T10:00:00", "not_covered", "P3" },
    { "gold", "2025-03-10", "宕机", "2026-01-01T10:00:00", "covered", "P1" },
    { "gold", "2024-03-10", "宕机", "2026-01-01T10:00:00", "needs_review", "P1" }, /* review is not capped */
  };
  for (guint i = 0; i < G_N_ELEMENTS(caps); i++) {
    const CapCase *c = &caps[i];
    g_autoptr(ClassifierAsset) a = t_asset("RCS25A0012345", c->tier, c->ship);
    g_autoptr(ParserRequest) req = t_request_full(a->sn, c->text, "北京市", "海淀区");
    g_autoptr(ClassifierResult) r = t_classify(req, a, c->received);
    cr_expect_str_eq(classifier_coverage_name(r->coverage), c->coverage, "[%s] coverage %s", c->text,
                     classifier_coverage_name(r->coverage));
    cr_expect_str_eq(classifier_priority_name(r->priority), c->priority, "[%s %s] expected %s, got %s",
                     c->text, c->coverage, c->priority, classifier_priority_name(r->priority));
  }
}

Test(output, json_members)
{
  g_autoptr(ClassifierAsset) a = t_asset("RCS25M0123456", "gold", "2025-11-03");
  g_autoptr(ParserRequest) req = t_request_full(a->sn, "核心服务器宕机，业务中断", "北京市", "海淀区");
  g_autoptr(ClassifierResult) r = t_classify(req, a, "2026-11-21T23:26:30");
  g_autoptr(JsonBuilder) b = json_builder_new();
  json_builder_begin_object(b);
  json_builder_set_member_name(b, "sn");
  json_builder_add_string_value(b, "parser's");
  classifier_result_write_json(r, b);
  json_builder_end_object(b);
  g_autoptr(JsonNode) root = json_builder_get_root(b);
  JsonObject *o = json_node_get_object(root);
  static const char *const members[] = {
    "received_at", "kind",           "ignored_reason", "followup_of", "sn",
    "model",       "component",      "city",           "district",    "missing",
    "tier",        "warranty_start", "warranty_end",   "coverage",    "reasons",
    "severity",    "priority",       "onsite_class",   "sla"
  };
  for (guint i = 0; i < G_N_ELEMENTS(members); i++)
    cr_expect(json_object_has_member(o, members[i]), "member %s", members[i]);
  cr_expect_str_eq(json_object_get_string_member(o, "sn"), "RCS25M0123456",
                   "the classifier's value replaces");
  cr_expect_eq(json_object_get_size(o), json_object_get_size(o)); /* no duplicate keys: replaced in place */
  cr_expect_str_eq(json_object_get_string_member(o, "received_at"), "2026-11-21T23:26:30+08:00");
  cr_expect_str_eq(json_object_get_string_member(o, "priority"), "P1");
  cr_expect_str_eq(json_object_get_string_member(o, "tier"), "gold");
  cr_expect_str_eq(json_object_get_string_member(o, "warranty_start"), "2025-12-03");
  JsonObject *sla = json_object_get_object_member(o, "sla");
  cr_assert(sla);
  cr_expect_str_eq(json_object_get_string_member(sla, "clock"), "7x24");
  cr_expect_str_eq(json_object_get_string_member(sla, "response_due"), "2026-11-21T23:56:30+08:00");
  cr_expect_str_eq(json_object_get_string_member(sla, "plan_due"), "2026-11-22T03:26:30+08:00");
  cr_expect_str_eq(json_object_get_string_member(sla, "onsite_due"), "2026-11-22T03:26:30+08:00");
  JsonArray *missing = json_object_get_array_member(o, "missing");
  cr_expect_eq(json_array_get_length(missing), 0);
  g_autofree char *explain = classifier_result_explain(r);
  cr_expect(strstr(explain, "priority P1"), "%s", explain);
  cr_expect(strstr(explain, "severity S1"), "%s", explain);
  g_autofree char *reasons = classifier_result_reasons_json(r);
  cr_expect(strstr(reasons, "\"code\":\"in_warranty\""), "%s", reasons);
}

Test(output, missing_in_order)
{
  g_autoptr(ParserRequest) req = t_request(NULL, NULL);
  g_autoptr(ClassifierResult) r = t_classify(req, NULL, "2026-11-23T10:00:00");
  g_autofree const char **names = classifier_result_missing_names(r);
  g_autofree char *joined = g_strjoinv(",", (char **)names);
  cr_expect_str_eq(joined, "sn,model,symptoms,address,contact,phone,location");
  cr_expect_eq(r->onsite_class, CLASSIFIER_ONSITE_UNKNOWN);
  /* the registry fills model and location */
  g_autoptr(ClassifierAsset) a = t_asset("RCS25A0012345", "silver", "2025-03-10");
  a->city = g_strdup("天津市");
  g_autoptr(ParserRequest) req2 = t_request("RCS25A0012345", "硬盘故障");
  g_autoptr(ClassifierResult) r2 = t_classify(req2, a, "2026-11-23T10:00:00");
  g_autofree const char **n2 = classifier_result_missing_names(r2);
  g_autofree char *j2 = g_strjoinv(",", (char **)n2);
  cr_expect_str_eq(j2, "address,contact,phone");
}
