// SPDX-License-Identifier: LGPL-2.1-or-later
/* The executor of `apply`: checks before the first change, steps, check after, undo. */
#include "libmdev/apply.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const struct apply_backend *backend_of(const struct cur_state *st, const char *parent)
{
	const struct cur_parent *p = cur_find_parent(st, parent);

	return apply_backends[p ? p->family : 0];
}

void apply_describe(const struct plan_action *a, char *buf, size_t size)
{
	snprintf(buf, size, "%s %s on %s (%s)", plan_op_name(a->op),
		 a->id[0] ? a->id : "a new device", a->parent, a->type);
}

void apply_report_free(struct apply_report *rep)
{
	strv_free(&rep->undone);
	strv_free(&rep->leftover);
}

/* One step of the plan, or (UNDO) the step that reverses it, restoring SAVED. */
static int do_step(const struct apply_ctx *ax, const struct cur_state *st,
		   const struct plan_action *a, bool undo, const struct apply_saved *saved,
		   struct mdev_error *err)
{
	static const enum plan_op inverse[] = {
		[OP_STOP] = OP_START,	 [OP_UNDEFINE] = OP_DEFINE, [OP_DEFINE] = OP_UNDEFINE,
		[OP_MODIFY] = OP_MODIFY, [OP_START] = OP_STOP,
	};
	enum plan_op op = undo ? inverse[a->op] : a->op;
	/* the definition a step stores or starts with: the old one when undoing */
	const struct mdev_config *cfg = a->after;

	struct apply_step s = { op, a->parent, a->id, a->type, NULL, undo, saved };

	if (a->op == OP_STOP || a->op == OP_UNDEFINE || (undo && a->op == OP_MODIFY))
		cfg = a->before;
	s.cfg = cfg;
	return backend_of(st, a->parent)->step(ax, &s, err);
}

/* Undoes steps [0, UPTO) in reverse order, telling REP what was undone and what was not. */
static void roll_back(const struct apply_ctx *ax, const struct cur_state *st,
		      const struct plan *plan, const struct apply_saved *saved, size_t upto,
		      struct apply_report *rep)
{
	char what[256], line[1400];

	for (size_t i = upto; i-- > 0;) {
		struct mdev_error err;

		apply_describe(&plan->v[i], what, sizeof(what));
		if (do_step(ax, st, &plan->v[i], true, &saved[i], &err) == 0) {
			strv_push(&rep->undone, what);
		} else {
			snprintf(line, sizeof(line), "%s: %s", what, err.msg);
			strv_push(&rep->leftover, line);
		}
	}
}

/* A start and a stop of one type on one parent: what it does to the free instances. */
struct need {
	const char *parent, *type;
	long delta;
	long entry;
};

static int cmp_need(const void *pa, const void *pb)
{
	const struct need *a = pa, *b = pb;
	int c = strcmp(a->parent, b->parent);

	return c ? c : strcmp(a->type, b->type);
}

/* Enough free instances for what the plan starts, net of what it stops first? */
static int check_capacity(const struct apply_ctx *ax, const struct cur_state *st,
			  const struct layout *lay, const struct plan *plan, struct mdev_error *err)
{
	struct need *v = xcalloc(plan->n + 1, sizeof(*v));
	size_t n = 0;
	int r = 0;

	for (size_t i = 0; i < plan->n; i++) {
		const struct plan_action *a = &plan->v[i];

		if (a->op == OP_START || a->op == OP_STOP)
			v[n++] = (struct need){ a->parent, a->type, a->op == OP_START ? 1 : -1,
						a->entry };
	}
	qsort(v, n, sizeof(*v), cmp_need);
	for (size_t i = 0, j; r == 0 && i < n; i = j) {
		long net = 0, entry = -1, avail;

		for (j = i; j < n && cmp_need(&v[i], &v[j]) == 0; j++) {
			net += v[j].delta;
			if (v[j].delta > 0)
				entry = v[j].entry;
		}
		if (net <= 0)
			continue;
		r = backend_of(st, v[i].parent)
			    ->available(ax->rfs, v[i].parent, v[i].type, &avail, err);
		if (r == 0 && avail < net)
			r = layout_error(err, lay->file,
					 "%s[%ld]: parent %s has %ld free instances of %s, and "
					 "%ld more are needed",
					 lay->where, entry, v[i].parent, avail, v[i].type, net);
	}
	free(v);
	return r;
}

/* What would stop the run halfway, found before the first change. */
static int preflight(const struct apply_ctx *ax, const struct cur_state *st,
		     const struct layout *lay, const struct plan *plan, struct mdev_error *err)
{
	for (size_t i = 0; !ax->force && i < plan->n; i++) {
		const struct plan_action *a = &plan->v[i];
		struct mdev_error why;

		if (a->op == OP_STOP &&
		    backend_of(st, a->parent)->held(ax->rfs, a->parent, a->id, &why) < 0)
			return mdev_errorf(err, why.code, "cannot stop %s on %s (%s): %s%s", a->id,
					   a->parent, a->why ? a->why : "", why.msg,
					   why.code == EBUSY ? " (--force stops it anyway)" : "");
	}
	return check_capacity(ax, st, lay, plan, err);
}

/* After the steps, the machine is read again: a layout met plans nothing. */
static int verify(const struct apply_ctx *ax, const struct layout *lay, struct mdev_error *err)
{
	struct cur_state now;
	struct plan left;
	char what[256];
	int r = apply_read_parents(ax->rfs, 0, &now, err);

	if (r == 0)
		r = apply_gather(ax->rfs, lay, NULL, &now, err);
	if (r < 0)
		return r;
	r = plan_make(&now, lay, &left, err);
	if (r == 0 && left.n) {
		apply_describe(&left.v[0], what, sizeof(what));
		r = mdev_errorf(err, EIO,
				"the machine does not match the layout after the steps: %zu still "
				"to do, the first: %s",
				left.n, what);
	}
	plan_free(&left);
	cur_state_free(&now);
	return r;
}

/* New devices get their ids now, each shared by its define and its start. */
static void name_fresh(const struct cur_state *st, struct plan *plan)
{
	char(*ids)[DEV_ID_MAX] = xcalloc(plan->nfresh + 1, sizeof(*ids));

	for (size_t i = 0; i < plan->n; i++) {
		struct plan_action *a = &plan->v[i];

		if (!a->fresh)
			continue;
		if (!ids[a->fresh][0]) {
			const struct cur_parent *p = cur_find_parent(st, a->parent);
			struct strv taken = { 0 };

			/* a VF index is not random like a UUID: one per new device */
			for (size_t k = 0; k < i; k++)
				if (plan->v[k].fresh && strcmp(plan->v[k].parent, a->parent) == 0)
					strv_push(&taken, plan->v[k].id);
			apply_backends[p->family]->new_id(p, &taken, ids[a->fresh]);
			strv_free(&taken);
		}
		memcpy(a->id, ids[a->fresh], DEV_ID_MAX);
	}
	free(ids);
}

int apply_run(const struct apply_ctx *ax, const struct cur_state *st, const struct layout *lay,
	      struct plan *plan, struct apply_report *rep, struct mdev_error *err)
{
	char what[256], why[sizeof(err->msg)];
	struct apply_saved *saved;
	size_t i;
	int r;

	memset(rep, 0, sizeof(*rep));
	rep->failed = -1;
	r = preflight(ax, st, lay, plan, err);
	if (r < 0)
		return r;
	name_fresh(st, plan);
	saved = xcalloc(plan->n + 1, sizeof(*saved));
	for (i = 0; r == 0 && i < plan->n; i++) {
		const struct plan_action *a = &plan->v[i];

		if (a->op == OP_DEFINE || a->op == OP_MODIFY || a->op == OP_UNDEFINE)
			r = backend_of(st, a->parent)
				    ->save(ax->rfs, a->op, a->parent, a->id, &saved[i], err);
		if (r == 0)
			r = do_step(ax, st, a, false, NULL, err);
	}
	if (r < 0) {
		rep->failed = (long)--i;
		apply_describe(&plan->v[i], what, sizeof(what));
		snprintf(why, sizeof(why), "%s", err->msg);
		mdev_errorf(err, -r, "step %zu of %zu (%s) failed: %s", i + 1, plan->n, what, why);
	} else {
		r = verify(ax, lay, err);
		rep->verify_failed = r < 0;
	}
	if (r < 0)
		roll_back(ax, st, plan, saved, rep->verify_failed ? plan->n : i, rep);
	else
		rep->done = plan->n;
	for (i = 0; i < plan->n; i++)
		free(saved[i].data);
	free(saved);
	return r;
}
