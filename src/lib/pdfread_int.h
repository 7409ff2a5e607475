/* sceau — what a received PDF says about its signatures and its
 * certificate, read with libqpdf (part `pdfread`). Internal: the verifier
 * (verify.c) judges these facts; this part only reads them, and refuses
 * what it cannot read.
 *
 * The reader trusts nothing in the file: no recovery of a broken xref, no
 * decryption, a bound on everything it collects (signature fields, name
 * tree depth, embedded file size), and every qpdf error turned into
 * SCEAU_ERR_FORMAT with a reason. */
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

/* How a key of a signature dictionary was found. */
enum sceau_pdf_kind {
	SCEAU_PDF_ABSENT = 0, /* no such key */
	SCEAU_PDF_OK = 1,     /* present, of the expected type */
	SCEAU_PDF_WRONG = 2   /* present, of another type (null, a name, ...) */
};

/* One signature dictionary: the /V of a field whose /FT is /Sig, or the
 * catalog's /Perms /DocMDP when no field points to it. */
struct sceau_pdf_sig {
	char *field;     /* the field's /T as UTF-8, NULL when none */
	char *filter;    /* /Filter without the slash ("Adobe.PPKLite"), NULL if absent */
	char *subfilter; /* /SubFilter ("ETSI.CAdES.detached"), NULL if absent */
	char *m;         /* /M as written ("D:20261124100000Z"), NULL if absent */
	int objid;       /* object number of the dictionary, 0 when direct */

	/* /ByteRange: byterange_kind says whether it is an array; n_byterange
	 * is its item count; byterange[] holds the first four items when
	 * byterange_ints (every item an integer, at most four read). */
	enum sceau_pdf_kind byterange_kind;
	size_t n_byterange;
	int byterange_ints;
	long long byterange[4];

	/* /Contents: the string's bytes (contents_kind OK; may be empty). */
	enum sceau_pdf_kind contents_kind;
	unsigned char *contents;
	size_t contents_len;

	/* DocMDP: 1 when the catalog's /Perms /DocMDP is this dictionary; P
	 * from its /Reference's DocMDP /TransformParams (0 when none). */
	int docmdp;
	int docmdp_p;
};

struct sceau_pdf_facts {
	struct sceau_pdf_sig *sigs; /* in field order, at most SCEAU_PDF_SIGS_MAX */
	size_t nsigs;
	size_t nsig_fields;   /* signature fields seen, even beyond the maximum */
	int has_perms_docmdp; /* the catalog has /Perms /DocMDP */
	char *qr_text;        /* Info /SceauQR, NUL-terminated; NULL when absent */
	/* The embedded file certificate.json, decoded (NUL-terminated); NULL
	 * when the document embeds none. */
	unsigned char *record_json;
	size_t record_len;
	unsigned pages;
};

/* Read `len` bytes of PDF. SCEAU_ERR_FORMAT with a reason when it is not
 * a PDF libqpdf reads without recovery (no header, broken xref, damaged
 * objects, encrypted, an embedded certificate.json too large or not
 * decodable); SCEAU_ERR_NOMEM. *out: caller frees with
 * sceau_pdf_facts_free. */
enum sceau_err sceau_pdf_read(const unsigned char *buf, size_t len,
			      struct sceau_pdf_facts **out, /* OUT */
			      struct sceau_error *err);
void sceau_pdf_facts_free(struct sceau_pdf_facts *f);

#endif
