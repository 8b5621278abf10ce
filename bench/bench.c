/* bench.c: generates ≥10,000 realistic customer mails (4–200 KB) and times parse+extract (parser_parse) against bare GMime (parse, walk, decode text) on one core, same mails, same run. */
#include "parser.h"

#include <gmime/gmime.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const names[] = { "王磊",   "刘镕",   "陈晓燕", "黄志强", "沈佳怡",
                                     "赵志刚", "李海峰", "孙建国", "吴喆",   "马晓东" };
static const char *const places[] = {
  "北京市海淀区上地信息路11号彩虹大厦3层机房",           "天津市西青区华苑产业区海泰西路18号A座2层",
  "四川省成都市高新区天府大道中段1388号美年广场A座12楼", "深圳市南山区科技园科苑路15号科兴科学园B栋4楼",
  "上海市浦东新区张江高科技园区碧波路690号2号楼",        "河北省石家庄市裕华区槐安东路106号联通大厦5层",
  "陕西省西安市未央区凤城十二路1号 经开数据中心3楼",     "杭州市西湖区文三路90号东部软件园2号楼"
};
static const char *const problems[] = {
  "服务器前面板亮红灯，BMC 报 \"PS2 Power Supply Failure Detected\"，业务暂未中断。",
  "RAID卡告警，阵列中第3块硬盘状态显示为 Failed，逻辑盘降级。",
  "今天早上开不了机，按电源键没有任何反应，电源灯也不亮。",
  "BMC里面看到内存报错 Correctable ECC，昨晚开始变成 Uncorrectable ECC，系统重启了两次。",
  "nvidia-smi只能识别到7张卡，第5张GPU掉卡，dmesg中有Xid 79报错。",
  "风扇异响很厉害，FAN3 转速掉到0，CPU温度过热报警。"
};
static const char *const log_lines[] = {
  "Nov 20 03:41:07 node12 kernel: mce: [Hardware Error]: CPU 12: Machine Check Exception: 5 Bank 7: "
  "be00000000800400\n",
  "Nov 20 03:41:08 node12 kernel: EDAC MC0: 1 CE memory read error on CPU_SrcID#0_Ha#0_Chan#1_DIMM#0\n",
  "2026-11-20T03:41:09 megaraid_sas 0000:3b:00.0: PD 06 is now OFFLINE, Event log seq 0x1f2e\n",
  "SEL 0x1a3 | 11/20/2026 | 03:41:10 | Power Supply PS2 | Failure detected | Asserted\n"
};

static void
append_base64_block(GString *out, gsize raw_bytes, GRand *rng)
{
  guchar *buf = g_malloc(raw_bytes);
  for (gsize i = 0; i < raw_bytes; i++)
    buf[i] = (guchar)g_rand_int_range(rng, 0, 256);
  g_autofree char *b64 = g_base64_encode(buf, raw_bytes);
  g_free(buf);
  gsize n = strlen(b64);
  for (gsize i = 0; i < n; i += 76) {
    g_string_append_len(out, b64 + i, MIN(76, n - i));
    g_string_append_c(out, '\n');
  }
}

static char *
encode_b64_lines(const char *data, gsize len)
{
  g_autofree char *b64 = g_base64_encode((const guchar *)data, len);
  GString *s = g_string_new(NULL);
  gsize n = strlen(b64);
  for (gsize i = 0; i < n; i += 76) {
    g_string_append_len(s, b64 + i, MIN(76, n - i));
    g_string_append_c(s, '\n');
  }
  return g_string_free(s, FALSE);
}

/* One mail of about target bytes: a customer text (UTF-8 or GB18030, plain or with an HTML
 * alternative, sometimes a quoted reply or a pasted log) and, to reach the size, attachments. */
static GString *
make_mail(guint i, gsize target, GRand *rng)
{
  const char *name = names[g_rand_int_range(rng, 0, G_N_ELEMENTS(names))];
  const char *place = places[g_rand_int_range(rng, 0, G_N_ELEMENTS(places))];
  const char *problem = problems[g_rand_int_range(rng, 0, G_N_ELEMENTS(problems))];
  GString *text = g_string_new(NULL);
  g_string_append_printf(text,
                         "您好，\n我们的服务器出现问题：%s\n序列号：RCS25%c%07u\n型号：RC-R2290 G5\n"
                         "地址：%s\n联系人：%s 电话：1%u%09u\n",
                         problem, 'A' + i % 12, i, place, name, 3 + i % 7,
                         g_rand_int_range(rng, 0, 999999999));
  gboolean big_text = g_rand_int_range(rng, 0, 10) == 0;
  if (big_text) {
    g_string_append(text, "日志如下：\n");
    while (text->len < target / 2)
      g_string_append(text, log_lines[g_rand_int_range(rng, 0, G_N_ELEMENTS(log_lines))]);
  }
  g_string_append_printf(text, "谢谢！\n--\n%s\n某某科技有限公司 信息中心\n总机：010-6666 8888\n", name);
  if (g_rand_int_range(rng, 0, 3) == 0)
    g_string_append_printf(
      text,
      "\n在 2026年11月19日 10:15，融科联创服务支持 <service@roycom.com.cn> 写道：\n"
      "> 您好，我们已收到您的报修（工单号 RC20261119-%04u）。\n> 服务热线 400-018-8995\n",
      i % 10000);
  gboolean gb = g_rand_int_range(rng, 0, 3) == 0;
  gboolean html = g_rand_int_range(rng, 0, 2) == 0;
  g_autofree char *body_bytes = NULL;
  gsize body_len = 0;
  if (gb)
    body_bytes = g_convert(text->str, text->len, "GB18030", "UTF-8", NULL, &body_len, NULL);
  if (!body_bytes) {
    body_bytes = g_strdup(text->str);
    body_len = text->len;
    gb = FALSE;
  }
  const char *cs = gb ? "gb2312" : "utf-8";

  GString *m = g_string_sized_new(target + 4096);
  g_string_append_printf(
    m,
    "Return-Path: <user%u@example.cn>\nReceived: from mx (mx [10.0.0.1]) by mx.roycom.com.cn; "
    "Mon, 2 Nov 2026 09:47:31 +0800\nFrom: =?UTF-8?B?5byg5LiJ?= <user%u@example.cn>\n"
    "To: service@roycom.com.cn\nSubject: =?UTF-8?B?5pyN5Yqh5Zmo5pWF6Zqc5oql5L+u?= %u\n"
    "Date: Mon, 2 Nov 2026 09:47:12 +0800\nMessage-ID: <bench.%u@example.cn>\nMIME-Version: 1.0\n"
    "Content-Type: multipart/mixed; boundary=\"mixed-%u\"\n\n",
    i, i, i, i, i);
  g_string_append_printf(m, "--mixed-%u\n", i);
  g_autofree char *b64 = encode_b64_lines(body_bytes, body_len);
  if (html) {
    g_autoptr(GString) h = g_string_new("<html><body><table>");
    g_auto(GStrv) lines = g_strsplit(text->str, "\n", -1);
    for (guint k = 0; lines[k]; k++)
      g_string_append_printf(h, "<tr><td>%s</td></tr>\n", lines[k]);
    g_string_append(h, "</table></body></html>");
    g_autofree char *hb64 = encode_b64_lines(h->str, h->len);
    g_string_append_printf(m, "Content-Type: multipart/alternative; boundary=\"alt-%u\"\n\n--alt-%u\n", i, i);
    g_string_append_printf(
      m, "Content-Type: text/plain; charset=\"%s\"\nContent-Transfer-Encoding: base64\n\n%s", cs, b64);
    g_string_append_printf(
      m, "--alt-%u\nContent-Type: text/html; charset=\"utf-8\"\nContent-Transfer-Encoding: base64\n\n%s", i,
      hb64);
    g_string_append_printf(m, "--alt-%u--\n", i);
  } else {
    g_string_append_printf(
      m, "Content-Type: text/plain; charset=\"%s\"\nContent-Transfer-Encoding: base64\n\n%s", cs, b64);
  }
  /* Attachments (photos, logs) fill the mail to its size. */
  guint att = 0;
  while (m->len + 200 < target) {
    gsize room = (target - m->len) * 3 / 4;
    gsize chunk = MIN(room, (gsize)g_rand_int_range(rng, 2000, 120000));
    g_string_append_printf(m,
                           "--mixed-%u\nContent-Type: image/jpeg; name=\"IMG_%u_%u.jpg\"\n"
                           "Content-Disposition: attachment; filename=\"IMG_%u_%u.jpg\"\n"
                           "Content-Transfer-Encoding: base64\n\n",
                           i, i, att, i, att);
    append_base64_block(m, chunk, rng);
    att++;
  }
  g_string_append_printf(m, "--mixed-%u--\n", i);
  g_string_free(text, TRUE);
  return m;
}

/* The baseline: GMime parses, walks the parts and decodes each text part to UTF-8. */
static void
decode_text(GMimeObject *parent, GMimeObject *part, gpointer user_data)
{
  if (GMIME_IS_TEXT_PART(part)) {
    char *t = g_mime_text_part_get_text(GMIME_TEXT_PART(part));
    *(gsize *)user_data += t ? strlen(t) : 0;
    g_free(t);
  }
}

/* Not inlined, so callgrind can count each side alone (--toggle-collect=bare_gmime / parse_extract). */
G_GNUC_NO_INLINE static gsize
bare_gmime(GPtrArray *mails)
{
  gsize sink = 0;
  for (guint i = 0; i < mails->len; i++) {
    GString *m = g_ptr_array_index(mails, i);
    GMimeStream *stream = g_mime_stream_mem_new_with_buffer(m->str, m->len);
    GMimeParser *p = g_mime_parser_new_with_stream(stream);
    GMimeMessage *msg = g_mime_parser_construct_message(p, NULL);
    if (msg) {
      g_mime_message_foreach(msg, decode_text, &sink);
      g_object_unref(msg);
    }
    g_object_unref(p);
    g_object_unref(stream);
  }
  return sink;
}

G_GNUC_NO_INLINE static gsize
parse_extract(const ParserConfig *config, GPtrArray *mails)
{
  gsize sink = 0;
  for (guint i = 0; i < mails->len; i++) {
    GString *m = g_ptr_array_index(mails, i);
    g_autoptr(GError) error = NULL;
    ParserRequest *r = parser_parse(config, NULL, m->str, m->len, &error);
    if (!r) {
      fprintf(stderr, "mail %u: %s\n", i, error->message);
      exit(1);
    }
    sink += r->sn ? strlen(r->sn) : 0;
    parser_request_free(r);
  }
  return sink;
}

static void
free_gstring(gpointer p)
{
  g_string_free(p, TRUE);
}

static gint
cmp_path(gconstpointer a, gconstpointer b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* count mails from the *.eml files of dir, in name order, repeated as needed. */
static gboolean
read_mails(const char *dir, guint count, GPtrArray *mails, gsize *total, GError **error)
{
  g_autoptr(GDir) d = g_dir_open(dir, 0, error);
  if (!d)
    return FALSE;
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func(g_free);
  for (const char *name; (name = g_dir_read_name(d));)
    if (g_str_has_suffix(name, ".eml"))
      g_ptr_array_add(paths, g_build_filename(dir, name, NULL));
  if (!paths->len) {
    g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_NOENT, "no *.eml in %s", dir);
    return FALSE;
  }
  g_ptr_array_sort(paths, cmp_path);
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(free_gstring);
  for (guint i = 0; i < paths->len; i++) {
    g_autofree char *data = NULL;
    gsize len = 0;
    if (!g_file_get_contents(g_ptr_array_index(paths, i), &data, &len, error))
      return FALSE;
    g_ptr_array_add(files, g_string_new_len(data, len));
  }
  for (guint i = 0; i < count; i++) {
    const GString *f = g_ptr_array_index(files, i % files->len);
    g_ptr_array_add(mails, g_string_new_len(f->str, f->len));
    *total += f->len;
  }
  return TRUE;
}

static int
cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int
main(int argc, char **argv)
{
  guint count = 10000, runs = 3;
  const char *dump = NULL, *dir = NULL;
  GOptionEntry entries[] = {
    { "count", 'n', 0, G_OPTION_ARG_INT, &count, "mails to generate (default 10000)", "N" },
    { "runs", 'r', 0, G_OPTION_ARG_INT, &runs, "timed runs of each, median reported (default 3)", "R" },
    { "dump", 'd', 0, G_OPTION_ARG_FILENAME, &dump, "also write the mails as DIR/NNNNN.eml", "DIR" },
    { "mails", 'm', 0, G_OPTION_ARG_FILENAME, &dir,
      "instead of generating, read the *.eml of DIR (repeated to N mails), e.g. bench/genmails.py's", "DIR" },
    { NULL }
  };
  g_autoptr(GOptionContext) ctx = g_option_context_new("- parser benchmark: parse+extract vs bare GMime");
  g_option_context_add_main_entries(ctx, entries, NULL);
  g_autoptr(GError) error = NULL;
  if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
    fprintf(stderr, "%s\n", error->message);
    return 2;
  }
  g_autoptr(ParserConfig) config = parser_config_load(NULL, &error);
  if (!config) {
    fprintf(stderr, "%s\n", error->message);
    return 1;
  }
  parser_config_set_own_address(config, "service@roycom.com.cn");

  GRand *rng = g_rand_new_with_seed(20261125);
  g_autoptr(GPtrArray) mails = g_ptr_array_new_with_free_func(free_gstring);
  gsize total = 0;
  if (dir && !read_mails(dir, count, mails, &total, &error)) {
    fprintf(stderr, "%s\n", error->message);
    return 1;
  }
  for (guint i = 0; !dir && i < count; i++) {
    /* Sizes 4–200 KB, log-uniform: many small mails, some big ones. */
    double f = g_rand_double(rng);
    gsize target = (gsize)(4096.0 * exp(f * log(50.0)));
    GString *m = make_mail(i, target, rng);
    total += m->len;
    if (dump) {
      g_mkdir_with_parents(dump, 0755);
      g_autofree char *path = g_strdup_printf("%s/%05u.eml", dump, i);
      g_file_set_contents(path, m->str, m->len, NULL);
    }
    g_ptr_array_add(mails, m);
  }
  g_rand_free(rng);
  double mb = total / 1e6;
  printf("%u mails, %.1f MB (%.1f KB average)\n", count, mb, total / 1024.0 / count);

  double *t_bare = g_new(double, runs), *t_parse = g_new(double, runs);
  for (guint r = 0; r < runs; r++) {
    gint64 a = g_get_monotonic_time();
    bare_gmime(mails);
    gint64 b = g_get_monotonic_time();
    parse_extract(config, mails);
    gint64 c = g_get_monotonic_time();
    t_bare[r] = (b - a) / 1e6;
    t_parse[r] = (c - b) / 1e6;
  }
  qsort(t_bare, runs, sizeof(double), cmp_double);
  qsort(t_parse, runs, sizeof(double), cmp_double);
  double bare = t_bare[runs / 2], parse = t_parse[runs / 2];
  printf("%-34s %10s %8s %10s\n", "step (one core, median of runs)", "mails/s", "MB/s", "us/mail");
  printf("%-34s %10.0f %8.1f %10.1f\n", "bare GMime: parse+walk+decode", count / bare, mb / bare,
         bare * 1e6 / count);
  printf("%-34s %10.0f %8.1f %10.1f\n", "parser_parse: parse+extract", count / parse, mb / parse,
         parse * 1e6 / count);
  printf("parse+extract takes %.2fx the bare GMime time (target: within 2x)\n", parse / bare);
  g_free(t_bare);
  g_free(t_parse);
  return 0;
}
