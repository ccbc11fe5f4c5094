/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Event scripts: mdevctl's callout and notifier protocol, with trust checks and a time limit. */
#ifndef MDEVADM_CALLOUT_H
#define MDEVADM_CALLOUT_H

#include <stdbool.h>

#include "basic/error.h"
#include "basic/rootfs.h"
#include "libmdev/store.h"

enum co_action {
	ACT_START,
	ACT_STOP,
	ACT_DEFINE,
	ACT_UNDEFINE,
	ACT_MODIFY,
};

struct callouts;

/* Scripts are found and probed lazily, once per run; NULL-safe to free. */
struct callouts *callouts_new(const struct rootfs *rfs);
void callouts_free(struct callouts *co);

/*
 * One command on one device: co_pre before it, co_post after it.  The script
 * that handles the device in the pre event also gets the post event.
 */
struct co_call {
	struct callouts *co;
	const char *uuid;
	const char *parent;
	const struct mdev_config *cfg;
	enum co_action action;
	int script; /* chosen by co_pre; -1 when no script handles the type */
};

/*
 * Runs the pre callout.  A script that objects (any status but 0 and 2)
 * aborts the command, after the notifiers ran, unless FORCE: then it is only
 * a warning.
 */
int co_pre(struct co_call *call, bool force, struct mdev_error *err);
/* Runs the post callout with the command's outcome, then every notifier. */
void co_post(struct co_call *call, bool success);

/*
 * Asks the script handling TYPE for the attributes of an active device.
 * Returns 1 and replaces CFG's attributes when a script answered, 0 when no
 * script handles the type, or a negative errno with ERR set.
 */
/*
 * The pure parts of reading a script's answers (LEN bytes, trimmed):
 * a get-attributes answer into GOT (for TYPE), and whether a capabilities
 * answer makes the script versioned, with the events and actions it lists.
 */
int co_parse_attrs(const char *answer, size_t len, const char *type, struct mdev_config *got,
		   char *why, size_t whylen);
bool co_parse_caps(const char *answer, size_t len, struct strv *events, struct strv *actions);

int co_get_attrs(struct callouts *co, const char *uuid, const char *parent, struct mdev_config *cfg,
		 struct mdev_error *err);

/*
 * Applies CFG to the running device through a versioned script that lists
 * the live event; -ENOTSUP when there is none.
 */
int co_live(struct callouts *co, const char *uuid, const char *parent,
	    const struct mdev_config *cfg, struct mdev_error *err);

#endif
