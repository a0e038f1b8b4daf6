/* storetool: the Kafka config and status stores driven from the command
 * line, for the real-Kafka interop test (test_stores_topics.sh) until a
 * distributed worker drives them:
 *
 *   storetool BOOT CONFIG_TOPIC STATUS_TOPIC GROUP CMD ARGS...
 *     config-dump                     every connector: name, target, config
 *                                     (sorted), task configs, then offset
 *     config-put NAME TARGET k=v...   TARGET RUNNING|PAUSED|STOPPED|KEEP;
 *                                     the keys as given (no httpsrc checks)
 *     config-target NAME TARGET
 *     config-tasks NAME N             N task configs {"task.id":"<i>"}
 *     config-delete NAME
 *     config-fence NAME               KIP-618 on two stores of one worker
 *                                     config: A claims and writes NAME, B
 *                                     claims (fencing A), A's write fails,
 *                                     B's works, A's listener hears it
 *     status-dump                     every status, one line each
 *     status-put CONNECTOR TASK|-1 STATE WORKER_ID GENERATION [TRACE]
 *     status-put-safe ...             the same through putSafe
 *
 * Exit 0, or 1 with the store's one-line error on stderr. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_store_kafka_int.h"
#include "httpsrc/httpsrc.h"
#include "log_int.h"
#include "status_store_kafka_int.h"
#include "util_int.h"

static int cmp_str(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

/* "k=v" lines of @p p, sorted, joined by ','. */
static void print_props(const char *label, const kvlist *p)
{
        char **lines = calloc(p->n ? p->n : 1, sizeof(*lines));
        for (size_t i = 0; lines && i < p->n; i++) {
                strbuf sb = {0};
                sb_printf(&sb, "%s=%s", p->v[i].key, p->v[i].value);
                lines[i] = sb_steal(&sb);
        }
        qsort(lines, p->n, sizeof(*lines), cmp_str);
        printf("%s", label);
        for (size_t i = 0; lines && i < p->n; i++)
                printf("%s%s", i ? "," : "", lines[i] ? lines[i] : "");
        printf("\n");
        strv_free(lines, p->n);
}

static int target_arg(const char *s)
{
        if (!strcmp(s, "KEEP"))
                return CONFIG_TARGET_KEEP;
        for (int t = HTTPSRC_STATE_RUNNING; t <= HTTPSRC_STATE_STOPPED; t++)
                if (!strcmp(config_store_target_name(t), s))
                        return t;
        return -2;
}

static void config_dump(const config_store *s)
{
        for (size_t i = 0; i < config_store_count(s); i++) {
                const config_entry *e = config_store_at(s, i);
                const kvlist *t;
                size_t n = config_store_tasks(s, e->name, &t);
                printf("connector %s target=%s tasks=%zu%s\n", e->name,
                       config_store_target_name(e->target), n,
                       e->inconsistent ? " inconsistent" : "");
                print_props("  config ", &e->config);
                for (size_t k = 0; k < n; k++) {
                        char label[64];
                        snprintf(label, sizeof(label), "  task %zu ", k);
                        print_props(label, &t[k]);
                }
        }
        printf("offset %lld\n", (long long)config_store_offset(s));
}

static int config_cmd(config_store *s, int argc, char **argv, char *err,
                      size_t errsz)
{
        const char *cmd = argv[0];
        if (!strcmp(cmd, "config-dump")) {
                config_dump(s);
                return 0;
        }
        if (argc < 2)
                return -1;
        if (!strcmp(cmd, "config-delete"))
                return config_store_remove(s, argv[1], err, errsz);
        if (!strcmp(cmd, "config-target") && argc == 3)
                return config_store_put_target(s, argv[1],
                                               target_arg(argv[2]), err,
                                               errsz);
        if (!strcmp(cmd, "config-tasks") && argc == 3) {
                int n     = atoi(argv[2]);
                kvlist *t = calloc((size_t)n + 1, sizeof(*t));
                for (int i = 0; t && i < n; i++) {
                        char id[16];
                        snprintf(id, sizeof(id), "%d", i);
                        kvl_add(&t[i], "task.id", id);
                }
                int rc = config_store_put_tasks(s, argv[1], (size_t)n, t, err,
                                                errsz);
                for (int i = 0; t && i < n; i++)
                        kvl_free(&t[i]);
                free(t);
                return rc;
        }
        if (!strcmp(cmd, "config-put") && argc >= 3) {
                kvlist p = {0};
                for (int i = 3; i < argc; i++) {
                        char *eq = strchr(argv[i], '=');
                        if (!eq) {
                                kvl_free(&p);
                                return -1;
                        }
                        *eq = '\0';
                        kvl_add(&p, argv[i], eq + 1);
                }
                int rc = config_store_put_props(s, argv[1], &p,
                                                target_arg(argv[2]), err,
                                                errsz);
                kvl_free(&p);
                return rc;
        }
        return -1;
}

static void heard(void *opaque, const config_event *ev)
{
        static const char *const kinds[] = {"",       "updated", "removed",
                                            "target", "tasks",   "restart",
                                            "fenced"};
        (void)opaque;
        printf("heard %s %s\n", kinds[ev->kind], ev->connector);
}

/* config-fence NAME: the leader's transactional writes (KIP-618). */
static int config_fence(config_store *a,
                        config_store *b,
                        const char *name,
                        char *err,
                        size_t errsz)
{
        kv kx[]  = {{"connector.class", "X"}};
        kvlist p = {kx, 1};
        config_store_set_listener(a, heard, NULL);
        printf("transactional.id %s\n", config_store_kafka_transactional_id(a));
        int rc = config_store_kafka_claim(a, err, errsz);
        printf("A claims: %d\n", rc);
        rc = rc ? rc
                : config_store_put_props(a, name, &p, HTTPSRC_STATE_RUNNING,
                                         err, errsz);
        printf("A writes: %d\n", rc);
        /* A new leader reads to the end before it writes. */
        rc = rc ? rc : config_store_kafka_claim(b, err, errsz);
        rc = rc ? rc : config_store_refresh(b, err, errsz);
        printf("B claims: %d\n", rc);
        if (rc)
                return rc;
        char aerr[512] = "";
        printf("A writes again: %d\n",
               config_store_put_target(a, name, HTTPSRC_STATE_PAUSED, aerr,
                                       sizeof(aerr)));
        printf("A: %s\nA claimed: %d\n", aerr, config_store_kafka_claimed(a));
        rc = config_store_put_target(b, name, HTTPSRC_STATE_STOPPED, err,
                                     errsz);
        printf("B writes: %d\n", rc);
        rc = rc ? rc : config_store_refresh(a, err, errsz);
        const config_entry *e = config_store_get(a, name);
        printf("A reads: %s, offset A %lld B %lld\n",
               e ? config_store_target_name(e->target) : "(none)",
               (long long)config_store_offset(a),
               (long long)config_store_offset(b));
        return rc;
}

static void print_status(void *opaque,
                         const char *connector,
                         int task,
                         const status_rec *r)
{
        (void)opaque;
        printf("%s %d %s %s %d %s\n", connector, task,
               status_state_name(r->state), r->worker_id, (int)r->generation,
               r->trace ? r->trace : "-");
}

static int status_cmd(status_store *s, int argc, char **argv, char *err,
                      size_t errsz)
{
        if (!strcmp(argv[0], "status-dump")) {
                status_store_foreach(s, NULL, print_status, NULL);
                return 0;
        }
        status_rec r = {0};
        if (argc < 6 || status_state_parse(argv[3], &r.state))
                return -1;
        r.worker_id  = argv[4];
        r.generation = atoi(argv[5]);
        r.trace      = argc > 6 ? argv[6] : NULL;
        int task     = atoi(argv[2]);
        if (!strcmp(argv[0], "status-put-safe")) {
                int rc = status_store_put_safe(s, argv[1], task, &r, err,
                                               errsz);
                if (rc == 1)
                        printf("suppressed\n");
                return rc == 1 ? 0 : rc;
        }
        return status_store_put(s, argv[1], task, &r, err, errsz);
}

int main(int argc, char **argv)
{
        char err[1024] = "";
        if (argc < 6) {
                fprintf(stderr, "usage: storetool BOOT CONFIG_TOPIC "
                                "STATUS_TOPIC GROUP CMD ARGS...\n");
                return 2;
        }
        httpsrc_conf *w = httpsrc_conf_new(HTTPSRC_SCOPE_WORKER);
        const char *keys[][2] = {
            {"bootstrap.servers", argv[1]},
            {"config.storage.topic", argv[2]},
            {"status.storage.topic", argv[3]},
            {"group.id", argv[4]},
            {"config.storage.replication.factor", "1"},
            {"status.storage.replication.factor", "1"},
        };
        for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
                if (httpsrc_conf_set(w, keys[i][0], keys[i][1], err,
                                     sizeof(err))) {
                        fprintf(stderr, "storetool: %s\n", err);
                        httpsrc_conf_destroy(w);
                        return 1;
                }
        logger lg = {.max_level = HTTPSRC_LOG_INFO}; /* to stderr */
        int rc = -1, is_status = !strncmp(argv[5], "status-", 7);
        if (is_status) {
                status_store *s =
                    status_store_open_kafka(w, &lg, err, sizeof(err));
                rc = s ? status_cmd(s, argc - 5, argv + 5, err, sizeof(err))
                       : 1;
                status_store_destroy(s);
        } else {
                config_store *s =
                    config_store_open_kafka(w, &lg, err, sizeof(err));
                config_store *b = s && !strcmp(argv[5], "config-fence")
                                      ? config_store_open_kafka(w, &lg, err,
                                                                sizeof(err))
                                      : NULL;
                if (b && argc == 7)
                        rc = config_fence(s, b, argv[6], err, sizeof(err));
                else
                        rc = s && !b ? config_cmd(s, argc - 5, argv + 5, err,
                                                  sizeof(err))
                                     : 1;
                config_store_destroy(b);
                config_store_destroy(s);
        }
        httpsrc_conf_destroy(w);
        if (rc == -1 && !*err)
                snprintf(err, sizeof(err), "bad command");
        if (rc)
                fprintf(stderr, "storetool: %s\n", err);
        return rc ? 1 : 0;
}
