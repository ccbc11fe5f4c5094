# Unicode and JSON-special characters in parent, type, name, description and attributes.
mk_scriptdirs
mk_parent 'sp€cial'
mk_type 'sp€cial' 'type"quote' 3 vfio-pci 'Name "with" quotes \ and ☃' $'line one\twith tab\nline two 😀\n\nline four'
mk_type 'sp€cial' 'back\slash' 2 vfio-ccw 'ünïcødé' 'C:\dir\ "x" / y'
mk_type 'sp€cial' 'ünï-☃' 1 vfio-ap
: >"$ROOT/sys/devices/virtual/sp€cial/sp€cial/mdev_supported_types/ünï-☃/name"
printf '\n' >"$ROOT/sys/devices/virtual/sp€cial/sp€cial/mdev_supported_types/ünï-☃/description"
mk_parent mtty
mk_type mtty mtty-1 24 vfio-pci 'Single port serial'
mk_active 'sp€cial' 'type"quote' 5a1c2d3e-0000-4000-8000-000000000001 0
mk_config 'sp€cial' 5a1c2d3e-0000-4000-8000-000000000001 - <<'JSON'
{
  "mdev_type": "type\"quote",
  "start": "auto",
  "attrs": [
    {"quote": "say \"hi\""},
    {"back\\slash": "C:\\path\\"},
    {"nl": "line1\nline2"},
    {"tab": "a\tb"},
    {"ctl": "\u0001\u001f\u007f\b\f\r"},
    {"uni": "ü☃😀\u2028\ud83d\ude00"},
    {"slash": "a/b"},
    {"empty": ""},
    {"ünï": "✓"}
  ]
}
JSON
mk_config 'sp€cial' 5a1c2d3e-0000-4000-8000-000000000002 '{"mdev_type":"back\\slash","start":"AUTO","attrs":[{"k":"v"}],"extra":{"ignored":true}}'
mk_config mtty 5a1c2d3e-0000-4000-8000-000000000003 '{"mdev_type": "mtty-1", "start": "manual", "attrs": [{"x": "1"}, {"x": "2"}, {"a": "0"}]}'
