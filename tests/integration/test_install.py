"""make install / make uninstall into a staging DESTDIR: the file list, the
installed binary and example configuration actually serving, a second
install keeping the admin's edits, and uninstall removing only what install
put there."""

import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import time
import unittest

from kizuna_harness import REPO_ROOT, free_port, request

PREFIX = "/usr"
STATE = "var/lib/kizuna"

# What `make install PREFIX=/usr` always installs, relative to DESTDIR.
PROGRAM_FILES = {
    "usr/bin/kizuna",
    "usr/share/man/man8/kizuna.8",
    "usr/share/man/man5/kizuna.ini.5",
    "usr/lib/systemd/system/kizuna.service",
    "usr/lib/systemd/system/kizuna.socket",
}
CONFIG = "etc/kizuna/config.ini"

# An admin's files, there before kizuna: uninstall must leave them alone.
ADMIN_FILES = {
    "usr/bin/other-tool": b"#!/bin/sh\n",
    "usr/share/man/man8/other.8": b".Dd\n",
    "usr/lib/systemd/system/other.service": b"[Service]\n",
    "etc/other.conf": b"x = 1\n",
}


def files_under(root):
    """Every file and symbolic link under root, as relative paths."""
    found = set()
    for dirpath, dirnames, filenames in os.walk(root):
        for name in filenames + [d for d in dirnames
                                 if os.path.islink(os.path.join(dirpath, d))]:
            found.add(os.path.relpath(os.path.join(dirpath, name), root))
    return found


def sample_capsule_files():
    root = os.path.join(REPO_ROOT, "capsule")
    return {os.path.join(STATE, "capsule", p) for p in files_under(root)}


class InstallTests(unittest.TestCase):

    def setUp(self):
        self.destdir = tempfile.mkdtemp(prefix="kizuna-install-")
        self.addCleanup(shutil.rmtree, self.destdir, ignore_errors=True)
        for rel, data in ADMIN_FILES.items():
            self.write(rel, data)

    def path(self, rel):
        return os.path.join(self.destdir, rel)

    def write(self, rel, data):
        os.makedirs(os.path.dirname(self.path(rel)), exist_ok=True)
        with open(self.path(rel), "wb") as f:
            f.write(data)

    def read(self, rel):
        with open(self.path(rel), "rb") as f:
            return f.read()

    def make(self, target, *extra):
        """make TARGET DESTDIR=... PREFIX=/usr in the repository. The
        compiler and SANITIZE come from the calling make's MAKEFLAGS, so
        the binary installed is the one under test, not a new build."""
        p = subprocess.run(
            ["make", "--no-print-directory", "-C", REPO_ROOT, target,
             "DESTDIR=" + self.destdir, "PREFIX=" + PREFIX] + list(extra),
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, timeout=300)
        out = p.stdout.decode("utf-8", "replace")
        self.assertEqual(p.returncode, 0, "make %s failed:\n%s" % (target, out))
        return out

    def run_installed(self, *args):
        return subprocess.run([self.path("usr/bin/kizuna")] + list(args),
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=30)

    def staged_config(self, port):
        """The installed config with its absolute /var/lib/kizuna paths moved
        into DESTDIR, on a free loopback port: the layout as a real install
        would use it. Written outside DESTDIR, so it is no admin's file."""
        text = self.read(CONFIG).decode("utf-8")
        for key, rel in (("root", STATE + "/capsule"),
                         ("cert", STATE + "/certs/cert.pem"),
                         ("key", STATE + "/certs/key.pem")):
            line = "%s = /%s" % (key, rel)
            self.assertIn("\n" + line + "\n", text,
                          "installed config lacks %r" % line)
            text = text.replace(line, "%s = %s" % (key, self.path(rel)))
        text = re.sub(r"(?m)^address = .*$", "address = 127.0.0.1", text)
        text = re.sub(r"(?m)^port = .*$", "port = %d" % port, text)
        text = re.sub(r"(?m)^workers = .*$", "workers = 1", text)
        elsewhere = tempfile.mkdtemp(prefix="kizuna-install-cfg-")
        self.addCleanup(shutil.rmtree, elsewhere, ignore_errors=True)
        path = os.path.join(elsewhere, "config.ini")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def serve_once(self, config_path, port):
        """Starts the installed binary, GETs /, stops it. Returns the
        response and kizuna's stderr."""
        proc = subprocess.Popen([self.path("usr/bin/kizuna"), "-c",
                                 config_path], stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + 15
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), 0.5).close()
                    break
                except OSError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        raise AssertionError("installed kizuna did not listen:"
                                             " %s" % proc.stderr.read())
                    time.sleep(0.05)
            r = request(port, b"gemini://localhost:%d/\r\n" % port)
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                _, err = proc.communicate(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                _, err = proc.communicate()
        self.assertEqual(proc.returncode, 0, err)
        return r, err.decode("utf-8", "replace")

    def test_install_serve_reinstall_uninstall(self):
        out = self.make("install")
        self.assertIn("installed the sample capsule", out)

        # Exactly the program, the config, the sample capsule and what the
        # admin had.
        expected = (PROGRAM_FILES | {CONFIG} | sample_capsule_files()
                    | set(ADMIN_FILES))
        self.assertEqual(files_under(self.destdir), expected)
        mode = stat.S_IMODE(os.stat(self.path("usr/bin/kizuna")).st_mode)
        self.assertEqual(mode, 0o755)
        for rel in PROGRAM_FILES - {"usr/bin/kizuna"}:
            self.assertEqual(stat.S_IMODE(os.stat(self.path(rel)).st_mode),
                             0o644, rel)
        unit = self.read("usr/lib/systemd/system/kizuna.service").decode()
        self.assertIn("\nExecStart=/usr/bin/kizuna -c /etc/kizuna/config.ini\n",
                      unit)
        self.assertNotIn("@", unit.replace("@system-service", "")
                         .replace("@privileged", ""))

        # The installed binary runs, and its example config is valid and
        # serves the sample capsule once its paths are moved into DESTDIR.
        v = self.run_installed("-V")
        self.assertEqual(v.returncode, 0)
        self.assertRegex(v.stdout.decode(), r"^kizuna \d+\.\d+")
        port = free_port()
        config = self.staged_config(port)
        t = self.run_installed("-t", "-c", config)
        self.assertEqual(t.returncode, 0, t.stderr)
        self.assertIn(b"configuration is valid", t.stderr)
        r, err = self.serve_once(config, port)
        self.assertEqual(r.status, 20, r)
        with open(os.path.join(REPO_ROOT, "capsule", "index.gmi"), "rb") as f:
            self.assertEqual(r.body, f.read())
        self.assertIn("certificate SHA-256 fingerprint", err)
        certs = {STATE + "/certs/cert.pem", STATE + "/certs/key.pem"}
        self.assertTrue(certs <= files_under(self.destdir))

        # The admin edits; a second install keeps the edits.
        edited_config = self.read(CONFIG) + b"; edited by the admin\n"
        self.write(CONFIG, edited_config)
        edited_index = b"# my own capsule\n"
        self.write(STATE + "/capsule/index.gmi", edited_index)
        self.write(STATE + "/capsule/mine.gmi", b"# mine\n")
        out = self.make("install")
        self.assertIn("kept the existing", out)
        self.assertEqual(self.read(CONFIG), edited_config)
        self.assertEqual(self.read(STATE + "/capsule/index.gmi"), edited_index)

        # Uninstall: the program goes; config, capsule, key and the admin's
        # own files stay.
        out = self.make("uninstall")
        self.assertIn("left %s" % self.path("etc/kizuna"), out)
        left = files_under(self.destdir)
        self.assertFalse(PROGRAM_FILES & left, PROGRAM_FILES & left)
        self.assertEqual(left, (set(ADMIN_FILES) | {CONFIG}
                                | sample_capsule_files() | certs
                                | {STATE + "/capsule/mine.gmi"}))
        self.assertEqual(self.read(CONFIG), edited_config)
        for rel, data in ADMIN_FILES.items():
            self.assertEqual(self.read(rel), data)
        # A second uninstall has nothing left to do, and says so calmly.
        self.make("uninstall")
        self.assertEqual(files_under(self.destdir), left)

    def test_package_layout(self):
        """SEED_STATE=no, as debian/rules installs: the sample capsule is one
        of the program's files in /usr/share/kizuna, and nothing is put in
        /var/lib/kizuna, which the package's postinst seeds at the first
        install only."""
        out = self.make("install", "SEED_STATE=no")
        self.assertIn("installed the sample capsule in %s"
                      % self.path("usr/share/kizuna/capsule"), out)
        sample = {p.replace(STATE + "/capsule", "usr/share/kizuna/capsule")
                  for p in sample_capsule_files()}
        self.assertEqual(files_under(self.destdir),
                         PROGRAM_FILES | {CONFIG} | sample | set(ADMIN_FILES))
        self.assertFalse(os.path.exists(self.path(STATE)))
        for rel in sample:
            self.assertEqual(stat.S_IMODE(os.stat(self.path(rel)).st_mode),
                             0o644, rel)
        # Installing again (an upgrade's build) replaces the sample.
        self.write("usr/share/kizuna/capsule/stale.gmi", b"# old\n")
        self.make("install", "SEED_STATE=no")
        self.assertFalse(os.path.exists(
            self.path("usr/share/kizuna/capsule/stale.gmi")))


if __name__ == "__main__":
    unittest.main()
