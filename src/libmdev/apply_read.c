// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What `apply` reads of the machine for the planner: the parents, their types, their devices.
 * Parents are independent, so they are read on one thread per CPU; what each read found
 * (its warnings, its failure) is reported afterwards, in parent order, for the parents the
 * layout turns out to need.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "basic/parallel.h"
#include "libmdev/apply.h"

const struct apply_backend *const apply_backends[] = { &apply_mdev_backend, &apply_vf_backend };
#define NBACKENDS 2

static int cmp_parent(const void *a, const void *b)
{
	return strcmp(((const struct cur_parent *)a)->name, ((const struct cur_parent *)b)->name);
}

static int gather_parents(const struct rootfs *rfs, struct cur_state *st, struct mdev_error *err)
{
	size_t cap = 0;

	for (unsigned f = 0; f < NBACKENDS; f++) {
		struct strv names = { 0 };
		int r = apply_backends[f]->parents(rfs, &names, err);

		if (r < 0) {
			strv_free(&names);
			return r;
		}
		for (size_t i = 0; i < names.n; i++) {
			if (st->n == cap) {
				cap = cap ? 2 * cap : 64;
				st->v = xrealloc(st->v, cap * sizeof(*st->v));
			}
			st->v[st->n++] = (struct cur_parent){ .name = xstrdup(names.v[i]),
							      .ids = apply_backends[f]->ids,
							      .family = f };
		}
		strv_free(&names);
	}
	qsort(st->v, st->n, sizeof(*st->v), cmp_parent);
	return 0;
}

/* Parents to read, each on whichever thread takes it: WHAT of them (APPLY_READ_*). */
struct read_job {
	const struct rootfs *rfs;
	struct cur_parent **parents;
	int what;
	int *types_r; /* how reading each one's types went */
	struct mdev_error *types_err;
};

static void read_one(size_t i, void *arg)
{
	const struct read_job *j = arg;
	struct cur_parent *p = j->parents[i];
	const struct apply_backend *b = apply_backends[p->family];
	struct mdev_error e;

	if (j->what & APPLY_READ_TYPES) {
		j->types_r[i] = b->types(j->rfs, p, &j->types_err[i]);
		p->typed = j->types_r[i] == 0;
		if (!p->typed) /* read again, from the start, if it is needed */
			strv_free(&p->types);
	}
	if (j->what & APPLY_READ_DEVICES) {
		warn_capture(&p->warnings);
		p->read_r = b->load(j->rfs, p, &e);
		warn_capture(NULL);
		if (p->read_r < 0)
			p->read_err = xstrdup(e.msg);
	}
}

/*
 * Reads WHAT of the N parents of WANT at once.  Each is read whole even when another fails;
 * the first failure to read types, in WANT's order, is reported when ERR is not NULL.
 */
static int read_parents(const struct rootfs *rfs, struct cur_parent **want, size_t n, int what,
			struct mdev_error *err)
{
	struct read_job j = { rfs, want, what, xcalloc(n + 1, sizeof(*j.types_r)),
			      xcalloc(n + 1, sizeof(*j.types_err)) };
	int r = 0;

	parallel_for(n, read_one, &j);
	for (size_t i = 0; err && r == 0 && i < n; i++)
		if (j.types_r[i] < 0) {
			r = j.types_r[i];
			*err = j.types_err[i];
		}
	free(j.types_r);
	free(j.types_err);
	return r;
}

/* The types of the parents LAY may manage: those it names, or all for a "*" entry. */
static int gather_types(const struct rootfs *rfs, const struct layout *lay, struct cur_state *st,
			struct mdev_error *err)
{
	bool *need = xcalloc(st->n + 1, sizeof(*need)), all = false;
	struct cur_parent **want = xcalloc(st->n + 1, sizeof(*want));
	const struct cur_parent *p = NULL;
	size_t n = 0;
	int r;

	for (size_t i = 0; i < lay->n; i++) {
		const struct cur_parent *named = cur_find_parent_near(st, lay->v[i].parent, p);

		all |= strcmp(lay->v[i].parent, LAYOUT_ANY_PARENT) == 0;
		if (named) {
			p = named;
			need[p - st->v] = true;
		}
	}
	for (size_t i = 0; i < st->n; i++)
		if ((all || need[i]) && !st->v[i].typed)
			want[n++] = &st->v[i];
	r = read_parents(rfs, want, n, APPLY_READ_TYPES, err);
	free(want);
	free(need);
	return r;
}

/*
 * The devices of the MANAGED parents, those not read ahead read now; then, in MANAGED's order,
 * each one's warnings and the first failure, where reading them one by one would have stopped.
 */
static int load_managed(const struct rootfs *rfs, const struct strv *managed, struct cur_state *st,
			struct mdev_error *err)
{
	struct cur_parent **want = xcalloc(managed->n + 1, sizeof(*want));
	size_t n = 0;
	int r = 0;

	for (size_t i = 0; i < managed->n; i++) {
		struct cur_parent *p = (struct cur_parent *)cur_find_parent(st, managed->v[i]);

		if (!p->loaded && !p->managed)
			want[n++] = p;
		p->managed = true;
	}
	read_parents(rfs, want, n, APPLY_READ_DEVICES, NULL);
	for (size_t i = 0; r == 0 && i < managed->n; i++) {
		struct cur_parent *p = (struct cur_parent *)cur_find_parent(st, managed->v[i]);

		warn_replay(&p->warnings);
		strv_free(&p->warnings); /* a parent named twice says it once */
		if (p->read_r < 0)
			r = mdev_errorf(err, -p->read_r, "%s", p->read_err);
	}
	free(want);
	return r;
}

/* UUIDs the layout wants running that run on a parent it does not manage. */
static void gather_elsewhere(const struct rootfs *rfs, const struct layout *lay,
			     struct cur_state *st)
{
	const struct cur_parent *p = NULL;

	for (size_t i = 0; i < lay->n; i++) {
		const struct layout_entry *e = &lay->v[i];
		const struct cur_dev *d;
		const struct cur_parent *on;
		char *where;

		if (e->by != BY_UUID || !e->active)
			continue;
		p = cur_find_parent_near(st, e->parent, p);
		d = p ? cur_find_dev(p, e->id) : NULL;
		if (!p || (d && d->active_type))
			continue;
		where = apply_backends[p->family]->running_on(rfs, e->id);
		on = where ? cur_find_parent(st, where) : NULL;
		if (where && (!on || !on->managed)) {
			st->elsewhere = xrealloc(st->elsewhere,
						 (st->nelsewhere + 1) * sizeof(*st->elsewhere));
			st->elsewhere[st->nelsewhere] = (struct cur_elsewhere){ .parent = where };
			snprintf(st->elsewhere[st->nelsewhere++].id, DEV_ID_MAX, "%s", e->id);
		} else {
			free(where);
		}
	}
}

int apply_read_parents(const struct rootfs *rfs, int what, struct cur_state *st,
		       struct mdev_error *err)
{
	struct cur_parent **ahead;
	size_t n = 0;
	int r;

	memset(st, 0, sizeof(*st));
	r = gather_parents(rfs, st, err);
	if (r < 0) {
		cur_state_free(st);
		return r;
	}
	ahead = xcalloc(st->n + 1, sizeof(*ahead));
	for (size_t i = 0; what && i < st->n; i++)
		if (apply_backends[st->v[i].family]->read_ahead)
			ahead[n++] = &st->v[i];
	read_parents(rfs, ahead, n, what, NULL);
	free(ahead);
	return 0;
}

int apply_gather(const struct rootfs *rfs, const struct layout *lay, const struct strv *only,
		 struct cur_state *st, struct mdev_error *err)
{
	struct strv managed = { 0 };
	int r = 0;

	if (lay)
		r = gather_types(rfs, lay, st, err);
	if (r == 0 && lay)
		r = plan_managed(st, lay, &managed, err);
	for (size_t i = 0; r == 0 && !lay && i < only->n; i++) {
		if (!cur_find_parent(st, only->v[i]))
			r = mdev_errorf(err, ENODEV, "parent device %s not found", only->v[i]);
		strv_push(&managed, only->v[i]);
	}
	for (size_t i = 0; r == 0 && !lay && !only->n && i < st->n; i++)
		strv_push(&managed, st->v[i].name);
	if (r == 0)
		r = load_managed(rfs, &managed, st, err);
	if (r == 0 && lay)
		gather_elsewhere(rfs, lay, st);
	strv_free(&managed);
	if (r < 0)
		cur_state_free(st);
	return r;
}
