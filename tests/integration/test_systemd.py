"""systemd's protocols, spoken by the real binary: readiness notification
(NOTIFY_SOCKET, sd_notify) and socket activation (LISTEN_FDS), the latter
through systemd's own systemd-socket-activate tool."""

import os
import pwd
import shutil
import signal
import socket
import struct
import threading
import time
import unittest

from kizuna_harness import (INDEX_GMI, KizunaServer, connect_tls,
                            free_port, read_response)

SOCKET_ACTIVATE = shutil.which("systemd-socket-activate")
SETPRIV = shutil.which("setpriv")
# systemd-socket-activate passes its child only a few variables: these are
# the harness's sanitizer options.
PASS_ENV = ["-E", "ASAN_OPTIONS", "-E", "UBSAN_OPTIONS"]


class NotifyListener:
    """An AF_UNIX datagram socket standing in for the service manager's.
    SO_PASSCRED, so each message says which process sent it (systemd's
    default NotifyAccess=main drops messages from any other)."""

    def __init__(self, path=None, abstract=None):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
        if abstract is not None:
            self.sock.bind("\0" + abstract)
            self.address = "@" + abstract
        else:
            self.sock.bind(path)
            self.address = path
        self.messages = []   # (pid, text), as received

    def wait_for(self, line, limit=15.0, since=0):
        """Receives until a message (from the since-th on) holds line (such
        as "READY=1") as one of its lines; returns (pid, text), or fails at
        the limit."""
        deadline = time.monotonic() + limit
        while True:
            for pid, text in self.messages[since:]:
                if line in text.split("\n"):
                    return pid, text
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("no %r from kizuna in %.0f s; got %r"
                                     % (line, limit, self.messages))
            self.sock.settimeout(left)
            try:
                data, anc, _, _ = self.sock.recvmsg(
                    4096, socket.CMSG_SPACE(struct.calcsize("3i")))
            except socket.timeout:
                continue
            pid = None
            for level, kind, cdata in anc:
                if level == socket.SOL_SOCKET and \
                        kind == socket.SCM_CREDENTIALS:
                    pid = struct.unpack("3i", cdata[:12])[0]
            self.messages.append((pid, data.decode("utf-8", "replace")))

    def close(self):
        self.sock.close()


class NotifyTests(unittest.TestCase):

    def start_with_listener(self, abstract=False):
        srv = KizunaServer()
        self.addCleanup(srv.cleanup)
        if abstract:
            name = "kizuna-test-%d-%s" % (os.getpid(), os.path.basename(srv.dir))
            listener = NotifyListener(abstract=name)
        else:
            listener = NotifyListener(path=os.path.join(srv.dir, "notify"))
        self.addCleanup(listener.close)
        srv.env = {"NOTIFY_SOCKET": listener.address}
        srv.start(wait=False)
        return srv, listener

    def test_ready_once_serving_and_stopping_on_sigterm(self):
        srv, listener = self.start_with_listener()
        pid, text = listener.wait_for("READY=1")
        self.assertEqual(pid, srv.proc.pid, "READY=1 not from the main pid")
        self.assertIn("STATUS=serving gemini://localhost:%d/" % srv.port, text)
        # No wait_ready: READY=1 must already mean the port is served.
        r = srv.get("/")
        self.assertEqual(r.status, 20, r)
        self.assertEqual(r.body, INDEX_GMI)
        self.assertFalse(any("STOPPING=1" in t for _, t in listener.messages))
        srv.proc.send_signal(signal.SIGTERM)
        pid, _ = listener.wait_for("STOPPING=1")
        self.assertEqual(pid, srv.proc.pid)
        self.assertEqual(srv.stop(), 0)

    def test_reload_says_reloading_then_ready(self):
        srv, listener = self.start_with_listener()
        listener.wait_for("READY=1")
        os.chmod(srv.dir, 0o755)   # the service user reads the config
        n = len(listener.messages)
        srv.proc.send_signal(signal.SIGHUP)
        listener.wait_for("READY=1", since=n)
        after = [t for _, t in listener.messages[n:]]
        self.assertGreaterEqual(len(after), 2, after)
        first = after[0].split("\n")
        self.assertIn("RELOADING=1", first)
        usec = [l for l in first if l.startswith("MONOTONIC_USEC=")]
        self.assertEqual(len(usec), 1, first)
        # CLOCK_MONOTONIC, in microseconds: close to ours.
        self.assertLess(abs(int(usec[0].split("=")[1]) -
                            time.monotonic() * 1e6), 30e6)
        self.assertIn("READY=1", after[-1].split("\n"))
        self.assertEqual(srv.get("/").status, 20)
        self.assertEqual(srv.stop(), 0)

    def test_abstract_socket(self):
        srv, listener = self.start_with_listener(abstract=True)
        pid, _ = listener.wait_for("READY=1")
        self.assertEqual(pid, srv.proc.pid)
        self.assertEqual(srv.get("/").status, 20)
        self.assertEqual(srv.stop(), 0)
        listener.wait_for("STOPPING=1", limit=5)

    def test_a_full_notification_queue_never_freezes_the_signals(self):
        # Issue 15, fault 5: the send to NOTIFY_SOCKET blocked when the
        # manager's queue was full, and SIGHUP and SIGUSR1 stopped being
        # handled. A reader that never reads, its queue filled first.
        srv = KizunaServer(workers=1)
        self.addCleanup(srv.cleanup)
        listener = NotifyListener(path=os.path.join(srv.dir, "notify"))
        self.addCleanup(listener.close)
        filler = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.addCleanup(filler.close)
        filler.connect(listener.address)
        filler.setblocking(False)
        queued = 0
        while True:
            try:
                filler.send(b"STATUS=filling the queue")
                queued += 1
            except BlockingIOError:
                break
        self.assertGreater(queued, 0)
        srv.env = {"NOTIFY_SOCKET": listener.address}
        os.chmod(srv.dir, 0o755)   # the service user reads the config
        srv.start()
        srv.wait_for_stderr(r"serving .* with 1 worker")
        srv.proc.send_signal(signal.SIGUSR1)
        text = srv.wait_for_stderr(r"SIGUSR1: access log reopened", limit=5)
        self.assertIn("SIGUSR1: access log reopened", text,
                      "SIGUSR1 not handled: the signal thread is stuck")
        srv.proc.send_signal(signal.SIGHUP)
        text = srv.wait_for_stderr(r"info: reloaded:|reload refused",
                                   limit=5)
        self.assertIn("info: reloaded:", text,
                      "SIGHUP not handled: the signal thread is stuck")
        self.assertEqual(srv.get("/").status, 20)
        # READY=1, RELOADING=1, READY=1 dropped: said once, not per message.
        drops = text.count("notification queue is full")
        self.assertEqual(drops, 1, text)
        self.assertNotIn("cannot notify the service manager", text)
        self.assertEqual(srv.stop(), 0)

    def test_unusable_notify_socket_is_reported_and_serving_goes_on(self):
        srv = KizunaServer(env={"NOTIFY_SOCKET": "/nonexistent/kizuna/notify"})
        self.addCleanup(srv.cleanup)
        srv.start()
        self.assertEqual(srv.get("/").status, 20)
        self.assertIn("NOTIFY_SOCKET=/nonexistent/kizuna/notify",
                      srv.stderr_text())
        self.assertEqual(srv.stop(), 0)


def process_cpu_seconds(pid):
    """User and system CPU time pid has used so far (all threads)."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def privileged_free_port():
    """A port below 1024 that nothing holds on 127.0.0.1, or None."""
    for port in range(1023, 900, -1):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    return None


@unittest.skipUnless(SOCKET_ACTIVATE, "systemd-socket-activate not installed")
class SocketActivationTests(unittest.TestCase):

    def activated(self, overrides=None, workers=2):
        """A server started by systemd-socket-activate on 127.0.0.1:port,
        with [server] address and port set to what cannot be bound, so
        that serving at all shows they were not used."""
        cfg = {("server", "address"): "192.0.2.1",   # TEST-NET: not ours
               ("server", "port"): str(free_port())}
        cfg.update(overrides or {})
        srv = KizunaServer(workers=workers, config_overrides=cfg)
        self.addCleanup(srv.cleanup)
        srv.wrapper = [SOCKET_ACTIVATE, "-l", "127.0.0.1:%d" % srv.port
                        ] + PASS_ENV
        return srv

    def test_serves_on_the_inherited_socket(self):
        srv = self.activated()
        srv.start()   # the first connection makes the tool exec kizuna
        r = srv.get("/")
        self.assertEqual(r.status, 20, r)
        self.assertEqual(r.body, INDEX_GMI)
        self.assertTrue(r.close_notify)
        err = srv.wait_for_stderr(r"serving .* with 2 workers")
        self.assertIn("socket activation: 1 socket from the service manager",
                      err)
        self.assertIn("listening on 127.0.0.1 port %d (from the service "
                      "manager)" % srv.port, err)
        self.assertNotIn("192.0.2.1", err)
        # Requests name the port of the socket, not [server] port.
        cfg_port = srv.config_overrides[("server", "port")]
        r = srv.request(b"gemini://localhost:%s/\r\n" % cfg_port.encode())
        self.assertEqual(r.status, 53, r)
        self.assertEqual(srv.stop(), 0)

    def test_a_reload_keeps_the_sockets_port(self):
        # The port is learned before the first site is built; the sites a
        # reload builds must keep it, not fall back to [server] port.
        srv = self.activated()
        os.chmod(srv.dir, 0o755)   # the service user reads the config again
        srv.start()
        self.assertEqual(srv.get("/").status, 20)
        srv.proc.send_signal(signal.SIGHUP)
        err = srv.wait_for_stderr(r"reload(ed|.*refused)", limit=10)
        self.assertIn("kizuna: info: reloaded:", err)
        self.assertEqual(srv.get("/").status, 20)
        cfg_port = srv.config_overrides[("server", "port")]
        r = srv.request(b"gemini://localhost:%s/\r\n" % cfg_port.encode())
        self.assertEqual(r.status, 53, r)
        self.assertEqual(srv.stop(), 0)

    def test_workers_share_the_socket(self):
        srv = self.activated(workers=2)
        srv.start()
        results = []

        def one():
            results.append(srv.get("/").status)
        threads = [threading.Thread(target=one) for _ in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        self.assertEqual(results, [20] * 16)
        self.assertEqual(srv.stop(), 0)

    def test_accepting_pauses_at_max_connections_and_resumes(self):
        # The shared socket is watched with EPOLLEXCLUSIVE, which epoll
        # cannot modify in place: pausing and resuming must still work.
        srv = self.activated(overrides={("server", "max_connections"): "1"},
                             workers=2)
        srv.start()
        first = connect_tls(srv.port)   # the handshake: it holds the slot
        second = {}

        def waiter():
            second["r"] = srv.get("/", timeout=20)
        t = threading.Thread(target=waiter)
        t.start()
        cpu = process_cpu_seconds(srv.proc.pid)
        time.sleep(1.0)
        self.assertTrue(t.is_alive(), "a second connection was served "
                        "past max_connections=1: %r" % second)
        # Paused means not watched: a worker still woken by the waiting
        # connection would spin through a whole core meanwhile.
        self.assertLess(process_cpu_seconds(srv.proc.pid) - cpu, 0.4,
                        "kizuna spins while accepting is paused")
        first.sendall(srv.line("/"))
        self.assertEqual(read_response(first).status, 20)
        t.join(timeout=25)
        self.assertFalse(t.is_alive())
        self.assertEqual(second["r"].status, 20, second["r"])
        self.assertEqual(srv.stop(), 0)

    def test_datagram_socket_is_refused(self):
        srv = self.activated()
        srv.wrapper.insert(1, "--datagram")
        srv.start(wait=False)
        # The tool waits for traffic before it starts kizuna.
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            deadline = time.monotonic() + 10
            while srv.proc.poll() is None and time.monotonic() < deadline:
                s.sendto(b"x", ("127.0.0.1", srv.port))
                time.sleep(0.2)
        self.assertEqual(srv.wait_exit(10), 2)
        self.assertIn("not a listening TCP socket", srv.stderr_text())

    def test_descriptor_that_is_not_a_socket_is_refused(self):
        srv = KizunaServer()
        self.addCleanup(srv.cleanup)
        # LISTEN_PID must be kizuna's own pid: the shell's, kept by exec.
        srv.wrapper = ["sh", "-c", 'LISTEN_PID=$$ LISTEN_FDS=1 exec "$@" '
                        '3<"$KIZUNA_FD3"', "sh"]
        srv.env = {"KIZUNA_FD3": srv.config_path}
        srv.start(wait=False)
        self.assertEqual(srv.wait_exit(10), 2)
        self.assertIn("descriptor 3 from the service manager is not a "
                      "socket", srv.stderr_text())

    def test_listen_fds_meant_for_another_process_are_ignored(self):
        srv = KizunaServer(env={"LISTEN_PID": "1", "LISTEN_FDS": "1"})
        self.addCleanup(srv.cleanup)
        srv.start()   # binds [server] address and port as usual
        self.assertEqual(srv.get("/").status, 20)
        self.assertNotIn("socket activation", srv.stderr_text())
        self.assertEqual(srv.stop(), 0)

    @unittest.skipUnless(os.geteuid() == 0 and SETPRIV,
                         "needs root (and setpriv) to start kizuna as "
                         "another user")
    def test_privileged_port_served_by_an_unprivileged_user(self):
        port = privileged_free_port()
        if port is None:
            self.skipTest("no free port below 1024")
        nobody = pwd.getpwnam("nobody")
        srv = KizunaServer(config_overrides={("server", "port"): str(port)})
        self.addCleanup(srv.cleanup)
        srv.port = port
        for root, dirs, files in os.walk(srv.dir):
            for name in dirs + files:
                os.lchown(os.path.join(root, name), nobody.pw_uid,
                          nobody.pw_gid)
        os.chown(srv.dir, nobody.pw_uid, nobody.pw_gid)
        as_nobody = [SETPRIV, "--reuid=%d" % nobody.pw_uid,
                     "--regid=%d" % nobody.pw_gid, "--clear-groups"]

        # Control: as nobody, kizuna cannot bind that port itself.
        srv.wrapper = as_nobody
        srv.start(wait=False)
        self.assertEqual(srv.wait_exit(10), 1, srv.stderr_text())
        self.assertIn("Permission denied", srv.stderr_text())

        # Given the socket, the same unprivileged process serves it.
        srv.wrapper = [SOCKET_ACTIVATE, "-l", "127.0.0.1:%d" % port] + \
            PASS_ENV + as_nobody
        srv.start()
        r = srv.get("/")
        self.assertEqual(r.status, 20, r)
        self.assertEqual(r.body, INDEX_GMI)
        with open("/proc/%d/status" % srv.proc.pid) as f:
            status = dict(line.split(":", 1) for line in f if ":" in line)
        self.assertEqual(int(status["Uid"].split()[1]), nobody.pw_uid)
        self.assertEqual(int(status["CapEff"].strip(), 16), 0,
                         "kizuna holds capabilities")
        self.assertEqual(srv.stop(), 0)


if __name__ == "__main__":
    unittest.main()
