"""
kizuna_harness - start the real kizuna binary on a free loopback port and
talk real TLS to it.

Standard library only. Reusable by any tests/integration/test_*.py file:

    from kizuna_harness import KizunaServer, request

    srv = KizunaServer(timeout=5)        # temp dir, capsule, config
    srv.start()                          # waits until the port accepts
    r = srv.get("/")                     # Response: status, meta, body, ...
    status, meta, body, close_notify = r
    srv.stop()                           # SIGTERM; returns the exit status
    srv.cleanup()                        # removes the temp dir

The binary is $KIZUNA_BIN, or ./kizuna at the repo root (the parent of
tests/). Every socket has a timeout; nothing waits forever.
"""

import hashlib
import os
import re
import shutil
import signal
import socket
import ssl
import struct
import subprocess
import tempfile
import threading
import time
import urllib.parse
import zlib

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
KIZUNA_BIN = os.path.abspath(
    os.environ.get("KIZUNA_BIN") or os.path.join(REPO_ROOT, "kizuna"))

# A string that lives outside the capsule root. It must never be served.
SECRET = b"KIZUNA-SECRET-7f3a9c1e-outside-the-root"

INDEX_GMI = (
    "# きずなへようこそ\n"
    "\n"
    "これは結合テスト用のカプセルです。日本語の文章が正しく届くかを確かめます。\n"
    "=> /docs/ 文書の一覧\n"
    "=> /articles/ 記事\n"
).encode("utf-8")

DOCS_INDEX_GMI = (
    "# 文書\n"
    "DOCS-INDEX-MARKER: ドキュメントの目次です。\n"
).encode("utf-8")

JAPANESE_NAME = "日本語.gmi"
JAPANESE_GMI = "# 日本語のページ\nJAPANESE-NAME-MARKER: ファイル名が日本語です。\n".encode("utf-8")

NOTES_TEXT = (
    "メモ帳\n"
    "これは拡張子のないテキストファイルです。中身は UTF-8 の日本語です。\n"
    "内容から MIME タイプを判定できるはずです。吾輩は猫である。名前はまだ無い。\n"
    "どこで生れたかとんと見当がつかぬ。何でも薄暗いじめじめした所で泣いていた。\n"
).encode("utf-8")

NO_FINAL_NEWLINE_GMI = "# 改行なし\n最後の行に改行がありません".encode("utf-8")

HIDDEN_TEXT = b"HIDDEN-DOTFILE-CONTENT\n"

BIG_FILE_SIZE = 2 * 1024 * 1024

FINGERPRINT_RE = re.compile(
    r"((?:[0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}"
    r"|(?<![0-9A-Fa-f])[0-9A-Fa-f]{64}(?![0-9A-Fa-f]))")


def resolve_url(base, ref):
    """urljoin for gemini:// URLs (urllib only joins schemes it knows)."""
    for table in (urllib.parse.uses_relative, urllib.parse.uses_netloc):
        if "gemini" not in table:
            table.append("gemini")
    return urllib.parse.urljoin(base, ref)


def png_1x1():
    """A valid 1x1 RGBA PNG built from scratch (signature, IHDR, IDAT, IEND)."""
    def chunk(kind, data):
        return (struct.pack("!I", len(data)) + kind + data
                + struct.pack("!I", zlib.crc32(kind + data) & 0xffffffff))
    ihdr = struct.pack("!IIBBBBB", 1, 1, 8, 6, 0, 0, 0)
    raw = b"\x00" + b"\xff\x00\x00\xff"  # filter byte, one red pixel
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def ipv6_available():
    """True when ::1 can be bound on this machine."""
    if not socket.has_ipv6:
        return False
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


def free_port(addresses=("127.0.0.1",)):
    """A TCP port that is free on every address given (bind 0, read, close)."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        ok = True
        for addr in addresses:
            fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
            try:
                with socket.socket(fam, socket.SOCK_STREAM) as s:
                    s.bind((addr, port))
            except OSError:
                ok = False
                break
        if ok:
            return port
    raise RuntimeError("no free port found")


def client_context(min_version=None, max_version=None):
    """A TLS client context that accepts the server's self-signed cert."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    if min_version is not None:
        ctx.minimum_version = min_version
    if max_version is not None:
        ctx.maximum_version = max_version
    return ctx


class Response:
    """What one TLS request got back.

    Unpacks as (status, meta, body, close_notify).
    status: int, or None when no complete "NN META\\r\\n" header arrived.
    header: the raw bytes before the first CRLF (None without a CRLF).
    close_notify: True when the server ended with a TLS close_notify,
    False when the TCP connection ended without one (or was reset).
    timed_out: True when the connection was still open at the deadline.
    """

    def __init__(self):
        self.raw = b""
        self.header = None
        self.status = None
        self.meta = None
        self.body = b""
        self.close_notify = False
        self.reset = False
        self.timed_out = False
        self.eof_error = None
        self.tls_version = None
        self.session = None
        self.session_reused = None
        self.peer_cert = None
        self.elapsed = None

    def __iter__(self):
        return iter((self.status, self.meta, self.body, self.close_notify))

    def parse(self):
        idx = self.raw.find(b"\r\n")
        if idx < 0:
            return
        self.header = self.raw[:idx]
        self.body = self.raw[idx + 2:]
        m = re.match(rb"^([0-9]{2}) ", self.header)
        if m:
            self.status = int(m.group(1))
            self.meta = self.header[3:].decode("utf-8", "replace")

    def __repr__(self):
        return ("Response(status=%r, meta=%r, body=%d bytes, close_notify=%r,"
                " reset=%r, timed_out=%r, raw[:120]=%r)" % (
                    self.status, self.meta, len(self.body), self.close_notify,
                    self.reset, self.timed_out, self.raw[:120]))


def connect_tls(port, host="127.0.0.1", server_hostname="localhost",
                context=None, session=None, timeout=5.0):
    """TCP connect, then a full TLS handshake. Returns the SSLSocket.

    suppress_ragged_eofs=False, so that a connection closed without a TLS
    close_notify raises ssl.SSLEOFError instead of looking like a clean end.
    """
    ctx = context or client_context()
    sock = socket.create_connection((host, port), timeout=timeout)
    try:
        return ctx.wrap_socket(sock, server_hostname=server_hostname,
                               suppress_ragged_eofs=False, session=session)
    except BaseException:
        sock.close()
        raise


def read_response(tls, timeout=5.0, start=None):
    """Reads until the server ends the connection (or timeout seconds pass
    without it ending). Closes the socket. Returns a Response."""
    r = Response()
    start = time.monotonic() if start is None else start
    deadline = time.monotonic() + timeout
    chunks = []
    try:
        # Taken before reading: a connection that ends badly loses them.
        r.tls_version = tls.version()
        r.peer_cert = tls.getpeercert(binary_form=True)
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                r.timed_out = True
                break
            tls.settimeout(left)
            try:
                data = tls.recv(65536)
            except ssl.SSLEOFError as e:   # TCP EOF without close_notify
                r.eof_error = e
                break
            except (ConnectionResetError, BrokenPipeError) as e:
                r.reset = True
                r.eof_error = e
                break
            except socket.timeout:
                r.timed_out = True
                break
            except ssl.SSLError as e:
                # For example a fatal alert from the server.
                r.eof_error = e
                break
            if not data:                  # SSL_ERROR_ZERO_RETURN: close_notify
                r.close_notify = True
                break
            chunks.append(data)
        r.elapsed = time.monotonic() - start
        r.raw = b"".join(chunks)
        r.parse()
        try:
            r.session = tls.session
            r.session_reused = tls.session_reused
        except (ValueError, OSError):
            pass
    finally:
        tls.close()
    return r


_RAGGED_EOF_SEEN = None


def client_sees_ragged_eof():
    """(seen, why): whether this Python's ssl tells a TCP end without a TLS
    close_notify (SSLEOFError) from a clean close (b""). Some builds (seen:
    Debian 12's Python 3.11 with OpenSSL 3.0.20) return b"" for both, so a
    Response's close_notify is True either way and cannot show that a cut
    body was not made to look complete. Probed once, against a local TLS
    server that closes without close_notify."""
    global _RAGGED_EOF_SEEN
    if _RAGGED_EOF_SEEN is not None:
        return _RAGGED_EOF_SEEN
    tmp = tempfile.mkdtemp(prefix="kizuna-eof-probe-")
    listener = socket.socket()
    try:
        cert, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec",
                        "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                        "-subj", "/CN=localhost", "-days", "1",
                        "-keyout", key, "-out", cert],
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=True, timeout=30)
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.settimeout(5)

        def serve():
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(cert, key)
            conn, _ = listener.accept()
            with ctx.wrap_socket(conn, server_side=True) as t:
                t.settimeout(5)
                t.sendall(b"20 text/plain\r\n")
                os.close(t.detach())          # TCP end, no close_notify

        th = threading.Thread(target=serve, daemon=True)
        th.start()
        tls = connect_tls(listener.getsockname()[1])
        r = read_response(tls)
        th.join(5)
        seen = r.eof_error is not None and not r.close_notify
        why = "" if seen else (
            "this Python's ssl (%s) reads a TCP end without close_notify as "
            "a clean close" % ssl.OPENSSL_VERSION)
    except (OSError, subprocess.SubprocessError, ssl.SSLError) as e:
        seen, why = False, "the probe failed: %s" % e
    finally:
        listener.close()
        shutil.rmtree(tmp, ignore_errors=True)
    _RAGGED_EOF_SEEN = (seen, why)
    return _RAGGED_EOF_SEEN


def request(port, data, host="127.0.0.1", server_hostname="localhost",
            context=None, session=None, timeout=5.0, chunks=None, delay=0.2):
    """One Gemini request: TLS connect, send the exact bytes, read to the end.

    data: the exact bytes to send (for example b"gemini://localhost:1965/\\r\\n").
    chunks: instead of data, a list of byte strings sent as separate TLS
    writes, `delay` seconds apart.
    """
    start = time.monotonic()
    tls = connect_tls(port, host=host, server_hostname=server_hostname,
                      context=context, session=session, timeout=timeout)
    try:
        if chunks is None:
            tls.sendall(data)
        else:
            for i, c in enumerate(chunks):
                if i:
                    time.sleep(delay)
                tls.sendall(c)
    except (OSError, ssl.SSLError):
        pass  # the server may already have answered and closed; read it
    return read_response(tls, timeout=timeout, start=start)


def tcp_exchange(port, data=b"", host="127.0.0.1", timeout=5.0):
    """Plain TCP (no TLS): connect, send data, read until the server closes.

    Returns (received_bytes, how, elapsed) where how is "eof", "reset" or
    "timeout".
    """
    start = time.monotonic()
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.settimeout(timeout)
    got = []
    how = "timeout"
    try:
        s.connect((host, port))
        if data:
            try:
                s.sendall(data)
            except OSError:
                pass
        deadline = start + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                how = "timeout"
                break
            s.settimeout(left)
            try:
                d = s.recv(65536)
            except socket.timeout:
                how = "timeout"
                break
            except (ConnectionResetError, BrokenPipeError):
                how = "reset"
                break
            if not d:
                how = "eof"
                break
            got.append(d)
    finally:
        s.close()
    return b"".join(got), how, time.monotonic() - start


def _tls_ext(kind, data):
    return struct.pack("!HH", kind, len(data)) + data


def raw_client_hello(version, hostname=b"localhost"):
    """A hand-built TLS ClientHello record offering exactly `version`
    (0x0302 = TLS 1.1, 0x0303 = TLS 1.2) and no supported_versions
    extension, so a server cannot negotiate anything newer."""
    ciphers = [0xc02b, 0xc02f, 0xc02c, 0xc030, 0xc009, 0xc013, 0xc00a,
               0xc014, 0x009c, 0x002f, 0x0035]
    cs = b"".join(struct.pack("!H", c) for c in ciphers)
    sni = struct.pack("!BH", 0, len(hostname)) + hostname
    groups = struct.pack("!HHH", 0x001d, 0x0017, 0x0018)
    sigalgs = struct.pack("!HHHHHH", 0x0403, 0x0503, 0x0804, 0x0805,
                          0x0401, 0x0201)
    exts = (_tls_ext(0x0000, struct.pack("!H", len(sni)) + sni)
            + _tls_ext(0x000a, struct.pack("!H", len(groups)) + groups)
            + _tls_ext(0x000b, b"\x01\x00")
            + _tls_ext(0x000d, struct.pack("!H", len(sigalgs)) + sigalgs)
            + _tls_ext(0xff01, b"\x00"))
    body = (struct.pack("!H", version) + os.urandom(32) + b"\x00"
            + struct.pack("!H", len(cs)) + cs + b"\x01\x00"
            + struct.pack("!H", len(exts)) + exts)
    hs = b"\x01" + struct.pack("!I", len(body))[1:] + body
    return b"\x16\x03\x01" + struct.pack("!H", len(hs)) + hs


def server_hello_version(data):
    """The version in a ServerHello at the start of data, or None when data
    does not start with a ServerHello (an alert, nothing, garbage)."""
    if len(data) < 11 or data[0] != 0x16 or data[5] != 0x02:
        return None
    return struct.unpack("!H", data[9:11])[0]


def fingerprints_in(text):
    """Every SHA-256 fingerprint in text, normalised to 64 lowercase hex."""
    return [m.replace(":", "").lower() for m in FINGERPRINT_RE.findall(text)]


def sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


class ServerExited(AssertionError):
    pass


class KizunaServer:
    """A kizuna process with its own temp dir, capsule, config and certs.

    Layout of self.dir:
        config.ini
        capsule/   index.gmi, docs/index.gmi, nodir/, picture (PNG), notes
                   (UTF-8 text), .hidden, .private/secret.gmi, escape ->
                   outside/secret.txt, escape_dir -> ../outside, inside ->
                   index.gmi, 日本語.gmi, nonl.gmi, big.bin (2 MB),
                   pipe (a FIFO, only with with_fifo=True)
        outside/   secret.txt, secret.gmi (never served)
        certs/     empty until the server creates cert.pem and key.pem
        access.log
        stderr.log, stdout.log
    """

    def __init__(self, timeout=5, addresses=("127.0.0.1",), workers=2,
                 hostname="localhost", extra_files=None, cwd=None,
                 config_overrides=None, binary=None, with_fifo=False,
                 preexec_fn=None, wrapper=None, env=None):
        # preexec_fn runs in the child before exec: its own resource limits.
        self.preexec_fn = preexec_fn
        # wrapper: a command line that runs kizuna (it is appended); one
        # that ends by exec'ing it (systemd-socket-activate, setpriv) keeps
        # proc.pid kizuna's. env: variables added to the child's environment.
        self.wrapper = list(wrapper or [])
        self.env = env
        self.binary = binary or KIZUNA_BIN
        self.dir = tempfile.mkdtemp(prefix="kizuna-it-")
        self.addresses = tuple(addresses)
        self.hostname = hostname
        self.timeout = timeout
        self.workers = workers
        self.port = free_port(self.addresses)
        self.cwd = cwd or self.dir
        self.proc = None
        self.config_path = os.path.join(self.dir, "config.ini")
        self.capsule = os.path.join(self.dir, "capsule")
        self.certs = os.path.join(self.dir, "certs")
        self.cert_path = os.path.join(self.certs, "cert.pem")
        self.key_path = os.path.join(self.certs, "key.pem")
        self.access_log = os.path.join(self.dir, "access.log")
        self.stderr_path = os.path.join(self.dir, "stderr.log")
        self.stdout_path = os.path.join(self.dir, "stdout.log")
        self._stderr_file = None
        self._stdout_file = None
        self.config_overrides = config_overrides or {}
        self.with_fifo = with_fifo
        self._build_capsule(extra_files or {})
        self.write_config()

    # ---- files -----------------------------------------------------------

    def _write(self, rel, data, mode=None):
        path = os.path.join(self.dir, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        if mode is not None:
            os.chmod(path, mode)
        return path

    def _build_capsule(self, extra_files):
        os.makedirs(self.certs)
        self._write("outside/secret.txt", SECRET + b"\n")
        self._write("outside/secret.gmi", b"# secret\n" + SECRET + b"\n")
        self._write("capsule/index.gmi", INDEX_GMI)
        self._write("capsule/docs/index.gmi", DOCS_INDEX_GMI)
        os.makedirs(os.path.join(self.capsule, "nodir"))
        self._write("capsule/picture", png_1x1())
        self._write("capsule/notes", NOTES_TEXT)
        self._write("capsule/.hidden", HIDDEN_TEXT)
        self._write("capsule/.private/secret.gmi", HIDDEN_TEXT)
        self._write("capsule/" + JAPANESE_NAME, JAPANESE_GMI)
        self._write("capsule/nonl.gmi", NO_FINAL_NEWLINE_GMI)
        # Pseudo-random, incompressible bytes, cheap to make.
        block = hashlib.sha512(b"kizuna").digest() * 16
        self._write("capsule/big.bin",
                    (block * (BIG_FILE_SIZE // len(block) + 1))[:BIG_FILE_SIZE])
        os.symlink(os.path.join(self.dir, "outside", "secret.txt"),
                   os.path.join(self.capsule, "escape"))
        os.symlink("../outside", os.path.join(self.capsule, "escape_dir"))
        os.symlink("index.gmi", os.path.join(self.capsule, "inside"))
        if self.with_fifo:
            os.mkfifo(os.path.join(self.capsule, "pipe"))
        for rel, data in extra_files.items():
            self._write(os.path.join("capsule", rel), data)

    def config_text(self):
        """The config file as a string. config_overrides maps
        (section, key) to a value, or to None to leave the key out."""
        values = [
            ("server", "hostname", self.hostname),
            ("server", "address", ", ".join(self.addresses)),
            ("server", "port", str(self.port)),
            ("server", "workers", str(self.workers)),
            ("server", "timeout", str(self.timeout)),
            ("tls", "cert", "certs/cert.pem"),
            ("tls", "key", "certs/key.pem"),
            ("capsule", "root", "capsule"),
            ("capsule", "lang", "ja"),
            ("log", "access", "access.log"),
        ]
        # Overrides of keys the defaults do not list go into their section.
        listed = {(sec, key) for sec, key, _ in values}
        extra = [(sec, key, val) for (sec, key), val
                 in self.config_overrides.items() if (sec, key) not in listed]
        order = [sec for sec, _, _ in values]
        values = sorted(values + extra,
                        key=lambda v: order.index(v[0]) if v[0] in order
                        else len(order))
        lines = ["; kizuna integration test config"]
        section = None
        for sec, key, val in values:
            val = self.config_overrides.get((sec, key), val)
            if sec != section:
                lines.append("")
                lines.append("[%s]" % sec)
                section = sec
            if val is not None:
                lines.append("%s = %s" % (key, val))
        return "\n".join(lines) + "\n"

    def write_config(self):
        with open(self.config_path, "w", encoding="utf-8") as f:
            f.write(self.config_text())

    # ---- process ---------------------------------------------------------

    def start(self, wait=True, args=None):
        if not os.path.exists(self.binary):
            raise AssertionError(
                "kizuna binary not found at %s (set KIZUNA_BIN or run make)"
                % self.binary)
        self._stderr_file = open(self.stderr_path, "ab")
        self._stdout_file = open(self.stdout_path, "ab")
        argv = self.wrapper + [self.binary, "-c", self.config_path] + \
            list(args or [])
        # A sanitizer build checks for leaks at exit. Its reports are left
        # unsymbolized: the symbolizer is a new process, which the seccomp
        # filter rightly refuses (symbolize them with llvm-symbolizer).
        env = dict(os.environ)
        env.setdefault("ASAN_OPTIONS", "detect_leaks=1:symbolize=0:color=never")
        env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1:symbolize=0:color=never")
        env.update(self.env or {})
        self.proc = subprocess.Popen(argv, cwd=self.cwd, env=env,
                                     stdin=subprocess.DEVNULL,
                                     stdout=self._stdout_file,
                                     stderr=self._stderr_file,
                                     preexec_fn=self.preexec_fn)
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self, limit=10.0):
        """Polls until every configured address accepts a TCP connection."""
        deadline = time.monotonic() + limit
        pending = list(self.addresses)
        while pending:
            if self.proc.poll() is not None:
                raise ServerExited(
                    "kizuna exited with status %s before listening; stderr:\n%s"
                    % (self.proc.returncode, self.stderr_text()))
            addr = pending[0]
            fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
            s = socket.socket(fam, socket.SOCK_STREAM)
            s.settimeout(0.5)
            try:
                s.connect((addr, self.port))
                pending.pop(0)
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError(
                        "kizuna not listening on %s port %d after %.0f s;"
                        " stderr:\n%s" % (addr, self.port, limit,
                                           self.stderr_text()))
                time.sleep(0.05)
            finally:
                s.close()

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, sig=signal.SIGTERM, limit=10.0):
        """Sends sig and waits up to limit seconds. Returns the exit status
        (negative: killed by that signal). If the server does not exit in
        time it is killed and an AssertionError is raised."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=limit)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
                self._close_files()
                raise AssertionError(
                    "kizuna did not exit within %.0f s of signal %d" % (limit, sig))
        self._close_files()
        return self.proc.returncode

    def wait_exit(self, limit=10.0):
        """Waits for the process to exit by itself; returns its status, or
        None (after killing it) when it is still running at the limit."""
        try:
            rc = self.proc.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)
            rc = None
        self._close_files()
        return rc

    def _close_files(self):
        for f in (self._stderr_file, self._stdout_file):
            if f is not None:
                f.close()
        self._stderr_file = self._stdout_file = None

    def cleanup(self):
        """Stops the server gracefully (so that a sanitizer build checks
        for leaks as it exits), removes its files, and fails the test when
        ASan, LeakSanitizer or UBSan reported anything."""
        if self.running():
            try:
                self.stop(limit=15)
            except AssertionError:
                pass   # killed: no leak check this time
        self._close_files()
        report = self.sanitizer_report()
        shutil.rmtree(self.dir, ignore_errors=True)
        if report:
            raise AssertionError("sanitizer report from kizuna:\n" + report)


    def start_or_clean(self):
        """start(); if that fails, the temp dir goes too (setUpClass)."""
        try:
            self.start()
        except BaseException:
            self.cleanup()
            raise
        return self

    def stop_and_clean(self):
        """stop() and the temp dir; asserts a clean exit (tearDownClass)."""
        try:
            rc = self.stop()
        finally:
            self.cleanup()
        assert rc == 0, rc

    def sanitizer_report(self):
        """What a sanitizer wrote to stderr, from its first line on."""
        text = self.stderr_text()
        m = re.search(r"^.*(ERROR: (Address|Leak)Sanitizer|runtime error:)",
                      text, re.M)
        return text[m.start():][:4000] if m else ""

    # ---- reading what the server wrote -----------------------------------

    def stderr_text(self):
        try:
            with open(self.stderr_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except FileNotFoundError:
            return ""

    def access_log_bytes(self):
        try:
            with open(self.access_log, "rb") as f:
                return f.read()
        except FileNotFoundError:
            return b""

    def wait_for_log(self, needle, limit=3.0):
        """Polls the access log until it holds needle (bytes); returns the
        log's bytes (which may lack needle when the limit is reached)."""
        deadline = time.monotonic() + limit
        while True:
            data = self.access_log_bytes()
            if needle in data or time.monotonic() > deadline:
                return data
            time.sleep(0.05)

    def wait_for_stderr(self, pattern, limit=3.0):
        """Polls stderr until the regex matches; returns the text."""
        deadline = time.monotonic() + limit
        while True:
            text = self.stderr_text()
            if re.search(pattern, text) or time.monotonic() > deadline:
                return text
            time.sleep(0.05)

    # ---- talking to it ---------------------------------------------------

    def url(self, path="/", host="localhost", port=True):
        if port is True:
            return "gemini://%s:%d%s" % (host, self.port, path)
        if port is None or port is False:
            return "gemini://%s%s" % (host, path)
        return "gemini://%s:%d%s" % (host, port, path)

    def line(self, path="/"):
        """The request line for path on this server, as bytes."""
        return self.url(path).encode("utf-8") + b"\r\n"

    def request(self, data, **kw):
        """Sends the exact bytes data; see request()."""
        kw.setdefault("timeout", max(5.0, self.timeout + 3.0))
        return request(self.port, data, **kw)

    def get(self, path="/", **kw):
        """Requests gemini://localhost:PORT{path}."""
        return self.request(self.line(path), **kw)
