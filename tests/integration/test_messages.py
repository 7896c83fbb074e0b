"""What the log tells the operator, and what it spares them (issue 15,
fault 7): a file kizuna may not open answers 51 with its reason in the log
at level = debug (never in the response)."""

import os
import re
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


if __name__ == "__main__":
    unittest.main()
