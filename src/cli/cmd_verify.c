/* sceau verify — is this QR code genuine, whole, from an authorised body,
 * not revoked, and in force? Offline. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum { V_TRUST, V_QR, V_JSON, V_AT };
static const struct cli_opt verify_opts[] = {
	[V_TRUST] = {"trust", "DIR", "trust store: a directory of *.crt and *.crl (required)"},
	[V_QR] = {"qr", "TEXT", "the QR code's text; '-' reads one line from standard input"},
	[V_JSON] = {"json", NULL, "print one JSON object instead of text"},
	[V_AT] = {"at", "TIME", "judge at this time instead of now, e.g. 2027-01-15T10:00:00Z"},
	{0},
};
static const struct cli_spec verify_spec = {
	"verify",
	"--trust DIR --qr TEXT [--json] [--at TIME]",
	"Verify a certificate's QR code offline and print the verdict with what the\n"
	"code says: valid, invalid, untrusted, revoked, expired or not_yet_valid.",
	verify_opts,
	"The signer is found by the code's kid among the trust store's certificates;\n"
	"it must chain to a root there, not be on that root's CRL, be authorised for\n"
	"the document's programme, and have been valid when it signed; the code\n"
	"must be in force at TIME. Exit status: 0 valid, 1 any other verdict, 2 a\n"
	"usage error or unreadable trust store, 3 an internal error.\n",
	0,
	0};

static int print_json(json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	int ok = s && printf("%s\n", s) >= 0;

	free(s);
	return ok;
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
	if (!a.val[V_TRUST])
		return cli_usage_error(&verify_spec, "missing '--trust DIR'");
	if (!a.val[V_QR])
		return cli_usage_error(&verify_spec, "missing '--qr TEXT'");
	if (a.val[V_AT] && sceau_time_parse(a.val[V_AT], &at, &err) != SCEAU_OK)
		return cli_usage_error(&verify_spec, "%s", err.msg);
	if (sceau_trust_load_dir(a.val[V_TRUST], &trust, &err) != SCEAU_OK) {
		ret = cli_report(&err, NULL);
		goto out;
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
		if (!o || !fields || json_object_update(o, fields) || !print_json(o)) {
			json_decref(fields);
			ret = EXIT_INTERNAL;
			goto out;
		}
		json_decref(fields);
	} else {
		char *name = strdup(sceau_verdict_name(v.code));
		for (char *c = name; c && *c; c++)
			*c = (char)(*c == '_' ? ' ' : *c >= 'a' && *c <= 'z' ? *c - 32 : *c);
		printf("%s: %s\n", name ? name : "?", v.reason);
		free(name);
		if (p && p->signature_verified)
			cli_payload_print(stdout, p);
		else if (p)
			printf("  (the code's contents are not shown: nothing vouches for them; "
			       "'sceau show' decodes them)\n");
	}
	if (fflush(stdout) != 0)
		ret = EXIT_INTERNAL;
out:
	json_decref(o);
	free(text);
	sceau_payload_free(p);
	sceau_trust_free(trust);
	return ret;
}
