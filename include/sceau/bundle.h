/* sceau — trust bundles: everything a verifier needs in one file signed by
 * the programme operator's root.
 *
 * A bundle carries the trust anchors, the bodies' signer certificates, the
 * roots' CRLs and the bodies' document status lists, with a sequence
 * number and a next update, as a COSE_Sign1 (content type
 * SCEAU_BUNDLE_CTYPE) signed with the root key (docs/formats.md, "Trust
 * bundles"). Verifiers install one (`sceau trust install`) and `sceau
 * verify` / `sceau scan` use it with no --trust; an older bundle than the
 * last one accepted is refused (anti-rollback). */
#ifndef SCEAU_BUNDLE_H
#define SCEAU_BUNDLE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <openssl/types.h>

#include "error.h"
#include "export.h"
#include "trust.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SCEAU_BUNDLE_CTYPE "application/sceau-bundle+cbor;v=1"
/* Largest bundle read. */
#define SCEAU_BUNDLE_MAX ((size_t)64 << 20)

/* What goes into a bundle. The arrays are borrowed. Every signer must be
 * issued by `root`, every CRL by it, every status list must verify under
 * one of the signers (as sceau_trust_add_status checks); anything else is
 * refused (SCEAU_ERR_MISMATCH naming it). */
struct sceau_bundle_params {
	X509 *root; /* the anchor, which signs the bundle */
	EVP_PKEY *root_key;
	X509 **signers;
	size_t n_signers;
	X509_CRL *crl;                /* the root's newest CRL (required) */
	const unsigned char **status; /* status lists as published */
	const size_t *status_len;
	size_t n_status;
	uint64_t sequence;  /* must grow with each bundle */
	time_t issued;      /* 0: now */
	time_t next_update; /* 0: issued + 30 days */
};

/* Build and sign a bundle. *out: caller frees with free. */
SCEAU_EXPORT enum sceau_err sceau_bundle_build(const struct sceau_bundle_params *p,
					       unsigned char **out, /* OUT */
					       size_t *out_len,     /* OUT */
					       struct sceau_error *err);

/* What a bundle says about itself. Caller-owned. */
struct sceau_bundle_info {
	uint64_t sequence;
	time_t issued, next_update;
	char root_name[128];                /* the root's common name */
	unsigned char root_fingerprint[32]; /* SHA-256 of the root's DER */
	size_t n_roots, n_signers, n_crls, n_status;
};

/* Check a bundle and load it into a new trust store: well-formed, signed
 * under the root certificate it carries (and, when `pin` is not NULL,
 * that root's SHA-256 fingerprint must equal pin[32]); every item loads
 * as in a trust directory. A truncated or malformed bundle is
 * SCEAU_ERR_FORMAT; a bad signature or a root other than the pin
 * SCEAU_ERR_MISMATCH. No anti-rollback here (see sceau_bundle_accept).
 * *out: caller frees with sceau_trust_free; info may be NULL. */
SCEAU_EXPORT enum sceau_err sceau_bundle_load(const unsigned char *buf, size_t len,
					      const unsigned char *pin,       /* may be NULL */
					      struct sceau_trust **out,       /* OUT */
					      struct sceau_bundle_info *info, /* OUT */
					      struct sceau_error *err);

/* Where things live when not overridden (docs/formats.md, "Trust
 * bundles"). Each returns a malloc'ed path the caller frees, or NULL when
 * out of memory / no home directory.
 *   installed bundle: $SCEAU_TRUST if set; else per user
 *     $XDG_DATA_HOME/sceau/trust.bundle (~/.local/share/...), else the
 *     system-wide /etc/sceau/trust.bundle (or $SCEAU_SYSCONFDIR)
 *   anti-rollback state: $SCEAU_STATE_DIR, else per user
 *     $XDG_STATE_HOME/sceau (~/.local/state/sceau), system-wide
 *     /var/lib/sceau */
SCEAU_EXPORT char *sceau_bundle_user_path(void);
SCEAU_EXPORT char *sceau_bundle_system_path(void);
SCEAU_EXPORT char *sceau_bundle_state_dir(int system);

/* The bundle a verifier uses with no --trust: $SCEAU_TRUST, else the
 * per-user one when it exists, else the system-wide one when it exists.
 * SCEAU_ERR_NOT_FOUND naming the places looked at when none does.
 * *path: caller frees. */
SCEAU_EXPORT enum sceau_err sceau_bundle_default(char **path, /* OUT */
						 struct sceau_error *err);

/* Anti-rollback: compare the bundle's sequence with the highest one
 * accepted for its root (state kept in `state_dir`, one small file per
 * root fingerprint) and, when not lower, record it. A lower sequence is
 * SCEAU_ERR_STATE ("bundle 12 is older than bundle 14 accepted on D").
 * An equal sequence with a different bundle digest is SCEAU_ERR_MISMATCH.
 * A state directory that cannot be written is not an error when
 * `read_only` (verifiers on a read-only system still refuse rollbacks they
 * can see). */
SCEAU_EXPORT enum sceau_err sceau_bundle_accept(const unsigned char *buf, size_t len,
						const struct sceau_bundle_info *info,
						const char *state_dir, int read_only,
						struct sceau_error *err);

/* Load what --trust names: a directory (sceau_trust_load_dir) or a bundle
 * file (sceau_bundle_load, then sceau_bundle_accept read-only against the
 * per-user state); NULL means sceau_bundle_default. info (may be NULL) is
 * zeroed for a directory. *out: caller frees with sceau_trust_free. */
SCEAU_EXPORT enum sceau_err sceau_trust_open(const char *dir_or_bundle,
					     struct sceau_trust **out,       /* OUT */
					     struct sceau_bundle_info *info, /* OUT, may be NULL */
					     struct sceau_error *err);

#ifdef __cplusplus
}
#endif
#endif
