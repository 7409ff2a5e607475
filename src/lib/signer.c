/* sceau — opening a signer directory for signing: the certificate, the
 * root it was issued under, and (once unlocked) the key. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "internal.h"

void sceau_signer_close(struct sceau_signer *s)
{
	if (!s)
		return;
	X509_free(s->cert);
	X509_free(s->root);
	EVP_PKEY_free(s->key);
	free(s->key_path);
	free(s);
}

/* The last certificate of a PEM chain file, after checking its first is
 * `first`. */
static enum sceau_err chain_root(const char *path, X509 *first, X509 **root,
				 struct sceau_error *err)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	enum sceau_err ret;
	BIO *bio = NULL;
	X509 *x = NULL, *last = NULL;
	int n = 0;

	if ((ret = sceau_fs_read(path, SCEAU_CERT_READ_MAX, "certificate chain", &buf, &len,
				 err)) != SCEAU_OK)
		return ret;
	if (!(bio = BIO_new_mem_buf(buf, (int)len))) {
		ret = sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
		goto out;
	}
	errno = 0;
	while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL))) {
		if (errno == ENOMEM) { /* parsed, but not whole: see sceau_cert_parse */
			X509_free(x);
			goto oom;
		}
		if (n == 0 && X509_cmp(x, first) != 0) {
			X509_free(x);
			if (sceau_ssl_oom())
				goto oom;
			ret = sceau_fail(err, SCEAU_ERR_MISMATCH,
					 "'%s' does not start with the signer certificate", path);
			goto out;
		}
		X509_free(last);
		last = x;
		n++;
	}
	if (sceau_ssl_oom())
		goto oom;
	if (n < 2 || X509_self_signed(last, 1) != 1) {
		if (sceau_ssl_oom())
			goto oom;
		ret = sceau_fail(err, SCEAU_ERR_FORMAT, "'%s' does not end with a root certificate",
				 path);
		goto out;
	}
	*root = last;
	last = NULL;
	ret = SCEAU_OK;
	goto out;
oom:
	ret = sceau_fail(err, SCEAU_ERR_NOMEM, "cannot read certificate chain '%s': out of memory",
			 path);
out:
	X509_free(last);
	BIO_free(bio);
	free(buf);
	return ret;
}

enum sceau_err sceau_signer_open(const char *dir, struct sceau_signer **out,
				 struct sceau_error *err)
{
	struct sceau_signer *s = NULL;
	char *cert_path = NULL, *chain_path = NULL;
	enum sceau_err ret;

	if (!dir || !out)
		return sceau_fail(err, SCEAU_ERR_INVALID, "no signer directory given");
	*out = NULL;
	if (!(s = calloc(1, sizeof(*s))) ||
	    !(cert_path = sceau_path_join(dir, SCEAU_SIGNER_CERT_FILE)) ||
	    !(s->key_path = sceau_path_join(dir, SCEAU_SIGNER_KEY_FILE)) ||
	    !(chain_path = sceau_path_join(dir, SCEAU_SIGNER_CHAIN_FILE))) {
		ret = sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((ret = sceau_cert_load(cert_path, &s->cert, err)) != SCEAU_OK ||
	    (ret = chain_root(chain_path, s->cert, &s->root, err)) != SCEAU_OK)
		goto out;
	sceau_cert_cn(s->cert, s->name, sizeof(s->name));
	*out = s;
	s = NULL;
	ret = SCEAU_OK;
out:
	free(cert_path);
	free(chain_path);
	sceau_signer_close(s);
	return ret;
}

enum sceau_err sceau_signer_unlock(struct sceau_signer *s, const char *pass, size_t pass_len,
				   struct sceau_error *err)
{
	char *path;
	enum sceau_err ret;
	EVP_PKEY *key = NULL;

	if (!s)
		return sceau_fail(err, SCEAU_ERR_INVALID, "no signer given");
	if (!(path = s->key_path))
		return sceau_fail(err, SCEAU_ERR_INVALID, "signer has no key file");
	if ((ret = sceau_key_load(path, pass, pass_len, &key, err)) != SCEAU_OK)
		return ret;
	errno = 0;
	if (X509_check_private_key(s->cert, key) != 1) {
		EVP_PKEY_free(key);
		if (sceau_ssl_oom())
			return sceau_fail(err, SCEAU_ERR_NOMEM,
					  "cannot check key '%s': out of memory", path);
		return sceau_fail(err, SCEAU_ERR_MISMATCH,
				  "key '%s' does not belong to the signer certificate", path);
	}
	EVP_PKEY_free(s->key);
	s->key = key;
	return SCEAU_OK;
}
