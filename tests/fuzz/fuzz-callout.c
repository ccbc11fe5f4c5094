// SPDX-License-Identifier: LGPL-2.1-or-later
/* What event scripts answer: get-attributes (a JSON attribute list) and get-capabilities. */
#include "basic/util.h"
#include "fuzz.h"
#include "libmdev/callout.h"

FUZZ_TARGET(callout)
{
	const char *answer = (const char *)data;
	struct strv events = { 0 }, actions = { 0 };
	struct mdev_config got;
	char why[512];

	fuzz_quiet();
	if (co_parse_attrs(answer, size, "mtty-1", &got, why, sizeof(why)) == 0)
		FUZZ_ASSERT(strcmp(got.type ? got.type : "mtty-1", "mtty-1") == 0);
	config_clear(&got);
	co_parse_caps(answer, size, &events, &actions);
	strv_free(&events);
	strv_free(&actions);
	return 0;
}
