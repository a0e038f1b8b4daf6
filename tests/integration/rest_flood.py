#!/usr/bin/env python3
"""Hostile REST clients for test_security_rest_limits.sh (loopback only,
every loop bounded in count and time).

  rest_flood.py idle PORT N SRC SECONDS
      N connections from source address SRC, each sending a partial request
      head and then one more byte a second (slowloris) for SECONDS; while
      they are open, a normal client (127.0.0.1) sends GET / five times.
      Prints "answered K" (normal requests that got 200 within 5 s each),
      "held H" (flood connections the server accepted and still had open
      after SECONDS) and "closed C" (flood connections it closed).
  rest_flood.py upload PORT N BYTES [HOLD]
      N unauthenticated POST /connectors announcing BYTES+1 bytes of body,
      from 127.0.0.10.., 10 per address; each sends BYTES of it (as far as
      the server takes them) and then waits for an answer, 5 s for all.
      Prints "status S K" for each status (none: no answer), then keeps
      the connections open HOLD more seconds (RSS is measured meanwhile).
"""
import collections
import selectors
import socket
import sys
import time


def connect(port, src, timeout=5):
    s = socket.socket()
    s.bind((src, 0))
    s.settimeout(timeout)
    s.connect(("127.0.0.1", port))
    return s


def normal_get(port):
    try:
        s = connect(port, "127.0.0.1")
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = b""
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            b = s.recv(4096)
            if not b:
                break
            data += b
        s.close()
        return data.startswith(b"HTTP/1.1 200")
    except OSError:
        return False


def idle(port, n, src, seconds):
    socks = []
    opening = time.monotonic() + 15  # a server that stops accepting
    for _ in range(n):
        if time.monotonic() > opening:
            break
        try:
            s = connect(port, src, 0.5)
            s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            s.setblocking(False)
            socks.append(s)
        except OSError:
            pass  # refused or reset at once: not held
    answered = 0
    end = time.monotonic() + seconds
    ticks = 0
    while time.monotonic() < end and ticks < 1000:
        ticks += 1
        if ticks <= 5 and normal_get(port):
            answered += 1
        for s in socks:
            try:
                s.send(b"a")
            except OSError:
                pass
        time.sleep(1)
    held = closed = 0
    for s in socks:
        try:
            s.recv(1)  # b"" or an answer: the server let go of it
            closed += 1
        except BlockingIOError:
            held += 1
        except OSError:
            closed += 1
    print("answered", answered)
    print("held", held)
    print("closed", closed)


def upload(port, n, size):
    statuses = collections.Counter()
    body = b"x" * size
    socks = []
    for i in range(n):
        src = "127.0.0.%d" % (10 + i // 10)
        try:
            s = connect(port, src)
            s.sendall(b"POST /connectors HTTP/1.1\r\nHost: x\r\n"
                      b"Content-Type: application/json\r\n"
                      b"Content-Length: %d\r\n\r\n" % (size + 1))
            s.setblocking(False)
            try:  # all but the last byte, as far as the server takes it
                s.send(body)
            except OSError:
                pass
            socks.append(s)
        except OSError:
            statuses["refused"] += 1
    sel = selectors.DefaultSelector()
    for s in socks:
        sel.register(s, selectors.EVENT_READ)
    deadline = time.monotonic() + 5
    left = len(socks)
    while left and time.monotonic() < deadline:
        for key, _ in sel.select(timeout=0.2):
            try:
                data = key.fileobj.recv(64)
                statuses[data[9:12].decode() or "closed"] += 1
            except OSError:
                statuses["reset"] += 1
            sel.unregister(key.fileobj)
            left -= 1
    statuses["none"] += left
    for k, v in sorted(statuses.items()):
        if v:
            print("status", k, v)
    sys.stdout.flush()
    time.sleep(float(sys.argv[5]) if len(sys.argv) > 5 else 0)
    for s in socks:
        s.close()


if sys.argv[1] == "idle":
    idle(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5]))
else:
    upload(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
