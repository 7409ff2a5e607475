/* A JSON request (what `sceau issue --in` reads): the schema, then what
 * issuing does with a record before rendering: its claims, its digest, its
 * JSON, and a signed QR payload (within the budget, lines dropped when
 * over) decoded back. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct fuzz_pki *pki = fuzz_pki();
	struct sceau_error err = {0};
	struct sceau_record *rec = NULL;
	struct sceau_payload *p = NULL;
	unsigned char *claims = NULL, digest[32];
	size_t claims_len = 0;
	char *json = NULL, *text = NULL;

	if (sceau_record_parse((const char *)data, size, &rec, &err) != SCEAU_OK)
		return 0;
	(void)sceau_record_type(rec);
	(void)sceau_record_get(rec, "number");
	(void)sceau_record_count(rec, "lines");
	if (sceau_record_to_json(rec, &json, &err) == SCEAU_OK && json) {
		/* What a record writes, it reads back. */
		struct sceau_record *again = NULL;
		if (sceau_record_parse(json, strlen(json), &again, &err) != SCEAU_OK)
			abort();
		sceau_record_free(again);
	}
	if (!sceau_record_get(rec, "number") &&
	    sceau_record_set_number(rec, "FUZZ-COC-2026-000001", &err) != SCEAU_OK)
		goto out;
	if (sceau_record_claims(rec, &claims, &claims_len, &err) != SCEAU_OK ||
	    sceau_record_digest(rec, digest, &err) != SCEAU_OK)
		goto out;
	if (sceau_payload_encode(rec, pki->signer, pki->signer_key, FUZZ_AT - 3600, NULL, 0, &text,
				 &err) == SCEAU_OK) {
		struct sceau_verdict v;
		/* What we sign, we verify: a payload we made must come back. */
		if (sceau_payload_verify(text, strlen(text), pki->trust, FUZZ_AT, &p, &v, &err) !=
			    SCEAU_OK ||
		    !p || strcmp(p->number, sceau_record_get(rec, "number")) != 0 ||
		    memcmp(p->digest, digest, sizeof(digest)) != 0)
			abort();
	}
out:
	sceau_payload_free(p);
	free(text);
	free(claims);
	free(json);
	sceau_record_free(rec);
	return 0;
}
