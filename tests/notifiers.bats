#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# Notifier scripts: every one of them, in order, after every command that changes something
# (-e notify, the action, the outcome, the config on stdin), also after a failed pre (state
# none) and when no callout handles the type; their status is ignored.

load test_helper
load callout_helper

@test "every notifier runs, sorted, documented directory first, with the config on stdin" {
	mk_samples
	mk_script "$NOTIFIERS" b
	mk_script "$NOTIFIERS" A
	mk_script "$NOTIFIERS" 1
	mk_script "$OLD_NOTIFIERS" 0-old
	mk_script "$OLD_NOTIFIERS" z-old
	run_exact -0 mdevadm define -u "$U1" -p mtty -t mtty-1
	assert_log "$(for n in 1 A b 0-old z-old; do
		line "$n" mtty-1 notify define success "$U1" mtty "$(cj mtty-1)"
	done)"$'\n'
	[ "$stderr" = "" ]
}

@test "notifiers are never probed for capabilities and get no get events" {
	mk_samples
	mk_active mtty mtty-1 "$U1"
	mk_script "$NOTIFIERS" nt
	run_exact -0 mdevadm list -v
	run_exact -0 mdevadm define -u "$U1"
	assert_log "$(line nt mtty-1 notify define success "$U1" mtty "$(cj mtty-1)")"$'\n'
}

@test "every changing command notifies: define, modify, start, stop, undefine" {
	mk_samples
	mk_script "$NOTIFIERS" nt
	run_exact -0 mdevadm define -u "$U1" -p mtty -t mtty-1
	run_exact -0 mdevadm modify -u "$U1" --auto
	run_exact -0 mdevadm start -u "$U1"
	mk_active mtty mtty-1 "$U1"
	run_exact -0 mdevadm stop -u "$U1"
	run_exact -0 mdevadm undefine -u "$U1"
	a=$(cj mtty-1 auto)
	assert_log "$(line nt mtty-1 notify define success "$U1" mtty "$(cj mtty-1)"
		line nt mtty-1 notify modify success "$U1" mtty "$a"
		line nt mtty-1 notify start success "$U1" mtty "$a"
		line nt mtty-1 notify stop success "$U1" mtty "$a"
		line nt mtty-1 notify undefine success "$U1" mtty "$a")"$'\n'
}

@test "start-parent-mdevs notifies once per device it starts" {
	mk_samples
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "auto"}'
	mk_config mtty "$U2" '{"mdev_type": "mtty-2", "start": "auto"}'
	mk_config mdpy "$U3" '{"mdev_type": "mdpy-vga", "start": "auto"}'
	mk_script "$NOTIFIERS" nt
	fakekernel_start
	run_exact -0 mdevadm start-parent-mdevs mtty
	assert_log "$(line nt mtty-1 notify start success "$U1" mtty "$(cj mtty-1 auto)"
		line nt mtty-2 notify start success "$U2" mtty "$(cj mtty-2 auto)")"$'\n'
}

@test "read-only commands notify nobody: list, types, failing usage" {
	mk_samples
	mk_active mtty mtty-1 "$U1"
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "manual"}'
	mk_script "$NOTIFIERS" nt
	run_exact -0 mdevadm list
	run_exact -0 mdevadm list -v --dumpjson
	run_exact -0 mdevadm list -d
	run_exact -0 mdevadm types
	run_exact -2 mdevadm define
	run_exact -2 mdevadm modify -u "$U1"
	assert_log ""
}

@test "a command refused before any script runs notifies nobody" {
	mk_samples
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "manual"}'
	mk_script "$NOTIFIERS" nt
	run_exact -1 mdevadm define -u "$U1" -p mtty -t mtty-1
	run_exact -1 mdevadm undefine -u "$U2"
	run_exact -1 mdevadm stop -u "$U1"
	assert_log ""
}

@test "after a failed pre every notifier runs with state none" {
	mk_samples
	mk_script "$CALLOUTS" guard 'exit 1'
	mk_script "$NOTIFIERS" n1
	mk_script "$OLD_NOTIFIERS" n2
	run_exact -1 mdevadm define -u "$U1" -p mtty -t mtty-1
	assert_log_np "$(line guard mtty-1 pre define none "$U1" mtty "$(cj mtty-1)"
		line n1 mtty-1 notify define none "$U1" mtty "$(cj mtty-1)"
		line n2 mtty-1 notify define none "$U1" mtty "$(cj mtty-1)")"$'\n'
}

@test "after a failed command the notifiers get state failure" {
	mk_samples
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "manual"}'
	_put "$(parent_path mtty)/mdev_supported_types/mtty-1/available_instances" $'0\n'
	mk_script "$NOTIFIERS" nt
	run_exact -1 mdevadm start -u "$U1"
	assert_log "$(line nt mtty-1 notify start failure "$U1" mtty "$(cj mtty-1)")"$'\n'
}

@test "notifiers run when no callout handles the type, and when callouts answer 2" {
	mk_samples
	mk_script "$CALLOUTS" other 'exit 2'
	mk_script "$NOTIFIERS" nt
	run_exact -0 mdevadm define -u "$U1" -p mtty -t mtty-1
	assert_log_np "$(line nt mtty-1 notify define success "$U1" mtty "$(cj mtty-1)")"$'\n'
}

@test "a notifier's status is ignored: 1, 2 and 127 stop neither the others nor the command" {
	mk_samples
	mk_script "$NOTIFIERS" 1 'exit 1'
	mk_script "$NOTIFIERS" 2 'exit 2'
	mk_script "$NOTIFIERS" 3 'exit 127'
	mk_script "$NOTIFIERS" 4
	run_exact -0 mdevadm define -u "$U1" -p mtty -t mtty-1
	[ "$stderr" = "" ]
	[ "$output" = "" ]
	assert_log "$(for n in 1 2 3 4; do
		line "$n" mtty-1 notify define success "$U1" mtty "$(cj mtty-1)"
	done)"$'\n'
}

@test "a notifier's stderr is passed on with its name, its stdout is dropped" {
	mk_samples
	mk_script "$NOTIFIERS" tell 'echo "stdout text"; echo "heard $action" >&2'
	run_exact -0 mdevadm define -u "$U1" -p mtty -t mtty-1
	[ "$output" = "" ]
	[ "$stderr" = $'tell: heard define\n' ]
}

@test "a notifier that does not read its stdin is fine" {
	mk_samples
	mk_scriptdir "$NOTIFIERS"
	printf '#!/bin/sh\necho ran >>"%s"\n' "$LOG" >"$ROOT/$NOTIFIERS/deaf"
	chmod 755 "$ROOT/$NOTIFIERS/deaf"
	run_exact -0 mdevadm define -u "$U1" -p mtty -t mtty-1
	[ "$(cat "$LOG")" = ran ]
}
