"""
Integration tests for the article feature (issue 3): plain-text Japanese
articles in [capsule] root/articles served as gemtext pages, section by
section, and exported byte-identically by `kizuna convert`.

Run from the repo root:
    KIZUNA_BIN=/work/main/kizuna python3 -m unittest tests/integration/test_articles.py -v

Everything goes through the real binary: real TLS on a free loopback port,
a temporary capsule holding copies of the shipped articles
(their copies in tests/golden/input/articles/*.txt), and real `kizuna convert` runs into temp dirs.
What is checked is what a reader would notice: the listing, the links that
work (or not), the order of sections, the labels, the text itself.
"""

import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from kizuna_harness import (  # noqa: E402
    KIZUNA_BIN, REPO_ROOT, KizunaServer, resolve_url)

GEMINI_META_JA = "text/gemini; charset=utf-8; lang=ja"
GEMINI_META_EN = "text/gemini; charset=utf-8; lang=en"
TEXT_META = "text/plain; charset=utf-8"
ATOM_META = "application/atom+xml"

# The shipped articles and home page as fixtures: copies kept under tests/,
# never capsule/, which is the user's to write in (issue 15).
FIXTURE_ARTICLES = os.path.join(REPO_ROOT, "tests", "golden", "input",
                                "articles")
FIXTURE_HOME = os.path.join(REPO_ROOT, "tests", "golden", "input",
                            "index.gmi")
GOLDEN_DIR = os.path.join(REPO_ROOT, "tests", "golden", "pages")

KOKORO = "kokoro-no-tsunagari"
ARAFO = "arafo-fuufu-kokoro-no-kyori"
# Sections of the two shipped articles, as an attentive reader counts them.
EXPECTED_SECTIONS = {KOKORO: 7, ARAFO: 5}

BOM = "\ufeff"
SLOT_RE = re.compile(r"^↓↓.*↓↓$")
LINK_RE = re.compile(r"^=>[ \t]*(\S+)(?:[ \t]+(.*))?$")
MAX_CRAWL = 200          # pages; the shipped capsule has about 20
CONVERT_TIMEOUT = 15     # seconds


# ---- helpers -------------------------------------------------------------

def shipped_articles():
    """{slug: source bytes} for tests/golden/input/articles/*.txt."""
    out = {}
    for path in sorted(glob.glob(os.path.join(FIXTURE_ARTICLES, "*.txt"))):
        with open(path, "rb") as f:
            out[os.path.basename(path)[:-4]] = f.read()
    return out


def title_of(source):
    """The title from the front-matter line "title: ..." (bytes in)."""
    text = source.decode("utf-8")
    if text.startswith(BOM):
        text = text[1:]
    first = text.splitlines()[0]
    assert first.startswith("title:"), "no title line: %r" % first
    return first[len("title:"):].strip()


def meta_of(path, gemini=GEMINI_META_JA):
    """The META a crawled page must carry: its source text, the Atom feed
    or a gemtext page."""
    if path.endswith(".txt"):
        return TEXT_META
    if path.endswith("/atom.xml"):
        return ATOM_META
    return gemini


def listing_entries(body):
    """[(target, date, title)] of the gemfeed entries of a listing."""
    out = []
    for target, label in links_of(body):
        m = re.match(r"^([0-9]{4}-[0-9]{2}-[0-9]{2}) (.*)$", label)
        if m:
            out.append((target, m.group(1), m.group(2)))
    return out


def front_date(source):
    """The "date: YYYY-MM-DD" front-matter line's value (bytes in)."""
    m = re.search(rb"^date: ([0-9-]{10})$", source, re.M)
    assert m, "no date line"
    return m.group(1).decode()


def gem_lines(body):
    return body.decode("utf-8").split("\n")


def links_of(body):
    """[(target, label)] for every link line of a gemtext body."""
    out = []
    for line in gem_lines(body):
        m = LINK_RE.match(line)
        if m:
            out.append((m.group(1), (m.group(2) or "").strip()))
    return out


def is_relative(target):
    p = urllib.parse.urlsplit(target)
    return not p.scheme and not p.netloc and not target.startswith("/")


def url_path(url):
    return urllib.parse.urlsplit(url).path


def export_name(path):
    """The file `kizuna convert` writes for a URL path (relative to -o)."""
    rel = path.lstrip("/")
    if rel == "" or rel.endswith("/"):
        rel += "index.gmi"
    return rel


def run_convert(outdir, files, lang=None, url=None):
    argv = [KIZUNA_BIN, "convert", "-o", outdir]
    if lang is not None:
        argv += ["--lang", lang]
    if url is not None:
        argv += ["--url", url]
    argv += list(files)
    p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=CONVERT_TIMEOUT)
    if p.returncode != 0:
        raise AssertionError("kizuna convert exited %d; stderr:\n%s"
                             % (p.returncode, p.stderr.decode("utf-8", "replace")))
    return p


def files_under(root):
    """{relative path: bytes} of every regular file under root."""
    out = {}
    for dirpath, _dirs, names in os.walk(root):
        for n in names:
            full = os.path.join(dirpath, n)
            with open(full, "rb") as f:
                out[os.path.relpath(full, root).replace(os.sep, "/")] = f.read()
    return out


def messify(source):
    """The same article as a careless editor would save it: a UTF-8 BOM, CRLF
    line ends, trailing spaces on text lines, every blank line widened to a
    run of blank lines (one of them holding spaces), no final newline.
    Nothing that changes the structure: no blank line where there was none."""
    text = source.decode("utf-8")
    lines = text.split("\n")
    while lines and lines[-1] == "":
        lines.pop()
    out = []
    for i, line in enumerate(lines):
        if line.strip() == "":
            out.extend(["", "   ", ""])
        else:
            out.append(line + " " * (1 + i % 3))
    return (BOM + "\r\n".join(out)).encode("utf-8")


def start_server(articles, lang=None, extra=None):
    """A started KizunaServer whose capsule/articles holds {name: bytes}."""
    files = {"articles/" + name: data for name, data in articles.items()}
    files.update(extra or {})
    overrides = {}
    if lang is not None:
        overrides[("capsule", "lang")] = lang
    srv = KizunaServer(timeout=5, extra_files=files, config_overrides=overrides)
    try:
        srv.start()
    except BaseException:
        srv.cleanup()
        raise
    return srv


def stop_server(srv):
    """Stops and removes srv; raises if it did not exit 0 on SIGTERM."""
    try:
        rc = srv.stop()
        stderr = srv.stderr_text()
    finally:
        srv.cleanup()
    if rc != 0:
        raise AssertionError("kizuna exited with status %r on SIGTERM (want 0);"
                             " stderr:\n%s" % (rc, stderr[-4000:]))


class Crawl:
    """Every page reachable from a start URL by following links, restricted
    to URLs under `prefix` on this server, bounded to MAX_CRAWL pages.

    pages:  {url path: Response}, in the order found
    links:  [(from path, target as written, label, resolved URL)]
    outside:{resolved URL: Response} for links to this capsule outside
            `prefix` (fetched once, not followed)
    """

    def __init__(self, srv, start="/articles/", prefix="/articles/"):
        self.srv = srv
        self.pages = {}
        self.links = []
        self.outside = {}
        base = srv.url("/")
        limit = srv.url(prefix)
        queue = [srv.url(start)]
        seen = set(queue)
        while queue:
            if len(self.pages) >= MAX_CRAWL:
                raise AssertionError("crawl did not end after %d pages"
                                     % MAX_CRAWL)
            url = queue.pop(0)
            r = srv.get(url_path(url))
            path = url_path(url)
            self.pages[path] = r
            if r.status != 20 or not (r.meta or "").startswith("text/gemini"):
                continue
            for target, label in links_of(r.body):
                dest = resolve_url(url, target)
                dest = urllib.parse.urldefrag(dest)[0]
                self.links.append((path, target, label, dest))
                if not dest.startswith(base):
                    continue
                if dest.startswith(limit):
                    if dest not in seen:
                        seen.add(dest)
                        queue.append(dest)
                elif dest not in self.outside:
                    self.outside[dest] = srv.get(url_path(dest))

    def gemtext(self):
        """{path: Response} of the text/gemini pages."""
        return {p: r for p, r in self.pages.items()
                if r.status == 20 and r.meta.startswith("text/gemini")}


# ---- the two shipped articles, served live -------------------------------

class ArticleTestCase(unittest.TestCase):
    """One server per class holding `articles` ({file name: bytes})."""

    articles = None
    lang = None
    extra = None

    @classmethod
    def setUpClass(cls):
        cls.srv = start_server(cls.articles or {}, lang=cls.lang,
                               extra=cls.extra)
        cls._crawl = None

    @classmethod
    def tearDownClass(cls):
        stop_server(cls.srv)

    def tearDown(self):
        if not self.srv.running():
            rc = self.srv.proc.returncode
            stderr = self.srv.stderr_text()
            self.srv.start()
            type(self)._crawl = None
            self.fail("kizuna died during this test (status %r); stderr:\n%s"
                      % (rc, stderr[-4000:]))

    def crawl(self):
        if type(self)._crawl is None:
            type(self)._crawl = Crawl(self.srv)
        return type(self)._crawl

    def get(self, path):
        return self.srv.get(path)

    def assertPage(self, r, meta=GEMINI_META_JA, what=""):
        self.assertFalse(r.timed_out, "no end of response in time: %r" % r)
        self.assertEqual(r.status, 20, "%s: %r" % (what, r))
        self.assertEqual(r.meta, meta, what)
        self.assertTrue(r.close_notify, "%s: ended without close_notify" % what)
        return r.body

    def assertStatus(self, r, status, what=""):
        self.assertFalse(r.timed_out, "no end of response in time: %r" % r)
        self.assertEqual(r.status, status, "%s: %r" % (what, r))
        if status != 20:
            self.assertEqual(r.body, b"", "%s: a %d carries a body" % (what, status))


class ShippedArticlesTests(ArticleTestCase):
    """The two shipped articles and home page, from tests/golden/input."""

    sources = shipped_articles()
    articles = {slug + ".txt": data for slug, data in sources.items()}
    with open(FIXTURE_HOME, "rb") as _f:
        home = _f.read()
    extra = {"index.gmi": home}

    def test_shipped_articles_are_the_two_expected(self):
        for slug in EXPECTED_SECTIONS:
            self.assertIn(slug, self.sources,
                          "tests/golden/input/articles/%s.txt is missing" % slug)

    def toc(self, slug):
        """[(n, heading)] from the article's index page."""
        body = self.assertPage(self.get("/articles/%s/" % slug), what=slug)
        out = []
        for target, label in links_of(body):
            m = re.match(r"^([0-9]+)\.gmi$", target)
            if m:
                n = int(m.group(1))
                self.assertTrue(label.startswith("%d. " % n),
                                "TOC label %r does not start with '%d. '"
                                % (label, n))
                out.append((n, label[len("%d. " % n):]))
        return out

    # -- the listing ------------------------------------------------------

    def test_listing_is_a_gemfeed_of_every_article_newest_first(self):
        body = self.assertPage(self.get("/articles/"), what="/articles/")
        lines = gem_lines(body)
        # The capsule's title (its home page's "# " line) heads the feed.
        self.assertEqual(lines[0], "# kizuna へようこそ")
        self.assertIn("## 記事の一覧", lines)
        expected = sorted([("%s/" % slug, front_date(src), title_of(src))
                           for slug, src in self.sources.items()],
                          key=lambda e: (e[1], [-ord(c) for c in e[0]]),
                          reverse=True)
        self.assertEqual(listing_entries(body), expected,
                         "listing:\n%s" % body.decode())
        self.assertEqual(links_of(body)[-2:],
                         [("atom.xml", "Atom フィード"), ("../", "ホーム")])

    def test_listing_also_served_as_index_gmi(self):
        a = self.assertPage(self.get("/articles/"))
        b = self.assertPage(self.get("/articles/index.gmi"))
        self.assertEqual(a, b)

    # -- crawling ---------------------------------------------------------

    def test_every_page_reachable_from_listing_is_served(self):
        c = self.crawl()
        for path, r in c.pages.items():
            self.assertPage(r, meta=meta_of(path), what=path)
        self.assertIn("/articles/atom.xml", c.pages)
        # Every article and each of its pages was reached.
        for slug in self.sources:
            for p in ["/articles/%s/" % slug, "/articles/%s/all.gmi" % slug,
                      "/articles/%s.txt" % slug]:
                self.assertIn(p, c.pages, "not reachable from the listing")
            for n in range(1, EXPECTED_SECTIONS.get(slug, 1) + 1):
                self.assertIn("/articles/%s/%d.gmi" % (slug, n), c.pages)

    def test_no_link_is_broken_and_all_links_are_relative(self):
        c = self.crawl()
        base = self.srv.url("/")
        self.assertGreater(len(c.links), 30)
        for src, target, label, dest in c.links:
            what = "%s: => %s %s" % (src, target, label)
            self.assertTrue(is_relative(target), "not relative: " + what)
            self.assertTrue(dest.startswith(base), "leaves the capsule: " + what)
            path = url_path(dest)
            r = c.pages.get(path) or c.outside.get(dest)
            self.assertIsNotNone(r, what)
            self.assertEqual(r.status, 20, "broken link %s -> %r" % (what, r))
        # The listing's ホーム link leads to the capsule's home page.
        home = c.outside.get(self.srv.url("/"))
        self.assertIsNotNone(home, "the listing does not link home")
        self.assertEqual(home.body, self.home)

    def test_no_link_slot_markers_leak_into_pages(self):
        for path, r in self.crawl().gemtext().items():
            text = r.body.decode("utf-8")
            self.assertNotIn("↓↓", text, path)
            self.assertNotIn("\r", text, path)
            self.assertNotIn(BOM, text, path)

    def test_article_index_lists_every_section_and_the_full_page(self):
        for slug in self.sources:
            body = self.assertPage(self.get("/articles/%s/" % slug), what=slug)
            lines = gem_lines(body)
            title = title_of(self.sources[slug])
            self.assertEqual(lines[0], "# " + title)
            self.assertIn("## 目次", lines)
            links = links_of(body)
            nums = [int(t[:-4]) for t, _ in links if re.match(r"^[0-9]+\.gmi$", t)]
            want = EXPECTED_SECTIONS.get(slug)
            if want is not None:
                self.assertEqual(nums, list(range(1, want + 1)), slug)
            else:
                self.assertEqual(nums, list(range(1, len(nums) + 1)), slug)
            self.assertEqual([l for t, l in links if t == "all.gmi"],
                             ["全文を1ページで読む"], slug)
            self.assertIn(("../%s.txt" % slug, "元のテキスト"), links)
            self.assertIn(("../", "記事の一覧"), links)
            # The same page under its file name.
            self.assertEqual(self.assertPage(
                self.get("/articles/%s/index.gmi" % slug)), body)
            # The lead: the text before the first section, after the title.
            lead = lines[1:lines.index("## 目次")]
            self.assertTrue([l for l in lead if l.strip()],
                            "%s: the index has no lead" % slug)

    # -- export -----------------------------------------------------------

    def test_convert_writes_the_same_bytes_the_server_sends(self):
        tmp = tempfile.mkdtemp(prefix="kizuna-convert-")
        try:
            # The folder, as served: its list and feed, the feed's links
            # under the server's own URL.
            run_convert(tmp, [os.path.join(self.srv.capsule, "articles")],
                        url=self.srv.url("/"))
            written = files_under(tmp)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        c = self.crawl()
        crawled = {export_name(p): r for p, r in c.pages.items()}
        self.assertEqual(sorted(written), sorted(crawled),
                         "convert wrote other files than the server serves")
        for slug in self.sources:
            self.assertIn("articles/%s.txt" % slug, written)
        for name, data in written.items():
            self.assertEqual(data, crawled[name].body,
                             "%s differs from what the server sends" % name)
        # index.gmi by name is the same page as the directory URL.
        for name in written:
            if name.endswith("index.gmi"):
                r = self.get("/" + name)
                self.assertEqual(self.assertPage(r, what=name), written[name])
        self.assertIn("articles/atom.xml", written)

    # -- sections ---------------------------------------------------------

    def test_section_navigation_previous_next_contents(self):
        for slug in self.sources:
            toc = self.toc(slug)
            count = len(toc)
            self.assertEqual(count, EXPECTED_SECTIONS.get(slug, count), slug)
            title = title_of(self.sources[slug])
            for n, heading in toc:
                what = "%s/%d.gmi" % (slug, n)
                body = self.assertPage(
                    self.get("/articles/%s/%d.gmi" % (slug, n)), what=what)
                self.assertEqual(gem_lines(body)[0], "# " + heading, what)
                links = links_of(body)
                prev = [(t, l) for t, l in links if l.startswith("前へ")]
                nxt = [(t, l) for t, l in links if l.startswith("次へ")]
                if n == 1:
                    self.assertEqual(prev, [], what + ": 前へ on section 1")
                else:
                    self.assertEqual(prev, [("%d.gmi" % (n - 1), "前へ: %d. %s"
                                             % (n - 1, toc[n - 2][1]))], what)
                if n == count:
                    self.assertEqual(nxt, [], what + ": 次へ on the last section")
                else:
                    self.assertEqual(nxt, [("%d.gmi" % (n + 1), "次へ: %d. %s"
                                            % (n + 1, toc[n][1]))], what)
                self.assertIn(("./", "目次: " + title), links, what)

    def test_following_next_from_section_1_visits_all_in_order(self):
        for slug in self.sources:
            count = len(self.toc(slug))
            url = self.srv.url("/articles/%s/1.gmi" % slug)
            visited = []
            for _ in range(count + 2):
                path = url_path(url)
                visited.append(path)
                body = self.assertPage(self.srv.get(path), what=path)
                nxt = [t for t, l in links_of(body) if l.startswith("次へ")]
                if not nxt:
                    break
                self.assertEqual(len(nxt), 1, path)
                url = resolve_url(url, nxt[0])
            self.assertEqual(visited, ["/articles/%s/%d.gmi" % (slug, n)
                                       for n in range(1, count + 1)])

    def test_full_page_has_title_sections_and_sub_headings(self):
        for slug in self.sources:
            toc = self.toc(slug)
            body = self.assertPage(self.get("/articles/%s/all.gmi" % slug))
            lines = gem_lines(body)
            self.assertEqual(lines[0], "# " + title_of(self.sources[slug]))
            h2 = [l[3:] for l in lines if l.startswith("## ")]
            self.assertEqual(h2, [h for _, h in toc], slug)
            self.assertEqual([l for l in lines if l.startswith("# ")],
                             [lines[0]], "one title only")
            # Each section page's sub-headings (##) are the full page's ###.
            h3 = [l[4:] for l in lines if l.startswith("### ")]
            sub = []
            for n, _ in toc:
                sec = self.assertPage(
                    self.get("/articles/%s/%d.gmi" % (slug, n)))
                sub += [l[3:] for l in gem_lines(sec) if l.startswith("## ")]
            self.assertEqual(h3, sub, slug)

    def test_no_text_is_lost(self):
        for slug, source in self.sources.items():
            body = self.assertPage(self.get("/articles/%s/all.gmi" % slug))
            served = gem_lines(body)
            lines = source.decode("utf-8").lstrip(BOM).split("\n")[1:]
            for line in lines:
                line = line.rstrip("\r").rstrip(" \t")
                if not line.strip() or SLOT_RE.match(line.strip()):
                    continue
                if re.match(r"^date: [0-9-]{10}$", line):
                    continue  # front matter: the list shows it
                if line.startswith("- "):
                    line = line[2:]
                self.assertTrue(any(line in s for s in served),
                                "%s: source line lost or changed in all.gmi: %r"
                                % (slug, line))

    # -- the source -------------------------------------------------------

    def test_source_text_is_served_as_on_disk(self):
        for slug, source in self.sources.items():
            r = self.get("/articles/%s.txt" % slug)
            self.assertEqual(self.assertPage(r, meta=TEXT_META, what=slug),
                             source)

    # -- refusals and redirects -------------------------------------------

    def test_article_without_slash_redirects_to_its_index(self):
        for slug in self.sources:
            path = "/articles/%s" % slug
            r = self.get(path)
            self.assertStatus(r, 31, path)
            self.assertEqual(resolve_url(self.srv.url(path), r.meta),
                             self.srv.url(path + "/"))
            self.assertPage(self.srv.get(url_path(
                resolve_url(self.srv.url(path), r.meta))))

    def test_missing_article_and_section_are_not_found(self):
        self.assertStatus(self.get("/articles/nosuch/"), 51)
        self.assertStatus(self.get("/articles/nosuch/1.gmi"), 51)
        self.assertStatus(self.get("/articles/nosuch.txt"), 51)
        for slug in self.sources:
            count = EXPECTED_SECTIONS.get(slug, 0)
            for n in (0, count + 1, 99):
                p = "/articles/%s/%d.gmi" % (slug, n)
                self.assertStatus(self.get(p), 51, p)

    # -- related articles --------------------------------------------------

    def test_related_slot_links_the_other_article(self):
        if KOKORO not in self.sources or ARAFO not in self.sources:
            self.skipTest("shipped articles missing")
        source = self.sources[KOKORO].decode("utf-8").split("\n")
        toc = self.toc(KOKORO)
        # Where the section headings are in the source, in order.
        starts, pos = [], 0
        for _, heading in toc:
            while source[pos].strip() != heading:
                pos += 1
            starts.append(pos)
        slots = [i for i, l in enumerate(source) if l.strip() == "↓↓【関連記事】↓↓"]
        self.assertEqual(len(slots), 2)
        want = {}
        for i in slots:
            n = max(k for k, s in enumerate(starts, 1) if s < i)
            want[n] = want.get(n, 0) + 1
        link = ("../%s/" % ARAFO, "関連記事: " + title_of(self.sources[ARAFO]))
        for n, _ in toc:
            body = self.assertPage(self.get("/articles/%s/%d.gmi" % (KOKORO, n)))
            got = [l for l in links_of(body) if l[1].startswith("関連記事")]
            self.assertEqual(got, [link] * want.get(n, 0),
                             "section %d of %s" % (n, KOKORO))
        body = self.assertPage(self.get("/articles/%s/all.gmi" % KOKORO))
        self.assertEqual(links_of(body).count(link), 2)

    # -- the home page -----------------------------------------------------

    def test_home_page_links_to_the_article_listing(self):
        with open(FIXTURE_HOME, "rb") as f:
            home = f.read()
        targets = []
        for target, _ in links_of(home):
            if not is_relative(target):
                continue
            for base in ("gemini://localhost/", "gemini://localhost/index.gmi"):
                if url_path(resolve_url(base, target)) != "/articles/":
                    break
            else:
                targets.append(target)
        self.assertTrue(targets, "tests/golden/input/index.gmi has no relative link to"
                        " the article listing")
        # Followed on the server, the link lands on the listing.
        body = self.assertPage(self.get("/"))
        self.assertEqual(body, home)
        dest = resolve_url(self.srv.url("/"), targets[0])
        listing = self.assertPage(self.srv.get(url_path(dest)))
        self.assertTrue(listing.startswith("# kizuna へようこそ\n".encode()))


# ---- the golden files ----------------------------------------------------

class GoldenTests(unittest.TestCase):

    def test_convert_output_equals_golden_files(self):
        sources = sorted(glob.glob(os.path.join(FIXTURE_ARTICLES, "*.txt")))
        self.assertTrue(sources)
        tmp = tempfile.mkdtemp(prefix="kizuna-golden-")
        try:
            run_convert(tmp, [FIXTURE_ARTICLES])
            written = files_under(tmp)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        golden = files_under(GOLDEN_DIR)
        self.assertEqual(sorted(written), sorted(golden),
                         "convert wrote other files than tests/golden/pages/ holds")
        for name in golden:
            self.assertEqual(written[name], golden[name],
                             "%s differs from tests/golden/pages/%s" % (name, name))


# ---- tolerant reading ----------------------------------------------------

class TolerantReadingTests(ArticleTestCase):
    """Each shipped article twice: as given (clean) and as a careless editor
    saves it (messy). Both twins carry the same title line."""

    sources = shipped_articles()
    twins = {KOKORO: "kokoro", ARAFO: "arafo"}
    articles = {}
    for _slug, _short in twins.items():
        if _slug in sources:
            articles[_short + "-clean.txt"] = sources[_slug]
            articles[_short + "-messy.txt"] = messify(sources[_slug])

    @staticmethod
    def normalise(body):
        """The twins differ only in their slugs, and so in the order of the
        other articles a 【関連記事】 slot links to (each twin's own list
        leaves itself out): slugs are masked and each run of related links
        sorted."""
        text = re.sub(r"\b(kokoro|arafo)-(clean|messy)\b", r"\1-SLUG",
                      body.decode("utf-8"))
        out, run = [], []
        for line in text.split("\n"):
            if LINK_RE.match(line) and " 関連記事: " in line:
                run.append(line)
                continue
            out.extend(sorted(run))
            run = []
            out.append(line)
        out.extend(sorted(run))
        return "\n".join(out)

    def test_messy_file_is_really_messy(self):
        data = self.articles["arafo-messy.txt"]
        self.assertTrue(data.startswith(BOM.encode("utf-8")))
        self.assertIn(b" \r\n", data)
        self.assertIn(b"\r\n   \r\n\r\n", data)
        self.assertFalse(data.endswith(b"\n"))

    def test_messy_twin_renders_the_same_pages(self):
        for short in self.twins.values():
            clean = "/articles/%s-clean/" % short
            messy = "/articles/%s-messy/" % short
            a = self.assertPage(self.get(clean), what=clean)
            b = self.assertPage(self.get(messy), what=messy)
            self.assertEqual(self.normalise(b), self.normalise(a), short)
            pages = ["all.gmi"] + [t for t, _ in links_of(a)
                                   if re.match(r"^[0-9]+\.gmi$", t)]
            self.assertGreater(len(pages), 3)
            for page in pages:
                a = self.assertPage(self.get(clean + page), what=clean + page)
                b = self.assertPage(self.get(messy + page), what=messy + page)
                self.assertEqual(self.normalise(b), self.normalise(a),
                                 "%s-messy/%s differs from its clean twin"
                                 % (short, page))

    def test_listing_shows_twins_alike(self):
        body = self.assertPage(self.get("/articles/"))
        labels = dict(links_of(body))
        for short in self.twins.values():
            self.assertEqual(labels["%s-messy/" % short],
                             labels["%s-clean/" % short])

    def test_no_carriage_return_or_bom_in_any_page(self):
        pages = self.crawl().gemtext()
        self.assertGreater(len(pages), 20)
        for path, r in pages.items():
            self.assertNotIn(b"\r", r.body, path)
            self.assertNotIn(BOM.encode("utf-8"), r.body, path)
            self.assertNotIn(b" \n", r.body, path + ": trailing space")

    def test_messy_source_is_served_as_on_disk(self):
        r = self.get("/articles/arafo-messy.txt")
        self.assertEqual(self.assertPage(r, meta=TEXT_META),
                         self.articles["arafo-messy.txt"])


# ---- refused files -------------------------------------------------------

class InvalidUtf8Tests(ArticleTestCase):
    """Files that are not UTF-8 next to good ones."""

    sources = shipped_articles()
    articles = {slug + ".txt": data for slug, data in sources.items()}
    # UTF-16 with its BOM, and Shift_JIS: both common, neither UTF-8.
    articles["bad.txt"] = (b"\xff\xfe"
                           + "title: 壊れた記事\n本文です。\n".encode("utf-16-le"))
    articles["sjis.txt"] = "title: 古い記事\n\n見出し\n\n本文です。\n".encode(
        "shift_jis")

    def test_stderr_names_each_refused_file(self):
        text = self.srv.wait_for_stderr(r"sjis\.txt", limit=3.0)
        self.assertIn("bad.txt", text)
        self.assertIn("sjis.txt", text)
        self.assertTrue(self.srv.running())

    def test_refused_files_are_not_served(self):
        for slug in ("bad", "sjis"):
            for p in ("/articles/%s/" % slug, "/articles/%s.txt" % slug,
                      "/articles/%s/index.gmi" % slug,
                      "/articles/%s/1.gmi" % slug,
                      "/articles/%s/all.gmi" % slug):
                self.assertStatus(self.get(p), 51, p)

    def test_listing_leaves_them_out(self):
        body = self.assertPage(self.get("/articles/"))
        targets = [t for t, _ in links_of(body)]
        newest_first = sorted(self.sources, key=lambda s: front_date(
            self.sources[s]), reverse=True)
        self.assertEqual(targets, ["%s/" % s for s in newest_first]
                         + ["atom.xml", "../"])
        self.assertNotIn(b"bad", body)
        self.assertNotIn(b"sjis", body)
        self.assertNotIn("\ufffd".encode("utf-8"), body)

    def test_good_articles_still_work(self):
        c = self.crawl()
        for path, r in c.pages.items():
            self.assertPage(r, meta=meta_of(path), what=path)
        for slug in self.sources:
            self.assertIn("/articles/%s/all.gmi" % slug, c.pages)
        for _src, _t, _l, dest in c.links:
            self.assertNotIn("/articles/bad", dest)
            self.assertNotIn("/articles/sjis", dest)


# ---- a new article after a restart ---------------------------------------

class RestartTests(unittest.TestCase):

    def test_new_file_appears_after_restart(self):
        sources = shipped_articles()
        self.assertIn(ARAFO, sources)
        srv = start_server({ARAFO + ".txt": sources[ARAFO]})
        try:
            body = srv.get("/articles/").body
            self.assertEqual([t for t, _ in links_of(body)],
                             [ARAFO + "/", "atom.xml", "../"])
            self.assertEqual(srv.get("/articles/%s/" % KOKORO).status, 51)
            self.assertEqual(srv.stop(), 0)
            with open(os.path.join(srv.capsule, "articles",
                                   "zz-new-article.txt"), "wb") as f:
                f.write("title: 新しい記事\n新しい記事の書き出しです。\n\n"
                        "最初の節\n\n最初の節の本文です。\n".encode("utf-8"))
            srv.start()
            r = srv.get("/articles/")
            self.assertEqual(r.status, 20, r)
            # Undated, it takes its file's day: today's, the newest.
            today = time.strftime("%Y-%m-%d", time.gmtime(os.stat(
                os.path.join(srv.capsule, "articles",
                             "zz-new-article.txt")).st_mtime))
            self.assertEqual(listing_entries(r.body),
                             [("zz-new-article/", today, "新しい記事"),
                              (ARAFO + "/", front_date(sources[ARAFO]),
                               title_of(sources[ARAFO]))])
            r = srv.get("/articles/zz-new-article/1.gmi")
            self.assertEqual(r.status, 20, r)
            self.assertEqual(gem_lines(r.body)[0], "# 最初の節")
            self.assertIn("最初の節の本文です。".encode("utf-8"), r.body)
        finally:
            stop_server(srv)


# ---- labels in English -----------------------------------------------------

class EnglishLabelTests(ArticleTestCase):

    sources = shipped_articles()
    articles = {slug + ".txt": data for slug, data in sources.items()}
    lang = "en"
    JA_LABELS = ("記事の一覧", "目次", "前へ", "次へ", "全文", "元のテキスト",
                 "関連記事", "ホーム")

    def labels(self, body):
        return [l for _, l in links_of(body)]

    def test_japanese_articles_keep_their_language_in_an_english_capsule(self):
        # The article's own language (detected: kana and kanji) chooses
        # its pages' lang= and labels; the capsule's lang= is the default
        # for what kizuna cannot tell, such as the list of articles.
        c = Crawl(self.srv)
        self.assertGreater(len(c.gemtext()), 10)
        for path, r in c.pages.items():
            if path.endswith(".txt") or path.endswith("/atom.xml"):
                meta = meta_of(path)
            elif path.rstrip("/").endswith("/articles"):
                meta = GEMINI_META_EN
            else:
                meta = GEMINI_META_JA
            self.assertPage(r, meta=meta, what=path)
        listing = gem_lines(self.get("/articles/").body)
        self.assertNotIn("# 記事の一覧", listing)

    def test_section_links_read_in_the_articles_language(self):
        slug = KOKORO if KOKORO in self.sources else sorted(self.sources)[0]
        body = self.assertPage(self.get("/articles/%s/2.gmi" % slug),
                               meta=GEMINI_META_JA)
        links = links_of(body)
        self.assertTrue([l for t, l in links
                         if t == "1.gmi" and l.startswith("前へ")], links)
        self.assertTrue([l for t, l in links
                         if t == "3.gmi" and l.startswith("次へ")], links)
        self.assertTrue([l for t, l in links
                         if t == "./" and l.startswith("目次")], links)


# ---- the related-articles slot with nothing to link -------------------------

class LoneArticleTests(ArticleTestCase):
    """kokoro-no-tsunagari alone: its 【関連記事】 slots have no target."""

    sources = {k: v for k, v in shipped_articles().items() if k == KOKORO}
    articles = {slug + ".txt": data for slug, data in sources.items()}

    def test_empty_related_slot_is_left_out(self):
        self.assertIn(KOKORO, self.sources)
        pages = self.crawl().gemtext()
        self.assertIn("/articles/%s/all.gmi" % KOKORO, pages)
        self.assertGreaterEqual(len(pages), 9)
        for path, r in pages.items():
            self.assertPage(r, what=path)
            text = r.body.decode("utf-8")
            self.assertNotIn("↓↓", text, path)
            self.assertNotIn("関連記事", text, path)
            for target, _ in links_of(r.body):
                self.assertNotIn(ARAFO, target, path)


class UnusualFileNameTests(ArticleTestCase):
    """Every .txt file is an article, whatever its name: links to it are
    percent-encoded so that a space or a colon cannot break them."""

    articles = {
        "My Article:1.txt": "title: 名前の変わった記事\n\n見出しです\n\n本文です。\n"
                            .encode("utf-8"),
        "plain.txt": "title: 普通の記事\n\n見出し\n\n本文。\n".encode("utf-8"),
    }

    def test_listing_links_it_encoded_and_the_link_works(self):
        listing = self.assertPage(self.get("/articles/"), what="listing")
        self.assertIn(b"=> My%20Article%3A1/ ", listing)
        index = self.assertPage(self.get("/articles/My%20Article%3A1/"),
                                what="article index")
        self.assertIn("# 名前の変わった記事".encode(), index)
        self.assertIn(b"=> ../My%20Article%3A1.txt ", index)
        section = self.assertPage(self.get("/articles/My%20Article%3A1/1.gmi"),
                                  what="section 1")
        self.assertIn("# 見出しです".encode(), section)


# ---- each article in its own language ---------------------------------------

class ArticleLanguageTests(ArticleTestCase):
    """An English article in a Japanese capsule: its pages are served with
    lang=en and English labels; the Japanese article beside it, the list
    and the capsule's own pages keep lang=ja and Japanese labels."""

    EN = "walking-notes"
    JA = "sanpo"
    articles = {
        EN + ".txt": ("title: Notes from a walk\n"
                      "lang: en\n"
                      "A short walk along the river.\n"
                      "\n"
                      "Morning\n"
                      "\n"
                      "The water was still and the air cold.\n"
                      "\n"
                      "Evening\n"
                      "\n"
                      "The lights came on one by one.\n").encode("utf-8"),
        JA + ".txt": ("title: 散歩の記録\n"
                      "lang: ja\n"
                      "川沿いを歩きました。\n"
                      "\n"
                      "朝\n"
                      "\n"
                      "水は静かでした。\n"
                      "\n"
                      "夜\n"
                      "\n"
                      "明かりがつきました。\n").encode("utf-8"),
    }
    lang = "ja"

    def setUp(self):
        # The reader of this build may not read the lang: front matter yet
        # (issue 11): then the line is text on the page and nothing here
        # can hold.
        body = self.get("/articles/%s/all.gmi" % self.EN).body
        if b"lang: en" in body:
            self.skipTest("this build's article reader keeps lang: front "
                          "matter as text")

    def pages_of(self, slug):
        c = self.crawl()
        prefix = "/articles/%s/" % slug
        pages = {p: r for p, r in c.gemtext().items() if p.startswith(prefix)}
        self.assertIn(prefix + "all.gmi", pages)
        self.assertIn(prefix + "1.gmi", pages)
        return pages

    def test_english_article_is_served_with_lang_en(self):
        for path, r in self.pages_of(self.EN).items():
            self.assertPage(r, meta=GEMINI_META_EN, what=path)

    def test_japanese_article_is_served_with_lang_ja(self):
        for path, r in self.pages_of(self.JA).items():
            self.assertPage(r, meta=GEMINI_META_JA, what=path)

    def test_list_and_source_keep_the_capsule_settings(self):
        self.assertPage(self.get("/articles/"), meta=GEMINI_META_JA,
                        what="list")
        self.assertPage(self.get("/articles/%s.txt" % self.EN),
                        meta=TEXT_META, what="source")

    def test_english_article_has_english_labels(self):
        index = self.assertPage(self.get("/articles/%s/" % self.EN),
                                meta=GEMINI_META_EN)
        lines = gem_lines(index)
        self.assertEqual(lines[0], "# Notes from a walk")
        self.assertIn("## Contents", lines)
        labels = [l for _, l in links_of(index)]
        for want in ("The whole article on one page", "Source text",
                     "All articles"):
            self.assertIn(want, labels)
        first = self.assertPage(self.get("/articles/%s/1.gmi" % self.EN),
                                meta=GEMINI_META_EN)
        labels = [l for _, l in links_of(first)]
        self.assertIn("Next: 2. Evening", labels)
        self.assertIn("Contents: Notes from a walk", labels)
        for path, r in self.pages_of(self.EN).items():
            for label in [l for _, l in links_of(r.body)]:
                for ja in EnglishLabelTests.JA_LABELS:
                    self.assertFalse(label.startswith(ja),
                                     "%s: Japanese label %r" % (path, label))

    def test_japanese_article_has_japanese_labels(self):
        index = self.assertPage(self.get("/articles/%s/" % self.JA))
        self.assertIn("## 目次", gem_lines(index))
        labels = [l for _, l in links_of(index)]
        self.assertIn("全文を1ページで読む", labels)
        second = self.assertPage(self.get("/articles/%s/2.gmi" % self.JA))
        self.assertIn("前へ: 1. 朝", [l for _, l in links_of(second)])


if __name__ == "__main__":
    unittest.main()
