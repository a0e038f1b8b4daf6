/* Java regular expressions on top of POSIX extended ones (<regex.h>), for
 * RegexRouter and TopicNameMatches, which need Matcher.matches() (the whole
 * string) and replacement strings with $n group references. Header-only,
 * see java_hashmap.h.
 *
 * The pattern is translated: \d \D \s \S \w \W become bracket expressions
 * (\d \s \w also inside brackets), \t \n \r \f \a \e control characters,
 * \Q...\E quoted text, an escaped punctuation character itself, and (?:...)
 * a group that $n references skip, as in Java. What POSIX cannot express
 * is rejected when compiling: other (?...) constructs (flags, lookaround,
 * named groups), back references, \b \A \z \p{...} and other letter
 * escapes, lazy and possessive quantifiers, and nested classes. Matching
 * is POSIX leftmost-longest: a pattern matches the whole string here
 * exactly when Java's matches() would, though with alternatives or nested
 * quantifiers a group may capture a different part of it. */
#ifndef HTTPSRC_PLUGINS_JAVA_REGEX_H
#define HTTPSRC_PLUGINS_JAVA_REGEX_H

#include <regex.h>
#include <stdio.h>
#include <string.h>

#include "httpsrc/plugin.h"

/** A compiled pattern. */
typedef struct jre {
        regex_t re;
        int compiled;
        size_t n_java;  /* capturing groups as Java counts them */
        size_t n_posix; /* groups of the translation */
        size_t *group;  /* [java group 1..n_java] -> POSIX group */
} jre;

/* The translation under way. */
typedef struct jre_tr {
        const struct httpsrc_host_api *host;
        char *out;
        size_t len, cap;
        int oom;
        const char *err; /* static reason */
        jre *r;
} jre_tr;

static inline void jre_put(jre_tr *t, const char *s, size_t n)
{
        if (t->oom)
                return;
        if (t->len + n + 1 > t->cap) {
                size_t nc = (t->len + n + 1) * 2;
                char *no  = t->host->realloc(t->out, nc);
                if (!no) {
                        t->oom = 1;
                        return;
                }
                t->out = no;
                t->cap = nc;
        }
        memcpy(t->out + t->len, s, n);
        t->len += n;
        t->out[t->len] = '\0';
}

static inline void jre_puts(jre_tr *t, const char *s)
{
        jre_put(t, s, strlen(s));
}

/* Write literal character @p c outside a bracket expression. */
static inline void jre_literal(jre_tr *t, char c)
{
        if (strchr(".[]{}()*+?^$|\\", c))
                jre_put(t, "\\", 1);
        jre_put(t, &c, 1);
}

/* The control character of escape letter @p c, or 0. */
static inline char jre_control(char c)
{
        switch (c) {
        case 't':
                return '\t';
        case 'n':
                return '\n';
        case 'r':
                return '\r';
        case 'f':
                return '\f';
        case 'a':
                return '\a';
        case 'e':
                return 27;
        default:
                return 0;
        }
}

/* A class escape's bracket body: \d \s \w (upper case: negated). */
static inline const char *jre_class_body(char c)
{
        switch (c) {
        case 'd':
        case 'D':
                return "0-9";
        case 's':
        case 'S':
                return " \t\n\v\f\r";
        case 'w':
        case 'W':
                return "[:alnum:]_";
        default:
                return NULL;
        }
}

/* Backslash escape at *p (just past the backslash), outside brackets. */
static inline const char *jre_escape(jre_tr *t, const char *p)
{
        const char *body = jre_class_body(*p);

        if (!*p) {
                t->err = "trailing backslash";
                return p;
        }
        if (body) {
                jre_puts(t, *p >= 'a' ? "[" : "[^");
                jre_puts(t, body);
                jre_puts(t, "]");
                return p + 1;
        }
        if (*p == 'Q') {
                const char *end = strstr(p + 1, "\\E");
                const char *e   = end ? end : p + 1 + strlen(p + 1);
                for (const char *q = p + 1; q < e; q++)
                        jre_literal(t, *q);
                return end ? end + 2 : e;
        }
        char ctl = jre_control(*p);
        if (ctl) {
                jre_put(t, &ctl, 1);
                return p + 1;
        }
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
            (*p >= '0' && *p <= '9')) {
                t->err = "unsupported escape (back references, \\b, \\A, "
                         "\\z, \\p{...} and the like)";
                return p;
        }
        jre_literal(t, *p);
        return p + 1;
}

/* A bracket expression from just past its '['. */
static inline const char *jre_bracket(jre_tr *t, const char *p)
{
        jre_puts(t, "[");
        if (*p == '^')
                jre_put(t, p++, 1);
        if (*p == ']') {
                t->err = "']' first in a character class";
                return p;
        }
        for (; *p && *p != ']'; p++) {
                if (*p == '[' || (*p == '&' && p[1] == '&')) {
                        t->err = "nested or intersected character classes";
                        return p;
                }
                if (*p != '\\') {
                        jre_put(t, p, 1);
                        continue;
                }
                p++;
                const char *body = jre_class_body(*p);
                char ctl         = jre_control(*p);
                if (body && *p >= 'a')
                        jre_puts(t, body);
                else if (ctl)
                        jre_put(t, &ctl, 1);
                else if (*p && strchr(".*+?(){}|$\\/,:;_'\"#%&=<>@!~` ", *p))
                        jre_put(t, p, 1);
                else {
                        t->err = "unsupported escape in a character class";
                        return p;
                }
        }
        if (*p != ']') {
                t->err = "unclosed character class";
                return p;
        }
        jre_puts(t, "]");
        return p + 1;
}

/* '(' at p[-1]: a capturing group, or (?:...). */
static inline const char *jre_group(jre_tr *t, const char *p)
{
        jre *r = t->r;

        r->n_posix++;
        jre_puts(t, "(");
        if (*p != '?') {
                size_t *ng =
                    t->host->realloc(r->group, (r->n_java + 2) * sizeof(*ng));
                if (!ng) {
                        t->oom = 1;
                        return p;
                }
                r->group              = ng;
                r->group[++r->n_java] = r->n_posix;
                return p;
        }
        if (p[1] != ':') {
                t->err = "unsupported group construct (?...)";
                return p;
        }
        return p + 2;
}

/* Translate Java regex @p pat into t->out (POSIX ERE). */
static inline void jre_translate(jre_tr *t, const char *pat)
{
        const char *p = pat;

        while (*p && !t->err && !t->oom) {
                char c = *p++;
                if (c == '\\') {
                        p = jre_escape(t, p);
                } else if (c == '[') {
                        p = jre_bracket(t, p);
                } else if (c == '(') {
                        p = jre_group(t, p);
                } else if (strchr("*+?}", c) && (*p == '?' || *p == '+')) {
                        t->err = "lazy and possessive quantifiers";
                } else {
                        jre_put(t, &c, 1);
                }
        }
}

static inline void jre_free(const struct httpsrc_host_api *host, jre *r)
{
        if (r->compiled)
                regfree(&r->re);
        host->free(r->group);
        memset(r, 0, sizeof(*r));
}

/**
 * Compile Java regex @p pat. HTTPSRC_OK, or HTTPSRC_ERR_INVAL with the
 * reason in @p err ("unsupported ...: <what>" or regcomp's message), or
 * HTTPSRC_ERR_NOMEM.
 */
static inline int jre_compile(const struct httpsrc_host_api *host,
                              jre *r,
                              const char *pat,
                              char *err,
                              size_t err_size)
{
        jre_tr t = {.host = host, .r = r};

        memset(r, 0, sizeof(*r));
        jre_puts(&t, "");
        jre_translate(&t, pat);
        if (t.oom) {
                host->free(t.out);
                jre_free(host, r);
                return HTTPSRC_ERR_NOMEM;
        }
        if (t.err) {
                snprintf(err, err_size, "not supported: %s", t.err);
                host->free(t.out);
                jre_free(host, r);
                return HTTPSRC_ERR_INVAL;
        }
        int rc = regcomp(&r->re, t.out, REG_EXTENDED);
        host->free(t.out);
        if (rc != 0) {
                regerror(rc, &r->re, err, err_size);
                jre_free(host, r);
                return HTTPSRC_ERR_INVAL;
        }
        r->compiled = 1;
        return HTTPSRC_OK;
}

/** Matcher.matches(): 1 if @p r matches all of @p s, with the POSIX groups
 *  in @p m (room for n_posix + 1, may be NULL), else 0. */
static inline int jre_matches(const jre *r, const char *s, regmatch_t *m)
{
        regmatch_t whole;

        if (!m)
                m = &whole;
        if (regexec(&r->re, s, m == &whole ? 1 : r->n_posix + 1, m, 0))
                return 0;
        return m[0].rm_so == 0 && (size_t)m[0].rm_eo == strlen(s);
}

/**
 * Check replacement @p rep against @p r as Matcher.appendReplacement
 * would use it: NULL if fine, else the reason (static text, or written to
 * @p buf).
 */
static inline const char *
jre_check_replacement(const jre *r, const char *rep, char *buf, size_t size)
{
        for (const char *p = rep; *p; p++) {
                if (*p == '\\') {
                        if (!*++p)
                                return "character to be escaped is missing";
                } else if (*p == '$') {
                        if (p[1] == '{')
                                return "named groups are not supported";
                        if (p[1] < '0' || p[1] > '9')
                                return "Illegal group reference";
                        if ((size_t)(p[1] - '0') > r->n_java) {
                                snprintf(buf, size, "No group %c", p[1]);
                                return buf;
                        }
                }
        }
        return NULL;
}

/**
 * Append to @p out (through @p put) the expansion of replacement @p rep
 * (checked with jre_check_replacement) for match @p m of @p s: $n is group
 * n (the longest number that is a group, as Java reads it; nothing if the
 * group did not take part), \c is c.
 */
static inline void jre_expand(const jre *r,
                              const char *s,
                              const regmatch_t *m,
                              const char *rep,
                              void (*put)(void *out, const char *, size_t),
                              void *out)
{
        for (const char *p = rep; *p; p++) {
                if (*p == '\\') {
                        p++;
                        put(out, p, 1);
                        continue;
                }
                if (*p != '$') {
                        put(out, p, 1);
                        continue;
                }
                size_t g = (size_t)(*++p - '0');
                while (p[1] >= '0' && p[1] <= '9' &&
                       g * 10 + (size_t)(p[1] - '0') <= r->n_java)
                        g = g * 10 + (size_t)(*++p - '0');
                const regmatch_t *gm = &m[g ? r->group[g] : 0];
                if (gm->rm_so >= 0)
                        put(out, s + gm->rm_so,
                            (size_t)(gm->rm_eo - gm->rm_so));
        }
}

#endif /* HTTPSRC_PLUGINS_JAVA_REGEX_H */
