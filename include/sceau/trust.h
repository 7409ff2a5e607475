/* sceau — what a verifier trusts: root certificates (trust anchors),
 * signer certificates (found by kid), the roots' CRLs, and the bodies'
 * document status lists (status.h).
 *
 * For now a trust store is read from a directory of "*.crt" files (PEM or
 * DER; roots and signers, told apart by being a self-signed CA) and "*.crl"
 * files (PEM or DER). A signed bundle comes with the trust part later. */
#ifndef SCEAU_TRUST_H
#define SCEAU_TRUST_H

#include <stddef.h>
#include <openssl/types.h>

#include "error.h"
#include "export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* At most this many *.crt, *.crl and *.status files, together, are read
 * from a directory. */
#define SCEAU_TRUST_FILES_MAX 8192

struct sceau_trust;

/* An empty store; add to it with the functions below. *out: caller frees
 * with sceau_trust_free. */
SCEAU_EXPORT enum sceau_err sceau_trust_new(struct sceau_trust **out, /* OUT */
					    struct sceau_error *err);

/* Read every *.crt and *.crl in `dir`, then every *.status (a status list,
 * sceau_trust_add_status); other files are ignored. A file that does not
 * parse or a status list that does not verify is an error naming it (a
 * trust store is not a place for guesses), except a list by a revoked
 * signer when the directory also holds a later list of that body, in any
 * order (the body's list under its new key); a directory without any root
 * certificate is SCEAU_ERR_INVALID. *out: caller frees with
 * sceau_trust_free. */
SCEAU_EXPORT enum sceau_err sceau_trust_load_dir(const char *dir,
						 struct sceau_trust **out, /* OUT */
						 struct sceau_error *err);

/* Add a certificate (a self-signed CA is a root, anything else a signer)
 * or a CRL. The store takes its own reference; the caller keeps theirs. */
SCEAU_EXPORT enum sceau_err sceau_trust_add_cert(struct sceau_trust *t, X509 *cert,
						 struct sceau_error *err);
SCEAU_EXPORT enum sceau_err sceau_trust_add_crl(struct sceau_trust *t, X509_CRL *crl,
						struct sceau_error *err);

/* How many roots, signers and CRLs the store holds (each may be NULL). */
SCEAU_EXPORT void sceau_trust_counts(const struct sceau_trust *t, size_t *roots, size_t *signers,
				     size_t *crls);

SCEAU_EXPORT void sceau_trust_free(struct sceau_trust *t);

#ifdef __cplusplus
}
#endif
#endif
