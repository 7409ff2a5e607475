/* sceau — bounding what libqpdf inflates on its own (part `pdfread`).
 *
 * libqpdf 11.3 decodes cross-reference streams and object streams whole,
 * in memory, with no limit of its own: 50 KB of zlib can ask it for 50 MB,
 * and a chain of filters (/Filter [/FlateDecode /FlateDecode]) for
 * gigabytes. pdfread.c reads a PDF without cross-reference streams first
 * (then libqpdf decodes nothing: object streams are only found through
 * them); a PDF that needs them is scanned here before libqpdf reads it.
 *
 * The scan does not parse the PDF, which would be a second parser to
 * disagree with libqpdf: after every `stream` keyword (and the white
 * space that follows it) whose data begins with a zlib header, the data
 * is inflated, counting the output without keeping it; when that output
 * begins with a zlib header too, it is inflated in turn, and so on. Each
 * level of each stream is bounded, and so is the whole. What libqpdf
 * inflates is therefore bounded too, since it decodes each of these
 * streams at most once. Not covered: chains through LZWDecode or
 * RunLengthDecode, which this scan does not decode. */
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <zlib.h>

#include "pdfread_int.h"

#define CHUNK ((size_t)4096)
/* Starting an inflater counts as this much output, so that a file of
 * many tiny zlib streams is bounded in time too. */
#define START_COST ((size_t)1024)

struct chain {
	z_stream zs[SCEAU_PDF_CHAIN_MAX];
	int state[SCEAU_PDF_CHAIN_MAX];             /* 0 not started, 1 inflating, 2 ended */
	unsigned char head[SCEAU_PDF_CHAIN_MAX][2]; /* first output bytes of level k */
	size_t nhead[SCEAU_PDF_CHAIN_MAX];
	size_t out[SCEAU_PDF_CHAIN_MAX]; /* output of level k */
	size_t *total;                   /* of every level of every stream */
	int too_deep;                    /* output of the last level is zlib again */
};

/* A zlib header (RFC 1950): deflate, window at most 32 KiB, check bits. */
static int zlib_head(const unsigned char *p)
{
	return (p[0] & 0x0f) == 8 && (p[0] >> 4) <= 7 && ((unsigned)p[0] << 8 | p[1]) % 31 == 0;
}

static int feed(struct chain *c, int k, const unsigned char *in, size_t n);

/* Level k produced n bytes: pass them to level k + 1 once its first two
 * bytes show a zlib header. -1 when a bound is passed. */
static int emit(struct chain *c, int k, const unsigned char *data, size_t n)
{
	size_t take;

	if (c->nhead[k] < 2) {
		take = 2 - c->nhead[k] < n ? 2 - c->nhead[k] : n;
		memcpy(c->head[k] + c->nhead[k], data, take);
		c->nhead[k] += take;
		data += take;
		n -= take;
		if (c->nhead[k] < 2 || !zlib_head(c->head[k]))
			return 0;
		if (k + 1 >= SCEAU_PDF_CHAIN_MAX) {
			c->too_deep = 1;
			return -1;
		}
		if (inflateInit(&c->zs[k + 1]) != Z_OK)
			return -1;
		c->state[k + 1] = 1;
		*c->total += START_COST;
		if (feed(c, k + 1, c->head[k], 2) < 0)
			return -1;
	}
	if (k + 1 >= SCEAU_PDF_CHAIN_MAX || c->state[k + 1] != 1 || n == 0)
		return 0;
	return feed(c, k + 1, data, n);
}

/* Inflate n more bytes at level k. -1 when a bound is passed. */
static int feed(struct chain *c, int k, const unsigned char *in, size_t n)
{
	unsigned char buf[CHUNK];
	z_stream *z = &c->zs[k];
	size_t got;
	int rc;

	if (c->state[k] != 1)
		return 0;
	while (n > 0) {
		uInt part = n < UINT_MAX ? (uInt)n : UINT_MAX;

		z->next_in = (Bytef *)(uintptr_t)in;
		z->avail_in = part;
		do {
			z->next_out = buf;
			z->avail_out = (uInt)CHUNK;
			rc = inflate(z, Z_NO_FLUSH);
			got = CHUNK - z->avail_out;
			c->out[k] += got;
			*c->total += got;
			if (c->out[k] > SCEAU_PDF_INFLATE_MAX ||
			    *c->total > SCEAU_PDF_INFLATE_TOTAL)
				return -1;
			if (got && emit(c, k, buf, got) < 0)
				return -1;
			if (rc != Z_OK) {
				/* Z_BUF_ERROR: needs more input; anything else
				 * ends this level (end of stream, bad data) */
				if (rc != Z_BUF_ERROR) {
					c->state[k] = 2;
					return 0;
				}
				break;
			}
		} while (z->avail_in > 0 || z->avail_out == 0);
		in += part - z->avail_in;
		n -= part - z->avail_in;
		if (z->avail_in > 0)
			break; /* no progress possible */
	}
	return 0;
}

/* Inflate the stream whose data starts at p (n bytes to the end of the
 * file). -1 when a bound is passed (*too_deep set for a chain too long),
 * 0 otherwise; -2 on no memory. */
static int scan_one(const unsigned char *p, size_t n, size_t *total, int *too_deep)
{
	struct chain c;
	int ret;

	memset(&c, 0, sizeof(c));
	c.total = total;
	if (inflateInit(&c.zs[0]) != Z_OK)
		return -2;
	c.state[0] = 1;
	*total += START_COST;
	ret = *total > SCEAU_PDF_INFLATE_TOTAL ? -1 : feed(&c, 0, p, n);
	for (int k = 0; k < SCEAU_PDF_CHAIN_MAX; k++)
		if (c.state[k])
			inflateEnd(&c.zs[k]);
	*too_deep = c.too_deep;
	return ret;
}

static int pdf_space(unsigned char b)
{
	return b == ' ' || b == '\t' || b == '\r' || b == '\n' || b == '\f' || b == '\0';
}

enum sceau_err sceau_pdf_scan_flate(const unsigned char *buf, size_t len, struct sceau_error *err)
{
	const unsigned char *p = buf, *end = buf + len;
	size_t total = 0;
	int too_deep = 0, rc;

	while (p < end && (p = memmem(p, (size_t)(end - p), "stream", 6)) != NULL) {
		const unsigned char *d = p + 6;

		if (p - buf >= 3 && memcmp(p - 3, "end", 3) == 0) {
			p = d;
			continue;
		}
		while (d < end && pdf_space(*d))
			d++;
		if (end - d >= 2 && zlib_head(d)) {
			rc = scan_one(d, (size_t)(end - d), &total, &too_deep);
			if (rc == -2)
				return sceau_fail(err, SCEAU_ERR_NOMEM,
						  "out of memory reading the PDF");
			if (rc < 0 && too_deep)
				return sceau_fail(
					err, SCEAU_ERR_FORMAT,
					"cannot read the PDF: the stream at offset %zu is "
					"compressed more than %d times",
					(size_t)(d - buf), SCEAU_PDF_CHAIN_MAX);
			if (rc < 0)
				return sceau_fail(err, SCEAU_ERR_FORMAT,
						  "cannot read the PDF: the stream at offset %zu "
						  "expands beyond %zu bytes",
						  (size_t)(d - buf),
						  total > SCEAU_PDF_INFLATE_TOTAL
							  ? SCEAU_PDF_INFLATE_TOTAL
							  : SCEAU_PDF_INFLATE_MAX);
		}
		p = d;
	}
	return SCEAU_OK;
}
