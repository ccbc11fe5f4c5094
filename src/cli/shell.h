/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The interactive shell and batch mode: a second front end of the dispatcher. */
#ifndef MDEVADM_SHELL_H
#define MDEVADM_SHELL_H

#include <stdbool.h>

#include "shared/command.h"

/*
 * Reads command lines (readline on a terminal, plain lines otherwise) and runs each through
 * DISPATCH; help and TAB follow ctx->table.
 */
int shell_run(struct ctx *ctx, dispatch_fn dispatch, bool keep_going);

#endif
