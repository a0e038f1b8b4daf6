/* scheduler module: the heap hands out nodes in time order, moves and
 * removes them anywhere, and agrees with a plain scan over random
 * operations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "httpsrc/common.h"
#include "scheduler_int.h"

static void test_order(void **state)
{
        (void)state;
        scheduler *s = sched_new();
        sched_node n[5];
        const int64_t at[5] = {50, 10, 40, 10, 30};
        for (int i = 0; i < 5; i++) {
                sched_node_init(&n[i], &n[i]);
                assert_int_equal(sched_set(s, &n[i], at[i]), HTTPSRC_OK);
        }
        assert_int_equal(sched_next(s), 10);
        assert_null(sched_pop_due(s, 9));
        sched_node *a = sched_pop_due(s, 10), *b = sched_pop_due(s, 10);
        assert_true((a == &n[1] && b == &n[3]) || (a == &n[3] && b == &n[1]));
        assert_null(sched_pop_due(s, 29));
        assert_ptr_equal(sched_pop_due(s, 100), &n[4]);
        assert_ptr_equal(sched_pop_due(s, 100), &n[2]);
        assert_ptr_equal(sched_pop_due(s, 100), &n[0]);
        assert_null(sched_pop_due(s, INT64_MAX - 1));
        assert_int_equal(sched_next(s), INT64_MAX);
        assert_int_equal(n[0].idx, SCHED_NONE);
        sched_destroy(s);
        sched_destroy(NULL);
}

static void test_move_and_remove(void **state)
{
        (void)state;
        scheduler *s = sched_new();
        sched_node n[4];
        for (int i = 0; i < 4; i++) {
                sched_node_init(&n[i], NULL);
                sched_set(s, &n[i], 100 + i);
        }
        sched_set(s, &n[3], 5); /* earlier: to the top */
        assert_int_equal(sched_next(s), 5);
        sched_set(s, &n[3], 500); /* later: to the bottom */
        assert_int_equal(sched_next(s), 100);
        sched_remove(s, &n[0]);         /* the top */
        sched_remove(s, &n[0]);         /* twice: a no-op */
        sched_set(s, &n[1], INT64_MAX); /* INT64_MAX takes it out */
        assert_int_equal(n[1].idx, SCHED_NONE);
        assert_ptr_equal(sched_pop_due(s, 1000), &n[2]);
        assert_ptr_equal(sched_pop_due(s, 1000), &n[3]);
        assert_null(sched_pop_due(s, 1000));
        sched_destroy(s);
}

/* Random sets, moves and removals against a scan of the same times. */
static void test_random_against_scan(void **state)
{
        (void)state;
        enum { N = 300 };
        scheduler *s = sched_new();
        sched_node n[N];
        int64_t want[N];
        for (int i = 0; i < N; i++) {
                sched_node_init(&n[i], &n[i]);
                want[i] = INT64_MAX;
        }
        srand(7);
        for (int step = 0; step < 20000; step++) {
                int i      = rand() % N;
                int64_t at = rand() % 3 == 0 ? INT64_MAX : rand() % 1000;
                assert_int_equal(sched_set(s, &n[i], at), HTTPSRC_OK);
                want[i]     = at;
                int64_t min = INT64_MAX;
                for (int k = 0; k < N; k++)
                        if (want[k] < min)
                                min = want[k];
                assert_int_equal(sched_next(s), min);
                if (step % 7 == 0 && min != INT64_MAX) {
                        sched_node *p = sched_pop_due(s, min);
                        assert_non_null(p);
                        assert_int_equal(want[p - n], min);
                        want[p - n] = INT64_MAX;
                }
        }
        sched_destroy(s);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_order),
            cmocka_unit_test(test_move_and_remove),
            cmocka_unit_test(test_random_against_scan),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
