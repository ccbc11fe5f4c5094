#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# Upstream mdevctl's undefine tests (test_undefine in src/tests/define.rs): one or several
# parents, a UUID that is not defined, and callouts (legacy and versioned) that allow or refuse.

load test_helper
load callout_helper
load upstream_helper

# gone PARENT UUID / kept PARENT UUID: the definition was removed / is still there, unchanged.
gone() { [ ! -e "$(cfg "$1" "$2")" ] || _fail "$1/$2 is still defined"; }
kept() { cmp "$UP/defs/ap-manual.json" "$(cfg "$1" "$2")"; }

@test "define.rs/undefine single: the definition goes, nothing is printed" {
	up_defined "$UUID" "$P3" ap-manual
	run_exact -0 mdevadm undefine -u "$UUID" -p "$P3"
	assert_quiet
	gone "$P3" "$UUID"
}

@test "define.rs/undefine multiple-parent: -p removes only that parent's definition" {
	up_defined "$UUID" "$P3" ap-manual
	up_defined "$UUID" "$P2" ap-manual
	run_exact -0 mdevadm undefine -u "$UUID" -p "$P3"
	assert_quiet
	gone "$P3" "$UUID"
	kept "$P2" "$UUID"
}

@test "define.rs/undefine multiple-noparent: without -p every parent's definition goes" {
	up_defined "$UUID" "$P3" ap-manual
	up_defined "$UUID" "$P2" ap-manual
	run_exact -0 mdevadm undefine -u "$UUID"
	assert_quiet
	gone "$P3" "$UUID"
	gone "$P2" "$UUID"
}

@test "define.rs/undefine nonexistent: a UUID not defined there fails" {
	run_exact -1 mdevadm undefine -u "$UUID" -p "$P3"
	assert_stderr_line "*cannot undefine $UUID: not defined on $P3"
	up_defined "$UUID" "$P2" ap-manual
	run_exact -1 mdevadm undefine -u "$UUID" -p "$P3"
	kept "$P2" "$UUID"
}

@test "define.rs/undefine single-callout-all-pass: a callout answering 0 lets it through" {
	up_defined "$UUID" "$P3" ap-manual
	up_script rc0 rc0.sh
	run_exact -0 mdevadm undefine -u "$UUID" -p "$P3"
	gone "$P3" "$UUID"
}

@test "define.rs/undefine single-callout-pre-fail, -pre-fail-force: pre 1 refuses; -f wins" {
	up_defined "$UUID" "$P3" ap-manual
	up_script rc1 rc1.sh
	run_exact -1 mdevadm undefine -u "$UUID" -p "$P3"
	kept "$P3" "$UUID"
	run_exact -0 mdevadm undefine -u "$UUID" -p "$P3" -f
	gone "$P3" "$UUID"
}

@test "define.rs/undefine-single-with-version-callout-all-pass, -all-fail" {
	up_defined "$UV" "$P3" ap-manual
	up_script ver-rc1 ver-rc1.sh
	run_exact -1 mdevadm undefine -u "$UV" -p "$P3"
	kept "$P3" "$UV"
	rm "$ROOT/$CALLOUTS/ver-rc1.sh"
	up_script ver-rc0 ver-rc0.sh
	run_exact -0 mdevadm undefine -u "$UV" -p "$P3"
	gone "$P3" "$UV"
}

@test "define.rs/undefine define-with-version-callout-multiple-with-version-pass, -pass2, -fail" {
	up_defined "$UV" "$P3" ap-manual
	up_script rc0 rc0.sh
	up_script ver-rc1 ver-rc1.sh
	run_exact -1 mdevadm undefine -u "$UV" -p "$P3"
	kept "$P3" "$UV"
	rm "$ROOT/$CALLOUTS/ver-rc1.sh"
	up_script ver-rc0 ver-rc0.sh
	run_exact -0 mdevadm undefine -u "$UV" -p "$P3"
	gone "$P3" "$UV"
	up_defined "$UV" "$P3" ap-manual
	rm "$ROOT/$CALLOUTS/rc0.sh"
	up_script rc1 rc1.sh
	run_exact -0 mdevadm undefine -u "$UV" -p "$P3"
	gone "$P3" "$UV"
}
