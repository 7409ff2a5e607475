/* sceau — errors as values.
 *
 * Every fallible library call returns an enum sceau_err and, when the caller
 * passes a struct sceau_error, fills it with a one-line message in the
 * project's style: the problem first, the subject in quotes, lowercase, no
 * full stop ("cannot read certificate 'r/root.crt': no such file").
 *
 * An error means the operation could not be carried out. Whether a document
 * or certificate is acceptable is a verdict (see verdict.h), never an error.
 * The library never prints and never exits. */
#ifndef SCEAU_ERROR_H
#define SCEAU_ERROR_H

#include <stddef.h>
#include "export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Values are API: never renumber, only append. */
enum sceau_err {
	SCEAU_OK = 0,
	SCEAU_ERR_INVALID = 1,    /* an argument or field has a bad value */
	SCEAU_ERR_NOT_FOUND = 2,  /* an input file or directory is missing */
	SCEAU_ERR_EXISTS = 3,     /* the output exists and force was not given */
	SCEAU_ERR_FORMAT = 4,     /* input is malformed or of the wrong kind */
	SCEAU_ERR_PASSPHRASE = 5, /* a key could not be decrypted */
	SCEAU_ERR_MISMATCH = 6,   /* inputs do not belong together */
	SCEAU_ERR_STATE = 7,      /* the request conflicts with current state */
	SCEAU_ERR_ACCESS = 8,     /* an input cannot be read (permissions) */
	SCEAU_ERR_IO = 9,         /* a system call failed while writing/syncing */
	SCEAU_ERR_NOMEM = 10,     /* out of memory */
	SCEAU_ERR_CRYPTO = 11,    /* the crypto library failed unexpectedly */
	SCEAU_ERR_INTERNAL = 12   /* a bug: an invariant did not hold */
};

#define SCEAU_ERROR_MSG_MAX 512

/* Caller-owned; zero-initialise or use sceau_error_clear(). */
struct sceau_error {
	enum sceau_err code;
	char msg[SCEAU_ERROR_MSG_MAX];
};

/* Short static text for a code, e.g. "file not found". Never NULL. */
SCEAU_EXPORT const char *sceau_strerror(enum sceau_err code);

/* Reset an error struct to SCEAU_OK with an empty message. NULL is ignored. */
SCEAU_EXPORT void sceau_error_clear(struct sceau_error *err);

/* Non-zero when the code describes bad input from the caller or user (the
 * command line maps these to exit status 2), zero for system and internal
 * failures (exit status 3) and for SCEAU_OK. */
SCEAU_EXPORT int sceau_err_is_input(enum sceau_err code);

#ifdef __cplusplus
}
#endif
#endif
