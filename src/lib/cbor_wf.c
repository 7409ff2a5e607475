/* sceau — a guard in front of libcbor: is this exactly one well-formed,
 * bounded CBOR item?
 *
 * libcbor 0.8 trusts what it reads: it allocates an array's or map's
 * declared size before reading a single element, and it recurses to free
 * nested items. A QR code is hostile input, so every byte string given to
 * cbor_load is first walked here, without allocating: one item, nothing
 * after it, nesting bounded, and every declared length or item count
 * backed by bytes that are actually there.
 *
 * Indefinite-length items (major types 2..5 with additional information
 * 31) are refused rather than followed: sceau never writes them, no COSE
 * message or payload in the DCC test vectors uses them, and refusing them
 * keeps libcbor's chunk-assembly code away from hostile input.
 *
 * libcbor 0.8 also refuses some well-formed CBOR: tags 6 to 20 written in
 * the head's own byte (0xc6..0xd4, among them COSE_Sign1's tag 18, 0xd2)
 * and unassigned simple values. The first is worked around by
 * sceau_cbor_widen_tags; the second has no use in COSE and is refused
 * here. */
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "sceau/envelope.h"

static const char *const type_names[] = {
	"unsigned integer",
	"negative integer",
	"byte string",
	"text string",
	"array",
	"map",
	"tag",
	"simple value or float",
};

size_t sceau_cbor_head(unsigned char *out, unsigned mt, uint64_t arg)
{
	unsigned char m = (unsigned char)(mt << 5);
	size_t n, i;

	if (arg < 24) {
		out[0] = m | (unsigned char)arg;
		return 1;
	}
	if (arg <= UINT8_MAX) {
		out[0] = m | 24;
		n = 1;
	} else if (arg <= UINT16_MAX) {
		out[0] = m | 25;
		n = 2;
	} else if (arg <= UINT32_MAX) {
		out[0] = m | 26;
		n = 4;
	} else {
		out[0] = m | 27;
		n = 8;
	}
	for (i = 0; i < n; i++)
		out[1 + i] = (unsigned char)(arg >> (8 * (n - 1 - i)));
	return 1 + n;
}

/* Read the head at buf[*pos]; on success *pos is past it. */
static enum sceau_err read_head(const unsigned char *buf, size_t len, size_t *pos, unsigned *mt,
				unsigned *ai, uint64_t *arg, const char *what,
				struct sceau_error *err)
{
	size_t at = *pos, n, i;
	uint64_t v = 0;

	*mt = buf[at] >> 5;
	*ai = buf[at] & 31;
	/* Simple values other than false, true, null and undefined have no
	 * meaning in COSE or CWT, and libcbor 0.8 cannot decode them. */
	if (*mt == 7 && *ai < 20)
		return sceau_fail(err, SCEAU_ERR_FORMAT,
				  "%s: unassigned simple value %u at offset %zu", what, *ai, at);
	if (*ai < 24) {
		*arg = *ai;
		*pos = at + 1;
		return SCEAU_OK;
	}
	if (*ai >= 28 && *ai <= 30)
		return sceau_fail(err, SCEAU_ERR_FORMAT,
				  "%s: reserved additional information %u at offset %zu", what, *ai,
				  at);
	if (*ai == 31) {
		if (*mt == 7)
			return sceau_fail(err, SCEAU_ERR_FORMAT,
					  "%s: break code outside an indefinite-length item at "
					  "offset %zu",
					  what, at);
		if (*mt >= 2 && *mt <= 5)
			return sceau_fail(err, SCEAU_ERR_FORMAT,
					  "%s: indefinite-length %s at offset %zu is not accepted",
					  what, type_names[*mt], at);
		return sceau_fail(err, SCEAU_ERR_FORMAT,
				  "%s: %s with indefinite length at offset %zu", what,
				  type_names[*mt], at);
	}
	n = (size_t)1 << (*ai - 24);
	if (len - at - 1 < n)
		return sceau_fail(err, SCEAU_ERR_FORMAT, "%s: truncated %s head at offset %zu",
				  what, type_names[*mt], at);
	for (i = 0; i < n; i++)
		v = (v << 8) | buf[at + 1 + i];
	if (*mt == 7 && *ai == 24)
		return sceau_fail(err, SCEAU_ERR_FORMAT,
				  "%s: %s simple value %" PRIu64 " at offset %zu", what,
				  v < 32 ? "two-byte encoding of" : "unassigned", v, at);
	*arg = v;
	*pos = at + 1 + n;
	return SCEAU_OK;
}

enum sceau_err sceau_cbor_wf(const unsigned char *buf, size_t len, const char *what,
			     struct sceau_error *err)
{
	/* left[d]: items still expected at nesting level d (the top item is
	 * level 0, depth 1). pending: the sum of left[], every one of which
	 * needs at least one more byte, so pending never exceeds the bytes
	 * left: that bounds what libcbor may allocate by the input's size. */
	uint64_t left[SCEAU_CBOR_DEPTH_MAX];
	uint64_t pending = 1;
	size_t pos = 0, level = 0;

	if (!buf || len == 0)
		return sceau_fail(err, SCEAU_ERR_FORMAT, "%s: empty", what);
	left[0] = 1;
	while (pending > 0) {
		size_t at = pos;
		uint64_t arg = 0, children = 0;
		unsigned mt, ai;
		enum sceau_err ret;

		if (pos >= len)
			return sceau_fail(err, SCEAU_ERR_FORMAT,
					  "%s: truncated: %" PRIu64
					  " more item%s expected at the end",
					  what, pending, pending == 1 ? "" : "s");
		if ((ret = read_head(buf, len, &pos, &mt, &ai, &arg, what, err)) != SCEAU_OK)
			return ret;
		left[level]--;
		pending--;
		switch (mt) {
		case 2:
		case 3:
			if (arg > len - pos)
				return sceau_fail(err, SCEAU_ERR_FORMAT,
						  "%s: %s at offset %zu declares %" PRIu64
						  " bytes, only %zu left",
						  what, type_names[mt], at, arg, len - pos);
			pos += (size_t)arg;
			break;
		case 4:
			children = arg;
			break;
		case 5:
			if (arg > (len - pos) / 2)
				return sceau_fail(err, SCEAU_ERR_FORMAT,
						  "%s: map at offset %zu declares %" PRIu64
						  " pairs, only %zu bytes left",
						  what, at, arg, len - pos);
			children = 2 * arg;
			break;
		case 6:
			children = 1;
			break;
		default: /* integers, simple values and floats: the head is all */
			break;
		}
		if (children > 0) {
			if (children > len - pos)
				return sceau_fail(err, SCEAU_ERR_FORMAT,
						  "%s: %s at offset %zu declares %" PRIu64
						  " items, only %zu bytes left",
						  what, type_names[mt], at, children, len - pos);
			if (pending > len - pos - children)
				return sceau_fail(err, SCEAU_ERR_FORMAT,
						  "%s: %s at offset %zu declares %" PRIu64
						  " items with %" PRIu64
						  " more expected after it, only %zu bytes left",
						  what, type_names[mt], at, children, pending,
						  len - pos);
			if (level + 1 >= SCEAU_CBOR_DEPTH_MAX)
				return sceau_fail(err, SCEAU_ERR_FORMAT,
						  "%s: nested deeper than %d levels at offset %zu",
						  what, SCEAU_CBOR_DEPTH_MAX, at);
			left[++level] = children;
			pending += children;
		}
		while (level > 0 && left[level] == 0)
			level--;
	}
	if (pos != len)
		return sceau_fail(err, SCEAU_ERR_FORMAT,
				  "%s: %zu trailing byte%s after the item at offset %zu", what,
				  len - pos, len - pos == 1 ? "" : "s", pos);
	return SCEAU_OK;
}

/* Length of the head at buf[pos] and its argument; the input was accepted
 * by sceau_cbor_wf, so the head is complete and its ai below 28. */
static size_t head_at(const unsigned char *buf, size_t pos, uint64_t *arg)
{
	unsigned ai = buf[pos] & 31;
	size_t n, i;

	if (ai < 24) {
		*arg = ai;
		return 1;
	}
	n = (size_t)1 << (ai - 24);
	*arg = 0;
	for (i = 0; i < n; i++)
		*arg = (*arg << 8) | buf[pos + 1 + i];
	return 1 + n;
}

enum sceau_err sceau_cbor_widen_tags(const unsigned char *buf, size_t len, unsigned char **out,
				     size_t *out_len, struct sceau_error *err)
{
	size_t pos, o = 0, h, count = 0;
	unsigned char *copy = NULL;
	uint64_t arg;
	int pass;

	*out = NULL;
	*out_len = 0;
	for (pass = 0; pass < 2; pass++) {
		for (pos = 0; pos < len; pos += h) {
			unsigned mt = buf[pos] >> 5, ai = buf[pos] & 31;
			int short_tag = mt == 6 && ai >= 6 && ai <= 20;

			h = head_at(buf, pos, &arg);
			if (mt == 2 || mt == 3)
				h += (size_t)arg;
			if (pass == 0) {
				count += short_tag;
				continue;
			}
			if (short_tag) {
				copy[o++] = 0xd8;
				copy[o++] = (unsigned char)ai;
			} else {
				memcpy(copy + o, buf + pos, h);
				o += h;
			}
		}
		if (pass == 0) {
			if (count == 0)
				return SCEAU_OK;
			if (count > SIZE_MAX - len || !(copy = malloc(len + count)))
				return sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
		}
	}
	*out = copy;
	*out_len = o;
	return SCEAU_OK;
}
