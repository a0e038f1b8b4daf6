/* connect layer: the one writer of the Kafka Connect REST entities both
 * herders answer with (ConnectorInfo, ConnectorStateInfo, TaskInfo lists,
 * config maps), so the standalone and the distributed herder give the
 * same bytes for the same facts. Each writer appends to a strbuf and
 * returns 0, or -1 on ENOMEM (what was appended is then incomplete).
 * Any thread; nothing here keeps state. */
#ifndef HTTPSRC_HERDER_JSON_INT_H
#define HTTPSRC_HERDER_JSON_INT_H

#include <stddef.h>

#include "config_store_int.h"
#include "httpsrc/httpsrc.h"
#include "util_int.h"

/** A config map to write: the pairs of @p pairs (a NULL value is
 *  written as null), then "task.class": @p task_class unless NULL. Build
 *  one with herder_json_conf() or herder_json_props(). */
typedef struct herder_json_map {
        const kvlist *pairs;
        const char *task_class;
} herder_json_map;

/** The map of @p conf's keys as set (placeholders kept); @p task_class
 *  as in herder_json_map (borrowed: it must outlive the map's use). */
herder_json_map herder_json_conf(const httpsrc_conf *conf,
                                 const char *task_class);
/** The map of @p props (a stored config: a config_entry's, a task's). */
herder_json_map herder_json_props(const kvlist *props);

/** Connect's task class for @p connector_class ("x.FooConnector" ->
 *  "x.FooTask", "HttpSource" -> "HttpSourceTask"); the caller frees it.
 *  NULL on ENOMEM. */
char *herder_json_task_class(const char *connector_class);

/** {"k":"v",...} */
int herder_json_write_map(strbuf *sb, const herder_json_map *m);

/** ConnectorInfo: {"name","config","tasks":[{"connector","task"}...],
 *  "type":"source"} with tasks 0..@p n_tasks-1. */
int herder_json_info(strbuf *sb,
                     const char *name,
                     const herder_json_map *config,
                     size_t n_tasks);

/** A connector's or a task's state (Connect's AbstractState). */
typedef struct herder_json_state {
        int id;                /* the task's; < 0: the connector's */
        const char *state;     /* NULL: "UNASSIGNED" */
        const char *worker_id; /* NULL: "" */
        const char *trace;     /* NULL or "": none written */
} herder_json_state;

/** {"id":N,"state":S,"worker_id":W,"trace":T} ("id" only for a task). */
int herder_json_write_state(strbuf *sb, const herder_json_state *s);

/** ConnectorStateInfo: {"name","connector":STATE,"tasks":[STATE...],
 *  "type":"source"}. */
int herder_json_status(strbuf *sb,
                       const char *name,
                       const herder_json_state *connector,
                       const herder_json_state *tasks,
                       size_t n_tasks);

/** GET /connectors/{c}/tasks: [{"id":{"connector","task"},"config"}...]
 *  for the @p n task configs @p tasks. */
int herder_json_task_configs(strbuf *sb,
                             const char *name,
                             const herder_json_map *tasks,
                             size_t n);

/** The deprecated GET /connectors/{c}/tasks-config: {"<c>-<i>": {...}}. */
int herder_json_tasks_config(strbuf *sb,
                             const char *name,
                             const herder_json_map *tasks,
                             size_t n);

#endif
