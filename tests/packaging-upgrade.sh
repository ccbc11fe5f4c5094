#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The upgrade path on this machine, for real (root, Debian with apt; tests/packaging.sh runs it):
# Debian's mdevctl 1.2.0 defines two devices in /etc/mdevctl.d; our .deb replaces mdevctl and
# lists them as mdevctl, lsmdev and mdevadm; its udev rule runs start-parent-mdevs from where
# the binary is; remove and purge leave /etc/mdevctl.d byte for byte as it was; Debian's mdevctl
# installs again and lists them.  The machine is left as it was found: the test's definitions
# removed, mdevctl installed or not as before, and nothing else the test installed.
# Usage: tests/packaging-upgrade.sh PATH/TO/mdevadm_VERSION_ARCH.deb
set -euo pipefail
deb=$(realpath "${1:?usage: tests/packaging-upgrade.sh MDEVADM.deb}")
export DEBIAN_FRONTEND=noninteractive
work=$(mktemp -d /tmp/mdevadm-upgrade.XXXXXX)
conf=/etc/mdevctl.d
# parents no machine has, so the unit and the rule start nothing of these
P1=mdevadm-ci-parent P2=0000:ff:1f.7
U1=6c0ffee0-0000-4000-8000-0000000000a1 U2=6c0ffee0-0000-4000-8000-0000000000a2

fail() { echo "upgrade test: $*" >&2; exit 1; }
say() { printf -- '--- %s\n' "$*"; }
apt() { apt-get -y -qq -o Dpkg::Use-Pty=0 "$@" </dev/null; }
status() { dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null | tr -d ' ' || true; }
# present PKG: dpkg has PKG installed or its configuration files (not: never seen, or purged)
present() { case $(status "$1") in '' | un | pn) return 1 ;; esac; }
installed() { dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' | awk '$1 == "ii" { print $2 }' | sort; }
# apt_install ARGS...: apt-get install, and the packages it brought in kept for restore() to purge
apt_install() {
	installed >"$work/before-install"
	apt install "$@" >/dev/null || return
	installed | comm -13 "$work/before-install" - >>"$work/brought-in"
}

[ "$(id -u)" -eq 0 ] || fail "needs root"
[ ! -e "$conf/$P1" ] && [ ! -e "$conf/$P2" ] || fail "$conf/$P1 or $conf/$P2 exists already"
[ "$(status mdevadm)" != ii ] || fail "mdevadm is installed already: remove it first"

# What to restore: mdevctl's state and version, whether $conf existed; what the test's installs
# bring in is noted as it comes (apt_install).
mdevctl_was=$(status mdevctl)
mdevctl_version=$(dpkg-query -W -f='${Version}' mdevctl 2>/dev/null || true)
: >"$work/brought-in"
conf_existed=0
[ ! -d "$conf" ] || conf_existed=1
restore() {
	set +e
	rm -rf "${conf:?}/$P1" "${conf:?}/$P2"
	! present mdevadm || apt purge mdevadm >/dev/null
	if [ "$mdevctl_was" = ii ] && [ "$(status mdevctl)" != ii ]; then
		apt install "mdevctl=$mdevctl_version" >/dev/null
	fi
	# what the test's installs brought in (mdevctl, when it found none, and dependencies), and
	# only that: not what anything else installed meanwhile
	local new
	new=$(sort -u "$work/brought-in" | grep -vx -e mdevadm -e "$([ "$mdevctl_was" = ii ] && echo mdevctl)" |
		comm -12 - <(installed))
	# shellcheck disable=SC2086 # package names, one word each
	[ -z "$new" ] || apt purge $new >/dev/null
	[ "$conf_existed" = 1 ] || rmdir "$conf" 2>/dev/null
	rm -rf "$work"
}
trap restore EXIT

# snapshot: every file and directory of the test's definitions, with contents and metadata
snapshot() {
	(cd "$conf" && find "$P1" "$P2" -printf '%p %y %m %u:%g %s %T@\n' | sort &&
		find "$P1" "$P2" -type f -exec sha256sum {} + | sort)
}
# ours: the test's definitions in `list -d` output, without the trailing blank line of 1.2.0
ours() { "$@" | grep -E " ($P1|$P2) " || true; }

say "Debian's mdevctl 1.2.0"
if [ "$(status mdevctl)" != ii ]; then
	apt_install mdevctl || { apt update >/dev/null && apt_install mdevctl; }
fi
v=$(dpkg-query -W -f='${Version}' mdevctl)
[[ $v == 1.2.0* ]] || fail "Debian's mdevctl is $v, not 1.2.0"
[ -f /usr/bin/mdevctl ] && [ ! -L /usr/bin/mdevctl ] || fail "/usr/bin/mdevctl is not Debian's binary"
echo "mdevctl $v"

say "definitions made by Debian's mdevctl"
mdevctl define -u "$U1" -p "$P1" -t mtty-1
mdevctl modify -u "$U1" --addattr=frame_rate_limiter --value=0
mdevctl define -u "$U2" -p "$P2" -t nvidia-256 --auto
snapshot >"$work/snapshot"
ours mdevctl list -d >"$work/list"
cat "$work/list"
[ "$(wc -l <"$work/list")" -eq 2 ] || fail "Debian's mdevctl lists $(wc -l <"$work/list") of the 2 definitions"

say "install our .deb: it replaces mdevctl"
apt_install "$deb"
[ "$(status mdevadm)" = ii ] || fail "mdevadm is not installed: $(status mdevadm)"
[ "$(status mdevctl)" != ii ] || fail "mdevctl is still installed"
[ "$(readlink -f "$(command -v mdevctl)")" = /usr/sbin/mdevadm ] ||
	fail "mdevctl on PATH is $(command -v mdevctl), not mdevadm"
[ "$(readlink -f /usr/bin/mdevctl)" = /usr/sbin/mdevadm ] || fail "/usr/bin/mdevctl is not ours"
for cmd in "mdevctl list -d" "mdevadm list -d" "lsmdev -d"; do
	# shellcheck disable=SC2086
	ours $cmd >"$work/got"
	diff -u "$work/list" "$work/got" || fail "$cmd does not list what mdevctl defined"
	echo "$cmd: the same 2 definitions"
done
mdevctl list -d -u "$U1" --dumpjson | grep -q '"frame_rate_limiter": "0"' || fail "the attribute is lost"

say "the udev rule runs start-parent-mdevs from where the binary is"
rule=/lib/udev/rules.d/60-mdevctl.rules
[ "$(dpkg-query -S "$rule" | cut -d: -f1)" = mdevadm ] || fail "$rule is not mdevadm's"
paths=$(grep -v '^#' "$rule" | grep -o '[^ {]*/[^ /]* start-parent-mdevs -v %k' | cut -d' ' -f1 | sort -u)
[ "$(grep -c 'RUN+=' "$rule")" -eq 2 ] && [ "$(wc -l <<<"$paths")" -eq 1 ] ||
	fail "$rule: expected two RUN+= of one binary, found: $paths"
[ -f "$paths" ] && [ -x "$paths" ] || fail "$rule runs $paths, which is not an executable file"
[ "$(dpkg-query -S "$paths" | cut -d: -f1)" = mdevadm ] || fail "$paths is not mdevadm's"
"$paths" start-parent-mdevs --help >/dev/null || fail "$paths has no start-parent-mdevs"
echo "$rule runs $paths start-parent-mdevs -v %k"
unit=/lib/systemd/system/mdevadm.service
grep -qx "ExecStart=$paths start-parent-mdevs -v --all" "$unit" || fail "$unit does not run $paths"
[ -L /etc/systemd/system/multi-user.target.wants/mdevadm.service ] || fail "mdevadm.service is not enabled"
echo "mdevadm.service enabled, runs $paths start-parent-mdevs -v --all"

say "remove, then purge: the definitions stay, byte for byte"
apt remove mdevadm >/dev/null
snapshot | diff -u "$work/snapshot" - || fail "removing mdevadm changed the definitions"
apt purge mdevadm >/dev/null
! present mdevadm || fail "mdevadm is not purged: $(status mdevadm)"
snapshot | diff -u "$work/snapshot" - || fail "purging mdevadm changed the definitions"
[ ! -e /usr/sbin/mdevadm ] && [ ! -e "$rule" ] && [ ! -e /usr/bin/mdevctl ] || fail "files left behind"
[ ! -e /etc/systemd/system/multi-user.target.wants/mdevadm.service ] || fail "the unit is still enabled"
echo "$conf/$P1 and $conf/$P2 unchanged"

say "Debian's mdevctl installs again and lists them"
apt_install mdevctl
[ -f /usr/bin/mdevctl ] && [ ! -L /usr/bin/mdevctl ] || fail "/usr/bin/mdevctl is not Debian's binary"
ours mdevctl list -d | diff -u "$work/list" - || fail "Debian's mdevctl no longer lists them"
snapshot | diff -u "$work/snapshot" - || fail "reinstalling mdevctl changed the definitions"
echo "upgrade test passed"
