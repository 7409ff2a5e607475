/* sceau — verdicts: what verification concluded, kept apart from errors.
 *
 * A verification function returns SCEAU_OK when it could reach a conclusion
 * and puts the conclusion here; "the certificate is revoked" is a verdict,
 * "the CRL file cannot be read" is an error. */
#ifndef SCEAU_VERDICT_H
#define SCEAU_VERDICT_H

#include "export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Values are API: never renumber, only append. The names (see
 * sceau_verdict_name) are the stable `verdict` values of --json output. */
enum sceau_verdict_code {
	SCEAU_VERDICT_VALID = 0,
	SCEAU_VERDICT_INVALID = 1,       /* forged, malformed or inconsistent */
	SCEAU_VERDICT_MODIFIED = 2,      /* changed after signing */
	SCEAU_VERDICT_UNTRUSTED = 3,     /* no trust anchor vouches for it, or not authorised */
	SCEAU_VERDICT_REVOKED = 4,       /* the signer or document is revoked */
	SCEAU_VERDICT_EXPIRED = 5,       /* past its validity */
	SCEAU_VERDICT_NOT_YET_VALID = 6, /* before its validity */
	SCEAU_VERDICT_SUSPENDED = 7,     /* the document is suspended (status list) */
	SCEAU_VERDICT_SUPERSEDED = 8     /* the document was replaced by a revision */
};

#define SCEAU_VERDICT_REASON_MAX 256

/* Caller-owned. `reason` is one line in the style of error messages.
 * `warning` is "" or one line a person should read although it does not
 * change the verdict (a status list past its next update, within grace;
 * no status list for the issuing body). */
struct sceau_verdict {
	enum sceau_verdict_code code;
	char reason[SCEAU_VERDICT_REASON_MAX];
	char warning[SCEAU_VERDICT_REASON_MAX];
};

/* snake_case name of a verdict ("valid", "not_yet_valid"). Never NULL. */
SCEAU_EXPORT const char *sceau_verdict_name(enum sceau_verdict_code code);

#ifdef __cplusplus
}
#endif
#endif
