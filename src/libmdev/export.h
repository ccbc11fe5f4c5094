/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The machine as a layout: what `apply --export` prints, so that a fleet is adopted as it stands.
 */
#ifndef MDEVADM_EXPORT_H
#define MDEVADM_EXPORT_H

#include <jansson.h>

#include "libmdev/plan.h"

/*
 * The devices of the parents of ST that were read, as a layout file (under "configs" ->
 * CONFIG when CONFIG is not NULL): applied back, it plans nothing.
 */
json_t *layout_export(const struct cur_state *st, const char *config);

#endif
