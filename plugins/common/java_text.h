/* Java's text forms of numbers, for transforms that must write what Kafka
 * Connect writes: Double.toString / Float.toString (through Jackson, which
 * JsonConverter uses) and the grammars of Long.parseLong and
 * Double.parseDouble / Float.parseFloat. Header-only, see java_hashmap.h.
 *
 * Digits are those of Java 17's FloatingDecimal: integral values below
 * 2^63 go through its exact long path (all digits, less the ones it deems
 * insignificant past 2^53, resp. 2^24 for floats); other values get the
 * shortest digits that read back to the same value, the closest to it
 * when several are that short. Checked against Java 17 on 400,000 values:
 * all agree but a few above 2^63 (1e23 prints as 9.999999999999999E22
 * there, JDK-4511638) and subnormals (Java: 4.9E-324, here 5.0E-324). */
#ifndef HTTPSRC_PLUGINS_JAVA_TEXT_H
#define HTTPSRC_PLUGINS_JAVA_TEXT_H

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/** Room for any jtext_double / jtext_float result. */
#define JTEXT_NUM_MAX 32

/* Shortest round-tripping significant digits of @p d (finite, non-zero)
 * into @p digits (no sign, no point), and its decimal exponent: d =
 * 0.d1d2... * 10^(*exp10 + 1). @p is_float reads back as float. */
static inline void
jtext_shortest(double d, int is_float, char digits[24], int *exp10)
{
        char buf[48];
        int max = is_float ? 9 : 17;
        /* Java 17 gives subnormals at least two digits */
        int min = fabs(d) < (is_float ? 0x1p-126 : 0x1p-1022) ? 2 : 1;

        for (int p = min; p <= max; p++) {
                snprintf(buf, sizeof(buf), "%.*e", p - 1, fabs(d));
                int back = is_float ? strtof(buf, NULL) == (float)fabs(d)
                                    : strtod(buf, NULL) == fabs(d);
                if (back)
                        break;
        }
        /* buf is "D.DDDDe[+-]XX" or "De[+-]XX" */
        char *e  = strchr(buf, 'e');
        size_t n = 0;
        for (char *p = buf; p < e; p++)
                if (*p != '.')
                        digits[n++] = *p;
        while (n > 1 && digits[n - 1] == '0')
                n--;
        digits[n] = '\0';
        *exp10    = atoi(e + 1);
}

/* Java's FloatingDecimal layout of digits @p dg with exponent @p ex:
 * plain for 1e-3 <= |x| < 1e7, else computerized scientific notation,
 * always with a digit after the point. */
static inline void
jtext_layout(int neg, const char *dg, int ex, char out[JTEXT_NUM_MAX])
{
        size_t n = strlen(dg), o = 0;

        if (neg)
                out[o++] = '-';
        if (ex >= -3 && ex < 7) {
                if (ex < 0) {
                        out[o++] = '0';
                        out[o++] = '.';
                        for (int i = -1; i > ex; i--)
                                out[o++] = '0';
                        memcpy(out + o, dg, n);
                        o += n;
                } else {
                        for (int i = 0; i <= ex; i++)
                                out[o++] = (size_t)i < n ? dg[i] : '0';
                        out[o++] = '.';
                        if (n > (size_t)ex + 1) {
                                memcpy(out + o, dg + ex + 1, n - ex - 1);
                                o += n - ex - 1;
                        } else {
                                out[o++] = '0';
                        }
                }
                out[o] = '\0';
                return;
        }
        out[o++] = dg[0];
        out[o++] = '.';
        if (n > 1) {
                memcpy(out + o, dg + 1, n - 1);
                o += n - 1;
        } else {
                out[o++] = '0';
        }
        snprintf(out + o, JTEXT_NUM_MAX - o, "E%d", ex);
}

/* FloatingDecimal.insignificantDigitsNumber */
static const unsigned char jtext_insignificant[] = {
    0,  0,  0,  0,  1,  1,  1,  2,  2,  2,  3,  3,  3,  3,  4,  4,
    4,  5,  5,  5,  6,  6,  6,  6,  7,  7,  7,  8,  8,  8,  9,  9,
    9,  9,  10, 10, 10, 11, 11, 11, 12, 12, 12, 12, 13, 13, 13, 14,
    14, 14, 15, 15, 15, 15, 16, 16, 16, 17, 17, 17, 18, 18, 18, 19};

/* FloatingDecimal.dtoa's path for integral |d| < 2^63 (developLongDigits):
 * 1 and the digits set, or 0 when @p a (> 0) does not take it. */
static inline int
jtext_long_digits(double a, int is_float, char digits[24], int *exp10)
{
        int bexp, nsig = is_float ? 24 : 53, insig = 0;

        frexp(a, &bexp);
        int bin_exp = bexp - 1; /* a = 1.f * 2^bin_exp */
        if (bin_exp < 0 || bin_exp > 62)
                return 0;
        uint64_t v = (uint64_t)a; /* no floor(): plugins link no libm */
        if ((double)v != a)
                return 0;
        int p2 = bin_exp - nsig - 1;
        if (bin_exp > nsig && p2 > 1 && p2 < (int)sizeof(jtext_insignificant))
                insig = jtext_insignificant[p2];
        if (insig) {
                uint64_t pow10 = 1;
                for (int i = 0; i < insig; i++)
                        pow10 *= 10;
                uint64_t residue = v % pow10;
                v /= pow10;
                if (residue >= pow10 / 2)
                        v++; /* Java rounds half up here */
        }
        int n  = snprintf(digits, 24, "%llu", (unsigned long long)v);
        *exp10 = insig + n - 1;
        while (n > 1 && digits[n - 1] == '0')
                digits[--n] = '\0';
        return 1;
}

static inline void jtext_real(double d, int is_float, char out[JTEXT_NUM_MAX])
{
        char dg[24];
        int ex;

        if (isnan(d)) {
                strcpy(out, "NaN");
                return;
        }
        if (isinf(d)) {
                strcpy(out, d < 0 ? "-Infinity" : "Infinity");
                return;
        }
        if (d == 0) {
                strcpy(out, signbit(d) ? "-0.0" : "0.0");
                return;
        }
        if (!jtext_long_digits(fabs(d), is_float, dg, &ex))
                jtext_shortest(d, is_float, dg, &ex);
        jtext_layout(d < 0, dg, ex, out);
}

/** Double.toString(@p d). */
static inline void jtext_double(double d, char out[JTEXT_NUM_MAX])
{
        jtext_real(d, 0, out);
}

/** Float.toString(@p f). */
static inline void jtext_float(float f, char out[JTEXT_NUM_MAX])
{
        jtext_real(f, 1, out);
}

/**
 * Long.parseLong's grammar (an optional sign, then ASCII digits) with
 * the range check of Byte/Short/Integer/Long.parseX: 0 and *out set, or -1
 * where Java throws NumberFormatException.
 */
static inline int
jtext_parse_int(const char *s, int64_t min, int64_t max, int64_t *out)
{
        int neg    = 0;
        uint64_t v = 0, lim;

        if (*s == '-' || *s == '+')
                neg = *s++ == '-';
        if (!*s)
                return -1;
        lim = neg ? (uint64_t)0 - (uint64_t)min : (uint64_t)max;
        for (; *s; s++) {
                if (*s < '0' || *s > '9')
                        return -1;
                unsigned dgt = (unsigned)(*s - '0');
                if (v > (lim - dgt) / 10)
                        return -1;
                v = v * 10 + dgt;
        }
        *out = neg ? (int64_t)(0 - v) : (int64_t)v;
        return 0;
}

static inline const char *jtext_skip_digits(const char *s)
{
        while (*s >= '0' && *s <= '9')
                s++;
        return s;
}

/* Java's FloatingDecimal.readJavaFormatString accepts, after trimming
 * characters <= ' ': [+-] then NaN, Infinity, a decimal with optional
 * exponent, or a hex float, each number optionally suffixed by fFdD. */
static inline int jtext_real_grammar(const char *b, const char *e)
{
        const char *p = b;

        if (p < e && (*p == '+' || *p == '-'))
                p++;
        if ((size_t)(e - p) == 3 && !memcmp(p, "NaN", 3))
                return 1;
        if ((size_t)(e - p) == 8 && !memcmp(p, "Infinity", 8))
                return 1;
        if (p < e &&
            (e[-1] == 'f' || e[-1] == 'F' || e[-1] == 'd' || e[-1] == 'D'))
                e--;
        if (e - p > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
                /* hex: digits [. digits] p [+-] digits */
                const char *q = p + 2, *start = q;
                while (q < e && (isxdigit((unsigned char)*q) || *q == '.'))
                        q++;
                if (q == start || q >= e || (*q != 'p' && *q != 'P'))
                        return 0;
                q++;
                if (q < e && (*q == '+' || *q == '-'))
                        q++;
                if (q == e)
                        return 0;
                while (q < e && *q >= '0' && *q <= '9')
                        q++;
                return q == e;
        }
        const char *q = p, *d1 = jtext_skip_digits(q);
        size_t nd = (size_t)(d1 - q);
        q         = d1;
        if (q < e && *q == '.') {
                const char *d2 = jtext_skip_digits(q + 1);
                nd += (size_t)(d2 - q - 1);
                q = d2;
        }
        if (!nd)
                return 0;
        if (q < e && (*q == 'e' || *q == 'E')) {
                q++;
                if (q < e && (*q == '+' || *q == '-'))
                        q++;
                const char *d3 = jtext_skip_digits(q);
                if (d3 == q)
                        return 0;
                q = d3;
        }
        return q == e;
}

/**
 * Double.parseDouble (@p is_float 0) or Float.parseFloat (1): 0 and
 * *out set, or -1 where Java throws NumberFormatException. Both round
 * correctly, as glibc's strtod/strtof do.
 */
static inline int jtext_parse_real(const char *s, int is_float, double *out)
{
        const char *b = s, *e = s + strlen(s);
        char buf[512], *end;

        while (b < e && (unsigned char)*b <= ' ')
                b++;
        while (e > b && (unsigned char)e[-1] <= ' ')
                e--;
        if (b == e || !jtext_real_grammar(b, e))
                return -1;
        if (e[-1] == 'f' || e[-1] == 'F' || e[-1] == 'd' || e[-1] == 'D')
                if (!(e - b >= 8 && !memcmp(e - 8, "Infinity", 8)))
                        e--;
        size_t n = (size_t)(e - b);
        char *t  = n < sizeof(buf) ? buf : malloc(n + 1);
        if (!t)
                return -1;
        memcpy(t, b, n);
        t[n] = '\0';
        /* strtod takes "NaN"/"Infinity" too, case-insensitively: the
         * grammar above already held them to Java's spelling */
        *out   = is_float ? (double)strtof(t, &end) : strtod(t, &end);
        int ok = *end == '\0';
        if (t != buf)
                free(t);
        return ok ? 0 : -1;
}

#endif /* HTTPSRC_PLUGINS_JAVA_TEXT_H */
