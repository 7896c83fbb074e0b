"""Started as root, kizuna serves as [server] user and cannot come back."""

import os
import pwd
import signal
import time
import unittest

from kizuna_harness import KizunaServer


def ids_of(pid):
    """(real, effective, saved) uids and gids and the groups of pid."""
    with open("/proc/%d/status" % pid) as f:
        fields = dict(line.split(":", 1) for line in f if ":" in line)
    uids = [int(x) for x in fields["Uid"].split()[:3]]
    gids = [int(x) for x in fields["Gid"].split()[:3]]
    groups = [int(x) for x in fields["Groups"].split()]
    return uids, gids, groups


@unittest.skipUnless(os.geteuid() == 0, "needs root to test the drop")
class PrivilegeDropTests(unittest.TestCase):

    def start(self, overrides=None):
        srv = KizunaServer(config_overrides=overrides)
        self.addCleanup(srv.cleanup)
        return srv

    def test_started_as_root_it_serves_as_nobody(self):
        srv = self.start()
        srv.start()
        try:
            # The port accepts from listen(), before the drop: wait for it.
            srv.wait_for_stderr(r"serving as user", limit=10)
            nobody = pwd.getpwnam("nobody")
            uids, gids, groups = ids_of(srv.proc.pid)
            self.assertEqual(uids, [nobody.pw_uid] * 3, "uid not dropped")
            self.assertEqual(gids, [nobody.pw_gid] * 3, "gid not dropped")
            self.assertNotIn(0, groups, "kept root's supplementary groups")
            r = srv.get("/")
            self.assertEqual(r.status, 20)
            self.assertIn("serving as user nobody", srv.stderr_text())
        finally:
            self.assertEqual(srv.stop(), 0)

    def test_every_worker_thread_dropped_too(self):
        srv = self.start()
        srv.start()
        try:
            nobody = pwd.getpwnam("nobody").pw_uid
            # The workers start after the port accepts: wait for them.
            deadline = time.monotonic() + 10
            while True:
                tasks = os.listdir("/proc/%d/task" % srv.proc.pid)
                if len(tasks) > 1 or time.monotonic() > deadline:
                    break
                time.sleep(0.05)
            self.assertGreater(len(tasks), 1)
            for tid in tasks:
                with open("/proc/%d/task/%s/status" % (srv.proc.pid, tid)) as f:
                    uid = next(l for l in f if l.startswith("Uid:"))
                self.assertEqual([int(x) for x in uid.split()[1:4]],
                                 [nobody] * 3, "thread %s still root" % tid)
        finally:
            self.assertEqual(srv.stop(), 0)

    def test_unknown_user_refuses_to_serve(self):
        srv = self.start({("server", "user"): "no-such-user-kizuna"})
        srv.start(wait=False)
        self.assertNotEqual(srv.proc.wait(timeout=10), 0)
        self.assertIn("no-such-user-kizuna", srv.stderr_text())

    def test_root_as_user_is_refused(self):
        srv = self.start({("server", "user"): "root"})
        srv.start(wait=False)
        self.assertNotEqual(srv.proc.wait(timeout=10), 0)
        self.assertIn("is root", srv.stderr_text())


@unittest.skipUnless(os.geteuid() == 0, "needs root to test the drop")
class AccessLogOwnerTests(unittest.TestCase):
    """Started as root, kizuna creates the access log before the drop: the
    file goes to the service user, who must reopen it on SIGUSR1 (issue 10,
    finding 7)."""

    def start(self, user):
        srv = KizunaServer(config_overrides={
            ("server", "user"): user, ("log", "access"): "logs/access.log"})
        self.addCleanup(srv.cleanup)
        os.chmod(srv.dir, 0o755)
        # As systemd's LogsDirectory or an installer makes it: a folder of
        # the service user's, holding no log yet.
        logs = os.path.join(srv.dir, "logs")
        os.mkdir(logs, 0o755)
        pw = pwd.getpwnam(user)
        os.chown(logs, pw.pw_uid, pw.pw_gid)
        srv.access_log = os.path.join(logs, "access.log")
        srv.start()
        return srv, pw

    def reopen(self, srv):
        before = srv.stderr_text().count("access log reopened")
        srv.proc.send_signal(signal.SIGUSR1)
        deadline = time.monotonic() + 5
        while srv.stderr_text().count("access log reopened") == before:
            self.assertNotIn("reopening the access log", srv.stderr_text())
            self.assertLess(time.monotonic(), deadline,
                            "SIGUSR1 did not reopen the access log:\n"
                            + srv.stderr_text()[-2000:])
            time.sleep(0.05)

    def check_log_is_the_users(self, user):
        srv, pw = self.start(user)
        st = os.stat(srv.access_log)
        self.assertEqual((st.st_uid, st.st_gid, st.st_mode & 0o777),
                         (pw.pw_uid, pw.pw_gid, 0o640))
        self.assertEqual(srv.get("/").status, 20)
        self.assertIn(b" 20 ", srv.wait_for_log(b" 20 "))
        # SIGUSR1 with nothing rotated: the same file, opened again.
        self.reopen(srv)
        self.assertEqual(srv.get("/docs/").status, 20)
        self.assertIn(b"/docs/", srv.wait_for_log(b"/docs/"))
        # Rotated by a rename: kizuna creates the new file, as the user.
        rotated = srv.access_log + ".1"
        os.rename(srv.access_log, rotated)
        self.reopen(srv)
        self.assertEqual(srv.get("/notes").status, 20)
        self.assertIn(b"/notes", srv.wait_for_log(b"/notes"))
        with open(rotated, "rb") as f:
            self.assertNotIn(b"/notes", f.read())
        self.assertEqual(os.stat(srv.access_log).st_uid, pw.pw_uid)
        self.assertNotIn("reopening the access log", srv.stderr_text())
        self.assertNotIn("belongs to root", srv.stderr_text())
        self.assertEqual(srv.stop(), 0)

    def test_log_created_as_root_is_the_service_users(self):
        self.check_log_is_the_users("daemon")

    def test_log_created_as_root_is_nobodys_when_nobody_serves(self):
        # The default user: SIGUSR1 must work there too (issue 10, 7).
        self.check_log_is_the_users("nobody")


if __name__ == "__main__":
    unittest.main()
