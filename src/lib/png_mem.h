/* sceau — libpng reading from memory with errors kept as text: shared by
 * the logo reader (pdfdoc_png.c) and the QR image reader (qrimage.c).
 * Internal. */
#ifndef SCEAU_PNG_MEM_H
#define SCEAU_PNG_MEM_H

#include <png.h>
#include <stddef.h>

/* The bytes being read, and libpng's last error message. */
struct sceau_png_mem {
	const unsigned char *p;
	size_t len, off;
	char msg[160];
};

/* For png_create_read_struct(..., mem, sceau_png_on_error,
 * sceau_png_on_warning) and png_set_read_fn(png, mem, sceau_png_on_read):
 * an error is kept in mem->msg and jumps back (png_longjmp), so libpng
 * never aborts; warnings are ignored; reading past the end is an error
 * ("file ends early"). */
void sceau_png_on_error(png_structp png, png_const_charp msg);
void sceau_png_on_warning(png_structp png, png_const_charp msg);
void sceau_png_on_read(png_structp png, png_bytep out, size_t n);

#endif
