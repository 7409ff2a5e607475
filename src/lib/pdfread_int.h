/* sceau — what a received PDF says about its signatures and its
 * certificate, read with libqpdf (part `pdfread`). Internal: the verifier
 * (verify.c) judges these facts; this part only reads them, and refuses
 * what it cannot read.
 *
 * The reader trusts nothing in the file: no recovery of a broken xref, no
 * reading past damage (libqpdf warns and reads a damaged object as null:
 * every warning is refused), no decryption, a bound on everything it
 * collects (signature fields, tree depth and size, embedded file size),
 * and every qpdf error turned into SCEAU_ERR_FORMAT with a reason. */
#ifndef SCEAU_PDFREAD_INT_H
#define SCEAU_PDFREAD_INT_H
#include <stddef.h>

#include "internal.h"

/* Signature dictionaries collected, at most; more signature fields than
 * this are counted (nsig_fields) but not read. */
#define SCEAU_PDF_SIGS_MAX 32
/* The embedded certificate.json, decoded, at most. */
#define SCEAU_PDF_EMBED_MAX ((size_t)1 << 20)
/* /Contents of one signature, at most (bytes, decoded). */
#define SCEAU_PDF_CONTENTS_MAX ((size_t)64 << 10)
/* Depth of the AcroForm field tree (/Kids) and of name trees followed. */
#define SCEAU_PDF_DEPTH_MAX 16

/* libqpdf inflates cross-reference and object streams by itself, with no
 * limit: a PDF that needs cross-reference streams is first scanned
 * (sceau_pdf_scan_flate) so that no zlib stream in it inflates to more
 * than SCEAU_PDF_INFLATE_MAX bytes, all of them together to more than
 * SCEAU_PDF_INFLATE_TOTAL, or is compressed more than SCEAU_PDF_CHAIN_MAX
 * times over. */
#define SCEAU_PDF_INFLATE_MAX   ((size_t)16 << 20)
#define SCEAU_PDF_INFLATE_TOTAL ((size_t)64 << 20)
#define SCEAU_PDF_CHAIN_MAX     4

/* How a key of a signature dictionary was found. A key whose value is
 * null, or a reference to a missing object, counts as absent (ISO
 * 32000-1 7.3.7; libqpdf hides such keys). */
enum sceau_pdf_kind {
	SCEAU_PDF_ABSENT = 0, /* no such key */
	SCEAU_PDF_OK = 1,     /* present, of the expected type */
	SCEAU_PDF_WRONG = 2   /* present, of another type (a name, a number, ...) */
};

/* One signature dictionary: the /V of a signature field, or the
 * catalog's /Perms /DocMDP when no field points to it.
 *
 * A signature field is a terminal field (no /Kids, or /Kids that are only
 * widget annotations: dictionaries without /T) of the AcroForm /Fields
 * tree whose /FT, its own or inherited from its parents, is /Sig. Its
 * /V (its own, else inherited) is read when it is a dictionary; a field
 * without one is counted (nsig_fields) but gives no sig. */
struct sceau_pdf_sig {
	char *field;     /* the field's /T as UTF-8; NULL when none, not a
			  * string, or holding a NUL */
	char *filter;    /* /Filter without the slash ("Adobe.PPKLite"); NULL
			  * when absent or not a name */
	char *subfilter; /* /SubFilter ("ETSI.CAdES.detached"), the same way */
	char *m;         /* /M as written ("D:20261124100000Z"); NULL when
			  * absent, not a string, or holding a NUL */
	int objid;       /* object number of the dictionary, 0 when direct */

	/* /ByteRange: byterange_kind OK when it is an array, n_byterange its
	 * item count. byterange_ints is 1 exactly when the array has four
	 * items and all four are integers; then byterange[] holds them, else
	 * byterange[] is all zero. */
	enum sceau_pdf_kind byterange_kind;
	size_t n_byterange;
	int byterange_ints;
	long long byterange[4];

	/* /Contents: a string of at most SCEAU_PDF_CONTENTS_MAX bytes is
	 * contents_kind OK with its bytes in contents (may be empty, then
	 * contents is a valid pointer to nothing). A longer string is
	 * contents_kind WRONG, contents NULL, and contents_len its length;
	 * any other type is WRONG with contents_len 0. */
	enum sceau_pdf_kind contents_kind;
	unsigned char *contents;
	size_t contents_len;

	/* docmdp: 1 when the catalog's /Perms /DocMDP is this dictionary (the
	 * same indirect object; a direct /Perms /DocMDP is its own sig with
	 * field NULL). docmdp_p: /P of the /TransformParams of the first
	 * /Reference entry whose /TransformMethod is /DocMDP, read for every
	 * signature dictionary; 0 when there is none or /P is not an
	 * integer in int's range (the PDF default of 2 is not applied). */
	int docmdp;
	int docmdp_p;
};

struct sceau_pdf_facts {
	/* In field order (depth first), then the /Perms /DocMDP dictionary
	 * when no signature field has it as /V and there is room: at most
	 * SCEAU_PDF_SIGS_MAX. */
	struct sceau_pdf_sig *sigs;
	size_t nsigs;
	size_t nsig_fields;   /* signature fields seen, even beyond the maximum */
	int has_perms_docmdp; /* the catalog has /Perms /DocMDP (of any type) */
	/* Info /SceauQR, NUL-terminated; NULL when absent. A value that is
	 * not a string of printable ASCII is SCEAU_ERR_FORMAT. */
	char *qr_text;
	/* The embedded file certificate.json, decoded (NUL-terminated); NULL
	 * when the document embeds none. */
	unsigned char *record_json;
	size_t record_len;
	unsigned pages;
};

/* Read `len` bytes of PDF. SCEAU_ERR_FORMAT with a reason when it is not
 * a PDF libqpdf reads without recovery: no "%PDF-" at offset 0, a broken
 * xref, damaged objects, anything libqpdf warns about, encryption, a
 * compressed stream beyond the bounds above, a field or name tree too
 * deep, with a cycle, a shared node or more than 10,000 array items, a
 * bad Info /SceauQR, an embedded certificate.json that is not a stream,
 * not decodable, filtered other than by FlateDecode, larger than
 * SCEAU_PDF_EMBED_MAX decoded, or named twice. SCEAU_ERR_NOMEM. Nothing
 * is printed; err is left clear on success. *out: caller frees with
 * sceau_pdf_facts_free. */
enum sceau_err sceau_pdf_read(const unsigned char *buf, size_t len,
			      struct sceau_pdf_facts **out, /* OUT */
			      struct sceau_error *err);
void sceau_pdf_facts_free(struct sceau_pdf_facts *f);

/* pdfread_scan.c: SCEAU_OK when every zlib stream after a `stream`
 * keyword of buf stays within the bounds above, through chains of zlib
 * streams; else SCEAU_ERR_FORMAT (or SCEAU_ERR_NOMEM). Output is counted,
 * never kept. */
enum sceau_err sceau_pdf_scan_flate(const unsigned char *buf, size_t len, struct sceau_error *err);

#endif
