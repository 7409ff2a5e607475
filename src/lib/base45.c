/* sceau — Base45 (RFC 9285), the text form of the QR payload.
 *
 * Two bytes become three characters of a 45-character alphabet that QR
 * alphanumeric mode encodes compactly; a last odd byte becomes two. The
 * decoder is strict: RFC 9285 section 4.2 says a decoder must refuse a
 * character outside the alphabet, a value that does not fit, and a
 * length of one modulo three; lower case is outside the alphabet. */
#include <stdint.h>
#include <stdlib.h>

#include "internal.h"
#include "sceau/envelope.h"

static const char alphabet[45] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

/* Value of a character, or -1. */
static int b45_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	switch (c) {
	case ' ':
		return 36;
	case '$':
		return 37;
	case '%':
		return 38;
	case '*':
		return 39;
	case '+':
		return 40;
	case '-':
		return 41;
	case '.':
		return 42;
	case '/':
		return 43;
	case ':':
		return 44;
	default:
		return -1;
	}
}

enum sceau_err sceau_base45_encode(const unsigned char *in, size_t len, char **out, size_t *out_len,
				   struct sceau_error *err)
{
	size_t n, i, o = 0;
	char *s;

	if (!out || (!in && len > 0))
		return sceau_fail(err, SCEAU_ERR_INVALID, "base45: no input or output");
	*out = NULL;
	if (len / 2 > (SIZE_MAX - 3) / 3)
		return sceau_fail(err, SCEAU_ERR_INVALID, "base45: input too large");
	n = len / 2 * 3 + (len % 2) * 2;
	if (!(s = malloc(n + 1)))
		return sceau_fail(err, SCEAU_ERR_NOMEM, "base45: out of memory");
	for (i = 0; i + 1 < len; i += 2) {
		unsigned v = (unsigned)in[i] * 256 + in[i + 1];
		s[o++] = alphabet[v % 45];
		s[o++] = alphabet[v / 45 % 45];
		s[o++] = alphabet[v / (45 * 45)];
	}
	if (len % 2) {
		unsigned v = in[len - 1];
		s[o++] = alphabet[v % 45];
		s[o++] = alphabet[v / 45];
	}
	s[o] = '\0';
	*out = s;
	if (out_len)
		*out_len = o;
	return SCEAU_OK;
}

/* Name an offending character: 'a' when printable, else its byte value. */
static enum sceau_err bad_char(struct sceau_error *err, unsigned char c, size_t at)
{
	if (c >= 0x20 && c < 0x7f && c != '\'')
		return sceau_fail(err, SCEAU_ERR_FORMAT, "base45: invalid character '%c' at %zu", c,
				  at);
	return sceau_fail(err, SCEAU_ERR_FORMAT, "base45: invalid byte 0x%02x at %zu", c, at);
}

enum sceau_err sceau_base45_decode_at(const char *in, size_t len, size_t base, unsigned char **out,
				      size_t *out_len, struct sceau_error *err)
{
	const unsigned char *s = (const unsigned char *)in;
	enum sceau_err ret = SCEAU_ERR_FORMAT;
	unsigned char *buf = NULL;
	size_t i, o = 0;

	if (!out || !out_len || (!in && len > 0))
		return sceau_fail(err, SCEAU_ERR_INVALID, "base45: no input or output");
	*out = NULL;
	*out_len = 0;
	/* Characters first: a stray character is the likelier mistake, and
	 * the message names where it is. */
	for (i = 0; i < len; i++)
		if (b45_value(s[i]) < 0)
			return bad_char(err, s[i], base + i);
	if (len % 3 == 1)
		return sceau_fail(err, SCEAU_ERR_FORMAT,
				  "base45: length %zu is one more than a multiple of 3", len);
	/* +1: malloc(0) may return NULL. */
	if (!(buf = malloc(len / 3 * 2 + 1)))
		return sceau_fail(err, SCEAU_ERR_NOMEM, "base45: out of memory");
	for (i = 0; i < len; i += 3) {
		unsigned v = (unsigned)b45_value(s[i]) + (unsigned)b45_value(s[i + 1]) * 45;

		if (len - i == 2) {
			if (v > 0xff) {
				ret = sceau_fail(err, SCEAU_ERR_FORMAT,
						 "base45: pair '%.2s' at %zu encodes %u, above 255",
						 in + i, base + i, v);
				goto out;
			}
			buf[o++] = (unsigned char)v;
			break;
		}
		v += (unsigned)b45_value(s[i + 2]) * 45 * 45;
		if (v > 0xffff) {
			ret = sceau_fail(err, SCEAU_ERR_FORMAT,
					 "base45: triple '%.3s' at %zu encodes %u, above 65535",
					 in + i, base + i, v);
			goto out;
		}
		buf[o++] = (unsigned char)(v >> 8);
		buf[o++] = (unsigned char)(v & 0xff);
	}
	*out = buf;
	*out_len = o;
	buf = NULL;
	ret = SCEAU_OK;
out:
	free(buf);
	return ret;
}

enum sceau_err sceau_base45_decode(const char *in, size_t len, unsigned char **out, size_t *out_len,
				   struct sceau_error *err)
{
	return sceau_base45_decode_at(in, len, 0, out, out_len, err);
}
