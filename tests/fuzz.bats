#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# The fuzz corpora, replayed: every seed and every input a fuzzer once crashed on goes through
# its target (tests/fuzz/fuzz-*.c, built into tests/fuzz/replay from the program's own sources),
# which checks its own invariants (the config scanner agrees with jansson, ...).  Under the
# sanitizer build of CI this is the regression test of every crash found (tests/fuzz/README.md).

load test_helper

setup() {
	common_setup
	FUZZ_REPLAY=${FUZZ_REPLAY:-$BATS_TEST_DIRNAME/fuzz/replay}
	FUZZ_DIR=$BATS_TEST_DIRNAME/fuzz
}

# targets: the names fuzz.h lists.
targets() {
	awk '/^#define FUZZ_TARGETS\(X\)/ { on = 1 } on { print } on && !/\\$/ { exit }' \
		"$FUZZ_DIR/fuzz.h" | grep -o 'X([a-z_]*)' | sed 's/^X(//; s/)$//'
}

@test "fuzz: every target has a seed corpus, and make fuzz builds each one" {
	local t names
	names=$(targets | tr '\n' ' ')
	[ -n "$names" ]
	for t in $names; do
		[ -f "$FUZZ_DIR/fuzz-$t.c" ] || _fail "no tests/fuzz/fuzz-$t.c"
		[ -n "$(ls "$FUZZ_DIR/corpus/$t")" ] || _fail "no seeds in tests/fuzz/corpus/$t"
	done
	# make fuzz builds every fuzz-*.c (apply's fuzz-layout.c too, replayed by apply.bats)
	names=$(cd "$FUZZ_DIR" && ls fuzz-*.c | sed 's/^fuzz-//; s/\.c$//' | tr '\n' ' ')
	grep -q "^FUZZ_NAMES = ${names% }\$" "$BATS_TEST_DIRNAME/../Makefile.am" ||
		_fail "FUZZ_NAMES in Makefile.am is not: $names"
}

@test "fuzz: each corpus and each crash regression replays through its target" {
	local t dirs
	for t in $(targets); do
		dirs=("$FUZZ_DIR/corpus/$t")
		[ ! -d "$FUZZ_DIR/regressions/$t" ] || dirs+=("$FUZZ_DIR/regressions/$t")
		run_exact -0 "$FUZZ_REPLAY" "$t" "${dirs[@]}"
		[[ $output == "$t: "[1-9]*" inputs"$'\n' ]] || _fail "$t: $output"
	done
}

@test "fuzz: the replay driver refuses an unknown target" {
	run_exact -2 "$FUZZ_REPLAY" nosuch "$FUZZ_DIR/corpus"
	[[ $stderr == "usage: replay TARGET PATH...; targets: callout "* ]]
}
