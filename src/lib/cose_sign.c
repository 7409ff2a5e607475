/* sceau — making a COSE_Sign1 message (RFC 9052) the way HCERT does:
 * tag 18, protected header {1: alg, 4: kid}, empty unprotected header,
 * raw r‖s for ES256. Everything is written in canonical CBOR (shortest
 * heads, map keys in order), so the same inputs give the same bytes up to
 * the signature itself. */
#include <stdlib.h>
#include <string.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "internal.h"
#include "sceau/envelope.h"

#define KID_MAX 64 /* as struct sceau_cose holds it */

/* The algorithm for a signing key, 0 when sceau cannot sign with it. */
static int key_alg(EVP_PKEY *key, const char **why)
{
	char name[80];
	size_t n = 0;
	int nid;

	switch (EVP_PKEY_get_base_id(key)) {
	case EVP_PKEY_RSA:
		return SCEAU_COSE_PS256;
	case EVP_PKEY_EC:
		if (EVP_PKEY_get_group_name(key, name, sizeof(name), &n) != 1) {
			ERR_clear_error();
			*why = "an EC key without a named curve";
			return 0;
		}
		nid = OBJ_sn2nid(name);
		if (nid == NID_undef)
			nid = EC_curve_nist2nid(name);
		if (nid == NID_X9_62_prime256v1)
			return SCEAU_COSE_ES256;
		*why = "an EC key on a curve other than P-256";
		return 0;
	default:
		*why = "neither an EC P-256 nor an RSA key";
		return 0;
	}
}

/* Sign tbs; for ES256 the DER signature becomes r‖s, each left-padded to
 * 32 bytes. *sig: caller frees with free. */
static enum sceau_err sign_tbs(EVP_PKEY *key, int alg, const unsigned char *tbs, size_t tbs_len,
			       unsigned char **sig, size_t *sig_len, struct sceau_error *err)
{
	enum sceau_err ret = SCEAU_ERR_CRYPTO;
	EVP_MD_CTX *md = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	unsigned char *der = NULL, *raw = NULL;
	const unsigned char *p;
	ECDSA_SIG *es = NULL;
	const BIGNUM *r, *s;
	size_t der_len = 0;

	*sig = NULL;
	if (!(md = EVP_MD_CTX_new()) ||
	    EVP_DigestSignInit(md, &pctx, EVP_sha256(), NULL, key) != 1 ||
	    (alg == SCEAU_COSE_PS256 &&
	     (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) <= 0 ||
	      EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) <= 0 ||
	      EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 32) <= 0)) ||
	    EVP_DigestSign(md, NULL, &der_len, tbs, tbs_len) != 1) {
		ret = sceau_fail_ssl(err, SCEAU_ERR_CRYPTO, "cannot prepare the COSE signature");
		goto out;
	}
	if (!(der = malloc(der_len))) {
		ret = sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (EVP_DigestSign(md, der, &der_len, tbs, tbs_len) != 1) {
		ret = sceau_fail_ssl(err, SCEAU_ERR_CRYPTO, "cannot sign the COSE message");
		goto out;
	}
	if (alg == SCEAU_COSE_PS256) {
		*sig = der;
		*sig_len = der_len;
		der = NULL;
		ret = SCEAU_OK;
		goto out;
	}
	p = der;
	if (!(es = d2i_ECDSA_SIG(NULL, &p, (long)der_len))) {
		ret = sceau_fail_ssl(err, SCEAU_ERR_CRYPTO, "cannot read the ECDSA signature");
		goto out;
	}
	if (!(raw = malloc(64))) {
		ret = sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
		goto out;
	}
	ECDSA_SIG_get0(es, &r, &s);
	if (BN_bn2binpad(r, raw, 32) != 32 || BN_bn2binpad(s, raw + 32, 32) != 32) {
		ret = sceau_fail_ssl(err, SCEAU_ERR_CRYPTO, "ECDSA signature value too large");
		goto out;
	}
	*sig = raw;
	*sig_len = 64;
	raw = NULL;
	ret = SCEAU_OK;
out:
	ERR_clear_error();
	ECDSA_SIG_free(es);
	EVP_MD_CTX_free(md);
	free(der);
	free(raw);
	return ret;
}

enum sceau_err sceau_cose_sign(const unsigned char *payload, size_t len, EVP_PKEY *key,
			       const unsigned char *kid, size_t kid_len, unsigned char **out,
			       size_t *out_len, struct sceau_error *err)
{
	return sceau_cose_sign_typed(payload, len, key, kid, kid_len, NULL, out, out_len, err);
}

#define CTY_MAX 63

enum sceau_err sceau_cose_sign_typed(const unsigned char *payload, size_t len, EVP_PKEY *key,
				     const unsigned char *kid, size_t kid_len,
				     const char *content_type, unsigned char **out, size_t *out_len,
				     struct sceau_error *err)
{
	enum sceau_err ret = SCEAU_ERR_INVALID;
	unsigned char prot[1 + 1 + 3 + 1 + 2 + CTY_MAX + 9 + KID_MAX];
	size_t cty_len = content_type ? strlen(content_type) : 0;
	unsigned char *tbs = NULL, *sig = NULL, *buf = NULL;
	size_t prot_len = 0, tbs_len = 0, sig_len = 0, n = 0;
	const char *why = "";
	int alg;

	if (!out || !out_len)
		return sceau_fail(err, SCEAU_ERR_INVALID, "no place for the COSE message");
	*out = NULL;
	*out_len = 0;
	if (!key || (!payload && len > 0))
		return sceau_fail(err, SCEAU_ERR_INVALID, "no payload or key to sign with");
	if (!kid || kid_len == 0 || kid_len > KID_MAX)
		return sceau_fail(err, SCEAU_ERR_INVALID, "kid of %zu bytes (need 1 to %d)",
				  kid ? kid_len : 0, KID_MAX);
	if (content_type && (cty_len == 0 || cty_len > CTY_MAX))
		return sceau_fail(err, SCEAU_ERR_INVALID,
				  "content type of %zu bytes (need 1 to %d)", cty_len, CTY_MAX);
	if (!(alg = key_alg(key, &why)))
		return sceau_fail(err, SCEAU_ERR_INVALID, "cannot sign COSE with %s", why);

	/* {1: alg, [3: cty,] 4: kid}: keys in canonical order, alg as a
	 * negative int. */
	prot_len += sceau_cbor_head(prot + prot_len, 5, content_type ? 3 : 2);
	prot_len += sceau_cbor_head(prot + prot_len, 0, 1);
	prot_len += sceau_cbor_head(prot + prot_len, 1, (uint64_t)(-1 - alg));
	if (content_type) {
		prot_len += sceau_cbor_head(prot + prot_len, 0, 3);
		prot_len += sceau_cbor_head(prot + prot_len, 3, cty_len);
		memcpy(prot + prot_len, content_type, cty_len);
		prot_len += cty_len;
	}
	prot_len += sceau_cbor_head(prot + prot_len, 0, 4);
	prot_len += sceau_cbor_head(prot + prot_len, 2, kid_len);
	memcpy(prot + prot_len, kid, kid_len);
	prot_len += kid_len;

	if ((ret = sceau_cose_sig_structure(prot, prot_len, payload, len, &tbs, &tbs_len, err)) !=
		    SCEAU_OK ||
	    (ret = sign_tbs(key, alg, tbs, tbs_len, &sig, &sig_len, err)) != SCEAU_OK)
		goto out;

	/* 18([bstr prot, {}, bstr payload, bstr sig]); heads at most 9 bytes. */
	if (!(buf = malloc(2 + 9 + prot_len + 1 + 9 + len + 9 + sig_len))) {
		ret = sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
		goto out;
	}
	n += sceau_cbor_head(buf + n, 6, 18);
	n += sceau_cbor_head(buf + n, 4, 4);
	n += sceau_cbor_head(buf + n, 2, prot_len);
	memcpy(buf + n, prot, prot_len);
	n += prot_len;
	n += sceau_cbor_head(buf + n, 5, 0);
	n += sceau_cbor_head(buf + n, 2, len);
	if (len)
		memcpy(buf + n, payload, len);
	n += len;
	n += sceau_cbor_head(buf + n, 2, sig_len);
	memcpy(buf + n, sig, sig_len);
	n += sig_len;
	*out = buf;
	*out_len = n;
	buf = NULL;
	ret = SCEAU_OK;
out:
	free(buf);
	free(sig);
	free(tbs);
	return ret;
}

enum sceau_err sceau_cert_kid(X509 *cert, unsigned char *kid, struct sceau_error *err)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (!cert || !kid)
		return sceau_fail(err, SCEAU_ERR_INVALID, "no certificate");
	/* X509_digest hashes the certificate's DER encoding. */
	if (X509_digest(cert, EVP_sha256(), md, &n) != 1 || n < SCEAU_KID_LEN)
		return sceau_fail_ssl(err, SCEAU_ERR_CRYPTO, "cannot hash the certificate");
	memcpy(kid, md, SCEAU_KID_LEN);
	return SCEAU_OK;
}
