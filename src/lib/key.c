/* sceau — private keys: generation, encryption at rest, loading. */
#include <limits.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/bio.h>
#include <openssl/buffer.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "internal.h"

/* A test build may make its keys cheap to derive (-DSCEAU_TEST_CHEAP_KDF=ON,
 * for the suite under valgrind, where each scrypt costs seconds). Keys a
 * cheap build makes are weak: such a build is never to be installed. */
#ifdef SCEAU_TEST_CHEAP_KDF
#define KEY_SCRYPT_N 1024
#define KEY_SCRYPT_P 1
#else
#define KEY_SCRYPT_N SCEAU_SCRYPT_N
#define KEY_SCRYPT_P SCEAU_SCRYPT_P
#endif

enum sceau_err sceau_key_generate(EVP_PKEY **out, struct sceau_error *err)
{
	*out = EVP_EC_gen("P-256");
	if (!*out)
		return sceau_fail_ssl(err, SCEAU_ERR_CRYPTO, "cannot generate a P-256 key");
	return SCEAU_OK;
}

enum sceau_err sceau_key_to_pem(EVP_PKEY *key, const char *pass, size_t pass_len,
				unsigned char **pem, size_t *pem_len, struct sceau_error *err)
{
	enum sceau_err ret = SCEAU_ERR_CRYPTO;
	PKCS8_PRIV_KEY_INFO *p8 = NULL;
	X509_ALGOR *pbe = NULL;
	X509_SIG *enc = NULL;
	unsigned char salt[16];
	BIO *bio = NULL;

	if (!pass || pass_len == 0 || pass_len > INT_MAX)
		return sceau_fail(err, SCEAU_ERR_INVALID,
				  "an empty passphrase cannot protect a key");
	if (RAND_bytes(salt, sizeof(salt)) != 1) {
		ret = sceau_fail_ssl(err, SCEAU_ERR_CRYPTO, "cannot draw a random salt");
		goto out;
	}
	if (!(p8 = EVP_PKEY2PKCS8(key)) ||
	    !(pbe = PKCS5_pbe2_set_scrypt(EVP_aes_256_cbc(), salt, sizeof(salt), NULL,
					  KEY_SCRYPT_N, SCEAU_SCRYPT_R, KEY_SCRYPT_P))) {
		ret = sceau_fail_ssl(err, SCEAU_ERR_CRYPTO, "cannot prepare key encryption");
		goto out;
	}
	if (!(enc = PKCS8_set0_pbe(pass, (int)pass_len, p8, pbe))) {
		ret = sceau_fail_ssl(err, SCEAU_ERR_CRYPTO, "cannot encrypt the key");
		goto out;
	}
	pbe = NULL; /* owned by enc now */
	if (!(bio = BIO_new(BIO_s_mem())) || !PEM_write_bio_PKCS8(bio, enc)) {
		ret = sceau_fail_ssl(err, SCEAU_ERR_CRYPTO, "cannot encode the key");
		goto out;
	}
	ret = sceau_bio_take(bio, pem, pem_len, err);
out:
	X509_ALGOR_free(pbe);
	X509_SIG_free(enc);
	PKCS8_PRIV_KEY_INFO_free(p8);
	BIO_free(bio);
	return ret;
}

enum sceau_err sceau_key_load(const char *path, const char *pass, size_t pass_len, EVP_PKEY **out,
			      struct sceau_error *err)
{
	enum sceau_err ret;
	PKCS8_PRIV_KEY_INFO *p8 = NULL;
	unsigned char *buf = NULL;
	X509_SIG *enc = NULL;
	BIO *bio = NULL;
	char label[64];
	size_t len = 0;

	if (!path || !out)
		return sceau_fail(err, SCEAU_ERR_INVALID, "no key file given");
	*out = NULL;
	ret = sceau_fs_read(path, 1 << 20, "key", &buf, &len, err);
	if (ret != SCEAU_OK)
		return ret;
	sceau_pem_label(buf, len, label, sizeof(label));
	if (!strcmp(label, "PRIVATE KEY") || !strcmp(label, "EC PRIVATE KEY") ||
	    !strcmp(label, "RSA PRIVATE KEY")) {
		ret = sceau_fail(err, SCEAU_ERR_FORMAT,
				 "key '%s' is not encrypted: sceau keeps keys encrypted at rest "
				 "(convert it with 'openssl pkcs8 -topk8 -scrypt')",
				 path);
		goto out;
	}
	if (strcmp(label, "ENCRYPTED PRIVATE KEY") != 0) {
		ret = sceau_fail(err, SCEAU_ERR_FORMAT,
				 "'%s' is not an encrypted private key: it holds %s", path,
				 sceau_pem_label_words(label));
		goto out;
	}
	if (!(bio = BIO_new_mem_buf(buf, (int)len)) ||
	    !(enc = PEM_read_bio_PKCS8(bio, NULL, NULL, NULL))) {
		ret = sceau_fail_ssl(err, SCEAU_ERR_FORMAT, "cannot parse key '%s'", path);
		goto out;
	}
	errno = 0;
	if (!pass || pass_len > INT_MAX ||
	    !(p8 = PKCS8_decrypt(enc, pass ? pass : "", pass ? (int)pass_len : 0))) {
		if (sceau_ssl_oom()) {
			ret = sceau_fail(err, SCEAU_ERR_NOMEM,
					 "cannot decrypt key '%s': out of memory", path);
			goto out;
		}
		ret = sceau_fail(err, SCEAU_ERR_PASSPHRASE,
				 "cannot decrypt key '%s': wrong passphrase", path);
		goto out;
	}
	if (!(*out = EVP_PKCS82PKEY(p8))) {
		ret = sceau_fail_ssl(err, SCEAU_ERR_FORMAT, "cannot use key '%s'", path);
		goto out;
	}
	ret = SCEAU_OK;
out:
	PKCS8_PRIV_KEY_INFO_free(p8);
	X509_SIG_free(enc);
	BIO_free(bio);
	if (buf)
		OPENSSL_cleanse(buf, len);
	free(buf);
	return ret;
}
