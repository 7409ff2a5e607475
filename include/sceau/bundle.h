/* sceau — trust bundles: everything a verifier needs in one file signed by
 * the programme operator's root.
 *
 * A bundle carries the trust anchor, the bodies' signer certificates, the
 * root's CRLs and the bodies' document status lists, with a sequence
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
/* At most this many signers, CRLs and status lists together in a bundle. */
#define SCEAU_BUNDLE_ITEMS_MAX 8192
/* Default days from a bundle's issue to its next update. */
#define SCEAU_BUNDLE_DAYS_DEFAULT 30
/* The last sequence number built from a root, in the root's directory. */
#define SCEAU_BUNDLE_SEQ_FILE "bundle.seq"
/* File name of an installed bundle (per user and system-wide). */
#define SCEAU_BUNDLE_FILE "trust.bundle"

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
	uint64_t sequence;  /* 1..INT64_MAX, must grow with each bundle */
	time_t issued;      /* 0: now */
	time_t next_update; /* 0: issued + SCEAU_BUNDLE_DAYS_DEFAULT days */
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
	unsigned char digest[32];           /* SHA-256 of the signed payload */
	size_t n_roots, n_signers, n_crls, n_status;
};

/* A bundle's items, decoded but NOT verified (sceau_bundle_load verifies):
 * for showing what a bundle holds. Free with sceau_bundle_free. */
struct sceau_bundle {
	struct sceau_bundle_info info;
	X509 *root;
	X509 **signers; /* info.n_signers of them */
	X509_CRL **crls;
	unsigned char **status; /* the status lists' bytes */
	size_t *status_len;
	unsigned char kid[8]; /* the COSE kid */
};

/* Decode a bundle: well-formed COSE_Sign1 with content type
 * SCEAU_BUNDLE_CTYPE, its payload exactly as docs/formats.md describes
 * (SCEAU_ERR_FORMAT saying what is wrong). The signature is not checked.
 * *out: caller frees with sceau_bundle_free. */
SCEAU_EXPORT enum sceau_err sceau_bundle_decode(const unsigned char *buf, size_t len,
						struct sceau_bundle **out, /* OUT */
						struct sceau_error *err);
SCEAU_EXPORT void sceau_bundle_free(struct sceau_bundle *b);

/* Check a bundle and load it into a new trust store: well-formed, signed
 * under the root certificate it carries (and, when `pin` is not NULL,
 * that root's SHA-256 fingerprint must equal pin[32]); every signer and
 * CRL issued by that root; every status list verifies under a signer. A
 * truncated or malformed bundle is SCEAU_ERR_FORMAT; a bad signature, an
 * item not from the root or a root other than the pin SCEAU_ERR_MISMATCH.
 * No anti-rollback here (see sceau_bundle_accept).
 * *out: caller frees with sceau_trust_free; out and info may be NULL. */
SCEAU_EXPORT enum sceau_err sceau_bundle_load(const unsigned char *buf, size_t len,
					      const unsigned char *pin,       /* may be NULL */
					      struct sceau_trust **out,       /* OUT */
					      struct sceau_bundle_info *info, /* OUT */
					      struct sceau_error *err);

/* Where things live when not overridden (docs/formats.md, "Trust
 * bundles"). An environment variable set to "" counts as unset; XDG
 * variables count only when absolute. Each returns a malloc'ed path the
 * caller frees, or NULL when out of memory / no home directory.
 *   user_path:   $SCEAU_TRUST, else $XDG_DATA_HOME/sceau/trust.bundle,
 *                else $HOME/.local/share/sceau/trust.bundle
 *   system_path: $SCEAU_SYSCONFDIR/trust.bundle, else
 *                /etc/sceau/trust.bundle
 *   state_dir:   $SCEAU_STATE_DIR (for both); else per user
 *                $XDG_STATE_HOME/sceau, else $HOME/.local/state/sceau;
 *                system-wide $SCEAU_SYSTEM_STATE_DIR, else /var/lib/sceau */
SCEAU_EXPORT char *sceau_bundle_user_path(void);
SCEAU_EXPORT char *sceau_bundle_system_path(void);
SCEAU_EXPORT char *sceau_bundle_state_dir(int system);

/* The trust store a verifier uses with no --trust: $SCEAU_TRUST (a
 * directory or a bundle; it must exist), else the per-user bundle when it
 * exists, else the system-wide one when it exists. SCEAU_ERR_NOT_FOUND
 * naming the places looked at when none does. *path: caller frees;
 * *system (may be NULL) is set when it is the system-wide bundle. */
SCEAU_EXPORT enum sceau_err sceau_bundle_default(char **path, /* OUT */
						 int *system, /* OUT, may be NULL */
						 struct sceau_error *err);

/* Anti-rollback: compare a verified bundle's sequence (info, from
 * sceau_bundle_load) with the highest one accepted for its root (state
 * kept in `state_dir`, one small file per root fingerprint) and, unless
 * `read_only`, record it when not lower. A lower sequence is
 * SCEAU_ERR_STATE ("trust bundle 12 is older than bundle 14 accepted on
 * D"); an equal sequence with a different payload digest
 * SCEAU_ERR_MISMATCH; a damaged state file SCEAU_ERR_STATE. When
 * `read_only`, nothing is written and a missing or unreadable state
 * directory is no error (verifiers on a read-only system still refuse the
 * rollbacks they can see). */
SCEAU_EXPORT enum sceau_err sceau_bundle_accept(const struct sceau_bundle_info *info,
						const char *state_dir, int read_only,
						struct sceau_error *err);

/* ---- operator and verifier workflows (the `sceau trust` commands) ----- */

struct sceau_bundle_make_params {
	const char *root_dir;  /* from `sceau pki init`: root.crt, root.key, crl.pem */
	const char *root_pass; /* NULL: only check what needs no passphrase */
	size_t root_pass_len;
	/* Signer directories (their signer.crt), signer certificate files (PEM
	 * or DER) and status list files, told apart by their contents. */
	const char *const *items;
	size_t n_items;
	uint64_t sequence; /* 0: one more than ROOT/bundle.seq (1 without it) */
	int days;          /* next update after issue, 1..SCEAU_DAYS_MAX; 0: default */
	const char *out;   /* the bundle file to write */
	int force;         /* replace `out` if it exists */
	time_t now;        /* 0: now */
};

/* Build a bundle from a root directory and write it atomically to p->out
 * (a temporary file beside it, renamed; never half-written); then the
 * sequence is recorded in ROOT/bundle.seq. SCEAU_ERR_EXISTS when out
 * exists without force; SCEAU_ERR_STATE when an explicit sequence is not
 * above the last one built; SCEAU_ERR_PASSPHRASE for a wrong passphrase;
 * SCEAU_ERR_MISMATCH for an item not issued by the root. made (may be
 * NULL) describes the bundle written. With root_pass NULL, everything that
 * needs no passphrase is checked (the files, the items, the sequence, the
 * output) and nothing is written: a caller asks for the passphrase after. */
SCEAU_EXPORT enum sceau_err sceau_bundle_make(const struct sceau_bundle_make_params *p,
					      struct sceau_bundle_info *made, /* OUT */
					      struct sceau_error *err);

struct sceau_bundle_install_params {
	const char *bundle;       /* the file to install */
	const unsigned char *pin; /* 32 bytes, or NULL: the root of the bundle
				   * installed there, else trust on first use */
	int system;               /* the system-wide place and state */
	const char *target;       /* NULL: sceau_bundle_user_path/system_path */
	const char *state_dir;    /* NULL: sceau_bundle_state_dir(system) */
};

/* What an install did. Caller-owned. */
struct sceau_bundle_installed {
	char path[4096];               /* where the bundle now is */
	struct sceau_bundle_info info; /* the bundle installed */
	int first;                     /* no readable bundle was there: its root was trusted on
			* first use (or pinned) */
	int unchanged;                 /* the very same bundle was installed already */
	int root_changed;              /* replaced a bundle of another root (pinned) */
	uint64_t previous_sequence;    /* the bundle replaced, when not first */
	char previous_name[128];       /* its root's common name */
	char previous_problem[SCEAU_ERROR_MSG_MAX]; /* first: why the bundle there was
						      * unreadable, or "" */
};

/* Install a bundle: it must load (sceau_bundle_load with p->pin); when a
 * bundle is installed at the target already, the new one must be signed by
 * the same root unless pinned (SCEAU_ERR_MISMATCH), and not be older than
 * it (SCEAU_ERR_STATE) nor than the state records (sceau_bundle_accept).
 * Then it is copied atomically (mode 0644, missing directories made) and
 * accepted into the state. On error nothing is installed. */
SCEAU_EXPORT enum sceau_err sceau_bundle_install(const struct sceau_bundle_install_params *p,
						 struct sceau_bundle_installed *out, /* OUT */
						 struct sceau_error *err);

/* Load what --trust names: a directory (sceau_trust_load_dir) or a bundle
 * file (sceau_bundle_load, then sceau_bundle_accept read-only against the
 * per-user and the system-wide state); NULL means sceau_bundle_default.
 * info (may be NULL) is zeroed for a directory. *out: caller frees with
 * sceau_trust_free. */
SCEAU_EXPORT enum sceau_err sceau_trust_open(const char *dir_or_bundle,
					     struct sceau_trust **out,       /* OUT */
					     struct sceau_bundle_info *info, /* OUT, may be NULL */
					     struct sceau_error *err);

/* What sceau_trust_open(NULL) opens: the store sceau_bundle_default names.
 * When that is the per-user bundle and the system-wide anti-rollback state
 * refuses it as older than a bundle the machine accepted, the system-wide
 * bundle is opened instead when it is installed and opens; passed_over
 * (may be NULL, SCEAU_ERROR_MSG_MAX bytes) then says why the per-user one
 * was refused, else it is "". *opened (may be NULL; caller frees) is the
 * path opened. *out: caller frees with sceau_trust_free. */
SCEAU_EXPORT enum sceau_err
sceau_trust_open_default(struct sceau_trust **out,       /* OUT */
			 struct sceau_bundle_info *info, /* OUT, may be NULL */
			 char **opened,                  /* OUT, may be NULL */
			 char *passed_over,              /* OUT, may be NULL */
			 struct sceau_error *err);

#ifdef __cplusplus
}
#endif
#endif
