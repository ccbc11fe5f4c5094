#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# readline and libudev are loaded by the commands that need them (src/basic/lazylib.c), so every other
# command starts without mapping them, and runs when they cannot be loaded at all.

load test_helper

U1=6c0ffee0-0000-4000-8000-000000000001

# without_libs CMD...: CMD in a private mount namespace where libreadline.so.8 and libudev.so.1
# are empty files, so dlopen() fails on them. Needs root.
without_libs() {
	local lib script="" path
	for lib in libreadline.so.8 libudev.so.1; do
		path=$(ldconfig -p | awk -v l="$lib" '$1 == l && !p { p = $NF } END { print p }')
		[ -n "$path" ] || skip "$lib is not installed"
		script+="mount --bind /dev/null '$(readlink -f "$path")' && "
	done
	unshare -m sh -c "${script}exec \"\$@\"" sh "$@"
}

@test "lazylib: the binary does not link readline or libudev" {
	command -v readelf >/dev/null || skip "readelf is not installed"
	run_exact -0 readelf -d "$MDEVADM"
	[[ $output == *"NEEDED"*"libjansson"* ]]
	[[ $output != *libreadline* ]]
	[[ $output != *libudev* ]]
	[[ $output != *libtinfo* ]]
}

@test "lazylib: list, types, define and a batch shell run without either library" {
	need_root "mount namespaces"
	mk_samples
	run_exact -0 without_libs "$MDEVADM" --root "$ROOT" define -u "$U1" -p mtty -t mtty-1
	assert_quiet
	run_exact -0 without_libs "$MDEVADM" --root "$ROOT" list -d
	[ "$output" = "$U1 mtty mtty-1 manual"$'\n' ]
	run_exact -0 without_libs "$MDEVADM" --root "$ROOT" types -p mtty
	[[ $output == mtty$'\n'"  mtty-1"$'\n'* ]]
	run_exact -0 without_libs "$MDEVADM" --root "$ROOT" shell <<<"list -d"
	[ "$output" = "$U1 mtty mtty-1 manual"$'\n' ]
	[ "$stderr" = "" ]
}

@test "lazylib: an interactive shell without readline fails with one line naming it" {
	need_root "mount namespaces"
	command -v script >/dev/null || skip "script(1) is not installed"
	run_exact -1 without_libs script -qec "'$MDEVADM' --root '$ROOT' shell" /dev/null </dev/null
	[[ $output == "mdevadm: no interactive shell: cannot load libreadline.so.8: "*$'\r\n' ]]
	[[ $output != *$'\n'*$'\n'* ]]
}

@test "lazylib: monitor on the host without libudev fails with one line naming it" {
	need_root "mount namespaces"
	mkdir -p "$ROOT/sys/class/mdev_bus" "$ROOT/sys/bus/mdev/devices"
	run_exact -1 without_libs sh -c 'mount --bind "$1/sys" /sys && exec timeout 10 "$2" monitor' \
		sh "$ROOT" "$MDEVADM"
	assert_stderr_line "mdevadm: cannot monitor events: no kernel events: cannot load libudev.so.1: *"
	[ "$output" = "" ]
}

# dlopen_notes: the JSON of every FDO note of type 0x407c0c0a in the binary's .note.dlopen
# section (systemd's "ELF dlopen metadata"), one a line.
dlopen_notes() {
	local sec=$BATS_TEST_TMPDIR/note off=0 size namesz descsz type pad
	objcopy -O binary --only-section=.note.dlopen "$MDEVADM" "$sec"
	size=$(stat -c %s "$sec")
	while [ "$off" -lt "$size" ]; do
		read -r namesz descsz type < <(od -An -tu4 -j "$off" -N 12 "$sec")
		pad=$(((namesz + 3) / 4 * 4))
		if [ "$type" -eq $((0x407c0c0a)) ] &&
			[ "$(tail -c +$((off + 13)) "$sec" | head -c "$namesz" | tr -d '\0')" = FDO ]; then
			tail -c +$((off + 13 + pad)) "$sec" | head -c "$descsz" | tr -d '\0'
			echo
		fi
		off=$((off + 12 + pad + (descsz + 3) / 4 * 4))
	done
}

# note_sonames: the sonames the notes name, sorted, one a line.
note_sonames() {
	dlopen_notes | jq -r '(if type == "array" then .[] else . end) | .soname |
		(if type == "array" then .[] else . end)' | sort
}

@test "lazylib: a .note.dlopen names the readline and libudev the binary loads, as JSON" {
	command -v readelf >/dev/null && command -v objcopy >/dev/null || skip "binutils are not installed"
	command -v jq >/dev/null || skip "jq is not installed"
	# binutils 2.40 exits 1 on a note type it does not know, and newer ones name it
	run_exact readelf -n "$MDEVADM"
	[[ $output == *"Displaying notes found in: .note.dlopen"$'\n'*$'\n'"  FDO "* ]]
	run_exact -0 dlopen_notes
	[ "$(grep -c . <<<"$output")" -ge 1 ]
	# every entry carries the convention's keys, with a priority it defines
	jq -e -s '[.[] | (if type == "array" then .[] else . end)] | length == 2 and all(
		(.feature | type == "string") and (.description | type == "string") and
		(.priority | IN("required", "recommended", "suggested")) and
		(.soname | type == "array" and length > 0))' <<<"$output" >/dev/null
	# the readline soname follows the headers built against, as src/basic/lazylib.c says
	local major
	major=$(sed -n 's/^#define RL_VERSION_MAJOR[[:space:]]*\([0-9]*\).*/\1/p' \
		/usr/include/readline/readline.h)
	[ "$(note_sonames)" = "libreadline.so.${major:-8}"$'\n'"libudev.so.1" ]
}

# dlopened DIR: the libraries that mdevadm dlopen()ed, by the LD_DEBUG logs in DIR, one a line.
# Under AddressSanitizer the caller ld.so names is ASan's runtime, whose dlopen() wraps ours.
dlopened() {
	cat "$1"/log.* 2>/dev/null |
		sed -n "s#^ *[0-9]*:[[:space:]]*file=\([^ ]*\) \[0\];  dynamically loaded by \($MDEVADM\|/[^ ]*/libasan\.so\.[0-9]*\) \[0\]\$#\1#p" |
		sort -u
}

# loaded_by LIB CMD...: runs CMD, in a session of its own, until mdevadm has dlopen()ed LIB
# (30 s at most), then ends the session and prints what mdevadm dlopen()ed. Waiting on the
# load, not on a clock, keeps a loaded machine from ending the command before the load.
loaded_by() {
	local lib=$1 d=$BATS_TEST_TMPDIR/ld pid i
	shift
	rm -rf "$d" && mkdir -p "$d"
	LD_DEBUG=files LD_DEBUG_OUTPUT="$d/log" setsid timeout -k 10 30 "$@" >/dev/null 2>&1 3>&- &
	pid=$!
	for ((i = 0; i < 300; i++)); do
		dlopened "$d" | grep -q "^$lib" && break
		sleep 0.1
	done
	kill -- -"$pid" 2>/dev/null || true
	wait "$pid" || true
	dlopened "$d"
}

@test "lazylib: the note's sonames are what the shell and monitor really dlopen()" {
	need_root "a private mount namespace for monitor"
	command -v objcopy >/dev/null && command -v jq >/dev/null || skip "binutils or jq missing"
	command -v script >/dev/null || skip "script(1) is not installed"
	mkdir -p "$ROOT/sys/class/mdev_bus" "$ROOT/sys/bus/mdev/devices"
	local loaded
	# the interactive shell, on a terminal whose input stays open, and monitor on the host's /sys
	loaded=$(loaded_by libreadline sh -c 'sleep 30 | script -qec "$1" /dev/null' sh \
		"'$MDEVADM' --root '$ROOT' shell" </dev/null
		loaded_by libudev unshare -m sh -c 'mount --bind "$1/sys" /sys && exec "$2" monitor' \
			sh "$ROOT" "$MDEVADM" </dev/null)
	[ "$(grep -c . <<<"$loaded")" -eq 2 ] || _fail "expected two dlopen()s, saw: $loaded"
	[ "$(sort <<<"$loaded")" = "$(note_sonames)" ] ||
		_fail "dlopen()ed: $loaded" "the note names: $(note_sonames)"
}
