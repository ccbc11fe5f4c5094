# SPDX-License-Identifier: LGPL-2.1-or-later
# Helpers for the event script tests (callout*.bats, notifier*.bats, contrib.bats): recording
# scripts that log every call (arguments and stdin bytes) to $LOG, and asserts on that log.
#
# Load after test_helper. Each test gets its own ROOT, so scripts never leak between tests.

# script directories, relative to ROOT: the documented ones, then the deprecated ones
CALLOUTS=usr/lib/mdevctl/scripts.d/callouts
NOTIFIERS=usr/lib/mdevctl/scripts.d/notifiers
OLD_CALLOUTS=etc/mdevctl.d/scripts.d/callouts
OLD_NOTIFIERS=etc/mdevctl.d/scripts.d/notifiers

# what mdevadm sends with `-e get -a capabilities`
PROVIDES='{"provides":{"version":2,"actions":["start","stop","define","undefine","modify","attributes","capabilities"],"events":["pre","post","notify","get","live"]}}'

# a supports answer listing everything version 2 knows
SUPPORTS_ALL='{"supports":{"version":2,"actions":["start","stop","define","undefine","modify","attributes","capabilities"],"events":["pre","post","notify","get","live"]}}'

callout_setup() {
	common_setup
	LOG="$BATS_TEST_TMPDIR/calls.log"
	: >"$LOG"
}

setup() { callout_setup; }

# mk_script DIR NAME [BODY]: ROOT/DIR/NAME, mode 755: a sh script that first appends one line
#     NAME ARGS... <STDIN>
# to $LOG (stdin byte for byte, even without a trailing newline), then runs BODY (sh code) with
# $type $event $action $state $uuid $parent set from its options and $in holding its stdin.
# Without BODY it exits 0.
mk_script() {
	local dir="$ROOT/$1" name=$2 body=${3-exit 0}
	mk_scriptdir "$1"
	{
		printf '#!/bin/sh\n'
		printf "log='%s'\n" "$LOG"
		printf "name='%s'\n" "$name"
		# shellcheck disable=SC2016 # expanded by the script
		printf '%s\n' \
			'in=$(cat; printf x)' \
			'in=${in%x}' \
			'printf "%s %s <%s>\n" "$name" "$*" "$in" >>"$log"' \
			'while getopts t:e:a:s:u:p: o; do' \
			'	case $o in' \
			'	t) type=$OPTARG ;; e) event=$OPTARG ;; a) action=$OPTARG ;;' \
			'	s) state=$OPTARG ;; u) uuid=$OPTARG ;; p) parent=$OPTARG ;;' \
			'	esac' \
			'done'
		printf '%s\n' "$body"
	} >"$dir/$name"
	chmod 755 "$dir/$name"
}

# mk_scriptdir DIR: ROOT/DIR as a trusted scripts directory (mode 755 whatever the umask)
mk_scriptdir() {
	mkdir -p "$ROOT/$1"
	chmod 755 "$ROOT/$1"
}

# Bodies for mk_script.
# only_type TYPE: exit 2 for every other type
only_type() { printf '[ "$type" = %s ] || exit 2\n' "$1"; }
# versioned JSON: answer capabilities with JSON (exit 0), everything else with exit 0
versioned() {
	printf 'if [ "$event $action" = "get capabilities" ]; then printf %%s %s; exit 0; fi\n' \
		"'$1'"
}
# fail_on EVENT ACTION [STATUS]: exit STATUS (default 1) for that event and action
fail_on() { printf '[ "$event $action" != "%s %s" ] || exit %s\n' "$1" "$2" "${3:-1}"; }

# supports EVENTS ACTIONS: a supports answer, e.g. supports '"pre","post"' '"define"'
supports() { printf '{"supports":{"version":2,"actions":[%s],"events":[%s]}}' "$2" "$1"; }

# line NAME TYPE EVENT ACTION STATE UUID PARENT [STDIN]: the log line of one call
line() {
	printf '%s -t %s -e %s -a %s -s %s -u %s -p %s <%s>\n' "$1" "$2" "$3" "$4" "$5" "$6" "$7" \
		"${8-}"
}

# probe NAME TYPE UUID PARENT: the log line of a capabilities probe
probe() { line "$1" "$2" get capabilities none "$3" "$4" "$PROVIDES"; }

# calls: the log; calls_np: the log without capabilities probes
calls() { cat "$LOG"; }
calls_np() { grep -v -- ' -e get -a capabilities ' "$LOG" || true; }

# assert_log EXPECTED / assert_log_np EXPECTED: the (probe-less) log is exactly EXPECTED
assert_log() {
	local got
	got=$(calls; printf x)
	got=${got%x}
	[ "$got" = "$1" ] && return
	diff -u --label expected --label "$LOG" <(printf '%s' "$1") <(printf '%s' "$got") >&2
	_fail "the scripts were not called as expected (see diff above)"
}
assert_log_np() {
	local got
	got=$(calls_np; printf x)
	got=${got%x}
	[ "$got" = "$1" ] && return
	diff -u --label expected --label "$LOG (no probes)" <(printf '%s' "$1") \
		<(printf '%s' "$got") >&2
	_fail "the scripts were not called as expected (see diff above)"
}

# count_calls PATTERN: how many log lines contain PATTERN (fixed string)
count_calls() { grep -cF -- "$1" "$LOG" || true; }

# assert_not_called NAME: no log line from script NAME
assert_not_called() {
	! grep -q "^$1 " "$LOG" || _fail "$1 was run:" "$(grep "^$1 " "$LOG")"
}

# assert_stderr_has TEXT: $stderr contains TEXT
assert_stderr_has() {
	[[ $stderr == *"$1"* ]] || _fail "stderr lacks '$1':" "$stderr"
}

# cfgfile PARENT UUID: absolute path of a definition
cfgfile() { printf '%s/etc/mdevctl.d/%s/%s' "$ROOT" "$1" "$2"; }

# createfile PARENT TYPE / removefile UUID: the files start and stop write to
createfile() { printf '%s/%s/mdev_supported_types/%s/create' "$ROOT" "$(parent_path "$1")" "$2"; }
removefile() { printf '%s/%s/%s/remove' "$ROOT" "$(parent_path "$1")" "$2"; }

# compact JSON of a manual/auto definition with no attributes
cj() { printf '{"mdev_type":"%s","start":"%s","attrs":[]}' "$1" "${2:-manual}"; }

# timed_run [-N] CMD...: runs CMD like run_exact, then sets $elapsed to its duration in ms
timed_run() {
	local t0 t1
	t0=$(date +%s%N)
	run_exact "$@"
	t1=$(date +%s%N)
	elapsed=$(((t1 - t0) / 1000000))
}

# assert_not_running PID: the process is gone (or a zombie nobody reaped yet)
assert_not_running() {
	local st
	[ -r "/proc/$1/stat" ] || return 0
	st=$(sed 's/^.*) \(.\).*/\1/' "/proc/$1/stat" 2>/dev/null) || return 0
	[ "$st" = Z ] || [ -z "$st" ] || _fail "process $1 still runs (state $st)"
}
