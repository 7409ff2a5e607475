/* sceau verify — is this PDF or QR code genuine, whole, from an authorised
 * body, not revoked, and in force? Offline. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum { V_TRUST, V_QR, V_JSON, V_AT };
static const struct cli_opt verify_opts[] = {
	[V_TRUST] = {"trust", "TRUST",
		     "a trust directory or bundle (default: the installed bundle)"},
	[V_QR] =
		{"qr", "TEXT",
		 "verify a QR code's text instead of PDFs; '-' reads one line from standard input"},
	[V_JSON] = {"json", NULL, "print one JSON object per result instead of text"},
	[V_AT] = {"at", "TIME", "judge at this time instead of now, e.g. 2027-01-15T10:00:00Z"},
	{0},
};
static const struct cli_spec verify_spec = {
	"verify",
	"[--trust TRUST] [--json] [--at TIME] (FILE.pdf... | --qr TEXT)",
	"Verify signed certificates offline, PDFs or a QR code, and print each\n"
	"verdict with what the certificate says: valid, invalid, modified, untrusted,\n"
	"revoked, expired or not_yet_valid.",
	verify_opts,
	"A PDF is valid when its signature covers every byte of the file but the\n"
	"signature itself (anything added after signing: modified), verifies, and\n"
	"comes from a signer that chains to a root in TRUST, is not on that root's\n"
	"CRL, was valid when it signed (/M) and is authorised for the document's\n"
	"programme; and when the QR payload the PDF carries is signed by the same\n"
	"signer, agrees with the embedded record (certificate.json) and is in force\n"
	"at TIME. PDFs signed by other tools are verified and reported the same way.\n"
	"A QR code's signer is found by the code's kid among the trust store's\n"
	"certificates, and judged the same way.\n"
	"Without --trust, the bundle 'sceau trust install' installed is used:\n"
	"$SCEAU_TRUST, else ~/.local/share/sceau/trust.bundle, else\n"
	"/etc/sceau/trust.bundle ('sceau trust show' tells which).\n"
	"Exit status: 0 every result valid, 1 any other verdict, 2 a usage error, an\n"
	"unreadable file or trust store, 3 an internal error.\n",
	0,
	1 << 20};

static int print_json(json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	int ok = s && printf("%s\n", s) >= 0;

	free(s);
	return ok;
}

static int verify_pdfs(const struct cli_args *a, const struct sceau_trust *trust, time_t at)
{
	int ret = EXIT_VALID, json = a->val[V_JSON] != NULL;
	size_t counts[8] = {0}, unread = 0;

	for (int i = 0; i < a->n_operands; i++) {
		const char *file = a->operands[i];
		struct sceau_error err = {0};
		struct sceau_pdf_report *r = NULL;
		enum sceau_err e = sceau_pdf_verify_file(file, trust, at, &r, &err);
		int code;

		if (e != SCEAU_OK) {
			code = cli_report(&err, NULL);
			unread++;
			if (json) {
				json_t *o = json_pack("{s:s, s:n, s:s, s:b}", "file", file,
						      "verdict", "reason", err.msg, "error", 1);
				if (!o || !print_json(o))
					code = EXIT_INTERNAL;
				json_decref(o);
			}
		} else {
			code = r->verdict.code == SCEAU_VERDICT_VALID ? EXIT_VALID : EXIT_NOT_VALID;
			counts[r->verdict.code < 8 ? r->verdict.code : 1]++;
			if (json) {
				json_t *o = cli_pdf_report_json(file, r);
				if (!o || !print_json(o))
					code = EXIT_INTERNAL;
				json_decref(o);
			} else {
				if (i > 0)
					putchar('\n');
				cli_pdf_report_print(stdout, file, r);
			}
		}
		sceau_pdf_report_free(r);
		if (code > ret)
			ret = code;
	}
	if (!json && a->n_operands > 1) {
		const char *sep = "";
		printf("\n%d files:", a->n_operands);
		for (int c = 0; c < 8; c++) {
			if (!counts[c])
				continue;
			printf("%s %zu %s", sep, counts[c],
			       sceau_verdict_name((enum sceau_verdict_code)c));
			sep = ",";
		}
		if (unread)
			printf("%s %zu unreadable", sep, unread);
		printf("\n");
	}
	return ret;
}

int cmd_verify(int argc, char **argv)
{
	struct sceau_error err = {0};
	struct sceau_trust *trust = NULL;
	struct sceau_payload *p = NULL;
	struct sceau_verdict v = {0};
	struct cli_args a;
	time_t at = 0;
	char *text = NULL;
	size_t len = 0;
	json_t *o = NULL;
	int ret;

	if ((ret = cli_parse(&verify_spec, argc, argv, &a)) >= 0)
		return ret;
	if (!a.val[V_QR] && a.n_operands == 0)
		return cli_usage_error(&verify_spec, "missing FILE.pdf or '--qr TEXT'");
	if (a.val[V_QR] && a.n_operands > 0)
		return cli_usage_error(&verify_spec, "give PDF files or '--qr TEXT', not both");
	if (a.val[V_AT] && sceau_time_parse(a.val[V_AT], &at, &err) != SCEAU_OK)
		return cli_usage_error(&verify_spec, "%s", err.msg);
	if ((ret = cli_trust_load(a.val[V_TRUST], &trust)) != EXIT_VALID)
		goto out;
	if (a.n_operands > 0) {
		ret = verify_pdfs(&a, trust, at);
		goto flush;
	}
	if ((ret = cli_qr_text(a.val[V_QR], &text, &len)) != 0)
		goto out;
	if (sceau_payload_verify(text, len, trust, at, &p, &v, &err) != SCEAU_OK) {
		ret = cli_report(&err, NULL);
		goto out;
	}
	ret = v.code == SCEAU_VERDICT_VALID ? EXIT_VALID : EXIT_NOT_VALID;
	/* Fields are shown only when the signature verified: otherwise they
	 * are whatever the bearer wrote. */
	if (a.val[V_JSON]) {
		json_t *fields = p && p->signature_verified
					 ? cli_payload_json(p)
					 : json_pack("{s:n, s:n, s:n, s:b}", "type", "number",
						     "issuer", "verified", 0);
		o = json_pack("{s:s, s:s}", "verdict", sceau_verdict_name(v.code), "reason",
			      v.reason);
		if (o && v.warning[0])
			json_object_set_new(o, "warning", json_string(v.warning));
		if (!o || !fields || json_object_update(o, fields) || !print_json(o)) {
			json_decref(fields);
			ret = EXIT_INTERNAL;
			goto out;
		}
		json_decref(fields);
	} else {
		char word[32];
		cli_verdict_word(v.code, word, sizeof(word));
		printf("%s: %s\n", word, v.reason);
		if (v.warning[0])
			printf("warning: %s\n", v.warning);
		if (p && p->signature_verified)
			cli_payload_print(stdout, p);
		else if (p)
			printf("  (the code's contents are not shown: nothing vouches for them; "
			       "'sceau show' decodes them)\n");
	}
flush:
	if (fflush(stdout) != 0)
		ret = EXIT_INTERNAL;
out:
	json_decref(o);
	free(text);
	sceau_payload_free(p);
	sceau_trust_free(trust);
	return ret;
}
