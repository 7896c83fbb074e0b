"""SIGHUP reloads the config, the certificate and the articles; SIGUSR1
reopens the access log.

Reload builds the new state on the side and swaps it in: connections in
flight finish on the old one, new ones get the new, and nothing is dropped.
A broken config or certificate is refused with the same FILE:LINE message
as at start-up, and the old state keeps serving. Settings only a restart
can apply (listeners, workers, user, root, access log) are refused by name.

kizuna reloads as the service user (nobody, when the tests run as root):
these tests make their files readable by it, as an installation must.
"""

import os
import pwd
import signal
import ssl
import subprocess
import threading
import time
import unittest

from kizuna_harness import (KizunaServer, connect_tls, read_response,
                            sha256_hex)

ARTICLE = ("title: 再読み込みの記事\n\n"
           "はじめに\n\nこの記事は再読み込みで現れる。\n").encode("utf-8")


def make_certificate(cert, key, cn="localhost"):
    """A new P-256 certificate and key, replacing the files by rename, as
    certificate tools and editors do."""
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
         "ec_paramgen_curve:P-256", "-nodes", "-days", "30", "-subj",
         "/CN=" + cn, "-keyout", key + ".new", "-out", cert + ".new"],
        check=True, capture_output=True)
    give_to_service_user(key + ".new")
    os.replace(key + ".new", key)
    os.replace(cert + ".new", cert)


def give_to_service_user(path):
    if os.geteuid() == 0:
        nobody = pwd.getpwnam("nobody")
        os.chown(path, nobody.pw_uid, nobody.pw_gid)


def peer_fingerprint(port):
    tls = connect_tls(port)
    try:
        return sha256_hex(tls.getpeercert(binary_form=True))
    finally:
        tls.close()


class ReloadTestCase(unittest.TestCase):

    def start(self, overrides=None, workers=2, make_cert=True):
        srv = KizunaServer(workers=workers, config_overrides=overrides)
        self.addCleanup(srv.cleanup)
        # The service user must be able to read what a reload reads.
        os.chmod(srv.dir, 0o755)
        if make_cert:
            make_certificate(srv.cert_path, srv.key_path)
        else:
            os.rmdir(srv.certs)   # kizuna makes the directory too
        srv.start()
        self.srv = srv
        return srv

    def reload(self, expect="reloaded", count=None):
        """Sends SIGHUP and waits for the outcome's log line (the
        count-th of its kind, default: one more than now)."""
        pattern = ("kizuna: info: reloaded:" if expect == "reloaded" else
                   "reload refused")
        before = self.srv.stderr_text().count(pattern)
        self.srv.proc.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.srv.stderr_text().count(pattern) > before:
                return self.srv.stderr_text()
            self.assertTrue(self.srv.running(), "kizuna exited on SIGHUP:\n"
                            + self.srv.stderr_text()[-2000:])
            time.sleep(0.02)
        self.fail("no %r after SIGHUP; stderr:\n%s"
                  % (pattern, self.srv.stderr_text()[-2000:]))


class ReloadTests(ReloadTestCase):

    def test_new_article_appears(self):
        srv = self.start()
        self.assertEqual(srv.get("/articles/reload/").status, 51)
        os.makedirs(os.path.join(srv.capsule, "articles"), exist_ok=True)
        with open(os.path.join(srv.capsule, "articles", "reload.txt"),
                  "wb") as f:
            f.write(ARTICLE)
        log = self.reload()
        # The port, not Gemini's, is named; one article is "1 article".
        self.assertRegex(log, r"reloaded: gemini://localhost:%d/, 1 article, "
                         % srv.port)
        r = srv.get("/articles/reload/")
        self.assertEqual(r.status, 20, r)
        self.assertIn("再読み込みの記事".encode("utf-8"), r.body)
        self.assertEqual(srv.get("/").status, 20)
        self.assertEqual(srv.stop(), 0)

    @unittest.skipUnless(os.geteuid() == 0, "needs root: the privilege drop")
    def test_generated_key_belongs_to_a_dedicated_user(self):
        srv = self.start(overrides={("server", "user"): "daemon"},
                         make_cert=False)
        daemon = pwd.getpwnam("daemon")
        for path in (srv.certs, srv.key_path, srv.cert_path):
            st = os.stat(path)
            self.assertEqual((st.st_uid, st.st_gid),
                             (daemon.pw_uid, daemon.pw_gid), path)
        self.assertEqual(os.stat(srv.key_path).st_mode & 0o777, 0o600)
        self.assertEqual(os.stat(srv.certs).st_mode & 0o777, 0o700)
        # Wait for the privilege drop, when the warning would be given.
        self.assertIn("serving as user daemon",
                      srv.wait_for_stderr("serving as user"))
        self.assertNotIn("not readable by user", srv.stderr_text())
        # It can load a new certificate on reload.
        old = peer_fingerprint(srv.port)
        os.remove(srv.key_path)
        os.remove(srv.cert_path)
        make_certificate(srv.cert_path, srv.key_path)
        os.chown(srv.key_path, daemon.pw_uid, daemon.pw_gid)
        self.reload()
        self.assertNotEqual(peer_fingerprint(srv.port), old)
        self.assertEqual(srv.stop(), 0)

    @unittest.skipUnless(os.geteuid() == 0, "needs root: the privilege drop")
    def test_key_only_root_reads_is_kept_across_reloads(self):
        # nobody is shared with other daemons: a generated key stays root's,
        # and a reload (for an article, say) keeps the certificate in use.
        srv = self.start(make_cert=False)
        st = os.stat(srv.key_path)
        self.assertEqual((st.st_uid, st.st_mode & 0o777), (0, 0o600))
        # Said once root is gone, which may come after the port accepts:
        # as a fact, since it is by design (issue 15, fault 7).
        self.assertIn("info: %s or %s: not readable by user nobody, as a "
                      "key should not be" % (srv.cert_path, srv.key_path),
                      srv.wait_for_stderr("a reload keeps the certificate"))
        old = peer_fingerprint(srv.port)
        os.makedirs(os.path.join(srv.capsule, "articles"), exist_ok=True)
        with open(os.path.join(srv.capsule, "articles", "reload.txt"),
                  "wb") as f:
            f.write(ARTICLE)
        self.reload()
        self.assertEqual(peer_fingerprint(srv.port), old)
        self.assertEqual(srv.get("/articles/reload/").status, 20)
        self.assertEqual(srv.stop(), 0)
        # Not said again at every reload, nor at every article saved.
        self.assertNotIn("cannot see whether", srv.stderr_text())
        self.assertEqual([line for line in srv.stderr_text().splitlines()
                          if line.startswith("kizuna: warn:") and ".pem"
                          in line], [])

    @unittest.skipUnless(os.geteuid() == 0, "needs root: the privilege drop")
    def test_key_kept_unseen_is_said_at_debug_level(self):
        srv = self.start(overrides={("log", "level"): "debug"},
                         make_cert=False)
        old = peer_fingerprint(srv.port)
        log = self.reload()
        self.assertIn("kizuna: debug: cannot see whether %s or %s changed "
                      "(Permission denied): keeping the certificate in use"
                      % (srv.cert_path, srv.key_path), log)
        self.assertEqual(peer_fingerprint(srv.port), old)
        self.assertEqual(srv.stop(), 0)

    def test_settings_change_for_new_connections(self):
        srv = self.start()
        self.assertEqual(srv.get("/").status, 20)
        # max_per_ip = 1: a second connection from us is closed at accept.
        srv.config_overrides[("server", "max_per_ip")] = "1"
        srv.write_config()
        self.reload()
        held = connect_tls(srv.port)
        try:
            time.sleep(0.1)
            with self.assertRaises((ssl.SSLError, OSError)):
                srv.get("/", timeout=5)
            self.assertIn(b"over max_per_ip",
                          srv.wait_for_log(b"over max_per_ip"))
        finally:
            held.close()

    def test_broken_config_is_refused_and_the_old_one_serves(self):
        srv = self.start()
        with open(srv.config_path, "a") as f:
            f.write("\n[server]\ntimeout = soon\n")
        with open(srv.config_path) as f:
            bad_line = f.read().splitlines().index("timeout = soon") + 1
        log = self.reload(expect="refused")
        self.assertIn("reload refused, still serving as before: %s:%d: "
                      "[server] timeout" % (srv.config_path, bad_line), log)
        self.assertTrue(srv.running())
        r = srv.get("/")
        self.assertEqual(r.status, 20)
        # Fixed, it applies.
        srv.write_config()
        self.reload()
        self.assertEqual(srv.get("/").status, 20)
        self.assertEqual(srv.stop(), 0)

    def test_new_certificate_for_new_connections_old_ones_finish(self):
        srv = self.start()
        old = peer_fingerprint(srv.port)
        # A connection in flight: handshake done, request not yet sent.
        inflight = connect_tls(srv.port)
        self.addCleanup(inflight.close)
        self.assertEqual(sha256_hex(inflight.getpeercert(binary_form=True)),
                         old)
        make_certificate(srv.cert_path, srv.key_path)
        log = self.reload()
        new = peer_fingerprint(srv.port)
        self.assertNotEqual(new, old)
        self.assertIn(new, log.replace(":", "").lower())
        # The old connection is served to the end.
        inflight.sendall(srv.line("/"))
        r = read_response(inflight)
        self.assertEqual(r.status, 20)
        self.assertTrue(r.close_notify)
        self.assertEqual(srv.stop(), 0)

    def test_broken_key_is_refused_and_the_old_certificate_serves(self):
        srv = self.start()
        old = peer_fingerprint(srv.port)
        with open(srv.key_path + ".new", "w") as f:
            f.write("-----BEGIN PRIVATE KEY-----\nbroken\n"
                    "-----END PRIVATE KEY-----\n")
        os.replace(srv.key_path + ".new", srv.key_path)
        log = self.reload(expect="refused")
        # The host is named (issue 13), then the file and what is wrong.
        self.assertRegex(log, r"reload refused, still serving as before: "
                         r"host \"localhost\": %s: cannot load the key"
                         % srv.key_path)
        self.assertEqual(peer_fingerprint(srv.port), old)
        self.assertEqual(srv.get("/").status, 20)
        self.assertEqual(srv.stop(), 0)

    def test_listener_changes_are_refused_by_name(self):
        srv = self.start()
        port = srv.port
        srv.port = port + 1
        srv.write_config()
        srv.port = port
        log = self.reload(expect="refused")
        self.assertRegex(log, r"reload refused, still serving as before: "
                         r"\[server\] port: changed, and only a restart can "
                         r"apply it")
        self.assertEqual(srv.get("/").status, 20)
        self.assertEqual(srv.stop(), 0)

    def test_reopen_access_log_after_rotation(self):
        srv = self.start()
        self.assertEqual(srv.get("/").status, 20)
        rotated = srv.access_log + ".1"
        srv.wait_for_log(b" 20 ")
        # As logrotate's "create" does: the new file belongs to the
        # service user, who could not create it in this root-owned dir.
        os.rename(srv.access_log, rotated)
        with open(srv.access_log, "wb"):
            pass
        give_to_service_user(srv.access_log)
        srv.proc.send_signal(signal.SIGUSR1)
        srv.wait_for_stderr(r"SIGUSR1: access log reopened")
        self.assertEqual(srv.get("/docs/").status, 20)
        data = srv.wait_for_log(b"/docs/")
        self.assertIn(b"/docs/", data, "nothing in the new access log")
        self.assertNotIn(b"gemini://localhost:%d/ " % srv.port, data)
        with open(rotated, "rb") as f:
            old = f.read()
        self.assertNotIn(b"/docs/", old)
        self.assertIn(b" 20 ", old)
        self.assertEqual(srv.stop(), 0)


    def test_reopen_relative_access_log_of_a_relative_config_path(self):
        # Issue 15, fault 3: "-c config.ini" and "access = logs/access.log"
        # left the log's path relative, Landlock was not given its folder,
        # and the reopen after a rename failed with Permission denied,
        # though the folder belongs to the service user.
        srv = KizunaServer(workers=1, config_overrides={
            ("log", "access"): "logs/access.log"})
        self.addCleanup(srv.cleanup)
        os.chmod(srv.dir, 0o755)
        make_certificate(srv.cert_path, srv.key_path)
        logs = os.path.join(srv.dir, "logs")
        os.mkdir(logs)
        give_to_service_user(logs)
        srv.access_log = os.path.join(logs, "access.log")
        srv.config_path = "config.ini"   # relative to srv.cwd, srv.dir
        srv.start()
        self.assertEqual(srv.get("/?before-rename").status, 20)
        self.assertIn(b"before-rename", srv.wait_for_log(b"before-rename"))
        os.rename(srv.access_log, srv.access_log + ".1")
        srv.proc.send_signal(signal.SIGUSR1)
        text = srv.wait_for_stderr(r"SIGUSR1: access log reopened|"
                                   r"reopening the access log")
        self.assertIn("SIGUSR1: access log reopened", text)
        self.assertEqual(srv.get("/?after-rename").status, 20)
        data = srv.wait_for_log(b"after-rename")
        self.assertIn(b"after-rename", data, "nothing in the new access log")
        self.assertNotIn(b"before-rename", data)
        self.assertEqual(srv.stop(), 0)


class ReloadUnderLoadTest(ReloadTestCase):

    RELOADS = 25
    CLIENTS = 6

    def test_reloads_while_serving_drop_nothing(self):
        srv = self.start(workers=2)
        stop = threading.Event()
        results = []
        lock = threading.Lock()

        def client():
            while not stop.is_set():
                try:
                    r = srv.get("/", timeout=10)
                    outcome = (r.status, r.close_notify, r.body == b"")
                except (OSError, ssl.SSLError) as e:
                    outcome = ("error", repr(e))
                with lock:
                    results.append(outcome)

        threads = [threading.Thread(target=client)
                   for _ in range(self.CLIENTS)]
        for t in threads:
            t.start()
        try:
            for i in range(self.RELOADS):
                # Something real changes each time: the certificate every
                # fifth reload, else an article.
                if i % 5 == 4:
                    make_certificate(srv.cert_path, srv.key_path)
                else:
                    os.makedirs(os.path.join(srv.capsule, "articles"),
                                exist_ok=True)
                    with open(os.path.join(srv.capsule, "articles",
                                           "a%d.txt" % i), "wb") as f:
                        f.write(ARTICLE)
                self.reload()
                time.sleep(0.05)
        finally:
            stop.set()
            for t in threads:
                t.join(timeout=30)
        failed = [r for r in results if r != (20, True, False)]
        self.assertGreater(len(results), self.RELOADS * 2)
        self.assertEqual(failed, [], "%d of %d requests failed across %d "
                         "reloads: %r" % (len(failed), len(results),
                                          self.RELOADS, failed[:5]))
        self.assertEqual(srv.get("/articles/a0/").status, 20)
        self.assertEqual(srv.stop(), 0)
        sys_note = "%d requests, %d reloads, 0 failed" % (len(results),
                                                         self.RELOADS)
        if os.environ.get("KIZUNA_TEST_VERBOSE"):
            print(sys_note)


if __name__ == "__main__":
    unittest.main()
