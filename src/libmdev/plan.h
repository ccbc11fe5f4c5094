/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The planner of `apply`: the machine as it is and a layout in, the steps that make one the
 * other out.  Pure (no I/O), so that it can be tested and fuzzed alone.  It knows devices by
 * parent and id only; what an id is, and how a step is carried out, is the backend's business
 * (apply_mdev.c for mdevs).
 */
#ifndef MDEVADM_PLAN_H
#define MDEVADM_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "basic/error.h"
#include "basic/util.h"
#include "libmdev/definition.h"
#include "libmdev/layout.h"

/* One device of a parent as it is now: defined, running, or both. */
struct cur_dev {
	char id[DEV_ID_MAX];
	bool defined;
	struct mdev_config def; /* when defined */
	char *active_type;	/* what runs with this id on this parent; NULL when nothing */
};

/* How a parent's devices are named: which entries (uuid/count or vf/count) fit it. */
enum id_kind { ID_UUID, ID_VF };

struct cur_parent {
	char *name;
	enum id_kind ids;
	unsigned family;   /* the backend that reads it and acts on it (apply.c) */
	struct strv types; /* the types it supports, sorted */
	bool typed;	   /* TYPES were read */
	bool loaded;	   /* DEVS were read */
	bool managed;	   /* the layout manages it (or it is exported) */
	struct cur_dev *devs;
	size_t ndevs; /* sorted by id */
	/* how reading DEVS went, reported once it is known to be managed (apply.c) */
	int read_r;
	char *read_err;
	struct strv warnings;
};

/* A device running on a parent the layout does not manage, which an entry asks for elsewhere. */
struct cur_elsewhere {
	char id[DEV_ID_MAX];
	char *parent;
};

struct cur_state {
	struct cur_parent *v;
	size_t n; /* every present parent, sorted by name */
	struct cur_elsewhere *elsewhere;
	size_t nelsewhere;
};

void cur_state_free(struct cur_state *st);
const struct cur_parent *cur_find_parent(const struct cur_state *st, const char *name);
/*
 * The same, trying PREV (a parent found before, or NULL) first: a layout names a parent's
 * devices one after another, so a walk over its entries looks each parent up once, not once
 * per device.
 */
const struct cur_parent *cur_find_parent_near(const struct cur_state *st, const char *name,
					      const struct cur_parent *prev);
const struct cur_dev *cur_find_dev(const struct cur_parent *p, const char *id);
bool cur_has_type(const struct cur_parent *p, const char *type);

/* The parents a layout manages: those it names, and those a "*" entry finds its type on. */
int plan_managed(const struct cur_state *st, const struct layout *lay, struct strv *out,
		 struct mdev_error *err);

/* In the order they are carried out: stops first, starts last. */
enum plan_op { OP_STOP, OP_UNDEFINE, OP_DEFINE, OP_MODIFY, OP_START };

struct plan_action {
	enum plan_op op;
	const char *parent;  /* borrowed from the state */
	char id[DEV_ID_MAX]; /* "" for a new device until the executor names it */
	unsigned fresh;	     /* a new device's number (from 1), shared by its define and start */
	long entry;	     /* the layout entry, -1 for a device the layout does not ask for */
	const char *type;    /* stop: what runs; start: what to create; else the definition's */
	const struct mdev_config *before; /* the definition now (modify, undefine, stop) or NULL */
	const struct mdev_config *after;  /* the definition wanted (define, modify, start) */
	const char *why;		  /* a stop or undefine: the reason, for people */
};

struct plan {
	struct plan_action *v;
	size_t n;
	unsigned nfresh;
};

/*
 * The steps that make ST what LAY asks for.  ST must hold the devices of every parent
 * plan_managed names.  An entry the machine cannot satisfy (unknown parent or type, a UUID
 * running on a parent the layout does not manage) is an error naming it; nothing is planned.
 */
int plan_make(const struct cur_state *st, const struct layout *lay, struct plan *out,
	      struct mdev_error *err);
void plan_free(struct plan *p);

const char *plan_op_name(enum plan_op op);

#endif
