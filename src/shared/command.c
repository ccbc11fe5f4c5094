// SPDX-License-Identifier: LGPL-2.1-or-later
/* The options every front end knows, and the one-line reports of the command layer. */
#include "shared/command.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "basic/escape.h"
#include "libmdev/store.h"

const struct opt_def opt_defs[OPT_COUNT] = {
	[OPT_UUID] = { "uuid", 'u', "UUID", "device UUID (hyphenated, 32 hex digits or braced)",
		       .key = true },
	[OPT_PARENT] = { "parent", 'p', "PARENT", "parent device, by its sysfs name" },
	[OPT_TYPE] = { "type", 't', "TYPE", "mdev type, as listed by 'types'" },
	[OPT_AUTO] = { "auto", 'a', NULL, "start the device when its parent appears" },
	[OPT_MANUAL] = { "manual", 'm', NULL, "start the device only on request" },
	[OPT_DEFINED] = { "defined", 'd', NULL, "act on defined (persistent) devices" },
	[OPT_DUMPJSON] = { "dumpjson", 0, NULL, "print JSON instead of text" },
	[OPT_VERBOSE] = { "verbose", 'v', NULL,
			  "more detail: attributes (list), a summary (start-parent-mdevs)" },
	[OPT_JSONFILE] = { "jsonfile", 0, "FILE",
			   "read the device config from FILE ('-' or /dev/stdin for standard input)" },
	[OPT_FORCE] = { "force", 'f', NULL, "go on even when a callout script objects" },
	[OPT_ADDATTR] = { "addattr", 0, "NAME", "add attribute NAME (needs --value)" },
	[OPT_DELATTR] = { "delattr", 0, NULL, "delete the attribute at --index, or the last" },
	[OPT_INDEX] = { "index", 'i', "N", "position for --addattr/--delattr" },
	[OPT_VALUE] = { "value", 0, "VALUE", "value for --addattr" },
	[OPT_LIVE] = { "live", 'l', NULL, "change the running device (needs --jsonfile)" },
	[OPT_GROUP] = { "group", 'g', "N", "IOMMU group number" },
	[OPT_ENABLE] = { "enable", 0, NULL, "turn the setting on" },
	[OPT_DISABLE] = { "disable", 0, NULL, "turn the setting off" },
	[OPT_KEEP_GOING] = { "keep-going", 0, NULL,
			     "in batch mode, go on after a failing command" },
	[OPT_WAIT] = { "wait", 0, "SECONDS",
		       "wait until the device is bound and its VFIO node exists (default 10 s)",
		       true },
	[OPT_ALL] = { "all", 0, NULL, "every parent that has definitions and is present" },
	[OPT_FILE] = { "file", 'f', "FILE", "the layout file ('-' for standard input)" },
	[OPT_CONFIG] = { "config", 0, "NAME", "the layout of the file's \"configs\" to apply" },
	[OPT_CHECK] = { "check", 0, NULL,
			"print the plan, change nothing (exit 3 when it is not empty)" },
	[OPT_DIFF] = { "diff", 0, NULL, "show each definition before and after" },
	[OPT_EXPORT] = { "export", 0, NULL,
			 "print the devices as a layout (of every -p PARENT given)" },
	/* long only: apply's -f is the file */
	[OPT_FORCE_STOP] = { "force", 0, NULL,
			     "stop devices that a process holds; go on when a callout objects" },
	[OPT_VF] = { "vf", 0, "VF",
		     "vGPU on an SR-IOV virtual function: its index on the GPU or its PCI address",
		     .key = true },
	[OPT_PROBE] = { "probe", 0, NULL,
			"open the device through VFIO and ask what it supports (types: creates "
			"and removes a device per type)" },
};

const struct opt_def global_opts[GOPT_COUNT] = {
	[GOPT_ROOT] = { "root", 0, "DIR",
			"act on the tree under DIR instead of / (also MDEVCTL_ENV_ROOT)" },
	[GOPT_HELP] = { "help", 'h', NULL, "show this help" },
	[GOPT_VERSION] = { "version", 'V', NULL, "show the version" },
};

optmask key_opts(optmask seen)
{
	optmask keys = 0;

	for (int id = 0; id < OPT_COUNT; id++)
		if (opt_defs[id].key && (seen & OPTBIT(id)))
			keys |= OPTBIT(id);
	return keys;
}

const struct command *command_find(const struct command *table, const char *name)
{
	for (const struct command *c = table; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

void vreport(const char *head, const char *tail, const char *fmt, va_list ap)
{
	char *msg;

	fflush(stdout); /* what was printed before the error stays before it */
	if (vasprintf(&msg, fmt, ap) < 0)
		abort(); /* out of memory: not recoverable, as in xmalloc */
	/* names in messages come from the command line, sysfs and definitions */
	fprintln_escaped(stderr, "%s: %s%s", head, msg, tail);
	free(msg);
}

int usage_error(const struct ctx *ctx, const char *fmt, ...)
{
	bool named = ctx->cmd && !ctx->alias;
	char head[256], tail[300];
	va_list ap;

	snprintf(head, sizeof(head), "%s%s%s", ctx->prog, named ? " " : "", named ? ctx->cmd : "");
	snprintf(tail, sizeof(tail), " (try '%s --help')", head);
	va_start(ap, fmt);
	vreport(head, tail, fmt, ap);
	va_end(ap);
	return EXIT_USAGE;
}

int fail(const struct ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(ctx->prog, "", fmt, ap);
	va_end(ap);
	return EXIT_FAILURE;
}

int cmd_lock(const struct ctx *ctx)
{
	struct mdev_error err;
	int fd = store_lock(&ctx->rfs, &err);

	if (fd < 0)
		fail(ctx, "%s", err.msg);
	return fd;
}

bool take_uuid(struct cmd_args *args)
{
	if (has_opt(args, OPT_UUID))
		return false;
	uuid_new(args->uuid);
	return true;
}
