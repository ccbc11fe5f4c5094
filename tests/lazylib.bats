#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# readline and libudev are loaded by the commands that need them (src/basic/lazylib.c), so every other
# command starts without mapping them, and runs when they cannot be loaded at all.

load test_helper

U1=6c0ffee0-0000-4000-8000-000000000001

# without_libs CMD...: CMD in a private mount namespace where libreadline.so.8 and libudev.so.1
# are empty files, so dlopen() fails on them. Needs root.
without_libs() {
	local lib script="" path
	for lib in libreadline.so.8 libudev.so.1; do
		path=$(ldconfig -p | awk -v l="$lib" '$1 == l && !p { p = $NF } END { print p }')
		[ -n "$path" ] || skip "$lib is not installed"
		script+="mount --bind /dev/null '$(readlink -f "$path")' && "
	done
	unshare -m sh -c "${script}exec \"\$@\"" sh "$@"
}

@test "lazylib: the binary does not link readline or libudev" {
	command -v readelf >/dev/null || skip "readelf is not installed"
	run_exact -0 readelf -d "$MDEVADM"
	[[ $output == *"NEEDED"*"libjansson"* ]]
	[[ $output != *libreadline* ]]
	[[ $output != *libudev* ]]
	[[ $output != *libtinfo* ]]
}

@test "lazylib: list, types, define and a batch shell run without either library" {
	need_root "mount namespaces"
	mk_samples
	run_exact -0 without_libs "$MDEVADM" --root "$ROOT" define -u "$U1" -p mtty -t mtty-1
	assert_quiet
	run_exact -0 without_libs "$MDEVADM" --root "$ROOT" list -d
	[ "$output" = "$U1 mtty mtty-1 manual"$'\n' ]
	run_exact -0 without_libs "$MDEVADM" --root "$ROOT" types -p mtty
	[[ $output == mtty$'\n'"  mtty-1"$'\n'* ]]
	run_exact -0 without_libs "$MDEVADM" --root "$ROOT" shell <<<"list -d"
	[ "$output" = "$U1 mtty mtty-1 manual"$'\n' ]
	[ "$stderr" = "" ]
}

@test "lazylib: an interactive shell without readline fails with one line naming it" {
	need_root "mount namespaces"
	command -v script >/dev/null || skip "script(1) is not installed"
	run_exact -1 without_libs script -qec "'$MDEVADM' --root '$ROOT' shell" /dev/null </dev/null
	[[ $output == "mdevadm: no interactive shell: cannot load libreadline.so.8: "*$'\r\n' ]]
	[[ $output != *$'\n'*$'\n'* ]]
}

@test "lazylib: monitor on the host without libudev fails with one line naming it" {
	need_root "mount namespaces"
	mkdir -p "$ROOT/sys/class/mdev_bus" "$ROOT/sys/bus/mdev/devices"
	run_exact -1 without_libs sh -c 'mount --bind "$1/sys" /sys && exec timeout 10 "$2" monitor' \
		sh "$ROOT" "$MDEVADM"
	assert_stderr_line "mdevadm: cannot monitor events: no kernel events: cannot load libudev.so.1: *"
	[ "$output" = "" ]
}
