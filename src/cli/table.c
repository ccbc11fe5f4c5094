// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The one command table: name, handler, options and help of every command.  The command line,
 * the shell, the completion engine, the help and the docs test all follow it.
 */
#include "cli/table.h"

#include "cli/frontends.h"
#include "commands/commands.h"

#define O(x) OPTBIT(OPT_##x)

const struct command commands[] = {
	{
		.name = "list",
		.run = cmd_list,
		.summary = "list active or defined devices",
		.synopsis = "[-d] [-u UUID | --vf VF] [-p PARENT] [--dumpjson] [-v]",
		.opts = O(DEFINED) | O(DUMPJSON) | O(VERBOSE) | O(UUID) | O(PARENT) | O(VF),
		.complete = CPL_ACTIVE | CPL_DEFINED | CPL_DEF_PARENTS,
	},
	{
		.name = "types",
		.run = cmd_types,
		.summary = "list the types the parents support (mdev and vGPU)",
		.synopsis = "[-p PARENT] [--probe] [--dumpjson]",
		.opts = O(PARENT) | O(DUMPJSON) | O(PROBE),
	},
	{
		.name = "define",
		.run = cmd_define,
		.summary = "define a persistent device",
		.synopsis = "[-u UUID | --vf VF] [-p PARENT] [-t TYPE | --jsonfile FILE] [-a] [-f]",
		.opts = O(UUID) | O(PARENT) | O(TYPE) | O(AUTO) | O(JSONFILE) | O(FORCE) | O(VF),
		/* define copies a running device: those not defined yet */
		.complete = CPL_ACTIVE | CPL_ONLY_UNDEFINED | CPL_DEF_PARENTS,
	},
	{
		.name = "undefine",
		.run = cmd_undefine,
		.summary = "remove a device's definition",
		.synopsis = "-u UUID | --vf VF [-p PARENT] [-f]",
		.opts = O(UUID) | O(PARENT) | O(FORCE) | O(VF),
		.complete = CPL_DEFINED | CPL_DEF_PARENTS | CPL_UUID_PARENTS,
	},
	{
		.name = "modify",
		.run = cmd_modify,
		.summary = "change a device's definition",
		.synopsis =
			"-u UUID | --vf VF [-p PARENT] [-t TYPE] [-a|-m] [--addattr NAME --value VALUE [-i N]] "
			"[--delattr [-i N]] [--jsonfile FILE [-l [-d]]] [-f]",
		.opts = O(UUID) | O(PARENT) | O(TYPE) | O(AUTO) | O(MANUAL) | O(ADDATTR) |
			O(DELATTR) | O(INDEX) | O(VALUE) | O(JSONFILE) | O(LIVE) | O(DEFINED) |
			O(FORCE) | O(VF),
		.complete = CPL_DEFINED | CPL_DEF_PARENTS | CPL_UUID_PARENTS,
	},
	{
		.name = "start",
		.run = cmd_start,
		.summary = "start a defined or transient device",
		.synopsis =
			"[-u UUID | --vf VF] [-p PARENT] [-t TYPE | --jsonfile FILE] [--wait[=SECONDS]] "
			"[-f]",
		.opts = O(UUID) | O(PARENT) | O(TYPE) | O(JSONFILE) | O(WAIT) | O(FORCE) | O(VF),
		.complete = CPL_DEFINED | CPL_ONLY_INACTIVE | CPL_DEF_PARENTS | CPL_FREE_VFS,
	},
	{
		.name = "stop",
		.run = cmd_stop,
		.summary = "stop an active device",
		.synopsis = "-u UUID | --vf ADDRESS [-f]",
		.opts = O(UUID) | O(FORCE) | O(VF),
		.complete = CPL_ACTIVE,
	},
	{
		.name = "start-parent-mdevs",
		.run = cmd_start_parent_mdevs,
		.summary = "start every auto device of PARENT (used by the udev rule)",
		.synopsis = "[-v] PARENT | [-v] --all",
		.opts = O(ALL) | O(VERBOSE),
		.max_pos = 1,
		.hidden = true,
		.complete = CPL_POS_DEF_PARENT,
	},
	{
		.name = "groups",
		.run = cmd_groups,
		.summary = "show IOMMU groups, their kind and members",
		.synopsis = "[-g N] [--dumpjson]",
		.opts = O(GROUP) | O(DUMPJSON),
	},
	{
		.name = "set-group-type",
		.run = cmd_set_group_type,
		.summary = "set the default domain type of an IOMMU group",
		.synopsis = "-g N TYPE [-f]",
		.opts = O(GROUP) | O(FORCE),
		.min_pos = 1,
		.max_pos = 1,
		.complete = CPL_POS_GROUP_TYPE,
	},
	{
		.name = "noiommu",
		.run = cmd_noiommu,
		.summary = "show or toggle VFIO's unsafe no-IOMMU mode",
		.synopsis = "[--enable [-f] | --disable]",
		.opts = O(ENABLE) | O(DISABLE) | O(FORCE),
	},
	{
		.name = "shell",
		.run = cmd_shell,
		.summary = "run commands interactively, or from standard input",
		.synopsis = "[--keep-going]",
		.opts = O(KEEP_GOING),
		/* the shell refuses to nest */
		.complete = CPL_NOT_IN_SHELL,
	},
	{
		.name = "monitor",
		.run = cmd_monitor,
		.summary = "print device and definition events as they happen",
		.synopsis = "[--dumpjson]",
		.opts = O(DUMPJSON),
	},
	{
		.name = "apply",
		.run = cmd_apply,
		.summary = "make the devices what a layout file says (plan, check, export)",
		.synopsis =
			"[-f FILE|-] [--config NAME] [--check] [--diff] [--dumpjson] [--force] | "
			"--export [-p PARENT]... [--config NAME]",
		.opts = O(FILE) | O(CONFIG) | O(CHECK) | O(DIFF) | O(DUMPJSON) | O(FORCE_STOP) |
			O(EXPORT) | O(PARENT),
		.repeat = O(PARENT),
	},
	{
		.name = "info",
		.run = cmd_info,
		.summary = "show what a device is, who holds it, and what it supports",
		.synopsis = "-u UUID | --vf VF [-p PARENT] [--probe] [--dumpjson]",
		.opts = O(UUID) | O(VF) | O(PARENT) | O(PROBE) | O(DUMPJSON),
		.complete = CPL_ACTIVE | CPL_DEFINED | CPL_DEF_PARENTS | CPL_UUID_PARENTS,
	},
	{
		.name = "__complete",
		.run = cmd_complete,
		.summary = "print completion candidates for the shell completions",
		.synopsis = "LINE",
		.min_pos = 1,
		.max_pos = 1,
		.hidden = true,
	},
	{ 0 },
};
