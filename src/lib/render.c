/* sceau — the layout engine: a template and a record become pages.
 *
 * Layout runs first and records a display list (text runs, rules, boxes,
 * the QR, the logo) while noting every code point each font draws; only
 * then are the fonts subset and embedded and the list drawn with libharu.
 * Two passes are what let "page N / M" be known and the fonts hold exactly
 * the glyphs used. Coordinates are PDF points, y growing upwards. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hpdf.h>

#include "internal.h"
#include "pdfdoc_int.h"
#include "sceau/render.h"
#include "template_int.h"
#include "text_int.h"

#define PAD        3.0  /* inside a cell */
#define LEADING    1.32 /* line height / font size */
#define GRAY_LABEL 0.35
#define GRAY_RULE  0.55
#define FILL_HEAD  0.91 /* section and table heads */

enum item_kind { IT_TEXT, IT_RECT, IT_LINE, IT_QR, IT_LOGO };

struct item {
	enum item_kind kind;
	unsigned page;
	double x, y, w, h; /* text: x, baseline y; line: x,y to w,h */
	double size, gray, lw;
	int fill;
	enum font_role role;
	char *s;
};

struct doc {
	const struct sceau_template *t;
	const struct sceau_record *rec;
	const struct sceau_render_info *info;
	const struct sceau_fonts *fonts;
	struct sceau_fontuse *use;
	const char *logo;
	double logo_w;
	const char *vars[5];
	struct item *items;
	size_t n, cap;
	unsigned page; /* 0-based */
	double y;      /* top of the free space on the current page */
	double left, right, bottom, top;
	double footer_top; /* the footer's rule; content stays above bottom */
	struct sceau_error *err;
};

static enum sceau_err add(struct doc *d, const struct item *it)
{
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 256;
		struct item *v = realloc(d->items, cap * sizeof(*v));
		if (!v)
			return sceau_fail(d->err, SCEAU_ERR_NOMEM, "out of memory");
		d->items = v;
		d->cap = cap;
	}
	d->items[d->n] = *it;
	d->items[d->n].page = d->page;
	d->n++;
	return SCEAU_OK;
}

static enum sceau_err rect(struct doc *d, double x, double y, double w, double h, int fill,
			   double gray, double lw)
{
	struct item it = {.kind = IT_RECT,
			  .x = x,
			  .y = y,
			  .w = w,
			  .h = h,
			  .fill = fill,
			  .gray = gray,
			  .lw = lw};
	return add(d, &it);
}

static enum sceau_err rule(struct doc *d, double x1, double y1, double x2, double y2, double lw,
			   double gray)
{
	struct item it = {
		.kind = IT_LINE, .x = x1, .y = y1, .w = x2, .h = y2, .lw = lw, .gray = gray};
	return add(d, &it);
}

/* Draw one line of text in [x, x+w] with its baseline at `base`. align:
 * TPL_ALIGN_START follows the line's direction (left for French, right for
 * Arabic). */
static enum sceau_err line_at(struct doc *d, const char *s, size_t len, int bold, double size,
			      enum text_dir dir, double x, double w, double base,
			      enum tpl_align align, double gray)
{
	struct text_line l;
	enum sceau_err ret;
	double x0;

	ret = sceau_text_shape(d->fonts, s, len, bold, dir, size, d->use, &l, d->err);
	if (ret)
		return ret;
	if (align == TPL_ALIGN_CENTER)
		x0 = x + (w - l.width) / 2;
	else if ((align == TPL_ALIGN_END) != (l.rtl != 0))
		x0 = x + w - l.width;
	else
		x0 = x;
	for (size_t i = 0; i < l.nruns; i++) {
		struct item it = {.kind = IT_TEXT,
				  .x = x0 + l.runs[i].x,
				  .y = base,
				  .size = size,
				  .gray = gray,
				  .role = l.runs[i].role,
				  .s = l.runs[i].utf8};
		ret = add(d, &it);
		if (ret)
			break;
		l.runs[i].utf8 = NULL; /* the item owns it now */
	}
	sceau_text_line_release(&l);
	return ret;
}

/* A wrapped paragraph in a box `w` wide whose top is `top`. With draw = 0
 * only measures. *h: the height used. */
static enum sceau_err para(struct doc *d, const char *s, int bold, double size, enum text_dir dir,
			   double x, double w, double top, enum tpl_align align, double gray,
			   int draw, double *h)
{
	struct text_span *lines = NULL;
	size_t n = 0;
	enum sceau_err ret;

	*h = 0;
	if (!s || !*s)
		return SCEAU_OK;
	ret = sceau_text_wrap(d->fonts, s, bold, size, w, &lines, &n, d->err);
	if (ret)
		return ret;
	for (size_t i = 0; i < n && draw; i++) {
		double base = top - size * LEADING * (double)i - size * 0.98;
		ret = line_at(d, s + lines[i].off, lines[i].len, bold, size, dir, x, w, base, align,
			      gray);
		if (ret)
			break;
	}
	*h = (double)n * size * LEADING;
	free(lines);
	return ret;
}

static enum sceau_err expand(struct doc *d, const char *row, const char *value, char **out,
			     int *present)
{
	return sceau_template_expand(d->t, d->rec, row, value, d->vars, out, present, d->err);
}

/* ---- page furniture ------------------------------------------------------ */

static enum sceau_err continuation_head(struct doc *d)
{
	enum sceau_err ret;
	const char *num = sceau_record_get(d->rec, "number");
	char buf[256];
	double w = d->right - d->left, size = 8.5, base = d->top - size;

	snprintf(buf, sizeof(buf), "%s — %s", d->t->title.fr, num ? num : "");
	ret = line_at(d, buf, strlen(buf), 1, size, TEXT_DIR_LTR, d->left, w * 0.65, base,
		      TPL_ALIGN_START, 0);
	if (!ret)
		ret = line_at(d, d->t->title.ar, strlen(d->t->title.ar), 1, size, TEXT_DIR_RTL,
			      d->left + w * 0.65, w * 0.35, base, TPL_ALIGN_START, 0);
	if (!ret)
		ret = rule(d, d->left, d->top - size * 1.6, d->right, d->top - size * 1.6, 0.8, 0);
	d->y = d->top - size * 1.6 - 6;
	return ret;
}

static enum sceau_err new_page(struct doc *d)
{
	d->page++;
	return continuation_head(d);
}

/* Make room for `h` points, starting a continuation page if needed.
 * *broke = 1 when a page was started. */
static enum sceau_err room(struct doc *d, double h, int *broke)
{
	*broke = 0;
	if (d->y - h >= d->bottom)
		return SCEAU_OK;
	*broke = 1;
	return new_page(d);
}

/* The footer's height: rule, the how-to-verify text, the page number. */
static enum sceau_err footer_height(struct doc *d, double *h)
{
	char *fr = NULL, *ar = NULL;
	int present;
	double w = d->right - d->left - 60, h1 = 0, h2 = 0;
	enum sceau_err ret = expand(d, NULL, d->t->footer.fr, &fr, &present);

	if (!ret)
		ret = expand(d, NULL, d->t->footer.ar, &ar, &present);
	if (!ret)
		ret = para(d, fr, 0, 6.5, TEXT_DIR_LTR, 0, w, 0, TPL_ALIGN_START, 0, 0, &h1);
	if (!ret)
		ret = para(d, ar, 0, 6.5, TEXT_DIR_RTL, 0, w, 0, TPL_ALIGN_START, 0, 0, &h2);
	*h = h1 + h2 + 8;
	free(fr);
	free(ar);
	return ret;
}

static enum sceau_err footer(struct doc *d, unsigned page, unsigned pages)
{
	char *fr = NULL, *ar = NULL, num[64];
	int present;
	double w = d->right - d->left - 60, h1 = 0, h2 = 0, top = d->footer_top;
	unsigned save = d->page;
	enum sceau_err ret;

	d->page = page;
	ret = rule(d, d->left, top, d->right, top, 0.5, GRAY_RULE);
	if (!ret)
		ret = expand(d, NULL, d->t->footer.fr, &fr, &present);
	if (!ret)
		ret = expand(d, NULL, d->t->footer.ar, &ar, &present);
	if (!ret)
		ret = para(d, fr, 0, 6.5, TEXT_DIR_LTR, d->left, w, top - 3, TPL_ALIGN_START,
			   GRAY_LABEL, 1, &h1);
	if (!ret)
		ret = para(d, ar, 0, 6.5, TEXT_DIR_RTL, d->left, w, top - 3 - h1, TPL_ALIGN_START,
			   GRAY_LABEL, 1, &h2);
	snprintf(num, sizeof(num), "Page %u / %u", page + 1, pages);
	if (!ret)
		ret = line_at(d, num, strlen(num), 0, 7.5, TEXT_DIR_LTR, d->right - 58, 58,
			      top - 3 - 7.5, TPL_ALIGN_END, 0);
	d->page = save;
	free(fr);
	free(ar);
	return ret;
}

/* ---- the first page's head ------------------------------------------------ */

/* PNG width and height from the IHDR chunk (the template loader checked
 * the signature). */
static enum sceau_err png_size(struct doc *d, const char *path, double *w, double *h)
{
	unsigned char b[24];
	FILE *f = fopen(path, "rb");
	size_t got = f ? fread(b, 1, sizeof(b), f) : 0;
	unsigned long pw, ph;

	if (f)
		fclose(f);
	if (got != sizeof(b) || memcmp(b + 12, "IHDR", 4) != 0)
		return sceau_fail(d->err, SCEAU_ERR_FORMAT, "logo '%s' is not a PNG file", path);
	pw = (unsigned long)b[16] << 24 | (unsigned long)b[17] << 16 | (unsigned long)b[18] << 8 |
	     b[19];
	ph = (unsigned long)b[20] << 24 | (unsigned long)b[21] << 16 | (unsigned long)b[22] << 8 |
	     b[23];
	if (pw == 0 || ph == 0 || pw > 4000 || ph > 4000)
		return sceau_fail(d->err, SCEAU_ERR_FORMAT,
				  "logo '%s' is %lux%lu pixels (at most 4000x4000)", path, pw, ph);
	*w = (double)pw;
	*h = (double)ph;
	return SCEAU_OK;
}

static enum sceau_err head(struct doc *d)
{
	const struct sceau_template *t = d->t;
	const char *num = sceau_record_get(d->rec, "number");
	double top = d->top, qw = t->qr_w, lw = 130, gap = 10;
	double mx = d->left + lw + gap, mw = d->right - qw - gap - mx;
	double hl = 0, hm = 0, hq, h;
	enum sceau_err ret = SCEAU_OK;
	struct item qr = {.kind = IT_QR, .x = d->right - qw, .y = top - qw, .w = qw, .h = qw};

	/* left: logo and issuing body */
	if (d->logo) {
		double pw = 1, ph = 1, lh;
		ret = png_size(d, d->logo, &pw, &ph);
		if (ret)
			return ret;
		lh = d->logo_w * ph / pw;
		if (lh > 70) /* keep the head compact */
			lh = 70;
		{
			struct item it = {.kind = IT_LOGO,
					  .x = d->left,
					  .y = top - lh,
					  .w = lh * pw / ph,
					  .h = lh,
					  .s = NULL};
			ret = add(d, &it);
		}
		if (ret)
			return ret;
		hl = lh + 4;
	}
	{
		double h1 = 0;
		ret = para(d, d->info->issuer, 1, 9.5, TEXT_DIR_AUTO, d->left, lw, top - hl,
			   TPL_ALIGN_START, 0, 1, &h1);
		if (ret)
			return ret;
		hl += h1;
	}

	/* middle: titles */
	{
		double h1 = 0;
		ret = para(d, t->title.fr, 1, 15, TEXT_DIR_LTR, mx, mw, top - hm, TPL_ALIGN_CENTER,
			   0, 1, &h1);
		hm += h1 + 1;
		if (!ret)
			ret = para(d, t->title.ar, 1, 16, TEXT_DIR_RTL, mx, mw, top - hm,
				   TPL_ALIGN_CENTER, 0, 1, &h1);
		hm += h1;
		if (!ret && t->title.en) {
			ret = para(d, t->title.en, 0, 9, TEXT_DIR_LTR, mx, mw, top - hm,
				   TPL_ALIGN_CENTER, GRAY_LABEL, 1, &h1);
			hm += h1;
		}
		hm += 3;
		if (!ret && t->subtitle.fr) {
			ret = para(d, t->subtitle.fr, 0, 7, TEXT_DIR_LTR, mx, mw, top - hm,
				   TPL_ALIGN_CENTER, GRAY_LABEL, 1, &h1);
			hm += h1;
		}
		if (!ret && t->subtitle.ar) {
			ret = para(d, t->subtitle.ar, 0, 7, TEXT_DIR_RTL, mx, mw, top - hm,
				   TPL_ALIGN_CENTER, GRAY_LABEL, 1, &h1);
			hm += h1;
		}
		if (!ret && t->subtitle.en) {
			ret = para(d, t->subtitle.en, 0, 7, TEXT_DIR_LTR, mx, mw, top - hm,
				   TPL_ALIGN_CENTER, GRAY_LABEL, 1, &h1);
			hm += h1;
		}
		if (ret)
			return ret;
	}

	/* right: the QR and the number under it */
	qr.s = strdup(d->info->qr_text);
	if (!qr.s)
		return sceau_fail(d->err, SCEAU_ERR_NOMEM, "out of memory");
	ret = add(d, &qr);
	if (ret) {
		free(qr.s);
		return ret;
	}
	hq = qw + 2;
	{
		/* the number on one line under the code, smaller if it must */
		double w = 0, size = 7.5, avail = qw + 6;
		ret = sceau_text_width(d->fonts, num, strlen(num), 1, size, &w, d->err);
		if (ret)
			return ret;
		if (w > avail)
			size = size * avail / w;
		ret = line_at(d, num, strlen(num), 1, size, TEXT_DIR_LTR, d->right - qw - 6, avail,
			      top - hq - size * 0.98, TPL_ALIGN_CENTER, 0);
		hq += size * LEADING;
		if (ret)
			return ret;
	}

	h = hl > hm ? hl : hm;
	h = h > hq ? h : hq;
	ret = rule(d, d->left, top - h - 4, d->right, top - h - 4, 1.2, 0);
	d->y = top - h - 12;
	return ret;
}

/* ---- sections ---------------------------------------------------------------- */

#define SEC_HEAD 13.0

static enum sceau_err section_head(struct doc *d, const struct tpl_section *sec, int cont)
{
	double y = d->y, w = d->right - d->left;
	char buf[256];
	enum sceau_err ret;

	ret = rect(d, d->left, y - SEC_HEAD, w, SEC_HEAD, 1, FILL_HEAD, 0);
	if (ret)
		return ret;
	if (sec->title.en)
		snprintf(buf, sizeof(buf), "%s / %s%s", sec->title.fr, sec->title.en,
			 cont ? " (suite)" : "");
	else
		snprintf(buf, sizeof(buf), "%s%s", sec->title.fr, cont ? " (suite)" : "");
	ret = line_at(d, buf, strlen(buf), 1, 8, TEXT_DIR_LTR, d->left + PAD, w * 0.62, y - 9.3,
		      TPL_ALIGN_START, 0);
	if (!ret)
		ret = line_at(d, sec->title.ar, strlen(sec->title.ar), 1, 8, TEXT_DIR_RTL,
			      d->left + w * 0.62, w * 0.38 - PAD, y - 9.3, TPL_ALIGN_START, 0);
	d->y = y - SEC_HEAD;
	return ret;
}

/* A bilingual label: French (and English) from the left, Arabic from the
 * right, each wrapped in its share of the width. */
static enum sceau_err label(struct doc *d, const struct tpl_text *l, int bold, double size,
			    double x, double w, double top, double gray, int draw, double *h)
{
	char buf[256];
	double h1 = 0, h2 = 0, wl = w * 0.6;
	enum sceau_err ret;

	if (l->en)
		snprintf(buf, sizeof(buf), "%s / %s", l->fr, l->en);
	else
		snprintf(buf, sizeof(buf), "%s", l->fr);
	ret = para(d, buf, bold, size, TEXT_DIR_LTR, x, wl, top, TPL_ALIGN_START, gray, draw, &h1);
	if (!ret)
		ret = para(d, l->ar, bold, size, TEXT_DIR_RTL, x + wl + 2, w - wl - 2, top,
			   TPL_ALIGN_START, gray, draw, &h2);
	*h = h1 > h2 ? h1 : h2;
	return ret;
}

/* label and value stacked in a cell */
static enum sceau_err cell(struct doc *d, const struct tpl_field *f, const char *value, double x,
			   double w, double top, int draw, double *h)
{
	double h1 = 0, h2 = 0;
	enum sceau_err ret =
		label(d, &f->label, 0, 6.3, x + PAD, w - 2 * PAD, top - 2, GRAY_LABEL, draw, &h1);

	if (!ret)
		ret = para(d, value, 0, 8.5, TEXT_DIR_AUTO, x + PAD, w - 2 * PAD, top - 3 - h1,
			   f->align, 0, draw, &h2);
	*h = h1 + h2 + 6;
	return ret;
}

static enum sceau_err fields(struct doc *d, const struct tpl_section *sec)
{
	int cols = sec->columns > 0 ? sec->columns : 1;
	double cw = (d->right - d->left) / cols;
	char **vals = calloc(sec->nfields ? sec->nfields : 1, sizeof(*vals));
	size_t i = 0;
	int broke;
	enum sceau_err ret = SCEAU_OK;

	if (!vals)
		return sceau_fail(d->err, SCEAU_ERR_NOMEM, "out of memory");
	for (size_t k = 0; k < sec->nfields && !ret; k++) {
		int present = 0;
		ret = expand(d, NULL, sec->fields[k].value, &vals[k], &present);
		if (!ret && !present) {
			free(vals[k]);
			vals[k] = NULL;
		}
	}
	if (!ret)
		ret = room(d, SEC_HEAD + 30, &broke);
	if (!ret)
		ret = section_head(d, sec, 0);
	while (!ret && i < sec->nfields) {
		size_t first = i, k;
		int c = 0;
		double rh = 0;

		/* which fields make this row */
		for (k = i; k < sec->nfields; k++) {
			int span = sec->fields[k].span > 0 ? sec->fields[k].span : 1;
			if (!vals[k])
				continue;
			if (span > cols)
				span = cols;
			if (c + span > cols)
				break;
			c += span;
		}
		i = k;
		/* measure */
		c = 0;
		for (k = first; k < i && !ret; k++) {
			int span = sec->fields[k].span > 0 ? sec->fields[k].span : 1;
			double h = 0;
			if (!vals[k])
				continue;
			if (span > cols)
				span = cols;
			ret = cell(d, &sec->fields[k], vals[k], 0, cw * span, 0, 0, &h);
			rh = h > rh ? h : rh;
		}
		if (ret || rh == 0)
			continue;
		ret = room(d, rh, &broke);
		if (!ret && broke)
			ret = section_head(d, sec, 1);
		/* draw */
		c = 0;
		for (k = first; k < i && !ret; k++) {
			int span = sec->fields[k].span > 0 ? sec->fields[k].span : 1;
			double h = 0, x;
			if (!vals[k])
				continue;
			if (span > cols)
				span = cols;
			x = d->left + cw * c;
			ret = rect(d, x, d->y - rh, cw * span, rh, 0, GRAY_RULE, 0.4);
			if (!ret)
				ret = cell(d, &sec->fields[k], vals[k], x, cw * span, d->y, 1, &h);
			c += span;
		}
		d->y -= rh;
	}
	d->y -= 6;
	for (size_t k = 0; k < sec->nfields; k++)
		free(vals[k]);
	free(vals);
	return ret;
}

static enum sceau_err table_head(struct doc *d, const struct tpl_section *sec, const double *cx,
				 const double *cw, int cont)
{
	double hh = 0;
	enum sceau_err ret = section_head(d, sec, cont);

	for (size_t k = 0; k < sec->nfields && !ret; k++) {
		double h1 = 0, h2 = 0;
		ret = para(d, sec->fields[k].label.fr, 1, 6.8, TEXT_DIR_LTR, 0, cw[k] - 2 * PAD, 0,
			   TPL_ALIGN_START, 0, 0, &h1);
		if (!ret)
			ret = para(d, sec->fields[k].label.ar, 1, 6.8, TEXT_DIR_RTL, 0,
				   cw[k] - 2 * PAD, 0, TPL_ALIGN_START, 0, 0, &h2);
		hh = h1 + h2 > hh ? h1 + h2 : hh;
	}
	hh += 5;
	if (!ret)
		ret = rect(d, d->left, d->y - hh, d->right - d->left, hh, 1, 0.96, 0);
	for (size_t k = 0; k < sec->nfields && !ret; k++) {
		double h1 = 0, h2 = 0;
		ret = rect(d, cx[k], d->y - hh, cw[k], hh, 0, GRAY_RULE, 0.4);
		if (!ret)
			ret = para(d, sec->fields[k].label.fr, 1, 6.8, TEXT_DIR_LTR, cx[k] + PAD,
				   cw[k] - 2 * PAD, d->y - 2.5, TPL_ALIGN_START, 0, 1, &h1);
		if (!ret)
			ret = para(d, sec->fields[k].label.ar, 1, 6.8, TEXT_DIR_RTL, cx[k] + PAD,
				   cw[k] - 2 * PAD, d->y - 2.5 - h1, TPL_ALIGN_START, GRAY_LABEL, 1,
				   &h2);
	}
	d->y -= hh;
	return ret;
}

static enum sceau_err table(struct doc *d, const struct tpl_section *sec)
{
	size_t rows = sceau_record_count(d->rec, sec->rows), nc = sec->nfields;
	double *cx = calloc(nc + 1, sizeof(double)), *cw = calloc(nc + 1, sizeof(double));
	char **vals = calloc(nc + 1, sizeof(char *));
	double total = 0, x = d->left, w = d->right - d->left;
	int broke;
	enum sceau_err ret = SCEAU_OK;

	if (!cx || !cw || !vals) {
		ret = sceau_fail(d->err, SCEAU_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (size_t k = 0; k < nc; k++)
		total += sec->fields[k].width > 0 ? sec->fields[k].width : 1;
	for (size_t k = 0; k < nc; k++) {
		cx[k] = x;
		cw[k] = w * (sec->fields[k].width > 0 ? sec->fields[k].width : 1) / total;
		x += cw[k];
	}
	ret = room(d, SEC_HEAD + 60, &broke);
	if (!ret)
		ret = table_head(d, sec, cx, cw, 0);
	for (size_t r = 0; r < rows && !ret; r++) {
		char row[128];
		double rh = 0;

		snprintf(row, sizeof(row), "%s[%zu]", sec->rows, r);
		for (size_t k = 0; k < nc && !ret; k++) {
			int present;
			double h = 0;
			free(vals[k]);
			vals[k] = NULL;
			ret = expand(d, row, sec->fields[k].value, &vals[k], &present);
			if (!ret)
				ret = para(d, vals[k], 0, 7.5, TEXT_DIR_AUTO, 0, cw[k] - 2 * PAD, 0,
					   sec->fields[k].align, 0, 0, &h);
			rh = h > rh ? h : rh;
		}
		rh += 5;
		if (!ret)
			ret = room(d, rh, &broke);
		if (!ret && broke)
			ret = table_head(d, sec, cx, cw, 1);
		for (size_t k = 0; k < nc && !ret; k++) {
			double h = 0;
			ret = rect(d, cx[k], d->y - rh, cw[k], rh, 0, GRAY_RULE, 0.4);
			if (!ret)
				ret = para(d, vals[k], 0, 7.5, TEXT_DIR_AUTO, cx[k] + PAD,
					   cw[k] - 2 * PAD, d->y - 2.5, sec->fields[k].align, 0, 1,
					   &h);
		}
		d->y -= rh;
	}
	d->y -= 6;
out:
	for (size_t k = 0; vals && k < nc; k++)
		free(vals[k]);
	free(vals);
	free(cx);
	free(cw);
	return ret;
}

static enum sceau_err list(struct doc *d, const struct tpl_section *sec)
{
	size_t rows = sceau_record_count(d->rec, sec->rows);
	double w = d->right - d->left;
	int broke;
	enum sceau_err ret = room(d, SEC_HEAD + 14, &broke);

	if (!ret)
		ret = section_head(d, sec, 0);
	d->y -= 2;
	for (size_t r = 0; r < rows && !ret; r++) {
		char row[128], *v = NULL;
		int present;
		double h = 0;

		snprintf(row, sizeof(row), "%s[%zu]", sec->rows, r);
		ret = expand(d, row, sec->value, &v, &present);
		if (!ret)
			ret = para(d, v, 0, 8, TEXT_DIR_AUTO, d->left + 12, w - 12 - PAD, d->y,
				   TPL_ALIGN_START, 0, 0, &h);
		if (!ret)
			ret = room(d, h + 2, &broke);
		if (!ret && broke) {
			ret = section_head(d, sec, 1);
			d->y -= 2;
		}
		if (!ret)
			ret = line_at(d, "\xE2\x80\xA2", 3, 0, 8, TEXT_DIR_LTR, d->left + 3, 8,
				      d->y - 8 * 0.98, TPL_ALIGN_START, 0);
		if (!ret)
			ret = para(d, v, 0, 8, TEXT_DIR_AUTO, d->left + 12, w - 12 - PAD, d->y,
				   TPL_ALIGN_START, 0, 1, &h);
		d->y -= h + 2;
		free(v);
	}
	d->y -= 6;
	return ret;
}

static enum sceau_err text_section(struct doc *d, const struct tpl_section *sec)
{
	const char *langs[3] = {sec->text.fr, sec->text.ar, sec->text.en};
	double w = d->right - d->left;
	int broke;
	enum sceau_err ret = SCEAU_OK;

	if (sec->title.fr) {
		ret = room(d, SEC_HEAD + 14, &broke);
		if (!ret)
			ret = section_head(d, sec, 0);
		d->y -= 3;
	}
	for (int i = 0; i < 3 && !ret; i++) {
		char *v = NULL;
		int present;
		double h = 0;

		if (!langs[i])
			continue;
		ret = expand(d, NULL, langs[i], &v, &present);
		if (!ret)
			ret = para(d, v, 0, 8, i == 1 ? TEXT_DIR_RTL : TEXT_DIR_LTR, d->left, w,
				   d->y, TPL_ALIGN_START, 0, 0, &h);
		if (!ret)
			ret = room(d, h, &broke);
		if (!ret)
			ret = para(d, v, 0, 8, i == 1 ? TEXT_DIR_RTL : TEXT_DIR_LTR, d->left, w,
				   d->y, TPL_ALIGN_START, 0, 1, &h);
		d->y -= h + 2;
		free(v);
	}
	d->y -= 4;
	return ret;
}

static enum sceau_err layout(struct doc *d)
{
	enum sceau_err ret;
	double fh;
	unsigned pages;

	d->left = d->t->margin[3];
	d->right = d->t->page_w - d->t->margin[1];
	d->top = d->t->page_h - d->t->margin[0];
	ret = footer_height(d, &fh);
	if (ret)
		return ret;
	d->footer_top = d->t->margin[2] + fh;
	d->bottom = d->footer_top + 4;
	d->page = 0;
	ret = head(d);
	for (size_t i = 0; i < d->t->nsections && !ret; i++) {
		const struct tpl_section *sec = &d->t->sections[i];

		if (!sceau_template_shows(d->rec, sec))
			continue;
		switch (sec->kind) {
		case TPL_FIELDS:
			ret = fields(d, sec);
			break;
		case TPL_TABLE:
			ret = table(d, sec);
			break;
		case TPL_LIST:
			ret = list(d, sec);
			break;
		case TPL_TEXT:
			ret = text_section(d, sec);
			break;
		}
	}
	pages = d->page + 1;
	for (unsigned p = 0; p < pages && !ret; p++)
		ret = footer(d, p, pages);
	return ret;
}

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
		ret = sceau_pdf_png(pdf, d->logo, &logo, err);
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
};

struct sceau_renderer {
	char *dir;
	char *logo;
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
	unsigned char sig[8];
	FILE *f = fopen(png_path, "rb");
	size_t got;
	char *p;

	if (!f)
		return sceau_fail(err, SCEAU_ERR_NOT_FOUND, "cannot read logo '%s': %s", png_path,
				  sceau_errno_text(errno));
	got = fread(sig, 1, sizeof(sig), f);
	fclose(f);
	if (got != sizeof(sig) || memcmp(sig, "\x89PNG\r\n\x1a\n", 8) != 0)
		return sceau_fail(err, SCEAU_ERR_FORMAT, "logo '%s' is not a PNG file", png_path);
	if (width_mm < 0 || width_mm > 100)
		return sceau_fail(err, SCEAU_ERR_INVALID, "logo width %g mm: expected 0 to 100",
				  width_mm);
	p = strdup(png_path);
	if (!p)
		return sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
	free(r->logo);
	r->logo = p;
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
	}
	if (r->use)
		sceau_fontuse_release(r->use);
	free(r->use);
	free(r->dir);
	free(r->logo);
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
	if (!ret)
		s->type = strdup(type);
	if (!ret && !s->type)
		ret = sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
	if (ret) {
		sceau_template_free(s->t);
		sceau_fonts_free(s->fonts);
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
	d.logo = r->logo ? r->logo : s->t->logo;
	d.logo_w =
		r->logo ? (r->logo_mm > 0 ? r->logo_mm * 72 / 25.4 : 30 * 72 / 25.4) : s->t->logo_w;
	d.vars[0] = "issuer";
	d.vars[1] = info->issuer;
	d.vars[2] = NULL;

	ret = layout(&d);
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
