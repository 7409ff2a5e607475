/* sceau — QR codes in photos and scans: PNG (libpng) or JPEG (libjpeg)
 * decoded to 8-bit grey, then zbar's image scanner with QR alone enabled
 * (part: qr). See qrimage.h.
 *
 * The image is outside input: both decoders report errors by longjmp out of
 * a callback (their default is to print and exit, or abort), its size is
 * judged from the header before any pixel buffer is allocated, and libjpeg
 * is held to a memory and a scan budget. */
#include <dlfcn.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <zbar.h>

#include "internal.h"
#include "png_mem.h"

/* libjpeg: most memory for one image (progressive images keep every
 * coefficient), and most scans (a progressive file of tiny scans costs
 * time out of proportion to its size). */
#define JPEG_MEM_MAX   ((long)1 << 30)
#define JPEG_SCANS_MAX 1000

/* An image in 8-bit grey, one byte per pixel, rows without padding. */
struct grey {
	unsigned char *px;
	size_t w, h;
};

static enum sceau_err too_large(const char *path, const char *kind, size_t w, size_t h,
				struct sceau_error *err)
{
	return sceau_fail(err, SCEAU_ERR_FORMAT,
			  "%s image '%s' is too large: %zux%zu pixels, at most %zu million", kind,
			  path, w, h, SCEAU_QRIMAGE_PIXELS_MAX >> 20);
}

static int dims_ok(size_t w, size_t h)
{
	return w > 0 && h > 0 && w <= SCEAU_QRIMAGE_PIXELS_MAX / h;
}

/* ---- PNG ---------------------------------------------------------------- */

/* Grey over a white background: a code printed black on transparent. */
static unsigned char over_white(unsigned char g, unsigned char a)
{
	return (unsigned char)((g * a + 255 * (255 - a) + 127) / 255);
}

static enum sceau_err png_grey(const unsigned char *buf, size_t len, const char *path,
			       struct grey *out, struct sceau_error *err)
{
	struct sceau_png_mem s = {buf, len, 0, ""};
	png_structp png;
	png_infop info = NULL;
	/* Written between setjmp and a longjmp back: volatile. */
	unsigned char *volatile px = NULL, *volatile ga = NULL;
	png_bytep *volatile rows = NULL;
	enum sceau_err ret;
	size_t w, h, ch;
	int passes;

	png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &s, sceau_png_on_error,
				     sceau_png_on_warning);
	if (!png || !(info = png_create_info_struct(png))) {
		png_destroy_read_struct(&png, NULL, NULL);
		return sceau_fail(err, SCEAU_ERR_NOMEM, "cannot read image '%s': out of memory",
				  path);
	}
	if (setjmp(png_jmpbuf(png))) {
		ret = sceau_fail(err, SCEAU_ERR_FORMAT, "PNG image '%s' is damaged: %s", path,
				 s.msg);
		goto out;
	}
	png_set_read_fn(png, &s, sceau_png_on_read);
	/* libpng's own limit (a million pixels a side) would call a large
	 * picture "invalid"; ours says what is wrong, before allocating. */
	png_set_user_limits(png, PNG_UINT_31_MAX, PNG_UINT_31_MAX);
	/* Ancillary chunks (text, profiles) are skipped, and their memory capped. */
	png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_NEVER, NULL, 0);
	png_set_chunk_malloc_max(png, (png_alloc_size_t)1 << 20);
	png_read_info(png, info);
	w = png_get_image_width(png, info);
	h = png_get_image_height(png, info);
	if (!dims_ok(w, h)) {
		ret = too_large(path, "PNG", w, h, err);
		goto out;
	}
	/* Palette, low bit depths and tRNS become 8-bit grey or grey+alpha. */
	png_set_expand(png);
	png_set_strip_16(png);
	png_set_rgb_to_gray_fixed(png, PNG_ERROR_ACTION_NONE, -1, -1);
	passes = png_set_interlace_handling(png);
	png_read_update_info(png, info);
	ch = png_get_channels(png, info);
	if (png_get_bit_depth(png, info) != 8 || (ch != 1 && ch != 2) ||
	    png_get_rowbytes(png, info) != w * ch) {
		ret = sceau_fail(err, SCEAU_ERR_FORMAT,
				 "PNG image '%s' has a pixel format that cannot be read", path);
		goto out;
	}
	if (!(px = malloc(w * h))) {
		ret = sceau_fail(err, SCEAU_ERR_NOMEM, "cannot read image '%s': out of memory",
				 path);
		goto out;
	}
	if (ch == 1 && passes == 1) {
		for (size_t y = 0; y < h; y++)
			png_read_row(png, px + y * w, NULL);
	} else if (ch == 2 && passes == 1) {
		/* Row by row, so that an opaque-enough image never holds twice
		 * its size. */
		if (!(ga = malloc(2 * w)))
			goto nomem;
		for (size_t y = 0; y < h; y++) {
			png_read_row(png, ga, NULL);
			for (size_t x = 0; x < w; x++)
				px[y * w + x] = over_white(ga[2 * x], ga[2 * x + 1]);
		}
	} else {
		/* Interlaced: the passes fill the whole image in turn. */
		unsigned char *dst = px;
		if (ch == 2 && !(dst = ga = malloc(2 * w * h)))
			goto nomem;
		if (!(rows = malloc(h * sizeof(*rows))))
			goto nomem;
		for (size_t y = 0; y < h; y++)
			rows[y] = dst + y * w * ch;
		png_read_image(png, rows);
		if (ch == 2)
			for (size_t i = 0; i < w * h; i++)
				px[i] = over_white(ga[2 * i], ga[2 * i + 1]);
	}
	/* The image is complete; what follows it (IEND, text) is not needed. */
	out->px = px;
	out->w = w;
	out->h = h;
	px = NULL;
	ret = SCEAU_OK;
	goto out;
nomem:
	ret = sceau_fail(err, SCEAU_ERR_NOMEM, "cannot read image '%s': out of memory", path);
out:
	png_destroy_read_struct(&png, &info, NULL);
	free(px);
	free(ga);
	free(rows);
	return ret;
}

/* ---- JPEG --------------------------------------------------------------- */

struct jpeg_err {
	struct jpeg_error_mgr mgr; /* first: libjpeg's err pointer is cast to this */
	jmp_buf jmp;
	char warning[JMSG_LENGTH_MAX]; /* the first warning about corrupt data */
	int too_many_scans;
};

static void jpeg_on_error(j_common_ptr cinfo)
{
	struct jpeg_err *e = (struct jpeg_err *)cinfo->err;

	longjmp(e->jmp, 1);
}

/* libjpeg carries on past damaged data (a truncated file is filled with
 * grey): remember the first such warning, never print it. */
static void jpeg_on_message(j_common_ptr cinfo, int level)
{
	struct jpeg_err *e = (struct jpeg_err *)cinfo->err;

	if (level < 0) {
		if (!e->warning[0])
			cinfo->err->format_message(cinfo, e->warning);
		cinfo->err->num_warnings++;
	}
}

static void jpeg_on_progress(j_common_ptr cinfo)
{
	j_decompress_ptr d = (j_decompress_ptr)cinfo;

	if (cinfo->is_decompressor && d->input_scan_number > JPEG_SCANS_MAX) {
		((struct jpeg_err *)cinfo->err)->too_many_scans = 1;
		cinfo->err->error_exit(cinfo);
	}
}

static enum sceau_err jpeg_grey(const unsigned char *buf, size_t len, const char *path,
				struct grey *out, char *warning, size_t wlen,
				struct sceau_error *err)
{
	struct jpeg_decompress_struct cinfo;
	struct jpeg_progress_mgr progress = {0};
	struct jpeg_err e;
	unsigned char *volatile px = NULL;
	enum sceau_err ret;
	size_t w, h;

	memset(&cinfo, 0, sizeof(cinfo));
	memset(&e, 0, sizeof(e));
	cinfo.err = jpeg_std_error(&e.mgr);
	e.mgr.error_exit = jpeg_on_error;
	e.mgr.emit_message = jpeg_on_message;
	if (setjmp(e.jmp)) {
		char msg[JMSG_LENGTH_MAX];

		if (e.too_many_scans)
			snprintf(msg, sizeof(msg), "more than %d scans", JPEG_SCANS_MAX);
		else
			e.mgr.format_message((j_common_ptr)&cinfo, msg);
		ret = sceau_fail(err, SCEAU_ERR_FORMAT, "JPEG image '%s' is damaged: %s", path,
				 msg);
		goto out;
	}
	jpeg_create_decompress(&cinfo);
	cinfo.mem->max_memory_to_use = JPEG_MEM_MAX;
	progress.progress_monitor = jpeg_on_progress;
	cinfo.progress = &progress;
	jpeg_mem_src(&cinfo, buf, (unsigned long)len);
	jpeg_read_header(&cinfo, TRUE);
	w = cinfo.image_width;
	h = cinfo.image_height;
	if (!dims_ok(w, h)) {
		ret = too_large(path, "JPEG", w, h, err);
		goto out;
	}
	if (cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK) {
		ret = sceau_fail(err, SCEAU_ERR_FORMAT,
				 "JPEG image '%s' is in CMYK, which cannot be read: save it in "
				 "RGB or greyscale",
				 path);
		goto out;
	}
	cinfo.out_color_space = JCS_GRAYSCALE;
	jpeg_start_decompress(&cinfo);
	if (cinfo.output_components != 1 || cinfo.output_width != w || cinfo.output_height != h) {
		ret = sceau_fail(err, SCEAU_ERR_FORMAT,
				 "JPEG image '%s' has a pixel format that cannot be read", path);
		goto out;
	}
	if (!(px = malloc(w * h))) {
		ret = sceau_fail(err, SCEAU_ERR_NOMEM, "cannot read image '%s': out of memory",
				 path);
		goto out;
	}
	while (cinfo.output_scanline < cinfo.output_height) {
		JSAMPROW row = px + (size_t)cinfo.output_scanline * w;
		if (jpeg_read_scanlines(&cinfo, &row, 1) != 1)
			longjmp(e.jmp, 1); /* a suspending source: cannot happen in memory */
	}
	jpeg_finish_decompress(&cinfo);
	snprintf(warning, wlen, "%s", e.warning);
	out->px = px;
	out->w = w;
	out->h = h;
	px = NULL;
	ret = SCEAU_OK;
out:
	jpeg_destroy_decompress(&cinfo);
	free(px);
	return ret;
}

/* ---- zbar, loaded when first needed --------------------------------------- */

/* zbar is opened when a picture is first scanned, not when a program using
 * libsceau starts: it brings some twenty libraries (X11, D-Bus, systemd,
 * v4l, gcrypt) that every command paid for in the dynamic loader, a fifth
 * of `sceau verify`'s start-up. */
static struct {
	void *h;
	zbar_image_scanner_t *(*image_scanner_create)(void);
	zbar_image_t *(*image_create)(void);
	int (*image_scanner_set_config)(zbar_image_scanner_t *, zbar_symbol_type_t, zbar_config_t,
					int);
	void (*image_set_format)(zbar_image_t *, unsigned long);
	void (*image_set_size)(zbar_image_t *, unsigned, unsigned);
	void (*image_set_data)(zbar_image_t *, const void *, unsigned long,
			       zbar_image_cleanup_handler_t *);
	int (*scan_image)(zbar_image_scanner_t *, zbar_image_t *);
	const zbar_symbol_t *(*image_first_symbol)(const zbar_image_t *);
	const zbar_symbol_t *(*symbol_next)(const zbar_symbol_t *);
	const char *(*symbol_get_data)(const zbar_symbol_t *);
	unsigned int (*symbol_get_data_length)(const zbar_symbol_t *);
	zbar_symbol_type_t (*symbol_get_type)(const zbar_symbol_t *);
	unsigned (*symbol_get_loc_size)(const zbar_symbol_t *);
	int (*symbol_get_loc_x)(const zbar_symbol_t *, unsigned);
	int (*symbol_get_loc_y)(const zbar_symbol_t *, unsigned);
	void (*image_destroy)(zbar_image_t *);
	void (*image_scanner_destroy)(zbar_image_scanner_t *);
	char error[160];
} zb;
static pthread_once_t zb_once = PTHREAD_ONCE_INIT;

static void zb_load(void)
{
	const char *e;
	void *h = dlopen("libzbar.so.0", RTLD_NOW | RTLD_LOCAL);

	if (!h)
		goto fail;
#define ZB_SYM(name)                                                                               \
	if (!(*(void **)&zb.name = dlsym(h, "zbar_" #name)))                                       \
		goto fail;
	ZB_SYM(image_scanner_create)
	ZB_SYM(image_create)
	ZB_SYM(image_scanner_set_config)
	ZB_SYM(image_set_format)
	ZB_SYM(image_set_size)
	ZB_SYM(image_set_data)
	ZB_SYM(scan_image)
	ZB_SYM(image_first_symbol)
	ZB_SYM(symbol_next)
	ZB_SYM(symbol_get_data)
	ZB_SYM(symbol_get_data_length)
	ZB_SYM(symbol_get_type)
	ZB_SYM(symbol_get_loc_size)
	ZB_SYM(symbol_get_loc_x)
	ZB_SYM(symbol_get_loc_y)
	ZB_SYM(image_destroy)
	ZB_SYM(image_scanner_destroy)
#undef ZB_SYM
	zb.h = h;
	return;
fail:
	e = dlerror();
	snprintf(zb.error, sizeof(zb.error), "%s", e ? e : "libzbar.so.0 not found");
	if (h)
		dlclose(h);
}

/* ---- zbar --------------------------------------------------------------- */

/* Text a person or a verifier can use: valid UTF-8 without control
 * characters (a sceau code is ASCII; any other text is judged later). */
static int is_text(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned c = s[i], need, min;
		uint32_t cp;

		if (c < 0x80) {
			if (c < 0x20 || c == 0x7f)
				return 0;
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			need = 1, min = 0x80, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			need = 2, min = 0x800, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			need = 3, min = 0x10000, cp = c & 0x07;
		else
			return 0;
		if (n - i <= need)
			return 0;
		for (unsigned k = 1; k <= need; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += need + 1;
	}
	return 1;
}

struct found {
	char *text;
	long y, x; /* the code's top-left corner, to list codes in reading order */
};

static int found_cmp(const void *a, const void *b)
{
	const struct found *p = a, *q = b;

	if (p->y != q->y)
		return p->y < q->y ? -1 : 1;
	return p->x < q->x ? -1 : p->x > q->x;
}

static void corner(const zbar_symbol_t *sym, long *y, long *x)
{
	unsigned n = zb.symbol_get_loc_size(sym);

	*y = *x = 0;
	for (unsigned i = 0; i < n; i++) {
		long px = zb.symbol_get_loc_x(sym, i), py = zb.symbol_get_loc_y(sym, i);
		if (i == 0 || py < *y)
			*y = py;
		if (i == 0 || px < *x)
			*x = px;
	}
}

static enum sceau_err scan(const struct grey *g, const char *path, const char *warning,
			   char ***texts, size_t *n, struct sceau_error *err)
{
	zbar_image_scanner_t *sc = NULL;
	zbar_image_t *img = NULL;
	struct found *f = NULL;
	size_t nf = 0, cap = 0, binary = 0;
	char **out = NULL;
	enum sceau_err ret;

	pthread_once(&zb_once, zb_load);
	if (!zb.h)
		return sceau_fail(err, SCEAU_ERR_INTERNAL,
				  "cannot scan image '%s': cannot load zbar (%s)", path, zb.error);
	if (!(sc = zb.image_scanner_create()) || !(img = zb.image_create()))
		goto nomem;
	/* QR alone: a stray barcode on a label is not a certificate. Binary
	 * mode: the bytes as encoded, not converted to UTF-8 from a guess. */
	zb.image_scanner_set_config(sc, 0, ZBAR_CFG_ENABLE, 0);
	zb.image_scanner_set_config(sc, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
	zb.image_scanner_set_config(sc, ZBAR_QRCODE, ZBAR_CFG_BINARY, 1);
	zb.image_set_format(img, zbar_fourcc('Y', '8', '0', '0'));
	zb.image_set_size(img, (unsigned)g->w, (unsigned)g->h);
	/* No cleanup handler: the pixels stay ours. */
	zb.image_set_data(img, g->px, g->w * g->h, NULL);
	if (zb.scan_image(sc, img) < 0) {
		ret = sceau_fail(err, SCEAU_ERR_INTERNAL, "cannot scan image '%s'", path);
		goto out;
	}
	for (const zbar_symbol_t *s = zb.image_first_symbol(img); s; s = zb.symbol_next(s)) {
		const char *data = zb.symbol_get_data(s);
		size_t len = zb.symbol_get_data_length(s), i;

		if (zb.symbol_get_type(s) != ZBAR_QRCODE)
			continue;
		if (!data || !is_text((const unsigned char *)data, len)) {
			binary++;
			continue;
		}
		/* The same code twice (two copies in one photo) is one code. */
		for (i = 0; i < nf; i++)
			if (strlen(f[i].text) == len && !memcmp(f[i].text, data, len))
				break;
		if (i < nf)
			continue;
		if (nf == cap) {
			size_t nc = cap ? 2 * cap : 4;
			struct found *nf2 = realloc(f, nc * sizeof(*f));
			if (!nf2)
				goto nomem;
			f = nf2;
			cap = nc;
		}
		if (!(f[nf].text = strndup(data, len)))
			goto nomem;
		corner(s, &f[nf].y, &f[nf].x);
		nf++;
	}
	if (nf == 0) {
		if (binary)
			ret = sceau_fail(err, SCEAU_ERR_FORMAT,
					 "the QR code in '%s' holds binary data, not text", path);
		else if (warning && warning[0])
			ret = sceau_fail(err, SCEAU_ERR_NOT_FOUND,
					 "no QR code found in '%s' (the image is damaged: %s)",
					 path, warning);
		else
			ret = sceau_fail(err, SCEAU_ERR_NOT_FOUND, "no QR code found in '%s'",
					 path);
		goto out;
	}
	qsort(f, nf, sizeof(*f), found_cmp);
	if (!(out = calloc(nf, sizeof(*out))))
		goto nomem;
	for (size_t i = 0; i < nf; i++) {
		out[i] = f[i].text;
		f[i].text = NULL;
	}
	*texts = out;
	*n = nf;
	ret = SCEAU_OK;
	goto out;
nomem:
	ret = sceau_fail(err, SCEAU_ERR_NOMEM, "cannot scan image '%s': out of memory", path);
out:
	for (size_t i = 0; i < nf; i++)
		free(f[i].text);
	free(f);
	zb.image_destroy(img);
	zb.image_scanner_destroy(sc);
	return ret;
}

/* ---- the API ------------------------------------------------------------ */

enum sceau_err sceau_qr_image_decode(const char *path, char ***texts, size_t *n,
				     struct sceau_error *err)
{
	static const unsigned char png_sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	unsigned char *buf = NULL;
	struct grey g = {0};
	char warning[JMSG_LENGTH_MAX] = "";
	size_t len = 0;
	enum sceau_err ret;

	if (!path || !texts || !n)
		return sceau_fail(err, SCEAU_ERR_INVALID, "sceau_qr_image_decode: NULL argument");
	*texts = NULL;
	*n = 0;
	if ((ret = sceau_fs_read(path, SCEAU_QRIMAGE_FILE_MAX, "image", &buf, &len, err)) !=
	    SCEAU_OK)
		return ret;
	if (len >= sizeof(png_sig) && !memcmp(buf, png_sig, sizeof(png_sig)))
		ret = png_grey(buf, len, path, &g, err);
	else if (len >= 3 && buf[0] == 0xff && buf[1] == 0xd8 && buf[2] == 0xff)
		ret = jpeg_grey(buf, len, path, &g, warning, sizeof(warning), err);
	else
		ret = sceau_fail(err, SCEAU_ERR_FORMAT, "'%s' is not a PNG or JPEG image", path);
	free(buf);
	if (ret == SCEAU_OK)
		ret = scan(&g, path, warning, texts, n, err);
	free(g.px);
	return ret;
}

void sceau_qr_texts_free(char **texts, size_t n)
{
	if (!texts)
		return;
	for (size_t i = 0; i < n; i++)
		free(texts[i]);
	free(texts);
}
