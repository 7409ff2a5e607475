/* sceau — the PKI operations: create a root, authorise a signer, revoke. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "internal.h"

enum sceau_err sceau_check_days(int days, const char *what, struct sceau_error *err)
{
	if (days < 1 || days > SCEAU_DAYS_MAX)
		return sceau_fail(err, SCEAU_ERR_INVALID, "%s must be from 1 to %d days, not %d",
				  what, SCEAU_DAYS_MAX, days);
	return SCEAU_OK;
}

static enum sceau_err check_pass(const char *pass, size_t len, struct sceau_error *err)
{
	if (!pass || len == 0)
		return sceau_fail(err, SCEAU_ERR_INVALID, "the passphrase is empty");
	return SCEAU_OK;
}

/* The root's certificate and key, loaded and checked to belong together. */
struct root {
	X509 *cert;
	EVP_PKEY *key;
	char *dir;
};

static void root_release(struct root *r)
{
	X509_free(r->cert);
	EVP_PKEY_free(r->key);
	free(r->dir);
	memset(r, 0, sizeof(*r));
}

static enum sceau_err root_load(struct root *r, const char *dir, const char *pass, size_t pass_len,
				time_t now, struct sceau_error *err)
{
	char *cert_path = NULL, *key_path = NULL;
	enum sceau_err ret;
	struct stat st;

	memset(r, 0, sizeof(*r));
	if (!dir || !*dir)
		return sceau_fail(err, SCEAU_ERR_INVALID, "no root directory given");
	if (stat(dir, &st) < 0)
		return sceau_fail(err, sceau_err_from_errno(errno), "cannot use root '%s': %s", dir,
				  sceau_errno_text(errno));
	if (!S_ISDIR(st.st_mode))
		return sceau_fail(err, SCEAU_ERR_INVALID, "root '%s' is not a directory", dir);
	cert_path = sceau_path_join(dir, SCEAU_ROOT_CERT_FILE);
	key_path = sceau_path_join(dir, SCEAU_ROOT_KEY_FILE);
	r->dir = strdup(dir);
	if (!cert_path || !key_path || !r->dir) {
		ret = sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((ret = sceau_cert_load(cert_path, &r->cert, err)) != SCEAU_OK)
		goto out;
	if (X509_check_ca(r->cert) != 1 || X509_check_issued(r->cert, r->cert) != X509_V_OK) {
		ret = sceau_fail(err, SCEAU_ERR_FORMAT, "'%s' is not a root CA certificate",
				 cert_path);
		goto out;
	}
	if (X509_cmp_time(X509_get0_notAfter(r->cert), &now) < 0) {
		ret = sceau_fail(err, SCEAU_ERR_STATE, "root certificate '%s' has expired",
				 cert_path);
		goto out;
	}
	if (X509_cmp_time(X509_get0_notBefore(r->cert), &now) > 0) {
		ret = sceau_fail(err, SCEAU_ERR_STATE, "root certificate '%s' is not yet valid",
				 cert_path);
		goto out;
	}
	if ((ret = sceau_key_load(key_path, pass, pass_len, &r->key, err)) != SCEAU_OK)
		goto out;
	if (X509_check_private_key(r->cert, r->key) != 1) {
		ERR_clear_error();
		ret = sceau_fail(err, SCEAU_ERR_MISMATCH,
				 "key '%s' does not match certificate '%s'", key_path, cert_path);
		goto out;
	}
	ret = SCEAU_OK;
out:
	if (ret != SCEAU_OK)
		root_release(r);
	free(cert_path);
	free(key_path);
	return ret;
}

static void made_cert(struct sceau_pki_made *made, X509 *cert)
{
	if (sceau_cert_serial_hex(cert, made->serial, sizeof(made->serial)) != SCEAU_OK)
		made->serial[0] = '\0';
	made->not_before = sceau_asn1_time_to_time(X509_get0_notBefore(cert));
	made->not_after = sceau_asn1_time_to_time(X509_get0_notAfter(cert));
}

static void made_crl(struct sceau_pki_made *made, X509_CRL *crl)
{
	made->crl_number = sceau_crl_number(crl);
	made->crl_next_update = sceau_asn1_time_to_time(X509_CRL_get0_nextUpdate(crl));
	made->crl_entries = sk_X509_REVOKED_num(X509_CRL_get_REVOKED(crl));
	if (made->crl_entries < 0) /* an empty list has no stack at all */
		made->crl_entries = 0;
}

/* With force, keep the certificate being replaced as <kind>-<SERIAL>.crt
 * beside the new one: the operator may still need it to revoke the old key.
 * A missing file or one that is not a certificate is not worth keeping. */
static enum sceau_err keep_old_cert(struct sceau_outdir *od, const char *file, const char *kind,
				    struct sceau_pki_made *made, struct sceau_error *err)
{
	char *path = NULL, *name = NULL, serial[48];
	unsigned char *buf = NULL;
	enum sceau_err ret = SCEAU_OK;
	size_t len = 0;
	X509 *old = NULL;

	if (!od->existed)
		return SCEAU_OK;
	if (!(path = sceau_path_join(od->final, file))) {
		ret = sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (sceau_fs_read(path, SCEAU_CERT_READ_MAX, "certificate", &buf, &len, NULL) != SCEAU_OK ||
	    sceau_cert_parse(buf, len, path, &old, NULL) != SCEAU_OK ||
	    sceau_cert_serial_hex(old, serial, sizeof(serial)) != SCEAU_OK)
		goto out; /* nothing (usable) to keep */
	if (asprintf(&name, "%s-%s.crt", kind, serial) < 0) {
		name = NULL;
		ret = sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
		goto out;
	}
	if ((ret = sceau_outdir_write(od, name, buf, len, 0644, err)) != SCEAU_OK)
		goto out;
	if (made)
		snprintf(made->kept, sizeof(made->kept), "%s", name);
out:
	X509_free(old);
	free(path);
	free(name);
	free(buf);
	return ret;
}

enum sceau_err sceau_pki_init(const struct sceau_pki_init_params *p, struct sceau_pki_made *made,
			      struct sceau_error *err)
{
	unsigned char *cert_pem = NULL, *key_pem = NULL, *crl_pem = NULL;
	size_t cert_len = 0, key_len = 0, crl_len = 0;
	struct sceau_outdir od = {0};
	time_t now = p->now ? p->now : time(NULL);
	enum sceau_err ret;
	EVP_PKEY *key = NULL;
	X509_CRL *crl = NULL;
	X509 *cert = NULL;

	if ((ret = sceau_check_name(p->name, err)) != SCEAU_OK ||
	    (ret = sceau_check_days(p->days, "the root's validity", err)) != SCEAU_OK ||
	    (ret = sceau_check_days(p->crl_days, "the revocation list's validity", err)) !=
		    SCEAU_OK ||
	    (ret = check_pass(p->pass, p->pass_len, err)) != SCEAU_OK)
		return ret;
	if (made)
		memset(made, 0, sizeof(*made));
	if ((ret = sceau_outdir_begin(&od, p->dir, p->force, err)) != SCEAU_OK ||
	    (ret = keep_old_cert(&od, SCEAU_ROOT_CERT_FILE, "root", made, err)) != SCEAU_OK)
		goto out;
	if ((ret = sceau_key_generate(&key, err)) != SCEAU_OK ||
	    (ret = sceau_cert_make_root(key, p->name, now, p->days, &cert, err)) != SCEAU_OK ||
	    (ret = sceau_crl_make(cert, key, NULL, NULL, SCEAU_REASON_UNSPECIFIED, now, p->crl_days,
				  &crl, err)) != SCEAU_OK ||
	    (ret = sceau_cert_to_pem(cert, &cert_pem, &cert_len, err)) != SCEAU_OK ||
	    (ret = sceau_key_to_pem(key, p->pass, p->pass_len, &key_pem, &key_len, err)) !=
		    SCEAU_OK ||
	    (ret = sceau_crl_to_pem(crl, &crl_pem, &crl_len, err)) != SCEAU_OK)
		goto out;
	if ((ret = sceau_outdir_write(&od, SCEAU_ROOT_KEY_FILE, key_pem, key_len, 0600, err)) !=
		    SCEAU_OK ||
	    (ret = sceau_outdir_write(&od, SCEAU_ROOT_CERT_FILE, cert_pem, cert_len, 0644, err)) !=
		    SCEAU_OK ||
	    (ret = sceau_outdir_write(&od, SCEAU_ROOT_CRL_FILE, crl_pem, crl_len, 0644, err)) !=
		    SCEAU_OK ||
	    (ret = sceau_outdir_commit(&od, err)) != SCEAU_OK)
		goto out;
	if (made) {
		made_cert(made, cert);
		made_crl(made, crl);
		made->replaced = od.existed;
	}
out:
	sceau_outdir_release(&od);
	free(cert_pem);
	free(key_pem);
	free(crl_pem);
	X509_CRL_free(crl);
	X509_free(cert);
	EVP_PKEY_free(key);
	return ret;
}

enum sceau_err sceau_pki_signer(const struct sceau_pki_signer_params *p,
				struct sceau_pki_made *made, struct sceau_error *err)
{
	unsigned char *cert_pem = NULL, *key_pem = NULL, *root_pem = NULL, *chain = NULL;
	size_t cert_len = 0, key_len = 0, root_len = 0;
	struct sceau_outdir od = {0};
	time_t now = p->now ? p->now : time(NULL);
	struct root root = {0};
	enum sceau_err ret;
	EVP_PKEY *key = NULL;
	X509 *cert = NULL;
	int clamped = 0;

	if ((ret = sceau_check_name(p->name, err)) != SCEAU_OK ||
	    (ret = sceau_check_days(p->days, "the signer's validity", err)) != SCEAU_OK ||
	    (ret = check_pass(p->pass, p->pass_len, err)) != SCEAU_OK)
		return ret;
	if (p->programs == 0)
		return sceau_fail(err, SCEAU_ERR_INVALID, "a signer needs at least one programme");
	if ((ret = root_load(&root, p->root_dir, p->root_pass, p->root_pass_len, now, err)) !=
	    SCEAU_OK)
		return ret;
	if (made)
		memset(made, 0, sizeof(*made));
	if ((ret = sceau_outdir_begin(&od, p->dir, p->force, err)) != SCEAU_OK ||
	    (ret = keep_old_cert(&od, SCEAU_SIGNER_CERT_FILE, "signer", made, err)) != SCEAU_OK)
		goto out;
	if ((ret = sceau_key_generate(&key, err)) != SCEAU_OK ||
	    (ret = sceau_cert_make_signer(key, p->name, p->programs, root.cert, root.key, now,
					  p->days, &cert, &clamped, err)) != SCEAU_OK ||
	    (ret = sceau_cert_to_pem(cert, &cert_pem, &cert_len, err)) != SCEAU_OK ||
	    (ret = sceau_cert_to_pem(root.cert, &root_pem, &root_len, err)) != SCEAU_OK ||
	    (ret = sceau_key_to_pem(key, p->pass, p->pass_len, &key_pem, &key_len, err)) !=
		    SCEAU_OK)
		goto out;
	if (!(chain = malloc(cert_len + root_len))) {
		ret = sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
		goto out;
	}
	memcpy(chain, cert_pem, cert_len);
	memcpy(chain + cert_len, root_pem, root_len);
	if ((ret = sceau_outdir_write(&od, SCEAU_SIGNER_KEY_FILE, key_pem, key_len, 0600, err)) !=
		    SCEAU_OK ||
	    (ret = sceau_outdir_write(&od, SCEAU_SIGNER_CERT_FILE, cert_pem, cert_len, 0644,
				      err)) != SCEAU_OK ||
	    (ret = sceau_outdir_write(&od, SCEAU_SIGNER_CHAIN_FILE, chain, cert_len + root_len,
				      0644, err)) != SCEAU_OK ||
	    (ret = sceau_outdir_commit(&od, err)) != SCEAU_OK)
		goto out;
	if (made) {
		made_cert(made, cert);
		made->clamped = clamped;
		made->replaced = od.existed;
	}
out:
	sceau_outdir_release(&od);
	root_release(&root);
	free(cert_pem);
	free(key_pem);
	free(root_pem);
	free(chain);
	X509_free(cert);
	EVP_PKEY_free(key);
	return ret;
}

/* Load ROOT/crl.pem and make sure it is this root's. */
static enum sceau_err crl_load_checked(struct root *root, char **path, X509_CRL **crl,
				       struct sceau_error *err)
{
	enum sceau_err ret;

	*path = sceau_path_join(root->dir, SCEAU_ROOT_CRL_FILE);
	if (!*path)
		return sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
	if ((ret = sceau_crl_load(*path, crl, err)) != SCEAU_OK)
		return ret;
	if (X509_NAME_cmp(X509_CRL_get_issuer(*crl), X509_get_subject_name(root->cert)) != 0 ||
	    X509_CRL_verify(*crl, root->key) != 1) {
		ERR_clear_error();
		return sceau_fail(err, SCEAU_ERR_MISMATCH,
				  "revocation list '%s' is not signed by root '%s'", *path,
				  root->dir);
	}
	return SCEAU_OK;
}

/* revoke == NULL: refresh only. */
static enum sceau_err crl_update(const struct sceau_pki_revoke_params *p, int revoke,
				 struct sceau_pki_made *made, struct sceau_error *err)
{
	time_t now = p->now ? p->now : time(NULL);
	struct root root = {0};
	X509_CRL *crl = NULL, *next = NULL;
	X509_REVOKED *entry = NULL;
	unsigned char *pem = NULL;
	char *crl_path = NULL;
	enum sceau_err ret;
	X509 *cert = NULL;
	size_t pem_len = 0;

	if ((ret = sceau_check_days(p->crl_days, "the revocation list's validity", err)) !=
	    SCEAU_OK)
		return ret;
	if (revoke && !sceau_crl_reason_name(p->reason))
		return sceau_fail(err, SCEAU_ERR_INVALID, "unknown revocation reason %d",
				  (int)p->reason);
	if (revoke && (ret = sceau_cert_load(p->cert_path, &cert, err)) != SCEAU_OK)
		return ret;
	if ((ret = root_load(&root, p->root_dir, p->root_pass, p->root_pass_len, now, err)) !=
		    SCEAU_OK ||
	    (ret = crl_load_checked(&root, &crl_path, &crl, err)) != SCEAU_OK)
		goto out;
	if (revoke) {
		EVP_PKEY *root_pub = X509_get0_pubkey(root.cert);
		if (X509_cmp(cert, root.cert) == 0) {
			ret = sceau_fail(
				err, SCEAU_ERR_INVALID,
				"'%s' is the root certificate itself: a root cannot revoke itself",
				p->cert_path);
			goto out;
		}
		if (X509_check_issued(root.cert, cert) != X509_V_OK || !root_pub ||
		    X509_verify(cert, root_pub) != 1) {
			ERR_clear_error();
			ret = sceau_fail(err, SCEAU_ERR_MISMATCH,
					 "certificate '%s' was not issued by root '%s'",
					 p->cert_path, root.dir);
			goto out;
		}
		if (X509_CRL_get0_by_cert(crl, &entry, cert) == 1) {
			char serial[48] = "";
			sceau_cert_serial_hex(cert, serial, sizeof(serial));
			ret = sceau_fail(err, SCEAU_ERR_STATE,
					 "certificate '%s' (serial %s) is already revoked",
					 p->cert_path, serial);
			goto out;
		}
	}
	if ((ret = sceau_crl_make(root.cert, root.key, crl, cert, p->reason, now, p->crl_days,
				  &next, err)) != SCEAU_OK ||
	    (ret = sceau_crl_to_pem(next, &pem, &pem_len, err)) != SCEAU_OK ||
	    (ret = sceau_fs_replace(crl_path, pem, pem_len, 0644, err)) != SCEAU_OK)
		goto out;
	if (made) {
		memset(made, 0, sizeof(*made));
		if (cert)
			made_cert(made, cert);
		made_crl(made, next);
	}
out:
	root_release(&root);
	X509_CRL_free(crl);
	X509_CRL_free(next);
	X509_free(cert);
	free(crl_path);
	free(pem);
	return ret;
}

enum sceau_err sceau_pki_revoke(const struct sceau_pki_revoke_params *p,
				struct sceau_pki_made *made, struct sceau_error *err)
{
	if (!p || !p->cert_path)
		return sceau_fail(err, SCEAU_ERR_INVALID, "no certificate to revoke");
	return crl_update(p, 1, made, err);
}

enum sceau_err sceau_pki_crl_refresh(const struct sceau_pki_revoke_params *p,
				     struct sceau_pki_made *made, struct sceau_error *err)
{
	if (!p)
		return sceau_fail(err, SCEAU_ERR_INVALID, "no parameters");
	return crl_update(p, 0, made, err);
}
