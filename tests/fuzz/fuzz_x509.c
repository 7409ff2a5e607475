/* Certificates and CRLs as sceau reads them (trust directories, signer
 * directories, `pki` commands): PEM or DER, then what the verifier asks of
 * them: programmes, kid, serial, name, the chain to the fixture root and
 * its CRL, and a place in a store. Each input is tried as both. */
#include <stdlib.h>

#include "fuzz.h"
#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sceau_error err = {0};
	static X509 *root;
	X509 *cert = NULL;
	X509_CRL *crl = NULL;
	struct sceau_trust *t = fuzz_fixture_store();

	if (!root && sceau_cert_load(SCEAU_FUZZ_DIR "/trust/root.crt", &root, &err) != SCEAU_OK)
		abort();
	if (sceau_cert_parse(data, size, "fuzz", &cert, &err) == SCEAU_OK) {
		unsigned char kid[SCEAU_KID_LEN];
		char buf[256];
		struct sceau_verdict v;
		(void)sceau_cert_programs(cert);
		(void)sceau_cert_kid(cert, kid, &err);
		(void)sceau_cert_serial_hex(cert, buf, sizeof(buf));
		(void)sceau_cert_cn(cert, buf, sizeof(buf));
		(void)sceau_signer_check(cert, root, NULL, SCEAU_PROGRAM_COC, FUZZ_AT, &v, &err);
		(void)sceau_trust_add_cert(t, cert, &err);
	}
	if (sceau_crl_parse(data, size, "fuzz", &crl, &err) == SCEAU_OK) {
		(void)sceau_crl_number(crl);
		(void)sceau_crl_by_root(crl, root);
		(void)sceau_trust_add_crl(t, crl, &err);
	}
	X509_free(cert);
	X509_CRL_free(crl);
	sceau_trust_free(t);
	return 0;
}
