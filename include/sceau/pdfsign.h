/* sceau — PAdES certification signatures on PDFs (part `pdfsign`).
 *
 * A rendered PDF gets an incremental update (the original bytes are kept
 * as they are) that adds an invisible signature field on page 1, the
 * catalog's /AcroForm with /SigFlags 3 and /Perms /DocMDP (P=1: no change
 * allowed), and a /Sig dictionary: /Filter /Adobe.PPKLite, /SubFilter
 * /ETSI.CAdES.detached, /M, /ByteRange and /Contents. /Contents holds a
 * detached CMS SignedData over the two byte ranges, with the signer's
 * certificate and its chain and exactly three signed attributes:
 * content-type, message-digest and signing-certificate-v2 (PAdES baseline
 * B-B; no signing-time, the time is /M). The update uses a classic xref
 * table, like libharu's. See docs/formats.md, "PDF signature". */
#ifndef SCEAU_PDFSIGN_H
#define SCEAU_PDFSIGN_H
#include <stddef.h>
#include <time.h>
#include <openssl/safestack.h>
#include <openssl/types.h>
#include "error.h"
#include "export.h"
#ifdef __cplusplus
extern "C" {
#endif

/* STACK_OF(X509), declared here so that this header does not need
 * <openssl/x509.h> before it. */
struct stack_st_X509;

/* Sign `pdf` (`len` bytes; a PDF with a classic xref table, as sceau_render
 * writes) with `key` and its certificate `cert` at time `when` (0: now),
 * adding `chain` (may be NULL; the certificates above `cert`, root last;
 * duplicates of `cert` are skipped) to the CMS. `when` is written as /M
 * only: the CMS carries no time. The original bytes are the output's
 * prefix (with a newline added when they do not end in one). Existing
 * annotations on page 1 and form fields without a signature are kept.
 * The trailer gains an /ID (the original's first string when it has one;
 * else the first 16 bytes of the SHA-256 of the original bytes, twice).
 * Keys: EC (ECDSA with SHA-256) or RSA (PKCS#1 v1.5 with SHA-256).
 * Errors: SCEAU_ERR_FORMAT (not a PDF this signer can update: no
 * startxref, damaged objects, an xref stream, encrypted, no page,
 * already signed or certified), SCEAU_ERR_MISMATCH (the key does not
 * match `cert`), SCEAU_ERR_CRYPTO, SCEAU_ERR_NOMEM; on error *out is NULL
 * and *out_len 0. *out: the signed PDF, caller frees with free. */
SCEAU_EXPORT enum sceau_err sceau_pdf_sign(const unsigned char *pdf, size_t len, X509 *cert,
					   STACK_OF(X509) * chain, EVP_PKEY *key, time_t when,
					   unsigned char **out, /* OUT */
					   size_t *out_len,     /* OUT */
					   struct sceau_error *err);

#ifdef __cplusplus
}
#endif
#endif
