/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The dispatcher shared by the command line and the shell. */
#ifndef MDEVADM_DISPATCH_H
#define MDEVADM_DISPATCH_H

#include <stdio.h>

#include "shared/command.h"

/*
 * Parses ARGV (ARGV[0] is the command) for command C into ARGS, reporting a
 * usage error; returns 0, EXIT_USAGE, or -1 for --help.
 */
int cli_parse_args(struct ctx *ctx, const struct command *c, int argc, char **argv,
		   struct cmd_args *args);
/* Releases what cli_parse_args allocated in ARGS (whatever it returned). */
void cli_args_free(struct cmd_args *args);
/* Runs ARGV[0] of ctx->table with its arguments; returns the exit status. */
int cli_dispatch(struct ctx *ctx, int argc, char **argv);

void usage_main(FILE *f, const char *prog, const struct command *table);

#endif
