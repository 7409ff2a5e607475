/* sceau — checks that span fields: the order of dates, the validity period
 * and its default, what each VoC route needs, and whether the dossier of
 * the "procédure classique" is complete. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record_int.h"

static int32_t day_of(json_t *obj, const char *name)
{
	int32_t d = 0;
	sceau_date_parse(json_string_value(json_object_get(obj, name)), &d);
	return d;
}

/* `earlier` (at a path) must not be after `later`. */
static enum sceau_err not_after(const char *epath, int32_t e, const char *lpath, int32_t l,
				struct sceau_error *err)
{
	char a[11], b[11];

	if (e <= l)
		return SCEAU_OK;
	sceau_date_format(e, a);
	sceau_date_format(l, b);
	return sceau_fail(err, SCEAU_ERR_INVALID, "%s: %s is after %s (%s)", epath, a, lpath, b);
}

/* Fill or check expiry_date against issue_date + months. */
static enum sceau_err validity(json_t *doc, int months, const char *what, struct sceau_error *err)
{
	int32_t issue = day_of(doc, "issue_date");
	int32_t max = sceau_date_add_months(issue, months);
	json_t *exp = json_object_get(doc, "expiry_date");
	char a[11], b[11];

	if (!exp) {
		sceau_date_format(max, a);
		/* Keep schema order: expiry_date follows issue_date in the JSON. */
		json_t *copy = json_object();
		const char *k;
		json_t *v;
		if (!copy)
			return sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
		json_object_foreach(doc, k, v)
		{
			json_object_set(copy, k, v);
			if (!strcmp(k, "issue_date"))
				json_object_set_new(copy, "expiry_date", json_string(a));
		}
		json_object_clear(doc);
		json_object_update(doc, copy);
		json_decref(copy);
		if (!json_object_get(doc, "expiry_date"))
			return sceau_fail(err, SCEAU_ERR_NOMEM, "out of memory");
		return SCEAU_OK;
	}
	int32_t e = day_of(doc, "expiry_date");
	if (e < issue) {
		sceau_date_format(e, a);
		sceau_date_format(issue, b);
		return sceau_fail(err, SCEAU_ERR_INVALID,
				  "expiry_date: %s is before issue_date (%s)", a, b);
	}
	if (e > max) {
		sceau_date_format(max, a);
		sceau_date_format(e, b);
		return sceau_fail(err, SCEAU_ERR_INVALID,
				  "expiry_date: a %s is valid at most %d months, until %s; got %s",
				  what, months, a, b);
	}
	return SCEAU_OK;
}

static enum sceau_err route_fields(json_t *doc, struct sceau_error *err)
{
	const char *route = json_string_value(json_object_get(doc, "route"));
	static const struct {
		const char *field, *route, *what;
	} need[] = {{"registration_number", "B", "registration"},
		    {"licence_number", "C", "licence"}};

	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
		int has = json_object_get(doc, need[i].field) != NULL;
		int wants = !strcmp(route, need[i].route);
		if (wants && !has)
			return sceau_fail(err, SCEAU_ERR_INVALID, "%s: required for route %s (%s)",
					  need[i].field, need[i].route, need[i].what);
		if (!wants && has)
			return sceau_fail(err, SCEAU_ERR_INVALID,
					  "%s: only for route %s, this certificate is route %s",
					  need[i].field, need[i].route, route);
	}
	return SCEAU_OK;
}

static int per_tariff(const char *kind)
{
	return !strcmp(kind, "descriptive_sheet") || !strcmp(kind, "test_report") ||
	       !strcmp(kind, "analysis_certificate");
}

/* Does the dossier hold a document of one of `kinds` (NULL-terminated) for
 * `tariff` (NULL: any)? */
static int has_doc(json_t *docs, const char *const *kinds, const char *tariff)
{
	size_t i;
	json_t *d;

	json_array_foreach(docs, i, d)
	{
		const char *kind = json_string_value(json_object_get(d, "kind"));
		const char *tc = json_string_value(json_object_get(d, "tariff_code"));
		for (size_t k = 0; kinds[k]; k++)
			if (!strcmp(kind, kinds[k]) && (!tariff || (tc && !strcmp(tc, tariff))))
				return 1;
	}
	return 0;
}

static int has_product(json_t *products, const char *tariff)
{
	size_t i;
	json_t *p;

	json_array_foreach(products, i,
			   p) if (!strcmp(json_string_value(json_object_get(p, "tariff_code")),
					  tariff)) return 1;
	return 0;
}

static void add_missing(char *buf, size_t len, const char *what, const char *tariff)
{
	size_t o = strlen(buf);

	if (o + 1 < len)
		snprintf(buf + o, len - o, "%s%s%s%s", o ? ", " : "", what, tariff ? " for " : "",
			 tariff ? tariff : "");
}

static enum sceau_err dossier(json_t *doc, struct sceau_error *err)
{
	static const char *const invoices[] = {"invoice", "proforma_invoice", NULL};
	static const char *const sheets[] = {"descriptive_sheet", NULL};
	static const char *const reports[] = {"test_report", "analysis_certificate", NULL};
	static const char *const quality[] = {"quality_certificate", NULL};
	static const char *const decl[] = {"import_declaration", NULL};
	json_t *dos = json_object_get(doc, "dossier");
	json_t *docs = json_object_get(dos, "documents");
	json_t *products = json_object_get(doc, "products");
	char missing[600] = "";
	size_t i, j;
	json_t *d, *p;

	json_array_foreach(docs, i, d)
	{
		const char *kind = json_string_value(json_object_get(d, "kind"));
		const char *tc = json_string_value(json_object_get(d, "tariff_code"));
		if (per_tariff(kind) && !tc)
			return sceau_fail(err, SCEAU_ERR_INVALID,
					  "dossier.documents[%zu].tariff_code: required for a %s",
					  i, kind);
		if (!per_tariff(kind) && tc)
			return sceau_fail(err, SCEAU_ERR_INVALID,
					  "dossier.documents[%zu].tariff_code: only for "
					  "descriptive_sheet, test_report and analysis_certificate",
					  i);
		if (tc && !has_product(products, tc))
			return sceau_fail(
				err, SCEAU_ERR_INVALID,
				"dossier.documents[%zu].tariff_code: '%s' is not the tariff "
				"code of any product line",
				i, tc);
	}
	if (!has_doc(docs, invoices, NULL))
		add_missing(missing, sizeof(missing), "invoice or proforma_invoice", NULL);
	json_array_foreach(products, i, p)
	{
		const char *tc = json_string_value(json_object_get(p, "tariff_code"));
		int seen = 0;
		/* Each tariff code once, in the order of the product lines. */
		for (j = 0; j < i && !seen; j++)
			seen = !strcmp(tc, json_string_value(json_object_get(
						   json_array_get(products, j), "tariff_code")));
		if (seen)
			continue;
		if (!has_doc(docs, sheets, tc))
			add_missing(missing, sizeof(missing), "descriptive_sheet", tc);
		if (!has_doc(docs, reports, tc))
			add_missing(missing, sizeof(missing), "test_report or analysis_certificate",
				    tc);
	}
	if (!has_doc(docs, quality, NULL))
		add_missing(missing, sizeof(missing),
			    "quality_certificate (ISO 9001 or equivalent)", NULL);
	if (!has_doc(docs, decl, NULL))
		add_missing(missing, sizeof(missing), "import_declaration", NULL);

	if (missing[0] && !json_object_get(dos, "waiver"))
		return sceau_fail(err, SCEAU_ERR_INVALID,
				  "dossier: incomplete, missing %s (add the documents, or give "
				  "dossier.waiver.reason)",
				  missing);
	if (!missing[0] && json_object_get(dos, "waiver"))
		return sceau_fail(err, SCEAU_ERR_INVALID,
				  "dossier.waiver: the dossier is complete, nothing to waive");
	return SCEAU_OK;
}

enum sceau_err sceau_record_check(struct sceau_record *rec, struct sceau_error *err)
{
	json_t *doc = rec->doc;
	enum sceau_err ret;
	int32_t issue = day_of(doc, "issue_date");
	const char *num = json_string_value(json_object_get(doc, "number"));
	const char *sup = json_string_value(json_object_get(doc, "supersedes"));

	if (num && sup && !strcmp(num, sup))
		return sceau_fail(err, SCEAU_ERR_INVALID,
				  "supersedes: a certificate cannot replace itself ('%s')", num);
	if (rec->type == SCEAU_PROGRAM_COC) {
		if ((ret = route_fields(doc, err)) != SCEAU_OK)
			return ret;
		if ((ret = not_after("inspection.date",
				     day_of(json_object_get(doc, "inspection"), "date"),
				     "issue_date", issue, err)) != SCEAU_OK ||
		    (ret = not_after("invoice.date",
				     day_of(json_object_get(doc, "invoice"), "date"), "issue_date",
				     issue, err)) != SCEAU_OK)
			return ret;
		if ((ret = validity(doc, SCEAU_COC_VALID_MONTHS, "certificate of conformity",
				    err)) != SCEAU_OK)
			return ret;
		return dossier(doc, err);
	}
	if ((ret = not_after("audit_date", day_of(doc, "audit_date"), "issue_date", issue, err)) !=
	    SCEAU_OK)
		return ret;
	return validity(doc, SCEAU_HALAL_VALID_MONTHS, "halal certificate", err);
}
