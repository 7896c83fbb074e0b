"""Per-path rules: [location "PREFIX"] and [location "HOST/PREFIX"]
sections (listing, redirect, lang, types, client certificates, block),
and types without configuration (issue 14).

Every test runs a real kizuna over real TLS on loopback; client
certificates are made with the openssl command, as Lagrange users make
identities.
"""
import os
import re
import shutil
import signal
import subprocess
import tempfile
import unittest
import urllib.parse

from kizuna_harness import (KIZUNA_BIN, KizunaServer, client_context,
                            resolve_url)
from test_hosts import Hosts, make_cert, file_fingerprint

PORT_RE = re.compile(r":\d+")


def colon_fp(hexfp):
    return ":".join(re.findall("..", hexfp)).upper()


def identity(directory, name, days=365, start=None, end=None, rsa=False):
    """A client certificate and key, as a Gemini client makes an identity:
    openssl req -x509, self-signed. Returns (cert, key, fingerprint)."""
    cert = os.path.join(directory, name + ".crt")
    key = os.path.join(directory, name + ".key")
    if rsa:
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048",
                        "-nodes", "-days", str(days), "-subj", "/CN=" + name,
                        "-keyout", key, "-out", cert], check=True,
                       capture_output=True)
    else:
        make_cert(cert, key, name, days=days, start=start, end=end)
    return cert, key, file_fingerprint(cert)


class LocationServer:
    """A single-host server (localhost) with extra files and locations."""

    def __init__(self, test, files, locations, extra_config=""):
        overrides = {}
        for prefix, keys in locations.items():
            for key, value in keys.items():
                overrides[('location "%s"' % prefix, key)] = value
        self.srv = KizunaServer(extra_files=files, config_overrides=overrides)
        test.addCleanup(self.srv.cleanup)
        if extra_config:
            with open(self.srv.config_path, "a") as f:
                f.write(extra_config)
        self.srv.start()

    def get(self, path, **kw):
        return self.srv.get(path, **kw)


class ListingTests(unittest.TestCase):

    def setUp(self):
        files = {
            "pub/zeta.txt": b"z" * 2048,
            "pub/alpha.gmi": b"# The Alpha page\n\nbody\n",
            "pub/plain.gmi": b"no heading here\n## not a title\n",
            "pub/my file.txt": b"spaces\n",
            "pub/\u65e5\u672c.txt": b"nihon\n",
            "pub/.secret": b"hidden\n",
            "pub/.hiddendir/x.txt": b"hidden\n",
            "pub/sub/inner.txt": b"inner\n",
            "pub/another/x.txt": b"x\n",
            "pub/withindex/index.gmi": b"# Own index\n",
            "closed/a.txt": b"a\n",
        }
        self.s = LocationServer(self, files, {"/pub/": {"listing": "on"}})

    def links(self, body):
        return [l[2:].strip() for l in body.decode().splitlines()
                if l.startswith("=>")]

    def test_a_folder_without_index_is_listed(self):
        r = self.s.get("/pub/")
        self.assertEqual(r.status, 20, r)
        self.assertTrue(r.meta.startswith("text/gemini"), r.meta)
        links = self.links(r.body)
        targets = [l.split()[0] for l in links]
        # Folders first, then files, each sorted by name.
        folders = [t for t in targets if t.endswith("/") and t != "../"]
        self.assertEqual(folders, ["another/", "sub/", "withindex/"])
        files = [t for t in targets if not t.endswith("/")]
        names = [urllib.parse.unquote(t).encode() for t in files]
        self.assertEqual(names, sorted(names))   # byte order of the names
        self.assertLess(targets.index("withindex/"),
                        targets.index(files[0]))
        # Names percent-encoded in links; labels as they are.
        self.assertIn("my%20file.txt", targets)
        self.assertIn(urllib.parse.quote("\u65e5\u672c.txt"), targets)
        self.assertIn("\u65e5\u672c.txt", r.body.decode())
        # .gmi files labelled with their first "# " heading.
        alpha = [l for l in links if l.startswith("alpha.gmi ")][0]
        self.assertIn("The Alpha page", alpha)
        plain = [l for l in links if l.startswith("plain.gmi ")][0]
        self.assertNotIn("not a title", plain)
        # Sizes.
        zeta = [l for l in links if l.startswith("zeta.txt ")][0]
        self.assertRegex(zeta, r"2(\.0)? ?KiB|2048")
        # No dotfiles.
        self.assertNotIn(".secret", r.body.decode())
        self.assertNotIn(".hiddendir", r.body.decode())
        # Every link resolves to something served.
        for t in targets:
            url = resolve_url(self.s.srv.url("/pub/"), t)
            path = urllib.parse.urlsplit(url).path
            self.assertIn(self.s.get(path).status, (20, 31), url)

    def test_below_the_prefix_too(self):
        r = self.s.get("/pub/sub/")
        self.assertEqual(r.status, 20, r)
        self.assertIn("inner.txt", r.body.decode())

    def test_an_index_still_wins(self):
        r = self.s.get("/pub/withindex/")
        self.assertEqual(r.status, 20)
        self.assertIn(b"# Own index", r.body)

    def test_off_by_default(self):
        self.assertEqual(self.s.get("/closed/").status, 51)
        self.assertEqual(self.s.get("/docs/").status, 20)   # its index.gmi


class RedirectTests(unittest.TestCase):

    def setUp(self):
        self.s = LocationServer(self, {"new/a/b.gmi": b"# moved\n",
                                       "new/index.gmi": b"# new\n"}, {
            "/old": {"redirect": "31 /new/"},
            "/moved/": {"redirect": "31 /new/*"},
            "/temp/": {"redirect": "30 gemini://other.example/place/"},
        })

    def target(self, r):
        return resolve_url(self.s.srv.url("/"), r.meta)

    def test_a_redirect_for_the_prefix(self):
        r = self.s.get("/old")
        self.assertEqual(r.status, 31, r)
        self.assertEqual(urllib.parse.urlsplit(self.target(r)).path, "/new/")
        self.assertEqual(r.body, b"")

    def test_with_a_star_the_rest_of_the_path_follows(self):
        r = self.s.get("/moved/a/b.gmi")
        self.assertEqual(r.status, 31, r)
        url = self.target(r)
        self.assertEqual(urllib.parse.urlsplit(url).path, "/new/a/b.gmi")
        # And it leads somewhere served, in one step.
        self.assertEqual(self.s.get("/new/a/b.gmi").status, 20)

    def test_a_temporary_redirect_elsewhere(self):
        r = self.s.get("/temp/")
        self.assertEqual(r.status, 30, r)
        self.assertEqual(r.meta, "gemini://other.example/place/")

    def test_without_a_star_below_the_prefix_is_not_redirected(self):
        r = self.s.get("/old/thing")
        self.assertNotIn(r.status, (30, 31), r)


class LangAndTypesTests(unittest.TestCase):

    def setUp(self):
        self.s = LocationServer(self, {
            "en/page.gmi": b"# English\n",
            "en/fr/page.gmi": b"# Francais\n",
            "multi/page.gmi": b"# Many\n",
            "docs/notes.org": b"* A heading\nSome text.\n",
            "docs/readme.md": b"# Title\n\nSome *text*.\n",
            "files/readme.md": b"# Title\n\nSome *text*.\n",
            "files/page.html": b"<!doctype html><html><body>hi</body></html>\n",
            "files/style.css": b"body { color: black; }\n",
            "files/data.json": b"{\"a\": 1}\n",
            "files/table.csv": b"a,b\n1,2\n",
            "files/feed.xml": b"<?xml version=\"1.0\"?><rss></rss>\n",
            "files/image.svg": b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n",
            "files/plain.txt": "テキスト\n".encode(),
            "ja.gmi": b"# Japanese\n",
        }, {
            "/en/": {"lang": "en"},
            "/en/fr/": {"lang": "fr"},
            "/multi/": {"lang": "en,fr"},
            "/docs/": {"types": ".org text/org, .md text/x-markdown"},
        })

    def test_lang_under_the_prefix_and_the_longest_prefix_wins(self):
        self.assertIn("lang=en", self.s.get("/en/page.gmi").meta)
        self.assertIn("lang=fr", self.s.get("/en/fr/page.gmi").meta)
        self.assertIn("lang=ja", self.s.get("/ja.gmi").meta)
        self.assertIn('lang="en,fr"', self.s.get("/multi/page.gmi").meta)

    def test_types_override_before_libmagic(self):
        r = self.s.get("/docs/notes.org")
        self.assertEqual(r.status, 20)
        self.assertTrue(r.meta.startswith("text/org"), r.meta)
        self.assertTrue(self.s.get("/docs/readme.md").meta
                        .startswith("text/x-markdown"))

    def test_types_without_configuration(self):
        want = {
            "readme.md": "text/markdown", "page.html": "text/html",
            "style.css": "text/css", "data.json": "application/json",
            "table.csv": "text/csv", "image.svg": "image/svg+xml",
            "plain.txt": "text/plain",
        }
        for name, mime in want.items():
            r = self.s.get("/files/" + name)
            self.assertEqual(r.status, 20, (name, r))
            self.assertEqual(r.meta.split(";")[0], mime, name)
        self.assertIn("charset=utf-8", self.s.get("/files/plain.txt").meta)
        self.assertIn("charset=utf-8", self.s.get("/files/readme.md").meta)
        self.assertIn("xml", self.s.get("/files/feed.xml").meta)


class ArticleLangTests(unittest.TestCase):

    def test_a_location_lang_reaches_the_article_pages(self):
        s = LocationServer(self, {
            "articles/first.txt": b"First post\n\nSome English text.\n",
            "articles/second.txt":
                b"lang: fr\n\nDeuxieme\n\nDu texte.\n",
        }, {"/articles/": {"lang": "en"}})
        self.assertIn("lang=en", s.get("/articles/first/").meta)
        # An article that says its language keeps it.
        self.assertIn("lang=fr", s.get("/articles/second/").meta)
        self.assertIn("lang=ja", s.get("/").meta)


class PrivacyTests(unittest.TestCase):

    def test_log_ip_off_hides_the_fingerprint_too(self):
        d = tempfile.mkdtemp(prefix="kizuna-ids-")
        self.addCleanup(shutil.rmtree, d, True)
        cert, key, fp = identity(d, "carol")
        s = LocationServer(self, {"members/index.gmi": b"# m\n"}, {
            "/members/": {"require_certificate": "on"}})
        s.srv.stop()
        s.srv.config_overrides[("log", "log_ip")] = "off"
        s.srv.write_config()
        s.srv.start()
        ctx = client_context()
        ctx.load_cert_chain(cert, key)
        self.assertEqual(s.get("/members/", context=ctx).status, 20)
        log = s.srv.wait_for_log(b"/members/", 5)
        self.assertIn(b"/members/", log)
        self.assertNotIn(colon_fp(fp).encode(), log)


class BlockTests(unittest.TestCase):

    def test_block(self):
        s = LocationServer(self, {"gone/a.gmi": b"# a\n",
                                  "later/a.gmi": b"# a\n"}, {
            "/gone/": {"block": "52"},
            "/later/": {"block": "51"},
        })
        self.assertEqual(s.get("/gone/a.gmi").status, 52)
        self.assertEqual(s.get("/gone/").status, 52)
        self.assertEqual(s.get("/later/a.gmi").status, 51)
        self.assertEqual(s.get("/").status, 20)


class HostSpecificTests(unittest.TestCase):

    def test_a_location_for_one_host(self):
        h = Hosts(self)
        h.make_certs()
        for root in ("a", "b"):
            h.put(root + "/docs/x.txt", b"x\n")
        h.extra = ('\n[location "b.example/docs/"]\nlisting = on\n'
                   '\n[location "/docs/"]\nlang = en\n')
        h.start()
        self.assertEqual(h.get("a.example", "a.example", "/docs/").status, 51)
        r = h.get("b.example", "b.example", "/docs/")
        self.assertEqual(r.status, 20, r)
        self.assertIn(b"x.txt", r.body)


class ClientCertificateTests(unittest.TestCase):

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="kizuna-ids-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.alice = identity(self.dir, "alice")
        self.bob = identity(self.dir, "bob")
        self.old = identity(self.dir, "old", start="20200101000000Z",
                            end="20210101000000Z")
        self.rsa = identity(self.dir, "lagrange", rsa=True)
        self.s = LocationServer(self, {
            "private/index.gmi": b"# Private\n",
            "members/index.gmi": b"# Members\n",
        }, {
            "/private/": {"require_certificate": "on",
                          "allow": "%s, sha256:%s" % (
                              colon_fp(self.alice[2]),
                              self.rsa[2].lower())},
            "/members/": {"require_certificate": "on"},
        })

    def get(self, path, ident=None):
        ctx = client_context()
        if ident is not None:
            ctx.load_cert_chain(ident[0], ident[1])
        return self.s.get(path, context=ctx)

    def test_no_certificate_is_60_with_what_to_do(self):
        r = self.get("/private/")
        self.assertEqual(r.status, 60, r)
        self.assertIn("certificate", r.meta.lower())
        self.assertEqual(r.body, b"")

    def test_a_certificate_not_on_the_list_is_61(self):
        self.assertEqual(self.get("/private/", self.bob).status, 61)

    def test_an_expired_certificate_is_62(self):
        self.assertEqual(self.get("/members/", self.old).status, 62)

    def test_an_allowed_certificate_is_20(self):
        r = self.get("/private/", self.alice)
        self.assertEqual(r.status, 20, r)
        self.assertIn(b"# Private", r.body)

    def test_an_identity_made_as_lagrange_makes_it(self):
        r = self.get("/private/", self.rsa)
        self.assertEqual(r.status, 20, r)

    def test_without_allow_any_valid_certificate_passes_and_is_logged(self):
        r = self.get("/members/", self.bob)
        self.assertEqual(r.status, 20, r)
        self.assertEqual(self.get("/members/").status, 60)
        log = self.s.srv.wait_for_log(colon_fp(self.bob[2]).encode(), 5)
        self.assertIn(colon_fp(self.bob[2]).encode(), log)

    def test_the_fingerprint_is_logged_whatever_the_answer(self):
        ctx = client_context()
        ctx.load_cert_chain(self.bob[0], self.bob[1])
        r = self.s.srv.request(b"gemini://other.example/\r\n", context=ctx)
        self.assertEqual(r.status, 53)
        log = self.s.srv.wait_for_log(b"other.example", 5).decode()
        line = [l for l in log.splitlines() if "other.example" in l][0]
        self.assertIn(colon_fp(self.bob[2]), line)

    def test_pages_outside_need_none(self):
        self.assertEqual(self.get("/").status, 20)
        self.assertEqual(self.get("/", self.bob).status, 20)


def certificate_requested(port, servername):
    """Whether the server's handshake holds a CertificateRequest."""
    p = subprocess.run(
        ["openssl", "s_client", "-connect", "127.0.0.1:%d" % port,
         "-servername", servername, "-msg"],
        input=b"", capture_output=True, timeout=20)
    return b"CertificateRequest" in p.stdout + p.stderr


class CertificateRequestTests(unittest.TestCase):

    def test_only_hosts_with_such_locations_ask(self):
        h = Hosts(self)
        h.make_certs()
        h.put("a/private/index.gmi", b"# p\n")
        h.extra = ('\n[location "a.example/private/"]\n'
                   'require_certificate = on\n')
        srv = h.start()
        self.assertTrue(certificate_requested(srv.port, "a.example"))
        self.assertFalse(certificate_requested(srv.port, "b.example"))

    def test_a_server_without_such_locations_never_asks(self):
        srv = KizunaServer()
        self.addCleanup(srv.cleanup)
        srv.start()
        self.assertFalse(certificate_requested(srv.port, "localhost"))


class ReloadTests(unittest.TestCase):

    def test_locations_change_on_reload(self):
        srv = KizunaServer(extra_files={"pub/a.txt": b"a\n",
                                        "private/index.gmi": b"# p\n"})
        self.addCleanup(srv.cleanup)
        os.chmod(srv.dir, 0o755)   # the service user reads it again
        srv.start()
        self.assertEqual(srv.get("/pub/").status, 51)
        self.assertEqual(srv.get("/private/").status, 20)
        self.assertFalse(certificate_requested(srv.port, "localhost"))
        srv.config_overrides = {
            ('location "/pub/"', "listing"): "on",
            ('location "/private/"', "require_certificate"): "on",
        }
        srv.write_config()
        srv.proc.send_signal(signal.SIGHUP)
        srv.wait_for_stderr("reloaded", limit=10)
        self.assertEqual(srv.get("/pub/").status, 20)
        self.assertEqual(srv.get("/private/").status, 60)
        self.assertTrue(certificate_requested(srv.port, "localhost"))
        # And taken away again: the host stops asking.
        srv.config_overrides = {}
        srv.write_config()
        before = srv.stderr_text().count("reloaded")
        srv.proc.send_signal(signal.SIGHUP)
        srv.wait_for_stderr("(?s)" + "reloaded.*" * (before + 1), limit=10)
        self.assertEqual(srv.get("/private/").status, 20)
        self.assertFalse(certificate_requested(srv.port, "localhost"))


class CheckTests(unittest.TestCase):
    """kizuna -t names a bad location by file:line."""

    def check(self, section, key, value):
        srv = KizunaServer(config_overrides={(section, key): value})
        self.addCleanup(srv.cleanup)
        p = subprocess.run([KIZUNA_BIN, "-t", "-c", srv.config_path],
                           capture_output=True, text=True, timeout=30)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertRegex(p.stderr, re.escape(srv.config_path) + r":\d+: ")
        return p.stderr

    def test_an_unknown_key(self):
        self.assertIn("colour", self.check('location "/x/"', "colour", "red"))

    def test_a_bad_status(self):
        self.check('location "/x/"', "block", "40")
        self.check('location "/x/"', "redirect", "20 /y/")

    def test_a_malformed_fingerprint(self):
        err = self.check('location "/x/"', "allow", "AB:CD")
        self.assertIn("AB:CD", err)


if __name__ == "__main__":
    unittest.main()
