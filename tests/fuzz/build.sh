#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# build.sh OUTDIR SOURCES TARGETS: the libFuzzer binaries OUTDIR/libfuzzer-TARGET, each a
# tests/fuzz/fuzz-TARGET.c linked with the program's own sources (SOURCES, its main renamed),
# all compiled by $FUZZ_CC with $FUZZ_CFLAGS and -fsanitize=fuzzer,address,undefined.
# Run by `make fuzz`, which passes the project's flags; objects are rebuilt when their source
# is newer.
set -eu
out=$1 sources=$2 targets=$3
src=$(cd "$(dirname "$0")/../.." && pwd)
san="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
mkdir -p "$out/obj"
export FUZZ_CC FUZZ_CFLAGS san src
for s in $sources; do
	o="$out/obj/$(printf '%s' "$s" | tr / _).o"
	[ "$o" -nt "$src/$s" ] && [ "$o" -nt "$src/config.h.in" ] && continue
	printf '%s %s\n' "$s" "$o"
done | xargs -r -n 2 -P "$(nproc)" sh -c 'echo "  CC (fuzz) $0"
	exec $FUZZ_CC $FUZZ_CFLAGS $san -fsanitize=fuzzer-no-link -Dmain=mdevadm_main -c "$src/$0" -o "$1"'
objs=
for s in $sources; do objs="$objs $out/obj/$(printf '%s' "$s" | tr / _).o"; done
for t in $targets; do
	echo "  CCLD (fuzz) $out/libfuzzer-$t"
	# shellcheck disable=SC2086
	$FUZZ_CC $FUZZ_CFLAGS $san -fsanitize=fuzzer -I"$src/tests/fuzz" \
		"$src/tests/fuzz/fuzz-$t.c" $objs $FUZZ_LIBS -o "$out/libfuzzer-$t"
done
