"""Hostile article file names (issue 10, finding 5).

A file name reaches the error log and, for an article without a title, the
listing's link labels and the article's heading. Names with control
characters or not in UTF-8 are refused (logged, escaped as \\xHH); the
error log escapes whatever comes from outside, so no name can forge a log
line or send the terminal an escape, and no page gains a line it did not
write. The same holds after a SIGHUP reload.
"""

import os
import signal
import time
import unittest

from kizuna_harness import KizunaServer

FORGED = b"kizuna: info: SIGHUP: forged, all is well"
HOSTILE = {
    # a forged log line, a screen clear and a window title
    "forge": b"x\n" + FORGED + b"\x1b[2J\x1b]0;owned\x07.txt",
    # a link and a heading in the listing, were the name its label
    "link": b"\n=> gemini:evil.example Log in again.txt",
    # C1 control (CSI) and DEL
    "c1": "c1\u009b31m\x7f".encode("utf-8") + b".txt",
    # not UTF-8
    "latin1": b"caf\xe9\xff.txt",
}
GOOD = ("title: よい記事\n\n見出し\n\n本文です。\n").encode("utf-8")


class HostileNameTests(unittest.TestCase):

    def setUp(self):
        self.srv = KizunaServer(extra_files={"articles/good.txt": GOOD})
        self.addCleanup(self.srv.cleanup)
        os.chmod(self.srv.dir, 0o755)   # the service user reloads
        articles = os.path.join(os.fsencode(self.srv.capsule), b"articles")
        for key, name in HOSTILE.items():
            # No title, no heading: the name would be the label. The first
            # is not UTF-8 inside either, so that kizuna always logs it.
            with open(os.path.join(articles, name), "wb") as f:
                f.write(b"\xff" if key == "forge" else b"")

    def check(self, what):
        srv = self.srv
        listing = srv.get("/articles/")
        self.assertEqual(listing.status, 20, what)
        body = listing.body.decode("utf-8", "replace")
        self.assertNotIn("\ufffd", body, "%s: listing not UTF-8" % what)
        lines = body.split("\n")
        self.assertNotIn("evil.example", body, what)
        links = [l for l in lines if l.startswith("=>")]
        self.assertEqual(len(links), 3, what)
        self.assertRegex(links[0], r"^=> good/ [0-9]{4}-[0-9]{2}-[0-9]{2} "
                         r"よい記事$", what)
        self.assertEqual(links[1:], ["=> atom.xml Atom フィード",
                                     "=> ../ ホーム"], what)
        self.assertEqual([l for l in lines if l.startswith("#")],
                         ["# きずなへようこそ", "## 記事の一覧"], what)
        self.assertNotIn("\x1b", body, what)
        self.assertEqual(srv.get("/articles/good/1.gmi").status, 20, what)
        # What a client could ask for these names is not served.
        for path in ("/articles/%0A=%3E%20gemini:evil.example%20Log%20in"
                     "%20again/", "/articles/caf%E9%FF/",
                     "/articles/caf%E9%FF.txt"):
            self.assertNotEqual(srv.get(path).status, 20, what)
        with open(srv.stderr_path, "rb") as f:
            log = f.read()
        self.assertNotIn(b"\x1b", log, what)
        self.assertNotIn(b"\x07", log, what)
        self.assertNotIn("\u009b".encode("utf-8"), log, what)
        for line in log.splitlines():
            self.assertTrue(line.startswith(b"kizuna: "),
                            "%s: a line kizuna did not write: %r"
                            % (what, line))
            self.assertFalse(line.startswith(FORGED), what)
        log.decode("utf-8")   # valid UTF-8 throughout
        # Each refusal names its file, escaped.
        self.assertIn(b"articles/x\\x0a" + FORGED + b"\\x1b[2J\\x1b]0;owned"
                      b"\\x07.txt: ", log, what)
        self.assertIn(b"articles/\\x0a=> gemini:evil.example Log in again"
                      b".txt: ", log, what)
        self.assertIn(b"articles/c1\\xc2\\x9b31m\\x7f.txt: ", log, what)
        self.assertIn(b"articles/caf\\xe9\\xff.txt: ", log, what)

        self.assertTrue(srv.running(), what)

    def test_hostile_names_are_refused_and_logged_escaped(self):
        self.srv.start()
        self.check("start-up")
        self.assertEqual(self.srv.stop(), 0)

    def test_and_after_a_reload(self):
        self.srv.start()
        with open(self.srv.stderr_path, "rb") as f:
            before = f.read().count(b"kizuna: info: reloaded:")
        self.srv.proc.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 10
        while True:
            with open(self.srv.stderr_path, "rb") as f:
                if f.read().count(b"kizuna: info: reloaded:") > before:
                    break
            self.assertLess(time.monotonic(), deadline, "no reload")
            time.sleep(0.05)
        self.check("reload")
        self.assertEqual(self.srv.stop(), 0)


if __name__ == "__main__":
    unittest.main()
