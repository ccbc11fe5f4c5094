#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The packages as CI checks them (tests/ci.sh runs this unless MDEVADM_SKIP_PACKAGING=1):
#   - make distcheck in BUILD with -Werror: the suite's -Werror run, on the tarball, with the
#     rule, unit, links and completions installed under distcheck's own prefix;
#   - from that tarball: the Debian packages (dpkg-buildpackage, nocheck: the suite ran above)
#     and lintian, failing on any error or warning, beside the RPM (rpmbuild -bb --nodeps with
#     Debian's rpm, which has none of the BuildRequires in its database); both must install the
#     same files;
#   - as root on Debian with apt (CI): the README's first command as written, and the upgrade
#     from Debian's mdevctl 1.2.0 to the .deb and back, the machine restored afterwards
#     (MDEVADM_SKIP_UPGRADE=1 skips both).
# Usage: tests/packaging.sh BUILD-DIR (a tree configured from this source, e.g. by tests/ci.sh)
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:?usage: tests/packaging.sh BUILD-DIR}" && pwd)
work=$(mktemp -d /tmp/mdevadm-pkg.XXXXXX)
trap 'rm -rf "$work"' EXIT
jobs=$(nproc)
times=()

step() { printf '\n=== %s (%s)\n' "$*" "$(date -u +%H:%M:%S)"; }
fail() { echo "packaging: $*" >&2; exit 1; }
# timed NAME CMD...: CMD, its wall time kept for the summary
timed() {
	local t0=$SECONDS
	"${@:2}"
	times+=("$(printf '%-40s %4d s' "$1" $((SECONDS - t0)))")
}
# logged LOG CMD...: CMD with its output in LOG, shown (the end) only when it fails
logged() {
	"${@:2}" >"$1" 2>&1 || { tail -60 "$1"; fail "failed: ${*:2} (log: $1)"; }
}

for tool in dpkg-buildpackage dh lintian rpmbuild; do
	command -v "$tool" >/dev/null ||
		fail "$tool is missing (Debian: apt-get install debhelper lintian rpm; or MDEVADM_SKIP_PACKAGING=1)"
done
version=$(sed -n 's/^PACKAGE_VERSION = //p' "$build/Makefile")
debversion=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version 2>/dev/null || true)
tarball=$build/mdevadm-$version.tar.gz

step "one version everywhere: configure.ac, NEWS, debian/changelog, the RPM spec"
[ "${debversion%-*}" = "$version" ] || fail "debian/changelog says $debversion, configure.ac $version"
grep -m1 '^Version ' "$src/NEWS" | grep -q "^Version $version\b" || fail "NEWS does not start with $version"
sed -n '/^%changelog/{n;p;q}' "$src/mdevadm.spec.in" | grep -q -- "- $version-1\$" ||
	fail "mdevadm.spec.in: the newest %changelog entry is not $version-1"
echo "$version (Debian $debversion)"

step "make distcheck (-Werror, the test suite, install and uninstall under its prefix)"
timed "make distcheck" make -C "$build" -j"$jobs" distcheck DISTCHECK_CONFIGURE_FLAGS=--enable-werror
[ -f "$tarball" ] || fail "distcheck left no $tarball"

# The Debian source package: make dist's tarball as the orig, debian/ from this tree.
deb_build() {
	mkdir "$work/deb"
	cp "$tarball" "$work/deb/mdevadm_$version.orig.tar.gz"
	tar -xzf "$tarball" -C "$work/deb"
	cp -a "$src/debian" "$work/deb/mdevadm-$version/"
	(cd "$work/deb/mdevadm-$version" &&
		DEB_BUILD_OPTIONS="nocheck parallel=$jobs" dpkg-buildpackage -us -uc -Pnocheck)
}
rpm_build() {
	mkdir -p "$work/rpm/SOURCES"
	cp "$tarball" "$work/rpm/SOURCES/"
	tar -xzOf "$tarball" "mdevadm-$version/mdevadm.spec" >"$work/rpm/mdevadm.spec"
	rpmbuild -bb --nodeps --define "_topdir $work/rpm" "$work/rpm/mdevadm.spec"
}

step "Debian packages (dpkg-buildpackage -us -uc, nocheck) and the RPM (rpmbuild -bb), side by side"
t0=$SECONDS
logged "$work/deb.log" deb_build &
deb_pid=$!
timed "rpmbuild -bb (beside the .deb)" logged "$work/rpm.log" rpm_build
wait "$deb_pid" || fail "the Debian build failed"
times+=("$(printf '%-40s %4d s' "dpkg-buildpackage (beside the .rpm)" $((SECONDS - t0)))")
arch=$(dpkg --print-architecture)
deb=$work/deb/mdevadm_${debversion}_$arch.deb
rpm=$(echo "$work"/rpm/RPMS/*/mdevadm-"$version"-1*.rpm)
[ -f "$deb" ] && [ -f "$rpm" ] || fail "no package: $deb $rpm"
ls -l "$work"/deb/*.deb "$work"/deb/*.dsc "$rpm"

step "lintian (source and binary): no error, no warning"
timed "lintian" lintian --fail-on error,warning --display-info \
	"$work/deb/mdevadm_${debversion}_$arch.changes" || fail "lintian found errors or warnings"
echo "lintian: clean"

step "the .rpm: scriptlets, dependencies, and the same files as the .deb"
rpm -qp --scripts "$rpm"
rpm -qp --requires --provides --obsoletes "$rpm" | grep -E 'mdevctl|readline|systemd-libs'
for s in 'systemctl.*preset.*mdevadm.service|systemd-update-helper install-system-units mdevadm.service' \
	'systemctl.*disable.*mdevadm.service|systemd-update-helper remove-system-units mdevadm.service' \
	'udevadm control --reload|udev'; do
	rpm -qp --scripts "$rpm" | grep -Eq "$s" || fail "the .rpm has no scriptlet matching '$s'"
done
# Each distribution's paths for the same file: Debian's /lib (bookworm) and its compat links in
# /usr/bin where Debian's mdevctl had them, Fedora's zsh directory; documentation aside.
dpkg-deb -c "$deb" | awk '$1 !~ /^d/ { print $6 }' | sed -e 's|^\./|/|' -e 's|^/lib/|/usr/lib/|' \
	-e 's|^/usr/bin/|/usr/sbin/|' -e 's|/zsh/vendor-completions/|/zsh/site-functions/|' \
	-e 's|\.gz$||' | grep -v -e '^/usr/share/doc/' -e '^/usr/share/lintian/' | sort >"$work/deb.files"
rpm -qp --dump "$rpm" | awk '$5 !~ /^040/ { print $1 }' | sed -e 's|\.gz$||' |
	grep -v -e '^/usr/share/doc/' -e '^/usr/share/licenses/' -e '^/usr/lib/.build-id/' |
	sort >"$work/rpm.files"
diff -u "$work/deb.files" "$work/rpm.files" || fail "the .deb and the .rpm install different files"
echo "both install the same $(wc -l <"$work/deb.files") files"

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null || [ "${MDEVADM_SKIP_UPGRADE:-0}" = 1 ]; then
	step "README and upgrade tests skipped (they need root on Debian with apt)"
else
	# The first ```sh block of the README, as a new user pastes it, in a copy of the tarball.
	readme_block() (
		mkdir "$work/readme"
		tar -xzf "$tarball" -C "$work/readme"
		cd "$work/readme/mdevadm-$version"
		awk '/^```sh$/ { on = 1; next } on && /^```$/ { exit } on' README.md >"$work/readme.sh"
		[ -s "$work/readme.sh" ] || fail "README.md has no \`\`\`sh block"
		DEBIAN_FRONTEND=noninteractive bash -e "$work/readme.sh"
	)
	step "README's first command, as root ($(command -v sudo >/dev/null && echo with || echo without) sudo)"
	timed "README's first command" logged "$work/readme.log" readme_block
	tail -3 "$work/readme.log"
	step "upgrade: Debian's mdevctl 1.2.0 -> mdevadm .deb -> purge -> mdevctl again"
	timed "upgrade test" bash "$src/tests/packaging-upgrade.sh" "$deb"
fi

step "packaging times"
printf '%s\n' "${times[@]}"
