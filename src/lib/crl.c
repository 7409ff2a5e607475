/* sceau — the root's certificate revocation list. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "internal.h"

static const struct {
	enum sceau_crl_reason code;
	const char *name;
} reasons[] = {
	{SCEAU_REASON_UNSPECIFIED, "unspecified"},
	{SCEAU_REASON_KEY_COMPROMISE, "keyCompromise"},
	{SCEAU_REASON_CA_COMPROMISE, "cACompromise"},
	{SCEAU_REASON_AFFILIATION_CHANGED, "affiliationChanged"},
	{SCEAU_REASON_SUPERSEDED, "superseded"},
	{SCEAU_REASON_CESSATION_OF_OPERATION, "cessationOfOperation"},
	{SCEAU_REASON_PRIVILEGE_WITHDRAWN, "privilegeWithdrawn"},
};
#define NREASONS (sizeof(reasons) / sizeof(reasons[0]))

const char *sceau_crl_reason_name(enum sceau_crl_reason r)
{
	for (size_t i = 0; i < NREASONS; i++)
		if (reasons[i].code == r)
			return reasons[i].name;
	return NULL;
}

enum sceau_err sceau_crl_reason_from_name(const char *name, enum sceau_crl_reason *out,
					  struct sceau_error *err)
{
	char known[256] = "";
	size_t used = 0;

	for (size_t i = 0; name && i < NREASONS; i++) {
		if (!strcasecmp(name, reasons[i].name)) {
			*out = reasons[i].code;
			return SCEAU_OK;
		}
	}
	for (size_t i = 0; i < NREASONS; i++) {
		int n = snprintf(known + used, sizeof(known) - used, "%s%s", i ? ", " : "",
				 reasons[i].name);
		if (n > 0 && (size_t)n < sizeof(known) - used)
			used += (size_t)n;
	}
	return sceau_fail(err, SCEAU_ERR_INVALID, "unknown revocation reason '%.64s' (known: %s)",
			  name ? name : "", known);
}

long sceau_crl_number(X509_CRL *crl)
{
	ASN1_INTEGER *num = X509_CRL_get_ext_d2i(crl, NID_crl_number, NULL, NULL);
	long n = num ? ASN1_INTEGER_get(num) : -1;

	ASN1_INTEGER_free(num);
	ERR_clear_error();
	return n;
}

static int add_entry(X509_CRL *crl, X509 *cert, enum sceau_crl_reason reason, time_t now)
{
	ASN1_ENUMERATED *code = NULL;
	X509_REVOKED *r = X509_REVOKED_new();
	ASN1_TIME *when = ASN1_TIME_adj(NULL, now, 0, 0);
	int ok = r && when && /* it copies the serial; the cast only drops a const the API lacks */
		 X509_REVOKED_set_serialNumber(r, (ASN1_INTEGER *)X509_get0_serialNumber(cert)) &&
		 X509_REVOKED_set_revocationDate(r, when);

	/* RFC 5280 5.3.1: leave the reason out rather than say "unspecified". */
	if (ok && reason != SCEAU_REASON_UNSPECIFIED)
		ok = (code = ASN1_ENUMERATED_new()) && ASN1_ENUMERATED_set(code, (long)reason) &&
		     X509_REVOKED_add1_ext_i2d(r, NID_crl_reason, code, 0, 0) == 1;
	if (ok)
		ok = X509_CRL_add0_revoked(crl, r);
	if (!ok)
		X509_REVOKED_free(r);
	ASN1_ENUMERATED_free(code);
	ASN1_TIME_free(when);
	return ok;
}

enum sceau_err sceau_crl_make(X509 *root, EVP_PKEY *root_key, X509_CRL *prev, X509 *revoke,
			      enum sceau_crl_reason reason, time_t now, int days, X509_CRL **out,
			      struct sceau_error *err)
{
	X509_CRL *crl = X509_CRL_new();
	ASN1_TIME *last = ASN1_TIME_adj(NULL, now, 0, 0);
	ASN1_TIME *next = ASN1_TIME_adj(NULL, now, days, 0);
	ASN1_INTEGER *number = ASN1_INTEGER_new();
	X509_EXTENSION *aki = NULL;
	long prev_number = prev ? sceau_crl_number(prev) : 0;
	X509V3_CTX ctx;
	int ok;

	*out = NULL;
	ok = crl && last && next && number && X509_CRL_set_version(crl, X509_CRL_VERSION_2) &&
	     X509_CRL_set_issuer_name(crl, X509_get_subject_name(root)) &&
	     X509_CRL_set1_lastUpdate(crl, last) && X509_CRL_set1_nextUpdate(crl, next);
	if (ok && prev) {
		STACK_OF(X509_REVOKED) *old = X509_CRL_get_REVOKED(prev);
		for (int i = 0; ok && i < sk_X509_REVOKED_num(old); i++) {
			X509_REVOKED *dup = X509_REVOKED_dup(sk_X509_REVOKED_value(old, i));
			ok = dup && X509_CRL_add0_revoked(crl, dup);
			if (!ok)
				X509_REVOKED_free(dup);
		}
	}
	if (ok && revoke)
		ok = add_entry(crl, revoke, reason, now);
	if (ok) {
		X509V3_set_ctx(&ctx, root, NULL, NULL, crl, 0);
		aki = X509V3_EXT_conf_nid(NULL, &ctx, NID_authority_key_identifier, "keyid:always");
		ok = aki && X509_CRL_add_ext(crl, aki, -1) &&
		     ASN1_INTEGER_set(number, (prev_number < 0 ? 0 : prev_number) + 1) &&
		     X509_CRL_add1_ext_i2d(crl, NID_crl_number, number, 0, 0) == 1 &&
		     X509_CRL_sort(crl) && X509_CRL_sign(crl, root_key, EVP_sha256());
	}
	X509_EXTENSION_free(aki);
	ASN1_INTEGER_free(number);
	ASN1_TIME_free(last);
	ASN1_TIME_free(next);
	if (!ok) {
		X509_CRL_free(crl);
		return sceau_fail_ssl(err, SCEAU_ERR_CRYPTO, "cannot build the revocation list");
	}
	*out = crl;
	return SCEAU_OK;
}

enum sceau_err sceau_crl_to_pem(X509_CRL *crl, unsigned char **pem, size_t *pem_len,
				struct sceau_error *err)
{
	enum sceau_err ret;
	BIO *bio = BIO_new(BIO_s_mem());

	if (!bio || !PEM_write_bio_X509_CRL(bio, crl))
		ret = sceau_fail_ssl(err, SCEAU_ERR_CRYPTO, "cannot encode the revocation list");
	else
		ret = sceau_bio_take(bio, pem, pem_len, err);
	BIO_free(bio);
	return ret;
}

enum sceau_err sceau_crl_parse(const unsigned char *buf, size_t len, const char *path,
			       X509_CRL **out, struct sceau_error *err)
{
	enum sceau_err ret = SCEAU_OK;
	BIO *bio = NULL;
	char label[64];

	*out = NULL;
	sceau_pem_label(buf, len, label, sizeof(label));
	if (!*label) {
		const unsigned char *p = buf;
		*out = d2i_X509_CRL(NULL, &p, (long)len);
		if (!*out)
			ret = sceau_fail_ssl(err, SCEAU_ERR_FORMAT,
					     "'%s' is not a revocation list (neither PEM nor DER)",
					     path);
	} else if (strcmp(label, "X509 CRL") != 0) {
		ret = sceau_fail(err, SCEAU_ERR_FORMAT, "'%s' holds %s, not a revocation list",
				 path, sceau_pem_label_words(label));
	} else if (!(bio = BIO_new_mem_buf(buf, (int)len)) ||
		   !(*out = PEM_read_bio_X509_CRL(bio, NULL, NULL, NULL))) {
		ret = sceau_fail_ssl(err, SCEAU_ERR_FORMAT, "cannot parse revocation list '%s'",
				     path);
	}
	ERR_clear_error();
	BIO_free(bio);
	return ret;
}

enum sceau_err sceau_crl_load(const char *path, X509_CRL **out, struct sceau_error *err)
{
	enum sceau_err ret;
	unsigned char *buf = NULL;
	size_t len = 0;

	if (!path || !out)
		return sceau_fail(err, SCEAU_ERR_INVALID, "no revocation list given");
	*out = NULL;
	ret = sceau_fs_read(path, SCEAU_READ_MAX, "revocation list", &buf, &len, err);
	if (ret == SCEAU_OK)
		ret = sceau_crl_parse(buf, len, path, out, err);
	free(buf);
	return ret;
}
