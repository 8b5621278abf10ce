/* match.c: finds the policy's keywords in a customer's text, clause by clause, in one pass. */
#include "classifier-private.h"

#include <string.h>

static inline gboolean
alnum(guchar c)
{
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Length of a clause delimiter at t[i], or 0. */
static gsize
delimiter_at(const char *t, gsize i, gsize n)
{
  guchar c = (guchar)t[i];
  switch (c) {
  case '\n': case '\r': case ',': case ';': case '!': case '?':
    return 1;
  case '.':
    /* a full stop, not "M.2" or "01.01.10" */
    return (i + 1 >= n || t[i + 1] == ' ' || t[i + 1] == '\n' || t[i + 1] == '\r') ? 1 : 0;
  case 0xE3: /* 。 E3 80 82 */
    return (i + 2 < n && (guchar)t[i + 1] == 0x80 && (guchar)t[i + 2] == 0x82) ? 3 : 0;
  case 0xEF: /* ， EF BC 8C; ； EF BC 9B; ！ EF BC 81; ？ EF BC 9F */
    if (i + 2 < n && (guchar)t[i + 1] == 0xBC) {
      guchar c2 = (guchar)t[i + 2];
      if (c2 == 0x8C || c2 == 0x9B || c2 == 0x81 || c2 == 0x9F)
        return 3;
    }
    return 0;
  default:
    return 0;
  }
}

static gboolean
boundary_ok(const Keyword *kw, const char *t, gsize start, gsize end, gsize n)
{
  if (kw->word_start && start > 0 && alnum((guchar)t[start - 1]))
    return FALSE;
  if (kw->word_end && end < n && alnum((guchar)t[end]))
    return FALSE;
  return TRUE;
}

gboolean
match_contains_term(const char *hay, gsize hay_len, const char *needle, gsize needle_len)
{
  if (!needle_len || needle_len > hay_len)
    return FALSE;
  gboolean ws = alnum((guchar)needle[0]), we = alnum((guchar)needle[needle_len - 1]);
  const char *p = hay, *end = hay + hay_len;
  while ((p = memmem(p, (gsize)(end - p), needle, needle_len))) {
    gsize s = (gsize)(p - hay), e = s + needle_len;
    if ((!ws || s == 0 || !alnum((guchar)hay[s - 1])) && (!we || e >= hay_len || !alnum((guchar)hay[e])))
      return TRUE;
    p++;
  }
  return FALSE;
}

static gboolean
overlaps(const Match *a, const Match *b)
{
  return a->start < b->end && b->start < a->end;
}

void
match_scan(const ClassifierPolicy *p, const char *raw, MatchSet *out)
{
  out->display = policy_nfkc(raw ? raw : "", -1);
  out->text = g_strdup(out->display);
  for (char *c = out->text; *c; c++)
    if (*c >= 'A' && *c <= 'Z')
      *c = (char)(*c + ('a' - 'A'));
  out->matches = g_array_new(FALSE, FALSE, sizeof(Match));
  const char *t = out->text;
  gsize n = strlen(t);
  const Keyword *kws = (const Keyword *)(gpointer)p->keywords->data;

  /* one pass: every keyword starting at every character, with its clause */
  g_autoptr(GArray) all = g_array_new(FALSE, FALSE, sizeof(Match));
  gsize clause_start = 0;
  guint clause_first = 0; /* first match of the current clause */
  for (gsize i = 0; i < n; i++) {
    gsize dl = delimiter_at(t, i, n);
    if (dl) {
      for (guint m = clause_first; m < all->len; m++)
        g_array_index(all, Match, m).clause_end = i;
      clause_first = all->len;
      clause_start = i + dl;
      i += dl - 1;
      continue;
    }
    guchar c0 = (guchar)t[i];
    if ((c0 & 0xC0) == 0x80 || i + 1 >= n)
      continue;
    for (gint32 k = p->kw_index[(c0 << 8) | (guchar)t[i + 1]]; k >= 0; k = kws[k].next) {
      const Keyword *kw = &kws[k];
      if (kw->len > n - i || memcmp(t + i, kw->text, kw->len) != 0 || !boundary_ok(kw, t, i, i + kw->len, n))
        continue;
      Match m = {.kw = kw, .start = i, .end = i + kw->len, .clause_start = clause_start, .clause_end = n};
      g_array_append_val(all, m);
    }
  }
  for (guint m = clause_first; m < all->len; m++)
    g_array_index(all, Match, m).clause_end = n;

  Match *ms = (Match *)(gpointer)all->data;
  guint nm = all->len;
  g_autofree gboolean *drop = g_new0(gboolean, nm ? nm : 1);
  for (guint a = 0; a < nm; a++) {
    KeywordCategory ca = ms[a].kw->category;
    if (ca == KW_MASK) {
      for (guint b = 0; b < nm; b++)
        if (b != a && ms[b].kw->category != KW_MASK && overlaps(&ms[a], &ms[b]))
          drop[b] = TRUE;
      drop[a] = TRUE;
    } else if (ca == KW_NEGATION) {
      drop[a] = TRUE;
    }
  }
  for (guint a = 0; a < nm; a++) {
    if (ms[a].kw->category != KW_NEGATION)
      continue;
    /* a negation that is part of a longer keyword (none here) or masked does not count */
    for (guint b = 0; b < nm; b++) {
      if (ms[b].kw->category == KW_NEGATION || ms[b].kw->category == KW_MASK)
        continue;
      if (ms[b].clause_start == ms[a].clause_start && !overlaps(&ms[a], &ms[b]))
        drop[b] = TRUE;
    }
  }
  for (guint a = 0; a < nm; a++) {
    if (drop[a])
      continue;
    /* inside a longer keyword of the same category (电源 in 电源线): the longer one speaks */
    for (guint b = 0; b < nm; b++) {
      if (b == a || ms[b].kw->category != ms[a].kw->category)
        continue;
      if (ms[b].start <= ms[a].start && ms[a].end <= ms[b].end && (ms[b].end - ms[b].start) > (ms[a].end - ms[a].start)) {
        drop[a] = TRUE;
        break;
      }
    }
    if (drop[a] || !ms[a].kw->requires)
      continue;
    gboolean ok = FALSE;
    const char *cs = t + ms[a].clause_start;
    gsize cl = ms[a].clause_end - ms[a].clause_start;
    for (char **r = ms[a].kw->requires; *r && !ok; r++)
      ok = match_contains_term(cs, cl, *r, strlen(*r));
    if (!ok)
      drop[a] = TRUE;
  }
  for (guint a = 0; a < nm; a++)
    if (!drop[a])
      g_array_append_val(out->matches, ms[a]);
}

void
match_set_clear(MatchSet *set)
{
  g_clear_pointer(&set->display, g_free);
  g_clear_pointer(&set->text, g_free);
  g_clear_pointer(&set->matches, g_array_unref);
}

static gsize
char_start(const char *t, gsize i)
{
  while (i > 0 && ((guchar)t[i] & 0xC0) == 0x80)
    i--;
  return i;
}

char *
match_evidence(const MatchSet *set, const Match *m)
{
  const char *t = set->display;
  gsize s = m->clause_start, e = m->clause_end;
  const gsize span = 60;
  if (m->start > s + span)
    s = char_start(t, m->start - span);
  if (e > m->end + span)
    e = char_start(t, m->end + span);
  g_autofree char *clause = g_strndup(t + s, e - s);
  return g_strdup(g_strstrip(clause));
}
