/* sceau tests — the customs desk: `sceau scan` (one QR text per line of
 * standard input, answered at once) and QR codes in images
 * (sceau_qr_image_decode, `sceau verify --qr-image`).
 *
 * One PKI, the QR texts and an issued CoC PDF rendered to PNG and JPEG by
 * poppler are made once per process, at fixed times, so that the answers
 * are the same on any day. Images the tests need in other pixel formats
 * (grey, palette, alpha, 16-bit, interlaced, two codes, binary data) are
 * drawn with libqrencode and written with libpng. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <png.h>
#include <poll.h>
#include <pty.h>
#include <qrencode.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

#define TIME     "2026-11-24T10:00:00Z" /* every document's signing time */
#define AT       "2026-11-24T12:00:00Z" /* when they are judged */
#define LATER    "2027-06-01T00:00:00Z" /* after the CoC's expiry */
#define PKI_TIME "2026-11-01T00:00:00Z"
#define BODY     "Organisme Scan Test"
#define PASS_ENV "SCEAU_PASSPHRASE=pw"

/* Made once: root/, signer/, trust/ (root, its CRL, the signer), other/
 * and stranger/ (a root and signer not in trust/), coc.pdf rendered as
 * page.png and page.jpg; the QR texts below. */
static char *tmp;
static char *coc_qr, *halal_qr, *stranger_qr;
static char *page_png, *page_jpg;
/* A private directory for each test. */
static char *work;

/* ---- running things ----------------------------------------------------- */

static int has(const char *hay, const char *needle)
{
	return hay && strstr(hay, needle) != NULL;
}

static int count(const char *hay, const char *needle)
{
	size_t l = strlen(needle);
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += l)
		n++;
	return n;
}

/* sceau ARGS in tmp, standard input from the file `in` (NULL: /dev/null). */
static void run(struct tu_proc *p, const char *in, const char *const *args)
{
	const char *argv[48];
	/* No installed bundle is ever looked at: without --trust, this one. */
	const char *env[] = {"TZ=UTC", "SCEAU_TEMPLATES=" SCEAU_TEMPLATES, PASS_ENV,
			     "SCEAU_TRUST=absent-store", NULL};
	size_t n = 0;

	if (in) {
		argv[n++] = "/bin/sh";
		argv[n++] = "-c";
		argv[n++] = "f=$1; shift; exec \"$0\" \"$@\" < \"$f\"";
		argv[n++] = SCEAU_BIN;
		argv[n++] = in;
	} else {
		argv[n++] = SCEAU_BIN;
	}
	for (size_t i = 0; args[i]; i++) {
		ck_assert_uint_lt(n, 47);
		argv[n++] = args[i];
	}
	argv[n] = NULL;
	tu_run(p, tmp, env, argv);
}
#define SCEAU(p, in, ...) run((p), (in), (const char *const[]){__VA_ARGS__, NULL})

static void ok(struct tu_proc *p)
{
	ck_assert_msg(p->status == 0, "exit %d: %s", p->status, p->err);
	tu_proc_free(p);
}

/* A tool that must succeed, in tmp; its stdout (caller frees). */
static char *tool(const char *const *argv)
{
	const char *env[] = {"TZ=UTC", NULL};
	struct tu_proc p;
	char *out;

	tu_run(&p, tmp, env, argv);
	ck_assert_msg(p.status == 0, "%s exited with %d: %s", argv[0], p.status, p.err);
	out = p.out;
	p.out = NULL;
	tu_proc_free(&p);
	return out;
}
#define TOOL(...) tool((const char *const[]){__VA_ARGS__, NULL})

/* `sceau scan --trust trust --at AT [extra]` with `input` on standard input. */
static void scan(struct tu_proc *p, const char *input, size_t len, const char *extra)
{
	char *in = tu_path(work, "scans.txt");

	tu_write(in, input, len);
	if (extra)
		SCEAU(p, in, "scan", "--trust", "trust", "--at", AT, extra);
	else
		SCEAU(p, in, "scan", "--trust", "trust", "--at", AT);
	free(in);
}

/* The QR text `sceau payload` prints for `example` signed by `signer`. */
static char *payload(const char *signer, const char *example)
{
	struct tu_proc p;
	char in[512], *text;

	snprintf(in, sizeof(in), "%s/%s.json", SCEAU_EXAMPLES, example);
	SCEAU(&p, NULL, "payload", "--signer", signer, "--in", in, "--time", TIME);
	ck_assert_msg(p.status == 0, "%s", p.err);
	ck_assert_int_eq(strncmp(p.out, "MA1:", 4), 0);
	ck_assert_ptr_nonnull(strchr(p.out, '\n'));
	*strchr(p.out, '\n') = 0;
	text = strdup(p.out);
	tu_proc_free(&p);
	return text;
}

static char *cat(const char *a, const char *b, const char *c)
{
	char *s = NULL;

	ck_assert(asprintf(&s, "%s%s%s", a, b, c) > 0);
	return s;
}

/* ---- images ------------------------------------------------------------- */

/* A QR code for `data` as 8-bit grey (0 dark, 255 light) with a 4-module
 * quiet zone, `scale` pixels a module; *side: the image's width and
 * height. Caller frees. */
static unsigned char *qr_grey(const unsigned char *data, size_t len, int scale, size_t *side)
{
	QRcode *q = QRcode_encodeData((int)len, data, 0, QR_ECLEVEL_M);
	size_t w, s;
	unsigned char *g;

	ck_assert_ptr_nonnull(q);
	w = (size_t)q->width;
	s = (w + 8) * (size_t)scale;
	g = malloc(s * s);
	ck_assert_ptr_nonnull(g);
	memset(g, 255, s * s);
	for (size_t y = 0; y < w; y++)
		for (size_t x = 0; x < w; x++)
			if (q->data[y * w + x] & 1)
				for (int dy = 0; dy < scale; dy++)
					memset(g + ((y + 4) * scale + dy) * s + (x + 4) * scale, 0,
					       (size_t)scale);
	QRcode_free(q);
	*side = s;
	return g;
}

enum png_kind { P_G8, P_G1, P_G16, P_GA8, P_RGB8, P_RGBA16, P_PAL2, P_G8_ADAM7 };

/* Write grey pixels g (w x h, 0 or 255 for the codes) as a PNG of `kind`:
 * the darks and lights become other colours, transparency or bits. */
static void write_png(const char *path, const unsigned char *g, size_t w, size_t h,
		      enum png_kind kind)
{
	static const int types[] = {PNG_COLOR_TYPE_GRAY,    PNG_COLOR_TYPE_GRAY,
				    PNG_COLOR_TYPE_GRAY,    PNG_COLOR_TYPE_GRAY_ALPHA,
				    PNG_COLOR_TYPE_RGB,     PNG_COLOR_TYPE_RGB_ALPHA,
				    PNG_COLOR_TYPE_PALETTE, PNG_COLOR_TYPE_GRAY};
	static const int depths[] = {8, 1, 16, 8, 8, 16, 2, 8};
	FILE *f = fopen(path, "wb");
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop info = png_create_info_struct(png);
	unsigned char *px = calloc(h, w * 8);
	png_bytep *rows = calloc(h, sizeof(*rows));
	size_t stride = w * 8;

	ck_assert(f && png && info && px && rows);
	ck_assert_int_eq(setjmp(png_jmpbuf(png)), 0);
	png_init_io(png, f);
	png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, depths[kind], types[kind],
		     kind == P_G8_ADAM7 ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
		     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	if (kind == P_PAL2) {
		png_color pal[4] = {{200, 0, 0}, {0, 0, 0}, {255, 255, 255}, {0, 200, 0}};
		png_byte trns[4] = {255, 255, 255, 0};
		png_set_PLTE(png, info, pal, 4);
		png_set_tRNS(png, info, trns, 4, NULL);
	}
	png_write_info(png, info);
	for (size_t y = 0; y < h; y++) {
		unsigned char *r = px + y * stride;
		rows[y] = r;
		for (size_t x = 0; x < w; x++) {
			int dark = g[y * w + x] < 128;
			switch (kind) {
			case P_G8:
			case P_G8_ADAM7:
				r[x] = g[y * w + x];
				break;
			case P_G1:
				if (!dark)
					r[x / 8] |= (unsigned char)(0x80 >> (x % 8));
				break;
			case P_G16:
				r[2 * x] = r[2 * x + 1] = dark ? 0x10 : 0xf0;
				break;
			case P_GA8: /* black on transparent black */
				r[2 * x] = 0;
				r[2 * x + 1] = dark ? 255 : 0;
				break;
			case P_RGB8: /* navy on cream */
				r[3 * x] = dark ? 0 : 255;
				r[3 * x + 1] = dark ? 0 : 250;
				r[3 * x + 2] = dark ? 110 : 205;
				break;
			case P_RGBA16:
				memset(r + 8 * x, dark ? 0 : 0xff, 6);
				r[8 * x + 6] = r[8 * x + 7] = 0xff;
				break;
			case P_PAL2:
				r[x / 4] |= (unsigned char)((dark ? 1 : 2) << (6 - 2 * (x % 4)));
				break;
			}
		}
	}
	png_write_image(png, rows);
	png_write_end(png, NULL);
	png_destroy_write_struct(&png, &info);
	ck_assert_int_eq(fclose(f), 0);
	free(rows);
	free(px);
}

/* The code for `text` as an 8-bit grey PNG at work/name; its path. */
static char *qr_png(const char *name, const char *text, enum png_kind kind)
{
	size_t side;
	unsigned char *g = qr_grey((const unsigned char *)text, strlen(text), 4, &side);
	char *path = tu_path(work, name);

	write_png(path, g, side, side, kind);
	free(g);
	return path;
}

/* Two codes side by side, `left` then `right`. */
static char *two_codes_png(const char *name, const char *left, const char *right)
{
	size_t a, b, w, h;
	unsigned char *ga = qr_grey((const unsigned char *)left, strlen(left), 4, &a);
	unsigned char *gb = qr_grey((const unsigned char *)right, strlen(right), 4, &b);
	unsigned char *g;
	char *path = tu_path(work, name);

	w = a + b;
	h = a > b ? a : b;
	g = malloc(w * h);
	ck_assert_ptr_nonnull(g);
	memset(g, 255, w * h);
	for (size_t y = 0; y < a; y++)
		memcpy(g + y * w, ga + y * a, a);
	for (size_t y = 0; y < b; y++)
		memcpy(g + y * w + a, gb + y * b, b);
	write_png(path, g, w, h, P_G8);
	free(ga);
	free(gb);
	free(g);
	return path;
}

static uint32_t crc32_of(const unsigned char *p, size_t n)
{
	uint32_t c = 0xffffffffu;

	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
	}
	return ~c;
}

static size_t chunk(unsigned char *out, const char *type, const unsigned char *data, size_t n)
{
	uint32_t crc;

	out[0] = (unsigned char)(n >> 24);
	out[1] = (unsigned char)(n >> 16);
	out[2] = (unsigned char)(n >> 8);
	out[3] = (unsigned char)n;
	memcpy(out + 4, type, 4);
	if (n)
		memcpy(out + 8, data, n);
	crc = crc32_of(out + 4, n + 4);
	out[8 + n] = (unsigned char)(crc >> 24);
	out[9 + n] = (unsigned char)(crc >> 16);
	out[10 + n] = (unsigned char)(crc >> 8);
	out[11 + n] = (unsigned char)crc;
	return 12 + n;
}

/* A well-formed PNG header claiming w x h grey pixels, a token IDAT, IEND. */
static char *huge_png(const char *name, uint32_t w, uint32_t h)
{
	unsigned char buf[128], ihdr[13] = {0}, idat[8] = {0x78, 0x9c, 0x03, 0, 0, 0, 0, 1};
	size_t n = 8;
	char *path = tu_path(work, name);

	memcpy(buf, "\x89PNG\r\n\x1a\n", 8);
	for (int i = 0; i < 4; i++) {
		ihdr[i] = (unsigned char)(w >> (24 - 8 * i));
		ihdr[4 + i] = (unsigned char)(h >> (24 - 8 * i));
	}
	ihdr[8] = 8; /* depth; colour type 0 (grey) */
	n += chunk(buf + n, "IHDR", ihdr, sizeof(ihdr));
	n += chunk(buf + n, "IDAT", idat, sizeof(idat));
	n += chunk(buf + n, "IEND", NULL, 0);
	tu_write(path, (const char *)buf, n);
	return path;
}

/* The first `keep` bytes of `from` at work/name. */
static char *truncated(const char *from, const char *name, size_t keep)
{
	size_t n;
	char *data = tu_read(from, &n), *path = tu_path(work, name);

	ck_assert_ptr_nonnull(data);
	ck_assert_uint_gt(n, keep);
	tu_write(path, data, keep);
	free(data);
	return path;
}

/* ---- fixtures ----------------------------------------------------------- */

static void copy_file(const char *from, const char *to)
{
	size_t n;
	char *a = tu_path(tmp, from), *b = tu_path(tmp, to), *data = tu_read(a, &n);

	ck_assert_msg(data != NULL, "cannot read '%s'", a);
	tu_write(b, data, n);
	free(data);
	free(a);
	free(b);
}

static void setup_once(void)
{
	struct sceau_error err = {0};
	struct tu_proc p;
	time_t t0 = 0;
	char *root, *signer, *other, *stranger, *trust, *pdf;
	unsigned both =
		SCEAU_PROGRAM_BIT(SCEAU_PROGRAM_COC) | SCEAU_PROGRAM_BIT(SCEAU_PROGRAM_HALAL);

	tmp = tu_tmpdir();
	ck_assert_int_eq(sceau_time_parse(PKI_TIME, &t0, &err), SCEAU_OK);
	root = tu_path(tmp, "root");
	signer = tu_path(tmp, "signer");
	other = tu_path(tmp, "other");
	stranger = tu_path(tmp, "stranger");
	trust = tu_path(tmp, "trust");
	tu_make_root(root, "Racine scan test", 3650, t0);
	tu_make_signer(root, signer, BODY, both, 1095, t0);
	tu_make_root(other, "Racine inconnue", 3650, t0);
	tu_make_signer(other, stranger, "Organisme Inconnu", both, 1095, t0);
	ck_assert_int_eq(mkdir(trust, 0700), 0);
	copy_file("root/root.crt", "trust/root.crt");
	copy_file("root/crl.pem", "trust/root.crl");
	copy_file("signer/signer.crt", "trust/signer.crt");

	coc_qr = payload("signer", "coc");
	halal_qr = payload("signer", "halal");
	stranger_qr = payload("stranger", "coc");

	pdf = tu_path(tmp, "coc.pdf");
	SCEAU(&p, NULL, "issue", "--signer", "signer", "--in", SCEAU_EXAMPLES "/coc.json", "--out",
	      pdf, "--time", TIME);
	ok(&p);
	free(TOOL("pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", "-singlefile", pdf,
		  "page"));
	free(TOOL("pdftoppm", "-jpeg", "-r", "150", "-f", "1", "-l", "1", "-singlefile", pdf,
		  "page"));
	page_png = tu_path(tmp, "page.png");
	page_jpg = tu_path(tmp, "page.jpg");
	free(pdf);
	free(root);
	free(signer);
	free(other);
	free(stranger);
	free(trust);
}

static void teardown_once(void)
{
	tu_rmrf(tmp);
	free(tmp);
	free(coc_qr);
	free(halal_qr);
	free(stranger_qr);
	free(page_png);
	free(page_jpg);
}

static void setup(void)
{
	work = tu_tmpdir();
}

static void teardown(void)
{
	tu_rmrf(work);
	free(work);
}

/* The part of a scan session's output about scan `n` (caller frees). */
static char *block(const char *out, int n)
{
	char head[32], next[32];
	const char *a, *b;

	snprintf(head, sizeof(head), "== scan %d ", n);
	snprintf(next, sizeof(next), "== scan %d ", n + 1);
	a = strstr(out, head);
	ck_assert_msg(a != NULL, "no scan %d in: %s", n, out);
	b = strstr(a, next);
	return b ? strndup(a, (size_t)(b - a)) : strdup(a);
}

/* ---- sceau scan ----------------------------------------------------------- */

START_TEST(test_scan_valid_line_shows_verdict_and_facts)
{
	char *in = cat(coc_qr, "\n", "");
	struct tu_proc p;

	scan(&p, in, strlen(in), NULL);
	ck_assert_msg(p.status == 0, "exit %d: %s%s", p.status, p.out, p.err);
	ck_assert(has(p.out, "== scan 1 ====="));
	ck_assert(has(p.out, "\n  VALID\n"));
	ck_assert(!has(p.out, "NOT VALID"));
	ck_assert(has(p.out, "signed by '" BODY "', authorised for coc"));
	ck_assert(has(p.out, "number     ITK-COC-2026-000123"));
	ck_assert(has(p.out, "issuer     " BODY));
	ck_assert(has(p.out, "importer   Atlas Électroménager SARL (ICE 001561191000066)"));
	ck_assert(has(p.out, "origin     CN"));
	ck_assert(has(p.out, "route      A"));
	ck_assert(has(p.out, "issued     2026-11-20"));
	ck_assert(has(p.out, "expires    "));
	ck_assert(has(p.out, "products   "));
	ck_assert(has(p.out, "8516600000  Four encastrable 60 L, 120 pce"));
	ck_assert(has(p.out, "signer     " BODY " (serial "));
	ck_assert(has(p.out, "\n1 scan: 1 valid, 0 not valid\n"));
	ck_assert_msg(!has(p.out, "\033["), "colour when piped: %s", p.out);
	ck_assert_str_eq(p.err, "");
	tu_proc_free(&p);
	free(in);
}
END_TEST

START_TEST(test_scan_survives_bad_lines_and_answers_each)
{
	size_t big = 2u << 20, n;
	char *head = NULL, *in, *b;
	struct tu_proc p;

	/* garbage; the CoC with spaces, a tab and CRLF; empty lines of all
	 * kinds; a 2 MB line; the Halal certificate without a final newline. */
	ck_assert(asprintf(&head, "garbage\n  \t%s \r\n\n\r\n   \n", coc_qr) > 0);
	n = strlen(head) + big + 1 + strlen(halal_qr);
	in = malloc(n);
	ck_assert_ptr_nonnull(in);
	memcpy(in, head, strlen(head));
	memset(in + strlen(head), 'A', big);
	in[strlen(head) + big] = '\n';
	memcpy(in + strlen(head) + big + 1, halal_qr, strlen(halal_qr));
	scan(&p, in, n, NULL);
	ck_assert_msg(p.status == 1, "exit %d: %s", p.status, p.err);
	ck_assert_int_eq(count(p.out, "== scan "), 4);

	b = block(p.out, 1);
	ck_assert_msg(has(b, "  NOT VALID \u2014 INVALID\n"), "%s", b);
	ck_assert(has(b, "not a sceau QR code"));
	free(b);
	b = block(p.out, 2);
	ck_assert_msg(has(b, "\n  VALID\n"), "%s", b);
	ck_assert(has(b, "ITK-COC-2026-000123"));
	free(b);
	b = block(p.out, 3);
	ck_assert(has(b, "  NOT VALID \u2014 INVALID\n"));
	ck_assert_msg(has(b, "line of 2097152 characters is too long"), "%s", b);
	free(b);
	b = block(p.out, 4);
	ck_assert(has(b, "\n  VALID\n"));
	ck_assert(has(b, "holder     Biscuiterie Al Baraka SA (ICE 002345678000031)"));
	ck_assert(has(b, "IMANOR-HAL-2026-000042"));
	ck_assert(has(b, "\n4 scans: 2 valid, 2 not valid (2 invalid)\n"));
	free(b);
	ck_assert_str_eq(p.err, "");
	tu_proc_free(&p);
	free(in);
	free(head);
}
END_TEST

START_TEST(test_scan_untrusted_signer_is_not_valid)
{
	char *in = cat(stranger_qr, "\n", "");
	struct tu_proc p;

	scan(&p, in, strlen(in), NULL);
	ck_assert_int_eq(p.status, 1);
	ck_assert_msg(has(p.out, "  NOT VALID \u2014 UNTRUSTED\n"), "%s", p.out);
	/* Nothing vouches for the code: its contents are not shown as facts. */
	ck_assert(has(p.out, "the code's contents are not shown"));
	ck_assert(!has(p.out, "importer   "));
	ck_assert(has(p.out, "1 scan: 0 valid, 1 not valid (1 untrusted)"));
	tu_proc_free(&p);
	free(in);
}
END_TEST

START_TEST(test_scan_judges_at_the_given_time)
{
	char *in = cat(coc_qr, "\n", "");
	char *path = tu_path(work, "in.txt");
	struct tu_proc p;

	tu_write(path, in, strlen(in));
	SCEAU(&p, path, "scan", "--trust", "trust", "--at", LATER);
	ck_assert_int_eq(p.status, 1);
	ck_assert_msg(has(p.out, "  NOT VALID \u2014 EXPIRED\n"), "%s", p.out);
	/* The signature verified: the facts are shown, to compare. */
	ck_assert(has(p.out, "number     ITK-COC-2026-000123"));
	ck_assert(has(p.out, "1 scan: 0 valid, 1 not valid (1 expired)"));
	tu_proc_free(&p);
	free(path);
	free(in);
}
END_TEST

START_TEST(test_scan_json_one_object_per_line)
{
	const char *verdicts[] = {"invalid", "valid", "valid", "untrusted"};
	char *in = NULL, *line, *save = NULL;
	struct tu_proc p;
	int n = 0;

	ck_assert(asprintf(&in, "not a code\r\n%s\n\n%s\n%s\n", coc_qr, halal_qr, stranger_qr) > 0);
	scan(&p, in, strlen(in), "--json");
	ck_assert_int_eq(p.status, 1);
	for (line = strtok_r(p.out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		json_error_t e;
		json_t *j = json_loads(line, 0, &e);
		const char *v;

		ck_assert_msg(j != NULL, "line %d is not JSON: %s: %s", n + 1, e.text, line);
		ck_assert_int_lt(n, 4);
		ck_assert_int_eq(json_integer_value(json_object_get(j, "scan")), n + 1);
		v = json_string_value(json_object_get(j, "verdict"));
		ck_assert_ptr_nonnull(v);
		ck_assert_str_eq(v, verdicts[n]);
		ck_assert_ptr_nonnull(json_string_value(json_object_get(j, "reason")));
		/* null, or a line to read (no status list for the body) */
		ck_assert(json_is_null(json_object_get(j, "warning")) ||
			  json_is_string(json_object_get(j, "warning")));
		if (!strcmp(v, "valid")) {
			ck_assert(json_is_true(json_object_get(j, "verified")));
			ck_assert_str_eq(json_string_value(json_object_get(j, "number")),
					 n == 1 ? "ITK-COC-2026-000123" : "IMANOR-HAL-2026-000042");
			ck_assert_str_eq(json_string_value(json_object_get(j, "issuer")), BODY);
			ck_assert_str_eq(json_string_value(json_object_get(j, "signer")), BODY);
		} else {
			ck_assert(json_is_false(json_object_get(j, "verified")));
			ck_assert(json_is_null(json_object_get(j, "number")));
		}
		json_decref(j);
		n++;
	}
	ck_assert_int_eq(n, 4);
	/* The count goes to standard error, away from the JSON. */
	ck_assert_msg(has(p.err, "4 scans: 2 valid, 2 not valid (1 invalid, 1 untrusted)"), "%s",
		      p.err);
	tu_proc_free(&p);
	free(in);
}
END_TEST

START_TEST(test_scan_no_input_is_zero_scans)
{
	struct tu_proc p;

	scan(&p, "\n \r\n", 4, NULL);
	ck_assert_int_eq(p.status, 0);
	ck_assert_str_eq(p.out, "0 scans: 0 valid, 0 not valid\n");
	tu_proc_free(&p);
}
END_TEST

START_TEST(test_scan_usage_and_trust_errors_exit_2)
{
	struct tu_proc p;

	SCEAU(&p, NULL, "scan");
	ck_assert_int_eq(p.status, 2);
	ck_assert_msg(has(p.err, "no trust store at 'absent-store'"), "%s", p.err);
	tu_proc_free(&p);
	SCEAU(&p, NULL, "scan", "--trust", "trust", "extra");
	ck_assert_int_eq(p.status, 2);
	tu_proc_free(&p);
	SCEAU(&p, NULL, "scan", "--trust", "trust", "--at", "yesterday");
	ck_assert_int_eq(p.status, 2);
	tu_proc_free(&p);
	SCEAU(&p, NULL, "scan", "--trust", "no-such-dir");
	ck_assert_int_eq(p.status, 2);
	ck_assert_msg(has(p.err, "no-such-dir"), "%s", p.err);
	ck_assert_str_eq(p.out, "");
	tu_proc_free(&p);
	SCEAU(&p, NULL, "scan", "--help");
	ck_assert_int_eq(p.status, 0);
	ck_assert(has(p.out, "usage: sceau scan [--trust TRUST]"));
	ck_assert(has(p.out, "Exit status: 0 every scan valid"));
	tu_proc_free(&p);
	SCEAU(&p, NULL, "--help");
	ck_assert(has(p.out, "  scan "));
	tu_proc_free(&p);
}
END_TEST

/* Run scan with standard output on a terminal; everything it printed. */
static char *scan_on_pty(const char *in, const char *no_color, int *status)
{
	size_t len = 0;
	char *out = calloc(1, 1), buf[4096];
	int master, st;
	pid_t pid;

	pid = forkpty(&master, NULL, NULL, NULL);
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int fd = open(in, O_RDONLY);
		if (fd < 0 || dup2(fd, 0) < 0 || chdir(tmp) < 0)
			_exit(127);
		setenv("TERM", "xterm", 1);
		setenv("TZ", "UTC", 1);
		if (no_color)
			setenv("NO_COLOR", no_color, 1);
		else
			unsetenv("NO_COLOR");
		execl(SCEAU_BIN, SCEAU_BIN, "scan", "--trust", "trust", "--at", AT, (char *)NULL);
		_exit(127);
	}
	for (;;) {
		ssize_t r = read(master, buf, sizeof(buf));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break; /* EIO: the child closed the terminal */
		out = realloc(out, len + (size_t)r + 1);
		ck_assert_ptr_nonnull(out);
		memcpy(out + len, buf, (size_t)r);
		len += (size_t)r;
		out[len] = 0;
	}
	close(master);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return out;
}

START_TEST(test_scan_colours_only_a_terminal_without_no_color)
{
	char *in = cat(coc_qr, "\ngarbage\n", ""), *path = tu_path(work, "in.txt"), *out;
	int status;

	tu_write(path, in, strlen(in));
	out = scan_on_pty(path, NULL, &status);
	ck_assert_int_eq(status, 1);
	ck_assert_msg(has(out, "\033[1;32m  VALID\033[0m"), "%s", out);
	ck_assert(has(out, "\033[1;31m  NOT VALID \u2014 INVALID\033[0m"));
	free(out);
	out = scan_on_pty(path, "1", &status);
	ck_assert_int_eq(status, 1);
	ck_assert(has(out, "  VALID"));
	ck_assert_msg(!has(out, "\033["), "%s", out);
	free(out);
	free(path);
	free(in);
}
END_TEST

START_TEST(test_scan_interrupt_prints_the_count)
{
	int in[2], out[2], st;
	char *got = calloc(1, 1), buf[4096], *line = cat(coc_qr, "\n", "");
	size_t len = 0;
	int sent = 0;
	pid_t pid;

	ck_assert_int_eq(pipe(in), 0);
	ck_assert_int_eq(pipe(out), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (dup2(in[0], 0) < 0 || dup2(out[1], 1) < 0 || chdir(tmp) < 0)
			_exit(127);
		close(in[1]);
		close(out[0]);
		execl(SCEAU_BIN, SCEAU_BIN, "scan", "--trust", "trust", "--at", AT, (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	ck_assert_int_eq(write(in[1], line, strlen(line)), (ssize_t)strlen(line));
	/* The answer comes at once, while the scanner's input stays open. */
	for (;;) {
		struct pollfd pfd = {out[0], POLLIN, 0};
		ssize_t r;

		ck_assert_msg(poll(&pfd, 1, 120000) == 1, "no answer: %s", got);
		r = read(out[0], buf, sizeof(buf));
		if (r <= 0)
			break;
		got = realloc(got, len + (size_t)r + 1);
		ck_assert_ptr_nonnull(got);
		memcpy(got + len, buf, (size_t)r);
		len += (size_t)r;
		got[len] = 0;
		if (!sent && has(got, "record     sha256") && has(got, "\n\n")) {
			ck_assert_int_eq(kill(pid, SIGINT), 0);
			sent = 1;
		}
	}
	close(in[1]);
	close(out[0]);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %d: %s", st, got);
	ck_assert(sent);
	ck_assert_msg(has(got, "\n1 scan: 1 valid, 0 not valid\n"), "%s", got);
	free(got);
	free(line);
}
END_TEST

/* ---- sceau_qr_image_decode ------------------------------------------------ */

/* Decode `path`, expecting exactly one code; its text (caller frees). */
static char *decode_one(const char *path)
{
	struct sceau_error err = {0};
	char **texts = NULL, *t;
	size_t n = 0;

	ck_assert_msg(sceau_qr_image_decode(path, &texts, &n, &err) == SCEAU_OK, "%s: %s", path,
		      err.msg);
	ck_assert_uint_eq(n, 1);
	t = strdup(texts[0]);
	sceau_qr_texts_free(texts, n);
	return t;
}

static void decode_fails(const char *path, enum sceau_err code, const char *msg)
{
	struct sceau_error err = {0};
	char **texts = (char **)&err;
	size_t n = 7;

	ck_assert_int_eq(sceau_qr_image_decode(path, &texts, &n, &err), code);
	ck_assert_msg(has(err.msg, msg), "'%s' not in '%s'", msg, err.msg);
	ck_assert_ptr_null(texts);
	ck_assert_uint_eq(n, 0);
}

START_TEST(test_qr_image_decode_page_matches_zbarimg)
{
	char *z = TOOL("zbarimg", "-q", "--raw", "-Sdisable", "-Sqrcode.enable", "page.png");
	char *png = decode_one(page_png), *jpg = decode_one(page_jpg);

	ck_assert_int_eq(strncmp(png, "MA1:", 4), 0);
	ck_assert_ptr_nonnull(strchr(z, '\n'));
	*strchr(z, '\n') = 0;
	ck_assert_str_eq(png, z);
	ck_assert_str_eq(jpg, z);
	free(z);
	free(png);
	free(jpg);
}
END_TEST

START_TEST(test_qr_image_decode_png_pixel_formats)
{
	const enum png_kind kinds[] = {P_G8,   P_G1,     P_G16,  P_GA8,
				       P_RGB8, P_RGBA16, P_PAL2, P_G8_ADAM7};

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		char name[32], *path, *t;

		snprintf(name, sizeof(name), "kind%zu.png", i);
		path = qr_png(name, halal_qr, kinds[i]);
		t = decode_one(path);
		ck_assert_msg(!strcmp(t, halal_qr), "kind %zu decoded as '%s'", i, t);
		free(t);
		free(path);
	}
}
END_TEST

START_TEST(test_qr_image_decode_jpeg_variants)
{
	const char *const variants[][3] = {
		{"-gray", NULL},                     /* greyscale JPEG */
		{"-jpegopt", "progressive=y", NULL}, /* progressive */
		{"-jpegopt", "quality=30", NULL},    /* a poor photo */
	};
	char *want = decode_one(page_png);

	for (size_t i = 0; i < sizeof(variants) / sizeof(variants[0]); i++) {
		const char *argv[16] = {"pdftoppm", "-jpeg", "-singlefile", "-f", "1", "-l", "1"};
		char name[32], *base, *path, *t;
		size_t n = 7;

		for (size_t k = 0; k < 2 && variants[i][k]; k++)
			argv[n++] = variants[i][k];
		argv[n++] = "-r";
		argv[n++] = "150";
		snprintf(name, sizeof(name), "v%zu", i);
		base = tu_path(work, name);
		argv[n++] = "coc.pdf";
		argv[n++] = base;
		argv[n] = NULL;
		free(tool(argv));
		path = cat(base, ".jpg", "");
		t = decode_one(path);
		ck_assert_msg(!strcmp(t, want), "variant %zu", i);
		free(t);
		free(path);
		free(base);
	}
	free(want);
}
END_TEST

START_TEST(test_qr_image_decode_scaled_down_scan)
{
	char *base = tu_path(work, "small"), *path, *t, *want = decode_one(page_png);

	free(TOOL("pdftoppm", "-png", "-singlefile", "-scale-to", "1400", "coc.pdf", base));
	path = cat(base, ".png", "");
	t = decode_one(path);
	ck_assert_str_eq(t, want);
	free(t);
	free(path);
	free(base);
	free(want);
}
END_TEST

START_TEST(test_qr_image_decode_two_codes_in_reading_order)
{
	struct sceau_error err = {0};
	char *path = two_codes_png("two.png", halal_qr, coc_qr), **texts = NULL;
	char *same = two_codes_png("same.png", coc_qr, coc_qr);
	size_t n = 0;

	ck_assert_int_eq(sceau_qr_image_decode(path, &texts, &n, &err), SCEAU_OK);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(texts[0], halal_qr);
	ck_assert_str_eq(texts[1], coc_qr);
	sceau_qr_texts_free(texts, n);
	/* Two copies of one code are one code. */
	ck_assert_int_eq(sceau_qr_image_decode(same, &texts, &n, &err), SCEAU_OK);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(texts[0], coc_qr);
	sceau_qr_texts_free(texts, n);
	free(path);
	free(same);
}
END_TEST

START_TEST(test_qr_image_decode_refuses_binary_data)
{
	const unsigned char data[] = {'M', 'A', '1', ':', 0x00, 0x01, 0xfe, 0xff, 0x80, 'x'};
	size_t side;
	unsigned char *g = qr_grey(data, sizeof(data), 4, &side);
	char *path = tu_path(work, "binary.png");

	write_png(path, g, side, side, P_G8);
	decode_fails(path, SCEAU_ERR_FORMAT, "holds binary data, not text");
	free(g);
	free(path);
}
END_TEST

START_TEST(test_qr_image_decode_bad_files)
{
	char *blank = tu_path(work, "blank.png"), *text = tu_path(work, "notes.png");
	char *gif = tu_path(work, "x.gif"), *empty = tu_path(work, "empty.jpg");
	char *big = tu_path(work, "big.png"), *missing = tu_path(work, "missing.png");
	char *huge = huge_png("huge.png", 100000, 100000);
	char *wide = huge_png("wide.png", 0x7fffffff, 1);
	char *tpng = truncated(page_png, "cut.png", 20000);
	char *tjpg_head = truncated(page_jpg, "head.jpg", 200);
	char *tjpg = truncated(page_jpg, "cut.jpg", 3000);
	unsigned char *white = malloc(300 * 200);
	int fd;

	ck_assert_ptr_nonnull(white);
	memset(white, 255, 300 * 200);
	write_png(blank, white, 300, 200, P_G8);
	decode_fails(blank, SCEAU_ERR_NOT_FOUND, "no QR code found in '");
	tu_write(text, "not an image\n", 13);
	decode_fails(text, SCEAU_ERR_FORMAT, "' is not a PNG or JPEG image");
	tu_write(gif, "GIF89a\x01\x00\x01\x00", 10);
	decode_fails(gif, SCEAU_ERR_FORMAT, "x.gif' is not a PNG or JPEG image");
	tu_write(empty, "", 0);
	decode_fails(empty, SCEAU_ERR_FORMAT, "is not a PNG or JPEG image");
	decode_fails(missing, SCEAU_ERR_NOT_FOUND, "missing.png");
	decode_fails(huge, SCEAU_ERR_FORMAT, "is too large: 100000x100000 pixels");
	decode_fails(wide, SCEAU_ERR_FORMAT, "is too large: 2147483647x1 pixels");
	decode_fails(tpng, SCEAU_ERR_FORMAT, "PNG image '");
	decode_fails(tjpg_head, SCEAU_ERR_FORMAT, "JPEG image '");
	/* libjpeg fills a cut file with grey; the code is gone with it. */
	decode_fails(tjpg, SCEAU_ERR_NOT_FOUND, "(the image is damaged: ");
	/* Past the file size limit, without reading it. */
	fd = open(big, O_WRONLY | O_CREAT | O_EXCL, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "\x89PNG\r\n\x1a\n", 8), 8);
	ck_assert_int_eq(ftruncate(fd, (off_t)SCEAU_QRIMAGE_FILE_MAX + 1), 0);
	close(fd);
	decode_fails(big, SCEAU_ERR_FORMAT, "larger than");
	ck_assert_int_eq(sceau_qr_image_decode(NULL, NULL, NULL, NULL), SCEAU_ERR_INVALID);
	sceau_qr_texts_free(NULL, 3);
	free(white);
	free(blank);
	free(text);
	free(gif);
	free(empty);
	free(big);
	free(missing);
	free(huge);
	free(wide);
	free(tpng);
	free(tjpg_head);
	free(tjpg);
}
END_TEST

/* ---- sceau verify --qr-image ------------------------------------------------ */

START_TEST(test_verify_qr_image_png_and_jpeg_are_valid)
{
	const char *const images[] = {"page.png", "page.jpg"};

	for (size_t i = 0; i < 2; i++) {
		struct tu_proc p;
		json_t *j;
		char want[64];

		SCEAU(&p, NULL, "verify", "--trust", "trust", "--at", AT, "--qr-image", images[i]);
		ck_assert_msg(p.status == 0, "%s: exit %d: %s%s", images[i], p.status, p.out,
			      p.err);
		snprintf(want, sizeof(want), "'%s': VALID: signed by '", images[i]);
		ck_assert_msg(has(p.out, want), "%s", p.out);
		ck_assert(has(p.out, "number     ITK-COC-2026-000123"));
		ck_assert_str_eq(p.err, "");
		tu_proc_free(&p);

		SCEAU(&p, NULL, "verify", "--trust", "trust", "--at", AT, "--json", "--qr-image",
		      images[i]);
		ck_assert_int_eq(p.status, 0);
		j = json_loads(p.out, 0, NULL);
		ck_assert_ptr_nonnull(j);
		ck_assert_str_eq(json_string_value(json_object_get(j, "image")), images[i]);
		ck_assert_int_eq(json_integer_value(json_object_get(j, "code")), 1);
		ck_assert_str_eq(json_string_value(json_object_get(j, "verdict")), "valid");
		ck_assert_str_eq(json_string_value(json_object_get(j, "number")),
				 "ITK-COC-2026-000123");
		json_decref(j);
		tu_proc_free(&p);
	}
}
END_TEST

START_TEST(test_verify_qr_image_verifies_every_code)
{
	char *path = two_codes_png("two.png", coc_qr, stranger_qr), *line, *save = NULL;
	struct tu_proc p;
	int n = 0;

	SCEAU(&p, NULL, "verify", "--trust", "trust", "--at", AT, "--qr-image", path);
	ck_assert_int_eq(p.status, 1);
	ck_assert_msg(has(p.out, "', QR code 1 of 2: VALID: "), "%s", p.out);
	ck_assert(has(p.out, "', QR code 2 of 2: UNTRUSTED: "));
	tu_proc_free(&p);

	SCEAU(&p, NULL, "verify", "--trust", "trust", "--at", AT, "--json", "--qr-image", path);
	ck_assert_int_eq(p.status, 1);
	for (line = strtok_r(p.out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		json_t *j = json_loads(line, 0, NULL);
		ck_assert_ptr_nonnull(j);
		ck_assert_int_eq(json_integer_value(json_object_get(j, "code")), n + 1);
		ck_assert_str_eq(json_string_value(json_object_get(j, "verdict")),
				 n == 0 ? "valid" : "untrusted");
		json_decref(j);
		n++;
	}
	ck_assert_int_eq(n, 2);
	tu_proc_free(&p);
	free(path);
}
END_TEST

START_TEST(test_verify_qr_image_bad_images_exit_2)
{
	char *blank = tu_path(work, "blank.png"), *text = tu_path(work, "notes.png");
	char *huge = huge_png("huge.png", 100000, 100000);
	char *tpng = truncated(page_png, "cut.png", 20000);
	char *tjpg = truncated(page_jpg, "cut.jpg", 3000);
	unsigned char *white = calloc(1, 64 * 64);
	struct {
		const char *path, *msg;
	} cases[] = {
		{blank, "no QR code found in '"},
		{text, "is not a PNG or JPEG image"},
		{huge, "is too large"},
		{tpng, "is damaged"},
		{tjpg, "no QR code found in '"},
		{"coc.pdf", "'coc.pdf' is not a PNG or JPEG image"},
		{"nothing.png", "nothing.png"},
	};

	ck_assert_ptr_nonnull(white);
	memset(white, 255, 64 * 64);
	write_png(blank, white, 64, 64, P_G8);
	tu_write(text, "hello\n", 6);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct tu_proc p;
		SCEAU(&p, NULL, "verify", "--trust", "trust", "--qr-image", cases[i].path);
		ck_assert_msg(p.status == 2, "%s: exit %d: %s", cases[i].path, p.status, p.err);
		ck_assert_msg(has(p.err, cases[i].msg), "%s: %s", cases[i].path, p.err);
		ck_assert_str_eq(p.out, "");
		tu_proc_free(&p);
	}
	free(white);
	free(blank);
	free(text);
	free(huge);
	free(tpng);
	free(tjpg);
}
END_TEST

START_TEST(test_verify_qr_image_usage_errors)
{
	struct tu_proc p;

	SCEAU(&p, NULL, "verify", "--trust", "trust", "--qr", coc_qr, "--qr-image", "page.png");
	ck_assert_int_eq(p.status, 2);
	ck_assert(has(p.err, "not both"));
	tu_proc_free(&p);
	SCEAU(&p, NULL, "verify", "--trust", "trust", "--qr-image", "page.png", "coc.pdf");
	ck_assert_int_eq(p.status, 2);
	ck_assert(has(p.err, "not both"));
	tu_proc_free(&p);
	SCEAU(&p, NULL, "verify", "--trust", "trust");
	ck_assert_int_eq(p.status, 2);
	ck_assert(has(p.err, "'--qr-image IMAGE'"));
	tu_proc_free(&p);
	SCEAU(&p, NULL, "verify", "--help");
	ck_assert_int_eq(p.status, 0);
	ck_assert(has(p.out, "--qr-image IMAGE"));
	tu_proc_free(&p);
}
END_TEST

TU_MAIN_ONCE("scan", setup_once, teardown_once, setup, teardown,
	     test_scan_valid_line_shows_verdict_and_facts,
	     test_scan_survives_bad_lines_and_answers_each, test_scan_untrusted_signer_is_not_valid,
	     test_scan_judges_at_the_given_time, test_scan_json_one_object_per_line,
	     test_scan_no_input_is_zero_scans, test_scan_usage_and_trust_errors_exit_2,
	     test_scan_colours_only_a_terminal_without_no_color,
	     test_scan_interrupt_prints_the_count, test_qr_image_decode_page_matches_zbarimg,
	     test_qr_image_decode_png_pixel_formats, test_qr_image_decode_jpeg_variants,
	     test_qr_image_decode_scaled_down_scan, test_qr_image_decode_two_codes_in_reading_order,
	     test_qr_image_decode_refuses_binary_data, test_qr_image_decode_bad_files,
	     test_verify_qr_image_png_and_jpeg_are_valid, test_verify_qr_image_verifies_every_code,
	     test_verify_qr_image_bad_images_exit_2, test_verify_qr_image_usage_errors)
