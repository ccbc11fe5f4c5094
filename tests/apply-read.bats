#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# How apply reads: the layout through the plain-JSON fast path or, for anything else, jansson,
# with the same result either way; the machine on several threads (MDEVADM_THREADS), with the
# same plan, export and first error as on one.

load test_helper

# parents on the many-parent machine: enough (PARALLEL_MIN_ITEMS each) for 8 threads to start
NPARENTS=150

setup() {
	common_setup
	LAYOUT="$BATS_TEST_TMPDIR/layout.json"
	mkdir -p "$ROOT/run/lock"
	: >"$ROOT/run/lock/mdevadm.lock"
}

layout() { printf '%s\n' "$1" >"$LAYOUT"; }

# pci N: the address of the Nth parent of the many-parent machine
pci() { printf '0000:%02x:00.0' "$1"; }

# many_parents: NPARENTS parents of one type; every 10th runs a device, every 7th has a
# definition of its own, every 14th a definition of a running device; one more definition
many_parents() {
	local i u
	for ((i = 1; i <= NPARENTS; i++)); do
		mk_parent "$(pci "$i")"
		mk_type "$(pci "$i")" nvidia-256 8 vfio-pci "GRID T4-2Q"
		u=$(printf '%08x-0000-4000-8000-%012x' "$i" "$i")
		((i % 10)) || mk_active "$(pci "$i")" nvidia-256 "$u"
		((i % 7)) || mk_config "$(pci "$i")" "$u" '{"mdev_type": "nvidia-256", "start": "auto"}'
	done
	# jansson reads this one ("\u0036" is "6"), on a thread of its own while the layout parses
	mk_config "$(pci 5)" 05050505-0000-4000-8000-000000000005 \
		'{"mdev_type": "nvidia-25\u0036", "start": "manual"}'
}

@test "apply: a layout jansson must read (escapes, non-ASCII, a real number) plans as its plain twin" {
	mk_mtty
	layout '{"version": 1, "devices": [{"parent": "mtty", "type": "mtty-1", "count": 2}]}'
	run_exact -3 mdevadm apply -f "$LAYOUT" --check --dumpjson
	plain=$output
	# "\u006d" is "m", and the description is UTF-8: not plain, so jansson reads it
	layout '{"version": 1, "description": "Ger\u00e4te f\u00fcr VMs",
		 "devices": [{"parent": "\u006dtty", "type": "mtty-1", "count": 2,
			      "description": "zwei Ger'$'\xc3\xa4''te"}]}'
	run_exact -3 mdevadm apply -f "$LAYOUT" --check --dumpjson
	[ "$output" = "$plain" ]
	# 2.0 is a number, but not an integer: jansson's value, and the checker's message
	layout '{"version": 1, "devices": [{"parent": "mtty", "type": "mtty-1", "count": 2.0}]}'
	run_exact -1 mdevadm apply -f "$LAYOUT" --check
	[ "$stderr" = "mdevadm: $LAYOUT: devices[0].count: must be an integer >= 0"$'\n' ]
}

@test "apply: what only jansson can judge is judged by jansson: duplicate keys, leading zeros, deep nesting" {
	mk_mtty
	layout '{"version": 1, "devices": [{"parent": "mtty", "parent": "mtty", "type": "mtty-1", "count": 1}]}'
	run_exact -1 mdevadm apply -f "$LAYOUT" --check
	[ "$stderr" = "mdevadm: $LAYOUT: invalid JSON at line 1: duplicate object key near '\"parent\"'"$'\n' ]
	layout '{"version": 1, "devices": [{"parent": "mtty", "type": "mtty-1", "count": 01}]}'
	run_exact -1 mdevadm apply -f "$LAYOUT" --check
	[[ $stderr == "mdevadm: $LAYOUT: invalid JSON at line 1: "*$'\n' ]]
	# deeper than the fast path goes: an unknown key, found after jansson read all of it
	layout '{"version": 1, "devices": [], "x": '"$(printf '[%.0s' {1..40})$(printf ']%.0s' {1..40})"'}'
	run_exact -1 mdevadm apply -f "$LAYOUT" --check
	[ "$stderr" = "mdevadm: $LAYOUT: top level: unknown key \"x\""$'\n' ]
}

@test "apply: on many parents, one thread or four read the same machine: same export, same plan" {
	many_parents
	MDEVADM_THREADS=1 run_exact -0 mdevadm apply --export
	one=$output
	MDEVADM_THREADS=4 run_exact -0 mdevadm apply --export
	[ "$output" = "$one" ]
	[ "$(jq '.devices | length' <<<"$one")" -eq $((NPARENTS / 10 + NPARENTS / 7 - NPARENTS / 70 + 1)) ]
	# the export describes the machine: nothing to do, on either
	printf '%s\n' "$one" >"$LAYOUT"
	for t in 1 4; do
		MDEVADM_THREADS=$t run_exact -0 mdevadm apply -f "$LAYOUT" --check
		[[ $output == "Nothing to do: "* ]]
	done
	# two devices on every parent: a plan that touches each of them
	layout '{"version": 1, "devices": [{"parent": "*", "type": "nvidia-256", "count": 2}]}'
	MDEVADM_THREADS=1 run_exact -3 mdevadm apply -f "$LAYOUT" --check --dumpjson
	one=$(jq -c .actions <<<"$output")
	MDEVADM_THREADS=4 run_exact -3 mdevadm apply -f "$LAYOUT" --check --dumpjson
	[ "$(jq -c .actions <<<"$output")" = "$one" ]
	[ "$(jq 'length' <<<"$one")" -gt "$NPARENTS" ]
}

@test "apply: on many parents, the first broken definition in parent order is the one reported" {
	many_parents
	mk_config "$(pci 140)" 11111111-1111-4111-8111-111111111111 '{"mdev_type": '
	mk_config "$(pci 30)" 22222222-2222-4222-8222-222222222222 'not json'
	layout '{"version": 1, "devices": [{"parent": "*", "type": "nvidia-256", "count": 1}]}'
	before=$(tree_snapshot "$ROOT")
	for t in 1 2 4 8; do
		MDEVADM_THREADS=$t run_exact -1 mdevadm apply -f "$LAYOUT"
		[[ $stderr == "mdevadm: "*"/$(pci 30)/22222222-2222-4222-8222-222222222222"*$'\n' ]] ||
			_fail "MDEVADM_THREADS=$t: $stderr"
		[ "$(tree_snapshot "$ROOT")" = "$before" ]
	done
}

@test "apply: MDEVADM_THREADS that is not a number from 1 up is ignored, not an error" {
	many_parents
	layout '{"version": 1, "devices": [{"parent": "*", "type": "nvidia-256", "count": 1}]}'
	MDEVADM_THREADS=1 run_exact -3 mdevadm apply -f "$LAYOUT" --check
	one=$(grep -c '^  define' <<<"$output")
	for t in 0 -3 x 99 ''; do
		MDEVADM_THREADS=$t run_exact -3 mdevadm apply -f "$LAYOUT" --check
		[ "$(grep -c '^  define' <<<"$output")" -eq "$one" ] || _fail "MDEVADM_THREADS=$t"
	done
}

@test "apply: what is read ahead of the layout speaks only for the parents the layout manages" {
	many_parents
	# a stray file on two managed parents, and a broken definition and a stray file on one
	# the layout does not name
	mk_config "$(pci 120)" stray '{}'
	mk_config "$(pci 12)" stray '{}'
	mk_config "$(pci 3)" 33333333-3333-4333-8333-333333333333 'not json'
	mk_config "$(pci 3)" stray '{}'
	layout '{"version": 1, "devices": [
		{"parent": "'"$(pci 120)"'", "type": "nvidia-256", "count": 1},
		{"parent": "'"$(pci 12)"'", "type": "nvidia-256", "count": 1}]}'
	for t in 1 4; do
		MDEVADM_THREADS=$t run_exact -3 mdevadm apply -f "$LAYOUT" --check
		[ "$stderr" = "mdevadm: warning: ignoring /etc/mdevctl.d/$(pci 12)/stray: file name is not a UUID
mdevadm: warning: ignoring /etc/mdevctl.d/$(pci 120)/stray: file name is not a UUID"$'\n' ] ||
			_fail "MDEVADM_THREADS=$t: $stderr"
		[[ $output == *"  define   (new UUID) "*" on $(pci 12): nvidia-256, manual [devices[1]]"* ]]
	done
}

@test "apply: a layout piped in slowly is read before the store lock: a define meanwhile does not wait" {
	mk_mtty
	layout '{"version": 1, "devices": [{"parent": "mtty", "type": "mtty-1", "uuid": "'"$U1"'"}]}'
	{ sleep 8; cat "$LAYOUT"; } | mdevadm apply -f - --check >"$BATS_TEST_TMPDIR/apply.out" 2>&1 &
	pid=$!
	sleep 1
	# waiting for the store lock, this would wait for apply, which waits for its layout
	run_exact -0 mdevadm define -u "$U1" -p mtty -t mtty-1
	kill -0 "$pid" || _fail "apply ended before the define could: it held the lock"
	wait "$pid"
	grep -q '^Nothing to do: ' "$BATS_TEST_TMPDIR/apply.out" || _fail "$(cat "$BATS_TEST_TMPDIR/apply.out")"
	assert_cfg "$(cfg mtty "$U1")" mtty-1 manual
}
