/* sceau status — a body publishes its signed document status list. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"

enum { S_SIGNER, S_REGISTER, S_OUT, S_DAYS, S_PASS_FILE, S_TIME, S_FORCE, S_JSON };
static const struct cli_opt status_opts[] = {
	[S_SIGNER] = {"signer", "SIGNER", "the body's signer directory"},
	[S_REGISTER] = {"register", "DB", "the body's register (default: SIGNER/register.db)"},
	[S_OUT] = {"out", "FILE.status", "where to write the list"},
	[S_DAYS] = {"days", "N", "days until the next update verifiers should expect (default 7)"},
	[S_PASS_FILE] = {"pass-file", "FILE", "read the signer key's passphrase from FILE"},
	[S_TIME] = {"time", "TIME", "issue time of the list (default: now)"},
	[S_FORCE] = {"force", NULL, "replace FILE.status if it exists"},
	[S_JSON] = {"json", NULL, "print the result as JSON"},
	{0},
};
static const struct cli_spec status_spec = {
	"status",
	"--signer SIGNER --out FILE.status [--register DB] [--days N] [--pass-file FILE]\n"
	"       [--time TIME] [--force] [--json]",
	"Publish the body's signed document status list: every certificate of the\n"
	"register that is revoked, suspended or superseded.",
	status_opts,
	"The list (docs/formats.md, \"Document status lists\") carries its issue time,\n"
	"its next update and a sequence number that grows with each list, and is\n"
	"signed with the signer key. Verifiers read it from a trust directory\n"
	"(FILE.status) or a trust bundle ('sceau trust build ... FILE.status').\n"
	"Publish a new one before the next update: past it, verifiers warn, and a\n"
	"week later they no longer trust the body's documents.\n",
	0,
	0};

int cmd_status(int argc, char **argv)
{
	struct sceau_error err = {0};
	struct sceau_signer *s = NULL;
	struct sceau_register *reg = NULL;
	struct sceau_status_entry *entries = NULL;
	struct sceau_status *list = NULL;
	struct cli_pass pass = {0};
	struct cli_args a;
	char when[64], next[64];
	size_t n = 0;
	uint64_t seq = 0;
	time_t at = 0;
	int days = 7, ret;

	if ((ret = cli_parse(&status_spec, argc, argv, &a)) >= 0)
		return ret;
	if (!a.val[S_SIGNER])
		return cli_usage_error(&status_spec, "missing '--signer SIGNER'");
	if (!a.val[S_OUT])
		return cli_usage_error(&status_spec, "missing '--out FILE.status'");
	if (a.val[S_DAYS] && cli_parse_int(&status_spec, "days", a.val[S_DAYS], 1, 366, &days) >= 0)
		return EXIT_USAGE;
	if (a.val[S_TIME] && sceau_time_parse(a.val[S_TIME], &at, &err) != SCEAU_OK)
		return cli_usage_error(&status_spec, "%s", err.msg);
	if (!at)
		at = time(NULL);
	if (!a.val[S_FORCE] && access(a.val[S_OUT], F_OK) == 0) {
		cli_warn("'%s' exists (use --force to replace it)", a.val[S_OUT]);
		return EXIT_USAGE;
	}
	if ((ret = cli_signer_open_for(a.val[S_SIGNER], SCEAU_PROGRAM_ANY, at, &s)) != EXIT_VALID)
		goto out;
	if ((ret = cli_register_open(a.val[S_SIGNER], a.val[S_REGISTER], 0, s, &reg)) != EXIT_VALID)
		goto out;
	if ((ret = cli_signer_unlock(s, a.val[S_SIGNER], a.val[S_PASS_FILE], &pass)) != EXIT_VALID)
		goto out;
	if (sceau_register_status_entries(reg, &entries, &n, &seq, &err) != SCEAU_OK ||
	    sceau_status_build(entries, n, seq, at, at + (time_t)days * 86400, s->cert, s->key,
			       &list, &err) != SCEAU_OK) {
		ret = cli_report(&err, NULL);
		goto out;
	}
	if ((ret = cli_write_atomic(a.val[S_OUT], list->raw, list->raw_len, a.val[S_FORCE] != NULL,
				    0644)) != EXIT_VALID)
		goto out;
	cli_format_time(list->issued, when, sizeof(when));
	cli_format_time(list->next_update, next, sizeof(next));
	if (a.val[S_JSON]) {
		size_t counts[4] = {0};
		for (size_t i = 0; i < n; i++)
			if ((unsigned)entries[i].state < 4)
				counts[entries[i].state]++;
		json_t *o = json_pack(
			"{s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "file", a.val[S_OUT],
			"issuer", list->issuer, "sequence", (json_int_t)list->sequence, "issued",
			(json_int_t)list->issued, "next_update", (json_int_t)list->next_update,
			"revoked", (json_int_t)counts[SCEAU_DOC_REVOKED], "suspended",
			(json_int_t)counts[SCEAU_DOC_SUSPENDED], "superseded",
			(json_int_t)counts[SCEAU_DOC_SUPERSEDED], "bytes",
			(json_int_t)list->raw_len);
		char *js = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
		if (js)
			printf("%s\n", js);
		free(js);
		json_decref(o);
	} else {
		printf("status list %llu of '%s': %zu certificate%s not in good standing, %zu "
		       "bytes, in %s\n",
		       (unsigned long long)list->sequence, list->issuer, n, n == 1 ? "" : "s",
		       list->raw_len, a.val[S_OUT]);
		printf("  issued      %s\n  next update %s\n", when, next);
	}
	ret = fflush(stdout) == 0 ? EXIT_VALID : EXIT_INTERNAL;
out:
	free(entries);
	sceau_status_free(list);
	cli_pass_release(&pass);
	sceau_register_close(reg);
	sceau_signer_close(s);
	return ret;
}
