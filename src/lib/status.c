/* sceau — document status lists: build, sign, decode, look up.
 *
 * A list is a COSE_Sign1 (tag 18) with protected header {1: alg, 3:
 * SCEAU_STATUS_CTYPE, 4: kid}, an empty unprotected header and, as its
 * payload, one canonical CBOR map (docs/formats.md, section 10):
 *
 *   {1: issuer, 2: sequence, 3: issued, 4: next_update,
 *    5: [[number, state, reason, since (, by)], ...]}
 *
 * The reader does not go through libcbor: sceau_cbor_wf bounds the input
 * (one item, depth, every length backed by bytes), then a direct walk reads
 * exactly that shape in one pass and without allocating per item. libcbor's
 * tree costs several allocations per entry (about half a kilobyte each), so
 * a list of a million entries would have cost hundreds of megabytes before
 * its signature was even checked; the walk costs the entries' own array.
 * Being stricter than the general COSE reader is fine: only sceau writes
 * status lists. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/x509.h>

#include "record_int.h"
#include "trust_int.h"

#define KEY_ISSUER   1
#define KEY_SEQUENCE 2
#define KEY_ISSUED   3
#define KEY_NEXT     4
#define KEY_ENTRIES  5
#define ISSUER_MAX   127
/* 9999-12-31T23:59:59Z: times beyond are refused, as dates are. */
#define TIME_MAX ((uint64_t)253402300799)

/* ---- names ------------------------------------------------------------------ */

static const char *const state_names[] = {"good", "revoked", "suspended", "superseded"};
static const char *const reason_names[] = {
	"unspecified", "issued_in_error", "non_conformity", "fraud",
	"withdrawn",   "holder_request",  "investigation",  "superseded",
};
#define NSTATES  (sizeof(state_names) / sizeof(state_names[0]))
#define NREASONS (sizeof(reason_names) / sizeof(reason_names[0]))

const char *sceau_doc_state_name(enum sceau_doc_state s)
{
	return (unsigned)s < NSTATES ? state_names[s] : "unknown";
}

const char *sceau_doc_reason_name(enum sceau_doc_reason r)
{
	return (unsigned)r < NREASONS ? reason_names[r] : "unknown";
}

enum sceau_err sceau_doc_reason_from_name(const char *name, enum sceau_doc_reason *out,
					  struct sceau_error *err)
{
	char list[256] = "";
	size_t n = 0;

	for (size_t i = 0; name && i < NREASONS; i++)
		if (!strcmp(name, reason_names[i])) {
			if (out)
				*out = (enum sceau_doc_reason)i;
			return SCEAU_OK;
		}
	for (size_t i = 0; i < NREASONS; i++)
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s", i ? ", " : "",
				      reason_names[i]);
	return sceau_fail(err, SCEAU_ERR_INVALID, "unknown reason '%.40s' (one of: %s)",
			  name ? name : "", list);
}

void sceau_status_free(struct sceau_status *s)
{
	if (!s)
		return;
	free(s->entries);
	free(s->raw);
	free(s);
}

/* ---- entries ---------------------------------------------------------------- */

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct sceau_status_entry *)a)->number,
		      ((const struct sceau_status_entry *)b)->number);
}

/* A number field: NUL-terminated within its array, a certificate number. */
static int ok_number(const char *s)
{
	return memchr(s, 0, SCEAU_NUMBER_MAX) && sceau_check_number(s);
}

/* One entry's fields; `code` is the error to give (INVALID when building,
 * FORMAT when reading). Entry `i` counts from 0 in messages. */
static enum sceau_err check_entry(const struct sceau_status_entry *e, size_t i, enum sceau_err code,
				  struct sceau_error *err)
{
	if (!ok_number(e->number))
		return sceau_fail(err, code,
				  "status list: entry %zu: number '%.*s' is not a certificate "
				  "number",
				  i, SCEAU_NUMBER_MAX - 1, e->number);
	if ((unsigned)e->state >= NSTATES)
		return sceau_fail(err, code, "status list: entry %zu ('%s'): unknown state %u", i,
				  e->number, (unsigned)e->state);
	if (e->state == SCEAU_DOC_GOOD)
		return sceau_fail(err, code,
				  "status list: entry %zu ('%s'): a certificate in good standing "
				  "is not listed",
				  i, e->number);
	if ((unsigned)e->reason >= NREASONS)
		return sceau_fail(err, code, "status list: entry %zu ('%s'): unknown reason %u", i,
				  e->number, (unsigned)e->reason);
	if (e->since < 0 || (uint64_t)e->since > TIME_MAX)
		return sceau_fail(err, code, "status list: entry %zu ('%s'): date out of range", i,
				  e->number);
	if (e->state == SCEAU_DOC_SUPERSEDED) {
		if (!ok_number(e->by))
			return sceau_fail(err, code,
					  "status list: entry %zu ('%s'): superseded, but not by a "
					  "certificate number",
					  i, e->number);
		if (!strcmp(e->by, e->number))
			return sceau_fail(err, code,
					  "status list: entry %zu ('%s'): superseded by itself", i,
					  e->number);
	} else if (e->by[0]) {
		return sceau_fail(err, code,
				  "status list: entry %zu ('%s'): names a replacement but is %s, "
				  "not superseded",
				  i, e->number, sceau_doc_state_name(e->state));
	}
	return SCEAU_OK;
}

/* Entry `i` comes after entry `i - 1`: sorted by number, each once. */
static enum sceau_err check_pair(const struct sceau_status_entry *prev,
				 const struct sceau_status_entry *cur, size_t i,
				 enum sceau_err code, struct sceau_error *err)
{
	int c = strcmp(prev->number, cur->number);

	if (c == 0)
		return sceau_fail(err, code, "status list: '%s' is listed twice", cur->number);
	if (c > 0)
		return sceau_fail(err, code,
				  "status list: entry %zu ('%s') comes after '%s': entries must "
				  "be sorted by number",
				  i, cur->number, prev->number);
	return SCEAU_OK;
}

/* ---- building --------------------------------------------------------------- */

static size_t put_text(unsigned char *b, const char *s)
{
	size_t n = strlen(s), h = sceau_cbor_head(b, 3, n);
	memcpy(b + h, s, n);
	return h + n;
}

/* The canonical payload; *out: caller frees. */
static enum sceau_err encode_payload(const struct sceau_status *s, unsigned char **out,
				     size_t *out_len, struct sceau_error *err)
{
	/* Heads are at most 9 bytes; an entry at most 1 + 3 * 9 + 2 numbers. */
	size_t cap = 64 + 2 * 9 + strlen(s->issuer) + 9 +
		     s->n_entries * (1 + 4 * 9 + 2 * SCEAU_NUMBER_MAX);
	unsigned char *b = malloc(cap);
	size_t n = 0;

	if (!b)
		return sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
	n += sceau_cbor_head(b + n, 5, 5);
	n += sceau_cbor_head(b + n, 0, KEY_ISSUER);
	n += put_text(b + n, s->issuer);
	n += sceau_cbor_head(b + n, 0, KEY_SEQUENCE);
	n += sceau_cbor_head(b + n, 0, s->sequence);
	n += sceau_cbor_head(b + n, 0, KEY_ISSUED);
	n += sceau_cbor_head(b + n, 0, (uint64_t)s->issued);
	n += sceau_cbor_head(b + n, 0, KEY_NEXT);
	n += sceau_cbor_head(b + n, 0, (uint64_t)s->next_update);
	n += sceau_cbor_head(b + n, 0, KEY_ENTRIES);
	n += sceau_cbor_head(b + n, 4, s->n_entries);
	for (size_t i = 0; i < s->n_entries; i++) {
		const struct sceau_status_entry *e = &s->entries[i];
		int by = e->state == SCEAU_DOC_SUPERSEDED;
		n += sceau_cbor_head(b + n, 4, by ? 5 : 4);
		n += put_text(b + n, e->number);
		n += sceau_cbor_head(b + n, 0, (uint64_t)e->state);
		n += sceau_cbor_head(b + n, 0, (uint64_t)e->reason);
		n += sceau_cbor_head(b + n, 0, (uint64_t)e->since);
		if (by)
			n += put_text(b + n, e->by);
	}
	*out = b;
	*out_len = n;
	return SCEAU_OK;
}

enum sceau_err sceau_status_build(const struct sceau_status_entry *entries, size_t n,
				  uint64_t sequence, time_t issued, time_t next_update, X509 *cert,
				  EVP_PKEY *key, struct sceau_status **out, struct sceau_error *err)
{
	enum sceau_err ret = SCEAU_ERR_INVALID;
	struct sceau_status *s = NULL;
	unsigned char *payload = NULL;
	size_t payload_len = 0;

	if (!out)
		return sceau_fail(err, SCEAU_ERR_INVALID, "no place for the status list");
	*out = NULL;
	if (!cert || !key || (n && !entries))
		return sceau_fail(err, SCEAU_ERR_INVALID, "no entries, certificate or key given");
	if (n > SCEAU_STATUS_ENTRIES_MAX)
		return sceau_fail(err, SCEAU_ERR_INVALID, "status list: %zu entries, more than %d",
				  n, SCEAU_STATUS_ENTRIES_MAX);
	if (sequence > INT64_MAX)
		return sceau_fail(err, SCEAU_ERR_INVALID, "status list: sequence out of range");
	if (!issued)
		issued = time(NULL);
	if (issued < 0 || (uint64_t)issued > TIME_MAX || next_update <= issued ||
	    (uint64_t)next_update > TIME_MAX)
		return sceau_fail(err, SCEAU_ERR_INVALID,
				  "status list: the next update must come after the issue time");
	if (X509_check_private_key(cert, key) != 1) {
		ERR_clear_error();
		return sceau_fail(err, SCEAU_ERR_MISMATCH,
				  "the signing key does not belong to the signer certificate");
	}
	if (!(s = calloc(1, sizeof(*s))) || !(s->entries = calloc(n ? n : 1, sizeof(*entries)))) {
		ret = sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
		goto out;
	}
	sceau_cert_cn(cert, s->issuer, sizeof(s->issuer));
	if (!s->issuer[0]) {
		ret = sceau_fail(err, SCEAU_ERR_INVALID,
				 "the signer certificate has no common name");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		/* copy field by field: the caller's arrays may hold junk past
		 * the NUL, the signed bytes and comparisons must not */
		struct sceau_status_entry *e = &s->entries[i];
		if ((ret = check_entry(&entries[i], i, SCEAU_ERR_INVALID, err)) != SCEAU_OK)
			goto out;
		memcpy(e->number, entries[i].number, strlen(entries[i].number) + 1);
		e->state = entries[i].state;
		e->reason = entries[i].reason;
		e->since = entries[i].since;
		if (e->state == SCEAU_DOC_SUPERSEDED)
			memcpy(e->by, entries[i].by, strlen(entries[i].by) + 1);
	}
	if (n > 1)
		qsort(s->entries, n, sizeof(*s->entries), cmp_entry);
	for (size_t i = 1; i < n; i++)
		if ((ret = check_pair(&s->entries[i - 1], &s->entries[i], i, SCEAU_ERR_INVALID,
				      err)) != SCEAU_OK)
			goto out;
	s->n_entries = n;
	s->sequence = sequence;
	s->issued = issued;
	s->next_update = next_update;
	if ((ret = sceau_cert_kid(cert, s->kid, err)) != SCEAU_OK ||
	    (ret = encode_payload(s, &payload, &payload_len, err)) != SCEAU_OK ||
	    (ret = sceau_cose_sign_typed(payload, payload_len, key, s->kid, SCEAU_KID_LEN,
					 SCEAU_STATUS_CTYPE, &s->raw, &s->raw_len, err)) !=
		    SCEAU_OK)
		goto out;
	*out = s;
	s = NULL;
	ret = SCEAU_OK;
out:
	free(payload);
	sceau_status_free(s);
	return ret;
}

/* ---- reading ---------------------------------------------------------------- */

/* A cursor over bytes sceau_cbor_wf accepted; still bounds-checked. */
struct rd {
	const unsigned char *p, *end;
	struct sceau_error *err;
};

/* The next head: major type and argument, shortest form only (the payload
 * is canonical, so one list has one encoding). */
static enum sceau_err head(struct rd *r, unsigned *mt, uint64_t *arg, const char *what)
{
	static const uint64_t least[4] = {24, 0x100, 0x10000, 0x100000000};
	unsigned ai, k;
	uint64_t v = 0;

	*mt = 0;
	*arg = 0;
	if (r->p >= r->end)
		return sceau_fail(r->err, SCEAU_ERR_FORMAT, "status list: truncated at %s", what);
	*mt = *r->p >> 5;
	ai = *r->p++ & 31;
	if (ai < 24) {
		*arg = ai;
		return SCEAU_OK;
	}
	if (ai > 27)
		return sceau_fail(r->err, SCEAU_ERR_FORMAT,
				  "status list: %s: indefinite or reserved length", what);
	k = 1u << (ai - 24);
	if ((size_t)(r->end - r->p) < k)
		return sceau_fail(r->err, SCEAU_ERR_FORMAT, "status list: truncated at %s", what);
	for (unsigned i = 0; i < k; i++)
		v = v << 8 | *r->p++;
	if (v < least[ai - 24])
		return sceau_fail(r->err, SCEAU_ERR_FORMAT,
				  "status list: %s is not in its shortest form", what);
	*arg = v;
	return SCEAU_OK;
}

static const char *const mt_names[8] = {
	"an unsigned integer",
	"a negative integer",
	"a byte string",
	"a text string",
	"an array",
	"a map",
	"a tag",
	"a float or simple value",
};

/* A head of major type `want`. */
static enum sceau_err expect(struct rd *r, unsigned want, uint64_t *arg, const char *what)
{
	unsigned mt;
	enum sceau_err ret = head(r, &mt, arg, what);

	if (ret == SCEAU_OK && mt != want)
		ret = sceau_fail(r->err, SCEAU_ERR_FORMAT, "status list: %s is %s, not %s", what,
				 mt_names[mt], mt_names[want]);
	return ret;
}

/* A string of major type `mt` (2 or 3): *s points into the input. */
static enum sceau_err string(struct rd *r, unsigned mt, const unsigned char **s, size_t *len,
			     const char *what)
{
	uint64_t n = 0;
	enum sceau_err ret;

	*s = NULL;
	*len = 0;
	if ((ret = expect(r, mt, &n, what)) != SCEAU_OK)
		return ret;
	if (n > (uint64_t)(r->end - r->p))
		return sceau_fail(r->err, SCEAU_ERR_FORMAT, "status list: truncated in %s", what);
	*s = r->p;
	*len = (size_t)n;
	r->p += n;
	return SCEAU_OK;
}

/* A text field into buf[cap] (at most cap - 1 bytes). */
static enum sceau_err text(struct rd *r, char *buf, size_t cap, const char *what)
{
	const unsigned char *s;
	size_t n;
	enum sceau_err ret = string(r, 3, &s, &n, what);

	if (ret != SCEAU_OK)
		return ret;
	if (n == 0 || n >= cap || memchr(s, 0, n))
		return sceau_fail(r->err, SCEAU_ERR_FORMAT,
				  "status list: %s must be 1 to %zu bytes without NUL", what,
				  cap - 1);
	memcpy(buf, s, n);
	buf[n] = 0;
	return SCEAU_OK;
}

/* A map key: the unsigned integer `want`. */
static enum sceau_err key(struct rd *r, uint64_t want)
{
	uint64_t k;
	enum sceau_err ret = expect(r, 0, &k, "a map key");

	if (ret == SCEAU_OK && k != want)
		ret = sceau_fail(r->err, SCEAU_ERR_FORMAT,
				 "status list: key %" PRIu64 " where key %" PRIu64
				 " belongs (keys 1 to 5, in order)",
				 k, want);
	return ret;
}

/* An instant: an unsigned integer up to the year 9999. */
static enum sceau_err instant(struct rd *r, time_t *t, const char *what)
{
	uint64_t v;
	enum sceau_err ret = expect(r, 0, &v, what);

	if (ret != SCEAU_OK)
		return ret;
	if (v > TIME_MAX)
		return sceau_fail(r->err, SCEAU_ERR_FORMAT, "status list: %s out of range", what);
	*t = (time_t)v;
	return SCEAU_OK;
}

/* Valid UTF-8 without control characters. */
static int ok_text(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		long c = sceau_utf8_next(&p);
		if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0))
			return 0;
	}
	return 1;
}

static enum sceau_err read_entry(struct rd *r, size_t i, struct sceau_status_entry *e)
{
	enum sceau_err ret;
	uint64_t n, state, reason;

	if ((ret = expect(r, 4, &n, "an entry")) != SCEAU_OK ||
	    (ret = text(r, e->number, sizeof(e->number), "an entry's number")) != SCEAU_OK ||
	    (ret = expect(r, 0, &state, "an entry's state")) != SCEAU_OK ||
	    (ret = expect(r, 0, &reason, "an entry's reason")) != SCEAU_OK ||
	    (ret = instant(r, &e->since, "an entry's date")) != SCEAU_OK)
		return ret;
	if (state >= NSTATES || reason >= NREASONS)
		return sceau_fail(r->err, SCEAU_ERR_FORMAT,
				  "status list: entry %zu ('%s'): unknown %s %" PRIu64, i,
				  e->number, state >= NSTATES ? "state" : "reason",
				  state >= NSTATES ? state : reason);
	e->state = (enum sceau_doc_state)state;
	e->reason = (enum sceau_doc_reason)reason;
	if (n != (state == SCEAU_DOC_SUPERSEDED ? 5u : 4u))
		return sceau_fail(r->err, SCEAU_ERR_FORMAT,
				  "status list: entry %zu ('%s'): %" PRIu64 " items, a %s entry "
				  "has %d",
				  i, e->number, n, sceau_doc_state_name(e->state),
				  state == SCEAU_DOC_SUPERSEDED ? 5 : 4);
	if (n == 5 && (ret = text(r, e->by, sizeof(e->by), "an entry's replacement")) != SCEAU_OK)
		return ret;
	return check_entry(e, i, SCEAU_ERR_FORMAT, r->err);
}

/* The payload; with head_only, everything but the entries (nothing is
 * allocated: what a list costs before its signature is checked). */
static enum sceau_err read_payload(const unsigned char *buf, size_t len, int head_only,
				   struct sceau_status *s, struct sceau_error *err)
{
	struct rd r = {buf, buf + len, err};
	enum sceau_err ret;
	uint64_t n;

	if ((ret = sceau_cbor_wf(buf, len, "status list payload", err)) != SCEAU_OK)
		return ret;
	if ((ret = expect(&r, 5, &n, "the payload")) != SCEAU_OK)
		return ret;
	if (n != 5)
		return sceau_fail(err, SCEAU_ERR_FORMAT,
				  "status list: a map of %" PRIu64 " keys, not 5", n);
	if ((ret = key(&r, KEY_ISSUER)) != SCEAU_OK ||
	    (ret = text(&r, s->issuer, ISSUER_MAX + 1, "the issuer")) != SCEAU_OK)
		return ret;
	if (!ok_text(s->issuer))
		return sceau_fail(err, SCEAU_ERR_FORMAT,
				  "status list: the issuer is not UTF-8 text without control "
				  "characters");
	if ((ret = key(&r, KEY_SEQUENCE)) != SCEAU_OK ||
	    (ret = expect(&r, 0, &s->sequence, "the sequence number")) != SCEAU_OK)
		return ret;
	if (s->sequence > INT64_MAX)
		return sceau_fail(err, SCEAU_ERR_FORMAT, "status list: sequence out of range");
	if ((ret = key(&r, KEY_ISSUED)) != SCEAU_OK ||
	    (ret = instant(&r, &s->issued, "the issue time")) != SCEAU_OK ||
	    (ret = key(&r, KEY_NEXT)) != SCEAU_OK ||
	    (ret = instant(&r, &s->next_update, "the next update")) != SCEAU_OK)
		return ret;
	if (s->next_update <= s->issued)
		return sceau_fail(err, SCEAU_ERR_FORMAT,
				  "status list: the next update is not after the issue time");
	if ((ret = key(&r, KEY_ENTRIES)) != SCEAU_OK ||
	    (ret = expect(&r, 4, &n, "the entries")) != SCEAU_OK)
		return ret;
	if (n > SCEAU_STATUS_ENTRIES_MAX)
		return sceau_fail(err, SCEAU_ERR_FORMAT,
				  "status list: %" PRIu64 " entries, more than %d", n,
				  SCEAU_STATUS_ENTRIES_MAX);
	if (head_only)
		return SCEAU_OK;
	/* sceau_cbor_wf saw every entry's bytes: n is backed by the input */
	if (!(s->entries = calloc(n ? (size_t)n : 1, sizeof(*s->entries))))
		return sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < (size_t)n; i++) {
		if ((ret = read_entry(&r, i, &s->entries[i])) != SCEAU_OK)
			return ret;
		if (i > 0 && (ret = check_pair(&s->entries[i - 1], &s->entries[i], i,
					       SCEAU_ERR_FORMAT, err)) != SCEAU_OK)
			return ret;
		s->n_entries = i + 1;
	}
	return SCEAU_OK;
}

/* The protected header: exactly {1: alg, 3: the status content type,
 * 4: kid of 8 bytes}, as sceau_cose_sign_typed writes it. */
static enum sceau_err read_protected(const unsigned char *buf, size_t len, struct sceau_cose *c,
				     struct sceau_error *err)
{
	struct rd r = {buf, buf + len, err};
	const unsigned char *kid, *cty;
	size_t kid_len, cty_len;
	uint64_t n, a;
	unsigned mt;
	enum sceau_err ret;

	if ((ret = sceau_cbor_wf(buf, len, "status list protected header", err)) != SCEAU_OK ||
	    (ret = expect(&r, 5, &n, "the protected header")) != SCEAU_OK ||
	    (ret = key(&r, 1)) != SCEAU_OK || (ret = head(&r, &mt, &a, "alg")) != SCEAU_OK)
		return ret;
	if (mt > 1 || a > 0xffff)
		return sceau_fail(err, SCEAU_ERR_FORMAT, "status list: alg is not a small integer");
	c->alg = mt == 0 ? (int)a : -1 - (int)a;
	if (n == 2)
		return sceau_fail(err, SCEAU_ERR_FORMAT,
				  "not a status list: the COSE message has no content type (a QR "
				  "payload?)");
	if (n != 3)
		return sceau_fail(
			err, SCEAU_ERR_FORMAT,
			"status list: a protected header of %" PRIu64 " parameters, not 3", n);
	if ((ret = key(&r, 3)) != SCEAU_OK ||
	    (ret = string(&r, 3, &cty, &cty_len, "the content type")) != SCEAU_OK)
		return ret;
	if (cty_len != strlen(SCEAU_STATUS_CTYPE) || memcmp(cty, SCEAU_STATUS_CTYPE, cty_len)) {
		size_t k =
			cty_len < sizeof(c->content_type) ? cty_len : sizeof(c->content_type) - 1;
		memcpy(c->content_type, cty, k);
		c->content_type[k] = 0;
		for (size_t i = 0; i < k; i++)
			if (c->content_type[i] < 0x20 || c->content_type[i] > 0x7e)
				c->content_type[i] = '?';
		return sceau_fail(err, SCEAU_ERR_FORMAT,
				  "not a status list: content type '%s', not '%s'", c->content_type,
				  SCEAU_STATUS_CTYPE);
	}
	memcpy(c->content_type, cty, cty_len);
	c->content_type[cty_len] = 0;
	if ((ret = key(&r, 4)) != SCEAU_OK ||
	    (ret = string(&r, 2, &kid, &kid_len, "the kid")) != SCEAU_OK)
		return ret;
	if (kid_len != SCEAU_KID_LEN)
		return sceau_fail(err, SCEAU_ERR_FORMAT, "status list: kid of %zu bytes, not %d",
				  kid_len, SCEAU_KID_LEN);
	memcpy(c->kid, kid, kid_len);
	c->kid_len = kid_len;
	return SCEAU_OK;
}

enum sceau_err sceau_status_decode_cose(const unsigned char *buf, size_t len, int head_only,
					struct sceau_status **out, struct sceau_cose *c,
					struct sceau_error *err)
{
	struct sceau_status *s = NULL;
	struct rd r = {0};
	const unsigned char *prot, *payload, *sig;
	size_t prot_len, payload_len, sig_len;
	uint64_t arg;
	enum sceau_err ret;

	if (!out || !c)
		return sceau_fail(err, SCEAU_ERR_INVALID, "no place for the status list");
	*out = NULL;
	memset(c, 0, sizeof(*c));
	if (!buf || len == 0)
		return sceau_fail(err, SCEAU_ERR_FORMAT, "status list: empty");
	if (len > SCEAU_STATUS_MAX)
		return sceau_fail(err, SCEAU_ERR_FORMAT, "status list: %zu bytes, more than %zu",
				  len, SCEAU_STATUS_MAX);
	if (!(s = calloc(1, sizeof(*s))) || !(s->raw = malloc(len))) {
		ret = sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
		goto out;
	}
	memcpy(s->raw, buf, len);
	s->raw_len = len;
	r.p = s->raw;
	r.end = s->raw + len;
	r.err = err;
	/* 18([protected bstr, {}, payload bstr, signature bstr]) */
	if ((ret = sceau_cbor_wf(s->raw, len, "status list", err)) != SCEAU_OK ||
	    (ret = expect(&r, 6, &arg, "the COSE message")) != SCEAU_OK)
		goto out;
	if (arg != 18) {
		ret = sceau_fail(err, SCEAU_ERR_FORMAT,
				 "status list: tag %" PRIu64 ", not COSE_Sign1 (18)", arg);
		goto out;
	}
	if ((ret = expect(&r, 4, &arg, "COSE_Sign1")) != SCEAU_OK)
		goto out;
	if (arg != 4) {
		ret = sceau_fail(err, SCEAU_ERR_FORMAT,
				 "status list: COSE_Sign1 of %" PRIu64 " items, not 4", arg);
		goto out;
	}
	if ((ret = string(&r, 2, &prot, &prot_len, "the protected header")) != SCEAU_OK ||
	    (ret = expect(&r, 5, &arg, "the unprotected header")) != SCEAU_OK)
		goto out;
	if (arg != 0) {
		ret = sceau_fail(err, SCEAU_ERR_FORMAT,
				 "status list: the unprotected header is not empty");
		goto out;
	}
	if ((ret = string(&r, 2, &payload, &payload_len, "the payload")) != SCEAU_OK ||
	    (ret = string(&r, 2, &sig, &sig_len, "the signature")) != SCEAU_OK ||
	    (ret = read_protected(prot, prot_len, c, err)) != SCEAU_OK ||
	    (ret = read_payload(payload, payload_len, head_only, s, err)) != SCEAU_OK)
		goto out;
	memcpy(s->kid, c->kid, SCEAU_KID_LEN);
	/* borrowed from s->raw: the caller never frees c */
	c->tags = 1;
	c->protected_raw = (unsigned char *)prot;
	c->protected_len = prot_len;
	c->payload = (unsigned char *)payload;
	c->payload_len = payload_len;
	c->signature = (unsigned char *)sig;
	c->signature_len = sig_len;
	*out = s;
	s = NULL;
	ret = SCEAU_OK;
out:
	sceau_status_free(s);
	return ret;
}

enum sceau_err sceau_status_decode(const unsigned char *buf, size_t len, struct sceau_status **out,
				   struct sceau_error *err)
{
	struct sceau_cose c;

	return sceau_status_decode_cose(buf, len, 0, out, &c, err);
}

const struct sceau_status_entry *sceau_status_find(const struct sceau_status *s, const char *number)
{
	size_t lo = 0, hi;

	if (!s || !number || !s->entries)
		return NULL;
	hi = s->n_entries;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(number, s->entries[mid].number);
		if (c == 0)
			return &s->entries[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}
