/* QR text: prefix, Base45, zlib, COSE_Sign1, CWT claims, then the
 * verdict against the fixture store.
 *
 * zlib's checksum stops most mutations of a real QR text at the
 * decompressor, so each input is also taken as the COSE bytes themselves:
 * wrapped into a QR text (zlib + Base45 + prefix) and verified, which puts
 * the fuzzer's mutations straight into the CBOR and COSE decoders. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

static void verify_text(const char *text, size_t len)
{
	struct sceau_payload *p = NULL;
	struct sceau_verdict v;
	struct sceau_error err = {0};

	if (sceau_payload_decode(text, len, NULL, &p, &err) == SCEAU_OK)
		sceau_payload_free(p);
	p = NULL;
	sceau_payload_verify(text, len, fuzz_trust(), FUZZ_AT, &p, &v, &err);
	sceau_payload_free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sceau_error err = {0};
	struct sceau_cose *c = NULL;
	char *text = NULL;

	verify_text((const char *)data, size);

	if (sceau_cose_decode(data, size, &c, &err) == SCEAU_OK)
		sceau_cose_free(c);
	if (sceau_qr_wrap(data, size, NULL, &text, &err) == SCEAU_OK)
		verify_text(text, strlen(text));
	free(text);
	return 0;
}
