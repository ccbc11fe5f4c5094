// SPDX-License-Identifier: LGPL-2.1-or-later
/* jansson's allocations from one arena (json_set_alloc_funcs), released whole. */
#include "basic/json_arena.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "basic/util.h"

/*
 * The first block is enough for a layout of a few hundred devices; each next one is twice
 * the last, up to MAX_BLOCK, so that a 3 MB layout (15 MB of values) takes seven blocks.
 */
#define FIRST_BLOCK (256u << 10)
#define MAX_BLOCK (8u << 20)
#define ALIGN (sizeof(max_align_t))

struct block {
	struct block *prev;
	size_t used, size; /* of data[], in bytes */
	max_align_t data[];
};

/* The arena belongs to the thread that began it: only that thread touches these. */
static struct block *top;
static size_t next_size = FIRST_BLOCK;
static __thread bool mine;

/*
 * A block mapped with its pages already present: one system call instead of a page fault
 * for each 4 KB the parse touches (3,750 of them for a 3 MB layout).
 */
static struct block *new_block(size_t want)
{
	size_t size = want > next_size ? want : next_size;
	struct block *b = mmap(NULL, sizeof(*b) + size, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	if (b == MAP_FAILED)
		return NULL;
	*b = (struct block){ .prev = top, .size = size };
	if (next_size < MAX_BLOCK)
		next_size *= 2;
	return b;
}

static void *arena_malloc(size_t size)
{
	void *p;

	/* another thread's values are its own, made and freed as jansson's defaults do */
	if (!mine)
		return malloc(size);
	if (size > SIZE_MAX - MAX_BLOCK)
		return NULL;
	size = (size + ALIGN - 1) & ~(ALIGN - 1);
	if (!top || top->size - top->used < size) {
		struct block *b = new_block(size);

		if (!b)
			return NULL;
		top = b;
	}
	p = (char *)top->data + top->used;
	top->used += size;
	return p;
}

static void arena_free(void *p)
{
	if (!mine)
		free(p);
}

void json_arena_begin(void)
{
	mine = true;
	json_set_alloc_funcs(arena_malloc, arena_free);
}

/* malloc and free are jansson's own defaults: nothing in mdevadm sets others. */
void json_arena_end(void)
{
	json_set_alloc_funcs(malloc, free);
	mine = false;
	while (top) {
		struct block *prev = top->prev;

		munmap(top, sizeof(*top) + top->size);
		top = prev;
	}
	next_size = FIRST_BLOCK;
}
