/* The field transforms that rebuild an object (InsertField, MaskField,
 * ReplaceField, Cast): the operand must be a JSON object; its new fields
 * are put into a map that iterates like the java.util.HashMap Kafka
 * Connect builds, and the map becomes the operand. Header-only, see
 * java_hashmap.h. */
#ifndef HTTPSRC_PLUGINS_SMT_MAP_H
#define HTTPSRC_PLUGINS_SMT_MAP_H

#include "java_hashmap.h"
#include "smt_util.h"

/** Put the new fields of @p obj into @p m (empty, default capacity);
 *  errors other than out of memory are set on the context by @p fill. */
typedef int (*smt_fill_fn)(void *state,
                           jhm_map *m,
                           const httpsrc_json *obj,
                           httpsrc_record *rec);

/** Replace @p part of @p rec with the object @p fill builds from @p obj,
 *  which must be a JSON object (else the transform's "requires a JSON
 *  object" error). */
static inline int smt_rebuild_object(const struct httpsrc_host_api *host,
                                     httpsrc_ctx *ctx,
                                     const char *who,
                                     smt_part part,
                                     httpsrc_record *rec,
                                     const httpsrc_json *obj,
                                     smt_fill_fn fill,
                                     void *state)
{
        if (host->json_type(obj) != HTTPSRC_JSON_OBJECT)
                return smt_not_object(host, ctx, who, part, obj);
        jhm_map m;
        jhm_map_init(&m, host, JHM_DEFAULT_CAPACITY);
        int rc            = fill(state, &m, obj, rec);
        httpsrc_json *out = rc == HTTPSRC_OK ? jhm_map_to_object(&m) : NULL;
        if (out)
                rc = smt_set(host, ctx, part, rec, out);
        else if (rc == HTTPSRC_OK || rc == HTTPSRC_ERR_NOMEM)
                rc = host->set_error(ctx, HTTPSRC_ERR_NOMEM, "out of memory");
        host->json_destroy(out);
        jhm_map_free(&m);
        return rc;
}

/** The whole apply() of such a transform: a null operand (a tombstone, a
 *  null key) passes unchanged. */
static inline int smt_rebuild(const struct httpsrc_host_api *host,
                              httpsrc_ctx *ctx,
                              const char *who,
                              smt_part part,
                              httpsrc_record *rec,
                              smt_fill_fn fill,
                              void *state)
{
        const httpsrc_json *v;
        httpsrc_json *owned;
        int rc = smt_get(host, ctx, who, part, rec, &v, &owned);
        if (rc < 0 || !v)
                return rc;
        rc = smt_rebuild_object(host, ctx, who, part, rec, v, fill, state);
        host->json_destroy(owned);
        return rc;
}

#endif /* HTTPSRC_PLUGINS_SMT_MAP_H */
