/* sceau tests — reading received PDFs (part: pdfread, white-box).
 *
 * Inputs are built here object by object, with a correct classic xref
 * table (struct pdfb), so that each test says exactly what the file holds:
 * signature fields, /Kids trees and cycles, DocMDP, embedded files, the
 * Info /SceauQR. Real documents come from sceau_render (the CoC example)
 * and from qpdf rewriting them (object and xref streams, encryption).
 * Every read runs with stderr sent to a file that must stay empty: the
 * reader never prints, whatever the input. */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "pdfread_int.h"
#include "testutil.h"

#define BODY "Organisme de Contrôle Test"

static char *tmp; /* a private directory per test */

static void setup(void)
{
	tmp = tu_tmpdir();
}

static void teardown(void)
{
	tu_rmrf(tmp);
	free(tmp);
	tmp = NULL;
}

/* ---- a PDF writer with a correct xref table --------------------------------- */

#define PB_OBJS 4096

struct pdfb {
	char *buf;
	size_t len, cap;
	size_t off[PB_OBJS]; /* offset of object n; 0: not written */
	int max;             /* highest object number written */
};

static void pb_put(struct pdfb *b, const void *data, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		while (b->len + n + 1 > b->cap)
			b->cap = b->cap ? b->cap * 2 : 4096;
		b->buf = realloc(b->buf, b->cap);
		ck_assert_ptr_nonnull(b->buf);
	}
	memcpy(b->buf + b->len, data, n);
	b->len += n;
	b->buf[b->len] = '\0';
}

static void pb_vprintf(struct pdfb *b, const char *fmt, va_list ap)
{
	char *s = NULL;
	int n = vasprintf(&s, fmt, ap);

	ck_assert_int_ge(n, 0);
	pb_put(b, s, (size_t)n);
	free(s);
}

static void pb_printf(struct pdfb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void pb_printf(struct pdfb *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pb_vprintf(b, fmt, ap);
	va_end(ap);
}

static void pb_start(struct pdfb *b)
{
	memset(b, 0, sizeof(*b));
	pb_printf(b, "%%PDF-1.7\n%%\xe2\xe3\xcf\xd3\n");
}

static void pb_begin(struct pdfb *b, int num)
{
	ck_assert_int_gt(num, 0);
	ck_assert_int_lt(num, PB_OBJS);
	b->off[num] = b->len;
	if (num > b->max)
		b->max = num;
	pb_printf(b, "%d 0 obj\n", num);
}

/* Object `num` with the body fmt. */
static void pb_obj(struct pdfb *b, int num, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void pb_obj(struct pdfb *b, int num, const char *fmt, ...)
{
	va_list ap;

	pb_begin(b, num);
	va_start(ap, fmt);
	pb_vprintf(b, fmt, ap);
	va_end(ap);
	pb_printf(b, "\nendobj\n");
}

/* Stream object `num`: dict entries `dict` (without << >> and /Length). */
static void pb_stream(struct pdfb *b, int num, const char *dict, const void *data, size_t n)
{
	pb_begin(b, num);
	pb_printf(b, "<< %s /Length %zu >>\nstream\n", dict, n);
	pb_put(b, data, n);
	pb_printf(b, "\nendstream\nendobj\n");
}

/* The xref table, trailer (root 1, info `info` when > 0, then the
 * entries `extra`) and %%EOF; returns the buffer (caller frees), its
 * length in *len. */
static unsigned char *pb_finish_x(struct pdfb *b, int info, const char *extra, size_t *len)
{
	size_t xref = b->len;

	pb_printf(b, "xref\n0 %d\n0000000000 65535 f \n", b->max + 1);
	for (int i = 1; i <= b->max; i++)
		if (b->off[i])
			pb_printf(b, "%010zu 00000 n \n", b->off[i]);
		else
			pb_printf(b, "0000000000 00000 f \n");
	pb_printf(b, "trailer\n<< /Size %d /Root 1 0 R", b->max + 1);
	if (info > 0)
		pb_printf(b, " /Info %d 0 R", info);
	pb_printf(b, " %s >>\nstartxref\n%zu\n%%%%EOF\n", extra ? extra : "", xref);
	*len = b->len;
	return (unsigned char *)b->buf;
}

static unsigned char *pb_finish(struct pdfb *b, int info, size_t *len)
{
	return pb_finish_x(b, info, NULL, len);
}

/* A cross-reference stream as object `num` instead of a table: /W [1 4 1],
 * then `pad` zero bytes more in its data (a wrong size libqpdf only warns
 * about, once it has inflated it all). */
static unsigned char *pb_finish_xrefstm(struct pdfb *b, int num, size_t pad, size_t *len)
{
	size_t xref = b->len, n = (size_t)num + 1, raw_len = n * 6 + pad;
	unsigned char *raw = calloc(1, raw_len), *z;
	uLongf zlen = compressBound((uLong)raw_len);

	ck_assert_ptr_nonnull(raw);
	for (size_t i = 0; i < n; i++) {
		size_t off = i == (size_t)num ? xref : b->off[i];
		unsigned char *e = raw + 6 * i;
		e[0] = i == 0 ? 0 : 1;
		e[1] = (unsigned char)(off >> 24);
		e[2] = (unsigned char)(off >> 16);
		e[3] = (unsigned char)(off >> 8);
		e[4] = (unsigned char)off;
		e[5] = i == 0 ? 255 : 0;
	}
	z = malloc(zlen);
	ck_assert_ptr_nonnull(z);
	ck_assert_int_eq(compress2(z, &zlen, raw, (uLong)raw_len, 9), Z_OK);
	b->off[num] = xref;
	pb_printf(b,
		  "%d 0 obj\n<< /Type /XRef /Size %zu /W [1 4 1] /Root 1 0 R /Filter /FlateDecode "
		  "/Length %lu >>\nstream\n",
		  num, n, (unsigned long)zlen);
	pb_put(b, z, zlen);
	pb_printf(b, "\nendstream\nendobj\nstartxref\n%zu\n%%%%EOF\n", xref);
	free(raw);
	free(z);
	*len = b->len;
	return (unsigned char *)b->buf;
}

/* Catalog 1 (with the extra entries `cat`), pages 2, one page 3. */
static void pb_doc(struct pdfb *b, const char *cat)
{
	pb_start(b);
	pb_obj(b, 1, "<< /Type /Catalog /Pages 2 0 R %s >>", cat ? cat : "");
	pb_obj(b, 2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
	pb_obj(b, 3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>");
}

/* A signature dictionary's entries, as pdfsign writes them. */
#define SIGDICT                                                                                    \
	"/Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached "                       \
	"/M (D:20261124100000Z) /ByteRange [0 100 200 300] /Contents <0102ff>"
#define DOCMDP_REF                                                                                 \
	"/Reference [<< /Type /SigRef /TransformMethod /DocMDP "                                   \
	"/TransformParams << /Type /TransformParams /P 1 /V /1.2 >> >>]"

/* ---- reading, with stderr watched ------------------------------------------ */

/* sceau_pdf_read with stderr in a file that must stay empty. */
static enum sceau_err read_pdf(const void *buf, size_t len, struct sceau_pdf_facts **f,
			       struct sceau_error *err)
{
	char *path = tu_path(tmp, "stderr");
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600), saved;
	enum sceau_err ret;
	size_t n = 0;
	char *out;

	ck_assert_int_ge(fd, 0);
	fflush(stderr);
	saved = dup(2);
	ck_assert_int_ge(saved, 0);
	ck_assert_int_eq(dup2(fd, 2), 2);
	close(fd);
	sceau_error_clear(err);
	ret = sceau_pdf_read(buf, len, f, err);
	fflush(stderr);
	ck_assert_int_eq(dup2(saved, 2), 2);
	close(saved);
	out = tu_read(path, &n);
	ck_assert_ptr_nonnull(out);
	ck_assert_msg(n == 0, "the reader printed on stderr: %s", out);
	free(out);
	free(path);
	return ret;
}

/* Read what must be read; the facts (caller frees). */
static struct sceau_pdf_facts *read_ok(const void *buf, size_t len)
{
	struct sceau_error err = {0};
	struct sceau_pdf_facts *f = NULL;

	ck_assert_msg(read_pdf(buf, len, &f, &err) == SCEAU_OK, "%s", err.msg);
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(err.code, SCEAU_OK);
	ck_assert_str_eq(err.msg, "");
	return f;
}

/* Read what must be refused as SCEAU_ERR_FORMAT with a message holding
 * `words`. */
static void read_refused(const void *buf, size_t len, const char *words)
{
	struct sceau_error err = {0};
	struct sceau_pdf_facts *f = (struct sceau_pdf_facts *)&err; /* must be reset */

	ck_assert_int_eq(read_pdf(buf, len, &f, &err), SCEAU_ERR_FORMAT);
	ck_assert_ptr_null(f);
	ck_assert_int_eq(err.code, SCEAU_ERR_FORMAT);
	ck_assert_msg(strstr(err.msg, words) != NULL, "'%s' not in '%s'", words, err.msg);
	ck_assert_msg(strchr(err.msg, '\n') == NULL, "not one line: %s", err.msg);
}

/* Build with pb_doc(cat) and `more` objects from 4 on, and read. */
static unsigned char *doc_with(const char *cat, const char *const *more, int info, size_t *len)
{
	struct pdfb b;

	pb_doc(&b, cat);
	for (int i = 0; more && more[i]; i++)
		pb_obj(&b, 4 + i, "%s", more[i]);
	return pb_finish(&b, info, len);
}
#define DOC(cat, len, ...) doc_with((cat), (const char *const[]){__VA_ARGS__, NULL}, 0, (len))

static struct sceau_pdf_facts *facts_of(const char *cat, const char *const *more)
{
	size_t len;
	unsigned char *pdf = doc_with(cat, more, 0, &len);
	struct sceau_pdf_facts *f = read_ok(pdf, len);

	free(pdf);
	return f;
}
#define FACTS(cat, ...) facts_of((cat), (const char *const[]){__VA_ARGS__, NULL})

static void refused_with(const char *cat, const char *const *more, const char *words)
{
	size_t len;
	unsigned char *pdf = doc_with(cat, more, 0, &len);

	read_refused(pdf, len, words);
	free(pdf);
}
#define REFUSED(cat, words, ...)                                                                   \
	refused_with((cat), (const char *const[]){__VA_ARGS__, NULL}, (words))

/* ---- a plain document -------------------------------------------------------- */

START_TEST(test_pdfread_plain_document_has_nothing)
{
	struct sceau_pdf_facts *f = FACTS(NULL, NULL);

	ck_assert_uint_eq(f->pages, 1);
	ck_assert_uint_eq(f->nsigs, 0);
	ck_assert_uint_eq(f->nsig_fields, 0);
	ck_assert_int_eq(f->has_perms_docmdp, 0);
	ck_assert_ptr_null(f->qr_text);
	ck_assert_ptr_null(f->record_json);
	sceau_pdf_facts_free(f);
	sceau_pdf_facts_free(NULL);
}
END_TEST

/* ---- signature dictionaries --------------------------------------------------- */

START_TEST(test_pdfread_reads_certification_signature)
{
	struct sceau_pdf_facts *f =
		FACTS("/AcroForm << /Fields [4 0 R] /SigFlags 3 >> /Perms << /DocMDP 5 0 R >>",
		      "<< /FT /Sig /T (Signature1) /V 5 0 R /Type /Annot /Subtype /Widget "
		      "/Rect [0 0 0 0] /P 3 0 R >>",
		      "<< " SIGDICT " " DOCMDP_REF " >>");
	const struct sceau_pdf_sig *s;

	ck_assert_uint_eq(f->nsig_fields, 1);
	ck_assert_uint_eq(f->nsigs, 1);
	ck_assert_int_eq(f->has_perms_docmdp, 1);
	s = &f->sigs[0];
	ck_assert_str_eq(s->field, "Signature1");
	ck_assert_str_eq(s->filter, "Adobe.PPKLite");
	ck_assert_str_eq(s->subfilter, "ETSI.CAdES.detached");
	ck_assert_str_eq(s->m, "D:20261124100000Z");
	ck_assert_int_eq(s->objid, 5);
	ck_assert_int_eq(s->byterange_kind, SCEAU_PDF_OK);
	ck_assert_uint_eq(s->n_byterange, 4);
	ck_assert_int_eq(s->byterange_ints, 1);
	ck_assert_int_eq(s->byterange[0], 0);
	ck_assert_int_eq(s->byterange[1], 100);
	ck_assert_int_eq(s->byterange[2], 200);
	ck_assert_int_eq(s->byterange[3], 300);
	ck_assert_int_eq(s->contents_kind, SCEAU_PDF_OK);
	ck_assert_uint_eq(s->contents_len, 3);
	ck_assert_mem_eq(s->contents, "\x01\x02\xff", 3);
	ck_assert_int_eq(s->docmdp, 1);
	ck_assert_int_eq(s->docmdp_p, 1);
	sceau_pdf_facts_free(f);
}
END_TEST

START_TEST(test_pdfread_reports_odd_byterange_and_contents)
{
	static const struct {
		const char *entries;
		enum sceau_pdf_kind br_kind, c_kind;
		size_t n_br, c_len;
		int ints;
	} cases[] = {
		{"/ByteRange [0 1 2 3 4] /Contents ()", SCEAU_PDF_OK, SCEAU_PDF_OK, 5, 0, 0},
		{"/ByteRange [0 1 2] /Contents <>", SCEAU_PDF_OK, SCEAU_PDF_OK, 3, 0, 0},
		{"/ByteRange [0 1 2.0 3] /Contents (ab)", SCEAU_PDF_OK, SCEAU_PDF_OK, 4, 2, 0},
		{"/ByteRange [0 1 2 /X]", SCEAU_PDF_OK, SCEAU_PDF_ABSENT, 4, 0, 0},
		{"/ByteRange /X /Contents 12", SCEAU_PDF_WRONG, SCEAU_PDF_WRONG, 0, 0, 0},
		{"/ByteRange null /Contents null", SCEAU_PDF_ABSENT, SCEAU_PDF_ABSENT, 0, 0, 0},
		{"/ByteRange 99 0 R /Contents 98 0 R", SCEAU_PDF_ABSENT, SCEAU_PDF_ABSENT, 0, 0, 0},
		{"/ByteRange [] /Contents [<00>]", SCEAU_PDF_OK, SCEAU_PDF_WRONG, 0, 0, 0},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *v = NULL;
		struct sceau_pdf_facts *f;
		const struct sceau_pdf_sig *s;

		ck_assert(asprintf(&v, "<< /Type /Sig %s >>", cases[i].entries) > 0);
		f = FACTS("/AcroForm << /Fields [4 0 R] >>", "<< /FT /Sig /T (S) /V 5 0 R >>", v);
		ck_assert_uint_eq(f->nsigs, 1);
		s = &f->sigs[0];
		ck_assert_msg(s->byterange_kind == cases[i].br_kind, "case %zu", i);
		ck_assert_msg(s->n_byterange == cases[i].n_br, "case %zu", i);
		ck_assert_msg(s->byterange_ints == cases[i].ints, "case %zu", i);
		ck_assert_msg(s->contents_kind == cases[i].c_kind, "case %zu", i);
		ck_assert_msg(s->contents_len == cases[i].c_len, "case %zu", i);
		if (s->contents_kind == SCEAU_PDF_OK)
			ck_assert_ptr_nonnull(s->contents);
		else
			ck_assert_ptr_null(s->contents);
		for (int k = 0; k < 4 && !s->byterange_ints; k++)
			ck_assert_int_eq(s->byterange[k], 0);
		ck_assert_ptr_null(s->filter);
		ck_assert_ptr_null(s->m);
		ck_assert_int_eq(s->docmdp, 0);
		ck_assert_int_eq(s->docmdp_p, 0);
		sceau_pdf_facts_free(f);
		free(v);
	}
}
END_TEST

START_TEST(test_pdfread_marks_oversized_contents_wrong)
{
	size_t n = SCEAU_PDF_CONTENTS_MAX + 1;
	char *hex = malloc(2 * n + 1), *v = NULL;
	struct sceau_pdf_facts *f;

	ck_assert_ptr_nonnull(hex);
	memset(hex, 'a', 2 * n);
	hex[2 * n] = '\0';
	ck_assert(asprintf(&v, "<< /Type /Sig /ByteRange [0 1 2 3] /Contents <%s> >>", hex) > 0);
	f = FACTS("/AcroForm << /Fields [4 0 R] >>", "<< /FT /Sig /T (S) /V 5 0 R >>", v);
	ck_assert_uint_eq(f->nsigs, 1);
	ck_assert_int_eq(f->sigs[0].contents_kind, SCEAU_PDF_WRONG);
	ck_assert_ptr_null(f->sigs[0].contents);
	ck_assert_uint_eq(f->sigs[0].contents_len, n);
	sceau_pdf_facts_free(f);
	/* exactly the maximum is read */
	hex[2 * (n - 1)] = '\0';
	free(v);
	ck_assert(asprintf(&v, "<< /Type /Sig /Contents <%s> >>", hex) > 0);
	f = FACTS("/AcroForm << /Fields [4 0 R] >>", "<< /FT /Sig /T (S) /V 5 0 R >>", v);
	ck_assert_int_eq(f->sigs[0].contents_kind, SCEAU_PDF_OK);
	ck_assert_uint_eq(f->sigs[0].contents_len, n - 1);
	ck_assert_int_eq(f->sigs[0].contents[n - 2], 0xaa);
	sceau_pdf_facts_free(f);
	free(v);
	free(hex);
}
END_TEST

START_TEST(test_pdfread_inherits_field_type_and_skips_widgets)
{
	/* 4: a parent /FT /Sig with two fields; 6 a /Tx field; 7 a
	 * terminal signature field whose kid 8 is its widget. */
	struct sceau_pdf_facts *f =
		FACTS("/AcroForm << /Fields [4 0 R 6 0 R 7 0 R] >>",
		      "<< /FT /Sig /T (parent) /Kids [5 0 R 10 0 R] >>",
		      "<< /T (child\\351) /Parent 4 0 R /V 9 0 R >>",
		      "<< /FT /Tx /T (text) /V (not a signature) >>",
		      "<< /FT /Sig /T (withwidget) /Kids [8 0 R] /V 11 0 R >>",
		      "<< /Type /Annot /Subtype /Widget /Parent 7 0 R /V 12 0 R >>",
		      "<< /Type /Sig /SubFilter /adbe.pkcs7.detached >>",
		      "<< /T (unsigned) /Parent 4 0 R >>", "<< /Type /Sig /Filter /Second >>",
		      "<< /Type /Sig /Filter /Widget >>");

	ck_assert_uint_eq(f->nsig_fields, 3);
	ck_assert_uint_eq(f->nsigs, 2);
	ck_assert_str_eq(f->sigs[0].field, "child\xc3\xa9"); /* PDFDocEncoding é */
	ck_assert_str_eq(f->sigs[0].subfilter, "adbe.pkcs7.detached");
	ck_assert_ptr_null(f->sigs[0].filter);
	ck_assert_int_eq(f->sigs[0].objid, 9);
	ck_assert_str_eq(f->sigs[1].field, "withwidget");
	ck_assert_str_eq(f->sigs[1].filter, "Second");
	ck_assert_int_eq(f->has_perms_docmdp, 0);
	sceau_pdf_facts_free(f);
}
END_TEST

START_TEST(test_pdfread_adds_docmdp_no_field_points_to)
{
	struct sceau_pdf_facts *f;

	/* indirect, no field */
	f = FACTS("/Perms << /DocMDP 4 0 R >>", "<< " SIGDICT " " DOCMDP_REF " >>");
	ck_assert_int_eq(f->has_perms_docmdp, 1);
	ck_assert_uint_eq(f->nsig_fields, 0);
	ck_assert_uint_eq(f->nsigs, 1);
	ck_assert_ptr_null(f->sigs[0].field);
	ck_assert_int_eq(f->sigs[0].docmdp, 1);
	ck_assert_int_eq(f->sigs[0].docmdp_p, 1);
	ck_assert_int_eq(f->sigs[0].objid, 4);
	sceau_pdf_facts_free(f);

	/* direct, besides a field with another signature */
	f = FACTS("/AcroForm << /Fields [4 0 R] >> /Perms << /DocMDP << /Filter /Direct "
		  "/Reference [<< /TransformMethod /DocMDP /TransformParams << /P 2 >> >>] >> >>",
		  "<< /FT /Sig /T (S) /V 5 0 R >>", "<< " SIGDICT " >>");
	ck_assert_uint_eq(f->nsigs, 2);
	ck_assert_int_eq(f->sigs[0].docmdp, 0);
	ck_assert_str_eq(f->sigs[1].filter, "Direct");
	ck_assert_ptr_null(f->sigs[1].field);
	ck_assert_int_eq(f->sigs[1].objid, 0);
	ck_assert_int_eq(f->sigs[1].docmdp, 1);
	ck_assert_int_eq(f->sigs[1].docmdp_p, 2);
	sceau_pdf_facts_free(f);

	/* not a dictionary: noted, nothing added */
	f = FACTS("/Perms << /DocMDP 42 >>", NULL);
	ck_assert_int_eq(f->has_perms_docmdp, 1);
	ck_assert_uint_eq(f->nsigs, 0);
	sceau_pdf_facts_free(f);
}
END_TEST

START_TEST(test_pdfread_docmdp_p_needs_an_integer)
{
	struct sceau_pdf_facts *f =
		FACTS("/AcroForm << /Fields [4 0 R] >>", "<< /FT /Sig /T (S) /V 5 0 R >>",
		      "<< /Reference [<< /TransformMethod /FieldMDP /TransformParams << /P 3 >> >> "
		      "<< /TransformMethod /DocMDP /TransformParams << /P (1) >> >>] >>");

	ck_assert_int_eq(f->sigs[0].docmdp_p, 0);
	ck_assert_int_eq(f->sigs[0].docmdp, 0);
	sceau_pdf_facts_free(f);
}
END_TEST

/* ---- hostile field trees ------------------------------------------------------ */

START_TEST(test_pdfread_counts_1000_signature_fields_keeps_32)
{
	struct pdfb b;
	struct sceau_pdf_facts *f;
	unsigned char *pdf;
	size_t len;

	pb_start(&b);
	pb_begin(&b, 1);
	pb_printf(&b, "<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [");
	for (int i = 0; i < 1000; i++)
		pb_printf(&b, "%d 0 R ", 4 + 2 * i);
	pb_printf(&b, "] >> >>\nendobj\n");
	pb_obj(&b, 2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
	pb_obj(&b, 3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>");
	for (int i = 0; i < 1000; i++) {
		pb_obj(&b, 4 + 2 * i, "<< /FT /Sig /T (Sig%d) /V %d 0 R >>", i, 5 + 2 * i);
		pb_obj(&b, 5 + 2 * i, "<< " SIGDICT " >>");
	}
	pdf = pb_finish(&b, 0, &len);
	f = read_ok(pdf, len);
	ck_assert_uint_eq(f->nsig_fields, 1000);
	ck_assert_uint_eq(f->nsigs, SCEAU_PDF_SIGS_MAX);
	ck_assert_str_eq(f->sigs[0].field, "Sig0");
	ck_assert_str_eq(f->sigs[SCEAU_PDF_SIGS_MAX - 1].field, "Sig31");
	sceau_pdf_facts_free(f);
	free(pdf);
}
END_TEST

START_TEST(test_pdfread_refuses_kids_cycle)
{
	REFUSED("/AcroForm << /Fields [4 0 R] >>", "reached twice in the form field tree",
		"<< /FT /Sig /T (a) /Kids [5 0 R] >>", "<< /T (b) /Kids [4 0 R] >>");
	/* a field that is its own kid */
	REFUSED("/AcroForm << /Fields [4 0 R] >>", "reached twice", "<< /T (a) /Kids [4 0 R] >>");
	/* one field listed twice */
	REFUSED("/AcroForm << /Fields [4 0 R 4 0 R] >>", "object 4 is reached twice",
		"<< /FT /Sig /T (a) >>");
}
END_TEST

START_TEST(test_pdfread_refuses_deep_field_tree)
{
	struct pdfb b;
	unsigned char *pdf;
	size_t len;
	int depth = SCEAU_PDF_DEPTH_MAX + 1;

	pb_doc(&b, "/AcroForm << /Fields [4 0 R] >>");
	for (int i = 0; i < depth; i++)
		if (i + 1 < depth)
			pb_obj(&b, 4 + i, "<< /FT /Sig /T (f%d) /Kids [%d 0 R] >>", i, 5 + i);
		else
			pb_obj(&b, 4 + i, "<< /T (leaf) >>");
	pdf = pb_finish(&b, 0, &len);
	read_refused(pdf, len, "form fields nested deeper than 16");
	free(pdf);

	/* one level less is read */
	pb_doc(&b, "/AcroForm << /Fields [4 0 R] >>");
	for (int i = 0; i < depth - 1; i++)
		if (i + 2 < depth)
			pb_obj(&b, 4 + i, "<< /FT /Sig /T (f%d) /Kids [%d 0 R] >>", i, 5 + i);
		else
			pb_obj(&b, 4 + i, "<< /T (leaf) >>");
	pdf = pb_finish(&b, 0, &len);
	{
		struct sceau_pdf_facts *f = read_ok(pdf, len);
		ck_assert_uint_eq(f->nsig_fields, 1);
		sceau_pdf_facts_free(f);
	}
	free(pdf);
}
END_TEST

START_TEST(test_pdfread_bounds_nodes_visited)
{
	struct pdfb b;
	unsigned char *pdf;
	size_t len;

	/* 20,000 null fields: too many objects to look at */
	pb_doc(&b, "/AcroForm << /Fields 4 0 R >>");
	pb_begin(&b, 4);
	pb_printf(&b, "[");
	for (int i = 0; i < 20000; i++)
		pb_printf(&b, "null ");
	pb_printf(&b, "]\nendobj\n");
	pdf = pb_finish(&b, 0, &len);
	read_refused(pdf, len, "more than 10000 objects in the form field tree");
	free(pdf);
}
END_TEST

/* ---- the QR text -------------------------------------------------------------- */

START_TEST(test_pdfread_reads_qr_text_from_info)
{
	size_t len;
	unsigned char *pdf;
	struct sceau_pdf_facts *f;

	pdf = doc_with(NULL,
		       (const char *const[]){"<< /Producer (x) /SceauQR (MA1:6BF+S0$ X) >>", NULL},
		       4, &len);
	f = read_ok(pdf, len);
	ck_assert_str_eq(f->qr_text, "MA1:6BF+S0$ X");
	sceau_pdf_facts_free(f);
	free(pdf);

	/* a NUL, a control character, a non-ASCII byte, not a string */
	static const char *const bad[] = {"<4d413a00>", "(MA1:\\n)", "<4d41e9>", "/MA1"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *info = NULL;
		ck_assert(asprintf(&info, "<< /SceauQR %s >>", bad[i]) > 0);
		pdf = doc_with(NULL, (const char *const[]){info, NULL}, 4, &len);
		read_refused(pdf, len, "'SceauQR'");
		free(pdf);
		free(info);
	}
}
END_TEST

/* ---- the embedded record ------------------------------------------------------ */

#define RECORD "{\"type\":\"coc\",\"number\":\"X-1\"}"
#define FILESPEC(ef)                                                                               \
	"<< /Type /Filespec /F (certificate.json) /UF (certificate.json) /EF << /F " ef " >> >>"

/* A document embedding `data` as certificate.json with `dict` stream
 * entries, in a name tree: 4 the tree root, 5 the filespec, 6 the stream. */
static unsigned char *embed_doc(const char *dict, const void *data, size_t n, size_t *len)
{
	struct pdfb b;

	pb_doc(&b, "/Names << /EmbeddedFiles 4 0 R >>");
	pb_obj(&b, 4, "<< /Names [(a.txt) null (certificate.json) 5 0 R] >>");
	pb_obj(&b, 5, FILESPEC("6 0 R"));
	pb_stream(&b, 6, dict, data, n);
	return pb_finish(&b, 0, len);
}

static unsigned char *deflate_buf(const void *data, size_t n, size_t *out_len)
{
	uLongf cap = compressBound((uLong)n);
	unsigned char *z = malloc(cap);

	ck_assert_ptr_nonnull(z);
	ck_assert_int_eq(compress2(z, &cap, data, (uLong)n, 9), Z_OK);
	*out_len = cap;
	return z;
}

START_TEST(test_pdfread_reads_embedded_record)
{
	size_t len, zlen;
	unsigned char *z = deflate_buf(RECORD, strlen(RECORD), &zlen), *pdf;
	struct sceau_pdf_facts *f;
	static const char *const dicts[] = {"/Type /EmbeddedFile", "/Filter /FlateDecode",
					    "/Filter [/FlateDecode] /DecodeParms << >>"};

	for (size_t i = 0; i < 3; i++) {
		if (i == 0)
			pdf = embed_doc(dicts[i], RECORD, strlen(RECORD), &len);
		else
			pdf = embed_doc(dicts[i], z, zlen, &len);
		f = read_ok(pdf, len);
		ck_assert_ptr_nonnull(f->record_json);
		ck_assert_uint_eq(f->record_len, strlen(RECORD));
		ck_assert_str_eq((char *)f->record_json, RECORD);
		sceau_pdf_facts_free(f);
		free(pdf);
	}
	free(z);
}
END_TEST

START_TEST(test_pdfread_finds_record_in_name_tree_kids)
{
	struct pdfb b;
	unsigned char *pdf;
	struct sceau_pdf_facts *f;
	size_t len;

	pb_doc(&b, "/Names << /EmbeddedFiles << /Kids [4 0 R 5 0 R] >> >>");
	pb_obj(&b, 4, "<< /Limits [(a) (b)] /Names [(a) 6 0 R (b) 6 0 R] >>");
	pb_obj(&b, 5, "<< /Kids [7 0 R] >>");
	pb_obj(&b, 6, "<< /Type /Filespec /F (a) >>");
	pb_obj(&b, 7, "<< /Names [(certificate.json) 8 0 R] >>");
	pb_obj(&b, 8, FILESPEC("9 0 R"));
	pb_stream(&b, 9, "", RECORD, strlen(RECORD));
	pdf = pb_finish(&b, 0, &len);
	f = read_ok(pdf, len);
	ck_assert_str_eq((char *)f->record_json, RECORD);
	sceau_pdf_facts_free(f);
	free(pdf);
}
END_TEST

START_TEST(test_pdfread_refuses_bad_embedded_record)
{
	size_t len, zlen, big = (size_t)64 << 20; /* 64 MiB of spaces: a zlib bomb */
	unsigned char *spaces = malloc(big), *z, *pdf;
	char bad_z[] = "x\x9c not really zlib";

	ck_assert_ptr_nonnull(spaces);
	memset(spaces, ' ', big);
	z = deflate_buf(spaces, big, &zlen);
	free(spaces);
	ck_assert_uint_lt(zlen, 100000);
	pdf = embed_doc("/Filter /FlateDecode", z, zlen, &len);
	read_refused(pdf, len, "embedded file 'certificate.json': zlib: output larger than");
	free(pdf);
	free(z);

	pdf = embed_doc("/Filter /FlateDecode", bad_z, sizeof(bad_z) - 1, &len);
	read_refused(pdf, len, "embedded file 'certificate.json': zlib:");
	free(pdf);

	/* stored, one byte over the maximum */
	spaces = calloc(1, SCEAU_PDF_EMBED_MAX + 1);
	ck_assert_ptr_nonnull(spaces);
	pdf = embed_doc("", spaces, SCEAU_PDF_EMBED_MAX + 1, &len);
	read_refused(pdf, len, "larger than 1048576 bytes");
	free(pdf);
	free(spaces);

	static const char *const filters[] = {
		"/Filter /ASCIIHexDecode", "/Filter [/FlateDecode /FlateDecode]",
		"/Filter /FlateDecode /DecodeParms << /Predictor 12 >>", "/Filter (FlateDecode)"};
	for (size_t i = 0; i < 4; i++) {
		pdf = embed_doc(filters[i], "414243>", 7, &len);
		read_refused(pdf, len, "filter other than FlateDecode");
		free(pdf);
	}
}
END_TEST

START_TEST(test_pdfread_refuses_ambiguous_or_broken_filespec)
{
	/* named twice */
	REFUSED("/Names << /EmbeddedFiles 4 0 R >>", "two embedded files named 'certificate.json'",
		"<< /Names [(certificate.json) 5 0 R (certificate.json) 5 0 R] >>",
		FILESPEC("6 0 R"), "<< /Length 0 >>\nstream\n\nendstream");
	/* no /EF, or /EF /F not a stream */
	REFUSED("/Names << /EmbeddedFiles 4 0 R >>", "has no stream",
		"<< /Names [(certificate.json) 5 0 R] >>", "<< /Type /Filespec /F (x) >>");
	REFUSED("/Names << /EmbeddedFiles 4 0 R >>", "has no stream",
		"<< /Names [(certificate.json) 5 0 R] >>", FILESPEC("(data)"));
	/* a name tree cycle, and one too deep */
	REFUSED("/Names << /EmbeddedFiles 4 0 R >>", "reached twice in the embedded file name tree",
		"<< /Kids [5 0 R] >>", "<< /Kids [4 0 R] >>");
	{
		struct pdfb b;
		unsigned char *pdf;
		size_t len;

		pb_doc(&b, "/Names << /EmbeddedFiles 4 0 R >>");
		for (int i = 0; i < SCEAU_PDF_DEPTH_MAX + 1; i++)
			pb_obj(&b, 4 + i, "<< /Kids [%d 0 R] >>", 5 + i);
		pb_obj(&b, 5 + SCEAU_PDF_DEPTH_MAX, "<< /Names [] >>");
		pdf = pb_finish(&b, 0, &len);
		read_refused(pdf, len, "embedded file names nested deeper than 16");
		free(pdf);
	}
}
END_TEST

/* ---- hostile files ------------------------------------------------------------ */

START_TEST(test_pdfread_refuses_non_pdf)
{
	static const char junk[] = "hello, this is not a PDF\n";
	struct sceau_error err = {0};
	struct sceau_pdf_facts *f = NULL;

	read_refused("", 0, "not a PDF: no %PDF header");
	read_refused(junk, sizeof(junk) - 1, "not a PDF: no %PDF header");
	read_refused("%PDF", 4, "not a PDF");
	/* a header later than offset 0 is refused too */
	read_refused(" %PDF-1.7\n", 10, "not a PDF");
	/* a header and nothing else */
	read_refused("%PDF-1.7\n", 9, "cannot read the PDF: ");
	ck_assert_int_eq(read_pdf(NULL, 5, &f, &err), SCEAU_ERR_INVALID);
	ck_assert_int_eq(read_pdf("%PDF-", 5, NULL, &err), SCEAU_ERR_INVALID);
}
END_TEST

/* Where the last startxref's number ends: a file cut before it has lost
 * part of what a reader needs (after it, only "%%EOF" is missing, which
 * readers forgive). */
static size_t xref_end(const unsigned char *pdf, size_t len)
{
	const unsigned char *p = NULL, *q = pdf;
	size_t left = len;

	while ((q = memmem(q, left, "startxref", 9)) != NULL) {
		p = q;
		q += 9;
		left = len - (size_t)(q - pdf);
	}
	ck_assert_ptr_nonnull(p);
	p += 9;
	while (*p == '\r' || *p == '\n')
		p++;
	while (*p >= '0' && *p <= '9')
		p++;
	return (size_t)(p - pdf) - 1;
}

START_TEST(test_pdfread_refuses_truncated_file)
{
	size_t len;
	unsigned char *pdf = DOC("/AcroForm << /Fields [4 0 R] >>", &len,
				 "<< /FT /Sig /T (S) /V << " SIGDICT " >> >>");

	for (size_t cut = 5; cut < xref_end(pdf, len); cut += cut < 64 ? 1 : 7)
		read_refused(pdf, cut, "cannot read the PDF: ");
	free(pdf);
}
END_TEST

START_TEST(test_pdfread_refuses_broken_xref)
{
	size_t len;
	unsigned char *pdf = DOC(NULL, &len, "<< /Filler (abc) >>");
	char *x = strstr((char *)pdf, "xref\n0 5\n"), *e;
	char *sx = strstr((char *)pdf, "startxref\n");

	ck_assert_ptr_nonnull(x);
	ck_assert_ptr_nonnull(sx);
	/* object 2 one byte off: "2 0 obj" no longer at its offset */
	e = x + strlen("xref\n0 5\n") + 20 * 2;
	e[9] = (char)(e[9] == '9' ? '0' : e[9] + 1);
	read_refused(pdf, len, "cannot read the PDF: PDF (object 2 0, offset");
	e[9] = (char)(e[9] == '0' ? '9' : e[9] - 1);
	/* startxref pointing nowhere */
	sx[10] = '1';
	read_refused(pdf, len, "cannot read the PDF: ");
	free(pdf);

	/* an xref with a /Prev loop */
	{
		struct pdfb b;
		size_t xref;

		pb_doc(&b, NULL);
		xref = b.len;
		pb_printf(&b, "xref\n0 4\n0000000000 65535 f \n");
		for (int i = 1; i <= 3; i++)
			pb_printf(&b, "%010zu 00000 n \n", b.off[i]);
		pb_printf(&b,
			  "trailer\n<< /Size 4 /Root 1 0 R /Prev %zu >>\nstartxref\n%zu\n%%%%EOF\n",
			  xref, xref);
		read_refused(b.buf, b.len, "cannot read the PDF: ");
		free(b.buf);
	}
}
END_TEST

START_TEST(test_pdfread_refuses_deep_nesting)
{
	struct pdfb b;
	unsigned char *pdf;
	size_t len;
	char *deep = malloc(200001);

	ck_assert_ptr_nonnull(deep);
	memset(deep, '[', 100000);
	memset(deep + 100000, ']', 100000);
	deep[200000] = '\0';
	/* 100,000 nested arrays as a signature's /ByteRange: libqpdf stops at
	 * 500 levels, warns and reads null, and a warning is a refusal */
	pb_doc(&b, "/AcroForm << /Fields [4 0 R] >>");
	pb_obj(&b, 4, "<< /FT /Sig /T (S) /V 5 0 R >>");
	pb_obj(&b, 5, "<< /ByteRange %s /Contents <00> >>", deep);
	pdf = pb_finish(&b, 0, &len);
	read_refused(pdf, len, "ignoring excessively deeply nested data structure");
	free(pdf);
	/* the same as the document catalog */
	pb_start(&b);
	pb_obj(&b, 1, "%s", deep);
	pdf = pb_finish(&b, 0, &len);
	read_refused(pdf, len, "cannot read the PDF: ");
	free(pdf);
	free(deep);
}
END_TEST

START_TEST(test_pdfread_refuses_damaged_objects)
{
	/* libqpdf would read each of these as null, with a warning */
	REFUSED("/AcroForm << /Fields [4 0 R] >>",
		"cannot read the PDF: ", "<< /FT /Sig /T (S) /V 5 0 R >>",
		"<< /Contents <00> /ByteRange [0 1 2 3] @@@ ) >>");
	REFUSED("/AcroForm << /Fields [4 0 R] >>",
		"cannot read the PDF: ", "<< /FT /Sig /T (S) /V 5 0 R >>", "<< /Contents <0g> >>");
	REFUSED("/Names << /EmbeddedFiles 4 0 R >>", "cannot read the PDF: ", "<< /Names [(a) >>");
}
END_TEST

START_TEST(test_pdfread_refuses_huge_length)
{
	struct pdfb b;
	unsigned char *pdf;
	size_t len;

	pb_doc(&b, "/Names << /EmbeddedFiles << /Names [(certificate.json) 4 0 R] >> >>");
	pb_obj(&b, 4, FILESPEC("5 0 R"));
	pb_begin(&b, 5);
	pb_printf(&b, "<< /Length 9223372036854775000 >>\nstream\n" RECORD "\nendstream\nendobj\n");
	pdf = pb_finish(&b, 0, &len);
	read_refused(pdf, len, "cannot read the PDF: PDF (object 5 0, offset");
	free(pdf);

	pb_doc(&b, "/Names << /EmbeddedFiles << /Names [(certificate.json) 4 0 R] >> >>");
	pb_obj(&b, 4, FILESPEC("5 0 R"));
	pb_begin(&b, 5);
	pb_printf(&b, "<< /Length 4000000000 >>\nstream\n" RECORD "\nendstream\nendobj\n");
	pdf = pb_finish(&b, 0, &len);
	read_refused(pdf, len, "cannot read the PDF: PDF (object 5 0, offset");
	free(pdf);
}
END_TEST

START_TEST(test_pdfread_refuses_page_tree_loop)
{
	size_t len;
	struct pdfb b;
	unsigned char *pdf;

	/* a page tree node that is its own kid */
	pb_start(&b);
	pb_obj(&b, 1, "<< /Type /Catalog /Pages 2 0 R >>");
	pb_obj(&b, 2, "<< /Type /Pages /Kids [2 0 R] /Count 1 >>");
	pdf = pb_finish(&b, 0, &len);
	read_refused(pdf, len, "Loop detected in /Pages structure");
	free(pdf);
	/* two nodes that are each other's kid */
	pb_start(&b);
	pb_obj(&b, 1, "<< /Type /Catalog /Pages 2 0 R >>");
	pb_obj(&b, 2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
	pb_obj(&b, 3, "<< /Type /Pages /Kids [2 0 R] /Parent 2 0 R /Count 1 >>");
	pdf = pb_finish(&b, 0, &len);
	read_refused(pdf, len, "Loop detected in /Pages structure");
	free(pdf);
}
END_TEST

START_TEST(test_pdfread_refuses_missing_catalog)
{
	struct pdfb b;
	unsigned char *pdf;
	size_t len;

	pb_start(&b);
	pb_obj(&b, 1, "[1 2 3]");
	pdf = pb_finish(&b, 0, &len);
	read_refused(pdf, len, "cannot read the PDF: ");
	free(pdf);
}
END_TEST

/* ---- what libqpdf would inflate by itself --------------------------------- */

/* n zero bytes compressed `times` times over (caller frees). */
static unsigned char *zeros_z(size_t n, int times, size_t *zlen)
{
	unsigned char *data = calloc(1, n ? n : 1), *z;

	ck_assert_ptr_nonnull(data);
	*zlen = n;
	for (int i = 0; i < times; i++) {
		z = deflate_buf(data, *zlen, zlen);
		free(data);
		data = z;
	}
	return data;
}

/* "stream" + data + "endstream", `count` times, then scanned. */
static enum sceau_err scan(const unsigned char *data, size_t n, int count, struct sceau_error *err)
{
	struct pdfb b;
	enum sceau_err ret;

	pb_start(&b);
	for (int i = 0; i < count; i++) {
		pb_printf(&b, "%d 0 obj\n<< /Length %zu >>\nstream\r\n", i + 1, n);
		pb_put(&b, data, n);
		pb_printf(&b, "\nendstream\nendobj\n");
	}
	sceau_error_clear(err);
	ret = sceau_pdf_scan_flate((unsigned char *)b.buf, b.len, err);
	free(b.buf);
	return ret;
}

START_TEST(test_pdfread_scan_bounds_flate_streams_and_chains)
{
	struct sceau_error err = {0};
	unsigned char *z;
	size_t zlen, over = SCEAU_PDF_INFLATE_MAX + 1;

	/* one level: at the bound, and one byte over */
	z = zeros_z(SCEAU_PDF_INFLATE_MAX, 1, &zlen);
	ck_assert_msg(scan(z, zlen, 1, &err) == SCEAU_OK, "%s", err.msg);
	free(z);
	z = zeros_z(over, 1, &zlen);
	ck_assert_int_eq(scan(z, zlen, 1, &err), SCEAU_ERR_FORMAT);
	ck_assert_ptr_nonnull(strstr(err.msg, "expands beyond 16777216 bytes"));
	free(z);
	/* /FlateDecode twice: the inner level is bounded too */
	z = zeros_z(SCEAU_PDF_INFLATE_MAX / 2, 2, &zlen);
	ck_assert_msg(scan(z, zlen, 1, &err) == SCEAU_OK, "%s", err.msg);
	free(z);
	z = zeros_z(over, 2, &zlen);
	ck_assert_uint_lt(zlen, 1000);
	ck_assert_int_eq(scan(z, zlen, 1, &err), SCEAU_ERR_FORMAT);
	ck_assert_ptr_nonnull(strstr(err.msg, "expands beyond"));
	free(z);
	/* four layers are read, five are not */
	z = zeros_z(1000, SCEAU_PDF_CHAIN_MAX, &zlen);
	ck_assert_msg(scan(z, zlen, 1, &err) == SCEAU_OK, "%s", err.msg);
	free(z);
	z = zeros_z(1000, SCEAU_PDF_CHAIN_MAX + 1, &zlen);
	ck_assert_int_eq(scan(z, zlen, 1, &err), SCEAU_ERR_FORMAT);
	ck_assert_ptr_nonnull(strstr(err.msg, "compressed more than 4 times"));
	free(z);
	/* every stream within its bound, all together beyond theirs */
	z = zeros_z(SCEAU_PDF_INFLATE_MAX - 4096, 1, &zlen);
	ck_assert_msg(scan(z, zlen, 3, &err) == SCEAU_OK, "%s", err.msg);
	ck_assert_int_eq(scan(z, zlen, 5, &err), SCEAU_ERR_FORMAT);
	ck_assert_ptr_nonnull(strstr(err.msg, "expands beyond 67108864 bytes"));
	free(z);
	/* many tiny streams cost time too */
	z = zeros_z(1, 1, &zlen);
	ck_assert_int_eq(scan(z, zlen, 70000, &err), SCEAU_ERR_FORMAT);
	free(z);
	/* not zlib, and after endstream: nothing to inflate */
	ck_assert_int_eq(scan((const unsigned char *)"xyz", 3, 1, &err), SCEAU_OK);
	ck_assert_int_eq(sceau_pdf_scan_flate((const unsigned char *)"endstream\nx\x9c", 12, &err),
			 SCEAU_OK);
}
END_TEST

START_TEST(test_pdfread_reads_xref_stream)
{
	struct pdfb b;
	struct sceau_pdf_facts *f;
	unsigned char *pdf;
	size_t len;

	pb_doc(&b, "/AcroForm << /Fields [4 0 R] >>");
	pb_obj(&b, 4, "<< /FT /Sig /T (S) /V << " SIGDICT " >> >>");
	pdf = pb_finish_xrefstm(&b, 5, 0, &len);
	ck_assert_ptr_null(memmem(pdf, len, "trailer", 7));
	f = read_ok(pdf, len);
	ck_assert_uint_eq(f->nsigs, 1);
	ck_assert_str_eq(f->sigs[0].field, "S");
	sceau_pdf_facts_free(f);
	free(pdf);
}
END_TEST

START_TEST(test_pdfread_refuses_xref_stream_bomb)
{
	struct pdfb b;
	unsigned char *pdf;
	size_t len;

	/* 17 MiB of zeros after the entries: libqpdf would inflate them all
	 * (then warn about the size) */
	pb_doc(&b, NULL);
	pdf = pb_finish_xrefstm(&b, 4, SCEAU_PDF_INFLATE_MAX + 1, &len);
	ck_assert_uint_lt(len, 100000);
	read_refused(pdf, len, "expands beyond 16777216 bytes");
	free(pdf);
}
END_TEST

START_TEST(test_pdfread_scans_only_when_xref_streams_are_used)
{
	struct pdfb b;
	struct sceau_pdf_facts *f;
	unsigned char *pdf, *z;
	size_t len, zlen;

	/* a classic table: libqpdf decodes nothing, an unused bomb is left alone */
	z = zeros_z(SCEAU_PDF_INFLATE_MAX + 1, 1, &zlen);
	pb_doc(&b, NULL);
	pb_stream(&b, 4, "/Filter /FlateDecode", z, zlen);
	pdf = pb_finish(&b, 0, &len);
	f = read_ok(pdf, len);
	sceau_pdf_facts_free(f);
	free(pdf);
	/* a hybrid one (/XRefStm): read with cross-reference streams, so scanned */
	pb_doc(&b, NULL);
	pb_stream(&b, 4, "/Filter /FlateDecode", z, zlen);
	pdf = pb_finish_x(&b, 0, "/XRefStm 9", &len);
	read_refused(pdf, len, "expands beyond 16777216 bytes");
	free(pdf);
	free(z);
}
END_TEST

/* ---- real documents ----------------------------------------------------------- */

/* A fake but well-formed QR text: the prefix and Base45 characters. */
#define QR_TEXT                                                                                    \
	"MA1:NCFOXN%TS3DH3ZSUZK+.V0ETD%65NL-AH-R6IOO6+IUKRG*I.I5BROCWAAT4V22F/8X*G3M9JUPY0BX/"     \
	"KR96R/S09T./0LWTKD33236LWTKD33236LWTKD33236LWTKD33236"

static unsigned char *render_coc(size_t *len, char **json)
{
	struct sceau_error err = {0};
	struct sceau_renderer *r = NULL;
	struct sceau_record *rec = NULL;
	struct sceau_render_info info = {BODY, QR_TEXT, 1795514400, NULL};
	unsigned char *pdf = NULL;
	unsigned pages = 0;

	ck_assert_msg(sceau_renderer_new(SCEAU_TEMPLATES, &r, &err) == SCEAU_OK, "%s", err.msg);
	ck_assert_msg(sceau_record_load(SCEAU_EXAMPLES "/coc.json", &rec, &err) == SCEAU_OK, "%s",
		      err.msg);
	ck_assert_msg(sceau_render(r, rec, &info, &pdf, len, &pages, &err) == SCEAU_OK, "%s",
		      err.msg);
	ck_assert_uint_eq(pages, 1);
	ck_assert_msg(sceau_record_to_json(rec, json, &err) == SCEAU_OK, "%s", err.msg);
	sceau_record_free(rec);
	sceau_renderer_free(r);
	return pdf;
}

/* The rendered CoC's page count, QR text and record. */
static void assert_coc_content(const struct sceau_pdf_facts *f, const char *json)
{
	ck_assert_uint_eq(f->pages, 1);
	ck_assert_str_eq(f->qr_text, QR_TEXT);
	ck_assert_ptr_nonnull(f->record_json);
	ck_assert_uint_eq(f->record_len, strlen(json));
	ck_assert_str_eq((char *)f->record_json, json);
}

/* The same, and no signature. */
static void assert_coc_facts(const struct sceau_pdf_facts *f, const char *json)
{
	assert_coc_content(f, json);
	ck_assert_uint_eq(f->nsigs, 0);
	ck_assert_uint_eq(f->nsig_fields, 0);
}

/* qpdf with args on the file `in` in tmp; returns the bytes of `out`. */
static unsigned char *qpdf_variant(const char *in, const char *const *args, size_t *len)
{
	const char *argv[16] = {"qpdf"};
	char *out = tu_path(tmp, "variant.pdf"), *data;
	struct tu_proc p;
	size_t n = 1;

	for (size_t i = 0; args[i]; i++)
		argv[n++] = args[i];
	argv[n++] = in;
	argv[n++] = out;
	argv[n] = NULL;
	tu_run(&p, tmp, NULL, argv);
	ck_assert_msg(p.status == 0, "qpdf exited with %d: %s", p.status, p.err);
	tu_proc_free(&p);
	data = tu_read(out, len);
	ck_assert_ptr_nonnull(data);
	free(out);
	return (unsigned char *)data;
}
#define QPDF(in, len, ...) qpdf_variant((in), (const char *const[]){__VA_ARGS__, NULL}, (len))

START_TEST(test_pdfread_reads_rendered_coc)
{
	char *json = NULL, *path = tu_path(tmp, "coc.pdf");
	size_t len, vlen;
	unsigned char *pdf = render_coc(&len, &json), *v;
	struct sceau_pdf_facts *f = read_ok(pdf, len);

	assert_coc_facts(f, json);
	sceau_pdf_facts_free(f);
	tu_write(path, (char *)pdf, len);

	/* object streams and a cross-reference stream */
	v = QPDF(path, &vlen, "--object-streams=generate");
	ck_assert_ptr_null(memmem(v, vlen, "\ntrailer", 8));
	f = read_ok(v, vlen);
	assert_coc_facts(f, json);
	sceau_pdf_facts_free(f);
	free(v);

	/* the embedded file stored uncompressed */
	v = QPDF(path, &vlen, "--stream-data=uncompress", "--decode-level=generalized");
	f = read_ok(v, vlen);
	assert_coc_facts(f, json);
	sceau_pdf_facts_free(f);
	free(v);

	/* a document cut anywhere in its last tenth is refused */
	for (size_t cut = len - len / 10; cut < xref_end(pdf, len); cut += 97)
		read_refused(pdf, cut, "cannot read the PDF: ");
	free(pdf);
	free(json);
	free(path);
}
END_TEST

/* A tool that must succeed, run in tmp. */
static void run_tool(const char *const *argv)
{
	struct tu_proc p;

	tu_run(&p, tmp, NULL, argv);
	ck_assert_msg(p.status == 0, "%s exited with %d: %s", argv[0], p.status, p.err);
	tu_proc_free(&p);
}
#define RUN(...) run_tool((const char *const[]){__VA_ARGS__, NULL})

START_TEST(test_pdfread_reads_pdfsig_signature)
{
	char *json = NULL, *in = tu_path(tmp, "coc.pdf"), *out = tu_path(tmp, "signed.pdf");
	char *noise = tu_path(tmp, "noise"), *db = NULL;
	size_t len, slen;
	unsigned char *pdf = render_coc(&len, &json), *signed_pdf;
	struct sceau_pdf_facts *f;
	const struct sceau_pdf_sig *s;

	/* poppler's pdfsig signs with a key in an NSS database */
	ck_assert(asprintf(&db, "sql:%s/nss", tmp) > 0);
	RUN("mkdir", "nss");
	RUN("certutil", "-N", "-d", db, "--empty-password");
	tu_write(noise, "0123456789abcdef0123456789abcdef0123456789abcdef", 48);
	RUN("certutil", "-S", "-d", db, "-n", "signer", "-s", "CN=Test Signer", "-x", "-t",
	    "CT,C,C", "-k", "rsa", "-g", "2048", "-Z", "SHA256", "-z", noise, "-v", "12");
	tu_write(in, (char *)pdf, len);
	RUN("pdfsig", "-add-signature", "-nssdir", db, "-nick", "signer", in, out);
	signed_pdf = (unsigned char *)tu_read(out, &slen);
	ck_assert_ptr_nonnull(signed_pdf);

	f = read_ok(signed_pdf, slen);
	ck_assert_uint_eq(f->nsig_fields, 1);
	ck_assert_uint_eq(f->nsigs, 1);
	ck_assert_int_eq(f->has_perms_docmdp, 0);
	s = &f->sigs[0];
	ck_assert_ptr_nonnull(s->field);
	ck_assert_str_eq(s->filter, "Adobe.PPKLite");
	ck_assert_str_eq(s->subfilter, "adbe.pkcs7.detached");
	ck_assert_ptr_nonnull(s->m);
	ck_assert_int_eq(strncmp(s->m, "D:", 2), 0);
	ck_assert_int_gt(s->objid, 0);
	ck_assert_int_eq(s->byterange_kind, SCEAU_PDF_OK);
	ck_assert_int_eq(s->byterange_ints, 1);
	ck_assert_int_eq(s->byterange[0], 0);
	ck_assert_int_eq(s->byterange[2] + s->byterange[3], (long long)slen);
	/* the gap is the hex string <...>: two hex digits a byte */
	ck_assert_int_eq(signed_pdf[s->byterange[1]], '<');
	ck_assert_int_eq(signed_pdf[s->byterange[2] - 1], '>');
	ck_assert_int_eq(s->contents_kind, SCEAU_PDF_OK);
	ck_assert_int_eq((long long)s->contents_len * 2 + 2, s->byterange[2] - s->byterange[1]);
	ck_assert_int_eq(s->contents[0], 0x30); /* a DER SEQUENCE: the CMS */
	ck_assert_int_eq(s->docmdp, 0);
	/* the first revision's record and QR text, through the update */
	assert_coc_content(f, json);
	sceau_pdf_facts_free(f);
	free(signed_pdf);
	free(pdf);
	free(json);
	free(in);
	free(out);
	free(noise);
	free(db);
}
END_TEST

START_TEST(test_pdfread_refuses_encrypted)
{
	char *json = NULL, *path = tu_path(tmp, "coc.pdf");
	size_t len, vlen;
	unsigned char *pdf = render_coc(&len, &json), *v;

	tu_write(path, (char *)pdf, len);
	/* an empty user password: libqpdf could open it */
	v = QPDF(path, &vlen, "--encrypt", "", "owner", "256", "--");
	read_refused(v, vlen, "cannot read the PDF: it is encrypted");
	free(v);
	v = QPDF(path, &vlen, "--encrypt", "user", "owner", "256", "--");
	read_refused(v, vlen, "cannot read the PDF: it is encrypted");
	free(v);
	free(pdf);
	free(json);
	free(path);
}
END_TEST

TU_MAIN("pdfread", setup, teardown, test_pdfread_plain_document_has_nothing,
	test_pdfread_reads_certification_signature, test_pdfread_reports_odd_byterange_and_contents,
	test_pdfread_marks_oversized_contents_wrong,
	test_pdfread_inherits_field_type_and_skips_widgets,
	test_pdfread_adds_docmdp_no_field_points_to, test_pdfread_docmdp_p_needs_an_integer,
	test_pdfread_counts_1000_signature_fields_keeps_32, test_pdfread_refuses_kids_cycle,
	test_pdfread_refuses_deep_field_tree, test_pdfread_bounds_nodes_visited,
	test_pdfread_reads_qr_text_from_info, test_pdfread_reads_embedded_record,
	test_pdfread_finds_record_in_name_tree_kids, test_pdfread_refuses_bad_embedded_record,
	test_pdfread_refuses_ambiguous_or_broken_filespec, test_pdfread_refuses_non_pdf,
	test_pdfread_refuses_truncated_file, test_pdfread_refuses_broken_xref,
	test_pdfread_refuses_deep_nesting, test_pdfread_refuses_damaged_objects,
	test_pdfread_refuses_huge_length, test_pdfread_refuses_page_tree_loop,
	test_pdfread_refuses_missing_catalog, test_pdfread_scan_bounds_flate_streams_and_chains,
	test_pdfread_reads_xref_stream, test_pdfread_refuses_xref_stream_bomb,
	test_pdfread_scans_only_when_xref_streams_are_used, test_pdfread_reads_rendered_coc,
	test_pdfread_reads_pdfsig_signature, test_pdfread_refuses_encrypted)
