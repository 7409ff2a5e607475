/* sceau show — decode a QR code without judging it. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum { S_QR, S_JSON };
static const struct cli_opt show_opts[] = {
	[S_QR] = {"qr", "TEXT", "the QR code's text; '-' reads one line from standard input"},
	[S_JSON] = {"json", NULL, "print one JSON object instead of text"},
	{0},
};
static const struct cli_spec show_spec = {
	"show",
	"--qr TEXT [--json]",
	"Decode a certificate's QR code and print what it says, NOT VERIFIED: use\n"
	"'sceau verify' to know whether to believe it.",
	show_opts,
	NULL,
	0,
	0};

int cmd_show(int argc, char **argv)
{
	struct sceau_error err = {0};
	struct sceau_payload *p = NULL;
	struct cli_args a;
	char *text = NULL;
	size_t len = 0;
	json_t *o = NULL;
	int ret;

	if ((ret = cli_parse(&show_spec, argc, argv, &a)) >= 0)
		return ret;
	if (!a.val[S_QR])
		return cli_usage_error(&show_spec, "missing '--qr TEXT'");
	if ((ret = cli_qr_text(a.val[S_QR], &text, &len)) != 0)
		goto out;
	if (sceau_payload_decode(text, len, NULL, &p, &err) != SCEAU_OK) {
		ret = cli_report(&err, NULL);
		goto out;
	}
	if (a.val[S_JSON]) {
		char *s = NULL;
		if (!(o = cli_payload_json(p)) ||
		    !(s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER)) ||
		    printf("%s\n", s) < 0) {
			free(s);
			ret = EXIT_INTERNAL;
			goto out;
		}
		free(s);
	} else {
		printf("NOT VERIFIED: decoded only; run 'sceau verify' to judge it\n");
		cli_payload_print(stdout, p);
	}
	ret = fflush(stdout) == 0 ? EXIT_VALID : EXIT_INTERNAL;
out:
	json_decref(o);
	free(text);
	sceau_payload_free(p);
	return ret;
}
