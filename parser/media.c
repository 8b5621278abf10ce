/* parser/media.c: loads the media module (intake-media.so: attachment and label-photo readers) on
 * first use, once per process. Found at $INTAKE_MEDIA_MODULE, else beside the installed binary
 * (<bin>/INTAKE_RELATIVE_MEDIA_MODULE), else in the build tree it was built from. */
#include "parser-private.h"

#include <gmodule.h>

static char *
module_path(void)
{
  const char *env = g_getenv("INTAKE_MEDIA_MODULE");
  if (env && *env)
    return g_strdup(env);
  g_autofree char *exe = g_file_read_link("/proc/self/exe", NULL);
  if (exe) {
    g_autofree char *bindir = g_path_get_dirname(exe);
    g_autofree char *installed = g_build_filename(bindir, INTAKE_RELATIVE_MEDIA_MODULE, NULL);
    if (g_file_test(installed, G_FILE_TEST_IS_REGULAR))
      return g_canonicalize_filename(installed, NULL);
  }
  return g_strdup(INTAKE_MEDIA_BUILD_PATH);
}

static const ParserMediaOps *
load(void)
{
  g_autofree char *path = module_path();
  /* never unloaded: the strings it returns (source names) live as long as the process */
  GModule *m = g_module_open(path, G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL);
  if (!m) {
    g_warning("attachments and photos are not read: %s", g_module_error());
    return NULL;
  }
  g_module_make_resident(m);
  const ParserMediaOps *(*ops)(void) = NULL;
  if (!g_module_symbol(m, "intake_media_ops", (gpointer *)&ops) || !ops || ops()->abi != PARSER_MEDIA_ABI) {
    g_warning("attachments and photos are not read: %s is not this build's media module", path);
    return NULL;
  }
  return ops();
}

const ParserMediaOps *
parser_media(void)
{
  static gsize once;
  static const ParserMediaOps *ops;
  if (g_once_init_enter(&once)) {
    ops = load();
    g_once_init_leave(&once, 1);
  }
  return ops;
}
