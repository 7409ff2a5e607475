/* sceau tests — the rendered certificate (part: render), read back with the
 * tools its readers use: qpdf, poppler (pdftotext, pdftoppm, pdffonts,
 * pdfinfo, pdfdetach, pdfimages) and zbar. Documents are made by the
 * `sceau issue` binary (exit codes, messages, files left behind) and by
 * sceau_render directly (the byte-for-byte guarantees).
 *
 * One PKI and the shared documents (the two examples and a 200-line CoC)
 * are made once per process in an unchecked fixture, at fixed times, so
 * that the tests give the same answer on any day. */
#include <jansson.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

#define TIME     "2026-11-24T10:00:00Z" /* every document's issuing time */
#define AT       "2026-11-24T12:00:00Z" /* when the QR codes are verified */
#define PKI_TIME "2026-11-01T00:00:00Z" /* when the root and signer were made */
#define BODY     "Organisme de Contrôle Test"
#define PASS_ENV "SCEAU_PASSPHRASE=pw"
#define BIG_ROWS 200

/* Made once per process, read by every test (sceau and the tools run in tmp):
 * root/, signer/, trust/, coc.pdf and halal.pdf (the examples), big.json
 * and big.pdf (BIG_ROWS product lines). */
static char *tmp;
static char *coc_pdf, *halal_pdf, *big_pdf; /* their absolute paths */
static unsigned big_pages;                  /* as 'sceau issue --json' reported them */
/* A private directory for each test, inside tmp. */
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

/* sceau with args, in tmp, with the source templates; pass_env may be NULL. */
static void run(struct tu_proc *p, const char *pass_env, const char *const *args)
{
	const char *argv[48] = {SCEAU_BIN};
	const char *env[] = {"SCEAU_TEMPLATES=" SCEAU_TEMPLATES, "TZ=UTC", pass_env, NULL};
	size_t n = 1;

	for (size_t i = 0; args[i]; i++) {
		ck_assert_uint_lt(n, 47);
		argv[n++] = args[i];
	}
	argv[n] = NULL;
	tu_run(p, tmp, env, argv);
}
#define SCEAU(p, pass, ...) run((p), (pass), (const char *const[]){__VA_ARGS__, NULL})

/* sceau issue --signer signer --in IN --out OUT --time TIME --no-register,
 * then the NULL-terminated extra arguments. These tests issue the examples
 * again and again under their own numbers; check_issue tests the register. */
static void issue(struct tu_proc *p, const char *pass, const char *in, const char *out,
		  const char *const *extra)
{
	const char *args[40] = {"issue", "--signer", "signer", "--in", in,
				"--out", out,        "--time", TIME,   "--no-register"};
	size_t n = 10;

	for (size_t i = 0; extra[i]; i++)
		args[n++] = extra[i];
	args[n] = NULL;
	run(p, pass, args);
}
#define ISSUE(p, pass, in, out, ...)                                                               \
	issue((p), (pass), (in), (out), (const char *const[]){__VA_ARGS__})

static void ok(struct tu_proc *p)
{
	ck_assert_msg(p->status == 0, "exit %d: %s", p->status, p->err);
	tu_proc_free(p);
}

static void tool_run(struct tu_proc *p, const char *const *argv)
{
	const char *env[] = {"TZ=UTC", NULL};

	tu_run(p, tmp, env, argv);
}

/* A tool that must succeed; its stdout (caller frees). */
static char *tool(const char *const *argv)
{
	struct tu_proc p;
	char *out;

	tool_run(&p, argv);
	ck_assert_msg(p.status == 0, "%s exited with %d: %s", argv[0], p.status, p.err);
	out = p.out;
	p.out = NULL;
	tu_proc_free(&p);
	return out;
}
#define TOOL(...) tool((const char *const[]){__VA_ARGS__, NULL})

/* ---- files and requests ------------------------------------------------- */

static void copy_file(const char *from, const char *to)
{
	size_t n;
	char *data = tu_read(from, &n);

	ck_assert_msg(data != NULL, "cannot read '%s'", from);
	tu_write(to, data, n);
	free(data);
}

static json_t *load_json(const char *path)
{
	json_error_t e;
	json_t *j = json_load_file(path, 0, &e);

	ck_assert_msg(j != NULL, "%s: %s", path, e.text);
	return j;
}

/* docs/examples/<type>.json */
static json_t *example(const char *type)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s.json", SCEAU_EXAMPLES, type);
	return load_json(path);
}

/* Write j to dir/name; returns the path (caller frees). */
static char *write_json(const char *dir, const char *name, const json_t *j)
{
	char *path = tu_path(dir, name);

	ck_assert_int_eq(json_dump_file(j, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER), 0);
	return path;
}

static const char *jstr(const json_t *j, const char *key)
{
	const char *s = json_string_value(json_object_get(j, key));

	ck_assert_msg(s != NULL, "no text at '%s'", key);
	return s;
}

/* Characters (code points) in UTF-8 text. */
static size_t u8len(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* An empty directory in work (caller frees). */
static char *subdir(const char *name)
{
	char *d = tu_path(work, name);

	ck_assert_int_eq(mkdir(d, 0700), 0);
	return d;
}

/* ---- reading PDFs back -------------------------------------------------- */

/* pdftotext puts bidi controls around right-to-left runs: LRM, RLM,
 * LRE..RLO and the isolates go, the letters stay. */
static void strip_bidi(char *s)
{
	char *w = s;

	for (const char *r = s; *r;) {
		const unsigned char *u = (const unsigned char *)r;
		if (u[0] == 0xE2 && u[1] == 0x80 &&
		    (u[2] == 0x8E || u[2] == 0x8F || (u[2] >= 0xAA && u[2] <= 0xAE))) {
			r += 3;
			continue;
		}
		if (u[0] == 0xE2 && u[1] == 0x81 && u[2] >= 0xA6 && u[2] <= 0xA9) {
			r += 3;
			continue;
		}
		*w++ = *r++;
	}
	*w = '\0';
}

/* The text of page `page` (0: every page) without bidi controls. */
static char *pdf_text(const char *pdf, int page)
{
	char pg[16];
	char *out;

	snprintf(pg, sizeof(pg), "%d", page);
	if (page)
		out = TOOL("pdftotext", "-enc", "UTF-8", "-f", pg, "-l", pg, pdf, "-");
	else
		out = TOOL("pdftotext", "-enc", "UTF-8", pdf, "-");
	strip_bidi(out);
	return out;
}

/* The value of `key` in pdfinfo's output, or NULL (caller frees). */
static char *info_value(const char *out, const char *key)
{
	size_t kl = strlen(key);

	for (const char *line = out; line && *line;) {
		const char *nl = strchr(line, '\n');
		if (strncmp(line, key, kl) == 0 && line[kl] == ':') {
			const char *v = line + kl + 1;
			while (*v == ' ')
				v++;
			return strndup(v, nl ? (size_t)(nl - v) : strlen(v));
		}
		line = nl ? nl + 1 : NULL;
	}
	return NULL;
}

/* The QR text the document keeps in its Info dictionary (/SceauQR). */
static char *info_qr(const char *pdf)
{
	char *out = TOOL("pdfinfo", "-custom", pdf);
	char *qr = info_value(out, "SceauQR");

	ck_assert_msg(qr != NULL, "no SceauQR in '%s'", pdf);
	ck_assert_int_eq(strncmp(qr, "MA1:", 4), 0);
	free(out);
	return qr;
}

static unsigned pdf_pages(const char *pdf)
{
	char *out = TOOL("pdfinfo", pdf), *v = info_value(out, "Pages");
	unsigned long n;

	ck_assert_ptr_nonnull(v);
	n = strtoul(v, NULL, 10);
	free(v);
	free(out);
	return (unsigned)n;
}

/* Page `page` rendered at 150 dpi and read by zbar (QR codes only): the
 * text of the one code it finds (caller frees), or NULL when it finds none. */
static char *qr_read(const char *pdf, int page)
{
	char pg[16], name[32], *root, *png, *text;
	struct tu_proc p;
	size_t n;

	snprintf(pg, sizeof(pg), "%d", page);
	snprintf(name, sizeof(name), "page%d", page);
	root = tu_path(work, name);
	ck_assert(asprintf(&png, "%s.png", root) > 0);
	free(TOOL("pdftoppm", "-r", "150", "-png", "-f", pg, "-l", pg, "-singlefile", pdf, root));
	tool_run(&p, (const char *const[]){"zbarimg", "--raw", "-q", "-Sdisable", "-Sqrcode.enable",
					   png, NULL});
	free(root);
	free(png);
	if (p.status == 4) { /* zbar: no symbol found */
		ck_assert_str_eq(p.out, "");
		tu_proc_free(&p);
		return NULL;
	}
	ck_assert_msg(p.status == 0, "zbarimg exited with %d: %s", p.status, p.err);
	n = strlen(p.out);
	ck_assert(n > 1 && p.out[n - 1] == '\n');
	p.out[n - 1] = '\0';
	ck_assert_msg(strchr(p.out, '\n') == NULL, "more than one code on page %d", page);
	text = p.out;
	p.out = NULL;
	tu_proc_free(&p);
	return text;
}

static void assert_qpdf_clean(const char *pdf)
{
	struct tu_proc p;

	tool_run(&p, (const char *const[]){"qpdf", "--check", pdf, NULL});
	ck_assert_msg(p.status == 0, "qpdf --check '%s' exited with %d: %s%s", pdf, p.status, p.out,
		      p.err);
	ck_assert(has(p.out, "No syntax or stream encoding errors found"));
	tu_proc_free(&p);
}

/* Every font embedded, subset (tagged ABCDEF+) and with a ToUnicode map;
 * both the Latin and the Arabic font are used. */
static void assert_fonts_embedded_subsets(const char *pdf)
{
	char *out = TOOL("pdffonts", pdf), *save = NULL;
	int rule = 0, fonts = 0, latin = 0, arabic = 0;

	for (char *line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *tok[16], *s2 = NULL;
		int n = 0;

		if (!rule) {
			rule = line[0] == '-';
			continue;
		}
		for (char *t = strtok_r(line, " ", &s2); t && n < 16; t = strtok_r(NULL, " ", &s2))
			tok[n++] = t;
		/* name type… encoding emb sub uni object-number generation */
		ck_assert_int_ge(n, 7);
		ck_assert_msg(strcmp(tok[n - 5], "yes") == 0, "%s: font %s is not embedded", pdf,
			      tok[0]);
		ck_assert_msg(strcmp(tok[n - 4], "yes") == 0, "%s: font %s is not a subset", pdf,
			      tok[0]);
		ck_assert_msg(strcmp(tok[n - 3], "yes") == 0, "%s: font %s has no ToUnicode", pdf,
			      tok[0]);
		ck_assert_msg(strlen(tok[0]) > 7 && tok[0][6] == '+' &&
				      strspn(tok[0], "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == 6,
			      "%s: font %s has no subset tag", pdf, tok[0]);
		latin += has(tok[0], "+DejaVuSans");
		arabic += has(tok[0], "+NotoNaskhArabic");
		fonts++;
	}
	ck_assert_msg(rule, "pdffonts printed no table for %s", pdf);
	ck_assert_int_ge(fonts, 2);
	ck_assert_int_ge(latin, 1);
	ck_assert_int_ge(arabic, 1);
	free(out);
}

/* Words with their boxes (points, origin top left), from pdftotext -bbox.
 * Right-to-left words come in the order of their glyphs there, so only
 * left-to-right words are looked up by their text. */
struct word {
	int page;
	double x0, y0, x1, y1;
	char *t;
};
struct words {
	struct word *v;
	size_t n;
	double page_w;
};

static double attr(const char *tag, const char *name)
{
	char key[16];
	const char *a, *end = strchr(tag, '>');

	snprintf(key, sizeof(key), " %s=\"", name);
	a = strstr(tag, key);
	ck_assert_msg(a && end && a < end, "no %s in a pdftotext tag", name);
	return strtod(a + strlen(key), NULL);
}

static void words_load(struct words *w, const char *pdf)
{
	char *out = TOOL("pdftotext", "-enc", "UTF-8", "-bbox", pdf, "-");
	int page = 0;
	size_t cap = 0;

	memset(w, 0, sizeof(*w));
	for (char *p = out; (p = strchr(p, '<')) != NULL; p++) {
		struct word x;
		char *gt, *end;

		if (strncmp(p, "<page ", 6) == 0) {
			page++;
			w->page_w = attr(p, "width");
			continue;
		}
		if (strncmp(p, "<word ", 6) != 0)
			continue;
		x.page = page;
		x.x0 = attr(p, "xMin");
		x.y0 = attr(p, "yMin");
		x.x1 = attr(p, "xMax");
		x.y1 = attr(p, "yMax");
		gt = strchr(p, '>');
		end = strstr(gt, "</word>");
		ck_assert_ptr_nonnull(end);
		x.t = strndup(gt + 1, (size_t)(end - gt - 1));
		if (w->n == cap) {
			cap = cap ? cap * 2 : 256;
			w->v = realloc(w->v, cap * sizeof(*w->v));
			ck_assert_ptr_nonnull(w->v);
		}
		w->v[w->n++] = x;
		p = end;
	}
	ck_assert_uint_gt(w->n, 0);
	free(out);
}

static void words_free(struct words *w)
{
	for (size_t i = 0; i < w->n; i++)
		free(w->v[i].t);
	free(w->v);
}

/* The `nth` (from 0) word on page 1 whose text is t. */
static const struct word *word_nth(const struct words *w, const char *t, int nth)
{
	int seen = 0;

	for (size_t i = 0; i < w->n; i++)
		if (w->v[i].page == 1 && strcmp(w->v[i].t, t) == 0 && seen++ == nth)
			return &w->v[i];
	ck_abort_msg("no word '%s' (#%d) on page 1", t, nth);
	return NULL;
}

/* The template's left and right margin, in points. */
static double template_margin(const char *type)
{
	char path[512];
	json_t *t, *m;
	double l, r;

	snprintf(path, sizeof(path), "%s/%s.json", SCEAU_TEMPLATES, type);
	t = load_json(path);
	m = json_object_get(t, "margins_mm");
	l = json_number_value(json_object_get(m, "left"));
	r = json_number_value(json_object_get(m, "right"));
	ck_assert(l > 0 && r > 0);
	json_decref(t);
	return (l < r ? l : r) * 72 / 25.4;
}

/* No word on any page runs into the margins: what does not fit a box is
 * wrapped, never drawn past the edge. */
static void assert_words_inside_margins(const struct words *w, double margin)
{
	for (size_t i = 0; i < w->n; i++) {
		const struct word *x = &w->v[i];
		ck_assert_msg(x->x0 >= margin - 0.5 && x->x1 <= w->page_w - margin + 0.5,
			      "word '%s' on page %d spans x %.1f to %.1f, past the margins (%.1f)",
			      x->t, x->page, x->x0, x->x1, margin);
	}
}

/* ---- the library renderer ---------------------------------------------- */

static time_t issue_time(void)
{
	struct sceau_error err = {0};
	time_t t = 0;

	ck_assert_int_eq(sceau_time_parse(TIME, &t, &err), SCEAU_OK);
	return t;
}

/* "MA1:" and n characters of the Base45 alphabet, the same every run. */
static char *fixed_qr(size_t n)
{
	static const char b45[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
	char *s = malloc(n + 5);
	unsigned x = 20261124;

	ck_assert_ptr_nonnull(s);
	memcpy(s, "MA1:", 4);
	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		s[4 + i] = b45[(x >> 16) % 45];
	}
	s[4 + n] = '\0';
	return s;
}

/* docs/examples/<type>.json rendered by r for BODY at `at` with `qr`. */
static unsigned char *render_example(struct sceau_renderer *r, const char *type, const char *qr,
				     time_t at, size_t *len)
{
	struct sceau_error err = {0};
	struct sceau_record *rec = NULL;
	struct sceau_render_info info = {BODY, qr, at, NULL};
	unsigned char *pdf = NULL;
	unsigned pages = 0;
	char path[512];

	snprintf(path, sizeof(path), "%s/%s.json", SCEAU_EXAMPLES, type);
	ck_assert_msg(sceau_record_load(path, &rec, &err) == SCEAU_OK, "%s", err.msg);
	ck_assert_msg(sceau_render(r, rec, &info, &pdf, len, &pages, &err) == SCEAU_OK, "%s",
		      err.msg);
	ck_assert_uint_eq(pages, 1);
	ck_assert_int_eq(memcmp(pdf, "%PDF-", 5), 0);
	sceau_record_free(rec);
	return pdf;
}

static struct sceau_renderer *renderer(void)
{
	struct sceau_error err = {0};
	struct sceau_renderer *r = NULL;

	ck_assert_msg(sceau_renderer_new(SCEAU_TEMPLATES, &r, &err) == SCEAU_OK, "%s", err.msg);
	return r;
}

/* ---- fixtures ----------------------------------------------------------- */

/* The example CoC with BIG_ROWS product lines, each with its own
 * description ("Article n° 001 pour essai") and model ("MDL-001"). Lines
 * alternate the example's two tariff codes, whose descriptive sheets and
 * test reports are in its dossier, so the request stays valid. */
static json_t *big_request(void)
{
	json_t *req = example("coc"), *src = json_object_get(req, "products");
	json_t *rows = json_array();

	ck_assert_str_eq(jstr(json_array_get(src, 0), "tariff_code"), "8516600000");
	ck_assert_str_eq(jstr(json_array_get(src, 3), "tariff_code"), "8509400000");
	for (int i = 0; i < BIG_ROWS; i++) {
		json_t *p = json_deep_copy(json_array_get(src, i % 2 ? 3 : 0));
		char desc[64], model[16];

		snprintf(desc, sizeof(desc), "Article n° %03d pour essai", i + 1);
		snprintf(model, sizeof(model), "MDL-%03d", i + 1);
		json_object_set_new(p, "description", json_string(desc));
		json_object_set_new(p, "model", json_string(model));
		json_object_del(p, "short_description");
		json_array_append_new(rows, p);
	}
	json_object_set_new(req, "products", rows);
	return req;
}

static void setup_once(void)
{
	struct sceau_error err = {0};
	struct tu_proc p;
	time_t t0 = 0;
	json_t *j;
	char *root, *signer, *trust, *a, *b;
	const struct {
		const char *from, *to;
	} store[] = {{"root/root.crt", "trust/root.crt"},
		     {"root/crl.pem", "trust/root.crl"},
		     {"signer/signer.crt", "trust/signer.crt"}};

	tmp = tu_tmpdir();
	ck_assert_int_eq(sceau_time_parse(PKI_TIME, &t0, &err), SCEAU_OK);
	root = tu_path(tmp, "root");
	signer = tu_path(tmp, "signer");
	trust = tu_path(tmp, "trust");
	tu_make_root(root, "Racine de test sceau", 3650, t0);
	tu_make_signer(root, signer, BODY,
		       SCEAU_PROGRAM_BIT(SCEAU_PROGRAM_COC) |
			       SCEAU_PROGRAM_BIT(SCEAU_PROGRAM_HALAL),
		       1095, t0);
	ck_assert_int_eq(mkdir(trust, 0700), 0);
	for (size_t i = 0; i < sizeof(store) / sizeof(store[0]); i++) {
		a = tu_path(tmp, store[i].from);
		b = tu_path(tmp, store[i].to);
		copy_file(a, b);
		free(a);
		free(b);
	}
	free(root);
	free(signer);
	free(trust);

	coc_pdf = tu_path(tmp, "coc.pdf");
	halal_pdf = tu_path(tmp, "halal.pdf");
	big_pdf = tu_path(tmp, "big.pdf");
	ISSUE(&p, PASS_ENV, SCEAU_EXAMPLES "/coc.json", coc_pdf, NULL);
	ok(&p);
	ISSUE(&p, PASS_ENV, SCEAU_EXAMPLES "/halal.json", halal_pdf, NULL);
	ok(&p);
	j = big_request();
	free(write_json(tmp, "big.json", j));
	json_decref(j);
	ISSUE(&p, PASS_ENV, "big.json", big_pdf, "--json", NULL);
	ck_assert_msg(p.status == 0, "%s", p.err);
	j = json_loads(p.out, 0, NULL);
	ck_assert_ptr_nonnull(j);
	ck_assert_str_eq(jstr(j, "file"), big_pdf);
	big_pages = (unsigned)json_integer_value(json_object_get(j, "pages"));
	json_decref(j);
	tu_proc_free(&p);
}

static void teardown_once(void)
{
	tu_rmrf(tmp);
	free(tmp);
	free(coc_pdf);
	free(halal_pdf);
	free(big_pdf);
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
}

/* ---- 1. well-formed PDFs with embedded fonts ---------------------------- */

START_TEST(test_issued_pdfs_pass_qpdf_check_and_embed_subset_fonts)
{
	const char *pdfs[] = {coc_pdf, halal_pdf, big_pdf};

	for (size_t i = 0; i < 3; i++) {
		assert_qpdf_clean(pdfs[i]);
		assert_fonts_embedded_subsets(pdfs[i]);
	}
}
END_TEST

/* ---- 2. the text reads back --------------------------------------------- */

START_TEST(test_coc_text_gives_number_ice_every_tariff_code_and_arabic_title)
{
	json_t *req = example("coc"), *prods = json_object_get(req, "products");
	json_t *imp = json_object_get(req, "importer");
	char *text = pdf_text(coc_pdf, 0), ice[64];

	ck_assert(has(text, jstr(req, "number")));
	snprintf(ice, sizeof(ice), "ICE %s", jstr(imp, "ice"));
	ck_assert_msg(has(text, ice), "no '%s' in:\n%s", ice, text);
	ck_assert(has(text, jstr(imp, "name")));
	ck_assert(has(text, BODY));
	/* each line shows its code once: as often in the text as in the request */
	for (size_t i = 0; i < json_array_size(prods); i++) {
		const char *code = jstr(json_array_get(prods, i), "tariff_code");
		int want = 0;
		for (size_t k = 0; k < json_array_size(prods); k++)
			want += strcmp(jstr(json_array_get(prods, k), "tariff_code"), code) == 0;
		ck_assert_int_eq(count(text, code), want);
	}
	ck_assert(has(text, "CERTIFICAT DE CONFORMITÉ"));
	/* logical order, joined forms mapped back to letters by ToUnicode */
	ck_assert_msg(has(text, "شهادة المطابقة"), "no Arabic title in:\n%s", text);
	free(text);
	json_decref(req);
}
END_TEST

START_TEST(test_halal_text_gives_number_ice_every_reference_and_arabic_title)
{
	json_t *req = example("halal"), *prods = json_object_get(req, "products");
	char *text = pdf_text(halal_pdf, 0), ice[64];

	ck_assert(has(text, jstr(req, "number")));
	snprintf(ice, sizeof(ice), "ICE %s", jstr(json_object_get(req, "holder"), "ice"));
	ck_assert_msg(has(text, ice), "no '%s' in:\n%s", ice, text);
	for (size_t i = 0; i < json_array_size(prods); i++)
		ck_assert_int_eq(count(text, jstr(json_array_get(prods, i), "reference")), 1);
	ck_assert(has(text, "CERTIFICAT HALAL"));
	ck_assert_msg(has(text, "شهادة حلال"), "no Arabic title in:\n%s", text);
	free(text);
	json_decref(req);
}
END_TEST

/* ---- 3. the QR code --------------------------------------------------- */

START_TEST(test_qr_on_page_one_reads_back_as_the_info_text_and_verifies)
{
	const char *types[] = {"coc", "halal"};

	for (size_t i = 0; i < 2; i++) {
		const char *pdf = i ? halal_pdf : coc_pdf;
		json_t *req = example(types[i]), *v;
		char *info, *read;
		struct tu_proc p;

		info = info_qr(pdf);
		read = qr_read(pdf, 1);
		ck_assert_msg(read != NULL, "zbar found no QR code on page 1 of %s", pdf);
		ck_assert_str_eq(read, info);
		SCEAU(&p, NULL, "verify", "--trust", "trust", "--at", AT, "--json", "--qr", read);
		ck_assert_msg(p.status == 0, "%s%s", p.out, p.err);
		v = json_loads(p.out, 0, NULL);
		ck_assert_ptr_nonnull(v);
		ck_assert_str_eq(jstr(v, "verdict"), "valid");
		ck_assert_str_eq(jstr(v, "type"), types[i]);
		ck_assert_str_eq(jstr(v, "number"), jstr(req, "number"));
		ck_assert_str_eq(jstr(v, "issuer"), BODY);
		json_decref(v);
		tu_proc_free(&p);
		free(read);
		free(info);
		json_decref(req);
	}
}
END_TEST

/* ---- 4. a long product table --------------------------------------------- */

START_TEST(test_200_line_coc_flows_over_pages_with_header_and_page_numbers)
{
	unsigned pages = pdf_pages(big_pdf);
	unsigned *seen = calloc(BIG_ROWS, sizeof(unsigned)),
		 *page_of = calloc(BIG_ROWS, sizeof(unsigned));

	ck_assert(seen && page_of);
	ck_assert_uint_eq(pages, big_pages);
	ck_assert_uint_gt(pages, 1);
	for (unsigned pg = 1; pg <= pages; pg++) {
		char *text = pdf_text(big_pdf, (int)pg), mark[48];

		snprintf(mark, sizeof(mark), "Page %u / %u", pg, pages);
		ck_assert_msg(has(text, mark), "no '%s' on page %u:\n%s", mark, pg, text);
		ck_assert_int_eq(count(text, "Page "), 1);
		ck_assert_msg(has(text, "Position tarifaire"), "no table header on page %u", pg);
		ck_assert_msg(has(text, "ITK-COC-2026-000123"), "no number on page %u", pg);
		for (int i = 0; i < BIG_ROWS; i++) {
			char desc[48], model[16];
			int nd, nm;

			snprintf(desc, sizeof(desc), "Article n° %03d pour", i + 1);
			snprintf(model, sizeof(model), "MDL-%03d", i + 1);
			nd = count(text, desc);
			nm = count(text, model);
			ck_assert_msg(nd == nm, "line %d: %d descriptions, %d models on page %u",
				      i + 1, nd, nm, pg);
			seen[i] += (unsigned)nd;
			if (nd)
				page_of[i] = pg;
		}
		free(text);
	}
	for (int i = 0; i < BIG_ROWS; i++)
		ck_assert_msg(seen[i] == 1, "line %d appears %u times", i + 1, seen[i]);
	/* the table starts on page 1 and its lines keep their order */
	ck_assert_uint_eq(page_of[0], 1);
	for (int i = 1; i < BIG_ROWS; i++)
		ck_assert_msg(page_of[i] >= page_of[i - 1], "line %d on page %u, line %d on %u", i,
			      page_of[i - 1], i + 1, page_of[i]);
	free(seen);
	free(page_of);
}
END_TEST

START_TEST(test_200_line_coc_has_the_qr_on_page_one_only)
{
	unsigned pages = pdf_pages(big_pdf);
	char *info = info_qr(big_pdf), *read = qr_read(big_pdf, 1);

	ck_assert_msg(read != NULL, "no QR code on page 1");
	ck_assert_str_eq(read, info);
	free(read);
	ck_assert_ptr_null(qr_read(big_pdf, 2));
	ck_assert_ptr_null(qr_read(big_pdf, (int)pages));
	free(info);
}
END_TEST

/* ---- 5. reproducible bytes ---------------------------------------------- */

START_TEST(test_render_same_inputs_give_identical_bytes)
{
	struct sceau_renderer *r = renderer(), *r2 = renderer();
	time_t t = issue_time();
	char *qr = fixed_qr(470), *qr2 = strdup(qr);
	size_t la, lh, lb, lc, ld, le;
	unsigned char *a, *h, *b, *c, *d, *e;

	a = render_example(r, "coc", qr, t, &la);
	h = render_example(r, "halal", qr, t, &lh); /* the renderer's state in between */
	b = render_example(r, "coc", qr, t, &lb);
	sleep(1);                                  /* a clock read while rendering would show */
	c = render_example(r2, "coc", qr, t, &lc); /* a fresh renderer */
	ck_assert_uint_eq(la, lb);
	ck_assert_int_eq(memcmp(a, b, la), 0);
	ck_assert_uint_eq(la, lc);
	ck_assert_int_eq(memcmp(a, c, la), 0);
	/* and the comparison sees a change: one QR character, one second */
	qr2[100] = qr2[100] == 'A' ? 'B' : 'A';
	d = render_example(r, "coc", qr2, t, &ld);
	ck_assert(ld != la || memcmp(a, d, la) != 0);
	e = render_example(r, "coc", qr, t + 1, &le);
	ck_assert(le != la || memcmp(a, e, la) != 0);
	free(a);
	free(h);
	free(b);
	free(c);
	free(d);
	free(e);
	free(qr);
	free(qr2);
	sceau_renderer_free(r);
	sceau_renderer_free(r2);
}
END_TEST

/* ECDSA signatures are randomised (OpenSSL 3.0 signs without RFC 6979), so
 * two issues of one request give two QR texts; everything else is fixed:
 * each file starts with exactly what the renderer makes of its own QR text,
 * the body and --time, and the PDF signature follows as an incremental
 * update. */
START_TEST(test_issue_writes_the_render_of_its_qr_text_then_its_signature)
{
	struct sceau_renderer *r = renderer();
	char *again = tu_path(work, "again.pdf");
	const char *files[] = {coc_pdf, again};
	struct tu_proc p;

	ISSUE(&p, PASS_ENV, SCEAU_EXAMPLES "/coc.json", again, NULL);
	ok(&p);
	for (size_t i = 0; i < 2; i++) {
		char *qr = info_qr(files[i]), *file;
		size_t flen, len;
		unsigned char *pdf;

		file = tu_read(files[i], &flen);
		ck_assert_ptr_nonnull(file);
		pdf = render_example(r, "coc", qr, issue_time(), &len);
		ck_assert_uint_gt(flen, len);
		ck_assert_msg(memcmp(pdf, file, len) == 0, "'%s' differs from the render",
			      files[i]);
		ck_assert_msg(strstr((const char *)file + len, "/SubFilter /ETSI.CAdES.detached"),
			      "'%s' has no signature after the render", files[i]);
		free(pdf);
		free(file);
		free(qr);
	}
	free(again);
	sceau_renderer_free(r);
}
END_TEST

/* ---- 6. embedded data and document information -------------------------- */

START_TEST(test_pdf_embeds_the_request_and_names_number_body_and_time)
{
	const char *types[] = {"coc", "halal"};

	for (size_t i = 0; i < 2; i++) {
		json_t *req = example(types[i]), *emb, *v;
		const char *key, *party = i ? "holder" : "importer", *pdf = i ? halal_pdf : coc_pdf;
		char version[64], *saved = tu_path(work, "certificate.json"), *out, *s;

		out = TOOL("pdfdetach", "-list", pdf);
		ck_assert_msg(has(out, "1 embedded files") && has(out, "1: certificate.json"), "%s",
			      out);
		free(out);
		free(TOOL("pdfdetach", "-save", "1", "-o", saved, pdf));
		emb = load_json(saved);
		ck_assert_str_eq(jstr(emb, "number"), jstr(req, "number"));
		ck_assert_str_eq(jstr(json_object_get(emb, party), "ice"),
				 jstr(json_object_get(req, party), "ice"));
		/* the whole request, plus what validation fills in */
		json_object_foreach(req, key, v)
		{
			ck_assert_msg(json_equal(json_object_get(emb, key), v),
				      "certificate.json differs at '%s'", key);
		}
		ck_assert_ptr_nonnull(json_string_value(json_object_get(emb, "expiry_date")));
		json_decref(emb);

		out = TOOL("pdfinfo", "-isodates", pdf);
		s = info_value(out, "Title");
		ck_assert_msg(has(s, jstr(req, "number")), "Title: %s", s);
		free(s);
		s = info_value(out, "Author");
		ck_assert_str_eq(s, BODY);
		free(s);
		s = info_value(out, "Producer");
		snprintf(version, sizeof(version), "sceau %s", sceau_version());
		ck_assert_str_eq(s, version);
		free(s);
		s = info_value(out, "CreationDate");
		ck_assert_str_eq(s, TIME);
		free(s);
		free(out);
		free(saved);
		json_decref(req);
	}
}
END_TEST

/* ---- 7. refusals ----------------------------------------------------------- */

/* The issue was refused: exit 2, `msg` on stderr, nothing on stdout, and the
 * output directory `dir` holds `entries` entries (no PDF, no temporary). */
static void refused(struct tu_proc *p, const char *msg, const char *dir, int entries)
{
	ck_assert_msg(p->status == 2, "exit %d: %s%s", p->status, p->out, p->err);
	ck_assert_str_eq(p->out, "");
	ck_assert_msg(strncmp(p->err, "sceau: ", 7) == 0, "%s", p->err);
	ck_assert_msg(has(p->err, msg), "expected '%s' in: %s", msg, p->err);
	ck_assert_int_eq(tu_count_entries(dir), entries);
	tu_proc_free(p);
}

/* Request and template problems are refused before a passphrase is asked:
 * these run without one. */
START_TEST(test_issue_refuses_invalid_request_and_writes_nothing)
{
	json_t *req = example("coc");
	char *dir = subdir("out"), *out = tu_path(dir, "c.pdf"), *in;
	struct tu_proc p;

	json_object_set_new(json_object_get(req, "importer"), "ice",
			    json_string("001561191000067"));
	in = write_json(work, "bad-ice.json", req);
	ISSUE(&p, NULL, in, out, NULL);
	refused(&p, "importer.ice: expected an ICE", dir, 0);
	free(in);
	free(out);
	free(dir);
	json_decref(req);
}
END_TEST

START_TEST(test_issue_refuses_missing_template_dir)
{
	char *dir = subdir("out"), *out = tu_path(dir, "c.pdf");
	struct tu_proc p;

	ISSUE(&p, NULL, SCEAU_EXAMPLES "/coc.json", out, "--templates", "/nonexistent", NULL);
	refused(&p, "cannot find template '/nonexistent/coc.json'", dir, 0);
	free(out);
	free(dir);
}
END_TEST

START_TEST(test_issue_refuses_template_font_missing_naming_its_package)
{
	char *tpl = subdir("templates"), *dir = subdir("out"), *out = tu_path(dir, "c.pdf");
	char *path, msg[256];
	const char *absent = "/usr/share/fonts/truetype/noto/NotoNaskhArabic-Absent.ttf";
	json_t *t = load_json(SCEAU_TEMPLATES "/coc.json"), *arabic;
	struct tu_proc p;

	arabic = json_object_get(json_object_get(t, "fonts"), "arabic");
	ck_assert_str_eq(jstr(arabic, "package"), "fonts-noto-core");
	json_object_set_new(arabic, "file", json_string(absent));
	free(write_json(tpl, "coc.json", t));
	json_decref(t);
	path = tu_path(tpl, "halal.json");
	copy_file(SCEAU_TEMPLATES "/halal.json", path);
	free(path);
	ISSUE(&p, NULL, SCEAU_EXAMPLES "/coc.json", out, "--templates", tpl, NULL);
	snprintf(msg, sizeof(msg), "font '%s' is missing: install the Debian package '%s'", absent,
		 "fonts-noto-core");
	refused(&p, msg, dir, 0);
	/* the Halal template of the same directory still works */
	ISSUE(&p, PASS_ENV, SCEAU_EXAMPLES "/halal.json", out, "--templates", tpl, NULL);
	ok(&p);
	ck_assert_int_eq(tu_count_entries(dir), 1);
	free(out);
	free(dir);
	free(tpl);
}
END_TEST

START_TEST(test_issue_refuses_logo_that_is_not_a_png)
{
	static const char jpeg[] = "\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01";
	static const char damaged[] = "\x89PNG\r\n\x1a\nthis is no PNG chunk at all";
	char *dir = subdir("out"), *out = tu_path(dir, "c.pdf");
	char *jpg = tu_path(work, "logo.jpg"), *png = tu_path(work, "damaged.png"), msg[512];
	struct tu_proc p;

	tu_write(jpg, jpeg, sizeof(jpeg) - 1);
	tu_write(png, damaged, sizeof(damaged) - 1);
	ISSUE(&p, NULL, SCEAU_EXAMPLES "/coc.json", out, "--logo", jpg, NULL);
	snprintf(msg, sizeof(msg), "logo '%s' is not a PNG file", jpg);
	refused(&p, msg, dir, 0);
	/* a PNG signature on garbage: found out when the image is decoded */
	ISSUE(&p, PASS_ENV, SCEAU_EXAMPLES "/coc.json", out, "--logo", png, NULL);
	snprintf(msg, sizeof(msg), "logo '%s' is a damaged PNG file", png);
	refused(&p, msg, dir, 0);
	free(jpg);
	free(png);
	free(out);
	free(dir);
}
END_TEST

START_TEST(test_issue_refuses_missing_logo)
{
	char *dir = subdir("out"), *out = tu_path(dir, "c.pdf");
	char *logo = tu_path(work, "absent.png"), msg[512];
	struct tu_proc p;

	ISSUE(&p, NULL, SCEAU_EXAMPLES "/coc.json", out, "--logo", logo, NULL);
	snprintf(msg, sizeof(msg), "cannot read logo '%s': no such file", logo);
	refused(&p, msg, dir, 0);
	free(logo);
	free(out);
	free(dir);
}
END_TEST

START_TEST(test_issue_refuses_text_no_font_covers)
{
	const struct {
		const char *name, *cp;
	} cases[] = {{"Atlas ก SARL", "U+0E01"}, {"Atlas 漢 SARL", "U+6F22"}};
	char *dir = subdir("out"), *out = tu_path(dir, "c.pdf");

	for (size_t i = 0; i < 2; i++) {
		json_t *req = example("coc");
		char *in, msg[64];
		struct tu_proc p;

		json_object_set_new(json_object_get(req, "importer"), "name",
				    json_string(cases[i].name));
		in = write_json(work, "script.json", req);
		ISSUE(&p, PASS_ENV, in, out, NULL);
		snprintf(msg, sizeof(msg), "no font covers %s", cases[i].cp);
		refused(&p, msg, dir, 0);
		free(in);
		json_decref(req);
	}
	free(out);
	free(dir);
}
END_TEST

START_TEST(test_issue_refuses_out_in_missing_directory)
{
	char *dir = tu_path(work, "absent"), *out = tu_path(dir, "c.pdf"), msg[512];
	struct tu_proc p;

	ISSUE(&p, NULL, SCEAU_EXAMPLES "/coc.json", out, NULL);
	snprintf(msg, sizeof(msg), "directory '%s' does not exist", dir);
	refused(&p, msg, work, 0);
	ck_assert(!tu_exists(dir));
	free(out);
	free(dir);
}
END_TEST

START_TEST(test_issue_keeps_existing_out_without_force_and_replaces_it_with_force)
{
	char *dir = subdir("out"), *out = tu_path(dir, "c.pdf"), *data;
	struct tu_proc p;
	size_t n;

	tu_write(out, "keep me\n", 8);
	ISSUE(&p, NULL, SCEAU_EXAMPLES "/coc.json", out, NULL);
	refused(&p, "exists (use --force to replace it)", dir, 1);
	data = tu_read(out, &n);
	ck_assert_str_eq(data, "keep me\n");
	free(data);

	ISSUE(&p, PASS_ENV, SCEAU_EXAMPLES "/coc.json", out, "--force", NULL);
	ck_assert_msg(p.status == 0, "%s", p.err);
	ck_assert(has(p.out, "issued ITK-COC-2026-000123: "));
	tu_proc_free(&p);
	ck_assert_int_eq(tu_count_entries(dir), 1);
	data = tu_read(out, &n);
	ck_assert_uint_gt(n, 1000);
	ck_assert_int_eq(memcmp(data, "%PDF-", 5), 0);
	free(data);
	assert_qpdf_clean(out);
	free(out);
	free(dir);
}
END_TEST

START_TEST(test_issue_wrong_passphrase_exits_2_and_writes_nothing)
{
	char *dir = subdir("out"), *out = tu_path(dir, "c.pdf");
	struct tu_proc p;

	ISSUE(&p, "SCEAU_PASSPHRASE=wrong", SCEAU_EXAMPLES "/coc.json", out, NULL);
	refused(&p, "wrong passphrase", dir, 0);
	free(out);
	free(dir);
}
END_TEST

/* --force replaces a file, never a directory (or a device: a rename over
 * /dev/null would make it a file): refused as bad input, with no temporary
 * file left. (A rename that fails is the faults suite's: rename:...:eio.) */
START_TEST(test_issue_over_a_directory_is_refused_and_leaves_no_temporary_file)
{
	char *dir = subdir("out"), *out = tu_path(dir, "c.pdf");
	struct tu_proc p;

	ck_assert_int_eq(mkdir(out, 0700), 0);
	ISSUE(&p, PASS_ENV, SCEAU_EXAMPLES "/coc.json", out, "--force", NULL);
	ck_assert_msg(p.status == 2, "exit %d: %s", p.status, p.err);
	ck_assert_msg(has(p.err, "cannot replace '") && has(p.err, "not a regular file"), "%s",
		      p.err);
	ck_assert_str_eq(p.out, "");
	tu_proc_free(&p);
	ck_assert_int_eq(tu_count_entries(dir), 1);
	ck_assert_int_eq(tu_count_entries(out), 0);
	free(out);
	free(dir);
}
END_TEST

/* docs/sceau.1: "A bad request, a missing template, font or logo, a logo
 * that is not a PNG, text in a script no font covers, or an output
 * directory that does not exist is refused with exit status 2 before any
 * passphrase is asked." Without a passphrase, the message must be the
 * problem, not the missing passphrase. */
START_TEST(test_issue_refuses_uncovered_text_before_asking_passphrase)
{
	json_t *req = example("coc");
	char *dir = subdir("out"), *out = tu_path(dir, "c.pdf"), *in;
	struct tu_proc p;

	json_object_set_new(json_object_get(req, "importer"), "name", json_string("Atlas ก SARL"));
	in = write_json(work, "thai.json", req);
	ISSUE(&p, NULL, in, out, NULL);
	refused(&p, "no font covers U+0E01", dir, 0);
	free(in);
	free(out);
	free(dir);
	json_decref(req);
}
END_TEST

START_TEST(test_issue_refuses_damaged_png_logo_before_asking_passphrase)
{
	static const char damaged[] = "\x89PNG\r\n\x1a\nthis is no PNG chunk at all";
	char *dir = subdir("out"), *out = tu_path(dir, "c.pdf");
	char *png = tu_path(work, "damaged.png"), msg[512];
	struct tu_proc p;

	tu_write(png, damaged, sizeof(damaged) - 1);
	ISSUE(&p, NULL, SCEAU_EXAMPLES "/coc.json", out, "--logo", png, NULL);
	snprintf(msg, sizeof(msg), "logo '%s' is a damaged PNG file", png);
	refused(&p, msg, dir, 0);
	free(png);
	free(out);
	free(dir);
}
END_TEST

/* ---- 8. a logo ------------------------------------------------------------- */

/* A w x h PNG of one colour, written with libpng. */
static void write_png(const char *path, int w, int h, unsigned char r, unsigned char g,
		      unsigned char b)
{
	png_image im;
	unsigned char *px = malloc((size_t)w * (size_t)h * 3);

	ck_assert_ptr_nonnull(px);
	for (size_t i = 0; i < (size_t)w * (size_t)h; i++) {
		px[3 * i] = r;
		px[3 * i + 1] = g;
		px[3 * i + 2] = b;
	}
	memset(&im, 0, sizeof(im));
	im.version = PNG_IMAGE_VERSION;
	im.width = (png_uint_32)w;
	im.height = (png_uint_32)h;
	im.format = PNG_FORMAT_RGB;
	ck_assert_int_ne(png_image_write_to_file(&im, path, 0, px, 0, NULL), 0);
	free(px);
}

/* Pixels of page 1 (at 50 dpi) that are clearly red. */
static long red_pixels(const char *pdf)
{
	char *root = tu_path(work, "red"), *png;
	png_image im;
	unsigned char *px;
	long n = 0;

	ck_assert(asprintf(&png, "%s.png", root) > 0);
	free(TOOL("pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", "-singlefile", pdf, root));
	memset(&im, 0, sizeof(im));
	im.version = PNG_IMAGE_VERSION;
	ck_assert_int_ne(png_image_begin_read_from_file(&im, png), 0);
	im.format = PNG_FORMAT_RGB;
	px = malloc(PNG_IMAGE_SIZE(im));
	ck_assert_ptr_nonnull(px);
	ck_assert_int_ne(png_image_finish_read(&im, NULL, px, 0, NULL), 0);
	for (size_t i = 0; i < (size_t)im.width * im.height; i++)
		n += px[3 * i] > 200 && px[3 * i + 1] < 60 && px[3 * i + 2] < 60;
	free(px);
	free(png);
	free(root);
	return n;
}

START_TEST(test_issue_with_png_logo_draws_it_and_passes_qpdf_check)
{
	char *logo = tu_path(work, "logo.png"), *out = tu_path(work, "logo.pdf"), *list;
	struct tu_proc p;

	write_png(logo, 48, 24, 220, 20, 30);
	ISSUE(&p, PASS_ENV, SCEAU_EXAMPLES "/coc.json", out, "--logo", logo, NULL);
	ok(&p);
	assert_qpdf_clean(out);
	assert_fonts_embedded_subsets(out);
	/* one image, the logo's own size, on page 1 */
	list = TOOL("pdfimages", "-list", out);
	{
		char *line = strchr(list, '\n'), page[8], type[16], color[16];
		int num, width, height;

		ck_assert_int_eq(count(list, "\n"), 3); /* header, rule, one image */
		line = line ? strchr(line + 1, '\n') : NULL;
		ck_assert_ptr_nonnull(line);
		ck_assert_int_eq(sscanf(line, "%7s %d %15s %d %d %15s", page, &num, type, &width,
					&height, color),
				 6);
		ck_assert_str_eq(page, "1");
		ck_assert_str_eq(type, "image");
		ck_assert_int_eq(width, 48);
		ck_assert_int_eq(height, 24);
		ck_assert_str_eq(color, "rgb");
	}
	free(list);
	/* drawn: 30 mm wide at 50 dpi is some 59 x 30 red pixels; none without */
	ck_assert_int_gt(red_pixels(out), 1000);
	ck_assert_int_eq(red_pixels(coc_pdf), 0);
	/* the QR code is still readable beside it */
	{
		char *qr = info_qr(out), *read = qr_read(out, 1);
		ck_assert_ptr_nonnull(read);
		ck_assert_str_eq(read, qr);
		free(read);
		free(qr);
	}
	free(out);
	free(logo);
}
END_TEST

/* ---- 9. long text wraps inside its box ------------------------------------- */

/* Distinct words (réfrigérateurQ00 fourK01 …) up to `max` characters. */
static char *long_words(size_t max)
{
	static const char *const stems[] = {"réfrigérateurQ", "fourK",   "congélateurZ",
					    "hotteW",         "plaqueJ", "cuiseurV"};
	size_t cap = 4 * max + 1, len = 0, chars = 0;
	char *s = calloc(1, cap);

	ck_assert_ptr_nonnull(s);
	for (int i = 0;; i++) {
		char tok[48];
		snprintf(tok, sizeof(tok), "%s%02d", stems[i % 6], i);
		if (chars + (chars ? 1 : 0) + u8len(tok) > max)
			break;
		len += (size_t)snprintf(s + len, cap - len, "%s%s", chars ? " " : "", tok);
		chars += (chars ? 1 : 0) + u8len(tok);
	}
	return s;
}

START_TEST(test_long_description_and_address_wrap_inside_their_boxes)
{
	/* the longest the schema takes: 200 characters each */
	static const char address[] =
		"Parc logistique Zenata Nord, Lotissement Al Massira II, Immeuble Horizon bloc B, "
		"troisième étage bureau 314, boulevard Mohammed VI prolongé, 20630 Ain Sebaâ, "
		"préfecture de Casablanca";
	static const char ar_words[] = "فرن كهربائي مدمج سعة ستين لترا بقدرة ألفين ومائتي واط ";
	json_t *req = example("coc"), *p0 = json_array_get(json_object_get(req, "products"), 0);
	char *desc = long_words(200), ar[1024] = "", *in, *out = tu_path(work, "long.pdf"), *text;
	char *save = NULL, *copy;
	const struct word *des, *marque, *code0, *code1, *imp, *exp;
	struct words w;
	struct tu_proc p;
	int arabic = 0;

	for (size_t len = 0; u8len(ar) + u8len(ar_words) <= 200;)
		len += (size_t)snprintf(ar + len, sizeof(ar) - len, "%s", ar_words);
	ar[strlen(ar) - 1] = '\0'; /* the last space */
	ck_assert_uint_ge(u8len(desc), 190);
	ck_assert_uint_ge(u8len(ar), 150);
	ck_assert_uint_ge(u8len(address), 180);
	ck_assert_uint_le(u8len(address), 200);
	json_object_set_new(p0, "description", json_string(desc));
	json_object_set_new(p0, "description_ar", json_string(ar));
	json_object_set_new(json_object_get(req, "importer"), "address", json_string(address));
	in = write_json(work, "long.json", req);
	ISSUE(&p, PASS_ENV, in, out, NULL);
	ok(&p);
	assert_qpdf_clean(out);

	/* every word reads back */
	text = pdf_text(out, 0);
	copy = strdup(desc);
	for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save))
		ck_assert_msg(count(text, t) == 1, "'%s' found %d times", t, count(text, t));
	free(copy);
	copy = strdup(ar);
	for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save))
		ck_assert_msg(has(text, t), "no '%s' in:\n%s", t, text);
	free(copy);
	copy = strdup(address);
	for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save))
		ck_assert_msg(has(text, t), "no '%s' in:\n%s", t, text);
	free(copy);
	free(text);

	/* and lies inside its box */
	words_load(&w, out);
	assert_words_inside_margins(&w, template_margin("coc"));
	des = word_nth(&w, "Désignation", 0);
	marque = word_nth(&w, "Marque", 0);
	code0 = word_nth(&w, "8516600000", 0); /* the top of line 1 */
	code1 = word_nth(&w, "8516600000", 1); /* the top of line 2 */
	copy = strdup(desc);
	for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		const struct word *x = word_nth(&w, t, 0);
		ck_assert_msg(x->x0 >= des->x0 - 1 && x->x1 <= marque->x0 &&
				      x->y0 >= code0->y0 - 1 && x->y1 <= code1->y0,
			      "'%s' at (%.1f, %.1f)-(%.1f, %.1f) is outside its cell", t, x->x0,
			      x->y0, x->x1, x->y1);
	}
	free(copy);
	/* the Arabic lines: every right-to-left word between lines 1 and 2 */
	for (size_t i = 0; i < w.n; i++) {
		const struct word *x = &w.v[i];
		unsigned char c = (unsigned char)x->t[0];
		if (x->page != 1 || x->y0 < code0->y0 - 1 || x->y1 > code1->y0 || c < 0xD8 ||
		    c > 0xDB)
			continue;
		arabic++;
		ck_assert_msg(x->x0 >= des->x0 - 1 && x->x1 <= marque->x0,
			      "an Arabic word at x %.1f to %.1f is outside its cell", x->x0, x->x1);
	}
	ck_assert_int_ge(arabic, 20);
	/* the address: inside the importer's cell, above the next row */
	imp = word_nth(&w, "Importateur", 0);
	exp = word_nth(&w, "Exportateur", 0);
	copy = strdup(address);
	for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		int inside = 0;
		for (size_t i = 0; i < w.n; i++) {
			const struct word *x = &w.v[i];
			inside |= x->page == 1 && strcmp(x->t, t) == 0 && x->x0 >= imp->x0 - 1 &&
				  x->y0 > imp->y1 && x->y1 < exp->y0;
		}
		ck_assert_msg(inside, "'%s' is not inside the importer's cell", t);
	}
	free(copy);
	words_free(&w);
	free(in);
	free(out);
	free(desc);
	json_decref(req);
}
END_TEST

/* Untitled sections (templates: remarks, the dossier waiver) render, and a
 * long remark with a word wider than the page is cut inside the margins. */
START_TEST(test_untitled_remarks_and_waiver_sections_render)
{
	static const char token[] = "Q0123456789Q0123456789Q0123456789Q0123456789Q0123456789"
				    "Q0123456789Q0123456789Q0123456789Q0123456789Q0123456789";
	json_t *req = example("coc"), *docs, *kept = json_array(), *halal = example("halal");
	char remarks[1024], *in, *out = tu_path(work, "remarks.pdf"), *text, *p, *q;
	struct words w;
	struct tu_proc pr;
	size_t i;

	snprintf(remarks, sizeof(remarks),
		 "Envoi partiel : le solde de la commande sera inspecté à l'arrivée du second "
		 "conteneur au port de Casablanca, sous la référence %s, avec les mêmes "
		 "documents et les mêmes rapports d'essai que le premier envoi, dans les "
		 "délais prévus par le programme de vérification de la conformité.",
		 token);
	ck_assert_uint_ge(u8len(remarks), 300);
	json_object_set_new(req, "remarks", json_string(remarks));
	/* drop the test report of 8509400000 and waive it */
	docs = json_object_get(json_object_get(req, "dossier"), "documents");
	for (i = 0; i < json_array_size(docs); i++) {
		json_t *d = json_array_get(docs, i);
		if (strcmp(jstr(d, "reference"), "TUV-SH 2026-31177") != 0)
			json_array_append(kept, d);
	}
	ck_assert_uint_eq(json_array_size(kept), json_array_size(docs) - 1);
	json_object_set(json_object_get(req, "dossier"), "documents", kept);
	json_object_set_new(json_object_get(req, "dossier"), "waiver",
			    json_pack("{s:s}", "reason", "Rapport d'essai attendu du laboratoire"));
	in = write_json(work, "remarks.json", req);
	ISSUE(&pr, PASS_ENV, in, out, NULL);
	ok(&pr);
	assert_qpdf_clean(out);
	text = pdf_text(out, 0);
	ck_assert(has(text, "Rapport d'essai attendu du laboratoire"));
	ck_assert(has(text, "Observations"));
	ck_assert(has(text, "délais prévus par le programme"));
	/* the long word, cut into lines: whole once the line breaks go */
	for (p = q = text; *p; p++)
		if (*p != '\n' && *p != ' ')
			*q++ = *p;
	*q = '\0';
	ck_assert_msg(has(text, token), "the long word is not all there");
	free(text);
	words_load(&w, out);
	assert_words_inside_margins(&w, template_margin("coc"));
	words_free(&w);
	free(in);

	json_object_set_new(halal, "remarks", json_string("Certificat renouvelé après audit"));
	in = write_json(work, "halal-remarks.json", halal);
	ISSUE(&pr, PASS_ENV, in, out, "--force", NULL);
	ok(&pr);
	text = pdf_text(out, 0);
	ck_assert(has(text, "Certificat renouvelé après audit"));
	free(text);
	free(in);
	free(out);
	json_decref(kept);
	json_decref(req);
	json_decref(halal);
}
END_TEST

TU_MAIN_ONCE("render", setup_once, teardown_once, setup_each, teardown_each,
	     test_issued_pdfs_pass_qpdf_check_and_embed_subset_fonts,
	     test_coc_text_gives_number_ice_every_tariff_code_and_arabic_title,
	     test_halal_text_gives_number_ice_every_reference_and_arabic_title,
	     test_qr_on_page_one_reads_back_as_the_info_text_and_verifies,
	     test_200_line_coc_flows_over_pages_with_header_and_page_numbers,
	     test_200_line_coc_has_the_qr_on_page_one_only,
	     test_render_same_inputs_give_identical_bytes,
	     test_issue_writes_the_render_of_its_qr_text_then_its_signature,
	     test_pdf_embeds_the_request_and_names_number_body_and_time,
	     test_issue_refuses_invalid_request_and_writes_nothing,
	     test_issue_refuses_missing_template_dir,
	     test_issue_refuses_template_font_missing_naming_its_package,
	     test_issue_refuses_logo_that_is_not_a_png, test_issue_refuses_missing_logo,
	     test_issue_refuses_text_no_font_covers, test_issue_refuses_out_in_missing_directory,
	     test_issue_keeps_existing_out_without_force_and_replaces_it_with_force,
	     test_issue_wrong_passphrase_exits_2_and_writes_nothing,
	     test_issue_over_a_directory_is_refused_and_leaves_no_temporary_file,
	     test_issue_refuses_uncovered_text_before_asking_passphrase,
	     test_issue_refuses_damaged_png_logo_before_asking_passphrase,
	     test_issue_with_png_logo_draws_it_and_passes_qpdf_check,
	     test_long_description_and_address_wrap_inside_their_boxes,
	     test_untitled_remarks_and_waiver_sections_render)
