/* fileio module: durable file replacement. */
#include "fileio_int.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "httpsrc/common.h"

static int sync_dir(const char *path, char *errstr, size_t errstr_size)
{
        const char *slash = strrchr(path, '/');
        char *dir =
            slash ? xstrndup(path, slash == path ? 1 : (size_t)(slash - path))
                  : xstrdup(".");
        if (!dir) {
                errstr_set(errstr, errstr_size, "%s: out of memory", path);
                return HTTPSRC_ERR_NOMEM;
        }
        int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        int r  = fd < 0 || fsync(fd) ? -1 : 0;
        if (r)
                errstr_set(errstr, errstr_size,
                           "%s: cannot sync directory %s: %s", path, dir,
                           strerror(errno));
        if (fd >= 0)
                close(fd);
        free(dir);
        return r ? HTTPSRC_ERR_IO : HTTPSRC_OK;
}

/* Write @p tmp completely and durably, with the mode of @p path if it
 * exists, else @p new_mode. */
static int write_tmp(const char *path,
                     const char *tmp,
                     const strbuf *data,
                     mode_t new_mode,
                     char *errstr,
                     size_t errstr_size)
{
        struct stat st;
        int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, new_mode);
        FILE *fp = fd >= 0 ? fdopen(fd, "wb") : NULL;
        if (fd >= 0 && !fp)
                close(fd);
        if (!fp) {
                errstr_set(errstr, errstr_size,
                           "%s: cannot create temporary file %s: %s", path, tmp,
                           strerror(errno));
                return HTTPSRC_ERR_IO;
        }
        int bad = 0;
        if (!stat(path, &st))
                bad = fchmod(fileno(fp), st.st_mode & 07777);
        if (!bad && data->len)
                bad = fwrite(data->buf, 1, data->len, fp) != data->len;
        bad     = bad || fflush(fp) || fsync(fileno(fp));
        int err = errno;
        if (fclose(fp) && !bad) {
                bad = 1;
                err = errno;
        }
        if (!bad)
                return HTTPSRC_OK;
        errstr_set(errstr, errstr_size,
                   "%s: cannot write temporary file %s: %s", path, tmp,
                   strerror(err));
        return HTTPSRC_ERR_IO;
}

int fileio_write_atomic(const char *path,
                        const strbuf *data,
                        mode_t new_mode,
                        char *errstr,
                        size_t errstr_size)
{
        strbuf tmp = {0};
        if (sb_printf(&tmp, "%s.tmp.%ld", path, (long)getpid())) {
                errstr_set(errstr, errstr_size, "%s: out of memory", path);
                return HTTPSRC_ERR_NOMEM;
        }
        int r = write_tmp(path, tmp.buf, data, new_mode, errstr, errstr_size);
        if (!r && rename(tmp.buf, path)) {
                errstr_set(errstr, errstr_size, "%s: cannot rename %s: %s",
                           path, tmp.buf, strerror(errno));
                r = HTTPSRC_ERR_IO;
        }
        if (r)
                unlink(tmp.buf);
        sb_free(&tmp);
        return r ? r : sync_dir(path, errstr, errstr_size);
}

int fileio_check_writable(const char *path, char *errstr, size_t errstr_size)
{
        strbuf tmp = {0};
        if (sb_printf(&tmp, "%s.tmp.%ld", path, (long)getpid())) {
                errstr_set(errstr, errstr_size, "%s: out of memory", path);
                return HTTPSRC_ERR_NOMEM;
        }
        /* The very file fileio_write_atomic() starts with. */
        int fd = open(tmp.buf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        int e  = errno;
        if (fd >= 0) {
                close(fd);
                unlink(tmp.buf);
        }
        sb_free(&tmp);
        if (fd >= 0)
                return HTTPSRC_OK;
        const char *slash = strrchr(path, '/');
        int dir_len = slash ? (slash == path ? 1 : (int)(slash - path)) : 1;
        const char *dir = slash ? path : ".";
        if (e == ENOENT || e == ENOTDIR)
                errstr_set(errstr, errstr_size,
                           "%s: cannot be written: directory %.*s does not "
                           "exist (create it or choose another path)",
                           path, dir_len, dir);
        else
                errstr_set(errstr, errstr_size,
                           "%s: cannot be written: %s in directory %.*s "
                           "(choose a path the host may write to)",
                           path, strerror(e), dir_len, dir);
        return HTTPSRC_ERR_IO;
}

int fileio_read(const char *path, size_t max_bytes, strbuf *out, int *err)
{
        enum { CHUNK = 65536 };
        *err   = 0;
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
                *err = errno;
                return *err == ENOENT ? HTTPSRC_ERR_NOENT : HTTPSRC_ERR_IO;
        }
        int rc = HTTPSRC_OK;
        while (!rc) {
                if (sb_reserve(out, CHUNK)) {
                        rc = HTTPSRC_ERR_NOMEM;
                        break;
                }
                ssize_t n = read(fd, out->buf + out->len, CHUNK);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        *err = errno;
                        rc   = HTTPSRC_ERR_IO;
                } else if (n == 0) {
                        break;
                } else if (max_bytes && out->len + (size_t)n > max_bytes) {
                        rc = HTTPSRC_ERR_LIMIT;
                } else {
                        out->len += (size_t)n;
                }
        }
        close(fd);
        if (!rc)
                out->buf[out->len] = '\0';
        return rc;
}

/* The pid of "<base>.tmp.<pid>", or -1 if @p name is not such a name. */
static long tmp_pid(const char *name, const char *base, size_t blen)
{
        if (strncmp(name, base, blen) || strncmp(name + blen, ".tmp.", 5))
                return -1;
        const char *d = name + blen + 5;
        char *end;
        if (*d < '1' || *d > '9')
                return -1;
        errno  = 0;
        long v = strtol(d, &end, 10);
        return *end || errno || v > INT_MAX ? -1 : v;
}

int fileio_remove_orphans(const char *path)
{
        const char *slash = strrchr(path, '/');
        const char *base  = slash ? slash + 1 : path;
        char *dir         = slash ? xstrndup(path, slash == path
                                                        ? 1
                                                        : (size_t)(slash - path))
                                  : xstrdup(".");
        DIR *d            = dir ? opendir(dir) : NULL;
        int n             = 0;
        struct dirent *e;
        while (d && (e = readdir(d))) {
                long pid = tmp_pid(e->d_name, base, strlen(base));
                if (pid < 0 || (pid != (long)getpid() &&
                                (kill((pid_t)pid, 0) == 0 || errno != ESRCH)))
                        continue;
                strbuf f = {0};
                if (!sb_printf(&f, "%s/%s", dir, e->d_name) && !unlink(f.buf))
                        n++;
                sb_free(&f);
        }
        if (d)
                closedir(d);
        free(dir);
        return n;
}
