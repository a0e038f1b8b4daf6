/* log module: one line per event, tagged with the connector's name. */
#include "log_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "json_int.h"
#include "util_int.h"

/* log4j's level names onto ours (syslog numbers; 0: nothing is logged),
 * finest last; the first of a level names it. The host's --log-level and
 * log.level take the ones marked (error..trace). */
static const log_level_desc levels[] = {
    {"OFF", 0, 0},
    {"FATAL", 2, 0},
    {"ERROR", HTTPSRC_LOG_ERROR, 1},
    {"WARN", HTTPSRC_LOG_WARN, 1},
    {"INFO", HTTPSRC_LOG_INFO, 1},
    {"DEBUG", HTTPSRC_LOG_DEBUG, 1},
    {"TRACE", HTTPSRC_LOG_DEBUG, 1},
    {"ALL", HTTPSRC_LOG_DEBUG, 0},
    {NULL, 0, 0},
};

const log_level_desc *log_level_table(void)
{
        return levels;
}

const log_level_desc *log_level_find(const char *name)
{
        for (const log_level_desc *d = levels; name && d->name; d++)
                if (!strcasecmp(name, d->name))
                        return d;
        return NULL;
}

const char *log_level_name(int level)
{
        for (const log_level_desc *d = levels; d->name; d++)
                if (d->level == level)
                        return d->name;
        return "DEBUG";
}

int log_level_parse(const char *name)
{
        const log_level_desc *d = log_level_find(name);
        return d && d->host ? d->level : -1;
}

HTTPSRC_API int httpsrc_log_level_from_name(const char *name)
{
        return log_level_parse(name);
}

static log_override *find_override(const logger *lg, const char *connector)
{
        for (size_t i = 0; connector && i < lg->n_ov; i++)
                if (strcmp(lg->ov[i].name, connector) == 0)
                        return &lg->ov[i];
        return NULL;
}

int log_level_of(const logger *lg, const char *connector)
{
        const log_override *o = find_override(lg, connector);
        return o ? o->level : lg->max_level;
}

int log_set_level(logger *lg, const char *connector, int level)
{
        if (!connector) {
                lg->max_level = level;
                return 0;
        }
        log_override *o = find_override(lg, connector);
        if (o && level < 0) {
                free(o->name);
                *o = lg->ov[--lg->n_ov];
                return 0;
        }
        if (o || level < 0) {
                if (o)
                        o->level = level;
                return 0;
        }
        log_override *no = realloc(lg->ov, (lg->n_ov + 1) * sizeof(*no));
        if (!no)
                return -1;
        lg->ov = no;
        if (!(no[lg->n_ov].name = strdup(connector)))
                return -1;
        no[lg->n_ov++].level = level;
        return 0;
}

void log_free(logger *lg)
{
        for (size_t i = 0; i < lg->n_ov; i++)
                free(lg->ov[i].name);
        free(lg->ov);
        lg->ov   = NULL;
        lg->n_ov = 0;
}

static void json_member(strbuf *sb, const char *key, const char *value)
{
        json_write_string(sb, key, strlen(key));
        sb_putc(sb, ':');
        if (value)
                json_write_string(sb, value, strlen(value));
        else
                sb_puts(sb, "null");
}

static void write_json(const char *stamp,
                       int level,
                       const char *connector,
                       const char *line,
                       const log_kv *kv,
                       size_t n)
{
        strbuf sb = {0};
        sb_putc(&sb, '{');
        json_member(&sb, "time", stamp);
        sb_putc(&sb, ',');
        json_member(&sb, "level", log_level_name(level));
        sb_putc(&sb, ',');
        json_member(&sb, "connector", connector);
        sb_putc(&sb, ',');
        json_member(&sb, "message", line);
        sb_puts(&sb, ",\"fields\":{");
        for (size_t i = 0; i < n; i++) {
                if (i)
                        sb_putc(&sb, ',');
                json_member(&sb, kv[i].key, kv[i].value ? kv[i].value : "");
        }
        sb_puts(&sb, "}}\n");
        if (sb.buf) /* one write: lines of two threads never interleave */
                fputs(sb.buf, stderr);
        sb_free(&sb);
}

static void log_emit(const logger *lg,
                     int level,
                     const char *connector,
                     const log_kv *kv,
                     size_t n,
                     const char *fmt,
                     va_list ap)
{
        if (level > log_level_of(lg, connector))
                return;
        char line[1024];
        vsnprintf(line, sizeof(line), fmt, ap);
        /* One event, one line: a message must not forge further lines nor
         * send terminal escapes (upstream text is escaped where it is
         * quoted, sb_put_untrusted; this is the last line of defence). */
        for (char *p = line; *p; p++)
                if ((unsigned char)*p < 0x20 || *p == 0x7f)
                        *p = ' ';
        if (lg->cb) {
                lg->cb(lg->opaque, level, connector, line);
                return;
        }
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        struct tm tm;
        gmtime_r(&ts.tv_sec, &tm);
        char stamp[40], sec[32];
        strftime(sec, sizeof(sec), "%Y-%m-%dT%H:%M:%S", &tm);
        snprintf(stamp, sizeof(stamp), "%s.%03ldZ", sec, ts.tv_nsec / 1000000);
        if (lg->format == HTTPSRC_LOG_FORMAT_JSON) {
                write_json(stamp, level, connector, line, kv, n);
                return;
        }
        fprintf(stderr, "%s %-5s %s%s%s%s\n", stamp, log_level_name(level),
                connector ? "[" : "", connector ? connector : "",
                connector ? "] " : "", line);
}

void log_vmsg(const logger *lg,
              int level,
              const char *connector,
              const char *fmt,
              va_list ap)
{
        log_emit(lg, level, connector, NULL, 0, fmt, ap);
}

void log_msg(
    const logger *lg, int level, const char *connector, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        log_emit(lg, level, connector, NULL, 0, fmt, ap);
        va_end(ap);
}

void log_kv_msg(const logger *lg,
                int level,
                const char *connector,
                const log_kv *kv,
                size_t n,
                const char *fmt,
                ...)
{
        va_list ap;
        va_start(ap, fmt);
        log_emit(lg, level, connector, kv, n, fmt, ap);
        va_end(ap);
}
