/* sceau — keys, certificates and revocation for the programme's PKI.
 *
 * Layout on disk (DESIGN.md; later parts and users depend on these names):
 *   ROOT/root.crt    self-signed P-256 root CA certificate (PEM)
 *   ROOT/root.key    its private key, encrypted PKCS#8 (PEM), mode 0600
 *   ROOT/crl.pem     the root's X.509 CRL (v2, CRL number, next update)
 *   SIGNER/signer.crt  P-256 signer certificate issued by the root, with one
 *                      extended key usage per authorised programme
 *   SIGNER/signer.key  its private key, encrypted PKCS#8, mode 0600
 *   SIGNER/chain.pem   signer.crt followed by root.crt
 * Directories that sceau creates are mode 0700; key files are created with
 * O_CREAT|O_EXCL|O_NOFOLLOW. Each operation writes into a private staging
 * directory and renames it into place, so a failure leaves nothing behind.
 * With force, an existing directory keeps its other files, the previous
 * certificate is kept as <kind>-<SERIAL>.crt (so it can still be revoked),
 * and the new files are renamed in one by one: a failure part-way through
 * that loop (a full disk) can leave old and new files side by side, and
 * the error says how many were replaced.
 *
 * Passphrases are passed as (pointer, length) and never copied by the
 * library beyond what OpenSSL needs for the key derivation. */
#ifndef SCEAU_PKI_H
#define SCEAU_PKI_H

#include <stddef.h>
#include <time.h>
#include <openssl/types.h>

#include "error.h"
#include "export.h"
#include "program.h"
#include "verdict.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SCEAU_ROOT_CERT_FILE    "root.crt"
#define SCEAU_ROOT_KEY_FILE     "root.key"
#define SCEAU_ROOT_CRL_FILE     "crl.pem"
#define SCEAU_SIGNER_CERT_FILE  "signer.crt"
#define SCEAU_SIGNER_KEY_FILE   "signer.key"
#define SCEAU_SIGNER_CHAIN_FILE "chain.pem"

#define SCEAU_ROOT_DAYS_DEFAULT   3650 /* 10 years */
#define SCEAU_SIGNER_DAYS_DEFAULT 1095 /* 3 years */
#define SCEAU_CRL_DAYS_DEFAULT    30
#define SCEAU_DAYS_MAX            36500 /* 100 years: bigger is a typo */
/* notBefore is set this far before the moment of issue, so a verifier whose
 * clock is a few minutes slow does not call a fresh certificate not yet
 * valid. notAfter counts from the moment of issue. */
#define SCEAU_BACKDATE_SECONDS 300

/* scrypt work factor for keys at rest: N = 2^14, r = 8 (16 MiB), p = 4.
 * N stays at 2^14 because OpenSSL (and so `openssl pkey`) refuses to derive
 * a key needing more than 32 MiB; p raises the CPU cost instead. */
#define SCEAU_SCRYPT_N 16384
#define SCEAU_SCRYPT_R 8
#define SCEAU_SCRYPT_P 4

/* CRL reason codes, the values of RFC 5280 CRLReason. */
enum sceau_crl_reason {
	SCEAU_REASON_UNSPECIFIED = 0,
	SCEAU_REASON_KEY_COMPROMISE = 1,
	SCEAU_REASON_CA_COMPROMISE = 2,
	SCEAU_REASON_AFFILIATION_CHANGED = 3,
	SCEAU_REASON_SUPERSEDED = 4,
	SCEAU_REASON_CESSATION_OF_OPERATION = 5,
	SCEAU_REASON_PRIVILEGE_WITHDRAWN = 9
};

/* RFC 5280 name ("keyCompromise"), or NULL for a value sceau does not use. */
SCEAU_EXPORT const char *sceau_crl_reason_name(enum sceau_crl_reason r);
/* Parse an RFC 5280 reason name (case-insensitive). SCEAU_ERR_INVALID lists
 * the accepted names. */
SCEAU_EXPORT enum sceau_err sceau_crl_reason_from_name(const char *name,
						       enum sceau_crl_reason *out, /* OUT */
						       struct sceau_error *err);

/* What an operation made, for the caller to report. */
struct sceau_pki_made {
	char serial[48];   /* certificate serial, hex (empty for a CRL-only change) */
	time_t not_before; /* certificate validity */
	time_t not_after;
	int clamped;     /* signer: validity was cut to end with the root's */
	int replaced;    /* existing files were replaced (force) */
	long crl_number; /* the CRL written */
	time_t crl_next_update;
	int crl_entries; /* revoked certificates listed in it */
	char kept[96];   /* force: where the replaced certificate was kept, or "" */
};

struct sceau_pki_init_params {
	const char *dir;  /* directory to create */
	const char *name; /* subject common name, 1..64 characters of UTF-8 */
	int days;         /* certificate validity, 1..SCEAU_DAYS_MAX */
	int crl_days;     /* CRL next update, 1..SCEAU_DAYS_MAX */
	int force;        /* replace root.* and crl.pem in an existing dir */
	const char *pass; /* passphrase for the new root.key */
	size_t pass_len;
	time_t now; /* 0: the current time */
};

/* Create a root CA in p->dir: key, self-signed certificate, empty CRL #1.
 * Missing parent directories are created (0700) and removed again on
 * failure. SCEAU_ERR_EXISTS when p->dir exists and force is not set. */
SCEAU_EXPORT enum sceau_err sceau_pki_init(const struct sceau_pki_init_params *p,
					   struct sceau_pki_made *made, /* OUT, may be NULL */
					   struct sceau_error *err);

struct sceau_pki_signer_params {
	const char *root_dir;  /* the issuing root */
	const char *root_pass; /* passphrase of root.key */
	size_t root_pass_len;
	const char *dir;   /* directory to create */
	const char *name;  /* subject common name, 1..64 characters of UTF-8 */
	unsigned programs; /* SCEAU_PROGRAM_BIT mask, at least one */
	int days;          /* validity, 1..SCEAU_DAYS_MAX, cut at the root's end */
	int force;
	const char *pass; /* passphrase for the new signer.key */
	size_t pass_len;
	time_t now;
};

/* Issue a signer key and certificate under the root. The certificate has
 * CA:FALSE, keyUsage digitalSignature + nonRepudiation, and extended key
 * usages: one per programme plus emailProtection (without it NSS, and so
 * poppler's pdfsig, and Adobe readers refuse the certificate for document
 * signatures). Refuses a root whose key does not match its certificate or
 * whose certificate is not valid at p->now. */
SCEAU_EXPORT enum sceau_err sceau_pki_signer(const struct sceau_pki_signer_params *p,
					     struct sceau_pki_made *made, /* OUT, may be NULL */
					     struct sceau_error *err);

struct sceau_pki_revoke_params {
	const char *root_dir;
	const char *root_pass;
	size_t root_pass_len;
	const char *cert_path;        /* the certificate to revoke */
	enum sceau_crl_reason reason; /* UNSPECIFIED: no reason code (RFC 5280) */
	int crl_days;                 /* next update of the new CRL */
	time_t now;
};

/* Add the certificate's serial to ROOT/crl.pem with the reason and the
 * revocation date, bump the CRL number and re-sign. The existing CRL must
 * verify under the root. SCEAU_ERR_MISMATCH when the certificate was not
 * issued by this root; SCEAU_ERR_STATE when it is already revoked. */
SCEAU_EXPORT enum sceau_err sceau_pki_revoke(const struct sceau_pki_revoke_params *p,
					     struct sceau_pki_made *made, /* OUT, may be NULL */
					     struct sceau_error *err);

/* Re-sign ROOT/crl.pem with the same entries, the next CRL number, and a
 * new next update: what the operator runs before the list goes stale.
 * p->cert_path and p->reason are ignored. */
SCEAU_EXPORT enum sceau_err
sceau_pki_crl_refresh(const struct sceau_pki_revoke_params *p,
		      struct sceau_pki_made *made, /* OUT, may be NULL */
		      struct sceau_error *err);

/* ---- loading --------------------------------------------------------- */

/* Read an encrypted PKCS#8 private key (PEM). Unencrypted keys are refused
 * (SCEAU_ERR_FORMAT), a wrong passphrase is SCEAU_ERR_PASSPHRASE, a file
 * holding something else says what it holds. *out: caller frees with
 * EVP_PKEY_free. */
SCEAU_EXPORT enum sceau_err sceau_key_load(const char *path, const char *pass, size_t pass_len,
					   EVP_PKEY **out, /* OUT */
					   struct sceau_error *err);

/* Read one X.509 certificate, PEM or DER (the first of a PEM bundle). A file
 * holding a key or a CRL is SCEAU_ERR_FORMAT naming what it holds.
 * *out: caller frees with X509_free. */
SCEAU_EXPORT enum sceau_err sceau_cert_load(const char *path, X509 **out, /* OUT */
					    struct sceau_error *err);

/* Read an X.509 CRL, PEM or DER. *out: caller frees with X509_CRL_free. */
SCEAU_EXPORT enum sceau_err sceau_crl_load(const char *path, X509_CRL **out, /* OUT */
					   struct sceau_error *err);

/* The certificate's serial in upper-case hex, NUL-terminated, into buf.
 * Returns SCEAU_ERR_INVALID when buf is too small. */
SCEAU_EXPORT enum sceau_err sceau_cert_serial_hex(const X509 *cert, char *buf, size_t len);

/* The programmes a certificate's extended key usage authorises, as a mask
 * (0 when it has none). */
SCEAU_EXPORT unsigned sceau_cert_programs(const X509 *cert);

/* ---- a signer, opened for signing ----------------------------------- */

/* What a body signs with: SIGNER/signer.crt, the root from SIGNER/chain.pem
 * (its last certificate, which must be self-signed), and once unlocked,
 * SIGNER/signer.key. Free with sceau_signer_close. */
struct sceau_signer {
	X509 *cert;
	X509 *root;
	EVP_PKEY *key;  /* NULL until sceau_signer_unlock */
	char name[128]; /* the certificate's common name */
	char *key_path; /* SIGNER/signer.key */
};

/* Read the certificates of the signer directory `dir` (no passphrase
 * needed), checking that chain.pem starts with signer.crt. *out: caller
 * frees with sceau_signer_close. */
SCEAU_EXPORT enum sceau_err sceau_signer_open(const char *dir, struct sceau_signer **out, /* OUT */
					      struct sceau_error *err);

/* Decrypt the signer's key (SCEAU_ERR_PASSPHRASE when wrong) and check it
 * belongs to the certificate. */
SCEAU_EXPORT enum sceau_err sceau_signer_unlock(struct sceau_signer *s, const char *pass,
						size_t pass_len, struct sceau_error *err);

SCEAU_EXPORT void sceau_signer_close(struct sceau_signer *s);

/* ---- checking -------------------------------------------------------- */

/* Decide whether `signer` may sign documents of `program` at time `at`
 * (0: now), trusting only `root`, with the root's CRL `crl` (may be NULL
 * only to skip the revocation check, which callers that verify documents
 * must not do). `program` SCEAU_PROGRAM_ANY judges everything but the
 * authorisation (for a document that names no programme). Returns SCEAU_OK
 * with a verdict:
 *   valid          chains to root, valid at `at`, not revoked, authorised
 *   untrusted      does not chain to root, is a CA, lacks digitalSignature,
 *                  is not authorised for `program`, or the CRL is not the
 *                  root's or does not verify
 *   revoked        the serial is on the CRL (whatever the revocation date:
 *                  a signing time claimed by the signer proves nothing)
 *   expired / not_yet_valid   the signer or the root at `at`
 * in this order of precedence: untrusted (path), revoked, expired or
 * not_yet_valid, untrusted (programme).
 * Errors are reserved for failures to reach a verdict (bad arguments,
 * out of memory). The CRL's own next update is not judged here. */
SCEAU_EXPORT enum sceau_err sceau_signer_check(X509 *signer, X509 *root, X509_CRL *crl,
					       enum sceau_program program, time_t at,
					       struct sceau_verdict *verdict, /* OUT */
					       struct sceau_error *err);

#ifdef __cplusplus
}
#endif
#endif
