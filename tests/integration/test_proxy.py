"""
Integration tests for the PROXY protocol ([server] proxy_protocol) and the
client-address privacy switch ([log] log_ip): the real binary, real TLS,
headers written byte for byte as HAProxy writes them, on loopback.

Every connection here comes from 127.0.0.1; the header claims another
address (documentation ranges: 203.0.113.0/24, 198.51.100.0/24,
2001:db8::/32), so a log line or a limit that used the socket's peer
instead of the header's client shows.
"""

import socket
import ssl
import struct
import time
import unittest

from kizuna_harness import (INDEX_GMI, KizunaServer, client_context,
                            raw_client_hello, read_response, tcp_exchange)

V2_SIGNATURE = b"\r\n\r\n\x00\r\nQUIT\n"


def proxy_v1(src, dst="127.0.0.1", sport=40000, dport=1965):
    fam = "TCP6" if ":" in src else "TCP4"
    return ("PROXY %s %s %s %d %d\r\n" % (fam, src, dst, sport, dport)).encode()


def proxy_v2(src=None, dst="127.0.0.1", sport=40000, dport=1965, tlvs=b""):
    """A version 2 header: PROXY from src, or LOCAL when src is None."""
    if src is None:
        return V2_SIGNATURE + b"\x20\x00" + struct.pack("!H", 0)
    if ":" in src:
        fam, af, dst = 0x21, socket.AF_INET6, ("::1" if dst == "127.0.0.1"
                                               else dst)
    else:
        fam, af = 0x11, socket.AF_INET
    body = (socket.inet_pton(af, src) + socket.inet_pton(af, dst)
            + struct.pack("!HH", sport, dport) + tlvs)
    return V2_SIGNATURE + bytes([0x21, fam]) + struct.pack("!H", len(body)) + body


def proxied_connect(port, header_chunks, delay=0.0, timeout=10.0,
                    server_hostname="localhost", corked=False):
    """TCP connect; send the header (a list of pieces, delay seconds apart,
    each its own TCP segment); then a TLS handshake. Returns the SSLSocket.
    corked: the header and the ClientHello leave in one segment (Linux
    sends a corked socket's data after 200 ms), as from a balancer that
    forwards them together."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if corked:
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_CORK, 1)
        for i, piece in enumerate(header_chunks):
            if i and delay:
                time.sleep(delay)
            s.sendall(piece)
        tls = client_context().wrap_socket(
            s, server_hostname=server_hostname, suppress_ragged_eofs=False,
            do_handshake_on_connect=False)
    except BaseException:
        s.close()
        raise
    try:
        tls.do_handshake()
    except BaseException:
        tls.close()
        raise
    return tls


def proxied_request(srv, header, path="/", pieces=None, delay=0.0,
                    timeout=10.0, corked=False):
    """One Gemini request behind a PROXY header. Returns a Response."""
    tls = proxied_connect(srv.port, pieces or [header], delay=delay,
                          timeout=timeout, corked=corked)
    tls.sendall(srv.line(path))
    return read_response(tls, timeout=timeout)


def log_lines(srv):
    return srv.access_log_bytes().decode("utf-8", "replace").splitlines()


def addresses_of(lines, needle):
    """The address field of each access log line containing needle."""
    return [ln.split(" ")[1] for ln in lines if needle in ln]


class ServerCase(unittest.TestCase):
    """Starts one server per test with the given config overrides."""

    def start_server(self, overrides, **kw):
        srv = KizunaServer(config_overrides=overrides, **kw)
        self.addCleanup(srv.cleanup)
        srv.start()
        self.addCleanup(self.assert_clean_stop, srv)
        return srv

    def assert_clean_stop(self, srv):
        rc = srv.stop()
        self.assertEqual(rc, 0, "kizuna exited %r; stderr:\n%s"
                         % (rc, srv.stderr_text()[-3000:]))

    def assertServed(self, r, what):
        self.assertEqual(r.status, 20, "%s: %r" % (what, r))
        self.assertEqual(r.body, INDEX_GMI, what)
        self.assertTrue(r.close_notify, "%s: no close_notify" % what)

    def wait_log_line(self, srv, needle, count=1, limit=5.0):
        """The access log lines once count of them hold needle (str), or
        fails."""
        deadline = time.monotonic() + limit
        while True:
            lines = log_lines(srv)
            if sum(needle in ln for ln in lines) >= count:
                return lines
            if time.monotonic() > deadline:
                self.fail("no access log line with %r in:\n%s"
                          % (needle, "\n".join(lines[-20:])))
            time.sleep(0.05)


class ProxyProtocolOn(ServerCase):

    def setUp(self):
        self.srv = self.start_server({("server", "proxy_protocol"): "on",
                                      ("server", "handshake_timeout"): "2"})

    def test_v1_header_then_tls_is_served_and_logs_the_header_address(self):
        r = proxied_request(self.srv, proxy_v1("203.0.113.7"), "/")
        self.assertServed(r, "v1")
        lines = self.wait_log_line(self.srv, '"%s"' % self.srv.url("/"))
        self.assertEqual(addresses_of(lines, self.srv.url("/")),
                         ["203.0.113.7"])

    def test_v2_header_then_tls_is_served_and_logs_the_header_address(self):
        r = proxied_request(self.srv, proxy_v2("2001:db8::7"), "/")
        self.assertServed(r, "v2 IPv6")
        r = proxied_request(self.srv, proxy_v2(
            "198.51.100.9", tlvs=b"\x04\x00\x03abc"), "/index.gmi")
        self.assertServed(r, "v2 IPv4 with a TLV")
        lines = self.wait_log_line(self.srv, "/index.gmi")
        self.assertEqual(addresses_of(lines, '"%s"' % self.srv.url("/")),
                         ["2001:db8::7"])
        self.assertEqual(addresses_of(lines, self.srv.url("/index.gmi")),
                         ["198.51.100.9"])

    def test_header_and_client_hello_in_one_segment(self):
        # Only the header's bytes may be consumed: the ClientHello right
        # behind them is OpenSSL's.
        for header in (proxy_v1("203.0.113.9"), proxy_v2("203.0.113.9")):
            r = proxied_request(self.srv, header, "/", corked=True)
            self.assertServed(r, "%r and ClientHello together" % header[:12])
        lines = self.wait_log_line(self.srv, '"%s"' % self.srv.url("/"), 2)
        self.assertEqual(addresses_of(lines, self.srv.url("/")),
                         ["203.0.113.9", "203.0.113.9"])

    def test_local_and_unknown_use_the_connections_own_address(self):
        self.assertServed(proxied_request(self.srv, proxy_v2(None), "/"),
                          "v2 LOCAL")
        self.assertServed(proxied_request(self.srv, b"PROXY UNKNOWN\r\n",
                                          "/index.gmi"), "v1 UNKNOWN")
        lines = self.wait_log_line(self.srv, "/index.gmi")
        self.assertEqual(addresses_of(lines, '"%s"' % self.srv.url("/")),
                         ["127.0.0.1"])
        self.assertEqual(addresses_of(lines, self.srv.url("/index.gmi")),
                         ["127.0.0.1"])

    def test_header_split_across_segments_with_pauses(self):
        v1 = proxy_v1("203.0.113.8")
        r = proxied_request(self.srv, v1, "/", pieces=[v1[:3], v1[3:17],
                                                         v1[17:-1], v1[-1:]],
                            delay=0.3)
        self.assertServed(r, "v1 in four pieces")
        v2 = proxy_v2("2001:db8::8")
        r = proxied_request(self.srv, v2, "/index.gmi",
                            pieces=[v2[:5], v2[5:13], v2[13:16], v2[16:40],
                                    v2[40:]], delay=0.3)
        self.assertServed(r, "v2 in five pieces")
        lines = self.wait_log_line(self.srv, "/index.gmi")
        self.assertEqual(addresses_of(lines, '"%s"' % self.srv.url("/")),
                         ["203.0.113.8"])
        self.assertEqual(addresses_of(lines, self.srv.url("/index.gmi")),
                         ["2001:db8::8"])

    def test_plain_tls_without_a_header_is_refused_before_tls(self):
        data, how, _ = tcp_exchange(self.srv.port, raw_client_hello(0x0303),
                                    timeout=10)
        self.assertEqual(data, b"", "something was sent to a connection "
                         "without a PROXY header")
        self.assertIn(how, ("eof", "reset"))
        with self.assertRaises((ssl.SSLError, OSError)):
            r = self.srv.get("/", timeout=10)
            self.fail("a plain TLS client was answered: %r" % r)
        lines = self.wait_log_line(self.srv, "no PROXY header")
        self.assertIn("127.0.0.1", addresses_of(lines, "no PROXY header"))
        # And the server still serves proxied clients.
        self.assertServed(proxied_request(self.srv, proxy_v1("203.0.113.7")),
                          "after the refusals")

    def test_invalid_header_is_closed_with_the_parsers_reason(self):
        data, how, _ = tcp_exchange(
            self.srv.port, b"PROXY TCP4 203.0.113.7 127.0.0.1 040000 1965\r\n"
            + raw_client_hello(0x0303), timeout=10)
        self.assertEqual(data, b"")
        self.assertIn(how, ("eof", "reset"))
        self.wait_log_line(self.srv, "bad source port")

    def test_truncated_header_then_silence_is_closed_at_the_deadline(self):
        # handshake_timeout = 2: the header counts against it.
        data, how, elapsed = tcp_exchange(self.srv.port,
                                          proxy_v2("203.0.113.7")[:20],
                                          timeout=15)
        self.assertEqual(data, b"")
        self.assertEqual(how, "eof", "not closed within 15 s")
        self.assertGreater(elapsed, 1.0, "closed before the deadline")
        lines = self.wait_log_line(self.srv, "PROXY header ended")
        self.assertEqual(addresses_of(lines, "PROXY header ended"),
                         ["127.0.0.1"])


class ProxyProtocolLimits(ServerCase):

    def test_max_per_ip_counts_the_header_address(self):
        srv = self.start_server({("server", "proxy_protocol"): "on",
                                 ("server", "max_per_ip"): "2",
                                 ("server", "handshake_timeout"): "10",
                                 ("server", "timeout"): "15"})
        held = [proxied_connect(srv.port, [proxy_v1("203.0.113.7")])
                for _ in range(2)]
        self.addCleanup(lambda: [s.close() for s in held])
        time.sleep(0.2)
        # The third from 203.0.113.7 ends once its header is read, before
        # TLS, with nothing sent (the balancer closes the reader's side).
        data, how, elapsed = tcp_exchange(
            srv.port, proxy_v1("203.0.113.7") + raw_client_hello(0x0303),
            timeout=10)
        self.assertEqual(data, b"", "third from 203.0.113.7 was answered")
        self.assertIn(how, ("eof", "reset"))
        self.assertLess(elapsed, 1.0)
        # Same socket address, another client in the header: served.
        self.assertServed(proxied_request(srv, proxy_v2("198.51.100.9")),
                          "another client behind the same balancer")
        lines = self.wait_log_line(
            srv, "over max_per_ip: closed after the PROXY header")
        self.assertEqual(addresses_of(lines, "over max_per_ip"),
                         ["203.0.113.7"])

    def test_rate_limit_counts_the_header_address(self):
        # One a minute after a burst of 2: nothing refills during the test.
        srv = self.start_server({("server", "proxy_protocol"): "on",
                                 ("server", "rate_limit"): "1",
                                 ("server", "rate_burst"): "2"})
        for i in range(2):
            self.assertServed(proxied_request(srv, proxy_v1("203.0.113.7")),
                              "burst request %d" % (i + 1))
        r = proxied_request(srv, proxy_v1("203.0.113.7"))
        self.assertEqual(r.status, 44, "third from 203.0.113.7: %r" % r)
        # Same socket address, another client in the header: its own bucket.
        self.assertServed(proxied_request(srv, proxy_v1("198.51.100.9")),
                          "another client, v1")
        self.assertServed(proxied_request(srv, proxy_v2("198.51.100.9")),
                          "another client, v2")
        lines = self.wait_log_line(srv, "over rate_limit")
        self.assertEqual(addresses_of(lines, "over rate_limit"),
                         ["203.0.113.7"])


class ProxyProtocolOff(ServerCase):
    """Off (the default): a PROXY header is bytes that are not TLS."""

    def test_v1_and_v2_headers_fail_like_garbage_and_others_are_served(self):
        srv = self.start_server({})
        for header in (proxy_v1("203.0.113.7"), proxy_v2("203.0.113.7")):
            with self.assertRaises((ssl.SSLError, OSError),
                                   msg="handshake after %r" % header[:12]):
                tls = proxied_connect(srv.port, [header], timeout=10)
                tls.sendall(srv.line("/"))
                r = read_response(tls, timeout=10)
                self.fail("served behind a PROXY header with "
                          "proxy_protocol off: %r" % r)
            r = srv.get("/", timeout=10)
            self.assertServed(r, "plain client after a PROXY header")
        lines = log_lines(srv)
        self.assertNotIn("203.0.113.7", "\n".join(lines))
        self.assertTrue(all(ln.split(" ")[1] == "127.0.0.1" for ln in lines),
                        "\n".join(lines))


class LogIpOff(ServerCase):

    def test_access_log_has_no_address(self):
        srv = self.start_server({("log", "log_ip"): "off"})
        self.assertServed(srv.get("/"), "log_ip off")
        lines = self.wait_log_line(srv, '"%s"' % srv.url("/"))
        self.assertEqual(addresses_of(lines, srv.url("/")), ["-"])
        self.assertNotIn(b"127.0.0.1", srv.access_log_bytes())

    def test_with_proxy_protocol_the_header_address_is_not_logged_either(self):
        srv = self.start_server({("log", "log_ip"): "off",
                                 ("server", "proxy_protocol"): "on",
                                 ("server", "rate_limit"): "1",
                                 ("server", "rate_burst"): "1"})
        self.assertServed(proxied_request(srv, proxy_v1("203.0.113.7")),
                          "first")
        # The limits still know the address, without logging it.
        r = proxied_request(srv, proxy_v1("203.0.113.7"))
        self.assertEqual(r.status, 44, "second from 203.0.113.7: %r" % r)
        self.assertServed(proxied_request(srv, proxy_v1("198.51.100.9")),
                          "another address")
        self.wait_log_line(srv, "over rate_limit")
        data = srv.access_log_bytes()
        for addr in (b"203.0.113.7", b"198.51.100.9", b"127.0.0.1"):
            self.assertNotIn(addr, data)
        self.assertTrue(all(ln.split(" ")[1] == "-" for ln in log_lines(srv)))


if __name__ == "__main__":
    unittest.main()
