/* JSON tree built from yajl's event parser, and a Jackson-compatible
 * serializer.
 *
 * yajl_tree is not used: it needs NUL-terminated input, converts numbers,
 * truncates strings at NUL and has no depth limit. Scalars are one
 * allocation each (text inline); objects keep members in document order,
 * duplicates included (json_get returns the last one, like Jackson). */
#include "json_int.h"

#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "httpsrc/common.h"

typedef struct json_member {
        char *key; /* NUL-terminated, may contain NUL (klen) */
        size_t klen;
        httpsrc_json *val; /* NULL only while a parse is under way */
} json_member;

struct httpsrc_json {
        int type;
        size_t len; /* text length, or element/member count */
        size_t cap; /* containers: allocated slots */
        union {
                httpsrc_json **items; /* array */
                json_member *members; /* object */
                int b;                /* bool */
        } u;
        char text[]; /* string, number: NUL-terminated */
};

/* ------------------------------------------------------------------ */
/* Shared yajl driver                                                   */

/* yajl_lex.c's set (\t \n \v \f \r and space), so offsets we compute
 * agree with yajl's. */
const unsigned char json_space[256] = {
    ['\t'] = 1, ['\n'] = 1, ['\v'] = 1, ['\f'] = 1, ['\r'] = 1, [' '] = 1,
};

int json_is_space(unsigned char c)
{
        return json_space[c];
}

size_t json_scan_tok_end(const json_scan *s)
{
        /* yajl_complete_parse() feeds yajl a private " ", so a token
         * finished there (a number at end of input) ends at len. */
        if (s->completing)
                return s->len;
        return yajl_get_bytes_consumed(s->h);
}

int json_scan_push(json_scan *s)
{
        if (s->depth >= s->max_depth) {
                errstr_set(s->errstr, s->errstr_size,
                           "JSON nested deeper than %zu levels", s->max_depth);
                s->rc      = HTTPSRC_ERR_PARSE;
                s->err_end = json_scan_tok_end(s); /* the '[' or '{' */
                return -1;
        }
        s->depth++;
        return 0;
}

int json_scan_root_done(json_scan *s)
{
        size_t i = json_scan_tok_end(s);
        while (i < s->len && json_is_space((unsigned char)s->text[i]))
                i++;
        if (i == s->len)
                return 0;
        errstr_set(s->errstr, s->errstr_size,
                   "trailing data after JSON value at byte %zu", i);
        s->rc      = HTTPSRC_ERR_PARSE;
        s->err_end = i + 1;
        return -1;
}

static int all_space(const char *text, size_t len)
{
        for (size_t i = 0; i < len; i++)
                if (!json_is_space((unsigned char)text[i]))
                        return 0;
        return 1;
}

static int scan_error(json_scan *s)
{
        const unsigned char *t = (const unsigned char *)s->text;
        unsigned char *msg     = yajl_get_error(s->h, 0, t, s->len);
        size_t at              = json_scan_tok_end(s);
        s->err_end             = at ? at : 1; /* the last byte read */
        if (!msg) {
                errstr_set(s->errstr, s->errstr_size,
                           "invalid JSON at byte %zu", at);
                return HTTPSRC_ERR_PARSE;
        }
        size_t n = strlen((char *)msg);
        while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
                n--;
        errstr_set(s->errstr, s->errstr_size, "invalid JSON at byte %zu: %.*s",
                   at, (int)n, (char *)msg);
        yajl_free_error(s->h, msg);
        return HTTPSRC_ERR_PARSE;
}

int json_scan_run(json_scan *s, const yajl_callbacks *cb, void *ctx)
{
        if (!s->text || all_space(s->text, s->len)) {
                errstr_set(s->errstr, s->errstr_size, "empty JSON document");
                return HTTPSRC_ERR_PARSE;
        }
        s->h = yajl_alloc(cb, NULL, ctx);
        if (!s->h) {
                errstr_set(s->errstr, s->errstr_size, "out of memory");
                return HTTPSRC_ERR_NOMEM;
        }
        s->depth      = 0;
        s->completing = 0;
        s->rc         = HTTPSRC_OK;
        s->err_end    = 0;
        yajl_status st =
            yajl_parse(s->h, (const unsigned char *)s->text, s->len);
        if (st == yajl_status_ok) {
                s->completing = 1;
                st            = yajl_complete_parse(s->h);
        }
        int rc = HTTPSRC_OK;
        if (st == yajl_status_client_canceled)
                rc = s->rc;
        else if (st != yajl_status_ok)
                rc = scan_error(s);
        yajl_free(s->h);
        s->h = NULL;
        return rc;
}

/* ------------------------------------------------------------------ */
/* Nodes                                                                */

static httpsrc_json *node_new(int type)
{
        httpsrc_json *v = calloc(1, sizeof(*v));
        if (v)
                v->type = type;
        return v;
}

static httpsrc_json *node_new_text(int type, const char *s, size_t len)
{
        httpsrc_json *v = malloc(sizeof(*v) + len + 1);
        if (!v)
                return NULL;
        memset(v, 0, sizeof(*v));
        v->type = type;
        v->len  = len;
        if (len)
                memcpy(v->text, s, len);
        v->text[len] = '\0';
        return v;
}

void json_destroy(httpsrc_json *v)
{
        if (!v)
                return;
        if (v->type == HTTPSRC_JSON_ARRAY) {
                for (size_t i = 0; i < v->len; i++)
                        json_destroy(v->u.items[i]);
                free(v->u.items);
        } else if (v->type == HTTPSRC_JSON_OBJECT) {
                for (size_t i = 0; i < v->len; i++) {
                        free(v->u.members[i].key);
                        json_destroy(v->u.members[i].val);
                }
                free(v->u.members);
        }
        free(v);
}

/* Room for one more element/member; 0 or -1. */
static int node_grow(httpsrc_json *c, size_t elem_size)
{
        if (c->len < c->cap)
                return 0;
        size_t cap = c->cap ? c->cap * 2 : 4;
        void *old  = c->type == HTTPSRC_JSON_ARRAY ? (void *)c->u.items
                                                   : (void *)c->u.members;
        void *nb   = realloc(old, cap * elem_size);
        if (!nb)
                return -1;
        if (c->type == HTTPSRC_JSON_ARRAY)
                c->u.items = nb;
        else
                c->u.members = nb;
        c->cap = cap;
        return 0;
}

/* Append a member (val may be NULL for now); takes val, not key. */
static int member_append(httpsrc_json *obj,
                         const char *key,
                         size_t klen,
                         httpsrc_json *val)
{
        char *k = malloc(klen + 1);
        if (!k || node_grow(obj, sizeof(json_member))) {
                free(k);
                json_destroy(val);
                return HTTPSRC_ERR_NOMEM;
        }
        memcpy(k, key, klen);
        k[klen]                  = '\0';
        obj->u.members[obj->len] = (json_member){k, klen, val};
        obj->len++;
        return HTTPSRC_OK;
}

/* ------------------------------------------------------------------ */
/* Parsing                                                              */

typedef struct parse_ctx {
        json_scan scan; /* first: yajl's ctx is this struct */
        httpsrc_json *root;
        httpsrc_json *open[JSON_MAX_DEPTH]; /* open containers */
} parse_ctx;

static int fail_nomem(parse_ctx *pc)
{
        errstr_set(pc->scan.errstr, pc->scan.errstr_size, "out of memory");
        pc->scan.rc = HTTPSRC_ERR_NOMEM;
        return 0;
}

/* Attach v to the container open at depth d - 1, or make it the root. */
static int attach(parse_ctx *pc, httpsrc_json *v, size_t d)
{
        if (!v)
                return fail_nomem(pc);
        if (d == 0) {
                pc->root = v;
                return 1;
        }
        httpsrc_json *c = pc->open[d - 1];
        if (c->type == HTTPSRC_JSON_OBJECT) {
                c->u.members[c->len - 1].val = v;
                return 1;
        }
        if (json_array_push(c, v) != HTTPSRC_OK)
                return fail_nomem(pc);
        return 1;
}

/* A value just ended: at depth 0 nothing but whitespace may follow. */
static int value_done(parse_ctx *pc)
{
        if (pc->scan.depth == 0 && json_scan_root_done(&pc->scan))
                return 0;
        return 1;
}

static int scalar(parse_ctx *pc, httpsrc_json *v)
{
        return attach(pc, v, pc->scan.depth) && value_done(pc);
}

static int on_null(void *ctx)
{
        return scalar(ctx, json_new_null());
}

static int on_bool(void *ctx, int b)
{
        return scalar(ctx, json_new_bool(b));
}

static int on_number(void *ctx, const char *s, size_t len)
{
        return scalar(ctx, node_new_text(HTTPSRC_JSON_NUMBER, s, len));
}

static int on_string(void *ctx, const unsigned char *s, size_t len)
{
        return scalar(ctx,
                      node_new_text(HTTPSRC_JSON_STRING, (const char *)s, len));
}

static int open_container(parse_ctx *pc, int type)
{
        size_t d = pc->scan.depth;
        if (json_scan_push(&pc->scan))
                return 0;
        httpsrc_json *c = node_new(type);
        if (!attach(pc, c, d))
                return 0;
        pc->open[d] = c;
        return 1;
}

static int on_start_map(void *ctx)
{
        return open_container(ctx, HTTPSRC_JSON_OBJECT);
}

static int on_start_array(void *ctx)
{
        return open_container(ctx, HTTPSRC_JSON_ARRAY);
}

static int on_end(void *ctx)
{
        parse_ctx *pc = ctx;
        pc->scan.depth--;
        return value_done(pc);
}

static int on_map_key(void *ctx, const unsigned char *key, size_t len)
{
        parse_ctx *pc   = ctx;
        httpsrc_json *o = pc->open[pc->scan.depth - 1];
        if (member_append(o, (const char *)key, len, NULL) != HTTPSRC_OK)
                return fail_nomem(pc);
        return 1;
}

static const yajl_callbacks parse_callbacks = {
    .yajl_null        = on_null,
    .yajl_boolean     = on_bool,
    .yajl_number      = on_number,
    .yajl_string      = on_string,
    .yajl_start_map   = on_start_map,
    .yajl_map_key     = on_map_key,
    .yajl_end_map     = on_end,
    .yajl_start_array = on_start_array,
    .yajl_end_array   = on_end,
};

httpsrc_json *
json_parse(const char *text, size_t len, char *errstr, size_t errstr_size)
{
        return json_parse_at(text, len, errstr, errstr_size, NULL);
}

void json_line_col(const char *text, size_t at, size_t *line, size_t *col)
{
        *line = 1;
        *col  = 1;
        for (size_t i = 0; i < at; i++) {
                unsigned char c = (unsigned char)text[i];
                if (c == '\n') {
                        ++*line;
                        *col = 1;
                } else if ((c & 0xC0) != 0x80) {
                        ++*col;
                }
        }
}

httpsrc_json *json_parse_at(const char *text,
                            size_t len,
                            char *errstr,
                            size_t errstr_size,
                            size_t *err_at)
{
        parse_ctx pc;
        pc.root = NULL;
        pc.scan = (json_scan){.text        = text,
                              .len         = len,
                              .max_depth   = JSON_MAX_DEPTH,
                              .errstr      = errstr,
                              .errstr_size = errstr_size};
        if (json_scan_run(&pc.scan, &parse_callbacks, &pc) != HTTPSRC_OK) {
                if (err_at)
                        *err_at = pc.scan.err_end ? pc.scan.err_end - 1
                                                  : SIZE_MAX;
                json_destroy(pc.root);
                return NULL;
        }
        return pc.root;
}

/* The code unit of the "\\uXXXX" escape at p ('\\' first), -1 if none. */
static long u_escape(const char *p, const char *end)
{
        unsigned v;
        if (end - p < 6 || p[0] != '\\' || p[1] != 'u' ||
            hex4_parse(p + 2, 4, &v))
                return -1;
        return (long)v;
}

int json_check_text(const char *text,
                    size_t len,
                    int nul_ok,
                    size_t *at,
                    char *why,
                    size_t why_size)
{
        const char *p = text, *end = text + len;
        int in_str    = 0;
        for (; p < end; p++) {
                if (*p == '"') {
                        in_str = !in_str;
                        continue;
                }
                if (!in_str || *p != '\\')
                        continue;
                long u = u_escape(p, end);
                if (u < 0) {
                        p++; /* a one-character escape */
                        continue;
                }
                long lo = u >= 0xD800 && u <= 0xDBFF ? u_escape(p + 6, end)
                                                       : -1;
                int pair = lo >= 0xDC00 && lo <= 0xDFFF;
                if ((u || nul_ok) && (u < 0xD800 || u > 0xDFFF || pair)) {
                        p += pair ? 11 : 5;
                        continue;
                }
                *at = (size_t)(p - text);
                errstr_set(why, why_size,
                           u ? "\\u%04lx is an unpaired UTF-16 surrogate, not "
                               "a character"
                             : "\\u%04lx is not allowed (a NUL would cut the "
                               "text short)",
                           u);
                return -1;
        }
        return 0;
}

/* ------------------------------------------------------------------ */
/* Read access                                                          */

int json_type(const httpsrc_json *v)
{
        return v ? v->type : HTTPSRC_JSON_NULL;
}

/* Index of the last member named key (len klen), or -1. */
static long member_find(const httpsrc_json *obj, const char *key, size_t klen)
{
        for (size_t i = obj->len; i-- > 0;) {
                const json_member *m = &obj->u.members[i];
                if (m->klen == klen && !memcmp(m->key, key, klen))
                        return (long)i;
        }
        return -1;
}

const httpsrc_json *json_get(const httpsrc_json *obj, const char *key)
{
        if (!obj || obj->type != HTTPSRC_JSON_OBJECT || !key)
                return NULL;
        long i = member_find(obj, key, strlen(key));
        return i < 0 ? NULL : obj->u.members[i].val;
}

const httpsrc_json *json_at(const httpsrc_json *v, size_t i)
{
        if (!v || i >= v->len)
                return NULL;
        if (v->type == HTTPSRC_JSON_ARRAY)
                return v->u.items[i];
        if (v->type == HTTPSRC_JSON_OBJECT)
                return v->u.members[i].val;
        return NULL;
}

const char *json_key_at(const httpsrc_json *obj, size_t i)
{
        if (!obj || obj->type != HTTPSRC_JSON_OBJECT || i >= obj->len)
                return NULL;
        return obj->u.members[i].key;
}

size_t json_key_len_at(const httpsrc_json *obj, size_t i)
{
        if (!obj || obj->type != HTTPSRC_JSON_OBJECT || i >= obj->len)
                return 0;
        return obj->u.members[i].klen;
}

size_t json_len(const httpsrc_json *v)
{
        if (!v ||
            (v->type != HTTPSRC_JSON_ARRAY && v->type != HTTPSRC_JSON_OBJECT))
                return 0;
        return v->len;
}

const char *json_string(const httpsrc_json *v)
{
        return v && v->type == HTTPSRC_JSON_STRING ? v->text : NULL;
}

size_t json_string_len(const httpsrc_json *v)
{
        return v && v->type == HTTPSRC_JSON_STRING ? v->len : 0;
}

const char *json_number_text(const httpsrc_json *v)
{
        return v && v->type == HTTPSRC_JSON_NUMBER ? v->text : NULL;
}

int json_bool(const httpsrc_json *v)
{
        return v && v->type == HTTPSRC_JSON_BOOL ? v->u.b : -1;
}

/* ------------------------------------------------------------------ */
/* Serializing                                                          */

/* The escape Jackson writes for byte c, or NULL to write c as is. */
static const char *escape_of(unsigned char c, char hex[7])
{
        static const char digits[] = "0123456789ABCDEF";
        switch (c) {
        case '"':
                return "\\\"";
        case '\\':
                return "\\\\";
        case '\b':
                return "\\b";
        case '\f':
                return "\\f";
        case '\n':
                return "\\n";
        case '\r':
                return "\\r";
        case '\t':
                return "\\t";
        default:
                break;
        }
        if (c >= 0x20)
                return NULL;
        memcpy(hex, "\\u00", 4);
        hex[4] = digits[c >> 4];
        hex[5] = digits[c & 0xf];
        hex[6] = '\0';
        return hex;
}

/* Length of the well-formed UTF-8 sequence at s[0] (1..4), 0 if none.
 * Strict (no overlongs, surrogates or code points past U+10FFFF). */
size_t json_utf8_len(const unsigned char *s, size_t n)
{
        unsigned char c = s[0];
        size_t need     = c < 0x80                 ? 1
                          : c >= 0xC2 && c <= 0xDF ? 2
                          : c >= 0xE0 && c <= 0xEF ? 3
                          : c >= 0xF0 && c <= 0xF4 ? 4
                                                   : 0;
        if (!need || need > n)
                return 0;
        for (size_t k = 1; k < need; k++)
                if ((s[k] & 0xC0) != 0x80)
                        return 0;
        if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] > 0x9F) ||
            (c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] > 0x8F))
                return 0;
        return need;
}

int json_write_string(strbuf *sb, const char *s, size_t len)
{
        if (sb_reserve(sb, len + 2) || sb_putc(sb, '"'))
                return -1;
        size_t run = 0; /* start of the pending unescaped run */
        for (size_t i = 0; i < len; i++) {
                char hex[7];
                const unsigned char *u = (const unsigned char *)s + i;
                const char *esc        = escape_of(*u, hex);
                if (!esc && *u >= 0x80) {
                        size_t n = json_utf8_len(u, len - i);
                        if (n) {
                                i += n - 1;
                                continue;
                        }
                        /* Text from outside JSON (URLs, files) may not be
                         * UTF-8; what we write always is. */
                        esc = "\xEF\xBF\xBD"; /* U+FFFD, as UTF-8 */
                }
                if (!esc)
                        continue;
                if (sb_append(sb, s + run, i - run) || sb_puts(sb, esc))
                        return -1;
                run = i + 1;
        }
        if (sb_append(sb, s + run, len - run) || sb_putc(sb, '"'))
                return -1;
        return 0;
}

static int write_array(strbuf *sb, const httpsrc_json *v)
{
        if (sb_putc(sb, '['))
                return -1;
        for (size_t i = 0; i < v->len; i++) {
                if ((i && sb_putc(sb, ',')) || json_write(sb, v->u.items[i]))
                        return -1;
        }
        return sb_putc(sb, ']');
}

static int write_object(strbuf *sb, const httpsrc_json *v)
{
        if (sb_putc(sb, '{'))
                return -1;
        for (size_t i = 0; i < v->len; i++) {
                const json_member *m = &v->u.members[i];
                if ((i && sb_putc(sb, ',')) ||
                    json_write_string(sb, m->key, m->klen) ||
                    sb_putc(sb, ':') || json_write(sb, m->val))
                        return -1;
        }
        return sb_putc(sb, '}');
}

int json_write(strbuf *sb, const httpsrc_json *v)
{
        switch (json_type(v)) {
        case HTTPSRC_JSON_BOOL:
                return sb_puts(sb, v->u.b ? "true" : "false");
        case HTTPSRC_JSON_NUMBER:
                return sb_append(sb, v->text, v->len);
        case HTTPSRC_JSON_STRING:
                return json_write_string(sb, v->text, v->len);
        case HTTPSRC_JSON_ARRAY:
                return write_array(sb, v);
        case HTTPSRC_JSON_OBJECT:
                return write_object(sb, v);
        default:
                return sb_puts(sb, "null");
        }
}

char *json_serialize(const httpsrc_json *v, size_t *len)
{
        strbuf sb = {0};
        if (json_write(&sb, v)) {
                sb_free(&sb);
                return NULL;
        }
        if (len)
                *len = sb.len;
        return sb_steal(&sb);
}

char *json_scalar_text(const httpsrc_json *v)
{
        switch (json_type(v)) {
        case HTTPSRC_JSON_BOOL:
                return xstrdup(v->u.b ? "true" : "false");
        case HTTPSRC_JSON_NUMBER:
        case HTTPSRC_JSON_STRING:
                return xstrndup(v->text, v->len);
        default:
                return NULL;
        }
}

/* ------------------------------------------------------------------ */
/* Building                                                             */

httpsrc_json *json_new_object(void)
{
        return node_new(HTTPSRC_JSON_OBJECT);
}

httpsrc_json *json_new_array(void)
{
        return node_new(HTTPSRC_JSON_ARRAY);
}

httpsrc_json *json_new_string(const char *s)
{
        return s ? node_new_text(HTTPSRC_JSON_STRING, s, strlen(s)) : NULL;
}

httpsrc_json *json_new_stringn(const char *s, size_t len)
{
        if (!s && len)
                return NULL;
        return node_new_text(HTTPSRC_JSON_STRING, s, len);
}

static size_t skip_digits(const char *s, size_t i)
{
        while (s[i] >= '0' && s[i] <= '9')
                i++;
        return i;
}

/* RFC 8259 number grammar: the text is written out verbatim later. */
static int number_valid(const char *s)
{
        size_t i = s[0] == '-';
        if (s[i] == '0')
                i++;
        else if (s[i] >= '1' && s[i] <= '9')
                i = skip_digits(s, i);
        else
                return 0;
        if (s[i] == '.') {
                size_t j = skip_digits(s, i + 1);
                if (j == i + 1)
                        return 0;
                i = j;
        }
        if (s[i] == 'e' || s[i] == 'E') {
                i++;
                if (s[i] == '+' || s[i] == '-')
                        i++;
                size_t j = skip_digits(s, i);
                if (j == i)
                        return 0;
                i = j;
        }
        return s[i] == '\0';
}

httpsrc_json *json_new_number(const char *text)
{
        if (!text || !number_valid(text))
                return NULL;
        return node_new_text(HTTPSRC_JSON_NUMBER, text, strlen(text));
}

httpsrc_json *json_new_bool(int b)
{
        httpsrc_json *v = node_new(HTTPSRC_JSON_BOOL);
        if (v)
                v->u.b = b != 0;
        return v;
}

httpsrc_json *json_new_null(void)
{
        return node_new(HTTPSRC_JSON_NULL);
}

int json_object_put(httpsrc_json *obj, const char *key, httpsrc_json *val)
{
        if (!val)
                return HTTPSRC_ERR_NOMEM; /* typically a failed json_new_* */
        if (!obj || obj->type != HTTPSRC_JSON_OBJECT || !key || obj == val) {
                json_destroy(val);
                return HTTPSRC_ERR_INVAL;
        }
        size_t klen = strlen(key);
        long i      = member_find(obj, key, klen);
        if (i < 0)
                return member_append(obj, key, klen, val);
        json_destroy(obj->u.members[i].val);
        obj->u.members[i].val = val;
        return HTTPSRC_OK;
}

int json_array_push(httpsrc_json *arr, httpsrc_json *val)
{
        if (!val)
                return HTTPSRC_ERR_NOMEM;
        if (!arr || arr->type != HTTPSRC_JSON_ARRAY || arr == val) {
                json_destroy(val);
                return HTTPSRC_ERR_INVAL;
        }
        if (node_grow(arr, sizeof(httpsrc_json *))) {
                json_destroy(val);
                return HTTPSRC_ERR_NOMEM;
        }
        arr->u.items[arr->len++] = val;
        return HTTPSRC_OK;
}

static httpsrc_json *clone_array(const httpsrc_json *v)
{
        httpsrc_json *c = json_new_array();
        for (size_t i = 0; c && i < v->len; i++) {
                if (json_array_push(c, json_clone(v->u.items[i])) !=
                    HTTPSRC_OK) {
                        json_destroy(c);
                        return NULL;
                }
        }
        return c;
}

static httpsrc_json *clone_object(const httpsrc_json *v)
{
        httpsrc_json *c = json_new_object();
        for (size_t i = 0; c && i < v->len; i++) {
                const json_member *m = &v->u.members[i];
                httpsrc_json *val    = json_clone(m->val);
                /* member_append, not put: duplicates are kept as parsed */
                if (!val ||
                    member_append(c, m->key, m->klen, val) != HTTPSRC_OK) {
                        json_destroy(c);
                        return NULL;
                }
        }
        return c;
}

httpsrc_json *json_clone(const httpsrc_json *v)
{
        if (!v)
                return NULL;
        switch (v->type) {
        case HTTPSRC_JSON_ARRAY:
                return clone_array(v);
        case HTTPSRC_JSON_OBJECT:
                return clone_object(v);
        case HTTPSRC_JSON_NUMBER:
        case HTTPSRC_JSON_STRING:
                return node_new_text(v->type, v->text, v->len);
        case HTTPSRC_JSON_BOOL:
                return json_new_bool(v->u.b);
        default:
                return json_new_null();
        }
}

/* ---- json_member_span: a skip-scanner for the hot path ---- */

static size_t skip_ws(const char *t, size_t i, size_t len)
{
        /* yajl's whitespace, \v and \f included: the text passed its lexer */
        while (i < len && json_is_space((unsigned char)t[i]))
                i++;
        return i;
}

/* What ends a run of plain string bytes */
static const unsigned char quote_or_backslash[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

/* Index just past the string starting at t[i] == '"', or 0. */
static size_t skip_string(const char *t, size_t i, size_t len)
{
        const unsigned char *u = (const unsigned char *)t;
        for (i++; i < len; i++) {
                while (i < len && !quote_or_backslash[u[i]])
                        i++;
                if (i >= len)
                        return 0;
                if (u[i] == '"')
                        return i + 1;
                i++; /* the escaped byte */
        }
        return 0;
}

/* Structure inside a container: 1 quote, 2 open, 3 close, 0 the rest. */
static const unsigned char skip_class[256] = {
    ['"'] = 1, ['{'] = 2, ['['] = 2, ['}'] = 3, [']'] = 3};

/* Index just past the value starting at t[i], or 0. */
static size_t skip_value(const char *t, size_t i, size_t len)
{
        if (i >= len)
                return 0;
        if (t[i] == '"')
                return skip_string(t, i, len);
        if (t[i] != '{' && t[i] != '[') {
                while (i < len && t[i] != ',' && t[i] != '}' && t[i] != ']' &&
                       !json_is_space((unsigned char)t[i]))
                        i++;
                return i;
        }
        const unsigned char *u = (const unsigned char *)t;
        size_t depth           = 0;
        for (; i < len; i++) {
                while (i < len && !skip_class[u[i]])
                        i++;
                if (i >= len)
                        return 0;
                switch (skip_class[u[i]]) {
                case 1: {
                        size_t e = skip_string(t, i, len);
                        if (!e)
                                return 0;
                        i = e - 1;
                        break;
                }
                case 2:
                        depth++;
                        break;
                default:
                        if (--depth == 0)
                                return i + 1;
                }
        }
        return 0;
}

int json_member_span(const char *t,
                     size_t len,
                     const char *name,
                     const char **raw,
                     size_t *raw_len)
{
        return json_member_span_n(t, len, name, strlen(name), raw, raw_len);
}

int json_element_span(
    const char *t, size_t len, size_t index, const char **raw, size_t *raw_len)
{
        size_t i = skip_ws(t, 0, len);
        if (i >= len || t[i] != '[')
                return -1;
        i = skip_ws(t, i + 1, len);
        if (i < len && t[i] == ']')
                return 0;
        for (size_t n = 0; i < len; n++) {
                size_t vend = skip_value(t, i, len);
                if (!vend || vend == i)
                        return -1;
                if (n == index) {
                        *raw     = t + i;
                        *raw_len = vend - i;
                        return 1;
                }
                i = skip_ws(t, vend, len);
                if (i < len && t[i] == ']')
                        return 0;
                if (i >= len || t[i] != ',')
                        return -1;
                i = skip_ws(t, i + 1, len);
        }
        return -1;
}

int json_member_span_n(const char *t,
                       size_t len,
                       const char *name,
                       size_t nlen,
                       const char **raw,
                       size_t *raw_len)
{
        int found = 0;
        size_t i  = skip_ws(t, 0, len);
        if (i >= len || t[i] != '{')
                return -1;
        i = skip_ws(t, i + 1, len);
        if (i < len && t[i] == '}')
                return 0;
        while (i < len && t[i] == '"') {
                size_t kend = skip_string(t, i, len);
                if (!kend || memchr(t + i + 1, '\\', kend - i - 2))
                        return -1; /* escaped key: let the parser decide */
                int match =
                    kend - i - 2 == nlen && memcmp(t + i + 1, name, nlen) == 0;
                i = skip_ws(t, kend, len);
                if (i >= len || t[i] != ':')
                        return -1;
                i           = skip_ws(t, i + 1, len);
                size_t vend = skip_value(t, i, len);
                if (!vend || vend == i)
                        return -1;
                if (match) { /* the last duplicate wins, as in json_get */
                        *raw     = t + i;
                        *raw_len = vend - i;
                        found    = 1;
                }
                i = skip_ws(t, vend, len);
                if (i < len && t[i] == '}')
                        return found;
                if (i >= len || t[i] != ',')
                        return -1;
                i = skip_ws(t, i + 1, len);
        }
        return -1;
}

int json_describe(const httpsrc_json *v, strbuf *out)
{
        enum { SHOWN = 8, NAME_MAX_BYTES = 40 };
        size_t n = json_len(v);
        switch (json_type(v)) {
        case HTTPSRC_JSON_OBJECT:
                if (!n)
                        return sb_puts(out, "an empty object");
                if (sb_puts(out, "an object with members "))
                        return -1;
                for (size_t i = 0; i < n && i < SHOWN; i++)
                        if ((i && sb_puts(out, ", ")) ||
                            sb_put_untrusted(out, json_key_at(v, i),
                                             json_key_len_at(v, i),
                                             NAME_MAX_BYTES, NULL, 0))
                                return -1;
                return n > SHOWN ? sb_printf(out, " (%zu in all)", n) : 0;
        case HTTPSRC_JSON_ARRAY:
                return n ? sb_printf(out, "an array of %zu element%s", n,
                                     n == 1 ? "" : "s")
                         : sb_puts(out, "an empty array");
        case HTTPSRC_JSON_STRING:
                return sb_puts(out, "a string");
        case HTTPSRC_JSON_NUMBER:
                return sb_puts(out, "a number");
        case HTTPSRC_JSON_BOOL:
                return sb_puts(out, "a boolean");
        default:
                return sb_puts(out, "null");
        }
}
