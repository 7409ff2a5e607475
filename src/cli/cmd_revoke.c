/* sceau revoke — a body withdraws, suspends or reinstates one of its
 * certificates in its register; 'sceau status' publishes the change. */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"

enum { R_SIGNER, R_REGISTER, R_REASON, R_SUSPEND, R_REINSTATE, R_PASS_FILE, R_TIME, R_JSON };
static const struct cli_opt revoke_opts[] = {
	[R_SIGNER] = {"signer", "SIGNER", "the body's signer directory"},
	[R_REGISTER] = {"register", "DB", "the body's register (default: SIGNER/register.db)"},
	[R_REASON] = {"reason", "REASON",
		      "why: unspecified (default), issued_in_error, non_conformity, fraud, "
		      "withdrawn, holder_request, investigation"},
	[R_SUSPEND] = {"suspend", NULL, "suspend instead of revoking (it can be reinstated)"},
	[R_REINSTATE] = {"reinstate", NULL, "lift a suspension: the certificate is good again"},
	[R_PASS_FILE] = {"pass-file", "FILE", "read the signer key's passphrase from FILE"},
	[R_TIME] = {"time", "TIME", "when it takes effect (default: now)"},
	[R_JSON] = {"json", NULL, "print the result as JSON"},
	{0},
};
static const struct cli_spec revoke_spec = {
	"revoke",
	"--signer SIGNER [--register DB] NUMBER [--reason REASON] [--suspend | --reinstate]\n"
	"       [--pass-file FILE] [--time TIME] [--json]",
	"Revoke, suspend or reinstate a certificate in the body's register.",
	revoke_opts,
	"Revocation is final; a suspended certificate can be revoked or reinstated.\n"
	"A certificate replaced by a revision ('sceau issue --supersedes') is already\n"
	"marked superseded. The signer key's passphrase is asked so the audit trail\n"
	"names the key that acted. Verifiers learn of the change from the next\n"
	"status list: run 'sceau status' and publish its file (docs/register.md).\n"
	"\n"
	"Exit status: 0 done; 2 an unknown number, a change its state does not allow\n"
	"(revoking twice), or a usage error; 3 a system error.\n",
	1,
	1};

int cmd_revoke(int argc, char **argv)
{
	struct sceau_error err = {0};
	struct sceau_signer *s = NULL;
	struct sceau_register *reg = NULL;
	struct sceau_register_entry e;
	enum sceau_doc_reason reason = SCEAU_DOCR_UNSPECIFIED;
	enum sceau_reg_state to = SCEAU_REG_REVOKED;
	struct cli_pass pass = {0};
	struct cli_args a;
	char *path = NULL;
	time_t at = 0;
	const char *number;
	int ret;

	if ((ret = cli_parse(&revoke_spec, argc, argv, &a)) >= 0)
		return ret;
	number = a.operands[0];
	if (!a.val[R_SIGNER])
		return cli_usage_error(&revoke_spec, "missing '--signer SIGNER'");
	if (a.val[R_SUSPEND] && a.val[R_REINSTATE])
		return cli_usage_error(&revoke_spec, "'--suspend' and '--reinstate' conflict");
	if (a.val[R_REINSTATE] && a.val[R_REASON])
		return cli_usage_error(&revoke_spec, "'--reinstate' takes no '--reason'");
	if (a.val[R_REASON] &&
	    (sceau_doc_reason_from_name(a.val[R_REASON], &reason, &err) != SCEAU_OK ||
	     reason == SCEAU_DOCR_SUPERSEDED))
		return cli_usage_error(&revoke_spec, "--reason: %s",
				       reason == SCEAU_DOCR_SUPERSEDED
					       ? "'superseded' is set by 'sceau issue --supersedes'"
					       : err.msg);
	if (a.val[R_TIME] && sceau_time_parse(a.val[R_TIME], &at, &err) != SCEAU_OK)
		return cli_usage_error(&revoke_spec, "%s", err.msg);
	if (!at)
		at = time(NULL);
	if (a.val[R_SUSPEND]) {
		to = SCEAU_REG_SUSPENDED;
		if (!a.val[R_REASON])
			reason = SCEAU_DOCR_INVESTIGATION;
	} else if (a.val[R_REINSTATE]) {
		to = SCEAU_REG_ISSUED;
	}

	if (sceau_signer_open(a.val[R_SIGNER], &s, &err) != SCEAU_OK) {
		ret = cli_report(&err, NULL);
		goto out;
	}
	if ((ret = cli_register_open(a.val[R_SIGNER], a.val[R_REGISTER], 0, s, &reg)) != EXIT_VALID)
		goto out;
	/* Refuse an unknown number before asking for anything. */
	if (sceau_register_get(reg, number, &e, &err) != SCEAU_OK) {
		ret = cli_report(&err, NULL);
		goto out;
	}
	if ((ret = cli_signer_unlock(s, a.val[R_SIGNER], a.val[R_PASS_FILE], &pass)) != EXIT_VALID)
		goto out;
	if (sceau_register_set_state(reg, number, to, reason, at, &err) != SCEAU_OK) {
		ret = cli_report(&err, NULL);
		goto out;
	}
	path = cli_register_path(a.val[R_SIGNER], a.val[R_REGISTER]);
	if (a.val[R_JSON]) {
		json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "number", number, "state",
				      sceau_reg_state_name(to), "reason",
				      to == SCEAU_REG_ISSUED ? "" : sceau_doc_reason_name(reason),
				      "register", path ? path : "");
		char *js = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
		if (js)
			printf("%s\n", js);
		free(js);
		json_decref(o);
	} else {
		if (to == SCEAU_REG_ISSUED)
			printf("reinstated %s: it is in good standing again\n", number);
		else
			printf("%s %s (%s)\n", to == SCEAU_REG_REVOKED ? "revoked" : "suspended",
			       number, sceau_doc_reason_name(reason));
		printf("publish it: %s status --signer %s --out FILE.status\n", cli_progname,
		       a.val[R_SIGNER]);
	}
	ret = fflush(stdout) == 0 ? EXIT_VALID : EXIT_INTERNAL;
out:
	free(path);
	cli_pass_release(&pass);
	sceau_register_close(reg);
	sceau_signer_close(s);
	return ret;
}
