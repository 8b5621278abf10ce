/* bench_classify: microseconds per classifier_classify on typical requests (not run by ctest).
 * Usage: bench_classify [iterations]  — prints the mean and the per-case means. */
#include <stdio.h>
#include <stdlib.h>

#include "common.h"

typedef struct {
  const char *name, *subject, *symptoms, *city, *district, *tier, *received;
} BenchCase;

static const BenchCase cases[] = {
  { "gold S1 outage, Saturday night", "【紧急】核心服务器宕机 业务中断",
    "我们的核心业务服务器 RCS25M0123456 刚才 23:10 左右突然宕机，现在无法开机，按电源键风扇转一下就停，BMC "
    "能登录但是显示 "
    "\"System Power: Off\"，报 \"PSU AC "
    "lost\"，业务已经中断了！！两路电源都换过PDU插座了，还是一样。请马上安排工程师！！",
    "北京市", "海淀区", "gold", "2026-11-21T23:26:30" },
  { "silver red LED before a holiday", "服务器亮红灯 开不了机", "你好 这台早上开不了机 前面板亮红灯 急",
    "北京", "海淀", "silver", "2026-09-30T16:50:00" },
  { "English GPU fault", "GPU fault on node 7",
    "Hello team, nvidia-smi only shows 7 of 8 GPUs, dmesg reports Xid 79 errors; a reboot did not help. The "
    "machine is in "
    "our Haidian data centre. Please advise the next steps and arrange an engineer.",
    "Beijing", "Haidian District", "gold", "2026-11-05T10:12:03" },
  { "relocation exclusion", "机房搬迁后服务器开不了机",
    "我们上周五机房搬迁（从高新区搬到经开区），搬完以后其中一台服务器开不了机了，其他几台都正常。开机后前面板"
    " i 灯闪红，BMC 报 "
    "\"Backplane presence fault\"。",
    "西安市", "未央区", "silver", "2026-11-23T09:04:50" },
  { "traditional Chinese (t2s copy)", "伺服器無法開機 請安排維修",
    "我司於深圳的伺服器今早無法開機，按電源鍵後電源燈不亮，風扇亦無轉動。記憶體之前有報錯，硬碟正常。",
    "深圳市", "南山区", "silver", "2026-11-24T10:00:00" },
  { "unregistered consultation", "请问BMC固件如何升级",
    "请问一下这台机器的BMC固件如何升级？现在版本是 "
    "01.01.10，看官网有新版本了，自己升级会不会影响保修？另外BIOS要不要一起升？",
    "杭州市", "西湖区", NULL, "2026-11-17T10:20:14" },
};

int
main(int argc, char **argv)
{
  guint iterations = argc > 1 ? (guint)strtoul(argv[1], NULL, 10) : 20000;
  const ClassifierPolicy *p = t_policy();
  ParserRequest *reqs[G_N_ELEMENTS(cases)];
  ClassifierAsset *assets[G_N_ELEMENTS(cases)];
  GDateTime *times[G_N_ELEMENTS(cases)];
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    reqs[i] = t_request_full("RCS25M0123456", cases[i].symptoms, cases[i].city, cases[i].district);
    g_free(reqs[i]->subject);
    reqs[i]->subject = g_strdup(cases[i].subject);
    assets[i] = cases[i].tier ? t_asset("RCS25M0123456", cases[i].tier, "2025-11-03") : NULL;
    times[i] = t_time(cases[i].received);
  }
  double total = 0;
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    for (guint w = 0; w < 200; w++) /* warm up */
      classifier_result_free(classifier_classify(p, reqs[i], assets[i], times[i], NULL));
    gint64 t0 = g_get_monotonic_time();
    for (guint n = 0; n < iterations; n++)
      classifier_result_free(classifier_classify(p, reqs[i], assets[i], times[i], NULL));
    double us = (double)(g_get_monotonic_time() - t0) / iterations;
    total += us;
    printf("%-36s %7.2f us/classify\n", cases[i].name, us);
  }
  printf("%-36s %7.2f us/classify (%u iterations each, including result free)\n", "mean",
         total / G_N_ELEMENTS(cases), iterations);
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    parser_request_free(reqs[i]);
    classifier_asset_free(assets[i]);
    g_date_time_unref(times[i]);
  }
  return 0;
}
