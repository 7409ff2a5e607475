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

#endif
