/* Tests: document templates (template.c, template_expand.c). The shipped
 * templates load and expand against the documented examples; every
 * rejection is made by changing one thing in a shipped template. White
 * box: links the library's objects (tests/CMakeLists.txt). */
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "record_int.h"
#include "template_int.h"
#include "testutil.h"

#define MM(x) ((x)*72.0 / 25.4)

static char *tmp;

static void setup(void)
{
	tmp = tu_tmpdir();
}

static void teardown(void)
{
	tu_rmrf(tmp);
	free(tmp);
	tmp = NULL;
}

static const char *const vars[] = {"issuer", "Intertek Maroc", NULL};

/* ---- helpers -------------------------------------------------------------- */

static json_t *tpl_json(const char *name)
{
	char path[512];
	json_error_t e;
	json_t *j;

	snprintf(path, sizeof(path), "%s/%s.json", SCEAU_TEMPLATES, name);
	j = json_load_file(path, JSON_PRESERVE_ORDER, &e);
	ck_assert_msg(j != NULL, "%s: %s", path, e.text);
	return j;
}

static struct sceau_template *shipped(const char *name)
{
	char path[512];
	struct sceau_template *t = NULL;
	struct sceau_error err = {0};

	snprintf(path, sizeof(path), "%s/%s.json", SCEAU_TEMPLATES, name);
	ck_assert_msg(sceau_template_load(path, &t, &err) == SCEAU_OK, "%s", err.msg);
	return t;
}

static struct sceau_record *example(const char *name)
{
	char path[512];
	struct sceau_record *rec = NULL;
	struct sceau_error err = {0};

	snprintf(path, sizeof(path), "%s/%s.json", SCEAU_EXAMPLES, name);
	ck_assert_msg(sceau_record_load(path, &rec, &err) == SCEAU_OK, "%s", err.msg);
	return rec;
}

/* A record from an example changed by `edit` (a JSON object merged into
 * the example's top level). */
static struct sceau_record *example_with(const char *name, const char *edit)
{
	char path[512];
	json_error_t e;
	struct sceau_record *rec = NULL;
	struct sceau_error err = {0};
	json_t *j, *patch;
	char *s;

	snprintf(path, sizeof(path), "%s/%s.json", SCEAU_EXAMPLES, name);
	j = json_load_file(path, JSON_PRESERVE_ORDER, &e);
	patch = json_loads(edit, 0, &e);
	ck_assert_msg(j && patch, "%s", e.text);
	json_object_update(j, patch);
	s = json_dumps(j, JSON_PRESERVE_ORDER);
	ck_assert_msg(sceau_record_parse(s, strlen(s), &rec, &err) == SCEAU_OK, "%s", err.msg);
	free(s);
	json_decref(patch);
	json_decref(j);
	return rec;
}

/* The JSON value at "a.b[2].c" (created for the last step when absent). */
static json_t *step(json_t *cur, const char **p)
{
	char name[64];
	size_t n;

	if (**p == '[') {
		size_t i = strtoul(*p + 1, NULL, 10);
		*p = strchr(*p, ']') + 1;
		return json_array_get(cur, i);
	}
	n = strcspn(*p, ".[");
	ck_assert_uint_lt(n, sizeof(name));
	memcpy(name, *p, n);
	name[n] = 0;
	*p += n;
	return json_object_get(cur, name);
}

/* Set (v not NULL, reference taken) or delete the value at path. */
static void jset(json_t *root, const char *path, json_t *v)
{
	const char *p = path, *last = path;
	json_t *cur = root, *parent = NULL;

	while (*p) {
		if (*p == '.')
			p++;
		parent = cur;
		last = p;
		cur = step(cur, &p);
		ck_assert_msg(cur || !*p, "no %s in %s", last, path);
	}
	ck_assert_ptr_nonnull(parent);
	if (*last == '[') {
		size_t i = strtoul(last + 1, NULL, 10);
		ck_assert_int_eq(
			v ? json_array_set_new(parent, i, v) : json_array_remove(parent, i), 0);
	} else {
		ck_assert_int_eq(v ? json_object_set_new(parent, last, v)
				   : json_object_del(parent, last),
				 0);
	}
}

/* Write j (reference taken) as tmp/<name> and return the path. */
static char *write_json(json_t *j, const char *name)
{
	char *path = tu_path(tmp, name);

	ck_assert_int_eq(json_dump_file(j, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER), 0);
	json_decref(j);
	return path;
}

/* Loading j must fail with `code` and exactly the message
 * "template '<path>': <want>" (or containing `want` when it starts with
 * '~'). */
static void refused(json_t *j, enum sceau_err code, const char *want)
{
	char *path = write_json(j, "t.json");
	struct sceau_template *t = (struct sceau_template *)1;
	struct sceau_error err = {0};
	enum sceau_err ret = sceau_template_load(path, &t, &err);
	char full[SCEAU_ERROR_MSG_MAX];

	ck_assert_msg(ret == code, "expected error %d, got %d (%s)", code, ret, err.msg);
	ck_assert_ptr_null(t);
	if (want[0] == '~') {
		ck_assert_msg(strstr(err.msg, want + 1) != NULL, "message '%s' lacks '%s'", err.msg,
			      want + 1);
	} else {
		snprintf(full, sizeof(full), "template '%s': %s", path, want);
		ck_assert_str_eq(err.msg, full);
	}
	free(path);
}

/* Change `path` of the shipped template `name` to v and expect a format
 * error naming the path. */
static void bad(const char *name, const char *path, json_t *v, const char *want)
{
	json_t *j = tpl_json(name);

	jset(j, path, v);
	refused(j, SCEAU_ERR_FORMAT, want);
}

static struct sceau_template *load_json(json_t *j)
{
	char *path = write_json(j, "t.json");
	struct sceau_template *t = NULL;
	struct sceau_error err = {0};

	ck_assert_msg(sceau_template_load(path, &t, &err) == SCEAU_OK, "%s", err.msg);
	free(path);
	return t;
}

/* Expand, asserting success; *present filled when not NULL. */
static char *expand(const struct sceau_template *t, const struct sceau_record *rec, const char *row,
		    const char *value, int *present)
{
	struct sceau_error err = {0};
	char *out = NULL;
	int p = -1;

	ck_assert_msg(sceau_template_expand(t, rec, row, value, vars, &out, &p, &err) == SCEAU_OK,
		      "'%s': %s", value, err.msg);
	ck_assert_ptr_nonnull(out);
	ck_assert(p == 0 || p == 1);
	if (present)
		*present = p;
	return out;
}

static void expands_to(const struct sceau_template *t, const struct sceau_record *rec,
		       const char *row, const char *value, const char *want, int want_present)
{
	int present;
	char *out = expand(t, rec, row, value, &present);

	ck_assert_str_eq(out, want);
	ck_assert_int_eq(present, want_present);
	free(out);
}

static const struct tpl_section *section(const struct sceau_template *t, enum tpl_kind kind,
					 const char *rows)
{
	for (size_t i = 0; i < t->nsections; i++)
		if (t->sections[i].kind == kind &&
		    (!rows || (t->sections[i].rows && !strcmp(t->sections[i].rows, rows))))
			return &t->sections[i];
	ck_abort_msg("no such section");
	return NULL;
}

/* The value of the field of fields section s whose value template is v. */
static char *field(const struct sceau_template *t, const struct sceau_record *rec, const char *v,
		   int *present)
{
	for (size_t i = 0; i < t->nsections; i++)
		for (size_t j = 0; t->sections[i].kind == TPL_FIELDS && j < t->sections[i].nfields;
		     j++)
			if (strstr(t->sections[i].fields[j].value, v))
				return expand(t, rec, NULL, t->sections[i].fields[j].value,
					      present);
	ck_abort_msg("no field with %s", v);
	return NULL;
}

/* Expand every string of t against rec as the layout engine would: each
 * expansion succeeds, yields no brace, and is not empty when present.
 * Fields without a value are collected in `absent` (their value templates,
 * one per line) for the caller to compare with the example's optional
 * fields. Returns the number of strings expanded. */
static size_t expand_all(const struct sceau_template *t, const struct sceau_record *rec,
			 char *absent, size_t len)
{
	size_t n = 0;
	char row[64];

	absent[0] = 0;
	for (size_t i = 0; i < 3; i++) {
		const char *ft = i == 0 ? t->footer.fr : i == 1 ? t->footer.ar : t->footer.en;
		ck_assert_ptr_nonnull(ft);
		char *o = expand(t, rec, NULL, ft, NULL);
		ck_assert_ptr_nonnull(strstr(o, sceau_record_get(rec, "number")));
		free(o);
		n++;
	}
	for (size_t i = 0; i < t->nsections; i++) {
		const struct tpl_section *s = &t->sections[i];
		size_t rows = s->rows ? sceau_record_count(rec, s->rows) : 1;
		if (!sceau_template_shows(rec, s))
			continue;
		for (size_t r = 0; r < rows; r++) {
			snprintf(row, sizeof(row), "%s[%zu]", s->rows ? s->rows : "", r);
			const char *rp = s->rows ? row : NULL;
			size_t nv = s->kind == TPL_LIST ? 1 : s->kind == TPL_TEXT ? 3 : s->nfields;
			for (size_t f = 0; f < nv; f++) {
				const char *v = s->kind == TPL_LIST   ? s->value
						: s->kind == TPL_TEXT ? (f == 0   ? s->text.fr
									 : f == 1 ? s->text.ar
										  : s->text.en)
								      : s->fields[f].value;
				int present;
				char *o;
				if (!v)
					continue;
				o = expand(t, rec, rp, v, &present);
				n++;
				ck_assert_msg(!strchr(o, '{') && !strchr(o, '}'), "'%s' -> '%s'", v,
					      o);
				if (present)
					ck_assert_msg(o[0] != 0, "'%s' present but empty", v);
				else if (strlen(absent) + strlen(v) + 2 < len)
					strcat(strcat(absent, v), "\n");
				free(o);
			}
		}
	}
	return n;
}

/* ---- the shipped templates ----------------------------------------------- */

START_TEST(test_template_coc_expands_example)
{
	struct sceau_template *t = shipped("coc");
	struct sceau_record *rec = example("coc");
	char absent[512], *o;
	int present;

	ck_assert_str_eq(t->type, "coc");
	/* Route A: the two route fields vanish, and "replaces" for a first
	 * issue; nothing else is absent. */
	ck_assert_uint_ge(expand_all(t, rec, absent, sizeof(absent)), 30);
	ck_assert_str_eq(absent, "{supersedes}\n{registration_number}\n{licence_number}\n");

	o = field(t, rec, "{importer.name}", &present);
	ck_assert_str_eq(o, "Atlas Électroménager SARL\nأطلس للأجهزة المنزلية ش.م.م\n"
			    "Lot 112, Zone industrielle Ouled Saleh\n27182 Bouskoura, Maroc\n"
			    "ICE 001561191000066");
	free(o);
	/* The expiry date the record filled in by default. */
	o = field(t, rec, "{expiry_date}", &present);
	ck_assert_str_eq(o, sceau_record_get(rec, "expiry_date"));
	ck_assert_int_eq(present, 1);
	free(o);
	o = field(t, rec, "{issuer}", &present);
	ck_assert_str_eq(o, "Intertek Maroc");
	free(o);
	o = field(t, rec, "{route", &present);
	ck_assert_str_eq(o, "A — contrôle de chaque envoi");
	free(o);

	const struct tpl_section *list = section(t, TPL_LIST, "dossier.documents");
	expands_to(t, rec, "dossier.documents[0]", list->value, "Facture proforma: PF-2026-0457",
		   1);
	expands_to(t, rec, "dossier.documents[6]", list->value,
		   "Déclaration d'importation: DUM 301-2026-0098812", 1);

	/* A product without description_ar: no empty second line. */
	const struct tpl_section *tab = section(t, TPL_TABLE, "products");
	ck_assert_uint_eq(tab->nfields, 6);
	expands_to(t, rec, "products[1]", tab->fields[1].value,
		   "Four électrique posable 45 L avec tournebroche, 1800 W", 1);
	expands_to(t, rec, "products[0]", tab->fields[1].value,
		   "Four électrique encastrable 60 L, 2200 W, 230 V\nفرن كهربائي مدمج 60 لتر، 2200 "
		   "واط",
		   1);
	expands_to(t, rec, "products[0]", tab->fields[4].value, "pièce", 1);
	sceau_record_free(rec);
	sceau_template_free(t);
}
END_TEST

START_TEST(test_template_coc_route_b_shows_registration_number)
{
	struct sceau_template *t = shipped("coc");
	struct sceau_record *rec =
		example_with("coc", "{\"route\": \"B\", \"registration_number\": \"REG-2026-77\"}");
	char absent[512], *o;
	int present;

	expand_all(t, rec, absent, sizeof(absent));
	ck_assert_str_eq(absent, "{supersedes}\n{licence_number}\n");
	o = field(t, rec, "{registration_number}", &present);
	ck_assert_str_eq(o, "REG-2026-77");
	ck_assert_int_eq(present, 1);
	free(o);
	sceau_record_free(rec);
	sceau_template_free(t);
}
END_TEST

START_TEST(test_template_sections_follow_when)
{
	struct sceau_template *t = shipped("coc");
	struct sceau_record *plain = example("coc");
	struct sceau_record *waived = example_with(
		"coc",
		"{\"dossier\": {\"documents\": [], \"waiver\": {\"reason\": \"Envoi urgent\"}},"
		" \"remarks\": \"Lot partiel\"}");
	const struct tpl_section *list = section(t, TPL_LIST, "dossier.documents");
	size_t shown_plain = 0, shown_waived = 0;
	char absent[512];

	for (size_t i = 0; i < t->nsections; i++) {
		shown_plain += (size_t)sceau_template_shows(plain, &t->sections[i]);
		shown_waived += (size_t)sceau_template_shows(waived, &t->sections[i]);
	}
	/* Plain: fields, table, list; waived: fields, table, waiver, remarks. */
	ck_assert_uint_eq(shown_plain, 3);
	ck_assert_uint_eq(shown_waived, 4);
	ck_assert_int_eq(sceau_template_shows(plain, list), 1);
	ck_assert_int_eq(sceau_template_shows(waived, list), 0);
	expand_all(t, waived, absent, sizeof(absent));
	ck_assert_str_eq(absent, "{supersedes}\n{registration_number}\n{licence_number}\n");
	sceau_record_free(plain);
	sceau_record_free(waived);
	sceau_template_free(t);
}
END_TEST

START_TEST(test_template_halal_expands_example)
{
	struct sceau_template *t = shipped("halal");
	struct sceau_record *rec = example("halal");
	char absent[512], *o;
	int present;

	ck_assert_str_eq(t->type, "halal");
	ck_assert_uint_ge(expand_all(t, rec, absent, sizeof(absent)), 20);
	ck_assert_str_eq(absent, "{supersedes}\n");
	o = field(t, rec, "{standard", &present);
	ck_assert_str_eq(o, "NM 08.0.800 — produits alimentaires");
	free(o);
	o = field(t, rec, "{holder.name}", &present);
	ck_assert_str_eq(o,
			 "Biscuiterie Al Baraka SA\nبسكويتري البركة ش.م\nRoute de Médiouna km 9\n"
			 "20250 Casablanca, Maroc\nICE 002345678000031");
	free(o);
	const struct tpl_section *scope = section(t, TPL_LIST, "scope");
	expands_to(t, rec, "scope[1]", scope->value, "Conditionnement, stockage et expédition", 1);
	const struct tpl_section *sites = section(t, TPL_LIST, "sites");
	expands_to(t, rec, "sites[1]", sites->value,
		   "Entrepôt de Berrechid\nZone industrielle, lot 47\n26100 Berrechid", 1);
	const struct tpl_section *tab = section(t, TPL_TABLE, "products");
	expands_to(t, rec, "products[1]", tab->fields[0].value, "Gaufrettes vanille 75 g", 1);
	sceau_record_free(rec);
	sceau_template_free(t);
}
END_TEST

START_TEST(test_template_shipped_layout)
{
	struct sceau_template *t = shipped("coc");

	ck_assert_double_eq_tol(t->page_w, MM(210), 1e-9);
	ck_assert_double_eq_tol(t->page_h, MM(297), 1e-9);
	for (size_t i = 0; i < 4; i++)
		ck_assert_double_eq_tol(t->margin[i], MM(14), 1e-9);
	ck_assert_double_eq_tol(t->qr_w, MM(36), 1e-9);
	ck_assert_int_eq(t->qr_ecc, 'M');
	ck_assert_ptr_null(t->logo);
	ck_assert_str_eq(t->title.fr, "CERTIFICAT DE CONFORMITÉ");
	ck_assert_str_eq(t->title.ar, "شهادة المطابقة");
	ck_assert_str_eq(t->title.en, "Certificate of Conformity");
	ck_assert_str_eq(t->fonts[TPL_FONT_ARABIC].package, "fonts-noto-core");
	ck_assert_str_eq(t->fonts[TPL_FONT_BOLD].file,
			 "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf");
	ck_assert_int_eq(t->sections[0].kind, TPL_FIELDS);
	ck_assert_int_eq(t->sections[0].columns, 2);
	ck_assert_int_eq(t->sections[1].kind, TPL_TABLE);
	ck_assert_int_eq(t->sections[1].fields[3].align, TPL_ALIGN_END);
	ck_assert_int_eq(t->sections[1].fields[4].align, TPL_ALIGN_CENTER);
	ck_assert_int_eq(t->sections[1].fields[0].align, TPL_ALIGN_START); /* the default */
	ck_assert_double_eq(t->sections[1].fields[3].width, 10);
	ck_assert_int_eq(t->sections[2].kind, TPL_LIST);
	ck_assert_int_eq(t->sections[4].kind, TPL_FIELDS);
	ck_assert_int_eq(t->sections[4].columns, 1); /* the default */
	ck_assert_ptr_null(t->sections[4].title.fr);
	ck_assert_str_eq(t->sections[4].when, "remarks");
	sceau_template_free(t);
	t = shipped("halal");
	ck_assert_str_eq(t->title.fr, "CERTIFICAT HALAL");
	ck_assert_int_eq(t->sections[0].fields[3].span, 2);
	ck_assert_int_eq(t->sections[0].fields[0].span, 1);
	sceau_template_free(t);
}
END_TEST

/* The values a schema check accepts, read from its description
 * ("a unit: pce, pair, ... m2 or m3"; "\"A\", \"B\" or \"C\""). */
static size_t check_values(const struct rcheck *c, char vals[][32], size_t max)
{
	const char *p = strstr(c->what, ": ") ? strstr(c->what, ": ") + 2 : c->what;
	size_t n = 0;

	while (*p && n < max) {
		size_t len = strcspn(p, ",");
		const char * or = strstr(p, " or ");
		if (or &&(size_t)(or -p) < len)
			len = (size_t)(or -p);
		ck_assert_uint_lt(len, 32);
		memcpy(vals[n], p, len);
		vals[n][len] = 0;
		if (vals[n][0] == '"') {
			memmove(vals[n], vals[n] + 1, len);
			vals[n][strlen(vals[n]) - 1] = 0;
		}
		ck_assert_msg(c->ok(vals[n]), "'%s' not accepted by its own check", vals[n]);
		n++;
		p += len;
		p += !strncmp(p, ", ", 2) ? 2 : !strncmp(p, " or ", 4) ? 4 : 0;
	}
	return n;
}

/* Every value a coded field can hold has a French and an Arabic label in
 * the template's enum, and the enum has no key the field refuses. */
static void enum_covers(const char *tname, const char *ename, const char *path, size_t want)
{
	struct sceau_template *t = shipped(tname);
	const struct rfield root = {
		NULL, 0, R_OBJECT, 0, 0, 0, sceau_schema_for(sceau_schema_type(tname)), NULL, NULL};
	const struct tpl_enum *e = sceau_tpl_enum(t, ename, strlen(ename));
	const struct rfield *f = &root;
	char vals[32][32], name[32];
	size_t n, i, k;

	ck_assert_ptr_nonnull(e);
	for (const char *p = path; *p;) { /* "dossier.documents.kind": arrays step into items */
		size_t len = strcspn(p, ".");
		memcpy(name, p, len);
		name[len] = 0;
		for (f = f->sub; f->name && strcmp(f->name, name); f++)
			;
		ck_assert_msg(f->name != NULL, "no %s", name);
		if (f->kind == R_ARRAY)
			f = f->sub;
		p += len + (p[len] == '.');
	}
	ck_assert_ptr_nonnull(f->check);
	n = check_values(f->check, vals, 32);
	ck_assert_uint_eq(n, want);
	for (i = 0; i < n; i++) {
		for (k = 0; k < e->nvalues && strcmp(e->values[k].key, vals[i]); k++)
			;
		ck_assert_msg(k < e->nvalues, "%s: no label for '%s'", ename, vals[i]);
		ck_assert(e->values[k].text.fr && e->values[k].text.ar);
	}
	for (k = 0; k < e->nvalues; k++)
		ck_assert_msg(f->check->ok(e->values[k].key), "%s: '%s' is no value of %s", ename,
			      e->values[k].key, path);
	sceau_template_free(t);
}

START_TEST(test_template_enums_cover_schema_values)
{
	enum_covers("coc", "document_kind", "dossier.documents.kind", 7);
	enum_covers("coc", "unit", "products.unit", 13);
	enum_covers("coc", "route", "route", 3);
	enum_covers("halal", "halal_standard", "standard", 2);
}
END_TEST

/* ---- refusals ------------------------------------------------------------- */

START_TEST(test_template_rejects_unknown_key)
{
	bad("coc", "sections[1].colour", json_string("red"),
	    "sections[1].colour: unknown key (known: kind, title, when, rows, columns)");
	bad("coc", "qr.size", json_integer(3), "qr.size: unknown key (known: width_mm, ecc)");
	bad("coc", "sections[0].fields[1].width", json_integer(3),
	    "sections[0].fields[1].width: unknown key (known: label, value, span, align)");
	bad("halal", "title.es", json_string("Certificado"),
	    "title.es: unknown key (known: fr, ar, en)");
	bad("coc", "page", json_string("A4"),
	    "page: unknown key (known: type, size, margins_mm, fonts, logo, qr, title, subtitle, "
	    "footer, sections, enums)");
}
END_TEST

START_TEST(test_template_rejects_wrong_type)
{
	bad("coc", "sections[1].columns[1].width", json_string("34"),
	    "sections[1].columns[1].width: expected a number from 1 to 100");
	bad("coc", "sections[1].columns[1].width", json_integer(0),
	    "sections[1].columns[1].width: expected a number from 1 to 100");
	bad("coc", "sections[1].columns[1].width", json_real(100.5),
	    "sections[1].columns[1].width: expected a number from 1 to 100");
	bad("coc", "sections[0].columns", json_integer(5),
	    "sections[0].columns: expected an integer from 1 to 4");
	bad("coc", "sections[0].fields[0].span", json_integer(3),
	    "sections[0].fields[0].span: expected an integer from 1 to 2");
	bad("coc", "sections[0].fields", json_array(),
	    "sections[0].fields: expected an array of 1 to 40 items");
	bad("coc", "title", json_string("CERTIFICAT"), "title: expected an object");
	bad("coc", "title.fr", json_string(""), "title.fr: expected a non-empty string");
	bad("coc", "title.fr", json_integer(1), "title.fr: expected a non-empty string");
	bad("coc", "sections[2].kind", json_string("grid"),
	    "sections[2].kind: expected \"fields\", \"table\", \"list\" or \"text\"");
	bad("coc", "sections[1].columns[0].align", json_string("right"),
	    "sections[1].columns[0].align: expected \"start\", \"end\" or \"center\"");
	bad("coc", "size", json_string("A3"),
	    "size: expected \"A4\", \"Letter\" or [width, height] in mm from 100 to 1000");
	bad("coc", "qr.width_mm", json_integer(25),
	    "qr.width_mm: expected a number from 30 to 100");
	bad("coc", "qr.ecc", json_string("X"), "qr.ecc: expected \"L\", \"M\", \"Q\" or \"H\"");
	bad("coc", "type", json_string("voc"),
	    "type: expected a record type: \"coc\" or \"halal\"");
	bad("coc", "margins_mm.left", json_integer(100),
	    "margins_mm: leave less than 100 x 100 mm for the text");
	bad("coc", "title.fr", json_string("CERTIFICAT\tDE"),
	    "title.fr: control character at byte 11 (only \"\\n\" is allowed)");
}
END_TEST

START_TEST(test_template_rejects_missing_key)
{
	bad("coc", "title.ar", NULL, "title.ar: required key missing");
	bad("coc", "sections[0].fields[2].value", NULL,
	    "sections[0].fields[2].value: required key missing");
	bad("coc", "sections[1].columns[2].width", NULL,
	    "sections[1].columns[2].width: required key missing");
	bad("coc", "sections[2].rows", NULL, "sections[2].rows: required key missing");
	bad("halal", "fonts.arabic_bold", NULL, "fonts.arabic_bold: required key missing");
	bad("halal", "qr", NULL, "qr: required key missing");
	bad("halal", "sections", NULL, "sections: required key missing");
}
END_TEST

START_TEST(test_template_rejects_fields_the_record_lacks)
{
	bad("coc", "sections[0].fields[7].value",
	    json_string("{importer.name}\nFax {importer.fax}"),
	    "sections[0].fields[7].value: '{importer.fax}' is not a field of a coc record");
	bad("coc", "sections[1].columns[0].value", json_string("{tarif_code}"),
	    "sections[1].columns[0].value: '{tarif_code}' is not a field of a row of 'products' in "
	    "a coc record");
	/* A Halal field in a CoC template. */
	bad("coc", "footer.en", json_string("{audit_date}"),
	    "footer.en: '{audit_date}' is not a field of a coc record");
	/* Variables are names, not record paths. */
	bad("coc", "sections[0].fields[0].value", json_string("{/issuer}"),
	    "sections[0].fields[0].value: '{/issuer}' is not a field of a coc record");
	bad("coc", "sections[0].fields[7].value", json_string("{importer}"),
	    "sections[0].fields[7].value: '{importer}' is an object, not text");
	bad("coc", "sections[0].fields[7].value", json_string("{products[0]}"),
	    "sections[0].fields[7].value: '{products[0]}' is an object, not text");
	bad("coc", "sections[2].rows", json_string("importer"),
	    "sections[2].rows: 'importer' is an object, not an array");
	bad("coc", "sections[2].rows", json_string("dossier..documents"),
	    "sections[2].rows: 'dossier..documents': expected a name after '.'");
	bad("coc", "sections[2].when", json_string("dossier"),
	    "sections[2].when: 'dossier' is an object: name a text field or an array in it");
	bad("coc", "sections[0].fields[0].value", json_string("{.}"),
	    "sections[0].fields[0].value: '{.}' (the row itself) is only for tables and lists");
	bad("halal", "sections[3].value", json_string("{/scope}"),
	    "sections[3].value: '{/scope}' is an array, not text");
}
END_TEST

START_TEST(test_template_rejects_bad_placeholder)
{
	bad("coc", "sections[0].fields[1].value", json_string("{number"),
	    "sections[0].fields[1].value: '{' not closed (write '{{' for a brace), at character 1");
	bad("coc", "sections[0].fields[1].value", json_string("N° {number} }"),
	    "sections[0].fields[1].value: '}' without '{' (write '}}' for a brace), at character "
	    "13");
	bad("coc", "sections[0].fields[1].value", json_string("{number|upper}"),
	    "sections[0].fields[1].value: unknown filter (the only one is '|enum:NAME'), at "
	    "character 1");
	bad("coc", "sections[0].fields[1].value", json_string("{ number }"),
	    "sections[0].fields[1].value: expected a record path such as 'importer.name', at "
	    "character 1");
	bad("coc", "sections[2].value", json_string("{kind|enum:kinds}"),
	    "sections[2].value: enum 'kinds' is not defined under \"enums\"");
	bad("coc", "sections[2].value", json_string("{kind|enum:document_kind:de}"),
	    "sections[2].value: expected a language 'fr', 'ar' or 'en' after the enum name, at "
	    "character 1");
	/* Labels and titles are fixed text: a placeholder there is a mistake. */
	bad("coc", "sections[0].fields[1].label.fr", json_string("N° {number}"),
	    "sections[0].fields[1].label.fr: braces in fixed text (labels and titles are not "
	    "expanded)");
}
END_TEST

START_TEST(test_template_rejects_bad_enum)
{
	bad("coc", "enums.Route", json_object(),
	    "enums.Route: expected an enum name of 1 to 32 of a-z, 0-9 and '_'");
	bad("coc", "enums.route.A.ar", NULL, "enums.route.A.ar: required key missing");
	bad("coc", "enums.empty", json_object(),
	    "enums.empty: expected an object of 1 to 200 values");

	/* A key longer than a message path: the path is cut, not overrun. */
	char key[400], want[300];
	memset(key, 'k', sizeof(key) - 1);
	key[sizeof(key) - 1] = 0;
	json_t *j = tpl_json("coc");
	json_object_set_new(json_object_get(json_object_get(j, "enums"), "route"), key,
			    json_object());
	snprintf(want, sizeof(want), "enums.route.%.187s: required key missing", key);
	refused(j, SCEAU_ERR_FORMAT, want);
}
END_TEST

START_TEST(test_template_bad_json_refused)
{
	char *path = tu_path(tmp, "t.json");
	struct sceau_template *t = NULL;
	struct sceau_error err = {0};
	char want[600];

	tu_write(path, "{\"type\": \"coc\",}", strlen("{\"type\": \"coc\",}"));
	ck_assert_int_eq(sceau_template_load(path, &t, &err), SCEAU_ERR_FORMAT);
	snprintf(want, sizeof(want), "template '%s': not valid JSON: ", path);
	ck_assert_msg(!strncmp(err.msg, want, strlen(want)), "%s", err.msg);
	tu_write(path, "{\"type\": \"coc\", \"type\": \"coc\"}",
		 strlen("{\"type\": \"coc\", \"type\": \"coc\"}"));
	ck_assert_int_eq(sceau_template_load(path, &t, &err), SCEAU_ERR_FORMAT);
	ck_assert_ptr_nonnull(strstr(err.msg, "duplicate"));
	tu_write(path, "[]", 2);
	ck_assert_int_eq(sceau_template_load(path, &t, &err), SCEAU_ERR_FORMAT);
	snprintf(want, sizeof(want), "template '%s': expected a JSON object", path);
	ck_assert_str_eq(err.msg, want);
	ck_assert_ptr_null(t);
	free(path);
}
END_TEST

START_TEST(test_template_missing_file_not_found)
{
	char *path = tu_path(tmp, "nope.json");
	struct sceau_template *t = (struct sceau_template *)1;
	struct sceau_error err = {0};
	char want[600];

	ck_assert_int_eq(sceau_template_load(path, &t, &err), SCEAU_ERR_NOT_FOUND);
	ck_assert_ptr_null(t);
	snprintf(want, sizeof(want), "cannot read template '%s': no such file", path);
	ck_assert_str_eq(err.msg, want);
	free(path);
}
END_TEST

START_TEST(test_template_missing_font_names_package)
{
	json_t *j = tpl_json("coc");
	char want[600];

	/* Relative: resolved against the template's directory. */
	jset(j, "fonts.arabic.file", json_string("NotoNaskhArabic-Regular.ttf"));
	snprintf(want, sizeof(want),
		 "~font '%s/NotoNaskhArabic-Regular.ttf' is missing: install the Debian package "
		 "'fonts-noto-core'",
		 tmp);
	refused(j, SCEAU_ERR_NOT_FOUND, want);

	j = tpl_json("coc");
	jset(j, "fonts.bold.file", json_string("/nonexistent/DejaVuSans-Bold.ttf"));
	jset(j, "fonts.bold.package", NULL);
	refused(j, SCEAU_ERR_NOT_FOUND, "~font '/nonexistent/DejaVuSans-Bold.ttf' is missing");
}
END_TEST

START_TEST(test_template_font_not_truetype_refused)
{
	char *font = tu_path(tmp, "font.ttf");
	json_t *j = tpl_json("halal");
	char want[600];

	tu_write(font, "OTTO\0\0\0\0", 8); /* CFF outlines: libharu cannot embed them */
	jset(j, "fonts.regular.file", json_string(font));
	snprintf(want, sizeof(want), "~font '%s' is not a TrueType file (.ttf)", font);
	refused(j, SCEAU_ERR_FORMAT, want);
	free(font);
}
END_TEST

START_TEST(test_template_problem_in_text_reported_before_missing_font)
{
	json_t *j = tpl_json("coc");

	jset(j, "fonts.arabic.file", json_string("/nonexistent/a.ttf"));
	jset(j, "sections[1].columns[1].width", json_integer(0));
	refused(j, SCEAU_ERR_FORMAT,
		"sections[1].columns[1].width: expected a number from 1 to 100");
}
END_TEST

START_TEST(test_template_page_sizes_in_points)
{
	json_t *j = tpl_json("coc");
	struct sceau_template *t;

	jset(j, "size", json_string("Letter"));
	jset(j, "margins_mm.top", json_real(12.5));
	t = load_json(j);
	ck_assert_double_eq_tol(t->page_w, 612, 1e-9);
	ck_assert_double_eq_tol(t->page_h, 792, 1e-9);
	ck_assert_double_eq_tol(t->margin[0], 12.5 * 72 / 25.4, 1e-9);
	ck_assert_double_eq_tol(t->margin[1], MM(14), 1e-9);
	sceau_template_free(t);

	j = tpl_json("coc");
	jset(j, "size", json_pack("[f, i]", 148.5, 210));
	t = load_json(j);
	ck_assert_double_eq_tol(t->page_w, MM(148.5), 1e-9);
	ck_assert_double_eq_tol(t->page_h, MM(210), 1e-9);
	sceau_template_free(t);

	bad("coc", "size", json_pack("[i]", 210),
	    "size: expected \"A4\", \"Letter\" or [width, height] in mm from 100 to 1000");
}
END_TEST

/* ---- logos ---------------------------------------------------------------- */

static const char png_bytes[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
static const char jpg_bytes[] = "\xff\xd8\xff\xe0\0\x10JFIF";

START_TEST(test_template_logo_relative_to_template_dir)
{
	char *logo = tu_path(tmp, "logo.png");
	json_t *j = tpl_json("coc");
	struct sceau_template *t;

	tu_write(logo, png_bytes, sizeof(png_bytes) - 1);
	jset(j, "logo", json_pack("{s:s, s:i}", "file", "logo.png", "width_mm", 25));
	t = load_json(j);
	ck_assert_str_eq(t->logo, logo);
	ck_assert_double_eq_tol(t->logo_w, MM(25), 1e-9);
	sceau_template_free(t);

	j = tpl_json("coc");
	jset(j, "logo", json_pack("{s:s}", "file", "logo.png"));
	t = load_json(j);
	ck_assert_double_eq_tol(t->logo_w, MM(30), 1e-9); /* default width */
	sceau_template_free(t);
	free(logo);
}
END_TEST

START_TEST(test_logo_not_png_refused)
{
	char *jpg = tu_path(tmp, "x.jpg");
	struct sceau_template *t = shipped("coc");
	struct sceau_error err = {0};
	char want[600];
	json_t *j;

	tu_write(jpg, jpg_bytes, sizeof(jpg_bytes) - 1);
	ck_assert_int_eq(sceau_template_set_logo(t, jpg, 30, &err), SCEAU_ERR_FORMAT);
	snprintf(want, sizeof(want), "logo '%s' is not a PNG file", jpg);
	ck_assert_str_eq(err.msg, want);
	ck_assert_ptr_null(t->logo); /* unchanged */
	sceau_template_free(t);

	/* The same in a template, the path resolved against its directory. */
	j = tpl_json("halal");
	jset(j, "logo", json_pack("{s:s}", "file", "x.jpg"));
	snprintf(want, sizeof(want), "~logo '%s' is not a PNG file", jpg);
	refused(j, SCEAU_ERR_FORMAT, want);
	free(jpg);
}
END_TEST

START_TEST(test_logo_override)
{
	char *png = tu_path(tmp, "body.png");
	char *missing = tu_path(tmp, "none.png");
	struct sceau_template *t = shipped("coc");
	struct sceau_error err = {0};
	char want[600];

	tu_write(png, png_bytes, sizeof(png_bytes) - 1);
	ck_assert_int_eq(sceau_template_set_logo(t, png, 0, &err), SCEAU_OK);
	ck_assert_str_eq(t->logo, png);
	ck_assert_double_eq_tol(t->logo_w, MM(30), 1e-9);
	ck_assert_int_eq(sceau_template_set_logo(t, png, 42, &err), SCEAU_OK);
	ck_assert_double_eq_tol(t->logo_w, MM(42), 1e-9);
	ck_assert_int_eq(sceau_template_set_logo(t, png, 0, &err), SCEAU_OK);
	ck_assert_double_eq_tol(t->logo_w, MM(42), 1e-9); /* 0 keeps the width */

	ck_assert_int_eq(sceau_template_set_logo(t, png, 120, &err), SCEAU_ERR_INVALID);
	ck_assert_str_eq(err.msg, "bad logo width 120 mm: expected 5 to 100");
	ck_assert_int_eq(sceau_template_set_logo(t, missing, 30, &err), SCEAU_ERR_NOT_FOUND);
	snprintf(want, sizeof(want), "cannot read logo '%s': no such file", missing);
	ck_assert_str_eq(err.msg, want);
	ck_assert_int_eq(sceau_template_set_logo(t, tmp, 30, &err), SCEAU_ERR_ACCESS);
	ck_assert_str_eq(t->logo, png);
	ck_assert_double_eq_tol(t->logo_w, MM(42), 1e-9);
	sceau_template_free(t);
	free(png);
	free(missing);
}
END_TEST

/* ---- find ----------------------------------------------------------------- */

START_TEST(test_template_find)
{
	struct sceau_template *t = NULL;
	struct sceau_error err = {0};
	char *path = NULL, want[600];

	ck_assert_int_eq(sceau_template_find(SCEAU_TEMPLATES, "halal", &path, &err), SCEAU_OK);
	ck_assert_str_eq(path, SCEAU_TEMPLATES "/halal.json");
	ck_assert_int_eq(sceau_template_load(path, &t, &err), SCEAU_OK);
	ck_assert_str_eq(t->type, "halal");
	ck_assert_str_eq(t->dir, SCEAU_TEMPLATES);
	sceau_template_free(t);
	free(path);

	ck_assert_int_eq(sceau_template_find(tmp, "coc", &path, &err), SCEAU_ERR_NOT_FOUND);
	ck_assert_ptr_null(path);
	snprintf(want, sizeof(want), "cannot find template '%s/coc.json': no such file", tmp);
	ck_assert_str_eq(err.msg, want);
	ck_assert_int_eq(sceau_template_find(SCEAU_TEMPLATES, "../templates/coc", &path, &err),
			 SCEAU_ERR_INVALID);
	ck_assert_ptr_null(path);
}
END_TEST

START_TEST(test_template_free_accepts_null)
{
	sceau_template_free(NULL);
}
END_TEST

/* ---- expansion ------------------------------------------------------------ */

START_TEST(test_expand_row_relative_path)
{
	struct sceau_template *t = shipped("coc");
	struct sceau_record *rec = example("coc");

	expands_to(t, rec, "products[3]", "{tariff_code}", "8509400000", 1);
	expands_to(t, rec, "products[3]", "{/number} / {tariff_code}",
		   "ITK-COC-2026-000123 / 8509400000", 1);
	expands_to(t, rec, "dossier.documents[1]", "{tariff_code}", "8516600000", 1);
	/* Without a row the same path is read from the top: absent. */
	expands_to(t, rec, NULL, "{tariff_code}", "", 0);
	expands_to(t, rec, NULL, "{products[4].model}", "CMX-B600", 1);
	/* Past the last row: absent, not an error. */
	expands_to(t, rec, "products[5]", "{tariff_code}", "", 0);
	sceau_record_free(rec);
	sceau_template_free(t);

	t = shipped("halal");
	rec = example("halal");
	expands_to(t, rec, "scope[0]", "- {.}", "- Fabrication de biscuits, gaufrettes et sablés",
		   1);
	sceau_record_free(rec);
	sceau_template_free(t);
}
END_TEST

START_TEST(test_expand_enum_label)
{
	struct sceau_template *t = shipped("coc");
	struct sceau_record *rec = example("coc");

	expands_to(t, rec, "dossier.documents[0]", "{kind|enum:document_kind}", "Facture proforma",
		   1);
	expands_to(t, rec, "dossier.documents[0]", "{kind|enum:document_kind:ar}", "فاتورة أولية",
		   1);
	expands_to(t, rec, "dossier.documents[3]", "{kind|enum:document_kind:en}", "Test report",
		   1);
	expands_to(t, rec, "dossier.documents[3]", "{kind|enum:document_kind:fr}",
		   "Rapport d'essai", 1);
	/* A value the enum lacks shows as is. */
	expands_to(t, rec, "products[0]", "{unit|enum:document_kind}", "pce", 1);
	expands_to(t, rec, NULL, "{route|enum:unit}", "A", 1);
	sceau_record_free(rec);
	sceau_template_free(t);
}
END_TEST

START_TEST(test_expand_enum_en_falls_back_to_french)
{
	json_t *j = tpl_json("coc");
	struct sceau_template *t;
	struct sceau_record *rec = example("coc");

	jset(j, "enums.route.A.en", NULL);
	t = load_json(j);
	expands_to(t, rec, NULL, "{route|enum:route:en}", "A — contrôle de chaque envoi", 1);
	sceau_record_free(rec);
	sceau_template_free(t);
}
END_TEST

START_TEST(test_expand_absent_placeholder_not_present)
{
	struct sceau_template *t = shipped("coc");
	struct sceau_record *rec = example("coc");

	expands_to(t, rec, NULL, "{registration_number}", "", 0);
	expands_to(t, rec, NULL, "N° {registration_number}", "", 0);
	expands_to(t, rec, NULL, "{registration_number}{licence_number}", "", 0);
	expands_to(t, rec, NULL, "{number} {registration_number}", "ITK-COC-2026-000123 ", 1);
	expands_to(t, rec, NULL, "{remarks|enum:route}", "", 0);
	/* Fixed text has no placeholder to miss: always present. */
	expands_to(t, rec, NULL, "Voie", "Voie", 1);
	expands_to(t, rec, NULL, "{{x}}", "{x}", 1);
	sceau_record_free(rec);
	sceau_template_free(t);
}
END_TEST

START_TEST(test_expand_drops_lines_without_values)
{
	struct sceau_template *t = shipped("coc");
	struct sceau_record *rec = example("coc");

	/* Present only when a placeholder had a value: fixed lines around
	 * absent ones do not keep a field. */
	expands_to(t, rec, NULL, "A\n{registration_number}\nB", "A\nB", 0);
	expands_to(t, rec, NULL, "{registration_number}\nB", "B", 0);
	expands_to(t, rec, NULL, "A\n{registration_number}", "A", 0);
	expands_to(t, rec, NULL, "{route}\n{registration_number}\n{licence_number}", "A", 1);
	expands_to(t, rec, NULL, "{registration_number}\n{route}", "A", 1);
	/* Lines without placeholders stay, empty ones too. */
	expands_to(t, rec, NULL, "A\n\nB", "A\n\nB", 1);
	expands_to(t, rec, NULL, "{route}\n\n{licence_number}", "A\n", 1);
	expands_to(t, rec, NULL, "{route}\nICE {licence_number} {route}", "A\nICE  A", 1);
	sceau_record_free(rec);
	sceau_template_free(t);
}
END_TEST

START_TEST(test_expand_vars_looked_up_first)
{
	const char *const v[] = {"issuer", "Intertek Maroc", "number", "X-1", NULL};
	struct sceau_template *t = shipped("coc");
	struct sceau_record *rec = example("coc");
	struct sceau_error err = {0};
	char *out = NULL;
	int present = -1;

	ck_assert_int_eq(sceau_template_expand(t, rec, "products[0]",
					       "{issuer}: {number} {/number}", v, &out, &present,
					       &err),
			 SCEAU_OK);
	ck_assert_str_eq(out, "Intertek Maroc: X-1 ITK-COC-2026-000123");
	ck_assert_int_eq(present, 1);
	free(out);
	/* Without vars, {issuer} is simply absent. */
	ck_assert_int_eq(
		sceau_template_expand(t, rec, NULL, "{issuer}", NULL, &out, &present, &err),
		SCEAU_OK);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(present, 0);
	free(out);
	sceau_record_free(rec);
	sceau_template_free(t);
}
END_TEST

START_TEST(test_expand_literal_braces)
{
	struct sceau_template *t = shipped("coc");
	struct sceau_record *rec = example("coc");

	expands_to(t, rec, NULL, "{{number}} = {number}", "{number} = ITK-COC-2026-000123", 1);
	expands_to(t, rec, NULL, "{{{number}}}", "{ITK-COC-2026-000123}", 1);
	sceau_record_free(rec);
	sceau_template_free(t);
}
END_TEST

START_TEST(test_expand_bad_syntax_is_format_error)
{
	static const char *const bad_values[] = {"{number", "a } b",      "{number|upper}",   "{}",
						 "{/.}",    "{a[12345]}", "{kind|enum:nope}", NULL};
	struct sceau_template *t = shipped("coc");
	struct sceau_record *rec = example("coc");
	struct sceau_error err = {0};

	for (size_t i = 0; bad_values[i]; i++) {
		char *out = (char *)1;
		int present = -1;
		ck_assert_msg(sceau_template_expand(t, rec, NULL, bad_values[i], NULL, &out,
						    &present, &err) == SCEAU_ERR_FORMAT,
			      "%s accepted", bad_values[i]);
		ck_assert_ptr_null(out);
		ck_assert_int_eq(present, -1);
	}
	ck_assert_str_eq(err.msg, "unknown enum 'nope' in '{kind|enum:nope}'");
	sceau_record_free(rec);
	sceau_template_free(t);
}
END_TEST

TU_MAIN("template", setup, teardown, test_template_coc_expands_example,
	test_template_coc_route_b_shows_registration_number, test_template_sections_follow_when,
	test_template_halal_expands_example, test_template_shipped_layout,
	test_template_enums_cover_schema_values, test_template_rejects_unknown_key,
	test_template_rejects_wrong_type, test_template_rejects_missing_key,
	test_template_rejects_fields_the_record_lacks, test_template_rejects_bad_placeholder,
	test_template_rejects_bad_enum, test_template_bad_json_refused,
	test_template_missing_file_not_found, test_template_missing_font_names_package,
	test_template_font_not_truetype_refused,
	test_template_problem_in_text_reported_before_missing_font,
	test_template_page_sizes_in_points, test_template_logo_relative_to_template_dir,
	test_logo_not_png_refused, test_logo_override, test_template_find,
	test_template_free_accepts_null, test_expand_row_relative_path, test_expand_enum_label,
	test_expand_enum_en_falls_back_to_french, test_expand_absent_placeholder_not_present,
	test_expand_drops_lines_without_values, test_expand_vars_looked_up_first,
	test_expand_literal_braces, test_expand_bad_syntax_is_format_error)
