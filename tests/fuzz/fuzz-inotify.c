// SPDX-License-Identifier: LGPL-2.1-or-later
/* Records read from the monitor's inotify descriptor. */
#include <sys/inotify.h>

#include "basic/util.h"
#include "fuzz.h"
#include "libmdev/monitor_defs.h"

FUZZ_TARGET(inotify)
{
	static char buf[1 << 16] __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event *ev;
	size_t n = size < sizeof(buf) ? size : sizeof(buf), off = 0, seen = 0;

	memcpy(buf, data, n);
	while ((ev = inotify_next(buf, n, &off))) {
		/* what the monitor reads of a record: its name, as a string */
		if (ev->len)
			seen += uuid_is_canonical(ev->name) + strlen(ev->name);
		FUZZ_ASSERT(off <= n);
	}
	return (int)(seen & 0);
}
