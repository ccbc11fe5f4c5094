// SPDX-License-Identifier: LGPL-2.1-or-later
/* define, undefine, modify and start of a vGPU on an SR-IOV VF (the vf family). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands/commands.h"
#include "libmdev/store.h"
#include "libmdev/vgpu_vf.h"
#include "libmdev/vgpu_store.h"

/* A VF as the command line names it: PF and index, and its address when known. */
struct vf_ref {
	char pf[PCI_ADDR_MAX];
	unsigned long index;
	char addr[PCI_ADDR_MAX];
};

/* What an mdev has and a vGPU has not: refused rather than ignored. */
static int refuse_mdev_options(struct ctx *ctx, const struct cmd_args *args)
{
	static const enum opt_id mdev_only[] = { OPT_JSONFILE, OPT_ADDATTR, OPT_DELATTR,
						 OPT_INDEX,    OPT_VALUE,   OPT_LIVE };

	for (size_t i = 0; i < sizeof(mdev_only) / sizeof(*mdev_only); i++)
		if (has_opt(args, mdev_only[i]))
			return usage_error(ctx,
					   "--%s is for mdevs: a vGPU has a type and nothing else",
					   opt_defs[mdev_only[i]].name);
	return 0;
}

static int resolve(struct ctx *ctx, const struct cmd_args *args, const char *action,
		   struct vf_ref *vf)
{
	struct mdev_error err;

	if (vgpu_vf_resolve(&ctx->rfs, args->parent, args->vf, vf->pf, &vf->index, vf->addr, &err) <
	    0)
		return fail(ctx, "cannot %s VF %s: %s", action, args->vf, err.msg);
	return 0;
}

static int check_type(struct ctx *ctx, const char *type, unsigned long *id)
{
	return vgpu_type_id(type, id)
		       ? 0
		       : usage_error(ctx,
				     "invalid vGPU type '%s': expected " VGPU_TYPE_PREFIX
				     "<id>, as 'types' lists them",
				     type);
}

/* The type running on the VF now, when it is there and holds one. */
static long running_type(const struct ctx *ctx, const struct vf_ref *vf)
{
	struct vgpu_pf pf;
	struct mdev_error err;
	const struct vgpu_vf *v;
	long cur = 0;

	if (vgpu_pf_load(&ctx->rfs, vf->pf, &pf, &err) < 0)
		return 0;
	v = vgpu_pf_vf(&pf, vf->index);
	if (v)
		cur = v->current;
	vgpu_pf_clear(&pf);
	return cur;
}

/* The name PF's VFs give type ID now (NULL when none lists it), and whether any offers it. */
static char *type_name(const struct ctx *ctx, const char *pf_addr, unsigned long id, bool *offered)
{
	struct vgpu_pf pf;
	struct mdev_error err;
	char *name = NULL;

	*offered = true; /* when nothing can be known, nothing is said */
	if (vgpu_pf_load(&ctx->rfs, pf_addr, &pf, &err) < 0)
		return NULL;
	*offered = pf.nvfs == 0;
	for (size_t i = 0; i < pf.nvfs; i++) {
		const struct vgpu_type *t = vgpu_type_find(&pf.vfs[i].creatable, id);

		*offered |= t || pf.vfs[i].current == (long)id;
		if (t && !name)
			name = xstrdup(t->name);
	}
	vgpu_pf_clear(&pf);
	return name;
}

int vf_define(struct ctx *ctx, struct cmd_args *args)
{
	struct vgpu_def def = { 0 }, old;
	struct mdev_error err;
	struct vf_ref vf;
	unsigned long id;
	long running;
	bool offered;
	int lock, r;

	r = refuse_mdev_options(ctx, args);
	if (r)
		return r;
	if (!args->vf)
		return usage_error(ctx,
				   "a vGPU definition needs --vf N: the index of the VF on %s "
				   "that VMs will know it by",
				   args->parent);
	lock = cmd_lock(ctx);
	if (lock < 0)
		return EXIT_FAILURE;
	r = resolve(ctx, args, "define", &vf);
	/* defining a running vGPU without --type records what it runs */
	running = r == 0 && !args->type ? running_type(ctx, &vf) : 0;
	if (r == 0 && !args->type && running <= 0)
		r = usage_error(ctx, "no type given for VF %lu of %s, and it runs none: use --type",
				vf.index, vf.pf);
	if (r == 0 && args->type)
		r = check_type(ctx, args->type, &id);
	if (r)
		goto out;
	def.type = args->type ? xstrdup(args->type) : xasprintf(VGPU_TYPE_PREFIX "%ld", running);
	vgpu_type_id(def.type, &id);
	def.autostart = has_opt(args, OPT_AUTO);
	def.name = type_name(ctx, vf.pf, id, &offered);
	r = vgpu_store_load(&ctx->rfs, vf.pf, vf.index, &old, &err);
	vgpu_def_clear(&old);
	if (r == -ELOOP) {
		r = fail(ctx, "%s", err.msg);
		goto out;
	}
	if (r != -ENOENT) {
		r = fail(ctx, "refusing to overwrite the existing definition of VF %lu of %s",
			 vf.index, vf.pf);
		goto out;
	}
	if (!offered)
		warnf("no VF of %s offers or runs %s now: the definition may not start", vf.pf,
		      def.type);
	r = vgpu_store_save(&ctx->rfs, vf.pf, vf.index, &def, &err) < 0
		    ? fail(ctx, "cannot define VF %lu of %s: %s", vf.index, vf.pf, err.msg)
		    : 0;
out:
	store_unlock(lock);
	vgpu_def_clear(&def);
	return r;
}

/* Loads the definition of VF for ACTION; a failure is reported (1), a broken file too. */
static int load_def(struct ctx *ctx, const struct vf_ref *vf, const char *action,
		    struct vgpu_def *def)
{
	struct mdev_error err;
	int r = vgpu_store_load(&ctx->rfs, vf->pf, vf->index, def, &err);

	if (r == -ENOENT)
		return fail(ctx, "cannot %s VF %lu of %s: not defined", action, vf->index, vf->pf);
	return r < 0 ? fail(ctx, "cannot %s VF %lu of %s: %s", action, vf->index, vf->pf, err.msg)
		     : 0;
}

int vf_undefine(struct ctx *ctx, struct cmd_args *args)
{
	struct vgpu_def def;
	struct mdev_error err;
	struct vf_ref vf;
	int lock, r;

	if (!args->vf)
		return usage_error(ctx, "undefine of a vGPU needs --vf");
	lock = cmd_lock(ctx);
	if (lock < 0)
		return EXIT_FAILURE;
	r = resolve(ctx, args, "undefine", &vf);
	if (r == 0) {
		int loaded = vgpu_store_load(&ctx->rfs, vf.pf, vf.index, &def, &err);

		if (loaded == -ENOENT)
			r = fail(ctx, "cannot undefine VF %lu of %s: not defined", vf.index, vf.pf);
		else if (loaded < 0)
			warnf("%s", err.msg); /* a broken definition can go all the same */
		vgpu_def_clear(&def);
	}
	if (r == 0 && vgpu_store_delete(&ctx->rfs, vf.pf, vf.index, &err) < 0)
		r = fail(ctx, "cannot undefine VF %lu of %s: %s", vf.index, vf.pf, err.msg);
	store_unlock(lock);
	return r;
}

int vf_modify(struct ctx *ctx, struct cmd_args *args)
{
	struct vgpu_def def;
	struct mdev_error err;
	struct vf_ref vf;
	unsigned long id;
	bool offered;
	int lock, r;

	r = refuse_mdev_options(ctx, args);
	if (r)
		return r;
	if (!args->vf)
		return usage_error(ctx, "modify of a vGPU needs --vf");
	if (!args->type && !has_opt(args, OPT_AUTO) && !has_opt(args, OPT_MANUAL))
		return usage_error(ctx, "nothing to modify: give --type, --auto or --manual");
	if (has_opt(args, OPT_AUTO) && has_opt(args, OPT_MANUAL))
		return usage_error(ctx, "--auto and --manual exclude each other");
	if (args->type && check_type(ctx, args->type, &id))
		return EXIT_USAGE;
	lock = cmd_lock(ctx);
	if (lock < 0)
		return EXIT_FAILURE;
	r = resolve(ctx, args, "modify", &vf);
	if (r == 0)
		r = load_def(ctx, &vf, "modify", &def);
	if (r)
		goto out;
	if (args->type && strcmp(args->type, def.type) != 0) {
		free(def.type);
		free(def.name);
		def.type = xstrdup(args->type);
		def.name = type_name(ctx, vf.pf, id, &offered);
		if (!offered)
			warnf("no VF of %s offers or runs %s now: the definition may not start",
			      vf.pf, def.type);
	}
	if (has_opt(args, OPT_AUTO) || has_opt(args, OPT_MANUAL))
		def.autostart = has_opt(args, OPT_AUTO);
	if (vgpu_store_save(&ctx->rfs, vf.pf, vf.index, &def, &err) < 0)
		r = fail(ctx, "cannot modify VF %lu of %s: %s", vf.index, vf.pf, err.msg);
	vgpu_def_clear(&def);
out:
	store_unlock(lock);
	return r;
}

/* The definition of the VF named by --vf, if any: its type, checked against --type. */
static int start_type(struct ctx *ctx, const struct cmd_args *args, const struct vf_ref *vf,
		      char **type)
{
	struct vgpu_def def;
	struct mdev_error err;
	int r = vgpu_store_load(&ctx->rfs, vf->pf, vf->index, &def, &err);

	if (r < 0 && r != -ENOENT)
		return fail(ctx, "cannot start VF %lu of %s: %s", vf->index, vf->pf, err.msg);
	if (r == 0 && args->type && strcmp(args->type, def.type) != 0) {
		r = fail(ctx,
			 "cannot start VF %lu of %s: --type %s conflicts with its definition (%s)",
			 vf->index, vf->pf, args->type, def.type);
		vgpu_def_clear(&def);
		return r;
	}
	if (r == -ENOENT && !args->type)
		return fail(ctx, "cannot start VF %lu of %s: not defined, and a vGPU needs --type",
			    vf->index, vf->pf);
	*type = xstrdup(r == 0 ? def.type : args->type);
	if (r == 0)
		vgpu_def_clear(&def);
	return 0;
}

int vf_start(struct ctx *ctx, struct cmd_args *args)
{
	struct vgpu_start_req req = { .vf = -1 };
	struct vgpu_started started;
	struct mdev_error err;
	struct vf_ref vf;
	char *type = NULL;
	int lock, r;

	r = refuse_mdev_options(ctx, args);
	if (r)
		return r;
	if (!args->vf && (!args->parent || !args->type))
		return usage_error(ctx,
				   "a vGPU needs --parent and --type, or --vf of a definition");
	lock = cmd_lock(ctx);
	if (lock < 0)
		return EXIT_FAILURE;
	if (args->vf) {
		r = resolve(ctx, args, "start", &vf);
		if (r == 0)
			r = start_type(ctx, args, &vf, &type);
		req.pf = vf.pf;
		req.vf = (long)vf.index;
	} else {
		type = xstrdup(args->type);
		req.pf = args->parent;
	}
	if (r == 0)
		r = check_type(ctx, type, &req.type);
	if (r == 0 && vgpu_start(&ctx->rfs, &req, &started, &err) < 0)
		r = fail(ctx, "%s", err.msg);
	store_unlock(lock);
	if (r == 0) {
		/* stderr: standard output is the VF's address, for scripts to take */
		if (started.enabled.how[0])
			fprintf(stderr, "%s: enabled %lu VFs of %s with %s\n", ctx->prog,
				started.enabled.n, req.pf, started.enabled.how);
		printf("%s\n", started.addr);
		vgpu_started_clear(&started);
	}
	free(type);
	return r;
}
