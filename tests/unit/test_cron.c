/* Unit tests: cron.c (Quartz cron parsing, next fire times in UTC, fixed
 * offsets and IANA zones across DST, TZif parsing, every error message).
 *
 * Expected times were computed independently with Python's datetime and
 * zoneinfo (a brute-force day-by-day matcher of the same Quartz rules), and
 * for the "n" (zero-based day) TZ rule form with glibc's date(1), since
 * CPython's zoneinfo is off by one day there. */
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

#include "cron_int.h"
#include "util_int.h"

typedef struct next_case {
        const char *expr, *zone;
        int64_t after;
        int64_t want[3]; /* chained: each is the next after the previous */
} next_case;

static const next_case next_cases[] = {
    /* after 2024-01-01T00:00:00+00:00: 2024-01-01T12:00:00+00:00,
       2024-01-02T12:00:00+00:00, 2024-01-03T12:00:00+00:00 */
    {"0 0 12 * * ?",
     "UTC",
     1704067200000LL,
     {1704110400000LL, 1704196800000LL, 1704283200000LL}},
    /* after 2024-01-01T00:00:07.500000+00:00: 2024-01-01T00:00:15+00:00,
       2024-01-01T00:00:30+00:00, 2024-01-01T00:00:45+00:00 */
    {"*/15 * * * * ?",
     "UTC",
     1704067207500LL,
     {1704067215000LL, 1704067230000LL, 1704067245000LL}},
    /* after 2024-01-01T14:52:00+00:00: 2024-01-01T14:55:00+00:00,
       2024-01-01T18:00:00+00:00, 2024-01-01T18:05:00+00:00 */
    {"0 0/5 14,18 * * ?",
     "UTC",
     1704120720000LL,
     {1704120900000LL, 1704132000000LL, 1704132300000LL}},
    /* after 2024-01-05T10:15:00+00:00: 2024-01-08T10:15:00+00:00,
       2024-01-09T10:15:00+00:00, 2024-01-10T10:15:00+00:00 */
    {"0 15 10 ? * MON-FRI",
     "UTC",
     1704449700000LL,
     {1704708900000LL, 1704795300000LL, 1704881700000LL}},
    /* after 2024-02-01T00:00:00+00:00: 2024-02-29T10:15:00+00:00,
       2024-03-31T10:15:00+00:00, 2024-04-30T10:15:00+00:00 */
    {"0 15 10 L * ?",
     "UTC",
     1706745600000LL,
     {1709201700000LL, 1711880100000LL, 1714472100000LL}},
    /* after 2024-02-01T00:00:00+00:00: 2024-02-27T10:15:00+00:00,
       2024-03-29T10:15:00+00:00, 2024-04-28T10:15:00+00:00 */
    {"0 15 10 L-2 * ?",
     "UTC",
     1706745600000LL,
     {1709028900000LL, 1711707300000LL, 1714299300000LL}},
    /* after 2024-01-01T00:00:00+00:00: 2024-01-26T10:15:00+00:00,
       2024-02-23T10:15:00+00:00, 2024-03-29T10:15:00+00:00 */
    {"0 15 10 ? * 6L",
     "UTC",
     1704067200000LL,
     {1706264100000LL, 1708683300000LL, 1711707300000LL}},
    /* after 2024-01-01T00:00:00+00:00: 2024-01-19T10:15:00+00:00,
       2024-02-16T10:15:00+00:00, 2024-03-15T10:15:00+00:00 */
    {"0 15 10 ? * 6#3",
     "UTC",
     1704067200000LL,
     {1705659300000LL, 1708078500000LL, 1710497700000LL}},
    /* after 2024-03-01T00:00:00+00:00: 2028-02-29T00:00:00+00:00,
       2032-02-29T00:00:00+00:00, 2036-02-29T00:00:00+00:00 */
    {"0 0 0 29 2 ?",
     "UTC",
     1709251200000LL,
     {1835395200000LL, 1961625600000LL, 2087856000000LL}},
    /* after 2096-03-01T00:00:00+00:00: 2104-02-29T00:00:00+00:00,
       2108-02-29T00:00:00+00:00, 2112-02-29T00:00:00+00:00 */
    {"0 0 0 29 2 ?",
     "UTC",
     3981398400000LL,
     {4233686400000LL, 4359916800000LL, 4486147200000LL}},
    /* after 2024-06-01T00:00:00+00:00: 2024-06-14T00:00:00+00:00,
       2024-07-15T00:00:00+00:00, 2024-08-15T00:00:00+00:00 */
    {"0 0 0 15W * ?",
     "UTC",
     1717200000000LL,
     {1718323200000LL, 1721001600000LL, 1723680000000LL}},
    /* after 2024-06-01T00:00:00+00:00: 2024-06-03T00:00:00+00:00,
       2024-07-01T00:00:00+00:00, 2024-08-01T00:00:00+00:00 */
    {"0 0 0 1W * ?",
     "UTC",
     1717200000000LL,
     {1717372800000LL, 1719792000000LL, 1722470400000LL}},
    /* after 2024-03-01T00:00:00+00:00: 2024-03-29T00:00:00+00:00,
       2024-04-30T00:00:00+00:00, 2024-05-31T00:00:00+00:00 */
    {"0 0 0 LW * ?",
     "UTC",
     1709251200000LL,
     {1711670400000LL, 1714435200000LL, 1717113600000LL}},
    /* after 2024-04-01T00:00:00+00:00: 2024-05-31T00:00:00+00:00,
       2024-07-31T00:00:00+00:00, 2024-08-30T00:00:00+00:00 */
    {"0 0 0 31W * ?",
     "UTC",
     1711929600000LL,
     {1717113600000LL, 1722384000000LL, 1724976000000LL}},
    /* after 2024-03-01T00:00:00+00:00: 2024-03-28T00:00:00+00:00,
       2024-04-26T00:00:00+00:00, 2024-05-28T00:00:00+00:00 */
    {"0 0 0 L-3W * ?",
     "UTC",
     1709251200000LL,
     {1711584000000LL, 1714089600000LL, 1716854400000LL}},
    /* after 2024-04-01T00:00:00+00:00: 2024-05-31T00:00:00+00:00,
       2024-07-31T00:00:00+00:00, 2024-08-31T00:00:00+00:00 */
    {"0 0 0 31 * ?",
     "UTC",
     1711929600000LL,
     {1717113600000LL, 1722384000000LL, 1725062400000LL}},
    /* after 2024-01-01T00:00:00+00:00: 2024-01-29T00:00:00+00:00,
       2024-04-29T00:00:00+00:00, 2024-07-29T00:00:00+00:00 */
    {"0 0 0 ? * 2#5",
     "UTC",
     1704067200000LL,
     {1706486400000LL, 1714348800000LL, 1722211200000LL}},
    /* after 2024-01-01T00:00:00+00:00: 2024-01-06T00:00:00+00:00,
       2024-01-13T00:00:00+00:00, 2024-01-20T00:00:00+00:00 */
    {"0 0 0 ? * L",
     "UTC",
     1704067200000LL,
     {1704499200000LL, 1705104000000LL, 1705708800000LL}},
    /* after 2024-01-01T12:00:00+00:00: 2024-01-01T22:00:00+00:00,
       2024-01-01T23:00:00+00:00, 2024-01-02T00:00:00+00:00 */
    {"0 0 22-2 * * ?",
     "UTC",
     1704110400000LL,
     {1704146400000LL, 1704150000000LL, 1704153600000LL}},
    /* after 2024-01-02T00:00:00+00:00: 2024-01-05T00:00:00+00:00,
       2024-01-06T00:00:00+00:00, 2024-01-07T00:00:00+00:00 */
    {"0 0 0 ? * FRI-MON",
     "UTC",
     1704153600000LL,
     {1704412800000LL, 1704499200000LL, 1704585600000LL}},
    /* after 2024-01-01T00:00:00+00:00: 2024-03-01T00:00:00+00:00,
       2025-01-01T00:00:00+00:00, 2025-03-01T00:00:00+00:00 */
    {"0 0 0 1 JAN-MAR/2 ?",
     "UTC",
     1704067200000LL,
     {1709251200000LL, 1735689600000LL, 1740787200000LL}},
    /* after 2024-01-01T00:00:30+00:00: 2024-01-01T00:00:50+00:00,
       2024-01-01T00:01:10+00:00, 2024-01-01T00:01:30+00:00 */
    {"10-50/20 * * * * ?",
     "UTC",
     1704067230000LL,
     {1704067250000LL, 1704067270000LL, 1704067290000LL}},
    /* after 2024-01-01T00:00:30+00:00: 2024-01-01T00:00:45+00:00,
       2024-01-02T00:00:05+00:00, 2024-01-02T00:00:25+00:00 */
    {"5/20 0 0 * * ?",
     "UTC",
     1704067230000LL,
     {1704067245000LL, 1704153605000LL, 1704153625000LL}},
    /* after 2024-01-01T00:00:00+00:00: 2030-01-01T12:00:00+00:00, none, none */
    {"0 0 12 1 1 ? 2030",
     "UTC",
     1704067200000LL,
     {1893499200000LL, -1LL, -1LL}},
    /* after 2024-01-01T00:00:00+00:00: none, none, none */
    {"0 0 12 1 1 ? 2020", "UTC", 1704067200000LL, {-1LL, -1LL, -1LL}},
    /* after 2024-01-01T00:00:00+00:00: 2025-01-01T12:00:00+00:00,
       2075-01-01T12:00:00+00:00, 2125-01-01T12:00:00+00:00 */
    {"0 0 12 1 1 ? 2025-2199/50",
     "UTC",
     1704067200000LL,
     {1735732800000LL, 3313569600000LL, 4891406400000LL}},
    /* after 2024-03-30T13:00:00+01:00: 2024-04-01T02:30:00+02:00,
       2024-04-02T02:30:00+02:00, 2024-04-03T02:30:00+02:00 */
    {"0 30 2 * * ?",
     "Europe/Berlin",
     1711800000000LL,
     {1711931400000LL, 1712017800000LL, 1712104200000LL}},
    /* after 2024-10-26T14:00:00+02:00: 2024-10-27T02:30:00+02:00,
       2024-10-28T02:30:00+01:00, 2024-10-29T02:30:00+01:00 */
    {"0 30 2 * * ?",
     "Europe/Berlin",
     1729944000000LL,
     {1729989000000LL, 1730079000000LL, 1730165400000LL}},
    /* after 2024-03-31T00:30:00+01:00: 2024-03-31T01:00:00+01:00,
       2024-03-31T03:00:00+02:00, 2024-03-31T04:00:00+02:00 */
    {"0 0 * * * ?",
     "Europe/Berlin",
     1711841400000LL,
     {1711843200000LL, 1711846800000LL, 1711850400000LL}},
    /* after 2024-10-27T01:30:00+02:00: 2024-10-27T02:00:00+02:00,
       2024-10-27T03:00:00+01:00, 2024-10-27T04:00:00+01:00 */
    {"0 0 * * * ?",
     "Europe/Berlin",
     1729985400000LL,
     {1729987200000LL, 1729994400000LL, 1729998000000LL}},
    /* after 2024-10-27T02:50:00+02:00: 2024-10-27T03:00:00+01:00,
       2024-10-27T03:20:00+01:00, 2024-10-27T03:40:00+01:00 */
    {"0 */20 * * * ?",
     "Europe/Berlin",
     1729990200000LL,
     {1729994400000LL, 1729995600000LL, 1729996800000LL}},
    /* after 2024-03-09T07:00:00-05:00: 2024-03-11T02:30:00-04:00,
       2024-03-12T02:30:00-04:00, 2024-03-13T02:30:00-04:00 */
    {"0 30 2 * * ?",
     "America/New_York",
     1709985600000LL,
     {1710138600000LL, 1710225000000LL, 1710311400000LL}},
    /* after 2024-11-02T08:00:00-04:00: 2024-11-03T01:30:00-04:00,
       2024-11-04T01:30:00-05:00, 2024-11-05T01:30:00-05:00 */
    {"0 30 1 * * ?",
     "America/New_York",
     1730548800000LL,
     {1730611800000LL, 1730701800000LL, 1730788200000LL}},
    /* after 2024-11-03T01:45:00-04:00: 2024-11-04T01:30:00-05:00,
       2024-11-05T01:30:00-05:00, 2024-11-06T01:30:00-05:00 */
    {"0 30 1 * * ?",
     "America/New_York",
     1730612700000LL,
     {1730701800000LL, 1730788200000LL, 1730874600000LL}},
    /* after 2024-11-03T00:30:00-04:00: 2024-11-03T01:00:00-04:00,
       2024-11-03T02:00:00-05:00, 2024-11-03T03:00:00-05:00 */
    {"0 0 * * * ?",
     "America/New_York",
     1730608200000LL,
     {1730610000000LL, 1730617200000LL, 1730620800000LL}},
    /* after 2150-03-27T13:00:00+01:00: 2150-03-28T02:30:00+01:00,
       2150-03-30T02:30:00+02:00, 2150-03-31T02:30:00+02:00 */
    {"0 30 2 * * ?",
     "Europe/Berlin",
     5687668800000LL,
     {5687717400000LL, 5687886600000LL, 5687973000000LL}},
    /* after 2150-03-01T01:00:00+01:00: 2150-04-26T02:30:00+02:00,
       2150-05-31T02:30:00+02:00, 2150-06-28T02:30:00+02:00 */
    {"0 30 2 ? * 1L",
     "Europe/Berlin",
     5685379200000LL,
     {5690219400000LL, 5693243400000LL, 5695662600000LL}},
    /* after 2024-04-06T11:00:00+11:00: 2024-04-07T09:00:00+10:00,
       2024-04-08T09:00:00+10:00, 2024-04-09T09:00:00+10:00 */
    {"0 0 9 * * ?",
     "Australia/Sydney",
     1712361600000LL,
     {1712444400000LL, 1712530800000LL, 1712617200000LL}},
    /* after 2024-10-05T10:00:00+10:00: 2024-10-07T02:30:00+11:00,
       2024-10-08T02:30:00+11:00, 2024-10-09T02:30:00+11:00 */
    {"0 30 2 * * ?",
     "Australia/Sydney",
     1728086400000LL,
     {1728228600000LL, 1728315000000LL, 1728401400000LL}},
    /* after 2024-01-01T05:30:00+05:30: 2024-01-01T09:00:00+05:30,
       2024-01-02T09:00:00+05:30, 2024-01-03T09:00:00+05:30 */
    {"0 0 9 * * ?",
     "Asia/Kolkata",
     1704067200000LL,
     {1704079800000LL, 1704166200000LL, 1704252600000LL}},
    /* after 2199-06-01T00:00:00+00:00: none, none, none */
    {"0 0 0 1 1 ?", "UTC", 7239628800000LL, {-1LL, -1LL, -1LL}},
    /* after 2024-01-01T00:00:00+00:00: none, none, none */
    {"0 0 0 30 2 ?", "UTC", 1704067200000LL, {-1LL, -1LL, -1LL}},
    /* after 1970-01-01T00:00:01.999000+00:00: 1970-01-01T00:00:02+00:00,
       1970-01-01T00:00:03+00:00, 1970-01-01T00:00:04+00:00 */
    {"* * * * * ?", "UTC", 1999LL, {2000LL, 3000LL, 4000LL}},
    /* after 1969-12-31T23:59:59.999Z: 1970-01-01T00:00:00+00:00,
       1970-01-01T00:00:01+00:00, 1970-01-01T00:00:02+00:00 */
    {"* * * * * ?", "UTC", -1LL, {0LL, 1000LL, 2000LL}},
    /* after 1969-12-01T00:00:00+00:00: 1969-12-07T12:00:00+00:00,
       1970-01-04T12:00:00+00:00, 1970-02-01T12:00:00+00:00 */
    {"0 0 12 ? * SUN#1",
     "UTC",
     -2678400000LL,
     {-2116800000LL, 302400000LL, 2721600000LL}},
    /* after 2024-06-01T00:00:00+00:00: 2025-01-06T12:00:00+00:00,
       2025-07-07T12:00:00+00:00, none */
    {"0 0 12 ? JAN,JUL 2#1 2025",
     "UTC",
     1717200000000LL,
     {1736164800000LL, 1751889600000LL, -1LL}},
    /* after 2024-12-31T23:45:30+00:00: 2025-12-31T23:45:30+00:00,
       2026-12-31T23:45:30+00:00, 2027-12-31T23:45:30+00:00 */
    {"30 45 23 31 12 ?",
     "UTC",
     1735688730000LL,
     {1767224730000LL, 1798760730000LL, 1830296730000LL}},
    /* after 2024-01-01T00:00:00Z: 2024-01-31T22:00:00Z, 2024-02-29T22:00:00Z,
       2024-03-31T22:00:00Z */
    {"0 0 0 1 * ?",
     "+02:00",
     1704067200000LL,
     {1706738400000LL, 1709244000000LL, 1711922400000LL}},
    /* after 2024-01-01T00:00:00Z: 2024-01-01T05:30:00Z, 2024-02-01T05:30:00Z,
       2024-03-01T05:30:00Z */
    {"0 0 0 1 * ?",
     "-0530",
     1704067200000LL,
     {1704087000000LL, 1706765400000LL, 1709271000000LL}},
};

/* Zones crafted as TZif files (written into a temporary $TZDIR/Test/):
 *   Julian  v2, no transitions, footer "AAA3BBB,J60/1,300/25": UTC-3,
 *           DST UTC-2 from Julian day 60 (always Mar 1) 01:00 to zero-based
 *           day 300 at 25:00 (the day after, 01:00).
 *   South   v2, footer "XXX-10YYY-11,M10.1.0,M4.1.0/3" (southern DST).
 *   Hist    v2, one transition at 1000000000 (2001-09-09T01:46:40Z) from
 *           +01:00 to +02:00, then footer "CCC-1DDD,M3.5.0,M10.5.0/3".
 *   V1      v1 only, one transition at 1000000000 from +01:00 to -02:00. */
static const next_case tz_cases[] = {
    /* after 2023-02-27T00:00Z: 2023-02-27T04:30Z, 2023-02-28T04:30Z,
       2023-03-02T03:30Z */
    {"0 30 1 * * ?",
     "Test/Julian",
     1677456000000LL,
     {1677472200000LL, 1677558600000LL, 1677727800000LL}},
    /* after 2024-02-27T00:00Z: 2024-02-27T04:30Z, 2024-02-28T04:30Z,
       2024-02-29T04:30Z */
    {"0 30 1 * * ?",
     "Test/Julian",
     1708992000000LL,
     {1709008200000LL, 1709094600000LL, 1709181000000LL}},
    /* after 2023-10-26T00:00Z: 2023-10-26T02:30Z, 2023-10-27T02:30Z,
       2023-10-28T02:30Z */
    {"0 30 0 * * ?",
     "Test/Julian",
     1698278400000LL,
     {1698287400000LL, 1698373800000LL, 1698460200000LL}},
    /* after 2024-10-26T00:00Z: 2024-10-26T02:30Z, 2024-10-27T02:30Z,
       2024-10-28T02:30Z */
    {"0 30 0 * * ?",
     "Test/Julian",
     1729900800000LL,
     {1729909800000LL, 1729996200000LL, 1730082600000LL}},
    /* after 2024-10-04T00:00Z: 2024-10-04T16:30Z, 2024-10-06T15:30Z,
       2024-10-07T15:30Z */
    {"0 30 2 * * ?",
     "Test/South",
     1728000000000LL,
     {1728059400000LL, 1728228600000LL, 1728315000000LL}},
    /* after 2024-04-05T00:00Z: 2024-04-05T15:30Z, 2024-04-06T15:30Z,
       2024-04-07T16:30Z */
    {"0 30 2 * * ?",
     "Test/South",
     1712275200000LL,
     {1712331000000LL, 1712417400000LL, 1712507400000LL}},
    /* after 2001-09-07T00:00Z: 2001-09-07T23:00Z, 2001-09-08T23:00Z,
       2001-09-09T22:00Z */
    {"0 0 0 * * ?",
     "Test/Hist",
     999820800000LL,
     {999903600000LL, 999990000000LL, 1000072800000LL}},
    /* after 2001-10-26T00:00Z: 2001-10-26T22:00Z, 2001-10-27T22:00Z,
       2001-10-28T23:00Z */
    {"0 0 0 * * ?",
     "Test/Hist",
     1004054400000LL,
     {1004133600000LL, 1004220000000LL, 1004310000000LL}},
    /* after 2001-09-07T00:00Z: 2001-09-07T23:00Z, 2001-09-08T23:00Z,
       2001-09-10T02:00Z */
    {"0 0 0 * * ?",
     "Test/V1",
     999820800000LL,
     {999903600000LL, 999990000000LL, 1000087200000LL}},
};

static const struct {
        const char *name, *hex;
} tz_files[] = {
    {"Julian",
     "545a696632000000000000000000000000000000000000000000000000000000"
     "0000000000000001000000020000000000005800545a69663200000000000000"
     "0000000000000000000000000000000000000000000000000000000100000002"
     "00000000000058000a414141334242422c4a36302f312c3330302f32350a"},
    {"South", "545a696632000000000000000000000000000000000000000000000000000000"
              "0000000000000001000000020000000000005800545a69663200000000000000"
              "0000000000000000000000000000000000000000000000000000000100000002"
              "00000000000058000a5858582d31305959592d31312c4d31302e312e302c4d34"
              "2e312e302f330a"},
    {"Hist", "545a696632000000000000000000000000000000000000000000000000000000"
             "0000000100000002000000023b9aca000100000e10000000001c200100580054"
             "5a69663200000000000000000000000000000000000000000000000000000000"
             "0000010000000200000002000000003b9aca000100000e10000000001c200100"
             "58000a4343432d314444442c4d332e352e302c4d31302e352e302f330a"},
    {"V1", "545a696600000000000000000000000000000000000000000000000000000000"
           "0000000100000002000000023b9aca000100000e100000ffffe3e000005800"},
};

static void check_next(const next_case *k)
{
        char err[256] = "";
        cron_expr *c  = cron_parse(k->expr, err, sizeof(err));
        if (!c)
                fail_msg("%s: %s", k->expr, err);
        cron_zone *z = cron_zone_new(k->zone, err, sizeof(err));
        if (!z)
                fail_msg("%s: %s", k->zone, err);
        int64_t t = k->after;
        for (int i = 0; i < 3; i++) {
                int64_t got = cron_next(c, z, t);
                if (got != k->want[i])
                        fail_msg("'%s' in %s after %lld: got %lld, want %lld",
                                 k->expr, k->zone, (long long)t, (long long)got,
                                 (long long)k->want[i]);
                if (got == -1)
                        break;
                t = got;
        }
        cron_destroy(c);
        cron_zone_destroy(z);
}

static void test_next_fire_times(void **state)
{
        (void)state;
        for (size_t i = 0; i < sizeof(next_cases) / sizeof(next_cases[0]); i++)
                check_next(&next_cases[i]);
}

static void test_null_zone_is_utc(void **state)
{
        (void)state;
        char err[256];
        cron_expr *c = cron_parse("0 0 12 * * ?", err, sizeof(err));
        assert_non_null(c);
        /* 2024-01-01T00:00Z -> 12:00Z */
        assert_int_equal(cron_next(c, NULL, 1704067200000LL), 1704110400000LL);
        /* strictly after: exactly at a fire time gives the next one */
        assert_int_equal(cron_next(c, NULL, 1704110400000LL), 1704196800000LL);
        assert_int_equal(cron_next(c, NULL, 1704110399999LL), 1704110400000LL);
        assert_int_equal(cron_next(NULL, NULL, 0), -1);
        cron_destroy(c);
        cron_destroy(NULL);
        cron_zone_destroy(NULL);
}

static void test_never_and_far_future(void **state)
{
        (void)state;
        char err[256];
        cron_expr *c = cron_parse("0 0 0 30 2 ?", err, sizeof(err));
        assert_non_null(c);
        /* no Feb 30 in any year up to 2199: the search ends, -1 */
        assert_int_equal(cron_next(c, NULL, 0), -1);
        assert_int_equal(cron_next(c, NULL, INT64_MIN), -1);
        cron_destroy(c);
        c = cron_parse("* * * * * ?", err, sizeof(err));
        assert_int_equal(cron_next(c, NULL, INT64_MAX), -1);
        /* 2199-12-31T23:59:59Z is the last second searched */
        assert_int_equal(cron_next(c, NULL, 7258118398000LL), 7258118399000LL);
        assert_int_equal(cron_next(c, NULL, 7258118399000LL), -1);
        cron_destroy(c);
}

static const struct {
        const char *expr, *err;
} parse_errors[] = {
#define UNIX_HINT                                                              \
        "; a 5-field Unix cron expression? Quartz has seconds first, Sunday = " \
        "1 and '?' in day-of-month or day-of-week: "
    {"", "invalid cron expression '': expected 6 or 7 fields at position 1"},
    /* Five fields: Unix cron, with the Quartz equivalent (issue 11). */
    {"0 0 12 * *", "invalid cron expression '0 0 12 * *': expected 6 or 7 "
                   "fields at position 11" UNIX_HINT "'0 0 0 12 * ?'"},
    {"30 9 * * 1-5,0", "invalid cron expression '30 9 * * 1-5,0': expected "
                       "6 or 7 fields at position 15" UNIX_HINT
                       "'0 30 9 ? * 2-6,1'"},
    {"*/15 * * * 7/2", "invalid cron expression '*/15 * * * 7/2': expected "
                       "6 or 7 fields at position 15" UNIX_HINT
                       "'0 */15 * ? * 1/2'"},
    {"0 0 * * MON-FRI", "invalid cron expression '0 0 * * MON-FRI': "
                        "expected 6 or 7 fields at position 16" UNIX_HINT
                        "'0 0 0 ? * MON-FRI'"},
    /* Unix ORs two day fields; Quartz cannot: no hint, no wrong advice. */
    {"0 0 1 * 1", "invalid cron expression '0 0 1 * 1': expected 6 or 7 "
                  "fields at position 10"},
    {"0 0 12 * * ? 2020 x", "invalid cron expression '0 0 12 * * ? 2020 x': "
                            "expected 6 or 7 fields at position 19"},
    {"60 0 12 * * ?", "invalid cron expression '60 0 12 * * ?': value 60 out "
                      "of range 0-59 at position 1"},
    {"0 60 12 * * ?", "invalid cron expression '0 60 12 * * ?': value 60 out "
                      "of range 0-59 at position 3"},
    {"0 0 24 * * ?", "invalid cron expression '0 0 24 * * ?': value 24 out of "
                     "range 0-23 at position 5"},
    {"0 0 0 0 * ?", "invalid cron expression '0 0 0 0 * ?': value 0 out of "
                    "range 1-31 at position 7"},
    {"0 0 0 32 * ?", "invalid cron expression '0 0 0 32 * ?': value 32 out of "
                     "range 1-31 at position 7"},
    {"0 0 0 1 13 ?", "invalid cron expression '0 0 0 1 13 ?': value 13 out of "
                     "range 1-12 at position 9"},
    {"0 0 0 ? * 8", "invalid cron expression '0 0 0 ? * 8': value 8 out of "
                    "range 1-7 at position 11"},
    {"0 0 0 ? * 0", "invalid cron expression '0 0 0 ? * 0': value 0 out of "
                    "range 1-7 at position 11"},
    {"0 0 0 1 1 ? 1969", "invalid cron expression '0 0 0 1 1 ? 1969': value "
                         "1969 out of range 1970-2199 at position 13"},
    {"0 0 0 1 1 ? 2200", "invalid cron expression '0 0 0 1 1 ? 2200': value "
                         "2200 out of range 1970-2199 at position 13"},
    {"0 0 0 1 FOO ?", "invalid cron expression '0 0 0 1 FOO ?': unknown month "
                      "name 'FOO' at position 9"},
    {"0 0 0 ? * foo", "invalid cron expression '0 0 0 ? * foo': unknown day "
                      "name 'foo' at position 11"},
    {"0 0 0 ? * MONDAY", "invalid cron expression '0 0 0 ? * MONDAY': unknown "
                         "day name 'MONDAY' at position 11"},
    {"0 0 0 1 * *",
     "invalid cron expression '0 0 0 1 * *': day-of-month and day-of-week "
     "cannot both be specified (use ?) at position 11"},
    {"0 0 0 1 * 2",
     "invalid cron expression '0 0 0 1 * 2': day-of-month and day-of-week "
     "cannot both be specified (use ?) at position 11"},
    {"0 0 0 ? * ?", "invalid cron expression '0 0 0 ? * ?': day-of-month and "
                    "day-of-week cannot both be '?' at position 11"},
    {"? 0 0 1 * ?", "invalid cron expression '? 0 0 1 * ?': '?' only allowed "
                    "in day-of-month or day-of-week at position 1"},
    {"0 0 0 1,? * ?", "invalid cron expression '0 0 0 1,? * ?': '?' cannot be "
                      "combined with other values at position 9"},
    {"0 0 0 ?? * ?", "invalid cron expression '0 0 0 ?? * ?': '?' cannot be "
                     "combined with other values at position 7"},
    {"0 */0 0 1 * ?", "invalid cron expression '0 */0 0 1 * ?': increment 0 "
                      "out of range 1-59 at position 5"},
    {"0 */60 0 1 * ?", "invalid cron expression '0 */60 0 1 * ?': increment 60 "
                       "out of range 1-59 at position 5"},
    {"0 0/ 0 1 * ?",
     "invalid cron expression '0 0/ 0 1 * ?': expected a number at position 5"},
    {"0 0- 0 1 * ?",
     "invalid cron expression '0 0- 0 1 * ?': expected a number at position 5"},
    {"0 0 0 1,,2 * ?", "invalid cron expression '0 0 0 1,,2 * ?': expected a "
                       "value at position 9"},
    {"0 0 0 1, * ?",
     "invalid cron expression '0 0 0 1, * ?': expected a value at position 9"},
    {"0 0 0 L,5 * ?", "invalid cron expression '0 0 0 L,5 * ?': 'L' cannot be "
                      "combined with other values at position 7"},
    {"0 0 0 L-31 * ?", "invalid cron expression '0 0 0 L-31 * ?': offset 31 "
                       "out of range 0-30 at position 9"},
    {"0 0 0 L-3X * ?", "invalid cron expression '0 0 0 L-3X * ?': unexpected "
                       "character 'X' at position 10"},
    {"0 0 0 5W,6 * ?", "invalid cron expression '0 0 0 5W,6 * ?': 'W' cannot "
                       "be combined with other values at position 7"},
    {"0 0 0 ? * 6#6", "invalid cron expression '0 0 0 ? * 6#6': occurrence 6 "
                      "out of range 1-5 at position 13"},
    {"0 0 0 ? * 6#0", "invalid cron expression '0 0 0 ? * 6#0': occurrence 0 "
                      "out of range 1-5 at position 13"},
    {"0 0 0 ? * 6#", "invalid cron expression '0 0 0 ? * 6#': expected a "
                     "number at position 13"},
    {"0 0 0 ? * 6L,2", "invalid cron expression '0 0 0 ? * 6L,2': 'L' cannot "
                       "be combined with other values at position 11"},
    {"0 0 0 ? * 6#2,1", "invalid cron expression '0 0 0 ? * 6#2,1': '#' cannot "
                        "be combined with other values at position 11"},
    {"0 0 0 ? * 6W", "invalid cron expression '0 0 0 ? * 6W': 'W' only allowed "
                     "in day-of-month at position 12"},
    {"0 0 0 5L * ?", "invalid cron expression '0 0 0 5L * ?': 'L' after a "
                     "value only allowed in day-of-week at position 8"},
    {"0 0 0 5# * ?", "invalid cron expression '0 0 0 5# * ?': '#' only allowed "
                     "in day-of-week at position 8"},
    {"L 0 0 1 * ?", "invalid cron expression 'L 0 0 1 * ?': 'L' only allowed "
                    "in day-of-month or day-of-week at position 1"},
    {"0 0 L 1 * ?", "invalid cron expression '0 0 L 1 * ?': 'L' only allowed "
                    "in day-of-month or day-of-week at position 5"},
    {"0 0 0 1 L ?", "invalid cron expression '0 0 0 1 L ?': 'L' only allowed "
                    "in day-of-month or day-of-week at position 9"},
    {"0 0 0 1 * ? 2030-2020",
     "invalid cron expression '0 0 0 1 * ? 2030-2020': year range 2030-2020 is "
     "reversed at position 18"},
    {"0 0 0 1 * ? 2030/300", "invalid cron expression '0 0 0 1 * ? 2030/300': "
                             "increment 300 out of range 1-229 at position 18"},
    {"0 0 x 1 * ?", "invalid cron expression '0 0 x 1 * ?': unexpected "
                    "character 'x' at position 5"},
    {"0 0 1x 1 * ?", "invalid cron expression '0 0 1x 1 * ?': unexpected "
                     "character 'x' at position 6"},
    {"0 0 *x 1 * ?", "invalid cron expression '0 0 *x 1 * ?': unexpected "
                     "character 'x' at position 6"},
    {"0 0 99999999999 1 * ?",
     "invalid cron expression '0 0 99999999999 1 * ?': value 99999999999 out "
     "of range 0-23 at position 5"},
    {"0 0 0 ? * L-2", "invalid cron expression '0 0 0 ? * L-2': unexpected "
                      "character '-' at position 12"},
    {"0 0 0 ? * LW", "invalid cron expression '0 0 0 ? * LW': unexpected "
                     "character 'W' at position 12"},
    {"0 0 0 1-3W * ?", "invalid cron expression '0 0 0 1-3W * ?': 'W' cannot "
                       "follow a range at position 10"},
    {"0 0 0 W * ?", "invalid cron expression '0 0 0 W * ?': unexpected "
                    "character 'W' at position 7"},
    {"0 0 0 ? * #3", "invalid cron expression '0 0 0 ? * #3': expected a "
                     "number at position 11"},
    /* long input is shortened: the reason and position always fit */
    {"0 0 0 ? * MON,TUE,WED,THU,FRI,SAT,SUN,MON,TUE,WED,THU,FRI,SAT,SUN,"
     "MON,TUE,XYZ",
     "invalid cron expression '0 0 0 ? * MON,TUE,WED,THU,FRI,SAT,SUN,MON,"
     "TUE,WED,THU,FRI,SAT,SU...': unknown day name 'XYZ' at position 75"},
    {"0 0 12345678901234567890 * * ?",
     "invalid cron expression '0 0 12345678901234567890 * * ?': value "
     "1234567890123456... out of range 0-23 at position 5"},
    {"0 0 0 ? * ABCDEFGHIJKLMNOPQRSTUVWXYZ",
     "invalid cron expression '0 0 0 ? * ABCDEFGHIJKLMNOPQRSTUVWXYZ': unknown "
     "day name 'ABCDEFGHIJKLMNOP...' at position 11"},
};

static void test_parse_errors(void **state)
{
        (void)state;
        for (size_t i = 0; i < sizeof(parse_errors) / sizeof(parse_errors[0]);
             i++) {
                char err[512] = "";
                cron_expr *c =
                    cron_parse(parse_errors[i].expr, err, sizeof(err));
                if (c)
                        fail_msg("'%s' parsed", parse_errors[i].expr);
                if (strcmp(err, parse_errors[i].err))
                        fail_msg("'%s':\n got  %s\n want %s",
                                 parse_errors[i].expr, err,
                                 parse_errors[i].err);
        }
        char err[128];
        assert_null(cron_parse(NULL, err, sizeof(err)));
        assert_string_equal(
            err, "invalid cron expression '': expected 6 or 7 fields at "
                 "position 1");
}

static void test_accepted_forms(void **state)
{
        (void)state;
        /* Lower case, tabs, surrounding blanks, "/n" as "* /n", names in
         * ranges and steps: each equals its canonical form. */
        static const char *const same[][2] = {
            {"0 0 0 ? jan mon-fri", "0 0 0 ? 1 2-6"},
            {"0 0 0 lw * ?", "0 0 0 LW * ?"},
            {"0 0 0 ? * 6l", "0 0 0 ? * FRIL"},
            {"0 0 0 ? * l", "0 0 0 ? * 7"},
            {"  0 0 0 1 * ?  ", "0\t0\t0\t1\t*\t?"},
            {"/5 0 0 1 * ?", "*/5 0 0 1 * ?"},
            {"0 0 0 1 JAN-DEC/3 ?", "0 0 0 1 1,4,7,10 ?"},
            {"0 0 0 ? * SAT-MON", "0 0 0 ? * 7,1,2"},
            {"0 0 0 ? * 1#1", "0 0 0 ? * SUN#1"},
            {"0 0 12 * * ? *", "0 0 12 * * ?"},
            {"0 0 0 L-0 * ?", "0 0 0 L * ?"},
        };
        for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
                char err[256] = "";
                cron_expr *a  = cron_parse(same[i][0], err, sizeof(err));
                if (!a)
                        fail_msg("'%s': %s", same[i][0], err);
                cron_expr *b = cron_parse(same[i][1], err, sizeof(err));
                if (!b)
                        fail_msg("'%s': %s", same[i][1], err);
                int64_t ta = 1704067200000LL, tb = ta; /* 2024-01-01 */
                for (int n = 0; n < 20; n++) {
                        ta = cron_next(a, NULL, ta);
                        tb = cron_next(b, NULL, tb);
                        if (ta != tb)
                                fail_msg("'%s' vs '%s': %lld != %lld",
                                         same[i][0], same[i][1], (long long)ta,
                                         (long long)tb);
                }
                cron_destroy(a);
                cron_destroy(b);
        }
}

static void test_fixed_zones(void **state)
{
        (void)state;
        static const struct {
                const char *name;
                int64_t next; /* "0 0 0 1 * ?" after 2024-01-01T00:00Z */
        } zones[] = {
            {"UTC", 1706745600000LL},       {"utc", 1706745600000LL},
            {"Z", 1706745600000LL},         {"GMT", 1706745600000LL},
            {"+02:00", 1706738400000LL},    {"+0200", 1706738400000LL},
            {"+02", 1706738400000LL},       {"+2", 1706738400000LL},
            {"UTC+02:00", 1706738400000LL}, {"GMT-05:30", 1704087000000LL},
            {"-0530", 1704087000000LL},     {"+18:00", 1706680800000LL},
            {"-18:00", 1704132000000LL},
        };
        char err[256];
        cron_expr *c = cron_parse("0 0 0 1 * ?", err, sizeof(err));
        for (size_t i = 0; i < sizeof(zones) / sizeof(zones[0]); i++) {
                cron_zone *z = cron_zone_new(zones[i].name, err, sizeof(err));
                if (!z)
                        fail_msg("%s: %s", zones[i].name, err);
                int64_t got = cron_next(c, z, 1704067200000LL);
                if (got != zones[i].next)
                        fail_msg("%s: got %lld want %lld", zones[i].name,
                                 (long long)got, (long long)zones[i].next);
                cron_zone_destroy(z);
        }
        cron_destroy(c);
}

static void test_zone_errors(void **state)
{
        (void)state;
        static const char *const bad[] = {"",
                                          "+19:00",
                                          "+02:60",
                                          "+123",
                                          "02:00",
                                          "+",
                                          "UTC+",
                                          "UTCfoo",
                                          "Europe",
                                          "../etc/passwd",
                                          "/etc/localtime",
                                          "Europe/../UTC",
                                          "Europe/Nowhere",
                                          "a b",
                                          NULL};
        for (const char *const *p = bad; *p; p++) {
                char err[256] = "", want[256];
                assert_null(cron_zone_new(*p, err, sizeof(err)));
                snprintf(want, sizeof(want), "unknown time zone '%s'", *p);
                if (strcmp(err, want))
                        fail_msg("'%s': got %s", *p, err);
        }
        char err[256];
        assert_null(cron_zone_new(NULL, err, sizeof(err)));
        assert_string_equal(err, "unknown time zone ''");
}

static void test_iana_zone_needs_zoneinfo(void **state)
{
        (void)state;
        char err[256];
        setenv("TZDIR", "/nonexistent-zoneinfo", 1);
        assert_null(cron_zone_new("Europe/Berlin", err, sizeof(err)));
        assert_string_equal(
            err,
            "unknown time zone 'Europe/Berlin' (no /nonexistent-zoneinfo)");
        /* fixed zones need no files */
        cron_zone *z = cron_zone_new("+01:00", err, sizeof(err));
        assert_non_null(z);
        cron_zone_destroy(z);
        unsetenv("TZDIR");
        struct stat st;
        if (stat("/usr/share/zoneinfo", &st)) {
                assert_null(cron_zone_new("Europe/Berlin", err, sizeof(err)));
                assert_string_equal(err, "unknown time zone 'Europe/Berlin' "
                                         "(no /usr/share/zoneinfo)");
        }
}

static int unhex(const char *h, unsigned char *out, size_t cap)
{
        size_t n = strlen(h) / 2;
        if (n > cap)
                return -1;
        for (size_t i = 0; i < n; i++) {
                unsigned v;
                if (sscanf(h + 2 * i, "%2x", &v) != 1)
                        return -1;
                out[i] = (unsigned char)v;
        }
        return (int)n;
}

static void write_file(const char *path, const void *data, size_t len)
{
        FILE *fp = fopen(path, "wb");
        assert_non_null(fp);
        assert_int_equal(fwrite(data, 1, len, fp), len);
        assert_int_equal(fclose(fp), 0);
}

/* A temporary $TZDIR with the crafted zones in Test/. */
static int tzdir_setup(void **state)
{
        char *dir = strdup("/tmp/test_cron_XXXXXX");
        if (!mkdtemp(dir))
                return -1;
        char path[512];
        snprintf(path, sizeof(path), "%s/Test", dir);
        mkdir(path, 0700);
        for (size_t i = 0; i < sizeof(tz_files) / sizeof(tz_files[0]); i++) {
                unsigned char buf[512];
                int n = unhex(tz_files[i].hex, buf, sizeof(buf));
                if (n < 0)
                        return -1;
                snprintf(path, sizeof(path), "%s/Test/%s", dir,
                         tz_files[i].name);
                write_file(path, buf, (size_t)n);
        }
        setenv("TZDIR", dir, 1);
        *state = dir;
        return 0;
}

static int tzdir_teardown(void **state)
{
        char *dir = *state, cmd[600];
        unsetenv("TZDIR");
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
        int rc = system(cmd);
        free(dir);
        return rc ? -1 : 0;
}

static void test_tzif_files(void **state)
{
        (void)state;
        for (size_t i = 0; i < sizeof(tz_cases) / sizeof(tz_cases[0]); i++)
                check_next(&tz_cases[i]);
}

static void test_bad_tzif_files(void **state)
{
        const char *dir = *state;
        unsigned char good[512];
        int n = unhex(tz_files[2].hex, good, sizeof(good)); /* Hist */
        assert_true(n > 100);
        /* not TZif; truncated; v2 footer without its newline; a transition
         * type index out of range */
        unsigned char bad_idx[512];
        memcpy(bad_idx, good, (size_t)n);
        /* v2 data: after the v1 header and block (19 bytes), the v2 header
         * and one 8-byte transition time comes the first type index */
        bad_idx[44 + 19 + 44 + 8] = 7;
        const struct {
                const char *name;
                const void *data;
                size_t len;
        } files[] = {
            {"Garbage",
             "not a zone file at all, but long enough to be read "
             "as a header of forty-four bytes",
             80},
            {"Short", good, 40},
            {"Truncated", good, (size_t)n - 20},
            {"NoFooter", good, (size_t)n - 1},
            {"BadIndex", bad_idx, (size_t)n},
        };
        for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
                char path[512], name[64], err[512], want[512];
                snprintf(name, sizeof(name), "Test/%s", files[i].name);
                snprintf(path, sizeof(path), "%s/%s", dir, name);
                write_file(path, files[i].data, files[i].len);
                cron_zone *z = cron_zone_new(name, err, sizeof(err));
                if (z)
                        fail_msg("%s parsed", name);
                snprintf(want, sizeof(want),
                         "unknown time zone '%s' (%s is not a valid TZif "
                         "file)",
                         name, path);
                assert_string_equal(err, want);
        }
        char err[256];
        /* a directory is not a zone */
        assert_null(cron_zone_new("Test", err, sizeof(err)));
        assert_string_equal(err, "unknown time zone 'Test'");
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_next_fire_times),
            cmocka_unit_test(test_null_zone_is_utc),
            cmocka_unit_test(test_never_and_far_future),
            cmocka_unit_test(test_parse_errors),
            cmocka_unit_test(test_accepted_forms),
            cmocka_unit_test(test_fixed_zones),
            cmocka_unit_test(test_zone_errors),
            cmocka_unit_test(test_iana_zone_needs_zoneinfo),
            cmocka_unit_test_setup_teardown(test_tzif_files, tzdir_setup,
                                            tzdir_teardown),
            cmocka_unit_test_setup_teardown(test_bad_tzif_files, tzdir_setup,
                                            tzdir_teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
