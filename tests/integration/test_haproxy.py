"""
kizuna behind a real HAProxy (the Debian package), as the README's
"Running behind HAProxy" section sets it up: mode tcp, round robin over two
kizuna instances with proxy_protocol = on, send-proxy-v2 (and send-proxy,
version 1, on a second frontend), health checks on.

The client connects from 127.0.0.3 while HAProxy connects to kizuna from
127.0.0.1: an access log line that says 127.0.0.3 can only have taken the
address from the PROXY header. `make test` installs haproxy (TEST_DEPS);
run by hand without it, the test is skipped and says why.
"""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest

from kizuna_harness import KizunaServer, client_context, free_port, read_response

CLIENT_ADDRESS = "127.0.0.3"
HAPROXY = shutil.which("haproxy") or next(
    (p for p in ("/usr/sbin/haproxy", "/usr/local/sbin/haproxy")
     if os.access(p, os.X_OK)), None)

HAPROXY_CFG = """\
global
    maxconn 200

defaults
    mode tcp
    timeout connect 5s
    timeout client 30s
    timeout server 30s

frontend gemini
    bind 127.0.0.1:{front}
    default_backend kizuna

backend kizuna
    balance roundrobin
    server k1 127.0.0.1:{p1} send-proxy-v2 check inter 1s
    server k2 127.0.0.1:{p2} send-proxy-v2 check inter 1s

frontend gemini_v1
    bind 127.0.0.1:{front_v1}
    default_backend kizuna_v1

backend kizuna_v1
    server k1 127.0.0.1:{p1} send-proxy
"""


def wait_port(port, proc, limit=10.0):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


def gemini_get(port, path, timeout=10.0):
    """A request through HAProxy from CLIENT_ADDRESS. The URL has no port:
    the one HAProxy listens on is not kizuna's (which would answer 53)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        s.bind((CLIENT_ADDRESS, 0))
        s.connect(("127.0.0.1", port))
        tls = client_context().wrap_socket(s, server_hostname="localhost",
                                           suppress_ragged_eofs=False)
    except BaseException:
        s.close()
        raise
    tls.sendall(("gemini://localhost%s\r\n" % path).encode())
    return read_response(tls, timeout=timeout)


class HAProxyTest(unittest.TestCase):

    def setUp(self):
        if HAPROXY is None:
            self.skipTest("haproxy is not installed (Debian package "
                          "haproxy; `make test` installs it with apt-get "
                          "when it can)")
        try:
            with socket.socket() as s:
                s.bind((CLIENT_ADDRESS, 0))
        except OSError as e:
            self.skipTest("cannot bind %s on loopback: %s"
                          % (CLIENT_ADDRESS, e))
        self.kizunas = []
        for name in ("k1", "k2"):
            srv = KizunaServer(
                # debug: each PROXY header read is on stderr.
                config_overrides={("server", "proxy_protocol"): "on",
                                  ("log", "level"): "debug"},
                extra_files={"who.gmi": ("# %s\n" % name).encode()})
            self.addCleanup(srv.cleanup)
            srv.start()
            self.kizunas.append(srv)
        self.dir = tempfile.mkdtemp(prefix="kizuna-haproxy-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.front = free_port()
        self.front_v1 = free_port()
        cfg = os.path.join(self.dir, "haproxy.cfg")
        with open(cfg, "w") as f:
            f.write(HAPROXY_CFG.format(front=self.front,
                                       front_v1=self.front_v1,
                                       p1=self.kizunas[0].port,
                                       p2=self.kizunas[1].port))
        self.haproxy_log = os.path.join(self.dir, "haproxy.log")
        self.log_file = open(self.haproxy_log, "wb")
        self.addCleanup(self.log_file.close)
        # -db: stay in the foreground, so it is ours to stop.
        self.haproxy = subprocess.Popen([HAPROXY, "-f", cfg, "-db"],
                                        stdin=subprocess.DEVNULL,
                                        stdout=self.log_file,
                                        stderr=subprocess.STDOUT)
        self.addCleanup(self.stop_haproxy)
        for port in (self.front, self.front_v1):
            if not wait_port(port, self.haproxy):
                self.fail("haproxy is not listening on %d; its output:\n%s"
                          % (port, self.haproxy_output()))

    def haproxy_output(self):
        with open(self.haproxy_log, "rb") as f:
            return f.read().decode("utf-8", "replace")[-3000:]

    def stop_haproxy(self):
        if self.haproxy.poll() is None:
            self.haproxy.send_signal(signal.SIGTERM)
            try:
                self.haproxy.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.haproxy.kill()
                self.haproxy.wait(timeout=5)

    def tearDown(self):
        for srv in self.kizunas:
            rc = srv.stop()
            self.assertEqual(rc, 0, "kizuna exited %r; stderr:\n%s"
                             % (rc, srv.stderr_text()[-3000:]))

    def log_lines(self, srv):
        return srv.access_log_bytes().decode("utf-8", "replace").splitlines()

    def test_both_instances_serve_and_log_the_clients_address(self):
        seen = {}
        deadline = time.monotonic() + 30
        requests = 0
        # Round robin: a few requests reach both (more if a health check
        # has not yet found a server up).
        while (len(seen) < 2 or requests < 6) and time.monotonic() < deadline:
            r = gemini_get(self.front, "/who.gmi")
            requests += 1
            if r.status is None:      # a server not yet up: try again
                time.sleep(0.2)
                continue
            self.assertEqual(r.status, 20, "through haproxy: %r" % r)
            self.assertEqual(r.meta, "text/gemini; charset=utf-8; lang=ja")
            self.assertIn(r.body, (b"# k1\n", b"# k2\n"))
            self.assertTrue(r.close_notify)
            seen[r.body] = seen.get(r.body, 0) + 1
        self.assertEqual(sorted(seen), [b"# k1\n", b"# k2\n"],
                         "round robin did not reach both instances in %d "
                         "requests: %r; haproxy:\n%s"
                         % (requests, seen, self.haproxy_output()))
        # Version 1 too, through the second frontend (to k1).
        r = gemini_get(self.front_v1, "/index.gmi")
        self.assertEqual(r.status, 20, "through send-proxy (v1): %r" % r)

        # The client's address, from the header, in both logs; never
        # HAProxy's own for a request.
        time.sleep(0.3)
        for srv, name in zip(self.kizunas, ("k1", "k2")):
            lines = self.log_lines(srv)
            served = [ln for ln in lines if '"gemini://localhost/who.gmi" 20 '
                      in ln]
            self.assertTrue(served, "%s logged no request:\n%s"
                            % (name, "\n".join(lines)))
            for ln in served:
                self.assertEqual(ln.split(" ")[1], CLIENT_ADDRESS, ln)
            # Every header HAProxy wrote was read ("no PROXY header" is
            # the harness's readiness probe, which sends nothing).
            self.assertFalse([ln for ln in lines if "PROXY" in ln and
                              "no PROXY header" not in ln],
                             "\n".join(lines))
            # Its health checks (every second) come as LOCAL: a version 2
            # header of 16 bytes, no addresses, the connection's own peer.
            self.assertRegex(srv.wait_for_stderr(
                r"127\.0\.0\.1: PROXY v2 header, 16 bytes", limit=10),
                r"127\.0\.0\.1: PROXY v2 header, 16 bytes",
                "%s saw no health check from haproxy" % name)
        v1_lines = [ln for ln in self.log_lines(self.kizunas[0])
                    if '"gemini://localhost/index.gmi" 20 ' in ln]
        self.assertEqual([ln.split(" ")[1] for ln in v1_lines],
                         [CLIENT_ADDRESS])


if __name__ == "__main__":
    unittest.main()
