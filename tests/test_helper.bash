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

# Valid UUIDs, each one digit repeated, so a mix-up is plain in any output. A test file may set
# its own.
U1=11111111-1111-4111-8111-111111111111
U2=22222222-2222-4222-8222-222222222222
U3=33333333-3333-4333-8333-333333333333
U4=44444444-4444-4444-8444-444444444444
U5=55555555-5555-4555-8555-555555555555
U6=66666666-6666-4666-8666-666666666666
U7=77777777-7777-4777-8777-777777777777
# any canonical (lower-case) UUID
UUID_RE='^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'

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

# Stops the renamer and the fake kernel if the test left them running; fails if the fake
# kernel had crashed.
common_teardown() {
	renamer_stop || true
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
# The result is left in _REL (no subshell: trees have hundreds of links).
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
	_REL=${rel:-.}
}

# _link TARGET LINK: symlink ROOT/LINK -> relative path to ROOT/TARGET (both relative to ROOT).
_link() {
	[ -d "$ROOT/${2%/*}" ] || mkdir -p "$ROOT/${2%/*}"
	_relpath "${2%/*}" "$1"
	ln -sfn "$_REL" "$ROOT/$2"
}

# _put FILE CONTENT: write CONTENT verbatim to ROOT/FILE, creating directories.
_put() {
	[ -d "$ROOT/${1%/*}" ] || mkdir -p "$ROOT/${1%/*}"
	printf '%s' "$2" >"$ROOT/$1"
}

# _template NAME BUILDER: copies into ROOT what the function BUILDER makes in an empty tree.
# Under bats the tree is built once per test file (in BATS_FILE_TMPDIR) and copied for each
# test: one cp instead of a hundred forks.  Elsewhere (gen-golden.sh) BUILDER runs on ROOT.
_template() {
	local tpl tmp
	if [ -z "${BATS_FILE_TMPDIR:-}" ]; then
		"$2"
		return
	fi
	tpl="$BATS_FILE_TMPDIR/template-$1"
	if [ ! -d "$tpl" ]; then
		tmp="$tpl.$BASHPID"
		mkdir -p "$tmp"
		ROOT="$tmp" "$2" || return
		# tests of one file may run in parallel (bats --jobs): the first one to finish wins
		mv -T "$tmp" "$tpl" 2>/dev/null || rm -rf "$tmp"
	fi
	cp -a "$tpl/." "$ROOT/"
}

# parent_path NAME: the parent's device directory relative to ROOT (sys/devices/...).
parent_path() {
	[ -L "$ROOT/sys/class/mdev_bus/$1" ] || _fail "no parent $1 under sys/class/mdev_bus" || return
	# cd -P resolves links without running realpath(1): one subshell, no exec
	(cd -P "$ROOT/sys/class/mdev_bus/$1" && real=$PWD && cd -P "$ROOT" &&
		printf '%s' "${real#"$PWD"/}")
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

# tdir PARENT TYPE: the type's directory; cfile PARENT TYPE: its create file (absolute paths)
tdir() { printf '%s/%s/mdev_supported_types/%s' "$ROOT" "$(parent_path "$1")" "$2"; }
cfile() { printf '%s/create' "$(tdir "$1" "$2")"; }

# cfg PARENT UUID: the path of a definition.
cfg() { printf '%s' "$ROOT/etc/mdevctl.d/$1/$2"; }

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

# mk_mtty: the mtty sample parent and its two types, as 6.12 registers them.
mk_mtty() { _template mtty _mk_mtty; }
_mk_mtty() {
	mk_parent mtty
	mk_type mtty mtty-1 24 vfio-pci "Single port serial"
	mk_type mtty mtty-2 12 vfio-pci "Dual port serial"
}

# mk_bare_mtty: mtty with one type, mtty-1: 24 available, vfio-pci, no name or description.
mk_bare_mtty() {
	mk_parent mtty
	mk_type mtty mtty-1 24
}

# mk_samples: mtty, mdpy and mbochs exactly as the 6.12 sample drivers register them.
mk_samples() { _template samples _mk_samples; }
_mk_samples() {
	_mk_mtty
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

# mk_holder PID NODE ARG...: a process PID (proc/PID in the tree) with NODE (/dev/...) open as
# its fd 5, and ARG... as its command line.
mk_holder() {
	local pid=$1 node=$2
	shift 2
	mkdir -p "$ROOT/proc/$pid/fd"
	ln -sfn /dev/null "$ROOT/proc/$pid/fd/0"
	ln -sfn "$node" "$ROOT/proc/$pid/fd/5"
	printf '%s\0' "$@" >"$ROOT/proc/$pid/cmdline"
	printf '%s\n' "${1##*/}" >"$ROOT/proc/$pid/comm"
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
	_TREE=$1 _template "tree-$1" _load_tree
}
_load_tree() {
	# shellcheck source=/dev/null
	. "$GOLDEN/$_TREE/tree.sh"
}

# -- PCI devices and IOMMU groups, as 6.12 shows them -----------------------------------------

# mk_pci BDF [DRIVER]: a PCI device under sys/devices/pciDDDD:BB, optionally bound to DRIVER.
mk_pci() {
	local bdf=$1 drv=${2-} dev="sys/devices/pci${1%:*.*}/$1"
	mkdir -p "$ROOT/$dev"
	_link sys/bus/pci "$dev/subsystem"
	_link "$dev" "sys/bus/pci/devices/$bdf"
	_put "$dev/uevent" "PCI_SLOT_NAME=$bdf"$'\n'
	_put "$dev/driver_override" $'(null)\n'
	if [ -n "$drv" ]; then
		_put "sys/bus/pci/drivers/$drv/unbind" ""
		_link "sys/bus/pci/drivers/$drv" "$dev/driver"
		_link "$dev" "sys/bus/pci/drivers/$drv/$bdf"
	fi
}

_pci_path() { printf 'sys/devices/pci%s/%s' "${1%:*.*}" "$1"; }

# mk_iommu_group N BDF...: a group behind a real IOMMU (intel-iommu): no `name`, type DMA-FQ,
# the MSI window reserved. The devices must exist (mk_pci).
mk_iommu_group() {
	local n=$1 g="sys/kernel/iommu_groups/$1" bdf
	shift
	mkdir -p "$ROOT/$g/devices"
	for bdf in "$@"; do
		_link "$(_pci_path "$bdf")" "$g/devices/$bdf"
		_link "$g" "$(_pci_path "$bdf")/iommu_group"
	done
	_put "$g/reserved_regions" $'0x00000000fee00000 0x00000000feefffff msi\n'
	_put "$g/type" $'DMA-FQ\n'
}

# _vfio_node NAME: sys/class/vfio/NAME, as VFIO registers a group's chardev.
_vfio_node() {
	_put "sys/devices/virtual/vfio/$1/dev" $'253:0\n'
	_link "sys/devices/virtual/vfio/$1" "sys/class/vfio/$1"
}

# _vfio_dev BDF CDEV: vfio-dev/vfioN under the device; CDEV=1 adds `dev` (a /dev/vfio/devices
# node), which no-IOMMU devices and kernels without VFIO_DEVICE_CDEV do not get.
_vfio_dev() {
	local dev n=0
	dev=$(_pci_path "$1")
	while [ -e "$ROOT/sys/class/vfio-dev/vfio$n" ]; do n=$((n + 1)); done
	mkdir -p "$ROOT/$dev/vfio-dev/vfio$n"
	[ "$2" != 1 ] || _put "$dev/vfio-dev/vfio$n/dev" "252:$n"$'\n'
	_link "$dev" "$dev/vfio-dev/vfio$n/device"
	_link sys/class/vfio-dev "$dev/vfio-dev/vfio$n/subsystem"
	_link "$dev/vfio-dev/vfio$n" "sys/class/vfio-dev/vfio$n"
}

# bind_vfio BDF: what `echo vfio-pci > driver_override; echo BDF > drivers_probe` left behind
# for a device in real IOMMU group N: driver link, /sys/class/vfio/N, vfio-dev with a cdev.
bind_vfio() {
	local dev n
	dev=$(_pci_path "$1")
	rm -f "$ROOT/$dev/driver"
	mk_pci "$1" vfio-pci
	_put "$dev/driver_override" $'vfio-pci\n'
	n=$(basename "$(readlink "$ROOT/$dev/iommu_group")")
	_vfio_node "$n"
	_vfio_dev "$1" 1
}

# mk_noiommu_group N BDF: BDF bound to vfio-pci with enable_unsafe_noiommu_mode=Y: a fake
# group named vfio-noiommu, type unknown, no reserved regions, /sys/class/vfio/noiommu-N,
# and a vfio-dev directory without a cdev.
mk_noiommu_group() {
	local g="sys/kernel/iommu_groups/$1" dev
	mk_pci "$2" vfio-pci
	dev=$(_pci_path "$2")
	_put "$dev/driver_override" $'vfio-pci\n'
	mkdir -p "$ROOT/$g/devices"
	_link "$dev" "$g/devices/$2"
	_link "$g" "$dev/iommu_group"
	_put "$g/name" $'vfio-noiommu\n'
	_put "$g/reserved_regions" ""
	_put "$g/type" $'unknown\n'
	_vfio_node "noiommu-$1"
	_vfio_dev "$2" 0
}

# -- running ----------------------------------------------------------------------------------

# run_exact [-N] CMD...: like bats `run --separate-stderr`, but $output and $stderr keep every
# byte, trailing newlines included (bats' run strips them). Also sets $stdout_file/$stderr_file.
# With -N, fails unless the exit status is N.
# _slurp VAR FILE: FILE's bytes, trailing newlines kept and NUL bytes dropped (as $(cat) does;
# _NULS counts them), read without a subshell or cat: run_exact runs some thousand times a suite.
_slurp() {
	local part all=
	_NULS=0
	while IFS= read -r -d '' part; do
		all+=$part
		_NULS=$((_NULS + 1))
	done <"$2"
	printf -v "$1" '%s' "$all$part"
}

run_exact() {
	local want=
	case "${1-}" in -[0-9]*) want=${1#-}; shift ;; esac
	stdout_file="$BATS_TEST_TMPDIR/run.stdout"
	stderr_file="$BATS_TEST_TMPDIR/run.stderr"
	status=0
	"$@" >"$stdout_file" 2>"$stderr_file" || status=$?
	_slurp output "$stdout_file"
	_slurp stderr "$stderr_file"
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

# oracle_norm ARGS...: Debian's mdevctl 1.2.0 on the fake root, normalised as golden/README.md
# says: text loses 1.2.0's extra trailing blank line, a lone "\n" becomes empty; JSON as is.
oracle_norm() {
	local out
	out=$(mdevctl_oracle "$@" 2>/dev/null; printf x)
	out=${out%x}
	if [ "$out" = $'\n' ]; then
		out=
	elif [[ $out == *$'\n\n' ]]; then
		out=${out%$'\n'}
	fi
	printf '%s' "$out"
}

# assert_same_as_oracle ARGS...: mdevadm ARGS (exit 0) prints exactly what the oracle prints.
assert_same_as_oracle() {
	local mine theirs
	run_exact -0 mdevadm "$@"
	mine=$output
	theirs=$(oracle_norm "$@"; printf x)
	theirs=${theirs%x}
	[ "$mine" = "$theirs" ] && return
	diff -u --label "mdevctl $*" --label "mdevadm $*" <(printf '%s' "$theirs") \
		<(printf '%s' "$mine") >&2
	return 1
}

# need_root WHAT: skip the test unless running as root.
need_root() {
	[ "$(id -u)" -eq 0 ] || skip "needs root: $1"
}

# need_jq: skip unless jq is installed.
need_jq() { command -v jq >/dev/null || skip "jq is not installed"; }

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

# renamer_start: renames a file back and forth as fast as it can, in the background. Any rename
# on the system bumps the kernel's rename sequence count, and openat2(RESOLVE_IN_ROOT) answers a
# lookup through ".." (every sysfs class or bus link) that raced with one with EAGAIN, which the
# caller is expected to retry. Busy machines rename files all the time.
renamer_start() {
	command -v python3 >/dev/null || skip "python3 is needed for a fast rename loop"
	python3 -c '
import os, sys
a = os.path.join(sys.argv[1], "a"); b = os.path.join(sys.argv[1], "b")
open(a, "w").close()
while True:
    os.rename(a, b); os.rename(b, a)
' "$BATS_TEST_TMPDIR" 3>&- &
	RENAMER_PID=$!
	sleep 0.2
}

# renamer_stop: stops and reaps the renamer; fails if it was no longer running, so a test that
# calls it knows the renames went on all along. No-op when not started.
renamer_stop() {
	[ -n "${RENAMER_PID-}" ] || return 0
	local pid=$RENAMER_PID rc=0
	RENAMER_PID=
	kill "$pid" 2>/dev/null || rc=$?
	wait "$pid" 2>/dev/null || true
	return "$rc"
}

# repeat_same N CMD...: runs CMD N times; each run must exit 0, print $want and warn nothing.
repeat_same() {
	local n=$1 i
	shift
	for ((i = 1; i <= n; i++)); do
		run_exact "$@"
		if [ "$status" -ne 0 ] || [ "$stderr" != "" ] || [ "$output" != "$want" ]; then
			_fail "run $i of $n: status $status" "stderr: $stderr" "stdout: $output"
			return 1
		fi
	done
}

# -- asserts ----------------------------------------------------------------------------------

# assert_file_content FILE EXPECTED: FILE holds exactly the bytes of EXPECTED.
assert_file_content() {
	local c
	[ -f "$1" ] || _fail "no such file: $1" || return
	_slurp c "$1"
	[ "$_NULS" -eq 0 ] && [ "$c" = "$2" ] && return
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

# assert_no_create_anywhere: no type's create file was written.
assert_no_create_anywhere() {
	local f
	while IFS= read -r f; do
		assert_no_write "$f" || return
	done < <(find "$ROOT/sys/devices" -name create -type f)
}

# assert_written FILE VALUE: FILE holds VALUE, optionally followed by one newline.
assert_written() {
	local c
	[ -f "$1" ] || _fail "no such file: $1" || return
	_slurp c "$1"
	[ "$c" = "$2" ] || [ "$c" = "$2"$'\n' ] || _fail "$1 holds '$c', expected '$2'"
}

# assert_cfg FILE TYPE START [NAME VALUE]...: FILE is exactly the pretty config mdevadm writes.
assert_cfg() {
	local f=$1 t=$2 s=$3 want
	shift 3
	want=$'{\n  "mdev_type": "'"$t"$'",\n  "start": "'"$s"$'",\n'
	if [ $# -eq 0 ]; then
		want+=$'  "attrs": []\n}\n'
	else
		want+=$'  "attrs": [\n'
		while [ $# -gt 0 ]; do
			want+=$'    {\n      "'"$1"$'": "'"$2"$'"\n    }'
			shift 2
			if [ $# -gt 0 ]; then want+=$',\n'; else want+=$'\n'; fi
		done
		want+=$'  ]\n}\n'
	fi
	assert_file_content "$f" "$want"
}

# assert_defined PARENT UUID TYPE START [NAME VALUE]...: the command printed nothing, and the
# definition of UUID on PARENT is exactly that pretty config (see assert_cfg).
assert_defined() {
	assert_quiet || return
	assert_cfg "$(cfg "$1" "$2")" "${@:3}"
}

# assert_quiet: $output and $stderr are both empty.
assert_quiet() {
	[ -z "$output" ] || _fail "unexpected stdout: '$output'" || return
	[ -z "$stderr" ] || _fail "unexpected stderr: '$stderr'"
}

# assert_stderr_line PATTERN: stderr is exactly one newline-terminated line matching PATTERN.
assert_stderr_line() {
	[[ $stderr == *$'\n' ]] || _fail "stderr is not one newline-terminated line: '$stderr'" || return
	local body=${stderr%$'\n'}
	[[ $body != *$'\n'* ]] || _fail "stderr has more than one line:" "$stderr" || return
	# shellcheck disable=SC2053
	[[ $body == $1 ]] || _fail "stderr does not match '$1':" "$stderr"
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
