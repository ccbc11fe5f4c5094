// SPDX-License-Identifier: LGPL-2.1-or-later
/* Allocation, string vectors and UUID helpers. */
#include "basic/util.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <uuid/uuid.h>

static void oom(void)
{
	fputs("mdevadm: out of memory\n", stderr);
	abort();
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t size)
{
	p = realloc(p, size ? size : 1);
	if (!p)
		oom();
	return p;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		oom();
	return p;
}

char *xstrndup(const char *s, size_t n)
{
	char *p = strndup(s, n);

	if (!p)
		oom();
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		oom();
	return s;
}

void sb_grow(struct sbuf *b, size_t more)
{
	size_t want = b->len + more;

	if (want < b->len)
		oom();
	b->cap = want < 256 ? 256 : want * 2;
	b->p = xrealloc(b->p, b->cap);
}

void sb_addf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (b->cap - b->len < (size_t)n + 1) /* room for vsnprintf's NUL, which len leaves out */
		sb_grow(b, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void sb_free(struct sbuf *b)
{
	free(b->p);
	*b = (struct sbuf){ 0 };
}

/* Names are short: a block holds 256 bytes of them first, then twice the last, up to 4000. */
#define STRV_BLOCK_FIRST 256
#define STRV_BLOCK_MAX 4000

struct strv_block {
	struct strv_block *next;
	size_t used, size;
	char data[];
};

void strv_push(struct strv *sv, const char *s)
{
	size_t len = strlen(s) + 1;
	struct strv_block *b = sv->blocks;

	if (sv->n == sv->cap) {
		sv->cap = sv->cap ? sv->cap * 2 : 16;
		sv->v = xrealloc(sv->v, sv->cap * sizeof(*sv->v));
	}
	if (!b || b->size - b->used < len) {
		/* small first: `apply` keeps the type names of a thousand parents, sixteen each */
		size_t size = b ? (b->size < STRV_BLOCK_MAX / 2 ? b->size * 2 : STRV_BLOCK_MAX)
				: STRV_BLOCK_FIRST;

		if (size < len)
			size = len;
		b = xmalloc(sizeof(*b) + size);
		b->next = sv->blocks;
		b->used = 0;
		b->size = size;
		sv->blocks = b;
	}
	sv->v[sv->n++] = memcpy(b->data + b->used, s, len);
	b->used += len;
}

int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void strv_sort(struct strv *sv)
{
	if (sv->n > 1)
		qsort(sv->v, sv->n, sizeof(*sv->v), cmp_strp);
}

void strv_free(struct strv *sv)
{
	while (sv->blocks) {
		struct strv_block *next = sv->blocks->next;

		free(sv->blocks);
		sv->blocks = next;
	}
	free(sv->v);
	*sv = (struct strv){ 0 };
}

/* N lower-case hex digits at P; a NUL is not one, so a short string fails. */
static bool hex_run(const unsigned char *p, int n)
{
	/* a table, not range checks: list tests every name in two directories */
	static const bool hex[256] = { ['0' ... '9'] = true, ['a' ... 'f'] = true };

	while (n--)
		if (!hex[*p++])
			return false;
	return true;
}

bool uuid_is_canonical(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	return hex_run(u, 8) && u[8] == '-' && hex_run(u + 9, 4) && u[13] == '-' &&
	       hex_run(u + 14, 4) && u[18] == '-' && hex_run(u + 19, 4) && u[23] == '-' &&
	       hex_run(u + 24, 12) && u[36] == '\0';
}

bool uuid_normalize(const char *in, char out[UUID_STR_LEN])
{
	char buf[UUID_STR_LEN];
	size_t len = strlen(in);
	uuid_t u;

	if (len == 38 && in[0] == '{' && in[37] == '}') {
		in++;
		len = 36;
	}
	if (len == 32) {
		for (size_t i = 0; i < 32; i++)
			if (!isxdigit((unsigned char)in[i]))
				return false;
		snprintf(buf, sizeof(buf), "%.8s-%.4s-%.4s-%.4s-%.12s", in, in + 8, in + 12,
			 in + 16, in + 20);
	} else if (len == 36) {
		memcpy(buf, in, 36);
		buf[36] = '\0';
	} else {
		return false;
	}
	if (uuid_parse(buf, u) < 0)
		return false;
	uuid_unparse_lower(u, out);
	return true;
}

void uuid_new(char out[UUID_STR_LEN])
{
	uuid_t u;

	uuid_generate_random(u);
	uuid_unparse_lower(u, out);
}

size_t utf8_seq_len(const unsigned char *p)
{
	unsigned int c = p[0];
	size_t len, i;
	unsigned int cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, cp = c & 0x07;
	else
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

bool utf8_valid(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		size_t len = utf8_seq_len(p);

		if (!len)
			return false;
		p += len;
	}
	return true;
}

char *ulong_to_str(char buf[24], unsigned long v)
{
	char *d = buf + 23;

	*d = '\0';
	do
		*--d = (char)('0' + v % 10);
	while (v /= 10);
	return d;
}

bool parse_ulong(const char *s, unsigned long *out)
{
	unsigned long v = 0;

	if (!*s)
		return false;
	/* by hand: strtoul's locale and base handling cost more than a types line */
	for (; *s; s++) {
		unsigned d = (unsigned)(*s - '0');

		if (d > 9 || v > (ULONG_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

long long monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
