#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# Hostile names and links: parent, type and attribute names that try to leave their directory,
# and symlinks in the fake tree that point outside ROOT. mdevadm must never write (or read
# configs) outside ROOT: it refuses with one clear line, or skips what it cannot trust.

load test_helper

U1=6f9ab6c2-1d3e-4a5b-8c7d-0e1f2a3b4c5d
U2=0b1e8e1c-2a6f-4d53-9a51-8d4e1d2f6a01

# Names that are not one path component. `../../tmp/x` from etc/mdevctl.d stays inside ROOT
# lexically; `../../../escape` would land in BATS_TEST_TMPDIR, outside ROOT.
BAD_NAMES=('../../tmp/x' '../../../escape' '..' '.' 'a/b' '' '/etc' 'x/' '/')

setup() {
	common_setup
	OUT="$BATS_TEST_TMPDIR/outside"
	mkdir -p "$OUT"
	printf '%s' '{"mdev_type":"mtty-1","start":"auto","attrs":[]}' >"$OUT/victim"
	# an outside directory shaped like a config dir and a sysfs parent, to lure writes
	mkdir -p "$OUT/mtty/mdev_supported_types/mtty-1"
	printf '%s' '{"mdev_type":"mtty-1","start":"auto","attrs":[]}' >"$OUT/$U1"
	printf '5\n' >"$OUT/mtty/mdev_supported_types/mtty-1/available_instances"
	printf 'vfio-pci\n' >"$OUT/mtty/mdev_supported_types/mtty-1/device_api"
	: >"$OUT/mtty/mdev_supported_types/mtty-1/create"
	OUT_BEFORE=$(tree_snapshot "$OUT")
}

# outside_untouched: nothing outside ROOT was created, changed or removed.
outside_untouched() {
	[ "$(tree_snapshot "$OUT")" = "$OUT_BEFORE" ] || _fail "the outside directory changed:" \
		"$(diff <(printf '%s\n' "$OUT_BEFORE") <(tree_snapshot "$OUT"))" || return
	local extra
	# shellcheck disable=SC2010
	extra=$(ls -A "$BATS_TEST_TMPDIR" | grep -Evx 'root|outside|run\.stdout|run\.stderr|fakekernel' || true)
	[ -z "$extra" ] || _fail "written next to ROOT: $extra"
}

# no_configs: no definition file anywhere under ROOT/etc.
no_configs() {
	local left
	left=$(find "$ROOT/etc" \( -type f -o -type l \) 2>/dev/null || true)
	[ -z "$left" ] || _fail "unexpected config files:" "$left"
}

# -- names on the command line ------------------------------------------------------------------

@test "hostile: define -p with a name that is not one path component is a usage error" {
	mk_samples
	for p in "${BAD_NAMES[@]}" "$(printf 'p%.0s' {1..256})"; do
		run_exact -2 mdevadm define -u "$U1" -p "$p" -t mtty-1
		[ -z "$output" ]
		assert_stderr_line "mdevadm define: invalid parent name '$p'*"
		run_exact -2 mdevadm define -p "$p" -t mtty-1
		[ -z "$output" ]
	done
	no_configs
	[ ! -e "$ROOT/tmp" ]
	outside_untouched
}

@test "hostile: define -t with a hostile type name is a usage error" {
	mk_samples
	for t in "${BAD_NAMES[@]}"; do
		run_exact -2 mdevadm define -u "$U1" -p mtty -t "$t"
		[ -z "$output" ]
		assert_stderr_line "mdevadm define: invalid type name '$t'*"
	done
	no_configs
	outside_untouched
}

@test "hostile: define --jsonfile with a hostile mdev_type or attribute name writes nothing" {
	mk_samples
	for j in '{"mdev_type":"../../../escape"}' '{"mdev_type":"a/b"}' '{"mdev_type":".."}' \
		'{"mdev_type":""}'; do
		run_exact -1 mdevadm define -u "$U1" -p mtty --jsonfile - <<<"$j"
		[ -z "$output" ]
		assert_stderr_line "*invalid config in -: invalid mdev_type*"
	done
	for a in '../../x' '/etc/x' '..' '.' '' 'a/b'; do
		run_exact -1 mdevadm define -u "$U1" -p mtty --jsonfile - \
			<<<'{"mdev_type":"mtty-1","attrs":[{"'"$a"'":"1"}]}'
		[ -z "$output" ]
		assert_stderr_line "*invalid config in -: attrs?0? has invalid attribute name '$a'"
	done
	no_configs
	outside_untouched
}

@test "hostile: modify -p/-t/--addattr with hostile names is a usage error, config untouched" {
	mk_samples
	mk_config mtty "$U1" '{"mdev_type":"mtty-1","start":"manual","attrs":[]}'
	for n in "${BAD_NAMES[@]}"; do
		run_exact -2 mdevadm modify -u "$U1" -p "$n" -a
		assert_stderr_line "mdevadm modify: invalid parent name '$n'*"
		run_exact -2 mdevadm modify -u "$U1" -t "$n"
		assert_stderr_line "mdevadm modify: invalid type name '$n'*"
		run_exact -2 mdevadm modify -u "$U1" --addattr "$n" --value 1
		assert_stderr_line "mdevadm modify: invalid attribute name '$n'*"
		run_exact -2 mdevadm modify -u "$U1" --addattr "$n" --value 1 -i 0
		[ -z "$output" ]
	done
	assert_file_content "$(cfg mtty "$U1")" '{"mdev_type":"mtty-1","start":"manual","attrs":[]}'
	outside_untouched
}

@test "hostile: modify --jsonfile with a hostile attribute name keeps the old config" {
	mk_samples
	mk_config mtty "$U1" '{"mdev_type":"mtty-1","start":"manual","attrs":[]}'
	run_exact -1 mdevadm modify -u "$U1" -p mtty --jsonfile - \
		<<<'{"mdev_type":"mtty-1","attrs":[{"ok":"1"},{"../../../../etc/passwd":"x"}]}'
	[ -z "$output" ]
	assert_stderr_line "*attrs?1? has invalid attribute name '../../../../etc/passwd'"
	assert_file_content "$(cfg mtty "$U1")" '{"mdev_type":"mtty-1","start":"manual","attrs":[]}'
}

@test "hostile: undefine -p with a hostile name is refused and deletes nothing" {
	mk_samples
	mk_config mtty "$U1" '{"mdev_type":"mtty-1","start":"manual","attrs":[]}'
	for p in "${BAD_NAMES[@]}" '../../../outside'; do
		run_exact -2 mdevadm undefine -u "$U1" -p "$p"
		[ -z "$output" ]
		assert_stderr_line "mdevadm undefine: invalid parent name '$p'*"
	done
	[ -e "$(cfg mtty "$U1")" ]
	[ -e "$OUT/$U1" ]
	outside_untouched
}

@test "hostile: list, types, start and start-parent-mdevs refuse hostile parent names" {
	mk_samples
	for p in "${BAD_NAMES[@]}"; do
		run_exact -2 mdevadm list -p "$p"
		assert_stderr_line "mdevadm list: invalid parent name '$p'*"
		run_exact -2 mdevadm list -d -p "$p"
		[ -z "$output" ]
		run_exact -2 mdevadm types -p "$p"
		assert_stderr_line "mdevadm types: invalid parent name '$p'*"
		run_exact -2 mdevadm start -p "$p" -t mtty-1
		assert_stderr_line "mdevadm start: invalid parent name '$p'*"
		run_exact -2 mdevadm start-parent-mdevs "$p"
		assert_stderr_line "*invalid parent name '$p'*"
	done
	run_exact -2 mdevadm start -p mtty -t ../../../outside/mtty/mdev_supported_types/mtty-1
	assert_stderr_line "mdevadm start: invalid type name*"
	assert_no_write "$ROOT/sys/devices/virtual/mtty/mtty/mdev_supported_types/mtty-1/create"
	outside_untouched
}

@test "hostile: start of a definition with a hostile attribute name creates nothing" {
	mk_samples
	mk_config mtty "$U1" '{"mdev_type":"mtty-1","start":"auto","attrs":[{"../../../../../outside/victim":"x"}]}'
	run_exact -1 mdevadm start -u "$U1"
	[ -z "$output" ]
	assert_stderr_line "*cannot start $U1: invalid config /etc/mdevctl.d/mtty/$U1: attrs?0? has invalid attribute name*"
	assert_no_write "$ROOT/sys/devices/virtual/mtty/mtty/mdev_supported_types/mtty-1/create"
	run_exact -1 mdevadm start -p mtty -u "$U2" --jsonfile - <<<'{"mdev_type":"mtty-1","attrs":[{"/etc/x":"1"}]}'
	assert_stderr_line "*attrs?0? has invalid attribute name '/etc/x'"
	assert_no_write "$ROOT/sys/devices/virtual/mtty/mtty/mdev_supported_types/mtty-1/create"
	outside_untouched
}

@test "hostile: scripts.d is not a parent a definition can be written to" {
	mk_samples
	mk_scriptdirs
	run_exact mdevadm define -u "$U1" -p scripts.d -t mtty-1
	[ "$status" -ne 0 ]
	[ -z "$output" ]
	assert_stderr_line "*invalid parent name 'scripts.d'*"
	[ ! -e "$(cfg scripts.d "$U1")" ]
}

@test "hostile: a parent name starting with a dot is either refused or fully visible" {
	# ".hidden" is one valid path component; if define accepts it, list -d and undefine
	# without -p must see the definition too (no invisible, undeletable configs)
	mk_samples
	run_exact mdevadm define -u "$U1" -p .hidden -t mtty-1
	if [ "$status" -eq 0 ]; then
		run_exact -0 mdevadm list -d
		[ "$output" = "$U1 .hidden mtty-1 manual"$'\n' ] ||
			_fail "defined on .hidden but list -d shows: '$output'"
		run_exact -0 mdevadm undefine -u "$U1"
		[ ! -e "$(cfg .hidden "$U1")" ]
	else
		[ "$status" -eq 2 ]
		assert_stderr_line "*invalid parent name '.hidden'*"
		no_configs
	fi
}

@test "hostile: modify --addattr with a non-UTF-8 name is refused, the config stays readable" {
	# jansson cannot hold a non-UTF-8 key: accepting it would store an empty {} entry and make
	# the whole definition unreadable; mdevctl refuses such arguments with exit status 2
	mk_samples
	mk_config mtty "$U1" '{"mdev_type":"mtty-1","start":"manual","attrs":[{"a":"1"}]}'
	run_exact mdevadm modify -u "$U1" --addattr $'n\xff' --value 1
	assert_file_content "$(cfg mtty "$U1")" '{"mdev_type":"mtty-1","start":"manual","attrs":[{"a":"1"}]}'
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	run_exact -0 mdevadm list -d
	[ "$output" = "$U1 mtty mtty-1 manual"$'\n' ]
	[ -z "$stderr" ]
}

@test "hostile: a non-UTF-8 --value is refused, not silently rewritten" {
	mk_samples
	mk_config mtty "$U1" '{"mdev_type":"mtty-1","start":"manual","attrs":[]}'
	run_exact mdevadm modify -u "$U1" --addattr x --value $'a\xffb'
	assert_file_content "$(cfg mtty "$U1")" '{"mdev_type":"mtty-1","start":"manual","attrs":[]}'
	[ "$status" -eq 2 ]
	[ -z "$output" ]
}

@test "hostile: a non-UTF-8 type name is refused, not stored as another type" {
	mk_samples
	run_exact mdevadm define -u "$U1" -p mtty -t $'mtty-1\xff'
	no_configs
	[ "$status" -eq 2 ]
	[ -z "$output" ]
}

# -- symlinks out of ROOT -----------------------------------------------------------------------

@test "hostile: etc/mdevctl.d -> absolute outside dir: define fails clearly, nothing outside" {
	mk_samples
	mkdir -p "$ROOT/etc"
	ln -s "$OUT" "$ROOT/etc/mdevctl.d"
	run_exact -1 mdevadm define -u "$U2" -p mtty -t mtty-1
	[ -z "$output" ]
	assert_stderr_line "*cannot define $U2: cannot create /etc/mdevctl.d/mtty: *"
	run_exact -1 mdevadm define -p mtty -t mtty-1
	[ -z "$output" ]
	outside_untouched
}

@test "hostile: etc/mdevctl.d -> ../../.. escaping link: define fails, nothing outside" {
	mk_samples
	mkdir -p "$ROOT/etc"
	ln -s "../../../../../../../../../../../..$OUT" "$ROOT/etc/mdevctl.d"
	run_exact -1 mdevadm define -u "$U2" -p mtty -t mtty-1
	[ -z "$output" ]
	assert_stderr_line "*cannot define $U2: cannot create /etc/mdevctl.d/mtty: *"
	outside_untouched
}

@test "hostile: configs behind an etc/mdevctl.d link out of ROOT are never read or changed" {
	mk_samples
	mkdir -p "$OUT/cfg/mtty"
	printf '%s' '{"mdev_type":"mtty-1","start":"auto","attrs":[]}' >"$OUT/cfg/mtty/$U1"
	OUT_BEFORE=$(tree_snapshot "$OUT")
	mkdir -p "$ROOT/etc"
	ln -s "$OUT/cfg" "$ROOT/etc/mdevctl.d"
	run_exact -0 mdevadm list -d
	[ -z "$output" ]
	run_exact -1 mdevadm modify -u "$U1" -a
	assert_stderr_line "*cannot modify $U1: not defined"
	run_exact -1 mdevadm modify -u "$U1" -p mtty --jsonfile - <<<'{"mdev_type":"evil"}'
	assert_stderr_line "*cannot modify $U1: not defined on mtty"
	run_exact -1 mdevadm undefine -u "$U1"
	assert_stderr_line "*cannot undefine $U1: not defined"
	run_exact -1 mdevadm start -u "$U1"
	[ -z "$output" ]
	outside_untouched
}

@test "hostile: a parent config dir linking out of ROOT is not followed" {
	mk_samples
	mkdir -p "$ROOT/etc/mdevctl.d"
	ln -s "$OUT" "$ROOT/etc/mdevctl.d/mtty"
	run_exact -0 mdevadm list -d
	[ -z "$output" ]
	assert_stderr_line "mdevadm: warning: ignoring /etc/mdevctl.d/mtty: a symbolic link, never followed"
	run_exact -1 mdevadm define -u "$U2" -p mtty -t mtty-1
	assert_stderr_line "*cannot define $U2: /etc/mdevctl.d/mtty is a symbolic link, never followed"
	run_exact -1 mdevadm undefine -u "$U1" -p mtty
	assert_stderr_line "*cannot look in /etc/mdevctl.d/mtty: a symbolic link, never followed"
	run_exact -1 mdevadm modify -u "$U1" -p mtty -a
	assert_stderr_line "*cannot look in /etc/mdevctl.d/mtty: a symbolic link, never followed"
	outside_untouched
}

# A parent's config directory that is a link inside ROOT: define once wrote through it while
# list -d and undefine ignored it, so a definition could neither be seen nor removed.  Every
# command now treats it one way: never followed, with a message naming it.
@test "hostile: a parent config dir linking inside ROOT is never followed, by any command" {
	mk_samples
	mkdir -p "$ROOT/etc/real" "$ROOT/etc/mdevctl.d"
	ln -s ../real "$ROOT/etc/mdevctl.d/mtty"
	local warn="mdevadm: warning: ignoring /etc/mdevctl.d/mtty: a symbolic link, never followed"
	local refuse="/etc/mdevctl.d/mtty is a symbolic link, never followed"
	run_exact -1 mdevadm define -u "$U2" -p mtty -t mtty-1
	assert_stderr_line "mdevadm: cannot define $U2: $refuse"
	[ -z "$(ls -A "$ROOT/etc/real")" ]
	# one put there behind mdevadm's back is not listed, started, changed or removed
	printf '%s' '{"mdev_type":"mtty-1","start":"auto","attrs":[]}' >"$ROOT/etc/real/$U1"
	run_exact -0 mdevadm list -d
	[ -z "$output" ]
	assert_stderr_line "$warn"
	run_exact -0 mdevadm list -d -p mtty
	assert_stderr_line "$warn"
	for cmd in undefine "modify -a" start; do
		# shellcheck disable=SC2086
		run_exact -1 mdevadm $cmd -u "$U1" -p mtty
		assert_stderr_line "*cannot look in /etc/mdevctl.d/mtty: a symbolic link, never followed"
	done
	run_exact -1 mdevadm undefine -u "$U1"
	[[ $stderr == "$warn"$'\n'* ]]
	run_exact -0 mdevadm start-parent-mdevs mtty
	assert_no_write "$(cfile mtty mtty-1)"
	[ -f "$ROOT/etc/real/$U1" ]
}

# -- files that are not files -------------------------------------------------------------------

# A FIFO where a sysfs attribute should be (an image inspected with --root) once blocked the
# read forever.  Attributes are regular files: anything else is refused with a message.
@test "hostile: a FIFO as a type's attribute is refused, types and start do not block" {
	mk_samples
	rm "$(tdir mtty mtty-1)/available_instances" "$(tdir mtty mtty-2)/name"
	mkfifo "$(tdir mtty mtty-1)/available_instances" "$(tdir mtty mtty-2)/name"
	run_exact -0 timeout 10 "$MDEVADM" --root "$ROOT" types -p mtty
	[ "$output" = $'mtty\n' ]
	[ "$stderr" = "mdevadm: warning: skipping type mtty-1 of parent mtty: cannot read its attributes: not a regular file
mdevadm: warning: skipping type mtty-2 of parent mtty: cannot read its attributes: not a regular file"$'\n' ]
	run_exact -1 timeout 10 "$MDEVADM" --root "$ROOT" start -u "$U1" -p mtty -t mtty-1
	assert_stderr_line "mdevadm: cannot start $U1: cannot read available instances of mtty-1 on mtty: not a regular file"
}

@test "hostile: a FIFO as create or remove is refused, start and stop do not block" {
	mk_samples
	rm "$(cfile mtty mtty-1)"
	mkfifo "$(cfile mtty mtty-1)"
	run_exact -1 timeout 10 "$MDEVADM" --root "$ROOT" start -u "$U1" -p mtty -t mtty-1
	assert_stderr_line "mdevadm: cannot create $U1 (mtty-1 on mtty): not a regular file"
	mk_active mtty mtty-2 "$U2"
	rm "$ROOT/sys/bus/mdev/devices/$U2/remove"
	mkfifo "$ROOT/sys/bus/mdev/devices/$U2/remove"
	run_exact -1 timeout 10 "$MDEVADM" --root "$ROOT" stop -u "$U2"
	assert_stderr_line "mdevadm: cannot stop $U2: not a regular file"
}

@test "hostile: FIFOs in IOMMU groups and a holder's cmdline do not block groups or stop" {
	mk_pci 0000:00:02.0
	mk_iommu_group 2 0000:00:02.0
	rm "$ROOT/sys/kernel/iommu_groups/2/reserved_regions" "$ROOT/sys/kernel/iommu_groups/2/type"
	mkfifo "$ROOT/sys/kernel/iommu_groups/2/reserved_regions" "$ROOT/sys/kernel/iommu_groups/2/type"
	run_exact -0 timeout 10 "$MDEVADM" --root "$ROOT" groups
	[[ $stderr == *"ignoring /sys/kernel/iommu_groups/2/reserved_regions: not a regular file"* ]]
	mk_samples
	mk_active mtty mtty-2 "$U2" 4
	mk_holder 4242 /dev/vfio/4 qemu-system-x86_64
	rm "$ROOT/proc/4242/cmdline"
	mkfifo "$ROOT/proc/4242/cmdline"
	run_exact -1 timeout 10 "$MDEVADM" --root "$ROOT" stop -u "$U2"
	assert_stderr_line "mdevadm: cannot stop $U2: in use by 4242 (qemu-system-x86_64)*"
}

@test "hostile: a config file that is a symlink out of ROOT is skipped by list, never followed" {
	mk_samples
	mk_config mtty "$U2" '{"mdev_type":"mtty-2","start":"manual","attrs":[]}'
	mkdir -p "$ROOT/etc/mdevctl.d/mtty"
	ln -s "$OUT/victim" "$(cfg mtty "$U1")"
	run_exact -0 mdevadm list -d
	[ "$output" = "$U2 mtty mtty-2 manual"$'\n' ]
	assert_stderr_line "mdevadm: warning: skipping unreadable config /etc/mdevctl.d/mtty/$U1: it is a symbolic link"
	run_exact -1 mdevadm modify -u "$U1" -a
	assert_stderr_line "*cannot modify $U1: unreadable config /etc/mdevctl.d/mtty/$U1: it is a symbolic link"
	run_exact -1 mdevadm define -u "$U1" -p mtty -t mtty-1
	assert_stderr_line "*refusing to overwrite existing config for mtty/$U1"
	run_exact -1 mdevadm start -u "$U1"
	assert_stderr_line "*cannot start $U1: unreadable config /etc/mdevctl.d/mtty/$U1: it is a symbolic link"
	assert_no_write "$ROOT/sys/devices/virtual/mtty/mtty/mdev_supported_types/mtty-1/create"
	[ -L "$(cfg mtty "$U1")" ]
	outside_untouched
}

@test "hostile: modify --jsonfile replaces a symlinked config, not the file it points to" {
	mk_samples
	mkdir -p "$ROOT/etc/mdevctl.d/mtty"
	ln -s "$OUT/victim" "$(cfg mtty "$U1")"
	run_exact -0 mdevadm modify -u "$U1" -p mtty --jsonfile - <<<'{"mdev_type":"mtty-2"}'
	[ -z "$output" ]
	[ ! -L "$(cfg mtty "$U1")" ]
	assert_file_content "$(cfg mtty "$U1")" $'{\n  "mdev_type": "mtty-2",\n  "start": "manual",\n  "attrs": []\n}\n'
	outside_untouched
}

@test "hostile: undefine of a symlinked config removes the link, not its target" {
	mk_samples
	mkdir -p "$ROOT/etc/mdevctl.d/mtty"
	ln -s "$OUT/victim" "$(cfg mtty "$U1")"
	run_exact -0 mdevadm undefine -u "$U1"
	[ -z "$output" ]
	[ ! -e "$(cfg mtty "$U1")" ] && [ ! -L "$(cfg mtty "$U1")" ]
	outside_untouched
}

@test "hostile: a lock file that is a symlink out of ROOT is refused" {
	mk_samples
	mkdir -p "$ROOT/run/lock"
	ln -s "$OUT/victim" "$ROOT/run/lock/mdevadm.lock"
	run_exact -1 mdevadm define -u "$U1" -p mtty -t mtty-1
	[ -z "$output" ]
	assert_stderr_line "*cannot open lock /run/lock/mdevadm.lock: *"
	no_configs
	ln -sfn "$OUT/newlock" "$ROOT/run/lock/mdevadm.lock"
	run_exact -1 mdevadm define -u "$U1" -p mtty -t mtty-1
	assert_stderr_line "*cannot open lock /run/lock/mdevadm.lock: *"
	no_configs
	outside_untouched
}

@test "hostile: run/lock linking out of ROOT (absolute or ../..) is not followed out" {
	mk_samples
	mkdir -p "$ROOT/run"
	ln -s "$OUT" "$ROOT/run/lock"
	run_exact -1 mdevadm define -u "$U1" -p mtty -t mtty-1
	[ -z "$output" ]
	assert_stderr_line "*lock*"
	rm "$ROOT/run/lock"
	ln -s "../../../../../../../../../../../..$OUT" "$ROOT/run/lock"
	run_exact -1 mdevadm modify -u "$U1" -a
	assert_stderr_line "*lock*"
	no_configs
	outside_untouched
}

@test "hostile: a parent link in class/mdev_bus pointing out of ROOT: start writes nothing" {
	mk_samples
	ln -sfn "$OUT/mtty" "$ROOT/sys/class/mdev_bus/mtty"
	run_exact -1 mdevadm start -u "$U1" -p mtty -t mtty-1
	[ -z "$output" ]
	assert_stderr_line "*cannot start $U1: parent device mtty not found*"
	ln -sfn "../../../../../../../../../../..$OUT/mtty" "$ROOT/sys/class/mdev_bus/mtty"
	run_exact -1 mdevadm start -u "$U1" -p mtty -t mtty-1
	assert_stderr_line "*cannot start $U1: parent device mtty not found*"
	outside_untouched
}

@test "hostile: no 'did you mean' hint naming the very parent that was asked for" {
	mk_samples
	ln -sfn "$OUT/mtty" "$ROOT/sys/class/mdev_bus/mtty"
	run_exact -1 mdevadm start -u "$U1" -p mtty -t mtty-1
	assert_stderr_line "*parent device mtty not found*"
	[[ $stderr != *"did you mean 'mtty'"* ]] || _fail "hint suggests the same name:" "$stderr"
}

@test "hostile: types never shows the types of a parent that links out of ROOT" {
	mk_samples
	ln -sfn "$OUT/mtty" "$ROOT/sys/class/mdev_bus/mtty"
	run_exact -0 mdevadm types -p mtty
	[ -z "$output" ]
	run_exact -0 mdevadm types --dumpjson
	[[ $output != *'"mtty"'* ]]
	[[ $output == *'"mdpy"'* ]]
	outside_untouched
}

@test "hostile: a type directory linking out of ROOT: start writes no create outside" {
	mk_samples
	t="$ROOT/sys/devices/virtual/mtty/mtty/mdev_supported_types/mtty-1"
	rm -rf "$t"
	ln -s "$OUT/mtty/mdev_supported_types/mtty-1" "$t"
	run_exact -1 mdevadm start -u "$U1" -p mtty -t mtty-1
	[ -z "$output" ]
	assert_stderr_line "*cannot start $U1: *mtty-1*"
	outside_untouched
}

@test "hostile: an active-device link pointing out of ROOT does not make a definition" {
	mk_samples
	mkdir -p "$ROOT/sys/bus/mdev/devices" "$OUT/mtty/$U1"
	ln -s "$OUT/mdev_supported_types/mtty-1" "$OUT/mtty/$U1/mdev_type"
	OUT_BEFORE=$(tree_snapshot "$OUT")
	ln -s "$OUT/mtty/$U1" "$ROOT/sys/bus/mdev/devices/$U1"
	run_exact -1 mdevadm define -u "$U1"
	[ -z "$output" ]
	assert_stderr_line "*cannot define $U1: it is not active*"
	no_configs
	outside_untouched
}
