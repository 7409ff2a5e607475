/* sceau — loading fonts once, and embedding the subset a document used
 * (see text_int.h for why the subset comes from HarfBuzz, not libharu). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <hb-subset.h>
#include <hpdf.h>
#include <hpdf_doc.h>
#include <hpdf_encoder.h>
#include <hpdf_font.h>
#include <hpdf_fontdef.h>

#include "internal.h"
#include "text_fonts.h"

static const char *const role_name[FONT_ROLES] = {"regular", "bold", "arabic", "arabic_bold"};

void sceau_fonts_free(struct sceau_fonts *f)
{
	if (!f)
		return;
	for (int r = 0; r < FONT_ROLES; r++) {
		hb_font_destroy(f->font[r]);
		hb_face_destroy(f->face[r]);
		free(f->file[r]);
	}
	free(f);
}

enum sceau_err sceau_fonts_open(const char *const file[FONT_ROLES],
				const char *const package[FONT_ROLES], struct sceau_fonts **out,
				struct sceau_error *err)
{
	struct sceau_fonts *f = calloc(1, sizeof(*f));
	enum sceau_err ret = SCEAU_ERR_NOMEM;

	if (!f)
		return sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
	for (int r = 0; r < FONT_ROLES; r++) {
		struct stat st;
		hb_blob_t *blob;

		if (stat(file[r], &st) != 0 || !S_ISREG(st.st_mode)) {
			int e = errno;
			if (package && package[r])
				ret = sceau_fail(err, SCEAU_ERR_NOT_FOUND,
						 "%s font '%s' is missing: install the Debian "
						 "package '%s'",
						 role_name[r], file[r], package[r]);
			else
				ret = sceau_fail(err, sceau_err_from_errno(e),
						 "cannot read %s font '%s': %s", role_name[r],
						 file[r], sceau_errno_text(e));
			goto out;
		}
		blob = hb_blob_create_from_file_or_fail(file[r]);
		if (!blob) {
			ret = sceau_fail(err, SCEAU_ERR_ACCESS, "cannot read %s font '%s'",
					 role_name[r], file[r]);
			goto out;
		}
		f->face[r] = hb_face_create(blob, 0);
		hb_blob_destroy(blob);
		f->upem[r] = hb_face_get_upem(f->face[r]);
		if (hb_face_get_glyph_count(f->face[r]) == 0 || f->upem[r] == 0) {
			ret = sceau_fail(err, SCEAU_ERR_FORMAT,
					 "%s font '%s' is not a TrueType font", role_name[r],
					 file[r]);
			goto out;
		}
		f->font[r] = hb_font_create(f->face[r]);
		hb_font_set_scale(f->font[r], (int)f->upem[r], (int)f->upem[r]);
		f->file[r] = strdup(file[r]);
		if (!f->file[r]) {
			ret = sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
			goto out;
		}
	}
	*out = f;
	return SCEAU_OK;
out:
	sceau_fonts_free(f);
	return ret;
}

/* A ToUnicode CMap: each code drawn maps to itself, except presentation
 * forms, which map to the letters typed (a lam-alef ligature to two). */
static enum sceau_err write_tounicode(HPDF_Stream st, const struct sceau_fontuse *use,
				      enum font_role r, struct sceau_error *err)
{
	static const char head[] =
		"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
		"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
		"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
		"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n";
	static const char tail[] = "endcmap\nCMapName currentdict /CMap defineresource pop\n"
				   "end\nend\n";
	size_t n = use->n[r];
	HPDF_STATUS st_ok = HPDF_Stream_WriteStr(st, head);

	for (size_t i = 0; i < n && st_ok == HPDF_OK; i += 100) {
		size_t k = n - i < 100 ? n - i : 100;
		char line[64];

		snprintf(line, sizeof(line), "%zu beginbfchar\n", k);
		st_ok = HPDF_Stream_WriteStr(st, line);
		for (size_t j = i; j < i + k && st_ok == HPDF_OK; j++) {
			uint32_t cp = use->cp[r][j];
			const uint32_t *src = NULL;

			if (cp >= TEXT_PRES_FIRST && cp <= TEXT_PRES_LAST &&
			    use->pres[cp - TEXT_PRES_FIRST][0])
				src = use->pres[cp - TEXT_PRES_FIRST];
			unsigned code = TEXT_CODE_FIRST + (unsigned)j;
			if (src && src[1])
				snprintf(line, sizeof(line), "<%04X> <%04X%04X>\n", code,
					 (unsigned)src[0], (unsigned)src[1]);
			else
				snprintf(line, sizeof(line), "<%04X> <%04X>\n", code,
					 (unsigned)(src ? src[0] : cp));
			st_ok = HPDF_Stream_WriteStr(st, line);
		}
		if (st_ok == HPDF_OK)
			st_ok = HPDF_Stream_WriteStr(st, "endbfchar\n");
	}
	if (st_ok == HPDF_OK)
		st_ok = HPDF_Stream_WriteStr(st, tail);
	if (st_ok != HPDF_OK)
		return sceau_fail(err, SCEAU_ERR_NOMEM, "cannot write a font's ToUnicode map");
	return SCEAU_OK;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* Subset tag: six capitals from a digest of the code points, so the same
 * text gives the same name (reproducible output) and different subsets of
 * one font get different names, as PDF 9.6.4 asks. */
static void subset_tag(const uint32_t *cps, size_t n, enum font_role r, char tag[8])
{
	uint64_t h = 1469598103934665603ULL ^ (uint64_t)r; /* FNV-1a */

	for (size_t i = 0; i < n; i++) {
		h ^= cps[i];
		h *= 1099511628211ULL;
	}
	for (int i = 0; i < 6; i++) {
		tag[i] = (char)('A' + h % 26);
		h /= 26;
	}
	tag[6] = '+';
	tag[7] = '\0';
}

static void put16(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 8);
	p[1] = (unsigned char)v;
}

static void put32(unsigned char *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xFFFF);
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* HPDF_GetFont(pdf, name, "UTF-8") for a font whose cmap maps only the
 * codes TEXT_CODE_FIRST .. TEXT_CODE_FIRST + n - 1. For a font on its
 * UTF-8 encoder libharu looks up the glyph and width of all 65,536 codes
 * (CIDFontType2_New), which dominated rendering; for a font on a CMap
 * encoder only the codes the encoder maps. So while the font is made, the
 * UTF-8 encoder maps our codes alone, as a CMap encoder would (one more
 * than drawn: libharu's width loop stops before the highest code), and
 * then gets its own map and functions back: the PDF is the same, byte for
 * byte. (The UTF-8 encoder keeps its parse state in cid_map[0], so the
 * whole map is saved and restored.) */
static HPDF_Font font_for_codes(HPDF_Doc pdf, const char *name, size_t n)
{
	HPDF_Encoder enc = HPDF_GetEncoder(pdf, "UTF-8");
	HPDF_CMapEncoderAttr a;
	HPDF_Encoder_ToUnicode_Func to_unicode;
	HPDF_UINT16(*saved)[256] = NULL;
	HPDF_Font font;

	if (!enc || enc->type != HPDF_ENCODER_TYPE_DOUBLE_BYTE || !enc->attr ||
	    TEXT_CODE_FIRST + n > 0xFFFF ||
	    !(saved = malloc(sizeof(((HPDF_CMapEncoderAttr)0)->cid_map))))
		return HPDF_GetFont(pdf, name, "UTF-8");
	a = (HPDF_CMapEncoderAttr)enc->attr;
	memcpy(saved, a->cid_map, sizeof(a->cid_map));
	memset(a->cid_map, 0, sizeof(a->cid_map));
	for (size_t c = TEXT_CODE_FIRST; c <= TEXT_CODE_FIRST + n; c++) {
		a->cid_map[c >> 8][c & 0xFF] = (HPDF_UINT16)c;
		a->unicode_map[c >> 8][c & 0xFF] = (HPDF_UNICODE)c;
	}
	to_unicode = enc->to_unicode_fn;
	enc->to_unicode_fn = HPDF_CMapEncoder_ToUnicode;
	font = HPDF_GetFont(pdf, name, "UTF-8");
	enc->to_unicode_fn = to_unicode;
	memcpy(a->cid_map, saved, sizeof(a->cid_map));
	free(saved);
	return font;
}

/* The subset font again, with a cmap that maps the document's own codes
 * TEXT_CODE_FIRST.. (one per code point drawn, in order) to their glyphs.
 * Drawing with these small codes instead of the Unicode values keeps
 * libharu's per-font tables (widths, CIDToGIDMap: one entry per code up to
 * the highest) a few hundred entries long instead of 65,536, which is what
 * dominated rendering time; the ToUnicode map gives the letters back.
 * *out: caller frees. */
static enum sceau_err recode(const unsigned char *font, size_t len, const uint16_t *gids, size_t n,
			     unsigned char **out, size_t *out_len, struct sceau_error *err)
{
	size_t ntab, cmap_len = 12 + 32 + 2 * n, total, o;
	unsigned char *b = NULL, *cmap = NULL;

	if (len < 12 || n == 0 || n > 0xFFFF - TEXT_CODE_FIRST)
		goto bad;
	ntab = (size_t)font[4] << 8 | font[5];
	if (12 + 16 * ntab > len)
		goto bad;
	cmap = calloc(1, cmap_len + 4);
	if (!cmap)
		goto nomem;
	/* cmap: one (3,1) format 4 subtable: [FIRST, FIRST+n-1] -> glyphs, then
	 * the closing 0xFFFF segment */
	put16(cmap + 2, 1);
	put16(cmap + 4, 3);
	put16(cmap + 6, 1);
	put32(cmap + 8, 12);
	{
		unsigned char *t = cmap + 12;
		put16(t, 4);
		put16(t + 2, (uint32_t)(cmap_len - 12));
		put16(t + 6, 4);  /* segCountX2 */
		put16(t + 8, 4);  /* searchRange */
		put16(t + 10, 1); /* entrySelector */
		put16(t + 12, 0); /* rangeShift */
		put16(t + 14, (uint32_t)(TEXT_CODE_FIRST + n - 1));
		put16(t + 16, 0xFFFF);
		put16(t + 20, TEXT_CODE_FIRST);
		put16(t + 22, 0xFFFF);
		put16(t + 24, 0);
		put16(t + 26, 1);
		put16(t + 28, 4); /* to glyphIdArray, just after */
		put16(t + 30, 0);
		for (size_t i = 0; i < n; i++)
			put16(t + 32 + 2 * i, gids[i]);
	}
	/* the table directory again, cmap replaced, every table 4-aligned */
	total = 12 + 16 * ntab;
	for (size_t i = 0; i < ntab; i++) {
		const unsigned char *e = font + 12 + 16 * i;
		size_t l = memcmp(e, "cmap", 4) == 0 ? cmap_len : get32(e + 12);
		if (memcmp(e, "cmap", 4) != 0 && (size_t)get32(e + 8) + l > len)
			goto bad;
		total += (l + 3) & ~(size_t)3;
	}
	b = calloc(1, total);
	if (!b)
		goto nomem;
	memcpy(b, font, 12);
	o = 12 + 16 * ntab;
	for (size_t i = 0; i < ntab; i++) {
		const unsigned char *e = font + 12 + 16 * i;
		unsigned char *d = b + 12 + 16 * i;
		int is_cmap = memcmp(e, "cmap", 4) == 0;
		size_t l = is_cmap ? cmap_len : get32(e + 12);
		const unsigned char *src = is_cmap ? cmap : font + get32(e + 8);
		uint32_t sum = 0;

		memcpy(b + o, src, l);
		for (size_t k = 0; k < ((l + 3) & ~(size_t)3); k += 4)
			sum += get32(b + o + k);
		memcpy(d, e, 4);
		put32(d + 4, sum);
		put32(d + 8, (uint32_t)o);
		put32(d + 12, (uint32_t)l);
		o += (l + 3) & ~(size_t)3;
	}
	free(cmap);
	*out = b;
	*out_len = total;
	return SCEAU_OK;
bad:
	free(cmap);
	return sceau_fail(err, SCEAU_ERR_INTERNAL, "unexpected font subset layout");
nomem:
	free(cmap);
	return sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
}

uint32_t sceau_fontuse_code(const struct sceau_fontuse *u, enum font_role r, uint32_t cp)
{
	size_t lo = 0, hi = u->n[r];

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (u->cp[r][mid] < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < u->n[r] && u->cp[r][lo] == cp ? TEXT_CODE_FIRST + (uint32_t)lo : 0;
}

static enum sceau_err embed_one(HPDF_Doc pdf, const struct sceau_fonts *f,
				struct sceau_fontuse *use, enum font_role r, HPDF_Font *out,
				struct sceau_error *err)
{
	enum sceau_err ret;
	hb_subset_input_t *in = NULL;
	hb_face_t *sub = NULL;
	hb_blob_t *blob = NULL;
	HPDF_Stream st = NULL;
	HPDF_FontDef def = NULL;
	HPDF_TTFontDefAttr attr;
	HPDF_FontAttr fattr;
	HPDF_Font font;
	const char *data;
	unsigned len;
	unsigned char *font_data = NULL;
	size_t font_len = 0;
	uint16_t *gids = NULL;
	hb_font_t *hf = NULL;
	char tag[8], name[HPDF_LIMIT_MAX_NAME_LEN + 1];
	static const hb_tag_t drop[] = {HB_TAG('G', 'S', 'U', 'B'), HB_TAG('G', 'P', 'O', 'S'),
					HB_TAG('G', 'D', 'E', 'F'), HB_TAG('k', 'e', 'r', 'n'),
					HB_TAG('M', 'A', 'T', 'H'), HB_TAG('D', 'S', 'I', 'G'),
					HB_TAG('F', 'F', 'T', 'M'), HB_TAG('g', 'a', 's', 'p')};

	qsort(use->cp[r], use->n[r], sizeof(uint32_t), cmp_u32);
	in = hb_subset_input_create_or_fail();
	if (!in)
		return sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory (font subset)");
	for (size_t i = 0; i < use->n[r]; i++)
		hb_set_add(hb_subset_input_unicode_set(in), use->cp[r][i]);
	for (size_t i = 0; i < sizeof(drop) / sizeof(drop[0]); i++)
		hb_set_add(hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG), drop[i]);
	hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_NO_HINTING);
	sub = hb_subset_or_fail(f->face[r], in);
	if (!sub) {
		ret = sceau_fail(err, SCEAU_ERR_INTERNAL, "cannot subset font '%s'", f->file[r]);
		goto out;
	}
	blob = hb_face_reference_blob(sub);
	data = hb_blob_get_data(blob, &len);
	if (!data || len == 0) {
		ret = sceau_fail(err, SCEAU_ERR_INTERNAL, "empty subset of font '%s'", f->file[r]);
		goto out;
	}
	/* each code point's glyph in the subset, for its cmap and CIDToGIDMap */
	gids = calloc(use->n[r], sizeof(*gids));
	hf = hb_font_create(sub);
	if (!gids || !hf) {
		ret = sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < use->n[r]; i++) {
		hb_codepoint_t gid = 0;
		hb_font_get_nominal_glyph(hf, use->cp[r][i], &gid);
		gids[i] = (uint16_t)gid;
	}
	ret = recode((const unsigned char *)data, len, gids, use->n[r], &font_data, &font_len, err);
	if (ret)
		goto out;
	data = (const char *)font_data;
	len = (unsigned)font_len;
	/* one buffer: libharu's memory stream seeks badly across buffers */
	st = HPDF_MemStream_New(pdf->mmgr, len);
	if (!st || HPDF_Stream_Write(st, (const HPDF_BYTE *)data, len) != HPDF_OK) {
		ret = sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory (font)");
		goto out;
	}
	def = HPDF_TTFontDef_Load(pdf->mmgr, st, HPDF_TRUE); /* takes the stream */
	st = NULL;
	if (!def) {
		ret = sceau_fail(err, SCEAU_ERR_FORMAT,
				 "libharu cannot read the subset of font '%s'", f->file[r]);
		goto out;
	}
	/* embed every glyph of the subset: composite glyphs keep their parts */
	attr = (HPDF_TTFontDefAttr)def->attr;
	memset(attr->glyph_tbl.flgs, 1, attr->num_glyphs);
	subset_tag(use->cp[r], use->n[r], r, tag);
	memcpy(name, tag, 7);
	memcpy(name + 7, def->base_font, sizeof(name) - 8);
	name[sizeof(name) - 1] = '\0';
	memcpy(def->base_font, name, sizeof(name));
	memcpy(attr->base_font, name, sizeof(name));
	if (HPDF_Doc_RegisterFontDef(pdf, def) != HPDF_OK) {
		def = NULL; /* freed by libharu */
		ret = sceau_fail(err, SCEAU_ERR_INTERNAL, "libharu refused font '%s'", name);
		goto out;
	}
	font = font_for_codes(pdf, name, use->n[r]);
	if (!font) {
		ret = sceau_fail(err, SCEAU_ERR_INTERNAL, "libharu cannot use font '%s'", name);
		goto out;
	}
	fattr = (HPDF_FontAttr)font->attr;
	if (!fattr->cmap_stream || !fattr->cmap_stream->stream) {
		ret = sceau_fail(err, SCEAU_ERR_INTERNAL, "font '%s' has no ToUnicode map", name);
		goto out;
	}
	/* libharu writes a CIDToGIDMap for all 65,536 codes (it counts codes
	 * without a glyph too); ours stop at the last code drawn */
	if (fattr->map_stream && fattr->map_stream->stream) {
		size_t codes = TEXT_CODE_FIRST + use->n[r];
		unsigned char *m = calloc(codes, 2);
		if (!m) {
			ret = sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
			goto out;
		}
		for (size_t i = 0; i < use->n[r]; i++)
			put16(m + 2 * (TEXT_CODE_FIRST + i), gids[i]);
		HPDF_MemStream_FreeData(fattr->map_stream->stream);
		if (HPDF_Stream_Write(fattr->map_stream->stream, m, (HPDF_UINT)(2 * codes)) !=
		    HPDF_OK) {
			free(m);
			ret = sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory (CIDToGIDMap)");
			goto out;
		}
		free(m);
	}
	/* libharu's own map is a CID CMap that poppler warns about
	 * ("begincidrange"): ours is a plain ToUnicode map */
	HPDF_Dict_RemoveElement(fattr->cmap_stream, "CIDSystemInfo");
	HPDF_Dict_RemoveElement(fattr->cmap_stream, "CMapName");
	HPDF_Dict_RemoveElement(fattr->cmap_stream, "Type");
	HPDF_MemStream_FreeData(fattr->cmap_stream->stream);
	ret = write_tounicode(fattr->cmap_stream->stream, use, r, err);
	if (ret)
		goto out;
	*out = font;
	ret = SCEAU_OK;
out:
	if (st)
		HPDF_Stream_Free(st);
	free(font_data);
	free(gids);
	hb_font_destroy(hf);
	hb_blob_destroy(blob);
	hb_face_destroy(sub);
	hb_subset_input_destroy(in);
	return ret;
}

enum sceau_err sceau_fonts_embed(HPDF_Doc pdf, const struct sceau_fonts *f,
				 struct sceau_fontuse *use, HPDF_Font fonts[FONT_ROLES],
				 struct sceau_error *err)
{
	if (HPDF_UseUTFEncodings(pdf) != HPDF_OK)
		return sceau_fail(err, SCEAU_ERR_INTERNAL, "libharu has no UTF-8 encoder");
	for (int r = 0; r < FONT_ROLES; r++) {
		enum sceau_err ret;

		fonts[r] = NULL;
		if (use->n[r] == 0)
			continue;
		ret = embed_one(pdf, f, use, (enum font_role)r, &fonts[r], err);
		if (ret)
			return ret;
	}
	return SCEAU_OK;
}
