/* sceau — the layout engine's display list, shared by the layout
 * (render_layout.c) and the drawing (render.c). Internal. */
#ifndef SCEAU_RENDER_INT_H
#define SCEAU_RENDER_INT_H

#include "pdfdoc_int.h"
#include "sceau/render.h"
#include "template_int.h"
#include "text_int.h"

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
	const struct sceau_png *logo; /* NULL: none */
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

/* Lay the document out: d->items, d->page (the last page's index) and
 * d->use (the code points each font draws) are filled. */
enum sceau_err sceau_layout(struct doc *d);

#endif
