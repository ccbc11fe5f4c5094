// SPDX-License-Identifier: LGPL-2.1-or-later
/* The dispatcher: a command line parsed against its table entry, help, and the hand-off. */
#include "cli/dispatch.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

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

void usage_main(FILE *f, const char *prog, const struct command *table)
{
	fprintf(f,
		"Usage: %s [--root DIR] COMMAND [OPTIONS]\n"
		"\n"
		"Manage Linux mediated devices (mdev): list, create, persist and remove them.\n"
		"\n"
		"Commands:\n",
		prog);
	for (const struct command *c = table; c->name; c++)
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

static bool utf8_valid_opt(const char *s)
{
	return !s || utf8_valid(s);
}

void cli_args_free(struct cmd_args *args)
{
	free(args->pos);
	free(args->parents);
}

int cli_parse_args(struct ctx *ctx, const struct command *c, int argc, char **argv,
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
	args->parents = xcalloc((size_t)argc, sizeof(char *));
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
		if ((args->seen & OPTBIT(id)) && !(c->repeat & OPTBIT(id)))
			return usage_error(ctx, "option --%s given twice", opt_defs[id].name);
		args->seen |= OPTBIT(id);
		switch (id) {
		case OPT_UUID:
			if (!uuid_normalize(optarg, args->uuid))
				return usage_error(ctx, "invalid UUID '%s'", optarg);
			break;
		case OPT_PARENT:
			args->parent = optarg;
			args->parents[args->nparents++] = optarg;
			break;
		case OPT_FILE:
			args->file = optarg;
			break;
		case OPT_CONFIG:
			args->config = optarg;
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
		case OPT_VF:
			args->vf = optarg;
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
	for (int i = 0; i < args->nparents; i++)
		if (!rfs_valid_name(args->parents[i]) || args->parents[i][0] == '.' ||
		    !utf8_valid(args->parents[i]))
			return usage_error(ctx, "invalid parent name '%s'", args->parents[i]);
	if (args->type && !rfs_valid_name(args->type))
		return usage_error(ctx, "invalid type name '%s'", args->type);
	if (args->addattr && !rfs_valid_name(args->addattr))
		return usage_error(ctx, "invalid attribute name '%s'", args->addattr);
	if (args->vf && !rfs_valid_name(args->vf))
		return usage_error(ctx, "invalid VF '%s'", args->vf);
	if (key_opts(args->seen) & (key_opts(args->seen) - 1))
		return usage_error(ctx, "--uuid names an mdev, --vf a vGPU: give one of them");
	if (!utf8_valid_opt(args->parent) || !utf8_valid_opt(args->type) ||
	    !utf8_valid_opt(args->addattr) || !utf8_valid_opt(args->value) ||
	    !utf8_valid_opt(args->vf))
		return usage_error(ctx, "names and values must be valid UTF-8");
	return 0;
}

int cli_dispatch(struct ctx *ctx, int argc, char **argv)
{
	const struct command *c = command_find(ctx->table, argv[0]);
	struct cmd_args args;
	int r;

	if (!c) {
		ctx->cmd = NULL;
		return usage_error(ctx, "unknown command '%s'", argv[0]);
	}
	ctx->cmd = c->name;
	r = cli_parse_args(ctx, c, argc, argv, &args);
	if (r < 0) {
		usage_command(stdout, ctx, c);
		r = 0;
	} else if (r == 0) {
		r = c->run(ctx, &args);
	}
	cli_args_free(&args);
	ctx->cmd = NULL;
	return r;
}
