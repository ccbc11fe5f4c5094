#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# Which files in the script directories are trusted (regular, executable, owned by root or the
# caller, not writable by group or others, in a directory that is not either), and what a
# trusted script inherits: a clean environment, no file descriptors beyond 0-2, cwd /.

load test_helper
load callout_helper

# assert_skipped NAME PATH: NAME never ran and stderr has exactly one warning naming PATH
assert_skipped() {
	assert_not_called "$1" || return
	[ "$(grep -cF -- "$2" <<<"$stderr")" -eq 1 ] ||
		_fail "expected one warning naming $2, stderr:" "$stderr"
}

# -- the files --------------------------------------------------------------------------------

@test "a group-writable script is skipped with a warning naming it; the others run" {
	mk_samples
	mk_script "$CALLOUTS" 10-gw
	chmod 775 "$ROOT/$CALLOUTS/10-gw"
	mk_script "$CALLOUTS" 20-ok
	run_exact -0 mdevadm define -u "$U1" -p mtty -t mtty-1
	assert_skipped 10-gw "/$CALLOUTS/10-gw"
	assert_log_np "$(line 20-ok mtty-1 pre define none "$U1" mtty "$(cj mtty-1)"
		line 20-ok mtty-1 post define success "$U1" mtty "$(cj mtty-1)")"$'\n'
	[[ $stderr == *"writable"* ]]
}

@test "a world-writable script is skipped, even one that would refuse everything" {
	mk_samples
	mk_script "$CALLOUTS" ww 'exit 1'
	chmod 757 "$ROOT/$CALLOUTS/ww"
	run_exact -0 mdevadm define -u "$U1" -p mtty -t mtty-1
	assert_skipped ww "/$CALLOUTS/ww"
	[ -f "$(cfgfile mtty "$U1")" ]
	mk_script "$CALLOUTS" ww2 'exit 1'
	chmod 777 "$ROOT/$CALLOUTS/ww2"
	run_exact -0 mdevadm undefine -u "$U1"
	assert_not_called ww2
	[ ! -e "$(cfgfile mtty "$U1")" ]
}

@test "a script owned by another user is skipped" {
	need_root "chown to nobody"
	mk_samples
	mk_script "$CALLOUTS" theirs 'exit 1'
	chown 65534:65534 "$ROOT/$CALLOUTS/theirs"
	run_exact -0 mdevadm define -u "$U1" -p mtty -t mtty-1
	assert_skipped theirs "/$CALLOUTS/theirs"
	[[ $stderr == *"owned"* ]]
	[ -f "$(cfgfile mtty "$U1")" ]
}

@test "a root-owned 755 script whose group is another one still runs" {
	need_root "chgrp"
	mk_samples
	mk_script "$CALLOUTS" grp
	chgrp 65534 "$ROOT/$CALLOUTS/grp"
	run_exact -0 mdevadm define -u "$U1" -p mtty -t mtty-1
	[ "$stderr" = "" ]
	[ "$(count_calls 'grp -t mtty-1 -e pre ')" -eq 1 ]
}

@test "a symbolic link to a good script is skipped" {
	mk_samples
	mk_script elsewhere target 'exit 1'
	mk_scriptdir "$CALLOUTS"
	ln -s "$ROOT/elsewhere/target" "$ROOT/$CALLOUTS/link"
	ln -s ../../../../../elsewhere/target "$ROOT/$CALLOUTS/rel-link"
	run_exact -0 mdevadm define -u "$U1" -p mtty -t mtty-1
	assert_not_called target
	[ "$(grep -cF -- "/$CALLOUTS/link" <<<"$stderr")" -eq 1 ]
	[ "$(grep -cF -- "/$CALLOUTS/rel-link" <<<"$stderr")" -eq 1 ]
	[ -f "$(cfgfile mtty "$U1")" ]
}

@test "a file that is not executable is skipped" {
	mk_samples
	mk_script "$CALLOUTS" noexec 'exit 1'
	chmod 644 "$ROOT/$CALLOUTS/noexec"
	mk_script "$CALLOUTS" groupexec 'exit 1'
	chmod 654 "$ROOT/$CALLOUTS/groupexec"
	run_exact -0 mdevadm define -u "$U1" -p mtty -t mtty-1
	assert_skipped noexec "/$CALLOUTS/noexec"
	assert_skipped groupexec "/$CALLOUTS/groupexec"
	[ -f "$(cfgfile mtty "$U1")" ]
}

@test "directories, fifos and sockets in a scripts directory are skipped, never opened" {
	mk_samples
	mkdir -p "$ROOT/$CALLOUTS/subdir"
	mkfifo "$ROOT/$CALLOUTS/fifo"
	mk_script "$CALLOUTS" z-ok
	run_exact -0 mdevadm define -u "$U1" -p mtty -t mtty-1
	[[ $stderr == *"/$CALLOUTS/subdir"* ]]
	[[ $stderr == *"/$CALLOUTS/fifo"* ]]
	[ "$(count_calls 'z-ok -t mtty-1 -e pre ')" -eq 1 ]
}

@test "the warning is given once per run, though the script would have had several events" {
	mk_samples
	mk_active mtty mtty-1 "$U1"
	mk_script "$CALLOUTS" gw
	chmod 775 "$ROOT/$CALLOUTS/gw"
	run_exact -0 mdevadm define -u "$U1"
	[ "$(grep -c . <<<"$stderr")" -eq 1 ]
	assert_stderr_has "/$CALLOUTS/gw"
}

@test "untrusted notifiers are skipped the same way" {
	need_root "chown to nobody"
	mk_samples
	mk_script "$NOTIFIERS" 1-gw
	chmod 775 "$ROOT/$NOTIFIERS/1-gw"
	mk_script "$NOTIFIERS" 2-theirs
	chown 65534 "$ROOT/$NOTIFIERS/2-theirs"
	mk_script "$NOTIFIERS" 3-noexec
	chmod 644 "$ROOT/$NOTIFIERS/3-noexec"
	mk_script elsewhere 4-target
	ln -s "$ROOT/elsewhere/4-target" "$ROOT/$NOTIFIERS/4-link"
	mk_script "$NOTIFIERS" 5-ok
	run_exact -0 mdevadm define -u "$U1" -p mtty -t mtty-1
	assert_log "$(line 5-ok mtty-1 notify define success "$U1" mtty "$(cj mtty-1)")"$'\n'
	for n in 1-gw 2-theirs 3-noexec 4-link; do
		assert_stderr_has "/$NOTIFIERS/$n"
	done
}

@test "untrusted scripts in the deprecated directories are skipped too" {
	mk_samples
	mk_script "$OLD_CALLOUTS" old-gw 'exit 1'
	chmod 775 "$ROOT/$OLD_CALLOUTS/old-gw"
	mk_script "$OLD_NOTIFIERS" old-nt
	chmod 646 "$ROOT/$OLD_NOTIFIERS/old-nt"
	run_exact -0 mdevadm define -u "$U1" -p mtty -t mtty-1
	assert_log ""
	assert_stderr_has "/$OLD_CALLOUTS/old-gw"
	assert_stderr_has "/$OLD_NOTIFIERS/old-nt"
}

# -- the directories --------------------------------------------------------------------------

@test "a group- or world-writable scripts directory: none of its scripts run" {
	mk_samples
	mk_script "$CALLOUTS" inside 'exit 1'
	mk_script "$OLD_CALLOUTS" other
	for mode in 775 757 1777; do
		chmod "$mode" "$ROOT/$CALLOUTS"
		: >"$LOG"
		rm -rf "$ROOT/etc/mdevctl.d/mtty"
		run_exact -0 mdevadm define -u "$U1" -p mtty -t mtty-1
		assert_not_called inside || return
		[ "$(grep -cF -- "/$CALLOUTS" <<<"$stderr")" -eq 1 ] ||
			_fail "mode $mode: expected one warning naming the directory:" "$stderr"
		[ "$(count_calls 'other -t mtty-1 -e pre ')" -eq 1 ] || _fail "mode $mode: other did not run"
	done
}

@test "a scripts directory owned by another user: none of its scripts run" {
	need_root "chown to nobody"
	mk_samples
	mk_script "$CALLOUTS" inside 'exit 1'
	chown 65534 "$ROOT/$CALLOUTS"
	mk_script "$NOTIFIERS" nt
	chown 65534 "$ROOT/$NOTIFIERS"
	run_exact -0 mdevadm define -u "$U1" -p mtty -t mtty-1
	assert_log ""
	assert_stderr_has "/$CALLOUTS"
	assert_stderr_has "/$NOTIFIERS"
	[ -f "$(cfgfile mtty "$U1")" ]
}

@test "a scripts directory that cannot be read is reported, the command goes on" {
	mk_samples
	mkdir -p "$ROOT/usr/lib/mdevctl/scripts.d"
	printf 'not a directory\n' >"$ROOT/$CALLOUTS"
	run_exact -0 mdevadm define -u "$U1" -p mtty -t mtty-1
	assert_stderr_has "/$CALLOUTS"
	[ -f "$(cfgfile mtty "$U1")" ]
}

# -- what a trusted script gets ---------------------------------------------------------------

@test "environment: PATH and MDEVCTL_ENV_ROOT only, nothing from the caller" {
	mk_samples
	mkdir -p "$BATS_TEST_TMPDIR/evil"
	printf '#!/bin/sh\necho evil >>"%s/evil.ran"\n' "$BATS_TEST_TMPDIR" >"$BATS_TEST_TMPDIR/evil/env"
	chmod 755 "$BATS_TEST_TMPDIR/evil/env"
	mk_script "$CALLOUTS" co "[ \"\$event\" = pre ] || exit 0
env >'$BATS_TEST_TMPDIR/env.out'
pwd >'$BATS_TEST_TMPDIR/pwd.out'"
	FOO=bar LD_PRELOAD='' IFS=$' \t\n' BASH_ENV=/nonexistent ENV=/nonexistent \
		PATH="$BATS_TEST_TMPDIR/evil:$PATH" run_exact -0 mdevadm define -u "$U1" -p mtty -t mtty-1
	[ ! -e "$BATS_TEST_TMPDIR/evil.ran" ]
	# what dash sets itself (PWD, maybe OLDPWD) is no inheritance
	names=$(sed -n 's/=.*//p' "$BATS_TEST_TMPDIR/env.out" | grep -vx 'PWD\|OLDPWD' | LC_ALL=C sort |
		tr '\n' ' ')
	[ "$names" = "MDEVCTL_ENV_ROOT PATH " ] || _fail "environment: $(cat "$BATS_TEST_TMPDIR/env.out")"
	path=$(sed -n 's/^PATH=//p' "$BATS_TEST_TMPDIR/env.out")
	[[ $path != *evil* ]]
	[[ :$path: == *:/usr/bin:* ]] && [[ :$path: == *:/bin:* ]] && [[ :$path: == *:/usr/sbin:* ]]
	root=$(sed -n 's/^MDEVCTL_ENV_ROOT=//p' "$BATS_TEST_TMPDIR/env.out")
	[ "$(cd "$root" && pwd -P)" = "$(cd "$ROOT" && pwd -P)" ]
	[ "$(cat "$BATS_TEST_TMPDIR/pwd.out")" = / ]
}

@test "environment: MDEVCTL_ENV_ROOT from the caller's environment is passed on the same way" {
	mk_samples
	mk_script "$CALLOUTS" co "[ \"\$event\" = pre ] || exit 0
env >'$BATS_TEST_TMPDIR/env.out'"
	MDEVCTL_ENV_ROOT="$ROOT" FOO=bar run_exact -0 "$MDEVADM" define -u "$U1" -p mtty -t mtty-1
	[ -f "$(cfgfile mtty "$U1")" ]
	root=$(sed -n 's/^MDEVCTL_ENV_ROOT=//p' "$BATS_TEST_TMPDIR/env.out")
	[ "$(cd "$root" && pwd -P)" = "$(cd "$ROOT" && pwd -P)" ]
	if grep -q '^FOO=' "$BATS_TEST_TMPDIR/env.out"; then _fail "FOO reached the script"; fi
}

@test "environment: notifiers and get attributes get the same clean environment" {
	mk_samples
	mk_active mtty mtty-1 "$U1"
	mk_script "$CALLOUTS" co "[ \"\$event\" = get ] || exit 0
env >\"$BATS_TEST_TMPDIR/env.co.\$action\""
	mk_script "$NOTIFIERS" nt "env >'$BATS_TEST_TMPDIR/env.nt'"
	FOO=bar run_exact -0 mdevadm define -u "$U1"
	for f in env.co.capabilities env.co.attributes env.nt; do
		[ -f "$BATS_TEST_TMPDIR/$f" ] || _fail "$f not written"
		names=$(sed -n 's/=.*//p' "$BATS_TEST_TMPDIR/$f" | grep -vx 'PWD\|OLDPWD' |
			LC_ALL=C sort | tr '\n' ' ')
		[ "$names" = "MDEVCTL_ENV_ROOT PATH " ] || _fail "$f: $(cat "$BATS_TEST_TMPDIR/$f")"
	done
}

@test "file descriptors: only 0, 1 and 2 reach a script, whatever the caller had open" {
	mk_samples
	mk_active mtty mtty-1 "$U1"
	# a child of the script lists its own fds: it inherits every fd of the script that is not
	# close-on-exec (the shell's own, like the one reading this file, are); ls's own directory
	# fd is left out
	fdscript="[ \"\$event\" = get ] && [ \"\$action\" = capabilities ] && exit 0
listing=\$(ls -l /proc/self/fd)
printf '%s\\n' \"\$listing\" >'$BATS_TEST_TMPDIR/fds.'\$event.\$action.raw
printf '%s\\n' \"\$listing\" | awk '/ -> / && \$NF !~ /^\\/proc\\/[0-9]+\\/fd\$/ { print \$(NF-2) }' |
	sort -n | tr '\\n' ' ' >'$BATS_TEST_TMPDIR/fds.'\$event.\$action
[ \"\$event\" != get ] || printf '[]'"
	mk_script "$CALLOUTS" co "$fdscript"
	mk_script "$NOTIFIERS" nt "$fdscript"
	run_exact -0 mdevadm define -u "$U1" 7>"$BATS_TEST_TMPDIR/leak7" 8<"$ROOT/$CALLOUTS/co" \
		9<>"$BATS_TEST_TMPDIR/leak9"
	for f in get.attributes pre.define post.define notify.define; do
		[ -f "$BATS_TEST_TMPDIR/fds.$f" ] || _fail "no fd listing for $f"
		[ "$(cat "$BATS_TEST_TMPDIR/fds.$f")" = "0 1 2 " ] ||
			_fail "$f had fds: $(cat "$BATS_TEST_TMPDIR/fds.$f")" "$(cat "$BATS_TEST_TMPDIR/fds.$f.raw")"
	done
}

@test "stdin of get events is empty and closed, not the caller's stdin" {
	mk_samples
	mk_active mtty mtty-1 "$U1"
	mk_script "$CALLOUTS" co
	printf 'caller stdin\n' >"$BATS_TEST_TMPDIR/stdin"
	run_exact -0 mdevadm list -v <"$BATS_TEST_TMPDIR/stdin"
	assert_log_np "$(line co mtty-1 get attributes none "$U1" mtty "")"$'\n'
}

@test "the script runs with / as its working directory and argv naming the script" {
	mk_samples
	mk_script "$CALLOUTS" co "[ \"\$event\" = pre ] || exit 0
pwd -P >'$BATS_TEST_TMPDIR/cwd'
printf '%s' \"\$0\" >'$BATS_TEST_TMPDIR/argv0'"
	cd "$BATS_TEST_TMPDIR"
	run_exact -0 mdevadm define -u "$U1" -p mtty -t mtty-1
	[ "$(cat "$BATS_TEST_TMPDIR/cwd")" = / ]
	# the kernel hands the shell the path mdevadm executed: the script inside ROOT
	[ "$(readlink -f "$(cat "$BATS_TEST_TMPDIR/argv0")")" = "$(readlink -f "$ROOT/$CALLOUTS/co")" ]
}
