/* sceau — signed QR payloads: what a customs officer scans.
 *
 * Encoding takes a validated record and a signer, builds the QR claims
 * (docs/formats.md, "QR claims"), signs them as a CWT in a COSE_Sign1 and
 * wraps them as QR text (envelope.h). Verification is the reverse, then the
 * trust policy: the signer found by kid in a trust store, chaining to one
 * of its roots, not on that root's CRL, authorised for the document's
 * programme, valid when it signed; and the payload's own times. */
#ifndef SCEAU_PAYLOAD_H
#define SCEAU_PAYLOAD_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <openssl/types.h>

#include "envelope.h"
#include "error.h"
#include "export.h"
#include "program.h"
#include "record.h"
#include "status.h"
#include "trust.h"
#include "verdict.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Default size budget of the QR text, in characters: 500 fits QR version
 * 14 at ECC level M in alphanumeric mode. */
#define SCEAU_QR_BUDGET 500
/* At most this many product lines are carried; fewer when over budget. */
#define SCEAU_QR_LINES_MAX 5
/* Characters of a line's description carried in the QR. */
#define SCEAU_QR_DESC_MAX 24
/* Characters of the importer's or holder's name carried, when the budget
 * forces it (the ICE identifies the company). */
#define SCEAU_QR_NAME_MIN 40

/* The CWT claim under which the document claims sit (private use). */
#define SCEAU_CWT_DOCUMENT (-65537)

/* One product line as the QR carries it. CoC: code = tariff code, text =
 * short description, quantity and unit. Halal: text = name, code = brand,
 * no quantity or unit (NULL). */
struct sceau_payload_line {
	char *code;
	char *text;
	char *quantity;
	char *unit;
};

/* A decoded payload. Strings are owned by the struct (NULL when absent);
 * free with sceau_payload_free. */
struct sceau_payload {
	enum sceau_program type;
	char *number;
	char *issuer;     /* CWT iss: the issuing body, as its certificate names it */
	char *party_name; /* importer (CoC) or holder (Halal) */
	char *party_ice;
	char *route;     /* CoC */
	char *route_ref; /* route B registration or route C licence number */
	char *origin;    /* CoC: country of origin */
	char *standard;  /* Halal */
	char issue_date[11], expiry_date[11];
	uint32_t line_count;              /* lines in the full record */
	struct sceau_payload_line *lines; /* the first n_lines of them */
	size_t n_lines;
	unsigned char digest[32]; /* SHA-256 of the record's canonical claims */
	int64_t iat, exp;
	int alg;
	unsigned char kid[SCEAU_KID_LEN];
	/* Set by sceau_payload_verify when the signature verified under a
	 * signer certificate from the trust store; only then are the fields
	 * above the signer's word rather than the bearer's. */
	int signature_verified;
	char signer_name[128];  /* that certificate's common name */
	char signer_serial[80]; /* and serial (hex) */
	/* Set by sceau_payload_verify: how the number stands in the body's
	 * status list (status.checked 0 when no list was consulted). */
	struct sceau_doc_status status;
	/* Set when the record names the certificate it replaces. */
	char *supersedes;
};

SCEAU_EXPORT void sceau_payload_free(struct sceau_payload *p);

/* Sign `rec` as QR text with `key` and its certificate `cert`: iss is the
 * certificate's common name, iat `iat` (0: now), exp the end of the
 * record's expiry date (23:59:59 UTC). `prefix` NULL means
 * SCEAU_QR_PREFIX; `budget` 0 means SCEAU_QR_BUDGET. When the text would
 * exceed the budget, product lines are dropped from the end, then the
 * party's name is cut to SCEAU_QR_NAME_MIN characters; if it still does
 * not fit, SCEAU_ERR_INVALID. The key must match the certificate.
 * *text: NUL-terminated, caller frees with free. */
SCEAU_EXPORT enum sceau_err sceau_payload_encode(const struct sceau_record *rec, X509 *cert,
						 EVP_PKEY *key, time_t iat, const char *prefix,
						 size_t budget, char **text, /* OUT */
						 struct sceau_error *err);

/* Decode QR text without judging it: nothing is verified
 * (signature_verified is 0). Malformed text is SCEAU_ERR_FORMAT saying
 * which layer refused it. *out: caller frees with sceau_payload_free. */
SCEAU_EXPORT enum sceau_err sceau_payload_decode(const char *text, size_t len, const char *prefix,
						 struct sceau_payload **out, /* OUT */
						 struct sceau_error *err);

/* Verify QR text against `trust` at `at` (0: now). Returns SCEAU_OK with a
 * verdict for anything the text holds, including garbage (invalid);
 * errors only when verification itself could not run (memory).
 *   invalid        malformed at any layer, bad signature, claims that do
 *                  not fit the schema or disagree with the certificate
 *   untrusted      no trusted signer with the kid, no path to a root, no
 *                  CRL for the root, not authorised for the document type
 *   revoked        the signer is on its root's CRL
 *   expired / not_yet_valid   the payload (exp, iat) at `at`, or the
 *                  signer certificate at iat
 * *out receives the decoded payload whenever the text decoded (NULL
 * otherwise; may be NULL to skip). Caller frees with sceau_payload_free. */
SCEAU_EXPORT enum sceau_err sceau_payload_verify(const char *text, size_t len,
						 const struct sceau_trust *trust, time_t at,
						 struct sceau_payload **out, /* OUT, may be NULL */
						 struct sceau_verdict *v,    /* OUT */
						 struct sceau_error *err);

#ifdef __cplusplus
}
#endif
#endif
