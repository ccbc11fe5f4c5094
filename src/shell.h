/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The interactive shell and batch mode: a second front end of the dispatcher. */
#ifndef MDEVADM_SHELL_H
#define MDEVADM_SHELL_H

#include <stdbool.h>

struct ctx;

typedef int (*dispatch_fn)(struct ctx *ctx, int argc, char **argv);

/* Reads command lines (readline on a terminal, plain lines otherwise) and runs each. */
int shell_run(struct ctx *ctx, dispatch_fn dispatch, bool keep_going);

#endif
