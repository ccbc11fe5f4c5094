// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * config-diff [CASES]: differential test of the config scanner.  Every config
 * config_scan accepts must be one config_parse_json accepts, with the same
 * result; what it declines must leave nothing behind.  The cases are sample
 * configs and random mutations of them: byte edits aimed at JSON's syntax,
 * and edits of whole tokens (a key, a colon, a string dropped, doubled,
 * swapped or replaced), which reach the scanner's decisions between tokens.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libmdev/definition.h"

static const char *const plain[] = {
	/* as mdevctl and mdevadm write them: the scanner must take these */
	"{\n  \"mdev_type\": \"mtty-2\",\n  \"start\": \"auto\",\n  \"attrs\": [\n    {\n"
	"      \"assign_adapter\": \"5\"\n    },\n    {\n      \"assign_domain\": \"0x47\"\n"
	"    }\n  ]\n}\n",
	"{\n  \"mdev_type\": \"i915-GVTg_V5_4\",\n  \"start\": \"manual\",\n  \"attrs\": []\n}",
	"{\"mdev_type\":\"vfio_ap-passthrough\",\"start\":\"auto\",\"attrs\":[{\"a\":\"1\"},{\"b\":\"\"}]}",
	"{ \"start\": \"manual\", \"mdev_type\": \"t\" }",
	"\r\n\t{\"attrs\":[],\"mdev_type\":\"nvidia-63\"}\n\n",
	"{\"mdev_type\":\"x\",\"start\":\"AUTO\"}",
	"{\"mdev_type\":\"x\",\"attrs\":[ { \"k\" : \"v w ~ \x7f\" } ]}",
};

static const char *const other[] = {
	/* for jansson to judge: errors, escapes, non-ASCII, unusual members */
	"{\"mdev_type\":\"a\\u00e9\",\"attrs\":[{\"k\":\"v\\n\"}]}",
	"{\"mdev_type\":\"caf\xc3\xa9\",\"start\":\"auto\"}",
	"{\"mdev_type\":\"t\",\"mdev_type\":\"u\"}",
	"{\"mdev_type\":\"t\",\"start\":null,\"attrs\":{}}",
	"{\"mdev_type\":\"t\",\"extra\":[1,2,{\"x\":true}]}",
	"{\"mdev_type\":\"\",\"attrs\":[{\"..\":\"1\",\"b\":\"2\"}]}",
	"{\"mdev_type\":\"a/b\",\"attrs\":[{\"ok\":5}]}",
	"{\"attrs\":[{\"k\":\"v\"}]}",
	"[{\"mdev_type\":\"t\"}]",
	"{\"mdev_type\":\"t\"} {}",
	"",
	/* a known key without its colon, once taken by the scanner */
	"{\"mdev_type\" \"start\":\"auto\",\"mdev_type\":\"t\"}",
	"{\"start\"\"attrs\":[],\"mdev_type\":\"t\"}",
	"{\"mdev_type\":\"t\",\"attrs\" \"start\":\"auto\"}",
};

static uint64_t rng = 0x9e3779b97f4a7c15u;

static unsigned pick(unsigned n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng % n);
}

static const char alphabet[] = "{}[]:,\"\\ \n\t\rau0/.x\0\x1f\x7f\xc3\xa9\xff";

static void mutate(char *buf, size_t *len, size_t cap)
{
	size_t at = *len ? pick((unsigned)*len) : 0;
	char c = alphabet[pick(sizeof(alphabet) - 1)];

	switch (pick(5)) {
	case 0:
		if (*len)
			buf[at] = c;
		break;
	case 1:
		if (*len + 1 < cap) {
			memmove(buf + at + 1, buf + at, *len - at);
			buf[at] = c;
			(*len)++;
		}
		break;
	case 2:
		if (*len) {
			memmove(buf + at, buf + at + 1, *len - at - 1);
			(*len)--;
		}
		break;
	case 3: {
		size_t n = *len - at < 12 ? *len - at : 12;

		if (*len + n < cap) {
			memmove(buf + at + n, buf + at, *len - at);
			*len += n;
		}
		break;
	}
	default:
		*len = at;
	}
}

/* Where the token at P ends: a string, a run of blanks, or one other byte. */
static size_t token_end(const char *buf, size_t len, size_t p)
{
	if (buf[p] == '"') {
		for (p++; p < len && buf[p] != '"'; p++)
			if (buf[p] == '\\' && p + 1 < len)
				p++;
		return p < len ? p + 1 : len;
	}
	if (strchr(" \n\t\r", buf[p]) && buf[p]) {
		while (p < len && buf[p] && strchr(" \n\t\r", buf[p]))
			p++;
		return p;
	}
	return p + 1;
}

static const char *const tokens[] = {
	"\"mdev_type\"",
	"\"start\"",
	"\"attrs\"",
	"\"auto\"",
	"\"manual\"",
	"\"k\"",
	"\"\"",
	"\"a\\u0041\"",
	"\"..\"",
	"\"a/b\"",
	":",
	",",
	"{",
	"}",
	"[",
	"]",
	" ",
	"null",
	"1",
};

/* Drops, doubles, swaps or replaces a whole token, or puts one in. */
static void mutate_token(char *buf, size_t *len, size_t cap)
{
	size_t at = 0, n = 0, starts[256], end;
	const char *tok = tokens[pick(sizeof(tokens) / sizeof(*tokens))];
	size_t tlen = strlen(tok);

	for (size_t p = 0; p < *len && n < 256; p = token_end(buf, *len, p))
		starts[n++] = p;
	if (n)
		at = starts[pick((unsigned)n)];
	end = at < *len ? token_end(buf, *len, at) : at;
	switch (pick(4)) {
	case 0: /* drop */
		memmove(buf + at, buf + end, *len - end);
		*len -= end - at;
		break;
	case 1: /* double */
		if (*len + (end - at) < cap) {
			memmove(buf + end + (end - at), buf + end, *len - end);
			memcpy(buf + end, buf + at, end - at);
			*len += end - at;
		}
		break;
	case 2: /* replace */
		if (*len - (end - at) + tlen < cap) {
			memmove(buf + at + tlen, buf + end, *len - end);
			memcpy(buf + at, tok, tlen);
			*len = *len - (end - at) + tlen;
		}
		break;
	default: /* put one in */
		if (*len + tlen < cap) {
			memmove(buf + at + tlen, buf + at, *len - at);
			memcpy(buf + at, tok, tlen);
			*len += tlen;
		}
	}
}

static unsigned long cases, scanned, differences;

static int check(const char *data, size_t len)
{
	struct mdev_config s, j;
	char why[512];
	int took = config_scan(data, len, &s);
	int r = config_parse_json(data, len, &j, why, sizeof(why));

	cases++;
	scanned += (unsigned long)took;
	if ((took && (r != 0 || !config_equal(&s, &j))) ||
	    (!took && (s.type || s.attrs || s.nattrs || s.autostart))) {
		differences++;
		fprintf(stderr, "difference on %zu bytes (scanner %s, jansson %s): ", len,
			took ? "took it" : "declined", r ? why : "took it");
		fwrite(data, 1, len, stderr);
		fputc('\n', stderr);
	}
	config_clear(&s);
	config_clear(&j);
	return took;
}

int main(int argc, char **argv)
{
	unsigned long rounds = argc > 1 ? strtoul(argv[1], NULL, 10) : 20000;
	const size_t nplain = sizeof(plain) / sizeof(*plain);
	const size_t nother = sizeof(other) / sizeof(*other);
	char buf[1024];

	for (size_t i = 0; i < nplain; i++) {
		if (!check(plain[i], strlen(plain[i]))) {
			fprintf(stderr, "the scanner declined plain config %zu\n", i);
			differences++;
		}
	}
	for (size_t i = 0; i < nother; i++)
		check(other[i], strlen(other[i]));
	for (unsigned long n = 0; n < rounds; n++) {
		size_t which = pick((unsigned)(nplain + nother));
		const char *seed = which < nplain ? plain[which] : other[which - nplain];
		size_t len = strlen(seed);
		unsigned edits = 1 + pick(3);

		memcpy(buf, seed, len);
		while (edits--) {
			if (pick(2))
				mutate_token(buf, &len, sizeof(buf));
			else
				mutate(buf, &len, sizeof(buf));
		}
		check(buf, len);
	}
	printf("%lu cases, %lu taken by the scanner, %lu differences\n", cases, scanned,
	       differences);
	return differences ? 1 : 0;
}
