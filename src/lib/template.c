/* sceau — document templates: load a template file (docs/templates.md)
 * and check all of it before anything is drawn: every key known, every
 * value of the right type and range, every placeholder a text field of
 * the record type, every enum it names defined, the fonts and the logo
 * present on disk. Errors name the JSON path. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "record_int.h"
#include "template_int.h"

#define MAX_SECTIONS 40
#define MAX_FIELDS   40
#define MAX_COLUMNS  12
#define MAX_ENUMS    40
#define MAX_VALUES   200
#define MAX_STRING   4000
#define MAX_NAME     32

#define S_REQUIRED 1u /* the key must be present */
#define S_FIXED    2u /* fixed text: never expanded, so no braces */
#define S_VALUE    4u /* a value template: placeholders checked against the schema */
#define S_NAME     8u /* a name: [a-z0-9_]{1,32} */

struct ld {
	struct sceau_template *t;
	struct rfield root; /* a pseudo-object over the record type's fields */
	struct sceau_error *err;
};

/* ---- messages and paths ------------------------------------------------- */

static enum sceau_err bad(struct ld *ld, const char *path, const char *fmt, ...) SCEAU_PRINTF(3, 4);

static enum sceau_err bad(struct ld *ld, const char *path, const char *fmt, ...)
{
	char msg[SCEAU_ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return sceau_fail(ld->err, SCEAU_ERR_FORMAT, "template '%s': %s: %s", ld->t->path, path,
			  msg);
}

static enum sceau_err nomem(struct ld *ld)
{
	return sceau_fail(ld->err, SCEAU_ERR_NOMEM, "out of memory");
}

#define PATH_MAX_LEN 200

/* JSON paths for messages: parent.key and parent[i], cut at PATH_MAX_LEN
 * (a long enum key): they only name a place. */
static size_t cat(char *dst, size_t o, const char *s)
{
	size_t n = strlen(s);

	if (o + n > PATH_MAX_LEN - 1)
		n = PATH_MAX_LEN - 1 - o;
	memcpy(dst + o, s, n);
	dst[o + n] = '\0';
	return o + n;
}

static void join(char *dst, const char *parent, const char *key)
{
	cat(dst, cat(dst, cat(dst, 0, parent), *parent ? "." : ""), key);
}

static void joini(char *dst, const char *parent, size_t i)
{
	char idx[24];

	snprintf(idx, sizeof(idx), "[%zu]", i);
	cat(dst, cat(dst, 0, parent), idx);
}

/* Refuse keys of obj not in `known` (NULL-terminated), listing them. */
static enum sceau_err only_keys(struct ld *ld, json_t *obj, const char *path,
				const char *const *known)
{
	char sub[PATH_MAX_LEN], list[300];
	const char *k;
	json_t *v;
	size_t i, o = 0;

	json_object_foreach(obj, k, v)
	{
		for (i = 0; known[i] && strcmp(known[i], k) != 0; i++)
			;
		if (known[i])
			continue;
		list[0] = '\0';
		for (i = 0; known[i] && o < sizeof(list); i++)
			o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s", i ? ", " : "",
					      known[i]);
		join(sub, path, k);
		return bad(ld, sub, "unknown key (known: %s)", list);
	}
	return SCEAU_OK;
}

/* ---- record paths --------------------------------------------------------- */

/* The schema field at path p (n bytes) below `cur`, or NULL. "." is cur. */
static const struct rfield *schema_walk(const struct rfield *cur, const char *p, size_t n)
{
	size_t i = 0;

	if (n == 1 && p[0] == '.')
		return cur;
	while (cur && i < n) {
		if (p[i] == '[') {
			if (cur->kind != R_ARRAY)
				return NULL;
			cur = cur->sub;
			while (i < n && p[i] != ']')
				i++;
			i++;
			continue;
		}
		if (p[i] == '.')
			i++;
		size_t m = 0;
		while (i + m < n && p[i + m] != '.' && p[i + m] != '[')
			m++;
		const struct rfield *f = cur->kind == R_OBJECT ? cur->sub : NULL;
		for (; f && f->name; f++)
			if (strlen(f->name) == m && !memcmp(f->name, p + i, m))
				break;
		cur = f && f->name ? f : NULL;
		i += m;
	}
	return cur;
}

static const char *kind_words(const struct rfield *f)
{
	return f->kind == R_OBJECT ? "an object" : f->kind == R_ARRAY ? "an array" : "text";
}

static int is_var(const char *s, size_t n)
{
	for (size_t i = 0; sceau_template_vars[i]; i++)
		if (strlen(sceau_template_vars[i]) == n && !memcmp(sceau_template_vars[i], s, n))
			return 1;
	return 0;
}

/* Check a value template: syntax, and every placeholder a text field of
 * the record (relative to `elem`, the schema of a row of the array `rows`,
 * when not NULL) or a variable, every enum defined. */
static enum sceau_err check_value(struct ld *ld, const char *path, const char *s,
				  const struct rfield *elem, const char *rows)
{
	struct tpl_piece pc;
	size_t pos = 0;

	for (;;) {
		sceau_tpl_scan(s, &pos, &pc);
		if (pc.kind == TPL_P_END)
			return SCEAU_OK;
		if (pc.kind == TPL_P_ERROR) {
			size_t chars = 1; /* UTF-8: count the bytes that start a character */
			for (size_t k = 0; k < pc.at; k++)
				chars += ((unsigned char)s[k] & 0xc0) != 0x80;
			return bad(ld, path, "%s, at character %zu", pc.why, chars);
		}
		if (pc.kind != TPL_P_HOLE)
			continue;
		int n = (int)pc.n;
		if (pc.enum_name && !sceau_tpl_enum(ld->t, pc.enum_name, pc.enum_n))
			return bad(ld, path, "enum '%.*s' is not defined under \"enums\"",
				   (int)pc.enum_n, pc.enum_name);
		if (!pc.absolute && is_var(pc.s, pc.n))
			continue;
		if (!pc.absolute && !elem && pc.n == 1 && pc.s[0] == '.')
			return bad(ld, path, "'{.}' (the row itself) is only for tables and lists");
		const struct rfield *base = pc.absolute || !elem ? &ld->root : elem;
		const struct rfield *f = schema_walk(base, pc.s, pc.n);
		if (!f && base != &ld->root)
			return bad(ld, path,
				   "'{%.*s}' is not a field of a row of '%s' in a %s record", n,
				   pc.s, rows, ld->t->type);
		if (!f)
			return bad(ld, path, "'{%s%.*s}' is not a field of a %s record",
				   pc.absolute ? "/" : "", n, pc.s, ld->t->type);
		if (f->kind != R_TEXT)
			return bad(ld, path, "'{%s%.*s}' is %s, not text", pc.absolute ? "/" : "",
				   n, pc.s, kind_words(f));
	}
}

/* A record path in a plain string ("rows", "when"), absolute. */
static enum sceau_err check_path(struct ld *ld, const char *path, const char *s,
				 const struct rfield **out)
{
	const char *why = NULL;
	size_t n = sceau_tpl_path_len(s, &why);

	if (n == 0 || n != strlen(s))
		return bad(ld, path, "'%s': %s", s,
			   why ? why : "expected a record path such as 'products'");
	if (!(*out = schema_walk(&ld->root, s, n)))
		return bad(ld, path, "'%s' is not a field of a %s record", s, ld->t->type);
	return SCEAU_OK;
}

/* ---- typed members -------------------------------------------------------- */

/* The member `key` of obj; *v NULL when absent and not required. */
static enum sceau_err member(struct ld *ld, json_t *obj, const char *path, const char *key,
			     int required, json_t **v)
{
	char sub[PATH_MAX_LEN];

	*v = json_object_get(obj, key);
	if (*v || !required)
		return SCEAU_OK;
	join(sub, path, key);
	return bad(ld, sub, "required key missing");
}

static enum sceau_err get_obj(struct ld *ld, json_t *obj, const char *path, const char *key,
			      int required, json_t **out)
{
	char sub[PATH_MAX_LEN];
	enum sceau_err ret = member(ld, obj, path, key, required, out);

	join(sub, path, key);
	if (ret == SCEAU_OK && *out && !json_is_object(*out))
		return bad(ld, sub, "expected an object");
	return ret;
}

static enum sceau_err get_arr(struct ld *ld, json_t *obj, const char *path, const char *key,
			      size_t min, size_t max, json_t **out)
{
	char sub[PATH_MAX_LEN];
	enum sceau_err ret = member(ld, obj, path, key, 1, out);

	join(sub, path, key);
	if (ret == SCEAU_OK &&
	    (!json_is_array(*out) || json_array_size(*out) < min || json_array_size(*out) > max))
		return bad(ld, sub, "expected an array of %zu to %zu items", min, max);
	return ret;
}

/* A string member (*out NULL when absent and optional), checked for
 * shape: not empty, at most MAX_STRING bytes, no control character but a
 * line break; S_FIXED refuses braces, S_NAME allows [a-z0-9_] only. */
static enum sceau_err get_str(struct ld *ld, json_t *obj, const char *path, const char *key,
			      unsigned flags, char **out)
{
	char sub[PATH_MAX_LEN];
	json_t *v;
	const char *s;
	enum sceau_err ret = member(ld, obj, path, key, flags & S_REQUIRED, &v);

	*out = NULL;
	if (ret != SCEAU_OK || !v)
		return ret;
	join(sub, path, key);
	if (!json_is_string(v) || !*(s = json_string_value(v)))
		return bad(ld, sub, "expected a non-empty string");
	if (strlen(s) > MAX_STRING)
		return bad(ld, sub, "longer than %d bytes", MAX_STRING);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p < 0x20 && *p != '\n') || *p == 0x7f)
			return bad(ld, sub,
				   "control character at byte %zu (only \"\\n\" is allowed)",
				   (size_t)(p - (const unsigned char *)s) + 1);
		if ((flags & S_FIXED) && (*p == '{' || *p == '}'))
			return bad(ld, sub,
				   "braces in fixed text (labels and titles are not expanded)");
		if ((flags & S_NAME) &&
		    !((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
			return bad(ld, sub, "expected a name of a-z, 0-9 and '_'");
	}
	if ((flags & S_NAME) && strlen(s) > MAX_NAME)
		return bad(ld, sub, "longer than %d characters", MAX_NAME);
	if (!(*out = strdup(s)))
		return nomem(ld);
	return SCEAU_OK;
}

/* A number in [lo, hi]; *out untouched when absent and optional. */
static enum sceau_err get_num(struct ld *ld, json_t *obj, const char *path, const char *key,
			      int required, double lo, double hi, double *out)
{
	char sub[PATH_MAX_LEN];
	json_t *v;
	enum sceau_err ret = member(ld, obj, path, key, required, &v);

	if (ret != SCEAU_OK || !v)
		return ret;
	join(sub, path, key);
	if (!json_is_number(v) || json_number_value(v) < lo || json_number_value(v) > hi)
		return bad(ld, sub, "expected a number from %g to %g", lo, hi);
	*out = json_number_value(v);
	return SCEAU_OK;
}

static enum sceau_err get_int(struct ld *ld, json_t *obj, const char *path, const char *key, int lo,
			      int hi, int *out)
{
	char sub[PATH_MAX_LEN];
	json_t *v = json_object_get(obj, key);

	if (!v)
		return SCEAU_OK;
	join(sub, path, key);
	if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi)
		return bad(ld, sub, "expected an integer from %d to %d", lo, hi);
	*out = (int)json_integer_value(v);
	return SCEAU_OK;
}

/* {"fr": ..., "ar": ..., "en": ...}: fr and ar required. With S_VALUE each
 * is a value template with absolute paths. */
static enum sceau_err get_text(struct ld *ld, json_t *obj, const char *path, const char *key,
			       unsigned flags, struct tpl_text *out)
{
	static const char *const known[] = {"fr", "ar", "en", NULL};
	char sub[PATH_MAX_LEN], lsub[PATH_MAX_LEN];
	unsigned sflags = flags & S_FIXED;
	json_t *v;
	enum sceau_err ret = get_obj(ld, obj, path, key, flags & S_REQUIRED, &v);

	if (ret != SCEAU_OK || !v)
		return ret;
	join(sub, path, key);
	if ((ret = only_keys(ld, v, sub, known)) != SCEAU_OK ||
	    (ret = get_str(ld, v, sub, "fr", sflags | S_REQUIRED, &out->fr)) != SCEAU_OK ||
	    (ret = get_str(ld, v, sub, "ar", sflags | S_REQUIRED, &out->ar)) != SCEAU_OK ||
	    (ret = get_str(ld, v, sub, "en", sflags, &out->en)) != SCEAU_OK)
		return ret;
	if (!(flags & S_VALUE))
		return SCEAU_OK;
	char *const texts[] = {out->fr, out->ar, out->en};
	for (size_t i = 0; i < 3; i++) {
		join(lsub, sub, known[i]);
		if (texts[i] && (ret = check_value(ld, lsub, texts[i], NULL, NULL)) != SCEAU_OK)
			return ret;
	}
	return SCEAU_OK;
}

static enum sceau_err get_align(struct ld *ld, json_t *obj, const char *path, enum tpl_align *out)
{
	static const char *const names[] = {"start", "end", "center"};
	char sub[PATH_MAX_LEN];
	json_t *v = json_object_get(obj, "align");

	*out = TPL_ALIGN_START;
	if (!v)
		return SCEAU_OK;
	for (size_t i = 0; i < 3; i++)
		if (json_is_string(v) && !strcmp(json_string_value(v), names[i])) {
			*out = (enum tpl_align)i;
			return SCEAU_OK;
		}
	join(sub, path, "align");
	return bad(ld, sub, "expected \"start\", \"end\" or \"center\"");
}

/* A path relative to the template's directory, unless absolute. */
static char *resolve(const char *dir, const char *file)
{
	if (file[0] == '/' || !strcmp(dir, "."))
		return strdup(file);
	return sceau_path_join(dir, file);
}

/* ---- page, fonts, logo, QR ------------------------------------------------ */

static enum sceau_err parse_page(struct ld *ld, json_t *root)
{
	static const char *const sides[] = {"top", "right", "bottom", "left", NULL};
	struct sceau_template *t = ld->t;
	json_t *v, *m;
	enum sceau_err ret = member(ld, root, "", "size", 1, &v);

	if (ret != SCEAU_OK)
		return ret;
	if (json_is_string(v) && !strcmp(json_string_value(v), "A4")) {
		t->page_w = 210 * SCEAU_PT_PER_MM;
		t->page_h = 297 * SCEAU_PT_PER_MM;
	} else if (json_is_string(v) && !strcmp(json_string_value(v), "Letter")) {
		t->page_w = 612;
		t->page_h = 792;
	} else if (json_is_array(v) && json_array_size(v) == 2 &&
		   json_is_number(json_array_get(v, 0)) && json_is_number(json_array_get(v, 1)) &&
		   json_number_value(json_array_get(v, 0)) >= 100 &&
		   json_number_value(json_array_get(v, 0)) <= 1000 &&
		   json_number_value(json_array_get(v, 1)) >= 100 &&
		   json_number_value(json_array_get(v, 1)) <= 1000) {
		t->page_w = json_number_value(json_array_get(v, 0)) * SCEAU_PT_PER_MM;
		t->page_h = json_number_value(json_array_get(v, 1)) * SCEAU_PT_PER_MM;
	} else {
		return bad(ld, "size",
			   "expected \"A4\", \"Letter\" or [width, height] in mm from 100 to 1000");
	}
	if ((ret = get_obj(ld, root, "", "margins_mm", 1, &m)) != SCEAU_OK ||
	    (ret = only_keys(ld, m, "margins_mm", sides)) != SCEAU_OK)
		return ret;
	for (size_t i = 0; i < 4; i++) {
		if ((ret = get_num(ld, m, "margins_mm", sides[i], 1, 0, 100, &t->margin[i])) !=
		    SCEAU_OK)
			return ret;
		t->margin[i] *= SCEAU_PT_PER_MM;
	}
	if (t->page_w - t->margin[1] - t->margin[3] < 100 * SCEAU_PT_PER_MM ||
	    t->page_h - t->margin[0] - t->margin[2] < 100 * SCEAU_PT_PER_MM)
		return bad(ld, "margins_mm", "leave less than 100 x 100 mm for the text");
	return SCEAU_OK;
}

static enum sceau_err parse_fonts(struct ld *ld, json_t *root)
{
	static const char *const roles[] = {"regular", "bold", "arabic", "arabic_bold", NULL};
	static const char *const known[] = {"file", "package", NULL};
	char sub[PATH_MAX_LEN];
	struct tpl_font *f;
	char *file = NULL;
	json_t *fonts, *v;
	enum sceau_err ret;

	if ((ret = get_obj(ld, root, "", "fonts", 1, &fonts)) != SCEAU_OK ||
	    (ret = only_keys(ld, fonts, "fonts", roles)) != SCEAU_OK)
		return ret;
	for (size_t i = 0; i < TPL_FONT_COUNT; i++) {
		f = &ld->t->fonts[i];
		join(sub, "fonts", roles[i]);
		if ((ret = get_obj(ld, fonts, "fonts", roles[i], 1, &v)) != SCEAU_OK ||
		    (ret = only_keys(ld, v, sub, known)) != SCEAU_OK ||
		    (ret = get_str(ld, v, sub, "file", S_REQUIRED, &file)) != SCEAU_OK ||
		    (ret = get_str(ld, v, sub, "package", 0, &f->package)) != SCEAU_OK)
			break;
		f->file = resolve(ld->t->dir, file);
		free(file);
		file = NULL;
		if (!f->file)
			return nomem(ld);
	}
	free(file);
	return ret;
}

static enum sceau_err parse_logo_qr(struct ld *ld, json_t *root)
{
	static const char *const logo_keys[] = {"file", "width_mm", NULL};
	static const char *const qr_keys[] = {"width_mm", "ecc", NULL};
	struct sceau_template *t = ld->t;
	double w = SCEAU_LOGO_DEFAULT_MM;
	char *file = NULL, *ecc = NULL;
	json_t *v;
	enum sceau_err ret;

	if ((ret = get_obj(ld, root, "", "logo", 0, &v)) != SCEAU_OK)
		return ret;
	if (v) {
		if ((ret = only_keys(ld, v, "logo", logo_keys)) != SCEAU_OK ||
		    (ret = get_str(ld, v, "logo", "file", S_REQUIRED, &file)) != SCEAU_OK ||
		    (ret = get_num(ld, v, "logo", "width_mm", 0, 5, 100, &w)) != SCEAU_OK)
			goto out;
		t->logo = resolve(t->dir, file);
		t->logo_w = w * SCEAU_PT_PER_MM;
		if (!t->logo) {
			ret = nomem(ld);
			goto out;
		}
	}
	if ((ret = get_obj(ld, root, "", "qr", 1, &v)) != SCEAU_OK ||
	    (ret = only_keys(ld, v, "qr", qr_keys)) != SCEAU_OK ||
	    (ret = get_num(ld, v, "qr", "width_mm", 1, 30, 100, &w)) != SCEAU_OK ||
	    (ret = get_str(ld, v, "qr", "ecc", 0, &ecc)) != SCEAU_OK)
		goto out;
	t->qr_w = w * SCEAU_PT_PER_MM;
	t->qr_ecc = 'M';
	if (ecc) {
		if (strlen(ecc) != 1 || !strchr("LMQH", ecc[0])) {
			ret = bad(ld, "qr.ecc", "expected \"L\", \"M\", \"Q\" or \"H\"");
			goto out;
		}
		t->qr_ecc = ecc[0];
	}
out:
	free(file);
	free(ecc);
	return ret;
}

/* ---- sections and enums --------------------------------------------------- */

static enum sceau_err parse_field(struct ld *ld, json_t *v, const char *path,
				  const struct tpl_section *s, const struct rfield *elem,
				  struct tpl_field *f)
{
	static const char *const fields_keys[] = {"label", "value", "span", "align", NULL};
	static const char *const column_keys[] = {"label", "value", "width", "align", NULL};
	char sub[PATH_MAX_LEN];
	enum sceau_err ret;
	int table = s->kind == TPL_TABLE;

	f->span = 1;
	if (!json_is_object(v))
		return bad(ld, path, "expected an object");
	join(sub, path, "value");
	if ((ret = only_keys(ld, v, path, table ? column_keys : fields_keys)) != SCEAU_OK ||
	    (ret = get_text(ld, v, path, "label", S_REQUIRED | S_FIXED, &f->label)) != SCEAU_OK ||
	    (ret = get_str(ld, v, path, "value", S_REQUIRED, &f->value)) != SCEAU_OK ||
	    (ret = check_value(ld, sub, f->value, elem, s->rows)) != SCEAU_OK ||
	    (ret = get_align(ld, v, path, &f->align)) != SCEAU_OK)
		return ret;
	if (table)
		return get_num(ld, v, path, "width", 1, 1, 100, &f->width);
	return get_int(ld, v, path, "span", 1, s->columns, &f->span);
}

static enum sceau_err parse_fields(struct ld *ld, json_t *v, const char *path, const char *key,
				   size_t max, const struct rfield *elem, struct tpl_section *s)
{
	char sub[PATH_MAX_LEN], isub[PATH_MAX_LEN];
	enum sceau_err ret;
	json_t *a;

	join(sub, path, key);
	if ((ret = get_arr(ld, v, path, key, 1, max, &a)) != SCEAU_OK)
		return ret;
	if (!(s->fields = calloc(json_array_size(a), sizeof(*s->fields))))
		return nomem(ld);
	for (size_t i = 0; i < json_array_size(a); i++) {
		joini(isub, sub, i);
		s->nfields++;
		ret = parse_field(ld, json_array_get(a, i), isub, s, elem, &s->fields[i]);
		if (ret != SCEAU_OK)
			return ret;
	}
	return SCEAU_OK;
}

static enum sceau_err parse_section(struct ld *ld, json_t *v, const char *path,
				    struct tpl_section *s)
{
	static const char *const kinds[] = {"fields", "table", "list", "text"};
	static const char *const keys[][6] = {
		{"kind", "title", "when", "columns", "fields", NULL},
		{"kind", "title", "when", "rows", "columns", NULL},
		{"kind", "title", "when", "rows", "value", NULL},
		{"kind", "title", "when", "text", NULL},
	};
	const struct rfield *rows = NULL, *when;
	char sub[PATH_MAX_LEN];
	enum sceau_err ret;
	json_t *kind;
	size_t k;

	if (!json_is_object(v))
		return bad(ld, path, "expected an object");
	if ((ret = member(ld, v, path, "kind", 1, &kind)) != SCEAU_OK)
		return ret;
	for (k = 0; k < 4; k++)
		if (json_is_string(kind) && !strcmp(json_string_value(kind), kinds[k]))
			break;
	join(sub, path, "kind");
	if (k == 4)
		return bad(ld, sub, "expected \"fields\", \"table\", \"list\" or \"text\"");
	s->kind = (enum tpl_kind)k;
	if ((ret = only_keys(ld, v, path, keys[k])) != SCEAU_OK ||
	    (ret = get_text(ld, v, path, "title", S_FIXED, &s->title)) != SCEAU_OK ||
	    (ret = get_str(ld, v, path, "when", 0, &s->when)) != SCEAU_OK)
		return ret;
	if (s->when) {
		s->when_present = 1;
		join(sub, path, "when");
		if ((ret = check_path(ld, sub, s->when, &when)) != SCEAU_OK)
			return ret;
		if (when->kind == R_OBJECT)
			return bad(ld, sub,
				   "'%s' is an object: name a text field or an array in it",
				   s->when);
	}
	if (s->kind == TPL_TABLE || s->kind == TPL_LIST) {
		join(sub, path, "rows");
		if ((ret = get_str(ld, v, path, "rows", S_REQUIRED, &s->rows)) != SCEAU_OK ||
		    (ret = check_path(ld, sub, s->rows, &rows)) != SCEAU_OK)
			return ret;
		if (rows->kind != R_ARRAY)
			return bad(ld, sub, "'%s' is %s, not an array", s->rows, kind_words(rows));
		rows = rows->sub; /* placeholders read the row */
	}
	switch (s->kind) {
	case TPL_FIELDS:
		s->columns = 1;
		if ((ret = get_int(ld, v, path, "columns", 1, 4, &s->columns)) != SCEAU_OK)
			return ret;
		return parse_fields(ld, v, path, "fields", MAX_FIELDS, NULL, s);
	case TPL_TABLE:
		return parse_fields(ld, v, path, "columns", MAX_COLUMNS, rows, s);
	case TPL_LIST:
		join(sub, path, "value");
		if ((ret = get_str(ld, v, path, "value", S_REQUIRED, &s->value)) != SCEAU_OK)
			return ret;
		return check_value(ld, sub, s->value, rows, s->rows);
	case TPL_TEXT:
		return get_text(ld, v, path, "text", S_REQUIRED | S_VALUE, &s->text);
	}
	return SCEAU_OK;
}

static enum sceau_err parse_sections(struct ld *ld, json_t *root)
{
	struct sceau_template *t = ld->t;
	char sub[PATH_MAX_LEN];
	enum sceau_err ret;
	json_t *a;

	if ((ret = get_arr(ld, root, "", "sections", 1, MAX_SECTIONS, &a)) != SCEAU_OK)
		return ret;
	if (!(t->sections = calloc(json_array_size(a), sizeof(*t->sections))))
		return nomem(ld);
	for (size_t i = 0; i < json_array_size(a); i++) {
		joini(sub, "sections", i);
		t->nsections++;
		if ((ret = parse_section(ld, json_array_get(a, i), sub, &t->sections[i])) !=
		    SCEAU_OK)
			return ret;
	}
	return SCEAU_OK;
}

static int is_name(const char *s)
{
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_");
	return n > 0 && n <= MAX_NAME && !s[n];
}

static enum sceau_err parse_enum(struct ld *ld, const char *name, json_t *v, struct tpl_enum *e)
{
	char path[PATH_MAX_LEN];
	const char *k;
	json_t *tx;
	enum sceau_err ret;

	join(path, "enums", name);
	if (!is_name(name))
		return bad(ld, path, "expected an enum name of 1 to %d of a-z, 0-9 and '_'",
			   MAX_NAME);
	if (!json_is_object(v) || json_object_size(v) < 1 || json_object_size(v) > MAX_VALUES)
		return bad(ld, path, "expected an object of 1 to %d values", MAX_VALUES);
	if (!(e->name = strdup(name)) ||
	    !(e->values = calloc(json_object_size(v), sizeof(*e->values))))
		return nomem(ld);
	json_object_foreach(v, k, tx)
	{
		struct tpl_enum_value *ev = &e->values[e->nvalues++];
		if (!*k)
			return bad(ld, path, "empty key");
		if (!(ev->key = strdup(k)))
			return nomem(ld);
		if ((ret = get_text(ld, v, path, k, S_REQUIRED | S_FIXED, &ev->text)) != SCEAU_OK)
			return ret;
	}
	return SCEAU_OK;
}

static enum sceau_err parse_enums(struct ld *ld, json_t *root)
{
	struct sceau_template *t = ld->t;
	const char *k;
	json_t *o, *v;
	enum sceau_err ret;

	if ((ret = get_obj(ld, root, "", "enums", 0, &o)) != SCEAU_OK || !o)
		return ret;
	if (json_object_size(o) > MAX_ENUMS)
		return bad(ld, "enums", "more than %d enums", MAX_ENUMS);
	if (!(t->enums = calloc(json_object_size(o) + 1, sizeof(*t->enums))))
		return nomem(ld);
	json_object_foreach(o, k, v)
	{
		if ((ret = parse_enum(ld, k, v, &t->enums[t->nenums++])) != SCEAU_OK)
			return ret;
	}
	return SCEAU_OK;
}

/* ---- the whole template ----------------------------------------------- */

static enum sceau_err parse(struct ld *ld, json_t *root)
{
	static const char *const top[] = {"type",   "size",     "margins_mm", "fonts",
					  "logo",   "qr",       "title",      "subtitle",
					  "footer", "sections", "enums",      NULL};
	struct sceau_template *t = ld->t;
	enum sceau_err ret;
	enum sceau_program type;

	if (!json_is_object(root))
		return sceau_fail(ld->err, SCEAU_ERR_FORMAT,
				  "template '%s': expected a JSON object", t->path);
	if ((ret = only_keys(ld, root, "", top)) != SCEAU_OK ||
	    (ret = get_str(ld, root, "", "type", S_REQUIRED | S_NAME, &t->type)) != SCEAU_OK)
		return ret;
	if (!(type = sceau_schema_type(t->type)))
		return bad(ld, "type", "expected a record type: \"coc\" or \"halal\"");
	ld->root.kind = R_OBJECT;
	ld->root.sub = sceau_schema_for(type);
	/* Structure first, files last: a template with two problems reports
	 * the one in its text before a missing font. */
	if ((ret = parse_page(ld, root)) != SCEAU_OK || (ret = parse_fonts(ld, root)) != SCEAU_OK ||
	    (ret = parse_logo_qr(ld, root)) != SCEAU_OK ||
	    (ret = get_text(ld, root, "", "title", S_REQUIRED | S_FIXED, &t->title)) != SCEAU_OK ||
	    (ret = get_text(ld, root, "", "subtitle", S_FIXED, &t->subtitle)) != SCEAU_OK ||
	    (ret = parse_enums(ld, root)) != SCEAU_OK ||
	    (ret = get_text(ld, root, "", "footer", S_VALUE, &t->footer)) != SCEAU_OK ||
	    (ret = parse_sections(ld, root)) != SCEAU_OK)
		return ret;
	for (size_t i = 0; i < TPL_FONT_COUNT; i++)
		if ((ret = sceau_tpl_check_font(&t->fonts[i], ld->err)) != SCEAU_OK)
			return ret;
	if (t->logo)
		return sceau_tpl_check_png(t->logo, ld->err);
	return SCEAU_OK;
}

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

enum sceau_err sceau_template_load(const char *path, struct sceau_template **out,
				   struct sceau_error *err)
{
	enum sceau_err ret = SCEAU_ERR_NOMEM;
	struct ld ld = {.err = err};
	unsigned char *buf = NULL;
	json_t *root = NULL;
	json_error_t je;
	size_t len = 0;

	if (!out || !path)
		return sceau_fail(err, SCEAU_ERR_INVALID, "no template given");
	*out = NULL;
	if (!(ld.t = calloc(1, sizeof(*ld.t))) || !(ld.t->path = strdup(path)) ||
	    !(ld.t->dir = dir_of(path))) {
		ret = sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((ret = sceau_fs_read(path, SCEAU_TEMPLATE_MAX, "template", &buf, &len, err)) !=
	    SCEAU_OK)
		goto out;
	/* jansson reports a failed allocation as a syntax error at the point
	 * it failed; malloc's errno tells them apart (parsing does no I/O). */
	errno = 0;
	if (!(root = json_loadb((const char *)buf, len, JSON_REJECT_DUPLICATES, &je))) {
		if (errno == ENOMEM) {
			ret = sceau_fail(err, SCEAU_ERR_NOMEM,
					 "cannot read template '%s': out of memory", path);
			goto out;
		}
		ret = sceau_fail(err, SCEAU_ERR_FORMAT,
				 "template '%s': not valid JSON: %s (line %d, column %d)", path,
				 je.text, je.line, je.column);
		goto out;
	}
	if ((ret = parse(&ld, root)) != SCEAU_OK)
		goto out;
	*out = ld.t;
	ld.t = NULL;
out:
	sceau_template_free(ld.t);
	json_decref(root);
	free(buf);
	return ret;
}

static void text_release(struct tpl_text *tx)
{
	free(tx->fr);
	free(tx->ar);
	free(tx->en);
}

void sceau_template_free(struct sceau_template *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nsections; i++) {
		struct tpl_section *s = &t->sections[i];
		for (size_t j = 0; j < s->nfields; j++) {
			text_release(&s->fields[j].label);
			free(s->fields[j].value);
		}
		free(s->fields);
		text_release(&s->title);
		text_release(&s->text);
		free(s->rows);
		free(s->value);
		free(s->when);
	}
	free(t->sections);
	for (size_t i = 0; i < t->nenums; i++) {
		for (size_t j = 0; j < t->enums[i].nvalues; j++) {
			free(t->enums[i].values[j].key);
			text_release(&t->enums[i].values[j].text);
		}
		free(t->enums[i].values);
		free(t->enums[i].name);
	}
	free(t->enums);
	for (size_t i = 0; i < TPL_FONT_COUNT; i++) {
		free(t->fonts[i].file);
		free(t->fonts[i].package);
	}
	text_release(&t->title);
	text_release(&t->subtitle);
	text_release(&t->footer);
	free(t->logo);
	free(t->type);
	free(t->path);
	free(t->dir);
	free(t);
}

enum sceau_err sceau_template_find(const char *dir, const char *type, char **path_out,
				   struct sceau_error *err)
{
	struct stat st;
	char *p = NULL;
	int n;

	if (!path_out || !dir || !type)
		return sceau_fail(err, SCEAU_ERR_INVALID, "no template directory or type given");
	*path_out = NULL;
	if (!is_name(type))
		return sceau_fail(err, SCEAU_ERR_INVALID,
				  "bad record type '%.40s': expected a-z, 0-9 and '_'", type);
	if ((n = asprintf(&p, "%s/%s.json", dir, type)) < 0)
		return sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
	if (stat(p, &st) < 0) {
		enum sceau_err ret =
			sceau_fail(err, sceau_err_from_errno(errno),
				   "cannot find template '%s': %s", p, sceau_errno_text(errno));
		free(p);
		return ret;
	}
	*path_out = p;
	return SCEAU_OK;
}
