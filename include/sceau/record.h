/* sceau — certificate records: the JSON requests a certification body
 * sends, validated, and their canonical claim set.
 *
 * A record is one Certificate of Conformity or one Halal certificate. It is
 * parsed from a JSON request (docs/formats.md), validated field by field,
 * completed with defaults (the expiry date), and then read by path
 * ("importer.name", "products[2].tariff_code"). Its canonical claim set is
 * deterministic CBOR with integer keys; the SHA-256 of that encoding is the
 * record digest the signed QR payload carries. */
#ifndef SCEAU_RECORD_H
#define SCEAU_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "export.h"
#include "program.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A document type is the programme it belongs to (same numbers). */
#define SCEAU_DOC_COC   SCEAU_PROGRAM_COC
#define SCEAU_DOC_HALAL SCEAU_PROGRAM_HALAL

/* Largest JSON request accepted. */
#define SCEAU_REQUEST_MAX ((size_t)1 << 20)

/* Validity: a CoC for at most 3 months from issue (DESIGN.md), a Halal
 * certificate for at most 3 years; without an expiry date, the maximum. */
#define SCEAU_COC_VALID_MONTHS   3
#define SCEAU_HALAL_VALID_MONTHS 36

struct sceau_record;

/* Parse and validate a JSON request of `len` bytes. On failure the error is
 * SCEAU_ERR_FORMAT (not JSON) or SCEAU_ERR_INVALID (a field), and its
 * message starts with the JSON path and says what was expected:
 * "products[3].tariff_code: expected 10 digits (...), got '85166'".
 * *out: caller frees with sceau_record_free. */
SCEAU_EXPORT enum sceau_err sceau_record_parse(const char *json, size_t len,
					       struct sceau_record **out, /* OUT */
					       struct sceau_error *err);

/* sceau_record_parse on a file's contents (at most SCEAU_REQUEST_MAX). */
SCEAU_EXPORT enum sceau_err sceau_record_load(const char *path, struct sceau_record **out, /* OUT */
					      struct sceau_error *err);

SCEAU_EXPORT void sceau_record_free(struct sceau_record *rec);

/* Give the record its certificate number (a register assigns it): checked
 * like a request's `number` (SCEAU_ERR_INVALID), replacing any number it
 * had; NULL removes it. A record needs a number before claims, a QR
 * payload or a PDF can be made from it. */
SCEAU_EXPORT enum sceau_err sceau_record_set_number(struct sceau_record *rec, const char *number,
						    struct sceau_error *err);
/* The same for `supersedes`, the certificate a revision replaces (it may
 * not be the record's own number). */
SCEAU_EXPORT enum sceau_err
sceau_record_set_supersedes(struct sceau_record *rec, const char *number, struct sceau_error *err);

/* The document type (SCEAU_DOC_COC or SCEAU_DOC_HALAL). */
SCEAU_EXPORT enum sceau_program sceau_record_type(const struct sceau_record *rec);

/* The text at a path ("number", "importer.ice", "products[0].quantity",
 * "scope[1]"), with defaults filled in, or NULL when the path holds no
 * text (absent optional field, object, array, out of range). The string
 * belongs to the record. */
SCEAU_EXPORT const char *sceau_record_get(const struct sceau_record *rec, const char *path);

/* The number of items in the array at `path` ("products"), 0 when absent. */
SCEAU_EXPORT size_t sceau_record_count(const struct sceau_record *rec, const char *path);

/* The record as normalized JSON (defaults filled in, keys in schema order,
 * UTF-8, ending in a newline): what a PDF embeds as certificate.json.
 * *out: caller frees with free. */
SCEAU_EXPORT enum sceau_err sceau_record_to_json(const struct sceau_record *rec,
						 char **out, /* OUT */
						 struct sceau_error *err);

/* The canonical claim set: deterministic CBOR (RFC 8949 4.2.1) of the whole
 * record with the integer keys of docs/formats.md. *out: caller frees. */
SCEAU_EXPORT enum sceau_err sceau_record_claims(const struct sceau_record *rec,
						unsigned char **out, /* OUT */
						size_t *out_len,     /* OUT */
						struct sceau_error *err);

/* SHA-256 of the canonical claim set into digest[32]. */
SCEAU_EXPORT enum sceau_err sceau_record_digest(const struct sceau_record *rec,
						unsigned char digest[32], /* OUT */
						struct sceau_error *err);

/* ICE check (DESIGN.md): 15 digits whose number is divisible by 97. */
SCEAU_EXPORT int sceau_ice_valid(const char *ice);

#ifdef __cplusplus
}
#endif
#endif
