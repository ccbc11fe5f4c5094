#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# The time limit on event scripts (MDEVADM_SCRIPT_TIMEOUT seconds, default 30): a script that
# hangs, or leaves a child holding its output open, is killed with its process group and
# counts as failed, and delays the command by about the limit only.

load test_helper
load callout_helper

setup() {
	callout_setup
	export MDEVADM_SCRIPT_TIMEOUT=1
	PIDS="$BATS_TEST_TMPDIR/pids"
	: >"$PIDS"
}

teardown() {
	# whatever a test left running (a test that failed, or a child that escaped)
	local p
	while read -r p; do
		[ -n "$p" ] && kill -9 "$p" 2>/dev/null || true
	done <"$PIDS"
	common_teardown
}

# hang_on EVENT ACTION: body that records its sleeping process in $PIDS and sleeps 30 s for
# that event and action
hang_on() {
	printf '[ "$event $action" != "%s %s" ] || { echo $$ >>"%s"; exec sleep 30; }\n' "$1" "$2" "$PIDS"
}

# assert_within MS: the last timed_run took less than MS milliseconds
assert_within() {
	[ "$elapsed" -lt "$1" ] || _fail "took $elapsed ms, more than $1 ms"
}

# assert_all_gone: every process recorded in $PIDS is dead
assert_all_gone() {
	local p
	while read -r p; do
		[ -z "$p" ] || assert_not_running "$p" || return
	done <"$PIDS"
}

# assert_define_outlives_hang EVENT ACTION: with the callout hang stuck on EVENT ACTION, define
# still succeeds in time and leaves no process behind.
assert_define_outlives_hang() {
	mk_samples
	mk_script "$CALLOUTS" hang "$(hang_on "$1" "$2")"
	timed_run -0 mdevadm define -u "$U1" -p mtty -t mtty-1
	assert_within 2500
	[ -f "$(cfgfile mtty "$U1")" ]
	assert_all_gone
}

@test "a hanging pre is killed at the limit: the command fails, nothing is written" {
	mk_samples
	mk_script "$CALLOUTS" hang "$(hang_on pre define)"
	mk_script "$NOTIFIERS" nt
	timed_run -1 mdevadm define -u "$U1" -p mtty -t mtty-1
	assert_within 2500
	[ "$elapsed" -ge 900 ] || _fail "returned after $elapsed ms, before the limit"
	[ ! -e "$(cfgfile mtty "$U1")" ]
	assert_stderr_has hang
	assert_stderr_has "$U1"
	assert_log_np "$(line hang mtty-1 pre define none "$U1" mtty "$(cj mtty-1)"
		line nt mtty-1 notify define none "$U1" mtty "$(cj mtty-1)")"$'\n'
	[ -s "$PIDS" ]
	assert_all_gone
}

@test "a hanging pre of start: create is not written" {
	mk_samples
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "manual"}'
	mk_script "$CALLOUTS" hang "$(hang_on pre start)"
	timed_run -1 mdevadm start -u "$U1"
	assert_within 2500
	assert_no_write "$(createfile mtty mtty-1)"
	assert_all_gone
}

@test "--force goes on after a hanging pre was killed" {
	mk_samples
	mk_script "$CALLOUTS" hang "$(hang_on pre define)"
	timed_run -0 mdevadm define -u "$U1" -p mtty -t mtty-1 --force
	assert_within 2500
	[ -f "$(cfgfile mtty "$U1")" ]
	assert_stderr_has hang
}

@test "a hanging post is killed; its result is ignored, the command succeeds" {
	assert_define_outlives_hang post define
}

@test "a hanging notifier is killed; the command succeeds and later notifiers still run" {
	mk_samples
	mk_script "$NOTIFIERS" 1-hang "$(hang_on notify define)"
	mk_script "$NOTIFIERS" 2-ok
	timed_run -0 mdevadm define -u "$U1" -p mtty -t mtty-1
	assert_within 2500
	[ -f "$(cfgfile mtty "$U1")" ]
	[ "$(count_calls '2-ok -t mtty-1 -e notify ')" -eq 1 ]
	assert_all_gone
}

@test "a hanging get attributes: list -v warns and still lists in time" {
	mk_samples
	mk_active mtty mtty-1 "$U1"
	mk_script "$CALLOUTS" hang "$(hang_on get attributes)"
	timed_run -0 mdevadm list -v
	assert_within 2500
	[ "$output" = "$U1 mtty mtty-1 manual"$'\n' ]
	assert_stderr_has "$U1"
	assert_all_gone
}

@test "a hanging get attributes: define -u fails and writes nothing" {
	mk_samples
	mk_active mtty mtty-1 "$U1"
	mk_script "$CALLOUTS" hang "$(hang_on get attributes)"
	timed_run -1 mdevadm define -u "$U1"
	assert_within 2500
	[ ! -e "$(cfgfile mtty "$U1")" ]
}

@test "a hanging capabilities probe is killed too; the command goes on" {
	assert_define_outlives_hang get capabilities
}

@test "a script that exits but leaves a child holding stdout open: the command returns in time" {
	mk_samples
	mk_script "$CALLOUTS" bg "[ \"\$event\" = pre ] || exit 0
sleep 30 &
echo \$! >>'$PIDS'
exit 0"
	# it is still writing as far as anyone can tell: killed at the limit, so pre failed
	timed_run -1 mdevadm define -u "$U1" -p mtty -t mtty-1
	assert_within 2500
	[ ! -e "$(cfgfile mtty "$U1")" ]
	[ -s "$PIDS" ]
	# the child was in the script's process group: it is gone too
	assert_all_gone
}

@test "a child in its own session holding stdout open cannot hold up the command either" {
	mk_samples
	mk_script "$CALLOUTS" escape "[ \"\$event\" = pre ] || exit 0
setsid sleep 30 &
echo \$! >>'$PIDS'
exit 0"
	timed_run mdevadm define -u "$U1" -p mtty -t mtty-1
	assert_within 2500
}

@test "a child holding stderr open: the command returns in time" {
	mk_samples
	mk_script "$CALLOUTS" bg "[ \"\$event\" = pre ] || exit 0
sleep 30 >/dev/null &
echo \$! >>'$PIDS'
exit 0"
	timed_run mdevadm define -u "$U1" -p mtty -t mtty-1
	assert_within 2500
	assert_all_gone
}

@test "a script that ignores SIGTERM and keeps writing is still stopped at the limit" {
	mk_samples
	mk_script "$CALLOUTS" loud "[ \"\$event\" = pre ] || exit 0
echo \$\$ >>'$PIDS'
trap '' TERM HUP INT
while :; do echo 'still here' >&2; echo junk; done"
	timed_run -1 mdevadm define -u "$U1" -p mtty -t mtty-1
	assert_within 3000
	[ ! -e "$(cfgfile mtty "$U1")" ]
	assert_all_gone
}

@test "a script killed by a signal counts as failed" {
	mk_samples
	mk_script "$CALLOUTS" dies '[ "$event" = pre ] && kill -9 $$'
	run_exact -1 mdevadm define -u "$U1" -p mtty -t mtty-1
	[ ! -e "$(cfgfile mtty "$U1")" ]
	assert_stderr_has dies
}

@test "a slow script within the limit is not killed" {
	export MDEVADM_SCRIPT_TIMEOUT=3
	mk_samples
	mk_script "$CALLOUTS" slow '[ "$event" != pre ] || sleep 1'
	timed_run -0 mdevadm define -u "$U1" -p mtty -t mtty-1
	[ -f "$(cfgfile mtty "$U1")" ]
	[ "$stderr" = "" ]
}

@test "an invalid MDEVADM_SCRIPT_TIMEOUT means the default, not no limit or zero" {
	mk_samples
	mk_script "$CALLOUTS" slow '[ "$event" != pre ] || sleep 1.2'
	for t in 0 -1 abc 1x ''; do
		rm -rf "$ROOT/etc/mdevctl.d/mtty"
		MDEVADM_SCRIPT_TIMEOUT=$t run_exact -0 mdevadm define -u "$U1" -p mtty -t mtty-1
		[ "$stderr" = "" ] || _fail "MDEVADM_SCRIPT_TIMEOUT='$t': $stderr"
	done
}

@test "a script that hangs on every event delays a command by about one limit, not more" {
	mk_samples
	mk_active mtty mtty-1 "$U1"
	mk_active mtty mtty-1 "$U2"
	mk_script "$CALLOUTS" stuck "echo \$\$ >>'$PIDS'; exec sleep 30"
	timed_run -0 mdevadm list -v
	assert_all_gone
	[[ $output == *"$U1"* ]] && [[ $output == *"$U2"* ]]
	# probe, then get attributes for each device: one limit is all it may cost
	assert_within 1800
}
