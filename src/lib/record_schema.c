/* sceau — the request schema: every field of a CoC and of a Halal
 * certificate, its integer key in the canonical claims, its bounds and its
 * value check. docs/formats.md documents these tables: change both. */
#include <string.h>

#include "record_int.h"

/* ---- value checks ------------------------------------------------------- */

static int all_digits(const char *s, size_t n)
{
	if (strlen(s) != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

int sceau_ice_valid(const char *ice)
{
	unsigned long long v = 0;

	if (!ice || !all_digits(ice, 15))
		return 0;
	for (size_t i = 0; i < 15; i++)
		v = v * 10 + (unsigned)(ice[i] - '0');
	return v % 97 == 0;
}

static int ok_type(const char *s)
{
	return sceau_schema_type(s) != 0;
}

/* Certificate numbers: 3..40 of A-Z 0-9, single '-', '/' or '.' between. */
static int ok_number(const char *s)
{
	size_t n = strlen(s);

	if (n < 3 || n > 40)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		int alnum = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
		if (alnum)
			continue;
		if ((c != '-' && c != '/' && c != '.') || i == 0 || i == n - 1)
			return 0;
		char p = s[i - 1];
		if (p == '-' || p == '/' || p == '.')
			return 0;
	}
	return 1;
}

static int ok_route(const char *s)
{
	return !strcmp(s, "A") || !strcmp(s, "B") || !strcmp(s, "C");
}

static int ok_date(const char *s)
{
	int32_t d;
	return sceau_date_parse(s, &d) == 0;
}

int sceau_decimal_ok(const char *s, int *positive)
{
	size_t i = 0, n;
	int nonzero = 0;

	if (s[0] == '0') {
		i = 1;
	} else {
		for (n = 0; s[i] >= '0' && s[i] <= '9'; i++, n++)
			nonzero = 1;
		if (n == 0 || n > 15)
			return 0;
	}
	if (s[i] == '.') {
		i++;
		for (n = 0; s[i] >= '0' && s[i] <= '9'; i++, n++)
			nonzero |= s[i] != '0';
		if (n == 0 || n > 6)
			return 0;
	}
	if (s[i])
		return 0;
	if (positive)
		*positive = nonzero;
	return 1;
}

static int ok_amount(const char *s)
{
	int pos;
	return sceau_decimal_ok(s, &pos) && pos;
}

static int ok_ice(const char *s)
{
	return sceau_ice_valid(s);
}

/* Moroccan tariff codes: 10 digits, the first two a chapter 01..97. */
static int ok_tariff(const char *s)
{
	int chapter;

	if (!all_digits(s, 10))
		return 0;
	chapter = (s[0] - '0') * 10 + (s[1] - '0');
	return chapter >= 1 && chapter <= 97 && chapter != 77;
}

static int ok_country(const char *s)
{
	return sceau_iso_country(s);
}

static int ok_currency(const char *s)
{
	return sceau_iso_currency(s);
}

static int ok_sha256(const char *s)
{
	if (strlen(s) != 64)
		return 0;
	for (size_t i = 0; i < 64; i++)
		if (!strchr("0123456789abcdefABCDEF", s[i]))
			return 0;
	return 1;
}

static const char *const units[] = {"pce", "pair", "set", "box", "roll", "kg", "g",
				    "t",   "l",    "ml",  "m",   "m2",   "m3", NULL};

static int in_list(const char *s, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (!strcmp(s, list[i]))
			return 1;
	return 0;
}

static int ok_unit(const char *s)
{
	return in_list(s, units);
}

static const char *const doc_kinds[] = {"invoice",
					"proforma_invoice",
					"descriptive_sheet",
					"test_report",
					"analysis_certificate",
					"quality_certificate",
					"import_declaration",
					NULL};

static int ok_doc_kind(const char *s)
{
	return in_list(s, doc_kinds);
}

static const char *const halal_standards[] = {"NM 08.0.800", "NM 08.0.802", NULL};

static int ok_halal_standard(const char *s)
{
	return in_list(s, halal_standards);
}

static const struct rcheck c_type = {"\"coc\" or \"halal\"", ok_type};
static const struct rcheck c_number = {
	"3 to 40 of A-Z, 0-9 with single '-', '/' or '.' between (ITK-COC-2026-000123)", ok_number};
static const struct rcheck c_route = {"\"A\", \"B\" or \"C\"", ok_route};
static const struct rcheck c_date = {"a date YYYY-MM-DD", ok_date};
static const struct rcheck c_amount = {
	"a decimal string above zero such as \"1250.00\" (up to 15 digits, 6 decimals)", ok_amount};
static const struct rcheck c_ice = {"an ICE: 15 digits divisible by 97", ok_ice};
static const struct rcheck c_tariff = {"10 digits (chapter 01 to 97 first, not 77)", ok_tariff};
static const struct rcheck c_country = {"an ISO 3166-1 alpha-2 country code (CN)", ok_country};
static const struct rcheck c_currency = {"an ISO 4217 currency code (EUR)", ok_currency};
static const struct rcheck c_sha256 = {"64 hexadecimal digits (SHA-256)", ok_sha256};
static const struct rcheck c_unit = {
	"a unit: pce, pair, set, box, roll, kg, g, t, l, ml, m, m2 or m3", ok_unit};
static const struct rcheck c_doc_kind = {
	"invoice, proforma_invoice, descriptive_sheet, test_report, analysis_certificate, "
	"quality_certificate or import_declaration",
	ok_doc_kind};
static const struct rcheck c_halal_standard = {"\"NM 08.0.800\" or \"NM 08.0.802\"",
					       ok_halal_standard};

/* ---- tables ------------------------------------------------------------- */

#define REQ R_REQUIRED
#define TEXT(n, k, f, max, chk, d)                                                                 \
	{                                                                                          \
		n, k, R_TEXT, f, 1, max, NULL, chk, d                                              \
	}
#define OBJ(n, k, f, sub, d)                                                                       \
	{                                                                                          \
		n, k, R_OBJECT, f, 0, 0, sub, NULL, d                                              \
	}
#define ARR(n, k, f, min, max, elem, d)                                                            \
	{                                                                                          \
		n, k, R_ARRAY, f, min, max, elem, NULL, d                                          \
	}

/* A Moroccan company: importer of a CoC, holder of a Halal certificate. */
static const struct rfield party_ma[] = {
	TEXT("name", 1, REQ, 120, NULL, "legal name"),
	TEXT("name_ar", 2, 0, 120, NULL, "legal name in Arabic"),
	TEXT("address", 3, REQ | R_MULTILINE, 200, NULL, "postal address"),
	TEXT("ice", 4, REQ, 15, &c_ice, "Identifiant Commun de l'Entreprise"),
	{0}};

static const struct rfield exporter[] = {
	TEXT("name", 1, REQ, 120, NULL, "legal name"),
	TEXT("address", 2, REQ | R_MULTILINE, 200, NULL, "postal address"),
	TEXT("country", 3, REQ, 2, &c_country, "country"),
	{0}};

static const struct rfield invoice[] = {
	TEXT("number", 1, REQ, 40, NULL, "invoice or proforma number"),
	TEXT("date", 2, REQ, 10, &c_date, "invoice date, on or before issue_date"),
	TEXT("amount", 3, REQ, 22, &c_amount, "total value"),
	TEXT("currency", 4, REQ, 3, &c_currency, "currency of amount"),
	{0}};

static const struct rfield inspection[] = {
	TEXT("date", 1, REQ, 10, &c_date, "inspection date, on or before issue_date"),
	TEXT("place", 2, REQ, 120, NULL, "where the goods were inspected"),
	{0}};

static const struct rfield coc_product_fields[] = {
	TEXT("tariff_code", 1, REQ, 10, &c_tariff, "Moroccan tariff code (first 6 digits: HS)"),
	TEXT("description", 2, REQ, 200, NULL, "description of the goods"),
	TEXT("description_ar", 3, 0, 200, NULL, "description in Arabic"),
	TEXT("short_description", 4, 0, 24, NULL,
	     "what the QR code shows (default: description cut at 24 characters)"),
	TEXT("brand", 5, 0, 60, NULL, "brand"),
	TEXT("model", 6, 0, 60, NULL, "model or reference"),
	TEXT("quantity", 7, REQ, 22, &c_amount, "quantity"),
	TEXT("unit", 8, REQ, 4, &c_unit, "unit of quantity"),
	TEXT("standard", 9, REQ, 80, NULL, "applicable NM standard or technical regulation"),
	{0}};
static const struct rfield coc_product = OBJ(NULL, 0, 0, coc_product_fields, "a product line");

static const struct rfield document_fields[] = {
	TEXT("kind", 1, REQ, 20, &c_doc_kind, "what the document is"),
	TEXT("reference", 2, REQ, 60, NULL, "its reference or number"),
	TEXT("tariff_code", 3, 0, 10, &c_tariff,
	     "the product line it covers (descriptive_sheet, test_report, analysis_certificate)"),
	TEXT("sha256", 4, REQ | R_BYTES, 64, &c_sha256, "SHA-256 of the document file"),
	{0}};
static const struct rfield document = OBJ(NULL, 0, 0, document_fields, "a dossier document");

static const struct rfield waiver[] = {
	TEXT("reason", 1, REQ | R_MULTILINE, 300, NULL, "why an incomplete dossier is accepted"),
	{0}};

static const struct rfield dossier[] = {
	ARR("documents", 1, REQ, 0, 100, &document, "the documents reviewed"),
	OBJ("waiver", 2, 0, waiver, "accepts an incomplete dossier, with a reason"),
	{0}};

static const struct rfield coc_fields[] = {
	TEXT("type", 1, REQ | R_UINT, 5, &c_type, "\"coc\""),
	TEXT("number", 2, 0, 40, &c_number,
	     "certificate number (required unless a register assigns it)"),
	TEXT("route", 3, REQ, 1, &c_route, "VoC route"),
	TEXT("registration_number", 4, 0, 40, NULL, "registration number (route B only)"),
	TEXT("licence_number", 5, 0, 40, NULL, "licence number (route C only)"),
	OBJ("importer", 6, REQ, party_ma, "the importer"),
	OBJ("exporter", 7, REQ, exporter, "the exporter"),
	TEXT("country_of_origin", 8, REQ, 2, &c_country, "country of origin of the goods"),
	OBJ("invoice", 9, REQ, invoice, "the commercial invoice"),
	OBJ("inspection", 10, REQ, inspection, "the inspection"),
	TEXT("issue_date", 11, REQ, 10, &c_date, "date of issue"),
	TEXT("expiry_date", 12, 0, 10, &c_date,
	     "end of validity: at most 3 months after issue_date (default)"),
	ARR("products", 13, REQ, 1, 1000, &coc_product, "the product lines"),
	OBJ("dossier", 14, REQ, dossier, "the documents the certificate rests on"),
	TEXT("remarks", 15, R_MULTILINE, 500, NULL, "free remarks"),
	TEXT("supersedes", 20, 0, 40, &c_number,
	     "number of the certificate this revision replaces"),
	{0}};

static const struct rfield site_fields[] = {
	TEXT("name", 1, REQ, 120, NULL, "name of the site"),
	TEXT("address", 2, REQ | R_MULTILINE, 200, NULL, "its address"),
	{0}};
static const struct rfield site = OBJ(NULL, 0, 0, site_fields, "a certified site");

static const struct rfield scope_item = TEXT(NULL, 0, 0, 200, NULL, "an activity");

static const struct rfield halal_product_fields[] = {
	TEXT("name", 1, REQ, 120, NULL, "product name"),
	TEXT("name_ar", 2, 0, 120, NULL, "product name in Arabic"),
	TEXT("brand", 3, REQ, 60, NULL, "brand"),
	TEXT("reference", 4, 0, 60, NULL, "reference (GTIN, article number)"),
	{0}};
static const struct rfield halal_product = OBJ(NULL, 0, 0, halal_product_fields, "a product");

static const struct rfield halal_fields[] = {
	TEXT("type", 1, REQ | R_UINT, 5, &c_type, "\"halal\""),
	TEXT("number", 2, 0, 40, &c_number,
	     "certificate number (required unless a register assigns it)"),
	OBJ("holder", 6, REQ, party_ma, "the holder of the right to use the label"),
	TEXT("issue_date", 11, REQ, 10, &c_date, "date of issue"),
	TEXT("expiry_date", 12, 0, 10, &c_date,
	     "end of validity: at most 3 years after issue_date (default)"),
	ARR("products", 13, REQ, 1, 500, &halal_product, "the certified products"),
	TEXT("remarks", 15, R_MULTILINE, 500, NULL, "free remarks"),
	ARR("sites", 16, REQ, 1, 20, &site, "the certified sites"),
	ARR("scope", 17, REQ, 1, 20, &scope_item, "the certified activities"),
	TEXT("standard", 18, REQ, 11, &c_halal_standard, "the Halal standard"),
	TEXT("audit_date", 19, REQ, 10, &c_date, "date of the audit, on or before issue_date"),
	TEXT("supersedes", 20, 0, 40, &c_number,
	     "number of the certificate this revision replaces"),
	{0}};

const struct rfield *sceau_schema_for(enum sceau_program type)
{
	switch (type) {
	case SCEAU_PROGRAM_COC:
		return coc_fields;
	case SCEAU_PROGRAM_HALAL:
		return halal_fields;
	case SCEAU_PROGRAM_ANY:
		break;
	}
	return NULL;
}

enum sceau_program sceau_schema_type(const char *name)
{
	if (!strcmp(name, "coc"))
		return SCEAU_PROGRAM_COC;
	if (!strcmp(name, "halal"))
		return SCEAU_PROGRAM_HALAL;
	return 0;
}

int sceau_check_number(const char *s)
{
	return ok_number(s);
}

int sceau_check_tariff(const char *s)
{
	return ok_tariff(s);
}

int sceau_check_country(const char *s)
{
	return ok_country(s);
}

int sceau_check_unit(const char *s)
{
	return ok_unit(s);
}

int sceau_check_amount(const char *s)
{
	return ok_amount(s);
}

int sceau_check_route(const char *s)
{
	return ok_route(s);
}

int sceau_check_halal_standard(const char *s)
{
	return ok_halal_standard(s);
}
