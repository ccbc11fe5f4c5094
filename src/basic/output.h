/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Output: JSON laid out byte for byte like mdevctl's, streamed where lists grow. */
#ifndef MDEVADM_OUTPUT_H
#define MDEVADM_OUTPUT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "basic/util.h"

/* A JSON string that never fails: invalid UTF-8 becomes U+FFFD. */
json_t *json_str(const char *s);
/* json_str(S), or null for NULL. */
json_t *json_str_opt(const char *s);

/* S as a JSON string, escaped the way serde_json does; invalid UTF-8 becomes U+FFFD. */
void json_add_string(struct sbuf *b, const char *s);

/* Pretty-prints VALUE; lines after the first are indented by INDENT spaces. */
void json_add(struct sbuf *b, const json_t *value, int indent);
void json_emit(FILE *f, const json_t *value, int indent);

/* VALUE on one line without spaces, as mdevctl shows one attribute. */
void json_add_compact(struct sbuf *b, const json_t *value);
void json_emit_compact(FILE *f, const json_t *value);

/* VALUE pretty-printed with a final newline, as stored in config files. */
char *json_dump_text(const json_t *value);

/*
 * Output assembled in memory and written in blocks of 64 KiB, or after each
 * item on a terminal, where each shows as it comes: a stdio call per piece
 * costs more than the piece.
 */
struct outbuf {
	FILE *f;
	struct sbuf b;
	size_t block;
};

void outbuf_init(struct outbuf *o, FILE *f);
/* Ends an item: writes out what has collected once it fills a block. */
void outbuf_item_done(struct outbuf *o);
/* Writes out the rest and frees the buffer. */
void outbuf_finish(struct outbuf *o);

/*
 * Streams `[ { "GROUP": [ { "KEY": VALUE }, ... ], ... } ]` one item at a
 * time, the shape of `list --dumpjson` and `types --dumpjson`, into OUT;
 * items must arrive grouped.  Nothing at all gives `[]`.
 */
struct group_writer {
	struct outbuf *out;
	char *group;
	bool started;
	bool open; /* GROUP's array is open */
};

void gw_item(struct group_writer *gw, const char *group, const char *key, const json_t *value);
/* An item whose value the caller adds to OUT in between, indented by 8. */
void gw_begin_item(struct group_writer *gw, const char *group, const char *key);
void gw_end_item(struct group_writer *gw);
/* A group with no items: `"GROUP": []`. */
void gw_empty_group(struct group_writer *gw, const char *group);
void gw_finish(struct group_writer *gw);

#endif
