/* sceau — building a trust bundle from a root directory (`sceau trust
 * build`): the root's certificate, key and CRL, the signers and status
 * lists named, the next sequence number, and an atomic write. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "bundle_int.h"

#define DAY 86400

struct items {
	X509 **signers;
	const char **signer_path;
	size_t n_signers;
	unsigned char **status;
	size_t *status_len;
	size_t n_status;
	const char **status_path;
};

static void items_release(struct items *it)
{
	for (size_t i = 0; i < it->n_signers; i++)
		X509_free(it->signers[i]);
	for (size_t i = 0; i < it->n_status; i++)
		free(it->status[i]);
	free(it->signers);
	free(it->signer_path);
	free(it->status);
	free(it->status_len);
	free(it->status_path);
	memset(it, 0, sizeof(*it));
}

/* A certificate (DER starts with a SEQUENCE, PEM with a BEGIN line) or,
 * else, a status list (a COSE_Sign1: a CBOR tag or a 4-item array). */
static int looks_like_cert(const unsigned char *buf, size_t len)
{
	static const char begin[] = "-----BEGIN ";

	return (len > 0 && buf[0] == 0x30) || memmem(buf, len, begin, sizeof(begin) - 1) != NULL;
}

static int looks_like_cose(const unsigned char *buf, size_t len)
{
	return len > 0 && (buf[0] == 0xd2 || buf[0] == 0xd8 || buf[0] == 0x84);
}

static enum sceau_err add_item(struct items *it, const char *path, size_t n_items,
			       struct sceau_error *err)
{
	unsigned char *buf = NULL;
	char *crt = NULL;
	enum sceau_err ret;
	struct stat st;
	size_t len = 0;
	X509 *x = NULL;

	if (stat(path, &st) < 0)
		return sceau_fail(err, sceau_err_from_errno(errno), "cannot use '%s': %s", path,
				  sceau_errno_text(errno));
	if (S_ISDIR(st.st_mode)) {
		/* a signer directory from `sceau pki signer` */
		if (!(crt = sceau_path_join(path, SCEAU_SIGNER_CERT_FILE)))
			return sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
		ret = sceau_cert_load(crt, &x, err);
		free(crt);
		if (ret != SCEAU_OK)
			return ret;
	} else {
		if ((ret = sceau_fs_read(path, SCEAU_STATUS_MAX, "file", &buf, &len, err)) !=
		    SCEAU_OK)
			return ret;
		if (looks_like_cert(buf, len)) {
			ret = sceau_cert_parse(buf, len, path, &x, err);
			free(buf);
			if (ret != SCEAU_OK)
				return ret;
		} else if (!looks_like_cose(buf, len)) {
			free(buf);
			return sceau_fail(err, SCEAU_ERR_FORMAT,
					  "'%s' is neither a signer directory, a certificate nor "
					  "a status list",
					  path);
		}
	}
	if (x) {
		if (!it->signers && (!(it->signers = calloc(n_items, sizeof(*it->signers))) ||
				     !(it->signer_path = calloc(n_items, sizeof(char *))))) {
			X509_free(x);
			return sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
		}
		it->signer_path[it->n_signers] = path;
		it->signers[it->n_signers++] = x;
		return SCEAU_OK;
	}
	if (!it->status && (!(it->status = calloc(n_items, sizeof(*it->status))) ||
			    !(it->status_len = calloc(n_items, sizeof(*it->status_len))) ||
			    !(it->status_path = calloc(n_items, sizeof(*it->status_path))))) {
		free(buf);
		return sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
	}
	it->status[it->n_status] = buf;
	it->status_len[it->n_status] = len;
	it->status_path[it->n_status++] = path;
	return SCEAU_OK;
}

/* Each signer must be issued by the root, and each status list verify
 * under one of them, as a verifier loading the bundle will check: said
 * here with the files' names, before the passphrase is asked for. */
static enum sceau_err check_status(const struct items *it, X509 *root, X509_CRL *crl,
				   struct sceau_error *err)
{
	struct sceau_trust *t = NULL;
	enum sceau_err ret;

	for (size_t i = 0; i < it->n_signers; i++) {
		X509 *x = it->signers[i];
		char cn[128] = "", rcn[128] = "";
		int ok = X509_check_issued(root, x) == X509_V_OK &&
			 X509_verify(x, X509_get0_pubkey(root)) == 1 && X509_check_ca(x) == 0;
		ERR_clear_error();
		if (ok)
			continue;
		sceau_cert_cn(x, cn, sizeof(cn));
		sceau_cert_cn(root, rcn, sizeof(rcn));
		return sceau_fail(err, SCEAU_ERR_MISMATCH,
				  "signer certificate '%s' ('%s') is not issued by root '%s'", cn,
				  it->signer_path[i], rcn);
	}
	if (it->n_status == 0)
		return SCEAU_OK;
	if ((ret = sceau_trust_new(&t, err)) != SCEAU_OK ||
	    (ret = sceau_trust_add_cert(t, root, err)) != SCEAU_OK ||
	    (ret = sceau_trust_add_crl(t, crl, err)) != SCEAU_OK)
		goto out;
	for (size_t i = 0; i < it->n_signers; i++)
		if ((ret = sceau_trust_add_cert(t, it->signers[i], err)) != SCEAU_OK)
			goto out;
	for (size_t i = 0; i < it->n_status; i++) {
		struct sceau_error e = {0};
		ret = sceau_trust_add_status(t, it->status[i], it->status_len[i], &e);
		if (ret != SCEAU_OK) {
			ret = sceau_fail(err, ret, "status list '%s' refused: %s",
					 it->status_path[i], e.msg);
			goto out;
		}
	}
out:
	sceau_trust_free(t);
	return ret;
}

/* The last sequence built from the root (0 when none). */
static enum sceau_err last_sequence(const char *path, uint64_t *last, struct sceau_error *err)
{
	unsigned char *buf = NULL;
	enum sceau_err ret;
	char *end = NULL;
	size_t len = 0;
	unsigned long long v;

	*last = 0;
	ret = sceau_fs_read(path, 64, "sequence file", &buf, &len, err);
	if (ret == SCEAU_ERR_NOT_FOUND) {
		sceau_error_clear(err);
		return SCEAU_OK;
	}
	if (ret != SCEAU_OK && ret != SCEAU_ERR_FORMAT)
		return ret;
	errno = 0;
	v = ret == SCEAU_OK && buf[0] >= '0' && buf[0] <= '9'
		    ? strtoull((const char *)buf, &end, 10)
		    : 0;
	if (ret != SCEAU_OK || !end || errno || (*end != '\n' && *end != '\0') ||
	    (*end == '\n' && end[1] != '\0') || v > INT64_MAX) {
		ret = sceau_fail(err, SCEAU_ERR_STATE,
				 "sequence file '%s' is damaged: it should hold the last bundle's "
				 "sequence number; fix it or give --sequence",
				 path);
	} else {
		*last = v;
		ret = SCEAU_OK;
	}
	free(buf);
	return ret;
}

/* Create `path` with data unless it exists: a temporary file beside it,
 * synced, then hard-linked to the name (which fails if the name exists). */
static enum sceau_err write_new(const char *path, const void *data, size_t len, int mode,
				struct sceau_error *err)
{
	enum sceau_err ret = SCEAU_ERR_IO;
	char *tmp = NULL;
	int fd = -1;
	const unsigned char *p = data;

	if (asprintf(&tmp, "%s.tmp-XXXXXX", path) < 0)
		return sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
	if ((fd = mkostemp(tmp, O_CLOEXEC)) < 0) {
		ret = sceau_fail(err, errno == EACCES ? SCEAU_ERR_ACCESS : SCEAU_ERR_IO,
				 "cannot create '%s': %s", tmp, sceau_errno_text(errno));
		free(tmp);
		return ret;
	}
	if (fchmod(fd, (mode_t)mode) < 0)
		goto io;
	while (len) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			goto io;
		p += w;
		len -= (size_t)w;
	}
	if (fsync(fd) < 0)
		goto io;
	if (close(fd) < 0) {
		fd = -1;
		goto io;
	}
	fd = -1;
	if (link(tmp, path) < 0) {
		ret = errno == EEXIST
			      ? sceau_fail(err, SCEAU_ERR_EXISTS, "'%s' already exists", path)
			      : sceau_fail(err, SCEAU_ERR_IO, "cannot create '%s': %s", path,
					   sceau_errno_text(errno));
		goto out;
	}
	ret = SCEAU_OK;
	goto out;
io:
	ret = sceau_fail(err, SCEAU_ERR_IO, "cannot write '%s': %s", tmp, sceau_errno_text(errno));
out:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	return ret;
}

enum sceau_err sceau_bundle_make(const struct sceau_bundle_make_params *p,
				 struct sceau_bundle_info *made, struct sceau_error *err)
{
	struct sceau_bundle_params bp = {0};
	struct items it = {0};
	X509 *root = NULL;
	EVP_PKEY *key = NULL;
	X509_CRL *crl = NULL;
	unsigned char *out = NULL;
	char *cert_path = NULL, *key_path = NULL, *crl_path = NULL, *seq_path = NULL;
	char line[32];
	uint64_t last = 0;
	size_t out_len = 0;
	enum sceau_err ret;
	time_t now;
	int days, n;

	if (made)
		memset(made, 0, sizeof(*made));
	if (!p || !p->root_dir || !*p->root_dir || !p->out || !*p->out)
		return sceau_fail(err, SCEAU_ERR_INVALID, "no root directory or output given");
	if (p->n_items && !p->items)
		return sceau_fail(err, SCEAU_ERR_INVALID, "no items given");
	if (p->n_items > SCEAU_BUNDLE_ITEMS_MAX - 1)
		return sceau_fail(err, SCEAU_ERR_INVALID, "more than %d items",
				  SCEAU_BUNDLE_ITEMS_MAX - 1);
	days = p->days ? p->days : SCEAU_BUNDLE_DAYS_DEFAULT;
	if ((ret = sceau_check_days(days, "days", err)) != SCEAU_OK)
		return ret;
	if (p->sequence > INT64_MAX)
		return sceau_fail(err, SCEAU_ERR_INVALID, "sequence %llu is too large",
				  (unsigned long long)p->sequence);
	now = p->now ? p->now : time(NULL);
	if (!p->force && access(p->out, F_OK) == 0)
		return sceau_fail(err, SCEAU_ERR_EXISTS, "'%s' already exists", p->out);

	cert_path = sceau_path_join(p->root_dir, SCEAU_ROOT_CERT_FILE);
	key_path = sceau_path_join(p->root_dir, SCEAU_ROOT_KEY_FILE);
	crl_path = sceau_path_join(p->root_dir, SCEAU_ROOT_CRL_FILE);
	seq_path = sceau_path_join(p->root_dir, SCEAU_BUNDLE_SEQ_FILE);
	if (!cert_path || !key_path || !crl_path || !seq_path) {
		ret = sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
		goto out;
	}
	/* Everything that needs no passphrase first. */
	if ((ret = sceau_cert_load(cert_path, &root, err)) != SCEAU_OK ||
	    (ret = sceau_crl_load(crl_path, &crl, err)) != SCEAU_OK)
		goto out;
	if (X509_cmp_time(X509_get0_notAfter(root), &now) < 0) {
		ret = sceau_fail(err, SCEAU_ERR_STATE, "root certificate '%s' has expired",
				 cert_path);
		goto out;
	}
	for (size_t i = 0; i < p->n_items; i++)
		if ((ret = add_item(&it, p->items[i], p->n_items, err)) != SCEAU_OK)
			goto out;
	if ((ret = last_sequence(seq_path, &last, err)) != SCEAU_OK)
		goto out;
	if (p->sequence && p->sequence <= last) {
		ret = sceau_fail(err, SCEAU_ERR_STATE,
				 "sequence %llu is not above %llu, the last bundle built from root "
				 "'%s' ('%s')",
				 (unsigned long long)p->sequence, (unsigned long long)last,
				 p->root_dir, seq_path);
		goto out;
	}
	if (!p->sequence && last >= INT64_MAX) {
		ret = sceau_fail(err, SCEAU_ERR_STATE, "no sequence number left after %llu",
				 (unsigned long long)last);
		goto out;
	}
	if ((ret = check_status(&it, root, crl, err)) != SCEAU_OK)
		goto out;
	if (!p->root_pass) {
		ret = access(key_path, R_OK) == 0 ? SCEAU_OK
						  : sceau_fail(err, sceau_err_from_errno(errno),
							       "cannot read root key '%s': %s",
							       key_path, sceau_errno_text(errno));
		goto out; /* checked what needs no passphrase */
	}
	if ((ret = sceau_key_load(key_path, p->root_pass, p->root_pass_len, &key, err)) != SCEAU_OK)
		goto out;

	bp.root = root;
	bp.root_key = key;
	bp.signers = it.signers;
	bp.n_signers = it.n_signers;
	bp.crl = crl;
	bp.status = (const unsigned char **)it.status;
	bp.status_len = it.status_len;
	bp.n_status = it.n_status;
	bp.sequence = p->sequence ? p->sequence : last + 1;
	bp.issued = now;
	bp.next_update = now + (time_t)days * DAY;
	if ((ret = sceau_bundle_build(&bp, &out, &out_len, err)) != SCEAU_OK)
		goto out;
	/* What a verifier will do, before anything is written. */
	if ((ret = sceau_bundle_load(out, out_len, NULL, NULL, made, err)) != SCEAU_OK)
		goto out;
	/* The number is spent first: a failure below skips one, harmlessly,
	 * where the other order could hand one number to two bundles. */
	n = snprintf(line, sizeof(line), "%llu\n", (unsigned long long)bp.sequence);
	if ((ret = sceau_fs_replace(seq_path, line, (size_t)n, 0600, err)) != SCEAU_OK)
		goto out;
	ret = p->force ? sceau_fs_replace(p->out, out, out_len, 0644, err)
		       : write_new(p->out, out, out_len, 0644, err);
out:
	if (ret != SCEAU_OK && made)
		memset(made, 0, sizeof(*made));
	items_release(&it);
	X509_free(root);
	EVP_PKEY_free(key);
	X509_CRL_free(crl);
	free(out);
	free(cert_path);
	free(key_path);
	free(crl_path);
	free(seq_path);
	return ret;
}
