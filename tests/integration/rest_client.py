#!/usr/bin/env python3
"""A tiny HTTP client for the REST API tests (python3 stdlib only).

  rest_client.py [options] METHOD URL [BODY]
      prints the status code on the first line, then the body
  rest_client.py --quote TEXT
      prints TEXT percent-encoded as one path segment (UTF-8, nothing safe)

Options:
  -u USER:PASS     HTTP Basic credentials
  -H 'Name: v'     an extra request header (repeatable)
  -D FILE          write the response headers to FILE ("Name: value" lines)
  --cacert FILE    verify https:// against this CA (default: no check)
  --body-file FILE send the bytes of FILE as the body

A body is sent as application/json. HTTP errors are answers, not failures:
the exit status is 0 whenever a response arrived, 2 otherwise.
"""
import base64
import http.client
import ssl
import sys
import urllib.parse


def main(argv):
    if len(argv) == 2 and argv[0] == "--quote":
        print(urllib.parse.quote(argv[1], safe=""))
        return 0
    headers, dump, cacert, body = {}, None, None, None
    while argv and argv[0].startswith("-"):
        opt, val = argv[0], argv[1]
        argv = argv[2:]
        if opt == "-u":
            token = base64.b64encode(val.encode()).decode()
            headers["Authorization"] = "Basic " + token
        elif opt == "-H":
            name, _, value = val.partition(":")
            headers[name.strip()] = value.strip()
        elif opt == "-D":
            dump = val
        elif opt == "--cacert":
            cacert = val
        elif opt == "--body-file":
            with open(val, "rb") as f:
                body = f.read()
        else:
            sys.stderr.write("rest_client.py: unknown option %s\n" % opt)
            return 2
    method, url = argv[0], argv[1]
    if len(argv) > 2:
        body = argv[2].encode()
    if body is not None:
        headers.setdefault("Content-Type", "application/json")
    u = urllib.parse.urlsplit(url)
    path = u.path + ("?" + u.query if u.query else "")
    if u.scheme == "https":
        ctx = ssl.create_default_context(cafile=cacert) if cacert \
            else ssl._create_unverified_context()
        conn = http.client.HTTPSConnection(u.hostname, u.port, timeout=30,
                                           context=ctx)
    else:
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
    except (OSError, http.client.HTTPException) as e:
        sys.stderr.write("rest_client.py: %s %s: %s\n" % (method, url, e))
        return 2
    if dump:
        with open(dump, "w") as f:
            for name, value in resp.getheaders():
                f.write("%s: %s\n" % (name, value))
    sys.stdout.write("%d\n" % resp.status)
    sys.stdout.write(data.decode("utf-8", "replace"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
