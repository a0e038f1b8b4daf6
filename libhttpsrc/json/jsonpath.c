/* JSONPath subset: compiler, tree evaluator and a streaming span selector.
 *
 * Every path in the subset selects values at one fixed depth (the number of
 * segments), so the span selector only needs, per open container up to that
 * depth, "is this container on the path" and "does the current child match".
 *
 * A member segment selects every member with that name, duplicates
 * included, in both evaluators: the streaming one cannot know whether a
 * later duplicate follows, and both must agree. */
#include "jsonpath_int.h"

#include <ctype.h>
#include <stdint.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "httpsrc/common.h"
#include "json_int.h"
#include "util_int.h"

enum seg_kind {
        SEG_NAME,  /* .name ['name'] */
        SEG_INDEX, /* [N] */
        SEG_ANY,   /* [*] .* */
};

typedef struct seg {
        int kind;
        size_t index;
        char *name;
        size_t nlen;
} seg;

struct jsonpath {
        char *expr;
        seg *segs;
        size_t nseg;
};

/* ------------------------------------------------------------------ */
/* Compiler                                                             */

typedef struct compiler {
        const char *expr;
        size_t len;
        size_t pos;
        jsonpath *p;
        size_t cap;
        char *errstr;
        size_t errstr_size;
} compiler;

/* Error at 0-based offset at; always returns -1. */
static int fail(compiler *c, size_t at, const char *reason)
{
        errstr_set(c->errstr, c->errstr_size,
                   "invalid JSONPath '%s': %s at position %zu", c->expr, reason,
                   at + 1);
        return -1;
}

static int fail_char(compiler *c, size_t at)
{
        unsigned char ch = (unsigned char)c->expr[at];
        char reason[48];
        if (ch >= 0x20 && ch < 0x7f)
                snprintf(reason, sizeof(reason), "unexpected character '%c'",
                         ch);
        else
                snprintf(reason, sizeof(reason),
                         "unexpected character '\\x%02X'", ch);
        return fail(c, at, reason);
}

static int fail_nomem(compiler *c)
{
        errstr_set(c->errstr, c->errstr_size, "out of memory");
        return -1;
}

/* Append a segment; takes name. */
static int add_seg(compiler *c, int kind, size_t index, char *name, size_t n)
{
        if (c->p->nseg == c->cap) {
                size_t cap = c->cap ? c->cap * 2 : 4;
                seg *ns    = realloc(c->p->segs, cap * sizeof(*ns));
                if (!ns) {
                        free(name);
                        return fail_nomem(c);
                }
                c->p->segs = ns;
                c->cap     = cap;
        }
        c->p->segs[c->p->nseg++] = (seg){kind, index, name, n};
        return 0;
}

static int is_name_char(unsigned char ch)
{
        return isalnum(ch) || ch == '_' || ch == '$' || ch == '-' || ch >= 0x80;
}

static char peek(const compiler *c, size_t at)
{
        return at < c->len ? c->expr[at] : '\0';
}

/* .name or .* ; c->pos is at the '.'. */
static int compile_dot(compiler *c)
{
        size_t at = c->pos + 1;
        char ch   = peek(c, at);
        if (ch == '.')
                return fail(c, c->pos,
                            "recursive descent '..' is not supported");
        if (ch == '*') {
                c->pos = at + 1;
                return add_seg(c, SEG_ANY, 0, NULL, 0);
        }
        size_t end = at;
        while (end < c->len && is_name_char((unsigned char)c->expr[end]))
                end++;
        if (end == at)
                return fail(c, at, "expected a member name");
        char *name = xstrndup(c->expr + at, end - at);
        if (!name)
                return fail_nomem(c);
        c->pos = end;
        return add_seg(c, SEG_NAME, 0, name, end - at);
}

/* What may follow a bracketed name or index at offset at: ']'. */
static int expect_close(compiler *c, size_t at)
{
        char ch = peek(c, at);
        if (ch == ']') {
                c->pos = at + 1;
                return 0;
        }
        if (ch == ',')
                return fail(c, at, "unions are not supported");
        if (ch == ':')
                return fail(c, at, "slices are not supported");
        return fail(c, at, "expected ']'");
}

/* 'name' or "name" at offset at (the quote). */
static int compile_quoted(compiler *c, size_t at)
{
        char quote = c->expr[at];
        char *name = malloc(c->len - at);
        size_t n   = 0;
        size_t i   = at + 1;
        if (!name)
                return fail_nomem(c);
        for (; i < c->len && c->expr[i] != quote; i++) {
                char ch = c->expr[i];
                if (ch == '\\') {
                        char e = peek(c, ++i);
                        if (i == c->len)
                                break;
                        if (e != '\'' && e != '"' && e != '\\') {
                                free(name);
                                return fail(c, i - 1, "unsupported escape");
                        }
                        ch = e;
                }
                name[n++] = ch;
        }
        if (i >= c->len) {
                free(name);
                return fail(c, at, "unterminated string");
        }
        name[n] = '\0';
        if (add_seg(c, SEG_NAME, 0, name, n))
                return -1;
        return expect_close(c, i + 1);
}

static int compile_index(compiler *c, size_t at)
{
        size_t v = 0;
        size_t i = at;
        for (; i < c->len && isdigit((unsigned char)c->expr[i]); i++) {
                size_t d = (size_t)(c->expr[i] - '0');
                if (v > (SIZE_MAX - d) / 10)
                        return fail(c, at, "index too large");
                v = v * 10 + d;
        }
        if (add_seg(c, SEG_INDEX, v, NULL, 0))
                return -1;
        return expect_close(c, i);
}

/* [...] ; c->pos is at the '['. */
static int compile_bracket(compiler *c)
{
        size_t at = c->pos + 1;
        char ch   = peek(c, at);
        if (at >= c->len)
                return fail(c, at, "expected ']'");
        if (ch == '\'' || ch == '"')
                return compile_quoted(c, at);
        if (isdigit((unsigned char)ch))
                return compile_index(c, at);
        if (ch == '*') {
                if (add_seg(c, SEG_ANY, 0, NULL, 0))
                        return -1;
                return expect_close(c, at + 1);
        }
        if (ch == '-' && isdigit((unsigned char)peek(c, at + 1)))
                return fail(c, at, "negative index is not supported");
        if (ch == ':')
                return fail(c, at, "slices are not supported");
        if (ch == '?')
                return fail(c, at, "filters are not supported");
        if (ch == '(')
                return fail(c, at, "script expressions are not supported");
        if (ch == ']')
                return fail(c, at, "expected a member name, index or '*'");
        return fail_char(c, at);
}

static int compile_all(compiler *c)
{
        if (c->len == 0) {
                errstr_set(c->errstr, c->errstr_size,
                           "invalid JSONPath '': must start with '$'");
                return -1;
        }
        if (c->expr[0] != '$')
                return fail(c, 0, "must start with '$'");
        c->pos = 1;
        while (c->pos < c->len) {
                int rc;
                if (c->expr[c->pos] == '.')
                        rc = compile_dot(c);
                else if (c->expr[c->pos] == '[')
                        rc = compile_bracket(c);
                else
                        rc = fail_char(c, c->pos);
                if (rc)
                        return rc;
        }
        return 0;
}

jsonpath *jsonpath_compile(const char *expr, char *errstr, size_t errstr_size)
{
        if (!expr)
                expr = "";
        jsonpath *p = calloc(1, sizeof(*p));
        compiler c  = {.expr        = expr,
                       .len         = strlen(expr),
                       .p           = p,
                       .errstr      = errstr,
                       .errstr_size = errstr_size};
        if (!p || !(p->expr = xstrdup(expr))) {
                free(p);
                errstr_set(errstr, errstr_size, "out of memory");
                return NULL;
        }
        if (compile_all(&c)) {
                jsonpath_destroy(p);
                return NULL;
        }
        return p;
}

void jsonpath_destroy(jsonpath *p)
{
        if (!p)
                return;
        for (size_t i = 0; i < p->nseg; i++)
                free(p->segs[i].name);
        free(p->segs);
        free(p->expr);
        free(p);
}

const char *jsonpath_expr(const jsonpath *p)
{
        return p ? p->expr : NULL;
}

/* ------------------------------------------------------------------ */
/* Tree evaluation                                                      */

static int seg_name_eq(const seg *s, const char *key, size_t klen)
{
        return s->nlen == klen && !memcmp(s->name, key, klen);
}

static int walk(const jsonpath *p,
                size_t i,
                const httpsrc_json *v,
                jsonpath_visit_fn visit,
                void *opaque);

static int walk_object(const jsonpath *p,
                       size_t i,
                       const httpsrc_json *v,
                       jsonpath_visit_fn visit,
                       void *opaque)
{
        const seg *s = &p->segs[i];
        size_t n     = json_len(v);
        for (size_t m = 0; m < n; m++) {
                if (s->kind == SEG_NAME &&
                    !seg_name_eq(s, json_key_at(v, m), json_key_len_at(v, m)))
                        continue;
                int rc = walk(p, i + 1, json_at(v, m), visit, opaque);
                if (rc)
                        return rc;
        }
        return 0;
}

static int walk_array(const jsonpath *p,
                      size_t i,
                      const httpsrc_json *v,
                      jsonpath_visit_fn visit,
                      void *opaque)
{
        const seg *s = &p->segs[i];
        if (s->kind == SEG_INDEX) {
                const httpsrc_json *e = json_at(v, s->index);
                return e ? walk(p, i + 1, e, visit, opaque) : 0;
        }
        size_t n = json_len(v);
        for (size_t k = 0; k < n; k++) {
                int rc = walk(p, i + 1, json_at(v, k), visit, opaque);
                if (rc)
                        return rc;
        }
        return 0;
}

static int walk(const jsonpath *p,
                size_t i,
                const httpsrc_json *v,
                jsonpath_visit_fn visit,
                void *opaque)
{
        if (i == p->nseg)
                return visit(opaque, v);
        int kind = p->segs[i].kind;
        int type = json_type(v);
        if (type == HTTPSRC_JSON_OBJECT && kind != SEG_INDEX)
                return walk_object(p, i, v, visit, opaque);
        if (type == HTTPSRC_JSON_ARRAY && kind != SEG_NAME)
                return walk_array(p, i, v, visit, opaque);
        return 0;
}

int jsonpath_eval(const jsonpath *p,
                  const httpsrc_json *root,
                  jsonpath_visit_fn visit,
                  void *opaque)
{
        if (!p || !root || !visit)
                return 0;
        return walk(p, 0, root, visit, opaque);
}

static int keep_first(void *opaque, const httpsrc_json *v)
{
        *(const httpsrc_json **)opaque = v;
        return 1;
}

const httpsrc_json *jsonpath_first(const jsonpath *p, const httpsrc_json *root)
{
        const httpsrc_json *found = NULL;
        jsonpath_eval(p, root, keep_first, &found);
        return found;
}

/* ------------------------------------------------------------------ */
/* Span selection                                                       */

/* An open container at depth k <= nseg (deeper ones are never tracked). */
typedef struct frame {
        unsigned char is_array;
        unsigned char on_path;  /* segs[0..k) matched this container */
        unsigned char child_ok; /* object: current member matches segs[k] */
        unsigned char selected; /* k == nseg: this container is a match */
        size_t index;           /* array: index of the next element */
        size_t start;           /* selected: offset of '{' or '[' */
} frame;

#define SPAN_INLINE_FRAMES 16

typedef struct span_ctx {
        json_scan scan; /* first: yajl's ctx is this struct */
        const jsonpath *p;
        jsonpath_span_fn cb;
        void *opaque;
        size_t prev_end; /* end of the last token yajl reported */
        frame *frames;   /* nseg + 1 of them */
        frame inline_frames[SPAN_INLINE_FRAMES];
} span_ctx;

/* Does the value starting now at the current depth match segs[0..d)? */
static int value_on_path(span_ctx *sc)
{
        size_t d = sc->scan.depth;
        if (d == 0)
                return 1;
        if (d - 1 >= sc->p->nseg)
                return 0;
        frame *f = &sc->frames[d - 1];
        if (!f->on_path)
                return 0;
        if (!f->is_array)
                return f->child_ok;
        const seg *s = &sc->p->segs[d - 1];
        size_t i     = f->index++;
        return s->kind == SEG_ANY || (s->kind == SEG_INDEX && s->index == i);
}

/* Offset where the value ending now began: yajl reports no ',' or ':'. */
static size_t value_start(const span_ctx *sc)
{
        size_t i      = sc->prev_end;
        const char *t = sc->scan.text;
        while (i < sc->scan.len && (json_is_space((unsigned char)t[i]) ||
                                    t[i] == ',' || t[i] == ':'))
                i++;
        return i;
}

static int report(span_ctx *sc, size_t start, size_t end)
{
        int rc = sc->cb(sc->opaque, sc->scan.text + start, end - start);
        if (!rc)
                return 1;
        sc->scan.rc = rc;
        return 0;
}

/* Bookkeeping after any value ended at end. */
static int span_value_end(span_ctx *sc, size_t end)
{
        sc->prev_end = end;
        if (sc->scan.depth == 0 && json_scan_root_done(&sc->scan))
                return 0;
        return 1;
}

static int span_scalar(void *ctx)
{
        span_ctx *sc = ctx;
        size_t end   = json_scan_tok_end(&sc->scan);
        int hit      = value_on_path(sc) && sc->scan.depth == sc->p->nseg &&
                  sc->p->nseg > 0;
        if (hit && !report(sc, value_start(sc), end))
                return 0;
        return span_value_end(sc, end);
}

static int span_null(void *ctx)
{
        return span_scalar(ctx);
}

static int span_bool(void *ctx, int b)
{
        (void)b;
        return span_scalar(ctx);
}

static int span_number(void *ctx, const char *s, size_t len)
{
        (void)s;
        (void)len;
        return span_scalar(ctx);
}

static int span_string(void *ctx, const unsigned char *s, size_t len)
{
        (void)s;
        (void)len;
        return span_scalar(ctx);
}

static int span_open(span_ctx *sc, int is_array)
{
        size_t d     = sc->scan.depth;
        int on_path  = value_on_path(sc);
        size_t end   = json_scan_tok_end(&sc->scan);
        sc->prev_end = end;
        if (json_scan_push(&sc->scan))
                return 0;
        if (d > sc->p->nseg)
                return 1;
        size_t nseg   = sc->p->nseg;
        sc->frames[d] = (frame){
            .on_path  = on_path && d < nseg,
            .selected = on_path && d == nseg && nseg > 0,
            .is_array = (unsigned char)is_array,
            .start    = end - 1,
        };
        return 1;
}

static int span_start_map(void *ctx)
{
        return span_open(ctx, 0);
}

static int span_start_array(void *ctx)
{
        return span_open(ctx, 1);
}

static int span_close(void *ctx)
{
        span_ctx *sc = ctx;
        size_t d     = --sc->scan.depth;
        size_t end   = json_scan_tok_end(&sc->scan);
        if (d <= sc->p->nseg && sc->frames[d].selected &&
            !report(sc, sc->frames[d].start, end))
                return 0;
        return span_value_end(sc, end);
}

static int span_key(void *ctx, const unsigned char *key, size_t len)
{
        span_ctx *sc = ctx;
        size_t k     = sc->scan.depth - 1;
        sc->prev_end = json_scan_tok_end(&sc->scan);
        if (k >= sc->p->nseg || !sc->frames[k].on_path)
                return 1;
        const seg *s = &sc->p->segs[k];
        sc->frames[k].child_ok =
            s->kind == SEG_ANY ||
            (s->kind == SEG_NAME && seg_name_eq(s, (const char *)key, len));
        return 1;
}

static const yajl_callbacks span_callbacks = {
    .yajl_null        = span_null,
    .yajl_boolean     = span_bool,
    .yajl_number      = span_number,
    .yajl_string      = span_string,
    .yajl_start_map   = span_start_map,
    .yajl_map_key     = span_key,
    .yajl_end_map     = span_close,
    .yajl_start_array = span_start_array,
    .yajl_end_array   = span_close,
};

/* '$' selects the document itself: report it once it is known valid. */
static int report_root(span_ctx *sc)
{
        size_t start  = 0;
        size_t end    = sc->scan.len;
        const char *t = sc->scan.text;
        while (start < end && json_is_space((unsigned char)t[start]))
                start++;
        while (end > start && json_is_space((unsigned char)t[end - 1]))
                end--;
        return sc->cb(sc->opaque, t + start, end - start);
}

int jsonpath_select_spans_yajl(const jsonpath *p,
                               const char *text,
                               size_t len,
                               size_t max_depth,
                               jsonpath_span_fn cb,
                               void *opaque,
                               char *errstr,
                               size_t errstr_size)
{
        if (!p || !cb) {
                errstr_set(errstr, errstr_size, "invalid argument");
                return HTTPSRC_ERR_INVAL;
        }
        span_ctx sc = {.p = p, .cb = cb, .opaque = opaque};
        sc.scan =
            (json_scan){.text        = text,
                        .len         = len,
                        .max_depth   = max_depth ? max_depth : JSON_MAX_DEPTH,
                        .errstr      = errstr,
                        .errstr_size = errstr_size};
        sc.frames = sc.inline_frames;
        if (p->nseg + 1 > SPAN_INLINE_FRAMES) {
                sc.frames = calloc(p->nseg + 1, sizeof(frame));
                if (!sc.frames) {
                        errstr_set(errstr, errstr_size, "out of memory");
                        return HTTPSRC_ERR_NOMEM;
                }
        }
        int rc = json_scan_run(&sc.scan, &span_callbacks, &sc);
        if (rc == HTTPSRC_OK && p->nseg == 0)
                rc = report_root(&sc);
        if (sc.frames != sc.inline_frames)
                free(sc.frames);
        return rc;
}

/* ------------------------------------------------------------------ */
/* Raw lookup on validated text (no tree, no yajl)                     */

static int raw_from(const jsonpath *p,
                    size_t first,
                    const char *text,
                    size_t len,
                    const char **raw,
                    size_t *raw_len)
{
        const char *cur = text;
        size_t clen     = len;
        for (size_t i = first; i < p->nseg; i++) {
                const seg *sg = &p->segs[i];
                int r =
                    sg->kind == SEG_NAME
                        ? json_member_span_n(cur, clen, sg->name, sg->nlen,
                                             &cur, &clen)
                    : sg->kind == SEG_INDEX
                        ? json_element_span(cur, clen, sg->index, &cur, &clen)
                        : -1;
                if (r <= 0)
                        return r;
        }
        *raw     = cur;
        *raw_len = clen;
        return 1;
}

int jsonpath_raw_first(const jsonpath *p,
                       const char *text,
                       size_t len,
                       const char **raw,
                       size_t *raw_len)
{
        return raw_from(p, 0, text, len, raw, raw_len);
}

void json_root_index_free(json_root_index *idx)
{
        free(idx->v);
        memset(idx, 0, sizeof(*idx));
}

int json_members_find(const json_root_member *v,
                      size_t n,
                      const char *base,
                      const char *name,
                      size_t nlen,
                      const json_root_member **hit)
{
        *hit = NULL;
        for (size_t i = 0; i < n; i++) {
                if (v[i].escaped) /* rare: let the scanner decide */
                        return -1;
                if (v[i].klen == nlen && !memcmp(base + v[i].koff, name, nlen))
                        *hit = &v[i]; /* the last duplicate wins */
        }
        return *hit != NULL;
}

int jsonpath_raw_member_once(const jsonpath *p,
                             const char *text,
                             const json_root_index *idx,
                             const char **raw,
                             size_t *raw_len)
{
        if (!idx || !idx->done || p->nseg != 1 || p->segs[0].kind != SEG_NAME)
                return -1;
        const seg *sg               = &p->segs[0];
        const json_root_member *hit = NULL;
        for (size_t i = 0; i < idx->n; i++) {
                const json_root_member *m = &idx->v[i];
                if (m->escaped)
                        return -1;
                if (m->klen != sg->nlen ||
                    memcmp(text + m->koff, sg->name, sg->nlen))
                        continue;
                if (hit)
                        return -1; /* a duplicate: the tree keeps the first */
                hit = m;
        }
        if (!hit)
                return 0;
        *raw     = text + hit->voff;
        *raw_len = hit->vlen;
        return 1;
}

int jsonpath_raw_first_indexed(const jsonpath *p,
                               const char *text,
                               size_t len,
                               const json_root_index *idx,
                               const char **raw,
                               size_t *raw_len)
{
        if (!idx || !idx->done || !p->nseg || p->segs[0].kind != SEG_NAME)
                return raw_from(p, 0, text, len, raw, raw_len);
        const seg *sg = &p->segs[0];
        const json_root_member *hit;
        int found =
            json_members_find(idx->v, idx->n, text, sg->name, sg->nlen, &hit);
        if (found < 0)
                return raw_from(p, 0, text, len, raw, raw_len);
        if (!found)
                return 0;
        return raw_from(p, 1, text + hit->voff, hit->vlen, raw, raw_len);
}

/* ------------------------------------------------------------------ */
/* The hot path: one pass that validates exactly what yajl accepts and
 * reports matches, without yajl's per-token callbacks and copies. On any
 * error the yajl path runs again for its canonical message.           */

/* Bytes a string needs to look at: '"', backslash, control characters and
 * non-ASCII (UTF-8 is checked); everything else is skipped in bulk. */
static const unsigned char str_special[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

/* The index of the first byte from @p i on that str_special marks, or
 * @p len. SSE2 (every x86-64) looks at 16 bytes a step: a string's plain
 * run ends in one step for short keys and in a few for URLs and dates. */
static inline size_t str_plain_end(const unsigned char *t, size_t i, size_t len)
{
#ifdef __SSE2__
        const __m128i flip   = _mm_set1_epi8(0x02);
        const __m128i c21    = _mm_set1_epi8(0x21);
        const __m128i bslash = _mm_set1_epi8('\\');
        for (; i + 16 <= len; i += 16) {
                __m128i v = _mm_loadu_si128((const __m128i *)(t + i));
                /* v ^ 2 turns '"' into ' ' and keeps the control
                 * characters below ' ': those and the bytes >= 0x80
                 * (negative as signed) are the ones whose saturating
                 * signed v ^ 2 - 0x21 is negative. */
                __m128i m = _mm_subs_epi8(_mm_xor_si128(v, flip), c21);
                m         = _mm_or_si128(m, _mm_cmpeq_epi8(v, bslash));
                unsigned long long mask =
                    (unsigned long long)_mm_movemask_epi8(m);
                if (mask)
                        return i + (size_t)__builtin_ctzll(mask);
        }
#endif
        while (i < len && !str_special[t[i]])
                i++;
        return i;
}

#define OFF_PATH SIZE_MAX

typedef struct fast {
        const unsigned char *t;
        size_t len, i;
        const jsonpath *p;
        size_t max_depth;
        jsonpath_span_fn cb;
        void *opaque;
        int cb_rc;                /* a callback's non-zero value */
        json_root_index *root;    /* members of the root object, or NULL */
        json_root_index *matched; /* members of matched objects, or NULL */
} fast;

/* Past the white space from @p i on. Position-based, as the helpers
 * below, so that f_skip() keeps its position in a register. */
static inline size_t ws_end(const unsigned char *t, size_t i, size_t len)
{
        /* compact JSON: the next byte is rarely white space */
        if (i < len && t[i] > ' ')
                return i;
        while (i < len && json_space[t[i]])
                i++;
        return i;
}

static inline void f_ws(fast *f)
{
        f->i = ws_end(f->t, f->i, f->len);
}

/* yajl_lex_utf8_char: a lead byte and the right number of continuation
 * bytes (no overlong or surrogate checks, as yajl). */
static int f_utf8(fast *f)
{
        unsigned char c = f->t[f->i++];
        int more        = (c >> 5) == 0x6    ? 1
                          : (c >> 4) == 0xe  ? 2
                          : (c >> 3) == 0x1e ? 3
                                             : -1;
        if (more < 0)
                return -1;
        for (int k = 0; k < more; k++, f->i++)
                if (f->i >= f->len || (f->t[f->i] >> 6) != 0x2)
                        return -1;
        return 0;
}

/* A string at t[i] == '"'; *escaped tells whether it had escapes. */
static int f_string(fast *f, int *escaped)
{
        *escaped = 0;
        for (f->i++; f->i < f->len;) {
                size_t i = str_plain_end(f->t, f->i, f->len);
                f->i     = i;
                if (i >= f->len)
                        return -1;
                unsigned char c = f->t[f->i];
                if (c == '"') {
                        f->i++;
                        return 0;
                }
                if (c < 0x20)
                        return -1;
                if (c >= 0x80) {
                        if (f_utf8(f))
                                return -1;
                        continue;
                }
                if (c != '\\') {
                        f->i++;
                        continue;
                }
                *escaped = 1;
                if (++f->i >= f->len)
                        return -1;
                c = f->t[f->i++];
                if (c == 'u') {
                        for (int k = 0; k < 4; k++, f->i++)
                                if (f->i >= f->len || hex_digit(f->t[f->i]) < 0)
                                        return -1;
                } else if (!strchr("\"\\/bfnrt", c) || !c) {
                        return -1;
                }
        }
        return -1;
}

/* The end of the string at t[i] == '"' if it is plain up to its closing
 * quote (the common string), else 0. */
static inline size_t
plain_string_end(const unsigned char *t, size_t i, size_t len)
{
        size_t e = str_plain_end(t, i + 1, len);
        return e < len && t[e] == '"' ? e + 1 : 0;
}

/* The end of the string at t[i] == '"' (t and len: f's, in the caller's
 * registers), or SIZE_MAX (f->i at the error). The plain string without
 * a call; the others (escapes, UTF-8, errors) from the start by
 * f_string(). */
static inline size_t f_string_end(
    fast *f, const unsigned char *t, size_t len, size_t i, int *escaped)
{
        size_t e = plain_string_end(t, i, len);
        if (e) {
                *escaped = 0;
                return e;
        }
        f->i = i;
        return f_string(f, escaped) ? SIZE_MAX : f->i;
}

static inline int f_string_plain(fast *f, int *escaped)
{
        size_t e = f_string_end(f, f->t, f->len, f->i, escaped);
        if (e == SIZE_MAX)
                return -1;
        f->i = e;
        return 0;
}

/* The end of the digits from @p i on, or SIZE_MAX if there is none. */
static inline size_t digits_end(const unsigned char *t, size_t i, size_t len)
{
        size_t s = i;
        while (i < len && (unsigned)(t[i] - '0') < 10)
                i++;
        return i > s ? i : SIZE_MAX;
}

/* yajl_lex_number's grammar: the end of the number at t[i] ('-' or a
 * digit), or SIZE_MAX. What may follow it is the caller's business, as
 * in yajl: "01" is the number 0 and then an unexpected '1'. */
static inline size_t number_end(const unsigned char *t, size_t i, size_t len)
{
        if (t[i] == '-')
                i++;
        if (i < len && t[i] == '0')
                i++;
        else if ((i = digits_end(t, i, len)) == SIZE_MAX)
                return SIZE_MAX;
        if (i < len && t[i] == '.' &&
            (i = digits_end(t, i + 1, len)) == SIZE_MAX)
                return SIZE_MAX;
        if (i < len && (t[i] | 0x20) == 'e') { /* e or E */
                i++;
                if (i < len && (t[i] == '+' || t[i] == '-'))
                        i++;
                i = digits_end(t, i, len);
        }
        return i;
}

/* The end of @p word (true, false, null) at t[i], or SIZE_MAX. */
static inline size_t
literal_end(const unsigned char *t, size_t i, size_t len, const char *word)
{
        size_t n = strlen(word);
        return len - i >= n && !memcmp(t + i, word, n) ? i + n : SIZE_MAX;
}

/* The end of the scalar (string, number, literal) at t[i], or SIZE_MAX. */
static inline size_t
f_scalar_end(fast *f, const unsigned char *t, size_t len, size_t i)
{
        unsigned char c = t[i];
        int escaped;
        if (c == '"')
                return f_string_end(f, t, len, i, &escaped);
        if (c == '-' || (unsigned)(c - '0') < 10)
                return number_end(t, i, len);
        if (c == 't')
                return literal_end(t, i, len, "true");
        if (c == 'f')
                return literal_end(t, i, len, "false");
        if (c == 'n')
                return literal_end(t, i, len, "null");
        return SIZE_MAX;
}

static int f_value(fast *f, size_t depth, size_t k);

/* Does member @p (raw key t[ks..ke), escaped or not) take segment k? */
static size_t f_member_k(fast *f, size_t k, size_t ks, size_t ke, int escaped)
{
        if (k == OFF_PATH || k >= f->p->nseg)
                return OFF_PATH;
        const seg *sg = &f->p->segs[k];
        if (sg->kind == SEG_ANY)
                return k + 1;
        if (sg->kind != SEG_NAME)
                return OFF_PATH;
        const char *name = (const char *)f->t + ks + 1;
        size_t nlen      = ke - ks - 2;
        if (escaped) {
                /* rare: decode with the tree parser's rules */
                httpsrc_json *v =
                    json_parse((const char *)f->t + ks, ke - ks, NULL, 0);
                int same = v && json_string_len(v) == sg->nlen &&
                           !memcmp(json_string(v), sg->name, sg->nlen);
                json_destroy(v);
                return same ? k + 1 : OFF_PATH;
        }
        return nlen == sg->nlen && !memcmp(name, sg->name, nlen) ? k + 1
                                                                 : OFF_PATH;
}

static int f_note_member(json_root_index *idx,
                         size_t ks,
                         size_t ke,
                         size_t vs,
                         size_t ve,
                         int escaped)
{
        if (idx->n == idx->cap) {
                size_t cap           = idx->cap ? idx->cap * 2 : 8;
                json_root_member *nv = realloc(idx->v, cap * sizeof(*nv));
                if (!nv)
                        return -1;
                idx->v   = nv;
                idx->cap = cap;
        }
        idx->v[idx->n++] =
            (json_root_member){ks + 1, ke - ks - 2, vs, ve - vs, escaped};
        return 0;
}

/* The offset of @p ch at t[i] or after white space from there, or
 * SIZE_MAX if another byte (or the end) comes first. */
static inline size_t
byte_after_ws(const unsigned char *t, size_t i, size_t len, unsigned char ch)
{
        if (i < len && t[i] == ch)
                return i;
        i = ws_end(t, i, len);
        return i < len && t[i] == ch ? i : SIZE_MAX;
}

/* Validation only, for a value below which no segment of the path can
 * match: a matched record and everything in it, any value off the path
 * (OFF_PATH). Most bytes of a page are there. The grammar, white space
 * and depth limit of f_object()/f_array()/f_value() without their
 * per-token bookkeeping (segments, indexes, callbacks), and iterative, so
 * that the position stays in a register instead of going through f->i.
 * White space is looked for only where the expected byte is not there:
 * compact JSON has none. @p note, if not NULL, gets the members of the
 * value if it is an object, as f_object() notes a matched record's.
 *
 * The open containers are a bit stack (1: array); a container nested 64
 * levels below @p depth recurses, one C stack frame per 64 levels. */
static int f_skip(fast *f, size_t depth, json_root_index *note)
{
        const unsigned char *t = f->t;
        const size_t len       = f->len;
        size_t i               = f->i;
        size_t e, ks, ke;
        uint64_t arrays = 0;         /* bit n: the container n levels up is [ */
        unsigned open   = 0;         /* containers this call opened */
        int escaped, vesc;           /* the last key's, a value's */
        unsigned char c, closer = 0; /* the innermost container's end */
        /* the member of the value itself being read, for @p note */
        size_t nks = 0, nke = 0, nvs = 0;
        int nesc = 0;

value: /* a value at t[i], or white space before it */
        if (i >= len)
                goto bad;
        c = t[i];
        if (c == '"') { /* the most common value first */
                if ((e = plain_string_end(t, i, len))) {
                        i = e;
                        goto next;
                }
                f->i = i;
                if (f_string(f, &vesc))
                        return -1;
                i = f->i;
                goto next;
        }
        if (c == '{' || c == '[') {
                if (depth + open + 1 > f->max_depth)
                        goto bad;
                if (open == 64) {
                        f->i   = i;
                        int rc = f_skip(f, depth + open, NULL);
                        if (rc)
                                return rc;
                        i = f->i;
                        goto next;
                }
                arrays = arrays << 1 | (c == '[');
                open++;
                closer = c + 2; /* '{' + 2 == '}', '[' + 2 == ']' */
                i++;
                goto first;
        }
        if ((e = f_scalar_end(f, t, len, i)) == SIZE_MAX) {
                if (!json_space[c])
                        goto bad;
                i = ws_end(t, i + 1, len);
                goto value;
        }
        i = e;
next: /* a value ended at i */
        if (open <= 1) {
                if (!open) {
                        f->i = i;
                        return 0;
                }
                if (note && !(arrays & 1) &&
                    f_note_member(note, nks, nke, nvs, i, nesc))
                        return -3;
        }
after: /* ',' or the innermost container's end, maybe white space first */
        if (i >= len)
                goto bad;
        c = t[i];
        if (c == ',') {
                i++;
                if (arrays & 1)
                        goto value;
                goto key;
        }
        if (c == closer)
                goto close;
        if (!json_space[c])
                goto bad;
        i = ws_end(t, i + 1, len);
        goto after;
close: /* t[i] ends the innermost container */
        i++;
        arrays >>= 1;
        open--;
        closer = arrays & 1 ? ']' : '}';
        goto next;
first: /* after '{' or '[': its end at once, or its first child */
        if (i >= len)
                goto bad;
        c = t[i];
        if (c == closer)
                goto close;
        if (json_space[c]) {
                i = ws_end(t, i + 1, len);
                goto first;
        }
        if (arrays & 1)
                goto value;
key: /* a member at t[i], or white space before it */
        if ((i = byte_after_ws(t, i, len, '"')) == SIZE_MAX)
                return -1;
        ks      = i;
        escaped = 0;
        if (!(ke = plain_string_end(t, i, len))) {
                int esc; /* its address is taken: not escaped's */
                f->i = i;
                if (f_string(f, &esc))
                        return -1;
                ke      = f->i;
                escaped = esc;
        }
        i = ke;
        if ((i = byte_after_ws(t, i, len, ':')) == SIZE_MAX)
                return -1;
        i++;             /* value: skips the white space after ':' */
        if (open == 1) { /* a member of the value itself: noted at its end */
                i    = ws_end(t, i, len);
                nks  = ks;
                nke  = ke;
                nvs  = i;
                nesc = escaped;
        }
        goto value;
bad:
        f->i = i;
        return -1;
}

static int f_object(fast *f, size_t depth, size_t k)
{
        f->i++; /* { */
        f_ws(f);
        if (f->i < f->len && f->t[f->i] == '}') {
                f->i++;
                return 0;
        }
        for (;;) {
                int escaped;
                size_t ks = f->i;
                if (f->i >= f->len || f->t[f->i] != '"' ||
                    f_string_plain(f, &escaped))
                        return -1;
                size_t ck = f_member_k(f, k, ks, f->i, escaped);
                size_t ke = f->i;
                f_ws(f);
                if (f->i >= f->len || f->t[f->i++] != ':')
                        return -1;
                f_ws(f);
                size_t vs = f->i;
                int rc    = f_value(f, depth, ck);
                if (rc)
                        return rc; /* -1 invalid, -2 stopped by the callback */
                if (depth == 1 && f->root &&
                    f_note_member(f->root, ks, ke, vs, f->i, escaped))
                        return -3;
                if (k == f->p->nseg && f->matched &&
                    f_note_member(f->matched, ks, ke, vs, f->i, escaped))
                        return -3;
                f_ws(f);
                if (f->i >= f->len)
                        return -1;
                if (f->t[f->i] == '}') {
                        f->i++;
                        return 0;
                }
                if (f->t[f->i++] != ',')
                        return -1;
                f_ws(f);
        }
}

static int f_array(fast *f, size_t depth, size_t k)
{
        f->i++; /* [ */
        f_ws(f);
        if (f->i < f->len && f->t[f->i] == ']') {
                f->i++;
                return 0;
        }
        for (size_t n = 0;; n++) {
                size_t ck = OFF_PATH;
                if (k != OFF_PATH && k < f->p->nseg) {
                        const seg *sg = &f->p->segs[k];
                        if (sg->kind == SEG_ANY ||
                            (sg->kind == SEG_INDEX && sg->index == n))
                                ck = k + 1;
                }
                int rc = f_value(f, depth, ck);
                if (rc)
                        return rc; /* -1 invalid, -2 stopped by the callback */
                f_ws(f);
                if (f->i >= f->len)
                        return -1;
                if (f->t[f->i] == ']') {
                        f->i++;
                        return 0;
                }
                if (f->t[f->i++] != ',')
                        return -1;
                f_ws(f);
        }
}

/* One value at t[i] (the caller skipped the white space before it); @p k
 * segments of the path matched it (OFF_PATH: none apply). A value matched
 * by the whole path is reported once it is complete. */
static int f_value(fast *f, size_t depth, size_t k)
{
        if (k == OFF_PATH)
                return f_skip(f, depth, NULL);
        if (f->i >= f->len)
                return -1;
        size_t start    = f->i;
        size_t mfirst   = f->matched ? f->matched->n : 0;
        unsigned char c = f->t[f->i];
        int rc;
        if (c == '{' || c == '[') {
                if (depth + 1 > f->max_depth)
                        return -1;
                /* A match below the root: nothing below it is on the
                 * path, f_skip() validates it and notes its members. The
                 * root ("$") goes through f_object(), which also fills
                 * the root index. */
                if (k == f->p->nseg && depth > 0)
                        rc = f_skip(f, depth, f->matched);
                else
                        rc = c == '{' ? f_object(f, depth + 1, k)
                                      : f_array(f, depth + 1, k);
        } else {
                size_t e = f_scalar_end(f, f->t, f->len, f->i);
                rc       = e == SIZE_MAX ? -1 : 0;
                if (!rc)
                        f->i = e;
        }
        if (rc)
                return rc;
        if (k == f->p->nseg && f->p->nseg > 0 && !f->cb_rc) {
                if (f->matched) {
                        f->matched->last_first = mfirst;
                        f->matched->last_count = f->matched->n - mfirst;
                }
                f->cb_rc =
                    f->cb(f->opaque, (const char *)f->t + start, f->i - start);
        }
        return f->cb_rc ? -2 : 0;
}

static int f_run(fast *f)
{
        f_ws(f);
        int rc = f_value(f, 0, 0);
        if (rc)
                return rc;
        f_ws(f);
        if (f->i != f->len)
                return -1;     /* trailing data */
        if (f->p->nseg == 0) { /* "$": the whole document, trimmed */
                size_t s = 0, e = f->len;
                while (s < e && json_is_space(f->t[s]))
                        s++;
                while (e > s && json_is_space(f->t[e - 1]))
                        e--;
                f->cb_rc = f->cb(f->opaque, (const char *)f->t + s, e - s);
                if (f->cb_rc)
                        return -2;
        }
        return 0;
}

static int noop_span(void *opaque, const char *start, size_t len)
{
        return 0;
}

int jsonpath_select_spans(const jsonpath *p,
                          const char *text,
                          size_t len,
                          size_t max_depth,
                          jsonpath_span_fn cb,
                          void *opaque,
                          char *errstr,
                          size_t errstr_size)
{
        return jsonpath_select_spans_indexed(p, text, len, max_depth, cb,
                                             opaque, NULL, NULL, errstr,
                                             errstr_size);
}

int jsonpath_select_spans_indexed(const jsonpath *p,
                                  const char *text,
                                  size_t len,
                                  size_t max_depth,
                                  jsonpath_span_fn cb,
                                  void *opaque,
                                  json_root_index *idx,
                                  json_root_index *matched,
                                  char *errstr,
                                  size_t errstr_size)
{
        if (!p || !cb) {
                errstr_set(errstr, errstr_size, "invalid argument");
                return HTTPSRC_ERR_INVAL;
        }
        fast f = {.t         = (const unsigned char *)text,
                  .len       = len,
                  .p         = p,
                  .max_depth = max_depth ? max_depth : JSON_MAX_DEPTH,
                  .cb        = cb,
                  .opaque    = opaque,
                  .root      = idx,
                  .matched   = matched};
        if (idx)
                idx->n = idx->done = 0;
        if (matched)
                matched->n = matched->done = 0;
        int rc = f_run(&f);
        if (rc == 0 && idx)
                idx->done = 1;
        if (rc == 0)
                return HTTPSRC_OK;
        if (rc == -3) {
                errstr_set(errstr, errstr_size, "out of memory");
                return HTTPSRC_ERR_NOMEM;
        }
        if (idx)
                idx->n = 0;
        if (rc == -2)
                return f.cb_rc;
        /* Invalid: yajl says why (spans are not reported twice). */
        rc = jsonpath_select_spans_yajl(p, text, len, max_depth, noop_span,
                                        NULL, errstr, errstr_size);
        if (rc == HTTPSRC_OK) {
                /* The two disagree (never seen in fuzzing). The fast path
                 * may have reported spans already: reporting them again
                 * would duplicate records, so the page fails instead. */
                errstr_set(errstr, errstr_size,
                           "JSON validators disagree at byte %zu", f.i);
                return HTTPSRC_ERR_PARSE;
        }
        return rc;
}
