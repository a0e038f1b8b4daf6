/* connect layer: the REST entities of both herders (herder_json_int.h).
 * The field order is the standalone herder's as test_rest pins it. */
#include "herder_json_int.h"

#include <string.h>

#include "conf_int.h"
#include "json_int.h"

static int put_str(strbuf *sb, const char *s)
{
        if (!s)
                return sb_puts(sb, "null");
        return json_write_string(sb, s, strlen(s));
}

herder_json_map herder_json_conf(const httpsrc_conf *conf,
                                 const char *task_class)
{
        herder_json_map m = {conf ? conf_pairs(conf) : NULL, task_class};
        return m;
}

herder_json_map herder_json_props(const kvlist *props)
{
        herder_json_map m = {props, NULL};
        return m;
}

char *herder_json_task_class(const char *connector_class)
{
        const char *cls = connector_class ? connector_class : "";
        size_t n = strlen(cls), suffix = strlen("Connector");
        if (n > suffix && !strcmp(cls + n - suffix, "Connector"))
                n -= suffix;
        strbuf sb = {0};
        if (sb_append(&sb, cls, n) || sb_puts(&sb, "Task")) {
                sb_free(&sb);
                return NULL;
        }
        return sb_steal(&sb);
}

int herder_json_write_map(strbuf *sb, const herder_json_map *m)
{
        int rc   = sb_putc(sb, '{');
        size_t n = m->pairs ? m->pairs->n : 0;
        for (size_t i = 0; i < n; i++) {
                const kv *p = &m->pairs->v[i];
                if (i)
                        rc |= sb_putc(sb, ',');
                rc |= put_str(sb, p->key ? p->key : "");
                rc |= sb_putc(sb, ':');
                rc |= put_str(sb, p->value);
        }
        if (m->task_class) {
                rc |= sb_puts(sb, n ? ",\"task.class\":" : "\"task.class\":");
                rc |= put_str(sb, m->task_class);
        }
        return rc | sb_putc(sb, '}');
}

static int task_id(strbuf *sb, const char *name, size_t i)
{
        int rc = sb_puts(sb, "{\"connector\":");
        rc |= put_str(sb, name);
        return rc | sb_printf(sb, ",\"task\":%zu}", i);
}

/* {"name":N,"<field>": : the head of ConnectorInfo and ConnectorStateInfo
 * (their tail is the task list and "type"). */
static int entity_head(strbuf *sb, const char *name, const char *field)
{
        int rc = sb_puts(sb, "{\"name\":");
        rc |= put_str(sb, name);
        return rc | sb_printf(sb, ",\"%s\":", field);
}

int herder_json_info(strbuf *sb,
                     const char *name,
                     const herder_json_map *config,
                     size_t n_tasks)
{
        int rc = entity_head(sb, name, "config");
        rc |= herder_json_write_map(sb, config);
        rc |= sb_puts(sb, ",\"tasks\":[");
        for (size_t i = 0; i < n_tasks; i++) {
                if (i)
                        rc |= sb_putc(sb, ',');
                rc |= task_id(sb, name, i);
        }
        return rc | sb_puts(sb, "],\"type\":\"source\"}");
}

int herder_json_write_state(strbuf *sb, const herder_json_state *s)
{
        int rc = sb_putc(sb, '{');
        if (s->id >= 0)
                rc |= sb_printf(sb, "\"id\":%d,", s->id);
        rc |= sb_puts(sb, "\"state\":");
        rc |= put_str(sb, s->state ? s->state : "UNASSIGNED");
        rc |= sb_puts(sb, ",\"worker_id\":");
        rc |= put_str(sb, s->worker_id ? s->worker_id : "");
        if (s->trace && *s->trace) {
                rc |= sb_puts(sb, ",\"trace\":");
                rc |= put_str(sb, s->trace);
        }
        return rc | sb_putc(sb, '}');
}

int herder_json_status(strbuf *sb,
                       const char *name,
                       const herder_json_state *connector,
                       const herder_json_state *tasks,
                       size_t n_tasks)
{
        int rc = entity_head(sb, name, "connector");
        rc |= herder_json_write_state(sb, connector);
        rc |= sb_puts(sb, ",\"tasks\":[");
        for (size_t i = 0; i < n_tasks; i++) {
                if (i)
                        rc |= sb_putc(sb, ',');
                rc |= herder_json_write_state(sb, &tasks[i]);
        }
        return rc | sb_puts(sb, "],\"type\":\"source\"}");
}

int herder_json_task_configs(strbuf *sb,
                             const char *name,
                             const herder_json_map *tasks,
                             size_t n)
{
        int rc = sb_putc(sb, '[');
        for (size_t i = 0; i < n; i++) {
                rc |= sb_puts(sb, i ? ",{\"id\":" : "{\"id\":");
                rc |= task_id(sb, name, i);
                rc |= sb_puts(sb, ",\"config\":");
                rc |= herder_json_write_map(sb, &tasks[i]);
                rc |= sb_putc(sb, '}');
        }
        return rc | sb_putc(sb, ']');
}

int herder_json_tasks_config(strbuf *sb,
                             const char *name,
                             const herder_json_map *tasks,
                             size_t n)
{
        int rc = sb_putc(sb, '{');
        for (size_t i = 0; i < n; i++) {
                strbuf id = {0};
                if (i)
                        rc |= sb_putc(sb, ',');
                rc |= sb_printf(&id, "%s-%zu", name, i);
                rc |= put_str(sb, id.buf ? id.buf : "");
                rc |= sb_putc(sb, ':');
                rc |= herder_json_write_map(sb, &tasks[i]);
                sb_free(&id);
        }
        return rc | sb_putc(sb, '}');
}
