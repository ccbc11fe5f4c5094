# SPDX-License-Identifier: LGPL-2.1-or-later
# Helpers for tests/upstream-*.bats: upstream mdevctl's own test suite (src/tests/*.rs in
# github.com/mdevctl/mdevctl), case by case, run against the mdevadm binary on a fake tree.
# Each @test names the upstream case it ports as "UPSTREAM_FILE/CASE: what it checks".
# Expected listings are under tests/upstream/ (one file per distinct output, the exact bytes
# mdevadm prints); definitions used as input are under tests/upstream/defs/.
#
# Load after test_helper and callout_helper.

UP="$BATS_TEST_DIRNAME/upstream"

# the UUIDs and parents the upstream cases use
UUID=976d8cc2-4bfc-43b9-b9f9-f4af2de91ab9
P2=0000:00:02.0
P3=0000:00:03.0
# the UUIDs upstream's versioned test scripts answer `get capabilities` for
UV=11111111-1111-0000-0000-000000000000
UV_LIVE=11111111-1111-1111-0000-000000000000

# the six attributes of tests/upstream/defs/ap-manual.json, for assert_cfg
AP_ATTRS=(assign_adapter 5 assign_adapter 6 assign_domain 0xab assign_control_domain 0xab
	assign_domain 4 assign_control_domain 4)

# up_type PARENT TYPE AVAIL [API [NAME [DESCRIPTION]]]: PARENT (created when missing) supports
# TYPE. Upstream's parents are bare directories; ours are registered like the kernel's.
up_type() {
	[ -L "$ROOT/sys/class/mdev_bus/$1" ] || mk_parent "$1"
	mk_type "$@"
}

# up_active UUID PARENT TYPE: UUID runs on PARENT as TYPE (one instance was available).
up_active() {
	[ -d "$(tdir "$2" "$3" 2>/dev/null)" ] 2>/dev/null || up_type "$2" "$3" 1 ""
	mk_active "$2" "$3" "$1"
}

# up_defined UUID PARENT DEF: UUID is defined on PARENT as tests/upstream/defs/DEF.json.
up_defined() {
	mkdir -p "$ROOT/etc/mdevctl.d/$2"
	cp "$UP/defs/$3.json" "$(cfg "$2" "$1")"
}

# -- callout scripts like upstream's testdata/callouts, written as ours --------------------------
# Each logs its calls to $LOG (see mk_script in callout_helper.bash).

# up_script KIND [NAME [DIR]]: a callout of KIND named NAME (default KIND) in DIR (default the
# documented directory; OLD for the deprecated one). KINDs:
#   rc0, rc1, rc2        exit 0, 1 or 2 whatever is asked
#   attrs, attrs-nul     print [{"attribute0": "VALUE"}] (with a trailing NUL), exit 0
#   not-json             print "not json", exit 0
#   type-a, -b, -c       exit 2 for every other type than type_a, ...; 0 for a and b, 1 for c
#   ver-rc0              versioned by UUID (ver_caps); pre and post of the five actions exit 0,
#                        get attributes prints attrs, anything else exits 1
#   ver-rc1              versioned by UUID; get attributes prints attrs, anything else exits 1
#   ver-bad-attrs        versioned by UUID; get attributes prints "not json"
#   live-rc0, live-rc1   versioned by UUID (live_caps); the live event exits 0 or 1, the rest 0
up_script() {
	local kind=$1 name=${2:-$1} dir=$CALLOUTS body
	[ "${3-}" != OLD ] || dir=$OLD_CALLOUTS
	case $kind in
	rc[0-2]) body="exit ${kind#rc}" ;;
	attrs) body="printf '%s' '[{\"attribute0\": \"VALUE\"}]'" ;;
	attrs-nul) body="printf '%s\\0' '[{\"attribute0\": \"VALUE\"}]'" ;;
	not-json) body="printf 'not json'" ;;
	type-[abc])
		body="[ \"\$type\" = type_${kind#type-} ] || exit 2"$'\n'
		[ "$kind" = type-c ] && body+="exit 1" || body+="exit 0"
		;;
	ver-rc0)
		body="$(ver_caps 1)"$'\n'"$(attrs_on_get '[{"attribute0": "VALUE"}]')"$'\n'
		body+='case "$event $action" in pre\ *|post\ *) case $action in'
		body+=' define|undefine|start|stop|modify) exit 0 ;; esac ;; esac; exit 1'
		;;
	ver-rc1) body="$(ver_caps 1)"$'\n'"$(attrs_on_get '[{"attribute0": "VALUE"}]')"$'\nexit 1' ;;
	ver-bad-attrs) body="$(ver_caps 1)"$'\n'"$(attrs_on_get 'not json')"$'\nexit 1' ;;
	live-rc[01])
		body="$(live_caps)"$'\n'"[ \"\$event\" != live ] || exit ${kind#live-rc}"$'\nexit 0'
		;;
	*) _fail "up_script: unknown kind $kind" || return ;;
	esac
	mk_script "$dir" "$name" "$body"
}

# attrs_on_get OUTPUT: sh code printing OUTPUT for `get attributes`.
attrs_on_get() {
	printf '[ "$event $action" != "get attributes" ] || { printf %%s %s; exit 0; }' "'$1'"
}

# caps_inner ACTIONS EVENTS [VERSION]: what a capabilities answer says a script supports;
# caps_answer ACTIONS EVENTS [VERSION]: the whole answer.
caps_inner() { printf '{"version":%s,"actions":[%s],"events":[%s]}' "${3:-2}" "$1" "$2"; }
caps_answer() { printf '{"supports":%s}' "$(caps_inner "$@")"; }

V2_ACTIONS='"start","stop","define","undefine","modify","attributes","capabilities"'
V2_EVENTS='"pre","post","notify","get"'

# ver_caps DEFAULT: sh code answering `get capabilities` by UUID, as upstream's versioned test
# scripts do; other UUIDs get exit DEFAULT.
#   ...-000000000000  version 2, every action, no live       exit 0
#   ...-111111111111  the same answer                         exit 1
#   ...-222222222222  the same answer                         exit 2
#   ...-aaaaaaaaaaaa  "This output is bad"                    exit 0
#   ...-bbbbbbbbbbbb  an unknown action "dummy" as well       exit 0
#   ...-cccccccccccc  an unknown event "dummy" as well        exit 0
#   ...-dddddddddddd  no "modify" action                      exit 0
#   ...-eeeeeeeeeeee  "provides" next to "supports"           exit 0
#   ...-ffffffffffff  broken JSON                             exit 0
ver_caps() {
	local full inner no_modify
	inner=$(caps_inner "$V2_ACTIONS" "$V2_EVENTS")
	full="{\"supports\":$inner}"
	no_modify=$(caps_answer '"start","stop","define","undefine","attributes","capabilities"' \
		"$V2_EVENTS")
	printf '%s\n' \
		'if [ "$event $action" = "get capabilities" ]; then' \
		'	case $uuid in' \
		"	*-000000000000) printf %s '$full'; exit 0 ;;" \
		"	*-111111111111) printf %s '$full'; exit 1 ;;" \
		"	*-222222222222) printf %s '$full'; exit 2 ;;" \
		"	*-aaaaaaaaaaaa) echo 'This output is bad'; exit 0 ;;" \
		"	*-bbbbbbbbbbbb) printf %s '$(caps_answer "$V2_ACTIONS,\"dummy\"" "$V2_EVENTS")'; exit 0 ;;" \
		"	*-cccccccccccc) printf %s '$(caps_answer "$V2_ACTIONS" "$V2_EVENTS,\"dummy\"")'; exit 0 ;;" \
		"	*-dddddddddddd) printf %s '$no_modify'; exit 0 ;;" \
		"	*-eeeeeeeeeeee) printf %s '{\"provides\":$inner,\"supports\":$inner}'; exit 0 ;;" \
		"	*-ffffffffffff) printf %s '{\"supports\":{{{\"version\":111111}}'; exit 0 ;;" \
		"	*) exit $1 ;;" \
		'	esac' \
		'fi'
}

# live_caps: sh code answering `get capabilities` like upstream's live test scripts: version 2
# without live for ...-0000-000000000000, version 3 with live for ...-1111-0000-000000000000,
# exit 2 for any other UUID.
live_caps() {
	printf '%s\n' \
		'if [ "$event $action" = "get capabilities" ]; then' \
		'	case $uuid in' \
		"	$UV) printf %s '$(caps_answer "$V2_ACTIONS" "$V2_EVENTS")'; exit 0 ;;" \
		"	$UV_LIVE) printf %s '$(caps_answer "$V2_ACTIONS" "$V2_EVENTS,\"live\"" 3)'; exit 0 ;;" \
		'	*) exit 2 ;;' \
		'	esac' \
		'fi'
}

# up_out FILE: $output is exactly tests/upstream/FILE.
up_out() { assert_output_file "$UP/$1"; }
