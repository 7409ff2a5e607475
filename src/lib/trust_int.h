/* sceau — the trust store's insides, for the verifiers. Internal. */
#ifndef SCEAU_TRUST_INT_H
#define SCEAU_TRUST_INT_H

#include <pthread.h>

#include "internal.h"

struct sceau_trust_signer {
	X509 *cert;
	unsigned char kid[SCEAU_KID_LEN];
};

/* What a judgement of a signer under a root found that does not depend on
 * time or on the CRL: whether the root signed it, and its path verdict
 * (sceau_signer_path). Remembered so that verifying thousands of documents
 * from one body checks the certificate signatures once. */
struct sceau_trust_memo {
	X509 *cert;
	X509 *root;
	int signed_by_root;
	struct sceau_verdict path;
};
#define SCEAU_TRUST_MEMO 32

/* A CRL found signed by a root. */
struct sceau_trust_crl_ok {
	const X509_CRL *crl;
	const X509 *root;
};

struct sceau_trust {
	X509 **roots;
	size_t nroots, caproots;
	struct sceau_trust_signer *signers;
	size_t nsigners, capsigners;
	X509_CRL **crls;
	size_t ncrls, capcrls;
	/* Judgements remembered (a ring), and the CRLs whose signature by
	 * their root verified; guarded by `lock`, as verifiers share a store
	 * between threads. */
	pthread_mutex_t lock;
	struct sceau_trust_memo memo[SCEAU_TRUST_MEMO];
	size_t nmemo, next_memo;
	struct sceau_trust_crl_ok crl_ok[SCEAU_TRUST_MEMO];
	size_t ncrl_ok;
	/* Document status lists, one per body (the highest sequence), each
	 * verified when added. */
	struct sceau_status **status;
	size_t nstatus, capstatus;
};

/* The newest CRL issued and signed by `root` (highest CRL number), or NULL.
 * A CRL's signature is checked once per store and root, then remembered. */
X509_CRL *sceau_trust_crl_for(const struct sceau_trust *t, X509 *root);

/* Judge signer certificate `cert` for `program` at `at` against the
 * store: the first root that issued and signed it decides, with that
 * root's newest CRL (sceau_signer_check). No such root, or no CRL for it,
 * is `untrusted`. Errors only when the check could not run. */
enum sceau_err sceau_trust_judge(const struct sceau_trust *t, X509 *cert, enum sceau_program type,
				 time_t at, struct sceau_verdict *v, struct sceau_error *err);

/* How serious a verdict is, to pick the one that speaks for several
 * (signatures of a PDF; a document's own verdict and its status): invalid,
 * modified, revoked, untrusted, suspended, superseded, expired,
 * not_yet_valid, valid (0). */
int sceau_verdict_severity(enum sceau_verdict_code c);

/* status.c: sceau_status_decode, also giving the COSE fields needed to
 * verify the list's signature (alg, kid, protected header, payload and
 * signature) in *c. c's pointers are borrowed from (*out)->raw: never
 * sceau_cose_free it. head_only: everything checked and read but the
 * entries, which are left out (n_entries 0) and cost no memory. */
enum sceau_err sceau_status_decode_cose(const unsigned char *buf, size_t len, int head_only,
					struct sceau_status **out, /* OUT */
					struct sceau_cose *c,      /* OUT */
					struct sceau_error *err);

#endif
