"""What the log tells the operator, and what it spares them (issue 15,
fault 7): a file kizuna may not open answers 51 with its reason in the log
at level = debug (never in the response); started as root for user nobody,
as make run starts it, a key that stays root's on purpose is no warning."""

import os
import re
import subprocess
import unittest

from kizuna_harness import KizunaServer

DEBUG_51 = "kizuna: debug: localhost: /%s: %s: answered 51 Not found"


class UnservedFileTests(unittest.TestCase):

    def start(self, level):
        srv = KizunaServer(config_overrides={("log", "level"): level},
                           with_fifo=True,
                           extra_files={"locked.gmi": b"# locked\n"})
        self.addCleanup(srv.cleanup)
        # Mode 000: unreadable by its owner, and by nobody after the drop
        # when started as root.
        os.chmod(os.path.join(srv.capsule, "locked.gmi"), 0)
        srv.start()
        return srv

    def test_the_reason_is_logged_at_debug_level_and_not_sent(self):
        srv = self.start("debug")
        r = srv.get("/locked.gmi")
        self.assertEqual((r.status, r.meta), (51, "Not found"), r)
        for path, why in (("locked.gmi", "Permission denied"),
                          ("escape", "a link out of the capsule")):
            with self.subTest(path=path):
                r = srv.get("/" + path)
                self.assertEqual((r.status, r.meta), (51, "Not found"), r)
                self.assertIn(DEBUG_51 % (path, why), srv.wait_for_stderr(
                    re.escape(DEBUG_51 % (path, why))))
        r = srv.get("/pipe")
        self.assertEqual((r.status, r.meta), (51, "Not found"), r)
        self.assertIn("kizuna: debug: localhost: /pipe: not a regular file",
                      srv.wait_for_stderr("/pipe: not a regular file"))
        # A file that is not there needs no reason: the access log has it.
        self.assertEqual(srv.get("/missing.gmi").status, 51)
        self.assertEqual(srv.get("/nodir/missing.gmi").status, 51)
        self.assertEqual(srv.stop(), 0)
        self.assertNotIn("missing.gmi", srv.stderr_text())

    def test_nothing_is_said_at_info_level(self):
        srv = self.start("info")
        self.assertEqual(srv.get("/locked.gmi").status, 51)
        self.assertEqual(srv.get("/pipe").status, 51)
        self.assertEqual(srv.stop(), 0)
        self.assertNotIn("answered 51", srv.stderr_text())
        self.assertNotIn("not a regular file", srv.stderr_text())


@unittest.skipUnless(os.geteuid() == 0, "needs root: the privilege drop")
class StartedAsRootTests(unittest.TestCase):

    def test_a_key_kept_from_nobody_is_no_warning(self):
        # As make run: root, user nobody, the certificate made at start
        # (the key stays root's: other daemons run as nobody). The config
        # is readable, so nothing is left for the operator to do.
        srv = KizunaServer()
        self.addCleanup(srv.cleanup)
        os.chmod(srv.dir, 0o755)
        srv.start()
        err = srv.wait_for_stderr(r"serving \S+ as gemini://", limit=10)
        self.assertEqual(os.stat(srv.key_path).st_uid, 0)
        warnings = [line for line in err.splitlines()
                    if line.startswith("kizuna: warn:")]
        self.assertEqual([w for w in warnings if ".pem" in w], [], err)
        self.assertIn("kizuna: info: %s or %s: not readable by user nobody"
                      % (srv.cert_path, srv.key_path), err)
        self.assertEqual(srv.get("/").status, 20)
        self.assertEqual(srv.stop(), 0)

    def test_a_user_of_its_own_is_warned(self):
        # daemon is not shared the way nobody is: a key it cannot read is
        # something the operator can fix (give it to daemon), so it is
        # still a warning.
        srv = KizunaServer(config_overrides={("server", "user"): "daemon"})
        self.addCleanup(srv.cleanup)
        os.chmod(srv.dir, 0o755)
        os.chmod(srv.certs, 0o700)   # root's, as the operator left it
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
             "ec_paramgen_curve:P-256", "-nodes", "-days", "30", "-subj",
             "/CN=localhost", "-keyout", srv.key_path, "-out",
             srv.cert_path], check=True, capture_output=True)
        srv.start()
        err = srv.wait_for_stderr(r"serving \S+ as gemini://", limit=10)
        self.assertIn("kizuna: warn: %s or %s: not readable by user daemon"
                      % (srv.cert_path, srv.key_path), err)
        self.assertEqual(srv.stop(), 0)


if __name__ == "__main__":
    unittest.main()
