// SPDX-License-Identifier: LGPL-2.1-or-later
/* Escaping of control characters in text output. */
#include "basic/escape.h"

#include <stdlib.h>
#include <string.h>

/* Bytes to escape at P (0: none): a C0 or DEL byte, a C1 character, or a byte that is not UTF-8. */
static size_t unsafe_len(const unsigned char *p)
{
	size_t len;

	if (*p >= 0x20 && *p < 0x7f)
		return 0;
	if (*p < 0x80)
		return 1;
	len = utf8_seq_len(p);
	if (!len)
		return 1;
	return p[0] == 0xc2 && p[1] < 0xa0 ? 2 : 0;
}

/* The length of the valid multi-byte sequence at P that needs no escaping. */
static size_t safe_seq_len(const unsigned char *p)
{
	return *p < 0x80 ? 1 : utf8_seq_len(p);
}

void sb_adds_escaped(struct sbuf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s, *run = p;

	while (*p) {
		size_t n = unsafe_len(p);

		if (!n) {
			p += safe_seq_len(p);
			continue;
		}
		sb_add(b, run, (size_t)(p - run));
		for (size_t i = 0; i < n; i++, p++) {
			char esc[4] = { '\\', 'x', hex[*p >> 4], hex[*p & 0xf] };

			sb_add(b, esc, sizeof(esc));
		}
		run = p;
	}
	sb_add(b, run, (size_t)(p - run));
}

bool text_needs_escape(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p += safe_seq_len(p))
		if (unsafe_len(p))
			return true;
	return false;
}

void text_escape_in_place(char **s)
{
	struct sbuf b = { 0 };

	if (!*s || !text_needs_escape(*s))
		return;
	sb_adds_escaped(&b, *s);
	sb_addc(&b, '\0');
	free(*s);
	*s = b.p;
}

void fputs_escaped(const char *s, FILE *f)
{
	struct sbuf b = { 0 };

	if (!text_needs_escape(s)) {
		fputs(s, f);
		return;
	}
	sb_adds_escaped(&b, s);
	fwrite(b.p, 1, b.len, f);
	sb_free(&b);
}

void vfprintln_escaped(FILE *f, const char *fmt, va_list ap)
{
	char *s;

	if (vasprintf(&s, fmt, ap) < 0)
		abort(); /* out of memory: not recoverable, as in xmalloc */
	fputs_escaped(s, f);
	putc('\n', f);
	free(s);
}

void fprintln_escaped(FILE *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintln_escaped(f, fmt, ap);
	va_end(ap);
}
