"""What the serving process can still do, and what it no longer holds.

- The private key's PEM text and DER bytes are wiped once the TLS context
  holds the key: scanning the live process's memory finds neither, whether
  the key was generated at start-up or loaded from a file.
- Every thread runs with no_new_privs and a seccomp filter (Seccomp: 2).
- The start-up log says which confinement is in force.
Landlock's rules are checked in tests/unit/test_sandbox.c, where a forked
child can try what the server must not.
"""

import base64
import os
import re
import subprocess
import unittest

from kizuna_harness import KizunaServer


def memory_regions(pid):
    """(start, end) of every readable mapping of pid."""
    with open("/proc/%d/maps" % pid) as f:
        for line in f:
            fields = line.split()
            start, end = (int(x, 16) for x in fields[0].split("-"))
            name = fields[5] if len(fields) > 5 else ""
            if fields[1][0] == "r" and name not in ("[vvar]", "[vsyscall]"):
                yield start, end


# Bigger mappings are a sanitizer's shadow memory, not the heap.
REGION_LIMIT = 1 << 32
CHUNK = 1 << 24


def find_in_memory(pid, needles):
    """The needles (bytes) found anywhere in pid's readable memory."""
    found = set()
    overlap = max(len(n) for n in needles)
    with open("/proc/%d/mem" % pid, "rb", buffering=0) as mem:
        for start, end in memory_regions(pid):
            if end - start > REGION_LIMIT:
                continue
            tail = b""
            for at in range(start, end, CHUNK):
                try:
                    mem.seek(at)
                    data = tail + mem.read(min(CHUNK, end - at))
                except OSError:
                    break
                for n in needles:
                    if n in data:
                        found.add(n)
                tail = data[-overlap:]
    return found


def key_needles(key_path):
    """Byte strings that only the key file holds: each base64 line of its
    PEM (of a size no other data would match by chance) and the DER."""
    with open(key_path, "rb") as f:
        pem = f.read()
    lines = [l for l in pem.splitlines()
             if l and not l.startswith(b"-----") and len(l) >= 40]
    der = base64.b64decode(b"".join(lines))
    return lines + [der]


def can_read_memory(pid):
    try:
        with open("/proc/%d/mem" % pid, "rb", buffering=0) as mem:
            start, _ = next(memory_regions(pid))
            mem.seek(start)
            mem.read(1)
        return True
    except (OSError, StopIteration):
        return False


def status_fields(path):
    with open(path) as f:
        return dict((k, v.strip()) for k, v in
                    (line.split(":", 1) for line in f if ":" in line))


class KeyMaterialTests(unittest.TestCase):

    def start(self, make_key_first):
        srv = KizunaServer()
        self.addCleanup(srv.cleanup)
        if make_key_first:
            subprocess.run(
                ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                 "ec_paramgen_curve:P-256", "-nodes", "-days", "30",
                 "-subj", "/CN=localhost", "-keyout", srv.key_path,
                 "-out", srv.cert_path],
                check=True, capture_output=True)
        srv.start()
        if not can_read_memory(srv.proc.pid):
            self.skipTest("cannot read the server's memory here (ptrace "
                          "restrictions)")
        return srv

    def assert_key_wiped(self, srv):
        # Handshakes first: the key must not come back while in use.
        for _ in range(3):
            self.assertEqual(srv.get("/").status, 20)
        needles = key_needles(srv.key_path)
        # The needles are real: this test process holds them, and would
        # find them in its own memory.
        self.assertEqual(find_in_memory(os.getpid(), needles[-1:]),
                         set(needles[-1:]))
        found = find_in_memory(srv.proc.pid, needles)
        self.assertEqual(found, set(), "the key's %d of %d PEM lines/DER "
                         "are still in the server's memory" % (
                             len(found), len(needles)))

    def test_loaded_key_is_wiped(self):
        srv = self.start(make_key_first=True)
        self.assert_key_wiped(srv)
        self.assertEqual(srv.stop(), 0)

    def test_generated_key_is_wiped(self):
        srv = self.start(make_key_first=False)
        self.assertIn("created a self-signed certificate", srv.stderr_text())
        self.assert_key_wiped(srv)
        self.assertEqual(srv.stop(), 0)


class SystemCallFilterTests(unittest.TestCase):

    def test_every_thread_is_filtered_and_cannot_gain_privileges(self):
        srv = KizunaServer(workers=2)
        self.addCleanup(srv.cleanup)
        srv.start()
        self.assertEqual(srv.get("/").status, 20)
        tasks = os.listdir("/proc/%d/task" % srv.proc.pid)
        self.assertGreaterEqual(len(tasks), 3, "main thread and 2 workers")
        for tid in tasks:
            st = status_fields("/proc/%d/task/%s/status" % (srv.proc.pid,
                                                             tid))
            self.assertEqual(st.get("NoNewPrivs"), "1", "thread %s" % tid)
            self.assertEqual(st.get("Seccomp"), "2", "thread %s has no "
                             "seccomp filter" % tid)
        log = srv.stderr_text()
        self.assertRegex(log, r"seccomp: \d+ system calls allowed")
        self.assertRegex(log, r"landlock: (ABI \d+|not available)")
        # And it still serves everything the tests expect of it.
        self.assertEqual(srv.get("/docs/").status, 20)
        self.assertEqual(srv.get("/escape").status, 51)
        self.assertEqual(srv.stop(), 0)


WITHOUT = os.environ.get("KIZUNA_WITHOUT_SYSCALLS", "")


@unittest.skipUnless(os.access(WITHOUT, os.X_OK),
                     "KIZUNA_WITHOUT_SYSCALLS not built (make integration "
                     "builds it)")
class OlderKernelTests(unittest.TestCase):
    """Each layer falls back, with a warning, where the kernel lacks it."""

    def start(self, missing):
        srv = KizunaServer(wrapper=[WITHOUT, missing])
        self.addCleanup(srv.cleanup)
        srv.start()
        return srv

    def test_without_landlock_and_seccomp_it_warns_and_serves(self):
        srv = self.start("landlock,seccomp")
        r = srv.get("/")
        self.assertEqual(r.status, 20)
        self.assertEqual(srv.get("/escape").status, 51)
        self.assertEqual(srv.get("/escape_dir/secret.txt").status, 51)
        log = srv.stderr_text()
        self.assertRegex(log, r"warn: landlock: not available \(not in "
                         r"this kernel")
        self.assertRegex(log, r"warn: seccomp: not available \(not in "
                         r"this kernel\)")
        self.assertEqual(srv.stop(), 0)

    def test_without_openat2_it_walks_and_follows_no_link(self):
        srv = self.start("openat2")
        r = srv.get("/docs/")
        self.assertEqual(r.status, 20, r)
        self.assertEqual(srv.get("/").status, 20)
        # Links: the one leaving the root, and (stricter than openat2) the
        # one that stays inside, are both refused.
        self.assertEqual(srv.get("/escape").status, 51)
        self.assertEqual(srv.get("/escape_dir/secret.txt").status, 51)
        self.assertEqual(srv.get("/inside").status, 51)
        self.assertRegex(srv.stderr_text(), r"warn: openat2 is not "
                         r"available")
        self.assertEqual(srv.stop(), 0)


if __name__ == "__main__":
    unittest.main()
