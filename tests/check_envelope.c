/* sceau tests — the QR envelope layer by layer: Base45, zlib, the CBOR
 * guard, COSE_Sign1 decoding, signing and verifying, CWT times, QR text
 * (part: envelope). The DCC test vectors run in check_dcc.c. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include "sceau/envelope.h"
#include "testutil.h"

/* ---- helpers ------------------------------------------------------------- */

/* A growable byte buffer for writing CBOR by hand. */
struct buf {
	unsigned char *p;
	size_t n, cap;
};

static void put(struct buf *b, const void *data, size_t n)
{
	if (b->n + n > b->cap) {
		b->cap = (b->n + n) * 2 + 64;
		b->p = realloc(b->p, b->cap);
		ck_assert_ptr_nonnull(b->p);
	}
	if (n)
		memcpy(b->p + b->n, data, n);
	b->n += n;
}

static void put_byte(struct buf *b, unsigned char c)
{
	put(b, &c, 1);
}

static void put_head(struct buf *b, unsigned mt, uint64_t v)
{
	unsigned char h[9];
	size_t n, i;

	if (v < 24) {
		put_byte(b, (unsigned char)(mt << 5 | v));
		return;
	}
	n = v <= 0xff ? 1 : v <= 0xffff ? 2 : v <= 0xffffffffu ? 4 : 8;
	h[0] = (unsigned char)(mt << 5 | (n == 1 ? 24 : n == 2 ? 25 : n == 4 ? 26 : 27));
	for (i = 0; i < n; i++)
		h[1 + i] = (unsigned char)(v >> (8 * (n - 1 - i)));
	put(b, h, 1 + n);
}

static void put_int(struct buf *b, int64_t v)
{
	if (v >= 0)
		put_head(b, 0, (uint64_t)v);
	else
		put_head(b, 1, (uint64_t)(-1 - v));
}

static void put_bstr(struct buf *b, const void *data, size_t n)
{
	put_head(b, 2, n);
	put(b, data, n);
}

static void put_hex(struct buf *b, const char *hex);

/* CWT claims {1: iss, 4: exp, 6: iat}. */
static struct buf claims(const char *iss, int64_t iat, int64_t exp)
{
	struct buf b = {0};

	put_head(&b, 5, 3);
	put_int(&b, 1);
	put_head(&b, 3, strlen(iss));
	put(&b, iss, strlen(iss));
	put_int(&b, 4);
	put_int(&b, exp);
	put_int(&b, 6);
	put_int(&b, iat);
	return b;
}

/* A COSE_Sign1 from parts: `tags` (up to 3, outermost first, 0-terminated
 * when fewer), the protected header's bytes (wrapped in a bstr), the
 * unprotected header's encoded map, the payload and the signature. */
static struct buf cose_raw(const uint64_t *tags, const struct buf *prot, const char *unprot_hex,
			   const struct buf *payload, size_t sig_len)
{
	struct buf b = {0};
	unsigned char sig[512] = {0};
	size_t i;

	for (i = 0; tags && i < 3 && tags[i]; i++)
		put_head(&b, 6, tags[i]);
	put_head(&b, 4, 4);
	put_bstr(&b, prot ? prot->p : NULL, prot ? prot->n : 0);
	put_hex(&b, unprot_hex);
	put_bstr(&b, payload->p, payload->n);
	put_bstr(&b, sig, sig_len);
	return b;
}

/* Append hex digits (spaces ignored, for readability). */
static void put_hex(struct buf *b, const char *hex)
{
	unsigned v;

	for (size_t i = 0; hex[i];) {
		if (hex[i] == ' ') {
			i++;
			continue;
		}
		ck_assert_int_eq(sscanf(hex + i, "%2x", &v), 1);
		put_byte(b, (unsigned char)v);
		i += 2;
	}
}

static struct buf hexbuf(const char *hex)
{
	struct buf b = {0};

	put_hex(&b, hex);
	return b;
}

static const uint64_t TAG18[] = {18, 0};

/* Decode, expecting failure; returns the message for further checks. */
static const char *refuse(const struct buf *b)
{
	static struct sceau_error err;
	struct sceau_cose sentinel, *c = &sentinel; /* must become NULL */

	ck_assert_int_eq(sceau_cose_decode(b->p, b->n, &c, &err), SCEAU_ERR_FORMAT);
	ck_assert_ptr_null(c);
	return err.msg;
}

static struct sceau_cose *accept(const struct buf *b)
{
	struct sceau_error err = {0};
	struct sceau_cose *c = NULL;

	ck_assert_msg(sceau_cose_decode(b->p, b->n, &c, &err) == SCEAU_OK, "%s", err.msg);
	ck_assert_ptr_nonnull(c);
	return c;
}

#define ck_assert_contains(hay, needle)                                                            \
	ck_assert_msg(strstr((hay), (needle)) != NULL, "'%s' does not contain '%s'", (hay),        \
		      (needle))

static EVP_PKEY *ec_key(const char *curve)
{
	EVP_PKEY *k = EVP_EC_gen(curve);
	ck_assert_ptr_nonnull(k);
	return k;
}

static EVP_PKEY *rsa_key(unsigned bits)
{
	EVP_PKEY *k = EVP_RSA_gen(bits);
	ck_assert_ptr_nonnull(k);
	return k;
}

static const unsigned char KID[8] = {1, 2, 3, 4, 5, 6, 7, 8};

/* Sign the standard claims with key and decode the result. */
static struct sceau_cose *signed_cose(EVP_PKEY *key, struct buf *wire)
{
	struct sceau_error err = {0};
	struct buf payload = claims("MA", 1700000000, 1800000000);
	unsigned char *out = NULL;
	size_t n = 0;

	ck_assert_msg(sceau_cose_sign(payload.p, payload.n, key, KID, sizeof(KID), &out, &n,
				      &err) == SCEAU_OK,
		      "%s", err.msg);
	free(payload.p);
	wire->p = out;
	wire->n = wire->cap = n;
	return accept(wire);
}

static enum sceau_verdict_code verify(const struct sceau_cose *c, EVP_PKEY *key,
				      struct sceau_verdict *v)
{
	struct sceau_error err = {0};

	ck_assert_msg(sceau_cose_verify_signature(c, key, v, &err) == SCEAU_OK, "%s", err.msg);
	return v->code;
}

/* ---- Base45 ------------------------------------------------------------- */

static const struct {
	const char *bin, *b45;
} rfc9285[] = {
	{"AB", "BB8"},
	{"Hello!!", "%69 VD92EX0"},
	{"base-45", "UJCLQE7W581"},
	{"ietf!", "QED8WEX0"},
	{"", ""},
};

START_TEST(test_base45_encodes_rfc9285_examples)
{
	struct sceau_error err = {0};
	char *s;
	size_t n;

	for (size_t i = 0; i < sizeof(rfc9285) / sizeof(rfc9285[0]); i++) {
		ck_assert_int_eq(sceau_base45_encode((const unsigned char *)rfc9285[i].bin,
						     strlen(rfc9285[i].bin), &s, &n, &err),
				 SCEAU_OK);
		ck_assert_str_eq(s, rfc9285[i].b45);
		ck_assert_uint_eq(n, strlen(rfc9285[i].b45));
		free(s);
	}
}
END_TEST

START_TEST(test_base45_decodes_rfc9285_examples)
{
	struct sceau_error err = {0};
	unsigned char *b;
	size_t n;

	for (size_t i = 0; i < sizeof(rfc9285) / sizeof(rfc9285[0]); i++) {
		ck_assert_int_eq(
			sceau_base45_decode(rfc9285[i].b45, strlen(rfc9285[i].b45), &b, &n, &err),
			SCEAU_OK);
		ck_assert_uint_eq(n, strlen(rfc9285[i].bin));
		ck_assert_int_eq(memcmp(b, rfc9285[i].bin, n), 0);
		free(b);
	}
}
END_TEST

START_TEST(test_base45_round_trips_every_byte_and_length)
{
	struct sceau_error err = {0};
	unsigned char in[300], *back;
	size_t n, m;
	char *s;

	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (unsigned char)(255 - i * 7);
	in[0] = 0xff;
	in[1] = 0xff; /* the largest pair, 65535 */
	for (size_t len = 0; len <= sizeof(in); len++) {
		ck_assert_int_eq(sceau_base45_encode(in, len, &s, &n, &err), SCEAU_OK);
		ck_assert_int_eq(sceau_base45_decode(s, n, &back, &m, &err), SCEAU_OK);
		ck_assert_uint_eq(m, len);
		ck_assert_int_eq(memcmp(back, in, len), 0);
		free(s);
		free(back);
	}
}
END_TEST

static void b45_refused(const char *s, size_t len, const char *msg)
{
	struct sceau_error err = {0};
	unsigned char *b = (unsigned char *)"untouched";
	size_t n = 99;

	ck_assert_int_eq(sceau_base45_decode(s, len, &b, &n, &err), SCEAU_ERR_FORMAT);
	ck_assert_ptr_null(b);
	ck_assert_str_eq(err.msg, msg);
}

START_TEST(test_base45_rejects_lowercase)
{
	b45_refused("%69 vD92EX0", 11, "base45: invalid character 'v' at 4");
	b45_refused("bb8", 3, "base45: invalid character 'b' at 0");
}
END_TEST

START_TEST(test_base45_rejects_characters_outside_the_alphabet)
{
	b45_refused("BB8=", 4, "base45: invalid character '=' at 3");
	b45_refused("BB8,00", 6, "base45: invalid character ',' at 3");
	b45_refused("BB\n", 3, "base45: invalid byte 0x0a at 2");
	b45_refused("B\0"
		    "8",
		    3, "base45: invalid byte 0x00 at 1");
	b45_refused("BB\xc3\xa9", 4, "base45: invalid byte 0xc3 at 2");
}
END_TEST

START_TEST(test_base45_rejects_length_one_modulo_three)
{
	b45_refused("B", 1, "base45: length 1 is one more than a multiple of 3");
	b45_refused("BB8B", 4, "base45: length 4 is one more than a multiple of 3");
}
END_TEST

START_TEST(test_base45_rejects_triple_above_65535)
{
	struct sceau_error err = {0};
	unsigned char *b;
	size_t n;

	/* FGW = 15 + 16*45 + 32*2025 = 65535, the largest value allowed. */
	ck_assert_int_eq(sceau_base45_decode("FGW", 3, &b, &n, &err), SCEAU_OK);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(b[0], 0xff);
	ck_assert_uint_eq(b[1], 0xff);
	free(b);
	b45_refused("GGW", 3, "base45: triple 'GGW' at 0 encodes 65536, above 65535");
	b45_refused("BB8:::", 6, "base45: triple ':::' at 3 encodes 91124, above 65535");
}
END_TEST

START_TEST(test_base45_rejects_pair_above_255)
{
	struct sceau_error err = {0};
	unsigned char *b;
	size_t n;

	/* U5 = 30 + 5*45 = 255. */
	ck_assert_int_eq(sceau_base45_decode("BB8U5", 5, &b, &n, &err), SCEAU_OK);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(b[2], 255);
	free(b);
	b45_refused("BB8V5", 5, "base45: pair 'V5' at 3 encodes 256, above 255");
	b45_refused("::", 2, "base45: pair '::' at 0 encodes 2024, above 255");
}
END_TEST

/* ---- zlib --------------------------------------------------------------- */

static void compress(const unsigned char *in, size_t len, unsigned char **z, size_t *zlen)
{
	struct sceau_error err = {0};
	ck_assert_msg(sceau_zlib_compress(in, len, z, zlen, &err) == SCEAU_OK, "%s", err.msg);
}

static const char *inflate_refused(const unsigned char *z, size_t zlen, size_t max)
{
	static struct sceau_error err;
	unsigned char *out = (unsigned char *)"untouched";
	size_t n = 7;

	ck_assert_int_eq(sceau_zlib_decompress(z, zlen, max, &out, &n, &err), SCEAU_ERR_FORMAT);
	ck_assert_ptr_null(out);
	return err.msg;
}

START_TEST(test_zlib_round_trips)
{
	struct sceau_error err = {0};
	const char *text = "Certificate of Conformity, route A";
	unsigned char *z, *out;
	size_t zlen, n;

	compress((const unsigned char *)text, strlen(text), &z, &zlen);
	ck_assert_uint_eq(z[0], 0x78); /* zlib header, deflate with 32K window */
	ck_assert_uint_eq(z[1], 0xda); /* level 9 */
	ck_assert_int_eq(sceau_zlib_decompress(z, zlen, strlen(text), &out, &n, &err), SCEAU_OK);
	ck_assert_uint_eq(n, strlen(text));
	ck_assert_int_eq(memcmp(out, text, n), 0);
	free(out);
	ck_assert_str_eq(inflate_refused(z, zlen, strlen(text) - 1),
			 "zlib: output larger than 33 bytes");
	free(z);
	compress(NULL, 0, &z, &zlen); /* empty input */
	ck_assert_int_eq(sceau_zlib_decompress(z, zlen, 0, &out, &n, &err), SCEAU_OK);
	ck_assert_uint_eq(n, 0);
	free(out);
	free(z);
}
END_TEST

START_TEST(test_zlib_refuses_a_bomb_at_the_cap_quickly)
{
	size_t big = (size_t)10 << 20;
	unsigned char *zeros = calloc(1, big), *z;
	size_t zlen;
	clock_t t0;

	ck_assert_ptr_nonnull(zeros);
	compress(zeros, big, &z, &zlen);
	free(zeros);
	ck_assert_uint_lt(zlen, 20000); /* 10 MB in about 10 KB */
	t0 = clock();
	ck_assert_str_eq(inflate_refused(z, zlen, SCEAU_COSE_MAX),
			 "zlib: output larger than 65536 bytes");
	/* It stopped at the cap instead of inflating 10 MB: generous bound
	 * for sanitizers on a loaded machine, far below a full inflate. */
	ck_assert_double_lt((double)(clock() - t0) / CLOCKS_PER_SEC, 2.0);
	free(z);
}
END_TEST

START_TEST(test_zlib_refuses_truncated_stream)
{
	const char *text = "a zlib stream needs its last bytes: the adler-32 checksum";
	unsigned char *z;
	size_t zlen;

	compress((const unsigned char *)text, strlen(text), &z, &zlen);
	ck_assert_str_eq(inflate_refused(z, zlen - 1, 1000), "zlib: the stream is truncated");
	ck_assert_str_eq(inflate_refused(z, zlen - 4, 1000), "zlib: the stream is truncated");
	ck_assert_str_eq(inflate_refused(z, zlen / 2, 1000), "zlib: the stream is truncated");
	ck_assert_str_eq(inflate_refused(z, 2, 1000), "zlib: the stream is truncated");
	ck_assert_str_eq(inflate_refused(z, 0, 1000), "zlib: the stream is truncated");
	free(z);
}
END_TEST

START_TEST(test_zlib_refuses_trailing_bytes)
{
	const char *text = "nothing may follow the stream";
	unsigned char *z, *z2;
	size_t zlen;

	compress((const unsigned char *)text, strlen(text), &z, &zlen);
	z2 = malloc(zlen + 3);
	memcpy(z2, z, zlen);
	memcpy(z2 + zlen, "\0\0\0", 3);
	ck_assert_str_eq(inflate_refused(z2, zlen + 1, 1000),
			 "zlib: 1 trailing byte after the end of the stream");
	ck_assert_str_eq(inflate_refused(z2, zlen + 3, 1000),
			 "zlib: 3 trailing bytes after the end of the stream");
	free(z);
	free(z2);
}
END_TEST

START_TEST(test_zlib_refuses_other_formats)
{
	/* gzip header, raw deflate, and plain CBOR (DCC vector Z2's case). */
	static const unsigned char gz[] = {0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 0x03,
					   0x03, 0x00, 0,    0,    0, 0, 0, 0, 0, 0};
	static const unsigned char raw[] = {0x03, 0x00};
	static const unsigned char cbor[] = {0xd2, 0x84, 0x43, 0xa1, 0x01, 0x26};

	ck_assert_str_eq(inflate_refused(gz, sizeof(gz), 1000), "zlib: incorrect header check");
	ck_assert_str_eq(inflate_refused(raw, sizeof(raw), 1000), "zlib: incorrect header check");
	ck_assert_str_eq(inflate_refused(cbor, sizeof(cbor), 1000), "zlib: incorrect header check");
}
END_TEST

/* ---- CBOR guard (through sceau_cose_decode) --------------------------- */

START_TEST(test_cbor_refuses_a_depth_bomb)
{
	struct buf b = {0};

	for (int i = 0; i < 100000; i++)
		put_byte(&b, 0x81);
	put_byte(&b, 0x00);
	ck_assert_str_eq(refuse(&b), "COSE message: nested deeper than 16 levels at offset 15");
	/* Tags nest too. */
	b.n = 0;
	for (int i = 0; i < 100000; i++)
		put_byte(&b, 0xd2);
	put_byte(&b, 0x00);
	ck_assert_str_eq(refuse(&b), "COSE message: nested deeper than 16 levels at offset 15");
	free(b.p);
}
END_TEST

/* A signed-looking message whose unprotected map holds k nested arrays:
 * tag (depth 1), array (2), map (3), its value (4), so the innermost item
 * is at depth 4 + k. */
static struct buf nested_in_unprotected(int k)
{
	struct buf b = {0}, p = claims("MA", 1, 2);

	put_head(&b, 6, 18);
	put_head(&b, 4, 4);
	put_bstr(&b, "\xa1\x01\x26", 3);
	put_head(&b, 5, 1);
	put_int(&b, -70000); /* an unknown label: its value is not read */
	for (int i = 0; i < k; i++)
		put_head(&b, 4, 1);
	put_int(&b, 0);
	put_bstr(&b, p.p, p.n);
	put_bstr(&b, "", 0);
	free(p.p);
	return b;
}

START_TEST(test_cbor_depth_limit_is_exactly_sixteen)
{
	struct buf ok = nested_in_unprotected(12), bad = nested_in_unprotected(13);

	sceau_cose_free(accept(&ok));
	ck_assert_contains(refuse(&bad), "nested deeper than 16 levels");
	free(ok.p);
	free(bad.p);
}
END_TEST

START_TEST(test_cbor_refuses_huge_declared_lengths)
{
	struct buf arr = hexbuf("9bffffffffffffffff00"), map = hexbuf("bbffffffffffffffff0000");
	struct buf bstr = hexbuf("5bffffffffffffffff00"), inner = hexbuf("8499ffff000000");
	struct buf sum = hexbuf("8483000000830000000000"); /* fine: the baseline */

	ck_assert_str_eq(refuse(&arr), "COSE message: array at offset 0 declares "
				       "18446744073709551615 items, only 1 bytes left");
	ck_assert_str_eq(refuse(&map), "COSE message: map at offset 0 declares "
				       "18446744073709551615 pairs, only 2 bytes left");
	ck_assert_str_eq(refuse(&bstr), "COSE message: byte string at offset 0 declares "
					"18446744073709551615 bytes, only 1 left");
	ck_assert_str_eq(refuse(&inner), "COSE message: array at offset 1 declares 65535 items, "
					 "only 3 bytes left");
	/* Well-formed but not a COSE_Sign1: the guard let it through. */
	ck_assert_str_eq(refuse(&sum), "COSE message: the protected header is an array, "
				       "not a byte string");
	free(arr.p);
	free(map.p);
	free(bstr.p);
	free(inner.p);
	free(sum.p);
}
END_TEST

START_TEST(test_cbor_counts_items_still_expected_across_levels)
{
	/* Each array alone fits in what is left, all of them together not:
	 * 84 (4 items) then 83 (3 items) with 3 bytes left after it: the
	 * outer array's 3 remaining items need 3 more bytes. */
	struct buf b = hexbuf("8483000000");

	ck_assert_str_eq(refuse(&b), "COSE message: array at offset 1 declares 3 items with 3 "
				     "more expected after it, only 3 bytes left");
	free(b.p);
}
END_TEST

START_TEST(test_cbor_refuses_reserved_and_indefinite_encodings)
{
	static const struct {
		const char *hex, *msg;
	} cases[] = {
		{"1c", "COSE message: reserved additional information 28 at offset 0"},
		{"5d", "COSE message: reserved additional information 29 at offset 0"},
		{"811e", "COSE message: reserved additional information 30 at offset 1"},
		{"9f00ff", "COSE message: indefinite-length array at offset 0 is not accepted"},
		{"bfff", "COSE message: indefinite-length map at offset 0 is not accepted"},
		{"5f4100ff", "COSE message: indefinite-length byte string at offset 0 is not "
			     "accepted"},
		{"7fff", "COSE message: indefinite-length text string at offset 0 is not accepted"},
		{"ff", "COSE message: break code outside an indefinite-length item at offset 0"},
		{"1f", "COSE message: unsigned integer with indefinite length at offset 0"},
		{"f801", "COSE message: two-byte encoding of simple value 1 at offset 0"},
		{"f820", "COSE message: unassigned simple value 32 at offset 0"},
		{"f3", "COSE message: unassigned simple value 19 at offset 0"},
		{"19ff", "COSE message: truncated unsigned integer head at offset 0"},
		{"82420000", "COSE message: truncated: 1 more item expected at the end"},
		{"", "COSE message: empty"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct buf b = hexbuf(cases[i].hex);
		ck_assert_str_eq(refuse(&b), cases[i].msg);
		free(b.p);
	}
}
END_TEST

/* ---- COSE_Sign1 structure ------------------------------------------------ */

START_TEST(test_cose_refuses_trailing_bytes)
{
	EVP_PKEY *key = ec_key("P-256");
	struct buf wire = {0};

	sceau_cose_free(signed_cose(key, &wire));
	put_byte(&wire, 0x00);
	ck_assert_contains(refuse(&wire), "COSE message: 1 trailing byte after the item");
	free(wire.p);
	EVP_PKEY_free(key);
}
END_TEST

START_TEST(test_cose_accepts_the_tags_hcert_uses)
{
	static const uint64_t none[] = {0}, cwt[] = {61, 18, 0}, twice[] = {18, 18, 0};
	static const struct {
		const uint64_t *tags;
		unsigned n;
	} ok[] = {{none, 0}, {TAG18, 1}, {cwt, 2}, {twice, 2}};
	struct buf prot = hexbuf("a10126"), p = claims("MA", 1, 2);

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		struct buf b = cose_raw(ok[i].tags, &prot, "a0", &p, 64);
		struct sceau_cose *c = accept(&b);
		ck_assert_uint_eq(c->tags, ok[i].n);
		ck_assert_int_eq(c->alg, SCEAU_COSE_ES256);
		sceau_cose_free(c);
		free(b.p);
	}
	free(prot.p);
	free(p.p);
}
END_TEST

START_TEST(test_cose_refuses_other_tags)
{
	static const struct {
		uint64_t tags[4];
		const char *msg;
	} bad[] = {
		{{61}, "COSE message: tag 61 where COSE_Sign1 (18) belongs"},
		{{98}, "COSE message: tag 98 where COSE_Sign1 (18) belongs"},
		{{17}, "COSE message: tag 17 where COSE_Sign1 (18) belongs"},
		{{18, 61}, "COSE message: tag 61 where COSE_Sign1 (18) belongs"},
		{{98, 18}, "COSE message: outer tag 98 is neither CWT (61) nor COSE_Sign1 (18)"},
		{{61, 61, 18}, "COSE message: more than two tags"},
	};
	struct buf prot = hexbuf("a10126"), p = claims("MA", 1, 2);

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct buf b = cose_raw(bad[i].tags, &prot, "a0", &p, 64);
		ck_assert_str_eq(refuse(&b), bad[i].msg);
		free(b.p);
	}
	free(prot.p);
	free(p.p);
}
END_TEST

START_TEST(test_cose_refuses_wrong_shapes_and_types)
{
	static const struct {
		const char *hex, *msg;
	} bad[] = {
		{"d28343a10126a04100", "COSE message: an array of 3 items, not 4"},
		{"d28543a10126a041004040", "COSE message: an array of 5 items, not 4"},
		{"d2a0", "COSE message: a map, not an array of 4 items"},
		{"00", "COSE message: an unsigned integer, not an array of 4 items"},
		{"d284a10126a0410040",
		 "COSE message: the protected header is a map, not a byte string"},
		{"d28443a10126a04100", "COSE message: truncated: 1 more item expected at the end"},
		{"d28443a1012640410040",
		 "COSE message: the unprotected header is a byte string, not a map"},
		{"d28443a10126a0f640", "COSE message: the payload is a simple value, not a byte "
				       "string"},
		{"d28443a10126a0410060",
		 "COSE message: the signature is a text string, not a byte string"},
		{"d2844180a0410040", "COSE protected header: an array, not a map"},
		{"d28441ffa0410040",
		 "COSE protected header: break code outside an indefinite-length item at "
		 "offset 0"},
		{"d28444a1012600a0410040",
		 "COSE protected header: 1 trailing byte after the item at offset 3"},
		{"d28443a10126a04040", "COSE payload: empty"},
		{"d28443a10126a041ff40",
		 "COSE payload: break code outside an indefinite-length item at offset 0"},
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct buf b = hexbuf(bad[i].hex);
		ck_assert_str_eq(refuse(&b), bad[i].msg);
		free(b.p);
	}
}
END_TEST

/* Decode a message with the given protected header bytes and unprotected
 * header map (both hex). */
static struct sceau_cose *with_headers(const char *prot_hex, const char *unprot_hex)
{
	struct buf prot = hexbuf(prot_hex), p = claims("MA", 1, 2);
	struct buf b = cose_raw(TAG18, &prot, unprot_hex, &p, 64);
	struct sceau_cose *c = accept(&b);

	free(prot.p);
	free(p.p);
	free(b.p);
	return c;
}

static const char *headers_refused(const char *prot_hex, const char *unprot_hex)
{
	struct buf prot = hexbuf(prot_hex), p = claims("MA", 1, 2);
	struct buf b = cose_raw(TAG18, &prot, unprot_hex, &p, 64);
	const char *msg = refuse(&b);

	free(prot.p);
	free(p.p);
	free(b.p);
	return msg;
}

START_TEST(test_cose_alg_from_unprotected_only_when_protected_lacks_it)
{
	struct sceau_cose *c;

	/* Protected {4: kid}, unprotected {1: -7}. */
	c = with_headers("a1044801020304050607 08", "a10126");
	ck_assert_int_eq(c->alg, SCEAU_COSE_ES256);
	ck_assert_uint_eq(c->kid_len, 8);
	ck_assert_int_eq(memcmp(c->kid, KID, 8), 0);
	sceau_cose_free(c);
	/* Protected {1: -37} wins over unprotected {1: -7}. */
	c = with_headers("a1013824", "a10126");
	ck_assert_int_eq(c->alg, SCEAU_COSE_PS256);
	ck_assert_uint_eq(c->kid_len, 0);
	sceau_cose_free(c);
	/* Empty protected header (zero-length bstr, DCC vector CO20). */
	c = with_headers("", "a201260442abcd");
	ck_assert_int_eq(c->alg, SCEAU_COSE_ES256);
	ck_assert_uint_eq(c->kid_len, 2);
	ck_assert_uint_eq(c->kid[0], 0xab);
	ck_assert_uint_eq(c->protected_len, 0);
	sceau_cose_free(c);
	/* Protected kid wins over unprotected kid (DCC vector CO21). */
	c = with_headers("a20126044201ff", "a104420203");
	ck_assert_uint_eq(c->kid_len, 2);
	ck_assert_uint_eq(c->kid[1], 0xff);
	sceau_cose_free(c);
	/* Neither: absent. */
	c = with_headers("a0", "a0");
	ck_assert_int_eq(c->alg, 0);
	ck_assert_uint_eq(c->kid_len, 0);
	sceau_cose_free(c);
}
END_TEST

START_TEST(test_cose_refuses_bad_header_parameters)
{
	ck_assert_str_eq(headers_refused("a1016545533235 36", "a0"),
			 "COSE protected header: alg is a text string, not an integer in range");
	ck_assert_str_eq(headers_refused("a201260126", "a0"),
			 "COSE protected header: alg appears twice");
	ck_assert_str_eq(headers_refused("a10126", "a201260126"),
			 "COSE unprotected header: alg appears twice");
	ck_assert_str_eq(headers_refused("a2012602 8101", "a0"),
			 "COSE protected header: critical parameters (label 2) are not "
			 "supported");
	ck_assert_str_eq(headers_refused("a10126", "a1026161"),
			 "COSE unprotected header: critical parameters (label 2) are not "
			 "supported");
	ck_assert_str_eq(headers_refused("a20126 0463616263", "a0"),
			 "COSE protected header: kid is a text string, not a byte string");
	ck_assert_str_eq(headers_refused("a10100", "a0"),
			 "COSE protected header: alg 0 is not a usable algorithm");
	ck_assert_str_eq(headers_refused("a1011b0000000100000000", "a0"),
			 "COSE protected header: alg 4294967296 is not a usable algorithm");
	ck_assert_str_eq(headers_refused("a1013bffffffffffffffff", "a0"),
			 "COSE protected header: alg is a negative integer, not an integer in "
			 "range");
}
END_TEST

START_TEST(test_cose_kid_may_be_at_most_64_bytes)
{
	struct buf prot = {0}, p = claims("MA", 1, 2), b;
	unsigned char kid[65];
	struct sceau_cose *c;

	memset(kid, 0x5a, sizeof(kid));
	put_head(&prot, 5, 1);
	put_int(&prot, 4);
	put_bstr(&prot, kid, 64);
	b = cose_raw(TAG18, &prot, "a0", &p, 64);
	c = accept(&b);
	ck_assert_uint_eq(c->kid_len, 64);
	sceau_cose_free(c);
	free(b.p);
	prot.n = 0;
	put_head(&prot, 5, 1);
	put_int(&prot, 4);
	put_bstr(&prot, kid, 65);
	b = cose_raw(TAG18, &prot, "a0", &p, 64);
	ck_assert_str_eq(refuse(&b), "COSE protected header: kid of 65 bytes is longer than 64");
	free(b.p);
	free(prot.p);
	free(p.p);
}
END_TEST

static struct sceau_cose *with_payload(const struct buf *p)
{
	struct buf prot = hexbuf("a10126"), b = cose_raw(TAG18, &prot, "a0", p, 64);
	struct sceau_cose *c = accept(&b);

	free(prot.p);
	free(b.p);
	return c;
}

static const char *payload_refused(const struct buf *p)
{
	struct buf prot = hexbuf("a10126"), b = cose_raw(TAG18, &prot, "a0", p, 64);
	const char *msg = refuse(&b);

	free(prot.p);
	free(b.p);
	return msg;
}

START_TEST(test_cose_reads_cwt_claims)
{
	struct buf p = claims("MA", -5, INT64_MAX), q = hexbuf("00"), r = {0};
	struct sceau_cose *c = with_payload(&p);

	ck_assert_str_eq(c->iss, "MA");
	ck_assert(c->has_iat && c->has_exp);
	ck_assert_int_eq(c->iat, -5);
	ck_assert_int_eq(c->exp, INT64_MAX);
	ck_assert_uint_eq(c->payload_len, p.n);
	ck_assert_int_eq(memcmp(c->payload, p.p, p.n), 0);
	sceau_cose_free(c);
	/* A payload that is not a map carries no claims. */
	c = with_payload(&q);
	ck_assert_ptr_null(c->iss);
	ck_assert(!c->has_iat && !c->has_exp);
	sceau_cose_free(c);
	/* Unknown claims and text keys are ignored; missing ones stay absent. */
	put_head(&r, 5, 3);
	put_int(&r, -260);
	put_head(&r, 5, 0);
	put_head(&r, 3, 3);
	put(&r, "iat", 3);
	put(&r, "\xf9\x3c\x00", 3); /* a float under a text key: not read */
	put_int(&r, 6);
	put_int(&r, 1700000000);
	c = with_payload(&r);
	ck_assert(c->has_iat && !c->has_exp);
	ck_assert_ptr_null(c->iss);
	sceau_cose_free(c);
	free(p.p);
	free(q.p);
	free(r.p);
}
END_TEST

START_TEST(test_cose_reads_tags_libcbor_0_8_cannot)
{
	/* {-260: 18(h'd2d2'), 7: 16(1)}: one-byte tags 6..20 (0xd2, 0xd0)
	 * nested in the payload, and 0xd2 bytes inside a string that the
	 * workaround for libcbor must leave alone. */
	struct buf p = hexbuf("a2 390103 d2 42d2d2 07 d0 01"), q = hexbuf("a1 06 d0 01");
	struct sceau_cose *c = with_payload(&p);

	ck_assert_uint_eq(c->payload_len, p.n);
	ck_assert_int_eq(memcmp(c->payload, p.p, p.n), 0);
	sceau_cose_free(c);
	ck_assert_str_eq(payload_refused(&q),
			 "CWT claims: iat (6) is a tagged item, not an integer or a float");
	free(p.p);
	free(q.p);
}
END_TEST

START_TEST(test_cose_reads_float_times_and_flags_them)
{
	/* {6: 1621262460.78} as a double, as some DCC vectors have it. */
	struct buf p = hexbuf("a106fb41d828a01f31eb85"), q = claims("MA", 5, 6);
	struct sceau_cose *c = with_payload(&p);

	ck_assert(c->has_iat);
	ck_assert_int_eq(c->iat, 1621262460);
	ck_assert_int_eq(c->float_times, 1);
	sceau_cose_free(c);
	c = with_payload(&q);
	ck_assert_int_eq(c->float_times, 0);
	sceau_cose_free(c);
	free(p.p);
	free(q.p);
}
END_TEST

START_TEST(test_cose_refuses_claims_of_the_wrong_type)
{
	static const struct {
		const char *hex, *msg;
	} bad[] = {
		/* {4: infinity} as a half float */
		{"a104f97c00", "CWT claims: exp (4) is out of range"},
		{"a104c11a60903a20",
		 "CWT claims: exp (4) is a tagged item, not an integer or a float"},
		{"a1066131", "CWT claims: iat (6) is a text string, not an integer or a float"},
		{"a106f6", "CWT claims: iat (6) is a simple value, not an integer or a float"},
		{"a1061b8000000000000000", "CWT claims: iat (6) is out of range"},
		{"a2060106 02", "CWT claims: iat (6) appears twice"},
		{"a10102", "CWT claims: iss (1) is an unsigned integer, not a text string"},
		{"a1014141", "CWT claims: iss (1) is a byte string, not a text string"},
		{"a101624100", "CWT claims: iss (1) contains a NUL character"},
		{"a201614101614d", "CWT claims: iss (1) appears twice"},
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct buf p = hexbuf(bad[i].hex);
		ck_assert_str_eq(payload_refused(&p), bad[i].msg);
		free(p.p);
	}
}
END_TEST

/* ---- signing and verifying ----------------------------------------------- */

static void check_round_trip(EVP_PKEY *key, const char *prot_hex, size_t sig_len)
{
	struct buf wire = {0}, prot = hexbuf(prot_hex);
	struct sceau_cose *c = signed_cose(key, &wire);
	struct sceau_verdict v;

	ck_assert_uint_eq(wire.p[0], 0xd2); /* tag 18 */
	ck_assert_uint_eq(wire.p[1], 0x84);
	ck_assert_uint_eq(wire.p[3 + prot.n], 0xa0); /* empty unprotected map */
	ck_assert_uint_eq(c->tags, 1);
	ck_assert_uint_eq(c->protected_len, prot.n);
	ck_assert_int_eq(memcmp(c->protected_raw, prot.p, prot.n), 0);
	ck_assert_uint_eq(c->kid_len, sizeof(KID));
	ck_assert_int_eq(memcmp(c->kid, KID, sizeof(KID)), 0);
	ck_assert_uint_eq(c->signature_len, sig_len);
	ck_assert_str_eq(c->iss, "MA");
	ck_assert_int_eq(c->iat, 1700000000);
	ck_assert_int_eq(c->exp, 1800000000);
	ck_assert_int_eq(verify(c, key, &v), SCEAU_VERDICT_VALID);
	sceau_cose_free(c);
	free(wire.p);
	free(prot.p);
}

START_TEST(test_cose_sign_verify_round_trip_es256)
{
	EVP_PKEY *key = ec_key("P-256");

	check_round_trip(key, "a20126 0448 0102030405060708", 64);
	EVP_PKEY_free(key);
}
END_TEST

START_TEST(test_cose_sign_verify_round_trip_ps256)
{
	EVP_PKEY *key = rsa_key(2048);

	check_round_trip(key, "a2013824 0448 0102030405060708", 256);
	EVP_PKEY_free(key);
}
END_TEST

START_TEST(test_cose_es256_pads_short_r_and_s)
{
	EVP_PKEY *key = ec_key("P-256");
	struct sceau_verdict v;
	int short_r = 0, short_s = 0, i;

	/* One signature in 256 has r (or s) below 2^248, whose DER form is
	 * shorter: sign until both have shown up, verifying every one. */
	for (i = 0; i < 5000 && !(short_r && short_s); i++) {
		struct buf wire = {0};
		struct sceau_cose *c = signed_cose(key, &wire);
		ck_assert_uint_eq(c->signature_len, 64);
		short_r |= c->signature[0] == 0;
		short_s |= c->signature[32] == 0;
		ck_assert_int_eq(verify(c, key, &v), SCEAU_VERDICT_VALID);
		sceau_cose_free(c);
		free(wire.p);
	}
	ck_assert_msg(short_r && short_s, "no short r and s in %d signatures", i);
	EVP_PKEY_free(key);
}
END_TEST

/* Flip one bit of field[at] and expect an invalid verdict, then restore. */
static void flip_is_invalid(struct sceau_cose *c, unsigned char *field, size_t at, EVP_PKEY *key)
{
	struct sceau_verdict v;

	field[at] ^= 0x10;
	ck_assert_int_eq(verify(c, key, &v), SCEAU_VERDICT_INVALID);
	ck_assert_contains(v.reason, "signature does not verify");
	field[at] ^= 0x10;
	ck_assert_int_eq(verify(c, key, &v), SCEAU_VERDICT_VALID);
}

START_TEST(test_cose_verify_detects_one_flipped_bit)
{
	EVP_PKEY *keys[2] = {ec_key("P-256"), rsa_key(2048)};

	for (int k = 0; k < 2; k++) {
		struct buf wire = {0};
		struct sceau_cose *c = signed_cose(keys[k], &wire);
		struct sceau_verdict v;
		size_t sig_len = c->signature_len;

		flip_is_invalid(c, c->payload, 0, keys[k]);
		flip_is_invalid(c, c->payload, c->payload_len - 1, keys[k]);
		flip_is_invalid(c, c->signature, 0, keys[k]);
		flip_is_invalid(c, c->signature, c->signature_len - 1, keys[k]);
		flip_is_invalid(c, c->protected_raw, c->protected_len - 1, keys[k]); /* kid */
		sceau_cose_free(c);
		/* The same on the wire: a bit of the last payload byte, just
		 * before the signature's head (2 or 3 bytes) and its bytes. */
		wire.p[wire.n - sig_len - (sig_len < 256 ? 2 : 3) - 1] ^= 0x01;
		c = accept(&wire);
		ck_assert_int_eq(verify(c, keys[k], &v), SCEAU_VERDICT_INVALID);
		sceau_cose_free(c);
		free(wire.p);
		EVP_PKEY_free(keys[k]);
	}
}
END_TEST

START_TEST(test_cose_verify_refuses_es256_signature_of_63_or_65_bytes)
{
	EVP_PKEY *key = ec_key("P-256");
	struct buf wire = {0};
	struct sceau_cose *c = signed_cose(key, &wire);
	struct sceau_verdict v;
	unsigned char *longer = calloc(1, 65);

	c->signature_len = 63;
	ck_assert_int_eq(verify(c, key, &v), SCEAU_VERDICT_INVALID);
	ck_assert_str_eq(v.reason, "ES256 signature of 63 bytes, not 64");
	/* 65 bytes: a leading zero, the same number, the wrong encoding. */
	memcpy(longer + 1, c->signature, 64);
	free(c->signature);
	c->signature = longer;
	c->signature_len = 65;
	ck_assert_int_eq(verify(c, key, &v), SCEAU_VERDICT_INVALID);
	ck_assert_str_eq(v.reason, "ES256 signature of 65 bytes, not 64");
	sceau_cose_free(c);
	free(wire.p);
	EVP_PKEY_free(key);
}
END_TEST

START_TEST(test_cose_verify_refuses_an_alg_that_does_not_fit_the_key)
{
	EVP_PKEY *ec = ec_key("P-256"), *rsa = rsa_key(2048), *p384 = ec_key("P-384");
	struct buf w1 = {0}, w2 = {0};
	struct sceau_cose *es = signed_cose(ec, &w1), *ps = signed_cose(rsa, &w2);
	struct sceau_verdict v;

	ps->alg = SCEAU_COSE_ES256; /* alg -7 with an RSA key */
	ck_assert_int_eq(verify(ps, rsa, &v), SCEAU_VERDICT_INVALID);
	ck_assert_str_eq(v.reason,
			 "algorithm ES256 needs an EC P-256 key, the signer's key is RSA");
	es->alg = SCEAU_COSE_PS256; /* alg -37 with an EC key */
	ck_assert_int_eq(verify(es, ec, &v), SCEAU_VERDICT_INVALID);
	ck_assert_str_eq(v.reason, "algorithm PS256 needs an RSA key, the signer's key is EC");
	es->alg = SCEAU_COSE_ES256; /* ES256 with an EC key on P-384 */
	ck_assert_int_eq(verify(es, p384, &v), SCEAU_VERDICT_INVALID);
	ck_assert_contains(v.reason, "needs an EC P-256 key");
	es->alg = -35; /* ES384: not supported */
	ck_assert_int_eq(verify(es, ec, &v), SCEAU_VERDICT_INVALID);
	ck_assert_str_eq(v.reason, "COSE algorithm -35 is not supported (only ES256 and PS256)");
	es->alg = 0;
	ck_assert_int_eq(verify(es, ec, &v), SCEAU_VERDICT_INVALID);
	ck_assert_str_eq(v.reason, "the COSE headers name no algorithm");
	sceau_cose_free(es);
	sceau_cose_free(ps);
	free(w1.p);
	free(w2.p);
	EVP_PKEY_free(ec);
	EVP_PKEY_free(rsa);
	EVP_PKEY_free(p384);
}
END_TEST

/* Sign c's Sig_structure, written here independently of the library,
 * with RSA padding `pad`, PSS salt length `salt` and MGF1 hash `mgf1`. */
static void resign_rsa(struct sceau_cose *c, EVP_PKEY *key, int pad, int salt, const EVP_MD *mgf1)
{
	struct buf tbs = {0};
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	size_t n = 512;

	put_hex(&tbs, "84 6a 5369676e617475726531"); /* ["Signature1", */
	put_bstr(&tbs, c->protected_raw, c->protected_len);
	put_hex(&tbs, "40");
	put_bstr(&tbs, c->payload, c->payload_len);
	ck_assert_int_eq(EVP_DigestSignInit(md, &pctx, EVP_sha256(), NULL, key), 1);
	ck_assert_int_gt(EVP_PKEY_CTX_set_rsa_padding(pctx, pad), 0);
	if (pad == RSA_PKCS1_PSS_PADDING) {
		ck_assert_int_gt(EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, salt), 0);
		ck_assert_int_gt(EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, mgf1), 0);
	}
	c->signature = realloc(c->signature, n);
	ck_assert_int_eq(EVP_DigestSign(md, c->signature, &n, tbs.p, tbs.n), 1);
	c->signature_len = n;
	EVP_MD_CTX_free(md);
	free(tbs.p);
}

START_TEST(test_cose_ps256_requires_pss_sha256_and_salt_32)
{
	EVP_PKEY *key = rsa_key(2048);
	struct buf wire = {0};
	struct sceau_cose *c = signed_cose(key, &wire);
	struct sceau_verdict v;

	resign_rsa(c, key, RSA_PKCS1_PSS_PADDING, 32, EVP_sha256());
	ck_assert_int_eq(verify(c, key, &v), SCEAU_VERDICT_VALID);
	resign_rsa(c, key, RSA_PKCS1_PSS_PADDING, 20, EVP_sha256());
	ck_assert_int_eq(verify(c, key, &v), SCEAU_VERDICT_INVALID);
	resign_rsa(c, key, RSA_PKCS1_PSS_PADDING, 32, EVP_sha1());
	ck_assert_int_eq(verify(c, key, &v), SCEAU_VERDICT_INVALID);
	resign_rsa(c, key, RSA_PKCS1_PADDING, 0, NULL);
	ck_assert_int_eq(verify(c, key, &v), SCEAU_VERDICT_INVALID);
	sceau_cose_free(c);
	free(wire.p);
	EVP_PKEY_free(key);
}
END_TEST

START_TEST(test_cose_verify_refuses_another_key_and_needs_one)
{
	EVP_PKEY *key = ec_key("P-256"), *other = ec_key("P-256");
	struct buf wire = {0};
	struct sceau_cose *c = signed_cose(key, &wire);
	struct sceau_error err = {0};
	struct sceau_verdict v;

	ck_assert_int_eq(verify(c, other, &v), SCEAU_VERDICT_INVALID);
	ck_assert_int_eq(sceau_cose_verify_signature(c, NULL, &v, &err), SCEAU_ERR_INVALID);
	sceau_cose_free(c);
	free(wire.p);
	EVP_PKEY_free(key);
	EVP_PKEY_free(other);
}
END_TEST

START_TEST(test_cose_sign_refuses_unusable_keys_and_kids)
{
	EVP_PKEY *p384 = ec_key("P-384"), *ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	EVP_PKEY *ok = ec_key("P-256");
	struct sceau_error err = {0};
	unsigned char kid[65] = {0}, *out = NULL;
	size_t n = 0;

	ck_assert_ptr_nonnull(ed);
	ck_assert_int_eq(sceau_cose_sign(kid, 1, p384, KID, 8, &out, &n, &err), SCEAU_ERR_INVALID);
	ck_assert_str_eq(err.msg, "cannot sign COSE with an EC key on a curve other than P-256");
	ck_assert_int_eq(sceau_cose_sign(kid, 1, ed, KID, 8, &out, &n, &err), SCEAU_ERR_INVALID);
	ck_assert_str_eq(err.msg, "cannot sign COSE with neither an EC P-256 nor an RSA key");
	ck_assert_int_eq(sceau_cose_sign(kid, 1, ok, KID, 0, &out, &n, &err), SCEAU_ERR_INVALID);
	ck_assert_int_eq(sceau_cose_sign(kid, 1, ok, kid, 65, &out, &n, &err), SCEAU_ERR_INVALID);
	ck_assert_ptr_null(out);
	EVP_PKEY_free(p384);
	EVP_PKEY_free(ed);
	EVP_PKEY_free(ok);
}
END_TEST

START_TEST(test_cert_kid_is_the_first_8_bytes_of_sha256_over_der)
{
	EVP_PKEY *key = ec_key("P-256");
	X509 *x = X509_new();
	struct sceau_error err = {0};
	unsigned char kid[SCEAU_KID_LEN], md[32], *der = NULL;
	int n;

	ck_assert_ptr_nonnull(x);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 7);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
				   (const unsigned char *)"kid test", -1, -1, 0);
	X509_set_issuer_name(x, X509_get_subject_name(x));
	X509_set_pubkey(x, key);
	ck_assert_int_gt(X509_sign(x, key, EVP_sha256()), 0);
	ck_assert_int_eq(sceau_cert_kid(x, kid, &err), SCEAU_OK);
	ck_assert_int_gt(n = i2d_X509(x, &der), 0);
	SHA256(der, (size_t)n, md);
	ck_assert_int_eq(memcmp(kid, md, SCEAU_KID_LEN), 0);
	OPENSSL_free(der);
	X509_free(x);
	EVP_PKEY_free(key);
}
END_TEST

/* ---- CWT times ---------------------------------------------------------- */

static enum sceau_verdict_code times(int has_iat, int64_t iat, int has_exp, int64_t exp, time_t at,
				     struct sceau_verdict *v)
{
	struct sceau_cose c = {.has_iat = has_iat, .iat = iat, .has_exp = has_exp, .exp = exp};

	sceau_cose_check_times(&c, at, v);
	return v->code;
}

START_TEST(test_times_iat_beyond_the_skew_is_not_yet_valid)
{
	const time_t at = 1700000000;
	struct sceau_verdict v;

	ck_assert_int_eq(times(1, at + 301, 1, at + 1000, at, &v), SCEAU_VERDICT_NOT_YET_VALID);
	ck_assert_str_eq(v.reason, "issued at 2023-11-14 22:18:21 UTC, later than the "
				   "verification time");
	ck_assert_int_eq(times(1, INT64_MAX, 1, INT64_MAX, at, &v), SCEAU_VERDICT_NOT_YET_VALID);
}
END_TEST

START_TEST(test_times_iat_within_the_skew_is_valid)
{
	const time_t at = 1700000000;
	struct sceau_verdict v;

	ck_assert_int_eq(times(1, at + SCEAU_IAT_SKEW, 1, at + 1000, at, &v), SCEAU_VERDICT_VALID);
	ck_assert_int_eq(times(1, at, 1, at, at, &v), SCEAU_VERDICT_VALID); /* exp == at */
	ck_assert_int_eq(times(1, INT64_MIN, 1, INT64_MAX, INT64_MAX, &v), SCEAU_VERDICT_VALID);
}
END_TEST

START_TEST(test_times_exp_in_the_past_is_expired)
{
	const time_t at = 1700000000;
	struct sceau_verdict v;

	ck_assert_int_eq(times(1, at - 1000, 1, at - 1, at, &v), SCEAU_VERDICT_EXPIRED);
	ck_assert_str_eq(v.reason, "expired at 2023-11-14 22:13:19 UTC");
	ck_assert_int_eq(times(1, INT64_MIN, 1, INT64_MIN, at, &v), SCEAU_VERDICT_EXPIRED);
}
END_TEST

START_TEST(test_times_missing_iat_or_exp_is_invalid)
{
	const time_t at = 1700000000;
	struct sceau_verdict v;
	struct buf p = hexbuf("a1041a70000000"); /* exp only */
	struct sceau_cose *c = with_payload(&p);

	ck_assert_int_eq(times(0, 0, 1, at + 1000, at, &v), SCEAU_VERDICT_INVALID);
	ck_assert_str_eq(v.reason, "the payload has no issue time (iat)");
	ck_assert_int_eq(times(1, at, 0, 0, at, &v), SCEAU_VERDICT_INVALID);
	ck_assert_str_eq(v.reason, "the payload has no expiry time (exp)");
	sceau_cose_check_times(c, at, &v);
	ck_assert_int_eq(v.code, SCEAU_VERDICT_INVALID);
	sceau_cose_check_times(NULL, at, &v);
	ck_assert_int_eq(v.code, SCEAU_VERDICT_INVALID);
	sceau_cose_free(c);
	free(p.p);
}
END_TEST

/* ---- QR text ------------------------------------------------------------- */

static const char *unwrap_refused(const char *text, size_t len)
{
	static struct sceau_error err;
	unsigned char *cose = (unsigned char *)"untouched";
	size_t n = 5;

	ck_assert_int_eq(sceau_qr_unwrap(text, len, SCEAU_QR_PREFIX, &cose, &n, &err),
			 SCEAU_ERR_FORMAT);
	ck_assert_ptr_null(cose);
	return err.msg;
}

START_TEST(test_qr_wrap_unwrap_round_trips)
{
	EVP_PKEY *key = ec_key("P-256");
	struct buf wire = {0};
	struct sceau_error err = {0};
	unsigned char *back;
	size_t n;
	char *text;

	sceau_cose_free(signed_cose(key, &wire));
	ck_assert_int_eq(sceau_qr_wrap(wire.p, wire.n, SCEAU_QR_PREFIX, &text, &err), SCEAU_OK);
	ck_assert_int_eq(strncmp(text, "MA1:", 4), 0);
	ck_assert_uint_eq(strspn(text + 4, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"),
			  strlen(text) - 4);
	ck_assert_int_eq(sceau_qr_unwrap(text, strlen(text), SCEAU_QR_PREFIX, &back, &n, &err),
			 SCEAU_OK);
	ck_assert_uint_eq(n, wire.n);
	ck_assert_int_eq(memcmp(back, wire.p, n), 0);
	/* A DCC reader's prefix is not ours. */
	text[0] = 'H';
	text[1] = 'C';
	ck_assert_str_eq(unwrap_refused(text, strlen(text)),
			 "QR text: prefix: does not start with 'MA1:'");
	free(back);
	free(text);
	free(wire.p);
	EVP_PKEY_free(key);
}
END_TEST

START_TEST(test_qr_unwrap_checks_the_length_first)
{
	char text[SCEAU_QR_TEXT_MAX + 2];

	memset(text, 'a', sizeof(text)); /* wrong prefix and alphabet too */
	ck_assert_str_eq(unwrap_refused(text, SCEAU_QR_TEXT_MAX + 1),
			 "QR text: 4297 characters, more than a QR code holds (4296)");
	memcpy(text, "MA1:", 4);
	ck_assert_str_eq(unwrap_refused(text, sizeof(text)),
			 "QR text: 4298 characters, more than a QR code holds (4296)");
}
END_TEST

START_TEST(test_qr_unwrap_requires_the_exact_prefix)
{
	static const char *const bad[] = {"ma1:BB8", "MA2:BB8", "HC1:BB8", "MA1",
					  "",        "BB8",     " MA1:BB8"};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_str_eq(unwrap_refused(bad[i], strlen(bad[i])),
				 "QR text: prefix: does not start with 'MA1:'");
}
END_TEST

START_TEST(test_qr_unwrap_names_the_layer_that_refused)
{
	size_t big = (size_t)1 << 20, zlen, blen;
	unsigned char *zeros = calloc(1, big), *z;
	struct sceau_error err = {0};
	char *b45, *text;

	ck_assert_str_eq(unwrap_refused("MA1:BB8BB8BB8BBa", 16),
			 "QR text: base45: invalid character 'a' at 15");
	ck_assert_str_eq(unwrap_refused("MA1:BB8B", 8),
			 "QR text: base45: length 4 is one more than a multiple of 3");
	/* Base45 of plain CBOR: not compressed (DCC vector Z2's case). */
	ck_assert_str_eq(unwrap_refused("MA1:BB8", 7), "QR text: zlib: incorrect header check");
	/* 1 MB of zeros fits in a QR code once compressed. */
	compress(zeros, big, &z, &zlen);
	ck_assert_int_eq(sceau_base45_encode(z, zlen, &b45, &blen, &err), SCEAU_OK);
	ck_assert_uint_lt(blen, SCEAU_QR_TEXT_MAX - 4);
	ck_assert_int_ne(asprintf(&text, "MA1:%s", b45), -1);
	ck_assert_str_eq(unwrap_refused(text, strlen(text)),
			 "QR text: zlib: output larger than 65536 bytes");
	free(text);
	free(b45);
	free(z);
	free(zeros);
}
END_TEST

START_TEST(test_qr_wrap_refuses_text_no_qr_code_holds)
{
	unsigned char noise[3000];
	struct sceau_error err = {0};
	char *text = (char *)"untouched";
	uint32_t x = 2463534242u;

	for (size_t i = 0; i < sizeof(noise); i++) { /* xorshift: incompressible */
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		noise[i] = (unsigned char)x;
	}
	ck_assert_int_eq(sceau_qr_wrap(noise, sizeof(noise), SCEAU_QR_PREFIX, &text, &err),
			 SCEAU_ERR_INVALID);
	ck_assert_ptr_null(text);
	ck_assert_contains(err.msg, "longer than a QR code holds (4296)");
}
END_TEST

TU_MAIN("envelope", NULL, NULL, test_base45_encodes_rfc9285_examples,
	test_base45_decodes_rfc9285_examples, test_base45_round_trips_every_byte_and_length,
	test_base45_rejects_lowercase, test_base45_rejects_characters_outside_the_alphabet,
	test_base45_rejects_length_one_modulo_three, test_base45_rejects_triple_above_65535,
	test_base45_rejects_pair_above_255, test_zlib_round_trips,
	test_zlib_refuses_a_bomb_at_the_cap_quickly, test_zlib_refuses_truncated_stream,
	test_zlib_refuses_trailing_bytes, test_zlib_refuses_other_formats,
	test_cbor_refuses_a_depth_bomb, test_cbor_depth_limit_is_exactly_sixteen,
	test_cbor_refuses_huge_declared_lengths,
	test_cbor_counts_items_still_expected_across_levels,
	test_cbor_refuses_reserved_and_indefinite_encodings, test_cose_refuses_trailing_bytes,
	test_cose_accepts_the_tags_hcert_uses, test_cose_refuses_other_tags,
	test_cose_refuses_wrong_shapes_and_types,
	test_cose_alg_from_unprotected_only_when_protected_lacks_it,
	test_cose_refuses_bad_header_parameters, test_cose_kid_may_be_at_most_64_bytes,
	test_cose_reads_cwt_claims, test_cose_reads_tags_libcbor_0_8_cannot,
	test_cose_reads_float_times_and_flags_them, test_cose_refuses_claims_of_the_wrong_type,
	test_cose_sign_verify_round_trip_es256, test_cose_sign_verify_round_trip_ps256,
	test_cose_es256_pads_short_r_and_s, test_cose_verify_detects_one_flipped_bit,
	test_cose_verify_refuses_es256_signature_of_63_or_65_bytes,
	test_cose_verify_refuses_an_alg_that_does_not_fit_the_key,
	test_cose_ps256_requires_pss_sha256_and_salt_32,
	test_cose_verify_refuses_another_key_and_needs_one,
	test_cose_sign_refuses_unusable_keys_and_kids,
	test_cert_kid_is_the_first_8_bytes_of_sha256_over_der,
	test_times_iat_beyond_the_skew_is_not_yet_valid, test_times_iat_within_the_skew_is_valid,
	test_times_exp_in_the_past_is_expired, test_times_missing_iat_or_exp_is_invalid,
	test_qr_wrap_unwrap_round_trips, test_qr_unwrap_checks_the_length_first,
	test_qr_unwrap_requires_the_exact_prefix, test_qr_unwrap_names_the_layer_that_refused,
	test_qr_wrap_refuses_text_no_qr_code_holds)
