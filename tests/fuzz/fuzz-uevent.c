// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Kernel uevents as the monitor reads them: ACTION, SUBSYSTEM, the sysname,
 * DEVPATH and MDEV_STATE, NUL-separated; a field missing is NULL.
 */
#include "basic/util.h"
#include "fuzz.h"
#include "libmdev/monitor.h"
#include "libmdev/uevent.h"

FUZZ_TARGET(uevent)
{
	char *copy = malloc(size + 1), *parent, uuid[UUID_STR_LEN];
	const char *field[5] = { 0 };
	size_t nf = 0;
	int kind;

	if (!copy)
		abort();
	memcpy(copy, data, size);
	copy[size] = '\0';
	for (char *p = copy; p <= copy + size && nf < 5; p += strlen(p) + 1)
		field[nf++] = p;
	kind = uevent_classify(
		&(struct uevent_fields){ field[0], field[1], field[2], field[3], field[4] }, uuid,
		&parent);
	if (kind == MON_ADDED || kind == MON_REMOVED)
		FUZZ_ASSERT(uuid_is_canonical(uuid));
	else
		FUZZ_ASSERT(!parent);
	/* a parent is one path component */
	FUZZ_ASSERT(!parent || (*parent && !strchr(parent, '/')));
	free(parent);
	free(copy);
	return 0;
}
