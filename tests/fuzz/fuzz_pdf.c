/* A received PDF, as `sceau verify FILE.pdf` checks it: structure,
 * signatures, the embedded certificate and its QR payload, against the
 * fixture store. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sceau_pdf_report *r = NULL;
	struct sceau_error err = {0};

	sceau_pdf_verify(data, size, fuzz_trust(), FUZZ_AT, &r, &err);
	sceau_pdf_report_free(r);
	return 0;
}
