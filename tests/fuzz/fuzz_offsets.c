/* libFuzzer target: the offsets file reader (offsets.c).
 *
 * Every input must either load or fail with a one-line error naming the
 * file. What loads must be written back (serialize) as an image that
 * loads again and serializes to the same bytes: reader and writer agree.
 * Seed corpus: tests/unit/data/connect.offsets (written by a JVM).
 *
 * Build: clang -fsanitize=fuzzer,address,undefined -Iinclude -Ilibhttpsrc
 *        tests/fuzz/fuzz_offsets.c libhttpsrc/storage/offsets.c libhttpsrc/base/util.c
 * Run:   ./fuzz_offsets -max_total_time=120 CORPUS_DIR */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "httpsrc/common.h"
#include "offsets_int.h"
#include "util_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void visit(void *opaque, const char *partition, const char *offset)
{
        size_t *n = opaque;
        /* Touch every byte, so sanitizers see bad pointers. */
        *n += strlen(partition) + strlen(offset);
}

static offset_store *load(const void *buf, size_t len)
{
        char err[512] = "";
        offset_store *s =
            offset_store_load_buffer("fuzz", buf, len, err, sizeof(err));
        if (!s && strncmp(err, "fuzz: ", 6))
                abort(); /* failed without saying why */
        return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
        strbuf a = {0}, b = {0};
        size_t n        = 0;
        offset_store *s = load(data, size);
        if (!s)
                return 0;
        offset_store_foreach(s, "http-src", visit, &n);
        offset_store_foreach(s, "", visit, &n);
        if (offset_store_serialize(s, &a) != HTTPSRC_OK)
                goto out;
        offset_store *r = load(a.buf, a.len);
        if (!r)
                abort(); /* wrote what it cannot read */
        if (offset_store_serialize(r, &b) == HTTPSRC_OK &&
            (a.len != b.len || memcmp(a.buf, b.buf, a.len)))
                abort(); /* not a fixed point */
        offset_store_destroy(r);
out:
        sb_free(&a);
        sb_free(&b);
        offset_store_destroy(s);
        return 0;
}
