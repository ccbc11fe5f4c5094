/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The front ends that are commands of the table themselves: shell and __complete. */
#ifndef MDEVADM_FRONTENDS_H
#define MDEVADM_FRONTENDS_H

#include "shared/command.h"

int cmd_shell(struct ctx *ctx, struct cmd_args *args);
int cmd_complete(struct ctx *ctx, struct cmd_args *args);

#endif
