/* connect layer: the standalone herder's offsets handlers
 * (herder_standalone_impl.h): GET, PATCH (alter) and DELETE (reset)
 * /connectors/{c}/offsets over the offset store; changes only while the
 * connector is STOPPED and idle, and only to offsets it can use. Loop
 * thread.
 */
#include "herder_standalone_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_int.h"

typedef struct offs_visit {
        hq *q;
        kvlist *parts; /* reset: the partitions seen */
        int first;
} offs_visit;

static void o_json_text(hq *q, const char *text)
{
        httpsrc_json *v = text ? json_parse(text, strlen(text), NULL, 0) : NULL;
        char *s         = v ? json_serialize(v, NULL) : NULL;
        hq_raw(q, s ? s : "null");
        free(s);
        json_destroy(v);
}

static void
visit_offset(void *opaque, const char *partition, const char *offset)
{
        offs_visit *w = opaque;
        if (w->parts) {
                if (kvl_add(w->parts, partition, NULL))
                        w->q->oom = 1;
                return;
        }
        hq_raw(w->q, w->first ? "{\"partition\":" : ",{\"partition\":");
        w->first = 0;
        o_json_text(w->q, partition);
        hq_raw(w->q, ",\"offset\":");
        o_json_text(w->q, offset);
        hq_raw(w->q, "}");
}

void sa_offsets_get(hq *q, const herder_runtime *rt)
{
        runtime_task *c = sa_need_connector(q, rt, "Connector %s not found");
        if (!c)
                return;
        offs_visit w = {q, NULL, 1};
        hq_reply(q, HERDER_OK);
        hq_raw(q, "{\"offsets\":[");
        offset_store_foreach(rt->offsets, q->arg[0], visit_offset, &w);
        hq_raw(q, "]}");
}

/* Offsets may change only while the connector is STOPPED and idle. */
static int offsets_changeable(hq *q, const herder_runtime *rt, runtime_task *c)
{
        if (sa_shown_state(q->r, c) != HTTPSRC_STATE_STOPPED) {
                hq_error(q, HERDER_BAD_REQUEST,
                            "Connectors must be in the STOPPED state before "
                            "their offsets can be modified. This can be done "
                            "for the specified connector by issuing a 'PUT' "
                            "request to the '/connectors/%s/stop' endpoint",
                            q->arg[0]);
                return 0;
        }
        if (!rt_task_busy(rt, c))
                return 1;
        if (q->final_try)
                hq_error(q, HERDER_CONFLICT,
                            "Connector %s is still finishing its last "
                            "request; try again",
                            q->arg[0]);
        else
                q->retry = 1;
        return 0;
}

static int flush_offsets(hq *q, const herder_runtime *rt)
{
        char err[1024];
        if (offset_store_flush(rt->offsets, err, sizeof(err)) ==
            HTTPSRC_OK)
                return 0;
        hq_error(q, HERDER_ERROR, "Offsets not stored: %s",
                    err);
        return -1;
}

/* Every offset of the body the connector would read, it can use: else
 * 400 naming the entry, and nothing is written (a connector resumed
 * from an offset it cannot use would only fail). */
static int offsets_fit(hq *q,
                       const herder_runtime *rt,
                       runtime_task *c,
                       const httpsrc_json *offs)
{
        char err[1536];
        int rc = HTTPSRC_OK;
        size_t i;
        for (i = 0; !rc && i < json_len(offs); i++) {
                const httpsrc_json *e   = json_at(offs, i);
                const httpsrc_json *off = json_get(e, "offset");
                if (!off || json_type(off) != HTTPSRC_JSON_OBJECT)
                        continue; /* a tombstone always fits */
                char *part = json_serialize(json_get(e, "partition"), NULL);
                char *val  = json_serialize(off, NULL);
                rc         = part && val
                                 ? rt_check_offset(rt, c, sa_conf_now(q->r, c),
                                                         part, val, err,
                                                         sizeof(err))
                                 : HTTPSRC_ERR_NOMEM;
                free(part);
                free(val);
        }
        if (rc == HTTPSRC_ERR_NOMEM)
                q->oom = 1;
        else if (rc)
                hq_error(q, HERDER_BAD_REQUEST,
                            "offsets[%zu]: %s; nothing was changed", i - 1,
                            err);
        return !rc;
}

/* PATCH /connectors/{c}/offsets: partitions are written as compact JSON,
 * the bytes the connector looks them up by. */
static void alter(hq *q, const herder_runtime *rt, const httpsrc_json *offs);

void sa_offsets_alter(hq *q, const herder_runtime *rt)
{
        const char *text = q->rq->text ? q->rq->text : "";
        httpsrc_json *offs = json_parse(text, strlen(text), NULL, 0);
        runtime_task *c = sa_need_connector(q, rt, "Connector %s not found");
        if (c && json_type(offs) != HTTPSRC_JSON_ARRAY)
                hq_error(q, HERDER_BAD_REQUEST,
                            "\"offsets\" must be an array of "
                            "{\"partition\": {...}, \"offset\": {...}}");
        else if (c && offsets_changeable(q, rt, c) &&
                 offsets_fit(q, rt, c, offs))
                alter(q, rt, offs);
        json_destroy(offs);
}

/* Write every entry of @p offs (checked) and flush the store. */
static void alter(hq *q, const herder_runtime *rt, const httpsrc_json *offs)
{
        for (size_t i = 0; i < json_len(offs); i++) {
                const httpsrc_json *e   = json_at(offs, i);
                const httpsrc_json *off = json_get(e, "offset");
                char *part = json_serialize(json_get(e, "partition"), NULL);
                char *val  = off && json_type(off) == HTTPSRC_JSON_OBJECT
                                 ? json_serialize(off, NULL)
                                 : NULL;
                int bad =
                    !part ||
                    (off && json_type(off) == HTTPSRC_JSON_OBJECT && !val) ||
                    offset_store_put(rt->offsets, q->arg[0], part, val);
                free(part);
                free(val);
                if (bad) {
                        q->oom = 1;
                        return;
                }
        }
        if (flush_offsets(q, rt))
                return;
        log_msg(rt->log, HTTPSRC_LOG_INFO, q->arg[0],
                "offsets altered over REST (%zu partition(s))", json_len(offs));
        hq_reply(q, HERDER_OK);
        hq_raw(q, "{\"message\":\"The offsets for this connector have been "
                 "altered successfully\"}");
}

/* DELETE /connectors/{c}/offsets: a tombstone for every partition. */
void sa_offsets_reset(hq *q, const herder_runtime *rt)
{
        runtime_task *c = sa_need_connector(q, rt, "Connector %s not found");
        if (!c || !offsets_changeable(q, rt, c))
                return;
        kvlist parts = {0};
        offs_visit w = {q, &parts, 1};
        offset_store_foreach(rt->offsets, q->arg[0], visit_offset, &w);
        for (size_t i = 0; !q->oom && i < parts.n; i++)
                if (offset_store_put(rt->offsets, q->arg[0],
                                     parts.v[i].key, NULL))
                        q->oom = 1;
        kvl_free(&parts);
        if (q->oom || flush_offsets(q, rt))
                return;
        log_msg(rt->log, HTTPSRC_LOG_INFO, q->arg[0],
                "offsets reset over REST");
        hq_reply(q, HERDER_OK);
        hq_raw(q, "{\"message\":\"The offsets for this connector have been "
                 "reset successfully\"}");
}
