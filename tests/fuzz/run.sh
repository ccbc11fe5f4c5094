#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# run.sh BUILDDIR SECONDS [TARGET...]: runs each libFuzzer target (every tests/fuzz/fuzz-*.c by
# default; `make fuzz` builds them as BUILDDIR/tests/fuzz/libfuzzer-TARGET) for SECONDS
# on a scratch copy of its checked-in corpus (tests/fuzz/corpus/TARGET and regressions/TARGET),
# with its dictionary when there is one, and prints the executions it made.  Any crash, leak,
# timeout or sanitizer report fails the run; the input is left in BUILDDIR/tests/fuzz/artifacts/:
# add it to tests/fuzz/regressions/TARGET/ with the fix.  FUZZ_RUNS=N stops a target after N
# executions (a campaign: FUZZ_RUNS=10000000 run.sh B 7200); FUZZ_ARGS adds libFuzzer options;
# FUZZ_JOBS=N runs N targets at a time.
set -eu
build=$1 secs=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck disable=SC2046 # the target names, one word each: every fuzz-TARGET.c
[ $# -gt 0 ] || set -- $(cd "$here" && ls fuzz-*.c | sed 's/^fuzz-//; s/\.c$//')
# FUZZ_JOBS=N: N targets at a time (each is one process)
if [ "${FUZZ_JOBS:-1}" -gt 1 ] && [ $# -gt 1 ]; then
	printf '%s\n' "$@" | FUZZ_JOBS=1 xargs -P "$FUZZ_JOBS" -n 1 sh "$0" "$build" "$secs"
	exit
fi
art="$build/tests/fuzz/artifacts"
mkdir -p "$art"
for t in "$@"; do
	work=$(mktemp -d)
	cp -R "$here/corpus/$t/." "$work/" 2>/dev/null || true
	[ -d "$here/regressions/$t" ] && cp -R "$here/regressions/$t/." "$work/"
	dict=
	[ -f "$here/$t.dict" ] && dict="-dict=$here/$t.dict"
	log="$art/$t.log"
	start=$(date +%s)
	# shellcheck disable=SC2086
	if ! "$build/tests/fuzz/libfuzzer-$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -close_fd_mask=3 -artifact_prefix="$art/$t-" $dict \
		${FUZZ_RUNS:+-runs="$FUZZ_RUNS"} ${FUZZ_ARGS:-} "$work" \
		>"$log" 2>&1; then
		rm -rf "$work"
		tail -n 60 "$log"
		echo "fuzz: $t FAILED (input in $art/)" >&2
		exit 1
	fi
	rm -rf "$work"
	end=$(date +%s)
	printf 'fuzz: %-8s %12s executions in %ss, %s coverage counters\n' "$t" \
		"$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")" "$((end - start))" \
		"$(sed -n 's/.*cov: \([0-9]*\).*/\1/p' "$log" | tail -n 1)"
done
