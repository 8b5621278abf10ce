/* vision SN tokens: the labels that announce an SN, the readings of an OCR token under the usual
 * character confusions, and the candidates in a decoded code's data. */
#include "vision-private.h"

#include <string.h>

#define MAX_AMBIGUOUS 10 /* positions tried both ways: 2^10 readings at most */

static GRegex *label_re, *strict_re, *shaped_re;

static gpointer
compile(gpointer unused)
{
  /* S/N as OCR sees it too (S|N, 5/N); 序列号 in Simplified and Traditional. */
  label_re = g_regex_new("(?i)(?:序\\s*列\\s*[号號]|机器编号|\\bSerial(?:\\s*(?:No|Number|#))?\\.?"
                         "|(?<![A-Z0-9])[S5]\\s*[/|\\\\]\\s*N\\b|\\bSN\\b)\\s*[:：#.=]?",
                         G_REGEX_OPTIMIZE, 0, NULL);
  strict_re = g_regex_new("^[A-Z]{1,4}[0-9]{2}[A-Z0-9]{5,16}$", G_REGEX_OPTIMIZE, 0, NULL);
  shaped_re =
    g_regex_new("(?i)(?<![A-Z0-9])[A-Z]{1,4}[0-9]{2}[A-Z0-9]{5,16}(?![A-Z0-9])", G_REGEX_OPTIMIZE, 0, NULL);
  return NULL;
}

static void
ensure_regexes(void)
{
  static GOnce once = G_ONCE_INIT;
  g_once(&once, compile, NULL);
}

VisionCandidate *
vision_candidate_new(const char *sn, char **alternatives, VisionSource source, const char *symbology,
                     gboolean labelled, double confidence)
{
  VisionCandidate *c = g_new0(VisionCandidate, 1);
  c->sn = g_strdup(sn);
  c->alternatives = alternatives ? alternatives : g_new0(char *, 1);
  c->source = source;
  c->symbology = symbology;
  c->labelled = labelled;
  c->confidence = confidence;
  return c;
}

void
vision_candidate_free(gpointer candidate)
{
  VisionCandidate *c = candidate;
  if (!c)
    return;
  g_free(c->sn);
  g_strfreev(c->alternatives);
  g_free(c);
}

void
vision_candidates_add(GPtrArray *out, VisionCandidate *cand)
{
  for (guint i = 0; i < out->len; i++) {
    VisionCandidate *have = out->pdata[i];
    if (strcmp(have->sn, cand->sn) == 0) {
      if (cand->confidence > have->confidence) {
        out->pdata[i] = cand;
        vision_candidate_free(have);
      } else {
        vision_candidate_free(cand);
      }
      return;
    }
  }
  g_ptr_array_add(out, cand);
}

const char *
vision_after_label(const char *text)
{
  ensure_regexes();
  GMatchInfo *mi = NULL;
  const char *after = NULL;
  if (g_regex_match(label_re, text, 0, &mi)) {
    int end = 0;
    g_match_info_fetch_pos(mi, 0, NULL, &end);
    after = text + end;
  }
  g_match_info_free(mi);
  return after;
}

static gboolean
token_char(char c)
{
  return g_ascii_isalnum(c) || c == '-';
}

char *
vision_first_token(const char *text)
{
  const char *p = text;
  GString *tok = g_string_new(NULL);
  while (*p == ' ' || *p == '\t' || *p == ':' || *p == '#')
    p++;
  /* OCR splits a long SN at a wide gap ("RCS25A 0001234"): join pieces while the token is short
   * of an SN or the next piece is digits only. */
  while (token_char(*p)) {
    while (token_char(*p))
      g_string_append_c(tok, *p++);
    if (*p != ' ' || !token_char(p[1]))
      break;
    const char *q = p + 1;
    gboolean digits = TRUE;
    for (const char *r = q; token_char(*r); r++)
      digits = digits && g_ascii_isdigit(*r);
    if (tok->len >= 8 && !digits)
      break;
    p = q;
  }
  if (tok->len < 4 || tok->len > 24) {
    g_string_free(tok, TRUE);
    return NULL;
  }
  return g_string_free(tok, FALSE);
}

gboolean
vision_sn_strict(const char *sn)
{
  ensure_regexes();
  return g_regex_match(strict_re, sn, 0, NULL);
}

/* The other reading of an ambiguous character, or 0. Lower-case l is a 1 or an I, never an L. */
static char
twin(char c)
{
  switch (c) {
    case '0':
      return 'O';
    case 'O':
      return '0';
    case '1':
      return 'I';
    case 'I':
      return '1';
    case '5':
      return 'S';
    case 'S':
      return '5';
    case '8':
      return 'B';
    case 'B':
      return '8';
    default:
      return 0;
  }
}

typedef struct {
  char *text;
  int score;
} Reading;

static int
score(const char *s, int changes)
{
  int digits = 0, trailing = 0;
  for (const char *p = s; *p; p++)
    digits += g_ascii_isdigit(*p);
  for (const char *p = s + strlen(s); p > s && g_ascii_isdigit(p[-1]); p--)
    trailing++;
  if (digits < 2)
    return G_MININT;
  return (vision_sn_strict(s) ? 100 : 0) + 2 * trailing - changes;
}

static gint
by_score(gconstpointer a, gconstpointer b)
{
  const Reading *x = a, *y = b;
  return x->score != y->score ? (y->score > x->score ? 1 : -1) : strcmp(x->text, y->text);
}

char **
vision_sn_readings(const char *token, guint max)
{
  if (!token)
    return NULL;
  char *nfkc = g_utf8_normalize(token, -1, G_NORMALIZE_NFKC);
  GString *norm = g_string_new(NULL);
  for (const char *p = nfkc ? nfkc : ""; *p; p++) {
    if (*p == ' ')
      continue;
    if (!token_char(*p)) {
      g_string_truncate(norm, 0);
      break;
    }
    g_string_append_c(norm, *p == 'l' ? '1' : g_ascii_toupper(*p));
  }
  g_free(nfkc);
  if (norm->len < 6 || norm->len > 24) {
    g_string_free(norm, TRUE);
    return NULL;
  }
  int pos[MAX_AMBIGUOUS], k = 0;
  for (gsize i = 0; i < norm->len && k < MAX_AMBIGUOUS; i++)
    if (twin(norm->str[i]))
      pos[k++] = (int)i;
  GArray *all = g_array_new(FALSE, FALSE, sizeof(Reading));
  for (guint mask = 0; mask < (1u << k); mask++) {
    char *s = g_strdup(norm->str);
    for (int b = 0; b < k; b++)
      if (mask & (1u << b))
        s[pos[b]] = twin(s[pos[b]]);
    Reading r = { s, score(s, __builtin_popcount(mask)) };
    if (r.score == G_MININT)
      g_free(s);
    else
      g_array_append_val(all, r);
  }
  g_string_free(norm, TRUE);
  g_array_sort(all, by_score);
  guint keep = MIN(all->len, max ? max : 16);
  char **out = NULL;
  if (keep > 0) {
    out = g_new0(char *, keep + 1);
    for (guint i = 0; i < all->len; i++) {
      Reading *r = &g_array_index(all, Reading, i);
      if (i < keep)
        out[i] = r->text;
      else
        g_free(r->text);
    }
  }
  g_array_free(all, TRUE);
  return out;
}

/* A MAC address ("3CECEF1A2B4C", "3C:EC:EF:1A:2B:4C"): the NIC's, printed on the same label as the
 * SN, never an SN (blind round 21: taken as the SN). */
static gboolean
mac_address(const char *up)
{
  guint hex = 0, letters = 0, seps = 0;
  for (const char *p = up; *p; p++) {
    if (g_ascii_isxdigit(*p)) {
      hex++;
      letters += g_ascii_isalpha(*p) != 0;
    } else if ((*p == ':' || *p == '-') && hex > 0 && hex % 2 == 0 && hex < 12) {
      seps++;
    } else {
      return FALSE;
    }
  }
  return hex == 12 && letters > 0 && (seps == 0 || seps == 5);
}

void
vision_candidates_from_code(const char *data, const char *symbology, GPtrArray *out)
{
  ensure_regexes();
  char *s = g_strstrip(g_utf8_make_valid(data, -1));
  char *up = g_ascii_strup(s, -1);
  if (mac_address(up)) {
    g_free(up);
    g_free(s);
    return;
  }
  gboolean whole = strlen(up) >= 4 && strlen(up) <= 40;
  for (const char *p = up; *p && whole; p++)
    whole = token_char(*p);
  const char *after = whole ? NULL : vision_after_label(up);
  char *tok = after ? vision_first_token(after) : NULL;
  if (whole) {
    vision_candidates_add(out, vision_candidate_new(up, NULL, VISION_SOURCE_BARCODE, symbology, FALSE,
                                                    vision_sn_strict(up) ? 1.0 : 0.8));
  } else if (tok) {
    vision_candidates_add(out, vision_candidate_new(tok, NULL, VISION_SOURCE_BARCODE, symbology, TRUE, 1.0));
  } else {
    /* A URL or a record with no label: its SN-shaped tokens. */
    GMatchInfo *mi = NULL;
    for (g_regex_match(shaped_re, up, 0, &mi); g_match_info_matches(mi); g_match_info_next(mi, NULL)) {
      char *m = g_match_info_fetch(mi, 0);
      vision_candidates_add(out, vision_candidate_new(m, NULL, VISION_SOURCE_BARCODE, symbology, FALSE, 0.9));
      g_free(m);
    }
    g_match_info_free(mi);
  }
  g_free(tok);
  g_free(up);
  g_free(s);
}
