// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Definition files and --jsonfile input: the one-pass scanner must take only
 * what jansson takes, with the same result, and what parses must print (as
 * list --dumpjson and define write it) into text that parses back the same.
 */
#include "fuzz.h"
#include "libmdev/definition.h"

FUZZ_TARGET(config)
{
	const char *text = (const char *)data;
	struct mdev_config scanned, parsed, again;
	struct sbuf b = { 0 };
	char why[512];
	bool took;
	int r;

	if (size > CONFIG_MAX_SIZE)
		return 0;
	took = config_scan(text, size, &scanned);
	r = config_parse_json(text, size, &parsed, why, sizeof(why));
	FUZZ_ASSERT(!took || (r == 0 && config_equal(&scanned, &parsed)));
	FUZZ_ASSERT(took || (!scanned.type && !scanned.attrs && !scanned.nattrs));
	if (r == 0) {
		config_format(&b, &parsed, 0);
		FUZZ_ASSERT(config_parse(b.p, b.len, &again, why, sizeof(why)) == 0);
		FUZZ_ASSERT(config_equal(&parsed, &again));
		config_clear(&again);
		sb_free(&b);
	}
	config_clear(&scanned);
	config_clear(&parsed);
	return 0;
}
