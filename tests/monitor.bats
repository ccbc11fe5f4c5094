#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# monitor: definition events (defined, modified, undefined) from inotify on a fake root, one
# line or one JSON object each, flushed as they happen; a config dir or parent dir that comes
# and goes; and kernel events through libudev, fed by umockdev's fake uevents.
#
# Needs: jq (JSON checks); umockdev, gir1.2-umockdev-1.0 and python3-gi for the libudev test;
# valgrind for the leak test. Each test that needs one skips without it.

load test_helper

TS='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z'

teardown() {
	monitor_kill
	common_teardown
}

# monitor_start [ARGS...]: `mdevadm monitor ARGS` in the background on ROOT, its stdout in
# $MON_OUT and stderr in $MON_ERR; returns once its inotify watches are set (the config dir or
# its nearest ancestor, plus one per parent directory), read from /proc/PID/fdinfo.
monitor_start() {
	local want=1 d i
	MON_OUT="$BATS_TEST_TMPDIR/monitor.out"
	MON_ERR="$BATS_TEST_TMPDIR/monitor.err"
	for d in "$ROOT"/etc/mdevctl.d/*/; do
		[ -d "$d" ] && [ "$(basename "$d")" != scripts.d ] && want=$((want + 1))
	done
	${MON_WRAP-} "$MDEVADM" --root "$ROOT" monitor "$@" >"$MON_OUT" 2>"$MON_ERR" 3>&- &
	MON_PID=$!
	monitor_wait_watches "$want"
}

# monitor_wait_watches N: until the monitor holds at least N inotify watches.
monitor_wait_watches() {
	local i n
	for ((i = 0; i < 1000; i++)); do
		n=$(cat /proc/"$MON_PID"/fdinfo/* 2>/dev/null | grep -c '^inotify wd:') || true
		[ "$n" -lt "$1" ] || return 0
		kill -0 "$MON_PID" 2>/dev/null || _fail "monitor exited: $(cat "$MON_ERR")" || return
		sleep 0.01
	done
	_fail "monitor did not set $1 watches (has $n)"
}

# wait_lines N: until the monitor has printed N lines (5 s at most).
wait_lines() {
	local i
	for ((i = 0; i < 500; i++)); do
		[ "$(wc -l <"$MON_OUT")" -lt "$1" ] || return 0
		sleep 0.01
	done
	_fail "expected $1 lines from monitor, got:" "$(cat "$MON_OUT")"
}

# monitor_stop [SIGNAL]: stop it (SIGINT by default), which must exit 0; $output is its stdout.
monitor_stop() {
	local pid=$MON_PID rc=0
	MON_PID=
	# settle: anything still in flight shows up before the signal
	sleep 0.2
	kill -"${1:-INT}" "$pid"
	wait "$pid" || rc=$?
	output=$(cat "$MON_OUT")
	[ "$rc" -eq 0 ] || _fail "monitor exited with $rc" "$(cat "$MON_ERR")"
}

monitor_kill() {
	[ -n "${MON_PID-}" ] || return 0
	kill -KILL "$MON_PID" 2>/dev/null || true
	wait "$MON_PID" 2>/dev/null || true
	MON_PID=
}

# assert_events "EVENT UUID PARENT TYPE"...: $output, timestamps stripped, is exactly these lines.
assert_events() {
	local got want line
	got=""
	while IFS= read -r line; do
		[[ $line =~ ^$TS\ (.*)$ ]] || _fail "no timestamp: $line" || return
		got+="${BASH_REMATCH[1]}"$'\n'
	done <<<"$output"
	[ -n "$output" ] || got=""
	want=""
	for line in "$@"; do want+="$line"$'\n'; done
	[ "$got" = "$want" ] && return
	diff -u --label expected --label monitor <(printf '%s' "$want") <(printf '%s' "$got") >&2
	_fail "monitor events differ"
}

@test "monitor: define, modify and undefine, one line each, flushed as they happen" {
	mk_samples
	monitor_start
	mdevadm define -u "$U1" -p mtty -t mtty-1
	wait_lines 1
	mdevadm modify -u "$U1" --auto
	wait_lines 2
	mdevadm modify -u "$U1" -t mtty-2
	wait_lines 3
	mdevadm undefine -u "$U1"
	wait_lines 4
	monitor_stop
	assert_events "defined $U1 mtty mtty-1" "modified $U1 mtty mtty-1" \
		"modified $U1 mtty mtty-2" "undefined $U1 mtty mtty-2"
	# one warning: no kernel events from a fake root
	[ "$(wc -l <"$MON_ERR")" -eq 1 ]
	grep -q "warning: kernel events are not available under --root" "$MON_ERR"
}

@test "monitor: control characters in a parent or type are printed as \\x escapes" {
	need_jq
	mkdir -p "$ROOT/etc/mdevctl.d/p"$'\a'"x"
	monitor_start
	mk_config "p"$'\a'"x" "$U1" '{"mdev_type": "t\u001b[31m", "start": "manual"}'
	wait_lines 1
	monitor_stop
	assert_events "defined $U1 p\\x07x t\\x1b[31m"
	# --dumpjson stays exact JSON
	monitor_start --dumpjson
	rm "$ROOT/etc/mdevctl.d/p"$'\a'"x/$U1"
	wait_lines 1
	monitor_stop
	[ "$(jq -r .type <<<"$output")" = $'t\e[31m' ]
	[ "$(jq -r .parent <<<"$output")" = $'p\ax' ]
}

@test "monitor --dumpjson: one compact object per line, keys in order, RFC 3339 UTC timestamps" {
	need_jq
	mk_samples
	monitor_start --dumpjson
	mdevadm define -u "$U1" -p mtty -t mtty-1
	mdevadm define -u "$U2" -p mdpy -t mdpy-vga
	mdevadm undefine -u "$U1"
	wait_lines 3
	monitor_stop TERM
	[ "$(printf '%s\n' "$output" | jq -c 'keys_unsorted')" = '["event","uuid","parent","type","timestamp"]
["event","uuid","parent","type","timestamp"]
["event","uuid","parent","type","timestamp"]' ]
	[ "$(printf '%s\n' "$output" | jq -r '[.event, .uuid, .parent, .type] | join(" ")')" = "defined $U1 mtty mtty-1
defined $U2 mdpy mdpy-vga
undefined $U1 mtty mtty-1" ]
	printf '%s\n' "$output" | jq -r .timestamp | grep -Eqvx "$TS" && _fail "bad timestamp"
	# compact: no spaces anywhere but inside values
	[[ $output != *'": '* && $output != *', "'* ]]
	# the timestamp is now, give or take a minute
	local t now
	t=$(printf '%s\n' "$output" | head -1 | jq -r .timestamp)
	now=$(date -u +%s)
	[ $((now - $(date -u -d "$t" +%s))) -lt 60 ]
}

@test "monitor: an atomic write by rename is one event; dot files and temp files are ignored" {
	mk_samples
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "manual"}'
	monitor_start
	local d="$ROOT/etc/mdevctl.d/mtty"
	# how mdevadm writes: .UUID.tmp.PID, then rename over UUID
	printf '{"mdev_type": "mtty-2", "start": "manual"}' >"$d/.$U2.tmp.123"
	mv "$d/.$U2.tmp.123" "$d/$U2"
	wait_lines 1
	printf '{"mdev_type": "mtty-1", "start": "auto"}' >"$d/.$U1.tmp.124"
	mv "$d/.$U1.tmp.124" "$d/$U1"
	wait_lines 2
	# a dot file left behind, an editor's backup, a name that is no UUID: nothing
	printf x >"$d/.$U3.tmp.9"
	printf x >"$d/$U3~"
	printf x >"$d/not-a-uuid"
	rm "$d/.$U3.tmp.9"
	monitor_stop
	assert_events "defined $U2 mtty mtty-2" "modified $U1 mtty mtty-1"
}

@test "monitor: definitions present at start are the starting state, not events" {
	mk_samples
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "manual"}'
	mk_config mdpy "$U2" '{"mdev_type": "mdpy-vga", "start": "auto"}'
	monitor_start
	rm "$ROOT/etc/mdevctl.d/mdpy/$U2"
	monitor_stop
	assert_events "undefined $U2 mdpy mdpy-vga"
}

@test "monitor: a new parent directory is watched as it appears, even when filled at once" {
	mk_samples
	monitor_start
	# renamed in right after mkdir: the watch may come before or after the file (written in
	# place, a scan between its open and its write may report one more "modified")
	printf '{"mdev_type": "mdpy-vga", "start": "manual"}' >"$ROOT/def.tmp"
	mkdir -p "$ROOT/etc/mdevctl.d/mdpy"
	mv "$ROOT/def.tmp" "$ROOT/etc/mdevctl.d/mdpy/$U1"
	wait_lines 1
	monitor_wait_watches 2
	mdevadm modify -u "$U1" --auto
	mdevadm define -u "$U2" -p mbochs -t mbochs-small
	wait_lines 3
	monitor_stop
	assert_events "defined $U1 mdpy mdpy-vga" "modified $U1 mdpy mdpy-vga" \
		"defined $U2 mbochs mbochs-small"
}

@test "monitor: a parent directory removed and recreated keeps working" {
	mk_samples
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "manual"}'
	mk_config mtty "$U2" '{"mdev_type": "mtty-2", "start": "manual"}'
	monitor_start
	rm -rf "$ROOT/etc/mdevctl.d/mtty"
	wait_lines 2
	mdevadm define -u "$U3" -p mtty -t mtty-1
	wait_lines 3
	# moved away whole, and moved back
	mv "$ROOT/etc/mdevctl.d/mtty" "$BATS_TEST_TMPDIR/away"
	wait_lines 4
	mv "$BATS_TEST_TMPDIR/away" "$ROOT/etc/mdevctl.d/mtty"
	wait_lines 5
	mdevadm undefine -u "$U3"
	monitor_stop
	output=$(printf '%s\n' "$output" | sed -n '1,2p' | sort; printf '%s\n' "$output" | sed '1,2d')
	assert_events "undefined $U1 mtty mtty-1" "undefined $U2 mtty mtty-2" \
		"defined $U3 mtty mtty-1" "undefined $U3 mtty mtty-1" "defined $U3 mtty mtty-1" \
		"undefined $U3 mtty mtty-1"
}

@test "monitor: no config dir at start, then the whole of etc removed and recreated" {
	mk_samples
	rm -rf "$ROOT/etc"
	monitor_start
	mdevadm define -u "$U1" -p mtty -t mtty-1
	wait_lines 1
	rm -rf "$ROOT/etc"
	wait_lines 2
	mkdir -p "$ROOT/etc/mdevctl.d/mtty"
	# renamed into place: written in place, a loaded machine lets monitor read it half written
	# and then report the rest as a modification, which is right but not this test's point
	printf '{"mdev_type": "mtty-2", "start": "auto"}' >"$ROOT/def.tmp"
	mv "$ROOT/def.tmp" "$ROOT/etc/mdevctl.d/mtty/$U2"
	wait_lines 3
	mdevadm undefine -u "$U2"
	monitor_stop
	assert_events "defined $U1 mtty mtty-1" "undefined $U1 mtty mtty-1" \
		"defined $U2 mtty mtty-2" "undefined $U2 mtty mtty-2"
}

@test "monitor: a config that does not parse is an event of unknown type" {
	need_jq
	mk_samples
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "manual"}'
	monitor_start --dumpjson
	printf '{"mdev_type": ' >"$ROOT/etc/mdevctl.d/mtty/$U1"
	wait_lines 1
	monitor_stop
	[ "$(printf '%s\n' "$output" | jq -c '[.event, .uuid, .parent, .type]')" = \
		"[\"modified\",\"$U1\",\"mtty\",null]" ]
	# text mode shows the unknown as "-"
	monitor_start
	rm "$ROOT/etc/mdevctl.d/mtty/$U1"
	monitor_stop
	assert_events "undefined $U1 mtty -"
}

@test "monitor: scripts.d and files directly in the config dir are not definitions" {
	mk_samples
	mk_scriptdirs
	mkdir -p "$ROOT/etc/mdevctl.d/mtty"
	monitor_start
	printf x >"$ROOT/etc/mdevctl.d/scripts.d/callouts/$U1"
	printf x >"$ROOT/etc/mdevctl.d/$U1"
	mkdir "$ROOT/etc/mdevctl.d/.hidden"
	printf x >"$ROOT/etc/mdevctl.d/.hidden/$U1"
	mdevadm define -u "$U2" -p mtty -t mtty-1
	monitor_stop
	assert_events "defined $U2 mtty mtty-1"
}

@test "monitor: takes no arguments" {
	run_exact -2 mdevadm monitor extra
	[[ $stderr == *"unexpected argument 'extra'"* ]]
	run_exact -2 mdevadm monitor --uuid "$U1"
	run_exact -0 mdevadm monitor --help
	[[ $output == *"monitor [--dumpjson]"* ]]
}

@test "monitor under valgrind: no leaks, no errors, exit 0 on SIGTERM" {
	command -v valgrind >/dev/null || skip "valgrind is not installed"
	! ldd "$MDEVADM" 2>/dev/null | grep -q 'lib[at]san' ||
		skip "a sanitizer build does not run under valgrind (the sanitizers check it instead)"
	mk_samples
	MON_WRAP="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=all"
	monitor_start --dumpjson
	mdevadm define -u "$U1" -p mtty -t mtty-1
	wait_lines 1
	rm -rf "$ROOT/etc/mdevctl.d"
	wait_lines 2
	mdevadm define -u "$U2" -p mdpy -t mdpy-vga
	wait_lines 3
	monitor_stop TERM
	# valgrind's own notes (--PID--: it lacks openat2, the rooted layer falls back) aside
	[ "$(grep -vc '^--[0-9]*--' "$MON_ERR")" -eq 1 ] || _fail "valgrind: $(cat "$MON_ERR")"
}

# umockdev fakes /sys and uevents for libudev (LD_PRELOAD). Its testbed API is only reachable
# from a program (here Python through GObject introspection), not from umockdev-run.
@test "monitor (umockdev): kernel uevents through libudev: added, registered, unregistered, removed" {
	need_jq
	command -v umockdev-wrapper >/dev/null || skip "umockdev is not installed"
	local py
	py=$(command -v python3)
	for p in /usr/bin/python3 "$py"; do
		[ -x "$p" ] && "$p" -c 'import gi; gi.require_version("UMockdev", "1.0")' 2>/dev/null &&
			py=$p && break
	done
	"$py" -c 'import gi; gi.require_version("UMockdev", "1.0")' 2>/dev/null ||
		skip "python3-gi with gir1.2-umockdev-1.0 is not installed"
	if ldd "$MDEVADM" 2>/dev/null | grep -q libasan; then
		# ASan wants to come first in the library list, and its log_path crashes under the
		# preload (SIGSEGV); its reports go to stderr, which must stay empty
		export ASAN_OPTIONS="detect_leaks=1:verify_asan_link_order=0"
		export UBSAN_OPTIONS="print_stacktrace=1"
	fi
	run_exact umockdev-wrapper "$py" - "$MDEVADM" "$U1" <<'EOF'
import gi, os, subprocess, sys, time
gi.require_version("UMockdev", "1.0")
from gi.repository import UMockdev

mdevadm, uuid = sys.argv[1], sys.argv[2]
tb = UMockdev.Testbed.new()
root = tb.get_root_dir()
parent = tb.add_device("mtty", "mtty", None, [], [])
env = dict(os.environ, UMOCKDEV_DIR=root)
mon = subprocess.Popen([mdevadm, "monitor", "--dumpjson"], env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
# the preload turns the monitor's netlink socket into root/eventN once it is bound
for _ in range(500):
    if any(n.startswith("event") for n in os.listdir(root)):
        break
    time.sleep(0.01)
else:
    mon.kill()
    sys.exit("the monitor never bound a uevent socket: " + mon.communicate()[1].decode())
tb.set_property(parent, "MDEV_STATE", "registered")
tb.uevent(parent, "change")
dev = tb.add_device("mdev", uuid, parent, [], [])  # sends "add" itself
tb.uevent(parent, "add")  # not an mdev event: ignored
tb.uevent(dev, "remove")
tb.set_property(parent, "MDEV_STATE", "unregistered")
tb.uevent(parent, "change")
time.sleep(0.5)
mon.terminate()
out, err = mon.communicate(timeout=10)
sys.stdout.write(out.decode())
sys.stderr.write(err.decode())
sys.exit(mon.returncode)
EOF
	[ "$status" -eq 0 ] || _fail "status $status" "$stderr"
	# the rooted layer reads the real /sys (openat2 is not preloaded): the type stays unknown
	[ "$(printf '%s' "$output" | jq -r '[.event, .uuid // "-", .parent, .type // "-"] | join(" ")')" = "registered - mtty -
added $U1 mtty -
removed $U1 mtty -
unregistered - mtty -" ]
	printf '%s' "$output" | jq -r .timestamp | grep -Eqvx "$TS" && _fail "bad timestamp"
	# umockdev fakes the events, not udevd's control socket, which the monitor looks for
	[ "$(printf '%s' "$stderr" | grep -v 'warning: systemd-udevd is not running')" = "" ]
}
