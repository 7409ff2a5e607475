/* sceau — a QR code drawn as vector squares on a libharu page (part:
 * render). See pdfdoc_int.h. */
#include <errno.h>
#include <math.h>
#include <string.h>
#include <qrencode.h>
#include <hpdf_objects.h>
#include <hpdf_pages.h>

#include "pdfdoc_int.h"

static int qr_alnum(const char *s)
{
	for (; *s; s++)
		if (!strchr("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:", *s))
			return 0;
	return 1;
}

static enum sceau_err qr_encode(const char *text, QRecLevel level, char ecc, QRcode **out,
				struct sceau_error *err)
{
	QRinput *in = NULL;
	QRcode *qr = NULL;
	size_t len = strlen(text);
	enum sceau_err ret = SCEAU_ERR_INTERNAL;

	/* libqrencode's own split (QRcode_encodeString with QR_MODE_8) gives
	 * Base45 text the same version, but may cut digit runs into numeric
	 * segments; one alphanumeric segment is what every reader expects
	 * from an HCERT-style code. */
	if (len > SCEAU_QR_TEXT_MAX)
		return sceau_fail(err, SCEAU_ERR_INVALID,
				  "QR text too long: %zu characters, at most %d", len,
				  SCEAU_QR_TEXT_MAX);
	errno = 0;
	if (qr_alnum(text)) {
		in = QRinput_new2(0, level);
		if (in &&
		    QRinput_append(in, QR_MODE_AN, (int)len, (const unsigned char *)text) == 0)
			qr = QRcode_encodeInput(in);
	} else {
		qr = QRcode_encodeString(text, 0, level, QR_MODE_8, 1);
	}
	if (!qr) {
		if (errno == ERANGE)
			ret = sceau_fail(err, SCEAU_ERR_INVALID,
					 "QR text too long: %zu characters do not fit QR version "
					 "40 at ECC %c",
					 len, ecc);
		else if (errno == ENOMEM)
			ret = sceau_fail(err, SCEAU_ERR_NOMEM,
					 "cannot encode QR text: out of memory");
		else
			ret = sceau_fail(err, SCEAU_ERR_INTERNAL,
					 "cannot encode QR text: libqrencode failed (errno %d)",
					 errno);
		goto out;
	}
	*out = qr;
	qr = NULL;
	ret = SCEAU_OK;
out:
	QRcode_free(qr);
	QRinput_free(in);
	return ret;
}

/* Runs of dark modules as `x y w 1 re` lines, written straight to the
 * page's content stream: the bytes HPDF_Page_Rectangle writes for whole
 * numbers, without its 512-byte buffer cleared for each of the ~1,300
 * rectangles of a version 13 symbol. The first rectangle goes through
 * HPDF_Page_Rectangle, which puts the page in path mode for the fill. */
struct qr_runs {
	HPDF_Page page;
	char buf[4096];
	size_t len;
	int n;
	HPDF_STATUS st;
};

static char *put_uint(char *p, unsigned v)
{
	char tmp[12];
	int k = 0;

	do {
		tmp[k++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (k)
		*p++ = tmp[--k];
	return p;
}

static void qr_runs_flush(struct qr_runs *q)
{
	HPDF_PageAttr attr = (HPDF_PageAttr)q->page->attr;

	if (q->st == HPDF_OK && q->len &&
	    HPDF_Stream_Write(attr->stream, (const HPDF_BYTE *)q->buf, (HPDF_UINT)q->len) !=
		    HPDF_OK)
		q->st = HPDF_Error_GetCode(q->page->error) ? HPDF_Error_GetCode(q->page->error)
							   : HPDF_FAILD_TO_ALLOC_MEM;
	q->len = 0;
}

static void qr_run(struct qr_runs *q, int x, int y, int w)
{
	HPDF_PageAttr attr = (HPDF_PageAttr)q->page->attr;
	char *p;

	if (q->st != HPDF_OK)
		return;
	if (q->n++ == 0) {
		q->st = HPDF_Page_Rectangle(q->page, x, y, w, 1);
		return;
	}
	if (q->len + 64 > sizeof(q->buf))
		qr_runs_flush(q);
	p = q->buf + q->len;
	p = put_uint(p, (unsigned)x);
	*p++ = ' ';
	p = put_uint(p, (unsigned)y);
	*p++ = ' ';
	p = put_uint(p, (unsigned)w);
	memcpy(p, " 1 re\n", 6);
	q->len = (size_t)(p + 6 - q->buf);
	attr->cur_pos.x = (HPDF_REAL)x;
	attr->cur_pos.y = (HPDF_REAL)y;
	attr->str_pos = attr->cur_pos;
}

/* The dark modules, in module units from the symbol's lower-left corner
 * (quiet zone included): one rectangle per run of a row, one fill. */
static HPDF_STATUS qr_draw(HPDF_Page page, const QRcode *qr, double x, double y, double module)
{
	const int n = qr->width, side = n + 2 * SCEAU_PDF_QR_QUIET;
	struct qr_runs q = {.page = page, .st = HPDF_OK};
	HPDF_STATUS st;

	st = HPDF_Page_GSave(page);
	if (st == HPDF_OK)
		st = HPDF_Page_Concat(page, (HPDF_REAL)module, 0, 0, (HPDF_REAL)module,
				      (HPDF_REAL)x, (HPDF_REAL)y);
	if (st == HPDF_OK)
		st = HPDF_Page_SetGrayFill(page, 1);
	if (st == HPDF_OK)
		st = HPDF_Page_Rectangle(page, 0, 0, side, side);
	if (st == HPDF_OK)
		st = HPDF_Page_Fill(page);
	if (st == HPDF_OK)
		st = HPDF_Page_SetGrayFill(page, 0);
	for (int r = 0; r < n && st == HPDF_OK; r++) {
		const unsigned char *row = qr->data + (size_t)r * (size_t)n;
		/* QR rows run top to bottom, PDF's y bottom to top. */
		const int yy = side - SCEAU_PDF_QR_QUIET - 1 - r;

		for (int c = 0; c < n && st == HPDF_OK;) {
			int start;

			if (!(row[c] & 1)) {
				c++;
				continue;
			}
			start = c;
			while (c < n && (row[c] & 1))
				c++;
			qr_run(&q, SCEAU_PDF_QR_QUIET + start, yy, c - start);
			st = q.st;
		}
	}
	if (st == HPDF_OK) {
		qr_runs_flush(&q);
		st = q.st;
	}
	if (st == HPDF_OK)
		st = HPDF_Page_Fill(page);
	if (st == HPDF_OK)
		st = HPDF_Page_GRestore(page);
	return st;
}

enum sceau_err sceau_pdf_qr(HPDF_Page page, const char *text, char ecc, double x, double y,
			    double width, double *module_out, struct sceau_error *err)
{
	const double min_width = SCEAU_PDF_MM(SCEAU_PDF_QR_MIN_WIDTH_MM);
	const double min_module = SCEAU_PDF_MM(SCEAU_PDF_QR_MIN_MODULE_MM);
	const double slack = 1e-6; /* points: 30 mm computed another way still passes */
	enum sceau_err ret = SCEAU_ERR_INVALID;
	QRcode *qr = NULL;
	QRecLevel level;
	double module;
	int side;
	HPDF_STATUS st;

	switch (ecc) {
	case 'L':
		level = QR_ECLEVEL_L;
		break;
	case 'M':
		level = QR_ECLEVEL_M;
		break;
	case 'Q':
		level = QR_ECLEVEL_Q;
		break;
	case 'H':
		level = QR_ECLEVEL_H;
		break;
	default:
		return sceau_fail(err, SCEAU_ERR_INVALID,
				  "invalid QR error correction level '%c': use L, M, Q or H",
				  ecc >= 0x20 && ecc < 0x7f ? ecc : '?');
	}
	if (!page || !text || !*text)
		return sceau_fail(err, SCEAU_ERR_INVALID, "cannot draw a QR code: no %s",
				  page ? "text" : "page");
	if (!isfinite(x) || !isfinite(y) || !isfinite(width))
		return sceau_fail(err, SCEAU_ERR_INVALID, "invalid QR code position or width");
	if (width + slack < min_width)
		return sceau_fail(err, SCEAU_ERR_INVALID,
				  "QR code too small: %.2f mm wide, at least %.0f mm needed",
				  width * 25.4 / 72.0, SCEAU_PDF_QR_MIN_WIDTH_MM);
	ret = qr_encode(text, level, ecc, &qr, err);
	if (ret != SCEAU_OK)
		goto out;
	side = qr->width + 2 * SCEAU_PDF_QR_QUIET;
	module = width / side;
	if (module + slack / side < min_module) {
		ret = sceau_fail(
			err, SCEAU_ERR_INVALID,
			"QR modules too small: %.3f mm at %.1f mm wide (version %d, "
			"ECC %c, %d modules with the quiet zone), at least %.1f mm needed: "
			"make the code %.1f mm wide or the text shorter",
			module * 25.4 / 72.0, width * 25.4 / 72.0, qr->version, ecc, side,
			SCEAU_PDF_QR_MIN_MODULE_MM,
			ceil(side * SCEAU_PDF_QR_MIN_MODULE_MM * 10.0 - 1e-9) / 10.0);
		goto out;
	}
	st = qr_draw(page, qr, x, y, module);
	if (st != HPDF_OK) {
		ret = sceau_pdf_failed(((HPDF_Dict)page)->error, st, "draw the QR code", err);
		goto out;
	}
	if (module_out)
		*module_out = module;
	ret = SCEAU_OK;
out:
	QRcode_free(qr);
	return ret;
}
