#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# start-parent-mdevs PARENT (the udev rule's autostart): every auto definition of PARENT and
# nothing else, active ones skipped, failures reported per device without stopping the others,
# nothing on standard output (as mdevctl) but with -v a summary line, and only PARENT's config
# directory read.

load test_helper

# created: "PARENT/TYPE UUID" for every device the fake kernel created, in order
created() {
	fakekernel_settle || return
	sed -n 's/^fakekernel: create \([^ ]*\) \([^:]*\): ok.*/\1 \2/p' "$FAKEKERNEL_CTL/log"
}

# kernel_creates: how many writes to any create the fake kernel saw (accepted or refused)
kernel_creates() { grep -c '^fakekernel: create ' "$FAKEKERNEL_CTL/log" || true; }

# assert_summary STARTED ACTIVE FAILED [PARENT]: $output is exactly PARENT's (default: mtty)
# summary line.
assert_summary() {
	[ "$output" = "${4:-mtty}: started $1, already active $2, failed $3"$'\n' ] ||
		_fail "summary: $output"
}

# nlines TEXT: the number of lines in TEXT
nlines() { printf '%s' "$1" | wc -l; }

# mtty with four types (one device per type, so creates never share a file) and mdpy
tree() {
	mk_mtty
	mk_type mtty mtty-3 6
	mk_type mtty mtty-4 6
	mk_parent mdpy
	mk_type mdpy mdpy-vga 4 vfio-pci mdpy-vga "virtual display"
}

@test "start-parent-mdevs: starts only the auto definitions of that parent" {
	tree
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "auto"}'
	mk_config mtty "$U2" '{"mdev_type": "mtty-2", "start": "manual"}'
	mk_config mtty "$U3" '{"mdev_type": "mtty-3", "start": "auto", "attrs": []}'
	mk_config mtty "$U4" '{"mdev_type": "mtty-4"}'
	mk_config mdpy "$U5" '{"mdev_type": "mdpy-vga", "start": "auto"}'
	fakekernel_start
	run_exact -0 mdevadm start-parent-mdevs -v mtty
	assert_summary 2 0 0
	[ "$stderr" = "" ]
	[ "$(created)" = "mtty/mtty-1 $U1
mtty/mtty-3 $U3" ]
	[ "$(kernel_creates)" -eq 2 ]
	run_exact -0 mdevadm list
	[ "$output" = "$U1 mtty mtty-1 auto (defined)
$U3 mtty mtty-3 auto (defined)
" ]
}

@test "start-parent-mdevs: active devices are skipped and counted" {
	tree
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "auto"}'
	mk_config mtty "$U2" '{"mdev_type": "mtty-2", "start": "auto"}'
	mk_active mtty mtty-1 "$U1"
	fakekernel_start
	run_exact -0 mdevadm start-parent-mdevs -v mtty
	assert_summary 1 1 0
	[ "$stderr" = "" ]
	[ "$(created)" = "mtty/mtty-2 $U2" ]
	[ "$(kernel_creates)" -eq 1 ]
}

@test "start-parent-mdevs: one failure does not stop the others; exit 1 if any failed" {
	tree
	mk_type mtty mtty-0 0
	# sorted by UUID: the failures come first
	mk_config mtty "$U1" '{"mdev_type": "mtty-9", "start": "auto"}'
	mk_config mtty "$U2" '{"mdev_type": "mtty-0", "start": "auto"}'
	mk_config mtty "$U3" '{"mdev_type": "mtty-3", "start": "auto"}'
	mk_active mtty mtty-4 "$U4"
	mk_config mtty "$U4" '{"mdev_type": "mtty-4", "start": "auto"}'
	fakekernel_start
	run_exact -1 mdevadm start-parent-mdevs -v mtty
	assert_summary 1 1 2
	[ "$(nlines "$stderr")" -eq 2 ]
	[[ $stderr == *"$U1"*mtty-9* ]]
	[[ $stderr == *"$U2"*"no available instances"* ]]
	[ "$(created)" = "mtty/mtty-3 $U3" ]
	[ "$(kernel_creates)" -eq 1 ]
}

@test "start-parent-mdevs: a parent missing from sysfs fails every device, exit 1" {
	tree
	mk_config 0000:00:02.0 "$U1" '{"mdev_type": "i915-GVTg_V5_4", "start": "auto"}'
	mk_config 0000:00:02.0 "$U2" '{"mdev_type": "i915-GVTg_V5_8", "start": "auto"}'
	run_exact -1 mdevadm start-parent-mdevs -v 0000:00:02.0
	assert_summary 0 0 2 0000:00:02.0
	[ "$(nlines "$stderr")" -eq 2 ]
	[[ $stderr == *"$U1"*"0000:00:02.0 not found"* ]]
	assert_no_create_anywhere
}

@test "start-parent-mdevs: a broken config under another parent causes no warning" {
	tree
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "auto"}'
	mk_config mdpy "$U2" '{"mdev_type": "mdpy-vga", "sta'
	mk_config mdpy "$U3" '{"mdev_type": 5}'
	mk_config mdpy not-a-uuid '{}'
	mk_config other "$U4" '[]'
	mk_scriptdirs
	fakekernel_start
	run_exact -0 mdevadm start-parent-mdevs -v mtty
	assert_summary 1 0 0
	[ "$stderr" = "" ]
	[ "$(created)" = "mtty/mtty-1 $U1" ]
}

@test "start-parent-mdevs: a broken config of that parent is a failure, the rest starts" {
	tree
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "sta'
	mk_config mtty "$U2" '{"mdev_type": "mtty-2", "start": "auto"}'
	fakekernel_start
	run_exact -1 mdevadm start-parent-mdevs -v mtty
	assert_summary 1 0 1
	[[ $stderr == *"etc/mdevctl.d/mtty/$U1"* ]]
	[ "$(nlines "$stderr")" -eq 1 ]
	[ "$(created)" = "mtty/mtty-2 $U2" ]
	[ "$(kernel_creates)" -eq 1 ]
}

@test "start-parent-mdevs: nothing to start prints nothing and exits 0" {
	tree
	run_exact -0 mdevadm start-parent-mdevs mtty
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	# only manual definitions
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "manual"}'
	run_exact -0 mdevadm start-parent-mdevs mtty
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	# a parent nobody defined anything for
	run_exact -0 mdevadm start-parent-mdevs nosuch
	[ "$output" = "" ]
	assert_no_create_anywhere
}

@test "start-parent-mdevs: nothing on standard output without -v, as mdevctl" {
	tree
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "auto"}'
	mk_config mtty "$U2" '{"mdev_type": "mtty-2", "start": "auto"}'
	mk_active mtty mtty-2 "$U2"
	fakekernel_start
	run_exact -0 mdevadm start-parent-mdevs mtty
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	[ "$(created)" = "mtty/mtty-1 $U1" ]
	run_exact -0 mdevadm start-parent-mdevs --all
	[ "$output" = "" ]
	[ "$stderr" = "" ]
}

@test "start-parent-mdevs: without -v a failure ends stderr with the summary, stdout stays empty" {
	tree
	mk_config mtty "$U1" '{"mdev_type": "mtty-9", "start": "auto"}'
	mk_config mtty "$U2" '{"mdev_type": "mtty-2", "start": "auto"}'
	fakekernel_start
	run_exact -1 mdevadm start-parent-mdevs mtty
	[ "$output" = "" ]
	[ "$(nlines "$stderr")" -eq 2 ]
	[[ $stderr == "mdevadm: cannot start $U1: "*mtty-9*$'\n'"mdevadm: mtty: started 1, already active 0, failed 1"$'\n' ]]
	[ "$(created)" = "mtty/mtty-2 $U2" ]
	# -v: the summary goes to stdout instead, once
	run_exact -1 mdevadm start-parent-mdevs --verbose mtty
	assert_summary 0 1 1
	assert_stderr_line "mdevadm: cannot start $U1: *mtty-9*"
}

@test "oracle: start-parent-mdevs prints what mdevctl prints on stdout: nothing" {
	need_oracle
	tree
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "auto"}'
	mk_config mtty "$U2" '{"mdev_type": "mtty-2", "start": "manual"}'
	# the oracle creates nothing here (no kernel answers): both only write to create
	assert_same_as_oracle start-parent-mdevs mtty
	[ "$output" = "" ]
}

@test "start-parent-mdevs: a missing or extra positional argument is a usage error" {
	tree
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "auto"}'
	run_exact -2 mdevadm start-parent-mdevs
	[ "$output" = "" ]
	[[ $stderr == *PARENT* && $stderr == *--help* ]]
	[ "$(nlines "$stderr")" -eq 1 ]
	run_exact -2 mdevadm start-parent-mdevs mtty mdpy
	[[ $stderr == *mdpy* ]]
	[ "$(nlines "$stderr")" -eq 1 ]
	run_exact -2 mdevadm start-parent-mdevs mtty --auto
	assert_no_create_anywhere
}

@test "start-parent-mdevs: hostile parent names are usage errors, nothing is started" {
	tree
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "auto"}'
	mkdir -p "$ROOT/etc/mdevctl.d/x"
	local name
	for name in .. . ../mtty mtty/.. x/../mtty ""; do
		run_exact -2 mdevadm start-parent-mdevs "$name"
		[ "$output" = "" ] || _fail "'$name': printed $output"
		[[ $stderr == *"invalid parent name"* ]] || _fail "'$name': $stderr"
		[ "$(nlines "$stderr")" -eq 1 ]
	done
	assert_no_create_anywhere
}

@test "start-parent-mdevs: hidden from the main help, but has its own" {
	run_exact -0 mdevadm --help
	[[ $output != *start-parent-mdevs* ]]
	run_exact -0 mdevadm start-parent-mdevs --help
	[[ $output == *"start-parent-mdevs [-v] PARENT | [-v] --all"* ]]
	[[ $output == *"--verbose"* ]]
	[ "$stderr" = "" ]
}

@test "start-parent-mdevs (fake kernel): devices appear; a second run finds them active" {
	tree
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "auto"}'
	mk_config mtty "$U2" '{"mdev_type": "mtty-2", "start": "auto", "attrs": []}'
	mk_config mtty "$U3" '{"mdev_type": "mtty-3", "start": "manual"}'
	fakekernel_start
	run_exact -0 mdevadm start-parent-mdevs -v mtty
	fakekernel_settle
	assert_summary 2 0 0
	run_exact -0 mdevadm list
	[ "$output" = "$U1 mtty mtty-1 auto (defined)
$U2 mtty mtty-2 auto (defined)
" ]
	run_exact -0 mdevadm start-parent-mdevs -v mtty
	fakekernel_settle
	assert_summary 0 2 0
	[ "$stderr" = "" ]
	[ "$(grep -c ': ok' "$FAKEKERNEL_CTL/log")" -eq 2 ]
}

@test "start-parent-mdevs (fake kernel): a device whose attribute fails is rolled back, others start" {
	tree
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "auto", "attrs": [{"no_such_attr": "1"}]}'
	mk_config mtty "$U2" '{"mdev_type": "mtty-2", "start": "auto"}'
	fakekernel_start
	run_exact -1 mdevadm start-parent-mdevs -v mtty
	fakekernel_settle
	assert_summary 1 0 1
	[[ $stderr == *"$U1"* || $stderr == *no_such_attr* ]]
	[ "$(nlines "$stderr")" -eq 1 ]
	grep -q "remove $U1: ok" "$FAKEKERNEL_CTL/log"
	run_exact -0 mdevadm list
	[ "$output" = "$U2 mtty mtty-2 auto (defined)
" ]
}

@test "start-parent-mdevs (fake kernel): several devices of one type all start" {
	tree
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "auto"}'
	mk_config mtty "$U2" '{"mdev_type": "mtty-1", "start": "auto"}'
	mk_config mtty "$U3" '{"mdev_type": "mtty-1", "start": "auto"}'
	fakekernel_start
	run_exact -0 mdevadm start-parent-mdevs -v mtty
	assert_summary 3 0 0
	[ "$(created)" = "mtty/mtty-1 $U1
mtty/mtty-1 $U2
mtty/mtty-1 $U3" ]
	[ "$(cat "$ROOT/$(parent_path mtty)/mdev_supported_types/mtty-1/available_instances")" = 21 ]
}

@test "start-parent-mdevs (fake kernel): two runs at once start each device once" {
	tree
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "auto"}'
	mk_config mtty "$U2" '{"mdev_type": "mtty-1", "start": "auto"}'
	mk_config mtty "$U3" '{"mdev_type": "mtty-2", "start": "auto"}'
	fakekernel_start
	local r pids=()
	for r in a b; do
		(
			rc=0
			mdevadm start-parent-mdevs -v mtty >"$BATS_TEST_TMPDIR/$r.out" 2>"$BATS_TEST_TMPDIR/$r.err" || rc=$?
			echo "$rc" >"$BATS_TEST_TMPDIR/$r.rc"
		) 3>&- &
		pids+=($!)
	done
	wait "${pids[@]}"
	fakekernel_settle
	[ "$(cat "$BATS_TEST_TMPDIR/a.rc") $(cat "$BATS_TEST_TMPDIR/b.rc")" = "0 0" ]
	[ "$(cat "$BATS_TEST_TMPDIR/a.err" "$BATS_TEST_TMPDIR/b.err")" = "" ]
	[ "$(cat "$BATS_TEST_TMPDIR/a.out" "$BATS_TEST_TMPDIR/b.out" | sort)" = "mtty: started 0, already active 3, failed 0
mtty: started 3, already active 0, failed 0" ]
	[ "$(kernel_creates)" -eq 3 ]
}

@test "start-parent-mdevs: an active device is never started twice, even while files are renamed elsewhere" {
	tree
	mk_active mtty mtty-1 "$U1"
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "auto"}'
	renamer_start
	local i bad=
	for ((i = 1; i <= 50; i++)); do
		run_exact mdevadm start-parent-mdevs -v mtty
		if [ "$status" -ne 0 ] || [ "$output" != "mtty: started 0, already active 1, failed 0
" ] || [ -s "$(cfile mtty mtty-1)" ]; then
			bad="run $i: status $status, stdout: $output, stderr: $stderr, create: $(cat "$(cfile mtty mtty-1)")"
			break
		fi
	done
	renamer_stop
	[ -z "$bad" ] || _fail "$bad"
}

@test "start-parent-mdevs --all (fake kernel): every present parent with definitions" {
	tree
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "auto"}'
	mk_config mtty "$U2" '{"mdev_type": "mtty-2", "start": "manual"}'
	mk_config mdpy "$U3" '{"mdev_type": "mdpy-vga", "start": "auto"}'
	mk_config 0000:00:02.0 "$U4" '{"mdev_type": "i915-GVTg_V5_4", "start": "auto"}'
	fakekernel_start
	run_exact -0 mdevadm start-parent-mdevs -v --all
	[ "$output" = "mdpy: started 1, already active 0, failed 0
mtty: started 1, already active 0, failed 0
" ]
	[ "$stderr" = "" ]
	[ "$(created | sort)" = "mdpy/mdpy-vga $U3
mtty/mtty-1 $U1" ]
	run_exact -2 mdevadm start-parent-mdevs --all mtty
	[[ $stderr == *--all* ]]
}
