/* sceau payload — sign a request as QR text. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum { P_SIGNER, P_IN, P_PASS_FILE, P_TIME };
static const struct cli_opt payload_opts[] = {
	[P_SIGNER] = {"signer", "SIGNER", "the body's signer directory (from 'sceau pki signer')"},
	[P_IN] = {"in", "REQUEST.json", "the certificate request (docs/formats.md)"},
	[P_PASS_FILE] = {"pass-file", "FILE", "read the signer key's passphrase from FILE"},
	[P_TIME] = {"time", "TIME", "signing time (default: now), e.g. 2026-11-24T10:00:00Z"},
	{0},
};
static const struct cli_spec payload_spec = {
	"payload",
	"--signer SIGNER --in REQUEST.json [--pass-file FILE] [--time TIME]",
	"Validate a CoC or Halal request and print its signed QR text (one line),\n"
	"what the certificate's QR code carries. A body's own system can print it.",
	payload_opts,
	"The signer key's passphrase comes from --pass-file FILE (its first line),\n"
	"else SCEAU_PASSPHRASE, else the terminal. A request that does not validate\n"
	"is refused with the JSON path of the first problem (exit 2) before any\n"
	"passphrase is asked.\n",
	0,
	0};

int cmd_payload(int argc, char **argv)
{
	struct sceau_error err = {0};
	struct sceau_record *rec = NULL;
	struct sceau_signer *s = NULL;
	struct cli_args a;
	struct cli_pass pass = {0};
	time_t at = 0;
	char *text = NULL;
	int ret;

	if ((ret = cli_parse(&payload_spec, argc, argv, &a)) >= 0)
		return ret;
	if (!a.val[P_SIGNER])
		return cli_usage_error(&payload_spec, "missing '--signer SIGNER'");
	if (!a.val[P_IN])
		return cli_usage_error(&payload_spec, "missing '--in REQUEST.json'");
	if (a.val[P_TIME] && sceau_time_parse(a.val[P_TIME], &at, &err) != SCEAU_OK)
		return cli_usage_error(&payload_spec, "%s", err.msg);
	if (!at)
		at = time(NULL);

	if (sceau_record_load(a.val[P_IN], &rec, &err) != SCEAU_OK) {
		ret = cli_report(&err, NULL);
		goto out;
	}
	if ((ret = cli_signer_open_for(a.val[P_SIGNER], sceau_record_type(rec), at, &s)) !=
		    EXIT_VALID ||
	    (ret = cli_signer_unlock(s, a.val[P_SIGNER], a.val[P_PASS_FILE], &pass)) != EXIT_VALID)
		goto out;
	if (sceau_payload_encode(rec, s->cert, s->key, at, NULL, 0, &text, &err) != SCEAU_OK) {
		ret = cli_report(&err, NULL);
		goto out;
	}
	printf("%s\n", text);
	ret = fflush(stdout) == 0 ? EXIT_VALID : EXIT_INTERNAL;
out:
	cli_pass_release(&pass);
	free(text);
	sceau_signer_close(s);
	sceau_record_free(rec);
	return ret;
}
