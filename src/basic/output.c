// SPDX-License-Identifier: LGPL-2.1-or-later
/* JSON rendering compatible with mdevctl's serde_json pretty printer. */
#include "basic/output.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "basic/util.h"

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

json_t *json_str_opt(const char *s)
{
	return s ? json_str(s) : json_null();
}

#define DUMP_FLAGS (JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY)

/*
 * VALUE rendered by jansson in one go into a malloc'd buffer, with its \u
 * escapes in lower case as serde_json writes them.
 */
static char *render(const json_t *value, size_t flags, size_t *len)
{
	char stack[4096], *buf;
	size_t n = json_dumpb(value, stack, sizeof(stack), flags);

	buf = xmalloc(n + 2);
	if (n <= sizeof(stack))
		memcpy(buf, stack, n);
	else
		json_dumpb(value, buf, n, flags);
	for (size_t i = 0; i + 1 < n; i++) {
		if (buf[i] != '\\')
			continue;
		if (buf[++i] == 'u')
			for (size_t k = i + 1; k < i + 5 && k < n; k++)
				buf[k] = (char)tolower((unsigned char)buf[k]);
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

void json_add(struct sbuf *b, const json_t *value, int indent)
{
	static const char spaces[] = "                ";
	size_t len;
	char *buf = render(value, DUMP_FLAGS, &len), *p = buf, *nl;

	/* strings hold no raw newline: every one starts an indented line */
	while (indent && (nl = memchr(p, '\n', len - (size_t)(p - buf)))) {
		sb_add(b, p, (size_t)(nl - p) + 1);
		for (int left = indent; left > 0; left -= (int)sizeof(spaces) - 1)
			sb_add(b, spaces,
			       left < (int)sizeof(spaces) - 1 ? (size_t)left : sizeof(spaces) - 1);
		p = nl + 1;
	}
	sb_add(b, p, len - (size_t)(p - buf));
	free(buf);
}

/* Writes out B and frees it. */
static void write_free(FILE *f, struct sbuf *b)
{
	if (b->len)
		fwrite(b->p, 1, b->len, f);
	sb_free(b);
}

void json_emit(FILE *f, const json_t *value, int indent)
{
	struct sbuf b = { 0 };

	json_add(&b, value, indent);
	write_free(f, &b);
}

void json_add_compact(struct sbuf *b, const json_t *value)
{
	size_t len;
	char *buf = render(value, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY, &len);

	sb_add(b, buf, len);
	free(buf);
}

void json_emit_compact(FILE *f, const json_t *value)
{
	struct sbuf b = { 0 };

	json_add_compact(&b, value);
	write_free(f, &b);
}

char *json_dump_text(const json_t *value)
{
	size_t len;
	char *buf = render(value, DUMP_FLAGS, &len);

	buf[len] = '\n';
	buf[len + 1] = '\0';
	return buf;
}

void json_add_string(struct sbuf *b, const char *s)
{
	/* 0: copied as it is; 1: escaped; 2: the start of a UTF-8 sequence */
	static const unsigned char kind[256] = {
		[0 ... 0x1f] = 1,
		['"'] = 1,
		['\\'] = 1,
		[0x80 ... 0xff] = 2,
	};
	static const char short_esc[] = { ['\b'] = 'b', ['\f'] = 'f', ['\n'] = 'n', ['\r'] = 'r',
					  ['\t'] = 't', ['"'] = '"',  ['\\'] = '\\' };
	const unsigned char *p = (const unsigned char *)s, *run = p;

	sb_addc(b, '"');
	for (;;) {
		size_t len;

		while (!kind[*p])
			p++;
		if (kind[*p] == 2 && (len = utf8_seq_len(p))) {
			p += len;
			continue;
		}
		sb_add(b, run, (size_t)(p - run));
		if (!*p)
			break;
		if (kind[*p] == 2) {
			/* as json_str: invalid UTF-8 becomes U+FFFD */
			sb_add(b, "\xef\xbf\xbd", 3);
		} else if (*p < sizeof(short_esc) && short_esc[*p]) {
			sb_addc(b, '\\');
			sb_addc(b, short_esc[*p]);
		} else {
			char u[7];

			snprintf(u, sizeof(u), "\\u%04x", *p);
			sb_add(b, u, 6);
		}
		run = ++p;
	}
	sb_addc(b, '"');
}

void outbuf_init(struct outbuf *o, FILE *f)
{
	*o = (struct outbuf){ .f = f, .block = isatty(fileno(f)) ? 0 : 1 << 16 };
}

void outbuf_item_done(struct outbuf *o)
{
	if (o->b.len > o->block) {
		fwrite(o->b.p, 1, o->b.len, o->f);
		o->b.len = 0;
	}
}

void outbuf_finish(struct outbuf *o)
{
	write_free(o->f, &o->b);
}

/* Ends what was open before a new group starts. */
static void gw_next_group(struct group_writer *gw)
{
	if (!gw->started)
		sb_adds(&gw->out->b, "[\n  {\n    ");
	else if (gw->open)
		sb_adds(&gw->out->b, "\n    ],\n    ");
	else
		sb_adds(&gw->out->b, ",\n    ");
	gw->started = true;
}

void gw_begin_item(struct group_writer *gw, const char *group, const char *key)
{
	if (gw->open && strcmp(gw->group, group) == 0) {
		sb_adds(&gw->out->b, ",\n      {\n        ");
	} else {
		gw_next_group(gw);
		gw->open = true;
		free(gw->group);
		gw->group = xstrdup(group);
		json_add_string(&gw->out->b, group);
		sb_adds(&gw->out->b, ": [\n      {\n        ");
	}
	json_add_string(&gw->out->b, key);
	sb_add(&gw->out->b, ": ", 2);
}

void gw_end_item(struct group_writer *gw)
{
	sb_adds(&gw->out->b, "\n      }");
	outbuf_item_done(gw->out);
}

void gw_item(struct group_writer *gw, const char *group, const char *key, const json_t *value)
{
	gw_begin_item(gw, group, key);
	json_add(&gw->out->b, value, 8);
	gw_end_item(gw);
}

void gw_empty_group(struct group_writer *gw, const char *group)
{
	gw_next_group(gw);
	gw->open = false;
	json_add_string(&gw->out->b, group);
	sb_adds(&gw->out->b, ": []");
	outbuf_item_done(gw->out);
}

void gw_finish(struct group_writer *gw)
{
	sb_adds(&gw->out->b, !gw->started ? "[]\n" : gw->open ? "\n    ]\n  }\n]\n" : "\n  }\n]\n");
	outbuf_item_done(gw->out);
	free(gw->group);
	gw->group = NULL;
	gw->started = gw->open = false;
}
