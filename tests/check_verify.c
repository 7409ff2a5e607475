/* sceau tests — verifying signed PDFs: every verdict, and the known PDF
 * signature attacks (incremental saving, signature wrapping, universal
 * signature forgery: DESIGN.md, "Verification rules for a PDF"), each of
 * which must not give `valid`.
 *
 * The PDFs are made once with the library: a PKI at PKI_TIME, CoC and
 * Halal certificates rendered and signed at SIGN_TIME, judged at AT_TIME.
 * Attack files are built from the valid CoC by appending real incremental
 * updates (qpdf --check reads them) or rewriting bytes in place. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

#define PKI_TIME  "2026-11-01T00:00:00Z"
#define SIGN_TIME "2026-11-24T10:00:00Z"
#define AT_TIME   "2026-11-24T12:00:00Z"
#define BODY      "Organisme de Vérification Test"

static char *tmp, *root_dir;
static struct sceau_trust *trust;
static struct sceau_signer *both, *coconly, *expired, *revoked;
static struct sceau_renderer *renderer;
static struct sceau_record *coc_rec, *halal_rec;
static time_t t_sign, t_at;
static unsigned char *coc;
static size_t coc_len;

/* ---- making documents --------------------------------------------------- */

static struct sceau_signer *open_signer(const char *name, const char *cn, unsigned programs,
					int days, time_t made)
{
	struct sceau_error err = {0};
	struct sceau_signer *s = NULL;
	char *dir = tu_path(tmp, name);

	tu_make_signer(root_dir, dir, cn, programs, days, made);
	ck_assert_msg(sceau_signer_open(dir, &s, &err) == SCEAU_OK, "%s", err.msg);
	ck_assert_msg(sceau_signer_unlock(s, "pw", 2, &err) == SCEAU_OK, "%s", err.msg);
	free(dir);
	return s;
}

static struct sceau_record *example(const char *name)
{
	struct sceau_error err = {0};
	struct sceau_record *rec = NULL;
	char path[512];

	snprintf(path, sizeof(path), "%s/%s.json", SCEAU_EXAMPLES, name);
	ck_assert_msg(sceau_record_load(path, &rec, &err) == SCEAU_OK, "%s", err.msg);
	return rec;
}

/* The example with its number (and so its digest) changed. */
static struct sceau_record *renumbered(const char *name, const char *number)
{
	struct sceau_error err = {0};
	struct sceau_record *rec = NULL;
	char path[512], *text;
	json_t *j;

	snprintf(path, sizeof(path), "%s/%s.json", SCEAU_EXAMPLES, name);
	j = json_load_file(path, 0, NULL);
	ck_assert_ptr_nonnull(j);
	json_object_set_new(j, "number", json_string(number));
	text = json_dumps(j, 0);
	ck_assert_msg(sceau_record_parse(text, strlen(text), &rec, &err) == SCEAU_OK, "%s",
		      err.msg);
	free(text);
	json_decref(j);
	return rec;
}

static char *qr_for(struct sceau_signer *s, const struct sceau_record *rec)
{
	struct sceau_error err = {0};
	char *text = NULL;

	ck_assert_msg(sceau_payload_encode(rec, s->cert, s->key, t_sign, NULL, 0, &text, &err) ==
			      SCEAU_OK,
		      "%s", err.msg);
	return text;
}

/* `rec` rendered with QR text `qr` (NULL: its own, signed by `s`) and,
 * when `sign`, signed by `s`. */
static unsigned char *make(struct sceau_signer *s, const struct sceau_record *rec, const char *qr,
			   int sign, size_t *len)
{
	struct sceau_error err = {0};
	unsigned char *pdf = NULL;
	char *own = qr ? NULL : qr_for(s, rec);
	struct sceau_render_info info = {s->name, qr ? qr : own, t_sign, sign ? s : NULL};

	ck_assert_msg(sceau_render(renderer, rec, &info, &pdf, len, NULL, &err) == SCEAU_OK, "%s",
		      err.msg);
	free(own);
	return pdf;
}

/* ---- judging ------------------------------------------------------------- */

static struct sceau_pdf_report *judge_with(const struct sceau_trust *t, const void *pdf, size_t len,
					   time_t at)
{
	struct sceau_error err = {0};
	struct sceau_pdf_report *r = NULL;

	tu_fuzz_save("verify", pdf, len);
	ck_assert_msg(sceau_pdf_verify(pdf, len, t, at, &r, &err) == SCEAU_OK, "%s", err.msg);
	ck_assert_ptr_nonnull(r);
	return r;
}

static struct sceau_pdf_report *judge(const void *pdf, size_t len)
{
	return judge_with(trust, pdf, len, t_at);
}

/* The verdict is `code` and its reason contains `words` (may be NULL). */
static void expect(const void *pdf, size_t len, enum sceau_verdict_code code, const char *words)
{
	struct sceau_pdf_report *r = judge(pdf, len);

	ck_assert_msg(r->verdict.code == code, "verdict %s (%s), expected %s",
		      sceau_verdict_name(r->verdict.code), r->verdict.reason,
		      sceau_verdict_name(code));
	if (words)
		ck_assert_msg(strstr(r->verdict.reason, words), "reason '%s' lacks '%s'",
			      r->verdict.reason, words);
	sceau_pdf_report_free(r);
}

static void expect_not_valid(const void *pdf, size_t len)
{
	struct sceau_pdf_report *r = judge(pdf, len);

	ck_assert_msg(r->verdict.code != SCEAU_VERDICT_VALID, "an attack was judged valid: %s",
		      r->verdict.reason);
	sceau_pdf_report_free(r);
}

/* ---- rewriting PDFs ------------------------------------------------------ */

static unsigned char *dup_bytes(const unsigned char *b, size_t n)
{
	unsigned char *p = malloc(n + 1);

	ck_assert_ptr_nonnull(p);
	memcpy(p, b, n);
	p[n] = 0;
	return p;
}

static const unsigned char *find_last(const unsigned char *b, size_t n, const char *s)
{
	size_t k = strlen(s);

	for (size_t i = n >= k ? n - k + 1 : 0; i-- > 0;)
		if (memcmp(b + i, s, k) == 0)
			return b + i;
	return NULL;
}

static const unsigned char *find_first(const unsigned char *b, size_t n, const char *s)
{
	size_t k = strlen(s);

	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(b + i, s, k) == 0)
			return b + i;
	return NULL;
}

/* The integer after the last `key` in the file. */
static long long last_int(const unsigned char *b, size_t n, const char *key)
{
	const unsigned char *p = find_last(b, n, key);

	ck_assert_msg(p != NULL, "no '%s' in the PDF", key);
	return strtoll((const char *)p + strlen(key), NULL, 10);
}

/* The object number of the signature dictionary: "N 0 obj" before the
 * last /Type /Sig. */
static int sig_object(const unsigned char *b, size_t n)
{
	const unsigned char *p = find_last(b, n, "/Type /Sig");
	const unsigned char *o;

	ck_assert_ptr_nonnull(p);
	o = find_last(b, (size_t)(p - b), " 0 obj");
	ck_assert_ptr_nonnull(o);
	while (o > b && o[-1] >= '0' && o[-1] <= '9')
		o--;
	return atoi((const char *)o);
}

struct update {
	int ids[4];
	char *objs[4]; /* the text between "N 0 obj\n" and "\nendobj" */
	size_t n;
};

/* b + an incremental update holding u's objects, with a classic xref
 * table and a trailer chaining to the previous one. */
static unsigned char *append_update(const unsigned char *b, size_t n, const struct update *u,
				    size_t *out_len)
{
	long long prev = last_int(b, n, "startxref"), size = last_int(b, n, "/Size ");
	long long root = last_int(b, n, "/Root ");
	size_t cap = n + 65536, len = n, off[4];
	unsigned char *out = malloc(cap);
	long long xref;

	ck_assert_ptr_nonnull(out);
	memcpy(out, b, n);
#define PUT(...) (len += (size_t)snprintf((char *)out + len, cap - len, __VA_ARGS__))
	for (size_t i = 0; i < u->n; i++) {
		PUT("\n");
		off[i] = len;
		PUT("%d 0 obj\n%s\nendobj\n", u->ids[i], u->objs[i]);
		if (u->ids[i] + 1 > size)
			size = u->ids[i] + 1;
	}
	xref = (long long)len;
	PUT("xref\n0 1\n0000000000 65535 f\r\n");
	for (size_t i = 0; i < u->n; i++)
		PUT("%d 1\n%010zu 00000 n\r\n", u->ids[i], off[i]);
	PUT("trailer\n<< /Size %lld /Root %lld 0 R /Prev %lld >>\nstartxref\n%lld\n%%%%EOF\n", size,
	    root, prev, xref);
#undef PUT
	ck_assert(len < cap);
	*out_len = len;
	return out;
}

/* What `qpdf ARGS... FILE` prints, for a PDF in memory. */
static char *qpdf_out(const unsigned char *pdf, size_t len, const char *a1, const char *a2)
{
	char *path = tu_path(tmp, "qpdf-in.pdf"), *out;
	const char *argv[] = {"qpdf", a1, a2 ? a2 : path, a2 ? path : NULL, NULL};
	struct tu_proc p;

	tu_write(path, (const char *)pdf, len);
	tu_run(&p, NULL, NULL, argv);
	ck_assert_msg(p.status == 0 || p.status == 3, "qpdf %s: %s", a1, p.err);
	out = strdup(p.out);
	tu_proc_free(&p);
	free(path);
	return out;
}

/* qpdf reads the attack file as a sound PDF: the attack is a document a
 * viewer would show, not garbage. */
static void assert_qpdf_reads(const unsigned char *pdf, size_t len)
{
	char *out = qpdf_out(pdf, len, "--check", NULL);

	ck_assert_msg(strstr(out, "No syntax or stream encoding errors"), "qpdf --check: %s", out);
	free(out);
}

/* Page 1's object number and its dictionary as qpdf shows it. */
static char *page_one(const unsigned char *pdf, size_t len, int *id)
{
	char *pages = qpdf_out(pdf, len, "--show-pages", NULL), *p = strstr(pages, "page 1: ");
	char opt[64], *dict;

	ck_assert_ptr_nonnull(p);
	*id = atoi(p + 8);
	free(pages);
	snprintf(opt, sizeof(opt), "--show-object=%d", *id);
	dict = qpdf_out(pdf, len, opt, NULL);
	dict[strcspn(dict, "\n")] = 0;
	return dict;
}

/* Replace the first `from` in s (malloc'd) by `to`; returns a new string. */
static char *replace(const char *s, const char *from, const char *to)
{
	const char *p = strstr(s, from);
	size_t n = strlen(s) - strlen(from) + strlen(to) + 1;
	char *out = malloc(n);

	ck_assert_msg(p != NULL, "no '%s' in '%s'", from, s);
	snprintf(out, n, "%.*s%s%s", (int)(p - s), s, to, p + strlen(from));
	return out;
}

/* Rewrite, in place and at the same length, the bytes [at, at+k) of a copy
 * with `text` padded with spaces. */
static unsigned char *patch(const unsigned char *b, size_t n, size_t at, size_t k, const char *text)
{
	unsigned char *p = dup_bytes(b, n);

	ck_assert_msg(strlen(text) <= k, "patch '%s' longer than %zu", text, k);
	memset(p + at, ' ', k);
	memcpy(p + at, text, strlen(text));
	return p;
}

/* The /ByteRange array of the (last) signature: its place and numbers. */
static void byterange(const unsigned char *b, size_t n, size_t *at, size_t *k, long long br[4])
{
	const unsigned char *p = find_last(b, n, "/ByteRange"), *q;
	char *end;

	ck_assert_ptr_nonnull(p);
	p += strlen("/ByteRange");
	while (*p == ' ')
		p++;
	ck_assert_int_eq(*p, '[');
	q = memchr(p, ']', (size_t)(b + n - p));
	ck_assert_ptr_nonnull(q);
	*at = (size_t)(p - b);
	*k = (size_t)(q - p + 1);
	/* signers pad after the array so that it can be filled in place */
	while (p + *k < b + n && p[*k] == ' ')
		(*k)++;
	end = (char *)p + 1;
	for (int i = 0; i < 4; i++)
		br[i] = strtoll(end, &end, 10);
}

static unsigned char *with_byterange(long long a, long long b, long long c, long long d)
{
	size_t at, k;
	long long br[4];
	char text[128];

	byterange(coc, coc_len, &at, &k, br);
	snprintf(text, sizeof(text), "[%lld %lld %lld %lld]", a, b, c, d);
	return patch(coc, coc_len, at, k, text);
}

/* ---- fixture ----------------------------------------------------------- */

static void setup(void)
{
	struct sceau_error err = {0};
	struct sceau_pki_revoke_params rp = {0};
	time_t t0 = 0;
	char *crt, *crl;
	const unsigned both_programs =
		SCEAU_PROGRAM_BIT(SCEAU_PROGRAM_COC) | SCEAU_PROGRAM_BIT(SCEAU_PROGRAM_HALAL);

	ck_assert_int_eq(sceau_time_parse(PKI_TIME, &t0, &err), SCEAU_OK);
	ck_assert_int_eq(sceau_time_parse(SIGN_TIME, &t_sign, &err), SCEAU_OK);
	ck_assert_int_eq(sceau_time_parse(AT_TIME, &t_at, &err), SCEAU_OK);
	tmp = tu_tmpdir();
	root_dir = tu_path(tmp, "root");
	tu_make_root(root_dir, "Racine de vérification", 3650, t0);
	both = open_signer("both", BODY, both_programs, 1095, t0);
	coconly = open_signer("coconly", "Organisme CoC seulement",
			      SCEAU_PROGRAM_BIT(SCEAU_PROGRAM_COC), 1095, t0);
	expired = open_signer("expired", "Organisme expiré", both_programs, 1, t0);
	revoked = open_signer("revoked", "Organisme révoqué", both_programs, 1095, t0);
	rp.root_dir = root_dir;
	rp.root_pass = "pw";
	rp.root_pass_len = 2;
	rp.cert_path = crt = tu_path(tmp, "revoked/signer.crt");
	rp.reason = SCEAU_REASON_KEY_COMPROMISE;
	rp.crl_days = 30;
	rp.now = t0 + 86400;
	ck_assert_msg(sceau_pki_revoke(&rp, NULL, &err) == SCEAU_OK, "%s", err.msg);
	free(crt);

	ck_assert_int_eq(sceau_trust_new(&trust, &err), SCEAU_OK);
	crt = tu_path(root_dir, "root.crt");
	crl = tu_path(root_dir, "crl.pem");
	{
		X509 *x = tu_load_cert(crt);
		X509_CRL *c = tu_load_crl(crl);
		ck_assert_int_eq(sceau_trust_add_cert(trust, x, &err), SCEAU_OK);
		ck_assert_int_eq(sceau_trust_add_crl(trust, c, &err), SCEAU_OK);
		X509_free(x);
		X509_CRL_free(c);
	}
	free(crt);
	free(crl);
	ck_assert_int_eq(sceau_trust_add_cert(trust, both->cert, &err), SCEAU_OK);
	ck_assert_int_eq(sceau_trust_add_cert(trust, coconly->cert, &err), SCEAU_OK);
	ck_assert_int_eq(sceau_trust_add_cert(trust, expired->cert, &err), SCEAU_OK);
	ck_assert_int_eq(sceau_trust_add_cert(trust, revoked->cert, &err), SCEAU_OK);

	ck_assert_msg(sceau_renderer_new(SCEAU_TEMPLATES, &renderer, &err) == SCEAU_OK, "%s",
		      err.msg);
	coc_rec = example("coc");
	halal_rec = example("halal");
	coc = make(both, coc_rec, NULL, 1, &coc_len);
}

static void teardown(void)
{
	free(coc);
	sceau_record_free(coc_rec);
	sceau_record_free(halal_rec);
	sceau_renderer_free(renderer);
	sceau_trust_free(trust);
	sceau_signer_close(both);
	sceau_signer_close(coconly);
	sceau_signer_close(expired);
	sceau_signer_close(revoked);
	tu_rmrf(tmp);
	free(tmp);
	free(root_dir);
}

/* ---- valid documents ----------------------------------------------------- */

START_TEST(test_signed_coc_is_valid_with_a_full_report)
{
	struct sceau_pdf_report *r = judge(coc, coc_len);
	const struct sceau_pdf_sig_report *s;

	ck_assert_msg(r->verdict.code == SCEAU_VERDICT_VALID, "%s", r->verdict.reason);
	ck_assert_uint_eq(r->nsigs, 1);
	ck_assert_uint_eq(r->file_len, coc_len);
	s = &r->sigs[0];
	ck_assert_str_eq(s->subfilter, "ETSI.CAdES.detached");
	ck_assert_str_eq(s->signer, BODY);
	ck_assert_str_eq(s->signer_issuer, "Racine de vérification");
	ck_assert_str_eq(s->digest, "sha256");
	ck_assert_str_eq(s->key_type, "ECDSA P-256");
	ck_assert_int_eq(s->signing_time, t_sign);
	ck_assert_msg(s->pades, "not PAdES: %s", s->pades_note);
	ck_assert(!s->has_signing_time_attr);
	ck_assert(s->intact && s->whole);
	ck_assert_uint_eq(s->bytes_after, 0);
	ck_assert_int_eq(s->docmdp_p, 1);
	ck_assert_ptr_nonnull(r->payload);
	ck_assert(r->payload->signature_verified);
	ck_assert_str_eq(r->payload->number, "ITK-COC-2026-000123");
	ck_assert_str_eq(r->payload->issuer, BODY);
	sceau_pdf_report_free(r);
}
END_TEST

START_TEST(test_signed_halal_is_valid)
{
	size_t len;
	unsigned char *pdf = make(both, halal_rec, NULL, 1, &len);

	expect(pdf, len, SCEAU_VERDICT_VALID, "halal certificate IMANOR-HAL-2026-000042");
	free(pdf);
}
END_TEST

START_TEST(test_signed_pdf_starts_with_the_unsigned_render)
{
	size_t len;
	unsigned char *plain = make(both, coc_rec, NULL, 0, &len);

	/* the signature is an incremental update: the render is kept whole
	 * (its QR text differs per signing: compare up to the QR) */
	ck_assert_uint_gt(coc_len, len);
	ck_assert_ptr_nonnull(find_first(coc, coc_len, "/SigFlags 3"));
	ck_assert_ptr_null(find_first(plain, len, "/SigFlags"));
	ck_assert_int_eq(memcmp(coc, plain, 200), 0);
	free(plain);
}
END_TEST

/* ---- each verdict ------------------------------------------------------- */

START_TEST(test_unsigned_pdf_is_invalid)
{
	size_t len;
	unsigned char *pdf = make(both, coc_rec, NULL, 0, &len);

	expect(pdf, len, SCEAU_VERDICT_INVALID, "not signed");
	free(pdf);
}
END_TEST

START_TEST(test_revoked_signer_is_revoked)
{
	size_t len;
	unsigned char *pdf = make(revoked, coc_rec, NULL, 1, &len);

	expect(pdf, len, SCEAU_VERDICT_REVOKED, "revoked");
	free(pdf);
}
END_TEST

START_TEST(test_signer_expired_at_signing_time_is_expired)
{
	size_t len;
	unsigned char *pdf = make(expired, coc_rec, NULL, 1, &len);

	expect(pdf, len, SCEAU_VERDICT_EXPIRED, "expired");
	free(pdf);
}
END_TEST

START_TEST(test_coc_only_signer_on_a_halal_certificate_is_untrusted)
{
	size_t len;
	unsigned char *pdf = make(coconly, halal_rec, NULL, 1, &len);

	expect(pdf, len, SCEAU_VERDICT_UNTRUSTED, "not authorised for programme 'halal'");
	free(pdf);
}
END_TEST

START_TEST(test_signer_under_another_root_is_untrusted)
{
	struct sceau_error err = {0};
	struct sceau_trust *other = NULL;
	struct sceau_pdf_report *r;
	char *dir = tu_path(tmp, "other-root"), *crt;
	X509 *x;

	tu_make_root(dir, "Autre racine", 3650, t_sign - 86400 * 30);
	crt = tu_path(dir, "root.crt");
	x = tu_load_cert(crt);
	ck_assert_int_eq(sceau_trust_new(&other, &err), SCEAU_OK);
	ck_assert_int_eq(sceau_trust_add_cert(other, x, &err), SCEAU_OK);
	r = judge_with(other, coc, coc_len, t_at);
	ck_assert_msg(r->verdict.code == SCEAU_VERDICT_UNTRUSTED, "%s", r->verdict.reason);
	/* the signature itself is still reported as intact */
	ck_assert(r->sigs[0].intact && r->sigs[0].whole);
	sceau_pdf_report_free(r);
	sceau_trust_free(other);
	X509_free(x);
	free(crt);
	free(dir);
}
END_TEST

START_TEST(test_certificate_past_its_expiry_is_expired)
{
	struct sceau_error err = {0};
	struct sceau_pdf_report *r;
	time_t later = 0;

	ck_assert_int_eq(sceau_time_parse("2027-06-01T00:00:00Z", &later, &err), SCEAU_OK);
	r = judge_with(trust, coc, coc_len, later);
	ck_assert_msg(r->verdict.code == SCEAU_VERDICT_EXPIRED, "%s", r->verdict.reason);
	sceau_pdf_report_free(r);
}
END_TEST

START_TEST(test_signed_after_the_time_of_verification_is_not_yet_valid)
{
	struct sceau_pdf_report *r = judge_with(trust, coc, coc_len, t_sign - 86400);

	ck_assert_msg(r->verdict.code == SCEAU_VERDICT_NOT_YET_VALID, "%s", r->verdict.reason);
	sceau_pdf_report_free(r);
}
END_TEST

/* ---- the payload must belong to the document ------------------------------ */

START_TEST(test_payload_of_another_certificate_is_invalid)
{
	struct sceau_record *other = renumbered("coc", "ITK-COC-2026-000999");
	char *qr = qr_for(both, other);
	size_t len;
	unsigned char *pdf = make(both, coc_rec, qr, 1, &len);

	expect(pdf, len, SCEAU_VERDICT_INVALID, "number");
	free(pdf);
	free(qr);
	sceau_record_free(other);
}
END_TEST

START_TEST(test_payload_of_another_body_is_invalid)
{
	char *qr = qr_for(coconly, coc_rec);
	size_t len;
	unsigned char *pdf = make(both, coc_rec, qr, 1, &len);

	expect(pdf, len, SCEAU_VERDICT_INVALID, "the QR payload is signed by");
	free(pdf);
	free(qr);
}
END_TEST

START_TEST(test_record_that_disagrees_with_the_payload_digest_is_invalid)
{
	/* same number, another importer: only the digest tells */
	struct sceau_error err = {0};
	struct sceau_record *other = NULL;
	char path[512], *text, *qr;
	size_t len;
	unsigned char *pdf;
	json_t *j;

	snprintf(path, sizeof(path), "%s/coc.json", SCEAU_EXAMPLES);
	j = json_load_file(path, 0, NULL);
	json_object_set_new(json_object_get(j, "importer"), "name", json_string("Autre SARL"));
	text = json_dumps(j, 0);
	ck_assert_msg(sceau_record_parse(text, strlen(text), &other, &err) == SCEAU_OK, "%s",
		      err.msg);
	qr = qr_for(both, coc_rec);
	pdf = make(both, other, qr, 1, &len);
	expect(pdf, len, SCEAU_VERDICT_INVALID, "digest");
	free(pdf);
	free(qr);
	free(text);
	json_decref(j);
	sceau_record_free(other);
}
END_TEST

/* ---- incremental saving attacks ------------------------------------------ */

START_TEST(test_update_replacing_the_page_content_is_modified)
{
	struct update u = {0};
	size_t len;
	int page;
	char *dict = page_one(coc, coc_len, &page), num[32], ref[32];
	const char *content = "BT /F1 24 Tf 100 700 Td (CERTIFICAT CONFORME) Tj ET";
	long long size = last_int(coc, coc_len, "/Size ");
	unsigned char *pdf;
	struct sceau_pdf_report *r;
	char *stream = malloc(256);
	const char *c = strstr(dict, "/Contents ");

	ck_assert_ptr_nonnull(c);
	snprintf(stream, 256, "<< /Length %zu >>\nstream\n%s\nendstream", strlen(content), content);
	/* the page's /Contents now points to the new stream */
	snprintf(num, sizeof(num), "%.*s", (int)strcspn(c + 10, "R") + 1, c + 10);
	snprintf(ref, sizeof(ref), "%lld 0 R", size);
	u.ids[0] = (int)size;
	u.objs[0] = stream;
	u.ids[1] = page;
	u.objs[1] = replace(dict, num, ref);
	u.n = 2;
	pdf = append_update(coc, coc_len, &u, &len);
	assert_qpdf_reads(pdf, len);
	r = judge(pdf, len);
	ck_assert_msg(r->verdict.code == SCEAU_VERDICT_MODIFIED, "%s", r->verdict.reason);
	ck_assert_uint_eq(r->sigs[0].bytes_after, len - coc_len);
	ck_assert(r->sigs[0].intact && !r->sigs[0].whole);
	{
		char words[64];
		snprintf(words, sizeof(words), "%zu bytes were added", len - coc_len);
		ck_assert_msg(strstr(r->verdict.reason, words), "%s", r->verdict.reason);
	}
	sceau_pdf_report_free(r);
	free(pdf);
	free(u.objs[1]);
	free(stream);
	free(dict);
}
END_TEST

START_TEST(test_update_adding_an_annotation_is_modified)
{
	struct update u = {0};
	size_t len;
	int page;
	char *dict = page_one(coc, coc_len, &page), annot[256], with[64];
	long long size = last_int(coc, coc_len, "/Size ");
	unsigned char *pdf;

	snprintf(annot, sizeof(annot),
		 "<< /Type /Annot /Subtype /FreeText /Rect [50 50 400 120] /Contents "
		 "(Valable jusqu'en 2030) /DA (/Helv 18 Tf 0 g) /P %d 0 R >>",
		 page);
	snprintf(with, sizeof(with), "/Annots [ %lld 0 R ", size);
	u.ids[0] = (int)size;
	u.objs[0] = annot;
	u.ids[1] = page;
	u.objs[1] = replace(dict, "/Annots [ ", with);
	u.n = 2;
	pdf = append_update(coc, coc_len, &u, &len);
	assert_qpdf_reads(pdf, len);
	expect(pdf, len, SCEAU_VERDICT_MODIFIED, "added after the signed revision");
	free(pdf);
	free(u.objs[1]);
	free(dict);
}
END_TEST

START_TEST(test_harmless_looking_bytes_after_the_signature_are_modified)
{
	size_t len = coc_len + 1;
	unsigned char *pdf = malloc(len);

	memcpy(pdf, coc, coc_len);
	pdf[coc_len] = '\n';
	expect(pdf, len, SCEAU_VERDICT_MODIFIED, "1 byte was added");
	free(pdf);
}
END_TEST

/* A new revision rewrites the signature dictionary: its /ByteRange now
 * covers the whole new file, its /Contents is the old signature. */
START_TEST(test_second_revision_with_new_contents_is_not_valid)
{
	size_t at, k, len;
	long long br[4];
	struct update u = {0};
	unsigned char *pdf;
	char *obj;
	struct sceau_pdf_report *r;

	byterange(coc, coc_len, &at, &k, br);
	{
		size_t a = (size_t)br[1], c = (size_t)br[2], hex = c - a;
		/* layout: fixed-width numbers, so offsets are known beforehand */
		size_t objlen = hex + 512;
		obj = malloc(objlen);
		snprintf(obj, objlen,
			 "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter "
			 "/ETSI.CAdES.detached /M (D:20261124100000Z) /ByteRange [0 "
			 "0000000000 0000000000 0000000000] /Contents %.*s >>",
			 (int)hex, (const char *)coc + a);
		u.ids[0] = sig_object(coc, coc_len);
		u.objs[0] = obj;
		u.n = 1;
		pdf = append_update(coc, coc_len, &u, &len);
		/* now fill the numbers in place */
		{
			const unsigned char *gap = find_last(pdf, len, "/Contents <");
			size_t na = (size_t)(gap - pdf) + strlen("/Contents ");
			size_t nc = na + hex;
			const unsigned char *brp = find_last(pdf, len, "/ByteRange [0 ");
			char nums[64];
			snprintf(nums, sizeof(nums), "%010zu %010zu %010zu", na, nc, len - nc);
			memcpy(pdf + (brp - pdf) + strlen("/ByteRange [0 "), nums, strlen(nums));
		}
	}
	assert_qpdf_reads(pdf, len);
	r = judge(pdf, len);
	ck_assert_msg(r->verdict.code != SCEAU_VERDICT_VALID, "%s", r->verdict.reason);
	/* the new dictionary covers the file, but the old signature does not
	 * sign these bytes */
	ck_assert(!r->sigs[0].intact);
	sceau_pdf_report_free(r);
	free(pdf);
	free(obj);
}
END_TEST

START_TEST(test_second_signature_dictionary_appended_is_not_valid)
{
	size_t at, k, len;
	long long br[4];
	struct update u = {0};
	unsigned char *pdf;
	long long size = last_int(coc, coc_len, "/Size "), root = last_int(coc, coc_len, "/Root ");
	char opt[64], *cat, *cat2, field[256], with[64], *sig;
	struct sceau_pdf_report *r;

	byterange(coc, coc_len, &at, &k, br);
	snprintf(opt, sizeof(opt), "--show-object=%lld", root);
	cat = qpdf_out(coc, coc_len, opt, NULL);
	cat[strcspn(cat, "\n")] = 0;
	snprintf(with, sizeof(with), "/Fields [ %lld 0 R ", size + 1);
	cat2 = replace(cat, "/Fields [ ", with);
	snprintf(field, sizeof(field),
		 "<< /FT /Sig /T (Signature2) /V %lld 0 R /Type /Annot /Subtype /Widget /Rect [0 "
		 "0 0 0] /F 132 >>",
		 size);
	sig = malloc((size_t)(br[2] - br[1]) + 512);
	snprintf(sig, (size_t)(br[2] - br[1]) + 512,
		 "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /ByteRange "
		 "[0 %lld %lld %lld] /Contents %.*s >>",
		 br[1], br[2], br[3], (int)(br[2] - br[1]), (const char *)coc + br[1]);
	u.ids[0] = (int)size;
	u.objs[0] = sig;
	u.ids[1] = (int)size + 1;
	u.objs[1] = field;
	u.ids[2] = (int)root;
	u.objs[2] = cat2;
	u.n = 3;
	pdf = append_update(coc, coc_len, &u, &len);
	assert_qpdf_reads(pdf, len);
	r = judge(pdf, len);
	ck_assert_msg(r->verdict.code != SCEAU_VERDICT_VALID, "%s", r->verdict.reason);
	ck_assert_uint_eq(r->nsigs, 2);
	/* the new field comes first in /Fields. The copied dictionary points
	 * at the first signature's gap, not at its own /Contents; the first
	 * signature no longer reaches the end of the file. */
	ck_assert_int_eq(r->sigs[0].verdict.code, SCEAU_VERDICT_INVALID);
	ck_assert_msg(strstr(r->sigs[0].verdict.reason, "is not this signature's /Contents"), "%s",
		      r->sigs[0].verdict.reason);
	ck_assert_int_eq(r->sigs[1].verdict.code, SCEAU_VERDICT_MODIFIED);
	sceau_pdf_report_free(r);
	free(pdf);
	free(sig);
	free(cat);
	free(cat2);
}
END_TEST

/* ---- the signed bytes themselves --------------------------------------- */

START_TEST(test_one_byte_flipped_in_the_signed_range_is_modified)
{
	size_t at, k;
	long long br[4];
	unsigned char *pdf;

	byterange(coc, coc_len, &at, &k, br);
	/* a byte inside the first range and a byte inside the second */
	pdf = dup_bytes(coc, coc_len);
	pdf[br[1] / 2] ^= 0x01;
	expect(pdf, coc_len, SCEAU_VERDICT_MODIFIED, "changed after signing");
	free(pdf);
	pdf = dup_bytes(coc, coc_len);
	pdf[br[2] + br[3] / 2] ^= 0x20;
	expect_not_valid(pdf, coc_len);
	free(pdf);
}
END_TEST

START_TEST(test_rewriting_the_byterange_to_itself_stays_valid)
{
	/* control for the tests below: the rewriting helper alone breaks
	 * nothing */
	size_t at, k;
	long long br[4];
	unsigned char *pdf;

	byterange(coc, coc_len, &at, &k, br);
	pdf = with_byterange(br[0], br[1], br[2], br[3]);
	expect(pdf, coc_len, SCEAU_VERDICT_VALID, NULL);
	free(pdf);
}
END_TEST

START_TEST(test_byterange_not_starting_at_zero_is_invalid)
{
	size_t at, k;
	long long br[4];
	unsigned char *pdf;

	byterange(coc, coc_len, &at, &k, br);
	pdf = with_byterange(1, br[1] - 1, br[2], br[3]);
	expect(pdf, coc_len, SCEAU_VERDICT_INVALID, "not 0");
	free(pdf);
}
END_TEST

START_TEST(test_byterange_not_reaching_the_end_is_not_valid)
{
	size_t at, k;
	long long br[4];
	unsigned char *pdf;

	byterange(coc, coc_len, &at, &k, br);
	pdf = with_byterange(0, br[1], br[2], br[3] - 100);
	expect_not_valid(pdf, coc_len);
	free(pdf);
	pdf = with_byterange(0, br[1], br[2], br[3] + 100);
	expect(pdf, coc_len, SCEAU_VERDICT_INVALID, "does not fit the file");
	free(pdf);
}
END_TEST

START_TEST(test_byterange_gap_that_is_not_its_contents_is_invalid)
{
	size_t at, k;
	long long br[4];
	unsigned char *pdf;

	byterange(coc, coc_len, &at, &k, br);
	/* the gap shifted, widened, narrowed */
	pdf = with_byterange(0, br[1] - 2, br[2] - 2, br[3] + 2);
	expect(pdf, coc_len, SCEAU_VERDICT_INVALID, "is not this signature's /Contents");
	free(pdf);
	pdf = with_byterange(0, br[1] - 10, br[2], br[3]);
	expect(pdf, coc_len, SCEAU_VERDICT_INVALID, "is not this signature's /Contents");
	free(pdf);
	pdf = with_byterange(0, br[1] + 2, br[2] - 2, br[3] + 2);
	expect(pdf, coc_len, SCEAU_VERDICT_INVALID, "is not this signature's /Contents");
	free(pdf);
}
END_TEST

START_TEST(test_byterange_of_other_shapes_is_invalid)
{
	size_t at, k;
	long long br[4];
	unsigned char *pdf;

	byterange(coc, coc_len, &at, &k, br);
	pdf = patch(coc, coc_len, at, k, "null");
	expect(pdf, coc_len, SCEAU_VERDICT_INVALID, "/ByteRange");
	free(pdf);
	pdf = patch(coc, coc_len, at, k, "[0 1 2]");
	expect(pdf, coc_len, SCEAU_VERDICT_INVALID, "four integers");
	free(pdf);
	pdf = patch(coc, coc_len, at, k, "[0 1.5 2 3]");
	expect(pdf, coc_len, SCEAU_VERDICT_INVALID, "four integers");
	free(pdf);
	pdf = patch(coc, coc_len, at, k, "[]");
	expect(pdf, coc_len, SCEAU_VERDICT_INVALID, "four integers");
	free(pdf);
	/* a missing key: renamed in place */
	pdf = dup_bytes(coc, coc_len);
	memcpy(pdf + (find_last(pdf, coc_len, "/ByteRange") - pdf), "/ByteRangX", 10);
	expect(pdf, coc_len, SCEAU_VERDICT_INVALID, "no /ByteRange");
	free(pdf);
}
END_TEST

START_TEST(test_empty_null_or_missing_contents_is_invalid)
{
	size_t at, k;
	long long br[4];
	unsigned char *pdf;
	size_t a, gap;

	byterange(coc, coc_len, &at, &k, br);
	a = (size_t)br[1];
	gap = (size_t)(br[2] - br[1]);
	pdf = patch(coc, coc_len, a, gap, "<>");
	expect(pdf, coc_len, SCEAU_VERDICT_INVALID, "empty");
	free(pdf);
	/* a null value is the same as no key (PDF 32000-1, 7.3.9) */
	pdf = patch(coc, coc_len, a, gap, "null");
	expect(pdf, coc_len, SCEAU_VERDICT_INVALID, "no /Contents");
	free(pdf);
	pdf = patch(coc, coc_len, a, gap, "/Name");
	expect(pdf, coc_len, SCEAU_VERDICT_INVALID, "not a string");
	free(pdf);
	/* zeros of the same length: a string, but no CMS */
	pdf = dup_bytes(coc, coc_len);
	memset(pdf + a + 1, '0', gap - 2);
	expect(pdf, coc_len, SCEAU_VERDICT_INVALID, "not a CMS");
	free(pdf);
	pdf = dup_bytes(coc, coc_len);
	memcpy(pdf + (find_last(pdf, coc_len, "/Contents <") - pdf), "/Contentz", 9);
	expect(pdf, coc_len, SCEAU_VERDICT_INVALID, "no /Contents");
	free(pdf);
}
END_TEST

/* ---- files that are not signed certificates ------------------------------- */

START_TEST(test_truncated_files_are_invalid)
{
	expect(coc, coc_len / 2, SCEAU_VERDICT_INVALID, NULL);
	expect(coc, coc_len - 20, SCEAU_VERDICT_INVALID, NULL);
	expect(coc, 8, SCEAU_VERDICT_INVALID, NULL);
}
END_TEST

START_TEST(test_empty_and_non_pdf_input_is_invalid)
{
	expect("", 0, SCEAU_VERDICT_INVALID, "empty");
	expect("hello, world\n", 13, SCEAU_VERDICT_INVALID, "not a PDF");
	expect("\x89PNG\r\n\x1a\n", 8, SCEAU_VERDICT_INVALID, "not a PDF");
	/* a prefix before the header (a polyglot) is outside every signature */
	{
		unsigned char *p = malloc(coc_len + 5);
		memcpy(p, "JUNK\n", 5);
		memcpy(p + 5, coc, coc_len);
		expect(p, coc_len + 5, SCEAU_VERDICT_INVALID, "not a PDF");
		free(p);
	}
}
END_TEST

START_TEST(test_broken_xref_is_invalid)
{
	unsigned char *pdf = dup_bytes(coc, coc_len);
	unsigned char *x = (unsigned char *)find_first(pdf, coc_len, "\nxref");

	ck_assert_ptr_nonnull(x);
	memcpy(x, "\nxrex", 5);
	expect(pdf, coc_len, SCEAU_VERDICT_INVALID, NULL);
	free(pdf);
}
END_TEST

/* A PDF built from objects, with a correct xref table. */
static unsigned char *build_pdf(char **objs, size_t n, size_t *out_len)
{
	size_t cap = 4096, len = 0, *off = calloc(n + 1, sizeof(size_t));
	unsigned char *out = malloc(cap);
	size_t xref;

	for (size_t i = 0; i < n; i++)
		cap += strlen(objs[i]) + 64;
	cap += 20 * (n + 1);
	out = realloc(out, cap);
#define PUT(...) (len += (size_t)snprintf((char *)out + len, cap - len, __VA_ARGS__))
	PUT("%%PDF-1.7\n");
	for (size_t i = 0; i < n; i++) {
		off[i] = len;
		PUT("%zu 0 obj\n%s\nendobj\n", i + 1, objs[i]);
	}
	xref = len;
	PUT("xref\n0 %zu\n0000000000 65535 f\r\n", n + 1);
	for (size_t i = 0; i < n; i++)
		PUT("%010zu 00000 n\r\n", off[i]);
	PUT("trailer\n<< /Size %zu /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", n + 1, xref);
#undef PUT
	ck_assert(len < cap);
	free(off);
	*out_len = len;
	return out;
}

START_TEST(test_a_thousand_signature_fields_are_refused_in_bounded_time)
{
	const size_t nf = 1000;
	char **objs = calloc(nf + 3, sizeof(char *));
	size_t fields_cap = nf * 12 + 64, len;
	char *fields = malloc(fields_cap);
	size_t fl = 0;
	unsigned char *pdf;

	fl += (size_t)snprintf(fields + fl, fields_cap - fl, "[");
	for (size_t i = 0; i < nf; i++)
		fl += (size_t)snprintf(fields + fl, fields_cap - fl, " %zu 0 R", i + 4);
	snprintf(fields + fl, fields_cap - fl, " ]");
	objs[0] = malloc(fields_cap + 128);
	snprintf(objs[0], fields_cap + 128,
		 "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields %s /SigFlags 3 >> >>",
		 fields);
	objs[1] = strdup("<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
	objs[2] = strdup("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>");
	for (size_t i = 0; i < nf; i++) {
		objs[i + 3] = malloc(160);
		snprintf(objs[i + 3], 160,
			 "<< /FT /Sig /T (S%zu) /V << /Type /Sig /ByteRange [0 1 2 3] /Contents "
			 "<00> >> >>",
			 i);
	}
	pdf = build_pdf(objs, nf + 3, &len);
	expect(pdf, len, SCEAU_VERDICT_INVALID, "1000 signature fields");
	for (size_t i = 0; i < nf + 3; i++)
		free(objs[i]);
	free(objs);
	free(fields);
	free(pdf);
}
END_TEST

START_TEST(test_deep_nesting_is_refused_without_crash)
{
	const size_t depth = 100000;
	char *deep = malloc(2 * depth + 64), *objs[4];
	size_t len;
	unsigned char *pdf;

	memset(deep, '[', depth);
	memset(deep + depth, ']', depth);
	deep[2 * depth] = 0;
	objs[0] = "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R] >> >>";
	objs[1] = "<< /Type /Pages /Kids [3 0 R] /Count 1 >>";
	objs[2] = "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>";
	objs[3] = deep;
	pdf = build_pdf(objs, 4, &len);
	expect_not_valid(pdf, len);
	free(pdf);
	free(deep);
}
END_TEST

START_TEST(test_unreadable_files_are_errors_not_verdicts)
{
	struct sceau_error err = {0};
	struct sceau_pdf_report *r = NULL;
	char *big = tu_path(tmp, "big.pdf"), *missing = tu_path(tmp, "missing.pdf");
	FILE *f = fopen(big, "w");

	/* 100 MB, sparse */
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(ftruncate(fileno(f), (off_t)100 << 20), 0);
	fclose(f);
	ck_assert_int_ne(sceau_pdf_verify_file(big, trust, t_at, &r, &err), SCEAU_OK);
	ck_assert_ptr_null(r);
	ck_assert_msg(strstr(err.msg, "larger than"), "%s", err.msg);
	ck_assert_int_eq(sceau_pdf_verify_file(missing, trust, t_at, &r, &err),
			 SCEAU_ERR_NOT_FOUND);
	ck_assert_int_ne(sceau_pdf_verify_file(tmp, trust, t_at, &r, &err), SCEAU_OK);
	ck_assert_msg(strstr(err.msg, "directory"), "%s", err.msg);
	unlink(big);
	free(big);
	free(missing);
}
END_TEST

/* ---- the command line --------------------------------------------------- */

static void copy(const char *from, const char *to)
{
	size_t n;
	char *b = tu_read(from, &n);

	ck_assert_ptr_nonnull(b);
	tu_write(to, b, n);
	free(b);
}

START_TEST(test_cli_verifies_several_pdfs_one_result_each)
{
	char *dir = tu_path(tmp, "cli"), *trust_dir = tu_path(dir, "trust"),
	     *a = tu_path(dir, "a.pdf"), *b = tu_path(dir, "b.pdf"),
	     *missing = tu_path(dir, "missing.pdf");
	struct tu_proc pr;
	size_t lines = 0;

	ck_assert_int_eq(mkdir(dir, 0700), 0);
	ck_assert_int_eq(mkdir(trust_dir, 0700), 0);
	{
		char *to = tu_path(trust_dir, "root.crt"), *from = tu_path(root_dir, "root.crt");
		copy(from, to);
		free(to);
		free(from);
		to = tu_path(trust_dir, "root.crl");
		from = tu_path(root_dir, "crl.pem");
		copy(from, to);
		free(to);
		free(from);
		/* the QR payload's signer is found by kid among these */
		to = tu_path(trust_dir, "body.crt");
		from = tu_path(tmp, "both/signer.crt");
		copy(from, to);
		free(to);
		free(from);
	}
	tu_write(a, (const char *)coc, coc_len);
	{
		char *m = malloc(coc_len + 1);
		memcpy(m, coc, coc_len);
		m[coc_len] = '\n';
		tu_write(b, m, coc_len + 1);
		free(m);
	}
	{
		const char *argv[] = {SCEAU_BIN, "verify", "--trust", trust_dir,
				      "--at",    AT_TIME,  a,         NULL};
		tu_run(&pr, NULL, NULL, argv);
		ck_assert_msg(pr.status == 0, "%s%s", pr.out, pr.err);
		ck_assert_ptr_nonnull(strstr(pr.out, ": VALID"));
		ck_assert_ptr_nonnull(strstr(pr.out, "PAdES baseline B-B"));
		tu_proc_free(&pr);
	}
	{
		const char *argv[] = {SCEAU_BIN, "verify", "--trust", trust_dir, "--at",
				      AT_TIME,   "--json", a,         b,         NULL};
		tu_run(&pr, NULL, NULL, argv);
		ck_assert_int_eq(pr.status, 1);
		for (char *c = pr.out; *c; c++)
			lines += *c == '\n';
		ck_assert_uint_eq(lines, 2);
		ck_assert_ptr_nonnull(strstr(pr.out, "\"verdict\":\"valid\""));
		ck_assert_ptr_nonnull(strstr(pr.out, "\"verdict\":\"modified\""));
		ck_assert_ptr_nonnull(strstr(pr.out, "\"bytes_after\":1"));
		tu_proc_free(&pr);
	}
	{
		const char *argv[] = {SCEAU_BIN, "verify", "--trust", trust_dir, a, missing, NULL};
		tu_run(&pr, NULL, NULL, argv);
		ck_assert_int_eq(pr.status, 2);
		ck_assert_ptr_nonnull(strstr(pr.err, "missing.pdf"));
		ck_assert_ptr_nonnull(strstr(pr.out, "unreadable"));
		tu_proc_free(&pr);
	}
	{
		const char *argv[] = {SCEAU_BIN, "verify", "--trust", trust_dir,
				      "--qr",    "x",      a,         NULL};
		tu_run(&pr, NULL, NULL, argv);
		ck_assert_int_eq(pr.status, 2);
		tu_proc_free(&pr);
	}
	free(dir);
	free(trust_dir);
	free(a);
	free(b);
	free(missing);
}
END_TEST

TU_MAIN_ONCE(
	"verify", setup, teardown, NULL, NULL, test_signed_coc_is_valid_with_a_full_report,
	test_signed_halal_is_valid, test_signed_pdf_starts_with_the_unsigned_render,
	test_unsigned_pdf_is_invalid, test_revoked_signer_is_revoked,
	test_signer_expired_at_signing_time_is_expired,
	test_coc_only_signer_on_a_halal_certificate_is_untrusted,
	test_signer_under_another_root_is_untrusted, test_certificate_past_its_expiry_is_expired,
	test_signed_after_the_time_of_verification_is_not_yet_valid,
	test_payload_of_another_certificate_is_invalid, test_payload_of_another_body_is_invalid,
	test_record_that_disagrees_with_the_payload_digest_is_invalid,
	test_update_replacing_the_page_content_is_modified,
	test_update_adding_an_annotation_is_modified,
	test_harmless_looking_bytes_after_the_signature_are_modified,
	test_second_revision_with_new_contents_is_not_valid,
	test_second_signature_dictionary_appended_is_not_valid,
	test_one_byte_flipped_in_the_signed_range_is_modified,
	test_rewriting_the_byterange_to_itself_stays_valid,
	test_byterange_not_starting_at_zero_is_invalid,
	test_byterange_not_reaching_the_end_is_not_valid,
	test_byterange_gap_that_is_not_its_contents_is_invalid,
	test_byterange_of_other_shapes_is_invalid, test_empty_null_or_missing_contents_is_invalid,
	test_truncated_files_are_invalid, test_empty_and_non_pdf_input_is_invalid,
	test_broken_xref_is_invalid, test_a_thousand_signature_fields_are_refused_in_bounded_time,
	test_deep_nesting_is_refused_without_crash, test_unreadable_files_are_errors_not_verdicts,
	test_cli_verifies_several_pdfs_one_result_each)
