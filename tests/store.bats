#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# The config store: lenient reading (a broken file is skipped with a warning naming it, the
# rest still lists), atomic writes (temp file + rename, nothing left behind, a failed write
# keeps the old file), and the lock at ROOT/run/lock/mdevadm.lock serialising writers.

load test_helper

GOOD=6f9ab6c2-1d3e-4a5b-8c7d-0e1f2a3b4c5d
BAD=0b1e8e1c-2a6f-4d53-9a51-8d4e1d2f6a01
U3=c109cf76-5f47-4b8a-b074-dff5f464a8a0

# uuid_n N: a distinct canonical UUID per N.
uuid_n() { printf '%08x-0000-4000-8000-%012x' "$1" "$1"; }

# no_temp_files: nothing but canonical UUIDs in any parent directory of the store.
no_temp_files() {
	local left
	left=$(find "$ROOT/etc/mdevctl.d" -mindepth 2 -path '*/scripts.d' -prune -o -type f -print |
		grep -Ev '/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' || true)
	left+=$(find "$ROOT/etc" -maxdepth 1 -name '.*.tmp.*')
	[ -z "$left" ] || _fail "files left behind:" "$left"
}

# wait_all: waits for every PID in pids; sets fails to how many of them exited non-zero.
wait_all() {
	local p
	fails=0
	for p in "${pids[@]}"; do wait "$p" || fails=$((fails + 1)); done
}

# check_skipped JSON REASON: with mtty/GOOD valid and mtty/BAD holding JSON, list -d (text and
# JSON) still shows GOOD and warns once, naming BAD's file and REASON (a glob).
check_skipped() {
	mk_samples
	mk_config mtty "$GOOD" '{"mdev_type":"mtty-1","start":"auto","attrs":[{"a":"1"}]}'
	mk_config mtty "$BAD" "$1"
	run_exact -0 mdevadm list -d
	[ "$output" = "$GOOD mtty mtty-1 auto"$'\n' ]
	assert_stderr_line "mdevadm: warning: skipping invalid config /etc/mdevctl.d/mtty/$BAD: $2"
	run_exact -0 mdevadm list -d --dumpjson
	[ "$(jq -c . <<<"$output")" = '[{"mtty":[{"'"$GOOD"'":{"mdev_type":"mtty-1","start":"auto","attrs":[{"a":"1"}]}}]}]' ]
	assert_stderr_line "*skipping invalid config /etc/mdevctl.d/mtty/$BAD: $2"
	# and the broken file is left as it was
	assert_file_content "$(cfg mtty "$BAD")" "$1"
}

# ro_mdevadm DIR ARGS...: mdevadm with DIR read-only (a read-only bind mount in a private
# mount namespace when root, since root ignores permissions; chmod a-w otherwise).
ro_mdevadm() {
	local dir=$1 rc=0
	shift
	if [ "$(id -u)" -eq 0 ]; then
		unshare -m sh -c 'mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" "$1" &&
			shift && exec "$@"' sh "$dir" "$MDEVADM" --root "$ROOT" "$@"
	else
		chmod a-w "$dir"
		"$MDEVADM" --root "$ROOT" "$@" || rc=$?
		chmod u+w "$dir"
		return "$rc"
	fi
}

need_ro() {
	if [ "$(id -u)" -eq 0 ]; then
		unshare -m true 2>/dev/null || skip "cannot unshare a mount namespace here"
	fi
}

# -- lenient reading ----------------------------------------------------------------------------

@test "store: a truncated config is skipped with a warning, the rest still lists" {
	check_skipped '{"mdev_type": "mtty-1", "start": "au' "invalid JSON at line 1: *"
}

@test "store: an empty config file is skipped with a warning" {
	check_skipped '' "invalid JSON*"
}

@test "store: {\"mdev_type\": 5} is skipped with a warning, no crash" {
	check_skipped '{"mdev_type": 5}' '"mdev_type" is not a string'
}

@test "store: a config without mdev_type is skipped with a warning" {
	check_skipped '{"start": "auto", "attrs": []}' '"mdev_type" is missing'
}

@test "store: a config that is not a JSON object is skipped with a warning" {
	check_skipped '["mtty-1"]' 'not a JSON object'
}

@test "store: attrs that is not an array is skipped with a warning" {
	check_skipped '{"mdev_type": "mtty-1", "attrs": {"a": "1"}}' '"attrs" is not an array'
}

@test "store: an attr entry with two keys is skipped with a warning" {
	check_skipped '{"mdev_type": "mtty-1", "attrs": [{"a": "1", "b": "2"}]}' \
		'attrs?0? is not an object with exactly one member'
}

@test "store: an attr entry that is not an object is skipped with a warning" {
	check_skipped '{"mdev_type": "mtty-1", "attrs": [{"a": "1"}, "b=2"]}' \
		'attrs?1? is not an object with exactly one member'
}

@test "store: non-string attribute values are skipped with a warning" {
	check_skipped '{"mdev_type": "mtty-1", "attrs": [{"a": 1}]}' 'attrs?0? "a" is not a string'
	check_skipped '{"mdev_type": "mtty-1", "attrs": [{"a": null}]}' 'attrs?0? "a" is not a string'
	check_skipped '{"mdev_type": "mtty-1", "attrs": [{"a": ["1"]}]}' 'attrs?0? "a" is not a string'
}

@test "store: a non-string start is skipped with a warning" {
	check_skipped '{"mdev_type": "mtty-1", "start": true}' '"start" is not a string'
}

@test "store: hostile attribute names ../../x and /etc/x are skipped with a warning" {
	check_skipped '{"mdev_type": "mtty-1", "attrs": [{"ok": "1"}, {"../../x": "1"}]}' \
		"attrs?1? has invalid attribute name '../../x'"
	check_skipped '{"mdev_type": "mtty-1", "attrs": [{"/etc/x": "1"}]}' \
		"attrs?0? has invalid attribute name '/etc/x'"
	check_skipped '{"mdev_type": "mtty-1", "attrs": [{"..": "1"}]}' \
		"attrs?0? has invalid attribute name '..'"
	check_skipped '{"mdev_type": "mtty-1", "attrs": [{"": "1"}]}' \
		"attrs?0? has invalid attribute name ''"
}

@test "store: a hostile mdev_type is skipped with a warning" {
	check_skipped '{"mdev_type": "../../../sys/x"}' "invalid mdev_type '../../../sys/x'"
}

@test "store: duplicate keys make a config invalid, skipped with a warning" {
	check_skipped '{"mdev_type": "mtty-1", "mdev_type": "mtty-2"}' "invalid JSON*"
}

@test "store: unknown keys, a missing start and missing attrs are read leniently" {
	mk_samples
	mk_config mtty "$GOOD" '{"mdev_type": "mtty-2", "comment": "by hand", "x": [1, 2]}'
	run_exact -0 mdevadm list -d -v
	[ "$output" = "$GOOD mtty mtty-2 manual"$'\n' ]
	[ -z "$stderr" ]
	run_exact -0 mdevadm list -d -u "$GOOD" --dumpjson
	[ "$output" = $'{\n  "mdev_type": "mtty-2",\n  "start": "manual",\n  "attrs": []\n}\n' ]
}

@test "store: file names that are not canonical UUIDs are ignored with a warning naming them" {
	mk_samples
	mk_config mtty "$GOOD" '{"mdev_type":"mtty-1","start":"manual","attrs":[]}'
	mk_config mtty notes.txt '{"mdev_type":"mtty-1"}'
	run_exact -0 mdevadm list -d
	[ "$output" = "$GOOD mtty mtty-1 manual"$'\n' ]
	assert_stderr_line "mdevadm: warning: ignoring /etc/mdevctl.d/mtty/notes.txt: file name is not a UUID"
	rm "$(cfg mtty notes.txt)"
	# an upper-case or 32-hex name is not how configs are stored either
	mk_config mtty "${BAD^^}" '{"mdev_type":"mtty-1"}'
	run_exact -0 mdevadm list -d
	[ "$output" = "$GOOD mtty mtty-1 manual"$'\n' ]
	assert_stderr_line "*ignoring /etc/mdevctl.d/mtty/${BAD^^}: file name is not a UUID"
}

@test "store: several broken files: one warning each, every good config still lists" {
	mk_samples
	mk_config mtty "$GOOD" '{"mdev_type":"mtty-1","start":"auto","attrs":[]}'
	mk_config mtty "$BAD" '{"mdev_type": '
	mk_config mdpy "$GOOD" '{"mdev_type": 5}'
	mk_config mdpy "$U3" '{"mdev_type":"mdpy-vga","attrs":[{"x":"1","y":"2"}]}'
	mk_config mbochs "$U3" '{"mdev_type":"mbochs-small","start":"auto"}'
	mk_config mbochs junk 'x'
	run_exact -0 mdevadm list -d
	[ "$output" = "$U3 mbochs mbochs-small auto"$'\n'"$GOOD mtty mtty-1 auto"$'\n' ]
	[ "$(printf '%s' "$stderr" | wc -l)" -eq 4 ]
	[[ $stderr == *"/etc/mdevctl.d/mtty/$BAD:"* ]]
	[[ $stderr == *"/etc/mdevctl.d/mdpy/$GOOD:"* ]]
	[[ $stderr == *"/etc/mdevctl.d/mdpy/$U3:"* ]]
	[[ $stderr == *"/etc/mdevctl.d/mbochs/junk:"* ]]
}

@test "store: scripts.d is not a parent, even holding UUID-named files" {
	mk_samples
	mk_scriptdirs
	mk_config mtty "$GOOD" '{"mdev_type":"mtty-1","start":"auto","attrs":[]}'
	mk_config scripts.d "$BAD" '{"mdev_type":"mtty-1","start":"auto","attrs":[]}'
	run_exact -0 mdevadm list -d
	[ "$output" = "$GOOD mtty mtty-1 auto"$'\n' ]
	[ -z "$stderr" ]
	run_exact -1 mdevadm modify -u "$BAD" -a
	assert_stderr_line "*cannot modify $BAD: not defined"
	run_exact -1 mdevadm undefine -u "$BAD"
	assert_stderr_line "*cannot undefine $BAD: not defined"
	[ -e "$(cfg scripts.d "$BAD")" ]
}

@test "store: a stray file directly in etc/mdevctl.d is skipped with a warning naming it" {
	mk_samples
	mk_config mtty "$GOOD" '{"mdev_type":"mtty-1","start":"auto","attrs":[]}'
	_put etc/mdevctl.d/stray '{"mdev_type":"mtty-1"}'
	run_exact -0 mdevadm list -d
	[ "$output" = "$GOOD mtty mtty-1 auto"$'\n' ]
	assert_stderr_line "mdevadm: warning: *etc/mdevctl.d/stray*"
}

@test "store: a broken definition of an active device: list shows the device, warns" {
	mk_samples
	mk_active mtty mtty-1 "$GOOD" 3
	mk_config mtty "$GOOD" '{"mdev_type":"mtty-1","attrs":"none"}'
	run_exact -0 mdevadm list
	[ "$output" = "$GOOD mtty mtty-1 manual"$'\n' ]
	assert_stderr_line "*skipping invalid config /etc/mdevctl.d/mtty/$GOOD: \"attrs\" is not an array"
}

@test "store: define refuses to overwrite even a broken definition" {
	mk_samples
	mk_config mtty "$BAD" '{"mdev_type": '
	run_exact -1 mdevadm define -u "$BAD" -p mtty -t mtty-1
	assert_stderr_line "*refusing to overwrite existing config for mtty/$BAD"
	assert_file_content "$(cfg mtty "$BAD")" '{"mdev_type": '
}

# -- atomic writes ------------------------------------------------------------------------------

@test "store: define, modify and undefine leave no temp files behind" {
	mk_samples
	run_exact -0 mdevadm define -u "$GOOD" -p mtty -t mtty-1
	run_exact -0 mdevadm define -u "$BAD" -p mtty -t mtty-2 -a
	run_exact -0 mdevadm modify -u "$GOOD" --addattr a --value 1
	run_exact -0 mdevadm modify -u "$GOOD" -p mtty --jsonfile - <<<'{"mdev_type":"mtty-2"}'
	run_exact -0 mdevadm undefine -u "$BAD"
	[ "$(ls -A "$ROOT/etc/mdevctl.d/mtty")" = "$GOOD" ]
	[ "$(ls -A "$ROOT/etc/mdevctl.d")" = mtty ]
	assert_cfg "$(cfg mtty "$GOOD")" mtty-2 manual
}

@test "store: modify replaces the config by rename: new inode, a reader keeps the old bytes" {
	mk_samples
	run_exact -0 mdevadm define -u "$GOOD" -p mtty -t mtty-1
	f=$(cfg mtty "$GOOD")
	ino=$(stat -c %i "$f")
	exec 7<"$f"
	run_exact -0 mdevadm modify -u "$GOOD" -a
	[ "$(stat -c %i "$f")" != "$ino" ]
	# the descriptor opened before still reads the complete old file, not a truncated one
	old=$(cat <&7; printf x)
	exec 7<&-
	[ "$old" = $'{\n  "mdev_type": "mtty-1",\n  "start": "manual",\n  "attrs": []\n}\nx' ]
	assert_cfg "$f" mtty-1 auto
	[ "$(stat -c %a "$f")" = 644 ]
	no_temp_files
}

@test "store: modify of a read-only config dir fails and keeps the old file intact" {
	need_ro
	mk_samples
	mk_config mtty "$GOOD" '{"mdev_type":"mtty-1","start":"manual","attrs":[{"a":"1"}]}'
	ino=$(stat -c %i "$(cfg mtty "$GOOD")")
	run_exact -1 ro_mdevadm "$ROOT/etc/mdevctl.d/mtty" modify -u "$GOOD" -a
	[ -z "$output" ]
	assert_stderr_line "*cannot modify $GOOD: cannot write config /etc/mdevctl.d/mtty/$GOOD: *"
	assert_file_content "$(cfg mtty "$GOOD")" '{"mdev_type":"mtty-1","start":"manual","attrs":[{"a":"1"}]}'
	[ "$(stat -c %i "$(cfg mtty "$GOOD")")" = "$ino" ]
	[ "$(ls -A "$ROOT/etc/mdevctl.d/mtty")" = "$GOOD" ]
}

@test "store: define into a read-only config dir fails and leaves nothing" {
	need_ro
	mk_samples
	mk_config mtty "$GOOD" '{"mdev_type":"mtty-1","start":"manual","attrs":[]}'
	run_exact -1 ro_mdevadm "$ROOT/etc/mdevctl.d/mtty" define -u "$BAD" -p mtty -t mtty-2
	[ -z "$output" ]
	assert_stderr_line "*cannot define $BAD: cannot write config /etc/mdevctl.d/mtty/$BAD: *"
	[ "$(ls -A "$ROOT/etc/mdevctl.d/mtty")" = "$GOOD" ]
}

@test "store: undefine in a read-only config dir fails and keeps the file" {
	need_ro
	mk_samples
	mk_config mtty "$GOOD" '{"mdev_type":"mtty-1","start":"manual","attrs":[]}'
	run_exact -1 ro_mdevadm "$ROOT/etc/mdevctl.d/mtty" undefine -u "$GOOD"
	[ -z "$output" ]
	assert_stderr_line "*cannot undefine $GOOD: cannot remove config /etc/mdevctl.d/mtty/$GOOD: *"
	assert_file_content "$(cfg mtty "$GOOD")" '{"mdev_type":"mtty-1","start":"manual","attrs":[]}'
}

@test "store: a stale temp file of another process does not disturb define or list" {
	mk_samples
	_put "etc/mdevctl.d/mtty/.$GOOD.tmp.1" '{"mdev_type": '
	run_exact -0 mdevadm define -u "$GOOD" -p mtty -t mtty-1
	assert_defined mtty "$GOOD" mtty-1 manual
	run_exact -0 mdevadm list -d
	[ "$output" = "$GOOD mtty mtty-1 manual"$'\n' ]
	[ -z "$stderr" ]
}

# -- the lock -----------------------------------------------------------------------------------

@test "store: writers create the lock at ROOT/run/lock/mdevadm.lock; readers take none" {
	mk_samples
	run_exact -0 mdevadm list -d
	run_exact -0 mdevadm types
	[ ! -e "$ROOT/run" ]
	run_exact -0 mdevadm define -u "$GOOD" -p mtty -t mtty-1
	[ -f "$ROOT/run/lock/mdevadm.lock" ]
	[ ! -L "$ROOT/run/lock/mdevadm.lock" ]
	[ "$(ls -A "$ROOT/run/lock")" = mdevadm.lock ]
}

@test "store: define waits while another process holds the lock" {
	mk_samples
	mkdir -p "$ROOT/run/lock"
	exec 8>"$ROOT/run/lock/mdevadm.lock"
	flock -x 8
	"$MDEVADM" --root "$ROOT" define -u "$GOOD" -p mtty -t mtty-1 8>&- 3>&- &
	pid=$!
	sleep 0.5
	running=0
	kill -0 "$pid" 2>/dev/null && running=1
	written=0
	[ -e "$(cfg mtty "$GOOD")" ] && written=1
	flock -u 8
	exec 8>&-
	wait "$pid"
	[ "$running" = 1 ] || _fail "define did not wait for the lock"
	[ "$written" = 0 ] || _fail "define wrote while the lock was held"
	assert_cfg "$(cfg mtty "$GOOD")" mtty-1 manual
}

@test "store: 20 parallel defines with distinct UUIDs all land, as valid JSON" {
	mk_samples
	pids=()
	for i in $(seq 1 20); do
		"$MDEVADM" --root "$ROOT" define -u "$(uuid_n "$i")" -p mtty -t mtty-$((i % 2 + 1)) \
			>"$BATS_TEST_TMPDIR/out.$i" 2>&1 3>&- &
		pids+=($!)
	done
	wait_all
	[ "$fails" -eq 0 ] || _fail "$fails defines failed:" "$(cat "$BATS_TEST_TMPDIR"/out.*)"
	[ -z "$(cat "$BATS_TEST_TMPDIR"/out.*)" ]
	[ "$(ls -A "$ROOT/etc/mdevctl.d/mtty" | wc -l)" -eq 20 ]
	for i in $(seq 1 20); do
		jq -e . "$(cfg mtty "$(uuid_n "$i")")" >/dev/null
		assert_cfg "$(cfg mtty "$(uuid_n "$i")")" "mtty-$((i % 2 + 1))" manual
	done
	no_temp_files
	run_exact -0 mdevadm list -d
	[ "$(printf '%s' "$output" | wc -l)" -eq 20 ]
	[ -z "$stderr" ]
}

@test "store: 20 parallel defines of one UUID: exactly one wins, the rest are refused" {
	mk_samples
	pids=()
	for i in $(seq 1 20); do
		"$MDEVADM" --root "$ROOT" define -u "$GOOD" -p mtty -t "t$i" \
			>"$BATS_TEST_TMPDIR/out.$i" 2>&1 3>&- &
		pids+=($!)
	done
	ok=0 refused=0
	for p in "${pids[@]}"; do
		rc=0
		wait "$p" || rc=$?
		case $rc in 0) ok=$((ok + 1)) ;; 1) refused=$((refused + 1)) ;; esac
	done
	[ "$ok" -eq 1 ]
	[ "$refused" -eq 19 ]
	[ "$(grep -l "refusing to overwrite existing config for mtty/$GOOD" "$BATS_TEST_TMPDIR"/out.* | wc -l)" -eq 19 ]
	jq -e '.mdev_type | test("^t[0-9]+$")' "$(cfg mtty "$GOOD")" >/dev/null
	no_temp_files
}

@test "store: parallel modify --addattr on one UUID loses no update" {
	mk_samples
	mk_config mtty "$GOOD" '{"mdev_type":"mtty-1","start":"manual","attrs":[]}'
	pids=()
	for i in $(seq 1 20); do
		"$MDEVADM" --root "$ROOT" modify -u "$GOOD" --addattr "a$i" --value "$i" \
			>"$BATS_TEST_TMPDIR/out.$i" 2>&1 3>&- &
		pids+=($!)
	done
	wait_all
	[ "$fails" -eq 0 ] || _fail "$fails modifies failed:" "$(cat "$BATS_TEST_TMPDIR"/out.*)"
	f=$(cfg mtty "$GOOD")
	[ "$(jq '.attrs | length' "$f")" -eq 20 ]
	[ "$(jq -r '.attrs[] | to_entries[] | "\(.key)=\(.value)"' "$f" | sort)" = \
		"$(for i in $(seq 1 20); do echo "a$i=$i"; done | sort)" ]
	no_temp_files
}

@test "store: parallel modify and undefine of distinct UUIDs under one parent" {
	mk_samples
	for i in $(seq 1 10); do
		mk_config mtty "$(uuid_n "$i")" '{"mdev_type":"mtty-1","start":"manual","attrs":[]}'
	done
	pids=()
	for i in $(seq 1 10); do
		if ((i % 2)); then
			"$MDEVADM" --root "$ROOT" modify -u "$(uuid_n "$i")" -a 3>&- &
		else
			"$MDEVADM" --root "$ROOT" undefine -u "$(uuid_n "$i")" 3>&- &
		fi
		pids+=($!)
	done
	for p in "${pids[@]}"; do wait "$p"; done
	for i in $(seq 1 10); do
		if ((i % 2)); then
			assert_cfg "$(cfg mtty "$(uuid_n "$i")")" mtty-1 auto
		else
			[ ! -e "$(cfg mtty "$(uuid_n "$i")")" ]
		fi
	done
	[ "$(ls -A "$ROOT/etc/mdevctl.d/mtty" | wc -l)" -eq 5 ]
}
