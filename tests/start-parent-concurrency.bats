#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# start-parent-mdevs run many times at once, as udev does (add and change for the same parent,
# several parents registering together, the boot unit's --all on top), with the fake kernel
# answering `create`: every auto device is created exactly once. Also --all on its own.

load test_helper

# three parents: mtty with three auto devices and a manual one, mdpy with two, mbochs with one
defs() {
	mk_samples
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "auto"}'
	mk_config mtty "$U2" '{"mdev_type": "mtty-2", "start": "auto"}'
	mk_config mtty "$U3" '{"mdev_type": "mtty-1", "start": "auto", "attrs": []}'
	mk_config mtty "$U4" '{"mdev_type": "mtty-1", "start": "manual"}'
	mk_config mdpy "$U5" '{"mdev_type": "mdpy-vga", "start": "auto"}'
	mk_config mdpy "$U6" '{"mdev_type": "mdpy-hd", "start": "auto"}'
	mk_config mbochs "$U7" '{"mdev_type": "mbochs-small", "start": "auto"}'
}

# run_many CMD-ARGS...: each argument is one start-parent-mdevs argument list, all started at
# once; waits for all. $BATS_TEST_TMPDIR/run.N.{out,err,rc} hold each run's results.
run_many() {
	local i=0 args pids=()
	for args in "$@"; do
		# shellcheck disable=SC2086
		(
			rc=0
			"$MDEVADM" --root "$ROOT" start-parent-mdevs -v $args \
				>"$BATS_TEST_TMPDIR/run.$i.out" 2>"$BATS_TEST_TMPDIR/run.$i.err" || rc=$?
			echo "$rc" >"$BATS_TEST_TMPDIR/run.$i.rc"
		) 3>&- &
		pids+=($!)
		i=$((i + 1))
	done
	for i in "${pids[@]}"; do wait "$i"; done
}

# sum FIELD: the total of "started N" (FIELD=started) or "active N" over every run's summary.
sum() {
	cat "$BATS_TEST_TMPDIR"/run.*.out | sed -nE "s/.*$1 ([0-9]+).*/\\1/p" |
		awk '{ s += $1 } END { print s + 0 }'
}

# assert_created_once UUID...: the fake kernel created each UUID exactly once, refused nothing,
# and these are all it created.
assert_created_once() {
	local log="$FAKEKERNEL_CTL/log" u
	for u in "$@"; do
		[ "$(grep -c "create .* $u: ok" "$log")" -eq 1 ] ||
			_fail "$u created $(grep -c "create .* $u: ok" "$log") times" "$(cat "$log")" ||
			return
	done
	[ "$(grep -c ': ok' "$log")" -eq "$#" ] || _fail "unexpected creations" "$(cat "$log")" ||
		return
	! grep -q refused "$log" || _fail "the kernel refused a duplicate write" "$(cat "$log")"
}

assert_all_rc0() {
	local f
	for f in "$BATS_TEST_TMPDIR"/run.*.rc; do
		[ "$(cat "$f")" = 0 ] || _fail "$f: $(cat "$f")" "$(cat "${f%.rc}.err")" || return
	done
	! grep -q . "$BATS_TEST_TMPDIR"/run.*.err || _fail "stderr: $(cat "$BATS_TEST_TMPDIR"/run.*.err)"
}

@test "start-parent-mdevs x10 at once for one parent: each device created once, by one run" {
	defs
	fakekernel_start
	run_many mtty mtty mtty mtty mtty mtty mtty mtty mtty mtty
	fakekernel_settle
	assert_all_rc0
	assert_created_once "$U1" "$U2" "$U3"
	# one run started all three, the other nine found them active
	[ "$(sum started)" -eq 3 ]
	[ "$(sum active)" -eq 27 ]
	[ "$(grep -l 'started 3' "$BATS_TEST_TMPDIR"/run.*.out | wc -l)" -eq 1 ]
	run_exact -0 mdevadm list
	[ "$output" = "$U1 mtty mtty-1 auto (defined)
$U2 mtty mtty-2 auto (defined)
$U3 mtty mtty-1 auto (defined)
" ]
}

@test "start-parent-mdevs at once for different parents, add and change twice each, and --all" {
	defs
	fakekernel_start
	run_many mtty mdpy mbochs mtty mdpy mbochs --all mbochs mdpy mtty
	fakekernel_settle
	assert_all_rc0
	assert_created_once "$U1" "$U2" "$U3" "$U5" "$U6" "$U7"
	[ "$(sum started)" -eq 6 ]
	# mtty: 3 runs of 3, mdpy: 3 of 2, mbochs: 3 of 1, --all one more of each: 24 in all
	[ "$(sum active)" -eq $((24 - 6)) ]
	run_exact -0 mdevadm list
	[ "$(printf '%s' "$output" | wc -l)" -eq 6 ]
}

@test "start-parent-mdevs: concurrent runs where one device fails: the others still start once" {
	defs
	mk_config mtty "$U4" '{"mdev_type": "mtty-9", "start": "auto"}'
	fakekernel_start
	run_many mtty mtty mtty mtty mtty
	fakekernel_settle
	assert_created_once "$U1" "$U2" "$U3"
	local f
	for f in "$BATS_TEST_TMPDIR"/run.*.rc; do
		[ "$(cat "$f")" = 1 ]
		[ "$(grep -c "$U4" "${f%.rc}.err")" -eq 1 ]
	done
	[ "$(cat "$BATS_TEST_TMPDIR"/run.*.out | grep -c 'failed 1$')" -eq 5 ]
}

@test "start-parent-mdevs --all: every present parent with definitions; absent ones are left" {
	defs
	mk_config 0000:00:02.0 "$U4" '{"mdev_type": "i915-GVTg_V5_4", "start": "auto"}'
	mk_scriptdirs
	fakekernel_start
	run_exact -0 mdevadm start-parent-mdevs -v --all
	fakekernel_settle
	# byte order of parent names; the absent PCI parent is the udev rule's business later
	[ "$output" = "mbochs: started 1, already active 0, failed 0
mdpy: started 2, already active 0, failed 0
mtty: started 3, already active 0, failed 0
" ]
	[ "$stderr" = "" ]
	assert_created_once "$U1" "$U2" "$U3" "$U5" "$U6" "$U7"
	run_exact -0 mdevadm start-parent-mdevs -v --all
	[ "$(sum started)" -eq 0 ]
	[[ $output == *"mtty: started 0, already active 3, failed 0"* ]]
}

@test "start-parent-mdevs --all: a failing parent does not stop the others, exit 1" {
	defs
	mk_config mdpy "$U4" '{"mdev_type": "mdpy-nosuch", "start": "auto"}'
	fakekernel_start
	run_exact -1 mdevadm start-parent-mdevs -v --all
	fakekernel_settle
	[[ $output == *"mdpy: started 2, already active 0, failed 1"* ]]
	[[ $output == *"mtty: started 3, already active 0, failed 0"* ]]
	[[ $stderr == *"$U4"* ]]
	assert_created_once "$U1" "$U2" "$U3" "$U5" "$U6" "$U7"
}

@test "start-parent-mdevs --all: nothing defined, or no config dir, prints nothing, exit 0" {
	mk_samples
	run_exact -0 mdevadm start-parent-mdevs --all
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	mkdir -p "$ROOT/etc/mdevctl.d"
	run_exact -0 mdevadm start-parent-mdevs --all
	[ "$output" = "" ]
}

@test "start-parent-mdevs: --all and a PARENT together, or neither, are usage errors" {
	defs
	run_exact -2 mdevadm start-parent-mdevs --all mtty
	[[ $stderr == *"--all"* ]]
	run_exact -2 mdevadm start-parent-mdevs
	[[ $stderr == *"PARENT"*"--all"* ]]
	run_exact -0 mdevadm start-parent-mdevs --help
	[[ $output == *"start-parent-mdevs [-v] PARENT | [-v] --all"* ]]
	assert_no_write "$ROOT/$(parent_path mtty)/mdev_supported_types/mtty-1/create"
}
