/* sceau — rendering a certificate as a PDF document.
 *
 * A renderer holds the templates (templates/<type>.json, docs/templates.md)
 * and their fonts, loaded once and reused for every document; rendering a
 * record lays it out (bilingual French/Arabic, product tables flowing onto
 * continuation pages), draws the signed QR payload, embeds the full record
 * as certificate.json and the QR text in the document information, and
 * returns the PDF bytes. The same record, information and time give the
 * same bytes. A renderer is not thread-safe; use one per thread. */
#ifndef SCEAU_RENDER_H
#define SCEAU_RENDER_H

#include <stddef.h>
#include <time.h>

#include "sceau/error.h"
#include "sceau/pki.h"
#include "sceau/program.h"
#include "sceau/record.h"

#ifdef __cplusplus
extern "C" {
#endif

struct sceau_renderer;

/* The installed template directory (CMake's datadir/sceau/templates). */
SCEAU_EXPORT const char *sceau_templates_default_dir(void);

/* A renderer reading templates from `templates_dir` (NULL: the environment
 * variable SCEAU_TEMPLATES, else ./templates when it exists, else the
 * installed directory, else the source tree's templates/ for a program run
 * from its build directory). Templates and fonts are loaded on first use, so a
 * missing font is reported by sceau_render. *out: caller frees with
 * sceau_renderer_free. */
SCEAU_EXPORT enum sceau_err sceau_renderer_new(const char *templates_dir,
					       struct sceau_renderer **out, /* OUT */
					       struct sceau_error *err);

/* Put the body's logo (a PNG file, `width_mm` wide; 0: the template's
 * width or 30 mm) on every document, overriding the templates' logo. */
SCEAU_EXPORT enum sceau_err sceau_renderer_set_logo(struct sceau_renderer *r, const char *png_path,
						    double width_mm, struct sceau_error *err);

/* Load the template and fonts for `program` now rather than at the first
 * sceau_render, so a missing template or font is reported before any work
 * (and any passphrase). */
SCEAU_EXPORT enum sceau_err sceau_renderer_prepare(struct sceau_renderer *r,
						   enum sceau_program program,
						   struct sceau_error *err);

SCEAU_EXPORT void sceau_renderer_free(struct sceau_renderer *r);

/* What the document says besides the record. */
struct sceau_render_info {
	const char *issuer;  /* the issuing body, as the signer certificate names it */
	const char *qr_text; /* the signed payload (sceau_payload_encode) */
	time_t created;      /* the document's creation time, and its signing time */
	/* When set (with its key unlocked), the PDF is signed (PAdES,
	 * sceau_pdf_sign) by this signer, its root in the chain. NULL: an
	 * unsigned PDF, for previews and tests. */
	const struct sceau_signer *signer;
};

/* Render `rec` to a PDF. *pdf: caller frees with free; *pages (may be NULL)
 * receives the page count. Errors: SCEAU_ERR_NOT_FOUND (template, font or
 * logo missing), SCEAU_ERR_FORMAT (bad template, logo not a PNG),
 * SCEAU_ERR_INVALID (text no font covers, a QR text too long for the
 * template's QR size). */
SCEAU_EXPORT enum sceau_err sceau_render(struct sceau_renderer *r, const struct sceau_record *rec,
					 const struct sceau_render_info *info,
					 unsigned char **pdf, /* OUT */
					 size_t *len,         /* OUT */
					 unsigned *pages,     /* OUT */
					 struct sceau_error *err);

/* Render and write to `path` atomically (a temporary file beside it, then
 * renamed): on any error nothing is left at `path`. An existing file is
 * SCEAU_ERR_EXISTS unless `force`. */
SCEAU_EXPORT enum sceau_err sceau_render_to_file(struct sceau_renderer *r,
						 const struct sceau_record *rec,
						 const struct sceau_render_info *info,
						 const char *path, int force,
						 unsigned *pages, /* OUT */
						 struct sceau_error *err);

#ifdef __cplusplus
}
#endif

#endif
