/* sceau — one PDF signature checked on its own: coverage and CMS.
 * Internal; verify.c adds trust and the document. */
#ifndef SCEAU_VERIFY_INT_H
#define SCEAU_VERIFY_INT_H
#include "internal.h"
#include "pdfread_int.h"

/* Check `sig` of the `len`-byte file `buf`: its /ByteRange and /Contents
 * (coverage rules), then the CMS over the ranges (digest streamed from
 * `buf`, signature over the signed attributes, signing-certificate, PAdES
 * rules). Fills `r` (verdict valid when nothing is wrong so far; invalid
 * or modified with the reason otherwise). *signer receives the signer
 * certificate when the CMS named one it carries (caller frees with
 * X509_free), else NULL. *weak is set for a SHA-1 signature: checked so
 * that the report is right, but the caller must not accept it. Errors only
 * when the check could not run. */
enum sceau_err sceau_sig_check(const unsigned char *buf, size_t len,
			       const struct sceau_pdf_sig *sig, struct sceau_pdf_sig_report *r,
			       X509 **signer, /* OUT */
			       int *weak,     /* OUT */
			       struct sceau_error *err);

#endif
