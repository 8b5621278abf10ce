/* Warranty dates (§3), years by component and tier (§4), parts orders, coverage and its reasons (§5). */
#include <criterion/criterion.h>

#include "common.h"

typedef struct {
  const char *name;
  const char *tier, *ship; /* asset */
  const char *basis, *invoice, *contract_start;
  guint contract_years;
  const char *software; /* ';'-separated or NULL */
  const char *symptoms;
  const char *received; /* local */
  const char *coverage, *component, *start, *end;
  const char *reason; /* a reason code that must be present, or NULL */
} WarrantyCase;

static ClassifierAsset *
make_asset(const WarrantyCase *c)
{
  ClassifierAsset *a = t_asset("RCS25A0000001", c->tier, c->ship);
  if (c->basis && g_str_equal(c->basis, "invoice"))
    a->warranty_basis = CLASSIFIER_BASIS_INVOICE;
  if (c->basis && g_str_equal(c->basis, "contract"))
    a->warranty_basis = CLASSIFIER_BASIS_CONTRACT;
  if (c->invoice)
    g_date_set_parse(&a->invoice_date, c->invoice);
  if (c->contract_start)
    g_date_set_parse(&a->contract_start, c->contract_start);
  a->contract_years = c->contract_years;
  if (c->software)
    a->software = g_strsplit(c->software, ";", -1);
  return a;
}

static const WarrantyCase cases[] = {
  /* basis ship: start = ship + 30; end = start + 365 × years, inclusive; a leap day inside the term is not added */
  { "silver 3y last covered day (leap 2028 inside)", "silver", "2025-03-10", NULL, NULL, NULL, 0, NULL,
    "内存报错", "2028-04-08T12:00:00", "covered", "machine_part", "2025-04-09", "2028-04-08", "in_warranty" },
  { "silver 3y the day after", "silver", "2025-03-10", NULL, NULL, NULL, 0, NULL, "内存报错",
    "2028-04-09T00:00:01", "expired", "machine_part", "2025-04-09", "2028-04-08", "warranty_expired" },
  { "gold 5y machine part", "gold", "2025-06-30", NULL, NULL, NULL, 0, NULL, "硬盘故障",
    "2030-07-29T23:59:59", "covered", "machine_part", "2025-07-30", "2030-07-29", NULL },
  { "gold 5y the day after", "gold", "2025-06-30", NULL, NULL, NULL, 0, NULL, "硬盘故障",
    "2030-07-30T00:00:00", "expired", "machine_part", "2025-07-30", "2030-07-29", NULL },
  { "ship + 30 crosses the year end", "silver", "2025-12-15", NULL, NULL, NULL, 0, NULL, "风扇异响",
    "2026-01-14T09:00:00", "covered", "machine_part", "2026-01-14", "2029-01-13", NULL },
  { "received before the start (new device) is covered", "silver", "2025-12-15", NULL, NULL, NULL, 0, NULL,
    "风扇异响", "2025-12-20T09:00:00", "covered", "machine_part", "2026-01-14", "2029-01-13", NULL },
  /* basis invoice: start = invoice date */
  { "basis invoice", "gold", "2025-05-20", "invoice", "2025-06-12", NULL, 0, NULL, "电源故障",
    "2030-06-11T10:00:00", "covered", "machine_part", "2025-06-12", "2030-06-11", NULL },
  { "basis invoice, day after", "gold", "2025-05-20", "invoice", "2025-06-12", NULL, 0, NULL, "电源故障",
    "2030-06-12T10:00:00", "expired", "machine_part", "2025-06-12", "2030-06-11", NULL },
  { "basis invoice without invoice_date", "gold", "2025-09-18", "invoice", NULL, NULL, 0, NULL, "电源故障",
    "2026-11-20T10:00:00", "needs_review", "machine_part", "null", "null", "warranty_basis_incomplete" },
  /* basis contract: start = contract_start; contract_years replaces machine_part/auxiliary/roycom years only */
  { "basis contract 5 years on silver", "silver", "2025-08-20", "contract", NULL, "2025-09-01", 5, NULL,
    "主板故障", "2030-08-31T10:00:00", "covered", "machine_part", "2025-09-01", "2030-08-31", NULL },
  { "contract years do not extend the GPU", "gold", "2025-08-20", "contract", NULL, "2025-09-01", 5, NULL,
    "第5张GPU掉卡", "2028-09-01T10:00:00", "expired", "gpu", "2025-09-01", "2028-08-31", NULL },
  { "GPU last day", "gold", "2025-08-20", "contract", NULL, "2025-09-01", 5, NULL, "GPU掉卡",
    "2028-08-31T10:00:00", "covered", "gpu", "2025-09-01", "2028-08-31", NULL },
  { "contract years shorten too", "gold", "2025-01-06", "contract", NULL, "2025-01-01", 1, NULL, "内存故障",
    "2026-01-02T10:00:00", "expired", "machine_part", "2025-01-01", "2026-01-01", NULL },
  { "contract years do not touch peripherals", "gold", "2025-01-06", "contract", NULL, "2025-01-01", 1, NULL,
    "键盘失灵", "2026-01-02T10:00:00", "covered", "peripheral", "2025-01-01", "2028-01-01", NULL },
  { "basis contract without contract_start", "silver", "2025-03-28", "contract", NULL, NULL, 3, NULL,
    "内存故障", "2026-11-20T10:00:00", "needs_review", "machine_part", "null", "null",
    "warranty_basis_incomplete" },
  /* the legacy cut-off */
  { "shipped 2024-12-31: legacy", "silver", "2024-12-31", NULL, NULL, NULL, 0, NULL, "内存故障",
    "2026-11-20T10:00:00", "needs_review", "machine_part", "null", "null", "legacy_policy" },
  { "shipped 2025-01-01: current policy", "silver", "2025-01-01", NULL, NULL, NULL, 0, NULL, "内存故障",
    "2026-11-20T10:00:00", "covered", "machine_part", "2025-01-31", "2028-01-31", NULL },
  /* each component × tier (start 2025-01-31: 3y → 2028-01-31, 5y → 2030-01-30) */
  { "machine_part silver", "silver", "2025-01-01", NULL, NULL, NULL, 0, NULL, "CPU报错",
    "2026-06-01T10:00:00", "covered", "machine_part", "2025-01-31", "2028-01-31", NULL },
  { "machine_part gold", "gold", "2025-01-01", NULL, NULL, NULL, 0, NULL, "RAID卡故障", "2026-06-01T10:00:00",
    "covered", "machine_part", "2025-01-31", "2030-01-30", NULL },
  { "auxiliary silver", "silver", "2025-01-01", NULL, NULL, NULL, 0, NULL, "导轨断了", "2026-06-01T10:00:00",
    "covered", "auxiliary", "2025-01-31", "2028-01-31", NULL },
  { "auxiliary gold", "gold", "2025-01-01", NULL, NULL, NULL, 0, NULL, "the optical module is faulty",
    "2026-06-01T10:00:00", "covered", "auxiliary", "2025-01-31", "2030-01-30", NULL },
  { "auxiliary power cord, not the PSU", "gold", "2025-01-01", NULL, NULL, NULL, 0, NULL, "电源线坏了",
    "2026-06-01T10:00:00", "covered", "auxiliary", "2025-01-31", "2030-01-30", NULL },
  { "peripheral silver", "silver", "2025-01-01", NULL, NULL, NULL, 0, NULL, "显示器不亮",
    "2026-06-01T10:00:00", "covered", "peripheral", "2025-01-31", "2028-01-31", NULL },
  { "peripheral gold", "gold", "2025-01-01", NULL, NULL, NULL, 0, NULL, "keyboard broken",
    "2026-06-01T10:00:00", "covered", "peripheral", "2025-01-31", "2028-01-31", NULL },
  { "other_material silver", "silver", "2025-01-01", NULL, NULL, NULL, 0, NULL, "交换机端口故障",
    "2026-06-01T10:00:00", "covered", "other_material", "2025-01-31", "2028-01-31", NULL },
  { "other_material gold", "gold", "2025-01-01", NULL, NULL, NULL, 0, NULL, "UPS alarm",
    "2026-06-01T10:00:00", "covered", "other_material", "2025-01-31", "2028-01-31", NULL },
  { "gpu silver", "silver", "2025-01-01", NULL, NULL, NULL, 0, NULL, "显卡掉卡", "2026-06-01T10:00:00",
    "covered", "gpu", "2025-01-31", "2028-01-31", NULL },
  { "gpu gold", "gold", "2025-01-01", NULL, NULL, NULL, 0, NULL, "GPU not detected", "2026-06-01T10:00:00",
    "covered", "gpu", "2025-01-31", "2028-01-31", NULL },
  { "a GPU server's memory is a machine part", "gold", "2025-01-01", NULL, NULL, NULL, 0, NULL,
    "GPU服务器内存报错", "2026-06-01T10:00:00", "covered", "machine_part", "2025-01-31", "2030-01-30", NULL },
  { "roycom_software silver bundled", "silver", "2025-01-01", NULL, NULL, NULL, 0, "SuperHCI",
    "SuperHCI平台无法登录", "2026-06-01T10:00:00", "covered", "roycom_software", "2025-01-31", "2028-01-31",
    NULL },
  { "roycom_software gold bundled", "gold", "2025-01-01", NULL, NULL, NULL, 0, "SuperAI;VMware vSphere",
    "SuperAI 调度服务报错", "2026-06-01T10:00:00", "covered", "roycom_software", "2025-01-31", "2030-01-30",
    NULL },
  { "roycom_software not bundled", "gold", "2025-01-01", NULL, NULL, NULL, 0, NULL, "RoycomONE 无法登录",
    "2026-06-01T10:00:00", "not_covered", "roycom_software", "2025-01-31", "2030-01-30", "customer_scope" },
  { "other_software listed", "gold", "2025-01-01", NULL, NULL, NULL, 0, "SuperAI;VMware vSphere",
    "VMware 虚拟机无法启动", "2026-06-01T10:00:00", "covered", "other_software", "2025-01-31", "2028-01-31",
    NULL },
  { "other_software silver", "silver", "2025-01-01", NULL, NULL, NULL, 0, "Red Hat Enterprise Linux",
    "Red Hat 订阅报错", "2026-06-01T10:00:00", "covered", "other_software", "2025-01-31", "2028-01-31",
    NULL },
  /* other names of the listed software (intake.software_aliases) */
  { "ESXi and vCenter name VMware vSphere", "gold", "2025-01-01", NULL, NULL, NULL, 0,
    "SuperAI;VMware vSphere", "vCenter 里这台 ESXi 主机显示未响应，hostd 服务反复重启", "2026-06-01T10:00:00",
    "covered", "other_software", "2025-01-31", "2028-01-31", NULL },
  { "麒麟 names Kylin V10", "silver", "2025-01-01", NULL, NULL, NULL, 0, "SuperAI;Kylin V10",
    "银河麒麟系统启动报错", "2026-06-01T10:00:00", "covered", "other_software", "2025-01-31", "2028-01-31",
    NULL },
  { "ESXi without VMware listed is the customer's", "gold", "2025-01-01", NULL, NULL, NULL, 0, "SuperAI",
    "ESXi 主机显示未响应", "2026-06-01T10:00:00", "not_covered", "system", "2025-01-31", "null",
    "customer_scope" },
  { "a program short of memory in a pasted ESXi log is no DIMM", "gold", "2025-01-01", NULL, NULL, NULL, 0,
    "VMware vSphere", "hostd 反复重启，hostd.log 里一直报 Failed to allocate memory", "2026-06-01T10:00:00",
    "covered", "other_software", "2025-01-31", "2028-01-31", NULL },
  { "a GPU training node's memory is a machine part", "gold", "2025-01-01", NULL, NULL, NULL, 0, NULL,
    "GPU 训练节点宕机，CPU1 DIMM A1 内存报错", "2026-06-01T10:00:00", "covered", "machine_part", "2025-01-31",
    "2030-01-30", NULL },
  { "a host named sz-gpu-a07 with a disk fault", "gold", "2025-01-01", NULL, NULL, NULL, 0, NULL,
    "主机 sz-gpu-a07 硬盘亮红灯", "2026-06-01T10:00:00", "covered", "machine_part", "2025-01-31",
    "2030-01-30", NULL },
  /* blind round 9: what the text says is fine, a platform's GPU count and a crash seen on the
   * monitor name no component */
  { "hardware said to be fine beside a SuperHCI problem", "gold", "2025-01-01", NULL, NULL, NULL, 0,
    "SuperHCI", "SuperHCI 控制台里节点离线，机器本身 ping 得通，BMC 里硬件状态全绿", "2026-06-01T10:00:00",
    "covered", "roycom_software", "2025-01-31", "2030-01-30", NULL },
  { "a platform's available GPUs are no GPU fault", "silver", "2025-01-01", NULL, NULL, NULL, 0, NULL,
    "SuperAI 平台提交训练任务一直报错，首页显示 0 个可用 GPU", "2026-06-01T10:00:00", "not_covered",
    "roycom_software", "2025-01-31", "2028-01-31", "customer_scope" },
  { "a crash seen on the monitor and keyboard is no peripheral fault", "gold", "2025-01-01", NULL, NULL, NULL,
    0, NULL, "死机了，业务中断，接显示器屏幕无输出，键盘无响应", "2026-06-01T10:00:00", "covered", "unknown",
    "2025-01-31", "2030-01-30", NULL },
  { "a disk fault in ESXi is hardware", "gold", "2025-01-01", NULL, NULL, NULL, 0, "VMware vSphere",
    "ESXi 里看到硬盘报错", "2026-06-01T10:00:00", "covered", "machine_part", "2025-01-31", "2030-01-30",
    NULL },
  { "software not listed is the customer's", "gold", "2025-01-01", NULL, NULL, NULL, 0, "SuperAI",
    "VMware 虚拟机无法启动", "2026-06-01T10:00:00", "not_covered", "system", "2025-01-31", "null",
    "customer_scope" },
  { "operating system", "silver", "2025-01-01", NULL, NULL, NULL, 0, NULL, "操作系统蓝屏，驱动装不上",
    "2026-06-01T10:00:00", "not_covered", "system", "2025-01-31", "null", "customer_scope" },
  { "a crash naming no component is unknown", "silver", "2025-01-01", NULL, NULL, NULL, 0, NULL, "系统崩溃了",
    "2026-06-01T10:00:00", "covered", "unknown", "2025-01-31", "2028-01-31", NULL },
  { "unknown gold: like machine_part", "gold", "2025-01-01", NULL, NULL, NULL, 0, NULL, "服务器宕机",
    "2026-06-01T10:00:00", "covered", "unknown", "2025-01-31", "2030-01-30", NULL },
  { "hardware wins over a negated clause", "gold", "2025-01-01", NULL, NULL, NULL, 0, "SuperAI",
    "SuperAI平台登录不了。服务器本身硬件看着正常，BMC 没有告警。", "2026-06-01T10:00:00", "covered",
    "roycom_software", "2025-01-31", "2030-01-30", NULL },
};

Test(warranty, table)
{
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    const WarrantyCase *c = &cases[i];
    g_autoptr(ClassifierAsset) a = make_asset(c);
    g_autoptr(ParserRequest) req = t_request_full(a->sn, c->symptoms, "北京市", "海淀区");
    g_autoptr(ClassifierResult) r = t_classify(req, a, c->received);
    g_autofree char *s = t_date(&r->warranty_start), *e = t_date(&r->warranty_end),
                    *codes = t_reason_codes(r);
    const char *cov = classifier_coverage_name(r->coverage);
    cr_expect_str_eq(cov ? cov : "null", c->coverage, "[%s] coverage: expected %s, got %s (reasons %s)",
                     c->name, c->coverage, cov, codes);
    cr_expect_str_eq(classifier_component_name(r->component), c->component,
                     "[%s] component: expected %s, got %s", c->name, c->component,
                     classifier_component_name(r->component));
    cr_expect_str_eq(s, c->start, "[%s] start: expected %s, got %s", c->name, c->start, s);
    cr_expect_str_eq(e, c->end, "[%s] end: expected %s, got %s", c->name, c->end, e);
    if (c->reason)
      cr_expect(t_has_reason(r, c->reason), "[%s] reason %s expected, got [%s]", c->name, c->reason, codes);
  }
}

/* Parts orders: supermicro year 1 covered, years 2-3 chargeable, then expired; other brands 3 years. */
typedef struct {
  const char *brand, *received, *coverage;
} PartsCase;

static const PartsCase parts[] = {
  /* ship 2025-01-10 → start 2025-02-09; year 1 ends 2026-02-09, year 3 ends 2028-02-09 */
  { "supermicro", "2025-03-01T10:00:00", "covered" },
  { "supermicro", "2026-02-09T23:00:00", "covered" },
  { "supermicro", "2026-02-10T08:00:00", "chargeable" },
  { "supermicro", "2027-06-01T10:00:00", "chargeable" },
  { "supermicro", "2028-02-09T10:00:00", "chargeable" },
  { "supermicro", "2028-02-10T10:00:00", "expired" },
  { "supermicro", "2029-06-01T10:00:00", "expired" },
  { "other", "2026-02-10T10:00:00", "covered" },
  { "other", "2027-06-01T10:00:00", "covered" },
  { "other", "2028-02-09T10:00:00", "covered" },
  { "other", "2028-02-10T10:00:00", "expired" },
};

Test(warranty, parts_orders)
{
  for (guint i = 0; i < G_N_ELEMENTS(parts); i++) {
    const PartsCase *c = &parts[i];
    g_autoptr(ClassifierAsset) a = t_asset("OS25SM0040211", "silver", "2025-01-10");
    a->kind = CLASSIFIER_ASSET_PART;
    a->brand = g_strdup(c->brand);
    g_autoptr(ParserRequest) req =
      t_request_full(a->sn, "内存条坏了 memory DIMM failure", "天津市", "南开区");
    g_autoptr(ClassifierResult) r = t_classify(req, a, c->received);
    g_autofree char *s = t_date(&r->warranty_start), *e = t_date(&r->warranty_end),
                    *codes = t_reason_codes(r);
    cr_expect_str_eq(classifier_coverage_name(r->coverage), c->coverage, "[%s %s] expected %s, got %s (%s)",
                     c->brand, c->received, c->coverage, classifier_coverage_name(r->coverage), codes);
    cr_expect_str_eq(s, "2025-02-09");
    cr_expect_str_eq(e, "2028-02-09");
    cr_expect_null(r->onsite_due, "parts orders get no on-site deadline");
    if (g_str_equal(c->coverage, "chargeable"))
      cr_expect(r->has_sla, "chargeable keeps its SLA");
    /* what is free until when: a supermicro part's first year, another brand's whole term */
    g_autofree char *until = t_date(&r->covered_until);
    gboolean free_year = g_str_equal(c->brand, "supermicro") && g_str_equal(c->coverage, "covered");
    cr_expect_str_eq(until, free_year ? "2026-02-09" : "null", "[%s %s] covered_until", c->brand,
                     c->received);
  }
}

/* §5.3: every exclusion code, Chinese and English: needs_review with the evidence, never a refusal. */
typedef struct {
  const char *code, *text, *evidence_part;
} ExclusionCase;

static const ExclusionCase exclusions[] = {
  { "physical_damage", "搬运时服务器摔了一下，之后无法开机", "摔" },
  { "physical_damage", "机器进水了", "进水" },
  { "physical_damage", "the server was dropped during delivery", "dropped" },
  { "physical_damage", "外壳破损，硬盘报错", "外壳破损" },
  { "force_majeure", "上周雷击后电源坏了", "雷击" },
  { "force_majeure", "机房火灾后无法开机", "火灾" },
  { "force_majeure", "damaged in the flood", "flood" },
  { "environment", "机房温度过高达到40度，服务器自动关机", "机房温度" },
  { "environment", "液冷水质不合格导致漏液", "水质" },
  { "environment", "液冷管路流量偏低", "流量" },
  { "environment", "现场电压不稳", "电压" },
  { "environment", "humidity in the room is 95%", "humidity" },
  { "unauthorized_change", "我们自行更换了内存后无法开机", "自行更换" },
  { "unauthorized_change", "加装了第三方配件的网卡", "第三方配件" },
  { "unauthorized_change", "we installed third-party parts", "third-party parts" },
  { "label_tampered", "机器的SN标签被撕掉了", "标签" },
  { "label_tampered", "the label is missing", "label" },
  { "disk_marked", "硬盘上用记号笔做了标记", "标记" },
  { "ssd_wear", "SSD 寿命耗尽，写入量超了", "寿命" },
  { "ssd_wear", "M.2 盘 TBW 用完了", "tbw" },
  { "ssd_wear", "SataDom wear-out reported", "wear" },
  { "pirated_software", "装了破解版的Windows", "破解" },
  { "pirated_software", "pirated license", "pirated" },
  { "relocation", "机房搬迁后服务器开不了机", "搬迁" },
  { "relocation", "after we relocated the rack it does not boot", "relocated" },
};

Test(coverage, exclusions)
{
  for (guint i = 0; i < G_N_ELEMENTS(exclusions); i++) {
    const ExclusionCase *c = &exclusions[i];
    g_autoptr(ClassifierAsset) a = t_asset("RCS25A0012345", "silver", "2025-03-10");
    g_autoptr(ParserRequest) req = t_request_full(a->sn, c->text, "北京市", "海淀区");
    g_autoptr(ClassifierResult) r = t_classify(req, a, "2026-11-23T10:00:00");
    g_autofree char *codes = t_reason_codes(r);
    cr_expect_eq(r->coverage, CLASSIFIER_COVERAGE_NEEDS_REVIEW, "[%s] \"%s\": coverage %s (%s)", c->code,
                 c->text, classifier_coverage_name(r->coverage), codes);
    gboolean found = FALSE;
    for (guint j = 0; j < r->reasons->len; j++) {
      ClassifierReason *x = r->reasons->pdata[j];
      if (g_str_equal(x->code, c->code)) {
        found = TRUE;
        g_autofree char *low = g_ascii_strdown(x->evidence, -1);
        cr_expect(strstr(low, c->evidence_part), "[%s] evidence \"%s\" lacks \"%s\"", c->code, x->evidence,
                  c->evidence_part);
      }
    }
    cr_expect(found, "[%s] \"%s\": reasons [%s]", c->code, c->text, codes);
    cr_expect(r->has_sla, "[%s] needs_review keeps the SLA", c->code);
  }
}

/* Words that look like exclusions but are not. */
Test(coverage, no_false_exclusions)
{
  static const char *const texts[] = {
    "网络流量很大时网卡掉线",
    "BMC 固件升级后风扇告警",
    "SN标签在机器顶部",
    "firmware update failed",
    "SSD 报错",
    "内存条坏了",
    "the fan is noisy",
  };
  for (guint i = 0; i < G_N_ELEMENTS(texts); i++) {
    g_autoptr(ClassifierAsset) a = t_asset("RCS25A0012345", "silver", "2025-03-10");
    g_autoptr(ParserRequest) req = t_request_full(a->sn, texts[i], "北京市", "海淀区");
    g_autoptr(ClassifierResult) r = t_classify(req, a, "2026-11-23T10:00:00");
    g_autofree char *codes = t_reason_codes(r);
    cr_expect_eq(r->coverage, CLASSIFIER_COVERAGE_COVERED, "\"%s\": %s [%s]", texts[i],
                 classifier_coverage_name(r->coverage), codes);
  }
}

Test(coverage, order_of_rules)
{
  /* 1 before 2: unknown SN */
  {
    g_autoptr(ParserRequest) req = t_request_full("RCS99Z9999999", "摔坏了", "北京市", "海淀区");
    g_autoptr(ClassifierResult) r = t_classify(req, NULL, "2026-11-23T10:00:00");
    g_autofree char *codes = t_reason_codes(r);
    cr_expect_str_eq(codes, "sn_unknown");
    cr_expect_eq(r->coverage, CLASSIFIER_COVERAGE_NEEDS_REVIEW);
    cr_expect_null(r->tier ? "x" : NULL);
    cr_expect_str_eq(r->sn, "RCS99Z9999999");
  }
  /* no SN at all */
  {
    g_autoptr(ParserRequest) req = t_request_full(NULL, "硬盘故障", "乌鲁木齐市", NULL);
    g_autoptr(ClassifierResult) r = t_classify(req, NULL, "2026-11-23T10:00:00");
    g_autofree char *codes = t_reason_codes(r);
    cr_expect_str_eq(codes, "sn_missing");
    cr_expect(r->missing & (1u << CLASSIFIER_FIELD_SN));
  }
  /* 2 before 3: legacy wins over an exclusion */
  {
    g_autoptr(ClassifierAsset) a = t_asset("RCS24C0034567", "silver", "2024-12-18");
    g_autoptr(ParserRequest) req = t_request_full(a->sn, "搬迁后无法开机", "天津市", "西青区");
    g_autoptr(ClassifierResult) r = t_classify(req, a, "2026-11-23T10:00:00");
    g_autofree char *codes = t_reason_codes(r);
    cr_expect_str_eq(codes, "legacy_policy");
  }
  /* 3 before 4: an exclusion on a system problem is still review */
  {
    g_autoptr(ClassifierAsset) a = t_asset("RCS25A0012345", "gold", "2025-03-10");
    g_autoptr(ParserRequest) req = t_request_full(a->sn, "装了盗版操作系统", "北京市", "海淀区");
    g_autoptr(ClassifierResult) r = t_classify(req, a, "2026-11-23T10:00:00");
    g_autofree char *codes = t_reason_codes(r);
    cr_expect_str_eq(codes, "pirated_software");
    cr_expect_eq(r->coverage, CLASSIFIER_COVERAGE_NEEDS_REVIEW);
  }
  /* 4 before 5: a system problem on an expired device is the customer's scope */
  {
    g_autoptr(ClassifierAsset) a = t_asset("RCS25A0012345", "silver", "2025-03-10");
    g_autoptr(ParserRequest) req = t_request_full(a->sn, "数据库连不上", "北京市", "海淀区");
    g_autoptr(ClassifierResult) r = t_classify(req, a, "2029-11-23T10:00:00");
    g_autofree char *codes = t_reason_codes(r);
    cr_expect_str_eq(codes, "customer_scope");
    cr_expect_eq(r->kind, CLASSIFIER_KIND_SOFTWARE);
  }
  /* value-added: always not_covered, whatever the SN */
  {
    g_autoptr(ParserRequest) req =
      t_request_full(NULL, "新机器需要上架安装和系统安装，请报价", "廊坊市", "固安县");
    g_autoptr(ClassifierResult) r = t_classify(req, NULL, "2026-11-16T15:44:31");
    g_autofree char *codes = t_reason_codes(r);
    cr_expect_eq(r->kind, CLASSIFIER_KIND_VALUE_ADDED);
    cr_expect_str_eq(codes, "value_added_service");
    cr_expect_eq(r->coverage, CLASSIFIER_COVERAGE_NOT_COVERED);
    cr_expect_not(r->has_sla);
  }
}

Test(sn, candidate_and_model)
{
  /* an unlabelled candidate equal to a registered SN counts as the SN */
  g_autoptr(ClassifierAsset) a = t_asset("RCS25K0101234", "silver", "2025-04-22");
  g_autoptr(ParserRequest) req = t_request_full(NULL, "BMC报错", "杭州市", "西湖区");
  g_ptr_array_add(req->sn_candidates, g_strdup("RCS25K0101234"));
  g_auto(GStrv) keys = classifier_request_sn_keys(req);
  cr_expect_str_eq(keys[0], "RCS25K0101234");
  const ClassifierAsset *found[] = { a };
  const ClassifierAsset *picked = classifier_asset_pick(req, found, 1);
  cr_assert_eq(picked, a);
  g_autoptr(ClassifierResult) r = t_classify(req, picked, "2026-11-17T10:20:14");
  cr_expect_str_eq(r->sn, "RCS25K0101234");
  cr_expect_not(r->missing & (1u << CLASSIFIER_FIELD_SN));
  /* the registry's model wins; a disagreement is model_mismatch */
  g_free(req->model);
  req->model = g_strdup("SYS-120U-TNR");
  g_autoptr(ClassifierResult) r2 = t_classify(req, picked, "2026-11-17T10:20:14");
  cr_expect(t_has_reason(r2, "model_mismatch"));
  cr_expect_str_eq(r2->model, "RC-R2290 G5");
  /* spelling differences are no mismatch */
  g_free(req->model);
  req->model = g_strdup("rc r2290g5");
  g_autoptr(ClassifierResult) r3 = t_classify(req, picked, "2026-11-17T10:20:14");
  cr_expect_not(t_has_reason(r3, "model_mismatch"));
  /* the registry fills a missing model */
  g_clear_pointer(&req->model, g_free);
  g_autoptr(ClassifierResult) r4 = t_classify(req, picked, "2026-11-17T10:20:14");
  cr_expect_str_eq(r4->model, "RC-R2290 G5");
  cr_expect_eq(r4->missing, 0u);
}

Test(sn, keys_order_and_pick)
{
  g_autoptr(ParserRequest) req = t_request("rcs1234567", "x");
  g_ptr_array_add(req->sn_candidates, g_strdup("RCS7654321"));
  g_ptr_array_add(req->sn_candidates, g_strdup("RCS1234567"));
  g_auto(GStrv) keys = classifier_request_sn_keys(req);
  /* the SNs as written first; their look-alike forms (RCSI234567, …) only after them */
  cr_assert_gt(g_strv_length(keys), 2);
  cr_expect_str_eq(keys[0], "RCS1234567");
  cr_expect_str_eq(keys[1], "RCS7654321");
  g_autoptr(ClassifierAsset) a = t_asset("RCS7654321", "gold", "2025-04-22");
  g_autoptr(ClassifierAsset) b = t_asset("RCS1234567", "silver", "2025-04-22");
  const ClassifierAsset *found[] = { a, b };
  cr_expect_eq(classifier_asset_pick(req, found, 2), b, "the labelled SN comes first");
  cr_expect_eq(classifier_asset_pick(req, found, 1), a);
  cr_expect_null(classifier_asset_pick(req, found, 0));
}
