/* sceau tests — document status lists (status.c) in the trust store
 * (trust.c) and in verification (payload.c, verify.c, the CLI).
 *
 * One PKI for the suite, at fixed times: a root with its CRL; the body
 * "Test Inspection Body" (good), another body, a revoked body, and a rogue
 * under a root nobody trusts that calls itself "Test Inspection Body".
 * Lists are built with the library; malformed ones are written by hand
 * here (a small CBOR writer) and signed with a trusted key, so that only
 * their form is at fault. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

#define PKI_TIME  "2026-11-01T00:00:00Z"
#define SIGN_TIME "2026-11-24T10:00:00Z"
#define LIST_TIME "2026-11-25T00:00:00Z"
#define AT_TIME   "2026-11-26T12:00:00Z"
#define BODY      "Test Inspection Body"
#define NUMBER    "ITK-COC-2026-000123" /* docs/examples/coc.json */
#define WEEK      (7 * 86400L)
#define DAY       86400L
#define BOTH      (SCEAU_PROGRAM_BIT(SCEAU_PROGRAM_COC) | SCEAU_PROGRAM_BIT(SCEAU_PROGRAM_HALAL))

static char *tmp, *trust_dir;
static struct sceau_signer *good, *other, *revoked, *rogue;
static time_t t_pki, t_sign, t_list, t_at;
static char *coc_qr;           /* the example CoC signed by `good` */
static unsigned char *coc_pdf; /* rendered and signed by `good` */
static size_t coc_pdf_len;

/* ---- fixture ----------------------------------------------------------------- */

static time_t when(const char *iso)
{
	struct sceau_error err = {0};
	time_t t = 0;

	ck_assert_msg(sceau_time_parse(iso, &t, &err) == SCEAU_OK, "%s", err.msg);
	return t;
}

static struct sceau_signer *open_signer(const char *root, const char *name, const char *cn)
{
	struct sceau_error err = {0};
	struct sceau_signer *s = NULL;
	char *dir = tu_path(tmp, name);

	tu_make_signer(root, dir, cn, BOTH, 1095, t_pki);
	ck_assert_msg(sceau_signer_open(dir, &s, &err) == SCEAU_OK, "%s", err.msg);
	ck_assert_msg(sceau_signer_unlock(s, "pw", 2, &err) == SCEAU_OK, "%s", err.msg);
	free(dir);
	return s;
}

static void copy(const char *from, const char *to)
{
	size_t n = 0;
	char *data = tu_read(from, &n);

	ck_assert_msg(data != NULL, "cannot read '%s'", from);
	tu_write(to, data, n);
	free(data);
}

static void copy_in(const char *dir, const char *from_rel, const char *name)
{
	char *from = tu_path(tmp, from_rel), *to = tu_path(dir, name);

	copy(from, to);
	free(from);
	free(to);
}

/* A trust directory with the root, its CRL and every signer. */
static char *make_trust_dir(const char *name)
{
	char *dir = tu_path(tmp, name);

	ck_assert_int_eq(mkdir(dir, 0700), 0);
	copy_in(dir, "root/root.crt", "root.crt");
	copy_in(dir, "root/crl.pem", "root.crl");
	copy_in(dir, "good/signer.crt", "good.crt");
	copy_in(dir, "other/signer.crt", "other.crt");
	copy_in(dir, "revoked/signer.crt", "revoked.crt");
	copy_in(dir, "rogue/signer.crt", "rogue.crt");
	return dir;
}

static void setup_once(void)
{
	struct sceau_error err = {0};
	struct sceau_pki_revoke_params rp = {0};
	struct sceau_renderer *renderer = NULL;
	struct sceau_record *rec = NULL;
	char *root = NULL, *rogue_root = NULL, *crt = NULL, path[512];

	t_pki = when(PKI_TIME);
	t_sign = when(SIGN_TIME);
	t_list = when(LIST_TIME);
	t_at = when(AT_TIME);
	tmp = tu_tmpdir();
	root = tu_path(tmp, "root");
	rogue_root = tu_path(tmp, "rogue-root");
	tu_make_root(root, "Racine de test", 3650, t_pki);
	tu_make_root(rogue_root, "Racine pirate", 3650, t_pki);
	good = open_signer(root, "good", BODY);
	other = open_signer(root, "other", "Other Body");
	revoked = open_signer(root, "revoked", "Revoked Body");
	rogue = open_signer(rogue_root, "rogue", BODY);
	rp.root_dir = root;
	rp.root_pass = "pw";
	rp.root_pass_len = 2;
	rp.cert_path = crt = tu_path(tmp, "revoked/signer.crt");
	rp.reason = SCEAU_REASON_KEY_COMPROMISE;
	rp.crl_days = 30;
	rp.now = t_pki + DAY;
	ck_assert_msg(sceau_pki_revoke(&rp, NULL, &err) == SCEAU_OK, "%s", err.msg);
	trust_dir = make_trust_dir("trust");

	snprintf(path, sizeof(path), "%s/coc.json", SCEAU_EXAMPLES);
	ck_assert_msg(sceau_record_load(path, &rec, &err) == SCEAU_OK, "%s", err.msg);
	ck_assert_msg(sceau_payload_encode(rec, good->cert, good->key, t_sign, NULL, 0, &coc_qr,
					   &err) == SCEAU_OK,
		      "%s", err.msg);
	ck_assert_msg(sceau_renderer_new(SCEAU_TEMPLATES, &renderer, &err) == SCEAU_OK, "%s",
		      err.msg);
	{
		struct sceau_render_info info = {good->name, coc_qr, t_sign, good};
		ck_assert_msg(sceau_render(renderer, rec, &info, &coc_pdf, &coc_pdf_len, NULL,
					   &err) == SCEAU_OK,
			      "%s", err.msg);
	}
	sceau_renderer_free(renderer);
	sceau_record_free(rec);
	free(crt);
	free(root);
	free(rogue_root);
}

static void teardown_once(void)
{
	sceau_signer_close(good);
	sceau_signer_close(other);
	sceau_signer_close(revoked);
	sceau_signer_close(rogue);
	free(coc_qr);
	free(coc_pdf);
	tu_rmrf(tmp);
	free(tmp);
	free(trust_dir);
}

/* ---- lists -------------------------------------------------------------------- */

static struct sceau_status_entry entry(const char *number, enum sceau_doc_state state,
				       enum sceau_doc_reason reason, time_t since, const char *by)
{
	struct sceau_status_entry e;

	memset(&e, 0, sizeof(e));
	snprintf(e.number, sizeof(e.number), "%s", number);
	e.state = state;
	e.reason = reason;
	e.since = since;
	snprintf(e.by, sizeof(e.by), "%s", by ? by : "");
	return e;
}

static struct sceau_status *build(const struct sceau_signer *s, const struct sceau_status_entry *e,
				  size_t n, uint64_t seq, time_t issued, time_t next)
{
	struct sceau_error err = {0};
	struct sceau_status *st = NULL;

	ck_assert_msg(sceau_status_build(e, n, seq, issued, next, s->cert, s->key, &st, &err) ==
			      SCEAU_OK,
		      "%s", err.msg);
	ck_assert_ptr_nonnull(st);
	ck_assert_ptr_nonnull(st->raw);
	return st;
}

/* A list of `good` holding the example CoC in `state`, issued at LIST_TIME
 * for a week (next update LIST_TIME + 7 days). */
static struct sceau_status *coc_list(enum sceau_doc_state state, enum sceau_doc_reason reason,
				     time_t next)
{
	struct sceau_status_entry e[2] = {
		entry("ITK-COC-2026-000001", SCEAU_DOC_REVOKED, SCEAU_DOCR_ISSUED_IN_ERROR,
		      t_list - DAY, NULL),
		entry(NUMBER, state, reason, t_list - 12 * 3600,
		      state == SCEAU_DOC_SUPERSEDED ? "ITK-COC-2026-000124" : NULL),
	};
	/* good: only the other entry is listed */
	return build(good, e, state == SCEAU_DOC_GOOD ? 1 : 2, 5, t_list,
		     next ? next : t_list + WEEK);
}

static struct sceau_trust *load_trust(void)
{
	struct sceau_error err = {0};
	struct sceau_trust *t = NULL;

	ck_assert_msg(sceau_trust_load_dir(trust_dir, &t, &err) == SCEAU_OK, "%s", err.msg);
	return t;
}

static void add_ok(struct sceau_trust *t, const struct sceau_status *st)
{
	struct sceau_error err = {0};

	ck_assert_msg(sceau_trust_add_status(t, st->raw, st->raw_len, &err) == SCEAU_OK, "%s",
		      err.msg);
}

/* Adding `buf` fails with `code` and a message holding `words`. */
static void add_fails(const unsigned char *buf, size_t len, enum sceau_err code, const char *words)
{
	struct sceau_trust *t = load_trust();
	struct sceau_error err = {0};
	enum sceau_err e = sceau_trust_add_status(t, buf, len, &err);

	ck_assert_msg(e == code, "got %s (%s), wanted %s", sceau_strerror(e), err.msg,
		      sceau_strerror(code));
	ck_assert_msg(strstr(err.msg, words) != NULL, "'%s' lacks '%s'", err.msg, words);
	ck_assert_ptr_null(sceau_trust_status_for(t, BODY));
	sceau_trust_free(t);
}

/* Decoding `buf` fails (SCEAU_ERR_FORMAT, `words`), and so does adding it. */
static void refused(const unsigned char *buf, size_t len, const char *words)
{
	struct sceau_error err = {0};
	struct sceau_status *st = NULL;
	enum sceau_err e = sceau_status_decode(buf, len, &st, &err);

	ck_assert_msg(e == SCEAU_ERR_FORMAT, "decode gave %s (%s)", sceau_strerror(e), err.msg);
	ck_assert_ptr_null(st);
	ck_assert_msg(strstr(err.msg, words) != NULL, "'%s' lacks '%s'", err.msg, words);
	add_fails(buf, len, SCEAU_ERR_FORMAT, words);
}

/* ---- a CBOR writer for hand-made lists -------------------------------------- */

struct cb {
	unsigned char b[8192];
	size_t n;
};

static void cb_head(struct cb *c, unsigned mt, uint64_t v)
{
	unsigned char m = (unsigned char)(mt << 5);
	int k = v < 24 ? 0 : v <= 0xff ? 1 : v <= 0xffff ? 2 : v <= 0xffffffffu ? 4 : 8;

	ck_assert_uint_lt(c->n + 9, sizeof(c->b));
	c->b[c->n++] = m | (unsigned char)(k == 0   ? v
					   : k == 1 ? 24
					   : k == 2 ? 25
					   : k == 4 ? 26
						    : 27);
	for (int i = k - 1; i >= 0; i--)
		c->b[c->n++] = (unsigned char)(v >> (8 * i));
}

static void cb_text(struct cb *c, const char *s)
{
	size_t n = strlen(s);

	cb_head(c, 3, n);
	ck_assert_uint_lt(c->n + n, sizeof(c->b));
	memcpy(c->b + c->n, s, n);
	c->n += n;
}

/* The header of a payload, up to and with the entries' array head. */
static void cb_top(struct cb *c, const char *issuer, uint64_t seq, size_t nentries)
{
	cb_head(c, 5, 5);
	cb_head(c, 0, 1);
	cb_text(c, issuer);
	cb_head(c, 0, 2);
	cb_head(c, 0, seq);
	cb_head(c, 0, 3);
	cb_head(c, 0, (uint64_t)t_list);
	cb_head(c, 0, 4);
	cb_head(c, 0, (uint64_t)(t_list + WEEK));
	cb_head(c, 0, 5);
	cb_head(c, 4, nentries);
}

static void cb_entry(struct cb *c, const char *number, uint64_t state, uint64_t reason)
{
	cb_head(c, 4, 4);
	cb_text(c, number);
	cb_head(c, 0, state);
	cb_head(c, 0, reason);
	cb_head(c, 0, (uint64_t)t_list);
}

/* `payload` signed by `s` with content type `ctype` (NULL: none). */
static unsigned char *sign_raw(const struct sceau_signer *s, const struct cb *payload,
			       const char *ctype, size_t *len)
{
	struct sceau_error err = {0};
	unsigned char kid[SCEAU_KID_LEN], *out = NULL;

	ck_assert_int_eq(sceau_cert_kid(s->cert, kid, &err), SCEAU_OK);
	ck_assert_msg(sceau_cose_sign_typed(payload->b, payload->n, s->key, kid, sizeof(kid), ctype,
					    &out, len, &err) == SCEAU_OK,
		      "%s", err.msg);
	return out;
}

static void refused_payload(const struct cb *payload, const char *words)
{
	size_t len = 0;
	unsigned char *raw = sign_raw(good, payload, SCEAU_STATUS_CTYPE, &len);

	refused(raw, len, words);
	free(raw);
}

/* ---- verifying documents ------------------------------------------------------- */

static struct sceau_payload *verify_qr(const struct sceau_trust *t, time_t at,
				       struct sceau_verdict *v)
{
	struct sceau_error err = {0};
	struct sceau_payload *p = NULL;

	ck_assert_msg(sceau_payload_verify(coc_qr, strlen(coc_qr), t, at, &p, v, &err) == SCEAU_OK,
		      "%s", err.msg);
	ck_assert_ptr_nonnull(p);
	return p;
}

/* The CoC's QR verified at `at` with `list` (may be NULL) in the store:
 * verdict `code`, reason holding `reason`, warning holding `warning` ("":
 * none). */
static void expect_qr(const struct sceau_status *list, time_t at, enum sceau_verdict_code code,
		      const char *reason, const char *warning)
{
	struct sceau_trust *t = load_trust();
	struct sceau_verdict v;
	struct sceau_payload *p;

	if (list)
		add_ok(t, list);
	memset(&v, 'x', sizeof(v)); /* an OUT parameter: nothing may survive */
	p = verify_qr(t, at, &v);
	ck_assert_msg(v.code == code, "verdict %s (%s), wanted %s", sceau_verdict_name(v.code),
		      v.reason, sceau_verdict_name(code));
	ck_assert_msg(strstr(v.reason, reason) != NULL, "reason '%s' lacks '%s'", v.reason, reason);
	if (!warning[0])
		ck_assert_msg(v.warning[0] == 0, "unexpected warning '%s'", v.warning);
	else
		ck_assert_msg(strstr(v.warning, warning) != NULL, "warning '%s' lacks '%s'",
			      v.warning, warning);
	ck_assert_int_eq(p->status.checked, list != NULL);
	sceau_payload_free(p);
	sceau_trust_free(t);
}

/* ---- building, decoding, looking up ------------------------------------------------ */

START_TEST(test_status_build_and_decode_round_trip)
{
	struct sceau_status_entry e[3] = {
		entry("ITK-COC-2026-000300", SCEAU_DOC_SUSPENDED, SCEAU_DOCR_INVESTIGATION, t_list,
		      NULL),
		entry("ITK-COC-2026-000100", SCEAU_DOC_REVOKED, SCEAU_DOCR_FRAUD, t_list - DAY,
		      NULL),
		entry("ITK-COC-2026-000200", SCEAU_DOC_SUPERSEDED, SCEAU_DOCR_SUPERSEDED,
		      t_list - 2 * DAY, "ITK-COC-2026-000201"),
	};
	struct sceau_status *st = build(good, e, 3, 42, t_list, t_list + WEEK), *d = NULL;
	struct sceau_error err = {0};
	unsigned char kid[SCEAU_KID_LEN];

	ck_assert_str_eq(st->issuer, BODY);
	ck_assert_msg(sceau_status_decode(st->raw, st->raw_len, &d, &err) == SCEAU_OK, "%s",
		      err.msg);
	ck_assert_str_eq(d->issuer, BODY);
	ck_assert_uint_eq(d->sequence, 42);
	ck_assert_int_eq(d->issued, t_list);
	ck_assert_int_eq(d->next_update, t_list + WEEK);
	ck_assert_uint_eq(d->n_entries, 3);
	/* sorted by number */
	ck_assert_str_eq(d->entries[0].number, "ITK-COC-2026-000100");
	ck_assert_int_eq(d->entries[0].state, SCEAU_DOC_REVOKED);
	ck_assert_int_eq(d->entries[0].reason, SCEAU_DOCR_FRAUD);
	ck_assert_int_eq(d->entries[0].since, t_list - DAY);
	ck_assert_str_eq(d->entries[0].by, "");
	ck_assert_str_eq(d->entries[1].number, "ITK-COC-2026-000200");
	ck_assert_int_eq(d->entries[1].state, SCEAU_DOC_SUPERSEDED);
	ck_assert_str_eq(d->entries[1].by, "ITK-COC-2026-000201");
	ck_assert_str_eq(d->entries[2].number, "ITK-COC-2026-000300");
	ck_assert_int_eq(d->entries[2].state, SCEAU_DOC_SUSPENDED);
	ck_assert_int_eq(d->entries[2].reason, SCEAU_DOCR_INVESTIGATION);
	ck_assert_int_eq(sceau_cert_kid(good->cert, kid, &err), SCEAU_OK);
	ck_assert_mem_eq(d->kid, kid, SCEAU_KID_LEN);
	ck_assert_uint_eq(d->raw_len, st->raw_len);
	ck_assert_mem_eq(d->raw, st->raw, st->raw_len);
	sceau_status_free(d);
	sceau_status_free(st);
}
END_TEST

START_TEST(test_status_empty_list_round_trips)
{
	struct sceau_status *st = build(good, NULL, 0, 1, t_list, t_list + WEEK), *d = NULL;
	struct sceau_error err = {0};

	ck_assert_msg(sceau_status_decode(st->raw, st->raw_len, &d, &err) == SCEAU_OK, "%s",
		      err.msg);
	ck_assert_uint_eq(d->n_entries, 0);
	ck_assert_ptr_null(sceau_status_find(d, NUMBER));
	sceau_status_free(d);
	sceau_status_free(st);
}
END_TEST

START_TEST(test_status_find_hits_and_misses)
{
	struct sceau_status_entry e[50];
	struct sceau_status *st;
	char num[32];

	for (int i = 0; i < 50; i++) {
		snprintf(num, sizeof(num), "ITK-COC-2026-%06d", 1000 - 10 * i);
		e[i] = entry(num, SCEAU_DOC_REVOKED, SCEAU_DOCR_UNSPECIFIED, t_list, NULL);
	}
	st = build(good, e, 50, 1, t_list, t_list + WEEK);
	for (int i = 0; i < 50; i++) {
		const struct sceau_status_entry *hit;
		snprintf(num, sizeof(num), "ITK-COC-2026-%06d", 1000 - 10 * i);
		hit = sceau_status_find(st, num);
		ck_assert_ptr_nonnull(hit);
		ck_assert_str_eq(hit->number, num);
		snprintf(num, sizeof(num), "ITK-COC-2026-%06d", 1000 - 10 * i + 1);
		ck_assert_ptr_null(sceau_status_find(st, num));
	}
	ck_assert_ptr_null(sceau_status_find(st, "AAA"));
	ck_assert_ptr_null(sceau_status_find(st, "ZZZ"));
	ck_assert_ptr_null(sceau_status_find(st, "ITK-COC-2026-00100")); /* a prefix */
	ck_assert_ptr_null(sceau_status_find(st, NULL));
	ck_assert_ptr_null(sceau_status_find(NULL, num));
	sceau_status_free(st);
}
END_TEST

static void build_fails(const struct sceau_status_entry *e, size_t n, time_t issued, time_t next,
			EVP_PKEY *key, enum sceau_err code, const char *words)
{
	struct sceau_error err = {0};
	struct sceau_status *st = (struct sceau_status *)&err; /* must be reset */
	enum sceau_err r = sceau_status_build(e, n, 1, issued, next, good->cert, key, &st, &err);

	ck_assert_msg(r == code, "got %s (%s)", sceau_strerror(r), err.msg);
	ck_assert_ptr_null(st);
	ck_assert_msg(strstr(err.msg, words) != NULL, "'%s' lacks '%s'", err.msg, words);
}

START_TEST(test_status_build_refuses_bad_entries)
{
	struct sceau_status_entry e[2] = {
		entry(NUMBER, SCEAU_DOC_REVOKED, SCEAU_DOCR_FRAUD, t_list, NULL),
		entry(NUMBER, SCEAU_DOC_SUSPENDED, SCEAU_DOCR_INVESTIGATION, t_list, NULL),
	};
	EVP_PKEY *k = good->key;

	build_fails(e, 2, t_list, t_list + WEEK, k, SCEAU_ERR_INVALID, "listed twice");
	e[1] = entry(NUMBER, SCEAU_DOC_GOOD, SCEAU_DOCR_UNSPECIFIED, t_list, NULL);
	build_fails(e + 1, 1, t_list, t_list + WEEK, k, SCEAU_ERR_INVALID, "good standing");
	e[1] = entry("itk-lower-case", SCEAU_DOC_REVOKED, SCEAU_DOCR_FRAUD, t_list, NULL);
	build_fails(e + 1, 1, t_list, t_list + WEEK, k, SCEAU_ERR_INVALID, "certificate number");
	e[1] = entry(NUMBER, SCEAU_DOC_SUPERSEDED, SCEAU_DOCR_SUPERSEDED, t_list, NULL);
	build_fails(e + 1, 1, t_list, t_list + WEEK, k, SCEAU_ERR_INVALID, "superseded");
	e[1] = entry(NUMBER, SCEAU_DOC_SUPERSEDED, SCEAU_DOCR_SUPERSEDED, t_list, NUMBER);
	build_fails(e + 1, 1, t_list, t_list + WEEK, k, SCEAU_ERR_INVALID, "by itself");
	e[1] = entry(NUMBER, SCEAU_DOC_REVOKED, SCEAU_DOCR_FRAUD, t_list, "ITK-COC-2026-000124");
	build_fails(e + 1, 1, t_list, t_list + WEEK, k, SCEAU_ERR_INVALID, "not superseded");
	e[1] = entry(NUMBER, (enum sceau_doc_state)9, SCEAU_DOCR_FRAUD, t_list, NULL);
	build_fails(e + 1, 1, t_list, t_list + WEEK, k, SCEAU_ERR_INVALID, "unknown state");
	e[1] = entry(NUMBER, SCEAU_DOC_REVOKED, (enum sceau_doc_reason)8, t_list, NULL);
	build_fails(e + 1, 1, t_list, t_list + WEEK, k, SCEAU_ERR_INVALID, "unknown reason");
	build_fails(e, 1, t_list, t_list, k, SCEAU_ERR_INVALID, "next update");
	build_fails(e, 1, t_list, t_list + WEEK, other->key, SCEAU_ERR_MISMATCH, "does not belong");
}
END_TEST

START_TEST(test_status_reason_names_round_trip)
{
	struct sceau_error err = {0};
	enum sceau_doc_reason r;

	for (int i = 0; i <= SCEAU_DOCR_SUPERSEDED; i++) {
		const char *name = sceau_doc_reason_name((enum sceau_doc_reason)i);
		ck_assert_int_eq(sceau_doc_reason_from_name(name, &r, &err), SCEAU_OK);
		ck_assert_int_eq(r, i);
	}
	ck_assert_str_eq(sceau_doc_reason_name(SCEAU_DOCR_NON_CONFORMITY), "non_conformity");
	ck_assert_str_eq(sceau_doc_state_name(SCEAU_DOC_SUPERSEDED), "superseded");
	ck_assert_str_eq(sceau_doc_state_name((enum sceau_doc_state)7), "unknown");
	ck_assert_int_eq(sceau_doc_reason_from_name("Fraud", &r, &err), SCEAU_ERR_INVALID);
	ck_assert_msg(strstr(err.msg, "issued_in_error") != NULL, "%s", err.msg);
	ck_assert_int_eq(sceau_doc_reason_from_name(NULL, &r, &err), SCEAU_ERR_INVALID);
}
END_TEST

/* ---- damaged and forged lists --------------------------------------------------- */

START_TEST(test_status_truncated_list_is_refused)
{
	struct sceau_status *st = coc_list(SCEAU_DOC_REVOKED, SCEAU_DOCR_FRAUD, 0);
	struct sceau_error err = {0};

	for (size_t n = 0; n < st->raw_len; n++) {
		struct sceau_status *d = NULL;
		ck_assert_msg(sceau_status_decode(st->raw, n, &d, &err) == SCEAU_ERR_FORMAT,
			      "a list cut to %zu of %zu bytes decoded", n, st->raw_len);
		ck_assert_ptr_null(d);
	}
	refused(st->raw, st->raw_len - 1, "");
	sceau_status_free(st);
}
END_TEST

START_TEST(test_status_flipped_signature_byte_is_refused)
{
	struct sceau_status *st = coc_list(SCEAU_DOC_REVOKED, SCEAU_DOCR_FRAUD, 0), *d = NULL;
	struct sceau_error err = {0};

	st->raw[st->raw_len - 1] ^= 0x01;
	/* well-formed still: decoding does not judge the signature */
	ck_assert_msg(sceau_status_decode(st->raw, st->raw_len, &d, &err) == SCEAU_OK, "%s",
		      err.msg);
	sceau_status_free(d);
	add_fails(st->raw, st->raw_len, SCEAU_ERR_MISMATCH, "signature does not verify");
	sceau_status_free(st);
}
END_TEST

START_TEST(test_status_flipped_payload_byte_is_refused)
{
	struct sceau_status *st = coc_list(SCEAU_DOC_REVOKED, SCEAU_DOCR_FRAUD, 0), *d = NULL;
	struct sceau_error err = {0};
	unsigned char *at = memmem(st->raw, st->raw_len, NUMBER, strlen(NUMBER));

	ck_assert_ptr_nonnull(at);
	/* the entry's date: after the number, its state and its reason comes
	 * the head of a 4-byte integer */
	at += strlen(NUMBER) + 2;
	ck_assert_int_eq(at[0], 0x1a);
	at[4] ^= 0x01;
	ck_assert_msg(sceau_status_decode(st->raw, st->raw_len, &d, &err) == SCEAU_OK, "%s",
		      err.msg);
	ck_assert_int_eq(sceau_status_find(d, NUMBER)->since ^ 1, t_list - 12 * 3600);
	sceau_status_free(d);
	add_fails(st->raw, st->raw_len, SCEAU_ERR_MISMATCH, "signature does not verify");
	sceau_status_free(st);
}
END_TEST

START_TEST(test_status_list_of_another_body_claiming_this_issuer_is_refused)
{
	struct cb c = {{0}, 0};
	size_t len = 0;
	unsigned char *raw;

	cb_top(&c, BODY, 9, 1);
	cb_entry(&c, "ITK-COC-2026-000999", 1, 3);
	raw = sign_raw(other, &c, SCEAU_STATUS_CTYPE, &len);
	add_fails(raw, len, SCEAU_ERR_MISMATCH, "no signer certificate of 'Test Inspection Body'");
	free(raw);
}
END_TEST

START_TEST(test_status_list_under_an_untrusted_root_is_refused)
{
	struct sceau_status *st = coc_list(SCEAU_DOC_GOOD, 0, 0);
	struct sceau_status_entry e =
		entry(NUMBER, SCEAU_DOC_REVOKED, SCEAU_DOCR_FRAUD, t_list, NULL);
	struct sceau_status *forged = build(rogue, &e, 1, 6, t_list, t_list + WEEK);
	struct sceau_trust *t = load_trust();
	struct sceau_error err = {0};

	ck_assert_str_eq(forged->issuer, BODY);
	add_fails(forged->raw, forged->raw_len, SCEAU_ERR_MISMATCH, "not trusted");
	/* and a real list stays what it is */
	add_ok(t, st);
	ck_assert_int_eq(sceau_trust_add_status(t, forged->raw, forged->raw_len, &err),
			 SCEAU_ERR_MISMATCH);
	ck_assert_uint_eq(sceau_trust_status_for(t, BODY)->sequence, 5);
	sceau_trust_free(t);
	sceau_status_free(forged);
	sceau_status_free(st);
}
END_TEST

START_TEST(test_status_list_by_a_revoked_signer_is_refused)
{
	struct sceau_status *st = build(revoked, NULL, 0, 1, t_list, t_list + WEEK);

	add_fails(st->raw, st->raw_len, SCEAU_ERR_MISMATCH, "revoked");
	sceau_status_free(st);
}
END_TEST

START_TEST(test_status_list_is_judged_at_its_issue_time)
{
	/* issued before the body's certificate was valid */
	struct sceau_status *st = build(good, NULL, 0, 1, t_pki - 30 * DAY, t_pki);

	add_fails(st->raw, st->raw_len, SCEAU_ERR_MISMATCH, "not trusted");
	sceau_status_free(st);
}
END_TEST

START_TEST(test_status_qr_payload_given_as_a_list_is_refused)
{
	struct sceau_error err = {0};
	unsigned char *cose = NULL;
	size_t len = 0;

	ck_assert_msg(sceau_qr_unwrap(coc_qr, strlen(coc_qr), SCEAU_QR_PREFIX, &cose, &len, &err) ==
			      SCEAU_OK,
		      "%s", err.msg);
	refused(cose, len, "no content type");
	free(cose);
}
END_TEST

START_TEST(test_status_list_given_as_qr_text_is_invalid)
{
	struct sceau_status *st = coc_list(SCEAU_DOC_REVOKED, SCEAU_DOCR_FRAUD, 0);
	struct sceau_trust *t = load_trust();
	struct sceau_error err = {0};
	struct sceau_verdict v = {0};
	struct sceau_payload *p = NULL;
	char *text = NULL;

	ck_assert_msg(sceau_qr_wrap(st->raw, st->raw_len, SCEAU_QR_PREFIX, &text, &err) == SCEAU_OK,
		      "%s", err.msg);
	ck_assert_int_eq(sceau_payload_verify(text, strlen(text), t, t_at, &p, &v, &err), SCEAU_OK);
	ck_assert_int_eq(v.code, SCEAU_VERDICT_INVALID);
	ck_assert_msg(strstr(v.reason, "content type") != NULL, "%s", v.reason);
	ck_assert_ptr_null(p);
	free(text);
	sceau_trust_free(t);
	sceau_status_free(st);
}
END_TEST

START_TEST(test_status_other_content_type_is_refused)
{
	struct cb c = {{0}, 0};
	size_t len = 0;
	unsigned char *raw;

	cb_top(&c, BODY, 9, 0);
	raw = sign_raw(good, &c, "application/sceau-bundle+cbor;v=1", &len);
	refused(raw, len, "not a status list");
	free(raw);
}
END_TEST

START_TEST(test_status_rejects_unsorted_entries)
{
	struct cb c = {{0}, 0};

	cb_top(&c, BODY, 9, 2);
	cb_entry(&c, "ITK-COC-2026-000200", 1, 3);
	cb_entry(&c, "ITK-COC-2026-000100", 1, 3);
	refused_payload(&c, "sorted by number");
}
END_TEST

/* A store judges the signature before it reads the entries: a forged list
 * is refused for its signer whatever its entries hold, and a hostile one
 * costs its bytes, not a table of entries, before it is proven. */
START_TEST(test_status_store_checks_the_signature_before_the_entries)
{
	struct cb c = {{0}, 0};
	size_t len = 0;
	unsigned char *raw;

	cb_top(&c, BODY, 9, 2);
	cb_entry(&c, "ITK-COC-2026-000200", 1, 3);
	cb_entry(&c, "ITK-COC-2026-000100", 1, 3);
	raw = sign_raw(rogue, &c, SCEAU_STATUS_CTYPE, &len);
	add_fails(raw, len, SCEAU_ERR_MISMATCH, "not trusted");
	free(raw);
}
END_TEST

START_TEST(test_status_rejects_duplicate_entries)
{
	struct cb c = {{0}, 0};

	cb_top(&c, BODY, 9, 2);
	cb_entry(&c, NUMBER, 1, 3);
	cb_entry(&c, NUMBER, 2, 6);
	refused_payload(&c, "listed twice");
}
END_TEST

START_TEST(test_status_rejects_unknown_state_and_reason)
{
	struct cb c = {{0}, 0};

	cb_top(&c, BODY, 9, 1);
	cb_entry(&c, NUMBER, 4, 3);
	refused_payload(&c, "unknown state 4");
	c.n = 0;
	cb_top(&c, BODY, 9, 1);
	cb_entry(&c, NUMBER, 0, 3);
	refused_payload(&c, "good standing");
	c.n = 0;
	cb_top(&c, BODY, 9, 1);
	cb_entry(&c, NUMBER, 1, 8);
	refused_payload(&c, "unknown reason 8");
}
END_TEST

START_TEST(test_status_rejects_other_shapes)
{
	struct cb c = {{0}, 0};

	/* an unknown key in place of the entries */
	cb_top(&c, BODY, 9, 0);
	c.n -= 2;
	cb_head(&c, 0, 6);
	cb_head(&c, 4, 0);
	refused_payload(&c, "key 6 where key 5 belongs");
	/* a float date */
	c.n = 0;
	cb_top(&c, BODY, 9, 1);
	cb_head(&c, 4, 4);
	cb_text(&c, NUMBER);
	cb_head(&c, 0, 1);
	cb_head(&c, 0, 3);
	c.b[c.n++] = 0xfb; /* a double */
	memset(c.b + c.n, 0x41, 8);
	c.n += 8;
	refused_payload(&c, "not an unsigned integer");
	/* an integer not in its shortest form */
	c.n = 0;
	cb_top(&c, BODY, 9, 1);
	cb_head(&c, 4, 4);
	cb_text(&c, NUMBER);
	c.b[c.n++] = 0x18; /* state 1 in a one-byte argument */
	c.b[c.n++] = 0x01;
	cb_head(&c, 0, 3);
	cb_head(&c, 0, (uint64_t)t_list);
	refused_payload(&c, "shortest form");
	/* superseded without its replacement */
	c.n = 0;
	cb_top(&c, BODY, 9, 1);
	cb_entry(&c, NUMBER, 3, 7);
	refused_payload(&c, "a superseded entry has 5");
	/* next update before the issue time */
	c.n = 0;
	cb_head(&c, 5, 5);
	cb_head(&c, 0, 1);
	cb_text(&c, BODY);
	cb_head(&c, 0, 2);
	cb_head(&c, 0, 1);
	cb_head(&c, 0, 3);
	cb_head(&c, 0, (uint64_t)t_list);
	cb_head(&c, 0, 4);
	cb_head(&c, 0, (uint64_t)t_list - 1);
	cb_head(&c, 0, 5);
	cb_head(&c, 4, 0);
	refused_payload(&c, "next update");
	/* trailing bytes after the payload's map */
	c.n = 0;
	cb_top(&c, BODY, 9, 0);
	cb_head(&c, 0, 0);
	refused_payload(&c, "");
	/* not a list at all */
	refused((const unsigned char *)"hello", 5, "");
	refused(NULL, 0, "empty");
}
END_TEST

/* ---- the trust store ------------------------------------------------------------- */

START_TEST(test_status_higher_sequence_wins)
{
	struct sceau_status_entry e =
		entry(NUMBER, SCEAU_DOC_REVOKED, SCEAU_DOCR_FRAUD, t_list, NULL);
	struct sceau_status *one = build(good, NULL, 0, 1, t_list, t_list + WEEK);
	struct sceau_status *two = build(good, &e, 1, 2, t_list + DAY, t_list + WEEK);
	struct sceau_status *theirs = build(other, NULL, 0, 7, t_list, t_list + WEEK);

	for (int order = 0; order < 2; order++) {
		struct sceau_trust *t = load_trust();
		add_ok(t, order ? one : two);
		add_ok(t, order ? two : one);
		add_ok(t, theirs);
		ck_assert_uint_eq(sceau_trust_status_for(t, BODY)->sequence, 2);
		ck_assert_ptr_nonnull(sceau_status_find(sceau_trust_status_for(t, BODY), NUMBER));
		ck_assert_uint_eq(sceau_trust_status_for(t, "Other Body")->sequence, 7);
		ck_assert_ptr_null(sceau_trust_status_for(t, "Nobody"));
		sceau_trust_free(t);
	}
	sceau_status_free(one);
	sceau_status_free(two);
	sceau_status_free(theirs);
}
END_TEST

START_TEST(test_status_same_sequence_with_other_contents_is_refused)
{
	struct sceau_status_entry e =
		entry(NUMBER, SCEAU_DOC_REVOKED, SCEAU_DOCR_FRAUD, t_list, NULL);
	struct sceau_status *a = build(good, NULL, 0, 3, t_list, t_list + WEEK);
	struct sceau_status *again = build(good, NULL, 0, 3, t_list, t_list + WEEK);
	struct sceau_status *b = build(good, &e, 1, 3, t_list, t_list + WEEK);
	struct sceau_trust *t = load_trust();
	struct sceau_error err = {0};

	/* signed twice, the same list: ECDSA makes other bytes */
	ck_assert(a->raw_len != again->raw_len || memcmp(a->raw, again->raw, a->raw_len) != 0);
	add_ok(t, a);
	add_ok(t, again);
	ck_assert_int_eq(sceau_trust_add_status(t, b->raw, b->raw_len, &err), SCEAU_ERR_MISMATCH);
	ck_assert_msg(strstr(err.msg, "sequence 3 say different things") != NULL, "%s", err.msg);
	ck_assert_ptr_null(sceau_status_find(sceau_trust_status_for(t, BODY), NUMBER));
	sceau_trust_free(t);
	sceau_status_free(a);
	sceau_status_free(again);
	sceau_status_free(b);
}
END_TEST

START_TEST(test_status_trust_dir_loads_status_files_after_certificates)
{
	struct sceau_status *st = coc_list(SCEAU_DOC_REVOKED, SCEAU_DOCR_FRAUD, 0);
	char *dir = make_trust_dir("withlist"), *path;
	struct sceau_trust *t = NULL;
	struct sceau_error err = {0};

	/* "0-..." sorts before every certificate */
	path = tu_path(dir, "0-body.status");
	tu_write(path, (const char *)st->raw, st->raw_len);
	ck_assert_msg(sceau_trust_load_dir(dir, &t, &err) == SCEAU_OK, "%s", err.msg);
	ck_assert_ptr_nonnull(sceau_trust_status_for(t, BODY));
	ck_assert_ptr_nonnull(sceau_status_find(sceau_trust_status_for(t, BODY), NUMBER));
	sceau_trust_free(t);
	t = NULL;
	/* a damaged list is an error naming the file */
	tu_write(path, (const char *)st->raw, st->raw_len - 3);
	ck_assert_int_eq(sceau_trust_load_dir(dir, &t, &err), SCEAU_ERR_FORMAT);
	ck_assert_ptr_null(t);
	ck_assert_msg(strstr(err.msg, "0-body.status") != NULL, "%s", err.msg);
	free(path);
	tu_rmrf(dir);
	free(dir);
	sceau_status_free(st);
}
END_TEST

/* The body whose key was revoked goes on with a new one: its old list,
 * signed by the revoked key, is outdated by the new key's later list
 * (ignored, in any order), and refused without one. */
START_TEST(test_status_list_by_a_revoked_signer_is_outdated_by_a_later_one)
{
	char *root = tu_path(tmp, "root"), *dir = make_trust_dir("rotated");
	char *old_path = tu_path(dir, "0-old.status"), *next_path = tu_path(dir, "z-next.status");
	char *late_path = tu_path(dir, "1-late.status");
	struct sceau_signer *renewed = open_signer(root, "renewed", "Revoked Body");
	struct sceau_status_entry e =
		entry(NUMBER, SCEAU_DOC_REVOKED, SCEAU_DOCR_FRAUD, t_list, NULL);
	struct sceau_status *old = build(revoked, NULL, 0, 4, t_list, t_list + WEEK);
	struct sceau_status *late = build(revoked, NULL, 0, 9, t_list + DAY, t_list + WEEK);
	struct sceau_status *next = build(renewed, &e, 1, 5, t_list + DAY, t_list + WEEK);
	struct sceau_trust *t = load_trust();
	struct sceau_error err = {0};

	/* the store: refused alone, ignored after the later list */
	ck_assert_int_eq(sceau_trust_add_cert(t, renewed->cert, &err), SCEAU_OK);
	ck_assert_int_eq(sceau_trust_add_status(t, old->raw, old->raw_len, &err),
			 SCEAU_ERR_MISMATCH);
	ck_assert_msg(strstr(err.msg, "revoked") != NULL, "%s", err.msg);
	ck_assert_ptr_null(sceau_trust_status_for(t, "Revoked Body"));
	add_ok(t, next);
	add_ok(t, old);
	ck_assert_uint_eq(sceau_trust_status_for(t, "Revoked Body")->sequence, 5);
	/* the revoked key cannot outbid the new one */
	ck_assert_int_eq(sceau_trust_add_status(t, late->raw, late->raw_len, &err),
			 SCEAU_ERR_MISMATCH);
	ck_assert_msg(strstr(err.msg, "revoked") != NULL, "%s", err.msg);
	ck_assert_uint_eq(sceau_trust_status_for(t, "Revoked Body")->sequence, 5);
	ck_assert_ptr_nonnull(sceau_status_find(sceau_trust_status_for(t, "Revoked Body"), NUMBER));
	sceau_trust_free(t);
	t = NULL;

	/* a directory: the old list sorts before the new one */
	copy_in(dir, "renewed/signer.crt", "renewed.crt");
	tu_write(old_path, (const char *)old->raw, old->raw_len);
	tu_write(next_path, (const char *)next->raw, next->raw_len);
	ck_assert_msg(sceau_trust_load_dir(dir, &t, &err) == SCEAU_OK, "%s", err.msg);
	ck_assert_uint_eq(sceau_trust_status_for(t, "Revoked Body")->sequence, 5);
	sceau_trust_free(t);
	t = NULL;
	/* with a higher sequence by the revoked key: refused */
	tu_write(late_path, (const char *)late->raw, late->raw_len);
	ck_assert_int_eq(sceau_trust_load_dir(dir, &t, &err), SCEAU_ERR_MISMATCH);
	ck_assert_ptr_null(t);
	ck_assert_msg(strstr(err.msg, "1-late.status") != NULL && strstr(err.msg, "revoked"), "%s",
		      err.msg);
	ck_assert_int_eq(unlink(late_path), 0);
	/* without the new list: refused, naming the file */
	ck_assert_int_eq(unlink(next_path), 0);
	ck_assert_int_eq(sceau_trust_load_dir(dir, &t, &err), SCEAU_ERR_MISMATCH);
	ck_assert_ptr_null(t);
	ck_assert_msg(strstr(err.msg, "0-old.status") != NULL && strstr(err.msg, "revoked"), "%s",
		      err.msg);

	sceau_signer_close(renewed);
	sceau_status_free(old);
	sceau_status_free(late);
	sceau_status_free(next);
	tu_rmrf(dir);
	free(old_path);
	free(next_path);
	free(late_path);
	free(dir);
	free(root);
}
END_TEST

/* ---- verifying QR codes ------------------------------------------------------------ */

START_TEST(test_status_qr_of_a_revoked_document_is_revoked)
{
	struct sceau_status *st = coc_list(SCEAU_DOC_REVOKED, SCEAU_DOCR_FRAUD, 0);
	struct sceau_trust *t = load_trust();
	struct sceau_verdict v = {0};
	struct sceau_payload *p;

	expect_qr(st, t_at, SCEAU_VERDICT_REVOKED,
		  "certificate '" NUMBER "' was revoked on 2026-11-24: fraud", "");
	add_ok(t, st);
	p = verify_qr(t, t_at, &v);
	ck_assert(p->status.checked);
	ck_assert_int_eq(p->status.state, SCEAU_DOC_REVOKED);
	ck_assert_int_eq(p->status.reason, SCEAU_DOCR_FRAUD);
	ck_assert_int_eq(p->status.since, t_list - 12 * 3600);
	ck_assert_uint_eq(p->status.list_sequence, 5);
	ck_assert_int_eq(p->status.list_issued, t_list);
	ck_assert_int_eq(p->status.list_next_update, t_list + WEEK);
	ck_assert(!p->status.stale);
	sceau_payload_free(p);
	sceau_trust_free(t);
	sceau_status_free(st);
}
END_TEST

START_TEST(test_status_qr_of_a_suspended_document_is_suspended)
{
	struct sceau_status *st = coc_list(SCEAU_DOC_SUSPENDED, SCEAU_DOCR_INVESTIGATION, 0);

	expect_qr(st, t_at, SCEAU_VERDICT_SUSPENDED,
		  "certificate '" NUMBER "' was suspended on 2026-11-24: investigation", "");
	sceau_status_free(st);
}
END_TEST

START_TEST(test_status_qr_of_a_superseded_document_is_superseded)
{
	struct sceau_status *st = coc_list(SCEAU_DOC_SUPERSEDED, SCEAU_DOCR_SUPERSEDED, 0);
	struct sceau_trust *t = load_trust();
	struct sceau_verdict v = {0};
	struct sceau_payload *p;

	expect_qr(st, t_at, SCEAU_VERDICT_SUPERSEDED,
		  "certificate '" NUMBER "' was superseded by 'ITK-COC-2026-000124' on 2026-11-24",
		  "");
	add_ok(t, st);
	p = verify_qr(t, t_at, &v);
	ck_assert_str_eq(p->status.by, "ITK-COC-2026-000124");
	sceau_payload_free(p);
	sceau_trust_free(t);
	sceau_status_free(st);
}
END_TEST

START_TEST(test_status_qr_of_a_good_document_with_a_list_is_valid)
{
	struct sceau_status *st = coc_list(SCEAU_DOC_GOOD, 0, 0);
	struct sceau_trust *t = load_trust();
	struct sceau_verdict v = {0};
	struct sceau_payload *p;

	expect_qr(st, t_at, SCEAU_VERDICT_VALID, "signed by '" BODY "'", "");
	add_ok(t, st);
	p = verify_qr(t, t_at, &v);
	ck_assert(p->status.checked);
	ck_assert_int_eq(p->status.state, SCEAU_DOC_GOOD);
	ck_assert_uint_eq(p->status.list_sequence, 5);
	sceau_payload_free(p);
	sceau_trust_free(t);
	sceau_status_free(st);
}
END_TEST

START_TEST(test_status_qr_without_a_list_is_valid_with_a_warning)
{
	expect_qr(NULL, t_at, SCEAU_VERDICT_VALID, "signed by",
		  "no status list of '" BODY "' in the trust store: revocation of '" NUMBER
		  "' not checked");
}
END_TEST

START_TEST(test_status_stale_list_within_grace_keeps_the_verdict_with_a_warning)
{
	struct sceau_status *good_list = coc_list(SCEAU_DOC_GOOD, 0, 0);
	struct sceau_status *rev = coc_list(SCEAU_DOC_REVOKED, SCEAU_DOCR_FRAUD, 0);
	time_t stale = t_list + WEEK + 3 * DAY;

	expect_qr(good_list, stale, SCEAU_VERDICT_VALID, "signed by",
		  "status list of '" BODY "' is stale since 2026-12-02 00:00 UTC");
	expect_qr(rev, stale, SCEAU_VERDICT_REVOKED, "fraud", "is stale since");
	/* the last second of the grace */
	expect_qr(good_list, t_list + WEEK + SCEAU_STATUS_GRACE, SCEAU_VERDICT_VALID, "signed by",
		  "is stale since");
	sceau_status_free(good_list);
	sceau_status_free(rev);
}
END_TEST

START_TEST(test_status_list_past_grace_makes_documents_untrusted)
{
	struct sceau_status *good_list = coc_list(SCEAU_DOC_GOOD, 0, 0);
	struct sceau_status *rev = coc_list(SCEAU_DOC_REVOKED, SCEAU_DOCR_FRAUD, 0);
	time_t late = t_list + WEEK + SCEAU_STATUS_GRACE + 1;

	expect_qr(good_list, late, SCEAU_VERDICT_UNTRUSTED,
		  "status list of '" BODY "' expired on 2026-12-09 00:00 UTC", "");
	/* what the list says stays said */
	expect_qr(rev, late, SCEAU_VERDICT_REVOKED, "fraud", "expired on 2026-12-09");
	sceau_status_free(good_list);
	sceau_status_free(rev);
}
END_TEST

START_TEST(test_status_revoked_and_expired_document_is_revoked)
{
	time_t after = when("2027-03-01T00:00:00Z"); /* the CoC expired on 2027-02-20 */
	struct sceau_status *rev = coc_list(SCEAU_DOC_REVOKED, SCEAU_DOCR_FRAUD, after + WEEK);
	struct sceau_status *good_list = coc_list(SCEAU_DOC_GOOD, 0, 0);

	expect_qr(rev, after, SCEAU_VERDICT_REVOKED, "was revoked", "");
	expect_qr(NULL, after, SCEAU_VERDICT_EXPIRED, "expired", "no status list");
	/* an expired document stays expired when the list is old too */
	expect_qr(good_list, after, SCEAU_VERDICT_EXPIRED, "expired", "expired on 2026-12-09");
	sceau_status_free(rev);
	sceau_status_free(good_list);
}
END_TEST

START_TEST(test_status_doc_status_of_an_unverified_signer_is_not_checked)
{
	/* a list of the rogue's name cannot be loaded; a QR the rogue signs is
	 * untrusted before any list is consulted */
	struct sceau_status *st = coc_list(SCEAU_DOC_GOOD, 0, 0);
	struct sceau_trust *t = load_trust();
	struct sceau_record *rec = NULL;
	struct sceau_error err = {0};
	struct sceau_verdict v = {0};
	struct sceau_payload *p = NULL;
	char path[512], *text = NULL;

	add_ok(t, st);
	snprintf(path, sizeof(path), "%s/coc.json", SCEAU_EXAMPLES);
	ck_assert_int_eq(sceau_record_load(path, &rec, &err), SCEAU_OK);
	ck_assert_int_eq(
		sceau_payload_encode(rec, rogue->cert, rogue->key, t_sign, NULL, 0, &text, &err),
		SCEAU_OK);
	ck_assert_int_eq(sceau_payload_verify(text, strlen(text), t, t_at, &p, &v, &err), SCEAU_OK);
	ck_assert_int_eq(v.code, SCEAU_VERDICT_UNTRUSTED);
	ck_assert(!p->status.checked);
	ck_assert_str_eq(v.warning, "");
	sceau_payload_free(p);
	free(text);
	sceau_record_free(rec);
	sceau_trust_free(t);
	sceau_status_free(st);
}
END_TEST

/* ---- verifying PDFs and the command line ----------------------------------------- */

static struct sceau_pdf_report *verify_pdf(const struct sceau_status *list)
{
	struct sceau_trust *t = load_trust();
	struct sceau_error err = {0};
	struct sceau_pdf_report *r = NULL;

	if (list)
		add_ok(t, list);
	ck_assert_msg(sceau_pdf_verify(coc_pdf, coc_pdf_len, t, t_at, &r, &err) == SCEAU_OK, "%s",
		      err.msg);
	sceau_trust_free(t);
	return r;
}

START_TEST(test_status_pdf_of_a_revoked_document_is_revoked)
{
	struct sceau_status *rev = coc_list(SCEAU_DOC_REVOKED, SCEAU_DOCR_FRAUD, 0);
	struct sceau_status *good_list = coc_list(SCEAU_DOC_GOOD, 0, 0);
	struct sceau_pdf_report *r = verify_pdf(rev);

	ck_assert_msg(r->verdict.code == SCEAU_VERDICT_REVOKED, "%s: %s",
		      sceau_verdict_name(r->verdict.code), r->verdict.reason);
	ck_assert_msg(strstr(r->verdict.reason, "was revoked on 2026-11-24: fraud"), "%s",
		      r->verdict.reason);
	ck_assert_int_eq(r->payload->status.state, SCEAU_DOC_REVOKED);
	/* the signature itself is fine */
	ck_assert_int_eq(r->sigs[0].verdict.code, SCEAU_VERDICT_VALID);
	sceau_pdf_report_free(r);

	r = verify_pdf(good_list);
	ck_assert_msg(r->verdict.code == SCEAU_VERDICT_VALID, "%s", r->verdict.reason);
	ck_assert_str_eq(r->verdict.warning, "");
	sceau_pdf_report_free(r);

	r = verify_pdf(NULL);
	ck_assert_msg(r->verdict.code == SCEAU_VERDICT_VALID, "%s", r->verdict.reason);
	ck_assert_msg(strstr(r->verdict.warning, "no status list of '" BODY "'"), "%s",
		      r->verdict.warning);
	sceau_pdf_report_free(r);
	sceau_status_free(rev);
	sceau_status_free(good_list);
}
END_TEST

static void run_verify(struct tu_proc *p, const char *dir, const char *json, const char *file)
{
	const char *qr[] = {SCEAU_BIN, "verify", "--trust", dir,  "--at",
			    AT_TIME,   "--qr",   coc_qr,    json, NULL};
	const char *pdf[] = {SCEAU_BIN, "verify", "--trust", dir, "--at",
			     AT_TIME,   file,     json,      NULL};

	tu_run(p, NULL, NULL, file ? pdf : qr);
}

START_TEST(test_status_cli_verify_shows_the_status)
{
	struct sceau_status *st = coc_list(SCEAU_DOC_REVOKED, SCEAU_DOCR_FRAUD, 0);
	char *dir = make_trust_dir("cli"), *path = tu_path(dir, "body.status");
	char *pdf = tu_path(tmp, "coc.pdf");
	struct tu_proc p = {0};
	json_t *o, *s;

	tu_write(path, (const char *)st->raw, st->raw_len);
	tu_write(pdf, (const char *)coc_pdf, coc_pdf_len);
	run_verify(&p, dir, "--json", NULL);
	ck_assert_msg(p.status == 1, "exit %d: %s", p.status, p.err);
	o = json_loads(p.out, 0, NULL);
	ck_assert_msg(o != NULL, "%s", p.out);
	ck_assert_str_eq(json_string_value(json_object_get(o, "verdict")), "revoked");
	ck_assert(json_is_null(json_object_get(o, "warning")));
	s = json_object_get(o, "status");
	ck_assert_ptr_nonnull(s);
	ck_assert_str_eq(json_string_value(json_object_get(s, "state")), "revoked");
	ck_assert_str_eq(json_string_value(json_object_get(s, "reason")), "fraud");
	ck_assert_str_eq(json_string_value(json_object_get(s, "since")), "2026-11-24T12:00:00Z");
	ck_assert(json_is_null(json_object_get(s, "superseded_by")));
	ck_assert_int_eq(json_integer_value(json_object_get(s, "list_sequence")), 5);
	ck_assert_str_eq(json_string_value(json_object_get(s, "list_issued")),
			 "2026-11-25T00:00:00Z");
	ck_assert_str_eq(json_string_value(json_object_get(s, "list_next_update")),
			 "2026-12-02T00:00:00Z");
	ck_assert(json_is_false(json_object_get(s, "stale")));
	json_decref(o);
	tu_proc_free(&p);

	run_verify(&p, dir, NULL, NULL);
	ck_assert_int_eq(p.status, 1);
	ck_assert_msg(strstr(p.out, "REVOKED: certificate '" NUMBER
				    "' was revoked on 2026-11-24: fraud\n"),
		      "%s", p.out);
	ck_assert_msg(strstr(p.out, "status     revoked on 2026-11-24: fraud (status list 5"), "%s",
		      p.out);
	tu_proc_free(&p);

	run_verify(&p, dir, "--json", pdf);
	ck_assert_int_eq(p.status, 1);
	o = json_loads(p.out, 0, NULL);
	ck_assert_msg(o != NULL, "%s", p.out);
	ck_assert_str_eq(json_string_value(json_object_get(o, "verdict")), "revoked");
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(o, "status"), "state")),
			 "revoked");
	json_decref(o);
	tu_proc_free(&p);

	/* a trust directory with a list that does not verify: exit 2 */
	tu_write(path, (const char *)st->raw, st->raw_len - 1);
	run_verify(&p, dir, NULL, NULL);
	ck_assert_msg(p.status == 2, "exit %d", p.status);
	ck_assert_msg(strstr(p.err, "body.status"), "%s", p.err);
	tu_proc_free(&p);

	free(path);
	free(pdf);
	tu_rmrf(dir);
	free(dir);
	sceau_status_free(st);
}
END_TEST

START_TEST(test_status_cli_verify_warns_without_a_list)
{
	struct tu_proc p = {0};
	char *pdf = tu_path(tmp, "coc-nolist.pdf");
	json_t *o;

	run_verify(&p, trust_dir, NULL, NULL);
	ck_assert_msg(p.status == 0, "exit %d: %s", p.status, p.err);
	ck_assert_msg(strstr(p.out, "VALID: ") == p.out, "%s", p.out);
	ck_assert_msg(strstr(p.out, "\n  warning: no status list of '" BODY "'"), "%s", p.out);
	ck_assert_msg(strstr(p.out, "status     not checked"), "%s", p.out);
	tu_proc_free(&p);

	run_verify(&p, trust_dir, "--json", NULL);
	ck_assert_int_eq(p.status, 0);
	o = json_loads(p.out, 0, NULL);
	ck_assert_msg(o != NULL, "%s", p.out);
	ck_assert_msg(strstr(json_string_value(json_object_get(o, "warning")), "no status list"),
		      "%s", p.out);
	ck_assert_ptr_null(json_object_get(o, "status"));
	json_decref(o);
	tu_proc_free(&p);

	tu_write(pdf, (const char *)coc_pdf, coc_pdf_len);
	run_verify(&p, trust_dir, NULL, pdf);
	ck_assert_int_eq(p.status, 0);
	ck_assert_msg(strstr(p.out, "\n  warning: no status list of '" BODY "'"), "%s", p.out);
	tu_proc_free(&p);
	free(pdf);
}
END_TEST

TU_MAIN_ONCE("status", setup_once, teardown_once, NULL, NULL,
	     test_status_build_and_decode_round_trip, test_status_empty_list_round_trips,
	     test_status_find_hits_and_misses, test_status_build_refuses_bad_entries,
	     test_status_reason_names_round_trip, test_status_truncated_list_is_refused,
	     test_status_flipped_signature_byte_is_refused,
	     test_status_flipped_payload_byte_is_refused,
	     test_status_list_of_another_body_claiming_this_issuer_is_refused,
	     test_status_list_under_an_untrusted_root_is_refused,
	     test_status_list_by_a_revoked_signer_is_refused,
	     test_status_list_is_judged_at_its_issue_time,
	     test_status_qr_payload_given_as_a_list_is_refused,
	     test_status_list_given_as_qr_text_is_invalid,
	     test_status_other_content_type_is_refused, test_status_rejects_unsorted_entries,
	     test_status_store_checks_the_signature_before_the_entries,
	     test_status_rejects_duplicate_entries, test_status_rejects_unknown_state_and_reason,
	     test_status_rejects_other_shapes, test_status_higher_sequence_wins,
	     test_status_same_sequence_with_other_contents_is_refused,
	     test_status_trust_dir_loads_status_files_after_certificates,
	     test_status_list_by_a_revoked_signer_is_outdated_by_a_later_one,
	     test_status_qr_of_a_revoked_document_is_revoked,
	     test_status_qr_of_a_suspended_document_is_suspended,
	     test_status_qr_of_a_superseded_document_is_superseded,
	     test_status_qr_of_a_good_document_with_a_list_is_valid,
	     test_status_qr_without_a_list_is_valid_with_a_warning,
	     test_status_stale_list_within_grace_keeps_the_verdict_with_a_warning,
	     test_status_list_past_grace_makes_documents_untrusted,
	     test_status_revoked_and_expired_document_is_revoked,
	     test_status_doc_status_of_an_unverified_signer_is_not_checked,
	     test_status_pdf_of_a_revoked_document_is_revoked,
	     test_status_cli_verify_shows_the_status, test_status_cli_verify_warns_without_a_list)
