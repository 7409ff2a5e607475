/* sceau — may this signer certificate sign documents of this programme?
 *
 * Path validation is OpenSSL's (X509_verify_cert) with only the given root
 * as trust anchor and the check time set by the caller. Revocation is looked
 * up here rather than with X509_V_FLAG_CRL_CHECK: OpenSSL would judge the
 * CRL's own validity at the check time, and a document signed last year must
 * still be checked against today's CRL. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "internal.h"

static void fmt_date(const ASN1_TIME *t, char *buf, size_t len)
{
	time_t tt = sceau_asn1_time_to_time(t);
	struct tm tm;

	if (tt && gmtime_r(&tt, &tm))
		strftime(buf, len, "%Y-%m-%d %H:%M:%S UTC", &tm);
	else
		snprintf(buf, len, "an unreadable date");
}

static void subject_cn(X509 *x, char *buf, size_t len)
{
	if (sceau_cert_cn(x, buf, len) < 0)
		snprintf(buf, len, "(no common name)");
}

/* Turn an X509_verify_cert failure (times not checked) into a verdict. */
static void path_verdict(X509_STORE_CTX *ctx, struct sceau_verdict *v)
{
	int e = X509_STORE_CTX_get_error(ctx);
	int depth = X509_STORE_CTX_get_error_depth(ctx);
	X509 *bad = X509_STORE_CTX_get_current_cert(ctx);
	char cn[128] = "";

	if (bad)
		subject_cn(bad, cn, sizeof(cn));
	sceau_verdict_set(v, SCEAU_VERDICT_UNTRUSTED,
			  "%s '%s' does not chain to the trusted root: %s",
			  depth == 0 ? "signer certificate" : "certificate", cn,
			  X509_verify_cert_error_string(e));
}

/* Validity of one certificate at `at`; returns 1 and sets a verdict when
 * it is outside. */
static int time_verdict(X509 *x, const char *who, time_t at, struct sceau_verdict *v)
{
	char date[40], cn[128];

	subject_cn(x, cn, sizeof(cn));
	if (X509_cmp_time(X509_get0_notAfter(x), &at) < 0) {
		fmt_date(X509_get0_notAfter(x), date, sizeof(date));
		sceau_verdict_set(v, SCEAU_VERDICT_EXPIRED, "%s '%s' expired on %s", who, cn, date);
		return 1;
	}
	if (X509_cmp_time(X509_get0_notBefore(x), &at) > 0) {
		fmt_date(X509_get0_notBefore(x), date, sizeof(date));
		sceau_verdict_set(v, SCEAU_VERDICT_NOT_YET_VALID, "%s '%s' is valid only from %s",
				  who, cn, date);
		return 1;
	}
	return 0;
}

static void revoked_verdict(X509_REVOKED *entry, struct sceau_verdict *v, const char *cn)
{
	ASN1_ENUMERATED *code = X509_REVOKED_get_ext_d2i(entry, NID_crl_reason, NULL, NULL);
	const char *reason =
		code ? sceau_crl_reason_name((enum sceau_crl_reason)ASN1_ENUMERATED_get(code))
		     : "unspecified";
	char date[40];

	fmt_date(X509_REVOKED_get0_revocationDate(entry), date, sizeof(date));
	sceau_verdict_set(v, SCEAU_VERDICT_REVOKED,
			  "signer certificate '%s' was revoked on %s (%s)", cn, date,
			  reason ? reason : "unknown reason");
	ASN1_ENUMERATED_free(code);
	ERR_clear_error();
}

enum sceau_err sceau_signer_path(X509 *signer, X509 *root, struct sceau_verdict *v,
				 struct sceau_error *err)
{
	enum sceau_err ret = SCEAU_ERR_NOMEM;
	X509_STORE_CTX *ctx = NULL;
	X509_STORE *store = NULL;
	char cn[128] = "";

	subject_cn(signer, cn, sizeof(cn));
	if (!(store = X509_STORE_new()) || !X509_STORE_add_cert(store, root) ||
	    !(ctx = X509_STORE_CTX_new()) || !X509_STORE_CTX_init(ctx, store, signer, NULL)) {
		ret = sceau_fail_ssl(err, SCEAU_ERR_NOMEM, "cannot prepare certificate checking");
		goto out;
	}
	/* Path first, without times: a certificate that does not chain is
	 * untrusted whatever its dates; one that does is judged on revocation
	 * before validity, so a revoked signer reads "revoked" even after its
	 * end date. */
	X509_STORE_CTX_set_flags(ctx, X509_V_FLAG_NO_CHECK_TIME);
	ret = SCEAU_OK;
	errno = 0;
	if (X509_verify_cert(ctx) != 1) {
		/* A failed allocation is an error, never a verdict. */
		if (X509_STORE_CTX_get_error(ctx) == X509_V_ERR_OUT_OF_MEM || sceau_ssl_oom()) {
			ret = sceau_fail(err, SCEAU_ERR_NOMEM,
					 "cannot check signer certificate '%s': out of memory", cn);
			goto out;
		}
		path_verdict(ctx, v);
	} else if (X509_check_ca(signer) != 0)
		sceau_verdict_set(v, SCEAU_VERDICT_UNTRUSTED,
				  "certificate '%s' is a CA, not a document signer", cn);
	else if (!(X509_get_key_usage(signer) & KU_DIGITAL_SIGNATURE))
		sceau_verdict_set(v, SCEAU_VERDICT_UNTRUSTED,
				  "signer certificate '%s' does not allow digital signatures", cn);
	else
		sceau_verdict_set(v, SCEAU_VERDICT_VALID, "signer '%s' chains to the root", cn);
out:
	ERR_clear_error();
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	return ret;
}

int sceau_crl_by_root(X509_CRL *crl, X509 *root)
{
	EVP_PKEY *pub = X509_get0_pubkey(root);
	int ok = X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(root)) == 0 && pub &&
		 X509_CRL_verify(crl, pub) == 1;

	ERR_clear_error();
	return ok;
}

void sceau_signer_policy(X509 *signer, X509 *root, X509_CRL *crl, int crl_checked,
			 enum sceau_program program, time_t at, struct sceau_verdict *v)
{
	X509_REVOKED *entry = NULL;
	char cn[128] = "";
	const char *pname = sceau_program_name(program);

	subject_cn(signer, cn, sizeof(cn));
	if (crl) {
		if (!crl_checked && !sceau_crl_by_root(crl, root)) {
			sceau_verdict_set(v, SCEAU_VERDICT_UNTRUSTED,
					  "the revocation list is not signed by the trusted root");
			return;
		}
		if (X509_CRL_get0_by_cert(crl, &entry, signer) == 1) {
			revoked_verdict(entry, v, cn);
			return;
		}
	}
	if (time_verdict(signer, "signer certificate", at, v) ||
	    time_verdict(root, "root certificate", at, v))
		return;
	if (program == SCEAU_PROGRAM_ANY) {
		sceau_verdict_set(v, SCEAU_VERDICT_VALID, "signer '%s' chains to the trusted root",
				  cn);
		return;
	}
	if (!(sceau_cert_programs(signer) & SCEAU_PROGRAM_BIT(program))) {
		sceau_verdict_set(v, SCEAU_VERDICT_UNTRUSTED,
				  "signer '%s' is not authorised for programme '%s'", cn, pname);
		return;
	}
	sceau_verdict_set(v, SCEAU_VERDICT_VALID, "signer '%s' is authorised for programme '%s'",
			  cn, pname);
}

enum sceau_err sceau_signer_check(X509 *signer, X509 *root, X509_CRL *crl,
				  enum sceau_program program, time_t at, struct sceau_verdict *v,
				  struct sceau_error *err)
{
	enum sceau_err ret;

	if (!signer || !root || !v)
		return sceau_fail(err, SCEAU_ERR_INVALID, "no certificate to check");
	if (!sceau_program_name(program) && program != SCEAU_PROGRAM_ANY)
		return sceau_fail(err, SCEAU_ERR_INVALID, "unknown programme %d", (int)program);
	if (!at)
		at = time(NULL);
	if ((ret = sceau_signer_path(signer, root, v, err)) != SCEAU_OK)
		return ret;
	if (v->code == SCEAU_VERDICT_VALID)
		sceau_signer_policy(signer, root, crl, 0, program, at, v);
	ERR_clear_error();
	return SCEAU_OK;
}
