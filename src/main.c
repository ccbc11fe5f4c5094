// SPDX-License-Identifier: LGPL-2.1-or-later
/* mdevadm: global options, the lsmdev alias, and the hand-off to the dispatcher. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "callout.h"
#include "cli.h"

static int flush_stdout(const char *prog)
{
	/* a reader that went away (| head) is not our failure */
	if (fflush(stdout) == 0 || errno == EPIPE)
		return 0;
	fprintf(stderr, "%s: cannot write output: %s\n", prog, strerror(errno));
	return EXIT_FAILURE;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 },
	};
	const char *root = getenv("MDEVCTL_ENV_ROOT");
	struct ctx ctx = { .rfs = { .fd = -1 } };
	char *list_argv[2] = { (char *)"list", NULL };
	bool as_lsmdev;
	int opt, r;

	ctx.prog = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	as_lsmdev = strcmp(ctx.prog, "lsmdev") == 0;
	if (!as_lsmdev) {
		opterr = 0;
		while ((opt = getopt_long(argc, argv, "+hV", longopts, NULL)) != -1) {
			switch (opt) {
			case 'r':
				root = optarg;
				break;
			case 'h':
				usage_main(stdout, ctx.prog);
				return flush_stdout(ctx.prog);
			case 'V':
				printf("%s %s\n", ctx.prog, PACKAGE_VERSION);
				return flush_stdout(ctx.prog);
			default:
				if (optopt == 'r' ||
				    (optind > 0 && strncmp(argv[optind - 1], "--root", 6) == 0))
					return usage_error(&ctx, "--root needs a directory");
				return usage_error(&ctx, "unknown option '%s'", argv[optind - 1]);
			}
		}
		if (optind >= argc)
			return usage_error(&ctx, "no command given");
		argc -= optind;
		argv += optind;
	} else if (argc < 2) {
		argc = 1;
		argv = list_argv;
	} else {
		/* lsmdev ARGS is list ARGS: reuse argv[0]'s slot for the command */
		argv[0] = list_argv[0];
	}
	r = rootfs_open(&ctx.rfs, root);
	if (r < 0) {
		fprintf(stderr, "%s: cannot open root directory %s: %s\n", ctx.prog, root,
			strerror(-r));
		return EXIT_FAILURE;
	}
	ctx.co = callouts_new(&ctx.rfs);
	r = cli_dispatch(&ctx, argc, argv);
	callouts_free(ctx.co);
	rootfs_close(&ctx.rfs);
	if (flush_stdout(ctx.prog))
		r = EXIT_FAILURE;
	return r;
}
