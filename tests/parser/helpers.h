/* helpers.h: shared set-up for the parser tests (one config per test process, parse helpers). */
#ifndef INTAKE_TEST_PARSER_HELPERS_H
#define INTAKE_TEST_PARSER_HELPERS_H

#include "parser-private.h"

#include <criterion/criterion.h>
#include <string.h>

static ParserConfig *test_config;

static inline void
test_setup(void)
{
  g_autoptr(GError) error = NULL;
  test_config = parser_config_load(NULL, &error);
  cr_assert(test_config != NULL, "config: %s", error ? error->message : "?");
  parser_config_set_own_address(test_config, "service@roycom.com.cn");
}

static inline void
test_teardown(void)
{
  g_clear_pointer(&test_config, parser_config_free);
}

/* Parses a mail written as a C string (LF line ends are fine). */
static inline ParserRequest *
parse_str(const char *mail)
{
  g_autoptr(GError) error = NULL;
  ParserRequest *r = parser_parse(test_config, NULL, mail, strlen(mail), &error);
  cr_assert(r != NULL, "parse failed: %s", error ? error->message : "?");
  return r;
}

/* cr_assert_str_eq that accepts NULL on either side. */
#define assert_str_or_null(actual, expected)                                                                 \
  do {                                                                                                       \
    const char *a_ = (actual), *e_ = (expected);                                                             \
    if (!e_)                                                                                                 \
      cr_assert(a_ == NULL, "expected NULL, got \"%s\"", a_);                                                \
    else                                                                                                     \
      cr_assert(a_ != NULL && strcmp(a_, e_) == 0, "expected \"%s\", got \"%s\"", e_, a_ ? a_ : "NULL");     \
  } while (0)

#endif
