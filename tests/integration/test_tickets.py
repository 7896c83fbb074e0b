"""Session tickets sealed with kizuna's keys (issue 16).

One set of keys for the whole process, kept across reloads, so a reader's
session resumes after a SIGHUP, even one that replaced the certificate.
With [tls] ticket_keys = FILE, instances sharing the file resume each
other's sessions; the first key seals, every key listed opens (a ticket of
an older key gets a new one), a key removed opens nothing. A bad file is a
config error at start and a refused reload, naming FILE:LINE.

Everything here runs as the integration tests always do: confined
(Landlock, seccomp) and, when the tests run as root, as user nobody after
the drop, so every reload reads the key file as kizuna will in service.
"""

import os
import pwd
import shutil
import signal
import ssl
import tempfile
import time
import unittest

from kizuna_harness import INDEX_GMI, KizunaServer, client_context

from test_reload import make_certificate


def new_key():
    """One key line, as `openssl rand -hex 80` writes it."""
    return os.urandom(80).hex()


def give_to_service_user(path):
    """The key file as an installation keeps it: mode 600, owned by the
    user kizuna serves as (nobody, when the tests run as root)."""
    os.chmod(path, 0o600)
    if os.geteuid() == 0:
        nobody = pwd.getpwnam("nobody")
        os.chown(path, nobody.pw_uid, nobody.pw_gid)


class TicketTestCase(unittest.TestCase):

    def setUp(self):
        # A folder of key files, which the service user can traverse.
        self.keys_dir = tempfile.mkdtemp(prefix="kizuna-keys-")
        os.chmod(self.keys_dir, 0o755)
        self.addCleanup(shutil.rmtree, self.keys_dir, True)

    def write_keys(self, name, *lines, mode=None):
        path = os.path.join(self.keys_dir, name)
        with open(path + ".new", "w", encoding="ascii") as f:
            f.write("# kizuna session ticket keys: the first seals\n")
            for line in lines:
                f.write(line + "\n")
        give_to_service_user(path + ".new")
        if mode is not None:
            os.chmod(path + ".new", mode)
        os.replace(path + ".new", path)
        return path

    def server(self, keys=None, cert_from=None, start=True):
        overrides = {}
        if keys is not None:
            overrides[("tls", "ticket_keys")] = keys
        srv = KizunaServer(config_overrides=overrides)
        self.addCleanup(srv.cleanup)
        # The service user reads the config again at each reload.
        os.chmod(srv.dir, 0o755)
        if cert_from is not None:
            # Instances behind one name serve one certificate.
            shutil.copy(cert_from.cert_path, srv.cert_path)
            shutil.copy(cert_from.key_path, srv.key_path)
        if start:
            srv.start()
        return srv

    def reload(self, srv, expect="reloaded"):
        """SIGHUP, then the outcome's line: "reloaded" or "refused"."""
        pattern = ("kizuna: info: reloaded:" if expect == "reloaded" else
                   "reload refused")
        before = srv.stderr_text().count(pattern)
        srv.proc.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if srv.stderr_text().count(pattern) > before:
                return srv.stderr_text()
            self.assertTrue(srv.running(), "kizuna exited on SIGHUP:\n"
                            + srv.stderr_text()[-2000:])
            time.sleep(0.02)
        self.fail("no %r after SIGHUP; stderr:\n%s"
                  % (pattern, srv.stderr_text()[-2000:]))

    def session(self, srv, ctx):
        """A new session (a full handshake) with srv."""
        r = srv.get("/", context=ctx)
        self.assertEqual(r.status, 20, r)
        self.assertFalse(r.session_reused)
        self.assertIsNotNone(r.session)
        return r.session

    def resume(self, srv, ctx, session):
        """Offers session to srv; returns (resumed, the session after)."""
        r = srv.get("/", context=ctx, session=session)
        self.assertEqual(r.status, 20, r)
        self.assertEqual(r.body, INDEX_GMI)
        return r.session_reused, r.session


class OwnKeysTests(TicketTestCase):
    """Without a file: kizuna's own keys, kept across reloads."""

    def test_session_resumes_after_a_reload(self):
        srv = self.server()
        ctx = client_context()
        first = self.session(srv, ctx)
        self.reload(srv)
        resumed, _ = self.resume(srv, ctx, first)
        self.assertTrue(resumed, "not resumed after a reload")

    def test_session_resumes_after_a_new_certificate(self):
        # A new certificate makes new TLS contexts (the old one is not
        # shared): the ticket keys are the process's, not a context's.
        srv = self.server(start=False)
        make_certificate(srv.cert_path, srv.key_path)
        srv.start()
        for version in (None, ssl.TLSVersion.TLSv1_2):
            with self.subTest(max_version=version):
                ctx = client_context(max_version=version)
                first = self.session(srv, ctx)
                make_certificate(srv.cert_path, srv.key_path)
                self.reload(srv)
                resumed, _ = self.resume(srv, ctx, first)
                self.assertTrue(resumed, "not resumed after a new "
                                "certificate was loaded")

    def test_every_tls13_resumption_brings_a_new_ticket(self):
        # As OpenSSL's own ticket code does: a client that uses a ticket
        # once (RFC 8446 C.4, rustls) must get a fresh one each time, or it
        # resumes only every other connection. A TLS 1.3 client names its
        # session by its ticket's SHA-256: a new ticket, a new id.
        srv = self.server()
        ctx = client_context(min_version=ssl.TLSVersion.TLSv1_3)
        session = self.session(srv, ctx)
        for i in range(3):
            with self.subTest(round=i):
                resumed, after = self.resume(srv, ctx, session)
                self.assertTrue(resumed)
                self.assertIsNotNone(after)
                self.assertNotEqual(after.id, session.id,
                                    "no new ticket after a resumption")
                session = after

    def test_a_session_lasts_two_rotation_intervals(self):
        # Kizuna's own keys rotate every 6 hours, the one before still
        # accepted: the lifetime clients are told is those 12 hours.
        srv = self.server()
        for version in (None, ssl.TLSVersion.TLSv1_2):
            with self.subTest(max_version=version):
                first = self.session(srv, client_context(max_version=version))
                self.assertEqual(first.ticket_lifetime_hint, 12 * 3600)


class KeyFileTests(TicketTestCase):
    """[tls] ticket_keys: shared keys, rotated by the operator."""

    def test_instances_sharing_a_file_resume_each_others_sessions(self):
        shared = self.write_keys("shared", new_key())
        other = self.write_keys("other", new_key())
        a = self.server(shared)
        b = self.server(shared, cert_from=a)
        c = self.server(other, cert_from=a)
        self.assertIn("session tickets: 1 key from %s" % shared,
                      a.stderr_text())
        for version in (None, ssl.TLSVersion.TLSv1_2):
            with self.subTest(max_version=version):
                ctx = client_context(max_version=version)
                made_on_a = self.session(a, ctx)
                resumed, _ = self.resume(b, ctx, made_on_a)
                self.assertTrue(resumed, "a session of A not resumed on B")
                resumed, _ = self.resume(c, ctx, made_on_a)
                self.assertFalse(resumed, "a session of A resumed on an "
                                 "instance with other keys")
        # The access log says so too.
        self.assertRegex(b.wait_for_log(b"resumed").decode(),
                         r'" 20 [0-9]+ [0-9]+ms resumed\n')

    def test_rotation_by_a_new_first_line_and_a_reload(self):
        k1, k2, k3 = new_key(), new_key(), new_key()
        path = self.write_keys("keys", k1)
        srv = self.server(path)
        for version in (None, ssl.TLSVersion.TLSv1_2):
            with self.subTest(max_version=version):
                ctx = client_context(max_version=version)
                # Back to k1 alone, for the second round.
                self.write_keys("keys", k1)
                self.reload(srv)
                under_k1 = self.session(srv, ctx)
                # k2 first: k1 still opens, and the reader gets a ticket
                # under k2 (TLS 1.3 sends one after every handshake; 1.2
                # renews a ticket of an older key).
                self.write_keys("keys", k2, k1)
                self.reload(srv)
                resumed, renewed = self.resume(srv, ctx, under_k1)
                self.assertTrue(resumed, "a ticket of a key still listed "
                                "was not accepted")
                # k1 gone: its tickets open nothing; the new one does.
                self.write_keys("keys", k3, k2)
                self.reload(srv)
                resumed, _ = self.resume(srv, ctx, under_k1)
                self.assertFalse(resumed, "a ticket of a removed key was "
                                 "accepted")
                resumed, _ = self.resume(srv, ctx, renewed)
                self.assertTrue(resumed, "the ticket given under the new "
                                "first key was not accepted")
        # Every reload above read the file confined, as the service user.
        log = srv.stderr_text()
        self.assertRegex(log, r"landlock: (ABI \d+: reading only the "
                         r"capsule and the config's, certificate's, key's "
                         r"and ticket keys' directories|not available)")
        self.assertIn("seccomp: ", log)
        if os.geteuid() == 0:
            self.assertIn("serving as user nobody", log)

    def test_removing_the_file_goes_back_to_own_keys(self):
        path = self.write_keys("keys", new_key())
        srv = self.server(path)
        ctx = client_context()
        under_file = self.session(srv, ctx)
        srv.config_overrides.pop(("tls", "ticket_keys"))
        srv.write_config()
        log = self.reload(srv)
        self.assertIn("session tickets: kizuna's own keys", log)
        resumed, _ = self.resume(srv, ctx, under_file)
        self.assertFalse(resumed)
        own = self.session(srv, ctx)
        self.reload(srv)
        resumed, _ = self.resume(srv, ctx, own)
        self.assertTrue(resumed)


class BadFileTests(TicketTestCase):

    def test_a_bad_file_stops_the_start_naming_file_and_line(self):
        path = self.write_keys("keys", "", "0123456789ab")
        srv = self.server(path, start=False)
        srv.start(wait=False)
        self.assertEqual(srv.wait_exit(), 2, srv.stderr_text())
        # The file's own header comment is line 1, then "", then the key.
        self.assertIn("%s:3: a ticket key is 160 hex digits (openssl rand "
                      "-hex 80), this one has 12" % path, srv.stderr_text())

    def test_a_missing_file_stops_the_start(self):
        path = os.path.join(self.keys_dir, "none")
        srv = self.server(path, start=False)
        srv.start(wait=False)
        self.assertEqual(srv.wait_exit(), 2, srv.stderr_text())
        self.assertIn("%s: No such file or directory" % path,
                      srv.stderr_text())

    def test_kizuna_t_checks_the_file(self):
        path = self.write_keys("keys", new_key(), "not a key")
        srv = self.server(path, start=False)
        srv.start(wait=False, args=["-t"])
        self.assertEqual(srv.wait_exit(), 2, srv.stderr_text())
        self.assertIn("%s:3: a ticket key is hex digits" % path,
                      srv.stderr_text())

    def test_a_bad_file_at_reload_is_refused_and_the_keys_stay(self):
        key = new_key()
        path = self.write_keys("keys", key)
        srv = self.server(path)
        ctx = client_context()
        before = self.session(srv, ctx)
        self.write_keys("keys", new_key()[:-2], key)
        log = self.reload(srv, expect="refused")
        self.assertIn("reload refused, still serving as before: %s:2: a "
                      "ticket key is 160 hex digits" % path, log)
        resumed, _ = self.resume(srv, ctx, before)
        self.assertTrue(resumed, "the keys in use were dropped")
        os.unlink(path)
        log = self.reload(srv, expect="refused")
        self.assertIn("%s: No such file or directory" % path, log)
        resumed, _ = self.resume(srv, ctx, before)
        self.assertTrue(resumed)

    def test_a_file_others_can_read_is_warned_about(self):
        path = self.write_keys("keys", new_key(), mode=0o644)
        srv = self.server(path)
        self.assertRegex(srv.stderr_text(), r"warn: %s: readable by group "
                         r"or others \(mode 644\)" % path)
        # Never the keys themselves.
        with open(path, encoding="ascii") as f:
            key = f.read().split("\n")[1]
        self.assertNotIn(key, srv.stderr_text())
        self.assertNotIn(key.upper(), srv.stderr_text())


if __name__ == "__main__":
    unittest.main()
