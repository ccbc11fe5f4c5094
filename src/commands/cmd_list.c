// SPDX-License-Identifier: LGPL-2.1-or-later
/* list: active devices, or with --defined the stored definitions, of every family. */
#include <stdlib.h>
#include <string.h>

#include "basic/escape.h"
#include "commands/commands.h"
#include "libmdev/family.h"
#include "basic/output.h"

/* A device named by -u or --vf is printed bare in JSON when it is the only one: kept till then. */
struct held {
	char *parent, *key;
	struct sbuf single, grouped; /* its JSON at indent 0 and at the group writer's 8 */
};

struct lister {
	bool json, verbose, keyed;
	const char *mark; /* what a marked device gets: " (defined)" or " (active)" */
	struct outbuf out;
	struct group_writer gw;
	struct held *held;
	size_t nheld;
	struct sbuf scratch; /* one attribute's JSON, before it is escaped */
};

static void add_attrs(struct lister *l, const struct mdev_config *cfg)
{
	struct sbuf *b = &l->out.b;

	if (!cfg->nattrs)
		return;
	sb_adds(b, "  Attrs:\n");
	for (size_t i = 0; i < cfg->nattrs; i++) {
		json_t *a = json_object();
		char num[24];

		json_object_set_new(a, cfg->attrs[i].name, json_str(cfg->attrs[i].value));
		sb_adds(b, "    @{");
		sb_adds(b, ulong_to_str(num, i));
		sb_adds(b, "}: ");
		/* JSON escapes C0 controls, but leaves DEL and C1 raw */
		l->scratch.len = 0;
		json_add_compact(&l->scratch, a);
		sb_addc(&l->scratch, '\0');
		sb_adds_escaped(b, l->scratch.p);
		sb_addc(b, '\n');
		json_decref(a);
	}
}

static void add_facts(struct sbuf *b, const struct fam_dev *d)
{
	for (size_t i = 0; i < d->nfacts; i++) {
		sb_adds(b, "  ");
		sb_adds(b, d->facts[i].label);
		sb_adds(b, ": ");
		sb_adds_escaped(b, d->facts[i].value);
		sb_addc(b, '\n');
	}
}

/* The device's config as JSON (lines after the first indented by INDENT), and its facts. */
static void add_json(struct sbuf *b, const struct fam_dev *d, int indent)
{
	json_t *j;

	if (!d->nfacts) {
		config_format(b, d->cfg, indent);
		return;
	}
	j = config_to_json(d->cfg);
	for (size_t i = 0; i < d->nfacts; i++)
		json_object_set_new(j, d->facts[i].key,
				    d->facts[i].number
					    ? json_integer(strtoll(d->facts[i].value, NULL, 10))
					    : json_str(d->facts[i].value));
	json_add(b, j, indent);
	json_decref(j);
}

static void emit(void *data, const struct fam_dev *d)
{
	struct lister *l = data;
	struct sbuf *b = &l->out.b;
	struct held *h;

	if (!l->json) {
		sb_adds(b, d->key);
		sb_addc(b, ' ');
		sb_adds_escaped(b, d->parent);
		sb_addc(b, ' ');
		sb_adds_escaped(b, d->cfg->type);
		sb_adds(b, d->cfg->autostart ? " auto" : " manual");
		sb_adds(b, d->marked ? l->mark : "");
		sb_addc(b, '\n');
		if (d->has_group) {
			char num[24];

			sb_adds(b, "  IOMMU group: ");
			sb_adds(b, ulong_to_str(num, d->group));
			sb_addc(b, '\n');
		}
		if (l->verbose) {
			add_attrs(l, d->cfg);
			add_facts(b, d);
		}
		outbuf_item_done(&l->out);
	} else if (l->keyed) {
		l->held = xrealloc(l->held, (l->nheld + 1) * sizeof(*l->held));
		h = &l->held[l->nheld++];
		*h = (struct held){ .parent = xstrdup(d->parent), .key = xstrdup(d->key) };
		add_json(&h->single, d, 0);
		add_json(&h->grouped, d, 8);
	} else {
		gw_begin_item(&l->gw, d->parent, d->key);
		add_json(b, d, 8);
		gw_end_item(&l->gw);
	}
}

/* The devices held back, when PRINT: one alone prints bare, several as the usual list. */
static void flush_held(struct lister *l, bool print)
{
	for (size_t i = 0; i < l->nheld; i++) {
		struct held *h = &l->held[i];

		if (print && l->nheld == 1) {
			sb_add(&l->out.b, h->single.p, h->single.len);
			sb_addc(&l->out.b, '\n');
		} else if (print) {
			gw_begin_item(&l->gw, h->parent, h->key);
			sb_add(&l->out.b, h->grouped.p, h->grouped.len);
			gw_end_item(&l->gw);
		}
		free(h->parent);
		free(h->key);
		sb_free(&h->single);
		sb_free(&h->grouped);
	}
	if (print && l->nheld != 1)
		gw_finish(&l->gw);
	free(l->held);
}

int cmd_list(struct ctx *ctx, struct cmd_args *args)
{
	bool defined = has_opt(args, OPT_DEFINED);
	const char *key;
	const struct device_family *keyed = cmd_key_family(args, &key);
	const struct fam_env env = { &ctx->rfs, ctx->co };
	struct lister l = {
		.json = has_opt(args, OPT_DUMPJSON),
		.verbose = has_opt(args, OPT_VERBOSE),
		.keyed = keyed != NULL,
		.mark = defined ? " (active)" : " (defined)",
		.gw = { .out = &l.out },
	};
	const struct fam_query q = {
		.parent = args->parent,
		.key = key,
		.details = l.verbose || l.json,
		.marks = !l.json,
		.groups = l.verbose && !l.json,
	};
	struct mdev_error err;
	int r = 0;

	outbuf_init(&l.out, stdout);
	/* a device named by -u or --vf is of the family that option names, whatever the name */
	for (const struct device_family *const *f = families_listed(ctx->as_mdevctl && !keyed);
	     r == 0 && *f; f++) {
		if (keyed && keyed != *f)
			continue;
		if ((defined ? (*f)->each_defined : (*f)->each_active)(&env, &q, emit, &l, &err) <
		    0)
			r = fail(ctx, "%s", err.msg);
	}
	if (l.json && l.keyed)
		flush_held(&l, r == 0);
	else if (r == 0 && l.json)
		gw_finish(&l.gw);
	outbuf_finish(&l.out);
	sb_free(&l.scratch);
	return r;
}
