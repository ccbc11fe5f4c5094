#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# Callout scripts: every event of every command (pre, post, get attributes) with its exact
# arguments and stdin, every exit code path (0, 1 aborts with nothing changed, 2 passes on,
# --force, post ignored), sorted order across both script directories, junk attributes and
# stderr forwarding.

load test_helper
load callout_helper

# mk_co_nt [BODY]: the callout co (running BODY) and the notifier nt that pre_post_notify
# expects.
mk_co_nt() {
	mk_script "$CALLOUTS" co "$@"
	mk_script "$NOTIFIERS" nt
}

# pre_post NAME TYPE ACTION UUID PARENT STDIN: the log lines of callout NAME handling ACTION
# that succeeded: its pre, then its post.
pre_post() {
	line "$1" "$2" pre "$3" none "$4" "$5" "$6"
	line "$1" "$2" post "$3" success "$4" "$5" "$6"
}

# pre_post_notify TYPE ACTION UUID PARENT STDIN: the same for callout co, then notifier nt's
# notify.
pre_post_notify() {
	pre_post co "$@"
	line nt "$1" notify "$2" success "$3" "$4" "$5"
}

# assert_succeeded TYPE ACTION UUID PARENT STDIN: the whole log is co's capability probe, then
# pre_post_notify.
assert_succeeded() {
	assert_log "$(probe co "$1" "$3" "$4"
		pre_post_notify "$@")"$'\n'
}

# -- every event of every command ---------------------------------------------------------------

@test "define: probe, pre and post with the compact config on stdin, then the notifiers" {
	mk_samples
	mk_co_nt
	run_exact -0 mdevadm define -u "$U1" -p mtty -t mtty-1
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	assert_succeeded mtty-1 define "$U1" mtty "$(cj mtty-1)"
	[ -f "$(cfgfile mtty "$U1")" ]
}

@test "define --auto --jsonfile: the script sees exactly the config that is stored" {
	mk_samples
	mk_script "$CALLOUTS" co
	printf '%s\n' '{"mdev_type": "mtty-2", "start": "auto", "attrs": [{"b": "2"}, {"a": "1"}]}' \
		>"$BATS_TEST_TMPDIR/in.json"
	run_exact -0 mdevadm define -u "$U1" -p mtty --jsonfile "$BATS_TEST_TMPDIR/in.json"
	want='{"mdev_type":"mtty-2","start":"auto","attrs":[{"b":"2"},{"a":"1"}]}'
	assert_log_np "$(pre_post co mtty-2 define "$U1" mtty "$want")"$'\n'
}

@test "define -u of an active device: get attributes (no stdin) first, pre/post carry them" {
	mk_samples
	mk_active mtty mtty-1 "$U1"
	mk_script "$CALLOUTS" co \
		'[ "$event $action" != "get attributes" ] || printf %s '"'"'[{"x":"1"},{"y":"two"}]'"'"
	run_exact -0 mdevadm define -u "$U1"
	want='{"mdev_type":"mtty-1","start":"manual","attrs":[{"x":"1"},{"y":"two"}]}'
	assert_log "$(probe co mtty-1 "$U1" mtty
		line co mtty-1 get attributes none "$U1" mtty ""
		pre_post co mtty-1 define "$U1" mtty "$want")"$'\n'
	assert_file_content "$(cfgfile mtty "$U1")" '{
  "mdev_type": "mtty-1",
  "start": "manual",
  "attrs": [
    {
      "x": "1"
    },
    {
      "y": "two"
    }
  ]
}
'
}

@test "define -p -t of an inactive device asks no attributes" {
	mk_samples
	mk_script "$CALLOUTS" co
	run_exact -0 mdevadm define -u "$U1" -p mtty -t mtty-1
	[ "$(count_calls ' -e get -a attributes ')" -eq 0 ]
}

@test "undefine: pre and post undefine with the stored definition on stdin" {
	mk_samples
	mk_config mtty "$U1" '{"mdev_type": "mtty-2", "start": "auto", "attrs": [{"k": "v"}]}'
	mk_co_nt
	run_exact -0 mdevadm undefine -u "$U1"
	want='{"mdev_type":"mtty-2","start":"auto","attrs":[{"k":"v"}]}'
	assert_succeeded mtty-2 undefine "$U1" mtty "$want"
	[ ! -e "$(cfgfile mtty "$U1")" ]
}

@test "undefine of a UUID defined on two parents: pre, post and notify for each" {
	mk_samples
	mk_config mdpy "$U1" '{"mdev_type": "mdpy-vga", "start": "manual"}'
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "manual"}'
	mk_co_nt
	run_exact -0 mdevadm undefine -u "$U1"
	assert_log_np "$(pre_post_notify mdpy-vga undefine "$U1" mdpy "$(cj mdpy-vga)"
		pre_post_notify mtty-1 undefine "$U1" mtty "$(cj mtty-1)")"$'\n'
}

@test "modify: pre and post modify with the new config on stdin" {
	mk_samples
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "manual", "attrs": [{"k": "v"}]}'
	mk_co_nt
	run_exact -0 mdevadm modify -u "$U1" --auto --addattr n --value 5
	want='{"mdev_type":"mtty-1","start":"auto","attrs":[{"k":"v"},{"n":"5"}]}'
	assert_succeeded mtty-1 modify "$U1" mtty "$want"
}

@test "modify -t: the script is chosen and probed for the new type" {
	mk_samples
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "manual"}'
	mk_script "$CALLOUTS" co
	run_exact -0 mdevadm modify -u "$U1" -t mtty-2
	assert_log "$(probe co mtty-2 "$U1" mtty
		pre_post co mtty-2 modify "$U1" mtty "$(cj mtty-2)")"$'\n'
}

@test "start of a defined device: pre and post start" {
	mk_samples
	mk_config mtty "$U1" '{"mdev_type": "mtty-2", "start": "manual"}'
	mk_co_nt
	run_exact -0 mdevadm start -u "$U1"
	assert_succeeded mtty-2 start "$U1" mtty "$(cj mtty-2)"
	[ "$(cat "$(createfile mtty mtty-2)")" = "$U1" ]
}

@test "start of a transient device: pre and post start with the given type" {
	mk_samples
	mk_script "$CALLOUTS" co
	run_exact -0 mdevadm start -u "$U1" -p mdpy -t mdpy-hd
	assert_log_np "$(pre_post co mdpy-hd start "$U1" mdpy "$(cj mdpy-hd)")"$'\n'
}

@test "define -u -p OTHER of a device running elsewhere: its attributes, asked where it runs" {
	mk_samples
	mk_active mtty mtty-1 "$U1"
	mk_script "$CALLOUTS" co \
		'[ "$event $action" != "get attributes" ] || printf %s '"'"'[{"x":"1"}]'"'"
	run_exact -0 mdevadm define -u "$U1" -p mdpy
	want='{"mdev_type":"mtty-1","start":"manual","attrs":[{"x":"1"}]}'
	# the running device is asked about on its own parent; the definition is for mdpy
	assert_log "$(probe co mtty-1 "$U1" mtty
		line co mtty-1 get attributes none "$U1" mtty ""
		pre_post co mtty-1 define "$U1" mdpy "$want")"$'\n'
	assert_cfg "$(cfgfile mdpy "$U1")" mtty-1 manual x 1
	# with another type there is nothing of the running device to record
	: >"$LOG"
	run_exact -0 mdevadm define -u "$U1" -p mbochs -t mbochs-small
	assert_log_np "$(pre_post co mbochs-small define "$U1" mbochs "$(cj mbochs-small)")"$'\n'
}

@test "start without --uuid: the scripts get the generated UUID that is printed" {
	mk_samples
	mk_script "$CALLOUTS" co
	run_exact -0 mdevadm start -p mtty -t mtty-1
	u=${output%$'\n'}
	[[ $u =~ ^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$ ]]
	assert_log_np "$(pre_post co mtty-1 start "$u" mtty "$(cj mtty-1)")"$'\n'
}

@test "stop: pre and post stop with the definition of what runs" {
	mk_samples
	mk_active mtty mtty-1 "$U1"
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "auto", "attrs": [{"k": "v"}]}'
	mk_co_nt
	run_exact -0 mdevadm stop -u "$U1"
	want='{"mdev_type":"mtty-1","start":"auto","attrs":[{"k":"v"}]}'
	assert_succeeded mtty-1 stop "$U1" mtty "$want"
	[ "$(cat "$(removefile mtty "$U1")")" = 1 ]
}

@test "stop of an undefined device: the scripts get its running type" {
	mk_samples
	mk_active mdpy mdpy-vga "$U1"
	mk_script "$CALLOUTS" co
	run_exact -0 mdevadm stop -u "$U1"
	assert_log_np "$(pre_post co mdpy-vga stop "$U1" mdpy "$(cj mdpy-vga)")"$'\n'
}

@test "start-parent-mdevs: pre and post start for each auto device, action start" {
	mk_samples
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "auto"}'
	mk_config mtty "$U2" '{"mdev_type": "mtty-2", "start": "manual"}'
	mk_config mtty "$U3" '{"mdev_type": "mtty-2", "start": "auto"}'
	mk_co_nt
	fakekernel_start
	run_exact -0 mdevadm start-parent-mdevs mtty
	assert_log_np "$(pre_post_notify mtty-1 start "$U1" mtty "$(cj mtty-1 auto)"
		pre_post_notify mtty-2 start "$U3" mtty "$(cj mtty-2 auto)")"$'\n'
	# one probe per type, not per device
	[ "$(count_calls ' -e get -a capabilities ')" -eq 2 ]
}

@test "start-parent-mdevs: a failing pre skips that device only, exit 1" {
	mk_samples
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "auto"}'
	mk_config mtty "$U3" '{"mdev_type": "mtty-2", "start": "auto"}'
	mk_co_nt '[ "$uuid" != '"$U1"' ] || [ "$event" != pre ] || exit 1'
	fakekernel_start
	run_exact -1 mdevadm start-parent-mdevs mtty
	assert_log_np "$(line co mtty-1 pre start none "$U1" mtty "$(cj mtty-1 auto)"
		line nt mtty-1 notify start none "$U1" mtty "$(cj mtty-1 auto)"
		pre_post_notify mtty-2 start "$U3" mtty "$(cj mtty-2 auto)")"$'\n'
	assert_stderr_has "co"
	fakekernel_settle
	[ ! -e "$ROOT/sys/bus/mdev/devices/$U1" ]
	[ -L "$ROOT/sys/bus/mdev/devices/$U3" ]
	[ "$output" = "" ]
	[[ $stderr == *$'\nmdevadm: mtty: started 1, already active 0, failed 1\n' ]]
}

@test "list -v and list --dumpjson ask get attributes for each active device, nothing else" {
	mk_samples
	mk_active mtty mtty-1 "$U1"
	mk_active mdpy mdpy-vga "$U2"
	mk_config mtty "$U3" '{"mdev_type": "mtty-1", "start": "manual"}'
	mk_co_nt 'printf %s '"'"'[{"live":"yes"}]'"'"
	run_exact -0 mdevadm list -v
	assert_log_np "$(line co mdpy-vga get attributes none "$U2" mdpy ""
		line co mtty-1 get attributes none "$U1" mtty "")"$'\n'
	[[ $output == *'@{0}: {"live":"yes"}'* ]]
	: >"$LOG"
	run_exact -0 mdevadm list --dumpjson
	assert_log_np "$(line co mdpy-vga get attributes none "$U2" mdpy ""
		line co mtty-1 get attributes none "$U1" mtty "")"$'\n'
	[[ $output == *'"live": "yes"'* ]]
}

@test "plain list, list -d -v and types run no script at all" {
	mk_samples
	mk_active mtty mtty-1 "$U1"
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "manual"}'
	mk_co_nt
	run_exact -0 mdevadm list
	run_exact -0 mdevadm list -d -v
	run_exact -0 mdevadm list -d --dumpjson
	run_exact -0 mdevadm types
	assert_log ""
}

@test "list -v shows the attributes the script reports instead of the defined ones" {
	mk_samples
	mk_active mtty mtty-1 "$U1"
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "manual", "attrs": [{"old": "1"}]}'
	mk_script "$CALLOUTS" co \
		'[ "$event" != get ] || [ "$action" != attributes ] || printf %s '"'"'[{"new":"2"}]'"'"
	run_exact -0 mdevadm list -v
	[ "$output" = "$U1 mtty mtty-1 manual (defined)
  Attrs:
    @{0}: {\"new\":\"2\"}
" ]
	[ "$stderr" = "" ]
}

# -- exit codes -------------------------------------------------------------------------------

@test "define: pre exit 1 aborts, nothing is written, no post, notifiers get state none" {
	mk_samples
	mk_co_nt "$(fail_on pre define)"
	run_exact -1 mdevadm define -u "$U1" -p mtty -t mtty-1
	assert_log "$(probe co mtty-1 "$U1" mtty
		line co mtty-1 pre define none "$U1" mtty "$(cj mtty-1)"
		line nt mtty-1 notify define none "$U1" mtty "$(cj mtty-1)")"$'\n'
	[ ! -e "$(cfgfile mtty "$U1")" ]
	[ ! -e "$ROOT/etc/mdevctl.d/mtty" ] || [ -z "$(ls -A "$ROOT/etc/mdevctl.d/mtty")" ]
	assert_stderr_has "co"
	assert_stderr_has "$U1"
	[ "$output" = "" ]
}

@test "define: any pre status but 0 and 2 aborts (3, 127, 255)" {
	mk_samples
	for rc in 3 127 255; do
		rm -rf "$ROOT/$CALLOUTS"
		mk_script "$CALLOUTS" co "$(fail_on pre define "$rc")"
		run_exact -1 mdevadm define -u "$U1" -p mtty -t mtty-1
		[ ! -e "$(cfgfile mtty "$U1")" ] || _fail "status $rc did not abort"
	done
}

@test "start: pre exit 1 aborts, create is not written" {
	mk_samples
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "manual"}'
	mk_co_nt "$(fail_on pre start)"
	run_exact -1 mdevadm start -u "$U1"
	assert_no_write "$(createfile mtty mtty-1)"
	assert_log_np "$(line co mtty-1 pre start none "$U1" mtty "$(cj mtty-1)"
		line nt mtty-1 notify start none "$U1" mtty "$(cj mtty-1)")"$'\n'
}

@test "start of a transient device: pre exit 1 aborts, create is not written" {
	mk_samples
	mk_script "$CALLOUTS" co "$(fail_on pre start)"
	run_exact -1 mdevadm start -u "$U1" -p mtty -t mtty-2
	assert_no_write "$(createfile mtty mtty-2)"
	[ "$(count_calls ' -e post ')" -eq 0 ]
}

@test "undefine: pre exit 1 aborts, the definition stays" {
	mk_samples
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "manual"}'
	mk_co_nt "$(fail_on pre undefine)"
	run_exact -1 mdevadm undefine -u "$U1"
	# one line, naming the command once
	assert_stderr_line "mdevadm: cannot undefine $U1: callout script co refused (status 1; --force overrides)"
	assert_file_content "$(cfgfile mtty "$U1")" '{"mdev_type": "mtty-1", "start": "manual"}'
	assert_log_np "$(line co mtty-1 pre undefine none "$U1" mtty "$(cj mtty-1)"
		line nt mtty-1 notify undefine none "$U1" mtty "$(cj mtty-1)")"$'\n'
}

@test "modify: pre exit 1 aborts, the definition is unchanged" {
	mk_samples
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "manual"}'
	mk_script "$CALLOUTS" co "$(fail_on pre modify)"
	run_exact -1 mdevadm modify -u "$U1" --auto
	assert_file_content "$(cfgfile mtty "$U1")" '{"mdev_type": "mtty-1", "start": "manual"}'
	[ "$(count_calls ' -e post ')" -eq 0 ]
}

@test "stop: pre exit 1 aborts, remove is not written" {
	mk_samples
	mk_active mtty mtty-1 "$U1"
	mk_co_nt "$(fail_on pre stop)"
	run_exact -1 mdevadm stop -u "$U1"
	assert_no_write "$(removefile mtty "$U1")"
	assert_log_np "$(line co mtty-1 pre stop none "$U1" mtty "$(cj mtty-1)"
		line nt mtty-1 notify stop none "$U1" mtty "$(cj mtty-1)")"$'\n'
}

@test "the error names the script, the action and the device on one line" {
	mk_samples
	mk_script "$CALLOUTS" 50-guard "$(fail_on pre define)"
	run_exact -1 mdevadm define -u "$U1" -p mtty -t mtty-1
	[[ $stderr == *$'\n' ]]
	[ "$(printf '%s' "$stderr" | wc -l)" -eq 1 ]
	assert_stderr_has 50-guard
	assert_stderr_has define
	assert_stderr_has "$U1"
}

@test "exit 2 passes the device to the next script; post goes to the one that took pre" {
	mk_samples
	mk_script "$CALLOUTS" 10-other "$(only_type mdpy-vga)"
	mk_script "$CALLOUTS" 20-mtty "$(only_type mtty-1)"
	mk_script "$CALLOUTS" 30-late
	run_exact -0 mdevadm define -u "$U1" -p mtty -t mtty-1
	# every script is probed first: a versioned one anywhere would own the type
	assert_log "$(probe 10-other mtty-1 "$U1" mtty
		probe 20-mtty mtty-1 "$U1" mtty
		probe 30-late mtty-1 "$U1" mtty
		pre_post 20-mtty mtty-1 define "$U1" mtty "$(cj mtty-1)")"$'\n'
}

@test "a legacy script answering 2 to pre only passes that event on" {
	mk_samples
	mk_script "$CALLOUTS" 10-a "$(fail_on pre define 2)"
	mk_script "$CALLOUTS" 20-b
	run_exact -0 mdevadm define -u "$U1" -p mtty -t mtty-1
	assert_log_np "$(line 10-a mtty-1 pre define none "$U1" mtty "$(cj mtty-1)"
		pre_post 20-b mtty-1 define "$U1" mtty "$(cj mtty-1)")"$'\n'
}

@test "when every script answers 2 the command goes on, with only the notifiers" {
	mk_samples
	mk_script "$CALLOUTS" 10-a 'exit 2'
	mk_script "$OLD_CALLOUTS" 20-b 'exit 2'
	mk_script "$NOTIFIERS" nt
	run_exact -0 mdevadm define -u "$U1" -p mtty -t mtty-1
	assert_log "$(probe 10-a mtty-1 "$U1" mtty
		probe 20-b mtty-1 "$U1" mtty
		line nt mtty-1 notify define success "$U1" mtty "$(cj mtty-1)")"$'\n'
	[ -f "$(cfgfile mtty "$U1")" ]
	[ "$stderr" = "" ]
}

@test "no script directories at all: every command works, quietly" {
	mk_samples
	run_exact -0 mdevadm define -u "$U1" -p mtty -t mtty-1
	[ "$stderr" = "" ]
	run_exact -0 mdevadm start -u "$U1"
	[ "$stderr" = "" ]
}

@test "--force: a failing pre is only a warning, the command and post still run" {
	mk_samples
	mk_co_nt 'case $event in pre) exit 1 ;; esac'
	run_exact -0 mdevadm define -u "$U1" -p mtty -t mtty-1 --force
	[ -f "$(cfgfile mtty "$U1")" ]
	assert_stderr_has co
	assert_log_np "$(pre_post_notify mtty-1 define "$U1" mtty "$(cj mtty-1)")"$'\n'

	run_exact -0 mdevadm modify -u "$U1" --auto -f
	assert_file_content "$(cfgfile mtty "$U1")" '{
  "mdev_type": "mtty-1",
  "start": "auto",
  "attrs": []
}
'
	run_exact -0 mdevadm start -u "$U1" -f
	[ "$(cat "$(createfile mtty mtty-1)")" = "$U1" ]
	run_exact -0 mdevadm undefine -u "$U1" --force
	[ ! -e "$(cfgfile mtty "$U1")" ]
	mk_active mtty mtty-2 "$U2"
	run_exact -0 mdevadm stop -u "$U2" --force
	[ "$(cat "$(removefile mtty "$U2")")" = 1 ]
	[ "$(count_calls ' -e post ')" -eq 5 ]
}

@test "post: its status is ignored, the command succeeds silently" {
	mk_samples
	mk_script "$CALLOUTS" co 'case $event in post) exit 1 ;; esac'
	run_exact -0 mdevadm define -u "$U1" -p mtty -t mtty-1
	[ -f "$(cfgfile mtty "$U1")" ]
	[ "$stderr" = "" ]
	run_exact -0 mdevadm start -u "$U1"
	[ "$(cat "$(createfile mtty mtty-1)")" = "$U1" ]
	[ "$stderr" = "" ]
}

@test "post gets state failure when the command itself fails" {
	mk_samples
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "manual"}'
	_put "$(parent_path mtty)/mdev_supported_types/mtty-1/available_instances" $'0\n'
	mk_co_nt
	run_exact -1 mdevadm start -u "$U1"
	assert_no_write "$(createfile mtty mtty-1)"
	assert_log_np "$(line co mtty-1 pre start none "$U1" mtty "$(cj mtty-1)"
		line co mtty-1 post start failure "$U1" mtty "$(cj mtty-1)"
		line nt mtty-1 notify start failure "$U1" mtty "$(cj mtty-1)")"$'\n'
}

# -- order ------------------------------------------------------------------------------------

@test "scripts run in byte order, the documented directory before the deprecated one" {
	mk_samples
	mk_script "$CALLOUTS" a 'exit 2'
	mk_script "$CALLOUTS" B 'exit 2'
	mk_script "$CALLOUTS" 10 'exit 2'
	mk_script "$OLD_CALLOUTS" 05-old
	mk_script "$OLD_CALLOUTS" 99-old
	run_exact -0 mdevadm define -u "$U1" -p mtty -t mtty-1
	assert_log "$(probe 10 mtty-1 "$U1" mtty
		probe B mtty-1 "$U1" mtty
		probe a mtty-1 "$U1" mtty
		probe 05-old mtty-1 "$U1" mtty
		probe 99-old mtty-1 "$U1" mtty
		pre_post 05-old mtty-1 define "$U1" mtty "$(cj mtty-1)")"$'\n'
}

@test "a script in the documented directory wins over one of the same name in the deprecated one" {
	mk_samples
	# the same file name in both directories; each logs where it lives
	mk_script "$OLD_CALLOUTS" same
	sed -i "s/^name='same'/name='same-etc'/" "$ROOT/$OLD_CALLOUTS/same"
	mk_script "$CALLOUTS" same
	sed -i "s/^name='same'/name='same-lib'/" "$ROOT/$CALLOUTS/same"
	run_exact -0 mdevadm define -u "$U1" -p mtty -t mtty-1
	assert_log_np "$(pre_post same-lib mtty-1 define "$U1" mtty "$(cj mtty-1)")"$'\n'
}

@test "only the deprecated directory: its scripts are used" {
	mk_samples
	mk_script "$OLD_CALLOUTS" old
	run_exact -0 mdevadm define -u "$U1" -p mtty -t mtty-1
	assert_log_np "$(pre_post old mtty-1 define "$U1" mtty "$(cj mtty-1)")"$'\n'
}

@test "the scripts directory under etc/mdevctl.d is not taken for a parent" {
	mk_samples
	mk_script "$OLD_CALLOUTS" old
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "manual"}'
	run_exact -0 mdevadm list -d
	[ "$output" = "$U1 mtty mtty-1 manual"$'\n' ]
	[ "$stderr" = "" ]
}

# -- get attributes ---------------------------------------------------------------------------

@test "get attributes: junk on stdout makes list warn and still list" {
	mk_samples
	mk_active mtty mtty-1 "$U1"
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "manual", "attrs": [{"d": "1"}]}'
	mk_active mdpy mdpy-vga "$U2"
	mk_script "$CALLOUTS" co "$(only_type mtty-1)"'
[ "$event" != get ] || [ "$action" != attributes ] || echo "this is not JSON"'
	run_exact -0 mdevadm list -v
	assert_stderr_has co
	assert_stderr_has "$U1"
	[[ $output == *"$U1 mtty mtty-1 manual (defined)"* ]]
	[[ $output == *"$U2 mdpy mdpy-vga manual"* ]]
	run_exact -0 mdevadm list --dumpjson
	[[ $output == *"$U1"* ]]
	[[ $output == *"$U2"* ]]
	assert_stderr_has "$U1"
}

@test "get attributes: junk makes define -u fail and write nothing" {
	mk_samples
	mk_active mtty mtty-1 "$U1"
	mk_script "$CALLOUTS" co \
		'[ "$event" != get ] || [ "$action" != attributes ] || printf "{not json"'
	run_exact -1 mdevadm define -u "$U1"
	assert_stderr_has co
	assert_stderr_has "$U1"
	[ ! -e "$(cfgfile mtty "$U1")" ]
	[ "$(count_calls ' -e pre ')" -eq 0 ]
}

@test "get attributes: a JSON value that is not an attribute list is junk too" {
	mk_samples
	mk_active mtty mtty-1 "$U1"
	for answer in '{"a":"1"}' '"text"' '[["a"]]' '[{"a":"1"},' 'null'; do
		rm -rf "$ROOT/$CALLOUTS"
		mk_script "$CALLOUTS" co \
			'[ "$event" != get ] || [ "$action" != attributes ] || printf %s '"'$answer'"
		run_exact -1 mdevadm define -u "$U1"
		[ ! -e "$(cfgfile mtty "$U1")" ] || _fail "accepted $answer"
	done
}

@test "get attributes: exit 1 makes define -u fail; list warns and lists" {
	mk_samples
	mk_active mtty mtty-1 "$U1"
	mk_script "$CALLOUTS" co "$(fail_on get attributes)"
	run_exact -1 mdevadm define -u "$U1"
	[ ! -e "$(cfgfile mtty "$U1")" ]
	assert_stderr_has co
	run_exact -0 mdevadm list -v
	[ "$output" = "$U1 mtty mtty-1 manual"$'\n' ]
	assert_stderr_has "$U1"
}

@test "get attributes: empty output, [{}], [] and a trailing NUL are all fine" {
	mk_samples
	mk_active mtty mtty-1 "$U1"
	for answer in '' '[{}]' '[]' '[]\n'; do
		rm -rf "$ROOT/$CALLOUTS" "$ROOT/etc/mdevctl.d/mtty"
		mk_script "$CALLOUTS" co \
			'[ "$event" != get ] || [ "$action" != attributes ] || printf '"'$answer'"
		run_exact -0 mdevadm define -u "$U1"
		assert_file_content "$(cfgfile mtty "$U1")" '{
  "mdev_type": "mtty-1",
  "start": "manual",
  "attrs": []
}
' || _fail "answer '$answer'"
	done
	rm -rf "$ROOT/$CALLOUTS" "$ROOT/etc/mdevctl.d/mtty"
	mk_script "$CALLOUTS" co \
		'[ "$event" != get ] || [ "$action" != attributes ] || printf '"'"'[{"z":"9"}]\0'"'"
	run_exact -0 mdevadm define -u "$U1"
	[[ $(cat "$(cfgfile mtty "$U1")") == *'"z": "9"'* ]]
}

@test "get attributes: a script that answers 2 leaves define -u to the next script" {
	mk_samples
	mk_active mtty mtty-1 "$U1"
	mk_script "$CALLOUTS" 10-a "$(fail_on get attributes 2)"
	mk_script "$CALLOUTS" 20-b \
		'[ "$event" != get ] || [ "$action" != attributes ] || printf %s '"'"'[{"from":"b"}]'"'"
	run_exact -0 mdevadm define -u "$U1"
	[[ $(cat "$(cfgfile mtty "$U1")") == *'"from": "b"'* ]]
}

# -- stderr and stdout ------------------------------------------------------------------------

@test "a script's stderr lines are passed on prefixed with its name, its stdout is not" {
	mk_samples
	mk_script "$CALLOUTS" 40-talk '[ "$event" = pre ] || exit 0
echo "to stdout"
printf "first line\nsecond line\nno newline" >&2'
	run_exact -0 mdevadm define -u "$U1" -p mtty -t mtty-1
	[ "$output" = "" ]
	[ "$stderr" = $'40-talk: first line\n40-talk: second line\n40-talk: no newline\n' ]
}

@test "stderr of a refusing pre comes before mdevadm's own error" {
	mk_samples
	mk_script "$CALLOUTS" guard '[ "$event" = pre ] || exit 0
echo "adapter 5 is taken" >&2
exit 1'
	run_exact -1 mdevadm define -u "$U1" -p mtty -t mtty-1
	[[ $stderr == $'guard: adapter 5 is taken\n'*guard*$'\n' ]]
	[ "$(printf '%s' "$stderr" | wc -l)" -eq 2 ]
}

@test "a big config on stdin reaches the script whole" {
	mk_samples
	{
		printf '{"mdev_type":"mtty-1","start":"manual","attrs":['
		for i in $(seq 1 3000); do printf '{"attr%04d":"%s"},' "$i" xxxxxxxxxxxxxxxxxxxx; done
		printf '{"last":"1"}]}'
	} >"$BATS_TEST_TMPDIR/big.json"
	mk_script "$CALLOUTS" co
	run_exact -0 mdevadm define -u "$U1" -p mtty --jsonfile "$BATS_TEST_TMPDIR/big.json"
	grep -qF -- "-e pre -a define -s none -u $U1 -p mtty <$(cat "$BATS_TEST_TMPDIR/big.json")>" "$LOG"
}

@test "a script that exits without reading a big config on stdin does not kill mdevadm" {
	mk_samples
	{
		printf '{"mdev_type":"mtty-1","start":"manual","attrs":['
		for i in $(seq 1 3000); do printf '{"attr%04d":"%s"},' "$i" xxxxxxxxxxxxxxxxxxxx; done
		printf '{"last":"1"}]}'
	} >"$BATS_TEST_TMPDIR/big.json"
	mk_scriptdir "$CALLOUTS"
	mk_scriptdir "$NOTIFIERS"
	printf '#!/bin/sh\nexit 2\n' >"$ROOT/$CALLOUTS/not-mine"
	printf '#!/bin/sh\nexit 0\n' >"$ROOT/$NOTIFIERS/deaf"
	chmod 755 "$ROOT/$CALLOUTS/not-mine" "$ROOT/$NOTIFIERS/deaf"
	run_exact mdevadm define -u "$U1" -p mtty --jsonfile "$BATS_TEST_TMPDIR/big.json"
	[ "$status" -eq 0 ] || _fail "define exited with status $status (141 = killed by SIGPIPE)" \
		"stderr: $stderr"
	[ -f "$(cfgfile mtty "$U1")" ]
}
