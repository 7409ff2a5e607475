/* sceau — value templates: the placeholder syntax of docs/templates.md,
 * scanned the same way when a template is checked (template.c) and when a
 * value is expanded against a record for the layout engine. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "template_int.h"

const char *const sceau_template_vars[] = {"issuer", NULL};

static int is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_';
}

static size_t name_len(const char *s)
{
	size_t n = 0;

	while (is_name_char(s[n]))
		n++;
	return n;
}

size_t sceau_tpl_path_len(const char *s, const char **why)
{
	size_t i = 0, n;

	if (s[0] == '.' && (s[1] == '}' || s[1] == '|'))
		return 1;
	if (!(n = name_len(s))) {
		*why = "expected a record path such as 'importer.name'";
		return 0;
	}
	i = n;
	for (;;) {
		if (s[i] == '.') {
			if (!(n = name_len(s + i + 1))) {
				*why = "expected a name after '.'";
				return 0;
			}
			i += 1 + n;
		} else if (s[i] == '[') {
			size_t d = 0;
			while (s[i + 1 + d] >= '0' && s[i + 1 + d] <= '9')
				d++;
			if (d == 0 || d > 4 || s[i + 1 + d] != ']') {
				*why = "expected an index of 1 to 4 digits in '[...]'";
				return 0;
			}
			i += d + 2;
		} else {
			break;
		}
	}
	if (i > SCEAU_TPL_PATH_MAX) {
		*why = "path longer than 128 characters";
		return 0;
	}
	return i;
}

static void scan_hole(const char *s, size_t i, size_t *pos, struct tpl_piece *pc)
{
	size_t j = i + 1, n;
	const char *why = NULL;

	pc->kind = TPL_P_ERROR;
	if (s[j] == '/') {
		pc->absolute = 1;
		j++;
	}
	if (!(n = sceau_tpl_path_len(s + j, &why)) || (pc->absolute && s[j] == '.' && n == 1)) {
		pc->why = why ? why : "'{/.}' names no field";
		return;
	}
	pc->s = s + j;
	pc->n = n;
	j += n;
	if (s[j] == '|') {
		if (strncmp(s + j + 1, "enum:", 5) != 0) {
			pc->why = "unknown filter (the only one is '|enum:NAME')";
			return;
		}
		j += 6;
		pc->enum_name = s + j;
		if (!(pc->enum_n = name_len(s + j))) {
			pc->why = "expected an enum name after '|enum:'";
			return;
		}
		j += pc->enum_n;
		if (s[j] == ':') {
			if (!strncmp(s + j + 1, "fr", 2))
				pc->lang = TPL_LANG_FR;
			else if (!strncmp(s + j + 1, "ar", 2))
				pc->lang = TPL_LANG_AR;
			else if (!strncmp(s + j + 1, "en", 2))
				pc->lang = TPL_LANG_EN;
			else {
				pc->why = "expected a language 'fr', 'ar' or 'en' after the enum "
					  "name";
				return;
			}
			j += 3;
		}
	}
	if (s[j] != '}') {
		pc->why = s[j] ? "expected '}' after the placeholder"
			       : "'{' not closed (write '{{' for a brace)";
		return;
	}
	pc->kind = TPL_P_HOLE;
	*pos = j + 1;
}

void sceau_tpl_scan(const char *s, size_t *pos, struct tpl_piece *pc)
{
	size_t i = *pos;

	memset(pc, 0, sizeof(*pc));
	pc->at = i;
	switch (s[i]) {
	case '\0':
		pc->kind = TPL_P_END;
		return;
	case '\n':
		pc->kind = TPL_P_NEWLINE;
		*pos = i + 1;
		return;
	case '{':
	case '}':
		if (s[i + 1] == s[i]) { /* "{{" or "}}": one literal brace */
			pc->kind = TPL_P_TEXT;
			pc->s = s + i;
			pc->n = 1;
			*pos = i + 2;
		} else if (s[i] == '{') {
			scan_hole(s, i, pos, pc);
		} else {
			pc->kind = TPL_P_ERROR;
			pc->why = "'}' without '{' (write '}}' for a brace)";
		}
		return;
	default:
		pc->kind = TPL_P_TEXT;
		pc->s = s + i;
		pc->n = strcspn(s + i, "{}\n");
		*pos = i + pc->n;
		return;
	}
}

const struct tpl_enum *sceau_tpl_enum(const struct sceau_template *t, const char *name, size_t n)
{
	for (size_t i = 0; t && i < t->nenums; i++)
		if (strlen(t->enums[i].name) == n && !memcmp(t->enums[i].name, name, n))
			return &t->enums[i];
	return NULL;
}

/* ---- expansion ---------------------------------------------------------- */

struct buf {
	char *p;
	size_t n, cap;
};

static int put(struct buf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		char *p;
		while (cap < b->n + n + 1)
			cap *= 2;
		if (!(p = realloc(b->p, cap)))
			return -1;
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
	return 0;
}

static const char *var_value(const char *const *vars, const char *name, size_t n)
{
	for (size_t i = 0; vars && vars[i] && vars[i + 1]; i += 2)
		if (strlen(vars[i]) == n && !memcmp(vars[i], name, n))
			return vars[i + 1];
	return NULL;
}

static const char *enum_text(const struct tpl_enum *e, const char *key, enum tpl_lang lang)
{
	for (size_t i = 0; i < e->nvalues; i++) {
		const struct tpl_text *tx = &e->values[i].text;
		if (strcmp(e->values[i].key, key) != 0)
			continue;
		if (lang == TPL_LANG_AR)
			return tx->ar;
		if (lang == TPL_LANG_EN && tx->en)
			return tx->en;
		return tx->fr;
	}
	return key;
}

/* The value of one placeholder, NULL when it has none. */
static enum sceau_err hole_value(const struct sceau_template *t, const struct sceau_record *rec,
				 const char *row, const char *value, const struct tpl_piece *pc,
				 const char *const *vars, const char **out, struct sceau_error *err)
{
	char full[2 * SCEAU_TPL_PATH_MAX + 2];
	const struct tpl_enum *e = NULL;
	const char *v = NULL;
	int n;

	if (pc->enum_name && !(e = sceau_tpl_enum(t, pc->enum_name, pc->enum_n)))
		return sceau_fail(err, SCEAU_ERR_FORMAT, "unknown enum '%.*s' in '%.60s'",
				  (int)pc->enum_n, pc->enum_name, value);
	if (!pc->absolute)
		v = var_value(vars, pc->s, pc->n);
	if (!v) {
		if (pc->absolute || !row)
			n = snprintf(full, sizeof(full), "%.*s", (int)pc->n, pc->s);
		else if (pc->n == 1 && pc->s[0] == '.')
			n = snprintf(full, sizeof(full), "%s", row);
		else
			n = snprintf(full, sizeof(full), "%s.%.*s", row, (int)pc->n, pc->s);
		if (n < 0 || (size_t)n >= sizeof(full))
			return sceau_fail(err, SCEAU_ERR_INVALID, "record path too long in '%.60s'",
					  value);
		v = sceau_record_get(rec, full);
	}
	if (v && e)
		v = enum_text(e, v, pc->lang);
	*out = v;
	return SCEAU_OK;
}

enum sceau_err sceau_template_expand(const struct sceau_template *t, const struct sceau_record *rec,
				     const char *row, const char *value, const char *const *vars,
				     char **out, int *present, struct sceau_error *err)
{
	enum sceau_err ret = SCEAU_ERR_NOMEM;
	struct buf b = {0};
	struct tpl_piece pc;
	size_t pos = 0, line_start = 0;
	unsigned holes = 0, filled = 0, line_holes = 0, line_filled = 0;
	const char *v = NULL;

	if (!out || !value)
		return sceau_fail(err, SCEAU_ERR_INVALID, "no value template given");
	*out = NULL;
	if (put(&b, "", 0) < 0)
		goto nomem;
	for (;;) {
		sceau_tpl_scan(value, &pos, &pc);
		if (pc.kind == TPL_P_ERROR) {
			ret = sceau_fail(err, SCEAU_ERR_FORMAT, "bad placeholder in '%.60s': %s",
					 value, pc.why);
			goto out;
		}
		if (pc.kind == TPL_P_TEXT && put(&b, pc.s, pc.n) < 0)
			goto nomem;
		if (pc.kind == TPL_P_HOLE) {
			ret = hole_value(t, rec, row, value, &pc, vars, &v, err);
			if (ret != SCEAU_OK)
				goto out;
			line_holes++;
			if (v) {
				line_filled++;
				if (put(&b, v, strlen(v)) < 0)
					goto nomem;
			}
		}
		if (pc.kind != TPL_P_NEWLINE && pc.kind != TPL_P_END)
			continue;
		/* End of a line: drop it when all its placeholders are empty. */
		holes += line_holes;
		filled += line_filled;
		if (line_holes && !line_filled) {
			b.n = line_start;
			if (pc.kind == TPL_P_END && b.n > 0)
				b.n--; /* the line break before the dropped last line */
			b.p[b.n] = '\0';
		} else if (pc.kind == TPL_P_NEWLINE && put(&b, "\n", 1) < 0) {
			goto nomem;
		}
		if (pc.kind == TPL_P_END)
			break;
		line_start = b.n;
		line_holes = line_filled = 0;
	}
	if (present)
		*present = filled > 0 || holes == 0;
	*out = b.p;
	b.p = NULL;
	ret = SCEAU_OK;
	goto out;
nomem:
	ret = sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
out:
	free(b.p);
	return ret;
}

int sceau_template_shows(const struct sceau_record *rec, const struct tpl_section *s)
{
	if (!s->when_present)
		return 1;
	return sceau_record_get(rec, s->when) != NULL || sceau_record_count(rec, s->when) > 0;
}
