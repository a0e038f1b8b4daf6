/* status_store_kafka module: see status_store_kafka_int.h. */
#include "status_store_kafka_int.h"

#include <librdkafka/rdkafka.h>
#include <stdlib.h>

#include "kafka_log_int.h"
#include "storage_records_int.h"
#include "util_int.h"

#define RW_TIMEOUT_MS 30000

static const kafka_log_spec status_spec = {
    .topic_key          = "status.storage.topic",
    .prefix             = "status.storage",
    .purpose            = "statuses",
    .tag                = "status",
    .default_partitions = 5,
};

typedef struct skafka {
        kafka_log *log;
        const logger *lg;
} skafka;

/* Apply the record (what Connect drops, kafka_log logs). */
static int apply_one(void *opaque,
                     const rd_kafka_message_t *m,
                     char *errstr,
                     size_t errstr_size)
{
        int r = statusrec_apply(opaque, m->key, m->key_len, m->payload,
                                m->payload ? m->len : 0, errstr, errstr_size);
        if (r < 0)
                errstr_set(errstr, errstr_size, "out of memory");
        return r;
}

static int
sk_refresh(void *be, status_store *s, char *errstr, size_t errstr_size)
{
        skafka *sk = be;
        return kafka_log_read_to_end(sk->log, 0, apply_one, s, RW_TIMEOUT_MS,
                                     NULL, errstr, errstr_size);
}

static int sk_write(void *be,
                    const char *connector,
                    int task,
                    const status_rec *rec,
                    char *errstr,
                    size_t errstr_size)
{
        skafka *sk = be;
        strbuf k = {0}, v = {0};
        int rc     = statusrec_key(&k, connector, task) ||
                         (rec && statusrec_value(&v, rec))
                         ? HTTPSRC_ERR_NOMEM
                         : kafka_log_send(sk->log, NULL, k.buf, k.len,
                                          rec ? v.buf : NULL, v.len);
        if (rc == HTTPSRC_ERR_NOMEM)
                errstr_set(errstr, errstr_size, "out of memory");
        else if (rc)
                errstr_set(errstr, errstr_size,
                           "status.storage.topic: the status of '%s' not "
                           "sent to topic '%s'",
                           connector, kafka_log_topic(sk->log));
        sb_free(&k);
        sb_free(&v);
        return rc;
}

static int sk_flush(void *be, char *errstr, size_t errstr_size)
{
        skafka *sk = be;
        return kafka_log_flush(sk->log, RW_TIMEOUT_MS, "the status", errstr,
                               errstr_size);
}

static void sk_destroy(void *be)
{
        skafka *sk = be;
        if (!sk)
                return;
        kafka_log_destroy(sk->log);
        free(sk);
}

static const status_store_ops kafka_ops = {"kafka", sk_write, sk_refresh,
                                           sk_destroy, sk_flush};

status_store *status_store_open_kafka(const httpsrc_conf *worker,
                                      const logger *lg,
                                      char *errstr,
                                      size_t errstr_size)
{
        skafka *sk      = calloc(1, sizeof(*sk));
        status_store *s = sk ? status_store_new(&kafka_ops, sk) : NULL;
        if (!s) {
                errstr_set(errstr, errstr_size, "out of memory");
                return NULL;
        }
        sk->lg  = lg;
        sk->log = kafka_log_open(worker, lg, &status_spec, errstr,
                                 errstr_size);
        if (!sk->log || status_store_refresh(s, errstr, errstr_size)) {
                status_store_destroy(s);
                return NULL;
        }
        log_msg(lg, HTTPSRC_LOG_INFO, NULL,
                "status.storage.topic: read topic '%s' to its end (%d "
                "partitions)",
                kafka_log_topic(sk->log), kafka_log_partitions(sk->log));
        return s;
}
