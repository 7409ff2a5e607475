/* sceau — text for the PDF documents: fonts, bidi, Arabic shaping, line
 * breaking, and embedding the fonts a document used. Internal.
 *
 * The pipeline: a string in logical order (as typed) is split into lines,
 * each line is reordered into visual order by the Unicode bidi algorithm
 * (fribidi) and its Arabic letters are replaced by their contextual
 * presentation forms (U+FB50..U+FDFF, U+FE70..U+FEFF, lam-alef ligatures
 * included). Each glyph is then drawn by its code point through libharu's
 * UTF-8 (Identity-H) fonts, so the glyphs a page shows are exactly the
 * code points in its content stream.
 *
 * Fonts are subset per document with HarfBuzz (hb-subset keeps the
 * components of composite glyphs) and the whole subset is embedded. This is
 * what makes the Arabic dots survive: libharu 2.3 subsets a TrueType font by
 * flagging glyphs as they are drawn and forgets the components of composite
 * glyphs (in DejaVu Sans and Noto Naskh Arabic, U+FE91 is "uni066E.init" +
 * "arabic_dot"), so left to itself it embeds a beh without its dot. */
#ifndef SCEAU_TEXT_INT_H
#define SCEAU_TEXT_INT_H

#include <stddef.h>
#include <stdint.h>

#include <hpdf.h>

#include "sceau/error.h"

enum font_role { FONT_REGULAR, FONT_BOLD, FONT_ARABIC, FONT_ARABIC_BOLD, FONT_ROLES };

/* The faces, loaded once per process (renderer) and shared by documents. */
struct sceau_fonts;

/* Load the four fonts. A missing file is SCEAU_ERR_NOT_FOUND naming the
 * Debian package that ships it (`package[i]`, may be NULL). *out: caller
 * frees with sceau_fonts_free. */
enum sceau_err sceau_fonts_open(const char *const file[FONT_ROLES],
				const char *const package[FONT_ROLES],
				struct sceau_fonts **out, /* OUT */
				struct sceau_error *err);
void sceau_fonts_free(struct sceau_fonts *f);

/* The code points one document draws with each font, and for each Arabic
 * presentation form drawn, the letters it stands for. */
#define TEXT_PRES_FIRST 0xFB50u
#define TEXT_PRES_LAST  0xFEFFu
struct sceau_fontuse {
	uint32_t *cp[FONT_ROLES]; /* in order of first use, unique */
	size_t n[FONT_ROLES], cap[FONT_ROLES];
	uint8_t seen[FONT_ROLES][0x10000 / 8];
	uint32_t pres[TEXT_PRES_LAST - TEXT_PRES_FIRST + 1][2];
};
void sceau_fontuse_release(struct sceau_fontuse *u);

/* After sceau_fonts_embed, the code that draws code point `cp` with the
 * font of role r (0: not embedded). Embedded fonts are addressed by the
 * document's own codes, TEXT_CODE_FIRST upwards, not by Unicode values. */
#define TEXT_CODE_FIRST 0x21u
uint32_t sceau_fontuse_code(const struct sceau_fontuse *u, enum font_role r, uint32_t cp);

/* A run's text (UTF-8 code points) as the UTF-8 of the codes that draw it
 * with the embedded font of role r. *out: caller frees. */
enum sceau_err sceau_text_encode(const struct sceau_fontuse *u, enum font_role r, const char *s,
				 char **out, struct sceau_error *err);

/* One line of text in visual order, cut into runs of one font. */
struct text_run {
	enum font_role role;
	double x;     /* from the line's left edge, points */
	double width; /* points */
	char *utf8;   /* the code points to draw, left to right */
};
struct text_line {
	struct text_run *runs;
	size_t nruns;
	double width; /* points */
	int rtl;      /* the paragraph direction came out right-to-left */
};
void sceau_text_line_release(struct text_line *l);

enum text_dir { TEXT_DIR_AUTO, TEXT_DIR_LTR, TEXT_DIR_RTL };

/* Lay out one line (no '\n') of logical UTF-8 text at `size` points.
 * Records the code points drawn in `use` when not NULL. Text no font covers
 * is SCEAU_ERR_INVALID ("no font covers U+0E01 in '...'"). *out: caller
 * releases with sceau_text_line_release. */
enum sceau_err sceau_text_shape(const struct sceau_fonts *f, const char *s, size_t len, int bold,
				enum text_dir dir, double size, struct sceau_fontuse *use,
				struct text_line *out, /* OUT */
				struct sceau_error *err);

/* The width in points of one line of text. */
enum sceau_err sceau_text_width(const struct sceau_fonts *f, const char *s, size_t len, int bold,
				double size, double *width, /* OUT */
				struct sceau_error *err);

/* Break a paragraph (may hold '\n') into lines at most `max` points wide:
 * at spaces, or inside a word only when the word alone is too wide. Leading
 * spaces of a wrapped line are dropped. *lines: caller frees. */
struct text_span {
	size_t off, len;
};
enum sceau_err sceau_text_wrap(const struct sceau_fonts *f, const char *s, int bold, double size,
			       double max, struct text_span **lines, /* OUT */
			       size_t *nlines, struct sceau_error *err);

/* Subset each font the document used (hb-subset), embed it whole into
 * `pdf`, and give it a ToUnicode map that turns presentation forms back into
 * the letters typed, so text extraction gives the words. fonts[i] is NULL
 * for a role the document did not use. Must be called before any drawing
 * and after the layout recorded everything into `use`. */
enum sceau_err sceau_fonts_embed(HPDF_Doc pdf, const struct sceau_fonts *f,
				 struct sceau_fontuse *use, HPDF_Font fonts[FONT_ROLES], /* OUT */
				 struct sceau_error *err);

#endif
