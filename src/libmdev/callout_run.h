/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Inside the event scripts: what callout.c knows of them, and running one (callout_run.c). */
#ifndef MDEVADM_CALLOUT_RUN_H
#define MDEVADM_CALLOUT_RUN_H

#include <stdbool.h>
#include <stddef.h>

#include "basic/util.h"
#include "libmdev/callout.h"

enum cap_kind { CAP_NOT_MINE, CAP_LEGACY, CAP_VERSIONED };

struct cap {
	char *type;
	enum cap_kind kind;
	struct strv events, actions;
};

struct script {
	char *path; /* absolute, for execve */
	char *name; /* for messages */
	struct cap *caps;
	size_t ncaps;
	bool hung; /* killed at the time limit: not run again, so one limit bounds its delay */
};

struct script_set {
	struct script *v;
	size_t n;
	bool loaded;
};

struct callouts {
	const struct rootfs *rfs;
	struct script_set callouts, notifiers;
	int timeout_ms;
};

struct run {
	int status; /* exit status, or -1 when killed or not run */
	bool killed;
	char *out; /* stdout, NUL-terminated */
	size_t outlen;
};

/*
 * Runs S as `S -t TYPE -e EVENT -a ACTION -s STATE -u UUID -p PARENT` with INPUT on its
 * standard input, a clean environment and the time limit; STATE: 0 none, 1 success,
 * -1 failure.  A script that was killed once is not run again.
 */
void run_script(const struct callouts *co, struct script *s, const char *type, const char *event,
		const char *action, int state, const char *uuid, const char *parent,
		const char *input, struct run *res);

#endif
