/* sceau — trust bundles: the root, the bodies' signer certificates, the
 * root's CRLs and the bodies' status lists in one COSE_Sign1 signed with
 * the root key (docs/formats.md, "Trust bundles").
 *
 * The payload is a canonical CBOR map. Keys 1 (iss) and 6 (iat) mean what
 * they mean in a CWT, so the generic COSE decoder reads them as claims;
 * the bundle's own items have negative keys, which no CWT claim uses:
 *   1 iss  text   the root's common name
 *   6 iat  uint   issued, seconds since the epoch
 *  -1      uint   sequence (1..2^63-1)
 *  -2      uint   next update
 *  -3      [bstr] the root certificate (DER), exactly one
 *  -4      [bstr] signer certificates (DER)
 *  -5      [bstr] the root's CRLs (DER), at least one
 *  -6      [bstr] status lists, as their bodies published them */
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "cbor_int.h"
#include "bundle_int.h"

enum {
	K_ISS = 1,
	K_IAT = 6,
	K_SEQ = -1,
	K_NEXT = -2,
	K_ROOTS = -3,
	K_SIGNERS = -4,
	K_CRLS = -5,
	K_STATUS = -6
};
/* The keys in canonical order (RFC 8949 4.2.1: by their encoded bytes). */
static const int64_t key_order[] = {K_ISS,   K_IAT,     K_SEQ,  K_NEXT,
				    K_ROOTS, K_SIGNERS, K_CRLS, K_STATUS};
#define NKEYS (sizeof(key_order) / sizeof(key_order[0]))

#define DAY 86400

/* ---- checks shared by build and load ------------------------------------- */

static void cn_of(X509 *x, char *buf, size_t len)
{
	if (sceau_cert_cn(x, buf, len) < 0)
		snprintf(buf, len, "(no common name)");
}

static int is_root_ca(X509 *x)
{
	int ok = X509_self_signed(x, 1) == 1 && X509_check_ca(x) == 1;

	ERR_clear_error();
	return ok;
}

/* Issued and signed by root, and not a CA itself. */
static int issued_by(X509 *cert, X509 *root)
{
	int ok = X509_check_issued(root, cert) == X509_V_OK &&
		 X509_verify(cert, X509_get0_pubkey(root)) == 1 && X509_check_ca(cert) == 0;

	ERR_clear_error();
	return ok;
}

static enum sceau_err check_signer(X509 *cert, X509 *root, struct sceau_error *err)
{
	char cn[128], rcn[128];

	if (issued_by(cert, root))
		return SCEAU_OK;
	cn_of(cert, cn, sizeof(cn));
	cn_of(root, rcn, sizeof(rcn));
	return sceau_fail(err, SCEAU_ERR_MISMATCH,
			  "signer certificate '%s' is not issued by root '%s'", cn, rcn);
}

static enum sceau_err check_crl(X509_CRL *crl, X509 *root, struct sceau_error *err)
{
	char rcn[128];

	if (sceau_crl_by_root(crl, root))
		return SCEAU_OK;
	cn_of(root, rcn, sizeof(rcn));
	return sceau_fail(err, SCEAU_ERR_MISMATCH,
			  "revocation list #%ld is not issued by root '%s'", sceau_crl_number(crl),
			  rcn);
}

static enum sceau_err sha256(const unsigned char *buf, size_t len, unsigned char *md,
			     struct sceau_error *err)
{
	if (EVP_Digest(buf, len, md, NULL, EVP_sha256(), NULL) != 1)
		return sceau_fail_ssl(err, SCEAU_ERR_CRYPTO, "cannot compute SHA-256");
	return SCEAU_OK;
}

/* ---- build ----------------------------------------------------------------- */

static int push_der_cert(cbor_item_t *arr, X509 *x)
{
	unsigned char *der = NULL;
	int n = i2d_X509(x, &der);
	int ok = n > 0 && sceau_cbor_push(arr, sceau_cbor_bytes(der, (size_t)n));

	OPENSSL_free(der);
	return ok;
}

static int push_der_crl(cbor_item_t *arr, X509_CRL *c)
{
	unsigned char *der = NULL;
	int n = i2d_X509_CRL(c, &der);
	int ok = n > 0 && sceau_cbor_push(arr, sceau_cbor_bytes(der, (size_t)n));

	OPENSSL_free(der);
	return ok;
}

static int put_take(cbor_item_t *map, int64_t key, cbor_item_t **value)
{
	cbor_item_t *v = *value;

	*value = NULL;
	return sceau_cbor_put(map, key, v);
}

static enum sceau_err encode_payload(const struct sceau_bundle_params *p, const char *root_cn,
				     time_t issued, time_t next, unsigned char **out,
				     size_t *out_len, struct sceau_error *err)
{
	cbor_item_t *map = cbor_new_definite_map(NKEYS), *roots = NULL, *signers = NULL,
		    *crls = NULL, *status = NULL;
	enum sceau_err ret = SCEAU_ERR_NOMEM;
	int ok;

	roots = cbor_new_definite_array(1);
	signers = cbor_new_definite_array(p->n_signers);
	crls = cbor_new_definite_array(1);
	status = cbor_new_definite_array(p->n_status);
	ok = map && roots && signers && crls && status && push_der_cert(roots, p->root) &&
	     push_der_crl(crls, p->crl);
	for (size_t i = 0; ok && i < p->n_signers; i++)
		ok = push_der_cert(signers, p->signers[i]);
	for (size_t i = 0; ok && i < p->n_status; i++)
		ok = sceau_cbor_push(status, sceau_cbor_bytes(p->status[i], p->status_len[i]));
	if (ok) {
		/* each put takes its value, even when an earlier one failed */
		ok = sceau_cbor_put(map, K_ISS, sceau_cbor_text(root_cn)) &&
		     sceau_cbor_put(map, K_IAT, sceau_cbor_int((int64_t)issued)) &&
		     sceau_cbor_put(map, K_SEQ, sceau_cbor_int((int64_t)p->sequence)) &&
		     sceau_cbor_put(map, K_NEXT, sceau_cbor_int((int64_t)next));
		ok = put_take(map, K_ROOTS, &roots) && ok;
		ok = put_take(map, K_SIGNERS, &signers) && ok;
		ok = put_take(map, K_CRLS, &crls) && ok;
		ok = put_take(map, K_STATUS, &status) && ok;
	}
	if (ok)
		ret = sceau_cbor_encode(map, out, out_len, err);
	else
		sceau_fail(err, ret, "out of memory building the trust bundle");
	if (map)
		cbor_decref(&map);
	if (roots)
		cbor_decref(&roots);
	if (signers)
		cbor_decref(&signers);
	if (crls)
		cbor_decref(&crls);
	if (status)
		cbor_decref(&status);
	return ret;
}

/* The status lists must verify under the bundle's own signers, as a
 * verifier loading it will check. */
static enum sceau_err check_status_lists(const struct sceau_bundle_params *p,
					 struct sceau_error *err)
{
	struct sceau_trust *t = NULL;
	enum sceau_err ret;

	if (p->n_status == 0)
		return SCEAU_OK;
	if ((ret = sceau_trust_new(&t, err)) != SCEAU_OK ||
	    (ret = sceau_trust_add_cert(t, p->root, err)) != SCEAU_OK ||
	    (ret = sceau_trust_add_crl(t, p->crl, err)) != SCEAU_OK)
		goto out;
	for (size_t i = 0; i < p->n_signers; i++)
		if ((ret = sceau_trust_add_cert(t, p->signers[i], err)) != SCEAU_OK)
			goto out;
	for (size_t i = 0; i < p->n_status; i++) {
		struct sceau_error e = {0};
		if (!p->status[i] || !p->status_len[i]) {
			ret = sceau_fail(err, SCEAU_ERR_INVALID, "status list %zu is empty", i + 1);
			goto out;
		}
		if ((ret = sceau_trust_add_status(t, p->status[i], p->status_len[i], &e)) !=
		    SCEAU_OK) {
			ret = sceau_fail(err, ret, "status list %zu: %s", i + 1, e.msg);
			goto out;
		}
	}
out:
	sceau_trust_free(t);
	return ret;
}

enum sceau_err sceau_bundle_build(const struct sceau_bundle_params *p, unsigned char **out,
				  size_t *out_len, struct sceau_error *err)
{
	unsigned char *payload = NULL, kid[SCEAU_KID_LEN];
	size_t payload_len = 0;
	enum sceau_err ret;
	time_t issued, next;
	char cn[128];

	if (!out || !out_len)
		return sceau_fail(err, SCEAU_ERR_INVALID, "no place for the trust bundle");
	*out = NULL;
	*out_len = 0;
	if (!p || !p->root || !p->root_key)
		return sceau_fail(err, SCEAU_ERR_INVALID, "no root certificate and key given");
	if (!p->crl)
		return sceau_fail(err, SCEAU_ERR_INVALID, "no revocation list of the root given");
	if ((p->n_signers && !p->signers) || (p->n_status && (!p->status || !p->status_len)))
		return sceau_fail(err, SCEAU_ERR_INVALID, "signers or status lists missing");
	if (p->n_signers + p->n_status + 1 > SCEAU_BUNDLE_ITEMS_MAX)
		return sceau_fail(err, SCEAU_ERR_INVALID,
				  "too many items for one trust bundle (at most %d)",
				  SCEAU_BUNDLE_ITEMS_MAX);
	if (p->sequence == 0 || p->sequence > INT64_MAX)
		return sceau_fail(err, SCEAU_ERR_INVALID,
				  "sequence %llu of the trust bundle is out of range (1 to %lld)",
				  (unsigned long long)p->sequence, (long long)INT64_MAX);
	cn_of(p->root, cn, sizeof(cn));
	if (!is_root_ca(p->root))
		return sceau_fail(err, SCEAU_ERR_INVALID, "'%s' is not a root CA certificate", cn);
	if (X509_check_private_key(p->root, p->root_key) != 1) {
		ERR_clear_error();
		return sceau_fail(err, SCEAU_ERR_MISMATCH,
				  "the key does not belong to root certificate '%s'", cn);
	}
	issued = p->issued ? p->issued : time(NULL);
	next = p->next_update ? p->next_update : issued + (time_t)SCEAU_BUNDLE_DAYS_DEFAULT * DAY;
	if (issued < 0 || next <= issued)
		return sceau_fail(err, SCEAU_ERR_INVALID,
				  "the trust bundle's next update must come after its issue");
	for (size_t i = 0; i < p->n_signers; i++) {
		if (!p->signers[i])
			return sceau_fail(err, SCEAU_ERR_INVALID, "signer %zu missing", i + 1);
		if ((ret = check_signer(p->signers[i], p->root, err)) != SCEAU_OK)
			return ret;
		for (size_t j = 0; j < i; j++)
			if (X509_cmp(p->signers[i], p->signers[j]) == 0) {
				char scn[128];
				cn_of(p->signers[i], scn, sizeof(scn));
				return sceau_fail(err, SCEAU_ERR_INVALID,
						  "signer certificate '%s' is given twice", scn);
			}
	}
	if ((ret = check_crl(p->crl, p->root, err)) != SCEAU_OK ||
	    (ret = check_status_lists(p, err)) != SCEAU_OK ||
	    (ret = sceau_cert_kid(p->root, kid, err)) != SCEAU_OK ||
	    (ret = encode_payload(p, cn, issued, next, &payload, &payload_len, err)) != SCEAU_OK)
		goto out;
	ret = sceau_cose_sign_typed(payload, payload_len, p->root_key, kid, sizeof(kid),
				    SCEAU_BUNDLE_CTYPE, out, out_len, err);
out:
	free(payload);
	return ret;
}

/* ---- decode ------------------------------------------------------------------ */

void sceau_bundle_free(struct sceau_bundle *b)
{
	if (!b)
		return;
	X509_free(b->root);
	for (size_t i = 0; b->signers && i < b->info.n_signers; i++)
		X509_free(b->signers[i]);
	for (size_t i = 0; b->crls && i < b->info.n_crls; i++)
		X509_CRL_free(b->crls[i]);
	for (size_t i = 0; b->status && i < b->info.n_status; i++)
		free(b->status[i]);
	free(b->signers);
	free(b->crls);
	free(b->status);
	free(b->status_len);
	free(b);
}

#define BAD(...) sceau_fail(err, SCEAU_ERR_FORMAT, __VA_ARGS__)

static int key_of(const cbor_item_t *k, int64_t *v)
{
	uint64_t u = 0;

	if (!cbor_is_int(k))
		return 0;
	u = cbor_get_int(k);
	if (u > INT64_MAX)
		return 0;
	*v = cbor_isa_uint(k) ? (int64_t)u : -1 - (int64_t)u;
	return 1;
}

static enum sceau_err get_uint(const cbor_item_t *v, const char *what, uint64_t max, uint64_t *out,
			       struct sceau_error *err)
{
	if (!cbor_isa_uint(v))
		return BAD("%s is not an unsigned integer", what);
	*out = cbor_get_int(v);
	if (*out > max)
		return BAD("%s is out of range", what);
	return SCEAU_OK;
}

/* An array of byte strings; *n its length, items[i] each. */
static enum sceau_err get_bstrs(const cbor_item_t *v, const char *what, cbor_item_t ***items,
				size_t *n, struct sceau_error *err)
{
	if (!cbor_isa_array(v) || !cbor_array_is_definite(v))
		return BAD("%s is not an array", what);
	*n = cbor_array_size(v);
	*items = cbor_array_handle(v);
	if (*n > SCEAU_BUNDLE_ITEMS_MAX)
		return BAD("more than %d %s", SCEAU_BUNDLE_ITEMS_MAX, what);
	for (size_t i = 0; i < *n; i++)
		if (!cbor_isa_bytestring((*items)[i]) ||
		    !cbor_bytestring_is_definite((*items)[i]) ||
		    cbor_bytestring_length((*items)[i]) == 0)
			return BAD("item %zu of the %s is not a byte string", i + 1, what);
	return SCEAU_OK;
}

static X509 *der_cert(const cbor_item_t *b)
{
	const unsigned char *p = cbor_bytestring_handle(b);
	size_t len = cbor_bytestring_length(b);
	X509 *x = len <= (size_t)INT32_MAX ? d2i_X509(NULL, &p, (long)len) : NULL;

	if (x && p != cbor_bytestring_handle(b) + len) {
		X509_free(x);
		x = NULL;
	}
	ERR_clear_error();
	return x;
}

static X509_CRL *der_crl(const cbor_item_t *b)
{
	const unsigned char *p = cbor_bytestring_handle(b);
	size_t len = cbor_bytestring_length(b);
	X509_CRL *c = len <= (size_t)INT32_MAX ? d2i_X509_CRL(NULL, &p, (long)len) : NULL;

	if (c && p != cbor_bytestring_handle(b) + len) {
		X509_CRL_free(c);
		c = NULL;
	}
	ERR_clear_error();
	return c;
}

/* The payload map, read strictly into b. */
static enum sceau_err read_payload(const cbor_item_t *map, struct sceau_bundle *b,
				   struct sceau_error *err)
{
	struct cbor_pair *pairs;
	cbor_item_t **items;
	enum sceau_err ret;
	uint64_t u = 0;
	size_t n;
	char cn[128];

	if (!cbor_isa_map(map) || !cbor_map_is_definite(map))
		return BAD("the payload is not a map");
	if (cbor_map_size(map) != NKEYS)
		return BAD("the payload has %zu entries, not %zu", cbor_map_size(map),
			   (size_t)NKEYS);
	pairs = cbor_map_handle(map);
	for (size_t i = 0; i < NKEYS; i++) {
		int64_t k;
		if (!key_of(pairs[i].key, &k) || k != key_order[i])
			return BAD("entry %zu of the payload is not key %lld", i + 1,
				   (long long)key_order[i]);
	}
	/* iss: checked against the root below */
	if (!cbor_isa_string(pairs[0].value) || !cbor_string_is_definite(pairs[0].value))
		return BAD("iss (1) is not a text string");
	if ((ret = get_uint(pairs[1].value, "iat (6)", INT64_MAX, &u, err)) != SCEAU_OK)
		return ret;
	b->info.issued = (time_t)u;
	if ((ret = get_uint(pairs[2].value, "the sequence (-1)", INT64_MAX, &u, err)) != SCEAU_OK)
		return ret;
	if (u == 0)
		return BAD("the sequence (-1) is 0");
	b->info.sequence = u;
	if ((ret = get_uint(pairs[3].value, "the next update (-2)", INT64_MAX, &u, err)) !=
	    SCEAU_OK)
		return ret;
	b->info.next_update = (time_t)u;
	if (b->info.next_update <= b->info.issued)
		return BAD("the next update is not after the issue");

	/* -3: exactly one root */
	if ((ret = get_bstrs(pairs[4].value, "roots (-3)", &items, &n, err)) != SCEAU_OK)
		return ret;
	if (n != 1)
		return BAD("%zu root certificates, not 1", n);
	if (!(b->root = der_cert(items[0])))
		return BAD("the root certificate is not a DER certificate");
	b->info.n_roots = 1;
	cn_of(b->root, cn, sizeof(cn));
	if (cbor_string_length(pairs[0].value) != strlen(cn) ||
	    memcmp(cbor_string_handle(pairs[0].value), cn, strlen(cn)) != 0)
		return BAD("iss (1) is not the root's common name '%s'", cn);
	snprintf(b->info.root_name, sizeof(b->info.root_name), "%s", cn);
	if (X509_digest(b->root, EVP_sha256(), b->info.root_fingerprint, NULL) != 1)
		return sceau_fail_ssl(err, SCEAU_ERR_CRYPTO, "cannot compute SHA-256");

	/* -4: signers */
	if ((ret = get_bstrs(pairs[5].value, "signers (-4)", &items, &n, err)) != SCEAU_OK)
		return ret;
	if (n && !(b->signers = calloc(n, sizeof(*b->signers))))
		return sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		if (!(b->signers[i] = der_cert(items[i])))
			return BAD("signer %zu is not a DER certificate", i + 1);
		b->info.n_signers++;
	}

	/* -5: CRLs, at least one */
	if ((ret = get_bstrs(pairs[6].value, "CRLs (-5)", &items, &n, err)) != SCEAU_OK)
		return ret;
	if (n == 0)
		return BAD("no revocation list of the root");
	if (!(b->crls = calloc(n, sizeof(*b->crls))))
		return sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		if (!(b->crls[i] = der_crl(items[i])))
			return BAD("revocation list %zu is not a DER CRL", i + 1);
		b->info.n_crls++;
	}

	/* -6: status lists, kept as bytes */
	if ((ret = get_bstrs(pairs[7].value, "status lists (-6)", &items, &n, err)) != SCEAU_OK)
		return ret;
	if (b->info.n_signers + b->info.n_crls + n > SCEAU_BUNDLE_ITEMS_MAX)
		return BAD("more than %d items", SCEAU_BUNDLE_ITEMS_MAX);
	if (n && (!(b->status = calloc(n, sizeof(*b->status))) ||
		  !(b->status_len = calloc(n, sizeof(*b->status_len)))))
		return sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		size_t len = cbor_bytestring_length(items[i]);
		if (!(b->status[i] = malloc(len)))
			return sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
		memcpy(b->status[i], cbor_bytestring_handle(items[i]), len);
		b->status_len[i] = len;
		b->info.n_status++;
	}
	return SCEAU_OK;
}

/* Decode; *cose (may be NULL) keeps the COSE message for the signature. */
static enum sceau_err decode(const unsigned char *buf, size_t len, struct sceau_bundle **out,
			     struct sceau_cose **cose, struct sceau_error *err)
{
	struct sceau_bundle *b = NULL;
	struct sceau_cose *c = NULL;
	struct sceau_error e = {0};
	struct cbor_load_result res;
	cbor_item_t *map = NULL;
	enum sceau_err ret;

	if (!out)
		return sceau_fail(err, SCEAU_ERR_INVALID, "no place for the trust bundle");
	*out = NULL;
	if (!buf || len == 0)
		return BAD("empty");
	if (len > SCEAU_BUNDLE_MAX)
		return BAD("larger than %zu bytes", SCEAU_BUNDLE_MAX);
	if ((ret = sceau_cose_decode(buf, len, &c, &e)) != SCEAU_OK) {
		ret = sceau_fail(err, ret, "%s", e.msg);
		goto out;
	}
	if (strcmp(c->content_type, SCEAU_BUNDLE_CTYPE) != 0) {
		ret = BAD("content type '%s', not '%s'", c->content_type, SCEAU_BUNDLE_CTYPE);
		goto out;
	}
	if (c->kid_len != SCEAU_KID_LEN) {
		ret = BAD("kid of %zu bytes, not %d", c->kid_len, SCEAU_KID_LEN);
		goto out;
	}
	if (!(b = calloc(1, sizeof(*b)))) {
		ret = sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
		goto out;
	}
	memcpy(b->kid, c->kid, SCEAU_KID_LEN);
	if ((ret = sceau_cbor_wf(c->payload, c->payload_len, "the payload", err)) != SCEAU_OK)
		goto out;
	map = cbor_load(c->payload, c->payload_len, &res);
	if (!map || res.error.code != CBOR_ERR_NONE || res.read != c->payload_len) {
		ret = res.error.code == CBOR_ERR_MEMERROR
			      ? sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory")
			      : BAD("the payload cannot be decoded");
		goto out;
	}
	if ((ret = read_payload(map, b, err)) != SCEAU_OK ||
	    (ret = sha256(c->payload, c->payload_len, b->info.digest, err)) != SCEAU_OK)
		goto out;
	*out = b;
	b = NULL;
	if (cose) {
		*cose = c;
		c = NULL;
	}
out:
	if (map)
		cbor_decref(&map);
	sceau_cose_free(c);
	sceau_bundle_free(b);
	return ret;
}

/* Every failure of a bundle names it: "trust bundle: WHY" when it has no
 * name, else "trust bundle 'NAME' refused: WHY". */
static enum sceau_err named(struct sceau_error *err, enum sceau_err code, const char *name,
			    const struct sceau_error *why)
{
	if (code == SCEAU_ERR_NOMEM)
		return sceau_fail(err, code, "%s", why->msg);
	if (!name)
		return sceau_fail(err, code, "trust bundle: %s", why->msg);
	return sceau_fail(err, code, "trust bundle '%s' refused: %s", name, why->msg);
}

enum sceau_err sceau_bundle_decode(const unsigned char *buf, size_t len, struct sceau_bundle **out,
				   struct sceau_error *err)
{
	struct sceau_error e = {0};
	enum sceau_err ret = decode(buf, len, out, NULL, &e);

	return ret == SCEAU_OK ? SCEAU_OK : named(err, ret, NULL, &e);
}

/* ---- load: decode, then verify everything against the root ------------------ */

static enum sceau_err verify(const struct sceau_bundle *b, const struct sceau_cose *c,
			     const unsigned char *pin, struct sceau_error *err)
{
	const char *cn = b->info.root_name;
	struct sceau_verdict v = {0};
	unsigned char kid[SCEAU_KID_LEN];
	enum sceau_err ret;

	if ((ret = sceau_cert_kid(b->root, kid, err)) != SCEAU_OK)
		return ret;
	if (memcmp(kid, b->kid, SCEAU_KID_LEN) != 0)
		return sceau_fail(err, SCEAU_ERR_MISMATCH,
				  "signed under another kid than its root '%s'", cn);
	if ((ret = sceau_cose_verify_signature(c, X509_get0_pubkey(b->root), &v, err)) != SCEAU_OK)
		return ret;
	if (v.code != SCEAU_VERDICT_VALID)
		return sceau_fail(err, SCEAU_ERR_MISMATCH,
				  "the signature does not verify under its root '%s': %s", cn,
				  v.reason);
	if (!is_root_ca(b->root))
		return sceau_fail(err, SCEAU_ERR_MISMATCH,
				  "its root '%s' is not a self-signed CA certificate", cn);
	if (pin && memcmp(pin, b->info.root_fingerprint, 32) != 0) {
		char got[96], want[96];
		sceau_hex_colons(b->info.root_fingerprint, 32, got);
		sceau_hex_colons(pin, 32, want);
		return sceau_fail(err, SCEAU_ERR_MISMATCH,
				  "signed by root '%s' (SHA-256 %s), not by the pinned root "
				  "(SHA-256 %s)",
				  cn, got, want);
	}
	for (size_t i = 0; i < b->info.n_signers; i++)
		if ((ret = check_signer(b->signers[i], b->root, err)) != SCEAU_OK)
			return ret;
	for (size_t i = 0; i < b->info.n_crls; i++)
		if ((ret = check_crl(b->crls[i], b->root, err)) != SCEAU_OK)
			return ret;
	return SCEAU_OK;
}

enum sceau_err sceau_bundle_load_named(const unsigned char *buf, size_t len,
				       const unsigned char *pin, const char *name,
				       struct sceau_trust **out, struct sceau_bundle_info *info,
				       struct sceau_error *err)
{
	struct sceau_bundle *b = NULL;
	struct sceau_trust *t = NULL;
	struct sceau_cose *c = NULL;
	struct sceau_error e = {0};
	enum sceau_err ret;

	if (out)
		*out = NULL;
	if (info)
		memset(info, 0, sizeof(*info));
	if ((ret = decode(buf, len, &b, &c, &e)) != SCEAU_OK ||
	    (ret = verify(b, c, pin, &e)) != SCEAU_OK ||
	    (ret = sceau_trust_new(&t, &e)) != SCEAU_OK ||
	    (ret = sceau_trust_add_cert(t, b->root, &e)) != SCEAU_OK)
		goto out;
	for (size_t i = 0; i < b->info.n_signers; i++)
		if ((ret = sceau_trust_add_cert(t, b->signers[i], &e)) != SCEAU_OK)
			goto out;
	for (size_t i = 0; i < b->info.n_crls; i++)
		if ((ret = sceau_trust_add_crl(t, b->crls[i], &e)) != SCEAU_OK)
			goto out;
	for (size_t i = 0; i < b->info.n_status; i++) {
		struct sceau_error s = {0};
		if ((ret = sceau_trust_add_status(t, b->status[i], b->status_len[i], &s)) !=
		    SCEAU_OK) {
			sceau_fail(&e, ret, "status list %zu: %s", i + 1, s.msg);
			goto out;
		}
	}
	if (info)
		*info = b->info;
	if (out) {
		*out = t;
		t = NULL;
	}
	ret = SCEAU_OK;
out:
	if (ret != SCEAU_OK)
		named(err, ret, name, &e);
	sceau_trust_free(t);
	sceau_cose_free(c);
	sceau_bundle_free(b);
	return ret;
}

enum sceau_err sceau_bundle_load(const unsigned char *buf, size_t len, const unsigned char *pin,
				 struct sceau_trust **out, struct sceau_bundle_info *info,
				 struct sceau_error *err)
{
	return sceau_bundle_load_named(buf, len, pin, NULL, out, info, err);
}

void sceau_hex_colons(const unsigned char *md, size_t n, char *buf)
{
	static const char hex[] = "0123456789ABCDEF";

	for (size_t i = 0; i < n; i++) {
		buf[3 * i] = hex[md[i] >> 4];
		buf[3 * i + 1] = hex[md[i] & 15];
		buf[3 * i + 2] = i + 1 < n ? ':' : '\0';
	}
	if (n == 0)
		buf[0] = '\0';
}
