"""Articles are opened as capsule files are: beneath the root (issue 10,
finding 1).

A symbolic link in the articles folder that leaves the capsule root is
refused, whatever it points to (a secret only root reads, the TLS key, a
device, a FIFO), at start-up as root and on a SIGHUP reload as the service
user; its URLs are 51 and its bytes appear in no response. A link that
stays inside the root still makes an article, and so does the folder only
when it lies beneath the root.
"""

import os
import pwd
import signal
import subprocess
import threading
import time
import unittest

from kizuna_harness import KizunaServer

ARTICLE = ("title: 中の記事\n\n見出し\n\n根の中にある本文です。INSIDE-MARKER\n"
           ).encode("utf-8")
SECRET = b"KIZUNA-ARTICLE-SECRET-0600-3b9d"
KEY_LINE = b"PRIVATE KEY"

# name in capsule/articles -> link target, relative to that folder
OUTSIDE_LINKS = {
    "leak.txt": "../../secret",
    "key.txt": "../../certs/key.pem",
    "zero.txt": "/dev/zero",
    "null.txt": "/dev/null",
    "fifo.txt": "../../fifo",
}
INSIDE_LINKS = {
    "alias.txt": "../docs/source.txt",   # another folder of the capsule
    "twin.txt": "real.txt",              # the same folder
}


def service_user():
    """Who reloads: nobody when the tests run as root, else ourselves."""
    if os.geteuid() == 0:
        nobody = pwd.getpwnam("nobody")
        return nobody.pw_uid, nobody.pw_gid
    return os.getuid(), os.getgid()


class FifoWriter:
    """A writer blocked opening a FIFO until someone opens it for reading:
    whether it got through tells whether kizuna opened the FIFO."""

    def __init__(self, path):
        self.path = path
        self.opened = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        fd = os.open(self.path, os.O_WRONLY)
        self.opened.set()
        os.close(fd)

    def release(self):
        """Unblocks the writer (if still waiting) by opening for reading."""
        if not self.opened.is_set():
            fd = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK)
            self.thread.join(timeout=5)
            os.close(fd)
        self.thread.join(timeout=5)


class ArticleLinkTests(unittest.TestCase):

    def setUp(self):
        self.srv = KizunaServer(extra_files={
            "articles/real.txt": ARTICLE,
            "docs/source.txt": ARTICLE,
        })
        self.addCleanup(self.srv.cleanup)
        d = self.srv.dir
        os.chmod(d, 0o755)   # the service user reads the capsule on reload
        # A secret only its owner reads, and the certificate and key.
        with open(os.path.join(d, "secret"), "wb") as f:
            f.write(SECRET + b"\n")
        os.chmod(os.path.join(d, "secret"), 0o600)
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
             "ec_paramgen_curve:P-256", "-nodes", "-days", "30", "-subj",
             "/CN=localhost", "-keyout", self.srv.key_path, "-out",
             self.srv.cert_path], check=True, capture_output=True)
        os.mkfifo(os.path.join(d, "fifo"))
        self.fifo = FifoWriter(os.path.join(d, "fifo"))
        self.addCleanup(self.fifo.release)
        articles = os.path.join(self.srv.capsule, "articles")
        for name, target in list(OUTSIDE_LINKS.items()) + \
                list(INSIDE_LINKS.items()):
            os.symlink(target, os.path.join(articles, name))

    def get(self, path):
        r = self.srv.get(path, timeout=5)
        for needle in (SECRET, KEY_LINE):
            self.assertNotIn(needle, r.body, path)
            self.assertNotIn(needle, r.meta.encode(), path)
        return r

    def check_served(self, what):
        srv = self.srv
        # Every URL an outside link would have made is 51, and the
        # listing names none of them.
        for name in OUTSIDE_LINKS:
            slug = name[:-4]
            for path in ("/articles/%s.txt" % slug, "/articles/%s/" % slug,
                         "/articles/%s/1.gmi" % slug,
                         "/articles/%s/all.gmi" % slug):
                self.assertEqual(self.get(path).status, 51,
                                 "%s: %s" % (what, path))
        listing = self.get("/articles/")
        self.assertEqual(listing.status, 20, what)
        for name in OUTSIDE_LINKS:
            self.assertNotIn(("=> %s/" % name[:-4]).encode(), listing.body,
                             what)
        # Links that stay beneath the root still make articles.
        for name in list(INSIDE_LINKS) + ["real.txt"]:
            slug = name[:-4]
            self.assertIn(("=> %s/ " % slug).encode(), listing.body, what)
            r = self.get("/articles/%s/all.gmi" % slug)
            self.assertEqual(r.status, 20, "%s: %s" % (what, slug))
            self.assertIn(b"INSIDE-MARKER", r.body)
        # Each refusal names its file.
        log = srv.stderr_text()
        for name in OUTSIDE_LINKS:
            self.assertRegex(log, r"articles/%s: .*not served"
                             % name.replace(".", r"\."), what)
        self.assertFalse(self.fifo.opened.is_set(),
                         "%s: kizuna opened a FIFO outside the root" % what)
        self.assertTrue(srv.running(), what)

    def test_links_leaving_the_root_are_refused_at_start(self):
        started = time.monotonic()
        self.srv.start()
        self.assertLess(time.monotonic() - started, 8,
                        "a device or FIFO held up start-up")
        self.check_served("start-up")
        self.assertEqual(self.srv.stop(), 0)

    def test_and_after_a_reload_as_the_service_user(self):
        # Under the shipped unit, the key belongs to the service user: give
        # it, and the secret, to whoever reloads.
        uid, gid = service_user()
        for path in (os.path.join(self.srv.dir, "secret"), self.srv.key_path,
                     self.srv.cert_path, self.srv.config_path):
            os.chown(path, uid, gid)
        self.srv.start()
        before = self.srv.stderr_text().count("kizuna: info: reloaded:")
        self.srv.proc.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 10
        while (self.srv.stderr_text().count("kizuna: info: reloaded:")
               == before):
            self.assertLess(time.monotonic(), deadline, "no reload:\n"
                            + self.srv.stderr_text()[-2000:])
            time.sleep(0.05)
        self.check_served("reload")
        self.assertEqual(self.srv.stop(), 0)


WITHOUT = os.environ.get("KIZUNA_WITHOUT_SYSCALLS", "")


class ArticleLinksOnOlderKernelsTests(ArticleLinkTests):
    """Without openat2 the walk follows no link at all: the links that stay
    inside are refused too (stricter), the rest as before."""

    def setUp(self):
        if not os.access(WITHOUT, os.X_OK):
            self.skipTest("KIZUNA_WITHOUT_SYSCALLS is not set")
        super().setUp()
        self.srv.wrapper = [WITHOUT, "openat2"]

    def test_links_leaving_the_root_are_refused_at_start(self):
        self.srv.start()
        for name in list(OUTSIDE_LINKS) + list(INSIDE_LINKS):
            self.assertEqual(self.get("/articles/%s.txt" % name[:-4]).status,
                             51, name)
        self.assertEqual(self.get("/articles/real/all.gmi").status, 20)
        log = self.srv.stderr_text()
        self.assertRegex(log, r"warn: openat2 is not available .*articles")
        self.assertRegex(log, r"articles/alias\.txt: a symbolic link "
                         r"\(not followed\): not served")
        self.assertFalse(self.fifo.opened.is_set())
        self.assertEqual(self.srv.stop(), 0)

    test_and_after_a_reload_as_the_service_user = None


class ArticlesFolderLinkTests(unittest.TestCase):
    """[capsule] articles is a link out of the root: no article is read."""

    def test_folder_leaving_the_root_is_refused(self):
        srv = KizunaServer()
        self.addCleanup(srv.cleanup)
        outside = os.path.join(srv.dir, "elsewhere")
        os.makedirs(outside)
        with open(os.path.join(outside, "away.txt"), "wb") as f:
            f.write("title: 外の記事\n\n見出し\n\n".encode("utf-8")
                    + SECRET + b"\n")
        os.symlink("../elsewhere", os.path.join(srv.capsule, "articles"))
        srv.start()
        for path in ("/articles/", "/articles/away.txt", "/articles/away/",
                     "/articles/away/all.gmi"):
            r = srv.get(path)
            self.assertNotIn(SECRET, r.body, path)
            self.assertNotIn("外の記事".encode("utf-8"), r.body, path)
        self.assertEqual(srv.get("/articles/away.txt").status, 51)
        self.assertRegex(srv.stderr_text(),
                         r"capsule/articles: a link leaving the capsule root")
        self.assertEqual(srv.stop(), 0)


if __name__ == "__main__":
    unittest.main()
