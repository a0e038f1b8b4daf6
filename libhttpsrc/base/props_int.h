/* props module: Java .properties text (key=value, key:value, key value;
 * # and ! comments; a trailing backslash continues the line; escapes \t
 * \n \r \f \uXXXX with surrogate pairs, \x for any other x). */
#ifndef HTTPSRC_PROPS_INT_H
#define HTTPSRC_PROPS_INT_H

#include <stddef.h>

#include "util_int.h"

/** Called for each entry in file order, key and value unescaped and
 *  NUL-terminated; non-zero stops the parse and is returned. */
typedef int (*props_fn)(void *opaque,
                        const char *key,
                        size_t key_len,
                        const char *value,
                        size_t value_len,
                        int line);

/**
 * Parse @p len bytes of properties text. Unescaped trailing whitespace of
 * a value is kept when @p keep_trailing (as java.util.Properties does) and
 * dropped otherwise. Buffers are zeroed before they are freed: values may
 * be secrets. Returns 0, the callback's value, or -1 with *line and
 * *reason ("malformed \\uXXXX escape", "unpaired UTF-16 surrogate in \\u
 * escape", "\\u0000 is not allowed", "out of memory").
 */
int props_parse(const char *text,
                size_t len,
                int keep_trailing,
                props_fn fn,
                void *opaque,
                int *line,
                const char **reason);

#endif
