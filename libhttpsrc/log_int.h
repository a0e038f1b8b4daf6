/* log module: one line per event, tagged with the connector's name. */
#ifndef HTTPSRC_LOG_INT_H
#define HTTPSRC_LOG_INT_H

#include <stdarg.h>

#include "httpsrc/httpsrc.h"

typedef struct logger {
        httpsrc_log_cb cb; /* NULL: stderr */
        void *opaque;
        int max_level;
} logger;

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

#endif
