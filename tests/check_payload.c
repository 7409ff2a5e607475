/* Tests: signed QR payloads under a trust store (payload.c, qrclaims.c,
 * trust.c). One PKI is made for the whole suite: a root with its CRL, and
 * signers that are good, coc-only, revoked, expired at signing time, and
 * issued by a root nobody trusts. Every verdict has its own test. */
#include <cbor.h>
#include <jansson.h>
#include <qrencode.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "testutil.h"

#define COC   SCEAU_PROGRAM_BIT(SCEAU_PROGRAM_COC)
#define HALAL SCEAU_PROGRAM_BIT(SCEAU_PROGRAM_HALAL)
#define DAY   86400L

static char *tmp;  /* the suite's PKI */
static time_t now; /* when the PKI was made */

struct signer {
	X509 *cert;
	EVP_PKEY *key;
};

static struct signer load_signer(const char *name)
{
	char dir[512], *crt, *key;
	struct sceau_error err = {0};
	struct signer s = {0};

	snprintf(dir, sizeof(dir), "%s/%s", tmp, name);
	crt = tu_path(dir, "signer.crt");
	key = tu_path(dir, "signer.key");
	s.cert = tu_load_cert(crt);
	ck_assert_msg(sceau_key_load(key, "pw", 2, &s.key, &err) == SCEAU_OK, "%s", err.msg);
	free(crt);
	free(key);
	return s;
}

static void free_signer(struct signer *s)
{
	X509_free(s->cert);
	EVP_PKEY_free(s->key);
}

static struct sceau_record *example(const char *name)
{
	char path[512];
	struct sceau_record *r = NULL;
	struct sceau_error err = {0};

	snprintf(path, sizeof(path), "%s/%s.json", SCEAU_EXAMPLES, name);
	ck_assert_msg(sceau_record_load(path, &r, &err) == SCEAU_OK, "%s", err.msg);
	return r;
}

static char *sign(const char *ex, const char *signer, time_t iat)
{
	struct signer s = load_signer(signer);
	struct sceau_record *r = example(ex);
	struct sceau_error err = {0};
	char *text = NULL;

	ck_assert_msg(sceau_payload_encode(r, s.cert, s.key, iat, NULL, 0, &text, &err) == SCEAU_OK,
		      "%s", err.msg);
	sceau_record_free(r);
	free_signer(&s);
	return text;
}

/* The trust directory `name` under the suite's PKI. */
static struct sceau_trust *trust(const char *name)
{
	char dir[512];
	struct sceau_trust *t = NULL;
	struct sceau_error err = {0};

	snprintf(dir, sizeof(dir), "%s/%s", tmp, name);
	ck_assert_msg(sceau_trust_load_dir(dir, &t, &err) == SCEAU_OK, "%s", err.msg);
	return t;
}

/* Verify at `at`; the verdict's code must be `want` and its reason hold
 * `reason`. Returns the payload (may be NULL). */
static struct sceau_payload *expect(const char *text, const char *trust_name, time_t at,
				    enum sceau_verdict_code want, const char *reason)
{
	struct sceau_trust *t = trust(trust_name);
	struct sceau_payload *p = NULL;
	struct sceau_verdict v = {0};
	struct sceau_error err = {0};

	ck_assert_msg(sceau_payload_verify(text, strlen(text), t, at, &p, &v, &err) == SCEAU_OK,
		      "%s", err.msg);
	ck_assert_msg(v.code == want, "verdict %s (%s), wanted %s", sceau_verdict_name(v.code),
		      v.reason, sceau_verdict_name(want));
	ck_assert_msg(strstr(v.reason, reason) != NULL, "reason '%s' lacks '%s'", v.reason, reason);
	sceau_trust_free(t);
	return p;
}

static void expect_only(const char *text, enum sceau_verdict_code want, const char *reason)
{
	sceau_payload_free(expect(text, "trust", 0, want, reason));
}

static void copy(const char *from, const char *to_dir, const char *to_name)
{
	char src[512], dst[512];
	size_t n;
	char *data;

	snprintf(src, sizeof(src), "%s/%s", tmp, from);
	snprintf(dst, sizeof(dst), "%s/%s/%s", tmp, to_dir, to_name);
	data = tu_read(src, &n);
	ck_assert_ptr_nonnull(data);
	tu_write(dst, data, n);
	free(data);
}

static void mkdir_in(const char *name)
{
	char dir[512];
	snprintf(dir, sizeof(dir), "%s/%s", tmp, name);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
}

/* The suite's PKI, made once before the tests fork. */
static void make_pki(void)
{
	char rdir[512], odir[512], sdir[512], scrt[512];
	struct sceau_error err = {0};

	tmp = tu_tmpdir();
	now = time(NULL);
	snprintf(rdir, sizeof(rdir), "%s/root", tmp);
	snprintf(odir, sizeof(odir), "%s/other-root", tmp);
	tu_make_root(rdir, "Test Programme Root", 3650, now - 30 * DAY);
	tu_make_root(odir, "Rogue Root", 3650, now - 30 * DAY);
#define SIGNER(name, root, cn, prog, days, at)                                                     \
	snprintf(sdir, sizeof(sdir), "%s/" name, tmp);                                             \
	tu_make_signer(root, sdir, cn, prog, days, at)
	SIGNER("good", rdir, "Test Inspection Body", COC | HALAL, 365, now - 20 * DAY);
	SIGNER("coconly", rdir, "Coc Only Body", COC, 365, now - 20 * DAY);
	SIGNER("revoked", rdir, "Revoked Body", COC | HALAL, 365, now - 20 * DAY);
	SIGNER("shortlived", rdir, "Short Lived Body", COC | HALAL, 2, now - 20 * DAY);
	SIGNER("rogue", odir, "Rogue Body", COC | HALAL, 365, now - 20 * DAY);
#undef SIGNER
	snprintf(scrt, sizeof(scrt), "%s/revoked/signer.crt", tmp);
	struct sceau_pki_revoke_params p = {.root_dir = rdir,
					    .root_pass = "pw",
					    .root_pass_len = 2,
					    .cert_path = scrt,
					    .crl_days = 30,
					    .reason = SCEAU_REASON_KEY_COMPROMISE};
	ck_assert_msg(sceau_pki_revoke(&p, NULL, &err) == SCEAU_OK, "%s", err.msg);

	/* trust/: the root, its CRL and every signer (rogue's root left out). */
	mkdir_in("trust");
	copy("root/root.crt", "trust", "root.crt");
	copy("root/crl.pem", "trust", "root.crl");
	const char *signers[] = {"good", "coconly", "revoked", "shortlived", "rogue"};
	for (size_t i = 0; i < 5; i++) {
		char from[64], to[64];
		snprintf(from, sizeof(from), "%s/signer.crt", signers[i]);
		snprintf(to, sizeof(to), "%s.crt", signers[i]);
		copy(from, "trust", to);
	}
	/* nocrl/: the same without the CRL. */
	mkdir_in("nocrl");
	copy("root/root.crt", "nocrl", "root.crt");
	copy("good/signer.crt", "nocrl", "good.crt");
	/* nosigner/: the root and CRL only. */
	mkdir_in("nosigner");
	copy("root/root.crt", "nosigner", "root.crt");
	copy("root/crl.pem", "nosigner", "root.crl");
}

static void remove_pki(void)
{
	tu_rmrf(tmp);
	free(tmp);
}

START_TEST(test_payload_valid_coc_and_halal)
{
	char *coc = sign("coc", "good", 0), *halal = sign("halal", "good", 0);
	struct sceau_payload *p = expect(coc, "trust", 0, SCEAU_VERDICT_VALID,
					 "signed by 'Test Inspection Body', authorised for coc");
	unsigned char digest[32];
	struct sceau_error err = {0};
	struct sceau_record *r = example("coc");

	ck_assert(p->signature_verified);
	ck_assert_int_eq(p->type, SCEAU_PROGRAM_COC);
	ck_assert_str_eq(p->number, "ITK-COC-2026-000123");
	ck_assert_str_eq(p->issuer, "Test Inspection Body");
	ck_assert_str_eq(p->party_name, "Atlas Électroménager SARL");
	ck_assert_str_eq(p->party_ice, "001561191000066");
	ck_assert_str_eq(p->route, "A");
	ck_assert_ptr_null(p->route_ref);
	ck_assert_str_eq(p->origin, "CN");
	ck_assert_str_eq(p->issue_date, "2026-11-20");
	ck_assert_str_eq(p->expiry_date, "2027-02-20");
	ck_assert_uint_eq(p->line_count, 5);
	ck_assert_uint_ge(p->n_lines, 1);
	ck_assert_str_eq(p->lines[0].code, "8516600000");
	ck_assert_str_eq(p->lines[0].text, "Four encastrable 60 L");
	ck_assert_str_eq(p->lines[0].quantity, "120");
	ck_assert_str_eq(p->lines[0].unit, "pce");
	ck_assert_int_eq(sceau_record_digest(r, digest, &err), SCEAU_OK);
	ck_assert_mem_eq(p->digest, digest, 32);
	sceau_payload_free(p);
	sceau_record_free(r);

	p = expect(halal, "trust", 0, SCEAU_VERDICT_VALID, "authorised for halal");
	ck_assert_int_eq(p->type, SCEAU_PROGRAM_HALAL);
	ck_assert_str_eq(p->party_ice, "002345678000031");
	ck_assert_str_eq(p->standard, "NM 08.0.800");
	ck_assert_uint_eq(p->line_count, 4);
	ck_assert_str_eq(p->lines[0].text, "Biscuits fourrés chocola");
	ck_assert_str_eq(p->lines[0].code, "Baraka");
	sceau_payload_free(p);
	free(coc);
	free(halal);
}
END_TEST

START_TEST(test_payload_coc_example_fits_qr_version_14)
{
	char *coc = sign("coc", "good", 0);
	QRcode *qr = QRcode_encodeString(coc, 0, QR_ECLEVEL_M, QR_MODE_8, 1);

	ck_assert_msg(strlen(coc) <= 500, "QR text is %zu characters", strlen(coc));
	ck_assert_str_eq(strncmp(coc, "MA1:", 4) == 0 ? "MA1:" : coc, "MA1:");
	for (const char *c = coc; *c; c++)
		ck_assert_msg(strchr("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:", *c),
			      "'%c' is not QR alphanumeric", *c);
	ck_assert_ptr_nonnull(qr);
	ck_assert_int_le(qr->version, 14);
	printf("coc example: %zu characters, QR version %d at ECC M\n", strlen(coc), qr->version);
	QRcode_free(qr);
	free(coc);
}
END_TEST

/* A changed character changes the signed message, except in the unused
 * padding bits of deflate's last byte: such a text still carries the same
 * COSE message (the same signature over the same claims), so "valid" is
 * right for it. Returns 1 when `text` unwraps to exactly `cose`. */
static int same_message(const char *text, size_t n, const unsigned char *cose, size_t cose_len)
{
	unsigned char *c = NULL;
	size_t len = 0;
	struct sceau_error err = {0};
	int same = sceau_qr_unwrap(text, n, "MA1:", &c, &len, &err) == SCEAU_OK &&
		   len == cose_len && memcmp(c, cose, len) == 0;
	free(c);
	return same;
}

START_TEST(test_payload_any_changed_character_is_not_valid)
{
	char *coc = sign("coc", "good", 0);
	size_t n = strlen(coc), cose_len = 0;
	struct sceau_trust *t = trust("trust");
	static const char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
	unsigned char *cose = NULL;
	struct sceau_error uerr = {0};
	int padding_only = 0;

	ck_assert(sceau_qr_unwrap(coc, n, "MA1:", &cose, &cose_len, &uerr) == SCEAU_OK);

	for (size_t i = 0; i < n; i++) {
		char saved = coc[i];
		/* Two replacements per position, from the same alphabet. */
		for (int k = 1; k <= 2; k++) {
			struct sceau_verdict v = {0};
			struct sceau_error err = {0};
			coc[i] = alphabet[(strchr(alphabet, saved) - alphabet + 7 * k) % 45];
			ck_assert_int_eq(sceau_payload_verify(coc, n, t, 0, NULL, &v, &err),
					 SCEAU_OK);
			if (v.code == SCEAU_VERDICT_VALID && i + 9 >= n &&
			    same_message(coc, n, cose, cose_len)) {
				padding_only++; /* deflate's last byte: same message */
				continue;
			}
			ck_assert_msg(v.code != SCEAU_VERDICT_VALID, "position %zu still valid", i);
		}
		coc[i] = saved;
	}
	ck_assert_int_le(padding_only, 4);
	sceau_trust_free(t);
	free(cose);
	free(coc);
}
END_TEST

START_TEST(test_payload_rejects_forged_signature)
{
	/* Same kid, same claims, signed by another key: a forgery. */
	struct signer good = load_signer("good"), rogue = load_signer("rogue");
	struct sceau_record *r = example("coc");
	struct sceau_error err = {0};
	unsigned char kid[SCEAU_KID_LEN], *cose = NULL;
	size_t cose_len = 0;
	char *text = NULL, *genuine = sign("coc", "good", 0);
	struct sceau_cose *c = NULL;
	unsigned char *bytes = NULL;
	size_t n = 0;

	ck_assert_int_eq(sceau_qr_unwrap(genuine, strlen(genuine), "MA1:", &bytes, &n, &err),
			 SCEAU_OK);
	ck_assert_int_eq(sceau_cose_decode(bytes, n, &c, &err), SCEAU_OK);
	ck_assert_int_eq(sceau_cert_kid(good.cert, kid, &err), SCEAU_OK);
	ck_assert_int_eq(sceau_cose_sign(c->payload, c->payload_len, rogue.key, kid, sizeof(kid),
					 &cose, &cose_len, &err),
			 SCEAU_OK);
	ck_assert_int_eq(sceau_qr_wrap(cose, cose_len, "MA1:", &text, &err), SCEAU_OK);
	expect_only(text, SCEAU_VERDICT_INVALID, "signature does not verify");
	free(text);
	free(cose);
	free(bytes);
	free(genuine);
	sceau_cose_free(c);
	sceau_record_free(r);
	free_signer(&good);
	free_signer(&rogue);
}
END_TEST

START_TEST(test_payload_unknown_signer_is_untrusted)
{
	char *coc = sign("coc", "good", 0);
	sceau_payload_free(expect(coc, "nosigner", 0, SCEAU_VERDICT_UNTRUSTED,
				  "no trusted signer certificate has kid"));
	free(coc);
}
END_TEST

START_TEST(test_payload_signer_of_untrusted_root_is_untrusted)
{
	char *coc = sign("coc", "rogue", 0);
	struct sceau_payload *p = expect(coc, "trust", 0, SCEAU_VERDICT_UNTRUSTED,
					 "does not chain to a trusted root");
	/* The signature itself verified under the certificate it names. */
	ck_assert(p->signature_verified);
	sceau_payload_free(p);
	free(coc);
}
END_TEST

START_TEST(test_payload_without_root_crl_is_untrusted)
{
	char *coc = sign("coc", "good", 0);
	sceau_payload_free(
		expect(coc, "nocrl", 0, SCEAU_VERDICT_UNTRUSTED, "no revocation list of root"));
	free(coc);
}
END_TEST

START_TEST(test_payload_revoked_signer_is_revoked)
{
	char *coc = sign("coc", "revoked", 0);
	expect_only(coc, SCEAU_VERDICT_REVOKED, "keyCompromise");
	free(coc);
}
END_TEST

START_TEST(test_payload_wrong_programme_is_untrusted)
{
	char *halal = sign("halal", "coconly", 0), *coc = sign("coc", "coconly", 0);
	expect_only(halal, SCEAU_VERDICT_UNTRUSTED, "is not authorised for programme 'halal'");
	expect_only(coc, SCEAU_VERDICT_VALID, "authorised for coc");
	free(halal);
	free(coc);
}
END_TEST

START_TEST(test_payload_expired_and_not_yet_valid)
{
	char *coc = sign("coc", "good", 0);
	time_t exp_end;
	struct sceau_payload *p = expect(coc, "trust", 0, SCEAU_VERDICT_VALID, "signed by");

	exp_end = (time_t)p->exp;
	sceau_payload_free(p);
	/* The last second of the expiry date is still valid, the next is not. */
	sceau_payload_free(expect(coc, "trust", exp_end, SCEAU_VERDICT_VALID, "signed by"));
	sceau_payload_free(expect(coc, "trust", exp_end + 1, SCEAU_VERDICT_EXPIRED, "expired"));
	free(coc);

	/* Signed an hour ahead of the verifier's clock: not yet valid; five
	 * minutes ahead is clock skew and accepted. */
	coc = sign("coc", "good", now + 3600);
	expect_only(coc, SCEAU_VERDICT_NOT_YET_VALID, "");
	free(coc);
	coc = sign("coc", "good", time(NULL) + 240);
	expect_only(coc, SCEAU_VERDICT_VALID, "signed by");
	free(coc);
}
END_TEST

START_TEST(test_payload_signer_expired_at_signing_time)
{
	/* The short-lived signer's certificate ended 18 days ago. */
	char *coc = sign("coc", "shortlived", now - 5 * DAY);
	expect_only(coc, SCEAU_VERDICT_EXPIRED, "signer certificate 'Short Lived Body' expired");
	free(coc);
	/* While it was valid, its signature stays good. */
	coc = sign("coc", "shortlived", now - 19 * DAY);
	expect_only(coc, SCEAU_VERDICT_VALID, "signed by");
	free(coc);
}
END_TEST

START_TEST(test_payload_garbage_is_invalid_not_an_error)
{
	static const char *cases[][2] = {
		{"", "QR text"},
		{"hello world", "QR text"},
		{"HC1:NCFOXN%TS3DH3ZSUZK+.V0ETD%65NL-AH", "prefix"},
		{"MA1:", ""},
		{"MA1:6BF+70790T9WJWG.FKY*4GO0.O1CV2", ""},
		{"MA1:6bf+70790t9wjwg", "base45"},
		{"MA1:\xff\xfe", ""},
		{"MA1:A", ""},
		{"MA1:GGW", ""},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		expect_only(cases[i][0], SCEAU_VERDICT_INVALID, cases[i][1]);
	/* Truncated genuine text: every length short of the whole. */
	char *coc = sign("coc", "good", 0);
	size_t n = strlen(coc);
	for (size_t cut = 0; cut < n; cut += 7) {
		coc[cut] = 0;
		expect_only(coc, SCEAU_VERDICT_INVALID, "not a sceau QR code");
		free(coc);
		coc = sign("coc", "good", 0);
	}
	/* Lower case of a genuine text. */
	for (char *c = coc + 4; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			*c = (char)(*c + 32);
	expect_only(coc, SCEAU_VERDICT_INVALID, "base45");
	free(coc);
}
END_TEST

START_TEST(test_payload_huge_text_and_zlib_bomb_are_invalid)
{
	size_t big = (size_t)10 << 20;
	char *line = malloc(big + 1);
	unsigned char *zeros = calloc(1, SCEAU_COSE_MAX + 1), *z = NULL;
	size_t zlen = 0;
	char *b45 = NULL, *text = NULL;
	struct sceau_error err = {0};

	memset(line, 'A', big);
	memcpy(line, "MA1:", 4);
	line[big] = 0;
	expect_only(line, SCEAU_VERDICT_INVALID, "more than a QR code holds");
	free(line);

	ck_assert_int_eq(sceau_zlib_compress(zeros, SCEAU_COSE_MAX + 1, &z, &zlen, &err), SCEAU_OK);
	ck_assert_int_eq(sceau_base45_encode(z, zlen, &b45, NULL, &err), SCEAU_OK);
	ck_assert_int_ge(asprintf(&text, "MA1:%s", b45), 0);
	ck_assert_uint_le(strlen(text), SCEAU_QR_TEXT_MAX);
	expect_only(text, SCEAU_VERDICT_INVALID, "not a sceau QR code");
	free(text);
	free(b45);
	free(z);
	free(zeros);
}
END_TEST

/* COSE-sign hand-made CWT claims with the good signer. */
static char *sign_claims(cbor_item_t *claims)
{
	struct signer s = load_signer("good");
	unsigned char kid[SCEAU_KID_LEN], *buf = NULL, *cose = NULL;
	size_t cap = 0, n, cose_len = 0;
	struct sceau_error err = {0};
	char *text = NULL;

	n = cbor_serialize_alloc(claims, &buf, &cap);
	ck_assert_uint_gt(n, 0);
	ck_assert_int_eq(sceau_cert_kid(s.cert, kid, &err), SCEAU_OK);
	ck_assert_int_eq(sceau_cose_sign(buf, n, s.key, kid, sizeof(kid), &cose, &cose_len, &err),
			 SCEAU_OK);
	ck_assert_int_eq(sceau_qr_wrap(cose, cose_len, "MA1:", &text, &err), SCEAU_OK);
	free(buf);
	free(cose);
	free_signer(&s);
	return text;
}

/* The genuine CWT claims of the coc example, decoded for editing. */
static cbor_item_t *genuine_claims(void)
{
	char *coc = sign("coc", "good", 0);
	unsigned char *bytes = NULL;
	size_t n = 0;
	struct sceau_cose *c = NULL;
	struct sceau_error err = {0};
	struct cbor_load_result res;
	cbor_item_t *m;

	ck_assert_int_eq(sceau_qr_unwrap(coc, strlen(coc), "MA1:", &bytes, &n, &err), SCEAU_OK);
	ck_assert_int_eq(sceau_cose_decode(bytes, n, &c, &err), SCEAU_OK);
	m = cbor_load(c->payload, c->payload_len, &res);
	ck_assert_ptr_nonnull(m);
	sceau_cose_free(c);
	free(bytes);
	free(coc);
	return m;
}

/* Replace the value of `key` in map m (taking v's reference). */
static void replace(cbor_item_t *m, int64_t key, cbor_item_t *v)
{
	struct cbor_pair *p = cbor_map_handle(m);
	for (size_t i = 0; i < cbor_map_size(m); i++) {
		int64_t k = cbor_isa_uint(p[i].key) ? (int64_t)cbor_get_int(p[i].key)
						    : -1 - (int64_t)cbor_get_int(p[i].key);
		if (k == key) {
			cbor_decref(&p[i].value);
			p[i].value = v;
			return;
		}
	}
	ck_abort_msg("no key %lld", (long long)key);
}

static cbor_item_t *document(cbor_item_t *cwt)
{
	struct cbor_pair *p = cbor_map_handle(cwt);
	for (size_t i = 0; i < cbor_map_size(cwt); i++)
		if (cbor_isa_negint(p[i].key))
			return p[i].value;
	ck_abort_msg("no document claims");
	return NULL;
}

START_TEST(test_payload_claims_must_agree_with_signer_and_schema)
{
	cbor_item_t *m;
	char *text;

	/* Signed by the good signer, but naming another body as issuer. */
	m = genuine_claims();
	replace(m, 1, cbor_build_string("Bureau Veritas Maroc"));
	text = sign_claims(m);
	expect_only(text, SCEAU_VERDICT_INVALID, "does not match its signer");
	free(text);
	cbor_decref(&m);

	/* An exp that is not the end of the expiry date. */
	m = genuine_claims();
	replace(m, 4, cbor_build_uint32(2000000000u));
	text = sign_claims(m);
	expect_only(text, SCEAU_VERDICT_INVALID, "exp is not the last second of a day");
	free(text);
	cbor_decref(&m);

	/* iat as a float (as some DCC issuers write it): sceau wants integers. */
	m = genuine_claims();
	replace(m, 6, cbor_build_float8((double)time(NULL)));
	text = sign_claims(m);
	expect_only(text, SCEAU_VERDICT_INVALID, "iat and exp must be integers");
	free(text);
	cbor_decref(&m);

	/* An ICE that fails its check digit, properly signed. */
	m = genuine_claims();
	cbor_item_t *party = cbor_new_definite_array(2);
	cbor_array_push(party, cbor_move(cbor_build_string("Atlas")));
	cbor_array_push(party, cbor_move(cbor_build_string("001561191000065")));
	replace(document(m), 3, party);
	text = sign_claims(m);
	expect_only(text, SCEAU_VERDICT_INVALID, "claim party");
	free(text);
	cbor_decref(&m);

	/* A type the signer is not... unknown type number. */
	m = genuine_claims();
	replace(document(m), 1, cbor_build_uint8(9));
	text = sign_claims(m);
	expect_only(text, SCEAU_VERDICT_INVALID, "claim type");
	free(text);
	cbor_decref(&m);

	/* An extra, unknown claim. */
	m = genuine_claims();
	cbor_item_t *bigger = cbor_new_definite_map(cbor_map_size(m) + 1);
	for (size_t i = 0; i < cbor_map_size(m); i++)
		ck_assert(cbor_map_add(bigger, cbor_map_handle(m)[i]));
	ck_assert(
		cbor_map_add(bigger, (struct cbor_pair){.key = cbor_move(cbor_build_uint8(7)),
							.value = cbor_move(cbor_build_uint8(1))}));
	cbor_decref(&m);
	m = bigger;
	text = sign_claims(m);
	expect_only(text, SCEAU_VERDICT_INVALID, "unexpected claim");
	free(text);
	cbor_decref(&m);
}
END_TEST

START_TEST(test_payload_budget_drops_lines_then_cuts_name)
{
	struct signer s = load_signer("good");
	struct sceau_error err = {0};
	char path[512], *text = NULL, *json = NULL;
	struct sceau_record *r = example("coc"), *big = NULL;
	struct sceau_payload *p = NULL;
	json_t *j;

	/* 200 lines with long descriptions and a 120-character name. */
	ck_assert_int_eq(sceau_record_to_json(r, &json, &err), SCEAU_OK);
	j = json_loads(json, 0, NULL);
	json_t *products = json_object_get(j, "products");
	json_t *line = json_deep_copy(json_array_get(products, 2));
	while (json_array_size(products) < 200)
		json_array_append(products, line);
	json_decref(line);
	/* Letters zlib cannot squeeze: a repeated letter would compress away. */
	char name[121];
	unsigned seed = 12345;
	for (int i = 0; i < 120; i++) {
		seed = seed * 1103515245u + 12345u;
		name[i] = (char)('A' + (seed >> 16) % 26);
	}
	name[120] = 0;
	json_object_set_new(json_object_get(j, "importer"), "name", json_string(name));
	free(json);
	json = json_dumps(j, 0);
	json_decref(j);
	ck_assert_msg(sceau_record_parse(json, strlen(json), &big, &err) == SCEAU_OK, "%s",
		      err.msg);
	ck_assert_int_eq(sceau_payload_encode(big, s.cert, s.key, 0, NULL, 0, &text, &err),
			 SCEAU_OK);
	ck_assert_uint_le(strlen(text), SCEAU_QR_BUDGET);
	p = expect(text, "trust", 0, SCEAU_VERDICT_VALID, "signed by");
	ck_assert_uint_eq(p->line_count, 200);
	ck_assert_uint_lt(p->n_lines, SCEAU_QR_LINES_MAX);
	sceau_payload_free(p);
	free(text);

	/* A budget nothing fits in is an error, not a truncated signature. */
	ck_assert_int_eq(sceau_payload_encode(big, s.cert, s.key, 0, NULL, 100, &text, &err),
			 SCEAU_ERR_INVALID);
	ck_assert_ptr_null(text);
	ck_assert_ptr_nonnull(strstr(err.msg, "more than the budget of 100"));
	/* The smallest budget that fits: no lines, the name cut to 40. */
	unsigned need = 0;
	ck_assert_int_eq(sscanf(err.msg, "the QR text needs %u", &need), 1);
	/* (zlib makes the length vary by a character or two with the signature) */
	ck_assert_int_eq(sceau_payload_encode(big, s.cert, s.key, 0, NULL, need + 4, &text, &err),
			 SCEAU_OK);
	p = expect(text, "trust", 0, SCEAU_VERDICT_VALID, "signed by");
	ck_assert_uint_eq(p->n_lines, 0);
	ck_assert_uint_eq(strlen(p->party_name), SCEAU_QR_NAME_MIN);
	sceau_payload_free(p);
	free(text);
	free(json);
	sceau_record_free(big);
	sceau_record_free(r);
	free_signer(&s);
	(void)path;
}
END_TEST

START_TEST(test_payload_key_must_match_certificate)
{
	struct signer good = load_signer("good"), rogue = load_signer("rogue");
	struct sceau_record *r = example("coc");
	struct sceau_error err = {0};
	char *text = NULL;

	ck_assert_int_eq(sceau_payload_encode(r, good.cert, rogue.key, 0, NULL, 0, &text, &err),
			 SCEAU_ERR_MISMATCH);
	ck_assert_ptr_null(text);
	sceau_record_free(r);
	free_signer(&good);
	free_signer(&rogue);
}
END_TEST

START_TEST(test_payload_decode_shows_without_verifying)
{
	char *coc = sign("coc", "rogue", 0);
	struct sceau_payload *p = NULL;
	struct sceau_error err = {0};

	ck_assert_int_eq(sceau_payload_decode(coc, strlen(coc), NULL, &p, &err), SCEAU_OK);
	ck_assert(!p->signature_verified);
	ck_assert_str_eq(p->issuer, "Rogue Body");
	ck_assert_int_eq(p->alg, SCEAU_COSE_ES256);
	sceau_payload_free(p);
	p = (struct sceau_payload *)1;
	ck_assert_int_eq(sceau_payload_decode("MA1:zz", 6, NULL, &p, &err), SCEAU_ERR_FORMAT);
	ck_assert_ptr_null(p);
	free(coc);
}
END_TEST

START_TEST(test_trust_dir_errors_are_clear)
{
	char dir[512], *crt;
	struct sceau_trust *t = NULL;
	struct sceau_error err = {0};

	snprintf(dir, sizeof(dir), "%s/absent", tmp);
	ck_assert_int_eq(sceau_trust_load_dir(dir, &t, &err), SCEAU_ERR_NOT_FOUND);
	ck_assert_ptr_nonnull(strstr(err.msg, "absent"));
	snprintf(dir, sizeof(dir), "%s/good", tmp); /* a signer directory: no root */
	ck_assert_int_eq(sceau_trust_load_dir(dir, &t, &err), SCEAU_ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(err.msg, "no root certificate"));
	snprintf(dir, sizeof(dir), "%s/empty", tmp);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	ck_assert_int_eq(sceau_trust_load_dir(dir, &t, &err), SCEAU_ERR_INVALID);
	ck_assert_ptr_nonnull(strstr(err.msg, "no root certificate"));
	snprintf(dir, sizeof(dir), "%s/broken", tmp);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	crt = tu_path(dir, "x.crt");
	tu_write(crt, "not a certificate", 17);
	ck_assert_int_ne(sceau_trust_load_dir(dir, &t, &err), SCEAU_OK);
	ck_assert_ptr_nonnull(strstr(err.msg, "x.crt"));
	ck_assert_ptr_null(t);
	free(crt);
	t = trust("trust");
	size_t roots, signers, crls;
	sceau_trust_counts(t, &roots, &signers, &crls);
	ck_assert_uint_eq(roots, 1);
	ck_assert_uint_eq(signers, 5);
	ck_assert_uint_eq(crls, 1);
	sceau_trust_free(t);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("payload");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;
	const TTest *tests[] = {
		test_payload_valid_coc_and_halal,
		test_payload_coc_example_fits_qr_version_14,
		test_payload_any_changed_character_is_not_valid,
		test_payload_rejects_forged_signature,
		test_payload_unknown_signer_is_untrusted,
		test_payload_signer_of_untrusted_root_is_untrusted,
		test_payload_without_root_crl_is_untrusted,
		test_payload_revoked_signer_is_revoked,
		test_payload_wrong_programme_is_untrusted,
		test_payload_expired_and_not_yet_valid,
		test_payload_signer_expired_at_signing_time,
		test_payload_garbage_is_invalid_not_an_error,
		test_payload_huge_text_and_zlib_bomb_are_invalid,
		test_payload_claims_must_agree_with_signer_and_schema,
		test_payload_budget_drops_lines_then_cuts_name,
		test_payload_key_must_match_certificate,
		test_payload_decode_shows_without_verifying,
		test_trust_dir_errors_are_clear,
	};

	/* Key derivation under the sanitizers is slow: one PKI for all tests,
	 * made once (an unchecked fixture runs before Check forks the tests). */
	tcase_add_unchecked_fixture(tc, make_pki, remove_pki);
	tcase_set_timeout(tc, 300);
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		tcase_add_test(tc, tests[i]);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
