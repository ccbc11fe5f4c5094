#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# Upstream mdevctl's start and stop tests (src/tests/startstop.rs): what identifies the device to
# start (UUID, parent, type, definitions on one or two parents), every reason not to start it
# (with nothing written to `create`), and callouts (legacy and versioned) around both commands.

load test_helper
load callout_helper
load upstream_helper

T=arbitrary_type
P2B=0000:2b:00.0

# parent P: P3 supports T with one instance (device API vfio-pci, name "test device").
parent() { up_type "${1:-$P3}" "$T" "${2:-1}" vfio-pci "test device"; }

# created PARENT UUID: UUID was written to PARENT's create file for T, and nothing else was.
created() {
	assert_written "$(cfile "$1" "$T")" "$2" || return
	local f
	while IFS= read -r f; do
		[ "$f" = "$(cfile "$1" "$T")" ] || assert_no_write "$f" || return
	done < <(find "$ROOT/sys/devices" -name create -type f)
}

# both: UUID is defined (arbitrary.json) on P3 and P2, which both support T.
both() {
	parent
	up_defined "$UUID" "$P3" arbitrary
	parent "$P2"
	up_defined "$UUID" "$P2" arbitrary
}

@test "startstop.rs/uuid-type-parent: -u -p -t start a transient device, printing nothing" {
	parent
	run_exact -0 mdevadm start -u "$UUID" -p "$P3" -t "$T"
	assert_quiet
	created "$P3" "$UUID"
}

@test "startstop.rs/no-uuid: without -u the UUID is generated and printed" {
	parent
	run_exact -0 mdevadm start -p "$P3" -t "$T"
	[[ $output =~ ^[0-9a-f-]{36}$'\n'$ ]]
	created "$P3" "${output%$'\n'}"
}

@test "startstop.rs/no-uuid-no-parent, no-uuid-no-type: -t alone or -p alone is refused" {
	parent
	run_exact -2 mdevadm start -t "$T"
	run_exact -2 mdevadm start -p "$P3"
	assert_no_create_anywhere
}

@test "startstop.rs/no-parent, no-type: a UUID not defined needs -p and -t" {
	parent
	run_exact -1 mdevadm start -u "$UUID" -t "$T"
	[[ $stderr == *"cannot start $UUID: not defined"* ]]
	run_exact -1 mdevadm start -u "$UUID" -p "$P3"
	[[ $stderr == *"cannot start $UUID: not defined on $P3"* ]]
	assert_no_create_anywhere
}

@test "startstop.rs/no-type-defined, no-type-parent-defined: a definition supplies the rest" {
	parent
	up_defined "$UUID" "$P3" arbitrary
	run_exact -0 mdevadm start -u "$UUID" -p "$P3"
	assert_quiet
	created "$P3" "$UUID"
	: >"$(cfile "$P3" "$T")"
	run_exact -0 mdevadm start -u "$UUID"
	created "$P3" "$UUID"
}

@test "startstop.rs/defined-with-type: -u -p -t matching the definition on that parent" {
	both
	run_exact -0 mdevadm start -u "$UUID" -p "$P3" -t "$T"
	created "$P3" "$UUID"
}

@test "startstop.rs/defined-multiple-underspecified: defined on two parents: -p is needed" {
	both
	run_exact -1 mdevadm start -u "$UUID"
	assert_stderr_line "*defined on several parents*--parent"
	assert_no_create_anywhere
}

@test "startstop.rs/defined-multiple: -p picks one of two definitions" {
	both
	run_exact -0 mdevadm start -u "$UUID" -p "$P3"
	created "$P3" "$UUID"
}

@test "startstop.rs/defined-diff-type: a -t other than the definition's fails" {
	parent
	up_defined "$UUID" "$P3" arbitrary
	run_exact -1 mdevadm start -u "$UUID" -p "$P3" -t wrong-type
	assert_stderr_line "*--type wrong-type conflicts with its definition*"
	assert_no_create_anywhere
}

@test "startstop.rs/already-running: a UUID that is active is not created again" {
	parent
	up_active "$UUID" "$P3" "$T"
	run_exact -1 mdevadm start -u "$UUID" -p "$P3" -t "$T"
	assert_stderr_line "*already active on $P3*"
	assert_no_create_anywhere
}

@test "startstop.rs/no-instances: no available instance: nothing is written" {
	parent "$P3" 0
	run_exact -1 mdevadm start -u "$UUID" -p "$P3" -t "$T"
	assert_no_create_anywhere
}

@test "startstop.rs/defined-multiple-callout-success, -fail, -fail-force" {
	both
	up_script rc1 rc1.sh
	run_exact -1 mdevadm start -u "$UUID" -p "$P3" -t "$T"
	assert_no_create_anywhere
	run_exact -0 mdevadm start -u "$UUID" -p "$P3" -t "$T" -f
	created "$P3" "$UUID"
	: >"$(cfile "$P3" "$T")"
	rm "$ROOT/$CALLOUTS/rc1.sh"
	up_script rc0 rc0.sh
	run_exact -0 mdevadm start -u "$UUID" -p "$P3" -t "$T"
	created "$P3" "$UUID"
}

@test "startstop.rs/missing-parent: a parent that is not there is named" {
	run_exact -1 mdevadm start -u "$UUID" -p "$P3" -t "$T"
	assert_stderr_line "*cannot start $UUID: parent device $P3 not found"
}

@test "startstop.rs/parent-case: a parent differing in case earns a hint" {
	parent "$P2B"
	run_exact -1 mdevadm start -u "$UUID" -p "${P2B^^}" -t "$T"
	assert_stderr_line "*${P2B^^}*did you mean '$P2B'?*"
	assert_no_create_anywhere
}

# start_with RC: start UV (defined on P3) with -t T, expecting exit RC and its effect.
start_with() {
	run_exact "-$1" mdevadm start -u "$UV" -p "$P3" -t "$T"
	if [ "$1" = 0 ]; then created "$P3" "$UV"; else assert_no_create_anywhere; fi
	: >"$(cfile "$P3" "$T")"
}

@test "startstop.rs/start-single-with-version-callout-pass, -fail" {
	parent
	up_defined "$UV" "$P3" arbitrary
	up_script ver-rc1 ver-rc1.sh
	start_with 1
	rm "$ROOT/$CALLOUTS/ver-rc1.sh"
	up_script ver-rc0 ver-rc0.sh
	start_with 0
}

@test "startstop.rs/start-with-version-callout-multiple-with-version-pass, -pass2, -fail" {
	parent
	up_defined "$UV" "$P3" arbitrary
	up_script rc0 rc0.sh
	up_script ver-rc1 ver-rc1.sh
	start_with 1
	rm "$ROOT/$CALLOUTS/ver-rc1.sh"
	up_script ver-rc0 ver-rc0.sh
	start_with 0
	rm "$ROOT/$CALLOUTS/rc0.sh"
	up_script rc1 rc1.sh
	start_with 0
}

# -- test_stop -------------------------------------------------------------------------------

# stop_with RC UUID [OPTIONS]: stop UUID (active on P3 as T), expecting exit RC; on success its
# remove file holds 1, else it was not written.
stop_with() {
	local rc=$1 uuid=$2
	shift 2
	run_exact "-$rc" mdevadm stop -u "$uuid" "$@"
	if [ "$rc" = 0 ]; then
		assert_written "$(removefile "$P3" "$uuid")" 1
	else
		assert_no_write "$(removefile "$P3" "$uuid")"
	fi
}

@test "startstop.rs/stop default: 1 is written to the device's remove file" {
	up_active "$UUID" "$P3" "$T"
	stop_with 0 "$UUID"
	assert_quiet
}

@test "startstop.rs/stop callout-success, callout-fail, callout-fail-force" {
	up_active "$UUID" "$P3" "$T"
	up_script rc1 rc1.sh
	stop_with 1 "$UUID"
	stop_with 0 "$UUID" -f
	: >"$(removefile "$P3" "$UUID")"
	rm "$ROOT/$CALLOUTS/rc1.sh"
	up_script rc0 rc0.sh
	stop_with 0 "$UUID"
}

@test "startstop.rs/stop-single-callout-with-version-all-pass, -all-fail" {
	up_active "$UV" "$P3" "$T"
	up_script ver-rc1 ver-rc1.sh
	stop_with 1 "$UV"
	rm "$ROOT/$CALLOUTS/ver-rc1.sh"
	up_script ver-rc0 ver-rc0.sh
	stop_with 0 "$UV"
}

@test "startstop.rs/stop-single-callouts-mix-all-pass, -mix-all-fail" {
	up_active "$UV" "$P3" "$T"
	up_script rc0 rc0.sh
	up_script ver-rc1 ver-rc1.sh
	stop_with 1 "$UV"
	rm "$ROOT/$CALLOUTS/rc0.sh" "$ROOT/$CALLOUTS/ver-rc1.sh"
	up_script rc1 rc1.sh
	up_script ver-rc0 ver-rc0.sh
	stop_with 0 "$UV"
}
