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

void json_emit(FILE *f, const json_t *value, int indent)
{
	static const char spaces[] = "                ";
	size_t len;
	char *buf = render(value, DUMP_FLAGS, &len), *p = buf, *nl;

	/* strings hold no raw newline: every one starts an indented line */
	while (indent && (nl = memchr(p, '\n', len - (size_t)(p - buf)))) {
		fwrite(p, 1, (size_t)(nl - p) + 1, f);
		for (int left = indent; left > 0; left -= (int)sizeof(spaces) - 1)
			fwrite(spaces, 1,
			       left < (int)sizeof(spaces) - 1 ? (size_t)left : sizeof(spaces) - 1,
			       f);
		p = nl + 1;
	}
	fwrite(p, 1, len - (size_t)(p - buf), f);
	free(buf);
}

void json_emit_compact(FILE *f, const json_t *value)
{
	size_t len;
	char *buf = render(value, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY, &len);

	fwrite(buf, 1, len, f);
	free(buf);
}

char *json_dump_text(const json_t *value)
{
	size_t len;
	char *buf = render(value, DUMP_FLAGS, &len);

	buf[len] = '\n';
	buf[len + 1] = '\0';
	return buf;
}

void json_put_string(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *run = p;

	fputc('"', f);
	for (; *p;) {
		static const char short_esc[] = {
			['\b'] = 'b', ['\f'] = 'f', ['\n'] = 'n', ['\r'] = 'r',
			['\t'] = 't', ['"'] = '"',  ['\\'] = '\\'
		};
		size_t len = *p < 0x80 ? 1 : utf8_seq_len(p);
		bool esc = *p < 0x20 || *p == '"' || *p == '\\';

		if (len && !esc) {
			p += len;
			continue;
		}
		fwrite(run, 1, (size_t)(p - run), f);
		if (!len)
			fputs("\xef\xbf\xbd", f); /* as json_str: invalid UTF-8 becomes U+FFFD */
		else if (*p < sizeof(short_esc) && short_esc[*p])
			fprintf(f, "\\%c", short_esc[*p]);
		else
			fprintf(f, "\\u%04x", *p);
		run = ++p;
	}
	fwrite(run, 1, (size_t)(p - run), f);
	fputc('"', f);
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

void gw_begin_item(struct group_writer *gw, const char *group, const char *key)
{
	if (gw->open && strcmp(gw->group, group) == 0) {
		fputs(",\n      {\n        ", gw->f);
	} else {
		gw_next_group(gw);
		gw->open = true;
		free(gw->group);
		gw->group = xstrdup(group);
		json_put_string(gw->f, group);
		fputs(": [\n      {\n        ", gw->f);
	}
	json_put_string(gw->f, key);
	fputs(": ", gw->f);
}

void gw_end_item(struct group_writer *gw)
{
	fputs("\n      }", gw->f);
}

void gw_item(struct group_writer *gw, const char *group, const char *key, const json_t *value)
{
	gw_begin_item(gw, group, key);
	json_emit(gw->f, value, 8);
	gw_end_item(gw);
}

void gw_empty_group(struct group_writer *gw, const char *group)
{
	gw_next_group(gw);
	gw->open = false;
	json_put_string(gw->f, group);
	fputs(": []", gw->f);
}

void gw_finish(struct group_writer *gw)
{
	fputs(!gw->started ? "[]\n" : gw->open ? "\n    ]\n  }\n]\n" : "\n  }\n]\n", gw->f);
	free(gw->group);
	gw->group = NULL;
	gw->started = gw->open = false;
}
