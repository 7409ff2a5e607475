/* sceau verify — is this PDF or QR code genuine, whole, from an authorised
 * body, not revoked, and in force? Offline. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum { V_TRUST, V_QR, V_JSON, V_AT, V_QR_IMAGE, V_DETAILS };
static const struct cli_opt verify_opts[] = {
	[V_TRUST] = {"trust", "TRUST",
		     "a trust directory or bundle (default: the installed bundle)"},
	[V_QR] =
		{"qr", "TEXT",
		 "verify a QR code's text instead of PDFs; '-' reads one line from standard input"},
	[V_JSON] = {"json", NULL, "print one JSON object per result instead of text"},
	[V_AT] = {"at", "TIME", "judge at this time instead of now, e.g. 2027-01-15T10:00:00Z"},
	[V_QR_IMAGE] = {"qr-image", "IMAGE",
			"verify the QR codes in a photo or scan (PNG or JPEG) instead of PDFs"},
	[V_DETAILS] = {"details", NULL,
		       "the full report for every PDF (with several, one line each by default)"},
	{0},
};
static const struct cli_spec verify_spec = {
	"verify",
	"[--trust TRUST] [--json] [--at TIME] [--details]\n"
	"       (FILE.pdf... | --qr TEXT | --qr-image IMAGE)",
	"Verify signed certificates offline, PDFs or a QR code, and print each\n"
	"verdict with what the certificate says: valid, invalid, modified, untrusted,\n"
	"revoked, suspended, superseded, expired or not_yet_valid.",
	verify_opts,
	"A PDF is valid when its signature covers every byte of the file but the\n"
	"signature itself (anything added after signing: modified), verifies, and\n"
	"comes from a signer that chains to a root in TRUST, is not on that root's\n"
	"CRL, was valid when it signed (/M) and is authorised for the document's\n"
	"programme; and when the QR payload the PDF carries is signed by the same\n"
	"signer, agrees with the embedded record (certificate.json) and is in force\n"
	"at TIME. PDFs signed by other tools are verified and reported the same way.\n"
	"A QR code's signer is found by the code's kid among the trust store's\n"
	"certificates, and judged the same way. Then the body's status list in TRUST\n"
	"(a *.status file, or inside a bundle) says whether the certificate was\n"
	"revoked, suspended or superseded; without one, a warning says so.\n"
	"--qr-image reads every QR code in the\n"
	"image with zbar (the same code twice counts once) and verifies each, top to\n"
	"bottom; an image with no QR code, or one that is not a readable PNG or JPEG,\n"
	"is an input error.\n"
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
	/* Thousands of files read best one line each. */
	int brief = a->n_operands > 1 && !a->val[V_DETAILS];
	size_t counts[16] = {0}, unread = 0;

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
			counts[(unsigned)r->verdict.code < 16 ? r->verdict.code : 1]++;
			if (json) {
				json_t *o = cli_pdf_report_json(file, r);
				if (!o || !print_json(o))
					code = EXIT_INTERNAL;
				json_decref(o);
			} else if (brief) {
				cli_pdf_report_line(stdout, file, r);
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
		printf("%s%d files:", brief ? "" : "\n", a->n_operands);
		for (int c = 0; c < 16; c++) {
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

/* One QR code's text: the verdict and, when a trusted signer vouches for
 * them, the code's fields. `image` names the picture it came from (code
 * `k` of `n`), or is NULL for --qr. */
static int verify_qr(const char *text, size_t len, const struct sceau_trust *trust, time_t at,
		     int json, const char *image, size_t k, size_t n)
{
	struct sceau_error err = {0};
	struct sceau_payload *p = NULL;
	struct sceau_verdict v = {0};
	json_t *o = NULL, *rest = NULL;
	int ret;

	if (sceau_payload_verify(text, len, trust, at, &p, &v, &err) != SCEAU_OK) {
		ret = cli_report(&err, NULL);
		goto out;
	}
	ret = v.code == SCEAU_VERDICT_VALID ? EXIT_VALID : EXIT_NOT_VALID;
	if (json) {
		o = image ? json_pack("{s:s, s:I}", "image", image, "code", (json_int_t)k + 1)
			  : json_object();
		rest = cli_qr_json(&v, p);
		if (!o || !rest || json_object_update(o, rest) || !print_json(o))
			ret = EXIT_INTERNAL;
	} else {
		char word[32];
		cli_verdict_word(v.code, word, sizeof(word));
		if (image && k > 0)
			putchar('\n');
		if (image && n > 1)
			printf("'%s', QR code %zu of %zu: ", image, k + 1, n);
		else if (image)
			printf("'%s': ", image);
		printf("%s: %s\n", word, v.reason);
		if (v.warning[0])
			printf("  warning: %s\n", v.warning);
		if (p && p->signature_verified) {
			cli_payload_print(stdout, p);
		} else if (p) {
			printf("  (the code's contents are not shown: nothing vouches for them; "
			       "'sceau show' decodes them)\n");
		}
	}
out:
	json_decref(o);
	json_decref(rest);
	sceau_payload_free(p);
	return ret;
}

static int verify_qr_image(const char *image, const struct sceau_trust *trust, time_t at, int json)
{
	struct sceau_error err = {0};
	char **texts = NULL;
	size_t n = 0;
	int ret = EXIT_VALID;

	if (sceau_qr_image_decode(image, &texts, &n, &err) != SCEAU_OK)
		return cli_report(&err, NULL);
	for (size_t k = 0; k < n; k++) {
		int code = verify_qr(texts[k], strlen(texts[k]), trust, at, json, image, k, n);
		if (code > ret)
			ret = code;
	}
	sceau_qr_texts_free(texts, n);
	return ret;
}

int cmd_verify(int argc, char **argv)
{
	struct sceau_error err = {0};
	struct sceau_trust *trust = NULL;
	struct cli_args a;
	time_t at = 0;
	char *text = NULL;
	size_t len = 0;
	int ret, qr;

	if ((ret = cli_parse(&verify_spec, argc, argv, &a)) >= 0)
		return ret;
	qr = (a.val[V_QR] != NULL) + (a.val[V_QR_IMAGE] != NULL);
	if (!qr && a.n_operands == 0)
		return cli_usage_error(&verify_spec,
				       "missing FILE.pdf, '--qr TEXT' or '--qr-image IMAGE'");
	if (qr > 1)
		return cli_usage_error(&verify_spec,
				       "give '--qr TEXT' or '--qr-image IMAGE', not both");
	if (qr && a.n_operands > 0)
		return cli_usage_error(&verify_spec, "give PDF files or a QR code, not both");
	if (a.val[V_AT] && sceau_time_parse(a.val[V_AT], &at, &err) != SCEAU_OK)
		return cli_usage_error(&verify_spec, "%s", err.msg);
	if ((ret = cli_trust_load(a.val[V_TRUST], &trust)) != EXIT_VALID)
		goto out;
	if (a.n_operands > 0) {
		ret = verify_pdfs(&a, trust, at);
	} else if (a.val[V_QR_IMAGE]) {
		ret = verify_qr_image(a.val[V_QR_IMAGE], trust, at, a.val[V_JSON] != NULL);
	} else {
		if ((ret = cli_qr_text(a.val[V_QR], &text, &len)) != 0)
			goto out;
		ret = verify_qr(text, len, trust, at, a.val[V_JSON] != NULL, NULL, 0, 1);
	}
	if (fflush(stdout) != 0)
		ret = EXIT_INTERNAL;
out:
	free(text);
	sceau_trust_free(trust);
	return ret;
}
