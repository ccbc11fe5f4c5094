#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# start: defined and transient devices, --jsonfile, generated UUIDs, every precondition (with no
# write to `create` when one fails), attributes written in order and the rollback when one fails.

load test_helper

teardown() {
	[ -z "${STANDIN_PID-}" ] || { kill "$STANDIN_PID" 2>/dev/null; wait "$STANDIN_PID" 2>/dev/null; } || true
	common_teardown
}

# assert_one_line: $stderr is exactly one line.
assert_one_line() {
	[[ $stderr == *$'\n' ]] && [ "$(printf '%s' "$stderr" | wc -l)" -eq 1 ] ||
		_fail "expected one line on stderr, got: $stderr"
}

# two parents with two types each
tree() {
	mk_mtty
	mk_parent 0000:00:02.0
	mk_type 0000:00:02.0 i915-GVTg_V5_4 2 vfio-pci GVTg_V5_4
	mk_type 0000:00:02.0 i915-GVTg_V5_8 4 vfio-pci GVTg_V5_8
}

# standin_start PARENT TYPE ENTRY...: a minimal stand-in for the kernel, in the background. Once
# a UUID is written to PARENT/TYPE's create, it lays out the device directory with each ENTRY
# (an empty attribute file, or a directory when ENTRY ends in /), then makes the device active
# with mk_active (whose bus link comes last, as the kernel's). `create` is left as written and
# nothing reacts to `remove`, so both can be inspected afterwards.
standin_start() {
	local parent=$1 type=$2
	shift 2
	local create pdir
	create=$(cfile "$parent" "$type")
	pdir="$ROOT/$(parent_path "$parent")"
	(
		for ((i = 0; i < 1000; i++)); do
			[ -s "$create" ] && break
			sleep 0.005
		done
		[ -s "$create" ] || exit 1
		uuid=$(head -c 36 "$create")
		uuid=${uuid,,}
		mkdir -p "$pdir/$uuid"
		for e in "$@"; do
			case $e in
			*/) mkdir -p "$pdir/$uuid/${e%/}" ;;
			*) : >"$pdir/$uuid/$e" ;;
			esac
		done
		mk_active "$parent" "$type" "$uuid"
	) 3>&- &
	STANDIN_PID=$!
}

standin_wait() {
	local pid=$STANDIN_PID
	STANDIN_PID=
	wait "$pid" || _fail "the stand-in kernel saw no write to create"
}

@test "start -u: a defined device is created from its definition" {
	tree
	mk_config mtty "$U1" '{"mdev_type": "mtty-2", "start": "manual"}'
	run_exact -0 mdevadm start -u "$U1"
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	assert_written "$(cfile mtty mtty-2)" "$U1"
	assert_no_write "$(cfile mtty mtty-1)"
	assert_no_write "$(cfile 0000:00:02.0 i915-GVTg_V5_4)"
}

@test "start -u -p: the definition on that parent is the one started" {
	tree
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "manual"}'
	mk_config 0000:00:02.0 "$U1" '{"mdev_type": "i915-GVTg_V5_8", "start": "auto"}'
	run_exact -0 mdevadm start -u "$U1" -p 0000:00:02.0
	[ "$output" = "" ]
	assert_written "$(cfile 0000:00:02.0 i915-GVTg_V5_8)" "$U1"
	assert_no_write "$(cfile mtty mtty-1)"
}

@test "start -u: defined on several parents asks for --parent, writes nothing" {
	tree
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "manual"}'
	mk_config 0000:00:02.0 "$U1" '{"mdev_type": "i915-GVTg_V5_8", "start": "auto"}'
	run_exact -1 mdevadm start -u "$U1"
	[ "$output" = "" ]
	[[ $stderr == *"$U1"*"several parents"*0000:00:02.0*mtty*--parent* ]]
	assert_one_line
	assert_no_create_anywhere
}

@test "start -u -p -t: a transient device" {
	tree
	run_exact -0 mdevadm start -u "$U2" -p mtty -t mtty-1
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	assert_written "$(cfile mtty mtty-1)" "$U2"
	# nothing was defined
	[ ! -e "$ROOT/etc/mdevctl.d/mtty/$U2" ]
}

@test "start -p -t without -u: prints the generated UUID, the one written to create" {
	tree
	run_exact -0 mdevadm start -p mtty -t mtty-2
	[[ $output =~ ^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$'\n'$ ]]
	[ "$stderr" = "" ]
	assert_written "$(cfile mtty mtty-2)" "${output%$'\n'}"
	# a new one each time
	local first=$output
	: >"$(cfile mtty mtty-2)"
	run_exact -0 mdevadm start -p mtty -t mtty-2
	[ "$output" != "$first" ]
}

@test "start: the UUID written to create is lower case, whatever form was given" {
	tree
	local form
	for form in "${U1^^}" "{${U1^^}}" "${U1//-/}"; do
		: >"$(cfile mtty mtty-1)"
		run_exact -0 mdevadm start -u "$form" -p mtty -t mtty-1
		assert_written "$(cfile mtty mtty-1)" "$U1"
	done
}

@test "start --jsonfile FILE: a transient device of the file's type" {
	tree
	printf '{"mdev_type": "mtty-2", "start": "auto", "attrs": []}' >"$BATS_TEST_TMPDIR/dev.json"
	run_exact -0 mdevadm start -u "$U1" -p mtty --jsonfile "$BATS_TEST_TMPDIR/dev.json"
	[ "$output" = "" ]
	assert_written "$(cfile mtty mtty-2)" "$U1"
	assert_no_write "$(cfile mtty mtty-1)"
	[ ! -e "$ROOT/etc/mdevctl.d/mtty/$U1" ]
}

@test "start --jsonfile /dev/stdin and -: the config from standard input" {
	tree
	run_exact -0 mdevadm start -u "$U1" -p mtty --jsonfile /dev/stdin \
		<<<'{"mdev_type": "mtty-2", "start": "manual"}'
	assert_written "$(cfile mtty mtty-2)" "$U1"
	# from a pipe, without -u: the generated UUID is printed
	run_exact -0 bash -c 'printf "%s" "{\"mdev_type\": \"i915-GVTg_V5_4\"}" |
		"$0" --root "$1" start -p 0000:00:02.0 --jsonfile=/dev/stdin' "$MDEVADM" "$ROOT"
	[[ ${output%$'\n'} =~ $UUID_RE ]]
	assert_written "$(cfile 0000:00:02.0 i915-GVTg_V5_4)" "${output%$'\n'}"
	run_exact -0 mdevadm start -u "$U2" -p 0000:00:02.0 --jsonfile - \
		<<<'{"mdev_type": "i915-GVTg_V5_8"}'
	assert_written "$(cfile 0000:00:02.0 i915-GVTg_V5_8)" "$U2"
}

@test "start --jsonfile: an invalid or missing file fails before any write" {
	tree
	printf '{"mdev_type": "mtty-1", ' >"$BATS_TEST_TMPDIR/bad.json"
	run_exact -1 mdevadm start -u "$U1" -p mtty --jsonfile "$BATS_TEST_TMPDIR/bad.json"
	[[ $stderr == *bad.json* ]]
	assert_one_line
	run_exact -1 mdevadm start -u "$U1" -p mtty --jsonfile "$BATS_TEST_TMPDIR/none.json"
	[[ $stderr == *none.json* ]]
	assert_one_line
	run_exact -1 mdevadm start -u "$U1" -p mtty --jsonfile /dev/stdin <<<'{"start": "auto"}'
	[[ $stderr == *mdev_type* ]]
	assert_no_create_anywhere
}

@test "start: parent missing fails with its own message, no write" {
	tree
	run_exact -1 mdevadm start -u "$U1" -p 0000:00:03.0 -t i915-GVTg_V5_4
	[ "$output" = "" ]
	[[ $stderr == *"parent device 0000:00:03.0 not found"* ]]
	[[ $stderr != *"did you mean"* ]]
	assert_one_line
	assert_no_create_anywhere
}

@test "start: a parent name differing only in case earns a 'did you mean' hint" {
	tree
	run_exact -1 mdevadm start -u "$U1" -p MTTY -t mtty-1
	[[ $stderr == *"parent device MTTY not found"*"did you mean 'mtty'"* ]]
	assert_one_line
	assert_no_create_anywhere
	# the same for a defined device whose parent is spelled differently
	mk_config Mtty "$U2" '{"mdev_type": "mtty-1", "start": "manual"}'
	run_exact -1 mdevadm start -u "$U2"
	[[ $stderr == *"did you mean 'mtty'"* ]]
	assert_no_create_anywhere
}

@test "start: type missing fails with its own message, no write" {
	tree
	run_exact -1 mdevadm start -u "$U1" -p mtty -t mtty-9
	[ "$output" = "" ]
	[[ $stderr == *"does not support mdev type mtty-9"* ]]
	[[ $stderr == *mtty* ]]
	assert_one_line
	assert_no_create_anywhere
}

@test "start: available_instances 0 fails with its own message, no write" {
	tree
	mk_type mtty mtty-3 0
	run_exact -1 mdevadm start -u "$U1" -p mtty -t mtty-3
	[[ $stderr == *"no available instances of mtty-3 on mtty"* ]]
	assert_one_line
	assert_no_write "$(cfile mtty mtty-3)"
	assert_no_create_anywhere
	# the generated UUID is not printed on failure
	run_exact -1 mdevadm start -p mtty -t mtty-3
	[ "$output" = "" ]
	assert_no_create_anywhere
}

@test "start: garbage in available_instances fails, no write" {
	tree
	printf 'many\n' >"$(tdir mtty mtty-1)/available_instances"
	run_exact -1 mdevadm start -u "$U1" -p mtty -t mtty-1
	[[ $stderr == *mtty-1* && $stderr == *mtty* ]]
	assert_one_line
	assert_no_create_anywhere
}

@test "start: an already active device fails with its own message, no write" {
	tree
	mk_active mtty mtty-1 "$U1"
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "manual"}'
	run_exact -1 mdevadm start -u "$U1"
	[ "$output" = "" ]
	[[ $stderr == *"$U1"*"already active on mtty (type mtty-1)"* ]]
	assert_one_line
	assert_no_create_anywhere
	# also as a transient device, and on another parent
	run_exact -1 mdevadm start -u "$U1" -p 0000:00:02.0 -t i915-GVTg_V5_4
	[[ $stderr == *"already active on mtty"* ]]
	assert_no_create_anywhere
}

@test "start -t: a type conflicting with the definition is an error, no write" {
	tree
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "manual"}'
	run_exact -1 mdevadm start -u "$U1" -t mtty-2
	[[ $stderr == *"$U1"*"--type mtty-2 conflicts"*mtty-1* ]]
	assert_one_line
	assert_no_create_anywhere
	# the agreeing type is fine
	run_exact -0 mdevadm start -u "$U1" -t mtty-1
	assert_written "$(cfile mtty mtty-1)" "$U1"
}

@test "start: --jsonfile with --type, or for a defined UUID, is a usage error" {
	tree
	printf '{"mdev_type": "mtty-2"}' >"$BATS_TEST_TMPDIR/dev.json"
	run_exact -2 mdevadm start -u "$U1" -p mtty -t mtty-2 --jsonfile "$BATS_TEST_TMPDIR/dev.json"
	[[ $stderr == *--jsonfile*--type* || $stderr == *--type*--jsonfile* ]]
	[[ $stderr == *--help* ]]
	assert_one_line
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "manual"}'
	run_exact -2 mdevadm start -u "$U1" -p mtty --jsonfile "$BATS_TEST_TMPDIR/dev.json"
	[[ $stderr == *"$U1"*--jsonfile* ]]
	assert_one_line
	assert_no_create_anywhere
}

@test "start: a UUID that is not defined needs --parent and --type" {
	tree
	run_exact -1 mdevadm start -u "$U1"
	[[ $stderr == *"$U1"*"not defined"*--parent*--type* ]]
	assert_one_line
	run_exact -1 mdevadm start -u "$U1" -p mtty
	[[ $stderr == *"not defined on mtty"* ]]
	# defined elsewhere: -p names the parent to look in
	mk_config 0000:00:02.0 "$U1" '{"mdev_type": "i915-GVTg_V5_4", "start": "manual"}'
	run_exact -1 mdevadm start -u "$U1" -p mtty
	[[ $stderr == *"not defined on mtty"* ]]
	assert_no_create_anywhere
}

@test "start: neither --uuid nor --parent, or a parent without a type, is a usage error" {
	tree
	run_exact -2 mdevadm start
	[[ $stderr == *--uuid*--parent* ]]
	assert_one_line
	run_exact -2 mdevadm start -t mtty-1
	assert_one_line
	run_exact -2 mdevadm start -p mtty
	[[ $stderr == *--type* ]]
	assert_one_line
	[ "$output" = "" ]
	assert_no_create_anywhere
}

@test "start: attributes are written in order to the new device" {
	tree
	mk_config mtty "$U1" - <<'JSON'
{
  "mdev_type": "mtty-1",
  "start": "manual",
  "attrs": [
    { "alpha": "1" },
    { "beta": "two" },
    { "alpha": "3" }
  ]
}
JSON
	standin_start mtty mtty-1 alpha beta
	run_exact -0 mdevadm start -u "$U1"
	standin_wait
	[ "$stderr" = "" ]
	local dev
	dev="$ROOT/$(parent_path mtty)/$U1"
	# alpha was written twice, "3" last
	[[ $(cat "$dev/alpha") == 3* ]]
	assert_written "$dev/beta" two
	assert_no_write "$dev/remove"
}

@test "start: a failing attribute write removes the device again, exit 1" {
	tree
	printf '%s' '{"mdev_type": "mtty-1", "attrs": [{"first": "1"}, {"broken": "2"}, {"third": "3"}]}' \
		>"$BATS_TEST_TMPDIR/dev.json"
	# `broken` is a directory: writing it fails
	standin_start mtty mtty-1 first broken/ third
	run_exact -1 mdevadm start -u "$U1" -p mtty --jsonfile "$BATS_TEST_TMPDIR/dev.json"
	standin_wait
	[ "$output" = "" ]
	[[ $stderr == *broken* ]]
	[[ $stderr == *"removed again"* ]]
	assert_one_line
	local dev
	dev="$ROOT/$(parent_path mtty)/$U1"
	assert_written "$dev/first" 1
	assert_no_write "$dev/third"
	assert_written "$dev/remove" 1
}

@test "start (fake kernel): a defined device appears and lists as (defined)" {
	tree
	mk_config mtty "$U1" '{"mdev_type": "mtty-2", "start": "auto", "attrs": []}'
	fakekernel_start
	run_exact -0 mdevadm start -u "$U1"
	fakekernel_settle
	[ -L "$ROOT/sys/bus/mdev/devices/$U1" ]
	grep -q "create mtty/mtty-2 $U1: ok" "$FAKEKERNEL_CTL/log"
	run_exact -0 mdevadm list
	[ "$output" = "$U1 mtty mtty-2 auto (defined)
" ]
	[ "$(cat "$(tdir mtty mtty-2)/available_instances")" = 11 ]
	# a second start is refused
	run_exact -1 mdevadm start -u "$U1"
	[[ $stderr == *"already active"* ]]
}

@test "start (fake kernel): an attribute the device lacks rolls the device back" {
	tree
	fakekernel_start
	printf '%s' '{"mdev_type": "mtty-1", "attrs": [{"no_such_attr": "1"}]}' >"$BATS_TEST_TMPDIR/dev.json"
	run_exact -1 mdevadm start -u "$U1" -p mtty --jsonfile "$BATS_TEST_TMPDIR/dev.json"
	fakekernel_settle
	[[ $stderr == *no_such_attr* && $stderr == *"removed again"* ]]
	assert_one_line
	grep -q "create mtty/mtty-1 $U1: ok" "$FAKEKERNEL_CTL/log"
	grep -q "remove $U1: ok" "$FAKEKERNEL_CTL/log"
	[ ! -e "$ROOT/sys/bus/mdev/devices/$U1" ]
	[ ! -e "$ROOT/$(parent_path mtty)/$U1" ]
	[ "$(cat "$(tdir mtty mtty-1)/available_instances")" = 24 ]
	run_exact -0 mdevadm list
	[ "$output" = "" ]
}

@test "start (fake kernel): an attribute path that is a directory rolls the device back" {
	tree
	mk_config mtty "$U2" '{"mdev_type": "mtty-2", "start": "manual", "attrs": [{"vendor": "x"}]}'
	fakekernel_start
	run_exact -1 mdevadm start -u "$U2"
	fakekernel_settle
	[[ $stderr == *vendor* && $stderr == *"removed again"* ]]
	grep -q "remove $U2: ok" "$FAKEKERNEL_CTL/log"
	[ ! -e "$ROOT/sys/bus/mdev/devices/$U2" ]
	[ "$(cat "$(tdir mtty mtty-2)/available_instances")" = 12 ]
	# the definition stays
	[ -f "$ROOT/etc/mdevctl.d/mtty/$U2" ]
}

@test "start (fake kernel): a generated UUID becomes a listed transient device" {
	tree
	fakekernel_start
	run_exact -0 mdevadm start -p 0000:00:02.0 -t i915-GVTg_V5_8
	fakekernel_settle
	local u=${output%$'\n'}
	[[ $u =~ $UUID_RE ]]
	run_exact -0 mdevadm list
	[ "$output" = "$u 0000:00:02.0 i915-GVTg_V5_8 manual
" ]
}

@test "start -f: --force is accepted" {
	tree
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "manual"}'
	run_exact -0 mdevadm start -u "$U1" --force
	assert_written "$(cfile mtty mtty-1)" "$U1"
}

@test "start: renames elsewhere on the system never make a start fail" {
	tree
	mk_config mtty "$U1" '{"mdev_type": "mtty-2", "start": "manual"}'
	local want=""
	renamer_start
	repeat_same 60 mdevadm start -u "$U1"
	assert_written "$(cfile mtty mtty-2)" "$U1"
}

@test "start: an active device is never created again, even while files are renamed elsewhere" {
	tree
	mk_active mtty mtty-2 "$U1"
	mk_config mtty "$U1" '{"mdev_type": "mtty-2", "start": "manual"}'
	local want=""
	renamer_start
	local i
	for ((i = 1; i <= 60; i++)); do
		run_exact mdevadm start -u "$U1"
		[ "$status" -eq 1 ] && [[ $stderr == *"already active"* ]] ||
			_fail "run $i: status $status: $stderr" || return
		assert_no_write "$(cfile mtty mtty-2)" || return
	done
}

@test "start: hostile --type and attribute names in a --jsonfile never reach sysfs" {
	tree
	run_exact -2 mdevadm start -u "$U1" -p mtty -t ../mtty-1
	[[ $stderr == *"invalid type name"* ]]
	assert_one_line
	printf '%s' '{"mdev_type": "mtty-1", "attrs": [{"../../../../remove": "1"}]}' >"$BATS_TEST_TMPDIR/h.json"
	run_exact -1 mdevadm start -u "$U1" -p mtty --jsonfile "$BATS_TEST_TMPDIR/h.json"
	[[ $stderr == *h.json* ]]
	printf '%s' '{"mdev_type": "../mtty-1"}' >"$BATS_TEST_TMPDIR/h2.json"
	run_exact -1 mdevadm start -u "$U1" -p mtty --jsonfile "$BATS_TEST_TMPDIR/h2.json"
	assert_no_create_anywhere
}

@test "start: a broken definition fails naming the file, no write" {
	tree
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "sta'
	run_exact -1 mdevadm start -u "$U1"
	[[ $stderr == *"$U1"* && $stderr == *"etc/mdevctl.d/mtty/$U1"* ]]
	assert_one_line
	assert_no_create_anywhere
}

@test "start: a failing write to create is reported with UUID, type and parent" {
	tree
	rm "$(cfile mtty mtty-1)"
	mkdir "$(cfile mtty mtty-1)"
	run_exact -1 mdevadm start -u "$U1" -p mtty -t mtty-1
	[ "$output" = "" ]
	[[ $stderr == *"$U1"* && $stderr == *mtty-1* && $stderr == *mtty* ]]
	assert_one_line
	# without -u: no UUID printed when the create failed
	run_exact -1 mdevadm start -p mtty -t mtty-1
	[ "$output" = "" ]
}

@test "start: a parent that cannot be opened gets no 'did you mean' itself" {
	tree
	# the class link of mtty dangles: the parent went away half-way
	rm -rf "${ROOT:?}/$(parent_path mtty)"
	run_exact -1 mdevadm start -u "$U1" -p mtty -t mtty-1
	[[ $stderr == *"$U1"*mtty* ]]
	[[ $stderr != *"did you mean 'mtty'"* ]] || _fail "self-referential hint: $stderr"
	assert_one_line
}
