// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * replay TARGET PATH...: feeds each file (or each file of each directory) to
 * the fuzz target TARGET, as libFuzzer would, so that `make check` replays
 * the corpus and the crash regressions without clang.  Exit 0 when every
 * input went through; a crash or a sanitizer report ends the run.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "basic/rootfs.h"
#include "basic/util.h"
#include "fuzz.h"

struct target {
	const char *name;
	int (*run)(const uint8_t *data, size_t size);
};

#define FUZZ_ENTRY(name) { #name, fuzz_##name },
static const struct target targets[] = { FUZZ_TARGETS(FUZZ_ENTRY) };

static int replay_file(const struct target *t, const char *path, unsigned long *count)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL;
	size_t len = 0;
	int r;

	if (!f) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return 1;
	}
	r = read_all_fd(fileno(f), 1u << 24, &data, &len);
	fclose(f);
	if (r < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(-r));
		return 1;
	}
	t->run((const uint8_t *)data, len);
	free(data);
	(*count)++;
	return 0;
}

static int replay_path(const struct target *t, const char *path, unsigned long *count)
{
	struct strv names = { 0 };
	char sub[4096];
	DIR *d = opendir(path);
	struct dirent *de;
	int r = 0;

	if (!d)
		return replay_file(t, path, count); /* a file, or an error it reports */
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			strv_push(&names, de->d_name);
	closedir(d);
	strv_sort(&names);
	for (size_t i = 0; i < names.n && r == 0; i++) {
		snprintf(sub, sizeof(sub), "%s/%s", path, names.v[i]);
		r = replay_file(t, sub, count);
	}
	strv_free(&names);
	return r;
}

#undef main
int main(int argc, char **argv)
{
	unsigned long count = 0;

	for (size_t i = 0; argc > 1 && i < sizeof(targets) / sizeof(*targets); i++) {
		if (strcmp(argv[1], targets[i].name) != 0)
			continue;
		for (int a = 2; a < argc; a++)
			if (replay_path(&targets[i], argv[a], &count))
				return 1;
		printf("%s: %lu inputs\n", targets[i].name, count);
		return 0;
	}
	fprintf(stderr, "usage: replay TARGET PATH...; targets:");
	for (size_t i = 0; i < sizeof(targets) / sizeof(*targets); i++)
		fprintf(stderr, " %s", targets[i].name);
	fputc('\n', stderr);
	return 2;
}
