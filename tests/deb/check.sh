#!/usr/bin/env bash
# The Debian package as an admin meets it, in a fresh minimal Debian root
# (debootstrap --variant=minbase bookworm, nothing cached between runs):
#
#   1. dpkg -i; the files in place, the sample capsule seeded,
#      kizuna -t -c /etc/kizuna/config.ini valid, the units verified by
#      systemd-analyze against the root's files; dpkg --purge; the root's
#      file list as before the install.
#   2. A life: the service's first start as systemd does it (state moved to
#      /var/lib/private, a certificate, a log), the admin's edits, an
#      upgrade that keeps them, a hostile rewrite of the checksum list;
#      purge removes what the package and its service made and leaves the
#      admin's files (and nothing outside the capsule) alone.
#
# Usage: tests/deb/check.sh build/deb/kizuna_VERSION_ARCH.deb
# As root (debootstrap, chroot, mount). DEB_MIRROR overrides the mirror
# (default: the first of this machine's apt sources, else deb.debian.org).
# DEB_CHECK_BASE=DIR copies an existing minbase root instead of making one
# (for repeated local runs; CI never sets it).
set -euo pipefail

[ "$(id -u)" = 0 ] || { echo "deb-check: run as root (debootstrap, chroot)" >&2; exit 2; }
deb=$(realpath "$1")
[ -f "$deb" ] || { echo "deb-check: no package $1" >&2; exit 2; }
pkg=$(dpkg-deb -f "$deb" Package)
version=$(dpkg-deb -f "$deb" Version)

work=$(mktemp -d /var/tmp/kizuna-deb-check.XXXXXX)
root=$work/root
cleanup() {
	umount "$root/proc" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

fail() { echo "deb-check: FAIL: $*" >&2; exit 1; }
step() { echo "== deb-check: $*"; }
in_root() { chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
	LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"; }

mirror=${DEB_MIRROR:-}
if [ -z "$mirror" ]; then
	mirror=$(grep -hsE '^(URIs:|deb) ' /etc/apt/sources.list /etc/apt/sources.list.d/*.sources \
		/etc/apt/sources.list.d/*.list | grep -m1 -E '/debian/?( |$)' |
		sed -E 's/^URIs: //; s/^deb (\[[^]]*\] )?//; s/ .*//') || true
	mirror=${mirror:-http://deb.debian.org/debian}
fi

if [ -n "${DEB_CHECK_BASE:-}" ]; then
	step "copying the minimal root $DEB_CHECK_BASE"
	cp -a "$DEB_CHECK_BASE" "$root"
else
	step "debootstrap --variant=minbase bookworm from $mirror"
	debootstrap --variant=minbase bookworm "$root" "$mirror" \
		> "$work/debootstrap.log" 2>&1 ||
		{ tail -20 "$work/debootstrap.log"; fail "debootstrap"; }
fi
cp /etc/resolv.conf "$root/etc/resolv.conf"
mount -t proc proc "$root/proc"
# No service of a dependency starts inside the root.
printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"
chmod 0755 "$root/usr/sbin/policy-rc.d"

# systemd as on a VPS (minbase has none): the units are verified against
# this root's targets and commands.
step "systemd and the package's dependencies ($(dpkg-deb -f "$deb" Depends))"
in_root apt-get update -q > "$work/apt.log" 2>&1 || { cat "$work/apt.log"; fail "apt-get update"; }
in_root apt-get satisfy -y -q --no-install-recommends "systemd, $(dpkg-deb -f "$deb" Depends)" \
	>> "$work/apt.log" 2>&1 || { tail -20 "$work/apt.log"; fail "installing the dependencies"; }

# Everything in the root but what dpkg and apt keep of their own doing
# (their databases, logs and caches, the linker's cache): type, mode,
# owner, size or link target, path. Directory sizes and times vary.
snapshot() {
	(cd "$root" && find . -xdev \
		\( -path ./proc -o -path ./sys -o -path ./dev -o -path ./tmp \
		   -o -path ./var/lib/dpkg -o -path ./var/lib/apt -o -path ./var/cache \
		   -o -path ./var/log/apt -o -path ./var/log/dpkg.log \
		   -o -path ./etc/ld.so.cache \) -prune -o \
		-type d -printf '%y %m %u:%g %p\n' -o \
		-printf '%y %m %u:%g %s %l %p\n') | LC_ALL=C sort > "$1"
}
same_as_before() {
	snapshot "$work/after"
	if ! diff -u "$work/before" "$work/after" > "$work/diff"; then
		cat "$work/diff"
		fail "$1: the root differs from before the install"
	fi
}

cp "$deb" "$root/tmp/$pkg.deb"
snapshot "$work/before"

# --- 1. install, check, purge ------------------------------------------------

step "dpkg -i $(basename "$deb")"
in_root dpkg -i "/tmp/$pkg.deb" 2>&1 | tee "$work/install.log" || fail "dpkg -i"
status=$(in_root dpkg-query -W -f '${Status}' "$pkg")
[ "$status" = "install ok installed" ] || fail "dpkg says: $status"

for f in /usr/bin/kizuna /usr/share/man/man8/kizuna.8.gz \
	/usr/share/man/man5/kizuna.ini.5.gz /lib/systemd/system/kizuna.service \
	/lib/systemd/system/kizuna.socket /etc/kizuna/config.ini \
	/var/lib/kizuna/capsule/index.gmi /var/lib/kizuna/sample-capsule.list; do
	[ -e "$root$f" ] || fail "$f is missing"
done
grep -qx /etc/kizuna/config.ini "$root/var/lib/dpkg/info/$pkg.conffiles" ||
	fail "/etc/kizuna/config.ini is not a conffile"
diff -r "$root/usr/share/kizuna/capsule" "$root/var/lib/kizuna/capsule" ||
	fail "the seeded capsule differs from the sample"
# Enabled the Debian way: the service yes, the socket no.
[ -L "$root/etc/systemd/system/multi-user.target.wants/kizuna.service" ] ||
	fail "kizuna.service is not enabled"
[ ! -e "$root/etc/systemd/system/sockets.target.wants/kizuna.socket" ] ||
	fail "kizuna.socket is enabled"

v=$(in_root kizuna -V)
[ "$v" = "kizuna ${version%%-*}" ] || fail "kizuna -V says '$v', the package is $version"

step "kizuna -t -c /etc/kizuna/config.ini"
in_root kizuna -t -c /etc/kizuna/config.ini 2>&1 | tee "$work/t.log" ||
	fail "kizuna -t refused the installed configuration"

step "systemd-analyze verify --root (the units against the root's systemd, binary, commands)"
SYSTEMD_LOG_LEVEL=notice systemd-analyze verify --root="$root" --man=no \
	/lib/systemd/system/kizuna.socket /lib/systemd/system/kizuna.service ||
	fail "systemd-analyze verify"
# --man=no: verify runs man(1), which a minimal root lacks; the pages that
# Documentation= names are looked for here instead.
for page in $(sed -n 's/^Documentation=//p' "$root"/lib/systemd/system/kizuna.* | tr ' ' '\n' |
	sed -n 's/^man:\(.*\)(\([0-9]\))$/\1.\2/p' | sort -u); do
	[ -e "$root/usr/share/man/man${page##*.}/$page.gz" ] ||
		fail "Documentation= names $page, which the package lacks"
done

step "dpkg --purge $pkg"
in_root dpkg --purge "$pkg" 2>&1 | tee "$work/purge.log" || fail "dpkg --purge"
same_as_before "install then purge"
echo "deb-check: after purge the root is as before the install"

# --- 2. first start, the admin's edits, an upgrade, purge ---------------------

step "install again; the service's first start as systemd makes it"
in_root dpkg -i "/tmp/$pkg.deb" > "$work/install2.log" 2>&1 ||
	{ cat "$work/install2.log"; fail "second install"; }
# DynamicUser=yes and StateDirectory=kizuna: the folder moves to
# /var/lib/private (systemd's, mode 0700) behind a symbolic link; kizuna generates its
# certificate; LogsDirectory=kizuna holds the access log.
mkdir -p -m 0700 "$root/var/lib/private"
mv "$root/var/lib/kizuna" "$root/var/lib/private/kizuna"
ln -s private/kizuna "$root/var/lib/kizuna"
state=$root/var/lib/private/kizuna
mkdir "$state/certs"
echo cert > "$state/certs/cert.pem"
echo key > "$state/certs/key.pem"
mkdir -p -m 0700 "$root/var/log/private/kizuna"
ln -s private/kizuna "$root/var/log/kizuna"
echo "127.0.0.1 20 /" > "$root/var/log/private/kizuna/access.log"

step "the admin's edits survive an upgrade"
echo "# my capsule" > "$state/capsule/index.gmi"
echo "# mine" > "$state/capsule/articles/mine.gmi"
rm "$state/capsule/robots.txt"
in_root dpkg -i "/tmp/$pkg.deb" > "$work/upgrade.log" 2>&1 ||
	{ cat "$work/upgrade.log"; fail "upgrade"; }
[ "$(cat "$state/capsule/index.gmi")" = "# my capsule" ] || fail "the upgrade overwrote index.gmi"
[ ! -e "$state/capsule/robots.txt" ] || fail "the upgrade put back a deleted robots.txt"
grep -q "installed the sample capsule" "$work/upgrade.log" && fail "the upgrade seeded the capsule again"

# The service's user owns the list: a compromised kizuna could list a file
# outside the capsule behind a symbolic link. Purge must not follow it.
ln -s /etc "$state/capsule/articles/etc"
sum=$(sha256sum < "$root/etc/hostname" | cut -d' ' -f1)
echo "$sum  ./articles/etc/hostname" >> "$state/sample-capsule.list"
cp -a "$root/etc/hostname" "$work/hostname"

step "dpkg --purge $pkg"
in_root dpkg --purge "$pkg" 2>&1 | tee "$work/purge2.log" || fail "dpkg --purge"
cmp -s "$root/etc/hostname" "$work/hostname" || fail "purge followed a link out of the capsule"
grep -q "kept /var/lib/private/kizuna" "$work/purge2.log" || fail "purge did not say what it kept"
left=$(cd "$root/var/lib/private/kizuna" && find . -mindepth 1 | LC_ALL=C sort | tr '\n' ' ')
[ "$left" = "./capsule ./capsule/articles ./capsule/articles/etc ./capsule/articles/mine.gmi ./capsule/index.gmi " ] ||
	fail "purge left: $left (expected the admin's files only)"
[ -L "$root/var/lib/kizuna" ] || fail "purge removed the link to what it kept"
[ ! -e "$root/var/log/kizuna" ] && [ ! -e "$root/var/log/private/kizuna" ] || fail "purge left the logs"
# The admin removes their own files; then nothing else is left.
rm -rf "$root/var/lib/private/kizuna" "$root/var/lib/kizuna"
same_as_before "a life then purge"
echo "deb-check: after purge only the admin's files were left, and outside the capsule nothing was touched"

step "passed"
