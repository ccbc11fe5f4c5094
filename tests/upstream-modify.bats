#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# Upstream mdevctl's modify tests (src/tests/modify.rs): every edit of a definition, the parent
# needed when a UUID is defined twice, --jsonfile, callouts (legacy and versioned), and --live
# (with and without --defined) through versioned callouts that do or do not support it.

load test_helper
load callout_helper
load upstream_helper

AP=vfio_ap-passthrough

# the attributes of tests/upstream/defs/ap-auto.json (upstream's modified.json)
AP_AUTO_ATTRS=(assign_adapter 0x04 assign_domain 0x0005 assign_control_domain 0x0005)

# unchanged PARENT UUID: the definition is still the one up_defined wrote.
unchanged() { cmp "$UP/defs/ap-manual.json" "$(cfg "$1" "$2")"; }

# on_p3 [DEF]: UUID defined on P3 as ap-manual (or DEF).
on_p3() { up_defined "${UUID_ON:-$UUID}" "$P3" "${1:-ap-manual}"; }

@test "modify.rs/device-not-defined: nothing to change, or a UUID not defined, fails" {
	run_exact -2 mdevadm modify -u "$UUID"
	[[ $stderr == *"nothing to modify"* ]]
	run_exact -1 mdevadm modify -u "$UUID" -a
	assert_stderr_line "*cannot modify $UUID: not defined"
}

@test "modify.rs/auto, manual: -a and -m set the start mode and keep the rest" {
	on_p3
	run_exact -0 mdevadm modify -u "$UUID" -p "$P3" -a
	assert_defined "$P3" "$UUID" "$AP" auto "${AP_ATTRS[@]}"
	run_exact -0 mdevadm modify -u "$UUID" -p "$P3" -m
	assert_defined "$P3" "$UUID" "$AP" manual "${AP_ATTRS[@]}"
}

@test "modify.rs/delattr: --delattr --index 2 removes the third attribute" {
	on_p3
	run_exact -0 mdevadm modify -u "$UUID" -p "$P3" --delattr --index 2
	assert_defined "$P3" "$UUID" "$AP" manual "${AP_ATTRS[@]:0:4}" "${AP_ATTRS[@]:6}"
}

@test "modify.rs/delattr-noindex: --delattr alone removes the last attribute" {
	on_p3
	run_exact -0 mdevadm modify -u "$UUID" -p "$P3" --delattr
	assert_defined "$P3" "$UUID" "$AP" manual "${AP_ATTRS[@]:0:10}"
}

@test "modify.rs/addattr: --addattr --value --index 3 inserts before the fourth" {
	on_p3
	run_exact -0 mdevadm modify -u "$UUID" -p "$P3" --addattr added-attr \
		--value added-attr-value --index 3
	assert_defined "$P3" "$UUID" "$AP" manual "${AP_ATTRS[@]:0:6}" added-attr added-attr-value \
		"${AP_ATTRS[@]:6}"
}

@test "modify.rs/addattr-noindex: --addattr --value appends" {
	on_p3
	run_exact -0 mdevadm modify -u "$UUID" -p "$P3" --addattr added-attr --value added-attr-value
	assert_defined "$P3" "$UUID" "$AP" manual "${AP_ATTRS[@]}" added-attr added-attr-value
}

@test "modify.rs/mdev_type: -t changes the type only" {
	on_p3
	run_exact -0 mdevadm modify -u "$UUID" -p "$P3" -t changed-mdev-type
	assert_defined "$P3" "$UUID" changed-mdev-type manual "${AP_ATTRS[@]}"
}

@test "modify.rs/multiple-noparent: a UUID defined on two parents needs -p" {
	on_p3
	up_defined "$UUID" "$P2" ap-manual
	run_exact -1 mdevadm modify -u "$UUID" -a
	assert_stderr_line "*defined on several parents*--parent"
	unchanged "$P3" "$UUID"
	unchanged "$P2" "$UUID"
}

@test "modify.rs/multiple-parent: with -p only that parent's definition changes" {
	on_p3
	up_defined "$UUID" "$P2" ap-manual
	run_exact -0 mdevadm modify -u "$UUID" -p "$P3" -a
	assert_defined "$P3" "$UUID" "$AP" auto "${AP_ATTRS[@]}"
	unchanged "$P2" "$UUID"
}

@test "modify.rs/auto-manual: -a with -m is refused" {
	on_p3
	run_exact -2 mdevadm modify -u "$UUID" -p "$P3" -a -m
	unchanged "$P3" "$UUID"
}

@test "modify.rs/jsonfile: --jsonfile replaces the whole definition" {
	on_p3
	run_exact -0 mdevadm modify -u "$UUID" -p "$P3" --jsonfile "$UP/defs/ap-auto.json"
	assert_defined "$P3" "$UUID" "$AP" auto "${AP_AUTO_ATTRS[@]}"
}

@test "modify.rs/callout-pass, callout-fail, callout-fail-force" {
	on_p3
	up_script rc1 rc1.sh
	run_exact -1 mdevadm modify -u "$UUID" -p "$P3" -a
	unchanged "$P3" "$UUID"
	run_exact -0 mdevadm modify -u "$UUID" -p "$P3" -a -f
	assert_cfg "$(cfg "$P3" "$UUID")" "$AP" auto "${AP_ATTRS[@]}"
	rm "$ROOT/$CALLOUTS/rc1.sh"
	up_script rc0 rc0.sh
	run_exact -0 mdevadm modify -u "$UUID" -p "$P3" -m
	assert_defined "$P3" "$UUID" "$AP" manual "${AP_ATTRS[@]}"
}

# modify_json RC: modify --jsonfile of UV on P3, expecting exit RC; on success the definition
# is ap-auto, else unchanged.
modify_json() {
	run_exact "-$1" mdevadm modify -u "$UV" -p "$P3" --jsonfile "$UP/defs/ap-auto.json"
	if [ "$1" = 0 ]; then
		assert_cfg "$(cfg "$P3" "$UV")" "$AP" auto "${AP_AUTO_ATTRS[@]}"
	else
		unchanged "$P3" "$UV"
	fi
}

@test "modify.rs/modify-jsonfile-with-version-callout-all-pass, -all-fail" {
	UUID_ON=$UV on_p3
	up_script ver-rc1 ver-rc1.sh
	modify_json 1
	rm "$ROOT/$CALLOUTS/ver-rc1.sh"
	up_script ver-rc0 ver-rc0.sh
	modify_json 0
}

@test "modify.rs/modify-jsonfile-with-version-callout-multiple-with-version-pass, -pass2, -fail" {
	UUID_ON=$UV on_p3
	up_script rc0 rc0.sh
	up_script ver-rc1 ver-rc1.sh
	modify_json 1
	rm "$ROOT/$CALLOUTS/ver-rc1.sh"
	up_script ver-rc0 ver-rc0.sh
	modify_json 0
	UUID_ON=$UV on_p3
	rm "$ROOT/$CALLOUTS/rc0.sh"
	up_script rc1 rc1.sh
	modify_json 0
}

# -- --live ----------------------------------------------------------------------------------

# live_tree UUID: UUID defined on P3 as ap-manual and running there as vfio_ap-passthrough.
live_tree() {
	up_defined "$1" "$P3" ap-manual
	up_active "$1" "$P3" "$AP"
}

@test "modify.rs/live-event-supported: --live reaches the running device, not the definition" {
	live_tree "$UV_LIVE"
	up_script live-rc0 live-rc0.sh
	run_exact -0 mdevadm modify -u "$UV_LIVE" -p "$P3" --live --jsonfile "$UP/defs/ap-auto.json"
	unchanged "$P3" "$UV_LIVE"
	[ "$(count_calls " -e live -a modify ")" -eq 1 ]
}

@test "modify.rs/live-event-unsupported-by-callout: a script without live refuses --live" {
	live_tree "$UV"
	up_script live-rc0 live-rc0.sh
	run_exact -1 mdevadm modify -u "$UV" -p "$P3" --live --jsonfile "$UP/defs/ap-auto.json"
	unchanged "$P3" "$UV"
	[ "$(count_calls " -e live ")" -eq 0 ]
}

@test "modify.rs/live-unsupported-script-without-version-support: --live needs --jsonfile" {
	live_tree "$UUID"
	up_script live-rc0 live-rc0.sh
	run_exact -2 mdevadm modify -u "$UUID" -p "$P3" --live
	assert_stderr_line "*--live needs --jsonfile*"
	unchanged "$P3" "$UUID"
}

@test "modify.rs/live-supported-but-fails: the live event's failure fails the command" {
	live_tree "$UV_LIVE"
	up_script live-rc1 live-rc1.sh
	run_exact -1 mdevadm modify -u "$UV_LIVE" -p "$P3" --live --jsonfile "$UP/defs/ap-auto.json"
	unchanged "$P3" "$UV_LIVE"
}

@test "modify.rs/live-fail-without-jsonfile: --live needs --jsonfile, whatever the script" {
	live_tree "$UV_LIVE"
	up_script live-rc0 live-rc0.sh
	run_exact -2 mdevadm modify -u "$UV_LIVE" -p "$P3" --live
	assert_stderr_line "*--live needs --jsonfile*"
	[ "$(count_calls " -e live ")" -eq 0 ]
}

# mk_modify_active: a versioned script (live_caps) that remembers the attributes a live change
# sent and reports them for get attributes ([] before any); pre and post of modify exit 0,
# anything else 1. Like upstream's modify-active.sh.
mk_modify_active() {
	local state="$BATS_TEST_TMPDIR/live-attrs"
	mk_script "$CALLOUTS" modify-active.sh "$(live_caps)
case \"\$event \$action\" in
'pre modify' | 'post modify') exit 0 ;;
'get attributes') cat '$state' 2>/dev/null || printf '[]'; exit 0 ;;
'live modify') printf '%s' \"\$in\" | sed 's/.*\"attrs\":\\(\\[.*\\]\\)}\$/\\1/' >'$state'; exit 0 ;;
esac
exit 1"
}

@test "modify.rs/live-defined-supported: --live --defined changes the device and the definition" {
	live_tree "$UV_LIVE"
	mk_modify_active
	run_exact -0 mdevadm modify -u "$UV_LIVE" -p "$P3" --live --defined \
		--jsonfile "$UP/defs/ap-auto.json"
	assert_cfg "$(cfg "$P3" "$UV_LIVE")" "$AP" auto "${AP_AUTO_ATTRS[@]}"
	# the running device now reports the new attributes, and the definition's start
	run_exact -0 mdevadm list --dumpjson -u "$UV_LIVE"
	printf '%s' "$output" >"$BATS_TEST_TMPDIR/shown"
	assert_cfg "$BATS_TEST_TMPDIR/shown" "$AP" auto "${AP_AUTO_ATTRS[@]}"
}

@test "modify.rs/live-defined-live-event-unsupported: no live support: neither changes" {
	live_tree "$UV"
	mk_modify_active
	run_exact -1 mdevadm modify -u "$UV" -p "$P3" --live --defined \
		--jsonfile "$UP/defs/ap-auto.json"
	unchanged "$P3" "$UV"
	[ ! -e "$BATS_TEST_TMPDIR/live-attrs" ]
}

@test "modify.rs/defined-only: --defined alone changes the definition, not the device" {
	live_tree "$UUID"
	mk_modify_active
	run_exact -0 mdevadm modify -u "$UUID" -p "$P3" --defined --addattr added-attr \
		--value added-attr-value
	assert_defined "$P3" "$UUID" "$AP" manual "${AP_ATTRS[@]}" added-attr added-attr-value
	[ "$(count_calls " -e live ")" -eq 0 ]
	# Upstream lists the running device with no attributes: its script answers the capabilities
	# probe with 2 and get attributes with []. To mdevadm 2 is "not my type", so no script
	# speaks for the device, and a device running as defined shows its definition (as 1.2 did).
	run_exact -0 mdevadm list --dumpjson -u "$UUID"
	printf '%s' "$output" >"$BATS_TEST_TMPDIR/shown"
	assert_cfg "$BATS_TEST_TMPDIR/shown" "$AP" manual "${AP_ATTRS[@]}" added-attr added-attr-value
}
