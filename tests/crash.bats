#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# What a crash, a watcher and a crowd see of the store: one inotify event per change, stale
# temporary files removed under the lock, define/modify/undefine killed (-9) at random moments
# leaving every definition whole, and 24 writers at once on one parent losing nothing.

load test_helper

# uuid_n N: a distinct canonical UUID per N.
uuid_n() { printf '%08x-0000-4000-8000-%012x' "$1" "$1"; }

# litter: the temporary files of the store, in its parents' directories and in etc/ (where
# definitions are staged), one per line.
litter() {
	find "$ROOT/etc" -maxdepth 3 -name '.*.tmp.*' | sort
}

# events_of ARGS...: runs mdevadm ARGS with inotifywait watching etc/mdevctl.d (recursively,
# every event libvirt's GFileMonitor asks for); sets events to what it saw, one "EVENT NAME"
# a line.
events_of() {
	local log="$BATS_TEST_TMPDIR/inotify" err="$BATS_TEST_TMPDIR/inotify.err" pid n
	inotifywait -m -r --format '%e %f' -e modify,attrib,close_write,moved_from,moved_to \
		-e create,delete,delete_self,move_self "$ROOT/etc/mdevctl.d" >"$log" 2>"$err" &
	pid=$!
	until grep -q 'Watches established' "$err"; do kill -0 "$pid" || return 1; done
	run_exact -0 mdevadm "$@"
	# a marker after the command: once it is seen, every event before it has been printed
	touch "$ROOT/etc/mdevctl.d/.end"
	until grep -q ' \.end$' "$log"; do :; done
	kill "$pid"
	wait "$pid" || true
	rm "$ROOT/etc/mdevctl.d/.end"
	events=$(sed '/ \.end$/,$d' "$log")
}

need_inotifywait() {
	command -v inotifywait >/dev/null || skip "inotifywait (inotify-tools) is not installed"
}

@test "crash: define, modify and undefine are each one inotify event in the store" {
	need_inotifywait
	mk_samples
	mkdir -p "$ROOT/etc/mdevctl.d/mtty"
	events_of define -u "$U1" -p mtty -t mtty-1
	[ "$events" = "MOVED_TO $U1" ]
	events_of modify -u "$U1" --addattr a --value 1
	[ "$events" = "MOVED_TO $U1" ]
	assert_cfg "$(cfg mtty "$U1")" mtty-1 manual a 1
	events_of modify -u "$U1" -p mtty --jsonfile - <<<'{"mdev_type":"mtty-2","start":"auto"}'
	[ "$events" = "MOVED_TO $U1" ]
	events_of undefine -u "$U1"
	[ "$events" = "DELETE $U1" ]
	[ -z "$(litter)" ]
}

# etc/ on another filesystem than etc/mdevctl.d (root: a tmpfs mounted there in a private
# namespace) or not writable (others: chmod): definitions are staged beside themselves.
@test "crash: where etc/ cannot stage a definition, it is written all the same" {
	need_jq
	mk_samples
	mkdir -p "$ROOT/etc/mdevctl.d"
	if [ "$(id -u)" -eq 0 ]; then
		run_exact -0 unshare -m sh -c 'mount -t tmpfs tmpfs "$1/etc/mdevctl.d" &&
			"$2" --root "$1" define -u "$3" -p mtty -t mtty-1 &&
			"$2" --root "$1" modify -u "$3" -a && cat "$1/etc/mdevctl.d/mtty/$3" &&
			ls -A "$1/etc/mdevctl.d/mtty"' sh "$ROOT" "$MDEVADM" "$U1"
		[ "$output" = "$(jq . <<<'{"mdev_type":"mtty-1","start":"auto","attrs":[]}')"$'\n'"$U1"$'\n' ]
	else
		chmod a-w "$ROOT/etc"
		run_exact -0 mdevadm define -u "$U1" -p mtty -t mtty-1
		run_exact -0 mdevadm modify -u "$U1" -a
		chmod u+w "$ROOT/etc"
		assert_cfg "$(cfg mtty "$U1")" mtty-1 auto
		[ "$(ls -A "$ROOT/etc/mdevctl.d/mtty")" = "$U1" ]
	fi
	[ -z "$(litter)" ]
}

@test "crash: stale temporary files never make a write fail; the next write removes them" {
	mk_samples
	mk_config mtty "$U1" '{"mdev_type":"mtty-1"}'
	# what killed writers leave: this version's names (random) and older ones (a PID)
	_put "etc/mdevctl.d/mtty/.$U2.tmp.$$" '{"mdev_type": '
	_put "etc/mdevctl.d/mtty/.$U1.tmp.0123456789abcdef" '{}'
	_put "etc/.$U3.tmp.fedcba9876543210" '{"mdev_type":"x"}'
	# and files that are not the store's: kept
	_put "etc/.passwd.tmp.1234" keep
	_put "etc/mdevctl.d/mtty/.$U2.tmp.notours" keep
	run_exact -0 mdevadm list -d
	[ "$output" = "$U1 mtty mtty-1 manual"$'\n' ]
	[ -z "$stderr" ]
	run_exact -0 mdevadm define -u "$U2" -p mtty -t mtty-1
	assert_defined mtty "$U2" mtty-1 manual
	[ "$(litter)" = "$ROOT/etc/.passwd.tmp.1234"$'\n'"$ROOT/etc/mdevctl.d/mtty/.$U2.tmp.notours" ]
	_put "etc/mdevctl.d/mtty/.$U1.tmp.77" '{}'
	run_exact -0 mdevadm undefine -u "$U1"
	[ ! -e "$ROOT/etc/mdevctl.d/mtty/.$U1.tmp.77" ]
}

# crash_round I: starts a random define, modify or undefine of one of 6 UUIDs, kills it -9
# after a random delay (often before it is done, sometimes not), and checks that the
# definition is what it was or what the command makes of it, whole.
crash_round() {
	local u=$(uuid_n $((RANDOM % 6 + 1))) f before after pid op=$((RANDOM % 3)) delay
	local no_leak_check=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
	f=$ROOT/etc/mdevctl.d/mtty/$u
	before=none
	[ ! -e "$f" ] || _slurp before "$f"
	# killed by design, maybe in the middle of LeakSanitizer's exit-time check, whose tracer
	# then logs that the thread it reads is gone: a sanitizer build checks these for leaks
	# everywhere else, not here
	case $op in
	0) ASAN_OPTIONS=$no_leak_check "$MDEVADM" --root "$ROOT" define -u "$u" -p mtty -t mtty-1 2>/dev/null & ;;
	1) ASAN_OPTIONS=$no_leak_check "$MDEVADM" --root "$ROOT" modify -u "$u" --addattr n --value "$1" 2>/dev/null & ;;
	2) ASAN_OPTIONS=$no_leak_check "$MDEVADM" --root "$ROOT" undefine -u "$u" 2>/dev/null & ;;
	esac
	pid=$!
	# read -t on a pipe nobody writes: a sleep of 0 to 20 ms without forking sleep(1), whose
	# own start-up would let most commands finish first on a loaded machine
	printf -v delay '0.%03d' $((RANDOM % 20))
	read -rt "$delay" -u "$NEVER" || true
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || [ $? -ne 137 ] || kills=$((kills + 1))
	after=none
	[ ! -e "$f" ] || _slurp after "$f"
	[ "$after" = "$before" ] && return
	case $op in
	0) [ "$before" = none ] && [ "$after" = "$(jq . <<<'{"mdev_type":"mtty-1","start":"manual","attrs":[]}')"$'\n' ] ;;
	1) [ "$after" = "$(jq --arg n "$1" '.attrs += [{"n":$n}]' <<<"$before")"$'\n' ] ;;
	2) [ "$after" = none ] ;;
	esac || _fail "round $1 (seed $CRASH_SEED): op $op on $u left" "$after" "where it had" "$before"
}

@test "crash: define, modify and undefine killed -9 at random moments lose and tear nothing" {
	need_jq
	mk_samples
	# seeded, so that a failure can be replayed; bounded in rounds and in time
	CRASH_SEED=${CRASH_SEED:-20}
	RANDOM=$CRASH_SEED
	local rounds=${CRASH_ROUNDS:-300} i=0 end=$((SECONDS + ${CRASH_SECONDS:-60}))
	kills=0
	exec {NEVER}<> <(:)
	for ((i = 1; i <= rounds && SECONDS < end; i++)); do
		crash_round "$i" || return
	done
	# enough rounds, and enough of them cut short, to mean something
	echo "# $((i - 1)) rounds, $kills of them killed before they were done" >&3
	[ "$i" -gt 50 ] && [ "$kills" -ge 10 ] || _fail "$i rounds in time, $kills of them killed"
	# every definition parses, and every left-over temporary file is ignored...
	run_exact -0 mdevadm list -d --dumpjson
	[ -z "$stderr" ]
	jq -e . <<<"$output" >/dev/null
	for f in "$ROOT"/etc/mdevctl.d/mtty/*; do
		[ ! -e "$f" ] || jq -e .mdev_type "$f" >/dev/null
	done
	# ...and removed by the next write
	run_exact -0 mdevadm define -u "$U7" -p mtty -t mtty-1
	[ -z "$(litter)" ] || _fail "litter after a healthy write:" "$(litter)"
}

@test "crash: 24 parallel define, modify and undefine on one parent lose nothing" {
	mk_samples
	local rounds=${PARALLEL_ROUNDS:-8} r w pids
	for ((r = 0; r < rounds; r++)); do
		# writer w defines D, adds an attribute to M and undefines X, all its own
		for ((w = 0; w < 24; w++)); do
			mk_config mtty "$(uuid_n $((r * 100 + w + 30)))" '{"mdev_type":"mtty-1","start":"manual","attrs":[]}'
			mk_config mtty "$(uuid_n $((r * 100 + w + 60)))" '{"mdev_type":"mtty-1","start":"manual","attrs":[]}'
		done
		pids=()
		for ((w = 0; w < 24; w++)); do
			case $((w % 3)) in
			0) "$MDEVADM" --root "$ROOT" define -u "$(uuid_n $((r * 100 + w)))" -p mtty -t mtty-1 & ;;
			1) "$MDEVADM" --root "$ROOT" modify -u "$(uuid_n $((r * 100 + w + 30)))" --addattr w --value "$w" & ;;
			2) "$MDEVADM" --root "$ROOT" undefine -u "$(uuid_n $((r * 100 + w + 60)))" & ;;
			esac
			pids+=($!)
		done
		for w in "${pids[@]}"; do wait "$w"; done
		for ((w = 0; w < 24; w++)); do
			case $((w % 3)) in
			0) assert_cfg "$(cfg mtty "$(uuid_n $((r * 100 + w)))")" mtty-1 manual ;;
			1) assert_cfg "$(cfg mtty "$(uuid_n $((r * 100 + w + 30)))")" mtty-1 manual w "$w" ;;
			2) [ ! -e "$(cfg mtty "$(uuid_n $((r * 100 + w + 60)))")" ] ;;
			esac || return
		done
	done
	run_exact -0 mdevadm list -d
	[ -z "$stderr" ]
	# per round: 48 made beforehand, 8 defined, 8 undefined
	[ "$(wc -l <"$stdout_file")" -eq $((rounds * 48)) ] || _fail "$(wc -l <"$stdout_file") defined"
	[ -z "$(litter)" ]
}
