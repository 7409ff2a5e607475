/* The signer steps 'payload' and 'issue' share: open a body's signer for a
 * record's programme, then unlock its key. */
#include <stdio.h>

#include "cli.h"

int cli_signer_open_for(const char *dir, enum sceau_program program, time_t at,
			struct sceau_signer **out)
{
	struct sceau_error err = {0};
	struct sceau_signer *s = NULL;
	struct sceau_verdict v;

	if (sceau_signer_open(dir, &s, &err) != SCEAU_OK)
		return cli_report(&err, NULL);
	/* Refuse before the passphrase: a signer the verifier would reject. */
	if (sceau_signer_check(s->cert, s->root, NULL, program, at, &v, &err) != SCEAU_OK) {
		sceau_signer_close(s);
		return cli_report(&err, NULL);
	}
	if (v.code != SCEAU_VERDICT_VALID) {
		cli_warn("cannot sign with '%s': %s", dir, v.reason);
		sceau_signer_close(s);
		return EXIT_USAGE;
	}
	*out = s;
	return EXIT_VALID;
}

int cli_signer_unlock(struct sceau_signer *s, const char *dir, const char *pass_file,
		      struct cli_pass *pass)
{
	struct sceau_error err = {0};
	char what[4200];
	const struct cli_pass_src src[] = {{pass_file, NULL}, {NULL, "SCEAU_PASSPHRASE"}};
	int ret;

	snprintf(what, sizeof(what), "the signer key '%s/%s'", dir, SCEAU_SIGNER_KEY_FILE);
	if ((ret = cli_pass_get(pass, src, 2, what, "give --pass-file FILE or set SCEAU_PASSPHRASE",
				0)) != 0)
		return ret;
	if (sceau_signer_unlock(s, pass->buf, pass->len, &err) != SCEAU_OK)
		return cli_report(&err, NULL);
	return EXIT_VALID;
}
