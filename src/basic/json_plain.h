/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A fast path in front of json_loadb for the plain JSON that mdevadm writes and people type:
 * objects, arrays, strings of printable ASCII without escapes, integers written plainly, true,
 * false and null.  jansson lexes through a callback a byte at a time and copies every string
 * byte twice, 135 instructions per byte; `apply` of 10,000 devices reads a 3 MB layout, and
 * that alone cost as much as `list -d`.
 *
 * It never judges a document: anything outside the plain shape, valid or not, is declined, and
 * json_loadb (the parser of record) must read it and report what is wrong.  What it accepts,
 * it builds as jansson's values, equal to what json_loadb(JSON_REJECT_DUPLICATES) makes of the
 * same bytes; tests/fuzz/fuzz-json-plain.c checks that on every input.
 */
#ifndef MDEVADM_JSON_PLAIN_H
#define MDEVADM_JSON_PLAIN_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* The value of DATA (LEN bytes, an object or an array), or NULL: json_loadb must judge it. */
json_t *json_plain_load(const char *data, size_t len);

/*
 * The tokens of plain JSON, for the readers that take only it: json_plain_load, and
 * config_scan (libmdev/definition.c), which reads a config's fixed shape without values.
 */
struct json_scan {
	const char *p, *end;
};

void json_scan_ws(struct json_scan *s);
/* C after any whitespace: true with C consumed, else false. */
bool json_scan_char(struct json_scan *s, char c);
/*
 * A string of printable ASCII without escapes, after any whitespace: where its text starts and
 * its length.  False for any other string: it is jansson's to read.
 */
bool json_scan_string(struct json_scan *s, const char **start, size_t *len);

#endif
