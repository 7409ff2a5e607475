/* sceau — rendering: the renderer, and drawing the display list that
 * render_layout.c makes.
 *
 * Layout runs first and records a display list (text runs, rules, boxes,
 * the QR, the logo) while noting every code point each font draws; only
 * then are the fonts subset and embedded and the list drawn with libharu.
 * Two passes are what let "page N / M" be known and the fonts hold exactly
 * the glyphs used. Coordinates are PDF points, y growing upwards. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hpdf.h>
#include <openssl/x509.h>

#include "internal.h"
#include "pdfdoc_int.h"
#include "render_int.h"

/* ---- drawing the display list ------------------------------------------------ */

static enum sceau_err emit(struct doc *d, HPDF_Doc pdf, unsigned pages, struct sceau_error *err)
{
	HPDF_Font fonts[FONT_ROLES];
	HPDF_Page *pg = calloc(pages, sizeof(*pg));
	HPDF_Image logo = NULL;
	enum sceau_err ret;
	int in_text = 0;
	HPDF_Font cur_font = NULL;
	double cur_size = -1, cur_gray = -1;
	unsigned cur_page = (unsigned)-1;

	if (!pg)
		return sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
	ret = sceau_fonts_embed(pdf, d->fonts, d->use, fonts, err);
	if (ret)
		goto out;
	if (d->logo) {
		ret = sceau_pdf_png_image(pdf, d->logo, &logo, err);
		if (ret)
			goto out;
	}
	for (unsigned p = 0; p < pages; p++) {
		pg[p] = HPDF_AddPage(pdf);
		if (!pg[p]) {
			ret = sceau_pdf_check(pdf, "page", err);
			goto out;
		}
		HPDF_Page_SetWidth(pg[p], (HPDF_REAL)d->t->page_w);
		HPDF_Page_SetHeight(pg[p], (HPDF_REAL)d->t->page_h);
	}
	for (size_t i = 0; i < d->n; i++) {
		const struct item *it = &d->items[i];
		HPDF_Page page = pg[it->page];

		if (it->page != cur_page) {
			if (in_text)
				HPDF_Page_EndText(pg[cur_page]);
			in_text = 0;
			cur_font = NULL;
			cur_size = cur_gray = -1;
			cur_page = it->page;
		}
		if (it->kind != IT_TEXT && in_text) {
			HPDF_Page_EndText(page);
			in_text = 0;
		}
		switch (it->kind) {
		case IT_TEXT:
			if (!in_text) {
				HPDF_Page_BeginText(page);
				in_text = 1;
				cur_font = NULL; /* BT resets nothing, but keep Tf explicit */
			}
			if (cur_font != fonts[it->role] || cur_size != it->size) {
				HPDF_Page_SetFontAndSize(page, fonts[it->role],
							 (HPDF_REAL)it->size);
				cur_font = fonts[it->role];
				cur_size = it->size;
			}
			if (cur_gray != it->gray) {
				HPDF_Page_SetGrayFill(page, (HPDF_REAL)it->gray);
				cur_gray = it->gray;
			}
			{
				char *codes = NULL;
				ret = sceau_text_encode(d->use, it->role, it->s, &codes, err);
				if (ret)
					goto out;
				HPDF_Page_TextOut(page, (HPDF_REAL)it->x, (HPDF_REAL)it->y, codes);
				free(codes);
			}
			break;
		case IT_RECT:
			if (it->fill) {
				HPDF_Page_SetGrayFill(page, (HPDF_REAL)it->gray);
				HPDF_Page_Rectangle(page, (HPDF_REAL)it->x, (HPDF_REAL)it->y,
						    (HPDF_REAL)it->w, (HPDF_REAL)it->h);
				HPDF_Page_Fill(page);
				cur_gray = -1;
			} else {
				HPDF_Page_SetLineWidth(page, (HPDF_REAL)it->lw);
				HPDF_Page_SetGrayStroke(page, (HPDF_REAL)it->gray);
				HPDF_Page_Rectangle(page, (HPDF_REAL)it->x, (HPDF_REAL)it->y,
						    (HPDF_REAL)it->w, (HPDF_REAL)it->h);
				HPDF_Page_Stroke(page);
			}
			break;
		case IT_LINE:
			HPDF_Page_SetLineWidth(page, (HPDF_REAL)it->lw);
			HPDF_Page_SetGrayStroke(page, (HPDF_REAL)it->gray);
			HPDF_Page_MoveTo(page, (HPDF_REAL)it->x, (HPDF_REAL)it->y);
			HPDF_Page_LineTo(page, (HPDF_REAL)it->w, (HPDF_REAL)it->h);
			HPDF_Page_Stroke(page);
			break;
		case IT_QR: {
			double module;
			ret = sceau_pdf_qr(page, it->s, d->t->qr_ecc, it->x, it->y, it->w, &module,
					   err);
			if (ret)
				goto out;
			cur_gray = -1;
			break;
		}
		case IT_LOGO:
			HPDF_Page_DrawImage(page, logo, (HPDF_REAL)it->x, (HPDF_REAL)it->y,
					    (HPDF_REAL)it->w, (HPDF_REAL)it->h);
			break;
		}
	}
	if (in_text)
		HPDF_Page_EndText(pg[cur_page]);
	ret = sceau_pdf_check(pdf, "page content", err);
out:
	free(pg);
	return ret;
}

/* ---- the renderer -------------------------------------------------------------- */

#define RENDER_SLOTS 8

struct slot {
	char *type;
	struct sceau_template *t;
	struct sceau_fonts *fonts;
	struct sceau_png logo; /* the template's logo, read and checked once */
};

struct sceau_renderer {
	char *dir;
	struct sceau_png logo; /* --logo, read and checked once */
	double logo_mm;
	struct slot slots[RENDER_SLOTS];
	size_t nslots;
	struct sceau_fontuse *use; /* reused between documents */
};

const char *sceau_templates_default_dir(void)
{
	return SCEAU_TEMPLATES_DIR;
}

enum sceau_err sceau_renderer_new(const char *templates_dir, struct sceau_renderer **out,
				  struct sceau_error *err)
{
	struct sceau_renderer *r = calloc(1, sizeof(*r));
	const char *dir = templates_dir;

	if (!dir)
		dir = getenv("SCEAU_TEMPLATES");
	if (!dir || !*dir) {
		/* ./templates (a checkout), the installed ones, else the source
		 * tree this program was built from (a build run in place) */
		if (access("templates/coc.json", R_OK) == 0)
			dir = "templates";
		else if (access(SCEAU_TEMPLATES_DIR "/coc.json", R_OK) == 0)
			dir = SCEAU_TEMPLATES_DIR;
		else if (access(SCEAU_SOURCE_TEMPLATES_DIR "/coc.json", R_OK) == 0)
			dir = SCEAU_SOURCE_TEMPLATES_DIR;
		else
			dir = SCEAU_TEMPLATES_DIR;
	}
	if (r)
		r->dir = strdup(dir);
	if (r)
		r->use = calloc(1, sizeof(*r->use));
	if (!r || !r->dir || !r->use) {
		sceau_renderer_free(r);
		return sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
	}
	*out = r;
	return SCEAU_OK;
}

enum sceau_err sceau_renderer_set_logo(struct sceau_renderer *r, const char *png_path,
				       double width_mm, struct sceau_error *err)
{
	struct sceau_png png;
	enum sceau_err ret;

	if (width_mm < 0 || width_mm > 100)
		return sceau_fail(err, SCEAU_ERR_INVALID, "logo width %g mm: expected 0 to 100",
				  width_mm);
	ret = sceau_png_load(png_path, &png, err);
	if (ret)
		return ret;
	sceau_png_release(&r->logo);
	r->logo = png;
	r->logo_mm = width_mm;
	return SCEAU_OK;
}

void sceau_renderer_free(struct sceau_renderer *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nslots; i++) {
		free(r->slots[i].type);
		sceau_template_free(r->slots[i].t);
		sceau_fonts_free(r->slots[i].fonts);
		sceau_png_release(&r->slots[i].logo);
	}
	if (r->use)
		sceau_fontuse_release(r->use);
	free(r->use);
	free(r->dir);
	sceau_png_release(&r->logo);
	free(r);
}

static enum sceau_err slot_for(struct sceau_renderer *r, const char *type, struct slot **out,
			       struct sceau_error *err)
{
	struct slot *s;
	char *path = NULL;
	const char *files[FONT_ROLES], *pkgs[FONT_ROLES];
	enum sceau_err ret;

	for (size_t i = 0; i < r->nslots; i++)
		if (strcmp(r->slots[i].type, type) == 0) {
			*out = &r->slots[i];
			return SCEAU_OK;
		}
	if (r->nslots == RENDER_SLOTS)
		return sceau_fail(err, SCEAU_ERR_INTERNAL, "too many templates");
	s = &r->slots[r->nslots];
	memset(s, 0, sizeof(*s));
	ret = sceau_template_find(r->dir, type, &path, err);
	if (!ret)
		ret = sceau_template_load(path, &s->t, err);
	free(path);
	if (!ret && strcmp(s->t->type, type) != 0)
		ret = sceau_fail(err, SCEAU_ERR_FORMAT, "template '%s' is for '%s', not '%s'",
				 s->t->path, s->t->type, type);
	if (!ret) {
		for (int i = 0; i < FONT_ROLES; i++) {
			files[i] = s->t->fonts[i].file;
			pkgs[i] = s->t->fonts[i].package;
		}
		ret = sceau_fonts_open(files, pkgs, &s->fonts, err);
	}
	if (!ret && s->t->logo)
		ret = sceau_png_load(s->t->logo, &s->logo, err);
	if (!ret)
		s->type = strdup(type);
	if (!ret && !s->type)
		ret = sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
	if (ret) {
		sceau_template_free(s->t);
		sceau_fonts_free(s->fonts);
		sceau_png_release(&s->logo);
		memset(s, 0, sizeof(*s));
		return ret;
	}
	r->nslots++;
	*out = s;
	return SCEAU_OK;
}

enum sceau_err sceau_renderer_prepare(struct sceau_renderer *r, enum sceau_program program,
				      struct sceau_error *err)
{
	struct slot *s;
	return slot_for(r, sceau_program_name(program), &s, err);
}

/* Replace the rendered PDF in *pdf by its signed form. */
static enum sceau_err sign(const struct sceau_render_info *info, unsigned char **pdf, size_t *len,
			   struct sceau_error *err)
{
	const struct sceau_signer *s = info->signer;
	STACK_OF(X509) *chain = NULL;
	unsigned char *signed_pdf = NULL;
	size_t signed_len = 0;
	enum sceau_err ret;

	if (!s->key)
		return sceau_fail(err, SCEAU_ERR_INVALID, "render: the signer's key is locked");
	if (!(chain = sk_X509_new_null()) || (s->root && !sk_X509_push(chain, s->root))) {
		sk_X509_free(chain);
		return sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory signing a PDF");
	}
	ret = sceau_pdf_sign(*pdf, *len, s->cert, chain, s->key, info->created, &signed_pdf,
			     &signed_len, err);
	sk_X509_free(chain);
	if (ret)
		return ret;
	free(*pdf);
	*pdf = signed_pdf;
	*len = signed_len;
	return SCEAU_OK;
}

enum sceau_err sceau_render(struct sceau_renderer *r, const struct sceau_record *rec,
			    const struct sceau_render_info *info, unsigned char **pdf_out,
			    size_t *len_out, unsigned *pages_out, struct sceau_error *err)
{
	struct doc d = {0};
	struct slot *s;
	struct sceau_pdf_err perr = {0};
	HPDF_Doc pdf = NULL;
	char *json = NULL, title[512], subject[512], keywords[256];
	size_t json_len = 0;
	const char *type = sceau_program_name(sceau_record_type(rec));
	const char *num = sceau_record_get(rec, "number");
	enum sceau_err ret;

	if (!info || !info->issuer || !info->qr_text)
		return sceau_fail(err, SCEAU_ERR_INVALID,
				  "render: issuer and QR text are required");
	ret = slot_for(r, type, &s, err);
	if (ret)
		return ret;
	sceau_fontuse_release(r->use);
	memset(r->use, 0, sizeof(*r->use));
	d.t = s->t;
	d.rec = rec;
	d.info = info;
	d.fonts = s->fonts;
	d.use = r->use;
	d.err = err;
	d.logo = r->logo.data ? &r->logo : s->logo.data ? &s->logo : NULL;
	d.logo_w = r->logo.data ? (r->logo_mm > 0 ? r->logo_mm : 30) * 72 / 25.4 : s->t->logo_w;
	d.vars[0] = "issuer";
	d.vars[1] = info->issuer;
	d.vars[2] = NULL;

	ret = sceau_layout(&d);
	if (ret)
		goto out;

	ret = sceau_pdf_new(&perr, &pdf, err);
	if (ret)
		goto out;
	ret = emit(&d, pdf, d.page + 1, err);
	if (ret)
		goto out;
	ret = sceau_record_to_json(rec, &json, err);
	if (ret)
		goto out;
	json_len = strlen(json);
	ret = sceau_pdf_attach(pdf, "certificate.json", "application/json", json, json_len,
			       "the full certificate record (sceau)", info->created, err);
	if (ret)
		goto out;
	snprintf(title, sizeof(title), "%s %s — %s", s->t->title.fr, num ? num : "",
		 s->t->title.ar);
	snprintf(subject, sizeof(subject), "%s %s",
		 s->t->title.en ? s->t->title.en : s->t->title.fr, num ? num : "");
	snprintf(keywords, sizeof(keywords), "sceau, %s, %s", type, num ? num : "");
	ret = sceau_pdf_info(pdf, title, info->issuer, subject, keywords, info->created, err);
	if (!ret)
		ret = sceau_pdf_info_custom(pdf, "SceauQR", info->qr_text, err);
	if (!ret)
		ret = sceau_pdf_save(pdf, pdf_out, len_out, err);
	if (!ret && info->signer)
		ret = sign(info, pdf_out, len_out, err);
	if (!ret && pages_out)
		*pages_out = d.page + 1;
out:
	if (pdf)
		HPDF_Free(pdf);
	for (size_t i = 0; i < d.n; i++)
		free(d.items[i].s);
	free(d.items);
	free(json);
	return ret;
}

enum sceau_err sceau_render_to_file(struct sceau_renderer *r, const struct sceau_record *rec,
				    const struct sceau_render_info *info, const char *path,
				    int force, unsigned *pages, struct sceau_error *err)
{
	unsigned char *pdf = NULL;
	size_t len = 0;
	enum sceau_err ret;

	if (!force && access(path, F_OK) == 0)
		return sceau_fail(err, SCEAU_ERR_EXISTS, "'%s' exists (use --force to replace it)",
				  path);
	ret = sceau_render(r, rec, info, &pdf, &len, pages, err);
	if (!ret)
		ret = sceau_fs_replace(path, pdf, len, 0644, err);
	free(pdf);
	return ret;
}
