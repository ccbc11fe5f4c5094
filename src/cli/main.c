// SPDX-License-Identifier: LGPL-2.1-or-later
/* mdevadm: global options, the lsmdev alias, and the hand-off to the dispatcher. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "basic/escape.h"
#include "cli/dispatch.h"
#include "cli/table.h"
#include "libmdev/callout.h"

static int flush_stdout(const char *prog)
{
	/* a reader that went away (| head) is not our failure */
	if (fflush(stdout) == 0 || errno == EPIPE)
		return 0;
	fprintf(stderr, "%s: cannot write output: %s\n", prog, strerror(errno));
	return EXIT_FAILURE;
}

/*
 * With stdin, stdout or stderr closed, the next file we open would take its
 * number and receive what was meant for it (a pipe to a script, say).
 */
static void ensure_std_fds(void)
{
	int fd;

	while ((fd = open("/dev/null", O_RDWR | O_CLOEXEC)) >= 0 && fd <= STDERR_FILENO)
		fcntl(fd, F_SETFD, 0);
	if (fd > STDERR_FILENO)
		close(fd);
}

/* getopt values of the global options: clear of characters and of 0 (unknown) */
#define GOPT_VAL 256

int main(int argc, char **argv)
{
	struct option longopts[GOPT_COUNT + 1] = { 0 };
	const char *root = getenv("MDEVCTL_ENV_ROOT");
	struct ctx ctx = { .rfs = { .fd = -1 }, .table = commands };
	bool as_lsmdev;
	int opt, r;

	ensure_std_fds();
	/* one thread: a listing's thousands of small writes need not each take a lock */
	__fsetlocking(stdout, FSETLOCKING_BYCALLER);
	ctx.prog = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	as_lsmdev = strcmp(ctx.prog, "lsmdev") == 0;
	ctx.as_mdevctl = as_lsmdev || strcmp(ctx.prog, "mdevctl") == 0;
	if (!as_lsmdev) {
		for (int i = 0; i < GOPT_COUNT; i++)
			longopts[i] = (struct option){ global_opts[i].name,
						       global_opts[i].arg ? required_argument
									  : no_argument,
						       NULL, GOPT_VAL + i };
		opterr = 0;
		while ((opt = getopt_long(argc, argv, "+hV", longopts, NULL)) != -1) {
			switch (opt) {
			case GOPT_VAL + GOPT_ROOT:
				root = optarg;
				break;
			case 'h':
			case GOPT_VAL + GOPT_HELP:
				usage_main(stdout, ctx.prog, ctx.table);
				return flush_stdout(ctx.prog);
			case 'V':
			case GOPT_VAL + GOPT_VERSION:
				printf("%s %s\n", ctx.prog, PACKAGE_VERSION);
				return flush_stdout(ctx.prog);
			default:
				if (optopt == GOPT_VAL + GOPT_ROOT)
					return usage_error(&ctx, "--root needs a directory");
				return usage_error(&ctx, "unknown option '%s'", argv[optind - 1]);
			}
		}
		if (optind >= argc)
			return usage_error(&ctx, "no command given");
		argc -= optind;
		argv += optind;
	} else {
		ctx.alias = true;
		for (int i = 1; i < argc; i++)
			if (strcmp(argv[i], "-V") == 0 || strcmp(argv[i], "--version") == 0) {
				printf("%s %s\n", ctx.prog, PACKAGE_VERSION);
				return flush_stdout(ctx.prog);
			}
		/* lsmdev ARGS is list ARGS: reuse argv[0]'s slot for the command */
		argv[0] = (char *)"list";
	}
	r = rootfs_open(&ctx.rfs, root);
	if (r < 0) {
		fprintln_escaped(stderr, "%s: cannot open root directory %s: %s", ctx.prog, root,
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
