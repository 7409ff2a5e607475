/* sceau — the QR text: prefix + Base45(zlib(COSE)).
 *
 * Unwrapping reads text from a scanner or a photo, so every layer is
 * bounded before it runs: the text's length first (no QR code holds more
 * than SCEAU_QR_TEXT_MAX characters), then the exact prefix, then Base45,
 * then zlib with its output capped at SCEAU_COSE_MAX. Each failure says
 * which layer refused the text. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "sceau/envelope.h"

enum sceau_err sceau_qr_wrap(const unsigned char *cose, size_t len, const char *prefix, char **text,
			     struct sceau_error *err)
{
	enum sceau_err ret;
	unsigned char *z = NULL;
	char *b45 = NULL, *s = NULL;
	size_t zlen = 0, blen = 0, plen;

	if (!text)
		return sceau_fail(err, SCEAU_ERR_INVALID, "no place for the QR text");
	*text = NULL;
	if (!prefix || (!cose && len > 0))
		return sceau_fail(err, SCEAU_ERR_INVALID, "no COSE message or prefix");
	plen = strlen(prefix);
	if ((ret = sceau_zlib_compress(cose, len, &z, &zlen, err)) != SCEAU_OK ||
	    (ret = sceau_base45_encode(z, zlen, &b45, &blen, err)) != SCEAU_OK)
		goto out;
	/* What sceau_qr_unwrap would refuse is not worth printing. */
	if (blen > SCEAU_QR_TEXT_MAX || plen > SCEAU_QR_TEXT_MAX - blen) {
		ret = sceau_fail(err, SCEAU_ERR_INVALID,
				 "QR text of %zu characters is longer than a QR code holds (%d)",
				 plen + blen, SCEAU_QR_TEXT_MAX);
		goto out;
	}
	if (!(s = malloc(plen + blen + 1))) {
		ret = sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
		goto out;
	}
	memcpy(s, prefix, plen);
	memcpy(s + plen, b45, blen + 1);
	*text = s;
	ret = SCEAU_OK;
out:
	free(z);
	free(b45);
	return ret;
}

enum sceau_err sceau_qr_unwrap(const char *text, size_t len, const char *prefix,
			       unsigned char **cose, size_t *cose_len, struct sceau_error *err)
{
	struct sceau_error sub = {0};
	enum sceau_err ret;
	unsigned char *z = NULL;
	size_t zlen = 0, plen;

	if (!cose || !cose_len)
		return sceau_fail(err, SCEAU_ERR_INVALID, "no place for the COSE message");
	*cose = NULL;
	*cose_len = 0;
	if (!prefix || (!text && len > 0))
		return sceau_fail(err, SCEAU_ERR_INVALID, "no QR text or prefix");
	if (len > SCEAU_QR_TEXT_MAX)
		return sceau_fail(err, SCEAU_ERR_FORMAT,
				  "QR text: %zu characters, more than a QR code holds (%d)", len,
				  SCEAU_QR_TEXT_MAX);
	plen = strlen(prefix);
	if (len < plen || (plen > 0 && memcmp(text, prefix, plen) != 0))
		return sceau_fail(err, SCEAU_ERR_FORMAT,
				  "QR text: prefix: does not start with '%s'", prefix);
	/* Positions in Base45 messages count from the start of the text. */
	ret = sceau_base45_decode_at(text + plen, len - plen, plen, &z, &zlen, &sub);
	if (ret == SCEAU_OK)
		ret = sceau_zlib_decompress(z, zlen, SCEAU_COSE_MAX, cose, cose_len, &sub);
	if (ret != SCEAU_OK)
		sceau_fail(err, ret, "QR text: %s", sub.msg);
	free(z);
	return ret;
}
