"""
Integration tests for Markdown articles (issue 12, part 4): a `.md` file in
the articles folder is an article like a `.txt` one, read with md4c, served
in the list, section by section and on one page, with its source at
/articles/SLUG.md as text/markdown. A name used by both a .txt and a .md file
serves the Markdown one and says so in the log.

Run from the repo root:
    KIZUNA_BIN=$PWD/kizuna python3 -m unittest tests/integration/test_markdown.py -v
"""

import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from kizuna_harness import KIZUNA_BIN, REPO_ROOT  # noqa: E402
from test_articles import (  # noqa: E402
    GEMINI_META_EN, GEMINI_META_JA, ArticleTestCase, links_of)

MARKDOWN_META = "text/markdown; charset=utf-8"
GOLDEN_MD = os.path.join(REPO_ROOT, "tests", "golden-markdown")
GUIDE = "markdown-guide"
MEMO = "nihongo-memo"


def golden_source(slug):
    with open(os.path.join(GOLDEN_MD, "input", slug + ".md"), "rb") as f:
        return f.read()


class MarkdownArticleTests(ArticleTestCase):
    """The two golden Markdown articles, and a name taken twice."""

    articles = {
        GUIDE + ".md": golden_source(GUIDE),
        MEMO + ".md": golden_source(MEMO),
        "twin.txt": "title: 古い方\n\n本文です。\n".encode(),
        "twin.md": "# 新しい方\n\n本文です。\n".encode(),
    }

    def test_listing_names_the_markdown_articles(self):
        body = self.assertPage(self.get("/articles/"), what="listing")
        links = dict(links_of(body))
        # A gemfeed: each label is the article's date, then its title.
        self.assertEqual(links.get(GUIDE + "/"),
                         "2024-05-01 Markdown: a guided tour")
        self.assertEqual(links.get(MEMO + "/"), "2024-06-10 引っ越しの覚え書き")
        self.assertRegex(links.get("twin/", ""),
                         r"^\d{4}-\d{2}-\d{2} 新しい方$")

    def test_index_contents_and_source_link(self):
        body = self.assertPage(self.get("/articles/%s/" % GUIDE),
                               meta=GEMINI_META_EN, what="index")
        links = links_of(body)
        self.assertIn(("2.gmi", "2. Links and images"), links)
        self.assertIn(("../%s.md" % GUIDE, "Source text"), links)
        self.assertNotIn(".txt", body.decode())

    def test_section_page(self):
        body = self.assertPage(self.get("/articles/%s/2.gmi" % GUIDE),
                               meta=GEMINI_META_EN, what="section 2")
        text = body.decode()
        self.assertTrue(text.startswith("# Links and images\n"), text)
        self.assertIn("Read the Gemini specification and the Markdown one "
                      "side by side.\n\n=> gemini://geminiprotocol.net/docs/"
                      "specification.gmi the Gemini specification\n", text)
        self.assertIn("=> images/lighthouse.jpg A lighthouse at dusk\n", text)

    def test_whole_article_is_the_golden_page(self):
        for slug, meta in ((GUIDE, GEMINI_META_EN), (MEMO, GEMINI_META_JA)):
            body = self.assertPage(self.get("/articles/%s/all.gmi" % slug),
                                   meta=meta, what=slug)
            with open(os.path.join(GOLDEN_MD, "pages", "articles", slug,
                                   "all.gmi"), "rb") as f:
                self.assertEqual(body, f.read(), slug)

    def test_source_served_as_markdown(self):
        r = self.get("/articles/%s.md" % GUIDE)
        self.assertEqual(self.assertPage(r, meta=MARKDOWN_META, what="source"),
                         golden_source(GUIDE))

    def test_twin_serves_the_markdown_file_and_logs_it(self):
        body = self.assertPage(self.get("/articles/twin/"), what="twin")
        self.assertTrue(body.decode().startswith("# 新しい方\n"))
        self.assertEqual(self.assertPage(self.get("/articles/twin.md"),
                                         meta=MARKDOWN_META, what="twin.md"),
                         "# 新しい方\n\n本文です。\n".encode())
        # The other file is not served, raw or otherwise.
        self.assertStatus(self.get("/articles/twin.txt"), 51, "twin.txt")
        self.assertIn("twin.txt and twin.md are the same article: serving "
                      "twin.md", self.srv.stderr_text())


class MarkdownConvertTests(unittest.TestCase):
    """`kizuna convert` reads .md files as the server does."""

    def test_convert_writes_the_golden_pages(self):
        with tempfile.TemporaryDirectory() as out:
            subprocess.run(
                [KIZUNA_BIN, "convert", "-o", out,
                 os.path.join(GOLDEN_MD, "input", GUIDE + ".md")],
                check=True, capture_output=True, timeout=15)
            for name in ("all.gmi", "index.gmi", "1.gmi"):
                with open(os.path.join(out, "articles", GUIDE, name),
                          "rb") as f, \
                     open(os.path.join(GOLDEN_MD, "pages", "articles", GUIDE,
                                       name), "rb") as g:
                    self.assertEqual(f.read(), g.read(), name)
            self.assertTrue(os.path.exists(
                os.path.join(out, "articles", GUIDE + ".md")))


if __name__ == "__main__":
    unittest.main()
