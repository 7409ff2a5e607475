/* sceau — the document claims a QR code carries (docs/formats.md, "QR
 * claims"): built from a record, and read back strictly from a payload
 * nobody has vouched for yet. */
#include <stdlib.h>
#include <string.h>

#include "cbor_int.h"
#include "qrclaims.h"
#include "record_int.h"

/* ---- building ------------------------------------------------------------ */

/* At most `max` code points of s, without trailing spaces. */
static cbor_item_t *text_cut(const char *s, size_t max)
{
	size_t i = 0, chars = 0;

	while (s[i]) {
		if (((unsigned char)s[i] & 0xC0) != 0x80 && chars++ == max)
			break;
		i++;
	}
	while (i > 0 && s[i - 1] == ' ')
		i--;
	return sceau_cbor_textn(s, i);
}

static cbor_item_t *line_item(const struct sceau_record *rec, size_t i)
{
	char path[64];
	cbor_item_t *a;
	const char *s;
	int coc = sceau_record_type(rec) == SCEAU_PROGRAM_COC;

#define GET(field)                                                                                 \
	(snprintf(path, sizeof(path), "products[%zu]." field, i), sceau_record_get(rec, path))
	if (!(a = cbor_new_definite_array(coc ? 4 : 2)))
		return NULL;
	if (coc) {
		s = GET("short_description");
		if (!s)
			s = GET("description");
		if (sceau_cbor_push(a, sceau_cbor_text(GET("tariff_code"))) &&
		    sceau_cbor_push(a, text_cut(s, SCEAU_QR_DESC_MAX)) &&
		    sceau_cbor_push(a, sceau_cbor_text(GET("quantity"))) &&
		    sceau_cbor_push(a, sceau_cbor_text(GET("unit"))))
			return a;
	} else {
		if (sceau_cbor_push(a, text_cut(GET("name"), SCEAU_QR_DESC_MAX)) &&
		    sceau_cbor_push(a, text_cut(GET("brand"), SCEAU_QR_DESC_MAX)))
			return a;
	}
#undef GET
	cbor_decref(&a);
	return NULL;
}

cbor_item_t *sceau_qrclaims_build(const struct sceau_record *rec, size_t nlines, int cut_name,
				  const unsigned char digest[32])
{
	int coc = sceau_record_type(rec) == SCEAU_PROGRAM_COC;
	const char *party = coc ? "importer" : "holder";
	char path[32];
	const char *route = sceau_record_get(rec, "route");
	const char *ref = NULL;
	size_t count = sceau_record_count(rec, "products");
	cbor_item_t *m = NULL, *p = NULL, *lines = NULL;
	size_t n = 6; /* type, number, party, issue, line count, digest */

	if (coc) {
		ref = !strcmp(route, "B")   ? sceau_record_get(rec, "registration_number")
		      : !strcmp(route, "C") ? sceau_record_get(rec, "licence_number")
					    : NULL;
		n += 2 + (ref != NULL);
	} else {
		n += 1;
	}
	n += nlines > 0;
	n += sceau_record_get(rec, "supersedes") != NULL;
	if (!(m = cbor_new_definite_map(n)) || !(p = cbor_new_definite_array(2)))
		goto fail;
	snprintf(path, sizeof(path), "%s.name", party);
	if (!sceau_cbor_push(p, cut_name ? text_cut(sceau_record_get(rec, path), SCEAU_QR_NAME_MIN)
					 : sceau_cbor_text(sceau_record_get(rec, path))))
		goto fail;
	snprintf(path, sizeof(path), "%s.ice", party);
	if (!sceau_cbor_push(p, sceau_cbor_text(sceau_record_get(rec, path))))
		goto fail;
	if (!sceau_cbor_put(m, QC_TYPE, sceau_cbor_int(sceau_record_type(rec))) ||
	    !sceau_cbor_put(m, QC_NUMBER, sceau_cbor_text(sceau_record_get(rec, "number"))))
		goto fail;
	if (!sceau_cbor_put(m, QC_PARTY, p)) {
		p = NULL;
		goto fail;
	}
	p = NULL;
	if (coc && (!sceau_cbor_put(m, QC_ROUTE, sceau_cbor_text(route)) ||
		    (ref && !sceau_cbor_put(m, QC_ROUTE_REF, sceau_cbor_text(ref))) ||
		    !sceau_cbor_put(m, QC_ORIGIN,
				    sceau_cbor_text(sceau_record_get(rec, "country_of_origin")))))
		goto fail;
	if (!coc &&
	    !sceau_cbor_put(m, QC_STANDARD, sceau_cbor_text(sceau_record_get(rec, "standard"))))
		goto fail;
	int32_t issue = 0;
	sceau_date_parse(sceau_record_get(rec, "issue_date"), &issue);
	if (!sceau_cbor_put(m, QC_ISSUE, sceau_cbor_int(issue)) ||
	    !sceau_cbor_put(m, QC_LINE_COUNT, sceau_cbor_int((int64_t)count)))
		goto fail;
	if (nlines > 0) {
		if (!(lines = cbor_new_definite_array(nlines)))
			goto fail;
		for (size_t i = 0; i < nlines; i++)
			if (!sceau_cbor_push(lines, line_item(rec, i)))
				goto fail;
		if (!sceau_cbor_put(m, QC_LINES, lines)) {
			lines = NULL;
			goto fail;
		}
		lines = NULL;
	}
	if (!sceau_cbor_put(m, QC_DIGEST, sceau_cbor_bytes(digest, 32)))
		goto fail;
	if (sceau_record_get(rec, "supersedes") &&
	    !sceau_cbor_put(m, QC_SUPERSEDES, sceau_cbor_text(sceau_record_get(rec, "supersedes"))))
		goto fail;
	return m;
fail:
	if (lines)
		cbor_decref(&lines);
	if (p)
		cbor_decref(&p);
	if (m)
		cbor_decref(&m);
	return NULL;
}

/* ---- reading --------------------------------------------------------------- */

/* Valid UTF-8 (no overlongs, no surrogates) without control characters. */
static int utf8_text_ok(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i], need, cp;
		if (c < 0x80) {
			if (c < 0x20 || c == 0x7F)
				return 0;
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			need = 1;
			cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			need = 2;
			cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			need = 3;
			cp = c & 0x07;
		} else {
			return 0;
		}
		for (size_t k = 1; k <= need; k++) {
			if (i + k >= n || (s[i + k] & 0xC0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3F);
		}
		if ((need == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
		    (need == 3 && (cp < 0x10000 || cp > 0x10FFFF)) || sceau_cp_forbidden(cp))
			return 0;
		i += need + 1;
	}
	return 1;
}

/* A definite text string of 1..max code points, copied. NULL when not. */
static char *get_text(cbor_item_t *it, size_t max)
{
	size_t n;
	char *s;

	if (!cbor_isa_string(it) || !cbor_string_is_definite(it))
		return NULL;
	n = cbor_string_length(it);
	if (n == 0 || n > max * 4 || !utf8_text_ok(cbor_string_handle(it), n))
		return NULL;
	if (!(s = malloc(n + 1)))
		return NULL;
	memcpy(s, cbor_string_handle(it), n);
	s[n] = 0;
	if (sceau_utf8_len(s) > max) {
		free(s);
		return NULL;
	}
	return s;
}

static int get_uint(cbor_item_t *it, uint64_t *out)
{
	if (!cbor_isa_uint(it))
		return 0;
	*out = cbor_get_int(it);
	return 1;
}

/* Map key as a signed integer; 0 (never a valid key here) when not one. */
static int64_t key_of(cbor_item_t *k)
{
	uint64_t v;

	if (!cbor_isa_uint(k) && !cbor_isa_negint(k))
		return 0;
	v = cbor_get_int(k);
	if (cbor_isa_uint(k))
		return v > INT64_MAX ? 0 : (int64_t)v;
	if (cbor_isa_negint(k))
		return v >= (uint64_t)INT64_MAX ? 0 : -1 - (int64_t)v;
	return 0;
}

#define BAD(...) (sceau_fail(err, SCEAU_ERR_FORMAT, __VA_ARGS__), -1)

static int read_line(cbor_item_t *it, enum sceau_program type, struct sceau_payload_line *l,
		     size_t i, struct sceau_error *err)
{
	cbor_item_t **a;
	size_t want = type == SCEAU_PROGRAM_COC ? 4 : 2;

	if (!cbor_isa_array(it) || !cbor_array_is_definite(it) || cbor_array_size(it) != want)
		return BAD("claim lines[%zu]: expected an array of %zu items", i, want);
	a = cbor_array_handle(it);
	if (type == SCEAU_PROGRAM_COC) {
		l->code = get_text(a[0], 10);
		l->text = get_text(a[1], SCEAU_QR_DESC_MAX);
		l->quantity = get_text(a[2], 22);
		l->unit = get_text(a[3], 4);
		if (!l->code || !sceau_check_tariff(l->code) || !l->text || !l->quantity ||
		    !sceau_check_amount(l->quantity) || !l->unit || !sceau_check_unit(l->unit))
			return BAD("claim lines[%zu]: expected tariff code, description, quantity "
				   "and unit",
				   i);
	} else {
		l->text = get_text(a[0], SCEAU_QR_DESC_MAX);
		l->code = get_text(a[1], SCEAU_QR_DESC_MAX);
		if (!l->text || !l->code)
			return BAD("claim lines[%zu]: expected product name and brand", i);
	}
	return 0;
}

enum sceau_err sceau_qrclaims_read(cbor_item_t *m, struct sceau_payload *p, struct sceau_error *err)
{
	struct cbor_pair *pairs;
	size_t n;
	unsigned seen = 0;
	uint64_t u;

	if (!cbor_isa_map(m) || !cbor_map_is_definite(m))
		return sceau_fail(err, SCEAU_ERR_FORMAT, "document claims: expected a map");
	n = cbor_map_size(m);
	pairs = cbor_map_handle(m);
	for (size_t i = 0; i < n; i++) {
		int64_t k = key_of(pairs[i].key);
		cbor_item_t *v = pairs[i].value;
		if (k < QC_TYPE || k > QC_SUPERSEDES)
			return sceau_fail(err, SCEAU_ERR_FORMAT, "document claims: unknown key");
		if (seen & (1u << k))
			return sceau_fail(err, SCEAU_ERR_FORMAT,
					  "document claims: key %lld given twice", (long long)k);
		seen |= 1u << k;
		switch (k) {
		case QC_TYPE:
			if (!get_uint(v, &u) ||
			    (u != SCEAU_PROGRAM_COC && u != SCEAU_PROGRAM_HALAL))
				return sceau_fail(err, SCEAU_ERR_FORMAT, "claim type: unknown");
			p->type = (enum sceau_program)u;
			break;
		case QC_NUMBER:
			if (!(p->number = get_text(v, 40)) || !sceau_check_number(p->number))
				return sceau_fail(err, SCEAU_ERR_FORMAT,
						  "claim number: not a certificate number");
			break;
		case QC_PARTY:
			if (!cbor_isa_array(v) || !cbor_array_is_definite(v) ||
			    cbor_array_size(v) != 2 ||
			    !(p->party_name = get_text(cbor_array_handle(v)[0], 120)) ||
			    !(p->party_ice = get_text(cbor_array_handle(v)[1], 15)) ||
			    !sceau_ice_valid(p->party_ice))
				return sceau_fail(err, SCEAU_ERR_FORMAT,
						  "claim party: expected [name, valid ICE]");
			break;
		case QC_ROUTE:
			if (!(p->route = get_text(v, 1)) || !sceau_check_route(p->route))
				return sceau_fail(err, SCEAU_ERR_FORMAT,
						  "claim route: expected A, B or C");
			break;
		case QC_ROUTE_REF:
			if (!(p->route_ref = get_text(v, 40)))
				return sceau_fail(err, SCEAU_ERR_FORMAT,
						  "claim route reference: expected text");
			break;
		case QC_ORIGIN:
			if (!(p->origin = get_text(v, 2)) || !sceau_check_country(p->origin))
				return sceau_fail(err, SCEAU_ERR_FORMAT,
						  "claim origin: expected a country code");
			break;
		case QC_STANDARD:
			if (!(p->standard = get_text(v, 11)) ||
			    !sceau_check_halal_standard(p->standard))
				return sceau_fail(err, SCEAU_ERR_FORMAT,
						  "claim standard: expected a Halal standard");
			break;
		case QC_ISSUE:
			/* 1970-01-01 .. 9999-12-31 */
			if (!get_uint(v, &u) || u > 2932896)
				return sceau_fail(err, SCEAU_ERR_FORMAT,
						  "claim issue date: expected a day number");
			sceau_date_format((int32_t)u, p->issue_date);
			break;
		case 9:
			return sceau_fail(err, SCEAU_ERR_FORMAT, "document claims: unknown key");
		case QC_LINE_COUNT:
			if (!get_uint(v, &u) || u < 1 || u > 1000)
				return sceau_fail(err, SCEAU_ERR_FORMAT,
						  "claim line count: expected 1 to 1000");
			p->line_count = (uint32_t)u;
			break;
		case QC_LINES:
			if (!cbor_isa_array(v) || !cbor_array_is_definite(v) ||
			    cbor_array_size(v) < 1 || cbor_array_size(v) > SCEAU_QR_LINES_MAX)
				return sceau_fail(err, SCEAU_ERR_FORMAT,
						  "claim lines: expected 1 to %d lines",
						  SCEAU_QR_LINES_MAX);
			p->n_lines = cbor_array_size(v);
			if (!(p->lines = calloc(p->n_lines, sizeof(*p->lines))))
				return sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
			break;
		case QC_SUPERSEDES:
			if (!(p->supersedes = get_text(v, 40)) ||
			    !sceau_check_number(p->supersedes))
				return sceau_fail(err, SCEAU_ERR_FORMAT,
						  "claim supersedes: not a certificate number");
			break;
		case QC_DIGEST:
			if (!cbor_isa_bytestring(v) || !cbor_bytestring_is_definite(v) ||
			    cbor_bytestring_length(v) != 32)
				return sceau_fail(err, SCEAU_ERR_FORMAT,
						  "claim digest: expected 32 bytes");
			memcpy(p->digest, cbor_bytestring_handle(v), 32);
			break;
		}
	}
	/* Lines need the type, which may come later in a hostile map. */
	for (size_t i = 0; i < n; i++) {
		if (key_of(pairs[i].key) != QC_LINES)
			continue;
		for (size_t j = 0; j < p->n_lines; j++)
			if (read_line(cbor_array_handle(pairs[i].value)[j], p->type, &p->lines[j],
				      j, err))
				return SCEAU_ERR_FORMAT;
	}
	unsigned need = 1u << QC_TYPE | 1u << QC_NUMBER | 1u << QC_PARTY | 1u << QC_ISSUE |
			1u << QC_LINE_COUNT | 1u << QC_DIGEST;
	unsigned coc = 1u << QC_ROUTE | 1u << QC_ORIGIN;
	if (p->type == SCEAU_PROGRAM_COC)
		need |= coc;
	else
		need |= 1u << QC_STANDARD;
	if ((seen & need) != need)
		return sceau_fail(err, SCEAU_ERR_FORMAT,
				  "document claims: a required claim is missing");
	if ((p->type == SCEAU_PROGRAM_COC && (seen & 1u << QC_STANDARD)) ||
	    (p->type != SCEAU_PROGRAM_COC && (seen & (coc | 1u << QC_ROUTE_REF))))
		return sceau_fail(err, SCEAU_ERR_FORMAT,
				  "document claims: a claim that does not belong to this type");
	if (p->route && (!strcmp(p->route, "A")) != !p->route_ref)
		return sceau_fail(err, SCEAU_ERR_FORMAT,
				  "claim route reference: required for routes B and C only");
	if (p->n_lines > p->line_count)
		return sceau_fail(err, SCEAU_ERR_FORMAT, "claim lines: more than the line count");
	return SCEAU_OK;
}
