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
			if (src && src[1])
				snprintf(line, sizeof(line), "<%04X> <%04X%04X>\n", (unsigned)cp,
					 (unsigned)src[0], (unsigned)src[1]);
			else
				snprintf(line, sizeof(line), "<%04X> <%04X>\n", (unsigned)cp,
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
	font = HPDF_GetFont(pdf, name, "UTF-8");
	if (!font) {
		ret = sceau_fail(err, SCEAU_ERR_INTERNAL, "libharu cannot use font '%s'", name);
		goto out;
	}
	fattr = (HPDF_FontAttr)font->attr;
	if (!fattr->cmap_stream || !fattr->cmap_stream->stream) {
		ret = sceau_fail(err, SCEAU_ERR_INTERNAL, "font '%s' has no ToUnicode map", name);
		goto out;
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
