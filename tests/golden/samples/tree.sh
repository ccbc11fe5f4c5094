# The three 6.12 sample parents with active, defined and active+defined devices.
mk_scriptdirs
mk_samples
# active only (transient); UUIDs and groups as in kernel-runs/run-tiny-iommu.txt
mk_active mtty mtty-2 c109cf76-5f47-4b8a-b074-dff5f464a8a0 4
# active and defined, auto, with attributes (a repeated name keeps its place)
mk_active mdpy mdpy-hd 3c0031fc-d6f9-48c4-b8de-5088a4884519 5
mk_config mdpy 3c0031fc-d6f9-48c4-b8de-5088a4884519 - <<'JSON'
{
  "mdev_type": "mdpy-hd",
  "start": "auto",
  "attrs": [
    {
      "zeta": "1"
    },
    {
      "alpha": "2"
    },
    {
      "zeta": "3"
    }
  ]
}
JSON
# active and defined, manual, empty attrs
mk_active mbochs mbochs-large 3a83c1f0-e529-45a8-9516-6b636d3fed61 6
mk_config mbochs 3a83c1f0-e529-45a8-9516-6b636d3fed61 \
	'{"mdev_type": "mbochs-large", "start": "manual", "attrs": []}'
# defined only: auto with attributes, manual without an attrs member, auto on another parent
mk_config mtty 0b1e8e1c-2a6f-4d53-9a51-8d4e1d2f6a01 - <<'JSON'
{
  "mdev_type": "mtty-1",
  "start": "auto",
  "attrs": [
    {
      "baud": "115200"
    },
    {
      "mode": "raw"
    }
  ]
}
JSON
mk_config mtty e2a0c1d4-5b6a-4c3d-8e9f-0a1b2c3d4e5f '{"mdev_type": "mtty-2", "start": "manual"}'
mk_config mbochs 7f0c5e2a-1d3b-4a6c-9e8f-123456789abc '{"mdev_type": "mbochs-small", "start": "auto", "attrs": []}'
# the UUID of an active mtty device defined under another parent: not "(defined)"
mk_active mtty mtty-1 9d2f4b6a-8c0e-4a1b-b3d5-f7e9a1c3e5b7 7
mk_config mdpy 9d2f4b6a-8c0e-4a1b-b3d5-f7e9a1c3e5b7 '{"mdev_type": "mdpy-vga", "start": "manual", "attrs": []}'
# a file whose name is not a UUID: skipped with a warning on stderr
mk_config mtty README 'not a config'
