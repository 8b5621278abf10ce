/* tests/acks/test_authres.c: Authentication-Results (RFC 8601) as real receiving MTAs write them —
 * Gmail / Google Workspace, Exchange Online, Postfix with OpenDKIM/OpenDMARC, Tencent exmail —
 * and forged ones a sender adds itself. */
#include "acks.h"

#include <criterion/criterion.h>
#include <string.h>

static const char *const OURS[] = { "mx.roycom.com.cn", NULL };

static AcksAuth
verdict(const char *headers, const char *const *trusted, char **why)
{
  g_autofree char *mail = g_strdup_printf("%sFrom: <a@example.com>\r\nSubject: x\r\n\r\nbody\r\n"
                                          "Authentication-Results: mx.roycom.com.cn; dmarc=fail\r\n",
                                          headers);
  return acks_auth_evaluate(mail, strlen(mail), trusted, why);
}

static void
expect_methods(const char *value, const char *want_id, const char *want)
{
  g_autofree char *id = NULL;
  g_autoptr(GPtrArray) methods = NULL;
  cr_assert(acks_auth_parse(value, &id, &methods), "unreadable: %s", value);
  cr_expect_str_eq(id ? id : "(none)", want_id ? want_id : "(none)", "authserv-id of %s", value);
  g_autoptr(GString) got = g_string_new(NULL);
  for (guint i = 0; i < methods->len; i++)
    g_string_append_printf(got, "%s%s", i ? " " : "", (const char *)g_ptr_array_index(methods, i));
  cr_expect_str_eq(got->str, want, "methods of %s", value);
}

Test(authres, parses_real_world_shapes)
{
  /* Gmail / Google Workspace: comments holding ':' '=' and ';'-free prose, properties */
  expect_methods(
    " mx.google.com;\r\n       dkim=pass header.i=@example.com header.s=s1 header.b=AbC+dE/f;\r\n"
    "       spf=pass (google.com: domain of zs@example.com designates 203.0.113.5 as permitted "
    "sender) smtp.mailfrom=zs@example.com;\r\n"
    "       dmarc=pass (p=NONE sp=NONE dis=NONE) header.from=example.com",
    "mx.google.com", "dkim=pass spf=pass dmarc=pass");
  /* Exchange Online: no authserv-id, no blank after ';', compauth */
  expect_methods(
    " spf=fail (sender IP is 198.51.100.7)\r\n smtp.mailfrom=example.com; dkim=none (message not "
    "signed)\r\n header.d=none;dmarc=fail action=none header.from=example.com;compauth=fail "
    "reason=000",
    NULL, "spf=fail dkim=none dmarc=fail compauth=fail");
  /* Postfix + OpenDMARC, with a version and a quoted authserv-id in a second header */
  expect_methods(" mx.roycom.com.cn 1; dmarc=fail (p=reject dis=none) header.from=example.com",
                 "mx.roycom.com.cn", "dmarc=fail");
  expect_methods(" \"mx.roycom.com.cn\";\r\n\tdkim=pass (1024-bit key; unprotected) header.d=example.com "
                 "header.i=@example.com header.b=\"Kx9;Qz\"",
                 "mx.roycom.com.cn", "dkim=pass");
  /* Tencent exmail: Chinese-hosted, lower/upper case mixed, method version */
  expect_methods(" mxbizqq.qq.com; SPF=Fail smtp.mailfrom=bad.example; dkim/1=none; DMARC=None",
                 "mxbizqq.qq.com", "spf=fail dkim=none dmarc=none");
  /* "none": no result, and a nested comment */
  expect_methods(" mx.roycom.com.cn (a (nested) comment); none", "mx.roycom.com.cn", "");
}

Test(authres, dmarc_or_spf_without_dkim_fail)
{
  g_autofree char *why = NULL;
  cr_expect_eq(
    verdict("Authentication-Results: mx.roycom.com.cn; dmarc=fail (p=none) header.from=bank.example\r\n",
            OURS, &why),
    ACKS_AUTH_FAIL);
  cr_expect(why && strstr(why, "dmarc=fail") && strstr(why, "mx.roycom.com.cn"), "%s", why);
  cr_expect_eq(verdict("Authentication-Results: mx.roycom.com.cn; spf=fail smtp.mailfrom=x.example;"
                       " dkim=none\r\n",
                       OURS, NULL),
               ACKS_AUTH_FAIL, "spf=fail, dkim=none");
  /* SPF fails on a forward, but the signature holds: the sender is genuine */
  cr_expect_eq(verdict("Authentication-Results: mx.roycom.com.cn; spf=fail smtp.mailfrom=x.example\r\n"
                       "Authentication-Results: mx.roycom.com.cn; dkim=pass header.d=x.example\r\n",
                       OURS, NULL),
               ACKS_AUTH_PASS, "spf=fail with dkim=pass in a second header of ours");
  cr_expect_eq(
    verdict("Authentication-Results: mx.roycom.com.cn; spf=softfail smtp.mailfrom=x.example\r\n", OURS, NULL),
    ACKS_AUTH_PASS, "softfail is not fail");
  cr_expect_eq(verdict("Authentication-Results: MX.RoyCom.com.cn;\r\n\tdmarc=fail header.from=x.example\r\n",
                       OURS, NULL),
               ACKS_AUTH_FAIL, "folded, id case");
  g_autofree char *why2 = NULL;
  cr_expect_eq(
    verdict("Authentication-Results: mx.roycom.com.cn; dkim=pass; spf=pass; dmarc=pass\r\n", OURS, &why2),
    ACKS_AUTH_PASS);
}

Test(authres, only_our_topmost_headers_count)
{
  /* the sender writes "our" id below a foreign header: not ours */
  cr_expect_eq(verdict("Authentication-Results: mx.roycom.com.cn; dmarc=pass header.from=x.example\r\n"
                       "Received: from relay.example by mx.roycom.com.cn\r\n"
                       "Authentication-Results: relay.example; spf=pass\r\n"
                       "Authentication-Results: mx.roycom.com.cn; dmarc=fail\r\n",
                       OURS, NULL),
               ACKS_AUTH_PASS, "a forged fail below a foreign header");
  cr_expect_eq(verdict("Authentication-Results: mx.google.com; dmarc=fail\r\n", OURS, NULL), ACKS_AUTH_NONE,
               "a foreign id is never trusted");
  cr_expect_eq(
    verdict("Authentication-Results: spf=fail (sender IP is 1.2.3.4) smtp.mailfrom=x; dmarc=fail\r\n", OURS,
            NULL),
    ACKS_AUTH_NONE, "no id: not ours");
  /* a forged "pass" of ours further down cannot rescue our fail: our fail is on top */
  cr_expect_eq(verdict("Authentication-Results: mx.roycom.com.cn; dmarc=fail\r\n"
                       "Authentication-Results: other.example; dmarc=pass\r\n"
                       "Authentication-Results: mx.roycom.com.cn; dkim=pass; dmarc=pass\r\n",
                       OURS, NULL),
               ACKS_AUTH_FAIL);
  /* a ';' or the id inside a quoted string or a comment does not fool the reader */
  cr_expect_eq(
    verdict("Authentication-Results: mx.roycom.com.cn; dkim=pass header.b=\"x; dmarc=fail\"\r\n", OURS, NULL),
    ACKS_AUTH_PASS, "quoted ';'");
  cr_expect_eq(verdict("Authentication-Results: (mx.roycom.com.cn) evil.example; dmarc=fail\r\n", OURS, NULL),
               ACKS_AUTH_NONE, "id in a comment");
  /* headers in the body are not headers */
  cr_expect_eq(verdict("", OURS, NULL), ACKS_AUTH_NONE, "an A-R line after the blank line");
  /* Authentication-Results-Original / ARC-Authentication-Results are other fields */
  cr_expect_eq(verdict("ARC-Authentication-Results: i=1; mx.roycom.com.cn; dmarc=fail\r\n"
                       "Authentication-Results-Original: mx.roycom.com.cn; dmarc=fail\r\n",
                       OURS, NULL),
               ACKS_AUTH_NONE);
}

Test(authres, off_without_a_trusted_id)
{
  const char *const none[] = { NULL };
  const char *const empty[] = { "", NULL };
  const char *h = "Authentication-Results: mx.roycom.com.cn; dmarc=fail\r\n";
  cr_expect_eq(verdict(h, NULL, NULL), ACKS_AUTH_NONE);
  cr_expect_eq(verdict(h, none, NULL), ACKS_AUTH_NONE);
  cr_expect_eq(verdict(h, empty, NULL), ACKS_AUTH_NONE);
  const char *const two[] = { "mx1.roycom.com.cn", "mx.roycom.com.cn", NULL };
  cr_expect_eq(verdict(h, two, NULL), ACKS_AUTH_FAIL, "a list of ids");
}

Test(authres, hostile_values_do_not_crash)
{
  const char *bad[] = { "",
                        ";",
                        ";;;",
                        "(",
                        "((((",
                        "\"",
                        "\"unclosed; dmarc=fail",
                        "x; =fail",
                        "x; dmarc=",
                        "x; dmarc",
                        "\\",
                        "x; dmarc=fail (unclosed",
                        "x;\xff\xfe dmarc=fail" };
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_autofree char *id = NULL;
    g_autoptr(GPtrArray) methods = NULL;
    acks_auth_parse(bad[i], &id, &methods);
  }
  /* unreadable header of ours: the run ends, nothing trusted after it */
  cr_expect_eq(
    verdict("Authentication-Results: ;\r\nAuthentication-Results: mx.roycom.com.cn; dmarc=fail\r\n", OURS,
            NULL),
    ACKS_AUTH_NONE);
  /* LF-only line ends and a header block without a body */
  const char *lf = "Authentication-Results: mx.roycom.com.cn;\n dmarc=fail\nFrom: a@b\n";
  cr_expect_eq(acks_auth_evaluate(lf, strlen(lf), OURS, NULL), ACKS_AUTH_FAIL);
}
