// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer target: the layout file of `apply` (outside input: an Ansible variable, a
 * ConfigMap), parsed, then planned against a fixed machine.  The planner is pure, so every
 * input that parses runs it too, and its plan is checked for what must always hold.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I. -Isrc -include config.h \
 *     tests/fuzz/fuzz-layout.c src/libmdev/{layout,plan,definition}.c
 * src/basic/{util,output,rootfs,rootfs_files,error,escape,json_arena,json_plain,path_format}.c \
 *     $(pkg-config --cflags --libs jansson uuid) -o fuzz-layout      (from a configured build dir)
 *   ./fuzz-layout -dict=tests/fuzz/layout.dict tests/fuzz/corpus/layout
 *
 * Built with -DFUZZ_REPLAY_MAIN it is a plain program that runs each file given once: `make
 * check` replays the corpus that way (tests/apply.bats).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libmdev/layout.h"
#include "libmdev/plan.h"

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "%s:%d: %s does not hold\n", __FILE__, __LINE__, #cond);   \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

static void add_dev(struct cur_parent *p, const char *id, const char *deftype, bool autostart,
		    const char *running)
{
	struct cur_dev *d;

	p->devs = realloc(p->devs, (p->ndevs + 1) * sizeof(*p->devs));
	CHECK(p->devs);
	d = &p->devs[p->ndevs++];
	memset(d, 0, sizeof(*d));
	snprintf(d->id, sizeof(d->id), "%s", id);
	if (deftype) {
		d->defined = true;
		d->def.type = strdup(deftype);
		d->def.autostart = autostart;
	}
	d->active_type = running ? strdup(running) : NULL;
}

/* Two mdev parents with definitions and running devices, and a vGPU parent named by VFs. */
static void machine(struct cur_state *st)
{
	static const char *const names[] = { "0000:3b:00.0", "0000:41:00.0", "mtty" };

	st->n = 3;
	st->v = calloc(st->n, sizeof(*st->v));
	for (size_t i = 0; i < st->n; i++) {
		st->v[i].name = strdup(names[i]);
		st->v[i].loaded = st->v[i].managed = true;
	}
	strv_push(&st->v[0].types, "nvidia-256");
	strv_push(&st->v[0].types, "nvidia-257");
	add_dev(&st->v[0], "11111111-1111-4111-8111-111111111111", "nvidia-256", true,
		"nvidia-256");
	add_dev(&st->v[0], "22222222-2222-4222-8222-222222222222", "nvidia-256", false, NULL);
	add_dev(&st->v[0], "33333333-3333-4333-8333-333333333333", NULL, false, "nvidia-257");
	st->v[1].ids = ID_VF;
	strv_push(&st->v[1].types, "nvidia-500");
	add_dev(&st->v[1], "0", "nvidia-500", true, "nvidia-500");
	strv_push(&st->v[2].types, "mtty-1");
	strv_push(&st->v[2].types, "mtty-2");
	add_dev(&st->v[2], "44444444-4444-4444-8444-444444444444", "mtty-1", false, "mtty-2");
	st->elsewhere = calloc(1, sizeof(*st->elsewhere));
	st->nelsewhere = 1;
	snprintf(st->elsewhere[0].id, DEV_ID_MAX, "55555555-5555-4555-8555-555555555555");
	st->elsewhere[0].parent = strdup("unmanaged");
}

/* What every plan must be: steps in order, each on a parent of the machine, new devices numbered.
 */
static void check_plan(const struct cur_state *st, const struct layout *lay, const struct plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		const struct plan_action *a = &p->v[i];

		CHECK(i == 0 || p->v[i - 1].op <= a->op);
		CHECK(cur_find_parent(st, a->parent));
		CHECK(a->fresh <= p->nfresh);
		CHECK(a->fresh ? a->id[0] == '\0' : a->id[0] != '\0');
		CHECK(a->entry >= -1 && a->entry < (long)lay->n);
		CHECK(a->type && *a->type);
		CHECK((a->op == OP_DEFINE || a->op == OP_MODIFY || a->op == OP_START) ==
		      !!a->after);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cur_state st;
	static const char *const configs[] = { NULL, "a", "gpu" };
	struct mdev_error err;

	if (!st.v)
		machine(&st);
	for (size_t c = 0; c < sizeof(configs) / sizeof(*configs); c++) {
		struct layout lay;
		struct plan plan;

		if (layout_parse((const char *)data, size, "fuzz", configs[c], &lay, &err) < 0) {
			CHECK(strncmp(err.msg, "fuzz: ", 6) == 0 && !strchr(err.msg, '\n'));
			continue;
		}
		if (plan_make(&st, &lay, &plan, &err) == 0) {
			check_plan(&st, &lay, &plan);
			plan_free(&plan);
		} else {
			CHECK(!strchr(err.msg, '\n'));
		}
		layout_free(&lay);
	}
	return 0;
}

#ifdef FUZZ_REPLAY_MAIN

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		char *buf = malloc(LAYOUT_MAX_SIZE);
		size_t n;

		CHECK(f && buf);
		n = fread(buf, 1, LAYOUT_MAX_SIZE, f);
		fclose(f);
		LLVMFuzzerTestOneInput((const uint8_t *)buf, n);
		free(buf);
	}
	return 0;
}
#endif
