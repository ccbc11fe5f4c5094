#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# Reading config files: the single-pass scanner agrees with jansson (tests/config-diff.c),
# configs past the one-read buffer and the size limit, and files that are not regular files.

load test_helper

U1=5a1b2c3d-0000-4000-8000-000000000001
U2=5a1b2c3d-0000-4000-8000-000000000002

@test "config: the scanner takes every plain config and agrees with jansson on 20,000 mutations" {
	run_exact -0 "$CONFIG_DIFF" 20000
	[[ $output =~ ^([0-9]+)\ cases,\ ([0-9]+)\ taken\ by\ the\ scanner,\ 0\ differences$'\n'$ ]] ||
		_fail "unexpected summary: $output"
	[ "${BASH_REMATCH[1]}" -eq 20021 ]
	# every plain seed (7) and a share of the mutations that stayed valid
	[ "${BASH_REMATCH[2]}" -ge 100 ]
	[ "$stderr" = "" ]
}

@test "config: escapes and non-ASCII go through jansson and list like any other" {
	mk_samples
	mk_config mtty "$U1" '{"mdev_type":"mtty-1","start":"auto","attrs":[{"k":"caf\u00e9\n\"x\""}]}'
	run_exact -0 mdevadm list -d --dumpjson -u "$U1"
	[ "$output" = $'{\n  "mdev_type": "mtty-1",\n  "start": "auto",\n  "attrs": [\n    {\n      "k": "caf\xc3\xa9\\n\\"x\\""\n    }\n  ]\n}\n' ]
	[ "$stderr" = "" ]
}

@test "config: a config bigger than one read (10,000-byte value) is read whole" {
	local big
	big=$(printf 'v%.0s' {1..10000})
	mk_samples
	mk_config mtty "$U1" '{"mdev_type":"mtty-1","start":"manual","attrs":[{"k":"'"$big"'"}]}'
	run_exact -0 mdevadm list -d --dumpjson -u "$U1"
	[[ $output == *"\"k\": \"$big\""* ]]
	[ "$stderr" = "" ]
}

@test "config: a file over 1 MiB is skipped as too large, the rest still lists" {
	mk_samples
	mk_config mtty "$U1" '{"mdev_type":"mtty-1"}'
	mk_config mtty "$U2" '{"mdev_type":"mtty-1","start":"auto"}'
	head -c $((1024 * 1024 + 1)) /dev/zero | tr '\0' ' ' >>"$(cfg mtty "$U1")"
	run_exact -0 mdevadm list -d
	[ "$output" = "$U2 mtty mtty-1 auto"$'\n' ]
	assert_stderr_line "mdevadm: warning: skipping unreadable config /etc/mdevctl.d/mtty/$U1: File too large"
}

@test "config: a FIFO in the store does not hang list, list -d or start-parent-mdevs" {
	mk_samples
	mk_config mtty "$U2" '{"mdev_type":"mtty-1","start":"manual"}'
	mkdir -p "$ROOT/etc/mdevctl.d/mtty"
	mkfifo "$ROOT/etc/mdevctl.d/mtty/$U1"
	mk_active mtty mtty-1 "$U1"
	local warn="mdevadm: warning: skipping invalid config /etc/mdevctl.d/mtty/$U1: invalid JSON at line 1: *"
	run_exact -0 timeout 10 "$MDEVADM" --root "$ROOT" list -d
	[ "$output" = "$U2 mtty mtty-1 manual"$'\n' ]
	assert_stderr_line "$warn"
	run_exact -0 timeout 10 "$MDEVADM" --root "$ROOT" list
	[ "$output" = "$U1 mtty mtty-1 manual"$'\n' ]
	assert_stderr_line "$warn"
	run_exact -1 timeout 10 "$MDEVADM" --root "$ROOT" start-parent-mdevs -v mtty
	[ "$output" = $'mtty: started 0, already active 0, failed 1\n' ]
	assert_stderr_line "mdevadm: skipping invalid config /etc/mdevctl.d/mtty/$U1: invalid JSON at line 1: *"
	assert_no_write "$(cfile mtty mtty-1)"
}
