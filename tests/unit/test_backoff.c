/* backoff module: status sets, backoff with jitter, Retry-After,
 * rate-limit reset headers, the throttle window, TLS store detection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "backoff_int.h"
#include "httpsrc/common.h"
#include "tls_int.h"

static void test_status_set(void **state)
{
        status_set s;
        char err[128] = "";
        assert_int_equal(
            status_set_parse(&s, "404, 429,500-503", err, sizeof(err)),
            HTTPSRC_OK);
        assert_true(status_set_has(&s, 404));
        assert_true(status_set_has(&s, 429));
        assert_true(status_set_has(&s, 500));
        assert_true(status_set_has(&s, 503));
        assert_false(status_set_has(&s, 504));
        assert_false(status_set_has(&s, 200));
        assert_false(status_set_has(&s, 600));
        assert_int_equal(status_set_parse(&s, "", err, sizeof(err)),
                         HTTPSRC_OK);
        assert_false(status_set_has(&s, 500));
}

static void test_status_set_errors(void **state)
{
        static const struct {
                const char *spec, *err;
        } cases[] = {
            {"abc", "'abc': not a status code or range"},
            {"500-400", "'500-400': not a status code or range"},
            {"99", "'99': not a status code or range"},
            {"404,6000", "'6000': not a status code or range"},
            {"400-", "'400-': not a status code or range"},
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                status_set s;
                char err[128] = "";
                assert_int_equal(
                    status_set_parse(&s, cases[i].spec, err, sizeof(err)),
                    HTTPSRC_ERR_INVAL);
                assert_string_equal(err, cases[i].err);
        }
}

static void test_retryable(void **state)
{
        assert_true(status_retryable(429));
        assert_true(status_retryable(503));
        assert_true(status_retryable(500));
        assert_true(status_retryable(408));
        assert_false(status_retryable(404));
        assert_false(status_retryable(401));
        assert_false(status_retryable(200));
}

static void test_backoff_bounds(void **state)
{
        /* attempt 1: [500, 1000]; doubling; capped at max */
        assert_int_equal(backoff_delay_ms(1, 1000, 60000, 0.0), 500);
        assert_int_equal(backoff_delay_ms(1, 1000, 60000, 0.999999), 999);
        assert_int_equal(backoff_delay_ms(2, 1000, 60000, 0.0), 1000);
        assert_int_equal(backoff_delay_ms(3, 1000, 60000, 0.0), 2000);
        assert_int_equal(backoff_delay_ms(10, 1000, 60000, 0.0), 30000);
        assert_int_equal(backoff_delay_ms(60, 1000, 60000, 0.5), 45000);
        assert_int_equal(backoff_delay_ms(1, 0, 60000, 0.5), 0);
}

static void test_retry_after(void **state)
{
        /* 2015-10-21T07:28:00Z = 1445412480 */
        int64_t now = 1445412480000LL;
        assert_int_equal(retry_after_ms("2", now), 2000);
        assert_int_equal(retry_after_ms(" 120 ", now), 120000);
        assert_int_equal(retry_after_ms("Wed, 21 Oct 2015 07:28:05 GMT", now),
                         5000);
        assert_int_equal(retry_after_ms("Wed, 21 Oct 2015 07:27:00 GMT", now),
                         0);
        assert_int_equal(retry_after_ms("soon", now), -1);
        assert_int_equal(retry_after_ms(NULL, now), -1);
        assert_int_equal(retry_after_ms("nan", now), -1);
        /* absurd waits are held at 2^52 ms, never overflow: the caller
         * caps them (http.retry.max.wait.ms) */
        assert_int_equal(retry_after_ms("99999999999999999999", now),
                         (int64_t)1 << 52);
        assert_true(retry_after_ms("Fri, 31 Dec 9999 23:59:59 GMT", now) >
                    (int64_t)250000000000000LL);
}

static void test_rate_reset(void **state)
{
        int64_t now = 1700000000000LL;
        assert_int_equal(rate_reset_ms("3", now), 3000);
        assert_int_equal(rate_reset_ms("1.5", now), 1500);
        assert_int_equal(rate_reset_ms("1700000010", now), 10000);
        assert_int_equal(rate_reset_ms("1600000000", now), 0);
        assert_int_equal(rate_reset_ms("x", now), -1);
        assert_int_equal(rate_reset_ms("-1", now), -1);
        /* not finite: refused (converting them was undefined) */
        assert_int_equal(rate_reset_ms("inf", now), -1);
        assert_int_equal(rate_reset_ms("nan", now), -1);
        assert_int_equal(rate_reset_ms("1e400", now), -1);
        assert_int_equal(rate_reset_ms("1e300", now), (int64_t)1 << 52);
}

static void test_throttle(void **state)
{
        throttle t;
        assert_int_equal(throttle_init(&t, 2, 1000), HTTPSRC_OK);
        assert_int_equal(throttle_next(&t, 100), 100);
        throttle_record(&t, 100);
        assert_int_equal(throttle_next(&t, 150), 150);
        throttle_record(&t, 150);
        /* two in the window: the third waits until the first leaves it */
        assert_int_equal(throttle_next(&t, 200), 1100);
        throttle_record(&t, 1100);
        assert_int_equal(throttle_next(&t, 1100), 1150);
        throttle_free(&t);

        assert_int_equal(throttle_init(&t, 0, 1000), HTTPSRC_OK);
        throttle_record(&t, 1);
        assert_int_equal(throttle_next(&t, 5), 5); /* unlimited */
        throttle_free(&t);
}

static void test_tls_detect(void **state)
{
        static const unsigned char jks[] = {0xFE, 0xED, 0xFE, 0xED, 0, 0};
        static const unsigned char der[] = {0x30, 0x82, 0x01, 0x00};
        static const char pem[]          = "\n-----BEGIN CERTIFICATE-----\nMII";
        assert_int_equal(tls_detect_type(jks, sizeof(jks)), TLS_JKS);
        assert_int_equal(tls_detect_type(der, sizeof(der)), TLS_PKCS12);
        assert_int_equal(
            tls_detect_type((const unsigned char *)pem, strlen(pem)), TLS_PEM);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_status_set),
            cmocka_unit_test(test_status_set_errors),
            cmocka_unit_test(test_retryable),
            cmocka_unit_test(test_backoff_bounds),
            cmocka_unit_test(test_retry_after),
            cmocka_unit_test(test_rate_reset),
            cmocka_unit_test(test_throttle),
            cmocka_unit_test(test_tls_detect),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
