/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * jansson's allocations from one arena, released whole.  Parsing a 3 MB layout makes some
 * 340,000 small blocks, and allocating and freeing them one by one costs a sixth of the parse.
 * Between json_arena_begin and json_arena_end every jansson value is made in the arena and
 * json_decref frees nothing; json_arena_end releases them all, so no value made in between may
 * be used after it, nor one made before be released in between.  Not nested.  Only the thread
 * that began it allocates from it: values other threads make in the meantime are made and freed
 * with malloc and free, jansson's defaults, so `apply` can read the machine while it parses its
 * layout.
 */
#ifndef MDEVADM_JSON_ARENA_H
#define MDEVADM_JSON_ARENA_H

void json_arena_begin(void);
void json_arena_end(void);

#endif
