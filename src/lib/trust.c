/* sceau — the trust store: roots, signer certificates indexed by kid,
 * CRLs and the bodies' document status lists, read from a directory. */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
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
	for (size_t i = 0; i < t->nstatus; i++)
		sceau_status_free(t->status[i]);
	pthread_mutex_destroy(&t->lock);
	free(t->status);
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

/* 1 for a root, 0 for another certificate, -1 when an allocation failed
 * while checking its self-signature (a root taken for a signer would leave
 * the store without its anchor). */
static int is_root(X509 *cert)
{
	int self;

	errno = 0;
	self = X509_self_signed(cert, 1);
	if (self != 1 && sceau_ssl_oom())
		return -1;
	ERR_clear_error();
	return self == 1 && X509_check_ca(cert) != 0;
}

enum sceau_err sceau_trust_add_cert(struct sceau_trust *t, X509 *cert, struct sceau_error *err)
{
	enum sceau_err ret;
	int root;

	if (!t || !cert)
		return sceau_fail(err, SCEAU_ERR_INVALID, "no certificate given");
	if ((root = is_root(cert)) < 0)
		return sceau_fail(err, SCEAU_ERR_NOMEM,
				  "cannot check a certificate: out of memory");
	if (root) {
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

/* Has `crl` been found signed by `root` before? If not, check and
 * remember (at most SCEAU_TRUST_MEMO CRLs; beyond, checked each time). */
static int crl_checked(const struct sceau_trust *ct, X509_CRL *crl, X509 *root)
{
	/* the store is logically const: the memo only remembers */
	struct sceau_trust *t = (struct sceau_trust *)ct;
	int ok = 0;

	pthread_mutex_lock(&t->lock);
	for (size_t i = 0; i < t->ncrl_ok && !ok; i++)
		ok = t->crl_ok[i].crl == crl && t->crl_ok[i].root == root;
	pthread_mutex_unlock(&t->lock);
	if (ok || !sceau_crl_by_root(crl, root))
		return ok;
	pthread_mutex_lock(&t->lock);
	if (t->ncrl_ok < SCEAU_TRUST_MEMO) {
		t->crl_ok[t->ncrl_ok].crl = crl;
		t->crl_ok[t->ncrl_ok++].root = root;
	}
	pthread_mutex_unlock(&t->lock);
	return 1;
}

X509_CRL *sceau_trust_crl_for(const struct sceau_trust *t, X509 *root)
{
	X509_CRL *best = NULL;
	long best_n = -2;

	for (size_t i = 0; X509_get0_pubkey(root) && i < t->ncrls; i++) {
		X509_CRL *c = t->crls[i];
		long n;
		if (X509_NAME_cmp(X509_CRL_get_issuer(c), X509_get_subject_name(root)) != 0 ||
		    !crl_checked(t, c, root))
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

/* Add one file of a trust directory to t (not a regular file: skipped). */
static enum sceau_err load_file(struct sceau_trust *t, const char *dir, const char *name,
				struct sceau_error *err)
{
	char *path = sceau_path_join(dir, name);
	unsigned char *buf = NULL;
	size_t len = 0;
	struct stat st;
	enum sceau_err ret;

	if (!path)
		return sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		ret = SCEAU_OK;
	} else if (has_suffix(name, ".crt")) {
		X509 *x = NULL;
		ret = sceau_cert_load(path, &x, err);
		if (ret == SCEAU_OK)
			ret = sceau_trust_add_cert(t, x, err);
		X509_free(x);
	} else if (has_suffix(name, ".crl")) {
		X509_CRL *c = NULL;
		ret = sceau_crl_load(path, &c, err);
		if (ret == SCEAU_OK)
			ret = sceau_trust_add_crl(t, c, err);
		X509_CRL_free(c);
	} else {
		ret = sceau_fs_read(path, SCEAU_STATUS_MAX, "status list", &buf, &len, err);
		if (ret == SCEAU_OK &&
		    (ret = sceau_trust_add_status(t, buf, len, err)) != SCEAU_OK && err) {
			char msg[sizeof(err->msg)];
			memcpy(msg, err->msg, sizeof(msg));
			sceau_fail(err, ret, "cannot load '%s': %s", path, msg);
		}
	}
	free(buf);
	free(path);
	return ret;
}

enum sceau_err sceau_trust_load_dir(const char *dir, struct sceau_trust **out,
				    struct sceau_error *err)
{
	struct sceau_trust *t = NULL;
	enum sceau_err ret;
	DIR *d = NULL;
	struct dirent *e;
	char **names = NULL;
	unsigned char *later = NULL;
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
		    !(has_suffix(e->d_name, ".crt") || has_suffix(e->d_name, ".crl") ||
		      has_suffix(e->d_name, ".status")))
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
	if (n && !(later = calloc(n, 1))) {
		ret = sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
		goto out;
	}
	/* Status lists last: they are verified under the certificates and
	 * CRLs, whatever their names. A list refused is tried once more at
	 * the end: one by a revoked signer is outdated by the body's later
	 * list under its new key, which may come after it; any other refusal
	 * simply recurs. */
	for (int pass = 0; pass < 3; pass++)
		for (size_t i = 0; i < n; i++) {
			if (pass == 2 ? !later[i] : has_suffix(names[i], ".status") != pass)
				continue;
			ret = load_file(t, dir, names[i], err);
			if (ret != SCEAU_OK && pass == 1) {
				later[i] = 1;
				continue;
			}
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
	free(later);
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

enum sceau_err sceau_trust_judge(const struct sceau_trust *t, X509 *cert, enum sceau_program type,
				 time_t at, struct sceau_verdict *v, struct sceau_error *err)
{
	enum sceau_err ret;
	char cn[128];

	if (!sceau_program_name(type) && type != SCEAU_PROGRAM_ANY)
		return sceau_fail(err, SCEAU_ERR_INVALID, "unknown programme %d", (int)type);
	if (!at)
		at = time(NULL);
	v->warning[0] = 0;
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

/* ---- document status lists ------------------------------------------------- */

int sceau_verdict_severity(enum sceau_verdict_code c)
{
	switch (c) {
	case SCEAU_VERDICT_INVALID:
		return 8;
	case SCEAU_VERDICT_MODIFIED:
		return 7;
	case SCEAU_VERDICT_REVOKED:
		return 6;
	case SCEAU_VERDICT_UNTRUSTED:
		return 5;
	case SCEAU_VERDICT_SUSPENDED:
		return 4;
	case SCEAU_VERDICT_SUPERSEDED:
		return 3;
	case SCEAU_VERDICT_EXPIRED:
		return 2;
	case SCEAU_VERDICT_NOT_YET_VALID:
		return 1;
	case SCEAU_VERDICT_VALID:
		return 0;
	}
	return 8;
}

static struct sceau_status **slot_for(const struct sceau_trust *t, const char *issuer)
{
	for (size_t i = 0; t && issuer && i < t->nstatus; i++)
		if (!strcmp(t->status[i]->issuer, issuer))
			return &t->status[i];
	return NULL;
}

const struct sceau_status *sceau_trust_status_for(const struct sceau_trust *t, const char *issuer)
{
	struct sceau_status **s = slot_for(t, issuer);
	return s ? *s : NULL;
}

/* Do two lists of one body and sequence say the same? (Their signatures
 * differ: ECDSA is randomised.) */
static int same_list(const struct sceau_status *a, const struct sceau_status *b)
{
	if (a->issued != b->issued || a->next_update != b->next_update ||
	    a->n_entries != b->n_entries)
		return 0;
	for (size_t i = 0; i < a->n_entries; i++) {
		const struct sceau_status_entry *x = &a->entries[i], *y = &b->entries[i];
		if (strcmp(x->number, y->number) || x->state != y->state ||
		    x->reason != y->reason || x->since != y->since || strcmp(x->by, y->by))
			return 0;
	}
	return 1;
}

/* Find the signer of list `s` (decoded with COSE fields `c`): a signer
 * certificate with its kid and the list's issuer as common name, whose key
 * verifies the signature and which the store trusts at the list's issue
 * time, for any programme. Sets *ok, or says why not in `why`; *revoked
 * when the only thing wrong is that the signer is revoked. */
static enum sceau_err list_signer(const struct sceau_trust *t, const struct sceau_status *s,
				  const struct sceau_cose *c, int *ok, int *revoked, char *why,
				  size_t whylen, struct sceau_error *err)
{
	struct sceau_verdict v = {0};
	enum sceau_err ret;
	int named = 0, verified = 0;
	char cn[128];

	*ok = 0;
	*revoked = 0;
	for (size_t i = 0; i < t->nsigners && !*ok; i++) {
		X509 *cert = t->signers[i].cert;
		if (memcmp(t->signers[i].kid, s->kid, SCEAU_KID_LEN) != 0)
			continue;
		sceau_cert_cn(cert, cn, sizeof(cn));
		if (strcmp(cn, s->issuer) != 0)
			continue;
		named = 1;
		if ((ret = sceau_cose_verify_signature(c, X509_get0_pubkey(cert), &v, err)) !=
		    SCEAU_OK)
			return ret;
		if (v.code != SCEAU_VERDICT_VALID)
			continue;
		verified = 1;
		if ((ret = sceau_trust_judge(t, cert, SCEAU_PROGRAM_ANY, s->issued, &v, err)) !=
		    SCEAU_OK)
			return ret;
		*ok = v.code == SCEAU_VERDICT_VALID;
		*revoked = v.code == SCEAU_VERDICT_REVOKED;
	}
	if (*ok)
		return SCEAU_OK;
	if (!named) {
		char kid[2 * SCEAU_KID_LEN + 1];
		for (size_t i = 0; i < SCEAU_KID_LEN; i++)
			snprintf(kid + 2 * i, 3, "%02x", s->kid[i]);
		snprintf(why, whylen,
			 "no signer certificate of '%s' with kid %s in the trust store", s->issuer,
			 kid);
	} else if (!verified) {
		snprintf(why, whylen, "the signature does not verify: %s", v.reason);
	} else {
		snprintf(why, whylen, "its signer is not trusted: %s", v.reason);
	}
	return SCEAU_OK;
}

enum sceau_err sceau_trust_add_status(struct sceau_trust *t, const unsigned char *buf, size_t len,
				      struct sceau_error *err)
{
	struct sceau_status *s = NULL, **slot;
	struct sceau_cose c;
	enum sceau_err ret;
	char why[SCEAU_VERDICT_REASON_MAX + 64];
	int ok = 0, by_revoked = 0;

	if (!t)
		return sceau_fail(err, SCEAU_ERR_INVALID, "no trust store given");
	/* The signature first, on the list without its entries: a hostile
	 * list costs its bytes, not a table of entries, until it is proven. */
	if ((ret = sceau_status_decode_cose(buf, len, 1, &s, &c, err)) != SCEAU_OK)
		return ret;
	if ((ret = list_signer(t, s, &c, &ok, &by_revoked, why, sizeof(why), err)) != SCEAU_OK)
		goto out;
	/* A body whose key was revoked publishes its next list with its new
	 * key: the old list, signed by the revoked one, is then outdated, not
	 * a threat, and is ignored. Without a later list it is refused. */
	if (!ok && by_revoked && (slot = slot_for(t, s->issuer)) &&
	    (*slot)->sequence > s->sequence) {
		ret = SCEAU_OK;
		goto out;
	}
	if (!ok) {
		ret = sceau_fail(err, SCEAU_ERR_MISMATCH,
				 "status list of '%s' (sequence %" PRIu64 "): %s", s->issuer,
				 s->sequence, why);
		goto out;
	}
	sceau_status_free(s);
	s = NULL;
	if ((ret = sceau_status_decode_cose(buf, len, 0, &s, &c, err)) != SCEAU_OK)
		return ret;
	if ((slot = slot_for(t, s->issuer))) {
		if (s->sequence == (*slot)->sequence && !same_list(s, *slot)) {
			ret = sceau_fail(err, SCEAU_ERR_MISMATCH,
					 "two status lists of '%s' with sequence %" PRIu64
					 " say different things",
					 s->issuer, s->sequence);
			goto out;
		}
		if (s->sequence > (*slot)->sequence) {
			sceau_status_free(*slot);
			*slot = s;
			s = NULL;
		}
		ret = SCEAU_OK;
		goto out;
	}
	if (!grow((void **)&t->status, t->nstatus, &t->capstatus, sizeof(*t->status))) {
		ret = sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
		goto out;
	}
	t->status[t->nstatus++] = s;
	s = NULL;
	ret = SCEAU_OK;
out:
	sceau_status_free(s);
	return ret;
}

/* "2026-11-20" */
static void day(time_t t, char buf[11])
{
	sceau_date_format(sceau_date_of(t), buf);
}

/* "2026-11-27 10:00 UTC" */
static void instant(time_t t, char *buf, size_t len)
{
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%d %H:%M UTC", &tm))
		snprintf(buf, len, "%lld", (long long)t);
}

static void warn(struct sceau_verdict *v, const char *fmt, ...) SCEAU_PRINTF(2, 3);
static void warn(struct sceau_verdict *v, const char *fmt, ...)
{
	va_list ap;

	if (v->warning[0])
		return; /* the first warning stays: one line */
	va_start(ap, fmt);
	vsnprintf(v->warning, sizeof(v->warning), fmt, ap);
	va_end(ap);
}

/* The verdict of a listed entry: "certificate 'N' was revoked on D: fraud". */
static void listed(const char *number, const struct sceau_status_entry *e, struct sceau_verdict *v)
{
	static const enum sceau_verdict_code codes[] = {
		[SCEAU_DOC_REVOKED] = SCEAU_VERDICT_REVOKED,
		[SCEAU_DOC_SUSPENDED] = SCEAU_VERDICT_SUSPENDED,
		[SCEAU_DOC_SUPERSEDED] = SCEAU_VERDICT_SUPERSEDED,
	};
	char d[11], why[40] = "", by[SCEAU_NUMBER_MAX + 8] = "";
	const char *r = sceau_doc_reason_name(e->reason);
	size_t i;

	day(e->since, d);
	if (e->reason != SCEAU_DOCR_UNSPECIFIED &&
	    !(e->state == SCEAU_DOC_SUPERSEDED && e->reason == SCEAU_DOCR_SUPERSEDED)) {
		snprintf(why, sizeof(why), ": %s", r);
		for (i = 0; why[i]; i++)
			if (why[i] == '_')
				why[i] = ' ';
	}
	if (e->state == SCEAU_DOC_SUPERSEDED)
		snprintf(by, sizeof(by), " by '%s'", e->by);
	sceau_verdict_set(v, codes[e->state], "certificate '%s' was %s%s on %s%s", number,
			  sceau_doc_state_name(e->state), by, d, why);
}

void sceau_trust_doc_status(const struct sceau_trust *t, const char *issuer, const char *number,
			    time_t at, struct sceau_doc_status *st, struct sceau_verdict *v)
{
	struct sceau_doc_status mine;
	const struct sceau_status *s;
	const struct sceau_status_entry *e;
	char when[32];

	if (!st)
		st = &mine;
	memset(st, 0, sizeof(*st));
	if (!t || !issuer || !number || !v)
		return;
	if (!at)
		at = time(NULL);
	if (!(s = sceau_trust_status_for(t, issuer))) {
		warn(v, "no status list of '%s' in the trust store: revocation of '%s' not checked",
		     issuer, number);
		return;
	}
	st->checked = 1;
	st->list_sequence = s->sequence;
	st->list_issued = s->issued;
	st->list_next_update = s->next_update;
	st->stale = at > s->next_update;
	if ((e = sceau_status_find(s, number))) {
		struct sceau_verdict lv = {0};
		st->state = e->state;
		st->reason = e->reason;
		st->since = e->since;
		memcpy(st->by, e->by, sizeof(st->by));
		/* what a list says happened stays true when the list ages */
		listed(number, e, &lv);
		if (sceau_verdict_severity(lv.code) > sceau_verdict_severity(v->code)) {
			v->code = lv.code;
			memcpy(v->reason, lv.reason, sizeof(v->reason));
		}
	}
	if (!st->stale)
		return;
	if (at - s->next_update <= SCEAU_STATUS_GRACE) {
		instant(s->next_update, when, sizeof(when));
		warn(v, "status list of '%s' is stale since %s", issuer, when);
		return;
	}
	instant(s->next_update + SCEAU_STATUS_GRACE, when, sizeof(when));
	/* Past the grace, a document the list does not name cannot be said to
	 * be in good standing; a verdict already worse than valid stands. */
	if (!e && v->code == SCEAU_VERDICT_VALID)
		sceau_verdict_set(v, SCEAU_VERDICT_UNTRUSTED,
				  "status list of '%s' expired on %s: the standing of '%s' is "
				  "unknown",
				  issuer, when, number);
	else
		warn(v, "status list of '%s' expired on %s", issuer, when);
}
