/* sceau — libpng reading from memory (png_mem.h). */
#include <stdio.h>
#include <string.h>

#include "png_mem.h"

void sceau_png_on_error(png_structp png, png_const_charp msg)
{
	struct sceau_png_mem *m = png_get_error_ptr(png);

	snprintf(m->msg, sizeof(m->msg), "%s", msg);
	png_longjmp(png, 1);
}

void sceau_png_on_warning(png_structp png, png_const_charp msg)
{
	(void)png;
	(void)msg;
}

void sceau_png_on_read(png_structp png, png_bytep out, size_t n)
{
	struct sceau_png_mem *m = png_get_io_ptr(png);

	if (n > m->len - m->off)
		png_error(png, "file ends early");
	memcpy(out, m->p + m->off, n);
	m->off += n;
}
