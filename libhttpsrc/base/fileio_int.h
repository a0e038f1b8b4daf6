/* fileio module: durable file replacement, shared by the offset store and
 * the config store. */
#ifndef HTTPSRC_FILEIO_INT_H
#define HTTPSRC_FILEIO_INT_H

#include <stddef.h>
#include <sys/types.h>

#include "util_int.h"

/**
 * Replace @p path with @p data atomically and durably: a temp file in the
 * same directory, written and fsync'ed, renamed over @p path, then the
 * directory fsync'ed. An existing file keeps its mode; a new one gets
 * @p new_mode. errstr: "<path>: cannot ...: <strerror>".
 */
int fileio_write_atomic(const char *path,
                        const strbuf *data,
                        mode_t new_mode,
                        char *errstr,
                        size_t errstr_size);

/**
 * Whether fileio_write_atomic(@p path) could create its temp file: found
 * at start rather than at the first write. HTTPSRC_OK, or HTTPSRC_ERR_IO
 * with "<path>: cannot be written: directory D does not exist (...)" or
 * the reason.
 */
int fileio_check_writable(const char *path, char *errstr, size_t errstr_size);

/**
 * Append the whole of @p path to @p out (NUL-terminated after). At most
 * @p max_bytes (0: no limit). HTTPSRC_OK; HTTPSRC_ERR_NOENT (no such
 * file) or HTTPSRC_ERR_IO with the errno in *@p err; HTTPSRC_ERR_LIMIT;
 * HTTPSRC_ERR_NOMEM. The caller words the error: each names its key.
 */
int fileio_read(const char *path, size_t max_bytes, strbuf *out, int *err);

/**
 * Remove the temp files fileio_write_atomic(@p path) left behind when a
 * process died between creating and renaming them ("<path>.tmp.<pid>" of
 * a pid that no longer runs, or of this process before its first write:
 * a container restarts with the same pid). Returns how many were removed.
 */
int fileio_remove_orphans(const char *path);

#endif
