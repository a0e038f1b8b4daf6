/* The selection stage alone, for bench/run.sh's floors: the records of
 * every page file selected with the connector's selector (the records path
 * with the root and record member indexes, as task_page.c asks for
 * them), repeated N times over pages already in memory.
 *
 *   select_floor PATH N FILE...   e.g. '$.data[*]' 5 www/page*.json
 *
 * Prints "records bytes cpu_seconds" for one pass (the median pass); exit
 * 1 if a page is not valid JSON, 2 on bad usage. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "httpsrc/common.h"
#include "fileio_int.h"
#include "jsonpath_int.h"
#include "util_int.h"

static int count_span(void *opaque, const char *start, size_t len)
{
        (void)start;
        (void)len;
        (*(size_t *)opaque)++;
        return 0;
}

static double cpu_now(void)
{
        struct timespec ts;
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
        return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
        double x = *(const double *)a, y = *(const double *)b;
        return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
        if (argc < 4 || atoi(argv[2]) < 1 || atoi(argv[2]) > 1000) {
                fprintf(stderr, "usage: select_floor PATH N(1..1000) FILE...\n");
                return 2;
        }
        char err[512];
        jsonpath *p = jsonpath_compile(argv[1], err, sizeof(err));
        if (!p) {
                fprintf(stderr, "select_floor: %s\n", err);
                return 2;
        }
        int passes = atoi(argv[2]), files = argc - 3;
        strbuf *page = calloc((size_t)files, sizeof(*page));
        double *cpu  = calloc((size_t)passes, sizeof(*cpu));
        size_t bytes = 0;
        if (!page || !cpu)
                return 2;
        for (int i = 0; i < files; i++) {
                int e = 0;
                if (fileio_read(argv[3 + i], 0, &page[i], &e)) {
                        fprintf(stderr, "select_floor: %s: %s\n", argv[3 + i],
                                strerror(e));
                        return 2;
                }
                bytes += page[i].len;
        }
        json_root_index root = {0}, members = {0};
        size_t records = 0;
        for (int pass = 0; pass < passes; pass++) {
                records  = 0;
                double t = cpu_now();
                for (int i = 0; i < files; i++) {
                        if (jsonpath_select_spans_indexed(
                                p, page[i].buf, page[i].len, 0, count_span, &records,
                                &root, &members, err, sizeof(err))) {
                                fprintf(stderr, "select_floor: %s: %s\n",
                                        argv[3 + i], err);
                                return 1;
                        }
                }
                cpu[pass] = cpu_now() - t;
        }
        qsort(cpu, (size_t)passes, sizeof(*cpu), cmp_double);
        printf("%zu %zu %.4f\n", records, bytes, cpu[passes / 2]);
        json_root_index_free(&root);
        json_root_index_free(&members);
        for (int i = 0; i < files; i++)
                sb_free(&page[i]);
        free(page);
        free(cpu);
        jsonpath_destroy(p);
        return 0;
}
