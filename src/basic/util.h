/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Small helpers: allocation that cannot fail, string vectors, UUIDs. */
#ifndef MDEVADM_UTIL_H
#define MDEVADM_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#define UUID_STR_LEN 37

/* Out of memory is not recoverable for a command-line tool: these abort. */
void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
__attribute__((format(printf, 1, 2))) char *xasprintf(const char *fmt, ...);

struct strv_block;

/* Strings owned together: they live in a few blocks, not one allocation each. */
struct strv {
	char **v;
	size_t n, cap;
	struct strv_block *blocks;
};

/*
 * A growing byte buffer: listings assemble their output in one, since a
 * stdio call per piece costs more than the piece.
 */
struct sbuf {
	char *p;
	size_t len, cap;
};

void sb_grow(struct sbuf *b, size_t more);
void sb_free(struct sbuf *b);
__attribute__((format(printf, 2, 3))) void sb_addf(struct sbuf *b, const char *fmt, ...);

static inline void sb_add(struct sbuf *b, const void *s, size_t n)
{
	if (!n)
		return; /* memcpy to the NULL of an empty buffer, even of nothing, is undefined */
	if (b->cap - b->len < n)
		sb_grow(b, n);
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

static inline void sb_addc(struct sbuf *b, char c)
{
	if (b->cap == b->len)
		sb_grow(b, 1);
	b->p[b->len++] = c;
}

static inline void sb_adds(struct sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

void strv_push(struct strv *sv, const char *s);
void strv_sort(struct strv *sv);
void strv_free(struct strv *sv);

/*
 * Accepts a UUID hyphenated, as 32 hex digits or braced, in any case, and
 * writes its canonical lower-case hyphenated form to OUT.
 */
bool uuid_normalize(const char *in, char out[UUID_STR_LEN]);
bool uuid_is_canonical(const char *s);
void uuid_new(char out[UUID_STR_LEN]);

/* Length of the valid UTF-8 sequence at P, or 0 when it is not one. */
size_t utf8_seq_len(const unsigned char *p);
/* JSON holds only UTF-8: names and values that are not cannot be stored faithfully. */
bool utf8_valid(const char *s);

/* V in decimal, written at the end of BUF; returns where it starts. */
char *ulong_to_str(char buf[24], unsigned long v);
/* A decimal number without sign, space or trailing garbage. */
bool parse_ulong(const char *s, unsigned long *out);
/* Milliseconds on the monotonic clock, for deadlines. */
long long monotonic_ms(void);

/* Byte-wise comparison for qsort over char * arrays. */
int cmp_strp(const void *a, const void *b);

#endif
