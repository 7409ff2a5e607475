/* sceau — signed QR payloads: encoding a record, and verifying QR text
 * under a trust store. The envelope (envelope.h) knows nothing of trust;
 * the policy lives here. */
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/x509.h>

#include "cbor_int.h"
#include "qrclaims.h"
#include "record_int.h"
#include "trust_int.h"

void sceau_payload_free(struct sceau_payload *p)
{
	if (!p)
		return;
	free(p->number);
	free(p->issuer);
	free(p->party_name);
	free(p->party_ice);
	free(p->route);
	free(p->route_ref);
	free(p->origin);
	free(p->standard);
	for (size_t i = 0; i < p->n_lines; i++) {
		free(p->lines[i].code);
		free(p->lines[i].text);
		free(p->lines[i].quantity);
		free(p->lines[i].unit);
	}
	free(p->lines);
	free(p->supersedes);
	free(p);
}

/* The end of a calendar date, 23:59:59 UTC: the CWT exp of a record. */
static int64_t end_of_day(const char *date)
{
	int32_t d = 0;
	sceau_date_parse(date, &d);
	return ((int64_t)d + 1) * 86400 - 1;
}

/* ---- encoding --------------------------------------------------------------- */

static enum sceau_err encode_once(const struct sceau_record *rec, const char *iss, time_t iat,
				  EVP_PKEY *key, const unsigned char *kid, const char *prefix,
				  size_t nlines, int cut_name, const unsigned char digest[32],
				  char **text, struct sceau_error *err)
{
	cbor_item_t *cwt = NULL, *doc = NULL;
	unsigned char *claims = NULL, *cose = NULL;
	size_t claims_len = 0, cose_len = 0;
	enum sceau_err ret = SCEAU_ERR_NOMEM;

	if (!(doc = sceau_qrclaims_build(rec, nlines, cut_name, digest)) ||
	    !(cwt = cbor_new_definite_map(4))) {
		ret = sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory building claims");
		goto out;
	}
	/* Deterministic order: 1, 4, 6, then the negative key. */
	if (!sceau_cbor_put(cwt, 1, sceau_cbor_text(iss)) ||
	    !sceau_cbor_put(cwt, 4,
			    sceau_cbor_int(end_of_day(sceau_record_get(rec, "expiry_date")))) ||
	    !sceau_cbor_put(cwt, 6, sceau_cbor_int((int64_t)iat))) {
		ret = sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory building claims");
		goto out;
	}
	ret = sceau_cbor_put(cwt, SCEAU_CWT_DOCUMENT, doc) ? SCEAU_OK : SCEAU_ERR_NOMEM;
	doc = NULL;
	if (ret != SCEAU_OK) {
		sceau_fail(err, ret, "out of memory building claims");
		goto out;
	}
	if ((ret = sceau_cbor_encode(cwt, &claims, &claims_len, err)) != SCEAU_OK ||
	    (ret = sceau_cose_sign(claims, claims_len, key, kid, SCEAU_KID_LEN, &cose, &cose_len,
				   err)) != SCEAU_OK ||
	    (ret = sceau_qr_wrap(cose, cose_len, prefix, text, err)) != SCEAU_OK)
		goto out;
out:
	if (doc)
		cbor_decref(&doc);
	if (cwt)
		cbor_decref(&cwt);
	free(claims);
	free(cose);
	return ret;
}

enum sceau_err sceau_payload_encode(const struct sceau_record *rec, X509 *cert, EVP_PKEY *key,
				    time_t iat, const char *prefix, size_t budget, char **text,
				    struct sceau_error *err)
{
	unsigned char digest[32], kid[SCEAU_KID_LEN];
	char iss[128];
	enum sceau_err ret;
	size_t nlines;
	int cut = 0;

	if (!rec || !cert || !key || !text)
		return sceau_fail(err, SCEAU_ERR_INVALID, "nothing to sign");
	*text = NULL;
	if (X509_check_private_key(cert, key) != 1) {
		ERR_clear_error();
		return sceau_fail(err, SCEAU_ERR_MISMATCH,
				  "the signing key does not belong to the signer certificate");
	}
	sceau_cert_cn(cert, iss, sizeof(iss));
	if (!iss[0])
		return sceau_fail(err, SCEAU_ERR_INVALID,
				  "the signer certificate has no common name");
	if (!prefix)
		prefix = SCEAU_QR_PREFIX;
	if (!budget)
		budget = SCEAU_QR_BUDGET;
	if (!iat)
		iat = time(NULL);
	if ((ret = sceau_record_digest(rec, digest, err)) != SCEAU_OK ||
	    (ret = sceau_cert_kid(cert, kid, err)) != SCEAU_OK)
		return ret;
	nlines = sceau_record_count(rec, "products");
	if (nlines > SCEAU_QR_LINES_MAX)
		nlines = SCEAU_QR_LINES_MAX;
	for (;;) {
		char *t = NULL;
		size_t len;
		ret = encode_once(rec, iss, iat, key, kid, prefix, nlines, cut, digest, &t, err);
		if (ret != SCEAU_OK)
			return ret;
		len = strlen(t);
		if (len <= budget) {
			*text = t;
			return SCEAU_OK;
		}
		free(t);
		/* What goes first when the record is large: product lines from
		 * the end, then the length of the party's name. */
		if (nlines > 0) {
			nlines--;
		} else if (!cut) {
			cut = 1;
		} else {
			return sceau_fail(err, SCEAU_ERR_INVALID,
					  "the QR text needs %zu characters, more than the budget "
					  "of %zu",
					  len, budget);
		}
	}
}

/* ---- decoding --------------------------------------------------------------- */

/* Read the CWT in c->payload: only claims 1, 4, 6 and the document. */
static enum sceau_err read_cwt(const struct sceau_cose *c, struct sceau_payload *p,
			       struct sceau_error *err)
{
	struct cbor_load_result res;
	cbor_item_t *m = NULL, *doc = NULL;
	enum sceau_err ret;

	if ((ret = sceau_cbor_wf(c->payload, c->payload_len, "claims", err)) != SCEAU_OK)
		return ret;
	m = cbor_load(c->payload, c->payload_len, &res);
	if (!m || res.error.code != CBOR_ERR_NONE) {
		ret = sceau_fail(err, SCEAU_ERR_FORMAT, "claims: not CBOR");
		goto out;
	}
	if (!cbor_isa_map(m) || !cbor_map_is_definite(m)) {
		ret = sceau_fail(err, SCEAU_ERR_FORMAT, "claims: expected a map");
		goto out;
	}
	for (size_t i = 0; i < cbor_map_size(m); i++) {
		struct cbor_pair pr = cbor_map_handle(m)[i];
		int64_t k = 0;
		/* Only integer keys are read as integers (libcbor does not check). */
		if ((cbor_isa_uint(pr.key) || cbor_isa_negint(pr.key)) &&
		    cbor_get_int(pr.key) <= 0xFFFFFFFF)
			k = cbor_isa_uint(pr.key) ? (int64_t)cbor_get_int(pr.key)
						  : -1 - (int64_t)cbor_get_int(pr.key);
		if (k == 1 || k == 4 || k == 6)
			continue;
		if (k != SCEAU_CWT_DOCUMENT || doc) {
			ret = sceau_fail(err, SCEAU_ERR_FORMAT, "claims: unexpected claim");
			goto out;
		}
		doc = pr.value;
	}
	if (c->float_times) {
		ret = sceau_fail(err, SCEAU_ERR_FORMAT, "claims: iat and exp must be integers");
		goto out;
	}
	if (!c->iss || !c->has_iat || !c->has_exp || !doc || c->iat <= 0) {
		ret = sceau_fail(err, SCEAU_ERR_FORMAT,
				 "claims: iss, iat, exp and the document claims are required");
		goto out;
	}
	if ((ret = sceau_qrclaims_read(doc, p, err)) != SCEAU_OK)
		goto out;
	/* exp is the last second of the expiry date, which it carries. */
	if (c->exp < 86399 || c->exp > ((int64_t)2932896 + 1) * 86400 - 1 ||
	    (c->exp + 1) % 86400 != 0) {
		ret = sceau_fail(err, SCEAU_ERR_FORMAT,
				 "claims: exp is not the last second of a day");
		goto out;
	}
	sceau_date_format((int32_t)((c->exp + 1) / 86400 - 1), p->expiry_date);
	if (strcmp(p->expiry_date, p->issue_date) < 0) {
		ret = sceau_fail(err, SCEAU_ERR_FORMAT, "claims: expiry date before issue date");
		goto out;
	}
	if (!(p->issuer = strdup(c->iss))) {
		ret = sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
		goto out;
	}
	p->iat = c->iat;
	p->exp = c->exp;
	p->alg = c->alg;
	if (c->kid_len == SCEAU_KID_LEN)
		memcpy(p->kid, c->kid, SCEAU_KID_LEN);
	ret = SCEAU_OK;
out:
	if (m)
		cbor_decref(&m);
	return ret;
}

/* Text → COSE → payload; *cose_out receives the COSE message. */
static enum sceau_err decode(const char *text, size_t len, const char *prefix,
			     struct sceau_cose **cose_out, struct sceau_payload **out,
			     struct sceau_error *err)
{
	unsigned char *bytes = NULL;
	size_t n = 0;
	struct sceau_cose *c = NULL;
	struct sceau_payload *p = NULL;
	enum sceau_err ret;

	*out = NULL;
	if ((ret = sceau_qr_unwrap(text, len, prefix ? prefix : SCEAU_QR_PREFIX, &bytes, &n,
				   err)) != SCEAU_OK ||
	    (ret = sceau_cose_decode(bytes, n, &c, err)) != SCEAU_OK)
		goto out;
	if (c->content_type[0]) {
		ret = sceau_fail(err, SCEAU_ERR_FORMAT,
				 "COSE: content type '%.40s' is not a QR payload's (it has none)",
				 c->content_type);
		goto out;
	}
	if (c->kid_len != SCEAU_KID_LEN) {
		ret = sceau_fail(err, SCEAU_ERR_FORMAT, "COSE: kid must be %d bytes, got %zu",
				 SCEAU_KID_LEN, c->kid_len);
		goto out;
	}
	if (!(p = calloc(1, sizeof(*p)))) {
		ret = sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((ret = read_cwt(c, p, err)) != SCEAU_OK)
		goto out;
	*out = p;
	p = NULL;
	if (cose_out) {
		*cose_out = c;
		c = NULL;
	}
out:
	free(bytes);
	sceau_cose_free(c);
	sceau_payload_free(p);
	return ret;
}

enum sceau_err sceau_payload_decode(const char *text, size_t len, const char *prefix,
				    struct sceau_payload **out, struct sceau_error *err)
{
	if (!text || !out)
		return sceau_fail(err, SCEAU_ERR_INVALID, "no QR text given");
	return decode(text, len, prefix, NULL, out, err);
}

/* ---- verification ------------------------------------------------------------ */

/* Judge the signer `cert` against every root it may chain to: the first
 * root that gives anything but "does not chain" decides. */
enum sceau_err sceau_payload_verify(const char *text, size_t len, const struct sceau_trust *t,
				    time_t at, struct sceau_payload **out, struct sceau_verdict *v,
				    struct sceau_error *err)
{
	struct sceau_payload *p = NULL;
	struct sceau_cose *c = NULL;
	struct sceau_error derr = {0};
	enum sceau_err ret;
	X509 *signer = NULL;
	char kidhex[2 * SCEAU_KID_LEN + 1];
	size_t matches = 0;
	struct sceau_verdict sv = {0};

	if (out)
		*out = NULL;
	if (!text || !t || !v)
		return sceau_fail(err, SCEAU_ERR_INVALID, "nothing to verify");
	v->warning[0] = 0;
	if (!at)
		at = time(NULL);
	ret = decode(text, len, SCEAU_QR_PREFIX, &c, &p, &derr);
	if (ret == SCEAU_ERR_NOMEM || ret == SCEAU_ERR_INTERNAL || ret == SCEAU_ERR_CRYPTO) {
		if (err)
			*err = derr;
		goto out;
	}
	if (ret != SCEAU_OK) {
		sceau_verdict_set(v, SCEAU_VERDICT_INVALID, "not a sceau QR code: %s", derr.msg);
		ret = SCEAU_OK;
		goto out;
	}
	for (size_t i = 0; i < SCEAU_KID_LEN; i++)
		snprintf(kidhex + 2 * i, 3, "%02x", c->kid[i]);
	/* Every trusted signer with this kid is tried: kids are short and
	 * may collide. */
	for (size_t i = 0; i < t->nsigners && !signer; i++) {
		if (memcmp(t->signers[i].kid, c->kid, SCEAU_KID_LEN) != 0)
			continue;
		matches++;
		if ((ret = sceau_cose_verify_signature(c, X509_get0_pubkey(t->signers[i].cert), &sv,
						       err)) != SCEAU_OK)
			goto out;
		if (sv.code == SCEAU_VERDICT_VALID)
			signer = t->signers[i].cert;
	}
	if (!matches) {
		sceau_verdict_set(v, SCEAU_VERDICT_UNTRUSTED,
				  "no trusted signer certificate has kid %s", kidhex);
		goto done;
	}
	if (!signer) {
		sceau_verdict_set(v, SCEAU_VERDICT_INVALID,
				  "signature does not verify (kid %s): %s", kidhex, sv.reason);
		goto done;
	}
	p->signature_verified = 1;
	sceau_cert_cn(signer, p->signer_name, sizeof(p->signer_name));
	sceau_cert_serial_hex(signer, p->signer_serial, sizeof(p->signer_serial));
	if (strcmp(p->issuer, p->signer_name) != 0) {
		sceau_verdict_set(v, SCEAU_VERDICT_INVALID,
				  "the issuer named in the QR code does not match its signer '%s'",
				  p->signer_name);
		goto done;
	}
	/* The signer at the time it signed, then the payload's own times. */
	if ((ret = sceau_trust_judge(t, signer, p->type, (time_t)p->iat, v, err)) != SCEAU_OK)
		goto out;
	if (v->code != SCEAU_VERDICT_VALID)
		goto done;
	/* The payload's times, then its standing in the body's status list,
	 * which speaks over an expiry: revoked and expired says revoked. */
	sceau_cose_check_times(c, at, v);
	sceau_trust_doc_status(t, p->issuer, p->number, at, &p->status, v);
	if (v->code != SCEAU_VERDICT_VALID)
		goto done;
	sceau_verdict_set(v, SCEAU_VERDICT_VALID, "signed by '%s', authorised for %s",
			  p->signer_name, sceau_program_name(p->type));
done:
	ret = SCEAU_OK;
out:
	sceau_cose_free(c);
	if (ret == SCEAU_OK && out) {
		*out = p;
		p = NULL;
	}
	sceau_payload_free(p);
	return ret;
}
