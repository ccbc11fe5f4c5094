/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The dispatcher shared by the command line and the shell. */
#ifndef MDEVADM_DISPATCH_H
#define MDEVADM_DISPATCH_H

#include <stdio.h>

#include "shared/command.h"

/* Runs ARGV[0] of ctx->table with its arguments; returns the exit status. */
int cli_dispatch(struct ctx *ctx, int argc, char **argv);

void usage_main(FILE *f, const char *prog, const struct command *table);

#endif
