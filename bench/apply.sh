#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# bench/apply.sh: `apply` planning (--check) and a no-op apply against `list -d --dumpjson`, on
# the trees of bench/run.sh, with the layout that describes each tree exactly (its export).
#
#   bench/apply.sh [WORKDIR]        (default /tmp/mdevadm-bench-apply; must be root)
#
# Environment: MDEVADM (default ../src/mdevadm), SCALES ("1 10"), RUNS (10), WARMUP (2),
# RESULTS (bench/apply-results.md), NO_TMPFS=1 (trees on the disk), KEEP=1.
# Each tree's layout is `apply --export` of it; apply must plan nothing on it (checked first).
# Timed with --root on the tree, and on the real root as in production: in a private mount
# namespace with the tree bind-mounted on /sys and /etc/mdevctl.d (as run.sh runs mdevctl).
# apply reads the machine on one thread per CPU; --check is also timed with MDEVADM_THREADS=1.
set -euo pipefail

BENCH=$(cd "$(dirname "$0")" && pwd)
WORK=${1:-/tmp/mdevadm-bench-apply}
MDEVADM=$(realpath "${MDEVADM:-$BENCH/../src/mdevadm}")
SCALES=${SCALES:-"1 10"}
RUNS=${RUNS:-10}
WARMUP=${WARMUP:-2}
RESULTS=${RESULTS:-$BENCH/apply-results.md}
export LC_ALL=C

log() { printf '[apply-bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root (tmpfs, unshare -m)"
for t in gcc hyperfine jq unshare valgrind; do command -v "$t" >/dev/null || die "missing: $t"; done
[ -x "$MDEVADM" ] || die "no mdevadm at $MDEVADM"

mountpoint -q "$WORK" 2>/dev/null && umount "$WORK"
rm -rf "$WORK"
mkdir -p "$WORK"
[ -n "${NO_TMPFS:-}" ] || mount -t tmpfs -o size=4g,mode=0755 mdevadm-bench-apply "$WORK"
cleanup() {
	[ -z "${KEEP:-}" ] || return 0
	cd /
	mountpoint -q "$WORK" && umount "$WORK"
	rm -rf "$WORK"
}
trap cleanup EXIT
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
gcc -O2 -o "$WORK/gen-tree" "$BENCH/gen-tree.c"
gcc -O2 -Wall -Wextra -Werror -o "$WORK/min-layout" "$BENCH/min-layout.c" -ljansson
mkdir -p /etc/mdevctl.d

# ns TREE CMD: CMD on the real root, the tree bind-mounted on /sys and /etc/mdevctl.d
ns() {
	printf "unshare -m sh -c \"mount --bind %s/sys /sys && mount --bind %s/etc/mdevctl.d /etc/mdevctl.d && exec %s\"" \
		"$1" "$1" "$2"
}

rows=()
for s in $SCALES; do
	t=$WORK/x$s
	"$WORK/gen-tree" -x "$s" "$t" >/dev/null
	"$MDEVADM" --root "$t" apply --export >"$t.layout.json"
	entries=$(jq '.devices | length' "$t.layout.json")
	bytes=$(stat -c %s "$t.layout.json")
	# the layout describes the tree: nothing to do, exit 0 (not 3), and nothing changes
	"$MDEVADM" --root "$t" apply -f "$t.layout.json" --check >"$WORK/check.out" ||
		die "x$s: apply --check of the export exits $?: $(tail -3 "$WORK/check.out")"
	grep -q '^Nothing to do' "$WORK/check.out" || die "x$s: the export plans something"
	"$MDEVADM" --root "$t" apply -f "$t.layout.json" | grep -q '^Nothing to do' ||
		die "x$s: apply of the export is not a no-op"
	log "x$s: layout of $entries entries, $bytes bytes: plans nothing"
	hyperfine -N -w "$WARMUP" -r "$RUNS" --export-json "$WORK/x$s.json" \
		-n "list -d --dumpjson" "$MDEVADM --root $t list -d --dumpjson" \
		-n "apply --check" "$MDEVADM --root $t apply -f $t.layout.json --check" \
		-n "apply (no-op)" "$MDEVADM --root $t apply -f $t.layout.json" \
		-n "apply --check, one thread" \
		"env MDEVADM_THREADS=1 $MDEVADM --root $t apply -f $t.layout.json --check" \
		-n "host: list -d --dumpjson" "$(ns "$t" "$MDEVADM list -d --dumpjson")" \
		-n "host: apply --check" "$(ns "$t" "$MDEVADM apply -f $t.layout.json --check")" \
		-n "host: apply (no-op)" "$(ns "$t" "$MDEVADM apply -f $t.layout.json")" \
		-n "host: apply --check, one thread" \
		"$(ns "$t" "env MDEVADM_THREADS=1 $MDEVADM apply -f $t.layout.json --check")" \
		-n "host: namespace alone" "$(ns "$t" true)" \
		-n "min-layout" "$WORK/min-layout $t.layout.json" >/dev/null
	log "x$s: timed"
	rows+=("$s $entries $bytes")
	if [ "$s" = 1 ]; then
		# where the instructions go: the layout parse (jansson) and the rest
		valgrind --tool=callgrind --callgrind-out-file="$WORK/cg.out" \
			"$MDEVADM" --root "$t" apply -f "$t.layout.json" --check >/dev/null 2>&1
		callgrind_annotate --inclusive=yes "$WORK/cg.out" 2>/dev/null >"$WORK/cg.txt"
		IR_TOTAL=$(awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1; exit}' "$WORK/cg.txt")
		IR_PARSE=$(awk '/layout.c:layout_parse / {gsub(",", "", $1); print $1; exit}' "$WORK/cg.txt")
		IR_PLAIN=$(awk '/:json_plain_load / {gsub(",", "", $1); print $1; exit}' "$WORK/cg.txt")
		valgrind --tool=callgrind --callgrind-out-file="$WORK/cg2.out" \
			"$MDEVADM" --root "$t" list -d --dumpjson >/dev/null 2>&1
		callgrind_annotate "$WORK/cg2.out" >"$WORK/cg2.txt" 2>/dev/null
		IR_LISTD=$(awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1; exit}' "$WORK/cg2.txt")
		valgrind --tool=callgrind --callgrind-out-file="$WORK/cg3.out" \
			"$WORK/min-layout" "$t.layout.json" >/dev/null 2>&1
		callgrind_annotate "$WORK/cg3.out" >"$WORK/cg3.txt" 2>/dev/null
		IR_MINLAYOUT=$(awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1; exit}' "$WORK/cg3.txt")
	fi
done

# ms NAME SCALE: "mean ± sd (min m; user+sys u)" of a hyperfine result; the namespace's own
# cost is subtracted from the host rows
ms() {
	jq -r --arg n "$1" --arg base "${3:-}" '
		(.results | map(select(.command == $base)) | .[0]) as $ns |
		($ns.mean // 0) as $b | ($ns.min // 0) as $bmin |
		.results[] | select(.command == $n) |
		"\(((.mean - $b) * 100000 | round) / 100) ± \((.stddev * 100000 | round) / 100) (min \(((.min - $bmin) * 100000 | round) / 100); user+sys \((.user + .system) * 1000 | round))"' \
		"$WORK/x$2.json"
}
mean() {
	jq -r --arg n "$1" --arg base "${3:-}" '
		(.results | map(select(.command == $base)) | .[0].mean // 0) as $b |
		.results[] | select(.command == $n) | (.mean - $b)' "$WORK/x$2.json"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f×", a / b }'; }
# cpu NAME SCALE: mean user+sys seconds, which a loaded machine disturbs far less than wall time
cpu() {
	jq -r --arg n "$1" '.results[] | select(.command == $n) | (.user + .system)' "$WORK/x$2.json"
}

{
	echo "# apply: planning and a no-op run, against list -d --dumpjson"
	echo
	echo "Generated by \`bench/apply.sh\` on $(date -u '+%Y-%m-%d %H:%M') UTC, $(nproc) cores (so apply reads on $(nproc) threads), kernel $(uname -r), hyperfine $(hyperfine --version | cut -d' ' -f2); trees on tmpfs; load average $LOAD_START at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end (other work on the machine makes wall times noisy: the fastest run and user+sys CPU are steadier)."
	echo "Trees from \`gen-tree -x SCALE\` (seed 1), as bench/run.sh makes them; each tree's layout is its own \`apply --export\` (every definition and running device by UUID, so planning reads and compares all of them), and applying it plans nothing. mdevadm: \`$MDEVADM\`."
	echo
	echo "| scale | layout entries | layout bytes | where | list -d --dumpjson ms | apply --check ms | apply (no-op) ms | --check, one thread ms | --check / list -d | no-op / list -d | one thread / list -d | CPU: --check / list -d | CPU: no-op / list -d |"
	echo "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	for r in "${rows[@]}"; do
		set -- $r
		for where in root host; do
			if [ $where = root ]; then p="" base=""; else p="host: " base="host: namespace alone"; fi
			l=$(mean "${p}list -d --dumpjson" "$1" "$base")
			c=$(mean "${p}apply --check" "$1" "$base")
			a=$(mean "${p}apply (no-op)" "$1" "$base")
			o=$(mean "${p}apply --check, one thread" "$1" "$base")
			echo "| x$1 | $2 | $3 | $([ $where = root ] && echo "--root TREE" || echo "real root") | $(ms "${p}list -d --dumpjson" "$1" "$base") | $(ms "${p}apply --check" "$1" "$base") | $(ms "${p}apply (no-op)" "$1" "$base") | $(ms "${p}apply --check, one thread" "$1" "$base") | $(ratio "$c" "$l") | $(ratio "$a" "$l") | $(ratio "$o" "$l") | $(ratio "$(cpu "${p}apply --check" "$1")" "$(cpu "${p}list -d --dumpjson" "$1")") | $(ratio "$(cpu "${p}apply (no-op)" "$1")" "$(cpu "${p}list -d --dumpjson" "$1")") |"
		done
	done
	echo
	echo "The real-root rows run in \`unshare -m\` with the tree bind-mounted; the namespace alone is subtracted from their means and fastest runs (not from user+sys)."
	echo
	echo "What jansson alone would cost: \`bench/min-layout\` reads the layout and parses it with json_loadb as apply did before its plain-JSON fast path (an arena, nothing freed), and does nothing else."
	echo
	echo "| scale | min-layout ms | min-layout / list -d (--root) | CPU: min-layout / list -d |"
	echo "|---|---:|---:|---:|"
	for r in "${rows[@]}"; do
		set -- $r
		echo "| x$1 | $(ms "min-layout" "$1") | $(ratio "$(mean "min-layout" "$1")" "$(mean "list -d --dumpjson" "$1")") | $(ratio "$(cpu "min-layout" "$1")" "$(cpu "list -d --dumpjson" "$1")") |"
	done
	if [ -n "${IR_TOTAL:-}" ]; then
		echo
		echo "Instructions at x1 (callgrind): \`apply --check\` $(awk -v v="$IR_TOTAL" 'BEGIN{printf "%.1f M", v/1e6}'), of which parsing the layout $(awk -v v="$IR_PARSE" 'BEGIN{printf "%.1f M", v/1e6}') (the plain-JSON reader alone $(awk -v v="$IR_PLAIN" 'BEGIN{printf "%.1f M", v/1e6}')); \`list -d --dumpjson\` $(awk -v v="$IR_LISTD" 'BEGIN{printf "%.1f M", v/1e6}'); \`min-layout\` $(awk -v v="$IR_MINLAYOUT" 'BEGIN{printf "%.1f M", v/1e6}')."
	fi
} >"$RESULTS"
log "wrote $RESULTS"
cat "$RESULTS"
