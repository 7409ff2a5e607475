/* sceau issue — a certificate request becomes a PDF document. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "cli.h"

enum { I_SIGNER, I_IN, I_OUT, I_PASS_FILE, I_TIME, I_TEMPLATES, I_LOGO, I_FORCE, I_JSON };
static const struct cli_opt issue_opts[] = {
	[I_SIGNER] = {"signer", "SIGNER", "the body's signer directory (from 'sceau pki signer')"},
	[I_IN] = {"in", "REQUEST.json", "the certificate request (docs/formats.md)"},
	[I_OUT] = {"out", "FILE.pdf", "where to write the document"},
	[I_PASS_FILE] = {"pass-file", "FILE", "read the signer key's passphrase from FILE"},
	[I_TIME] = {"time", "TIME",
		    "issuing time (default: now): the QR's signing time and the PDF's "
		    "creation date"},
	[I_TEMPLATES] = {"templates", "DIR",
			 "templates to use (default: SCEAU_TEMPLATES, ./templates, or the "
			 "installed ones)"},
	[I_LOGO] = {"logo", "FILE.png", "the body's logo on the document (PNG)"},
	[I_FORCE] = {"force", NULL, "replace FILE.pdf if it exists"},
	[I_JSON] = {"json", NULL, "print the result as JSON"},
	{0},
};
static const struct cli_spec issue_spec = {
	"issue",
	"--signer SIGNER --in REQUEST.json --out FILE.pdf [--pass-file FILE] [--time TIME]\n"
	"       [--templates DIR] [--logo FILE.png] [--force] [--json]",
	"Issue a Certificate of Conformity or a Halal certificate as a PDF document\n"
	"with its signed QR code.",
	issue_opts,
	"The document is laid out from templates/<type>.json (docs/templates.md) in\n"
	"French and Arabic, carries the signed QR payload (as 'sceau payload' makes\n"
	"it) and the full request as the embedded file certificate.json. The PDF is\n"
	"written to a temporary file and renamed: on any error nothing is left at\n"
	"FILE.pdf. A request, template, font or logo problem is refused (exit 2)\n"
	"before any passphrase is asked.\n",
	0,
	0};

/* The output's directory must exist: say so before asking for anything. */
static int check_out(const char *out, int force, struct sceau_error *err)
{
	const char *slash = strrchr(out, '/');
	char *dir = slash ? strndup(out, slash == out ? 1 : (size_t)(slash - out)) : strdup(".");
	struct stat st;
	int ok;

	if (!dir)
		return -1;
	ok = stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
	if (!ok)
		snprintf(err->msg, sizeof(err->msg),
			 "cannot write '%s': directory '%s' does not exist", out, dir);
	free(dir);
	if (!ok)
		return 0;
	if (!force && lstat(out, &st) == 0) {
		snprintf(err->msg, sizeof(err->msg), "'%s' exists (use --force to replace it)",
			 out);
		return 0;
	}
	return 1;
}

int cmd_issue(int argc, char **argv)
{
	struct sceau_error err = {0};
	struct sceau_record *rec = NULL;
	struct sceau_signer *s = NULL;
	struct sceau_renderer *r = NULL;
	struct cli_args a;
	struct cli_pass pass = {0};
	time_t at = 0;
	char *text = NULL;
	unsigned pages = 0;
	struct stat st;
	int ret;

	if ((ret = cli_parse(&issue_spec, argc, argv, &a)) >= 0)
		return ret;
	if (!a.val[I_SIGNER])
		return cli_usage_error(&issue_spec, "missing '--signer SIGNER'");
	if (!a.val[I_IN])
		return cli_usage_error(&issue_spec, "missing '--in REQUEST.json'");
	if (!a.val[I_OUT])
		return cli_usage_error(&issue_spec, "missing '--out FILE.pdf'");
	if (a.val[I_TIME] && sceau_time_parse(a.val[I_TIME], &at, &err) != SCEAU_OK)
		return cli_usage_error(&issue_spec, "%s", err.msg);
	if (!at)
		at = time(NULL);
	ret = check_out(a.val[I_OUT], a.val[I_FORCE] != NULL, &err);
	if (ret <= 0) {
		if (ret == 0)
			cli_warn("%s", err.msg);
		return ret == 0 ? EXIT_USAGE : EXIT_INTERNAL;
	}

	if (sceau_record_load(a.val[I_IN], &rec, &err) != SCEAU_OK ||
	    sceau_renderer_new(a.val[I_TEMPLATES], &r, &err) != SCEAU_OK ||
	    (a.val[I_LOGO] && sceau_renderer_set_logo(r, a.val[I_LOGO], 0, &err) != SCEAU_OK) ||
	    sceau_renderer_prepare(r, sceau_record_type(rec), &err) != SCEAU_OK) {
		ret = cli_report(&err, NULL);
		goto out;
	}
	if ((ret = cli_signer_open_for(a.val[I_SIGNER], sceau_record_type(rec), at, &s)) !=
	    EXIT_VALID)
		goto out;
	/* Lay the document out once before the passphrase (a few ms), so text
	 * no font covers or a broken logo is refused before anything is asked
	 * or signed. */
	{
		struct sceau_render_info probe = {s->name, "MA1:", at, NULL};
		unsigned char *pdf = NULL;
		size_t len = 0;
		if (sceau_render(r, rec, &probe, &pdf, &len, NULL, &err) != SCEAU_OK) {
			ret = cli_report(&err, NULL);
			goto out;
		}
		free(pdf);
	}
	if ((ret = cli_signer_unlock(s, a.val[I_SIGNER], a.val[I_PASS_FILE], &pass)) != EXIT_VALID)
		goto out;
	if (sceau_payload_encode(rec, s->cert, s->key, at, NULL, 0, &text, &err) != SCEAU_OK) {
		ret = cli_report(&err, NULL);
		goto out;
	}
	{
		struct sceau_render_info info = {s->name, text, at, s};
		if (sceau_render_to_file(r, rec, &info, a.val[I_OUT], a.val[I_FORCE] != NULL,
					 &pages, &err) != SCEAU_OK) {
			ret = cli_report(&err, "use --force to replace it");
			goto out;
		}
	}
	if (stat(a.val[I_OUT], &st) != 0)
		st.st_size = 0;
	if (a.val[I_JSON]) {
		json_t *o = json_pack("{s:s, s:s, s:s, s:i, s:I, s:i}", "file", a.val[I_OUT],
				      "type", sceau_program_name(sceau_record_type(rec)), "number",
				      sceau_record_get(rec, "number"), "pages", (int)pages, "bytes",
				      (json_int_t)st.st_size, "qr_chars", (int)strlen(text));
		char *js = o ? json_dumps(o, JSON_PRESERVE_ORDER) : NULL;
		if (js)
			printf("%s\n", js);
		free(js);
		json_decref(o);
	} else {
		printf("issued %s: %s, %u page%s, %lld KB, QR %zu characters, signed by '%s'\n",
		       sceau_record_get(rec, "number"), a.val[I_OUT], pages, pages == 1 ? "" : "s",
		       (long long)(st.st_size + 1023) / 1024, strlen(text), s->name);
	}
	ret = fflush(stdout) == 0 ? EXIT_VALID : EXIT_INTERNAL;
out:
	cli_pass_release(&pass);
	free(text);
	sceau_signer_close(s);
	sceau_renderer_free(r);
	sceau_record_free(rec);
	return ret;
}
