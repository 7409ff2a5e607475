/* sceau tests — may this signer sign this programme? Every verdict path has
 * a test that fails without the check it exercises (part: check). */
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "testutil.h"

#define COC   SCEAU_PROGRAM_BIT(SCEAU_PROGRAM_COC)
#define HALAL SCEAU_PROGRAM_BIT(SCEAU_PROGRAM_HALAL)
#define DAY   86400L

static char *tmp;
static X509 *root, *signer;
static X509_CRL *crl;

/* A root, a coc+halal signer, and the root's CRL, made `age` days ago. */
static void make_pki(long age, int root_days, int signer_days, unsigned programs)
{
	char *rdir = tu_path(tmp, "root"), *sdir = tu_path(tmp, "signer");
	char *rcrt = tu_path(rdir, "root.crt"), *scrt = tu_path(sdir, "signer.crt");
	char *cpath = tu_path(rdir, "crl.pem");
	time_t then = time(NULL) - age * DAY;

	tu_make_root(rdir, "Check Root", root_days, then);
	tu_make_signer(rdir, sdir, "Check Body", programs, signer_days, then);
	root = tu_load_cert(rcrt);
	signer = tu_load_cert(scrt);
	crl = tu_load_crl(cpath);
	free(rdir);
	free(sdir);
	free(rcrt);
	free(scrt);
	free(cpath);
}

static void setup(void)
{
	tmp = tu_tmpdir();
}

static void teardown(void)
{
	X509_free(root);
	X509_free(signer);
	X509_CRL_free(crl);
	root = signer = NULL;
	crl = NULL;
	tu_rmrf(tmp);
	free(tmp);
}

/* Revoke the signer made by make_pki; returns the root's new CRL. */
static X509_CRL *revoke_signer(enum sceau_crl_reason reason)
{
	char *rdir = tu_path(tmp, "root"), *scrt = tu_path(tmp, "signer/signer.crt");
	char *cpath = tu_path(rdir, "crl.pem");
	struct sceau_pki_revoke_params p = {.root_dir = rdir,
					    .root_pass = "pw",
					    .root_pass_len = 2,
					    .cert_path = scrt,
					    .crl_days = 30,
					    .reason = reason};
	struct sceau_error err = {0};
	X509_CRL *newer;

	ck_assert_msg(sceau_pki_revoke(&p, NULL, &err) == SCEAU_OK, "%s", err.msg);
	newer = tu_load_crl(cpath);
	free(rdir);
	free(scrt);
	free(cpath);
	return newer;
}

/* A copy of the signer with the extensions in `ext` (nid, openssl value;
 * ending with nid 0) replaced and notAfter moved by `extra_days`, re-signed
 * by the root: a certificate the root really issued, with a profile sceau
 * never issues. */
struct ext_change {
	int nid;
	const char *value;
};

static X509 *resign(const struct ext_change *ext, long extra_days)
{
	char *kpath = tu_path(tmp, "root/root.key");
	struct sceau_error err = {0};
	EVP_PKEY *key = NULL;
	X509 *x = X509_dup(signer);

	ck_assert_msg(sceau_key_load(kpath, "pw", 2, &key, &err) == SCEAU_OK, "%s", err.msg);
	for (; ext && ext->nid; ext++) {
		X509_EXTENSION *e;
		X509V3_CTX ctx;
		int at = X509_get_ext_by_NID(x, ext->nid, -1);
		if (at >= 0)
			X509_EXTENSION_free(X509_delete_ext(x, at));
		X509V3_set_ctx(&ctx, root, x, NULL, NULL, 0);
		e = X509V3_EXT_conf_nid(NULL, &ctx, ext->nid, ext->value);
		ck_assert_ptr_nonnull(e);
		ck_assert(X509_add_ext(x, e, -1));
		X509_EXTENSION_free(e);
	}
	if (extra_days)
		ck_assert_ptr_nonnull(
			X509_time_adj_ex(X509_getm_notAfter(x), (int)extra_days, 0, NULL));
	ck_assert(X509_sign(x, key, EVP_sha256()));
	EVP_PKEY_free(key);
	free(kpath);
	return x;
}

static struct sceau_verdict check(X509 *who, X509 *anchor, X509_CRL *list, enum sceau_program prog,
				  time_t at)
{
	struct sceau_verdict v = {.code = (enum sceau_verdict_code)99};
	struct sceau_error err = {0};

	ck_assert_msg(sceau_signer_check(who, anchor, list, prog, at, &v, &err) == SCEAU_OK, "%s",
		      err.msg);
	return v;
}

START_TEST(test_check_valid_signer_for_each_programme)
{
	struct sceau_verdict v;

	make_pki(0, 3650, 1095, COC | HALAL);
	v = check(signer, root, crl, SCEAU_PROGRAM_COC, 0);
	ck_assert_msg(v.code == SCEAU_VERDICT_VALID, "%s", v.reason);
	v = check(signer, root, crl, SCEAU_PROGRAM_HALAL, 0);
	ck_assert_msg(v.code == SCEAU_VERDICT_VALID, "%s", v.reason);
}
END_TEST

START_TEST(test_check_wrong_programme_is_untrusted)
{
	struct sceau_verdict v;

	make_pki(0, 3650, 1095, COC);
	v = check(signer, root, crl, SCEAU_PROGRAM_COC, 0);
	ck_assert_int_eq(v.code, SCEAU_VERDICT_VALID);
	v = check(signer, root, crl, SCEAU_PROGRAM_HALAL, 0);
	ck_assert_int_eq(v.code, SCEAU_VERDICT_UNTRUSTED);
	ck_assert_str_eq(v.reason, "signer 'Check Body' is not authorised for programme 'halal'");
}
END_TEST

START_TEST(test_check_signer_of_another_root_is_untrusted)
{
	char *odir = tu_path(tmp, "other"), *ocrt = tu_path(odir, "root.crt");
	char *ocrl = tu_path(odir, "crl.pem");
	struct sceau_verdict v;
	X509_CRL *other_crl;
	X509 *other;

	make_pki(0, 3650, 1095, COC | HALAL);
	tu_make_root(odir, "Check Root", 3650, 0); /* same name, other key */
	other = tu_load_cert(ocrt);
	other_crl = tu_load_crl(ocrl);
	v = check(signer, other, other_crl, SCEAU_PROGRAM_COC, 0);
	ck_assert_int_eq(v.code, SCEAU_VERDICT_UNTRUSTED);
	ck_assert_ptr_nonnull(strstr(v.reason, "does not chain to the trusted root"));

	/* The right root with a CRL that is not its own: untrusted too. */
	v = check(signer, root, other_crl, SCEAU_PROGRAM_COC, 0);
	ck_assert_int_eq(v.code, SCEAU_VERDICT_UNTRUSTED);
	ck_assert_ptr_nonnull(strstr(v.reason, "revocation list is not signed"));
	X509_free(other);
	X509_CRL_free(other_crl);
	free(odir);
	free(ocrt);
	free(ocrl);
}
END_TEST

START_TEST(test_check_forged_signer_certificate_is_untrusted)
{
	unsigned char *der = NULL, *p;
	const unsigned char *q;
	struct sceau_verdict v;
	X509 *forged;
	int len;

	make_pki(0, 3650, 1095, COC | HALAL);
	len = i2d_X509(signer, &der);
	ck_assert_int_gt(len, 0);
	/* Change the subject's name: the issuer still matches, the root's
	 * signature over the certificate no longer does. */
	p = memmem(der, (size_t)len, "Check Body", 10);
	ck_assert_ptr_nonnull(p);
	p[6] = 'X';
	q = der;
	forged = d2i_X509(NULL, &q, len);
	ck_assert_ptr_nonnull(forged);
	v = check(forged, root, crl, SCEAU_PROGRAM_COC, 0);
	ck_assert_int_eq(v.code, SCEAU_VERDICT_UNTRUSTED);
	ck_assert_ptr_nonnull(strstr(v.reason, "signature failure"));
	X509_free(forged);
	OPENSSL_free(der);
}
END_TEST

START_TEST(test_check_revoked_signer_is_revoked_with_reason)
{
	struct sceau_verdict v;
	X509_CRL *newer;

	make_pki(10, 3650, 1095, COC | HALAL);
	newer = revoke_signer(SCEAU_REASON_KEY_COMPROMISE);
	v = check(signer, root, newer, SCEAU_PROGRAM_COC, 0);
	ck_assert_int_eq(v.code, SCEAU_VERDICT_REVOKED);
	ck_assert_ptr_nonnull(strstr(v.reason, "(keyCompromise)"));
	/* Still revoked when asked about a time before the revocation: the
	 * signing time a signer claims proves nothing. */
	v = check(signer, root, newer, SCEAU_PROGRAM_COC, time(NULL) - 5 * DAY);
	ck_assert_int_eq(v.code, SCEAU_VERDICT_REVOKED);
	/* The old list does not know yet. */
	v = check(signer, root, crl, SCEAU_PROGRAM_COC, 0);
	ck_assert_int_eq(v.code, SCEAU_VERDICT_VALID);
	X509_CRL_free(newer);
}
END_TEST

START_TEST(test_check_revoked_wins_over_expired)
{
	struct sceau_verdict v;
	X509_CRL *newer;

	make_pki(0, 3650, 30, COC | HALAL);
	newer = revoke_signer(SCEAU_REASON_UNSPECIFIED);
	v = check(signer, root, newer, SCEAU_PROGRAM_COC, time(NULL) + 60 * DAY);
	ck_assert_int_eq(v.code, SCEAU_VERDICT_REVOKED);
	ck_assert_ptr_nonnull(strstr(v.reason, "(unspecified)"));
	X509_CRL_free(newer);
}
END_TEST

START_TEST(test_check_expired_and_not_yet_valid)
{
	struct sceau_verdict v;

	make_pki(0, 3650, 365, COC | HALAL);
	v = check(signer, root, crl, SCEAU_PROGRAM_COC, time(NULL) + 400 * DAY);
	ck_assert_int_eq(v.code, SCEAU_VERDICT_EXPIRED);
	ck_assert_ptr_nonnull(strstr(v.reason, "signer certificate 'Check Body' expired on"));
	v = check(signer, root, crl, SCEAU_PROGRAM_COC, time(NULL) - 2 * DAY);
	ck_assert_int_eq(v.code, SCEAU_VERDICT_NOT_YET_VALID);
	/* A verifier whose clock is a minute slow still accepts a fresh signer. */
	v = check(signer, root, crl, SCEAU_PROGRAM_COC, time(NULL) - 60);
	ck_assert_msg(v.code == SCEAU_VERDICT_VALID, "%s", v.reason);
}
END_TEST

START_TEST(test_check_expired_root_expires_the_signer)
{
	struct sceau_verdict v;

	/* Made 40 days ago with a 30-day root: both have run out by now. */
	make_pki(40, 30, 1095, COC | HALAL);
	v = check(signer, root, crl, SCEAU_PROGRAM_COC, 0);
	ck_assert_int_eq(v.code, SCEAU_VERDICT_EXPIRED);
	/* ...but a document signed while they were valid is checked at its time. */
	v = check(signer, root, crl, SCEAU_PROGRAM_COC, time(NULL) - 35 * DAY);
	ck_assert_msg(v.code == SCEAU_VERDICT_VALID, "%s", v.reason);
}
END_TEST

START_TEST(test_check_a_ca_is_not_a_document_signer)
{
	struct sceau_verdict v;
	X509 *ca;

	make_pki(0, 3650, 1095, COC | HALAL);
	v = check(root, root, crl, SCEAU_PROGRAM_COC, 0);
	ck_assert_int_eq(v.code, SCEAU_VERDICT_UNTRUSTED);
	ck_assert_ptr_nonnull(strstr(v.reason, "is a CA"));
	/* A root-issued sub-CA that may also sign: still not a document signer. */
	ca = resign((const struct ext_change[]){{NID_basic_constraints, "critical,CA:TRUE"},
						{NID_key_usage,
						 "critical,digitalSignature,keyCertSign"},
						{0, NULL}},
		    0);
	v = check(ca, root, crl, SCEAU_PROGRAM_COC, 0);
	ck_assert_int_eq(v.code, SCEAU_VERDICT_UNTRUSTED);
	ck_assert_ptr_nonnull(strstr(v.reason, "is a CA"));
	X509_free(ca);
}
END_TEST

START_TEST(test_check_signer_without_digital_signature_is_untrusted)
{
	struct sceau_verdict v;
	X509 *x;

	make_pki(0, 3650, 1095, COC | HALAL);
	x = resign(
		(const struct ext_change[]){{NID_key_usage, "critical,nonRepudiation"}, {0, NULL}},
		0);
	v = check(x, root, crl, SCEAU_PROGRAM_COC, 0);
	ck_assert_int_eq(v.code, SCEAU_VERDICT_UNTRUSTED);
	ck_assert_ptr_nonnull(strstr(v.reason, "does not allow digital signatures"));
	X509_free(x);
}
END_TEST

START_TEST(test_check_signer_outliving_its_root_expires_with_it)
{
	struct sceau_verdict v;
	X509 *x;

	/* sceau clamps signers to the root's end; a certificate that does not
	 * is judged by the root's validity too. */
	make_pki(0, 30, 1095, COC | HALAL);
	x = resign(NULL, 1000);
	v = check(x, root, crl, SCEAU_PROGRAM_COC, time(NULL) + 60 * DAY);
	ck_assert_int_eq(v.code, SCEAU_VERDICT_EXPIRED);
	ck_assert_ptr_nonnull(strstr(v.reason, "root certificate 'Check Root' expired"));
	X509_free(x);
}
END_TEST

START_TEST(test_check_bad_arguments_are_errors_not_verdicts)
{
	struct sceau_verdict v = {.code = (enum sceau_verdict_code)42};
	struct sceau_error err = {0};

	make_pki(0, 3650, 1095, COC | HALAL);
	ck_assert_int_eq(sceau_signer_check(NULL, root, crl, SCEAU_PROGRAM_COC, 0, &v, &err),
			 SCEAU_ERR_INVALID);
	ck_assert_int_eq(sceau_signer_check(signer, root, crl, (enum sceau_program)7, 0, &v, &err),
			 SCEAU_ERR_INVALID);
	ck_assert_int_eq(v.code, 42);
}
END_TEST

TU_MAIN("signer_check", setup, teardown, test_check_valid_signer_for_each_programme,
	test_check_wrong_programme_is_untrusted, test_check_signer_of_another_root_is_untrusted,
	test_check_forged_signer_certificate_is_untrusted,
	test_check_revoked_signer_is_revoked_with_reason, test_check_revoked_wins_over_expired,
	test_check_expired_and_not_yet_valid, test_check_expired_root_expires_the_signer,
	test_check_a_ca_is_not_a_document_signer,
	test_check_signer_without_digital_signature_is_untrusted,
	test_check_signer_outliving_its_root_expires_with_it,
	test_check_bad_arguments_are_errors_not_verdicts)
