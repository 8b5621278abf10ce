/* tests/cli/test_cli.c: the built `intake` as users and scripts see it (contract.md) — usage and
 * exit codes, config errors, `inspect --json` — black box, offline: no servers, no database. */
#include "cli_run.h"

#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <unistd.h>
#include <json-glib/json-glib.h>
#include <string.h>

TestSuite(usage, .timeout = 60);
TestSuite(config, .timeout = 60);
TestSuite(inspect, .timeout = 60);

/* ---- usage ---- */

Test(usage, no_command_prints_usage_and_exits_2)
{
  g_autofree char *out = NULL, *err = NULL;
  cr_assert_eq(cli_run(NULL, &out, &err, NULL), 2, "%s%s", out, err);
  cr_assert(strstr(err, "usage: intake"), "usage not on stderr: '%s'", err);
}

Test(usage, help_prints_usage_on_stdout)
{
  g_autofree char *out = NULL, *err = NULL;
  cr_assert_eq(cli_run(NULL, &out, &err, "--help", NULL), 0, "%s%s", out, err);
  cr_assert(strstr(out, "usage: intake"), "%s", out);
  for (const char *const *c = (const char *const[]){ "poll", "inspect", "assets", "db", "acks", NULL }; *c;
       c++)
    cr_assert(strstr(out, *c), "--help does not name '%s': %s", *c, out);
}

Test(usage, unknown_command_is_named_and_exits_2)
{
  g_autofree char *out = NULL, *err = NULL;
  cr_assert_eq(cli_run(NULL, &out, &err, "frobnicate", NULL), 2, "%s%s", out, err);
  cr_assert(strstr(err, "frobnicate"), "%s", err);
}

Test(usage, unknown_option_exits_2)
{
  g_autofree char *out = NULL, *err = NULL;
  cr_assert_eq(cli_run(NULL, &out, &err, "poll", "--no-such-option", NULL), 2, "%s%s", out, err);
  cr_assert(strstr(err, "no-such-option"), "%s", err);
}

Test(usage, version_names_the_release)
{
  g_autofree char *out = NULL, *err = NULL;
  cr_assert_eq(cli_run(NULL, &out, &err, "--version", NULL), 0, "%s%s", out, err);
  cr_assert(g_regex_match_simple("^intake [0-9]+\\.[0-9]+\\.[0-9]+", out, 0, 0), "%s", out);
}

/* ---- config ---- */

Test(config, missing_file_exits_2_naming_it)
{
  g_autofree char *dir = g_dir_make_tmp("intake-cli-XXXXXX", NULL);
  g_autofree char *path = g_build_filename(dir, "absent.conf", NULL);
  g_autofree char *out = NULL, *err = NULL;
  cr_assert_eq(cli_run(NULL, &out, &err, "poll", "--config", path, NULL), 2, "%s%s", out, err);
  cr_assert(strstr(err, path), "%s", err);
  g_rmdir(dir);
}

Test(config, unreadable_file_exits_2_naming_it)
{
  /* a directory: unreadable as a file even for root, who ignores permission bits */
  g_autofree char *dir = g_dir_make_tmp("intake-cli-XXXXXX", NULL);
  g_autofree char *out = NULL, *err = NULL;
  cr_assert_eq(cli_run(NULL, &out, &err, "poll", "--config", dir, NULL), 2, "%s%s", out, err);
  cr_assert(strstr(err, dir), "%s", err);
  g_rmdir(dir);
}

Test(config, config_named_by_the_environment)
{
  g_autofree char *dir = g_dir_make_tmp("intake-cli-XXXXXX", NULL);
  g_autofree char *path = g_build_filename(dir, "env.conf", NULL);
  g_autofree char *out = NULL, *err = NULL;
  const char *env[] = { "INTAKE_CONFIG", path, NULL };
  cr_assert_eq(cli_run(env, &out, &err, "poll", NULL), 2, "%s%s", out, err);
  cr_assert(strstr(err, path), "$INTAKE_CONFIG not used: %s", err);
  g_rmdir(dir);
}

Test(config, bad_value_exits_2_naming_section_and_key)
{
  g_autofree char *path =
    cli_write_config("[imap]\nurl = imaps://mail.example.com/INBOX\nuser = a@example.com\n"
                     "tls_verify = maybe\n"
                     "[db]\nconninfo = dbname=none host=/nonexistent\n");
  g_autofree char *out = NULL, *err = NULL;
  cr_assert_eq(cli_run(NULL, &out, &err, "poll", "--config", path, NULL), 2, "%s%s", out, err);
  cr_assert(strstr(err, "[imap]") && strstr(err, "tls_verify"), "section and key not named: %s", err);
  cli_remove_config(path);
}

/* A config saved by Notepad (UTF-8 with a byte-order mark) reads like any other (blind round 11c: its
 * first section was refused with an invisible character in the message). */
Test(config, a_byte_order_mark_is_not_part_of_the_file)
{
  g_autofree char *path = cli_write_config("\xEF\xBB\xBF[imap]\nurl = imaps://mail.example.com/INBOX\n"
                                           "user = a@example.com\ntls_verify = maybe\n"
                                           "[db]\nconninfo = dbname=none host=/nonexistent\n");
  g_autofree char *out = NULL, *err = NULL;
  cr_assert_eq(cli_run(NULL, &out, &err, "poll", "--config", path, NULL), 2, "%s%s", out, err);
  /* the file is read: what stops it is the bad value in it, not its first line */
  cr_assert(strstr(err, "tls_verify") && !strstr(err, "\xEF\xBB\xBF"), "%s", err);
  cli_remove_config(path);
}

/* A password file others can read is named with its mode and the fix; the password never shown. */
static void
password_file_mode(mode_t mode, gid_t gid, gboolean warned)
{
  g_autofree char *pw = cli_write_bytes("s3cret-Pa55\n", 12);
  g_assert(g_chmod(pw, mode) == 0);
  g_assert(chown(pw, (uid_t)-1, gid) == 0);
  g_autofree char *text =
    g_strdup_printf("[imap]\nurl = imaps://127.0.0.1:1/INBOX\nuser = a@example.com\npassword_file = %s\n"
                    "[db]\nconninfo = dbname=none host=/nonexistent connect_timeout=2\n",
                    pw);
  g_autofree char *path = cli_write_config(text);
  g_autofree char *out = NULL, *err = NULL;
  cli_run(NULL, &out, &err, "poll", "--config", path, NULL);
  cr_expect(!strstr(err, "s3cret") && !strstr(out, "s3cret"), "the password was shown: %s", err);
  if (warned)
    cr_expect(strstr(err, "can be read by others") && strstr(err, "chmod 640") && strstr(err, pw),
              "mode %o not warned about: %s", (unsigned)mode, err);
  else
    cr_expect(!strstr(err, "can be read by others"), "mode %o gid %u warned about: %s", (unsigned)mode,
              (unsigned)gid, err);
  cli_remove_config(path);
  cli_remove_config(pw);
}

Test(config, password_file_readable_by_others_is_warned_about)
{
  gid_t mine = getegid(), other = mine == 0 ? 1 : 0;
  password_file_mode(0644, mine, TRUE); /* everyone */
  password_file_mode(0604, mine, TRUE);
  password_file_mode(0640, other, TRUE); /* a group intake does not run as */
  password_file_mode(0640, mine, FALSE); /* root:intake 0640, as the README sets it up */
  password_file_mode(0600, other, FALSE);
  password_file_mode(0400, mine, FALSE);
}

/* A password in the url is refused without repeating it: the url names the mailbox in status, logs and
 * alerts (blind round 18). */
Test(config, a_password_in_the_url_is_refused_unsaid)
{
  g_autofree char *path = cli_write_config("[imap]\nurl = imaps://svc:S3cretPw@mail.example.com/INBOX\n"
                                           "user = svc\n[db]\nconninfo = dbname=none host=/nonexistent\n");
  g_autofree char *out = NULL, *err = NULL;
  cr_assert_eq(cli_run(NULL, &out, &err, "poll", "--config", path, NULL), 2, "%s%s", out, err);
  cr_expect(strstr(err, "url holds a password") && strstr(err, "password_file"), "%s", err);
  cr_expect(!strstr(err, "S3cretPw") && !strstr(out, "S3cretPw"), "%s", err);
  cli_remove_config(path);
}

/* A key given twice in a section: refused, naming both lines (blind round 11c: the second, wrong
 * url was polled without a word); the same key in two sections is two keys. */
Test(config, a_key_given_twice_is_refused_naming_both_lines)
{
  g_autofree char *path =
    cli_write_config("[imap]\nurl = imaps://mail.example.com/INBOX\nuser = a@example.com\n"
                     "; the new server\nurl = imaps://127.0.0.1:1/INBOX\n"
                     "[db]\nconninfo = dbname=none host=/nonexistent\n");
  g_autofree char *out = NULL, *err = NULL;
  cr_assert_eq(cli_run(NULL, &out, &err, "poll", "--config", path, NULL), 2, "%s%s", out, err);
  cr_assert(strstr(err, "key 'url' given twice in [imap] (lines 2 and 5)"), "%s", err);
  cli_remove_config(path);
  g_autofree char *two =
    cli_write_config("[imap]\nurl = imaps://127.0.0.1:1/INBOX\nuser = a@example.com\n"
                     "timeout = 2s\n[imap.sales]\nurl = imaps://127.0.0.1:1/Sales\n"
                     "[db]\nconninfo = dbname=none host=/nonexistent connect_timeout=1\n");
  g_free(out), g_free(err);
  out = err = NULL;
  cli_run(NULL, &out, &err, "poll", "--config", two, NULL);
  cr_assert(!strstr(err, "given twice"), "%s", err);
  cli_remove_config(two);
}

/* [alerts] mail_to takes several addresses; one that is none is refused, naming the key (blind
 * round 13: "duty@…, ops@…" passed the check and every send failed). */
Test(config, mail_to_is_a_list_of_addresses)
{
  const char *good = "duty@roycom.com.cn, ops@roycom.com.cn;boss@roycom.com.cn";
  const char *bad[] = { "duty@roycom.com.cn, ops",
                        "<duty@roycom.com.cn>",
                        "@roycom.com.cn",
                        ",",
                        "duty@",
                        "duty@@roycom.com.cn",
                        NULL };
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) { /* the good one, then each bad one */
    const char *v = i == 0 ? good : bad[i - 1];
    g_autofree char *text =
      g_strdup_printf("[imap]\nurl = imaps://127.0.0.1:1/INBOX\nuser = a@example.com\n[alerts]\nmail_to = "
                      "%s\nstate_dir = %s\n"
                      "[db]\nconninfo = dbname=none host=/nonexistent connect_timeout=1\n",
                      v, g_get_tmp_dir());
    g_autofree char *path = cli_write_config(text);
    g_autofree char *out = NULL, *err = NULL;
    int rc = cli_run(NULL, &out, &err, "poll", "--config", path, NULL);
    if (i == 0)
      cr_expect(!strstr(err, "mail_to"), "%s: %s", v, err);
    else
      cr_expect(rc == 2 && strstr(err, "mail_to"), "%s: rc %d %s", v, rc, err);
    cli_remove_config(path);
  }
}

/* A password in the conninfo of a config others can read is warned about like a password file
 * (blind round 11c), never shown; in a 0640/0600 file, or without a password, nothing is said. */
static void
conninfo_password(const char *conninfo, mode_t mode, gboolean warned)
{
  g_autofree char *text = g_strdup_printf(
    "[imap]\nurl = imaps://127.0.0.1:1/INBOX\nuser = a@example.com\n[db]\nconninfo = %s\n", conninfo);
  g_autofree char *path = cli_write_config(text);
  g_assert(g_chmod(path, mode) == 0);
  g_autofree char *out = NULL, *err = NULL;
  cli_run(NULL, &out, &err, "poll", "--config", path, NULL);
  cr_expect(!strstr(err, "s3cret") && !strstr(out, "s3cret"), "the password was shown: %s", err);
  cr_expect_eq(strstr(err, "conninfo holds a password") != NULL, warned, "%s (mode %o): %s", conninfo,
               (unsigned)mode, err);
  cli_remove_config(path);
}

Test(config, a_password_in_a_readable_conninfo_is_warned_about)
{
  conninfo_password("dbname=none host=/nonexistent password=s3cret connect_timeout=1", 0644, TRUE);
  conninfo_password("dbname=none host=/nonexistent password = s3cret connect_timeout=1", 0604, TRUE);
  conninfo_password("postgresql://intake:s3cret@127.0.0.1:1/none?connect_timeout=1", 0644, TRUE);
  conninfo_password("postgresql://intake@127.0.0.1:1/none?connect_timeout=1&password=s3cret", 0644, TRUE);
  conninfo_password("dbname=none host=/nonexistent password=s3cret connect_timeout=1", 0600, FALSE);
  conninfo_password("dbname=none host=/nonexistent connect_timeout=1", 0644, FALSE);
  conninfo_password("postgresql://intake@127.0.0.1:1/none?connect_timeout=1", 0644, FALSE);
}

Test(config, stale_lock_after_is_a_duration_per_mailbox)
{
  /* accepted: the run gets past the config (to the unreachable database: exit 1, not 2) */
  g_autofree char *good =
    cli_write_config("[imap]\nurl = imaps://mail.example.com/INBOX\nuser = a@example.com\n"
                     "stale_lock_after = 15m\n"
                     "[imap.other]\nurl = imaps://mail.example.com/Other\nstale_lock_after = 90s\n"
                     "[db]\nconninfo = dbname=none host=/nonexistent\n");
  g_autofree char *out = NULL, *err = NULL;
  int rc = cli_run(NULL, &out, &err, "poll", "--config", good, NULL);
  cr_assert_neq(rc, 2, "a valid stale_lock_after refused: %s%s", out, err);
  cr_assert_null(strstr(err, "stale_lock_after"), "%s", err);
  cli_remove_config(good);

  /* refused, naming the section and the key */
  g_autofree char *bad =
    cli_write_config("[imap]\nurl = imaps://mail.example.com/INBOX\nuser = a@example.com\n"
                     "[imap.other]\nurl = imaps://mail.example.com/Other\nstale_lock_after = soon\n"
                     "[db]\nconninfo = dbname=none host=/nonexistent\n");
  g_free(out);
  g_free(err);
  cr_assert_eq(cli_run(NULL, &out, &err, "poll", "--config", bad, NULL), 2, "%s%s", out, err);
  cr_assert(strstr(err, "[imap.other]") && strstr(err, "stale_lock_after"), "section and key not named: %s",
            err);
  cli_remove_config(bad);
}

/* [limits] for label photos (issue 15): max_images (0: never), max_image_bytes, image_ms. */
Test(config, photo_limits_are_config_keys)
{
  g_autofree char *good =
    cli_write_config("[imap]\nurl = imaps://mail.example.com/INBOX\nuser = a@example.com\n"
                     "[db]\nconninfo = dbname=none host=/nonexistent\n"
                     "[limits]\nmax_images = 0\nmax_image_bytes = 8M\nimage_ms = 2500\n");
  g_autofree char *out = NULL, *err = NULL;
  int rc = cli_run(NULL, &out, &err, "poll", "--config", good, NULL);
  cr_assert_neq(rc, 2, "valid photo limits refused: %s%s", out, err);
  cr_assert_null(strstr(err, "[limits]"), "%s", err);
  cli_remove_config(good);

  g_autofree char *bad =
    cli_write_config("[imap]\nurl = imaps://mail.example.com/INBOX\nuser = a@example.com\n"
                     "[db]\nconninfo = dbname=none host=/nonexistent\n"
                     "[limits]\nimage_ms = soon\n");
  g_free(out);
  g_free(err);
  cr_assert_eq(cli_run(NULL, &out, &err, "poll", "--config", bad, NULL), 2, "%s%s", out, err);
  cr_assert(strstr(err, "[limits]") && strstr(err, "image_ms"), "section and key not named: %s", err);
  cli_remove_config(bad);
}

/* ---- inspect ---- */

static JsonObject *
inspect_json(const char *file, JsonParser *parser)
{
  g_autofree char *out = NULL, *err = NULL;
  int rc =
    cli_run(NULL, &out, &err, "inspect", file, "--received", "2026-11-25T10:00:00+08:00", "--json", NULL);
  cr_assert_eq(rc, 0, "inspect %s: %s", file, err);
  g_autoptr(GError) error = NULL;
  cr_assert(json_parser_load_from_data(parser, out, -1, &error), "not JSON (%s): %s", error->message, out);
  JsonNode *root = json_parser_get_root(parser);
  cr_assert(root && JSON_NODE_HOLDS_OBJECT(root), "not one JSON object: %s", out);
  return json_node_get_object(root);
}

/* inspect --json of file with the sample registry (samples/assets.csv); *out gets the text, for
 * messages. */
static JsonObject *
inspect_json_registered(const char *file, JsonParser *parser, char **out)
{
  g_autofree char *err = NULL;
  int rc = cli_run(NULL, out, &err, "inspect", file, "--assets",
                   INTAKE_TEST_MAIL_DIR "/../../../samples/assets.csv", "--json", NULL);
  cr_assert_eq(rc, 0, "inspect %s: %s", file, err);
  cr_assert(json_parser_load_from_data(parser, *out, -1, NULL), "not JSON: %s", *out);
  JsonNode *root = json_parser_get_root(parser);
  cr_assert(root && JSON_NODE_HOLDS_OBJECT(root), "not one JSON object: %s", *out);
  return json_node_get_object(root);
}

typedef enum { STR = 1, NUL = 2, ARR = 4, OBJ = 8 } Kind;

/* The fields contract.md lists for `inspect --json` and the JSON types each may take. */
static const struct {
  const char *name;
  int kinds;
} contract_fields[] = {
  { "message_id", STR | NUL },
  { "from", STR | NUL },
  { "subject", STR | NUL },
  { "received_at", STR },
  { "kind", STR },
  { "ignored_reason", STR | NUL },
  { "followup_of", STR | NUL },
  { "sn", STR | NUL },
  { "sn_candidates", ARR },
  { "model", STR | NUL },
  { "symptoms", STR | NUL },
  { "symptom_tags", ARR },
  { "component", STR },
  { "contact", STR | NUL },
  { "phone", STR | NUL },
  { "address", STR | NUL },
  { "city", STR | NUL },
  { "district", STR | NUL },
  { "missing", ARR },
  { "tier", STR | NUL },
  { "warranty_start", STR | NUL },
  { "warranty_end", STR | NUL },
  { "coverage", STR | NUL },
  { "reasons", ARR },
  { "severity", STR },
  { "priority", STR | NUL },
  { "onsite_class", STR },
  { "sla", OBJ | NUL },
  { "sn_source", STR | NUL },
  { "machines", ARR },
};

static void
assert_contract_fields(JsonObject *o, const char *file)
{
  for (guint i = 0; i < G_N_ELEMENTS(contract_fields); i++) {
    const char *name = contract_fields[i].name;
    JsonNode *n = json_object_get_member(o, name);
    cr_assert(n, "%s: no field %s", file, name);
    int kind = JSON_NODE_HOLDS_NULL(n)                        ? NUL
               : JSON_NODE_HOLDS_ARRAY(n)                     ? ARR
               : JSON_NODE_HOLDS_OBJECT(n)                    ? OBJ
               : json_node_get_value_type(n) == G_TYPE_STRING ? STR
                                                              : 0;
    cr_assert(kind & contract_fields[i].kinds, "%s: field %s has the wrong JSON type", file, name);
  }
}

static gboolean
one_of(const char *value, const char *const *allowed)
{
  for (; *allowed; allowed++)
    if (g_str_equal(value, *allowed))
      return TRUE;
  return FALSE;
}

Test(inspect, json_of_a_fault_mail_has_the_contract_fields)
{
  const char *file = INTAKE_TEST_MAIL_DIR "/blind-m01-sz-phone.eml";
  g_autoptr(JsonParser) parser = json_parser_new();
  JsonObject *o = inspect_json(file, parser);
  assert_contract_fields(o, file);
  cr_assert_str_eq(json_object_get_string_member(o, "kind"), "fault");
  cr_assert_str_eq(json_object_get_string_member(o, "sn"), "RCS25A0010001");
  cr_assert_str_eq(json_object_get_string_member(o, "received_at"), "2026-11-25T10:00:00+08:00");
  cr_assert(
    one_of(json_object_get_string_member(o, "severity"), (const char *const[]){ "S1", "S2", "S3", NULL }));
  cr_assert(one_of(json_object_get_string_member(o, "component"),
                   (const char *const[]){ "machine_part", "auxiliary", "peripheral", "other_material", "gpu",
                                          "roycom_software", "other_software", "system", "unknown", NULL }));
  JsonObject *sla = json_object_get_object_member(o, "sla");
  cr_assert(sla);
  cr_assert(
    one_of(json_object_get_string_member(sla, "clock"), (const char *const[]){ "7x24", "5x8", NULL }));
  JsonArray *reasons = json_object_get_array_member(o, "reasons");
  for (guint i = 0; i < json_array_get_length(reasons); i++) {
    JsonObject *r = json_array_get_object_element(reasons, i);
    cr_assert(r && json_object_has_member(r, "code") && json_object_has_member(r, "evidence"));
  }
}

/* contract.md: machines[0] is sn/model. A mail that gives only the SN: the model is the registry's,
 * in machines[0] as at the top. */
Test(inspect, the_first_machine_is_the_effective_sn_and_model)
{
  const char *file = INTAKE_TEST_MAIL_DIR "/blind-n14-iphone-very-short.eml";
  g_autofree char *out = NULL;
  g_autoptr(JsonParser) parser = json_parser_new();
  JsonObject *o = inspect_json_registered(file, parser, &out);
  assert_contract_fields(o, file);
  cr_assert_str_eq(json_object_get_string_member(o, "sn"), "RCS25L0112345");
  cr_assert_str_eq(json_object_get_string_member(o, "model"), "RC-R4290G G5", "the registry's model");
  JsonArray *machines = json_object_get_array_member(o, "machines");
  cr_assert_eq(json_array_get_length(machines), 1);
  JsonObject *m0 = json_array_get_object_element(machines, 0);
  cr_assert_str_eq(json_object_get_string_member(m0, "sn"), "RCS25L0112345");
  cr_assert_str_eq(json_object_get_string_member(m0, "model"), "RC-R4290G G5", "%s", out);
}

/* Each machine of a batch report carries its registered model, as the order poll makes of it does
 * (the mail names none). */
Test(inspect, every_machine_has_its_registered_model)
{
  const char *file = INTAKE_TEST_MAIL_DIR "/blind-r04-first-second-blocks.eml";
  g_autofree char *out = NULL;
  g_autoptr(JsonParser) parser = json_parser_new();
  JsonArray *machines = json_object_get_array_member(inspect_json_registered(file, parser, &out), "machines");
  cr_assert_eq(json_array_get_length(machines), 2, "%s", out);
  JsonObject *m0 = json_array_get_object_element(machines, 0),
             *m1 = json_array_get_object_element(machines, 1);
  cr_assert_str_eq(json_object_get_string_member(m0, "model"), "RC-R1190 G5", "%s", out);
  cr_assert_str_eq(json_object_get_string_member(m1, "sn"), "RCS25F0230008", "%s", out);
  cr_assert_str_eq(json_object_get_string_member(m1, "model"), "RC-R2290 G5", "%s", out);
}

/* A batch report is an order per machine, each classified on its own: each machine shows its own
 * severity, priority and coverage, and the top level is the first machine's order, as poll makes it
 * (blind round 21: the mail-wide S1/P2 was shown where poll's first order was S2/P3). */
Test(inspect, each_machine_is_classified_as_its_order)
{
  const char *file = INTAKE_TEST_MAIL_DIR "/cust-batch-text-table.eml";
  g_autofree char *out = NULL;
  g_autoptr(JsonParser) parser = json_parser_new();
  JsonObject *o = inspect_json_registered(file, parser, &out);
  assert_contract_fields(o, file);
  JsonArray *machines = json_object_get_array_member(o, "machines");
  cr_assert_eq(json_array_get_length(machines), 2, "%s", out);
  JsonObject *m0 = json_array_get_object_element(machines, 0),
             *m1 = json_array_get_object_element(machines, 1);
  cr_assert_str_eq(json_object_get_string_member(m0, "severity"), "S2", "%s", out);
  cr_assert_str_eq(json_object_get_string_member(m1, "severity"), "S1", "%s", out);
  cr_assert_str_eq(json_object_get_string_member(m1, "priority"), "P2", "%s", out);
  cr_assert_str_eq(json_object_get_string_member(o, "severity"), "S2", "the first order's: %s", out);
  cr_assert_str_eq(json_object_get_string_member(o, "priority"),
                   json_object_get_string_member(m0, "priority"));
  cr_assert_str_eq(json_object_get_string_member(o, "coverage"),
                   json_object_get_string_member(m0, "coverage"));
}

/* An unlabelled SN the registry confirms: sn_source says where the mail wrote it. */
Test(inspect, a_confirmed_candidate_has_its_source)
{
  const char *file = INTAKE_TEST_MAIL_DIR "/../../../samples/mail/01-wechat-terse-haidian.eml";
  g_autofree char *out = NULL;
  g_autoptr(JsonParser) parser = json_parser_new();
  JsonObject *o = inspect_json_registered(file, parser, &out);
  cr_assert(!json_object_get_null_member(o, "sn"), "%s", out);
  cr_assert_str_eq(json_object_get_string_member(o, "sn_source"), "body", "%s", out);
}

/* An exclusion in the forwarder's note above the customer's fault counts (policy §5.3). */
Test(inspect, the_forwarders_note_is_read_for_exclusions)
{
  const char *file = INTAKE_TEST_MAIL_DIR "/blind-r09-forward-note-says-relocated.eml";
  g_autofree char *out = NULL;
  g_autoptr(JsonParser) parser = json_parser_new();
  JsonObject *o = inspect_json_registered(file, parser, &out);
  cr_assert_str_eq(json_object_get_string_member(o, "coverage"), "needs_review");
  JsonArray *reasons = json_object_get_array_member(o, "reasons");
  gboolean relocation = FALSE;
  for (guint i = 0; i < json_array_get_length(reasons); i++)
    relocation |= g_str_equal(
      json_object_get_string_member(json_array_get_object_element(reasons, i), "code"), "relocation");
  cr_assert(relocation, "no relocation among the reasons");
}

Test(inspect, json_of_a_bounce_is_ignored_with_no_sla)
{
  const char *file = INTAKE_TEST_MAIL_DIR "/blind-m36-bounce-zh.eml";
  g_autoptr(JsonParser) parser = json_parser_new();
  JsonObject *o = inspect_json(file, parser);
  assert_contract_fields(o, file);
  cr_assert_str_eq(json_object_get_string_member(o, "kind"), "ignored");
  cr_assert_str_eq(json_object_get_string_member(o, "ignored_reason"), "bounce");
  cr_assert(json_object_get_null_member(o, "coverage"));
  cr_assert(json_object_get_null_member(o, "sla"));
}

Test(inspect, an_empty_file_is_refused_with_a_message)
{
  g_autofree char *path = cli_write_config("");
  g_autofree char *out = NULL, *err = NULL;
  int rc = cli_run(NULL, &out, &err, "inspect", path, "--json", NULL);
  cr_assert(rc == 1 || rc == 2, "exit %d: %s%s", rc, out, err);
  cr_assert(strstr(err, path) && strstr(err, "empty"), "no clear message: '%s'", err);
  cr_assert_str_eq(out, "", "output for an empty mail: %s", out);
  cli_remove_config(path);
}

Test(inspect, a_missing_file_is_named)
{
  g_autofree char *out = NULL, *err = NULL;
  int rc = cli_run(NULL, &out, &err, "inspect", "/nonexistent/mail.eml", NULL);
  cr_assert(rc == 1 || rc == 2, "exit %d", rc);
  cr_assert(strstr(err, "/nonexistent/mail.eml"), "%s", err);
}

Test(inspect, binary_junk_does_not_crash)
{
  /* not a mail: the bytes of a PNG header, NULs and high bytes; inspect reads it as a (bad) mail */
  GString *junk = g_string_new_len("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
  for (guint i = 0; i < 4096; i++)
    g_string_append_c(junk, (char)((i * 131u + 7u) & 0xff));
  g_autofree char *path = cli_write_bytes(junk->str, junk->len);
  g_string_free(junk, TRUE);
  g_autofree char *out = NULL, *err = NULL;
  int rc = cli_run(NULL, &out, &err, "inspect", path, "--json", NULL);
  cr_assert(rc == 0 || rc == 1, "exit %d (a crash is 128+signal): %s", rc, err);
  if (rc == 0) {
    g_autoptr(JsonParser) parser = json_parser_new();
    cr_assert(json_parser_load_from_data(parser, out, -1, NULL), "not JSON: %s", out);
  } else {
    cr_assert(strlen(err) > 0, "exit 1 without a message");
  }
  cli_remove_config(path);
}
