/* sceau — lines of text: bidi reordering and Arabic shaping (fribidi),
 * font choice per character, measuring and line breaking (see text_int.h). */
#include <stdlib.h>
#include <string.h>

#include <fribidi.h>
#include <hb.h>

#include "internal.h"
#include "text_int.h"
#include "text_fonts.h"

/* A line is at most this many code points (a table cell, a paragraph line). */
#define TEXT_MAX_CPS 4096

static int is_arabic(uint32_t cp)
{
	return (cp >= 0x0600 && cp <= 0x06FF) || (cp >= 0x0750 && cp <= 0x077F) ||
	       (cp >= 0x08A0 && cp <= 0x08FF) || (cp >= TEXT_PRES_FIRST && cp <= 0xFDFF) ||
	       (cp >= 0xFE70 && cp <= 0xFEFE);
}

/* Characters that take no room and have no glyph: the filler fribidi leaves
 * where a lam-alef ligature swallowed the alef, and format characters. */
static int is_invisible(uint32_t cp)
{
	return cp == 0xFEFF || (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x2060 && cp <= 0x2064) ||
	       cp == 0x00AD;
}

/* Decode UTF-8 (already validated by the record parser; be strict anyway). */
static enum sceau_err decode(const char *s, size_t len, uint32_t **out, size_t *n,
			     struct sceau_error *err)
{
	uint32_t *v = malloc((len + 1) * sizeof(*v));
	size_t i = 0, k = 0;

	if (!v)
		return sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		uint32_t cp;
		size_t need, j;

		if (c < 0x80) {
			cp = c;
			need = 0;
		} else if (c >= 0xC2 && c <= 0xDF) {
			cp = c & 0x1F;
			need = 1;
		} else if (c >= 0xE0 && c <= 0xEF) {
			cp = c & 0x0F;
			need = 2;
		} else if (c >= 0xF0 && c <= 0xF4) {
			cp = c & 0x07;
			need = 3;
		} else {
			goto bad;
		}
		if (need && i + need >= len)
			goto bad;
		for (j = 1; j <= need; j++) {
			unsigned char cc = (unsigned char)s[i + j];
			if ((cc & 0xC0) != 0x80)
				goto bad;
			cp = (cp << 6) | (cc & 0x3F);
		}
		if ((need == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
		    (need == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
			goto bad;
		v[k++] = cp;
		i += need + 1;
		if (k > TEXT_MAX_CPS) {
			free(v);
			return sceau_fail(err, SCEAU_ERR_INVALID,
					  "text too long for one line (more than %d characters)",
					  TEXT_MAX_CPS);
		}
	}
	*out = v;
	*n = k;
	return SCEAU_OK;
bad:
	free(v);
	return sceau_fail(err, SCEAU_ERR_INVALID, "text is not valid UTF-8 at byte %zu", i);
}

static size_t put_utf8(char *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xC0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	o[0] = (char)(0xE0 | (cp >> 12));
	o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
	o[2] = (char)(0x80 | (cp & 0x3F));
	return 3;
}

static enum font_role with_bold(enum font_role r, int bold)
{
	if (!bold)
		return r;
	return r == FONT_ARABIC ? FONT_ARABIC_BOLD : FONT_BOLD;
}

/* Which font draws cp: Arabic letters the Arabic font; digits, spaces and
 * punctuation inside a right-to-left run the Arabic font too when it has
 * them (they then match the letters around them); everything else the
 * Latin font; and either falls back on the other. -1: no font has it. */
static int choose(const struct sceau_fonts *f, uint32_t cp, int bold, int rtl, double *adv)
{
	enum font_role first, second;
	hb_codepoint_t gid;

	if (is_arabic(cp) || (rtl && !((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z') && cp < 0x2000)) {
		first = FONT_ARABIC;
		second = FONT_REGULAR;
	} else {
		first = FONT_REGULAR;
		second = FONT_ARABIC;
	}
	first = with_bold(first, bold);
	second = with_bold(second, bold);
	if (cp <= 0xFFFF && hb_font_get_nominal_glyph(f->font[first], cp, &gid)) {
		*adv = (double)hb_font_get_glyph_h_advance(f->font[first], gid) / f->upem[first];
		return (int)first;
	}
	if (cp <= 0xFFFF && hb_font_get_nominal_glyph(f->font[second], cp, &gid)) {
		*adv = (double)hb_font_get_glyph_h_advance(f->font[second], gid) / f->upem[second];
		return (int)second;
	}
	return -1;
}

static int has_glyph(const struct sceau_fonts *f, enum font_role r, uint32_t cp)
{
	hb_codepoint_t gid;
	return cp <= 0xFFFF && hb_font_get_nominal_glyph(f->font[r], cp, &gid);
}

static enum sceau_err use_add(struct sceau_fontuse *u, enum font_role r, uint32_t cp,
			      struct sceau_error *err)
{
	uint8_t bit = (uint8_t)(1u << (cp & 7));

	if (u->seen[r][cp >> 3] & bit)
		return SCEAU_OK;
	if (u->n[r] == u->cap[r]) {
		size_t cap = u->cap[r] ? u->cap[r] * 2 : 128;
		uint32_t *v = realloc(u->cp[r], cap * sizeof(*v));
		if (!v)
			return sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
		u->cp[r] = v;
		u->cap[r] = cap;
	}
	u->cp[r][u->n[r]++] = cp;
	u->seen[r][cp >> 3] |= bit;
	return SCEAU_OK;
}

void sceau_fontuse_release(struct sceau_fontuse *u)
{
	if (!u)
		return;
	for (int r = 0; r < FONT_ROLES; r++)
		free(u->cp[r]);
	memset(u->cp, 0, sizeof(u->cp));
	memset(u->n, 0, sizeof(u->n));
	memset(u->cap, 0, sizeof(u->cap));
}

void sceau_text_line_release(struct text_line *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->nruns; i++)
		free(l->runs[i].utf8);
	free(l->runs);
	memset(l, 0, sizeof(*l));
}

static void quote_text(char *buf, size_t cap, const char *s, size_t len)
{
	size_t n = len < cap - 4 ? len : cap - 4;
	/* do not cut a UTF-8 sequence */
	while (n > 0 && n < len && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	memcpy(buf, s, n);
	if (n < len)
		memcpy(buf + n, "...", 4);
	else
		buf[n] = '\0';
}

enum sceau_err sceau_text_shape(const struct sceau_fonts *f, const char *s, size_t len, int bold,
				enum text_dir dir, double size, struct sceau_fontuse *use,
				struct text_line *out, struct sceau_error *err)
{
	enum sceau_err ret;
	uint32_t *logical = NULL;
	size_t n = 0;
	FriBidiChar *shaped = NULL, *visual = NULL;
	FriBidiCharType *types = NULL;
	FriBidiBracketType *btypes = NULL;
	FriBidiLevel *levels = NULL, *vlevels = NULL;
	FriBidiArabicProp *props = NULL;
	FriBidiStrIndex *map = NULL;
	FriBidiParType base;
	char *buf = NULL;
	int *role = NULL;
	double *adv = NULL;
	struct text_line line = {0};

	memset(out, 0, sizeof(*out));
	ret = decode(s, len, &logical, &n, err);
	if (ret)
		return ret;
	if (n == 0) {
		free(logical);
		return SCEAU_OK;
	}
	ret = sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
	shaped = malloc(n * sizeof(*shaped));
	visual = malloc(n * sizeof(*visual));
	types = malloc(n * sizeof(*types));
	btypes = malloc(n * sizeof(*btypes));
	levels = malloc(n * sizeof(*levels));
	vlevels = malloc(n * sizeof(*vlevels));
	props = malloc(n * sizeof(*props));
	map = malloc(n * sizeof(*map));
	role = malloc(n * sizeof(*role));
	adv = malloc(n * sizeof(*adv));
	buf = malloc(n * 3 + 1);
	if (!shaped || !visual || !types || !btypes || !levels || !vlevels || !props || !map ||
	    !role || !adv || !buf)
		goto out;
	sceau_error_clear(err);

	for (size_t i = 0; i < n; i++)
		shaped[i] = logical[i];
	fribidi_get_bidi_types(shaped, (FriBidiStrIndex)n, types);
	fribidi_get_bracket_types(shaped, (FriBidiStrIndex)n, types, btypes);
	base = dir == TEXT_DIR_RTL   ? FRIBIDI_PAR_RTL
	       : dir == TEXT_DIR_LTR ? FRIBIDI_PAR_LTR
				     : FRIBIDI_PAR_ON;
	if (!fribidi_get_par_embedding_levels_ex(types, btypes, (FriBidiStrIndex)n, &base,
						 levels)) {
		ret = sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory (bidi levels)");
		goto out;
	}
	fribidi_get_joining_types(shaped, (FriBidiStrIndex)n, props);
	fribidi_join_arabic(types, (FriBidiStrIndex)n, levels, props);
	fribidi_shape(FRIBIDI_FLAGS_ARABIC | FRIBIDI_FLAG_SHAPE_MIRRORING, levels,
		      (FriBidiStrIndex)n, props, shaped);

	/* A presentation form the Arabic font lacks: draw the letter itself
	 * (unjoined but readable) rather than nothing. */
	for (size_t i = 0; i < n; i++) {
		if (shaped[i] != logical[i] && shaped[i] >= TEXT_PRES_FIRST &&
		    shaped[i] <= TEXT_PRES_LAST && shaped[i] != 0xFEFF &&
		    !has_glyph(f, with_bold(FONT_ARABIC, bold), shaped[i])) {
			/* a ligature falls back to its two letters only through
			 * the filler it left: keep it simple, show the first */
			shaped[i] = logical[i];
		}
	}

	for (size_t i = 0; i < n; i++) {
		visual[i] = shaped[i];
		vlevels[i] = levels[i];
		map[i] = (FriBidiStrIndex)i;
	}
	if (!fribidi_reorder_line(FRIBIDI_FLAGS_DEFAULT | FRIBIDI_FLAG_REORDER_NSM, types,
				  (FriBidiStrIndex)n, 0, base, vlevels, visual, map)) {
		ret = sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory (bidi reorder)");
		goto out;
	}

	/* font per visual position */
	for (size_t v = 0; v < n; v++) {
		uint32_t cp = visual[v];
		size_t li = (size_t)map[v];

		role[v] = -2; /* invisible */
		adv[v] = 0;
		if (is_invisible(cp) || cp == '\t' || cp == '\r')
			continue;
		role[v] = choose(f, cp, bold, levels[li] & 1, &adv[v]);
		if (role[v] < 0) {
			char q[80];
			quote_text(q, sizeof(q), s, len);
			ret = sceau_fail(err, SCEAU_ERR_INVALID,
					 "no font covers U+%04X in '%s' (the templates' fonts "
					 "cover Latin and Arabic scripts)",
					 (unsigned)cp, q);
			goto out;
		}
		if (use) {
			ret = use_add(use, (enum font_role)role[v], cp, err);
			if (ret)
				goto out;
			if (cp >= TEXT_PRES_FIRST && cp <= TEXT_PRES_LAST && cp != logical[li]) {
				uint32_t *src = use->pres[cp - TEXT_PRES_FIRST];
				src[0] = logical[li];
				src[1] = 0;
				/* lam-alef: the alef is where fribidi left its filler */
				if (cp >= 0xFEF5 && cp <= 0xFEFC) {
					if (li + 1 < n && shaped[li + 1] == 0xFEFF)
						src[1] = logical[li + 1];
					else if (li > 0 && shaped[li - 1] == 0xFEFF)
						src[1] = logical[li - 1];
				}
			}
		}
	}

	/* cut into runs of one font */
	line.rtl = FRIBIDI_IS_RTL(base) ? 1 : 0;
	for (size_t v = 0; v < n;) {
		size_t e = v, bl = 0;
		double w = 0;
		struct text_run *runs;
		int r;

		if (role[v] == -2) {
			v++;
			continue;
		}
		r = role[v];
		while (e < n && (role[e] == r || role[e] == -2)) {
			if (role[e] == r) {
				bl += put_utf8(buf + bl, visual[e]);
				w += adv[e] * size;
			}
			e++;
		}
		runs = realloc(line.runs, (line.nruns + 1) * sizeof(*runs));
		if (!runs) {
			ret = sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
			goto out;
		}
		line.runs = runs;
		runs[line.nruns].role = (enum font_role)r;
		runs[line.nruns].x = line.width;
		runs[line.nruns].width = w;
		runs[line.nruns].utf8 = strndup(buf, bl);
		if (!runs[line.nruns].utf8) {
			ret = sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
			goto out;
		}
		line.nruns++;
		line.width += w;
		v = e;
	}
	*out = line;
	memset(&line, 0, sizeof(line));
	ret = SCEAU_OK;
out:
	sceau_text_line_release(&line);
	free(logical);
	free(shaped);
	free(visual);
	free(types);
	free(btypes);
	free(levels);
	free(vlevels);
	free(props);
	free(map);
	free(role);
	free(adv);
	free(buf);
	return ret;
}

enum sceau_err sceau_text_width(const struct sceau_fonts *f, const char *s, size_t len, int bold,
				double size, double *width, struct sceau_error *err)
{
	struct text_line l;
	enum sceau_err ret = sceau_text_shape(f, s, len, bold, TEXT_DIR_AUTO, size, NULL, &l, err);

	if (ret)
		return ret;
	*width = l.width;
	sceau_text_line_release(&l);
	return SCEAU_OK;
}

static enum sceau_err push_span(struct text_span **v, size_t *n, size_t *cap, size_t off,
				size_t len, struct sceau_error *err)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 8;
		struct text_span *nv = realloc(*v, c * sizeof(*nv));
		if (!nv)
			return sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
		*v = nv;
		*cap = c;
	}
	(*v)[*n].off = off;
	(*v)[*n].len = len;
	(*n)++;
	return SCEAU_OK;
}

/* Break one paragraph (no '\n') [p, p+len) into lines. */
static enum sceau_err wrap_para(const struct sceau_fonts *f, const char *s, size_t p, size_t len,
				int bold, double size, double max, struct text_span **v, size_t *n,
				size_t *cap, struct sceau_error *err)
{
	size_t end = p + len, start = p, *sp = NULL, nsp, capsp = 0;
	enum sceau_err ret = SCEAU_OK;

	if (len == 0)
		return push_span(v, n, cap, p, 0, err);
	while (start < end) {
		size_t best = 0, i;
		double w;

		/* the whole rest fits? */
		ret = sceau_text_width(f, s + start, end - start, bold, size, &w, err);
		if (ret)
			goto out;
		if (w <= max) {
			ret = push_span(v, n, cap, start, end - start, err);
			goto out;
		}
		/* longest prefix ending before a space that fits: a prefix's
		 * width is the sum of its characters' advances, so it grows
		 * with the prefix, and a binary search over the spaces finds
		 * what trying each in turn would (in log2 of the shapings) */
		nsp = 0;
		for (i = start + 1; i < end; i++)
			if (s[i] == ' ') {
				if (nsp == capsp) {
					size_t c = capsp ? capsp * 2 : 32;
					size_t *nv = realloc(sp, c * sizeof(*nv));
					if (!nv) {
						ret = sceau_fail(err, SCEAU_ERR_NOMEM,
								 "out of memory");
						goto out;
					}
					sp = nv;
					capsp = c;
				}
				sp[nsp++] = i;
			}
		for (size_t lo = 0, hi = nsp; lo < hi;) {
			size_t mid = lo + (hi - lo) / 2;
			ret = sceau_text_width(f, s + start, sp[mid] - start, bold, size, &w, err);
			if (ret)
				goto out;
			if (w > max) {
				hi = mid;
			} else {
				best = sp[mid];
				lo = mid + 1;
			}
		}
		if (best == 0) {
			/* a word wider than the box: cut it between characters */
			size_t k = start + 1;
			best = start;
			while (k <= end) {
				while (k < end && ((unsigned char)s[k] & 0xC0) == 0x80)
					k++;
				ret = sceau_text_width(f, s + start, k - start, bold, size, &w,
						       err);
				if (ret)
					goto out;
				if (w > max)
					break;
				best = k;
				if (k == end)
					break;
				k++;
			}
			if (best == start) { /* not even one character fits */
				best = start + 1;
				while (best < end && ((unsigned char)s[best] & 0xC0) == 0x80)
					best++;
			}
		}
		ret = push_span(v, n, cap, start, best - start, err);
		if (ret)
			goto out;
		start = best;
		while (start < end && s[start] == ' ')
			start++;
	}
out:
	free(sp);
	return ret;
}

enum sceau_err sceau_text_wrap(const struct sceau_fonts *f, const char *s, int bold, double size,
			       double max, struct text_span **lines, size_t *nlines,
			       struct sceau_error *err)
{
	struct text_span *v = NULL;
	size_t n = 0, cap = 0, p = 0, len = strlen(s);
	enum sceau_err ret = SCEAU_OK;

	for (;;) {
		const char *nl = memchr(s + p, '\n', len - p);
		size_t plen = nl ? (size_t)(nl - (s + p)) : len - p;

		ret = wrap_para(f, s, p, plen, bold, size, max, &v, &n, &cap, err);
		if (ret || !nl)
			break;
		p += plen + 1;
	}
	if (ret) {
		free(v);
		return ret;
	}
	*lines = v;
	*nlines = n;
	return SCEAU_OK;
}

enum sceau_err sceau_text_encode(const struct sceau_fontuse *u, enum font_role r, const char *s,
				 char **out, struct sceau_error *err)
{
	uint32_t *cps = NULL;
	size_t n = 0, o = 0;
	char *b;
	enum sceau_err ret = decode(s, strlen(s), &cps, &n, err);

	if (ret)
		return ret;
	b = malloc(n * 3 + 1);
	if (!b) {
		free(cps);
		return sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		uint32_t code = sceau_fontuse_code(u, r, cps[i]);
		if (!code) {
			free(cps);
			free(b);
			return sceau_fail(err, SCEAU_ERR_INTERNAL,
					  "U+%04X was drawn but not embedded", (unsigned)cps[i]);
		}
		o += put_utf8(b + o, code);
	}
	b[o] = '\0';
	free(cps);
	*out = b;
	return SCEAU_OK;
}
