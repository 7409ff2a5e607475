/* sceau demo — a demo PKI made in one go, and what it shows. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <openssl/x509.h>

#include "cli.h"

#define DEMO_PASS "demo"

enum { D_DIR };
static const struct cli_opt demo_opts[] = {
	[D_DIR] = {"dir", "DIR", "where to put the demo (default: demo)"},
	{0},
};
static const struct cli_spec demo_spec = {
	"demo",
	"[--dir DIR]",
	"Make a demo PKI and show what sceau does: DIR/root (a root CA), DIR/signer\n"
	"(a body authorised for coc and halal), and check that the signer is trusted.\n"
	"Demo keys are encrypted with the passphrase 'demo'. Running it again\n"
	"replaces the demo's own files in DIR and nothing else.",
	demo_opts,
	NULL,
	0,
	0};

static char *join(const char *a, const char *b)
{
	char *p = NULL;

	return asprintf(&p, "%s/%s", a, b) < 0 ? NULL : p;
}

/* Load what the demo made and check the signer for each programme. */
static int check_demo(const char *root_dir, const char *signer_dir)
{
	char *root_path = join(root_dir, SCEAU_ROOT_CERT_FILE);
	char *crl_path = join(root_dir, SCEAU_ROOT_CRL_FILE);
	char *signer_path = join(signer_dir, SCEAU_SIGNER_CERT_FILE);
	struct sceau_error err = {0};
	X509 *root = NULL, *signer = NULL;
	X509_CRL *crl = NULL;
	int ret = EXIT_INTERNAL;
	size_t n;
	const enum sceau_program *all = sceau_program_all(&n);

	if (!root_path || !crl_path || !signer_path) {
		cli_warn("out of memory");
		goto out;
	}
	if (sceau_cert_load(root_path, &root, &err) != SCEAU_OK ||
	    sceau_cert_load(signer_path, &signer, &err) != SCEAU_OK ||
	    sceau_crl_load(crl_path, &crl, &err) != SCEAU_OK) {
		ret = cli_report(&err, NULL);
		goto out;
	}
	ret = EXIT_VALID;
	for (size_t i = 0; i < n; i++) {
		struct sceau_verdict v;
		if (sceau_signer_check(signer, root, crl, all[i], 0, &v, &err) != SCEAU_OK) {
			ret = cli_report(&err, NULL);
			goto out;
		}
		printf("  %-6s %-9s %s\n", sceau_program_name(all[i]), sceau_verdict_name(v.code),
		       v.reason);
		if (v.code != SCEAU_VERDICT_VALID)
			ret = EXIT_NOT_VALID;
	}
out:
	X509_free(root);
	X509_free(signer);
	X509_CRL_free(crl);
	free(root_path);
	free(crl_path);
	free(signer_path);
	return ret;
}

int cmd_demo(int argc, char **argv)
{
	struct sceau_pki_init_params ip = {0};
	struct sceau_pki_signer_params sp = {0};
	struct sceau_error err = {0};
	struct sceau_pki_made made;
	struct cli_args a;
	char *root_dir = NULL, *signer_dir = NULL, to[32];
	const char *dir;
	int ret;

	if ((ret = cli_parse(&demo_spec, argc, argv, &a)) >= 0)
		return ret;
	dir = a.val[D_DIR] ? a.val[D_DIR] : "demo";
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		cli_warn("cannot create directory '%s': %s", dir, strerror(errno));
		return errno == EACCES || errno == ENOENT ? EXIT_USAGE : EXIT_INTERNAL;
	}
	root_dir = join(dir, "root");
	signer_dir = join(dir, "signer");
	if (!root_dir || !signer_dir) {
		cli_warn("out of memory");
		ret = EXIT_INTERNAL;
		goto out;
	}

	ip.dir = root_dir;
	ip.name = "sceau DEMO Root CA (not for production)";
	ip.days = SCEAU_ROOT_DAYS_DEFAULT;
	ip.crl_days = SCEAU_CRL_DAYS_DEFAULT;
	ip.force = 1;
	ip.pass = DEMO_PASS;
	ip.pass_len = strlen(DEMO_PASS);
	if (sceau_pki_init(&ip, &made, &err) != SCEAU_OK) {
		ret = cli_report(&err, NULL);
		goto out;
	}
	cli_format_date(made.not_after, to, sizeof(to));
	printf("sceau demo in '%s' (every key's passphrase is '%s')\n\n", dir, DEMO_PASS);
	printf("root CA      %s/   '%s', valid to %s\n", root_dir, ip.name, to);

	sp.root_dir = root_dir;
	sp.root_pass = DEMO_PASS;
	sp.root_pass_len = strlen(DEMO_PASS);
	sp.dir = signer_dir;
	sp.name = "DEMO Inspection Body";
	sp.programs = SCEAU_PROGRAM_BIT(SCEAU_PROGRAM_COC) | SCEAU_PROGRAM_BIT(SCEAU_PROGRAM_HALAL);
	sp.days = SCEAU_SIGNER_DAYS_DEFAULT;
	sp.force = 1;
	sp.pass = DEMO_PASS;
	sp.pass_len = strlen(DEMO_PASS);
	if (sceau_pki_signer(&sp, &made, &err) != SCEAU_OK) {
		ret = cli_report(&err, NULL);
		goto out;
	}
	cli_format_date(made.not_after, to, sizeof(to));
	printf("signer       %s/ '%s', authorised for coc and halal, valid to %s\n", signer_dir,
	       sp.name, to);
	printf("             (%s, %s, %s)\n", SCEAU_SIGNER_CERT_FILE, SCEAU_SIGNER_KEY_FILE,
	       SCEAU_SIGNER_CHAIN_FILE);
	printf("\nchecking the signer against the root and its revocation list:\n");
	ret = check_demo(root_dir, signer_dir);
	if (ret != EXIT_VALID)
		goto out;
	printf("\ntry:\n"
	       "  openssl verify -CAfile %s/root.crt %s/signer.crt\n"
	       "  openssl x509 -in %s/signer.crt -noout -text\n"
	       "  SCEAU_PASSPHRASE=demo %s pki revoke --root %s --cert %s/signer.crt --reason "
	       "keyCompromise\n"
	       "  %s demo --dir %s      (again, to start afresh)\n",
	       root_dir, signer_dir, signer_dir, cli_progname, root_dir, signer_dir, cli_progname,
	       dir);
out:
	free(root_dir);
	free(signer_dir);
	return ret;
}
