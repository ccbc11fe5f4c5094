#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Builds the demo tree in contrib/demo: the 6.12 sample parents (mtty, mdpy, mbochs), a
# vGPU-like PCI mdev parent, and an H100-like GPU with vGPUs on SR-IOV virtual functions
# (NVIDIA vGPU 17+, as the interface is published: no such hardware was used), a few active
# devices and definitions, shaped like a real kernel's sysfs. Run from the source tree with
# FAKEKERNEL pointing at a built tests/fakekernel (it lays out the VFs); the result is
# committed so `mdevadm --root contrib/demo` works right after a checkout.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
ROOT="$here/demo"
rm -rf "$ROOT"
mkdir -p "$ROOT"
BATS_TEST_DIRNAME="$here/../tests"
: "${FAKEKERNEL:?set FAKEKERNEL to a built tests/fakekernel}"
FAKEKERNEL_LOG=/dev/null
# shellcheck source=../tests/vgpu_helper.bash
. "$here/../tests/vgpu_helper.bash"

mk_samples
mk_parent 0000:3b:00.0
mk_type 0000:3b:00.0 nvidia-256 8 vfio-pci "GRID T4-2Q" "num_heads=4, frl_config=60, framebuffer=2048M"
mk_type 0000:3b:00.0 nvidia-257 4 vfio-pci "GRID T4-4Q" "num_heads=4, frl_config=60, framebuffer=4096M"
mk_active mtty mtty-2 c109cf76-5f47-4b8a-b074-dff5f464a8a0 4
mk_active mdpy mdpy-hd 3c0031fc-d6f9-48c4-b8de-5088a4884519 5
mk_active 0000:3b:00.0 nvidia-256 5b2c1a47-0d3e-4a8f-9e21-6f7a8b9c0d1e 6
mk_config mtty c109cf76-5f47-4b8a-b074-dff5f464a8a0 '{"mdev_type":"mtty-2","start":"auto","attrs":[]}'
mk_config mtty 9d8e7f6a-5b4c-4d3e-8f2a-1b0c9d8e7f6a '{"mdev_type":"mtty-1","start":"manual"}'
mk_config 0000:3b:00.0 5b2c1a47-0d3e-4a8f-9e21-6f7a8b9c0d1e '{"mdev_type":"nvidia-256","start":"auto","attrs":[{"frame_rate_limiter":"0"}]}'
mk_config 0000:3b:00.0 e0f1a2b3-c4d5-4e6f-8a9b-0c1d2e3f4a5b '{"mdev_type":"nvidia-257","start":"auto"}'
# an H100-like GPU with 8 VFs: two 20 GB vGPUs running (one of them defined), one more
# defined to start at boot on VF 2
mk_vgpu_pf 0000:c1:00.0 h100 8
mk_vgpu_vfs 0000:c1:00.0
mk_vgpu 0000:c1:00.4 1022
mk_vgpu 0000:c1:00.5 1022
mk_vgpu_def 0000:c1:00.0 0 $'{\n  "type": "nvidia-1022",\n  "name": "NVIDIA H100XM-20C",\n  "start": "auto"\n}\n'
mk_vgpu_def 0000:c1:00.0 2 $'{\n  "type": "nvidia-1022",\n  "name": "NVIDIA H100XM-20C",\n  "start": "auto"\n}\n'
echo "demo tree written to $ROOT"
