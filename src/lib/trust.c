/* sceau — the trust store: roots, signer certificates indexed by kid, and
 * CRLs, read from a directory. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "trust_int.h"

enum sceau_err sceau_trust_new(struct sceau_trust **out, struct sceau_error *err)
{
	if (!out)
		return sceau_fail(err, SCEAU_ERR_INVALID, "no trust store given");
	*out = calloc(1, sizeof(**out));
	if (!*out)
		return sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
	if (pthread_mutex_init(&(*out)->lock, NULL) != 0) {
		free(*out);
		*out = NULL;
		return sceau_fail(err, SCEAU_ERR_NOMEM, "cannot create a lock");
	}
	return SCEAU_OK;
}

void sceau_trust_free(struct sceau_trust *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nroots; i++)
		X509_free(t->roots[i]);
	for (size_t i = 0; i < t->nsigners; i++)
		X509_free(t->signers[i].cert);
	for (size_t i = 0; i < t->ncrls; i++)
		X509_CRL_free(t->crls[i]);
	for (size_t i = 0; i < t->nmemo; i++)
		X509_free(t->memo[i].cert);
	pthread_mutex_destroy(&t->lock);
	free(t->roots);
	free(t->signers);
	free(t->crls);
	free(t);
}

void sceau_trust_counts(const struct sceau_trust *t, size_t *roots, size_t *signers, size_t *crls)
{
	if (roots)
		*roots = t ? t->nroots : 0;
	if (signers)
		*signers = t ? t->nsigners : 0;
	if (crls)
		*crls = t ? t->ncrls : 0;
}

/* Make room for one more element of `size` bytes. */
static int grow(void **arr, size_t n, size_t *cap, size_t size)
{
	void *p;
	size_t c;

	if (n < *cap)
		return 1;
	c = *cap ? *cap * 2 : 8;
	if (!(p = realloc(*arr, c * size)))
		return 0;
	*arr = p;
	*cap = c;
	return 1;
}

static int is_root(X509 *cert)
{
	int self = X509_self_signed(cert, 1) == 1;

	ERR_clear_error();
	return self && X509_check_ca(cert) != 0;
}

enum sceau_err sceau_trust_add_cert(struct sceau_trust *t, X509 *cert, struct sceau_error *err)
{
	enum sceau_err ret;

	if (!t || !cert)
		return sceau_fail(err, SCEAU_ERR_INVALID, "no certificate given");
	if (is_root(cert)) {
		if (!grow((void **)&t->roots, t->nroots, &t->caproots, sizeof(*t->roots)))
			return sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
		X509_up_ref(cert);
		t->roots[t->nroots++] = cert;
		return SCEAU_OK;
	}
	if (!grow((void **)&t->signers, t->nsigners, &t->capsigners, sizeof(*t->signers)))
		return sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
	struct sceau_trust_signer *s = &t->signers[t->nsigners];
	if ((ret = sceau_cert_kid(cert, s->kid, err)) != SCEAU_OK)
		return ret;
	X509_up_ref(cert);
	s->cert = cert;
	t->nsigners++;
	return SCEAU_OK;
}

enum sceau_err sceau_trust_add_crl(struct sceau_trust *t, X509_CRL *crl, struct sceau_error *err)
{
	if (!t || !crl)
		return sceau_fail(err, SCEAU_ERR_INVALID, "no CRL given");
	if (!grow((void **)&t->crls, t->ncrls, &t->capcrls, sizeof(*t->crls)))
		return sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
	X509_CRL_up_ref(crl);
	t->crls[t->ncrls++] = crl;
	return SCEAU_OK;
}

X509_CRL *sceau_trust_crl_for(const struct sceau_trust *t, X509 *root)
{
	X509_CRL *best = NULL;
	long best_n = -2;
	EVP_PKEY *pub = X509_get0_pubkey(root);

	for (size_t i = 0; pub && i < t->ncrls; i++) {
		X509_CRL *c = t->crls[i];
		long n;
		if (X509_NAME_cmp(X509_CRL_get_issuer(c), X509_get_subject_name(root)) != 0 ||
		    X509_CRL_verify(c, pub) != 1)
			continue;
		n = sceau_crl_number(c);
		if (n > best_n) {
			best = c;
			best_n = n;
		}
	}
	ERR_clear_error();
	return best;
}

static int has_suffix(const char *name, const char *suffix)
{
	size_t n = strlen(name), s = strlen(suffix);
	return n > s && !strcmp(name + n - s, suffix);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

enum sceau_err sceau_trust_load_dir(const char *dir, struct sceau_trust **out,
				    struct sceau_error *err)
{
	struct sceau_trust *t = NULL;
	enum sceau_err ret;
	DIR *d = NULL;
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;

	if (!dir || !out)
		return sceau_fail(err, SCEAU_ERR_INVALID, "no trust directory given");
	*out = NULL;
	if (!(d = opendir(dir)))
		return sceau_fail(err, sceau_err_from_errno(errno),
				  "cannot read trust directory '%s': %s", dir,
				  sceau_errno_text(errno));
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' ||
		    !(has_suffix(e->d_name, ".crt") || has_suffix(e->d_name, ".crl")))
			continue;
		if (n >= SCEAU_TRUST_FILES_MAX) {
			ret = sceau_fail(err, SCEAU_ERR_INVALID,
					 "trust directory '%s': more than %d files", dir,
					 SCEAU_TRUST_FILES_MAX);
			goto out;
		}
		if (!grow((void **)&names, n, &cap, sizeof(*names)) ||
		    !(names[n] = strdup(e->d_name))) {
			ret = sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
			goto out;
		}
		n++;
	}
	if (n > 1)
		qsort(names, n, sizeof(*names), by_name);
	if ((ret = sceau_trust_new(&t, err)) != SCEAU_OK)
		goto out;
	for (size_t i = 0; i < n; i++) {
		char *path = sceau_path_join(dir, names[i]);
		struct stat st;
		if (!path) {
			ret = sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
			goto out;
		}
		if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
			free(path);
			continue;
		}
		if (has_suffix(names[i], ".crt")) {
			X509 *x = NULL;
			ret = sceau_cert_load(path, &x, err);
			if (ret == SCEAU_OK)
				ret = sceau_trust_add_cert(t, x, err);
			X509_free(x);
		} else {
			X509_CRL *c = NULL;
			ret = sceau_crl_load(path, &c, err);
			if (ret == SCEAU_OK)
				ret = sceau_trust_add_crl(t, c, err);
			X509_CRL_free(c);
		}
		free(path);
		if (ret != SCEAU_OK)
			goto out;
	}
	if (!t->nroots) {
		ret = sceau_fail(err, SCEAU_ERR_INVALID,
				 "trust directory '%s' holds no root certificate (*.crt)", dir);
		goto out;
	}
	*out = t;
	t = NULL;
	ret = SCEAU_OK;
out:
	if (d)
		closedir(d);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	sceau_trust_free(t);
	return ret;
}

/* The memo for (cert, root), computed on first use. Returns SCEAU_OK and a
 * copy in *m. */
static enum sceau_err memo_for(const struct sceau_trust *ct, X509 *cert, X509 *root,
			       struct sceau_trust_memo *m, struct sceau_error *err)
{
	/* the store is logically const: the memo only remembers */
	struct sceau_trust *t = (struct sceau_trust *)ct;
	enum sceau_err ret = SCEAU_OK;
	int found = 0;

	pthread_mutex_lock(&t->lock);
	for (size_t i = 0; i < t->nmemo && !found; i++)
		if (t->memo[i].root == root && X509_cmp(t->memo[i].cert, cert) == 0) {
			*m = t->memo[i];
			found = 1;
		}
	pthread_mutex_unlock(&t->lock);
	if (found)
		return SCEAU_OK;
	memset(m, 0, sizeof(*m));
	m->root = root;
	m->cert = cert;
	m->signed_by_root = X509_verify(cert, X509_get0_pubkey(root)) == 1;
	ERR_clear_error();
	if (m->signed_by_root && (ret = sceau_signer_path(cert, root, &m->path, err)) != SCEAU_OK)
		return ret;
	if (!X509_up_ref(cert))
		return SCEAU_OK; /* not remembered: no harm */
	pthread_mutex_lock(&t->lock);
	{
		struct sceau_trust_memo *slot = &t->memo[t->next_memo];
		if (t->nmemo == SCEAU_TRUST_MEMO)
			X509_free(slot->cert);
		else
			t->nmemo++;
		*slot = *m;
		t->next_memo = (t->next_memo + 1) % SCEAU_TRUST_MEMO;
	}
	pthread_mutex_unlock(&t->lock);
	return SCEAU_OK;
}

/* Has `crl` been found signed by `root` before? If not, check and
 * remember. */
static int crl_checked(const struct sceau_trust *ct, X509_CRL *crl, X509 *root)
{
	struct sceau_trust *t = (struct sceau_trust *)ct;
	int ok = 0;

	pthread_mutex_lock(&t->lock);
	for (size_t i = 0; i < t->ncrl_ok && !ok; i++)
		ok = t->crl_ok[i] == crl;
	pthread_mutex_unlock(&t->lock);
	if (ok || !sceau_crl_by_root(crl, root))
		return ok;
	pthread_mutex_lock(&t->lock);
	if (t->ncrl_ok < SCEAU_TRUST_MEMO)
		t->crl_ok[t->ncrl_ok++] = crl;
	pthread_mutex_unlock(&t->lock);
	return 1;
}

enum sceau_err sceau_trust_judge(const struct sceau_trust *t, X509 *cert, enum sceau_program type,
				 time_t at, struct sceau_verdict *v, struct sceau_error *err)
{
	enum sceau_err ret;
	char cn[128];

	if (!sceau_program_name(type) && type != SCEAU_PROGRAM_ANY)
		return sceau_fail(err, SCEAU_ERR_INVALID, "unknown programme %d", (int)type);
	if (!at)
		at = time(NULL);
	sceau_cert_cn(cert, cn, sizeof(cn));
	sceau_verdict_set(v, SCEAU_VERDICT_UNTRUSTED,
			  "signer certificate '%s' does not chain to a trusted root", cn);
	for (size_t i = 0; i < t->nroots; i++) {
		X509 *root = t->roots[i];
		X509_CRL *crl;
		struct sceau_trust_memo m;
		char rcn[128];
		if (X509_NAME_cmp(X509_get_issuer_name(cert), X509_get_subject_name(root)) != 0)
			continue;
		if ((ret = memo_for(t, cert, root, &m, err)) != SCEAU_OK)
			return ret;
		if (!m.signed_by_root)
			continue;
		if (!(crl = sceau_trust_crl_for(t, root))) {
			sceau_cert_cn(root, rcn, sizeof(rcn));
			sceau_verdict_set(v, SCEAU_VERDICT_UNTRUSTED,
					  "no revocation list of root '%s' in the trust store, so "
					  "signer '%s' cannot be checked",
					  rcn, cn);
			continue;
		}
		*v = m.path;
		if (v->code == SCEAU_VERDICT_VALID)
			sceau_signer_policy(cert, root, crl, crl_checked(t, crl, root), type, at,
					    v);
		return SCEAU_OK;
	}
	return SCEAU_OK;
}
