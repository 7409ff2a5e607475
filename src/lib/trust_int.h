/* sceau — the trust store's insides, for the verifiers. Internal. */
#ifndef SCEAU_TRUST_INT_H
#define SCEAU_TRUST_INT_H

#include "internal.h"

struct sceau_trust_signer {
	X509 *cert;
	unsigned char kid[SCEAU_KID_LEN];
};

struct sceau_trust {
	X509 **roots;
	size_t nroots, caproots;
	struct sceau_trust_signer *signers;
	size_t nsigners, capsigners;
	X509_CRL **crls;
	size_t ncrls, capcrls;
};

/* The newest CRL issued and signed by `root` (highest CRL number), or NULL. */
X509_CRL *sceau_trust_crl_for(const struct sceau_trust *t, X509 *root);

/* Judge signer certificate `cert` for `program` at `at` against the
 * store: the first root that issued and signed it decides, with that
 * root's newest CRL (sceau_signer_check). No such root, or no CRL for it,
 * is `untrusted`. Errors only when the check could not run. */
enum sceau_err sceau_trust_judge(const struct sceau_trust *t, X509 *cert, enum sceau_program type,
				 time_t at, struct sceau_verdict *v, struct sceau_error *err);

#endif
