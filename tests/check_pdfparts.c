/* sceau tests — the low-level PDF pieces (part: render, pdfdoc.c), checked
 * with the tools a reader of the PDF would use: poppler (pdftoppm, pdfinfo,
 * pdfdetach), qpdf and zbar. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <openssl/evp.h>
#include <png.h>
#include <qrencode.h>
#include <zlib.h>

#include "pdfdoc_int.h"
#include "testutil.h"

static char *tmp;

static void setup(void)
{
	tmp = tu_tmpdir();
}

static void teardown(void)
{
	tu_rmrf(tmp);
	free(tmp);
}

/* Run a tool in tmp; it must succeed. Returns its stdout (caller frees). */
static char *tool(const char *const *argv)
{
	struct tu_proc p;
	const char *env[] = {"TZ=UTC", NULL};
	char *out;

	tu_run(&p, tmp, env, argv);
	ck_assert_msg(p.status == 0, "%s exited with %d: %s", argv[0], p.status, p.err);
	out = p.out;
	p.out = NULL;
	tu_proc_free(&p);
	return out;
}
#define TOOL(...) tool((const char *const[]){__VA_ARGS__, NULL})

static HPDF_Doc doc_new(struct sceau_pdf_err *rec)
{
	struct sceau_error err = {0};
	HPDF_Doc pdf = NULL;

	ck_assert_int_eq(sceau_pdf_new(rec, &pdf, &err), SCEAU_OK);
	ck_assert_ptr_nonnull(pdf);
	return pdf;
}

static HPDF_Page page_new(HPDF_Doc pdf, double w, double h)
{
	HPDF_Page page = HPDF_AddPage(pdf);

	ck_assert_ptr_nonnull(page);
	ck_assert_int_eq(HPDF_Page_SetWidth(page, (HPDF_REAL)w), HPDF_OK);
	ck_assert_int_eq(HPDF_Page_SetHeight(page, (HPDF_REAL)h), HPDF_OK);
	return page;
}

/* Save to tmp/name, free the document; returns the path (caller frees). */
static char *save(HPDF_Doc pdf, const char *name)
{
	struct sceau_error err = {0};
	unsigned char *buf = NULL;
	size_t len = 0;
	char *path = tu_path(tmp, name);

	ck_assert_msg(sceau_pdf_save(pdf, &buf, &len, &err) == SCEAU_OK, "%s", err.msg);
	ck_assert_uint_gt(len, 0);
	ck_assert_int_eq(memcmp(buf, "%PDF-1.", 7), 0);
	tu_write(path, (const char *)buf, len);
	free(buf);
	HPDF_Free(pdf);
	return path;
}

/* "MA1:" and n characters of the Base45 alphabet, the same every run. */
static char *payload(size_t n)
{
	static const char b45[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
	char *s = malloc(n + 5);
	uint32_t x = 20250301;

	ck_assert_ptr_nonnull(s);
	memcpy(s, "MA1:", 4);
	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		s[4 + i] = b45[(x >> 16) % 45];
	}
	s[4 + n] = '\0';
	return s;
}

/* Render page 1 at `dpi` to a PNG and read it back with zbar. */
static char *zbar_read(const char *pdf_path, int dpi)
{
	char res[16], *png = tu_path(tmp, "page.png"), *out;

	snprintf(res, sizeof(res), "%d", dpi);
	free(TOOL("pdftoppm", "-r", res, "-gray", "-png", "-singlefile", pdf_path, "page"));
	out = TOOL("zbarimg", "--raw", "-q", png);
	free(png);
	return out;
}

/* Page 1 rendered in grey at `dpi`, by poppler's own rasteriser
 * (pdftoppm, Splash) or by cairo's (pdftocairo, as in GNOME's viewers). */
struct pgm {
	int w, h;
	unsigned char *px;
};

static void pgm_render(struct pgm *g, const char *pdf_path, int dpi, int cairo)
{
	char res[16], *path = tu_path(tmp, "page.png");
	png_image im;

	snprintf(res, sizeof(res), "%d", dpi);
	free(TOOL(cairo ? "pdftocairo" : "pdftoppm", "-r", res, "-gray", "-png", "-singlefile",
		  pdf_path, "page"));
	memset(&im, 0, sizeof(im));
	im.version = PNG_IMAGE_VERSION;
	ck_assert_int_ne(png_image_begin_read_from_file(&im, path), 0);
	im.format = PNG_FORMAT_GRAY;
	g->w = (int)im.width;
	g->h = (int)im.height;
	g->px = malloc(PNG_IMAGE_SIZE(im));
	ck_assert_ptr_nonnull(g->px);
	ck_assert_int_ne(png_image_finish_read(&im, NULL, g->px, 0, NULL), 0);
	free(path);
}

static int px(const struct pgm *g, int x, int y)
{
	ck_assert(x >= 0 && y >= 0 && x < g->w && y < g->h);
	return g->px[(size_t)y * (size_t)g->w + (size_t)x];
}

/* ---- the QR code ---------------------------------------------------------- */

static void qr_round_trip(double width_mm, char ecc, int expect_side)
{
	struct sceau_pdf_err rec;
	struct sceau_error err = {0};
	HPDF_Doc pdf = doc_new(&rec);
	HPDF_Page page = page_new(pdf, 595.276, 841.89);
	char *text = payload(474), *path, *read;
	double module = 0, width = SCEAU_PDF_MM(width_mm);

	ck_assert_uint_eq(strlen(text), 478);
	ck_assert_msg(sceau_pdf_qr(page, text, ecc, 400, 60, width, &module, &err) == SCEAU_OK,
		      "%s", err.msg);
	ck_assert_double_eq_tol(module * expect_side, width, 1e-9);
	ck_assert_double_ge(module, SCEAU_PDF_MM(0.4));
	path = save(pdf, "qr.pdf");
	read = zbar_read(path, 150);
	ck_assert_uint_eq(strlen(read), strlen(text) + 1);
	ck_assert_int_eq(read[strlen(text)], '\n');
	read[strlen(text)] = '\0';
	ck_assert_str_eq(read, text);
	free(read);
	free(path);
	free(text);
}

START_TEST(test_qr_decodes_with_zbar_at_150dpi)
{
	/* 478 characters at ECC M: version 13, 69 modules + 2 × 4 quiet. */
	qr_round_trip(36.0, 'M', 77);
}
END_TEST

START_TEST(test_qr_decodes_at_30mm_with_ecc_l)
{
	/* Version 12 at ECC L: 73 modules with the quiet zone, 0.41 mm. */
	qr_round_trip(30.0, 'L', 73);
}
END_TEST

START_TEST(test_qr_version_is_the_alphanumeric_minimum)
{
	struct sceau_pdf_err rec;
	struct sceau_error err = {0};
	HPDF_Doc pdf = doc_new(&rec);
	HPDF_Page page = page_new(pdf, 595.276, 841.89);
	const QRecLevel levels[] = {QR_ECLEVEL_L, QR_ECLEVEL_M, QR_ECLEVEL_Q, QR_ECLEVEL_H};
	const char eccs[] = "LMQH";
	char *text = payload(474);

	for (int i = 0; i < 4; i++) {
		QRinput *in = QRinput_new2(0, levels[i]);
		QRcode *an, *lib;
		double module = 0, width = SCEAU_PDF_MM(80);

		ck_assert_int_eq(QRinput_append(in, QR_MODE_AN, (int)strlen(text),
						(const unsigned char *)text),
				 0);
		an = QRcode_encodeInput(in);
		lib = QRcode_encodeString(text, 0, levels[i], QR_MODE_8, 1);
		ck_assert_ptr_nonnull(an);
		ck_assert_ptr_nonnull(lib);
		ck_assert_msg(sceau_pdf_qr(page, text, eccs[i], 50, 50, width, &module, &err) ==
				      SCEAU_OK,
			      "%s", err.msg);
		/* The symbol drawn has the width of the one-segment code, which
		 * is no larger than libqrencode's own choice. */
		ck_assert_int_eq((int)lround(width / module), an->width + 8);
		ck_assert_int_le(an->version, lib->version);
		QRcode_free(an);
		QRcode_free(lib);
		QRinput_free(in);
	}
	HPDF_Free(pdf);
	free(text);
}
END_TEST

START_TEST(test_qr_refuses_narrower_than_30mm)
{
	struct sceau_pdf_err rec;
	struct sceau_error err = {0};
	HPDF_Doc pdf = doc_new(&rec);
	HPDF_Page page = page_new(pdf, 595.276, 841.89);
	double module = -1;

	ck_assert_int_eq(
		sceau_pdf_qr(page, "MA1:SHORT", 'M', 50, 50, SCEAU_PDF_MM(29.9), &module, &err),
		SCEAU_ERR_INVALID);
	ck_assert_str_eq(err.msg, "QR code too small: 29.90 mm wide, at least 30 mm needed");
	ck_assert_double_eq(module, -1);
	/* 30 mm computed the other way round is 30 mm. */
	ck_assert_int_eq(
		sceau_pdf_qr(page, "MA1:SHORT", 'M', 50, 50, 30.0 / 25.4 * 72.0, &module, &err),
		SCEAU_OK);
	HPDF_Free(pdf);
}
END_TEST

START_TEST(test_qr_refuses_modules_under_0_4mm_and_names_the_width_that_fits)
{
	struct sceau_pdf_err rec;
	struct sceau_error err = {0};
	HPDF_Doc pdf = doc_new(&rec);
	HPDF_Page page = page_new(pdf, 595.276, 841.89);
	char *text = payload(474);
	double module = -1;

	/* ECC M: 77 modules in 30 mm are 0.39 mm. */
	ck_assert_int_eq(sceau_pdf_qr(page, text, 'M', 50, 50, SCEAU_PDF_MM(30), &module, &err),
			 SCEAU_ERR_INVALID);
	ck_assert_msg(strstr(err.msg, "QR modules too small: 0.390 mm at 30.0 mm wide (version 13, "
				      "ECC M, 77 modules") == err.msg,
		      "%s", err.msg);
	ck_assert_msg(strstr(err.msg, "make the code 30.8 mm wide"), "%s", err.msg);
	ck_assert_double_eq(module, -1);
	ck_assert_int_eq(sceau_pdf_qr(page, text, 'M', 50, 50, SCEAU_PDF_MM(30.8), &module, &err),
			 SCEAU_OK);
	ck_assert_double_eq_tol(module, SCEAU_PDF_MM(0.4), 1e-9);
	HPDF_Free(pdf);
	free(text);
}
END_TEST

START_TEST(test_qr_refuses_bad_level_and_empty_text)
{
	struct sceau_pdf_err rec;
	struct sceau_error err = {0};
	HPDF_Doc pdf = doc_new(&rec);
	HPDF_Page page = page_new(pdf, 595.276, 841.89);

	ck_assert_int_eq(sceau_pdf_qr(page, "MA1:X", 'm', 0, 0, 100, NULL, &err),
			 SCEAU_ERR_INVALID);
	ck_assert_str_eq(err.msg, "invalid QR error correction level 'm': use L, M, Q or H");
	ck_assert_int_eq(sceau_pdf_qr(page, "", 'M', 0, 0, 100, NULL, &err), SCEAU_ERR_INVALID);
	ck_assert_int_eq(sceau_pdf_qr(page, "MA1:X", 'M', NAN, 0, 100, NULL, &err),
			 SCEAU_ERR_INVALID);
	HPDF_Free(pdf);
}
END_TEST

START_TEST(test_qr_has_white_quiet_zone_at_the_given_place)
{
	struct sceau_pdf_err rec;
	struct sceau_error err = {0};
	HPDF_Doc pdf = doc_new(&rec);
	HPDF_Page page = page_new(pdf, 200, 200);
	struct pgm g;
	double module = 0;
	char *path;

	/* A grey page, so that the white the QR code brings shows. Version 1:
	 * 21 + 8 modules of 4 pt; at 72 dpi a module is 4 pixels. */
	ck_assert_int_eq(HPDF_Page_SetGrayFill(page, 0.5), HPDF_OK);
	ck_assert_int_eq(HPDF_Page_Rectangle(page, 0, 0, 200, 200), HPDF_OK);
	ck_assert_int_eq(HPDF_Page_Fill(page), HPDF_OK);
	ck_assert_int_eq(sceau_pdf_qr(page, "MA1:QUIET", 'M', 40, 40, 116, &module, &err),
			 SCEAU_OK);
	ck_assert_double_eq_tol(module, 4, 1e-12);
	/* The caller's fill colour is back: grey. */
	ck_assert_double_eq_tol(HPDF_Page_GetGrayFill(page), 0.5, 1e-6);
	path = save(pdf, "quiet.pdf");
	pgm_render(&g, path, 72, 0);
	ck_assert_int_eq(g.w, 200);
	ck_assert_int_eq(g.h, 200);
	/* Symbol: x 40..156, image rows 44..160 (y runs down in the image). */
	for (int i = 45; i < 155; i++) {
		for (int q = 0; q < 4 * 4 - 1; q++) {
			ck_assert_int_eq(px(&g, 41 + q, i), 255);  /* left quiet zone */
			ck_assert_int_eq(px(&g, 155 - q, i), 255); /* right */
			ck_assert_int_eq(px(&g, i, 45 + q), 255);  /* top */
			ck_assert_int_eq(px(&g, i, 159 - q), 255); /* bottom */
		}
	}
	ck_assert_int_lt(abs(px(&g, 38, 100) - 128), 8); /* the page outside */
	ck_assert_int_lt(abs(px(&g, 158, 100) - 128), 8);
	ck_assert_int_lt(abs(px(&g, 100, 42) - 128), 8);
	ck_assert_int_lt(abs(px(&g, 100, 162) - 128), 8);
	/* Every module where libqrencode puts it, the right way up: one
	 * alphanumeric segment at ECC M, sampled in each module's middle. */
	{
		QRinput *in = QRinput_new2(0, QR_ECLEVEL_M);
		QRcode *qr;

		ck_assert_int_eq(
			QRinput_append(in, QR_MODE_AN, 9, (const unsigned char *)"MA1:QUIET"), 0);
		qr = QRcode_encodeInput(in);
		ck_assert_int_eq(qr->width, 21);
		for (int r = 0; r < 21; r++)
			for (int c = 0; c < 21; c++)
				ck_assert_int_eq(px(&g, 40 + 4 * (4 + c) + 2, 44 + 4 * (4 + r) + 2),
						 qr->data[r * 21 + c] & 1 ? 0 : 255);
		QRcode_free(qr);
		QRinput_free(in);
	}
	free(g.px);
	free(path);
}
END_TEST

START_TEST(test_qr_rows_join_without_seams)
{
	struct sceau_pdf_err rec;
	struct sceau_error err = {0};
	HPDF_Doc pdf = doc_new(&rec);
	HPDF_Page page = page_new(pdf, 200, 200);
	struct pgm g;
	double module = 0, x = 40.3, y = 40.7;
	char *path;

	/* At 97 dpi the module (3.71 pt, 4.99 px) edges fall between pixels;
	 * rows drawn as separate fills leave light anti-aliased lines where
	 * they meet in cairo (poppler's Splash snaps rectangles to pixels). */
	ck_assert_int_eq(sceau_pdf_qr(page, "MA1:SEAMS", 'M', x, y, 29 * 3.71, &module, &err),
			 SCEAU_OK);
	path = save(pdf, "seams.pdf");
	pgm_render(&g, path, 97, 1);
	{
		const double s = 97.0 / 72.0;
		/* The finder's left column: modules (4, 4..10) from the top,
		 * all dark; its pixel column in the middle of the module. */
		int col = (int)floor((x + 4.5 * module) * s);
		int top = (int)ceil((200 - (y + (29 - 4) * module)) * s) + 1;
		int bottom = (int)floor((200 - (y + (29 - 11) * module)) * s) - 1;
		ck_assert_int_gt(bottom - top, 25);
		for (int r = top; r <= bottom; r++)
			ck_assert_msg(px(&g, col, r) < 10, "pixel (%d, %d) is %d", col, r,
				      px(&g, col, r));
	}
	free(g.px);
	free(path);
}
END_TEST

START_TEST(test_qr_error_from_libharu_comes_back_as_a_sceau_error)
{
	struct sceau_pdf_err rec;
	struct sceau_error err = {0};
	HPDF_Doc pdf = doc_new(&rec);
	HPDF_Page page = page_new(pdf, 200, 200);

	/* Graphics state operators are not allowed in a text object. */
	ck_assert_int_eq(HPDF_Page_BeginText(page), HPDF_OK);
	ck_assert_int_eq(sceau_pdf_qr(page, "MA1:X", 'M', 0, 0, 100, NULL, &err),
			 SCEAU_ERR_INTERNAL);
	ck_assert_msg(strstr(err.msg, "cannot draw the QR code: libharu error 0x1051 (wrong "
				      "graphics mode)") == err.msg,
		      "%s", err.msg);
	/* The record was consumed and libharu's error state reset. */
	ck_assert_uint_eq(rec.count, 0);
	ck_assert_int_eq(HPDF_GetError(pdf), HPDF_OK);
	ck_assert_int_eq(HPDF_Page_EndText(page), HPDF_OK);
	ck_assert_int_eq(sceau_pdf_qr(page, "MA1:X", 'M', 0, 0, 100, NULL, &err), SCEAU_OK);
	HPDF_Free(pdf);
}
END_TEST

/* ---- errors ------------------------------------------------------------ */

START_TEST(test_check_reports_the_first_libharu_error_and_resets)
{
	struct sceau_pdf_err rec;
	struct sceau_error err = {0};
	HPDF_Doc pdf = doc_new(&rec);
	HPDF_Page page = page_new(pdf, 200, 200);

	ck_assert_int_eq(sceau_pdf_check(pdf, "do nothing", &err), SCEAU_OK);
	ck_assert_int_ne(HPDF_Page_SetLineWidth(page, -1), HPDF_OK);
	ck_assert_uint_eq(rec.count, 1);
	ck_assert_int_eq(rec.code, HPDF_PAGE_OUT_OF_RANGE);
	ck_assert_ptr_null(HPDF_AddPage(pdf)); /* libharu refuses work while in error */
	ck_assert_uint_eq(rec.count, 2);
	ck_assert_int_eq(sceau_pdf_check(pdf, "set the line width", &err), SCEAU_ERR_INTERNAL);
	ck_assert_str_eq(err.msg, "cannot set the line width: libharu error 0x1056, detail 0");
	ck_assert_uint_eq(rec.count, 0);
	ck_assert_ptr_nonnull(HPDF_AddPage(pdf));
	ck_assert_int_eq(sceau_pdf_check(pdf, "add a page", &err), SCEAU_OK);
	HPDF_Free(pdf);
}
END_TEST

/* Whether the PDF's bytes (NULs and all) contain `s`. */
static int has(const char *buf, size_t len, const char *s)
{
	return memmem(buf, len, s, strlen(s)) != NULL;
}

static void expect_has(const char *buf, size_t len, const char *s)
{
	ck_assert_msg(has(buf, len, s), "no '%s' in the PDF", s);
}

/* ---- embedded files ------------------------------------------------------ */

static const char record_json[] = "{\"number\":\"COC-2025-000123\",\"programme\":\"coc\","
				  "\"importer\":\"Société Atlas\"}\n";

START_TEST(test_attachments_come_back_intact_and_qpdf_finds_no_error)
{
	struct sceau_pdf_err rec;
	struct sceau_error err = {0};
	HPDF_Doc pdf = doc_new(&rec);
	unsigned char bytes[256], md5[16];
	char *path, *list, *out, *got, *saved, *pdfbytes, hex[40];
	size_t len;

	for (int i = 0; i < 256; i++)
		bytes[i] = (unsigned char)(255 - i);
	page_new(pdf, 595.276, 841.89);
	/* Attached out of order: the name tree must come out sorted. */
	ck_assert_msg(sceau_pdf_attach(pdf, "record.json", "application/json", record_json,
				       strlen(record_json), "Certificat — données", 1740830400,
				       &err) == SCEAU_OK,
		      "%s", err.msg);
	ck_assert_msg(sceau_pdf_attach(pdf, "bytes.bin", "application/octet-stream", bytes,
				       sizeof(bytes), "all 256 byte values", 1740830400,
				       &err) == SCEAU_OK,
		      "%s", err.msg);
	ck_assert_int_eq(sceau_pdf_attach(pdf, "record.json", NULL, "x", 1, NULL, 0, &err),
			 SCEAU_ERR_EXISTS);
	ck_assert_str_eq(err.msg, "cannot attach 'record.json': the PDF has a file of that name");
	path = save(pdf, "attach.pdf");

	out = TOOL("qpdf", "--check", path);
	ck_assert_msg(strstr(out, "No syntax or stream encoding errors found"), "%s", out);
	free(out);
	list = TOOL("pdfdetach", "-list", path);
	ck_assert_str_eq(list, "2 embedded files\n1: bytes.bin\n2: record.json\n");
	free(list);
	saved = tu_path(tmp, "out");
	ck_assert_int_eq(mkdir(saved, 0700), 0);
	free(TOOL("pdfdetach", "-saveall", "-o", saved, path));
	free(saved);
	saved = tu_path(tmp, "out/record.json");
	got = tu_read(saved, &len);
	ck_assert_ptr_nonnull(got);
	ck_assert_uint_eq(len, strlen(record_json));
	ck_assert_mem_eq(got, record_json, len);
	free(got);
	free(saved);
	saved = tu_path(tmp, "out/bytes.bin");
	got = tu_read(saved, &len);
	ck_assert_ptr_nonnull(got);
	ck_assert_uint_eq(len, sizeof(bytes));
	ck_assert_mem_eq(got, bytes, len);
	free(got);
	free(saved);

	/* The structure, in libharu's uncompressed object syntax. */
	pdfbytes = tu_read(path, &len);
	ck_assert_int_eq(memcmp(pdfbytes, "%PDF-1.7\n", 9), 0);
	expect_has(pdfbytes, len, "/Type /Filespec");
	ck_assert_msg(has(pdfbytes, len, "/AFRelationship /Data"), "no %s",
		      "/AFRelationship /Data");
	expect_has(pdfbytes, len, "/Type /EmbeddedFile");
	ck_assert_msg(has(pdfbytes, len, "/Subtype /application#2Fjson"), "no %s",
		      "/Subtype /application#2Fjson");
	ck_assert_msg(has(pdfbytes, len, "/ModDate (D:20250301120000Z)"), "no %s",
		      "/ModDate (D:20250301120000Z)");
	expect_has(pdfbytes, len, "/Size 256");
	ck_assert_msg(has(pdfbytes, len, "/Names [ (bytes.bin) "), "no %s",
		      "/Names [ (bytes.bin) ");
	expect_has(pdfbytes, len, "/AF [ ");
	expect_has(pdfbytes, len, "/FlateDecode");
	ck_assert_int_eq(EVP_Digest(record_json, strlen(record_json), md5, NULL, EVP_md5(), NULL),
			 1);
	for (int i = 0; i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02X", md5[i]);
	expect_has(pdfbytes, len, hex);
	ck_assert(!has(pdfbytes, len, "\"COC-2025")); /* compressed */
	free(pdfbytes);
	free(path);
}
END_TEST

START_TEST(test_attach_refuses_bad_names_and_media_types)
{
	struct sceau_pdf_err rec;
	struct sceau_error err = {0};
	HPDF_Doc pdf = doc_new(&rec);

	ck_assert_int_eq(sceau_pdf_attach(pdf, "a/b.json", NULL, "x", 1, NULL, 0, &err),
			 SCEAU_ERR_INVALID);
	ck_assert_str_eq(
		err.msg,
		"invalid attachment name 'a/b.json': printable ASCII only, no '/' or '\\'");
	ck_assert_int_eq(sceau_pdf_attach(pdf, "", NULL, "x", 1, NULL, 0, &err), SCEAU_ERR_INVALID);
	ck_assert_int_eq(sceau_pdf_attach(pdf,
					  "donn\xc3\xa9"
					  "es.json",
					  NULL, "x", 1, NULL, 0, &err),
			 SCEAU_ERR_INVALID);
	ck_assert_int_eq(sceau_pdf_attach(pdf, "r.json", "json", "x", 1, NULL, 0, &err),
			 SCEAU_ERR_INVALID);
	ck_assert_str_eq(err.msg, "invalid media type 'json' for attachment 'r.json'");
	ck_assert_int_eq(sceau_pdf_attach(pdf, "r.json", "text/ plain", "x", 1, NULL, 0, &err),
			 SCEAU_ERR_INVALID);
	ck_assert_int_eq(sceau_pdf_attach(pdf, "r.json", NULL, NULL, 1, NULL, 0, &err),
			 SCEAU_ERR_INVALID);
	ck_assert_int_eq(sceau_pdf_attach(pdf, "r.json", NULL, "x", 1, "bad \x01", 0, &err),
			 SCEAU_ERR_INVALID);
	ck_assert_str_eq(err.msg, "description of attachment 'r.json' contains a control "
				  "character (U+0001)");
	HPDF_Free(pdf);
}
END_TEST

/* ---- the Info dictionary ------------------------------------------------- */

static const char title_fr_ar[] = "Certificat de conformité — شهادة المطابقة";

START_TEST(test_info_survives_pdfinfo_in_french_and_arabic)
{
	struct sceau_pdf_err rec;
	struct sceau_error err = {0};
	HPDF_Doc pdf = doc_new(&rec);
	char *path, *out, line[256], *raw;

	page_new(pdf, 595.276, 841.89);
	ck_assert_msg(sceau_pdf_info(pdf, title_fr_ar, "Organisme (démo) \\ test",
				     "COC-2025-000123 \xf0\x9d\x84\x9e", "coc, halal", 1740830400,
				     &err) == SCEAU_OK,
		      "%s", err.msg);
	ck_assert_msg(sceau_pdf_info_custom(pdf, "SceauQR", "MA1:6BFOXN*TS0BI$ZD.P9", &err) ==
			      SCEAU_OK,
		      "%s", err.msg);
	path = save(pdf, "info.pdf");
	out = TOOL("pdfinfo", "-isodates", "-custom", path);
	snprintf(line, sizeof(line), "Title:           %s\n", title_fr_ar);
	ck_assert_msg(strstr(out, line), "%s", out);
	ck_assert_msg(strstr(out, "Author:          Organisme (démo) \\ test\n"), "%s", out);
	/* U+1D11E: a surrogate pair in UTF-16. */
	ck_assert_msg(strstr(out, "Subject:         COC-2025-000123 \xf0\x9d\x84\x9e\n"), "%s",
		      out);
	ck_assert_msg(strstr(out, "Keywords:        coc, halal\n"), "%s", out);
	snprintf(line, sizeof(line), "Creator:         sceau %s\n", SCEAU_VERSION_STRING);
	ck_assert_msg(strstr(out, line), "%s", out);
	snprintf(line, sizeof(line), "Producer:        sceau %s\n", SCEAU_VERSION_STRING);
	ck_assert_msg(strstr(out, line), "%s", out);
	ck_assert_msg(strstr(out, "CreationDate:    2025-03-01T12:00:00Z\n"), "%s", out);
	ck_assert_msg(strstr(out, "ModDate:         2025-03-01T12:00:00Z\n"), "%s", out);
	ck_assert_msg(strstr(out, "SceauQR:         MA1:6BFOXN*TS0BI$ZD.P9\n"), "%s", out);
	ck_assert_ptr_null(strstr(out, "Haru"));
	free(out);
	/* The non-ASCII title as UTF-16BE with a byte order mark. */
	raw = tu_read(path, NULL);
	ck_assert_ptr_nonnull(strstr(raw, "/Title <FEFF00430065"));
	ck_assert_ptr_nonnull(strstr(raw, "/Keywords (coc, halal)"));
	free(raw);
	free(path);
}
END_TEST

START_TEST(test_info_refuses_bad_text_and_standard_custom_keys)
{
	struct sceau_pdf_err rec;
	struct sceau_error err = {0};
	HPDF_Doc pdf = doc_new(&rec);

	ck_assert_int_eq(sceau_pdf_info(pdf, "bad \xc3\x28", NULL, NULL, NULL, 0, &err),
			 SCEAU_ERR_INVALID);
	ck_assert_str_eq(err.msg, "PDF title is not valid UTF-8");
	ck_assert_int_eq(sceau_pdf_info(pdf, "overlong \xc0\xaf", NULL, NULL, NULL, 0, &err),
			 SCEAU_ERR_INVALID);
	ck_assert_int_eq(sceau_pdf_info(pdf, "surrogate \xed\xa0\x80", NULL, NULL, NULL, 0, &err),
			 SCEAU_ERR_INVALID);
	ck_assert_int_eq(sceau_pdf_info(pdf, "Good title", "two\nlines", NULL, NULL, 0, &err),
			 SCEAU_ERR_INVALID);
	ck_assert_str_eq(err.msg, "PDF author contains a control character (U+000A)");
	/* Refused before anything was written: no title either. */
	ck_assert_ptr_null(HPDF_GetInfoAttr(pdf, HPDF_INFO_TITLE));
	ck_assert_int_eq(sceau_pdf_info(pdf, "Good title", NULL, NULL, NULL, 0, &err), SCEAU_OK);
	ck_assert_str_eq(HPDF_GetInfoAttr(pdf, HPDF_INFO_TITLE), "Good title");
	ck_assert_int_eq(sceau_pdf_info_custom(pdf, "Producer", "x", &err), SCEAU_ERR_INVALID);
	ck_assert_str_eq(err.msg, "invalid PDF information key 'Producer': a standard key");
	ck_assert_int_eq(sceau_pdf_info_custom(pdf, "Sceau QR", "x", &err), SCEAU_ERR_INVALID);
	HPDF_Free(pdf);
}
END_TEST

/* ---- images -------------------------------------------------------------- */

/* 3×2 RGB, 8 bits: red, green, blue. */
static const unsigned char png3x2[] =
	"\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52"
	"\x00\x00\x00\x03\x00\x00\x00\x02\x08\x02\x00\x00\x00\x12\x16\xf1"
	"\x4d\x00\x00\x00\x10\x49\x44\x41\x54\x78\xda\x63\xf8\xcf\xc0\xc0"
	"\x00\xc1\x70\x16\x00\x3b\xd8\x05\xfb\x36\x11\x98\xea\x00\x00\x00"
	"\x00\x49\x45\x4e\x44\xae\x42\x60\x82";

static char *write_tmp(const char *name, const void *data, size_t len)
{
	char *path = tu_path(tmp, name);

	tu_write(path, data, len);
	return path;
}

START_TEST(test_png_logo_loads_and_draws)
{
	struct sceau_pdf_err rec;
	struct sceau_error err = {0};
	HPDF_Doc pdf = doc_new(&rec);
	HPDF_Page page = page_new(pdf, 60, 40);
	HPDF_Image img = NULL;
	char *png = write_tmp("logo.png", png3x2, sizeof(png3x2) - 1), *path;
	struct pgm g;

	ck_assert_msg(sceau_pdf_png(pdf, png, &img, &err) == SCEAU_OK, "%s", err.msg);
	ck_assert_ptr_nonnull(img);
	ck_assert_uint_eq(HPDF_Image_GetWidth(img), 3);
	ck_assert_uint_eq(HPDF_Image_GetHeight(img), 2);
	ck_assert_int_eq(HPDF_Page_DrawImage(page, img, 0, 0, 60, 40), HPDF_OK);
	path = save(pdf, "logo.pdf");
	pgm_render(&g, path, 72, 0);
	/* Red, green and blue thirds in grey: 0.299, 0.587, 0.114 of white. */
	ck_assert_int_lt(abs(px(&g, 10, 20) - 76), 12);
	ck_assert_int_lt(abs(px(&g, 30, 20) - 150), 12);
	ck_assert_int_lt(abs(px(&g, 50, 20) - 29), 12);
	free(g.px);
	free(path);
	free(png);
}
END_TEST

START_TEST(test_png_refuses_jpeg_garbage_and_missing_files)
{
	static const unsigned char jpeg[] = {0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 'J',  'F',
					     'I',  'F',  0x00, 0x01, 0x01, 0x00, 0x00, 0x01};
	struct sceau_pdf_err rec;
	struct sceau_error err = {0};
	HPDF_Doc pdf = doc_new(&rec);
	HPDF_Image img = (HPDF_Image)1;
	char *jpg = write_tmp("x.jpg", jpeg, sizeof(jpeg));
	char *missing = tu_path(tmp, "nope.png"), expect[512];

	ck_assert_int_eq(sceau_pdf_png(pdf, jpg, &img, &err), SCEAU_ERR_FORMAT);
	snprintf(expect, sizeof(expect), "logo '%s' is not a PNG file", jpg);
	ck_assert_str_eq(err.msg, expect);
	ck_assert_ptr_null(img);
	ck_assert_int_eq(sceau_pdf_png(pdf, missing, &img, &err), SCEAU_ERR_NOT_FOUND);
	snprintf(expect, sizeof(expect), "cannot read logo '%s': no such file", missing);
	ck_assert_str_eq(err.msg, expect);
	free(jpg);
	free(missing);
	HPDF_Free(pdf);
}
END_TEST

/* A PNG file: signature, IHDR, the extra chunks given (already framed),
 * IDAT holding `raw` (filtered scanlines) deflated, IEND. */
static void chunk(unsigned char **p, const char *type, const void *data, uint32_t len)
{
	unsigned char *q = *p;
	uLong crc = crc32(0, (const Bytef *)type, 4);

	q[0] = (unsigned char)(len >> 24);
	q[1] = (unsigned char)(len >> 16);
	q[2] = (unsigned char)(len >> 8);
	q[3] = (unsigned char)len;
	memcpy(q + 4, type, 4);
	if (len)
		memcpy(q + 8, data, len);
	crc = crc32(crc, (const Bytef *)data, len);
	q[8 + len] = (unsigned char)(crc >> 24);
	q[9 + len] = (unsigned char)(crc >> 16);
	q[10 + len] = (unsigned char)(crc >> 8);
	q[11 + len] = (unsigned char)crc;
	*p = q + 12 + len;
}

static char *png_file(const char *name, uint32_t w, uint32_t h, int depth, int type, int interlace,
		      const unsigned char *plte, uint32_t plte_len, const unsigned char *trns,
		      uint32_t trns_len, const unsigned char *raw, size_t raw_len, int deflate)
{
	unsigned char buf[8192], z[4096], *p = buf;
	unsigned char ihdr[13] = {(unsigned char)(w >> 24),
				  (unsigned char)(w >> 16),
				  (unsigned char)(w >> 8),
				  (unsigned char)w,
				  (unsigned char)(h >> 24),
				  (unsigned char)(h >> 16),
				  (unsigned char)(h >> 8),
				  (unsigned char)h,
				  (unsigned char)depth,
				  (unsigned char)type,
				  0,
				  0,
				  (unsigned char)interlace};
	uLongf zlen = sizeof(z);

	memcpy(p, "\x89PNG\r\n\x1a\n", 8);
	p += 8;
	chunk(&p, "IHDR", ihdr, 13);
	if (plte)
		chunk(&p, "PLTE", plte, plte_len);
	if (trns)
		chunk(&p, "tRNS", trns, trns_len);
	if (deflate) {
		ck_assert_int_eq(compress(z, &zlen, raw, raw_len), Z_OK);
		chunk(&p, "IDAT", z, (uint32_t)zlen);
	} else {
		chunk(&p, "IDAT", raw, (uint32_t)raw_len);
	}
	chunk(&p, "IEND", "", 0);
	return write_tmp(name, buf, (size_t)(p - buf));
}

START_TEST(test_png_refuses_damaged_images_libharu_would_abort_on_then_still_works)
{
	struct sceau_pdf_err rec;
	struct sceau_error err = {0};
	HPDF_Doc pdf = doc_new(&rec);
	HPDF_Image img = NULL;
	unsigned char bad_crc[sizeof(png3x2) - 1], garbage[32];
	char *p_crc, *p_zlib, *p_good, expect[512];

	/* A byte of the image data changed, its CRC left as it was: zlib's
	 * own check, read before the chunk's CRC, fails first. */
	memcpy(bad_crc, png3x2, sizeof(bad_crc));
	bad_crc[50] ^= 0x01;
	p_crc = write_tmp("crc.png", bad_crc, sizeof(bad_crc));
	ck_assert_int_eq(sceau_pdf_png(pdf, p_crc, &img, &err), SCEAU_ERR_FORMAT);
	snprintf(expect, sizeof(expect),
		 "logo '%s' is a damaged PNG file: IDAT: incorrect data check", p_crc);
	ck_assert_str_eq(err.msg, expect);
	ck_assert_ptr_null(img);
	/* Chunks in order, CRCs right, image data not zlib: given to libharu,
	 * this aborts the process (libpng's error callback returns). */
	memset(garbage, 0x55, sizeof(garbage));
	p_zlib = png_file("zlib.png", 3, 2, 8, 2, 0, NULL, 0, NULL, 0, garbage, sizeof(garbage), 0);
	ck_assert_int_eq(sceau_pdf_png(pdf, p_zlib, &img, &err), SCEAU_ERR_FORMAT);
	snprintf(expect, sizeof(expect),
		 "logo '%s' is a damaged PNG file: IDAT: incorrect header check", p_zlib);
	ck_assert_str_eq(err.msg, expect);
	/* The document takes further work. */
	p_good = write_tmp("good.png", png3x2, sizeof(png3x2) - 1);
	ck_assert_msg(sceau_pdf_png(pdf, p_good, &img, &err) == SCEAU_OK, "%s", err.msg);
	ck_assert_int_eq(HPDF_GetError(pdf), HPDF_OK);
	free(p_crc);
	free(p_zlib);
	free(p_good);
	HPDF_Free(pdf);
}
END_TEST

START_TEST(test_png_refuses_what_libharu_misreads_and_oversized_images)
{
	struct sceau_pdf_err rec;
	struct sceau_error err = {0};
	HPDF_Doc pdf = doc_new(&rec);
	HPDF_Image img = NULL;
	const unsigned char plte[6] = {255, 0, 0, 0, 0, 255}, trns[1] = {0};
	unsigned char raw[4 * 9], big[sizeof(png3x2) - 1];
	char *p, expect[512];

	/* 64×4, 1 bit per pixel, transparent palette entry 0: libharu reads
	 * 64 bytes from each 8-byte row. */
	for (int r = 0; r < 4; r++) {
		raw[9 * r] = 0;
		memset(raw + 9 * r + 1, 0xaa, 8);
	}
	p = png_file("pal1.png", 64, 4, 1, 3, 0, plte, 6, trns, 1, raw, sizeof(raw), 1);
	ck_assert_int_eq(sceau_pdf_png(pdf, p, &img, &err), SCEAU_ERR_FORMAT);
	snprintf(expect, sizeof(expect),
		 "logo '%s' has a transparent 1-bit palette, which libharu misreads: save it "
		 "with 8-bit colours",
		 p);
	ck_assert_str_eq(err.msg, expect);
	free(p);
	/* The same without tRNS loads. */
	p = png_file("pal1-opaque.png", 64, 4, 1, 3, 0, plte, 6, NULL, 0, raw, sizeof(raw), 1);
	ck_assert_msg(sceau_pdf_png(pdf, p, &img, &err) == SCEAU_OK, "%s", err.msg);
	free(p);
	/* Interlaced (Adam7): 1×1 pixel, one pass with data. */
	p = png_file("inter.png", 1, 1, 8, 0, 1, NULL, 0, NULL, 0, (const unsigned char *)"\0\x80",
		     2, 1);
	ck_assert_int_eq(sceau_pdf_png(pdf, p, &img, &err), SCEAU_ERR_FORMAT);
	snprintf(expect, sizeof(expect),
		 "logo '%s' is an interlaced PNG file, which libharu cannot load: save it "
		 "without interlacing",
		 p);
	ck_assert_str_eq(err.msg, expect);
	free(p);
	/* 4001 pixels wide (refused before libpng, CRC unchecked). */
	memcpy(big, png3x2, sizeof(big));
	big[18] = 0x0f;
	big[19] = 0xa1;
	p = write_tmp("big.png", big, sizeof(big));
	ck_assert_int_eq(sceau_pdf_png(pdf, p, &img, &err), SCEAU_ERR_INVALID);
	snprintf(expect, sizeof(expect), "logo '%s' too large: 4001x2 pixels, at most 4000x4000",
		 p);
	ck_assert_str_eq(err.msg, expect);
	free(p);
	HPDF_Free(pdf);
}
END_TEST

/* ---- saving -------------------------------------------------------------- */

static void build(unsigned char **out, size_t *len, time_t created)
{
	struct sceau_pdf_err rec;
	struct sceau_error err = {0};
	HPDF_Doc pdf = doc_new(&rec);
	HPDF_Page page = page_new(pdf, 595.276, 841.89);
	HPDF_Image img = NULL;
	char *text = payload(474), *png = write_tmp("logo.png", png3x2, sizeof(png3x2) - 1);

	ck_assert_int_eq(sceau_pdf_qr(page, text, 'M', 400, 60, SCEAU_PDF_MM(36), NULL, &err),
			 SCEAU_OK);
	ck_assert_int_eq(sceau_pdf_png(pdf, png, &img, &err), SCEAU_OK);
	ck_assert_int_eq(HPDF_Page_DrawImage(page, img, 40, 760, 60, 40), HPDF_OK);
	ck_assert_int_eq(sceau_pdf_info(pdf, title_fr_ar, "Organisme", "COC", NULL, created, &err),
			 SCEAU_OK);
	ck_assert_int_eq(sceau_pdf_info_custom(pdf, "SceauQR", text, &err), SCEAU_OK);
	ck_assert_int_eq(sceau_pdf_attach(pdf, "record.json", "application/json", record_json,
					  strlen(record_json), NULL, created, &err),
			 SCEAU_OK);
	ck_assert_int_eq(sceau_pdf_save(pdf, out, len, &err), SCEAU_OK);
	HPDF_Free(pdf);
	free(text);
	free(png);
}

START_TEST(test_same_inputs_give_identical_bytes)
{
	unsigned char *a, *b, *c;
	size_t alen, blen, clen;

	build(&a, &alen, 1740830400);
	build(&b, &blen, 1740830400);
	ck_assert_uint_eq(alen, blen);
	ck_assert_mem_eq(a, b, alen);
	/* No trailer /ID, whose libharu value would hash the time. */
	ck_assert_ptr_null(memmem(a, alen, "/ID", 3));
	/* And the time given does reach the bytes. */
	build(&c, &clen, 1740830401);
	ck_assert(clen != alen || memcmp(a, c, alen) != 0);
	free(a);
	free(b);
	free(c);
}
END_TEST

TU_MAIN("pdfparts", setup, teardown, test_qr_decodes_with_zbar_at_150dpi,
	test_qr_decodes_at_30mm_with_ecc_l, test_qr_version_is_the_alphanumeric_minimum,
	test_qr_refuses_narrower_than_30mm,
	test_qr_refuses_modules_under_0_4mm_and_names_the_width_that_fits,
	test_qr_refuses_bad_level_and_empty_text, test_qr_has_white_quiet_zone_at_the_given_place,
	test_qr_rows_join_without_seams, test_qr_error_from_libharu_comes_back_as_a_sceau_error,
	test_check_reports_the_first_libharu_error_and_resets,
	test_attachments_come_back_intact_and_qpdf_finds_no_error,
	test_attach_refuses_bad_names_and_media_types,
	test_info_survives_pdfinfo_in_french_and_arabic,
	test_info_refuses_bad_text_and_standard_custom_keys, test_png_logo_loads_and_draws,
	test_png_refuses_jpeg_garbage_and_missing_files,
	test_png_refuses_damaged_images_libharu_would_abort_on_then_still_works,
	test_png_refuses_what_libharu_misreads_and_oversized_images,
	test_same_inputs_give_identical_bytes)
