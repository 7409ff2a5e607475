/* Tests: JSON requests → records (record.c, record_schema.c,
 * record_check.c) and their canonical claims (claims.c). Each rejection is
 * made by changing one thing in the documented examples. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static json_t *example(const char *name)
{
	char path[512];
	json_error_t e;
	json_t *j;

	snprintf(path, sizeof(path), "%s/%s.json", SCEAU_EXAMPLES, name);
	j = json_load_file(path, JSON_PRESERVE_ORDER, &e);
	ck_assert_msg(j != NULL, "%s: %s", path, e.text);
	return j;
}

/* The parent of the last path element, and that element ("a.b[2].c"). */
static json_t *parent(json_t *root, const char *path, char *last, size_t len)
{
	char buf[128], *tok, *save = NULL;
	json_t *cur = root;

	snprintf(buf, sizeof(buf), "%s", path);
	/* Turn "a[2]" into "a.[2]" so every step is one token. */
	char norm[160];
	size_t o = 0;
	for (const char *p = buf; *p && o + 2 < sizeof(norm); p++) {
		if (*p == '[')
			norm[o++] = '.';
		norm[o++] = *p;
	}
	norm[o] = 0;
	char *steps[16];
	int n = 0;
	for (tok = strtok_r(norm, ".", &save); tok && n < 16; tok = strtok_r(NULL, ".", &save))
		steps[n++] = tok;
	for (int i = 0; i < n - 1; i++)
		cur = steps[i][0] == '[' ? json_array_get(cur, strtoul(steps[i] + 1, NULL, 10))
					 : json_object_get(cur, steps[i]);
	ck_assert_msg(cur != NULL, "no parent for %s", path);
	snprintf(last, len, "%s", steps[n - 1]);
	return cur;
}

/* Set (or, with v NULL, delete) the value at path; takes v's reference. */
static void set(json_t *root, const char *path, json_t *v)
{
	char last[64];
	json_t *p = parent(root, path, last, sizeof(last));

	if (last[0] == '[') {
		size_t i = strtoul(last + 1, NULL, 10);
		if (v)
			json_array_set_new(p, i, v);
		else
			json_array_remove(p, i);
	} else if (v) {
		json_object_set_new(p, last, v);
	} else {
		ck_assert_int_eq(json_object_del(p, last), 0);
	}
}

static enum sceau_err parse_json(json_t *j, struct sceau_record **rec, struct sceau_error *err)
{
	char *s = json_dumps(j, JSON_PRESERVE_ORDER);
	enum sceau_err ret = sceau_record_parse(s, strlen(s), rec, err);

	free(s);
	return ret;
}

/* Parsing `j` must fail with `code` and a message containing `want`. */
static void refused(json_t *j, enum sceau_err code, const char *want)
{
	struct sceau_record *rec = (struct sceau_record *)1;
	struct sceau_error err = {0};
	enum sceau_err ret = parse_json(j, &rec, &err);

	ck_assert_msg(ret == code, "expected error %d, got %d (%s)", code, ret, err.msg);
	ck_assert_ptr_null(rec);
	ck_assert_msg(strstr(err.msg, want) != NULL, "message '%s' lacks '%s'", err.msg, want);
	json_decref(j);
}

/* Change one field of an example and expect an invalid-field error. */
static void bad(const char *ex, const char *path, json_t *v, const char *want)
{
	json_t *j = example(ex);
	set(j, path, v);
	refused(j, SCEAU_ERR_INVALID, want);
}

static struct sceau_record *accepted(json_t *j)
{
	struct sceau_record *rec = NULL;
	struct sceau_error err = {0};

	ck_assert_msg(parse_json(j, &rec, &err) == SCEAU_OK, "refused: %s", err.msg);
	json_decref(j);
	return rec;
}

START_TEST(test_record_examples_parse_with_defaults)
{
	struct sceau_record *coc = accepted(example("coc"));
	struct sceau_record *halal = accepted(example("halal"));

	ck_assert_int_eq(sceau_record_type(coc), SCEAU_DOC_COC);
	ck_assert_int_eq(sceau_record_type(halal), SCEAU_DOC_HALAL);
	ck_assert_str_eq(sceau_record_get(coc, "number"), "ITK-COC-2026-000123");
	ck_assert_str_eq(sceau_record_get(coc, "products[3].tariff_code"), "8509400000");
	ck_assert_str_eq(sceau_record_get(coc, "importer.ice"), "001561191000066");
	ck_assert_uint_eq(sceau_record_count(coc, "products"), 5);
	ck_assert_uint_eq(sceau_record_count(coc, "dossier.documents"), 7);
	ck_assert_str_eq(sceau_record_get(coc, "expiry_date"), "2027-02-20");
	ck_assert_str_eq(sceau_record_get(halal, "expiry_date"), "2029-11-20");
	ck_assert_uint_eq(sceau_record_count(halal, "sites"), 2);
	ck_assert_str_eq(sceau_record_get(halal, "scope[1]"),
			 "Conditionnement, stockage et expédition");
	ck_assert_ptr_null(sceau_record_get(coc, "products[9].tariff_code"));
	ck_assert_ptr_null(sceau_record_get(coc, "importer"));
	ck_assert_ptr_null(sceau_record_get(coc, "registration_number"));
	sceau_record_free(coc);
	sceau_record_free(halal);
}
END_TEST

START_TEST(test_record_error_names_path_and_expectation)
{
	bad("coc", "products[3].tariff_code", json_string("85166"),
	    "products[3].tariff_code: expected 10 digits (chapter 01 to 97 first, not 77), got "
	    "'85166'");
	bad("coc", "products[0].tariff_code", json_string("9900000000"), "chapter 01 to 97");
	bad("coc", "products[0].tariff_code", json_string("85166000AB"), "expected 10 digits");
}
END_TEST

START_TEST(test_record_checks_ice)
{
	ck_assert(sceau_ice_valid("001561191000066"));
	ck_assert(!sceau_ice_valid("001561191000065"));
	ck_assert(!sceau_ice_valid("00156119100006"));
	ck_assert(!sceau_ice_valid("0015611910000660"));
	ck_assert(!sceau_ice_valid("00156119100006a"));
	bad("coc", "importer.ice", json_string("001561191000065"),
	    "importer.ice: expected an ICE: 15 digits divisible by 97, got '001561191000065'");
	bad("halal", "holder.ice", json_string("2345678000031"), "holder.ice: expected an ICE");
}
END_TEST

START_TEST(test_record_rejects_unknown_and_missing_fields)
{
	bad("coc", "importer.fax", json_string("+212 5 22 00 00 00"),
	    "importer.fax: unknown field (known: name, name_ar, address, ice)");
	bad("coc", "products[1].colour", json_string("red"), "products[1].colour: unknown field");
	bad("coc", "issue_dat", json_string("2026-11-20"), "issue_dat: unknown field");
	bad("coc", "exporter.country", NULL, "exporter.country: required field missing");
	bad("coc", "products", NULL, "products: required field missing");
	bad("halal", "route", json_string("A"), "route: unknown field");
	bad("halal", "standard", NULL, "standard: required field missing");
	json_t *j = example("coc");
	set(j, "type", NULL);
	refused(j, SCEAU_ERR_INVALID, "type: required field missing");
	bad("coc", "type", json_string("iso9001"),
	    "type: expected \"coc\" or \"halal\", got 'iso9001'");
}
END_TEST

START_TEST(test_record_rejects_numbers_where_decimals_are_text)
{
	bad("coc", "products[0].quantity", json_integer(120),
	    "products[0].quantity: expected a decimal string");
	bad("coc", "invoice.amount", json_real(48750.0),
	    "invoice.amount: expected a decimal string");
	const char *badnum[] = {"1e5", "01",    "1.",   ".5",        "-3",
				"0",   "0.000", "12,5", "1.1234567", "1234567890123456",
				" 5"};
	for (size_t i = 0; i < sizeof(badnum) / sizeof(badnum[0]); i++)
		bad("coc", "products[2].quantity", json_string(badnum[i]), "products[2].quantity:");
	json_t *j = example("coc");
	set(j, "products[2].quantity", json_string("0.5"));
	set(j, "invoice.amount", json_string("999999999999999.999999"));
	sceau_record_free(accepted(j));
}
END_TEST

START_TEST(test_record_checks_codes)
{
	bad("coc", "country_of_origin", json_string("XX"),
	    "country_of_origin: expected an ISO 3166-1 alpha-2 country code");
	bad("coc", "exporter.country", json_string("cn"), "exporter.country: expected an ISO 3166");
	bad("coc", "invoice.currency", json_string("EURO"),
	    "invoice.currency: expected an ISO 4217");
	bad("coc", "invoice.currency", json_string("ABC"),
	    "invoice.currency: expected an ISO 4217");
	bad("coc", "products[4].unit", json_string("pcs"), "products[4].unit: expected a unit");
	bad("coc", "route", json_string("D"), "route: expected \"A\", \"B\" or \"C\"");
	bad("coc", "number", json_string("itk-coc-1"), "number: expected 3 to 40");
	bad("coc", "number", json_string("ITK--COC"), "number: expected 3 to 40");
	bad("halal", "standard", json_string("NM 08.0.801"), "standard: expected");
	bad("coc", "dossier.documents[0].sha256", json_string("abc"), "expected 64 hexadecimal");
	bad("coc", "dossier.documents[0].kind", json_string("receipt"), "expected invoice,");
}
END_TEST

START_TEST(test_record_checks_dates_and_their_order)
{
	bad("coc", "issue_date", json_string("2026-02-30"),
	    "issue_date: expected a date YYYY-MM-DD, got '2026-02-30'");
	bad("coc", "issue_date", json_string("20/11/2026"), "issue_date: expected a date");
	bad("coc", "inspection.date", json_string("2026-11-21"),
	    "inspection.date: 2026-11-21 is after issue_date (2026-11-20)");
	bad("coc", "invoice.date", json_string("2026-12-01"), "invoice.date: 2026-12-01 is after");
	bad("coc", "expiry_date", json_string("2026-11-19"),
	    "expiry_date: 2026-11-19 is before issue_date (2026-11-20)");
	bad("coc", "expiry_date", json_string("2027-02-21"),
	    "expiry_date: a certificate of conformity is valid at most 3 months, until 2027-02-20");
	bad("halal", "audit_date", json_string("2026-11-21"), "audit_date: 2026-11-21 is after");
	bad("halal", "expiry_date", json_string("2029-11-21"),
	    "at most 36 months, until 2029-11-20");
	json_t *j = example("coc");
	set(j, "expiry_date", json_string("2027-01-31"));
	struct sceau_record *r = accepted(j);
	ck_assert_str_eq(sceau_record_get(r, "expiry_date"), "2027-01-31");
	sceau_record_free(r);
}
END_TEST

START_TEST(test_record_route_needs_its_number)
{
	bad("coc", "route", json_string("B"), "registration_number: required for route B");
	bad("coc", "route", json_string("C"), "licence_number: required for route C");
	bad("coc", "registration_number", json_string("REG-2026-77"),
	    "registration_number: only for route B, this certificate is route A");
	json_t *j = example("coc");
	set(j, "route", json_string("B"));
	set(j, "registration_number", json_string("ITK-REG-2025-0042"));
	struct sceau_record *r = accepted(j);
	ck_assert_str_eq(sceau_record_get(r, "registration_number"), "ITK-REG-2025-0042");
	sceau_record_free(r);
}
END_TEST

START_TEST(test_record_dossier_must_be_complete_or_waived)
{
	/* documents[6] is the import declaration, [4] the 8509400000 test report. */
	bad("coc", "dossier.documents[6]", NULL, "dossier: incomplete, missing import_declaration");
	bad("coc", "dossier.documents[4]", NULL,
	    "missing test_report or analysis_certificate for 8509400000");
	bad("coc", "dossier.documents[0]", NULL, "missing invoice or proforma_invoice");
	bad("coc", "dossier.documents[5]", NULL, "missing quality_certificate");
	bad("coc", "dossier.documents[1].tariff_code", NULL,
	    "dossier.documents[1].tariff_code: required for a descriptive_sheet");
	bad("coc", "dossier.documents[0].tariff_code", json_string("8516600000"),
	    "dossier.documents[0].tariff_code: only for");
	bad("coc", "dossier.documents[3].tariff_code", json_string("8418100000"),
	    "'8418100000' is not the tariff code of any product line");
	bad("coc", "dossier.waiver", json_pack("{s:s}", "reason", "urgent"),
	    "dossier.waiver: the dossier is complete, nothing to waive");
	bad("coc", "dossier.waiver", json_object(),
	    "dossier.waiver.reason: required field missing");

	json_t *j = example("coc");
	set(j, "dossier.documents[6]", NULL);
	set(j, "dossier.waiver",
	    json_pack("{s:s}", "reason", "Déclaration d'importation déposée après inspection"));
	struct sceau_record *r = accepted(j);
	ck_assert_ptr_nonnull(sceau_record_get(r, "dossier.waiver.reason"));
	sceau_record_free(r);
}
END_TEST

START_TEST(test_record_rejects_bad_text)
{
	char longname[200];
	memset(longname, 'a', 121);
	longname[121] = 0;
	bad("coc", "importer.name", json_string(longname),
	    "importer.name: at most 120 characters, got 121");
	/* 120 Arabic letters are 240 bytes but 120 characters: accepted. */
	json_t *j = example("coc");
	char ar[512] = "";
	for (int i = 0; i < 120; i++)
		strcat(ar, "ب");
	set(j, "importer.name_ar", json_string(ar));
	sceau_record_free(accepted(j));
	bad("coc", "importer.name", json_string("Atlas\tSARL"),
	    "importer.name: control character 0x09");
	bad("coc", "importer.name", json_string("Atlas\nSARL"), "line breaks are not allowed here");
	bad("coc", "importer.name", json_string(" Atlas"),
	    "importer.name: leading or trailing space");
	bad("coc", "importer.name", json_string(""), "importer.name: must not be empty");
	bad("coc", "importer.name", json_string("Atlas\u00a0"), "leading or trailing space");
	/* A right-to-left override would make a name read backwards on screen. */
	bad("coc", "importer.name", json_string("Atlas \u202eLRAS"),
	    "importer.name: character U+202E is not allowed");
	bad("coc", "importer.name", json_string("Atlas\xc2\x85SARL"), "character U+0085");
	bad("coc", "products[0].short_description", json_string("Four encastrable 60 litres"),
	    "at most 24 characters");
}
END_TEST

START_TEST(test_record_bounds_counts)
{
	json_t *j = example("coc");
	json_t *products = json_object_get(j, "products");
	json_t *line = json_deep_copy(json_array_get(products, 0));
	while (json_array_size(products) <= 1000)
		json_array_append(products, line);
	json_decref(line);
	refused(j, SCEAU_ERR_INVALID, "products: at most 1000 items, got 1001");
	bad("coc", "products", json_array(), "products: at least 1 item, got 0");
	bad("halal", "sites", json_array(), "sites: at least 1 item");
	bad("halal", "scope[0]", json_integer(3), "scope[0]: expected text, got a number");
}
END_TEST

START_TEST(test_record_rejects_malformed_json)
{
	static const struct {
		const char *text;
		enum sceau_err code;
		const char *want;
	} cases[] = {
		{"{\"type\": \"coc\",}", SCEAU_ERR_FORMAT, "request: not valid JSON"},
		{"{\"type\": \"coc\"} trailing", SCEAU_ERR_FORMAT, "not valid JSON"},
		{"{\"type\": \"coc\", \"type\": \"halal\"}", SCEAU_ERR_FORMAT, "duplicate"},
		{"{\"type\": \"co\xff\"}", SCEAU_ERR_FORMAT, "not valid JSON"},
		{"{\"type\": \"co\\u0000c\"}", SCEAU_ERR_FORMAT, "not valid JSON"},
		{"[1, 2]", SCEAU_ERR_INVALID, "request: expected an object, got an array"},
		{"", SCEAU_ERR_FORMAT, "not valid JSON"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sceau_record *rec = NULL;
		struct sceau_error err = {0};
		enum sceau_err ret =
			sceau_record_parse(cases[i].text, strlen(cases[i].text), &rec, &err);
		ck_assert_msg(ret == cases[i].code, "case %zu: %d %s", i, ret, err.msg);
		ck_assert_msg(strstr(err.msg, cases[i].want), "case %zu: '%s'", i, err.msg);
		ck_assert_ptr_null(rec);
	}
}
END_TEST

static void digest_of(json_t *j, unsigned char d[32])
{
	struct sceau_record *r = accepted(j);
	struct sceau_error err = {0};

	ck_assert_int_eq(sceau_record_digest(r, d, &err), SCEAU_OK);
	sceau_record_free(r);
}

START_TEST(test_record_claims_are_canonical)
{
	unsigned char a[32], b[32], c[32];
	json_t *j = example("coc");
	char *compact = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(j);

	digest_of(example("coc"), a);
	/* Other key order, no white space: the same record, the same digest. */
	digest_of(json_loads(compact, 0, NULL), b);
	free(compact);
	ck_assert_mem_eq(a, b, 32);
	/* The default expiry written out is the same record too. */
	j = example("coc");
	set(j, "expiry_date", json_string("2027-02-20"));
	digest_of(j, b);
	ck_assert_mem_eq(a, b, 32);
	/* Upper-case hex in a document digest is the same document. */
	j = example("coc");
	set(j, "dossier.documents[0].sha256",
	    json_string("CE09B1740A0CDD68FDFD5A322962C4EE0B701DEE0508BD8DF2D009D61B08A007"));
	digest_of(j, b);
	ck_assert_mem_eq(a, b, 32);
	/* One character more in a description: another record. */
	j = example("coc");
	set(j, "products[4].description", json_string("Blender chauffant 600 W, 1,5 L."));
	digest_of(j, c);
	ck_assert_mem_ne(a, c, 32);
}
END_TEST

START_TEST(test_record_claims_known_answer)
{
	/* The canonical encoding is signed into every QR code (as its digest):
	 * changing it breaks every certificate issued. Update this only with a
	 * new envelope version (docs/formats.md). */
	static const char want[] =
		"5ce60220c1b3588a85047db6f88fbe54f1fa91f55c99fbad8728d91a9fc8aa2e";
	unsigned char d[32], *cbor = NULL;
	size_t n = 0;
	char hex[65];
	struct sceau_error err = {0};
	struct sceau_record *r = accepted(example("coc"));

	ck_assert_int_eq(sceau_record_digest(r, d, &err), SCEAU_OK);
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	ck_assert_str_eq(hex, want);
	/* A map whose first key is 1 (type) with value 1 (coc). */
	ck_assert_int_eq(sceau_record_claims(r, &cbor, &n, &err), SCEAU_OK);
	ck_assert_uint_eq(cbor[0], 0xAC); /* map of 12 entries */
	ck_assert_uint_eq(cbor[1], 0x01);
	ck_assert_uint_eq(cbor[2], 0x01);
	free(cbor);
	sceau_record_free(r);
}
END_TEST

START_TEST(test_record_json_round_trips)
{
	struct sceau_record *r = accepted(example("halal")), *r2 = NULL;
	struct sceau_error err = {0};
	unsigned char a[32], b[32];
	char *text = NULL;

	ck_assert_int_eq(sceau_record_to_json(r, &text, &err), SCEAU_OK);
	ck_assert_ptr_nonnull(strstr(text, "\"expiry_date\": \"2029-11-20\""));
	ck_assert(strstr(text, "issue_date") < strstr(text, "expiry_date"));
	ck_assert_ptr_nonnull(strstr(text, "بسكويتري"));
	ck_assert_int_eq(sceau_record_parse(text, strlen(text), &r2, &err), SCEAU_OK);
	ck_assert_int_eq(sceau_record_digest(r, a, &err), SCEAU_OK);
	ck_assert_int_eq(sceau_record_digest(r2, b, &err), SCEAU_OK);
	ck_assert_mem_eq(a, b, 32);
	free(text);
	sceau_record_free(r);
	sceau_record_free(r2);
}
END_TEST

START_TEST(test_record_load_names_the_file)
{
	struct sceau_record *r = NULL;
	struct sceau_error err = {0};
	char *dir = tu_tmpdir(), *path = tu_path(dir, "req.json");

	ck_assert_int_eq(sceau_record_load(path, &r, &err), SCEAU_ERR_NOT_FOUND);
	ck_assert_ptr_nonnull(strstr(err.msg, "req.json"));
	tu_write(path, "{\"type\": \"coc\"}", 15);
	ck_assert_int_eq(sceau_record_load(path, &r, &err), SCEAU_ERR_INVALID);
	ck_assert_msg(strstr(err.msg, "req.json': route: required field missing"), "%s", err.msg);
	ck_assert_ptr_null(r);
	tu_rmrf(dir);
	free(dir);
	free(path);
}
END_TEST

START_TEST(test_record_number_is_left_to_a_register)
{
	json_t *j = example("coc");
	struct sceau_record *rec;
	struct sceau_error err = {0};
	unsigned char d[32];
	char *text = NULL;

	json_object_del(j, "number");
	rec = accepted(j);
	ck_assert_ptr_null(sceau_record_get(rec, "number"));
	/* Nothing can be signed without one. */
	ck_assert_int_eq(sceau_record_digest(rec, d, &err), SCEAU_ERR_INVALID);
	ck_assert_msg(strstr(err.msg, "number: required field missing"), "%s", err.msg);
	ck_assert_int_eq(sceau_record_set_number(rec, "itk-1", &err), SCEAU_ERR_INVALID);
	ck_assert_int_eq(sceau_record_set_number(rec, "ITK-COC-2026-000001", &err), SCEAU_OK);
	ck_assert_str_eq(sceau_record_get(rec, "number"), "ITK-COC-2026-000001");
	ck_assert_int_eq(sceau_record_digest(rec, d, &err), SCEAU_OK);
	/* The number sits after the type, as in a request. */
	ck_assert_int_eq(sceau_record_to_json(rec, &text, &err), SCEAU_OK);
	ck_assert(strstr(text, "\"type\"") < strstr(text, "\"number\""));
	ck_assert(strstr(text, "\"number\"") < strstr(text, "\"route\""));
	free(text);
	sceau_record_free(rec);
}
END_TEST

START_TEST(test_record_supersedes_names_another_certificate)
{
	json_t *j;
	struct sceau_record *rec;
	struct sceau_error err = {0};

	bad("coc", "supersedes", json_string("not a number"), "supersedes: expected");
	j = example("coc");
	set(j, "supersedes", json_string(json_string_value(json_object_get(j, "number"))));
	refused(j, SCEAU_ERR_INVALID, "supersedes: a certificate cannot replace itself");
	j = example("halal");
	set(j, "supersedes", json_string("IMANOR-HAL-2025-000007"));
	rec = accepted(j);
	ck_assert_str_eq(sceau_record_get(rec, "supersedes"), "IMANOR-HAL-2025-000007");
	ck_assert_int_eq(sceau_record_set_number(rec, "IMANOR-HAL-2025-000007", &err),
			 SCEAU_ERR_INVALID);
	sceau_record_free(rec);
}
END_TEST

TU_MAIN("record", NULL, NULL, test_record_number_is_left_to_a_register,
	test_record_supersedes_names_another_certificate, test_record_examples_parse_with_defaults,
	test_record_error_names_path_and_expectation, test_record_checks_ice,
	test_record_rejects_unknown_and_missing_fields,
	test_record_rejects_numbers_where_decimals_are_text, test_record_checks_codes,
	test_record_checks_dates_and_their_order, test_record_route_needs_its_number,
	test_record_dossier_must_be_complete_or_waived, test_record_rejects_bad_text,
	test_record_bounds_counts, test_record_rejects_malformed_json,
	test_record_claims_are_canonical, test_record_claims_known_answer,
	test_record_json_round_trips, test_record_load_names_the_file)
