/* extract-phone.c: the customer's phone number (labelled, on-site, then any, then the signature). */
#include "parser-private.h"

#include <string.h>

static gboolean
in_list_ci(char **list, const char *value)
{
  for (guint i = 0; list && list[i]; i++)
    if (g_ascii_strcasecmp(list[i], value) == 0)
      return TRUE;
  return FALSE;
}

/* Canonical form: mobile "13812345678", landline "022-58671234" (+ "-8012" extension),
 * service numbers "400-018-8995". */
static char *
phone_canonical(const ParserMatch *m, const char *text)
{
  g_autofree char *mobile = parser_match_group(m, text, 1);
  g_autofree char *area = parser_match_group(m, text, 2);
  g_autofree char *number = parser_match_group(m, text, 3);
  g_autofree char *ext = parser_match_group(m, text, 4);
  g_autofree char *svc = parser_match_group(m, text, 5);
  GString *out = g_string_new(NULL);
  const char *parts[] = {
    mobile, area, number, ext, svc, parser_match_group(m, text, 6), parser_match_group(m, text, 7)
  };
  if (mobile) {
    for (const char *p = mobile; *p; p++)
      if (g_ascii_isdigit(*p))
        g_string_append_c(out, *p);
  } else if (area) {
    if (area[0] != '0')
      g_string_append_c(out, '0'); /* "+86 20 3866 0021" is 020-38660021 */
    g_string_append(out, area);
    g_string_append_c(out, '-');
    for (const char *p = number; p && *p; p++)
      if (g_ascii_isdigit(*p))
        g_string_append_c(out, *p);
    if (ext) {
      g_string_append_c(out, '-');
      g_string_append(out, ext);
    }
  } else if (svc) {
    g_string_append_printf(out, "%s-%s-%s", svc, parts[5] ? parts[5] : "", parts[6] ? parts[6] : "");
  }
  g_free((char *)parts[5]);
  g_free((char *)parts[6]);
  return g_string_free(out, FALSE);
}

static gboolean
phone_ignored(const ParserConfig *c, const char *canonical)
{
  GString *digits = g_string_new(NULL);
  for (const char *p = canonical; *p; p++)
    if (g_ascii_isdigit(*p))
      g_string_append_c(digits, *p);
  gboolean r = in_list_ci(c->ignore_phones, digits->str);
  g_string_free(digits, TRUE);
  return r;
}

/* Words of taking a number back, near it or in what follows. */
static const char *const back[] = { "不对",    "不對",    "错了",       "錯了",         "写错", "寫錯",
                                    "打错",    "打錯",    "更正",       "纠正",         "糾正", "typo",
                                    "no wait", "i meant", "correction", "wrong number", NULL };
/* Only right after the number: further away a bare "sorry" or "wrong" is about something else ("Sorry
 * for the late reply, landline 010-…", "went wrong again, call 010-…") and must not cost the number. */
static const char *const back_near[] = { "sorry", "wrong", NULL };

/* Whether p starts with one of words (ASCII case ignored). */
static gboolean
starts_with_one(const char *p, const char *const *words)
{
  for (guint i = 0; words[i]; i++)
    if (g_ascii_strncasecmp(p, words[i], strlen(words[i])) == 0)
      return TRUE;
  return FALSE;
}

/* Whether the writer corrects the number ending at text[end] in what follows: a word of taking it back
 * and then another number, on its line or the next ("电话 138…67 / 不好意思电话写错了，应该是 138…76":
 * blind round 15). */
static gboolean
corrected_later(const ParserConfig *c, const char *text, gsize end)
{
  /* at most 240 bytes: a megabyte line of numbers must not be read once per number */
  const char *p = text + end, *stop = p;
  for (int lines = 0; *stop && lines < 2 && stop - p < 240; stop++)
    if (*stop == '\n')
      lines++;
  while (stop > p && ((guchar)*stop & 0xC0) == 0x80) /* not inside a character */
    stop--;
  g_autofree char *window = g_ascii_strdown(p, stop - p);
  for (guint i = 0; back[i]; i++) {
    const char *w = strstr(window, back[i]);
    if (!w)
      continue;
    ParserMatch m = { 0 };
    gboolean again =
      parser_re_match(c, PARSER_RE_PHONE, window, strlen(window), (gsize)(w - window) + strlen(back[i]), &m);
    parser_match_clear(&m);
    if (again)
      return TRUE;
  }
  return FALSE;
}

/* Whether the writer takes the number ending at text[end] back right after it ("0298-8321-456? 不对，座机
 * 029-…", "…, sorry, wrong number": blind round 14b gave the customer the one he took back), or
 * corrects it in what follows. */
static gboolean
taken_back(const ParserConfig *c, const char *text, gsize end)
{
  if (corrected_later(c, text, end))
    return TRUE;
  const char *p = text + end;
  for (guint n = 0; *p && n < 4; n++) {
    if (*p == ' ' || *p == '?' || *p == ',' || *p == '!' || *p == '(' || *p == '.')
      p++;
    else if (g_str_has_prefix(p, "？") || g_str_has_prefix(p, "，") || g_str_has_prefix(p, "！") ||
             g_str_has_prefix(p, "（") || g_str_has_prefix(p, "。"))
      p += 3;
    else
      break;
  }
  return starts_with_one(p, back) || starts_with_one(p, back_near);
}

/* Whether the number ending at p is said to be a switchboard or front desk ("400-820-1234 转 6（公司
 * 总机）"): within a few characters after it. */
static gboolean
switchboard_after(const char *p, const char *end)
{
  static const char *const words[] = { "总机", "總機",        "前台",      "总台",
                                       "總台", "switchboard", "reception", NULL };
  gsize room = MIN((gsize)(end - p), 24);
  for (guint i = 0; words[i]; i++)
    if (g_strstr_len(p, (gssize)room, words[i]))
      return TRUE;
  return FALSE;
}

/* The first acceptable phone in text[start..end), not one taken back; one said to be a switchboard
 * only when no other follows (blind round 19: "400-820-1234 转 6（公司总机），直接找我：…/177…" gave
 * the engineer the switchboard). */
static char *
phone_in(const ParserConfig *c, ParserSources *s, const char *text, gsize start, gsize end, gboolean keep)
{
  ParserMatch m = { 0 };
  char *found = NULL, *board = NULL;
  gsize pos = start, board_start = 0, board_end = 0;
  while (!found && pos < end && parser_re_match(c, PARSER_RE_PHONE, text, end, pos, &m)) {
    g_autofree char *canon = phone_canonical(&m, text);
    if (*canon && !phone_ignored(c, canon) && !taken_back(c, text, m.ov[1])) {
      gboolean switchboard = switchboard_after(text + m.ov[1], text + end);
      if (!board && switchboard) {
        board = g_steal_pointer(&canon);
        board_start = m.ov[0];
        board_end = m.ov[1];
      } else if (!switchboard) {
        found = g_steal_pointer(&canon);
        if (keep)
          parser_extract_keep_raw(s, text, m.ov[0], m.ov[1]);
      }
    }
    pos = m.ov[1] > pos ? m.ov[1] : pos + 1;
  }
  parser_match_clear(&m);
  if (found) {
    g_free(board);
    return found;
  }
  if (board && keep)
    parser_extract_keep_raw(s, text, board_start, board_end);
  return board;
}

/* Any phone in text, preferring one written after an on-site word on its line ("现场找李工(139…)"). */
static char *
phone_any(const ParserConfig *c, ParserSources *s, const char *text)
{
  if (!text)
    return NULL;
  gsize len = strlen(text), pos = 0;
  ParserMatch m = { 0 }, o = { 0 };
  /* The first acceptable phone of the same walk: what phone_in over the whole text would find,
   * without searching the text a second time. */
  char *first = NULL;
  gsize first_start = 0, first_end = 0;
  while (pos < len && parser_re_match(c, PARSER_RE_PHONE, text, len, pos, &m)) {
    gsize start = m.ov[0], end = m.ov[1];
    gsize ls = start;
    while (ls > 0 && text[ls - 1] != '\n' && start - ls < 60)
      ls--;
    gboolean onsite = parser_re_match(c, PARSER_RE_ONSITE, text, start, ls, &o);
    if (onsite || !first) {
      char *canon = phone_canonical(&m, text);
      if (*canon && !phone_ignored(c, canon) && !taken_back(c, text, end)) {
        if (onsite) {
          parser_extract_keep_raw(s, text, start, end);
          parser_match_clear(&m);
          parser_match_clear(&o);
          g_free(first);
          return canon;
        }
        first = canon;
        first_start = start;
        first_end = end;
      } else {
        g_free(canon);
      }
    }
    pos = end > pos ? end : pos + 1;
  }
  parser_match_clear(&m);
  parser_match_clear(&o);
  if (first)
    parser_extract_keep_raw(s, text, first_start, first_end);
  return first;
}

/* A phone on a labelled line (电话/手机/联系人 …), searched after the label: the first, unless an
 * on-site one follows ("电话：010-…（总部）" / "现场电话：139…": blind round 21, the engineer called
 * headquarters). */
static char *
phone_labelled(const ParserConfig *c, ParserSources *s, const char *text, gboolean keep, gboolean skip_office)
{
  if (!text)
    return NULL;
  const char *line = text, *chosen = NULL;
  gsize chosen_after = 0, chosen_end = 0;
  while (*line) {
    const char *nl = strchr(line, '\n');
    gsize len = nl ? (gsize)(nl - line) : strlen(line);
    ParserMatch m = { 0 };
    gboolean office = FALSE;
    if (skip_office) {
      ParserMatch o = { 0 };
      office = parser_re_match(c, PARSER_RE_SIG_OFFICE, line, len, 0, &o);
      parser_match_clear(&o);
    }
    if (!office && parser_re_match(c, PARSER_RE_PHONE_LABELLED_LINE, line, len, 0, &m)) {
      gsize after = m.ov[1];
      parser_match_clear(&m);
      /* The number may sit on the next line when the label ends this one. */
      gsize end = len;
      g_autofree char *on_line = nl ? phone_in(c, NULL, line, after, len, FALSE) : NULL;
      if (nl && !on_line) {
        const char *next = nl + 1;
        const char *nl2 = strchr(next, '\n');
        end = (gsize)((nl2 ? nl2 : next + strlen(next)) - line);
      }
      g_autofree char *p = phone_in(c, NULL, line, after, end, FALSE);
      gboolean onsite = p && parser_re_test(c, PARSER_RE_ONSITE, line, after);
      if (p && (!chosen || onsite)) {
        chosen = line;
        chosen_after = after;
        chosen_end = end;
      }
      if (onsite)
        break;
    }
    parser_match_clear(&m);
    if (!nl)
      break;
    line = nl + 1;
  }
  return chosen ? phone_in(c, s, chosen, chosen_after, chosen_end, keep) : NULL;
}

/* A number said in Chinese numerals ("电话是一三八零五三二一二三四", voice input): the first run of
 * seven or more of them that is a phone once written in digits. NULL: none. */
static char *
phone_han_numerals(const ParserConfig *c, const char *text)
{
  static const char *const digits[] = { "零", "一", "二", "三", "四", "五", "六", "七", "八", "九", NULL };
  for (const char *p = text; p && *p;) {
    GString *run = g_string_new(NULL);
    const char *q = p;
    for (;;) {
      int d = -1;
      for (int k = 0; digits[k] && d < 0; k++)
        if (g_str_has_prefix(q, digits[k]))
          d = k;
      if (d < 0 && (g_str_has_prefix(q, "〇") || g_str_has_prefix(q, "幺")))
        d = g_str_has_prefix(q, "〇") ? 0 : 1;
      if (d >= 0) {
        g_string_append_c(run, (char)('0' + d));
        q += 3;
      } else if ((*q == ' ' || *q == '-') && run->len) {
        q++;
      } else {
        break;
      }
    }
    if (run->len >= 7) {
      ParserMatch m = { 0 };
      gboolean ok =
        parser_re_match(c, PARSER_RE_PHONE, run->str, run->len, 0, &m) && m.ov[0] == 0 && m.ov[1] == run->len;
      parser_match_clear(&m);
      if (ok)
        return g_string_free(run, FALSE);
    }
    g_string_free(run, TRUE);
    p = q > p ? q : g_utf8_next_char(p);
  }
  return NULL;
}

/* A labelled line in the own words, the forwarded mail, then any number there, then the
 * signatures (skipping switchboard and fax lines), then the subject, last a number said in
 * Chinese numerals. */
void
parser_extract_phone(const ParserConfig *c, ParserSources *s, ParserRequest *r)
{
  r->phone = phone_labelled(c, s, s->main, TRUE, FALSE);
  /* the forwarder who takes the place of the forwarded mail's contact: his number (blind round 17) */
  if (!r->phone && parser_forwarder_replaces(c, s))
    r->phone = phone_any(c, s, s->main);
  if (!r->phone)
    r->phone = phone_labelled(c, s, s->fwd, TRUE, FALSE);
  /* "现场我负责配合，电话 151 2233 8899": the forwarder's number before the forwarded mail's others */
  if (!r->phone && s->fwd && parser_forwarder_offers(c, s->main))
    r->phone = phone_any(c, s, s->main);
  /* A forward: the end customer's words and signature before the forwarder's (issue 15). */
  const char *first = s->fwd ? s->fwd : s->main, *second = s->fwd ? s->main : NULL;
  const char *sig1 = s->fwd ? s->fwd_sig : s->sig, *sig2 = s->fwd ? s->sig : s->fwd_sig;
  if (!r->phone)
    r->phone = phone_any(c, s, first);
  if (!r->phone)
    r->phone = phone_any(c, s, second);
  if (!r->phone)
    r->phone = phone_labelled(c, s, sig1, FALSE, TRUE);
  if (!r->phone)
    r->phone = phone_labelled(c, s, sig2, FALSE, TRUE);
  /* "服务器宕机 联系人：买买提 电话：139…" in the subject, the body "如题" */
  if (!r->phone)
    r->phone = phone_labelled(c, s, s->subject, FALSE, FALSE);
  if (!r->phone)
    r->phone = phone_any(c, s, s->subject);
  if (!r->phone)
    r->phone = phone_han_numerals(c, s->fwd ? s->fwd : s->main);
}

/* The first acceptable phone on the line text[ls, le) unless it is a switchboard or fax line. */
static char *
phone_on_line(const ParserConfig *c, ParserSources *s, const char *text, gsize ls, gsize le, gboolean keep)
{
  ParserMatch o = { 0 };
  gboolean office = parser_re_match(c, PARSER_RE_SIG_OFFICE, text + ls, le - ls, 0, &o);
  parser_match_clear(&o);
  return office ? NULL : phone_in(c, s, text, ls, le, keep);
}

/* The phone written next to the contact's name in text: after it on its line (within a short
 * stretch), before it on its line, or (adjacent) when the line is the name alone — the sign-off of a
 * forwarded mail — on the line just after or before it. NULL: none. */
static char *
phone_by_name(const ParserConfig *c, ParserSources *s, const char *text, const char *name, gboolean adjacent,
              gboolean keep)
{
  gsize nlen = strlen(name), len = strlen(text);
  for (const char *hit = strstr(text, name); hit; hit = strstr(hit + nlen, name)) {
    gsize at = (gsize)(hit - text), after = at + nlen;
    gsize ls = at, le = after;
    while (ls > 0 && text[ls - 1] != '\n')
      ls--;
    while (le < len && text[le] != '\n')
      le++;
    char *p = phone_on_line(c, s, text, after, MIN(le, after + 48), keep);
    if (!p && at - ls <= 40)
      p = phone_on_line(c, s, text, ls, at, keep);
    if (p)
      return p;
    g_autofree char *line = g_strstrip(g_strndup(text + ls, le - ls));
    if (!adjacent || strlen(line) > nlen + 12) /* not a line of the name alone (a title may follow it) */
      continue;
    if (le < len) { /* the line after, if not blank */
      gsize ns = le + 1, ne = ns;
      while (ne < len && text[ne] != '\n')
        ne++;
      if ((p = phone_on_line(c, s, text, ns, ne, keep)))
        return p;
    }
    if (ls > 0) { /* the line before */
      gsize pe = ls - 1, ps = pe;
      while (ps > 0 && text[ps - 1] != '\n')
        ps--;
      if ((p = phone_on_line(c, s, text, ps, pe, keep)))
        return p;
    }
  }
  return NULL;
}

/* After the contact: a phone written next to the contact's name wins over one found first
 * elsewhere — the requester's own number beside the site engineer the mail names ("我的电话 139…；上门
 * 请联系现场工程师：吴刚，手机 182…"), a forwarder's signature above the colleague's sign-off ("电话
 * 139…" / "马骏"). The writer's own signature under a form's 联系电话 does not count: the line-alone
 * sign-off is looked at in a forwarded mail only. */
void
parser_extract_phone_of_contact(const ParserConfig *c, ParserSources *s, ParserRequest *r)
{
  if (!r->contact || strlen(r->contact) < 4) /* two CJK characters or a short Latin name at least */
    return;
  /* the forwarded mail whole: its sign-off may have been cut into its signature */
  g_autofree char *fwd = s->fwd ? g_strconcat(s->fwd, "\n", s->fwd_sig ? s->fwd_sig : "", NULL) : NULL;
  const char *texts[] = { s->main, fwd, s->sig };
  for (guint i = 0; i < G_N_ELEMENTS(texts); i++) {
    if (!texts[i])
      continue;
    gboolean adjacent = texts[i] == fwd;
    g_autofree char *p = phone_by_name(c, NULL, texts[i], r->contact, adjacent, FALSE);
    if (!p)
      continue;
    if (g_strcmp0(p, r->phone) != 0) {
      g_free(
        phone_by_name(c, s, texts[i], r->contact, adjacent, TRUE)); /* its span left out of the symptoms */
      g_free(r->phone);
      r->phone = g_steal_pointer(&p);
    }
    return;
  }
}

/* The speaker of a chat header line ("吴芳  2026-12-08 09:12" → "吴芳", "王刚(信息中心) 11-16 08:40" → "王刚"),
 * or NULL (not a header, or a title). */
static char *
chat_speaker(const char *line)
{
  if (!parser_chat_header(line))
    return NULL;
  const char *p = line;
  while (*p == ' ' || *p == '\t')
    p++;
  const char *e = p;
  while (*e && *e != ' ' && *e != '\t' && *e != '(' && !g_str_has_prefix(e, "（") && !g_ascii_isdigit(*e))
    e = g_utf8_next_char(e);
  if (e == p || g_str_has_prefix(p, "【"))
    return NULL;
  return g_strndup(p, (gsize)(e - p));
}

void
parser_extract_chat(const ParserConfig *c, ParserSources *s, ParserRequest *r)
{
  /* our colleague passing a customer's chat on: the customer is the one of its speakers who is not him */
  if (!s->main || !r->from_addr || !parser_own_domain(c, r->from_addr))
    return;
  guint n = 0;
  g_autofree char **lines = parser_split_lines(s->main, &n);
  g_autofree char *ours = NULL, *customer = NULL;
  g_autofree gint *speaker_of = g_new0(gint, n + 1); /* 0: none yet, 1: ours, 2: the customer's */
  gint now = 0;
  guint headers = 0;
  for (guint i = 0; i < n; i++) {
    g_autofree char *who = chat_speaker(lines[i]);
    if (!who) {
      speaker_of[i] = parser_chat_header(lines[i]) ? 0 : now;
      continue;
    }
    headers++;
    gboolean is_ours = r->from_name && g_str_has_prefix(r->from_name, who);
    if (!is_ours && !customer && (guchar)who[0] >= 0x80 && parser_han_name_plausible(c, who))
      customer = g_strdup(who);
    else if (is_ours && !ours)
      ours = g_strdup(who);
    now = is_ours ? 1 : g_strcmp0(who, customer) == 0 ? 2 : 0;
    speaker_of[i] = 0;
  }
  if (headers < 2 || !ours || !customer)
    return;
  g_autofree char *phone = NULL;
  for (guint i = 0; i < n; i++) {
    if (speaker_of[i] == 1) /* our colleague's words: no symptoms, no number of the customer's */
      g_ptr_array_add(s->raw, g_strdup(lines[i]));
    else if (speaker_of[i] == 2 && !phone)
      phone = phone_in(c, s, lines[i], 0, strlen(lines[i]), TRUE);
  }
  g_free(r->contact);
  r->contact = g_steal_pointer(&customer);
  g_ptr_array_add(s->raw, g_strdup(r->contact));
  if (phone) {
    g_free(r->phone);
    r->phone = g_steal_pointer(&phone);
  }
}
