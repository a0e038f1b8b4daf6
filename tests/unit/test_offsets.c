/* Unit tests: offsets.c, the standalone offset store in Kafka Connect's
 * FileOffsetBackingStore format.
 *
 * tests/unit/data/connect.offsets was written by a real JVM
 * (tests/unit/data/GenOffsets.java). Files written by this module were
 * checked by hand with tests/unit/data/ReadOffsets.java (Java's
 * ObjectInputStream); the tests here compare against bytes built by hand
 * from the serialization spec instead, so CI needs no Java. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "httpsrc/common.h"
#include "offset_value_int.h"
#include "offsets_int.h"
#include "util_int.h"

#define GOLDEN HTTPSRC_SOURCE_ROOT "/tests/unit/data/connect.offsets"

/* The three entries of the golden file, in byte order of their keys. */
#define K_GONE  "[\"http-src\",{\"url\":\"https://api.example/gone\"}]"
#define K_ITEMS "[\"http-src\",{\"url\":\"https://api.example/items\"}]"
#define V_ITEMS "{\"cursor\":\"abc\",\"ts\":1700000000000}"
#define K_ZUR   "[\"other\",{\"city\":\"Z\xc3\xbcrich\"}]"
#define V_ZUR   "{\"page\":\"Caf\xc3\xa9 \xe2\x98\x95\"}"
#define P_GONE  "{\"url\":\"https://api.example/gone\"}"
#define P_ITEMS "{\"url\":\"https://api.example/items\"}"
#define P_ZUR   "{\"city\":\"Z\xc3\xbcrich\"}"

#define ERR_PREFIX "g: not a Kafka Connect offsets file: "

/* ------------------------------------------------------------------ */
/* A hand-made Java serialization stream, built from the spec           */
/* ------------------------------------------------------------------ */

static void put_raw(strbuf *sb, const void *b, size_t n)
{
        assert_int_equal(sb_append(sb, b, n), 0);
}

static void put_be32(strbuf *sb, uint32_t v)
{
        unsigned char b[4] = {v >> 24, v >> 16 & 0xFF, v >> 8 & 0xFF, v & 0xFF};
        put_raw(sb, b, 4);
}

/* Magic, HashMap class descriptor and object, loadFactor 0.75f,
 * threshold, block data with buckets and size. */
static void
jstream_begin(strbuf *sb, uint32_t threshold, uint32_t buckets, uint32_t size)
{
        static const unsigned char head[] = {
            0xAC, 0xED, 0x00, 0x05, 0x73, 0x72, 0x00, 0x11, 'j',  'a',
            'v',  'a',  '.',  'u',  't',  'i',  'l',  '.',  'H',  'a',
            's',  'h',  'M',  'a',  'p',  0x05, 0x07, 0xDA, 0xC1, 0xC3,
            0x16, 0x60, 0xD1, 0x03, 0x00, 0x02, 0x46, 0x00, 0x0A, 'l',
            'o',  'a',  'd',  'F',  'a',  'c',  't',  'o',  'r',  0x49,
            0x00, 0x09, 't',  'h',  'r',  'e',  's',  'h',  'o',  'l',
            'd',  0x78, 0x70, 0x3F, 0x40, 0x00, 0x00};
        put_raw(sb, head, sizeof(head));
        put_be32(sb, threshold);
        put_raw(sb, "\x77\x08", 2);
        put_be32(sb, buckets);
        put_be32(sb, size);
}

/* A byte[]: the first defines class "[B", later ones refer to it. */
static void jstream_bytes(strbuf *sb, const char *s, int first)
{
        static const unsigned char desc[] = {
            0x75, 0x72, 0x00, 0x02, '[',  'B',  0xAC, 0xF3, 0x17, 0xF8,
            0x06, 0x08, 0x54, 0xE0, 0x02, 0x00, 0x00, 0x78, 0x70};
        static const unsigned char ref[] = {0x75, 0x71, 0x00, 0x7E, 0x00, 0x02};
        if (first)
                put_raw(sb, desc, sizeof(desc));
        else
                put_raw(sb, ref, sizeof(ref));
        put_be32(sb, (uint32_t)strlen(s));
        put_raw(sb, s, strlen(s));
}

static void jstream_null(strbuf *sb)
{
        put_raw(sb, "\x70", 1);
}

static void jstream_end(strbuf *sb)
{
        put_raw(sb, "\x78", 1);
}

/* The golden entries as this module writes them: sorted by key. */
static void expected_golden(strbuf *sb)
{
        jstream_begin(sb, 12, 16, 3);
        jstream_bytes(sb, K_GONE, 1);
        jstream_null(sb);
        jstream_bytes(sb, K_ITEMS, 0);
        jstream_bytes(sb, V_ITEMS, 0);
        jstream_bytes(sb, K_ZUR, 0);
        jstream_bytes(sb, V_ZUR, 0);
        jstream_end(sb);
}

/* ------------------------------------------------------------------ */
/* Files                                                                */
/* ------------------------------------------------------------------ */

static char *read_all(const char *path, size_t *len)
{
        strbuf sb = {0};
        FILE *fp  = fopen(path, "rb");
        assert_non_null(fp);
        char b[4096];
        size_t n;
        while ((n = fread(b, 1, sizeof(b), fp)) > 0)
                put_raw(&sb, b, n);
        fclose(fp);
        *len = sb.len;
        return sb_steal(&sb);
}

static void write_all(const char *path, const void *b, size_t n)
{
        FILE *fp = fopen(path, "wb");
        assert_non_null(fp);
        assert_int_equal(fwrite(b, 1, n, fp), n);
        assert_int_equal(fclose(fp), 0);
}

struct tmpdir {
        char dir[64];
        char file[128];
};

static void tmpdir_make(struct tmpdir *t)
{
        strcpy(t->dir, "/tmp/test_offsets.XXXXXX");
        assert_non_null(mkdtemp(t->dir));
        snprintf(t->file, sizeof(t->file), "%s/connect.offsets", t->dir);
}

/* Names in the directory, sorted, joined with ' '. */
static void tmpdir_list(const struct tmpdir *t, char *out, size_t size)
{
        char names[16][256];
        size_t n = 0;
        DIR *d   = opendir(t->dir);
        assert_non_null(d);
        struct dirent *de;
        while ((de = readdir(d)) && n < 16) {
                if (de->d_name[0] == '.')
                        continue;
                snprintf(names[n++], sizeof(names[0]), "%s", de->d_name);
        }
        closedir(d);
        qsort(names, n, sizeof(names[0]),
              (int (*)(const void *, const void *))strcmp);
        out[0] = '\0';
        for (size_t i = 0; i < n; i++)
                snprintf(out + strlen(out), size - strlen(out), "%s%s",
                         i ? " " : "", names[i]);
}

static void tmpdir_remove(struct tmpdir *t)
{
        unlink(t->file);
        assert_int_equal(rmdir(t->dir), 0);
}

static void assert_serialized(const offset_store *s, const strbuf *want)
{
        strbuf got = {0};
        assert_int_equal(offset_store_serialize(s, &got), HTTPSRC_OK);
        assert_int_equal(got.len, want->len);
        assert_memory_equal(got.buf, want->buf, want->len);
        sb_free(&got);
}

/* offset_store_get(), which must succeed: the offset or NULL. */
static const char *
stored(const offset_store *s, const char *connector, const char *part)
{
        const char *v = "unset";
        assert_int_equal(offset_store_get(s, connector, part, &v), HTTPSRC_OK);
        return v;
}

/* ------------------------------------------------------------------ */
/* Reading the JVM-written golden file                                  */
/* ------------------------------------------------------------------ */

static void test_golden_read(void **state)
{
        char err[256]   = "";
        offset_store *s = offset_store_open(GOLDEN, err, sizeof(err));
        assert_non_null(s);
        assert_string_equal(err, "");
        assert_string_equal(stored(s, "http-src", P_ITEMS), V_ITEMS);
        assert_string_equal(stored(s, "other", P_ZUR), V_ZUR);
        assert_null(stored(s, "http-src", P_GONE));
        assert_null(stored(s, "other", P_ITEMS));
        assert_null(stored(s, "http-src", "{}"));

        /* All three entries, the tombstone included, are kept. */
        strbuf want = {0};
        expected_golden(&want);
        assert_serialized(s, &want);
        sb_free(&want);
        offset_store_destroy(s);
}

/* Java's entry order follows identity hash codes, so its bytes cannot be
 * reproduced; everything before the first entry and the total length
 * must match, though. */
static void test_golden_layout_matches_java(void **state)
{
        size_t glen;
        char *golden    = read_all(GOLDEN, &glen);
        offset_store *s = offset_store_open(NULL, NULL, 0);
        assert_non_null(s);
        assert_int_equal(offset_store_put(s, "other", P_ZUR, V_ZUR), 0);
        assert_int_equal(offset_store_put(s, "http-src", P_GONE, NULL), 0);
        assert_int_equal(offset_store_put(s, "http-src", P_ITEMS, V_ITEMS), 0);
        strbuf got = {0};
        assert_int_equal(offset_store_serialize(s, &got), HTTPSRC_OK);
        assert_int_equal(got.len, glen);
        assert_int_equal(glen, 324);
        assert_memory_equal(got.buf, golden, 0x51);

        /* The same hand-built bytes describe both: checks the builder. */
        strbuf want = {0};
        jstream_begin(&want, 12, 16, 3);
        assert_memory_equal(want.buf, golden, want.len);
        sb_free(&want);
        expected_golden(&want);
        assert_memory_equal(got.buf, want.buf, want.len);

        sb_free(&want);
        sb_free(&got);
        free(golden);
        offset_store_destroy(s);
}

/* ------------------------------------------------------------------ */
/* Writing                                                              */
/* ------------------------------------------------------------------ */

static void test_flush_writes_expected_bytes(void **state)
{
        struct tmpdir t;
        char err[256] = "", names[256];
        tmpdir_make(&t);
        offset_store *s = offset_store_open(t.file, err, sizeof(err));
        assert_non_null(s);
        assert_int_equal(offset_store_put(s, "http-src", P_ITEMS, "{}"), 0);
        assert_int_equal(offset_store_put(s, "other", P_ZUR, V_ZUR), 0);
        assert_int_equal(offset_store_put(s, "http-src", P_GONE, NULL), 0);
        assert_int_equal(offset_store_put(s, "http-src", P_ITEMS, V_ITEMS), 0);
        assert_int_equal(offset_store_flush(s, err, sizeof(err)), HTTPSRC_OK);
        assert_string_equal(err, "");

        size_t len;
        char *got   = read_all(t.file, &len);
        strbuf want = {0};
        expected_golden(&want);
        assert_int_equal(len, want.len);
        assert_memory_equal(got, want.buf, len);
        /* Atomic write: the temporary file was renamed away. */
        tmpdir_list(&t, names, sizeof(names));
        assert_string_equal(names, "connect.offsets");

        free(got);
        sb_free(&want);
        offset_store_destroy(s);
        tmpdir_remove(&t);
}

static void test_empty_map_layout(void **state)
{
        /* What Java writes for new HashMap<>(): no table yet, so
         * threshold 0 and 16 buckets; 82 bytes (checked with a JVM). */
        offset_store *s = offset_store_open(NULL, NULL, 0);
        strbuf want     = {0};
        jstream_begin(&want, 0, 16, 0);
        jstream_end(&want);
        assert_int_equal(want.len, 82);
        assert_serialized(s, &want);
        sb_free(&want);
        offset_store_destroy(s);
}

static void test_roundtrip_many(void **state)
{
        struct tmpdir t;
        char err[256] = "", part[64], val[64];
        tmpdir_make(&t);
        offset_store *s = offset_store_open(t.file, err, sizeof(err));
        for (int i = 0; i < 30; i++) {
                snprintf(part, sizeof(part), "{\"page\":%d}", i);
                snprintf(val, sizeof(val), "{\"cursor\":\"c%d\"}", i);
                assert_int_equal(offset_store_put(s, i % 2 ? "b" : "a", part,
                                                  i % 5 ? val : NULL),
                                 0);
        }
        assert_int_equal(offset_store_flush(s, err, sizeof(err)), HTTPSRC_OK);
        offset_store_destroy(s);

        /* 30 entries: Java's table has grown to 64 buckets, threshold 48. */
        size_t len;
        char *raw = read_all(t.file, &len);
        assert_memory_equal(raw + 0x43,
                            "\x00\x00\x00\x30\x77\x08"
                            "\x00\x00\x00\x40\x00\x00\x00\x1e",
                            14);
        free(raw);

        s = offset_store_open(t.file, err, sizeof(err));
        assert_non_null(s);
        for (int i = 0; i < 30; i++) {
                snprintf(part, sizeof(part), "{\"page\":%d}", i);
                snprintf(val, sizeof(val), "{\"cursor\":\"c%d\"}", i);
                const char *got = stored(s, i % 2 ? "b" : "a", part);
                if (i % 5)
                        assert_string_equal(got, val);
                else
                        assert_null(got);
                assert_null(stored(s, i % 2 ? "a" : "b", part));
        }
        offset_store_destroy(s);
        tmpdir_remove(&t);
}

static void stat_file(const char *path, struct stat *st)
{
        assert_int_equal(stat(path, st), 0);
}

static int same_file(const struct stat *a, const struct stat *b)
{
        return a->st_ino == b->st_ino &&
               a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
               a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

static void test_flush_only_when_dirty(void **state)
{
        struct tmpdir t;
        char err[256] = "";
        struct stat a, b;
        tmpdir_make(&t);
        offset_store *s = offset_store_open(t.file, err, sizeof(err));

        /* Nothing to write: no file is created. */
        assert_int_equal(offset_store_flush(s, err, sizeof(err)), HTTPSRC_OK);
        assert_int_equal(access(t.file, F_OK), -1);

        assert_int_equal(offset_store_put(s, "c", "{\"p\":1}", "{\"o\":1}"), 0);
        assert_int_equal(offset_store_flush(s, err, sizeof(err)), HTTPSRC_OK);
        stat_file(t.file, &a);
        assert_int_equal(offset_store_flush(s, err, sizeof(err)), HTTPSRC_OK);
        stat_file(t.file, &b);
        assert_true(same_file(&a, &b));

        /* Putting the value it already has (or a tombstone on a
         * tombstone) changes nothing either. */
        assert_int_equal(offset_store_put(s, "c", "{\"p\":1}", "{\"o\":1}"), 0);
        assert_int_equal(offset_store_put(s, "c", "{\"p\":2}", NULL), 0);
        assert_int_equal(offset_store_flush(s, err, sizeof(err)), HTTPSRC_OK);
        stat_file(t.file, &a);
        assert_int_equal(offset_store_put(s, "c", "{\"p\":2}", NULL), 0);
        assert_int_equal(offset_store_flush(s, err, sizeof(err)), HTTPSRC_OK);
        stat_file(t.file, &b);
        assert_true(same_file(&a, &b));
        offset_store_destroy(s);

        /* A freshly opened store is clean. */
        s = offset_store_open(t.file, err, sizeof(err));
        assert_int_equal(offset_store_flush(s, err, sizeof(err)), HTTPSRC_OK);
        stat_file(t.file, &b);
        assert_true(same_file(&a, &b));

        /* A change is written as a new file (rename), keeping its mode. */
        assert_int_equal(chmod(t.file, 0600), 0);
        assert_int_equal(offset_store_put(s, "c", "{\"p\":1}", "{\"o\":2}"), 0);
        assert_int_equal(offset_store_flush(s, err, sizeof(err)), HTTPSRC_OK);
        stat_file(t.file, &b);
        assert_true(a.st_ino != b.st_ino);
        assert_int_equal(b.st_mode & 07777, 0600);
        offset_store_destroy(s);
        tmpdir_remove(&t);
}

static void test_flush_error(void **state)
{
        struct tmpdir t;
        char err[1024] = "", want[1024], path[256], names[256];
        tmpdir_make(&t);
        snprintf(path, sizeof(path), "%s/missing/connect.offsets", t.dir);
        offset_store *s = offset_store_open(path, err, sizeof(err));
        assert_non_null(s);
        assert_int_equal(offset_store_put(s, "c", "{}", "{}"), 0);
        assert_int_equal(offset_store_flush(s, err, sizeof(err)),
                         HTTPSRC_ERR_IO);
        snprintf(want, sizeof(want),
                 "%s: cannot create temporary file %s.tmp.%ld: No such file "
                 "or directory",
                 path, path, (long)getpid());
        assert_string_equal(err, want);
        offset_store_destroy(s);

        tmpdir_list(&t, names, sizeof(names));
        assert_string_equal(names, "");
        tmpdir_remove(&t);
}

static void test_rename_error_removes_tmp(void **state)
{
        struct tmpdir t;
        char err[1024] = "", want[1024], names[256], inner[256];
        tmpdir_make(&t);
        offset_store *s = offset_store_open(t.file, err, sizeof(err));
        assert_non_null(s);
        /* The path becomes a non-empty directory: rename() must fail. */
        assert_int_equal(mkdir(t.file, 0700), 0);
        snprintf(inner, sizeof(inner), "%s/x", t.file);
        write_all(inner, "", 0);
        assert_int_equal(offset_store_put(s, "c", "{}", "{}"), 0);
        assert_int_equal(offset_store_flush(s, err, sizeof(err)),
                         HTTPSRC_ERR_IO);
        snprintf(want, sizeof(want),
                 "%s: cannot rename %s.tmp.%ld: Is a directory", t.file, t.file,
                 (long)getpid());
        assert_string_equal(err, want);
        tmpdir_list(&t, names, sizeof(names));
        assert_string_equal(names, "connect.offsets");

        /* Still dirty: once the path is free, the next flush writes. */
        assert_int_equal(unlink(inner), 0);
        assert_int_equal(rmdir(t.file), 0);
        assert_int_equal(offset_store_flush(s, err, sizeof(err)), HTTPSRC_OK);
        assert_int_equal(access(t.file, F_OK), 0);
        offset_store_destroy(s);
        tmpdir_remove(&t);
}

/* ------------------------------------------------------------------ */
/* Empty, missing, truncated and corrupt files                          */
/* ------------------------------------------------------------------ */

static void test_missing_and_empty_files(void **state)
{
        struct tmpdir t;
        char err[256] = "";
        tmpdir_make(&t);
        offset_store *s = offset_store_open(t.file, err, sizeof(err));
        assert_non_null(s);
        offset_store_destroy(s);

        /* 0 bytes: never written so (a flush renames a whole file), so
         * truncated: an error, not a silent start from the beginning. */
        char want[256];
        write_all(t.file, "", 0);
        s = offset_store_open(t.file, err, sizeof(err));
        assert_null(s);
        snprintf(want, sizeof(want),
                 "%s: the offsets file is empty (0 bytes), so the offsets "
                 "stored in it are lost: restore it from a backup, or delete "
                 "it to start every connector over from http.initial.offset",
                 t.file);
        assert_string_equal(err, want);

        /* A directory cannot be read. */
        s = offset_store_open(t.dir, err, sizeof(err));
        assert_null(s);
        snprintf(want, sizeof(want), "%s: cannot read: Is a directory", t.dir);
        assert_string_equal(err, want);
        tmpdir_remove(&t);
}

static void test_truncated_prefixes(void **state)
{
        size_t glen;
        char *golden = read_all(GOLDEN, &glen);
        char err[256];

        offset_store *s =
            offset_store_load_buffer("g", golden, 0, err, sizeof(err));
        assert_non_null(s);
        offset_store_destroy(s);
        for (size_t n = 1; n < glen; n++) {
                /* An exactly sized copy, so valgrind sees any over-read. */
                char *buf = malloc(n);
                memcpy(buf, golden, n);
                err[0] = '\0';
                s = offset_store_load_buffer("g", buf, n, err, sizeof(err));
                assert_null(s);
                unsigned long at;
                char tail;
                assert_int_equal(sscanf(err,
                                        ERR_PREFIX
                                        "unexpected end of file at byte %lu%c",
                                        &at, &tail),
                                 1);
                assert_true(at <= n);
                free(buf);
        }
        free(golden);
}

static void test_truncated_file_names_path(void **state)
{
        struct tmpdir t;
        char err[256] = "", want[256];
        size_t glen;
        char *golden = read_all(GOLDEN, &glen);
        tmpdir_make(&t);
        write_all(t.file, golden, 100);
        assert_null(offset_store_open(t.file, err, sizeof(err)));
        snprintf(want, sizeof(want),
                 "%s: not a Kafka Connect offsets file: unexpected end of "
                 "file at byte 100",
                 t.file);
        assert_string_equal(err, want);
        free(golden);
        tmpdir_remove(&t);
}

struct corruption {
        size_t at; /* byte to patch, SIZE_MAX: append a byte */
        unsigned char byte;
        const char *reason;
};

/* Offsets refer to the committed golden file (Java's entry order: the
 * "items" key first with the "[B" descriptor at 0x51, its value's
 * back-reference at 0x98). */
static const struct corruption corruptions[] = {
    {0x00, 0x00, "bad stream magic at byte 0"},
    {0x03, 0x06, "unsupported stream version 6 at byte 2"},
    {0x04, 0x77, "expected a java.util.HashMap object at byte 4"},
    {0x05, 0x71, "expected a class descriptor at byte 5"},
    {0x08, 'J', "class is not java.util.HashMap at byte 6"},
    {0x19, 0x00, "unexpected java.util.HashMap serialVersionUID at byte 25"},
    {0x21, 0x02, "unexpected java.util.HashMap class flags 0x02 at byte 33"},
    {0x23, 0x03, "unexpected java.util.HashMap fields at byte 34"},
    {0x24, 'I', "unexpected java.util.HashMap fields at byte 36"},
    {0x3D, 0x77, "unsupported class annotation at byte 61"},
    {0x3E, 0x72, "unsupported superclass at byte 62"},
    {0x3F, 0xFF, "invalid loadFactor at byte 63"}, /* 0xFF400000: NaN */
    {0x3F, 0xBF, "invalid loadFactor at byte 63"}, /* -0.75f */
    {0x48, 0x04, "expected capacity and size block at byte 71"},
    {0x4D, 0x80, "negative entry count at byte 77"},
    {0x51, 0x74, "expected byte[] or null, got type code 0x74 at byte 81"},
    {0x51, 0x70, "null key at byte 81"},
    {0x52, 0x73, "expected the byte[] class, got type code 0x73 at byte 82"},
    {0x56, 'C', "array class is not byte[] at byte 83"},
    {0x5A, 0x00, "unexpected byte[] serialVersionUID at byte 87"},
    {0x5F, 0x03, "unexpected byte[] class flags 0x03 at byte 95"},
    {0x61, 0x01, "unexpected byte[] fields at byte 96"},
    {0x64, 0x80, "negative array length at byte 100"},
    {0x66, 0x10, "unexpected end of file at byte 104"},
    {0x9D, 0x01, "bad back-reference 0x007e0001 at byte 153"},
    {0x9D, 0x09, "bad back-reference 0x007e0009 at byte 153"},
    {0x9A, 0x7F, "bad back-reference 0x7f7e0002 at byte 153"},
    {0x143, 0x79, "expected the end of the map at byte 323"},
    {SIZE_MAX, 0x78, "trailing data after the map at byte 324"},
};

static void test_corrupt_files(void **state)
{
        size_t glen;
        char *golden = read_all(GOLDEN, &glen);
        char err[256], want[256];
        for (size_t i = 0; i < sizeof(corruptions) / sizeof(corruptions[0]);
             i++) {
                const struct corruption *c = &corruptions[i];
                size_t n  = c->at == SIZE_MAX ? glen + 1 : glen;
                char *buf = malloc(n);
                memcpy(buf, golden, glen);
                buf[c->at == SIZE_MAX ? glen : c->at] = (char)c->byte;
                err[0]                                = '\0';
                offset_store *s =
                    offset_store_load_buffer("g", buf, n, err, sizeof(err));
                snprintf(want, sizeof(want), ERR_PREFIX "%s", c->reason);
                if (s || strcmp(err, want))
                        print_error("corruption %zu: got '%s'\n", i, err);
                assert_null(s);
                assert_string_equal(err, want);
                free(buf);
        }
        free(golden);
}

/* Back-references to arrays and duplicate keys (last one wins, as in
 * Connect's load()). Handles: 0 HashMap desc, 1 HashMap, 2 "[B" desc,
 * then 3.. the arrays. */
static void test_references_and_duplicates(void **state)
{
        char err[256] = "";
        strbuf sb     = {0};
        jstream_begin(&sb, 12, 16, 4);
        jstream_bytes(&sb, "[\"c\",{\"k\":1}]", 1); /* 3 */
        jstream_bytes(&sb, "{\"v\":1}", 0);         /* 4 */
        jstream_bytes(&sb, "[\"c\",{\"k\":1}]", 0); /* 5 */
        jstream_bytes(&sb, "{\"v\":2}", 0);         /* 6 */
        jstream_bytes(&sb, "[\"c\",{\"k\":2}]", 0); /* 7 */
        put_raw(&sb, "\x71\x00\x7e\x00\x06", 5);    /* -> 6 */
        put_raw(&sb, "\x71\x00\x7e\x00\x07", 5);    /* key 7 again */
        jstream_null(&sb);
        jstream_end(&sb);
        offset_store *s =
            offset_store_load_buffer("g", sb.buf, sb.len, err, sizeof(err));
        assert_non_null(s);
        assert_string_equal(err, "");
        assert_string_equal(stored(s, "c", "{\"k\":1}"), "{\"v\":2}");
        /* Key 7's second entry, a tombstone, came last. */
        assert_null(stored(s, "c", "{\"k\":2}"));

        strbuf want = {0};
        jstream_begin(&want, 12, 16, 2);
        jstream_bytes(&want, "[\"c\",{\"k\":1}]", 1);
        jstream_bytes(&want, "{\"v\":2}", 0);
        jstream_bytes(&want, "[\"c\",{\"k\":2}]", 0);
        jstream_null(&want);
        jstream_end(&want);
        assert_serialized(s, &want);
        sb_free(&want);
        sb_free(&sb);
        offset_store_destroy(s);
}

/* ------------------------------------------------------------------ */
/* Tombstones, keys, foreach                                            */
/* ------------------------------------------------------------------ */

static void test_tombstones(void **state)
{
        offset_store *s = offset_store_open(NULL, NULL, 0);
        assert_int_equal(offset_store_put(s, "c", "{\"p\":1}", "{\"o\":1}"), 0);
        assert_string_equal(stored(s, "c", "{\"p\":1}"), "{\"o\":1}");
        assert_int_equal(offset_store_put(s, "c", "{\"p\":1}", NULL), 0);
        assert_null(stored(s, "c", "{\"p\":1}"));
        /* A tombstone for an unknown partition is recorded too. */
        assert_int_equal(offset_store_put(s, "c", "{\"p\":0}", NULL), 0);

        strbuf want = {0};
        jstream_begin(&want, 12, 16, 2);
        jstream_bytes(&want, "[\"c\",{\"p\":0}]", 1);
        jstream_null(&want);
        jstream_bytes(&want, "[\"c\",{\"p\":1}]", 0);
        jstream_null(&want);
        jstream_end(&want);
        assert_serialized(s, &want);
        sb_free(&want);

        assert_int_equal(offset_store_put(s, "c", "{\"p\":1}", "{\"o\":2}"), 0);
        assert_string_equal(stored(s, "c", "{\"p\":1}"), "{\"o\":2}");
        offset_store_destroy(s);
}

static void test_put_invalid(void **state)
{
        offset_store *s = offset_store_open(NULL, NULL, 0);
        assert_int_equal(offset_store_put(NULL, "c", "{}", "{}"),
                         HTTPSRC_ERR_INVAL);
        assert_int_equal(offset_store_put(s, NULL, "{}", "{}"),
                         HTTPSRC_ERR_INVAL);
        assert_int_equal(offset_store_put(s, "c", NULL, "{}"),
                         HTTPSRC_ERR_INVAL);
        const char *v = "unset";
        assert_int_equal(offset_store_get(NULL, "c", "{}", &v),
                         HTTPSRC_ERR_INVAL);
        assert_null(v);
        assert_int_equal(offset_store_flush(s, NULL, 0), HTTPSRC_OK);
        offset_store_destroy(s);
        offset_store_destroy(NULL);
}

struct visits {
        strbuf out;
        int n;
};

static void visit(void *opaque, const char *partition, const char *offset)
{
        struct visits *v = opaque;
        v->n++;
        assert_int_equal(sb_printf(&v->out, "%s=%s;", partition, offset), 0);
}

static void
assert_visits(const offset_store *s, const char *connector, const char *want)
{
        struct visits v = {{0}, 0};
        offset_store_foreach(s, connector, visit, &v);
        assert_string_equal(v.out.buf ? v.out.buf : "", want);
        sb_free(&v.out);
}

static void test_foreach_golden(void **state)
{
        offset_store *s = offset_store_open(GOLDEN, NULL, 0);
        assert_non_null(s);
        assert_visits(s, "http-src", P_ITEMS "=" V_ITEMS ";");
        assert_visits(s, "other", P_ZUR "=" V_ZUR ";");
        assert_visits(s, "http", "");
        assert_visits(s, "", "");
        offset_store_destroy(s);
}

static void test_connector_name_escaping(void **state)
{
        /* Jackson escapes '"', '\\', control characters (short forms for
         * \b \f \n \r \t, else \u00XX upper case); nothing else. */
        const char *name = "a\"b\\c\n\t\b\f\r\x01\x1f\x7f/\xc3\xa9";
        offset_store *s  = offset_store_open(NULL, NULL, 0);
        assert_int_equal(offset_store_put(s, name, "{\"p\":1}", "{\"o\":1}"),
                         0);
        strbuf want = {0};
        jstream_begin(&want, 12, 16, 1);
        jstream_bytes(&want,
                      "[\"a\\\"b\\\\c\\n\\t\\b\\f\\r\\u0001\\u001F\x7f/"
                      "\xc3\xa9\",{\"p\":1}]",
                      1);
        jstream_bytes(&want, "{\"o\":1}", 0);
        jstream_end(&want);
        assert_serialized(s, &want);
        assert_string_equal(stored(s, name, "{\"p\":1}"), "{\"o\":1}");
        assert_visits(s, name, "{\"p\":1}={\"o\":1};");
        assert_visits(s, "a\"b\\c\n", "");

        /* Read back from the file image, the key is parsed again. */
        offset_store *r =
            offset_store_load_buffer("g", want.buf, want.len, NULL, 0);
        assert_non_null(r);
        assert_visits(r, name, "{\"p\":1}={\"o\":1};");
        offset_store_destroy(r);
        sb_free(&want);
        offset_store_destroy(s);
}

/* Keys written by other tools: foreach decodes the connector name and
 * passes the partition's exact bytes; other shapes are kept, unvisited. */
static void test_foreach_foreign_keys(void **state)
{
        static const char *keys[] = {
            " [ \"\\u0061b\\ud83d\\ude00\" , {\"x\":\"]}\\\"\"} ] ",
            "[\"ab\"]",
            "not json",
            "[\"ab\",{},1]",
            "[\"ab\",\"s\"]",
            "[\"ab\",{\"x\":1}",
            "[\"a\\u00\",{}]",
            "[\"ab\\udc00\",{}]",
            "[\"ab\",{}]",
        };
        const size_t nkeys = sizeof(keys) / sizeof(keys[0]);
        strbuf sb          = {0};
        jstream_begin(&sb, 12, 16, (uint32_t)nkeys);
        for (size_t i = 0; i < nkeys; i++) {
                jstream_bytes(&sb, keys[i], i == 0);
                jstream_bytes(&sb, "{\"o\":1}", 0);
        }
        jstream_end(&sb);
        offset_store *s =
            offset_store_load_buffer("g", sb.buf, sb.len, NULL, 0);
        assert_non_null(s);
        assert_visits(s, "ab\xf0\x9f\x98\x80", "{\"x\":\"]}\\\"\"}={\"o\":1};");
        assert_visits(s, "ab", "{}={\"o\":1};");

        /* All nine are written back. */
        strbuf out = {0};
        assert_int_equal(offset_store_serialize(s, &out), HTTPSRC_OK);
        assert_memory_equal(out.buf + 0x4D, "\x00\x00\x00\x09", 4);
        sb_free(&out);
        sb_free(&sb);
        offset_store_destroy(s);
}

/* Only ["<connector>",{...}] keys are a connector's partitions, whether
 * put here or read from a file (Connect's OffsetUtils rule). */
static void test_put_non_object_partition(void **state)
{
        offset_store *s = offset_store_open(NULL, NULL, 0);
        assert_int_equal(offset_store_put(s, "ab", "\"s\"", "{\"o\":1}"), 0);
        assert_int_equal(offset_store_put(s, "ab", "{\"p\":1}", "{\"o\":2}"),
                         0);
        assert_string_equal(stored(s, "ab", "\"s\""), "{\"o\":1}");
        assert_visits(s, "ab", "{\"p\":1}={\"o\":2};");
        offset_store_destroy(s);
}


/* ------------------------------------------------------------------ */
/* offset_value: TIMESTAMP/ID values compared exactly                  */
/* ------------------------------------------------------------------ */

static int vcmp(const char *a, const char *b)
{
        int bad = -1;
        int r   = offset_value_cmp(a, b, &bad);
        assert_int_equal(bad, 0);
        int back = offset_value_cmp(b, a, &bad);
        assert_int_equal(bad, 0);
        assert_int_equal(r < 0 ? -1 : r > 0, back < 0 ? 1 : back > 0 ? -1 : 0);
        return r < 0 ? -1 : r > 0;
}

/* Ids above 2^53 were compared as doubles: neighbours compared equal,
 * so a record with the next snowflake id was dropped as seen before. */
static void test_value_big_integers(void **state)
{
        (void)state;
        assert_int_equal(vcmp("9007199254740993", "9007199254740992"), 1);
        assert_int_equal(vcmp("1790000000000000001", "1790000000000000000"),
                         1);
        assert_int_equal(vcmp("1790000000000000000", "1790000000000000000"),
                         0);
        /* 40 digits, beyond any integer type */
        assert_int_equal(vcmp("1234567890123456789012345678901234567891",
                              "1234567890123456789012345678901234567890"),
                         1);
        assert_int_equal(
            vcmp("10000000000000000000000", "9999999999999999999999"), 1);
        assert_int_equal(vcmp("18446744073709551616", "18446744073709551615"),
                         1);
}

static void test_value_signs_and_forms(void **state)
{
        (void)state;
        assert_int_equal(vcmp("-5", "3"), -1);
        assert_int_equal(vcmp("-10", "-9"), -1);
        assert_int_equal(vcmp("-9007199254740993", "-9007199254740992"), -1);
        assert_int_equal(vcmp("0", "-0"), 0);
        assert_int_equal(vcmp("0.000", "0"), 0);
        assert_int_equal(vcmp("-1", "0"), -1);
        assert_int_equal(vcmp("1.50", "1.5"), 0);
        assert_int_equal(vcmp("1e3", "1000"), 0);
        assert_int_equal(vcmp("1E+3", "999.9999999999999999999"), 1);
        assert_int_equal(vcmp("10", "9.99"), 1);
        assert_int_equal(vcmp("0.1", "0.09"), 1);
        assert_int_equal(vcmp("007", "7"), 0);
        assert_int_equal(vcmp("25e-1", "2.5"), 0);
        assert_int_equal(vcmp("-2.5", "-2.45"), -1);
}

static void test_value_instants(void **state)
{
        (void)state;
        assert_int_equal(vcmp("2024-01-01T01:00:50+01:00",
                              "2024-01-01T00:00:50Z"),
                         0);
        assert_int_equal(vcmp("2024-01-01T00:00:00.1Z",
                              "2024-01-01T00:00:00.10Z"),
                         0);
        assert_int_equal(vcmp("2024-01-01T00:00:00.123456789Z",
                              "2024-01-01T00:00:00.123456788Z"),
                         1);
        assert_int_equal(vcmp("2024-01-01T00:00:00Z",
                              "2023-12-31T23:59:59.999999999999Z"),
                         1);
        assert_int_equal(vcmp("2024-02-29", "2024-02-29T00:29:59+00:30"), 1);
        int bad = 0;
        offset_value_cmp("2024-01-01T00:00:00Z", "1704067200", &bad);
        assert_int_equal(bad, 1);
}

static void assert_refused(enum offset_value_mode mode,
                           const char *v,
                           const char *reason)
{
        char why[256] = "";
        const char *shown = v ? v : "(null)"; /* glibc's %s of NULL is not C */
        if (offset_value_check(mode, v, why, sizeof(why)) != -1)
                fail_msg("'%s' was accepted", shown);
        if (!strstr(why, reason))
                fail_msg("'%s': '%s' lacks '%s'", shown, why, reason);
}

static void test_value_check(void **state)
{
        (void)state;
        static const char *const ok_id[] = {
            "0", "-1", "9007199254740993", "12345678901234567890123456789",
            "1.5", "1e300", "007"};
        for (size_t i = 0; i < sizeof(ok_id) / sizeof(*ok_id); i++)
                assert_int_equal(
                    offset_value_check(OFFSET_VALUE_ID, ok_id[i], NULL, 0), 0);
        assert_refused(OFFSET_VALUE_ID, "nan", "not a decimal number");
        assert_refused(OFFSET_VALUE_ID, "inf", "not a decimal number");
        assert_refused(OFFSET_VALUE_ID, "-Infinity", "not a decimal number");
        assert_refused(OFFSET_VALUE_ID, "0x10", "not a decimal number");
        assert_refused(OFFSET_VALUE_ID, "+5", "not a decimal number");
        assert_refused(OFFSET_VALUE_ID, "", "not a decimal number");
        assert_refused(OFFSET_VALUE_ID, "abc", "not a decimal number");
        assert_refused(OFFSET_VALUE_ID, "1.", "not a decimal number");
        assert_refused(OFFSET_VALUE_ID, "1e400", "out of range");
        assert_refused(OFFSET_VALUE_ID, "-1e400", "out of range");
        assert_refused(OFFSET_VALUE_ID, "1e-400", "out of range");
        assert_refused(OFFSET_VALUE_ID, "2024-01-01", "not a decimal number");
        assert_refused(OFFSET_VALUE_ID, NULL, "no value");

        static const char *const ok_ts[] = {
            "2024-02-29", "2024-01-01T00:00Z", "2024-01-01 10:20:30.5+01:00",
            "2024-12-31T23:59:59,999-0530", "1704067200", "1704067200000.5"};
        for (size_t i = 0; i < sizeof(ok_ts) / sizeof(*ok_ts); i++)
                assert_int_equal(offset_value_check(OFFSET_VALUE_TIMESTAMP,
                                                    ok_ts[i], NULL, 0),
                                 0);
        assert_refused(OFFSET_VALUE_TIMESTAMP, "2024-02-31", "calendar date");
        assert_refused(OFFSET_VALUE_TIMESTAMP, "2023-02-29", "calendar date");
        assert_refused(OFFSET_VALUE_TIMESTAMP, "2024-13-01", "calendar date");
        assert_refused(OFFSET_VALUE_TIMESTAMP, "2024-01-01T24:00:00Z",
                       "time of day");
        assert_refused(OFFSET_VALUE_TIMESTAMP, "2024-01-01T10:00:00.Z",
                       "fraction");
        assert_refused(OFFSET_VALUE_TIMESTAMP, "2024-01-01T10:00:00+25:00",
                       "UTC offset");
        assert_refused(OFFSET_VALUE_TIMESTAMP, "2024-01-01T10:00:00Zx",
                       "trailing");
        assert_refused(OFFSET_VALUE_TIMESTAMP, "nan", "nor a finite number");
        assert_refused(OFFSET_VALUE_TIMESTAMP, "1e400", "nor a finite number");
        assert_refused(OFFSET_VALUE_TIMESTAMP, "yesterday",
                       "nor a finite number");
}

static void test_value_json_number(void **state)
{
        (void)state;
        assert_true(offset_value_is_json_number("0"));
        assert_true(offset_value_is_json_number("-0.5"));
        assert_true(offset_value_is_json_number("9007199254740993"));
        assert_false(offset_value_is_json_number("007"));
        assert_false(offset_value_is_json_number("nan"));
}

/* ---- the backend hook (offsets_kafka.c writes through it) ---- */

typedef struct fake_backend {
        char seen[512]; /* "key=value;" per changed entry */
        int fail;
        int destroyed;
} fake_backend;

static int record_changed(void *opaque,
                          const char *key,
                          size_t key_len,
                          const char *val,
                          size_t val_len)
{
        fake_backend *b = opaque;
        size_t n        = strlen(b->seen);
        snprintf(b->seen + n, sizeof(b->seen) - n, "%.*s=%.*s;", (int)key_len,
                 key, val ? (int)val_len : 4, val ? val : "null");
        return 0;
}

static int fake_flush(void *opaque, offset_store *s, char *err, size_t n)
{
        fake_backend *b = opaque;
        b->seen[0]      = '\0';
        offset_store_foreach_changed(s, record_changed, b);
        if (b->fail)
                snprintf(err, n, "fake: down");
        return b->fail ? HTTPSRC_ERR_KAFKA : HTTPSRC_OK;
}

static void fake_destroy(void *opaque)
{
        ((fake_backend *)opaque)->destroyed = 1;
}

static const offset_backend fake_ops = {fake_flush, fake_destroy, NULL};

static void test_backend_changes(void **state)
{
        (void)state;
        fake_backend b  = {0};
        char err[128]   = "";
        const char *got = NULL;
        offset_store *s = offset_store_open(NULL, err, sizeof(err));
        assert_non_null(s);
        offset_store_set_backend(s, &fake_ops, &b);
        /* Loaded entries (read back from the topic) are not changes; the
         * last value of a key wins, a tombstone hides it. */
        const char k1[] = "[\"c\",{\"p\":1}]", k2[] = "[\"c\",{\"p\":2}]";
        assert_int_equal(offset_store_load_raw(s, k1, strlen(k1), "{\"o\":1}", 7), 0);
        assert_int_equal(offset_store_load_raw(s, k1, strlen(k1), "{\"o\":2}", 7), 0);
        assert_int_equal(offset_store_load_raw(s, k2, strlen(k2), "{\"o\":9}", 7), 0);
        assert_int_equal(offset_store_load_raw(s, k2, strlen(k2), NULL, 0), 0);
        assert_int_equal(offset_store_get(s, "c", "{\"p\":1}", &got), 0);
        assert_string_equal(got, "{\"o\":2}");
        assert_int_equal(offset_store_get(s, "c", "{\"p\":2}", &got), 0);
        assert_null(got);
        assert_int_equal(offset_store_flush(s, err, sizeof(err)), 0);
        assert_string_equal(b.seen, ""); /* nothing changed: no call */
        /* A put and a reset are changes, written once. */
        assert_int_equal(offset_store_put(s, "c", "{\"p\":3}", "{\"o\":3}"), 0);
        assert_int_equal(offset_store_put(s, "c", "{\"p\":1}", NULL), 0);
        b.fail = 1;
        assert_int_equal(offset_store_flush(s, err, sizeof(err)),
                         HTTPSRC_ERR_KAFKA);
        assert_string_equal(err, "fake: down");
        b.fail = 0; /* a failed flush keeps the changes for the next one */
        assert_int_equal(offset_store_flush(s, err, sizeof(err)), 0);
        assert_string_equal(b.seen, "[\"c\",{\"p\":1}]=null;"
                                    "[\"c\",{\"p\":3}]={\"o\":3};");
        strcpy(b.seen, "x");
        assert_int_equal(offset_store_flush(s, err, sizeof(err)), 0);
        assert_string_equal(b.seen, "x"); /* clean: not called again */
        offset_store_destroy(s);
        assert_int_equal(b.destroyed, 1);
}

/* ------------------------------------------------------------------ */
/* sealed page keys: no resolved secret stored, the exact key back      */
/* ------------------------------------------------------------------ */

static const char *const seal_refs[] = {"${env:K}", "${file:/s:k}",
                                        "${env:SHORT}"};
static const char *const seal_vals[] = {"s3cr3t", "s3cr3t-longer", "x$y"};

static void assert_seal(const char *key, const char *want_sealed)
{
        strbuf a = {0}, b = {0};
        assert_int_equal(offset_key_seal(key, seal_refs, seal_vals, 3, &a), 0);
        assert_string_equal(a.buf, want_sealed);
        for (size_t i = 0; i < 3; i++)
                assert_null(strstr(a.buf, seal_vals[i]));
        assert_int_equal(
            offset_key_unseal(a.buf, seal_refs, seal_vals, 3, &b), 0);
        assert_string_equal(b.buf, key);
        sb_free(&a);
        sb_free(&b);
}

static void test_key_seal(void **state)
{
        (void)state;
        assert_seal("/next?api_key=s3cr3t&page=2",
                    "/next?api_key=${env:K}&page=2");
        /* the longest value first */
        assert_seal("k=s3cr3t-longer;j=s3cr3t",
                    "k=${file:/s:k};j=${env:K}");
        /* an upstream "${env:K}" stays text: never the secret on resume */
        assert_seal("/n?x=${env:K}", "/n?x=$${env:K}");
        assert_seal("$s3cr3t", "$$${env:K}");
        assert_seal("a$$b$", "a$$$$b$$");
        assert_seal("v=x$y", "v=${env:SHORT}");
        assert_seal("", "");
        /* no secrets: as it is, both ways */
        strbuf a = {0};
        assert_int_equal(offset_key_seal("a$b${c}", NULL, NULL, 0, &a), 0);
        assert_string_equal(a.buf, "a$b${c}");
        sb_reset(&a);
        assert_int_equal(offset_key_unseal("a$b${c}", NULL, NULL, 0, &a), 0);
        assert_string_equal(a.buf, "a$b${c}");
        /* an unknown placeholder in a stored key stays as written */
        sb_reset(&a);
        assert_int_equal(offset_key_unseal("q=${env:OTHER}&k=${env:K}",
                                           seal_refs, seal_vals, 3, &a),
                         0);
        assert_string_equal(a.buf, "q=${env:OTHER}&k=s3cr3t");
        sb_free(&a);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_golden_read),
            cmocka_unit_test(test_golden_layout_matches_java),
            cmocka_unit_test(test_flush_writes_expected_bytes),
            cmocka_unit_test(test_empty_map_layout),
            cmocka_unit_test(test_roundtrip_many),
            cmocka_unit_test(test_flush_only_when_dirty),
            cmocka_unit_test(test_flush_error),
            cmocka_unit_test(test_rename_error_removes_tmp),
            cmocka_unit_test(test_missing_and_empty_files),
            cmocka_unit_test(test_truncated_prefixes),
            cmocka_unit_test(test_truncated_file_names_path),
            cmocka_unit_test(test_corrupt_files),
            cmocka_unit_test(test_references_and_duplicates),
            cmocka_unit_test(test_tombstones),
            cmocka_unit_test(test_put_invalid),
            cmocka_unit_test(test_foreach_golden),
            cmocka_unit_test(test_connector_name_escaping),
            cmocka_unit_test(test_foreach_foreign_keys),
            cmocka_unit_test(test_put_non_object_partition),
            cmocka_unit_test(test_value_big_integers),
            cmocka_unit_test(test_value_signs_and_forms),
            cmocka_unit_test(test_value_instants),
            cmocka_unit_test(test_value_check),
            cmocka_unit_test(test_value_json_number),
            cmocka_unit_test(test_backend_changes),
            cmocka_unit_test(test_key_seal),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
