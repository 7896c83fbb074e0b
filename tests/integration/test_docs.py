"""The manual keeps up with the code: every key of config.ini is described in
kizuna.ini(5), in its section, and the manual names no key config.ini lacks;
every key of a [location] section, which config.ini does not set, is
described under the manual's [location "PREFIX"], and no other."""

import os
import re
import unittest

from kizuna_harness import REPO_ROOT


def config_keys():
    """(section, key) of every key = value line of config.ini, and of every
    key shown commented out as ";key = value" (one without a default that
    the example cannot set, such as a file that must exist)."""
    keys, section = set(), None
    with open(os.path.join(REPO_ROOT, "config.ini"), encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            m = re.match(r"^\[(\w+)\]$", line)
            if m:
                section = m.group(1)
            elif line and line[0] not in ";#" and "=" in line:
                keys.add((section, line.split("=", 1)[0].strip()))
            elif re.match(r"^;\w+ = ", line):
                keys.add((section, line[1:].split("=", 1)[0].strip()))
    return keys


def manual_keys():
    """(section, key) of every `.It Cm key` under `.Ss [section]` of
    kizuna.ini.5."""
    keys, section = set(), None
    path = os.path.join(REPO_ROOT, "man", "kizuna.ini.5")
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^\.Ss \[(\w+)\]", line)
            if m:
                section = m.group(1)
            elif line.startswith(".Sh "):
                section = None
            m = re.match(r"^\.It Cm (\w+)", line)
            if m and section is not None:
                keys.add((section, m.group(1)))
    return keys


def location_keys_in_code():
    """Names of the [location] keys in config.c's table of keys."""
    path = os.path.join(REPO_ROOT, "src", "config.c")
    with open(path, encoding="utf-8") as f:
        return set(re.findall(r'\{ "location", "(\w+)"', f.read()))


def location_keys_in_manual():
    """Every `.It Cm key` under `.Ss [location \\(dqPREFIX\\(dq]` of
    kizuna.ini.5, up to the next .Ss or .Sh."""
    keys, inside = set(), False
    path = os.path.join(REPO_ROOT, "man", "kizuna.ini.5")
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith((".Ss ", ".Sh ")):
                inside = line.startswith(r".Ss [location \(dqPREFIX\(dq]")
            m = re.match(r"^\.It Cm (\w+)", line)
            if m and inside:
                keys.add(m.group(1))
    return keys


class ManualTests(unittest.TestCase):

    def test_every_config_key_is_in_kizuna_ini_5(self):
        in_config, in_manual = config_keys(), manual_keys()
        self.assertGreater(len(in_config), 10)
        self.assertEqual(in_config - in_manual, set(),
                         "keys of config.ini missing from man/kizuna.ini.5")
        self.assertEqual(in_manual - in_config, set(),
                         "keys in man/kizuna.ini.5 that config.ini lacks")

    def test_every_location_key_is_in_kizuna_ini_5(self):
        in_code, in_manual = location_keys_in_code(), location_keys_in_manual()
        self.assertGreater(len(in_code), 5)
        self.assertEqual(in_code, in_manual,
                         "[location] keys of src/config.c and of the "
                         "manual's [location \"PREFIX\"] differ")


if __name__ == "__main__":
    unittest.main()
