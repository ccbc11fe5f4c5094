#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# modify: every action (-t, -a, -m, --addattr/--value [-i], --delattr [-i], --jsonfile,
# --live), their conflicts, and choosing the definition when several parents hold the UUID.

load test_helper

U1=6f9ab6c2-1d3e-4a5b-8c7d-0e1f2a3b4c5d
U2=0b1e8e1c-2a6f-4d53-9a51-8d4e1d2f6a01

# mtty/U1: manual mtty-1 with attrs a=1, b=2, c=3 (compact, as a person might write it)
ORIG='{"mdev_type":"mtty-1","start":"manual","attrs":[{"a":"1"},{"b":"2"},{"c":"3"}]}'
mk_def() {
	mk_samples
	mk_config mtty "$U1" "$ORIG"
}

# assert_untouched: mtty/U1 still holds ORIG byte for byte.
assert_untouched() { assert_file_content "$(cfg mtty "$U1")" "$ORIG"; }

@test "modify -t changes only the type" {
	mk_def
	run_exact -0 mdevadm modify -u "$U1" -t mtty-2
	assert_defined mtty "$U1" mtty-2 manual a 1 b 2 c 3
}

@test "modify --type=T and --uuid=U forms" {
	mk_def
	run_exact -0 mdevadm modify --uuid="${U1^^}" --type=mtty-2
	assert_defined mtty "$U1" mtty-2 manual a 1 b 2 c 3
}

@test "modify -a sets start auto, -m sets it back to manual" {
	mk_def
	run_exact -0 mdevadm modify -u "$U1" -a
	assert_defined mtty "$U1" mtty-1 auto a 1 b 2 c 3
	run_exact -0 mdevadm modify -u "$U1" --manual
	assert_defined mtty "$U1" mtty-1 manual a 1 b 2 c 3
	run_exact -0 mdevadm modify -u "$U1" --auto
	assert_cfg "$(cfg mtty "$U1")" mtty-1 auto a 1 b 2 c 3
	run_exact -0 mdevadm modify -u "$U1" -m
	assert_cfg "$(cfg mtty "$U1")" mtty-1 manual a 1 b 2 c 3
}

@test "modify --addattr --value appends" {
	mk_def
	run_exact -0 mdevadm modify -u "$U1" --addattr d --value 4
	assert_defined mtty "$U1" mtty-1 manual a 1 b 2 c 3 d 4
}

@test "modify --addattr=N --value=V appends, and a repeated name is kept as a new entry" {
	mk_def
	run_exact -0 mdevadm modify -u "$U1" --addattr=a --value=9
	assert_defined mtty "$U1" mtty-1 manual a 1 b 2 c 3 a 9
}

@test "modify --addattr -i 0 inserts first, -i N in the middle, -i COUNT appends" {
	mk_def
	run_exact -0 mdevadm modify -u "$U1" --addattr z --value 0 -i 0
	assert_defined mtty "$U1" mtty-1 manual z 0 a 1 b 2 c 3
	run_exact -0 mdevadm modify -u "$U1" --addattr m --value 5 --index 2
	assert_cfg "$(cfg mtty "$U1")" mtty-1 manual z 0 a 1 m 5 b 2 c 3
	run_exact -0 mdevadm modify -u "$U1" --addattr e --value 6 --index=5
	assert_cfg "$(cfg mtty "$U1")" mtty-1 manual z 0 a 1 m 5 b 2 c 3 e 6
}

@test "modify --addattr on a config without attrs" {
	mk_samples
	mk_config mtty "$U1" '{"mdev_type":"mtty-1","start":"auto"}'
	run_exact -0 mdevadm modify -u "$U1" --addattr x --value y -i 0
	assert_defined mtty "$U1" mtty-1 auto x y
}

@test "modify --addattr with an index past the end fails and changes nothing" {
	mk_def
	run_exact -1 mdevadm modify -u "$U1" --addattr d --value 4 -i 4
	[ -z "$output" ]
	assert_stderr_line "*cannot add attribute at index 4: $U1 has 3 attributes"
	assert_untouched
}

@test "modify --value keeps JSON specials, leading dashes and empty values intact" {
	mk_def
	run_exact -0 mdevadm modify -u "$U1" --addattr q --value 'say "hi" \ there'
	run_exact -0 mdevadm modify -u "$U1" --addattr n --value -5
	run_exact -0 mdevadm modify -u "$U1" --addattr e --value=
	assert_quiet
	assert_file_content "$(cfg mtty "$U1")" '{
  "mdev_type": "mtty-1",
  "start": "manual",
  "attrs": [
    {
      "a": "1"
    },
    {
      "b": "2"
    },
    {
      "c": "3"
    },
    {
      "q": "say \"hi\" \\ there"
    },
    {
      "n": "-5"
    },
    {
      "e": ""
    }
  ]
}
'
}

@test "modify --delattr without index removes the last attribute" {
	mk_def
	run_exact -0 mdevadm modify -u "$U1" --delattr
	assert_defined mtty "$U1" mtty-1 manual a 1 b 2
}

@test "modify --delattr -i N removes entry N" {
	mk_def
	run_exact -0 mdevadm modify -u "$U1" --delattr -i 0
	assert_defined mtty "$U1" mtty-1 manual b 2 c 3
	run_exact -0 mdevadm modify -u "$U1" --delattr --index 1
	assert_cfg "$(cfg mtty "$U1")" mtty-1 manual b 2
	run_exact -0 mdevadm modify -u "$U1" --delattr --index=0
	assert_cfg "$(cfg mtty "$U1")" mtty-1 manual
}

@test "modify --delattr with an index out of range fails and changes nothing" {
	mk_def
	run_exact -1 mdevadm modify -u "$U1" --delattr -i 3
	[ -z "$output" ]
	assert_stderr_line "*cannot delete attribute 3: $U1 has 3 attributes"
	assert_untouched
}

@test "modify --delattr on a config without attributes fails and changes nothing" {
	mk_samples
	mk_config mtty "$U1" '{"mdev_type":"mtty-1","start":"auto","attrs":[]}'
	run_exact -1 mdevadm modify -u "$U1" --delattr
	[ -z "$output" ]
	assert_stderr_line "*cannot delete an attribute: $U1 has none"
	assert_file_content "$(cfg mtty "$U1")" '{"mdev_type":"mtty-1","start":"auto","attrs":[]}'
	run_exact -1 mdevadm modify -u "$U1" --delattr -i 0
	assert_stderr_line "*$U1 has*"
	assert_file_content "$(cfg mtty "$U1")" '{"mdev_type":"mtty-1","start":"auto","attrs":[]}'
}

@test "modify applies -t, -a and --addattr given together" {
	mk_def
	run_exact -0 mdevadm modify -u "$U1" -t mtty-2 -a --addattr d --value 4 -i 1 -f
	assert_defined mtty "$U1" mtty-2 auto a 1 d 4 b 2 c 3
}

@test "modify --jsonfile with -p replaces the whole config" {
	mk_def
	printf '%s' '{"mdev_type":"mtty-2","start":"auto","attrs":[{"x":"1"}]}' >"$BATS_TEST_TMPDIR/new.json"
	run_exact -0 mdevadm modify -u "$U1" -p mtty --jsonfile "$BATS_TEST_TMPDIR/new.json"
	assert_defined mtty "$U1" mtty-2 auto x 1
}

@test "modify --jsonfile - and /dev/stdin read standard input" {
	mk_def
	run_exact -0 mdevadm modify -u "$U1" -p mtty --jsonfile - <<<'{"mdev_type":"mtty-2"}'
	assert_defined mtty "$U1" mtty-2 manual
	run_exact -0 mdevadm modify -u "$U1" --parent=mtty --jsonfile=/dev/stdin \
		< <(printf '%s' '{"mdev_type":"mtty-1","start":"auto","attrs":[{"k":"v"}]}')
	assert_defined mtty "$U1" mtty-1 auto k v
}

@test "modify --jsonfile with a broken file fails and keeps the old config" {
	mk_def
	run_exact -1 mdevadm modify -u "$U1" -p mtty --jsonfile - <<<'{"mdev_type":"mtty-2","attrs":{}}'
	[ -z "$output" ]
	assert_stderr_line '*invalid config in -*"attrs" is not an array*'
	assert_untouched
	run_exact -1 mdevadm modify -u "$U1" -p mtty --jsonfile "$BATS_TEST_TMPDIR/missing.json"
	assert_stderr_line "*cannot open $BATS_TEST_TMPDIR/missing.json*"
	assert_untouched
}

@test "modify --jsonfile of an undefined UUID fails and creates nothing" {
	mk_def
	run_exact -1 mdevadm modify -u "$U2" -p mtty --jsonfile - <<<'{"mdev_type":"mtty-2"}'
	[ -z "$output" ]
	assert_stderr_line "*cannot modify $U2: not defined on mtty"
	[ ! -e "$(cfg mtty "$U2")" ]
}

@test "modify --jsonfile without -p is a usage error" {
	mk_def
	run_exact -2 mdevadm modify -u "$U1" --jsonfile - <<<'{"mdev_type":"mtty-2"}'
	[ -z "$output" ]
	assert_stderr_line "*--jsonfile needs --parent*"
	assert_untouched
}

@test "modify --jsonfile combined with another change is a usage error" {
	mk_def
	for extra in "-t mtty-2" "-a" "-m" "--addattr x --value y" "--delattr"; do
		# shellcheck disable=SC2086
		run_exact -2 mdevadm modify -u "$U1" -p mtty --jsonfile - $extra <<<'{"mdev_type":"mtty-2"}'
		[ -z "$output" ]
		assert_stderr_line "*--jsonfile replaces the whole config*"
	done
	assert_untouched
}

@test "modify --live without --jsonfile is a usage error" {
	mk_def
	run_exact -2 mdevadm modify -u "$U1" --live -a
	[ -z "$output" ]
	assert_stderr_line "*--live needs --jsonfile*"
	run_exact -2 mdevadm modify -u "$U1" -l
	[ -z "$output" ]
	assert_stderr_line "*--jsonfile*"
	assert_untouched
}

@test "modify --live --jsonfile fails: no callout script supports live changes" {
	mk_def
	mk_active mtty mtty-1 "$U1"
	before=$(tree_snapshot "$ROOT/sys")
	run_exact -1 mdevadm modify -u "$U1" --live --jsonfile - <<<'{"mdev_type":"mtty-1"}'
	[ -z "$output" ]
	assert_stderr_line "*cannot change $U1 live: no callout script supports live changes*"
	assert_untouched
	[ "$(tree_snapshot "$ROOT/sys")" = "$before" ]
}

@test "modify --live --defined -p --jsonfile fails the same way and keeps the definition" {
	mk_def
	mk_active mtty mtty-1 "$U1"
	run_exact -1 mdevadm modify -u "$U1" -p mtty -l -d --jsonfile - <<<'{"mdev_type":"mtty-2"}'
	[ -z "$output" ]
	assert_stderr_line "*live*callout script*"
	assert_untouched
}

@test "modify --live of a device that is not active fails, definition untouched" {
	mk_def
	run_exact -1 mdevadm modify -u "$U1" --live --jsonfile - <<<'{"mdev_type":"mtty-1"}'
	[ -z "$output" ]
	assert_stderr_line "*cannot change $U1 live: it is not active"
	assert_untouched
}

@test "modify --live of an active but undefined device fails about callouts, defines nothing" {
	mk_samples
	mk_active mdpy mdpy-hd "$U2" 4
	run_exact -1 mdevadm modify -u "$U2" -l --jsonfile - <<<'{"mdev_type":"mdpy-hd","attrs":[{"a":"1"}]}'
	[ -z "$output" ]
	assert_stderr_line "*cannot change $U2 live: no callout script supports live changes for type mdpy-hd"
	[ ! -e "$ROOT/etc/mdevctl.d" ]
}

@test "modify --defined --live --jsonfile b --help exits 0 and prints the usage" {
	mk_def
	run_exact -0 mdevadm modify --defined --live --jsonfile b --help
	[ -z "$stderr" ]
	[[ $output == "Usage: mdevadm modify -u UUID "*$'\n' ]]
	[[ $output == *"--live"* && $output == *"--defined"* && $output == *"--jsonfile FILE"* ]]
	assert_untouched
}

@test "modify without any action is a usage error" {
	mk_def
	run_exact -2 mdevadm modify -u "$U1"
	[ -z "$output" ]
	assert_stderr_line "*nothing to modify*"
	run_exact -2 mdevadm modify -u "$U1" -p mtty -f
	assert_stderr_line "*nothing to modify*"
	run_exact -2 mdevadm modify -u "$U1" -d
	assert_stderr_line "*nothing to modify*"
	assert_untouched
}

@test "modify -a with -m is a usage error" {
	mk_def
	run_exact -2 mdevadm modify -u "$U1" -a -m
	[ -z "$output" ]
	assert_stderr_line "*--auto and --manual exclude each other*"
	assert_untouched
}

@test "modify attribute option misuse is a usage error and changes nothing" {
	mk_def
	run_exact -2 mdevadm modify -u "$U1" --addattr x
	assert_stderr_line "*--addattr and --value go together*"
	run_exact -2 mdevadm modify -u "$U1" -a --value x
	assert_stderr_line "*--addattr and --value go together*"
	run_exact -2 mdevadm modify -u "$U1" --addattr x --value y --delattr
	assert_stderr_line "*--addattr and --delattr exclude each other*"
	run_exact -2 mdevadm modify -u "$U1" -a -i 0
	assert_stderr_line "*--index needs --addattr or --delattr*"
	for bad in -1 abc 1x '' +1 99999999999999999999999; do
		run_exact -2 mdevadm modify -u "$U1" --delattr -i "$bad"
		[ -z "$output" ]
		assert_stderr_line "*invalid index '$bad'*"
	done
	run_exact -2 mdevadm modify -u "$U1" --addattr
	assert_stderr_line "*option '--addattr' needs a value*"
	assert_untouched
}

@test "modify needs -u; unknown options and stray arguments are usage errors" {
	mk_def
	run_exact -2 mdevadm modify -p mtty -a
	[ -z "$output" ]
	assert_stderr_line "*modify needs --uuid*"
	for args in "--bogus" "extra" "-a -a" "--dumpjson" "-v" "-u $U2"; do
		# shellcheck disable=SC2086
		run_exact -2 mdevadm modify -u "$U1" -t mtty-2 $args
		[ -z "$output" ]
		assert_stderr_line "mdevadm modify: * (try 'mdevadm modify --help')"
	done
	assert_untouched
}

@test "modify of a UUID defined on several parents needs -p" {
	mk_def
	mk_config mdpy "$U1" '{"mdev_type":"mdpy-vga","start":"manual","attrs":[]}'
	run_exact -1 mdevadm modify -u "$U1" -a
	[ -z "$output" ]
	assert_stderr_line "*cannot modify $U1: defined on several parents (mdpy, mtty): use --parent"
	assert_untouched
	assert_file_content "$(cfg mdpy "$U1")" '{"mdev_type":"mdpy-vga","start":"manual","attrs":[]}'
	run_exact -0 mdevadm modify -u "$U1" -p mdpy -a
	assert_defined mdpy "$U1" mdpy-vga auto
	assert_untouched
}

@test "modify of an undefined UUID fails, with and without -p" {
	mk_def
	run_exact -1 mdevadm modify -u "$U2" -a
	[ -z "$output" ]
	assert_stderr_line "*cannot modify $U2: not defined"
	run_exact -1 mdevadm modify -u "$U1" -p mdpy -a
	assert_stderr_line "*cannot modify $U1: not defined on mdpy"
	assert_untouched
	[ ! -e "$ROOT/etc/mdevctl.d/mdpy" ]
}

@test "modify of an active device changes only its definition" {
	mk_def
	mk_active mtty mtty-1 "$U1" 2
	before=$(tree_snapshot "$ROOT/sys")
	run_exact -0 mdevadm modify -u "$U1" -t mtty-2 --addattr d --value 4
	assert_defined mtty "$U1" mtty-2 manual a 1 b 2 c 3 d 4
	[ "$(tree_snapshot "$ROOT/sys")" = "$before" ]
}

@test "modify of a broken definition fails naming the file and leaves it alone" {
	mk_samples
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "attrs": [{"a": 1}]}'
	run_exact -1 mdevadm modify -u "$U1" -a
	[ -z "$output" ]
	assert_stderr_line "*cannot modify $U1: invalid config /etc/mdevctl.d/mtty/$U1: attrs?0? \"a\" is not a string"
	assert_file_content "$(cfg mtty "$U1")" '{"mdev_type": "mtty-1", "attrs": [{"a": 1}]}'
}

@test "modify --jsonfile repairs a broken definition" {
	mk_samples
	mk_config mtty "$U1" '{"mdev_type": '
	run_exact -0 mdevadm modify -u "$U1" -p mtty --jsonfile - <<<'{"mdev_type":"mtty-1","start":"auto"}'
	assert_defined mtty "$U1" mtty-1 auto
}

@test "oracle: a series of modify edits ends with the config mdevctl writes" {
	need_oracle
	mk_def
	edits() {
		run_exact -0 "$@" modify -u "$U1" -t mtty-2
		run_exact -0 "$@" modify -u "$U1" -a
		run_exact -0 "$@" modify -u "$U1" --addattr d --value 4
		run_exact -0 "$@" modify -u "$U1" --addattr z --value 0 -i 0
		run_exact -0 "$@" modify -u "$U1" --addattr m --value 'x"y' -i 2
		run_exact -0 "$@" modify -u "$U1" --delattr
		run_exact -0 "$@" modify -u "$U1" --delattr -i 1
		run_exact -0 "$@" modify -u "$U1" -m
	}
	edits mdevadm
	mine=$(cat "$(cfg mtty "$U1")"; printf x)
	rm -rf "$ROOT/etc/mdevctl.d"
	mk_config mtty "$U1" "$ORIG"
	edits mdevctl_oracle
	theirs=$(cat "$(cfg mtty "$U1")"; printf x)
	[ "$mine" = "${theirs%x}"$'\n'x ] || {
		diff <(printf '%s' "$mine") <(printf '%s' "$theirs") >&2
		false
	}
}
