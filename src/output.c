// SPDX-License-Identifier: LGPL-2.1-or-later
/* JSON rendering compatible with mdevctl's serde_json pretty printer. */
#include "output.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

json_t *json_str(const char *s)
{
	json_t *j = json_string(s);
	const unsigned char *p;
	char *fixed, *o;

	if (j)
		return j;
	fixed = o = xmalloc(strlen(s) * 3 + 1);
	for (p = (const unsigned char *)s; *p;) {
		size_t len = utf8_seq_len(p);

		if (len) {
			memcpy(o, p, len);
			o += len;
			p += len;
		} else {
			memcpy(o, "\xef\xbf\xbd", 3);
			o += 3;
			p++;
		}
	}
	*o = '\0';
	j = json_string(fixed);
	free(fixed);
	return j;
}

struct emit_ctx {
	FILE *f;
	int indent;
	char *buf; /* for json_dump_text */
	size_t len, cap;
};

static void put(struct emit_ctx *c, const char *s, size_t n)
{
	if (c->f) {
		fwrite(s, 1, n, c->f);
		return;
	}
	if (c->len + n + 1 > c->cap) {
		c->cap = (c->len + n + 1) * 2;
		c->buf = xrealloc(c->buf, c->cap);
	}
	memcpy(c->buf + c->len, s, n);
	c->len += n;
	c->buf[c->len] = '\0';
}

/*
 * jansson writes each escape sequence as one chunk and each newline as its
 * own; serde_json writes \u escapes in lower case.
 */
static int emit_cb(const char *chunk, size_t size, void *data)
{
	struct emit_ctx *c = data;

	if (size >= 6 && chunk[0] == '\\' && chunk[1] == 'u') {
		char esc[16];

		if (size >= sizeof(esc))
			size = sizeof(esc) - 1;
		for (size_t i = 0; i < size; i++)
			esc[i] = (char)tolower((unsigned char)chunk[i]);
		put(c, esc, size);
		return 0;
	}
	for (size_t i = 0; i < size; i++) {
		put(c, &chunk[i], 1);
		if (chunk[i] == '\n')
			for (int k = 0; k < c->indent; k++)
				put(c, " ", 1);
	}
	return 0;
}

#define DUMP_FLAGS (JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY)

void json_emit(FILE *f, const json_t *value, int indent)
{
	struct emit_ctx c = { .f = f, .indent = indent };

	json_dump_callback(value, emit_cb, &c, DUMP_FLAGS);
}

void json_emit_compact(FILE *f, const json_t *value)
{
	struct emit_ctx c = { .f = f };

	json_dump_callback(value, emit_cb, &c,
			   JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
}

char *json_dump_text(const json_t *value)
{
	struct emit_ctx c = { 0 };

	json_dump_callback(value, emit_cb, &c, DUMP_FLAGS);
	put(&c, "\n", 1);
	return c.buf;
}

static void emit_key(FILE *f, const char *key)
{
	json_t *k = json_str(key);

	json_emit(f, k, 0);
	json_decref(k);
}

/* Ends what was open before a new group starts. */
static void gw_next_group(struct group_writer *gw)
{
	if (!gw->started)
		fputs("[\n  {\n    ", gw->f);
	else if (gw->open)
		fputs("\n    ],\n    ", gw->f);
	else
		fputs(",\n    ", gw->f);
	gw->started = true;
}

void gw_item(struct group_writer *gw, const char *group, const char *key, const json_t *value)
{
	if (gw->open && strcmp(gw->group, group) == 0) {
		fputs(",\n      {\n        ", gw->f);
	} else {
		gw_next_group(gw);
		gw->open = true;
		free(gw->group);
		gw->group = xstrdup(group);
		emit_key(gw->f, group);
		fputs(": [\n      {\n        ", gw->f);
	}
	emit_key(gw->f, key);
	fputs(": ", gw->f);
	json_emit(gw->f, value, 8);
	fputs("\n      }", gw->f);
}

void gw_empty_group(struct group_writer *gw, const char *group)
{
	gw_next_group(gw);
	gw->open = false;
	emit_key(gw->f, group);
	fputs(": []", gw->f);
}

void gw_finish(struct group_writer *gw)
{
	fputs(!gw->started ? "[]\n" : gw->open ? "\n    ]\n  }\n]\n" : "\n  }\n]\n", gw->f);
	free(gw->group);
	gw->group = NULL;
	gw->started = gw->open = false;
}
