"""Several capsules on one server: [host "NAME"] sections, the certificate
chosen by SNI, requests checked against the host of their connection, and
certificates that cannot silently mismatch (at -t, at start, on reload).

Every test runs a real kizuna over real TLS on loopback. Certificates are
made with the openssl command, as a self-hoster would.
"""
import os
import pwd
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import unittest

from kizuna_harness import (KIZUNA_BIN, KizunaServer, client_context,
                            connect_tls, read_response, request, sha256_hex)

A_INDEX = b"# Capsule A\n\nThis is the first capsule.\n"
B_INDEX = b"# Capsule B\n\nThis is the second capsule.\n"
C_INDEX = b"# Capsule C\n\nAdded by a reload.\n"

CA_CONFIG = """[ca]
default_ca = d
[d]
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = p
copy_extensions = copy
unique_subject = no
[p]
commonName = supplied
"""


def openssl(*args, cwd=None):
    subprocess.run(["openssl"] + list(args), check=True, capture_output=True,
                   cwd=cwd)


def make_cert(cert, key, cn, sans=(), start=None, end=None, days=365):
    """A P-256 certificate for cn (and sans, "DNS:x" / "IP:y" entries),
    self-signed. start/end ("YYYYMMDDhhmmssZ") make one with those dates
    (an expired one, say), through openssl ca."""
    os.makedirs(os.path.dirname(cert), exist_ok=True)
    os.makedirs(os.path.dirname(key), exist_ok=True)
    ext = ["-addext", "subjectAltName=" + ",".join(sans)] if sans else []
    if start is None:
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:P-256", "-nodes", "-days", str(days),
                "-subj", "/CN=" + cn, "-keyout", key, "-out", cert, *ext)
    else:
        work = tempfile.mkdtemp(prefix="kizuna-ca-")
        try:
            openssl("genpkey", "-algorithm", "EC", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-out", key)
            openssl("req", "-new", "-key", key, "-subj", "/CN=" + cn,
                    "-out", os.path.join(work, "req.csr"), *ext)
            with open(os.path.join(work, "ca.cnf"), "w") as f:
                f.write(CA_CONFIG)
            open(os.path.join(work, "index.txt"), "w").close()
            with open(os.path.join(work, "serial"), "w") as f:
                f.write("01\n")
            openssl("ca", "-batch", "-notext", "-config", "ca.cnf",
                    "-selfsign", "-keyfile", key, "-in", "req.csr",
                    "-startdate", start, "-enddate", end, "-out", cert,
                    cwd=work)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    os.chmod(key, 0o600)
    if os.geteuid() == 0:
        # A reload reads it again as the service user.
        nobody = pwd.getpwnam("nobody")
        os.chown(key, nobody.pw_uid, nobody.pw_gid)


def file_fingerprint(cert):
    out = subprocess.run(["openssl", "x509", "-in", cert, "-noout",
                          "-fingerprint", "-sha256"], check=True,
                         capture_output=True, text=True).stdout
    return out.strip().split("=", 1)[1].replace(":", "").lower()


def cert_text(cert):
    return subprocess.run(["openssl", "x509", "-in", cert, "-noout", "-text"],
                          check=True, capture_output=True, text=True).stdout


class Hosts:
    """A server directory with two capsules, a/ and b/, and a config made
    of [host] sections (written by write())."""

    def __init__(self, test, addresses=("127.0.0.1", "127.0.0.2")):
        self.srv = KizunaServer(addresses=addresses, workers=2)
        test.addCleanup(self.srv.cleanup)
        # The service user reads the config again on reload.
        os.chmod(self.srv.dir, 0o755)
        self.dir = self.srv.dir
        for name, index in (("a", A_INDEX), ("b", B_INDEX)):
            self.put(name + "/index.gmi", index)
        self.hosts = {
            "a.example": {"aliases": "www.a.example", "root": "a",
                          "default": "on"},
            "b.example": {"aliases": "127.0.0.2", "root": "b"},
        }
        self.server = {}
        self.extra = ""

    def put(self, rel, data):
        path = os.path.join(self.dir, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def path(self, rel):
        return os.path.join(self.dir, rel)

    def cert(self, host):
        return self.path("certs/%s/cert.pem" % host)

    def key(self, host):
        return self.path("certs/%s/key.pem" % host)

    def make_certs(self):
        """Certificates for both hosts and their aliases, at the default
        paths (certs/NAME/cert.pem)."""
        make_cert(self.cert("a.example"), self.key("a.example"), "a.example",
                  ["DNS:a.example", "DNS:www.a.example"])
        make_cert(self.cert("b.example"), self.key("b.example"), "b.example",
                  ["DNS:b.example", "IP:127.0.0.2"])

    def text(self):
        server = {"address": ", ".join(self.srv.addresses),
                  "port": str(self.srv.port), "workers": "2",
                  "timeout": "5"}
        server.update(self.server)
        lines = ["[server]"] + ["%s = %s" % kv for kv in server.items()]
        for name, keys in self.hosts.items():
            lines += ["", '[host "%s"]' % name]
            lines += ["%s = %s" % kv for kv in keys.items()]
        lines += ["", "[log]", "access = access.log"]
        return "\n".join(lines) + "\n" + self.extra

    def write(self):
        with open(self.srv.config_path, "w") as f:
            f.write(self.text())

    def start(self):
        self.write()
        self.srv.start()
        return self.srv

    def check(self, as_user=None):
        """kizuna -t on the config; returns (exit status, stderr)."""
        self.write()
        argv = [KIZUNA_BIN, "-t", "-c", self.srv.config_path]
        if as_user is not None:
            pw = pwd.getpwnam(as_user)
            argv = ["setpriv", "--reuid", str(pw.pw_uid), "--regid",
                    str(pw.pw_gid), "--clear-groups"] + argv
        p = subprocess.run(argv, capture_output=True, text=True, timeout=30)
        return p.returncode, p.stderr

    def get(self, url_host, sni, path="/", address="127.0.0.1", **kw):
        """Requests gemini://url_host:PORT/path over a connection to address
        with SNI sni (None: no SNI)."""
        host = "[%s]" % url_host if ":" in url_host else url_host
        line = ("gemini://%s:%d%s\r\n" % (host, self.srv.port, path)).encode()
        return request(self.srv.port, line, host=address,
                       server_hostname=sni, **kw)


def peer_fingerprint(port, sni, address="127.0.0.1"):
    tls = connect_tls(port, host=address, server_hostname=sni)
    try:
        return sha256_hex(tls.getpeercert(binary_form=True))
    finally:
        tls.close()


class SniTests(unittest.TestCase):

    def setUp(self):
        self.h = Hosts(self)
        self.h.make_certs()
        self.srv = self.h.start()
        self.fp = {name: file_fingerprint(self.h.cert(name))
                   for name in ("a.example", "b.example")}

    def assertServes(self, r, body):
        self.assertEqual(r.status, 20, r)
        self.assertIn(body, r.body)
        self.assertTrue(r.close_notify, r)

    def test_each_host_answers_with_its_certificate_and_content(self):
        for name, body in (("a.example", b"Capsule A"),
                           ("b.example", b"Capsule B")):
            r = self.h.get(name, name)
            self.assertServes(r, body)
            self.assertEqual(sha256_hex(r.peer_cert), self.fp[name], name)

    def test_a_request_for_the_other_host_is_53(self):
        r = self.h.get("b.example", "a.example")
        self.assertEqual(r.status, 53, r)
        self.assertNotIn(b"Capsule", r.raw)
        r = self.h.get("a.example", "b.example")
        self.assertEqual(r.status, 53, r)
        # A name no host has, on a connection for a: refused too.
        self.assertEqual(self.h.get("c.example", "a.example").status, 53)

    def test_aliases_name_their_host(self):
        r = self.h.get("www.a.example", "www.a.example")
        self.assertServes(r, b"Capsule A")
        self.assertEqual(sha256_hex(r.peer_cert), self.fp["a.example"])
        # Host names are case-insensitive, a trailing dot is the same name.
        self.assertServes(self.h.get("WWW.A.Example.", "www.a.example"),
                          b"Capsule A")
        # SNI for the alias, the request for the host's own name: one host.
        self.assertServes(self.h.get("a.example", "www.a.example"),
                          b"Capsule A")

    def test_no_sni_gets_the_default_host(self):
        r = self.h.get("a.example", None)
        self.assertServes(r, b"Capsule A")
        self.assertEqual(sha256_hex(r.peer_cert), self.fp["a.example"])
        self.assertEqual(self.h.get("b.example", None).status, 53)

    def test_no_sni_on_an_ip_alias_gets_that_host(self):
        # Clients send no SNI for an IP address: the address connected to
        # says which capsule is meant.
        r = self.h.get("127.0.0.2", None, address="127.0.0.2")
        self.assertServes(r, b"Capsule B")
        self.assertEqual(sha256_hex(r.peer_cert), self.fp["b.example"])
        r = self.h.get("b.example", None, address="127.0.0.2")
        self.assertServes(r, b"Capsule B")

    def test_an_unknown_name_gets_the_default_certificate_then_53(self):
        self.assertEqual(peer_fingerprint(self.srv.port, "other.example"),
                         self.fp["a.example"])
        self.assertEqual(self.h.get("other.example", "other.example").status,
                         53)

    def test_sessions_are_not_resumed_across_hosts(self):
        ctx = client_context()
        first = self.h.get("a.example", "a.example", context=ctx)
        self.assertEqual(first.status, 20)
        again = self.h.get("a.example", "a.example", context=ctx,
                           session=first.session)
        self.assertEqual(again.status, 20)
        self.assertTrue(again.session_reused, "resumption with the same host")
        other = self.h.get("b.example", "b.example", context=ctx,
                           session=first.session)
        self.assertServes(other, b"Capsule B")
        self.assertFalse(other.session_reused)
        self.assertEqual(sha256_hex(other.peer_cert), self.fp["b.example"])

    def test_access_log_names_the_host(self):
        self.h.get("a.example", "a.example", path="/")
        self.h.get("127.0.0.2", None, path="/", address="127.0.0.2")
        log = self.srv.wait_for_log(b"127.0.0.2", limit=5).decode()
        lines = [l for l in log.splitlines() if " 20 " in l]
        self.assertTrue(any("a.example" in l for l in lines), log)
        self.assertTrue(any("b.example" in l for l in lines), log)

    def test_start_up_lines_list_each_host(self):
        text = self.srv.wait_for_stderr("b.example.*" + self.fp["b.example"][:2])
        for name, root in (("a.example", "a"), ("b.example", "b")):
            fp = ":".join(re.findall("..", self.fp[name])).upper()
            line = [l for l in text.splitlines() if "host " + name in l]
            self.assertTrue(any(fp in l for l in line), (name, text))
            self.assertTrue(any(os.path.join(self.h.dir, root) in l
                                for l in line), (name, text))


class ProxyProtocolTests(unittest.TestCase):

    def test_no_sni_behind_a_balancer_gets_the_host_it_connected_to(self):
        # The PROXY header's destination is the address the reader
        # connected to at the balancer: it picks the capsule, not the
        # balancer's own connection to kizuna.
        from test_proxy import proxied_connect, proxy_v1
        h = Hosts(self, addresses=("127.0.0.1",))
        h.make_certs()
        h.server["proxy_protocol"] = "on"
        h.start()
        fp_b = file_fingerprint(h.cert("b.example"))
        for dst, want in (("127.0.0.2", b"Capsule B"),
                          ("127.0.0.9", b"Capsule A")):
            header = proxy_v1("203.0.113.7", dst, 40000, h.srv.port)
            tls = proxied_connect(h.srv.port, [header], server_hostname=None)
            host = "127.0.0.2" if want == b"Capsule B" else "a.example"
            tls.sendall(("gemini://%s:%d/\r\n"
                         % (host, h.srv.port)).encode())
            r = read_response(tls)
            self.assertEqual(r.status, 20, (dst, r))
            self.assertIn(want, r.body)
            self.assertEqual(sha256_hex(r.peer_cert) == fp_b,
                             want == b"Capsule B")


class ArticlesPerHostTests(unittest.TestCase):

    def test_each_host_has_its_own_articles(self):
        h = Hosts(self)
        h.make_certs()
        h.put("a/articles/first.txt", "Aの記事\n\n本文です。\n".encode())
        h.put("b/articles/second.txt", "Bの記事\n\n本文です。\n".encode())
        h.hosts["b.example"]["lang"] = "en"
        h.start()
        a = h.get("a.example", "a.example", path="/articles/")
        b = h.get("b.example", "b.example", path="/articles/")
        self.assertIn("Aの記事".encode(), a.body)
        self.assertNotIn("Bの記事".encode(), a.body)
        self.assertIn("Bの記事".encode(), b.body)
        self.assertEqual(h.get("a.example", "a.example",
                               path="/articles/second/").status, 51)
        self.assertIn("lang=en", h.get("b.example", "b.example").meta)
        self.assertIn("lang=ja", h.get("a.example", "a.example").meta)


class GeneratedCertificateTests(unittest.TestCase):

    def test_each_host_gets_a_certificate_for_its_names(self):
        h = Hosts(self)
        srv = h.start()   # no certificates yet: kizuna makes them
        a = cert_text(h.cert("a.example"))
        b = cert_text(h.cert("b.example"))
        self.assertIn("DNS:a.example", a)
        self.assertIn("DNS:www.a.example", a)
        self.assertIn("DNS:b.example", b)
        self.assertIn("IP Address:127.0.0.2", b)
        self.assertIn("prime256v1", b)
        self.assertEqual(os.stat(h.key("b.example")).st_mode & 0o777, 0o600)
        fa, fb = (file_fingerprint(h.cert(n))
                  for n in ("a.example", "b.example"))
        self.assertNotEqual(fa, fb)
        text = srv.stderr_text()
        for fp in (fa, fb):
            self.assertIn(":".join(re.findall("..", fp)).upper(), text)
        r = h.get("b.example", "b.example")
        self.assertEqual(r.status, 20, r)
        self.assertEqual(sha256_hex(r.peer_cert), fb)


class SingleHostTests(unittest.TestCase):

    def test_a_config_without_host_sections_still_works(self):
        srv = KizunaServer()
        self.addCleanup(srv.cleanup)
        srv.start()
        r = srv.get("/")
        self.assertEqual(r.status, 20, r)
        self.assertEqual(srv.request(b"gemini://other.example/\r\n").status,
                         53)
        self.assertEqual(srv.stop(), 0)


class CheckTests(unittest.TestCase):
    """kizuna -t refuses what would stop a start, naming host and file."""

    def setUp(self):
        self.h = Hosts(self)
        self.h.make_certs()

    def assertRefused(self, *needles):
        rc, err = self.h.check()
        self.assertEqual(rc, 2, err)
        for n in needles:
            self.assertIn(n, err)
        self.assertNotIn("configuration is valid", err)
        return err

    def test_a_valid_config_passes(self):
        rc, err = self.h.check()
        self.assertEqual(rc, 0, err)
        self.assertIn("configuration is valid", err)

    def test_a_certificate_for_another_name(self):
        make_cert(self.h.cert("b.example"), self.h.key("b.example"),
                  "old.example", ["DNS:old.example"])
        self.assertRefused("b.example", self.h.cert("b.example"),
                           "old.example")

    def test_an_alias_the_certificate_does_not_cover(self):
        make_cert(self.h.cert("b.example"), self.h.key("b.example"),
                  "b.example", ["DNS:b.example"])
        self.assertRefused("b.example", self.h.cert("b.example"), "127.0.0.2")

    def test_an_expired_certificate(self):
        make_cert(self.h.cert("a.example"), self.h.key("a.example"),
                  "a.example", ["DNS:a.example", "DNS:www.a.example"],
                  start="20200101000000Z", end="20210101000000Z")
        self.assertRefused("a.example", self.h.cert("a.example"), "expired")

    def test_a_certificate_not_yet_valid(self):
        make_cert(self.h.cert("a.example"), self.h.key("a.example"),
                  "a.example", ["DNS:a.example", "DNS:www.a.example"],
                  start="20400101000000Z", end="20410101000000Z")
        self.assertRefused("a.example", self.h.cert("a.example"))

    def test_a_key_that_does_not_match(self):
        shutil.copy(self.h.key("a.example"), self.h.key("b.example"))
        self.assertRefused('host "b.example"', self.h.key("b.example"),
                           "is not the key of")

    def test_a_certificate_expiring_soon_is_a_warning(self):
        make_cert(self.h.cert("a.example"), self.h.key("a.example"),
                  "a.example", ["DNS:a.example", "DNS:www.a.example"],
                  days=10)
        rc, err = self.h.check()
        self.assertEqual(rc, 0, err)
        self.assertRegex(err, r"warn.*a\.example.*expires")

    def test_a_missing_user(self):
        self.h.server["user"] = "no-such-user-kizuna"
        err = self.assertRefused("no-such-user-kizuna")
        self.assertRegex(err, re.escape(self.h.srv.config_path) + r":\d+:")

    @unittest.skipUnless(os.geteuid() == 0, "needs root: runs -t as nobody")
    def test_a_port_the_user_cannot_bind(self):
        # Started by nobody, kizuna could not bind a port below 1024.
        self.h.server["port"] = "79"
        rc, err = self.h.check(as_user="nobody")
        self.assertEqual(rc, 2, err)
        self.assertIn("79", err)
        self.assertIn("kizuna.socket", err)
        self.assertIn("CAP_NET_BIND_SERVICE", err)

    def test_a_second_default_host_names_its_line(self):
        self.h.hosts["b.example"]["default"] = "on"
        err = self.assertRefused("default")
        self.assertRegex(err, re.escape(self.h.srv.config_path) + r":\d+:")

    def test_a_name_two_hosts_claim(self):
        self.h.hosts["b.example"]["aliases"] = "www.a.example"
        err = self.assertRefused("www.a.example")
        self.assertRegex(err, re.escape(self.h.srv.config_path) + r":\d+:")


class StartAndReloadTests(unittest.TestCase):

    def test_a_mismatched_certificate_is_refused_at_start(self):
        h = Hosts(self)
        h.make_certs()
        make_cert(h.cert("b.example"), h.key("b.example"), "old.example")
        h.write()
        h.srv.start(wait=False)
        self.assertEqual(h.srv.wait_exit(10), 2)
        err = h.srv.stderr_text()
        self.assertIn("b.example", err)
        self.assertIn(h.cert("b.example"), err)

    def test_an_expired_certificate_is_refused_at_start(self):
        h = Hosts(self)
        h.make_certs()
        make_cert(h.cert("a.example"), h.key("a.example"), "a.example",
                  ["DNS:a.example", "DNS:www.a.example"],
                  start="20200101000000Z", end="20210101000000Z")
        h.write()
        h.srv.start(wait=False)
        self.assertEqual(h.srv.wait_exit(10), 2)
        err = h.srv.stderr_text()
        self.assertIn('host "a.example"', err)
        self.assertIn(h.cert("a.example") + " expired on 2021-01-01", err)

    def reload(self, srv, what):
        before = srv.stderr_text().count(what)
        srv.proc.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 10
        while srv.stderr_text().count(what) == before:
            self.assertLess(time.monotonic(), deadline, srv.stderr_text())
            time.sleep(0.05)
        return srv.stderr_text()

    def test_a_reload_cannot_make_a_new_hosts_certificate(self):
        h = Hosts(self)
        h.make_certs()
        srv = h.start()
        h.put("c/index.gmi", C_INDEX)
        h.hosts["c.example"] = {"root": "c"}
        h.write()
        text = self.reload(srv, "reload refused")
        refusal = text.split("reload refused")[-1]
        self.assertIn("c.example", refusal)
        self.assertIn(h.cert("c.example"), refusal)
        self.assertIn("restart", refusal)
        self.assertEqual(h.get("a.example", "a.example").status, 20)
        self.assertEqual(h.get("c.example", "c.example").status, 53)
        self.assertTrue(srv.running())

    def test_a_reload_with_a_bad_certificate_keeps_the_old_site(self):
        h = Hosts(self)
        h.make_certs()
        srv = h.start()
        old = file_fingerprint(h.cert("b.example"))
        # A new name for b, the old certificate kept: refused.
        h.hosts["b.example"]["aliases"] = "127.0.0.2, new.b.example"
        h.write()
        text = self.reload(srv, "reload refused")
        self.assertIn("b.example", text.split("reload refused")[-1])
        r = h.get("b.example", "b.example")
        self.assertEqual(r.status, 20, r)
        self.assertEqual(sha256_hex(r.peer_cert), old)
        self.assertEqual(h.get("new.b.example", "b.example").status, 53)
        # An expired certificate put in place: refused too.
        h.hosts["b.example"]["aliases"] = "127.0.0.2"
        h.write()
        make_cert(h.cert("b.example"), h.key("b.example"), "b.example",
                  ["DNS:b.example", "IP:127.0.0.2"],
                  start="20200101000000Z", end="20210101000000Z")
        text = self.reload(srv, "reload refused")
        self.assertIn("expired", text.split("reload refused")[-1])
        r = h.get("b.example", "b.example")
        self.assertEqual(r.status, 20, r)
        self.assertEqual(sha256_hex(r.peer_cert), old)

    def test_a_reload_adds_a_host_while_the_others_keep_serving(self):
        h = Hosts(self)
        h.make_certs()
        srv = h.start()
        failures, count = [], [0]
        stop = threading.Event()

        def load():
            while not stop.is_set():
                for name in ("a.example", "b.example"):
                    r = h.get(name, name)
                    count[0] += 1
                    if r.status != 20 or not r.close_notify:
                        failures.append((name, r))

        workers = [threading.Thread(target=load) for _ in range(4)]
        for t in workers:
            t.start()
        try:
            time.sleep(0.5)
            h.put("c/index.gmi", C_INDEX)
            make_cert(h.cert("c.example"), h.key("c.example"), "c.example",
                      ["DNS:c.example"])
            h.hosts["c.example"] = {"root": "c"}
            h.write()
            self.reload(srv, "reloaded")
            time.sleep(0.5)
        finally:
            stop.set()
            for t in workers:
                t.join()
        self.assertEqual(failures, [], "%d of %d requests failed"
                         % (len(failures), count[0]))
        self.assertGreater(count[0], 20)
        r = h.get("c.example", "c.example")
        self.assertEqual(r.status, 20, r)
        self.assertIn(b"Capsule C", r.body)
        self.assertEqual(sha256_hex(r.peer_cert),
                         file_fingerprint(h.cert("c.example")))
        # Its articles folder is watched too: a new article appears without
        # a signal.
        h.put("c/articles/news.txt", "Cの新着\n\n本文です。\n".encode())
        deadline = time.monotonic() + 10
        while b"news/" not in h.get("c.example", "c.example",
                                    path="/articles/").body:
            self.assertLess(time.monotonic(), deadline, srv.stderr_text())
            time.sleep(0.2)
        # And a reload that removes it: c is gone, a and b stay.
        del h.hosts["c.example"]
        h.write()
        self.reload(srv, "reloaded")
        self.assertEqual(h.get("c.example", "c.example").status, 53)
        self.assertEqual(h.get("a.example", "a.example").status, 20)
        self.assertEqual(srv.stop(), 0)


if __name__ == "__main__":
    unittest.main()
