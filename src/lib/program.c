/* sceau — the programme table. Adding a programme is one line here and one
 * enum value in program.h. */
#include <stdio.h>
#include <string.h>

#include "internal.h"

static const struct {
	enum sceau_program id;
	const char *name;
	const char *oid;
} programs[] = {
	{SCEAU_PROGRAM_COC, "coc", SCEAU_PROGRAM_OID_ARC ".1"},
	{SCEAU_PROGRAM_HALAL, "halal", SCEAU_PROGRAM_OID_ARC ".2"},
};
#define NPROGRAMS (sizeof(programs) / sizeof(programs[0]))

static const enum sceau_program all[] = {SCEAU_PROGRAM_COC, SCEAU_PROGRAM_HALAL};

const enum sceau_program *sceau_program_all(size_t *count)
{
	if (count)
		*count = sizeof(all) / sizeof(all[0]);
	return all;
}

const char *sceau_program_name(enum sceau_program p)
{
	for (size_t i = 0; i < NPROGRAMS; i++)
		if (programs[i].id == p)
			return programs[i].name;
	return NULL;
}

const char *sceau_program_oid(enum sceau_program p)
{
	for (size_t i = 0; i < NPROGRAMS; i++)
		if (programs[i].id == p)
			return programs[i].oid;
	return NULL;
}

static int lookup(const char *name, size_t len, enum sceau_program *out)
{
	for (size_t i = 0; i < NPROGRAMS; i++) {
		if (strlen(programs[i].name) == len && !strncmp(programs[i].name, name, len)) {
			*out = programs[i].id;
			return 1;
		}
	}
	return 0;
}

static enum sceau_err unknown(struct sceau_error *err, const char *name, size_t len)
{
	char known[128];

	sceau_program_list_format(~0u, known, sizeof(known));
	return sceau_fail(err, SCEAU_ERR_INVALID, "unknown programme '%.*s' (known: %s)",
			  (int)(len > 64 ? 64 : len), name, known);
}

enum sceau_err sceau_program_from_name(const char *name, enum sceau_program *out,
				       struct sceau_error *err)
{
	if (!name || !out)
		return sceau_fail(err, SCEAU_ERR_INVALID, "no programme given");
	if (!lookup(name, strlen(name), out))
		return unknown(err, name, strlen(name));
	return SCEAU_OK;
}

enum sceau_err sceau_program_parse_list(const char *list, unsigned *mask, struct sceau_error *err)
{
	unsigned m = 0;

	if (!list || !mask)
		return sceau_fail(err, SCEAU_ERR_INVALID, "no programmes given");
	for (const char *p = list;;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		enum sceau_program prog;

		if (len == 0)
			return sceau_fail(err, SCEAU_ERR_INVALID,
					  "empty programme name in list '%s'", list);
		if (!lookup(p, len, &prog))
			return unknown(err, p, len);
		if (m & SCEAU_PROGRAM_BIT(prog))
			return sceau_fail(err, SCEAU_ERR_INVALID, "programme '%.*s' listed twice",
					  (int)len, p);
		m |= SCEAU_PROGRAM_BIT(prog);
		if (!end)
			break;
		p = end + 1;
	}
	*mask = m;
	return SCEAU_OK;
}

size_t sceau_program_list_format(unsigned mask, char *buf, size_t len)
{
	size_t need = 0;

	if (len)
		buf[0] = '\0';
	for (size_t i = 0; i < NPROGRAMS; i++) {
		if (!(mask & SCEAU_PROGRAM_BIT(programs[i].id)))
			continue;
		const char *sep = need ? "," : "";
		int n = snprintf(len > need ? buf + need : NULL, len > need ? len - need : 0,
				 "%s%s", sep, programs[i].name);
		need += (size_t)n;
	}
	return need;
}
