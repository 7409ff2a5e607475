/* sceau — document templates: the declarative description of a
 * certificate's PDF pages (docs/templates.md), parsed and validated here,
 * laid out by render.c. Internal: nothing here is exported.
 *
 * A template is checked whole at load time: keys, types and ranges, the
 * fonts and the logo on disk, and every placeholder against the record
 * schema of its type. So a template that loads binds only fields a record
 * can hold, and sceau_template_expand never fails on its strings. */
#ifndef SCEAU_TEMPLATE_INT_H
#define SCEAU_TEMPLATE_INT_H

#include <stddef.h>

#include "internal.h"

/* Largest template file accepted. */
#define SCEAU_TEMPLATE_MAX ((size_t)256 << 10)

#define SCEAU_PT_PER_MM       (72.0 / 25.4)
#define SCEAU_LOGO_DEFAULT_MM 30.0 /* logo width when none is given */

/* Text in the document's languages. fr and ar are set for every label and
 * title that the template gives; en is NULL when the template has none. An
 * optional text the template leaves out (a section without a heading, no
 * subtitle) has all three NULL. */
struct tpl_text {
	char *fr, *ar, *en;
};

struct tpl_font {
	char *file; /* path of a TrueType file (absolute, or resolved against the template's dir) */
	char *package; /* the Debian package that ships it, or NULL */
};

enum tpl_font_role {
	TPL_FONT_REGULAR,
	TPL_FONT_BOLD,
	TPL_FONT_ARABIC,
	TPL_FONT_ARABIC_BOLD,
	TPL_FONT_COUNT
};

enum tpl_align { TPL_ALIGN_START, TPL_ALIGN_END, TPL_ALIGN_CENTER };

/* A field of a "fields" section, or a column of a "table". */
struct tpl_field {
	struct tpl_text label; /* fixed text: never expanded */
	char *value;           /* value template, e.g. "{importer.name}\nICE {importer.ice}" */
	double width;          /* table column: relative width (1..100); fields: 0 */
	enum tpl_align align;  /* "start" (default), "end", "center" */
	int span;              /* fields: columns spanned (1..the section's columns); table: 1 */
};

enum tpl_kind { TPL_FIELDS, TPL_TABLE, TPL_LIST, TPL_TEXT };

struct tpl_section {
	enum tpl_kind kind;
	struct tpl_text title; /* heading, fixed text; all NULL when the section has none */
	int columns;           /* TPL_FIELDS: grid columns (1..4); others 0 */
	char *rows;  /* TPL_TABLE / TPL_LIST: path of an array in the record ("products") */
	char *value; /* TPL_LIST: value template per row, relative to the row */
	struct tpl_field *fields; /* TPL_FIELDS: the fields; TPL_TABLE: the columns */
	size_t nfields;
	struct tpl_text
		text;     /* TPL_TEXT: a paragraph per language, value templates (absolute paths) */
	int when_present; /* the template gave "when" */
	char *when; /* a record path to text or an array: skip the section when it holds nothing */
};

struct tpl_enum_value {
	char *key; /* the record's value ("proforma_invoice") */
	struct tpl_text text;
};

struct tpl_enum {
	char *name; /* [a-z0-9_]+, used as "{path|enum:NAME}" */
	struct tpl_enum_value *values;
	size_t nvalues;
};

struct sceau_template {
	char *path, *dir;      /* the file as given and its directory ("." when none) */
	char *type;            /* "coc" or "halal": the record type it renders */
	double page_w, page_h; /* points (1 mm = 72/25.4 pt) */
	double margin[4];      /* top, right, bottom, left, in points */
	struct tpl_font fonts[TPL_FONT_COUNT];
	char *logo;               /* path of a PNG file (checked), or NULL */
	double logo_w;            /* points; 0 without a logo */
	struct tpl_text title;    /* fixed text, required */
	struct tpl_text subtitle; /* fixed text, optional */
	struct tpl_text footer;   /* value templates (absolute paths), optional: how to verify */
	double qr_w;              /* points, at least 30 mm */
	char qr_ecc;              /* 'L', 'M', 'Q' or 'H' */
	struct tpl_section *sections;
	size_t nsections;
	struct tpl_enum *enums;
	size_t nenums;
};

/* Variables a template may name besides record fields; the engine passes
 * their values to sceau_template_expand. "issuer": the certification body
 * (from the signer's certificate). NULL-terminated. */
extern const char *const sceau_template_vars[];

/* Load and validate the template at `path`. Relative font and logo paths
 * are resolved against the template's directory. Errors:
 * SCEAU_ERR_NOT_FOUND when the file, a font or the logo is missing (a
 * missing font names the Debian package that ships it), SCEAU_ERR_FORMAT
 * for bad JSON or a bad template, the message naming the JSON path:
 * "template 'templates/coc.json': sections[2].columns[1].width: expected a
 * number from 1 to 100". *out: caller frees with sceau_template_free. */
enum sceau_err sceau_template_load(const char *path, struct sceau_template **out, /* OUT */
				   struct sceau_error *err);

/* NULL is ignored. */
void sceau_template_free(struct sceau_template *t);

/* The template for a record type in `dir`: "<dir>/<type>.json", which
 * must exist (SCEAU_ERR_NOT_FOUND otherwise). *path_out: caller frees. */
enum sceau_err sceau_template_find(const char *dir, const char *type, char **path_out, /* OUT */
				   struct sceau_error *err);

/* Replace the template's logo (the CLI's --logo): `png_path` is used as
 * given and must be a PNG file. `width_mm` 5..100, or 0 to keep the
 * template's logo width (30 mm when it has no logo). On failure the
 * template is unchanged. */
enum sceau_err sceau_template_set_logo(struct sceau_template *t, const char *png_path,
				       double width_mm, struct sceau_error *err);

/* Expand a value template against a record into *out (caller frees).
 *
 * "{path}" is the record's text at path; relative to `row` when row is
 * not NULL ("products[3]" + "{tariff_code}" reads
 * "products[3].tariff_code"; "{.}" is the row itself, for arrays of text);
 * a leading "/" makes it absolute ("{/number}"). `vars` (may be NULL) is a
 * NULL-terminated list of name/value pairs ({"issuer", "Intertek Maroc",
 * NULL}) looked up first, by the placeholder as written. "{path|enum:NAME}"
 * maps the value through the template's enum NAME (French; ":ar" or ":en"
 * after NAME picks another language, English falling back to French); a
 * value the enum lacks shows as is. "{{" and "}}" are literal braces.
 *
 * A placeholder without a value expands to nothing, and a line (up to
 * "\n") whose placeholders all lack values is dropped with its line break.
 * *present: 1 when at least one placeholder had a value or the string has
 * no placeholder at all (fixed text), else 0 (the engine drops the field).
 *
 * Strings of a loaded template never fail here; other strings may:
 * SCEAU_ERR_FORMAT for bad placeholder syntax or an unknown enum. */
enum sceau_err sceau_template_expand(const struct sceau_template *t, const struct sceau_record *rec,
				     const char *row, const char *value, const char *const *vars,
				     char **out,   /* OUT */
				     int *present, /* OUT, may be NULL */
				     struct sceau_error *err);

/* 1 when section `s` is to be shown for `rec`: it has no "when", or its
 * "when" path holds text or a non-empty array. */
int sceau_template_shows(const struct sceau_record *rec, const struct tpl_section *s);

/* template_files.c: a font must be a TrueType file (SCEAU_ERR_NOT_FOUND
 * naming f->package when missing, SCEAU_ERR_FORMAT for another format); a
 * logo a PNG file ("logo 'x.jpg' is not a PNG file"). */
enum sceau_err sceau_tpl_check_font(const struct tpl_font *f, struct sceau_error *err);
enum sceau_err sceau_tpl_check_png(const char *path, struct sceau_error *err);

/* ---- placeholder scanner, shared by load-time checks and expansion ---- */

enum tpl_piece_kind { TPL_P_END, TPL_P_TEXT, TPL_P_NEWLINE, TPL_P_HOLE, TPL_P_ERROR };

enum tpl_lang { TPL_LANG_FR, TPL_LANG_AR, TPL_LANG_EN };

struct tpl_piece {
	enum tpl_piece_kind kind;
	size_t at;             /* offset of the piece in the string */
	const char *s;         /* TEXT: literal bytes; HOLE: the path, without '/' */
	size_t n;              /* their length */
	int absolute;          /* HOLE: written "{/path}" */
	const char *enum_name; /* HOLE: NAME of "|enum:NAME", else NULL */
	size_t enum_n;
	enum tpl_lang lang; /* HOLE with an enum: the language asked for */
	const char *why;    /* ERROR: what is wrong, for a message */
};

/* Read the piece of `s` at *pos into *pc and advance *pos past it.
 * Paths are "." or a name ([A-Za-z0-9_]+) followed by ".name" and "[N]"
 * steps, at most SCEAU_TPL_PATH_MAX bytes. */
#define SCEAU_TPL_PATH_MAX 128
void sceau_tpl_scan(const char *s, size_t *pos, struct tpl_piece *pc);

/* The length of the path at the start of s: "." (when followed by '}' or
 * '|') or name(.name|[N])*; 0 when s starts with no well-formed path, and
 * then *why says what is wrong. */
size_t sceau_tpl_path_len(const char *s, const char **why);

/* The enum `name` (n bytes) of t, or NULL. */
const struct tpl_enum *sceau_tpl_enum(const struct sceau_template *t, const char *name, size_t n);

#endif
