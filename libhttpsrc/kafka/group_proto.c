/* group module, the bytes: ConnectProtocol V0 metadata and assignment
 * (connect/runtime/.../distributed/ConnectProtocol.java) and the
 * EagerAssignor the leader runs (EagerAssignor.java). Pure functions. */
#include "group_int.h"
#include "group_net_int.h"

#include <stdlib.h>
#include <string.h>

struct wgroup_work {
        int64_t offset;
        char **names;
        int32_t *n_tasks;
        size_t n, cap;
};

/* STRING in a Connect struct is not nullable: null is malformed. */
static char *get_str(kr *r)
{
        char *s = kr_str(r);
        if (!s)
                r->bad = 1;
        return s;
}

/* ---- Java String order and hash (UTF-16 code units) ---- */

/* Decode the next code point of UTF-8 @p s at *@p i; malformed bytes
 * read as U+FFFD, as Java's UTF-8 decoder reads them. */
static uint32_t next_cp(const unsigned char *s, size_t *i)
{
        unsigned c = s[*i];
        int n      = c < 0x80 ? 0 : c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : -1;
        (*i)++;
        if (n < 0)
                return 0xFFFD;
        uint32_t cp = n ? c & (0x3Fu >> n) : c;
        for (int k = 0; k < n; k++) {
                if ((s[*i] & 0xC0) != 0x80)
                        return 0xFFFD;
                cp = cp << 6 | (s[(*i)++] & 0x3F);
        }
        return cp;
}

/* The UTF-16 code units of @p cp in u[0..return). */
static int utf16(uint32_t cp, uint16_t u[2])
{
        if (cp < 0x10000) {
                u[0] = (uint16_t)cp;
                return 1;
        }
        cp -= 0x10000;
        u[0] = (uint16_t)(0xD800 + (cp >> 10));
        u[1] = (uint16_t)(0xDC00 + (cp & 0x3FF));
        return 2;
}

int wgroup_java_strcmp(const char *a, const char *b)
{
        const unsigned char *x = (const unsigned char *)a;
        const unsigned char *y = (const unsigned char *)b;
        size_t i = 0, j = 0;
        uint16_t ux[2], uy[2];
        int nx = 0, ny = 0, kx = 0, ky = 0;
        for (;;) {
                if (kx == nx && x[i]) {
                        nx = utf16(next_cp(x, &i), ux);
                        kx = 0;
                }
                if (ky == ny && y[j]) {
                        ny = utf16(next_cp(y, &j), uy);
                        ky = 0;
                }
                int endx = kx == nx, endy = ky == ny;
                if (endx || endy)
                        return endx && endy ? 0 : endx ? -1 : 1;
                if (ux[kx] != uy[ky])
                        return ux[kx] < uy[ky] ? -1 : 1;
                kx++;
                ky++;
        }
}

static int32_t java_hash(const char *s)
{
        const unsigned char *p = (const unsigned char *)s;
        uint32_t h = 0;
        size_t i   = 0;
        uint16_t u[2];
        while (p[i]) {
                int n = utf16(next_cp(p, &i), u);
                for (int k = 0; k < n; k++)
                        h = 31 * h + u[k];
        }
        return (int32_t)h;
}

/* ---- metadata ---- */

int wgroup_metadata_encode(strbuf *out, const char *url, int64_t offset)
{
        if (kw_i16(out, 0) || kw_str(out, url) ||
            kw_i64(out, offset))
                return -1;
        return 0;
}

int wgroup_metadata_decode(const void *buf,
                          size_t len,
                          char **url,
                          int64_t *offset)
{
        kr r = {buf, len, 0, 0};
        *url = NULL;
        if (kr_i16(&r) < 0 || r.bad)
                return -1;
        char *u = get_str(&r);
        *offset = kr_i64(&r);
        if (r.bad) {
                free(u);
                return -1;
        }
        *url = u;
        return 0;
}

/* ---- assignment ---- */

void wgroup_assignment_clear(wgroup_assignment *a)
{
        if (!a)
                return;
        free(a->leader);
        free(a->leader_url);
        strv_free(a->connectors, a->n_connectors);
        for (size_t i = 0; i < a->n_tasks; i++)
                free(a->tasks[i].connector);
        free(a->tasks);
        memset(a, 0, sizeof(*a));
}

static int add_connector(wgroup_assignment *a, const char *name);
static int add_task(wgroup_assignment *a, const char *name, int32_t task);

int wgroup_assignment_copy(wgroup_assignment *dst, const wgroup_assignment *src)
{
        memset(dst, 0, sizeof(*dst));
        dst->error         = src->error;
        dst->config_offset = src->config_offset;
        dst->leader        = xstrdup(src->leader);
        dst->leader_url    = xstrdup(src->leader_url);
        int rc = (src->leader && !dst->leader) ||
                 (src->leader_url && !dst->leader_url);
        for (size_t i = 0; !rc && i < src->n_connectors; i++)
                rc = add_connector(dst, src->connectors[i]);
        for (size_t i = 0; !rc && i < src->n_tasks; i++)
                rc = add_task(dst, src->tasks[i].connector, src->tasks[i].task);
        if (rc)
                wgroup_assignment_clear(dst);
        return rc ? -1 : 0;
}

/* One entry of the "assignment" array: a connector and its ids. */
typedef struct entry {
        const char *name;
        int32_t *ids;
        size_t n;
} entry;

static entry *entry_of(entry *e, size_t *n, const char *name)
{
        for (size_t i = 0; i < *n; i++)
                if (!strcmp(e[i].name, name))
                        return &e[i];
        e[*n].name = name;
        e[*n].ids  = NULL;
        e[*n].n    = 0;
        return &e[(*n)++];
}

static int entry_push(entry *e, int32_t id)
{
        int32_t *ids = realloc(e->ids, (e->n + 1) * sizeof(*ids));
        if (!ids)
                return -1;
        ids[e->n++] = id;
        e->ids      = ids;
        return 0;
}

/* The iteration order of `new java.util.HashSet<>(names)` on JDK 17:
 * capacity max((int)(n / .75f) + 1, 16) rounded up to a power of two,
 * bucket (h ^ h >>> 16) & (cap - 1), insertion order within a bucket.
 * (JDK 19+ sizes the set differently, which can change the order of the
 * entries, never their content.) */
static size_t *hashset_order(char *const *names, size_t n)
{
        size_t *ord = malloc((n ? n : 1) * sizeof(*ord));
        size_t *bkt = malloc((n ? n : 1) * sizeof(*bkt));
        if (!ord || !bkt) {
                free(ord);
                free(bkt);
                return NULL;
        }
        size_t want = (size_t)(int)((float)n / .75f) + 1, cap = 1;
        if (want < 16)
                want = 16;
        while (cap < want)
                cap <<= 1;
        for (size_t i = 0; i < n; i++) {
                uint32_t h = (uint32_t)java_hash(names[i]);
                bkt[i]     = (h ^ (h >> 16)) & (cap - 1);
                ord[i]     = i;
        }
        for (size_t i = 1; i < n; i++) { /* stable insertion sort */
                size_t v = ord[i], j = i;
                for (; j > 0 && bkt[ord[j - 1]] > bkt[v]; j--)
                        ord[j] = ord[j - 1];
                ord[j] = v;
        }
        free(bkt);
        return ord;
}

static int put_entries(strbuf *out, const wgroup_assignment *a)
{
        size_t cap = a->n_connectors + a->n_tasks, n = 0;
        entry *e   = calloc(cap ? cap : 1, sizeof(*e));
        size_t *ord = hashset_order(a->connectors, a->n_connectors);
        int rc      = e && ord ? 0 : -1;
        for (size_t i = 0; !rc && i < a->n_connectors; i++)
                rc = entry_push(entry_of(e, &n, a->connectors[ord[i]]),
                                WGROUP_CONNECTOR_TASK);
        for (size_t i = 0; !rc && i < a->n_tasks; i++)
                rc = entry_push(entry_of(e, &n, a->tasks[i].connector),
                                a->tasks[i].task);
        if (!rc)
                rc = kw_i32(out, (int32_t)n);
        for (size_t i = 0; !rc && i < n; i++) {
                rc = kw_str(out, e[i].name) || kw_i32(out, (int32_t)e[i].n);
                for (size_t k = 0; !rc && k < e[i].n; k++)
                        rc = kw_i32(out, e[i].ids[k]);
        }
        for (size_t i = 0; e && i < n; i++)
                free(e[i].ids);
        free(e);
        free(ord);
        return rc ? -1 : 0;
}

int wgroup_assignment_encode(strbuf *out, const wgroup_assignment *a)
{
        if (kw_i16(out, 0) || kw_i16(out, a->error) ||
            kw_str(out, a->leader) || kw_str(out, a->leader_url) ||
            kw_i64(out, a->config_offset))
                return -1;
        return put_entries(out, a);
}

static int add_connector(wgroup_assignment *a, const char *name)
{
        char **v = realloc(a->connectors, (a->n_connectors + 1) * sizeof(*v));
        if (!v)
                return -1;
        a->connectors = v;
        if (!(v[a->n_connectors] = xstrdup(name)))
                return -1;
        a->n_connectors++;
        return 0;
}

static int add_task(wgroup_assignment *a, const char *name, int32_t task)
{
        wgroup_task *t = realloc(a->tasks, (a->n_tasks + 1) * sizeof(*t));
        if (!t)
                return -1;
        a->tasks = t;
        if (!(t[a->n_tasks].connector = xstrdup(name)))
                return -1;
        t[a->n_tasks++].task = task;
        return 0;
}

static int read_entries(kr *r, wgroup_assignment *a)
{
        int32_t n = kr_i32(r);
        if (n == -1) /* V1+: a nullable array */
                return 0;
        if (n < 0 || (size_t)n > r->len)
                return -1;
        for (int32_t i = 0; i < n && !r->bad; i++) {
                char *name = get_str(r);
                int32_t k  = kr_i32(r);
                if (r->bad || k < 0 || (size_t)k > r->len) {
                        free(name);
                        return -1;
                }
                int rc = 0;
                for (int32_t j = 0; j < k && !rc && !r->bad; j++) {
                        int32_t id = kr_i32(r);
                        rc = id == WGROUP_CONNECTOR_TASK ? add_connector(a, name)
                                                        : add_task(a, name, id);
                }
                free(name);
                if (rc)
                        return -1;
        }
        return r->bad ? -1 : 0;
}

int wgroup_assignment_decode(const void *buf, size_t len, wgroup_assignment *a)
{
        kr r = {buf, len, 0, 0};
        memset(a, 0, sizeof(*a));
        int16_t version  = kr_i16(&r);
        a->error         = kr_i16(&r);
        a->leader        = get_str(&r);
        a->leader_url    = get_str(&r);
        a->config_offset = kr_i64(&r);
        if (r.bad || version < 0 || read_entries(&r, a)) {
                wgroup_assignment_clear(a);
                return -1;
        }
        return 0;
}

/* ---- the leader's work and the EagerAssignor ---- */

wgroup_work *wgroup_work_new(void)
{
        return calloc(1, sizeof(wgroup_work));
}

void wgroup_work_destroy(wgroup_work *w)
{
        if (!w)
                return;
        strv_free(w->names, w->n);
        free(w->n_tasks);
        free(w);
}

int wgroup_work_add(wgroup_work *w, const char *name, int32_t n_tasks)
{
        if (w->n == w->cap) {
                size_t cap = w->cap ? 2 * w->cap : 16;
                char **nv  = realloc(w->names, cap * sizeof(*nv));
                if (!nv)
                        return -1;
                w->names  = nv;
                int32_t *tv = realloc(w->n_tasks, cap * sizeof(*tv));
                if (!tv)
                        return -1;
                w->n_tasks = tv;
                w->cap     = cap;
        }
        if (!(w->names[w->n] = xstrdup(name)))
                return -1;
        w->n_tasks[w->n++] = n_tasks < 0 ? 0 : n_tasks;
        return 0;
}

void wgroup_work_set_offset(wgroup_work *w, int64_t offset)
{
        w->offset = offset;
}

static int by_member(const void *x, const void *y, void *base)
{
        const wgroup_member *m = base;
        return wgroup_java_strcmp(m[*(const size_t *)x].member_id,
                                 m[*(const size_t *)y].member_id);
}

static int by_name(const void *x, const void *y, void *base)
{
        char *const *names = base;
        return wgroup_java_strcmp(names[*(const size_t *)x],
                                 names[*(const size_t *)y]);
}

/* Index permutation of @p n items of @p base sorted by @p cmp. */
static size_t *sorted_idx(const void *base,
                          size_t n,
                          int (*cmp)(const void *, const void *, void *))
{
        size_t *idx = malloc((n ? n : 1) * sizeof(*idx));
        if (!idx)
                return NULL;
        for (size_t i = 0; i < n; i++)
                idx[i] = i;
        qsort_r(idx, n, sizeof(*idx), cmp, (void *)base);
        return idx;
}

static int eager_fill(const wgroup_member *members,
                      size_t n,
                      const wgroup_work *w,
                      wgroup_assignment *out)
{
        size_t *mo = sorted_idx(members, n, by_member);
        size_t *co = sorted_idx(w->names, w->n, by_name);
        int rc     = mo && co ? 0 : -1;
        size_t it  = 0; /* the CircularIterator, shared by both loops */
        for (size_t i = 0; !rc && i < w->n; i++)
                rc = add_connector(&out[mo[it++ % n]], w->names[co[i]]);
        for (size_t i = 0; !rc && i < w->n; i++)
                for (int32_t t = 0; !rc && t < w->n_tasks[co[i]]; t++)
                        rc = add_task(&out[mo[it++ % n]], w->names[co[i]], t);
        free(mo);
        free(co);
        return rc;
}

int wgroup_eager_assign(const wgroup_member *members,
                       size_t n,
                       const char *leader_id,
                       const wgroup_work *w,
                       wgroup_assignment **out)
{
        *out = NULL;
        if (!n)
                return -1;
        wgroup_assignment *a = calloc(n, sizeof(*a));
        if (!a)
                return -1;
        int64_t max         = members[0].config_offset;
        const char *lurl    = "";
        for (size_t i = 0; i < n; i++) {
                if (members[i].config_offset > max)
                        max = members[i].config_offset;
                if (!strcmp(members[i].member_id, leader_id))
                        lurl = members[i].url;
        }
        int16_t err = w->offset < max ? WGROUP_CONFIG_MISMATCH : WGROUP_NO_ERROR;
        int rc      = 0;
        for (size_t i = 0; i < n && !rc; i++) {
                a[i].error         = err;
                a[i].config_offset = err ? max : w->offset;
                a[i].leader        = xstrdup(leader_id);
                a[i].leader_url    = xstrdup(lurl);
                rc = a[i].leader && a[i].leader_url ? 0 : -1;
        }
        if (!rc && !err)
                rc = eager_fill(members, n, w, a);
        if (rc) {
                for (size_t i = 0; i < n; i++)
                        wgroup_assignment_clear(&a[i]);
                free(a);
                return -1;
        }
        *out = a;
        return 0;
}
