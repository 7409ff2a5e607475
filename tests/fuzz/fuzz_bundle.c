/* A trust bundle (`sceau trust install`, `verify --trust FILE`): decoded,
 * then loaded, which checks the root's signature and every item.
 *
 * Each input is also taken as a bundle's payload signed by the in-memory
 * root, so the fuzzer reaches the items behind the signature: the
 * certificates, CRLs and status lists a bundle carries. */
#include <stdlib.h>

#include "fuzz.h"

static void load(const unsigned char *buf, size_t len)
{
	struct sceau_error err = {0};
	struct sceau_bundle *b = NULL;
	struct sceau_trust *t = NULL;
	struct sceau_bundle_info info;

	if (sceau_bundle_decode(buf, len, &b, &err) == SCEAU_OK)
		sceau_bundle_free(b);
	if (sceau_bundle_load(buf, len, NULL, &t, &info, &err) == SCEAU_OK) {
		struct sceau_doc_status st;
		struct sceau_verdict v = {SCEAU_VERDICT_VALID, "", ""};
		size_t roots, signers, crls;
		sceau_trust_counts(t, &roots, &signers, &crls);
		sceau_trust_doc_status(t, "Fuzz Body", "DEMO-COC-2026-000001", FUZZ_AT, &st, &v);
	}
	sceau_trust_free(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct fuzz_pki *pki = fuzz_pki();
	struct sceau_error err = {0};
	unsigned char *cose = NULL;
	size_t cose_len = 0;

	load(data, size);
	if (sceau_cose_sign_typed(data, size, pki->root_key, pki->root_kid, SCEAU_KID_LEN,
				  SCEAU_BUNDLE_CTYPE, &cose, &cose_len, &err) == SCEAU_OK)
		load(cose, cose_len);
	free(cose);
	return 0;
}
