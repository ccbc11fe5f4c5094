#!/usr/bin/python
# SPDX-License-Identifier: LGPL-2.1-or-later
"""mdevadm.mdev.mdev_apply: make a host's mediated devices what a layout says."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: mdev_apply
short_description: Make a host's mediated devices (mdev) what a layout says
version_added: "0.1.0"
description:
  - Runs C(mdevadm apply --dumpjson) on the managed host with a layout given inline
    (I(devices), or I(configs) and I(config)) or as a file on the host (I(src)).
  - mdevadm plans only the difference, keeps the UUIDs of matching definitions, carries the plan
    out under its store lock, reads the machine back and compares, and undoes every step it made
    when one fails. Every parent the layout names is fully managed; other parents are left alone.
  - A device that a process (a VM) holds is never stopped unless I(force=true); the task fails
    naming the process.
  - The layout format is documented in C(man 8 mdevadm), section LAYOUT FILES, and by the JSON
    Schema C(mdevadm-layout.schema.json) that mdevadm installs.
options:
  devices:
    description:
      - One layout, as a list of entries.
      - Each entry has C(parent) (a parent device, or C(*) for every present parent that supports
        the type), C(type), and exactly one of C(uuid) (that device), C(count) (that many devices of
        the type, any UUIDs) or C(vf) (a vGPU on that VF index); optional C(start) (C(auto) or
        C(manual), what is persisted), C(active) (whether it should run now; defaults to true when
        C(start) is C(auto)), C(attrs) (a list of one-key dicts) and C(defined) (false for a device
        that runs without a definition).
      - Mutually exclusive with I(configs) and I(src).
    type: list
    elements: dict
  configs:
    description:
      - "Named layouts: a dict of layout names, each a dict with a C(devices) list as in I(devices).
        I(config) picks one. One variable can then serve a whole fleet, each group of hosts
        picking its own."
      - Mutually exclusive with I(devices) and I(src).
    type: dict
  src:
    description:
      - A layout file on the managed host (JSON, C(version) 1).
      - Mutually exclusive with I(devices) and I(configs).
    type: path
  config:
    description:
      - The layout of I(configs), or of the I(src) file's C(configs), to apply.
    type: str
    default: default
  root:
    description:
      - Act on the tree under this directory instead of C(/) (C(mdevadm --root)), e.g. a test tree.
    type: path
  force:
    description:
      - Stop devices that a process holds, and go on when an event script objects
        (C(mdevadm apply --force)).
    type: bool
    default: false
  executable:
    description:
      - The mdevadm program. By default C(mdevadm) is looked for in the C(PATH), C(/usr/sbin) and
        C(/sbin).
    type: path
notes:
  - Check mode runs C(mdevadm apply --check), which changes nothing; the task reports changed when
    the plan is not empty.
  - Diff mode shows each definition before and after, and each device started or stopped.
  - The layout is handed to mdevadm on its standard input; nothing is written on the host.
requirements:
  - mdevadm 0.1.0 or later on the managed host
seealso:
  - module: mdevadm.mdev.mdev_facts
author:
  - mdevadm developers
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
"""

EXAMPLES = r"""
- name: Two T4-2Q vGPUs that start at boot, and one mtty port for tests
  mdevadm.mdev.mdev_apply:
    devices:
      - {parent: "0000:3b:00.0", type: nvidia-256, count: 2, start: auto}
      - parent: mtty
        type: mtty-1
        uuid: 9d8e7f6a-5b4c-4d3e-8f2a-1b0c9d8e7f6a
        start: manual
        active: false
        attrs: [{k: v}]

- name: One variable for the fleet, each group picks its layout
  mdevadm.mdev.mdev_apply:
    configs: "{{ mdev_layouts }}"
    config: "{{ mdev_config }}"

- name: A layout file shipped to the host
  mdevadm.mdev.mdev_apply:
    src: /etc/mdevadm/layout.json
    config: a100-7x

- name: Stop what VMs hold, if the layout says so
  mdevadm.mdev.mdev_apply:
    src: /etc/mdevadm/layout.json
    force: true
"""

RETURN = r"""
changed:
  description: Whether steps were carried out (in check mode, whether the plan is not empty).
  returned: always
  type: bool
config:
  description: The name of the layout applied; empty for an unnamed one (I(devices)).
  returned: success
  type: str
  sample: default
actions:
  description:
    - The plan, in the order it is carried out (stops, undefines, defines, modifies, starts).
    - C(uuid) is null for a device that does not exist yet (check mode) and the new UUID after it
      was made; C(entry) is the index of the layout entry that asked for it, null for a device the
      layout does not want; C(reason) says why a device is stopped or undefined; C(start) is the
      persisted start mode of a define or modify.
  returned: always
  type: list
  elements: dict
  sample:
    - {action: define, parent: "0000:3b:00.0", uuid: 3b1e1d8e-5d53-4a63-9a5a-6f0fd9b2d8a1,
       type: nvidia-256, start: auto, entry: 0}
    - {action: start, parent: "0000:3b:00.0", uuid: 3b1e1d8e-5d53-4a63-9a5a-6f0fd9b2d8a1,
       type: nvidia-256, entry: 0}
undone:
  description: When a step failed, the steps that were undone, latest first.
  returned: failure
  type: list
  elements: str
not_undone:
  description: Steps that could not be undone either, with the reason; look at those by hand.
  returned: failure
  type: list
  elements: str
"""

import json

from ansible.module_utils.basic import AnsibleModule

EXIT_DRIFT = 3


def layout_of(params):
    """The layout to hand to mdevadm, or None for a file on the host."""
    if params["devices"] is not None:
        return {"version": 1, "devices": params["devices"]}
    if params["configs"] is not None:
        return {"version": 1, "configs": params["configs"]}
    return None


def definition_text(cfg):
    return "" if cfg is None else json.dumps(cfg, indent=2) + "\n"


def diff_of(actions):
    """Ansible's before/after form, one entry per device."""
    diffs = []
    for a in actions:
        name = "%s/%s" % (a["parent"], a["uuid"] or "(new)")
        if a["action"] in ("start", "stop"):
            running = "running: %s\n" % a["type"]
            before, after = ("", running) if a["action"] == "start" else (running, "")
            diffs.append({"before_header": "device %s" % name, "after_header": "device %s" % name,
                          "before": before, "after": after})
        else:
            path = "/etc/mdevctl.d/%s" % name
            diffs.append({"before_header": path, "after_header": path,
                          "before": definition_text(a.get("before")),
                          "after": definition_text(a.get("after"))})
    return diffs


def main():
    module = AnsibleModule(
        argument_spec=dict(
            devices=dict(type="list", elements="dict"),
            configs=dict(type="dict"),
            src=dict(type="path"),
            config=dict(type="str", default="default"),
            root=dict(type="path"),
            force=dict(type="bool", default=False),
            executable=dict(type="path"),
        ),
        mutually_exclusive=[("devices", "configs", "src")],
        required_one_of=[("devices", "configs", "src")],
        supports_check_mode=True,
    )
    p = module.params
    exe = p["executable"] or module.get_bin_path("mdevadm", required=True,
                                                  opt_dirs=["/usr/sbin", "/sbin"])
    cmd = [exe]
    if p["root"]:
        cmd += ["--root", p["root"]]
    layout = layout_of(p)
    cmd += ["apply", "--dumpjson", "-f", p["src"] if layout is None else "-"]
    if p["devices"] is None:
        cmd += ["--config", p["config"]]
    if p["force"]:
        cmd.append("--force")
    if module.check_mode:
        cmd.append("--check")
    if module._diff:
        cmd.append("--diff")

    data = None if layout is None else json.dumps(layout)
    rc, out, err = module.run_command(cmd, data=data, binary_data=True)
    try:
        report = json.loads(out) if out.strip() else {}
    except ValueError:
        report = {}
    ok = rc == 0 or (module.check_mode and rc == EXIT_DRIFT)
    if not ok:
        # the tool's own message: its last line names the entry, the field or the step
        lines = [line for line in err.splitlines() if line.strip()]
        msg = lines[-1] if lines else "mdevadm apply failed with status %d" % rc
        module.fail_json(msg=msg, rc=rc, stderr=err, cmd=cmd,
                         changed=report.get("changed", False),
                         actions=report.get("actions", []),
                         undone=report.get("undone", []),
                         not_undone=report.get("not_undone", []))
    result = dict(changed=report.get("changed", False), config=report.get("config", ""),
                  actions=report.get("actions", []))
    if module._diff:
        result["diff"] = diff_of(result["actions"])
    module.exit_json(**result)


if __name__ == "__main__":
    main()
