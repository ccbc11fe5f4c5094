#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The whole test suite, as CI runs it: formatting, a -Werror build with `make check` (as make
# distcheck, with the packages: tests/packaging.sh), the same suite under ASan+UBSan (any
# report fails), a valgrind leak check, and `make check` as a non-root user when run as root.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/mdevadm-ci.XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$src"

step() { printf '\n=== %s (%s)\n' "$*" "$(date -u +%H:%M:%S)"; }

# failures LOG...: what the failing test files said, past their passing lines (at most 150 lines
# a file, cut by awk so that no pipe breaks and the script ends with its own status)
failures() {
	local log
	for log in "$@"; do
		[ -f "$log" ] && grep -q '^not ok' "$log" || continue
		printf '\n--- %s\n' "$log"
		awk '!/^(ok|PASS:) / && n++ < 150' "$log"
	done
}

step "autoreconf"
autoreconf -fi >/dev/null

step "clang-format"
clang-format --dry-run --Werror $(find src -name "*.[ch]") tests/*.c tests/fuzz/*.[ch] bench/*.c

step "every test file is run by make check"
for f in tests/*.bats; do
	grep -q "^	$f" Makefile.am || { echo "$f is not in BATS_TESTS (Makefile.am)" >&2; exit 1; }
done

step "build with -Werror"
mkdir "$work/build"
(cd "$work/build" && "$src/configure" -q --enable-werror && make -j"$(nproc)" >/dev/null)
# make distcheck runs the -Werror make check (on the tarball), then the packages are built
if [ "${MDEVADM_SKIP_PACKAGING:-0}" = 1 ]; then
	step "make check"
	(cd "$work/build" && make -j"$(nproc)" check) ||
		{ failures "$work"/build/tests/*.log; exit 1; }
else
	step "packages: make distcheck, Debian and RPM builds, lintian, upgrade from mdevctl"
	"$src/tests/packaging.sh" "$work/build" || {
		failures "$work"/build/mdevadm-*/_build/sub/tests/*.log
		exit 1
	}
fi

step "sanitizers (address, undefined), make check"
mkdir "$work/san" "$work/san-logs"
san_flags="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"
(cd "$work/san" && "$src/configure" -q --enable-werror CFLAGS="$san_flags" LDFLAGS="-fsanitize=address,undefined" &&
	make -j"$(nproc)" >/dev/null &&
	ASAN_OPTIONS="log_path=$work/san-logs/asan:detect_leaks=1" \
	UBSAN_OPTIONS="log_path=$work/san-logs/ubsan:print_stacktrace=1" \
	make -j"$(nproc)" check) || { failures "$work"/san/tests/*.log; exit 1; }
if compgen -G "$work/san-logs/*" >/dev/null; then
	awk 'n++ < 100' "$work"/san-logs/*
	echo "sanitizer reports found" >&2
	exit 1
fi

step "fuzz: every target ${FUZZ_SECONDS:-20}s under libFuzzer (any crash, leak or report fails)"
(cd "$work/build" && make fuzz >/dev/null &&
	FUZZ_JOBS=$(nproc) "$src/tests/fuzz/run.sh" "$work/build" "${FUZZ_SECONDS:-20}")

step "valgrind: no leaks, no errors"
demo="$work/demo"
cp -a "$src/contrib/demo" "$demo"
vg() { valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=all "$@" >/dev/null; }
bin="$work/build/src/mdevadm"
for args in "types" "types --dumpjson" "list" "list -d -v" "list -d --dumpjson" "list --dumpjson" \
	"define -p mtty -t mtty-1" "modify -u 9d8e7f6a-5b4c-4d3e-8f2a-1b0c9d8e7f6a --addattr a --value b" \
	"start -u 9d8e7f6a-5b4c-4d3e-8f2a-1b0c9d8e7f6a" "stop -u c109cf76-5f47-4b8a-b074-dff5f464a8a0" \
	"start-parent-mdevs 0000:3b:00.0" "undefine -u 9d8e7f6a-5b4c-4d3e-8f2a-1b0c9d8e7f6a" \
	"list -u bad" "start -p nope -t x" "groups" "groups --dumpjson" "noiommu" \
	"__complete mdevadm_start_-p_" "__complete mdevadm_list_--" "monitor --help" \
	"types -p 0000:c1:00.0" "list -v --vf 0000:c1:00.4" "define -p 0000:c1:00.0 --vf 3 -t nvidia-1022" \
	"modify -p 0000:c1:00.0 --vf 3 -a" "start-parent-mdevs 0000:c1:00.0" "stop --vf 0000:c1:00.5" \
	"undefine -p 0000:c1:00.0 --vf 3" "__complete mdevadm_stop_--vf_" \
	"apply --export" "apply -f $src/tests/fuzz/corpus/layout/issue-example.json --check --diff" \
	"apply -f $src/tests/fuzz/corpus/layout/issue-example.json --dumpjson" \
	"info -u c109cf76-5f47-4b8a-b074-dff5f464a8a0 --dumpjson" \
	"info -u 3c0031fc-d6f9-48c4-b8de-5088a4884519 --probe" "info --vf 0000:c1:00.4 --dumpjson"; do
	# shellcheck disable=SC2086
	set -- $args
	[ "$1" != __complete ] || set -- __complete "${2//_/ }"
	vg "$bin" --root "$demo" "$@" || [ $? -ne 99 ] || { echo "valgrind: $args" >&2; exit 1; }
done
printf 'list\ntypes -p mtty\nlist -d --dumpjson\nstop -u 00000000-0000-0000-0000-000000000000\n' |
	vg "$bin" --root "$demo" shell --keep-going || [ $? -ne 99 ] || { echo "valgrind: shell" >&2; exit 1; }
echo "valgrind clean"

if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
	step "make check as a non-root user"
	cp -a "$work/build" "$work/build-user"
	chown -R nobody "$work/build-user"
	chmod 755 "$work"
	# the copy's Makefile still names the first build's directory: every program under test
	# (mdevadm, the fake kernel, the checkers) is the copy's, built here by make check
	(cd "$work/build-user" && runuser -u nobody -- env HOME="$work/build-user" \
		make -j"$(nproc)" check abs_top_builddir="$work/build-user" >/dev/null) ||
		{ failures "$work"/build-user/tests/*.log; exit 1; }
	echo "non-root make check passed"
fi
if [ "${MDEVADM_SKIP_VM:-0}" != 1 ]; then
	step "real kernel: make check-vm (QEMU, both machine setups)"
	make -C "$work/build" check-vm
fi
step "all passed"
