// SPDX-License-Identifier: LGPL-2.1-or-later
/* The one command table, option parsing and help, shared by every front end. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "shell.h"
#include "store.h"

const struct opt_def opt_defs[OPT_COUNT] = {
	[OPT_UUID] = { "uuid", 'u', "UUID", "device UUID (hyphenated, 32 hex digits or braced)" },
	[OPT_PARENT] = { "parent", 'p', "PARENT", "parent device, by its sysfs name" },
	[OPT_TYPE] = { "type", 't', "TYPE", "mdev type, as listed by 'types'" },
	[OPT_AUTO] = { "auto", 'a', NULL, "start the device when its parent appears" },
	[OPT_MANUAL] = { "manual", 'm', NULL, "start the device only on request" },
	[OPT_DEFINED] = { "defined", 'd', NULL, "act on defined (persistent) devices" },
	[OPT_DUMPJSON] = { "dumpjson", 0, NULL, "print JSON instead of text" },
	[OPT_VERBOSE] = { "verbose", 'v', NULL, "also show attributes" },
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
};

const struct opt_def global_opts[GOPT_COUNT] = {
	[GOPT_ROOT] = { "root", 0, "DIR",
			"act on the tree under DIR instead of / (also MDEVCTL_ENV_ROOT)" },
	[GOPT_HELP] = { "help", 'h', NULL, "show this help" },
	[GOPT_VERSION] = { "version", 'V', NULL, "show the version" },
};

#define O(x) OPTBIT(OPT_##x)

const struct command commands[] = {
	{ "list", cmd_list, "list active or defined devices",
	  "[-d] [-u UUID] [-p PARENT] [--dumpjson] [-v]",
	  O(DEFINED) | O(DUMPJSON) | O(VERBOSE) | O(UUID) | O(PARENT), 0, 0, false },
	{ "types", cmd_types, "list the mdev types the parents support", "[-p PARENT] [--dumpjson]",
	  O(PARENT) | O(DUMPJSON), 0, 0, false },
	{ "define", cmd_define, "define a persistent device",
	  "[-u UUID] [-p PARENT] [-t TYPE | --jsonfile FILE] [-a] [-f]",
	  O(UUID) | O(PARENT) | O(TYPE) | O(AUTO) | O(JSONFILE) | O(FORCE), 0, 0, false },
	{ "undefine", cmd_undefine, "remove a device's definition", "-u UUID [-p PARENT] [-f]",
	  O(UUID) | O(PARENT) | O(FORCE), 0, 0, false },
	{ "modify", cmd_modify, "change a device's definition",
	  "-u UUID [-p PARENT] [-t TYPE] [-a|-m] [--addattr NAME --value VALUE [-i N]] "
	  "[--delattr [-i N]] [--jsonfile FILE [-l [-d]]] [-f]",
	  O(UUID) | O(PARENT) | O(TYPE) | O(AUTO) | O(MANUAL) | O(ADDATTR) | O(DELATTR) | O(INDEX) |
		  O(VALUE) | O(JSONFILE) | O(LIVE) | O(DEFINED) | O(FORCE),
	  0, 0, false },
	{ "start", cmd_start, "start a defined or transient device",
	  "[-u UUID] [-p PARENT] [-t TYPE | --jsonfile FILE] [--wait[=SECONDS]] [-f]",
	  O(UUID) | O(PARENT) | O(TYPE) | O(JSONFILE) | O(WAIT) | O(FORCE), 0, 0, false },
	{ "stop", cmd_stop, "stop an active device", "-u UUID [-f]", O(UUID) | O(FORCE), 0, 0,
	  false },
	{ "start-parent-mdevs", cmd_start_parent_mdevs,
	  "start every auto device of PARENT (used by the udev rule)", "PARENT | --all", O(ALL), 0,
	  1, true },
	{ "groups", cmd_groups, "show IOMMU groups, their kind and members", "[-g N] [--dumpjson]",
	  O(GROUP) | O(DUMPJSON), 0, 0, false },
	{ "set-group-type", cmd_set_group_type, "set the default domain type of an IOMMU group",
	  "-g N TYPE [-f]", O(GROUP) | O(FORCE), 1, 1, false },
	{ "noiommu", cmd_noiommu, "show or toggle VFIO's unsafe no-IOMMU mode",
	  "[--enable [-f] | --disable]", O(ENABLE) | O(DISABLE) | O(FORCE), 0, 0, false },
	{ "shell", cmd_shell, "run commands interactively, or from standard input",
	  "[--keep-going]", O(KEEP_GOING), 0, 0, false },
	{ "monitor", cmd_monitor, "print device and definition events as they happen",
	  "[--dumpjson]", O(DUMPJSON), 0, 0, false },
	{ "__complete", cmd_complete, "print completion candidates for the shell completions",
	  "LINE", 0, 1, 1, true },
	{ 0 },
};

const struct command *command_find(const char *name)
{
	for (const struct command *c = commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

static void print_opt(FILE *f, const struct opt_def *o)
{
	char shortname[5] = "    ", flag[64];

	if (o->short_name)
		snprintf(shortname, sizeof(shortname), "-%c, ", o->short_name);
	snprintf(flag, sizeof(flag), "%s--%s%s%s%s", shortname, o->name,
		 !o->arg	   ? ""
		 : o->optional_arg ? "[="
				   : " ",
		 o->arg ? o->arg : "", o->optional_arg ? "]" : "");
	fprintf(f, "  %-24s %s\n", flag, o->help);
}

void usage_main(FILE *f, const char *prog)
{
	fprintf(f,
		"Usage: %s [--root DIR] COMMAND [OPTIONS]\n"
		"\n"
		"Manage Linux mediated devices (mdev): list, create, persist and remove them.\n"
		"\n"
		"Commands:\n",
		prog);
	for (const struct command *c = commands; c->name; c++)
		if (!c->hidden)
			fprintf(f, "  %-15s %s\n", c->name, c->summary);
	fputs("\nGlobal options:\n", f);
	for (int i = 0; i < GOPT_COUNT; i++)
		print_opt(f, &global_opts[i]);
	fprintf(f, "\nRun '%s COMMAND --help' for a command's options.\n", prog);
}

static void usage_command(FILE *f, const struct ctx *ctx, const struct command *c)
{
	fprintf(f, "Usage: %s%s%s %s\n\n%c%s.\n\nOptions:\n", ctx->prog, ctx->alias ? "" : " ",
		ctx->alias ? "" : c->name, c->synopsis, c->summary[0] - 'a' + 'A', c->summary + 1);
	for (int i = 0; i < OPT_COUNT; i++)
		if (c->opts & OPTBIT(i))
			print_opt(f, &opt_defs[i]);
	fprintf(f, "  %-24s %s\n", "-h, --help", "show this help");
}

void vreport(const char *head, const char *tail, const char *fmt, va_list ap)
{
	fflush(stdout); /* what was printed before the error stays before it */
	fprintf(stderr, "%s: ", head);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "%s\n", tail);
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

static bool utf8_valid_opt(const char *s)
{
	return !s || utf8_valid(s);
}

/* Parses ARGV for command C into ARGS; returns 0, EXIT_USAGE, or -1 for --help. */
static int parse_args(struct ctx *ctx, const struct command *c, int argc, char **argv,
		      struct cmd_args *args)
{
	struct option longopts[OPT_COUNT + 2];
	char shortopts[2 * OPT_COUNT + 4] = "-:h";
	size_t nl = 0, ns = strlen(shortopts);
	int opt;

	/* "-": options may follow positional arguments, as with mdevctl. */
	for (int i = 0; i < OPT_COUNT; i++) {
		const struct opt_def *o = &opt_defs[i];

		if (!(c->opts & OPTBIT(i)))
			continue;
		longopts[nl++] = (struct option){ o->name,
						  !o->arg	    ? no_argument
						  : o->optional_arg ? optional_argument
								    : required_argument,
						  NULL, 256 + i };
		if (o->short_name) {
			shortopts[ns++] = (char)o->short_name;
			if (o->arg)
				shortopts[ns++] = ':';
		}
	}
	longopts[nl++] = (struct option){ "help", no_argument, NULL, 'h' };
	longopts[nl] = (struct option){ 0 };
	shortopts[ns] = '\0';

	memset(args, 0, sizeof(*args));
	args->pos = xcalloc((size_t)argc, sizeof(char *));
	optind = 0; /* glibc: full re-initialisation, the shell dispatches many times */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		int id = -1;

		switch (opt) {
		case 1:
			args->pos[args->npos++] = optarg;
			continue;
		case 'h':
			return -1;
		case ':':
			return usage_error(ctx, "option '%s' needs a value", argv[optind - 1]);
		case '?':
			if (optopt >= 256 || optopt == 'h') {
				const char *w = argv[optind - 1];

				return usage_error(ctx, "option '%.*s' takes no value",
						   (int)strcspn(w, "="), w);
			}
			if (optopt)
				return usage_error(ctx, "unknown option '-%c'", optopt);
			return usage_error(ctx, "unknown option '%s'", argv[optind - 1]);
		default:
			break;
		}
		if (opt >= 256) {
			id = opt - 256;
		} else {
			for (int i = 0; i < OPT_COUNT; i++)
				if (opt_defs[i].short_name == opt && (c->opts & OPTBIT(i)))
					id = i;
		}
		if (id < 0)
			return usage_error(ctx, "unknown option '-%c'", opt);
		if (args->seen & OPTBIT(id))
			return usage_error(ctx, "option --%s given twice", opt_defs[id].name);
		args->seen |= OPTBIT(id);
		switch (id) {
		case OPT_UUID:
			if (!uuid_normalize(optarg, args->uuid))
				return usage_error(ctx, "invalid UUID '%s'", optarg);
			break;
		case OPT_PARENT:
			args->parent = optarg;
			break;
		case OPT_TYPE:
			args->type = optarg;
			break;
		case OPT_JSONFILE:
			args->jsonfile = optarg;
			break;
		case OPT_ADDATTR:
			args->addattr = optarg;
			break;
		case OPT_VALUE:
			args->value = optarg;
			break;
		case OPT_INDEX:
			if (!parse_ulong(optarg, &args->index))
				return usage_error(
					ctx, "invalid index '%s': expected a number >= 0", optarg);
			break;
		case OPT_GROUP:
			if (!parse_ulong(optarg, &args->group))
				return usage_error(
					ctx, "invalid group '%s': expected a number >= 0", optarg);
			break;
		case OPT_WAIT:
			args->wait_s = 10;
			if (optarg && !parse_ulong(optarg, &args->wait_s))
				return usage_error(ctx, "invalid --wait '%s': expected seconds",
						   optarg);
			break;
		default:
			break;
		}
	}
	while (optind < argc) /* what follows "--" */
		args->pos[args->npos++] = argv[optind++];
	if (args->npos < c->min_pos)
		return usage_error(ctx, "missing argument: %s", c->synopsis);
	if (args->npos > c->max_pos)
		return usage_error(ctx, "unexpected argument '%s'", args->pos[c->max_pos]);
	/* Names become path components: refuse anything that could leave its directory. */
	if (args->parent && (!rfs_valid_name(args->parent) || args->parent[0] == '.'))
		return usage_error(ctx, "invalid parent name '%s'", args->parent);
	if (args->type && !rfs_valid_name(args->type))
		return usage_error(ctx, "invalid type name '%s'", args->type);
	if (args->addattr && !rfs_valid_name(args->addattr))
		return usage_error(ctx, "invalid attribute name '%s'", args->addattr);
	if (!utf8_valid_opt(args->parent) || !utf8_valid_opt(args->type) ||
	    !utf8_valid_opt(args->addattr) || !utf8_valid_opt(args->value))
		return usage_error(ctx, "names and values must be valid UTF-8");
	return 0;
}

int cli_dispatch(struct ctx *ctx, int argc, char **argv)
{
	const struct command *c = command_find(argv[0]);
	struct cmd_args args;
	int r;

	if (!c) {
		ctx->cmd = NULL;
		return usage_error(ctx, "unknown command '%s'", argv[0]);
	}
	ctx->cmd = c->name;
	r = parse_args(ctx, c, argc, argv, &args);
	if (r < 0) {
		usage_command(stdout, ctx, c);
		r = 0;
	} else if (r == 0) {
		r = c->run(ctx, &args);
	}
	free(args.pos);
	ctx->cmd = NULL;
	return r;
}

int cmd_shell(struct ctx *ctx, struct cmd_args *args)
{
	return shell_run(ctx, cli_dispatch, has_opt(args, OPT_KEEP_GOING));
}
