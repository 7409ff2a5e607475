/* sceau — the record schema, shared by parsing (record.c), cross-field
 * checks (record_check.c) and the canonical claims (claims.c). Internal. */
#ifndef SCEAU_RECORD_INT_H
#define SCEAU_RECORD_INT_H

#include <jansson.h>

#include "internal.h"

enum rkind { R_TEXT, R_OBJECT, R_ARRAY };

#define R_REQUIRED  1u
#define R_MULTILINE 2u /* text may hold line breaks */
#define R_BYTES     4u /* canonical claims carry the value as bytes (hex in JSON) */
#define R_UINT      8u /* canonical claims carry the value as its number (type) */

/* A value check for text fields: returns 1 when `s` is acceptable, else 0
 * with what was expected ("10 digits") in `expect`. */
struct rcheck {
	const char *what; /* for docs: "10 digits" */
	int (*ok)(const char *s);
};

/* One field of an object, or the element of an array (name NULL). */
struct rfield {
	const char *name;
	unsigned key; /* integer key in the canonical claims, ascending per table */
	enum rkind kind;
	unsigned flags;
	unsigned min, max;          /* text: characters; array: items */
	const struct rfield *sub;   /* object: fields (ending {0}); array: its element */
	const struct rcheck *check; /* text: value check, NULL for free text */
	const char *doc;            /* one line for docs/formats.md */
};

struct sceau_record {
	enum sceau_program type;
	const struct rfield *schema; /* top-level fields of this type */
	json_t *doc;                 /* validated, normalized, defaults filled */
};

/* The top-level fields for a document type; NULL for an unknown type. */
const struct rfield *sceau_schema_for(enum sceau_program type);
/* Document type by its JSON name ("coc"), 0 when unknown. */
enum sceau_program sceau_schema_type(const char *name);

/* record_check.c: checks across fields, and defaults. Fills the error with
 * the JSON path first. */
enum sceau_err sceau_record_check(struct sceau_record *rec, struct sceau_error *err);

/* iso_codes.c */
int sceau_iso_country(const char *code);
int sceau_iso_currency(const char *code);

/* Code points no text field may hold: C1 controls, bidirectional
 * embeddings, overrides and isolates (they reorder what a customs officer
 * reads), line and paragraph separators, and the byte order mark. */
int sceau_cp_forbidden(unsigned cp);
/* Spaces that may not start or end a field (U+00A0, U+2000..U+200B, ...). */
int sceau_cp_space(unsigned cp);

/* Number of UTF-8 code points in s (s is valid UTF-8). */
size_t sceau_utf8_len(const char *s);

/* Quote a value for a message: at most `max` characters, control
 * characters escaped, into buf. */
void sceau_quote(const char *s, char *buf, size_t len);

/* Decimal strings: 1 when s is "0" or [1-9][0-9]{0,14} with an optional
 * fraction of 1..6 digits; *positive set when it is above zero. */
int sceau_decimal_ok(const char *s, int *positive);

/* Value checks shared with the QR claims decoder (record_schema.c). */
int sceau_check_number(const char *s);
int sceau_check_tariff(const char *s);
int sceau_check_country(const char *s);
int sceau_check_unit(const char *s);
int sceau_check_amount(const char *s);
int sceau_check_route(const char *s);
int sceau_check_halal_standard(const char *s);
#endif
