/* places.c: the province/city/district gazetteer (data/parser/places.txt) and the search for the device's city and district in text. */
#include "parser-private.h"

#include <string.h>

typedef enum { PLACE_PROVINCE, PLACE_CITY, PLACE_DISTRICT, PLACE_LANDMARK } PlaceKind;

typedef struct {
  char *canonical;
  PlaceKind kind;
  int city;           /* index of the city (districts, landmarks), itself (cities), -1 (provinces) */
  int province;       /* index of the province the place is in, itself (provinces) */
  int district;       /* a landmark's district, else -1 */
  gboolean ambiguous; /* a district name several cities have (高新区, 鼓楼区) */
} Place;

typedef struct {
  char *text; /* lower-cased for Latin aliases */
  gsize len;
  gboolean latin;
  gboolean upper;       /* a Latin abbreviation in capitals (BJ, SH, TEDA): matched in capitals only */
  gboolean short_alias; /* a 2-character Chinese district alias: only trusted once the city is known */
  guint place;
} Alias;

struct ParserPlaces {
  GPtrArray *places;             /* Place* */
  GPtrArray *aliases;            /* Alias* */
  GHashTable *first;             /* first character (lower case) → GPtrArray of Alias*, longest first */
  guint8 first_bmp[0x10000 / 8]; /* the BMP characters that are a key of first: most of a text's
                                  * characters start no alias and need no hash look-up */
};

static void
place_free(gpointer p)
{
  Place *pl = p;
  g_free(pl->canonical);
  g_free(pl);
}

static void
alias_free(gpointer p)
{
  Alias *a = p;
  g_free(a->text);
  g_free(a);
}

void
parser_places_free(ParserPlaces *places)
{
  if (!places)
    return;
  g_ptr_array_unref(places->places);
  g_ptr_array_unref(places->aliases);
  g_hash_table_unref(places->first);
  g_free(places);
}

static gboolean
is_latin(const char *s)
{
  for (; *s; s++)
    if ((guchar)*s >= 0x80 && strncmp(s, "\xC3\x9C", 2) != 0 && strncmp(s, "\xE2\x80\x99", 3) != 0)
      return FALSE;
  return TRUE;
}

static gint
by_length_desc(gconstpointer a, gconstpointer b)
{
  const Alias *x = *(Alias *const *)a, *y = *(Alias *const *)b;
  return (x->len < y->len) - (x->len > y->len);
}

static void
add_alias(ParserPlaces *pp, const char *text, guint place)
{
  g_autofree char *nfkc = g_utf8_normalize(text, -1, G_NORMALIZE_NFKC);
  if (!nfkc || !*nfkc)
    return;
  Alias *a = g_new0(Alias, 1);
  a->latin = is_latin(nfkc);
  a->text = a->latin ? g_ascii_strdown(nfkc, -1) : g_strdup(nfkc);
  a->upper = a->latin;
  for (const char *q = nfkc; a->upper && *q; q++)
    a->upper = !g_ascii_islower(*q);
  a->len = strlen(a->text);
  a->place = place;
  const Place *pl = g_ptr_array_index(pp->places, place);
  a->short_alias = !a->latin && pl->kind == PLACE_DISTRICT && g_utf8_strlen(a->text, -1) <= 2;
  g_ptr_array_add(pp->aliases, a);
  gunichar c = g_utf8_get_char(a->text);
  if (c < 0x10000)
    pp->first_bmp[c >> 3] |= (guint8)(1u << (c & 7));
  GPtrArray *list = g_hash_table_lookup(pp->first, GUINT_TO_POINTER(c));
  if (!list) {
    list = g_ptr_array_new();
    g_hash_table_insert(pp->first, GUINT_TO_POINTER(c), list);
  }
  g_ptr_array_add(list, a);
}

ParserPlaces *
parser_places_load(const char *path, GError **error)
{
  g_autofree char *contents = NULL;
  if (!g_file_get_contents(path, &contents, NULL, error)) {
    g_prefix_error(error, "gazetteer: ");
    return NULL;
  }
  ParserPlaces *pp = g_new0(ParserPlaces, 1);
  pp->places = g_ptr_array_new_with_free_func(place_free);
  pp->aliases = g_ptr_array_new_with_free_func(alias_free);
  pp->first = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, (GDestroyNotify)g_ptr_array_unref);
  g_auto(GStrv) lines = g_strsplit(contents, "\n", -1);
  int city = -1, province = -1, district = -1;
  for (guint n = 0; lines[n]; n++) {
    char *l = g_strstrip(lines[n]);
    if (!*l || *l == '#')
      continue;
    if (strlen(l) < 3 || l[1] != ' ' || !strchr("PCDL", l[0])) {
      g_set_error(error, PARSER_ERROR, PARSER_ERROR_CONFIG, "%s:%u: expected 'P|C|D|L name,alias…'", path,
                  n + 1);
      parser_places_free(pp);
      return NULL;
    }
    g_auto(GStrv) names = g_strsplit(l + 2, ",", -1);
    if (!names[0] || !*g_strstrip(names[0])) {
      g_set_error(error, PARSER_ERROR, PARSER_ERROR_CONFIG, "%s:%u: empty name", path, n + 1);
      parser_places_free(pp);
      return NULL;
    }
    Place *pl = g_new0(Place, 1);
    pl->canonical = g_utf8_normalize(names[0], -1, G_NORMALIZE_NFKC);
    pl->kind = l[0] == 'P'   ? PLACE_PROVINCE
               : l[0] == 'C' ? PLACE_CITY
               : l[0] == 'D' ? PLACE_DISTRICT
                             : PLACE_LANDMARK;
    guint idx = pp->places->len;
    if (pl->kind == PLACE_PROVINCE)
      province = (int)idx, district = -1;
    if (pl->kind == PLACE_CITY)
      city = (int)idx, district = -1;
    if (pl->kind == PLACE_DISTRICT)
      district = (int)idx;
    if ((pl->kind == PLACE_DISTRICT && city < 0) || (pl->kind == PLACE_LANDMARK && district < 0)) {
      g_set_error(error, PARSER_ERROR, PARSER_ERROR_CONFIG, "%s:%u: %s", path, n + 1,
                  pl->kind == PLACE_DISTRICT ? "district before any city" : "landmark before any district");
      place_free(pl);
      parser_places_free(pp);
      return NULL;
    }
    pl->city = pl->kind == PLACE_PROVINCE ? -1 : city;
    pl->province = province;
    pl->district = pl->kind == PLACE_LANDMARK ? district : -1;
    g_ptr_array_add(pp->places, pl);
    for (guint i = 0; names[i]; i++) {
      char *name = g_strstrip(names[i]);
      if (*name)
        add_alias(pp, name, idx);
    }
  }
  /* Districts sharing a canonical name with a district of another city. */
  for (guint i = 0; i < pp->places->len; i++) {
    Place *a = g_ptr_array_index(pp->places, i);
    if (a->kind != PLACE_DISTRICT)
      continue;
    for (guint j = 0; j < pp->places->len; j++) {
      Place *b = g_ptr_array_index(pp->places, j);
      if (i != j && b->kind == PLACE_DISTRICT && strcmp(a->canonical, b->canonical) == 0)
        a->ambiguous = TRUE;
    }
  }
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init(&it, pp->first);
  while (g_hash_table_iter_next(&it, NULL, &value))
    g_ptr_array_sort(value, by_length_desc);
  return pp;
}

typedef struct {
  gsize pos;
  const Alias *alias;
} Hit;

static gboolean
ascii_alnum(char c)
{
  return g_ascii_isalnum(c);
}

/* Streets and buildings named after a place (广州的北京路, 天津的南京路, 上海的江苏路, 北京大厦): a
 * place name right before one of these is the street's name, not the place. A full form (…市, …区,
 * …县, …省) is never a street's. */
static const char *const street_suffixes[] = { "路",   "街",   "道",   "巷",   "胡同", "大厦", "广场",
                                               "饭店", "宾馆", "酒店", "东路", "西路", "南路", "北路",
                                               "中路", "东街", "西街", "南街", "北街", "大街", "大道",
                                               "一路", "二路", "三路", NULL };

static gboolean
names_a_street(const Alias *a, const char *after)
{
  /* "（北京时间）": the time zone every Chinese deadline is written in, not the place */
  if (g_str_has_prefix(after, "时间") || g_str_has_prefix(after, "時間"))
    return TRUE;
  if (a->latin || g_str_has_suffix(a->text, "市") || g_str_has_suffix(a->text, "区") ||
      g_str_has_suffix(a->text, "县") || g_str_has_suffix(a->text, "省"))
    return FALSE;
  for (guint i = 0; street_suffixes[i]; i++)
    if (g_str_has_prefix(after, street_suffixes[i]))
      return TRUE;
  return FALSE;
}

/* The Latin word at p (after spaces and hyphens) when it is one of words (case-folded, whole):
 * the text after it, else NULL. */
static const char *
latin_word(const char *p, const char *const *words)
{
  while (*p == ' ' || *p == '-')
    p++;
  for (guint i = 0; words[i]; i++) {
    gsize n = strlen(words[i]);
    if (g_ascii_strncasecmp(p, words[i], n) == 0 && !ascii_alnum(p[n]))
      return p + n;
  }
  return NULL;
}

/* A Latin place name is a street's before these ("88 Nanjing Road" is in 天津, "Beijing Lu" in 广州),
 * also after a direction ("Nanjing East Road"); the place words make a lower-case one a place
 * ("tianjin shi"). */
static const char *const latin_streets[] = { "road", "rd",  "street", "st",    "avenue",    "ave",  "lu",
                                             "lane", "jie", "dajie",  "dadao", "boulevard", "blvd", NULL };
static const char *const latin_directions[] = { "east", "west", "south", "north", "middle", "dong",
                                                "xi",   "nan",  "bei",   "zhong", NULL };
static const char *const latin_place_words[] = { "city",  "shi",    "district",     "qu", "province",
                                                 "sheng", "county", "municipality", NULL };
/* The commonest surnames in pinyin: "Li Xian", "Zhang Xian" are people, not 西安. */
static const char *const pinyin_surnames[] = {
  "Li",   "Wang", "Zhang", "Liu",   "Chen", "Yang",  "Zhao",  "Huang", "Zhou",  "Wu",   "Xu",    "Sun",
  "Hu",   "Zhu",  "Gao",   "Lin",   "He",   "Guo",   "Ma",    "Luo",   "Liang", "Song", "Zheng", "Xie",
  "Han",  "Tang", "Feng",  "Yu",    "Dong", "Xiao",  "Cheng", "Cao",   "Yuan",  "Deng", "Fu",    "Shen",
  "Zeng", "Peng", "Lv",    "Su",    "Lu",   "Jiang", "Cai",   "Jia",   "Ding",  "Wei",  "Xue",   "Ye",
  "Yan",  "Pan",  "Du",    "Dai",   "Xia",  "Zhong", "Tian",  "Ren",   "Fan",   "Fang", "Shi",   "Yao",
  "Tan",  "Liao", "Zou",   "Xiong", "Jin",  "Hao",   "Kong",  "Bai",   "Cui",   "Kang", "Mao",   "Qiu",
  "Qin",  "Gu",   "Hou",   "Shao",  "Meng", "Long",  "Wan",   "Duan",  "Qian",  "Yin",  "Yi",    "Chang",
  "Qiao", "Lai",  "Gong",  "Wen",   "Mr",   "Ms",    "Mrs",   NULL
};

/* The Latin alias a found at text + pos names the place: written as a place name is (capitalised, an
 * abbreviation in capitals, or followed by a place word), not a street's name nor a person's. Pinyin
 * without an input method is mostly lower case ("xian zai" is 现在). */
static gboolean
latin_place(const char *text, gsize pos, const Alias *a)
{
  const char *p = text + pos, *after = p + a->len;
  gboolean placed = latin_word(after, latin_place_words) != NULL; /* "tianjin shi", "Xian City" */
  if (a->upper) {
    for (gsize i = 0; i < a->len; i++)
      if (g_ascii_islower(p[i]))
        return FALSE;
  } else if (!g_ascii_isupper(*p) && !placed) {
    return FALSE;
  }
  const char *dir = latin_word(after, latin_directions);
  if (latin_word(after, latin_streets) || (dir && latin_word(dir, latin_streets)))
    return FALSE;
  /* "Li Xian": a capitalised surname right before, one space between */
  if (pos >= 2 && text[pos - 1] == ' ' && !placed) {
    gsize start = pos - 1;
    while (start > 0 && g_ascii_isalpha(text[start - 1]))
      start--;
    gsize n = pos - 1 - start;
    if (n && (start == 0 || !ascii_alnum(text[start - 1])) && g_ascii_isupper(text[start]))
      for (guint i = 0; pinyin_surnames[i]; i++)
        if (strlen(pinyin_surnames[i]) == n && strncmp(text + start, pinyin_surnames[i], n) == 0)
          return FALSE;
  }
  return TRUE;
}

/* Every alias occurrence in text, longest alias at each position (all places sharing it). */
static GArray *
scan(const ParserPlaces *pp, const char *text)
{
  GArray *hits = g_array_new(FALSE, FALSE, sizeof(Hit));
  gsize tlen = strlen(text);
  for (const char *p = text; *p;) {
    gunichar c = g_utf8_get_char(p);
    gunichar key = c < 0x80 ? (gunichar)g_ascii_tolower((char)c) : c;
    GPtrArray *list = key >= 0x10000 || (pp->first_bmp[key >> 3] & (1u << (key & 7)))
                        ? g_hash_table_lookup(pp->first, GUINT_TO_POINTER(key))
                        : NULL;
    gsize best = 0;
    if (list) {
      gsize pos = p - text;
      for (guint i = 0; i < list->len; i++) {
        const Alias *a = g_ptr_array_index(list, i);
        if (best && a->len < best)
          break;
        if (pos + a->len > tlen)
          continue;
        if (a->latin) {
          if (g_ascii_strncasecmp(p, a->text, a->len) != 0)
            continue;
          if ((pos > 0 && ascii_alnum(text[pos - 1])) || ascii_alnum(p[a->len]) || !latin_place(text, pos, a))
            continue;
        } else if (memcmp(p, a->text, a->len) != 0 || names_a_street(a, p + a->len)) {
          continue;
        }
        best = a->len;
        Hit h = { pos, a };
        g_array_append_val(hits, h);
      }
    }
    p = best ? p + best : g_utf8_next_char(p);
  }
  return hits;
}

gboolean
parser_places_find(const ParserPlaces *pp, const char *text, char **city, char **district)
{
  return parser_places_find_at(pp, text, city, district, NULL);
}

gboolean
parser_places_find_at(const ParserPlaces *pp, const char *text, char **city, char **district, gsize *pos)
{
  gsize first = G_MAXSIZE;
  *city = NULL;
  *district = NULL;
  if (!pp || !text || !*text)
    return FALSE;
  g_autoptr(GArray) hits = scan(pp, text);
  int chosen = -1;
  for (guint i = 0; i < hits->len && chosen < 0; i++) {
    const Hit *h = &g_array_index(hits, Hit, i);
    const Place *pl = g_ptr_array_index(pp->places, h->alias->place);
    if (pl->kind == PLACE_CITY) {
      chosen = (int)h->alias->place;
      first = MIN(first, h->pos);
    }
  }
  int dist = -1;
  if (chosen >= 0) {
    for (guint i = 0; i < hits->len && dist < 0; i++) {
      const Hit *h = &g_array_index(hits, Hit, i);
      const Place *pl = g_ptr_array_index(pp->places, h->alias->place);
      if (pl->kind == PLACE_DISTRICT && pl->city == chosen) {
        dist = (int)h->alias->place;
        first = MIN(first, h->pos);
      }
    }
    /* A landmark of the city names its district ("北京国贸" is 朝阳区). */
    for (guint i = 0; i < hits->len && dist < 0; i++) {
      const Hit *h = &g_array_index(hits, Hit, i);
      const Place *pl = g_ptr_array_index(pp->places, h->alias->place);
      if (pl->kind == PLACE_LANDMARK && pl->city == chosen)
        dist = pl->district;
    }
  } else {
    /* No city named: a district only it has, written out in full, names the city too. */
    for (guint i = 0; i < hits->len && dist < 0; i++) {
      const Hit *h = &g_array_index(hits, Hit, i);
      const Place *pl = g_ptr_array_index(pp->places, h->alias->place);
      if (pl->kind == PLACE_DISTRICT && !pl->ambiguous && !h->alias->short_alias) {
        dist = (int)h->alias->place;
        chosen = pl->city;
        first = MIN(first, h->pos);
      }
    }
  }
  if (chosen < 0)
    return FALSE;
  /* A province named right before the city belongs to the place text ("河北省廊坊市…"). */
  for (guint i = 0; i < hits->len; i++) {
    const Hit *h = &g_array_index(hits, Hit, i);
    const Place *pl = g_ptr_array_index(pp->places, h->alias->place);
    if (pl->kind == PLACE_PROVINCE && h->pos < first && h->pos + h->alias->len + 12 >= first)
      first = h->pos;
  }
  if (pos)
    *pos = first;
  *city = g_strdup(((Place *)g_ptr_array_index(pp->places, chosen))->canonical);
  if (dist >= 0)
    *district = g_strdup(((Place *)g_ptr_array_index(pp->places, dist))->canonical);
  return TRUE;
}

static gboolean
index_in(const GArray *a, int v)
{
  for (guint i = 0; i < a->len; i++)
    if (g_array_index(a, int, i) == v)
      return TRUE;
  return FALSE;
}

/* Which of the cities (indices) the places named in context point at: a landmark of one of them, else
 * a province only one of them is in. -1 when nothing or several. */
static int
city_from_context(const ParserPlaces *pp, const GArray *cities, const char *context)
{
  if (!context || !*context)
    return -1;
  g_autoptr(GArray) hits = scan(pp, context);
  int by_landmark = -1, by_province = -1;
  gboolean landmark_split = FALSE, province_split = FALSE;
  for (guint i = 0; i < hits->len; i++) {
    const Place *pl = g_ptr_array_index(pp->places, g_array_index(hits, Hit, i).alias->place);
    if (pl->kind == PLACE_LANDMARK && index_in(cities, pl->city)) {
      landmark_split |= by_landmark >= 0 && by_landmark != pl->city;
      by_landmark = pl->city;
    } else if (pl->kind == PLACE_PROVINCE) {
      int found = -1, n = 0;
      for (guint j = 0; j < cities->len; j++) {
        const Place *c = g_ptr_array_index(pp->places, g_array_index(cities, int, j));
        if (c->province == pl->province)
          found = g_array_index(cities, int, j), n++;
      }
      if (n == 1) {
        province_split |= by_province >= 0 && by_province != found;
        by_province = found;
      }
    }
  }
  if (by_landmark >= 0 && !landmark_split)
    return by_landmark;
  return by_province >= 0 && !province_split ? by_province : -1;
}

gboolean
parser_places_find_shared(const ParserPlaces *pp, const char *text, const char *context, char **city,
                          char **district, GPtrArray **cities, gsize *pos)
{
  *city = NULL;
  *district = NULL;
  if (cities)
    *cities = NULL;
  if (!pp || !text || !*text)
    return FALSE;
  g_autoptr(GArray) hits = scan(pp, text);
  for (guint i = 0; i < hits->len; i++) {
    const Hit *h = &g_array_index(hits, Hit, i);
    const Place *pl = g_ptr_array_index(pp->places, h->alias->place);
    if (pl->kind != PLACE_DISTRICT || !pl->ambiguous || h->alias->short_alias)
      continue;
    /* every city with a district of this name (the hits at this position are all of them) */
    g_autoptr(GArray) idx = g_array_new(FALSE, FALSE, sizeof(int));
    for (guint j = 0; j < pp->places->len; j++) {
      const Place *d = g_ptr_array_index(pp->places, j);
      if (d->kind == PLACE_DISTRICT && strcmp(d->canonical, pl->canonical) == 0 && !index_in(idx, d->city))
        g_array_append_val(idx, d->city);
    }
    int chosen = city_from_context(pp, idx, text);
    if (chosen < 0)
      chosen = city_from_context(pp, idx, context);
    *district = g_strdup(pl->canonical);
    if (chosen >= 0)
      *city = g_strdup(((Place *)g_ptr_array_index(pp->places, chosen))->canonical);
    if (cities) {
      *cities = g_ptr_array_new_with_free_func(g_free);
      for (guint j = 0; j < idx->len; j++)
        g_ptr_array_add(
          *cities, g_strdup(((Place *)g_ptr_array_index(pp->places, g_array_index(idx, int, j)))->canonical));
    }
    if (pos)
      *pos = h->pos;
    return TRUE;
  }
  return FALSE;
}
