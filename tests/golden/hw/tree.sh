# Hardware-like parents: PCI (Intel GVT-g, NVIDIA behind a bridge), s390 ccw and AP matrix.
mk_scriptdirs
mk_parent 0000:00:02.0
mk_type 0000:00:02.0 i915-GVTg_V5_4 2 vfio-pci GVTg_V5_4 \
	$'low_gm_size: 128MB\nhigh_gm_size: 512MB\nfence: 4\nresolution: 1920x1200\nweight: 4'
mk_type 0000:00:02.0 i915-GVTg_V5_8 4 vfio-pci GVTg_V5_8 \
	$'low_gm_size: 64MB\nhigh_gm_size: 384MB\nfence: 4\nresolution: 1024x768\nweight: 2'
mk_parent 0000:3b:00.0 pci0000:3a/0000:3a:00.0
mk_type 0000:3b:00.0 nvidia-63 8 vfio-pci 'GRID P4-1Q' \
	'num_heads=4, frl_config=60, framebuffer=1024M, max_resolution=5120x2880, max_instance=8'
mk_type 0000:3b:00.0 nvidia-64 4 vfio-pci 'GRID P4-2Q' \
	'num_heads=4, frl_config=60, framebuffer=2048M, max_resolution=5120x2880, max_instance=4'
mk_parent 0.0.26ab
mk_type 0.0.26ab vfio_ccw-io 1 vfio-ccw 'I/O subchannel (Non-QDIO)'
mk_parent matrix
mk_type matrix vfio_ap-passthrough 65535 vfio-ap 'VFIO AP Passthrough Device'

mk_active 0000:00:02.0 i915-GVTg_V5_4 a297db4a-f4c2-11e6-90f6-d3b88d6c9525 7
mk_config 0000:00:02.0 a297db4a-f4c2-11e6-90f6-d3b88d6c9525 \
	'{"mdev_type": "i915-GVTg_V5_4", "start": "auto", "attrs": []}'
mk_active 0000:3b:00.0 nvidia-63 b1f3c5d7-e9a1-4b3c-9d5e-7f9a1b3c5d7e 8
mk_active 0.0.26ab vfio_ccw-io 7e270a25-e163-4922-af60-757fc8ed48c6 9
mk_config 0.0.26ab 7e270a25-e163-4922-af60-757fc8ed48c6 \
	'{"mdev_type": "vfio_ccw-io", "start": "manual", "attrs": []}'
mk_config matrix 669d9b23-fe1b-4ecb-be08-a2fabca99b71 - <<'JSON'
{
  "mdev_type": "vfio_ap-passthrough",
  "start": "auto",
  "attrs": [
    {
      "assign_adapter": "5"
    },
    {
      "assign_domain": "4"
    },
    {
      "assign_adapter": "6"
    },
    {
      "assign_control_domain": "0x00ab"
    }
  ]
}
JSON
# one UUID defined under two parents, and a definition for a parent that is not there
mk_config 0000:00:02.0 c0ffee00-1111-4222-8333-444455556666 '{"mdev_type": "i915-GVTg_V5_8", "start": "manual"}'
mk_config 0000:3b:00.0 c0ffee00-1111-4222-8333-444455556666 '{"mdev_type": "nvidia-64", "start": "auto"}'
mk_config 0000:af:00.0 d00dfeed-0000-4000-8000-00000000beef '{"mdev_type": "nvidia-63", "start": "auto", "attrs": []}'
