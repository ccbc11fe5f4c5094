#!/usr/bin/python
# SPDX-License-Identifier: LGPL-2.1-or-later
"""mdevadm.mdev.mdev_facts: a host's mdev parents, types, devices and IOMMU groups as facts."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: mdev_facts
short_description: Gather a host's mediated devices, their parents, types and IOMMU groups
version_added: "0.1.0"
description:
  - Reads the JSON outputs of C(mdevadm types), C(mdevadm list), C(mdevadm list --defined) and
    C(mdevadm groups) on the managed host and returns them as C(ansible_facts.mdev).
  - Changes nothing, so it runs the same in check mode.
options:
  root:
    description:
      - Read the tree under this directory instead of C(/) (C(mdevadm --root)).
    type: path
  executable:
    description:
      - The mdevadm program. By default C(mdevadm) is looked for in the C(PATH), C(/usr/sbin) and
        C(/sbin).
    type: path
requirements:
  - mdevadm 0.1.0 or later on the managed host
seealso:
  - module: mdevadm.mdev.mdev_apply
author:
  - mdevadm developers
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
  facts:
    support: full
"""

EXAMPLES = r"""
- name: Gather mdev facts
  mdevadm.mdev.mdev_facts:

- name: Pick a layout from the GPU model the host has
  ansible.builtin.set_fact:
    mdev_config: "{{ 't4' if 'nvidia-256' in ansible_facts.mdev.types['0000:3b:00.0'] else 'none' }}"

- name: How many instances of a type are still free
  ansible.builtin.debug:
    msg: "{{ ansible_facts.mdev.types['0000:3b:00.0']['nvidia-256'].available_instances }}"
"""

RETURN = r"""
ansible_facts:
  description: Facts added under C(mdev).
  returned: always
  type: dict
  contains:
    mdev:
      description: The host's mediated devices.
      type: dict
      contains:
        parents:
          description: The parent devices, sorted.
          type: list
          elements: str
          sample: ["0000:3b:00.0", mtty]
        types:
          description:
            - Per parent, per type, what C(mdevadm types --dumpjson) says of it
              (C(available_instances), C(device_api), C(name), C(description)).
          type: dict
          sample: {mtty: {mtty-1: {available_instances: 24, device_api: vfio-pci,
                   name: Single port serial}}}
        active:
          description:
            - Running devices, by UUID, each with C(parent), C(mdev_type), C(start) and C(attrs).
          type: dict
        defined:
          description:
            - Definitions, by parent, then UUID, each with C(mdev_type), C(start) and C(attrs).
          type: dict
        iommu_groups:
          description: What C(mdevadm groups --dumpjson) lists, one dict per group.
          type: list
          elements: dict
"""

import json

from ansible.module_utils.basic import AnsibleModule


def by_parent(listing):
    """[{PARENT: [{KEY: VALUE}, ...]}] (the shape of mdevctl's JSON) as {PARENT: {KEY: VALUE}}."""
    out = {}
    for group in listing:
        for parent, items in group.items():
            merged = out.setdefault(parent, {})
            for item in items:
                merged.update(item)
    return out


def main():
    module = AnsibleModule(
        argument_spec=dict(root=dict(type="path"), executable=dict(type="path")),
        supports_check_mode=True,
    )
    exe = module.params["executable"] or module.get_bin_path(
        "mdevadm", required=True, opt_dirs=["/usr/sbin", "/sbin"])
    base = [exe] + (["--root", module.params["root"]] if module.params["root"] else [])

    def run(*args):
        rc, out, err = module.run_command(base + list(args))
        if rc != 0:
            lines = [line for line in err.splitlines() if line.strip()]
            module.fail_json(msg=lines[-1] if lines else "mdevadm %s failed" % args[0], rc=rc,
                             stderr=err, cmd=base + list(args))
        return json.loads(out) if out.strip() else []

    types = by_parent(run("types", "--dumpjson"))
    active = {}
    for parent, devices in by_parent(run("list", "--dumpjson")).items():
        for uuid, cfg in devices.items():
            active[uuid] = dict(cfg, parent=parent)
    facts = dict(
        parents=sorted(types),
        types=types,
        active=active,
        defined=by_parent(run("list", "--defined", "--dumpjson")),
        iommu_groups=run("groups", "--dumpjson"),
    )
    module.exit_json(changed=False, ansible_facts=dict(mdev=facts))


if __name__ == "__main__":
    main()
