"""Live updates: adding, editing, renaming or deleting an article file takes
effect within about a second, with no signal, while readers are served.

kizuna watches the articles folder (inotify), waits for a burst of changes
to end (250 ms of quiet, at most 1 s), rebuilds the pages on the side as a
reload does and swaps them in. A file that cannot be read or is not UTF-8
keeps its previous pages and the log names it. All of it under the sandbox,
as the harness runs kizuna (seccomp and Landlock on; tests run as root drop
to nobody, so the files are made readable by it).
"""

import os
import re
import signal
import threading
import time
import unittest

from kizuna_harness import KizunaServer

# Each change must show within this many seconds.
LIMIT = 2.0

REBUILT = "kizuna: info: articles changed: rebuilt"


def article(title, marker):
    return ("title: %s\n\nはじめに\n\n%s この記事は生きている。\n"
            % (title, marker)).encode("utf-8")


class Loader(threading.Thread):
    """Loads pages in a loop, counting requests and failures (anything but
    a whole response with status 20)."""

    def __init__(self, srv, paths):
        super().__init__(daemon=True)
        self.srv = srv
        self.paths = paths
        self.requests = 0
        self.failures = []
        self.halt = threading.Event()

    def run(self):
        i = 0
        while not self.halt.is_set():
            path = self.paths[i % len(self.paths)]
            i += 1
            try:
                r = self.srv.get(path, timeout=5)
                ok = r.status == 20 and r.close_notify
            except OSError as e:
                r, ok = e, False
            self.requests += 1
            if not ok:
                self.failures.append((path, repr(r)))

    def finish(self):
        self.halt.set()
        self.join(timeout=10)
        return self.requests, self.failures


class LiveTests(unittest.TestCase):

    def start(self, articles=None):
        files = {"articles/" + name: data
                 for name, data in (articles or {}).items()}
        srv = KizunaServer(workers=2, extra_files=files)
        self.addCleanup(srv.cleanup)
        os.chmod(srv.dir, 0o755)   # the service user reads the capsule
        srv.start()
        self.srv = srv
        self.articles = os.path.join(srv.capsule, "articles")
        # The port accepts (the kernel's queue) before confinement is done.
        text = srv.wait_for_stderr(r"seccomp: \d+ system calls allowed",
                                   limit=10)
        self.assertRegex(text, r"seccomp: \d+ system calls allowed")
        return srv

    def load_while(self, paths=("/articles/", "/")):
        loader = Loader(self.srv, list(paths))
        loader.start()
        self.addCleanup(loader.halt.set)
        return loader

    def write(self, name, data):
        path = os.path.join(self.articles, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def wait_until(self, what, check, limit=LIMIT):
        """Polls check() until true; fails after limit seconds. Returns
        the seconds it took."""
        start = time.monotonic()
        while time.monotonic() - start < limit:
            if check():
                return time.monotonic() - start
            time.sleep(0.02)
        self.fail("%s: not within %.1f s; stderr:\n%s"
                  % (what, limit, self.srv.stderr_text()[-2000:]))

    def status(self, path):
        return self.srv.get(path).status

    def page(self, slug):
        """The whole article on one page, or b"" when not served."""
        return self.body("/articles/%s/all.gmi" % slug)

    def body(self, path):
        r = self.srv.get(path)
        return r.body if r.status == 20 else b""

    def assert_no_failures(self, loader):
        requests, failures = loader.finish()
        self.assertGreater(requests, 0)
        self.assertEqual(failures, [], "%d of %d requests failed"
                         % (len(failures), requests))
        self.assertTrue(self.srv.running(), self.srv.stderr_text()[-2000:])
        self.assertNotIn("not on the allow-list", self.srv.stderr_text())

    # ---- the four changes ---------------------------------------------

    def test_new_article_appears(self):
        srv = self.start({"first.txt": article("一つ目", "FIRST-1")})
        self.assertEqual(self.status("/articles/new/"), 51)
        loader = self.load_while()
        self.write("new.txt", article("新しい記事", "NEW-1"))
        self.wait_until("new article served",
                        lambda: b"NEW-1" in self.page("new"))
        self.assertIn("新しい記事".encode("utf-8"), self.body("/articles/"))
        self.assertIn("info: watching %s/articles: articles change as they "
                      "are saved" % srv.capsule, srv.stderr_text())
        self.assert_no_failures(loader)
        self.assertEqual(srv.stop(), 0)

    def test_edit_shows(self):
        self.start({"first.txt": article("一つ目", "FIRST-1")})
        self.assertIn(b"FIRST-1", self.page("first"))
        loader = self.load_while(("/articles/", "/articles/first/"))
        self.write("first.txt", article("一つ目", "FIRST-2"))
        self.wait_until("edit served",
                        lambda: b"FIRST-2" in self.page("first"))
        self.assertIn(b"FIRST-2", self.body("/articles/first.txt"))
        self.assert_no_failures(loader)

    def test_rename_moves(self):
        self.start({"first.txt": article("一つ目", "FIRST-1")})
        loader = self.load_while()
        os.rename(os.path.join(self.articles, "first.txt"),
                  os.path.join(self.articles, "renamed.txt"))
        self.wait_until("renamed article served",
                        lambda: b"FIRST-1" in self.page("renamed"))
        self.assertEqual(self.status("/articles/first/"), 51)
        self.assert_no_failures(loader)

    def test_delete_removes(self):
        self.start({"first.txt": article("一つ目", "FIRST-1"),
                    "second.txt": article("二つ目", "SECOND-1")})
        loader = self.load_while()
        os.unlink(os.path.join(self.articles, "first.txt"))
        self.wait_until("deleted article gone",
                        lambda: self.status("/articles/first/") == 51)
        self.assertEqual(self.status("/articles/first.txt"), 51)
        self.assertIn(b"SECOND-1", self.page("second"))
        self.assert_no_failures(loader)

    # ---- what cannot be read ------------------------------------------

    def test_invalid_utf8_keeps_the_old_pages(self):
        srv = self.start({"first.txt": article("一つ目", "FIRST-1")})
        loader = self.load_while(("/articles/", "/articles/first/"))
        before = srv.stderr_text().count(REBUILT)
        self.write("first.txt", b"title: broken\n\n\xff\xfe BROKEN-2\n")
        self.write("bad.txt", b"\xc3\x28 BAD-1\n")
        self.wait_until("rebuilt after the broken write",
                        lambda: srv.stderr_text().count(REBUILT) > before)
        log = srv.stderr_text()
        self.assertRegex(log, r"error: [^\n]*/articles/first\.txt: [^\n]*"
                         r"keeping the pages read before")
        self.assertRegex(log, r"error: [^\n]*/articles/bad\.txt: [^\n]*"
                         r"not served")
        self.assertIn(b"FIRST-1", self.page("first"))
        self.assertIn(b"FIRST-1", self.body("/articles/first.txt"))
        self.assertEqual(self.status("/articles/bad/"), 51)
        self.assertEqual(self.status("/articles/bad.txt"), 51)
        # Fixed, it shows; and SIGHUP keeps the old pages the same way.
        self.write("first.txt", article("一つ目", "FIRST-3"))
        self.wait_until("fixed article served",
                        lambda: b"FIRST-3" in self.page("first"))
        self.assert_no_failures(loader)

    def test_sighup_keeps_the_old_pages_too(self):
        srv = self.start({"first.txt": article("一つ目", "FIRST-1")})
        path = os.path.join(self.articles, "first.txt")
        # A bad write the watch has not acted on yet is what SIGHUP sees.
        self.write("first.txt", b"\xff BROKEN\n")
        srv.proc.send_signal(signal.SIGHUP)
        self.wait_until("reloaded", lambda: "info: reloaded:" in
                        srv.stderr_text(), limit=10)
        self.assertIn(b"FIRST-1", self.page("first"))
        self.assertIn(path + ": ", srv.stderr_text())

    # ---- bursts ------------------------------------------------------

    def test_editor_save_is_read_once_complete(self):
        srv = self.start({"first.txt": article("一つ目", "FIRST-1")})
        loader = self.load_while(("/articles/", "/articles/first/"))
        time.sleep(0.5)
        before = srv.stderr_text().count(REBUILT)
        # An editor: a temporary file written in pieces, renamed over.
        tmp = os.path.join(self.articles, ".first.txt.swp")
        with open(tmp, "wb") as f:
            for piece in article("一つ目", "FIRST-2").splitlines(True):
                f.write(piece)
                f.flush()
                time.sleep(0.03)
        os.replace(tmp, os.path.join(self.articles, "first.txt"))
        # A writer that closes and appends, pieces 100 ms apart: read
        # once, after the last piece.
        pieces = article("ゆっくり", "SLOW-1").splitlines(True)
        for piece in pieces:
            with open(os.path.join(self.articles, "slow.txt"), "ab") as f:
                f.write(piece)
            time.sleep(0.1)
        self.wait_until("both served", lambda: b"FIRST-2" in
                        self.page("first") and b"SLOW-1" in
                        self.page("slow"))
        time.sleep(1.0)   # anything still to come, would come now
        self.assertEqual(srv.stderr_text().count(REBUILT) - before, 1,
                         srv.stderr_text()[-2000:])
        self.assertNotIn("slow.txt", srv.stderr_text())   # never partial
        self.assert_no_failures(loader)

    def test_intro_edit_shows(self):
        # articles/index.gmi is read with the articles: the list's intro.
        self.start({"first.txt": article("一つ目", "FIRST-1")})
        loader = self.load_while()
        self.write("index.gmi", "# 山の便り\n\nINTRO-1 ようこそ。\n"
                   .encode("utf-8"))
        self.wait_until("intro shown above the list",
                        lambda: b"INTRO-1" in self.body("/articles/"))
        self.write("index.gmi", "# 山の便り\n\nINTRO-2 改めて。\n"
                   .encode("utf-8"))
        self.wait_until("intro edit shown",
                        lambda: b"INTRO-2" in self.body("/articles/"))
        os.unlink(os.path.join(self.articles, "index.gmi"))
        self.wait_until("intro deleted",
                        lambda: b"INTRO-2" not in self.body("/articles/"))
        self.assert_no_failures(loader)

    def test_folder_made_after_start(self):
        srv = self.start()
        self.assertEqual(self.status("/articles/later/"), 51)
        loader = self.load_while(("/",))
        os.makedirs(self.articles)
        self.write("later.txt", article("後から", "LATER-1"))
        self.wait_until("article of a new folder served",
                        lambda: b"LATER-1" in self.page("later"))
        # Deleted and made again: still watched.
        os.unlink(os.path.join(self.articles, "later.txt"))
        os.rmdir(self.articles)
        self.wait_until("folder gone",
                        lambda: self.status("/articles/later/") == 51)
        os.makedirs(self.articles)
        self.write("again.txt", article("もう一度", "AGAIN-1"))
        self.wait_until("article of the folder made again",
                        lambda: b"AGAIN-1" in self.page("again"))
        self.assert_no_failures(loader)

    def test_list_keeps_its_title_without_the_folder(self):
        # The capsule's title is the root index.gmi's "# " line, read
        # whether or not the articles folder is there.
        title = "# きずなへようこそ".encode("utf-8")
        srv = self.start({"first.txt": article("一つ目", "FIRST-1")})
        self.assertEqual(self.body("/articles/").split(b"\n")[0], title)
        loader = self.load_while(("/",))
        os.unlink(os.path.join(self.articles, "first.txt"))
        os.rmdir(self.articles)
        self.wait_until("folder gone",
                        lambda: self.status("/articles/first/") == 51)
        listing = self.body("/articles/")
        self.assertEqual(listing.split(b"\n")[0], title, listing)
        os.makedirs(self.articles)
        self.write("again.txt", article("もう一度", "AGAIN-1"))
        self.wait_until("article of the folder made again",
                        lambda: b"AGAIN-1" in self.page("again"))
        self.assertEqual(self.body("/articles/").split(b"\n")[0], title)
        self.assert_no_failures(loader)
        # A capsule started without the folder heads its list so too.
        self.assertEqual(srv.stop(), 0)
        self.start()
        listing = self.body("/articles/")
        self.assertEqual(listing.split(b"\n")[0], title, listing)

    def test_a_broken_file_is_logged_when_it_breaks_or_changes(self):
        srv = self.start({"first.txt": article("一つ目", "FIRST-1")})
        # "not served", or once it was read, "keeping the pages read
        # before".
        bad = re.compile(r"error: [^\n]*/articles/bad\.txt: not valid "
                         r"UTF-8")

        def rebuilt_after(change):
            before = srv.stderr_text().count(REBUILT)
            change()
            self.wait_until("rebuilt", lambda:
                            srv.stderr_text().count(REBUILT) > before)
            return len(bad.findall(srv.stderr_text()))

        self.assertEqual(rebuilt_after(lambda: self.write(
            "bad.txt", b"\xc3\x28 BAD-1\n")), 1)
        # Saves of another article: the broken file, unchanged, is not
        # logged again.
        for i in range(3):
            self.assertEqual(rebuilt_after(lambda: self.write(
                "first.txt", article("一つ目", "FIRST-%d" % (i + 2)))), 1,
                srv.stderr_text()[-2000:])
        self.assertIn(b"FIRST-4", self.page("first"))
        # Saved again (still broken): logged again.
        self.assertEqual(rebuilt_after(lambda: self.write(
            "bad.txt", b"\xc3\x28 BAD-2\n")), 2)
        # Fixed, then broken again: logged again.
        self.assertEqual(rebuilt_after(lambda: self.write(
            "bad.txt", article("直った", "GOOD-1"))), 2)
        self.assertEqual(rebuilt_after(lambda: self.write(
            "bad.txt", b"\xc3\x28 BAD-3\n")), 3)
        # SIGHUP reports every file that is wrong, as start-up does.
        srv.proc.send_signal(signal.SIGHUP)
        self.wait_until("reloaded", lambda: "info: reloaded:" in
                        srv.stderr_text(), limit=10)
        self.assertEqual(len(bad.findall(srv.stderr_text())), 4)
        # ...and a live update after it does not repeat it.
        self.assertEqual(rebuilt_after(lambda: self.write(
            "first.txt", article("一つ目", "FIRST-5"))), 4)

    def test_sighup_still_reloads(self):
        srv = self.start({"first.txt": article("一つ目", "FIRST-1")})
        self.write("new.txt", article("新しい記事", "NEW-1"))
        self.wait_until("new article served",
                        lambda: b"NEW-1" in self.page("new"))
        srv.proc.send_signal(signal.SIGHUP)
        self.wait_until("reloaded", lambda: re.search(
            r"info: reloaded: gemini://localhost:%d/, 2 articles" % srv.port,
            srv.stderr_text()), limit=10)
        self.assertIn(b"NEW-1", self.page("new"))
        self.assertIn(b"FIRST-1", self.page("first"))
        self.assertEqual(srv.stop(), 0)


if __name__ == "__main__":
    unittest.main()
