# No mdev support at all: an empty sys/ (no class/mdev_bus) and no definitions.
mk_scriptdirs
mkdir -p "$ROOT/sys"
