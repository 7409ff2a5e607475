/* sceau — a PNG logo for a libharu document, checked with libpng first
 * (part: render). See pdfdoc_int.h. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "png_mem.h"

#include "pdfdoc_int.h"

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Decode the whole image once with libpng before libharu sees it. libharu
 * 2.3.0 cannot be trusted with what it does not support: its libpng error
 * callback returns instead of jumping out, which libpng answers with
 * abort() (a damaged IDAT kills the process); it reads 1-, 2- and 4-bit
 * palettes with a tRNS chunk as if they had a byte per pixel (a heap
 * over-read, and a wrong image); and it fails on every interlaced file. */
static enum sceau_err png_check(const unsigned char *buf, size_t len, const char *path,
				struct sceau_error *err)
{
	struct sceau_png_mem m = {buf, len, 0, ""};
	png_structp png = NULL;
	png_infop info = NULL;
	unsigned char *volatile row = NULL;
	png_uint_32 h;
	int passes, depth, type;

	png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &m, sceau_png_on_error,
				     sceau_png_on_warning);
	if (!png)
		return sceau_fail(err, SCEAU_ERR_NOMEM, "cannot read logo '%s': out of memory",
				  path);
	info = png_create_info_struct(png);
	if (!info) {
		png_destroy_read_struct(&png, NULL, NULL);
		return sceau_fail(err, SCEAU_ERR_NOMEM, "cannot read logo '%s': out of memory",
				  path);
	}
	if (setjmp(png_jmpbuf(png))) {
		png_destroy_read_struct(&png, &info, NULL);
		free(row);
		return sceau_fail(err, SCEAU_ERR_FORMAT, "logo '%s' is a damaged PNG file: %s",
				  path, m.msg);
	}
	png_set_read_fn(png, &m, sceau_png_on_read);
	png_read_info(png, info);
	depth = png_get_bit_depth(png, info);
	type = png_get_color_type(png, info);
	h = png_get_image_height(png, info);
	if (png_get_interlace_type(png, info) != PNG_INTERLACE_NONE) {
		png_destroy_read_struct(&png, &info, NULL);
		return sceau_fail(err, SCEAU_ERR_FORMAT,
				  "logo '%s' is an interlaced PNG file, which libharu cannot "
				  "load: save it without interlacing",
				  path);
	}
	if (type == PNG_COLOR_TYPE_PALETTE && depth < 8 &&
	    png_get_valid(png, info, PNG_INFO_tRNS)) {
		png_destroy_read_struct(&png, &info, NULL);
		return sceau_fail(err, SCEAU_ERR_FORMAT,
				  "logo '%s' has a transparent %d-bit palette, which libharu "
				  "misreads: save it with 8-bit colours",
				  path, depth);
	}
	if (depth == 16)
		png_set_strip_16(png); /* as libharu does */
	passes = png_set_interlace_handling(png);
	png_read_update_info(png, info);
	row = malloc(png_get_rowbytes(png, info));
	if (!row) {
		png_destroy_read_struct(&png, &info, NULL);
		return sceau_fail(err, SCEAU_ERR_NOMEM, "cannot read logo '%s': out of memory",
				  path);
	}
	for (int p = 0; p < passes; p++)
		for (png_uint_32 y = 0; y < h; y++)
			png_read_row(png, row, NULL);
	png_destroy_read_struct(&png, &info, NULL);
	free(row);
	return SCEAU_OK;
}

enum sceau_err sceau_png_load(const char *path, struct sceau_png *out, struct sceau_error *err)
{
	static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	unsigned char *buf = NULL;
	size_t len = 0;
	uint32_t w, h;
	enum sceau_err ret;

	memset(out, 0, sizeof(*out));
	ret = sceau_fs_read(path, SCEAU_PDF_PNG_READ_MAX, "logo", &buf, &len, err);
	if (ret != SCEAU_OK)
		goto out;
	ret = SCEAU_ERR_FORMAT;
	if (len < sizeof(sig) || memcmp(buf, sig, sizeof(sig)) != 0) {
		sceau_fail(err, ret, "logo '%s' is not a PNG file", path);
		goto out;
	}
	/* The IHDR chunk comes first: length 13, type, width, height, … */
	if (len < 33 || be32(buf + 8) != 13 || memcmp(buf + 12, "IHDR", 4) != 0) {
		sceau_fail(err, ret, "logo '%s' is a damaged PNG file: no header chunk", path);
		goto out;
	}
	w = be32(buf + 16);
	h = be32(buf + 20);
	if (w > SCEAU_PDF_PNG_MAX_SIDE || h > SCEAU_PDF_PNG_MAX_SIDE) {
		ret = sceau_fail(err, SCEAU_ERR_INVALID,
				 "logo '%s' too large: %" PRIu32 "x%" PRIu32
				 " pixels, at most %dx%d",
				 path, w, h, SCEAU_PDF_PNG_MAX_SIDE, SCEAU_PDF_PNG_MAX_SIDE);
		goto out;
	}
	ret = png_check(buf, len, path, err);
	if (ret != SCEAU_OK)
		goto out;
	out->path = strdup(path);
	if (!out->path) {
		ret = sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
		goto out;
	}
	out->data = buf;
	out->len = len;
	out->width = w;
	out->height = h;
	buf = NULL;
	ret = SCEAU_OK;
out:
	free(buf);
	return ret;
}

void sceau_png_release(struct sceau_png *png)
{
	if (!png)
		return;
	free(png->data);
	free(png->path);
	memset(png, 0, sizeof(*png));
}

enum sceau_err sceau_pdf_png_image(HPDF_Doc pdf, const struct sceau_png *png, HPDF_Image *out,
				   struct sceau_error *err)
{
	char what[64 + 4096];
	HPDF_Image img;
	enum sceau_err ret;

	*out = NULL;
	snprintf(what, sizeof(what), "load logo '%s'", png->path);
	img = HPDF_LoadPngImageFromMem(pdf, png->data, (HPDF_UINT)png->len);
	if (!img) {
		ret = sceau_pdf_check(pdf, what, err);
		if (ret == SCEAU_OK)
			ret = sceau_fail(err, SCEAU_ERR_INTERNAL, "cannot %s: libharu failed",
					 what);
		return ret;
	}
	*out = img;
	return SCEAU_OK;
}

enum sceau_err sceau_pdf_png(HPDF_Doc pdf, const char *path, HPDF_Image *out,
			     struct sceau_error *err)
{
	struct sceau_png png;
	enum sceau_err ret;

	*out = NULL;
	ret = sceau_png_load(path, &png, err);
	if (ret == SCEAU_OK)
		ret = sceau_pdf_png_image(pdf, &png, out, err);
	sceau_png_release(&png);
	return ret;
}
