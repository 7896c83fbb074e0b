"""
Integration tests for issue 12's dates, feeds and the author's own files:
the list of articles as a gemfeed (dates from front matter and from the
file's mtime, newest first), /articles/atom.xml read by a real feed parser
(Debian's python3-feedparser), escaping, an image and an intro beside the
generated pages, and `kizuna convert` writing all or nothing.

Real TLS to the real binary on a free loopback port (kizuna_harness).
feedparser runs in Debian's /usr/bin/python3, where `make test-deps`
installs it, whichever python3 runs the tests.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from kizuna_harness import KIZUNA_BIN, KizunaServer, png_1x1  # noqa: E402

ATOM_META = "application/atom+xml"
DATE_LABEL = re.compile(r"^=> (\S+) ([0-9]{4}-[0-9]{2}-[0-9]{2}) (.*)$")
CONVERT_TIMEOUT = 15

FEEDPARSER = r"""
import json, sys
import feedparser
d = feedparser.parse(sys.stdin.buffer.read())
print(json.dumps({
    "bozo": bool(d.bozo),
    "bozo_exception": str(d.get("bozo_exception", "")),
    "version": d.version,
    "title": d.feed.get("title"),
    "id": d.feed.get("id"),
    "link": d.feed.get("link"),
    "updated": d.feed.get("updated"),
    "author": d.feed.get("author"),
    "entries": [{"title": e.get("title"), "id": e.get("id"),
                 "link": e.get("link"), "updated": e.get("updated"),
                 "summary": e.get("summary")} for e in d.entries],
}))
"""


def parse_feed(data):
    """What feedparser makes of data (bytes), as a dict."""
    p = subprocess.run(["/usr/bin/python3", "-c", FEEDPARSER], input=data,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=30)
    if p.returncode != 0:
        raise AssertionError("feedparser failed (make test-deps installs "
                             "python3-feedparser): %s" % p.stderr.decode())
    return json.loads(p.stdout)


def entries_of(body):
    """[(target, date, title)] of the listing's gemfeed entries."""
    out = []
    for line in body.decode("utf-8").split("\n"):
        m = DATE_LABEL.match(line)
        if m:
            out.append(m.groups())
    return out


def convert(args):
    return subprocess.run([KIZUNA_BIN, "convert"] + list(args),
                          stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=CONVERT_TIMEOUT)


def files_under(root):
    out = []
    for dirpath, dirs, names in os.walk(root):
        for n in names + dirs:
            out.append(os.path.relpath(os.path.join(dirpath, n), root))
    return sorted(out)


def article(title, date=None, lead="Its lead.", body="Body text."):
    text = "title: %s\n" % title
    if date is not None:
        text += "date: %s\n" % date
    return (text + "%s\n\nFirst part\n\n%s\n" % (lead, body)).encode("utf-8")


# Modification times for the articles without a (valid) front matter date.
MTIME_OLD = time.mktime((2021, 3, 4, 12, 0, 0, 0, 0, -1))
MTIME_NEW = 1767225600 + 3600   # 2026-01-01T01:00:00Z


class FeedTests(unittest.TestCase):
    """A capsule of dated and undated articles, an intro, an image."""

    ARTICLES = {
        "alpha.txt": article("Alpha", "2024-05-02"),
        "beta.txt": article("Beta", "2023-12-31"),
        # The same day as alpha: ties go by slug.
        "aardvark.txt": article("Aardvark", "2024-05-02"),
        # Not a real day: the file's mtime counts.
        "gamma.txt": article("Gamma", "2024-02-30"),
        # No date: the file's mtime.
        "delta.txt": article("Delta"),
        "tricky.txt": article("Tom & Jerry's <\"best\"> day", "2022-01-01",
                              lead="A <b>bold</b> & 'quoted' lead."),
    }
    INTRO = "Notes from the garden, written slowly.\n=> ../ Back home\n"
    PNG = png_1x1()

    @classmethod
    def setUpClass(cls):
        files = {"articles/" + k: v for k, v in cls.ARTICLES.items()}
        files["articles/index.gmi"] = cls.INTRO.encode("utf-8")
        files["articles/alpha/photo.png"] = cls.PNG
        files["articles/alpha/notes.bin"] = b"\x00\x01attachment"
        cls.srv = KizunaServer(timeout=5, extra_files=files)
        art = os.path.join(cls.srv.capsule, "articles")
        os.utime(os.path.join(art, "gamma.txt"), (MTIME_OLD, MTIME_OLD))
        os.utime(os.path.join(art, "delta.txt"), (MTIME_NEW, MTIME_NEW))
        cls.srv.start_or_clean()

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop_and_clean()

    def get(self, path):
        r = self.srv.get(path)
        self.assertFalse(r.timed_out, path)
        return r

    def listing(self):
        r = self.get("/articles/")
        self.assertEqual(r.status, 20, r)
        return r.body

    # -- the gemfeed ---------------------------------------------------------

    def test_listing_is_a_gemfeed_newest_first(self):
        day_old = time.strftime("%Y-%m-%d", time.gmtime(MTIME_OLD))
        self.assertEqual(entries_of(self.listing()), [
            ("delta/", "2026-01-01", "Delta"),
            ("aardvark/", "2024-05-02", "Aardvark"),
            ("alpha/", "2024-05-02", "Alpha"),
            ("beta/", "2023-12-31", "Beta"),
            ("tricky/", "2022-01-01", "Tom & Jerry's <\"best\"> day"),
            ("gamma/", day_old, "Gamma"),
        ])

    def test_listing_starts_with_the_feed_title_and_links_the_atom_feed(self):
        lines = self.listing().decode("utf-8").split("\n")
        # The first line is the feed's "# " title: the capsule's.
        self.assertEqual(lines[0], "# きずなへようこそ")
        self.assertEqual([l for l in lines if l.startswith("# ")],
                         ["# きずなへようこそ"])
        self.assertIn("=> atom.xml Atom フィード", lines)

    def test_author_intro_is_shown_above_the_list(self):
        text = self.listing().decode("utf-8")
        self.assertIn(self.INTRO, text)
        self.assertLess(text.index(self.INTRO), text.index("=> delta/ "))
        # The same page by its file name: the intro is not hidden there.
        r = self.get("/articles/index.gmi")
        self.assertEqual(r.body, self.listing())

    # -- Atom ------------------------------------------------------------------

    def atom(self):
        r = self.get("/articles/atom.xml")
        self.assertEqual(r.status, 20, r)
        self.assertEqual(r.meta, ATOM_META)
        self.assertTrue(r.close_notify)
        return r.body

    def test_atom_feed_parses_without_error_with_every_entry(self):
        feed = parse_feed(self.atom())
        self.assertFalse(feed["bozo"], feed["bozo_exception"])
        self.assertEqual(feed["version"], "atom10")
        base = "gemini://localhost:%d/articles/" % self.srv.port
        self.assertEqual(feed["title"], "きずなへようこそ")
        self.assertEqual(feed["id"], base)
        self.assertEqual(feed["link"], base)
        self.assertEqual(feed["author"], "localhost")
        self.assertEqual(feed["updated"], "2026-01-01T00:00:00Z")
        got = [(e["id"], e["link"], e["updated"][:10], e["title"])
               for e in feed["entries"]]
        want = [(base + t, base + t, d, title)
                for t, d, title in entries_of(self.listing())]
        self.assertEqual(got, want)
        self.assertEqual(feed["entries"][2]["summary"], "Its lead.")

    def test_title_with_markup_characters_is_escaped_and_comes_back_intact(self):
        raw = self.atom().decode("utf-8")
        self.assertIn("<title>Tom &amp; Jerry&apos;s &lt;&quot;best&quot;"
                      "&gt; day</title>", raw)
        self.assertNotIn("<b>", raw)
        feed = parse_feed(raw.encode("utf-8"))
        self.assertFalse(feed["bozo"], feed["bozo_exception"])
        tricky = [e for e in feed["entries"] if e["id"].endswith("/tricky/")]
        self.assertEqual(len(tricky), 1)
        self.assertEqual(tricky[0]["title"], "Tom & Jerry's <\"best\"> day")
        self.assertIn("&", tricky[0]["summary"])

    # -- the author's own files --------------------------------------------------

    def test_an_image_beside_an_article_is_served_with_its_type(self):
        r = self.get("/articles/alpha/photo.png")
        self.assertEqual((r.status, r.meta), (20, "image/png"), r)
        self.assertEqual(r.body, self.PNG)
        r = self.get("/articles/alpha/notes.bin")
        self.assertEqual(r.status, 20, r)
        self.assertEqual(r.body, b"\x00\x01attachment")

    def test_generated_names_stay_the_generated_pages(self):
        self.assertEqual(self.get("/articles/alpha/1.gmi").status, 20)
        self.assertTrue(self.get("/articles/alpha/").body.startswith(
            b"# Alpha\n"))
        for path in ("/articles/alpha/9.gmi", "/articles/nope.txt"):
            self.assertEqual(self.get(path).status, 51, path)


class SummaryTests(unittest.TestCase):
    """Every entry a feed reader shows has a summary, and it is prose: an
    article with no lead is summed up by its first paragraph, and a
    Markdown link gathered after its paragraph does not repeat its label."""

    ARTICLES = {
        # A front matter title and a "# " heading: no lead.
        "front.md": (b"---\ntitle: Front\ndate: 2024-03-04\n---\n\n"
                     b"# Big heading\n\nFirst *real* paragraph, "
                     b"[a link](gemini://e/x).\n\nSecond.\n"),
        # Opens with a section.
        "opens.md": (b"---\ndate: 2024-03-03\n---\n## Opening section\n\n"
                     b"Its text, [linked](https://w/).\n\n- item\n"),
        # A text whose first block is a numbered section.
        "plain.txt": (b"title: Plain\ndate: 2024-03-02\n\n1. First part\n\n"
                      b"Body of the first part.\n\n2. Second part\n\n"
                      b"More.\n"),
        # A lead with a link, a list and code.
        "lead.md": (b"---\ndate: 2024-03-01\n---\n# Lead\n\nA lead with "
                    b"[a link](gemini://e/).\n\n- one\n- two\n\n```\n"
                    b"code\n```\n\n## S\n\nSection text.\n"),
    }

    @classmethod
    def setUpClass(cls):
        files = {"articles/" + k: v for k, v in cls.ARTICLES.items()}
        cls.srv = KizunaServer(timeout=5, extra_files=files)
        cls.srv.start_or_clean()

    @classmethod
    def tearDownClass(cls):
        cls.srv.stop_and_clean()

    def test_every_entry_has_a_prose_summary(self):
        r = self.srv.get("/articles/atom.xml")
        self.assertEqual((r.status, r.meta), (20, ATOM_META), r)
        feed = parse_feed(r.body)
        self.assertFalse(feed["bozo"], feed["bozo_exception"])
        got = [(e["title"], e["summary"]) for e in feed["entries"]]
        self.assertEqual(got, [
            ("Front", "First real paragraph, a link."),
            ("Opening section", "Its text, linked."),
            ("Plain", "Body of the first part."),
            ("Lead", "A lead with a link.\none\ntwo"),
        ])


class ConvertTests(unittest.TestCase):
    """`kizuna convert`: all or nothing, the full list with a folder, and
    no list of some files over one that names others."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="kizuna-convert-feed-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.src = os.path.join(self.dir, "capsule", "articles")
        os.makedirs(self.src)
        with open(os.path.join(self.dir, "capsule", "index.gmi"), "w") as f:
            f.write("# My <capsule>\n")
        self.out = os.path.join(self.dir, "out")

    def write(self, name, data):
        path = os.path.join(self.src, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def test_folder_with_one_bad_file_writes_nothing_and_names_it(self):
        self.write("good.txt", article("Good", "2024-01-01"))
        self.write("zz-good.txt", article("Also good", "2024-01-02"))
        self.write("broken.txt", b"title: \xff\xfe bad\n")
        p = convert(["-o", self.out, self.src])
        err = p.stderr.decode("utf-8", "replace")
        self.assertNotEqual(p.returncode, 0, err)
        self.assertIn("broken.txt", err)
        self.assertIn("not valid UTF-8", err)
        self.assertNotIn("not served", err)
        self.assertFalse(os.path.exists(self.out) and files_under(self.out),
                         files_under(self.out) if os.path.exists(self.out)
                         else None)

    def test_folder_writes_the_full_list_and_the_atom_feed(self):
        self.write("one.txt", article("One", "2024-01-01"))
        self.write("two.txt", article("Two", "2024-03-01"))
        self.write("index.gmi", b"An intro.\n")
        p = convert(["-o", self.out, "--url", "gemini://example.org/",
                     self.src])
        self.assertEqual(p.returncode, 0, p.stderr)
        names = files_under(self.out)
        self.assertIn("articles/index.gmi", names)
        self.assertIn("articles/atom.xml", names)
        self.assertFalse([n for n in names if ".kizuna" in n], names)
        with open(os.path.join(self.out, "articles", "index.gmi"), "rb") as f:
            body = f.read()
        self.assertTrue(body.startswith(b"# My <capsule>\n\nAn intro.\n"))
        self.assertEqual(entries_of(body), [("two/", "2024-03-01", "Two"),
                                            ("one/", "2024-01-01", "One")])
        with open(os.path.join(self.out, "articles", "atom.xml"), "rb") as f:
            feed = parse_feed(f.read())
        self.assertFalse(feed["bozo"], feed["bozo_exception"])
        self.assertEqual(feed["title"], "My <capsule>")
        self.assertEqual([e["id"] for e in feed["entries"]],
                         ["gemini://example.org/articles/two/",
                          "gemini://example.org/articles/one/"])

    def test_an_intro_heading_titles_both_feeds(self):
        # The list's first "# " line is the gemfeed's title (Lagrange
        # shows it): the Atom feed of the same list must say the same.
        self.write("one.txt", article("One", "2024-01-01"))
        self.write("index.gmi", b"# Notes & <Sketches>\n\nAn intro.\n")
        p = convert(["-o", self.out, self.src])
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(os.path.join(self.out, "articles", "index.gmi"), "rb") as f:
            self.assertEqual(f.read().split(b"\n")[0],
                             b"# Notes & <Sketches>")
        with open(os.path.join(self.out, "articles", "atom.xml"), "rb") as f:
            feed = parse_feed(f.read())
        self.assertFalse(feed["bozo"], feed["bozo_exception"])
        self.assertEqual(feed["title"], "Notes & <Sketches>")

    def test_a_timestamp_dates_by_its_day_and_a_bad_date_is_logged(self):
        # Hugo and Jekyll write timestamps; a date that is no day is the
        # author's mistake: the file's mtime counts, and the log says so.
        self.write("hugo.md", b"---\ntitle: Hugo\n"
                   b"date: 2024-03-05T23:30:00+09:00\n---\n\nIts lead.\n")
        self.write("jekyll.md", b"---\ntitle: Jekyll\n"
                   b"date: 2023-07-01 08:00:00 +0900\n---\n\nIts lead.\n")
        bad = self.write("bad.txt", article("Bad", "2024-02-30"))
        os.utime(bad, (MTIME_OLD, MTIME_OLD))
        p = convert(["-o", self.out, self.src])
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(os.path.join(self.out, "articles", "index.gmi"), "rb") as f:
            self.assertEqual(entries_of(f.read()), [
                ("hugo/", "2024-03-05", "Hugo"),
                ("jekyll/", "2023-07-01", "Jekyll"),
                ("bad/", time.strftime("%Y-%m-%d", time.gmtime(MTIME_OLD)),
                 "Bad")])
        err = p.stderr.decode("utf-8")
        self.assertRegex(err, r"warn: \S*bad\.txt: date \"2024-02-30\": "
                         r"no such day: dated by the file's last change")
        self.assertNotIn("hugo.md: date", err)

    def test_some_files_do_not_replace_a_list_that_names_others(self):
        one = self.write("one.txt", article("One", "2024-01-01"))
        self.write("two.txt", article("Two", "2024-03-01"))
        p = convert(["-o", self.out, self.src])
        self.assertEqual(p.returncode, 0, p.stderr)
        before = {}
        for n in files_under(self.out):
            path = os.path.join(self.out, n)
            if os.path.isfile(path):
                with open(path, "rb") as f:
                    before[n] = f.read()
        p = convert(["-o", self.out, one])
        err = p.stderr.decode("utf-8", "replace")
        self.assertNotEqual(p.returncode, 0, err)
        self.assertIn("index.gmi", err)
        self.assertIn("two", err)
        self.assertIn("convert the whole folder", err)
        self.assertNotIn("not served", err)
        after = {}
        for n in files_under(self.out):
            path = os.path.join(self.out, n)
            if os.path.isfile(path):
                with open(path, "rb") as f:
                    after[n] = f.read()
        self.assertEqual(after, before, "a refused convert changed files")

    def test_converting_into_the_source_folder_is_refused(self):
        self.write("one.txt", article("One", "2024-01-01"))
        self.write("index.gmi", b"My intro, kept.\n")
        p = convert(["-o", os.path.join(self.dir, "capsule"), self.src])
        self.assertNotEqual(p.returncode, 0, p.stderr)
        with open(os.path.join(self.src, "index.gmi"), "rb") as f:
            self.assertEqual(f.read(), b"My intro, kept.\n")


if __name__ == "__main__":
    unittest.main()
