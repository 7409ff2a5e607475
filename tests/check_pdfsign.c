/* sceau tests — PAdES certification signatures (part: pdfsign), checked
 * with the tools a PDF's readers use: qpdf for the structure, OpenSSL for
 * the CMS, poppler's pdfsig (with the root in a fresh NSS database) and
 * MuPDF for the signature as a whole.
 *
 * One PKI (root and signer, made with the library at fixed times) and the
 * example CoC, rendered and signed, are made once per process in an
 * unchecked fixture; every test works in its own directory. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/cms.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "testutil.h"

#define TIME     "2026-11-24T10:00:00Z" /* the document's issuing and signing time */
#define PKI_TIME "2026-11-01T00:00:00Z" /* when the root and signer were made */
#define BODY     "Organisme de Contrôle Test"

/* Made once per process (tmp holds root/, signer/, nss/, nss-empty/,
 * coc.pdf, signed.pdf), read by every test. */
static char *tmp;
static char *root_crt;         /* the root certificate (PEM) */
static char *nss, *nss_empty;  /* "sql:DIR": with the root trusted, empty */
static X509 *cert, *root;      /* the signer's certificate, the root's */
static EVP_PKEY *key;          /* the signer's key */
static STACK_OF(X509) * chain; /* the root */
static unsigned char *orig;    /* the rendered CoC */
static size_t orig_len;
static unsigned char *signed_; /* the same, signed at TIME */
static size_t signed_len;
static time_t when;
/* A private directory for each test, inside tmp. */
static char *work;

/* ---- helpers ------------------------------------------------------------ */

static int has(const char *hay, const char *needle)
{
	return hay && strstr(hay, needle) != NULL;
}

static void run(struct tu_proc *p, const char *const *argv)
{
	const char *env[] = {"TZ=UTC", "LC_ALL=C", NULL};

	tu_run(p, work ? work : tmp, env, argv);
}
#define RUN(p, ...) run((p), (const char *const[]){__VA_ARGS__, NULL})

/* dir/name written with data; returns the path (caller frees). */
static char *put_file(const char *dir, const char *name, const void *data, size_t len)
{
	char *path = tu_path(dir, name);

	tu_write(path, data, len);
	return path;
}

static const unsigned char *find(const unsigned char *buf, size_t len, const char *s)
{
	return memmem(buf, len, s, strlen(s));
}

/* Parse the decimal at p (at most 10 digits); *end after it. */
static size_t number(const unsigned char *p, const unsigned char **end)
{
	size_t v = 0;
	int n = 0;

	for (; *p >= '0' && *p <= '9'; p++, n++)
		v = v * 10 + (size_t)(*p - '0');
	ck_assert_int_gt(n, 0);
	ck_assert_int_le(n, 10);
	if (end)
		*end = p;
	return v;
}

/* The four /ByteRange integers of the last signature dictionary. */
static void byterange(const unsigned char *pdf, size_t len, size_t r[4])
{
	const unsigned char *p = NULL, *s = pdf;

	while ((s = find(s, len - (size_t)(s - pdf), "/ByteRange [")) != NULL)
		p = s++;
	ck_assert_ptr_nonnull(p);
	p += strlen("/ByteRange [");
	for (int i = 0; i < 4; i++) {
		r[i] = number(p, &p);
		ck_assert(*p == (i < 3 ? ' ' : ']'));
		p++;
	}
}

/* Write the signed ranges and the /Contents DER of pdf into work;
 * *ranges and *der are their paths (caller frees). */
static int hexval(unsigned char c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
				      : -1;
}

static void split(const unsigned char *pdf, size_t len, char **ranges, char **der)
{
	size_t r[4], n;
	unsigned char *bin, *cat;

	byterange(pdf, len, r);
	ck_assert_uint_eq(r[0], 0);
	ck_assert_uint_eq(r[2] + r[3], len);
	ck_assert(pdf[r[1]] == '<' && pdf[r[2] - 1] == '>');
	n = (r[2] - r[1] - 2) / 2;
	bin = malloc(n);
	cat = malloc(r[1] + r[3]);
	ck_assert(bin && cat);
	/* By hand: sscanf would take the strlen of the rest of the PDF, which
	 * has no NUL (valgrind saw it read past the end). */
	for (size_t i = 0; i < n; i++) {
		int hi = hexval(pdf[r[1] + 1 + 2 * i]), lo = hexval(pdf[r[1] + 2 + 2 * i]);
		ck_assert(hi >= 0 && lo >= 0);
		bin[i] = (unsigned char)(hi << 4 | lo);
	}
	memcpy(cat, pdf, r[1]);
	memcpy(cat + r[1], pdf + r[2], r[3]);
	*ranges = put_file(work, "ranges.bin", cat, r[1] + r[3]);
	*der = put_file(work, "contents.der", bin, n);
	free(bin);
	free(cat);
}

/* `openssl cms -verify` of pdf's signature against `ca`; its exit code. */
static int openssl_verify(const unsigned char *pdf, size_t len, const char *ca)
{
	struct tu_proc p;
	char *ranges, *der;
	int status;

	split(pdf, len, &ranges, &der);
	RUN(&p, "openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", der, "-content",
	    ranges, "-CAfile", ca, "-purpose", "any", "-out", "/dev/null");
	status = p.status;
	if (status == 0)
		ck_assert_msg(has(p.err, "Verification successful"), "%s", p.err);
	tu_proc_free(&p);
	free(ranges);
	free(der);
	return status;
}

/* pdfsig's report of pdf (written into work) against NSS database `db`. */
static char *pdfsig(const unsigned char *pdf, size_t len, const char *db)
{
	struct tu_proc p;
	char *path = put_file(work, "pdfsig.pdf", pdf, len), *out;

	RUN(&p, "pdfsig", "-nssdir", db, path);
	out = p.out;
	p.out = NULL;
	tu_proc_free(&p);
	free(path);
	return out;
}

static char *mutool_verify(const unsigned char *pdf, size_t len)
{
	struct tu_proc p;
	char *path = put_file(work, "mutool.pdf", pdf, len), *out;

	RUN(&p, "mutool", "sign", "-v", path);
	ck_assert_msg(p.status == 0, "mutool: %s", p.err);
	out = p.out;
	p.out = NULL;
	tu_proc_free(&p);
	free(path);
	return out;
}

static char *qpdf_show(const unsigned char *pdf, size_t len, const char *what)
{
	struct tu_proc p;
	char *path = put_file(work, "show.pdf", pdf, len), *out, arg[64];

	snprintf(arg, sizeof(arg), "--show-object=%s", what);
	RUN(&p, "qpdf", arg, path);
	ck_assert_msg(p.status == 0, "qpdf: %s", p.err);
	out = p.out;
	p.out = NULL;
	tu_proc_free(&p);
	free(path);
	return out;
}

static void assert_qpdf_check(const unsigned char *pdf, size_t len)
{
	struct tu_proc p;
	char *path = put_file(work, "check.pdf", pdf, len);

	RUN(&p, "qpdf", "--check", path);
	ck_assert_msg(p.status == 0, "qpdf --check: %s%s", p.out, p.err);
	ck_assert(has(p.out, "No syntax or stream encoding errors found"));
	tu_proc_free(&p);
	free(path);
}

static unsigned char *sign_ok(const unsigned char *pdf, size_t len, size_t *out_len)
{
	struct sceau_error err = {0};
	unsigned char *out = NULL;

	ck_assert_msg(sceau_pdf_sign(pdf, len, cert, chain, key, when, &out, out_len, &err) ==
			      SCEAU_OK,
		      "%s", err.msg);
	ck_assert_uint_gt(*out_len, len);
	ck_assert_int_eq(memcmp(out, pdf, len), 0);
	return out;
}

/* sceau_pdf_sign must fail with `want`, its message holding `reason`,
 * and give no output. */
static void refuse(const unsigned char *pdf, size_t len, X509 *c, EVP_PKEY *k, enum sceau_err want,
		   const char *reason)
{
	struct sceau_error err = {0};
	unsigned char *out = (unsigned char *)"sentinel";
	size_t out_len = 99;

	ck_assert_int_eq(sceau_pdf_sign(pdf, len, c, chain, k, when, &out, &out_len, &err), want);
	ck_assert_ptr_null(out);
	ck_assert_uint_eq(out_len, 0);
	ck_assert_msg(has(err.msg, reason), "message '%s' lacks '%s'", err.msg, reason);
}

/* The trailer's /Size of pdf's last revision. */
static long trailer_size(const unsigned char *pdf, size_t len)
{
	const unsigned char *t = NULL, *p = pdf;

	while ((p = find(p, len - (size_t)(p - pdf), "trailer")) != NULL)
		t = p++;
	ck_assert_ptr_nonnull(t);
	t = find(t, len - (size_t)(t - pdf), "/Size");
	ck_assert_ptr_nonnull(t);
	t += 5;
	while (*t == ' ' || *t == '\n' || *t == '\r')
		t++;
	return (long)number(t, NULL);
}

/* A one-page PDF with classic xref: objects 1 (catalog), 2 (pages), 3
 * (page), then `extra` (objects 4...); `catalog` and `page` are added to
 * those dictionaries. No newline after %%EOF. Caller frees. */
static unsigned char *make_pdf(const char *catalog, const char *page, const char *const *extra,
			       size_t *len)
{
	char *buf = malloc(16384);
	size_t n = 0, off[16];
	int nobj = 3;
	const char *body[16] = {NULL, "", "<< /Type /Pages /Kids [ 3 0 R ] /Count 1 >>", ""};
	char cat[1024], pg[1024];

	ck_assert_ptr_nonnull(buf);
	snprintf(cat, sizeof(cat), "<< /Type /Catalog /Pages 2 0 R %s >>", catalog);
	snprintf(pg, sizeof(pg), "<< /Type /Page /Parent 2 0 R /MediaBox [ 0 0 200 200 ] %s >>",
		 page);
	body[1] = cat;
	body[3] = pg;
	for (size_t i = 0; extra && extra[i]; i++)
		body[++nobj] = extra[i];
	n += (size_t)snprintf(buf + n, 16384 - n, "%%PDF-1.7\n");
	for (int i = 1; i <= nobj; i++) {
		off[i] = n;
		n += (size_t)snprintf(buf + n, 16384 - n, "%d 0 obj\n%s\nendobj\n", i, body[i]);
	}
	off[0] = n;
	n += (size_t)snprintf(buf + n, 16384 - n, "xref\n0 %d\n0000000000 65535 f\r\n", nobj + 1);
	for (int i = 1; i <= nobj; i++)
		n += (size_t)snprintf(buf + n, 16384 - n, "%010zu 00000 n\r\n", off[i]);
	n += (size_t)snprintf(buf + n, 16384 - n,
			      "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF",
			      nobj + 1, off[0]);
	ck_assert_uint_lt(n, 16384);
	*len = n;
	return (unsigned char *)buf;
}

/* ---- fixtures ----------------------------------------------------------- */

static void setup_once(void)
{
	struct sceau_error err = {0};
	struct sceau_renderer *r = NULL;
	struct sceau_record *rec = NULL;
	struct sceau_render_info info = {BODY, NULL, 0, NULL};
	struct tu_proc p;
	time_t t0 = 0;
	char *rdir, *sdir, *path, *qr = NULL, *db, *db_empty;
	unsigned pages = 0;

	tmp = tu_tmpdir();
	ck_assert_int_eq(sceau_time_parse(PKI_TIME, &t0, &err), SCEAU_OK);
	ck_assert_int_eq(sceau_time_parse(TIME, &when, &err), SCEAU_OK);
	rdir = tu_path(tmp, "root");
	sdir = tu_path(tmp, "signer");
	/* Valid until 2036, so that pdfsig finds them valid on any day before. */
	tu_make_root(rdir, "Racine de test sceau", 7300, t0);
	tu_make_signer(rdir, sdir, BODY, SCEAU_PROGRAM_BIT(SCEAU_PROGRAM_COC), 3650, t0);
	root_crt = tu_path(rdir, "root.crt");
	root = tu_load_cert(root_crt);
	path = tu_path(sdir, "signer.crt");
	cert = tu_load_cert(path);
	free(path);
	path = tu_path(sdir, "signer.key");
	ck_assert_msg(sceau_key_load(path, "pw", 2, &key, &err) == SCEAU_OK, "%s", err.msg);
	free(path);
	chain = sk_X509_new_null();
	ck_assert(chain && sk_X509_push(chain, root));
	ck_assert_int_eq(X509_up_ref(root), 1);

	/* The example CoC, as sceau issue renders it. */
	ck_assert_msg(sceau_record_load(SCEAU_EXAMPLES "/coc.json", &rec, &err) == SCEAU_OK, "%s",
		      err.msg);
	ck_assert_msg(sceau_payload_encode(rec, cert, key, when, NULL, 0, &qr, &err) == SCEAU_OK,
		      "%s", err.msg);
	info.qr_text = qr;
	info.created = when;
	ck_assert_msg(sceau_renderer_new(SCEAU_TEMPLATES, &r, &err) == SCEAU_OK, "%s", err.msg);
	ck_assert_msg(sceau_render(r, rec, &info, &orig, &orig_len, &pages, &err) == SCEAU_OK, "%s",
		      err.msg);
	ck_assert_uint_eq(pages, 1);
	sceau_renderer_free(r);
	sceau_record_free(rec);
	free(qr);
	ck_assert_msg(sceau_pdf_sign(orig, orig_len, cert, chain, key, when, &signed_, &signed_len,
				     &err) == SCEAU_OK,
		      "%s", err.msg);
	free(put_file(tmp, "coc.pdf", orig, orig_len));
	free(put_file(tmp, "signed.pdf", signed_, signed_len));

	/* NSS databases for pdfsig: one trusting the root, one empty. */
	db = tu_path(tmp, "nss");
	db_empty = tu_path(tmp, "nss-empty");
	ck_assert_int_eq(mkdir(db, 0700), 0);
	ck_assert_int_eq(mkdir(db_empty, 0700), 0);
	nss = malloc(strlen(db) + 5);
	nss_empty = malloc(strlen(db_empty) + 5);
	ck_assert(nss && nss_empty);
	snprintf(nss, strlen(db) + 5, "sql:%s", db);
	snprintf(nss_empty, strlen(db_empty) + 5, "sql:%s", db_empty);
	RUN(&p, "certutil", "-N", "-d", nss, "--empty-password");
	ck_assert_msg(p.status == 0, "certutil -N: %s", p.err);
	tu_proc_free(&p);
	RUN(&p, "certutil", "-N", "-d", nss_empty, "--empty-password");
	ck_assert_msg(p.status == 0, "certutil -N: %s", p.err);
	tu_proc_free(&p);
	RUN(&p, "certutil", "-A", "-d", nss, "-n", "root", "-t", "CT,C,C", "-i", root_crt);
	ck_assert_msg(p.status == 0, "certutil -A: %s", p.err);
	tu_proc_free(&p);
	free(db);
	free(db_empty);
	free(rdir);
	free(sdir);
}

static void teardown_once(void)
{
	tu_rmrf(tmp);
	free(tmp);
	free(root_crt);
	free(nss);
	free(nss_empty);
	free(orig);
	free(signed_);
	X509_free(cert);
	X509_free(root);
	EVP_PKEY_free(key);
	sk_X509_pop_free(chain, X509_free);
}

static void setup_each(void)
{
	work = tu_path(tmp, "test-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(work));
}

static void teardown_each(void)
{
	tu_rmrf(work);
	free(work);
	work = NULL;
}

/* ---- 1. the update's structure ------------------------------------------ */

START_TEST(test_signed_pdf_keeps_the_original_as_prefix_and_passes_qpdf_check)
{
	ck_assert_uint_gt(signed_len, orig_len);
	ck_assert_int_eq(memcmp(signed_, orig, orig_len), 0);
	/* libharu ends with "%%EOF\n": nothing is inserted before the update. */
	ck_assert(orig[orig_len - 1] == '\n');
	ck_assert(memcmp(signed_ + orig_len, "1 0 obj\n", 8) == 0);
	ck_assert(memcmp(signed_ + signed_len - 6, "%%EOF\n", 6) == 0);
	assert_qpdf_check(signed_, signed_len);
}
END_TEST

START_TEST(test_update_xref_has_20_byte_entries_pointing_at_their_objects)
{
	const unsigned char *p = NULL, *s = signed_, *end = signed_ + signed_len;
	size_t xref, entries = 0;
	long size = trailer_size(orig, orig_len);
	char want[64];

	while ((p = find(s, (size_t)(end - s), "startxref")) != NULL)
		s = p + 1;
	p = s - 1 + strlen("startxref\n");
	xref = number(p, NULL);
	ck_assert_uint_gt(xref, orig_len);
	p = signed_ + xref;
	ck_assert(memcmp(p, "xref\n", 5) == 0);
	p += 5;
	while (memcmp(p, "trailer", 7) != 0) {
		size_t first = number(p, &p), n;

		ck_assert(*p++ == ' ');
		n = number(p, &p);
		ck_assert(*p++ == '\n');
		for (size_t i = 0; i < n; i++, p += 20, entries++) {
			size_t off;
			/* "nnnnnnnnnn ggggg n\r\n", as libharu writes them. */
			ck_assert(p[10] == ' ' && p[16] == ' ' && p[17] == 'n' && p[18] == '\r' &&
				  p[19] == '\n');
			ck_assert(memcmp(p + 11, "00000", 5) == 0);
			off = number(p, NULL);
			snprintf(want, sizeof(want), "%zu 0 obj\n", first + i);
			ck_assert_uint_ge(off, orig_len);
			ck_assert_msg(memcmp(signed_ + off, want, strlen(want)) == 0,
				      "entry for %zu points elsewhere", first + i);
		}
	}
	/* Catalog, page 1, the field and the signature dictionary. */
	ck_assert_uint_eq(entries, 4);
	ck_assert_int_eq(trailer_size(signed_, signed_len), size + 2);
	snprintf(want, sizeof(want), "/Prev %zu",
		 (size_t)number(find(orig + orig_len - 32, 32, "startxref") + 10, NULL));
	ck_assert_ptr_nonnull(find(signed_ + xref, signed_len - xref, want));
	ck_assert_ptr_nonnull(find(signed_ + xref, signed_len - xref, "/Info 3 0 R"));
	ck_assert_ptr_nonnull(find(signed_ + xref, signed_len - xref, "/ID [ <"));
}
END_TEST

START_TEST(test_byterange_gap_is_exactly_the_contents_hex_and_ends_at_eof)
{
	size_t r[4];

	byterange(signed_, signed_len, r);
	ck_assert_uint_eq(r[0], 0);
	ck_assert_uint_gt(r[1], orig_len);
	ck_assert(memcmp(signed_ + r[1] - strlen("/Contents "), "/Contents <", 11) == 0);
	ck_assert(signed_[r[2] - 1] == '>');
	for (size_t i = r[1] + 1; i < r[2] - 1; i++)
		ck_assert_msg(strchr("0123456789abcdef", signed_[i]) && signed_[i],
			      "not hex at %zu", i);
	ck_assert_uint_eq(r[2] + r[3], signed_len);
	/* One /Contents string and one /ByteRange in the update. */
	ck_assert_ptr_null(find(signed_ + r[2], r[3], "/Contents <"));
	ck_assert_ptr_null(find(signed_ + orig_len, r[1] - orig_len - 11, "/Contents <"));
	ck_assert_ptr_null(find(signed_ + r[2], r[3], "/ByteRange"));
}
END_TEST

START_TEST(test_catalog_page_field_and_signature_dictionaries)
{
	long size = trailer_size(orig, orig_len);
	char want[128], num[24], *cat, *page, *field, *sig;

	cat = qpdf_show(signed_, signed_len, "1");
	snprintf(want, sizeof(want), "/AcroForm << /Fields [ %ld 0 R ] /SigFlags 3 >>", size);
	ck_assert_msg(has(cat, want), "%s", cat);
	snprintf(want, sizeof(want), "/Perms << /DocMDP %ld 0 R >>", size + 1);
	ck_assert_msg(has(cat, want), "%s", cat);
	ck_assert(has(cat, "/Pages 2 0 R") && has(cat, "/Names"));
	ck_assert(has(cat, "/ESIC << /BaseVersion /1.7 /ExtensionLevel 1 >>"));
	page = qpdf_show(signed_, signed_len, "28");
	snprintf(want, sizeof(want), "/Annots [ %ld 0 R ]", size);
	ck_assert_msg(has(page, want) && has(page, "/Type /Page"), "%s", page);
	snprintf(num, sizeof(num), "%ld", size);
	field = qpdf_show(signed_, signed_len, num);
	snprintf(want, sizeof(want), "/V %ld 0 R", size + 1);
	ck_assert_msg(has(field, "/FT /Sig") && has(field, "/F 132") && has(field, "/P 28 0 R") &&
			      has(field, "/Rect [ 0 0 0 0 ]") && has(field, "/Subtype /Widget") &&
			      has(field, "/T (Signature1)") && has(field, want),
		      "%s", field);
	snprintf(num, sizeof(num), "%ld", size + 1);
	sig = qpdf_show(signed_, signed_len, num);
	ck_assert_msg(
		has(sig, "/Type /Sig") && has(sig, "/Filter /Adobe.PPKLite") &&
			has(sig, "/SubFilter /ETSI.CAdES.detached") &&
			has(sig, "/M (D:20261124100000Z)") &&
			has(sig, "/TransformMethod /DocMDP") &&
			has(sig, "/TransformParams << /P 1 /Type /TransformParams /V /1.2 >>") &&
			has(sig, "/Name <feff004f0072"),
		"%s", sig);
	free(cat);
	free(page);
	free(field);
	free(sig);
}
END_TEST

/* ---- 2. the CMS ----------------------------------------------------------- */

START_TEST(test_cms_verifies_with_openssl_against_the_root)
{
	ck_assert_int_eq(openssl_verify(signed_, signed_len, root_crt), 0);
}
END_TEST

START_TEST(test_cms_has_exactly_three_signed_attributes_and_no_signing_time)
{
	struct tu_proc p;
	char *ranges, *der, *attrs, *end, hex[65];
	unsigned char md[32];
	unsigned mdlen = 0;
	int n = 0;

	split(signed_, signed_len, &ranges, &der);
	RUN(&p, "openssl", "cms", "-cmsout", "-print", "-inform", "DER", "-in", der);
	ck_assert_msg(p.status == 0, "%s", p.err);
	attrs = strstr(p.out, "signedAttrs:");
	ck_assert_ptr_nonnull(attrs);
	end = strstr(attrs, "signatureAlgorithm:");
	ck_assert_ptr_nonnull(end);
	*end = '\0';
	for (char *s = attrs; (s = strstr(s, "object: ")) != NULL; s++)
		n++;
	ck_assert_int_eq(n, 3);
	ck_assert(has(attrs, "object: contentType"));
	ck_assert(has(attrs, "OBJECT:pkcs7-data"));
	ck_assert(has(attrs, "object: messageDigest"));
	ck_assert(has(attrs, "object: id-smime-aa-signingCertificateV2"));
	ck_assert(!has(p.out, "signingTime"));
	/* ESSCertIDv2: SHA-256 (the default, no algorithm written) of the
	 * signer's certificate. */
	ck_assert_int_eq(X509_digest(cert, EVP_sha256(), md, &mdlen), 1);
	for (unsigned i = 0; i < mdlen; i++)
		snprintf(hex + 2 * i, 3, "%02X", md[i]);
	ck_assert_msg(has(attrs, hex), "%s", attrs);
	ck_assert(has(p.out, "ecdsa-with-SHA256"));
	ck_assert(has(p.out, "eContent: <ABSENT>"));
	/* The signer's certificate and the root travel in the CMS. */
	ck_assert(has(p.out, "Racine de test sceau"));
	ck_assert(has(p.out, "Organisme de Contr"));
	tu_proc_free(&p);
	free(ranges);
	free(der);
}
END_TEST

START_TEST(test_contents_room_fits_every_signature_length)
{
	/* ECDSA signatures vary in length (72 bytes for P-256 at most, 70
	 * or 71 mostly, shorter now and then): sign often enough to meet the
	 * longest and shorter ones. */
	size_t r[4], seen[9] = {0};

	for (int i = 0; i < 48; i++) {
		size_t len, n, used;
		unsigned hi, lo;
		unsigned char *out = sign_ok(orig, orig_len, &len);
		const unsigned char *hex;

		byterange(out, len, r);
		hex = out + r[1] + 1;
		n = (r[2] - r[1] - 2) / 2;
		/* 30 82 hh ll: the DER's length, then zeros to the end. */
		ck_assert(memcmp(hex, "3082", 4) == 0);
		hi = (unsigned)(hexval(hex[4]) << 4 | hexval(hex[5]));
		lo = (unsigned)(hexval(hex[6]) << 4 | hexval(hex[7]));
		ck_assert(hexval(hex[4]) >= 0 && hexval(hex[5]) >= 0 && hexval(hex[6]) >= 0 &&
			  hexval(hex[7]) >= 0);
		used = 4 + (hi << 8 | lo);
		ck_assert_uint_le(used, n);
		ck_assert_uint_le(n - used, 8);
		for (size_t j = 2 * used; j < 2 * n; j++)
			ck_assert(hex[j] == '0');
		seen[n - used]++;
		ck_assert_uint_eq(r[2] + r[3], len);
		free(out);
	}
	/* The longest signature fills the room exactly. */
	ck_assert_uint_gt(seen[0], 0);
	ck_assert_uint_lt(seen[0], 48);
}
END_TEST

START_TEST(test_rsa_key_signs_and_openssl_verifies)
{
	EVP_PKEY *rsa = EVP_RSA_gen(2048);
	X509 *x = X509_new();
	X509_NAME *name = X509_NAME_new();
	struct sceau_error err = {0};
	unsigned char *out = NULL;
	size_t len = 0;
	char *pem;
	FILE *f;

	ck_assert(rsa && x && name);
	ck_assert(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
					     (const unsigned char *)"RSA Test", -1, -1, 0));
	ck_assert(X509_set_version(x, 2) && ASN1_INTEGER_set(X509_get_serialNumber(x), 7) &&
		  X509_set_subject_name(x, name) && X509_set_issuer_name(x, name) &&
		  X509_time_adj_ex(X509_getm_notBefore(x), -1, 0, &when) &&
		  X509_time_adj_ex(X509_getm_notAfter(x), 3650, 0, &when) &&
		  X509_set_pubkey(x, rsa) && X509_sign(x, rsa, EVP_sha256()));
	ck_assert_msg(sceau_pdf_sign(orig, orig_len, x, NULL, rsa, when, &out, &len, &err) ==
			      SCEAU_OK,
		      "%s", err.msg);
	pem = tu_path(work, "rsa.pem");
	f = fopen(pem, "w");
	ck_assert(f && PEM_write_X509(f, x));
	fclose(f);
	ck_assert_int_eq(openssl_verify(out, len, pem), 0);
	assert_qpdf_check(out, len);
	free(out);
	free(pem);
	X509_NAME_free(name);
	X509_free(x);
	EVP_PKEY_free(rsa);
}
END_TEST

/* ---- 3. readers: pdfsig, mutool ----------------------------------------- */

START_TEST(test_pdfsig_says_valid_trusted_and_total_document_signed)
{
	char *out = pdfsig(signed_, signed_len, nss);

	ck_assert_msg(has(out, "Signature Validation: Signature is Valid."), "%s", out);
	ck_assert_msg(has(out, "Certificate Validation: Certificate is Trusted."), "%s", out);
	ck_assert_msg(has(out, "Total document signed"), "%s", out);
	ck_assert_msg(has(out, "Signature Type: ETSI.CAdES.detached"), "%s", out);
	ck_assert_msg(has(out, "Signing Time: Nov 24 2026 10:00:00"), "%s", out);
	ck_assert_msg(has(out, "Signature Field Name: Signature1"), "%s", out);
	ck_assert_msg(has(out, "Signer Certificate Common Name: " BODY), "%s", out);
	free(out);
}
END_TEST

START_TEST(test_pdfsig_without_the_root_does_not_trust_the_signer)
{
	char *out = pdfsig(signed_, signed_len, nss_empty);

	ck_assert_msg(has(out, "Signature Validation: Signature is Valid."), "%s", out);
	ck_assert_msg(!has(out, "Certificate is Trusted"), "%s", out);
	free(out);
}
END_TEST

START_TEST(test_mutool_finds_the_document_unchanged_since_signing)
{
	char *out = mutool_verify(signed_, signed_len);

	ck_assert_msg(has(out, "The document is unchanged since signing."), "%s", out);
	ck_assert_msg(!has(out, "Digest error"), "%s", out);
	free(out);
}
END_TEST

/* ---- 4. a changed byte ---------------------------------------------------- */

START_TEST(test_flipped_byte_in_first_range_breaks_every_verifier)
{
	unsigned char *bad = malloc(signed_len);
	const unsigned char *t = find(signed_, orig_len, "/Title");
	char *out;

	ck_assert(bad && t);
	memcpy(bad, signed_, signed_len);
	bad[t - signed_ + 1] = 't'; /* "/title": still a well-formed PDF */
	out = pdfsig(bad, signed_len, nss);
	ck_assert_msg(!has(out, "Signature is Valid"), "%s", out);
	ck_assert_msg(has(out, "Digest Mismatch"), "%s", out);
	free(out);
	out = mutool_verify(bad, signed_len);
	ck_assert_msg(has(out, "Digest error"), "%s", out);
	ck_assert_msg(!has(out, "unchanged since signing"), "%s", out);
	free(out);
	ck_assert_int_ne(openssl_verify(bad, signed_len, root_crt), 0);
	free(bad);
}
END_TEST

START_TEST(test_flipped_byte_in_second_range_breaks_pdfsig_and_openssl)
{
	unsigned char *bad = malloc(signed_len);
	size_t r[4];
	char *out;

	ck_assert_ptr_nonnull(bad);
	memcpy(bad, signed_, signed_len);
	byterange(signed_, signed_len, r);
	ck_assert(bad[r[2]] == ' ');
	bad[r[2]] = '\n'; /* whitespace for whitespace: the PDF still parses */
	out = pdfsig(bad, signed_len, nss);
	ck_assert_msg(!has(out, "Signature is Valid"), "%s", out);
	free(out);
	ck_assert_int_ne(openssl_verify(bad, signed_len, root_crt), 0);
	free(bad);
}
END_TEST

/* ---- 5. other inputs ------------------------------------------------------- */

START_TEST(test_appends_to_existing_annots_and_form_fields)
{
	const char *const extra[] = {
		"[ 5 0 R 6 0 R ]",
		"<< /Type /Annot /Subtype /Link /Rect [ 0 0 10 10 ] /Border [ 0 0 0 ] >>",
		"<< /Type /Annot /Subtype /Widget /FT /Tx /T (name) /Rect [ 20 20 80 40 ] "
		"/P 3 0 R >>",
		NULL};
	size_t len, slen;
	unsigned char *pdf = make_pdf("/AcroForm << /Fields [ 6 0 R ] /DA (/Helv 0 Tf 0 g) >>",
				      "/Annots 4 0 R", extra, &len);
	unsigned char *out = sign_ok(pdf, len, &slen);
	char *cat, *page, *pdfsig_out;

	/* No newline after the original %%EOF: one is added. */
	ck_assert(pdf[len - 1] == 'F' && out[len] == '\n');
	assert_qpdf_check(out, slen);
	cat = qpdf_show(out, slen, "1");
	ck_assert_msg(has(cat, "/Fields [ 6 0 R 7 0 R ]") && has(cat, "/SigFlags 3") &&
			      has(cat, "/DA (/Helv 0 Tf 0 g)") && has(cat, "/DocMDP 8 0 R"),
		      "%s", cat);
	page = qpdf_show(out, slen, "3");
	ck_assert_msg(has(page, "/Annots [ 5 0 R 6 0 R 7 0 R ]"), "%s", page);
	/* No /Info in the original, none in the update. */
	ck_assert_ptr_null(find(out + len, slen - len, "/Info"));
	ck_assert_int_eq(openssl_verify(out, slen, root_crt), 0);
	pdfsig_out = pdfsig(out, slen, nss);
	ck_assert_msg(has(pdfsig_out, "Signature is Valid.") &&
			      has(pdfsig_out, "Total document signed"),
		      "%s", pdfsig_out);
	free(pdfsig_out);
	free(cat);
	free(page);
	free(out);
	free(pdf);
}
END_TEST

START_TEST(test_appends_to_direct_annots)
{
	const char *const extra[] = {
		"<< /Type /Annot /Subtype /Link /Rect [ 0 0 10 10 ] /Border [ 0 0 0 ] >>", NULL};
	size_t len, slen;
	unsigned char *pdf = make_pdf("", "/Annots [ 4 0 R ]", extra, &len);
	unsigned char *out = sign_ok(pdf, len, &slen);
	char *page;

	assert_qpdf_check(out, slen);
	page = qpdf_show(out, slen, "3");
	ck_assert_msg(has(page, "/Annots [ 4 0 R 5 0 R ]"), "%s", page);
	ck_assert_int_eq(openssl_verify(out, slen, root_crt), 0);
	free(page);
	free(out);
	free(pdf);
}
END_TEST

/* ---- 6. refusals ------------------------------------------------------------ */

START_TEST(test_refuses_what_is_not_a_pdf)
{
	static const char text[] = "hello, this is not a PDF at all\n";
	unsigned char *broken = malloc(orig_len);

	refuse((const unsigned char *)text, sizeof(text) - 1, cert, key, SCEAU_ERR_FORMAT,
	       "not a PDF");
	/* Cut short: no startxref. */
	refuse(orig, orig_len / 2, cert, key, SCEAU_ERR_FORMAT, "startxref");
	/* A damaged object (its "obj" keyword): libqpdf, without recovery. */
	ck_assert_ptr_nonnull(broken);
	memcpy(broken, orig, orig_len);
	memcpy((unsigned char *)find(broken, orig_len, "1 0 obj"), "1 0 ob!", 7);
	refuse(broken, orig_len, cert, key, SCEAU_ERR_FORMAT, "cannot sign the PDF");
	free(broken);
}
END_TEST

START_TEST(test_refuses_an_already_signed_pdf)
{
	const char *const extra[] = {"<< /Type /Annot /Subtype /Widget /FT /Sig /T (Old) "
				     "/Rect [ 0 0 0 0 ] /P 3 0 R >>",
				     NULL};
	size_t len;
	unsigned char *pdf;

	refuse(signed_, signed_len, cert, key, SCEAU_ERR_FORMAT, "already signed");
	/* An empty signature field counts too, nested in a parent field. */
	pdf = make_pdf("/AcroForm << /Fields [ 5 0 R ] >>", "/Annots [ 4 0 R ]",
		       (const char *const[]){extra[0], "<< /T (parent) /Kids [ 4 0 R ] >>", NULL},
		       &len);
	refuse(pdf, len, cert, key, SCEAU_ERR_FORMAT, "already signed");
	free(pdf);
}
END_TEST

START_TEST(test_refuses_a_key_of_another_certificate)
{
	EVP_PKEY *other = EVP_EC_gen("P-256");

	ck_assert_ptr_nonnull(other);
	refuse(orig, orig_len, cert, other, SCEAU_ERR_MISMATCH, "does not belong");
	EVP_PKEY_free(other);
}
END_TEST

START_TEST(test_refuses_xref_streams_encryption_and_no_page)
{
	struct tu_proc p;
	char *in = put_file(work, "in.pdf", orig, orig_len);
	const struct {
		const char *const argv[10];
		const char *reason;
	} cases[] = {
		{{"qpdf", "--object-streams=generate", in, "xs.pdf", NULL}, "xref stream"},
		{{"qpdf", "--encrypt", "", "owner", "256", "--", in, "enc.pdf", NULL}, "encrypted"},
		{{"qpdf", "--empty", "empty.pdf", NULL}, "no page"},
	};
	const char *outs[] = {"xs.pdf", "enc.pdf", "empty.pdf"};

	for (size_t i = 0; i < 3; i++) {
		char *path = tu_path(work, outs[i]), *data;
		size_t len;

		run(&p, cases[i].argv);
		ck_assert_msg(p.status == 0, "qpdf: %s", p.err);
		tu_proc_free(&p);
		data = tu_read(path, &len);
		ck_assert_ptr_nonnull(data);
		refuse((unsigned char *)data, len, cert, key, SCEAU_ERR_FORMAT, cases[i].reason);
		free(data);
		free(path);
	}
	free(in);
}
END_TEST

TU_MAIN_ONCE("pdfsign", setup_once, teardown_once, setup_each, teardown_each,
	     test_signed_pdf_keeps_the_original_as_prefix_and_passes_qpdf_check,
	     test_update_xref_has_20_byte_entries_pointing_at_their_objects,
	     test_byterange_gap_is_exactly_the_contents_hex_and_ends_at_eof,
	     test_catalog_page_field_and_signature_dictionaries,
	     test_cms_verifies_with_openssl_against_the_root,
	     test_cms_has_exactly_three_signed_attributes_and_no_signing_time,
	     test_contents_room_fits_every_signature_length,
	     test_rsa_key_signs_and_openssl_verifies,
	     test_pdfsig_says_valid_trusted_and_total_document_signed,
	     test_pdfsig_without_the_root_does_not_trust_the_signer,
	     test_mutool_finds_the_document_unchanged_since_signing,
	     test_flipped_byte_in_first_range_breaks_every_verifier,
	     test_flipped_byte_in_second_range_breaks_pdfsig_and_openssl,
	     test_appends_to_existing_annots_and_form_fields, test_appends_to_direct_annots,
	     test_refuses_what_is_not_a_pdf, test_refuses_an_already_signed_pdf,
	     test_refuses_a_key_of_another_certificate,
	     test_refuses_xref_streams_encryption_and_no_page)
