"""make test's own checks on the machines and trees users have (issue 15):
a Debian container image without man(1), a capsule the user has written in,
a compiler newer than the project's (no -Werror outside its own checks).

Each test runs a make target in a view of the repository: a temporary
folder whose entries are symbolic links to the repository's, except those
copied so that the test can change them. Make follows the links, so the
binary and objects built by the calling make are up to date there and
nothing is rebuilt; what the view changes stays out of the repository."""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest

from kizuna_harness import REPO_ROOT

# man(1) as a machine without man-db has it: absent. A stub that fails is
# the same to systemd-analyze, and is what the message shows.
FAILING_MAN = "#!/bin/sh\necho 'man: not installed here' >&2\nexit 1\n"


class RepoView:
    """A temporary view of the repository; `copied` entries are real copies."""

    def __init__(self, copied=()):
        self.root = tempfile.mkdtemp(prefix="kizuna-view-")
        for name in os.listdir(REPO_ROOT):
            if name == ".git":
                continue
            src = os.path.join(REPO_ROOT, name)
            dst = os.path.join(self.root, name)
            if name in copied:
                if os.path.isdir(src):
                    shutil.copytree(src, dst, symlinks=True)
                else:
                    shutil.copy2(src, dst)
            else:
                os.symlink(src, dst)

    def path(self, *parts):
        return os.path.join(self.root, *parts)

    def cleanup(self):
        shutil.rmtree(self.root, ignore_errors=True)

    def make(self, target, env=None):
        """(exit status, output) of make TARGET in the view. The compiler
        and SANITIZE come from the calling make's MAKEFLAGS, so the targets
        use the binary under test."""
        p = subprocess.run(
            ["make", "--no-print-directory", "-C", self.root, target],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, timeout=300,
            env=dict(os.environ, **(env or {})))
        return p.returncode, p.stdout.decode("utf-8", "replace")


class ViewTestCase(unittest.TestCase):

    def view(self, copied=()):
        v = RepoView(copied)
        self.addCleanup(v.cleanup)
        return v

    def assertMakes(self, view, target, env=None):
        rc, out = view.make(target, env)
        self.assertEqual(rc, 0, "make %s failed:\n%s" % (target, out))
        return out


class UnitsWithoutManTests(ViewTestCase):
    """Fault 1: systemd-analyze verify ran man(1) on the units'
    Documentation= pages, and failed where man-db is not installed."""

    def path_without_man(self):
        bindir = tempfile.mkdtemp(prefix="kizuna-noman-")
        self.addCleanup(shutil.rmtree, bindir, ignore_errors=True)
        man = os.path.join(bindir, "man")
        with open(man, "w") as f:
            f.write(FAILING_MAN)
        os.chmod(man, 0o755)
        return {"PATH": bindir + os.pathsep + os.environ.get("PATH", "")}

    def test_check_units_passes_without_man(self):
        out = self.assertMakes(self.view(), "check-units",
                               self.path_without_man())
        self.assertIn("systemd units: verified", out)
        self.assertNotIn("Command 'man", out)
        self.assertIn("kizuna.8", out)
        self.assertIn("kizuna.ini.5", out)

    def test_a_documentation_page_missing_from_man_fails(self):
        v = self.view(copied=("dist",))
        unit = v.path("dist", "kizuna.socket")
        with open(unit, encoding="utf-8") as f:
            text = f.read()
        self.assertIn("Documentation=man:kizuna(8)\n", text)
        with open(unit, "w", encoding="utf-8") as f:
            f.write(text.replace("Documentation=man:kizuna(8)\n",
                                 "Documentation=man:kizuna-nowhere(8)\n"))
        rc, out = v.make("check-units", self.path_without_man())
        self.assertNotEqual(rc, 0, out)
        self.assertIn("kizuna-nowhere.8, not in man/", out)


# What a user adds to their capsule: a new article whose name has spaces
# (a shell or a make rule that splits words breaks on it), and a home page
# of their own.
USER_ARTICLE = ("my second post.txt",
                "title: My second post\ndate: 2026-11-01\n"
                "A post of my own, in my own capsule.\n")
USER_HOME = "# My own capsule\n\n=> articles/ My posts\n"
# And an edit to a shipped article: theirs now.
USER_EDITED = ("kokoro-no-tsunagari.txt", "\n## My own last word\n\nMine.\n")


class UserCapsuleTests(ViewTestCase):
    """Fault 2: the golden check converted capsule/articles, so any article
    a user added there (or a home page they rewrote) failed make test."""

    def user_view(self):
        v = self.view(copied=("capsule",))
        name, text = USER_ARTICLE
        with open(v.path("capsule", "articles", name), "w",
                  encoding="utf-8") as f:
            f.write(text)
        with open(v.path("capsule", "index.gmi"), "w", encoding="utf-8") as f:
            f.write(USER_HOME)
        name, text = USER_EDITED
        with open(v.path("capsule", "articles", name), "a",
                  encoding="utf-8") as f:
            f.write(text)
        return v

    def test_unit_tests_ignore_the_users_articles(self):
        out = self.assertMakes(self.user_view(), "unit")
        self.assertNotIn("FAILED", out)

    def test_golden_check_ignores_the_users_articles(self):
        out = self.assertMakes(self.user_view(), "golden-check")
        self.assertIn("golden pages: identical", out)

    def test_article_tests_ignore_the_users_articles(self):
        v = self.user_view()
        # By PYTHONPATH, not cwd: a working directory is resolved to the
        # repository's real path, and the module would read the repository.
        env = dict(os.environ, PYTHONPATH=v.path("tests", "integration"))
        p = subprocess.run(
            [sys.executable, "-m", "unittest", "test_articles"],
            cwd=v.root, env=env, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600)
        self.assertEqual(p.returncode, 0, p.stdout.decode("utf-8", "replace"))


class WerrorTests(ViewTestCase):
    """Fault 8: -Werror was in every build, so a newer compiler's new
    warning broke a user's make and make install."""

    def compile_lines(self, *args):
        """The compiler lines make would run for ARGS, everything rebuilt,
        run as a user would (no MAKEFLAGS from the calling make test)."""
        env = {k: v for k, v in os.environ.items()
               if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "WERROR")}
        p = subprocess.run(
            ["make", "--no-print-directory", "-n", "-B", "-C", REPO_ROOT]
            + list(args), env=env, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
        out = p.stdout.decode("utf-8", "replace")
        self.assertEqual(p.returncode, 0, out)
        lines = [l for l in out.splitlines() if " -c src/" in l]
        self.assertTrue(lines, "no compiler line in:\n%s" % out[-2000:])
        return lines

    def test_the_default_build_does_not_make_warnings_errors(self):
        for target in ("all", "install"):
            for line in self.compile_lines(target, "DESTDIR=/nonexistent"):
                self.assertIn("-Wall", line)
                self.assertNotIn("-Werror", line, target)

    def test_make_test_and_werror_make_warnings_errors(self):
        for line in self.compile_lines("WERROR=1", "all"):
            self.assertIn("-Werror", line)
        for line in self.compile_lines("test"):
            self.assertIn("-Werror", line)


if __name__ == "__main__":
    unittest.main()
