// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A VF's nvidia/creatable_vgpu_types, which drivers of every version write
 * differently (src/libmdev/vgpu_parse.c): whatever the bytes, the types it
 * returns have an id, a printable name and no duplicate.
 */
#include "fuzz.h"
#include "libmdev/vgpu.h"

FUZZ_TARGET(vgpu)
{
	struct vgpu_type_list l;

	vgpu_parse_creatable((const char *)data, size, &l);
	for (size_t i = 0; i < l.n; i++) {
		FUZZ_ASSERT(l.v[i].id != 0 && l.v[i].name[0] &&
			    vgpu_type_find(&l, l.v[i].id) == &l.v[i]);
		for (const unsigned char *c = (const unsigned char *)l.v[i].name; *c; c++)
			FUZZ_ASSERT(*c >= 0x20 && *c != 0x7f);
	}
	vgpu_type_list_free(&l);
	return 0;
}
