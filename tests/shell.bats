#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# mdevadm shell: the line splitter, batch mode (stdin not a terminal), dispatch through the same
# table as the command line, and an interactive session driven through a real terminal (tmux).

load test_helper

teardown() {
	tmux_stop
	common_teardown
}

# script LINE...: write the lines to the script file fed to `mdevadm shell`.
script() {
	SCRIPT="$BATS_TEST_TMPDIR/script"
	printf '%s\n' "$@" >"$SCRIPT"
}

# batch [ARGS...]: run `mdevadm shell ARGS` on the script; $output and $stderr apart.
batch() {
	run_exact mdevadm shell "$@" <"$SCRIPT"
}

# -- the line splitter ------------------------------------------------------------------------

# Each case is one line whose only positional argument list refuses; the error names the word
# exactly as split, between the quotes of "unexpected argument '...'".
split_case() {
	script "list $1"
	batch
	[ "$status" -eq 2 ]
	[[ $stderr == *"unexpected argument '$2'"* ]] || _fail "line: list $1" "stderr: $stderr"
}

@test "split: double quotes keep blanks and single quotes" {
	split_case '"a b"' 'a b'
	split_case "\"it's\"" "it's"
}

@test "split: single quotes keep everything literally" {
	split_case "'a \"b\" \\c \$d'" 'a "b" \c $d'
	split_case "'# not a comment'" '# not a comment'
}

@test "split: backslashes escape outside quotes, and only \\\" \\\\ \\\$ \\\` inside double quotes" {
	split_case 'a\ b' 'a b'
	split_case '\#x' '#x'
	split_case '"q\"q\\q\$q\`q\nq"' 'q"q\q$q`q\nq'
	split_case "a\\'b" "a'b"
}

@test "split: quoted parts join the word they touch; empty quotes make an empty word" {
	split_case 'a"b c"'"'d'"'e' 'ab cde'
	split_case "''" ''
	split_case 'x#y' 'x#y'
}

@test "split: blanks and tabs separate words, however many" {
	mk_samples
	script $'  \t types \t -p\t  mtty   '
	batch
	[ "$status" -eq 0 ]
	[[ $output == mtty$'\n'* ]]
}

@test "split: # starts a comment at the start of a word; comment and blank lines are skipped" {
	mk_samples
	mk_active mtty mtty-1 "$U1"
	script '# provisioning' '' '   ' 'list # the active ones' '	# indented comment'
	batch
	[ "$status" -eq 0 ]
	[ "$output" = "$U1 mtty mtty-1 manual"$'\n' ]
	[ -z "$stderr" ]
}

@test "split: an unterminated quote is a usage error for that line" {
	script "list 'abc" 'list "abc'
	batch --keep-going
	[ "$status" -eq 2 ]
	[[ $stderr == *"mdevadm: line 1: unterminated quote (')"* ]]
	[[ $stderr == *'mdevadm: line 2: unterminated quote (")'* ]]
	[ -z "$output" ]
}

@test "split: a backslash at the end of a line continues the command on the next" {
	mk_samples
	mk_active mtty mtty-1 "$U1"
	script 'list \' '  -p \' 'mtty' 'bogus'
	batch
	[ "$status" -eq 2 ]
	[ "$output" = "$U1 mtty mtty-1 manual"$'\n' ]
	# the failing command is reported at the line it starts on
	[[ $stderr == *"line 4: 'bogus' failed"* ]]
}

# -- batch mode -------------------------------------------------------------------------------

@test "batch: every command runs in order, no prompt, exit 0" {
	mk_samples
	mk_active mtty mtty-1 "$U1"
	script "define -u $U2 -p mdpy -t mdpy-vga" "list -d" "undefine -u $U2" "list -d"
	batch
	[ "$status" -eq 0 ]
	[ "$output" = "$U2 mdpy mdpy-vga manual"$'\n' ]
	[ -z "$stderr" ]
	[ ! -e "$ROOT/etc/mdevctl.d/mdpy/$U2" ]
}

@test "batch: stops at the first failing command, names its line, exits with its status" {
	mk_samples
	script 'list' '# comment' "start -u $U1 -p nope -t x" "define -u $U2 -p mtty -t mtty-1"
	batch
	[ "$status" -eq 1 ]
	[[ $stderr == *"mdevadm: line 3: 'start' failed with status 1, stopping"* ]]
	# the command printed its own error first
	[ "$(printf '%s\n' "$stderr" | grep -c .)" -eq 2 ]
	[[ $(printf '%s\n' "$stderr" | head -n1) == *nope* ]]
	[ ! -e "$ROOT/etc/mdevctl.d/mtty/$U2" ]
}

@test "batch: a usage error stops with status 2" {
	script 'list --bogus' 'list'
	batch
	[ "$status" -eq 2 ]
	[[ $stderr == *"line 1: 'list' failed with status 2, stopping"* ]]
}

@test "batch: --keep-going runs every line and exits 1 when commands failed" {
	mk_samples
	script "start -u $U1 -p nope -t x" "define -u $U2 -p mtty -t mtty-1" "stop -u $U3"
	batch --keep-going
	[ "$status" -eq 1 ]
	[ -e "$ROOT/etc/mdevctl.d/mtty/$U2" ]
	[[ $stderr == *"line 1: 'start' failed with status 1"$'\n'* ]]
	[[ $stderr == *"line 3: 'stop' failed with status 1"$'\n'* ]]
	[[ $stderr != *stopping* ]]
	[[ $stderr == *"mdevadm: 2 of 3 commands failed"$'\n' ]]
}

@test "batch: --keep-going exits 2 when the worst failure was a usage error" {
	mk_samples
	script "stop -u $U3" 'list --bogus' 'list'
	batch --keep-going
	[ "$status" -eq 2 ]
	[[ $stderr == *"mdevadm: 2 of 3 commands failed"$'\n' ]]
}

@test "batch: --keep-going with nothing failing exits 0 and says nothing" {
	mk_samples
	script 'list' 'types -p mtty'
	batch --keep-going
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
}

@test "batch: output and errors interleave in command order" {
	mk_samples
	mk_active mtty mtty-1 "$U1"
	script 'list' 'bogus' 'list -p mtty' 'list --bogus' 'list'
	run bash -c '"$1" --root "$2" shell --keep-going <"$3" 2>&1' _ "$MDEVADM" "$ROOT" "$SCRIPT"
	[ "$status" -eq 2 ]
	[ "${lines[0]}" = "$U1 mtty mtty-1 manual" ]
	[[ ${lines[1]} == *"unknown command 'bogus'"* ]]
	[[ ${lines[2]} == *"line 2: 'bogus' failed"* ]]
	[ "${lines[3]}" = "$U1 mtty mtty-1 manual" ]
	[[ ${lines[4]} == *"--bogus"* ]]
	[[ ${lines[5]} == *"line 4: 'list' failed"* ]]
	[ "${lines[6]}" = "$U1 mtty mtty-1 manual" ]
	[[ ${lines[7]} == *"2 of 5 commands failed" ]]
}

@test "batch: exit and quit end the script" {
	mk_samples
	script 'list' 'exit' 'bogus'
	batch
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	script 'quit' 'bogus'
	batch
	[ "$status" -eq 0 ]
	script 'exit now'
	batch
	[ "$status" -eq 2 ]
	[[ $stderr == *"line 1: exit takes no arguments"* ]]
}

@test "batch: shell inside the shell is refused" {
	script 'shell'
	batch
	[ "$status" -eq 2 ]
	[[ $stderr == *"mdevadm: line 1: already in the shell"* ]]
}

@test "batch: commands do not read the script from standard input" {
	mk_samples
	script 'define -p mtty --jsonfile -' "define -u $U2 -p mtty -t mtty-1"
	batch --keep-going
	[ "$status" -eq 1 ]
	[[ $stderr == *"line 1: 'define' failed"* ]]
	[ -e "$ROOT/etc/mdevctl.d/mtty/$U2" ]
}

@test "batch: an empty script does nothing and exits 0" {
	script
	: >"$SCRIPT"
	batch
	[ "$status" -eq 0 ]
	[ -z "$output$stderr" ]
}

# -- help and dispatch ------------------------------------------------------------------------

@test "help lists the commands of the table and the shell's own, without hidden ones" {
	script 'help'
	batch
	[ "$status" -eq 0 ]
	for c in list types define undefine modify start stop exit quit help; do
		[[ $output == *$'\n'"  $c "* ]] || _fail "help lacks $c"
	done
	[[ $output != *__complete* ]]
	[[ $output != *start-parent-mdevs* ]]
	[[ $output != *$'\n'"  shell "* ]]
}

@test "help COMMAND is COMMAND --help" {
	script 'help define'
	batch
	[ "$status" -eq 0 ]
	local got=$output
	run_exact mdevadm define --help
	[ "$got" = "$output" ]
	script 'help nosuch'
	batch
	[ "$status" -eq 2 ]
	[[ $stderr == *"unknown command 'nosuch'"* ]]
}

@test "dispatch: list, types and their JSON print exactly what the command line prints" {
	mk_samples
	mk_active mtty mtty-1 "$U1"
	mk_config mdpy "$U2" '{"mdev_type": "mdpy-vga", "start": "auto", "attrs": [{"a": "b"}]}'
	local args
	for args in 'list' 'list -d' 'list -d -v' 'list -d --dumpjson' 'list --dumpjson' 'types' \
		'types -p mdpy --dumpjson' "list -u $U1"; do
		# shellcheck disable=SC2086
		run_exact mdevadm $args
		local want=$output want_status=$status
		script "$args"
		batch
		[ "$status" -eq "$want_status" ]
		[ "$output" = "$want" ] || _fail "differs: $args"
	done
}

@test "dispatch: define and modify write the same config as on the command line" {
	mk_samples
	mdevadm define -u "$U1" -p mtty -t mtty-2 -a
	mdevadm modify -u "$U1" --addattr x --value 'a b'
	script "define -u $U2 -p mtty -t mtty-2 -a" "modify -u $U2 --addattr x --value 'a b'"
	batch
	[ "$status" -eq 0 ]
	cmp "$ROOT/etc/mdevctl.d/mtty/$U1" "$ROOT/etc/mdevctl.d/mtty/$U2"
	grep -q '"x": "a b"' "$ROOT/etc/mdevctl.d/mtty/$U2"
}

@test "dispatch: define without -u prints the new UUID, as on the command line" {
	mk_samples
	script 'define -p mtty -t mtty-1' 'list -d'
	batch
	[ "$status" -eq 0 ]
	mapfile -t lines <<<"${output%$'\n'}"
	[ "${#lines[@]}" -eq 2 ]
	[[ ${lines[0]} =~ ^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$ ]]
	[ "${lines[1]}" = "${lines[0]} mtty mtty-1 manual" ]
}

@test "dispatch: options are parsed afresh on every line" {
	mk_samples
	mk_active mtty mtty-1 "$U1"
	mk_active mdpy mdpy-vga "$U2"
	# a getopt left mid-way by the first line would misparse the next
	script 'list -p' 'list -p mdpy' 'list -p mtty' 'list'
	batch --keep-going
	[ "$status" -eq 2 ]
	[ "$output" = "$U2 mdpy mdpy-vga manual"$'\n'"$U1 mtty mtty-1 manual"$'\n'"$U2 mdpy mdpy-vga manual"$'\n'"$U1 mtty mtty-1 manual"$'\n' ]
}

@test "the global --root applies to every command of the session" {
	mk_samples
	script "define -u $U1 -p mtty -t mtty-1"
	run_exact "$MDEVADM" --root "$ROOT" shell <"$SCRIPT"
	[ "$status" -eq 0 ]
	[ -e "$ROOT/etc/mdevctl.d/mtty/$U1" ]
	script 'list -d'
	run_exact env MDEVCTL_ENV_ROOT="$ROOT" "$MDEVADM" shell <"$SCRIPT"
	[ "$output" = "$U1 mtty mtty-1 manual"$'\n' ]
}

# -- interactive, through a real terminal -----------------------------------------------------

# tmux_start: `mdevadm shell` on the fake root in a detached tmux terminal, with its own state
# directory for the history; its exit status lands in $BATS_TEST_TMPDIR/status.
tmux_start() {
	command -v tmux >/dev/null || skip "tmux is not installed"
	TMUX_SOCK="$BATS_TEST_TMPDIR/tmux.sock"
	STATE="$BATS_TEST_TMPDIR/state"
	HISTFILE_="$STATE/mdevadm/history"
	# 3>&-: bats waits for anything holding its fd 3. The wrapper shell is in the terminal's
	# process group too: its trap keeps Ctrl-C from ending it (and with it the terminal).
	tmux -S "$TMUX_SOCK" -f /dev/null new-session -d -x 150 -y 40 \
		env -i PATH="$PATH" TERM=screen INPUTRC=/dev/null HOME="$BATS_TEST_TMPDIR" \
		XDG_STATE_HOME="$STATE" sh -c 'trap : INT; "$0" --root "$1" shell; echo $? >"$2"' \
		"$MDEVADM" "$ROOT" "$BATS_TEST_TMPDIR/status" 3>&-
	wait_screen '^mdevadm>$'
}

tmux_stop() {
	[ -n "${TMUX_SOCK-}" ] || return 0
	tmux -S "$TMUX_SOCK" kill-server 2>/dev/null || true
	TMUX_SOCK=
}

screen() { tmux -S "$TMUX_SOCK" capture-pane -p; }

# keys KEY...: tmux key names (Tab, Enter, C-c, C-d); typein TEXT: literal text.
keys() { tmux -S "$TMUX_SOCK" send-keys "$@"; }
typein() { tmux -S "$TMUX_SOCK" send-keys -l -- "$1"; }

# wait_screen ERE: until a line of the screen matches (tmux drops trailing blanks).
wait_screen() {
	local i
	for ((i = 0; i < 200; i++)); do
		screen | grep -Eq -- "$1" && return 0
		sleep 0.025
	done
	screen >&2
	_fail "the screen never showed /$1/"
}

# wait_exit: until the session has ended; sets $status to its exit status.
wait_exit() {
	local i
	for ((i = 0; i < 200; i++)); do
		[ -s "$BATS_TEST_TMPDIR/status" ] && break
		sleep 0.025
	done
	[ -s "$BATS_TEST_TMPDIR/status" ] || _fail "the session did not end"
	status=$(<"$BATS_TEST_TMPDIR/status")
}

@test "interactive: TAB completes a command name and the command runs" {
	mk_samples
	mk_active mtty mtty-1 "$U1"
	tmux_start
	typein 'li'
	keys Tab
	wait_screen '^mdevadm> list$'
	keys Enter
	wait_screen "^$U1 mtty mtty-1 manual$"
	wait_screen '^mdevadm>$'
}

@test "interactive: TAB completes options and what they name on this machine" {
	mk_samples
	mk_active mtty mtty-1 "$U1"
	tmux_start
	typein 'stop --u'
	keys Tab
	wait_screen '^mdevadm> stop --uuid$'
	keys Tab
	wait_screen "^mdevadm> stop --uuid $U1$"
	keys C-u
	typein 'define -p mdpy --type=mdpy-v'
	keys Tab
	wait_screen '^mdevadm> define -p mdpy --type=mdpy-vga$'
	keys C-u
	typein 'help de'
	keys Tab
	wait_screen '^mdevadm> help define$'
	keys C-u
	typein 'ex'
	keys Tab
	wait_screen '^mdevadm> exit$'
}

@test "interactive: TAB on malformed lines neither crashes nor ends the session" {
	mk_samples
	mk_active mtty mtty-1 "$U1"
	tmux_start
	# a value glued to --help, and a lone backslash: both were a SIGSEGV on TAB
	typein 'list --help=x y '
	keys Tab Tab
	keys C-u
	typein '\'
	keys Tab Tab
	keys C-u
	typein 'stop -u \'
	keys Tab
	wait_screen "^mdevadm> stop -u $U1$"
	keys C-u Enter
	typein 'list'
	keys Enter
	wait_screen "^$U1 mtty mtty-1 manual$"
	keys C-d
	wait_exit
	[ "$status" -eq 0 ]
}

@test "interactive: a failing command, Ctrl-C, history, Ctrl-D" {
	mk_samples
	tmux_start
	typein 'bogus'
	keys Enter
	wait_screen "unknown command 'bogus'"
	wait_screen '^mdevadm>$'
	# Ctrl-C abandons the line: nothing runs, the session goes on
	typein "define -u $U1 -p mtty -t mtty-1"
	keys C-c
	wait_screen "^mdevadm> define .*\\^C$"
	wait_screen '^mdevadm>$'
	[ ! -e "$ROOT/etc/mdevctl.d/mtty/$U1" ]
	typein 'list -d'
	keys Enter
	sleep 0.2
	keys C-d
	wait_exit
	[ "$status" -eq 0 ]
	[ ! -e "$ROOT/etc/mdevctl.d/mtty/$U1" ]
	assert_file_content "$HISTFILE_" $'bogus\nlist -d\n'
	[ "$(stat -c %a "$STATE/mdevadm")" = 700 ]
}

@test "interactive: history is loaded from the file at start" {
	mk_samples
	mkdir -p "$BATS_TEST_TMPDIR/state/mdevadm"
	printf 'types -p mtty\n' >"$BATS_TEST_TMPDIR/state/mdevadm/history"
	tmux_start
	keys Up
	wait_screen '^mdevadm> types -p mtty$'
	keys Enter
	wait_screen '^  mtty-1$'
	typein 'exit'
	keys Enter
	wait_exit
	[ "$status" -eq 0 ]
	# the same line twice in a row is kept once
	assert_file_content "$HISTFILE_" $'types -p mtty\nexit\n'
}

@test "interactive: Ctrl-C at a continuation prompt abandons the whole command" {
	mk_samples
	tmux_start
	typein "define -u $U1 \\"
	keys Enter
	wait_screen '^>$'
	typein '-p mtty'
	keys C-c
	wait_screen '^mdevadm>$'
	typein '-t mtty-1'
	keys Enter
	wait_screen "unknown command '-t'"
	[ ! -e "$ROOT/etc/mdevctl.d/mtty/$U1" ]
}
