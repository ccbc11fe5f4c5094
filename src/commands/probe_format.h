/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A VFIO probe's answers as text and JSON, shared by info and types --probe. */
#ifndef MDEVADM_PROBE_FORMAT_H
#define MDEVADM_PROBE_FORMAT_H

#include <jansson.h>

#include "basic/util.h"
#include "libmdev/vfio_probe.h"

/* "Migration: ..." and "Dirty page logging: ..." lines, each starting with INDENT. */
void probe_migration_text(struct sbuf *b, const char *indent, const struct vfio_probe *p);
/* Every answer, one per line starting with INDENT (sub-lists indented by two more). */
void probe_text(struct sbuf *b, const char *indent, const struct vfio_probe *p);
/* The object man/mdevadm.8 documents under "info --dumpjson", key "probe". */
json_t *probe_json(const struct vfio_probe *p);

#endif
