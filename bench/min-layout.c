// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * min-layout: the least an `apply` that read its layout with jansson alone could spend on it:
 * read the file, json_loadb it (JSON_REJECT_DUPLICATES, nodes from an arena that is never
 * freed), exit.  No validation, no state, no plan.  apply's plain-JSON fast path
 * (src/basic/json_plain.c) is measured against it.
 *
 *   min-layout FILE
 */
#include <jansson.h>

#include "min-common.h"

static char *arena;
static size_t arena_used, arena_size;

static void *arena_malloc(size_t n)
{
	n = (n + 15) & ~(size_t)15;
	if (arena_size - arena_used < n) {
		arena_size = n > (1u << 20) ? n : 1u << 20;
		arena = malloc(arena_size);
		arena_used = 0;
		if (!arena)
			min_die("malloc");
	}
	arena_used += n;
	return arena + arena_used - n;
}

static void arena_free(void *p)
{
	(void)p;
}

int main(int argc, char **argv)
{
	char *data = NULL;
	size_t len = 0;
	ssize_t n;
	json_error_t err;
	int fd;

	if (argc != 2) {
		fputs("usage: min-layout FILE\n", stderr);
		return 2;
	}
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		min_die(argv[1]);
	do {
		data = min_xrealloc(data, len + 65536);
		n = read(fd, data + len, 65536);
		if (n < 0)
			min_die(argv[1]);
		len += (size_t)n;
	} while (n > 0);
	close(fd);
	json_set_alloc_funcs(arena_malloc, arena_free);
	if (!json_loadb(data, len, JSON_REJECT_DUPLICATES, &err)) {
		fprintf(stderr, "%s: line %d: %s\n", argv[1], err.line, err.text);
		return 1;
	}
	return 0;
}
