/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Output: JSON laid out byte for byte like mdevctl's, streamed where lists grow. */
#ifndef MDEVADM_OUTPUT_H
#define MDEVADM_OUTPUT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

/* A JSON string that never fails: invalid UTF-8 becomes U+FFFD. */
json_t *json_str(const char *s);

/* S as a JSON string, escaped the way serde_json does; invalid UTF-8 becomes U+FFFD. */
void json_put_string(FILE *f, const char *s);

/* Pretty-prints VALUE to F; lines after the first are indented by INDENT spaces. */
void json_emit(FILE *f, const json_t *value, int indent);

/* VALUE on one line without spaces, as mdevctl shows one attribute. */
void json_emit_compact(FILE *f, const json_t *value);

/* VALUE pretty-printed with a final newline, as stored in config files. */
char *json_dump_text(const json_t *value);

/*
 * Streams `[ { "GROUP": [ { "KEY": VALUE }, ... ], ... } ]` one item at a
 * time, the shape of `list --dumpjson` and `types --dumpjson`; items must
 * arrive grouped.  Nothing at all gives `[]`.
 */
struct group_writer {
	FILE *f;
	char *group;
	bool started;
	bool open; /* GROUP's array is open */
};

void gw_item(struct group_writer *gw, const char *group, const char *key, const json_t *value);
/* An item whose value the caller writes in between, indented by 8. */
void gw_begin_item(struct group_writer *gw, const char *group, const char *key);
void gw_end_item(struct group_writer *gw);
/* A group with no items: `"GROUP": []`. */
void gw_empty_group(struct group_writer *gw, const char *group);
void gw_finish(struct group_writer *gw);

#endif
