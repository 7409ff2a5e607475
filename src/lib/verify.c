/* sceau — verification of a received PDF: every signature (verify_sig.c),
 * trust in its signer, then the certificate the document carries.
 *
 * The order of the document's checks is the order of the verdicts a
 * person should see first: a file that cannot be a signed certificate
 * (invalid), one changed after signing (modified), one whose signer no
 * trusted root vouches for (untrusted, revoked, expired at /M), and only
 * then the certificate itself: its QR payload, signed by the same
 * certificate as the PDF, agreeing with the embedded record, in force. */
#include <stdlib.h>
#include <string.h>
#include <openssl/x509.h>

#include "trust_int.h"
#include "verify_int.h"

/* Which verdict of several signatures speaks for the document: the most
 * serious (invalid, modified, revoked, untrusted, suspended, superseded,
 * expired, not_yet_valid). */
static int severity(enum sceau_verdict_code c)
{
	return sceau_verdict_severity(c);
}

/* Trust in one intact signature's signer for `program` at its signing
 * time. */
static enum sceau_err judge(const struct sceau_trust *trust, X509 *signer,
			    enum sceau_program program, time_t at, struct sceau_pdf_sig_report *r,
			    struct sceau_error *err)
{
	struct sceau_verdict tv = {0};
	time_t when = r->signing_time ? r->signing_time : at;
	enum sceau_err ret;

	if ((ret = sceau_trust_judge(trust, signer, program, when, &tv, err)) != SCEAU_OK)
		return ret;
	if (tv.code != SCEAU_VERDICT_VALID) {
		r->verdict = tv;
		return SCEAU_OK;
	}
	if (r->signing_time > at + 300) {
		sceau_verdict_set(&r->verdict, SCEAU_VERDICT_NOT_YET_VALID,
				  "the signature's time (/M) is after the time of verification");
		return SCEAU_OK;
	}
	sceau_verdict_set(&r->verdict, SCEAU_VERDICT_VALID, "the whole file is signed; %s",
			  tv.reason);
	return SCEAU_OK;
}

/* Does the embedded record agree with the payload? Sets v when not. */
static enum sceau_err agree(const struct sceau_pdf_facts *f, const struct sceau_payload *p,
			    const struct sceau_pdf_sig_report *sig, X509 *signer,
			    struct sceau_verdict *v, struct sceau_error *err)
{
	struct sceau_record *rec = NULL;
	struct sceau_error e = {0};
	unsigned char kid[SCEAU_KID_LEN], digest[32];
	const char *number;
	enum sceau_err ret;

	/* The QR and the PDF are signed by one certificate: a payload from
	 * another body's document cannot be carried by this one. */
	if ((ret = sceau_cert_kid(signer, kid, err)) != SCEAU_OK)
		return ret;
	if (memcmp(kid, p->kid, sizeof(kid)) != 0 ||
	    strcmp(p->signer_serial, sig->signer_serial) != 0) {
		sceau_verdict_set(v, SCEAU_VERDICT_INVALID,
				  "the QR payload is signed by '%s', the PDF by '%s'",
				  p->signer_name, sig->signer);
		return SCEAU_OK;
	}
	if (!f->record_json) {
		sceau_verdict_set(v, SCEAU_VERDICT_INVALID,
				  "the PDF does not embed its record (certificate.json)");
		return SCEAU_OK;
	}
	ret = sceau_record_parse((const char *)f->record_json, f->record_len, &rec, &e);
	if (ret == SCEAU_ERR_NOMEM) {
		*err = e;
		return ret;
	}
	if (ret != SCEAU_OK) {
		sceau_verdict_set(v, SCEAU_VERDICT_INVALID,
				  "the embedded certificate.json is not a valid record: %s", e.msg);
		return SCEAU_OK;
	}
	if ((ret = sceau_record_digest(rec, digest, err)) != SCEAU_OK)
		goto out;
	number = sceau_record_get(rec, "number");
	if (sceau_record_type(rec) != p->type) {
		sceau_verdict_set(
			v, SCEAU_VERDICT_INVALID,
			"the embedded record is a %s certificate, the QR payload a %s one",
			sceau_program_name(sceau_record_type(rec)), sceau_program_name(p->type));
	} else if (!number || !p->number || strcmp(number, p->number) != 0) {
		sceau_verdict_set(v, SCEAU_VERDICT_INVALID,
				  "the embedded record is number '%s', the QR payload '%s'",
				  number ? number : "", p->number ? p->number : "");
	} else if (memcmp(digest, p->digest, sizeof(digest)) != 0) {
		sceau_verdict_set(v, SCEAU_VERDICT_INVALID,
				  "the embedded record does not match the QR payload's digest");
	}
out:
	sceau_record_free(rec);
	return ret;
}

/* The document's verdict once every signature is valid. */
static enum sceau_err document(const struct sceau_pdf_facts *f, struct sceau_pdf_report *r,
			       X509 *signer, struct sceau_verdict *pv, struct sceau_error *err)
{
	const struct sceau_pdf_sig_report *sig = &r->sigs[r->nsigs - 1];
	struct sceau_verdict av = {SCEAU_VERDICT_VALID, "", ""};
	struct sceau_payload *p = r->payload;
	enum sceau_err ret;

	if (!f->qr_text) {
		sceau_verdict_set(
			&r->verdict, SCEAU_VERDICT_INVALID,
			"the PDF is signed but carries no sceau certificate (no /SceauQR)");
		return SCEAU_OK;
	}
	if (!p || !p->signature_verified) {
		sceau_verdict_set(&r->verdict, pv->code, "QR payload: %s", pv->reason);
		return SCEAU_OK;
	}
	if ((ret = agree(f, p, sig, signer, &av, err)) != SCEAU_OK)
		return ret;
	if (av.code != SCEAU_VERDICT_VALID) {
		r->verdict = av;
		return SCEAU_OK;
	}
	/* The payload's verdict carries the document's standing in its
	 * body's status list (revoked, suspended, superseded) and the
	 * warning of a stale or missing list. */
	if (pv->code != SCEAU_VERDICT_VALID) {
		r->verdict = *pv;
		return SCEAU_OK;
	}
	sceau_verdict_set(&r->verdict, SCEAU_VERDICT_VALID,
			  "%s certificate %s issued by '%s', signed by '%s', whole and in force",
			  sceau_program_name(p->type), p->number, p->issuer, sig->signer);
	memcpy(r->verdict.warning, pv->warning, sizeof(r->verdict.warning));
	return SCEAU_OK;
}

enum sceau_err sceau_pdf_verify(const unsigned char *pdf, size_t len,
				const struct sceau_trust *trust, time_t at,
				struct sceau_pdf_report **out, struct sceau_error *err)
{
	enum sceau_err ret = SCEAU_ERR_NOMEM;
	struct sceau_pdf_report *r = NULL;
	struct sceau_pdf_facts *f = NULL;
	struct sceau_verdict pv = {SCEAU_VERDICT_INVALID, "", ""};
	struct sceau_error e = {0};
	X509 **signers = NULL;
	enum sceau_program program = SCEAU_PROGRAM_ANY;
	size_t worst = 0;

	*out = NULL;
	if (!trust)
		return sceau_fail(err, SCEAU_ERR_INVALID, "no trust store to verify against");
	if (!at)
		at = time(NULL);
	if (!(r = calloc(1, sizeof(*r))))
		goto nomem;
	r->file_len = len;
	if (len == 0) {
		sceau_verdict_set(&r->verdict, SCEAU_VERDICT_INVALID, "the file is empty");
		goto done;
	}
	/* sceau_pdf_read refuses anything without %PDF- at offset 0, where a
	 * signature's byte range starts: no unsigned prefix (a polyglot). */
	ret = sceau_pdf_read(pdf, len, &f, &e);
	if (ret == SCEAU_ERR_NOMEM) {
		*err = e;
		goto out;
	}
	if (ret != SCEAU_OK) {
		sceau_verdict_set(&r->verdict, SCEAU_VERDICT_INVALID, "%s", e.msg);
		goto done;
	}
	r->nsig_fields = f->nsig_fields;
	if (f->nsig_fields > SCEAU_PDF_SIGS_MAX) {
		sceau_verdict_set(&r->verdict, SCEAU_VERDICT_INVALID,
				  "the PDF has %zu signature fields; sceau checks at most %d",
				  f->nsig_fields, SCEAU_PDF_SIGS_MAX);
		goto done;
	}
	if (f->nsigs == 0) {
		sceau_verdict_set(&r->verdict, SCEAU_VERDICT_INVALID, "the PDF is not signed");
		goto done;
	}
	/* The programme is the one the document claims: its signer must be
	 * authorised for it (whether the claim holds is judged below). */
	if (f->qr_text) {
		ret = sceau_payload_verify(f->qr_text, strlen(f->qr_text), trust, at, &r->payload,
					   &pv, err);
		if (ret != SCEAU_OK)
			goto out;
		if (r->payload)
			program = r->payload->type;
	}
	if (!(r->sigs = calloc(f->nsigs, sizeof(*r->sigs))) ||
	    !(signers = calloc(f->nsigs, sizeof(*signers))))
		goto nomem;
	r->nsigs = f->nsigs;
	for (size_t i = 0; i < f->nsigs; i++) {
		struct sceau_pdf_sig_report *s = &r->sigs[i];
		int weak = 0;
		if ((ret = sceau_sig_check(pdf, len, &f->sigs[i], s, &signers[i], &weak, err)) !=
		    SCEAU_OK)
			goto out;
		if (s->verdict.code == SCEAU_VERDICT_VALID &&
		    (ret = judge(trust, signers[i], program, at, s, err)) != SCEAU_OK)
			goto out;
		/* after trust: an untrusted signer is the first thing to say */
		if (weak && s->verdict.code == SCEAU_VERDICT_VALID)
			sceau_verdict_set(
				&s->verdict, SCEAU_VERDICT_INVALID,
				"the signature uses SHA-1, which is not accepted (SHA-256, "
				"SHA-384, SHA-512)");
		if (severity(s->verdict.code) > severity(r->sigs[worst].verdict.code))
			worst = i;
	}
	if (r->sigs[worst].verdict.code != SCEAU_VERDICT_VALID) {
		const struct sceau_pdf_sig_report *s = &r->sigs[worst];
		if (r->nsigs == 1)
			r->verdict = s->verdict;
		else
			sceau_verdict_set(&r->verdict, s->verdict.code, "signature %zu of %zu: %s",
					  worst + 1, r->nsigs, s->verdict.reason);
		goto done;
	}
	if ((ret = document(f, r, signers[r->nsigs - 1], &pv, err)) != SCEAU_OK)
		goto out;
done:
	*out = r;
	r = NULL;
	ret = SCEAU_OK;
	goto out;
nomem:
	ret = sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory verifying a PDF");
out:
	for (size_t i = 0; signers && f && i < f->nsigs; i++)
		X509_free(signers[i]);
	free(signers);
	sceau_pdf_facts_free(f);
	sceau_pdf_report_free(r);
	return ret;
}

enum sceau_err sceau_pdf_verify_file(const char *path, const struct sceau_trust *trust, time_t at,
				     struct sceau_pdf_report **out, struct sceau_error *err)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	enum sceau_err ret;

	*out = NULL;
	if ((ret = sceau_fs_read(path, SCEAU_PDF_READ_MAX, "PDF", &buf, &len, err)) != SCEAU_OK)
		return ret;
	ret = sceau_pdf_verify(buf, len, trust, at, out, err);
	free(buf);
	return ret;
}

void sceau_pdf_report_free(struct sceau_pdf_report *r)
{
	if (!r)
		return;
	free(r->sigs);
	sceau_payload_free(r->payload);
	free(r);
}
