/* What the fuzz targets share: the trust store they verify against, the
 * time they verify at, and a PKI made in memory for re-signing inputs.
 *
 * Every target defines LLVMFuzzerTestOneInput. Built with clang's
 * -fsanitize=fuzzer (scripts/fuzz) it is a libFuzzer fuzzer; linked with
 * replay.c it replays a corpus as an ordinary test (tests/CMakeLists.txt). */
#ifndef SCEAU_FUZZ_H
#define SCEAU_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "sceau.h"

/* The time the targets verify at: an hour after the fixture in
 * tests/fuzz/trust was made, so its signer, CRL and status list are in
 * force and verdicts do not change with the calendar. */
#define FUZZ_AT ((time_t)1795526220)

/* The fixture trust store (tests/fuzz/trust, made by `sceau demo`): the
 * store the seed PDFs and QR texts verify against. Loaded once; aborts
 * when it cannot be (a broken build, not a finding). */
const struct sceau_trust *fuzz_trust(void);

/* A fresh store holding the fixture's root, signer and CRL, without its
 * status list. Caller frees with sceau_trust_free. */
struct sceau_trust *fuzz_fixture_store(void);

/* A PKI made in memory once: a root, a signer "Fuzz Body" authorised for
 * every programme, the root's CRL, and a store trusting them. The targets
 * sign their input with it to reach the code behind the signature. */
struct fuzz_pki {
	EVP_PKEY *root_key, *signer_key;
	X509 *root, *signer;
	X509_CRL *crl;
	unsigned char root_kid[SCEAU_KID_LEN], signer_kid[SCEAU_KID_LEN];
	struct sceau_trust *trust;
};
const struct fuzz_pki *fuzz_pki(void);

/* A fresh store trusting the in-memory root, signer and CRL (for inputs
 * that add to a store). Caller frees with sceau_trust_free. */
struct sceau_trust *fuzz_pki_store(void);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
