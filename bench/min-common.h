// SPDX-License-Identifier: LGPL-2.1-or-later
/* min-common.h: tiny helpers shared by the yardstick programs (least-work baselines). */
#ifndef MIN_COMMON_H
#define MIN_COMMON_H

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static inline void min_die(const char *what)
{
	fprintf(stderr, "%s: %s\n", what, strerror(errno));
	exit(1);
}

static inline void *min_xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p) {
		fputs("out of memory\n", stderr);
		exit(1);
	}
	return p;
}

/* Read a small file relative to dirfd into buf (NUL-terminated); returns length or -1. */
static inline ssize_t min_read_at(int dirfd, const char *path, char *buf, size_t size)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	return n;
}

/* Strip trailing whitespace in place. */
static inline size_t min_rstrip(char *s, size_t n)
{
	while (n && (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = 0;
	return n;
}

static inline int min_is_dot(const char *n)
{
	return n[0] == '.' && (!n[1] || (n[1] == '.' && !n[2]));
}

static inline int min_strcmp_p(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Output: one growing buffer, written to stdout once at the end (no stdio formatting). */
static char *min_ob;
static size_t min_obn, min_obcap;

static inline void out_mem(const char *s, size_t n)
{
	if (min_obn + n > min_obcap) {
		min_obcap = min_obcap ? min_obcap * 2 : 1 << 20;
		while (min_obcap < min_obn + n)
			min_obcap *= 2;
		min_ob = min_xrealloc(min_ob, min_obcap);
	}
	memcpy(min_ob + min_obn, s, n);
	min_obn += n;
}

static inline void out_str(const char *s)
{
	out_mem(s, strlen(s));
}

static inline void out_chr(char c)
{
	out_mem(&c, 1);
}

static inline int out_flush(void)
{
	size_t off = 0;
	while (off < min_obn) {
		ssize_t n = write(1, min_ob + off, min_obn - off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		off += (size_t)n;
	}
	min_obn = 0;
	return 0;
}

#define MAX_ATTRS 32

struct min_cfg {
	const char *type, *attr[2 * MAX_ATTRS];
	size_t nattr;
	int autostart;
};

/* The next string of S, NUL-terminated in place; bench configs hold no escapes. */
static inline char *min_next_str(char **s)
{
	char *p = strchr(*s, '"'), *q;

	if (!p || !(q = strchr(p + 1, '"')))
		return NULL;
	*q = 0;
	*s = q + 1;
	return p + 1;
}

/*
 * The least parse of a well-formed config: its strings in order.  After
 * "attrs" they pair up as name and value until its closing bracket.
 */
static inline int min_parse_config(char *text, struct min_cfg *c)
{
	char *p = text, *k;

	c->type = NULL;
	c->autostart = 0;
	c->nattr = 0;
	while ((k = min_next_str(&p))) {
		if (!strcmp(k, "mdev_type")) {
			c->type = min_next_str(&p);
		} else if (!strcmp(k, "start")) {
			const char *v = min_next_str(&p);
			c->autostart = v && !strcmp(v, "auto");
		} else if (!strcmp(k, "attrs")) {
			char *close = strchr(p, ']');
			while (c->nattr < 2 * MAX_ATTRS && strchr(p, '"') &&
			       (!close || strchr(p, '"') < close)) {
				c->attr[c->nattr] = min_next_str(&p);
				c->attr[c->nattr + 1] = min_next_str(&p);
				if (!c->attr[c->nattr + 1])
					return -1;
				c->nattr += 2;
			}
			if (close)
				p = close + 1;
		}
	}
	return c->type ? 0 : -1;
}

#endif
