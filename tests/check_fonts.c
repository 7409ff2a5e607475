/* fonts and text: Arabic shaping and bidi, line breaking, and the fonts
 * embedded in a rendered PDF holding every glyph drawn — with the parts of
 * composite glyphs (the dots of U+FE91, U+FED8), which libharu 2.3 drops
 * when it subsets a font itself. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hpdf.h>

#include "testutil.h"
#include "text_int.h"

#define F_REG  "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
#define F_BOLD "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
#define F_AR   "/usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf"
#define F_ARB  "/usr/share/fonts/truetype/noto/NotoNaskhArabic-Bold.ttf"

static struct sceau_fonts *fonts;
static char *tmp;

static void setup(void)
{
	const char *files[FONT_ROLES] = {F_REG, F_BOLD, F_AR, F_ARB};
	struct sceau_error err = {0};

	ck_assert_msg(sceau_fonts_open(files, NULL, &fonts, &err) == SCEAU_OK, "%s", err.msg);
	tmp = tu_tmpdir();
}

static void teardown(void)
{
	sceau_fonts_free(fonts);
	if (!getenv("KEEP"))
		tu_rmrf(tmp);
	free(tmp);
}

/* ---- a small reader for what a PDF embeds ------------------------------------ */

/* Decode the UTF-8 of a run into code points. */
static size_t cps_of(const char *s, uint32_t *out, size_t max)
{
	size_t n = 0;
	const unsigned char *p = (const unsigned char *)s;

	while (*p && n < max) {
		uint32_t c = *p;
		int k = c < 0x80 ? 0 : c < 0xE0 ? 1 : c < 0xF0 ? 2 : 3;
		c = k == 0 ? c : k == 1 ? c & 0x1F : k == 2 ? c & 0x0F : c & 0x07;
		p++;
		while (k-- > 0)
			c = (c << 6) | (*p++ & 0x3F);
		out[n++] = c;
	}
	return n;
}

static uint32_t be16(const unsigned char *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

struct ttf {
	const unsigned char *b;
	size_t len;
	const unsigned char *loca, *glyf;
	size_t glyf_len;
	unsigned nglyphs;
	int long_loca;
};

static int ttf_open(struct ttf *t, const unsigned char *b, size_t len)
{
	unsigned n;
	const unsigned char *head = NULL, *maxp = NULL;

	memset(t, 0, sizeof(*t));
	t->b = b;
	t->len = len;
	if (len < 12)
		return 0;
	n = be16(b + 4);
	for (unsigned i = 0; i < n && 12 + 16 * (i + 1) <= len; i++) {
		const unsigned char *e = b + 12 + 16 * i;
		uint32_t off = be32(e + 8), l = be32(e + 12);
		if (off + l > len)
			return 0;
		if (!memcmp(e, "head", 4))
			head = b + off;
		else if (!memcmp(e, "maxp", 4))
			maxp = b + off;
		else if (!memcmp(e, "loca", 4))
			t->loca = b + off;
		else if (!memcmp(e, "glyf", 4)) {
			t->glyf = b + off;
			t->glyf_len = l;
		}
	}
	if (!head || !maxp || !t->loca || !t->glyf)
		return 0;
	t->long_loca = be16(head + 50) != 0;
	t->nglyphs = be16(maxp + 4);
	return 1;
}

/* Offset and length of glyph gid's outline in glyf. */
static size_t glyph(const struct ttf *t, unsigned gid, const unsigned char **data)
{
	uint32_t a, b;

	if (gid >= t->nglyphs)
		return 0;
	if (t->long_loca) {
		a = be32(t->loca + 4 * gid);
		b = be32(t->loca + 4 * gid + 4);
	} else {
		a = 2 * be16(t->loca + 2 * gid);
		b = 2 * be16(t->loca + 2 * gid + 2);
	}
	if (b <= a || b > t->glyf_len)
		return 0;
	*data = t->glyf + a;
	return b - a;
}

/* 1 when glyph gid has an outline and so has every part of it, however
 * deep; `why` says what is missing. */
static int glyph_whole(const struct ttf *t, unsigned gid, int depth, char *why, size_t wl)
{
	const unsigned char *g;
	size_t len = glyph(t, gid, &g), p;
	unsigned flags;

	if (len < 10) {
		snprintf(why, wl, "glyph %u has no outline", gid);
		return 0;
	}
	if ((int16_t)be16(g) >= 0)
		return 1;
	if (depth > 8) {
		snprintf(why, wl, "glyph %u nests too deep", gid);
		return 0;
	}
	p = 10;
	do {
		unsigned comp;
		if (p + 4 > len) {
			snprintf(why, wl, "glyph %u is cut short", gid);
			return 0;
		}
		flags = be16(g + p);
		comp = be16(g + p + 2);
		if (!glyph_whole(t, comp, depth + 1, why, wl)) {
			size_t l = strlen(why);
			snprintf(why + l, wl - l, " (a part of glyph %u)", gid);
			return 0;
		}
		p += 4 + ((flags & 1) ? 4 : 2);
		if (flags & 8)
			p += 2;
		else if (flags & 0x40)
			p += 4;
		else if (flags & 0x80)
			p += 8;
	} while (flags & 0x20);
	return 1;
}

static json_t *obj(json_t *objs, const char *ref)
{
	char key[64];
	snprintf(key, sizeof(key), "obj:%s", ref);
	return json_object_get(objs, key);
}

static unsigned char *stream_data(json_t *o, size_t *len)
{
	const char *file =
		json_string_value(json_object_get(json_object_get(o, "stream"), "datafile"));
	return file ? (unsigned char *)tu_read(file, len) : NULL;
}

static int check_code(const struct ttf *t, const unsigned char *map, size_t mlen, unsigned cid,
		      unsigned uni, const char *font, char *why, size_t wl)
{
	unsigned gid;

	if (uni == 0x20 || uni == 0xA0 || uni == 0x202F || uni == 0x2009)
		return 1; /* spaces have no outline */
	if (2 * cid + 1 >= mlen) {
		snprintf(why, wl, "%s: code %04X is outside CIDToGIDMap", font, cid);
		return 0;
	}
	gid = map[2 * cid] << 8 | map[2 * cid + 1];
	if (!glyph_whole(t, gid, 0, why, wl)) {
		size_t l = strlen(why);
		snprintf(why + l, wl - l, ", drawn for U+%04X (code %04X) by %s", uni, cid, font);
		return 0;
	}
	return 1;
}

/* Check every embedded Type0 font of `pdf`: each code its ToUnicode map
 * lists (the codes drawn; or the `n` codes in `codes` when given) maps
 * through CIDToGIDMap to a glyph that has an outline with all its parts.
 * Returns the number of fonts checked, or -1 with `why` filled. */
static int check_pdf_glyphs(const char *pdf, const unsigned *codes, size_t n, char *why, size_t wl)
{
	char *jpath = tu_path(tmp, "pdf.json"), *prefix = tu_path(tmp, "s"), opt[4200];
	const char *argv[] = {"qpdf", "--json", "--json-stream-data=file", opt, pdf, jpath, NULL};
	struct tu_proc p;
	json_t *root, *objs, *v;
	const char *k;
	int fonts_checked = 0, bad = 0;

	snprintf(opt, sizeof(opt), "--json-stream-prefix=%s", prefix);
	tu_run(&p, NULL, NULL, argv);
	ck_assert_msg(p.status == 0 || p.status == 3, "qpdf --json: %d %s %s", p.status, p.err,
		      p.out);
	tu_proc_free(&p);
	root = json_load_file(jpath, 0, NULL);
	ck_assert_ptr_nonnull(root);
	objs = json_array_get(json_object_get(root, "qpdf"), 1);
	json_object_foreach(objs, k, v)
	{
		json_t *d = json_object_get(v, "value"), *desc, *fd;
		unsigned char *font = NULL, *map = NULL, *tu = NULL;
		size_t flen = 0, mlen = 0, tlen = 0;
		struct ttf t;
		char *line;
		const char *name;
		int in_bf;

		if (bad || !json_is_object(d) ||
		    strcmp(json_string_value(json_object_get(d, "/Subtype")) ?: "", "/Type0") != 0)
			continue;
		desc = json_object_get(
			obj(objs, json_string_value(json_array_get(
					  json_object_get(d, "/DescendantFonts"), 0))),
			"value");
		fd = json_object_get(
			obj(objs, json_string_value(json_object_get(desc, "/FontDescriptor"))),
			"value");
		font = stream_data(obj(objs, json_string_value(json_object_get(fd, "/FontFile2"))),
				   &flen);
		map = stream_data(
			obj(objs, json_string_value(json_object_get(desc, "/CIDToGIDMap"))), &mlen);
		tu = stream_data(obj(objs, json_string_value(json_object_get(d, "/ToUnicode"))),
				 &tlen);
		ck_assert_msg(font && map && tu,
			      "font object %s lacks FontFile2, CIDToGIDMap or "
			      "ToUnicode",
			      k);
		ck_assert_msg(ttf_open(&t, font, flen), "embedded font of %s is not TrueType", k);
		name = json_string_value(json_object_get(d, "/BaseFont"));
		for (size_t i = 0; codes && i < n && !bad; i++)
			bad = !check_code(&t, map, mlen, codes[i], codes[i], name, why, wl);
		/* "<CID> <UTF-16>" lines of the bfchar blocks */
		in_bf = 0;
		for (line = codes ? NULL : strtok((char *)tu, "\n"); line && !bad;
		     line = strtok(NULL, "\n")) {
			unsigned cid, uni;
			if (strstr(line, "beginbfchar"))
				in_bf = 1;
			else if (strstr(line, "endbfchar"))
				in_bf = 0;
			else if (in_bf && sscanf(line, "<%4x> <%4x", &cid, &uni) == 2)
				bad = !check_code(&t, map, mlen, cid, uni, name, why, wl);
		}
		fonts_checked++;
		free(font);
		free(map);
		free(tu);
	}
	json_decref(root);
	free(jpath);
	free(prefix);
	return bad ? -1 : fonts_checked;
}

/* ---- shaping ------------------------------------------------------------------ */

static void shape(const char *s, enum text_dir dir, struct text_line *l)
{
	struct sceau_error err = {0};
	ck_assert_msg(sceau_text_shape(fonts, s, strlen(s), 0, dir, 10, NULL, l, &err) == SCEAU_OK,
		      "%s", err.msg);
}

/* All code points of a line, left to right. */
static size_t visual(const struct text_line *l, uint32_t *out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < l->nruns; i++)
		n += cps_of(l->runs[i].utf8, out + n, max - n);
	return n;
}

START_TEST(test_arabic_letters_take_their_joining_forms)
{
	/* ب ق ب : initial beh, medial qaf, final beh, drawn right to left */
	struct text_line l;
	uint32_t v[16];
	size_t n;

	shape("\xD8\xA8\xD9\x82\xD8\xA8", TEXT_DIR_AUTO, &l);
	n = visual(&l, v, 16);
	ck_assert_uint_eq(n, 3);
	ck_assert_int_eq(l.rtl, 1);
	ck_assert_uint_eq(v[0], 0xFE90); /* final beh, leftmost */
	ck_assert_uint_eq(v[1], 0xFED8); /* medial qaf */
	ck_assert_uint_eq(v[2], 0xFE91); /* initial beh, rightmost */
	ck_assert_int_eq(l.runs[0].role, FONT_ARABIC);
	sceau_text_line_release(&l);
}
END_TEST

START_TEST(test_lam_alef_becomes_one_ligature)
{
	/* لا : one glyph U+FEFB */
	struct text_line l;
	uint32_t v[8];

	shape("\xD9\x84\xD8\xA7", TEXT_DIR_AUTO, &l);
	ck_assert_uint_eq(visual(&l, v, 8), 1);
	ck_assert_uint_eq(v[0], 0xFEFB);
	sceau_text_line_release(&l);
}
END_TEST

START_TEST(test_numbers_and_latin_keep_their_order_inside_arabic)
{
	/* "رقم 2200 ICE" in an Arabic line: the number and the Latin word
	 * read left to right, and stand left of the Arabic word. */
	struct text_line l;
	uint32_t v[32];
	size_t n, i;
	char s[32];

	shape("\xD8\xB1\xD9\x82\xD9\x85 2200 ICE", TEXT_DIR_RTL, &l);
	n = visual(&l, v, 32);
	for (i = 0; i < n && i < sizeof(s) - 1; i++)
		s[i] = v[i] < 0x80 ? (char)v[i] : '#';
	s[i] = '\0';
	ck_assert_str_eq(s, "ICE 2200 ###");
	ck_assert_int_eq(l.rtl, 1);
	sceau_text_line_release(&l);
}
END_TEST

START_TEST(test_latin_paragraph_stays_left_to_right)
{
	struct text_line l;
	uint32_t v[64];
	size_t n;

	shape("ICE 001561191000066 \xD8\xB1\xD9\x82\xD9\x85", TEXT_DIR_AUTO, &l);
	n = visual(&l, v, 64);
	ck_assert_int_eq(l.rtl, 0);
	ck_assert_uint_eq(v[0], 'I');
	ck_assert_uint_gt(v[n - 1], 0xFE00); /* the Arabic word last, at the right */
	ck_assert_int_eq(l.runs[0].role, FONT_REGULAR);
	ck_assert_int_eq(l.runs[l.nruns - 1].role, FONT_ARABIC);
	ck_assert(l.runs[l.nruns - 1].x >= l.runs[0].x + l.runs[0].width - 0.01);
	sceau_text_line_release(&l);
}
END_TEST

START_TEST(test_text_no_font_covers_is_refused)
{
	struct text_line l;
	struct sceau_error err = {0};
	const char *thai = "Soci\xC3\xA9t\xC3\xA9 \xE0\xB8\x81";

	ck_assert_int_eq(
		sceau_text_shape(fonts, thai, strlen(thai), 0, TEXT_DIR_AUTO, 10, NULL, &l, &err),
		SCEAU_ERR_INVALID);
	ck_assert_msg(strstr(err.msg, "no font covers U+0E01"), "%s", err.msg);
}
END_TEST

START_TEST(test_wrapped_lines_fit_their_width)
{
	const char *s = "Four \xC3\xA9lectrique encastrable 60 L, 2200 W, 230 V, avec "
			"tournebroche et minuterie \xD9\x81\xD8\xB1\xD9\x86 "
			"\xD9\x83\xD9\x87\xD8\xB1\xD8\xA8\xD8\xA7\xD8\xA6\xD9\x8A "
			"Superlongmotsansespacequinetientpasdanslacase";
	struct text_span *lines = NULL;
	struct sceau_error err = {0};
	size_t n = 0, covered = 0;

	ck_assert(sceau_text_wrap(fonts, s, 0, 8, 90, &lines, &n, &err) == SCEAU_OK);
	ck_assert_uint_gt(n, 3);
	for (size_t i = 0; i < n; i++) {
		double w;
		ck_assert(sceau_text_width(fonts, s + lines[i].off, lines[i].len, 0, 8, &w, &err) ==
			  SCEAU_OK);
		ck_assert_msg(w <= 90.0 + 1e-6, "line %zu is %.1f pt wide", i, w);
		covered += lines[i].len;
	}
	/* nothing lost but the spaces at the breaks */
	ck_assert_uint_ge(covered + n, strlen(s));
	free(lines);
}
END_TEST

/* ---- the embedded fonts --------------------------------------------------------- */

/* Every Arabic letter in its every presentation form the font has, plus
 * lam-alef ligatures, in one document. */
static char *all_arabic_forms(void)
{
	static const char *letters[] = {
		"\xD8\xA7", "\xD8\xA8", "\xD8\xAA", "\xD8\xAB", "\xD8\xAC", "\xD8\xAD",
		"\xD8\xAE", "\xD8\xAF", "\xD8\xB0", "\xD8\xB1", "\xD8\xB2", "\xD8\xB3",
		"\xD8\xB4", "\xD8\xB5", "\xD8\xB6", "\xD8\xB7", "\xD8\xB8", "\xD8\xB9",
		"\xD8\xBA", "\xD9\x81", "\xD9\x82", "\xD9\x83", "\xD9\x84", "\xD9\x85",
		"\xD9\x86", "\xD9\x87", "\xD9\x88", "\xD9\x8A", "\xD8\xA9", "\xD9\x89",
		"\xD8\xA1", "\xD8\xA3", "\xD8\xA5", "\xD8\xA4", "\xD8\xA6", "\xD8\xA2"};
	size_t n = sizeof(letters) / sizeof(letters[0]);
	char *s = calloc(1, n * 20 + 64);
	size_t o = 0;

	/* each letter alone, then at the start, middle and end of a word
	 * (with beh around it), which gives every form it has */
	for (size_t i = 0; i < n; i++)
		o += (size_t)sprintf(s + o, "%s %s\xD8\xA8 \xD8\xA8%s\xD8\xA8 \xD8\xA8%s ",
				     letters[i], letters[i], letters[i], letters[i]);
	strcat(s, "\xD9\x84\xD8\xA7 \xD8\xA8\xD9\x84\xD8\xA7 \xD9\x84\xD8\xA3 \xD9\x84\xD8\xA5");
	return s;
}

/* Render `text` in each font role through sceau's path into a PDF file. */
static void render_sceau(const char *text, const char *path)
{
	struct sceau_fontuse *use = calloc(1, sizeof(*use));
	struct sceau_error err = {0};
	HPDF_Font f[FONT_ROLES];
	struct text_line l[2];
	HPDF_Doc pdf = HPDF_New(NULL, NULL);
	HPDF_Page page;

	ck_assert_ptr_nonnull(use);
	for (int b = 0; b < 2; b++)
		ck_assert(sceau_text_shape(fonts, text, strlen(text), b, TEXT_DIR_RTL, 12, use,
					   &l[b], &err) == SCEAU_OK);
	HPDF_SetCompressionMode(pdf, HPDF_COMP_ALL);
	ck_assert_msg(sceau_fonts_embed(pdf, fonts, use, f, &err) == SCEAU_OK, "%s", err.msg);
	page = HPDF_AddPage(pdf);
	HPDF_Page_BeginText(page);
	for (int b = 0; b < 2; b++)
		for (size_t i = 0; i < l[b].nruns; i++) {
			char *codes = NULL;
			ck_assert(sceau_text_encode(use, l[b].runs[i].role, l[b].runs[i].utf8,
						    &codes, &err) == SCEAU_OK);
			HPDF_Page_SetFontAndSize(page, f[l[b].runs[i].role], 12);
			HPDF_Page_TextOut(page, (HPDF_REAL)(20 + l[b].runs[i].x), 700 - 300 * b,
					  codes);
			free(codes);
		}
	HPDF_Page_EndText(page);
	ck_assert_int_eq(HPDF_SaveToFile(pdf, path), HPDF_OK);
	HPDF_Free(pdf);
	sceau_text_line_release(&l[0]);
	sceau_text_line_release(&l[1]);
	sceau_fontuse_release(use);
	free(use);
}

START_TEST(test_every_arabic_form_drawn_has_all_its_glyph_parts)
{
	char *text = all_arabic_forms(), *pdf = tu_path(tmp, "forms.pdf"), why[256] = "";
	int n;

	render_sceau(text, pdf);
	n = check_pdf_glyphs(pdf, NULL, 0, why, sizeof(why));
	ck_assert_msg(n == 2, "embedded fonts: %d (%s)", n, why); /* Arabic regular and bold */
	free(text);
	free(pdf);
}
END_TEST

/* The check above must be able to fail: libharu embedding the font itself
 * keeps U+FE91 but not its parts, and the check says so. */
START_TEST(test_glyph_check_catches_libharus_dropped_components)
{
	char *pdf = tu_path(tmp, "haru.pdf"), why[256] = "";
	static const unsigned drawn[] = {0xFE91, 0xFED8};
	HPDF_Doc doc = HPDF_New(NULL, NULL);
	const char *name;
	HPDF_Page page;
	int n;

	HPDF_UseUTFEncodings(doc);
	name = HPDF_LoadTTFontFromFile(doc, F_AR, HPDF_TRUE);
	ck_assert_ptr_nonnull(name);
	page = HPDF_AddPage(doc);
	HPDF_Page_BeginText(page);
	HPDF_Page_SetFontAndSize(page, HPDF_GetFont(doc, name, "UTF-8"), 20);
	HPDF_Page_TextOut(page, 50, 700, "\xEF\xBA\x91\xEF\xBB\x98"); /* U+FE91 U+FED8 */
	HPDF_Page_EndText(page);
	ck_assert_int_eq(HPDF_SaveToFile(doc, pdf), HPDF_OK);
	HPDF_Free(doc);
	/* libharu's ToUnicode map is not ours: name the codes drawn */
	n = check_pdf_glyphs(pdf, drawn, 2, why, sizeof(why));
	ck_assert_msg(n == -1, "libharu's own subset passed the check (%d)", n);
	ck_assert_msg(strstr(why, "no outline"), "%s", why);
	free(pdf);
}
END_TEST

START_TEST(test_tounicode_gives_back_the_letters_typed)
{
	/* pdftotext reads "لا بق" back as the letters, not the forms */
	char *pdf = tu_path(tmp, "tu.pdf");
	const char *argv[] = {"pdftotext", pdf, "-", NULL};
	struct tu_proc p;

	render_sceau("\xD9\x84\xD8\xA7 \xD8\xA8\xD9\x82", pdf);
	tu_run(&p, NULL, NULL, argv);
	ck_assert_int_eq(p.status, 0);
	ck_assert_msg(strstr(p.out, "\xD8\xA8\xD9\x82"), "got '%s'", p.out);
	ck_assert_msg(strstr(p.out, "\xD9\x84\xD8\xA7"), "got '%s'", p.out);
	ck_assert_msg(!strstr(p.out, "\xEF\xBA\x91"), "presentation form in '%s'", p.out);
	tu_proc_free(&p);
	free(pdf);
}
END_TEST

START_TEST(test_missing_font_names_its_package)
{
	const char *files[FONT_ROLES] = {F_REG, F_BOLD, "/nonexistent/NotoNaskhArabic-Regular.ttf",
					 F_ARB};
	const char *pkgs[FONT_ROLES] = {"fonts-dejavu-core", "fonts-dejavu-core", "fonts-noto-core",
					"fonts-noto-core"};
	struct sceau_fonts *f = NULL;
	struct sceau_error err = {0};

	ck_assert_int_eq(sceau_fonts_open(files, pkgs, &f, &err), SCEAU_ERR_NOT_FOUND);
	ck_assert_ptr_null(f);
	ck_assert_msg(strstr(err.msg, "install the Debian package 'fonts-noto-core'"), "%s",
		      err.msg);
}
END_TEST

TU_MAIN("fonts", setup, teardown, test_arabic_letters_take_their_joining_forms,
	test_lam_alef_becomes_one_ligature, test_numbers_and_latin_keep_their_order_inside_arabic,
	test_latin_paragraph_stays_left_to_right, test_text_no_font_covers_is_refused,
	test_wrapped_lines_fit_their_width, test_every_arabic_form_drawn_has_all_its_glyph_parts,
	test_glyph_check_catches_libharus_dropped_components,
	test_tounicode_gives_back_the_letters_typed, test_missing_font_names_its_package)
