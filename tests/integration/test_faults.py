"""
Fault tests for kizuna (issue 5, "Fault tests"): slowloris, TLS garbage and
resets, slow readers of big files, file-descriptor exhaustion, a flood from
one address, and files changed under the server's feet.

Run from the repo root:
    KIZUNA_BIN=$PWD/kizuna python3 -m unittest \
        tests/integration/test_faults.py -v
    make stress      (KIZUNA_STRESS=1: the sizes of the issue; minutes)
    KIZUNA_FAULTS_VERBOSE=1 also prints what was measured.

Standard library only. All traffic is on loopback; every loop is bounded in
count and in time; every socket has a timeout (or is non-blocking behind a
bounded select). Each test starts its own server with the configuration it
needs, and ends by checking that the server is still alive, still serves
gemini://localhost:PORT/ with 20, stops cleanly on SIGTERM, and that the
secret file outside the capsule root (outside/secret.txt in the temp dir,
next to capsule/) never appeared in any byte the test received.

The server contract checked (config.ini, [server]):
- handshake_timeout: TLS handshake done within it of accept, else closed.
- timeout: the whole request line within it of accept (a trickle does not
  extend it), else closed without a response.
- write_timeout: a client that reads nothing that long is dropped; and a
  response must be done within write_timeout + size / min_rate KiB/s.
- max_per_ip: connections over it are closed at accept, before TLS, with
  nothing sent (logged "over max_per_ip: closed at accept").
- rate_limit: requests over it are answered 44 with close_notify, its META
  the bare number of seconds to wait (clients read it as a number), the
  words in the access log.
- A body the server could not finish never ends with a TLS close_notify.
"""

import errno
import heapq
import json
import os
import random
import re
import resource
import select
import selectors
import socket
import ssl
import struct
import subprocess
import sys
import threading
import time
import unittest
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from kizuna_harness import (  # noqa: E402
    INDEX_GMI, SECRET, KizunaServer, Response, client_context,
    client_sees_ragged_eof, connect_tls, ipv6_available, raw_client_hello,
    read_response, server_hello_version, tcp_exchange)

# ---- sizes: fast (make test) or the (make stress) ----------------

STRESS = os.environ.get("KIZUNA_STRESS", "") not in ("", "0")
# Figures measured (latencies, close times, RSS, CPU) on stderr.
VERBOSE = STRESS or os.environ.get("KIZUNA_FAULTS_VERBOSE", "") not in (
    "", "0")

KiB = 1024
MiB = 1024 * 1024

# Latency another client must keep during a fault (99th percentile of
# whole requests: connect, handshake, request, response).
P99_LIMIT = 0.100

# 1. Slowloris. In stress mode the request deadline is longer so that all
# 2,000 connections are open at the same time (opening them takes seconds).
SLOW_TLS = 2000 if STRESS else 200
SLOW_RAW = 500 if STRESS else 50
SLOW_TIMEOUT = 10 if STRESS else 3
SLOW_HANDSHAKE_TIMEOUT = 2

# 2. TLS garbage: this many of each kind.
GARBAGE_EACH = 200 if STRESS else 24
GARBAGE_THREADS = 32
GARBAGE_HANDSHAKE_TIMEOUT = 2

# 3. Slow readers. The steady reader's file is small enough for its
# deadline (write_timeout + size / min_rate) to come in seconds, and big
# enough that a server keeping its socket buffering bounded cannot hand
# it all to the kernel before then.
BIG_SIZE = 100 * MiB if STRESS else 8 * MiB
STEADY_SIZE = 4 * MiB if STRESS else 320 * KiB
# Bytes per second: half of min_rate. Progress is seen a TLS record (16 KiB)
# at a time, so a reader at one record a second could stall past a 2 s
# write_timeout between records; two a second cannot.
STEADY_RATE = 32 * KiB
STOP_AFTER = 16 * KiB
WRITE_TIMEOUT = 2
MIN_RATE = 64                   # KiB/s
# Server memory may grow by this much while serving the big file: buffers,
# never the file itself (so less than the file in fast mode too).
RSS_LIMIT = min(20 * MiB, BIG_SIZE * 3 // 4)

# 4. File-descriptor exhaustion.
FD_LIMIT = 256
FD_CLIENTS = 1000 if STRESS else 400
FD_HOLD = 5.0 if STRESS else 2.0
FD_CPU_LIMIT = 0.30             # of one core, over the hold
FD_RECOVER = 10.0 if STRESS else 5.0

# 5. Flood from one address.
PER_IP = 8
FLOOD = 1000 if STRESS else 24
FLOOD_THREADS = 32

# 6. Files changed while served.
CHURN_SIZE = 4 * MiB
CHURN_READERS = 8 if STRESS else 4
CHURN_SECONDS = 30.0 if STRESS else 3.0

# Paths that try to name the secret outside the root.
LEAK_PATHS = [
    "/../outside/secret.txt",
    "/../../outside/secret.txt",
    "/%2e%2e/outside/secret.txt",
    "/%2E%2E/outside/secret.gmi",
    "/%2e%2e%2foutside%2fsecret.txt",
    "/..%2Foutside%2Fsecret.txt",
    "/docs/../../outside/secret.txt",
    "/docs/%2e%2e/%2e%2e/outside/secret.txt",
    "/./.././outside/secret.txt",
    "/escape",
    "/escape_dir/secret.txt",
]

HEADER_RE = re.compile(rb"\A[0-9]{2} [^\r\n]*\Z")
GEMINI_HEADER_START = re.compile(rb"\A[0-9]{2} ")


_UNCHECKED_SAID = set()


def assert_no_close_notify(test, r, msg):
    """That r ended without a TLS close_notify, where this Python's ssl can
    tell (kizuna_harness.client_sees_ragged_eof); elsewhere the check is
    left out, and said so once on stderr, never silently."""
    seen, why = client_sees_ragged_eof()
    if seen:
        test.assertFalse(r.close_notify, msg)
    elif why not in _UNCHECKED_SAID:
        _UNCHECKED_SAID.add(why)
        sys.stderr.write("\ntest_faults: NOT CHECKED that a cut or empty "
                         "response ends without close_notify: %s\n" % why)


def _raise_nofile_limit():
    """The test opens thousands of sockets: soft RLIMIT_NOFILE to hard."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = hard if hard != resource.RLIM_INFINITY else 1 << 20
    if soft == resource.RLIM_INFINITY or soft >= want:
        return
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    except (ValueError, OSError):
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE,
                               (min(want, 65536), hard))
        except (ValueError, OSError):
            pass


_raise_nofile_limit()


# ---- helpers ---------------------------------------------------------------

def pattern_bytes(size, seed):
    """size incompressible-looking bytes, cheap to make."""
    rnd = random.Random(seed)
    block = bytes(rnd.getrandbits(8) for _ in range(4096))
    reps = size // len(block) + 1
    return (block * reps)[:size]


def proc_rss(pid):
    """VmRSS of a process in bytes, or None when it is gone."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


CLK_TCK = os.sysconf("SC_CLK_TCK")


def proc_cpu_seconds(pid):
    """User + system CPU time of a process (all threads), in seconds."""
    with open("/proc/%d/stat" % pid) as f:
        data = f.read()
    fields = data[data.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def binary_is_sanitized(path):
    """True for an AddressSanitizer build, whose memory figures (shadow
    memory, quarantine of freed blocks) say nothing about the server's."""
    try:
        with open(path, "rb") as f:
            tail = b""
            for _ in range(4096):            # at most 256 MiB
                chunk = f.read(65536)
                if not chunk:
                    return False
                if b"AddressSanitizer" in tail + chunk:
                    return True
                tail = chunk[-32:]
    except OSError:
        return False
    return False


def proc_fd_count(pid):
    try:
        return len(os.listdir("/proc/%d/fd" % pid))
    except OSError:
        return None


def server_side_state(server_port, client_port):
    """The TCP state (hex string, "01" = ESTABLISHED) of the server's end of
    the IPv4 loopback connection from client_port, or None when that socket
    is gone. Read from /proc/net/tcp: it tells when the server closed its
    end even while unread data is still queued towards the client."""
    try:
        with open("/proc/net/tcp") as f:
            lines = f.read().splitlines()[1:]
    except OSError:
        return None
    for line in lines:
        f = line.split()
        if len(f) < 4:
            continue
        try:
            lport = int(f[1].rsplit(":", 1)[1], 16)
            rport = int(f[2].rsplit(":", 1)[1], 16)
        except (IndexError, ValueError):
            continue
        if lport == server_port and rport == client_port:
            return f[3]
    return None


def wait_server_close(server_port, client_port, limit, step=0.02):
    """Polls until the server's end of the connection is no longer
    ESTABLISHED. Returns the monotonic time it was seen, or None."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if server_side_state(server_port, client_port) != "01":
            return time.monotonic()
        time.sleep(step)
    return None


def set_linger_reset(sock):
    """close() will then send a TCP RST instead of a FIN."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                        struct.pack("ii", 1, 0))
    except OSError:
        pass


def percentile(values, p):
    if not values:
        return None
    v = sorted(values)
    k = max(0, min(len(v) - 1, int(-(-p * len(v) // 1)) - 1))
    return v[k]


def read_more(tls, raw, timeout):
    """Reads tls until the server ends it (or timeout); returns a Response
    whose raw is raw + what came. Closes the socket."""
    rest = read_response(tls, timeout=timeout)
    r = Response()
    r.raw = bytes(raw) + rest.raw
    r.close_notify = rest.close_notify
    r.reset = rest.reset
    r.timed_out = rest.timed_out
    r.eof_error = rest.eof_error
    r.parse()
    return r


# The latency probe runs in its own process, so that the test's own
# client work (thousands of sockets, one Python interpreter) does not
# count as server latency. It requests LINE until stdin closes (or the
# bound), then prints a JSON list of [seconds, ok, why].
PROBE_CODE = r"""
import json, select, socket, ssl, sys, time
sys.path.insert(0, sys.argv[1])
from kizuna_harness import client_context, read_response, INDEX_GMI, SECRET
host, port, line = sys.argv[2], int(sys.argv[3]), sys.argv[4].encode()
bound, pause = float(sys.argv[5]), float(sys.argv[6])
out = []
end = time.monotonic() + bound
ready = False
while time.monotonic() < end and len(out) < 200000:
    if ready and select.select([sys.stdin], [], [], 0)[0]:
        break
    t0 = time.monotonic()
    try:
        # TCP_NODELAY: without it, Nagle's algorithm holds the request
        # behind the TLS 1.3 Finished for a delayed ACK (about 40 ms), and
        # that would be measured instead of the server.
        fam = socket.AF_INET6 if ":" in host else socket.AF_INET
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.settimeout(5.0)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            s.connect((host, port))
            tls = client_context().wrap_socket(
                s, server_hostname="localhost", suppress_ragged_eofs=False)
        except BaseException:
            s.close()
            raise
        try:
            tls.sendall(line)
        except (OSError, ssl.SSLError):
            pass
        r = read_response(tls, timeout=5.0, start=t0)
        ok = (r.status == 20 and r.body == INDEX_GMI and r.close_notify
              and not r.timed_out)
        why = "" if ok else repr(r)[:300]
        if SECRET in r.raw:
            ok, why = False, "SECRET LEAKED"
    except Exception as e:
        ok, why = False, repr(e)[:300]
    out.append([time.monotonic() - t0, ok, why])
    if not ready:
        ready = True
        sys.stdout.write("ready\n")
        sys.stdout.flush()
    time.sleep(pause)
sys.stdout.write(json.dumps(out) + "\n")
sys.stdout.flush()
"""


class Prober:
    """Another client, in its own process, requesting / over and over."""

    def __init__(self, srv, host="127.0.0.1", bound=600.0, pause=0.02):
        self.proc = subprocess.Popen(
            [sys.executable, "-c", PROBE_CODE, HERE, host, str(srv.port),
             srv.line("/").decode(), str(bound), str(pause)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE)
        self.samples = None
        self.stderr = b""

    def wait_ready(self, limit=15.0):
        ready = select.select([self.proc.stdout], [], [], limit)[0]
        if not ready:
            self.kill()
            raise AssertionError("latency probe did not start in %.0f s"
                                 % limit)
        line = self.proc.stdout.readline()
        if line.strip() != b"ready":
            self.kill()
            raise AssertionError("latency probe failed to start: %r %r"
                                 % (line, self.proc.stderr.read()[-2000:]))

    def finish(self, limit=60.0):
        """Stops the probe; returns [(seconds, ok, why)]."""
        try:
            # No input: communicate closes stdin, which stops the probe.
            out, err = self.proc.communicate(timeout=limit)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError("latency probe did not stop in %.0f s"
                                 % limit)
        self.stderr = err
        try:
            self.samples = [tuple(s) for s in json.loads(out.decode())]
        except ValueError:
            raise AssertionError("latency probe output unreadable: %r %r"
                                 % (out[-500:], err[-2000:]))
        return self.samples

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
        try:
            self.proc.communicate(timeout=5)
        except (subprocess.TimeoutExpired, ValueError, OSError):
            pass


class RssSampler(threading.Thread):
    """Samples a process's VmRSS every `step` seconds until stop()."""

    def __init__(self, pid, step=0.05, limit=900.0):
        super().__init__(daemon=True)
        self.pid, self.step, self.limit = pid, step, limit
        self.max = 0
        self.samples = 0
        self._stop_event = threading.Event()

    def run(self):
        end = time.monotonic() + self.limit
        while not self._stop_event.is_set() and time.monotonic() < end:
            rss = proc_rss(self.pid)
            if rss is not None:
                self.max = max(self.max, rss)
                self.samples += 1
            self._stop_event.wait(self.step)

    def stop(self):
        self._stop_event.set()
        self.join(timeout=5)


# ---- the base class --------------------------------------------------------

class FaultTestCase(unittest.TestCase):

    def setUp(self):
        self.srv = None
        self.leaks = []           # where SECRET showed up
        self.received = 0         # bytes looked at
        self._lock = threading.Lock()
        self.t_start = time.monotonic()

    def start_server(self, overrides=None, extra_files=None, timeout=5,
                     addresses=("127.0.0.1",), workers=2, preexec_fn=None):
        srv = KizunaServer(timeout=timeout, addresses=addresses,
                          workers=workers, extra_files=extra_files,
                          config_overrides=overrides, preexec_fn=preexec_fn)
        self.addCleanup(srv.cleanup)
        srv.start()
        self.srv = srv
        return srv

    def record(self, data, what=""):
        """Every byte received from the server goes through here."""
        if not data:
            return
        with self._lock:
            self.received += len(data)
            if SECRET in data:
                i = data.find(SECRET)
                self.leaks.append("%s: %r" % (
                    what, data[max(0, i - 80):i + 60]))

    def note(self, fmt, *args):
        if VERBOSE:
            sys.stderr.write("\n    [%s] %s" % (self._testMethodName[5:40],
                                               fmt % args))
            sys.stderr.flush()

    def record_response(self, r, what=""):
        self.record(r.raw, what)
        return r

    def stderr_tail(self, n=3000):
        return self.srv.stderr_text()[-n:] if self.srv else ""

    def assertAlive(self, when=""):
        if not self.srv.running():
            self.fail("kizuna died %s (status %r); stderr:\n%s" % (
                when, self.srv.proc.returncode, self.stderr_tail()))

    def assertProbes(self, samples, what, p99_limit=P99_LIMIT, min_count=5):
        self.assertGreaterEqual(
            len(samples), min_count,
            "%s: only %d requests by the other client" % (what, len(samples)))
        bad = [s for s in samples if not s[1]]
        self.assertEqual(bad, [], "%s: %d of %d requests by another client "
                         "failed, for example: %r" % (
                             what, len(bad), len(samples), bad[:3]))
        lat = [s[0] for s in samples]
        p99 = percentile(lat, 0.99)
        self.note("other client: %d requests, median %.1f ms, p99 %.1f ms, "
                  "max %.1f ms", len(lat), percentile(lat, 0.5) * 1000,
                  p99 * 1000, max(lat) * 1000)
        self.assertLess(
            p99, p99_limit,
            "%s: another client's p99 latency %.1f ms (median %.1f ms, max "
            "%.1f ms, %d requests); want under %.0f ms" % (
                what, p99 * 1000, percentile(lat, 0.5) * 1000,
                max(lat) * 1000, len(lat), p99_limit * 1000))

    def probe_leaks(self, host="127.0.0.1"):
        """Asks for the secret through ../ and %2e%2e; never a 20 with it."""
        for path in LEAK_PATHS:
            try:
                r = self.srv.get(path, host=host, timeout=5)
            except (OSError, ssl.SSLError) as e:
                self.fail("request for %s failed: %r" % (path, e))
            self.record_response(r, "GET " + path)
            self.assertIsNotNone(r.status, "no header for %s: %r" % (path, r))
            self.assertNotEqual(r.status, 20, "%s was served: %r" % (path, r))

    def finish_checks(self):
        """The end of every test: alive, serving, nothing leaked, clean
        stop."""
        self.assertAlive("during the test")
        self.probe_leaks()
        r = None
        deadline = time.monotonic() + 5.0
        while time.monotonic() < deadline:
            try:
                r = self.record_response(self.srv.get("/", timeout=5), "GET /")
            except (OSError, ssl.SSLError):
                r = None
            if r is not None and r.status == 20:
                break
            time.sleep(0.2)
        self.assertIsNotNone(r, "the server no longer answers")
        self.assertEqual(r.status, 20, "GET / after the test: %r" % r)
        self.assertEqual(r.body, INDEX_GMI)
        self.assertTrue(r.close_notify, "GET / ended without close_notify")
        self.assertEqual(self.leaks, [],
                         "a file outside the capsule root leaked: %s"
                         % self.leaks[:3])
        self.assertAlive("after the test")
        rc = self.srv.stop(limit=30)
        self.assertEqual(rc, 0, "kizuna exited with status %r on SIGTERM; "
                         "stderr:\n%s" % (rc, self.stderr_tail()))


# ---- 1. slowloris ----------------------------------------------------------

class SlowConn:
    __slots__ = ("kind", "sock", "payload", "sent", "t0", "next_send",
                 "closed_at", "how", "data")

    def __init__(self, kind, sock, payload, t0):
        self.kind, self.sock, self.payload, self.t0 = kind, sock, payload, t0
        self.sent = 0
        self.next_send = t0
        self.closed_at = None
        self.how = None
        self.data = b""


def interleave(n_a, n_b):
    """n_a "tls" and n_b "raw", evenly mixed."""
    marks = [((i + 0.5) / n_a, "tls") for i in range(n_a)]
    marks += [((i + 0.5) / n_b, "raw") for i in range(n_b)]
    return [k for _, k in sorted(marks)]


class SlowlorisTest(FaultTestCase):

    OPEN_BATCH = 8

    def _open(self, kind, ctx, tls_payload, raw_payload):
        t0 = time.monotonic()
        try:
            sock = socket.create_connection(("127.0.0.1", self.srv.port),
                                            timeout=5)
        except OSError as e:
            return None, "connect: %r" % e
        if kind == "tls":
            try:
                sock = ctx.wrap_socket(sock, server_hostname="localhost",
                                       suppress_ragged_eofs=False)
            except (OSError, ssl.SSLError) as e:
                sock.close()
                return None, "handshake: %r" % e
            payload = tls_payload
        else:
            payload = raw_payload
        sock.setblocking(False)
        return SlowConn(kind, sock, payload, t0), None

    def _close(self, c, how, sel, now):
        c.closed_at = now - c.t0
        c.how = how
        try:
            sel.unregister(c.sock)
        except (KeyError, ValueError):
            pass
        c.sock.close()

    def _drain(self, c, sel):
        for _ in range(32):
            try:
                d = c.sock.recv(65536)
            except (ssl.SSLWantReadError, ssl.SSLWantWriteError,
                    BlockingIOError, InterruptedError):
                return
            except ssl.SSLEOFError:
                self._close(c, "eof", sel, time.monotonic())
                return
            except ConnectionResetError:
                self._close(c, "reset", sel, time.monotonic())
                return
            except (OSError, ssl.SSLError) as e:
                self._close(c, "error %r" % e, sel, time.monotonic())
                return
            if not d:
                self._close(c, "close_notify" if c.kind == "tls" else "eof",
                            sel, time.monotonic())
                return
            c.data += d
            self.record(d, "slowloris " + c.kind)

    def _trickle(self, c, sel):
        b = c.payload[c.sent:c.sent + 1]
        try:
            n = c.sock.send(b)
        except (ssl.SSLWantReadError, ssl.SSLWantWriteError,
                BlockingIOError, InterruptedError):
            n = 0
        except (OSError, ssl.SSLError) as e:
            # The server closed first; the read side says when.
            self._drain(c, sel)
            if c.closed_at is None:
                self._close(c, "send failed %r" % e, sel, time.monotonic())
            return
        c.sent += n
        c.next_send += 1.0

    def run_slowloris(self, n_tls, n_raw, tls_payload, raw_payload, limit):
        ctx = client_context()
        sel = selectors.DefaultSelector()
        conns, heap, failures = [], [], []
        kinds = interleave(n_tls, n_raw)
        pos = 0
        open_count = 0
        deadline = time.monotonic() + limit
        try:
            while time.monotonic() < deadline:
                opened = 0
                while pos < len(kinds) and opened < self.OPEN_BATCH:
                    c, err = self._open(kinds[pos], ctx, tls_payload,
                                        raw_payload)
                    pos += 1
                    opened += 1
                    if c is None:
                        failures.append(err)
                        continue
                    conns.append(c)
                    open_count += 1
                    sel.register(c.sock, selectors.EVENT_READ, c)
                    heapq.heappush(heap, (c.next_send, len(conns) - 1))
                wait = 0 if pos < len(kinds) else 0.02
                for key, _ in sel.select(wait):
                    c = key.data
                    if c.closed_at is None:
                        self._drain(c, sel)
                        if c.closed_at is not None:
                            open_count -= 1
                now = time.monotonic()
                while heap and heap[0][0] <= now:
                    _, i = heapq.heappop(heap)
                    c = conns[i]
                    if c.closed_at is not None:
                        continue
                    self._trickle(c, sel)
                    if c.closed_at is not None:
                        open_count -= 1
                    elif c.sent < len(c.payload):
                        heapq.heappush(heap, (c.next_send, i))
                if pos >= len(kinds) and open_count <= 0:
                    break
        finally:
            for c in conns:
                if c.closed_at is None:
                    c.how = "still open"
                    c.sock.close()
            sel.close()
        return conns, failures

    def test_slowloris_is_closed_at_the_deadline_while_others_are_served(self):
        srv = self.start_server(
            timeout=SLOW_TIMEOUT,
            overrides={("server", "handshake_timeout"):
                       str(SLOW_HANDSHAKE_TIMEOUT),
                       ("server", "max_per_ip"): "0"})
        # Never completes in time: far longer than the deadline in bytes.
        tls_payload = srv.line("/../outside/secret.txt" + "/x" * 40)
        raw_payload = raw_client_hello(0x0303)
        self.assertGreater(len(raw_payload), SLOW_HANDSHAKE_TIMEOUT + 10)
        probe = Prober(srv)
        self.addCleanup(probe.kill)
        probe.wait_ready()
        t0 = time.monotonic()
        conns, failures = self.run_slowloris(
            SLOW_TLS, SLOW_RAW, tls_payload, raw_payload,
            limit=SLOW_TIMEOUT + 8 + (SLOW_TLS + SLOW_RAW) / 200.0)
        slow_secs = time.monotonic() - t0
        samples = probe.finish()
        self.assertAlive("during the slowloris")
        for kind in ("tls", "raw"):
            ts = sorted(c.closed_at for c in conns
                        if c.kind == kind and c.closed_at is not None)
            hows = {}
            for c in conns:
                if c.kind == kind:
                    hows[c.how] = hows.get(c.how, 0) + 1
            if ts:
                self.note("%s slowloris: %d closed in %.2f..%.2f s (median "
                          "%.2f), how: %r", kind, len(ts), ts[0], ts[-1],
                          ts[len(ts) // 2], hows)
        self.note("slowloris phase %.1f s", slow_secs)

        self.assertEqual(failures, [], "%d slow clients could not even "
                         "connect: %r" % (len(failures), failures[:3]))
        tls_conns = [c for c in conns if c.kind == "tls"]
        raw_conns = [c for c in conns if c.kind == "raw"]
        self.assertEqual(len(tls_conns), SLOW_TLS)
        self.assertEqual(len(raw_conns), SLOW_RAW)

        # TLS slowloris: closed at the request deadline, with no response.
        lo, hi = SLOW_TIMEOUT - 0.5, SLOW_TIMEOUT + 3.0
        still = [c for c in tls_conns if c.closed_at is None]
        self.assertEqual(len(still), 0, "%d of %d TLS slowloris connections "
                         "were never closed" % (len(still), len(tls_conns)))
        early = [(round(c.closed_at, 2), c.how) for c in tls_conns
                 if c.closed_at < lo]
        late = [c.closed_at for c in tls_conns if c.closed_at > hi]
        self.assertEqual(len(early), 0, "TLS slowloris closed before the "
                         "request deadline (%d s): %d, e.g. %r" % (
                             SLOW_TIMEOUT, len(early), sorted(early)[:3]))
        self.assertEqual(len(late), 0, "TLS slowloris closed late (deadline "
                         "%d s): %d, the latest after %.2f s" % (
                             SLOW_TIMEOUT, len(late), max(late or [0])))
        answered = [c.data[:80] for c in tls_conns if c.data]
        self.assertEqual(len(answered), 0, "an unfinished request got a "
                         "response: %r" % answered[:3])

        # Raw TCP slowloris (a ClientHello a byte a second): closed at the
        # handshake deadline.
        lo, hi = SLOW_HANDSHAKE_TIMEOUT - 0.5, SLOW_HANDSHAKE_TIMEOUT + 3.0
        still = [c for c in raw_conns if c.closed_at is None]
        self.assertEqual(len(still), 0, "%d of %d raw TCP slowloris "
                         "connections were never closed" % (
                             len(still), len(raw_conns)))
        bad = [(round(c.closed_at, 2), c.how) for c in raw_conns
               if not lo <= c.closed_at <= hi]
        self.assertEqual(len(bad), 0, "raw slowloris not closed at the "
                         "handshake deadline (%d s): %r" % (
                             SLOW_HANDSHAKE_TIMEOUT, bad[:5]))
        plain = [c.data[:40] for c in raw_conns
                 if GEMINI_HEADER_START.match(c.data)]
        self.assertEqual(plain, [], "plaintext response without TLS")

        self.assertProbes(samples, "during %d TLS + %d raw slowloris "
                          "connections (%.1f s)" % (SLOW_TLS, SLOW_RAW,
                                                    slow_secs))
        self.finish_checks()


# ---- 2. TLS garbage and resets ---------------------------------------------

class TLSGarbageTest(FaultTestCase):

    def _tcp(self, data, timeout):
        """Sends data on plain TCP, reads until closed. Returns (bytes, how,
        elapsed)."""
        data, how, elapsed = tcp_exchange(self.srv.port, data,
                                          timeout=timeout)
        self.record(data, "garbage")
        return data, how, elapsed

    def case_random(self, rnd):
        data = os.urandom(rnd.randint(1, 4096))
        return self._tcp(data, GARBAGE_HANDSHAKE_TIMEOUT + 4)

    def case_record_header(self, rnd):
        ctype = rnd.choice([0x16, 0x16, 0x16, 0x15, 0x17, 0x14])
        n = rnd.randint(1, 2000)
        data = (struct.pack("!BHH", ctype, rnd.choice([0x0301, 0x0303]), n)
                + os.urandom(n))
        if rnd.random() < 0.5:
            # A handshake message header too: ClientHello type, some length.
            body = os.urandom(max(0, n - 4))
            data = (struct.pack("!BHH", 0x16, 0x0301, len(body) + 4)
                    + struct.pack("!I", (1 << 24) | rnd.randint(0, 0xffff))
                    + body)
        return self._tcp(data, GARBAGE_HANDSHAKE_TIMEOUT + 4)

    def case_hello_silence(self, rnd):
        return self._tcp(raw_client_hello(0x0303),
                         GARBAGE_HANDSHAKE_TIMEOUT + 5)

    def case_reset_after_hello(self, rnd):
        s = socket.create_connection(("127.0.0.1", self.srv.port), timeout=5)
        got = b""
        try:
            s.sendall(raw_client_hello(0x0303))
            if rnd.random() < 0.7:
                s.settimeout(1.0)
                try:
                    got = s.recv(rnd.randint(1, 200))
                except (socket.timeout, OSError):
                    pass
            set_linger_reset(s)
        finally:
            s.close()
        self.record(got, "reset after hello")
        return got, "reset", 0.0

    def case_reset_mid_tls13_handshake(self, rnd):
        ctx = client_context()
        s = socket.create_connection(("127.0.0.1", self.srv.port), timeout=5)
        tls = ctx.wrap_socket(s, server_hostname="localhost",
                              do_handshake_on_connect=False,
                              suppress_ragged_eofs=False)
        try:
            tls.setblocking(False)
            try:
                tls.do_handshake()      # sends the ClientHello
            except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
                pass
            select.select([tls], [], [], rnd.choice([0, 0.05, 0.5]))
            set_linger_reset(tls)
        finally:
            tls.close()
        return b"", "reset", 0.0

    def case_reset_mid_response(self, rnd):
        s = socket.create_connection(("127.0.0.1", self.srv.port), timeout=5)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 32768)
        tls = client_context().wrap_socket(s, server_hostname="localhost",
                                           suppress_ragged_eofs=False)
        got = b""
        try:
            tls.sendall(self.srv.line("/big.bin"))
            for _ in range(rnd.randint(1, 4)):
                try:
                    got += tls.recv(rnd.choice([1, 100, 16384]))
                except (OSError, ssl.SSLError):
                    break
            if rnd.random() < 0.5:
                time.sleep(0.05)
            set_linger_reset(tls)
        finally:
            tls.close()
        self.record(got, "reset mid-response")
        return got, "reset", 0.0

    def test_garbage_and_resets_do_not_hurt_the_server(self):
        srv = self.start_server(
            timeout=5,
            overrides={("server", "handshake_timeout"):
                       str(GARBAGE_HANDSHAKE_TIMEOUT),
                       ("server", "max_per_ip"): "0"})
        kinds = ["random", "record_header", "hello_silence",
                 "reset_after_hello", "reset_mid_tls13_handshake",
                 "reset_mid_response"]
        rnd = random.Random(5)
        jobs = [(k, random.Random(rnd.random())) for k in kinds
                for _ in range(GARBAGE_EACH)]
        rnd.shuffle(jobs)
        probe = Prober(srv)
        self.addCleanup(probe.kill)
        probe.wait_ready()

        def run(job):
            kind, r = job
            try:
                return kind, getattr(self, "case_" + kind)(r), None
            except (OSError, ssl.SSLError) as e:
                return kind, None, e

        with ThreadPoolExecutor(max_workers=GARBAGE_THREADS) as ex:
            results = list(ex.map(run, jobs))
        samples = probe.finish()
        self.assertAlive("during the garbage")

        hs = GARBAGE_HANDSHAKE_TIMEOUT
        for kind in kinds:
            rs = [x for k, x, e in results if k == kind and x is not None]
            hows = {}
            for _, how, _ in rs:
                hows[how] = hows.get(how, 0) + 1
            self.note("%s: %d, how %r, elapsed max %.2f s", kind, len(rs),
                      hows, max([x[2] for x in rs] or [0]))
        errors = [(k, repr(e)) for k, _, e in results if e is not None]
        # A connection refused or a handshake the server broke off is a
        # failure; the garbage cases themselves never raise.
        self.assertEqual(errors, [], "client errors: %r" % errors[:5])
        by_kind = {}
        for kind, res, _ in results:
            by_kind.setdefault(kind, []).append(res)
        for kind in ("random", "record_header", "hello_silence"):
            for data, how, elapsed in by_kind[kind]:
                self.assertIn(how, ("eof", "reset"),
                              "%s: the server never closed the connection "
                              "(%.1f s)" % (kind, elapsed))
                self.assertLessEqual(elapsed, hs + 3.0,
                                     "%s: closed late" % kind)
                self.assertIsNone(GEMINI_HEADER_START.match(data),
                                  "%s: got a plaintext response %r"
                                  % (kind, data[:60]))
        for data, how, elapsed in by_kind["hello_silence"]:
            self.assertEqual(server_hello_version(data), 0x0303,
                             "a TLS 1.2 ClientHello got no ServerHello: %r"
                             % data[:20])
            self.assertGreaterEqual(elapsed, hs - 0.5,
                                    "ClientHello then silence: closed "
                                    "before the handshake deadline")
        started = [d for d, _, _ in by_kind["reset_mid_response"]
                   if d.startswith(b"20 ")]
        self.assertGreater(len(started), 0, "no response was reset mid-way")
        self.assertProbes(samples, "during %d garbage connections"
                          % len(jobs))
        self.finish_checks()


# ---- 3. slow readers of a big file -----------------------------------------

class SlowReaderTest(FaultTestCase):

    def _connect(self, rcvbuf):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        s.settimeout(10)
        s.connect(("127.0.0.1", self.srv.port))
        cport = s.getsockname()[1]
        tls = client_context().wrap_socket(s, server_hostname="localhost",
                                           suppress_ragged_eofs=False)
        return tls, cport

    def stop_reader(self, out):
        """Reads STOP_AFTER bytes of the big file, then nothing."""
        tls, cport = self._connect(32768)
        raw = bytearray()
        try:
            tls.sendall(self.srv.line("/big.dat"))
            deadline = time.monotonic() + 10
            while len(raw) < STOP_AFTER and time.monotonic() < deadline:
                d = tls.recv(STOP_AFTER - len(raw))
                if not d:
                    break
                raw += d
            t_stop = time.monotonic()
            t_drop = wait_server_close(self.srv.port, cport,
                                       WRITE_TIMEOUT + 10)
        except BaseException:
            tls.close()
            raise
        r = read_more(tls, raw, timeout=30)
        self.record_response(r, "stop reader")
        out["drop_after"] = None if t_drop is None else t_drop - t_stop
        out["response"] = r

    def steady_reader(self, out, size):
        """Reads at STEADY_RATE bytes a second, forever."""
        tls, cport = self._connect(4096)
        raw = bytearray()
        expect = WRITE_TIMEOUT + size / (MIN_RATE * KiB)
        limit = expect + 15
        t_drop = None
        end = None
        try:
            t_req = time.monotonic()
            tls.sendall(self.srv.line("/steady.dat"))
            next_check = t_req
            while time.monotonic() - t_req < limit:
                now = time.monotonic()
                if now >= next_check:
                    next_check = now + 0.05
                    if server_side_state(self.srv.port, cport) != "01":
                        t_drop = now
                        break
                allowance = int(STEADY_RATE * (now - t_req)) - len(raw)
                if allowance < 1:
                    time.sleep(0.02)
                    continue
                tls.settimeout(0.05)
                try:
                    d = tls.recv(min(allowance, 16384))
                except socket.timeout:
                    continue
                except ssl.SSLEOFError:
                    end = "eof"
                    break
                except (ConnectionResetError, BrokenPipeError):
                    end = "reset"
                    break
                if not d:
                    end = "close_notify"
                    break
                raw += d
        except BaseException:
            tls.close()
            raise
        read_at_drop = len(raw)
        if end is None:
            r = read_more(tls, raw, timeout=30)
        else:
            tls.close()
            r = Response()
            r.raw = bytes(raw)
            r.close_notify = end == "close_notify"
            r.parse()
        self.record_response(r, "steady reader")
        out.update(drop_at=None if t_drop is None else t_drop - t_req,
                   expect=expect, response=r, read_at_drop=read_at_drop,
                   end=end)

    def fast_reader(self, out):
        t0 = time.monotonic()
        r = self.srv.get("/big.dat", timeout=120 if STRESS else 30)
        out["elapsed"] = time.monotonic() - t0
        if SECRET in r.raw:
            self.record(SECRET, "fast reader")
        self.received += len(r.raw)
        out["response"] = r

    def test_slow_readers_are_dropped_and_memory_stays_bounded(self):
        big = pattern_bytes(BIG_SIZE, 3)
        steady = pattern_bytes(STEADY_SIZE, 4)
        srv = self.start_server(
            timeout=5,
            extra_files={"big.dat": big, "steady.dat": steady},
            overrides={("server", "write_timeout"): str(WRITE_TIMEOUT),
                       ("server", "min_rate"): str(MIN_RATE),
                       ("server", "handshake_timeout"): "2",
                       ("server", "max_per_ip"): "0"})
        # Warm up: both workers, TLS, and libmagic (whose database pages
        # count in RSS once touched).
        for path in ["/", "/picture", "/notes", "/big.bin"] * 3:
            self.record_response(srv.get(path), "warm-up")
        base = proc_rss(srv.proc.pid)
        sampler = RssSampler(srv.proc.pid)
        sampler.start()
        self.addCleanup(sampler.stop)
        results = {"stop": {}, "steady": {}, "fast": {}}
        errors = []

        def guarded(fn, *args):
            try:
                fn(*args)
            except Exception as e:  # reported below
                errors.append((fn.__name__, repr(e)))

        threads = [
            threading.Thread(target=guarded,
                             args=(self.stop_reader, results["stop"])),
            threading.Thread(target=guarded,
                             args=(self.steady_reader, results["steady"],
                                   STEADY_SIZE)),
        ]
        for t in threads:
            t.start()
        time.sleep(0.5)   # the slow readers hold their connections first
        guarded(self.fast_reader, results["fast"])
        join_limit = time.monotonic() + WRITE_TIMEOUT + \
            STEADY_SIZE / (MIN_RATE * KiB) + 60
        for t in threads:
            t.join(timeout=max(0.1, join_limit - time.monotonic()))
        sampler.stop()
        self.assertFalse(any(t.is_alive() for t in threads),
                         "a reader thread did not finish")
        self.assertEqual(errors, [], "client errors: %r" % errors)
        self.assertAlive("while serving slow readers")
        self.note("fast reader: %.2f s, %r",
                  results["fast"].get("elapsed", -1),
                  results["fast"].get("response"))
        self.note("stop reader: dropped %s s after it stopped; %r",
                  results["stop"].get("drop_after"),
                  results["stop"].get("response"))
        sd = results["steady"]
        self.note("steady reader: dropped at %s s (expected %.2f), read %s "
                  "by then, end %s; %r", sd.get("drop_at"),
                  sd.get("expect", 0), sd.get("read_at_drop"), sd.get("end"),
                  sd.get("response"))
        self.note("RSS base %.1f MiB, max %.1f MiB (%d samples)",
                  (base or 0) / MiB, sampler.max / MiB, sampler.samples)

        # The fast reader gets the whole file, ending in close_notify.
        with self.subTest("fast reader"):
            r = results["fast"]["response"]
            self.assertEqual(r.status, 20, "fast reader: %r" % r)
            self.assertEqual(len(r.body), BIG_SIZE,
                             "fast reader got %d of %d bytes (%s)" % (
                                 len(r.body), BIG_SIZE, r))
            self.assertTrue(r.body == big, "fast reader: wrong bytes")
            self.assertTrue(r.close_notify, "fast reader: no close_notify")

        # The reader that stopped: dropped about write_timeout later, with
        # a body that does not look complete.
        with self.subTest("reader that stopped"):
            st = results["stop"]
            r = st["response"]
            self.assertEqual(r.status, 20, "stop reader: %r" % r)
            self.assertIsNotNone(st["drop_after"], "a client that stopped "
                                 "reading was never dropped")
            self.assertGreaterEqual(st["drop_after"], WRITE_TIMEOUT - 0.5,
                                    "stopped reader dropped too early")
            # Deadlines are swept once a second, and the server's last
            # write may land a little after the client's last read.
            self.assertLessEqual(st["drop_after"], WRITE_TIMEOUT + 2.0,
                                 "a client that stopped reading was dropped "
                                 "%.2f s later; write_timeout is %d s" % (
                                     st["drop_after"], WRITE_TIMEOUT))
            self.assertLess(len(r.body), BIG_SIZE,
                            "the stopped reader got the whole file")
            assert_no_close_notify(self, r, "a cut body (%d of %d bytes) "
                                   "ended with close_notify: it looks "
                                   "complete" % (len(r.body), BIG_SIZE))

        # The steady reader below min_rate: dropped around write_timeout +
        # size / min_rate, not at write_timeout (it never stopped reading),
        # and not handed the whole file.
        with self.subTest("steady reader below min_rate"):
            sd = results["steady"]
            r = sd["response"]
            self.assertEqual(r.status, 20, "steady reader: %r" % r)
            self.assertIsNotNone(
                sd["drop_at"], "a reader at %d KiB/s (min_rate %d) was not "
                "dropped within %.0f s: it ended by %s with %d of %d bytes" % (
                    STEADY_RATE // KiB, MIN_RATE, sd["expect"] + 15, sd["end"],
                    len(r.body), STEADY_SIZE))
            if len(r.body) == STEADY_SIZE and r.close_notify:
                why = ("the server closed its end after %.2f s, with the "
                       "whole file queued in socket buffers, which this "
                       "reader then took its time to read: with unbounded "
                       "send buffering, min_rate is never enforced" % (
                           sd["drop_at"]))
            else:
                why = ("it was cut at %.2f s, as if it had stopped reading; "
                       "it had read %d bytes, and got %d of %d in all, "
                       "close_notify=%s" % (
                           sd["drop_at"], sd["read_at_drop"], len(r.body),
                           STEADY_SIZE, r.close_notify))
            self.assertGreaterEqual(
                sd["drop_at"], sd["expect"] - 1.0,
                "a reader at %d KiB/s (min_rate %d KiB/s) of %d KiB should "
                "be dropped at about %.2f s (write_timeout + size/min_rate);"
                " %s" % (STEADY_RATE // KiB, MIN_RATE, STEADY_SIZE // KiB,
                         sd["expect"], why))
            self.assertLessEqual(
                sd["drop_at"], sd["expect"] + 1.5,
                "a reader below min_rate was dropped at %.2f s, expected "
                "about %.2f s" % (sd["drop_at"], sd["expect"]))
            self.assertLess(len(r.body), STEADY_SIZE,
                            "the reader below min_rate got the whole file")
            assert_no_close_notify(self, r, "a cut body (%d of %d bytes) "
                                   "ended with close_notify: it looks "
                                   "complete" % (len(r.body), STEADY_SIZE))

        # Memory: never the file, only buffers.
        with self.subTest("server memory"):
            if binary_is_sanitized(srv.binary):
                self.skipTest("AddressSanitizer build: its RSS is not the "
                              "server's")
            self.assertIsNotNone(base)
            grew = sampler.max - base
            self.assertGreater(sampler.samples, 10)
            self.assertLess(grew, RSS_LIMIT,
                            "server RSS grew by %.1f MiB (from %.1f MiB) "
                            "while serving a %d MiB file; limit %.1f MiB" % (
                                grew / MiB, base / MiB, BIG_SIZE // MiB,
                                RSS_LIMIT / MiB))
        self.finish_checks()


# ---- 4. file-descriptor exhaustion -----------------------------------------

def _limit_fds():
    resource.setrlimit(resource.RLIMIT_NOFILE, (FD_LIMIT, FD_LIMIT))


class FdExhaustionTest(FaultTestCase):

    def open_many(self, n, limit=10.0):
        """Opens n TCP connections at once (non-blocking connects).
        Returns (connected sockets, number that failed)."""
        sel = selectors.DefaultSelector()
        socks, pending = [], 0
        addr = ("127.0.0.1", self.srv.port)
        failed = 0
        try:
            for _ in range(n):
                s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                s.setblocking(False)
                rc = s.connect_ex(addr)
                if rc == 0:
                    socks.append(s)
                elif rc in (errno.EINPROGRESS, errno.EAGAIN, errno.EALREADY):
                    sel.register(s, selectors.EVENT_WRITE)
                    pending += 1
                else:
                    s.close()
                    failed += 1
            deadline = time.monotonic() + limit
            while pending and time.monotonic() < deadline:
                for key, _ in sel.select(0.1):
                    s = key.fileobj
                    sel.unregister(s)
                    pending -= 1
                    if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:
                        socks.append(s)
                    else:
                        s.close()
                        failed += 1
            for key in list(sel.get_map().values()):
                key.fileobj.close()
                failed += 1
        finally:
            sel.close()
        return socks, failed

    def test_out_of_descriptors_no_spinning_and_recovery(self):
        srv = self.start_server(
            timeout=15, preexec_fn=_limit_fds,
            overrides={("server", "handshake_timeout"): "15",
                       ("server", "max_per_ip"): "0"})
        pid = srv.proc.pid
        self.record_response(srv.get("/"), "before")
        t0 = time.monotonic()
        socks, failed = self.open_many(FD_CLIENTS)
        self.addCleanup(lambda: [s.close() for s in socks])
        opened_in = time.monotonic() - t0
        self.assertGreater(len(socks), FD_LIMIT + 40,
                           "only %d connections (failed %d): the server's "
                           "descriptors were never exhausted"
                           % (len(socks), failed))
        time.sleep(0.3)   # let the accept burst settle
        fds = proc_fd_count(pid)
        cpu0, w0 = proc_cpu_seconds(pid), time.monotonic()
        # Hold; the server is out of descriptors for all of it.
        peak = 0.0
        last_cpu, last_w = cpu0, w0
        end = w0 + FD_HOLD
        while time.monotonic() < end:
            time.sleep(0.25)
            c, w = proc_cpu_seconds(pid), time.monotonic()
            peak = max(peak, (c - last_cpu) / (w - last_w))
            last_cpu, last_w = c, w
            self.assertAlive("while out of descriptors")
        cpu1, w1 = proc_cpu_seconds(pid), time.monotonic()
        share = (cpu1 - cpu0) / (w1 - w0)
        self.note("%d connections (%d failed) opened in %.2f s; server fds "
                  "%s; CPU over %.1f s hold: %.1f%% (peak %.1f%%)",
                  len(socks), failed, opened_in, fds, w1 - w0, share * 100,
                  peak * 100)
        self.assertLess(share, FD_CPU_LIMIT,
                        "the server used %.0f%% of a core (peak %.0f%%) "
                        "while out of descriptors (%s open, limit %d, %d "
                        "clients): busy-looping" % (
                            share * 100, peak * 100, fds, FD_LIMIT,
                            len(socks)))
        for s in socks:
            s.close()
        socks.clear()
        t_closed = time.monotonic()
        r = None
        while time.monotonic() - t_closed < FD_RECOVER:
            try:
                r = self.record_response(srv.get("/", timeout=3), "recover")
            except (OSError, ssl.SSLError):
                r = None
            if r is not None and r.status == 20:
                break
            time.sleep(0.2)
        recovered = time.monotonic() - t_closed
        self.note("serving again %.2f s after the flood ended", recovered)
        self.assertTrue(r is not None and r.status == 20,
                        "not serving %.0f s after the flood ended (last: %r;"
                        " opened %d in %.2f s); stderr:\n%s" % (
                            FD_RECOVER, r, FD_CLIENTS, opened_in,
                            self.stderr_tail()))
        self.assertLess(recovered, FD_RECOVER)
        self.finish_checks()


# ---- 5. a flood from one address -------------------------------------------

class PerAddressTest(FaultTestCase):

    def refused_at_accept(self, what):
        """A connection over max_per_ip: closed before TLS, nothing sent,
        within a second. Returns (data, how, elapsed) for the caller."""
        data, how, elapsed = tcp_exchange(
            self.srv.port, raw_client_hello(0x0303), timeout=10)
        return data, how, elapsed

    def assert_refused(self, result, what):
        data, how, elapsed = result
        self.assertEqual(data, b"", "%s: something was sent" % what)
        self.assertIn(how, ("eof", "reset"), "%s: not closed" % what)
        self.assertLess(elapsed, 1.0, "%s: held %.2f s" % (what, elapsed))

    def over_cap_request(self, path="/"):
        """A request over rate_limit: handshake completes, the request gets
        44. Returns the Response."""
        tls = connect_tls(self.srv.port, timeout=10)
        try:
            tls.sendall(self.srv.line(path))
        except (OSError, ssl.SSLError):
            pass
        return self.record_response(read_response(tls, timeout=10),
                                    "over cap")

    def assert44(self, r, what):
        self.assertFalse(r.timed_out, "%s: no answer: %r" % (what, r))
        self.assertIsNotNone(r.header, "%s: no header: %r" % (what, r))
        self.assertRegex(r.header, HEADER_RE)
        self.assertEqual(r.status, 44, "%s: want 44, got %r" % (what, r))
        # Amfora and others show the META as a number of seconds inside
        # their own sentence: digits only.
        self.assertRegex(r.meta, r"^[0-9]+$",
                         "%s: the 44's META is not a bare number of "
                         "seconds: %r" % (what, r.meta))
        self.assertEqual(r.body, b"", "%s: a 44 with a body" % what)
        self.assertTrue(r.close_notify, "%s: 44 without close_notify" % what)

    def test_one_address_over_the_cap_is_closed_others_are_served(self):
        v6 = ipv6_available()
        addresses = ("127.0.0.1", "::1") if v6 else ("127.0.0.1",)
        srv = self.start_server(
            timeout=15, addresses=addresses,
            overrides={("server", "max_per_ip"): str(PER_IP),
                       ("server", "handshake_timeout"): "10"})
        idle = []
        self.addCleanup(lambda: [s.close() for s in idle])
        for _ in range(PER_IP):
            idle.append(connect_tls(srv.port, timeout=10))
        time.sleep(0.2)

        # The next one: closed at accept, before TLS, nothing sent.
        self.assert_refused(self.refused_at_accept("over"),
                            "connection %d" % (PER_IP + 1))
        self.assertIn(b"over max_per_ip: closed at accept",
                      srv.wait_for_log(b"over max_per_ip: closed at accept"))

        # A flood from the same address, all over the cap, while another
        # address is served.
        other = []

        def other_address():
            end = time.monotonic() + 60
            while not flood_done.is_set() and time.monotonic() < end:
                try:
                    r = srv.get("/", host="::1", timeout=5)
                except (OSError, ssl.SSLError) as e:
                    other.append(("error", repr(e)))
                    continue
                self.record_response(r, "::1")
                other.append((r.status, r.close_notify, r.body == INDEX_GMI,
                              r.elapsed))
                time.sleep(0.02)

        flood_done = threading.Event()
        t = None
        if v6:
            t = threading.Thread(target=other_address)
            t.start()

        def flood_one(_):
            try:
                return self.refused_at_accept("flood")
            except (OSError, ssl.SSLError) as e:
                return e

        try:
            with ThreadPoolExecutor(max_workers=FLOOD_THREADS) as ex:
                flood = list(ex.map(flood_one, range(FLOOD)))
        finally:
            flood_done.set()
            if t is not None:
                t.join(timeout=70)
        errors = [f for f in flood if isinstance(f, Exception)]
        self.note("flood: %d connections, ended %r; ::1 served %d times "
                  "meanwhile", len(flood),
                  sorted(set(f[1] for f in flood if not
                             isinstance(f, Exception))), len(other))
        self.assertEqual(errors, [], "flood connections failed: %r"
                         % errors[:3])
        for i, r in enumerate(flood):
            self.assert_refused(r, "flood connection %d" % i)
        if v6:
            self.assertGreater(len(other), 0)
            bad = [o for o in other if o[:3] != (20, True, True)]
            self.assertEqual(bad, [], "::1 was not served during the flood "
                             "from 127.0.0.1: %r" % bad[:3])
            r = self.record_response(srv.get("/", host="::1"), "::1")
            self.assertEqual(r.status, 20, "::1 not served: %r" % r)
            self.assertTrue(r.close_notify)
        self.assertAlive("during the flood")

        # The idle ones are still open (the refused did not take their place).
        for s in idle:
            s.settimeout(0.01)
            try:
                d = s.recv(1)
            except (socket.timeout, ssl.SSLWantReadError):
                d = None
            except (OSError, ssl.SSLError) as e:
                d = e
            self.assertIsNone(d, "an idle connection under the cap was "
                              "closed or answered: %r" % (d,))

        # Once they close, the address is served again.
        for s in idle:
            s.close()
        idle.clear()
        deadline = time.monotonic() + 5
        r = None
        while time.monotonic() < deadline:
            # The server may take the new connection before it has seen
            # the closes: still over the cap, it is closed at accept
            # (a reset during the handshake), and the next try is served.
            try:
                r = self.record_response(srv.get("/", timeout=5), "after")
            except (OSError, ssl.SSLError) as e:
                r = e
                time.sleep(0.1)
                continue
            if r.status == 20:
                break
            time.sleep(0.1)
        self.assertNotIsInstance(r, Exception, "127.0.0.1 still refused 5 s "
                                 "after its connections closed: %r" % (r,))
        self.assertEqual(r.status, 20, "127.0.0.1 still refused 5 s after "
                         "its connections closed: %r" % r)
        self.assertEqual(r.body, INDEX_GMI)
        # And up to the cap at once.
        conns = [connect_tls(srv.port, timeout=10) for _ in range(PER_IP)]
        try:
            for s in conns:
                s.sendall(srv.line("/"))
            for i, s in enumerate(conns):
                r = self.record_response(read_response(s, timeout=10),
                                         "cap")
                self.assertEqual(r.status, 20, "connection %d of %d (the "
                                 "cap) refused: %r" % (i + 1, PER_IP, r))
        finally:
            for s in conns:
                s.close()
        self.finish_checks()
        if not v6:
            self.skipTest("::1 not available: the other-address part was "
                          "not run (the rest passed)")


    def test_request_rate_over_the_limit_gets_44_and_the_wait(self):
        v6 = ipv6_available()
        addresses = ("127.0.0.1", "::1") if v6 else ("127.0.0.1",)
        # 60 a minute is one a second, after a burst of 3.
        srv = self.start_server(
            addresses=addresses,
            overrides={("server", "rate_limit"): "60",
                       ("server", "rate_burst"): "3"})
        # The harness's readiness probes were connections too: let the
        # bucket fill again.
        time.sleep(3.2)
        for i in range(3):
            r = self.record_response(srv.get("/"), "burst %d" % i)
            self.assertEqual(r.status, 20, "request %d of the burst of 3 "
                             "refused: %r" % (i + 1, r))
        r = self.over_cap_request()
        self.assert44(r, "4th request in a burst of 3")
        self.assertEqual(r.meta, "1", "the META should say 1 second (60 a "
                         "minute): %r" % r.meta)
        wait = int(r.meta)
        line = srv.wait_for_log(b"over rate_limit")
        self.assertIn(b"over rate_limit", line,
                      "the access log does not say why")
        self.assertIn(b"too many requests from this address, told to wait "
                      b"1 second\"", line,
                      "the access log does not keep the 44's words")
        if v6:
            r = self.record_response(srv.get("/", host="::1"), "::1")
            self.assertEqual(r.status, 20, "another address was refused "
                             "too: %r" % r)
        # A client that waits as told is served.
        time.sleep(wait + 0.2)
        r = self.record_response(srv.get("/"), "after waiting")
        self.assertEqual(r.status, 20, "refused after waiting as told: %r"
                         % r)
        self.assertEqual(r.body, INDEX_GMI)
        self.finish_checks()


# ---- 6. files changed while served -----------------------------------------

FILL = bytes(range(0x41, 0x5b))   # A-Z: each version of the file is one


class ChurnTest(FaultTestCase):

    def slow_get(self, path, chunk=16384, pause=0.002, limit=30.0):
        """A request read in small pieces with pauses. Returns a Response
        (timed_out when still open at the limit)."""
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
        s.settimeout(10)
        s.connect(("127.0.0.1", self.srv.port))
        tls = client_context().wrap_socket(s, server_hostname="localhost",
                                           suppress_ragged_eofs=False)
        r = Response()
        chunks = []
        deadline = time.monotonic() + limit
        try:
            tls.sendall(self.srv.line(path))
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    r.timed_out = True
                    break
                tls.settimeout(min(left, 10))
                try:
                    d = tls.recv(chunk)
                except socket.timeout:
                    r.timed_out = True
                    break
                except ssl.SSLEOFError as e:
                    r.eof_error = e
                    break
                except (ConnectionResetError, BrokenPipeError) as e:
                    r.reset = True
                    r.eof_error = e
                    break
                except ssl.SSLError as e:
                    r.eof_error = e
                    break
                if not d:
                    r.close_notify = True
                    break
                chunks.append(d)
                if pause:
                    time.sleep(pause)
        finally:
            tls.close()
        r.raw = b"".join(chunks)
        r.parse()
        return r

    def test_files_truncated_rewritten_deleted_while_served(self):
        first = FILL[:1] * CHURN_SIZE
        srv = self.start_server(
            timeout=5, extra_files={"live.bin": first},
            overrides={("server", "max_per_ip"): "0"})
        path = os.path.join(srv.capsule, "live.bin")
        stop = threading.Event()
        ops = []
        mutator_errors = []

        def content(v):
            return FILL[v % len(FILL):v % len(FILL) + 1] * CHURN_SIZE

        def mutate():
            rnd = random.Random(6)
            v = 1
            end = time.monotonic() + CHURN_SECONDS
            while time.monotonic() < end and len(ops) < 100000:
                op = rnd.choice(["truncate0", "truncate_half", "rewrite",
                                 "recreate", "replace", "delete_pause"])
                v += 1
                try:
                    if op == "truncate0":
                        os.truncate(path, 0)
                    elif op == "truncate_half":
                        # Only ever shorter: extending would add zeros.
                        if (os.path.exists(path) and
                                os.path.getsize(path) > CHURN_SIZE // 2):
                            os.truncate(path, CHURN_SIZE // 2)
                    elif op == "rewrite":
                        # Same inode, new bytes, written in pieces.
                        with open(path, "r+b" if os.path.exists(path)
                                  else "wb") as f:
                            data = content(v)
                            for i in range(0, CHURN_SIZE, 256 * KiB):
                                f.write(data[i:i + 256 * KiB])
                            f.truncate(CHURN_SIZE)
                    elif op == "recreate":
                        try:
                            os.unlink(path)
                        except FileNotFoundError:
                            pass
                        with open(path, "wb") as f:
                            f.write(content(v))
                    elif op == "replace":
                        tmp = path + ".tmp"
                        with open(tmp, "wb") as f:
                            f.write(content(v))
                        os.rename(tmp, path)
                    elif op == "delete_pause":
                        try:
                            os.unlink(path)
                        except FileNotFoundError:
                            pass
                        time.sleep(0.03)
                        with open(path, "wb") as f:
                            f.write(content(v))
                except OSError as e:
                    mutator_errors.append(repr(e))
                ops.append(op)
                time.sleep(rnd.choice([0, 0.005, 0.02, 0.05]))
            # Leave a whole file behind.
            with open(path, "wb") as f:
                f.write(first)

        results = []
        reader_errors = []

        def reader(i):
            n = 0
            while n < 10000:
                n += 1
                try:
                    r = self.slow_get("/live.bin")
                except (OSError, ssl.SSLError) as e:
                    reader_errors.append(repr(e))
                    r = None
                if r is not None:
                    if SECRET in r.raw:
                        self.record(SECRET, "churn")
                    with self._lock:
                        self.received += len(r.raw)
                        results.append(r)
                if stop.is_set():
                    break

        readers = [threading.Thread(target=reader, args=(i,))
                   for i in range(CHURN_READERS)]
        for t in readers:
            t.start()
        time.sleep(0.1)
        mutate()
        stop.set()
        for t in readers:
            t.join(timeout=60)
        self.assertFalse(any(t.is_alive() for t in readers),
                         "a reader never finished")
        self.assertEqual(mutator_errors, [])
        self.assertEqual(reader_errors, [], "requests failed: %r"
                         % reader_errors[:3])
        self.assertAlive("while its files changed")

        allowed = bytes(FILL)
        counts = {"complete": 0, "cut": 0, "empty": 0}
        for r in results:
            self.assertFalse(r.timed_out, "a response stalled: %r" % r)
            if r.header is None:
                # Nothing, or a header torn in two: only nothing is fine,
                # and then without close_notify.
                self.assertEqual(r.raw, b"", "torn header: %r" % r.raw[:80])
                assert_no_close_notify(self, r,
                                       "close_notify without any response")
                counts["empty"] += 1
                continue
            self.assertRegex(r.header, HEADER_RE,
                             "garbage header: %r" % r.header[:120])
            self.assertRegex(r.header, rb"\A[0-9]{2} [\x20-\x7e\x80-\xff]*\Z",
                             "control bytes in the header: %r" % r.header)
            r.header.decode("utf-8")   # raises on a torn UTF-8 META
            if r.status != 20:
                self.assertIn(r.status // 10, (4, 5),
                              "unexpected status: %r" % r)
                self.assertEqual(r.body, b"", "%r with a body" % r)
                self.assertTrue(r.close_notify, "%r: no close_notify" % r)
                key = "status %d" % r.status
                counts[key] = counts.get(key, 0) + 1
                continue
            self.assertRegex(r.meta, r"\A[a-z]+/[-+.\w]+",
                             "20 without a MIME type: %r" % r.header)
            self.assertLessEqual(len(r.body), CHURN_SIZE,
                                 "body longer than the file ever was")
            stray = r.body.translate(None, allowed)
            self.assertEqual(len(stray), 0,
                             "body holds %d bytes the file never held: %r"
                             % (len(stray), stray[:40]))
            counts["complete" if r.close_notify else "cut"] += 1
        self.note("%d mutations, %d responses: %r", len(ops), len(results),
                  counts)
        self.assertGreater(counts["complete"] + counts["cut"], 0,
                           "no response was served at all: %r" % counts)
        # The file is whole again: served whole, with close_notify.
        r = self.record_response(srv.get("/live.bin", timeout=30), "final")
        self.assertEqual(r.status, 20, "%r" % r)
        self.assertTrue(r.body == first and r.close_notify,
                        "the restored file was not served whole: %r" % r)
        self.finish_checks()


if __name__ == "__main__":
    unittest.main()
