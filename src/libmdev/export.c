// SPDX-License-Identifier: LGPL-2.1-or-later
/* `apply --export`: definitions and running devices as layout entries, with their UUIDs. */
#include "libmdev/export.h"

#include <stdlib.h>
#include <string.h>

#include "basic/error.h"
#include "basic/output.h"
#include "libmdev/layout.h"

static json_t *attrs_json(const struct mdev_config *cfg)
{
	json_t *list = json_array();

	for (size_t i = 0; i < cfg->nattrs; i++)
		json_array_append_new(list, json_pack("{s:o}", cfg->attrs[i].name,
						      json_str(cfg->attrs[i].value)));
	return list;
}

static json_t *entry_json(const struct cur_parent *p, const struct cur_dev *d)
{
	json_t *e = json_pack("{s:o, s:o}", "parent", json_str(p->name), "type",
			      json_str(d->defined ? d->def.type : d->active_type));

	/* as an entry names it: a UUID, or a VF index (a number) */
	if (p->ids == ID_UUID)
		json_object_set_new(e, "uuid", json_string(d->id));
	else
		json_object_set_new(e, "vf", json_integer(strtol(d->id, NULL, 10)));

	if (!d->defined) {
		/* running without a definition: a transient device */
		json_object_set_new(e, "defined", json_false());
		json_object_set_new(e, "active", json_true());
		return e;
	}
	json_object_set_new(e, "start", json_string(layout_start_name(d->def.autostart)));
	if (d->active_type && strcmp(d->active_type, d->def.type) != 0)
		warnf("%s on %s runs as %s but is defined as %s: exported as defined, not running",
		      d->id, p->name, d->active_type, d->def.type);
	json_object_set_new(
		e, "active",
		json_boolean(d->active_type && strcmp(d->active_type, d->def.type) == 0));
	if (d->def.nattrs)
		json_object_set_new(e, "attrs", attrs_json(&d->def));
	return e;
}

json_t *layout_export(const struct cur_state *st, const char *config)
{
	json_t *devices = json_array();

	for (size_t i = 0; i < st->n; i++)
		for (size_t d = 0; st->v[i].managed && d < st->v[i].ndevs; d++)
			json_array_append_new(devices, entry_json(&st->v[i], &st->v[i].devs[d]));
	if (!config)
		return json_pack("{s:i, s:o}", "version", LAYOUT_VERSION, "devices", devices);
	return json_pack("{s:i, s:{s:{s:o}}}", "version", LAYOUT_VERSION, "configs", config,
			 "devices", devices);
}
