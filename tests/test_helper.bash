# SPDX-License-Identifier: LGPL-2.1-or-later
# Shared bats helpers: a fake sysfs/config root shaped like Linux 6.12, the fake kernel, asserts.
#
# Load with `load test_helper`. The default setup/teardown call common_setup/common_teardown;
# a test file that defines its own must call them too. Every helper also works outside bats
# (gen-golden.sh sources this file) as long as ROOT is set.
#
# Paths given to the mk_* helpers are names, not paths; all symlinks they create are relative
# and computed from the link's own directory, exactly like the kernel's.

bats_require_minimum_version 1.5.0 2>/dev/null || true

# -- setup ------------------------------------------------------------------------------------

common_setup() {
	ROOT="$BATS_TEST_TMPDIR/root"
	mkdir -p "$ROOT"
	MDEVADM="${MDEVADM:-$BATS_TEST_DIRNAME/../src/mdevadm}"
	FAKEKERNEL="${FAKEKERNEL:-$BATS_TEST_DIRNAME/fakekernel}"
	GOLDEN="${GOLDEN:-$BATS_TEST_DIRNAME/golden}"
	FAKEKERNEL_CTL="$BATS_TEST_TMPDIR/fakekernel"
	FAKEKERNEL_PID=
}

# Stops the fake kernel if the test left it running; fails if it had crashed.
common_teardown() {
	fakekernel_stop
}

setup() { common_setup; }
teardown() { common_teardown; }

# The program under test, always pointed at the fake root.
mdevadm() { "$MDEVADM" --root "$ROOT" "$@"; }

_fail() {
	printf '%s\n' "$@" >&2
	return 1
}

# -- relative symlinks ------------------------------------------------------------------------

# _relpath FROMDIR TO: relative path from directory FROMDIR to TO (both normalised, relative to
# ROOT, no "." or ".." components). Like the kernel (kernfs_get_target_path), it climbs to the
# nearest ancestor of TO's directory, so a link to an ancestor reads ../../../UUID, not ../..
_relpath() {
	local -a f t
	local i=0 j rel=""
	IFS=/ read -ra f <<<"$1"
	IFS=/ read -ra t <<<"$2"
	while [ "$i" -lt "${#f[@]}" ] && [ "$i" -lt $((${#t[@]} - 1)) ] && [ "${f[i]}" = "${t[i]}" ]; do
		i=$((i + 1))
	done
	for ((j = i; j < ${#f[@]}; j++)); do rel+="../"; done
	for ((j = i; j < ${#t[@]}; j++)); do rel+="${t[j]}/"; done
	rel=${rel%/}
	printf '%s' "${rel:-.}"
}

# _link TARGET LINK: symlink ROOT/LINK -> relative path to ROOT/TARGET (both relative to ROOT).
_link() {
	mkdir -p "$ROOT/${2%/*}"
	ln -sfn "$(_relpath "${2%/*}" "$1")" "$ROOT/$2"
}

# _put FILE CONTENT: write CONTENT verbatim to ROOT/FILE, creating directories.
_put() {
	mkdir -p "$ROOT/${1%/*}"
	printf '%s' "$2" >"$ROOT/$1"
}

# parent_path NAME: the parent's device directory relative to ROOT (sys/devices/...).
parent_path() {
	local real rootreal
	[ -L "$ROOT/sys/class/mdev_bus/$1" ] || _fail "no parent $1 under sys/class/mdev_bus" || return
	real=$(realpath -e "$ROOT/sys/class/mdev_bus/$1") || return
	rootreal=$(realpath -e "$ROOT") || return
	printf '%s' "${real#"$rootreal"/}"
}

# _default_driver PARENT: the mdev driver name the fake kernel also uses: the parent's name for
# virtual (sample-like) parents, vfio_mdev for every other one.
_default_driver() {
	local p
	p=$(parent_path "$1") || return
	case "$p" in
	sys/devices/virtual/*) printf '%s' "${p##*/}" ;;
	*) printf 'vfio_mdev' ;;
	esac
}

# -- fake tree builders -----------------------------------------------------------------------

# mk_parent NAME [DEVDIR]: a parent at sys/devices/DEVDIR/NAME, registered in class/mdev_bus.
# DEVDIR is the directory holding the parent. Defaults: PCI names (DDDD:BB:DD.F) pciDDDD:BB,
# ccw names (0.0.26ab) css0, "matrix" vfio_ap, anything else virtual/NAME (like the samples).
mk_parent() {
	local name=$1 devdir=${2-} dev
	if [ -z "$devdir" ]; then
		if [[ $name =~ ^([0-9a-fA-F]{4}:[0-9a-fA-F]{2}):[0-9a-fA-F]{2}\.[0-7]$ ]]; then
			devdir="pci${BASH_REMATCH[1]}"
		elif [[ $name =~ ^[0-9a-fA-F]\.[0-9a-fA-F]\.[0-9a-fA-F]{4}$ ]]; then
			devdir=css0
		elif [ "$name" = matrix ]; then
			devdir=vfio_ap
		else
			devdir="virtual/$name"
		fi
	fi
	dev="sys/devices/$devdir/$name"
	# what the kernel has once the vfio, mdev and parent driver modules are loaded
	mkdir -p "$ROOT/$dev/mdev_supported_types" "$ROOT/sys/bus/mdev/devices" \
		"$ROOT/sys/kernel/iommu_groups" "$ROOT/sys/class/vfio" "$ROOT/sys/class/vfio-dev" \
		"$ROOT/sys/devices/virtual/vfio"
	case "$devdir" in
	virtual/*)
		mkdir -p "$ROOT/sys/bus/mdev/drivers/$name"
		_link "sys/class/${devdir#virtual/}" "$dev/subsystem"
		_link "$dev" "sys/class/${devdir#virtual/}/$name"
		_put "$dev/uevent" ""
		;;
	pci*)
		mkdir -p "$ROOT/sys/bus/mdev/drivers/vfio_mdev"
		_link sys/bus/pci "$dev/subsystem"
		_link "$dev" "sys/bus/pci/devices/$name"
		_put "$dev/uevent" "PCI_SLOT_NAME=$name"$'\n'
		;;
	*)
		mkdir -p "$ROOT/sys/bus/mdev/drivers/vfio_mdev"
		_put "$dev/uevent" ""
		;;
	esac
	_link "$dev" "sys/class/mdev_bus/$name"
}

# mk_type PARENT TYPE AVAIL [API [NAME [DESCRIPTION]]]: a supported type. API defaults to
# vfio-pci; an empty or missing NAME/DESCRIPTION leaves that file out. Each file gets a trailing
# newline, like the kernel's. `create` is an empty regular file: writes land in it.
mk_type() {
	local parent=$1 type=$2 avail=$3 api=${4:-vfio-pci} tname=${5-} desc=${6-} p t
	p=$(parent_path "$parent") || return
	t="$p/mdev_supported_types/$type"
	mkdir -p "$ROOT/$t/devices"
	_put "$t/available_instances" "$avail"$'\n'
	_put "$t/device_api" "$api"$'\n'
	[ -z "$tname" ] || _put "$t/name" "$tname"$'\n'
	[ -z "$desc" ] || _put "$t/description" "$desc"$'\n'
	_put "$t/create" ""
}

# mk_samples: mtty, mdpy and mbochs exactly as the 6.12 sample drivers register them.
mk_samples() {
	mk_parent mtty
	mk_type mtty mtty-1 24 vfio-pci "Single port serial"
	mk_type mtty mtty-2 12 vfio-pci "Dual port serial"
	mk_parent mdpy
	mk_type mdpy mdpy-vga 4 vfio-pci mdpy-vga "virtual display, 640x480 framebuffer"
	mk_type mdpy mdpy-xga 4 vfio-pci mdpy-xga "virtual display, 1024x768 framebuffer"
	mk_type mdpy mdpy-hd 4 vfio-pci mdpy-hd "virtual display, 1920x1080 framebuffer"
	mk_parent mbochs
	mk_type mbochs mbochs-small 64 vfio-pci mbochs-small "virtual display, 4 MB video memory"
	mk_type mbochs mbochs-medium 16 vfio-pci mbochs-medium "virtual display, 16 MB video memory"
	mk_type mbochs mbochs-large 4 vfio-pci mbochs-large "virtual display, 64 MB video memory"
}

# mk_active PARENT TYPE UUID [GROUP [DRIVER]]: an active mdev, as the kernel shows it after
# `echo UUID > create` (the UUID is lowercased; available_instances drops by one). With GROUP,
# also its emulated IOMMU group (sys/kernel/iommu_groups/GROUP, class/vfio/GROUP) and its
# vfio-dev cdev vfioN (lowest free N). DRIVER defaults to _default_driver.
mk_active() {
	local parent=$1 type=$2 uuid=${3,,} group=${4-} drv=${5-} p t dev avail n
	p=$(parent_path "$parent") || return
	t="$p/mdev_supported_types/$type"
	[ -d "$ROOT/$t" ] || _fail "mk_active: no type $type on $parent" || return
	[ -n "$drv" ] || drv=$(_default_driver "$parent")
	dev="$p/$uuid"
	mkdir -p "$ROOT/$dev/vendor" "$ROOT/sys/bus/mdev/drivers/$drv"
	_link "$t" "$dev/mdev_type"
	_put "$dev/remove" ""
	_link "sys/bus/mdev/drivers/$drv" "$dev/driver"
	_link sys/bus/mdev "$dev/subsystem"
	_put "$dev/uevent" "DRIVER=$drv"$'\n'
	if [ -n "$group" ]; then
		local g="sys/kernel/iommu_groups/$group"
		mkdir -p "$ROOT/$g/devices"
		_link "$dev" "$g/devices/$uuid"
		_put "$g/name" $'vfio-noiommu\n'
		_put "$g/reserved_regions" ""
		_put "$g/type" $'unknown\n'
		_link "$g" "$dev/iommu_group"
		n=$group
		[[ $n =~ ^[0-9]+$ ]] || n=0
		_put "sys/devices/virtual/vfio/$group/dev" "253:$n"$'\n'
		_put "sys/devices/virtual/vfio/$group/uevent" \
			"MAJOR=253"$'\n'"MINOR=$n"$'\n'"DEVNAME=vfio/$group"$'\n'
		_link "sys/devices/virtual/vfio/$group" "sys/class/vfio/$group"
		n=0
		while [ -e "$ROOT/sys/class/vfio-dev/vfio$n" ] || [ -L "$ROOT/sys/class/vfio-dev/vfio$n" ]; do
			n=$((n + 1))
		done
		_put "$dev/vfio-dev/vfio$n/dev" "252:$n"$'\n'
		_link "$dev" "$dev/vfio-dev/vfio$n/device"
		_link sys/class/vfio-dev "$dev/vfio-dev/vfio$n/subsystem"
		_link "$dev/vfio-dev/vfio$n" "sys/class/vfio-dev/vfio$n"
	fi
	_link "$dev" "$t/devices/$uuid"
	_link "$dev" "sys/bus/mdev/devices/$uuid"
	avail=$(<"$ROOT/$t/available_instances")
	[ "$avail" -le 0 ] || _put "$t/available_instances" "$((avail - 1))"$'\n'
}

# mk_config PARENT UUID JSON: write etc/mdevctl.d/PARENT/UUID verbatim (JSON "-": from stdin).
mk_config() {
	local cfg="etc/mdevctl.d/$1/$2"
	if [ "$3" = - ]; then
		mkdir -p "$ROOT/${cfg%/*}"
		cat >"$ROOT/$cfg"
	else
		_put "$cfg" "$3"
	fi
}

# mk_scriptdirs: the (empty) deprecated script directories mdevctl 1.2.0 insists on.
mk_scriptdirs() {
	mkdir -p "$ROOT/etc/mdevctl.d/scripts.d/callouts" "$ROOT/etc/mdevctl.d/scripts.d/notifiers"
}

# load_tree NAME: build golden tree NAME (tests/golden/NAME/tree.sh) in ROOT.
load_tree() {
	# shellcheck source=/dev/null
	. "$GOLDEN/$1/tree.sh"
}

# -- running ----------------------------------------------------------------------------------

# run_exact [-N] CMD...: like bats `run --separate-stderr`, but $output and $stderr keep every
# byte, trailing newlines included (bats' run strips them). Also sets $stdout_file/$stderr_file.
# With -N, fails unless the exit status is N.
run_exact() {
	local want=
	case "${1-}" in -[0-9]*) want=${1#-}; shift ;; esac
	stdout_file="$BATS_TEST_TMPDIR/run.stdout"
	stderr_file="$BATS_TEST_TMPDIR/run.stderr"
	status=0
	"$@" >"$stdout_file" 2>"$stderr_file" || status=$?
	output=$(cat "$stdout_file"; printf x)
	output=${output%x}
	stderr=$(cat "$stderr_file"; printf x)
	stderr=${stderr%x}
	if [ -n "$want" ] && [ "$status" -ne "$want" ]; then
		_fail "expected exit status $want, got $status" "stdout: $output" "stderr: $stderr"
	fi
}

# mdevctl_oracle ARGS...: Debian's mdevctl 1.2.0 on the fake root (it ignores
# MDEVCTL_ENV_ROOT), in a private mount namespace. Needs root; creates the script dirs.
mdevctl_oracle() {
	mk_scriptdirs
	mkdir -p "$ROOT/sys"
	# shellcheck disable=SC2016 # expanded by the inner sh
	unshare -m sh -c 'mount --bind "$0/sys" /sys && mount --bind "$0/etc/mdevctl.d" /etc/mdevctl.d &&
		exec mdevctl "$@"' "$ROOT" "$@"
}

# need_root WHAT: skip the test unless running as root.
need_root() {
	[ "$(id -u)" -eq 0 ] || skip "needs root: $1"
}

# need_oracle: skip unless Debian's mdevctl can run in a private mount namespace.
need_oracle() {
	need_root "mount namespace for mdevctl"
	command -v mdevctl >/dev/null || skip "mdevctl (the oracle) is not installed"
	unshare -m true 2>/dev/null || skip "cannot unshare a mount namespace here"
}

# tree_snapshot DIR: every path under DIR with its type, link target and file checksum, sorted;
# two trees built alike give identical snapshots wherever they live.
tree_snapshot() {
	(cd "$1" && find . -printf '%p %y %l\n' | LC_ALL=C sort &&
		find . -type f -exec md5sum {} + | LC_ALL=C sort -k2)
}

# -- asserts ----------------------------------------------------------------------------------

# assert_file_content FILE EXPECTED: FILE holds exactly the bytes of EXPECTED.
assert_file_content() {
	[ -f "$1" ] || _fail "no such file: $1" || return
	printf '%s' "$2" | cmp -s - "$1" && return
	diff -u --label expected --label "$1" <(printf '%s' "$2") "$1" >&2
	_fail "content of $1 differs (see diff above)"
}

# assert_output_file GOLDEN: $output equals the file GOLDEN byte for byte. Use run_exact, not
# bats' run: run drops trailing newlines, and they are part of what is compared.
assert_output_file() {
	[ -f "$1" ] || _fail "no golden file: $1" || return
	printf '%s' "$output" | cmp -s - "$1" && return
	diff -u --label "$1" --label output "$1" <(printf '%s' "$output") >&2
	_fail "output differs from $1 (see diff above)"
}

# assert_no_write FILE: FILE exists and is still empty (e.g. a fake `create` or `remove`).
assert_no_write() {
	[ -f "$1" ] || _fail "no such file: $1" || return
	[ ! -s "$1" ] || _fail "expected no write to $1, it holds: $(cat "$1")"
}

# wait_for PATH [TIMEOUT_S] / wait_for_gone PATH [TIMEOUT_S]: poll (10 ms) until PATH (a
# symlink counts) exists / no longer exists. Default timeout 5 s.
wait_for() {
	local i n=$((${2:-5} * 100))
	for ((i = 0; i < n; i++)); do
		[ ! -e "$1" ] && [ ! -L "$1" ] || return 0
		sleep 0.01
	done
	_fail "timed out waiting for $1"
}

wait_for_gone() {
	local i n=$((${2:-5} * 100))
	for ((i = 0; i < n; i++)); do
		[ -e "$1" ] || [ -L "$1" ] || return 0
		sleep 0.01
	done
	_fail "timed out waiting for $1 to go away"
}

# -- the fake kernel --------------------------------------------------------------------------

# The fake kernel (tests/fakekernel.c) answers writes to `create` and `remove` like the kernel,
# a moment after the write: wait for sys/bus/mdev/devices/UUID (made last) or call
# fakekernel_settle before looking, and settle between two writes to the same file.

# fakekernel_start: run the fake kernel on ROOT and wait until its watches are set. Its stdout
# goes to $FAKEKERNEL_CTL/out, its log (one line per create/remove) to $FAKEKERNEL_CTL/log.
fakekernel_start() {
	[ -x "$FAKEKERNEL" ] || _fail "fakekernel not built: $FAKEKERNEL" || return
	mkdir -p "$FAKEKERNEL_CTL"
	# 3>&-: bats waits for anything holding its fd 3.
	"$FAKEKERNEL" "$ROOT" "$FAKEKERNEL_CTL" >"$FAKEKERNEL_CTL/out" 2>"$FAKEKERNEL_CTL/log" 3>&- &
	FAKEKERNEL_PID=$!
	local i
	for ((i = 0; i < 500; i++)); do
		grep -qx ready "$FAKEKERNEL_CTL/out" 2>/dev/null && return 0
		kill -0 "$FAKEKERNEL_PID" 2>/dev/null || break
		sleep 0.01
	done
	cat "$FAKEKERNEL_CTL/log" >&2
	_fail "fakekernel did not get ready"
}

# fakekernel_attrs TYPE NAME[=VALUE]...: every device the fake kernel creates from now on with
# type TYPE gets these attribute files (empty, or holding VALUE), like vfio-ap's assign_adapter.
fakekernel_attrs() {
	local type=$1 a
	shift
	mkdir -p "$FAKEKERNEL_CTL/attrs/$type"
	for a in "$@"; do
		case "$a" in
		*=*) printf '%s' "${a#*=}" >"$FAKEKERNEL_CTL/attrs/$type/${a%%=*}" ;;
		*) : >"$FAKEKERNEL_CTL/attrs/$type/$a" ;;
		esac
	done
}

# fakekernel_settle: return once the fake kernel has handled every write made before the call.
fakekernel_settle() {
	[ -n "${FAKEKERNEL_PID-}" ] || _fail "fakekernel is not running" || return
	FAKEKERNEL_SEQ=$((${FAKEKERNEL_SEQ:-0} + 1))
	local token="$FAKEKERNEL_PID.$FAKEKERNEL_SEQ" i
	printf '%s\n' "$token" >"$FAKEKERNEL_CTL/ping"
	for ((i = 0; i < 500; i++)); do
		[ "$(cat "$FAKEKERNEL_CTL/pong" 2>/dev/null)" != "$token" ] || return 0
		sleep 0.01
	done
	_fail "fakekernel did not settle"
}

# fakekernel_stop: SIGTERM and reap it; fails if it did not exit 0. No-op when not running.
fakekernel_stop() {
	[ -n "${FAKEKERNEL_PID-}" ] || return 0
	local pid=$FAKEKERNEL_PID rc=0
	FAKEKERNEL_PID=
	kill -TERM "$pid" 2>/dev/null || true
	wait "$pid" || rc=$?
	[ "$rc" -eq 0 ] || _fail "fakekernel exited with status $rc" "$(cat "$FAKEKERNEL_CTL/log")"
}
