// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The planner: which devices of the managed parents the layout asks for, and the steps from
 * what is to what is wanted.  Only the difference changes: a definition that matches is kept
 * with its UUID, so a VM that references it keeps it.
 */
#include "libmdev/plan.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

const char *plan_op_name(enum plan_op op)
{
	static const char *const names[] = { "stop", "undefine", "define", "modify", "start" };

	return names[op];
}

void cur_state_free(struct cur_state *st)
{
	for (size_t i = 0; i < st->n; i++) {
		struct cur_parent *p = &st->v[i];

		for (size_t d = 0; d < p->ndevs; d++) {
			config_clear(&p->devs[d].def);
			free(p->devs[d].active_type);
		}
		free(p->devs);
		free(p->name);
		strv_free(&p->types);
		free(p->read_err);
		strv_free(&p->warnings);
	}
	for (size_t i = 0; i < st->nelsewhere; i++)
		free(st->elsewhere[i].parent);
	free(st->elsewhere);
	free(st->v);
	memset(st, 0, sizeof(*st));
}

static int cmp_parent_name(const void *key, const void *elem)
{
	return strcmp(key, ((const struct cur_parent *)elem)->name);
}

const struct cur_parent *cur_find_parent(const struct cur_state *st, const char *name)
{
	return st->n ? bsearch(name, st->v, st->n, sizeof(*st->v), cmp_parent_name) : NULL;
}

const struct cur_parent *cur_find_parent_near(const struct cur_state *st, const char *name,
					      const struct cur_parent *prev)
{
	return prev && strcmp(prev->name, name) == 0 ? prev : cur_find_parent(st, name);
}

static int cmp_dev_id(const void *key, const void *elem)
{
	return strcmp(key, ((const struct cur_dev *)elem)->id);
}

const struct cur_dev *cur_find_dev(const struct cur_parent *p, const char *id)
{
	return p->ndevs ? bsearch(id, p->devs, p->ndevs, sizeof(*p->devs), cmp_dev_id) : NULL;
}

bool cur_has_type(const struct cur_parent *p, const char *type)
{
	return p->types.n &&
	       bsearch(&type, p->types.v, p->types.n, sizeof(*p->types.v), cmp_strp) != NULL;
}

__attribute__((format(printf, 5, 6))) static int bad(const struct layout *lay, size_t i,
						     const char *field, struct mdev_error *err,
						     const char *fmt, ...)
{
	char what[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return layout_error(err, lay->file, "%s[%zu].%s: %s", lay->where, i, field, what);
}

/* P, the parent entry E names, checked against what the machine has. */
static int check_named(const struct cur_parent *p, const struct layout *lay,
		       const struct layout_entry *e, struct mdev_error *err)
{
	if (!p)
		return bad(lay, e->index, "parent", err, "parent %s not found", e->parent);
	if (!cur_has_type(p, e->def.type))
		return bad(lay, e->index, "type", err, "parent %s does not support type %s",
			   e->parent, e->def.type);
	if (e->by == BY_UUID && p->ids != ID_UUID)
		return bad(lay, e->index, "uuid", err,
			   "%s holds vGPUs on VFs: name them with \"vf\" or \"count\"", e->parent);
	if (e->by == BY_VF && p->ids != ID_VF)
		return bad(lay, e->index, "vf", err,
			   "%s is an mdev parent: name its devices with \"uuid\" or \"count\"",
			   e->parent);
	return 0;
}

/* Whether entry E asks for devices on parent P. */
static bool entry_on(const struct layout_entry *e, const struct cur_parent *p)
{
	if (strcmp(e->parent, LAYOUT_ANY_PARENT) == 0)
		return cur_has_type(p, e->def.type);
	return strcmp(e->parent, p->name) == 0;
}

int plan_managed(const struct cur_state *st, const struct layout *lay, struct strv *out,
		 struct mdev_error *err)
{
	bool *managed = xcalloc(st->n + 1, sizeof(*managed));
	const struct cur_parent *named = NULL;
	int r = 0;

	for (size_t i = 0; r == 0 && i < lay->n; i++) {
		const struct layout_entry *e = &lay->v[i];
		bool found = false;

		if (strcmp(e->parent, LAYOUT_ANY_PARENT) != 0) {
			named = cur_find_parent_near(st, e->parent, named);
			r = check_named(named, lay, e, err);
			if (r == 0)
				managed[named - st->v] = true;
			continue;
		}
		for (size_t p = 0; p < st->n; p++) {
			if (entry_on(e, &st->v[p]))
				found = managed[p] = true;
		}
		if (!found)
			r = bad(lay, i, "type", err, "no present parent supports type %s",
				e->def.type);
	}
	for (size_t p = 0; r == 0 && p < st->n; p++)
		if (managed[p])
			strv_push(out, st->v[p].name);
	free(managed);
	return r;
}

/* The steps, collected per kind and joined in the order of enum plan_op. */
struct builder {
	struct plan_action *ops[OP_START + 1];
	size_t n[OP_START + 1], cap[OP_START + 1];
	unsigned nfresh;
	unsigned fresh; /* the new device the steps being added are for, 0 for none */
	bool too_many;	/* the layout asks for more new devices than LAYOUT_MAX_COUNT */
};

static struct plan_action *add(struct builder *b, enum plan_op op, const struct cur_parent *p,
			       const char *id, long entry, const char *type)
{
	struct plan_action *a;

	if (b->n[op] == b->cap[op]) {
		b->cap[op] = b->cap[op] ? 2 * b->cap[op] : 16;
		b->ops[op] = xrealloc(b->ops[op], b->cap[op] * sizeof(*a));
	}
	a = &b->ops[op][b->n[op]++];
	*a = (struct plan_action){
		.op = op, .parent = p->name, .fresh = b->fresh, .entry = entry, .type = type
	};
	snprintf(a->id, sizeof(a->id), "%s", id);
	return a;
}

/* The steps for device D of P (NULL: one that does not exist yet, named ID) wanted as E. */
static void want_dev(struct builder *b, const struct cur_parent *p, const struct cur_dev *d,
		     const char *id, const struct layout_entry *e, unsigned fresh)
{
	const char *running = d ? d->active_type : NULL;
	long ei = (long)e->index;

	b->fresh = fresh;
	if (e->defined && (!d || !d->defined)) {
		add(b, OP_DEFINE, p, id, ei, e->def.type)->after = &e->def;
	} else if (e->defined && !config_equal(&d->def, &e->def)) {
		struct plan_action *a = add(b, OP_MODIFY, p, id, ei, e->def.type);

		a->before = &d->def;
		a->after = &e->def;
	} else if (!e->defined && d && d->defined) {
		struct plan_action *a = add(b, OP_UNDEFINE, p, id, ei, d->def.type);

		a->before = &d->def;
		a->why = "the layout wants it without a definition";
	}
	if (running && (!e->active || strcmp(running, e->def.type) != 0)) {
		struct plan_action *a = add(b, OP_STOP, p, id, ei, running);

		a->why = e->active ? "its type changes" : "the layout wants it stopped";
		if (d->defined && strcmp(d->def.type, running) == 0)
			a->before = &d->def;
		running = NULL;
	}
	if (e->active && !running)
		add(b, OP_START, p, id, ei, e->def.type)->after = &e->def;
	b->fresh = 0;
}

static void unwanted_dev(struct builder *b, const struct cur_parent *p, const struct cur_dev *d)
{
	if (d->active_type) {
		struct plan_action *a = add(b, OP_STOP, p, d->id, -1, d->active_type);

		a->why = "not in the layout";
		if (d->defined && strcmp(d->def.type, d->active_type) == 0)
			a->before = &d->def;
	}
	if (d->defined) {
		struct plan_action *a = add(b, OP_UNDEFINE, p, d->id, -1, d->def.type);

		a->before = &d->def;
		a->why = "not in the layout";
	}
}

/* Whether a UUID entry anywhere in the layout claims ID: such a device is not a count's to take. */
static bool claimed(const char *const *ids, size_t n, const char *id)
{
	return n && bsearch(&id, ids, n, sizeof(*ids), cmp_strp) != NULL;
}

/* Whether D may serve a count entry of TYPE: its definition, or what runs undefined, is TYPE. */
static bool fits(const struct cur_dev *d, const char *type, bool defined_pass)
{
	if (defined_pass)
		return d->defined && strcmp(d->def.type, type) == 0;
	return !d->defined && d->active_type && strcmp(d->active_type, type) == 0;
}

/* The entries ES (in layout order) that ask for devices on P. */
static void plan_parent(struct builder *b, const struct cur_parent *p,
			const struct layout_entry *const *es, size_t nes, const char *const *ids,
			size_t nids)
{
	const struct layout_entry **want = xcalloc(p->ndevs + 1, sizeof(*want));

	/* devices named by id first: a count takes what is left */
	for (size_t i = 0; i < nes; i++) {
		const struct layout_entry *e = es[i];
		const struct cur_dev *d;

		if (e->by == BY_COUNT)
			continue;
		d = cur_find_dev(p, e->id);
		if (d)
			want[d - p->devs] = e;
		else
			want_dev(b, p, NULL, e->id, e, 0);
	}
	for (size_t i = 0; i < nes; i++) {
		const struct layout_entry *e = es[i];
		unsigned long left = e->count;

		if (e->by != BY_COUNT)
			continue;
		/* existing definitions first, in UUID order, then devices running undefined */
		for (int pass = 1; pass >= 0; pass--) {
			for (size_t d = 0; left && d < p->ndevs; d++) {
				if (want[d] || !fits(&p->devs[d], e->def.type, pass) ||
				    claimed(ids, nids, p->devs[d].id))
					continue;
				want[d] = e;
				left--;
			}
		}
		for (; left && !(b->too_many = b->nfresh >= LAYOUT_MAX_COUNT); left--)
			want_dev(b, p, NULL, "", e, ++b->nfresh);
	}
	for (size_t d = 0; d < p->ndevs; d++) {
		if (want[d])
			want_dev(b, p, &p->devs[d], p->devs[d].id, want[d], 0);
		else
			unwanted_dev(b, p, &p->devs[d]);
	}
	free(want);
}

/* A UUID wanted running that runs on a parent the layout leaves alone cannot be started. */
static int check_elsewhere(const struct cur_state *st, const struct layout *lay,
			   struct mdev_error *err)
{
	for (size_t i = 0; i < lay->n; i++) {
		const struct layout_entry *e = &lay->v[i];

		for (size_t k = 0; e->by == BY_UUID && e->active && k < st->nelsewhere; k++)
			if (strcmp(st->elsewhere[k].id, e->id) == 0)
				return bad(lay, i, "uuid", err,
					   "%s is running on %s, a parent this layout does not "
					   "manage: stop it there first",
					   e->id, st->elsewhere[k].parent);
	}
	return 0;
}

static int cmp_entry_parent(const void *pa, const void *pb)
{
	const struct layout_entry *a = *(const struct layout_entry *const *)pa;
	const struct layout_entry *b = *(const struct layout_entry *const *)pb;
	int c = strcmp(a->parent, b->parent);

	return c ? c : (a->index > b->index) - (a->index < b->index);
}

static int cmp_entry_index(const void *pa, const void *pb)
{
	const struct layout_entry *a = *(const struct layout_entry *const *)pa;
	const struct layout_entry *b = *(const struct layout_entry *const *)pb;

	return (a->index > b->index) - (a->index < b->index);
}

/*
 * Plans each managed parent with the entries that name it and the "*" entries that fit it,
 * in layout order.  The entries are sorted by parent once: a layout of 10,000 devices on
 * 1,000 parents must not cost 10 million comparisons.
 */
static void plan_parents(struct builder *b, const struct cur_state *st, const struct layout *lay,
			 const struct strv *managed, const char *const *ids, size_t nids)
{
	const struct layout_entry **sorted = xcalloc(lay->n + 1, sizeof(*sorted));
	const struct layout_entry **es = xcalloc(lay->n + 1, sizeof(*es));
	size_t at = 0;

	for (size_t i = 0; i < lay->n; i++)
		sorted[i] = &lay->v[i];
	qsort(sorted, lay->n, sizeof(*sorted), cmp_entry_parent);
	for (size_t m = 0; m < managed->n; m++) {
		const struct cur_parent *p = cur_find_parent(st, managed->v[m]);
		size_t nes = 0;

		while (at < lay->n && strcmp(sorted[at]->parent, p->name) < 0)
			at++;
		for (; at < lay->n && strcmp(sorted[at]->parent, p->name) == 0; at++)
			es[nes++] = sorted[at];
		/* "*" sorts before every name */
		for (size_t i = 0; i < lay->n && strcmp(sorted[i]->parent, LAYOUT_ANY_PARENT) == 0;
		     i++)
			if (entry_on(sorted[i], p))
				es[nes++] = sorted[i];
		qsort(es, nes, sizeof(*es), cmp_entry_index);
		plan_parent(b, p, es, nes, ids, nids);
	}
	free(es);
	free(sorted);
}

int plan_make(const struct cur_state *st, const struct layout *lay, struct plan *out,
	      struct mdev_error *err)
{
	struct builder b = { 0 };
	const char **ids = xcalloc(lay->n + 1, sizeof(*ids));
	size_t nids = 0, total = 0;
	struct strv managed = { 0 };
	int r;

	memset(out, 0, sizeof(*out));
	r = plan_managed(st, lay, &managed, err);
	if (r == 0)
		r = check_elsewhere(st, lay, err);
	for (size_t i = 0; i < lay->n; i++)
		if (lay->v[i].by == BY_UUID)
			ids[nids++] = lay->v[i].id;
	qsort(ids, nids, sizeof(*ids), cmp_strp);
	if (r == 0)
		plan_parents(&b, st, lay, &managed, ids, nids);
	if (r == 0 && b.too_many)
		r = layout_error(err, lay->file, "%s: more than %d new devices", lay->where,
				 LAYOUT_MAX_COUNT);
	for (enum plan_op op = OP_STOP; op <= OP_START; op++)
		total += b.n[op];
	out->v = xcalloc(total + 1, sizeof(*out->v));
	for (enum plan_op op = OP_STOP; op <= OP_START; op++) {
		if (b.n[op])
			memcpy(out->v + out->n, b.ops[op], b.n[op] * sizeof(*out->v));
		out->n += b.n[op];
		free(b.ops[op]);
	}
	out->nfresh = b.nfresh;
	free(ids);
	strv_free(&managed);
	if (r < 0)
		plan_free(out);
	return r;
}

void plan_free(struct plan *p)
{
	free(p->v);
	memset(p, 0, sizeof(*p));
}
