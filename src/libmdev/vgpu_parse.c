// SPDX-License-Identifier: LGPL-2.1-or-later
/* What the vGPU files say, parsed without touching them: pure functions, fuzzed. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "libmdev/vgpu.h"

/* Ids are C ints in the driver; anything larger is not one. */
#define VGPU_ID_MAX 2147483647ul

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* "<decimal> : <name>" in LINE (LEN bytes); false for any other line. */
static bool parse_line(const char *line, size_t len, unsigned long *id, const char **name,
		       size_t *namelen)
{
	const char *p = line, *end = line + len;
	unsigned long v = 0;

	while (p < end && is_blank(*p))
		p++;
	if (p == end || !isdigit((unsigned char)*p))
		return false;
	for (; p < end && isdigit((unsigned char)*p); p++) {
		v = v * 10 + (unsigned long)(*p - '0');
		if (v > VGPU_ID_MAX)
			return false;
	}
	while (p < end && is_blank(*p))
		p++;
	if (p == end || *p != ':')
		return false;
	for (p++; p < end && is_blank(*p); p++)
		;
	/* what the driver pads or a CRLF leaves at the end is no part of the name */
	while (end > p && (is_blank(end[-1]) || end[-1] == '\r'))
		end--;
	if (v == 0 || end == p)
		return false;
	*id = v;
	*name = p;
	*namelen = (size_t)(end - p);
	return true;
}

void vgpu_parse_creatable(const char *data, size_t len, struct vgpu_type_list *out)
{
	size_t cap = 0;

	out->v = NULL;
	out->n = 0;
	for (size_t at = 0; at < len;) {
		const char *nl = memchr(data + at, '\n', len - at), *name;
		size_t linelen = nl ? (size_t)(nl - (data + at)) : len - at, namelen;
		unsigned long id;

		if (parse_line(data + at, linelen, &id, &name, &namelen) &&
		    !vgpu_type_find(out, id)) {
			char *copy = xmalloc(namelen + 1);

			/* a NUL too: it would cut the name short (found by the fuzz target) */
			for (size_t i = 0; i < namelen; i++)
				copy[i] = (unsigned char)name[i] < 0x20 || name[i] == 0x7f
						  ? '?'
						  : name[i];
			copy[namelen] = '\0';
			if (out->n == cap) {
				cap = cap ? 2 * cap : 8;
				out->v = xrealloc(out->v, cap * sizeof(*out->v));
			}
			out->v[out->n++] = (struct vgpu_type){ id, copy };
		}
		at += linelen + 1;
	}
}

void vgpu_type_list_free(struct vgpu_type_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].name);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

const struct vgpu_type *vgpu_type_find(const struct vgpu_type_list *l, unsigned long id)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].id == id)
			return &l->v[i];
	return NULL;
}

bool vgpu_type_id(const char *type, unsigned long *id)
{
	size_t plen = strlen(VGPU_TYPE_PREFIX);

	return strncmp(type, VGPU_TYPE_PREFIX, plen) == 0 && type[plen] != '0' &&
	       parse_ulong(type + plen, id) && *id > 0 && *id <= VGPU_ID_MAX;
}

static size_t hex_run(const char *s)
{
	size_t n = 0;

	while (isxdigit((unsigned char)s[n]))
		n++;
	return n;
}

bool pci_addr_valid(const char *s)
{
	size_t dom = hex_run(s);

	if (dom < 4 || dom > 8 || s[dom] != ':')
		return false;
	s += dom + 1;
	if (hex_run(s) != 2 || s[2] != ':' || hex_run(s + 3) != 2 || s[5] != '.')
		return false;
	return s[6] >= '0' && s[6] <= '7' && s[7] == '\0';
}
