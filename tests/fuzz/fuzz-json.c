// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The plain-JSON fast path in front of jansson (src/basic/json_plain.c): whatever it accepts,
 * json_loadb(JSON_REJECT_DUPLICATES) must accept too, into an equal value with the keys in the
 * same order (the layout checker names the first unknown key); whatever jansson refuses, it must
 * refuse.  It may decline what jansson accepts: that only costs time.
 */
#include "basic/json_plain.h"
#include "fuzz.h"

/* Compact and in the order the keys came: equal text is equal values, in the same order. */
static char *text_of(const json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);

	FUZZ_ASSERT(s);
	return s;
}

FUZZ_TARGET(json)
{
	json_t *plain = json_plain_load((const char *)data, size);
	json_t *ref = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);

	FUZZ_ASSERT(!plain || ref);
	if (plain) {
		char *a = text_of(plain), *b = text_of(ref);

		FUZZ_ASSERT(json_equal(plain, ref));
		FUZZ_ASSERT(strcmp(a, b) == 0);
		free(a);
		free(b);
	}
	json_decref(plain);
	json_decref(ref);
	return 0;
}
