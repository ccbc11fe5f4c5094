// SPDX-License-Identifier: LGPL-2.1-or-later
/* Plain JSON into jansson's values in one pass, or a refusal that sends it to json_loadb. */
#include "basic/json_plain.h"

#include <stdbool.h>
#include <string.h>

/* Deeper than any layout or config: leave it to jansson, which counts to 2048. */
#define PLAIN_MAX_DEPTH 32
/* Keys are field and config names; a longer one is jansson's to read. */
#define PLAIN_MAX_KEY 256
/* 18 digits always fit a json_int_t; more may not, and jansson says which. */
#define PLAIN_MAX_DIGITS 18

struct reader {
	struct json_scan s;
	int depth;
};

void json_scan_ws(struct json_scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\n' || *s->p == '\t' || *s->p == '\r'))
		s->p++;
}

bool json_scan_char(struct json_scan *s, char c)
{
	if (s->p < s->end && *s->p != c)
		json_scan_ws(s);
	if (s->p == s->end || *s->p != c)
		return false;
	s->p++;
	return true;
}

bool json_scan_string(struct json_scan *s, const char **start, size_t *len)
{
	const char *q;

	if (!json_scan_char(s, '"'))
		return false;
	for (q = s->p; q < s->end && *q != '"'; q++)
		if ((unsigned char)*q < 0x20 || (unsigned char)*q > 0x7f || *q == '\\')
			return false;
	if (q == s->end)
		return false;
	*start = s->p;
	*len = (size_t)(q - s->p);
	s->p = q + 1;
	return true;
}

/* -?(0|[1-9][0-9]*), at most 18 digits. */
static json_t *integer(struct reader *r)
{
	bool neg = r->s.p < r->s.end && *r->s.p == '-';
	const char *start = r->s.p += neg;
	json_int_t v = 0;

	while (r->s.p < r->s.end && *r->s.p >= '0' && *r->s.p <= '9' &&
	       r->s.p - start < PLAIN_MAX_DIGITS)
		v = v * 10 + (*r->s.p++ - '0');
	if (r->s.p == start || (*start == '0' && r->s.p - start > 1))
		return NULL;
	/* a fraction, an exponent or a 19th digit: jansson's to read */
	if (r->s.p < r->s.end && (*r->s.p == '.' || *r->s.p == 'e' || *r->s.p == 'E' ||
				  (*r->s.p >= '0' && *r->s.p <= '9')))
		return NULL;
	return json_integer(neg ? -v : v);
}

static json_t *literal(struct reader *r, const char *word, json_t *value)
{
	size_t n = strlen(word);

	if ((size_t)(r->s.end - r->s.p) < n || memcmp(r->s.p, word, n) != 0)
		return NULL;
	r->s.p += n;
	return value;
}

static json_t *value(struct reader *r);

static bool add_element(struct reader *r, json_t *array)
{
	json_t *v = value(r);

	return v && json_array_append_new(array, v) == 0;
}

static bool add_member(struct reader *r, json_t *object)
{
	char key[PLAIN_MAX_KEY];
	const char *k;
	size_t n;
	json_t *v;

	if (!json_scan_string(&r->s, &k, &n) || n >= sizeof(key) || !json_scan_char(&r->s, ':'))
		return false;
	memcpy(key, k, n);
	key[n] = '\0';
	/* a second one is an error under JSON_REJECT_DUPLICATES: jansson says so */
	if (json_object_get(object, key))
		return false;
	v = value(r);
	return v && json_object_set_new_nocheck(object, key, v) == 0;
}

/* After the opening bracket of C (NULL: out of memory): its members, each read by ADD, to CLOSE. */
static json_t *members(struct reader *r, json_t *c, char close,
		       bool (*add)(struct reader *r, json_t *c))
{
	if (!c || json_scan_char(&r->s, close))
		return c;
	do {
		if (!add(r, c))
			goto decline;
	} while (json_scan_char(&r->s, ','));
	if (json_scan_char(&r->s, close))
		return c;
decline:
	json_decref(c);
	return NULL;
}

static json_t *value(struct reader *r)
{
	const char *s;
	size_t n;
	json_t *v = NULL;

	json_scan_ws(&r->s);
	if (r->s.p == r->s.end || ++r->depth > PLAIN_MAX_DEPTH)
		return NULL;
	switch (*r->s.p) {
	case '{':
		r->s.p++;
		v = members(r, json_object(), '}', add_member);
		break;
	case '[':
		r->s.p++;
		v = members(r, json_array(), ']', add_element);
		break;
	case '"':
		v = json_scan_string(&r->s, &s, &n) ? json_stringn_nocheck(s, n) : NULL;
		break;
	case 't':
		v = literal(r, "true", json_true());
		break;
	case 'f':
		v = literal(r, "false", json_false());
		break;
	case 'n':
		v = literal(r, "null", json_null());
		break;
	default:
		v = integer(r);
	}
	r->depth--;
	return v;
}

json_t *json_plain_load(const char *data, size_t len)
{
	struct reader r = { { data, data + len }, 0 };
	json_t *v;

	json_scan_ws(&r.s);
	/* json_loadb takes only an object or an array at the top */
	if (r.s.p == r.s.end || (*r.s.p != '{' && *r.s.p != '['))
		return NULL;
	v = value(&r);
	json_scan_ws(&r.s);
	if (v && r.s.p != r.s.end) {
		json_decref(v);
		v = NULL;
	}
	return v;
}
