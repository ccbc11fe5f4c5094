// SPDX-License-Identifier: LGPL-2.1-or-later
/* jansson's allocations from one arena (json_set_alloc_funcs), released whole. */
#include "basic/json_arena.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "basic/util.h"

/* Few blocks for a large layout; for a small one, one block that costs nothing that counts. */
#define BLOCK_SIZE (256u << 10)
#define ALIGN (sizeof(max_align_t))

struct block {
	struct block *prev;
	size_t used, size;
	max_align_t data[];
};

static struct block *top;
static json_malloc_t saved_malloc;
static json_free_t saved_free;

static void *arena_malloc(size_t size)
{
	void *p;

	if (size > SIZE_MAX - BLOCK_SIZE)
		return NULL;
	size = (size + ALIGN - 1) & ~(ALIGN - 1);
	if (!top || top->size - top->used < size) {
		size_t want = size > BLOCK_SIZE ? size : BLOCK_SIZE;
		struct block *b = xmalloc(sizeof(*b) + want);

		*b = (struct block){ .prev = top, .size = want };
		top = b;
	}
	p = (char *)top->data + top->used;
	top->used += size;
	return p;
}

static void arena_free(void *p)
{
	(void)p;
}

void json_arena_begin(void)
{
	json_get_alloc_funcs(&saved_malloc, &saved_free);
	json_set_alloc_funcs(arena_malloc, arena_free);
}

void json_arena_end(void)
{
	json_set_alloc_funcs(saved_malloc, saved_free);
	while (top) {
		struct block *prev = top->prev;

		free(top);
		top = prev;
	}
}
