/* The fuzz targets' fixtures: see fuzz.h. */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"
#include "internal.h"

static void die(const char *what, const struct sceau_error *err)
{
	fprintf(stderr, "fuzz fixture: %s: %s\n", what, err ? err->msg : "");
	abort();
}

const struct sceau_trust *fuzz_trust(void)
{
	static struct sceau_trust *t;
	struct sceau_error err = {0};

	if (!t && sceau_trust_load_dir(SCEAU_FUZZ_DIR "/trust", &t, &err) != SCEAU_OK)
		die("cannot load " SCEAU_FUZZ_DIR "/trust", &err);
	return t;
}

struct sceau_trust *fuzz_fixture_store(void)
{
	static X509 *root, *signer;
	static X509_CRL *crl;
	struct sceau_trust *t = NULL;
	struct sceau_error err = {0};

	if (!root &&
	    (sceau_cert_load(SCEAU_FUZZ_DIR "/trust/root.crt", &root, &err) != SCEAU_OK ||
	     sceau_cert_load(SCEAU_FUZZ_DIR "/trust/demo-body.crt", &signer, &err) != SCEAU_OK ||
	     sceau_crl_load(SCEAU_FUZZ_DIR "/trust/root.crl", &crl, &err) != SCEAU_OK))
		die("cannot load the fixture's certificates", &err);
	if (sceau_trust_new(&t, &err) != SCEAU_OK ||
	    sceau_trust_add_cert(t, root, &err) != SCEAU_OK ||
	    sceau_trust_add_cert(t, signer, &err) != SCEAU_OK ||
	    sceau_trust_add_crl(t, crl, &err) != SCEAU_OK)
		die("cannot make a store of the fixture", &err);
	return t;
}

static struct fuzz_pki pki;

const struct fuzz_pki *fuzz_pki(void)
{
	struct sceau_error err = {0};
	int clamped = 0;
	time_t now = FUZZ_AT - 86400;

	if (pki.trust)
		return &pki;
	if (sceau_key_generate(&pki.root_key, &err) != SCEAU_OK ||
	    sceau_key_generate(&pki.signer_key, &err) != SCEAU_OK ||
	    sceau_cert_make_root(pki.root_key, "Fuzz Root", now, 3650, &pki.root, &err) !=
		    SCEAU_OK ||
	    sceau_cert_make_signer(
		    pki.signer_key, "Fuzz Body",
		    SCEAU_PROGRAM_BIT(SCEAU_PROGRAM_COC) | SCEAU_PROGRAM_BIT(SCEAU_PROGRAM_HALAL),
		    pki.root, pki.root_key, now, 365, &pki.signer, &clamped, &err) != SCEAU_OK ||
	    sceau_crl_make(pki.root, pki.root_key, NULL, NULL, SCEAU_REASON_UNSPECIFIED, now, 30,
			   &pki.crl, &err) != SCEAU_OK ||
	    sceau_cert_kid(pki.root, pki.root_kid, &err) != SCEAU_OK ||
	    sceau_cert_kid(pki.signer, pki.signer_kid, &err) != SCEAU_OK)
		die("cannot make the in-memory PKI", &err);
	pki.trust = fuzz_pki_store();
	return &pki;
}

struct sceau_trust *fuzz_pki_store(void)
{
	struct sceau_trust *t = NULL;
	struct sceau_error err = {0};

	if (!pki.root)
		fuzz_pki();
	if (sceau_trust_new(&t, &err) != SCEAU_OK ||
	    sceau_trust_add_cert(t, pki.root, &err) != SCEAU_OK ||
	    sceau_trust_add_cert(t, pki.signer, &err) != SCEAU_OK ||
	    sceau_trust_add_crl(t, pki.crl, &err) != SCEAU_OK)
		die("cannot make a store for the in-memory PKI", &err);
	return t;
}
