// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer target: the parser of a VF's nvidia/creatable_vgpu_types (src/libmdev/vgpu_parse.c),
 * whose text drivers of every version write differently.  Whatever the bytes, the types it
 * returns have an id, a printable name and no duplicate, and nothing leaks (ASan).
 *
 *   make fuzz-vgpu [FUZZ_SECONDS=60]     (clang; from a configured build dir)
 *
 * Built with -DFUZZ_REPLAY_MAIN it is a plain program that runs each file given once: `make
 * check` replays the corpus that way (tests/vgpu-parse.bats).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "libmdev/vgpu.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vgpu_type_list l;

	vgpu_parse_creatable((const char *)data, size, &l);
	for (size_t i = 0; i < l.n; i++) {
		if (l.v[i].id == 0 || !l.v[i].name[0] || vgpu_type_find(&l, l.v[i].id) != &l.v[i])
			abort();
		for (const unsigned char *c = (const unsigned char *)l.v[i].name; *c; c++)
			if (*c < 0x20 || *c == 0x7f)
				abort();
	}
	vgpu_type_list_free(&l);
	return 0;
}

#ifdef FUZZ_REPLAY_MAIN

/* A creatable list is a page; the corpus stays far below this. */
#define INPUT_MAX (1u << 20)

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		uint8_t *buf = malloc(INPUT_MAX);
		size_t n;

		if (!f || !buf) {
			perror(argv[i]);
			return 1;
		}
		n = fread(buf, 1, INPUT_MAX, f);
		fclose(f);
		LLVMFuzzerTestOneInput(buf, n);
		free(buf);
	}
	printf("%d inputs replayed\n", argc - 1);
	return 0;
}
#endif
