// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Sysfs attributes as read from a tree (a hostile image under --root):
 * reserved_regions, numbers (available_instances, group numbers) and UUIDs
 * (device names, links), all from the same bytes.
 */
#include "basic/util.h"
#include "fuzz.h"
#include "libmdev/iommu.h"

FUZZ_TARGET(sysfs)
{
	char *text = fuzz_string(data, size), *regions = fuzz_string(data, size);
	struct iommu_group g = { .id = 1 };
	char uuid[UUID_STR_LEN], num[24];
	unsigned long v;

	fuzz_quiet();
	iommu_parse_regions(regions, &g);
	for (size_t i = 0; i < g.nregions; i++)
		FUZZ_ASSERT(*g.regions[i].start && *g.regions[i].end && *g.regions[i].type);
	iommu_group_clear(&g);
	if (parse_ulong(text, &v))
		FUZZ_ASSERT(parse_ulong(ulong_to_str(num, v), &v));
	if (uuid_normalize(text, uuid))
		FUZZ_ASSERT(uuid_is_canonical(uuid));
	free(regions);
	free(text);
	return 0;
}
