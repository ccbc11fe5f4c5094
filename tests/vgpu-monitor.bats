#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# monitor for vGPUs: no uevent announces a vGPU (writing current_vgpu_type adds no device), and
# their definitions live outside etc/mdevctl.d, so monitor polls them (MDEVADM_POLL_MS, 1 s by
# default; 50 ms here) and reports the changes, named by VF. Works under --root too.

load vgpu_helper

PF=0000:41:00.0
TS='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z'

setup() {
	vgpu_setup
	mk_vgpu_pf $PF l40s 2
	mk_vgpu_vfs $PF
}

teardown() {
	if [ -n "${MON_PID-}" ]; then
		kill -KILL "$MON_PID" 2>/dev/null || true
		wait "$MON_PID" 2>/dev/null || true
	fi
	common_teardown
}

# monitor_start [ARGS...]: monitor in the background, polling every 50 ms; returns once it has
# taken its starting state (its polling timer exists, made right after).
monitor_start() {
	local i
	MON_OUT="$BATS_TEST_TMPDIR/monitor.out"
	MON_ERR="$BATS_TEST_TMPDIR/monitor.err"
	MDEVADM_POLL_MS=50 "$MDEVADM" --root "$ROOT" monitor "$@" >"$MON_OUT" 2>"$MON_ERR" 3>&- &
	MON_PID=$!
	for ((i = 0; i < 500; i++)); do
		! cat /proc/"$MON_PID"/fdinfo/* 2>/dev/null | grep -q '^clockid:' || return 0
		sleep 0.01
	done
	_fail "monitor did not start polling: $(cat "$MON_ERR")"
}

wait_lines() {
	local i
	for ((i = 0; i < 500; i++)); do
		[ "$(wc -l <"$MON_OUT")" -lt "$1" ] || return 0
		sleep 0.01
	done
	_fail "expected $1 lines from monitor, got:" "$(cat "$MON_OUT")"
}

monitor_stop() {
	local pid=$MON_PID rc=0
	MON_PID=
	sleep 0.2
	kill -INT "$pid"
	wait "$pid" || rc=$?
	output=$(cat "$MON_OUT")
	[ "$rc" -eq 0 ] || _fail "monitor exited with $rc" "$(cat "$MON_ERR")"
}

@test "vgpu monitor: a vGPU added and removed, its definition defined, modified and undefined" {
	mk_vgpu 0000:41:00.5 1145 # there before: the starting state, not an event
	monitor_start
	mdevadm start -p $PF -t nvidia-1145 >/dev/null
	wait_lines 1
	mdevadm define --vf 0000:41:00.4
	wait_lines 2
	mdevadm modify --vf 0000:41:00.4 -a
	wait_lines 3
	mdevadm stop --vf 0000:41:00.4
	wait_lines 4
	mdevadm undefine --vf 0000:41:00.4
	wait_lines 5
	monitor_stop
	[ "$(sed -E "s/^$TS //" <<<"$output")" = "added 0000:41:00.4 $PF nvidia-1145
defined 0000:41:00.4 $PF nvidia-1145
modified 0000:41:00.4 $PF nvidia-1145
removed 0000:41:00.4 $PF nvidia-1145
undefined 0000:41:00.4 $PF nvidia-1145" ]
	grep -q "polled vGPUs" "$MON_ERR"
}

@test "vgpu monitor --dumpjson: the device is named by \"vf\", mdevs keep \"uuid\"" {
	command -v jq >/dev/null || skip "jq is not installed"
	mk_bare_mtty
	monitor_start --dumpjson
	mk_vgpu 0000:41:00.5 1145
	wait_lines 1
	mdevadm define -u "$U1" -p mtty -t mtty-1
	wait_lines 2
	monitor_stop
	[ "$(printf '%s\n' "$output" | jq -c 'keys_unsorted')" = '["event","vf","parent","type","timestamp"]
["event","uuid","parent","type","timestamp"]' ]
	[ "$(printf '%s\n' "$output" | jq -r '[.event, .vf // .uuid, .parent, .type] | join(" ")')" = "added 0000:41:00.5 $PF nvidia-1145
defined $U1 mtty mtty-1" ]
}

@test "vgpu monitor: VFs disabled take their vGPUs with them" {
	mk_vgpu 0000:41:00.4 1148
	monitor_start
	fk_write "$(_pci_path $PF)/sriov_numvfs" 0
	wait_lines 1
	monitor_stop
	[ "$(sed -E "s/^$TS //" <<<"$output")" = "removed 0000:41:00.4 $PF nvidia-1148" ]
}
