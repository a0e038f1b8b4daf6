/* worker_client: requests between the workers of a Connect cluster. */
#include "worker_client_int.h"

#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

static size_t on_body(char *data, size_t size, size_t n, void *opaque)
{
        return sb_append(opaque, data, size * n) ? 0 : size * n;
}

char *worker_url_join(const char *base, const char *path)
{
        size_t n = strlen(base);
        while (n && base[n - 1] == '/')
                n--;
        strbuf sb = {0};
        if (sb_append(&sb, base, n) || sb_puts(&sb, path)) {
                sb_free(&sb);
                return NULL;
        }
        return sb_steal(&sb);
}

long worker_request(const char *method,
                    const char *url,
                    const char *body,
                    size_t body_len,
                    const char *authorization,
                    long timeout_ms,
                    strbuf *out,
                    char *errstr,
                    size_t errstr_size)
{
        CURL *e = curl_easy_init();
        if (!e) {
                errstr_set(errstr, errstr_size, "out of memory");
                return -1;
        }
        struct curl_slist *h = curl_slist_append(NULL, "Accept: application/json");
        h = curl_slist_append(h, "User-Agent: kafka-connect");
        h = curl_slist_append(h, "Expect:");
        if (body)
                h = curl_slist_append(h, "Content-Type: application/json");
        strbuf auth = {0};
        if (authorization && !sb_printf(&auth, "Authorization: %s", authorization))
                h = curl_slist_append(h, auth.buf);
        sb_wipe(&auth);
        sb_reset(out);
        curl_easy_setopt(e, CURLOPT_URL, url);
        curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
        curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
        curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
        curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout_ms);
        curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(e, CURLOPT_WRITEDATA, out);
        if (body) {
                curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
                curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
                                 (curl_off_t)body_len);
        } else if (!strcmp(method, "HEAD")) {
                curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
        }
        CURLcode rc = curl_easy_perform(e);
        long status = -1;
        if (rc == CURLE_OK)
                curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
        else
                errstr_set(errstr, errstr_size, "%s %s: %s", method, url,
                           curl_easy_strerror(rc));
        curl_slist_free_all(h);
        curl_easy_cleanup(e);
        return status;
}
