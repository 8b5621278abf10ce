/* html.c: HTML mail to plain text with libxml2, keeping the line and table structure the field extraction needs. */
#include "parser-private.h"

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <string.h>

typedef struct {
  GString *out;
  int quote;                  /* blockquote depth: lines get "> " per level */
  int pending_nl;             /* newlines owed before the next text */
  gboolean space;             /* a collapsed blank owed before the next text */
  gboolean cell_sep;          /* a tab owed before the next text (next table cell) */
  int pre;                    /* inside <pre>: keep blanks and newlines */
  GHashTable *hidden_classes; /* class names a <style> sheet hides (NULL: none) */
} Html;

/* Elements that end a line before and after them. */
static gboolean
is_block(const char *n)
{
  static const char *const blocks[] = {
    "p",       "div",        "tr",      "li",      "ul",     "ol",      "dl",     "dt",     "dd",
    "table",   "tbody",      "thead",   "tfoot",   "h1",     "h2",      "h3",     "h4",     "h5",
    "h6",      "section",    "article", "header",  "footer", "address", "center", "form",   "fieldset",
    "hr",      "blockquote", "pre",     "caption", "nav",    "aside",   "main",   "figure", "figcaption",
    "details", "summary",    "body",    "html",    NULL
  };
  for (const char *const *b = blocks; *b; b++)
    if (g_ascii_strcasecmp(n, *b) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
is_skipped(const char *n)
{
  static const char *const skip[] = { "script", "style",  "head", "title", "noscript", "template",
                                      "object", "iframe", "svg",  "math",  NULL };
  for (const char *const *s = skip; *s; s++)
    if (g_ascii_strcasecmp(n, *s) == 0)
      return TRUE;
  return FALSE;
}

static void
want_newlines(Html *h, int n)
{
  if (h->pending_nl < n)
    h->pending_nl = n;
  h->space = FALSE;
  h->cell_sep = FALSE;
}

static gboolean
at_line_start(const Html *h)
{
  return h->out->len == 0 || h->out->str[h->out->len - 1] == '\n';
}

static void
start_line_if_needed(Html *h)
{
  if (h->out->len > 0 && h->pending_nl > 0) {
    for (int i = 0; i < h->pending_nl; i++)
      g_string_append_c(h->out, '\n');
  }
  h->pending_nl = 0;
  if (at_line_start(h)) {
    for (int i = 0; i < h->quote; i++)
      g_string_append(h->out, "> ");
    h->space = FALSE;
  }
}

/* Appends a text node: blanks collapse to one space outside <pre>. */
static void
emit_text(Html *h, const char *s)
{
  for (const char *p = s; *p;) {
    if (!h->pre && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f')) {
      if (!at_line_start(h) || h->pending_nl == 0)
        h->space = TRUE;
      p++;
      continue;
    }
    if (h->pre && *p == '\n') {
      h->pending_nl++;
      if (h->out->len == 0)
        h->pending_nl = 0;
      p++;
      /* A newline inside <pre> starts a line even when nothing follows on it. */
      start_line_if_needed(h);
      h->pending_nl = 0;
      g_string_append_c(h->out, '\n');
      continue;
    }
    const char *run = p;
    while (*p && (h->pre ? *p != '\n' : !(*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f')))
      p++;
    gboolean line_start_before = h->pending_nl > 0 || at_line_start(h);
    start_line_if_needed(h);
    if (h->cell_sep && !at_line_start(h))
      g_string_append_c(h->out, '\t');
    else if (h->space && !line_start_before && !at_line_start(h))
      g_string_append_c(h->out, ' ');
    h->cell_sep = FALSE;
    h->space = FALSE;
    g_string_append_len(h->out, run, p - run);
  }
}

/* Whether declarations (CSS, any case and blanks) hide what they apply to: display:none,
 * visibility:hidden, font-size 0, Outlook's mso-hide:all, white text without a background of its own. */
static gboolean
css_hides(const char *decl, gsize len)
{
  GString *css = g_string_sized_new(len + 2); /* lower case, blanks out */
  for (gsize i = 0; i < len && decl[i]; i++)
    if (!g_ascii_isspace(decl[i]))
      g_string_append_c(css, g_ascii_tolower(decl[i]));
  gboolean hidden = strstr(css->str, "display:none") || strstr(css->str, "visibility:hidden") ||
                    strstr(css->str, "mso-hide:all");
  /* white text with no background of its own: white on the page */
  static const char *const white[] = { "color:#fff;", "color:#ffffff;", "color:white;",
                                       "color:rgb(255,255,255);", NULL };
  g_string_append_c(css, ';');
  for (guint i = 0; white[i] && !hidden; i++) {
    const char *w = strstr(css->str, white[i]);
    hidden = w && (w == css->str || w[-1] == ';') && !strstr(css->str, "background");
  }
  for (const char *f = strstr(css->str, "font-size:0"); f && !hidden; f = strstr(f + 1, "font-size:0")) {
    const char *after = f + strlen("font-size:0");
    hidden = *after != '.' && !g_ascii_isdigit(*after); /* 0, 0px, 0pt — not 0.9em */
  }
  g_string_free(css, TRUE);
  return hidden;
}

/* The classes the <style> sheets of html hide: rules at the top level (not inside @media: a rule
 * for phones only hides nothing on the desk's screen) whose selectors are ".name" or "tag.name". */
static GHashTable *
sheet_hidden_classes(const char *html, gsize len)
{
  GHashTable *classes = NULL;
  const char *end = html + len;
  for (const char *p = html; p + 7 < end;) {
    const char *lt = memchr(p, '<', (gsize)(end - p));
    if (!lt || lt + 7 > end)
      break;
    p = lt + 1;
    if (g_ascii_strncasecmp(p, "style", 5) != 0 || (p[5] != '>' && !g_ascii_isspace(p[5])))
      continue;
    const char *body = memchr(p, '>', (gsize)(end - p));
    if (!body)
      break;
    body++;
    const char *close = body;
    while (close + 8 <= end && g_ascii_strncasecmp(close, "</style", 7) != 0)
      close++;
    if (close + 8 > end)
      close = end;
    int depth = 0;
    const char *sel = body;
    for (const char *q = body; q < close; q++) {
      if (*q == '{') {
        const char *decl = q + 1;
        const char *rb = decl;
        while (rb < close && *rb != '}' && *rb != '{')
          rb++;
        gboolean at_rule = FALSE;
        for (const char *t = sel; t < q && !at_rule; t++)
          at_rule = *t == '@';
        if (rb < close && *rb == '}' && depth == 0 && !at_rule && css_hides(decl, (gsize)(rb - decl))) {
          g_autofree char *list = g_strndup(sel, (gsize)(q - sel));
          g_auto(GStrv) sels = g_strsplit(list, ",", -1);
          for (guint i = 0; sels[i]; i++) {
            char *one = g_strstrip(sels[i]);
            const char *dot = strchr(one, '.');
            gboolean simple = dot && !strpbrk(one, " >+~:[#*") && !strchr(dot + 1, '.');
            if (simple && dot[1]) {
              if (!classes)
                classes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
              g_hash_table_add(classes, g_ascii_strdown(dot + 1, -1));
            }
          }
        }
        if (rb < close && *rb == '}') {
          q = rb;
          sel = rb + 1;
        } else {
          depth++; /* @media { rule { … } }: the rules inside are not looked at */
          sel = q + 1;
        }
      } else if (*q == '}') {
        if (depth > 0)
          depth--;
        sel = q + 1;
      }
    }
    p = close;
  }
  return classes;
}

/* An element a reader does not see: the hidden attribute, an inline style that hides it (css_hides), or
 * a class a <style> sheet hides. Text hidden so is no customer's words — it may carry another SN,
 * phone or address than the ones shown. */
static gboolean
hidden_element(const Html *h, xmlNode *n)
{
  if (xmlHasProp(n, (const xmlChar *)"hidden"))
    return TRUE;
  if (h->hidden_classes) {
    xmlChar *cls = xmlGetProp(n, (const xmlChar *)"class");
    gboolean hidden = FALSE;
    if (cls) {
      g_autofree char *low = g_ascii_strdown((const char *)cls, -1);
      g_auto(GStrv) names = g_strsplit_set(low, " \t\r\n", -1);
      for (guint i = 0; names[i] && !hidden; i++)
        hidden = *names[i] && g_hash_table_contains(h->hidden_classes, names[i]);
      xmlFree(cls);
    }
    if (hidden)
      return TRUE;
  }
  xmlChar *style = xmlGetProp(n, (const xmlChar *)"style");
  if (!style)
    return FALSE;
  gboolean hidden = css_hides((const char *)style, strlen((const char *)style));
  xmlFree(style);
  return hidden;
}

/* Iterative walk: HTML from the wild nests deep enough to make recursion a risk. */
static void
walk(Html *h, xmlNode *root)
{
  xmlNode *n = root;
  while (n) {
    gboolean descend = FALSE;
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
      if (n->content)
        emit_text(h, (const char *)n->content);
    } else if (n->type == XML_ELEMENT_NODE && n->name) {
      const char *name = (const char *)n->name;
      if (!is_skipped(name) && !hidden_element(h, n)) {
        if (g_ascii_strcasecmp(name, "br") == 0) {
          start_line_if_needed(h);
          g_string_append_c(h->out, '\n');
          h->space = FALSE;
          h->cell_sep = FALSE;
        } else {
          if (is_block(name))
            want_newlines(h, 1);
          if (g_ascii_strcasecmp(name, "td") == 0 || g_ascii_strcasecmp(name, "th") == 0) {
            if (!at_line_start(h) && h->pending_nl == 0)
              h->cell_sep = TRUE;
          }
          if (g_ascii_strcasecmp(name, "blockquote") == 0)
            h->quote++;
          if (g_ascii_strcasecmp(name, "pre") == 0)
            h->pre++;
          descend = n->children != NULL;
          if (!descend) {
            /* Leaving an empty element right away. */
            if (g_ascii_strcasecmp(name, "blockquote") == 0)
              h->quote--;
            if (g_ascii_strcasecmp(name, "pre") == 0)
              h->pre--;
            if (is_block(name))
              want_newlines(h, 1);
          }
        }
      }
    } else if (n->type == XML_DOCUMENT_NODE || n->type == XML_HTML_DOCUMENT_NODE) {
      descend = n->children != NULL;
    }
    if (descend) {
      n = n->children;
      continue;
    }
    /* Climb until a sibling exists, closing the elements we leave. */
    while (n && n != root && !n->next) {
      n = n->parent;
      if (!n || n == root)
        break;
      if (n->type == XML_ELEMENT_NODE && n->name) {
        const char *name = (const char *)n->name;
        if (g_ascii_strcasecmp(name, "blockquote") == 0 && h->quote > 0)
          h->quote--;
        if (g_ascii_strcasecmp(name, "pre") == 0 && h->pre > 0)
          h->pre--;
        if (is_block(name))
          want_newlines(h, 1);
      }
    }
    if (!n || n == root)
      break;
    n = n->next;
  }
}

char *
parser_html_to_text(const char *html, gsize len)
{
  if (len > G_MAXINT)
    len = G_MAXINT;
  GString *out = g_string_sized_new(len / 2 + 16);
  htmlDocPtr doc = htmlReadMemory(html, (int)len, NULL, "UTF-8",
                                  HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                    HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC | HTML_PARSE_NODEFDTD);
  if (!doc)
    return g_string_free(out, FALSE);
  Html h = { .out = out, .hidden_classes = sheet_hidden_classes(html, len) };
  walk(&h, (xmlNode *)doc);
  xmlFreeDoc(doc);
  if (h.hidden_classes)
    g_hash_table_unref(h.hidden_classes);
  if (out->len > 0 && out->str[out->len - 1] != '\n')
    g_string_append_c(out, '\n');
  return g_string_free(out, FALSE);
}
