/* test_units.c: unit tests of each parser piece — charsets, HTML, quotes/signatures, places, phones, follow-ups, ignored mail, limits. */
#include "helpers.h"
#include "jsonout.h"

#include <link.h>

TestSuite(charset, .init = test_setup, .fini = test_teardown);
TestSuite(regex, .init = test_setup, .fini = test_teardown);
TestSuite(html, .init = test_setup, .fini = test_teardown);
TestSuite(text, .init = test_setup, .fini = test_teardown);
TestSuite(places, .init = test_setup, .fini = test_teardown);
TestSuite(forwards, .init = test_setup, .fini = test_teardown);
TestSuite(phones, .init = test_setup, .fini = test_teardown);
TestSuite(fields, .init = test_setup, .fini = test_teardown);
TestSuite(followup, .init = test_setup, .fini = test_teardown);
TestSuite(ignored, .init = test_setup, .fini = test_teardown);
TestSuite(limits, .init = test_setup, .fini = test_teardown);

/* ---- charsets ---------------------------------------------------------------------------------- */

/* HZ (RFC 1843), which glibc's iconv lacks, and ISO-2022-CN (blind round 14: "~{…~}" as the text). */
Test(charset, hz_and_iso_2022_cn)
{
  ParserDecoded d = parser_charset_decode("HZ-GB-2312", "RCS25G0078901 ~{7~NqFw~} ~~1~\nok", 32);
  cr_assert_str_eq(d.text, "RCS25G0078901 服务器 ~1ok");
  cr_assert_str_eq(d.charset_used, "HZ-GB-2312");
  cr_assert_eq(d.replacements, 0);
  g_free(d.text);
  ParserDecoded c = parser_charset_decode("iso-2022-cn",
                                          "\x1b$)A\x0e"
                                          "7~NqFw\x0f",
                                          12);
  cr_assert_str_eq(c.text, "服务器");
  g_free(c.text);
}

/* Big5 labelled GBK reads as noise in GBK: the Big5 reading, guessed (blind round 14b). */
Test(charset, big5_labelled_gbk)
{
  static const char big5[] =
    "\xA7\xDA\xAD\xCC\xAA\xBA\xA6\xF8\xAA\x41\xBE\xB9\xB5\x77\xBA\xD0\xAC\x47\xBB\xD9\xA1\x41"
    "\xBD\xD0\xBE\xA8\xA7\xD6\xA6\x77\xB1\xC6\xA4\x75\xB5\x7B\xAE\x76\xB3\x42\xB2\x7A\xA1\x43";
  ParserDecoded d = parser_charset_decode("gbk", big5, sizeof big5 - 1);
  cr_assert_str_eq(d.text, "我們的伺服器硬碟故障，請儘快安排工程師處理。");
  cr_assert_str_eq(d.charset_used, "Big5");
  cr_assert(d.guessed);
  g_free(d.text);
}

/* And GBK labelled Big5, which Big5 cannot even read whole (blind round 14c). */
Test(charset, gbk_labelled_big5)
{
  static const char gbk[] =
    "\xC4\xE3\xBA\xC3\xA3\xAC\x52\x43\x53\x32\x35\x41\x30\x30\x31\x32\x33\x34\x36\x20"
    "\xD5\xE2\xCC\xA8\xB7\xFE\xCE\xF1\xC6\xF7\xD3\xB2\xC5\xCC\xBB\xB5\xC1\xCB\xA3\xAC\xC7\xEB"
    "\xBE\xA1\xBF\xEC\xB0\xB2\xC5\xC5\xB9\xA4\xB3\xCC\xCA\xA6\xB4\xA6\xC0\xED\xA1\xA3\xC1\xAA"
    "\xCF\xB5\xC8\xCB\xCD\xF5\xCE\xB0";
  ParserDecoded d = parser_charset_decode("big5", gbk, sizeof gbk - 1);
  cr_assert_str_eq(d.text, "你好，RCS25A0012346 这台服务器硬盘坏了，请尽快安排工程师处理。联系人王伟");
  cr_assert_str_eq(d.charset_used, "GB18030");
  cr_assert(d.guessed);
  g_free(d.text);
}

Test(charset, gb2312_label_decodes_gbk_only_characters)
{
  /* 刘镕: 镕 (0xE946) is GBK, not GB2312. */
  ParserDecoded d = parser_charset_decode("gb2312", "\xC1\xF5\xE9\x46", 4);
  cr_assert_str_eq(d.text, "刘镕");
  cr_assert_str_eq(d.charset_used, "GB18030");
  cr_assert_eq(d.replacements, 0);
  cr_assert(!d.guessed);
  g_free(d.text);
}

Test(charset, gbk_family_labels_map_to_gb18030)
{
  const char *labels[] = { "GB2312", "gbk", "CP936", "x-gbk", "\"gb2312\"", "GB18030", "euc-cn", NULL };
  for (const char **l = labels; *l; l++)
    cr_assert_str_eq(parser_charset_canonical(*l), "GB18030", "%s", *l);
  cr_assert_str_eq(parser_charset_canonical("big5"), "BIG5-HKSCS");
  cr_assert_str_eq(parser_charset_canonical("CP950"), "BIG5-HKSCS");
  cr_assert_str_eq(parser_charset_canonical("us-ascii"), "UTF-8");
  cr_assert_null(parser_charset_canonical("no-such-charset"));
}

Test(charset, big5_declared)
{
  ParserDecoded d =
    parser_charset_decode("big5", "\xB4\xFA\xB8\xD5\xA6\xF8\xAA\x41\xBE\xB9\xAC\x47\xBB\xD9", 14);
  cr_assert_str_eq(d.text, "測試伺服器故障");
  cr_assert_eq(d.replacements, 0);
  g_free(d.text);
}

Test(charset, undeclared_gb_is_guessed)
{
  ParserDecoded d = parser_charset_decode(NULL, "\xB7\xFE\xCE\xF1\xC6\xF7\xB9\xCA\xD5\xCF", 10);
  cr_assert_str_eq(d.text, "服务器故障");
  cr_assert_str_eq(d.charset_used, "GB18030");
  cr_assert(d.guessed);
  g_free(d.text);
}

Test(charset, undeclared_big5_is_guessed)
{
  ParserDecoded d =
    parser_charset_decode(NULL, "\xB4\xFA\xB8\xD5\xA6\xF8\xAA\x41\xBE\xB9\xAC\x47\xBB\xD9", 14);
  cr_assert_str_eq(d.text, "測試伺服器故障");
  cr_assert_str_eq(d.charset_used, "Big5");
  cr_assert(d.guessed);
  g_free(d.text);
}

/* Outlook Express and Foxmail 6 label GBK text "iso-8859-1": the bytes are checked before the label */
Test(charset, gb_or_utf8_labelled_latin1_is_taken_for_what_it_is)
{
  ParserDecoded d =
    parser_charset_decode("iso-8859-1", "SN\xA3\xBA\xB7\xFE\xCE\xF1\xC6\xF7\xB9\xCA\xD5\xCF", 14);
  cr_assert_str_eq(d.text, "SN：服务器故障");
  cr_assert_str_eq(d.charset_used, "GB18030");
  cr_assert(d.guessed);
  g_free(d.text);
  d = parser_charset_decode("windows-1252", "硬盘告警", strlen("硬盘告警"));
  cr_assert_str_eq(d.text, "硬盘告警");
  cr_assert_str_eq(d.charset_used, "UTF-8");
  cr_assert(d.guessed);
  g_free(d.text);
  /* real Western text keeps its label: an accented letter is followed by a letter or a blank */
  const char *latin = "Gr\xFC\xDF"
                      "e aus K\xF6ln, \xE9t\xE9 \xE0 Paris";
  d = parser_charset_decode("iso-8859-1", latin, strlen(latin));
  cr_assert_str_eq(d.text, "Grüße aus Köln, été à Paris");
  cr_assert_str_eq(d.charset_used, "ISO-8859-1");
  cr_assert_not(d.guessed);
  g_free(d.text);
}

/* UTF-8 with a line pasted from a GBK program: UTF-8 where it is valid, the GBK line as GB18030 —
 * not the whole text as GB18030 mojibake (blind round 10) */
Test(charset, utf8_with_a_gbk_line_is_decoded_line_by_line)
{
  const char *data = "服务器硬盘告警，3号盘亮黄灯。\n"
                     "\xB7\xFE\xCE\xF1\xC6\xF7\xB9\xCA\xD5\xCF\n"
                     "联系人：王磊 13910126688\n";
  ParserDecoded d = parser_charset_decode("utf-8", data, strlen(data));
  cr_assert_str_eq(d.text, "服务器硬盘告警，3号盘亮黄灯。\n服务器故障\n联系人：王磊 13910126688\n");
  cr_assert_str_eq(d.charset_used, "UTF-8");
  cr_assert_eq(d.replacements, 0);
  cr_assert(d.guessed);
  g_free(d.text);
}

Test(charset, undeclared_utf8_is_utf8)
{
  ParserDecoded d = parser_charset_decode(NULL, "服务器", strlen("服务器"));
  cr_assert_str_eq(d.text, "服务器");
  cr_assert_str_eq(d.charset_used, "UTF-8");
  g_free(d.text);
}

Test(charset, bad_bytes_are_counted_not_dropped)
{
  ParserDecoded d = parser_charset_decode("utf-8",
                                          "ab\xFF\xFE"
                                          "cd",
                                          6);
  cr_assert(d.replacements >= 1, "replacements %u", d.replacements);
  cr_assert(strstr(d.text, "\xEF\xBF\xBD") != NULL);
  cr_assert(g_str_has_prefix(d.text, "ab"));
  g_free(d.text);
  ParserDecoded e = parser_charset_decode("gb2312", "\xB7\xFE\xFF", 3);
  cr_assert_eq(e.replacements, 1);
  g_free(e.text);
}

Test(charset, rfc2047_split_inside_a_character)
{
  /* "服务器故障报修" in UTF-8, the first word ends after one byte of 务. */
  g_autoptr(ParserRequest) r =
    parse_str("From: a@b.cn\nSubject: =?UTF-8?B?5pyN5Q==?= =?UTF-8?B?iqHlmajmlYXpmpzmiqXkv64=?=\n\nx\n");
  cr_assert_str_eq(r->subject, "服务器故障报修");
}

Test(charset, rfc2047_gbk_words_with_padding)
{
  g_autoptr(ParserRequest) r =
    parse_str("From: =?gb2312?B?wfXpRg==?= <l@x.cn>\nSubject: =?GBK?B?udjT2s7StaXOu7f+zvHG99Oyxcw=?= "
              "=?GBK?B?uOa+r7XEsajQ3rqv?=\n\nx\n");
  cr_assert_str_eq(r->subject, "关于我单位服务器硬盘告警的报修函");
  cr_assert_str_eq(r->from_name, "刘镕");
  cr_assert_str_eq(r->from, "刘镕 <l@x.cn>");
}

/* dl_iterate_phdr callback: is the glibc converter module named in data (e.g. "/GBK.so") loaded? */
static int
module_seen(struct dl_phdr_info *info, size_t size, void *data)
{
  (void)size;
  return info->dlpi_name && g_str_has_suffix(info->dlpi_name, (const char *)data);
}

Test(charset, label_module_stays_loaded_for_gmime)
{
  /* GBK text is decoded with GB18030, but GMime decodes a =?GBK?…?= header with glibc's GBK
   * module: a decode pins it, so it is not loaded and unloaded again with every mail. */
  cr_assert_not(dl_iterate_phdr(module_seen, "/GBK.so"), "GBK.so loaded before any GBK text");
  ParserDecoded d = parser_charset_decode("\"GBK\"", "\xB7\xFE\xCE\xF1", 4);
  cr_assert_str_eq(d.text, "服务");
  cr_assert_str_eq(d.charset_used, "GB18030");
  g_free(d.text);
  cr_assert(dl_iterate_phdr(module_seen, "/GBK.so"), "GBK.so not kept loaded after a GBK decode");
  for (int i = 0; i < 8; i++) { /* more than glibc's TRIES_BEFORE_UNLOAD releases */
    g_autofree char *s = g_mime_utils_header_decode_text(NULL, "=?GBK?B?t/7O8Q==?=");
    cr_assert_str_eq(s, "服务");
  }
  cr_assert(dl_iterate_phdr(module_seen, "/GBK.so"), "GBK.so unloaded after GMime's decodes");
  /* a label iconv does not know pins nothing and still decodes (by guessing) */
  d = parser_charset_decode("x-no-such-charset", "abc", 3);
  cr_assert_str_eq(d.text, "abc");
  g_free(d.text);
}

Test(charset, raw_8bit_gbk_header)
{
  g_autoptr(ParserRequest) r =
    parse_str("From: a@b.cn\nSubject: \xB7\xFE\xCE\xF1\xC6\xF7\xB9\xCA\xD5\xCF\n\nx\n");
  cr_assert_str_eq(r->subject, "服务器故障");
}

Test(charset, part_report_records_declared_and_used)
{
  g_autoptr(ParserRequest) r = parse_str("From: a@b.cn\nSubject: s\nMIME-Version: 1.0\n"
                                         "Content-Type: text/plain; charset=gb2312\n"
                                         "Content-Transfer-Encoding: base64\n\nwfXpRg==\n");
  cr_assert_eq(r->parts->len, 1);
  const ParserPartReport *p = g_ptr_array_index(r->parts, 0);
  cr_assert_str_eq(p->charset_declared, "gb2312");
  cr_assert_str_eq(p->charset_used, "GB18030");
  cr_assert_eq(p->replacements, 0);
  cr_assert_str_eq(p->transfer_encoding, "base64");
  cr_assert(strstr(r->body_text, "刘镕") != NULL);
}

Test(charset, parts_json_is_the_report_written_with_the_request)
{
  g_autoptr(ParserRequest) r = parse_str("From: a@b.cn\nSubject: s\nMIME-Version: 1.0\n"
                                         "Content-Type: text/plain; charset=gb2312\n"
                                         "Content-Transfer-Encoding: base64\n\nwfXpRg==\n");
  g_autofree char *parts = parser_parts_to_json(r);
  cr_assert_str_eq(parts, "[{\"content_type\":\"text/plain\",\"charset_declared\":\"gb2312\","
                          "\"charset_used\":\"GB18030\",\"charset_guessed\":false,\"replacements\":0,"
                          "\"transfer_encoding\":\"base64\"}]");
  g_autoptr(JsonBuilder) b = json_builder_new();
  json_builder_begin_object(b);
  parser_request_write_json(r, b);
  json_builder_end_object(b);
  g_autoptr(JsonNode) root = json_builder_get_root(b);
  g_autoptr(JsonNode) written = json_node_copy(json_object_get_member(json_node_get_object(root), "parts"));
  g_autofree char *from_request = json_to_string(written, FALSE);
  cr_assert_str_eq(parts, from_request);
}

/* The parts and attachments JSON (written by hand) is the text the request's builder members give
 * through jsonout, whatever the strings hold (quotes, backslashes, control bytes, DEL, CJK, NULL). */
static char *
member_json(const ParserRequest *r, const char *name)
{
  g_autoptr(JsonBuilder) b = json_builder_new();
  json_builder_begin_object(b);
  parser_request_write_json(r, b);
  json_builder_end_object(b);
  g_autoptr(JsonNode) root = json_builder_get_root(b);
  g_autoptr(JsonNode) member = json_node_copy(json_object_get_member(json_node_get_object(root), name));
  return jsonout_to_string(member, FALSE);
}

Test(charset, parts_and_attachments_json_as_the_builder_writes_them)
{
  static const char *const pieces[] = { "text/plain", "\"", "\\", "\n", "\x01", "\x1f", "\x7f",
                                        "服务器",     "😀",  "é",  " ",  "/",    "\t",   "\r" };
  GRand *rng = g_rand_new_with_seed(5);
  for (guint round = 0; round < 200; round++) {
    g_autoptr(ParserRequest) r = parse_str("From: a@b.cn\nSubject: s\n\nx\n");
    for (guint k = g_rand_int_range(rng, 0, 4); k > 0; k--) {
      char *v[5];
      for (guint f = 0; f < 5; f++) {
        GString *x = g_string_new(NULL);
        for (guint n = g_rand_int_range(rng, 0, 6); n > 0; n--)
          g_string_append(x, pieces[g_rand_int_range(rng, 0, G_N_ELEMENTS(pieces))]);
        v[f] = g_rand_int_range(rng, 0, 5) ? g_string_free(x, FALSE) : (g_string_free(x, TRUE), NULL);
      }
      ParserPartReport *p = g_new0(ParserPartReport, 1);
      p->content_type = v[0];
      p->charset_declared = v[1];
      p->charset_used = v[2];
      p->transfer_encoding = v[3];
      p->charset_guessed = g_rand_boolean(rng);
      p->replacements = g_rand_int(rng);
      g_ptr_array_add(r->parts, p);
      ParserAttachment *a = g_new0(ParserAttachment, 1);
      a->filename = v[4];
      a->content_type = g_strdup(v[0]);
      a->size = (gsize)g_rand_int(rng) << 8;
      g_ptr_array_add(r->attachments, a);
    }
    g_autofree char *parts = parser_parts_to_json(r), *want_parts = member_json(r, "parts");
    cr_assert_str_eq(parts, want_parts, "round %u", round);
    g_autofree char *atts = parser_attachments_to_json(r), *want_atts = member_json(r, "attachments");
    cr_assert_str_eq(atts, want_atts, "round %u", round);
  }
  g_rand_free(rng);
}

/* The label-headed patterns are searched from the first character a label can start with: the
 * same matches (start, end, every group) as PCRE2 searching from where the caller asked. */
Test(regex, label_heads_find_what_pcre2_finds)
{
  const ParserConfig *c = test_config;
  static const ParserRe heads[] = { PARSER_RE_SN_LABELLED,      PARSER_RE_MODEL_LABELLED,
                                    PARSER_RE_CONTACT_LABELLED, PARSER_RE_PHONE_LABELLED_LINE,
                                    PARSER_RE_ADDRESS_LABELLED, PARSER_RE_ANY_LABEL,
                                    PARSER_RE_LABEL_WORD };
  static const char *const pieces[] = { "SN",       "sn",
                                        "ſn",       "序列号",
                                        "設備序號", "联系人",
                                        "电话",     "Tel",
                                        "TEL",      "\u212ael",
                                        "Model",    "型号",
                                        "地址",     "Address",
                                        "：",       ":",
                                        " ",        "\n",
                                        "\t",       "，",
                                        "。",       "RCS25A0110012",
                                        "张三",     "13800138000",
                                        "R5210 G5", "北京市海淀区",
                                        "é",        "Ｓ",
                                        "ｓｎ",     "x",
                                        "1",        "😀",
                                        "Contact",  "On-site Contact",
                                        "问题描述" };
  GRand *rng = g_rand_new_with_seed(11);
  pcre2_match_data *md = pcre2_match_data_create(16, NULL);
  for (guint round = 0; round < 3000; round++) {
    g_autoptr(GString) t = g_string_new(NULL);
    for (guint n = g_rand_int_range(rng, 0, 30); n > 0; n--)
      g_string_append(t, pieces[g_rand_int_range(rng, 0, G_N_ELEMENTS(pieces))]);
    for (guint h = 0; h < G_N_ELEMENTS(heads); h++) {
      gsize start = 0;
      for (int k = 0; k < 4 && start <= t->len; k++) { /* successive searches, as the extractors do */
        ParserMatch m = { 0 };
        gboolean got = parser_re_match(c, heads[h], t->str, t->len, start, &m);
        int rc = pcre2_match(c->re[heads[h]], (PCRE2_SPTR)t->str, t->len, start, 0, md, NULL);
        cr_assert_eq(got, rc > 0, "pattern %d from %zu in '%s'", heads[h], start, t->str);
        if (!got) {
          parser_match_clear(&m);
          break;
        }
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        cr_assert_eq(m.rc, rc);
        for (int g = 0; g < 2 * rc; g++)
          cr_assert_eq(m.ov[g], ov[g], "pattern %d group %d in '%s'", heads[h], g / 2, t->str);
        start = ov[1] > start ? ov[1] : start + 1;
        while (start < t->len && ((guchar)t->str[start] & 0xC0) == 0x80)
          start++;
        parser_match_clear(&m);
      }
    }
  }
  pcre2_match_data_free(md);
  g_rand_free(rng);
}

/* ---- HTML -------------------------------------------------------------------------------------- */

/* What a reader does not see is not read: hidden elements cannot put another SN or phone over the
 * ones shown (a comment, style and script never were). */
Test(html, hidden_text_is_not_read)
{
  const char *hides[] = { "style=\"display: none\"", "hidden",
                          "style=\"font-size:0px\"", "style=\"visibility:hidden\"",
                          "style=\"color:#ffffff\"", "style=\"mso-hide:all\"" };
  for (guint i = 0; i < G_N_ELEMENTS(hides); i++) {
    g_autofree char *mail = g_strdup_printf(
      "From: a@b.cn\nSubject: s\nMIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\n\n"
      "<html><body><div %s>SN：RCS25M0123456 电话 13800002222</div>"
      "<p>SN：RCS25A0012345 硬盘告警</p><p>电话：13910126688</p><p "
      "style=\"font-size:0.9em\">王磊</p></body></html>\n",
      hides[i]);
    g_autoptr(ParserRequest) r = parse_str(mail);
    cr_expect_str_eq(r->sn ? r->sn : "null", "RCS25A0012345", "%s", hides[i]);
    cr_expect_str_eq(r->phone ? r->phone : "null", "13910126688", "%s", hides[i]);
    cr_expect_null(strstr(r->text ? r->text : "", "RCS25M0123456"), "%s", hides[i]);
  }
}

/* A class a <style> sheet hides is not read either; one hidden only on phones (@media) is. */
Test(html, text_of_a_class_the_sheet_hides_is_not_read)
{
  const char *h = "<html><head><style>\n.x1 { display : none }\np.MsoNormal {margin:0}\n"
                  "@media only screen and (max-width:600px) { .desk { display:none !important } }\n"
                  "span.gone, .alsogone { visibility:hidden; }</style></head><body>"
                  "<p class=\"MsoNormal\">SN：RCS25A0012345 硬盘告警</p>"
                  "<div class=\"X1\">SN RCS25M0123456 电话 13800002222</div>"
                  "<p class=\"desk\">桌面可见</p><span class=\"big gone\">13700000000</span>"
                  "<p class=\"alsogone\">看不见</p></body></html>";
  g_autofree char *t = parser_html_to_text(h, strlen(h));
  cr_expect(strstr(t, "RCS25A0012345") && strstr(t, "桌面可见"), "got: %s", t);
  cr_expect(!strstr(t, "RCS25M0123456") && !strstr(t, "13700000000") && !strstr(t, "看不见"), "got: %s", t);
}

Test(html, table_cells_keep_label_and_value_together)
{
  const char *h = "<html><body><table><tr><td><b>序列号</b></td><td>RCS25D0045678</td></tr>"
                  "<tr><td>型号</td><td>RC-R4290G G5</td></tr></table></body></html>";
  g_autofree char *t = parser_html_to_text(h, strlen(h));
  cr_assert(strstr(t, "序列号\tRCS25D0045678\n") != NULL, "got: %s", t);
  cr_assert(strstr(t, "型号\tRC-R4290G G5") != NULL, "got: %s", t);
}

Test(html, breaks_blocks_and_scripts)
{
  const char *h = "<div>第一行<br>第二行</div><p>段落</p><script>var x=1;</script><style>p{}</style>"
                  "<blockquote>引用</blockquote>&nbsp;尾";
  g_autofree char *t = parser_html_to_text(h, strlen(h));
  cr_assert(strstr(t, "第一行\n第二行\n") != NULL, "got: %s", t);
  cr_assert(strstr(t, "段落\n") != NULL, "got: %s", t);
  cr_assert(strstr(t, "var x") == NULL, "got: %s", t);
  cr_assert(strstr(t, "> 引用") != NULL, "got: %s", t);
}

Test(html, html_only_mail_extracts_table_fields)
{
  g_autoptr(ParserRequest) r =
    parse_str("From: a@b.cn\nSubject: s\nMIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\n\n"
              "<table><tr><td>序列号</td><td>RCS25D0045678</td></tr><tr><td>联系人</td><td>陈晓燕</td></tr>"
              "<tr><td>联系电话</td><td>158 2817 3306</td></tr></table>\n");
  assert_str_or_null(r->sn, "RCS25D0045678");
  assert_str_or_null(r->contact, "陈晓燕");
  assert_str_or_null(r->phone, "15828173306");
}

/* ---- quotes, signatures, NFKC ------------------------------------------------------------------ */

static ParserTextSplit
split_of(const char *text)
{
  g_autofree char *n = parser_text_normalize(text, -1);
  ParserTextSplit s;
  parser_text_split(test_config, n, &s);
  return s;
}

Test(text, nfkc_full_width)
{
  g_autofree char *n = parser_text_normalize("ＳＮ：ＲＣＳ２５Ｆ００６７８９０\r\n", -1);
  cr_assert_str_eq(n, "SN:RCS25F0067890\n");
}

Test(text, quote_markers)
{
  const char *cases[] = {
    "硬盘坏了\n\n-----原始邮件-----\n发件人: x\n",
    "硬盘坏了\n------------------ Original ------------------\nFrom: x\n",
    "硬盘坏了\n在 2026年11月12日 13:57, 张三 写道:\n> 旧的\n",
    "硬盘坏了\nOn Thu, Nov 12, 2026 at 1:57 PM Zhang <z@x.cn> wrote:\n> old\n", "硬盘坏了\n> 旧的\n> 更旧\n",
    "硬盘坏了\n发件人: 融科联创 <service@roycom.com.cn>\n发送时间: 2026年11月12日\n收件人: x\n主题: y\n",
    "硬盘坏了\n---------- Forwarded message ---------\nFrom: x\n",
    "硬盘坏了\n\n-----邮件原件-----\n发件人: x\n",
    /* a quote re-wrapped by the client: the unquoted line goes on a sentence, it answers nothing */
    "硬盘坏了\n> 我们已收到您的报修，工程师会在两个工作日内\n联系您安排上门\n> 谢谢\n", NULL
  };
  for (const char **c = cases; *c; c++) {
    ParserTextSplit s = split_of(*c);
    cr_assert_str_eq(s.own, "硬盘坏了", "case: %s", *c);
    cr_assert_not_null(s.quoted, "case: %s", *c);
    parser_text_split_clear(&s);
  }
}

/* Answers written under the acknowledgement's quoted questions are the customer's words. */
Test(text, inline_answers_under_quoted_questions)
{
  ParserTextSplit s =
    split_of("缺的信息在下面回复了\n\n> 请补充以下信息：\n> 1. 设备SN：\nSN就是 RCS25H0250020\n"
             "> 2. 设备所在地址：\n武汉市关山大道1号\n>\n> 我们理解到的信息：\n>   联系人：周敏\n");
  cr_assert_str_eq(s.own, "缺的信息在下面回复了\nSN就是 RCS25H0250020\n武汉市关山大道1号");
  cr_assert(strstr(s.quoted, "> 1. 设备SN:") != NULL); /* NFKC: "：" is ":" */
  parser_text_split_clear(&s);
}

Test(text, signatures_and_disclaimers)
{
  ParserTextSplit s = split_of("您好:\n服务器宕机了\n此致\n敬礼!\n张三\n13800001111\n");
  cr_assert_str_eq(s.own, "服务器宕机了");
  cr_assert(strstr(s.signature, "张三") != NULL);
  parser_text_split_clear(&s);

  s = split_of("server is down\n-- \nJohn\nACME Ltd.\n");
  cr_assert_str_eq(s.own, "server is down");
  parser_text_split_clear(&s);

  s = split_of("硬盘亮红灯\n本邮件及其附件含有保密信息,仅限于发送给上面地址中列出的个人或群组。\n");
  cr_assert_str_eq(s.own, "硬盘亮红灯");
  parser_text_split_clear(&s);

  /* A trailing name + company block without a marker. */
  s = split_of("请安排更换硬盘,谢谢。\n沈佳怡\n上海浦江数智科技有限公司\n");
  cr_assert(s.signature && strstr(s.signature, "沈佳怡"), "sig: %s", s.signature);
  parser_text_split_clear(&s);
}

Test(text, signature_is_not_the_contact)
{
  /* A labelled contact wins over the signature's name; the switchboard is never the phone. */
  g_autoptr(ParserRequest) l =
    parse_str("From: a@b.cn\nSubject: s\n\n服务器宕机了。\n联系人:王五 13800001111\n"
              "此致\n敬礼\n李四\n总机:010-6666 8888\n");
  assert_str_or_null(l->contact, "王五");
  assert_str_or_null(l->phone, "13800001111");
  /* Without one, the name that signs is the contact, but the switchboard still is no phone. */
  g_autoptr(ParserRequest) r = parse_str("From: a@b.cn\nSubject: s\n\n服务器宕机了,请尽快处理。\n"
                                         "此致\n敬礼\n李四\n总机:010-6666 8888\n");
  assert_str_or_null(r->contact, "李四");
  assert_str_or_null(r->phone, NULL);
  cr_assert(strstr(r->symptoms, "宕机") != NULL);
  cr_assert(strstr(r->symptoms, "李四") == NULL);
  /* No signature formula: the sender's own name on a line of its own signs the mail; a name the
   * mail does not sign with is no contact. */
  g_autoptr(ParserRequest) f = parse_str(
    "From: =?UTF-8?B?5a6L5L2z?= <songjia@xhzs-ai.com>\nSubject: s\nContent-Type: text/plain; "
    "charset=utf-8\n\n"
    "请问 RCS25L0112345 还在保修期内吗？\n\n宋佳\n北京星河智算科技有限公司 采购部\n010-8456 2233\n");
  assert_str_or_null(f->contact, "宋佳");
  g_autoptr(ParserRequest) n = parse_str("From: =?UTF-8?B?5a6L5L2z?= <songjia@xhzs-ai.com>\nSubject: "
                                         "s\nContent-Type: text/plain; charset=utf-8\n\n"
                                         "请问 RCS25L0112345 还在保修期内吗？\n");
  assert_str_or_null(n->contact, NULL);
}

/* ---- places ------------------------------------------------------------------------------------ */

static void
check_place(const char *text, const char *city, const char *district)
{
  g_autofree char *c = NULL, *d = NULL;
  parser_places_find(test_config->places, text, &c, &d);
  cr_assert(g_strcmp0(c, city) == 0, "%s: city %s, expected %s", text, c, city);
  cr_assert(g_strcmp0(d, district) == 0, "%s: district %s, expected %s", text, d, district);
}

Test(places, chinese_forms)
{
  check_place("北京海淀上地信息路11号", "北京市", "海淀区");
  check_place("天津市西青区华苑产业区海泰西路18号", "天津市", "西青区");
  check_place("四川省成都市高新区天府大道中段1388号", "成都市", "高新区");
  check_place("成都高新区天府三街", "成都市", "高新区");
  check_place("河北省廊坊市固安县新兴产业示范区", "廊坊市", "固安县");
  check_place("新疆乌鲁木齐市高新区(新市区)北京南路358号", "乌鲁木齐市", "新市区");
  check_place("深圳南山科技园", "深圳市", "南山区");
  check_place("杭州市滨江区", "杭州市", "滨江区");
  check_place("上海市浦东新区张江", "上海市", "浦东新区");
  check_place("拉萨市城关区", "拉萨市", "城关区");
  check_place("海淀区中关村", "北京市", "海淀区");
  check_place("石家庄市", "石家庄市", NULL);
}

/* The place a machine was moved to beats the one it left, named first. */
Test(places, moved_to_beats_moved_from)
{
  g_autoptr(ParserRequest) r =
    parse_str("From: a@b.cn\nSubject: s\nContent-Type: text/plain; charset=utf-8\n\n"
              "SN RCS25A0012345 这台机器上个月从北京搬到成都了，今天硬盘告警。\n");
  assert_str_or_null(r->city, "成都市");
}

/* The service moved, or a part sent away, is not the machine moved. */
Test(places, a_moved_service_is_not_a_moved_machine)
{
  g_autoptr(ParserRequest) r =
    parse_str("From: a@b.cn\nSubject: s\nContent-Type: text/plain; charset=utf-8\n\n"
              "SN RCS25A0012345 我们成都机房的服务器宕机了，业务已经临时迁到上海的备用集群。\n");
  assert_str_or_null(r->city, "成都市");
  g_autoptr(ParserRequest) d =
    parse_str("From: a@b.cn\nSubject: s\nContent-Type: text/plain; charset=utf-8\n\n"
              "SN RCS25A0012345 成都这边的服务器硬盘坏了，坏盘已经搬到北京返修。\n");
  assert_str_or_null(d->city, "成都市");
}

Test(places, pinyin_and_english)
{
  check_place("No. 8 Haidian Street, Haidian District, Beijing", "北京市", "海淀区");
  check_place("Chengdu Hi-tech Zone, Tianfu Avenue", "成都市", "高新区");
  check_place("Futian District, Shenzhen", "深圳市", "福田区");
  check_place("Suzhou Industrial Park", "苏州市", NULL);
  check_place("tianjin shi hexi qu", "天津市", "河西区");
}

/* A Latin place name that names a street, a person or a pinyin word is no place (blind round 11b). */
Test(places, latin_street_person_and_pinyin_word)
{
  check_place("Building 3, 88 Nanjing Road, Heping District, Tianjin", "天津市", "和平区");
  check_place("Beijing Road 50, Yuexiu District, Guangzhou", "广州市", "越秀区");
  check_place("1 Nanjing East Road, Huangpu, Shanghai", "上海市", "黄浦区");
  check_place("RCS25F0067890 xian zai kai bu liao ji", NULL, NULL);
  check_place("Contact: Li Xian 13911112222", NULL, NULL);
  check_place("the data centre in Xi'an", "西安市", NULL);
  check_place("Xian, Shaanxi", "西安市", NULL);
  check_place("bj office", NULL, NULL);
  check_place("BJ office", "北京市", NULL);
  check_place("昨晚 23:10（北京时间）起 BMC 报 RAID 卡告警", NULL, NULL);
  check_place("北京时间 10 点，天津市河西区友谊路", "天津市", "河西区");
}

/* District names several cities have (issue 15): a landmark or province nearby decides, else nothing is
 * guessed and the name is kept aside with its cities. */
static ParserRequest *
parse_body(const char *body)
{
  g_autofree char *mail =
    g_strdup_printf("From: a@b.cn\nSubject: s\nContent-Type: text/plain; charset=utf-8\n\n%s\n", body);
  return parse_str(mail);
}

Test(places, shared_district_decided_by_text)
{
  const char *cases[][3] = {
    { "设备在朝阳区望京SOHO T1 15层", "北京市", "朝阳区" },
    { "地址：朝阳区红旗街688号 数据中心", "长春市", "朝阳区" },
    { "福建省鼓楼区软件大道89号", "福州市", "鼓楼区" },
    { "地址：鼓楼区虎踞路100号\n江苏的机房", "南京市", "鼓楼区" },
    { "地址：城关区北京中路8号，布达拉宫对面", "拉萨市", "城关区" },
    { "我们是南京的公司，机器在鼓楼区中山北路30号", "南京市", "鼓楼区" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autoptr(ParserRequest) r = parse_body(cases[i][0]);
    cr_expect_str_eq(r->city ? r->city : "null", cases[i][1], "%s: city", cases[i][0]);
    cr_expect_str_eq(r->district ? r->district : "null", cases[i][2], "%s: district", cases[i][0]);
    cr_expect_null(r->district_shared, "%s", cases[i][0]);
  }
}

Test(places, shared_district_alone_is_not_guessed)
{
  g_autoptr(ParserRequest) r = parse_body("地址：朝阳区建设路12号 三楼机房");
  cr_expect_null(r->city);
  cr_expect_null(r->district);
  cr_assert_str_eq(r->district_shared ? r->district_shared : "null", "朝阳区");
  cr_assert_not_null(r->district_cities);
  GString *all = g_string_new(NULL);
  for (guint i = 0; i < r->district_cities->len; i++)
    g_string_append_printf(all, "%s%s", i ? "," : "", (char *)g_ptr_array_index(r->district_cities, i));
  cr_expect_str_eq(all->str, "北京市,长春市");
  g_string_free(all, TRUE);
}

Test(places, no_place)
{
  check_place("服务器宕机了", NULL, NULL);
  check_place("中山路100号", NULL, NULL);
}

/* ---- phones ------------------------------------------------------------------------------------ */

static char *
phone_of(const char *body)
{
  g_autofree char *mail = g_strdup_printf("From: a@b.cn\nSubject: s\n\n%s\n", body);
  g_autoptr(ParserRequest) r = parse_str(mail);
  return g_strdup(r->phone);
}

Test(phones, forms)
{
  const char *cases[][2] = {
    { "电话:139 1012 6688", "13910126688" },       { "手机:135-1024-7788", "13510247788" },
    { "mobile +86 138 0013 5678", "13800135678" }, { "联系电话:022-5867 1234 转 8012", "022-58671234-8012" },
    { "电话 0316-6218 899", "0316-6218899" },      { "Tel: (010) 6666 8888", "010-66668888" },
    { "电话:800-810-8888", "800-810-8888" },       { "联系人:王工 18999126543", "18999126543" },
    { "Phone: +86 20 3866 0021", "020-38660021" }, { "Tel +86-10-6666 8888", "010-66668888" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *p = phone_of(cases[i][0]);
    cr_assert(g_strcmp0(p, cases[i][1]) == 0, "%s: got %s, expected %s", cases[i][0], p, cases[i][1]);
  }
}

Test(phones, decoys_are_not_phones)
{
  const char *decoys[] = { "SN RCS25A0012345 故障",         /* an SN */
                           "订单 RC20261125-0007 还没处理", /* an order number */
                           "2026-11-20 10:15 出现告警",     /* a date */
                           "固件版本 01.01.10,BIOS 3.4",    /* versions */
                           "请拨打 400-018-8995",           /* our own hotline */
                           "IMG_20261109_105512.jpg",       /* a file name */
                           NULL };
  for (const char **d = decoys; *d; d++) {
    g_autofree char *p = phone_of(*d);
    cr_assert_null(p, "%s: got phone %s", *d, p);
  }
}

/* Contacts written without a label (issue 15 scoring set): the name is kept however the line joins it
 * to the number. */
Test(phones, contact_next_to_the_number)
{
  const char *cases[][2] = {
    { "收货地址:厦门市思明区观日路24号\n蔡晓东 收 13906051234", "蔡晓东" },
    { "到现场请找徐斌,电话 025-5219 6688", "徐斌" },
    { "麻烦派人来看看我姓王电话15838112233", "王" },
    /* a stand-in: the full name in brackets, a long sentence before the name */
    { "我休假到12月10日，现场请直接找李工（李向东）13816622874。\n\n沈佳", "李向东" },
    { "这个单子有事请直接找李向东 13816622874，他在现场。\n\n沈佳", "李向东" },
    { "现场找王工(值班) 13816622874", "王工" },
    { "SN RCS26A0100019 no power at all, pls call me 13805740011 - Mike", "Mike" },
    { "Please call Mr. Gu Wei at 021-5080 3366.", "Gu Wei" },
    { "| 联系人 | 丁凯 |\n| 电话 | 13604301234 |", "丁凯" },
    { "Caller: Kelvin Liang\nPhone: +86 20 3866 0021", "Kelvin Liang" },
    { "Contact on site: Mr. Zhang Lei, mobile +86 139 5160 1234", "Zhang Lei" },
    /* a department or place before the person (blind round 11b); a surname with 部/科 is a title */
    { "联系人：信息科 周工 028-85501234", "周工" },
    { "现场联络人：北京 IT 王建國 手機 139 1012 3456", "王建國" },
    { "联系人：运维部张伟 13910123456", "张伟" },
    { "联系人：王部长 13910123456", "王部长" },
    /* a name spaced out by a WeChat paste (blind round 19) */
    { "联系人：　孙　磊　电话 13800138000", "孙磊" },
    { "联系人：欧阳 娜娜 13800138000", "欧阳娜娜" },
    /* Tibetan names have no surname (blind round 14) */
    { "服务器开不了机，麻烦尽快。\n次仁 139-0891-2345", "次仁" },
    { "现场找扎西卓玛 13908912345", "扎西卓玛" },
    { "谢谢！\n古丽娜尔 189-9911-2233", "古丽娜尔" }, /* Uyghur, Mongolian (blind round 14b) */
    { "现场联系 巴特尔 13904711234", "巴特尔" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *mail = g_strdup_printf("From: a@b.cn\nSubject: s\n\n%s\n", cases[i][0]);
    g_autoptr(ParserRequest) r = parse_str(mail);
    cr_expect_str_eq(r->contact ? r->contact : "null", cases[i][1], "%s", cases[i][0]);
  }
}

/* ---- fields ------------------------------------------------------------------------------------ */

/* A sheet of hundreds of SNs: one order for review (machines_reported), its first labelled SN —
 * without scoring every SN at every place in the text (quadratic: minutes for 40,000 rows). */
Test(fields, hundreds_of_sns_are_one_order_for_review)
{
  GString *mail = g_string_new("From: a@b.cn\nSubject: s\n\n库存清单：\n");
  for (guint i = 0; i < 300; i++)
    g_string_append_printf(mail, "%u. SN：RCS25A%07u 正常\n", i + 1, 1000 + i);
  g_autoptr(ParserRequest) r = parse_str(mail->str);
  g_string_free(mail, TRUE);
  cr_assert_str_eq(r->sn ? r->sn : "null", "RCS25A0001000");
  cr_assert_eq(r->sn_candidates->len, 300);
  cr_assert_eq(r->machines->len, 1);
}

/* a value too short for an SN, cut by the client's line wrap: its rest starts the next line; a
 * whole SN is never lengthened by what follows it ("1号盘" below) */
Test(fields, sn_split_by_a_line_wrap_is_joined)
{
  g_autoptr(ParserRequest) a = parse_str(
    "From: a@b.cn\nSubject: s\n\n电源报警，麻烦看一下，序列号RCS25F006\n7890，型号 RC-R2290 G5。\n");
  cr_assert_str_eq(a->sn ? a->sn : "null", "RCS25F0067890");
  g_autoptr(ParserRequest) b = parse_str("From: a@b.cn\nSubject: s\n\nSN：RCS25A0012345\n1号盘故障\n");
  cr_assert_str_eq(b->sn ? b->sn : "null", "RCS25A0012345");
}

Test(fields, unlabelled_single_token_is_only_a_candidate)
{
  g_autoptr(ParserRequest) r = parse_str(
    "From: a@b.cn\nSubject: s\nContent-Type: text/plain; charset=utf-8\n\n这台 RCS25A0012345 坏了\n");
  cr_assert_null(r->sn);
  cr_assert_eq(r->sn_candidates->len, 1);
}

Test(fields, sn_forms)
{
  const char *cases[][2] = {
    { "序列号:RCS25A0012345", "RCS25A0012345" },    { "SN:rcs25a0012345", "RCS25A0012345" },
    { "S/N RCS25A0012345", "RCS25A0012345" },       { "Serial No.: RCS25A0012345", "RCS25A0012345" },
    { "机器编号是RCS25A0012345", "RCS25A0012345" }, { "序列号\nRCS25A0012345", "RCS25A0012345" },
    { "SN#RCS25A0012345", "RCS25A0012345" },        { "ＳＮ：ＲＣＳ２５Ａ００１２３４５", "RCS25A0012345" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *mail = g_strdup_printf(
      "From: a@b.cn\nSubject: s\nContent-Type: text/plain; charset=utf-8\n\n%s\n", cases[i][0]);
    g_autoptr(ParserRequest) r = parse_str(mail);
    cr_assert(g_strcmp0(r->sn, cases[i][1]) == 0, "%s: got %s", cases[i][0], r->sn);
  }
}

Test(fields, sn_in_subject_and_several_sns)
{
  g_autoptr(ParserRequest) r =
    parse_str("From: a@b.cn\nSubject: =?UTF-8?B?56Gs55uY5Z2P5LqG?= RCS25E0056789\n\n"
              "序列号:RCS25E0056790,另一台 RCS25E0056791 正常\n");
  cr_assert_str_eq(r->sn, "RCS25E0056790");
  cr_assert_eq(r->sn_candidates->len, 3);
}

/* Shorthand lists and ranges name several machines; counts, times, ids and batches do not. */
/* Two SNs listed, then the broken one named by its last digits ("其中 0811 这台…，0810 那台没问题"): the SN is
 * the broken one's (blind round 17: the order went to the healthy one). */
Test(fields, a_machine_named_by_its_last_digits)
{
  const char *bodies[] = {
    "两台 AS-4125GS-TNRT（RCS26Y0440810 和 RCS26Y0440811），其中 0811 这台训练时总是报 Xid "
    "79，掉了一张卡，0810 "
    "那台没问题。\n",
    "两台 AS-4125GS-TNRT（RCS26Y0440810 和 RCS26Y0440811），0810 那台没问题，0811 这台训练时掉了一张卡。\n",
    "两台（RCS26Y0440810 和 RCS26Y0440811），尾号 0811 的训练时掉了一张卡，尾号 0810 的没问题。\n",
  };
  for (guint i = 0; i < G_N_ELEMENTS(bodies); i++) {
    g_autoptr(ParserRequest) r = parse_body(bodies[i]);
    cr_expect_str_eq(r->sn ? r->sn : "(null)", "RCS26Y0440811", "%s", bodies[i]);
  }
}

/* A sheet's row whose status is "已修复" is no machine to repair (blind round 17: it became an order). */
Test(fields, a_row_fixed_already)
{
  g_autoptr(ParserRequest) r = parse_body("序列号\t故障\t状态\nRCS26N0550001\tNVMe 盘 2 掉盘\t待维修\n"
                                          "RCS26N0550002\tSMART 告警\t待维修\nRCS26N0550003\t—\t已修复\n");
  cr_expect_eq(r->machines->len, 2);
  for (guint i = 0; i < r->machines->len; i++)
    cr_expect_str_neq(((ParserMachine *)g_ptr_array_index(r->machines, i))->sn, "RCS26N0550003");
}

/* A labelled model at the end of a sentence does not take its full stop (blind round 17). */
Test(fields, a_model_before_a_full_stop)
{
  g_autoptr(ParserRequest) r = parse_body("The disk failed. The sticker only says P/N: SYS-620U-TNR.\n");
  cr_expect_str_eq(r->model ? r->model : "(null)", "SYS-620U-TNR");
}

/* Apple Mail's sign-off in Hong Kong and Taiwan is no symptom (blind round 17). */
Test(fields, a_traditional_iphone_sign_off)
{
  g_autoptr(ParserRequest) r = parse_body("RCS25E0220450 硬碟告警，請安排。\n\n從我的 iPhone 傳送\n");
  cr_expect(r->symptoms && !strstr(r->symptoms, "iPhone"), "%s", r->symptoms);
}

/* The sender signs with his given name, or gives his surname ("我姓冯"): the name he sends under is the
 * contact; a person named before "on +86 …" is the one to call (blind round 17). */
Test(fields, a_contact_signed_short)
{
  g_autoptr(ParserRequest) a = parse_str(
    "From: Jerry Zhou <jerry@aurora-ai.cn>\nSubject: down\nContent-Type: text/plain; charset=utf-8\n\n"
    "RCS25E0220450 won't boot since this morning.\n\nThanks,\nJerry\n");
  cr_expect_str_eq(a->contact ? a->contact : "(null)", "Jerry Zhou");
  g_autoptr(ParserRequest) b =
    parse_str("From: =?utf-8?B?5Yav5Li9?= <feng.li@jz-energy.com>\nSubject: x\nContent-Type: text/plain; "
              "charset=utf-8\n\nRCS25E0220450 硬盘告警，麻烦尽快安排，我姓冯。\n");
  cr_expect_str_eq(b->contact ? b->contact : "(null)", "冯丽");
  g_autoptr(ParserRequest) c =
    parse_body("RCS25E0220450 powers off at night.\nPlease call Mr. Zhao Lei on +86 138 "
               "0013 5678 to arrange a visit.\n");
  cr_expect_str_eq(c->contact ? c->contact : "(null)", "Zhao Lei");
}

/* A duty desk before the person ("运维值班 王工"): the person is the contact (blind round 18: the desk
 * searched 王工 and found nothing). */
Test(fields, a_duty_desk_before_the_person)
{
  g_autoptr(ParserRequest) r = parse_body("RCS25E0220450 硬盘告警\n现场联系人：运维值班 王工 15022223333\n");
  cr_expect_str_eq(r->contact ? r->contact : "(null)", "王工");
}

/* Taiwan's word for the site contact, after the site's name ("蘇州廠聯絡窗口：周建國 先生"): the contact,
 * not the writer who signs below with an office abroad (blind round 19). */
Test(fields, a_contact_window_is_the_contact)
{
  g_autoptr(ParserRequest) r =
    parse_body("RCS26E0500620 電源供應器故障。\n蘇州廠聯絡窗口：周建國 先生，手機 189 6213 5520\n"
               "如有問題也可以聯繫我 0912-345-678。\n\n黃怡君\n");
  cr_expect_str_eq(r->contact ? r->contact : "(null)", "周建國");
  cr_expect_str_eq(r->phone ? r->phone : "(null)", "18962135520");
}

/* A number said to be the switchboard loses to the direct one written after it on the line (blind
 * round 19: the engineer was to call "400-820-1234 转 6（公司总机）"); alone, it is the phone. */
Test(fields, a_switchboard_gives_way_to_a_direct_number)
{
  g_autoptr(ParserRequest) r = parse_body("RCS26D0400034 风扇异响。\n"
                                          "联系电话：400-820-1234 转 6（公司总机），直接找我：17708201234\n");
  cr_expect_str_eq(r->phone ? r->phone : "(null)", "17708201234");
  g_autoptr(ParserRequest) q = parse_body("RCS26D0400034 风扇异响。\n联系电话：400-820-1234（公司总机）\n");
  cr_expect_str_eq(q->phone ? q->phone : "(null)", "400-820-1234");
}

/* A signature's unit and person under a labelled address ("东丽区政务服务中心 信息科 马骁" above "电话
 * 022-…"): not the address's next line but the contact (blind round 19: glued on, the contact lost). */
Test(fields, a_unit_and_person_under_the_address)
{
  g_autoptr(ParserRequest) r = parse_body("RCS26D0400034 风扇异响。\n"
                                          "地址：天津市东丽区跃进路1号 东丽区政务服务中心 4楼机房\n"
                                          "东丽区政务服务中心 信息科 马骁\n电话 022-84371290\n");
  cr_expect_str_eq(r->address ? r->address : "(null)", "天津市东丽区跃进路1号 东丽区政务服务中心 4楼机房");
  cr_expect_str_eq(r->contact ? r->contact : "(null)", "马骁");
}

/* An address line goes on past a building's name ("望京 SOHO T1 B2 机房"), in simplified or traditional
 * characters ("…168 號 國際商會中心 23 樓"), and still stops at the writer's words (blind round 17). */
Test(fields, an_address_through_a_building_name)
{
  const char *cases[][2] = {
    { "RCS25E0220450 电源告警。\n北京市朝阳区望京街 10 号 望京 SOHO T1 B2 机房\n",
      "北京市朝阳区望京街 10 号 望京 SOHO T1 B2 机房" },
    { "RCS25E0220450 電源告警。\n機房：深圳市福田區福華三路 168 號 國際商會中心 23 樓\n",
      "深圳市福田區福華三路 168 號 國際商會中心 23 樓" },
    { "RCS25E0220450 电源告警。\n成都高新区天府五街200号菁蓉汇3栋 我们的服务器坏了\n",
      "成都高新区天府五街200号菁蓉汇3栋" },
    /* a campus's longer name (blind round 19), but not the contact and phone after the address */
    { "RCS25E0220450 电源告警。\n机器在：天津市津南区海河教育园区雅观路135号 天津大学北洋园校区 55教学楼B区 "
      "机房\n",
      "天津市津南区海河教育园区雅观路135号 天津大学北洋园校区 55教学楼B区 机房" },
    { "SN：RCS25C0200109，风扇告警。天津市河西区友谊路35号 冯晓东 022-2321 5566\n",
      "天津市河西区友谊路35号" },
    /* a one-line mail: the place a sentence starts with ("河东分局机房服务器坏了") is no address, the one
     * after 在 is (blind round 19) */
    { "融科你好 河东分局机房服务器坏了 序列号RCS-26K-1000300 主板故障 开不了机 在天津市河东区十一经路 "
      "河东公安分局 5楼机房 联系郑警官 13820001111 急\n",
      "天津市河东区十一经路 河东公安分局 5楼机房" },
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autoptr(ParserRequest) r = parse_body(cases[i][0]);
    cr_expect_str_eq(r->address ? r->address : "(null)", cases[i][1], "%s", cases[i][0]);
  }
}

/* A sheet with one faulty row and one fine: the order's symptoms hold the row's fault, not only the
 * mail's "see the attachment" (blind round 17: an XLSX row's fault was lost). */
Test(fields, the_one_faulty_row_of_an_attached_sheet)
{
  g_autoptr(ParserRequest) r = parse_str(
    "From: a <a@example-cust.com>\nSubject: x\nMIME-Version: 1.0\n"
    "Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\nContent-Type: text/plain; charset=utf-8\n\n"
    "本周巡检故障清单见附件，麻烦安排。\n--b\nContent-Type: text/csv; charset=utf-8; name=\"list.csv\"\n"
    "Content-Disposition: attachment; filename=\"list.csv\"\n\n"
    "序列号,型号,故障描述,是否需要维修\nRCS26L0560001,RC-R2290 G5,正常,否\n"
    "RCS26L0560002,RC-R2290 G5,板载网卡 2 口 link 反复 up/down，业务丢包,是\n--b--\n");
  cr_expect_str_eq(r->sn ? r->sn : "(null)", "RCS26L0560002");
  cr_expect(r->symptoms && strstr(r->symptoms, "业务丢包"), "%s", r->symptoms);
}

Test(fields, sn_shorthand_lists_and_ranges)
{
  const struct {
    const char *text;
    guint candidates, machines;
    const char *last; /* the last candidate */
  } cases[] = {
    { "RCS25A0012345、46、47 这三台网卡故障", 3, 3, "RCS25A0012347" },
    { "RCS25A0012345/46 两台硬盘告警", 2, 2, "RCS25A0012346" },
    { "RCS25A0012345~47 三台宕机", 3, 3, "RCS25A0012347" },
    { "RCS25A0012345至RCS25A0012348 四台风扇异响", 4, 4, "RCS25A0012348" },
    { "SN：RCS25A0012345-47 三台硬盘告警", 4, 3, "RCS25A0012347" }, /* + "RCS25A0012345-47" as written */
    { "RCS25A0012345 和 RCS25A0012399 两台都不开机", 2, 2, "RCS25A0012399" },
    { "RCS25A0012345，2台都坏了", 1, 1, "RCS25A0012345" },
    { "RCS25A0012345, 10点左右宕机", 1, 1, "RCS25A0012345" },
    { "RCS25A0012345、44 两台宕机", 1, 1, "RCS25A0012345" },                  /* not ascending: not a tail */
    { "RCS25A0012301~RCS25A0012350 共50台 风扇异响", 2, 1, "RCS25A0012350" }, /* a batch */
    { "RCS25A0012345、RCS25A0012346 一台正常 一台宕机", 2, 1, "RCS25A0012346" },
    { "一共三台：RCS25A0012345、46、47，都是10月到的货", 3, 1, "RCS25A0012347" },
    { "新到的 RCS25A0012345/46 两台需要上架安装", 2, 1, "RCS25A0012346" },
    { "合同 HT20250301-01 的 RCS25A0012345 硬盘告警", 1, 1, "RCS25A0012345" },
    { "序列号：RCS25A0012341，8卡GPU服务器，掉了一张卡", 1, 1, "RCS25A0012341" }, /* a count */
    { "SN: RCS25A0012341 - 5 disks failed", 1, 1, "RCS25A0012341" },
    { "RCS25A0012301、RCS25A0012302 两台都是GPU服务器，用着不错，想再买两台", 2, 1, "RCS25A0012302" },
    { "RCS26A0090001 这台开不了机，另外两台（尾号0002、0003）也是", 3, 3, "RCS26A0090003" },
    { "RCS26A0090001 这台，硬盘尾号3456的那块掉盘了", 1, 1, "RCS26A0090001" }, /* a disk's serial */
    { "RCS26A0090001 开不了机，另外两台尾号0002、0003 正常", 3, 1, "RCS26A0090003" },
    /* a zero-padded or as-wide tail ends the list whatever follows (blind round 11b), a unit does not */
    { "RCS26A0090001、0002、0003 风扇告警", 3, 3, "RCS26A0090003" },
    { "RCS25A0012345、46、47 风扇告警", 3, 3, "RCS25A0012347" },
    { "RCS25A0012345、46、47点宕机", 2, 2, "RCS25A0012346" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *mail = g_strdup_printf(
      "From: a@b.cn\nSubject: s\nContent-Type: text/plain; charset=utf-8\n\n%s\n", cases[i].text);
    g_autoptr(ParserRequest) r = parse_str(mail);
    cr_expect_eq(r->sn_candidates->len, cases[i].candidates, "%s: %u candidates", cases[i].text,
                 r->sn_candidates->len);
    cr_expect_eq(r->machines->len, cases[i].machines, "%s: %u machines", cases[i].text, r->machines->len);
    cr_expect_str_eq(g_ptr_array_index(r->sn_candidates, r->sn_candidates->len - 1), cases[i].last, "%s",
                     cases[i].text);
  }
}

/* A listed machine that states its fault and that the rest of it is fine is one to repair; of two
 * listed, one fine ("没有报错" too), the machine is the other whatever the text scored first. */
Test(fields, listed_machine_fine_and_faulty)
{
  g_autoptr(ParserRequest) r = parse_body("1. RCS25E0220450：GPU 掉卡，机器本身正常运行。\n"
                                          "2. RCS25E0220451：断电恢复后无法开机，电源灯不亮。");
  cr_assert_eq(r->machines->len, 2);
  cr_expect_str_eq(((ParserMachine *)g_ptr_array_index(r->machines, 1))->sn, "RCS25E0220451");
  g_autoptr(ParserRequest) q = parse_body("1. RCS25E0220450：运行正常，没有报错。\n"
                                          "2. RCS25E0220451：无法开机，电源灯不亮。");
  cr_assert_eq(q->machines->len, 1);
  cr_expect_str_eq(q->sn, "RCS25E0220451");
  cr_expect_str_eq(((ParserMachine *)g_ptr_array_index(q->machines, 0))->sn, "RCS25E0220451");
}

/* "另外两台 SN、SN 也出现同样的问题" / "也一样": the machines named together share the fault told before,
 * on the same line or the one above (blind round 19: one order of three); said not to, they are no
 * machines. */
Test(fields, machines_said_to_share_the_fault)
{
  static const char *const three[] = {
    "服务器 RCS26F0600520 CPU 温度过高告警，风扇转速很低，另外两台 RCS26F0600521、RCS26F0600522 "
    "也出现同样的问题。",
    "服务器 RCS26F0600520 CPU 温度过高告警，风扇转速很低。\n另外两台 RCS26F0600521、RCS26F0600522 也一样。",
    "RCS26F0600520 CPU overheating alarm.\nRCS26F0600521 and RCS26F0600522 have the same problem.",
  };
  for (guint i = 0; i < G_N_ELEMENTS(three); i++) {
    g_autoptr(ParserRequest) r = parse_body(three[i]);
    cr_assert_eq(r->machines->len, 3, "%s", three[i]);
    cr_expect_str_eq(r->sn, "RCS26F0600520");
    for (guint k = 0; k < 3; k++) {
      const ParserMachine *m = g_ptr_array_index(r->machines, k);
      g_autofree char *want = g_strdup_printf("RCS26F060052%u", k);
      cr_expect_str_eq(m->sn, want, "%s", three[i]);
      cr_expect(m->symptoms && (strstr(m->symptoms, "温度过高") || strstr(m->symptoms, "overheating")), "%s",
                m->symptoms);
    }
  }
  static const char *const one[] = {
    "服务器 RCS26F0600520 CPU 温度过高告警。\n另外两台 RCS26F0600521、RCS26F0600522 没有出现同样的问题。",
    "服务器 RCS26F0600520 CPU 温度过高告警。\n另外两台 RCS26F0600521、RCS26F0600522 正常。",
  };
  for (guint i = 0; i < G_N_ELEMENTS(one); i++) {
    g_autoptr(ParserRequest) r = parse_body(one[i]);
    cr_expect_eq(r->machines->len, 1, "%s", one[i]);
    cr_expect_str_eq(r->sn, "RCS26F0600520");
  }
}

/* A line that tells the fault over the SNs it introduces ("下面两台都宕机了：" / SN / SN): the fault of
 * each, not an addressee line dropped (blind round 21: no symptoms, queued S3); a request under the
 * list is no machine's own symptoms (it was the last one's, without the fault). */
Test(fields, a_fault_line_over_its_list_of_machines)
{
  g_autoptr(ParserRequest) one = parse_body("下面这台宕机了：\nRCS26G0470300\n");
  cr_assert_str_eq(one->symptoms, "下面这台宕机了");
  g_autoptr(ParserRequest) two = parse_body("下面两台都宕机了：\nRCS26G0470300\nRCS26G0470301\n");
  cr_assert_eq(two->machines->len, 2);
  for (guint k = 0; k < 2; k++)
    cr_expect_str_eq(((ParserMachine *)g_ptr_array_index(two->machines, k))->symptoms, "下面两台都宕机了");
  g_autoptr(ParserRequest) three =
    parse_body("以下三台服务器都无法开机：\n1. RCS25P0300101\n2. RCS25P0300102\n"
               "3. RCS25P0300103\n麻烦尽快处理。\n");
  cr_assert_eq(three->machines->len, 3);
  for (guint k = 0; k < 3; k++) {
    const char *sym = ((ParserMachine *)g_ptr_array_index(three->machines, k))->symptoms;
    cr_expect(sym && strstr(sym, "无法开机"), "machine %u: %s", k, sym);
  }
  /* an addressee line is still no symptom */
  g_autoptr(ParserRequest) to = parse_body("信息中心：\nRCS26G0470300 内存告警\n");
  cr_expect_str_eq(to->symptoms, "RCS26G0470300 内存告警");
}

/* An inventory of the customer's machines, then the faulty one named by its last digits and the rest
 * said fine (blind round 19: four orders, the fault on the healthy 0704); without "the rest are fine"
 * each listed fault stays its own. */
Test(fields, an_inventory_then_the_faulty_one_by_its_tail)
{
  g_autoptr(ParserRequest) r =
    parse_body("我院在贵公司采购的服务器清单如下：\n"
               "- RCS26E0500701  RC-R5300 G6  PACS存储\n"
               "- RCS26E0500702  RC-R5300 G6  PACS应用\n"
               "- RCS26E0500703  RC-R5300 G6  LIS数据库\n"
               "- RCS26E0500704  RC-R5300 G6  备用\n"
               "本周巡检发现 0703 风扇2 故障告警，其余三台正常。请安排更换风扇。\n");
  cr_assert_eq(r->machines->len, 1);
  cr_expect_str_eq(r->sn, "RCS26E0500703");
  g_autoptr(ParserRequest) q = parse_body("- RCS26E0500701 硬盘告警\n- RCS26E0500702 电源告警\n"
                                          "请尽快处理，0702 比较急，其余的正常。\n");
  cr_expect_eq(q->machines->len, 2);
}

/* A second machine named only by its last digits on a line of its own ("另外0089那台：内存报错"), the mail
 * writing out only the first: the same SN but for those digits, its own fault (blind round 19: lost);
 * a line that says it is fine adds none. */
Test(fields, a_machine_named_by_its_last_digits_alone)
{
  g_autoptr(ParserRequest) r =
    parse_body("1）RCS25F0500088：训练任务中有一张GPU掉了，重启后又能识别。\n"
               "2）另外0089那台：内存报错后自动重启，BMC里记录 DIMM B2 Uncorrectable ECC。\n");
  cr_assert_eq(r->machines->len, 2);
  const ParserMachine *m = g_ptr_array_index(r->machines, 1);
  cr_expect_str_eq(m->sn, "RCS25F0500089");
  cr_expect(m->symptoms && strstr(m->symptoms, "内存报错"), "%s", m->symptoms);
  g_autoptr(ParserRequest) q = parse_body("RCS25F0500088 GPU掉卡。\n另外0089那台正常，没有问题。\n");
  cr_expect_eq(q->machines->len, 1);
}

/* Machines said in one line of prose, each from its ordinal ("第一台 …；第二台是 …；还有一台 …") under a
 * fault they share (blind round 14: one order of three, a hospital's outage); prose naming two SNs
 * without such markers stays one machine. */
Test(fields, machines_in_prose_by_ordinal)
{
  g_autoptr(ParserRequest) r =
    parse_body("我们医院三台服务器都是同样的问题：开机自检卡在 b2，进不了系统。\n"
               "第一台 RCS25F0230007 在门诊楼机房；第二台是 RCS25F0230008，放在住院部；还有一台标签是 "
               "RCS25F0230009（标签有点模糊）。\n其中 RCS25F0230007 最急。");
  cr_assert_eq(r->machines->len, 3);
  for (guint i = 0; i < 3; i++) {
    const ParserMachine *m = g_ptr_array_index(r->machines, i);
    cr_expect(m->symptoms && strstr(m->symptoms, "进不了系统"), "%s: %s", m->sn, m->symptoms);
  }
  cr_expect_str_eq(((ParserMachine *)g_ptr_array_index(r->machines, 2))->sn, "RCS25F0230009");
  /* an item's own fault is its own */
  g_autoptr(ParserRequest) q = parse_body("第一台 RCS25F0230007 硬盘告警；第二台 RCS25F0230008 风扇异响。");
  cr_assert_eq(q->machines->len, 2);
  cr_expect_null(strstr(((ParserMachine *)g_ptr_array_index(q->machines, 1))->symptoms, "硬盘"));
  g_autoptr(ParserRequest) one =
    parse_body("RCS25F0230007 开不了机，上个月换过主板的是 RCS25F0230008 那台，不是这台。");
  cr_expect_eq(one->machines->len, 1);
  /* other ways of telling machines apart (blind round 14b), each its own fault */
  static const char *const two[] = {
    "1号机 RCS25A0012346 内存告警。\n2号机 RCS25A0012347 电源亮红灯。",
    "A机 RCS25A0012346 内存告警，B机 RCS25A0012347 开不了机。",
    "其中一台RCS25A0012346内存告警，另一台RCS25A0012347电源亮红灯。",
    "第一臺 RCS25A0012346 記憶體告警。\n第二臺 RCS25A0012347 電源亮紅燈。",
    "RCS25A0012346 内存告警，RCS25A0012347 电源亮红灯。",
    "Two servers need attention. The first one, RCS25A0012346, has a memory alarm and\nreboots. The second "
    "one, RCS25A0012347, has a failed fan.",
    /* A台/B台 with the SN in brackets, a lost card told without a GPU word (blind round 15) */
    "A、B两台都有问题：A台（RCS25A0012346）有一张卡掉了；B台（RCS25A0012347）电源亮红灯。",
    /* a standby with a fault of its own; a part replaced and the fault still there */
    "其中一台 RCS25A0012346 是备机，一直没开机，今天开机后报内存错误；另一台 RCS25A0012347 电源亮红灯。",
    "第一台 RCS25A0012346 内存坏了，已更换内存但还是报错；第二台 RCS25A0012347 电源亮红灯。",
  };
  for (guint i = 0; i < G_N_ELEMENTS(two); i++) {
    g_autoptr(ParserRequest) t = parse_body(two[i]);
    cr_expect_eq(t->machines->len, 2, "%s", two[i]);
    for (guint k = 0; k < t->machines->len; k++) {
      const ParserMachine *m = g_ptr_array_index(t->machines, k);
      gboolean fan = strstr(m->sn, "47") != NULL;
      /* its own words: the other's part is not in it */
      cr_expect(!m->symptoms || !strstr(m->symptoms, fan ? "内存" : "电源"), "%s: %s", m->sn, m->symptoms);
    }
  }
  /* in passing: a standby, a replaced machine, one clause naming both */
  static const char *const single[] = {
    "HIS主库服务器 RCS25F0230007 今天上午10点宕机了，现在已经切换到它的备机 RCS25F0230008 上。",
    "RCS25A0012346 和 RCS25A0012347 都在三楼机房，其中 RCS25A0012346 内存告警。",
    "另外今天又有一台出问题了：SN RCS25A0012346，突然宕机。另外问下 RC20261125-0001 那单（RCS25A0012347 "
    "掉卡）的报告什么时候给？",
    /* fine, fixed or listed only (blind round 14c: each was an order) */
    "第一台 RCS25A0012346 正常，第二台 RCS25A0012347 宕机了，开不了机。",
    "第一台 RCS25A0012346 已经修好了，谢谢工程师。\n第二台 RCS25A0012347 还是内存告警，麻烦再安排一下。",
    "机房里有三台：\n第一台 RCS25A0012345，放在A01机柜；\n第二台 RCS25A0012346，放在A02机柜；\n第三台 "
    "RCS25A0012347 "
    "内存告警。",
    /* a standby never switched on, an alarm gone, a part replaced last time (the rest of round 14c) */
    "其中一台 RCS25A0012346 是备机，一直没开机；另一台 RCS25A0012347 硬盘告警，亮黄灯。",
    "第一台 RCS25A0012346 的告警已经消除了，不用处理。\n第二台 RCS25A0012347 电源亮红灯，需要换电源。",
    "上次其中一台 RCS25A0012346 的硬盘坏了已经换好了，另一台 RCS25A0012347 现在也报硬盘告警了。",
    "The first server RCS25A0012346 is a spare and has never been powered on. The second one RCS25A0012347 "
    "has a failed disk.",
  };
  for (guint i = 0; i < G_N_ELEMENTS(single); i++) {
    g_autoptr(ParserRequest) t = parse_body(single[i]);
    cr_expect_eq(t->machines->len, 1, "%s", single[i]);
  }
}

/* A phone's "SN + fault word" is the whole description (blind round 11b); a table header's 故障 is a
 * label's, not a symptom. */
Test(fields, sn_and_one_fault_word)
{
  static const char *const words[] = { "宕机", "死机", "掉盘", "坏了" };
  for (gsize i = 0; i < G_N_ELEMENTS(words); i++) {
    g_autofree char *body = g_strdup_printf("RCS25A0012345 %s", words[i]);
    g_autoptr(ParserRequest) r = parse_body(body);
    cr_expect(r->symptoms && strstr(r->symptoms, words[i]), "%s: symptoms %s", body, r->symptoms);
  }
}

/* A signature that starts with a name in both scripts is no symptom (blind round 11b). */
Test(fields, bilingual_name_signs)
{
  g_autoptr(ParserRequest) r =
    parse_body("RCS25B0023456 RAID 卡报错，阵列降级。\n\n谢谢！\n\n陳志明 Chih-Ming Chen\n"
               "IT Infrastructure\n台北市大安區敦化南路二段 76 號 15 樓");
  cr_expect(r->symptoms && !strstr(r->symptoms, "陳志明") && !strstr(r->symptoms, "台北"), "%s", r->symptoms);
  g_autoptr(ParserRequest) k = parse_body("ZM25BS001234 今朝開始開唔到機。\n唔該晒！\nKelvin Wong 黃家駿\n"
                                          "Qianhai Cloudsail (HK) Ltd.\n香港九龍觀塘鴻圖道 51 號 12 樓");
  cr_expect(k->symptoms && !strstr(k->symptoms, "Kelvin") && !strstr(k->symptoms, "唔該晒"), "%s",
            k->symptoms);
}

/* An unlabelled building with its street in brackets: both, the room after "A 区" too (blind round 11b). */
Test(fields, building_with_its_street_in_brackets)
{
  g_autoptr(ParserRequest) r = parse_body(
    "RCS25C0200102 风扇告警。\n设备都在滨海新区港数数据中心 A 区机房（天津市滨海新区新港二号路 35 号）。");
  cr_assert_not_null(r->address);
  cr_expect(strstr(r->address, "A 区机房") && strstr(r->address, "新港二号路 35 号"), "%s", r->address);
}

/* A mail whose description is only in its attached .txt: the description and its tags are the
 * attachment's. */
/* A table row's own place (its 地点 column) is its machine's, when it names a known city (blind
 * round 14: a CSV's second row in 福田区 was filed under the body's 南山区). */
Test(fields, a_table_rows_place_is_its_machines)
{
  g_autoptr(ParserRequest) r =
    parse_body("故障设备清单：\n序号\tSN\t型号\t故障现象\t地点\n"
               "1\tRCS25E0220450\tSYS-420GP-TNR\tGPU 掉卡\t深圳市南山区\n"
               "2\tRCS25E0220451\tSYS-420GP-TNR\t风扇异响 FAN3 告警\t深圳市福田区\n"
               "3\tRCS25E0220452\tSYS-420GP-TNR\t电源告警\t三楼机房\n");
  cr_assert_eq(r->machines->len, 3);
  const ParserMachine *b = g_ptr_array_index(r->machines, 1), *c = g_ptr_array_index(r->machines, 2);
  cr_expect_str_eq(b->district ? b->district : "null", "福田区");
  cr_expect_str_eq(b->city ? b->city : "null", "深圳市");
  cr_expect_null(b->symptoms ? strstr(b->symptoms, "福田") : NULL, "%s", b->symptoms);
  cr_expect_null(c->city, "no known city: the mail's place"); /* 三楼机房 */
}

/* smartctl's information section is a disk's: its Device Model and Serial Number are not the
 * machine's (blind round 14b: a false model mismatch and the disk's serial as the SN). */
Test(fields, a_pasted_smartctl_block_is_the_disks)
{
  g_autoptr(ParserRequest) r =
    parse_body("西安机房 RCS25N0134567 这台的 3 号硬盘 SMART 检测失败：\n\n"
               "=== START OF INFORMATION SECTION ===\nDevice Model:     ST8000NM0055-1RM112\n"
               "Serial Number:    ZA1B2C3D\nSMART overall-health self-assessment test "
               "result: FAILED!\n");
  cr_expect_null(r->model, "%s", r->model);
  for (guint i = 0; i < r->sn_candidates->len; i++)
    cr_expect_str_neq(g_ptr_array_index(r->sn_candidates, i), "ZA1B2C3D");
}

/* A pasted chat's header lines (who wrote when) and a signature with a note on the name are no
 * symptoms (blind round 14: both were quoted back in the acknowledgement); a time of the fault is. */
Test(fields, symptoms_without_chat_headers_or_signature)
{
  g_autoptr(ParserRequest) chat = parse_body("下面是我们群里的聊天记录：\n王刚 2026-11-10 09:48\n"
                                             "黄岛仓库那台服务器 RCS25P0145678 前面板一直在闪橙灯\n"
                                             "王刚(信息中心) 11-16 08:40\n今天早上 09:30 又重启了一次");
  cr_assert_not_null(chat->symptoms);
  cr_expect_null(strstr(chat->symptoms, "2026-11-10"), "%s", chat->symptoms);
  cr_expect_null(strstr(chat->symptoms, "11-16 08:40"), "%s", chat->symptoms);
  cr_expect(strstr(chat->symptoms, "今天早上 09:30"), "%s", chat->symptoms);
  /* Feishu's and a dated-in-Chinese header, the transcript's title and the group's name (blind round 14b) */
  g_autoptr(ParserRequest) feishu =
    parse_body("【钉钉消息转发】\n高原云运维群(8)\n格桑卓玛 11月17日 14:02\n"
               "RCS25K0101234 又在报 FAN2 风扇告警\n朴成浩  昨天 22:15\n收到");
  cr_assert_not_null(feishu->symptoms);
  cr_expect_str_eq(feishu->symptoms, "RCS25K0101234 又在报 FAN2 风扇告警"); /* "收到" says too little */
  g_autoptr(ParserRequest) sig =
    parse_body("服务器 RCS25P0145678 RAID卡报错，阵列已降级。\n请尽快安排。\n\n顾喆(喆字是吉吉)\n");
  cr_expect_null(strstr(sig->symptoms, "吉吉"), "%s", sig->symptoms);
}

Test(fields, symptoms_and_tags_of_an_attached_text)
{
  g_autoptr(ParserRequest) r =
    parse_str("From: a@b.cn\nSubject: =?UTF-8?B?5oql5L+u?=\nMIME-Version: 1.0\n"
              "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain; charset=utf-8\n\n"
              "见附件\n--b\nContent-Type: text/plain; charset=utf-8; name=r.txt\n"
              "Content-Disposition: attachment; filename=r.txt\n\n"
              "SN：RCS25N0134567\n故障现象：BMC告警 Memory ECC uncorrectable，服务器自动重启\n--b--\n");
  cr_assert_str_eq(r->sn, "RCS25N0134567");
  cr_assert(r->symptoms && strstr(r->symptoms, "ECC"), "%s", r->symptoms);
  cr_assert(g_ptr_array_find_with_equal_func(r->symptom_tags, "memory", g_str_equal, NULL));
  cr_assert(g_ptr_array_find_with_equal_func(r->symptom_tags, "reboot", g_str_equal, NULL));
}

/* A reply to an order reporting another machine's fault: a new order (policy §6 priority, §7 clock);
 * the same machine, a correction of its SN or no fault: the follow-up it says it is. */
Test(followup, another_machine_is_a_new_report)
{
  const char *head =
    "From: a@b.cn\nSubject: Re: [RC20261203-0011] x\nContent-Type: text/plain; charset=utf-8\n\n";
  const char *quote =
    "\n\n-----原始邮件-----\n发件人: service@roycom.com.cn\n\n> SN：RCS25C0200102\n> 硬盘告警\n";
  const struct {
    const char *text, *order_sn;
    gboolean other;
  } cases[] = {
    { "另外今天又有一台出问题了：SN RCS25C0200101，突然宕机", "RCS25C0200102", TRUE },
    { "另外今天又有一台出问题了：SN RCS25C0200101，突然宕机", NULL,
      TRUE }, /* the quote's SN is the order's */
    { "SN RCS25C0200102 又宕机了", "RCS25C0200102", FALSE },
    { "SN RCS-25C-0200102 又宕机了", "RCS25C0200102", FALSE },
    { "上次SN写错了，应该是 RCS25C0200101，硬盘告警", "RCS25C0200102", FALSE },
    { "RCS25C0200101 那台的事谢谢了", "RCS25C0200102", FALSE }, /* no fault told */
    { "SN：RCS25C02OO1O2 还是宕机", "RCS25C0200102", FALSE },   /* the order's, typed with O for 0 */
    { "另外又有一台出问题了：SN RCS25C0200101 宕机了，应该是电源坏了", "RCS25C0200102", TRUE },
    /* a past fault of the other machine, fixed, told for reference (blind round 14c) */
    { "内存还在告警。另外一台 SN RCS25C0200101 上个月也报过内存告警，换过内存以后一直正常，供参考",
      "RCS25C0200102", FALSE },
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *mail = g_strconcat(head, cases[i].text, quote, NULL);
    g_autoptr(ParserRequest) r = parse_str(mail);
    cr_expect_eq(parser_followup_other_machine(test_config, r, cases[i].order_sn), cases[i].other, "%s (%s)",
                 cases[i].text, cases[i].order_sn ? cases[i].order_sn : "no order SN");
  }
}

/* A complaint or "nobody has answered" in a follow-up (labels.ini escalation); a polite chase or
 * thanks is none, nor "component" for "complain". */
Test(followup, escalation_words)
{
  cr_expect_str_eq(parser_escalates(test_config, "【投诉】已经超过4小时了还没人联系我们"), "投诉");
  cr_expect_not_null(parser_escalates(test_config, "到现在一直没有人联系，催了好几次了"));
  cr_expect_not_null(parser_escalates(test_config, "Nobody has contacted us yet. This is unacceptable."));
  cr_expect_not_null(parser_escalates(test_config, "我們要投訴，沒人聯繫"));
  /* blind round 18: eleven days later, only a chase */
  cr_expect_not_null(
    parser_escalates(test_config, "11月26日报的那台到现在还没人来处理，也没有收到任何回复，请尽快安排！"));
  cr_expect_null(parser_escalates(test_config, "请问换卡什么时候能安排？谢谢"));
  cr_expect_null(parser_escalates(test_config, "收到，辛苦了"));
  cr_expect_null(parser_escalates(test_config, "The complaints department is on the 3rd floor"));
  cr_expect_null(parser_escalates(test_config, NULL));
}

/* A mail that names no order but chases an earlier report (labels.ini chase, or an escalation word). */
Test(followup, a_chase_without_the_number)
{
  g_autoptr(ParserRequest) a =
    parse_body("黄岛那台 RCS25P0145678 周末又自动重启了三次，上周报的内存问题还没人来");
  cr_expect(a->chase);
  g_autoptr(ParserRequest) b = parse_body("RCS25P0145678 we reported this last week and are still waiting.");
  cr_expect(b->chase);
  g_autoptr(ParserRequest) c = parse_body("RCS25P0145678 今天早上内存报错，请安排工程师。");
  cr_expect_not(c->chase);
  /* a new fault after an earlier report, a complaint of the customer's customers, a quote (blind
   * round 14c: each was swallowed as a follow-up) */
  static const char *const not_chases[] = {
    "RCS25P0145678 前天已报修第3块硬盘，今天第5块也掉了，RAID 已经离线，业务中断",
    "RCS25P0145678 整机宕机了，开不了机，我们的客户已经在投诉了",
    "RCS25P0145678 之前问的续保报价还没消息",
    "RCS25P0145678 内存的问题我们已经报修过了，今天电源 PSU2 亮红灯，这是另一个问题",
  };
  for (guint i = 0; i < G_N_ELEMENTS(not_chases); i++) {
    g_autoptr(ParserRequest) n = parse_body(not_chases[i]);
    cr_expect_not(n->chase, "%s", not_chases[i]);
  }
  g_autoptr(ParserRequest) d =
    parse_str("From: a@b.cn\nSubject: Re: [RC20261110-0003] 内存\nIn-Reply-To: <x@b.cn>\n\n还没人来\n");
  cr_expect_not(d->chase); /* a reply: its order is found by its headers */
}

/* Where a mail of an order's thread turns to another machine: the sentence with a turn word or its
 * SN; what comes before (a chase of the order, thanks for it) is the order's (blind round 12 M08). */
Test(followup, where_a_mail_turns_to_another_machine)
{
  static const struct {
    const char *text, *sn;
    const char *from; /* the text from the turn on, NULL: none */
  } cases[] = {
    { "昨天上午报修的电源故障,到现在还没有工程师和我们联系,请尽快安排。 "
      "另外,同机柜的另一台服务器内存故障,序列号RCS25M0123457。",
      "RCS25M0123457", "另外,同机柜的另一台服务器内存故障,序列号RCS25M0123457。" },
    { "上次那单的盘换好了,谢谢。\nRCS25Q0099102 突然宕机,开不了机。", "RCS25Q0099102",
      "RCS25Q0099102 突然宕机,开不了机。" },
    { "rcs25q0099102 is down since this morning.", "RCS25Q0099102",
      "rcs25q0099102 is down since this morning." },
    { "Thanks for fixing the PSU. Another server in the same rack lost a disk: RCS25Q0099102.",
      "RCS25Q0099102", "Another server in the same rack lost a disk: RCS25Q0099102." },
    { "请尽快安排工程师,谢谢。", "RCS25Q0099102", NULL },
    /* "also" is a whole word only: "Also" in "Alsons" is none */
    { "Alsons Ltd. asks again. The node RCS25Q0099102 hangs.", "RCS25Q0099102",
      "The node RCS25Q0099102 hangs." },
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    gssize at = parser_other_machine_start(test_config, cases[i].text, cases[i].sn);
    g_autofree char *from = at >= 0 ? g_strchug(g_strdup(cases[i].text + at)) : NULL;
    if (!cases[i].from)
      cr_expect_eq(at, -1, "%s", cases[i].text);
    else
      cr_expect(from && g_str_has_prefix(from, cases[i].from), "%s: %zd", cases[i].text, at);
  }
  cr_expect_eq(parser_other_machine_start(test_config, NULL, "RCS25Q0099102"), -1);
  cr_expect_eq(parser_other_machine_start(test_config, "另外一台坏了", NULL), -1);
}

/* A reply in a closed order's thread that tells the fault again (a new order) or only says it is
 * fixed / asks about it (a note, a re-open): parser_reports_fault and parser_says_fixed. */
Test(followup, a_fault_again_or_fixed)
{
  const struct {
    const char *text;
    gboolean fault, fixed, nothing;
  } cases[] = {
    { "A-12这台又宕机了，跟上次一样无法开机，请马上派人！", TRUE, FALSE, FALSE },
    { "又坏了", TRUE, FALSE, FALSE },
    { "The server is down again, same as last time.", TRUE, FALSE, FALSE },
    { "换盘后一周内未再出现告警，问题已解决，谢谢！", FALSE, TRUE, FALSE },
    { "已经恢复正常了，请问上次宕机的原因查到了吗？", FALSE, FALSE,
      FALSE }, /* fixed, asks about the old one */
    { "请问上次更换硬盘的服务报告能否发一份给我们？", FALSE, FALSE, FALSE },
    { "没有报错，一切正常", FALSE, TRUE, FALSE },
    /* blind round 12b */
    { "收到", FALSE, FALSE, TRUE },
    { "好的，谢谢！", FALSE, FALSE, TRUE },
    { "Noted, thanks.", FALSE, FALSE, TRUE },
    { "收到，已转给机房同事", FALSE, FALSE, FALSE },
    { "谢谢，设备已经正常了", FALSE, TRUE, FALSE },
    { "恢复正常了，谢谢。但是今天早上电源2又报告警了", TRUE, FALSE, FALSE },
    { "已恢復正常，謝謝。不過今天FAN1轉速告警", TRUE, FALSE, FALSE },
    { "Thanks, it is fine now. However GPU 3 keeps failing with an error.", TRUE, FALSE, FALSE },
    { "另一台 RCS25C0200102 阵列降级 业务正常", TRUE, FALSE, FALSE },
    { "又宕机了，目前业务正常", TRUE, FALSE, FALSE },
    { "今天宕机了，重启后恢复正常，请查一下原因", TRUE, FALSE, FALSE },
    { "之前的告警已恢复正常", FALSE, TRUE, FALSE },
    { "上次电源故障的原因查清楚了吗？", FALSE, FALSE, FALSE },
    { "请问上次NVLink报错时更换的桥接板是什么型号", FALSE, FALSE, FALSE },
    { "下面是10月15日那次宕机的报修邮件，请贵司提交RCA报告。目前设备运行正常。", FALSE, FALSE, FALSE },
    { "复现了，还是3号卡", TRUE, FALSE, FALSE },
    { "It's happening again on the same node.", TRUE, FALSE, FALSE },
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    cr_expect_eq(parser_reports_fault(test_config, cases[i].text), cases[i].fault, "fault: %s",
                 cases[i].text);
    cr_expect_eq(parser_says_fixed(test_config, cases[i].text), cases[i].fixed, "fixed: %s", cases[i].text);
    cr_expect_eq(parser_says_nothing(test_config, cases[i].text), cases[i].nothing, "nothing: %s",
                 cases[i].text);
  }
  cr_expect_not(parser_reports_fault(test_config, NULL));
}

/* A text that only points at its attachment is no description; one that says something and
 * mentions an attachment is one. */
Test(fields, pointer_to_the_attachment_or_a_description)
{
  g_autoptr(ParserRequest) d =
    parse_str("From: a@b.cn\nSubject: s\nContent-Type: text/plain; charset=utf-8\n\n"
              "服务器有点慢，附件是监控截图\nSN：RCS25A0012345\n");
  assert_str_or_null(d->symptoms, "服务器有点慢,附件是监控截图");
  g_autoptr(ParserRequest) p =
    parse_str("From: a@b.cn\nSubject: s\nContent-Type: text/plain; charset=utf-8\n\n"
              "报修单见附件，请查收，谢谢！\nSN：RCS25A0012345\n");
  assert_str_or_null(p->symptoms, NULL);
}

/* Everything in the subject, the body "如题": contact, phone and symptoms from the subject. */
/* A colleague replying on top of the report sent to us: "到了直接找我，何川 180…" — he is the one to meet,
 * not the writer of the report below (blind round 22). */
Test(fields, a_colleague_on_top_who_is_the_one_to_meet)
{
  g_autoptr(ParserRequest) r = parse_str(
    "From: =?UTF-8?B?5L2V5bed?= <hechuan@cust.cn>\nSubject: "
    "=?UTF-8?B?562U5aSNOiDmnI3liqHlmajml6Dms5XlvIDmnLo=?=\n"
    "Content-Type: text/plain; charset=utf-8\n\n补充一下：机器在 C 座 5F-512 机房，到了直接找我，何川 180 "
    "8080 6655。\n\n"
    "发件人: 张敏 <zhangmin@cust.cn>\n发送时间: 2026年12月15日 8:40\n收件人: service@roycom.com.cn\n"
    "主题: 服务器无法开机\n\n你好，我们 RCS25P0570099 这台服务器今天早上无法开机。\n"
    "地址：成都市高新区天府大道中段 1268 号 C 座 3F-305\n联系人：张敏 028-8517 6600\n");
  cr_expect_str_eq(r->contact, "何川");
  cr_expect_str_eq(r->phone, "18080806655");
}

/* A pasted alert's "description = …" is the alert's, not the writer's 问题描述 (blind round 22: the
 * writer's own words were dropped). */
Test(fields, a_pasted_alert_s_description_is_not_the_writer_s)
{
  g_autoptr(ParserRequest) r =
    parse_body("RCS25A0680200 那台 sdc 这块盘挂了（数据盘）。\n\n[FIRING:1] NodeDiskFailure\n"
               "Annotations:\n - summary = Disk /dev/sdc failed\n"
               " - description = SMART overall-health self-assessment test result: FAILED\n");
  cr_assert_not_null(r->symptoms);
  cr_expect(g_str_has_prefix(r->symptoms, "RCS25A0680200 那台 sdc 这块盘挂了"), "%s", r->symptoms);
  g_autoptr(ParserRequest) form = parse_body("SN：RCS25A0680200\n故障描述：sdc 硬盘故障\n");
  cr_expect_str_eq(form->symptoms, "sdc 硬盘故障");
}

/* A monitoring system's alert forwarded by a person: the system is nobody to answer or to call — the
 * person is (blind round 22: "Zabbix" was the contact, the acknowledgement went to zabbix@). */
Test(fields, a_forwarded_monitoring_alert_is_the_forwarder_s)
{
  g_autoptr(ParserRequest) r = parse_str(
    "From: =?UTF-8?B?5ZGo5Yev?= <zhoukai@zjdata.com>\nSubject: "
    "=?UTF-8?B?6L2s5Y+ROiBQUk9CTEVNOiBob3N0IGRvd24=?=\n"
    "Content-Type: text/plain; charset=utf-8\n\n这台 RCS26G0740123 掉线了，麻烦尽快安排。\n\n周凯 186 2155 "
    "0033\n\n"
    "-----原始邮件-----\n发件人: Zabbix <zabbix@zjdata.com>\n发送时间: 2026年12月8日 3:12\n主题: PROBLEM: "
    "host down\n\n"
    "Problem started at 03:12:05 on 2026.12.08\nProblem name: Unavailable by ICMP ping\nHost: db-07\n");
  cr_expect_null(r->forwarded_from, "%s", r->forwarded_from);
  cr_expect_str_eq(r->contact, "周凯");
  cr_expect_str_eq(r->phone, "18621550033");
}

/* The subject tells one machine's fault, the text names another that has it too ("同上，RCS… 也是一样的
 * 情况"): both are machines (blind round 22: one was lost). */
Test(fields, the_subject_s_machine_and_one_said_the_same)
{
  static const char *const mails[] = {
    "From: a@b.cn\nSubject: =?UTF-8?B?5Zue5aSNOiBSQ1MyNlQwNjEwNTAwIOehrOebmOS6rue6oueBrw==?=\n"
    "Content-Type: text/plain; charset=utf-8\n\n同上，RCS26T0610501 也是一样的情况，麻烦一起看下。\n",
    "From: a@b.cn\nSubject: =?UTF-8?B?UkNTMjZUMDYxMDUwMCDnoaznm5jkuq7nuqLnga8=?=\n"
    "Content-Type: text/plain; charset=utf-8\n\nRCS26T0610501 也是硬盘亮红灯，麻烦一起看下。\n",
  };
  for (guint i = 0; i < G_N_ELEMENTS(mails); i++) {
    g_autoptr(ParserRequest) r = parse_str(mails[i]);
    cr_assert_eq(r->machines->len, 2, "%s", mails[i]);
    for (guint k = 0; k < 2; k++) {
      const ParserMachine *m = g_ptr_array_index(r->machines, k);
      cr_expect(m->symptoms && strstr(m->symptoms, "亮红灯"), "%s: %s", m->sn, m->symptoms);
    }
  }
  /* the other one said to be the same of something else: one machine */
  g_autoptr(ParserRequest) bought = parse_str(
    "From: a@b.cn\nSubject: =?UTF-8?B?UkNTMjZUMDYxMDUwMCDnoaznm5jkuq7nuqLnga8=?=\n"
    "Content-Type: text/plain; charset=utf-8\n\nRCS26T0610501 也是去年一起买的，请问还在保修期吗？\n");
  cr_expect_eq(bought->machines->len, 1);
  /* the other one said fine: one machine */
  g_autoptr(ParserRequest) fine =
    parse_str("From: a@b.cn\nSubject: =?UTF-8?B?UkNTMjZUMDYxMDUwMCDnoaznm5jkuq7nuqLnga8=?=\n"
              "Content-Type: text/plain; charset=utf-8\n\nRCS26T0610501 正常。\n");
  cr_expect_eq(fine->machines->len, 1);
}

/* An SN read out a character at a time (voice input): joined (blind round 22: no SN, a gold outage on
 * the weekday clock); spaced letters that make no SN are left alone. */
Test(fields, an_sn_read_out_a_character_at_a_time)
{
  static const char *const said[] = { "服务器宕机了 序列号 R C S 2 5 J 0 5 2 0 0 8 8 电话 13601102233",
                                      "服务器宕机了 序列号 R C S 25J0520088",
                                      "server down, serial r c s 2 5 j 0 5 2 0 0 8 8" };
  for (guint i = 0; i < G_N_ELEMENTS(said); i++) {
    g_autoptr(ParserRequest) r = parse_body(said[i]);
    cr_expect_str_eq(r->sn, "RCS25J0520088", "%s", said[i]);
  }
  g_autoptr(ParserRequest) none = parse_body("服务器宕机了，B 区 3 号机房 A 1 2 柜");
  cr_expect_null(none->sn, "%s", none->sn);
}

/* A form of label and value rows (ServiceNow, an OA system): a ticket, flow or asset number is no
 * machine (blind round 22: bogus orders, the real one's symptoms a row label). */
Test(fields, a_form_s_ticket_number_is_no_machine)
{
  g_autoptr(ParserRequest) r =
    parse_body("工单号\tINC0045612\n流程编号\tITBX2026120087\n设备序列号\tRCS26G0740123\n"
               "故障描述\tRAID 卡告警\n");
  cr_assert_eq(r->machines->len, 1);
  cr_expect_str_eq(r->sn, "RCS26G0740123");
  cr_expect_str_eq(((ParserMachine *)g_ptr_array_index(r->machines, 0))->sn, "RCS26G0740123");
  /* two machines as items of their own stay two */
  g_autoptr(ParserRequest) two =
    parse_body("第一台  序列号 RCS25F0230007\n电源告警\n\n第二台  序列号 RCS25F0230008\nRAID 卡报错\n");
  cr_expect_eq(two->machines->len, 2);
}

/* A sheet's row whose fault cell says there is none ("无", "无故障", "-") is no machine to repair (blind
 * round 21: a P2 order for a healthy machine, the cover note as its fault). */
Test(fields, a_table_row_that_says_no_fault)
{
  static const char *const none[] = { "无", "无故障", "-", "N/A" };
  for (guint i = 0; i < G_N_ELEMENTS(none); i++) {
    g_autofree char *body = g_strdup_printf("本周巡检发现的故障设备清单如下，请安排处理。\n"
                                            "序号\tSN\t型号\t故障描述\n"
                                            "1\tRCS25P0300101\tRC-R2290 G5\t硬盘亮红灯（5号盘）\n"
                                            "2\tRCS25P0300102\tRC-R2290 G5\t%s\n"
                                            "3\tRCS25P0300103\tRC-R2290 G5\t风扇4告警，转速为0\n",
                                            none[i]);
    g_autoptr(ParserRequest) r = parse_body(body);
    cr_assert_eq(r->machines->len, 2, "%s: %u machines", none[i], r->machines->len);
    cr_expect_str_eq(((ParserMachine *)g_ptr_array_index(r->machines, 0))->sn, "RCS25P0300101");
    cr_expect_str_eq(((ParserMachine *)g_ptr_array_index(r->machines, 1))->sn, "RCS25P0300103");
  }
}

/* Our acknowledgement forwarded back with a new fault above it: the description is the new fault,
 * not the 问题 our mail repeats (blind round 21: the order's new fault was nowhere). */
Test(fields, our_acknowledgement_forwarded_back_with_a_new_fault)
{
  g_autoptr(ParserRequest) r = parse_str(
    "From: xieyu@ljdigital.cn\nSubject: =?UTF-8?B?6L2s5Y+R77yaUmU6IFtSQzIwMjYxMTMwLTAwMDRd?=\n"
    "Content-Type: text/plain; charset=utf-8\n\n"
    "你好，这台机器风扇换完以后现在又出现新问题：前面板电源指示灯闪黄灯，BMC 报 PSU1 AC "
    "lost。麻烦再安排看一下。\n\n"
    "-------- 转发邮件信息 --------\n发件人：\"融科联创服务支持\" <service@roycom.com.cn>\n"
    "发送日期：2026-11-30 10:12\n收件人：\"谢宇\" <xieyu@ljdigital.cn>\n主题：Re: [RC20261130-0004] "
    "服务器风扇异响\n\n"
    "您好，谢宇：\n\n我们已收到您的报修，工单号 RC20261130-0004。\n设备SN：RCS25Z0440100\n问题：风扇异响\n"
    "工程师将在30分钟内与您联系。\n");
  cr_assert_not_null(r->symptoms);
  cr_expect(strstr(r->symptoms, "PSU1 AC lost"), "%s", r->symptoms);
  cr_expect(!strstr(r->symptoms, "风扇异响") && !strstr(r->symptoms, "工程师将在"), "%s", r->symptoms);
  cr_expect_str_eq(r->sn, "RCS25Z0440100");
}

/* A name in brackets after the number ("联系我 186…（赵磊）", "135 1234 5678 (谢工)"): the contact — not
 * asked for again — and a line that only says "call me" is no symptom (blind round 21). */
Test(fields, a_name_in_brackets_after_the_phone)
{
  g_autoptr(ParserRequest) a = parse_body("RCS25U0360008 硬盘告警\n联系我 18610345521（赵磊）\n");
  cr_expect_str_eq(a->contact, "赵磊");
  cr_expect_str_eq(a->phone, "18610345521");
  cr_expect_str_eq(a->symptoms, "RCS25U0360008 硬盘告警");
  g_autoptr(ParserRequest) b = parse_body("RCS25U0360008 硬盘告警，有事打 135 1234 5678 (谢工)\n");
  cr_expect_str_eq(b->contact, "谢工");
  /* a department signs too: no person to ask for (blind round 21: "运维中心" was the contact) */
  g_autoptr(ParserRequest) d = parse_body("RCS25U0360008 硬盘告警，请安排处理。\n\n运维中心\n");
  cr_expect_null(d->contact, "%s", d->contact);
  g_autoptr(ParserRequest) p = parse_body("RCS25U0360008 硬盘告警，请安排处理。\n\n王建国\n");
  cr_expect_str_eq(p->contact, "王建国");
  /* everything in the subject, the body empty */
  g_autoptr(ParserRequest) subj =
    parse_str("From: a@b.cn\nSubject: =?UTF-8?B?"
              "UkNTMjZGMDQ1MDAyMOWuleacuiDkuJzln44g5byg5belMTM5MTExMTIyMjI=?=\n\n\n");
  cr_expect_str_eq(subj->phone, "13911112222");
  cr_expect_str_eq(subj->contact, "张工");
  /* "设备在：" and the address over the lines below it (blind round 22: none, all four lines symptoms) */
  g_autoptr(ParserRequest) split =
    parse_body("服务器报警，前面板 i 灯一直闪红。\n设备在：青岛市崂山区\n松岭路 238 号\n"
               "海洋科技大厦 3F-305 机房\n");
  cr_expect(split->address && strstr(split->address, "松岭路 238 号") && strstr(split->address, "3F-305"),
            "%s", split->address);
  cr_expect_str_eq(split->symptoms, "服务器报警,前面板 i 灯一直闪红。");
  /* a line left saying only where, once the address is out, is no symptom either */
  g_autoptr(ParserRequest) w =
    parse_body("RCS25U0360008 硬盘告警。\n设备在北京市海淀区上地信息路28号昆仑大厦B1机房。\n");
  cr_expect_str_eq(w->symptoms, "RCS25U0360008 硬盘告警。");
  cr_expect_str_eq(w->address, "北京市海淀区上地信息路28号昆仑大厦B1机房");
  /* a note in brackets is no name */
  g_autoptr(ParserRequest) n = parse_body("RCS25U0360008 硬盘告警，电话 135 1234 5678（工作日）\n");
  cr_expect_null(n->contact, "%s", n->contact);
}

/* The requester and the on-site contact both given: the engineer calls the one on site, with that
 * one's number, whichever comes first (blind round 21: a Beijing headquarters desk for a Chengdu
 * machine; a Taipei name with a Xiamen number). */
Test(fields, the_on_site_contact_over_the_requester)
{
  static const char *const bodies[] = {
    "SN：RCS25T0350001 RAID 卡报错。\n报修人：周敏（总部信息中心）010-5992 0000\n现场联系人：何川 "
    "13980012345\n",
    "SN：RCS25T0350001 RAID 卡报错。\n联系人：周敏\n电话：010-5992 "
    "0000\n现场联系人：何川\n现场电话：13980012345\n",
    "SN：RCS25T0350001 RAID 卡报错。\n现场联系人：何川 13980012345\n报修人：周敏 010-5992 0000\n",
    "SN: RCS25T0350001 RAID controller error.\nContact: Zhou Min 010-5992 0000\nOn-site contact: He Chuan "
    "13980012345\n",
  };
  static const char *const names[] = { "何川", "何川", "何川", "He Chuan" };
  for (guint i = 0; i < G_N_ELEMENTS(bodies); i++) {
    g_autoptr(ParserRequest) r = parse_body(bodies[i]);
    cr_expect_str_eq(r->contact, names[i], "%s", bodies[i]);
    cr_expect_str_eq(r->phone, "13980012345", "%s", bodies[i]);
  }
  /* the contact's own number abroad, the number taken another person's: that person (blind round 22) */
  static const char *const pairs[] = {
    "RCS25L0540300 宕机了。\n联系人：黄家明 +852 9123 4567\n刘志强 136 3277 8899\n",
    "RCS25L0540300 宕机了。\n香港联络人：黄家明 +852 9123 4567\n深圳现场同事：刘志强 136 3277 8899\n",
  };
  for (guint i = 0; i < G_N_ELEMENTS(pairs); i++) {
    g_autoptr(ParserRequest) p = parse_body(pairs[i]);
    cr_expect_str_eq(p->contact, "刘志强", "%s", pairs[i]);
    cr_expect_str_eq(p->phone, "13632778899", "%s", pairs[i]);
  }
  /* "联络：" and "我是…的NAME" name the contact too; "我是机房的值班人员" names nobody (blind round 22) */
  g_autoptr(ParserRequest) l = parse_body("联络：何永基 18823456789\nRCS25J0520088 宕机\n");
  cr_expect_str_eq(l->contact, "何永基");
  g_autoptr(ParserRequest) w =
    parse_body("你好，我是天津友谊数码的李伟，我们机房有台服务器 RCS25J0520088 宕机了\n");
  cr_expect_str_eq(w->contact, "李伟");
  g_autoptr(ParserRequest) nobody = parse_body("我是机房的值班人员，服务器 RCS25J0520088 宕机了\n");
  cr_expect_null(nobody->contact, "%s", nobody->contact);
  /* one contact: as before */
  g_autoptr(ParserRequest) one = parse_body("SN：RCS25T0350001 RAID 卡报错。\n联系人：周敏 010-5992 0000\n");
  cr_expect_str_eq(one->contact, "周敏");
  cr_expect_str_eq(one->phone, "010-59920000");
}

Test(fields, contact_and_phone_in_the_subject)
{
  g_autoptr(ParserRequest) r =
    parse_str("From: a@b.cn\nSubject: =?UTF-8?B?"
              "WlAyNUFTMDAwODcxIFJBSUTljaHmiqXplJkg6IGU57O75Lq677ya5Lmw5Lmw5o+QIOeUteivne+8mjEzOTk5MTIzNDU2?="
              "\nContent-Type: text/plain; charset=utf-8\n\n如题，谢谢！\n");
  assert_str_or_null(r->contact, "买买提");
  assert_str_or_null(r->phone, "13999123456");
  assert_str_or_null(r->symptoms, "RAID卡报错");
}

/* Voice input without punctuation: the writer names himself, says his number in Chinese numerals,
 * and the address ends where that starts. */
Test(fields, voice_input_without_punctuation)
{
  g_autoptr(ParserRequest) r =
    parse_str("From: a@b.cn\nSubject: s\nContent-Type: text/plain; charset=utf-8\n\n"
              "服务器开不了机了按了电源键没有反应机器在青岛市黄岛区长江中路216号海川物流园二楼机房"
              "我叫孙立强电话是一三八零五三二一二三四麻烦尽快派个人过来看一下谢谢\n");
  assert_str_or_null(r->contact, "孙立强");
  assert_str_or_null(r->phone, "13805321234");
  cr_assert(r->address && g_str_has_suffix(r->address, "二楼机房"), "address: %s", r->address);
  /* digits in Chinese that make no phone are none */
  g_autoptr(ParserRequest) n =
    parse_str("From: a@b.cn\nSubject: s\nContent-Type: text/plain; charset=utf-8\n\n"
              "三三三台服务器 一二三四五六七八九 都坏了\n");
  assert_str_or_null(n->phone, NULL);
}

Test(fields, order_number_is_not_an_sn)
{
  g_autoptr(ParserRequest) r = parse_str("From: a@b.cn\nSubject: Re: [RC20261125-0007] x\n\n好的\n");
  cr_assert_null(r->sn);
  cr_assert_str_eq(r->followup_of, "RC20261125-0007");
}

Test(fields, language)
{
  g_autoptr(ParserRequest) en =
    parse_str("From: a@b.cn\nSubject: Server down\n\nHello, our server RCS25B0023456 "
              "reboots by itself three times a day. Please help.\n");
  cr_assert_str_eq(en->language, "en");
  g_autoptr(ParserRequest) zh =
    parse_str("From: a@b.cn\nSubject: Server down\nContent-Type: text/plain; charset=utf-8\n\n"
              "服务器 RCS25B0023456 一天自动重启三次,BMC 日志有 PSU failure。\n");
  cr_assert_str_eq(zh->language, "zh");
  /* pinyin typed without an input method is Chinese (answered in Chinese); English naming pinyin
   * places and people is English */
  g_autoptr(ParserRequest) py = parse_str(
    "From: a@b.cn\nSubject: fu wu qi huai le\n\nni hao, wo men gong si de yi tai fuwuqi RCS25B0023456 "
    "zuo tian wan shang tu ran dang ji le, xian zai kai bu liao ji, qing jin kuai an pai gong cheng shi.\n");
  cr_assert_str_eq(py->language, "zh");
  g_autoptr(ParserRequest) names = parse_str(
    "From: a@b.cn\nSubject: Server keeps rebooting\n\nOur server RCS25A0170018 keeps rebooting by "
    "itself every few hours since Monday.\nAddress: Room 1203, Building 5, No. 10 Jiuxianqiao Road, "
    "Chaoyang Qu, Beijing Shi\nContact: Wang Lei\n");
  cr_assert_str_eq(names->language, "en");
  /* a log pasted under Chinese words is nobody's language (blind round 14: 40 lines of dmesg made
   * the acknowledgement English); English with its log stays English */
  g_autoptr(GString) log = g_string_new(NULL);
  for (int i = 0; i < 40; i++)
    g_string_append_printf(log,
                           "[ %d.%06d] mpt3sas_cm0: log_info(0x31120303): originator(PL), code(0x12), "
                           "sub_code(0x0303)\nsd 0:0:%d:0: [sdb] tag#%d FAILED Result: hostbyte=DID_OK\n"
                           "   %d | 11/10/2026 | 09:48:12 | Memory #0x87 | Uncorrectable ECC | Asserted\n",
                           i, i * 1000, i, i, i);
  g_autofree char *zh_log =
    g_strdup_printf("From: a@b.cn\nSubject: RAID\nContent-Type: text/plain; "
                    "charset=utf-8\n\n你好，服务器 RCS25H0089012 RAID卡报错，硬盘掉线，日志如下：\n%s",
                    log->str);
  g_autoptr(ParserRequest) zl = parse_str(zh_log);
  cr_assert_str_eq(zl->language, "zh");
  g_autofree char *en_log = g_strdup_printf(
    "From: a@b.cn\nSubject: RAID errors\n\nHi, the RAID controller of RCS25H0089012 keeps failing, log "
    "below.\n%s",
    log->str);
  g_autoptr(ParserRequest) el = parse_str(en_log);
  cr_assert_str_eq(el->language, "en");
  /* a Java stack trace (blind round 14b) */
  g_autoptr(GString) trace = g_string_new("java.lang.IllegalStateException: no GPU resources available\n");
  for (int i = 0; i < 30; i++)
    g_string_append_printf(
      trace, "\tat org.apache.catalina.core.StandardWrapperValve.invoke(StandardWrapperValve.java:%d)\n",
      100 + i);
  g_autofree char *zh_trace = g_strdup_printf("From: a@b.cn\nSubject: 平台报错\nContent-Type: text/plain; "
                                              "charset=utf-8\n\n调度平台提交任务报错，日志如下：\n%s",
                                              trace->str);
  g_autoptr(ParserRequest) zt = parse_str(zh_trace);
  cr_assert_str_eq(zt->language, "zh");
  /* Japanese (kanji are Han, kana are not): answered in English, not Chinese (blind round 19 E3) */
  g_autoptr(ParserRequest) ja =
    parse_str("From: a@b.jp\nSubject: サーバー故障\nContent-Type: text/plain; "
              "charset=utf-8\n\nお世話になっております。弊社のサーバー RCS25B0023456 が"
              "昨日から起動しなくなりました。至急ご対応をお願いいたします。\n");
  cr_assert_str_eq(ja->language, "en");
  /* a stray の in Chinese is not Japanese */
  g_autoptr(ParserRequest) no = parse_str("From: a@b.cn\nSubject: 故障\nContent-Type: text/plain; "
                                          "charset=utf-8\n\n我们の服务器 RCS25B0023456 昨天开始无法开机，"
                                          "电源灯不亮，请尽快安排工程师上门检查处理。\n");
  cr_assert_str_eq(no->language, "zh");
}

/* ---- follow-ups ------------------------------------------------------------------------------- */

Test(followup, subject_forms)
{
  const char *subjects[] = {
    "Re: [RC20261125-0007] 已收到您的报修", "回复: RC20261125-0007",        "答复:[rc20261125-0007]",
    "Fwd: 转发: 工单 RC20261125-0007 补充", "RE: RE: Re:[RC20261125-0007]", NULL
  };
  for (const char **s = subjects; *s; s++) {
    g_autofree char *mail =
      g_strdup_printf("From: a@b.cn\nSubject: %s\nContent-Type: text/plain; charset=utf-8\n\n补充信息\n", *s);
    g_autoptr(ParserRequest) r = parse_str(mail);
    assert_str_or_null(r->followup_of, "RC20261125-0007");
  }
}

/* A reply to a batch acknowledgement ("[RC…-0002 等2单]", "[RC…-0002 +1]") that names one of its
 * orders is about that one (blind round 12: filed under the first); a plain subject's number wins. */
Test(followup, a_batch_reply_names_its_order)
{
  const struct {
    const char *subject, *want;
  } cases[] = {
    { "Re: [RC20261015-0002 等2单] 硬盘告警", "RC20261015-0003" },
    { "回复：Re: [RC20261015-0002 等3單] 硬盘告警", "RC20261015-0003" },
    { "Re: [RC20261015-0002 +1] disk alarm", "RC20261015-0003" },
    { "Re: [RC20261015-0002] 硬盘告警", "RC20261015-0002" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *mail =
      g_strdup_printf("From: a@b.cn\nSubject: %s\nContent-Type: text/plain; charset=utf-8\n\n"
                      "请问 RC20261015-0003 那台（RCS25A0012346）什么时候来换盘？\n",
                      cases[i].subject);
    g_autoptr(ParserRequest) r = parse_str(mail);
    assert_str_or_null(r->followup_of, cases[i].want);
  }
  /* the body names only the subject's: the subject's */
  g_autoptr(ParserRequest) same =
    parse_str("From: a@b.cn\nSubject: Re: [RC20261015-0002 等2单] x\n"
              "Content-Type: text/plain; charset=utf-8\n\n收到\n> 服务单号 RC20261015-0002\n");
  assert_str_or_null(same->followup_of, "RC20261015-0002");
}

Test(followup, quoted_in_body_and_references)
{
  g_autoptr(ParserRequest) r =
    parse_str("From: a@b.cn\nSubject: Re: 报修\nIn-Reply-To: <ack.1@roycom.com.cn>\n"
              "References: <orig.1@x.cn> <ack.1@roycom.com.cn>\n"
              "Content-Type: text/plain; charset=utf-8\n\n"
              "SN 补充\n> 您的报修单号 RC20261125-0007 已受理\n");
  assert_str_or_null(r->followup_of, "RC20261125-0007");
  cr_assert_eq(r->references->len, 2);
  cr_assert_str_eq(g_ptr_array_index(r->references, 0), "ack.1@roycom.com.cn");
}

/* ---- ignored ---------------------------------------------------------------------------------- */

static char *
ignored_of(const char *headers)
{
  g_autofree char *mail =
    g_strdup_printf("%s\nContent-Type: text/plain; charset=utf-8\n\n正文 RC20261125-0007\n", headers);
  g_autoptr(ParserRequest) r = parse_str(mail);
  return g_strdup(r->ignored_reason);
}

Test(ignored, reasons)
{
  const char *cases[][2] = {
    { "From: a@b.cn\nSubject: x\nAuto-Submitted: auto-replied", "auto_reply" },
    { "From: a@b.cn\nSubject: x\nAuto-Submitted: no", NULL },
    { "From: a@b.cn\nSubject: x\nX-Autoreply: yes", "auto_reply" },
    { "From: a@b.cn\nSubject: x\nX-Auto-Response-Suppress: All", NULL },
    { "From: a@b.cn\nSubject: =?UTF-8?B?6Ieq5Yqo5Zue5aSNOg==?= x", "auto_reply" },
    { "From: a@b.cn\nSubject: Out of Office: x", "auto_reply" },
    { "From: MAILER-DAEMON@mx.b.cn\nSubject: Undelivered Mail Returned to Sender", "bounce" },
    { "Return-Path: <>\nFrom: a@b.cn\nSubject: x", "bounce" },
    { "From: a@b.cn\nSubject: x\nPrecedence: bulk", "bulk" },
    { "From: a@b.cn\nSubject: x\nList-Id: <news.b.cn>", "bulk" },
    { "From: Service <SERVICE@roycom.com.cn>\nSubject: x\nAuto-Submitted: auto-replied", "loop" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *reason = ignored_of(cases[i][0]);
    cr_assert(g_strcmp0(reason, cases[i][1]) == 0, "%s: got %s", cases[i][0], reason);
  }
}

/* A customer's ticket system (labels.ini ticket_systems): its generated requests are read, its
 * automatic replies and everyone else's generated mail still ignored. */
Test(ignored, a_listed_ticket_system_is_read)
{
  g_strfreev(test_config->ticket_systems);
  test_config->ticket_systems = g_strsplit("@service-now.com;itsm@customer.cn", ";", -1);
  const char *cases[][2] = {
    { "From: pjsz@service-now.com\nSubject: INC0012345\nAuto-Submitted: auto-generated", NULL },
    { "From: ITSM@customer.cn\nSubject: INC0012345\nAuto-Submitted: auto-generated", NULL },
    { "From: pjsz@service-now.com\nSubject: x\nAuto-Submitted: auto-replied", "auto_reply" },
    { "From: pjsz@service-now.com\nSubject: Out of Office: x\nAuto-Submitted: auto-generated", "auto_reply" },
    { "From: zabbix@monitor.cn\nSubject: x\nAuto-Submitted: auto-generated", "auto_reply" },
    { "From: a@not-service-now.com\nSubject: x\nAuto-Submitted: auto-generated", "auto_reply" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *reason = ignored_of(cases[i][0]);
    cr_expect(g_strcmp0(reason, cases[i][1]) == 0, "%s: got %s", cases[i][0], reason);
  }
}

/* Who may have the acknowledgement of a forward sent to the end customer it names. */
Test(senders, a_forwarder_vouches_only_for_a_colleague_our_staff_or_a_listed_partner)
{
  g_strfreev(test_config->trusted_forwarders);
  test_config->trusted_forwarders = g_strsplit("@reseller.cn;agent@qq.com", ";", -1);
  const char *origin = "zhoumin@bank.cn";
  cr_expect(parser_forwarder_vouches(test_config, "li@bank.cn", origin), "a colleague");
  cr_expect(parser_forwarder_vouches(test_config, "sales@roycom.com.cn", origin), "our staff");
  cr_expect(parser_forwarder_vouches(test_config, "wang@reseller.cn", origin), "a listed partner's domain");
  cr_expect(parser_forwarder_vouches(test_config, "agent@qq.com", origin), "a listed partner's address");
  cr_expect_not(parser_forwarder_vouches(test_config, "it-ops@other.cn", origin), "another company");
  cr_expect_not(parser_forwarder_vouches(test_config, "someone@qq.com", origin), "a public mail account");
  cr_expect_not(parser_forwarder_vouches(test_config, "a@qq.com", "b@qq.com"),
                "two qq.com users are strangers");
}

Test(ignored, multipart_report_is_a_bounce_and_no_followup)
{
  g_autoptr(ParserRequest) r =
    parse_str("From: Mail Delivery System <mailer@mx.b.cn>\nSubject: failure\nMIME-Version: 1.0\n"
              "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n\n"
              "--b\nContent-Type: text/plain\n\nRC20261125-0007 could not be delivered\n"
              "--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx\n\n"
              "--b--\n");
  cr_assert_str_eq(r->ignored_reason, "bounce");
  cr_assert_null(r->followup_of);
}

/* ---- limits ----------------------------------------------------------------------------------- */

Test(limits, each_limit_names_itself)
{
  ParserLimits l;
  parser_limits_init(&l);
  g_autoptr(GError) e1 = NULL;
  cr_assert_null(parser_parse(test_config, &l, "", 0, &e1));
  cr_assert(g_error_matches(e1, PARSER_ERROR, PARSER_ERROR_EMPTY));

  l.max_bytes = 10;
  g_autoptr(GError) e2 = NULL;
  const char *m = "From: a@b.cn\nSubject: x\n\nbody\n";
  cr_assert_null(parser_parse(test_config, &l, m, strlen(m), &e2));
  cr_assert(g_error_matches(e2, PARSER_ERROR, PARSER_ERROR_TOO_LARGE));
  cr_assert(strstr(e2->message, "max_bytes") != NULL);

  parser_limits_init(&l);
  l.max_depth = 2;
  g_autoptr(GString) nested = g_string_new(
    "From: a@b.cn\nSubject: x\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b0\n\n");
  for (int i = 0; i < 5; i++)
    g_string_append_printf(nested, "--b%d\nContent-Type: multipart/mixed; boundary=b%d\n\n", i, i + 1);
  g_string_append(nested, "--b5\nContent-Type: text/plain\n\ndeep\n");
  g_autoptr(GError) e3 = NULL;
  cr_assert_null(parser_parse(test_config, &l, nested->str, nested->len, &e3));
  cr_assert(g_error_matches(e3, PARSER_ERROR, PARSER_ERROR_TOO_DEEP), "%s", e3 ? e3->message : "no error");
  cr_assert(strstr(e3->message, "max_depth") != NULL);

  parser_limits_init(&l);
  l.max_parts = 3;
  g_autoptr(GString) many = g_string_new(
    "From: a@b.cn\nSubject: x\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n");
  for (int i = 0; i < 10; i++)
    g_string_append(many, "--b\nContent-Type: text/plain\n\npart\n");
  g_string_append(many, "--b--\n");
  g_autoptr(GError) e4 = NULL;
  cr_assert_null(parser_parse(test_config, &l, many->str, many->len, &e4));
  cr_assert(g_error_matches(e4, PARSER_ERROR, PARSER_ERROR_TOO_MANY_PARTS), "%s",
            e4 ? e4->message : "no error");

  parser_limits_init(&l);
  l.max_headers = 5;
  g_autoptr(GString) hdrs = g_string_new(NULL);
  for (int i = 0; i < 10; i++)
    g_string_append_printf(hdrs, "X-H%d: v\n", i);
  g_string_append(hdrs, "From: a@b.cn\n\nbody\n");
  g_autoptr(GError) e5 = NULL;
  cr_assert_null(parser_parse(test_config, &l, hdrs->str, hdrs->len, &e5));
  cr_assert(g_error_matches(e5, PARSER_ERROR, PARSER_ERROR_TOO_MANY_HEADERS), "%s",
            e5 ? e5->message : "no error");
}

Test(limits, garbage_gives_a_result_or_one_error)
{
  const char *inputs[] = { "\x00\x01\x02", "no header at all", "\xFF\xFE\xFD\n\n\n", ":\n:\n\n", NULL };
  for (const char **in = inputs; *in; in++) {
    g_autoptr(GError) e = NULL;
    g_autoptr(ParserRequest) r = parser_parse(test_config, NULL, *in, strlen(*in) ? strlen(*in) : 3, &e);
    cr_assert(r != NULL || e != NULL);
  }
}

TestSuite(senders, .init = test_setup, .fini = test_teardown);

/* Who may change an order by quoting its number (labels.ini [senders] freemail, own_domains). */
Test(senders, known_means_the_address_or_the_company_domain)
{
  const char *known[] = { "lisi@tjport.example.cn", "wanglei_bj@163.com", "service@roycom.com.cn", NULL };
  cr_expect(parser_sender_known(test_config, "LiSi@TJPort.example.cn", known));
  cr_expect(parser_sender_known(test_config, "zhaoliu@tjport.example.cn", known), "same company domain");
  cr_expect(parser_sender_known(test_config, "wanglei_bj@163.com", known));
  cr_expect(!parser_sender_known(test_config, "someone@163.com", known), "163.com is a public service");
  cr_expect(!parser_sender_known(test_config, "x@qq.com", known));
  cr_expect(!parser_sender_known(test_config, "ops@other-company.example.net", known));
  cr_expect(!parser_sender_known(test_config, "other@roycom.com.cn", known),
            "our own domain is not the customer's");
  cr_expect(!parser_sender_known(test_config, NULL, known));
  cr_expect(!parser_sender_known(test_config, "a@b.cn", NULL));
  /* a look-alike domain is another domain */
  cr_expect(!parser_sender_known(test_config, "lisi@tjport.example.cn.evil.net", known));
}

/* ---- forwards (issue 15) ------------------------------------------------------------------------ */

/* An on-site engineer forwarding the customer's mail who offers himself ("现场我负责配合，电话 151…") is
 * the one to call (blind round 11d: the forwarded mail's sender, on leave); a reseller's "有问题联系我"
 * or "现场联系我同事…" is not, nor over a site contact the customer's mail labels. */
Test(forwards, an_on_site_forwarder_who_offers_himself_is_the_contact)
{
  const char *head = "From: =?UTF-8?B?5a2Z5Lyf?= <sunwei@zkyw-service.com>\nSubject: =?UTF-8?B?6L2s5Y+R?=\n"
                     "Content-Type: text/plain; charset=utf-8\n\n";
  const char *fwd =
    "\n\n-------- 转发邮件信息 --------\n发件人：\"李娜\" <lina@tjgangshu.com.cn>\n"
    "主题：A-12机柜服务器电源告警\n\n孙工：\nRCS25C0200101 BMC报 PSU2 失效告警，目前单电源运行。\n%s"
    "李娜 022-2835 6620\n";
  const struct {
    const char *own, *inner, *contact, *phone;
  } cases[] = {
    { "转发客户的报修，请安排备件和工程师。现场我负责配合，电话 151 2233 8899。\n\n孙伟\n中科运维 "
      "天津项目部\n",
      "", "孙伟", "15122338899" },
    { "下面是客户的报修，麻烦尽快安排，有问题也可以随时联系我。\n\n孙伟\n手机：13902011234\n", "", "李娜",
      "022-28356620" },
    { "现场我负责配合，电话 151 2233 8899。\n\n孙伟\n", "现场联系人：赵工 13800001111\n", "赵工",
      "13800001111" },
    /* in the place of the labelled one (blind round 17: "call me instead of Ada, she is on leave") */
    { "Please call me instead of 赵工, he is on leave: 151 2233 8899.\n\n孙伟\n",
      "现场联系人：赵工 13800001111\n", "孙伟", "15122338899" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *inner = g_strdup_printf(fwd, cases[i].inner);
    g_autofree char *mail = g_strconcat(head, cases[i].own, inner, NULL);
    g_autoptr(ParserRequest) r = parse_str(mail);
    cr_expect_str_eq(r->contact ? r->contact : "null", cases[i].contact, "case %zu: %s", i, r->contact);
    cr_expect_str_eq(r->phone ? r->phone : "null", cases[i].phone, "case %zu: %s", i, r->phone);
  }
}

/* tests/data/forwards: the end customer's name from the forwarded From line when the forwarded text
 * names nobody; never the forwarder's signature. */
Test(forwards, end_customer_name_from_the_inner_from_line)
{
  const char *cases[][3] = {
    /* file, contact ("null": none), a name it must not be */
    { "outlook-yuanshi-zh", "张伟", "李明" },
    { "outlook-original-message-quoted-lastname-first", "Li Na", "Tom Becker" },
    { "outlook-en-mailto", "Wang Jun", "Kevin Zhou" },
    { "qq-mail-fullwidth-colons", "王芳", "小周" },
    { "foxmail-fullwidth-quoted-name", "刘洋", "黄建华" },
    { "gmail-forwarded-message-zh-ui", "赵磊", "Chen Hao" },
    { "inner-sender-is-a-department", "null", "李明" },
    { "body-names-the-site-contact", "赵工", "张伟" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *path = g_strdup_printf("%s/../forwards/%s.eml", INTAKE_TEST_MAIL_DIR, cases[i][0]);
    g_autofree char *data = NULL;
    gsize len = 0;
    cr_assert(g_file_get_contents(path, &data, &len, NULL), "%s", path);
    g_autoptr(GError) error = NULL;
    g_autoptr(ParserRequest) r = parser_parse(test_config, NULL, data, len, &error);
    cr_assert_not_null(r, "%s: %s", cases[i][0], error ? error->message : "");
    cr_expect_str_eq(r->contact ? r->contact : "null", cases[i][1], "%s: contact", cases[i][0]);
    cr_expect(g_strcmp0(r->contact, cases[i][2]) != 0, "%s: the forwarder", cases[i][0]);
    cr_expect(r->forwarded, "%s: a forward", cases[i][0]);
  }
}

/* parser_sha256_hex (OpenSSL) gives GLib's digest, at every length around SHA-256's 64-byte blocks
 * and its 55/56-byte padding edge, and for a mail-sized and a large input. */
Test(digest, sha256_hex_is_glibs)
{
  const gsize lens[] = { 0, 1, 55, 56, 63, 64, 65, 4400, 1 << 20 };
  g_autofree guchar *data = g_malloc(1 << 20);
  for (gsize i = 0; i < (1 << 20); i++)
    data[i] = (guchar)(i * 131 + (i >> 9));
  for (gsize k = 0; k < G_N_ELEMENTS(lens); k++) {
    g_autofree char *ours = parser_sha256_hex(data, lens[k]);
    g_autofree char *glib = g_compute_checksum_for_data(G_CHECKSUM_SHA256, data, lens[k]);
    cr_assert_str_eq(ours, glib, "length %zu", lens[k]);
  }
  g_autofree char *empty = parser_sha256_hex("", 0);
  cr_assert_str_eq(empty, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

/* A Latin address in a sentence is its comma-separated run, from after the sentence's words to the
 * city (blind round 14b: cut to "Nanshan District"); a clause naming a city is none. */
Test(fields, latin_address_in_prose)
{
  static const struct {
    const char *body, *address;
  } cases[] = {
    { "Two of our servers need attention. RCS25E0220450 lost a GPU.\nBoth are in our Shenzhen office: 28F, "
      "China Resources Tower, 2666 Keyuan South Road, Nanshan District, Shenzhen.\n",
      "28F, China Resources Tower, 2666 Keyuan South Road, Nanshan District, Shenzhen" },
    { "RCS25E0220450 has a failed fan.\nThe server is in our machine room at Building 3, Zhangjiang Hi-Tech "
      "Park, 88 Keyuan Rd., Pudong, Shanghai.\n",
      "Building 3, Zhangjiang Hi-Tech Park, 88 Keyuan Rd., Pudong, Shanghai" },
    { "RCS25E0220450 is down. Please send the engineer to Room 1203, 12/F, Tower B, 1 Jianguomenwai Ave, "
      "Chaoyang District, Beijing 100022.\n",
      "Room 1203, 12/F, Tower B, 1 Jianguomenwai Ave, Chaoyang District, Beijing 100022" },
    { "We are in Shenzhen, the server RCS25E0220450 is in rack 12, it reboots every hour.\n", NULL },
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autoptr(ParserRequest) r = parse_body(cases[i].body);
    if (cases[i].address)
      cr_expect_str_eq(r->address ? r->address : "(null)", cases[i].address);
    else
      cr_expect_null(r->address, "%s", r->address);
  }
}

/* Fields after the sign-off ("Best regards," / name / "Site: …" / "Contact: …") are the report's
 * (blind round 14c: address and contact lost); a signature's office "地址：" is still not the site. */
Test(fields, report_fields_after_the_sign_off)
{
  g_autoptr(ParserRequest) r = parse_body(
    "Hi,\nServer RCS25E0220450 rebooted twice.\nBest regards,\nMichael\nSite: Building 3, Shenzhen "
    "Bay Science Park, Nanshan District, Shenzhen\nContact: Michael Novak +86 138 2345 6789\n");
  cr_expect_str_eq(r->address ? r->address : "(null)",
                   "Building 3, Shenzhen Bay Science Park, Nanshan District, Shenzhen");
  cr_expect_str_eq(r->contact ? r->contact : "(null)", "Michael Novak");
  cr_expect(r->symptoms && !strstr(r->symptoms, "Site") && !strstr(r->symptoms, "Contact"), "%s",
            r->symptoms);
  g_autoptr(ParserRequest) o =
    parse_body("您好，RCS25E0220450 风扇故障，请安排。\n\n此致\n敬礼\n王磊\n北京某某科技有限公司 "
               "运维部\n地址：北京市朝阳区建国路88号SOHO现代城A座1001\n电话：010-65001234\n");
  cr_expect_null(o->address, "%s", o->address);
}

/* "RCS… 风扇故障。": 故障 ends a word here, it is not the label of "故障：…" — the line is the description. */
Test(fields, a_fault_word_that_is_also_a_label)
{
  static const char *const bodies[] = { "RCS25E0220450 风扇故障。", "RCS25E0220450 电源故障",
                                        "您好，RCS25E0220450 内存故障。\n" };
  for (guint i = 0; i < G_N_ELEMENTS(bodies); i++) {
    g_autoptr(ParserRequest) r = parse_body(bodies[i]);
    cr_expect(r->symptoms && strstr(r->symptoms, "故障"), "%s: %s", bodies[i], r->symptoms);
  }
}

/* A mobile with its first three digits in brackets after +86 (blind round 17: the office line of the
 * signature was taken instead). */
Test(fields, a_mobile_with_bracketed_prefix)
{
  g_autoptr(ParserRequest) r =
    parse_body("RCS25E0220450 has a failed disk.\nMobile +86 (139) 1620-4455\nTel +86 21 5899 0000\n");
  cr_expect(r->phone && strcmp(r->phone, "13916204455") == 0, "%s", r->phone);
}

/* Mainland area codes have three digits only for 010 and 02x: "0912-345-678" (a Taiwanese mobile) is no
 * 091-2345678 (blind round 18); real landlines of both lengths still are phones. */
Test(fields, area_codes_of_three_and_four_digits)
{
  g_autoptr(ParserRequest) tw = parse_body("RCS25E0220450 硬碟告警，手機 0912-345-678\n");
  cr_expect(!tw->phone || !g_str_has_prefix(tw->phone, "091-"), "%s", tw->phone);
  const char *ok[][2] = { { "010-62345678", "010-62345678" },
                          { "021 5899 0000", "021-58990000" },
                          { "0912-3456789", "0912-3456789" },
                          { "(0755)26881234", "0755-26881234" },
                          { "+86 755 2688 1234", "0755-26881234" } };
  for (guint i = 0; i < G_N_ELEMENTS(ok); i++) {
    g_autofree char *body = g_strdup_printf("RCS25E0220450 硬盘告警，电话 %s\n", ok[i][0]);
    g_autoptr(ParserRequest) r = parse_body(body);
    cr_expect_str_eq(r->phone ? r->phone : "(null)", ok[i][1], "%s", ok[i][0]);
  }
}

/* A number the writer takes back right after it is not his phone (blind round 14b). */
Test(fields, a_phone_taken_back)
{
  g_autoptr(ParserRequest) r =
    parse_body("RCS25N0134567 最近一周不定期自动重启。\n马哈麦 0298-8321-456? 不对，座机 029-8832 "
               "1456，手机 18691230011\n");
  cr_expect(r->phone && strcmp(r->phone, "029-88321456") == 0, "%s", r->phone);
  g_autoptr(ParserRequest) e = parse_body(
    "RCS25E0220450 has a failed disk.\nCall me at 13912345678, sorry, wrong number: 13912345687.\n");
  cr_expect(e->phone && strcmp(e->phone, "13912345687") == 0, "%s", e->phone);
}

/* A number corrected on the next line: the correction is the phone, and its line no symptom (blind
 * round 15). */
Test(fields, a_phone_corrected_below)
{
  g_autoptr(ParserRequest) r = parse_body(
    "RCS25D0045678 电源告警。\n联系人：罗斌，电话 13881234567\n不好意思电话写错了，应该是 13881234576\n");
  cr_expect(r->phone && strcmp(r->phone, "13881234576") == 0, "%s", r->phone);
  cr_expect(r->symptoms && !strstr(r->symptoms, "写错"), "%s", r->symptoms);
  /* an apology or a fault "gone wrong" further down takes no number back */
  const char *kept[] = {
    "RCS25D0045678 has a failed PSU.\nMobile 13881234567\nSorry for the late reply, our landline is "
    "022-23456789\n",
    "RCS25D0045678 电源告警。\n电话 13881234567\nSomething went wrong again last night, the duty room is "
    "022-23456789\n",
  };
  for (guint i = 0; i < G_N_ELEMENTS(kept); i++) {
    g_autoptr(ParserRequest) k = parse_body(kept[i]);
    cr_expect(k->phone && strcmp(k->phone, "13881234567") == 0, "%s: %s", kept[i], k->phone);
  }
  g_autoptr(ParserRequest) w = parse_body("RCS25D0045678 has a failed PSU.\nMobile 13881234567\nSorry, wrong "
                                          "number above, it is 13881234576\n");
  cr_expect(w->phone && strcmp(w->phone, "13881234576") == 0, "%s", w->phone);
}

/* A mail that is a screenshot and the sender's card: the card is no description and its signer, the
 * sender, is the contact (blind round 15: the description was the card); our own sales rep signing
 * a customer's fault is not. */
Test(fields, a_mail_that_is_only_a_card)
{
  g_autoptr(ParserRequest) r =
    parse_str("From: =?utf-8?B?5ZGo5pWP?= <zhoumin@huaze-fin.com>\nSubject: 报警截图\n"
              "Content-Type: text/plain; charset=utf-8\n\n周敏 | 信息技术部 基础设施组\n"
              "北京华泽金融信息服务有限公司\n总机：010-6227 8800\n");
  cr_expect(!r->symptoms || !strstr(r->symptoms, "信息技术部"), "%s", r->symptoms);
  cr_expect_str_eq(r->contact ? r->contact : "(null)", "周敏");
  g_autoptr(ParserRequest) k = parse_body("王磊\n服务器坏了\n");
  cr_expect(k->symptoms && strstr(k->symptoms, "服务器坏了"), "%s", k->symptoms);
}

/* A note that adds to the sender's earlier mail names that machine by its fault ("刚才报的那台硬盘黄灯
 * 的机器，补充下信息：…"): still a supplement (blind round 15: a second order with no SN); a fault
 * told beside the note is a report. */
Test(fields, a_supplement_names_its_machine_by_its_fault)
{
  g_autoptr(ParserRequest) r =
    parse_body("刚才报的那台硬盘黄灯的机器，补充下信息：\n地址：石家庄市裕华区槐安东路136号 "
               "恒信大厦5楼机房\n联系人：孟凡 0311-8562 3300 转 218\n");
  cr_expect(r->supplement);
  g_autoptr(ParserRequest) f =
    parse_body("补充一下，另外那台的电源也亮红灯了。\n联系人：孟凡 0311-8562 3300\n");
  cr_expect(!f->supplement);
}

/* "地点：" labels the place as "位置：" does: the whole value is the address (blind round 15: cut to
 * "天河区五山路", the rest in the description). */
Test(fields, a_place_labelled_didian)
{
  g_autoptr(ParserRequest) r = parse_body(
    "服务器运行明显变慢。\n序列号：RCS25X0777001\n地点：天河区五山路 华南工学院 信息中心 B栋 302\n");
  cr_expect_str_eq(r->address ? r->address : "(null)", "天河区五山路 华南工学院 信息中心 B栋 302");
  cr_expect(r->symptoms && !strstr(r->symptoms, "华南工学院"), "%s", r->symptoms);
}

/* A long log pasted above the customer's Chinese words: the words first (blind round 14b: the
 * description was the log's first line, the words cut off with its end); words above a log keep
 * their order. */
Test(fields, words_before_a_log_pasted_above_them)
{
  GString *body = g_string_new(NULL);
  for (int i = 0; i < 120; i++)
    g_string_append_printf(
      body,
      "[%d.000000] ACPI Error: AE_NOT_EXIST, Evaluating _PSR CPU%d: Core temperature above "
      "threshold, cpu clock throttled (total events = %d)\n",
      1000 + i, i % 32, 3000 + i);
  g_string_append(body, "帮忙看一下这台机器，CPU一直降频过热，SN RCS25F0067890。\n");
  g_autoptr(ParserRequest) r = parse_body(body->str);
  g_string_free(body, TRUE);
  cr_expect(r->symptoms && g_str_has_prefix(r->symptoms, "帮忙看一下这台机器"), "%.80s", r->symptoms);
  g_autoptr(ParserRequest) k =
    parse_body("RCS25F0067890 内存告警，日志如下：\n[1000.000000] EDAC MC0: 1 CE memory "
               "read error on CPU_SrcID#0_MC#0_Chan#1_DIMM#0\n");
  cr_expect(k->symptoms && g_str_has_prefix(k->symptoms, "RCS25F0067890 内存告警"), "%s", k->symptoms);
}

/* One enormous line of numbers, of SNs or of place names (a pasted export): each number, SN and
 * place is looked at near where it stands, not along the whole line again — these took 6.7 s, 81 s
 * and minutes. The timeout makes a return of that a failure, not a slow pass. */
Test(fields, enormous_lines_are_read_once, .timeout = 60)
{
  GString *phones = g_string_new("RCS25E0220450 宕机。\n"), *sns = g_string_new("RCS25E0220450 down. "),
          *places = g_string_new("RCS25E0220450 down. ");
  for (int i = 0; i < 30000; i++) {
    g_string_append_printf(phones, "1381234%04d ", i % 10000);
    g_string_append(sns, "RCS25E0220401, ");
    g_string_append(places, "Shenzhen, ");
  }
  g_autoptr(ParserRequest) p = parse_body(phones->str);
  g_autoptr(ParserRequest) s = parse_body(sns->str);
  g_autoptr(ParserRequest) l = parse_body(places->str);
  cr_expect_not_null(p->phone);
  cr_expect(s->sn_candidates->len >= 1);
  cr_expect_null(l->address, "%s", l->address);
  g_string_free(phones, TRUE);
  g_string_free(sns, TRUE);
  g_string_free(places, TRUE);
}
