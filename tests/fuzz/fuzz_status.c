/* A document status list (a `*.status` file, or one inside a bundle):
 * decoded, looked up, and added to a store, which checks its signature.
 *
 * Each input is also taken as a list's payload and signed by the
 * in-memory signer, so the fuzzer reaches what a store does with a
 * well-signed list: the sequence rules, the body's name, the look-ups. */
#include <stdlib.h>

#include "fuzz.h"

static void lookups(const struct sceau_trust *t, const char *issuer)
{
	struct sceau_doc_status st;
	struct sceau_verdict v = {SCEAU_VERDICT_VALID, "", ""};

	sceau_trust_doc_status(t, issuer, "DEMO-COC-2026-000001", FUZZ_AT, &st, &v);
	v = (struct sceau_verdict){SCEAU_VERDICT_VALID, "", ""};
	sceau_trust_doc_status(t, issuer, "A", FUZZ_AT, &st, &v);
	v = (struct sceau_verdict){SCEAU_VERDICT_VALID, "", ""};
	sceau_trust_doc_status(t, issuer, "ZZZZZZZZ", FUZZ_AT + 400 * 86400, &st, &v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct fuzz_pki *pki = fuzz_pki();
	struct sceau_error err = {0};
	struct sceau_status *s = NULL;
	struct sceau_trust *t = NULL;
	unsigned char *cose = NULL;
	size_t cose_len = 0;

	if (sceau_status_decode(data, size, &s, &err) == SCEAU_OK) {
		(void)sceau_status_find(s, "DEMO-COC-2026-000001");
		(void)sceau_status_find(s, "");
		sceau_status_free(s);
	}
	t = fuzz_fixture_store();
	if (sceau_trust_add_status(t, data, size, &err) == SCEAU_OK)
		lookups(t, "DEMO Inspection Body");
	sceau_trust_free(t);

	/* The input as the payload of a list the in-memory signer signed. */
	if (sceau_cose_sign_typed(data, size, pki->signer_key, pki->signer_kid, SCEAU_KID_LEN,
				  SCEAU_STATUS_CTYPE, &cose, &cose_len, &err) == SCEAU_OK) {
		t = fuzz_pki_store();
		if (sceau_trust_add_status(t, cose, cose_len, &err) == SCEAU_OK) {
			lookups(t, "Fuzz Body");
			/* The same list again: not newer, refused or kept, never both. */
			(void)sceau_trust_add_status(t, cose, cose_len, &err);
			lookups(t, "Fuzz Body");
		}
		sceau_trust_free(t);
	}
	free(cose);
	return 0;
}
