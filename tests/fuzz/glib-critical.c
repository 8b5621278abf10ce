/* glib-critical.c: linked into every fuzz target and replay: a GLib critical (a g_return_if_fail that
 * failed in GLib, GMime or json-glib — a NULL or wrong object handed to them) is a crash. abort() is
 * what libFuzzer catches and saves the input for; G_DEBUG=fatal-criticals alone stops with SIGTRAP,
 * which it does not. */
#include <glib.h>
#include <stdlib.h>

static void
critical_is_a_crash(const char *domain, GLogLevelFlags level, const char *message, gpointer data)
{
  g_log_default_handler(domain, level, message, data);
  if (level & (G_LOG_LEVEL_CRITICAL | G_LOG_FLAG_FATAL))
    abort();
}

__attribute__((constructor)) static void
fuzz_glib_critical_init(void)
{
  g_log_set_default_handler(critical_is_a_crash, NULL);
}
