/* sceau — the QR document claims (qrclaims.c). Internal. */
#ifndef SCEAU_QRCLAIMS_H
#define SCEAU_QRCLAIMS_H

#include <cbor.h>

#include "internal.h"

/* Keys of the document claims map (docs/formats.md, "QR claims"). */
enum {
	QC_TYPE = 1,
	QC_NUMBER = 2,
	QC_PARTY = 3,
	QC_ROUTE = 4,
	QC_ROUTE_REF = 5,
	QC_ORIGIN = 6,
	QC_STANDARD = 7,
	QC_ISSUE = 8, /* days since 1970-01-01 */
	/* 9 is reserved: the expiry date is the CWT's exp (its last second). */
	QC_LINE_COUNT = 10,
	QC_LINES = 11,
	QC_DIGEST = 12,
	QC_SUPERSEDES = 13 /* optional: the number this revision replaces */
};

/* The document claims of `rec` with its first `nlines` product lines, the
 * party's name cut when `cut_name`; a new item or NULL (out of memory). */
cbor_item_t *sceau_qrclaims_build(const struct sceau_record *rec, size_t nlines, int cut_name,
				  const unsigned char digest[32]);

/* Read document claims into p (strings allocated into p); SCEAU_ERR_FORMAT
 * naming the first claim that does not fit. */
enum sceau_err sceau_qrclaims_read(cbor_item_t *m, struct sceau_payload *p,
				   struct sceau_error *err);

#endif
