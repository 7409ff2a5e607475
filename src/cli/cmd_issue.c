/* sceau issue — a certificate request becomes a PDF document. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <jansson.h>

#include "cli.h"

enum {
	I_SIGNER,
	I_IN,
	I_OUT,
	I_BATCH,
	I_OUT_DIR,
	I_JOBS,
	I_REGISTER,
	I_NO_REGISTER,
	I_PATTERN,
	I_SUPERSEDES,
	I_PASS_FILE,
	I_TIME,
	I_TEMPLATES,
	I_LOGO,
	I_FORCE,
	I_JSON
};
static const struct cli_opt issue_opts[] = {
	[I_SIGNER] = {"signer", "SIGNER", "the body's signer directory (from 'sceau pki signer')"},
	[I_IN] = {"in", "REQUEST.json", "the certificate request (docs/formats.md)"},
	[I_OUT] = {"out", "FILE.pdf", "where to write the document"},
	[I_BATCH] = {"batch", "REQUESTS.jsonl",
		     "issue every request of this file, one JSON object per line with an \"id\""},
	[I_OUT_DIR] = {"out-dir", "DIR", "with --batch: where the PDFs go (made if missing)"},
	[I_JOBS] = {"jobs", "N", "with --batch: issue with N processes (default 1)"},
	[I_REGISTER] = {"register", "DB",
			"the body's register (default: SIGNER/register.db, made on first use)"},
	[I_NO_REGISTER] = {"no-register", NULL,
			   "record nothing: the request's own number, for drafts and tests"},
	[I_PATTERN] = {"number-pattern", "PATTERN",
		       "numbering pattern of the register, kept for later runs (default "
		       "{TYPE}-{YYYY}-{N:6})"},
	[I_SUPERSEDES] = {"supersedes", "NUMBER",
			  "issue a revision replacing certificate NUMBER (marked superseded)"},
	[I_PASS_FILE] = {"pass-file", "FILE", "read the signer key's passphrase from FILE"},
	[I_TIME] = {"time", "TIME",
		    "issuing time (default: now): the QR's signing time and the PDF's "
		    "creation date"},
	[I_TEMPLATES] = {"templates", "DIR",
			 "templates to use (default: SCEAU_TEMPLATES, ./templates, or the "
			 "installed ones)"},
	[I_LOGO] = {"logo", "FILE.png", "the body's logo on the document (PNG)"},
	[I_FORCE] = {"force", NULL, "replace FILE.pdf if it exists"},
	[I_JSON] = {"json", NULL, "print the result as JSON (batch: one object per request)"},
	{0},
};
static const struct cli_spec issue_spec = {
	"issue",
	"--signer SIGNER --in REQUEST.json --out FILE.pdf [--register DB | --no-register]\n"
	"       [--supersedes NUMBER] [--number-pattern PATTERN] [--pass-file FILE] [--time TIME]\n"
	"       [--templates DIR] [--logo FILE.png] [--force] [--json]\n"
	"   or: sceau issue --signer SIGNER --batch REQUESTS.jsonl --out-dir DIR [--jobs N]\n"
	"       [--register DB] [--pass-file FILE] [--json] ...",
	"Issue a Certificate of Conformity or a Halal certificate as a PDF document\n"
	"with its signed QR code, and record it in the body's register.",
	issue_opts,
	"The document is laid out from templates/<type>.json (docs/templates.md) in\n"
	"French and Arabic, carries the signed QR payload (as 'sceau payload' makes\n"
	"it) and the full request as the embedded file certificate.json.\n"
	"\n"
	"The register (docs/register.md) gives the number when the request has none\n"
	"(from the numbering pattern, e.g. ITK-{TYPE}-{YYYY}-{N:6} -> ITK-COC-2026-000123),\n"
	"refuses a number it already has, and records the PDF's SHA-256. The PDF is\n"
	"written to a temporary file, synced and renamed: on any error nothing is left\n"
	"at FILE.pdf and the number is void. A request, template, font or logo problem\n"
	"is refused (exit 2) before any passphrase is asked.\n"
	"\n"
	"--batch issues one request per line (the request object with an extra \"id\",\n"
	"1 to 64 of A-Z a-z 0-9 . _ -) into DIR/<id>.pdf, asking the passphrase\n"
	"once. A bad line is reported with its number and the rest are still issued;\n"
	"a rerun issues only the ids the register does not have yet. Progress shows on\n"
	"a terminal. Exit status: 0 when every request is issued, 2 when a line was\n"
	"refused, 3 on a system error.\n",
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
	struct sceau_register *reg = NULL;
	struct cli_args a;
	struct cli_pass pass = {0};
	struct cli_issued res = {0};
	time_t at = 0;
	int ret;

	if ((ret = cli_parse(&issue_spec, argc, argv, &a)) >= 0)
		return ret;
	if (!a.val[I_SIGNER])
		return cli_usage_error(&issue_spec, "missing '--signer SIGNER'");
	if (a.val[I_REGISTER] && a.val[I_NO_REGISTER])
		return cli_usage_error(&issue_spec, "'--register' and '--no-register' conflict");
	if (a.val[I_NO_REGISTER] && (a.val[I_SUPERSEDES] || a.val[I_PATTERN]))
		return cli_usage_error(&issue_spec, "'--%s' needs a register",
				       a.val[I_SUPERSEDES] ? "supersedes" : "number-pattern");
	if (a.val[I_TIME] && sceau_time_parse(a.val[I_TIME], &at, &err) != SCEAU_OK)
		return cli_usage_error(&issue_spec, "%s", err.msg);
	if (a.val[I_BATCH]) {
		struct cli_batch_opts o = {0};
		if (a.val[I_IN] || a.val[I_OUT])
			return cli_usage_error(
				&issue_spec, "'--batch' takes '--out-dir', not '--in' or '--out'");
		if (a.val[I_SUPERSEDES])
			return cli_usage_error(&issue_spec,
					       "'--supersedes' is for one request "
					       "(in a batch, give \"supersedes\" in the line)");
		if (!a.val[I_OUT_DIR])
			return cli_usage_error(&issue_spec, "missing '--out-dir DIR'");
		o.jobs = 1;
		if (a.val[I_JOBS] &&
		    cli_parse_int(&issue_spec, "jobs", a.val[I_JOBS], 1, 64, &o.jobs) >= 0)
			return EXIT_USAGE;
		o.signer_dir = a.val[I_SIGNER];
		o.batch = a.val[I_BATCH];
		o.out_dir = a.val[I_OUT_DIR];
		o.register_opt = a.val[I_REGISTER];
		o.no_register = a.val[I_NO_REGISTER] != NULL;
		o.pattern = a.val[I_PATTERN];
		o.pass_file = a.val[I_PASS_FILE];
		o.templates = a.val[I_TEMPLATES];
		o.logo = a.val[I_LOGO];
		o.at = at;
		o.force = a.val[I_FORCE] != NULL;
		o.json = a.val[I_JSON] != NULL;
		return cli_issue_batch(&o);
	}
	if (a.val[I_OUT_DIR] || a.val[I_JOBS])
		return cli_usage_error(&issue_spec, "'--%s' goes with '--batch'",
				       a.val[I_OUT_DIR] ? "out-dir" : "jobs");
	if (!a.val[I_IN])
		return cli_usage_error(&issue_spec, "missing '--in REQUEST.json'");
	if (!a.val[I_OUT])
		return cli_usage_error(&issue_spec, "missing '--out FILE.pdf'");
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
	if (a.val[I_SUPERSEDES]) {
		const char *had = sceau_record_get(rec, "supersedes");
		if (had && strcmp(had, a.val[I_SUPERSEDES])) {
			cli_warn("'%s' says it supersedes '%s', not '%s'", a.val[I_IN], had,
				 a.val[I_SUPERSEDES]);
			ret = EXIT_USAGE;
			goto out;
		}
		if (sceau_record_set_supersedes(rec, a.val[I_SUPERSEDES], &err) != SCEAU_OK) {
			ret = cli_usage_error(&issue_spec, "--supersedes: %s", err.msg);
			goto out;
		}
	}
	if (a.val[I_NO_REGISTER] && !sceau_record_get(rec, "number")) {
		cli_warn("'%s': number: required field missing (without a register the request "
			 "must give one)",
			 a.val[I_IN]);
		ret = EXIT_USAGE;
		goto out;
	}
	if ((ret = cli_signer_open_for(a.val[I_SIGNER], sceau_record_type(rec), at, &s)) !=
	    EXIT_VALID)
		goto out;
	/* Lay the document out once before the passphrase (a few ms), so text
	 * no font covers or a broken logo is refused before anything is asked,
	 * reserved or signed. */
	{
		struct sceau_render_info probe = {s->name, "MA1:", at, NULL};
		unsigned char *pdf = NULL;
		size_t len = 0;
		int had_number = sceau_record_get(rec, "number") != NULL;
		if (!had_number && sceau_record_set_number(rec, "PREVIEW-0", &err) != SCEAU_OK) {
			ret = cli_report(&err, NULL);
			goto out;
		}
		if (sceau_render(r, rec, &probe, &pdf, &len, NULL, &err) != SCEAU_OK) {
			ret = cli_report(&err, NULL);
			goto out;
		}
		free(pdf);
		if (!had_number)
			sceau_record_set_number(rec, NULL, &err);
	}
	if (!a.val[I_NO_REGISTER]) {
		if ((ret = cli_register_open(a.val[I_SIGNER], a.val[I_REGISTER], 1, s, &reg)) !=
		    EXIT_VALID)
			goto out;
		if (a.val[I_PATTERN] &&
		    sceau_register_set_pattern(reg, a.val[I_PATTERN], &err) != SCEAU_OK) {
			ret = cli_report(&err, NULL);
			goto out;
		}
	}
	if ((ret = cli_signer_unlock(s, a.val[I_SIGNER], a.val[I_PASS_FILE], &pass)) != EXIT_VALID)
		goto out;
	{
		struct cli_issuer c = {s, r, reg, at, a.val[I_FORCE] != NULL, 0};
		if (cli_issue_record(&c, rec, a.val[I_OUT], NULL, &res, &err) != SCEAU_OK) {
			/* The hint is for the output file, not for a number the
			 * register already holds. */
			ret = cli_report(&err, strstr(err.msg, a.val[I_OUT])
						       ? "use --force to replace "
							 "it"
						       : NULL);
			goto out;
		}
	}
	if (a.val[I_JSON]) {
		json_t *o = json_pack("{s:s, s:s, s:s, s:i, s:I, s:i}", "file", a.val[I_OUT],
				      "type", sceau_program_name(sceau_record_type(rec)), "number",
				      res.number, "pages", (int)res.pages, "bytes",
				      (json_int_t)res.bytes, "qr_chars", (int)res.qr_chars);
		char *js;
		if (o && sceau_record_get(rec, "supersedes"))
			json_object_set_new(o, "supersedes",
					    json_string(sceau_record_get(rec, "supersedes")));
		js = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
		if (js)
			printf("%s\n", js);
		free(js);
		json_decref(o);
	} else {
		printf("issued %s: %s, %u page%s, %zu KB, QR %zu characters, signed by '%s'\n",
		       res.number, a.val[I_OUT], res.pages, res.pages == 1 ? "" : "s",
		       (res.bytes + 1023) / 1024, res.qr_chars, s->name);
		if (sceau_record_get(rec, "supersedes"))
			printf("it supersedes %s, now marked superseded\n",
			       sceau_record_get(rec, "supersedes"));
	}
	ret = fflush(stdout) == 0 ? EXIT_VALID : EXIT_INTERNAL;
out:
	free(res.qr);
	cli_pass_release(&pass);
	sceau_register_close(reg);
	sceau_signer_close(s);
	sceau_renderer_free(r);
	sceau_record_free(rec);
	return ret;
}
