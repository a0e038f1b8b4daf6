/* log module: one line per event, tagged with the connector's name. */
#include "log_int.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *level_name(int level)
{
        switch (level) {
        case HTTPSRC_LOG_ERROR:
                return "ERROR";
        case HTTPSRC_LOG_WARN:
                return "WARN";
        case HTTPSRC_LOG_INFO:
                return "INFO";
        default:
                return "DEBUG";
        }
}

void log_vmsg(const logger *lg,
              int level,
              const char *connector,
              const char *fmt,
              va_list ap)
{
        if (level > lg->max_level)
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
        char stamp[32];
        strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
        fprintf(stderr, "%s.%03ldZ %-5s %s%s%s%s\n", stamp,
                ts.tv_nsec / 1000000, level_name(level), connector ? "[" : "",
                connector ? connector : "", connector ? "] " : "", line);
}

void log_msg(
    const logger *lg, int level, const char *connector, const char *fmt, ...)
{
        va_list ap;
        va_start(ap, fmt);
        log_vmsg(lg, level, connector, fmt, ap);
        va_end(ap);
}
