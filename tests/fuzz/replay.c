/* Corpus replay: runs a libFuzzer target's LLVMFuzzerTestOneInput on every
 * file of the given directories (or on the given files), in name order,
 * without libFuzzer, so the seed corpora are regression tests for any
 * compiler and under valgrind.
 *
 * Usage: replay_<target> DIR|FILE...
 * Prints TAP, one test per input. A target reports a bad input by
 * crashing (abort, sanitizer): the input is named on the line before. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct paths {
        char **v;
        size_t n, cap;
} paths;

static void die(const char *what, const char *path)
{
        fprintf(stderr, "replay: %s: %s\n", path, what);
        exit(2);
}

static void add_path(paths *p, const char *dir, const char *name)
{
        if (p->n == p->cap) {
                p->cap = p->cap ? p->cap * 2 : 64;
                p->v   = realloc(p->v, p->cap * sizeof(*p->v));
                if (!p->v)
                        die("out of memory", dir);
        }
        size_t len = strlen(dir) + strlen(name) + 2;
        char *s    = malloc(len);
        if (!s)
                die("out of memory", dir);
        snprintf(s, len, "%s%s%s", dir, *name ? "/" : "", name);
        p->v[p->n++] = s;
}

static int by_name(const void *a, const void *b)
{
        return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The regular files directly in @dir (corpora are flat). */
static void add_dir(paths *p, const char *dir)
{
        DIR *d = opendir(dir);
        struct dirent *e;

        if (!d)
                die("cannot open the directory", dir);
        size_t first = p->n;
        while ((e = readdir(d))) {
                if (e->d_name[0] != '.')
                        add_path(p, dir, e->d_name);
        }
        closedir(d);
        qsort(p->v + first, p->n - first, sizeof(*p->v), by_name);
}

/* The whole file, in a buffer of exactly its size (so that valgrind sees
 * a read past the end, as libFuzzer's ASan build would); never NULL. */
static uint8_t *read_file(const char *path, size_t *size)
{
        FILE *f      = fopen(path, "rb");
        uint8_t *buf = NULL, *exact;
        size_t cap = 0, n = 0;

        if (!f)
                die("cannot open", path);
        do {
                if (n == cap) {
                        cap = cap ? cap * 2 : 4096;
                        buf = realloc(buf, cap);
                        if (!buf)
                                die("out of memory", path);
                }
                n += fread(buf + n, 1, cap - n, f);
        } while (n == cap);
        if (ferror(f))
                die("read error", path);
        fclose(f);
        exact = malloc(n ? n : 1);
        if (!exact)
                die("out of memory", path);
        memcpy(exact, buf, n);
        free(buf);
        *size = n;
        return exact;
}

int main(int argc, char **argv)
{
        paths p = {0};
        struct stat st;

        if (argc < 2) {
                fputs("usage: replay DIR|FILE...\n", stderr);
                return 2;
        }
        for (int i = 1; i < argc; i++) {
                if (stat(argv[i], &st))
                        die("no such file or directory", argv[i]);
                if (S_ISDIR(st.st_mode))
                        add_dir(&p, argv[i]);
                else
                        add_path(&p, argv[i], "");
        }
        if (!p.n)
                die("no inputs", argv[1]);
        printf("1..%zu\n", p.n);
        for (size_t i = 0; i < p.n; i++) {
                size_t size;
                uint8_t *data = read_file(p.v[i], &size);

                printf("# %s (%zu bytes)\n", p.v[i], size);
                fflush(stdout); /* named before a crash can hide it */
                LLVMFuzzerTestOneInput(data, size);
                printf("ok %zu - %s\n", i + 1,
                       strrchr(p.v[i], '/') ? strrchr(p.v[i], '/') + 1
                                            : p.v[i]);
                free(data);
                free(p.v[i]);
        }
        free(p.v);
        return 0;
}
