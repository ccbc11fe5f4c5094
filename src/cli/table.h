/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The one command table. */
#ifndef MDEVADM_TABLE_H
#define MDEVADM_TABLE_H

#include "shared/command.h"

/* Every command, ended by an empty entry. */
extern const struct command commands[];

#endif
