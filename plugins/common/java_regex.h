/* Java regular expressions (java.util.regex) on PCRE2, for RegexRouter and
 * TopicNameMatches, which need Matcher.matches() (the whole string) and
 * replacement strings with $n and ${name} group references. Header-only,
 * see java_hashmap.h; the plugins that include it link libpcre2-8.
 *
 * PCRE2 reads Java's syntax as Java does (classes \d \s \w in ASCII, \Q..\E,
 * lazy and possessive quantifiers, lookaround, atomic and named groups, back
 * references, \b \A \z \G, inline flags i m s x). \uXXXX and \x{...} are
 * Java's too (PCRE2_ALT_BSUX). The whole string must match (anchored at
 * both ends, with backtracking into alternatives as matches() does).
 * Refused when compiling, because PCRE2 would read them differently:
 * nested classes and intersections ([a[b]], [a&&b]), a ']' first in a
 * class, inline flags other than i m s x ((?U) is ungreedy in PCRE2 but
 * Unicode classes in Java; (?u) (?d) are Java's, (?n) (?J) PCRE2's) and
 * PCRE2's own (*VERB) constructs. Memory comes
 * from the host table. */
#ifndef HTTPSRC_PLUGINS_JAVA_REGEX_H
#define HTTPSRC_PLUGINS_JAVA_REGEX_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <string.h>

#include "httpsrc/plugin.h"

/** A compiled pattern and its match data (one match at a time). */
typedef struct jre {
        pcre2_general_context *gc;
        pcre2_code *code;
        pcre2_match_data *md;
        size_t n_groups; /* capturing groups, as Java counts them */
} jre;

static inline void *jre_alloc(PCRE2_SIZE size, void *host)
{
        return ((const struct httpsrc_host_api *)host)->alloc(size);
}

static inline void jre_release(void *p, void *host)
{
        ((const struct httpsrc_host_api *)host)->free(p);
}

/* Past the \Q...\E at p (just past the 'Q'). */
static inline const char *jre_skip_quote(const char *p)
{
        const char *end = strstr(p, "\\E");
        return end ? end + 2 : p + strlen(p);
}

/* A class from just past its '['; NULL (and *why) for what Java reads
 * otherwise than PCRE2, else the position past its ']'. */
static inline const char *jre_class(const char *p, const char **why)
{
        if (*p == '^')
                p++;
        if (*p == ']') {
                *why = "not supported: ']' first in a character class";
                return NULL;
        }
        for (; *p && *p != ']'; p++) {
                if (*p == '[' || (*p == '&' && p[1] == '&')) {
                        *why = "not supported: nested or intersected "
                               "character classes";
                        return NULL;
                }
                if (*p == '\\' && p[1] == 'Q')
                        p = jre_skip_quote(p + 2) - 1;
                else if (*p == '\\' && p[1])
                        p++;
        }
        return p; /* at ']', or at the end: PCRE2 names that error */
}

/* A '{' at p is a repetition to Java: {n}, {n,} or {n,m}; else Java
 * refuses it where PCRE2 would read it as text. NULL or Java's reason. */
static inline const char *jre_repetition(const char *p)
{
        size_t n = strspn(p + 1, "0123456789");
        if (!n)
                return "Illegal repetition";
        p += 1 + n;
        if (*p == ',')
                p += 1 + strspn(p + 1, "0123456789");
        return *p == '}' ? NULL : "Unclosed counted closure";
}

/* NULL if PCRE2 reads @p pat as Java does, else the reason (Java's
 * message where Java refuses it too). */
static inline const char *jre_java_only(const char *pat)
{
        const char *why = NULL;
        for (const char *p = pat; *p; p++) {
                if (*p == '\\' && p[1] == 'Q') {
                        p = jre_skip_quote(p + 2) - 1;
                } else if (*p == '\\') {
                        if (!*++p)
                                return NULL; /* PCRE2 names the error */
                } else if (*p == '[') {
                        if (!(p = jre_class(p + 1, &why)))
                                return why;
                        if (!*p)
                                return NULL;
                } else if (*p == '{') {
                        if ((why = jre_repetition(p)))
                                return why;
                } else if (*p == '(' && p[1] == '*') {
                        return "not supported: (*...) constructs";
                } else if (*p == '(' && p[1] == '?') {
                        size_t n = strspn(p + 2, "imsxduUnJ-");
                        if (strcspn(p + 2, "duUnJ") < n)
                                return "not supported: inline flags other "
                                       "than i, m, s and x";
                }
        }
        return NULL;
}

static inline void jre_free(const struct httpsrc_host_api *host, jre *r)
{
        (void)host;
        pcre2_match_data_free(r->md);
        pcre2_code_free(r->code);
        pcre2_general_context_free(r->gc);
        memset(r, 0, sizeof(*r));
}

/**
 * Compile Java regex @p pat. HTTPSRC_OK, or HTTPSRC_ERR_INVAL with the
 * reason in @p err ("not supported: <what>", Java's message where PCRE2
 * would accept what Java refuses ("Illegal repetition"), or PCRE2's
 * message and offset: "missing closing parenthesis at offset 1"), or
 * HTTPSRC_ERR_NOMEM.
 */
static inline int jre_compile(const struct httpsrc_host_api *host,
                              jre *r,
                              const char *pat,
                              char *err,
                              size_t err_size)
{
        memset(r, 0, sizeof(*r));
        const char *why = jre_java_only(pat);
        if (why) {
                snprintf(err, err_size, "%s", why);
                return HTTPSRC_ERR_INVAL;
        }
        r->gc = pcre2_general_context_create(jre_alloc, jre_release,
                                             (void *)host);
        pcre2_compile_context *cc =
            r->gc ? pcre2_compile_context_create(r->gc) : NULL;
        int ec       = 0;
        PCRE2_SIZE at = 0;
        if (cc && !pcre2_set_newline(cc, PCRE2_NEWLINE_ANYCRLF) &&
            !pcre2_set_compile_extra_options(cc, PCRE2_EXTRA_ALT_BSUX))
                r->code = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED,
                                        PCRE2_UTF | PCRE2_MATCH_INVALID_UTF |
                                            PCRE2_ALT_BSUX,
                                        &ec, &at, cc);
        pcre2_compile_context_free(cc);
        if (!r->code && cc && ec != PCRE2_ERROR_HEAP_FAILED) {
                PCRE2_UCHAR msg[200];
                if (pcre2_get_error_message(ec, msg, sizeof(msg)) < 0)
                        snprintf((char *)msg, sizeof(msg), "error %d", ec);
                snprintf(err, err_size, "%s at offset %zu", (char *)msg,
                         (size_t)at);
                jre_free(host, r);
                return HTTPSRC_ERR_INVAL;
        }
        uint32_t n = 0;
        r->md      = r->code ? pcre2_match_data_create_from_pattern(r->code,
                                                                    r->gc)
                             : NULL;
        if (!r->md ||
            pcre2_pattern_info(r->code, PCRE2_INFO_CAPTURECOUNT, &n)) {
                jre_free(host, r);
                return HTTPSRC_ERR_NOMEM;
        }
        r->n_groups = n;
        return HTTPSRC_OK;
}

/** Matcher.matches(): 1 if @p r matches all of @p s (its groups kept for
 *  jre_expand()), else 0. */
static inline int jre_matches(jre *r, const char *s)
{
        return pcre2_match(r->code, (PCRE2_SPTR)s, strlen(s), 0,
                           PCRE2_ANCHORED | PCRE2_ENDANCHORED, r->md,
                           NULL) > 0;
}

/* A "${name}" reference at p ('{'): the group number (or -1, with the
 * reason in @p buf) and *end past the '}'. */
static inline int jre_named_ref(const jre *r,
                                const char *p,
                                const char **end,
                                char *buf,
                                size_t size)
{
        size_t n = 0;
        *end     = p + 1;
        while ((p[1 + n] >= 'a' && p[1 + n] <= 'z') ||
               (p[1 + n] >= 'A' && p[1 + n] <= 'Z') ||
               (p[1 + n] >= '0' && p[1 + n] <= '9'))
                n++;
        if (!n)
                snprintf(buf, size, "named capturing group has 0 length "
                                    "name");
        else if (p[1 + n] != '}')
                snprintf(buf, size,
                         "named capturing group is missing trailing '}'");
        else if (p[1] >= '0' && p[1] <= '9')
                snprintf(buf, size,
                         "capturing group name {%.*s} starts with digit "
                         "character",
                         (int)n, p + 1);
        if (!n || p[1 + n] != '}' || (p[1] >= '0' && p[1] <= '9'))
                return -1;
        char name[64];
        int g = -1;
        if (n < sizeof(name)) {
                memcpy(name, p + 1, n);
                name[n] = '\0';
                g = pcre2_substring_number_from_name(r->code, (PCRE2_SPTR)name);
        }
        if (g < 0)
                snprintf(buf, size, "No group with name {%.*s}", (int)n, p + 1);
        *end = p + 2 + n;
        return g < 0 ? -1 : g;
}

/**
 * Check replacement @p rep against @p r as Matcher.appendReplacement
 * would use it: NULL if fine, else the reason (Java's message, static
 * text or written to @p buf).
 */
static inline const char *
jre_check_replacement(const jre *r, const char *rep, char *buf, size_t size)
{
        for (const char *p = rep; *p; p++) {
                if (*p == '\\') {
                        if (!*++p)
                                return "character to be escaped is missing";
                } else if (*p == '$' && p[1] == '{') {
                        const char *end;
                        if (jre_named_ref(r, p + 1, &end, buf, size) < 0)
                                return buf;
                        p = end - 1;
                } else if (*p == '$') {
                        if (p[1] < '0' || p[1] > '9')
                                return "Illegal group reference";
                        if ((size_t)(p[1] - '0') > r->n_groups) {
                                snprintf(buf, size, "No group %c", p[1]);
                                return buf;
                        }
                }
        }
        return NULL;
}

/**
 * Append to @p out (through @p put) the expansion of replacement @p rep
 * (checked with jre_check_replacement) for the last match of @p s:
 * $n is group n (the longest number that is a group, as Java reads it;
 * nothing if the group did not take part), ${name} the named group, \c
 * is c.
 */
static inline void jre_expand(const jre *r,
                              const char *s,
                              const char *rep,
                              void (*put)(void *out, const char *, size_t),
                              void *out)
{
        const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(r->md);
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
                size_t g;
                if (p[1] == '{') {
                        const char *end;
                        g = (size_t)jre_named_ref(r, p + 1, &end, NULL, 0);
                        p = end - 1;
                } else {
                        g = (size_t)(*++p - '0');
                        while (p[1] >= '0' && p[1] <= '9' &&
                               g * 10 + (size_t)(p[1] - '0') <= r->n_groups)
                                g = g * 10 + (size_t)(*++p - '0');
                }
                if (ov[2 * g] != PCRE2_UNSET)
                        put(out, s + ov[2 * g],
                            (size_t)(ov[2 * g + 1] - ov[2 * g]));
        }
}

#endif
