/* The ordered list of string pairs: one copy for REST, the conf layer's
 * problem lists and anything else that keeps pairs in the order given. */
#include "kvlist_int.h"

#include <stdlib.h>
#include <string.h>

#include "util_int.h"

void kvl_free(kvlist *l)
{
        for (size_t i = 0; i < l->n; i++) {
                free(l->v[i].key);
                free(l->v[i].value);
        }
        free(l->v);
        l->v = NULL;
        l->n = 0;
}

int kvl_add(kvlist *l, const char *key, const char *value)
{
        kv e = {xstrdup(key), value ? xstrdup(value) : NULL};
        kv *nv = e.key && (!value || e.value)
                     ? realloc(l->v, (l->n + 1) * sizeof(*nv))
                     : NULL;
        if (!nv) {
                free(e.key);
                free(e.value);
                return -1;
        }
        l->v         = nv;
        l->v[l->n++] = e;
        return 0;
}

int kvl_append(kvlist *dst, const kvlist *src)
{
        size_t had = dst->n;
        for (size_t i = 0; src && i < src->n; i++) {
                if (!kvl_add(dst, src->v[i].key, src->v[i].value))
                        continue;
                while (dst->n > had) { /* what this call added goes */
                        dst->n--;
                        free(dst->v[dst->n].key);
                        free(dst->v[dst->n].value);
                }
                return -1;
        }
        return 0;
}

ssize_t kvl_index(const kvlist *l, const char *key)
{
        for (size_t i = 0; i < l->n; i++)
                if (!strcmp(l->v[i].key, key))
                        return (ssize_t)i;
        return -1;
}

const char *kvl_get(const kvlist *l, const char *key)
{
        ssize_t i = kvl_index(l, key);
        return i < 0 ? NULL : l->v[i].value;
}

int kvl_set(kvlist *l, const char *key, const char *value)
{
        ssize_t i = kvl_index(l, key);
        if (i < 0)
                return value ? kvl_add(l, key, value) : 0;
        if (!value) {
                free(l->v[i].key);
                free(l->v[i].value);
                memmove(&l->v[i], &l->v[i + 1],
                        (l->n - (size_t)i - 1) * sizeof(*l->v));
                l->n--;
                return 0;
        }
        char *dup = xstrdup(value);
        if (!dup)
                return -1;
        free(l->v[i].value);
        l->v[i].value = dup;
        return 0;
}
