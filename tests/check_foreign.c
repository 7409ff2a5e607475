/* sceau tests — `sceau verify` on PDFs that other tools signed (part:
 * foreign): poppler's pdfsig and MuPDF's mutool sign, with a PKI of their
 * own made by the openssl command (foreign.c). The verifier must read
 * them, report each signature as it is (field, SubFilter, signer and
 * issuer, digest, key, coverage), and never call them valid: their signer
 * is not authorised by any sceau root, and they carry no sceau certificate.
 *
 * The PKI, the signed files and a sceau demo are made once per process in
 * an unchecked fixture; each test works on copies in a directory of its
 * own. */
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "foreign.h"
#include "testutil.h"

#define ADBE "adbe.pkcs7.detached"
#define ETSI "ETSI.CAdES.detached"

/* Made once per process. */
static char *tmp;
static struct foreign_pki pki;
static char *pdfsig_rsa, *pdfsig_ec, *pdfsig_etsi, *pdfsig_new; /* signed by pdfsig */
static char *mutool_rsa, *mutool_ec;                            /* signed by mutool */
static char *demo_trust;                                        /* the sceau demo's trust store */
static char *demo_coc;                                          /* the sceau demo's signed CoC */
static char *trust_root_only;                                   /* the foreign root alone */
static char *trust_root_crl;                                    /* the foreign root and its CRL */
static char *trust_both; /* the demo's trust store, the foreign root and CRL */
/* A private directory for each test. */
static char *work;

/* ---- running things ----------------------------------------------------- */

static int has(const char *hay, const char *needle)
{
	return hay && strstr(hay, needle) != NULL;
}

static void sceau_run(struct tu_proc *p, const char *const *args)
{
	const char *argv[32] = {SCEAU_BIN};
	const char *env[] = {"SCEAU_TEMPLATES=" SCEAU_TEMPLATES, "TZ=UTC", NULL};
	size_t n = 1;

	for (size_t i = 0; args[i]; i++) {
		ck_assert_uint_lt(n, 31);
		argv[n++] = args[i];
	}
	argv[n] = NULL;
	tu_run(p, tmp, env, argv);
}
#define SCEAU(p, ...) sceau_run((p), (const char *const[]){__VA_ARGS__, NULL})

/* `sceau verify --trust trust --json pdf`: its one JSON line (caller
 * frees), and its exit status in *status. */
static json_t *verify(const char *trust, const char *pdf, int *status)
{
	struct tu_proc p;
	json_error_t e;
	json_t *j;

	SCEAU(&p, "verify", "--trust", trust, "--json", pdf);
	ck_assert_msg(p.status == 0 || p.status == 1, "exit %d: %s%s", p.status, p.err, p.out);
	ck_assert_msg(strchr(p.out, '\n') == p.out + strlen(p.out) - 1, "not one line: %s", p.out);
	j = json_loads(p.out, 0, &e);
	ck_assert_msg(j != NULL, "%s: %s", e.text, p.out);
	ck_assert_msg(json_is_object(j), "%s", p.out);
	*status = p.status;
	tu_proc_free(&p);
	return j;
}

/* A JSON object as text, for messages (a static buffer). */
static const char *dump(const json_t *j)
{
	static char buf[8192];
	char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);

	snprintf(buf, sizeof(buf), "%s", s ? s : "(null)");
	free(s);
	return buf;
}

/* o[key] as a string, NULL when it is JSON null; the key must be there. */
static const char *str(const json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	ck_assert_msg(v != NULL, "no '%s' in %s", key, dump(o));
	ck_assert_msg(json_is_string(v) || json_is_null(v), "'%s' is not a string: %s", key,
		      dump(o));
	return json_string_value(v);
}

static int flag(const json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	ck_assert_msg(json_is_boolean(v), "'%s' is not a boolean: %s", key, dump(o));
	return json_is_true(v);
}

static long long num(const json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	ck_assert_msg(json_is_integer(v), "'%s' is not an integer: %s", key, dump(o));
	return json_integer_value(v);
}

#define ASSERT_STR(o, key, want)                                                                   \
	do {                                                                                       \
		const char *got_ = str((o), (key));                                                \
		ck_assert_msg(got_ &&strcmp(got_, (want)) == 0, "%s: want '%s' in %s", (key),      \
			      (want), dump(o));                                                    \
	} while (0)

/* The document's only signature. */
static json_t *only_sig(const json_t *doc)
{
	json_t *sigs = json_object_get(doc, "signatures");

	ck_assert_msg(json_is_array(sigs) && json_array_size(sigs) == 1, "want one signature: %s",
		      dump(doc));
	return json_array_get(sigs, 0);
}

/* ---- reading the files ourselves ------------------------------------------- */

static unsigned char *slurp(const char *path, size_t *len)
{
	unsigned char *buf = (unsigned char *)tu_read(path, len);

	ck_assert_msg(buf != NULL, "cannot read '%s'", path);
	return buf;
}

/* Offset of the last `needle` in buf, or -1. */
static long last_of(const unsigned char *buf, size_t len, const char *needle)
{
	size_t l = strlen(needle);
	long at = -1;

	for (const unsigned char *p = buf; (p = memmem(p, len - (size_t)(p - buf), needle, l)); p++)
		at = (long)(p - buf);
	return at;
}

/* The file's last /ByteRange. */
static void byterange(const unsigned char *buf, size_t len, long br[4])
{
	long at = last_of(buf, len, "/ByteRange");
	const char *p;
	char *end;

	ck_assert_int_ge(at, 0);
	p = (const char *)buf + at + strlen("/ByteRange");
	p += strspn(p, " \t\r\n[");
	for (int i = 0; i < 4; i++) {
		br[i] = strtol(p, &end, 10);
		ck_assert_ptr_ne(end, p);
		p = end;
	}
}

/* The file's last /SubFilter name, without its slash, in out. */
static void subfilter_of(const char *path, char *out, size_t outlen)
{
	size_t len, n;
	unsigned char *buf = slurp(path, &len);
	long at = last_of(buf, len, "/SubFilter");
	const char *p;

	ck_assert_int_ge(at, 0);
	p = (const char *)buf + at + strlen("/SubFilter");
	p += strspn(p, " \t\r\n");
	ck_assert_int_eq(*p, '/');
	p++;
	n = strcspn(p, " \t\r\n/<>[]()");
	ck_assert_uint_lt(n, outlen);
	memcpy(out, p, n);
	out[n] = '\0';
	free(buf);
}

/* Whether the file holds the PDF date "D:YYYYMMDDHHMMSS" of an ISO time
 * "YYYY-MM-DDTHH:MM:SSZ" (the /M sceau reports as signing_time). */
static int file_has_pdf_date(const char *path, const char *iso)
{
	char want[32] = "D:";
	size_t n = 2, len;
	unsigned char *buf;
	int found;

	for (const char *p = iso; *p && n + 1 < sizeof(want); p++)
		if (*p >= '0' && *p <= '9')
			want[n++] = *p;
	want[n] = '\0';
	ck_assert_uint_eq(n, 16);
	buf = slurp(path, &len);
	found = memmem(buf, len, want, n) != NULL;
	free(buf);
	return found;
}

/* Hex serials compared as numbers: case and leading zeros aside. */
static int same_serial(const char *a, const char *b)
{
	a += strspn(a, "0");
	b += strspn(b, "0");
	return strcasecmp(a, b) == 0;
}

/* A copy of src in work named `name`, with `extra` (may be NULL) appended. */
static char *copy(const char *src, const char *name, const char *extra, size_t extra_len)
{
	size_t len;
	unsigned char *buf = slurp(src, &len), *all = malloc(len + extra_len);
	char *path = tu_path(work, name);

	ck_assert_ptr_nonnull(all);
	memcpy(all, buf, len);
	if (extra)
		memcpy(all + len, extra, extra_len);
	tu_write(path, (const char *)all, len + extra_len);
	free(all);
	free(buf);
	return path;
}

/* ---- what a foreign signature must read as ------------------------------------ */

/* sig is `leaf`'s signature in field `field` of file, intact and whole. */
static void assert_foreign_sig(const json_t *sig, const struct foreign_leaf *leaf,
			       const char *field, const char *subfilter, const char *file)
{
	const char *when = str(sig, "signing_time");

	ASSERT_STR(sig, "field", field);
	ASSERT_STR(sig, "subfilter", subfilter);
	ASSERT_STR(sig, "signer", leaf->cn);
	ASSERT_STR(sig, "signer_issuer", FOREIGN_ROOT_CN);
	ck_assert_msg(same_serial(str(sig, "signer_serial"), leaf->serial), "want serial %s: %s",
		      leaf->serial, dump(sig));
	ASSERT_STR(sig, "digest", "sha256");
	ASSERT_STR(sig, "key_type", leaf->key_type);
	ck_assert_msg(when && file_has_pdf_date(file, when), "signing_time is not /M: %s",
		      dump(sig));
	ck_assert_msg(flag(sig, "intact") && flag(sig, "whole"), "%s", dump(sig));
	ck_assert_int_eq(num(sig, "bytes_after"), 0);
	ck_assert_int_eq(num(sig, "docmdp"), 0);
	if (strcmp(subfilter, ETSI) != 0) {
		/* Only ETSI.CAdES.detached can be PAdES, and the note says why
		 * not; pdfsig 22.12 puts no signing-time attribute in its CMS
		 * (content-type, message-digest, signing-certificate-v2 only). */
		ck_assert_msg(!flag(sig, "pades"), "%s", dump(sig));
		ck_assert_msg(has(str(sig, "pades_note"), subfilter), "%s", dump(sig));
		ck_assert_msg(!has(str(sig, "pades_note"), "signing-time"), "%s", dump(sig));
	} else {
		ck_assert_msg(flag(sig, "pades") == (str(sig, "pades_note")[0] == '\0'), "%s",
			      dump(sig));
	}
}

/* verify with the demo trust store says `untrusted` of a foreign file,
 * exit 1, with its one signature by leaf in field. */
static void assert_untrusted_foreign(const char *file, const struct foreign_leaf *leaf,
				     const char *field, const char *subfilter)
{
	int status;
	json_t *doc = verify(demo_trust, file, &status), *sig;

	ck_assert_int_eq(status, 1);
	ASSERT_STR(doc, "file", file);
	ASSERT_STR(doc, "verdict", "untrusted");
	ck_assert_msg(has(str(doc, "reason"), leaf->cn), "%s", dump(doc));
	/* No sceau certificate: no fields, and nothing vouched for. */
	ck_assert_msg(str(doc, "type") == NULL && str(doc, "number") == NULL, "%s", dump(doc));
	ck_assert_msg(!flag(doc, "verified"), "%s", dump(doc));
	sig = only_sig(doc);
	assert_foreign_sig(sig, leaf, field, subfilter, file);
	ASSERT_STR(sig, "verdict", "untrusted");
	ck_assert_msg(has(str(sig, "reason"), "does not chain to a trusted root"), "%s", dump(sig));
	json_decref(doc);
}

/* ---- fixtures ---------------------------------------------------------------- */

static char *trust_dir(const char *name, int with_crl, int with_demo)
{
	char *dir = tu_path(tmp, name), *to;
	size_t len;
	char *buf;

	ck_assert_int_eq(mkdir(dir, 0700), 0);
	to = tu_path(dir, "foreign-root.crt");
	buf = tu_read(pki.root_crt, &len);
	tu_write(to, buf, len);
	free(buf);
	free(to);
	if (with_crl) {
		to = tu_path(dir, "foreign-root.crl");
		buf = tu_read(pki.root_crl, &len);
		tu_write(to, buf, len);
		free(buf);
		free(to);
	}
	if (with_demo) { /* every file of the demo's trust store */
		DIR *d = opendir(demo_trust);
		struct dirent *e;
		ck_assert_ptr_nonnull(d);
		while ((e = readdir(d))) {
			char *from;
			if (e->d_name[0] == '.')
				continue;
			from = tu_path(demo_trust, e->d_name);
			to = tu_path(dir, e->d_name);
			buf = tu_read(from, &len);
			ck_assert_ptr_nonnull(buf);
			tu_write(to, buf, len);
			free(buf);
			free(from);
			free(to);
		}
		closedir(d);
	}
	return dir;
}

static char *in_tmp(const char *name)
{
	return tu_path(tmp, name);
}

static void setup_once(void)
{
	struct tu_proc p;
	char *dir, *unsigned_pdf, *out;

	tmp = tu_tmpdir();
	dir = tu_path(tmp, "pki");
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	foreign_pki_make(&pki, dir);
	free(dir);
	unsigned_pdf = foreign_unsigned_pdf(tmp);

	out = in_tmp("pdfsig-rsa.pdf");
	pdfsig_rsa = foreign_pdfsig(&pki, &pki.rsa, unsigned_pdf, out, 0);
	free(out);
	out = in_tmp("pdfsig-ec.pdf");
	pdfsig_ec = foreign_pdfsig(&pki, &pki.ec, unsigned_pdf, out, 0);
	free(out);
	out = in_tmp("pdfsig-etsi.pdf");
	pdfsig_etsi = foreign_pdfsig(&pki, &pki.rsa, unsigned_pdf, out, FOREIGN_ETSI);
	free(out);
	out = in_tmp("pdfsig-new-field.pdf");
	pdfsig_new = foreign_pdfsig(&pki, &pki.rsa, unsigned_pdf, out, FOREIGN_NEW_FIELD);
	free(out);
	out = in_tmp("mutool-rsa.pdf");
	mutool_rsa = foreign_mutool(&pki.rsa, unsigned_pdf, out);
	free(out);
	out = in_tmp("mutool-ec.pdf");
	mutool_ec = foreign_mutool(&pki.ec, unsigned_pdf, out);
	free(out);
	free(unsigned_pdf);

	SCEAU(&p, "demo", "--dir", "demo");
	ck_assert_msg(p.status == 0, "sceau demo: %s", p.err);
	tu_proc_free(&p);
	demo_trust = in_tmp("demo/trust");
	demo_coc = in_tmp("demo/coc.pdf");
	trust_root_only = trust_dir("trust-root-only", 0, 0);
	trust_root_crl = trust_dir("trust-root-crl", 1, 0);
	trust_both = trust_dir("trust-both", 1, 1);
}

static void teardown_once(void)
{
	char **paths[] = {&pdfsig_rsa,      &pdfsig_ec,      &pdfsig_etsi, &pdfsig_new,
			  &mutool_rsa,      &mutool_ec,      &demo_trust,  &demo_coc,
			  &trust_root_only, &trust_root_crl, &trust_both};

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		free(*paths[i]);
		*paths[i] = NULL;
	}
	foreign_pki_release(&pki);
	tu_rmrf(tmp);
	free(tmp);
	tmp = NULL;
}

static void setup_each(void)
{
	work = tu_tmpdir();
}

static void teardown_each(void)
{
	tu_rmrf(work);
	free(work);
	work = NULL;
}

/* ---- 1. what each tool signed reads as it is, and untrusted ---------------------- */

START_TEST(test_pdfsig_rsa_signature_is_intact_whole_and_untrusted)
{
	assert_untrusted_foreign(pdfsig_rsa, &pki.rsa, FOREIGN_FIELD, ADBE);
}
END_TEST

START_TEST(test_pdfsig_ecdsa_signature_is_intact_whole_and_untrusted)
{
	assert_untrusted_foreign(pdfsig_ec, &pki.ec, FOREIGN_FIELD, ADBE);
}
END_TEST

/* poppler 22.12 accepts -etsi with -sign but still writes adbe.pkcs7.detached
 * (and refuses -etsi with -add-signature): the report must say what the
 * file says. */
START_TEST(test_pdfsig_etsi_option_reads_as_the_subfilter_the_file_has)
{
	char subfilter[64];

	subfilter_of(pdfsig_etsi, subfilter, sizeof(subfilter));
	ck_assert_msg(!strcmp(subfilter, ADBE) || !strcmp(subfilter, ETSI), "%s", subfilter);
	assert_untrusted_foreign(pdfsig_etsi, &pki.rsa, FOREIGN_FIELD, subfilter);
}
END_TEST

/* pdfsig -add-signature: a second signature field, signed, beside the
 * empty one; only the signed one is reported. */
START_TEST(test_pdfsig_new_field_is_read_beside_the_empty_one)
{
	assert_untrusted_foreign(pdfsig_new, &pki.rsa, FOREIGN_NEW_FIELD_NAME, ADBE);
}
END_TEST

/* mutool 1.21 signs with SHA-1 (and a signing-time attribute), which
 * sceau checks for the report but never accepts: an untrusted signer is
 * said first, a trusted one's SHA-1 makes the file invalid. */
START_TEST(test_mutool_sha1_signature_is_reported_and_never_accepted)
{
	const char *files[] = {mutool_rsa, mutool_ec};
	const struct foreign_leaf *leaves[] = {&pki.rsa, &pki.ec};

	for (size_t i = 0; i < 2; i++) {
		int status;
		json_t *doc = verify(demo_trust, files[i], &status), *sig;

		ck_assert_int_eq(status, 1);
		ASSERT_STR(doc, "verdict", "untrusted");
		sig = only_sig(doc);
		ASSERT_STR(sig, "field", FOREIGN_FIELD);
		ASSERT_STR(sig, "subfilter", ADBE);
		ASSERT_STR(sig, "signer", leaves[i]->cn);
		ASSERT_STR(sig, "signer_issuer", FOREIGN_ROOT_CN);
		ck_assert(same_serial(str(sig, "signer_serial"), leaves[i]->serial));
		ASSERT_STR(sig, "digest", "sha1");
		ASSERT_STR(sig, "key_type", leaves[i]->key_type);
		ck_assert_msg(file_has_pdf_date(files[i], str(sig, "signing_time")), "%s",
			      dump(sig));
		ck_assert_msg(flag(sig, "intact") && flag(sig, "whole") &&
				      num(sig, "bytes_after") == 0,
			      "%s", dump(sig));
		ck_assert_msg(!flag(sig, "pades"), "%s", dump(sig));
		ck_assert_msg(has(str(sig, "pades_note"), "signing-time"), "%s", dump(sig));
		ASSERT_STR(sig, "verdict", "untrusted");
		json_decref(doc);

		doc = verify(trust_root_crl, files[i], &status);
		ck_assert_int_eq(status, 1);
		ASSERT_STR(doc, "verdict", "invalid");
		ck_assert_msg(has(str(doc, "reason"), "SHA-1"), "%s", dump(doc));
		sig = only_sig(doc);
		ck_assert_msg(flag(sig, "intact"), "%s", dump(sig));
		ASSERT_STR(sig, "verdict", "invalid");
		json_decref(doc);
	}
}
END_TEST

/* What mutool 1.21 writes when its signer fails (and still exits 0): the
 * signature dictionary with /Contents all zeros. */
START_TEST(test_zeroed_contents_is_invalid_and_names_no_signer)
{
	size_t len;
	unsigned char *buf = slurp(mutool_rsa, &len);
	char *bad = tu_path(work, "zeroed.pdf");
	long br[4];
	int status;
	json_t *doc, *sig;

	byterange(buf, len, br);
	ck_assert(br[1] > 0 && br[2] > br[1] + 2 && (size_t)br[2] <= len);
	ck_assert(buf[br[1]] == '<' && buf[br[2] - 1] == '>');
	memset(buf + br[1] + 1, '0', (size_t)(br[2] - br[1] - 2));
	tu_write(bad, (const char *)buf, len);
	doc = verify(demo_trust, bad, &status);
	ck_assert_int_eq(status, 1);
	ASSERT_STR(doc, "verdict", "invalid");
	sig = only_sig(doc);
	ASSERT_STR(sig, "field", FOREIGN_FIELD);
	ck_assert_msg(!flag(sig, "intact"), "%s", dump(sig));
	ck_assert_msg(str(sig, "signer") == NULL, "%s", dump(sig));
	ASSERT_STR(sig, "verdict", "invalid");
	json_decref(doc);
	free(bad);
	free(buf);
}
END_TEST

START_TEST(test_text_report_names_foreign_signer_issuer_and_kind)
{
	struct tu_proc p;

	SCEAU(&p, "verify", "--trust", demo_trust, pdfsig_ec);
	ck_assert_int_eq(p.status, 1);
	ck_assert_msg(has(p.out, "UNTRUSTED"), "%s", p.out);
	ck_assert_msg(has(p.out, "signer   '" FOREIGN_EC_CN "' (serial "), "%s", p.out);
	ck_assert_msg(has(p.out, "issued by '" FOREIGN_ROOT_CN "'"), "%s", p.out);
	ck_assert_msg(has(p.out, ADBE ", ECDSA P-256 with sha256"), "%s", p.out);
	ck_assert_msg(has(p.out, "the whole file"), "%s", p.out);
	tu_proc_free(&p);
}
END_TEST

START_TEST(test_all_foreign_files_in_one_call_give_one_line_each_and_exit_1)
{
	const char *files[] = {pdfsig_rsa, pdfsig_ec,  pdfsig_etsi,
			       pdfsig_new, mutool_rsa, mutool_ec};
	const size_t n = sizeof(files) / sizeof(files[0]);
	struct tu_proc p;
	char *line;

	SCEAU(&p, "verify", "--trust", demo_trust, "--json", files[0], files[1], files[2], files[3],
	      files[4], files[5]);
	ck_assert_msg(p.status == 1, "exit %d: %s", p.status, p.err);
	line = p.out;
	for (size_t i = 0; i < n; i++) {
		char *nl = strchr(line, '\n');
		json_t *j;
		ck_assert_msg(nl != NULL, "line %zu missing: %s", i, p.out);
		*nl = '\0';
		j = json_loads(line, 0, NULL);
		ck_assert_msg(j != NULL, "%s", line);
		ASSERT_STR(j, "file", files[i]);
		ck_assert_msg(strcmp(str(j, "verdict"), "valid") != 0, "%s", line);
		json_decref(j);
		line = nl + 1;
	}
	ck_assert_str_eq(line, "");
	tu_proc_free(&p);
}
END_TEST

/* ---- 2. changed after signing ---------------------------------------------------- */

/* One byte of the page's text, in the first signed range, changed: the
 * document says something else than what was signed. */
START_TEST(test_byte_changed_in_first_range_is_not_intact_and_never_valid)
{
	const char *files[] = {pdfsig_rsa, pdfsig_ec, pdfsig_new, mutool_rsa, mutool_ec};
	const char *trusts[] = {demo_trust, trust_root_crl};

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		size_t len;
		unsigned char *buf = slurp(files[i], &len);
		unsigned char *text = memmem(buf, len, FOREIGN_TEXT, strlen(FOREIGN_TEXT));
		char *bad = tu_path(work, "flipped.pdf");
		long br[4];

		byterange(buf, len, br);
		ck_assert_ptr_nonnull(text);
		ck_assert_int_lt(text - buf, br[1]);
		*text ^= 0x01; /* "Foreign" -> "Goreign" */
		tu_write(bad, (const char *)buf, len);
		for (size_t t = 0; t < 2; t++) {
			int status;
			json_t *doc = verify(trusts[t], bad, &status), *sig = only_sig(doc);
			const char *v = str(doc, "verdict");
			ck_assert_int_eq(status, 1);
			ck_assert_msg(!strcmp(v, "invalid") || !strcmp(v, "modified"), "%s: %s",
				      files[i], dump(doc));
			ck_assert_msg(!flag(sig, "intact"), "%s: %s", files[i], dump(sig));
			ck_assert_msg(strcmp(str(sig, "verdict"), "valid") != 0, "%s: %s", files[i],
				      dump(sig));
			json_decref(doc);
		}
		free(bad);
		free(buf);
	}
}
END_TEST

/* The space before the signature dictionary's /ByteRange (in the second
 * range) becomes a newline: the same PDF to a parser, other bytes to the
 * digest. */
START_TEST(test_whitespace_changed_in_second_range_is_not_intact)
{
	const char *files[] = {pdfsig_rsa, pdfsig_ec};

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		size_t len;
		unsigned char *buf = slurp(files[i], &len);
		long at = last_of(buf, len, "/ByteRange"), br[4];
		char *bad = tu_path(work, "respaced.pdf");
		int status;
		json_t *doc, *sig;

		byterange(buf, len, br);
		ck_assert_int_gt(at, br[2]);
		ck_assert_int_eq(buf[at - 1], ' ');
		buf[at - 1] = '\n';
		tu_write(bad, (const char *)buf, len);
		doc = verify(demo_trust, bad, &status);
		sig = only_sig(doc);
		ck_assert_int_eq(status, 1);
		ck_assert_msg(!strcmp(str(doc, "verdict"), "invalid") ||
				      !strcmp(str(doc, "verdict"), "modified"),
			      "%s", dump(doc));
		ck_assert_msg(!flag(sig, "intact"), "%s", dump(sig));
		json_decref(doc);
		free(bad);
		free(buf);
	}
}
END_TEST

/* Bytes after the foreign signature: a comment, and an incremental update
 * that replaces the page's text (what a reader then shows is not what
 * was signed). */
START_TEST(test_bytes_appended_after_foreign_signature_are_modified)
{
	const char *files[] = {pdfsig_rsa, pdfsig_ec, pdfsig_new};

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		static const char comment[] = "\n% appended after signing\n";
		static const char content[] = "BT /F1 24 Tf 72 720 Td (Forged text) Tj ET";
		size_t len, ulen;
		unsigned char *buf = slurp(files[i], &len);
		long sx = last_of(buf, len, "startxref"), size_at = last_of(buf, len, "/Size");
		char update[1024], *paths[2];
		size_t added[2];

		ck_assert(sx > 0 && size_at > 0);
		/* The new content stream is object 5 again: one xref subsection. */
		{
			long prev = strtol((const char *)buf + sx + strlen("startxref"), NULL, 10);
			long size = strtol((const char *)buf + size_at + strlen("/Size"), NULL, 10);
			int head = snprintf(update, sizeof(update),
					    "\n5 0 obj\n<< /Length %zu >>\nstream\n%s\nendstream\n"
					    "endobj\n",
					    strlen(content), content);
			ck_assert(head > 0 && (size_t)head < sizeof(update));
			ulen = (size_t)head;
			head = snprintf(update + ulen, sizeof(update) - ulen,
					"xref\n5 1\n%010zu 00000 n \ntrailer\n<< /Size %ld /Root 1 "
					"0 R /Prev %ld >>\nstartxref\n%zu\n%%%%EOF\n",
					len + 1, size, prev, len + ulen);
			ck_assert(head > 0 && (size_t)head < sizeof(update) - ulen);
			ulen += (size_t)head;
		}
		paths[0] = copy(files[i], "comment.pdf", comment, strlen(comment));
		added[0] = strlen(comment);
		paths[1] = copy(files[i], "update.pdf", update, ulen);
		added[1] = ulen;
		for (size_t k = 0; k < 2; k++) {
			int status;
			json_t *doc = verify(demo_trust, paths[k], &status), *sig = only_sig(doc);
			ck_assert_int_eq(status, 1);
			ASSERT_STR(doc, "verdict", "modified");
			ck_assert_msg(flag(sig, "intact") && !flag(sig, "whole"), "%s", dump(sig));
			ck_assert_msg(num(sig, "bytes_after") == (long long)added[k],
				      "want %zu bytes after: %s", added[k], dump(sig));
			ASSERT_STR(sig, "verdict", "modified");
			json_decref(doc);
			free(paths[k]);
		}
		free(buf);
	}
}
END_TEST

/* A genuine sceau certificate signed again by pdfsig (-add-signature, an
 * incremental update): sceau's signature no longer covers the file. */
START_TEST(test_sceau_certificate_signed_again_by_pdfsig_is_modified)
{
	char *out = tu_path(work, "resigned.pdf"), *signed_again;
	size_t before, after;
	int status;
	json_t *doc, *sig;

	free(slurp(demo_coc, &before));
	signed_again = foreign_pdfsig(&pki, &pki.rsa, demo_coc, out, FOREIGN_NEW_FIELD);
	free(slurp(signed_again, &after));
	ck_assert_uint_gt(after, before);
	doc = verify(demo_trust, signed_again, &status);
	ck_assert_int_eq(status, 1);
	ASSERT_STR(doc, "verdict", "modified");
	ASSERT_STR(doc, "type", "coc");
	sig = json_array_get(json_object_get(doc, "signatures"), 0);
	ck_assert_msg(sig != NULL, "%s", dump(doc));
	ck_assert_msg(strcmp(str(sig, "signer"), FOREIGN_RSA_CN) != 0, "%s", dump(sig));
	ck_assert_msg(flag(sig, "intact") && !flag(sig, "whole"), "%s", dump(sig));
	ck_assert_msg(num(sig, "bytes_after") == (long long)(after - before), "want %zu: %s",
		      after - before, dump(sig));
	/* sceau writes a direct /AcroForm, and pdfsig 22.12 then leaves its
	 * new field out of /Fields: the verifier finds it on the page. */
	ck_assert_msg(json_array_size(json_object_get(doc, "signatures")) == 2, "%s", dump(doc));
	sig = json_array_get(json_object_get(doc, "signatures"), 1);
	ASSERT_STR(sig, "field", FOREIGN_NEW_FIELD_NAME);
	ASSERT_STR(sig, "signer", FOREIGN_RSA_CN);
	ck_assert_msg(flag(sig, "intact") && flag(sig, "whole"), "%s", dump(sig));
	ASSERT_STR(sig, "verdict", "untrusted");
	json_decref(doc);
	free(signed_again);
	free(out);
}
END_TEST

/* ---- 3. the foreign root in the trust store --------------------------------------- */

START_TEST(test_foreign_root_without_crl_is_untrusted_for_want_of_a_crl)
{
	int status;
	json_t *doc = verify(trust_root_only, pdfsig_rsa, &status), *sig = only_sig(doc);

	ck_assert_int_eq(status, 1);
	ASSERT_STR(doc, "verdict", "untrusted");
	ck_assert_msg(has(str(doc, "reason"), "no revocation list of root '" FOREIGN_ROOT_CN "'"),
		      "%s", dump(doc));
	assert_foreign_sig(sig, &pki.rsa, FOREIGN_FIELD, ADBE, pdfsig_rsa);
	ASSERT_STR(sig, "verdict", "untrusted");
	json_decref(doc);
}
END_TEST

/* With its CRL the foreign root vouches for its leaf, but the leaf is
 * authorised for no sceau programme and the file carries no sceau
 * certificate: never valid. */
START_TEST(test_foreign_root_with_crl_still_never_makes_a_foreign_file_valid)
{
	const char *files[] = {pdfsig_rsa, pdfsig_ec, pdfsig_new};
	const char *trusts[] = {trust_root_crl, trust_both};

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		for (size_t t = 0; t < 2; t++) {
			int status;
			json_t *doc = verify(trusts[t], files[i], &status);
			ck_assert_int_eq(status, 1);
			ck_assert_msg(strcmp(str(doc, "verdict"), "valid") != 0, "%s", dump(doc));
			ck_assert_msg(str(doc, "type") == NULL && !flag(doc, "verified"), "%s",
				      dump(doc));
			ck_assert_msg(flag(only_sig(doc), "intact"), "%s", dump(doc));
			json_decref(doc);
		}
}
END_TEST

/* The foreign root beside the demo's changes nothing for sceau's own. */
START_TEST(test_foreign_root_beside_demo_root_leaves_sceau_certificate_valid)
{
	int status;
	json_t *doc = verify(trust_both, demo_coc, &status);

	ck_assert_msg(status == 0, "%s", dump(doc));
	ASSERT_STR(doc, "verdict", "valid");
	json_decref(doc);
}
END_TEST

TU_MAIN_ONCE("foreign", setup_once, teardown_once, setup_each, teardown_each,
	     test_pdfsig_rsa_signature_is_intact_whole_and_untrusted,
	     test_pdfsig_ecdsa_signature_is_intact_whole_and_untrusted,
	     test_pdfsig_etsi_option_reads_as_the_subfilter_the_file_has,
	     test_pdfsig_new_field_is_read_beside_the_empty_one,
	     test_mutool_sha1_signature_is_reported_and_never_accepted,
	     test_zeroed_contents_is_invalid_and_names_no_signer,
	     test_text_report_names_foreign_signer_issuer_and_kind,
	     test_all_foreign_files_in_one_call_give_one_line_each_and_exit_1,
	     test_byte_changed_in_first_range_is_not_intact_and_never_valid,
	     test_whitespace_changed_in_second_range_is_not_intact,
	     test_bytes_appended_after_foreign_signature_are_modified,
	     test_sceau_certificate_signed_again_by_pdfsig_is_modified,
	     test_foreign_root_without_crl_is_untrusted_for_want_of_a_crl,
	     test_foreign_root_with_crl_still_never_makes_a_foreign_file_valid,
	     test_foreign_root_beside_demo_root_leaves_sceau_certificate_valid)
