/* sceau — is this PDF genuine, whole, from an authorised body, and in
 * force? Offline (part `verify`).
 *
 * Any PDF is read (ours or another tool's) with a hardened parser; every
 * signature is checked:
 *   coverage   /ByteRange is four integers, starts at 0, its gap is
 *              exactly the dictionary's own hex /Contents, and it ends at
 *              the end of the file (else `modified`, naming the bytes added)
 *   CMS        the digest over the two ranges (streamed), the signature
 *              over the signed attributes, RSA or ECDSA with SHA-256/384/512;
 *              PAdES rules for ETSI.CAdES.detached (reported, not required
 *              of other SubFilters)
 *   trust      the signer chains to a root of the trust store, was valid
 *              at /M, is not on the root's CRL, and is authorised for the
 *              document's programme
 * and then the document: the QR payload it carries (Info /SceauQR) must
 * verify (sceau_payload_verify: signed by the same certificate, in force
 * at `at`) and agree with the embedded certificate.json (type, number,
 * record digest). The document's verdict is the first that is not valid,
 * in that order. */
#ifndef SCEAU_VERIFY_H
#define SCEAU_VERIFY_H
#include <stddef.h>
#include <time.h>
#include "error.h"
#include "export.h"
#include "payload.h"
#include "trust.h"
#include "verdict.h"
#ifdef __cplusplus
extern "C" {
#endif

/* Largest PDF sceau_pdf_verify_file reads (a certificate is ~40 KB). */
#define SCEAU_PDF_READ_MAX ((size_t)32 << 20)

/* What one signature is and what its check found. */
struct sceau_pdf_sig_report {
	char field[128];    /* the field's name, "" when none */
	char subfilter[64]; /* "ETSI.CAdES.detached", "adbe.pkcs7.detached", ... */
	char signer[128];   /* the signer certificate's common name, "" when unknown */
	char signer_serial[80];
	char signer_issuer[128];   /* its issuer's common name */
	char digest[16];           /* "sha256", ... ("" when unknown) */
	char key_type[32];         /* "ECDSA P-256", "RSA 2048", ... */
	time_t signing_time;       /* /M, 0 when absent or unreadable */
	int has_signing_time_attr; /* the CMS carries a signing-time attribute */
	int pades;                 /* ETSI.CAdES.detached following PAdES B-B */
	char pades_note[128];      /* why it is not PAdES B-B (or was not judged), "" when it is */
	int intact;                /* digest and signature check out over the ranges */
	int whole;                 /* the ranges cover the whole file but /Contents */
	size_t bytes_after;        /* bytes after the signed revision */
	int docmdp_p;              /* DocMDP P of a certification signature, 0 none */
	struct sceau_verdict verdict;
};

struct sceau_pdf_report {
	struct sceau_verdict verdict; /* the document's */
	size_t file_len;
	struct sceau_pdf_sig_report *sigs;
	size_t nsigs;
	size_t nsig_fields; /* signature fields in the file (nsigs may be fewer) */
	/* The certificate the document carries (its QR payload), decoded:
	 * NULL when it carries none; payload->signature_verified says whether
	 * a trusted signer vouches for it. */
	struct sceau_payload *payload;
};

/* Verify `len` bytes of PDF against `trust` at `at` (0: now). Returns
 * SCEAU_OK with *out holding a verdict for anything it was given, garbage
 * and hostile files included (`invalid` with the reason); errors only
 * when verification could not run (memory). *out: caller frees with
 * sceau_pdf_report_free. */
SCEAU_EXPORT enum sceau_err sceau_pdf_verify(const unsigned char *pdf, size_t len,
					     const struct sceau_trust *trust, time_t at,
					     struct sceau_pdf_report **out, /* OUT */
					     struct sceau_error *err);

/* sceau_pdf_verify on a file. A file that cannot be read (missing, a
 * directory, unreadable, larger than SCEAU_PDF_READ_MAX) is an error
 * (SCEAU_ERR_NOT_FOUND, SCEAU_ERR_ACCESS, SCEAU_ERR_INVALID), not a
 * verdict; an empty or non-PDF file is a verdict (`invalid`). */
SCEAU_EXPORT enum sceau_err sceau_pdf_verify_file(const char *path, const struct sceau_trust *trust,
						  time_t at,
						  struct sceau_pdf_report **out, /* OUT */
						  struct sceau_error *err);

SCEAU_EXPORT void sceau_pdf_report_free(struct sceau_pdf_report *r);

#ifdef __cplusplus
}
#endif
#endif
