/* t2s.c: traditional → simplified Chinese for matching (libopencc, config t2s.json), so a mail written in
 * traditional characters meets the simplified keywords; what the customer wrote is shown unconverted. */
#include "classifier-private.h"

#include <opencc.h>
#include <string.h>

#ifndef INTAKE_OPENCC_CONFIG
#define INTAKE_OPENCC_CONFIG "t2s.json"
#endif

/* CJK blocks whose characters may be traditional: the bitmap covers them, nothing else is converted. */
static const gunichar t2s_ranges[][2] = { { 0x3400, 0x4DBF }, { 0x4E00, 0x9FFF }, { 0xF900, 0xFAFF } };

#define T2S_PHRASE ((gunichar)0xFFFFFFFF)

/* Opens the converter and notes what it makes of every CJK character on its own (one per line, so no
 * phrase spans two): the per-text conversion is then a table look-up per character, offsets kept (a
 * call into libopencc costs more than the rest of a classification); a character t2s turns into more
 * or less than one character sends the text through libopencc itself. */
gboolean
classifier_t2s_open(ClassifierPolicy *p, GError **error)
{
  opencc_t cc = opencc_open(INTAKE_OPENCC_CONFIG);
  if (cc == (opencc_t)-1)
    return classifier_policy_error(error, "libopencc cannot open %s (%s): install libopencc-data",
                                   INTAKE_OPENCC_CONFIG, opencc_error());
  p->t2s = cc;
  p->t2s_chars = g_new0(gunichar, 0x10000);
  GString *all = g_string_sized_new(30000 * 4);
  for (guint r = 0; r < G_N_ELEMENTS(t2s_ranges); r++)
    for (gunichar c = t2s_ranges[r][0]; c <= t2s_ranges[r][1]; c++) {
      g_string_append_unichar(all, c);
      g_string_append_c(all, '\n');
    }
  char *out = opencc_convert_utf8(cc, all->str, all->len);
  g_string_free(all, TRUE);
  if (!out)
    return classifier_policy_error(error, "libopencc %s: %s", INTAKE_OPENCC_CONFIG, opencc_error());
  const char *b = out;
  gboolean in_step = TRUE;
  for (guint r = 0; r < G_N_ELEMENTS(t2s_ranges); r++)
    for (gunichar c = t2s_ranges[r][0]; c <= t2s_ranges[r][1]; c++) {
      const char *be = in_step ? strchr(b, '\n') : NULL;
      if (!be) { /* lines out of step: libopencc converts every CJK text */
        in_step = FALSE;
        p->t2s_chars[c] = T2S_PHRASE;
        continue;
      }
      gunichar s = (be - b) > 0 ? g_utf8_get_char_validated(b, be - b) : (gunichar)-1;
      if (s == (gunichar)-1 || s == (gunichar)-2 || g_utf8_next_char(b) != be)
        p->t2s_chars[c] = T2S_PHRASE;
      else if (s != c)
        p->t2s_chars[c] = s;
      b = be + 1;
    }
  opencc_convert_utf8_free(out);
  return TRUE;
}

char *
classifier_policy_t2s(const ClassifierPolicy *p, const char *text)
{
  if (!p->t2s || !text)
    return NULL;
  GString *s = NULL;
  const char *copied = text; /* text before this is in s */
  for (const guchar *c = (const guchar *)text; *c; c++) {
    if (*c < 0xE3 || *c > 0xEF) /* CJK below U+10000 is three bytes, lead E3..EF */
      continue;
    if (!c[1] || !c[2])
      break;
    gunichar u = ((gunichar)(c[0] & 0x0F) << 12) | ((gunichar)(c[1] & 0x3F) << 6) | (gunichar)(c[2] & 0x3F);
    gunichar to = p->t2s_chars[u];
    if (to == T2S_PHRASE) { /* rare: the library converts the whole text */
      if (s)
        g_string_free(s, TRUE);
      char *out = opencc_convert_utf8((opencc_t)p->t2s, text, strlen(text));
      if (!out)
        return NULL;
      char *r = g_utf8_validate(out, -1, NULL) && strcmp(out, text) != 0 ? g_strdup(out) : NULL;
      opencc_convert_utf8_free(out);
      return r;
    }
    if (to) {
      if (!s)
        s = g_string_sized_new(strlen(text) + 8);
      g_string_append_len(s, copied, (gssize)((const char *)c - copied));
      g_string_append_unichar(s, to);
      copied = (const char *)c + 3;
    }
    c += 2;
  }
  if (!s)
    return NULL;
  g_string_append(s, copied);
  return g_string_free(s, FALSE);
}

/* Keywords written in traditional characters match the converted text too. */
void
classifier_t2s_keywords(ClassifierPolicy *p)
{
  for (guint i = 0; i < p->keywords->len; i++) {
    ClassifierKeyword *k = &g_array_index(p->keywords, ClassifierKeyword, i);
    char *t = classifier_policy_t2s(p, k->text);
    if (t && strlen(t) >= 2) {
      g_free(k->text);
      k->text = t;
      k->len = strlen(t);
    } else
      g_free(t);
    for (char **r = k->requires; r && *r; r++) {
      char *rt = classifier_policy_t2s(p, *r);
      if (rt) {
        g_free(*r);
        *r = rt;
      }
    }
  }
}

void
classifier_t2s_close(ClassifierPolicy *p)
{
  if (p->t2s)
    opencc_close((opencc_t)p->t2s);
  p->t2s = NULL;
  g_clear_pointer(&p->t2s_chars, g_free);
}
