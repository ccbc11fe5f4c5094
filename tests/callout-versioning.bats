#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# Versioned callout scripts: the capabilities probe (its stdin, one per script and type per
# run), a supports answer making a script own its type (what it lists goes to it, a pre it does
# not list is refused), junk answers meaning legacy, and modify --live [--defined] through a
# script listing live.

load test_helper
load callout_helper

# live_tree: mtty/U1 active and defined (attrs a=1), the new config in $NEW
live_tree() {
	mk_samples
	mk_active mtty mtty-1 "$U1"
	ORIG='{"mdev_type": "mtty-1", "start": "manual", "attrs": [{"a": "1"}]}'
	mk_config mtty "$U1" "$ORIG"
	NEW="$BATS_TEST_TMPDIR/new.json"
	printf '%s\n' '{"mdev_type": "mtty-1", "start": "auto", "attrs": [{"a": "2"}, {"b": "3"}]}' >"$NEW"
	NEWC='{"mdev_type":"mtty-1","start":"auto","attrs":[{"a":"2"},{"b":"3"}]}'
}

assert_unchanged() { assert_file_content "$(cfgfile mtty "$U1")" "$ORIG"; }

# -- the probe and the supports answer ----------------------------------------------------------

@test "probe: -e get -a capabilities -s none with the provides JSON on stdin" {
	mk_samples
	mk_script "$CALLOUTS" v "$(versioned "$SUPPORTS_ALL")"
	run_exact -0 mdevadm define -u "$U1" -p mtty -t mtty-1
	assert_log "$(line v mtty-1 get capabilities none "$U1" mtty "$PROVIDES"
		line v mtty-1 pre define none "$U1" mtty "$(cj mtty-1)"
		line v mtty-1 post define success "$U1" mtty "$(cj mtty-1)")"$'\n'
}

@test "a versioned script gets the events and actions it lists, and only those" {
	mk_samples
	mk_script "$CALLOUTS" v "$(versioned "$(supports '"pre"' '"define","start","undefine"')")"
	mk_script "$NOTIFIERS" nt
	run_exact -0 mdevadm define -u "$U1" -p mtty -t mtty-1
	run_exact -0 mdevadm start -u "$U1"
	run_exact -0 mdevadm undefine -u "$U1"
	assert_log_np "$(line v mtty-1 pre define none "$U1" mtty "$(cj mtty-1)"
		line nt mtty-1 notify define success "$U1" mtty "$(cj mtty-1)"
		line v mtty-1 pre start none "$U1" mtty "$(cj mtty-1)"
		line nt mtty-1 notify start success "$U1" mtty "$(cj mtty-1)"
		line v mtty-1 pre undefine none "$U1" mtty "$(cj mtty-1)"
		line nt mtty-1 notify undefine success "$U1" mtty "$(cj mtty-1)")"$'\n'
	[ "$stderr" = "" ]
}

@test "a versioned script listing post but not pre refuses the action; forced, it gets post" {
	mk_samples
	mk_script "$CALLOUTS" 10-v "$(versioned "$(supports '"post"' '"define"')")"
	mk_script "$CALLOUTS" 20-legacy
	mk_script "$OLD_CALLOUTS" 30-legacy
	mk_script "$NOTIFIERS" nt
	run_exact -1 mdevadm define -u "$U1" -p mtty -t mtty-1
	assert_stderr_line "mdevadm: cannot define $U1: callout script 10-v does not support pre define (--force overrides)"
	[ ! -e "$(cfgfile mtty "$U1")" ]
	run_exact -0 mdevadm define -u "$U1" -p mtty -t mtty-1 -f
	assert_stderr_line "mdevadm: warning: callout script 10-v does not support pre define; going on: --force"
	assert_log "$(probe 10-v mtty-1 "$U1" mtty
		line nt mtty-1 notify define none "$U1" mtty "$(cj mtty-1)"
		probe 10-v mtty-1 "$U1" mtty
		line 10-v mtty-1 post define success "$U1" mtty "$(cj mtty-1)"
		line nt mtty-1 notify define success "$U1" mtty "$(cj mtty-1)")"$'\n'
}

@test "actions a versioned script does not list are refused, and go to no later script" {
	mk_samples
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "manual"}'
	mk_script "$CALLOUTS" 10-v "$(versioned "$(supports '"pre","post"' '"define"')")"
	mk_script "$CALLOUTS" 20-legacy 'exit 1'
	run_exact -1 mdevadm start -u "$U1"
	assert_no_write "$(createfile mtty mtty-1)"
	run_exact -1 mdevadm modify -u "$U1" --auto
	run_exact -1 mdevadm undefine -u "$U1"
	assert_file_content "$(cfgfile mtty "$U1")" '{"mdev_type": "mtty-1", "start": "manual"}'
	assert_log_np ""
	# --force goes on without them
	run_exact -0 mdevadm modify -u "$U1" --auto -f
	run_exact -0 mdevadm start -u "$U1" -f
	assert_written "$(createfile mtty mtty-1)" "$U1"
	run_exact -0 mdevadm undefine -u "$U1" -f
	assert_log_np ""
	[ "$(count_calls ' -e get -a capabilities ')" -eq 6 ]
}

@test "a versioned script that does not list get gets no get attributes; list still lists" {
	mk_samples
	mk_active mtty mtty-1 "$U1"
	mk_script "$CALLOUTS" 10-v "$(versioned "$(supports '"pre","post"' '"define","attributes"')")"
	mk_script "$CALLOUTS" 20-legacy 'printf "[{\"x\":\"1\"}]"'
	run_exact -0 mdevadm list -v
	[ "$output" = "$U1 mtty mtty-1 manual"$'\n' ]
	assert_log_np ""
}

@test "a versioned script owns its type: a legacy script sorted before it gets nothing" {
	mk_samples
	mk_script "$CALLOUTS" 10-legacy
	mk_script "$CALLOUTS" 20-v "$(versioned "$SUPPORTS_ALL")"
	run_exact -0 mdevadm define -u "$U1" -p mtty -t mtty-1
	assert_log_np "$(line 20-v mtty-1 pre define none "$U1" mtty "$(cj mtty-1)"
		line 20-v mtty-1 post define success "$U1" mtty "$(cj mtty-1)")"$'\n'
}

@test "a versioned script owns only its own type; other types go to the other scripts" {
	mk_samples
	mk_script "$CALLOUTS" 10-v "$(only_type mtty-1)
$(versioned "$(supports '"pre","post"' '"define"')")"
	mk_script "$CALLOUTS" 20-legacy
	run_exact -0 mdevadm define -u "$U1" -p mtty -t mtty-1
	run_exact -0 mdevadm define -u "$U2" -p mdpy -t mdpy-vga
	assert_log "$(probe 10-v mtty-1 "$U1" mtty
		line 10-v mtty-1 pre define none "$U1" mtty "$(cj mtty-1)"
		line 10-v mtty-1 post define success "$U1" mtty "$(cj mtty-1)"
		probe 10-v mdpy-vga "$U2" mdpy
		probe 20-legacy mdpy-vga "$U2" mdpy
		line 20-legacy mdpy-vga pre define none "$U2" mdpy "$(cj mdpy-vga)"
		line 20-legacy mdpy-vga post define success "$U2" mdpy "$(cj mdpy-vga)")"$'\n'
}

@test "a supports answer with a trailing NUL and newlines is still versioned" {
	mk_samples
	# versioned, it owns mtty-1 but not for define; a legacy one would get pre and post
	mk_script "$CALLOUTS" v \
		'if [ "$event $action" = "get capabilities" ]; then printf "%s\n\0" '"'$(supports '"pre","post"' '"start"')'"'; exit 0; fi'
	mk_script "$CALLOUTS" w
	run_exact -1 mdevadm define -u "$U1" -p mtty -t mtty-1
	run_exact -0 mdevadm define -u "$U1" -p mtty -t mtty-1 -f
	assert_log_np ""
	run_exact -0 mdevadm start -u "$U1"
	assert_log_np "$(line v mtty-1 pre start none "$U1" mtty "$(cj mtty-1)"
		line v mtty-1 post start success "$U1" mtty "$(cj mtty-1)")"$'\n'
}

@test "junk instead of capabilities JSON: the script is a legacy one and gets every event" {
	mk_samples
	mk_script "$CALLOUTS" j \
		'if [ "$event $action" = "get capabilities" ]; then echo "usage: j -t TYPE ..."; exit 0; fi'
	run_exact -0 mdevadm define -u "$U1" -p mtty -t mtty-1
	assert_log "$(probe j mtty-1 "$U1" mtty
		line j mtty-1 pre define none "$U1" mtty "$(cj mtty-1)"
		line j mtty-1 post define success "$U1" mtty "$(cj mtty-1)")"$'\n'
	[ "$stderr" = "" ]
}

@test "JSON without supports, or a failing probe: legacy too" {
	mk_samples
	for body in 'printf "{\"provides\":{}}"; exit 0' 'printf "[1,2]"; exit 0' 'exit 1' \
		'printf "{\"supports\":"; exit 0'; do
		rm -rf "$ROOT/$CALLOUTS" "$ROOT/etc/mdevctl.d/mtty"
		: >"$LOG"
		mk_script "$CALLOUTS" l \
			'if [ "$event $action" = "get capabilities" ]; then '"$body"'; fi'
		run_exact -0 mdevadm define -u "$U1" -p mtty -t mtty-1
		assert_log_np "$(line l mtty-1 pre define none "$U1" mtty "$(cj mtty-1)"
			line l mtty-1 post define success "$U1" mtty "$(cj mtty-1)")"$'\n' ||
			_fail "probe answer: $body"
	done
}

# -- caching ----------------------------------------------------------------------------------

@test "each script is probed once per run and type: define -u of an active device" {
	mk_samples
	mk_active mtty mtty-1 "$U1"
	mk_script "$CALLOUTS" 10-legacy 'exit 2'
	mk_script "$CALLOUTS" 20-v "$(versioned "$SUPPORTS_ALL")"
	run_exact -0 mdevadm define -u "$U1"
	[ "$(count_calls '10-legacy -t mtty-1 -e get -a capabilities ')" -eq 1 ]
	[ "$(count_calls '20-v -t mtty-1 -e get -a capabilities ')" -eq 1 ]
	assert_log_np "$(line 20-v mtty-1 get attributes none "$U1" mtty ""
		line 20-v mtty-1 pre define none "$U1" mtty "$(cj mtty-1)"
		line 20-v mtty-1 post define success "$U1" mtty "$(cj mtty-1)")"$'\n'
}

@test "list -v: one probe per script and type however many devices there are" {
	mk_samples
	mk_active mtty mtty-1 "$U1"
	mk_active mtty mtty-1 "$U2"
	mk_active mtty mtty-2 "$U3"
	mk_script "$CALLOUTS" 10-a 'exit 2'
	mk_script "$CALLOUTS" 20-b "$(versioned "$SUPPORTS_ALL")"
	run_exact -0 mdevadm list -v
	[ "$(count_calls ' -e get -a capabilities ')" -eq 4 ]
	[ "$(count_calls '10-a -t mtty-1 -e get -a capabilities ')" -eq 1 ]
	[ "$(count_calls '10-a -t mtty-2 -e get -a capabilities ')" -eq 1 ]
	[ "$(count_calls '20-b -t mtty-1 -e get -a capabilities ')" -eq 1 ]
	[ "$(count_calls '20-b -t mtty-2 -e get -a capabilities ')" -eq 1 ]
	[ "$(count_calls ' -e get -a attributes ')" -eq 3 ]
}

@test "every run probes again: the answer is not kept between commands" {
	mk_samples
	mk_script "$CALLOUTS" v "$(versioned "$SUPPORTS_ALL")"
	run_exact -0 mdevadm define -u "$U1" -p mtty -t mtty-1
	run_exact -0 mdevadm undefine -u "$U1"
	[ "$(count_calls ' -e get -a capabilities ')" -eq 2 ]
}

@test "start-parent-mdevs: one probe per type for all its devices" {
	mk_samples
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "auto"}'
	mk_config mtty "$U2" '{"mdev_type": "mtty-1", "start": "auto"}'
	mk_script "$CALLOUTS" v "$(versioned "$SUPPORTS_ALL")"
	fakekernel_start
	run_exact -0 mdevadm start-parent-mdevs mtty
	[ "$(count_calls ' -e get -a capabilities ')" -eq 1 ]
	[ "$(count_calls ' -e pre -a start ')" -eq 2 ]
	[ "$(count_calls ' -e post -a start -s success ')" -eq 2 ]
}

# -- live -------------------------------------------------------------------------------------

@test "modify --live: the versioned script gets live/modify with the new config; nothing stored" {
	live_tree
	mk_script "$CALLOUTS" v "$(versioned "$(supports '"live"' '"modify"')")"
	run_exact -0 mdevadm modify -u "$U1" --live --jsonfile "$NEW"
	[ "$output" = "" ]
	[ "$stderr" = "" ]
	assert_log "$(probe v mtty-1 "$U1" mtty
		line v mtty-1 live modify none "$U1" mtty "$NEWC")"$'\n'
	assert_unchanged
	# the device itself is the script's business: no attribute was written by mdevadm
	[ ! -e "$ROOT/$(parent_path mtty)/$U1/a" ]
}

@test "modify --live --defined: live first, then pre/post modify, the definition is replaced" {
	live_tree
	mk_script "$CALLOUTS" v "$(versioned "$SUPPORTS_ALL")"
	mk_script "$NOTIFIERS" nt
	run_exact -0 mdevadm modify -u "$U1" --live --defined --jsonfile "$NEW"
	# two changes, two notifications: the running device, then the definition
	assert_log_np "$(line v mtty-1 live modify none "$U1" mtty "$NEWC"
		line nt mtty-1 notify modify success "$U1" mtty "$NEWC"
		line v mtty-1 pre modify none "$U1" mtty "$NEWC"
		line v mtty-1 post modify success "$U1" mtty "$NEWC"
		line nt mtty-1 notify modify success "$U1" mtty "$NEWC")"$'\n'
	[ "$(count_calls ' -e get -a capabilities ')" -eq 1 ]
	assert_file_content "$(cfgfile mtty "$U1")" '{
  "mdev_type": "mtty-1",
  "start": "auto",
  "attrs": [
    {
      "a": "2"
    },
    {
      "b": "3"
    }
  ]
}
'
}

@test "modify --live: the notifiers hear about the live change" {
	live_tree
	mk_script "$CALLOUTS" v "$(versioned "$SUPPORTS_ALL")"
	mk_script "$NOTIFIERS" nt
	run_exact -0 mdevadm modify -u "$U1" --live --jsonfile "$NEW"
	grep -q "^nt -t mtty-1 -e notify -a modify -s [a-z]* -u $U1 -p mtty " "$LOG" ||
		_fail "no notifier ran after a live change:" "$(calls)"
}

@test "modify --live: a legacy script never gets live; without a versioned one, exit 1" {
	live_tree
	mk_script "$CALLOUTS" legacy
	mk_script "$NOTIFIERS" nt
	run_exact -1 mdevadm modify -u "$U1" --live --jsonfile "$NEW"
	assert_stderr_has live
	assert_stderr_has "$U1"
	[ "$(count_calls ' -e live ')" -eq 0 ]
	[ "$(count_calls ' -e pre ')" -eq 0 ]
	assert_unchanged
	run_exact -1 mdevadm modify -u "$U1" --live --defined --jsonfile "$NEW"
	[ "$(count_calls ' -e live ')" -eq 0 ]
	[ "$(count_calls ' -e pre ')" -eq 0 ]
	assert_unchanged
}

@test "modify --live: no scripts at all, exit 1 and nothing changed" {
	live_tree
	run_exact -1 mdevadm modify -u "$U1" --live --jsonfile "$NEW"
	assert_stderr_has "$U1"
	run_exact -1 mdevadm modify -u "$U1" --live --defined --jsonfile "$NEW"
	assert_unchanged
}

@test "modify --live: a versioned script that does not list live is not asked" {
	live_tree
	mk_script "$CALLOUTS" 10-v "$(versioned "$(supports '"pre","post","get"' '"modify"')")"
	mk_script "$CALLOUTS" 20-v "$(versioned "$SUPPORTS_ALL")"
	run_exact -1 mdevadm modify -u "$U1" --live --defined --jsonfile "$NEW"
	assert_log "$(probe 10-v mtty-1 "$U1" mtty)"$'\n'
	assert_unchanged
}

@test "modify --live: a versioned script listing live but not modify is not asked" {
	live_tree
	mk_script "$CALLOUTS" v "$(versioned "$(supports '"live"' '"define"')")"
	run_exact -1 mdevadm modify -u "$U1" --live --jsonfile "$NEW"
	[ "$(count_calls ' -e live ')" -eq 0 ]
	assert_unchanged
}

@test "modify --live: a legacy script before the versioned one is skipped for live" {
	live_tree
	mk_script "$CALLOUTS" 10-legacy
	mk_script "$CALLOUTS" 20-v "$(versioned "$(supports '"live"' '"modify"')")"
	run_exact -0 mdevadm modify -u "$U1" --live --jsonfile "$NEW"
	assert_log_np "$(line 20-v mtty-1 live modify none "$U1" mtty "$NEWC")"$'\n'
}

@test "modify --live: the script refusing (exit 1) fails the command, the definition stays" {
	live_tree
	mk_script "$CALLOUTS" v "$(versioned "$SUPPORTS_ALL")
$(fail_on live modify)"
	run_exact -1 mdevadm modify -u "$U1" --live --defined --jsonfile "$NEW"
	assert_stderr_has v
	assert_stderr_has "$U1"
	assert_log_np "$(line v mtty-1 live modify none "$U1" mtty "$NEWC")"$'\n'
	assert_unchanged
}

@test "modify --live of a device that is not active fails and runs no script" {
	live_tree
	mk_config mtty "$U2" "$ORIG"
	mk_script "$CALLOUTS" v "$(versioned "$SUPPORTS_ALL")"
	run_exact -1 mdevadm modify -u "$U2" --live --jsonfile "$NEW"
	[ "$(count_calls ' -e live ')" -eq 0 ]
	assert_file_content "$(cfgfile mtty "$U2")" "$ORIG"
}

@test "modify --live without --jsonfile is a usage error and runs no script" {
	live_tree
	mk_script "$CALLOUTS" v "$(versioned "$SUPPORTS_ALL")"
	run_exact -2 mdevadm modify -u "$U1" --live --auto
	assert_log ""
	assert_unchanged
}
