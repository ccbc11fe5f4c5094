/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Completion candidates from the tree, for the engine (complete.c): what the line says so far. */
#ifndef MDEVADM_COMPLETE_VALUES_H
#define MDEVADM_COMPLETE_VALUES_H

#include "shared/command.h"
#include "cli/completion.h"

/* Every command takes -h/--help, which the table's option bits leave out. */
#define OPT_HELP OPT_COUNT

/* What the words between the command and the current word say. */
struct line_state {
	const struct command *cmd;
	optmask seen;
	const char *val[OPT_COUNT]; /* values of options that take one */
	int npos;
	int pending; /* the option whose value the current word is, or -1 */
	bool no_more_opts;
};

/* The candidates for the value of option ID, each after PREFIX (the word's part before it). */
void complete_value(const struct rootfs *rfs, const struct line_state *st, int id,
		    const char *prefix, struct completion *c);
/* The candidates for the next positional argument of st->cmd. */
void complete_positional(const struct rootfs *rfs, const struct line_state *st,
			 struct completion *c);

#endif
