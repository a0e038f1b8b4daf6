/* log module: one line per event, tagged with the connector's name; text
 * or one JSON object a line; a level for the host and per connector. */
#ifndef HTTPSRC_LOG_INT_H
#define HTTPSRC_LOG_INT_H

#include <stdarg.h>
#include <stddef.h>

#include "httpsrc/httpsrc.h"

/* A connector's own level (log.level, PUT /admin/loggers/<name>). */
typedef struct log_override {
        char *name;
        int level;
} log_override;

typedef struct logger {
        httpsrc_log_cb cb; /* NULL: stderr */
        void *opaque;
        int max_level; /* the root level */
        int format;    /* HTTPSRC_LOG_FORMAT_*, for stderr */
        log_override *ov;
        size_t n_ov;
} logger;

/** A structured field of a log event (JSON format: under "fields"). */
typedef struct log_kv {
        const char *key, *value;
} log_kv;

void log_msg(const logger *lg,
             int level,
             const char *connector,
             const char *fmt,
             ...) HTTPSRC_PRINTF(4, 5);
void log_vmsg(const logger *lg,
              int level,
              const char *connector,
              const char *fmt,
              va_list ap);
/** log_msg() with @p n fields. */
void log_kv_msg(const logger *lg,
                int level,
                const char *connector,
                const log_kv *kv,
                size_t n,
                const char *fmt,
                ...) HTTPSRC_PRINTF(6, 7);

/** Set @p connector's own level (NULL: the root level); @p level < 0
 *  removes the connector's own, so that it follows the root again. The
 *  one setter for log.level and the REST loggers. Returns 0 or -1 on
 *  ENOMEM. Loop thread. */
int log_set_level(logger *lg, const char *connector, int level);
/** The level that applies to @p connector's events. */
int log_level_of(const logger *lg, const char *connector);
/** A level name as log4j and Connect's REST API spell it. */
typedef struct log_level_desc {
        const char *name; /* "OFF" "FATAL" "ERROR" ... "TRACE" "ALL" */
        int level;        /* httpsrc_log_level; 0 (OFF) and 2 log nothing */
        int host;         /* taken by --log-level and log.level */
} log_level_desc;
/** The names, ending with a NULL name. */
const log_level_desc *log_level_table(void);
/** The entry of @p name (any case), NULL if none. */
const log_level_desc *log_level_find(const char *name);
/** The first name of @p level ("ERROR" ... "DEBUG"); "DEBUG" if none. */
const char *log_level_name(int level);
/** error, warn, info, debug, trace (= debug), any case; -1 if none. */
int log_level_parse(const char *name);
void log_free(logger *lg); /* the overrides */

#endif
