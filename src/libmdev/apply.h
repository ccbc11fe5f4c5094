/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Carrying out a plan: the machine's state read for the planner, each step done through the
 * family's backend, the result read again and compared, and every step undone in reverse
 * order when one fails or the result differs.
 */
#ifndef MDEVADM_APPLY_H
#define MDEVADM_APPLY_H

#include <stdbool.h>

#include "basic/error.h"
#include "basic/rootfs.h"
#include "libmdev/callout.h"
#include "libmdev/plan.h"

struct apply_ctx {
	const struct rootfs *rfs;
	struct callouts *co;
	bool force; /* stop devices that a process holds; go on when a callout objects */
};

/* What a step changes in the store, kept to undo it exactly. */
struct apply_saved {
	char *data; /* the definition's bytes before a modify or undefine */
	size_t len;
	bool made_dir; /* a define made the parent's directory of definitions */
};

/* One step for a backend to carry out. */
struct apply_step {
	enum plan_op op;
	const char *parent, *id;
	const char *type;		 /* what runs, for a stop */
	const struct mdev_config *cfg;	 /* the definition to store or to start with */
	bool undo;			 /* putting back what a step of this run changed */
	const struct apply_saved *saved; /* when undoing: what to put back */
};

/*
 * A family of devices.  The planner sees only parents, ids and definitions; reading them and
 * acting on them is done here.  mdevs are one family (apply_mdev.c); vGPUs on SR-IOV VFs,
 * named by VF index, plug in as another, chosen by the parent's enum id_kind.
 */
struct apply_backend {
	enum id_kind ids; /* how its devices are named */
	/*
	 * types() prints nothing, and neither it nor load() changes anything: both may run
	 * before the layout says whether the parent is needed (load()'s warnings are held).
	 */
	bool read_ahead;
	/* The names of its present parents, sorted. */
	int (*parents)(const struct rootfs *rfs, struct strv *out, struct mdev_error *err);
	/* Fills P's supported types. */
	int (*types)(const struct rootfs *rfs, struct cur_parent *p, struct mdev_error *err);
	/* Fills P's devices: definitions and what runs. */
	int (*load)(const struct rootfs *rfs, struct cur_parent *p, struct mdev_error *err);
	/* The parent ID runs on (malloc'd), or NULL when it does not run. */
	char *(*running_on)(const struct rootfs *rfs, const char *id);
	/* Names a new device of P, none of TAKEN (the ids of its other new devices). */
	void (*new_id)(const struct cur_parent *p, const struct strv *taken, char id[DEV_ID_MAX]);
	/* Free instances of TYPE on PARENT. */
	int (*available)(const struct rootfs *rfs, const char *parent, const char *type, long *n,
			 struct mdev_error *err);
	/* 0 when nothing holds the running device ID, else -EBUSY naming the holders. */
	int (*held)(const struct rootfs *rfs, const char *parent, const char *id,
		    struct mdev_error *err);
	/* Before a step that changes a definition: what undoing it must put back. */
	int (*save)(const struct rootfs *rfs, enum plan_op op, const char *parent, const char *id,
		    struct apply_saved *out, struct mdev_error *err);
	int (*step)(const struct apply_ctx *ax, const struct apply_step *s, struct mdev_error *err);
};

extern const struct apply_backend apply_mdev_backend, apply_vf_backend;
/* Every family's backend, by cur_parent.family (apply_read.c). */
extern const struct apply_backend *const apply_backends[];

/* What apply_read_parents reads besides the parents, of those a backend may read ahead. */
#define APPLY_READ_TYPES 1
#define APPLY_READ_DEVICES 2

/*
 * The first part of what the planner needs, which needs no layout: every present parent and,
 * as WHAT says, the types and the devices of the parents whose backend reads ahead, on one
 * thread per CPU.  What cannot be read is left for apply_gather to report, if the layout turns
 * out to need it; so are the warnings.  With APPLY_READ_DEVICES the caller holds the store
 * lock.  `apply` runs it while it parses the layout.  On failure ST is freed.
 */
int apply_read_parents(const struct rootfs *rfs, int what, struct cur_state *st,
		       struct mdev_error *err);
/*
 * The rest, into ST from apply_read_parents: the types of the parents LAY may manage, the
 * devices of those it manages (those not read ahead), and their warnings and the first
 * failure in parent order, as reading them one after the other would report them.  With LAY
 * NULL, the devices of ONLY (every parent when ONLY is empty) are read, for an export.  On
 * failure ST is freed.
 */
int apply_gather(const struct rootfs *rfs, const struct layout *lay, const struct strv *only,
		 struct cur_state *st, struct mdev_error *err);

/* What a run did, for the report. */
struct apply_report {
	size_t done;	      /* steps carried out and kept */
	long failed;	      /* the step that failed, -1 when none did (or verification failed) */
	bool verify_failed;   /* the steps ran, but the machine did not then match the layout */
	struct strv undone;   /* the steps undone, in the order they were, "undefine UUID on P" */
	struct strv leftover; /* steps whose undoing failed too: what a person must look at */
};

void apply_report_free(struct apply_report *rep);

/*
 * Carries out PLAN (made from LAY on the state read under the store lock the caller holds):
 * checks first what would stop it halfway (a holder of a device to stop, too few instances),
 * names new devices in PLAN, does each step, then reads the machine again and plans once
 * more: anything left to do is a failure.  On any failure every step done is undone in
 * reverse order, and ERR names the step.
 */
int apply_run(const struct apply_ctx *ax, const struct cur_state *st, const struct layout *lay,
	      struct plan *plan, struct apply_report *rep, struct mdev_error *err);

/* "define 1234... on mtty" for messages; ID "" is "a new device". */
void apply_describe(const struct plan_action *a, char *buf, size_t size);

#endif
