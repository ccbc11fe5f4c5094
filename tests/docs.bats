#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# The man page and NEWS keep up with the command table: every command and option that
# `--help` shows is documented.

load test_helper

MAN="$BATS_TEST_DIRNAME/../man/mdevadm.8"

# The man page as plain text, hyphens and font escapes undone.
man_text() {
	sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' "$MAN"
}

commands() {
	"$MDEVADM" --help | sed -n '/^Commands:/,/^$/p' | awk 'NR > 1 && NF { print $1 }'
}

@test "docs: every command of --help has a section in the man page" {
	local text c n=0
	text=$(man_text)
	for c in $(commands) start-parent-mdevs; do
		grep -q "^\.SS $c\b" <<<"$text" || _fail "man page has no .SS section for '$c'"
		n=$((n + 1))
	done
	[ "$n" -ge 12 ]
}

@test "docs: every option of every command's --help is in the man page" {
	local text c opt n=0
	text=$(man_text)
	for c in $(commands) start-parent-mdevs; do
		for opt in $("$MDEVADM" "$c" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
			grep -q -- "$opt" <<<"$text" || _fail "man page does not mention $c $opt"
			n=$((n + 1))
		done
	done
	[ "$n" -ge 40 ]
}

@test "docs: the global options are in the man page" {
	local text opt
	text=$(man_text)
	for opt in $("$MDEVADM" --help | sed -n '/^Global options:/,/^$/p' | grep -o -- '--[a-z-]*'); do
		grep -q -- "$opt" <<<"$text" || _fail "man page does not mention $opt"
	done
}

@test "docs: every command is named in NEWS" {
	local c
	for c in $(commands); do
		grep -q -- "$c" "$BATS_TEST_DIRNAME/../NEWS" || _fail "NEWS never mentions '$c'"
	done
}

# json_fields: the member names of the objects the --dumpjson outputs print on the demo tree
# (not the parent, UUID and type names that key them), one a line.
json_fields() {
	local demo=$BATS_TEST_DIRNAME/../contrib/demo
	{
		"$MDEVADM" --root "$demo" list --dumpjson
		"$MDEVADM" --root "$demo" list -d --dumpjson
	} | jq -r '.[][][][] | keys[]'
	"$MDEVADM" --root "$demo" types --dumpjson | jq -r '.[][][][] | keys[]'
	"$MDEVADM" --root "$demo" groups --dumpjson |
		jq -r '.[] | keys[], (.devices[], .reserved_regions[] | keys[])'
}

@test "docs: mdevctl.d(5) documents every field of the JSON outputs" {
	command -v jq >/dev/null || skip "jq is not installed"
	local page=$BATS_TEST_DIRNAME/../man/mdevctl.d.5 f n=0
	for f in $(json_fields | sort -u); do
		grep -q "^\\\\fB$f\\\\fR\|^\.B $f\$\|\\\\fB$f\\\\fR" "$page" ||
			_fail "man/mdevctl.d.5 does not document the JSON field '$f'"
		n=$((n + 1))
	done
	[ "$n" -ge 20 ]
	# and the monitor's, from the command's own list (monitor.bats pins the output down)
	for f in event uuid parent type timestamp; do
		sed -n '/^\.SS monitor/,/^\.S[SH]/p' "$page" | grep -qx "\.B $f" ||
			_fail "mdevctl.d(5) monitor section lacks '$f'"
	done
}

@test "docs: every environment variable the program reads is in the man page's ENVIRONMENT" {
	local env text v n=0
	env=$(man_text | sed -n '/^\.SH ENVIRONMENT/,/^\.SH /p')
	text=$(cat "$BATS_TEST_DIRNAME"/../src/*/*.c)
	for v in $(grep -o 'getenv("\(MDEVADM\|MDEVCTL\)_[A-Z_]*")' <<<"$text" | sed 's/^getenv("//; s/")$//' | sort -u); do
		grep -qx "\.B $v" <<<"$env" || _fail "man page ENVIRONMENT does not have $v"
		n=$((n + 1))
	done
	[ "$n" -ge 6 ]
}
