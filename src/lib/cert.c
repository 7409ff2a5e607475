/* sceau — X.509 certificates: the root CA and the signers it authorises. */
#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "internal.h"

#define NAME_MAX_CHARS 64 /* X.520 ub-common-name */

enum sceau_err sceau_check_name(const char *name, struct sceau_error *err)
{
	const unsigned char *p = (const unsigned char *)name;
	size_t chars = 0;

	if (!name || !*name)
		return sceau_fail(err, SCEAU_ERR_INVALID, "the name is empty");
	while (*p) {
		unsigned c = *p;
		size_t n = c < 0x80             ? 1
			   : (c & 0xe0) == 0xc0 ? 2
			   : (c & 0xf0) == 0xe0 ? 3
			   : (c & 0xf8) == 0xf0 ? 4
						: 0;
		unsigned cp = n == 1 ? c : n == 2 ? c & 0x1f : n == 3 ? c & 0x0f : c & 0x07;

		if (n == 0)
			goto bad_utf8;
		for (size_t i = 1; i < n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				goto bad_utf8;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			goto bad_utf8;
		if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0))
			return sceau_fail(err, SCEAU_ERR_INVALID,
					  "the name contains a control character");
		p += n;
		chars++;
	}
	if (chars > NAME_MAX_CHARS)
		return sceau_fail(err, SCEAU_ERR_INVALID,
				  "the name is %zu characters long, at most %d are allowed", chars,
				  NAME_MAX_CHARS);
	return SCEAU_OK;
bad_utf8:
	return sceau_fail(err, SCEAU_ERR_INVALID, "the name is not valid UTF-8");
}

time_t sceau_asn1_time_to_time(const ASN1_TIME *t)
{
	struct tm tm;

	if (!t || !ASN1_TIME_to_tm(t, &tm))
		return 0;
	return timegm(&tm);
}

static enum sceau_err set_random_serial(X509 *x, struct sceau_error *err)
{
	unsigned char buf[16];
	ASN1_INTEGER *ai = NULL;
	BIGNUM *bn = NULL;
	int ok;

	/* 127 bits: positive, and always 16 bytes long once encoded, so the
	 * serial carries at least 64 bits of randomness (CA/B BR 7.1). */
	if (RAND_bytes(buf, sizeof(buf)) != 1)
		return sceau_fail_ssl(err, SCEAU_ERR_CRYPTO, "cannot draw a random serial");
	buf[0] = (unsigned char)((buf[0] & 0x7f) | 0x40);
	ok = (bn = BN_bin2bn(buf, sizeof(buf), NULL)) && (ai = BN_to_ASN1_INTEGER(bn, NULL)) &&
	     X509_set_serialNumber(x, ai);
	ASN1_INTEGER_free(ai);
	BN_free(bn);
	return ok ? SCEAU_OK : sceau_fail_ssl(err, SCEAU_ERR_CRYPTO, "cannot set the serial");
}

static int add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
	X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, ctx, nid, value);
	int ok = ext && X509_add_ext(x, ext, -1);

	X509_EXTENSION_free(ext);
	return ok;
}

/* Version, serial, subject, validity and public key, common to both kinds. */
static enum sceau_err make_base(EVP_PKEY *key, const char *name, time_t now, int days, X509 **out,
				struct sceau_error *err)
{
	enum sceau_err ret;
	X509_NAME *subject;
	X509 *x = X509_new();

	*out = NULL;
	if (!x)
		return sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
	ret = set_random_serial(x, err);
	if (ret != SCEAU_OK)
		goto fail;
	subject = X509_get_subject_name(x);
	if (!X509_set_version(x, X509_VERSION_3) ||
	    !X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8, (const unsigned char *)name,
					-1, -1, 0) ||
	    !X509_time_adj_ex(X509_getm_notBefore(x), 0, -SCEAU_BACKDATE_SECONDS, &now) ||
	    !X509_time_adj_ex(X509_getm_notAfter(x), days, 0, &now) || !X509_set_pubkey(x, key)) {
		ret = sceau_fail_ssl(err, SCEAU_ERR_CRYPTO, "cannot build the certificate");
		goto fail;
	}
	*out = x;
	return SCEAU_OK;
fail:
	X509_free(x);
	return ret;
}

enum sceau_err sceau_cert_make_root(EVP_PKEY *key, const char *name, time_t now, int days,
				    X509 **out, struct sceau_error *err)
{
	enum sceau_err ret;
	X509V3_CTX ctx;
	X509 *x = NULL;

	ret = make_base(key, name, now, days, &x, err);
	if (ret != SCEAU_OK)
		return ret;
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	if (!X509_set_issuer_name(x, X509_get_subject_name(x)) ||
	    !add_ext(x, &ctx, NID_basic_constraints, "critical,CA:TRUE,pathlen:0") ||
	    !add_ext(x, &ctx, NID_key_usage, "critical,keyCertSign,cRLSign") ||
	    !add_ext(x, &ctx, NID_subject_key_identifier, "hash") ||
	    !X509_sign(x, key, EVP_sha256())) {
		X509_free(x);
		return sceau_fail_ssl(err, SCEAU_ERR_CRYPTO, "cannot sign the root certificate");
	}
	*out = x;
	return SCEAU_OK;
}

enum sceau_err sceau_cert_make_signer(EVP_PKEY *key, const char *name, unsigned programs,
				      X509 *root, EVP_PKEY *root_key, time_t now, int days,
				      X509 **out, int *clamped, struct sceau_error *err)
{
	const enum sceau_program *all;
	enum sceau_err ret;
	char eku[512] = "emailProtection";
	size_t nall, used = strlen(eku);
	X509V3_CTX ctx;
	X509 *x = NULL;

	*clamped = 0;
	all = sceau_program_all(&nall);
	for (size_t i = 0; i < nall; i++) {
		if (!(programs & SCEAU_PROGRAM_BIT(all[i])))
			continue;
		int n = snprintf(eku + used, sizeof(eku) - used, ",%s", sceau_program_oid(all[i]));
		if (n < 0 || (size_t)n >= sizeof(eku) - used)
			return sceau_fail(err, SCEAU_ERR_INTERNAL, "too many programmes");
		used += (size_t)n;
	}
	if (used == strlen("emailProtection"))
		return sceau_fail(err, SCEAU_ERR_INVALID, "a signer needs at least one programme");

	ret = make_base(key, name, now, days, &x, err);
	if (ret != SCEAU_OK)
		return ret;
	/* Never valid beyond the root: a chain is only as valid as its root. */
	if (ASN1_TIME_compare(X509_get0_notAfter(x), X509_get0_notAfter(root)) > 0) {
		if (!X509_set1_notAfter(x, X509_get0_notAfter(root))) {
			ret = sceau_fail_ssl(err, SCEAU_ERR_CRYPTO, "cannot set the validity");
			goto fail;
		}
		*clamped = 1;
	}
	X509V3_set_ctx(&ctx, root, x, NULL, NULL, 0);
	if (!X509_set_issuer_name(x, X509_get_subject_name(root)) ||
	    !add_ext(x, &ctx, NID_basic_constraints, "critical,CA:FALSE") ||
	    !add_ext(x, &ctx, NID_key_usage, "critical,digitalSignature,nonRepudiation") ||
	    !add_ext(x, &ctx, NID_ext_key_usage, eku) ||
	    !add_ext(x, &ctx, NID_subject_key_identifier, "hash") ||
	    !add_ext(x, &ctx, NID_authority_key_identifier, "keyid:always") ||
	    !X509_sign(x, root_key, EVP_sha256())) {
		ret = sceau_fail_ssl(err, SCEAU_ERR_CRYPTO, "cannot sign the signer certificate");
		goto fail;
	}
	*out = x;
	return SCEAU_OK;
fail:
	X509_free(x);
	return ret;
}

enum sceau_err sceau_cert_to_pem(X509 *cert, unsigned char **pem, size_t *pem_len,
				 struct sceau_error *err)
{
	enum sceau_err ret;
	BIO *bio = BIO_new(BIO_s_mem());

	if (!bio || !PEM_write_bio_X509(bio, cert))
		ret = sceau_fail_ssl(err, SCEAU_ERR_CRYPTO, "cannot encode the certificate");
	else
		ret = sceau_bio_take(bio, pem, pem_len, err);
	BIO_free(bio);
	return ret;
}

enum sceau_err sceau_cert_parse(const unsigned char *buf, size_t len, const char *path, X509 **out,
				struct sceau_error *err)
{
	enum sceau_err ret = SCEAU_OK;
	BIO *bio = NULL;
	char label[64];

	*out = NULL;
	/* OpenSSL 3.0 parses a certificate whose key or extensions it could
	 * not allocate, and fails later ("unspecified certificate verification
	 * error"): a failed allocation while parsing fails the parse. */
	errno = 0;
	sceau_pem_label(buf, len, label, sizeof(label));
	if (!*label) {
		const unsigned char *p = buf;
		*out = d2i_X509(NULL, &p, (long)len);
		if (!*out)
			ret = sceau_fail_ssl(err, SCEAU_ERR_FORMAT,
					     "'%s' is not a certificate (neither PEM nor DER)",
					     path);
	} else if (strcmp(sceau_pem_label_words(label), "a certificate") != 0) {
		ret = sceau_fail(err, SCEAU_ERR_FORMAT, "'%s' holds %s, not a certificate", path,
				 sceau_pem_label_words(label));
	} else if (!(bio = BIO_new_mem_buf(buf, (int)len)) ||
		   !(*out = PEM_read_bio_X509_AUX(bio, NULL, NULL, NULL))) {
		ret = sceau_fail_ssl(err, SCEAU_ERR_FORMAT, "cannot parse certificate '%s'", path);
	}
	if (ret == SCEAU_OK && errno == ENOMEM) {
		X509_free(*out);
		*out = NULL;
		ret = sceau_fail(err, SCEAU_ERR_NOMEM,
				 "cannot read certificate '%s': out of memory", path);
	}
	ERR_clear_error();
	BIO_free(bio);
	return ret;
}

enum sceau_err sceau_cert_load(const char *path, X509 **out, struct sceau_error *err)
{
	enum sceau_err ret;
	unsigned char *buf = NULL;
	size_t len = 0;

	if (!path || !out)
		return sceau_fail(err, SCEAU_ERR_INVALID, "no certificate file given");
	*out = NULL;
	ret = sceau_fs_read(path, SCEAU_CERT_READ_MAX, "certificate", &buf, &len, err);
	if (ret == SCEAU_OK)
		ret = sceau_cert_parse(buf, len, path, out, err);
	free(buf);
	return ret;
}

enum sceau_err sceau_cert_serial_hex(const X509 *cert, char *buf, size_t len)
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), NULL);
	char *hex = bn ? BN_bn2hex(bn) : NULL;
	enum sceau_err ret = SCEAU_ERR_NOMEM;

	if (hex) {
		ret = strlen(hex) < len ? SCEAU_OK : SCEAU_ERR_INVALID;
		if (ret == SCEAU_OK)
			memcpy(buf, hex, strlen(hex) + 1);
	}
	OPENSSL_free(hex);
	BN_free(bn);
	return ret;
}

unsigned sceau_cert_programs(const X509 *cert)
{
	EXTENDED_KEY_USAGE *eku = X509_get_ext_d2i(cert, NID_ext_key_usage, NULL, NULL);
	const enum sceau_program *all;
	unsigned mask = 0;
	size_t nall;

	if (!eku) {
		ERR_clear_error();
		return 0;
	}
	all = sceau_program_all(&nall);
	for (int i = 0; i < sk_ASN1_OBJECT_num(eku); i++) {
		char txt[128];
		if (OBJ_obj2txt(txt, sizeof(txt), sk_ASN1_OBJECT_value(eku, i), 1) <= 0)
			continue;
		for (size_t j = 0; j < nall; j++)
			if (!strcmp(txt, sceau_program_oid(all[j])))
				mask |= SCEAU_PROGRAM_BIT(all[j]);
	}
	EXTENDED_KEY_USAGE_free(eku);
	return mask;
}

int sceau_cert_cn(X509 *cert, char *buf, size_t len)
{
	if (X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, buf, (int)len) <
	    0) {
		if (len)
			buf[0] = 0;
		return -1;
	}
	return 0;
}
