/* sceau — the loaded fonts, shared by text.c and fonts.c. Internal. */
#ifndef SCEAU_TEXT_FONTS_H
#define SCEAU_TEXT_FONTS_H

#include <hb.h>

#include "text_int.h"

struct sceau_fonts {
	hb_face_t *face[FONT_ROLES];
	hb_font_t *font[FONT_ROLES];
	unsigned upem[FONT_ROLES];
	char *file[FONT_ROLES];
};

#endif
