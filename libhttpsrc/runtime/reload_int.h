/* reload module: re-read the connector files (SIGHUP) and apply what
 * changed to the running pipeline. */
#ifndef HTTPSRC_RELOAD_INT_H
#define HTTPSRC_RELOAD_INT_H

#include "httpsrc/httpsrc.h"

typedef struct reloader reloader;

void reloader_destroy(reloader *r); /* NULL-safe */
/** Re-read the files and create, reconfigure or delete connectors; on
 *  the loop thread. */
void reloader_run(reloader *r, httpsrc_pipeline *p);

#endif
