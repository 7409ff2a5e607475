/* sceau tests — trust bundles: the format (build, load, every way a bundle
 * can be truncated, forged or out of place), anti-rollback, install places,
 * and the `sceau trust` commands with `sceau verify` using what they
 * installed.
 *
 * A PKI is made once: root "r" with signer "s" (coc, halal), and another
 * root "o" with its signer "os". Every test gets its own HOME and
 * SCEAU_SYSCONFDIR (and, where it says so, SCEAU_STATE_DIR) under a fresh
 * temporary directory: nothing is read from or written to the real ~,
 * /etc or /var. */
#include <cbor.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "testutil.h"

#define SCEAU    SCEAU_BIN
#define PASS_ENV "SCEAU_PASSPHRASE=pw"
#define DAY      86400

static char *pki; /* the once-made PKI */
static char *tmp; /* this test's directory */
static X509 *r_root, *o_root, *s_cert, *os_cert;
static X509_CRL *r_crl;
static EVP_PKEY *r_key, *o_key;
static char *qr; /* a CoC signed by s */
static struct sceau_signer *s_signer, *os_signer;

#define QR_NUMBER "ITK-COC-2026-000123" /* the number of docs/examples/coc.json */

/* ---- helpers ----------------------------------------------------------------- */

static char *pki_path(const char *name)
{
	return tu_path(pki, name);
}

static char *tmp_path(const char *name)
{
	return tu_path(tmp, name);
}

static int has(const char *hay, const char *needle)
{
	return hay && strstr(hay, needle) != NULL;
}

/* Run sceau in tmp with extra environment `env` (NULL-terminated, may be
 * NULL) and the arguments. */
static void run(struct tu_proc *p, const char *const *env, const char *const *args)
{
	const char *argv[40] = {SCEAU};
	size_t n = 1;

	for (size_t i = 0; args[i]; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	tu_run(p, tmp, env, argv);
}

#define RUN(p, ...)        run((p), NULL, (const char *const[]){__VA_ARGS__, NULL})
#define RUN_ENV(p, e, ...) run((p), (e), (const char *const[]){__VA_ARGS__, NULL})

static void expect(struct tu_proc *p, int status)
{
	ck_assert_msg(p->status == status, "exit %d (wanted %d): %s%s", p->status, status, p->out,
		      p->err);
}

static EVP_PKEY *load_key(const char *dir)
{
	struct sceau_error err = {0};
	EVP_PKEY *k = NULL;
	char *path = tu_path(dir, "root.key");

	ck_assert_msg(sceau_key_load(path, "pw", 2, &k, &err) == SCEAU_OK, "%s", err.msg);
	free(path);
	return k;
}

/* A bundle of root r: sequence `seq`, with signer s when `with_signer`. */
static unsigned char *make(uint64_t seq, int with_signer, time_t issued, time_t next, size_t *len)
{
	struct sceau_bundle_params p = {0};
	struct sceau_error err = {0};
	unsigned char *out = NULL;

	p.root = r_root;
	p.root_key = r_key;
	p.signers = with_signer ? &s_cert : NULL;
	p.n_signers = with_signer ? 1 : 0;
	p.crl = r_crl;
	p.sequence = seq;
	p.issued = issued;
	p.next_update = next;
	ck_assert_msg(sceau_bundle_build(&p, &out, len, &err) == SCEAU_OK, "%s", err.msg);
	return out;
}

/* A status list of signer `sg` revoking the example CoC. Caller frees
 * with sceau_status_free; the bytes are in ->raw. */
static struct sceau_status *revoking_list(struct sceau_signer *sg, uint64_t seq)
{
	struct sceau_status_entry e = {0};
	struct sceau_error err = {0};
	struct sceau_status *st = NULL;
	time_t now = time(NULL);

	snprintf(e.number, sizeof(e.number), "%s", QR_NUMBER);
	e.state = SCEAU_DOC_REVOKED;
	e.reason = SCEAU_DOCR_FRAUD;
	e.since = now - DAY;
	ck_assert_msg(sceau_status_build(&e, 1, seq, now - 60, now + 7 * DAY, sg->cert, sg->key,
					 &st, &err) == SCEAU_OK,
		      "%s", err.msg);
	return st;
}

static char *write_bundle(const char *name, const unsigned char *b, size_t len)
{
	char *path = tmp_path(name);

	tu_write(path, (const char *)b, len);
	return path;
}

static enum sceau_err load(const unsigned char *b, size_t len, const unsigned char *pin,
			   struct sceau_error *err)
{
	struct sceau_trust *t = NULL;
	enum sceau_err ret = sceau_bundle_load(b, len, pin, &t, NULL, err);

	ck_assert(ret == SCEAU_OK ? t != NULL : t == NULL);
	sceau_trust_free(t);
	return ret;
}

/* The payload of a bundle, re-signed as given: the way to forge one. */
static unsigned char *resign(const unsigned char *payload, size_t plen, EVP_PKEY *key, X509 *kid_of,
			     const char *ctype, size_t *len)
{
	struct sceau_error err = {0};
	unsigned char kid[SCEAU_KID_LEN], *out = NULL;

	ck_assert(sceau_cert_kid(kid_of, kid, &err) == SCEAU_OK);
	ck_assert_msg(sceau_cose_sign_typed(payload, plen, key, kid, sizeof(kid), ctype, &out, len,
					    &err) == SCEAU_OK,
		      "%s", err.msg);
	return out;
}

/* The decoded payload map of a bundle; caller decrefs. */
static cbor_item_t *payload_map(const unsigned char *b, size_t len)
{
	struct sceau_error err = {0};
	struct sceau_cose *c = NULL;
	struct cbor_load_result res;
	cbor_item_t *map;

	ck_assert_msg(sceau_cose_decode(b, len, &c, &err) == SCEAU_OK, "%s", err.msg);
	map = cbor_load(c->payload, c->payload_len, &res);
	ck_assert_ptr_nonnull(map);
	sceau_cose_free(c);
	return map;
}

/* Re-encode `map` and sign it properly with r's key: structure tests. */
static enum sceau_err load_map(cbor_item_t *map, struct sceau_error *err)
{
	unsigned char *enc = NULL, *b;
	size_t cap = 0, n, len;
	enum sceau_err ret;

	n = cbor_serialize_alloc(map, &enc, &cap);
	ck_assert_uint_gt(n, 0);
	b = resign(enc, n, r_key, r_root, SCEAU_BUNDLE_CTYPE, &len);
	ret = load(b, len, NULL, err);
	free(b);
	free(enc);
	return ret;
}

static void fingerprint(X509 *x, unsigned char *md)
{
	ck_assert(X509_digest(x, EVP_sha256(), md, NULL) == 1);
}

static void fp_hex(X509 *x, char *buf)
{
	unsigned char md[32];

	fingerprint(x, md);
	for (int i = 0; i < 32; i++)
		snprintf(buf + 2 * i, 3, "%02x", md[i]);
}

static char *user_bundle(void)
{
	return tmp_path("home/.local/share/sceau/trust.bundle");
}

static int same_file(const char *a, const char *b)
{
	size_t la, lb;
	char *x = tu_read(a, &la), *y = tu_read(b, &lb);
	int same = x && y && la == lb && memcmp(x, y, la) == 0;

	free(x);
	free(y);
	return same;
}

/* `sceau trust build` from this test's copy of root r with signer s into
 * tmp/NAME, with sequence `extra` when not NULL. */
static char *cli_build(const char *name, const char *extra)
{
	char *root = tmp_path("r"), *s = pki_path("s"), *out = tmp_path(name);
	const char *env[] = {PASS_ENV, NULL};
	struct tu_proc p;

	if (extra)
		RUN_ENV(&p, env, "trust", "build", "--root", root, "--out", out, "--sequence",
			extra, s);
	else
		RUN_ENV(&p, env, "trust", "build", "--root", root, "--out", out, s);
	expect(&p, 0);
	tu_proc_free(&p);
	free(root);
	free(s);
	return out;
}

/* ---- fixtures ------------------------------------------------------------------ */

static void setup_once(void)
{
	const char *const clear[] = {
		"SCEAU_TRUST",   "SCEAU_STATE_DIR", "SCEAU_SYSCONFDIR", "SCEAU_SYSTEM_STATE_DIR",
		"XDG_DATA_HOME", "XDG_STATE_HOME",  "SCEAU_PASSPHRASE", "SCEAU_ROOT_PASSPHRASE"};
	time_t now = time(NULL);
	char *p;

	for (size_t i = 0; i < sizeof(clear) / sizeof(clear[0]); i++)
		unsetenv(clear[i]);
	pki = tu_tmpdir();
	p = pki_path("r");
	tu_make_root(p, "Test Root", 3650, now);
	r_key = load_key(p);
	free(p);
	p = pki_path("o");
	tu_make_root(p, "Other Root", 3650, now);
	o_key = load_key(p);
	free(p);
	{
		char *r = pki_path("r"), *s = pki_path("s"), *o = pki_path("o"),
		     *os = pki_path("os");
		tu_make_signer(r, s, "Test Body",
			       SCEAU_PROGRAM_BIT(SCEAU_PROGRAM_COC) |
				       SCEAU_PROGRAM_BIT(SCEAU_PROGRAM_HALAL),
			       365, now);
		tu_make_signer(o, os, "Other Body", SCEAU_PROGRAM_BIT(SCEAU_PROGRAM_COC), 365, now);
		free(r);
		free(s);
		free(o);
		free(os);
	}
	p = pki_path("r/root.crt");
	r_root = tu_load_cert(p);
	free(p);
	p = pki_path("o/root.crt");
	o_root = tu_load_cert(p);
	free(p);
	p = pki_path("s/signer.crt");
	s_cert = tu_load_cert(p);
	free(p);
	p = pki_path("os/signer.crt");
	os_cert = tu_load_cert(p);
	free(p);
	p = pki_path("r/crl.pem");
	r_crl = tu_load_crl(p);
	free(p);
	{
		struct sceau_error err = {0};
		char *s = pki_path("s"), *os = pki_path("os");
		ck_assert(sceau_signer_open(s, &s_signer, &err) == SCEAU_OK);
		ck_assert(sceau_signer_unlock(s_signer, "pw", 2, &err) == SCEAU_OK);
		ck_assert(sceau_signer_open(os, &os_signer, &err) == SCEAU_OK);
		ck_assert(sceau_signer_unlock(os_signer, "pw", 2, &err) == SCEAU_OK);
		free(s);
		free(os);
	}
	{
		const char *env[] = {PASS_ENV, NULL};
		char in[512], *s = pki_path("s");
		const char *argv[] = {SCEAU, "payload", "--signer", s, "--in", in, NULL};
		struct tu_proc pr;
		snprintf(in, sizeof(in), "%s/coc.json", SCEAU_EXAMPLES);
		tu_run(&pr, pki, env, argv);
		ck_assert_msg(pr.status == 0, "%s", pr.err);
		ck_assert_ptr_nonnull(strchr(pr.out, '\n'));
		*strchr(pr.out, '\n') = 0;
		qr = strdup(pr.out);
		tu_proc_free(&pr);
		free(s);
	}
}

static void teardown_once(void)
{
	X509_free(r_root);
	X509_free(o_root);
	X509_free(s_cert);
	X509_free(os_cert);
	X509_CRL_free(r_crl);
	sceau_signer_close(s_signer);
	sceau_signer_close(os_signer);
	EVP_PKEY_free(r_key);
	EVP_PKEY_free(o_key);
	free(qr);
	tu_rmrf(pki);
	free(pki);
}

/* A private HOME and system directory per test (the tests run forked, so
 * the environment is theirs); the sceau commands inherit it. */
static void setup(void)
{
	char *home, *etc;

	tmp = tu_tmpdir();
	home = tmp_path("home");
	etc = tmp_path("etc");
	ck_assert_int_eq(mkdir(home, 0700), 0);
	/* a copy of root r, so that each test numbers its bundles from 1 */
	{
		const char *files[] = {"root.crt", "root.key", "crl.pem"};
		char *rdir = tmp_path("r");
		ck_assert_int_eq(mkdir(rdir, 0700), 0);
		for (int i = 0; i < 3; i++) {
			char name[32], *from, *to, *data;
			size_t n;
			snprintf(name, sizeof(name), "r/%s", files[i]);
			from = pki_path(name);
			to = tmp_path(name);
			data = tu_read(from, &n);
			ck_assert_ptr_nonnull(data);
			tu_write(to, data, n);
			ck_assert_int_eq(chmod(to, 0600), 0);
			free(data);
			free(from);
			free(to);
		}
		free(rdir);
	}
	setenv("HOME", home, 1);
	setenv("SCEAU_SYSCONFDIR", etc, 1);
	unsetenv("SCEAU_STATE_DIR");
	unsetenv("SCEAU_TRUST");
	free(home);
	free(etc);
}

static void teardown(void)
{
	tu_rmrf(tmp);
	free(tmp);
}

/* ---- the format ---------------------------------------------------------------- */

START_TEST(test_bundle_round_trip_loads_every_item)
{
	struct sceau_error err = {0};
	struct sceau_bundle_info info;
	struct sceau_trust *t = NULL;
	struct sceau_bundle *b = NULL;
	time_t now = time(NULL);
	unsigned char md[32];
	size_t len, roots, signers, crls;
	unsigned char *buf = make(7, 1, now, now + 10 * DAY, &len);

	ck_assert_msg(sceau_bundle_load(buf, len, NULL, &t, &info, &err) == SCEAU_OK, "%s",
		      err.msg);
	sceau_trust_counts(t, &roots, &signers, &crls);
	ck_assert_uint_eq(roots, 1);
	ck_assert_uint_eq(signers, 1);
	ck_assert_uint_eq(crls, 1);
	ck_assert_uint_eq(info.sequence, 7);
	ck_assert_int_eq(info.issued, now);
	ck_assert_int_eq(info.next_update, now + 10 * DAY);
	ck_assert_str_eq(info.root_name, "Test Root");
	fingerprint(r_root, md);
	ck_assert_mem_eq(info.root_fingerprint, md, 32);
	ck_assert_uint_eq(info.n_roots, 1);
	ck_assert_uint_eq(info.n_signers, 1);
	ck_assert_uint_eq(info.n_crls, 1);
	ck_assert_uint_eq(info.n_status, 0);
	/* decode gives the very items */
	ck_assert_msg(sceau_bundle_decode(buf, len, &b, &err) == SCEAU_OK, "%s", err.msg);
	ck_assert_int_eq(X509_cmp(b->root, r_root), 0);
	ck_assert_int_eq(X509_cmp(b->signers[0], s_cert), 0);
	ck_assert_int_eq(X509_CRL_cmp(b->crls[0], r_crl), 0);
	ck_assert_mem_eq(b->info.digest, info.digest, 32);
	sceau_bundle_free(b);
	sceau_trust_free(t);
	free(buf);
	/* the default next update is 30 days after issue */
	buf = make(1, 0, now, 0, &len);
	ck_assert(sceau_bundle_load(buf, len, NULL, NULL, &info, &err) == SCEAU_OK);
	ck_assert_int_eq(info.next_update, now + 30 * DAY);
	ck_assert_uint_eq(info.n_signers, 0);
	free(buf);
}
END_TEST

START_TEST(test_bundle_truncated_is_refused_as_malformed)
{
	struct sceau_error err = {0};
	size_t len;
	unsigned char *buf = make(1, 1, 0, 0, &len);
	const size_t cuts[] = {0, 1, 2, 10, 60, len / 2, len - 65, len - 1};

	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		ck_assert_msg(load(buf, cuts[i], NULL, &err) == SCEAU_ERR_FORMAT, "cut at %zu: %s",
			      cuts[i], err.msg);
		ck_assert(has(err.msg, "trust bundle: "));
	}
	free(buf);
}
END_TEST

START_TEST(test_bundle_any_flipped_byte_is_refused)
{
	struct sceau_error err = {0};
	size_t len;
	unsigned char *buf = make(1, 1, 0, 0, &len);

	for (size_t i = 0; i < len; i++) {
		buf[i] ^= 0x01;
		enum sceau_err e = load(buf, len, NULL, &err);
		ck_assert_msg(e == SCEAU_ERR_FORMAT || e == SCEAU_ERR_MISMATCH,
			      "byte %zu flipped: %d %s", i, e, err.msg);
		buf[i] ^= 0x01;
	}
	/* the last byte is the signature's */
	buf[len - 1] ^= 0x80;
	ck_assert_int_eq(load(buf, len, NULL, &err), SCEAU_ERR_MISMATCH);
	ck_assert(has(err.msg, "the signature does not verify under its root 'Test Root'"));
	buf[len - 1] ^= 0x80;
	ck_assert_int_eq(load(buf, len, NULL, &err), SCEAU_OK);
	free(buf);
}
END_TEST

START_TEST(test_bundle_signed_by_another_key_is_refused)
{
	struct sceau_error err = {0};
	struct sceau_cose *c = NULL;
	unsigned char *forged;
	size_t len, flen;
	unsigned char *buf = make(1, 1, 0, 0, &len);

	ck_assert(sceau_cose_decode(buf, len, &c, &err) == SCEAU_OK);
	/* our root carried and named, the other root's key signing */
	forged = resign(c->payload, c->payload_len, o_key, r_root, SCEAU_BUNDLE_CTYPE, &flen);
	ck_assert_int_eq(load(forged, flen, NULL, &err), SCEAU_ERR_MISMATCH);
	ck_assert(has(err.msg, "the signature does not verify under its root 'Test Root'"));
	free(forged);
	/* the other root's kid */
	forged = resign(c->payload, c->payload_len, o_key, o_root, SCEAU_BUNDLE_CTYPE, &flen);
	ck_assert_int_eq(load(forged, flen, NULL, &err), SCEAU_ERR_MISMATCH);
	ck_assert(has(err.msg, "another kid than its root 'Test Root'"));
	free(forged);
	/* the root's key, but a status list's content type */
	forged = resign(c->payload, c->payload_len, r_key, r_root, SCEAU_STATUS_CTYPE, &flen);
	ck_assert_int_eq(load(forged, flen, NULL, &err), SCEAU_ERR_FORMAT);
	ck_assert(has(err.msg, "content type 'application/sceau-status+cbor;v=1'"));
	free(forged);
	/* no content type at all: a QR payload's envelope */
	forged = resign(c->payload, c->payload_len, r_key, r_root, NULL, &flen);
	ck_assert_int_eq(load(forged, flen, NULL, &err), SCEAU_ERR_FORMAT);
	free(forged);
	/* and the same payload properly signed loads */
	forged = resign(c->payload, c->payload_len, r_key, r_root, SCEAU_BUNDLE_CTYPE, &flen);
	ck_assert_int_eq(load(forged, flen, NULL, &err), SCEAU_OK);
	free(forged);
	sceau_cose_free(c);
	free(buf);
}
END_TEST

START_TEST(test_bundle_root_other_than_the_pin_is_refused)
{
	struct sceau_error err = {0};
	unsigned char pin[32];
	size_t len;
	unsigned char *buf = make(1, 1, 0, 0, &len);

	fingerprint(o_root, pin);
	ck_assert_int_eq(load(buf, len, pin, &err), SCEAU_ERR_MISMATCH);
	ck_assert(has(err.msg, "signed by root 'Test Root' (SHA-256 "));
	ck_assert(has(err.msg, "not by the pinned root"));
	fingerprint(r_root, pin);
	ck_assert_int_eq(load(buf, len, pin, &err), SCEAU_OK);
	free(buf);
}
END_TEST

START_TEST(test_bundle_payload_is_read_strictly)
{
	struct sceau_error err = {0};
	size_t len;
	unsigned char *buf = make(3, 1, 0, 0, &len);
	cbor_item_t *map, *k, *v;
	struct cbor_pair *pairs;

	/* an unknown ninth entry */
	map = payload_map(buf, len);
	{
		cbor_item_t *big = cbor_new_definite_map(9);
		pairs = cbor_map_handle(map);
		for (size_t i = 0; i < 8; i++)
			ck_assert(cbor_map_add(big, pairs[i]));
		k = cbor_build_uint8(9);
		v = cbor_build_uint8(0);
		ck_assert(cbor_map_add(big, (struct cbor_pair){k, v}));
		cbor_decref(&k);
		cbor_decref(&v);
		ck_assert_int_eq(load_map(big, &err), SCEAU_ERR_FORMAT);
		ck_assert(has(err.msg, "the payload has 9 entries, not 8"));
		cbor_decref(&big);
	}
	cbor_decref(&map);

	/* the sequence 0 */
	map = payload_map(buf, len);
	pairs = cbor_map_handle(map);
	cbor_decref(&pairs[2].value);
	pairs[2].value = cbor_build_uint8(0);
	ck_assert_int_eq(load_map(map, &err), SCEAU_ERR_FORMAT);
	ck_assert(has(err.msg, "the sequence (-1) is 0"));
	cbor_decref(&map);

	/* a next update before the issue */
	map = payload_map(buf, len);
	pairs = cbor_map_handle(map);
	cbor_decref(&pairs[3].value);
	pairs[3].value = cbor_build_uint8(5);
	ck_assert_int_eq(load_map(map, &err), SCEAU_ERR_FORMAT);
	ck_assert(has(err.msg, "next update is not after the issue"));
	cbor_decref(&map);

	/* iss not the root's name */
	map = payload_map(buf, len);
	pairs = cbor_map_handle(map);
	cbor_decref(&pairs[0].value);
	pairs[0].value = cbor_build_string("Other Root");
	ck_assert_int_eq(load_map(map, &err), SCEAU_ERR_FORMAT);
	ck_assert(has(err.msg, "iss (1) is not the root's common name 'Test Root'"));
	cbor_decref(&map);

	/* keys out of order: swap the signers and the CRLs */
	map = payload_map(buf, len);
	pairs = cbor_map_handle(map);
	{
		struct cbor_pair tmpp = pairs[5];
		pairs[5] = pairs[6];
		pairs[6] = tmpp;
	}
	ck_assert_int_eq(load_map(map, &err), SCEAU_ERR_FORMAT);
	ck_assert(has(err.msg, "is not key -4"));
	cbor_decref(&map);

	/* no CRL */
	map = payload_map(buf, len);
	pairs = cbor_map_handle(map);
	cbor_decref(&pairs[6].value);
	pairs[6].value = cbor_new_definite_array(0);
	ck_assert_int_eq(load_map(map, &err), SCEAU_ERR_FORMAT);
	ck_assert(has(err.msg, "no revocation list of the root"));
	cbor_decref(&map);

	/* a second root */
	map = payload_map(buf, len);
	pairs = cbor_map_handle(map);
	{
		unsigned char *der = NULL;
		int n = i2d_X509(o_root, &der);
		cbor_item_t *roots = cbor_new_definite_array(2), *a = cbor_build_bytestring(der, n),
			    *b0 = cbor_array_get(pairs[4].value, 0);
		ck_assert(cbor_array_push(roots, b0) && cbor_array_push(roots, a));
		cbor_decref(&a);
		cbor_decref(&b0);
		cbor_decref(&pairs[4].value);
		pairs[4].value = roots;
		OPENSSL_free(der);
	}
	ck_assert_int_eq(load_map(map, &err), SCEAU_ERR_FORMAT);
	ck_assert(has(err.msg, "2 root certificates, not 1"));
	cbor_decref(&map);

	/* a signer of another root slipped in, signed by our root */
	map = payload_map(buf, len);
	pairs = cbor_map_handle(map);
	{
		unsigned char *der = NULL;
		int n = i2d_X509(os_cert, &der);
		cbor_item_t *a = cbor_build_bytestring(der, n);
		cbor_decref(&pairs[5].value);
		pairs[5].value = cbor_new_definite_array(1);
		ck_assert(cbor_array_push(pairs[5].value, a));
		cbor_decref(&a);
		OPENSSL_free(der);
	}
	ck_assert_int_eq(load_map(map, &err), SCEAU_ERR_MISMATCH);
	ck_assert(
		has(err.msg, "signer certificate 'Other Body' is not issued by root 'Test Root'"));
	cbor_decref(&map);

	/* a certificate that is not DER */
	map = payload_map(buf, len);
	pairs = cbor_map_handle(map);
	{
		cbor_item_t *a = cbor_build_bytestring((const unsigned char *)"junk", 4);
		cbor_decref(&pairs[5].value);
		pairs[5].value = cbor_new_definite_array(1);
		ck_assert(cbor_array_push(pairs[5].value, a));
		cbor_decref(&a);
	}
	ck_assert_int_eq(load_map(map, &err), SCEAU_ERR_FORMAT);
	ck_assert(has(err.msg, "signer 1 is not a DER certificate"));
	cbor_decref(&map);

	/* unchanged, it loads */
	map = payload_map(buf, len);
	ck_assert_int_eq(load_map(map, &err), SCEAU_OK);
	cbor_decref(&map);
	free(buf);
}
END_TEST

START_TEST(test_bundle_build_refuses_foreign_items_and_bad_params)
{
	struct sceau_bundle_params p = {0};
	struct sceau_error err = {0};
	unsigned char *out = NULL;
	size_t len = 0;
	X509 *two[2] = {s_cert, s_cert};
	X509_CRL *o_crl;
	char *path;

	p.root = r_root;
	p.root_key = r_key;
	p.crl = r_crl;
	p.sequence = 1;
	p.signers = &os_cert;
	p.n_signers = 1;
	ck_assert_int_eq(sceau_bundle_build(&p, &out, &len, &err), SCEAU_ERR_MISMATCH);
	ck_assert(
		has(err.msg, "signer certificate 'Other Body' is not issued by root 'Test Root'"));
	ck_assert_ptr_null(out);
	p.signers = two;
	p.n_signers = 2;
	ck_assert_int_eq(sceau_bundle_build(&p, &out, &len, &err), SCEAU_ERR_INVALID);
	ck_assert(has(err.msg, "'Test Body' is given twice"));
	p.n_signers = 1;
	p.root_key = o_key;
	ck_assert_int_eq(sceau_bundle_build(&p, &out, &len, &err), SCEAU_ERR_MISMATCH);
	ck_assert(has(err.msg, "the key does not belong to root certificate 'Test Root'"));
	p.root_key = r_key;
	path = pki_path("o/crl.pem");
	o_crl = tu_load_crl(path);
	free(path);
	p.crl = o_crl;
	ck_assert_int_eq(sceau_bundle_build(&p, &out, &len, &err), SCEAU_ERR_MISMATCH);
	ck_assert(has(err.msg, "is not issued by root 'Test Root'"));
	X509_CRL_free(o_crl);
	p.crl = r_crl;
	p.sequence = 0;
	ck_assert_int_eq(sceau_bundle_build(&p, &out, &len, &err), SCEAU_ERR_INVALID);
	p.sequence = 1;
	p.issued = 1000;
	p.next_update = 1000;
	ck_assert_int_eq(sceau_bundle_build(&p, &out, &len, &err), SCEAU_ERR_INVALID);
	p.root = s_cert;
	p.next_update = 0;
	ck_assert_int_eq(sceau_bundle_build(&p, &out, &len, &err), SCEAU_ERR_INVALID);
	ck_assert(has(err.msg, "'Test Body' is not a root CA certificate"));
	ck_assert_ptr_null(out);
}
END_TEST

/* ---- places and state ------------------------------------------------------------ */

START_TEST(test_bundle_places_follow_the_environment)
{
	char *p, *want;

	p = sceau_bundle_user_path();
	want = tmp_path("home/.local/share/sceau/trust.bundle");
	ck_assert_str_eq(p, want);
	free(p);
	free(want);
	setenv("XDG_DATA_HOME", "/x/data", 1);
	p = sceau_bundle_user_path();
	ck_assert_str_eq(p, "/x/data/sceau/trust.bundle");
	free(p);
	setenv("XDG_DATA_HOME", "relative", 1); /* not absolute: ignored */
	p = sceau_bundle_user_path();
	ck_assert(has(p, "/home/.local/share/sceau/trust.bundle"));
	free(p);
	setenv("SCEAU_TRUST", "/y/t.bundle", 1);
	p = sceau_bundle_user_path();
	ck_assert_str_eq(p, "/y/t.bundle");
	free(p);
	unsetenv("SCEAU_SYSCONFDIR");
	p = sceau_bundle_system_path();
	ck_assert_str_eq(p, "/etc/sceau/trust.bundle");
	free(p);
	setenv("SCEAU_SYSCONFDIR", "/z", 1);
	p = sceau_bundle_system_path();
	ck_assert_str_eq(p, "/z/trust.bundle");
	free(p);
	p = sceau_bundle_state_dir(1);
	ck_assert_str_eq(p, "/var/lib/sceau");
	free(p);
	p = sceau_bundle_state_dir(0);
	ck_assert(has(p, "/home/.local/state/sceau"));
	free(p);
	setenv("XDG_STATE_HOME", "/s", 1);
	p = sceau_bundle_state_dir(0);
	ck_assert_str_eq(p, "/s/sceau");
	free(p);
	setenv("SCEAU_STATE_DIR", "/st", 1);
	p = sceau_bundle_state_dir(0);
	ck_assert_str_eq(p, "/st");
	free(p);
	p = sceau_bundle_state_dir(1);
	ck_assert_str_eq(p, "/st");
	free(p);
	setenv("SCEAU_STATE_DIR", "", 1); /* empty: unset */
	p = sceau_bundle_state_dir(1);
	ck_assert_str_eq(p, "/var/lib/sceau");
	free(p);
}
END_TEST

START_TEST(test_bundle_accept_refuses_rollback_and_two_contents)
{
	struct sceau_error err = {0};
	struct sceau_bundle_info i1, i2, i2b;
	char *state = tmp_path("state"), *file, hex[65], name[80];
	size_t l1, l2, l2b;
	unsigned char *b1 = make(1, 1, 0, 0, &l1), *b2 = make(2, 1, 0, 0, &l2),
		      *b2b = make(2, 0, 0, 0, &l2b);

	ck_assert(sceau_bundle_load(b1, l1, NULL, NULL, &i1, &err) == SCEAU_OK);
	ck_assert(sceau_bundle_load(b2, l2, NULL, NULL, &i2, &err) == SCEAU_OK);
	ck_assert(sceau_bundle_load(b2b, l2b, NULL, NULL, &i2b, &err) == SCEAU_OK);
	/* read-only on a missing directory: nothing seen, nothing written */
	ck_assert_int_eq(sceau_bundle_accept(&i2, state, 1, &err), SCEAU_OK);
	ck_assert(!tu_exists(state));
	ck_assert_int_eq(sceau_bundle_accept(&i2, state, 0, &err), SCEAU_OK);
	fp_hex(r_root, hex);
	snprintf(name, sizeof(name), "state/bundle-%s", hex);
	file = tmp_path(name);
	ck_assert(tu_exists(file));
	ck_assert_int_eq(sceau_bundle_accept(&i1, state, 1, &err), SCEAU_ERR_STATE);
	ck_assert(has(err.msg, "trust bundle 1 of root 'Test Root' is older than bundle 2 "
			       "accepted on "));
	ck_assert_int_eq(sceau_bundle_accept(&i1, state, 0, &err), SCEAU_ERR_STATE);
	ck_assert_int_eq(sceau_bundle_accept(&i2b, state, 0, &err), SCEAU_ERR_MISMATCH);
	ck_assert(has(err.msg, "one sequence number, two contents"));
	ck_assert_int_eq(sceau_bundle_accept(&i2, state, 0, &err), SCEAU_OK);
	/* a damaged state refuses rather than forgets */
	tu_write(file, "garbage\n", 8);
	ck_assert_int_eq(sceau_bundle_accept(&i2, state, 1, &err), SCEAU_ERR_STATE);
	ck_assert(has(err.msg, "is damaged"));
	free(state);
	free(file);
	free(b1);
	free(b2);
	free(b2b);
}
END_TEST

START_TEST(test_bundle_trust_open_takes_a_directory_or_a_bundle)
{
	struct sceau_error err = {0};
	struct sceau_bundle_info info;
	struct sceau_trust *t = NULL;
	size_t len, roots, signers;
	unsigned char *buf = make(4, 1, 0, 0, &len);
	char *path = write_bundle("t.bundle", buf, len), *dir = tmp_path("dir");
	char *crt = tu_path(dir, "root.crt"), *src = pki_path("r/root.crt"), *data;
	size_t n;

	ck_assert_msg(sceau_trust_open(path, &t, &info, &err) == SCEAU_OK, "%s", err.msg);
	ck_assert_uint_eq(info.sequence, 4);
	sceau_trust_counts(t, &roots, &signers, NULL);
	ck_assert_uint_eq(signers, 1);
	sceau_trust_free(t);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	data = tu_read(src, &n);
	tu_write(crt, data, n);
	ck_assert_msg(sceau_trust_open(dir, &t, &info, &err) == SCEAU_OK, "%s", err.msg);
	ck_assert_uint_eq(info.sequence, 0);
	sceau_trust_free(t);
	/* nothing given, nothing installed */
	ck_assert_int_eq(sceau_trust_open(NULL, &t, NULL, &err), SCEAU_ERR_NOT_FOUND);
	ck_assert(has(err.msg, "no trust bundle installed"));
	ck_assert_ptr_null(t);
	/* SCEAU_TRUST names the default */
	setenv("SCEAU_TRUST", path, 1);
	ck_assert_int_eq(sceau_trust_open(NULL, &t, &info, &err), SCEAU_OK);
	ck_assert_uint_eq(info.sequence, 4);
	sceau_trust_free(t);
	/* a certificate is no bundle */
	ck_assert_int_eq(sceau_trust_open(crt, &t, NULL, &err), SCEAU_ERR_FORMAT);
	ck_assert(has(err.msg, "refused"));
	free(buf);
	free(path);
	free(dir);
	free(crt);
	free(src);
	free(data);
}
END_TEST

/* ---- the commands ---------------------------------------------------------------- */

START_TEST(test_cli_verify_with_a_bundle_works_like_the_directory)
{
	char *b = cli_build("t.bundle", NULL), *dir = tmp_path("trust"), *f;
	struct tu_proc p;
	char *data;
	size_t n;
	const char *files[][2] = {
		{"r/root.crt", "root.crt"}, {"r/crl.pem", "root.crl"}, {"s/signer.crt", "s.crt"}};

	RUN(&p, "verify", "--trust", b, "--qr", qr);
	expect(&p, 0);
	ck_assert(has(p.out, "VALID: signed by 'Test Body', authorised for coc"));
	ck_assert_str_eq(p.err, "");
	tu_proc_free(&p);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	for (int i = 0; i < 3; i++) {
		char *src = pki_path(files[i][0]);
		f = tu_path(dir, files[i][1]);
		data = tu_read(src, &n);
		tu_write(f, data, n);
		free(data);
		free(src);
		free(f);
	}
	RUN(&p, "verify", "--trust", dir, "--qr", qr);
	expect(&p, 0);
	ck_assert(has(p.out, "VALID: signed by 'Test Body', authorised for coc"));
	tu_proc_free(&p);
	/* a bundle without the signer: untrusted, like a directory without it */
	{
		size_t len;
		unsigned char *buf = make(1, 0, 0, 0, &len);
		char *nb = write_bundle("nosigner.bundle", buf, len);
		RUN(&p, "verify", "--trust", nb, "--qr", qr);
		expect(&p, 1);
		ck_assert(has(p.out, "UNTRUSTED"));
		tu_proc_free(&p);
		free(nb);
		free(buf);
	}
	free(b);
	free(dir);
}
END_TEST

START_TEST(test_cli_install_then_verify_without_trust)
{
	char *b = cli_build("t.bundle", NULL), *installed = user_bundle();
	struct tu_proc p;

	RUN(&p, "verify", "--qr", qr);
	expect(&p, 2);
	ck_assert(has(p.err, "no trust bundle installed"));
	ck_assert(has(p.err, "sceau trust install BUNDLE"));
	tu_proc_free(&p);

	RUN(&p, "trust", "install", b);
	expect(&p, 0);
	ck_assert(has(p.out, "installed trust bundle 1 of root 'Test Root' at '"));
	ck_assert(has(p.out, "first bundle here: root 'Test Root' is now trusted"));
	{
		char fp[96];
		unsigned char md[32];
		fingerprint(r_root, md);
		for (int i = 0; i < 32; i++)
			snprintf(fp + 3 * i, 4, i < 31 ? "%02X:" : "%02X", md[i]);
		ck_assert(has(p.out, fp));
	}
	tu_proc_free(&p);
	ck_assert(same_file(b, installed));
	ck_assert_int_eq(tu_mode(installed), 0644);

	RUN(&p, "verify", "--qr", qr);
	expect(&p, 0);
	ck_assert(has(p.out, "VALID: signed by 'Test Body'"));
	ck_assert_str_eq(p.err, "");
	tu_proc_free(&p);
	RUN(&p, "verify", "--json", "--qr", qr);
	expect(&p, 0);
	tu_proc_free(&p);

	/* installing it again changes nothing */
	RUN(&p, "trust", "install", b);
	expect(&p, 0);
	ck_assert(has(p.out, "is already installed"));
	tu_proc_free(&p);
	free(b);
	free(installed);
}
END_TEST

START_TEST(test_cli_install_refuses_rollback_with_both_numbers)
{
	char *b1 = cli_build("b1.bundle", NULL), *b2 = cli_build("b2.bundle", NULL);
	char *installed = user_bundle();
	struct tu_proc p;

	RUN(&p, "trust", "install", b2);
	expect(&p, 0);
	tu_proc_free(&p);
	RUN(&p, "trust", "install", b1);
	expect(&p, 2);
	ck_assert(has(p.err, "bundle 1 is older than bundle 2 installed at"));
	ck_assert(has(p.err, "nothing installed"));
	tu_proc_free(&p);
	ck_assert(same_file(b2, installed));
	/* with the installed file gone, the state still remembers */
	ck_assert_int_eq(unlink(installed), 0);
	RUN(&p, "trust", "install", b1);
	expect(&p, 2);
	ck_assert(has(p.err,
		      "trust bundle 1 of root 'Test Root' is older than bundle 2 accepted on"));
	tu_proc_free(&p);
	ck_assert(!tu_exists(installed));
	/* and a verifier given the old one refuses it too */
	RUN(&p, "verify", "--trust", b1, "--qr", qr);
	expect(&p, 2);
	ck_assert(has(p.err, "older than bundle 2 accepted on"));
	tu_proc_free(&p);
	RUN(&p, "verify", "--trust", b2, "--qr", qr);
	expect(&p, 0);
	tu_proc_free(&p);
	free(b1);
	free(b2);
	free(installed);
}
END_TEST

START_TEST(test_cli_install_refuses_same_sequence_other_contents)
{
	time_t now = time(NULL);
	size_t l1, l2;
	unsigned char *x1 = make(5, 1, now, 0, &l1), *x2 = make(5, 0, now, 0, &l2);
	char *a = write_bundle("a.bundle", x1, l1), *b = write_bundle("b.bundle", x2, l2);
	char *installed = user_bundle();
	struct tu_proc p;

	RUN(&p, "trust", "install", a);
	expect(&p, 0);
	tu_proc_free(&p);
	RUN(&p, "trust", "install", b);
	expect(&p, 2);
	ck_assert(has(p.err, "differs from bundle 5 installed at"));
	tu_proc_free(&p);
	ck_assert(same_file(a, installed));
	unlink(installed);
	RUN(&p, "trust", "install", b);
	expect(&p, 2);
	ck_assert(has(p.err, "one sequence number, two contents"));
	tu_proc_free(&p);
	free(x1);
	free(x2);
	free(a);
	free(b);
	free(installed);
}
END_TEST

START_TEST(test_cli_install_state_dir_is_overridable)
{
	char *b = cli_build("t.bundle", NULL), *state = tmp_path("elsewhere"), hex[65], name[96];
	const char *env[2] = {NULL, NULL};
	char envs[600], *file, *def;
	struct tu_proc p;

	snprintf(envs, sizeof(envs), "SCEAU_STATE_DIR=%s", state);
	env[0] = envs;
	RUN_ENV(&p, env, "trust", "install", b);
	expect(&p, 0);
	tu_proc_free(&p);
	fp_hex(r_root, hex);
	snprintf(name, sizeof(name), "elsewhere/bundle-%s", hex);
	file = tmp_path(name);
	ck_assert(tu_exists(file));
	snprintf(name, sizeof(name), "home/.local/state/sceau/bundle-%s", hex);
	def = tmp_path(name);
	ck_assert(!tu_exists(def));
	{
		size_t n;
		char *line = tu_read(file, &n);
		ck_assert(!strncmp(line, "1 ", 2));
		ck_assert_uint_eq(n, 2 + 64 + 1 + 20 + 1);
		free(line);
	}
	free(b);
	free(state);
	free(file);
	free(def);
}
END_TEST

START_TEST(test_cli_install_refuses_broken_bundles_and_installs_nothing)
{
	size_t len;
	unsigned char *buf = make(1, 1, 0, 0, &len);
	char *trunc = write_bundle("trunc.bundle", buf, len - 20), *installed = user_bundle();
	char *flip, *pem = pki_path("s/signer.crt"), *state = tmp_path("home/.local/state");
	struct tu_proc p;

	RUN(&p, "trust", "install", trunc);
	expect(&p, 2);
	ck_assert(has(p.err, "trust bundle '"));
	ck_assert(has(p.err, "trunc.bundle' refused: "));
	ck_assert(has(p.err, "nothing installed"));
	tu_proc_free(&p);
	buf[len / 2] ^= 0x10;
	flip = write_bundle("flip.bundle", buf, len);
	RUN(&p, "trust", "install", flip);
	expect(&p, 2);
	tu_proc_free(&p);
	RUN(&p, "trust", "install", pem);
	expect(&p, 2);
	tu_proc_free(&p);
	RUN(&p, "trust", "install", "absent.bundle");
	expect(&p, 2);
	ck_assert(has(p.err, "absent.bundle"));
	tu_proc_free(&p);
	ck_assert(!tu_exists(installed));
	ck_assert(!tu_exists(state));
	RUN(&p, "trust", "install");
	expect(&p, 2);
	tu_proc_free(&p);
	RUN(&p, "trust", "install", "--pin", "1234", flip);
	expect(&p, 2);
	ck_assert(has(p.err, "invalid value '1234' for '--pin'"));
	tu_proc_free(&p);
	free(buf);
	free(trunc);
	free(flip);
	free(pem);
	free(installed);
	free(state);
}
END_TEST

START_TEST(test_cli_install_of_another_root_needs_its_pin)
{
	struct sceau_bundle_params bp = {0};
	struct sceau_error err = {0};
	unsigned char *ob = NULL;
	size_t olen;
	char *b = cli_build("t.bundle", NULL), *installed = user_bundle(), *other, pin[65],
	     wrong[65];
	X509_CRL *ocrl;
	struct tu_proc p;

	{
		char *path = pki_path("o/crl.pem");
		ocrl = tu_load_crl(path);
		free(path);
	}
	bp.root = o_root;
	bp.root_key = o_key;
	bp.signers = &os_cert;
	bp.n_signers = 1;
	bp.crl = ocrl;
	bp.sequence = 9;
	ck_assert(sceau_bundle_build(&bp, &ob, &olen, &err) == SCEAU_OK);
	other = write_bundle("other.bundle", ob, olen);
	RUN(&p, "trust", "install", b);
	expect(&p, 0);
	tu_proc_free(&p);
	RUN(&p, "trust", "install", other);
	expect(&p, 2);
	ck_assert(has(p.err, "signed by root 'Other Root'"));
	ck_assert(has(p.err, "not by root 'Test Root' of the bundle installed at"));
	ck_assert(has(p.err, "hint: if the programme changed its root, give --pin"));
	tu_proc_free(&p);
	ck_assert(same_file(b, installed));
	fp_hex(r_root, wrong);
	RUN(&p, "trust", "install", "--pin", wrong, other);
	expect(&p, 2);
	ck_assert(has(p.err, "not by the pinned root"));
	tu_proc_free(&p);
	ck_assert(same_file(b, installed));
	fp_hex(o_root, pin);
	RUN(&p, "trust", "install", "--pin", pin, other);
	expect(&p, 0);
	ck_assert(has(p.out, "replacing bundle 1 of root 'Test Root' (pinned)"));
	ck_assert(has(p.out, "matches --pin"));
	tu_proc_free(&p);
	ck_assert(same_file(other, installed));
	/* a pinned first install, colons and capitals allowed */
	{
		char *sys = tmp_path("etc/trust.bundle"), colons[100];
		const char *env[] = {NULL, NULL};
		char envs[600], *st = tmp_path("sysstate");
		unsigned char md[32];
		fingerprint(r_root, md);
		for (int i = 0; i < 32; i++)
			snprintf(colons + 3 * i, 4, i < 31 ? "%02X:" : "%02X", md[i]);
		snprintf(envs, sizeof(envs), "SCEAU_STATE_DIR=%s", st);
		env[0] = envs;
		RUN_ENV(&p, env, "trust", "install", "--system", "--pin", colons, b);
		expect(&p, 0);
		tu_proc_free(&p);
		ck_assert(same_file(b, sys));
		free(sys);
		free(st);
	}
	X509_CRL_free(ocrl);
	free(ob);
	free(b);
	free(other);
	free(installed);
}
END_TEST

START_TEST(test_cli_system_install_serves_every_user)
{
	char *b = cli_build("t.bundle", NULL), *sys = tmp_path("etc/trust.bundle");
	char *st = tmp_path("sysstate"), envs[600];
	const char *env[] = {envs, NULL};
	struct tu_proc p;
	json_t *j;

	snprintf(envs, sizeof(envs), "SCEAU_STATE_DIR=%s", st);
	RUN_ENV(&p, env, "trust", "install", "--system", b);
	expect(&p, 0);
	ck_assert(has(p.out, "/etc/trust.bundle'"));
	tu_proc_free(&p);
	ck_assert(same_file(b, sys));
	ck_assert_int_eq(tu_mode(sys), 0644);
	/* a user with nothing of their own uses it */
	RUN(&p, "verify", "--qr", qr);
	expect(&p, 0);
	tu_proc_free(&p);
	RUN(&p, "trust", "show", "--json");
	expect(&p, 0);
	j = json_loads(p.out, 0, NULL);
	ck_assert_ptr_nonnull(j);
	ck_assert_str_eq(json_string_value(json_object_get(j, "location")), "system");
	ck_assert_str_eq(json_string_value(json_object_get(j, "path")), sys);
	json_decref(j);
	tu_proc_free(&p);
	/* a per-user bundle comes first */
	RUN(&p, "trust", "install", b);
	expect(&p, 0);
	tu_proc_free(&p);
	RUN(&p, "trust", "show");
	expect(&p, 0);
	ck_assert(has(p.out, "(user)"));
	tu_proc_free(&p);
	free(b);
	free(sys);
	free(st);
}
END_TEST

/* A per-user bundle older than one the machine accepted is passed over for
 * the system-wide bundle, with a warning; without a system-wide bundle it
 * is refused. */
START_TEST(test_cli_old_user_bundle_falls_back_to_the_system_one)
{
	char *b1 = cli_build("1.bundle", NULL), *b2 = cli_build("2.bundle", NULL);
	char *sys = tmp_path("etc/trust.bundle"), *st = tmp_path("sysstate"), envs[600];
	const char *env[] = {envs, NULL};
	struct sceau_error err = {0};
	struct sceau_trust *t = NULL;
	struct sceau_bundle_info info;
	char *opened = NULL, passed_over[SCEAU_ERROR_MSG_MAX];
	struct tu_proc p;

	snprintf(envs, sizeof(envs), "SCEAU_SYSTEM_STATE_DIR=%s", st);
	setenv("SCEAU_SYSTEM_STATE_DIR", st, 1);
	RUN(&p, "trust", "install", b1);
	expect(&p, 0);
	tu_proc_free(&p);
	RUN_ENV(&p, env, "trust", "install", "--system", b2);
	expect(&p, 0);
	tu_proc_free(&p);

	RUN_ENV(&p, env, "verify", "--qr", qr);
	expect(&p, 0);
	ck_assert(has(p.out, "VALID: signed by 'Test Body'"));
	ck_assert_msg(has(p.err, "bundle 1 of root 'Test Root' is older than bundle 2"), "%s",
		      p.err);
	ck_assert_msg(has(p.err, "using the system-wide bundle '"), "%s", p.err);
	tu_proc_free(&p);
	ck_assert_int_eq(sceau_trust_open_default(&t, &info, &opened, passed_over, &err), SCEAU_OK);
	ck_assert_str_eq(opened, sys);
	ck_assert_uint_eq(info.sequence, 2);
	ck_assert(has(passed_over, "is older than bundle 2"));
	sceau_trust_free(t);
	free(opened);

	/* with no system-wide bundle to fall back on, the old one is refused */
	ck_assert_int_eq(unlink(sys), 0);
	RUN_ENV(&p, env, "verify", "--qr", qr);
	expect(&p, 2);
	ck_assert(has(p.err, "is older than bundle 2"));
	tu_proc_free(&p);
	free(b1);
	free(b2);
	free(sys);
	free(st);
}
END_TEST

START_TEST(test_cli_show_says_what_is_installed_and_how_fresh)
{
	char *b = cli_build("t.bundle", NULL), fp[100];
	struct tu_proc p;
	json_t *j, *s;
	unsigned char md[32];

	RUN(&p, "trust", "show");
	expect(&p, 2);
	ck_assert(has(p.err, "no trust bundle installed"));
	ck_assert(has(p.err, "hint: install one with 'sceau trust install BUNDLE'"));
	tu_proc_free(&p);
	RUN(&p, "trust", "install", b);
	expect(&p, 0);
	tu_proc_free(&p);
	fingerprint(r_root, md);
	for (int i = 0; i < 32; i++)
		snprintf(fp + 3 * i, 4, i < 31 ? "%02X:" : "%02X", md[i]);
	RUN(&p, "trust", "show");
	expect(&p, 0);
	ck_assert(has(p.out, "home/.local/share/sceau/trust.bundle' (user)"));
	ck_assert(has(p.out, "  root          Test Root\n"));
	ck_assert(has(p.out, fp));
	ck_assert(has(p.out, "  sequence      1\n"));
	ck_assert(has(p.out, "fresh for 29 more days") || has(p.out, "fresh for 30 more days"));
	ck_assert(has(p.out, "    Test Body: coc,halal, until "));
	ck_assert(has(p.out, "    #1: 0 revoked, next update "));
	ck_assert(has(p.out, "  status lists  0\n"));
	tu_proc_free(&p);

	RUN(&p, "trust", "show", "--json");
	expect(&p, 0);
	j = json_loads(p.out, 0, NULL);
	ck_assert_ptr_nonnull(j);
	ck_assert_str_eq(json_string_value(json_object_get(j, "kind")), "bundle");
	ck_assert_str_eq(json_string_value(json_object_get(j, "location")), "user");
	ck_assert_int_eq(json_integer_value(json_object_get(j, "sequence")), 1);
	ck_assert(json_is_false(json_object_get(j, "stale")));
	ck_assert(json_is_null(json_object_get(j, "refused")));
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(j, "root"), "name")),
			 "Test Root");
	ck_assert_str_eq(
		json_string_value(json_object_get(json_object_get(j, "root"), "fingerprint")), fp);
	s = json_array_get(json_object_get(j, "signers"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(s, "name")), "Test Body");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(s, "programs"), 1)),
			 "halal");
	ck_assert(json_is_false(json_object_get(s, "revoked")));
	ck_assert_int_eq(json_array_size(json_object_get(j, "crls")), 1);
	ck_assert_int_eq(json_array_size(json_object_get(j, "status_lists")), 0);
	ck_assert(has(json_string_value(json_object_get(j, "next_update")), "Z"));
	json_decref(j);
	tu_proc_free(&p);
	free(b);
}
END_TEST

START_TEST(test_cli_stale_bundle_is_shown_stale_and_warned_about)
{
	time_t now = time(NULL);
	size_t len;
	unsigned char *buf = make(1, 1, now - 40 * DAY, now - 10 * DAY, &len);
	char *b = write_bundle("stale.bundle", buf, len);
	struct tu_proc p;
	json_t *j;

	RUN(&p, "trust", "show", b);
	expect(&p, 0);
	ck_assert(has(p.out, "(given)"));
	ck_assert(has(p.out, "STALE since "));
	tu_proc_free(&p);
	RUN(&p, "trust", "show", "--json", b);
	expect(&p, 0);
	j = json_loads(p.out, 0, NULL);
	ck_assert(json_is_true(json_object_get(j, "stale")));
	json_decref(j);
	tu_proc_free(&p);
	RUN(&p, "verify", "--trust", b, "--qr", qr);
	expect(&p, 0);
	ck_assert(has(p.err, "stale.bundle' (sequence 1) is stale since "));
	tu_proc_free(&p);
	free(buf);
	free(b);
}
END_TEST

START_TEST(test_cli_show_reports_a_rolled_back_bundle)
{
	char *b1 = cli_build("b1.bundle", NULL), *b2 = cli_build("b2.bundle", NULL);
	struct tu_proc p;

	RUN(&p, "trust", "install", b2);
	expect(&p, 0);
	tu_proc_free(&p);
	RUN(&p, "trust", "show", b1);
	expect(&p, 1);
	ck_assert(has(p.out, "REFUSED: trust bundle 1 of root 'Test Root' is older than bundle 2"));
	tu_proc_free(&p);
	free(b1);
	free(b2);
}
END_TEST

START_TEST(test_cli_build_numbers_bundles_and_refuses_going_back)
{
	char *root = tmp_path("r"), *s = pki_path("s"), *seq = tmp_path("r/bundle.seq");
	const char *env[] = {PASS_ENV, NULL};
	char *a, *b, *c, *d;
	struct tu_proc p;
	struct sceau_bundle_info info;
	struct sceau_error err = {0};
	size_t n;
	char *data;
	unsigned long long before;

	ck_assert(!tu_exists(seq));
	before = 0;
	a = cli_build("a.bundle", NULL);
	b = cli_build("b.bundle", NULL);
	data = tu_read(b, &n);
	ck_assert(sceau_bundle_load((unsigned char *)data, n, NULL, NULL, &info, &err) == SCEAU_OK);
	ck_assert_uint_eq(info.sequence, before + 2);
	free(data);
	c = tmp_path("c.bundle");
	{
		char low[32];
		snprintf(low, sizeof(low), "%llu", before + 2);
		RUN_ENV(&p, env, "trust", "build", "--root", root, "--out", c, "--sequence", low,
			s);
		expect(&p, 2);
		ck_assert(has(p.err, "is not above"));
		tu_proc_free(&p);
		ck_assert(!tu_exists(c));
	}
	RUN_ENV(&p, env, "trust", "build", "--root", root, "--out", c, "--sequence", "0", s);
	expect(&p, 2);
	tu_proc_free(&p);
	d = cli_build("d.bundle", "1000000");
	data = tu_read(seq, &n);
	ck_assert_str_eq(data, "1000000\n");
	free(data);
	/* an existing output is kept without --force */
	RUN_ENV(&p, env, "trust", "build", "--root", root, "--out", a, s);
	expect(&p, 2);
	ck_assert(has(p.err, "already exists"));
	ck_assert(has(p.err, "--force"));
	tu_proc_free(&p);
	RUN_ENV(&p, env, "trust", "build", "--root", root, "--out", a, "--force", s);
	expect(&p, 0);
	ck_assert(has(p.out, "sequence 1000001"));
	tu_proc_free(&p);
	free(root);
	free(s);
	free(seq);
	free(a);
	free(b);
	free(c);
	free(d);
}
END_TEST

START_TEST(test_cli_build_bad_input_exits_2_and_writes_nothing)
{
	char *root = tmp_path("r"), *s = pki_path("s"), *os = pki_path("os"),
	     *out = tmp_path("x.bundle"), *seq = tmp_path("r/bundle.seq"), *junk = tmp_path("junk");
	const char *env[] = {PASS_ENV, NULL};
	const char *wrong[] = {"SCEAU_PASSPHRASE=wrong", NULL};
	struct tu_proc p;
	char *before;
	size_t n;

	tu_write(junk, "hello", 5);
	before = tu_read(seq, &n);
	RUN_ENV(&p, env, "trust", "build", "--root", "absent", "--out", out, s);
	expect(&p, 2);
	ck_assert(has(p.err, "root 'absent' not found"));
	tu_proc_free(&p);
	RUN_ENV(&p, wrong, "trust", "build", "--root", root, "--out", out, s);
	expect(&p, 2);
	tu_proc_free(&p);
	RUN_ENV(&p, env, "trust", "build", "--root", root, "--out", out, os);
	expect(&p, 2);
	ck_assert(has(p.err, "signer certificate 'Other Body' ('"));
	ck_assert(has(p.err, "is not issued by root 'Test Root'"));
	tu_proc_free(&p);
	RUN_ENV(&p, env, "trust", "build", "--root", root, "--out", out, junk);
	expect(&p, 2);
	ck_assert(has(p.err, "is neither a signer directory, a certificate nor a status list"));
	tu_proc_free(&p);
	RUN_ENV(&p, env, "trust", "build", "--root", root, "--out", out, "absent-signer");
	expect(&p, 2);
	tu_proc_free(&p);
	RUN(&p, "trust", "build", "--root", root, "--out", out, s);
	expect(&p, 2); /* no passphrase and no terminal */
	ck_assert(has(p.err, "no passphrase for the root key"));
	tu_proc_free(&p);
	RUN(&p, "trust", "build", "--root", root);
	expect(&p, 2);
	ck_assert(has(p.err, "missing '--out BUNDLE'"));
	tu_proc_free(&p);
	ck_assert(!tu_exists(out));
	ck_assert_int_eq(tu_count_entries(tmp), 3); /* home, r, junk: nothing else */
	{
		char *rdir = tmp_path("r");
		ck_assert_int_eq(tu_count_entries(rdir), 3); /* no temporary left behind */
		free(rdir);
	}
	{
		char *after = tu_read(seq, &n);
		ck_assert((before == NULL) == (after == NULL));
		if (before)
			ck_assert_str_eq(before, after);
		free(after);
	}
	free(before);
	free(root);
	free(s);
	free(os);
	free(out);
	free(seq);
	free(junk);
}
END_TEST

START_TEST(test_cli_trust_help_and_unknown_subcommand)
{
	struct tu_proc p;

	RUN(&p, "trust", "--help");
	expect(&p, 0);
	ck_assert(has(p.out, "build"));
	ck_assert(has(p.out, "install"));
	ck_assert(has(p.out, "show"));
	tu_proc_free(&p);
	RUN(&p, "trust", "install", "--help");
	expect(&p, 0);
	ck_assert(has(p.out, "/media/usb/trust.bundle"));
	tu_proc_free(&p);
	RUN(&p, "trust", "frobnicate");
	expect(&p, 2);
	tu_proc_free(&p);
	RUN(&p, "verify", "--help");
	expect(&p, 0);
	ck_assert(has(p.out, "--trust TRUST"));
	ck_assert(has(p.out, "a trust directory or bundle (default: the installed bundle)"));
	tu_proc_free(&p);
}
END_TEST

/* ---- status lists ------------------------------------------------------------------ */

START_TEST(test_bundle_carries_status_lists)
{
	struct sceau_bundle_params p = {0};
	struct sceau_error err = {0};
	struct sceau_bundle_info info;
	struct sceau_trust *t = NULL;
	struct sceau_status *st = revoking_list(s_signer, 3);
	const unsigned char *lists[1] = {st->raw};
	size_t lens[1] = {st->raw_len}, len;
	unsigned char *out = NULL;
	const struct sceau_status *got;

	p.root = r_root;
	p.root_key = r_key;
	p.signers = &s_cert;
	p.n_signers = 1;
	p.crl = r_crl;
	p.status = lists;
	p.status_len = lens;
	p.n_status = 1;
	p.sequence = 1;
	ck_assert_msg(sceau_bundle_build(&p, &out, &len, &err) == SCEAU_OK, "%s", err.msg);
	ck_assert_msg(sceau_bundle_load(out, len, NULL, &t, &info, &err) == SCEAU_OK, "%s",
		      err.msg);
	ck_assert_uint_eq(info.n_status, 1);
	got = sceau_trust_status_for(t, "Test Body");
	ck_assert_ptr_nonnull(got);
	ck_assert_uint_eq(got->sequence, 3);
	ck_assert_ptr_nonnull(sceau_status_find(got, QR_NUMBER));
	sceau_trust_free(t);
	free(out);
	out = NULL;
	/* a list whose signer is not in the bundle */
	p.n_signers = 0;
	ck_assert_int_eq(sceau_bundle_build(&p, &out, &len, &err), SCEAU_ERR_MISMATCH);
	ck_assert(has(err.msg, "status list 1: "));
	ck_assert(has(err.msg, "no signer certificate of 'Test Body'"));
	ck_assert_ptr_null(out);
	sceau_status_free(st);
}
END_TEST

START_TEST(test_bundle_build_refuses_forged_status_lists)
{
	struct sceau_bundle_params p = {0};
	struct sceau_error err = {0};
	struct sceau_status *mine = revoking_list(s_signer, 1),
			    *other = revoking_list(os_signer, 1);
	unsigned char *forged = malloc(mine->raw_len), *out = NULL;
	const unsigned char *lists[1];
	size_t lens[1], len;

	p.root = r_root;
	p.root_key = r_key;
	p.signers = &s_cert;
	p.n_signers = 1;
	p.crl = r_crl;
	p.status = lists;
	p.status_len = lens;
	p.n_status = 1;
	p.sequence = 1;
	/* one changed byte in the signature */
	memcpy(forged, mine->raw, mine->raw_len);
	forged[mine->raw_len - 1] ^= 0x01;
	lists[0] = forged;
	lens[0] = mine->raw_len;
	ck_assert_int_eq(sceau_bundle_build(&p, &out, &len, &err), SCEAU_ERR_MISMATCH);
	ck_assert(has(err.msg, "the signature does not verify"));
	/* a body of another root */
	lists[0] = other->raw;
	lens[0] = other->raw_len;
	ck_assert_int_eq(sceau_bundle_build(&p, &out, &len, &err), SCEAU_ERR_MISMATCH);
	ck_assert(has(err.msg, "'Other Body'"));
	/* truncated */
	lists[0] = mine->raw;
	lens[0] = mine->raw_len / 2;
	ck_assert_int_eq(sceau_bundle_build(&p, &out, &len, &err), SCEAU_ERR_FORMAT);
	ck_assert_ptr_null(out);
	free(forged);
	sceau_status_free(mine);
	sceau_status_free(other);
}
END_TEST

START_TEST(test_cli_bundle_with_status_list_revokes_the_document)
{
	struct sceau_status *st = revoking_list(s_signer, 2), *other = revoking_list(os_signer, 1);
	char *list = tmp_path("test-body.status"), *forged = tmp_path("other.status");
	char *root = tmp_path("r"), *s = pki_path("s"), *out = tmp_path("t.bundle");
	const char *env[] = {PASS_ENV, NULL};
	struct tu_proc p;
	json_t *j, *l;

	tu_write(list, (const char *)st->raw, st->raw_len);
	tu_write(forged, (const char *)other->raw, other->raw_len);
	/* a list of a body the bundle does not carry: refused, nothing written */
	RUN_ENV(&p, env, "trust", "build", "--root", root, "--out", out, s, forged);
	expect(&p, 2);
	ck_assert(has(p.err, "other.status' refused: "));
	tu_proc_free(&p);
	ck_assert(!tu_exists(out));
	RUN_ENV(&p, env, "trust", "build", "--root", root, "--out", out, s, list);
	expect(&p, 0);
	ck_assert(has(p.out, "1 root, 1 signer, 1 revocation list, 1 status list"));
	tu_proc_free(&p);
	RUN(&p, "trust", "install", out);
	expect(&p, 0);
	tu_proc_free(&p);
	RUN(&p, "verify", "--qr", qr);
	expect(&p, 1);
	ck_assert(has(p.out, "REVOKED"));
	tu_proc_free(&p);
	RUN(&p, "trust", "show");
	expect(&p, 0);
	ck_assert(has(p.out, "  status lists  1\n    Test Body: #2, 1 entry, next update "));
	tu_proc_free(&p);
	RUN(&p, "trust", "show", "--json");
	expect(&p, 0);
	j = json_loads(p.out, 0, NULL);
	l = json_array_get(json_object_get(j, "status_lists"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(l, "issuer")), "Test Body");
	ck_assert_int_eq(json_integer_value(json_object_get(l, "sequence")), 2);
	ck_assert_int_eq(json_integer_value(json_object_get(l, "entries")), 1);
	json_decref(j);
	tu_proc_free(&p);
	sceau_status_free(st);
	sceau_status_free(other);
	free(list);
	free(forged);
	free(root);
	free(s);
	free(out);
}
END_TEST

TU_MAIN_ONCE("bundle", setup_once, teardown_once, setup, teardown,
	     test_bundle_round_trip_loads_every_item, test_bundle_truncated_is_refused_as_malformed,
	     test_bundle_any_flipped_byte_is_refused, test_bundle_signed_by_another_key_is_refused,
	     test_bundle_root_other_than_the_pin_is_refused, test_bundle_payload_is_read_strictly,
	     test_bundle_build_refuses_foreign_items_and_bad_params,
	     test_bundle_places_follow_the_environment,
	     test_bundle_accept_refuses_rollback_and_two_contents,
	     test_bundle_trust_open_takes_a_directory_or_a_bundle,
	     test_cli_verify_with_a_bundle_works_like_the_directory,
	     test_cli_install_then_verify_without_trust,
	     test_cli_install_refuses_rollback_with_both_numbers,
	     test_cli_install_refuses_same_sequence_other_contents,
	     test_cli_install_state_dir_is_overridable,
	     test_cli_install_refuses_broken_bundles_and_installs_nothing,
	     test_cli_install_of_another_root_needs_its_pin,
	     test_cli_system_install_serves_every_user,
	     test_cli_old_user_bundle_falls_back_to_the_system_one,
	     test_cli_show_says_what_is_installed_and_how_fresh,
	     test_cli_stale_bundle_is_shown_stale_and_warned_about,
	     test_cli_show_reports_a_rolled_back_bundle,
	     test_cli_build_numbers_bundles_and_refuses_going_back,
	     test_cli_build_bad_input_exits_2_and_writes_nothing,
	     test_cli_trust_help_and_unknown_subcommand, test_bundle_carries_status_lists,
	     test_bundle_build_refuses_forged_status_lists,
	     test_cli_bundle_with_status_list_revokes_the_document)
