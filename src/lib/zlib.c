/* sceau — zlib (RFC 1950) around the COSE message.
 *
 * Decompression is where a QR code of a few kilobytes could ask for
 * gigabytes (a "zlib bomb"), so the output is capped by the caller and
 * the buffer grows with what the stream actually produces. Only a single
 * complete zlib stream is accepted: no gzip or raw deflate, no preset
 * dictionary, no truncation, nothing after the stream's end. */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <zlib.h>

#include "internal.h"
#include "sceau/envelope.h"

/* First output buffer: room for a typical expansion, grown by doubling. */
#define FIRST_CHUNK ((size_t)4 << 10)

enum sceau_err sceau_zlib_compress(const unsigned char *in, size_t len, unsigned char **out,
				   size_t *out_len, struct sceau_error *err)
{
	enum sceau_err ret = SCEAU_ERR_INTERNAL;
	unsigned char *buf = NULL, *shrunk;
	uLongf n;
	int rc;

	if (!out || !out_len || (!in && len > 0))
		return sceau_fail(err, SCEAU_ERR_INVALID, "zlib: no input or output");
	*out = NULL;
	*out_len = 0;
	if (len > (size_t)UINT_MAX)
		return sceau_fail(err, SCEAU_ERR_INVALID, "zlib: input of %zu bytes too large",
				  len);
	n = compressBound((uLong)len);
	if (!(buf = malloc(n))) {
		ret = sceau_fail(err, SCEAU_ERR_NOMEM, "zlib: out of memory");
		goto out;
	}
	rc = compress2(buf, &n, in ? in : (const unsigned char *)"", (uLong)len,
		       Z_BEST_COMPRESSION);
	if (rc != Z_OK) {
		ret = sceau_fail(err, rc == Z_MEM_ERROR ? SCEAU_ERR_NOMEM : SCEAU_ERR_INTERNAL,
				 "zlib: cannot compress: %s", zError(rc));
		goto out;
	}
	if ((shrunk = realloc(buf, n)))
		buf = shrunk;
	*out = buf;
	*out_len = n;
	buf = NULL;
	ret = SCEAU_OK;
out:
	free(buf);
	return ret;
}

enum sceau_err sceau_zlib_decompress(const unsigned char *in, size_t len, size_t max,
				     unsigned char **out, size_t *out_len, struct sceau_error *err)
{
	enum sceau_err ret = SCEAU_ERR_FORMAT;
	unsigned char *buf = NULL, *grown;
	/* Room for one byte more than allowed: producing it proves the
	 * stream is too large without inflating any further. */
	size_t limit = max < SIZE_MAX ? max + 1 : max;
	size_t cap, total = 0, room;
	z_stream zs = {0};
	int inited = 0, rc;

	if (!out || !out_len || (!in && len > 0))
		return sceau_fail(err, SCEAU_ERR_INVALID, "zlib: no input or output");
	*out = NULL;
	*out_len = 0;
	if (len > (size_t)UINT_MAX)
		return sceau_fail(err, SCEAU_ERR_FORMAT, "zlib: input of %zu bytes too large", len);
	cap = len < limit / 4 ? len * 4 : limit;
	if (cap < FIRST_CHUNK)
		cap = limit < FIRST_CHUNK ? limit : FIRST_CHUNK;
	if (!(buf = malloc(cap ? cap : 1))) {
		ret = sceau_fail(err, SCEAU_ERR_NOMEM, "zlib: out of memory");
		goto out;
	}
	zs.next_in = (Bytef *)(uintptr_t)in;
	zs.avail_in = (uInt)len;
	/* windowBits 15: the zlib wrapper only (not gzip, not raw deflate). */
	if ((rc = inflateInit2(&zs, 15)) != Z_OK) {
		ret = sceau_fail(err, rc == Z_MEM_ERROR ? SCEAU_ERR_NOMEM : SCEAU_ERR_INTERNAL,
				 "zlib: cannot start: %s", zError(rc));
		goto out;
	}
	inited = 1;
	for (;;) {
		if (total == cap) {
			if (cap >= limit) {
				ret = sceau_fail(err, SCEAU_ERR_FORMAT,
						 "zlib: output larger than %zu bytes", max);
				goto out;
			}
			cap = cap > limit / 2 ? limit : cap * 2;
			if (!(grown = realloc(buf, cap))) {
				ret = sceau_fail(err, SCEAU_ERR_NOMEM, "zlib: out of memory");
				goto out;
			}
			buf = grown;
		}
		room = cap - total < UINT_MAX ? cap - total : UINT_MAX;
		zs.next_out = buf + total;
		zs.avail_out = (uInt)room;
		rc = inflate(&zs, Z_NO_FLUSH);
		total += room - zs.avail_out;
		if (total > max) {
			ret = sceau_fail(err, SCEAU_ERR_FORMAT,
					 "zlib: output larger than %zu bytes", max);
			goto out;
		}
		if (rc == Z_STREAM_END)
			break;
		if (rc == Z_NEED_DICT) {
			ret = sceau_fail(err, SCEAU_ERR_FORMAT,
					 "zlib: the stream needs a preset dictionary");
			goto out;
		}
		if (rc == Z_MEM_ERROR) {
			ret = sceau_fail(err, SCEAU_ERR_NOMEM, "zlib: out of memory");
			goto out;
		}
		if (rc != Z_OK && rc != Z_BUF_ERROR) {
			ret = sceau_fail(err, SCEAU_ERR_FORMAT, "zlib: %s",
					 zs.msg ? zs.msg : zError(rc));
			goto out;
		}
		/* inflate returns when its input is used up or its output
		 * full; output room left means the input ran out first. */
		if (zs.avail_out > 0) {
			ret = sceau_fail(err, SCEAU_ERR_FORMAT, "zlib: the stream is truncated");
			goto out;
		}
	}
	if (zs.avail_in > 0) {
		ret = sceau_fail(err, SCEAU_ERR_FORMAT,
				 "zlib: %u trailing byte%s after the end of the stream",
				 zs.avail_in, zs.avail_in == 1 ? "" : "s");
		goto out;
	}
	if (total < cap && (grown = realloc(buf, total ? total : 1)))
		buf = grown;
	*out = buf;
	*out_len = total;
	buf = NULL;
	ret = SCEAU_OK;
out:
	if (inited)
		inflateEnd(&zs);
	free(buf);
	return ret;
}
