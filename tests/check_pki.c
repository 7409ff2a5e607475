/* sceau tests — the PKI: roots, signers, revocation (part: pki). */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <openssl/pkcs12.h>

#include "testutil.h"

#define COC   SCEAU_PROGRAM_BIT(SCEAU_PROGRAM_COC)
#define HALAL SCEAU_PROGRAM_BIT(SCEAU_PROGRAM_HALAL)
#define DAY   86400

static char *tmp;

static void setup(void)
{
	tmp = tu_tmpdir();
}

static void teardown(void)
{
	tu_rmrf(tmp);
	free(tmp);
	tmp = NULL;
}

static struct sceau_pki_init_params root_params(const char *dir)
{
	struct sceau_pki_init_params p = {.dir = dir,
					  .name = "Test Root",
					  .days = 3650,
					  .crl_days = 30,
					  .pass = "pw",
					  .pass_len = 2};
	return p;
}

static struct sceau_pki_signer_params signer_params(const char *root, const char *dir)
{
	struct sceau_pki_signer_params p = {.root_dir = root,
					    .root_pass = "pw",
					    .root_pass_len = 2,
					    .dir = dir,
					    .name = "Test Body",
					    .programs = COC | HALAL,
					    .days = 1095,
					    .pass = "pw2",
					    .pass_len = 3};
	return p;
}

static struct sceau_pki_revoke_params revoke_params(const char *root, const char *cert)
{
	struct sceau_pki_revoke_params p = {.root_dir = root,
					    .root_pass = "pw",
					    .root_pass_len = 2,
					    .cert_path = cert,
					    .crl_days = 30};
	return p;
}

/* ---- root ------------------------------------------------------------------ */

START_TEST(test_init_writes_root_key_cert_and_crl)
{
	char *dir = tu_path(tmp, "root");
	char *crt = tu_path(dir, "root.crt"), *key = tu_path(dir, "root.key");
	char *crl_path = tu_path(dir, "crl.pem");
	struct sceau_pki_init_params p = root_params(dir);
	struct sceau_error err = {0};
	struct sceau_pki_made made;
	time_t now = time(NULL);
	BASIC_CONSTRAINTS *bc;
	X509 *x;
	X509_CRL *crl;
	char *pem;

	ck_assert_msg(sceau_pki_init(&p, &made, &err) == SCEAU_OK, "%s", err.msg);
	ck_assert_int_eq(tu_mode(dir), 0700);
	ck_assert_int_eq(tu_mode(key), 0600);
	ck_assert_int_eq(tu_count_entries(dir), 3);
	pem = tu_read(key, NULL);
	ck_assert_ptr_nonnull(strstr(pem, "-----BEGIN ENCRYPTED PRIVATE KEY-----"));
	ck_assert_int_eq(strncmp(pem, "-----BEGIN ENCRYPTED PRIVATE KEY-----", 37), 0);
	free(pem);

	x = tu_load_cert(crt);
	bc = X509_get_ext_d2i(x, NID_basic_constraints, NULL, NULL);
	ck_assert_ptr_nonnull(bc);
	ck_assert(bc->ca);
	ck_assert_int_eq(ASN1_INTEGER_get(bc->pathlen), 0);
	BASIC_CONSTRAINTS_free(bc);
	ck_assert_uint_eq(X509_get_key_usage(x), KU_KEY_CERT_SIGN | KU_CRL_SIGN);
	ck_assert_int_eq(X509_check_issued(x, x), X509_V_OK);
	ck_assert_int_eq(X509_verify(x, X509_get0_pubkey(x)), 1);
	ck_assert_int_eq(EVP_PKEY_get_bits(X509_get0_pubkey(x)), 256);
	{
		BIGNUM *serial = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
		ck_assert_int_ge(BN_num_bits(serial), 64);
		ck_assert_int_eq(BN_num_bits(serial), 127);
		BN_free(serial);
	}
	{
		char cn[64];
		X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName, cn, sizeof(cn));
		ck_assert_str_eq(cn, "Test Root");
	}
	ck_assert_int_le(llabs((long long)(made.not_after - (now + 3650L * DAY))),
			 120); /* slack for a slow machine, not a timing test */
	ck_assert_str_ne(made.serial, "");

	ck_assert_int_eq(tu_mode(crt), 0644); /* public */
	ck_assert_int_eq(tu_mode(crl_path), 0644);
	{
		/* The key is PBES2 with scrypt and AES-256-CBC. */
		char *kpem = tu_read(key, NULL);
		BIO *bio = BIO_new_mem_buf(kpem, -1);
		X509_SIG *sig = PEM_read_bio_PKCS8(bio, NULL, NULL, NULL);
		const X509_ALGOR *alg = NULL;
		PBE2PARAM *pbe2;
		ck_assert_ptr_nonnull(sig);
		X509_SIG_get0(sig, &alg, NULL);
		ck_assert_int_eq(OBJ_obj2nid(alg->algorithm), NID_pbes2);
		pbe2 = ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBE2PARAM), alg->parameter);
		ck_assert_ptr_nonnull(pbe2);
		ck_assert_int_eq(OBJ_obj2nid(pbe2->keyfunc->algorithm), NID_id_scrypt);
		ck_assert_int_eq(OBJ_obj2nid(pbe2->encryption->algorithm), NID_aes_256_cbc);
		PBE2PARAM_free(pbe2);
		X509_SIG_free(sig);
		BIO_free(bio);
		free(kpem);
	}
	crl = tu_load_crl(crl_path);
	ck_assert_int_eq(X509_CRL_get_version(crl), X509_CRL_VERSION_2);
	{
		AUTHORITY_KEYID *aki =
			X509_CRL_get_ext_d2i(crl, NID_authority_key_identifier, NULL, NULL);
		ck_assert_ptr_nonnull(aki);
		ck_assert_int_eq(ASN1_OCTET_STRING_cmp(aki->keyid, X509_get0_subject_key_id(x)), 0);
		AUTHORITY_KEYID_free(aki);
	}
	ck_assert_int_eq(X509_CRL_verify(crl, X509_get0_pubkey(x)), 1);
	ck_assert_int_le(sk_X509_REVOKED_num(X509_CRL_get_REVOKED(crl)), 0);
	ck_assert_int_eq(made.crl_entries, 0);
	ck_assert_int_eq(made.crl_number, 1);
	ck_assert_int_le(llabs((long long)(made.crl_next_update - (now + 30L * DAY))), 120);
	ck_assert_ptr_nonnull(X509_CRL_get0_nextUpdate(crl));
	X509_CRL_free(crl);
	X509_free(x);
	free(dir);
	free(crt);
	free(key);
	free(crl_path);
}
END_TEST

START_TEST(test_init_key_loads_with_its_passphrase_only)
{
	char *dir = tu_path(tmp, "root"), *key = tu_path(dir, "root.key");
	struct sceau_error err = {0};
	EVP_PKEY *k = NULL;

	tu_make_root(dir, "R", 10, 0);
	ck_assert_int_eq(sceau_key_load(key, "pw", 2, &k, &err), SCEAU_OK);
	ck_assert_ptr_nonnull(k);
	EVP_PKEY_free(k);
	k = NULL;
	ck_assert_int_eq(sceau_key_load(key, "px", 2, &k, &err), SCEAU_ERR_PASSPHRASE);
	ck_assert_ptr_null(k);
	ck_assert_str_eq(err.msg + strlen(err.msg) - strlen("wrong passphrase"),
			 "wrong passphrase");
	ck_assert_int_eq(sceau_key_load(key, "p", 1, &k, &err), SCEAU_ERR_PASSPHRASE);
	free(dir);
	free(key);
}
END_TEST

START_TEST(test_init_refuses_an_existing_directory)
{
	char *dir = tu_path(tmp, "root");
	struct sceau_pki_init_params p = root_params(dir);
	struct sceau_error err = {0};

	ck_assert_int_eq(mkdir(dir, 0755), 0);
	ck_assert_int_eq(sceau_pki_init(&p, NULL, &err), SCEAU_ERR_EXISTS);
	ck_assert_ptr_nonnull(strstr(err.msg, "already exists"));
	ck_assert_int_eq(tu_count_entries(dir), 0);
	ck_assert_int_eq(tu_count_entries(tmp), 1); /* no staging left behind */
	free(dir);
}
END_TEST

START_TEST(test_init_force_replaces_only_its_own_files)
{
	char *dir = tu_path(tmp, "root"), *keep = tu_path(dir, "keep.txt");
	char *crt = tu_path(dir, "root.crt");
	struct sceau_pki_init_params p = root_params(dir);
	struct sceau_error err = {0};
	struct sceau_pki_made made;
	char *before, *after;

	tu_make_root(dir, "Old Root", 10, 0);
	tu_write(keep, "mine", 4);
	before = tu_read(crt, NULL);
	p.force = 1;
	ck_assert_msg(sceau_pki_init(&p, &made, &err) == SCEAU_OK, "%s", err.msg);
	ck_assert(made.replaced);
	after = tu_read(crt, NULL);
	ck_assert_str_ne(before, after);
	ck_assert(tu_exists(keep));
	/* The replaced certificate is kept under its serial. */
	ck_assert_int_eq(strncmp(made.kept, "root-", 5), 0);
	{
		char *kept = tu_path(dir, made.kept), *old = tu_read(kept, NULL);
		ck_assert_str_eq(old, before);
		free(old);
		free(kept);
	}
	ck_assert_int_eq(tu_count_entries(dir), 5); /* 3 files, kept, keep.txt; no staging */
	free(before);
	free(after);
	free(dir);
	free(keep);
	free(crt);
}
END_TEST

START_TEST(test_init_force_refuses_a_file_or_symlink)
{
	char *file = tu_path(tmp, "file"), *real = tu_path(tmp, "real");
	char *link = tu_path(tmp, "link");
	struct sceau_pki_init_params p = root_params(file);
	struct sceau_error err = {0};

	tu_write(file, "x", 1);
	ck_assert_int_eq(mkdir(real, 0700), 0);
	ck_assert_int_eq(symlink("real", link), 0);
	p.force = 1;
	ck_assert_int_eq(sceau_pki_init(&p, NULL, &err), SCEAU_ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(err.msg, "is not a directory"));
	p.dir = link;
	ck_assert_int_eq(sceau_pki_init(&p, NULL, &err), SCEAU_ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(err.msg, "is a symbolic link"));
	ck_assert_int_eq(tu_count_entries(real), 0);
	free(file);
	free(real);
	free(link);
}
END_TEST

START_TEST(test_init_creates_missing_parents_privately)
{
	char *dir = tu_path(tmp, "a/b/root"), *a = tu_path(tmp, "a");

	tu_make_root(dir, "R", 10, 0);
	ck_assert_int_eq(tu_mode(a), 0700);
	ck_assert_int_eq(tu_mode(dir), 0700);
	free(dir);
	free(a);
}
END_TEST

START_TEST(test_init_rejects_bad_values_and_writes_nothing)
{
	char *dir = tu_path(tmp, "root");
	struct sceau_error err = {0};
	struct sceau_pki_init_params p;
	static const int bad_days[] = {0, -1, 36501};
	char long_name[80];

	for (size_t i = 0; i < sizeof(bad_days) / sizeof(bad_days[0]); i++) {
		p = root_params(dir);
		p.days = bad_days[i];
		ck_assert_int_eq(sceau_pki_init(&p, NULL, &err), SCEAU_ERR_INVALID);
		p = root_params(dir);
		p.crl_days = bad_days[i];
		ck_assert_int_eq(sceau_pki_init(&p, NULL, &err), SCEAU_ERR_INVALID);
	}
	p = root_params(dir);
	p.name = "";
	ck_assert_int_eq(sceau_pki_init(&p, NULL, &err), SCEAU_ERR_INVALID);
	p.name = "bad\xff utf-8";
	ck_assert_int_eq(sceau_pki_init(&p, NULL, &err), SCEAU_ERR_INVALID);
	ck_assert_str_eq(err.msg, "the name is not valid UTF-8");
	p.name = "\xc0\xaf overlong";
	ck_assert_int_eq(sceau_pki_init(&p, NULL, &err), SCEAU_ERR_INVALID);
	p.name = "tab\there";
	ck_assert_int_eq(sceau_pki_init(&p, NULL, &err), SCEAU_ERR_INVALID);
	memset(long_name, 'x', 65);
	long_name[65] = '\0';
	p.name = long_name;
	ck_assert_int_eq(sceau_pki_init(&p, NULL, &err), SCEAU_ERR_INVALID);
	p = root_params(dir);
	p.pass_len = 0;
	ck_assert_int_eq(sceau_pki_init(&p, NULL, &err), SCEAU_ERR_INVALID);
	ck_assert_int_eq(tu_count_entries(tmp), 0);
	free(dir);
}
END_TEST

START_TEST(test_init_accepts_an_arabic_name)
{
	char *dir = tu_path(tmp, "root"), *crt = tu_path(dir, "root.crt");
	/* "IMANOR root" in Arabic: 2-byte UTF-8, 64 characters would be 128 bytes. */
	const char *name = "\xd8\xa5\xd9\x8a\xd9\x85\xd8\xa7\xd9\x86\xd9\x88\xd8\xb1";
	X509 *x;
	char cn[64];

	tu_make_root(dir, name, 10, 0);
	x = tu_load_cert(crt);
	X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName, cn, sizeof(cn));
	ck_assert_str_eq(cn, name);
	X509_free(x);
	free(dir);
	free(crt);
}
END_TEST

/* ---- loading ------------------------------------------------------------------ */

START_TEST(test_loaders_say_what_a_wrong_file_holds)
{
	char *dir = tu_path(tmp, "root"), *crt = tu_path(dir, "root.crt");
	char *key = tu_path(dir, "root.key"), *crl = tu_path(dir, "crl.pem");
	char *junk = tu_path(tmp, "junk"), *plain = tu_path(tmp, "plain.key");
	char *der = tu_path(tmp, "root.der"), *missing = tu_path(tmp, "nope.crt");
	struct sceau_error err = {0};
	X509_CRL *c = NULL;
	EVP_PKEY *k = NULL;
	X509 *x = NULL;
	FILE *f;

	tu_make_root(dir, "R", 10, 0);
	ck_assert_int_eq(sceau_cert_load(key, &x, &err), SCEAU_ERR_FORMAT);
	ck_assert_ptr_nonnull(strstr(err.msg, "holds a private key, not a certificate"));
	ck_assert_int_eq(sceau_cert_load(crl, &x, &err), SCEAU_ERR_FORMAT);
	ck_assert_ptr_nonnull(strstr(err.msg, "holds a revocation list"));
	ck_assert_int_eq(sceau_crl_load(crt, &c, &err), SCEAU_ERR_FORMAT);
	ck_assert_ptr_nonnull(strstr(err.msg, "holds a certificate, not a revocation list"));
	ck_assert_int_eq(sceau_key_load(crt, "pw", 2, &k, &err), SCEAU_ERR_FORMAT);
	ck_assert_ptr_nonnull(strstr(err.msg, "it holds a certificate"));
	ck_assert_int_eq(sceau_cert_load(missing, &x, &err), SCEAU_ERR_NOT_FOUND);
	ck_assert_ptr_nonnull(strstr(err.msg, "no such file"));
	ck_assert_ptr_nonnull(strstr(err.msg, missing));
	ck_assert_int_eq(sceau_cert_load(tmp, &x, &err), SCEAU_ERR_ACCESS);
	ck_assert_ptr_nonnull(strstr(err.msg, "is a directory"));
	{
		/* Inputs are read with a bound. */
		size_t big = (1u << 20) + 1;
		char *blob = calloc(1, big);
		tu_write(junk, blob, big);
		free(blob);
		ck_assert_int_eq(sceau_cert_load(junk, &x, &err), SCEAU_ERR_FORMAT);
		ck_assert_ptr_nonnull(strstr(err.msg, "larger than 1048576 bytes"));
	}
	tu_write(junk, "not a certificate at all", 24);
	ck_assert_int_eq(sceau_cert_load(junk, &x, &err), SCEAU_ERR_FORMAT);
	ck_assert_ptr_null(x);

	/* An unencrypted key is refused, with the way out named. */
	ck_assert_int_eq(sceau_key_load(key, "pw", 2, &k, &err), SCEAU_OK);
	f = fopen(plain, "w");
	ck_assert(PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL));
	fclose(f);
	EVP_PKEY_free(k);
	k = NULL;
	ck_assert_int_eq(sceau_key_load(plain, "pw", 2, &k, &err), SCEAU_ERR_FORMAT);
	ck_assert_ptr_nonnull(strstr(err.msg, "is not encrypted"));
	ck_assert_ptr_null(k);

	/* DER certificates load as well as PEM ones. */
	x = tu_load_cert(crt);
	f = fopen(der, "wb");
	ck_assert(i2d_X509_fp(f, x));
	fclose(f);
	X509_free(x);
	x = tu_load_cert(der);
	X509_free(x);
	free(dir);
	free(crt);
	free(key);
	free(crl);
	free(junk);
	free(plain);
	free(der);
	free(missing);
}
END_TEST

/* ---- signer ------------------------------------------------------------------- */

START_TEST(test_signer_certificate_has_the_signer_profile)
{
	char *root = tu_path(tmp, "root"), *dir = tu_path(tmp, "body");
	char *crt = tu_path(dir, "signer.crt"), *key = tu_path(dir, "signer.key");
	char *chain = tu_path(dir, "chain.pem"), *rcrt = tu_path(root, "root.crt");
	struct sceau_pki_signer_params p = signer_params(root, dir);
	struct sceau_error err = {0};
	struct sceau_pki_made made;
	EXTENDED_KEY_USAGE *eku;
	BASIC_CONSTRAINTS *bc;
	X509 *x, *r;
	EVP_PKEY *k = NULL;
	char *pem;
	int email = 0;

	tu_make_root(root, "Test Root", 3650, 0);
	ck_assert_msg(sceau_pki_signer(&p, &made, &err) == SCEAU_OK, "%s", err.msg);
	ck_assert(!made.clamped);
	ck_assert_int_eq(tu_mode(dir), 0700);
	ck_assert_int_eq(tu_mode(key), 0600);
	ck_assert_int_eq(tu_count_entries(dir), 3);
	ck_assert_int_eq(sceau_key_load(key, "pw2", 3, &k, &err), SCEAU_OK);

	x = tu_load_cert(crt);
	r = tu_load_cert(rcrt);
	ck_assert_int_eq(X509_check_private_key(x, k), 1);
	ck_assert_int_eq(X509_check_issued(r, x), X509_V_OK);
	ck_assert_int_eq(X509_verify(x, X509_get0_pubkey(r)), 1);
	bc = X509_get_ext_d2i(x, NID_basic_constraints, NULL, NULL);
	ck_assert_ptr_nonnull(bc);
	ck_assert(!bc->ca);
	BASIC_CONSTRAINTS_free(bc);
	ck_assert_uint_eq(X509_get_key_usage(x), KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION);
	ck_assert_uint_eq(sceau_cert_programs(x), COC | HALAL);
	eku = X509_get_ext_d2i(x, NID_ext_key_usage, NULL, NULL);
	for (int i = 0; i < sk_ASN1_OBJECT_num(eku); i++)
		email |= OBJ_obj2nid(sk_ASN1_OBJECT_value(eku, i)) == NID_email_protect;
	ck_assert(email);
	EXTENDED_KEY_USAGE_free(eku);
	ck_assert_ptr_nonnull(X509_get0_authority_key_id(x));
	ck_assert_int_eq(
		ASN1_OCTET_STRING_cmp(X509_get0_authority_key_id(x), X509_get0_subject_key_id(r)),
		0);
	/* Backdated a little against slow clocks; the term counts from issue. */
	ck_assert_int_le(llabs((long long)(made.not_after - made.not_before - 1095L * DAY -
					   SCEAU_BACKDATE_SECONDS)),
			 1);
	ck_assert_int_le(
		llabs((long long)(made.not_before - (time(NULL) - SCEAU_BACKDATE_SECONDS))), 120);

	/* chain.pem: the signer, then the root. */
	pem = tu_read(chain, NULL);
	{
		char *crt_pem = tu_read(crt, NULL), *root_pem = tu_read(rcrt, NULL);
		ck_assert_int_eq(strncmp(pem, crt_pem, strlen(crt_pem)), 0);
		ck_assert_str_eq(pem + strlen(crt_pem), root_pem);
		free(crt_pem);
		free(root_pem);
	}
	free(pem);
	EVP_PKEY_free(k);
	X509_free(x);
	X509_free(r);
	free(root);
	free(dir);
	free(crt);
	free(key);
	free(chain);
	free(rcrt);
}
END_TEST

START_TEST(test_signer_carries_only_the_programmes_asked_for)
{
	char *root = tu_path(tmp, "root"), *dir = tu_path(tmp, "body");
	char *crt = tu_path(dir, "signer.crt");
	X509 *x;

	tu_make_root(root, "R", 3650, 0);
	tu_make_signer(root, dir, "Coc Only", COC, 365, 0);
	x = tu_load_cert(crt);
	ck_assert_uint_eq(sceau_cert_programs(x), COC);
	X509_free(x);
	free(root);
	free(dir);
	free(crt);
}
END_TEST

START_TEST(test_signer_validity_never_outlives_the_root)
{
	char *root = tu_path(tmp, "root"), *dir = tu_path(tmp, "body");
	char *crt = tu_path(dir, "signer.crt"), *rcrt = tu_path(root, "root.crt");
	struct sceau_pki_signer_params p = signer_params(root, dir);
	struct sceau_error err = {0};
	struct sceau_pki_made made;
	X509 *x, *r;

	tu_make_root(root, "Short Root", 30, 0);
	ck_assert_msg(sceau_pki_signer(&p, &made, &err) == SCEAU_OK, "%s", err.msg);
	ck_assert(made.clamped);
	x = tu_load_cert(crt);
	r = tu_load_cert(rcrt);
	ck_assert_int_eq(ASN1_TIME_compare(X509_get0_notAfter(x), X509_get0_notAfter(r)), 0);
	X509_free(x);
	X509_free(r);
	free(root);
	free(dir);
	free(crt);
	free(rcrt);
}
END_TEST

START_TEST(test_signer_bad_inputs_leave_nothing_behind)
{
	char *root = tu_path(tmp, "root"), *other = tu_path(tmp, "other");
	char *dir = tu_path(tmp, "body"), *rkey = tu_path(root, "root.key");
	char *okey = tu_path(other, "root.key"), *nowhere = tu_path(tmp, "nowhere");
	struct sceau_pki_signer_params p;
	struct sceau_error err = {0};
	char *pem;

	tu_make_root(root, "R", 3650, 0);
	tu_make_root(other, "Other", 3650, 0);

	p = signer_params(root, dir);
	p.root_pass = "wrong";
	p.root_pass_len = 5;
	ck_assert_int_eq(sceau_pki_signer(&p, NULL, &err), SCEAU_ERR_PASSPHRASE);

	p = signer_params(nowhere, dir);
	ck_assert_int_eq(sceau_pki_signer(&p, NULL, &err), SCEAU_ERR_NOT_FOUND);
	ck_assert_ptr_nonnull(strstr(err.msg, nowhere));

	p = signer_params(root, dir);
	p.programs = 0;
	ck_assert_int_eq(sceau_pki_signer(&p, NULL, &err), SCEAU_ERR_INVALID);
	p = signer_params(root, dir);
	p.days = 0;
	ck_assert_int_eq(sceau_pki_signer(&p, NULL, &err), SCEAU_ERR_INVALID);
	p = signer_params(root, dir);
	p.pass_len = 0;
	ck_assert_int_eq(sceau_pki_signer(&p, NULL, &err), SCEAU_ERR_INVALID);

	/* A root whose key is not its certificate's. */
	pem = tu_read(okey, NULL);
	unlink(rkey);
	tu_write(rkey, pem, strlen(pem));
	free(pem);
	p = signer_params(root, dir);
	ck_assert_int_eq(sceau_pki_signer(&p, NULL, &err), SCEAU_ERR_MISMATCH);
	ck_assert_ptr_nonnull(strstr(err.msg, "does not match"));

	ck_assert(!tu_exists(dir));
	ck_assert_int_eq(tu_count_entries(tmp), 2); /* root and other only */
	free(root);
	free(other);
	free(dir);
	free(rkey);
	free(okey);
	free(nowhere);
}
END_TEST

START_TEST(test_signer_refuses_an_expired_root)
{
	char *root = tu_path(tmp, "root"), *dir = tu_path(tmp, "body");
	struct sceau_pki_signer_params p = signer_params(root, dir);
	struct sceau_error err = {0};

	tu_make_root(root, "Old", 10, time(NULL) - 20L * DAY);
	ck_assert_int_eq(sceau_pki_signer(&p, NULL, &err), SCEAU_ERR_STATE);
	ck_assert_ptr_nonnull(strstr(err.msg, "has expired"));
	ck_assert(!tu_exists(dir));
	free(root);
	free(dir);
}
END_TEST

START_TEST(test_signer_refuses_a_non_ca_or_future_root)
{
	char *root = tu_path(tmp, "root"), *body = tu_path(tmp, "body");
	char *fake = tu_path(tmp, "fake"), *future = tu_path(tmp, "future");
	char *dir = tu_path(tmp, "new");
	struct sceau_pki_signer_params p;
	struct sceau_error err = {0};
	static const char *const files[][2] = {{"signer.crt", "root.crt"},
					       {"signer.key", "root.key"}};

	tu_make_root(root, "R", 3650, 0);
	tu_make_signer(root, body, "B", COC, 365, 0);
	/* A signer's certificate and key dressed up as a root. */
	ck_assert_int_eq(mkdir(fake, 0700), 0);
	for (size_t i = 0; i < 2; i++) {
		char *from = tu_path(body, files[i][0]), *to = tu_path(fake, files[i][1]);
		char *pem = tu_read(from, NULL);
		tu_write(to, pem, strlen(pem));
		free(pem);
		free(from);
		free(to);
	}
	p = signer_params(fake, dir);
	ck_assert_int_eq(sceau_pki_signer(&p, NULL, &err), SCEAU_ERR_FORMAT);
	ck_assert_ptr_nonnull(strstr(err.msg, "is not a root CA certificate"));
	/* A root whose validity starts next week. */
	tu_make_root(future, "Future", 3650, time(NULL) + 7 * DAY);
	p = signer_params(future, dir);
	ck_assert_int_eq(sceau_pki_signer(&p, NULL, &err), SCEAU_ERR_STATE);
	ck_assert_ptr_nonnull(strstr(err.msg, "is not yet valid"));
	ck_assert(!tu_exists(dir));
	free(root);
	free(body);
	free(fake);
	free(future);
	free(dir);
}
END_TEST

START_TEST(test_signer_refuses_an_existing_directory_unless_forced)
{
	char *root = tu_path(tmp, "root"), *dir = tu_path(tmp, "body");
	char *crt = tu_path(dir, "signer.crt");
	struct sceau_pki_signer_params p = signer_params(root, dir);
	struct sceau_error err = {0};
	char *before, *after;

	tu_make_root(root, "R", 3650, 0);
	tu_make_signer(root, dir, "B", COC, 365, 0);
	before = tu_read(crt, NULL);
	ck_assert_int_eq(sceau_pki_signer(&p, NULL, &err), SCEAU_ERR_EXISTS);
	after = tu_read(crt, NULL);
	ck_assert_str_eq(before, after);
	free(after);
	p.force = 1;
	{
		struct sceau_pki_made made;
		ck_assert_msg(sceau_pki_signer(&p, &made, &err) == SCEAU_OK, "%s", err.msg);
		ck_assert_int_eq(strncmp(made.kept, "signer-", 7), 0);
	}
	after = tu_read(crt, NULL);
	ck_assert_str_ne(before, after);
	ck_assert_int_eq(tu_count_entries(dir), 4); /* 3 files and the kept certificate */
	free(before);
	free(after);
	free(root);
	free(dir);
	free(crt);
}
END_TEST

/* ---- revocation ------------------------------------------------------------------ */

static int crl_reason_of(X509_CRL *crl, X509 *cert)
{
	X509_REVOKED *entry = NULL;
	ASN1_ENUMERATED *code;
	int reason;

	if (X509_CRL_get0_by_cert(crl, &entry, cert) != 1)
		return -2;
	code = X509_REVOKED_get_ext_d2i(entry, NID_crl_reason, NULL, NULL);
	reason = code ? (int)ASN1_ENUMERATED_get(code) : -1;
	ASN1_ENUMERATED_free(code);
	return reason;
}

START_TEST(test_revoke_lists_the_serial_with_reason_and_bumps_the_number)
{
	char *root = tu_path(tmp, "root"), *a = tu_path(tmp, "a"), *b = tu_path(tmp, "b");
	char *acrt = tu_path(a, "signer.crt"), *bcrt = tu_path(b, "signer.crt");
	char *crl_path = tu_path(root, "crl.pem"), *rcrt = tu_path(root, "root.crt");
	struct sceau_pki_revoke_params p = revoke_params(root, acrt);
	struct sceau_error err = {0};
	struct sceau_pki_made made;
	X509 *ax, *bx, *r;
	X509_CRL *crl;
	char *before, *after;

	tu_make_root(root, "R", 3650, 0);
	tu_make_signer(root, a, "A", COC, 365, 0);
	tu_make_signer(root, b, "B", HALAL, 365, 0);
	ax = tu_load_cert(acrt);
	bx = tu_load_cert(bcrt);
	r = tu_load_cert(rcrt);

	p.reason = SCEAU_REASON_KEY_COMPROMISE;
	ck_assert_msg(sceau_pki_revoke(&p, &made, &err) == SCEAU_OK, "%s", err.msg);
	ck_assert_int_eq(made.crl_number, 2);
	ck_assert_int_eq(made.crl_entries, 1);
	crl = tu_load_crl(crl_path);
	ck_assert_int_eq(X509_CRL_verify(crl, X509_get0_pubkey(r)), 1);
	ck_assert_int_eq(crl_reason_of(crl, ax), SCEAU_REASON_KEY_COMPROMISE);
	ck_assert_int_eq(crl_reason_of(crl, bx), -2);
	X509_CRL_free(crl);

	/* Revoking again changes nothing and says so. */
	before = tu_read(crl_path, NULL);
	ck_assert_int_eq(sceau_pki_revoke(&p, NULL, &err), SCEAU_ERR_STATE);
	ck_assert_ptr_nonnull(strstr(err.msg, "already revoked"));
	after = tu_read(crl_path, NULL);
	ck_assert_str_eq(before, after);
	free(before);
	free(after);

	/* A second certificate keeps the first entry; no reason: no reason code. */
	p = revoke_params(root, bcrt);
	ck_assert_msg(sceau_pki_revoke(&p, &made, &err) == SCEAU_OK, "%s", err.msg);
	ck_assert_int_eq(made.crl_number, 3);
	crl = tu_load_crl(crl_path);
	ck_assert_int_eq(sk_X509_REVOKED_num(X509_CRL_get_REVOKED(crl)), 2);
	ck_assert_int_eq(crl_reason_of(crl, ax), SCEAU_REASON_KEY_COMPROMISE);
	ck_assert_int_eq(crl_reason_of(crl, bx), -1);
	ck_assert_int_eq(tu_count_entries(root), 3); /* no temporary files left */
	ck_assert_int_eq(tu_mode(crl_path), 0644);
	X509_CRL_free(crl);
	X509_free(ax);
	X509_free(bx);
	X509_free(r);
	free(root);
	free(a);
	free(b);
	free(acrt);
	free(bcrt);
	free(crl_path);
	free(rcrt);
}
END_TEST

START_TEST(test_revoke_refuses_what_is_not_this_roots)
{
	char *root = tu_path(tmp, "root"), *other = tu_path(tmp, "other");
	char *body = tu_path(tmp, "body"), *bcrt = tu_path(body, "signer.crt");
	char *crl_path = tu_path(root, "crl.pem"), *rcrt = tu_path(root, "root.crt");
	char *rkey = tu_path(root, "root.key"), *ocrl = tu_path(other, "crl.pem");
	struct sceau_pki_revoke_params p;
	struct sceau_error err = {0};
	char *before, *after, *pem;

	tu_make_root(root, "R", 3650, 0);
	tu_make_root(other, "Other", 3650, 0);
	tu_make_signer(other, body, "Foreign", COC, 365, 0);
	before = tu_read(crl_path, NULL);

	p = revoke_params(root, bcrt);
	ck_assert_int_eq(sceau_pki_revoke(&p, NULL, &err), SCEAU_ERR_MISMATCH);
	ck_assert_ptr_nonnull(strstr(err.msg, "was not issued by root"));
	p = revoke_params(root, rcrt);
	ck_assert_int_eq(sceau_pki_revoke(&p, NULL, &err), SCEAU_ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(err.msg, "root certificate itself"));
	{
		/* A certificate of this root, altered: its issuer fields still point
		 * here, the root's signature no longer matches. */
		char *mine = tu_path(tmp, "mine"), *mcrt = tu_path(mine, "signer.crt");
		char *forged = tu_path(tmp, "forged.crt");
		unsigned char *der = NULL, *hit;
		X509 *x;
		int len;
		FILE *f;

		tu_make_signer(root, mine, "Genuine Body", COC, 365, 0);
		x = tu_load_cert(mcrt);
		len = i2d_X509(x, &der);
		hit = memmem(der, (size_t)len, "Genuine", 7);
		ck_assert_ptr_nonnull(hit);
		hit[0] = 'X';
		f = fopen(forged, "wb");
		ck_assert_uint_eq(fwrite(der, 1, (size_t)len, f), (size_t)len);
		fclose(f);
		p = revoke_params(root, forged);
		ck_assert_int_eq(sceau_pki_revoke(&p, NULL, &err), SCEAU_ERR_MISMATCH);
		ck_assert_ptr_nonnull(strstr(err.msg, "was not issued by root"));
		OPENSSL_free(der);
		X509_free(x);
		unlink(forged);
		tu_rmrf(mine);
		free(mine);
		free(mcrt);
		free(forged);
	}
	p = revoke_params(root, rkey);
	ck_assert_int_eq(sceau_pki_revoke(&p, NULL, &err), SCEAU_ERR_FORMAT);
	ck_assert_ptr_nonnull(strstr(err.msg, "holds a private key, not a certificate"));
	p = revoke_params(root, bcrt);
	p.root_pass = "nope";
	p.root_pass_len = 4;
	ck_assert_int_eq(sceau_pki_revoke(&p, NULL, &err), SCEAU_ERR_PASSPHRASE);
	p = revoke_params(root, bcrt);
	p.crl_days = 0;
	ck_assert_int_eq(sceau_pki_revoke(&p, NULL, &err), SCEAU_ERR_INVALID);
	after = tu_read(crl_path, NULL);
	ck_assert_str_eq(before, after);
	free(after);

	/* A CRL that is not this root's is not built upon. */
	pem = tu_read(ocrl, NULL);
	tu_write(crl_path, pem, strlen(pem));
	free(pem);
	p = revoke_params(root, NULL);
	ck_assert_int_eq(sceau_pki_crl_refresh(&p, NULL, &err), SCEAU_ERR_MISMATCH);
	ck_assert_ptr_nonnull(strstr(err.msg, "is not signed by root"));
	free(before);
	free(root);
	free(other);
	free(body);
	free(bcrt);
	free(crl_path);
	free(rcrt);
	free(rkey);
	free(ocrl);
}
END_TEST

START_TEST(test_crl_refresh_keeps_entries_and_moves_next_update)
{
	char *root = tu_path(tmp, "root"), *a = tu_path(tmp, "a");
	char *acrt = tu_path(a, "signer.crt"), *crl_path = tu_path(root, "crl.pem");
	struct sceau_pki_revoke_params p = revoke_params(root, acrt);
	struct sceau_error err = {0};
	struct sceau_pki_made made;
	X509_CRL *crl;
	X509 *ax;

	tu_make_root(root, "R", 3650, 0);
	tu_make_signer(root, a, "A", COC, 365, 0);
	p.reason = SCEAU_REASON_SUPERSEDED;
	ck_assert_int_eq(sceau_pki_revoke(&p, NULL, &err), SCEAU_OK);
	p.crl_days = 90;
	ck_assert_msg(sceau_pki_crl_refresh(&p, &made, &err) == SCEAU_OK, "%s", err.msg);
	ck_assert_int_eq(made.crl_number, 3);
	ck_assert_int_eq(made.crl_entries, 1);
	ck_assert_int_le(llabs((long long)(made.crl_next_update - (time(NULL) + 90L * DAY))), 120);
	crl = tu_load_crl(crl_path);
	ax = tu_load_cert(acrt);
	ck_assert_int_eq(crl_reason_of(crl, ax), SCEAU_REASON_SUPERSEDED);
	X509_CRL_free(crl);
	X509_free(ax);
	free(root);
	free(a);
	free(acrt);
	free(crl_path);
}
END_TEST

START_TEST(test_crl_reason_names)
{
	struct sceau_error err = {0};
	enum sceau_crl_reason r;

	ck_assert_int_eq(sceau_crl_reason_from_name("keyCompromise", &r, &err), SCEAU_OK);
	ck_assert_int_eq(r, 1);
	ck_assert_int_eq(sceau_crl_reason_from_name("CESSATIONOFOPERATION", &r, &err), SCEAU_OK);
	ck_assert_int_eq(r, 5);
	ck_assert_int_eq(sceau_crl_reason_from_name("privilegeWithdrawn", &r, &err), SCEAU_OK);
	ck_assert_int_eq(r, 9);
	ck_assert_int_eq(sceau_crl_reason_from_name("certificateHold", &r, &err),
			 SCEAU_ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(err.msg, "unknown revocation reason 'certificateHold'"));
	ck_assert_ptr_nonnull(strstr(err.msg, "keyCompromise"));
	ck_assert_str_eq(sceau_crl_reason_name(SCEAU_REASON_SUPERSEDED), "superseded");
	ck_assert_ptr_null(sceau_crl_reason_name((enum sceau_crl_reason)6));
}
END_TEST

TU_MAIN("pki", setup, teardown, test_init_writes_root_key_cert_and_crl,
	test_init_key_loads_with_its_passphrase_only, test_init_refuses_an_existing_directory,
	test_init_force_replaces_only_its_own_files, test_init_force_refuses_a_file_or_symlink,
	test_init_creates_missing_parents_privately,
	test_init_rejects_bad_values_and_writes_nothing, test_init_accepts_an_arabic_name,
	test_loaders_say_what_a_wrong_file_holds, test_signer_certificate_has_the_signer_profile,
	test_signer_carries_only_the_programmes_asked_for,
	test_signer_validity_never_outlives_the_root, test_signer_bad_inputs_leave_nothing_behind,
	test_signer_refuses_an_expired_root, test_signer_refuses_a_non_ca_or_future_root,
	test_signer_refuses_an_existing_directory_unless_forced,
	test_revoke_lists_the_serial_with_reason_and_bumps_the_number,
	test_revoke_refuses_what_is_not_this_roots,
	test_crl_refresh_keeps_entries_and_moves_next_update, test_crl_reason_names)
