/* sceau — the layout engine: a template and a record become a display list
 * of pages (see render.c for why layout and drawing are two passes).
 * Coordinates are PDF points, y growing upwards. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "render_int.h"

#define PAD        3.0  /* inside a cell */
#define LEADING    1.32 /* line height / font size */
#define GRAY_LABEL 0.35
#define GRAY_RULE  0.55
#define FILL_HEAD  0.91 /* section and table heads */

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
		double pw = d->logo->width, ph = d->logo->height, lh;
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

	if (!sec->title.fr)
		return SCEAU_OK; /* an untitled section has no heading (docs/templates.md 4) */
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

enum sceau_err sceau_layout(struct doc *d)
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
