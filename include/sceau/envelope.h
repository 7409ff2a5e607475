/* sceau — the QR envelope, layer by layer: the EU Digital COVID
 * Certificate's (HCERT) encoding, without any policy.
 *
 *   CWT claims (CBOR map) ─► COSE_Sign1 ─► zlib ─► Base45 ─► "PREFIX" + text
 *
 * This layer answers "is this well-formed?" and "does this signature verify
 * under this key?" and "are these times right at this clock?". Whom to trust
 * (chains, CRLs, programme authorisation) is decided above it, in
 * payload.h; the DCC test vectors are run against this layer alone.
 *
 * Every decoder here is strict and bounded: it reads hostile input from a
 * camera at a border. */
#ifndef SCEAU_ENVELOPE_H
#define SCEAU_ENVELOPE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <openssl/types.h>

#include "error.h"
#include "export.h"
#include "verdict.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The prefix of sceau's QR text: "MA" (Morocco), envelope version 1. Not
 * "HC1:", so a DCC reader and a sceau reader never confuse each other's
 * codes. */
#define SCEAU_QR_PREFIX "MA1:"

/* Longest QR text accepted: the alphanumeric capacity of QR version 40 at
 * ECC level L. Anything longer cannot have come from a QR code. */
#define SCEAU_QR_TEXT_MAX 4296
/* Largest COSE message accepted after decompression (zlib bomb guard). */
#define SCEAU_COSE_MAX ((size_t)64 << 10)
/* Deepest CBOR nesting accepted anywhere in a COSE message, and again in
 * its protected header and in its payload (each is a CBOR item of its own
 * inside a byte string). Arrays, maps and tags each count a level; the top
 * item is level 1. */
#define SCEAU_CBOR_DEPTH_MAX 16

/* COSE algorithm identifiers (RFC 9053) this layer knows. */
#define SCEAU_COSE_ES256 (-7)
#define SCEAU_COSE_PS256 (-37)

/* The kid of a signer: the first 8 bytes of SHA-256 over its certificate's
 * DER encoding (as HCERT defines it). */
#define SCEAU_KID_LEN 8

/* ---- Base45 (RFC 9285) ----------------------------------------------- */

/* Encode; *out is NUL-terminated, caller frees with free. */
SCEAU_EXPORT enum sceau_err sceau_base45_encode(const unsigned char *in, size_t len,
						char **out,      /* OUT */
						size_t *out_len, /* OUT, may be NULL */
						struct sceau_error *err);

/* Decode strictly: only the 45 characters of the alphabet (upper case),
 * a length that is not 1 modulo 3, and no triple or pair whose value
 * overflows (a triple above 65535, a pair above 255) — each is
 * SCEAU_ERR_FORMAT with the offending position (a 0-based offset;
 * characters are checked before the length), e.g. "base45: invalid
 * character 'a' at 17". *out: caller frees. */
SCEAU_EXPORT enum sceau_err sceau_base45_decode(const char *in, size_t len,
						unsigned char **out, /* OUT */
						size_t *out_len,     /* OUT */
						struct sceau_error *err);

/* ---- zlib ------------------------------------------------------------ */

/* Compress with zlib (RFC 1950) at the best level. *out: caller frees. */
SCEAU_EXPORT enum sceau_err sceau_zlib_compress(const unsigned char *in, size_t len,
						unsigned char **out, /* OUT */
						size_t *out_len,     /* OUT */
						struct sceau_error *err);

/* Decompress a complete zlib stream, refusing (SCEAU_ERR_FORMAT) to produce
 * more than `max` bytes, a truncated stream, or bytes after its end.
 * *out: caller frees. */
SCEAU_EXPORT enum sceau_err sceau_zlib_decompress(const unsigned char *in, size_t len, size_t max,
						  unsigned char **out, /* OUT */
						  size_t *out_len,     /* OUT */
						  struct sceau_error *err);

/* ---- QR text --------------------------------------------------------- */

/* prefix + Base45(zlib(cose)). *text NUL-terminated, caller frees. A text
 * longer than SCEAU_QR_TEXT_MAX, which sceau_qr_unwrap would refuse, is
 * SCEAU_ERR_INVALID. */
SCEAU_EXPORT enum sceau_err sceau_qr_wrap(const unsigned char *cose, size_t len, const char *prefix,
					  char **text, /* OUT */
					  struct sceau_error *err);

/* The reverse: check the prefix (exactly, case-sensitive), Base45-decode,
 * decompress (at most SCEAU_COSE_MAX). Text longer than SCEAU_QR_TEXT_MAX
 * is refused before anything else. *cose: caller frees. Failures are
 * SCEAU_ERR_FORMAT saying which layer refused the text: "QR text: prefix:
 * ...", "QR text: base45: ..." (positions are offsets into the whole text),
 * "QR text: zlib: ...". */
SCEAU_EXPORT enum sceau_err sceau_qr_unwrap(const char *text, size_t len, const char *prefix,
					    unsigned char **cose, /* OUT */
					    size_t *cose_len,     /* OUT */
					    struct sceau_error *err);

/* ---- COSE_Sign1 carrying a CWT --------------------------------------- */

/* A decoded COSE_Sign1 message. All pointers are owned by the struct;
 * free with sceau_cose_free. */
struct sceau_cose {
	unsigned tags;                /* how many tags wrapped it: 0, 1 (18) or 2 */
	int alg;                      /* COSE alg; 0 when absent */
	unsigned char kid[64];        /* kid (protected header first) */
	size_t kid_len;               /* 0 when absent */
	unsigned char *protected_raw; /* the protected header bstr's bytes */
	size_t protected_len;
	unsigned char *payload; /* the payload bstr's bytes (the CWT) */
	size_t payload_len;
	unsigned char *signature;
	size_t signature_len;
	/* CWT claims (RFC 8392) read from the payload when it is a map. */
	char *iss;            /* claim 1, NULL when absent */
	int has_iat, has_exp; /* claims 6 and 4 present as integers */
	int64_t iat, exp;     /* seconds since the epoch */
	int float_times;      /* iat or exp was a CBOR float (read rounded
				     * down); HCERT and sceau want integers */
	/* The protected content type (label 3) when it is text, else "".
	 * QR payloads have none; sceau's status lists and trust bundles name
	 * theirs, so that one signed object cannot pass for another. */
	char content_type[64];
};

/* Decode a COSE_Sign1 message: well-formed CBOR (depth at most
 * SCEAU_CBOR_DEPTH_MAX, no length beyond the input, nothing after the
 * item), optionally tagged 18 (COSE_Sign1) and optionally wrapped once more
 * in tag 61 (CWT) or a second tag 18; an array of exactly four items
 * [protected bstr, unprotected map, payload bstr, signature bstr]. `alg`
 * and `kid` come from the protected header, or from the unprotected one
 * only when the protected one lacks them. The payload is read as CWT
 * claims when it is a map (iat/exp must be integers, iss text; other
 * types are SCEAU_ERR_FORMAT). Failures are SCEAU_ERR_FORMAT with the
 * reason. *out: caller frees with sceau_cose_free.
 *
 * Also refused: indefinite-length items and simple values other than
 * false, true, null and undefined (anywhere); critical header parameters
 * (label 2); alg or kid twice in one header map, or iss, iat or exp twice
 * in the claims; a kid longer than 64 bytes; an alg that is 0 or outside
 * the range of int; a payload that is not one well-formed CBOR item.
 * Header labels and claims this layer does not know are ignored. */
SCEAU_EXPORT enum sceau_err sceau_cose_decode(const unsigned char *buf, size_t len,
					      struct sceau_cose **out, /* OUT */
					      struct sceau_error *err);
SCEAU_EXPORT void sceau_cose_free(struct sceau_cose *c);

/* Verify the signature of `c` under `pub`: ES256 needs an EC P-256 key and
 * exactly 64 bytes r‖s; PS256 an RSA key (PSS, SHA-256, MGF1-SHA-256, salt
 * 32). Any other alg, or an alg that does not fit the key, is a verdict.
 * Returns SCEAU_OK with verdict valid or invalid; errors only when the
 * check itself could not run (SCEAU_ERR_INVALID when c, pub or v is
 * NULL). Which certificate's key to use (the kid) is the caller's
 * business. */
SCEAU_EXPORT enum sceau_err sceau_cose_verify_signature(const struct sceau_cose *c, EVP_PKEY *pub,
							struct sceau_verdict *v, /* OUT */
							struct sceau_error *err);

/* How far in the future `iat` may be (verifier clock skew), in seconds. */
#define SCEAU_IAT_SKEW 300

/* Judge the CWT times at `at`: iat must be present and no later than
 * at + SCEAU_IAT_SKEW (else not_yet_valid), exp present and at <= exp (else
 * expired); a missing claim is invalid. */
SCEAU_EXPORT void sceau_cose_check_times(const struct sceau_cose *c, time_t at,
					 struct sceau_verdict *v /* OUT */);

/* Build a COSE_Sign1 (tag 18) over `payload` with protected header
 * {1: alg, 4: kid}, an empty unprotected map, and the signature made with
 * `key` (ES256 for EC P-256 keys, PS256 for RSA), all in canonical CBOR.
 * kid: 1 to 64 bytes. Other keys (other curves, Ed25519, ...) and other
 * kid lengths are SCEAU_ERR_INVALID. *out: caller frees. */
SCEAU_EXPORT enum sceau_err sceau_cose_sign(const unsigned char *payload, size_t len, EVP_PKEY *key,
					    const unsigned char *kid, size_t kid_len,
					    unsigned char **out, /* OUT */
					    size_t *out_len,     /* OUT */
					    struct sceau_error *err);

/* sceau_cose_sign with a text content type (label 3) in the protected
 * header: {1: alg, 3: content_type, 4: kid}. content_type NULL is
 * sceau_cose_sign; else 1 to 63 bytes of text. */
SCEAU_EXPORT enum sceau_err sceau_cose_sign_typed(const unsigned char *payload, size_t len,
						  EVP_PKEY *key, const unsigned char *kid,
						  size_t kid_len, const char *content_type,
						  unsigned char **out, /* OUT */
						  size_t *out_len,     /* OUT */
						  struct sceau_error *err);

/* kid of a certificate (see SCEAU_KID_LEN) into kid[SCEAU_KID_LEN]. */
SCEAU_EXPORT enum sceau_err sceau_cert_kid(X509 *cert, unsigned char *kid /* OUT */,
					   struct sceau_error *err);

#ifdef __cplusplus
}
#endif
#endif
