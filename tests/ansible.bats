#!/usr/bin/env bats
# SPDX-License-Identifier: LGPL-2.1-or-later
# The Ansible collection (contrib/ansible), run for real: Debian's ansible-core, local
# connection, fake trees as hosts.  First run changed, second not; check mode changes no file;
# diff mode shows the change; a bad layout fails with mdevadm's own message; a fleet converges
# in one run; ansible-doc renders every module.

load test_helper

KERNELS=()

teardown() {
	local pid
	for pid in "${KERNELS[@]}"; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	common_teardown
}

COLLECTIONS="$BATS_TEST_DIRNAME/../contrib/ansible"
EXAMPLES="$COLLECTIONS/examples"

setup() {
	command -v ansible-playbook >/dev/null ||
		skip "ansible-playbook is not installed (Debian: apt-get install ansible-core)"
	need_jq
	common_setup
	# ansible writes under HOME and its temporary directories: keep them in the test's
	export HOME="$BATS_TEST_TMPDIR/home" ANSIBLE_LOCAL_TEMP="$BATS_TEST_TMPDIR/ansible-local"
	export ANSIBLE_REMOTE_TEMP="$BATS_TEST_TMPDIR/ansible-remote"
	export ANSIBLE_COLLECTIONS_PATH="$COLLECTIONS" ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0
	export ANSIBLE_DEPRECATION_WARNINGS=0 ANSIBLE_LOCALHOST_WARNING=0 ANSIBLE_INVENTORY_UNPARSED_WARNING=0
	mkdir -p "$HOME"
	# a busy machine may keep the fake kernels waiting longer than a real kernel ever does
	export MDEVADM_APPEAR_TIMEOUT_MS=10000
	# the modules find mdevadm in the PATH, as on a host where it is installed
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	ln -s "$MDEVADM" "$BATS_TEST_TMPDIR/bin/mdevadm"
	export PATH="$BATS_TEST_TMPDIR/bin:$PATH"
	PY=$(command -v /usr/bin/python3 || command -v python3)
	PLAY="$BATS_TEST_TMPDIR/play.yml"
	mk_mtty
	mk_parent 0000:3b:00.0
	mk_type 0000:3b:00.0 nvidia-230 4 vfio-pci "GRID T4-4Q"
}

# play TASK-YAML: a one-task playbook against localhost, the task's module options indented
play() {
	cat >"$PLAY" <<EOF
- hosts: all
  gather_facts: false
  tasks:
    - name: the task
$1
EOF
}

# playbook ARGS...: ansible-playbook, each host's last task result saved as JSON in $TREE/HOST
# (the tree callback of ansible-core); $output is the screen output
playbook() {
	TREE="$BATS_TEST_TMPDIR/tree"
	rm -rf "$TREE"
	ANSIBLE_CALLBACKS_ENABLED=ansible.builtin.tree ANSIBLE_CALLBACK_TREE_DIR="$TREE" \
		run_exact ansible-playbook "$@"
}

# ansible [ARGS...]: the one-task playbook on localhost
ansible() { playbook -i localhost, -c local -e ansible_python_interpreter="$PY" "$PLAY" "$@"; }

# task_result FIELD [HOST]: FIELD of the task's result on HOST (localhost)
task_result() { jq -c ".$1" "$TREE/${2:-localhost}"; }

# changed HOST: how many tasks changed on HOST, from the play recap
changed() { sed -n -E "s/^$1 +: .* changed=([0-9]+) .*/\1/p" <<<"$output"; }

apply_task() {
	play '      mdevadm.mdev.mdev_apply:
        root: "'"$ROOT"'"
        devices:
          - {parent: "0000:3b:00.0", type: nvidia-230, count: 2, start: auto}
          - {parent: mtty, type: mtty-1, uuid: "'"$U1"'", attrs: [{k: v}]}'
}

@test "ansible: mdev_apply: the first run reports changed, the second does not" {
	fakekernel_start
	apply_task
	ansible
	[ "$status" -eq 0 ] || _fail "$output" "$stderr"
	[ "$(changed localhost)" = 1 ]
	[ "$(task_result 'actions | map(.action)')" = '["define","define","define","start","start"]' ]
	[ "$(task_result 'actions | map(select(.action == "start") | .uuid) | all(test("^[0-9a-f-]{36}$"))')" = true ]
	assert_cfg "$(cfg mtty "$U1")" mtty-1 manual k v
	[ "$(mdevadm list | grep -c ' 0000:3b:00.0 nvidia-230 auto (defined)$')" -eq 2 ]
	ansible
	[ "$status" -eq 0 ]
	[ "$(changed localhost)" = 0 ]
	[ "$(task_result actions)" = '[]' ]
}

@test "ansible: mdev_apply: check mode changes no file and reports the plan" {
	apply_task
	before=$(tree_snapshot "$ROOT")
	ansible --check
	[ "$status" -eq 0 ] || _fail "$output" "$stderr"
	[ "$(changed localhost)" = 1 ]
	[ "$(task_result 'actions | map([.action, .uuid])')" = \
		'[["define",null],["define",null],["define","'"$U1"'"],["start",null],["start",null]]' ]
	# the tree is as it was, save the store lock mdevadm takes
	[ "$(tree_snapshot "$ROOT" | grep -v '^./run\|/run/lock/')" = "$(grep -v '^./run\|/run/lock/' <<<"$before")" ]
}

@test "ansible: mdev_apply: diff mode shows each definition before and after" {
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "auto", "attrs": []}'
	play '      mdevadm.mdev.mdev_apply:
        root: "'"$ROOT"'"
        devices: [{parent: mtty, type: mtty-1, uuid: "'"$U1"'", start: manual}]'
	# the default callback prints the diff as a person reads it
	run_exact ansible-playbook -i localhost, -c local -e ansible_python_interpreter="$PY" "$PLAY" --check --diff
	[ "$status" -eq 0 ] || _fail "$output" "$stderr"
	[[ $output == *"--- before: /etc/mdevctl.d/mtty/$U1"* ]]
	[[ $output == *"+++ after: /etc/mdevctl.d/mtty/$U1"* ]]
	[[ $output == *'-  "start": "auto",'* ]]
	[[ $output == *'+  "start": "manual",'* ]]
	[[ $output == *"changed: [localhost]"* ]]
	assert_file_content "$(cfg mtty "$U1")" '{"mdev_type": "mtty-1", "start": "auto", "attrs": []}'
}

@test "ansible: mdev_apply: a bad layout fails with mdevadm's message and changes nothing" {
	play '      mdevadm.mdev.mdev_apply:
        root: "'"$ROOT"'"
        devices: [{parent: mtty, type: mtty-1, count: -1}]'
	ansible
	[ "$status" -ne 0 ]
	[ "$(task_result msg)" = '"mdevadm: standard input: devices[0].count: must be an integer >= 0"' ]
	[ "$(sed -n -E 's/^localhost +: .* failed=([0-9]+) .*/\1/p' <<<"$output")" = 1 ]
	[ ! -e "$ROOT/etc/mdevctl.d" ]
	play '      mdevadm.mdev.mdev_apply:
        root: "'"$ROOT"'"
        devices: [{parent: nope, type: mtty-1, count: 1}]'
	ansible
	[ "$(task_result msg)" = '"mdevadm: standard input: devices[0].parent: parent nope not found"' ]
}

@test "ansible: mdev_apply: a held device is not stopped; the task names the process" {
	mk_active mtty mtty-1 "$U2" 7
	mk_holder 4242 /dev/vfio/7 qemu-system-x86_64 -name guest=vm1
	play '      mdevadm.mdev.mdev_apply:
        root: "'"$ROOT"'"
        devices: [{parent: mtty, type: mtty-2, count: 0}]'
	ansible
	[ "$status" -ne 0 ]
	[[ $(task_result msg) == *"cannot stop $U2 on mtty (not in the layout): in use by 4242 (qemu-system-x86_64 -name guest=vm1)"* ]]
	[ -e "$ROOT/sys/bus/mdev/devices/$U2" ]
}

@test "ansible: mdev_facts: parents, types, devices and groups" {
	mk_active mtty mtty-1 "$U1" 3
	mk_config mtty "$U1" '{"mdev_type": "mtty-1", "start": "auto"}'
	play '      mdevadm.mdev.mdev_facts:
        root: "'"$ROOT"'"'
	ansible --check
	[ "$status" -eq 0 ] || _fail "$output" "$stderr"
	[ "$(task_result 'ansible_facts.mdev.parents')" = '["0000:3b:00.0","mtty"]' ]
	[ "$(task_result 'ansible_facts.mdev.types.mtty["mtty-1"].available_instances')" = 23 ]
	[ "$(task_result 'ansible_facts.mdev.active["'"$U1"'"] | [.parent, .mdev_type, .start]')" = '["mtty","mtty-1","auto"]' ]
	[ "$(task_result 'ansible_facts.mdev.defined.mtty | keys')" = '["'"$U1"'"]' ]
	[ "$(task_result 'ansible_facts.mdev.iommu_groups | map(.group)')" = '[3]' ]
	[ "$(task_result changed)" = false ]
}

@test "ansible: the example fleet converges in one run: one root per host, a config per group" {
	local h
	for h in t4-a t4-b t4-c a100-a; do
		ROOT="$BATS_TEST_TMPDIR/$h"
		mkdir -p "$ROOT"
		case $h in
		t4-*)
			mk_parent 0000:3b:00.0
			mk_type 0000:3b:00.0 nvidia-230 4 vfio-pci "GRID T4-4Q"
			mk_type 0000:3b:00.0 nvidia-232 2 vfio-pci "GRID T4-8Q"
			;;
		a100-*)
			mk_parent 0000:41:00.0
			mk_type 0000:41:00.0 nvidia-475 2 vfio-pci "GRID A100-20C"
			mk_parent 0000:c1:00.0
			mk_type 0000:c1:00.0 nvidia-475 2 vfio-pci "GRID A100-20C"
			;;
		esac
	done
	# a host that already runs a layout by hand: mdevadm adopts what fits and keeps its UUID
	ROOT="$BATS_TEST_TMPDIR/t4-c"
	mk_config 0000:3b:00.0 "$U1" '{"mdev_type": "nvidia-230", "start": "auto", "attrs": []}'
	mk_active 0000:3b:00.0 nvidia-230 "$U1"
	cat >"$BATS_TEST_TMPDIR/inventory.ini" <<EOF
[t4]
t4-a mdev_root=$BATS_TEST_TMPDIR/t4-a
t4-b mdev_root=$BATS_TEST_TMPDIR/t4-b
t4-c mdev_root=$BATS_TEST_TMPDIR/t4-c
[a100]
a100-a mdev_root=$BATS_TEST_TMPDIR/a100-a
[t4:vars]
mdev_config=t4-4q
[a100:vars]
mdev_config=a100-20c
[all:vars]
ansible_connection=local
ansible_python_interpreter=$PY
EOF
	# a fake kernel per host
	for h in t4-a t4-b t4-c a100-a; do
		"$FAKEKERNEL" "$BATS_TEST_TMPDIR/$h" >"$BATS_TEST_TMPDIR/$h.fk" 2>&1 3>&- &
		KERNELS+=($!)
	done
	for h in t4-a t4-b t4-c a100-a; do
		for ((i = 0; i < 500; i++)); do
			! grep -qx ready "$BATS_TEST_TMPDIR/$h.fk" || break
			sleep 0.01
		done
	done
	# the example playbook and layouts, as shipped
	playbook -i "$BATS_TEST_TMPDIR/inventory.ini" "$EXAMPLES/fleet.yml" --forks 4
	[ "$status" -eq 0 ] || _fail "$output" "$stderr"
	for h in t4-a t4-b t4-c a100-a; do
		[ "$(changed "$h")" = 1 ] || _fail "$h did not change" "$output"
	done
	for h in t4-a t4-b t4-c; do
		[ "$(ls "$BATS_TEST_TMPDIR/$h/etc/mdevctl.d/0000:3b:00.0" | wc -l)" -eq 4 ] || _fail "$h"
	done
	# adopted by its UUID, still running, not re-created
	[ -f "$BATS_TEST_TMPDIR/t4-c/etc/mdevctl.d/0000:3b:00.0/$U1" ]
	[ -e "$BATS_TEST_TMPDIR/t4-c/sys/bus/mdev/devices/$U1" ]
	# the playbook's last task lists the devices it started: three, not that one
	[ "$(task_result 'msg | [length, index("'"$U1"'")]' t4-c)" = '[3,null]' ]
	for h in t4-a t4-b t4-c; do
		[ "$(ls "$BATS_TEST_TMPDIR/$h/sys/bus/mdev/devices" | wc -l)" -eq 4 ] || _fail "$h runs"
	done
	[ "$(ls "$BATS_TEST_TMPDIR/a100-a/sys/bus/mdev/devices" | wc -l)" -eq 4 ]
	[ "$(ls "$BATS_TEST_TMPDIR/a100-a/etc/mdevctl.d/"* | grep -c '^[0-9a-f]\{8\}-')" -eq 4 ]
	playbook -i "$BATS_TEST_TMPDIR/inventory.ini" "$EXAMPLES/fleet.yml" --forks 4
	[ "$status" -eq 0 ]
	for h in t4-a t4-b t4-c a100-a; do
		[ "$(changed "$h")" = 0 ] || _fail "$h changed again" "$output"
	done
}

@test "ansible: ansible-doc renders every module" {
	local m n=0
	for m in "$COLLECTIONS"/ansible_collections/mdevadm/mdev/plugins/modules/*.py; do
		m=$(basename "$m" .py)
		run_exact ansible-doc -t module "mdevadm.mdev.$m"
		[ "$status" -eq 0 ] || _fail "ansible-doc mdevadm.mdev.$m: $stderr"
		[[ $output == *"OPTIONS"* && $output == *"EXAMPLES"* && $output == *"RETURN VALUES"* ]] ||
			_fail "ansible-doc mdevadm.mdev.$m lacks a section" "$output"
		n=$((n + 1))
	done
	[ "$n" -eq 2 ]
	run_exact ansible-doc -l mdevadm.mdev
	[ "$(grep -o '^mdevadm\.mdev\.[a-z_]*' <<<"$output" | sort | tr '\n' ' ')" = \
		"mdevadm.mdev.mdev_apply mdevadm.mdev.mdev_facts " ] || _fail "$output" "$stderr"
}
