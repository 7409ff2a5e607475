/* sceau — certification programmes a signer may be authorised for.
 *
 * A signer certificate names the programmes it may sign as extended key
 * usages under the project's OID arc (DESIGN.md, "Programme authorisation"):
 * SCEAU_PROGRAM_OID_ARC ".1.N" where N is the programme's number. Further
 * programmes take the next numbers; numbers are never reused. */
#ifndef SCEAU_PROGRAM_H
#define SCEAU_PROGRAM_H

#include "error.h"
#include "export.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SCEAU_OID_ARC         "2.25.126753321991432516554478597059127966795"
#define SCEAU_PROGRAM_OID_ARC SCEAU_OID_ARC ".1"

/* The value is the programme's number under SCEAU_PROGRAM_OID_ARC. */
enum sceau_program {
	SCEAU_PROGRAM_ANY = 0,  /* checks only: no programme named, authorisation not judged */
	SCEAU_PROGRAM_COC = 1,  /* Certificate of Conformity (VoC) */
	SCEAU_PROGRAM_HALAL = 2 /* IMANOR Halal certification */
};

/* A set of programmes as a bit mask; bit N stands for programme number N. */
#define SCEAU_PROGRAM_BIT(p) (1u << (unsigned)(p))

/* Short lowercase name ("coc", "halal"), or NULL for an unknown value. */
SCEAU_EXPORT const char *sceau_program_name(enum sceau_program p);

/* Dotted OID text of the programme's extended key usage, or NULL. */
SCEAU_EXPORT const char *sceau_program_oid(enum sceau_program p);

/* Look a programme up by name. Returns SCEAU_OK, or SCEAU_ERR_INVALID with a
 * message naming the unknown programme and the known ones. */
SCEAU_EXPORT enum sceau_err sceau_program_from_name(const char *name,
						    enum sceau_program *out, /* OUT */
						    struct sceau_error *err);

/* Parse a comma-separated list ("coc,halal") into a mask. Empty items, unknown
 * names and names given twice are SCEAU_ERR_INVALID. */
SCEAU_EXPORT enum sceau_err sceau_program_parse_list(const char *list, unsigned *mask, /* OUT */
						     struct sceau_error *err);

/* Write the mask as "coc,halal" into buf (always NUL-terminated when
 * len > 0). Returns the length the full text needs, like snprintf. */
SCEAU_EXPORT size_t sceau_program_list_format(unsigned mask, char *buf, size_t len);

/* Every known programme in number order; *count receives how many. */
SCEAU_EXPORT const enum sceau_program *sceau_program_all(size_t *count /* OUT */);

#ifdef __cplusplus
}
#endif
#endif
