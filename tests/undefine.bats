#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# undefine: with and without --parent, several parents, nothing defined, usage errors.

load test_helper

U1=6f9ab6c2-1d3e-4a5b-8c7d-0e1f2a3b4c5d
U2=0b1e8e1c-2a6f-4d53-9a51-8d4e1d2f6a01

# three parents define U1, mtty also U2
mk_defs() {
	mk_samples
	mk_config mtty "$U1" '{"mdev_type":"mtty-1","start":"auto","attrs":[]}'
	mk_config mtty "$U2" '{"mdev_type":"mtty-2","start":"manual","attrs":[]}'
	mk_config mdpy "$U1" '{"mdev_type":"mdpy-vga","start":"manual","attrs":[]}'
	mk_config mbochs "$U1" '{"mdev_type":"mbochs-small","start":"manual","attrs":[{"a":"b"}]}'
}

@test "undefine -u -p removes only that parent's definition" {
	mk_defs
	run_exact -0 mdevadm undefine -u "$U1" -p mdpy
	assert_quiet
	[ ! -e "$(cfg mdpy "$U1")" ]
	assert_file_content "$(cfg mtty "$U1")" '{"mdev_type":"mtty-1","start":"auto","attrs":[]}'
	assert_file_content "$(cfg mbochs "$U1")" '{"mdev_type":"mbochs-small","start":"manual","attrs":[{"a":"b"}]}'
	assert_file_content "$(cfg mtty "$U2")" '{"mdev_type":"mtty-2","start":"manual","attrs":[]}'
}

@test "undefine -u without -p removes the UUID under every parent and nothing else" {
	mk_defs
	run_exact -0 mdevadm undefine -u "$U1"
	assert_quiet
	[ ! -e "$(cfg mtty "$U1")" ]
	[ ! -e "$(cfg mdpy "$U1")" ]
	[ ! -e "$(cfg mbochs "$U1")" ]
	assert_file_content "$(cfg mtty "$U2")" '{"mdev_type":"mtty-2","start":"manual","attrs":[]}'
	run_exact -0 mdevadm list -d
	[ "$output" = "$U2 mtty mtty-2 manual"$'\n' ]
}

@test "undefine takes --uuid=/--parent= forms, 32-hex and braced upper-case UUIDs, and -f" {
	mk_defs
	run_exact -0 mdevadm undefine --uuid=6F9AB6C21D3E4A5B8C7D0E1F2A3B4C5D --parent=mtty
	assert_quiet
	[ ! -e "$(cfg mtty "$U1")" ]
	run_exact -0 mdevadm undefine --uuid "{${U1^^}}" --parent mdpy -f
	assert_quiet
	[ ! -e "$(cfg mdpy "$U1")" ]
	run_exact -0 mdevadm undefine -u "$U1" --force
	assert_quiet
	[ ! -e "$(cfg mbochs "$U1")" ]
	[ -e "$(cfg mtty "$U2")" ]
}

@test "undefine of a UUID defined nowhere fails and changes nothing" {
	mk_defs
	before=$(tree_snapshot "$ROOT/etc")
	run_exact -1 mdevadm undefine -u 11111111-2222-4333-8444-555555555555
	[ -z "$output" ]
	assert_stderr_line "*cannot undefine 11111111-2222-4333-8444-555555555555: not defined"
	[ "$(tree_snapshot "$ROOT/etc")" = "$before" ]
}

@test "undefine -p of a parent that does not define the UUID fails and changes nothing" {
	mk_defs
	before=$(tree_snapshot "$ROOT/etc")
	run_exact -1 mdevadm undefine -u "$U2" -p mdpy
	[ -z "$output" ]
	assert_stderr_line "*cannot undefine $U2: not defined on mdpy"
	[ "$(tree_snapshot "$ROOT/etc")" = "$before" ]
}

@test "undefine with no config directory at all fails with not defined" {
	mk_samples
	run_exact -1 mdevadm undefine -u "$U1"
	[ -z "$output" ]
	assert_stderr_line "*cannot undefine $U1: not defined"
	[ ! -e "$ROOT/etc/mdevctl.d" ]
}

@test "undefine twice: the second one fails" {
	mk_defs
	run_exact -0 mdevadm undefine -u "$U2" -p mtty
	run_exact -1 mdevadm undefine -u "$U2" -p mtty
	assert_stderr_line "*cannot undefine $U2: not defined on mtty"
}

@test "undefine needs -u; other commands' options and bad UUIDs are usage errors" {
	mk_defs
	before=$(tree_snapshot "$ROOT/etc")
	run_exact -2 mdevadm undefine -p mtty
	[ -z "$output" ]
	assert_stderr_line "*undefine needs --uuid*"
	for args in "-t mtty-1" "-a" "--jsonfile x" "--dumpjson" "extra" "-p mtty -p mdpy" "-u $U2"; do
		# shellcheck disable=SC2086
		run_exact -2 mdevadm undefine -u "$U1" $args
		[ -z "$output" ]
		assert_stderr_line "mdevadm undefine: * (try 'mdevadm undefine --help')"
	done
	run_exact -2 mdevadm undefine -u not-a-uuid
	assert_stderr_line "*invalid UUID 'not-a-uuid'*"
	[ "$(tree_snapshot "$ROOT/etc")" = "$before" ]
}

@test "undefine --help exits 0 with the usage and removes nothing" {
	mk_defs
	run_exact -0 mdevadm undefine -u "$U1" --help
	[ -z "$stderr" ]
	[[ $output == "Usage: mdevadm undefine "*$'\n' ]]
	[ -e "$(cfg mtty "$U1")" ]
}

@test "undefine of an active device keeps the device running" {
	mk_defs
	mk_active mtty mtty-1 "$U1" 7
	before=$(tree_snapshot "$ROOT/sys")
	run_exact -0 mdevadm undefine -u "$U1" -p mtty
	assert_quiet
	[ ! -e "$(cfg mtty "$U1")" ]
	[ "$(tree_snapshot "$ROOT/sys")" = "$before" ]
	assert_no_write "$ROOT/sys/bus/mdev/devices/$U1/remove"
	run_exact -0 mdevadm list
	[ "$output" = "$U1 mtty mtty-1 manual"$'\n' ]
}

@test "undefine removes a definition whose file is broken" {
	mk_samples
	mk_config mtty "$U1" '{"mdev_type": '
	mk_config mdpy "$U1" '{"mdev_type": 5}'
	run_exact -0 mdevadm undefine -u "$U1"
	[ -z "$output" ]
	# at most a warning per broken file, naming it
	[ "$(printf '%s' "$stderr" | grep -vc "/etc/mdevctl.d/m\(tty\|dpy\)/$U1: " || true)" -eq 0 ]
	[ ! -e "$(cfg mtty "$U1")" ]
	[ ! -e "$(cfg mdpy "$U1")" ]
}

@test "undefine leaves no temp files and keeps the (now empty) parent directory" {
	mk_defs
	run_exact -0 mdevadm undefine -u "$U2" -p mtty
	[ "$(ls -A "$ROOT/etc/mdevctl.d/mtty")" = "$U1" ]
	run_exact -0 mdevadm undefine -u "$U1" -p mtty
	[ -d "$ROOT/etc/mdevctl.d/mtty" ]
	[ -z "$(ls -A "$ROOT/etc/mdevctl.d/mtty")" ]
}

@test "oracle: undefine without -p removes the same files as mdevctl" {
	need_oracle
	mk_defs
	run_exact -0 mdevadm undefine -u "$U1"
	mine=$(tree_snapshot "$ROOT/etc/mdevctl.d" | grep -v scripts.d)
	rm -rf "$ROOT/etc/mdevctl.d"
	mk_defs
	run_exact -0 mdevctl_oracle undefine -u "$U1"
	theirs=$(tree_snapshot "$ROOT/etc/mdevctl.d" | grep -v scripts.d)
	[ "$mine" = "$theirs" ]
}
