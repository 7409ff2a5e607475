/* sceau — document status lists: which of a body's certificates are not in
 * good standing (revoked, suspended, superseded), signed by the body.
 *
 * A certification body publishes one list (`sceau status`); verifiers load
 * it into their trust store (a *.status file in a trust directory, or inside
 * a trust bundle) and every QR or PDF verification looks the document's
 * number up in it. The format (a COSE_Sign1 with content type
 * SCEAU_STATUS_CTYPE over a CBOR map) is in docs/formats.md, "Document
 * status lists". */
#ifndef SCEAU_STATUS_H
#define SCEAU_STATUS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <openssl/types.h>

#include "error.h"
#include "export.h"
#include "trust.h"
#include "verdict.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The protected COSE content type of a status list. */
#define SCEAU_STATUS_CTYPE "application/sceau-status+cbor;v=1"
/* Largest status list file read (10,000 entries take about 300 KB). */
#define SCEAU_STATUS_MAX ((size_t)8 << 20)
/* At most this many entries in one list. */
#define SCEAU_STATUS_ENTRIES_MAX 1000000
/* How long after its next update a list still counts, with a warning:
 * past it, documents it covers are `untrusted`. */
#define SCEAU_STATUS_GRACE (7 * 24 * 3600)
/* Longest certificate number (as the record schema allows), plus NUL. */
#define SCEAU_NUMBER_MAX 48

/* States of a certificate. Values are API (the register stores them, the
 * list carries them): never renumber. `good` is never listed. */
enum sceau_doc_state {
	SCEAU_DOC_GOOD = 0,
	SCEAU_DOC_REVOKED = 1,
	SCEAU_DOC_SUSPENDED = 2,
	SCEAU_DOC_SUPERSEDED = 3
};

/* Why. Values are API (carried in lists as small integers). */
enum sceau_doc_reason {
	SCEAU_DOCR_UNSPECIFIED = 0,
	SCEAU_DOCR_ISSUED_IN_ERROR = 1,
	SCEAU_DOCR_NON_CONFORMITY = 2, /* goods found not conforming after issue */
	SCEAU_DOCR_FRAUD = 3,          /* obtained by fraud or false documents */
	SCEAU_DOCR_WITHDRAWN = 4,      /* withdrawn by the body */
	SCEAU_DOCR_HOLDER_REQUEST = 5, /* at the importer's or holder's request */
	SCEAU_DOCR_INVESTIGATION = 6,  /* under investigation (suspensions) */
	SCEAU_DOCR_SUPERSEDED = 7      /* replaced by a revision */
};

/* snake_case names ("revoked", "non_conformity"); never NULL. */
SCEAU_EXPORT const char *sceau_doc_state_name(enum sceau_doc_state s);
SCEAU_EXPORT const char *sceau_doc_reason_name(enum sceau_doc_reason r);
/* Parse a reason name; SCEAU_ERR_INVALID listing the names when unknown. */
SCEAU_EXPORT enum sceau_err sceau_doc_reason_from_name(const char *name,
						       enum sceau_doc_reason *out, /* OUT */
						       struct sceau_error *err);

/* One listed certificate. Caller-owned. */
struct sceau_status_entry {
	char number[SCEAU_NUMBER_MAX];
	enum sceau_doc_state state;
	enum sceau_doc_reason reason;
	time_t since;              /* when it took this state */
	char by[SCEAU_NUMBER_MAX]; /* superseded: the revision's number, else "" */
};

/* A status list, built, decoded (not judged), or held by a trust store
 * (verified when it was added). Free with sceau_status_free. */
struct sceau_status {
	char issuer[128];   /* the body: its signer certificate's common name */
	uint64_t sequence;  /* grows by one with each list the body publishes */
	time_t issued;      /* thisUpdate */
	time_t next_update; /* the body promises a new list before this */
	size_t n_entries;
	struct sceau_status_entry *entries; /* sorted by number (strcmp), no duplicates */
	unsigned char kid[8];               /* the signing certificate's kid */
	unsigned char *raw;                 /* the signed bytes as read or built */
	size_t raw_len;
};

SCEAU_EXPORT void sceau_status_free(struct sceau_status *s);

/* Build and sign a list: `entries` in any order (sorted here; a duplicate
 * number, a `good` entry, a number that is not a certificate number, a
 * superseded entry without `by` or another with one are
 * SCEAU_ERR_INVALID), signed with `key` under certificate `cert` (issuer =
 * its common name; a key of another certificate is SCEAU_ERR_MISMATCH).
 * `issued` 0 means now; `next_update` must be later. *out holds the
 * entries and the signed bytes (out->raw, the file to publish); caller
 * frees with sceau_status_free. */
SCEAU_EXPORT enum sceau_err sceau_status_build(const struct sceau_status_entry *entries, size_t n,
					       uint64_t sequence, time_t issued, time_t next_update,
					       X509 *cert, EVP_PKEY *key,
					       struct sceau_status **out, /* OUT */
					       struct sceau_error *err);

/* Decode a list without judging its signer (SCEAU_ERR_FORMAT saying what
 * is wrong: truncated, not a status list, unsorted, too many entries...;
 * docs/formats.md, section 10, lists every rule). Strict: only the shape
 * sceau_status_build writes is read. *out: caller frees with
 * sceau_status_free. */
SCEAU_EXPORT enum sceau_err sceau_status_decode(const unsigned char *buf, size_t len,
						struct sceau_status **out, /* OUT */
						struct sceau_error *err);

/* Look a number up in a decoded list: the entry, or NULL when the number
 * is in good standing as far as this list knows. Binary search. */
SCEAU_EXPORT const struct sceau_status_entry *sceau_status_find(const struct sceau_status *s,
								const char *number);

/* Add a status list to a trust store (the store copies what it keeps). The
 * list is decoded and its signature verified under a signer certificate
 * of the store with its kid whose common name is the list's issuer,
 * trusted by the store at the list's issue time (chaining to a root of
 * the store, on whose CRL it is not, valid then; any programme). A list
 * that fails is an error naming why (SCEAU_ERR_FORMAT for malformed,
 * SCEAU_ERR_MISMATCH for a forged or untrusted signature): a trust store
 * is not a place for guesses. Of two lists of one body the higher
 * sequence is kept (a lower one is accepted and ignored); an equal
 * sequence with other contents is SCEAU_ERR_MISMATCH. A list whose only
 * fault is a revoked signer is accepted and ignored when the store
 * already holds a higher sequence of that body (its list under a new
 * key), and refused otherwise. Not to be called while other threads
 * verify with the store. */
SCEAU_EXPORT enum sceau_err sceau_trust_add_status(struct sceau_trust *t, const unsigned char *buf,
						   size_t len, struct sceau_error *err);

/* The list the store holds for body `issuer` (a common name), or NULL.
 * Borrowed: valid until the store is freed or given a newer list. */
SCEAU_EXPORT const struct sceau_status *sceau_trust_status_for(const struct sceau_trust *t,
							       const char *issuer);

/* How a document's number stands, as a verifier reports it. Caller-owned. */
struct sceau_doc_status {
	int checked;                /* a list of the body was found and used */
	enum sceau_doc_state state; /* SCEAU_DOC_GOOD unless listed */
	enum sceau_doc_reason reason;
	time_t since;
	char by[SCEAU_NUMBER_MAX]; /* superseded by */
	uint64_t list_sequence;    /* the list consulted (when checked) */
	time_t list_issued, list_next_update;
	int stale; /* at > next_update */
};

/* Judge the status of document `number` of body `issuer` at `at` (0: now)
 * with the store's list, and fold it into verdict `v` (which holds the
 * verdict so far; the code and reason change only when the status ranks
 * higher: invalid, modified, revoked, untrusted, suspended, superseded,
 * expired, not_yet_valid, valid; a warning is written only when `v` has
 * none yet):
 *   listed revoked / suspended / superseded -> that verdict, with the
 *     reason and date ("certificate 'N' was revoked on D: fraud")
 *   no list for the body -> verdict unchanged, warning "no status list
 *     of 'ISSUER' in the trust store: revocation of 'N' not checked"
 *   list past next_update, within SCEAU_STATUS_GRACE -> verdict unchanged,
 *     warning "status list of 'ISSUER' is stale since D"
 *   past the grace -> untrusted ("status list of 'ISSUER' expired on D")
 *     for a number the list does not name when `v` is valid; else the
 *     verdict as above, with that as the warning
 * A listed state applies whatever `at` is (as the signer's CRL does).
 * `st` (may be NULL) receives the facts. */
SCEAU_EXPORT void sceau_trust_doc_status(const struct sceau_trust *t, const char *issuer,
					 const char *number, time_t at,
					 struct sceau_doc_status *st, /* OUT, may be NULL */
					 struct sceau_verdict *v /* IN/OUT */);

#ifdef __cplusplus
}
#endif
#endif
