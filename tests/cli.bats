#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# The command line: help and version, usage errors (exit 2, one line naming the culprit and a
# --help hint), option forms, UUID forms, --root and MDEVCTL_ENV_ROOT, the lsmdev and mdevctl
# names, and output to a reader that went away.

load test_helper

COMMANDS="list types define undefine modify start stop"

# assert_usage_error WORD...: exit 2, nothing on stdout, one line on stderr holding every WORD
# and a --help hint.
assert_usage_error() {
	local w
	[ "$status" -eq 2 ] || _fail "expected exit status 2, got $status" "stderr: $stderr" || return
	[ "$output" = "" ] || _fail "expected no output, got: $output" || return
	[[ $stderr == *$'\n' ]] && [ "$(printf '%s' "$stderr" | wc -l)" -eq 1 ] ||
		_fail "expected one line on stderr, got: $stderr" || return
	[[ $stderr == *--help* ]] || _fail "no --help hint in: $stderr" || return
	for w in "$@"; do
		[[ $stderr == *"$w"* ]] || _fail "'$w' not in: $stderr" || return
	done
}

# one active device and two definitions
tree() {
	mk_mtty
	mk_active mtty mtty-1 "$U1" 1
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "auto", "attrs": [{"a": "1"}]}'
	mk_config mtty "$U2" '{"mdev_type": "mtty-2", "start": "manual"}'
}

# alias NAME: a symlink NAME to the binary under test, in a directory of its own; prints its path
alias_as() {
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	ln -sfn "$(realpath "$MDEVADM")" "$BATS_TEST_TMPDIR/bin/$1"
	printf '%s' "$BATS_TEST_TMPDIR/bin/$1"
}

@test "cli: -h and --help print the main help on stdout and exit 0" {
	local opt c
	for opt in -h --help; do
		run_exact -0 "$MDEVADM" "$opt"
		[[ $output == "Usage: mdevadm "* ]]
		[ "$stderr" = "" ]
		for c in $COMMANDS; do
			grep -qE "^  $c +[a-z]" <<<"$output" || _fail "$c missing from the help"
		done
		[[ $output == *--root* && $output == *--version* ]]
		[[ $output == *$'\n' && $output != *$'\n\n' ]]
	done
	# before a command, --help is the global one
	run_exact -0 "$MDEVADM" --help list
	[[ $output == "Usage: mdevadm [--root DIR] COMMAND"* ]]
}

@test "cli: every command has its own --help and -h, exit 0 on stdout" {
	local c opt
	for c in $COMMANDS start-parent-mdevs; do
		for opt in --help -h; do
			run_exact -0 mdevadm "$c" "$opt"
			[[ $output == "Usage: mdevadm $c "* ]] || _fail "$c $opt: $output"
			[[ $output == *"-h, --help"* ]]
			[ "$stderr" = "" ]
		done
	done
}

@test "cli: a command's help lists its options" {
	run_exact -0 mdevadm list --help
	local o
	for o in --defined --dumpjson --verbose --uuid --parent; do
		[[ $output == *"$o"* ]] || _fail "list --help lacks $o"
	done
	run_exact -0 mdevadm start --help
	for o in --uuid --parent --type --jsonfile --force; do
		[[ $output == *"$o"* ]] || _fail "start --help lacks $o"
	done
	[[ $output != *--dumpjson* ]]
	run_exact -0 mdevadm types --help
	[[ $output == *--parent* && $output == *--dumpjson* && $output != *--uuid* ]]
}

@test "cli: -V and --version print the version and exit 0" {
	local opt
	for opt in -V --version; do
		run_exact -0 "$MDEVADM" "$opt"
		[[ $output =~ ^mdevadm\ [0-9]+\.[0-9]+[^$'\n']*$'\n'$ ]] || _fail "$opt: $output"
		[ "$stderr" = "" ]
	done
}

@test "cli: modify --defined --live --jsonfile b --help exits 0 (libvirt's probe)" {
	run_exact -0 mdevadm modify --defined --live --jsonfile b --help
	[[ $output == "Usage: mdevadm modify "* ]]
	[ "$stderr" = "" ]
	# the file b is never opened, nothing is written
	[ ! -e "$ROOT/etc/mdevctl.d" ]
	local mdevctl
	mdevctl=$(alias_as mdevctl)
	run_exact -0 "$mdevctl" modify --defined --live --jsonfile b --help
	[[ $output == "Usage: mdevctl modify "* ]]
}

@test "cli: no command is a usage error" {
	run_exact -2 "$MDEVADM"
	assert_usage_error "no command"
	run_exact -2 mdevadm
	assert_usage_error "no command"
}

@test "cli: an unknown command is a usage error naming it" {
	run_exact -2 mdevadm frobnicate -u "$U1"
	assert_usage_error frobnicate "mdevadm --help"
	# commands are exact, not prefixes
	run_exact -2 mdevadm lis
	assert_usage_error "'lis'"
	run_exact -2 mdevadm LIST
	assert_usage_error LIST
}

@test "cli: an unknown option is a usage error naming it" {
	tree
	run_exact -2 mdevadm list --frobnicate
	assert_usage_error --frobnicate "mdevadm list --help"
	run_exact -2 mdevadm list -x
	assert_usage_error "-x"
	# an option of another command
	run_exact -2 mdevadm list -t mtty-1
	assert_usage_error "-t"
	run_exact -2 mdevadm stop -u "$U1" --parent mtty
	assert_usage_error --parent
	# a global option that does not exist
	run_exact -2 mdevadm --frobnicate list
	assert_usage_error --frobnicate
	# nothing was stopped
	assert_no_write "$ROOT/$(parent_path mtty)/$U1/remove"
}

@test "cli: --opt=value, --opt value, -o value and -ovalue are the same" {
	tree
	run_exact -0 mdevadm list -d --uuid "$U2"
	local want=$output
	[ "$want" = "$U2 mtty mtty-2 manual
" ]
	run_exact -0 mdevadm list -d --uuid="$U2"
	[ "$output" = "$want" ]
	run_exact -0 mdevadm list -d -u "$U2"
	[ "$output" = "$want" ]
	run_exact -0 mdevadm list -d -u"$U2"
	[ "$output" = "$want" ]
	run_exact -0 mdevadm list --defined --parent=mtty -u "$U2"
	[ "$output" = "$want" ]
	# short flags bundle; options may come in any order
	run_exact -0 mdevadm list -dv -u "$U2"
	[ "$output" = "$want" ]
	run_exact -0 mdevadm list -u "$U2" --verbose --defined
	[ "$output" = "$want" ]
}

@test "cli: a flag given a value is a usage error" {
	tree
	run_exact -2 mdevadm define -u "$U1" -p mtty -t mtty-1 --auto=x
	assert_usage_error --auto
	run_exact -2 mdevadm list --dumpjson=1
	assert_usage_error --dumpjson
	run_exact -2 mdevadm list --defined=yes
	assert_usage_error --defined
	run_exact -2 mdevadm start -u "$U2" --force=no
	assert_usage_error --force
	assert_no_write "$ROOT/$(parent_path mtty)/mdev_supported_types/mtty-2/create"
}

@test "cli: an option given twice is a usage error" {
	tree
	run_exact -2 mdevadm list -d -d
	assert_usage_error defined twice
	run_exact -2 mdevadm list -d --defined
	assert_usage_error defined twice
	run_exact -2 mdevadm list -u "$U1" --uuid "$U2"
	assert_usage_error uuid twice
	run_exact -2 mdevadm start -u "$U2" -p mtty -p mtty
	assert_usage_error parent twice
	assert_no_write "$ROOT/$(parent_path mtty)/mdev_supported_types/mtty-2/create"
}

@test "cli: an option missing its value is a usage error" {
	tree
	run_exact -2 mdevadm list -u
	assert_usage_error "-u"
	run_exact -2 mdevadm list --parent
	assert_usage_error "--parent"
	run_exact -2 mdevadm start --jsonfile
	assert_usage_error "--jsonfile"
	run_exact -2 "$MDEVADM" --root
	assert_usage_error "--root"
}

@test "cli: UUIDs hyphenated, 32 hex, braced, any case are accepted, printed lower case" {
	tree
	local up=${U2^^} form
	for form in "$U2" "$up" "${U2//-/}" "${up//-/}" "{$U2}" "{$up}"; do
		run_exact -0 mdevadm list -d -u "$form"
		[ "$output" = "$U2 mtty mtty-2 manual
" ] || _fail "form '$form': $output $stderr"
	done
	# mixed case
	run_exact -0 mdevadm list -d -u "2222222A-aAaA-4222-8222-222222222222"
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	mk_config mtty 2222222a-aaaa-4222-8222-222222222222 '{"mdev_type": "mtty-2", "start": "auto"}'
	run_exact -0 mdevadm list -d -u "2222222A-aAaA-4222-8222-222222222222"
	[ "$output" = "2222222a-aaaa-4222-8222-222222222222 mtty mtty-2 auto
" ]
}

@test "cli: an invalid UUID is a usage error naming it" {
	tree
	local bad
	for bad in zz "" "${U2:1}" "${U2}0" "${U2//-/}0" "${U2:0:35}g" "{$U2" "$U2}" "($U2)" \
		"2222222-22222-4222-8222-222222222222" "22222222_2222_4222_8222_222222222222" \
		" $U2" "$U2 " "{${U2//-/}}"; do
		run_exact -2 mdevadm list -d -u "$bad"
		assert_usage_error "invalid UUID '$bad'" || _fail "for '$bad'"
	done
	run_exact -2 mdevadm stop -u not-a-uuid
	assert_usage_error "not-a-uuid"
	assert_no_write "$ROOT/$(parent_path mtty)/$U1/remove"
}

@test "cli: --root DIR, --root=DIR and MDEVCTL_ENV_ROOT all select the tree" {
	tree
	local want="$U1 mtty mtty-1 auto (defined)
"
	run_exact -0 "$MDEVADM" --root "$ROOT" list
	[ "$output" = "$want" ]
	run_exact -0 "$MDEVADM" --root="$ROOT" list
	[ "$output" = "$want" ]
	run_exact -0 env MDEVCTL_ENV_ROOT="$ROOT" "$MDEVADM" list
	[ "$output" = "$want" ]
	# a root given with a trailing slash is the same root
	run_exact -0 "$MDEVADM" --root "$ROOT/" list
	[ "$output" = "$want" ]
}

@test "cli: --root wins over MDEVCTL_ENV_ROOT" {
	tree
	local other="$BATS_TEST_TMPDIR/other"
	mkdir -p "$other/sys/class/mdev_bus"
	run_exact -0 env MDEVCTL_ENV_ROOT="$other" "$MDEVADM" --root "$ROOT" list
	[ "$output" = "$U1 mtty mtty-1 auto (defined)
" ]
	run_exact -0 env MDEVCTL_ENV_ROOT="$ROOT" "$MDEVADM" --root "$other" list
	[ "$output" = "" ]
	# and a missing env root does not matter when --root is given
	run_exact -0 env MDEVCTL_ENV_ROOT="$BATS_TEST_TMPDIR/nope" "$MDEVADM" --root "$ROOT" list -d
	[ "$output" = "$U1 mtty mtty-1 auto (active)
$U2 mtty mtty-2 manual
" ]
}

@test "cli: a missing root directory is a failure (exit 1), one line naming it" {
	local nope="$BATS_TEST_TMPDIR/no-such-root"
	run_exact -1 "$MDEVADM" --root "$nope" list
	[ "$output" = "" ]
	[[ $stderr == *"$nope"* ]]
	[ "$(printf '%s' "$stderr" | wc -l)" -eq 1 ]
	run_exact -1 env MDEVCTL_ENV_ROOT="$nope" "$MDEVADM" list
	[[ $stderr == *"$nope"* ]]
	[ "$(printf '%s' "$stderr" | wc -l)" -eq 1 ]
	# a file is no root either
	: >"$BATS_TEST_TMPDIR/afile"
	run_exact -1 "$MDEVADM" --root "$BATS_TEST_TMPDIR/afile" types
	[[ $stderr == *afile* ]]
	# nothing was created where the root should have been
	[ ! -e "$nope" ]
}

@test "cli: lsmdev is list, with the same options" {
	tree
	local lsmdev
	lsmdev=$(alias_as lsmdev)
	local args
	for args in "" "-d" "-v" "-d -v" "--dumpjson" "-d --dumpjson" "-u $U1" "-d -p mtty" "-d -u $U2 --dumpjson"; do
		# shellcheck disable=SC2086
		run_exact -0 mdevadm list $args
		local want=$output
		# shellcheck disable=SC2086
		run_exact -0 env MDEVCTL_ENV_ROOT="$ROOT" "$lsmdev" $args
		[ "$output" = "$want" ] || _fail "lsmdev $args: $output" "list $args: $want"
		[ "$stderr" = "" ]
	done
	# usage errors name lsmdev
	run_exact -2 env MDEVCTL_ENV_ROOT="$ROOT" "$lsmdev" --frobnicate
	[[ $stderr == lsmdev* && $stderr == *--frobnicate* ]]
	[ "$output" = "" ]
}

@test "cli: called as mdevctl it behaves the same" {
	tree
	local mdevctl c
	mdevctl=$(alias_as mdevctl)
	for c in "list" "list -d -v" "list --dumpjson" "types" "types --dumpjson"; do
		# shellcheck disable=SC2086
		run_exact -0 mdevadm $c
		local want=$output
		# shellcheck disable=SC2086
		run_exact -0 env MDEVCTL_ENV_ROOT="$ROOT" "$mdevctl" $c
		[ "$output" = "$want" ] || _fail "mdevctl $c differs: $output"
	done
	run_exact -0 env MDEVCTL_ENV_ROOT="$ROOT" "$mdevctl" stop -u "$U1"
	[ "$(cat "$ROOT/$(parent_path mtty)/$U1/remove")" = 1 ]
	run_exact -2 "$mdevctl" frobnicate
	[[ $stderr == mdevctl:* && $stderr == *"mdevctl --help"* ]]
}

@test "cli: output to a closed pipe is not an error" {
	local i
	mkdir -p "$ROOT/etc/mdevctl.d/mtty"
	# far more than a pipe buffer
	for ((i = 0; i < 3000; i++)); do
		printf '{"mdev_type": "mtty-1", "start": "auto"}' \
			>"$ROOT/etc/mdevctl.d/mtty/$(printf '%08x-0000-4000-8000-000000000000' "$i")"
	done
	# SIGPIPE ignored (as under many service managers): EPIPE, which is no failure
	run_exact -0 bash -c 'trap "" PIPE; "$0" --root "$1" list -d | head -c1 >/dev/null
		exit "${PIPESTATUS[0]}"' "$MDEVADM" "$ROOT"
	[ "$stderr" = "" ]
	run_exact -0 bash -c 'trap "" PIPE; "$0" --root "$1" list -d --dumpjson | head -c1 >/dev/null
		exit "${PIPESTATUS[0]}"' "$MDEVADM" "$ROOT"
	[ "$stderr" = "" ]
	# SIGPIPE as usual: nothing said on stderr either
	run_exact bash -c '"$0" --root "$1" list -d | head -c1 >/dev/null' "$MDEVADM" "$ROOT"
	[ "$status" -eq 0 ]
	[ "$stderr" = "" ]
}

@test "cli: a failing write to stdout (a full disk) is exit 1 with one line" {
	tree
	run_exact -1 bash -c '"$0" --root "$1" list -d >/dev/full' "$MDEVADM" "$ROOT"
	[[ $stderr == *"cannot write"* ]]
	[ "$(printf '%s' "$stderr" | wc -l)" -eq 1 ]
	run_exact -1 bash -c '"$0" --version >/dev/full' "$MDEVADM"
	[[ $stderr == *"cannot write"* ]]
}

@test "cli: hostile --parent and --type names are usage errors, before touching anything" {
	tree
	local name
	for name in .. . ../mtty "a/b" ""; do
		run_exact -2 mdevadm start -u "$U2" -p "$name" -t mtty-2
		assert_usage_error "parent" || _fail "-p '$name'"
		run_exact -2 mdevadm start -u "$U2" -p mtty -t "$name"
		assert_usage_error "type" || _fail "-t '$name'"
	done
	assert_no_write "$ROOT/$(parent_path mtty)/mdev_supported_types/mtty-2/create"
}

@test "cli: lsmdev -V and --version print the version and exit 0, as lsmdev 1.2.0 does" {
	local lsmdev opt
	lsmdev=$(alias_as lsmdev)
	for opt in -V --version; do
		run_exact env MDEVCTL_ENV_ROOT="$ROOT" "$lsmdev" "$opt"
		[ "$status" -eq 0 ] || _fail "lsmdev $opt: exit $status: $stderr" || return
		[[ $output =~ ^lsmdev\ [0-9]+\.[0-9]+[^$'\n']*$'\n'$ ]] || _fail "lsmdev $opt: $output"
		[ "$stderr" = "" ]
	done
	run_exact -0 env MDEVCTL_ENV_ROOT="$ROOT" "$lsmdev" --help
	[[ $output == *--defined* && $output == *--dumpjson* ]]
}

@test "cli: lsmdev's help and hints name lsmdev, not a 'lsmdev list' that does not work" {
	tree
	local lsmdev
	lsmdev=$(alias_as lsmdev)
	run_exact -0 env MDEVCTL_ENV_ROOT="$ROOT" "$lsmdev" --help
	[[ $output == "Usage: lsmdev ["* ]] || _fail "help: $(head -1 <<<"$output")"
	run_exact -2 env MDEVCTL_ENV_ROOT="$ROOT" "$lsmdev" --frobnicate
	[[ $stderr == *"'lsmdev --help'"* ]] || _fail "hint: $stderr"
	# and following the hint works
	run_exact -0 env MDEVCTL_ENV_ROOT="$ROOT" "$lsmdev" --help
}

@test "cli: closed stdin, stdout and stderr are never reused for files the command opens" {
	mk_samples
	mk_config mtty "$U1" '{"mdev_type":"mtty-1","start":"auto","attrs":[]}'
	# modify reads and rewrites a config; define prints the generated UUID to the closed stdout
	"$MDEVADM" --root "$ROOT" modify -u "$U1" --addattr a --value b <&- >&- 2>&-
	"$MDEVADM" --root "$ROOT" define -p mtty -t mtty-2 <&- >&- 2>&-
	assert_file_content "$ROOT/etc/mdevctl.d/mtty/$U1" '{
  "mdev_type": "mtty-1",
  "start": "auto",
  "attrs": [
    {
      "a": "b"
    }
  ]
}
'
	run_exact -0 mdevadm list -d
	[ "$(printf '%s' "$output" | wc -l)" -eq 2 ]
	[ -z "$stderr" ]
}

@test "a value glued to a flag is named in the usage error" {
	run -2 --separate-stderr mdevadm list --help=x
	[ "$stderr" = "mdevadm list: option '--help' takes no value (try 'mdevadm list --help')" ]
	run -2 --separate-stderr mdevadm list --dumpjson=1
	[ "$stderr" = "mdevadm list: option '--dumpjson' takes no value (try 'mdevadm list --help')" ]
}
