// SPDX-License-Identifier: LGPL-2.1-or-later
/* types: the types each parent of each family supports, how many instances are left, and
 * (--probe) whether their devices can migrate. */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "basic/escape.h"
#include "commands/commands.h"
#include "commands/probe_format.h"
#include "libmdev/family.h"
#include "libmdev/store.h"
#include "libmdev/vfio_probe.h"
#include "basic/output.h"

enum probe_state { NOT_PROBED, PROBED, NO_INSTANCE, PROBE_FAILED, NO_PROBE };

struct type_probe_result {
	enum probe_state state;
	struct vfio_probe p;
};

static inline void add_line(struct sbuf *b, const char *label, const char *value)
{
	sb_adds(b, label);
	sb_adds_escaped(b, value);
	sb_addc(b, '\n');
}

static void add_probe_text(struct sbuf *b, const struct type_probe_result *r)
{
	switch (r->state) {
	case PROBED:
		probe_migration_text(b, "    ", &r->p);
		break;
	case NO_INSTANCE:
		sb_adds(b, "    Migration: not probed (no instance available)\n");
		break;
	case PROBE_FAILED:
		sb_adds(b, "    Migration: unknown (the probe failed)\n");
		break;
	case NO_PROBE:
		sb_adds(b,
			"    Migration: not probed (this kind of device cannot be probed yet)\n");
		break;
	case NOT_PROBED:
		break;
	}
}

static void add_text(struct outbuf *o, const char *parent, const struct mdev_type_info *t, size_t n,
		     const struct type_probe_result *res)
{
	add_line(&o->b, "", parent);
	for (size_t i = 0; i < n; i++) {
		char num[24];

		add_line(&o->b, "  ", t[i].id);
		add_line(&o->b, "    Available instances: ",
			 ulong_to_str(num, (unsigned long)t[i].available));
		add_line(&o->b, "    Device API: ", t[i].device_api);
		if (t[i].name)
			add_line(&o->b, "    Name: ", t[i].name);
		if (t[i].description)
			add_line(&o->b, "    Description: ", t[i].description);
		add_probe_text(&o->b, &res[i]);
	}
	outbuf_item_done(o);
}

static json_t *type_json(const struct mdev_type_info *t, const struct type_probe_result *r)
{
	json_t *j = json_object();

	json_object_set_new(j, "available_instances", json_integer(t->available));
	json_object_set_new(j, "device_api", json_str(t->device_api));
	if (t->name)
		json_object_set_new(j, "name", json_str(t->name));
	if (t->description)
		json_object_set_new(j, "description", json_str(t->description));
	if (r->state != NOT_PROBED)
		json_object_set_new(j, "probe",
				    r->state == PROBED ? probe_json(&r->p) : json_null());
	return j;
}

/* The signals that end a command from outside; they wait while a transient device exists. */
static const int held_signals[] = { SIGINT, SIGTERM, SIGHUP };
#define N_HELD (sizeof(held_signals) / sizeof(held_signals[0]))

static bool interrupted(void)
{
	sigset_t pending;

	sigpending(&pending);
	for (size_t i = 0; i < N_HELD; i++)
		if (sigismember(&pending, held_signals[i]) == 1)
			return true;
	return false;
}

/*
 * Probes each type of PARENT that has an instance left, one transient device at a time.
 * Returns the number of failures, or -1 when a signal asks to stop (checked between types).
 */
static int probe_types(struct ctx *ctx, const struct device_family *fam, const char *parent,
		       const struct mdev_type_info *t, size_t n, struct type_probe_result *res)
{
	struct mdev_error err;
	int failed = 0;

	for (size_t i = 0; i < n; i++) {
		if (interrupted())
			return -1;
		if (!fam->probe_type) {
			res[i].state = NO_PROBE;
		} else if (t[i].available <= 0) {
			res[i].state = NO_INSTANCE;
		} else if (fam->probe_type(&ctx->rfs, parent, t[i].id, &res[i].p, &err) < 0) {
			fail(ctx, "cannot probe type %s of %s: %s", t[i].id, parent, err.msg);
			res[i].state = PROBE_FAILED;
			failed++;
		} else {
			res[i].state = PROBED;
		}
	}
	return failed;
}

/* Lists (and probes) the types of one parent of FAM; -1 when interrupted, else the failures. */
static int one_parent(struct ctx *ctx, const struct device_family *fam, const char *parent,
		      bool probe, bool json, struct outbuf *out, struct group_writer *gw)
{
	struct type_probe_result *res;
	struct mdev_type_info *types;
	struct mdev_error err;
	int failed = 0;
	size_t n;

	if (fam->types(&ctx->rfs, parent, &types, &n, &err) < 0) {
		warnf("skipping parent %s: %s", parent, err.msg);
		return 0;
	}
	res = xcalloc(n ? n : 1, sizeof(*res));
	if (probe)
		failed = probe_types(ctx, fam, parent, types, n, res);
	if (failed >= 0 && !json)
		add_text(out, parent, types, n, res);
	if (failed >= 0 && json && !n)
		gw_empty_group(gw, parent);
	for (size_t i = 0; failed >= 0 && json && i < n; i++) {
		json_t *j = type_json(&types[i], &res[i]);

		gw_item(gw, parent, types[i].id, j);
		json_decref(j);
	}
	for (size_t i = 0; i < n; i++)
		vfio_probe_clear(&res[i].p);
	free(res);
	model_types_free(types, n);
	return failed;
}

/*
 * Lists (and probes) the types of FAM's parents (only args->parent when given): the failures,
 * -1 when interrupted, -2 when the parents cannot be listed (said).
 */
static int one_family(struct ctx *ctx, const struct cmd_args *args, const struct device_family *fam,
		      bool probe, bool json, struct outbuf *out, struct group_writer *gw)
{
	struct strv parents = { 0 };
	struct mdev_error err;
	int failed = 0, r = 0;

	if (fam->parents(&ctx->rfs, &parents, &err) < 0) {
		fail(ctx, "%s", err.msg);
		return -2;
	}
	for (size_t p = 0; p < parents.n && r >= 0; p++) {
		if (args->parent && strcmp(parents.v[p], args->parent) != 0)
			continue;
		r = one_parent(ctx, fam, parents.v[p], probe, json, out, gw);
		failed += r > 0 ? r : 0;
	}
	strv_free(&parents);
	return r < 0 ? r : failed;
}

int cmd_types(struct ctx *ctx, struct cmd_args *args)
{
	struct outbuf out;
	struct group_writer gw = { .out = &out };
	bool json = has_opt(args, OPT_DUMPJSON), probe = has_opt(args, OPT_PROBE);
	sigset_t held, old;
	int failed = 0, r = 0, lock = -1;

	if (probe) {
		lock = cmd_lock(ctx);
		if (lock < 0)
			return EXIT_FAILURE;
		/* delivered once the devices are gone: the parents end up as they were */
		sigemptyset(&held);
		for (size_t i = 0; i < N_HELD; i++)
			sigaddset(&held, held_signals[i]);
		sigprocmask(SIG_BLOCK, &held, &old);
	}
	outbuf_init(&out, stdout);
	for (const struct device_family *const *f = families_listed(ctx->as_mdevctl); r >= 0 && *f;
	     f++) {
		r = one_family(ctx, args, *f, probe, json, &out, &gw);
		failed += r > 0 ? r : 0;
	}
	/* a signal during the last probe ends the command as one during any other does */
	if (probe && r >= 0 && interrupted())
		r = -1;
	/* what was done before an interruption or a failed listing is shown: it is true */
	if (json && r != -2)
		gw_finish(&gw);
	outbuf_finish(&out);
	if (r == -1)
		fail(ctx, "interrupted; every device created for probing is removed again");
	if (probe) {
		store_unlock(lock);
		sigprocmask(SIG_SETMASK, &old, NULL);
	}
	return failed || r < 0 ? EXIT_FAILURE : 0;
}
