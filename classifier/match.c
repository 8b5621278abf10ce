/* match.c: finds the policy's keywords in a customer's text, clause by clause, in one pass. */
#include "classifier-private.h"

#include <string.h>

/* Length of a clause delimiter at t[i], or 0. */
static gsize
delimiter_at(const char *t, gsize i, gsize n)
{
  guchar c = (guchar)t[i];
  switch (c) {
    case '\n':
    case '\r':
    case ',':
    case ';':
    case '!':
    case '?':
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

/* The keywords by their first two bytes: one chain per pair, each in table order, so a scan tries at each
 * position only the keywords that can start there. */
void
classifier_match_index(ClassifierPolicy *p)
{
  p->kw_index = g_new(gint32, 65536);
  memset(p->kw_index, 0xff, 65536 * sizeof(gint32));
  /* insert in reverse so each chain lists keywords in file order */
  for (gint32 i = (gint32)p->keywords->len - 1; i >= 0; i--) {
    ClassifierKeyword *k = &g_array_index(p->keywords, ClassifierKeyword, i);
    guint key = ((guchar)k->text[0] << 8) | (guchar)k->text[1];
    k->next = p->kw_index[key];
    p->kw_index[key] = i;
  }
}

/* A letter, digit or '_' of an ASCII word: "gpu_node_07" is a host's name, no GPU (blind round 14c). */
static gboolean
word_char(char ch)
{
  return g_ascii_isalnum((guchar)ch) || ch == '_';
}

static gboolean
boundary_ok(const ClassifierKeyword *kw, const char *t, gsize start, gsize end, gsize n)
{
  if (kw->word_start && start > 0 && word_char(t[start - 1]))
    return FALSE;
  if (kw->word_end && end < n && word_char(t[end]))
    return FALSE;
  return TRUE;
}

/* The offset of the first whole-term occurrence of needle in hay at or after from, or -1. */
static gssize
term_from(const char *hay, gsize hay_len, const char *needle, gsize needle_len, gsize from)
{
  if (!needle_len || needle_len > hay_len || from >= hay_len)
    return -1;
  gboolean ws = g_ascii_isalnum((guchar)needle[0]), we = g_ascii_isalnum((guchar)needle[needle_len - 1]);
  const char *p = hay + from, *end = hay + hay_len;
  while ((p = memmem(p, (gsize)(end - p), needle, needle_len))) {
    gsize s = (gsize)(p - hay), e = s + needle_len;
    if ((!ws || s == 0 || !word_char(hay[s - 1])) && (!we || e >= hay_len || !word_char(hay[e])))
      return (gssize)s;
    p++;
  }
  return -1;
}

gboolean
classifier_match_contains_term(const char *hay, gsize hay_len, const char *needle, gsize needle_len)
{
  return term_from(hay, hay_len, needle, needle_len, 0) >= 0;
}

static gboolean
overlaps(const ClassifierMatch *a, const ClassifierMatch *b)
{
  return a->start < b->end && b->start < a->end;
}

/* Offsets of the converted text → offsets of the customer's text, character by character; NULL when the
 * two have the same offsets. When the conversion changed the number of characters (a phrase), display
 * becomes the converted text, so evidence is still a clause of what was matched. */
static gsize *
offset_map(const char *text, const char *display)
{
  gsize tn = strlen(text), dn = strlen(display);
  if (tn == dn) {
    gboolean same = TRUE;
    for (const char *a = text, *b = display; *a && same; a = g_utf8_next_char(a), b = g_utf8_next_char(b))
      same = (g_utf8_next_char(a) - a) == (g_utf8_next_char(b) - b);
    if (same)
      return NULL;
  }
  gsize *map = g_new(gsize, tn + 1);
  const char *a = text, *b = display;
  while (*a) {
    const char *an = g_utf8_next_char(a);
    for (const char *x = a; x < an; x++)
      map[x - text] = (gsize)(b - display);
    a = an;
    b = g_utf8_next_char(b);
  }
  map[tn] = dn;
  return map;
}

/* display: the text after NFKC; text: the same, traditional → simplified and ASCII lower case. */
static void
prepare_text(const ClassifierPolicy *p, const char *raw, ClassifierMatchSet *out)
{
  out->display = classifier_text_nfkc(raw ? raw : "", -1);
  out->to_display = NULL;
  out->text = classifier_policy_t2s(p, out->display);
  if (!out->text)
    out->text = g_strdup(out->display);
  else if (g_utf8_strlen(out->text, -1) != g_utf8_strlen(out->display, -1)) {
    g_free(out->display);
    out->display = g_strdup(out->text);
  } else
    out->to_display = offset_map(out->text, out->display);
  classifier_ascii_lower(out->text);
}

/* One pass: every keyword starting at every character, with its clause. */
static void
find_all(const ClassifierPolicy *p, const char *t, gsize n, GArray *all)
{
  const ClassifierKeyword *kws = (const ClassifierKeyword *)(gpointer)p->keywords->data;
  gsize clause_start = 0;
  guint clause_first = 0; /* first match of the current clause */
  for (gsize i = 0; i < n; i++) {
    gsize dl = delimiter_at(t, i, n);
    if (dl) {
      for (guint m = clause_first; m < all->len; m++)
        g_array_index(all, ClassifierMatch, m).clause_end = i;
      clause_first = all->len;
      clause_start = i + dl;
      i += dl - 1;
      continue;
    }
    guchar c0 = (guchar)t[i];
    if ((c0 & 0xC0) == 0x80 || i + 1 >= n)
      continue;
    for (gint32 k = p->kw_index[(c0 << 8) | (guchar)t[i + 1]]; k >= 0; k = kws[k].next) {
      const ClassifierKeyword *kw = &kws[k];
      if (kw->len > n - i || memcmp(t + i, kw->text, kw->len) != 0 || !boundary_ok(kw, t, i, i + kw->len, n))
        continue;
      ClassifierMatch m = {
        .kw = kw, .start = i, .end = i + kw->len, .clause_start = clause_start, .clause_end = n
      };
      g_array_append_val(all, m);
    }
  }
  for (guint m = clause_first; m < all->len; m++)
    g_array_index(all, ClassifierMatch, m).clause_end = n;
}

/* Whether a negation word negates what follows it ("没有告警", "未发现异常", "no alarm") rather than
 * saying its clause is fine ("硬盘都正常", "BMC 无告警"): then an outage or fault said before it in
 * the clause stands ("开不了机了按了电源键没有反应", "宕机了重启也没有用" — mail written without
 * commas), while a part named before it is still the one said to be fine ("BMC 没有告警"). */
static gboolean
negates_what_follows(const char *word)
{
  static const char *const heads[] = { "没", "未", "还", "尚", "并", "no ", "without ", NULL };
  if (strstr(word, "问题") || strstr(word, "正常") || strstr(word, "異常") || strstr(word, "异常"))
    return FALSE; /* "没问题", "无异常": the clause is fine */
  for (const char *const *h = heads; *h; h++)
    if (g_str_has_prefix(word, *h))
      return TRUE;
  return FALSE;
}

/* Masks take out what they overlap (and themselves) — not a keyword that spans the whole mask (the
 * mask "purple screen" takes out the monitor's "screen" inside it, not the outage "purple screen");
 * a negation takes out its clause's other matches, but for an outage or fault said before a
 * negation that negates what follows (negates_what_follows). */
static void
drop_masked_and_negated(const ClassifierMatch *ms, guint nm, const char *t, gboolean *drop)
{
  g_autofree gboolean *masked = g_new0(gboolean, nm ? nm : 1); /* a negation inside a mask: "不正常" */
  for (guint a = 0; a < nm; a++) {
    ClassifierKeywordCategory ca = ms[a].kw->category;
    if (ca == CLASSIFIER_KW_MASK) {
      for (guint b = 0; b < nm; b++)
        if (b != a && ms[b].kw->category != CLASSIFIER_KW_MASK && overlaps(&ms[a], &ms[b]) &&
            !(ms[b].start <= ms[a].start && ms[a].end <= ms[b].end))
          drop[b] = masked[b] = TRUE;
      drop[a] = TRUE;
    } else if (ca == CLASSIFIER_KW_NEGATION) {
      drop[a] = TRUE;
    }
  }
  for (guint a = 0; a < nm; a++) {
    if (ms[a].kw->category != CLASSIFIER_KW_NEGATION || masked[a])
      continue;
    /* a negation with `requires` speaks only in a clause that holds one of them ("正常" of the room's
     * temperature: "机房温度22度正常") */
    gboolean met = !ms[a].kw->requires;
    for (char **r = ms[a].kw->requires; r && *r && !met; r++)
      met = classifier_match_contains_term(t + ms[a].clause_start, ms[a].clause_end - ms[a].clause_start, *r,
                                           strlen(*r));
    if (!met)
      continue;
    /* "宕机的问题没有再出现": no more — the clause is fine */
    gboolean before_only = negates_what_follows(ms[a].kw->text) && !g_str_has_prefix(t + ms[a].end, "再");
    /* a negation that is part of a longer keyword (none here) or masked does not count */
    for (guint b = 0; b < nm; b++) {
      if (ms[b].kw->category == CLASSIFIER_KW_NEGATION || ms[b].kw->category == CLASSIFIER_KW_MASK)
        continue;
      if (ms[b].clause_start == ms[a].clause_start && !overlaps(&ms[a], &ms[b]) &&
          (!before_only || ms[b].start >= ms[a].end || ms[b].kw->category != CLASSIFIER_KW_SEVERITY))
        drop[b] = TRUE;
    }
  }
}

/* Where the sentence holding clause_start begins: after the last delimiter before it that is not a
 * comma ("NVMe盘报 critical warning，看起来是寿命用完了" is one sentence of two clauses). */
static gsize
sentence_start(const char *t, gsize clause_start)
{
  gsize i = clause_start;
  while (i > 0) {
    gsize j = i - 1;
    while (j > 0 && ((guchar)t[j] & 0xC0) == 0x80) /* the start of the character before */
      j--;
    gsize dl = delimiter_at(t, j, clause_start);
    if (dl && !(dl == 1 && t[j] == ',') && !(dl == 3 && (guchar)t[j + 2] == 0x8C))
      return j + dl;
    i = j;
  }
  return 0;
}

/* Whether ms[a] is a system word that is the noun of a Roycom product named right before it ("SuperAI
 * 软件", "SuperHCI软件"): the product's, not the customer's own software. */
static gboolean
product_noun(const ClassifierMatch *ms, guint nm, guint a, const char *t)
{
  if (ms[a].kw->category != CLASSIFIER_KW_COMPONENT || ms[a].kw->code_value != CLASSIFIER_COMPONENT_SYSTEM)
    return FALSE;
  for (guint b = 0; b < nm; b++) {
    if (ms[b].kw->category != CLASSIFIER_KW_COMPONENT ||
        ms[b].kw->code_value != CLASSIFIER_COMPONENT_ROYCOM_SOFTWARE || ms[b].end > ms[a].start)
      continue;
    gsize i = ms[b].end;
    while (i < ms[a].start && t[i] == ' ')
      i++;
    if (i == ms[a].start)
      return TRUE;
  }
  return FALSE;
}

/* Whether term occurs in t[from, to) outside every longer mask: a calm phrase is no context ("机房空调
 * 正常，室温22度左右" is no room temperature said with the air conditioning — blind round 19); a mask
 * that is the term itself ("不正常", kept from the negation "正常") still is. */
static gboolean
required_unmasked(const ClassifierMatch *ms, guint nm, const char *t, gsize from, gsize to, const char *term)
{
  gsize len = strlen(term);
  for (gssize at = term_from(t, to, term, len, from); at >= 0;
       at = term_from(t, to, term, len, (gsize)at + 1)) {
    gboolean masked = FALSE;
    for (guint m = 0; m < nm && !masked; m++)
      masked = ms[m].kw->category == CLASSIFIER_KW_MASK && ms[m].start <= (gsize)at &&
               (gsize)at + len <= ms[m].end && ms[m].end - ms[m].start > len;
    if (!masked)
      return TRUE;
  }
  return FALSE;
}

/* A match inside a longer one that speaks for it, a product's noun, or a match whose `requires`
 * terms its sentence lacks. */
static void
drop_contained_and_unmet(const ClassifierMatch *ms, guint nm, const char *t, gboolean *drop)
{
  for (guint a = 0; a < nm; a++) {
    if (drop[a])
      continue;
    if (product_noun(ms, nm, a, t)) {
      drop[a] = TRUE;
      continue;
    }
    /* inside a longer keyword of the same category (电源 in 电源线): the longer one speaks */
    /* a part named inside a paid service (机柜 in 机柜布线, 硬盘 in 硬盘不返还) names the service, not a fault */
    for (guint b = 0; b < nm; b++) {
      if (b == a)
        continue;
      if (ms[b].kw->category == CLASSIFIER_KW_VALUE_ADDED && ms[a].kw->category == CLASSIFIER_KW_COMPONENT &&
          !drop[b] && ms[b].start <= ms[a].start && ms[a].end <= ms[b].end) {
        drop[a] = TRUE;
        break;
      }
      if (ms[b].kw->category != ms[a].kw->category)
        continue;
      if (ms[b].start <= ms[a].start && ms[a].end <= ms[b].end &&
          (ms[b].end - ms[b].start) > (ms[a].end - ms[a].start)) {
        drop[a] = TRUE;
        break;
      }
    }
    if (drop[a] || !ms[a].kw->requires)
      continue;
    gboolean ok = FALSE;
    gsize ss = sentence_start(t, ms[a].clause_start);
    for (char **r = ms[a].kw->requires; *r && !ok; r++)
      ok = required_unmasked(ms, nm, t, ss, ms[a].clause_end, *r);
    if (!ok)
      drop[a] = TRUE;
  }
}

void
classifier_match_scan(const ClassifierPolicy *p, const char *raw, ClassifierMatchSet *out)
{
  prepare_text(p, raw, out);
  out->matches = g_array_new(FALSE, FALSE, sizeof(ClassifierMatch));
  gsize n = strlen(out->text);
  g_autoptr(GArray) all = g_array_new(FALSE, FALSE, sizeof(ClassifierMatch));
  find_all(p, out->text, n, all);
  const ClassifierMatch *ms = (const ClassifierMatch *)(gpointer)all->data;
  guint nm = all->len;
  g_autofree gboolean *drop = g_new0(gboolean, nm ? nm : 1);
  drop_masked_and_negated(ms, nm, out->text, drop);
  drop_contained_and_unmet(ms, nm, out->text, drop);
  for (guint a = 0; a < nm; a++)
    if (!drop[a])
      g_array_append_val(out->matches, ms[a]);
}

void
classifier_match_set_clear(ClassifierMatchSet *set)
{
  g_clear_pointer(&set->display, g_free);
  g_clear_pointer(&set->text, g_free);
  g_clear_pointer(&set->to_display, g_free);
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
classifier_match_evidence(const ClassifierMatchSet *set, const ClassifierMatch *m)
{
  const char *t = set->display;
  const gsize *map = set->to_display;
  gsize s = m->clause_start, e = m->clause_end, ms = m->start, me = m->end;
  if (map) {
    s = map[s];
    e = map[e];
    ms = map[ms];
    me = map[me];
  }
  const gsize span = 60;
  if (ms > s + span)
    s = char_start(t, ms - span);
  if (e > me + span)
    e = char_start(t, me + span);
  g_autofree char *clause = g_strndup(t + s, e - s);
  return g_strdup(g_strstrip(clause));
}

/* ---------- the matches, summarised per decision ---------- */

static int
cmp_hit(gconstpointer a, gconstpointer b)
{
  const ClassifierCodeHit *x = a, *y = b;
  return (int)x->order - (int)y->order;
}

void
classifier_findings_clear(ClassifierFindings *f)
{
  if (f->exclusions) {
    for (guint i = 0; i < f->exclusions->len; i++)
      g_free(g_array_index(f->exclusions, ClassifierCodeHit, i).evidence);
    g_array_unref(f->exclusions);
  }
  g_free(f->other_software_evidence);
  classifier_match_set_clear(&f->set);
}

/* The words an asset's software item is recognised by: the whole name, or its first word (two when
 * the first is short: "Red Hat Enterprise Linux" → "red hat"), or one of its other names
 * (intake.software_aliases: "ESXi" for an item holding "VMware"). */
static gboolean
software_named(const ClassifierPolicy *p, const char *text, gsize len, const char *item)
{
  g_autofree char *n = classifier_text_fold(item, -1);
  g_strstrip(n);
  if (!*n)
    return FALSE;
  if (classifier_match_contains_term(text, len, n, strlen(n)))
    return TRUE;
  for (guint i = 0; i < p->software_aliases->len; i++) {
    const ClassifierSoftwareAlias *a = g_ptr_array_index(p->software_aliases, i);
    if (strstr(n, a->software) && classifier_match_contains_term(text, len, a->alias, strlen(a->alias)))
      return TRUE;
  }
  g_auto(GStrv) words = g_strsplit(n, " ", -1);
  if (!words[0] || !words[1])
    return FALSE;
  if (strlen(words[0]) >= 4)
    return classifier_match_contains_term(text, len, words[0], strlen(words[0]));
  g_autofree char *two = g_strconcat(words[0], " ", words[1], NULL);
  return classifier_match_contains_term(text, len, two, strlen(two));
}

static gboolean
is_roycom_software(const ClassifierPolicy *p, const char *item)
{
  g_autofree char *n = classifier_text_fold(item, -1);
  for (guint i = 0; i < p->keywords->len; i++) {
    const ClassifierKeyword *k = &g_array_index(p->keywords, ClassifierKeyword, i);
    if (k->category == CLASSIFIER_KW_COMPONENT && k->code_value == CLASSIFIER_COMPONENT_ROYCOM_SOFTWARE &&
        strstr(n, k->text))
      return TRUE;
  }
  return FALSE;
}

void
classifier_findings_collect(const ClassifierPolicy *p, const char *text, const ClassifierAsset *asset,
                            ClassifierFindings *f)
{
  classifier_match_scan(p, text, &f->set);
  f->exclusions = g_array_new(FALSE, FALSE, sizeof(ClassifierCodeHit));
  const ClassifierKeyword *base = (const ClassifierKeyword *)(gpointer)p->keywords->data;
  for (guint i = 0; i < f->set.matches->len; i++) {
    const ClassifierMatch *m = &g_array_index(f->set.matches, ClassifierMatch, i);
    switch (m->kw->category) {
      case CLASSIFIER_KW_COMPONENT:
        if (!f->component[m->kw->code_value])
          f->component[m->kw->code_value] = m;
        break;
      case CLASSIFIER_KW_SEVERITY:
        if (!f->severity[m->kw->code_value])
          f->severity[m->kw->code_value] = m;
        break;
      case CLASSIFIER_KW_KIND:
        if (!f->consultation)
          f->consultation = m;
        break;
      case CLASSIFIER_KW_VALUE_ADDED:
        if (!f->value_added)
          f->value_added = m;
        break;
      case CLASSIFIER_KW_EXCLUSION: {
        guint order = (guint)(m->kw - base);
        gboolean seen = FALSE;
        for (guint j = 0; j < f->exclusions->len; j++) {
          ClassifierCodeHit *h = &g_array_index(f->exclusions, ClassifierCodeHit, j);
          if (g_str_equal(h->code, m->kw->code)) {
            seen = TRUE;
            if (order < h->order)
              h->order = order;
          }
        }
        if (!seen) {
          ClassifierCodeHit h = { m->kw->code, order, classifier_match_evidence(&f->set, m) };
          g_array_append_val(f->exclusions, h);
        }
        break;
      }
      default:
        break;
    }
  }
  /* policy order: the first keyword of each code in the table */
  for (guint j = 0; j < f->exclusions->len; j++) {
    ClassifierCodeHit *h = &g_array_index(f->exclusions, ClassifierCodeHit, j);
    for (guint k = 0; k < p->keywords->len; k++)
      if (base[k].category == CLASSIFIER_KW_EXCLUSION && g_str_equal(base[k].code, h->code)) {
        h->order = k;
        break;
      }
  }
  g_array_sort(f->exclusions, cmp_hit);
  /* third-party software sold with the asset */
  if (asset && asset->software) {
    gsize len = strlen(f->set.text);
    for (char **s = asset->software; *s; s++) {
      if (is_roycom_software(p, *s) || !software_named(p, f->set.text, len, *s))
        continue;
      f->other_software = *s;
      f->other_software_evidence = g_strdup(*s);
      break;
    }
  }
}
