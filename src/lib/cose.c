/* sceau — reading a COSE_Sign1 message that carries a CWT (RFC 9052,
 * RFC 8392), and judging its signature and times.
 *
 * Every byte string is walked by sceau_cbor_wf before libcbor sees it
 * (see cbor_wf.c); then the structure is read strictly: the tags HCERT
 * issuers are known to use, exactly four items of the right types, the
 * header parameters this layer understands read once each, and the CWT
 * times as integers (HCERT: "integer NumericDate"). */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>
#include <cbor.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/rsa.h>

#include "internal.h"
#include "sceau/envelope.h"

#define TAG_COSE_SIGN1 18
#define TAG_CWT        61

#define HDR_ALG  1
#define HDR_CRIT 2
#define HDR_CTY  3
#define HDR_KID  4

#define CLAIM_ISS 1
#define CLAIM_EXP 4
#define CLAIM_IAT 6

/* ---- Sig_structure ------------------------------------------------------ */

enum sceau_err sceau_cose_sig_structure(const unsigned char *prot, size_t prot_len,
					const unsigned char *payload, size_t payload_len,
					unsigned char **out, size_t *out_len,
					struct sceau_error *err)
{
	static const char context[] = "Signature1";
	unsigned char *buf;
	size_t n = 0;

	*out = NULL;
	*out_len = 0;
	/* 1 (array head) + 11 (context) + 2 heads of at most 9 + 1 (h''). */
	if (prot_len > SIZE_MAX / 2 - 32 || payload_len > SIZE_MAX / 2 - 32)
		return sceau_fail(err, SCEAU_ERR_INVALID, "COSE message too large to sign");
	if (!(buf = malloc(32 + prot_len + payload_len)))
		return sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
	n += sceau_cbor_head(buf + n, 4, 4);
	n += sceau_cbor_head(buf + n, 3, sizeof(context) - 1);
	memcpy(buf + n, context, sizeof(context) - 1);
	n += sizeof(context) - 1;
	n += sceau_cbor_head(buf + n, 2, prot_len);
	if (prot_len)
		memcpy(buf + n, prot, prot_len);
	n += prot_len;
	n += sceau_cbor_head(buf + n, 2, 0); /* external_aad: h'' */
	n += sceau_cbor_head(buf + n, 2, payload_len);
	if (payload_len)
		memcpy(buf + n, payload, payload_len);
	n += payload_len;
	*out = buf;
	*out_len = n;
	return SCEAU_OK;
}

/* ---- decoding ------------------------------------------------------------ */

static const char *kind(const cbor_item_t *it)
{
	switch (cbor_typeof(it)) {
	case CBOR_TYPE_UINT:
		return "an unsigned integer";
	case CBOR_TYPE_NEGINT:
		return "a negative integer";
	case CBOR_TYPE_BYTESTRING:
		return "a byte string";
	case CBOR_TYPE_STRING:
		return "a text string";
	case CBOR_TYPE_ARRAY:
		return "an array";
	case CBOR_TYPE_MAP:
		return "a map";
	case CBOR_TYPE_TAG:
		return "a tagged item";
	case CBOR_TYPE_FLOAT_CTRL:
		return cbor_float_ctrl_is_ctrl(it) ? "a simple value" : "a float";
	}
	return "an unknown item";
}

/* An integer item's value: 1 when it fits int64_t, 0 when it is an integer
 * out of that range, -1 when it is not an integer. */
static int int_value(const cbor_item_t *it, int64_t *v)
{
	uint64_t u;

	if (!cbor_is_int(it))
		return -1;
	u = cbor_get_int(it);
	if (u > INT64_MAX)
		return 0;
	*v = cbor_isa_uint(it) ? (int64_t)u : -1 - (int64_t)u;
	return 1;
}

/* Check with the guard, then load with libcbor; *item: caller decrefs. */
static enum sceau_err load(const unsigned char *buf, size_t len, const char *what,
			   cbor_item_t **item, struct sceau_error *err)
{
	struct cbor_load_result res;
	unsigned char *wide = NULL;
	size_t wide_len = 0;
	enum sceau_err ret;

	*item = NULL;
	if ((ret = sceau_cbor_wf(buf, len, what, err)) != SCEAU_OK ||
	    (ret = sceau_cbor_widen_tags(buf, len, &wide, &wide_len, err)) != SCEAU_OK)
		return ret;
	if (wide) {
		buf = wide;
		len = wide_len;
	}
	*item = cbor_load(buf, len, &res);
	if (!*item || res.error.code != CBOR_ERR_NONE || res.read != len) {
		if (*item)
			cbor_decref(item);
		ret = res.error.code == CBOR_ERR_MEMERROR
			      ? sceau_fail(err, SCEAU_ERR_NOMEM, "%s: out of memory", what)
			      : sceau_fail(err, SCEAU_ERR_FORMAT, "%s: libcbor cannot decode it",
					   what);
	}
	free(wide);
	return ret;
}

/* The parameters of one header map this layer reads. */
struct header {
	int has_alg, has_kid, has_cty;
	int64_t alg;
	const unsigned char *cty;
	size_t cty_len;
	const unsigned char *kid;
	size_t kid_len;
};

static enum sceau_err read_header(const cbor_item_t *map, const char *what, struct header *h,
				  struct sceau_error *err)
{
	struct cbor_pair *pairs = cbor_map_handle(map);
	size_t i, n = cbor_map_size(map);
	int64_t label;

	for (i = 0; i < n; i++) {
		/* Labels this layer does not know (other integers, text) are
		 * ignored, as COSE allows for non-critical parameters. */
		if (int_value(pairs[i].key, &label) != 1)
			continue;
		if (label == HDR_CRIT)
			return sceau_fail(err, SCEAU_ERR_FORMAT,
					  "%s: critical parameters (label 2) are not supported",
					  what);
		if (label == HDR_ALG) {
			if (h->has_alg)
				return sceau_fail(err, SCEAU_ERR_FORMAT, "%s: alg appears twice",
						  what);
			if (int_value(pairs[i].value, &h->alg) != 1)
				return sceau_fail(err, SCEAU_ERR_FORMAT,
						  "%s: alg is %s, not an integer in range", what,
						  kind(pairs[i].value));
			if (h->alg == 0 || h->alg < INT_MIN || h->alg > INT_MAX)
				return sceau_fail(err, SCEAU_ERR_FORMAT,
						  "%s: alg %" PRId64 " is not a usable algorithm",
						  what, h->alg);
			h->has_alg = 1;
		} else if (label == HDR_CTY) {
			/* sceau writes text content types to tell a status list
			 * or a trust bundle from a QR payload; CoAP numbers
			 * (DCC vectors use them) are read as none. */
			if (h->has_cty)
				return sceau_fail(err, SCEAU_ERR_FORMAT,
						  "%s: content type appears twice", what);
			if (cbor_isa_uint(pairs[i].value)) {
				h->has_cty = 1;
				continue;
			}
			if (!cbor_isa_string(pairs[i].value) ||
			    cbor_string_length(pairs[i].value) == 0 ||
			    cbor_string_length(pairs[i].value) >=
				    sizeof(((struct sceau_cose *)0)->content_type))
				return sceau_fail(err, SCEAU_ERR_FORMAT,
						  "%s: content type is %s, not a short text", what,
						  kind(pairs[i].value));
			h->cty = cbor_string_handle(pairs[i].value);
			h->cty_len = cbor_string_length(pairs[i].value);
			h->has_cty = 1;
		} else if (label == HDR_KID) {
			if (h->has_kid)
				return sceau_fail(err, SCEAU_ERR_FORMAT, "%s: kid appears twice",
						  what);
			if (!cbor_isa_bytestring(pairs[i].value))
				return sceau_fail(err, SCEAU_ERR_FORMAT,
						  "%s: kid is %s, not a byte string", what,
						  kind(pairs[i].value));
			h->kid = cbor_bytestring_handle(pairs[i].value);
			h->kid_len = cbor_bytestring_length(pairs[i].value);
			if (h->kid_len > sizeof(((struct sceau_cose *)0)->kid))
				return sceau_fail(err, SCEAU_ERR_FORMAT,
						  "%s: kid of %zu bytes is longer than 64", what,
						  h->kid_len);
			h->has_kid = 1;
		}
	}
	return SCEAU_OK;
}

static enum sceau_err copy_bytes(const cbor_item_t *bstr, unsigned char **out, size_t *len,
				 struct sceau_error *err)
{
	*len = cbor_bytestring_length(bstr);
	if (!(*out = malloc(*len ? *len : 1)))
		return sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
	if (*len)
		memcpy(*out, cbor_bytestring_handle(bstr), *len);
	return SCEAU_OK;
}

/* A NumericDate claim: an integer (HCERT 1.0.5 3.3: "integer NumericDate"). */
static enum sceau_err read_time(const cbor_item_t *it, const char *name, int *has, int64_t *v,
				int *float_seen, struct sceau_error *err)
{
	int r;

	if (*has)
		return sceau_fail(err, SCEAU_ERR_FORMAT, "CWT claims: %s appears twice", name);
	if (cbor_isa_float_ctrl(it) && !cbor_float_ctrl_is_ctrl(it)) {
		/* Some DCC issuers wrote floats. Read them (whole seconds, rounded
		 * down) so signatures and times can still be judged at this layer,
		 * and say so: sceau's own payloads require integers (payload.c). */
		double d = cbor_float_get_float(it);
		if (!isfinite(d) || d < -9.2e18 || d > 9.2e18)
			return sceau_fail(err, SCEAU_ERR_FORMAT, "CWT claims: %s is out of range",
					  name);
		*v = (int64_t)floor(d);
		*has = 1;
		*float_seen = 1;
		return SCEAU_OK;
	}
	if ((r = int_value(it, v)) < 0)
		return sceau_fail(err, SCEAU_ERR_FORMAT,
				  "CWT claims: %s is %s, not an integer or a float", name,
				  kind(it));
	if (r == 0)
		return sceau_fail(err, SCEAU_ERR_FORMAT, "CWT claims: %s is out of range", name);
	*has = 1;
	return SCEAU_OK;
}

static enum sceau_err read_claims(const cbor_item_t *map, struct sceau_cose *c,
				  struct sceau_error *err)
{
	struct cbor_pair *pairs = cbor_map_handle(map);
	size_t i, n = cbor_map_size(map), len;
	enum sceau_err ret;
	int64_t key;

	for (i = 0; i < n; i++) {
		const cbor_item_t *v = pairs[i].value;

		if (int_value(pairs[i].key, &key) != 1)
			continue;
		if (key == CLAIM_ISS) {
			if (c->iss)
				return sceau_fail(err, SCEAU_ERR_FORMAT,
						  "CWT claims: iss (1) appears twice");
			if (!cbor_isa_string(v))
				return sceau_fail(err, SCEAU_ERR_FORMAT,
						  "CWT claims: iss (1) is %s, not a text string",
						  kind(v));
			len = cbor_string_length(v);
			if (len && memchr(cbor_string_handle(v), '\0', len))
				return sceau_fail(err, SCEAU_ERR_FORMAT,
						  "CWT claims: iss (1) contains a NUL character");
			if (!(c->iss = malloc(len + 1)))
				return sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
			if (len)
				memcpy(c->iss, cbor_string_handle(v), len);
			c->iss[len] = '\0';
		} else if (key == CLAIM_EXP) {
			ret = read_time(v, "exp (4)", &c->has_exp, &c->exp, &c->float_times, err);
			if (ret != SCEAU_OK)
				return ret;
		} else if (key == CLAIM_IAT) {
			ret = read_time(v, "iat (6)", &c->has_iat, &c->iat, &c->float_times, err);
			if (ret != SCEAU_OK)
				return ret;
		}
	}
	return SCEAU_OK;
}

/* Peel the tags: none, 18, 61(18) or 18(18). */
static enum sceau_err untag(const cbor_item_t *root, const cbor_item_t **msg, unsigned *ntags,
			    struct sceau_error *err)
{
	const cbor_item_t *cur = root;
	uint64_t tags[2];
	unsigned n = 0;

	while (cbor_isa_tag(cur)) {
		cbor_item_t *inner;

		if (n == 2)
			return sceau_fail(err, SCEAU_ERR_FORMAT,
					  "COSE message: more than two tags");
		tags[n++] = cbor_tag_value(cur);
		/* cbor_tag_item counts a reference; the parent keeps its own. */
		inner = cbor_tag_item(cur);
		cbor_intermediate_decref(inner);
		cur = inner;
	}
	if (n >= 1 && tags[n - 1] != TAG_COSE_SIGN1)
		return sceau_fail(err, SCEAU_ERR_FORMAT,
				  "COSE message: tag %" PRIu64 " where COSE_Sign1 (18) belongs",
				  tags[n - 1]);
	if (n == 2 && tags[0] != TAG_CWT && tags[0] != TAG_COSE_SIGN1)
		return sceau_fail(err, SCEAU_ERR_FORMAT,
				  "COSE message: outer tag %" PRIu64 " is neither CWT (61) nor "
				  "COSE_Sign1 (18)",
				  tags[0]);
	*msg = cur;
	*ntags = n;
	return SCEAU_OK;
}

enum sceau_err sceau_cose_decode(const unsigned char *buf, size_t len, struct sceau_cose **out,
				 struct sceau_error *err)
{
	static const char *const item_names[4] = {"protected header", "unprotected header",
						  "payload", "signature"};
	enum sceau_err ret = SCEAU_ERR_FORMAT;
	cbor_item_t *root = NULL, *prot = NULL, *claims = NULL;
	const cbor_item_t *msg = NULL, **items;
	struct header ph = {0}, uh = {0};
	struct sceau_cose *c = NULL;
	size_t i;

	if (!out)
		return sceau_fail(err, SCEAU_ERR_INVALID, "no place for the decoded message");
	*out = NULL;
	if (!buf && len > 0)
		return sceau_fail(err, SCEAU_ERR_INVALID, "no COSE message");
	if (!(c = calloc(1, sizeof(*c))))
		return sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
	if ((ret = load(buf, len, "COSE message", &root, err)) != SCEAU_OK)
		goto out;
	if ((ret = untag(root, &msg, &c->tags, err)) != SCEAU_OK)
		goto out;
	ret = SCEAU_ERR_FORMAT;
	if (!cbor_isa_array(msg) || cbor_array_size(msg) != 4) {
		if (cbor_isa_array(msg))
			sceau_fail(err, ret, "COSE message: an array of %zu items, not 4",
				   cbor_array_size(msg));
		else
			sceau_fail(err, ret, "COSE message: %s, not an array of 4 items",
				   kind(msg));
		goto out;
	}
	items = (const cbor_item_t **)cbor_array_handle(msg);
	for (i = 0; i < 4; i++) {
		int ok = i == 1 ? cbor_isa_map(items[i]) : cbor_isa_bytestring(items[i]);
		if (!ok) {
			sceau_fail(err, ret, "COSE message: the %s is %s, not a %s", item_names[i],
				   kind(items[i]), i == 1 ? "map" : "byte string");
			goto out;
		}
	}

	/* Protected header: a bstr holding a map, or empty for no parameters. */
	if (cbor_bytestring_length(items[0]) > 0) {
		ret = load(cbor_bytestring_handle(items[0]), cbor_bytestring_length(items[0]),
			   "COSE protected header", &prot, err);
		if (ret != SCEAU_OK)
			goto out;
		ret = SCEAU_ERR_FORMAT;
		if (!cbor_isa_map(prot)) {
			sceau_fail(err, ret, "COSE protected header: %s, not a map", kind(prot));
			goto out;
		}
		if ((ret = read_header(prot, "COSE protected header", &ph, err)) != SCEAU_OK)
			goto out;
	}
	if ((ret = read_header(items[1], "COSE unprotected header", &uh, err)) != SCEAU_OK)
		goto out;
	if (ph.has_alg)
		c->alg = (int)ph.alg;
	else if (uh.has_alg)
		c->alg = (int)uh.alg;
	if (ph.has_kid || uh.has_kid) {
		const struct header *h = ph.has_kid ? &ph : &uh;
		if (h->kid_len)
			memcpy(c->kid, h->kid, h->kid_len);
		c->kid_len = h->kid_len;
	}

	/* A content type counts only when protected. */
	if (ph.has_cty && ph.cty) {
		if (memchr(ph.cty, 0, ph.cty_len)) {
			ret = sceau_fail(err, SCEAU_ERR_FORMAT,
					 "COSE protected header: content type holds a NUL");
			goto out;
		}
		memcpy(c->content_type, ph.cty, ph.cty_len);
		c->content_type[ph.cty_len] = 0;
	}

	if ((ret = copy_bytes(items[0], &c->protected_raw, &c->protected_len, err)) != SCEAU_OK ||
	    (ret = copy_bytes(items[2], &c->payload, &c->payload_len, err)) != SCEAU_OK ||
	    (ret = copy_bytes(items[3], &c->signature, &c->signature_len, err)) != SCEAU_OK)
		goto out;

	/* The payload must be CBOR; its claims are read when it is a map. */
	if ((ret = load(c->payload, c->payload_len, "COSE payload", &claims, err)) != SCEAU_OK)
		goto out;
	if (cbor_isa_map(claims) && (ret = read_claims(claims, c, err)) != SCEAU_OK)
		goto out;

	*out = c;
	c = NULL;
	ret = SCEAU_OK;
out:
	if (claims)
		cbor_decref(&claims);
	if (prot)
		cbor_decref(&prot);
	if (root)
		cbor_decref(&root);
	sceau_cose_free(c);
	return ret;
}

void sceau_cose_free(struct sceau_cose *c)
{
	if (!c)
		return;
	free(c->protected_raw);
	free(c->payload);
	free(c->signature);
	free(c->iss);
	free(c);
}

/* ---- signature ------------------------------------------------------------ */

static const char *alg_name(int alg)
{
	switch (alg) {
	case SCEAU_COSE_ES256:
		return "ES256";
	case SCEAU_COSE_PS256:
		return "PS256";
	default:
		return NULL;
	}
}

/* Non-zero when pub is an EC key on P-256. */
static int is_p256(EVP_PKEY *pub)
{
	char name[80];
	size_t n = 0;
	int nid;

	if (EVP_PKEY_get_base_id(pub) != EVP_PKEY_EC)
		return 0;
	if (EVP_PKEY_get_group_name(pub, name, sizeof(name), &n) != 1) {
		ERR_clear_error();
		return 0;
	}
	nid = OBJ_sn2nid(name);
	if (nid == NID_undef)
		nid = EC_curve_nist2nid(name);
	return nid == NID_X9_62_prime256v1;
}

static int is_rsa(EVP_PKEY *pub)
{
	int id = EVP_PKEY_get_base_id(pub);
	return id == EVP_PKEY_RSA || id == EVP_PKEY_RSA_PSS;
}

/* COSE's raw r‖s (RFC 9053, 2.1) as the DER ECDSA-Sig-Value OpenSSL takes. */
static enum sceau_err es256_der(const unsigned char *raw, unsigned char **der, size_t *der_len,
				struct sceau_error *err)
{
	enum sceau_err ret = SCEAU_ERR_NOMEM;
	ECDSA_SIG *sig = NULL;
	BIGNUM *r = NULL, *s = NULL;
	unsigned char *p = NULL;
	int n;

	*der = NULL;
	if (!(sig = ECDSA_SIG_new()) || !(r = BN_bin2bn(raw, 32, NULL)) ||
	    !(s = BN_bin2bn(raw + 32, 32, NULL)) || !ECDSA_SIG_set0(sig, r, s)) {
		ret = sceau_fail_ssl(err, SCEAU_ERR_NOMEM, "cannot convert the ES256 signature");
		goto out;
	}
	r = s = NULL; /* owned by sig now */
	if ((n = i2d_ECDSA_SIG(sig, &p)) <= 0) {
		ret = sceau_fail_ssl(err, SCEAU_ERR_CRYPTO, "cannot convert the ES256 signature");
		goto out;
	}
	*der = p;
	*der_len = (size_t)n;
	ret = SCEAU_OK;
out:
	BN_free(r);
	BN_free(s);
	ECDSA_SIG_free(sig);
	return ret;
}

enum sceau_err sceau_cose_verify_signature(const struct sceau_cose *c, EVP_PKEY *pub,
					   struct sceau_verdict *v, struct sceau_error *err)
{
	enum sceau_err ret = SCEAU_ERR_NOMEM;
	unsigned char *tbs = NULL, *der = NULL;
	const unsigned char *sig;
	size_t tbs_len = 0, sig_len;
	EVP_MD_CTX *md = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	const char *name;
	int rc;

	if (!c || !pub || !v)
		return sceau_fail(err, SCEAU_ERR_INVALID, "no message, key or verdict");
	name = alg_name(c->alg);
	if (c->alg == 0) {
		sceau_verdict_set(v, SCEAU_VERDICT_INVALID, "the COSE headers name no algorithm");
		return SCEAU_OK;
	}
	if (!name) {
		sceau_verdict_set(v, SCEAU_VERDICT_INVALID,
				  "COSE algorithm %d is not supported (only ES256 and PS256)",
				  c->alg);
		return SCEAU_OK;
	}
	if (c->alg == SCEAU_COSE_ES256 && !is_p256(pub)) {
		sceau_verdict_set(v, SCEAU_VERDICT_INVALID,
				  "algorithm ES256 needs an EC P-256 key, the signer's key is %s",
				  EVP_PKEY_get0_type_name(pub) ? EVP_PKEY_get0_type_name(pub)
							       : "of an unknown type");
		return SCEAU_OK;
	}
	if (c->alg == SCEAU_COSE_PS256 && !is_rsa(pub)) {
		sceau_verdict_set(v, SCEAU_VERDICT_INVALID,
				  "algorithm PS256 needs an RSA key, the signer's key is %s",
				  EVP_PKEY_get0_type_name(pub) ? EVP_PKEY_get0_type_name(pub)
							       : "of an unknown type");
		return SCEAU_OK;
	}
	sig = c->signature;
	sig_len = c->signature_len;
	if (c->alg == SCEAU_COSE_ES256) {
		if (sig_len != 64) {
			sceau_verdict_set(v, SCEAU_VERDICT_INVALID,
					  "ES256 signature of %zu bytes, not 64", sig_len);
			return SCEAU_OK;
		}
		if ((ret = es256_der(c->signature, &der, &sig_len, err)) != SCEAU_OK)
			goto out;
		sig = der;
	}
	ret = sceau_cose_sig_structure(c->protected_raw, c->protected_len, c->payload,
				       c->payload_len, &tbs, &tbs_len, err);
	if (ret != SCEAU_OK)
		goto out;
	if (!(md = EVP_MD_CTX_new()) ||
	    EVP_DigestVerifyInit(md, &pctx, EVP_sha256(), NULL, pub) != 1 ||
	    (c->alg == SCEAU_COSE_PS256 &&
	     (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) <= 0 ||
	      EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) <= 0 ||
	      EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 32) <= 0))) {
		ret = sceau_fail_ssl(err, SCEAU_ERR_CRYPTO, "cannot prepare %s verification", name);
		goto out;
	}
	rc = EVP_DigestVerify(md, sig, sig_len, tbs, tbs_len);
	ERR_clear_error();
	if (rc == 1)
		sceau_verdict_set(v, SCEAU_VERDICT_VALID, "the %s signature verifies", name);
	else
		sceau_verdict_set(v, SCEAU_VERDICT_INVALID,
				  "the %s signature does not verify under the signer's key", name);
	ret = SCEAU_OK;
out:
	EVP_MD_CTX_free(md);
	OPENSSL_free(der);
	free(tbs);
	return ret;
}

/* ---- times ----------------------------------------------------------------- */

static void fmt_time(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if ((int64_t)tt == t && gmtime_r(&tt, &tm) && tm.tm_year >= -1900 &&
	    tm.tm_year <= 9999 - 1900)
		strftime(buf, len, "%Y-%m-%d %H:%M:%S UTC", &tm);
	else
		snprintf(buf, len, "%" PRId64 " (seconds since the epoch)", t);
}

void sceau_cose_check_times(const struct sceau_cose *c, time_t at, struct sceau_verdict *v)
{
	int64_t now = (int64_t)at;
	char when[64];

	if (!v)
		return;
	if (!c || !c->has_iat) {
		sceau_verdict_set(v, SCEAU_VERDICT_INVALID, "the payload has no issue time (iat)");
		return;
	}
	if (!c->has_exp) {
		sceau_verdict_set(v, SCEAU_VERDICT_INVALID, "the payload has no expiry time (exp)");
		return;
	}
	/* iat > now + skew, written so that it cannot overflow. */
	if (now <= INT64_MAX - SCEAU_IAT_SKEW && c->iat > now + SCEAU_IAT_SKEW) {
		fmt_time(c->iat, when, sizeof(when));
		sceau_verdict_set(v, SCEAU_VERDICT_NOT_YET_VALID,
				  "issued at %s, later than the verification time", when);
		return;
	}
	if (now > c->exp) {
		fmt_time(c->exp, when, sizeof(when));
		sceau_verdict_set(v, SCEAU_VERDICT_EXPIRED, "expired at %s", when);
		return;
	}
	fmt_time(c->exp, when, sizeof(when));
	sceau_verdict_set(v, SCEAU_VERDICT_VALID, "issued and not expired (until %s)", when);
}
