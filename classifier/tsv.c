/* tsv.c: the seed files (sql/seed/<table>.tsv): a header line naming the columns, tab-separated rows, an
 * empty field for SQL NULL, '#' and blank lines skipped — the format the migration runner COPYs. */
#include "classifier-private.h"

#include <string.h>

void
classifier_tsv_free(ClassifierTsv *tsv)
{
  if (!tsv)
    return;
  g_strfreev(tsv->columns);
  g_ptr_array_unref(tsv->rows);
  g_array_unref(tsv->lines);
  g_free(tsv);
}

static gboolean
add_line(ClassifierTsv *t, char *line, guint line_no, const char *path, GError **error)
{
  if (!t->columns) {
    t->columns = g_strsplit(line, "\t", -1);
    t->ncols = g_strv_length(t->columns);
    for (guint i = 0; i < t->ncols; i++)
      g_strstrip(t->columns[i]);
    return TRUE;
  }
  char **fields = g_strsplit(line, "\t", -1);
  guint n = g_strv_length(fields);
  if (n != t->ncols) {
    g_strfreev(fields);
    g_set_error(error, CLASSIFIER_ERROR, CLASSIFIER_ERROR_DATA, "%s, line %u: %u fields, the header names %u",
                path, line_no, n, t->ncols);
    return FALSE;
  }
  g_ptr_array_add(t->rows, fields);
  g_array_append_val(t->lines, line_no);
  return TRUE;
}

ClassifierTsv *
classifier_tsv_read_file(const char *path, GError **error)
{
  g_autofree char *text = NULL;
  gsize len = 0;
  g_autoptr(GError) local = NULL;
  if (!g_file_get_contents(path, &text, &len, &local)) {
    g_set_error(error, CLASSIFIER_ERROR, CLASSIFIER_ERROR_IO, "%s: %s", path, local->message);
    return NULL;
  }
  if (!g_utf8_validate_len(text, len, NULL)) {
    g_set_error(error, CLASSIFIER_ERROR, CLASSIFIER_ERROR_DATA, "%s: not UTF-8", path);
    return NULL;
  }
  g_autoptr(ClassifierTsv) t = g_new0(ClassifierTsv, 1);
  t->rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
  t->lines = g_array_new(FALSE, FALSE, sizeof(guint));
  char *line = text;
  for (guint line_no = 1; line && *line; line_no++) {
    char *nl = strchr(line, '\n');
    if (nl)
      *nl = '\0';
    gsize l = strlen(line);
    if (l && line[l - 1] == '\r')
      line[--l] = '\0';
    if (l && line[0] != '#' && !add_line(t, line, line_no, path, error))
      return NULL;
    line = nl ? nl + 1 : NULL;
  }
  if (!t->columns) {
    g_set_error(error, CLASSIFIER_ERROR, CLASSIFIER_ERROR_DATA, "%s: no header line", path);
    return NULL;
  }
  return g_steal_pointer(&t);
}
