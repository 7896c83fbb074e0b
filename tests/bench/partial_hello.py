#!/usr/bin/env python3
"""
partial_hello.py - server memory with connections holding partial
ClientHellos (issue 10, finding 4). Figures only; it never fails on one.

    python3 tests/bench/partial_hello.py [--binary ./kizuna] [--conns 1000]
        [--announce 131000] [--send 120000] [--retry]

Starts the binary (via tests/integration/kizuna_harness.py) on 127.0.0.1
with max_per_ip = 0 (every connection comes from one address), one worker
and deadlines of 60 s, then opens --conns TCP connections. Each sends a TLS
record header and a ClientHello handshake header announcing --announce
bytes, then --send bytes of it in 16 KiB records, and stays silent. After
the sends, it waits two seconds and reads the server's VmRSS; it prints the
RSS before, after, the difference per connection, and how many of the
connections the server had already closed. Loopback only, bounded counts.
"""

import argparse
import os
import resource
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "integration"))
from kizuna_harness import KizunaServer  # noqa: E402


def vm_rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def partial_hello(announce, send):
    """The first bytes of a ClientHello that announces `announce` bytes:
    records of at most 16 KiB carrying `send` bytes of the message."""
    body = b"\x01" + struct.pack("!I", announce)[1:] + b"\x03\x03" + \
        os.urandom(32) + b"\x00" * max(0, send - 38)
    body = body[:send]
    out = b""
    for i in range(0, len(body), 16384):
        part = body[i:i + 16384]
        out += b"\x16\x03\x01" + struct.pack("!H", len(part)) + part
    return out


def hello_asking_retry():
    """A TLS 1.3 ClientHello naming P-256 without a key share for it: the
    server answers with a HelloRetryRequest (RFC 8446 4.1.4)."""
    def ext(kind, data):
        return struct.pack("!HH", kind, len(data)) + data
    exts = (ext(0x002b, b"\x02\x03\x04") + ext(0x000a, b"\x00\x02\x00\x17")
            + ext(0x0033, b"\x00\x00")
            + ext(0x000d, b"\x00\x04\x04\x03\x08\x04"))
    body = (b"\x03\x03" + os.urandom(32) + b"\x20" + os.urandom(32)
            + b"\x00\x02\x13\x01\x01\x00" + struct.pack("!H", len(exts))
            + exts)
    hs = b"\x01" + struct.pack("!I", len(body))[1:] + body
    return b"\x16\x03\x01" + struct.pack("!H", len(hs)) + hs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", default=None)
    ap.add_argument("--conns", type=int, default=1000)
    ap.add_argument("--announce", type=int, default=131000)
    ap.add_argument("--send", type=int, default=120000)
    ap.add_argument("--retry", action="store_true")
    args = ap.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    binary = os.path.abspath(args.binary) if args.binary else None
    srv = KizunaServer(timeout=60, workers=1, binary=binary,
                       config_overrides={
                           ("server", "handshake_timeout"): "60",
                           ("server", "max_per_ip"): "0",
                           ("server", "max_connections"): "5000",
                           ("log", "access"): "off"})
    socks = []
    try:
        srv.start()
        time.sleep(0.5)
        before = vm_rss_kb(srv.proc.pid)
        data = partial_hello(args.announce, args.send)
        for _ in range(args.conns):
            s = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
            try:
                if args.retry:
                    s.sendall(hello_asking_retry())
                    s.recv(4096)   # the HelloRetryRequest
                s.sendall(data)
            except OSError:
                pass
            socks.append(s)
        time.sleep(2.0)
        after = vm_rss_kb(srv.proc.pid)
        closed = 0
        for s in socks:
            s.setblocking(False)
            try:
                if s.recv(1) == b"":
                    closed += 1
            except BlockingIOError:
                pass
            except OSError:
                closed += 1
        print("binary %s: %d connections, %sClientHello announcing %d "
              "bytes, %d sent" % (srv.binary, args.conns,
                                  "second " if args.retry else "",
                                  args.announce, args.send))
        print("RSS before %.1f MB, after %.1f MB: %+.1f KB per connection; "
              "%d of %d already closed by the server" % (
                  before / 1024, after / 1024,
                  (after - before) / args.conns, closed, args.conns))
    finally:
        for s in socks:
            s.close()
        srv.cleanup()


if __name__ == "__main__":
    main()
