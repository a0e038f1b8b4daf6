/* Compiled once per public header (HTTPSRC_TEST_HEADER), alone: the header
 * must be self-contained and must not drag in a dependency's header. */
#include HTTPSRC_TEST_HEADER

#if defined(CURLINC_CURL_H) || defined(_RDKAFKA_H_) ||                         \
    defined(__YAJL_PARSE_H__) || defined(__YAJL_GEN_H__) ||                    \
    defined(YAJL_TREE_H)
#error "a public header includes curl, librdkafka or yajl"
#endif

int main(void)
{
        return 0;
}
