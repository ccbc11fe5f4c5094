#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# Control characters never reach a terminal: names and values from sysfs and definitions that
# hold ESC, BEL, DEL, C1 characters or bytes that are not UTF-8 are printed as \xNN in every
# text output (list, list -v, types, groups, set-group-type, errors, warnings, the shell, script
# stderr, completion, apply's plan, the processes stop names), while JSON output stays exact JSON.

load test_helper
load callout_helper

ESC=$'\e'
BEL=$'\a'
DEL=$'\x7f'
CSI=$'\xc2\x9b' # U+009B, the C1 "control sequence introducer", in UTF-8

# a parent, a type and a name that would recolour or clear a terminal, or ring it
EPARENT="p${BEL}x"
ETYPE="t${ESC}[31m"
ENAME="n${ESC}]0;owned${BEL}"
EDESC="d${CSI}2J"

# no_control TEXT: TEXT holds no byte below 0x20 but newline, no DEL, no C1 character.
no_control() {
	if LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f]' <<<"$1" || [[ $1 == *$'\xc2'[$'\x80'-$'\x9f']* ]]; then
		_fail "control characters in:" "$(printf '%s' "$1" | od -c | head -20)"
	fi
}

# stderr_is LINE: $stderr is exactly LINE and a newline (no glob: escapes hold [ and \).
stderr_is() {
	[ "$stderr" = "$1"$'\n' ] || _fail "stderr is not '$1':" "$stderr"
}

# tree: a hostile parent with a hostile type, and a device of it, active and defined
tree() {
	mk_parent "$EPARENT"
	mk_type "$EPARENT" "$ETYPE" 4 vfio-pci "$ENAME" "$EDESC"
	mk_active "$EPARENT" "$ETYPE" "$U1" 9
	mk_config "$EPARENT" "$U1" '{"mdev_type": "t\u001b[31m", "start": "auto", "attrs": [{"a\u007f": "v\u009b1"}, {"b": "\u001b[2J"}]}'
}

@test "escape: list shows a hostile parent and type as \\x escapes, nothing else changed" {
	tree
	run_exact -0 mdevadm list
	[ "$output" = "$U1 p\\x07x t\\x1b[31m auto (defined)"$'\n' ]
	run_exact -0 mdevadm list -d
	[ "$output" = "$U1 p\\x07x t\\x1b[31m auto (active)"$'\n' ]
}

@test "escape: list -v: attribute lines escape DEL and C1 too; JSON escapes stay" {
	tree
	run_exact -0 mdevadm list -d -v
	no_control "$output"
	[ "$output" = "$U1 p\\x07x t\\x1b[31m auto (active)
  Attrs:
    @{0}: {\"a\\x7f\":\"v\\xc2\\x9b1\"}
    @{1}: {\"b\":\"\\u001b[2J\"}
" ]
	run_exact -0 mdevadm list -v
	no_control "$output"
	[[ $output == *"@{0}: {\"a\\x7f\":\"v\\xc2\\x9b1\"}"* ]]
}

@test "escape: list --dumpjson stays exact JSON: the names come back as they are" {
	need_jq
	tree
	run_exact -0 mdevadm list --dumpjson
	[ "$(jq -r '.[0] | keys[0]' <<<"$output")" = "$EPARENT" ]
	[ "$(jq -r ".[0][\"$EPARENT\"][0][\"$U1\"].mdev_type" <<<"$output")" = "$ETYPE" ]
	[ "$(jq -r ".[0][\"$EPARENT\"][0][\"$U1\"].attrs[0] | keys[0]" <<<"$output")" = "a$DEL" ]
	[[ $output == *'"t\u001b[31m"'* ]]
	run_exact -0 mdevadm list -d --dumpjson -u "$U1"
	[ "$(jq -r '.attrs[0]["a\u007f"]' <<<"$output")" = "v${CSI}1" ]
}

@test "escape: types escapes the parent, type, name and description; --dumpjson does not" {
	need_jq
	tree
	run_exact -0 mdevadm types
	no_control "$output"
	[ "$output" = "p\\x07x
  t\\x1b[31m
    Available instances: 3
    Device API: vfio-pci
    Name: n\\x1b]0;owned\\x07
    Description: d\\xc2\\x9b2J
" ]
	run_exact -0 mdevadm types --dumpjson
	[ "$(jq -r ".[0][\"$EPARENT\"][0][\"$ETYPE\"].name" <<<"$output")" = "$ENAME" ]
	[ "$(jq -r ".[0][\"$EPARENT\"][0][\"$ETYPE\"].description" <<<"$output")" = "$EDESC" ]
}

@test "escape: bytes that are not UTF-8 are escaped one by one; a backslash stays as it is" {
	mk_parent mtty
	mk_type mtty $'x\xff\xc3y' 1 vfio-pci 'back\slash'
	run_exact -0 mdevadm types
	[ "$output" = "mtty
  x\\xff\\xc3y
    Available instances: 1
    Device API: vfio-pci
    Name: back\\slash
" ]
}

@test "escape: UTF-8 text passes through; controls at either end and cut sequences are escaped" {
	# U+00A0 is the first character after the C1 block, U+009F the last in it
	local utf8=$'caf\xc3\xa9 \xe2\x82\xac\xf0\x9f\x98\x80\xc2\xa0'
	mk_parent mtty
	mk_type mtty $'x\xe2\x82' 1 vfio-pci "$utf8" $'\x1bd\xc2\x9f\x7f'
	run_exact -0 mdevadm types
	[ "$output" = "mtty
  x\\xe2\\x82
    Available instances: 1
    Device API: vfio-pci
    Name: $utf8
    Description: \\x1bd\\xc2\\x9f\\x7f
" ]
}

@test "escape: groups lines up the escaped names; --dumpjson keeps them" {
	need_jq
	tree
	printf 'un%sknown\n' "$ESC" >"$ROOT/sys/kernel/iommu_groups/9/type"
	run_exact -0 mdevadm groups
	no_control "$output"
	[[ $output == *"9      emulated  un\\x1bknown  /dev/vfio/9"* ]]
	[[ $output == *"\`- $U1  mdev  p\\x07x  parent p\\x07x, type t\\x1b[31m  /dev/vfio/devices/vfio0"* ]]
	run_exact -0 mdevadm groups --dumpjson
	[ "$(jq -r '.[0].devices[0].mdev_type' <<<"$output")" = "$ETYPE" ]
	[ "$(jq -r '.[0].type' <<<"$output")" = "un${ESC}known" ]
}

@test "escape: error messages escape names from the command line and from definitions" {
	tree
	run_exact -1 mdevadm start -u "$U3" -p "x${ESC}[2Jy" -t mtty-1
	stderr_is "mdevadm: cannot start $U3: parent device x\\x1b[2Jy not found"
	run_exact -2 mdevadm stop -u "$ESC[31m"
	stderr_is "mdevadm stop: invalid UUID '\\x1b[31m' (try 'mdevadm stop --help')"
	run_exact -2 mdevadm "no${BEL}such"
	stderr_is "mdevadm: unknown command 'no\\x07such' (try 'mdevadm --help')"
	# a definition's type, read from the file
	mk_config "$EPARENT" "$U2" '{"mdev_type": "z\u001b[5m", "start": "manual"}'
	run_exact -1 mdevadm start -u "$U2"
	stderr_is "mdevadm: cannot start $U2: parent p\\x07x does not support mdev type z\\x1b[5m"
}

@test "escape: warnings escape the file names they give" {
	mk_parent mtty
	mk_config mtty "not-a-uuid${ESC}[8m" '{}'
	run_exact -0 mdevadm list -d
	stderr_is "mdevadm: warning: ignoring /etc/mdevctl.d/mtty/not-a-uuid\\x1b[8m: file name is not a UUID"
}

@test "escape: stop names a process that holds the device by its command line, escaped" {
	tree
	mk_holder 4242 /dev/vfio/9 "qemu${ESC}]0;owned${BEL}" -name "vm${ESC}[2J"
	run_exact -1 mdevadm stop -u "$U1"
	stderr_is "mdevadm: cannot stop $U1: in use by 4242 (qemu\\x1b]0;owned\\x07 -name vm\\x1b[2J) (--force stops it anyway, waiting until it is released)"
}

@test "escape: start-parent-mdevs names the parent escaped, in its summary and its errors" {
	mk_parent "$EPARENT"
	mk_config "$EPARENT" "$U1" '{"mdev_type": "t\u001b[31m", "start": "auto"}'
	run_exact -1 mdevadm start-parent-mdevs -v "$EPARENT"
	[ "$output" = "p\\x07x: started 0, already active 0, failed 1"$'\n' ]
	stderr_is "mdevadm: cannot start $U1: parent p\\x07x does not support mdev type t\\x1b[31m"
}

@test "escape: the shell's batch mode escapes the failing line it names" {
	tree
	run_exact -2 sh -c 'printf "%s\n" "$1" | "$2" --root "$3" shell' sh "bad${ESC}[31m" "$MDEVADM" "$ROOT"
	[ -z "$output" ]
	no_control "$stderr"
	[[ $stderr == *"unknown command 'bad\\x1b[31m'"* ]]
	[[ $stderr == *"line 1: 'bad\\x1b[31m' failed with status 2"* ]]
	# and what the commands print there is escaped as anywhere else
	run_exact -0 sh -c 'printf "list\n" | "$1" --root "$2" shell' sh "$MDEVADM" "$ROOT"
	[ "$output" = "$U1 p\\x07x t\\x1b[31m auto (defined)"$'\n' ]
}

@test "escape: what a callout script writes on stderr is passed on escaped" {
	tree
	mk_script "$CALLOUTS" co 'printf "oops \033[31mred\a\n" >&2'
	run_exact -0 mdevadm undefine -u "$U1"
	no_control "$stderr"
	[[ $stderr == *"co: oops \\x1b[31mred\\x07"* ]]
}

@test "escape: completion escapes descriptions and never offers a word with control bytes" {
	tree
	mk_parent mtty
	run_exact -0 mdevadm __complete 'mdevadm stop -u '
	[ "$output" = "$U1"$'\t'"active on p\\x07x, t\\x1b[31m"$'\n' ]
	run_exact -0 mdevadm __complete 'mdevadm types -p '
	[ "$output" = "mtty"$'\n' ]
}

@test "escape: apply's plan names the type as \\x escapes; its --diff lines too" {
	mk_mtty
	mk_type mtty "$ETYPE" 2
	printf '{"version": 1, "devices": [{"parent": "mtty", "type": "t\\u001b[31m", "uuid": "%s", "attrs": [{"k": "v\\u009b"}]}]}\n' \
		"$U1" >"$BATS_TEST_TMPDIR/layout.json"
	run_exact -3 mdevadm apply --check --diff -f "$BATS_TEST_TMPDIR/layout.json"
	no_control "$output"
	[[ $output == *$'\n'"  define   $U1 on mtty: t\\x1b[31m, manual [devices[0]]"$'\n'* ]]
	[[ $output == *'+      "k": "v\xc2\x9b"'* ]]
}
