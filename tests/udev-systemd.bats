#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# The udev rule 60-mdevctl.rules and the boot unit mdevadm.service, as `make install` puts
# them: in the configured directories, naming the binary where it was really installed (Debian's
# mdevctl rule names /usr/sbin/mdevctl, which does not exist, so its autostart never runs),
# logging to the journal; and `systemd-analyze verify` on the unit.
#
# Builds the tree twice from the source dir: once with an unusual prefix and overridden rule and
# unit directories, installed into a DESTDIR, and its binary, man page and unit for real (so the
# unit's ExecStart exists for systemd-analyze; only those: other files may go to directories
# pkg-config names outside the prefix); once with --prefix=/usr, the pkg-config directories and
# --enable-mdevctl-compat, into a DESTDIR. Needs a C toolchain and make. Optional, the test
# skips without: systemd (systemd-analyze; man-db too, to check the unit's Documentation=),
# udev (udevadm test, as root in a private mount namespace, runs the rule through udev's own
# rule engine).

load test_helper

setup_file() {
	local src ft=$BATS_FILE_TMPDIR
	src=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
	[ -x "$src/configure" ] || return 0
	[ ! -e "$src/config.status" ] || return 0
	# a make of our own: not the jobserver of a `make check` running us
	unset MAKEFLAGS MFLAGS MAKELEVEL
	mkdir -p "$ft/b1" "$ft/b2"
	(cd "$ft/b1" && "$src/configure" -q CFLAGS=-O0 --prefix="$ft/p1" \
		--with-udevrulesdir="$ft/p1/rules" --with-systemdsystemunitdir="$ft/p1/units" &&
		make -j"$(nproc)" >/dev/null && make install DESTDIR="$ft/d1" >/dev/null &&
		make install-exec install-man install-systemdsystemunitDATA >/dev/null) \
		>"$ft/b1.log" 2>&1 || echo failed >"$ft/b1.failed"
	(cd "$ft/b2" && "$src/configure" -q CFLAGS=-O0 --prefix=/usr --enable-mdevctl-compat &&
		make -j"$(nproc)" >/dev/null && make install DESTDIR="$ft/d2" >/dev/null) \
		>"$ft/b2.log" 2>&1 || echo failed >"$ft/b2.failed"
}

setup() {
	common_setup
	FT=$BATS_FILE_TMPDIR
	local src
	src=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
	[ -x "$src/configure" ] || skip "no configure script in $src (run autoreconf -fi)"
	[ ! -e "$src/config.status" ] || skip "$src is configured in-tree; out-of-tree builds refuse it"
	unset MAKEFLAGS MFLAGS MAKELEVEL
}

# build N: fail with its log unless build N succeeded.
build() {
	[ ! -e "$FT/b$1.failed" ] || _fail "build $1 failed:" "$(tail -30 "$FT/b$1.log")"
}

# install_dirs N: the build's udevrulesdir, systemdsystemunitdir and sbindir, as make expands them.
install_dirs() {
	echo 'p:;@echo $(udevrulesdir) $(systemdsystemunitdir) $(sbindir)' |
		make -s -C "$FT/b$1" -f Makefile -f - p
}

# rule_line RULES ACTION: the one rule line for ACTION.
rule_line() {
	grep -E "^ACTION==\"$2\"" "$1"
}

@test "udev rule: in --with-udevrulesdir, RUN is the installed binary, which exists there" {
	build 1
	local rules="$FT/d1$FT/p1/rules/60-mdevctl.rules"
	[ -f "$rules" ]
	[ "$(install_dirs 1)" = "$FT/p1/rules $FT/p1/units $FT/p1/sbin" ]
	[ "$(grep -c 'RUN+=' "$rules")" -eq 2 ]
	[ "$(grep -o '[^ {]*/mdevadm start-parent-mdevs -v %k' "$rules" | sort -u)" = \
		"$FT/p1/sbin/mdevadm start-parent-mdevs -v %k" ]
	[ -x "$FT/d1$FT/p1/sbin/mdevadm" ]
	! grep -q '@[a-zA-Z_]*@' "$rules"
}

@test "udev rule: registered change and add, only for parents with a config dir, to the journal" {
	build 1
	local rules="$FT/d1$FT/p1/rules/60-mdevctl.rules" line
	# the only rules are the two actions
	[ "$(grep -v '^#' "$rules" | grep -c .)" -eq 2 ]
	line=$(rule_line "$rules" change)
	[[ $line == 'ACTION=="change", ENV{MDEV_STATE}=="registered", TEST=="/etc/mdevctl.d/$kernel", RUN+="/bin/sh -c '* ]]
	[[ $line == *"logger -t mdevadm -p daemon.info"*"logger -t mdevadm -p daemon.err'\"" ]]
	line=$(rule_line "$rules" add)
	[[ $line == 'ACTION=="add", TEST=="/etc/mdevctl.d/$kernel", RUN+="/bin/sh -c '* ]]
	[ "${line#*RUN+=}" = "$(rule_line "$rules" change | sed 's/.*RUN+=//')" ]
}

# udev_runs UEVENT CONF ACTION: what `udevadm test --action=ACTION` would run for the device lo
# with the installed rule as the only rule, lo's uevent file replaced by $NS/UEVENT (udevadm
# reads properties from it: that is how MDEV_STATE gets in) and /etc/mdevctl.d by $NS/CONF, all
# in a private mount namespace with a private /run.
udev_runs() {
	unshare -m sh -ec '
		mount --make-rprivate /
		mount -t tmpfs tmpfs /run
		for d in /etc/udev/rules.d /lib/udev/rules.d /usr/lib/udev/rules.d \
			/usr/local/lib/udev/rules.d; do
			[ ! -d "$d" ] || mount --bind "$0/rules" "$d"
		done
		mount --bind "$0/$2" /etc/mdevctl.d
		mount --bind "$0/$1" /sys/class/net/lo/uevent
		udevadm test --action="$3" /sys/class/net/lo 2>&1' "$NS" "$@" | sed -n 's/^run: //p'
}

@test "udev rule: udevadm test runs it on a registered change and on add, only with a config dir" {
	build 1
	need_root "a private mount namespace for udevadm test"
	command -v udevadm >/dev/null || skip "udevadm is not installed (Debian: udev)"
	unshare -m true 2>/dev/null || skip "cannot unshare a mount namespace here"
	[ -d /etc/mdevctl.d ] && [ -d /etc/udev/rules.d ] && [ -f /sys/class/net/lo/uevent ] ||
		skip "needs /etc/mdevctl.d, /etc/udev/rules.d and /sys/class/net/lo to mount over"
	NS=$BATS_TEST_TMPDIR/ns
	mkdir -p "$NS/rules" "$NS/conf/lo" "$NS/noconf"
	cp "$FT/d1$FT/p1/rules/60-mdevctl.rules" "$NS/rules/"
	printf 'INTERFACE=lo\nIFINDEX=1\nMDEV_STATE=registered\n' >"$NS/registered"
	printf 'INTERFACE=lo\nIFINDEX=1\nMDEV_STATE=unregistered\n' >"$NS/unregistered"
	printf 'INTERFACE=lo\nIFINDEX=1\n' >"$NS/plain"
	local want="'/bin/sh -c '{ $FT/p1/sbin/mdevadm start-parent-mdevs -v lo 2>&3 | logger -t mdevadm -p daemon.info; } 3>&1 1>&2 | logger -t mdevadm -p daemon.err''"
	[ "$(udev_runs registered conf change)" = "$want" ]
	[ "$(udev_runs plain conf add)" = "$want" ]
	[ "$(udev_runs plain conf change)" = "" ]
	[ "$(udev_runs unregistered conf change)" = "" ]
	[ "$(udev_runs registered noconf change)" = "" ]
	[ "$(udev_runs plain noconf add)" = "" ]
}

# a logger that records its arguments and what it was given, one file per call
fake_logger() {
	mkdir -p "$BATS_TEST_TMPDIR/bin" "$BATS_TEST_TMPDIR/log"
	cat >"$BATS_TEST_TMPDIR/bin/logger" <<EOF
#!/bin/sh
{ echo "\$*"; cat; } >"$BATS_TEST_TMPDIR/log/\$\$"
EOF
	chmod +x "$BATS_TEST_TMPDIR/bin/logger"
}

@test "udev rule: its command starts the parent's devices; output and errors reach logger" {
	build 1
	local rules="$FT/d1$FT/p1/rules/60-mdevctl.rules" cmd
	mk_samples
	mk_config mtty 11111111-1111-4111-8111-111111111111 '{"mdev_type": "mtty-1", "start": "auto"}'
	mk_config mtty 22222222-2222-4222-8222-222222222222 '{"mdev_type": "nosuch", "start": "auto"}'
	fake_logger
	# what udev runs, %k substituted, against the fake root through the environment
	cmd=$(rule_line "$rules" change | sed -e "s/.*RUN+=\"\/bin\/sh -c '//" -e "s/'\"\$//")
	cmd=${cmd//%k/mtty}
	PATH="$BATS_TEST_TMPDIR/bin:$PATH" MDEVCTL_ENV_ROOT=$ROOT /bin/sh -c "$cmd"
	[ "$(cat "$ROOT/$(parent_path mtty)/mdev_supported_types/mtty-1/create")" = \
		11111111-1111-4111-8111-111111111111 ]
	[ "$(cat "$BATS_TEST_TMPDIR"/log/* | grep -A1 -x -- '-t mdevadm -p daemon.info')" = \
		"-t mdevadm -p daemon.info
mtty: started 1, already active 0, failed 1" ]
	cat "$BATS_TEST_TMPDIR"/log/* | grep -A1 -x -- '-t mdevadm -p daemon.err' |
		grep -q "22222222-2222-4222-8222-222222222222.*nosuch"
}

@test "systemd unit: in --with-systemdsystemunitdir, a oneshot coldplug before libvirt" {
	build 1
	local unit="$FT/d1$FT/p1/units/mdevadm.service"
	[ -f "$unit" ]
	grep -qx "ExecStart=$FT/p1/sbin/mdevadm start-parent-mdevs -v --all" "$unit"
	grep -qx 'Type=oneshot' "$unit"
	grep -qx 'RemainAfterExit=yes' "$unit"
	grep -qx 'WantedBy=multi-user.target' "$unit"
	grep -Eqx 'After=(.* )?local-fs.target( .*)?' "$unit"
	grep -Eqx 'Before=(.* )?libvirtd.service( .*)?' "$unit"
	grep -Eqx 'Before=(.* )?virtqemud.service( .*)?' "$unit"
	# either store holding definitions is reason to run (vGPU ones: tests/vgpu-boot.bats)
	grep -qx 'ConditionDirectoryNotEmpty=|/etc/mdevctl.d' "$unit"
	grep -qx 'ConditionDirectoryNotEmpty=|/etc/mdevadm.d/vf' "$unit"
	# late parents are the udev rule's job: no waiting for udev to settle
	! grep -q 'udev-settle' "$unit"
	! grep -q '@[a-zA-Z_]*@' "$unit"
}

@test "systemd unit: systemd-analyze verify accepts it as installed" {
	build 1
	command -v systemd-analyze >/dev/null || skip "systemd-analyze is not installed (Debian: systemd)"
	local man=(--man=yes) probe="$BATS_TEST_TMPDIR/probe.service"
	command -v man >/dev/null || man=(--man=no)
	# can it verify anything here at all (containers without a systemd may not)?
	printf '[Service]\nType=oneshot\nExecStart=/bin/true\n' >"$probe"
	systemd-analyze verify --man=no "$probe" >"$BATS_TEST_TMPDIR/probe.log" 2>&1 ||
		skip "systemd-analyze cannot verify even a trivial unit here: $(head -3 "$BATS_TEST_TMPDIR/probe.log")"
	# the real install: ExecStart's binary must exist, and man must find mdevadm(8)
	run_exact env MANPATH="$FT/p1/share/man:" systemd-analyze verify "${man[@]}" \
		"$FT/p1/units/mdevadm.service"
	[ "$status" -eq 0 ] || _fail "systemd-analyze verify: $stderr$output"
	[ "$stderr$output" = "" ] || _fail "systemd-analyze verify complained: $stderr$output"
	[ -x "$FT/p1/sbin/mdevadm" ]
}

@test "pkg-config directories, --prefix=/usr, --enable-mdevctl-compat: DESTDIR install" {
	build 2
	local d rules unit sbin
	read -r rules unit sbin < <(install_dirs 2)
	[ "$sbin" = /usr/sbin ]
	if pkg-config --exists udev 2>/dev/null; then
		[ "$rules" = "$(pkg-config --variable=udevdir udev)/rules.d" ]
	fi
	if pkg-config --exists systemd 2>/dev/null; then
		[ "$unit" = "$(pkg-config --variable=systemdsystemunitdir systemd)" ]
	fi
	d="$FT/d2"
	[ -f "$d$rules/60-mdevctl.rules" ]
	[ -f "$d$unit/mdevadm.service" ]
	# the rule runs what was installed, not Debian's nonexistent /usr/sbin/mdevctl
	[ "$(grep -o '[^ {]*/mdevadm start-parent-mdevs -v %k' "$d$rules/60-mdevctl.rules" | sort -u)" = \
		"/usr/sbin/mdevadm start-parent-mdevs -v %k" ]
	[ -x "$d/usr/sbin/mdevadm" ]
	grep -qx 'ExecStart=/usr/sbin/mdevadm start-parent-mdevs -v --all' "$d$unit/mdevadm.service"
	# and the compatibility names lead to the same binary
	[ "$(readlink "$d/usr/sbin/mdevctl")" = mdevadm ]
	[ "$(readlink "$d/usr/sbin/lsmdev")" = mdevadm ]
}

@test "make uninstall removes the rule and the unit" {
	build 1
	cp -a "$FT/d1" "$BATS_TEST_TMPDIR/d"
	make -s -C "$FT/b1" uninstall DESTDIR="$BATS_TEST_TMPDIR/d" >/dev/null
	[ ! -e "$BATS_TEST_TMPDIR/d$FT/p1/rules/60-mdevctl.rules" ]
	[ ! -e "$BATS_TEST_TMPDIR/d$FT/p1/units/mdevadm.service" ]
	[ ! -e "$BATS_TEST_TMPDIR/d$FT/p1/sbin/mdevadm" ]
}
