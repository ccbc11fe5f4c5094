/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Text for a terminal: names from sysfs and definitions never carry control bytes through. */
#ifndef MDEVADM_ESCAPE_H
#define MDEVADM_ESCAPE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

#include "basic/util.h"

/*
 * Control characters (C0, DEL and, encoded in UTF-8, C1) and bytes that are
 * not UTF-8 are written as \xNN, one per byte, as systemd and util-linux show
 * them; everything else, backslashes included, as it is.  For text output
 * only: JSON output stays exact JSON.
 */
void sb_adds_escaped(struct sbuf *b, const char *s);
void fputs_escaped(const char *s, FILE *f);
/* One line: FMT formatted and written escaped, then a newline. */
__attribute__((format(printf, 2, 0))) void vfprintln_escaped(FILE *f, const char *fmt, va_list ap);
__attribute__((format(printf, 2, 3))) void fprintln_escaped(FILE *f, const char *fmt, ...);

/* Whether S holds anything sb_adds_escaped would escape. */
bool text_needs_escape(const char *s);
/* Replaces the allocated string *S (may be NULL) by its escaped form, when that differs. */
void text_escape_in_place(char **s);

#endif
