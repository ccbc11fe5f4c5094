#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# bench/run.sh: benchmark mdevadm against least-work yardsticks and Debian's mdevctl.
#
#   bench/run.sh [WORKDIR]           (default WORKDIR: /tmp/mdevadm-bench; must be root)
#
# Environment:
#   MDEVADM=path      mdevadm binary (default: ../src/mdevadm relative to bench/)
#   SCALES="1 10"     tree scales to run (1 = 100 parents x 16 types, 1,000 active, 1,000 defined)
#   RUNS=40 WARMUP=5  hyperfine runs for list/list -d/types at 1x (10x: RUNS10=15 WARMUP10=2)
#   BOOT_RUNS=5       hyperfine runs of the boot pass at 1x (10x: BOOT_RUNS10=3), 1 warm-up
#   BOOT_MAX_PER_PARENT=0.25  a tool whose boot pass (checked once, under strace) took longer
#                     than this many seconds per parent is not timed for the boot pass (e.g. one
#                     that waits for each created device to appear: in a fake tree none does).
#                     mdevadm gets the environment run.sh was started with.
#   NO_INSTALL=1      do not apt-get install missing tools
#   RESULTS=file      where to write the Markdown report (default: bench/results.md)
#   KEEP=1            keep WORKDIR (trees, logs) afterwards (it stays mounted: umount it when done)
#   NO_TMPFS=1        keep the trees on the disk instead of a tmpfs mounted on WORKDIR
set -euo pipefail

BENCH=$(cd "$(dirname "$0")" && pwd)
WORK=${1:-/tmp/mdevadm-bench}
MDEVADM=${MDEVADM:-$BENCH/../src/mdevadm}
SCALES=${SCALES:-"1 10"}
RUNS=${RUNS:-40}
WARMUP=${WARMUP:-5}
RUNS10=${RUNS10:-15}
WARMUP10=${WARMUP10:-2}
BOOT_RUNS=${BOOT_RUNS:-5}
BOOT_RUNS10=${BOOT_RUNS10:-3}
BOOT_MAX_PER_PARENT=${BOOT_MAX_PER_PARENT:-0.25}
RESULTS=${RESULTS:-$BENCH/results.md}
CFLAGS=${CFLAGS:-"-O2 -Wall -Wextra -Werror"}
export LC_ALL=C

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[ "$(id -u)" = 0 ] || die "needs root (unshare -m and bind mounts for Debian's mdevctl)"

# ---------------------------------------------------------------- tools
need_pkgs=()
for t in gcc:gcc hyperfine:hyperfine valgrind:valgrind strace:strace jq:jq mdevctl:mdevctl \
	pkg-config:pkg-config unshare:util-linux; do
	command -v "${t%%:*}" >/dev/null || need_pkgs+=("${t#*:}")
done
if [ ${#need_pkgs[@]} -gt 0 ]; then
	[ -z "${NO_INSTALL:-}" ] || die "missing: ${need_pkgs[*]}"
	log "installing ${need_pkgs[*]}"
	apt-get update -q >/dev/null
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need_pkgs[@]}" >/dev/null
fi
MDEVCTL_VERSION=$(mdevctl --version 2>/dev/null | awk '{print $2}')
[ -d /etc/mdevctl.d ] || mkdir -p /etc/mdevctl.d

HAVE_MDEVADM=0
if [ -x "$MDEVADM" ]; then
	HAVE_MDEVADM=1
	MDEVADM=$(cd "$(dirname "$MDEVADM")" && pwd)/$(basename "$MDEVADM")
	if [ "$(head -c2 "$MDEVADM")" = '#!' ]; then
		log "WARNING: $MDEVADM is a script (libtool wrapper?): timings and Ir include the interpreter"
	fi
	log "mdevadm: $MDEVADM"
else
	log "mdevadm not found at $MDEVADM: mdevadm columns will be skipped"
fi

# ---------------------------------------------------------------- work dir
# The trees live on a tmpfs (sysfs is in memory too): no disk writeback or journal noise.
if mountpoint -q "$WORK" 2>/dev/null; then
	umount "$WORK"
fi
rm -rf "$WORK"
mkdir -p "$WORK"
MOUNTED=0
if [ -z "${NO_TMPFS:-}" ]; then
	mount -t tmpfs -o size=6g,mode=0755 mdevadm-bench "$WORK"
	MOUNTED=1
fi
cleanup() {
	if [ -n "${KEEP:-}" ]; then
		log "kept $WORK$( [ "$MOUNTED" = 1 ] && echo " (a tmpfs: umount $WORK when done)")"
		return
	fi
	cd /
	[ "$MOUNTED" = 1 ] && umount "$WORK" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------- build
mkdir -p "$WORK/bin" "$WORK/out" "$WORK/logs"
BIN=$WORK/bin
log "building gen-tree and yardsticks"
# shellcheck disable=SC2086
{
	gcc $CFLAGS -o "$BIN/gen-tree" "$BENCH/gen-tree.c"
	gcc $CFLAGS -o "$BIN/min-list" "$BENCH/min-list.c"
	gcc $CFLAGS -o "$BIN/min-types" "$BENCH/min-types.c"
	gcc $CFLAGS -o "$BIN/min-list-defined" "$BENCH/min-list-defined.c"
	gcc $CFLAGS -o "$BIN/min-boot" "$BENCH/min-boot.c"
}

# ---------------------------------------------------------------- helpers
# nscmd TREE CMD: a command line running CMD inside a private mount namespace where
# TREE/sys is /sys and TREE/etc/mdevctl.d is /etc/mdevctl.d (mdevctl 1.2.0 has no root option).
nscmd() {
	printf "unshare -m sh -c \"mount --bind %s/sys /sys && mount --bind %s/etc/mdevctl.d /etc/mdevctl.d && exec %s\"" \
		"$1" "$1" "$2"
}
nsrun() { eval "$(nscmd "$1" "$2")"; }

# task commands: cmd_TOOL TASK TREE -> command line (boot uses the loop scripts)
task_args() {
	case $1 in
	list) echo "list" ;;
	listd) echo "list -d --dumpjson" ;;
	types) echo "types" ;;
	esac
}
cmd_yard() {
	case $1 in
	list) echo "$BIN/min-list $2" ;;
	listd) echo "$BIN/min-list-defined $2" ;;
	types) echo "$BIN/min-types $2" ;;
	boot) echo "sh $WORK/boot-yard-$(basename "$2").sh" ;;
	esac
}
cmd_mdevadm() {
	case $1 in
	boot) echo "sh $WORK/boot-mdevadm-$(basename "$2").sh" ;;
	*) echo "$MDEVADM --root $2 $(task_args "$1")" ;;
	esac
}
# mdevadm on the real root: in the namespace mdevctl runs in, without --root
cmd_host() { nscmd "$2" "$MDEVADM $(task_args "$1")"; }
cmd_mdevctl() {
	case $1 in
	boot) nscmd "$2" "sh $WORK/boot-mdevctl-$(basename "$2").sh" ;;
	*) nscmd "$2" "mdevctl $(task_args "$1")" ;;
	esac
}

parents_with_configs() { # parents that have a config directory, byte-sorted
	local d
	for d in "$1"/etc/mdevctl.d/*/; do
		d=${d%/}
		d=${d##*/}
		[ "$d" = scripts.d ] || [ "$d" = '*' ] || echo "$d"
	done
}

write_boot_scripts() { # TREE
	local t=$1 n
	n=$(basename "$t")
	parents_with_configs "$t" >"$WORK/parents-$n.txt"
	cat >"$WORK/boot-yard-$n.sh" <<EOF
for p in \$(cat $WORK/parents-$n.txt); do $BIN/min-boot $t "\$p"; done >/dev/null 2>&1
exit 0
EOF
	cat >"$WORK/boot-mdevctl-$n.sh" <<EOF
for p in \$(cat $WORK/parents-$n.txt); do mdevctl start-parent-mdevs "\$p"; done >/dev/null 2>&1
exit 0
EOF
	cat >"$WORK/boot-mdevadm-$n.sh" <<EOF
for p in \$(cat $WORK/parents-$n.txt); do $MDEVADM --root $t start-parent-mdevs "\$p"; done >/dev/null 2>&1
exit 0
EOF
	# how mdevadm.service boots: one process for every parent
	cat >"$WORK/boot-mdevadm-all-$n.sh" <<EOF
$MDEVADM --root $t start-parent-mdevs --all >/dev/null 2>&1
exit 0
EOF
}

# The boot pass writes UUIDs into the (plain-file) create attributes: empty them again.
reset_tree() { find "$1/sys/devices" -name create -type f -size +0 -exec truncate -s 0 {} +; }

# ---------------------------------------------------------------- expectations from the manifest
expect_list() { # active devices as mdevctl prints them
	awk -F'\t' '$1=="A"{a[$2]=$3" "$4} $1=="D"{d[$2]=$5}
		END{for(u in a) print u" "a[u]" "((u in d)?d[u]" (defined)":"manual")}' "$1/manifest.tsv" |
		sort -t' ' -k2,2 -k1,1
}
expect_listd_text() {
	awk -F'\t' '$1=="A"{a[$2]=1} $1=="D"{d[$2]=$3" "$4" "$5}
		END{for(u in d) print u" "d[u]((u in a)?" (active)":"")}' "$1/manifest.tsv" |
		sort -t' ' -k2,2 -k1,1
}
expect_listd_tsv() { awk -F'\t' -v OFS='\t' '$1=="D"{print $3,$2,$4,$5,$6}' "$1/manifest.tsv" | sort; }
json_to_tsv() {
	jq -r '(.[0] // {}) | to_entries[] | .key as $p | .value[] | to_entries[] |
		[$p, .key, .value.mdev_type, .value.start, (.value.attrs|tojson)] | @tsv' | sort
}
expect_types() {
	awk -F'\t' -v OFS='\t' '$1=="T"' "$1/manifest.tsv" | sort -t$'\t' -k2,2 -k3,3 |
		awk -F'\t' '{ if ($2 != p) { print $2; p = $2 }
			print "  " $3; print "    Available instances: " $4; print "    Device API: " $5
			if ($6 != "") print "    Name: " $6
			if ($7 != "") { d = $7; gsub(/\\n/, ", ", d); print "    Description: " d } }'
}
expect_boot_starts() { # auto, not active, type has available instances
	awk -F'\t' '$1=="T"{av[$2" "$3]=$4} $1=="A"{a[$2]=1}
		$1=="D" && $5=="auto" && !($2 in a) && av[$3" "$4]>0 {n++} END{print n+0}' "$1/manifest.tsv"
}
count_creates() { # strace -f log -> number of successful opens of a create attribute for writing
	grep -E 'open(at2?)?\(.*"([^"]*/)?create", (\{flags=)?O_WRONLY' "$1" | grep -vc '= -1' || true
}

FAILED_CHECKS=()
NOTES=()
check() { # NAME EXPECTED-FILE ACTUAL-FILE [fatal]
	if diff -q "$2" "$3" >/dev/null; then
		log "ok   $1 ($(wc -l <"$3") lines)"
		return 0
	fi
	log "FAIL $1: $(diff "$2" "$3" | grep -c '^[<>]') differing lines (diff $2 $3)"
	FAILED_CHECKS+=("$1")
	return 0
}
noblank() { sed '/^$/d'; }

# validate TREE: mdevctl, the yardsticks and mdevadm against the generator's manifest
validate() {
	local t=$1 n o
	n=$(basename "$t")
	o=$WORK/out/$n
	mkdir -p "$o"
	expect_list "$t" >"$o/exp.list"
	expect_listd_text "$t" >"$o/exp.listd.txt"
	expect_listd_tsv "$t" >"$o/exp.listd.tsv"
	expect_types "$t" >"$o/exp.types"
	nsrun "$t" "mdevctl list" | noblank >"$o/mdevctl.list"
	nsrun "$t" "mdevctl list -d" | noblank >"$o/mdevctl.listd.txt"
	nsrun "$t" "mdevctl list -d --dumpjson" >"$o/mdevctl.listd.json"
	nsrun "$t" "mdevctl types" | noblank >"$o/mdevctl.types"
	json_to_tsv <"$o/mdevctl.listd.json" >"$o/mdevctl.listd.tsv"
	check "$n mdevctl list" "$o/exp.list" "$o/mdevctl.list"
	check "$n mdevctl list -d" "$o/exp.listd.txt" "$o/mdevctl.listd.txt"
	check "$n mdevctl list -d --dumpjson" "$o/exp.listd.tsv" "$o/mdevctl.listd.tsv"
	check "$n mdevctl types" "$o/exp.types" "$o/mdevctl.types"
	"$BIN/min-list" "$t" >"$o/yard.list"
	"$BIN/min-list-defined" "$t" >"$o/yard.listd.json"
	"$BIN/min-types" "$t" >"$o/yard.types"
	json_to_tsv <"$o/yard.listd.json" >"$o/yard.listd.tsv"
	check "$n min-list" "$o/exp.list" "$o/yard.list"
	check "$n min-list-defined" "$o/exp.listd.tsv" "$o/yard.listd.tsv"
	check "$n min-types" "$o/exp.types" "$o/yard.types"
	cmp -s "$o/mdevctl.listd.json" "$o/yard.listd.json" ||
		NOTES+=("$n: min-list-defined JSON is not byte-identical to mdevctl's")
	local na nd nt
	na=$(wc -l <"$o/exp.list")
	nd=$(wc -l <"$o/exp.listd.tsv")
	nt=$(grep -c '^  [^ ]' "$o/exp.types" || true)
	log "$n: device counts: active mdevctl=$(wc -l <"$o/mdevctl.list") yardstick=$(wc -l <"$o/yard.list") expected=$na;" \
		"defined mdevctl=$(wc -l <"$o/mdevctl.listd.tsv") yardstick=$(wc -l <"$o/yard.listd.tsv") expected=$nd; types expected=$nt"
	if [ "$HAVE_MDEVADM" = 1 ]; then
		"$MDEVADM" --root "$t" list >"$o/mdevadm.list" 2>"$o/mdevadm.err" || true
		"$MDEVADM" --root "$t" list -d >"$o/mdevadm.listd.txt" 2>>"$o/mdevadm.err" || true
		"$MDEVADM" --root "$t" list -d --dumpjson >"$o/mdevadm.listd.json" 2>>"$o/mdevadm.err" || true
		"$MDEVADM" --root "$t" types >"$o/mdevadm.types" 2>>"$o/mdevadm.err" || true
		json_to_tsv <"$o/mdevadm.listd.json" >"$o/mdevadm.listd.tsv" 2>/dev/null || true
		check "$n mdevadm list" "$o/exp.list" "$o/mdevadm.list"
		check "$n mdevadm list -d" "$o/exp.listd.txt" "$o/mdevadm.listd.txt"
		check "$n mdevadm list -d --dumpjson" "$o/exp.listd.tsv" "$o/mdevadm.listd.tsv"
		check "$n mdevadm types" "$o/exp.types" "$o/mdevadm.types"
		cmp -s "$o/mdevctl.listd.json" "$o/mdevadm.listd.json" ||
			NOTES+=("$n: mdevadm's list -d --dumpjson is not byte-identical to mdevctl's")
	fi
}

# validate_boot TREE: each tool's boot pass must open the expected number of create attributes
declare -A BOOT_PASS_SECS BOOT_PER_PARENT
boot_check() { # TREE TOOL LABEL
	local t=$1 tool=$2 label=$3 n exp got start slog np est
	n=$(basename "$t")
	exp=$(cat "$WORK/out/$n.boot.expected")
	slog=$WORK/logs/boot-$tool-$n.strace
	np=$(wc -l <"$WORK/parents-$n.txt")
	# a tool that was slow on a smaller tree is not run on a bigger one
	if [ -n "${BOOT_PER_PARENT[$tool]:-}" ] &&
		awk -v v="${BOOT_PER_PARENT[$tool]}" -v m="$BOOT_MAX_PER_PARENT" 'BEGIN{exit !(v > m)}'; then
		est=$(awk -v p="${BOOT_PER_PARENT[$tool]}" -v n="$np" 'BEGIN{printf "%.0f", p*n}')
		BOOT_PASS_SECS[$tool,$n]=$est
		log "skip $n $label: one pass would take about $est s"
		NOTES+=("$n: $label not checked: it took ${BOOT_PER_PARENT[$tool]} s per parent on a smaller tree, one pass would take about $est s")
		return 0
	fi
	reset_tree "$t"
	start=$(date +%s.%N)
	if [ "$tool" = mdevctl ]; then
		nsrun "$t" "strace -f -qq -e trace=open,openat,openat2 -o $slog sh $WORK/boot-mdevctl-$n.sh"
	else
		strace -f -qq -e trace=open,openat,openat2 -o "$slog" sh "$WORK/boot-$tool-$n.sh"
	fi
	BOOT_PASS_SECS[$tool,$n]=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN{printf "%.2f", b-a}')
	BOOT_PER_PARENT[$tool]=$(awk -v v="${BOOT_PASS_SECS[$tool,$n]}" -v n="$np" 'BEGIN{print (n ? v/n : 0)}')
	got=$(count_creates "$slog")
	if [ "$got" = "$exp" ]; then
		log "ok   $n $label: $got creates, one pass ${BOOT_PASS_SECS[$tool,$n]} s under strace"
	else
		log "FAIL $n $label: $got creates, expected $exp (pass took ${BOOT_PASS_SECS[$tool,$n]} s)"
		FAILED_CHECKS+=("$n $label")
	fi
	reset_tree "$t"
}
validate_boot() {
	local t=$1 n
	n=$(basename "$t")
	write_boot_scripts "$t"
	expect_boot_starts "$t" >"$WORK/out/$n.boot.expected"
	boot_check "$t" yard min-boot
	boot_check "$t" mdevctl "mdevctl start-parent-mdevs"
	[ "$HAVE_MDEVADM" = 0 ] || boot_check "$t" mdevadm "mdevadm start-parent-mdevs"
	[ "$HAVE_MDEVADM" = 0 ] || boot_check "$t" mdevadm-all "mdevadm start-parent-mdevs --all"
}
# boot_slow TOOL: did its boot pass take more than BOOT_MAX_PER_PARENT s per parent? (not timed then)
boot_slow() {
	awk -v v="${BOOT_PER_PARENT[$1]:-0}" -v m="$BOOT_MAX_PER_PARENT" 'BEGIN{exit !(v > m)}'
}

# ---------------------------------------------------------------- trees
log "generating trees"
"$BIN/gen-tree" -s 7 -p 30 -t 4 -a 80 -d 80 "$WORK/small"
"$BIN/gen-tree" -p 0 -a 0 -d 0 "$WORK/empty"
for s in $SCALES; do
	start=$(date +%s.%N)
	"$BIN/gen-tree" -x "$s" "$WORK/x$s"
	log "x$s tree: $(head -1 "$WORK/x$s/manifest.tsv" | cut -f2) in $(echo "$(date +%s.%N) - $start" | bc | cut -c1-5) s"
done
# the empty tree needs one parent for a start-parent-mdevs baseline: none has configs, so none starts
mkdir -p "$WORK/empty/etc/mdevctl.d/none"

# ---------------------------------------------------------------- validation
log "validating outputs against the generator's manifest"
validate "$WORK/small"
validate_boot "$WORK/small"
for s in $SCALES; do
	validate "$WORK/x$s"
	validate_boot "$WORK/x$s"
done
if [ ${#FAILED_CHECKS[@]} -gt 0 ]; then
	log "validation failures: ${FAILED_CHECKS[*]}"
fi

# ---------------------------------------------------------------- timing
TOOLS="yard mdevctl"
[ "$HAVE_MDEVADM" = 1 ] && TOOLS="yard mdevadm mdevctl"
TASKS="list listd types boot"
declare -A MEAN SD MIN

hf() { # TASK SCALE
	local task=$1 s=$2 t=$WORK/x$2 runs warm csv tools=$TOOLS tool args=()
	if [ "$task" = boot ]; then
		runs=$BOOT_RUNS warm=1
		[ "$s" = 1 ] || runs=$BOOT_RUNS10
		tools=""
		for tool in $TOOLS; do
			if boot_slow "$tool"; then
				NOTES+=("boot pass x$s: $tool not timed: its boot pass took ${BOOT_PER_PARENT[$tool]} s per parent (> BOOT_MAX_PER_PARENT=$BOOT_MAX_PER_PARENT; x$s: ${BOOT_PASS_SECS[$tool,x$s]:-?} s)")
				log "boot x$s: skipping $tool (${BOOT_PER_PARENT[$tool]} s per parent)"
			else
				tools="$tools $tool"
			fi
		done
	elif [ "$s" = 1 ]; then
		runs=$RUNS warm=$WARMUP
	else
		runs=$RUNS10 warm=$WARMUP10
	fi
	[ "$task" = boot ] || [ "$HAVE_MDEVADM" = 0 ] || tools="$tools host"
	csv=$WORK/logs/hf-$task-x$s.csv
	for tool in $tools; do
		args+=(-n "$tool" "$("cmd_$tool" "$task" "$t")")
	done
	[ ${#args[@]} -gt 0 ] || return 0
	[ "$task" = boot ] && reset_tree "$t"
	log "hyperfine $task x$s ($runs runs)"
	hyperfine -N -i --style basic --warmup "$warm" --runs "$runs" --export-csv "$csv" "${args[@]}" \
		>"$WORK/logs/hf-$task-x$s.txt" 2>&1 || die "hyperfine failed: see $WORK/logs/hf-$task-x$s.txt"
	[ "$task" = boot ] && reset_tree "$t"
	while IFS=, read -r name mean sd _median _user _system min _max; do
		[ "$name" = command ] && continue
		MEAN[$task,$s,$name]=$mean
		SD[$task,$s,$name]=$sd
		MIN[$task,$s,$name]=$min
	done <"$csv"
}

# the namespace + two bind mounts + exec, measured alone, is subtracted from mdevctl's times
log "hyperfine: unshare + bind mounts overhead"
hyperfine -N -i --style basic --warmup 5 --runs 40 --export-csv "$WORK/logs/hf-ns.csv" \
	-n ns "$(nscmd "$WORK/x${SCALES%% *}" true)" >"$WORK/logs/hf-ns.txt" 2>&1
NS_MEAN=$(awk -F, 'NR==2{print $2}' "$WORK/logs/hf-ns.csv")
NS_SD=$(awk -F, 'NR==2{print $3}' "$WORK/logs/hf-ns.csv")
NS_MIN=$(awk -F, 'NR==2{print $7}' "$WORK/logs/hf-ns.csv")

declare -A ALL_MEAN ALL_SD ALL_MIN
for s in $SCALES; do
	write_boot_scripts "$WORK/x$s"
	for task in $TASKS; do
		hf "$task" "$s"
	done
	[ "$HAVE_MDEVADM" = 1 ] || continue
	csv=$WORK/logs/hf-bootall-x$s.csv
	runs=$BOOT_RUNS
	[ "$s" = 1 ] || runs=$BOOT_RUNS10
	reset_tree "$WORK/x$s"
	log "hyperfine boot --all x$s ($runs runs)"
	hyperfine -N -i --style basic --warmup 1 --runs "$runs" --export-csv "$csv" \
		-n all "sh $WORK/boot-mdevadm-all-x$s.sh" >"$WORK/logs/hf-bootall-x$s.txt" 2>&1 ||
		die "hyperfine failed: see $WORK/logs/hf-bootall-x$s.txt"
	reset_tree "$WORK/x$s"
	IFS=, read -r _ mean sd _ _ _ min _ < <(sed -n 2p "$csv")
	ALL_MEAN[$s]=$mean ALL_SD[$s]=$sd ALL_MIN[$s]=$min
done

# ---------------------------------------------------------------- instructions (callgrind) at 1x
declare -A IR
cg_one() { # LOGFILE CMD... -> total Ir
	valgrind --tool=callgrind --callgrind-out-file=/dev/null --log-file="$1" "${@:2}" >/dev/null 2>&1 || true
	awk '/Collected :/{print $NF}' "$1"
}
cg_sum() { awk '/Collected :/{s+=$NF; n++} END{if (n) print s}' "$@" 2>/dev/null || true; }
IRS=${SCALES%% *}
T1=$WORK/x$IRS
log "callgrind at x$IRS"
mkdir -p "$WORK/logs/cg"
for task in list listd types; do
	read -r -a targs <<<"$(task_args "$task")"
	# shellcheck disable=SC2046
	IR[$task,yard]=$(cg_one "$WORK/logs/cg/$task-yard" $(cmd_yard "$task" "$T1"))
	[ "$HAVE_MDEVADM" = 1 ] && IR[$task,mdevadm]=$(cg_one "$WORK/logs/cg/$task-mdevadm" "$MDEVADM" --root "$T1" "${targs[@]}")
	nsrun "$T1" "valgrind --tool=callgrind --callgrind-out-file=/dev/null --log-file=$WORK/logs/cg/$task-mdevctl mdevctl ${targs[*]}" \
		>/dev/null 2>&1 || true
	IR[$task,mdevctl]=$(cg_sum "$WORK/logs/cg/$task-mdevctl")
	if [ "$HAVE_MDEVADM" = 1 ]; then
		nsrun "$T1" "valgrind --tool=callgrind --callgrind-out-file=/dev/null --log-file=$WORK/logs/cg/$task-host $MDEVADM ${targs[*]}" \
			>/dev/null 2>&1 || true
		IR[$task,host]=$(cg_sum "$WORK/logs/cg/$task-host")
	fi
done
# boot pass: one callgrind per start-parent-mdevs, two at a time, summed
cgb() { # TOOL
	local tool=$1 d=$WORK/logs/cg/boot-$1 pre
	mkdir -p "$d"
	pre="valgrind --tool=callgrind --callgrind-out-file=/dev/null --log-file=$d/%q{CG_P}"
	case $tool in
	yard) CG_PRE=$pre xargs -P2 -I{} env CG_P={} sh -c "\$CG_PRE $BIN/min-boot $T1 \"\$CG_P\" >/dev/null 2>&1" \
		<"$WORK/parents-x$IRS.txt" || true ;;
	mdevadm) CG_PRE=$pre xargs -P2 -I{} env CG_P={} sh -c "\$CG_PRE $MDEVADM --root $T1 start-parent-mdevs \"\$CG_P\" >/dev/null 2>&1" \
		<"$WORK/parents-x$IRS.txt" || true ;;
	mdevctl) cat >"$WORK/cg-boot-mdevctl.sh" <<EOF
CG_PRE="$pre" xargs -P2 -I{} env CG_P={} sh -c "\\\$CG_PRE mdevctl start-parent-mdevs \"\\\$CG_P\" >/dev/null 2>&1" <$WORK/parents-x$IRS.txt
exit 0
EOF
		nsrun "$T1" "sh $WORK/cg-boot-mdevctl.sh" ;;
	esac
	IR[boot,$tool]=$(cg_sum "$d"/*)
}
reset_tree "$T1"
for tool in $TOOLS; do boot_slow "$tool" || cgb "$tool"; done
reset_tree "$T1"

# ---------------------------------------------------------------- syscalls (strace -c) at 1x
declare -A SC SC0
st_total() { awk '$NF=="total"{print $4}' "$1"; }
st_one() { # OUT TREE TASK TOOL -> total syscalls
	local out=$1 t=$2 task=$3 tool=$4 a
	read -r -a a <<<"$(task_args "$task")"
	case $tool in
	yard) # shellcheck disable=SC2046
		strace -f -c -o "$out" $(cmd_yard "$task" "$t") >/dev/null 2>&1 || true ;;
	mdevadm) strace -f -c -o "$out" "$MDEVADM" --root "$t" "${a[@]}" >/dev/null 2>&1 || true ;;
	mdevctl) nsrun "$t" "strace -f -c -o $out mdevctl ${a[*]}" >/dev/null 2>&1 || true ;;
	esac
	st_total "$out"
}
st_boot() { # DIR TREE TOOL PARENTS-FILE -> total syscalls over all start-parent-mdevs
	local d=$1 t=$2 tool=$3 pf=$4 i=0
	mkdir -p "$d"
	case $tool in
	yard | mdevadm)
		while read -r p; do
			i=$((i + 1))
			if [ "$tool" = yard ]; then
				strace -f -c -o "$d/$i" "$BIN/min-boot" "$t" "$p" >/dev/null 2>&1 || true
			else
				strace -f -c -o "$d/$i" "$MDEVADM" --root "$t" start-parent-mdevs "$p" >/dev/null 2>&1 || true
			fi
		done <"$pf" ;;
	mdevctl)
		cat >"$d.sh" <<EOF
i=0; while read -r p; do i=\$((i+1)); strace -f -c -o $d/\$i mdevctl start-parent-mdevs "\$p" >/dev/null 2>&1; done <$pf
exit 0
EOF
		nsrun "$t" "sh $d.sh" ;;
	esac
	awk '$NF=="total"{s+=$4} END{print s+0}' "$d"/*
}
log "strace -c at x$IRS"
mkdir -p "$WORK/logs/st"
echo none >"$WORK/parents-empty.txt"
for tool in $TOOLS; do
	for task in list listd types; do
		SC[$task,$tool]=$(st_one "$WORK/logs/st/$task-$tool" "$T1" "$task" "$tool")
		SC0[$task,$tool]=$(st_one "$WORK/logs/st/$task-$tool-empty" "$WORK/empty" "$task" "$tool")
	done
	boot_slow "$tool" && continue
	reset_tree "$T1"
	SC[boot,$tool]=$(st_boot "$WORK/logs/st/boot-$tool" "$T1" "$tool" "$WORK/parents-x$IRS.txt")
	SC0[boot,$tool]=$(st_boot "$WORK/logs/st/boot-$tool-empty" "$WORK/empty" "$tool" "$WORK/parents-empty.txt")
	reset_tree "$T1"
done

# ---------------------------------------------------------------- report
items() { # TASK SCALE -> number of items the task handles
	local m=$WORK/x$2/manifest.tsv
	case $1 in
	list) grep -c '^A' "$m" ;;
	listd | boot) grep -c '^D' "$m" ;;
	types) grep -c '^T' "$m" ;;
	esac
}
label() {
	case $1 in
	list) echo "list" ;;
	listd) echo "list -d --dumpjson" ;;
	types) echo "types" ;;
	boot) echo "boot pass (start-parent-mdevs per parent)" ;;
	esac
}
cell() { [ -n "${1:-}" ] && echo "$(ms "$1") ± $(ms "${2:-}") (min $(ms "${3:-}"))" || echo "–"; }
ms() { [ -n "${1:-}" ] && awk -v v="$1" 'BEGIN{printf "%.2f", v*1000}' || echo "–"; }
ratio() { [ -n "${1:-}" ] && [ -n "${2:-}" ] && awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.1f×", a/b; else print "–" }' || echo "–"; }
num() { [ -n "${1:-}" ] && awk -v v="$1" 'BEGIN{ if (v >= 1e6) printf "%.1f M", v/1e6; else if (v >= 1e3) printf "%.0f k", v/1e3; else printf "%d", v }' || echo "–"; }
per() { [ -n "${1:-}" ] && [ -n "${2:-}" ] && awk -v a="$1" -v b="$2" -v n="$3" 'BEGIN{ printf "%.1f", (a-b)/n }' || echo "–"; }

{
	echo "# mdevadm benchmark results"
	echo
	echo "Generated by \`bench/run.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, kernel $(uname -r)," \
		"mdevctl $MDEVCTL_VERSION (Debian), hyperfine $(hyperfine --version | awk '{print $2}'); trees on" \
		"$( [ "$MOUNTED" = 1 ] && echo tmpfs || echo "$(stat -f -c %T "$WORK")"); load average $LOAD_START at the" \
		"start, $(cut -d' ' -f1-3 /proc/loadavg) at the end (other work on the machine makes the times noisy)."
	echo "Trees from \`gen-tree\` (seed 1): x1 = 100 parents × 16 types, 1,000 active and 1,000 defined devices" \
		"(500 of them both); x10 = 1,000 parents × 16 types, 10,000 active, 10,000 defined."
	if [ "$HAVE_MDEVADM" = 1 ]; then
		echo "mdevadm: \`$MDEVADM\`."
	else
		echo
		echo "**mdevadm was not found** (\`$MDEVADM\`): its columns are empty. Set MDEVADM=path and rerun."
	fi
	echo
	echo "Wall time is hyperfine's mean ± standard deviation (and the fastest run, a steadier figure on a busy machine);" \
		"the ratios use the means. mdevctl ignores MDEVCTL_ENV_ROOT, so it runs in \`unshare -m\` with the tree" \
		"bind-mounted on /sys and /etc/mdevctl.d; that overhead alone ($(ms "$NS_MEAN") ± $(ms "$NS_SD") ms, min" \
		"$(ms "$NS_MIN")) is subtracted from the mdevctl column (its min from the min; once per boot pass: the loop runs inside one namespace)."
	echo "The boot pass runs one process per parent that has a config directory, sequentially, from a \`sh\` loop" \
		"(its fork/exec cost is part of every column). The mdevadm column runs it with \`--root\` on the tree," \
		"resolving every name inside it; the second table runs it on the real root, as mdevctl runs."
	echo
	echo "| task | scale | items | yardstick ms | mdevadm ms | mdevctl ms | mdevadm/yardstick | mdevctl/mdevadm | mdevctl/yardstick | Ir yardstick | Ir mdevadm | Ir mdevctl |"
	echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	for s in $SCALES; do
		for task in $TASKS; do
			y=${MEAN[$task,$s,yard]:-}
			am=${MEAN[$task,$s,mdevadm]:-}
			c=${MEAN[$task,$s,mdevctl]:-}
			cmin=${MIN[$task,$s,mdevctl]:-}
			[ -n "$c" ] && c=$(awk -v c="$c" -v ns="$NS_MEAN" 'BEGIN{printf "%.6f", c-ns}')
			[ -n "$cmin" ] && cmin=$(awk -v c="$cmin" -v ns="$NS_MIN" 'BEGIN{printf "%.6f", c-ns}')
			if [ "$s" = "$IRS" ]; then
				iy=$(num "${IR[$task,yard]:-}") ia=$(num "${IR[$task,mdevadm]:-}") ic=$(num "${IR[$task,mdevctl]:-}")
			else
				iy="" ia="" ic=""
			fi
			echo "| $(label "$task") | x$s | $(items "$task" "$s") | $(cell "$y" "${SD[$task,$s,yard]:-}" "${MIN[$task,$s,yard]:-}") |" \
				"$(cell "$am" "${SD[$task,$s,mdevadm]:-}" "${MIN[$task,$s,mdevadm]:-}") |" \
				"$(cell "$c" "${SD[$task,$s,mdevctl]:-}" "$cmin") |" \
				"$(ratio "$am" "$y") | $(ratio "$c" "$am") | $(ratio "$c" "$y") | ${iy} | ${ia} | ${ic} |"
		done
	done
	if [ "$HAVE_MDEVADM" = 1 ]; then
		echo
		echo "mdevadm on the real root, as it runs in production and as mdevctl runs here: no \`--root\`, in the" \
			"same namespace, its overhead subtracted."
		echo
		echo "| task | scale | mdevadm ms | mdevadm/yardstick | mdevctl/mdevadm | Ir mdevadm | Ir mdevctl/mdevadm |"
		echo "|---|---|---:|---:|---:|---:|---:|"
		for s in $SCALES; do
			for task in list listd types; do
				h=$(awk -v c="${MEAN[$task,$s,host]:-0}" -v ns="$NS_MEAN" 'BEGIN{printf "%.6f", c-ns}')
				hmin=$(awk -v c="${MIN[$task,$s,host]:-0}" -v ns="$NS_MIN" 'BEGIN{printf "%.6f", c-ns}')
				c=$(awk -v c="${MEAN[$task,$s,mdevctl]:-0}" -v ns="$NS_MEAN" 'BEGIN{printf "%.6f", c-ns}')
				ih="" ir=""
				if [ "$s" = "$IRS" ]; then
					ih=$(num "${IR[$task,host]:-}")
					ir=$(ratio "${IR[$task,mdevctl]:-}" "${IR[$task,host]:-}")
				fi
				echo "| $(label "$task") | x$s | $(cell "$h" "${SD[$task,$s,host]:-}" "$hmin") |" \
					"$(ratio "$h" "${MEAN[$task,$s,yard]:-}") | $(ratio "$c" "$h") | $ih | $ir |"
			done
		done
		echo
		printf 'The boot pass as mdevadm.service runs it, one `start-parent-mdevs --all` for every parent:'
		for s in $SCALES; do
			c=$(awk -v c="${MEAN[boot,$s,mdevctl]:-0}" -v ns="$NS_MEAN" 'BEGIN{printf "%.6f", c-ns}')
			printf ' x%s %s ms, %s faster than mdevctl'"'"'s per-parent pass;' "$s" \
				"$(cell "${ALL_MEAN[$s]}" "${ALL_SD[$s]}" "${ALL_MIN[$s]}")" "$(ratio "$c" "${ALL_MEAN[$s]}")"
		done | sed 's/;$/./'
		echo
	fi
	echo
	echo "Ir: user-space instructions counted by \`valgrind --tool=callgrind\` at x$IRS (the boot pass: summed over its" \
		"$(wc -l <"$WORK/parents-x$IRS.txt") processes)."
	echo
	echo "## System calls at x$IRS (\`strace -c -f\`)"
	echo
	echo "Per item = (calls on the x$IRS tree − calls on an empty tree) / items; items are active devices (list)," \
		"defined devices (list -d, boot), types (types). For the boot pass the empty-tree baseline is one" \
		"start-parent-mdevs of a parent without configs, counted once per process."
	echo
	echo "| task | items | yardstick calls | per item | mdevadm calls | per item | mdevctl calls | per item |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|"
	for task in $TASKS; do
		n=$(items "$task" "$IRS")
		np=$(wc -l <"$WORK/parents-x$IRS.txt")
		row="| $(label "$task") | $n |"
		for tool in yard mdevadm mdevctl; do
			tot=${SC[$task,$tool]:-}
			base=${SC0[$task,$tool]:-}
			[ "$task" = boot ] && [ -n "$base" ] && base=$((base * np))
			row="$row ${tot:-–} | $(per "$tot" "$base" "$n") |"
		done
		echo "$row"
	done
	echo
	echo "## Validation"
	echo
	if [ ${#FAILED_CHECKS[@]} -eq 0 ]; then
		echo "All outputs matched the generator's manifest: mdevctl and the yardsticks (and mdevadm if present) list" \
			"the same devices and types on the small tree and on $(for x in $SCALES; do printf 'x%s ' "$x"; done | sed 's/ $//; s/ /, /g'), and" \
			"each boot pass opened the expected number of \`create\` attributes."
	else
		echo "Failed checks: ${FAILED_CHECKS[*]} (see $WORK/out)."
	fi
	for n in "${NOTES[@]}"; do echo "- $n"; done
} >"$RESULTS.tmp"
mv "$RESULTS.tmp" "$RESULTS"
cat "$RESULTS"
log "results written to $RESULTS"

# a failed validation of mdevctl or a yardstick makes the numbers meaningless
for f in "${FAILED_CHECKS[@]}"; do
	case $f in *mdevadm*) ;; *) exit 1 ;; esac
done
exit 0
