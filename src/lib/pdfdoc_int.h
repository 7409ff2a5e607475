/* sceau — low-level PDF pieces for the renderer, on libharu: a QR code as
 * vector squares, embedded files from memory, the Info dictionary, a PNG
 * logo, saving to memory, and a bridge from libharu's error handler to
 * sceau errors. Internal: not installed, not exported.
 *
 * Every function works on a document the caller made with sceau_pdf_new
 * (or HPDF_New with sceau_pdf_on_error and a struct sceau_pdf_err). After
 * any of them fails, the document may hold half-built objects: free it. */
#ifndef SCEAU_PDFDOC_INT_H
#define SCEAU_PDFDOC_INT_H

#include <stddef.h>
#include <time.h>
#include <stdint.h>

#include <hpdf.h>

#include "internal.h"

/* Points per millimetre. */
#define SCEAU_PDF_MM(mm) ((mm)*72.0 / 25.4)

/* Smallest QR code drawn, quiet zone included, and smallest module: a
 * customs handheld at arm's length, and a 150 dpi scan, still read them. */
#define SCEAU_PDF_QR_MIN_WIDTH_MM  30.0
#define SCEAU_PDF_QR_MIN_MODULE_MM 0.4
/* Light modules around the symbol on each side (ISO/IEC 18004: 4). */
#define SCEAU_PDF_QR_QUIET 4

/* Longest Info value, in bytes of UTF-8. */
#define SCEAU_PDF_TEXT_MAX 8192
/* Largest embedded file, and largest logo file read. */
#define SCEAU_PDF_ATTACH_MAX   SCEAU_READ_MAX
#define SCEAU_PDF_PNG_READ_MAX ((size_t)8 << 20)
/* Largest logo, in pixels each way. */
#define SCEAU_PDF_PNG_MAX_SIDE 4000

/* ---- errors ------------------------------------------------------------ */

/* What libharu reported through its error handler: the first error since
 * the last sceau_pdf_check (later ones are often consequences of it), and
 * how many were raised. Caller-owned; it must outlive the document. */
struct sceau_pdf_err {
	HPDF_STATUS code;   /* libharu's error number (hpdf_error.h), 0 when none */
	HPDF_STATUS detail; /* its detail: a libpng or zlib code, an errno… */
	unsigned count;
};

/* The error handler to give HPDF_New with a struct sceau_pdf_err as its
 * user data. It only records: libharu then returns an error status or NULL
 * from the call that failed, and sceau_pdf_check turns the record into a
 * sceau error. */
void sceau_pdf_on_error(HPDF_STATUS code, HPDF_STATUS detail, void *data);

/* A new document with sceau_pdf_on_error recording into `rec` (zeroed
 * here) and every stream compressed. OUT: *out, free with HPDF_Free. */
enum sceau_err sceau_pdf_new(struct sceau_pdf_err *rec, HPDF_Doc *out, struct sceau_error *err);

/* SCEAU_OK when libharu has no error pending on `pdf`; else a sceau error
 * "cannot <what>: libharu error 0x1043 (libpng error), detail 0" with the
 * code mapped (out of memory → NOMEM, a bad image → FORMAT, anything else →
 * INTERNAL), and libharu's error state and the record reset so that the
 * document accepts calls again. */
enum sceau_err sceau_pdf_check(HPDF_Doc pdf, const char *what, struct sceau_error *err);

/* After a libharu call returned failure status `st`: the error libharu
 * recorded in `e` (a document's &pdf->error, or an object's ->error), as
 * sceau_pdf_check reports it; or, when the call failed without recording
 * one (some object-layer calls only return a status), `st` itself. */
enum sceau_err sceau_pdf_failed(HPDF_Error e, HPDF_STATUS st, const char *what,
				struct sceau_error *err);

/* ---- drawing ----------------------------------------------------------- */

/* Draw `text` as a QR code on `page`: white background with the quiet zone,
 * dark modules as one filled path (runs of a row merged into one rectangle,
 * drawn in module units so that every edge falls on a multiple of the
 * module). (x, y) is the lower-left corner of the whole symbol, quiet zone
 * included, and `width` its full width, in points. `ecc` is 'L', 'M', 'Q'
 * or 'H'. Text made only of QR alphanumeric characters (sceau's "MA1:…"
 * Base45) is encoded as one alphanumeric segment, other text as libqrencode
 * chooses; either way at the smallest version that holds it.
 * Refuses (SCEAU_ERR_INVALID) a width under SCEAU_PDF_QR_MIN_WIDTH_MM or a
 * module under SCEAU_PDF_QR_MIN_MODULE_MM, saying what width would do.
 * The page's graphics state is saved and restored around the drawing; the
 * page must not be inside a text object.
 * OUT: *module_out (may be NULL) the module size in points. */
enum sceau_err sceau_pdf_qr(HPDF_Page page, const char *text, char ecc, double x, double y,
			    double width, double *module_out, struct sceau_error *err);

/* ---- document parts ------------------------------------------------------ */

/* Embed `len` bytes at `data` (copied; NULL when len is 0) as the file
 * `name`: an /EmbeddedFile stream, Flate-compressed, with /Subtype from
 * `mime` (may be NULL), /Params /Size, /ModDate (`when`, UTC) and
 * /CheckSum (MD5); a /Filespec
 * with /F, /UF, /Desc (`description`, UTF-8, may be NULL) and
 * /AFRelationship /Data, listed in the /EmbeddedFiles name tree (kept
 * sorted, as PDF requires) and in the catalog's /AF array (PDF/A-3
 * associated files, in the order attached). Raises the PDF version to 1.7.
 * `name`: 1..127 printable ASCII characters, no '/' or '\\';
 * SCEAU_ERR_EXISTS when the document already has a file of that name.
 * Arguments are checked before the document changes. */
enum sceau_err sceau_pdf_attach(HPDF_Doc pdf, const char *name, const char *mime, const void *data,
				size_t len, const char *description, time_t when,
				struct sceau_error *err);

/* Fill the Info dictionary: Title, Author, Subject, Keywords (UTF-8, each
 * may be NULL to leave it out), Creator and Producer "sceau <version>"
 * (replacing libharu's Producer), CreationDate and ModDate `created` in UTC
 * ("D:20250301120000Z"). Text is written as PDFDocEncoding-safe literals
 * when it is printable ASCII and as UTF-16BE with a byte order mark
 * otherwise, whatever libharu's current encoder is, so that the same
 * inputs give the same bytes. Control characters and invalid UTF-8 are
 * refused (SCEAU_ERR_INVALID), before the document changes. */
enum sceau_err sceau_pdf_info(HPDF_Doc pdf, const char *title, const char *author,
			      const char *subject, const char *keywords, time_t created,
			      struct sceau_error *err);

/* One more Info entry, e.g. /SceauQR (MA1:…). `key`: 1..63 ASCII letters
 * and digits, not one of the standard keys (use sceau_pdf_info for
 * those); `value` as for sceau_pdf_info. Replaces an earlier value. */
enum sceau_err sceau_pdf_info_custom(HPDF_Doc pdf, const char *key, const char *value,
				     struct sceau_error *err);

/* A PNG file read and checked once (as sceau_pdf_png describes), to be
 * made an image of any number of documents. */
struct sceau_png {
	char *path;
	unsigned char *data;
	size_t len;
	uint32_t width, height; /* pixels */
};
/* Read and check `path`; errors as for sceau_pdf_png. *out: release with
 * sceau_png_release (which accepts a zeroed struct). */
enum sceau_err sceau_png_load(const char *path, struct sceau_png *out, struct sceau_error *err);
void sceau_png_release(struct sceau_png *png);
/* The checked PNG as an image of `pdf`. OUT: *out, owned by the document. */
enum sceau_err sceau_pdf_png_image(HPDF_Doc pdf, const struct sceau_png *png, HPDF_Image *out,
				   struct sceau_error *err);

/* Load the PNG file at `path` as an image of `pdf`, after decoding it once
 * with libpng: libharu 2.3.0 aborts the process on a PNG libpng cannot
 * decode. SCEAU_ERR_NOT_FOUND when it does not exist; SCEAU_ERR_FORMAT
 * when it is not a PNG file, libpng cannot decode it, or it is of a kind
 * libharu gets wrong (interlaced; a 1-, 2- or 4-bit palette with
 * transparency); SCEAU_ERR_INVALID when it has more than
 * SCEAU_PDF_PNG_MAX_SIDE pixels either way. Nothing is printed.
 * OUT: *out, owned by the document (drawn with HPDF_Page_DrawImage). */
enum sceau_err sceau_pdf_png(HPDF_Doc pdf, const char *path, HPDF_Image *out,
			     struct sceau_error *err);

/* The whole document as bytes. libharu writes no trailer /ID and no time
 * of its own (without encryption), so the same document gives the same
 * bytes. OUT: *out (caller frees with free) and *len. */
enum sceau_err sceau_pdf_save(HPDF_Doc pdf, unsigned char **out, size_t *len,
			      struct sceau_error *err);

#endif
