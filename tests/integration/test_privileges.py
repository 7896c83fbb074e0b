"""Started as root, kizuna serves as [server] user and cannot come back."""

import os
import pwd
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
            tasks = os.listdir("/proc/%d/task" % srv.proc.pid)
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


if __name__ == "__main__":
    unittest.main()
